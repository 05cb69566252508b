#!/usr/bin/env bash
# Regenerate the seed corpora tests/fuzz/corpus/<target>/ of the libFuzzer targets
# (docs/robustness.md) from the real fixtures: data/breast_cancer_wisconsin.csv and
# tests/fixtures/r1cs/. Builds the CLI and tests/fuzz/gen_seeds.c with gcc into a
# temporary directory, then:
#   fuzz_csv             heads of the breast-cancer CSV (byte 0 = scale 12), CRLF /
#                        quoted / exponent variants of it
#   fuzz_com, fuzz_zkd   .com / .zkd of a 5 x 3 slice of it, range proof cut to 512
#                        bytes (the parsers treat it as opaque bytes)
#   fuzz_range_verify    the full .com (its range proof is verified)
#   fuzz_stats_json      .com | statistics JSON          (parts joined by "\nZK-SEP\n")
#   fuzz_stats_verify    .com | statistics JSON | proof  (proved on the cut .zkd, so the
#                        cut .com is its commitment; keeps the corpus small)
#   fuzz_r1cs, fuzz_wtns, fuzz_sym, fuzz_public_json   the circom fixtures (and
#                        .r1cs | .wtns bundles for the witness check)
#   fuzz_r1cs_verify     mul_chain.r1cs | public.json | proof (`zkmlops r1cs prove`)
#   fuzz_whir_commitment, fuzz_whir_verify   gen_seeds.c (raw WHIR commitments and
#                        commitment | claims | opening bundles)
# Proofs use fresh randomness, so regenerated files differ byte for byte. Every seed is
# accepted by its target (parsed, or a valid proof), except those named refuse-* (the
# bn128 circuit, which zkmlops must refuse); tests/test_regress.c checks both.
#   tools/fuzz-seeds.sh            (takes ~15 s)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CC=${CC:-gcc}
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Isrc -fopenmp -O2"
mkdir -p "$tmp/gen"
protoc-c --proto_path=proto --c_out="$tmp/gen" proto/onnx.proto
flags="$flags -I$tmp/gen"
lib=$(ls src/{field,crypto,iop,pcs,r1cs,circuit,ml,lifecycle,bundle,util}/*.c "$tmp/gen/onnx.pb-c.c")
$CC $flags $lib src/cli/*.c -lcrypto -lcjson -lprotobuf-c -lm -o "$tmp/zkmlops" &
$CC $flags $lib tests/fuzz/gen_seeds.c -lcrypto -lcjson -lprotobuf-c -lm -o "$tmp/gen_seeds" &
wait
zk="$tmp/zkmlops"
C=tests/fuzz/corpus
F=tests/fixtures/r1cs
sep() { printf '\nZK-SEP\n'; }
for t in csv com zkd range_verify stats_json stats_verify r1cs wtns sym public_json r1cs_verify \
         whir_commitment whir_verify; do
  rm -rf "${C:?}/fuzz_$t"
  mkdir -p "$C/fuzz_$t"
done

# CSV
bc=data/breast_cancer_wisconsin.csv
{ printf '\x0c'; head -4 "$bc"; } > $C/fuzz_csv/bc-head4.csv
{ printf '\x0c'; head -6 "$bc" | cut -d, -f1-3 | sed 's/$/\r/'; } > $C/fuzz_csv/bc-crlf.csv
{ printf '\x18'; head -5 "$bc" | cut -d, -f1-4 |
  sed -e '1s/\([a-z_]*\)/"\1"/g' -e '2,$s/,/ , /g' -e '3s/^/-/' -e '4s/\([0-9][0-9]*\)\.\([0-9][0-9]\)\b/\1\2e-2/g' -e '5s/^/+0/'; } \
  > $C/fuzz_csv/bc-quoted.csv
{ printf '\x00'; head -3 "$bc" | cut -d, -f1-2; printf '\n  \n1e3,-2.5e-1\n'; } > $C/fuzz_csv/bc-scale0.csv

# Dataset commitment, private file, statistics proof
head -6 "$bc" | cut -d, -f1-3 > "$tmp/small.csv"
"$zk" data commit "$tmp/small.csv" -o "$tmp/small.zkd" --quiet > /dev/null
cp "$tmp/small.com" $C/fuzz_range_verify/small.com
"$tmp/gen_seeds" shrink-com "$tmp/small.com" $C/fuzz_com/small-cut.com 512
"$tmp/gen_seeds" shrink-zkd "$tmp/small.zkd" "$tmp/cut.zkd" 512
cp "$tmp/cut.zkd" $C/fuzz_zkd/small-cut.zkd
"$zk" stats prove --data "$tmp/cut.zkd" -o "$tmp/cut.zkp" --output "$tmp/cut.json" --quiet > /dev/null
"$tmp/gen_seeds" shrink-com "$tmp/small.com" "$tmp/cut.com" 512
{ cat "$tmp/cut.com"; sep; cat "$tmp/cut.json"; } > $C/fuzz_stats_json/small.bundle
{ cat "$tmp/cut.com"; sep; cat "$tmp/cut.json"; sep; cat "$tmp/cut.zkp"; } > $C/fuzz_stats_verify/small.bundle

# circom fixtures
for f in $F/*.r1cs; do cp "$f" $C/fuzz_r1cs/; done
mv $C/fuzz_r1cs/bn128_mul_chain.r1cs $C/fuzz_r1cs/refuse-bn128_mul_chain.r1cs
cp $F/mul_chain.wtns $F/matvec.wtns $C/fuzz_wtns/
cp $F/bn128_mul_chain.wtns $C/fuzz_wtns/refuse-bn128_mul_chain.wtns
{ cat $F/mul_chain.r1cs; sep; cat $F/mul_chain.wtns; } > $C/fuzz_wtns/mul_chain.bundle
{ cat $F/matvec.r1cs; sep; cat $F/matvec.wtns; } > $C/fuzz_wtns/matvec.bundle
cp $F/mul_chain.sym $F/matvec.sym $C/fuzz_sym/
cp $F/*.public.json $C/fuzz_public_json/
"$zk" r1cs prove $F/mul_chain.r1cs $F/mul_chain.wtns -o "$tmp/mc.zkp" --public-out "$tmp/mc.json" --quiet \
  > /dev/null
{ cat $F/mul_chain.r1cs; sep; cat "$tmp/mc.json"; sep; cat "$tmp/mc.zkp"; } > $C/fuzz_r1cs_verify/mul_chain.bundle

# raw WHIR
"$tmp/gen_seeds" whir $C/fuzz_whir_commitment $C/fuzz_whir_verify

du -sh --apparent-size $C
for d in $C/*/; do printf '%-28s %3d files %8d bytes\n' "$(basename "$d")" "$(ls "$d" | wc -l)" \
  "$(cat "$d"/* | wc -c)"; done
