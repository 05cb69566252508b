#!/usr/bin/env bash
# Run every unit-test binary of a build directory, then the CLI tests.
# Prints each cmocka summary and a final "N passed, N failed" line.
set -u
build=${1:-build}
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
pass=0; fail=0; failed=()
for t in "$build"/tests/test_*; do
  [ -x "$t" ] || continue
  echo "== $(basename "$t")"
  if ZKM_BUILD="$build" "$t"; then pass=$((pass+1)); else fail=$((fail+1)); failed+=("$(basename "$t")"); fi
done
for c in tests/cli*_tests.sh; do
  [ -f "$c" ] || continue
  echo "== $(basename "$c")"
  if bash "$c" "$build"; then pass=$((pass+1)); else fail=$((fail+1)); failed+=("$(basename "$c")"); fi
done
echo
[ ${#failed[@]} -gt 0 ] && echo "failed suites: ${failed[*]}"
echo "suites: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
