#!/usr/bin/env bash
# Run a fast subset of the unit tests under valgrind memcheck (no invalid reads or
# writes, no use of uninitialised values, no leaks). docs/robustness.md.
#
#   tools/valgrind-tests.sh [TEST...]     default: the subset below
#
# The tests and the library are built with gcc -O1 -g (no sanitizers) into a temporary
# directory; each test binary runs as
#   OMP_NUM_THREADS=1 valgrind --error-exitcode=1 --leak-check=full ...
# (two at a time on a 2-core machine). Leaks of every kind but "still reachable" are
# errors; the only suppression is libgomp's thread-pool TLS blocks (pthread_create's
# dtv), which valgrind reports as "possibly lost" when a test asks for several
# OpenMP threads. The subset: CSV parsing (test_dataset), SHA-256 / Merkle
# (test_crypto), transcript (test_transcript), field, MLE, sumcheck, parameters, every
# parser and verifier on real proofs and regression inputs (test_regress), and a small
# WHIR commit / open / verify mutation case (test_mutation with ZKM_MUTATION_LIGHT=1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
command -v valgrind >/dev/null || { echo "valgrind-tests: valgrind is not installed (apt-get install valgrind)"; exit 2; }
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(test_crypto test_regress test_transcript test_sumcheck test_mutation test_field
                                 test_params test_mle test_dataset)
jobs=${VALGRIND_JOBS:-$(nproc)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CC=${CC:-gcc}
mkdir -p "$tmp/gen"
protoc-c --proto_path=proto --c_out="$tmp/gen" proto/onnx.proto
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Isrc -I$tmp/gen -fopenmp -O1 -g"
flags="$flags -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wcast-qual"
export CC flags tmp

t0=$(date +%s)
mkdir -p "$tmp/obj"
compile_obj() { $CC $flags -c "$1" -o "$tmp/obj/$(echo "$1" | tr / _).o"; }
export -f compile_obj
ls src/{field,crypto,iop,pcs,r1cs,circuit,ml,lifecycle,bundle,util}/*.c |
  xargs -P "$jobs" -I{} bash -c 'compile_obj "$1"' _ {}
$CC -std=c11 -O1 -g -I"$tmp/gen" -c "$tmp/gen/onnx.pb-c.c" -o "$tmp/obj/gen_onnx.pb-c.o"
ar rcs "$tmp/libzkmlops.a" "$tmp"/obj/*.o
link_test() { $CC $flags "tests/$1.c" "$tmp/libzkmlops.a" -lcmocka -lcrypto -lcjson -lprotobuf-c -lm -o "$tmp/$1"; }
export -f link_test
printf '%s\n' "${tests[@]}" | xargs -P "$jobs" -I{} bash -c 'link_test "$1"' _ {}
echo "valgrind-tests: built ${#tests[@]} tests in $(( $(date +%s) - t0 )) s"

cat > "$tmp/zkm.supp" <<'EOF'
{
   libgomp-thread-pool-tls
   Memcheck:Leak
   match-leak-kinds: possible
   fun:calloc
   ...
   fun:_dl_allocate_tls
   ...
   fun:pthread_create*
   obj:*libgomp.so*
}
EOF

run_one() {
  local t=$1 s e rc=0
  s=$(date +%s)
  OMP_NUM_THREADS=1 OMP_WAIT_POLICY=passive ZKM_MUTATION_LIGHT=1 \
    valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
      --suppressions="$tmp/zkm.supp" --child-silent-after-fork=no "$tmp/$t" >"$tmp/$t.log" 2>&1 || rc=$?
  e=$(( $(date +%s) - s ))
  if [ "$rc" -ne 0 ]; then
    echo "FAIL $t (exit $rc, $e s):"
    grep -E '==[0-9]+==|FAIL|ERROR' "$tmp/$t.log" | head -40 | sed 's/^/    /'
    return 1
  fi
  echo "ok   $t ($e s)"
}
export -f run_one
fails=0
printf '%s\n' "${tests[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$1"' _ {} || fails=1
echo "valgrind-tests: finished in $(( $(date +%s) - t0 )) s"
if [ "$fails" -ne 0 ]; then
  echo "valgrind-tests: FAILED"
  exit 1
fi
echo "valgrind-tests: all passed"
