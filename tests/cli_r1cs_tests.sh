#!/usr/bin/env bash
# CLI golden tests for `zkmlops r1cs info|prove|verify` on the circom fixtures
# of tests/fixtures/r1cs: exit code and an output pattern per case.
# Usage: bash tests/cli_r1cs_tests.sh [BUILD_DIR]. Prints "N passed, N failed".
set -u
build=${1:-build}
case "$build" in /*) zk="$build/zkmlops" ;; *) zk="$PWD/$build/zkmlops" ;; esac
fx="$PWD/tests/fixtures/r1cs"
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
check() { if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $*"; fi; }

cd "$tmp" || exit 1
cp "$fx"/* .

# help and usage
expect 0 "Usage: zkmlops r1cs info" -- "$zk" r1cs --help
expect 2 "Usage: zkmlops r1cs info" -- "$zk" r1cs
expect 0 "Usage: zkmlops r1cs prove" -- "$zk" r1cs prove --help
expect 0 "Usage: zkmlops r1cs verify" -- "$zk" r1cs verify --help
expect 2 "unknown verb 'frob'" -- "$zk" r1cs frob
expect 2 "missing -o" -- "$zk" r1cs prove mul_chain.r1cs mul_chain.wtns
expect 2 "expected a .r1cs and a .wtns" -- "$zk" r1cs prove mul_chain.r1cs -o p.zkp
expect 2 "missing --public" -- "$zk" r1cs verify mul_chain.r1cs p.zkp

# info
expect 0 "constraints +172 " -- "$zk" r1cs info range_cmp.r1cs
expect 0 '"public_outputs": 64, "public_inputs": 1' -- "$zk" r1cs info many_outputs.r1cs --json
expect 2 "bn128_mul_chain.r1cs: the circuit is over the prime 2188824287[0-9]+ \(bn128\).*circom --prime goldilocks" -- "$zk" r1cs info bn128_mul_chain.r1cs
expect 2 "mul_chain.wtns: not a .r1cs file" -- "$zk" r1cs info mul_chain.wtns
expect 2 "nope.r1cs: cannot open" -- "$zk" r1cs info nope.r1cs

# prove and verify every fixture; public.json matches snarkjs's
for c in mul_chain matvec range_cmp many_outputs; do
  expect 0 '"proof_bytes"' -- "$zk" r1cs prove "$c.r1cs" "$c.wtns" -o "$c.zkp" --public-out "$c.pub.json" --quiet
  check cmp -s "$c.pub.json" "$c.public.json"
  expect 0 "^VALID: $c.zkp satisfies circuit $c.r1cs" -- "$zk" r1cs verify "$c.r1cs" "$c.zkp" --public "$c.public.json"
done
expect 0 '"valid": true' -- "$zk" r1cs verify matvec.r1cs matvec.zkp --public matvec.public.json --json --quiet

# soundness from the command line: wrong public values, another circuit, tampered bytes
sed 's/"4000000000"/"4000000001"/' range_cmp.public.json > wrong.json
expect 1 "range_cmp.zkp: outer sumcheck rejected" -- "$zk" r1cs verify range_cmp.r1cs range_cmp.zkp --public wrong.json
expect 1 '"valid":false' -- "$zk" r1cs verify range_cmp.r1cs range_cmp.zkp --public wrong.json --json
expect 2 "2 public values given, the circuit has 3" -- "$zk" r1cs verify range_cmp.r1cs range_cmp.zkp --public mul_chain.public.json
expect 1 "different circuit" -- "$zk" r1cs verify mul_chain.r1cs matvec.zkp --public mul_chain.public.json
size=$(stat -c %s matvec.zkp)
for off in 40 300 1500 $((size / 2)) $((size - 30)); do
  cp matvec.zkp flip.zkp
  printf '\xA5' | dd of=flip.zkp bs=1 seek="$off" conv=notrunc status=none
  expect 1 "flip.zkp: " -- "$zk" r1cs verify matvec.r1cs flip.zkp --public matvec.public.json
done
head -c $((size / 2)) matvec.zkp > trunc.zkp
expect 2 "trunc.zkp: (proof truncated|section .* declares)" -- "$zk" r1cs verify matvec.r1cs trunc.zkp --public matvec.public.json
head -c 1000 /dev/urandom > junk.zkp
expect 2 "junk.zkp: not a zkmlops proof file" -- "$zk" r1cs verify matvec.r1cs junk.zkp --public matvec.public.json
printf '["1", "x"]' > badpub.json
expect 2 'badpub.json: \[1\]: expected a decimal string' -- "$zk" r1cs verify matvec.r1cs matvec.zkp --public badpub.json

# the prover refuses a wrong witness, naming the constraint and its signals, and writes nothing
cp mul_chain.wtns bad.wtns
size=$(stat -c %s bad.wtns)
printf '\x07' | dd of=bad.wtns bs=1 seek=$((size - 8 * 15)) conv=notrunc status=none   # wire 3 = main.t[1]
expect 2 "constraint [0-9]+ \(of 16\) fails.*main\.t\[1\]" -- "$zk" r1cs prove mul_chain.r1cs bad.wtns -o bad.zkp --public-out bad.json
check test ! -e bad.zkp
check test ! -e bad.json
expect 2 "the witness has 171 values, the circuit 18 wires" -- "$zk" r1cs prove mul_chain.r1cs range_cmp.wtns -o x.zkp
expect 2 "bn128_mul_chain.wtns: the witness is over the prime .*\(bn128\)" -- "$zk" r1cs prove mul_chain.r1cs bn128_mul_chain.wtns -o x.zkp

echo "cli r1cs: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
