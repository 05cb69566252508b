#!/usr/bin/env bash
# CLI tests of `zkmlops audit run|verify|report`: pipeline-file errors (JSON path, exit 2),
# a full audit, its verification, tampered bundles (each must fail with a clear reason),
# the HTML report rendered by headless Chromium.
#
# Part 1 runs the orchestration against a TEST-ONLY fake stage script (ZKMLOPS_AUDIT_FAKE_STAGES):
# fast, and independent of the stage provers. Part 2 runs the real stages on a small slice of
# the breast-cancer data (80 rows, 6 features, 2 epochs, 2 monitoring windows; the pipeline is
# written below) and runs the same tampering suite on that bundle; it is skipped, with a
# message, while a stage command is not implemented, and on a sanitizer build unless
# ZKM_AUDIT_REAL=1 (the proofs take minutes there). ZKM_AUDIT_FULL=1 runs the full default
# pipeline (pipelines/breast_cancer.json) instead of the slice.
# Prints "N passed, N failed".
set -u
build=${1:-build}
case "$build" in /*) zk="$build/zkmlops" ;; *) zk="$PWD/$build/zkmlops" ;; esac
repo=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0

# expect CODE PATTERN -- command...   (PATTERN: grep -E over stdout+stderr; "" = any)
expect() {
  local code=$1 pat=$2; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq "$code" ] && { [ -z "$pat" ] || grep -Eq -- "$pat" <<<"$out"; }; then
    pass=$((pass+1))
  else
    fail=$((fail+1))
    echo "FAIL: $* -> exit $rc (want $code), output:"; echo "$out" | tail -8 | sed 's/^/    /'
    [ -n "$pat" ] && echo "    (wanted pattern: $pat)"
  fi
}
ok() { if "$@"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $*"; fi; }

cd "$tmp" || exit 1

# ------------------------------------------------------------------ usage and pipeline errors
expect 0 "Usage: zkmlops audit run" -- "$zk" audit --help
expect 0 "Usage: zkmlops audit verify" -- "$zk" audit verify --help
expect 0 "Usage: zkmlops audit report" -- "$zk" audit report --help
expect 2 "unknown verb" -- "$zk" audit frob
expect 2 "missing -o" -- "$zk" audit run "$repo/pipelines/breast_cancer.json"
expect 2 "nope.json: cannot open" -- "$zk" audit run nope.json -o b0

printf '{"name": "x", "dataset": "d.csv", "stages": [{"stage": "data"}, {"stage": "trian", "spec": "t.json"}]}' > p1.json
expect 2 'p1.json: \$\.stages\[1\]\.stage: unknown stage .trian.' -- "$zk" audit run p1.json -o b1
printf '{"name": "x", "dataset": "d.csv", "stages": [{"stage": "data"}, {"stage": "preprocess"}]}' > p2.json
expect 2 'p2.json: \$\.stages\[1\]\.spec: missing field' -- "$zk" audit run p2.json -o b2
printf '{"name": "x", "dataset": 7, "stages": [{"stage": "data"}]}' > p3.json
expect 2 'p3.json: \$\.dataset: expected a string, got a number' -- "$zk" audit run p3.json -o b3
printf '{"name": "x", "dataset": "d.csv", "stages": [{"stage": "data"}, {"stage": "preprocess", "spec": "p.json"}, {"stage": "train", "spec": "t.json"}, {"stage": "infer", "queries": "4"}]}' > p4.json
expect 2 'p4.json: \$\.stages\[3\]\.queries: expected an integer in 1\.\.64, got a string' -- "$zk" audit run p4.json -o b4
printf '{"name": "x", "stages": [{"stage": "data"}]}' > p5.json
expect 2 'p5.json: \$\.dataset: missing field' -- "$zk" audit run p5.json -o b5
printf '{"name": "x", "dataset": "d.csv", "stages": [{"stage": "data"}, {"stage": "eval", "spec": "m.json"}]}' > p6.json
expect 2 'p6.json: \$\.stages\[1\]\.stage: a eval stage needs a train stage before it' -- "$zk" audit run p6.json -o b6
printf '{"name": "x", "dataset": "d.csv", "stages": [{"stage": "data", "colour": 1}]}' > p7.json
expect 2 'p7.json: \$\.stages\[0\]\.colour: unknown field' -- "$zk" audit run p7.json -o b7
printf '{"name": "x", "dataset": "d.csv", "stages": {"stage": "data"}}' > p8.json
expect 2 'p8.json: \$\.stages: expected an array of stages, got an object' -- "$zk" audit run p8.json -o b8
printf '{"name": "x", "dataset": "d.csv",\n "stages": [}' > p9.json
expect 2 'p9.json:2: not valid JSON' -- "$zk" audit run p9.json -o b9
for b in b1 b2 b3 b4 b5 b6 b7 b8 b9; do ok test ! -e "$b/manifest.json"; done
expect 2 "nobundle/manifest.json: cannot open" -- "$zk" audit verify nobundle

# ------------------------------------------------------------------ tampering suite
# tamper_suite BUNDLE STAGE OTHER: STAGE and OTHER are two proving stages (e.g. eval, train).
tamper_suite() {
  local src=$1 st=$2 other=$3 t
  # manifest field lookups (the manifest is printed one field per line)
  mval() { awk -v s="$2" -v k="$3" 'index($0, "\"name\":\t\"" s "\"") {f=1} f && index($0, "\"" k "\":") {sub(/.*:\t"?/, ""); sub(/"?,?$/, ""); print; exit}' "$1/manifest.json"; }
  local proof otherproof pub
  proof=$(mval "$src" "$st" proof); otherproof=$(mval "$src" "$other" proof); pub=$(mval "$src" "$st" public_file)
  ok test -n "$proof" -a -n "$otherproof" -a -n "$pub"

  # 1. a proof byte flipped: the digest check names the file
  t=t1; rm -rf $t; cp -r "$src" $t
  local size; size=$(stat -c %s "$t/$proof")
  printf '\xff' | dd of="$t/$proof" bs=1 seek=$((size / 2)) conv=notrunc status=none
  expect 1 "✗ $st +$proof: SHA-256 differs from the manifest" -- "$zk" audit verify $t
  # ... and with the digest updated too, the stage verifier rejects the proof itself
  local old new; old=$(sha256sum "$src/$proof" | cut -c1-64); new=$(sha256sum "$t/$proof" | cut -c1-64)
  sed -i "s/$old/$new/" "$t/manifest.json"
  expect 1 "✗ $st +$st verify (rejected the proof|failed)" -- "$zk" audit verify $t
  expect 1 '"valid": false' -- "$zk" audit verify $t --json

  # 2. a manifest value edited: a public claim, then the stated security level
  t=t2; rm -rf $t; cp -r "$src" $t
  awk -v s="$st" 'index($0, "\"name\":\t\"" s "\"") {f=1} f && /"public":\t\{/ {g=1; print; next}
       g && /:\t-?[0-9]/ && !done {match($0, /:\t-?[0-9.e+-]+/); v=substr($0, RSTART+2, RLENGTH-2); sub(/:\t-?[0-9.e+-]+/, ":\t" (v + 1)); done=1} 1' \
    "$src/manifest.json" > $t/manifest.json
  ok test "$(cmp -s "$src/manifest.json" $t/manifest.json; echo $?)" = 1
  expect 1 "✗ $st +the manifest's public values differ from the verified public file" -- "$zk" audit verify $t
  t=t2b; rm -rf $t; cp -r "$src" $t
  awk -v s="$st" 'index($0, "\"name\":\t\"" s "\"") {f=1} f && /"security_bits":/ {sub(/:\t[0-9.e+-]+/, ":\t256"); f=0} 1' \
    "$src/manifest.json" > $t/manifest.json
  expect 1 "✗ $st +manifest security_bits 256.00, the verifier computes" -- "$zk" audit verify $t
  t=t2c; rm -rf $t; cp -r "$src" $t
  awk -v s="$st" 'index($0, "\"name\":\t\"" s "\"") {f=1} f && /"proof_bytes":/ {sub(/:\t[0-9]+/, ":\t\"x\""); f=0} 1' \
    "$src/manifest.json" > $t/manifest.json
  expect 2 'manifest.json: \$\.predicate\.stages\[[0-9]+\]\.proof_bytes: expected an integer' -- "$zk" audit verify $t

  # 3. proof files swapped between two stages (manifest still naming each stage's own file)
  t=t3; rm -rf $t; cp -r "$src" $t
  cp "$src/$otherproof" "$t/$proof"; cp "$src/$proof" "$t/$otherproof"
  expect 1 "✗ $st +$proof: SHA-256 differs" -- "$zk" audit verify $t
  # ... and the manifest's proof entries swapped (all digests hold): the verifiers reject
  t=t3b; rm -rf $t; cp -r "$src" $t
  sed -i "s/\"proof\":\t\"$proof\"/\"proof\":\t\"SWAP_A\"/; s/\"proof\":\t\"$otherproof\"/\"proof\":\t\"$proof\"/; s/\"proof\":\t\"SWAP_A\"/\"proof\":\t\"$otherproof\"/" $t/manifest.json
  expect 1 "✗ $st +$st verify (rejected the proof|failed)" -- "$zk" audit verify $t

  # 4. a stage's input commitment replaced by another commitment (digest listed, so only the chain
  #    and the proof can catch it)
  t=t4; rm -rf $t; cp -r "$src" $t
  cp "$OTHER_COM" $t/other.com
  local osha; osha=$(sha256sum $t/other.com | cut -c1-64)
  awk -v s="$st" -v sha="$osha" 'index($0, "\"name\":\t\"" s "\"") {f=1}
       f && /"inputs":/ {g=1} g && /"file":\t".*\.com"/ && !done {sub(/"file":\t"[^"]*"/, "\"file\":\t\"other.com\""); h=1}
       h && /"id":/ {sub(/"id":\t"[0-9a-f]*"/, "\"id\":\t\"" sha "\""); h=0; done=1}
       /^\t"subject":\t\[\{/ {sub(/\[\{/, "[{\"name\": \"other.com\", \"digest\": {\"sha256\": \"" sha "\"}}, {")} 1' \
    "$src/manifest.json" > $t/manifest.json
  expect 1 "✗ $st +input '[a-z_]+' \(other\.com, id [0-9a-f]{16}…\) is not [a-z_-]+'s output .*broken commitment chain" -- "$zk" audit verify $t

  # 5. a file missing
  t=t5; rm -rf $t; cp -r "$src" $t
  rm $t/$pub
  expect 1 "✗ $st +$pub: missing from the bundle" -- "$zk" audit verify $t
  t=t5b; rm -rf $t; cp -r "$src" $t
  rm $t/manifest.json
  expect 2 "manifest.json: cannot open" -- "$zk" audit verify $t
  # the original is untouched and still valid
  expect 0 "VALID" -- "$zk" audit verify "$src"
}

# ------------------------------------------------------------------ part 1: fake stages
python_free_csv() { # small deterministic CSVs
  awk 'BEGIN {print "a,b,c,label"; for (i = 0; i < 40; i++) printf "%d,%.2f,%.3f,%d\n", i, (i * 37 % 100) / 10, (i * 53 % 97) / 97, i % 2}' > small.csv
  awk 'BEGIN {print "a,b,c,label"; for (i = 0; i < 20; i++) printf "%.3f,%.2f,%.3f,%d\n", i / 10, (i * 7 % 10) / 10, (i * 13 % 17) / 17, i % 2}' > split.csv
  awk 'BEGIN {print "a,b,c,label"; for (i = 0; i < 20; i++) printf "%.3f,%.2f,%.3f,%d\n", i / 9, (i * 3 % 10) / 10, (i * 11 % 17) / 17, (i + 1) % 2}' > other.csv
}
python_free_csv
cat > fake-stage.sh <<'EOF'
#!/usr/bin/env bash
# TEST-ONLY fake lifecycle stage (ZKMLOPS_AUDIT_FAKE_STAGES): docs/stages.md CLI forms and --json
# summaries; the "proof" is a SHA-256 of the statement (input/output commitments, spec files,
# public file), so any change is detected. `data commit` and the train/test commitments are real.
set -u
kind=$1 verb=$2; shift 2
if [ "$kind" = data ]; then exec "$ZKM_REAL" data "$verb" "$@"; fi
declare -A a=()
while [ $# -gt 0 ]; do
  case "$1" in
    --json|--quiet|--no-prove) shift ;;
    -o) a[proof]=$2; shift 2 ;;
    --*) a[$1]=$2; shift 2 ;;
    *) a[proof]=$1; shift ;;
  esac
done
com() { case "$1" in *.zkd|*.zkm) echo "${1%.*}.com" ;; *) echo "$1" ;; esac; }
sha() { sha256sum "$1" | cut -c1-64; }
# ins/outs: "role=flag" reported in the summary; extra: spec-file flags that must exist
case "$kind:$verb" in
  preprocess:prove) ins="raw=--data"; outs="train=--train test=--test"; extra=--pipeline ;;
  preprocess:verify) ins="raw=--commitment"; outs="train=--train test=--test"; extra=--pipeline ;;
  train:*) ins="train=--data"; outs="model=--model"; extra=--spec ;;
  eval:*) ins="model=--model test=--data"; outs=""; extra=--metrics ;;
  infer:prove) ins="model=--model"; outs=""; extra=--input ;;
  infer:verify) ins="model=--commitment"; outs=""; extra=--input ;;
  monitor:prove) ins="model=--model window=--window reference=--reference config=--config"; outs=""; extra="" ;;
  monitor:verify) ins="model=--model window=--window"; outs=""; extra="--reference --config" ;;
  monitor:simulate)
    mkdir -p "${a[--dir]}"
    for w in 000 001; do echo private > "${a[--dir]}/w$w.zkd"; echo "FAKEWINDOW $w $RANDOM$RANDOM" > "${a[--dir]}/w$w.com"; done
    echo '{"windows": [{"window": 0}, {"window": 1}], "windows_total": 2, "proved": false}'; exit 0 ;;
  *) echo "zkmlops $kind: not implemented yet" >&2; exit 2 ;;
esac
pub=${a[--output]}; proof=${a[proof]}
if [ "$verb" = prove ]; then
  for o in $outs; do
    f=${a[${o#*=}]}
    case "$kind" in
      preprocess) "$ZKM_REAL" data commit "$FAKE_SPLIT_CSV" -o "$f" --quiet >/dev/null || exit 2 ;;
      *) echo private > "$f"; echo "FAKECOM $kind ${o%%=*} $RANDOM$RANDOM$RANDOM" > "$(com "$f")" ;;
    esac
  done
  case "$kind" in
    eval) echo '{"accuracy": 0.9, "n": 12, "fairness": {"demographic_parity_difference": 0.05}}' > "$pub" ;;
    monitor) echo '{"alerts": {"fired": []}, "psi_max": 0.01}' > "$pub" ;;
    infer) echo '{"output_data": [[1], [0]]}' > "$pub" ;;
    *) echo "{\"stage\": \"$kind\", \"n\": 3}" > "$pub" ;;
  esac
fi
for e in $extra; do [ -f "${a[$e]}" ] || { echo "zkmlops: ${a[$e]}: cannot open" >&2; exit 2; }; done
for need in "$pub" $([ "$verb" = verify ] && echo "$proof"); do
  [ -f "$need" ] || { echo "zkmlops: $need: cannot open" >&2; exit 2; }
done
refs() { local first=1 r f; for r in $1; do f=$(com "${a[${r#*=}]}"); [ -f "$f" ] || { echo "zkmlops: $f: cannot open" >&2; exit 2; }
  [ $first = 1 ] || printf ', '; first=0; printf '{"role": "%s", "file": "%s", "id": "%s"}' "${r%%=*}" "$f" "$(sha "$f")"; done; }
ins_j=$(refs "$ins") || exit 2; outs_j=$(refs "$outs") || exit 2
stmt="$kind"
for r in $ins $outs; do case "${r%%=*}" in reference|config) ;; *) stmt="$stmt $(sha "$(com "${a[${r#*=}]}")")" ;; esac; done
for f in --pipeline --spec --metrics --input --reference --config; do [ -n "${a[$f]:-}" ] && stmt="$stmt $(sha "${a[$f]}")"; done
stmt="$stmt $(sha "$pub")"
expect="FAKEPROOF $kind $(echo "$stmt" | sha256sum | cut -c1-64)"
if [ "$verb" = prove ]; then
  echo "$expect" > "$proof"
  printf '{"stage": "%s", "statement": "fake %s statement", "inputs": [%s], "outputs": [%s], "public": %s, "public_file": "%s", "proof": "%s", "proof_bytes": %d, "security_bits": 128.0, "parameters": {"fake": true}, "prover_seconds": 0.01}\n' \
    "$kind" "$kind" "$ins_j" "$outs_j" "$(cat "$pub")" "$pub" "$proof" "$(stat -c %s "$proof")"
  exit 0
fi
got=$(cat "$proof")
case "$got" in "FAKEPROOF $kind "*) ;; *) echo "{\"stage\": \"$kind\", \"valid\": false, \"reason\": \"$proof: not a $kind proof\"}"; exit 2 ;; esac
if [ "$got" != "$expect" ]; then
  echo "{\"stage\": \"$kind\", \"valid\": false, \"reason\": \"$proof: proof rejected (statement mismatch)\"}"; exit 1
fi
printf '{"stage": "%s", "valid": true, "reason": "", "security_bits": 128.0, "verify_seconds": 0.001, "inputs": [%s], "outputs": [%s], "public": %s}\n' "$kind" "$ins_j" "$outs_j" "$(cat "$pub")"
EOF
chmod +x fake-stage.sh
cat > fake.json <<'EOF'
{"name": "fake <pipeline> & \"quotes\"", "dataset": "small.csv", "scale_bits": 4,
 "stages": [{"stage": "data"},
  {"stage": "preprocess", "spec": {"format": "zkmlops-pipeline/v1", "label": "label"}},
  {"stage": "train", "spec": {"label": "label", "epochs": 2}},
  {"stage": "eval", "spec": {"label": "label"}},
  {"stage": "infer", "queries": 3},
  {"stage": "monitor", "spec": {"window": 8}, "shift_feature": "b", "shift_factor": 2}]}
EOF
"$zk" data commit other.csv -o other.zkd --quiet >/dev/null
export OTHER_COM=$PWD/other.com
(
  export ZKMLOPS_AUDIT_FAKE_STAGES=$PWD/fake-stage.sh ZKM_REAL=$zk FAKE_SPLIT_CSV=$PWD/split.csv
  expect 0 '"stages": 7' -- "$zk" audit run fake.json -o fb --quiet
  ok test -f fb/manifest.json
  # private files stay out of the bundle
  ok test -z "$(ls fb | grep -E '\.(zkd|zkm)$')"
  ok test -f fb.private/raw.zkd -a -f fb.private/model.zkm
  expect 0 '"_type":\s+"https://in-toto.io/Statement/v1"' -- cat fb/manifest.json
  expect 0 '"predicateType":\s+"https://zkmlops.dev/audit/v1"' -- cat fb/manifest.json
  # every bundle file is a subject (manifest.json itself excepted)
  for f in fb/*; do b=$(basename "$f"); [ "$b" = manifest.json ] && continue
    ok grep -q "\"name\":	\"$b\"" fb/manifest.json; done
  ok test "$(head -c 200 fb/infer_input.json | grep -c input_data)" = 1
  expect 2 "already holds a bundle" -- "$zk" audit run fake.json -o fb --quiet
  expect 0 "✓ data .*✓ preprocess .*" -- bash -c "'$zk' audit verify fb | tr '\n' ' '"
  expect 0 "VALID: all [0-9]+ digests, 7 proofs and the commitment chain hold" -- "$zk" audit verify fb
  expect 0 '"valid": true.*"verify_seconds"' -- "$zk" audit verify fb --json --quiet
  tamper_suite fb eval train
  # report: escaped, self-contained, renders
  expect 0 "" -- "$zk" audit report fb -o fake.html --quiet
  ok grep -q 'fake &lt;pipeline&gt; &amp; &quot;quotes&quot;' fake.html
  ok test "$(grep -c '<script\|src="http\|href="http' fake.html)" = 0
  ok grep -q '<svg class=chain' fake.html
  ok grep -q 'Annex IV 9' fake.html
  rm -rf tr; cp -r fb tr; rm tr/eval_public.json
  expect 1 "" -- "$zk" audit report tr -o bad.html --quiet
  ok grep -q 'Verification failed for 1 of 7 stages' bad.html
  echo "$pass $fail" > counts
)
read -r pass fail < counts

# headless Chromium: the report renders and a screenshot is produced
chromium_bin=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$chromium_bin" ] && [ -f fake.html ]; then
  timeout 120 "$chromium_bin" --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$tmp/shot.png" \
    --window-size=1200,2000 "file://$tmp/fake.html" >/dev/null 2>&1
  ok test -f shot.png
  ok test "$(stat -c %s shot.png 2>/dev/null || echo 0)" -gt 50000   # a blank 1200x2000 PNG is ~10 KB
  ok test "$(head -c 8 shot.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a
else
  echo "SKIP: chromium not installed (tools/install-deps.sh installs it): report rendering not checked"
fi

# ------------------------------------------------------------------ part 2: the real stages
awk -F, 'NR <= 81 {print $1","$2","$3","$5","$7","$8","$31}' "$repo/data/breast_cancer_wisconsin.csv" > bc_slice.csv
cat > slice.json <<'EOF'
{"name": "breast-cancer-slice", "description": "CI: 80 rows, 6 features of the breast-cancer data",
 "dataset": "bc_slice.csv",
 "stages": [{"stage": "data"},
  {"stage": "preprocess", "spec": {"format": "zkmlops-pipeline/v1", "label": "benign",
     "transforms": [{"op": "standardize"}], "split": {"seed": 42, "test_fraction": 0.25}}},
  {"stage": "train", "spec": {"format": "zkmlops-train/v1", "model": "logreg", "epochs": 2,
     "learning_rate": "0.5", "label": "benign"}},
  {"stage": "eval", "spec": {"label": "benign", "positive_class": 1}},
  {"stage": "infer", "queries": 3},
  {"stage": "monitor", "spec": {"format": "zkmlops-monitor/v1", "window_size": 20}}]}
EOF
pipeline=$tmp/slice.json
[ "${ZKM_AUDIT_FULL:-0}" = 1 ] && pipeline="$repo/pipelines/breast_cancer.json"
missing=""
for s in preprocess train eval infer monitor; do
  "$zk" $s prove --help >/dev/null 2>&1 || missing="$missing $s"
done
if [ -n "$missing" ]; then
  echo "SKIP: real-stage audit: not implemented yet:$missing"
  expect 2 "stage [a-z]+: .zkmlops [a-z]+ prove. failed \(exit 2\)" -- "$zk" audit run "$pipeline" -o rb --quiet
  ok test ! -e rb/manifest.json
elif grep -qa __asan_init "$zk" && [ "${ZKM_AUDIT_REAL:-0}" != 1 ]; then
  echo "SKIP: real-stage audit on a sanitizer build (set ZKM_AUDIT_REAL=1 to run it)"
else
  expect 0 '"stages": [0-9]+' -- "$zk" audit run "$pipeline" -o rb --quiet
  expect 0 "VALID" -- "$zk" audit verify rb
  expect 0 '"valid": true' -- "$zk" audit verify rb --json --quiet
  ok test -z "$(ls rb | grep -E '\.(zkd|zkm|log)$')"
  tamper_suite rb eval train
  expect 0 "" -- "$zk" audit report rb -o real.html --quiet
  ok grep -q 'metrics.accuracy.value' real.html
  if [ -n "$chromium_bin" ]; then
    timeout 120 "$chromium_bin" --headless --no-sandbox --disable-gpu --screenshot="$tmp/real.png" \
      --window-size=1200,2000 "file://$tmp/real.html" >/dev/null 2>&1
    ok test "$(stat -c %s real.png 2>/dev/null || echo 0)" -gt 50000
  fi
fi

echo "cli_audit_tests: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
