#!/usr/bin/env bash
# What dates cost against the same query (issue 10): on an index whose
# documents have dates, the harness's queries run through the C API
# (bench_api_queries, ids and scores only, top 10, one thread, pinned),
# plain and then with a date filter, sorted by date (newest and oldest
# first), with month facets over all matches, and as an exact count.
# Each configuration: medians of 3 passes after a warm-up; ROUNDS rounds
# alternate the configurations, so that the machine's drift hits them all.
#
#   bench/dates_same_query.sh INDEX_DIR QUERIES.jsonl SINCE UNTIL [ROUNDS]
#     e.g. on the scale corpus (bench/peers_scale.sh builds its index):
#     bench/dates_same_query.sh /tmp/scale-kzsearch-peer-idx \
#       ../shared/peers/queries/wikipedia-n1000-s42.jsonl 2010-01-01 2010-12-31
#   KZ_BUILD_DIR (build-rel): a Release build with bench_api_queries;
#   KZ_CPU (1): the core to pin to.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 4 ] || { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
idx=$1 queries=$2 since=$3 until=$4 rounds=${5:-2}
bench=${KZ_BUILD_DIR:-$root/build-rel}/bench/bench_api_queries
[ -x "$bench" ] || { echo "no $bench (build the bench_api_queries target, Release)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kz_dates_same.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 - "$queries" >"$work/q.txt" <<'PY'
import json, sys, urllib.parse
for line in open(sys.argv[1]):
    q = json.loads(line)
    text = ("+" + " +".join(q["text"].split())) if q.get("mode") == "and" and '"' not in q["text"] else q["text"]
    print(urllib.parse.quote(text))
PY
configs=("plain|--ids-only" "date filter|--ids-only --since $since --until $until"
         "sorted by date, newest first|--ids-only --sort date"
         "sorted by date, oldest first|--ids-only --sort date:asc"
         "month facets|--ids-only --facet date:month" "exact count|--count")
echo "# $(basename "$idx"), $(wc -l <"$work/q.txt") queries, $rounds rounds, $(date -u +%FT%TZ), load $(cut -d' ' -f1 /proc/loadavg)"
for ((r = 1; r <= rounds; r++)); do
  for c in "${configs[@]}"; do
    # shellcheck disable=SC2086
    line=$(taskset -c "${KZ_CPU:-1}" "$bench" "$idx" "$work/q.txt" ${c#*|})
    echo "$r|${c%%|*}|$line" | tee -a "$work/runs" >&2
  done
done
python3 - "$work/runs" "$rounds" <<'PY'
import re, sys
rows = {}
for line in open(sys.argv[1]):
    r, name, rest = line.rstrip("\n").split("|", 2)
    v = dict(re.findall(r"(\w+)=([\d.]+)", rest))
    rows.setdefault(name, []).append((float(v["cpu_mean_us"]), float(v["cpu_p50_us"]), float(v["cpu_p99_us"])))
plain, count = rows["plain"], rows["exact count"]
print("| configuration | CPU mean (µs) | CPU p50 | CPU p99 | against |")
print("|---|---|---|---|---|")
for name, v in rows.items():
    base = count if name == "month facets" else plain
    what = "the exact count" if name == "month facets" else "the plain query"
    ratio = " / ".join(f"{a[0] / b[0]:.2f}x" for a, b in zip(v, base)) + f" mean of {what}; p99 " + \
            " / ".join(f"{a[2] / b[2]:.2f}x" for a, b in zip(v, base))
    cell = lambda i: " / ".join(f"{x[i]:.1f}" for x in v)
    print(f"| {name} | {cell(0)} | {cell(1)} | {cell(2)} | {'' if name in ('plain', 'exact count') else ratio} |")
PY
