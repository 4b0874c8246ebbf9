/*
 * cmd_stats.c - `kzsearch stats [-i DIR] [--json]`: kz_index_stats_get as a
 * table for people or one JSON object for programs.
 *
 * JSON shape (one line): {"path":..., "documents":N, "segments":N,
 * "terms":N, "postings":N, "positions":N, "avg_doc_length":X,
 * "format_version":N, "generation":N, "language":"...", "bytes":{"dict":N,
 * "postings":N, "positions":N, "norms":N, "store":N, "manifest":N,
 * "total":N}}.
 */
#include "cmd_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_path.h"
#include "json_out.h"
#include "kzsearch.h"
#include "index_args.h"
#include "report.h"

typedef struct file_kind {
  const char *json_name, *label;
  uint64_t bytes;
} file_kind;

/* The language is a fixed-size field filled by the library; never trust a NUL. */
static size_t language_len(const kz_index_stats *st) {
  size_t n = 0;
  while (n < sizeof st->language && st->language[n]) n++;
  return n;
}

static void print_json(const char *path, const kz_index_stats *st, const file_kind *kinds,
                       size_t n_kinds, uint64_t total) {
  fputs("{\"path\":", stdout);
  cli_json_cstring(stdout, path);
  fputc(',', stdout);
  cli_json_stats_members(stdout, st);
  fputs(",\"bytes\":{", stdout);
  for (size_t i = 0; i < n_kinds; i++)
    printf("\"%s\":%llu,", kinds[i].json_name, (unsigned long long)kinds[i].bytes);
  printf("\"total\":%llu}}\n", (unsigned long long)total);
}

static void print_row_bytes(const char *label, uint64_t bytes) {
  char human[32];
  cli_format_bytes(human, sizeof human, bytes);
  printf("  %-22s %12llu  %s\n", label, (unsigned long long)bytes, human);
}

static void print_human(const char *path, const kz_index_stats *st, const file_kind *kinds,
                        size_t n_kinds, uint64_t total) {
  printf("%-24s %s\n", "index", path);
  printf("%-24s %llu\n", "documents", (unsigned long long)st->documents);
  if (st->deleted_documents)
    printf("%-24s %llu (not merged away yet)\n", "deleted documents",
           (unsigned long long)st->deleted_documents);
  printf("%-24s %llu\n", "segments", (unsigned long long)st->segments);
  printf("%-24s %llu\n", "distinct terms", (unsigned long long)st->terms);
  printf("%-24s %llu\n", "postings", (unsigned long long)st->postings);
  printf("%-24s %llu\n", "positions", (unsigned long long)st->positions);
  printf("%-24s %.1f tokens\n", "average document length", st->avg_doc_length);
  printf("%-24s %u\n", "format version", (unsigned)st->format_version);
  printf("%-24s %llu\n", "generation", (unsigned long long)st->generation);
  printf("%-24s %.*s\n", "language", (int)language_len(st), st->language);
  printf("files (bytes)\n");
  for (size_t i = 0; i < n_kinds; i++) print_row_bytes(kinds[i].label, kinds[i].bytes);
  print_row_bytes("total", total);
}

int cli_cmd_stats(int argc, char **argv) {
  cli_index_args args;
  int parsed = cli_index_args_parse(argc, argv, "stats", CLI_ARGS_JSON, NULL, 0, &args);
  if (parsed) return parsed;
  const char *index_opt = args.index;
  int json = args.json;

  char *index_path = NULL;
  kz_index *index = NULL;
  if (cli_index_open(index_opt, &index_path, &index) != 0) return CLI_EXIT_ERROR;
  kz_index_stats st = KZ_INDEX_STATS_INIT;
  kz_error err;
  memset(&err, 0, sizeof err);
  int rc = kz_index_stats_get(index, &st, &err);
  kz_index_close(index);
  if (rc != KZ_OK) {
    cli_error_kz(index_path, rc, &err);
    free(index_path);
    return CLI_EXIT_ERROR;
  }

  file_kind kinds[] = {
      {"dict", "term dictionary", st.bytes_dict}, {"postings", "postings", st.bytes_postings},
      {"positions", "positions", st.bytes_positions}, {"norms", "norms", st.bytes_norms},
      {"store", "document store", st.bytes_store}, {"manifest", "manifest", st.bytes_manifest},
  };
  size_t n_kinds = sizeof kinds / sizeof kinds[0];
  uint64_t total = 0;
  for (size_t i = 0; i < n_kinds; i++) total += kinds[i].bytes;
  char *resolved = realpath(index_path, NULL);
  const char *shown = resolved ? resolved : index_path;
  if (json)
    print_json(shown, &st, kinds, n_kinds, total);
  else
    print_human(shown, &st, kinds, n_kinds, total);
  free(resolved);
  free(index_path);
  return CLI_EXIT_OK;
}
