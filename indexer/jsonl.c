/*
 * jsonl.c - one JSON Lines record to a kz_document, on top of json-c (see
 * jsonl.h). The only file that includes json-c headers.
 *
 * The tokener is reused across lines (json_tokener_reset) and the strings of
 * the last document live in `out`, which only grows, so a steady stream of
 * records costs json-c's own allocations and no others. The line is handed
 * to json-c with its explicit length; a record counts as parsed only when
 * json-c consumed every byte up to trailing whitespace, which also rejects a
 * NUL byte (json-c stops there) and text after the object.
 */
#include "indexer/jsonl.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/buf.h"

struct kz_jsonl {
  json_tokener *tok;
  kz_buf out; /* the current document's strings, each followed by a NUL */
};

int kz_jsonl_new(kz_jsonl **out) {
  kz_jsonl *j = calloc(1, sizeof *j);
  if (!j) return KZ_ERR_NOMEM;
  j->tok = json_tokener_new();
  if (!j->tok) {
    free(j);
    return KZ_ERR_NOMEM;
  }
  *out = j;
  return KZ_OK;
}

void kz_jsonl_free(kz_jsonl *j) {
  if (!j) return;
  json_tokener_free(j->tok);
  kz_buf_free(&j->out);
  free(j);
}

/* Where a field's copy sits in `out`: offsets, because `out` may move while growing. */
typedef struct field {
  size_t off, len;
  int present;
} field;

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static int copy_bytes(kz_buf *out, field *f, const char *s, size_t n) {
  f->off = out->len;
  f->len = n;
  f->present = 1;
  int rc = kz_buf_reserve(out, n + 1);
  if (rc) return rc;
  if (n) memcpy(out->data + out->len, s, n);
  out->data[out->len + n] = 0;
  out->len += n + 1;
  return KZ_OK;
}

/* A string field: absent or null -> not present; any other non-string type -> error. */
static int copy_string(kz_buf *out, json_object *obj, const char *key, field *f, char *why,
                       size_t why_cap) {
  json_object *v = NULL;
  f->present = 0;
  if (!json_object_object_get_ex(obj, key, &v) || v == NULL) return KZ_OK;
  if (!json_object_is_type(v, json_type_string)) {
    snprintf(why, why_cap, "field \"%s\" is not a string", key);
    return KZ_ERR_DOCUMENT;
  }
  int n = json_object_get_string_len(v);
  return copy_bytes(out, f, json_object_get_string(v), n > 0 ? (size_t)n : 0);
}

static int copy_id(kz_buf *out, json_object *obj, field *f, char *why, size_t why_cap) {
  json_object *v = NULL;
  if (!json_object_object_get_ex(obj, "id", &v) || v == NULL) {
    snprintf(why, why_cap, "missing id");
    return KZ_ERR_DOCUMENT;
  }
  if (json_object_is_type(v, json_type_int)) {
    char num[32];
    int64_t i = json_object_get_int64(v);
    /* json-c keeps integers above INT64_MAX as unsigned; get_int64 clamps them. */
    int n = i == INT64_MAX ? snprintf(num, sizeof num, "%" PRIu64, json_object_get_uint64(v))
                           : snprintf(num, sizeof num, "%" PRId64, i);
    return copy_bytes(out, f, num, (size_t)n);
  }
  if (!json_object_is_type(v, json_type_string)) {
    snprintf(why, why_cap, "id is not a string or an integer");
    return KZ_ERR_DOCUMENT;
  }
  int n = json_object_get_string_len(v);
  if (n <= 0) {
    snprintf(why, why_cap, "empty id");
    return KZ_ERR_DOCUMENT;
  }
  return copy_bytes(out, f, json_object_get_string(v), (size_t)n);
}

static void set(const kz_buf *out, const field *f, const char **p, size_t *n) {
  *p = f->present ? (const char *)out->data + f->off : NULL;
  *n = f->present ? f->len : 0;
}

/* Shows the byte at line[at] for a message: 'x' when printable ASCII, else its hex value. */
static void show_byte(char *buf, size_t cap, const char *line, size_t len, size_t at) {
  if (at >= len)
    snprintf(buf, cap, "the end of the line");
  else if (line[at] > ' ' && line[at] < 0x7f)
    snprintf(buf, cap, "'%c'", line[at]);
  else
    snprintf(buf, cap, "byte 0x%02x", (unsigned)(unsigned char)line[at]);
}

/*
 * Says in plain words why json-c stopped at byte `at` of the line (columns
 * in messages count bytes from 1). json-c's own texts ("null expected" for
 * `not json`, "continue" for an unclosed object) describe its state machine,
 * not the line.
 */
