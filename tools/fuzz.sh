#!/usr/bin/env bash
# Build the libFuzzer targets of tests/fuzz/ (clang, -fsanitize=fuzzer,address,undefined;
# the library sources are compiled into the targets, not the gcc-built archive) and run
# each for a bounded time. Exits non-zero on any crash, leak, sanitizer report, timeout
# or out-of-memory. docs/robustness.md explains the targets and inputs.
#
#   tools/fuzz.sh [SECONDS] [TARGET...]     SECONDS per target (default 30); targets
#                                           default to every tests/fuzz/fuzz_*.c
#   tools/fuzz.sh 30                        CI smoke run
#   FUZZ_OUT=$HOME/zkm-fuzz tools/fuzz.sh 3600 fuzz_stats_verify
#                                           local campaign: the grown corpus and any
#                                           crash artifacts stay in $FUZZ_OUT
#
# Environment: FUZZ_OUT (work directory; default a fresh temporary one, removed on
# success), FUZZ_JOBS (targets run at once; default nproc), FUZZ_TIMEOUT (seconds
# per input before libFuzzer reports a timeout; default 60), FUZZ_RSS_MB (memory
# limit per target, also the largest single allocation; default 2048), CLANG.
# The committed seed corpus tests/fuzz/corpus/<target>/ is read, never written:
# new inputs go to $FUZZ_OUT/corpus/<target>/. A crashing input is saved as
# $FUZZ_OUT/artifacts/<target>-crash-<sha1>; reproduce with
#   $FUZZ_OUT/bin/<target> FILE
# then add it to tests/regress/<target>/ (tests/test_regress.c replays it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

secs=${1:-30}
shift || true
CLANG=${CLANG:-clang}
command -v "$CLANG" >/dev/null ||
  { echo "fuzz: $CLANG not found (Debian: apt-get install clang libclang-rt-14-dev)"; exit 2; }
jobs=${FUZZ_JOBS:-$(nproc)}
per_input_timeout=${FUZZ_TIMEOUT:-60}
rss=${FUZZ_RSS_MB:-2048}

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$f" .c)"); done
fi

keep_out=1
if [ -z "${FUZZ_OUT:-}" ]; then
  FUZZ_OUT=$(mktemp -d "${TMPDIR:-/tmp}/zkmlops-fuzz.XXXXXX")
  keep_out=0
fi
out=$FUZZ_OUT
mkdir -p "$out/obj" "$out/bin" "$out/corpus" "$out/artifacts" "$out/logs"

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
mkdir -p "$out/gen"
protoc-c --proto_path=proto --c_out="$out/gen" proto/onnx.proto
cflags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Isrc -I$out/gen -Itests/fuzz -O1 -g $san"
cflags="$cflags -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wno-unknown-pragmas"
libs="-lcrypto -lcjson -lprotobuf-c -lm"
export CLANG cflags libs out

# Library objects once (coverage-instrumented, no libFuzzer main), then one binary per target.
compile_obj() { $CLANG $cflags -fsanitize=fuzzer-no-link -c "$1" -o "$out/obj/$(basename "$(dirname "$1")")_$(basename "$1").o"; }
link_target() { $CLANG $cflags -Werror -fsanitize=fuzzer "tests/fuzz/$1.c" "$out"/obj/*.o $libs -o "$out/bin/$1"; }
export -f compile_obj link_target

t0=$(date +%s)
echo "fuzz: building ${#targets[@]} targets with $($CLANG --version | head -1) into $out"
rm -f "$out"/obj/*.o
# every library source (the same list as the Makefile's LIB_SRC) plus the protoc-c output
ls src/{field,crypto,iop,pcs,r1cs,circuit,ml,lifecycle,bundle,util}/*.c "$out/gen/onnx.pb-c.c" 2>/dev/null |
  xargs -P "$jobs" -I{} bash -c 'compile_obj "$1"' _ {}
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'link_target "$1"' _ {}
echo "fuzz: built in $(( $(date +%s) - t0 )) s; running each target for $secs s, $jobs at a time"

run_one() {
  local t=$1
  mkdir -p "$out/corpus/$t"
  local seeds=()
  [ -d "tests/fuzz/corpus/$t" ] && seeds=("tests/fuzz/corpus/$t")
  local rc=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$out/bin/$t" -max_total_time="$secs" -timeout="$per_input_timeout" -rss_limit_mb="$rss" \
      -print_final_stats=1 -artifact_prefix="$out/artifacts/$t-" \
      "$out/corpus/$t" "${seeds[@]}" >"$out/logs/$t.log" 2>&1 || rc=$?
  local execs nseeds=0
  [ ${#seeds[@]} -gt 0 ] && nseeds=$(ls "${seeds[0]}" | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/logs/$t.log" | tail -1)
  if [ "$rc" -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|invariant violated' \
       "$out/logs/$t.log"; then
    echo "FAIL $t (exit $rc, ${execs:-?} executions); log: $out/logs/$t.log"
    grep -E 'ERROR|runtime error|invariant|SUMMARY|Test unit written' "$out/logs/$t.log" | head -8 | sed 's/^/    /'
    return 1
  fi
  echo "ok   $t: ${execs:-?} executions in $secs s, corpus $(ls "$out/corpus/$t" | wc -l) new + $nseeds seeds"
}
export -f run_one
export out secs per_input_timeout rss

fails=0
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$1"' _ {} || fails=1
echo "fuzz: finished in $(( $(date +%s) - t0 )) s"
if [ "$fails" -ne 0 ]; then
  echo "fuzz: FAILED (artifacts in $out/artifacts, logs in $out/logs)"
  exit 1
fi
[ "$keep_out" -eq 0 ] && rm -rf "$out"
echo "fuzz: all targets passed"
