#!/usr/bin/env bash
# CLI golden tests of `zkmlops model` (ONNX import, calibration, commitment) on the
# real-model fixtures (tests/fixtures/onnx, made by tools/train_models.py), end to end
# through `zkmlops infer prove|verify`: the proved outputs must agree with the float
# model's predictions (agreement rate printed). Prints "N passed, N failed".
set -u
build=${1:-build}
case "$build" in /*) zk="$build/zkmlops" ;; *) zk="$PWD/$build/zkmlops" ;; esac
fx="$PWD/tests/fixtures/onnx"
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
ok() { if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $*"; fi; }

cd "$tmp" || exit 1

# help and usage
expect 0 "Usage: zkmlops model commit" -- "$zk" model --help
expect 0 "Usage: zkmlops model commit" -- "$zk" model commit --help
expect 0 "Usage: zkmlops model calibrate" -- "$zk" model calibrate --help
expect 0 "Usage: zkmlops model info" -- "$zk" model info --help
expect 0 "Usage: zkmlops model check" -- "$zk" model check --help
expect 2 "unknown verb" -- "$zk" model frob
expect 2 "missing -o" -- "$zk" model commit "$fx/bc_logreg.onnx" --calibration "$fx/bc_logreg.calib.json"
expect 2 "missing --calibration" -- "$zk" model commit "$fx/bc_logreg.onnx" -o x.zkm
expect 2 "--scale must be" -- "$zk" model calibrate "$fx/bc_logreg.onnx" --scale 99

# info on every fixture
expect 0 "5 nodes, 590 parameters, input 30 and output 2" -- "$zk" model info "$fx/bc_mlp.onnx"
expect 0 "Conv .*\[1,8,8,8\]" -- "$zk" model info "$fx/digits_cnn.onnx"
expect 0 '"parameters":[[:space:]]*2411' -- "$zk" model info "$fx/digits_mlp.onnx" --json
expect 0 "BatchNormalization" -- "$zk" model info "$fx/ops_a.onnx"

# calibration report
expect 0 "test: 114 examples.*agree on 11[0-4]/114" -- "$zk" model calibrate "$fx/bc_logreg.onnx" \
  --calibration "$fx/bc_logreg.calib.json" --test "$fx/bc_logreg.test.json" --quiet
expect 0 '"agreement":[[:space:]]*1' -- "$zk" model calibrate "$fx/digits_cnn.onnx" \
  --calibration "$fx/digits_cnn.calib.json" --json --quiet
expect 0 "activation scale 2\^10" -- "$zk" model calibrate "$fx/digits_mlp.onnx" --scale 10 \
  --calibration "$fx/digits_mlp.calib.json" --quiet

# hostile and unsupported models: exit 2, one line naming the file and the problem
expect 2 "unsupported_op.onnx: node 'cosine' \(Cos, opset 13\): operator Cos is not supported" -- \
  "$zk" model info "$fx/bad/unsupported_op.onnx"
expect 2 "not a valid ONNX model" -- "$zk" model info "$fx/bad/not_protobuf.onnx"
expect 2 "limit model_params" -- "$zk" model commit "$fx/bad/huge_initializer.onnx" --scale 12 -o h.zkm
expect 2 "the shape needs 16" -- "$zk" model info "$fx/bad/short_raw_data.onnx"
expect 2 "cannot open|No such file" -- "$zk" model info missing.onnx
printf '{"input_data": [[1, 2, 3]]}' > short.json
expect 2 "short.json: 3 input values are not a positive multiple of the model input size 30" -- \
  "$zk" model commit "$fx/bc_logreg.onnx" --calibration short.json -o s.zkm
printf '{"input_data": [[1, 2' > broken.json
expect 2 "broken.json: not valid JSON" -- "$zk" model calibrate "$fx/bc_logreg.onnx" --calibration broken.json
ok test ! -e s.zkm
ok test ! -e s.com

# agreement of proved outputs with the float predictions (first 16 test examples)
agree() { # agree OUTPUT.json EXPECTED.json THRESHOLD -> prints "a/n", exit 0 if a/n >= threshold
  command -v python3 >/dev/null || { echo "python3 missing: agreement not checked"; return 0; }
  python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
out = json.load(open(sys.argv[1]))["output_data"]
exp = json.load(open(sys.argv[2]))["output_data"][:len(out)]
def pred(r):
    return (r[0] > 0.5) if len(r) == 1 else max(range(len(r)), key=lambda i: r[i])
a = sum(pred(o) == pred(e) for o, e in zip(out, exp))
print(f"{a}/{len(out)}")
sys.exit(0 if a >= float(sys.argv[3]) * len(out) else 1)
EOF
}
for m in bc_logreg digits_cnn; do
  expect 0 "\"commitment\":\"$m.com\"" -- "$zk" model commit "$fx/$m.onnx" --calibration "$fx/$m.calib.json" \
    -o $m.zkm --quiet
  ok test -s $m.zkm
  ok test -s $m.com
  expect 0 "model commitment \(public\)" -- "$zk" model info $m.com
  expect 0 "" -- "$zk" infer prove --model $m.zkm --input "$fx/$m.sample.json" -o $m.zkp --output $m.out.json --quiet
  expect 0 "" -- "$zk" infer verify --commitment $m.com --input "$fx/$m.sample.json" --output $m.out.json $m.zkp --quiet
  r=$(agree $m.out.json "$fx/$m.expected.json" 0.9); rc=$?
  echo "  $m: proved outputs agree with the float model on $r examples"
  ok test $rc -eq 0
done
# opening budget: the default (64) and --openings N are recorded in the commitment, shown by
# `model info`, and enforced by `infer prove`
expect 0 '"opening_budget":[[:space:]]*64' -- "$zk" model info bc_logreg.com --json
expect 2 "--openings must be an integer in 1\.\.4096" -- "$zk" model commit "$fx/bc_logreg.onnx" \
  --calibration "$fx/bc_logreg.calib.json" -o o.zkm --openings 0
expect 2 "--openings must be an integer in 1\.\.4096" -- "$zk" model commit "$fx/bc_logreg.onnx" \
  --calibration "$fx/bc_logreg.calib.json" -o o.zkm --openings 4097
expect 2 "--openings applies to model commit only" -- "$zk" model info bc_logreg.com --openings 3
expect 0 '"opening_budget":2,' -- "$zk" model commit "$fx/bc_logreg.onnx" --calibration "$fx/bc_logreg.calib.json" \
  -o b2.zkm --openings 2 --quiet
expect 0 "opening budget 2 zero-knowledge openings \(the count" -- "$zk" model info b2.com
expect 0 "opening budget 2 zero-knowledge openings, 0 used, 2 left" -- "$zk" model info b2.zkm
for k in 1 2; do
  expect 0 "" -- "$zk" infer prove --model b2.zkm --input "$fx/bc_logreg.sample.json" -o b2.$k.zkp \
    --output b2.$k.json --quiet
done
expect 0 '"openings_left":[[:space:]]*0' -- "$zk" model info b2.zkm --json
expect 0 "" -- "$zk" infer verify --commitment b2.com --input "$fx/bc_logreg.sample.json" --output b2.2.json \
  b2.2.zkp --quiet
expect_used=$("$zk" infer prove --model b2.zkm --input "$fx/bc_logreg.sample.json" -o b2.3.zkp \
  --output b2.3.json --quiet 2>&1; echo "rc=$?")
ok grep -q "openings are used up" <<<"$expect_used"
ok test ! -e b2.3.zkp
ok grep -qx "rc=2" <<<"$expect_used"   # refused: exit 2 (a used-up budget is bad input, not a rejected proof)
# a tampered budget or WHIR parameter set, or an old (version 1) file: exit 2, one line naming the file
# (.com: header 16 bytes, u64 arch_len, architecture, u64 n_params, u32 log_len, u32 budget, WHIR params)
alen=$(od -An -t u8 -j 16 -N 8 b2.com | tr -d ' ')
boff=$((24 + alen + 12))
poke() { # poke FILE OFFSET BYTES(printf escapes)
  printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cp b2.com t1.com; poke t1.com $boff '\x03'                # budget 3: same vector size, its own WHIR set
cp b2.com t2.com; poke t2.com $boff '\xe8\x03'            # budget 1000: another vector size
cp b2.com t3.com; poke t3.com $boff '\x00'                # budget 0
cp b2.com t4.com; poke t4.com $((boff + 8)) '\x11'        # WHIR total_vars
cp b2.com t5.com; poke t5.com 8 '\x01'                    # format version 1
cp b2.zkm t6.zkm; poke t6.zkm $boff '\xe8\x03'
for t in t1.com t2.com t3.com t4.com t5.com t6.zkm; do
  expect 2 "^zkmlops: $t: " -- "$zk" model info $t
  n=$("$zk" model info $t 2>&1 | wc -l)
  ok test "$n" -eq 1
done
expect 2 "t5.com: model commitment format version 1 .*recommit the model" -- "$zk" model info t5.com
expect 2 "t2.com: .*opening budget 1000" -- "$zk" infer verify --commitment t2.com \
  --input "$fx/bc_logreg.sample.json" --output b2.2.json b2.2.zkp --quiet
expect 2 "t6.zkm" -- "$zk" infer prove --model t6.zkm --input "$fx/bc_logreg.sample.json" -o t6.zkp \
  --output t6.json --quiet

# a different output is rejected
if command -v python3 >/dev/null; then
  python3 -c "
import json; d = json.load(open('digits_cnn.out.json'))
d['output_fixed'][0][0] += 1 << d['scale']; d['output_data'][0][0] += 1.0
json.dump(d, open('bad.out.json', 'w'))"
  expect 1 "" -- "$zk" infer verify --commitment digits_cnn.com --input "$fx/digits_cnn.sample.json" \
    --output bad.out.json digits_cnn.zkp --quiet
fi
# the proof does not verify against another model's commitment
expect_other=$("$zk" infer verify --commitment bc_logreg.com --input "$fx/digits_cnn.sample.json" \
  --output digits_cnn.out.json digits_cnn.zkp --quiet >/dev/null 2>&1; echo $?)
ok test "$expect_other" -eq 1 -o "$expect_other" -eq 2

# conformance sample (when Debian's libonnx-testdata is installed)
nd=/usr/share/libonnx-testdata/data/node
if [ -d "$nd/test_conv_with_strides_padding" ]; then
  t=$nd/test_conv_with_strides_padding/test_data_set_0
  expect 0 "fixed point PASS" -- "$zk" model check "$nd/test_conv_with_strides_padding/model.onnx" \
    --input-pb $t/input_0.pb --bind $t/input_1.pb --expect $t/output_0.pb
  t=$nd/test_cos/test_data_set_0
  expect 2 "node 'Cos_0' \(Cos, opset 7\): operator Cos is not supported" -- "$zk" model check \
    "$nd/test_cos/model.onnx" --input-pb $t/input_0.pb --expect $t/output_0.pb
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
