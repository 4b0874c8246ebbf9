/*
 * kz_test_snippet.h - what the snippet tests (tests/unit/test_snippet*.c)
 * share: a query as the searcher sees it with the oracles' analyzed terms,
 * building snippets with the real English analyzer, and the checks of their
 * output (well-formed UTF-8, spans, ends). Header-only (static inline), for
 * the test programs only.
 */
#ifndef KZ_TEST_SNIPPET_H
#define KZ_TEST_SNIPPET_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/analyzer.h"
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kzsearch.h"
#include "searcher/highlight.h"
#include "searcher/plan.h"
#include "searcher/query_parse.h"
#include "searcher/snippet.h"

#define ELL "\xE2\x80\xA6"
#define FFFD "\xEF\xBF\xBD"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * A query as the searcher sees it (parsed, analyzed, its highlight query
 * built) plus, for the oracles, the analyzed, sorted, distinct terms of its
 * words.
 */
typedef struct terms {
  char *v[64];
  size_t n;
  kz_hl_query *q;
  kz_hl_doc d;
} terms;

static inline int cmp_str(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

static inline void terms_free(terms *t) {
  for (size_t i = 0; i < t->n; i++) free(t->v[i]);
  t->n = 0;
  kz_hl_query_free(t->q);
  kz_hl_doc_free(&t->d);
}

/* Builds t from the query `words` (OR by default); nonzero on failure. */
static inline int terms_of(terms *t, kz_analyzer *a, const char *words) {
  kz_token tok;
  int rc;
  kz_hl_doc init = KZ_HL_DOC_INIT;
  t->n = 0;
  t->q = NULL;
  t->d = init;
  kz_analyzer_reset(a, words, strlen(words));
  while ((rc = kz_analyzer_next(a, &tok)) == 1) {
    int dup = 0;
    for (size_t i = 0; i < t->n; i++) dup |= strcmp(t->v[i], tok.term) == 0;
    if (dup || t->n == 64) continue;
    t->v[t->n++] = strdup(tok.term);
  }
  qsort(t->v, t->n, sizeof t->v[0], cmp_str);
  if (rc) return rc;
  kz_error err;
  kz_qnode *tree = NULL;
  kz_plan *plan = NULL;
  rc = kz_query_parse(&tree, words, strlen(words), &err);
  if (!rc) rc = kz_plan_build(&plan, tree, a, 0, NULL, &err);
  if (!rc) rc = kz_hl_query_build(&t->q, plan);
  kz_plan_free(plan);
  kz_qnode_free(tree);
  return rc;
}

/* Analyzes a document of that title and body for t's query. */
static inline int analyze(terms *t, kz_analyzer *a, const char *title, const char *body, size_t body_len) {
  return kz_hl_doc_analyze(&t->d, t->q, a, title, title ? strlen(title) : 0, body, body_len);
}

/* The snippet of a document whose body is text[0..len), as search.c makes it. */
static inline int snip(kz_snippet *s, terms *t, kz_analyzer *a, const char *text, size_t len,
                size_t max) {
  int rc = analyze(t, a, NULL, text, len);
  if (rc) return rc;
  return kz_snippet_make(s, text, len, &t->d.field[KZ_HL_BODY], kz_hl_query_clauses(t->q), max);
}


/* Independent strict UTF-8 validator (Unicode table 3-7). */
static inline int valid_utf8(const uint8_t *p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t b = p[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    size_t k;
    uint8_t lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) k = 1;
    else if (b == 0xE0) k = 2, lo = 0xA0;
    else if (b == 0xED) k = 2, hi = 0x9F;
    else if (b >= 0xE1 && b <= 0xEF) k = 2;
    else if (b == 0xF0) k = 3, lo = 0x90;
    else if (b == 0xF4) k = 3, hi = 0x8F;
    else if (b >= 0xF1 && b <= 0xF3) k = 3;
    else return 0;
    if (k >= n - i) return 0; /* truncated */
    if (p[i + 1] < lo || p[i + 1] > hi) return 0;
    for (size_t j = 2; j <= k; j++)
      if ((p[i + j] & 0xC0) != 0x80) return 0;
    i += k + 1;
  }
  return 1;
}

