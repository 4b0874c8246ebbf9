#!/usr/bin/env bash
# cli_highlight.sh - what --json marks as matched, on the sample articles
# (data/kazakhstan/docs.jsonl): phrase occurrences only, never a phrase's word
# alone; title matches as well as snippet matches; nothing from a group that
# did not match. With $KZ_SHARED_DIR/corpora/reuters21578 present (and zstd),
# also the '"crude oil" OPEC' case of issue 11 on Reuters; skipped otherwise.
#
# The checks read the original articles to know what should be marked, so
# they hold for any ranking and snippet window.

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_highlight python3 sample

kz index -i "$IDX" "$DATA"
check "index exits 0" test "$rc" -eq 0

# marks QUERY PYTHON-CHECK: runs the query with --json and then the check,
# which sees `hits` (the hit objects), `docs` (id -> article), `piece(s, span)`
# (the marked text, white space collapsed) and `norm(s)`, and fails by assert.
marks() {
  kz -i "$IDX" -k 10 --json "$1"
  [ "$rc" -eq 0 ] || return 1
  python3 - "$OUT" "$DATA" "$2" <<'PY'
import json, re, sys
out, data, check = sys.argv[1:]
docs = {}
for line in open(data, encoding="utf-8"):
    d = json.loads(line)
    docs[d["id"]] = d
hits = [h for h in map(json.loads, open(out, encoding="utf-8")) if h["type"] == "hit"]
assert hits, "no hits"
def norm(s):
    return re.sub(r"\s+", " ", s).strip().lower()
def piece(s, span):
    b = s.encode("utf-8")
    assert 0 <= span[0] < span[1] <= len(b), span
    return norm(b[span[0]:span[1]].decode("utf-8"))
exec(check)
PY
}

check "a phrase is marked only where it occurs as the phrase" marks '"state of emergency"' '
n = 0
for h in hits:
    for sp in h["highlights"]:
        assert re.fullmatch(r"states? of emergency", piece(h["snippet"], sp)), piece(h["snippet"], sp)
        n += 1
    assert h["title_highlights"] == [] and "emergency" not in h["title"].lower()
assert n >= len(hits), n
'

check "title matches are marked, each occurrence" marks 'kazakhstan unrest' '
words = re.compile(r"\b(kazakhstan(?:\x27s)?|unrest)\b", re.I)
titled = 0
for h in hits:
    marked = [piece(h["title"], sp) for sp in h["title_highlights"]]
    assert marked == [m.group(0).lower() for m in words.finditer(h["title"])], (marked, h["title"])
    titled += bool(marked)
    for sp in h["highlights"]:
        assert words.fullmatch(piece(h["snippet"], sp)), piece(h["snippet"], sp)
assert titled >= 3, titled
'

check "a phrase in a title is marked as one span" marks '"peacekeeping forces"' '
h = hits[0]
assert [piece(h["title"], sp) for sp in h["title_highlights"]] == ["peacekeeping forces"], h
assert "peacekeeping forces" in [piece(h["snippet"], sp) for sp in h["highlights"]], h
'

check "nothing is marked from a group that did not match" marks 'almaty OR (unrest AND NOT curfew)' '
for h in hits:
    text = (docs[h["id"]]["title"] + " " + docs[h["id"]]["body"]).lower()
    marked = [piece(h["title"], sp) for sp in h["title_highlights"]] + \
             [piece(h["snippet"], sp) for sp in h["highlights"]]
    assert "curfew" not in marked, marked
    if "curfew" in text:
        assert set(marked) <= {"almaty"}, (h["id"], marked)
    elif "unrest" in h["snippet"].lower():
        assert "unrest" in marked, (h["id"], marked)
assert any("curfew" in (docs[h["id"]]["body"]).lower() for h in hits)
'

# A title with invalid UTF-8: each bad subpart is one U+FFFD in the output,
# and the spans index that output.
mkdir -p "$tmp/bad"
printf 'Bad \xff\xfe title: crude oil\n\nThe crude oil body \xc3 oil.\n' >"$tmp/bad/a.txt"
kz index -i "$tmp/bad-idx" "$tmp/bad"
check "an article with invalid UTF-8 indexes" test "$rc" -eq 0
kz -i "$tmp/bad-idx" --json oil
check "title spans index the decoded title" python3 - "$OUT" <<'PY'
import json, sys
h = json.loads(open(sys.argv[1], encoding="utf-8").readline())
assert h["title"] == "Bad \ufffd\ufffd title: crude oil", h["title"]
for field, spans in (("title", h["title_highlights"]), ("snippet", h["highlights"])):
    b = h[field].encode("utf-8")
    assert spans and all(b[s:e] == b"oil" for s, e in spans), (field, spans)
PY

# ---------------------------------------------------------------- Reuters
REUTERS="${KZ_SHARED_DIR:-}/corpora/reuters21578/docs.jsonl.zst"
if [ -n "${KZ_SHARED_DIR:-}" ] && [ -f "$REUTERS" ] && command -v zstd >/dev/null 2>&1; then
  zstd -qdc "$REUTERS" >"$tmp/reuters.jsonl"
  kz index -i "$tmp/reuters" "$tmp/reuters.jsonl"
  check "Reuters indexes" test "$rc" -eq 0
  kz -i "$tmp/reuters" -k 400 --json '"crude oil" OPEC'
  check "Reuters: no lone 'oil' is marked for '\"crude oil\" OPEC'" python3 - "$OUT" <<'PY'
import json, re, sys
hits = [h for h in map(json.loads, open(sys.argv[1], encoding="utf-8")) if h["type"] == "hit"]
assert len(hits) > 100, len(hits)
ok = re.compile(r"crude\W+oils?|opec(\W?s)?", re.I)  # stemmed: "crude oils", "OPEC's"
titled = 0
for h in hits:
    for field, spans in (("snippet", h["highlights"]), ("title", h["title_highlights"])):
        b = h[field].encode("utf-8")
        for s, e in spans:
            assert ok.fullmatch(b[s:e].decode("utf-8")), (h["id"], b[s:e])
    titled += bool(h["title_highlights"])
assert titled > 10, titled
PY
else
  echo "skip: Reuters case ($REUTERS or zstd missing)"
fi

cli_test_summary
