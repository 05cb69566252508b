#!/usr/bin/env bash
# CLI tests of `zkmlops train prove|verify`: a small standardized slice of the
# bundled breast-cancer data (80 rows x 4 features + label `benign`), committed
# directly and through `preprocess prove`; logistic regression in 2 chunk proofs;
# soundness (other seed / learning rate / epochs / dataset / model / spec file /
# public claims, tampered and truncated proofs); bad input; the trained model
# used by `infer`. The full-size run (455 x 30, 50 epochs) is in bench/bench_train.c
# and runs here with ZKM_TRAIN_REAL=1. Prints "N passed, N failed".
set -u
build=${1:-build}
case "$build" in /*) zk="$build/zkmlops" ;; *) zk="$PWD/$build/zkmlops" ;; esac
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
check() { if eval "$1"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $2"; fi; }

root=$PWD
cd "$tmp" || exit 1
bc="$root/data/breast_cancer_wisconsin.csv"
# columns 1,2,3,5 (mean radius, texture, perimeter, smoothness) of rows 1..80, z-scored in awk; label last
awk -F, 'NR==1 {next} NR<=81 {for (k=0;k<4;k++) {c=(k<3?k+1:5); v[NR,k]=$c; s[k]+=$c; q[k]+=$c*$c}; y[NR]=$31; n++}
  END {print "radius,texture,perimeter,smoothness,benign";
       for (k=0;k<4;k++) {m[k]=s[k]/n; sd[k]=sqrt(q[k]/n-m[k]*m[k])}
       for (r=2;r<=n+1;r++) printf "%.6f,%.6f,%.6f,%.6f,%d\n", (v[r,0]-m[0])/sd[0], (v[r,1]-m[1])/sd[1], (v[r,2]-m[2])/sd[2], (v[r,3]-m[3])/sd[3], y[r]}' \
  "$bc" > small.csv
# the same rows with the label not last, and a second dataset (rows 81..160)
awk -F, '{print $5","$1","$2","$3","$4}' small.csv > label_first.csv
awk -F, 'NR==1 {next} NR>=82 && NR<=161 {for (k=0;k<4;k++) {c=(k<3?k+1:5); v[NR,k]=$c; s[k]+=$c; q[k]+=$c*$c}; y[NR]=$31; n++}
  END {print "radius,texture,perimeter,smoothness,benign";
       for (k=0;k<4;k++) {m[k]=s[k]/n; sd[k]=sqrt(q[k]/n-m[k]*m[k])}
       for (r=82;r<=n+81;r++) printf "%.6f,%.6f,%.6f,%.6f,%d\n", (v[r,0]-m[0])/sd[0], (v[r,1]-m[1])/sd[1], (v[r,2]-m[2])/sd[2], (v[r,3]-m[3])/sd[3], y[r]}' \
  "$bc" > other.csv
cat > spec.json <<'J'
{"format": "zkmlops-train/v1", "model": "logreg", "epochs": 3, "batch_size": 0,
 "learning_rate": "0.5", "learning_rate_fixed": 2048, "scale": 12, "init": "seed", "seed": 7,
 "init_range_fixed": 800, "label": "benign", "epochs_per_chunk": 2}
J
sed 's/"seed": 7/"seed": 8/' spec.json > spec_seed.json
sed 's/"learning_rate": "0.5", "learning_rate_fixed": 2048/"learning_rate_fixed": 2047/' spec.json > spec_lr.json
sed 's/"epochs": 3/"epochs": 4/' spec.json > spec_epochs.json
sed 's/"batch_size": 0/"batch_size": 40/' spec.json > spec_batch.json
sed 's/"model": "logreg"/"model": "logreg", "description": "same spec, other bytes"/' spec.json > spec_bytes.json
sed 's/"epochs": 3/"epoch": 3/' spec.json > spec_unknown.json
sed 's/"learning_rate_fixed": 2048/"learning_rate_fixed": 2000/' spec.json > spec_lr_mismatch.json
printf '{"model": "logreg", "learning_rate_fixed": 100' > spec_broken.json

expect 0 "Usage: zkmlops train prove" -- "$zk" train prove --help
expect 0 "Usage: zkmlops train verify" -- "$zk" train verify --help
expect 2 "Usage: zkmlops train" -- "$zk" train
expect 2 "unknown verb" -- "$zk" train frob
expect 2 "are required" -- "$zk" train prove --data x.zkd
expect 2 "exactly one proof file" -- "$zk" train verify --data t.com --spec spec.json --model m.com --output o.json

expect 0 "" -- "$zk" data commit small.csv -o train.zkd --quiet
expect 0 "" -- "$zk" data commit other.csv -o other.zkd --quiet
expect 0 "" -- "$zk" data commit label_first.csv -o lf.zkd --quiet

# bad input: clear one-line errors naming the file, exit 2
expect 2 "spec_unknown.json: unknown key \"epoch\"" -- "$zk" train prove --data train.zkd --spec spec_unknown.json \
  --model m.zkm -o p.zkp --output o.json --quiet
expect 2 "spec_broken.json: not valid JSON" -- "$zk" train prove --data train.zkd --spec spec_broken.json \
  --model m.zkm -o p.zkp --output o.json --quiet
expect 2 "spec_lr_mismatch.json: \"learning_rate\" 0.5 is 2048" -- "$zk" train prove --data train.zkd \
  --spec spec_lr_mismatch.json --model m.zkm -o p.zkp --output o.json --quiet
expect 2 "label column \"benign\" of the spec is not the last column" -- "$zk" train prove --data lf.zkd \
  --spec spec.json --model m.zkm -o p.zkp --output o.json --quiet
expect 2 "nope.zkd" -- "$zk" train prove --data nope.zkd --spec spec.json --model m.zkm -o p.zkp --output o.json --quiet
check "[ ! -e p.zkp ] && [ ! -e m.zkm ]" "no output after a failed prove"

# prove (stage summary), then verify
expect 0 '"stage":"train".*"outputs":\[\{"role":"model","file":"model.com"' -- "$zk" train prove --data train.zkd \
  --spec spec.json --model model.zkm -o train.zkp --output train_public.json --json --quiet
for f in model.zkm model.com train.zkp train_public.json; do check "[ -s $f ]" "$f not written"; done
expect 0 "ok" -- python3 -c "
import json, hashlib; d = json.load(open('train_public.json'))
assert d['format'] == 'zkmlops-train/v1' and d['model'] == 'logreg' and d['rows'] == 80 and d['features'] == 4
assert d['epochs'] == 3 and d['chunks'] == 2 and d['parameters'] == 5 and d['label'] == 'benign'
assert d['model_commitment'] == hashlib.sha256(open('model.com','rb').read()).hexdigest()
assert d['data_commitment'] == hashlib.sha256(open('train.com','rb').read()).hexdigest()
assert d['spec_sha256'] == hashlib.sha256(open('spec.json','rb').read()).hexdigest()
print('ok')"
expect 0 "VALID: training proof" -- "$zk" train verify --data train.com --spec spec.json --model model.com \
  --output train_public.json train.zkp
expect 0 '"stage":"train","valid":true' -- "$zk" train verify --data train.com --spec spec.json --model model.com \
  --output train_public.json train.zkp --json --quiet

# a second training run on the other dataset (for swapped commitments)
expect 0 "" -- "$zk" train prove --data other.zkd --spec spec.json --model other_model.zkm -o other.zkp \
  --output other_public.json --quiet
# other seed, learning rate, epoch count, batch size, spec bytes: rejected (exit 1)
for s in spec_seed spec_lr spec_epochs spec_batch spec_bytes; do
  expect 1 "spec_sha256|does not match" -- "$zk" train verify --data train.com --spec $s.json --model model.com \
    --output train_public.json train.zkp --quiet
done
# the public claims recomputed with the other spec but the same proof: the proof is rejected
for s in spec_seed spec_lr spec_bytes; do
  python3 - "$s" <<'P'
import json, hashlib, sys
s = sys.argv[1]; d = json.load(open('train_public.json'))
d['spec_sha256'] = hashlib.sha256(open(s + '.json', 'rb').read()).hexdigest()
if s == 'spec_lr': d['learning_rate_fixed'] = 2047
json.dump(d, open(s + '_public.json', 'w'), indent=2)
P
  expect 1 "train.zkp: train proof chunk 0 of 2" -- "$zk" train verify --data train.com --spec $s.json \
    --model model.com --output ${s}_public.json train.zkp --quiet
done
# other dataset, other model (claims rewritten so only the proof can reject)
python3 - <<'P'
import json, hashlib
d = json.load(open('train_public.json'))
e = dict(d); e['data_commitment'] = hashlib.sha256(open('other.com','rb').read()).hexdigest()
json.dump(e, open('pub_otherdata.json','w'), indent=2)
e = dict(d); e['model_commitment'] = hashlib.sha256(open('other_model.com','rb').read()).hexdigest()
json.dump(e, open('pub_othermodel.json','w'), indent=2)
P
expect 1 "train proof chunk 0 of 2" -- "$zk" train verify --data other.com --spec spec.json --model model.com \
  --output pub_otherdata.json train.zkp --quiet
expect 1 "train proof chunk 0 of 2" -- "$zk" train verify --data train.com --spec spec.json --model other_model.com \
  --output pub_othermodel.json train.zkp --quiet
expect 1 "model_commitment does not match" -- "$zk" train verify --data train.com --spec spec.json \
  --model other_model.com --output train_public.json train.zkp --quiet
# tampered public claims
python3 -c "
import json; d = json.load(open('train_public.json')); d['epochs'] = 5; json.dump(d, open('pub_bad.json', 'w'))"
expect 1 "epochs does not match" -- "$zk" train verify --data train.com --spec spec.json --model model.com \
  --output pub_bad.json train.zkp --quiet
# tampered and truncated proofs
size=$(stat -c %s train.zkp)
for off in 12 40 200 $((size/3)) $((size/2)) $((size-100)) $((size-1)); do
  cp train.zkp t.zkp
  printf '\x5a' | dd of=t.zkp bs=1 seek=$off conv=notrunc status=none
  if cmp -s t.zkp train.zkp; then printf '\xa5' | dd of=t.zkp bs=1 seek=$off conv=notrunc status=none; fi
  expect_reject "t.zkp" -- "$zk" train verify --data train.com --spec spec.json --model model.com \
    --output train_public.json t.zkp --quiet
done
head -c $((size-7)) train.zkp > t.zkp
expect_reject "t.zkp" -- "$zk" train verify --data train.com --spec spec.json --model model.com \
  --output train_public.json t.zkp --quiet
expect_reject "t.zkp" -- "$zk" train verify --data train.com --spec spec.json --model model.com \
  --output train_public.json t.zkp --json --quiet
cat other.zkp > t.zkp
expect 1 "train proof chunk 0 of 2" -- "$zk" train verify --data train.com --spec spec.json --model model.com \
  --output train_public.json t.zkp --quiet

# one model, one commitment: the trained model.zkm / model.com serve inference
printf '{"input_data": [[0.5, -1.25, 0.75, 0.125]]}\n' > in.json
expect 0 '"stage":"infer"' -- "$zk" infer prove --model model.zkm --input in.json -o infer.zkp --output out.json --json --quiet
expect 0 '"valid":true' -- "$zk" infer verify --commitment model.com --input in.json --output out.json infer.zkp --json --quiet

# the chain from preprocessing: raw data -> preprocess (standardize, split) -> train
awk -F, 'NR<=101 {print $1","$2","$3","$5","$31}' "$bc" > raw.csv
cat > prep.json <<'J'
{"format": "zkmlops-pipeline/v1", "label": "benign",
 "transforms": [{"op": "standardize"}], "split": {"seed": 42, "test_fraction": 0.2}}
J
expect 0 "" -- "$zk" data commit raw.csv -o raw.zkd --quiet
expect 0 "" -- "$zk" preprocess prove --data raw.zkd --pipeline prep.json --train ptrain.zkd --test ptest.zkd \
  -o prep.zkp --output prep_public.json --quiet
sed 's/"epochs_per_chunk": 2/"epochs_per_chunk": 3/' spec.json > spec1.json
expect 0 '"chunks":1' -- "$zk" train prove --data ptrain.zkd --spec spec1.json --model pmodel.zkm -o ptrain.zkp \
  --output ptrain_public.json --json --quiet
expect 0 "VALID: training proof" -- "$zk" train verify --data ptrain.com --spec spec1.json --model pmodel.com \
  --output ptrain_public.json ptrain.zkp

if [ "${ZKM_TRAIN_REAL:-0}" = 1 ]; then
  # the real run: breast cancer, 455 x 30 after preprocessing, logistic regression, 50 epochs
  cp "$bc" bc.csv
  expect 0 "" -- "$zk" data commit bc.csv -o bc.zkd --quiet
  expect 0 "" -- "$zk" preprocess prove --data bc.zkd --pipeline "$root/pipelines/prep_breast_cancer.json" \
    --train bctrain.zkd --test bctest.zkd -o bcprep.zkp --output bcprep_public.json --quiet
  for m in logreg mlp; do
    expect 0 '"stage":"train"' -- "$zk" train prove --data bctrain.zkd --spec "$root/pipelines/train_$m.json" \
      --model bc_$m.zkm -o bc_$m.zkp --output bc_${m}_public.json --json
    expect 0 '"valid":true' -- "$zk" train verify --data bctrain.com --spec "$root/pipelines/train_$m.json" \
      --model bc_$m.com --output bc_${m}_public.json bc_$m.zkp --json
    # fixed-point vs float test accuracy on the same split (bench_train --accuracy, if built)
    if [ -x "$(dirname "$zk")/bench_train" ]; then
      expect 0 "test accuracy" -- "$(dirname "$zk")/bench_train" --accuracy bctrain.zkd bctest.zkd "$root/pipelines/train_$m.json"
    fi
  done
fi

echo "cli_train_tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
