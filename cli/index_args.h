/*
 * index_args.h - the arguments of the commands that read or rewrite one
 * index and take little else: `stats`, `check`, `show`, `aliases`,
 * `duplicates`, `compact` and `upgrade`. They share -i/--index DIR, -h/--help,
 * and optionally --json, a few on/off flags of their own and one operand, so
 * the loop that parses them is written once here, with the same messages
 * for every command.
 */
#ifndef KZ_CLI_INDEX_ARGS_H
#define KZ_CLI_INDEX_ARGS_H

#include <stddef.h>

/* What a command accepts besides -i and --help. */
#define CLI_ARGS_JSON 1u    /* --json */
#define CLI_ARGS_OPERAND 2u /* exactly one operand (show's ID) */

/* A flag of the command's own: --name sets `bit` in cli_index_args.flags. */
typedef struct cli_flag {
  const char *name;
  unsigned bit;
} cli_flag;

typedef struct cli_index_args {
  const char *index;   /* -i DIR; NULL: the default index (index_path.h) */
  int json;            /* --json */
  unsigned flags;      /* the bits of the flags given */
  const char *operand; /* with CLI_ARGS_OPERAND: the operand */
} cli_index_args;

/*
 * Parses argv into *out for `command` (named in messages), which accepts
 * what `accepts` says and the flags flags[0..n_flags).
 * @return 0 to go on, CLI_EXIT_HELP for --help, or CLI_EXIT_USAGE after
 * printing what is wrong (an unknown option, a missing or extra operand).
 */
int cli_index_args_parse(int argc, char **argv, const char *command, unsigned accepts,
                         const cli_flag *flags, size_t n_flags, cli_index_args *out);

#endif /* KZ_CLI_INDEX_ARGS_H */
