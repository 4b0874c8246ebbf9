#!/usr/bin/env bash
# cli_table_damage.sh - the optional per-segment tables (the simhash column
# .simh, the alias table .alias, the names table .names, the pairs list
# .pairs; docs/FORMAT.md)
# carry checksums like every other file: one flipped byte anywhere in one
# of them (its header, its body, its checksum) is found by `check --full`,
# which names the file; opening the index refuses a damaged simhash, alias
# or pairs table with the file's name (exit 2, no crash), while a damaged names table
# leaves `--exact` searches working (it is read only for capitalised words);
# `compact` refuses to merge any of them (the index stays as it was, no
# damage copied into a new table); restoring the file makes the index whole
# again. Each
# table of the sample index is non-empty (the sample defines CSTO and names
# people and places), so the damage lands in real entries. The index has
# two segments, so that compact has a merge to do.
set -u
. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_table_damage python3 sample

head -3 "$DATA" >"$tmp/a.jsonl"
tail -n +4 "$DATA" >"$tmp/b.jsonl"
kz index -i "$IDX" "$tmp/a.jsonl"
kz index -i "$IDX" "$tmp/b.jsonl"
expect "the sample indexes in two commits" 0
# flip FILE OFFSET: xors one byte of FILE.
flip() {
  python3 - "$1" "$2" <<'PY'
import sys
p, at = sys.argv[1], int(sys.argv[2])
b = bytearray(open(p, "rb").read())
b[at] ^= 0x20
open(p, "wb").write(bytes(b))
PY
}
for ext in simh alias names pairs; do
  file=$(ls "$IDX"/*."$ext" 2>/dev/null | head -1)
  if [ -z "$file" ]; then
    fail "the sample index has a .$ext file"
    continue
  fi
  size=$(wc -c <"$file" | tr -d ' ')
  check "the .$ext file holds more than its frame (${size} bytes)" test "$size" -gt 40
  name=$(basename "$file")
  # the header's version, a byte of the body, the last byte (the checksum)
  for at in 5 $((size / 2)) $((size - 1)); do
    cp "$file" "$tmp/keep"
    flip "$file" "$at"
    kz check --full -i "$IDX"
    expect "$name, byte $at: check --full finds it" 1 "$name"
    if [ "$ext" = names ] && [ "$at" != 5 ]; then
      # read only for capitalised words, never with --exact (which must keep working)
      kz -i "$IDX" --exact Kazakhstan
      expect "$name, byte $at: a search with --exact does not read it" 0
      kz -i "$IDX" Kazakhstan
      check "$name, byte $at: a search that reads it succeeds or fails cleanly (exit $rc)" test "$rc" -le 2
      kz compact -i "$IDX"
      expect "$name, byte $at: compact does not merge it" 2 "names" "$ERR"
    else # every table's frame (its version) is checked on opening
      kz -i "$IDX" Kazakhstan
      expect "$name, byte $at: opening the index refuses it" 2 "$name" "$ERR"
      kz compact -i "$IDX"
      expect "$name, byte $at: compact does not merge it" 2 "$name" "$ERR"
    fi
    cp "$tmp/keep" "$file"
    kz check --full -i "$IDX"
    expect "$name restored: the index checks clean" 0
  done
done
kz -i "$IDX" -c Kazakhstan
expect "the index still answers" 0
cli_test_summary
