#!/usr/bin/env bash
# CLI tests of `zkmlops infer`: prove/verify round trips (public and private
# input, a batch), the --json stage summary, and rejections (wrong output,
# wrong input, another model commitment, tampered/truncated proof, malformed
# files). Prints "N passed, N failed".
set -u
build=${1:-build}
case "$build" in /*) zk="$build/zkmlops" ;; *) zk="$PWD/$build/zkmlops" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0

# expect CODE PATTERN -- command...   (PATTERN is a grep -E regex over stdout+stderr; "" = any)
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

# expect_reject PATTERN -- command...: exit 1 or 2, never 0, never a crash.
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

expect 0 "Usage: zkmlops infer prove" -- "$zk" infer --help
expect 0 "Usage: zkmlops infer prove" -- "$zk" infer prove --help
expect 0 "Usage: zkmlops infer verify" -- "$zk" infer verify --help
expect 2 "unknown verb" -- "$zk" infer frobnicate
expect 2 "required" -- "$zk" infer prove --model m.zkm
expect 2 "exactly one proof file" -- "$zk" infer verify --commitment m.com --output o.json

# A small random dense model 8 -> 6 -> 3 (ReLU), committed.
expect 0 "wrote m.zkm and m.com" -- "$zk" infer example-model --dims 8,6,3 --seed 7 -o m.zkm
expect 0 "" -- "$zk" infer example-model --dims 8,6,3 --seed 7 -o other.zkm
cat > in.json <<'EOF'
{"input_data": [[0.5, -1.25, 2, 0.125, 0, 1, -0.5, 3],
                [1, 1, 1, 1, 1, 1, 1, 1],
                [-2, 0.75, 0.25, -0.125, 1.5, -1, 0.5, 0]]}
EOF

# Public input, batch of 3.
expect 0 '"stage":"infer".*"proof_bytes":[0-9]+' -- "$zk" infer prove --model m.zkm --input in.json -o p.zkp --output out.json --json
expect 0 '"output_fixed"' -- cat out.json
expect 0 '"valid":true' -- "$zk" infer verify --commitment m.com --input in.json --output out.json p.zkp --json
expect 0 "valid" -- "$zk" infer verify --commitment m.com --input in.json --output out.json p.zkp

# Wrong output (consistently changed in output_fixed and output_data): rejected.
python3 - <<'EOF'
import json
o = json.load(open("out.json"))
o["output_fixed"][1][2] += 1
o["output_data"][1][2] = o["output_fixed"][1][2] / 2.0 ** o["scale"]
json.dump(o, open("bad_out.json", "w"))
o = json.load(open("out.json"))
o["output_data"][0][0] += 0.5   # inconsistent with output_fixed: malformed
json.dump(o, open("incons_out.json", "w"))
i = json.load(open("in.json"))
i["input_data"][2][3] = 0.25
json.dump(i, open("bad_in.json", "w"))
p = bytearray(open("p.zkp", "rb").read())
p[len(p) // 2] ^= 0x20
open("tampered.zkp", "wb").write(p)
open("truncated.zkp", "wb").write(p[: len(p) - 100])
EOF
expect 1 "rejected|invalid|fail|differ|check" -- "$zk" infer verify --commitment m.com --input in.json --output bad_out.json p.zkp
expect 1 '"valid":false' -- "$zk" infer verify --commitment m.com --input in.json --output bad_out.json p.zkp --json
expect 2 "does not equal output_fixed" -- "$zk" infer verify --commitment m.com --input in.json --output incons_out.json p.zkp
# Wrong input: rejected.
expect 1 "" -- "$zk" infer verify --commitment m.com --input bad_in.json --output out.json p.zkp
# Another commitment (same architecture, fresh blinding): rejected.
expect 1 "names model commitment|proof is for model commitment" -- "$zk" infer verify --commitment other.com --input in.json --output out.json p.zkp
# Tampered / truncated proof bytes: refused.
expect_reject "tampered.zkp" -- "$zk" infer verify --commitment m.com --input in.json --output out.json tampered.zkp
expect_reject "truncated.zkp" -- "$zk" infer verify --commitment m.com --input in.json --output out.json truncated.zkp
# A public-input proof needs --input.
expect 2 "pass --input" -- "$zk" infer verify --commitment m.com --output out.json p.zkp

# Private input: verified without the input; the output names the input commitment.
expect 0 '"role":"input"' -- "$zk" infer prove --model m.zkm --input in.json -o pp.zkp --output pout.json --private-input --json
expect 0 '"input_commitment"' -- cat pout.json
expect 0 '"valid":true' -- "$zk" infer verify --commitment m.com --output pout.json pp.zkp --json
expect 1 "" -- "$zk" infer verify --commitment other.com --output pout.json pp.zkp
# A private-input proof says nothing about a given input: rejected when --input is passed.
expect 1 "hidden \\(committed\\) input" -- "$zk" infer verify --commitment m.com --input bad_in.json --output pout.json pp.zkp
expect 1 "hidden \\(committed\\) input" -- "$zk" infer verify --commitment m.com --input in.json --output pout.json pp.zkp

# Bad input files.
echo '{"input_data": [[1, 2, 3]]}' > short.json
echo 'not json' > garbage.json
expect 2 "short.json: 3 input values are not a batch" -- "$zk" infer prove --model m.zkm --input short.json -o x.zkp --output x.json
expect 2 "garbage.json: not a JSON object" -- "$zk" infer prove --model m.zkm --input garbage.json -o x.zkp --output x.json
expect 2 "nosuch.zkm" -- "$zk" infer prove --model nosuch.zkm --input in.json -o x.zkp --output x.json
expect 2 "m.com: not a zkmlops private model file" -- "$zk" infer prove --model m.com --input in.json -o x.zkp --output x.json
expect 2 "m.zkm: not a zkmlops model commitment file" -- "$zk" infer verify --commitment m.zkm --input in.json --output out.json p.zkp
[ -e x.zkp ] || [ -e x.json ] && { fail=$((fail+1)); echo "FAIL: partial proof output"; } || pass=$((pass+1))

echo "cli infer: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
