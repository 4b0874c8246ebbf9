/*
 * cmd_delete.c - `kzsearch delete [-i DIR] [--from FILE] ID...`: deletes the
 * documents with these ids in one commit. Ids come from the arguments and,
 * with --from, one per line from FILE ("-" for stdin; blank lines skipped).
 * An id that is not in the index is reported on stderr but is not an error:
 * the exit status is 0 unless the deletion itself fails (2).
 */
#include "cmd_delete.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_path.h"
#include "kzsearch.h"
#include "options.h"
#include "report.h"

enum { OPT_INDEX = 1, OPT_FROM, OPT_HELP };

static const cli_option options[] = {
    {"index", 'i', 1, OPT_INDEX},
    {"from", 0, 1, OPT_FROM},
    {"help", 'h', 0, OPT_HELP},
};

typedef struct tally {
  uint64_t deleted, missing;
} tally;

static int delete_one(kz_writer *w, const char *id, size_t len, tally *t) {
  kz_error err;
  int found = 0;
  int rc = kz_writer_delete(w, id, len, &found, &err);
  if (rc) {
    cli_error_kz("delete", rc, &err);
    return -1;
  }
  if (found) {
    t->deleted++;
  } else {
    t->missing++;
    fprintf(stderr, "kzsearch: no document with id '%.*s'\n", (int)(len > 200 ? 200 : len), id);
  }
  return 0;
}

static int delete_from_file(kz_writer *w, const char *path, tally *t) {
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
  if (!f) {
    cli_error("cannot open %s: %s", path, strerror(errno));
    return -1;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int rc = 0;
  while (!rc && (n = getline(&line, &cap, f)) >= 0) {
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
    if (n > 0) rc = delete_one(w, line, (size_t)n, t);
  }
  if (!rc && ferror(f)) {
    cli_error("cannot read %s", path);
    rc = -1;
  }
  free(line);
  if (f != stdin) fclose(f);
  return rc;
}

int cli_cmd_delete(int argc, char **argv) {
  const char *index_opt = NULL, *from = NULL;
  cli_parser parser;
  const char *value;
  int id;
  size_t n_ids = 0;
  char **ids = calloc((size_t)argc + 1, sizeof *ids);
  if (!ids) {
    cli_error("out of memory");
    return CLI_EXIT_ERROR;
  }
  cli_parser_init(&parser, argc, argv, options, sizeof options / sizeof options[0]);
  while ((id = cli_parser_next(&parser, &value)) != CLI_OPT_END) {
    switch (id) {
      case OPT_INDEX: index_opt = value; break;
      case OPT_FROM: from = value; break;
      case OPT_HELP: free(ids); return CLI_EXIT_HELP;
      case CLI_OPT_OPERAND: ids[n_ids++] = (char *)value; break;
      default: free(ids); return CLI_EXIT_USAGE;
    }
  }
  if (!n_ids && !from) {
    cli_error("delete: give the ids of the documents to delete, or --from FILE");
    free(ids);
    return CLI_EXIT_USAGE;
  }
  char *index_path = NULL;
  kz_index *probe = NULL;
  /* Open for reading first so that a missing index gets the usual message, not a new index. */
  if (cli_index_open(index_opt, &index_path, &probe) != 0) {
    free(ids);
    return CLI_EXIT_ERROR;
  }
  kz_index_close(probe);
  kz_writer *w = NULL;
  kz_error err;
  int status = CLI_EXIT_ERROR;
  tally t = {0, 0};
  if (kz_writer_open(&w, index_path, NULL, &err) != KZ_OK) {
    cli_error_kz(index_path, err.code, &err);
    goto out;
  }
  for (size_t i = 0; i < n_ids; i++)
    if (delete_one(w, ids[i], strlen(ids[i]), &t)) goto out;
  if (from && delete_from_file(w, from, &t)) goto out;
  if (kz_writer_commit(w, &err) != KZ_OK) {
    cli_error_kz(index_path, err.code, &err);
    goto out;
  }
  fprintf(stderr, "deleted %llu document%s", (unsigned long long)t.deleted, t.deleted == 1 ? "" : "s");
  if (t.missing) fprintf(stderr, " (%llu id%s not found)", (unsigned long long)t.missing, t.missing == 1 ? "" : "s");
  fputc('\n', stderr);
  status = CLI_EXIT_OK;
out:
  kz_writer_close(w);
  free(index_path);
  free(ids);
  return status;
}
