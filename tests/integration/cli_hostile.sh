#!/usr/bin/env bash
# cli_hostile.sh - hostile input through the command line. Each input goes
# into a committed index of data/kazakhstan/docs.jsonl (or is searched
# against it) and must give the documented exit status and a message that
# says what is wrong, never a crash (no status of 128 or more), and must
# leave the committed index intact (`check --full` clean, the documents
# expected): invalid UTF-8, NUL bytes raw and escaped, empty documents,
# binary junk, a single 1 MB token, a document above --max-doc-size, an
# empty file; queries that are empty, unbalanced, nested thousands deep, a
# megabyte long, or with thousands of clauses; an index from a newer format
# version; an empty directory.
#
# Run by ctest with KZ = the kzsearch binary and KZ_SOURCE_DIR = the repo
# root. Exit 77 (skip) when the binary, python3 or the data is missing. All
# files live in a temporary directory removed on exit; HOME and
# XDG_DATA_HOME point into it so the real default index is never touched.

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_hostile python3 sample
# expect NAME STATUS [PATTERN]: the last command exited STATUS and, when
# given, PATTERN (a fixed string) is in its stderr.
expect() {
  local name=$1 want=$2 pattern=${3:-}
  if [ "$rc" -eq "$want" ] && { [ -z "$pattern" ] || grep -qF -- "$pattern" "$ERR"; }; then
    pass "$name"
  else
    fail "$name (wanted exit $want${pattern:+ and '$pattern'})"
  fi
}
documents() {
  "$KZ" stats -i "$IDX" --json 2>/dev/null |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])' 2>/dev/null
}
# intact NAME COUNT: the index is clean at full depth and holds COUNT documents.
intact() {
  kz check -i "$IDX" --full
  local r=$rc
  local n
  n=$(documents)
  if [ "$r" -eq 0 ] && [ "$n" = "$2" ]; then
    pass "$1: index intact ($n documents)"
  else
    rc=$r
    fail "$1: index not intact (check exit $r, $n documents, expected $2)"
  fi
}

kz index -i "$IDX" "$DATA"
expect "the sample indexes" 0
intact "sample" 5

# ---------------------------------------------------------------- documents
printf '{"id":"u1","body":"bad \xff\xfe bytes and \xc3 half a character"}\n' >"$tmp/utf8.jsonl"
printf '{"id":"u2","title":"escaped \\u0000 nul","body":"text"}\n' >>"$tmp/utf8.jsonl"
kz index -i "$IDX" "$tmp/utf8.jsonl"
expect "invalid UTF-8 and an escaped NUL are indexed" 0
intact "invalid UTF-8" 7

printf '{"id":"n1","body":"raw \x00 nul"}\n{"id":"n2","body":"after the raw nul"}\n' >"$tmp/nul.jsonl"
kz index -i "$IDX" "$tmp/nul.jsonl"
expect "a raw NUL byte: the line is reported and skipped, exit 1" 1 "nul.jsonl:1:"
intact "raw NUL" 8

printf '{"id":"e1","title":"","body":""}\n{"id":"e2"}\n' >"$tmp/empty-docs.jsonl"
kz index -i "$IDX" "$tmp/empty-docs.jsonl"
expect "empty documents are warned about and left out" 0 "has no text"
intact "empty documents" 8

python3 -c '
import random, sys
r = random.Random(42)
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(200000)))' >"$tmp/junk.bin"
kz index -i "$IDX" "$tmp/junk.bin"
expect "binary junk: lines reported as malformed, exit 1" 1 "junk.bin:1:"
intact "binary junk" 8

python3 -c 'import json; print(json.dumps({"id": "tok", "body": "x" * 1048576}))' >"$tmp/token.jsonl"
kz index -i "$IDX" "$tmp/token.jsonl"
expect "a single 1 MB token: the document is indexed" 0
intact "1 MB token" 9

python3 -c 'import json; print(json.dumps({"id": "big", "body": "word " * 300000}))' >"$tmp/big.jsonl"
kz index -i "$IDX" --max-doc-size 1M "$tmp/big.jsonl"
expect "a document above --max-doc-size is reported, exit 1" 1 "the limit is 1048576"
intact "oversized document" 9

: >"$tmp/nothing.jsonl"
kz index -i "$IDX" "$tmp/nothing.jsonl"
expect "an empty file indexes nothing" 0
intact "empty file" 9

# ---------------------------------------------------------------- queries
kz -i "$IDX" ""
expect "an empty query" 2 "empty query"
kz -i "$IDX" "((kazakhstan"
expect "an unbalanced query" 2 "never closed"
kz -i "$IDX" "kazakhstan)"
expect "a stray closing parenthesis" 2 "query error"
deep=$(python3 -c 'print("(" * 5000 + "a" + ")" * 5000)')
kz -i "$IDX" "$deep"
expect "a query nested 5000 deep" 2 "nests deeper than"
chunk=$(python3 -c 'print("word " * 18000)')
kz -i "$IDX" "$chunk" "$chunk" "$chunk" "$chunk" "$chunk" "$chunk" "$chunk" "$chunk" "$chunk" \
  "$chunk" "$chunk" "$chunk"
