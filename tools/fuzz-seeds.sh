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
#   fuzz_onnx            tests/fixtures/onnx/*.onnx (bad/*.onnx as refuse-*)
#   fuzz_cs_verify       gen_seeds.c: commitment | output | proof of fuzz_cs_glue.h's circuit
#   fuzz_model_com, fuzz_model_zkm, fuzz_infer_verify   gen_seeds.c (a dense 4-3-2 model, its
#                        inference proofs: .com | values | proof), plus `model commit` of
#                        bc_logreg.onnx
#   fuzz_input_json      the fixtures' sample inputs, an input_fixed file, an `infer prove` output
#   fuzz_audit_pipeline  pipelines/*.json; fuzz_prep_pipeline, fuzz_train_spec,
#                        fuzz_metrics_spec: the specs (schema | JSON for the resolved ones)
#   fuzz_monitor_config, fuzz_monitor_log, fuzz_monitor_window   `preprocess prove` claims |
#                        alerts; a `monitor log` serving log; its closed windows' .com
#   fuzz_manifest        the manifest.json of `audit run` on a small pipeline with every
#                        stage kind (80 rows; written below; the slowest step, minutes)
# Proofs use fresh randomness, so regenerated files differ byte for byte. Every seed is
# accepted by its target (parsed, or a valid proof), except those named refuse-* (the
# bn128 circuit, which zkmlops must refuse); tests/test_regress.c checks both.
#   tools/fuzz-seeds.sh            (takes a few minutes: the audit run for the manifest seed)
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
         whir_commitment whir_verify onnx model_com model_zkm input_json cs_verify infer_verify \
         prep_pipeline train_spec metrics_spec monitor_config monitor_log monitor_window \
         audit_pipeline manifest; do
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

