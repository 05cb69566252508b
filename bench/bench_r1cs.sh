#!/usr/bin/env bash
# zkmlops (Spartan over WHIR, zero-knowledge, Goldilocks) versus snarkjs Groth16
# (bn128) on the same circom circuit family, in one run on this machine.
#
#   bench/bench_r1cs.sh [-s "12 14 16"] [-m MINUS] [-b BUILD_DIR] [-c CACHE_DIR] [-r REPEATS] [--no-groth16]
#
# Circuit family: tools/circuits/mul_chain.circom with MulChain(2^k - MINUS), i.e. exactly
# 2^k - MINUS R1CS constraints (t[i+1] = t[i]^2 + i; MINUS = 0 by default: exact powers of
# two, the worst case for zkmlops's padding, see docs/r1cs.md), compiled twice with circom 2 (npm circom2):
# `--prime goldilocks` for zkmlops and the default bn128 for snarkjs. Witnesses come
# from the same `snarkjs wtns calculate` for both (not timed).
#
# Measured per size (wall clock and peak resident memory from /usr/bin/time, best of
# REPEATS runs for the zkmlops commands, one run for snarkjs):
#   zkmlops r1cs prove / verify (the CLI, including reading the files)
#   snarkjs groth16 prove / verify (the CLI, including reading the zkey)
#   proof bytes: the .zkp file; snarkjs proof.json and the 128-byte compressed
#   Groth16 proof (3 compressed bn128 points) for reference
# Setup is reported separately: the powers of tau (generated locally once per
# power and cached in CACHE_DIR, with one contribution and `prepare phase2`) and
# `groth16 setup` per circuit. zkmlops has no setup.
# Not part of the tests (it takes minutes; the 2^16 powers of tau alone take tens of
# minutes on 2 cores the first time).
set -euo pipefail

sizes="12 14 16"
build=build
cache=${XDG_CACHE_HOME:-$HOME/.cache}/zkmlops-bench
repeats=3
groth=1
minus=0
while [ $# -gt 0 ]; do
  case "$1" in
    -s) sizes=$2; shift 2 ;;
    -m) minus=$2; shift 2 ;;
    -b) build=$2; shift 2 ;;
    -c) cache=$2; shift 2 ;;
    -r) repeats=$2; shift 2 ;;
    --no-groth16) groth=0; shift ;;
    -h|--help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "bench_r1cs.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$root/$build" ;; esac
