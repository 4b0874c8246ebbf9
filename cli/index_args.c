/*
 * index_args.c - the shared argument loop of the index commands (see
 * index_args.h). The option table is built per call on the stack: the
 * common options first, then the command's flags, whose ids follow.
 */
#include "index_args.h"

#include <string.h>

#include "options.h"
#include "report.h"

enum { OPT_INDEX = 1, OPT_HELP, OPT_JSON, OPT_FIRST_FLAG };

/* More than any command has; a longer list is a programming error caught by the tests. */
#define MAX_FLAGS 8

int cli_index_args_parse(int argc, char **argv, const char *command, unsigned accepts,
                         const cli_flag *flags, size_t n_flags, cli_index_args *out) {
  cli_option options[3 + MAX_FLAGS] = {
      {"index", 'i', 1, OPT_INDEX},
      {"help", 'h', 0, OPT_HELP},
  };
  size_t n = 2;
  if (accepts & CLI_ARGS_JSON) options[n++] = (cli_option){"json", 0, 0, OPT_JSON};
  for (size_t i = 0; i < n_flags && i < MAX_FLAGS; i++)
    options[n++] = (cli_option){flags[i].name, 0, 0, OPT_FIRST_FLAG + (int)i};
  memset(out, 0, sizeof *out);
  cli_parser parser;
  const char *value;
  int id;
  cli_parser_init(&parser, argc, argv, options, n);
  while ((id = cli_parser_next(&parser, &value)) != CLI_OPT_END) {
    if (id == OPT_INDEX) {
      out->index = value;
    } else if (id == OPT_HELP) {
      return CLI_EXIT_HELP;
    } else if (id == OPT_JSON) {
      out->json = 1;
    } else if (id >= OPT_FIRST_FLAG) {
      out->flags |= flags[id - OPT_FIRST_FLAG].bit;
    } else if (id == CLI_OPT_OPERAND && (accepts & CLI_ARGS_OPERAND) && !out->operand) {
      out->operand = value;
    } else if (id == CLI_OPT_OPERAND && out->operand) {
      cli_error("%s: one argument at a time ('%s' is a second one)", command, value);
      return CLI_EXIT_USAGE;
    } else if (id == CLI_OPT_OPERAND) {
      cli_error("%s: unexpected argument '%s'", command, value);
      return CLI_EXIT_USAGE;
    } else {
      return CLI_EXIT_USAGE; /* the parser said why */
    }
  }
  return 0;
}
