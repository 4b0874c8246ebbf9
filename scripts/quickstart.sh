#!/usr/bin/env bash
# The README's first command: install what is missing, build (Release) the
# kzsearch program and libraries, index the bundled sample articles and search
# them. It says what it is doing at each step.
#
# It never replaces an index: when the default index is missing or empty the
# sample articles go there; when it already holds an index (yours, or an
# earlier quick start's), that index is left alone and the samples go to
# build/sample-index instead.
#
# `--build-only` stops after the build (tests/install/quickstart_install.sh
# uses it, with KZ_BUILD_DIR, to check that `cmake --install` works right
# after the quick start's build).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${KZ_BUILD_DIR:-build}
step() { printf '==> %s\n' "$*"; }

step "checking the Debian packages kzsearch needs (scripts/install-deps.sh)"
scripts/install-deps.sh

step "configuring a Release build in $build/"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DKZ_BUILD_TESTS=OFF -DKZ_BUILD_BENCH=OFF \
  -DKZ_BUILD_EXAMPLES=OFF >/dev/null
step "building the kzsearch program and libraries (about a minute on 2 cores)"
# Only the "Built target" lines: enough to show progress; errors still reach stderr.
cmake --build "$build" -j"$(nproc)" | sed -n 's/^\[ *\([0-9]*%\)\] Built target \(.*\)/    built \2 (\1)/p'
[ "${1:-}" = --build-only ] && exit 0

kz=./$build/kzsearch
if "$kz" stats >/dev/null 2>&1; then
  index=$build/sample-index
  step "the default index already exists; leaving it alone and indexing the samples into $index"
  "$kz" index -i "$index" --rebuild data/kazakhstan/docs.jsonl
  search=("$kz" -i "$index")
else
  step "indexing the five sample articles (data/kazakhstan/docs.jsonl) into the default index"
  "$kz" index data/kazakhstan/docs.jsonl
  search=("$kz")
fi

step "searching: kzsearch \"CSTO peacekeeping\""
"${search[@]}" "CSTO peacekeeping"

cat <<EOF
==> done. The program is $(pwd)/$build/kzsearch. To use it by name, either
      export PATH="$(pwd)/$build:\$PATH"
    or install it with the library, header, man pages and shell completions:
      sudo cmake --install $build            (to /usr/local; --prefix DIR for elsewhere)
    Then try: kzsearch --help
EOF
