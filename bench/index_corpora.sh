#!/usr/bin/env bash
# Indexing throughput, index size and peak memory on the shared corpora.
# Usage: bench/index_corpora.sh [KZSEARCH_BIN] [REPS]   (default: build-rel/kzsearch, 3)
# Each corpus is decompressed once to a temporary file; every run is pinned to
# one core (taskset -c 1) and measured with /usr/bin/time; medians are printed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kz=${1:-$root/build-rel/kzsearch}
reps=${2:-3}
shared=${KZ_SHARED_DIR:-$root/../shared}
[ -d "$shared/corpora" ] || { echo "no $shared/corpora: nothing to measure" >&2; exit 0; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# kzsearch $($kz --version | awk '{print $2}'), $reps runs each, one indexing thread pinned to CPU 1, default --memory (256M)"
printf '| corpus | docs | raw MB | wall s | cpu s | MB/s (wall) | MB/s (cpu) | index MB | without store MB | index / raw | peak RSS MB |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for name in ${KZ_CORPORA:-reuters21578 wikipedia}; do
  src=$shared/corpora/$name/docs.jsonl.zst
  [ -f "$src" ] || continue
  zstd -q -d -c "$src" >"$tmp/$name.jsonl"
  raw=$(stat -c %s "$tmp/$name.jsonl")
  : >"$tmp/runs"
  for r in $(seq "$reps"); do
    rm -rf "$tmp/idx"
    /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" taskset -c 1 "$kz" index --threads 1 -i "$tmp/idx" "$tmp/$name.jsonl" 2>"$tmp/log" || true
    read -r wall user sys rss <"$tmp/time"
    total=$(du -sb "$tmp/idx" | cut -f1)
    store=$(cat "$tmp"/idx/*.store | wc -c)
    docs=$("$kz" stats -i "$tmp/idx" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])')
    echo "$wall $user $sys $rss $total $store $docs" >>"$tmp/runs"
  done
  python3 - "$name" "$raw" "$tmp/runs" <<'PY'
import sys, statistics as st
name, raw, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = [[r[0], r[1] + r[2]] + r[3:] for r in (list(map(float, l.split())) for l in open(path))]
med = lambda i: st.median(r[i] for r in rows)
wall, cpu, rss, total, store, docs = (med(i) for i in range(6))
mb = raw / 1e6
print(f"| {name} | {int(docs)} | {mb:.1f} | {wall:.2f} | {cpu:.2f} | {mb/wall:.1f} | {mb/cpu:.1f} | "
      f"{total/1e6:.1f} | {(total-store)/1e6:.1f} | {total/raw:.2f} ({(total-store)/raw:.2f} without store) | {rss/1024:.0f} |")
PY
done
