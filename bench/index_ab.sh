#!/bin/sh
# index_ab.sh - indexing CPU time of two kzsearch builds, side by side.
#
# Usage: bench/index_ab.sh KZ_A KZ_B CORPUS.jsonl [ROUNDS] [CPU]
#
# Runs `kzsearch index --threads 1` of each build on the same (decompressed)
# corpus in alternating rounds (A, B, A, B, ...), pinned to one core with
# taskset, into a fresh directory each time, and prints each round's user +
# system CPU seconds (from /usr/bin/time), the medians, the median of the
# paired ratios B/A and the index sizes. CPU time rather than wall time,
# because the machine is shared: another job's load stretches the wall clock
# far more than it moves the CPU a process spends. Used for "Format v3
# against v2" in bench/RESULTS.md (A: the last format-v2 commit, B: HEAD).
set -eu

if [ $# -lt 3 ]; then
  echo "usage: $0 KZ_A KZ_B CORPUS.jsonl [ROUNDS] [CPU]" >&2
  exit 2
fi
a=$1 b=$2 corpus=$3 rounds=${4:-5} cpu=${5:-1}
for f in "$a" "$b"; do
  [ -x "$f" ] || { echo "$0: $f is not an executable" >&2; exit 2; }
done
[ -r "$corpus" ] || { echo "$0: cannot read $corpus" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "$0: needs /usr/bin/time (Debian package time)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# one run: prints "user+sys" CPU seconds; keeps the index's size in $work/size.X
run() {
  rm -rf "$work/idx"
  /usr/bin/time -f '%U %S' -o "$work/time" taskset -c "$cpu" "$1" index --threads 1 \
    -i "$work/idx" "$corpus" >/dev/null 2>&1 || { echo "$0: $1 failed" >&2; exit 1; }
  du -sb "$work/idx" | cut -f1 >"$work/size.$2"
  awk '{ printf "%.2f\n", $1 + $2 }' "$work/time"
}

: >"$work/a"
: >"$work/b"
i=1
while [ "$i" -le "$rounds" ]; do
  ta=$(run "$a" a)
  tb=$(run "$b" b)
  echo "$ta" >>"$work/a"
  echo "$tb" >>"$work/b"
  echo "round $i: A $ta s, B $tb s, B/A $(awk -v x="$ta" -v y="$tb" 'BEGIN { printf "%.3f", y / x }')"
  echo "$ta $tb" >>"$work/pairs"
  i=$((i + 1))
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ma=$(median <"$work/a")
mb=$(median <"$work/b")
mr=$(awk '{ printf "%.4f\n", $2 / $1 }' "$work/pairs" | median)
echo "median CPU: A $ma s, B $mb s, B/A $(awk -v x="$ma" -v y="$mb" 'BEGIN { printf "%.3f", y / x }')"
echo "median of the paired ratios B/A: $mr"
echo "index size: A $(cat "$work/size.a") B, B $(cat "$work/size.b") B"
