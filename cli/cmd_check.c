/*
 * cmd_check.c - `kzsearch check [-i DIR] [--full] [--json]`: runs
 * kz_index_check and lists what it finds.
 *
 * Output on stdout, one problem per line as "DIR/FILE: PROBLEM", then one
 * summary line: "ok: N files, SIZE verified" (--full), "ok: N files checked
 * (...)" (quick), or "damaged: N problems in M files". With --json, one
 * object per problem {"type":"problem","file":..,"problem":..} and then
 * {"type":"summary","path":..,"full":bool,"files":N,"bytes":N,
 * "problems":N,"damaged_files":N}.
 * Exit status: 0 clean, 1 damage found, 2 the check could not run.
 *
 * Damaged files are counted per segment: kz_index_check reports the
 * manifest first and then each segment's files together, so remembering the
 * names seen since the segment (the part before the '.') last changed is
 * enough to count each file once.
 */
#include "cmd_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_path.h"
#include "json_out.h"
#include "kzsearch.h"
#include "index_args.h"
#include "report.h"

enum { FLAG_FULL = 1 };

static const cli_flag flags[] = {{"full", FLAG_FULL}};

/* Names seen in the current segment: its five files (a few spare for odd names). */
#define SEEN_NAMES 8

typedef struct printer {
  const char *dir;
  int json;
  uint64_t damaged_files;
  char group[64];             /* the current segment: a file name up to its '.' */
  char seen[SEEN_NAMES][64];
  size_t n_seen;
} printer;

static void count_file(printer *pr, const char *file) {
  size_t group_len = strcspn(file, ".");
  if (group_len >= sizeof pr->group) group_len = sizeof pr->group - 1;
  if (strncmp(pr->group, file, group_len) != 0 || pr->group[group_len] != 0) {
    memcpy(pr->group, file, group_len);
    pr->group[group_len] = 0;
    pr->n_seen = 0;
  }
  for (size_t i = 0; i < pr->n_seen; i++)
    if (strncmp(pr->seen[i], file, sizeof pr->seen[i] - 1) == 0) return;
  pr->damaged_files++;
  if (pr->n_seen < SEEN_NAMES) snprintf(pr->seen[pr->n_seen++], sizeof pr->seen[0], "%s", file);
}

static void on_problem(void *ctx, const char *file, const char *problem) {
  printer *pr = ctx;
  count_file(pr, file);
  if (pr->json) {
    fputs("{\"type\":\"problem\",\"file\":", stdout);
    cli_json_cstring(stdout, file);
    fputs(",\"problem\":", stdout);
    cli_json_cstring(stdout, problem);
    fputs("}\n", stdout);
  } else {
    printf("%s/%s: %s\n", pr->dir, file, problem);
  }
}

static void print_summary(const printer *pr, int full, const kz_check_report *rep) {
  if (pr->json) {
    fputs("{\"type\":\"summary\",\"path\":", stdout);
    cli_json_cstring(stdout, pr->dir);
    printf(",\"full\":%s,\"files\":%llu,\"bytes\":%llu,\"problems\":%llu,\"damaged_files\":%llu}\n",
           full ? "true" : "false", (unsigned long long)rep->files,
           (unsigned long long)rep->bytes, (unsigned long long)rep->problems,
           (unsigned long long)pr->damaged_files);
    return;
  }
  if (rep->problems) {
    printf("damaged: %llu problem%s in %llu file%s\n", (unsigned long long)rep->problems,
           rep->problems == 1 ? "" : "s", (unsigned long long)pr->damaged_files,
           pr->damaged_files == 1 ? "" : "s");
  } else if (full) {
    char human[32];
    cli_format_bytes(human, sizeof human, rep->bytes);
    printf("ok: %llu files, %s verified\n", (unsigned long long)rep->files, human);
  } else {
    printf("ok: %llu files checked (sizes, headers and footers; --full verifies every byte)\n",
           (unsigned long long)rep->files);
  }
}

/* The same "no index at PATH (build one with: ...)" message as the other commands. */
static void report_no_index(const char *path) {
  kz_index *index = NULL;
  if (cli_index_path_open(&index, path) == 0) {
    /* An index appeared since the check looked: say what the check saw. */
    kz_index_close(index);
    cli_error("no index at %s", path);
  }
}

int cli_cmd_check(int argc, char **argv) {
  cli_index_args args;
  int parsed = cli_index_args_parse(argc, argv, "check", CLI_ARGS_JSON, flags,
                                    sizeof flags / sizeof flags[0], &args);
  if (parsed) return parsed;
  const char *index_opt = args.index;
  int full = (args.flags & FLAG_FULL) != 0, json = args.json;

  char *index_path = NULL;
  if (cli_index_path_resolve(index_opt, &index_path) != 0) return CLI_EXIT_ERROR;
  printer pr;
  memset(&pr, 0, sizeof pr);
  pr.dir = index_path;
  pr.json = json;
  kz_check_report rep = KZ_CHECK_REPORT_INIT;
  kz_error err;
  memset(&err, 0, sizeof err);
  int rc = kz_index_check(index_path, full, on_problem, &pr, &rep, &err);
  if (rc != KZ_OK) {
    if (rc == KZ_ERR_NO_INDEX)
      report_no_index(index_path);
    else
      cli_error_kz(index_path, rc, &err);
    free(index_path);
    return CLI_EXIT_ERROR;
  }
  print_summary(&pr, full, &rep);
  free(index_path);
  return rep.problems ? CLI_EXIT_NONE : CLI_EXIT_OK;
}
