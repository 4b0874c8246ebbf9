#!/usr/bin/env bash
# The README's second command, and what CI runs: install what is missing, then
# build and run the whole test suite with ctest twice: a plain (debug) build
# and one under AddressSanitizer + UndefinedBehaviorSanitizer. A third build,
# under ThreadSanitizer, runs the tests where threads share an index: readers
# beside a committing writer, parallel indexing, live updates and merges.
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

threaded=(test_concurrent_readers test_live_readers test_threads test_live_updates test_compact)
dir=build-test-tsan
echo "== tsan build ($dir): ${threaded[*]}"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DKZ_TSAN=ON -DKZ_BUILD_BENCH=OFF \
  -DKZ_BUILD_EXAMPLES=OFF -DCMAKE_C_FLAGS='-fsanitize=thread -g' \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread >/dev/null
cmake --build "$dir" -j"$jobs" --target "${threaded[@]}" >/dev/null
regex=$(IFS='|'; echo "integration/(${threaded[*]})\$")
(cd "$dir" && ctest --output-on-failure -j"$jobs" -R "$regex") || status=1
exit $status
