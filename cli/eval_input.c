/*
 * eval_input.c - loads the query file and the qrels of `kzsearch eval`
 * (see eval_input.h), with a JSON reader just large enough for one flat
 * object per line, and turns query texts into plain words.
 */
#define _GNU_SOURCE
#include "eval_input.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* ---------------------------------------------------------------- JSON */

typedef struct json_in {
  const char *p, *end;
} json_in;

static void skip_ws(json_in *in) {
  while (in->p < in->end && (*in->p == ' ' || *in->p == '\t' || *in->p == '\r' || *in->p == '\n'))
    in->p++;
}

static int hex4(const char *s, const char *end, unsigned *out) {
  unsigned v = 0;
  if (end - s < 4) return -1;
  for (int i = 0; i < 4; i++) {
    int c = (unsigned char)s[i], d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return -1;
    v = v * 16 + (unsigned)d;
  }
  *out = v;
  return 0;
}

static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) return o[0] = (char)cp, 1;
  if (cp < 0x800) return o[0] = (char)(0xC0 | cp >> 6), o[1] = (char)(0x80 | (cp & 0x3F)), 2;
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12);
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18);
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Reads a string at in->p (on its '"'); *out (may be NULL to skip) gets a new NUL-terminated copy. */
static int read_string(json_in *in, char **out) {
  if (in->p >= in->end || *in->p != '"') return -1;
  in->p++;
  /* Decoded text is never longer than the escaped text. */
  char *s = malloc((size_t)(in->end - in->p) + 1), *o = s;
  if (!s) return -1;
  while (in->p < in->end && *in->p != '"') {
    unsigned char c = (unsigned char)*in->p++;
    if (c < 0x20) goto bad;
    if (c != '\\') {
      *o++ = (char)c;
      continue;
    }
    if (in->p >= in->end) goto bad;
    c = (unsigned char)*in->p++;
    const char *simple = strchr("\"\\/bfnrt", c);
    if (c && simple) {
      *o++ = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
      continue;
    }
    unsigned cp, lo;
    if (c != 'u' || hex4(in->p, in->end, &cp)) goto bad;
    in->p += 4;
    if (cp >= 0xD800 && cp < 0xDC00 && in->end - in->p >= 6 && in->p[0] == '\\' &&
        in->p[1] == 'u' && !hex4(in->p + 2, in->end, &lo) && lo >= 0xDC00 && lo < 0xE000) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      in->p += 6;
    } else if (cp >= 0xD800 && cp < 0xE000) {
      cp = 0xFFFD; /* a lone surrogate */
    }
    if (cp == 0) cp = ' '; /* keeps strings NUL-terminated */
    o += put_utf8(o, cp);
  }
  if (in->p >= in->end) goto bad;
  in->p++;
  *o = '\0';
  if (out)
    *out = s;
  else
    free(s);
  return 0;
bad:
  free(s);
  return -1;
}

/* Skips any other value (number, literal, nested object or array); a number is copied to *out. */
static int read_other(json_in *in, char **out) {
  const char *start = in->p;
  int depth = 0;
  while (in->p < in->end) {
    char c = *in->p;
    if (c == '"') {
      if (read_string(in, NULL)) return -1;
      continue;
    }
    if (c == '{' || c == '[') depth++;
    else if (c == '}' || c == ']') {
      if (depth == 0) break;
      depth--;
    } else if (c == ',' && depth == 0)
      break;
    in->p++;
  }
  if (depth || in->p == start) return -1;
  const char *e = in->p;
  while (e > start && isspace((unsigned char)e[-1])) e--;
  if (out && (isdigit((unsigned char)*start) || *start == '-')) *out = strndup(start, (size_t)(e - start));
  return 0;
}

