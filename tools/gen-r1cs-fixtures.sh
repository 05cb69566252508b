#!/usr/bin/env bash
# Regenerate the circom fixtures of tests/fixtures/r1cs/ (generated files: do
# not edit them by hand). Needs node + npm (Debian: apt-get install nodejs npm).
#
#   tools/gen-r1cs-fixtures.sh [OUT_DIR]
#
# Installs circom 2 (the `circom2` npm package: circom compiled to WebAssembly)
# and snarkjs from the npm registry into a scratch directory (or reuses
# $ZKM_NPM_DIR if it already has them), then for every tools/circuits/NAME.circom:
#   circom2 NAME.circom --r1cs --wasm --sym --prime goldilocks
#   snarkjs wtns calculate NAME_js/NAME.wasm NAME.input.json NAME.wtns
# and writes into OUT_DIR (default tests/fixtures/r1cs):
#   NAME.r1cs NAME.wtns NAME.sym    circom / snarkjs outputs, byte for byte
#   NAME.public.json                public signals (snarkjs public.json format),
#                                   from `snarkjs wtns export json`
#   NAME.iden3.json                 the circuit as read by iden3's own r1csfile
#                                   reader (header, constraints, wire map): the
#                                   independent reference tests/test_r1cs.c
#                                   compares our reader against
# plus bn128_mul_chain.r1cs / .wtns, the multiplication chain compiled for the
# default prime (bn128), which zkmlops must refuse.
set -euo pipefail

CIRCOM2_VERSION=0.2.23   # circom compiler 2.2.3
SNARKJS_VERSION=0.7.6

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/tests/fixtures/r1cs}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

npm_dir=${ZKM_NPM_DIR:-$work/npm}
if [ ! -x "$npm_dir/node_modules/.bin/circom2" ] || [ ! -x "$npm_dir/node_modules/.bin/snarkjs" ]; then
  mkdir -p "$npm_dir"
  (cd "$npm_dir" && { [ -f package.json ] || npm init -y >/dev/null; } &&
   npm install --no-audit --no-fund "circom2@$CIRCOM2_VERSION" "snarkjs@$SNARKJS_VERSION" >/dev/null)
fi
circom2="$npm_dir/node_modules/.bin/circom2"
snarkjs="$npm_dir/node_modules/.bin/snarkjs"

# Dump a .r1cs with iden3's r1csfile (falls back to a plain prime field for
# primes snarkjs has no curve for, such as Goldilocks).
cat > "$npm_dir/zkm-dump-r1cs.mjs" <<'EOF'
import { readR1cs } from "r1csfile";
import fs from "fs";
const [, , file, wtnsJson, outJson, outPublic] = process.argv;
const r = await readR1cs(file, true, true, true);
const F = r.F;
const lc = (o) => Object.fromEntries(Object.entries(o).map(([w, v]) => [w, F.toString(v)]));
const w = JSON.parse(fs.readFileSync(wtnsJson, "utf8"));
const pub = w.slice(1, 1 + r.nOutputs + r.nPubInputs);
const dump = {
  generated_by: "tools/gen-r1cs-fixtures.sh (iden3 r1csfile readR1cs) - do not edit",
  prime: r.prime.toString(), n8: r.n8, nVars: r.nVars, nOutputs: r.nOutputs,
  nPubInputs: r.nPubInputs, nPrvInputs: r.nPrvInputs, nLabels: Number(r.nLabels),
  nConstraints: r.nConstraints,
  constraints: r.constraints.map((c) => c.map(lc)),
  map: Array.from(r.map, Number),
  public: pub,
};
fs.writeFileSync(outJson, JSON.stringify(dump) + "\n");
fs.writeFileSync(outPublic, JSON.stringify(pub, null, 1) + "\n");
process.exit(0);
EOF

mkdir -p "$out"
for src in "$root"/tools/circuits/*.circom; do
  name=$(basename "$src" .circom)
  echo "== $name"
  "$circom2" "$src" --r1cs --wasm --sym --prime goldilocks -o "$work" >/dev/null
  "$snarkjs" wtns calculate "$work/${name}_js/$name.wasm" "$root/tools/circuits/$name.input.json" "$work/$name.wtns" >/dev/null
  "$snarkjs" wtns export json "$work/$name.wtns" "$work/$name.wtns.json" >/dev/null
  cp "$work/$name.r1cs" "$work/$name.wtns" "$work/$name.sym" "$out/"
  (cd "$npm_dir" && node zkm-dump-r1cs.mjs "$work/$name.r1cs" "$work/$name.wtns.json" \
     "$out/$name.iden3.json" "$out/$name.public.json")
done

echo "== bn128_mul_chain"
mkdir -p "$work/bn128"
"$circom2" "$root/tools/circuits/mul_chain.circom" --r1cs --wasm -o "$work/bn128" >/dev/null
"$snarkjs" wtns calculate "$work/bn128/mul_chain_js/mul_chain.wasm" "$root/tools/circuits/mul_chain.input.json" \
  "$work/bn128/mul_chain.wtns" >/dev/null
cp "$work/bn128/mul_chain.r1cs" "$out/bn128_mul_chain.r1cs"
cp "$work/bn128/mul_chain.wtns" "$out/bn128_mul_chain.wtns"
echo "fixtures written to $out"
