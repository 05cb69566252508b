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