/* Parses one {"id", "text"} object; @return 0 with both set, -1 with a message in *why. */
static int parse_query_line(const char *line, size_t len, cli_eval_topic *q, const char **why) {
  json_in in = {line, line + len};
  *why = "malformed JSON: expected one {\"id\", \"text\"} object";
  skip_ws(&in);
  if (in.p >= in.end || *in.p++ != '{') return -1;
  for (;;) {
    char *key = NULL, **slot;
    skip_ws(&in);
    if (in.p < in.end && *in.p == '}' && !q->id && !q->text) break;
    if (read_string(&in, &key)) return -1;
    skip_ws(&in);
    if (in.p >= in.end || *in.p++ != ':') {
      free(key);
      return -1;
    }
    skip_ws(&in);
    slot = !strcmp(key, "id") ? &q->id : !strcmp(key, "text") ? &q->text : NULL;
    free(key);
    if (slot && *slot) {
      *why = "a member appears twice";
      return -1;
    }
    if (in.p < in.end && *in.p == '"' ? read_string(&in, slot) : read_other(&in, slot == &q->id ? slot : NULL))
      return -1;
    skip_ws(&in);
    if (in.p < in.end && *in.p == ',') {
      in.p++;
      continue;
    }
    if (in.p < in.end && *in.p == '}') break;
    return -1;
  }
  in.p++;
  skip_ws(&in);
  if (in.p != in.end) return -1;
  *why = !q->id ? "no \"id\" (a string or number)" : "no \"text\" string";
  return q->id && q->text ? 0 : -1;
}

/* ---------------------------------------------------------------- files */

typedef struct line_reader {
  FILE *f;
  char *line;
  size_t cap;
  unsigned long number;
} line_reader;

/* @return the line's length without its newline, or -1 at the end. */
static ssize_t next_line(line_reader *r) {
  ssize_t got = getline(&r->line, &r->cap, r->f);
  if (got < 0) return -1;
  r->number++;
  while (got > 0 && (r->line[got - 1] == '\n' || r->line[got - 1] == '\r')) r->line[--got] = '\0';
  return got;
}

static int open_reader(line_reader *r, const char *path) {
  memset(r, 0, sizeof *r);
  r->f = fopen(path, "r");
  if (!r->f) cli_error("%s: %s", path, strerror(errno));
  return r->f ? 0 : -1;
}

static int close_reader(line_reader *r, const char *path) {
  int bad = ferror(r->f);
  if (bad) cli_error("%s: read error", path);
  fclose(r->f);
  free(r->line);
  return bad ? -1 : 0;
}

int cli_eval_queries_load(cli_eval_queries *out, const char *path) {
  line_reader r;
  size_t cap = 0;
  ssize_t len;
  memset(out, 0, sizeof *out);
  if (open_reader(&r, path)) return -1;
  while ((len = next_line(&r)) >= 0) {
    const char *why;
    cli_eval_topic q = {NULL, NULL};
    size_t i = 0;
    while (i < (size_t)len && isspace((unsigned char)r.line[i])) i++;
    if (i == (size_t)len) continue;
    if (out->n == cap) {
      cli_eval_topic *more = realloc(out->q, (cap = cap ? 2 * cap : 64) * sizeof *more);
      if (!more) goto nomem;
      out->q = more;
    }
    if (parse_query_line(r.line, (size_t)len, &q, &why)) {
      cli_error("%s:%lu: %s", path, r.number, why);
      free(q.id), free(q.text);
      goto fail;
    }
    out->q[out->n++] = q;
  }
  if (close_reader(&r, path)) goto failed_closed;
  return 0;
nomem:
  cli_error("out of memory");
fail:
  close_reader(&r, path);
failed_closed:
  cli_eval_queries_free(out);
  return -1;
}

void cli_eval_queries_free(cli_eval_queries *qs) {
  for (size_t i = 0; i < qs->n; i++) free(qs->q[i].id), free(qs->q[i].text);
  free(qs->q);
  memset(qs, 0, sizeof *qs);
}