expect "a megabyte-long query" 2 "the limit is 65536"
wide=$(python3 -c 'print(" OR ".join("w%d" % i for i in range(3000)))')
kz -i "$IDX" "$wide"
expect "a query of 3000 clauses" 2 "more than 1024 clauses"
kz -i "$IDX" '"unterminated phrase'
expect "an unterminated phrase" 2 "query error"
kz -i "$IDX" 'a*'
expect "a one-letter prefix is an error" 2 "needs at least 2 letters"
kz -i "$IDX" 'tokaev~9'
expect "~9 is an error" 2 "takes ~0, ~1, ~2"
kz -i "$IDX" 'tokaev~-1'
expect "~-1 is an error" 2 "takes ~0, ~1, ~2"
many=$(python3 -c 'print(" ".join("kazakh%03d~2" % i for i in range(1000)))')
start=$(date +%s)
kz -i "$IDX" --count "$many"
took=$(($(date +%s) - start))
if { [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; } && [ "$took" -lt 60 ]; then
  pass "1,000 fuzzy words in one query run in bounded time (exit $rc, ${took}s)"
else fail "1,000 fuzzy words in one query (${took}s)"; fi
# syntax of other engines is refused with a caret, never searched as other words
kz -i "$IDX" '""~'
expect "a phrase's ~ without a slop" 2 "needs a slop from 0 to"
grep -qxF '    ^' "$ERR" && pass "the caret stands under the ~" || fail "the caret stands under the ~"
kz -i "$IDX" '"a"~-1'
expect "a negative slop" 2 "needs a slop"
kz -i "$IDX" 'troops NEAR/999999 almaty'
expect "a NEAR window beyond the limit" 2 "NEAR/N needs a window N from 1 to"
kz -i "$IDX" 'peace^2'
expect "a boost" 2 "boosts (a^2) are not supported"
kz -i "$IDX" '[a TO b]'
expect "a range outside date:" 2 "work only on dates"
kz -i "$IDX" '*stan'
expect "a leading wildcard" 2 "leading wildcards are not supported"
kz -i "$IDX" 'tok?yev'
expect "a one-letter wildcard inside a word" 2 "one-letter wildcards (tok?yev) are not supported"
kz -i "$IDX" 'tokayev?'
expect "a question mark that ends a word is punctuation" 0
# Lucene's spellings of the operators mean the operators, not words that
# analyse away: each counts as our operator and not as the words alone (the
# mode is the one where the two readings differ).
count_of() { "$KZ" search -i "$IDX" --count $1 -- "$2" 2>/dev/null; }
for case in ';troops && almaty;troops AND almaty;troops almaty' \
  '--and;csto || almaty;csto OR almaty;csto almaty' ';troops !almaty;troops NOT almaty;troops almaty'; do
  IFS=';' read -r mode lucene ours words <<<"$case"
  a=$(count_of "$mode" "$lucene") b=$(count_of "$mode" "$ours") c=$(count_of "$mode" "$words")
  if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$b" != "$c" ]; then pass "'$lucene' counts as '$ours' ($a, not $c)"
  else fail "'$lucene' gave '$a', '$ours' '$b', the words alone '$c'"; fi
done
big=$(python3 -c 'print("\"" + " ".join(["kazakhstan", "almaty"] * 30) + "\"~100000")')
kz -i "$IDX" "$big"
if [ "$rc" -le 1 ]; then pass "a 60-word phrase of slop 100000 runs (exit $rc)"; else fail "a 60-word phrase of slop 100000"; fi
near=$(python3 -c 'print(" NEAR/100000 ".join(["kazakhstan", "almaty", "troops"] * 20))')
kz -i "$IDX" "$near"
if [ "$rc" -le 1 ]; then pass "a NEAR of 60 words runs (exit $rc)"; else fail "a NEAR of 60 words"; fi
kz -i "$IDX" '"troops almaty"~5'
if [ "$rc" -eq 0 ] && [ "$(grep -cE '^ *[0-9]+\. .*seed-00[012]' "$OUT")" = 3 ] &&
  [ "$(grep -cE '^ *[0-9]+\. ' "$OUT")" = 3 ]; then
  pass '"troops almaty"~5 finds seed-000, seed-001 and seed-002 (within slop 5, in either order)'
else
  fail '"troops almaty"~5 finds seed-000, seed-001 and seed-002'
fi
kz -i "$IDX" --json -k 1 'troops NEAR/5 almaty'
if [ "$rc" -eq 0 ] && python3 -c 'import json,sys; h=json.loads(open(sys.argv[1]).readline()); sys.exit(0 if h["highlights"] else 1)' "$OUT"; then
  pass "a NEAR hit has its words highlighted"
else
  fail "a NEAR hit has its words highlighted"
fi
kz -i "$IDX" $'bad \xff utf8 query'
if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; then pass "a query with invalid UTF-8 exits $rc"; else fail "a query with invalid UTF-8"; fi
intact "after the queries" 9

# ---------------------------------------------------------------- indexes
mkdir "$tmp/emptydir"
kz -i "$tmp/emptydir" kazakhstan
expect "search in an empty directory" 2 "no index at"
kz check -i "$tmp/emptydir"
expect "check of an empty directory" 2 "no index at"

cp -R "$IDX" "$tmp/newer"
printf '\x09\x00\x00\x00' | dd of="$tmp/newer/MANIFEST" bs=1 seek=4 conv=notrunc 2>/dev/null
kz -i "$tmp/newer" kazakhstan
expect "an index of a newer format" 2 "this index has format v9; this kzsearch reads up to v"
kz index -i "$tmp/newer" "$DATA"
expect "a writer refuses the newer index too" 2 "format v9"
kz check -i "$tmp/newer"
if [ "$rc" -eq 1 ] || [ "$rc" -eq 2 ]; then pass "check reports the newer index (exit $rc)"; else fail "check of a newer index"; fi

cli_test_summary