/* Properties every snippet has, whatever the input. */
static inline int well_formed(const kz_snippet *s) {
  const uint8_t *d = s->text.data;
  if (!d || d[s->text.len] != 0) return 0;
  if (memchr(d, 0, s->text.len)) return 0;
  if (!valid_utf8(d, s->text.len)) return 0;
  /* No leading, trailing or doubled space, no other white space byte. */
  for (size_t i = 0; i < s->text.len; i++) {
    if (strchr("\t\n\v\f\r", d[i]) && d[i]) return 0;
    if (d[i] == ' ' && (i == 0 || i + 1 == s->text.len || d[i + 1] == ' ')) return 0;
  }
  size_t prev = 0;
  for (size_t k = 0; k < s->n_spans; k++) {
    kz_span sp = s->spans[k];
    if (sp.start < prev || sp.start >= sp.end || sp.end > s->text.len) return 0;
    if (!valid_utf8(d + sp.start, sp.end - sp.start)) return 0;
    prev = sp.end;
  }
  return 1;
}

static inline int starts_with(const kz_snippet *s, const char *p) {
  return s->text.len >= strlen(p) && memcmp(s->text.data, p, strlen(p)) == 0;
}

static inline int ends_with(const kz_snippet *s, const char *p) {
  size_t n = strlen(p);
  return s->text.len >= n && memcmp(s->text.data + s->text.len - n, p, n) == 0;
}

/* Whether highlight k is `word`, ignoring ASCII case. */
static inline int span_is(const kz_snippet *s, size_t k, const char *word) {
  if (k >= s->n_spans) return 0;
  kz_span sp = s->spans[k];
  return sp.end - sp.start == strlen(word) &&
         strncasecmp((const char *)s->text.data + sp.start, word, strlen(word)) == 0;
}

/* The snippet without its ellipses. */
static inline void body_of(const kz_snippet *s, const char **p, size_t *n) {
  *p = (const char *)s->text.data;
  *n = s->text.len;
  if (*n >= 3 && memcmp(*p, ELL, 3) == 0) *p += 3, *n -= 3;
  if (*n >= 3 && memcmp(*p + *n - 3, ELL, 3) == 0) *n -= 3;
}

/* `text` with white space runs collapsed and trimmed (ASCII only), NUL dropped. */
static inline char *collapse(const char *text, size_t len) {
  char *o = malloc(len + 1);
  size_t n = 0;
  int pending = 0;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (c == 0) continue;
    if (strchr(" \t\n\v\f\r", c)) {
      pending = n > 0;
      continue;
    }
    if (pending) o[n++] = ' ';
    pending = 0;
    o[n++] = c;
  }
  o[n] = 0;
  return o;
}

static inline int contains(const char *hay, const char *needle, size_t n) {
  if (n == 0) return 1;
  for (const char *p = hay; (p = strchr(p, needle[0])) != NULL; p++)
    if (strncmp(p, needle, n) == 0) return 1;
  return 0;
}

/* Appends `n` filler words to buf at *len. */
static inline void filler(char *buf, size_t *len, int n, int seed) {
  static const char *w[] = {"lorem", "ipsum", "dolor", "sit", "amet", "consectetur",
                            "adipiscing", "elit", "sed", "do", "eiusmod", "tempor"};
  for (int i = 0; i < n; i++) *len += (size_t)sprintf(buf + *len, "%s ", w[(i * 7 + seed) % 12]);
}

/* Appends text[start, end) to out (capacity cap), after a '|' unless first. */
static inline void join_piece(char *out, size_t cap, const char *text, size_t start, size_t end) {
  size_t n = strlen(out);
  if (n > 0 && n + 1 < cap) out[n++] = '|';
  size_t k = end - start;
  if (k > cap - 1 - n) k = cap - 1 - n;
  memcpy(out + n, text + start, k);
  out[n + k] = 0;
}

/* The highlighted runs of field f (as search.c makes title spans), joined by '|'. */
static inline const char *runs_of(const terms *t, int f, const char *text) {
  static char out[4096]; /* test-only: one result at a time */
  const kz_hl_field *field = &t->d.field[f];
  out[0] = 0;
  for (size_t i = 0; i < field->n_matches;) {
    size_t start = field->matches[i].start, end;
    i = kz_hl_run(field->matches, field->n_matches, i, &end);
    join_piece(out, sizeof out, text, start, end);
  }
  return out;
}

#endif /* KZ_TEST_SNIPPET_H */
