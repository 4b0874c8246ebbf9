#!/usr/bin/env bash
# run.sh - installs the build into a temporary prefix with `cmake --install`
# and checks the result the way an embedder meets it: the installed files
# (SONAME, one public header, the CLI, no build-tree paths), then a consumer
# program (main.c beside this file) built and run four ways: find_package
# with kzsearch::kzsearch and kzsearch::kzsearch_static, and plain cc with
# `pkg-config --cflags --libs kzsearch`, shared and --static. Last, the prefix
# is moved and the pkg-config build repeated, since no installed file may
# record where it was installed.
#
# Run by ctest with KZ_BUILD_DIR (the build tree to install), KZ_VERSION,
# KZ_INSTALL_{BINDIR,INCLUDEDIR,LIBDIR} (GNUInstallDirs, relative), CMAKE,
# CC, optionally KZ_CONFIG and KZ_CONSUMER_FLAGS (compile and link flags for
# the consumers: the sanitizer flags when the build is sanitized, since a
# sanitized library only links into a sanitized program). Exit 77 (skip)
# when cmake, pkg-config or the compiler are missing. Everything is written
# under a temporary directory removed on exit, never into the source tree.

set -u

here=$(cd "$(dirname "$0")" && pwd)
source_root=$(cd "$here/../.." && pwd)
CMAKE=${CMAKE:-cmake}
CC=${CC:-cc}
for tool in "$CMAKE" pkg-config "$CC"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "skip: $tool not found" >&2
    exit 77
  fi
done
if [ -z "${KZ_BUILD_DIR:-}" ] || [ ! -f "$KZ_BUILD_DIR/cmake_install.cmake" ]; then
  echo "run.sh: KZ_BUILD_DIR must name a configured kzsearch build tree" >&2
  exit 2
