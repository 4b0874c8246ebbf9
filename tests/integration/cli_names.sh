#!/usr/bin/env bash
# cli_names.sh - names spelled several ways (issue 15 §3) through the CLI:
# on the sample articles "Mangistau" also finds seed-000, which writes only
# "Mangystau", and says so ("also matched: mangystau"; also_matched in
# --json); --exact finds only the spelling typed; Cyrillic documents and
# queries meet their Latin spellings (Токаев / Tokayev); the first name
# "Nursultan" never matches the city "Nur-Sultan"; words that only open a
# sentence are not names; the tables survive merges (compact) and check
# --full verifies them; a damaged names table is reported by check --full
# and never crashes a search; with wamerican's word list, two English
# spellings (Cameron / Cameroon) are not merged, nor an English one by q/k
# (King / Qing), while Melvyn / Melvin and Mikhail / Mihail are.
set -u
. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_names python3 sample

ids() { python3 -c '
import sys, json
print(" ".join(sorted(h["id"] for h in map(json.loads, filter(str.strip, open(sys.argv[1])))
                      if h.get("type") == "hit")))' "$OUT"; }
also() { python3 -c '
import sys, json
s = [o for o in map(json.loads, filter(str.strip, open(sys.argv[1]))) if o.get("type") == "summary"]
print(" ".join(s[-1]["also_matched"]) if s else "<no summary>")' "$OUT"; }

kz index -i "$IDX" "$DATA"
expect "index the sample articles" 0

# --- the sample: Mangistau and Mangystau ------------------------------------
kz search -i "$IDX" --json -k 10 Mangistau
same "Mangistau finds seed-000 (Mangystau) too" "$(ids)" "seed-000 seed-001 seed-002"
same "--json names the other spelling" "$(also)" "mangystau"
kz search -i "$IDX" --json --exact -k 10 Mangistau
same "--exact finds only the spelling typed" "$(ids)" "seed-001 seed-002"
same "--exact: nothing else matched" "$(also)" ""
kz search -i "$IDX" Mangistau
expect "the text output says what else matched" 0 "^also matched: mangystau" "$ERR"
kz search -i "$IDX" --count Mangistau
same "--count counts the other spelling" "$(tr -dc 0-9 <"$OUT")" 3
kz search -i "$IDX" --count --exact Mangistau
same "--count --exact" "$(tr -dc 0-9 <"$OUT")" 2
kz search -i "$IDX" --json -k 10 '"Mangistau province"'
same "a phrase matches its other spellings" "$(ids)" "seed-000 seed-001 seed-002"
kz search -i "$IDX" --json -k 10 -- '-Mangistau Kazakhstan'
same "an excluded word excludes only the spelling typed" \
  "$(ids | tr ' ' '\n' | grep -c 'seed-00[12]')" 0

# --- Cyrillic, a first name and a city, sentence openers --------------------
cat >"$tmp/more.jsonl" <<'JSON'
{"id":"ru-1","title":"Заявление","body":"Вчера президент Токаев выступил в Астане."}
{"id":"person","title":"A biography","body":"The former president Nursultan Nazarbaev led the country."}
{"id":"city","title":"A report","body":"Officials met in the capital Nur-Sultan on Monday."}
{"id":"opener","title":"Harvest","body":"Yields fell. Farmers said the yields of wheat were poor."}
{"id":"dup","title":"Mixed script","body":"He met Tokaев and then Тоkayev again."}
JSON
kz index -i "$IDX" "$tmp/more.jsonl"
expect "add Cyrillic and look-alike documents" 0
kz search -i "$IDX" --json -k 10 Tokayev
same "Tokayev finds the Cyrillic Токаев and mixed-script spellings" \
  "$(ids | tr ' ' '\n' | grep -c '^ru-1$\|^dup$')" 2
kz search -i "$IDX" --json -k 10 Токаев
same "Токаев finds the Latin Tokayev" "$(ids | tr ' ' '\n' | grep -c '^seed-00')" \
  "$(grep -c 'Tokayev' "$DATA")"
kz search -i "$IDX" --json -k 10 Nursultan
same "the first name Nursultan never matches the city Nur-Sultan" \
  "$(ids | tr ' ' '\n' | grep -c '^person$\|^city$')" 1
same "... and finds the person" "$(ids | tr ' ' '\n' | grep -c '^person$')" 1
kz search -i "$IDX" --json -k 10 Nazarbayev
same "Nazarbayev finds Nazarbaev" "$(ids | tr ' ' '\n' | grep -c '^person$')" 1
kz search -i "$IDX" --json -k 10 Ields
same "a word that only opens a sentence is no name (Yields is not ields)" "$(also)" ""

# --- merges and check --full -------------------------------------------------
kz check -i "$IDX" --full
expect "check --full verifies the names tables" 0 '^ok: '
kz compact -i "$IDX"
expect "compact merges the segments" 0
kz search -i "$IDX" --json -k 10 Mangistau
same "after the merge Mangistau still finds seed-000" "$(ids | tr ' ' '\n' | grep -c '^seed-000$')" 1
kz search -i "$IDX" --json -k 10 Tokayev
same "after the merge Tokayev still finds Токаев" "$(ids | tr ' ' '\n' | grep -c '^ru-1$')" 1
kz check -i "$IDX" --full
expect "check --full after the merge" 0 '^ok: '

# --- English spellings (wamerican's word list) ------------------------------
if [ -r /usr/share/dict/words ] && grep -qx Cameroon /usr/share/dict/words; then
  E="$tmp/english"
  cat >"$tmp/english.jsonl" <<'JSON'
{"id":"cameron","title":"a","body":"The talks were led by David Cameron on Monday."}
{"id":"cameroon","title":"b","body":"Cocoa from Cameroon and Ghana rose on Monday."}
{"id":"king","title":"c","body":"The shares of King Resources fell on Monday."}
{"id":"qing","title":"d","body":"The history of the Qing dynasty was told on Monday."}
{"id":"melvin","title":"e","body":"The chairman Melvin Jones resigned on Monday."}
{"id":"melvyn","title":"f","body":"The analyst Melvyn Jones said so on Monday."}
{"id":"mikhail","title":"g","body":"The leader Mikhail Gorbachev spoke on Monday."}
{"id":"mihail","title":"h","body":"The minister Mihail Gorbachev was quoted on Monday."}
JSON
  kz index -i "$E" "$tmp/english.jsonl"
  expect "index names that English spells apart" 0
  kz search -i "$E" --json -k 10 Cameron
  same "two English spellings are not merged (Cameron / Cameroon)" "$(ids)" "cameron"
  kz search -i "$E" --json -k 10 Qing
  same "no q/k fold onto an English word (Qing / King)" "$(ids)" "qing"
  kz search -i "$E" --json -k 10 King
  same "... either way" "$(ids)" "king"
  kz search -i "$E" --json -k 10 Melvyn
  same "an English spelling and a y/i variant are one (Melvyn / Melvin)" "$(ids)" "melvin melvyn"
  kz search -i "$E" --json -k 10 Mikhail
  same "kh/h onto an English spelling (Mikhail / Mihail)" "$(ids)" "mihail mikhail"
  same "... and says so" "$(also)" "mihail"
else
  echo "skip: the English rule needs /usr/share/dict/words (wamerican)" >&2
fi

# --- a damaged names table --------------------------------------------------
names=$(ls "$IDX"/*.names | head -1)
size=$(wc -c <"$names" | tr -d ' ')
printf '\377\377\377\177' | dd of="$names" bs=1 seek=8 conv=notrunc status=none # entry count
kz check -i "$IDX" --full
expect "check --full reports the damaged table" 1 "$(basename "$names")"
kz search -i "$IDX" Mangistau
if [ "$rc" -eq 2 ] && grep -q "names\|corrupt\|damaged" "$ERR"; then
  pass "a search on the damaged table is an error, not a crash"
else
  fail "a search on the damaged table is an error, not a crash"
fi
kz search -i "$IDX" --exact Mangistau
expect "--exact does not read the names table" 0
[ "$size" -gt 0 ]
cli_test_summary
