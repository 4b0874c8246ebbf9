#!/usr/bin/env bash
# cli_basic.sh - end-to-end checks of the kzsearch command line: indexing,
# search (human, --json, --count), exit statuses, error messages, the index
# location rules and stats, against data/kazakhstan/docs.jsonl.
#
# Run by ctest with KZ = the kzsearch binary and KZ_SOURCE_DIR = the repo
# root. Exit 77 (skip) when the binary, python3 or the data is missing. All
# files live in a temporary directory removed on exit; HOME and
# XDG_DATA_HOME point into it so the real default index is never touched.

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_basic python3 sample
IDX="$tmp/deep/er/idx" # missing parents: index must create them
# JSON helpers, reading $OUT.
json_lines_ok() {
  python3 - "$OUT" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert lines, "no output"
objs = [json.loads(l) for l in lines]
*hits, summary = objs
# After the hits, what the search added to the query (acronyms), if anything.
if hits and hits[-1]["type"] == "expansions":
    for e in hits.pop()["expansions"]:
        assert isinstance(e["from"], str) and isinstance(e["to"], str) and e["docs"] >= 1, e
assert summary["type"] == "summary" and isinstance(summary["total"], int), summary
assert isinstance(summary["elapsed_us"], int)
for rank, h in enumerate(hits, 1):
    assert h["type"] == "hit" and h["rank"] == rank, h
    assert isinstance(h["id"], str) and isinstance(h["score"], (int, float))
    assert isinstance(h["title"], str) and isinstance(h["snippet"], str)
    assert h["date"] is None or isinstance(h["date"], str)
    for s, e in h["highlights"]:
        assert 0 <= s < e <= len(h["snippet"].encode("utf-8")), (s, e)
assert summary["total"] >= len(hits)
PY
}
top2_is_seed_001_002() {
  python3 - "$OUT" <<'PY'
import json, sys
hits = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
ids = [h["id"] for h in hits if h["type"] == "hit"][:2]
sys.exit(0 if sorted(ids) == ["seed-001", "seed-002"] else 1)
PY
}
stats_documents() { # prints the "documents" field of a stats --json object
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["documents"])' "$OUT"
}

# ---------------------------------------------------------------- index
kz index -i "$IDX" "$DATA"
check "index exits 0" test "$rc" -eq 0
check "index summary names 5 documents" grep -q "^indexed 5 documents from .*B in .* s, .* MB/s into " "$ERR"
check "index created the missing parent directories" test -d "$IDX"
check "index prints nothing on stdout" test ! -s "$OUT"

# ---------------------------------------------------------------- search
kz -i "$IDX" "CSTO peacekeeping"
check "bare search exits 0" test "$rc" -eq 0
check "human output starts with rank, score, id" grep -qE '^1\. [0-9]+\.[0-9]+  seed-00[12]' "$OUT"
check "human output has no escape codes off a terminal" bash -c "! grep -q $'\033' '$OUT'"
check "summary on stderr" grep -qE '^[0-9]+ match(es)?, showing 1-[0-9]+ \([0-9.]+ ms\)$' "$ERR"

kz search -i "$IDX" --json CSTO peacekeeping
check "search --json exits 0" test "$rc" -eq 0
check "seed-001 and seed-002 are the top 2 for 'CSTO peacekeeping'" top2_is_seed_001_002
check "--json lines all parse" json_lines_ok

kz search -i "$IDX" --json -k 100 kazakhstan
check "--json -k 100 lines all parse" json_lines_ok

kz search -i "$IDX" --json -k 2 --offset 1 kazakhstan
check "--offset: ranks count from offset+1" python3 -c '
import json,sys
h=[json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if [x["rank"] for x in h if x["type"]=="hit"]==[2,3] else 1)' "$OUT"

expected=$(python3 - "$DATA" <<'PY'
import json, re, sys
pat = re.compile(r"\bstates?\s+of\s+emergency\b")
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    if line.strip():
        d = json.loads(line)
        if pat.search((d.get("title", "") + " " + d.get("body", "")).lower()):
            n += 1
print(n)
PY
)
kz -i "$IDX" --count '"state of emergency"'
check "--count exits 0" test "$rc" -eq 0
check "--count \"state of emergency\" = $expected (brute force)" test "$(cat "$OUT")" = "$expected"

kz -i "$IDX" zzqqxxnotaword
check "no match exits 1" test "$rc" -eq 1
check "no match prints no hits" test ! -s "$OUT"
kz -i "$IDX" --count zzqqxxnotaword
check "--count with no match prints 0 and exits 1" test "$rc" -eq 1 -a "$(cat "$OUT")" = 0

kz -i "$IDX" -- -zzqqxxnotaword kazakhstan
check "-- lets a query start with '-'" test "$rc" -eq 0
kz -i "$IDX" -zzqq kazakhstan
check "unknown option before -- exits 2" test "$rc" -eq 2
check "unknown option is named" grep -q "unknown option '-zzqq'" "$ERR"

# ---------------------------------------------------------------- errors
kz -i "$tmp/nowhere" "CSTO"
check "missing index exits 2" test "$rc" -eq 2
check "missing index message names the path" grep -qF "$tmp/nowhere" "$ERR"
check "missing index message says how to build one" grep -q "kzsearch index" "$ERR"
check "search does not create the index directory" test ! -e "$tmp/nowhere"

kz -i "$IDX" '(a'
check "malformed query exits 2" test "$rc" -eq 2
check "malformed query: 'query error' message" grep -q "^kzsearch: query error: " "$ERR"
check "malformed query: caret line" grep -qE '^ *\^$' "$ERR"

