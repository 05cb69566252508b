#!/usr/bin/env bash
# CLI tests of `zkmlops eval prove|verify` on the last 114 rows of the bundled breast-cancer
# data (raw features) with the scikit-learn logistic regression fixture (standardization in
# the graph, tests/fixtures/onnx/bc_logreg.onnx): metrics, claims, stage summaries, bad
# input (exit 2) and rejected proofs (exit 1). Prints "N passed, N failed".
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

cd "$tmp" || exit 1
{ head -1 "$src/data/breast_cancer_wisconsin.csv"; tail -114 "$src/data/breast_cancer_wisconsin.csv"; } > test.csv
"$zk" data commit test.csv -o test.zkd --quiet >/dev/null || { echo "setup: data commit failed"; exit 1; }
"$zk" model commit "$src/tests/fixtures/onnx/bc_logreg.onnx" --calibration "$src/tests/fixtures/onnx/bc_logreg.calib.json" \
  --scale 12 -o model.zkm --quiet >/dev/null || { echo "setup: model commit failed"; exit 1; }

expect 0 "Usage: zkmlops eval prove" -- "$zk" eval prove --help
expect 0 "Usage: zkmlops eval verify" -- "$zk" eval verify --help
expect 2 "unknown verb" -- "$zk" eval frob
expect 2 "are required" -- "$zk" eval prove --model model.zkm

# counts mode with the stage summary
echo '{"label": "benign", "positive_class": 1}' > spec.json
expect 0 '"stage":"eval".*"proof_bytes":[0-9]+.*"security_bits":1[0-9][0-9]' -- \
  "$zk" eval prove --model model.zkm --data test.zkd --metrics spec.json -o eval.zkp --output eval.json --json --quiet
expect 0 '"mode":[[:space:]]*"counts"' -- cat eval.json
expect 0 "VALID: eval proof .*114 rows" -- "$zk" eval verify --model model.com --data test.com --metrics spec.json --output eval.json eval.zkp --quiet
expect 0 "accuracy +[0-9]+/[0-9]+ = 0\.9[0-9]+" -- "$zk" eval verify --model model.com --data test.com --metrics spec.json --output eval.json eval.zkp --quiet
expect 0 '"stage":"eval","valid":true' -- "$zk" eval verify --model model.com --data test.com --metrics spec.json --output eval.json eval.zkp --json --quiet

# metric on a column that does not exist: exit 2 naming the column
echo '{"label": "malignant"}' > nocol.json
expect 2 "nocol.json: .*column 'malignant' does not exist" -- "$zk" eval prove --model model.zkm --data test.zkd --metrics nocol.json -o x.zkp --output x.json
echo '{"label": "benign", "sensitive": {"column": "race", "split_at": 0}}' > nocol2.json
expect 2 "column 'race' does not exist" -- "$zk" eval prove --model model.zkm --data test.zkd --metrics nocol2.json -o x.zkp --output x.json
expect 2 "column 'race' does not exist" -- "$zk" eval verify --model model.com --data test.com --metrics nocol2.json --output eval.json eval.zkp
echo '{"label": "benign", "claims": [{"metric": "auc", "at_least": 0.9}]}' > badmetric.json
expect 2 "claims\[0\]\.metric" -- "$zk" eval prove --model model.zkm --data test.zkd --metrics badmetric.json -o x.zkp --output x.json
[ -e x.zkp ] || [ -e x.json ] && { fail=$((fail+1)); echo "FAIL: partial output left behind"; } || pass=$((pass+1))

# claiming a higher accuracy: edited counts and fractions -> rejected by the proof (exit 1)
if command -v python3 >/dev/null; then
  python3 - <<'EOF'
import json
p = json.load(open("eval.json"))
c = p["counts"]
if c["fn"] > 0:
    c["fn"] -= 1; c["tn"] += 1   # one more correct prediction, totals unchanged
else:
    c["fp"] -= 1; c["tp"] += 1
