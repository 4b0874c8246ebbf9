#!/usr/bin/env bash
# The ranking options (README, "Ranking options") on the five test
# collections of ../shared/corpora: `kzsearch eval --compare OPTIONS` for
# each option against the default ranking, with its paired randomization
# test, printed as one Markdown table (nDCG@10 and MAP, default -> option,
# the change, p), then the mean nDCG@10 change per option over the five,
# a paired randomization test over the queries of all five (each query's
# nDCG@10 change, signs flipped at random, 10000 times, fixed seed), and
# whether the option meets the bar for becoming the default (>= +1% mean,
# no collection below -1%, the pooled test at p < 0.05; README "Ranking
# options").
# Usage: bench/ranking_options.sh [CORPUS...]   (default: cranfield cisi cacm npl scifact)
# Options measured: KZ_RANK_OPTIONS, one set per line (default below).
# Writes indexes under ${TMPDIR:-/tmp}/kzsearch-rank/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KZ_SHARED_DIR:-$root/../shared}
[ -d "$shared/corpora/cranfield" ] || { echo "no $shared/corpora: nothing to measure" >&2; exit 0; }
build=${KZ_BUILD_DIR:-$root/build-rel}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DKZ_BUILD_TESTS=OFF -DKZ_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target kzsearch_peer kzsearch_cli >/dev/null
options=${KZ_RANK_OPTIONS:-"--title-weight 2
--rm3
--proximity
--recency 30d"}
. "$root/bench/rank_corpus.sh"
work=${TMPDIR:-/tmp}/kzsearch-rank
mkdir -p "$work"
out=$work/results.tsv
: >"$out"
for c in ${@:-cranfield cisi cacm npl scifact}; do
  C=$shared/corpora/$c
  W=$work/$c
  rank_corpus_index "$C" "$W" "$build/kzsearch-peer"
  n=0
  while IFS= read -r o; do
    [ -n "$o" ] || continue
    n=$((n + 1))
    "$build/kzsearch" eval -i "$W/idx" --queries "$C/queries.jsonl" --qrels "$C/qrels.txt" \
      --compare "$o" --json --per-query >"$W/eval$n.json"
    python3 - "$c" "$o" "$W/eval$n.json" >>"$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[3])]
d, o = [r for r in rows if r["type"] == "summary"]
t = [r for r in rows if r["type"] == "test"][0]
per = {}
for r in rows:
    if r["type"] == "query":
        per.setdefault(r["id"], {})[r["run"] == "default"] = r["nDCG@10"]
diffs = ",".join("%.9f" % (v[False] - v[True]) for v in per.values() if len(v) == 2)
print("\t".join([sys.argv[1], sys.argv[2]] + ["%.9f" % x for x in
      (d["nDCG@10"], o["nDCG@10"], t["nDCG@10"], d["MAP"], o["MAP"], t["MAP"])] + [diffs]))
PY
  done <<<"$options"
done
python3 - "$out" <<'PY'
import random, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print("| option | collection | nDCG@10 default → option | change | p | MAP default → option | change | p |")
print("|---|---|---|---|---|---|---|---|")
by, pooled = {}, {}
for c, o, nd, no, np_, md, mo, mp, diffs in rows:
    pooled.setdefault(o, []).extend(float(x) for x in diffs.split(",") if x)
    nd, no, np_, md, mo, mp = map(float, (nd, no, np_, md, mo, mp))
    dn = (no / nd - 1) * 100 if nd else 0.0
    dm = (mo / md - 1) * 100 if md else 0.0
    by.setdefault(o, []).append((c, dn))
    print("| `%s` | %s | %.4f → %.4f | %+.1f%% | %.3f | %.4f → %.4f | %+.1f%% | %.3f |"
          % (o, c, nd, no, dn, np_, md, mo, dm, mp))
print()
def pooled_p(d, rounds=10000):
    """Two-sided paired randomization test of the mean difference (p = (hits + 1) / (rounds + 1))."""
    r = random.Random(20261205)
    obs = abs(sum(d))
    hits = sum(abs(sum(x if r.random() < 0.5 else -x for x in d)) >= obs - 1e-12 for _ in range(rounds))
    return (hits + 1) / (rounds + 1)
print("| option | mean nDCG@10 change | worst collection | queries | pooled p | default? |")
print("|---|---|---|---|---|---|")
for o, v in by.items():
    mean = sum(d for _, d in v) / len(v)
    worst = min(v, key=lambda x: x[1])
    p = pooled_p(pooled[o])
    ok = mean >= 1.0 and worst[1] >= -1.0 and p < 0.05
    print("| `%s` | %+.2f%% | %s %+.1f%% | %d | %.3f | %s |" % (o, mean, worst[0], worst[1], len(pooled[o]), p,
          "yes: meets the bar" if ok else "no: stays an option"))
PY
