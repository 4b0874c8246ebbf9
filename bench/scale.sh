#!/usr/bin/env bash
# Indexing at scale: a deterministic corpus of ~330,000 documents made from
# the shared corpora (Wikipedia split into paragraphs, then Reuters, BBC and
# 20 Newsgroups: bench/make_scale_corpus.py). Measures documents/s, MB/s,
# peak resident memory and index size with 1 and 2 threads; peak memory
# against each --memory budget; and query latency on 10% and 100% of the
# corpus (the Wikipedia query set, through kzsearch-peer) next to the
# postings each index holds.
# Usage: bench/scale.sh            (writes bench/results/scale.md)
#        KZ_SCALE_REPS=N (default 3) runs of each indexing configuration
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KZ_SHARED_DIR:-$root/../shared}
[ -d "$shared/corpora" ] || { echo "no $shared/corpora: nothing to measure" >&2; exit 0; }
build=${KZ_BUILD_DIR:-$root/build-rel}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DKZ_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target kzsearch_cli kzsearch_peer >/dev/null
kz=$build/kzsearch
tmp=${TMPDIR:-/tmp}/kzsearch-scale
mkdir -p "$tmp" "$root/bench/results"
out=$root/bench/results/scale.md
[ -s "$tmp/full.jsonl" ] || python3 "$root/bench/make_scale_corpus.py" "$shared/corpora" >"$tmp/full.jsonl"
[ -s "$tmp/tenth.jsonl" ] || python3 "$root/bench/make_scale_corpus.py" "$shared/corpora" --fraction 0.1 >"$tmp/tenth.jsonl"
raw=$(stat -c %s "$tmp/full.jsonl")
reps=${KZ_SCALE_REPS:-3}

run_index() { # corpus threads memory -> "wall user sys rss_kb docs bytes"
  rm -rf "$tmp/idx"
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$kz" index -i "$tmp/idx" --threads "$2" --memory "$3" "$1" 2>/dev/null || true
  local docs
  docs=$("$kz" stats -i "$tmp/idx" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])')
  echo "$(cat "$tmp/time") $docs $(du -sb "$tmp/idx" | cut -f1)"
}

{
  echo "# Scale: $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "Corpus: $(wc -l <"$tmp/full.jsonl") documents, $((raw / 1000000)) MB of JSON Lines (bench/make_scale_corpus.py)."
  echo
  echo "Each budget is run $reps times with one thread and two, alternating; the table holds"
  echo "medians (peak RSS: the largest of the runs), and the speed-up is the median one-thread"
  echo "wall time over the median two-thread one (in brackets: the range of the speed-ups of"
  echo "consecutive pairs)."
  echo
  echo "| threads | --memory | wall s | cpu s | docs/s | MB/s | speed-up | peak RSS MB | budget + 64 MiB | index MB |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for budget in 64M 256M 1G; do
    : >"$tmp/runs"
    for _ in $(seq "$reps"); do
      for threads in 1 2; do
        echo "$threads $(run_index "$tmp/full.jsonl" "$threads" "$budget")" >>"$tmp/runs"
      done
    done
    python3 - "$tmp/runs" "$budget" "$raw" <<'PY'
import statistics, sys
runs = [list(map(float, l.split())) for l in open(sys.argv[1])]
budget, raw = sys.argv[2], int(sys.argv[3])
limit = {"64M": 64, "256M": 256, "1G": 1024}[budget] + 64
by = {t: [r for r in runs if r[0] == t] for t in (1, 2)}
med = lambda t, i: statistics.median(r[i] for r in by[t])
pairs = [a[1] / b[1] for a, b in zip(by[1], by[2])]
for t in (1, 2):
    wall, cpu = med(t, 1), statistics.median(r[2] + r[3] for r in by[t])
    rss, docs, size = max(r[4] for r in by[t]), med(t, 5), med(t, 6)
    up = f"{med(1, 1) / wall:.2f}x ({min(pairs):.2f}-{max(pairs):.2f})" if t == 2 else ""
    print(f"| {t} | {budget} | {wall:.1f} | {cpu:.1f} | {docs / wall:,.0f} | {raw / 1e6 / wall:.1f} | "
          f"{up} | {rss / 1024:.0f} | {limit} | {size / 1e6:.0f} |")
PY
  done
  echo
  echo "Query latency (Wikipedia query set, top 10, kzsearch-peer, one core) against corpus size:"
  echo
  echo "| corpus | documents | postings | mean µs | p50 µs | p99 µs | cpu mean µs |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  python3 "$shared/peers/qnorm.py" "$shared/peers/queries/wikipedia-n1000-s42.jsonl" --mode auto >"$tmp/q.tsv"
  for part in tenth full; do
    rm -rf "$tmp/qidx"
    "$build/kzsearch-peer" index "$tmp/$part.jsonl" "$tmp/qidx" >/dev/null
    stats=$("$kz" stats -i "$tmp/qidx" --json)
    line=$(taskset -c 1 "$build/kzsearch-peer" search "$tmp/qidx" "$tmp/q.tsv" 10 --warmup 2 2>&1 >/dev/null | tail -1)
    python3 - "$part" "$stats" "$line" <<'PY'
import json, re, sys
part, stats, line = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
kv = {k: float(v) for k, v in re.findall(r"(\w+)=([-0-9.]+)", line)}
print(f"| {'10%' if part == 'tenth' else '100%'} | {stats['documents']} | {stats['postings']} | "
      f"{kv['mean_us']:.1f} | {kv['p50_us']:.1f} | {kv['p99_us']:.1f} | {kv['cpu_mean_us']:.1f} |")
PY
  done
} | tee "$out"
