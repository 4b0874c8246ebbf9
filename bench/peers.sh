#!/usr/bin/env bash
# End-to-end comparison with Lucene 8, Xapian and SQLite FTS5 through the
# harness in ../shared/peers (same corpus, queries, timing, one pinned core).
# Usage: bench/peers.sh [CORPUS...]        (default: reuters21578 wikipedia)
#        bench/peers.sh scale               the ~330,000-document corpus of
#          bench/make_scale_corpus.py against Lucene and Xapian (long: not in
#          the default run; indexes kept in /tmp/scale-*): bench/peers_scale.sh
# Needs the peers installed once: ../shared/peers/install.sh
# Writes bench/results/peers-<corpus>.md (the harness's Markdown report).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
peers=${KZ_SHARED_DIR:-$root/../shared}/peers
[ -x "$peers/bench.py" ] || { echo "no $peers/bench.py: nothing to compare" >&2; exit 0; }
build=${KZ_BUILD_DIR:-$root/build-rel}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DKZ_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target kzsearch_peer >/dev/null
mkdir -p "$root/bench/results"
for corpus in "${@:-reuters21578 wikipedia}"; do
  for c in $corpus; do
    if [ "$c" = scale ]; then
      KZ_BUILD_DIR=$build "$root/bench/peers_scale.sh"
      continue
    fi
    work=${TMPDIR:-/tmp}/kzsearch-peers/$c
    mkdir -p "$work"
    python3 "$peers/bench.py" "$c" -n 1000 --seed 42 --reps "${KZ_REPS:-3}" --cpu 1 \
      --warmup-seconds "${KZ_WARMUP:-10}" --queries "$peers/queries/$c-n1000-s42.jsonl" \
      --engines "lucene,xapian,fts5,exec:$build/kzsearch-peer" --work "$work" \
      | tee "$root/bench/results/peers-$c.md"
  done
done
