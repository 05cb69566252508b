#!/usr/bin/env bash
# ONNX backend conformance over Debian's libonnx-testdata node tests.
#
#   tools/onnx-conformance.sh [--prove] [--build DIR] [--data DIR] [--filter REGEX] [--out FILE.tsv]
#
# For every test directory (model.onnx + test_data_set_0/input_*.pb, output_0.pb):
# `zkmlops model check` imports the model (graph inputs after the first bound as
# constants), runs the float interpreter and the fixed-point reference and compares
# both with output_0.pb (per-operator tolerances, docs/onnx.md); with --prove it also
# commits, proves the batch, verifies, and checks that a changed output is rejected.
# Tests with an unsupported operator or attribute must be refused with a clear error
# naming the operator, node and opset (exit 2). A test refused because its graph mixes the
# first (batch) dimension is retried with --single-example (the whole input is one example) — never a crash (exit > 2 or a signal
# counts as CRASH and fails the run).
#
# Prints a per-operator table (tests, pass, fail, refused) and the totals; writes
# one line per test to --out (default: none). Exit 0 unless something crashed.
set -u
build=build
data=/usr/share/libonnx-testdata/data/node
prove=""
filter=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prove) prove="--prove" ;;
    --build) build=$2; shift ;;
    --data) data=$2; shift ;;
    --filter) filter=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "onnx-conformance: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
zk="$build/zkmlops"
[ -x "$zk" ] || { echo "onnx-conformance: $zk not built (make)" >&2; exit 2; }
[ -d "$data" ] || { echo "onnx-conformance: $data missing (apt-get install libonnx-testdata)" >&2; exit 2; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
crashes=0
n=0
for d in "$data"/*/; do
  t=$(basename "$d")
  [ -n "$filter" ] && ! [[ "$t" =~ $filter ]] && continue
  ds="$d/test_data_set_0"
  [ -f "$d/model.onnx" ] && [ -f "$ds/input_0.pb" ] && [ -f "$ds/output_0.pb" ] || continue
  args=(model check "$d/model.onnx" --input-pb "$ds/input_0.pb" --expect "$ds/output_0.pb" --json --quiet $prove)
  for k in 1 2 3 4 5 6 7; do
    [ -f "$ds/input_$k.pb" ] && args+=(--bind "$ds/input_$k.pb")
  done
  json=$("$zk" "${args[@]}" 2>/dev/null)
  rc=$?
  mode=batch
  # Graphs that mix their first dimension: retry with the whole input as one example.
  if [ $rc -eq 2 ] && grep -q 'batch' <<<"$json"; then
    json2=$("$zk" "${args[@]}" --single-example 2>/dev/null)
    rc2=$?
    if [ $rc2 -ne 2 ] || ! grep -q '"error"' <<<"$json2"; then json=$json2; rc=$rc2; mode=single; fi
    [ $rc2 -gt 2 ] && { json=$json2; rc=$rc2; }
  fi
  ops=$(sed -n 's/.*"onnx_ops":"\([^"]*\)".*/\1/p' <<<"$json")
  [ -z "$ops" ] && ops="?"
  case $rc in
    0) res=pass ;;
    1) res=fail ;;
    2) res=refused ;;
    *) res=CRASH; crashes=$((crashes+1)) ;;
  esac
  why=""
  if [ "$res" = refused ]; then
    why=$(sed -n 's/.*"error":"\([^"]*\)".*/\1/p' <<<"$json" | sed 's/.*model.onnx: //')
    [ -z "$why" ] && why="(no message)"
  elif [ "$res" = fail ]; then
    why=$(sed -n 's/.*"\(fixed_point_error\|prove_error\)":"\([^"]*\)".*/\2/p' <<<"$json")
    [ -z "$why" ] && why=$(grep -o '"float_max_abs_error":[^,]*,"fixed_point_pass":[a-z]*,"fixed_point_max_abs_error":[^,]*,"tolerance":[^,]*' <<<"$json")
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$ops" "$res" "$why" "$mode" >>"$tmp"
  n=$((n+1))
done
[ -n "$out" ] && cp "$tmp" "$out"
echo "ONNX backend node tests: $data ($n tests${prove:+, with proofs})"
printf '%-24s %6s %6s %6s %8s\n' operator tests pass fail refused
awk -F'\t' '{ n=split($2, o, ","); op=(n==1)?o[1]:$2; t[op]++; r[op,$3]++ }
  END { for (op in t) printf "%-24s %6d %6d %6d %8d\n", op, t[op], r[op,"pass"], r[op,"fail"], r[op,"refused"] }' "$tmp" | sort
awk -F'\t' '{ c[$3]++ } END { printf "total: %d tests, %d pass, %d fail, %d refused, %d crash\n", NR, c["pass"], c["fail"], c["refused"], c["CRASH"] }' "$tmp"
if [ "$crashes" -gt 0 ]; then
  echo "CRASHES:"; awk -F'\t' '$3=="CRASH"{print "  " $1}' "$tmp"
  exit 1
fi
exit 0
