#!/usr/bin/env bash
# title:, date: and exclusion queries against Lucene 8, Xapian and SQLite
# FTS5: every engine indexes the corpus with the harness's index option
# --fields (the title as a field of its own, the date as a value), then runs
# the query kinds of the harness's v2 query set that need it, pinned to one
# core, REPS times after a warm-up. Reports per engine and kind the medians
# over the passes of the mean, p50 and p99 of the per-query thread CPU time
# (the harness's --lat files: qid wall_us cpu_us), and the index's time and size.
#
#   bench/peers_fields.sh [CORPUS] [QUERIES.jsonl] [KINDS]
#     defaults: reuters21578, ../shared/peers/queries/reuters21578-v2-n50-s42.jsonl,
#     "title date not"; KZ_PEERS_DIR: the harness (default ../shared/peers, which
#     must have been built with its install.sh); KZ_BUILD_DIR: a Release build
#     of kzsearch-peer (default build-rel); KZ_REPS (3), KZ_WARMUP seconds (10);
#     KZ_WORK: a directory whose indexes (idx-ENGINE) are kept and reused, as
#     bench/v2counts_corpus.sh makes them (default: a temporary one).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=${KZ_PEERS_DIR:-$root/../shared/peers}
corpus=${1:-reuters21578}
queries=${2:-$peers/queries/$corpus-v2-n50-s42.jsonl}
kinds=${3:-title date not}
build=${KZ_BUILD_DIR:-$root/build-rel}
reps=${KZ_REPS:-3}
[ -x "$peers/run.sh" ] || { echo "no $peers/run.sh: nothing to compare" >&2; exit 0; }
[ -x "$build/kzsearch-peer" ] || { echo "no $build/kzsearch-peer (build the kzsearch_peer target)" >&2; exit 2; }
if [ -n "${KZ_WORK:-}" ]; then work=$KZ_WORK; mkdir -p "$work"
else work=$(mktemp -d "${TMPDIR:-/tmp}/kz_peers_fields.XXXXXX"); trap 'rm -rf "$work"' EXIT; fi
python3 - "$queries" "$kinds" >"$work/q.jsonl" <<'PY'
import json, sys
kinds = set(sys.argv[2].split())
for line in open(sys.argv[1]):
    if json.loads(line)["id"].rsplit("-", 1)[0] in kinds:
        print(line, end="")
PY
echo "# $corpus, $(wc -l <"$work/q.jsonl") queries ($kinds), $reps passes, $(date -u +%FT%TZ), $(nproc) cores"
for engine in lucene xapian fts5 "exec:$build/kzsearch-peer"; do
  name=${engine##*/}
  if [ -e "$work/idx-$name/.complete" ]; then
    echo "index $name reused: $work/idx-$name"
  else
    rm -rf "$work/idx-$name"
    idx=$("$peers/run.sh" "$engine" index "$corpus" "$work/idx-$name" --cpu 1 --fields)
    echo "index $name $idx"
    [ -z "${KZ_WORK:-}" ] || touch "$work/idx-$name/.complete"
  fi
  for ((r = 0; r < reps; r++)); do
    "$peers/run.sh" "$engine" search "$work/idx-$name" "$work/q.jsonl" 10 --cpu 1 \
      --warmup-seconds "${KZ_WARMUP:-10}" --lat "$work/lat-$name-$r" >/dev/null 2>"$work/err"
  done
done
python3 - "$work" "$reps" "$kinds" <<'PY'
import glob, statistics, sys
work, reps, kinds = sys.argv[1], int(sys.argv[2]), sys.argv[3].split()
def pct(v, p): v = sorted(v); return v[min(len(v) - 1, int(len(v) * p))]
print("| engine | kind | CPU mean (µs) | CPU p50 | CPU p99 |")
print("|---|---|---|---|---|")
for name in ["lucene", "xapian", "fts5", "kzsearch-peer"]:
    for kind in kinds:
        stats = []
        for r in range(reps):
            cpu = [float(l.split()[2]) for l in open(f"{work}/lat-{name}-{r}") if l.startswith(kind + "-")]
            if cpu: stats.append((sum(cpu) / len(cpu), pct(cpu, 0.5), pct(cpu, 0.99)))
        if not stats: print(f"| {name} | {kind} | unsupported | | |"); continue
        m = [statistics.median(s[i] for s in stats) for i in range(3)]
        print(f"| {name} | {kind} | {m[0]:.1f} | {m[1]:.1f} | {m[2]:.1f} |")
PY
