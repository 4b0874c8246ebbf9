/*
 * cmd_duplicates.c - `kzsearch duplicates [-i DIR] [--json] [--jaccard]`: every group
 * of near-duplicate documents of the index (kz_index_duplicates), one group
 * a line: its ids separated by spaces, or with --json one object a line,
 * {"ids":["…","…"],"size":N}. A summary goes to stderr. Exit 0 when a group
 * was found, 1 when none was, 2 on errors (like search).
 */
#include "cmd_duplicates.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_path.h"
#include "json_out.h"
#include "kzsearch.h"
#include "index_args.h"
#include "report.h"
#include "term.h"

static const cli_flag flags[] = {{"jaccard", KZ_DUPLICATES_JACCARD}};

typedef struct listing {
  int json;
  uint64_t groups, documents;
} listing;

/* An id on a text line: bytes that could break the line or drive the terminal become '?'. */
static void print_id(const char *id, size_t len) {
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)id[i];
    putchar(c < 0x20 || c == 0x7f || c == ' ' ? '?' : c);
  }
}

static int print_group(void *ctx, const char *const *ids, const size_t *lens, size_t n) {
  listing *l = ctx;
  l->groups++;
  l->documents += n;
  if (l->json) fputs("{\"ids\":[", stdout);
  for (size_t i = 0; i < n; i++) {
    if (i) fputs(l->json ? "," : " ", stdout);
    if (l->json) cli_json_string(stdout, ids[i], lens[i]);
    else print_id(ids[i], lens[i]);
  }
  if (l->json) printf("],\"size\":%zu}", n);
  putchar('\n');
  return ferror(stdout) != 0; /* the reader went away: stop */
}

int cli_cmd_duplicates(int argc, char **argv) {
  cli_index_args args;
  int parsed = cli_index_args_parse(argc, argv, "duplicates", CLI_ARGS_JSON, flags,
                                    sizeof flags / sizeof flags[0], &args);
  if (parsed) return parsed;
  const char *index_opt = args.index;
  listing l = {args.json, 0, 0};
  char *index_path = NULL;
  kz_index *index = NULL;
  if (cli_index_open(index_opt, &index_path, &index) != 0) return CLI_EXIT_ERROR;
  kz_error err;
  memset(&err, 0, sizeof err);
  uint64_t t0 = cli_clock_ns();
  int rc = kz_index_duplicates(index, args.flags, print_group, &l, &err);
  double seconds = (double)(cli_clock_ns() - t0) / 1e9;
  kz_index_close(index);
  if (rc != KZ_OK) {
    cli_error_kz(index_path, rc, &err);
    free(index_path);
    return CLI_EXIT_ERROR;
  }
  free(index_path);
  fflush(stdout);
  fprintf(stderr, "%llu %s of near-duplicates, %llu documents in them (%.2f s)\n",
          (unsigned long long)l.groups, l.groups == 1 ? "group" : "groups",
          (unsigned long long)l.documents, seconds);
  return l.groups ? CLI_EXIT_OK : CLI_EXIT_NONE;
}
