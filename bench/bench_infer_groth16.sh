#!/usr/bin/env bash
# Verifiable inference of the MNIST-class MLP 784-56-10 (ReLU, 44,530 parameters):
# zkmlops (`infer prove|verify`, Spartan over hiding WHIR, Goldilocks) versus the same
# network as a circom circuit proved with snarkjs Groth16 (bn128), in one run on this machine.
#
#   bench/bench_infer_groth16.sh [-b BUILD_DIR] [-c CACHE_DIR] [-r REPEATS] [-g GROTH16_REPEATS] [--no-groth16]
#
# The network (bench/infer_groth16_model.c, compiled here against BUILD_DIR/libzkmlops.a):
# the random weights of bench/bench_infer.c (fixed seed) at scale 2^12, one input at
# scale 2^12; layer 1 acc = sum_k x_k W[n][k] + b[n] 2^12, y = floor((acc + 2^11) / 2^12),
# ReLU; layer 2 the same without ReLU. Weights private, input and logits public, on both sides.
#   zkmlops: the model is committed (zk_model_commit, timed: the only set-up step), then
#     `zkmlops infer prove --model model.zkm --input IN -o P.zkp --output OUT.json --json`
#     (the command also re-verifies its proof before writing it) and
#     `zkmlops infer verify --commitment model.com --input IN --output OUT.json P.zkp --json`.
#   circom: tools/circuits/bench/mlp_784_56_10.circom (every rescale proved: range-checked
#     remainder and quotient, ReLU by the sign bit; circomlib's Num2Bits), compiled by
#     circom 2 (npm circom2) for bn128; witness by `snarkjs wtns calculate` (timed),
#     `snarkjs groth16 prove` / `groth16 verify`.
#   zkmlops again with --private-input (the input committed inside the proof and hidden;
#     products are native sumchecks in both modes, so the constraint count is the same).
# Checks that zk_model_run_fx, the zkmlops proofs' public outputs and the circom witness's
# public output give the same 10 logits ("logits agree: yes/no"; exit 1 on no).
# Measured (wall clock at ns resolution and CPU = user + system at 10 ms resolution, peak
# RSS, from /usr/bin/time): zkmlops prove / verify (best of REPEATS, the CLI including
# reading its files; in-library seconds from --json), snarkjs witness / prove / verify
# (best of GROTH16_REPEATS, including node start-up), proof bytes (the .zkp; snarkjs
# proof.json and the three points compressed), constraints. Set-up is reported
# separately: circom compile, the powers of tau (cached in CACHE_DIR, generated only
# if missing: see bench/bench_r1cs.sh) and `groth16 setup`.
# Not part of the tests (several minutes; the powers of tau take over an hour the first time).
set -euo pipefail

build=build
cache=${XDG_CACHE_HOME:-$HOME/.cache}/zkmlops-bench
repeats=3
grepeats=1
groth=1
while [ $# -gt 0 ]; do
  case "$1" in
    -b) build=$2; shift 2 ;;
    -c) cache=$2; shift 2 ;;
    -r) repeats=$2; shift 2 ;;
    -g) grepeats=$2; shift 2 ;;
    --no-groth16) groth=0; shift ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "bench_infer_groth16.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