static void describe_json_error(char *why, size_t why_cap, enum json_tokener_error jerr,
                                const char *line, size_t len, size_t at) {
  char found[32];
  show_byte(found, sizeof found, line, len, at);
  const char *what;
  switch (jerr) {
    case json_tokener_success:
    case json_tokener_continue:
    case json_tokener_error_parse_eof:
      snprintf(why, why_cap, "invalid JSON: the line ends inside the object (a closing '}' or "
                             "'\"' is missing)");
      return;
    case json_tokener_error_depth: what = "values are nested too deeply"; break;
    case json_tokener_error_parse_null:
    case json_tokener_error_parse_boolean:
    case json_tokener_error_parse_number:
      what = "not a valid value (expected a string in double quotes, a number, true, false or null)";
      break;
    case json_tokener_error_parse_array: what = "expected ',' or ']' in a list"; break;
    case json_tokener_error_parse_object_key_name: what = "expected a field name in double quotes"; break;
    case json_tokener_error_parse_object_key_sep: what = "expected ':' after the field name"; break;
    case json_tokener_error_parse_object_value_sep: what = "expected ',' or '}' after a value"; break;
    case json_tokener_error_parse_string: what = "invalid escape sequence in a string"; break;
    case json_tokener_error_parse_utf8_string: what = "invalid UTF-8 in a string"; break;
    case json_tokener_error_parse_unexpected:
    case json_tokener_error_parse_comment: what = "unexpected character"; break;
    default: what = json_tokener_error_desc(jerr); break;
  }
  snprintf(why, why_cap, "invalid JSON at column %zu: %s, found %s", at + 1, what, found);
}

int kz_jsonl_parse(kz_jsonl *j, const char *line, size_t len, kz_document *doc, char *why,
                   size_t why_cap) {
  if (len > INT_MAX) {
    snprintf(why, why_cap, "line too long");
    return KZ_ERR_DOCUMENT;
  }
  /* Anything but an object is refused before json-c sees it, so that a line
   * of plain text is called what it is rather than a misspelt `null`. */
  size_t first = 0;
  while (first < len && is_ws(line[first])) first++;
  if (first == len || line[first] != '{') {
    char found[32];
    show_byte(found, sizeof found, line, len, first);
    snprintf(why, why_cap,
             "not a JSON object: found %s at column %zu where a record starts with '{' "
             "(one {\"id\": ..., \"title\": ..., \"body\": ...} per line)",
             found, first + 1);
    return KZ_ERR_DOCUMENT;
  }
  json_tokener_reset(j->tok);
  json_object *obj = json_tokener_parse_ex(j->tok, line, (int)len);
  enum json_tokener_error jerr = json_tokener_get_error(j->tok);
  if (!obj) {
    describe_json_error(why, why_cap, jerr, line, len, json_tokener_get_parse_end(j->tok));
    return KZ_ERR_DOCUMENT;
  }
  int rc = KZ_OK;
  size_t end = json_tokener_get_parse_end(j->tok);
  while (end < len && is_ws(line[end])) end++;
  if (end < len) {
    if (line[end])
      snprintf(why, why_cap, "text after the JSON object at column %zu", end + 1);
    else
      snprintf(why, why_cap, "NUL byte in the line at column %zu", end + 1);
    rc = KZ_ERR_DOCUMENT;
    goto done;
  }
  if (!json_object_is_type(obj, json_type_object)) {
    snprintf(why, why_cap, "not a JSON object");
    rc = KZ_ERR_DOCUMENT;
    goto done;
  }

  field id, title, body, date, url;
  kz_buf_clear(&j->out);
  if ((rc = copy_id(&j->out, obj, &id, why, why_cap)) ||
      (rc = copy_string(&j->out, obj, "title", &title, why, why_cap)) ||
      (rc = copy_string(&j->out, obj, "body", &body, why, why_cap)) ||
      (rc = copy_string(&j->out, obj, "date", &date, why, why_cap)) ||
      (rc = copy_string(&j->out, obj, "url", &url, why, why_cap)))
    goto done;
  doc->struct_size = sizeof *doc;
  set(&j->out, &id, &doc->id, &doc->id_len);
  set(&j->out, &title, &doc->title, &doc->title_len);
  set(&j->out, &body, &doc->body, &doc->body_len);
  set(&j->out, &date, &doc->date, &doc->date_len);
  set(&j->out, &url, &doc->url, &doc->url_len);

done:
  json_object_put(obj);
  if (rc == KZ_ERR_LIMIT) rc = KZ_ERR_NOMEM; /* `out` has no limit: only SIZE_MAX overflow */
  return rc;
}
