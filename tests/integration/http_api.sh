#!/usr/bin/env bash
# http_api.sh - `kzsearch serve` over real HTTP on loopback (tests/integration/http_api.py).
set -u
. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup http_api python3 sample
python3 "$(dirname "$0")/http_api.py" "$KZ" "$DATA" "$tmp"
