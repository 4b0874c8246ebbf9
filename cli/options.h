/*
 * options.h - a small command-line option parser shared by the subcommands,
 * and strict number parsing.
 *
 * Options and operands may be mixed ("kzsearch foo -k 5"). A lone "-" is an
 * operand (stdin). "--" ends the options: everything after it is an operand,
 * so queries may start with '-'. Before "--", an argument starting with '-'
 * that names no option is an error, not an operand. Values are given as
 * "-k 5", "-k5", "--offset 5" or "--offset=5"; a value may start with '-'
 * (so "-k -1" is rejected as a bad number, not as a missing value).
 */
#ifndef KZ_CLI_OPTIONS_H
#define KZ_CLI_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

typedef struct cli_option {
  const char *long_name; /* without the leading "--"; NULL for none */
  char short_name;       /* 0 for none */
  int takes_value;
  int id;                /* > 0, returned by cli_parser_next */
} cli_option;

/* Returned by cli_parser_next besides option ids. */
#define CLI_OPT_END 0
#define CLI_OPT_OPERAND (-1)
#define CLI_OPT_ERROR (-2)

typedef struct cli_parser {
  int argc;
  char **argv;
  int next;              /* index of the next argument to look at */
  int operands_only;     /* "--" was seen */
  const cli_option *options;
  size_t n_options;
} cli_parser;

void cli_parser_init(cli_parser *p, int argc, char **argv, const cli_option *options,
                     size_t n_options);

/*
 * Returns the id of the next option (its value, if any, in *value), or
 * CLI_OPT_OPERAND with the operand in *value, or CLI_OPT_END, or
 * CLI_OPT_ERROR after printing why (unknown option, missing value, ...).
 */
int cli_parser_next(cli_parser *p, const char **value);

/*
 * Parses a whole decimal number in [min, max]: digits only (no sign, no
 * spaces, no suffix). `what` names the option in the error message, which
 * is the same whatever is wrong ("-k 0" and "-k -1" alike): it says what
 * the option accepts.
 * @return 0, or -1 after printing an error.
 */
int cli_parse_u64(const char *text, const char *what, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Parses a size of at least one byte: a decimal number with an optional K,
 * M, G or T suffix (binary multiples, case-insensitive, optionally followed
 * by "B" or "iB"), e.g. "512K", "64M", "1G", "1048576". Sizes past
 * SIZE_MAX are refused; the same message covers every bad value.
 * @return 0, or -1 after printing an error.
 */
int cli_parse_size(const char *text, const char *what, uint64_t *out);

#endif /* KZ_CLI_OPTIONS_H */
