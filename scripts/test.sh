#!/usr/bin/env bash
# The README's second command, and what CI runs: install what is missing, build
# every target in Release (warnings are errors there too), then build and run
# with ctest the tests where threads share an index (readers beside a
# committing writer, parallel indexing, live updates and merges) under
# ThreadSanitizer, then the whole suite twice: under AddressSanitizer +
# UndefinedBehaviorSanitizer, and last in a plain (debug) build, whose ctest
# summary line is the last one printed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
status=0

# Every target must build in Release too (-O3 finds warnings -O0 does not).
dir=build-test-release
echo "== release build ($dir): every target"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$dir" -j"$jobs" >/dev/null || { echo "release build failed" >&2; status=1; }

threaded=(test_concurrent_readers test_live_readers test_threads test_live_updates test_compact test_get)
dir=build-test-tsan
echo "== tsan build ($dir): ${threaded[*]}"
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DKZ_TSAN=ON -DKZ_BUILD_BENCH=OFF \
  -DKZ_BUILD_EXAMPLES=OFF -DCMAKE_C_FLAGS='-fsanitize=thread -g' \
  -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread >/dev/null
cmake --build "$dir" -j"$jobs" --target "${threaded[@]}" >/dev/null
regex=$(IFS='|'; echo "integration/(${threaded[*]})\$")
(cd "$dir" && ctest --output-on-failure -j"$jobs" -R "$regex") || status=1

for variant in asan debug; do
  dir=build-test-$variant
  flags=(-DCMAKE_BUILD_TYPE=Debug)
  [ "$variant" = asan ] && flags+=(-DKZ_SANITIZE=ON)
  echo "== $variant build ($dir)"
  cmake -S . -B "$dir" "${flags[@]}" >/dev/null
  cmake --build "$dir" -j"$jobs" >/dev/null
  (cd "$dir" && ctest --output-on-failure -j"$jobs") || status=1
done
exit $status
