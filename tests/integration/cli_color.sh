#!/usr/bin/env bash
# cli_color.sh - `kzsearch search --color=auto|always|never` and NO_COLOR,
# through real pipes: auto writes no escape codes into a pipe, always does
# (also with NO_COLOR set), never writes none on a terminal; NO_COLOR set and
# not empty turns auto off on a terminal, an empty NO_COLOR does not. The
# terminal cases run under script(1) and are skipped when it is missing.
# "--color WHEN" is accepted as well as "--color=WHEN"; a bad WHEN is a usage
# error naming the three values.
#
# Run by ctest with KZ = the kzsearch binary and KZ_SOURCE_DIR = the repo
# root. Exit 77 (skip) when the binary or the sample data is missing.

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_color sample
ESC=$'\033'
QUERY="CSTO peacekeeping"

# piped ARGS...: runs kzsearch with stdout into a pipe, collected in $OUT.
piped() {
  "$KZ" "$@" 2>"$ERR" | cat >"$OUT"
  rc=${PIPESTATUS[0]}
}
# on_tty ARGS...: runs kzsearch with stdout on a pseudo-terminal, into $OUT.
on_tty() {
  local cmd
  cmd=$(printf '%q ' "$KZ" "$@")
  script -qec "$cmd 2>'$ERR'" /dev/null >"$OUT"
  rc=$?
}
has_escapes() { grep -q "$ESC" "$OUT"; }
# (The hits must be there, so that a run that printed nothing cannot pass.)
no_escapes() { grep -q "seed-00" "$OUT" && ! grep -q "$ESC" "$OUT"; }
# bold_words: the highlighted words of $OUT, one per line, lowercased.
bold_words() { grep -o "$ESC\[1m[^$ESC]*" "$OUT" | cut -c5- | tr '[:upper:]' '[:lower:]' | sort -u; }
bold_words_are_query_words() {
  # (The long form of CSTO is matched too, as an acronym expansion.)
  test -n "$(bold_words)" &&
    ! bold_words | grep -vqE '^(csto|peacekeep[a-z]*|collective security treaty organi[sz]ation)$'
}

kz index -i "$IDX" "$DATA"
check "the sample indexes" test "$rc" -eq 0

piped -i "$IDX" "$QUERY"
check "auto (the default) into a pipe: exit 0" test "$rc" -eq 0
check "auto (the default) into a pipe: no escape codes" no_escapes
plain=$(cat "$OUT")
piped -i "$IDX" --color=auto "$QUERY"
check "--color=auto into a pipe: no escape codes" no_escapes
piped -i "$IDX" --color=never "$QUERY"
check "--color=never into a pipe: no escape codes" no_escapes

piped -i "$IDX" --color=always "$QUERY"
check "--color=always into a pipe: exit 0" test "$rc" -eq 0
check "--color=always into a pipe: escape codes" has_escapes
# (Which forms are bold is the highlighter's business: only check it is the query's words.)
check "--color=always bolds the query's words" bold_words_are_query_words
same "--color=always without its escapes is the plain output" \
  "$(sed "s/$ESC\[[01]m//g" "$OUT")" "$plain"
piped -i "$IDX" --color always "$QUERY"
check "--color always (two arguments) into a pipe: escape codes" has_escapes
piped search --color=always -i "$IDX" "$QUERY"
check "search --color=always: escape codes" has_escapes
NO_COLOR=1 piped -i "$IDX" --color=always "$QUERY"
check "NO_COLOR=1 --color=always into a pipe: escape codes" has_escapes
piped -i "$IDX" --color=always --json "$QUERY"
check "--json never carries escape codes" no_escapes

piped -i "$IDX" --color=sometimes "$QUERY"
check "--color=sometimes exits 2" test "$rc" -eq 2 -a ! -s "$OUT"
check "--color=sometimes names the three values" \
  grep -q "invalid value for --color: 'sometimes' (expected auto, always or never)" "$ERR"
piped -i "$IDX" --color
check "--color without a value exits 2" test "$rc" -eq 2

if command -v script >/dev/null 2>&1; then
  on_tty -i "$IDX" "$QUERY"
  check "auto on a terminal: escape codes" has_escapes
  NO_COLOR=1 on_tty -i "$IDX" "$QUERY"
  check "NO_COLOR=1 auto on a terminal: no escape codes" no_escapes
  NO_COLOR='' on_tty -i "$IDX" "$QUERY"
  check "NO_COLOR= (empty) auto on a terminal: escape codes" has_escapes
  on_tty -i "$IDX" --color=never "$QUERY"
  check "--color=never on a terminal: no escape codes" no_escapes
  NO_COLOR=1 on_tty -i "$IDX" --color=always "$QUERY"
  check "NO_COLOR=1 --color=always on a terminal: escape codes" has_escapes
else
  echo "skip: script(1) not found; the terminal cases were not run"
fi

cli_test_summary