case "$build" in /*) ;; *) build="$root/$build" ;; esac
zk="$build/zkmlops"
[ -x "$zk" ] && [ -f "$build/libzkmlops.a" ] || { echo "bench_infer_groth16.sh: $zk or $build/libzkmlops.a not found (run make)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench_infer_groth16.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
command -v node >/dev/null || { echo "bench_infer_groth16.sh: needs node and npm" >&2; exit 2; }
mkdir -p "$cache"
npm_dir=${ZKM_NPM_DIR:-$cache/npm}
nm="$npm_dir/node_modules"
if [ ! -x "$nm/.bin/circom2" ] || [ ! -x "$nm/.bin/snarkjs" ] || [ ! -f "$nm/circomlib/circuits/bitify.circom" ]; then
  mkdir -p "$npm_dir"
  (cd "$npm_dir" && { [ -f package.json ] || npm init -y >/dev/null; } &&
   npm install --no-audit --no-fund circom2@0.2.23 snarkjs@0.7.6 circomlib@2.0.5 >/dev/null)
fi
circom2="$nm/.bin/circom2"
snarkjs="$nm/.bin/snarkjs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}

# run LOG cmd...: wall seconds (date, ns resolution), peak KB and CPU seconds (user +
# system, from /usr/bin/time) of one run into LOG; its stdout in LOG.out
run() {
  local log=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f "%M %U %S" -o "$log.raw" "$@" >"$log.out" 2>"$log.err" || return 1
  t1=$(date +%s%N)
  awk -v ns=$((t1 - t0)) '{printf "%.3f %s %.3f\n", ns / 1e9, $1, $2 + $3}' "$log.raw" > "$log"
}
# best N NAME cmd...: best-of-N wall time, the max RSS over the runs, CPU seconds of the
# best run; the best run's stdout is kept in $work/NAME.out
best() {
  local n=$1 name=$2; shift 2; local bt="" bm=0 bc="" t m c
  for _ in $(seq "$n"); do
    run "$work/t" "$@" || { cat "$work/t.err" >&2; return 1; }
    read -r t m c < "$work/t"
    if [ -z "$bt" ] || awk "BEGIN{exit !($t < $bt)}"; then bt=$t; bc=$c; cp "$work/t.out" "$work/$name.out"; fi
    [ "$m" -gt "$bm" ] && bm=$m
  done
  echo "$bt $bm $bc"
}
jget() { # jget FILE EXPR: a value of a JSON file (EXPR in JavaScript over o)
  node -e 'const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(eval(process.argv[2]))' "$1" "$2"
}

ptau_for() { # smallest cached-or-built powers of tau of power >= $1 (as bench_r1cs.sh)
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

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
# What the binary holds: the commit, uncommitted changes older than the binary (built in,
# if make ran after them) and source files changed since it was linked (not built in).
uncommitted=0
for f in $(git -C "$root" status --porcelain -- src include 2>/dev/null | awk '{print $NF}'); do
  [ -e "$root/$f" ] && [ ! "$root/$f" -nt "$zk" ] && uncommitted=$((uncommitted + 1))
done
echo "zkmlops: $zk, linked $(date -r "$zk" '+%F %T'), HEAD now $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '? (not a git checkout)'): $uncommitted uncommitted src/include file(s) older than the binary, $(find "$root/src" "$root/include" -newer "$zk" -type f | wc -l) changed since (not built in)"
echo "snarkjs $("$snarkjs" --version 2>/dev/null | head -1 || true); circom $("$circom2" --version | tail -1)"

# ---- the model, zkmlops side ----
d="$work/run"; mkdir -p "$d/bn"
cc -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$root/include" -O2 -fopenmp \
  "$root/bench/infer_groth16_model.c" "$build/libzkmlops.a" -lcrypto -lcjson -lm -lprotobuf-c -o "$work/model"
read -r params commit_wall commit_cpu < <("$work/model" "$d" | sed 's/[a-z_]*=//g')
echo "== model 784-56-10: $params parameters, committed in $commit_wall s (cpu $commit_cpu)" >&2

echo "== zkmlops infer prove/verify (best of $repeats)" >&2
read -r zp zpm zpc < <(best "$repeats" zprove "$zk" infer prove --model "$d/model.zkm" --input "$d/zk_input.json" \
  -o "$d/p.zkp" --output "$d/y.json" --json --quiet)
[ -n "$zp" ] || { echo "zkmlops infer prove failed" >&2; exit 1; }
zplib=$(jget "$work/zprove.out" 'o.prover_seconds.toFixed(3)')
zcons=$(jget "$work/zprove.out" 'o.parameters.constraints')
zwires=$(jget "$work/zprove.out" 'o.parameters.witness_vars')
zbytes=$(stat -c %s "$d/p.zkp")
read -r zv zvm zvc < <(best "$repeats" zverify "$zk" infer verify --commitment "$d/model.com" --input "$d/zk_input.json" \
  --output "$d/y.json" "$d/p.zkp" --json --quiet)
[ -n "$zv" ] && [ "$(jget "$work/zverify.out" 'o.valid')" = true ] || { echo "zkmlops verify failed" >&2; exit 1; }
zvlib=$(jget "$work/zverify.out" '(o.verify_seconds * 1000).toFixed(1)')
zbits=$(jget "$work/zverify.out" 'o.security_bits')
ref=$(tr '\n' ' ' < "$d/expected.txt" | sed 's/ $//')
zlogits=$(jget "$d/y.json" 'o.output_fixed[0].join(" ")')
# The same with --private-input: the input is committed inside the proof and hidden
# (the matrix products are native sumchecks with a public or a private input).
echo "== zkmlops infer prove/verify --private-input (best of $repeats)" >&2
read -r zqp zqpm zqpc < <(best "$repeats" zprovep "$zk" infer prove --model "$d/model.zkm" --input "$d/zk_input.json" \
  -o "$d/pp.zkp" --output "$d/yp.json" --private-input --json --quiet)
[ -n "$zqp" ] || { echo "zkmlops infer prove --private-input failed" >&2; exit 1; }
zqplib=$(jget "$work/zprovep.out" 'o.prover_seconds.toFixed(3)')
zqcons=$(jget "$work/zprovep.out" 'o.parameters.constraints')
zqwires=$(jget "$work/zprovep.out" 'o.parameters.witness_vars')
zqbytes=$(stat -c %s "$d/pp.zkp")
read -r zqv zqvm zqvc < <(best "$repeats" zverifyp "$zk" infer verify --commitment "$d/model.com" --output "$d/yp.json" "$d/pp.zkp" --json --quiet)
[ -n "$zqv" ] && [ "$(jget "$work/zverifyp.out" 'o.valid')" = true ] || { echo "zkmlops verify (private input) failed" >&2; exit 1; }
zqvlib=$(jget "$work/zverifyp.out" '(o.verify_seconds * 1000).toFixed(1)')
zqbits=$(jget "$work/zverifyp.out" 'o.security_bits')
zqlogits=$(jget "$d/yp.json" 'o.output_fixed[0].join(" ")')

gw=- gwc=- gp=- gpm=- gpc=- gv=- gvc=- gbytes=- gcomp=- gsetup=- gsetupm=- ptsecs=- gcons=- gwires=- ccomp=- gpow=- glogits=- ptname=-
if [ "$groth" = 1 ]; then
  echo "== circom: compiling tools/circuits/bench/mlp_784_56_10.circom (bn128)" >&2
  # circom2 (WebAssembly) only opens files under its working directory and its parents,
  # so it runs inside node_modules with circomlib on the include path as ".".
  t0=$(date +%s%N)
  (cd "$nm" && "$circom2" "$root/tools/circuits/bench/mlp_784_56_10.circom" --r1cs --wasm -l . -o "$d/bn" > "$work/circom.log")
  ccomp=$(awk -v ns=$(($(date +%s%N) - t0)) 'BEGIN{printf "%.1f", ns / 1e9}')
  "$snarkjs" r1cs info "$d/bn/mlp_784_56_10.r1cs" > "$work/r1cs.info"
  gcons=$(sed -n 's/.*# of Constraints: \([0-9]*\).*/\1/p' "$work/r1cs.info")
  gwires=$(sed -n 's/.*# of Wires: \([0-9]*\).*/\1/p' "$work/r1cs.info")
  gpub=$(sed -n 's/.*# of Public Inputs: \([0-9]*\).*/\1/p' "$work/r1cs.info")
  gout=$(sed -n 's/.*# of Outputs: \([0-9]*\).*/\1/p' "$work/r1cs.info")
  echo "== circom: $gcons constraints ($(grep -o 'non-linear constraints: [0-9]*' "$work/circom.log")), $gwires wires, compiled in $ccomp s" >&2

  echo "== snarkjs witness (best of $grepeats)" >&2
  read -r gw _ gwc < <(best "$grepeats" gwtns "$snarkjs" wtns calculate "$d/bn/mlp_784_56_10_js/mlp_784_56_10.wasm" \
    "$d/circom_input.json" "$d/w.wtns")
  # Groth16's domain: 2^p >= constraints + public inputs + outputs + 1 (snarkjs groth16 setup)
  gpow=$(awk -v c="$((gcons + gpub + gout + 1))" 'BEGIN{p=0; while (2^p < c) p++; print p}')
  ptau=$(ptau_for "$gpow")
  ptsecs=$(cat "${ptau%.ptau}.seconds" 2>/dev/null || echo "?")
  ptname="2^$(basename "$ptau" | sed 's/^pot\([0-9]*\)_.*/\1/') for a domain of 2^$gpow"
  echo "== snarkjs groth16 setup (domain 2^$gpow, $(basename "$ptau"))" >&2
  run "$work/s" "$snarkjs" groth16 setup "$d/bn/mlp_784_56_10.r1cs" "$ptau" "$d/c.zkey" || { cat "$work/s.err" >&2; exit 1; }
  read -r gsetup gsetupm _ < "$work/s"
  "$snarkjs" zkey export verificationkey "$d/c.zkey" "$d/vk.json" >/dev/null
  echo "== snarkjs groth16 prove/verify (best of $grepeats)" >&2
  read -r gp gpm gpc < <(best "$grepeats" gprove "$snarkjs" groth16 prove "$d/c.zkey" "$d/w.wtns" "$d/proof.json" "$d/public.json")
  read -r gv _ gvc < <(best "$grepeats" gverify "$snarkjs" groth16 verify "$d/vk.json" "$d/public.json" "$d/proof.json")
  grep -q "OK" "$work/gverify.out" || { echo "snarkjs verify failed" >&2; cat "$work/gverify.out" >&2; exit 1; }
  [ -n "$gp" ] && [ -n "$gv" ] || { echo "snarkjs groth16 prove/verify failed" >&2; exit 1; }
  gbytes=$(stat -c %s "$d/proof.json")
  # public.json: the 10 logits (outputs first), then x; values above p/2 are negative.
  glogits=$(node -e '
    const pub = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).map(BigInt);
    const p = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
    console.log(pub.slice(0, 10).map(v => (v > p / 2n ? v - p : v).toString()).join(" "));' "$d/public.json")
  # The same proof as three compressed points (G1, G2, G1), decompressed again as a check.
  gcomp=$(cd "$nm" && node -e '
    const { buildBn128 } = require("ffjavascript");
    const proof = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    (async () => {
      const c = await buildBn128(true);
      let n = 0;
      for (const [G, pt] of [[c.G1, proof.pi_a], [c.G2, proof.pi_b], [c.G1, proof.pi_c]]) {
        const P = G.fromObject(pt.map(v => (Array.isArray(v) ? v.map(BigInt) : BigInt(v))));
        const b = new Uint8Array(G.F.n8);
        G.toRprCompressed(b, 0, P);
        if (!G.eq(G.fromRprCompressed(b, 0), P)) throw new Error("compression round trip failed");
        n += b.length;
      }
      console.log(n);
      await c.terminate();
    })().catch(e => { console.error(e.message); process.exit(1); });' "$d/proof.json") || gcomp="?"
fi

echo
echo "reference logits (zk_model_run_fx): $ref"
echo "zkmlops proof's public logits:      $zlogits"
echo "the same, private-input proof:      $zqlogits"
echo "circom witness's public logits:     $glogits"
agree=no
if [ "$zlogits" = "$ref" ] && [ "$zqlogits" = "$ref" ] && { [ "$groth" = 0 ] || [ "$glogits" = "$ref" ]; }; then agree=yes; fi
echo "logits agree: $agree$([ "$groth" = 1 ] || echo ' (zkmlops vs reference only)')"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.1fx", a / b }'; }
mb() { [ "$1" = - ] && echo - || echo "$(($1 / 1024)) MB"; }
echo
echo "MLP 784-56-10, $params parameters (private), input and logits public; wall = elapsed seconds (best of $repeats for zkmlops, of $grepeats for snarkjs), (cpu) = user + system seconds of that run"
echo
echo "| | zkmlops (Spartan + WHIR, Goldilocks) | snarkjs Groth16 (bn128) | zkmlops, --private-input |"
echo "|---|---|---|---|"
echo "| constraints | $zcons ($zwires wires) | $gcons ($gwires wires) | $zqcons ($zqwires wires) |"
echo "| witness | inside prove | $gw s ($gwc) | inside prove |"
echo "| prove: command | $zp s ($zpc) | $gp s ($gpc) | $zqp s ($zqpc) |"
echo "| prove: in-library | $zplib s | - | $zqplib s |"
echo "| verify: command | $zv s ($zvc) | $gv s ($gvc) | $zqv s ($zqvc) |"
echo "| verify: in-library | $zvlib ms | - | $zqvlib ms |"
echo "| proof | $zbytes B ($zbits bits) | $gbytes B proof.json, $gcomp B compressed | $zqbytes B ($zqbits bits) |"
echo "| prove peak RSS | $(mb "$zpm") | $(mb "$gpm") | $(mb "$zqpm") |"
echo "| verify peak RSS | $(mb "$zvm") | - | $(mb "$zqvm") |"
echo "| set-up | model commit $commit_wall s ($commit_cpu) | circom compile $ccomp s; groth16 setup $gsetup s ($(mb "$gsetupm")); powers of tau $ptname: $ptsecs s (cached) | (same commitment) |"
echo
echo "prove ratio, snarkjs / zkmlops (command wall): $(ratio "$gp" "$zp"); cpu: $(ratio "$gpc" "$zpc"); (snarkjs witness + prove) / zkmlops prove: $(ratio "$(awk -v a="$gw" -v b="$gp" 'BEGIN{ if (a == "-") print "-"; else print a + b }')" "$zp")"
echo "verify ratio, snarkjs / zkmlops (command wall): $(ratio "$gv" "$zv"); cpu: $(ratio "$gvc" "$zvc")$(awk -v c="$zvc" 'BEGIN{ if (c + 0 == 0) print " (zkmlops verify cpu below the 10 ms resolution)" }')"
echo "with the input private in zkmlops: prove ratio (command wall) $(ratio "$gp" "$zqp"), cpu $(ratio "$gpc" "$zqpc"); verify ratio $(ratio "$gv" "$zqv")"
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$agree" = yes ]
