-- queries.lua - wrk script for bench/http/load.sh: each request is the next
-- query of QUERIES (one URL-encoded query per line), round robin, so the
-- mix of the harness's query kinds reaches the server in a steady cycle.
-- Responses other than 200 are counted and reported as errors.
local queries, n, i = {}, 0, 0
local errors = 0

function init(args)
  local path = os.getenv("QUERIES")
  for line in io.lines(path) do
    n = n + 1
    queries[n] = line
  end
  i = math.random(n) -- threads start at different places
end

function request()
  i = i % n + 1
  return wrk.format("GET", "/api/search?k=10&q=" .. queries[i])
end

function response(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d errors_non2xx=%d socket_errors=%d\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
  io.write(string.format("rps=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
