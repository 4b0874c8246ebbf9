#!/usr/bin/env bash
# The README's first command: install what is missing, build (Release), index
# the bundled sample articles into the default index and search them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DKZ_BUILD_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)" --target kzsearch_cli >/dev/null
./build/kzsearch index --rebuild data/kazakhstan/docs.jsonl
./build/kzsearch "CSTO peacekeeping"
