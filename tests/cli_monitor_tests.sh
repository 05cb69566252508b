#!/usr/bin/env bash
# CLI tests of `zkmlops monitor`: serving log verbs, window proofs and chain checks, the
# simulated stream (held-out rows, then one feature scaled: the drift alert must fire in the
# proved output), bad input (exit 2) and rejected proofs (exit 1). Data: the first 200 rows of
# the breast-cancer set, split by `preprocess prove` (no transforms: raw features, the proved
# training reference), and the logistic-regression fixture. Prints "N passed, N failed".
set -u
build=${1:-build}
case "$build" in /*) zk="$build/zkmlops" ;; *) zk="$PWD/$build/zkmlops" ;; esac
src=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0

expect() {
  local code=$1 pat=$2; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq "$code" ] && { [ -z "$pat" ] || grep -Eq -- "$pat" <<<"$out"; }; then
    pass=$((pass+1))
  else
    fail=$((fail+1))
    echo "FAIL: $* -> exit $rc (want $code), output:"; echo "$out" | head -5 | sed 's/^/    /'
    [ -n "$pat" ] && echo "    (wanted pattern: $pat)"
  fi
}
expect_reject() {
  local pat=$1; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if { [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; } && grep -Eq -- "$pat" <<<"$out"; then
    pass=$((pass+1))
  else
    fail=$((fail+1))
    echo "FAIL (want exit 1 or 2): $* -> exit $rc, output:"; echo "$out" | head -5 | sed 's/^/    /'
  fi
}
check() { # check DESCRIPTION CONDITION...
  local d=$1; shift
  if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $d"; fi
}

cd "$tmp" || exit 1
head -201 "$src/data/breast_cancer_wisconsin.csv" > bc200.csv
"$zk" data commit bc200.csv -o raw.zkd --quiet >/dev/null || { echo "setup: data commit failed"; exit 1; }
echo '{"format": "zkmlops-pipeline/v1", "label": "benign", "transforms": [], "split": {"seed": 3, "test_fraction": 0.3}}' > prep.json
"$zk" preprocess prove --data raw.zkd --pipeline prep.json --train train.zkd --test test.zkd -o prep.zkp \
  --output ref.json --quiet >/dev/null || { echo "setup: preprocess failed"; exit 1; }
"$zk" model commit "$src/tests/fixtures/onnx/bc_logreg.onnx" --calibration "$src/tests/fixtures/onnx/bc_logreg.calib.json" \
  --scale 12 -o model.zkm --quiet >/dev/null || { echo "setup: model commit failed"; exit 1; }
# PSI is noisy on 60-record windows: this test keys on the mean-shift alert (PSI alert at 1.0)
echo '{"format": "zkmlops-monitor/v1", "window_size": 4, "alerts": {"psi_above": 1.0, "mean_shift_above": 0.5, "accuracy_below": 0.5, "min_feedback": 2}}' > mon4.json
echo '{"format": "zkmlops-monitor/v1", "window_size": 60, "alerts": {"psi_above": 1.0, "mean_shift_above": 0.5}}' > mon60.json

expect 0 "Usage: zkmlops monitor" -- "$zk" monitor --help
expect 0 "Usage: zkmlops monitor prove" -- "$zk" monitor prove --help
expect 0 "Usage: zkmlops monitor log append" -- "$zk" monitor log append --help
expect 2 "unknown verb" -- "$zk" monitor frob
expect 2 "unknown verb" -- "$zk" monitor log frob

# ---- the log by hand
expect 0 '"log": "serving.log"' -- "$zk" monitor log init --model model.com --reference ref.json --config mon4.json -o serving.log
expect 2 "already exists" -- "$zk" monitor log init --model model.com --reference ref.json --config mon4.json -o serving.log
python_rows() { # N rows of the test CSV as {"input_data": [...]} (raw features, the model's input units)
  sed -n "2,$(( $1 + 1 ))p" bc200.csv | awk -F, 'BEGIN{printf "{\"input_data\": ["} {if (NR>1) printf ","; printf "["; for (i=1;i<NF;i++){ if(i>1) printf ","; printf "%s",$i } printf "]"} END{print "]}"}'
}
python_rows 3 > in3.json
expect 0 '"records":\[\{"id":0' -- "$zk" monitor log append --log serving.log --model model.zkm --input in3.json --ts 1700000000
expect 0 '"id":3' -- "$zk" monitor log append --log serving.log --model model.zkm --input in3.json --ts 1700000005
expect 2 "before the last record" -- "$zk" monitor log append --log serving.log --model model.zkm --input in3.json --ts 1600000000
expect 0 '"id": 1' -- "$zk" monitor log feedback --log serving.log --id 1 --label 0 --ts 1700000006
expect 2 "feedback for unknown record 42" -- "$zk" monitor log feedback --log serving.log --id 42 --label 1
expect 2 "already has feedback" -- "$zk" monitor log feedback --log serving.log --id 1 --label 1
expect 0 '"window": 0, "first_record": 0, "records": 4' -- "$zk" monitor log close-window --log serving.log -o w0.zkd
expect 2 "2 records pending, the window size is 4" -- "$zk" monitor log close-window --log serving.log -o w1.zkd
expect 2 "closed window" -- "$zk" monitor log feedback --log serving.log --id 2 --label 1
expect 0 '"window": 1, "first_record": 4, "records": 2' -- "$zk" monitor log close-window --log serving.log -o w1.zkd --partial
# a log with a dropped record line / reordered lines is refused (gap: exit 2)
awk 'NR!=3' serving.log > dropped.log
expect 2 "dropped.log:3: chain hash mismatch" -- "$zk" monitor log close-window --log dropped.log -o wx.zkd
awk 'NR==3{l=$0; next} {print} NR==4{print l}' serving.log > swapped.log
expect 2 "swapped.log:3: chain hash mismatch" -- "$zk" monitor log feedback --log swapped.log --id 0 --label 1

# ---- window proofs
M="--reference ref.json --config mon4.json"
expect 0 '"stage":"monitor".*"security_bits":1[0-9][0-9]' -- "$zk" monitor prove --model model.zkm --window w0.zkd $M -o m0.zkp --output m0.json --json --quiet
expect 0 '"proof_bytes"' -- "$zk" monitor prove --model model.zkm --window w1.zkd $M -o m1.zkp --output m1.json --quiet
expect 0 "VALID: window 0 .*first window" -- "$zk" monitor verify --model model.com --window w0.com $M --output m0.json m0.zkp --quiet
expect 0 "VALID: window 1 .*chained" -- "$zk" monitor verify --model model.com --window w1.com --prev w0.com $M --output m1.json m1.zkp --quiet
expect 0 '"valid":true' -- "$zk" monitor verify --model model.com --window w1.com --prev w0.com $M --output m1.json m1.zkp --json --quiet
# window 0 dropped from the chain / windows reordered: rejected
expect 1 "not the first window" -- "$zk" monitor verify --model model.com --window w1.com $M --output m1.json m1.zkp
expect 1 "does not chain" -- "$zk" monitor verify --model model.com --window w0.com --prev w1.com $M --output m0.json m0.zkp
# the proof of one window does not verify for another
expect 1 "" -- "$zk" monitor verify --model model.com --window w0.com $M --output m0.json m1.zkp
# edited statistics: more feedback correct than proved, an alert removed
sed 's/"correct":[[:space:]]*\([0-9]*\)/"correct": 9\1/' m0.json > e0.json
expect 1 "e0.json: \\\$\.feedback does not match|m0.zkp" -- "$zk" monitor verify --model model.com --window w0.com $M --output e0.json m0.zkp
# another model commitment
"$zk" model commit "$src/tests/fixtures/onnx/bc_logreg.onnx" --calibration "$src/tests/fixtures/onnx/bc_logreg.calib.json" \
  --scale 12 -o model2.zkm --quiet >/dev/null
expect 1 "another model commitment" -- "$zk" monitor verify --model model2.com --window w0.com $M --output m0.json m0.zkp
expect 2 "another model commitment" -- "$zk" monitor log append --log serving.log --model model2.zkm --input in3.json
# another configuration (a raised threshold)
sed 's/"mean_shift_above": 0.5/"mean_shift_above": 0.9/' mon4.json > mon4b.json
expect 1 "another monitoring configuration" -- "$zk" monitor verify --model model.com --window w0.com --reference ref.json --config mon4b.json --output m0.json m0.zkp
# tampered bytes
size=$(stat -c %s m0.zkp)
for off in 100 $((size / 3)) $((size - 60)); do
  cp m0.zkp flip.zkp
  printf '\xA5' | dd of=flip.zkp bs=1 seek="$off" conv=notrunc status=none
  expect_reject "flip.zkp" -- "$zk" monitor verify --model model.com --window w0.com $M --output m0.json flip.zkp
done
cp w0.com flip.com
printf '\x01' | dd of=flip.com bs=1 seek=20 conv=notrunc status=none
expect_reject "" -- "$zk" monitor verify --model model.com --window flip.com $M --output m0.json m0.zkp
expect 2 "not valid JSON|expected" -- "$zk" monitor log init --model model.com --reference prep.json --config mon4.json -o other.log

# ---- simulated stream: 60 held-out rows, then the same rows with mean_radius x 1.5
expect 0 '"windows_total":2' -- "$zk" monitor simulate --model model.zkm --data test.zkd --reference ref.json --config mon60.json \
  --dir sim --feature mean_radius --factor 1.5 --json --quiet
check "held-out window: no drift alert" grep -q '"fired":[[:space:]]*\[\]' sim/mon000.json
check "shifted window: drift alert on mean_radius" grep -q '"drift_mean:mean_radius"' sim/mon001.json
expect 0 "VALID: window 1" -- "$zk" monitor verify --model model.com --window sim/w001.com --prev sim/w000.com \
  --reference ref.json --config mon60.json --output sim/mon001.json sim/mon001.zkp --quiet
# hiding the alert in the public output is rejected
sed 's/"drift_mean:mean_radius"//; s/"drift_mean"//' sim/mon001.json > hidden.json
expect_reject "hidden.json|mon001.zkp" -- "$zk" monitor verify --model model.com --window sim/w001.com --prev sim/w000.com \
  --reference ref.json --config mon60.json --output hidden.json sim/mon001.zkp

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
