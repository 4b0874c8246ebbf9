/*
 * cmd_compact.c - `kzsearch compact [-i DIR]`: merges every segment into
 * one, leaving out deleted and replaced documents (kz_writer_compact), and
 * says how many segments and documents there were before and after. While
 * it merges, a terminal shows "merging N segments (D docs)...".
 */
#include "cmd_compact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_path.h"
#include "kzsearch.h"
#include "index_args.h"
#include "report.h"
#include "term.h"

/* Reads the statistics of the committed index; 0 or -1 after printing an error. */
static int read_stats(const char *path, kz_index_stats *st) {
  kz_index *idx = NULL;
  kz_error err;
  if (cli_index_path_open(&idx, path) != 0) return -1;
  int rc = kz_index_stats_get(idx, st, &err);
  kz_index_close(idx);
  if (rc) cli_error_kz(path, rc, &err);
  return rc ? -1 : 0;
}

int cli_cmd_compact(int argc, char **argv) {
  cli_index_args args;
  int parsed = cli_index_args_parse(argc, argv, "compact", 0, NULL, 0, &args);
  if (parsed) return parsed;
  const char *index_opt = args.index;
  char *path = NULL;
  kz_index_stats before = KZ_INDEX_STATS_INIT, after = KZ_INDEX_STATS_INIT;
  if (cli_index_path_resolve(index_opt, &path) != 0 || read_stats(path, &before) != 0) {
    free(path);
    return CLI_EXIT_ERROR;
  }
  kz_writer *w = NULL;
  kz_error err;
  int status = CLI_EXIT_ERROR;
  cli_progress progress;
  cli_progress_init(&progress, stderr);
  kz_writer_options wopts = KZ_WRITER_OPTIONS_INIT;
  wopts.merge_progress = cli_progress_merge;
  wopts.merge_ctx = &progress;
  int rc = kz_writer_open(&w, path, &wopts, &err);
  if (rc == KZ_OK) rc = kz_writer_compact(w, &err);
  cli_progress_clear(&progress);
  if (rc != KZ_OK) {
    cli_error_kz(path, err.code, &err);
  } else if (read_stats(path, &after) == 0) {
    fprintf(stderr,
            "compacted %llu segments into %llu (%llu documents, %llu deleted ones removed) in %.2f s\n",
            (unsigned long long)before.segments, (unsigned long long)after.segments,
            (unsigned long long)after.documents, (unsigned long long)before.deleted_documents,
            (double)(cli_clock_ns() - progress.start_ns) / 1e9);
    status = CLI_EXIT_OK;
  }
  kz_writer_close(w);
  free(path);
  return status;
}