c["correct"] += 1
n = p["rows"]
from math import gcd
def frac(a, b):
    if b == 0: return {"num": 0, "den": 0, "value": None}
    g = gcd(a, b); return {"num": a // g, "den": b // g, "value": a / b}
m = p["metrics"]
m["accuracy"] = frac(c["correct"], n)
m["precision"] = frac(c["tp"], c["tp"] + c["fp"])
m["recall"] = frac(c["tp"], c["tp"] + c["fn"])
m["f1"] = frac(2 * c["tp"], 2 * c["tp"] + c["fp"] + c["fn"])
json.dump(p, open("higher.json", "w"), indent=1)
EOF
  expect 1 "eval.zkp: .*(reject|mismatch|does not match)" -- "$zk" eval verify --model model.com --data test.com --metrics spec.json --output higher.json eval.zkp
else
  echo "skip: python3 not found (higher-accuracy edit)"
fi
# an edited derived value alone is caught before the proof
sed 's/"correct":[[:space:]]*\([0-9]*\)/"correct": 1\1/' eval.json > edited.json
expect 1 "edited.json: .* does not match the claimed counts" -- "$zk" eval verify --model model.com --data test.com --metrics spec.json --output edited.json eval.zkp
# tampered proof bytes
size=$(stat -c %s eval.zkp)
for off in 100 $((size / 3)) $((size / 2)) $((size - 50)); do
  cp eval.zkp flip.zkp
  printf '\xA5' | dd of=flip.zkp bs=1 seek="$off" conv=notrunc status=none
  expect_reject "flip.zkp" -- "$zk" eval verify --model model.com --data test.com --metrics spec.json --output eval.json flip.zkp
done
head -c $((size / 2)) eval.zkp > trunc.zkp
expect 2 "trunc.zkp" -- "$zk" eval verify --model model.com --data test.com --metrics spec.json --output eval.json trunc.zkp
# another model commitment (same ONNX model, fresh blinding) and another test-set commitment
"$zk" model commit "$src/tests/fixtures/onnx/bc_logreg.onnx" --calibration "$src/tests/fixtures/onnx/bc_logreg.calib.json" \
  --scale 12 -o model2.zkm --quiet >/dev/null
expect 1 "another model commitment" -- "$zk" eval verify --model model2.com --data test.com --metrics spec.json --output eval.json eval.zkp
sed "s/$(grep -o '"model_commitment":[^,]*' eval.json | grep -o '[0-9a-f]\{64\}')/$(sha256sum model2.com | cut -c1-64)/" eval.json > m2.json
expect 1 "eval.zkp: " -- "$zk" eval verify --model model2.com --data test.com --metrics spec.json --output m2.json eval.zkp

# claims mode: reveal only the claim; a higher threshold is rejected
echo '{"label": "benign", "claims": [{"metric": "accuracy", "at_least": 0.95}, {"metric": "recall", "at_least": 0.9}]}' > claim.json
expect 0 '"proof_bytes"' -- "$zk" eval prove --model model.zkm --data test.zkd --metrics claim.json -o claim.zkp --output claim_pub.json --quiet
expect 0 '"mode":[[:space:]]*"claims"' -- cat claim_pub.json
if grep -q '"counts"' claim_pub.json; then fail=$((fail+1)); echo "FAIL: claims mode revealed counts"; else pass=$((pass+1)); fi
expect 0 "claim holds: accuracy >= 0.95" -- "$zk" eval verify --model model.com --data test.com --metrics claim.json --output claim_pub.json claim.zkp --quiet
echo '{"label": "benign", "claims": [{"metric": "accuracy", "at_least": 0.999}, {"metric": "recall", "at_least": 0.9}]}' > claim_hi.json
sed 's/"0.95"/"0.999"/' claim_pub.json > claim_hi_pub.json
expect 1 "claim.zkp" -- "$zk" eval verify --model model.com --data test.com --metrics claim_hi.json --output claim_hi_pub.json claim.zkp
expect 2 "does not hold" -- "$zk" eval prove --model model.zkm --data test.zkd --metrics claim_hi.json -o y.zkp --output y.json

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