zk="$build/zkmlops"
[ -x "$zk" ] || { echo "bench_r1cs.sh: $zk not found (run make)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench_r1cs.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
mkdir -p "$cache"
npm_dir=${ZKM_NPM_DIR:-$cache/npm}
if [ ! -x "$npm_dir/node_modules/.bin/circom2" ] || [ ! -x "$npm_dir/node_modules/.bin/snarkjs" ]; then
  mkdir -p "$npm_dir"
  (cd "$npm_dir" && { [ -f package.json ] || npm init -y >/dev/null; } &&
   npm install --no-audit --no-fund circom2@0.2.23 snarkjs@0.7.6 >/dev/null)
fi
circom2="$npm_dir/node_modules/.bin/circom2"
snarkjs="$npm_dir/node_modules/.bin/snarkjs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

# run LOG cmd...: wall seconds (date, ns resolution), peak KB and CPU seconds (user +
# system, 10 ms resolution, from /usr/bin/time) of one run into LOG
run() {
  local log=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%M %U %S" -o "$log.raw" "$@" >"$log.out" 2>"$log.err" || return 1
  t1=$(date +%s%N)
  awk -v ns=$((t1 - t0)) '{printf "%.3f %s %.3f\n", ns / 1e9, $1, $2 + $3}' "$log.raw" > "$log"
}
best() { # best-of-N wall time, the max RSS over the runs, CPU seconds of the best run
  local n=$1; shift; local bt="" bm=0 bc="" t m c
  for _ in $(seq "$n"); do
    run "$work/t" "$@" || { cat "$work/t.err" >&2; return 1; }
    read -r t m c < "$work/t"
    if [ -z "$bt" ] || awk "BEGIN{exit !($t < $bt)}"; then bt=$t; bc=$c; fi
    [ "$m" -gt "$bm" ] && bm=$m
  done
  echo "$bt $bm $bc"
}

ptau_for() { # smallest cached-or-built powers of tau of power >= $1
  local p=$1
  for q in $(seq "$p" 24); do [ -f "$cache/pot${q}_final.ptau" ] && { echo "$cache/pot${q}_final.ptau"; return; }; done
  echo "== powers of tau 2^$p (bn128, one contribution, prepare phase2; cached in $cache)" >&2
  local t0=$(date +%s.%N)
  "$snarkjs" powersoftau new bn128 "$p" "$work/pot_0.ptau" >/dev/null
  "$snarkjs" powersoftau contribute "$work/pot_0.ptau" "$work/pot_1.ptau" --name=bench -e="zkmlops bench $RANDOM$RANDOM" >/dev/null
  "$snarkjs" powersoftau prepare phase2 "$work/pot_1.ptau" "$work/pot_final.ptau" >/dev/null
  awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f\n", b-a}' > "$cache/pot${p}_final.seconds"
  mv "$work/pot_final.ptau" "$cache/pot${p}_final.ptau"   # only complete files in the cache
  echo "$cache/pot${p}_final.ptau"
}

printf '%s\n' "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%s\n' "zkmlops: $zk; snarkjs $("$snarkjs" --version 2>/dev/null | head -1 || true); circom $("$circom2" --version | tail -1)"
results=()
for k in $sizes; do
  n=$(((1 << k) - minus))
  d="$work/k$k"; mkdir -p "$d/gl" "$d/bn"
  sed "s/^component main .*/component main {public [x]} = MulChain($n);/" "$root/tools/circuits/mul_chain.circom" > "$d/chain.circom"
  echo '{"x": "3"}' > "$d/input.json"
  echo "== 2^$k constraints: compiling" >&2
  "$circom2" "$d/chain.circom" --r1cs --wasm --prime goldilocks -o "$d/gl" >/dev/null
  "$snarkjs" wtns calculate "$d/gl/chain_js/chain.wasm" "$d/input.json" "$d/gl/w.wtns" >/dev/null
  rows=$("$zk" r1cs info "$d/gl/chain.r1cs" --json | sed 's/.*"row_vars": \([0-9]*\), "col_vars": \([0-9]*\).*/\1 \2/')

  echo "== 2^$k: zkmlops prove/verify" >&2
  read -r zp zpm zpc < <(best "$repeats" "$zk" r1cs prove "$d/gl/chain.r1cs" "$d/gl/w.wtns" -o "$d/p.zkp" --public-out "$d/pub.json" --quiet)
  zbytes=$(stat -c %s "$d/p.zkp")
  read -r zv zvm zvc < <(best "$repeats" "$zk" r1cs verify "$d/gl/chain.r1cs" "$d/p.zkp" --public "$d/pub.json" --json --quiet)
  zvlib=$(sed 's/.*"verify_ms": \([0-9.]*\).*/\1/' "$work/t.out")
  zbits=$(sed 's/.*"security_bits": \([0-9.]*\).*/\1/' "$work/t.out")

  gp=- gpm=- gpc=- gv=- gvc=- gbytes=- gsetup=- ptsecs=-
  if [ "$groth" = 1 ]; then
    "$circom2" "$d/chain.circom" --r1cs --wasm -o "$d/bn" >/dev/null
    "$snarkjs" wtns calculate "$d/bn/chain_js/chain.wasm" "$d/input.json" "$d/bn/w.wtns" >/dev/null
    need=$(awk -v c="$n" 'BEGIN{p=0; while (2^p < c + 2 + 1) p++; print p}')
    ptau=$(ptau_for "$need")
    ptsecs=$(cat "${ptau%.ptau}.seconds" 2>/dev/null || echo "?")
    echo "== 2^$k: snarkjs groth16 setup/prove/verify" >&2
    run "$work/s" "$snarkjs" groth16 setup "$d/bn/chain.r1cs" "$ptau" "$d/c.zkey"
    read -r gsetup _ < "$work/s"
    "$snarkjs" zkey export verificationkey "$d/c.zkey" "$d/vk.json" >/dev/null
    run "$work/g" "$snarkjs" groth16 prove "$d/c.zkey" "$d/bn/w.wtns" "$d/proof.json" "$d/public.json"
    read -r gp gpm gpc < "$work/g"
    run "$work/v" "$snarkjs" groth16 verify "$d/vk.json" "$d/public.json" "$d/proof.json"
    grep -q "OK" "$work/v.out" || { echo "snarkjs verify failed" >&2; cat "$work/v.out" "$work/v.err" >&2; exit 1; }
    read -r gv _ gvc < "$work/v"
    gbytes=$(stat -c %s "$d/proof.json")
  fi
  results+=("$k $n $rows $zp $zpc $zpm $zv $zvc $zvlib $zbytes $zbits $gp $gpc $gpm $gv $gvc $gbytes $gsetup $ptsecs")
done

echo
echo "wall = elapsed seconds (best of $repeats for zkmlops), cpu = user + system seconds of that run"
printf '| constraints | zkmlops rows x cols | zkmlops prove wall (cpu) | snarkjs Groth16 prove wall (cpu) | prove speed-up (wall) | zkmlops verify wall (cpu) / in-library | snarkjs verify wall (cpu) | zkmlops proof | Groth16 proof.json | zkmlops prove peak RSS | snarkjs prove peak RSS | Groth16 setup: circuit / powers of tau |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for r in "${results[@]}"; do
  read -r k n rv cv zp zpc zpm zv zvc zvlib zbytes zbits gp gpc gpm gv gvc gbytes gsetup ptsecs <<<"$r"
  ratio=$(awk -v a="$gp" -v b="$zp" 'BEGIN{ if (a == "-") print "-"; else printf "%.1fx", a / b }')
  printf '| 2^%s%s = %s | 2^%s x 2^%s | %s s (%s) | %s s (%s) | %s | %s s (%s) / %s ms | %s s (%s) | %s B (%s bits) | %s B | %s MB | %s MB | %s s / %s s |\n' \
    "$k" "$([ "$minus" = 0 ] || echo " - $minus")" "$n" "$rv" "$cv" "$zp" "$zpc" "$gp" "$gpc" "$ratio" "$zv" "$zvc" "$zvlib" "$gv" "$gvc" "$zbytes" "$zbits" "$gbytes" \
    "$((zpm / 1024))" "$([ "$gpm" = - ] && echo - || echo $((gpm / 1024)))" "$gsetup" "$ptsecs"
done
echo
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
