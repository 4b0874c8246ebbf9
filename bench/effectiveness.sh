#!/usr/bin/env bash
# Effectiveness of kzsearch on the test collections of ../shared/corpora,
# like for like with ../shared/peers/effectiveness.sh (which runs Lucene,
# Xapian and FTS5): the same queries normalized by the harness's qnorm.py
# (--mode or), top 1000 through the kzsearch-peer adapter (clauses that
# analyze alike merged, as the peers do), scored by trec_eval_lite.py. Also
# runs `kzsearch eval` on the same collection and checks that its figures
# equal trec_eval_lite.py's on the run eval wrote.
# Usage: bench/effectiveness.sh [CORPUS...]   (default: cranfield cisi cacm npl scifact)
# Extra search options for the adapter: KZ_PEER_OPTS="--and" etc.
# Writes indexes and runs under ${TMPDIR:-/tmp}/kzsearch-eff/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KZ_SHARED_DIR:-$root/../shared}
peers=$shared/peers
[ -f "$peers/trec_eval_lite.py" ] || { echo "no $peers/trec_eval_lite.py: nothing to measure" >&2; exit 0; }
build=${KZ_BUILD_DIR:-$root/build-rel}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DKZ_BUILD_TESTS=OFF -DKZ_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target kzsearch_peer kzsearch_cli >/dev/null
for c in ${@:-cranfield cisi cacm npl scifact}; do
  C=$shared/corpora/$c
  W=${TMPDIR:-/tmp}/kzsearch-eff/$c
  mkdir -p "$W"
  zstdcat -f "$C/docs.jsonl.zst" >"$W/docs.jsonl"
  "$build/kzsearch-peer" index "$W/docs.jsonl" "$W/idx" >"$W/index.log"
  python3 "$peers/qnorm.py" --mode or "$C/queries.jsonl" >"$W/queries.tsv"
  "$build/kzsearch-peer" search "$W/idx" "$W/queries.tsv" 1000 --tag kzsearch-merged \
    >"$W/kzsearch-merged.run" 2>/dev/null
  "$build/kzsearch" eval -i "$W/idx" --queries "$C/queries.jsonl" --qrels "$C/qrels.txt" \
    --run "$W/kzsearch-eval.run" >"$W/eval.out"
  echo "#### $c ($(wc -l <"$W/docs.jsonl") docs, $(wc -l <"$C/queries.jsonl") queries)"
  echo
  python3 "$peers/trec_eval_lite.py" "$C/qrels.txt" "$W/kzsearch-merged.run" "$W/kzsearch-eval.run"
  awk '$1 == "default" { printf "| kzsearch eval (its own output) | %s | %s | %s | %s | %s | %s |\n", n, $2, $3, $4, $5, $6 }
       / judged queries/ { n = $1 }' "$W/eval.out"
  echo
done
