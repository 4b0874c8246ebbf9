#!/usr/bin/env bash
# The tail at scale: the ~330,000-document corpus of bench/make_scale_corpus.py
# (Wikipedia in paragraphs, then Reuters, BBC and 20 Newsgroups, every
# document dated) against Lucene 8 and Xapian (FTS5 with KZ_SCALE_ENGINES),
# the 1000 harness queries of Wikipedia, pinned to one core, top 10.
# Run through `bench/peers.sh scale`, never by default: it takes long.
#
# The corpus and each engine's index are built once and kept (in
# KZ_SCALE_DIR, default /tmp/scale-*: the corpus in /tmp/scale-corpus, the
# indexes in /tmp/scale-ENGINE-idx); an index is rebuilt only when it is
# missing or older than the corpus (after a change of kzsearch's format,
# remove /tmp/scale-kzsearch-peer-idx).
# Then REPS rounds, each searching with every engine in turn (CPU time per
# query from the harness's --lat files), so that the engines share the
# machine's state; the report has, per kind and engine, the medians over
# the rounds of the mean, p50 and p99 CPU time, and kzsearch as a fraction
# of the fastest peer. Writes bench/results/peers-scale.md.
#
#   KZ_REPS (3) rounds, KZ_WARMUP (10) seconds of warm-up before each pass,
#   KZ_SCALE_ENGINES ("lucene xapian"), KZ_BUILD_DIR (build-rel),
#   KZ_SHARED_DIR (../shared), KZ_SCALE_QUERIES (the harness's Wikipedia set).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KZ_SHARED_DIR:-$root/../shared}
peers=$shared/peers
[ -x "$peers/run.sh" ] || { echo "no $peers/run.sh: nothing to compare" >&2; exit 0; }
[ -d "$shared/corpora/wikipedia" ] || { echo "no $shared/corpora: nothing to measure" >&2; exit 0; }
build=${KZ_BUILD_DIR:-$root/build-rel}
kzpeer=$build/kzsearch-peer
[ -x "$kzpeer" ] || { echo "no $kzpeer (build the kzsearch_peer target, Release)" >&2; exit 2; }
base=${KZ_SCALE_DIR:-/tmp/scale}
queries=${KZ_SCALE_QUERIES:-$peers/queries/wikipedia-n1000-s42.jsonl}
reps=${KZ_REPS:-3}
engines="${KZ_SCALE_ENGINES:-lucene xapian} exec:$kzpeer"
corpus=$base-corpus/docs.jsonl
runs=$base-runs
mkdir -p "$base-corpus" "$runs" "$root/bench/results"
if [ ! -s "$corpus" ] || [ "$corpus" -ot "$root/bench/make_scale_corpus.py" ]; then
  python3 "$root/bench/make_scale_corpus.py" "$shared/corpora" >"$corpus.tmp"
  mv "$corpus.tmp" "$corpus"
fi

name_of() { local e=${1##*/}; echo "${e#exec:}"; }
for e in $engines; do
  n=$(name_of "$e")
  idx=$base-$n-idx
  if [ ! -e "$idx/.built" ] || [ "$idx/.built" -ot "$corpus" ]; then
    rm -rf "$idx"
    "$peers/run.sh" "$e" index "$corpus" "$idx" --cpu 1 >"$runs/index-$n.txt"
    touch "$idx/.built"
  fi
done

for ((r = 0; r < reps; r++)); do
  for e in $engines; do
    n=$(name_of "$e")
    "$peers/run.sh" "$e" search "$base-$n-idx" "$queries" 10 --cpu 1 --warmup 1 \
      --warmup-seconds "${KZ_WARMUP:-10}" --lat "$runs/lat-$n-$r" >"$runs/run-$n" 2>"$runs/err-$n"
  done
done

{
  echo "# The tail at scale: $(date -u '+%Y-%m-%d %H:%M UTC'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "Corpus: $(wc -l <"$corpus") documents ($corpus); queries: $queries; $reps rounds, pinned to core 1."
  echo
  for e in $engines; do n=$(name_of "$e"); echo "- index $n: $(cat "$runs/index-$n.txt" 2>/dev/null || echo 'kept from an earlier run')"; done
  echo
  names=()
  for e in $engines; do names+=("$(name_of "$e")"); done
  python3 - "$runs" "$reps" "$queries" "${names[@]}" <<'PY'
import json, math, statistics, sys
runs, reps, qpath, names = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
kind = {}
for line in open(qpath):
    q = json.loads(line)
    kind[q["id"]] = q.get("kind") or q["id"].rsplit("-", 1)[0]
def pct(v, p):  # nearest rank, as the harness's bench.py
    v = sorted(v); return v[min(max(math.ceil(p * len(v)), 1), len(v)) - 1]
table = {}
for n in names:
    for r in range(reps):
        per = {}
        for l in open(f"{runs}/lat-{n}-{r}"):
            x = l.split()
            per.setdefault(kind.get(x[0], "?"), []).append(float(x[2]))
            per.setdefault("all", []).append(float(x[2]))
        for k, v in per.items():
            table.setdefault((k, n), []).append((statistics.fmean(v), pct(v, 0.5), pct(v, 0.99)))
med = {key: [statistics.median(s[i] for s in v) for i in range(3)] for key, v in table.items()}
kz = names[-1]
print("Per kind, CPU time per query in µs (medians over the rounds), and kzsearch / fastest peer:\n")
print("| kind | engine | CPU mean | CPU p50 | CPU p99 | kzsearch/fastest mean | kzsearch/fastest p99 |")
print("|---|---|---:|---:|---:|---:|---:|")
for k in sorted({k for k, _ in med}, key=lambda k: (k == "all", k)):
    peers = [n for n in names[:-1] if (k, n) in med]
    for n in names:
        if (k, n) not in med: continue
        m = med[(k, n)]
        ratio = ["", ""]
        if n == kz and peers:
            for i, j in ((0, 0), (1, 2)):
                best = min(peers, key=lambda p: med[(k, p)][j])
                ratio[i] = f"{m[j] / med[(k, best)][j]:.2f} ({best})"
        print(f"| {k} | {n} | {m[0]:.1f} | {m[1]:.1f} | {m[2]:.1f} | {ratio[0]} | {ratio[1]} |")
PY
} | tee "$root/bench/results/peers-scale.md"
