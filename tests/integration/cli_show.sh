#!/usr/bin/env bash
# cli_show.sh - reading a hit whole: `kzsearch show ID [--json]` prints the
# stored article (text and JSON), says so when no live document has the id
# (exit 1), follows replacements and deletions, and search hits carry the
# url in the text output and in --json.
#
# Run by ctest with KZ = the kzsearch binary; exit 77 (skip) without it or
# without python3.

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_show python3

python3 - "$tmp/docs.jsonl" <<'PY'
import json, sys
docs = [
    {"id": "a1", "title": "Almaty airport reopens", "date": "2022-01-10",
     "url": "https://example.org/almaty-airport",
     "body": "Flights resumed on Monday.\n\nThe airport had been closed \u001b[31msince\u001b[0m Wednesday."},
    {"id": "b2", "title": "Astana weather", "body": "Snow in Astana."},
    {"id": "-dash", "title": "An id with a dash", "body": "Dashes are fine."},
]
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for d in docs:
        f.write(json.dumps(d) + "\n")
PY
kz index -i "$IDX" "$tmp/docs.jsonl"
check "index exits 0" test "$rc" -eq 0

# ---------------------------------------------------------------- text
kz show -i "$IDX" a1
check "show exits 0" test "$rc" -eq 0
same "header lines, then a blank line" "$(head -5 "$OUT")" "$(printf '%s\n' \
  'id     a1' 'title  Almaty airport reopens' 'date   2022-01-10' \
  'url    https://example.org/almaty-airport' '')"
check "the body keeps its paragraphs" grep -qx "Flights resumed on Monday." "$OUT"
check "... and its blank line" test "$(sed -n 7p "$OUT")" = ""
check "terminal escapes in the body are not passed on" bash -c "! grep -q $'\033' '$OUT'"
check "the body's last line" grep -q "closed  \[31msince \[0m Wednesday.$" "$OUT"
check "nothing on stderr" test ! -s "$ERR"
kz show -i "$IDX" b2
check "absent date and url are left out" bash -c "! grep -qE '^(date|url) ' '$OUT'"
kz show -i "$IDX" -- -dash
check "an id starting with '-' after --" grep -qx "id     -dash" "$OUT"

# ---------------------------------------------------------------- JSON
kz show -i "$IDX" --json a1
check "show --json: one object with every field" python3 - "$OUT" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) == 1, lines
d = json.loads(lines[0])
assert d == {"type": "document", "id": "a1", "title": "Almaty airport reopens",
             "date": "2022-01-10", "url": "https://example.org/almaty-airport",
             "body": "Flights resumed on Monday.\n\nThe airport had been closed "
                     "\u001b[31msince\u001b[0m Wednesday."}, d
PY
kz show --json -i "$IDX" b2
check "show --json: absent date and url are null" python3 -c '
import json, sys
d = json.loads(open(sys.argv[1]).read())
assert d["date"] is None and d["url"] is None and d["body"] == "Snow in Astana.", d' "$OUT"

# ---------------------------------------------------------------- not found, usage
kz show -i "$IDX" nope
check "unknown id: exit 1" test "$rc" -eq 1
check "... a message naming it on stderr" grep -q "no document with id 'nope'" "$ERR"
check "... nothing on stdout" test ! -s "$OUT"
kz show -i "$IDX"
check "no ID: exit 2 with usage" test "$rc" -eq 2
check "... says so" grep -q "show: no ID given" "$ERR"
kz show -i "$IDX" a1 b2
check "two IDs: exit 2" test "$rc" -eq 2
kz show -i "$tmp/none" a1
check "no index: exit 2" test "$rc" -eq 2

# ---------------------------------------------------------------- replaced, deleted
printf '%s\n' '{"id":"a1","title":"Almaty airport reopens","body":"Second version."}' \
  >"$tmp/v2.jsonl"
kz index -i "$IDX" "$tmp/v2.jsonl"
kz show -i "$IDX" a1
check "a replaced document shows its new version" grep -qx "Second version." "$OUT"
check "... without the old url" bash -c "! grep -q '^url ' '$OUT'"
kz delete -i "$IDX" b2
kz show -i "$IDX" b2
check "a deleted document is not found" test "$rc" -eq 1

# ---------------------------------------------------------------- urls in hits
kz index -i "$IDX" "$tmp/docs.jsonl" # a1 has its url again
kz -i "$IDX" airport
check "a hit shows its url" grep -qx "   https://example.org/almaty-airport" "$OUT"
kz -i "$IDX" --json airport dashes
check "--json hits carry url, or null" python3 -c '
import json, sys
hits = {h["id"]: h for h in map(json.loads, open(sys.argv[1])) if h["type"] == "hit"}
assert hits["a1"]["url"] == "https://example.org/almaty-airport", hits
assert hits["-dash"]["url"] is None, hits' "$OUT"

kz --help
check "--help names show" grep -q "kzsearch show \[-i DIR\] \[--json\] \[--\] ID" "$OUT"

cli_test_summary
