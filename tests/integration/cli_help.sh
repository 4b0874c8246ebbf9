#!/usr/bin/env bash
# cli_help.sh - the help texts and the manual pages against what the CLI
# really accepts. The commands and their options are read from the source
# (lib/cli_surface.py: NAME of every cli/cmd_NAME.c and the entries of its
# options[] table), so a new command or option without help fails here.
#   - `kzsearch --help` is a short overview listing every command;
#   - `kzsearch COMMAND --help` (= -h = `kzsearch help COMMAND`) is that
#     command's own text, not the overview: its usage line, every option it
#     accepts, examples and exit status, in 80 columns; a usage error shows
#     the command's usage, not everyone's;
#   - docs/man/kzsearch.1 has a section per command naming every option;
#   - docs/man/kzsearch.3 describes every function include/kzsearch.h declares;
#   - both pages carry the version of the binary in their title line.
# (Their rendering is checked by man_pages.sh, the completions by completion.sh.)
#
# Run by ctest with KZ = the kzsearch binary and KZ_SOURCE_DIR = the repo
# root. Exit 77 (skip) when the binary or python3 is missing.

set -u

. "$(dirname "$0")/lib/cli_test.sh"
cli_test_setup cli_help python3
src=${KZ_SOURCE_DIR:-.}
man1="$src/docs/man/kzsearch.1"
man3="$src/docs/man/kzsearch.3"

python3 "$(dirname "$0")/lib/cli_surface.py" "$src" >"$tmp/surface" || exit 2
commands=$(cut -d' ' -f1 "$tmp/surface" | sort -u)
same "the source has the six commands or more" "$(echo "$commands" | wc -l | awk '$1 >= 6 {print "yes"}')" yes

# has_word FILE WORD: WORD occurs in FILE, not as part of a longer option or name.
has_word() { grep -qE -- "(^|[^[:alnum:]_-])$2([^[:alnum:]_-]|\$)" "$1"; }
# roff_text FILE: the man page source with its escapes for '-' and fonts removed.
roff_text() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\|//g' "$1"; }
# man_section NAME: the .SS section of kzsearch.1 for command NAME ("kzsearch [NAME] ...").
man_section() {
  roff_text "$man1" | awk -v name="$1" '
    /^\.S[SH]/ { on = 0 }
    /^\.SS "kzsearch / { w = $3; gsub(/[][]/, "", w); on = (w == name) }
    on'
}
longest_line() { awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }' "$1"; }

# ---------------------------------------------------------------- the overview
kz --help
cp "$OUT" "$tmp/overview"
check "--help exits 0 with the overview on stdout" test "$rc" -eq 0 -a -s "$OUT" -a ! -s "$ERR"
check "the overview is short (at most 40 lines)" test "$(wc -l <"$OUT")" -le 40
check "the overview has the query syntax, the index location and exit status" \
  bash -c "grep -q 'Query syntax' '$OUT' && grep -q KZSEARCH_INDEX '$OUT' && grep -q 'Exit status' '$OUT'"
check "the overview points to 'kzsearch COMMAND --help'" grep -q "kzsearch COMMAND --help" "$OUT"
check "the overview fits in 80 columns" test "$(longest_line "$OUT")" -le 80
kz -h
check "-h is the overview" cmp -s "$OUT" "$tmp/overview"
kz help
check "help is the overview" cmp -s "$OUT" "$tmp/overview"
listed=$(awk '/^Commands:/ { on = 1; next } on && /^$/ { on = 0 } on { print $1 }' "$tmp/overview" |
  grep -vx help | sort)
same "the overview lists exactly the commands of cli/cmd_*.c" "$(echo $listed)" "$(echo $commands)"
kz help no-such-command
check "help of an unknown command exits 2" test "$rc" -eq 2 -a ! -s "$OUT"
check "... and says so" grep -q "no command 'no-such-command'" "$ERR"

