/*
 * cmd_acronyms.c - `kzsearch acronyms [--json] PATH...`: the acronym
 * definitions ("Long Form (SF)", "SF (Long Form)") of every document at each
 * PATH, found as indexing finds them (kz_acronyms_path); no index is needed.
 *
 * Text: one "ID<TAB>SF<TAB>long form" line per pair (documents without a
 * pair print nothing). --json: one {"id":..,"pairs":[["SF","long form"],..]}
 * line per document, also the ones without pairs, so that the output lines
 * up with the input (the format the MED1250 scorer reads).
 * Exit 0 when every record was read, 1 when some were skipped (reported on
 * stderr as FILE:LINE), 2 on errors.
 */
#include "cmd_acronyms.h"

#include <stdio.h>
#include <string.h>

#include "json_out.h"
#include "kzsearch.h"
#include "options.h"
#include "report.h"

enum { OPT_JSON = 1, OPT_HELP };

static const cli_option options[] = {
    {"json", 0, 0, OPT_JSON},
    {"help", 'h', 0, OPT_HELP},
};

typedef struct run {
  int json;
  unsigned long long skipped;
} run;

/* Writes text without the control characters that would break its line. */
static void print_field(const char *s, size_t len) {
  for (size_t i = 0; i < len; i++) fputc((unsigned char)s[i] < 0x20 ? ' ' : s[i], stdout);
}

static int on_document(void *ctx, const char *id, size_t id_len, const kz_acronym_def *defs,
                       size_t n) {
  const run *r = ctx;
  if (r->json) {
    cli_json_acronyms(stdout, id, id_len, defs, n);
    fputc('\n', stdout);
    return 0;
  }
  for (size_t i = 0; i < n; i++) {
    print_field(id, id_len);
    fputc('\t', stdout);
    print_field(defs[i].short_form, strlen(defs[i].short_form));
    fputc('\t', stdout);
    print_field(defs[i].long_form, strlen(defs[i].long_form));
    fputc('\n', stdout);
  }
  return 0;
}

static void on_warn(void *ctx, const char *path, uint64_t line, const char *message) {
  run *r = ctx;
  r->skipped++;
  if (line)
    cli_error("%s:%llu: %s", path ? path : "?", (unsigned long long)line, message ? message : "");
  else
    cli_error("%s: %s", path ? path : "?", message ? message : "");
}

int cli_cmd_acronyms(int argc, char **argv) {
  run r = {0, 0};
  const char *paths[64];
  size_t n_paths = 0;
  cli_parser parser;
  const char *value;
  int opt;
  cli_parser_init(&parser, argc, argv, options, sizeof options / sizeof options[0]);
  while ((opt = cli_parser_next(&parser, &value)) != CLI_OPT_END) {
    switch (opt) {
      case OPT_JSON: r.json = 1; break;
      case OPT_HELP: return CLI_EXIT_HELP;
      case CLI_OPT_OPERAND:
        if (n_paths == sizeof paths / sizeof paths[0]) {
          cli_error("acronyms: at most %zu paths", sizeof paths / sizeof paths[0]);
          return CLI_EXIT_USAGE;
        }
        paths[n_paths++] = value;
        break;
      default: return CLI_EXIT_USAGE;
    }
  }
  if (!n_paths) {
    cli_error("acronyms: no PATH given");
    return CLI_EXIT_USAGE;
  }
  kz_ingest_callbacks cb = {&r, on_warn, NULL};
  for (size_t i = 0; i < n_paths; i++) {
    kz_error err;
    memset(&err, 0, sizeof err);
    int rc = kz_acronyms_path(paths[i], on_document, &r, &cb, &err);
    if (rc != KZ_OK) {
      fflush(stdout);
      cli_error_kz(paths[i], rc, &err);
      return CLI_EXIT_ERROR;
    }
  }
  if (fflush(stdout) != 0) {
    cli_error("cannot write the output");
    return CLI_EXIT_ERROR;
  }
  return r.skipped ? CLI_EXIT_NONE : CLI_EXIT_OK;
}