static cli_qrel_set *qrels_get(cli_qrels *qr, const char *qid) {
  /* qrels come grouped by query: the last one is nearly always it. */
  for (size_t i = qr->n; i-- > 0;)
    if (!strcmp(qr->q[i].qid, qid)) return &qr->q[i];
  if (qr->n == qr->cap) {
    cli_qrel_set *more = realloc(qr->q, (qr->cap = qr->cap ? 2 * qr->cap : 64) * sizeof *more);
    if (!more) return NULL;
    qr->q = more;
  }
  cli_qrel_set *s = &qr->q[qr->n];
  memset(s, 0, sizeof *s);
  if (!(s->qid = strdup(qid))) return NULL;
  qr->n++;
  return s;
}

int cli_qrels_load(cli_qrels *out, const char *path) {
  line_reader r;
  ssize_t len;
  memset(out, 0, sizeof *out);
  if (open_reader(&r, path)) return -1;
  while ((len = next_line(&r)) >= 0) {
    char *save = NULL, *f[5];
    int n = 0;
    for (char *t = strtok_r(r.line, " \t", &save); t && n < 5; t = strtok_r(NULL, " \t", &save))
      f[n++] = t;
    if (n == 0) continue;
    char *end;
    errno = 0;
    long rel = n == 4 ? strtol(f[3], &end, 10) : 0;
    if (n != 4 || errno || *end || end == f[3] || rel < INT32_MIN / 2 || rel > 30) {
      cli_error("%s:%lu: expected 'QID ITERATION DOCID REL' with an integer REL up to 30", path,
                r.number);
      goto fail;
    }
    cli_qrel_set *s = qrels_get(out, f[0]);
    if (!s) goto nomem;
    if (s->n == s->cap) {
      cli_judgment *more = realloc(s->j, (s->cap = s->cap ? 2 * s->cap : 16) * sizeof *more);
      if (!more) goto nomem;
      s->j = more;
    }
    if (!(s->j[s->n].doc = strdup(f[2]))) goto nomem;
    s->j[s->n++].rel = (int)rel;
  }
  if (close_reader(&r, path)) {
    cli_qrels_free(out);
    return -1;
  }
  for (size_t i = 0; i < out->n; i++) {
    cli_qrel_set *s = &out->q[i];
    size_t kept = cli_judgments_sort(s->j, s->n);
    for (size_t k = kept; k < s->n; k++) free((char *)s->j[k].doc);
    s->n = kept;
  }
  return 0;
nomem:
  cli_error("out of memory");
fail:
  close_reader(&r, path);
  cli_qrels_free(out);
  return -1;
}

void cli_qrels_free(cli_qrels *qr) {
  for (size_t i = 0; i < qr->n; i++) {
    for (size_t k = 0; k < qr->q[i].n; k++) free((char *)qr->q[i].j[k].doc);
    free(qr->q[i].j);
    free(qr->q[i].qid);
  }
  free(qr->q);
  memset(qr, 0, sizeof *qr);
}

const cli_qrel_set *cli_qrels_find(const cli_qrels *qr, const char *qid) {
  for (size_t i = 0; i < qr->n; i++)
    if (!strcmp(qr->q[i].qid, qid)) return &qr->q[i];
  return NULL;
}

/* ---------------------------------------------------------------- plain words */

char *cli_eval_plain_words(const char *text) {
  char *out = strdup(text);
  if (!out) return NULL;
  int word_start = 1;
  for (char *p = out; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '(' || c == ')' || c == '"' || isspace(c)) {
      *p = ' ';
      word_start = 1;
    } else if ((word_start && (c == '+' || c == '-' || c == '*' || c == '!')) || c == '^' ||
               c == '?' || ((c == '&' || c == '|') && p[1] == (char)c)) {
      /* modifiers, Lucene's operators, and what the syntax would refuse (wildcards, a boost) */
      *p = ' ';
      if (c == '&' || c == '|') *++p = ' ';
      word_start = 1;
    } else {
      if (c >= 'A' && c <= 'Z') *p = (char)(c - 'A' + 'a');
      word_start = 0;
    }
  }
  return out;
}
