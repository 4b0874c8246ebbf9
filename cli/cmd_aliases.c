/*
 * cmd_aliases.c - `kzsearch aliases [-i DIR] [--json]`: the index's alias
 * table (kz_index_aliases), acronyms with the long forms the indexed text
 * gives them.
 *
 * Text: one "SF<TAB>DOCS<TAB>long form" line per entry, a '*' after DOCS for
 * the long forms that searches expand the acronym to. --json: one
 * {"type":"alias",...} line per entry. Exit 0, or 2 on errors.
 */
#include "cmd_aliases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_path.h"
#include "json_out.h"
#include "kzsearch.h"
#include "options.h"
#include "report.h"

enum { OPT_INDEX = 1, OPT_JSON, OPT_HELP };

static const cli_option options[] = {
    {"index", 'i', 1, OPT_INDEX},
    {"json", 0, 0, OPT_JSON},
    {"help", 'h', 0, OPT_HELP},
};

static int on_alias(void *ctx, const kz_alias *a) {
  const int *json = ctx;
  if (*json) {
    cli_json_alias(stdout, a);
    fputc('\n', stdout);
  } else {
    printf("%s\t%llu%s\t%s\n", a->short_form, (unsigned long long)a->docs, a->expanded ? "*" : "",
           a->long_form);
  }
  return 0;
}

int cli_cmd_aliases(int argc, char **argv) {
  const char *index_opt = NULL;
  int json = 0;
  cli_parser parser;
  const char *value;
  int opt;
  cli_parser_init(&parser, argc, argv, options, sizeof options / sizeof options[0]);
  while ((opt = cli_parser_next(&parser, &value)) != CLI_OPT_END) {
    switch (opt) {
      case OPT_INDEX: index_opt = value; break;
      case OPT_JSON: json = 1; break;
      case OPT_HELP: return CLI_EXIT_HELP;
      case CLI_OPT_OPERAND: cli_error("aliases: unexpected argument '%s'", value); return CLI_EXIT_USAGE;
      default: return CLI_EXIT_USAGE;
    }
  }
  char *index_path = NULL;
  kz_index *index = NULL;
  if (cli_index_open(index_opt, &index_path, &index) != 0) return CLI_EXIT_ERROR;
  kz_error err;
  memset(&err, 0, sizeof err);
  int status = CLI_EXIT_OK;
  int rc = kz_index_aliases(index, on_alias, &json, &err);
  if (rc != KZ_OK) {
    cli_error_kz(index_path, rc, &err);
    status = CLI_EXIT_ERROR;
  } else if (fflush(stdout) != 0) {
    cli_error("cannot write the output");
    status = CLI_EXIT_ERROR;
  }
  kz_index_close(index);
  free(index_path);
  return status;
}
