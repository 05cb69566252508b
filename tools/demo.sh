#!/usr/bin/env bash
# The main job, on the bundled breast-cancer dataset: commit to the data, prove
# per-column statistics in zero knowledge, and verify the proof as an auditor would.
# Outputs go to out/ (override with ZKM_OUT).
set -euo pipefail
build=${1:-build}
zk="$build/zkmlops"
out=${ZKM_OUT:-out}
mkdir -p "$out"
echo "== 1. commit to the raw dataset (private bc.zkd, public bc.com)"
"$zk" data commit data/breast_cancer_wisconsin.csv -o "$out/bc.zkd"
echo "== 2. prove per-column count, sum, mean and variance against the commitment"
"$zk" stats prove --data "$out/bc.zkd" -o "$out/stats.zkp" --output "$out/stats.json"
echo "== 3. verify (the auditor needs only bc.com, stats.json and stats.zkp)"
"$zk" stats verify --commitment "$out/bc.com" --output "$out/stats.json" "$out/stats.zkp"