for bad in 0 abc -1 5x ""; do
  kz -i "$IDX" -k "$bad" kazakhstan
  check "-k '$bad' exits 2" test "$rc" -eq 2
done
kz -i "$IDX" --offset -1 kazakhstan
check "--offset -1 exits 2" test "$rc" -eq 2
kz -i "$IDX" -k
check "-k without a value exits 2" test "$rc" -eq 2
kz
check "no arguments exit 2 with usage on stderr" test "$rc" -eq 2 -a ! -s "$OUT"
check "no arguments: usage on stderr" grep -q "Usage:" "$ERR"
kz --frobnicate
check "unknown option exits 2" test "$rc" -eq 2
kz index -i "$IDX"
check "index without PATH exits 2" test "$rc" -eq 2
kz index -i "$tmp/idx-nofile" "$tmp/does-not-exist.jsonl"
check "index of a missing file exits 2" test "$rc" -eq 2
check "index of a missing file names it" grep -qF "does-not-exist.jsonl" "$ERR"
kz index -i "$tmp/idx-mem" --memory 12Q "$DATA"
check "--memory 12Q exits 2" test "$rc" -eq 2
kz index -i "$tmp/idx-mem" --memory 64M "$DATA"
check "--memory 64M is accepted" test "$rc" -eq 0

# ---------------------------------------------------------------- help, version
kz --help
check "--help exits 0 with usage on stdout" test "$rc" -eq 0 -a -s "$OUT"
check "--help documents the query syntax and exit codes" \
  bash -c "grep -q 'Query syntax' '$OUT' && grep -q 'Exit status' '$OUT' && grep -q KZSEARCH_INDEX '$OUT'"
kz help
check "help exits 0" test "$rc" -eq 0
kz search --help
check "search --help exits 0" test "$rc" -eq 0
kz --version
check "--version prints 'kzsearch VERSION'" grep -qE '^kzsearch [0-9]+\.[0-9]+' "$OUT"

# ---------------------------------------------------------------- index location
KZSEARCH_INDEX="$IDX" "$KZ" "CSTO peacekeeping" >"$OUT" 2>"$ERR"
rc=$?
check "KZSEARCH_INDEX is used without -i" test "$rc" -eq 0
KZSEARCH_INDEX="$IDX" "$KZ" stats --json >"$OUT" 2>"$ERR"
check "KZSEARCH_INDEX is used by stats" test "$(stats_documents 2>/dev/null)" = 5

kz index "$DATA" # no -i, no KZSEARCH_INDEX: $XDG_DATA_HOME/kzsearch
check "index without -i uses \$XDG_DATA_HOME/kzsearch" test "$rc" -eq 0 -a -d "$XDG_DATA_HOME/kzsearch"
kz -k 1 CSTO
check "search without -i finds the \$XDG_DATA_HOME index" test "$rc" -eq 0
env -u XDG_DATA_HOME "$KZ" stats >"$OUT" 2>"$ERR"
rc=$?
check "without XDG_DATA_HOME: \$HOME/.local/share/kzsearch (missing, exit 2)" test "$rc" -eq 2
check "... and the message names it" grep -qF "$HOME/.local/share/kzsearch" "$ERR"

# ---------------------------------------------------------------- stats
kz stats -i "$IDX" --json
check "stats --json exits 0" test "$rc" -eq 0
check "stats --json parses and documents == 5" test "$(stats_documents 2>/dev/null)" = 5
kz stats -i "$IDX"
check "stats (human) exits 0 and shows documents" grep -qE '^documents +5$' "$OUT"

# ---------------------------------------------------------------- stdin, --rebuild
"$KZ" index -i "$tmp/idx-stdin" - <"$DATA" >"$OUT" 2>"$ERR"
rc=$?
check "index - reads stdin" test "$rc" -eq 0
kz stats -i "$tmp/idx-stdin" --json
check "stdin index holds 5 documents" test "$(stats_documents 2>/dev/null)" = 5
head -n 2 "$DATA" >"$tmp/two.jsonl"
kz index -i "$tmp/idx-stdin" --rebuild "$tmp/two.jsonl"
kz stats -i "$tmp/idx-stdin" --json
check "--rebuild replaces the index" test "$(stats_documents 2>/dev/null)" = 2

# ---------------------------------------------------------------- malformed records
{
  head -n 1 "$DATA"
  echo '{"id": "broken", "title": "no closing brace"'
  sed -n 2p "$DATA"
} >"$tmp/bad.jsonl"
kz index -i "$tmp/idx-bad" "$tmp/bad.jsonl"
check "index with a malformed line exits 1" test "$rc" -eq 1
check "the malformed line is reported as FILE:LINE" grep -qF "bad.jsonl:2:" "$ERR"
check "the summary counts the skipped record" grep -q "skipped 1 malformed or oversized record" "$ERR"
kz stats -i "$tmp/idx-bad" --json
check "the good records were committed" test "$(stats_documents 2>/dev/null)" = 2

# ---------------------------------------------------------------- pipes
"$KZ" -i "$IDX" -k 100 kazakhstan 2>"$ERR" | head -n 1 >"$OUT"
check "| head -1: one line out" test "$(wc -l <"$OUT")" -eq 1
check "| head -1: no error output" bash -c "! grep -qiE 'kzsearch:|broken pipe|error' '$ERR'"
"$KZ" -i "$IDX" --json -k 100 kazakhstan 2>"$ERR" | head -n 1 >"$OUT"
check "--json | head -1: nothing on stderr" test ! -s "$ERR"

cli_test_summary
