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
#include "index_args.h"
#include "report.h"

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
  cli_index_args args;
  int parsed = cli_index_args_parse(argc, argv, "aliases", CLI_ARGS_JSON, NULL, 0, &args);
  if (parsed) return parsed;
  const char *index_opt = args.index;
  int json = args.json;
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
