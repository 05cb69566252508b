#!/usr/bin/env bash
# CLI tests of `zkmlops preprocess prove|verify` (docs/preprocessing.md): a small
# slice of the bundled breast-cancer data (60 rows, 4 features + label, with
# two rows carrying the missing-value sentinel), every transform, the stage
# summary, soundness (other seed / pipeline / commitments, tampered bytes,
# edited claims) and bad input. The full dataset is measured by bench_preprocess.
set -u
build=${1:-build}
case "$build" in /*) zk="$build/zkmlops" ;; *) zk="$PWD/$build/zkmlops" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0

# expect CODE PATTERN -- command...   (PATTERN: grep -E over stdout+stderr; "" = any)
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
check() { if eval "$1"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $2"; fi; }

cd "$tmp" || exit 1
# columns: mean_radius, mean_texture, mean_area, mean_smoothness, benign; rows 5 and 20 get texture = -1
awk -F, 'NR==1 {print $1","$2","$4","$5","$31; next} NR<=61 {t=$2; if (NR==6||NR==21) t=-1; print $1","t","$4","$5","$31}' \
  "$OLDPWD/data/breast_cancer_wisconsin.csv" > small.csv
cat > prep.json <<'J'
{"format": "zkmlops-pipeline/v1", "label": "benign", "missing": -1,
 "transforms": [
   {"op": "drop_missing", "columns": ["mean_texture"]},
   {"op": "standardize", "columns": ["mean_radius", "mean_texture"]},
   {"op": "minmax", "columns": ["mean_area"]},
   {"op": "clip", "columns": ["mean_radius"], "min": -2, "max": 2},
   {"op": "binarize", "column": "mean_smoothness", "threshold": 0.1}],
 "split": {"seed": 42, "test_fraction": 0.25}}
J
sed 's/"seed": 42/"seed": 43/' prep.json > prep_seed43.json
sed 's/"max": 2}/"max": 1.5}/' prep.json > prep_clip.json

expect 0 "Usage: zkmlops preprocess prove" -- "$zk" preprocess prove --help
expect 0 "Usage: zkmlops preprocess verify" -- "$zk" preprocess verify --help
expect 2 "Usage: zkmlops preprocess prove" -- "$zk" preprocess
expect 2 "unknown verb" -- "$zk" preprocess frob
expect 2 "are required" -- "$zk" preprocess prove --data x.zkd

expect 0 '"rows": 60' -- "$zk" data commit small.csv -o raw.zkd --quiet
expect 0 '"stage":"preprocess"' -- "$zk" preprocess prove --data raw.zkd --pipeline prep.json --train train.zkd \
  --test test.zkd -o prep.zkp --output prep_public.json --json --quiet
for f in train.zkd train.com test.zkd test.com prep.zkp prep_public.json; do
  check "[ -s $f ]" "$f not written"
done
# 60 rows, CSV data rows 4 and 19 (0-based) carry the sentinel; 58 kept, 15 test (round(58 * 0.25)), 43 train
expect 0 "ok" -- python3 -c "
import json; d = json.load(open('prep_public.json'))
assert d['rows'] == {'raw': 60, 'dropped': 2, 'kept': 58, 'train': 43, 'test': 15}, d['rows']
assert d['dropped_rows'] == [4, 19]
assert [f['name'] for f in d['features']] == ['mean_radius', 'mean_texture', 'mean_area', 'mean_smoothness']
assert all(sum(f['histogram']) == 43 for f in d['features'])
print('ok')"
expect 0 "VALID: preprocessing proof" -- "$zk" preprocess verify --commitment raw.com --pipeline prep.json \
  --train train.com --test test.com --output prep_public.json prep.zkp
expect 0 '"valid":true' -- "$zk" preprocess verify --commitment raw.com --pipeline prep.json \
  --train train.com --test test.com --output prep_public.json prep.zkp --json --quiet
# the train commitment is a dataset commitment like any other: stats on it work
expect 0 '"proof_bytes"' -- "$zk" stats prove --data train.zkd -o st.zkp --output st.json --quiet
expect 0 "VALID" -- "$zk" stats verify --commitment train.com --output st.json st.zkp --quiet

# hidden row filter: only the number of dropped rows is public
sed 's/"columns": \["mean_texture"\]}/"columns": ["mean_texture"], "hidden": true}/' prep.json > prep_hidden.json
expect 0 "" -- "$zk" preprocess prove --data raw.zkd --pipeline prep_hidden.json --train htrain.zkd \
  --test htest.zkd -o hprep.zkp --output hprep_public.json --quiet
expect 0 "ok" -- python3 -c "
import json; d = json.load(open('hprep_public.json')); p = json.load(open('prep_public.json'))
assert d['dropped_rows'] == 'hidden' and d['rows'] == p['rows'], d
assert [f['histogram'] for f in d['features']] == [f['histogram'] for f in p['features']]
print('ok')"
expect 0 "VALID" -- "$zk" preprocess verify --commitment raw.com --pipeline prep_hidden.json \
  --train htrain.com --test htest.com --output hprep_public.json hprep.zkp
expect 1 "" -- "$zk" preprocess verify --commitment raw.com --pipeline prep.json \
  --train htrain.com --test htest.com --output hprep_public.json hprep.zkp

# soundness
expect 1 "" -- "$zk" preprocess verify --commitment raw.com --pipeline prep_seed43.json \
  --train train.com --test test.com --output prep_public.json prep.zkp
expect 1 "" -- "$zk" preprocess verify --commitment raw.com --pipeline prep_clip.json \
  --train train.com --test test.com --output prep_public.json prep.zkp
expect 1 "train_commitment" -- "$zk" preprocess verify --commitment raw.com --pipeline prep.json \
  --train test.com --test train.com --output prep_public.json prep.zkp
"$zk" data commit small.csv -o raw2.zkd --quiet >/dev/null
expect 1 "raw_commitment" -- "$zk" preprocess verify --commitment raw2.com --pipeline prep.json \
  --train train.com --test test.com --output prep_public.json prep.zkp
# ... and with claims naming raw2's id (so only the proof can tell): rejected by the proof
rid2=$(sha256sum raw2.com | cut -d' ' -f1)
python3 -c "
import json, sys; d = json.load(open('prep_public.json')); d['raw_commitment'] = sys.argv[1]
json.dump(d, open('claims_raw2.json', 'w'))" "$rid2"
expect 1 "prep.zkp" -- "$zk" preprocess verify --commitment raw2.com --pipeline prep.json \
  --train train.com --test test.com --output claims_raw2.json prep.zkp
# claims edited consistently (ids kept): a histogram count moved, a mean changed
python3 - <<'P'
import json
d = json.load(open("prep_public.json"))
h = d["features"][0]["histogram"]; i = h.index(max(h)); h[i] -= 1; h[(i + 1) % 10] += 1
json.dump(d, open("bad_hist.json", "w"))
d = json.load(open("prep_public.json"))
f = d["features"][1]; f["mean_fixed"] = str(int(f["mean_fixed"]) + 1); f["mean"] = int(f["mean_fixed"]) / 4096
json.dump(d, open("bad_mean.json", "w"))
P
expect 1 "" -- "$zk" preprocess verify --commitment raw.com --pipeline prep.json \
  --train train.com --test test.com --output bad_hist.json prep.zkp
expect 1 "" -- "$zk" preprocess verify --commitment raw.com --pipeline prep.json \
  --train train.com --test test.com --output bad_mean.json prep.zkp
# tampered bytes (a few positions across the proof)
size=$(stat -c %s prep.zkp)
for pos in 20 100 $((size / 3)) $((size / 2)) $((size - 40)); do
  cp prep.zkp bad.zkp
  printf '\x5a' | dd of=bad.zkp bs=1 seek="$pos" conv=notrunc status=none
  if cmp -s prep.zkp bad.zkp; then printf '\xa5' | dd of=bad.zkp bs=1 seek="$pos" conv=notrunc status=none; fi
  out=$("$zk" preprocess verify --commitment raw.com --pipeline prep.json --train train.com --test test.com \
        --output prep_public.json bad.zkp 2>&1); rc=$?
  check "[ $rc -eq 1 ] || [ $rc -eq 2 ]" "tampered byte $pos accepted (exit $rc: $out)"
done
head -c 1000 prep.zkp > trunc.zkp
expect 2 "" -- "$zk" preprocess verify --commitment raw.com --pipeline prep.json \
  --train train.com --test test.com --output prep_public.json trunc.zkp

# bad input: exit 2 with the JSON path
echo '{"format": "zkmlops-pipeline/v1", "label": "benign", "split": {"seed": 1, "test_fraction": 0.2},
 "transforms": [{"op": "standardize"}, {"op": "minmax"}, {"op": "clip", "columns": ["foo"], "min": 0, "max": 1}]}' > badcol.json
expect 2 "badcol.json: transforms\[2\].columns\[0\]: no column 'foo' in the commitment's schema" -- \
  "$zk" preprocess prove --data raw.zkd --pipeline badcol.json --train t.zkd --test s.zkd -o p.zkp --output p.json
echo '{"format": "zkmlops-pipeline/v1", "label": "benign", "split": {"seed": 1, "test_fraction": 0.2},
 "transforms": [{"op": "pca"}]}' > badop.json
expect 2 "badop.json: transforms\[0\].op: unknown transform 'pca'" -- \
  "$zk" preprocess prove --data raw.zkd --pipeline badop.json --train t.zkd --test s.zkd -o p.zkp --output p.json
echo '{"format": "zkmlops-pipeline/v1", "label": "benign", "split": {"seed": 1, "test_fraction": 0.2},
 "transforms": [{"op": "one_hot", "column": "benign", "categories": [0, 1]}]}' > badlabel.json
expect 2 "label column cannot be one-hot" -- \
  "$zk" preprocess prove --data raw.zkd --pipeline badlabel.json --train t.zkd --test s.zkd -o p.zkp --output p.json
expect 2 "not valid JSON" -- "$zk" preprocess verify --commitment raw.com --pipeline prep.json \
  --train train.com --test test.com --output small.csv prep.zkp
# a pipeline inconsistent with the committed outputs' schema (one-hot adds columns)
echo '{"format": "zkmlops-pipeline/v1", "label": "benign", "split": {"seed": 42, "test_fraction": 0.25},
 "transforms": [{"op": "one_hot", "column": "mean_radius", "categories": [10, 20]}]}' > other.json
out=$("$zk" preprocess verify --commitment raw.com --pipeline other.json --train train.com --test test.com \
      --output prep_public.json prep.zkp 2>&1); rc=$?
check "[ $rc -eq 1 ] || [ $rc -eq 2 ]" "other pipeline accepted (exit $rc: $out)"
check "[ ! -e t.zkd ] && [ ! -e p.zkp ]" "a failed prove left output files"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
