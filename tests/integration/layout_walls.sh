#!/usr/bin/env bash
# layout_walls.sh - the source tree's walls (docs/ARCHITECTURE.md, "Layout"):
#   common/    includes nothing of the project but common/ and kzsearch.h;
#   format/    and analysis/ never include indexer/, searcher/ or cli/;
#   indexer/   never includes searcher/ or cli/, searcher/ never indexer/ or cli/;
#   cli/       includes kzsearch.h, its own files and server/ (kzsearch serve) only;
#   server/    (the HTTP server) includes kzsearch.h, server/, the shared JSON
#              writer cli/json_out.h and the option values of cli/search_opts.h
#              only: it uses the public API like the CLI;
#   include/   (the public header) includes no internal header;
#   and the library (common, format, analysis, indexer, searcher) never
#   prints: no printf, fprintf, puts, perror... nor stdout/stderr, outside comments.
#
# Usage: layout_walls.sh [ROOT]   checks the tree at ROOT (default
# $KZ_SOURCE_DIR, else the repository holding this script); exit 1 and one
# line per violation when a wall is crossed.
# Then, unless KZ_WALLS_NO_SELF_TEST is set, it proves that it can fail: it
# copies the tree's sources to a temporary directory, plants one violation of
# each kind and expects each to be reported.

set -u

here=$(cd "$(dirname "$0")" && pwd)
root=${1:-${KZ_SOURCE_DIR:-$here/../..}}
if [ ! -d "$root/common" ] || [ ! -d "$root/format" ]; then
  echo "layout_walls: no source tree at $root" >&2
  exit 2
fi

# check ROOT: prints each violation, returns 1 if there was one. One perl
# process reads every file: include lines as they are, then the text without
# comments and string or character literals, so that a word in a comment or
# a message does not count as a call.
check() {
  perl -e '
    my $r = shift;
    my %allowed = (
      common   => qr{^(common/|kzsearch\.h$)},
      format   => qr{^(common/|format/|analysis/|kzsearch\.h$)},
      analysis => qr{^(common/|format/|analysis/|kzsearch\.h$)},
      indexer  => qr{^(common/|format/|analysis/|indexer/|kzsearch\.h$)},
      searcher => qr{^(common/|format/|analysis/|searcher/|kzsearch\.h$)},
      cli      => qr{^(kzsearch\.h|[a-z0-9_]+\.h|server/[a-z0-9_]+\.h)$},
      server   => qr{^(kzsearch\.h|server/[a-z0-9_]+\.h|cli/json_out\.h|cli/search_opts\.h)$},
      include  => qr{^$},
    );
    my $prints = qr{(?<![A-Za-z0-9_])(?:(?:printf|vprintf|fprintf|vfprintf|dprintf|puts|fputs|putchar|perror|psignal)\s*\(|(?:stdout|stderr)(?![A-Za-z0-9_]))};
    my $bad = 0;
    for my $dir (sort keys %allowed) {
      for my $f (sort glob("$r/$dir/*.[ch]")) {
        open(my $fh, "<", $f) or die "layout_walls: cannot read $f\n";
        local $/;
        my $text = <$fh>;
        (my $name = $f) =~ s{^\Q$r\E/}{};
        while ($text =~ /^[ \t]*#[ \t]*include[ \t]*"([^"]*)"/mg) {
          my $inc = $1;
          next if $inc =~ $allowed{$dir} && ($dir ne "cli" || $inc eq "kzsearch.h" || -e "$r/cli/$inc" || -e "$r/$inc");
          print STDERR "layout_walls: $name includes \"$inc\" across a wall\n";
          $bad = 1;
        }
        next if $dir eq "cli" || $dir eq "server" || $dir eq "include";
        $text =~ s{(/\*.*?\*/)|(//[^\n]*)|("(?:\\.|[^"\\\n])*")|(\x27(?:\\.|[^\x27\\\n])*\x27)}{
          defined $1 ? "\n" x ($1 =~ tr/\n//) : defined $2 ? "" : q("")}gse;
        my $line = 0;
        for my $l (split /\n/, $text, -1) {
          $line++;
          next unless $l =~ $prints;
          print STDERR "layout_walls: $name:$line: library code prints: $l\n";
          $bad = 1;
        }
      }
    }
    exit $bad;
  ' "$1"
}

check "$root" || exit 1
echo "layout_walls: the tree at $root keeps its walls"
[ -n "${KZ_WALLS_NO_SELF_TEST:-}" ] && exit 0

# The self-test: each planted violation must be caught, and the clean copy pass.
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/t"
cp -R "$root/common" "$root/format" "$root/analysis" "$root/indexer" "$root/searcher" \
  "$root/cli" "$root/server" "$root/include" "$tmp/t/" || exit 2
failed=0
if ! check "$tmp/t" 2>/dev/null; then
  echo "layout_walls: FAIL the clean copy is reported" >&2
  failed=1
fi
# plant NAME FILE LINE: with LINE appended to FILE, the check must fail.
plant() {
  cp "$tmp/t/$2" "$tmp/saved"
  printf '%s\n' "$3" >>"$tmp/t/$2"
  if check "$tmp/t" 2>/dev/null; then
    echo "layout_walls: FAIL not caught: $1" >&2
    failed=1
  else
    echo "layout_walls: caught: $1"
  fi
  cp "$tmp/saved" "$tmp/t/$2"
}
plant "indexer includes searcher" indexer/writer.c '#include "searcher/index.h"'
plant "searcher includes indexer" searcher/search.c '#include "indexer/merger.h"'
plant "format includes indexer" format/segment_writer.c '#include "indexer/inverter.h"'
plant "analysis includes searcher" analysis/fold.c '  #  include "searcher/plan.h"'
plant "common includes format" common/buf.c '#include "format/file.h"'
plant "cli includes an internal header" cli/main.c '#include "common/buf.h"'
plant "cli includes a header it does not have" cli/main.c '#include "buf.h"'
plant "server includes an internal header" server/router.c '#include "searcher/index.h"'
plant "public header includes an internal one" include/kzsearch.h '#include "common/error.h"'
plant "library prints (fprintf)" format/file.c 'static void f(void) { fprintf(stderr, "x"); }'
plant "library prints (puts)" searcher/search.c 'static void f(void) { puts("x"); }'
plant "library names stdout" indexer/writer.c 'static FILE *f(void) { return stdout; }'
# Not violations: a word in a comment or a string, snprintf.
printf '%s\n' '/* printf( would print; stderr */' 'static const char *s = "puts(x) stdout";' \
  'static int f(char *b) { return snprintf(b, 1, "x"); }' >>"$tmp/t/common/buf.c"
if ! check "$tmp/t" 2>/dev/null; then
  echo "layout_walls: FAIL a comment, a string or snprintf is reported" >&2
  failed=1
fi
exit $failed
