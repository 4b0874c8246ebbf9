#!/usr/bin/env bash
# quickstart_install.sh - `cmake --install` works right after the quick
# start's build (it once built only the CLI, and installing then failed on the
# missing shared library). Runs the quick start's own configure and build steps
# (scripts/quickstart.sh --build-only) into a scratch build directory, installs
# into a scratch prefix and checks what arrived. Skipped in sanitizer builds
# (KZ_CONSUMER_FLAGS set): it makes a Release build of its own, which needs no
# second run there.
set -u
if [ -n "${KZ_CONSUMER_FLAGS:-}" ]; then echo "skip: sanitizer build" >&2; exit 77; fi
src=${KZ_SOURCE_DIR:?KZ_SOURCE_DIR is the repository root}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kz_quickstart_install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0
KZ_BUILD_DIR="$tmp/build" "$src/scripts/quickstart.sh" --build-only || { echo "FAIL - quick start build"; exit 1; }
if cmake --install "$tmp/build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1; then
  echo "ok   - cmake --install after the quick start's build"
else
  echo "FAIL - cmake --install after the quick start's build"; tail -5 "$tmp/install.log"; failed=1
fi
for f in bin/kzsearch include/kzsearch.h; do
  if [ -e "$tmp/prefix/$f" ]; then echo "ok   - installed $f"; else echo "FAIL - $f missing"; failed=1; fi
done
if ls "$tmp"/prefix/lib*/libkzsearch.so.0 "$tmp"/prefix/lib*/libkzsearch.a >/dev/null 2>&1; then
  echo "ok   - installed the shared and static libraries"
else echo "FAIL - libraries missing"; failed=1; fi
"$tmp/prefix/bin/kzsearch" --version >/dev/null 2>&1 && echo "ok   - the installed kzsearch runs" ||
  { echo "FAIL - the installed kzsearch does not run"; failed=1; }
exit $failed
