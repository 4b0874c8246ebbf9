#!/usr/bin/env bash
# cli_no_data_loss.sh - nothing but `--rebuild` replaces an index, and the
# writer never writes into or cleans a directory that is not an index: a
# directory of other files is refused and left byte for byte as it was (no
# LOCK either), a user's file that happens to start with "seg-" survives
# indexing and compaction inside an index directory, and indexing again
# without --rebuild keeps what was there. (An earlier search_example replaced
# the index it was given; examples/check_search_example.cmake tests the example.)
set -u
. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_no_data_loss sample

listing() { (cd "$1" && find . -type f -exec sha256sum {} + | sort); }
documents() { "$KZ" stats -i "$1" --json | sed -n 's/.*"documents":\([0-9]*\).*/\1/p'; }

# A directory of the user's files, one of them named like an index file.
mine="$tmp/mine"
mkdir -p "$mine/sub"
echo "notes" >"$mine/notes.txt"
echo "not ours" >"$mine/seg-00000001.dict"
echo "deep" >"$mine/sub/x"
before=$(listing "$mine")
kz index -i "$mine" "$DATA"
if [ "$rc" -eq 2 ] && grep -qF "not empty and holds no kzsearch index" "$ERR"; then
  pass "index into a directory of other files is refused"
else fail "index into a directory of other files is refused"; fi
same "the directory is untouched (no LOCK, no segment)" "$(listing "$mine")" "$before"
kz index -i "$mine" --rebuild "$DATA"
same "--rebuild does not take a directory that holds no index either" "$rc" 2
same "still untouched after --rebuild" "$(listing "$mine")" "$before"

# An empty directory is fine.
mkdir "$tmp/empty"
kz index -i "$tmp/empty" "$DATA"
same "an empty directory takes a new index" "$rc" 0

# A committed index with a user's file beside it.
kz index -i "$IDX" "$DATA"
same "index the sample" "$rc" 0
echo "keep me" >"$IDX/seg-notes.txt"
kz index -i "$IDX" "$DATA"
kz compact -i "$IDX"
same "compact succeeds" "$rc" 0
same "a user's seg-notes.txt survives indexing and compaction" "$(cat "$IDX/seg-notes.txt" 2>/dev/null)" "keep me"

# Indexing more without --rebuild keeps what was there.
printf '{"id":"extra-1","title":"Extra","body":"an extra document"}\n' >"$tmp/extra.jsonl"
kz index -i "$IDX" "$tmp/extra.jsonl"
same "adding keeps the committed documents" "$(documents "$IDX")" 6
kz index -i "$IDX" --rebuild "$tmp/extra.jsonl"
same "only --rebuild replaces them" "$(documents "$IDX")" 1

cli_test_summary
