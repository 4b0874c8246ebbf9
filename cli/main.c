/*
 * main.c - the kzsearch program: picks the subcommand, prints usage and
 * help, and turns a command's result into the exit status.
 *
 * Exit status (grep convention): 0 success / something matched, 1 nothing
 * matched / records skipped, 2 any error including bad usage.
 *
 * SIGPIPE keeps (and is reset to) its default action so that
 * `kzsearch ... | head` ends quietly when head stops reading; if the signal
 * is blocked and writes fail with EPIPE instead, that is not reported either.
 * Other write errors on stdout (a full disk) are errors.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmd_check.h"
#include "cmd_compact.h"
#include "cmd_upgrade.h"
#include "cmd_delete.h"
#include "cmd_index.h"
#include "cmd_search.h"
#include "cmd_stats.h"
#include "kzsearch.h"
#include "report.h"

static const char synopsis[] =
    "Usage: kzsearch index [-i DIR] [--rebuild] [--lang LANG] [--memory SIZE] [--threads N]\n"
    "                      [--max-doc-size SIZE] PATH...\n"
    "       kzsearch [search] [-i DIR] [-k N] [--offset N] [--and] [--since DATE] [--until DATE]\n"
    "                [--json] [--count] [--] QUERY...\n"
    "       kzsearch stats [-i DIR] [--json]\n"
    "       kzsearch check [-i DIR] [--full] [--json]\n"
    "       kzsearch delete [-i DIR] [--from FILE] ID...\n"
    "       kzsearch compact [-i DIR]\n"
    "       kzsearch upgrade [-i DIR]\n"
    "       kzsearch --help | --version\n";

static const char help[] =
    "\n"
    "Full-text search over news articles with BM25 ranking.\n"
    "\n"
    "Commands:\n"
    "  index    Add documents to the index and commit them at once. PATH is a JSON\n"
    "           Lines file (.jsonl or .jsonl.zst; one {\"id\", \"title\", \"body\",\n"
    "           \"date\", \"url\"} object per line), a directory (walked recursively\n"
    "           for .txt articles, whose first line is the title, and .jsonl files),\n"
    "           or - for JSON Lines on standard input. Malformed records are\n"
    "           reported as FILE:LINE and skipped.\n"
    "  search   Search the index and print the best hits. This is the default:\n"
    "           'kzsearch CSTO peacekeeping' searches. Several QUERY arguments\n"
    "           are joined by spaces. Use 'kzsearch search index' to search for\n"
    "           a word that is also a command name.\n"
    "  stats    Show the size and contents of the index.\n"
    "  check    Verify the index and list any damage, one 'DIR/FILE: problem'\n"
    "           line each: the manifest's checksum and every file's size,\n"
    "           header and footer; with --full also every file's checksum and\n"
    "           every term, posting, position and stored document.\n"
    "  delete   Delete the documents with the given ids (and, with --from FILE,\n"
    "           the ids listed one per line in FILE, - for stdin) in one commit.\n"
    "           Ids not in the index are reported, not treated as errors.\n"
    "           Indexing a document whose id is already in the index replaces it.\n"
    "  compact  Merge every segment into one, leaving out deleted and replaced\n"
    "           documents. (Segments are also merged automatically after each\n"
    "           commit, ten of similar size at a time.)\n"
    "  upgrade  Rebuild an index written by an older kzsearch (format v1 or v2)\n"
    "           as the current format (v3), from its own stored documents, in\n"
    "           one commit; until then the old index stays as it was.\n"
    "  help     Show this help.\n"
    "\n"
    "Options:\n"
    "  -i, --index DIR   the index directory (see Index location)\n"
    "  --rebuild         index: replace the whole index by the given documents\n"
    "  --lang LANG       index: Snowball stemming language of a new index\n"
    "                    (default english)\n"
    "  --from FILE       delete: read ids from FILE, one per line\n"
    "  --memory SIZE     index: memory to fill before a segment is written, in\n"
    "                    bytes or with a K, M or G suffix (default 256M), shared by\n"
    "                    all indexing threads\n"
    "  --threads N       index: indexing threads (default: the number of cores)\n"
    "  --max-doc-size SIZE  index: skip and report larger documents (default 64M)\n"
    "  -k N              search: how many hits to show (default 10)\n"
    "  --offset N        search: skip the first N hits, for paging (default 0)\n"
    "  --since DATE      search: only documents dated from the start of DATE\n"
    "                    (2022-01-06, 2022-01 or 2022; UTC)\n"
    "  --until DATE      search: only documents dated up to the end of DATE\n"
    "  --and             search: every bare word is required (default: any word)\n"
    "  -c, --count       search: print only the exact number of matches\n"
    "  --full            check: read and cross-check everything (slower)\n"
    "  --json            search, stats, check: print JSON (see below)\n"
    "  --                search: end of options; later arguments are query text\n"
    "                    even when they start with '-' (kzsearch -- -foo bar).\n"
    "                    Before --, an argument starting with '-' must be a known\n"
    "                    option; quote the whole query instead: \"peace -russia\"\n"
    "  -h, --help        show this help\n"
    "  --version         show the version\n"
    "\n"
    "Query syntax:\n"
    "  word1 word2       documents with any of the words (all of them with --and)\n"
    "  \"state of emergency\"   the words as a phrase, next to each other in order\n"
    "  +word             the word is required\n"
    "  -word             documents with the word are left out\n"
    "  a AND b, a OR b, NOT a, ( ... )   Boolean operators (upper case only;\n"
    "                    'and' is a word) and grouping\n"
    "  title:word, title:\"a phrase\"   the word or phrase in the title only,\n"
    "                    ranked by BM25 over titles (+title:x, -title:x work too)\n"
    "  date:2022-01-06   documents of that UTC day; date:2022-01 a month,\n"
    "                    date:2022 a year, date:2022-01-05..2022-01-07 a range,\n"
    "                    date:>=2022-01-05, date:<2022-01-07, date:[A TO B]. A date\n"
    "                    clause filters (no score); undated documents never match\n"
    "  Only 'title:' and 'date:' are fields; another NAME: followed by text is an\n"
    "  error. Words such as 10:30 or http://x are words as before.\n"
    "  Words match whatever their case and inflection (stemming).\n"
    "\n"
    "Output:\n"
    "  Each hit shows rank, score, id and date, then the title and a snippet with\n"
    "  the matching words in bold (only on a terminal, and not when NO_COLOR is\n"
    "  set). \"N matches, showing A-B (T ms)\" follows on stderr.\n"
    "  --json prints one object per line:\n"
    "    {\"type\":\"hit\",\"rank\":1,\"id\":\"..\",\"score\":12.3,\"title\":\"..\",\n"
    "     \"date\":\"2022-01-06\" or null,\"snippet\":\"..\",\"highlights\":[[start,end],..]}\n"
    "  (highlights are UTF-8 byte offsets into the snippet; invalid UTF-8 becomes\n"
    "  U+FFFD), then {\"type\":\"summary\",\"total\":N,\"elapsed_us\":N}. With --count,\n"
    "  --json prints only the summary.\n"
    "  check prints each problem, then \"ok: ...\" or \"damaged: N problems in M\n"
    "  files\". check --json prints {\"type\":\"problem\",\"file\":\"..\",\"problem\":\"..\"}\n"
    "  per problem, then {\"type\":\"summary\",\"files\":N,\"problems\":N,..}.\n"
    "\n"
    "Index location (the first that is set):\n"
    "  -i DIR, $KZSEARCH_INDEX, $XDG_DATA_HOME/kzsearch, $HOME/.local/share/kzsearch\n"
    "  'kzsearch index' creates the directory when missing.\n"
    "\n"
    "Exit status:\n"
    "  0  success; search: something matched\n"
    "  1  search: nothing matched; index: some records were skipped (the others\n"
    "     were committed); check: damage was found\n"
    "  2  an error: bad usage, malformed query, no index, unreadable input, ...\n";

static int usage_error(void) {
  fputs(synopsis, stderr);
  fputs("Try 'kzsearch --help' for more information.\n", stderr);
  return CLI_EXIT_ERROR;
}

static int print_help(void) {
  fputs(synopsis, stdout);
  fputs(help, stdout);
  return CLI_EXIT_OK;
}

static int dispatch(int argc, char **argv) {
  if (argc < 2) return usage_error();
  const char *cmd = argv[1];
  int status;
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
    return print_help();
  if (strcmp(cmd, "--version") == 0) {
    printf("kzsearch %s\n", kz_version());
    return CLI_EXIT_OK;
  }
  if (strcmp(cmd, "index") == 0)
    status = cli_cmd_index(argc - 2, argv + 2);
  else if (strcmp(cmd, "search") == 0)
    status = cli_cmd_search(argc - 2, argv + 2);
  else if (strcmp(cmd, "stats") == 0)
    status = cli_cmd_stats(argc - 2, argv + 2);
  else if (strcmp(cmd, "check") == 0)
    status = cli_cmd_check(argc - 2, argv + 2);
  else if (strcmp(cmd, "delete") == 0)
    status = cli_cmd_delete(argc - 2, argv + 2);
  else if (strcmp(cmd, "compact") == 0)
    status = cli_cmd_compact(argc - 2, argv + 2);
  else if (strcmp(cmd, "upgrade") == 0)
    status = cli_cmd_upgrade(argc - 2, argv + 2);
  else
    status = cli_cmd_search(argc - 1, argv + 1);
  if (status == CLI_EXIT_USAGE) return usage_error();
  if (status == CLI_EXIT_HELP) return print_help();
  return status;
}

/* A write that failed with EPIPE while SIGPIPE was blocked leaves the signal
 * pending: that tells a departed reader apart from a real write error even
 * when errno has since been overwritten. */
static int sigpipe_pending(void) {
  sigset_t pending;
  sigemptyset(&pending);
  return sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
}

int main(int argc, char **argv) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGPIPE, &sa, NULL);

  int status = dispatch(argc, argv);

  errno = 0;
  if (fflush(stdout) != 0 || ferror(stdout)) {
    int e = errno;
    if (e == EPIPE || sigpipe_pending()) return status; /* the reader left; nothing to say */
    cli_error("cannot write to standard output: %s", e ? strerror(e) : "I/O error");
    return CLI_EXIT_ERROR;
  }
  return status;
}
