#!/usr/bin/env bash
# What the ranking options (README, "Ranking options") cost against a plain
# query, issue 14: RM3 at most 3x, the others at most 1.3x, at top 10 with
# snippets (the server's defaults), on the five test collections of
# ../shared/corpora. The machine is shared, so the figures are instructions
# counted by callgrind, which do not depend on the load:
# `bench_api_queries IDX Q.txt [OPTION]` (4 passes: a warm-up and 3) on the
# first 30 queries and on the first one, the difference divided by 29 x 4.
# Queries as `kzsearch eval` searches them (plain words).
# Usage: bench/ranking_cost.sh [BEFORE_BENCH_API_QUERIES] [CORPUS...]
#   BEFORE_...: a bench_api_queries binary of another build, measured beside
#   this one ("-" for none); corpora default to cranfield cisi cacm npl scifact.
# Prints one TSV line per collection, configuration and build: corpus,
# option, build, instructions per query (millions), ratio to that build's
# plain query. Indexes under ${TMPDIR:-/tmp}/kzsearch-rank/ (shared with
# ranking_options.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${KZ_SHARED_DIR:-$root/../shared}
[ -d "$shared/corpora/cranfield" ] || { echo "no $shared/corpora: nothing to measure" >&2; exit 0; }
command -v valgrind >/dev/null || { echo "valgrind is needed (callgrind)" >&2; exit 1; }
build=${KZ_BUILD_DIR:-$root/build-rel}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DKZ_BUILD_TESTS=OFF -DKZ_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target kzsearch_peer bench_api_queries >/dev/null
before=${1:--}
[ $# -gt 0 ] && shift
. "$root/bench/rank_corpus.sh"
work=${TMPDIR:-/tmp}/kzsearch-rank
mkdir -p "$work"
jobs=$work/cost-jobs.txt
: >"$jobs"
for c in ${@:-cranfield cisi cacm npl scifact}; do
  C=$shared/corpora/$c
  W=$work/$c
  rank_corpus_index "$C" "$W" "$build/kzsearch-peer"
  python3 - "$C/queries.jsonl" "$W/q30.txt" "$W/q1.txt" <<'PY'
import json, sys, urllib.parse
lines = []
for l in open(sys.argv[1]):
    out, start = [], True  # cli_eval_plain_words
    for ch in json.loads(l)["text"]:
        if ch in '()"' or ch.isspace():
            out.append(' '); start = True
        elif (start and ch in '+-*?') or ch == '^':
            out.append(' ')
        else:
            out.append(ch.lower() if 'A' <= ch <= 'Z' else ch); start = False
    lines.append(urllib.parse.quote_plus(''.join(out)))
    if len(lines) == 30: break
open(sys.argv[2], 'w').write('\n'.join(lines) + '\n')
open(sys.argv[3], 'w').write(lines[0] + '\n')
PY
  for b in after $([ "$before" = - ] || echo before); do
    for o in "plain" "--title-weight 2" "--proximity" "--recency 30" "--rm3"; do
      # RM3 met its target before; the other build's is not measured
      [ "$b" = after ] || [ "$o" != --rm3 ] || continue
      for q in q30 q1; do echo "$c|$b|$o|$q" >>"$jobs"; done
    done
  done
done
# A copy, so that rebuilding while it runs changes nothing
cmp -s "$build/bench/bench_api_queries" "$work/bench_api_queries.after" ||
  cp "$build/bench/bench_api_queries" "$work/bench_api_queries.after"
export work build before
# Two at a time: each counts its own instructions, whatever else runs.
tr '\n' '\0' <"$jobs" | xargs -0 -P2 -I{} bash -c '
  IFS="|" read -r c b o q <<<"{}"
  out=$work/cost.$c.$b.${o// /_}.$q
  [ -s "$out" ] && [ "$out" -nt "$work/bench_api_queries.after" ] && exit 0 # measured by an interrupted run
  bin=$work/bench_api_queries.after
  [ "$b" = after ] || bin=$before
  opt=$o; [ "$opt" = plain ] && opt=
  n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$work/$c/idx" "$work/$c/$q.txt" $opt 2>&1 >/dev/null |
      sed -n "s/.*Collected : \([0-9]*\).*/\1/p")
  [ -n "$n" ] && echo "$c|$b|$o|$q|$n" >"$out"'
python3 - "$work" "$jobs" <<'PY'
import sys
work, jobs = sys.argv[1], sys.argv[2]
got = {}
for j in open(jobs):
    c, b, o, q = j.strip().split("|")
    f = "%s/cost.%s.%s.%s.%s" % (work, c, b, o.replace(" ", "_"), q)
    got[(c, b, o, q)] = int(open(f).read().strip().split("|")[4])
per = {}
for (c, b, o, q), n in got.items():
    if q == "q30":
        per[(c, b, o)] = (n - got[(c, b, o, "q1")]) / (29 * 4) / 1e6
print("corpus\toption\tbuild\tM_instructions_per_query\tagainst_plain")
for (c, b, o), m in per.items():
    print("%s\t%s\t%s\t%.2f\t%.3f" % (c, o, b, m, m / per[(c, b, "plain")]))
PY
