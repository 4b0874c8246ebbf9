/*
 * cmd_upgrade.c - `kzsearch upgrade [-i DIR]`: rebuilds an index of an
 * older format from its own stored documents as the current format, in one
 * commit (kz_index_upgrade), and says how many documents it carried over.
 * An index already of the current format is left alone.
 */
#include "cmd_upgrade.h"

#include <stdio.h>
#include <stdlib.h>

#include "index_path.h"
#include "kzsearch.h"
#include "options.h"
#include "report.h"
#include "term.h"

enum { OPT_INDEX = 1, OPT_HELP };

static const cli_option options[] = {
    {"index", 'i', 1, OPT_INDEX},
    {"help", 'h', 0, OPT_HELP},
};

int cli_cmd_upgrade(int argc, char **argv) {
  const char *index_opt = NULL, *value;
  cli_parser parser;
  int id;
  cli_parser_init(&parser, argc, argv, options, sizeof options / sizeof options[0]);
  while ((id = cli_parser_next(&parser, &value)) != CLI_OPT_END) {
    switch (id) {
      case OPT_INDEX: index_opt = value; break;
      case OPT_HELP: return CLI_EXIT_HELP;
      case CLI_OPT_OPERAND: cli_error("upgrade: unexpected argument '%s'", value); return CLI_EXIT_USAGE;
      default: return CLI_EXIT_USAGE;
    }
  }
  char *path = NULL;
  if (cli_index_path_resolve(index_opt, &path) != 0) {
    free(path);
    return CLI_EXIT_ERROR;
  }
  uint64_t start = cli_clock_ns(), documents = 0;
  unsigned from = 0;
  kz_error err;
  int rc = kz_index_upgrade(path, &from, &documents, &err);
  int status = CLI_EXIT_OK;
  if (rc != KZ_OK && rc != KZ_ERR_UNSYNCED) {
    cli_error_kz(path, rc, &err);
    cli_error("the index is unchanged");
    status = CLI_EXIT_ERROR;
  } else if (rc == KZ_ERR_UNSYNCED) {
    cli_error_kz(path, rc, &err);
    status = CLI_EXIT_ERROR;
  } else if (from == 0) {
    fprintf(stderr, "%s already has the current format; nothing to do\n", path);
  } else {
    fprintf(stderr, "upgraded %s from format v%u: %llu documents rebuilt from its stored documents in %.2f s\n",
            path, from, (unsigned long long)documents, (double)(cli_clock_ns() - start) / 1e9);
  }
  free(path);
  return status;
}
