#!/usr/bin/env bash
# The ranking options (README, "Ranking options") on the five test
# collections of ../shared/corpora: `kzsearch eval --compare OPTIONS` for
# each option against the default ranking, with its paired randomization
# test, printed as one Markdown table (nDCG@10 and MAP, default -> option,
# the change, p), then the mean nDCG@10 change per option over the five and
# whether it meets the bar for becoming the default (>= +1% mean, no
# collection below -1%, README "Ranking options").
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
work=${TMPDIR:-/tmp}/kzsearch-rank
mkdir -p "$work"
out=$work/results.tsv
: >"$out"
for c in ${@:-cranfield cisi cacm npl scifact}; do
  C=$shared/corpora/$c
  W=$work/$c
  mkdir -p "$W"
  if [ ! -f "$W/idx/MANIFEST" ]; then
    zstdcat -f "$C/docs.jsonl.zst" >"$W/docs.jsonl"
    "$build/kzsearch-peer" index "$W/docs.jsonl" "$W/idx" >"$W/index.log"
  fi
  while IFS= read -r o; do
    [ -n "$o" ] || continue
    "$build/kzsearch" eval -i "$W/idx" --queries "$C/queries.jsonl" --qrels "$C/qrels.txt" \
      --compare "$o" --json >"$W/eval.json"
    python3 - "$c" "$o" "$W/eval.json" >>"$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[3])]
d, o, t = rows[0], rows[1], rows[2]
print("\t".join([sys.argv[1], sys.argv[2]] + ["%.9f" % x for x in
      (d["nDCG@10"], o["nDCG@10"], t["nDCG@10"], d["MAP"], o["MAP"], t["MAP"])]))
PY
  done <<<"$options"
done
python3 - "$out" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print("| option | collection | nDCG@10 default → option | change | p | MAP default → option | change | p |")
print("|---|---|---|---|---|---|---|---|")
by = {}
for c, o, nd, no, np_, md, mo, mp in rows:
    nd, no, np_, md, mo, mp = map(float, (nd, no, np_, md, mo, mp))
    dn = (no / nd - 1) * 100 if nd else 0.0
    dm = (mo / md - 1) * 100 if md else 0.0
    by.setdefault(o, []).append((c, dn))
    print("| `%s` | %s | %.4f → %.4f | %+.1f%% | %.3f | %.4f → %.4f | %+.1f%% | %.3f |"
          % (o, c, nd, no, dn, np_, md, mo, dm, mp))
print()
print("| option | mean nDCG@10 change | worst collection | default? |")
print("|---|---|---|---|")
for o, v in by.items():
    mean = sum(d for _, d in v) / len(v)
    worst = min(v, key=lambda x: x[1])
    ok = mean >= 1.0 and worst[1] >= -1.0
    print("| `%s` | %+.2f%% | %s %+.1f%% | %s |" % (o, mean, worst[0], worst[1],
          "meets the bar (check the p-values)" if ok else "no: stays an option"))
PY
