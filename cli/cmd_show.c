/*
 * cmd_show.c - `kzsearch show [-i DIR] [--json] [--] ID`: the stored article
 * with this id, whole, as kz_index_get returns it.
 *
 * Text: "id", "title", "date" and "url" lines (each value on one line, the
 * absent ones left out), a blank line, then the body with its own line
 * breaks. Control characters that could move the cursor or recolour the
 * terminal are shown as spaces. --json: one object,
 * {"type":"document","id":..,"title":..,"date":..|null,"url":..|null,"body":..}.
 * Exit 0 when the document was shown, 1 when no live document has the id
 * (a message on stderr), 2 on errors.
 */
#include "cmd_show.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_path.h"
#include "json_out.h"
#include "kzsearch.h"
#include "index_args.h"
#include "report.h"

/*
 * Writes s[0..len) for a terminal: C0 and C1 controls (and NULs stored in
 * the field) become spaces, except that with `keep_lines` a line feed stays
 * and a carriage return goes. Other bytes, UTF-8 or not, pass as they are.
 */
static void print_clean(const char *text, size_t len, int keep_lines) {
  const unsigned char *s = (const unsigned char *)text;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = s[i];
    if (keep_lines && (c == '\n' || c == '\t')) {
      fputc(c, stdout);
    } else if (keep_lines && c == '\r') {
      continue;
    } else if (c < 0x20 || c == 0x7f) {
      fputc(' ', stdout);
    } else if (c == 0xC2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F) {
      fputc(' ', stdout);
      i++;
    } else {
      fputc(c, stdout);
    }
  }
}

static void print_header(const char *label, const char *value, size_t len) {
  if (!len) return;
  printf("%-6s ", label);
  print_clean(value, len, 0);
  fputc('\n', stdout);
}

static void print_human(const kz_stored *d) {
  print_header("id", d->id, d->id_len);
  print_header("title", d->title, d->title_len);
  print_header("date", d->date, d->date_len);
  print_header("url", d->url, d->url_len);
  size_t len = d->body_len;
  while (len && (d->body[len - 1] == '\n' || d->body[len - 1] == '\r' || d->body[len - 1] == ' '))
    len--;
  if (!len) return;
  fputc('\n', stdout);
  print_clean(d->body, len, 1);
  fputc('\n', stdout);
}

static void print_json(const kz_stored *d) {
  cli_json_stored(stdout, d);
  fputc('\n', stdout);
}

int cli_cmd_show(int argc, char **argv) {
  cli_index_args args;
  int parsed = cli_index_args_parse(argc, argv, "show", CLI_ARGS_JSON | CLI_ARGS_OPERAND, NULL, 0,
                                    &args);
  if (parsed) return parsed;
  const char *index_opt = args.index, *doc_id = args.operand;
  int json = args.json;
  if (!doc_id) {
    cli_error("show: no ID given");
    return CLI_EXIT_USAGE;
  }

  char *index_path = NULL;
  kz_index *index = NULL;
  if (cli_index_open(index_opt, &index_path, &index) != 0) return CLI_EXIT_ERROR;
  kz_stored *doc = NULL;
  kz_error err;
  memset(&err, 0, sizeof err);
  int status = CLI_EXIT_OK;
  int rc = kz_index_get(&doc, index, doc_id, strlen(doc_id), &err);
  if (rc != KZ_OK) {
    cli_error_kz(index_path, rc, &err);
    status = CLI_EXIT_ERROR;
  } else if (!doc) {
    cli_error("no document with id '%s' in %s", doc_id, index_path);
    status = CLI_EXIT_NONE;
  } else if (json) {
    print_json(doc);
  } else {
    print_human(doc);
  }
  kz_stored_free(doc);
  kz_index_close(index);
  free(index_path);
  return status;
}