# ONNX (the fixtures; the hostile fixtures of tests/fixtures/onnx/bad are refuse-*)
O=tests/fixtures/onnx
for f in $O/*.onnx; do cp "$f" $C/fuzz_onnx/; done
for f in $O/bad/*.onnx; do cp "$f" "$C/fuzz_onnx/refuse-$(basename "$f")"; done

# Circuit proofs, model commitment / private files, inference proofs (small, gen_seeds.c),
# and the commitment of the logistic-regression fixture (`model commit`)
"$tmp/gen_seeds" cs $C/fuzz_cs_verify
"$tmp/gen_seeds" model $C/fuzz_model_com $C/fuzz_model_zkm $C/fuzz_infer_verify
"$zk" model commit $O/bc_logreg.onnx --calibration $O/bc_logreg.calib.json --scale 12 -o "$tmp/model.zkm" \
  --quiet > /dev/null
cp "$tmp/model.com" $C/fuzz_model_com/bc_logreg.com

# Inference JSON: byte 0 = example size - 1 (mod 16), byte 1 = scale (fuzz_input_json.c).
# bc_logreg has 30 inputs: read as examples of 15 values; digits as examples of 16.
{ printf '\x0e\x0c'; cat $O/bc_logreg.sample.json; } > $C/fuzz_input_json/bc_logreg.sample.json
{ printf '\x0f\x0c'; cat $O/digits_mlp.sample.json; } > $C/fuzz_input_json/digits_mlp.sample.json
{ printf '\x02\x0c'; printf '{"input_fixed": [[4096, -2048, 7], [1, 2, 3]]}'; } > $C/fuzz_input_json/fixed.json
jq -c '{input_data: .input_data[0:2]}' $O/bc_logreg.sample.json > "$tmp/in2.json"
"$zk" infer prove --model "$tmp/model.zkm" --input "$tmp/in2.json" -o "$tmp/inf.zkp" --output "$tmp/out.json" \
  --quiet > /dev/null
out_scale=$(jq .scale "$tmp/out.json")
{ printf "\\x00\\x$(printf %02x $((out_scale % 24)))"; cat "$tmp/out.json"; } > $C/fuzz_input_json/bc_logreg.output.json

# Spec files of pipelines/: audit pipelines (fuzz_audit_pipeline) as they are, the
# preprocessing / training / metric specs as files and inline in the audit pipelines
# (schema | JSON for the ones resolved against a dataset: diabetes columns for diabetes_*)
bc_schema=$(head -1 "$bc" | tr -d '\r')
db_schema=$(head -1 data/diabetes.csv | tr -d '\r')
# metric specs name raw or preprocessed columns (diabetes: sex, or its one-hot sex=1, sex=2)
db_schema_eval=$(printf '%s' "$db_schema" | sed 's/,sex,/,sex,sex=1,sex=2,/')
spec_seed() { # spec_seed FORMAT NAME SCHEMA JSON-FILE EVAL-SCHEMA
  case $1 in
    zkmlops-pipeline/v1) { printf '%s' "$3"; sep; cat "$4"; } > $C/fuzz_prep_pipeline/$2.bundle ;;
    zkmlops-train/v1) cp "$4" $C/fuzz_train_spec/$2.json ;;
    zkmlops-metrics/v1) { printf '%s' "$5"; sep; cat "$4"; } > $C/fuzz_metrics_spec/$2.bundle ;;
  esac
}
for f in pipelines/*.json; do
  n=$(basename "$f" .json)
  case $n in *diabetes*) schema=$db_schema eschema=$db_schema_eval ;; *) schema=$bc_schema eschema=$bc_schema ;; esac
  if jq -e '.stages' "$f" > /dev/null; then
    cp "$f" $C/fuzz_audit_pipeline/
    for kind in preprocess train eval; do
      jq -c --arg k $kind '.stages[] | select(.stage == $k) | .spec | objects' "$f" | head -1 > "$tmp/spec.json"
      [ -s "$tmp/spec.json" ] || continue
      case $kind in
        preprocess) fmt=zkmlops-pipeline/v1 ;; train) fmt=zkmlops-train/v1 ;; eval) fmt=zkmlops-metrics/v1 ;;
      esac
      spec_seed $fmt "$n-inline-$kind" "$schema" "$tmp/spec.json" "$eschema"
    done
  else
    spec_seed "$(jq -r '.format // empty' "$f")" "$n" "$schema" "$f" "$eschema"
  fi
done
printf '{"format": "zkmlops-train/v1", "model": "mlp", "hidden": 8, "epochs": 6, "batch_size": 32, "learning_rate_fixed": 1024, "scale": 10, "init": "seed", "seed": 5, "init_range_fixed": 64, "act_bits": 22, "step_bits": 20, "data_bits": 18, "epochs_per_chunk": 2, "label": "benign"}' \
  > $C/fuzz_train_spec/mlp-chunks.json

# Monitoring: the proved preprocessing claims as reference, alerts, a serving log with two
# closed windows (`monitor log`), the windows' public files
head -201 "$bc" > "$tmp/bc200.csv"
"$zk" data commit "$tmp/bc200.csv" -o "$tmp/raw.zkd" --quiet > /dev/null
printf '{"format": "zkmlops-pipeline/v1", "label": "benign", "transforms": [], "split": {"seed": 3, "test_fraction": 0.3}}' \
  > "$tmp/prep.json"
"$zk" preprocess prove --data "$tmp/raw.zkd" --pipeline "$tmp/prep.json" --train "$tmp/train.zkd" \
  --test "$tmp/test.zkd" -o "$tmp/prep.zkp" --output "$tmp/ref.json" --quiet > /dev/null
printf '{"format": "zkmlops-monitor/v1", "window_size": 4, "alerts": {"psi_above": 1.0, "mean_shift_above": 0.5, "accuracy_below": 0.5, "min_feedback": 2}}' \
  > "$tmp/mon4.json"
{ cat "$tmp/ref.json"; sep; cat "$tmp/mon4.json"; } > $C/fuzz_monitor_config/prep-claims.bundle
"$zk" monitor log init --model "$tmp/model.com" --reference "$tmp/ref.json" --config "$tmp/mon4.json" \
  -o "$tmp/serving.log" > /dev/null
jq -c '{input_data: .input_data[0:3]}' $O/bc_logreg.sample.json > "$tmp/in3.json"
"$zk" monitor log append --log "$tmp/serving.log" --model "$tmp/model.zkm" --input "$tmp/in3.json" --ts 1700000000 \
  > /dev/null
"$zk" monitor log append --log "$tmp/serving.log" --model "$tmp/model.zkm" --input "$tmp/in3.json" --ts 1700000005 \
  > /dev/null
"$zk" monitor log feedback --log "$tmp/serving.log" --id 1 --label 0 --ts 1700000006 > /dev/null
cp "$tmp/serving.log" $C/fuzz_monitor_log/open.log
"$zk" monitor log close-window --log "$tmp/serving.log" -o "$tmp/w0.zkd" > /dev/null
"$zk" monitor log close-window --log "$tmp/serving.log" -o "$tmp/w1.zkd" --partial > /dev/null
cp "$tmp/serving.log" $C/fuzz_monitor_log/two-windows.log
cp "$tmp/w0.com" $C/fuzz_monitor_window/w0.com
# (w1.com, the chained partial window, is another 640 KB: left out to keep the corpus small)

# Audit bundle manifest: `audit run` of a small pipeline with every stage kind (80 rows)
head -81 "$bc" > "$tmp/bc80.csv"
cat > "$tmp/seed-pipeline.json" <<'EOF_PIPE'
{"name": "fuzz-seed", "description": "Seed manifest for fuzz_manifest: 80 breast-cancer rows, every stage kind",
 "dataset": "bc80.csv", "scale_bits": 12,
 "stages": [
  {"stage": "data"},
  {"stage": "preprocess", "spec": {"format": "zkmlops-pipeline/v1", "label": "benign",
    "transforms": [{"op": "standardize"}], "split": {"seed": 7, "test_fraction": 0.25}}},
  {"stage": "train", "spec": {"format": "zkmlops-train/v1", "model": "logreg", "epochs": 1, "batch_size": 0, "learning_rate_fixed": 2048,
    "scale": 12, "init": "zero", "label": "benign"}},
  {"stage": "eval", "spec": {"label": "benign", "positive_class": 1}},
  {"stage": "infer", "queries": 1},
  {"stage": "monitor", "spec": {"window": 10}}
 ]}
EOF_PIPE
cp "$tmp/seed-pipeline.json" $C/fuzz_audit_pipeline/seed-pipeline.json
"$zk" audit run "$tmp/seed-pipeline.json" -o "$tmp/bundle" --quiet > /dev/null
cp "$tmp/bundle/manifest.json" $C/fuzz_manifest/seed-pipeline.manifest.json

du -sh --apparent-size $C
for d in $C/*/; do printf '%-28s %3d files %8d bytes\n' "$(basename "$d")" "$(ls "$d" | wc -l)" \
  "$(cat "$d"/* | wc -c)"; done
