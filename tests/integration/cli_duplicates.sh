#!/usr/bin/env bash
# cli_duplicates.sh - syndicated copies (README.md, "Syndicated copies"):
# the five sample articles (five write-ups of one event, not copies) stay
# apart; copies made by lib/syndicate.py (new headline, a paragraph dropped
# or added, a footer) group with their originals in `kzsearch duplicates`
# and fold into one hit in searches ("+N similar", "similar" in --json,
# --no-collapse shows them all, the total counts every copy, pages stay
# consistent); one document repeated 10,000 times is one group, in bounded
# time; check --full finds a damaged simhash file. With ../shared, the same
# on 500 BBC articles: recall of the copies >= 0.95.
set -u
. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_duplicates python3 sample
LIB="$(dirname "$0")/lib"

# The sample alone: no group.
kz index -i "$IDX" "$DATA"
kz duplicates -i "$IDX"
expect "the five sample articles are not near-duplicates" 1
same "no group listed for the sample" "$(wc -l <"$OUT" | tr -d ' ')" 0

# The sample with a copy of each.
python3 "$LIB/syndicate.py" "$DATA" "$tmp/syn.jsonl" 5 1
kz index -i "$tmp/syn" "$tmp/syn.jsonl"
kz duplicates -i "$tmp/syn" --json
expect "duplicates --json lists groups" 0 '^{"ids":\["seed-000","copy-of-seed-000"\],"size":2}$'
cp "$OUT" "$tmp/groups.jsonl"
same "every copy is grouped with its original, no two originals together" \
  "$(python3 "$LIB/syndication_recall.py" "$tmp/groups.jsonl" "$tmp/syn.jsonl")" \
  "recall 1.0000 wrong 0 copies 5"
kz duplicates -i "$tmp/syn"
expect "duplicates prints a group a line" 0 '^seed-001 copy-of-seed-001$'

# Searching folds the copies into the best ranked of each group.
kz -i "$tmp/syn" -k 20 --json Kazakhstan
expect "--json hits carry the similar ids" 0 '"similar":\["copy-of-seed-00[0-4]"\]'
same "collapsed: five hits" "$(grep -c '"type":"hit"' "$OUT")" 5
same "the total counts every copy" "$(grep -o '"total":[0-9]*' "$OUT")" '"total":10'
kz -i "$tmp/syn" -k 20 Kazakhstan
expect "text output shows +1 similar" 0 '^   +1 similar: copy-of-seed-00[0-4]$'
kz -i "$tmp/syn" -k 20 --json --no-collapse Kazakhstan
same "--no-collapse: all ten hits" "$(grep -c '"type":"hit"' "$OUT")" 10
same "--no-collapse: nothing similar" "$(grep -c '"similar":\[\]' "$OUT")" 10
kz -i "$tmp/syn" -k 5 --json Kazakhstan
whole=$(grep -o '"id":"[^"]*"' "$OUT" | tr '\n' ' ')
paged=""
for off in 0 1 2 3 4; do
  kz -i "$tmp/syn" -k 1 --offset "$off" --json Kazakhstan
  paged="$paged$(grep -o '"id":"[^"]*"' "$OUT" | head -1) "
done
same "pages of one hit give the collapsed ranking" "$paged" "$whole"

# One document repeated 10,000 times: one group, bounded time.
python3 - "$DATA" "$tmp/rep.jsonl" <<'PY'
import json, sys
d = json.loads(open(sys.argv[1]).readline())
with open(sys.argv[2], "w") as f:
    for i in range(10000):
        f.write(json.dumps({"id": "rep-%05d" % i, "title": d["title"], "body": d["body"]}) + "\n")
PY
kz index -i "$tmp/rep" "$tmp/rep.jsonl"
start=$(date +%s)
kz duplicates -i "$tmp/rep" --json
elapsed=$(($(date +%s) - start))
same "10,000 copies are one group" "$(wc -l <"$OUT" | tr -d ' ') $(grep -o '"size":[0-9]*' "$OUT")" '1 "size":10000'
check "... listed within 120 s (took ${elapsed} s)" test "$elapsed" -le 120
kz -i "$tmp/rep" -k 3 --json Kazakhstan
same "a search of them shows one hit" "$(grep -c '"type":"hit"' "$OUT")" 1

# A damaged simhash file is found by check --full.
simh=$(ls "$tmp/syn"/*.simh | head -1)
python3 - "$simh" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[20] ^= 0x10
open(p, "wb").write(bytes(b))
PY
kz check --full -i "$tmp/syn"
expect "check --full reports the damaged simhash file" 1 'simh' "$OUT"
kz -i "$tmp/syn" Kazakhstan
check "a search of the damaged index fails cleanly or succeeds (no crash)" test "$rc" -le 2

# The BBC set: recall of 500 copies.
BBC="${KZ_SHARED_DIR:-}/corpora/bbc/docs.jsonl.zst"
if [ -f "$BBC" ] && command -v zstd >/dev/null 2>&1; then
  zstd -dc "$BBC" >"$tmp/bbc.jsonl"
  python3 "$LIB/syndicate.py" "$tmp/bbc.jsonl" "$tmp/bbc-syn.jsonl" 500 1
  kz index -i "$tmp/bbc" "$tmp/bbc-syn.jsonl"
  kz duplicates -i "$tmp/bbc" --json
  cp "$OUT" "$tmp/bbc-groups.jsonl"
  got=$(python3 "$LIB/syndication_recall.py" "$tmp/bbc-groups.jsonl" "$tmp/bbc-syn.jsonl")
  echo "     BBC: $got"
  check "BBC copies: recall >= 0.95" python3 -c "import sys; sys.exit(0 if float('$got'.split()[1]) >= 0.95 else 1)"
else
  echo "skip: the BBC part needs $BBC and zstd"
fi
cli_test_summary
