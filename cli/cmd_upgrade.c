/*
 * cmd_upgrade.c - `kzsearch upgrade [-i DIR]`: rebuilds an index of an
 * older format from its own stored documents as the current format, in one
 * commit (kz_index_upgrade), and says how many documents it carried over;
 * likewise an English index whose segments predate pairs of common words.
 * An index already of the current format is left alone.
 */
#include "cmd_upgrade.h"

#include <stdio.h>
#include <stdlib.h>

#include "index_path.h"
#include "kzsearch.h"
#include "index_args.h"
#include "report.h"
#include "term.h"

/* The format of the index at path as it is now (0 when it cannot be read). */
static unsigned current_format(const char *path) {
  kz_index *idx = NULL;
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  kz_error err;
  unsigned v = 0;
  if (kz_index_open(&idx, path, &err) == KZ_OK && kz_index_stats_get(idx, &st, &err) == KZ_OK)
    v = st.format_version;
  kz_index_close(idx);
  return v;
}

int cli_cmd_upgrade(int argc, char **argv) {
  cli_index_args args;
  int parsed = cli_index_args_parse(argc, argv, "upgrade", 0, NULL, 0, &args);
  if (parsed) return parsed;
  const char *index_opt = args.index;
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
    double secs = (double)(cli_clock_ns() - start) / 1e9;
    if (from == current_format(path))
      fprintf(stderr, "rebuilt %s (format v%u) to add pairs of common words, for fast phrases: "
                      "%llu documents from its stored documents in %.2f s\n",
              path, from, (unsigned long long)documents, secs);
    else
      fprintf(stderr, "upgraded %s from format v%u: %llu documents rebuilt from its stored "
                      "documents in %.2f s\n",
              path, from, (unsigned long long)documents, secs);
  }
  free(path);
  return status;
}
