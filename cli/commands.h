/*
 * commands.h - the table of kzsearch's subcommands: each one's name, entry
 * point, one-line summary (for `kzsearch --help`) and its own help text (for
 * `kzsearch NAME --help`, `-h` and `kzsearch help NAME`).
 *
 * Adding a subcommand means adding one entry, with its help text, to
 * commands.c; main.c dispatches through the table and the overview lists it.
 * tests/integration/cli_help.sh checks that every option a cmd_NAME.c accepts
 * appears in that help text, in docs/man/kzsearch.1 and in the completions.
 */
#ifndef KZ_CLI_COMMANDS_H
#define KZ_CLI_COMMANDS_H

#include <stddef.h>

typedef struct cli_command {
  const char *name;
  /* argv holds the arguments after the name. @return an exit status,
   * CLI_EXIT_USAGE or CLI_EXIT_HELP (report.h). */
  int (*run)(int argc, char **argv);
  const char *summary; /* one line, no trailing newline */
  const char *usage;   /* "Usage: kzsearch NAME ..." lines, each ending in '\n' */
  const char *help;    /* printed after the usage lines by --help */
} cli_command;

/* The subcommands in the order the overview lists them. */
extern const cli_command cli_commands[];
extern const size_t cli_n_commands;

/* @return the command called `name`, or NULL. */
const cli_command *cli_command_find(const char *name);

#endif /* KZ_CLI_COMMANDS_H */
