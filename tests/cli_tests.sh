#!/usr/bin/env bash
# CLI golden tests: exit code and a stderr/stdout pattern per case, on the
# bundled dataset and on hostile inputs. Prints "N passed, N failed".
set -u
build=${1:-build}
case "$build" in /*) zk="$build/zkmlops" ;; *) zk="$PWD/$build/zkmlops" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0

# expect CODE PATTERN -- command...   (PATTERN is a grep -E regex over stdout+stderr; "" = any)
expect() {
  local code=$1 pat=$2; shift 3
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" -eq "$code" ] && { [ -z "$pat" ] || grep -Eq -- "$pat" <<<"$out"; }; then
    pass=$((pass+1))
  else
    fail=$((fail+1))
    echo "FAIL: $* -> exit $rc (want $code), output:"; echo "$out" | head -5 | sed 's/^/    /'
    [ -n "$pat" ] && echo "    (wanted pattern: $pat)"
  fi
}

# expect_reject PATTERN -- command...: a tampered file must be refused: exit 1 (proof rejected)
# or 2 (malformed input), never 0, never a crash; the message must match PATTERN.
expect_reject() {
  local pat=$1; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if { [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; } && grep -Eq -- "$pat" <<<"$out"; then
    pass=$((pass+1))
  else
    fail=$((fail+1))
    echo "FAIL (want exit 1 or 2): $* -> exit $rc, output:"; echo "$out" | head -5 | sed 's/^/    /'
  fi
}

cd "$tmp" || exit 1
cp "$OLDPWD/data/breast_cancer_wisconsin.csv" bc.csv

# help and usage
expect 0 "Usage: zkmlops" -- "$zk" --help
expect 2 "Usage: zkmlops" -- "$zk"
expect 2 "unknown command" -- "$zk" frobnicate
expect 0 "Usage: zkmlops data commit" -- "$zk" data commit --help
expect 0 "Usage: zkmlops stats prove" -- "$zk" stats prove --help
expect 0 "Usage: zkmlops stats verify" -- "$zk" stats verify --help
expect 0 "Usage: zkmlops params" -- "$zk" params --help
expect 2 "missing -o" -- "$zk" data commit bc.csv
expect 2 "unknown verb" -- "$zk" stats frob

# the main job
expect 0 '"commitment": "bc.com"' -- "$zk" data commit bc.csv -o bc.zkd --quiet
[ -f bc.zkd ] && [ -f bc.com ] && pass=$((pass+1)) || { fail=$((fail+1)); echo "FAIL: bc.zkd/bc.com missing"; }
expect 0 '"proof_bytes"' -- "$zk" stats prove --data bc.zkd -o stats.zkp --output stats.json --quiet
expect 0 "VALID" -- "$zk" stats verify --commitment bc.com --output stats.json stats.zkp
expect 0 '"valid": true' -- "$zk" stats verify --commitment bc.com --output stats.json stats.zkp --json --quiet
expect 0 "mean_radius +569 +8038\.[0-9]+ +14\.12" -- "$zk" stats verify --commitment bc.com --output stats.json stats.zkp --quiet
expect 0 '"total_bits"' -- "$zk" params --json
expect 0 "total: 1[2-9][0-9]\.[0-9]+ bits" -- "$zk" params --vars 16

# bad CSV input: exit 2, file and problem named, no output left behind
printf 'a,b\n1,2\n3\n' > ragged.csv
expect 2 "ragged.csv:3: expected 2 fields" -- "$zk" data commit ragged.csv -o r.zkd
printf 'a,b\n1,zz\n' > nonnum.csv
expect 2 "nonnum.csv:2: field 2 \(b\) 'zz': not a number" -- "$zk" data commit nonnum.csv -o n.zkd
: > empty.csv
expect 2 "empty.csv: empty file" -- "$zk" data commit empty.csv -o e.zkd
expect 2 "missing.csv: cannot open" -- "$zk" data commit missing.csv -o m.zkd
for f in r.zkd r.com n.zkd n.com e.zkd e.com m.zkd m.com; do
  [ -e "$f" ] && { fail=$((fail+1)); echo "FAIL: partial output $f left behind"; } || pass=$((pass+1))
done

# bad proof / commitment / statement files
expect 2 "nope.zkp: cannot open" -- "$zk" stats verify --commitment bc.com --output stats.json nope.zkp
head -c 1000 /dev/urandom > junk.zkp
expect 2 "junk.zkp: not a zkmlops proof file" -- "$zk" stats verify --commitment bc.com --output stats.json junk.zkp
size=$(stat -c %s stats.zkp)
for off in 200 $((size / 3)) $((size / 2)) $((size - 40)); do
  cp stats.zkp flip.zkp
  printf '\xA5' | dd of=flip.zkp bs=1 seek="$off" conv=notrunc status=none
  expect_reject "flip.zkp: " -- "$zk" stats verify --commitment bc.com --output stats.json flip.zkp
done
head -c $((size / 2)) stats.zkp > trunc.zkp
expect 2 "trunc.zkp: (proof truncated|section .* declares)" -- "$zk" stats verify --commitment bc.com --output stats.json trunc.zkp
head -c 100 bc.com > trunc.com
expect 2 "trunc.com: " -- "$zk" stats verify --commitment trunc.com --output stats.json stats.zkp
expect 2 "bc.zkd: not a zkmlops commitment file" -- "$zk" stats verify --commitment bc.zkd --output stats.json stats.zkp
# another commitment to the same data (fresh randomness): the proof does not transfer
"$zk" data commit bc.csv -o bc2.zkd --quiet >/dev/null
expect 1 "not this one|different dataset commitment" -- "$zk" stats verify --commitment bc2.com --output stats.json stats.zkp
# edited statement values
sed '0,/"mean_fixed":[[:space:]]*"[0-9]*"/s//"mean_fixed": "1"/' stats.json > edited.json
expect 1 "mean_fixed does not follow" -- "$zk" stats verify --commitment bc.com --output edited.json stats.zkp
sed '0,/"sum_fixed":[[:space:]]*"\([0-9]*\)"/s//"sum_fixed": "1\1"/' stats.json > edited2.json
expect 1 "" -- "$zk" stats verify --commitment bc.com --output edited2.json stats.zkp
sed '0,/"sum_fixed":[[:space:]]*"[0-9]*"/s//"sum_fixed": 12/' stats.json > badtype.json
expect 2 '\$\.columns\[0\]\.sum_fixed: expected a decimal integer string' -- "$zk" stats verify --commitment bc.com --output badtype.json stats.zkp
printf '{"format": ' > broken.json
expect 2 "broken.json: not valid JSON" -- "$zk" stats verify --commitment bc.com --output broken.json stats.zkp
# proving from a non-private file, and no partial proof left behind
expect 2 "bc.com: not a zkmlops private dataset file" -- "$zk" stats prove --data bc.com -o x.zkp --output x.json
[ -e x.zkp ] || [ -e x.json ] && { fail=$((fail+1)); echo "FAIL: partial proof output"; } || pass=$((pass+1))

# run-time limits on declared sizes (limits.h): lowered by option or environment, named in the message
expect 2 "bc.csv:102: more than 100 data rows \(limit csv_rows\)" -- "$zk" --limit csv_rows=100 data commit bc.csv -o lim.zkd
expect 2 "over the limit file_bytes = 1024" -- env ZKMLOPS_LIMITS=file_bytes=1k "$zk" data commit bc.csv -o lim.zkd
expect 2 "limit 'foo': unknown name" -- env ZKMLOPS_LIMITS=foo=1 "$zk" limits
expect 2 "over the compiled maximum" -- "$zk" --limit csv_rows=2G limits
expect 2 "proof.* over the limit file_bytes|stats.zkp: file is" -- "$zk" --limit proof_bytes=1000 stats verify --commitment bc.com --output stats.json stats.zkp
expect 0 '"csv_rows": \{"value": 100,' -- "$zk" --limit csv_rows=100 limits --json
[ -e lim.zkd ] || [ -e lim.com ] && { fail=$((fail+1)); echo "FAIL: partial commit output"; } || pass=$((pass+1))

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
