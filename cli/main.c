/*
 * main.c - the kzsearch program: picks the subcommand from the table in
 * commands.c, prints the overview (`kzsearch --help`), a command's own help
 * (`kzsearch COMMAND --help`) or its usage after a usage error, and turns a
 * command's result into the exit status.
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

#include "commands.h"
#include "kzsearch.h"
#include "report.h"

static const char synopsis[] =
    "Usage: kzsearch COMMAND [OPTIONS] [ARGUMENTS]\n"
    "       kzsearch [search] [OPTIONS] QUERY...\n"
    "       kzsearch help [COMMAND] | --help | --version\n";

/* The overview; the commands' list is printed from the table between intro and rest. */
static const char overview_intro[] =
    "\n"
    "Full-text search over news articles with BM25 ranking.\n"
    "\n"
    "Commands:\n";

static const char overview_rest[] =
    "  help       Show this help, or a command's: kzsearch help COMMAND\n"
    "\n"
    "Query syntax:\n"
    "  word1 word2       any of the words (all with --and), in any case or inflection\n"
    "  \"state of emergency\"   the words as a phrase, next to each other in order\n"
    "  +word, -word      the word is required; documents with it are left out\n"
    "  AND, OR, NOT, ( )   Boolean operators, grouping (upper case: 'and' is a word)\n"
    "  title:word, title:\"a b\"   in the title only (+title:x, -title:x too)\n"
    "  date:2022-01-06   a filter: that UTC day; 2022-01, 2022, A..B, >=A, [A TO B]\n"
    "  peace*, tokaev~1  words starting with peace; within 1 edit (~2, ~: auto)\n"
    "  \"a b\"~5, a NEAR/5 b   sloppy phrase (slop 5); within 5 in any order (NEAR: 10)\n"
    "\n"
    "Index location (the first that is set):\n"
    "  -i DIR, $KZSEARCH_INDEX, $XDG_DATA_HOME/kzsearch, $HOME/.local/share/kzsearch\n"
    "\n"
    "Exit status: 0 success (search: something matched); 1 search: nothing matched,\n"
    "  index: records skipped, check: damage found; 2 an error (bad usage, malformed\n"
    "  query, no index, unreadable input, ...)\n"
    "\n"
    "Run 'kzsearch COMMAND --help' for its options and examples; 'man kzsearch'.\n";

static int print_overview(void) {
  fputs(synopsis, stdout);
  fputs(overview_intro, stdout);
  for (size_t i = 0; i < cli_n_commands; i++)
    printf("  %-10s %s\n", cli_commands[i].name, cli_commands[i].summary);
  fputs(overview_rest, stdout);
  return CLI_EXIT_OK;
}

static int print_command_help(const cli_command *cmd) {
  fputs(cmd->usage, stdout);
  fputs(cmd->help, stdout);
  return CLI_EXIT_OK;
}

/* cmd is NULL when no command could be told (no arguments at all). */
static int usage_error(const cli_command *cmd) {
  if (!cmd) {
    fputs(synopsis, stderr);
    fputs("Try 'kzsearch --help' for more information.\n", stderr);
  } else {
    fputs(cmd->usage, stderr);
    fprintf(stderr, "Try 'kzsearch %s --help' for more information.\n", cmd->name);
  }
  return CLI_EXIT_ERROR;
}

/* `kzsearch help [COMMAND]`. */
static int help_command(int argc, char **argv) {
  if (argc == 0 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)
    return print_overview();
  const cli_command *cmd = cli_command_find(argv[0]);
  if (argc > 1 || !cmd) {
    if (!cmd)
      cli_error("help: no command '%s'", argv[0]);
    else
      cli_error("help: unexpected argument '%s'", argv[1]);
    fputs("Usage: kzsearch help [COMMAND]\n", stderr);
    return CLI_EXIT_ERROR;
  }
  return print_command_help(cmd);
}

static int dispatch(int argc, char **argv) {
  if (argc < 2) return usage_error(NULL);
  const char *name = argv[1];
  if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) return print_overview();
  if (strcmp(name, "help") == 0) return help_command(argc - 2, argv + 2);
  if (strcmp(name, "--version") == 0) {
    printf("kzsearch %s\n", kz_version());
    return CLI_EXIT_OK;
  }
  const cli_command *cmd = cli_command_find(name);
  int status;
  if (cmd) {
    status = cmd->run(argc - 2, argv + 2);
  } else { /* the bare form: every argument belongs to search */
    cmd = cli_command_find("search");
    status = cmd->run(argc - 1, argv + 1);
  }
  if (status == CLI_EXIT_USAGE) return usage_error(cmd);
  if (status == CLI_EXIT_HELP) return print_command_help(cmd);
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
