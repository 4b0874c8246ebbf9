#!/usr/bin/env bash
# cli_explain.sh - `kzsearch search --explain` on the sample articles: the
# planned query first (notation, df per term, dropped words), a tree under
# each hit whose root is the hit's score, prefix and fuzzy words with their
# expansions and sloppy phrases and NEAR with their sloppy frequency, the
# same trees in --json (checked with python: each hit's leaves add up to its
# score, the summary carries the query), nothing of it without --explain, and
# --explain with --count refused; the query's tree lists what the search
# added (acronym -> long form, long form -> acronym, other spellings of a
# name) with their documents, and says when --no-expand / --exact turn
# them off.
set -u
. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_explain python3 sample

"$KZ" index -i "$IDX" "$DATA" >/dev/null 2>&1

kz -i "$IDX" --explain -k 2 '"violent protests" peace -zzz title:kazakhstan !!!'
expect "the planned query comes first" 0 '^query: text:"violent protest" text:peac title:kazakhstan -text:zzz$'
expect "each term with its df" 0 '^       text:violent (df 2, idf '
expect "the word that analysed away" 0 '^   !!! at byte 47: left out'
expect "a phrase's part with its frequency" 0 '= text:"violent protest": idf \* freq / (freq + k1'
# The root of each hit's tree is its score (the hit line shows it to 3 decimals).
scores=$(awk '/^[0-9]+\. /{ s = $2; getline; while ($0 !~ /^   [0-9.e+-]+ = /) getline; printf "%s/%.3f ", s, $1 }' "$OUT")
same "each hit's tree adds up to its score" "$(echo "$scores" | tr ' ' '\n' | awk -F/ 'NF == 2 && $1 != $2' | wc -l)" 0
same "two hits explained" "$(echo "$scores" | wc -w)" 2

kz -i "$IDX" --explain --json -k 5 'almaty +"security forces" title:kazakhstan date:2022'
check "--json: every hit's explanation adds up to its score, the summary has the query" \
  python3 - "$OUT" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
hits = [l for l in lines if l["type"] == "hit"]
summary = lines[-1]
def leaves(e):
    if e["kind"] == "sum":
        return sum(leaves(c) for c in e.get("children", []))
    assert e["kind"] in ("term", "phrase", "filter"), e["kind"]
    return e["value"]
assert hits and all(abs(leaves(h["explanation"]) - h["score"]) <= 1e-6 * h["score"] for h in hits)
q = summary["query"]
assert summary["type"] == "summary" and q["kind"] == "query", summary
assert q["description"].startswith('+text:"secur forc" +date:[2022-01-01T00:00:00Z TO '), q["description"]
PY

# Prefix and fuzzy words: the expansions with their df, the hit's tf summed over them.
kz -i "$IDX" --explain -k 1 'peace*'
expect "a prefix with its expansions" 0 '^   text:peace\* (a prefix: the 1 term starting with it; scored as one term: df of their union 4, '
expect "an expansion with its df" 0 '^     text:peacekeep (df 4)$'
expect "the hit's tf is its expansions'" 0 '^     [0-9][0-9]* = occurrences of its expansions in the document.s text$'
expect "each expansion's tf" 0 '^       [0-9][0-9]* = occurrences of text:peacekeep$'
kz -i "$IDX" --explain -k 1 'Tokaev~1'
expect "a fuzzy word with its edits" 0 '^   text:tokaev~1 (a fuzzy word, within 1 edit of tokaev: '
expect "a fuzzy word's part" 0 '= text:tokaev~1: idf \* tf / (tf + k1'
kz -i "$IDX" --explain -k 1 --max-expansions 2 'stat~2'
expect "the cap says what it kept" 0 'terms in reach, max_expansions kept the 2 of highest df'
kz -i "$IDX" --explain -k 1 'co*'
expect "a long listing stops at 20" 0 '^     and [0-9][0-9]* more expansions*$'

# Sloppy phrases and NEAR: their notation and their sloppy frequency.
kz -i "$IDX" --explain -k 1 '"troops almaty"~5'
expect "a sloppy phrase's notation" 0 '^query: text:"troop almati"~5$'
expect "a sloppy phrase's frequency" 0 '^     [0-9.][0-9.]* = sloppy frequency: [0-9][0-9]* match'
kz -i "$IDX" --explain -k 1 'troops NEAR/5 almaty'
expect "NEAR's notation" 0 '^query: text:(troop NEAR/5 almati)$'
expect "NEAR's frequency" 0 '= sloppy frequency: [0-9][0-9]* match.*, each weighing 1 / (1 + its distance beyond adjacent words)'

kz -i "$IDX" --json -k 3 almaty
same "without --explain, no explanation" "$(grep -c '"explanation"\|"query"' "$OUT")" 0

kz -i "$IDX" --explain zzzq
expect "a query without hits still shows its plan, exit 1" 1 '^query: text:zzzq$'

# What the search added to the query, with the documents each finds alone.
kz -i "$IDX" --explain -k 1 CSTO
expect "an acronym's long form, with its documents" 0 \
  '^   acronym CSTO -> "collective security treaty organization": the long form also matches, scored 0.5 times the acronym (defined so in 2 documents; the long form is in 3 documents)$'
kz -i "$IDX" --explain -k 1 '"Collective Security Treaty Organization"'
expect "a long form's acronym, with its documents" 0 \
  '^   long form "collective security treaty organization" -> CSTO: the acronym also matches, .*the acronym is in 2 documents)$'
kz -i "$IDX" --explain -k 1 Mangistau
expect "another spelling of a name, with its documents" 0 \
  '^   also matched: mangystau for mangistau, another spelling of the name in the index (in 1 document)$'
kz -i "$IDX" --explain --no-expand --exact -k 1 CSTO Mangistau
expect "--no-expand says acronyms are off" 0 '^   acronyms and long forms are not expanded (--no-expand, no_expand)$'
expect "--exact says spellings are off" 0 '^   other spellings of names are not matched (--exact, exact_names)$'
same "... and nothing was added" "$(grep -c '^   acronym \|^   also matched' "$OUT")" 0
kz -i "$IDX" --explain --json -k 1 CSTO Mangistau
same "--json: the expansions are in the query's tree" "$(python3 -c '
import json, sys
s = [o for o in map(json.loads, filter(str.strip, open(sys.argv[1]))) if o.get("type") == "summary"][0]
print(" ".join("%s=%g" % (c["kind"], c["value"]) for c in s["query"]["children"][1:]))' "$OUT")" \
  "acronym=3 also matched=1"

kz -i "$IDX" --explain --count almaty
expect "--explain with --count is refused" 2 '--explain explains hits' "$ERR"

cli_test_summary
