#!/usr/bin/env bash
# man_pages.sh - docs/man/kzsearch.1 and kzsearch.3 render without a warning,
# with man(1) (`MANWIDTH=80 man --warnings -l`, as a user would read them) and
# with groff's own strict check (`groff -man -ww -z`), and the rendered pages
# have their sections. What they say is checked against the CLI and the
# header by cli_help.sh.
#
# Run by ctest with KZ_SOURCE_DIR = the repo root (and KZ, as every CLI test).
# Exit 77 (skip) when man or groff is missing (Debian: man-db, groff-base;
# scripts/install-deps.sh installs them).

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup man_pages man groff
src=${KZ_SOURCE_DIR:-.}

# sections PAGE SECTION...: the rendered page has each section heading.
sections() {
  local page=$1 s
  shift
  for s in "$@"; do
    grep -q "^$s\$" "$page" || { echo "no section $s" >"$ERR"; return 1; }
  done
}

for page in kzsearch.1 kzsearch.3; do
  file="$src/docs/man/$page"
  check "$page exists" test -f "$file"
  MANWIDTH=80 man --warnings -l "$file" >"$tmp/$page.txt" 2>"$ERR"
  rc=$?
  check "man --warnings -l $page: no warnings" test "$rc" -eq 0 -a ! -s "$ERR"
  groff -man -ww -z "$file" 2>"$ERR"
  rc=$?
  check "groff -man -ww -z $page: no warnings" test "$rc" -eq 0 -a ! -s "$ERR"
  check "$page renders to text" test -s "$tmp/$page.txt"
done
check "kzsearch(1) has its sections" sections "$tmp/kzsearch.1.txt" NAME SYNOPSIS DESCRIPTION \
  COMMANDS "QUERY SYNTAX" FILES ENVIRONMENT "EXIT STATUS" EXAMPLES "SEE ALSO"
check "kzsearch(3) has its sections" sections "$tmp/kzsearch.3.txt" NAME SYNOPSIS DESCRIPTION \
  "RETURN VALUE" EXAMPLES "SEE ALSO"
check "kzsearch(3) explains the thread model and the conventions" \
  sections "$tmp/kzsearch.3.txt" "   Thread model" "   Conventions"

cli_test_summary
