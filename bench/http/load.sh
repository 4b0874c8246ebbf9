#!/usr/bin/env bash
# bench/http/load.sh - `kzsearch serve` under load: wrk on loopback with the
# harness's Reuters queries (../shared/peers/queries/reuters21578-n1000-s42.jsonl),
# while a client adds documents through the API and commits every second.
# Reports throughput, latency percentiles, errors (must be 0), whether every
# acknowledged document is found afterwards, and resident memory at the start
# and the end. Then the same queries in process through the C API
# (bench_api_queries) for the server's overhead per request: in wall time
# (single-connection p50 against the in-process p50) and in CPU time (the
# server process's CPU time over the single-connection run, per request,
# against the in-process CPU time per query), which other load on the
# machine does not inflate. The server and the in-process run are pinned to
# CPU 0, wrk to the last CPU, when taskset is there.
#
#   bench/http/load.sh [SECONDS=30] [CONNECTIONS=64]     (KZ=path/to/kzsearch)
# The test suite runs a short version (tests/integration/http_load.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
secs=${1:-30}
conns=${2:-64}
KZ=${KZ:-$root/build/kzsearch}
APIQ=${APIQ:-$(dirname "$KZ")/bench/bench_api_queries}
shared=${KZ_SHARED_DIR:-$root/../shared}
corpus=${CORPUS:-$shared/corpora/reuters21578/docs.jsonl.zst}
queries=${QUERY_FILE:-$shared/peers/queries/reuters21578-n1000-s42.jsonl}
command -v wrk >/dev/null || { echo "wrk is needed (apt-get install wrk)" >&2; exit 77; }
[ -f "$corpus" ] && [ -f "$queries" ] || { echo "skip: $corpus or $queries missing" >&2; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kz_http_load.XXXXXX")
trap 'kill $srv $writer 2>/dev/null; rm -rf "$tmp"' EXIT
srv= writer=

echo "== index $(basename "$(dirname "$corpus")")"
"$KZ" index -i "$tmp/idx" "$corpus" 2>&1 | tail -1
python3 "$here/harness_queries.py" "$queries" >"$tmp/q.txt"
echo "k3y" >"$tmp/key"
pin_server= pin_client=
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server="taskset -c 0" pin_client="taskset -c $(($(nproc) - 1))"
fi
$pin_server "$KZ" serve -i "$tmp/idx" --listen 127.0.0.1:0 --api-key-file "$tmp/key" --quiet >"$tmp/serve.out" 2>&1 &
srv=$!
for _ in $(seq 100); do grep -q http "$tmp/serve.out" && break; sleep 0.1; done
url=$(grep -o 'http://[^/]*/' "$tmp/serve.out")
rss() { awk '/VmRSS/ {print $2 " kB"}' /proc/$srv/status; }
echo "rss_start=$(rss)"

# The writer: one document per second, each acknowledged id remembered.
(
  i=0
  while :; do
    i=$((i + 1))
    printf '{"id":"load-%d","title":"Load test %d","body":"zqxload%d appended while searching"}\n' $i $i $i >"$tmp/doc.jsonl"
    if curl -sf -H 'Authorization: Bearer k3y' -H 'Content-Type: application/x-ndjson' \
         --data-binary @"$tmp/doc.jsonl" "${url}api/documents" >/dev/null; then
      echo "load-$i zqxload$i" >>"$tmp/acked"
    else
      echo "write $i failed" >>"$tmp/write_errors"
    fi
    sleep 1
  done
) &
writer=$!

echo "== wrk: ${secs}s, $conns connections, 2 threads"
QUERIES="$tmp/q.txt" wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$here/queries.lua" "$url" | tee "$tmp/wrk.out" | grep -E "requests=|rps=|Requests/sec"
kill $writer; wait $writer 2>/dev/null || true; writer=
echo "== wrk: 10s, 1 connection (latency through HTTP, for the overhead per request)"
cpu_ticks() { awk '{print $14 + $15}' /proc/$srv/stat; } # utime + stime of every thread
ticks0=$(cpu_ticks)
QUERIES="$tmp/q.txt" $pin_client wrk -t1 -c1 -d10s --latency -s "$here/queries.lua" "$url" | tee "$tmp/wrk1.out" | grep -E "requests=|rps="
ticks1=$(cpu_ticks)
requests1=$(sed -n 's/^requests=\([0-9]*\).*/\1/p' "$tmp/wrk1.out")
awk -v t=$((ticks1 - ticks0)) -v hz="$(getconf CLK_TCK)" -v n="$requests1" \
  'BEGIN { printf "server_cpu_per_request_us=%.1f (over %d requests)\n", t / hz * 1e6 / n, n }'
echo "rss_end=$(rss)"
acked=$(wc -l <"$tmp/acked")
missing=0
while read -r id word; do
  curl -sf "${url}api/search?q=$word&count=true" | grep -q '"total":1,' || missing=$((missing + 1))
done <"$tmp/acked"
echo "acknowledged_documents=$acked missing_after=$missing write_errors=$( [ -f "$tmp/write_errors" ] && wc -l <"$tmp/write_errors" || echo 0)"

if [ -x "$APIQ" ]; then
  echo "== the same queries in process (C API, one thread)"
  $pin_server "$APIQ" "$tmp/idx" "$tmp/q.txt"
fi