# ---------------------------------------------------------------- each command
for cmd in $commands; do
  kz "$cmd" --help
  cp "$OUT" "$tmp/help.$cmd"
  check "$cmd --help exits 0, on stdout only" test "$rc" -eq 0 -a -s "$OUT" -a ! -s "$ERR"
  check "$cmd --help is not the overview" bash -c "! cmp -s '$OUT' '$tmp/overview'"
  check "$cmd --help starts with its own usage line" \
    bash -c "head -1 '$OUT' | grep -qE '^Usage: kzsearch \\[?$cmd\\]? '"
  check "$cmd --help has Options, Examples and Exit status" \
    bash -c "grep -q '^Options:' '$OUT' && grep -q '^Examples:' '$OUT' && grep -q '^Exit status:' '$OUT'"
  check "$cmd --help fits in 80 columns" test "$(longest_line "$OUT")" -le 80
  kz "$cmd" -h
  check "$cmd -h is $cmd --help" cmp -s "$OUT" "$tmp/help.$cmd"
  kz help "$cmd"
  check "help $cmd is $cmd --help" cmp -s "$OUT" "$tmp/help.$cmd"
  kz "$cmd" --no-such-option
  check "$cmd --no-such-option exits 2 with $cmd's usage" \
    bash -c "test $rc -eq 2 && head -2 '$ERR' | grep -q 'Usage: kzsearch.*$cmd' && grep -q \"Try 'kzsearch $cmd --help'\" '$ERR'"

  man_section "$cmd" >"$tmp/man.$cmd"
  check "kzsearch.1 has a section for $cmd" test -s "$tmp/man.$cmd"
  roff_text "$man1" | awk '/^\.SH SYNOPSIS/ { on = 1; next } /^\.SH/ { on = 0 } on' >"$tmp/synopsis"
  check "kzsearch.1's synopsis shows $cmd" grep -qE "^\\.(B|RB \\[) $cmd( |\$)" "$tmp/synopsis"
  roff_text "$man1" | awk '/^\.SS "Options of every command"/ { on = 1; next } /^\.S[SH]/ { on = 0 } on' \
    >>"$tmp/man.$cmd"

  missing_help='' missing_man=''
  while read -r c opt; do
    [ "$c" = "$cmd" ] || continue
    has_word "$tmp/help.$cmd" "$opt" || missing_help="$missing_help $opt"
    has_word "$tmp/man.$cmd" "$opt" || missing_man="$missing_man $opt"
  done <"$tmp/surface"
  same "$cmd --help names every option $cmd accepts" "${missing_help:-none missing}" "none missing"
  same "kzsearch.1 names every option $cmd accepts" "${missing_man:-none missing}" "none missing"
done

version=$("$KZ" --version | awk '{ print $2 }')
for page in "$man1" "$man3"; do
  same "$(basename "$page") is the manual of kzsearch $version" \
    "$(grep -m1 '^\.TH' "$page" | grep -o '"kzsearch [^"]*"')" "\"kzsearch $version\""
done

# ---------------------------------------------------------------- kzsearch(3)
functions=$(grep -oE '^KZ_API [^(]*\b(kz_[a-z0-9_]+)\(' "$src/include/kzsearch.h" |
  grep -oE 'kz_[a-z0-9_]+\($' | tr -d '(' | sort -u)
check "include/kzsearch.h declares functions" test "$(echo "$functions" | wc -w)" -ge 20
roff_text "$man3" | awk '/^\.SH SYNOPSIS/ { on = 1; next } /^\.SH/ { on = 0 } on' >"$tmp/synopsis3"
roff_text "$man3" | awk '/^\.SH DESCRIPTION/ { on = 1; next } /^\.SH/ { on = 0 } on' >"$tmp/description3"
missing_syn='' missing_desc=''
for f in $functions; do
  grep -q "[ *]$f(" "$tmp/synopsis3" || missing_syn="$missing_syn $f"
  grep -qE "(^|[^a-z_])$f(\\(|[^a-z_]|\$)" "$tmp/description3" || missing_desc="$missing_desc $f"
done
same "kzsearch.3's synopsis declares every function of kzsearch.h" "${missing_syn:-none missing}" "none missing"
same "kzsearch.3 describes every function of kzsearch.h" "${missing_desc:-none missing}" "none missing"
for code in $(grep -oE '^ *KZ_ERR_[A-Z_]+' "$src/include/kzsearch.h"); do
  grep -q "^\\.B $code\$" "$man3" || missing_code="${missing_code:-} $code"
done
same "kzsearch.3 lists every error code" "${missing_code:-none missing}" "none missing"

cli_test_summary
