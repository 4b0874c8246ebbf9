#!/usr/bin/env bash
# The README's second command, and what CI runs: install what is missing, then
# build and run the whole test suite with ctest twice: a plain (debug) build
# and one under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
status=0
for variant in debug asan; do
  dir=build-test-$variant
  flags=(-DCMAKE_BUILD_TYPE=Debug)
  [ "$variant" = asan ] && flags+=(-DKZ_SANITIZE=ON)
  echo "== $variant build ($dir)"
  cmake -S . -B "$dir" "${flags[@]}" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
  (cd "$dir" && ctest --output-on-failure -j"$jobs") || status=1
done
exit $status
