#!/usr/bin/env bash
# cli_progress.sh - the progress line on a terminal names the merge that is
# running: `kzsearch index` whose commit merges ten segments shows "merging
# 10 segments (10 docs)...", `kzsearch compact` shows its merge with the
# deleted documents it leaves out, and neither line reaches a pipe.
# The terminal is a pseudo-terminal from script(1) (util-linux).
# Run by ctest with KZ = the kzsearch binary; exit 77 (skip) without it or
# without script(1).
set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_progress script
export TERM=xterm
on_tty() { # on_tty OUTFILE ARGS...: runs kzsearch ARGS on a terminal, its output in OUTFILE
  local out=$1 cmd
  shift
  printf -v cmd '%q ' "$KZ" "$@"
  script -qec "$cmd" /dev/null >"$out" 2>&1 </dev/null
}
seen() { tr '\r' '\n' <"$1" | grep -cF -- "$2"; }
doc() { printf '{"id": "d%d", "title": "Title %d", "body": "merged words"}\n' "$1" "$1" >"$tmp/d$1.jsonl"; }

for i in 0 1 2 3 4 5 6 7 8; do
  doc $i
  "$KZ" index -i "$IDX" --threads 1 "$tmp/d$i.jsonl" 2>/dev/null
done
doc 9
on_tty "$tmp/tty" index -i "$IDX" --threads 1 "$tmp/d9.jsonl"
same "index exits 0 on a terminal" "$?" 0
same "the tenth commit shows its merge" "$(seen "$tmp/tty" "merging 10 segments (10 docs)...")" 1
same "the summary follows" "$(seen "$tmp/tty" "indexed 1 document")" 1
same "one segment after the merge" \
  "$("$KZ" stats -i "$IDX" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["segments"])')" 1

for i in 10 11; do
  doc $i
  "$KZ" index -i "$IDX" --threads 1 "$tmp/d$i.jsonl" 2>/dev/null
done
"$KZ" delete -i "$IDX" d0 2>/dev/null
on_tty "$tmp/tty" compact -i "$IDX"
same "compact exits 0 on a terminal" "$?" 0
same "compact shows its merge" \
  "$(seen "$tmp/tty" "merging 3 segments (11 docs, 1 deleted left out)...")" 1
same "then its summary" "$(seen "$tmp/tty" "compacted 3 segments into 1")" 1

# Not a terminal: no progress line at all.
for i in 12 13; do
  doc $i
  "$KZ" index -i "$IDX" --threads 1 "$tmp/d$i.jsonl" 2>/dev/null
done
"$KZ" compact -i "$IDX" 2>"$tmp/err"
same "compact to a pipe exits 0" "$?" 0
same "no progress line in a pipe" "$(grep -c merging "$tmp/err")" 0
same "only the summary" "$(grep -c "compacted 3 segments into 1" "$tmp/err")" 1

cli_test_summary
