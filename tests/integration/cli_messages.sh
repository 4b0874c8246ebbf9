#!/usr/bin/env bash
# cli_messages.sh - what the CLI tells a user: the index summary (documents
# replaced, documents without text), malformed JSON Lines in plain words with
# FILE:LINE and a column, one message per numeric option whatever is wrong
# with the value, and the list of languages for an unknown --lang.
#
# Run by ctest with KZ = the kzsearch binary and KZ_SOURCE_DIR = the repo
# root; exit 77 (skip) when the binary or the sample articles are missing.

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_messages sample

# ---------------------------------------------------------------- summary
kz index -i "$IDX" "$DATA"
check "first run: exit 0" test "$rc" -eq 0
check "first run: nothing replaced" grep -q "^indexed 5 documents from " "$ERR"
kz index -i "$IDX" "$DATA"
check "second run: exit 0" test "$rc" -eq 0
check "second run: all 5 replaced" grep -q "^indexed 5 documents (5 replaced) from " "$ERR"
# Two documents with text, one without, one with the id of the first.
printf '%s\n' '{"id":"m1","title":"Almaty"}' '{"id":"m2","title":"","body":""}' \
  '{"id":"m1","body":"Astana"}' >"$tmp/mixed.jsonl"
kz index -i "$tmp/idx2" "$tmp/mixed.jsonl"
check "a document without text: exit 0" test "$rc" -eq 0
check "... reported as FILE:LINE" grep -q "mixed.jsonl:2: document m2 has no text" "$ERR"
check "... and counted in the summary with the replaced one" \
  grep -q "^indexed 2 documents (1 replaced) from .* (skipped 1 document without text)$" "$ERR"
printf '%s\n' '{"id":"e1"}' 'oops' '{"id":"e2","body":"x"}' >"$tmp/both.jsonl"
kz index -i "$tmp/idx3" "$tmp/both.jsonl"
check "empty and malformed: exit 1" test "$rc" -eq 1
check "... both in the summary" \
  grep -q "(skipped 1 document without text, 1 malformed or oversized record)$" "$ERR"

# ---------------------------------------------------------------- JSON messages
# bad_line NAME LINE EXPECTED: indexing a file of LINE alone reports EXPECTED on the FILE:1 line.
bad_line() {
  printf '%s\n' "$2" >"$tmp/bad.jsonl"
  kz index -i "$tmp/badidx" "$tmp/bad.jsonl"
  if [ "$rc" -eq 1 ] && grep "bad.jsonl:1: " "$ERR" | grep -qF "$3"; then
    pass "$1"
  else
    fail "$1"
  fi
}
bad_line "plain text is not a JSON object, at column 1" 'not json' \
  "not a JSON object: found 'n' at column 1 where a record starts with '{'"
bad_line "leading blanks count in the column" '   oops' "found 'o' at column 4"
bad_line "a JSON list is not an object" '[1, 2]' "not a JSON object: found '['"
bad_line "a misspelt value, with its column" '{"id": nul}' \
  "invalid JSON at column 11: not a valid value (expected a string in double quotes"
bad_line "an unquoted field name" '{id: 1}' \
  "invalid JSON at column 2: expected a field name in double quotes, found 'i'"
bad_line "a missing colon" '{"id" 1}' "invalid JSON at column 7: expected ':' after the field name"
bad_line "a missing comma" '{"id":1 "body":"x"}' \
  "invalid JSON at column 9: expected ',' or '}' after a value, found '\"'"
bad_line "an unclosed object" '{"id":"a","body":"x' "invalid JSON: the line ends inside the object"
bad_line "a bad escape" '{"id":"a\q"}' "invalid JSON at column 10: invalid escape sequence in a string"
bad_line "text after the object, with its column" '{"id":"a","body":"b"} tail' \
  "text after the JSON object at column 23"
bad_line "json-c's own words are not shown" '{"id":1,"body":tru}' "invalid JSON at column 19: not a valid value"

# ---------------------------------------------------------------- numbers
# one_message NAME OPTION "BAD VALUES" ARGS...: every bad value of OPTION gets the same
# message, and exit 2.
one_message() {
  local name=$1 opt=$2 values=$3 first="" v msg ok=1
  shift 3
  for v in $values; do
    kz "$@" "$opt" "$v"
    msg=$(grep "invalid value for $opt" "$ERR" | sed "s/'[^']*'/V/")
    [ "$rc" -eq 2 ] && [ -n "$msg" ] || ok=0
    [ -z "$first" ] && first=$msg
    [ "$msg" = "$first" ] || ok=0
  done
  if [ "$ok" -eq 1 ]; then pass "$name: '$first'"; else fail "$name"; fi
}
one_message "-k: one message for 0, -1, x, 1.5, +2, 5k" -k "0 -1 x 1.5 +2 5k" -i "$IDX" almaty
one_message "--offset: one message for -1, x, 1.5, +2" --offset "-1 x 1.5 +2" -i "$IDX" almaty
one_message "--threads: one message for 0, 65, -1, x and a huge value" --threads \
  "0 65 -1 x 99999999999999999999999999" index -i "$tmp/n" "$DATA"
kz -i "$IDX" -k 0 almaty
check "-k 0 says what -k accepts" grep -q "invalid value for -k: '0' (expected a whole number of at least 1)" "$ERR"
kz index -i "$tmp/n" --threads 65 "$DATA"
check "--threads 65 gives the range" grep -q "expected a whole number from 1 to 64" "$ERR"
kz -i "$IDX" -k 99999999999999999999999999 almaty
check "a huge -k meets the library's limit" grep -q "k + offset may be at most" "$ERR"
for opt in --memory --max-doc-size; do
  kz index -i "$tmp/n" "$opt" 0 "$DATA"
  m0=$(sed "s/'[^']*'/V/" "$ERR" | head -1)
  kz index -i "$tmp/n" "$opt" -1 "$DATA"
  m1=$(sed "s/'[^']*'/V/" "$ERR" | head -1)
  kz index -i "$tmp/n" "$opt" 12Q "$DATA"
  m2=$(sed "s/'[^']*'/V/" "$ERR" | head -1)
  check "$opt: one message for 0, -1 and 12Q" \
    test "$m0" = "$m1" -a "$m1" = "$m2" -a -n "$m0" -a "$rc" -eq 2
done
check "no index was made by the refused runs" test ! -e "$tmp/n"

# ---------------------------------------------------------------- --lang
kz index -i "$tmp/lang" --lang klingon "$DATA"
check "unknown --lang: exit 2" test "$rc" -eq 2
check "... names it and lists libstemmer's languages" \
  grep -q "unknown language 'klingon'; the languages are arabic, .*english, .*french, .*russian, .*, or none (no stemming)" "$ERR"
kz index -i "$tmp/lang" --lang "$(printf 'x%.0s' {1..200})" "$DATA"
check "a very long --lang is cut in the message and still lists them" \
  grep -q "unknown language 'x\{40\}\.\.\.'; the languages are arabic" "$ERR"
check "nothing is left behind" test ! -e "$tmp/lang"

cli_test_summary