fi
bindir=${KZ_INSTALL_BINDIR:-bin}
includedir=${KZ_INSTALL_INCLUDEDIR:-include}
libdir_rel=${KZ_INSTALL_LIBDIR:-lib}
for d in "$bindir" "$includedir" "$libdir_rel"; do
  case $d in
  /*) # --prefix would not apply: installing would write outside the temp dir
    echo "skip: absolute install directory $d" >&2
    exit 77
    ;;
  esac
done
version=${KZ_VERSION:?KZ_VERSION must be set}
major=${version%%.*}
read -r -a flags <<<"${KZ_CONSUMER_FLAGS:-}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kz_install.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
unset DESTDIR
prefix="$tmp/prefix"
libdir="$prefix/$libdir_rel"
LOG="$tmp/log"
passed=0
failed=0

pass() { passed=$((passed + 1)); echo "ok   - $1"; }
fail() {
  failed=$((failed + 1))
  echo "FAIL - $1"
  if [ -s "$LOG" ]; then sed 's/^/       | /' "$LOG" | tail -20; fi
}
# check NAME COMMAND...: passes when the command succeeds; its output goes to $LOG.
# (Written aside first, so a check may grep the previous check's $LOG.)
check() {
  local name=$1 rc
  shift
  "$@" >"$LOG.new" 2>&1
  rc=$?
  mv -f "$LOG.new" "$LOG"
  if [ "$rc" -eq 0 ]; then pass "$name"; else fail "$name"; fi
}
# run_consumer PROGRAM NAME: runs a consumer on a fresh index directory.
run_consumer() {
  local exe=$1 name=$2
  rm -rf "$tmp/index"
  if "$exe" "$tmp/index" >"$LOG" 2>&1 && grep -q "^consumer ok (kzsearch $version)$" "$LOG"; then
    pass "$name"
  else
    fail "$name"
  fi
}
readelf_has() { # readelf_has FILE REGEX: the dynamic section matches REGEX
  readelf -d "$1" | grep -qE "$2"
}
lacks_libkzsearch() { # lacks_libkzsearch FILE: FILE does not need libkzsearch.so
  ! readelf -d "$1" | grep -q libkzsearch
}
cli_version_is() { # cli_version_is BINARY VERSION
  "$1" --version | grep -qx "kzsearch $2"
}
exports_only_kz() { # exports_only_kz LIBRARY: every exported code or data symbol is kz_*
  nm -D --defined-only "$1" | awk '$2 ~ /^[TtDdBbRr]$/ {print $3}' |
    grep -v '^kz_' | grep -vE '^_(init|fini)$' | { ! grep .; }
}
names_no_tree() { # names_no_tree DIR...: no file names the build or the source tree
  ! grep -rlF -e "$KZ_BUILD_DIR" -e "$source_root" "$@"
}
pc_static_lists_deps() { # the static link line names every dependency
  local l x
  l=$(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --static --libs kzsearch) || return 1
  for x in -lkzsearch -lstemmer -lm -lzstd -lxxhash -lutf8proc -ljson-c; do
    case " $l " in
    *" $x "*) ;;
    *) echo "missing $x in: $l"; return 1 ;;
    esac
  done
}

# ---------------------------------------------------------------- install
install_args=(--install "$KZ_BUILD_DIR" --prefix "$prefix")
if [ -n "${KZ_CONFIG:-}" ]; then install_args+=(--config "$KZ_CONFIG"); fi
check "cmake --install into a temporary prefix" "$CMAKE" "${install_args[@]}"
if [ "$failed" -ne 0 ]; then
  echo "$passed passed, $failed failed"
  exit 1
fi

check "bin/kzsearch is installed and runs" cli_version_is "$prefix/$bindir/kzsearch" "$version"
check "the only installed header is kzsearch.h" \
  test "$(cd "$prefix/$includedir" && find . -type f)" = "./kzsearch.h"
check "the static library is installed" test -f "$libdir/libkzsearch.a"
check "libkzsearch.so -> .so.$major -> .so.$version" \
  test -L "$libdir/libkzsearch.so" -a -L "$libdir/libkzsearch.so.$major" \
  -a -f "$libdir/libkzsearch.so.$version" -a ! -L "$libdir/libkzsearch.so.$version"
if command -v readelf >/dev/null 2>&1; then
  check "SONAME is libkzsearch.so.$major" \
    readelf_has "$libdir/libkzsearch.so.$version" "\(SONAME\).*\[libkzsearch\.so\.$major\]"
fi
if command -v nm >/dev/null 2>&1; then
  check "the shared library exports only kz_ functions" \
    exports_only_kz "$libdir/libkzsearch.so.$version"
fi
check "the CMake package files are installed" \
  test -f "$libdir/cmake/kzsearch/kzsearchConfig.cmake" \
  -a -f "$libdir/cmake/kzsearch/kzsearchConfigVersion.cmake" \
  -a -f "$libdir/cmake/kzsearch/kzsearchTargets.cmake"
check "no installed text file names the build or source tree" \
  names_no_tree "$libdir/pkgconfig" "$libdir/cmake" "$prefix/$includedir"

# ---------------------------------------------------------------- find_package
check "find_package consumer configures" "$CMAKE" -S "$here" -B "$tmp/cmake-build" \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="${KZ_CONSUMER_FLAGS:-}" \
  -DCMAKE_EXE_LINKER_FLAGS="${KZ_CONSUMER_FLAGS:-}"
check "find_package found the temporary prefix" \
  grep -qF "kzsearch $version found in $libdir/cmake/kzsearch" "$LOG"
check "find_package consumer builds (shared and static)" \
  "$CMAKE" --build "$tmp/cmake-build"
run_consumer "$tmp/cmake-build/consumer_shared" "kzsearch::kzsearch consumer runs"
run_consumer "$tmp/cmake-build/consumer_static" "kzsearch::kzsearch_static consumer runs"
if command -v readelf >/dev/null 2>&1; then
  check "kzsearch::kzsearch consumer needs libkzsearch.so.$major" \
    readelf_has "$tmp/cmake-build/consumer_shared" "\(NEEDED\).*\[libkzsearch\.so\.$major\]"
  check "kzsearch::kzsearch_static consumer does not need libkzsearch.so" \
    lacks_libkzsearch "$tmp/cmake-build/consumer_static"
fi

# ---------------------------------------------------------------- pkg-config
# pc_build PREFIX: builds $tmp/pc_shared and $tmp/pc_static with plain cc.
pc_build() {
  local pc="$1/$libdir_rel/pkgconfig" cflags libs static_libs
  cflags=$(PKG_CONFIG_PATH="$pc" pkg-config --cflags kzsearch) &&
    libs=$(PKG_CONFIG_PATH="$pc" pkg-config --libs kzsearch) &&
    static_libs=$(PKG_CONFIG_PATH="$pc" pkg-config --static --libs kzsearch) || return 1
  echo "cflags: $cflags"
  echo "libs: $libs"
  echo "static: $static_libs"
  # shellcheck disable=SC2086 # pkg-config output is a list of words
  "$CC" "${flags[@]}" $cflags -o "$tmp/pc_shared" "$here/main.c" $libs || return 1
  # The static build names the archive itself so the shared library beside it
  # cannot be picked; Libs.private and Requires.private supply the rest.
  # shellcheck disable=SC2086
  "$CC" "${flags[@]}" $cflags -o "$tmp/pc_static" "$here/main.c" \
    ${static_libs//-lkzsearch/-l:libkzsearch.a}
}
check "pkg-config reports version $version" \
  test "$(PKG_CONFIG_PATH="$libdir/pkgconfig" pkg-config --modversion kzsearch)" = "$version"
check "pkg-config --static lists the private dependencies" pc_static_lists_deps
# kzsearch.h includes only the C library's headers: a consumer needs no
# dependency's flags (json-c's -I, utf8proc's -D), shared or static.
pc_cflags_only_include() {
  local pc="$libdir/pkgconfig" want="-I$prefix/$includedir" c mode
  for mode in "" --static; do
    c=$(PKG_CONFIG_PATH="$pc" pkg-config $mode --cflags kzsearch) || return 1
    c=$(echo $c) # trims the trailing blank pkg-config prints
    # pkg-config prints the include directory as the path it computed from ${pcfiledir}
    if [ "$(cd "$(echo "$c" | sed -n 's/^-I//p')" 2>/dev/null && pwd -P)" != "$(cd "$prefix/$includedir" && pwd -P)" ] ||
      [ "$(echo "$c" | wc -w)" -ne 1 ]; then
      echo "pkg-config $mode --cflags kzsearch: '$c' (expected only $want)"
      return 1
    fi
  done
}
check "pkg-config --cflags names only the include directory" pc_cflags_only_include
check "pkg-config consumers build (shared and static)" pc_build "$prefix"
LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  run_consumer "$tmp/pc_shared" "pkg-config shared consumer runs"
run_consumer "$tmp/pc_static" "pkg-config static consumer runs"

# ---------------------------------------------------------------- relocation
mv "$prefix" "$tmp/moved"
rm -f "$tmp/pc_shared" "$tmp/pc_static"
check "pkg-config consumers build from a moved prefix" pc_build "$tmp/moved"
check "... with the moved include directory" grep -qF "$tmp/moved/" "$LOG"
run_consumer "$tmp/pc_static" "static consumer from the moved prefix runs"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
