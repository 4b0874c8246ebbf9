/*
 * commands.h - the table of kzsearch's subcommands: each one's name, entry
 * point, one-line summary (for `kzsearch --help`) and its own help text (for
 * `kzsearch NAME --help`, `-h` and `kzsearch help NAME`).
 *
 * Adding a subcommand NAME (in cli/cmd_NAME.c, with an options[] table):
 *   1. its help text and an entry in the table in commands.c: main.c
 *      dispatches through the table and the overview lists it;
 *   2. a synopsis line and a `.SS "kzsearch NAME ..."` section naming every
 *      option in docs/man/kzsearch.1;
 *   3. NAME and its options in completions/kzsearch.bash (the command list
 *      and the `case $cmd`) and completions/_kzsearch (`commands` and a
 *      branch of `case $cmd`).
 * tests/integration/cli_help.sh and completion.sh read the commands and
 * options from cli/cmd_*.c and fail until all three are done.
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
