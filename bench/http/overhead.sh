#!/usr/bin/env bash
# bench/http/overhead.sh - what the HTTP server adds to a search, measured
# without the load of bench/http/load.sh: the server pinned to CPU 0 with one
# worker thread, wrk with one connection sending requests one after another
# pinned to the last CPU, then the same queries in process through the C API
# (bench_api_queries, pinned to CPU 0), in the same run. Twice: with the
# harness's Reuters queries, and with a query that matches nothing
# (zqxnothing, with suggest=false, and --no-suggest in process: no "did you
# mean" and its scan of the dictionaries), where the engine's part is a few
# µs and what remains is the server's. For each it prints
#   - the wall-time overhead: p50 through HTTP minus p50 in process;
#   - the server's CPU time per request (utime + stime of all its threads,
#     /proc/PID/stat, over the wrk run), split into user and kernel time,
#     minus the in-process CPU time per query: the CPU overhead, and the
#     kernel's (loopback TCP) share of it.
#
#   bench/http/overhead.sh [SECONDS=8]     (KZ=path/to/kzsearch, APIQ=..., INDEX=existing index)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-8}
KZ=${KZ:-$root/build/kzsearch}
APIQ=${APIQ:-$(dirname "$KZ")/bench/bench_api_queries}
shared=${KZ_SHARED_DIR:-$root/../shared}
corpus=${CORPUS:-$shared/corpora/reuters21578/docs.jsonl.zst}
queries=${QUERY_FILE:-$shared/peers/queries/reuters21578-n1000-s42.jsonl}
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 77; }
command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ] || { echo "taskset and 2 CPUs are needed" >&2; exit 77; }
[ -x "$APIQ" ] || { echo "$APIQ is missing (build the bench targets)" >&2; exit 77; }
[ -f "$queries" ] || { echo "skip: $queries missing" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kz_http_overhead.XXXXXX")
srv=
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT
idx=${INDEX:-}
if [ -z "$idx" ]; then
  [ -f "$corpus" ] || { echo "skip: $corpus missing" >&2; exit 77; }
  idx=$tmp/idx
  "$KZ" index -i "$idx" "$corpus" 2>&1 | tail -1
fi
python3 "$here/harness_queries.py" "$queries" >"$tmp/q.txt"
echo "zqxnothing&suggest=false" >"$tmp/one.txt" # queries.lua appends the line to q=
echo zqxnothing >"$tmp/one_api.txt"

taskset -c 0 "$KZ" serve -i "$idx" --listen 127.0.0.1:0 --threads 1 --quiet >"$tmp/serve.out" 2>&1 &
srv=$!
for _ in $(seq 100); do grep -q http "$tmp/serve.out" && break; sleep 0.1; done
url=$(grep -o 'http://[^/]*/' "$tmp/serve.out")
last=$(($(nproc) - 1))
hz=$(getconf CLK_TCK)
ticks() { awk '{print $14, $15}' /proc/$srv/stat; } # utime stime, all threads

for set in q one; do
  label=$([ $set = q ] && echo "harness queries" || echo "zqxnothing, no suggestion")
  api_args=$([ $set = q ] && echo "$tmp/q.txt" || echo "$tmp/one_api.txt --no-suggest")
  QUERIES="$tmp/$set.txt" taskset -c $last wrk -t1 -c1 -d2s -s "$here/queries.lua" "$url" >/dev/null # warm
  read -r u0 s0 < <(ticks)
  QUERIES="$tmp/$set.txt" taskset -c $last wrk -t1 -c1 -d"${secs}s" --latency -s "$here/queries.lua" "$url" >"$tmp/wrk.out"
  read -r u1 s1 < <(ticks)
  n=$(sed -n 's/^requests=\([0-9]*\).*/\1/p' "$tmp/wrk.out")
  http_p50=$(sed -n 's/.*p50_us=\([0-9]*\).*/\1/p' "$tmp/wrk.out")
  # shellcheck disable=SC2086 # api_args: the file and its options
  taskset -c 0 "$APIQ" "$idx" $api_args >"$tmp/api.out"
  api_p50=$(sed -n 's/.*p50_us=\([0-9.]*\).*/\1/p' "$tmp/api.out")
  api_cpu=$(sed -n 's/.*cpu_mean_us=\([0-9.]*\).*/\1/p' "$tmp/api.out")
  echo "== $label: $n requests over ${secs}s, one connection"
  awk -v n="$n" -v hz="$hz" -v du=$((u1 - u0)) -v ds=$((s1 - s0)) -v hp="$http_p50" -v ap="$api_p50" -v ac="$api_cpu" 'BEGIN {
    user = du / hz * 1e6 / n; sys = ds / hz * 1e6 / n
    printf "wall: p50 %d us through HTTP, %.1f us in process: overhead %.1f us\n", hp, ap, hp - ap
    printf "cpu per request: server %.1f us (user %.1f, kernel %.1f), in process %.1f: overhead %.1f us, %.0f%% of it kernel time\n",
      user + sys, user, sys, ac, user + sys - ac, 100 * sys / (user + sys - ac)
  }'
done
