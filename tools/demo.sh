#!/usr/bin/env bash
# The main job, on the bundled breast-cancer dataset: the full audit (commit to the data, prove
# the preprocessing, the training, the test-set metrics, sample inferences and monitoring windows
# over a simulated served stream), then verify the bundle as an auditor would and write the HTML
# report. Outputs go to out/ (override with ZKM_OUT): out/bundle (public), out/bundle.private
# (the prover's private files), out/report.html.
set -euo pipefail
build=${1:-build}
zk="$build/zkmlops"
out=${ZKM_OUT:-out}
mkdir -p "$out"
rm -rf "$out/bundle" "$out/bundle.private"
echo "== 1. run the audit pipeline (pipelines/breast_cancer.json): every stage proved, bundle in $out/bundle"
"$zk" audit run pipelines/breast_cancer.json -o "$out/bundle"
echo "== 2. verify the bundle (the auditor needs only $out/bundle)"
"$zk" audit verify "$out/bundle"
echo "== 3. the report for auditors"
"$zk" audit report "$out/bundle" -o "$out/report.html"
echo "wrote $out/report.html"
