#!/usr/bin/env bash
# http_load.sh - the short version of bench/http/load.sh: wrk for 3 seconds
# at 16 connections on the sample articles while a client adds a document
# through the API every second. No request may fail, and every acknowledged
# document must be found afterwards. Skips (77) without wrk or curl.
set -u
. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup http_load wrk curl python3 sample
src=${KZ_SOURCE_DIR:-.}
CORPUS="$DATA" QUERY_FILE="$src/tests/data/http_load_queries.jsonl" APIQ=/nonexistent \
  bash "$src/bench/http/load.sh" 3 16 >"$OUT" 2>"$ERR"
rc=$?
cat "$OUT"
same "load.sh ran" "$rc" 0
check "no failed request" grep -q "errors_non2xx=0 socket_errors=0" "$OUT"
check "every acknowledged document is found, no write failed" \
  grep -qE "acknowledged_documents=[1-9][0-9]* missing_after=0 write_errors=0" "$OUT"
cli_test_summary
