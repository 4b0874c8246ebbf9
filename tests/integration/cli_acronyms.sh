#!/usr/bin/env bash
# cli_acronyms.sh - acronyms learned from the corpus (README.md, "Acronyms")
# through the CLI: on the sample, CSTO finds seed-004 (which writes only the
# long form) besides seed-001 and seed-002, and --no-expand finds only those
# two; the quoted long form finds the acronym; `kzsearch aliases` lists the
# table and survives merges (compact) and deletions; `kzsearch acronyms`
# prints the pairs of a file without an index; an ambiguous acronym (two long
# forms, neither 80%) and a lower-case word are left alone.
# With ../shared's MED1250, it also scores the finder (P >= 0.95, R >= 0.80).
set -u
. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_acronyms sample

kz index -i "$IDX" "$DATA"
expect "the sample indexes" 0

ids() { grep -o 'seed-00[0-9]' "$OUT" | sort | tr '\n' ' '; }
kz -i "$IDX" -k 10 CSTO
same "CSTO finds seed-004 through its long form" "$(ids)" "seed-001 seed-002 seed-004 "
expect "the search says what it added" 0 'also searched: "collective security treaty organization" for CSTO' "$ERR"
# The acronym itself ranks above the long form alone.
same "seed-004 (long form only) ranks last" "$(grep -o 'seed-00[0-9]' "$OUT" | tail -1)" "seed-004"
kz -i "$IDX" -k 10 --no-expand CSTO
same "--no-expand finds only the documents that write CSTO" "$(ids)" "seed-001 seed-002 "
kz -i "$IDX" -k 10 csto
same "a lower-case word is searched as typed" "$(ids)" "seed-001 seed-002 "
kz -i "$IDX" -k 10 --json CSTO
expect "--json reports the expansion" 0 '"type":"expansions","expansions":\[{"from":"CSTO","to":"collective security treaty organization","docs":2}\]'
kz -i "$IDX" -k 10 '"Collective Security Treaty Organization"'
same "the quoted long form finds the acronym's documents" "$(ids)" "seed-001 seed-002 seed-004 "
expect "and says so" 0 'also searched: "CSTO"' "$ERR"

kz aliases -i "$IDX"
expect "aliases lists CSTO as expanded" 0 "$(printf '^CSTO\t2\\*\tcollective security treaty organization$')"
kz aliases -i "$IDX" --json
expect "aliases --json" 0 '{"type":"alias","short":"UN","long":"united nations","docs":1,"expanded":false}'

kz acronyms "$DATA"
expect "acronyms prints ID, SF and long form" 0 "$(printf '^seed-002\tLPG\tliquefied petroleum gas$')"
kz acronyms --json "$DATA"
expect "acronyms --json prints every document" 0 '^{"id":"seed-000","pairs":\[\]}$'
same "one line per document" "$(wc -l <"$OUT" | tr -d ' ')" "5"
kz acronyms "$tmp/missing.jsonl"
expect "a missing file is an error" 2 "missing.jsonl" "$ERR"
printf '{"id":"x","body":"ok"}\nnot json\n' >"$tmp/bad.jsonl"
kz acronyms "$tmp/bad.jsonl"
expect "a malformed record is reported and skipped" 1 "bad.jsonl:2" "$ERR"
kz acronyms
expect "no PATH is a usage error" 2

# Ambiguity and merges: ADB is the Asian and the African Development Bank
# (2 and 2 documents: neither reaches 80%), EBRD is defined in 3 documents of
# 3 commits, then one is deleted and everything compacted.
python3 - "$tmp" <<'PY'
import json, sys
d = sys.argv[1]
docs = [
    ("a1", "The Asian Development Bank (ADB) lent more."),
    ("a2", "The Asian Development Bank (ADB) said so."),
    ("a3", "The African Development Bank (ADB) lent less."),
    ("a4", "The African Development Bank (ADB) met."),
    ("a5", "ADB officials spoke."),
    ("a6", "The Asian Development Bank opened an office."),
    ("e1", "The European Bank for Reconstruction and Development (EBRD) lends."),
    ("e2", "European Bank for Reconstruction and Development (EBRD) again."),
    ("e3", "The European Bank for Reconstruction and Development (EBRD) is in London."),
    ("e4", "The European Bank for Reconstruction and Development opened an office."),
]
for part in range(3):
    with open("%s/m%d.jsonl" % (d, part), "w") as f:
        for i, (id_, body) in enumerate(docs):
            if i % 3 == part:
                f.write(json.dumps({"id": id_, "title": "", "body": body}) + "\n")
PY
M="$tmp/merged"
for p in 0 1 2; do "$KZ" index -i "$M" "$tmp/m$p.jsonl" >/dev/null 2>&1; done
kz -i "$M" -k 20 ADB
same "an ambiguous acronym is left alone" "$(grep -o 'a[0-9]' "$OUT" | sort | tr '\n' ' ')" "a1 a2 a3 a4 a5 "
same "and nothing is said to be added" "$(grep -c 'also searched' "$ERR")" "0"
kz -i "$M" -k 20 EBRD
same "EBRD across three segments finds e4 too" "$(grep -o 'e[0-9]' "$OUT" | sort | tr '\n' ' ')" "e1 e2 e3 e4 "
kz aliases -i "$M"
expect "the segments' tables are summed" 0 "$(printf '^EBRD\t3\\*\t')"
"$KZ" delete -i "$M" e1 >/dev/null 2>&1
"$KZ" compact -i "$M" >/dev/null 2>&1
kz aliases -i "$M"
expect "a merge counts only the surviving documents" 0 "$(printf '^EBRD\t2\\*\t')"
kz check --full -i "$M"
expect "check --full passes after the merge" 0

# The scorer of MED1250 (../shared): the finder's precision and recall.
MED="${KZ_SHARED_DIR:-${KZ_SOURCE_DIR:-.}/../shared}/corpora/med1250"
if [ -f "$MED/docs.jsonl" ] && command -v python3 >/dev/null 2>&1; then
  kz acronyms --json "$MED/docs.jsonl"
  python3 "$MED/score.py" "$MED/gold.jsonl" "$OUT" >"$tmp/score" 2>&1
  cat "$tmp/score"
  p=$(sed -n 's/.*precision=\([0-9.]*\).*/\1/p' "$tmp/score")
  r=$(sed -n 's/.*recall=\([0-9.]*\).*/\1/p' "$tmp/score")
  check "MED1250 precision $p >= 0.95" python3 -c "import sys; sys.exit(not float('${p:-0}') >= 0.95)"
  check "MED1250 recall $r >= 0.80" python3 -c "import sys; sys.exit(not float('${r:-0}') >= 0.80)"
else
  echo "skip - MED1250 not found at $MED (the scoring part only)"
fi
cli_test_summary
