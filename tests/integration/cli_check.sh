#!/usr/bin/env bash
# cli_check.sh - end-to-end checks of `kzsearch check`: a fresh index of
# data/kazakhstan/docs.jsonl is clean at both depths (exit 0); a file cut
# short, a flipped byte, a missing file and a damaged manifest are reported
# with the file's name (exit 1); no index or bad usage is an error (exit 2).
#
# Run by ctest with KZ = the kzsearch binary and KZ_SOURCE_DIR = the repo
# root. Exit 77 (skip) when the binary or the data is missing. All files
# live in a temporary directory removed on exit; HOME and XDG_DATA_HOME
# point into it so the real default index is never touched.

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_check sample
# fresh_copy DIR: DIR becomes a copy of the clean index.
fresh_copy() {
  rm -rf "$1"
  cp -R "$IDX" "$1"
}
# flip_byte FILE OFFSET: inverts every bit of one byte in place.
flip_byte() {
  local byte
  byte=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
  printf "\\$(printf '%03o' $((255 - byte)))" |
    dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
file_size() { wc -c <"$1" | tr -d ' '; }

# --- a clean index ---------------------------------------------------------
kz index -i "$IDX" "$DATA"
if [ "$rc" -ne 0 ]; then
  fail "index the sample data"
  echo "$passed passed, $failed failed"
  exit 1
fi

kz check -i "$IDX"
expect "quick check of a clean index exits 0" 0 '^ok: '
kz check -i "$IDX" --full
expect "full check of a clean index exits 0" 0 '^ok: .* verified'
kz check -i "$IDX" --full --json
expect "--json ends with a clean summary" 0 '"type":"summary".*"problems":0'
KZSEARCH_INDEX="$IDX" kz check --full
expect "\$KZSEARCH_INDEX names the index" 0 '^ok: '

# --- damage ----------------------------------------------------------------
post=$(cd "$IDX" && ls seg-*.post | head -n 1)
store=$(cd "$IDX" && ls seg-*.store | head -n 1)
norm=$(cd "$IDX" && ls seg-*.norm | head -n 1)
D="$tmp/damaged"

fresh_copy "$D"
truncate -s "$(($(file_size "$D/$post") - 1))" "$D/$post"
kz check -i "$D"
expect "a truncated .post file: quick check exits 1" 1 "$post"
expect "the problem line is DIR/FILE: PROBLEM" 1 "^$D/$post: size is"
expect "a damaged summary follows" 1 '^damaged: 1 problem in 1 file$'
kz check -i "$D" --full
expect "a truncated .post file: full check exits 1" 1 "$post"
kz check -i "$D" --json
expect "--json reports the problem" 1 "\"type\":\"problem\",\"file\":\"$post\""

fresh_copy "$D"
flip_byte "$D/$store" $(($(file_size "$D/$store") / 2))
kz check -i "$D" --full
expect "a flipped byte: full check exits 1 and names the file" 1 "$store: checksum mismatch"

fresh_copy "$D"
rm "$D/$norm"
kz check -i "$D"
expect "a missing segment file is reported" 1 "$norm: missing"

fresh_copy "$D"
flip_byte "$D/MANIFEST" 12
kz check -i "$D"
expect "a damaged manifest is reported" 1 "MANIFEST: checksum mismatch"

# --- errors ----------------------------------------------------------------
kz check -i "$tmp/nowhere"
expect "no index exits 2" 2 "no index at $tmp/nowhere" "$ERR"
mkdir -p "$tmp/empty"
kz check -i "$tmp/empty" --full
expect "an empty directory exits 2" 2 "no index at" "$ERR"
kz check -i "$IDX" extra
expect "an unexpected argument exits 2" 2 "unexpected argument" "$ERR"
kz check --bogus
expect "an unknown option exits 2" 2
kz check --help
expect "check --help exits 0 and mentions check" 0 "kzsearch check"

cli_test_summary
