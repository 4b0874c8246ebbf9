/*
 * test_snippet.c - snippets built with the real English analyzer: highlight
 * ranges, window choice (checked against a brute-force window search),
 * ellipses, whitespace collapsing, UTF-8 repair, edge cases, and random texts
 * whose output must always be well-formed (run under ASan by the sanitizer
 * build).
 */
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

static int cmp_str(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

static void terms_free(terms *t) {
  for (size_t i = 0; i < t->n; i++) free(t->v[i]);
  t->n = 0;
  kz_hl_query_free(t->q);
  kz_hl_doc_free(&t->d);
}

/* Builds t from the query `words` (OR by default); nonzero on failure. */
static int terms_of(terms *t, kz_analyzer *a, const char *words) {
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
static int analyze(terms *t, kz_analyzer *a, const char *title, const char *body, size_t body_len) {
  return kz_hl_doc_analyze(&t->d, t->q, a, title, title ? strlen(title) : 0, body, body_len);
}

/* The snippet of a document whose body is text[0..len), as search.c makes it. */
static int snip(kz_snippet *s, terms *t, kz_analyzer *a, const char *text, size_t len,
                size_t max) {
  int rc = analyze(t, a, NULL, text, len);
  if (rc) return rc;
  return kz_snippet_make(s, text, len, &t->d.field[KZ_HL_BODY], kz_hl_query_clauses(t->q), max);
}


/* Independent strict UTF-8 validator (Unicode table 3-7). */
static int valid_utf8(const uint8_t *p, size_t n) {
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
static int well_formed(const kz_snippet *s) {
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

static int starts_with(const kz_snippet *s, const char *p) {
  return s->text.len >= strlen(p) && memcmp(s->text.data, p, strlen(p)) == 0;
}

static int ends_with(const kz_snippet *s, const char *p) {
  size_t n = strlen(p);
  return s->text.len >= n && memcmp(s->text.data + s->text.len - n, p, n) == 0;
}

/* Whether highlight k is `word`, ignoring ASCII case. */
static int span_is(const kz_snippet *s, size_t k, const char *word) {
  if (k >= s->n_spans) return 0;
  kz_span sp = s->spans[k];
  return sp.end - sp.start == strlen(word) &&
         strncasecmp((const char *)s->text.data + sp.start, word, strlen(word)) == 0;
}

/* The snippet without its ellipses. */
static void body_of(const kz_snippet *s, const char **p, size_t *n) {
  *p = (const char *)s->text.data;
  *n = s->text.len;
  if (*n >= 3 && memcmp(*p, ELL, 3) == 0) *p += 3, *n -= 3;
  if (*n >= 3 && memcmp(*p + *n - 3, ELL, 3) == 0) *n -= 3;
}

/* `text` with white space runs collapsed and trimmed (ASCII only), NUL dropped. */
static char *collapse(const char *text, size_t len) {
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

static int contains(const char *hay, const char *needle, size_t n) {
  if (n == 0) return 1;
  for (const char *p = hay; (p = strchr(p, needle[0])) != NULL; p++)
    if (strncmp(p, needle, n) == 0) return 1;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Behaviours                                                               */
/* ------------------------------------------------------------------------ */

static void test_snippet__highlights_match_byte_ranges(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "peacekeeper"), 0);
  CHECK_EQ_INT(t.n, 1);
  CHECK_EQ_STR(t.v[0], "peacekeep");
  const char *text = "The UN Peacekeepers arrived; peacekeeping works, say PEACEKEEPERS.";
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 200), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_STR((const char *)s.text.data, text);
  CHECK_EQ_INT(s.n_spans, 3);
  CHECK(span_is(&s, 0, "Peacekeepers"));
  CHECK(span_is(&s, 1, "peacekeeping"));
  CHECK(span_is(&s, 2, "PEACEKEEPERS"));
  CHECK_EQ_INT(s.spans[0].start, 7);
  kz_snippet_free(&s);
  kz_snippet_free(&s); /* safe twice */
  kz_snippet_free(NULL);
  terms_free(&t);
  kz_analyzer_free(a);
}

/* Appends `n` filler words to buf at *len. */
static void filler(char *buf, size_t *len, int n, int seed) {
  static const char *w[] = {"lorem", "ipsum", "dolor", "sit", "amet", "consectetur",
                            "adipiscing", "elit", "sed", "do", "eiusmod", "tempor"};
  for (int i = 0; i < n; i++) *len += (size_t)sprintf(buf + *len, "%s ", w[(i * 7 + seed) % 12]);
}

static void test_snippet__window_picks_densest_region(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "alpha beta gamma"), 0);
  CHECK_EQ_INT(t.n, 3);
  char *text = malloc(16384);
  size_t len = 0;
  filler(text, &len, 40, 1);
  len += (size_t)sprintf(text + len, "alpha alpha alpha ");            /* many, one term */
  filler(text, &len, 60, 2);
  len += (size_t)sprintf(text + len, "first alpha beta ");              /* two terms */
  filler(text, &len, 60, 3);
  len += (size_t)sprintf(text + len, "Second Alpha, beta and gamma. "); /* densest */
  filler(text, &len, 60, 4);
  len += (size_t)sprintf(text + len, "third alpha beta gamma. ");       /* as dense, later */
  filler(text, &len, 60, 5);
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 120), KZ_OK);
  CHECK(well_formed(&s));
  CHECK(strstr((const char *)s.text.data, "Second Alpha, beta and gamma.") != NULL);
  CHECK(strstr((const char *)s.text.data, "third") == NULL);
  CHECK_EQ_INT(s.n_spans, 3);
  CHECK(span_is(&s, 0, "Alpha"));
  CHECK(span_is(&s, 1, "beta"));
  CHECK(span_is(&s, 2, "gamma"));
  /* Context before the first match, and the whole budget used. */
  CHECK(s.spans[0].start > 3 + 10);
  CHECK(s.text.len > 100 && s.text.len <= 120 + 6);
  CHECK(starts_with(&s, ELL) && ends_with(&s, ELL));

  /* More occurrences win among windows with as many distinct terms. */
  len = 0;
  filler(text, &len, 40, 1);
  len += (size_t)sprintf(text + len, "alpha beta ");
  filler(text, &len, 40, 2);
  len += (size_t)sprintf(text + len, "beta ALPHA beta ");
  filler(text, &len, 40, 3);
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 60), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_INT(s.n_spans, 3);
  CHECK(span_is(&s, 1, "ALPHA"));
  kz_snippet_free(&s);
  free(text);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__ellipses_mark_cut_ends(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "target"), 0);
  char text[4096];
  size_t len;
  kz_snippet s = KZ_SNIPPET_INIT;

  /* Whole text fits: no mark, even with surrounding white space. */
  strcpy(text, "  \n a short target text \n ");
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 100), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, "a short target text");

  /* Match in the middle: both marks. */
  len = 0;
  filler(text, &len, 50, 0);
  len += (size_t)sprintf(text + len, "the target ");
  filler(text, &len, 50, 0);
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 80), KZ_OK);
  CHECK(well_formed(&s));
  CHECK(starts_with(&s, ELL) && ends_with(&s, ELL));
  CHECK_EQ_INT(s.n_spans, 1);
  CHECK(span_is(&s, 0, "target"));

  /* Match at the start: only the end is cut. */
  len = (size_t)sprintf(text, "Target first. ");
  filler(text, &len, 50, 0);
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 80), KZ_OK);
  CHECK(well_formed(&s));
  CHECK(!starts_with(&s, ELL) && ends_with(&s, ELL));
  CHECK(starts_with(&s, "Target first."));
  CHECK(span_is(&s, 0, "Target"));
  CHECK_EQ_INT(s.spans[0].start, 0);

  /* Match at the end: only the start is cut, and the room is used. */
  len = 0;
  filler(text, &len, 50, 0);
  len += (size_t)sprintf(text + len, "the last word is target.\n");
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 80), KZ_OK);
  CHECK(well_formed(&s));
  CHECK(starts_with(&s, ELL) && !ends_with(&s, ELL));
  CHECK(ends_with(&s, "the last word is target."));
  CHECK(s.text.len > 60);
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__whitespace_collapsed(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "world keepers"), 0);
  const char *text = "\n\t Hello \n\n\t world\xC2\xA0\xE3\x80\x80 peace \r\n keepers  \n";
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 100), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_STR((const char *)s.text.data, "Hello world peace keepers");
  CHECK_EQ_INT(s.n_spans, 2);
  CHECK(span_is(&s, 0, "world"));
  CHECK(span_is(&s, 1, "keepers"));
  CHECK_EQ_INT(s.spans[0].start, 6);
  CHECK_EQ_INT(s.spans[1].start, 18);
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__invalid_utf8_replaced_and_nul_dropped(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "peace bytes"), 0);
  static const char text[] =
      "bad \xFF\xFE bytes \xC3 and peace \x80 here \xED\xA0\x80 surrogate \xC0\xAF over"
      "long \xF4\x90\x80\x80 big a\0b c \0 peace \xE2\x82";
  size_t len = sizeof text - 1;
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 500), KZ_OK);
  CHECK(well_formed(&s));
  CHECK(strstr((const char *)s.text.data, "bad " FFFD FFFD " bytes " FFFD " and peace " FFFD) ==
        (const char *)s.text.data);
  CHECK(strstr((const char *)s.text.data, " ab c peace " FFFD FFFD) != NULL);
  CHECK(ends_with(&s, "peace " FFFD FFFD));
  CHECK_EQ_INT(s.n_spans, 3);
  CHECK(span_is(&s, 0, "bytes"));
  CHECK(span_is(&s, 1, "peace"));
  CHECK(span_is(&s, 2, "peace"));

  /* Every cut of the same text stays well-formed. */
  for (size_t max = 1; max <= len + 2; max++) {
    CHECK_EQ_INT(snip(&s, &t, a, text, len, max), KZ_OK);
    CHECK(well_formed(&s));
  }
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__no_match_gives_text_start(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "zebra"), 0);
  char text[2048];
  size_t len = 0;
  filler(text, &len, 100, 0);
  kz_snippet s = KZ_SNIPPET_INIT;
  for (size_t max = 20; max < 90; max += 7) {
    CHECK_EQ_INT(snip(&s, &t, a, text, len, max), KZ_OK);
    CHECK(well_formed(&s));
    CHECK_EQ_INT(s.n_spans, 0);
    CHECK(!starts_with(&s, ELL) && ends_with(&s, ELL));
    size_t body = s.text.len - 3;
    CHECK(body <= max && body + 12 >= max); /* near max_bytes */
    CHECK(memcmp(s.text.data, text, body) == 0);
    CHECK(text[body] == ' '); /* cut at a word end */
  }
  /* A match longer than max_bytes cannot be shown: as if none matched. */
  terms t2;
  CHECK_EQ_INT(terms_of(&t2, a, "consectetur"), 0);
  CHECK_EQ_INT(snip(&s, &t2, a, text, len, 8), KZ_OK);
  terms_free(&t2);
  CHECK(well_formed(&s) && s.n_spans == 0);
  CHECK_EQ_STR((const char *)s.text.data, "lorem" ELL);
  /* A text of no word at all is cut on a character boundary. */
  const char *punct = "\xE2\x80\x94\xE2\x80\x94\xE2\x80\x94\xE2\x80\x94";
  CHECK_EQ_INT(snip(&s, &t, a, punct, strlen(punct), 7), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_STR((const char *)s.text.data, "\xE2\x80\x94\xE2\x80\x94" ELL);
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__empty_text_and_zero_max(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "word"), 0);
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, "", 0, 100), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, "");
  CHECK_EQ_INT(s.text.len, 0);
  CHECK_EQ_INT(s.n_spans, 0);
  CHECK_EQ_INT(snip(&s, &t, a, NULL, 0, 100), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, "");
  const char *text = "a word here";
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 0), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, "");
  CHECK_EQ_INT(s.n_spans, 0);
  CHECK_EQ_INT(snip(&s, &t, a, " \n\t ", 4, 100), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, "");
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

/* Checks every max_bytes on `text`: well-formed, and the body is a piece of it. */
static int cuts_ok(kz_analyzer *a, const char *text, const char *query, size_t want_spans) {
  terms t;
  if (terms_of(&t, a, query) != 0) return 0;
  size_t len = strlen(text);
  char *whole = collapse(text, len);
  kz_snippet s = KZ_SNIPPET_INIT;
  int ok = 1;
  for (size_t max = 1; ok && max <= len + 4; max++) {
    ok = snip(&s, &t, a, text, len, max) == KZ_OK && well_formed(&s);
    const char *b;
    size_t n;
    body_of(&s, &b, &n);
    ok = ok && n <= max && contains(whole, b, n);
    if (max > len) ok = ok && strcmp((const char *)s.text.data, whole) == 0 &&
                        s.n_spans == want_spans;
    if (!ok) fprintf(stderr, "max %zu: \"%s\"\n", max, (const char *)s.text.data);
  }
  kz_snippet_free(&s);
  free(whole);
  terms_free(&t);
  return ok;
}

static void test_snippet__multibyte_never_cut_mid_character(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  CHECK(cuts_ok(a,
                "Миротворцы ООН прибыли в город. Жители встретили миротворцев ООН "
                "цветами, а ООН заявила о мире.",
                "ООН", 3));
  CHECK(cuts_ok(a, "東京都は日本の首都です。首都の人口は多い。大阪は首都ではない。", "首", 3));
  CHECK(cuts_ok(a, "naïve café 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 emoji 😀 and more café", "café emoji", 3));

  /* Highlights on Cyrillic words carry the original bytes. */
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "ООН"), 0);
  const char *text = "Заявление ООН.";
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 100), KZ_OK);
  CHECK_EQ_INT(s.n_spans, 1);
  CHECK(span_is(&s, 0, "ООН"));
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__reuses_buffers(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "lorem amet"), 0);
  char text[8192];
  size_t len = 0;
  filler(text, &len, 600, 0);
  kz_snippet s = KZ_SNIPPET_INIT, fresh = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 5000), KZ_OK);
  CHECK(well_formed(&s));
  const char *small = "amet, lorem";
  CHECK_EQ_INT(snip(&s, &t, a, small, strlen(small), 200), KZ_OK);
  CHECK_EQ_INT(snip(&fresh, &t, a, small, strlen(small), 200), KZ_OK);
  CHECK_EQ_STR((const char *)s.text.data, (const char *)fresh.text.data);
  CHECK_EQ_INT(s.n_spans, 2);
  CHECK_EQ_INT(fresh.n_spans, 2);
  CHECK(memcmp(s.spans, fresh.spans, 2 * sizeof(kz_span)) == 0);
  kz_snippet_free(&s);
  kz_snippet_free(&fresh);
  terms_free(&t);
  kz_analyzer_free(a);
}

/* ------------------------------------------------------------------------ */
/* What is highlighted: phrases, titles, excluded clauses                   */
/* ------------------------------------------------------------------------ */

/* Appends text[start, end) to out (capacity cap), after a '|' unless first. */
static void join_piece(char *out, size_t cap, const char *text, size_t start, size_t end) {
  size_t n = strlen(out);
  if (n > 0 && n + 1 < cap) out[n++] = '|';
  size_t k = end - start;
  if (k > cap - 1 - n) k = cap - 1 - n;
  memcpy(out + n, text + start, k);
  out[n + k] = 0;
}

/* The highlighted runs of field f (as search.c makes title spans), joined by '|'. */
static const char *runs_of(const terms *t, int f, const char *text) {
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

/* The snippet's highlighted pieces, joined by '|'. */
static const char *spans_of(const kz_snippet *s) {
  static char out[512];
  out[0] = 0;
  for (size_t k = 0; k < s->n_spans; k++)
    join_piece(out, sizeof out, (const char *)s->text.data, s->spans[k].start, s->spans[k].end);
  return out;
}

/* Runs of the body of a document (title, body) for `query`; "" on failure. */
static const char *body_runs(kz_analyzer *a, const char *query, const char *title,
                             const char *body, int field) {
  static char out[512];
  terms t;
  out[0] = 0;
  if (terms_of(&t, a, query) == 0 && analyze(&t, a, title, body, body ? strlen(body) : 0) == 0)
    snprintf(out, sizeof out, "%s", runs_of(&t, field, field == KZ_HL_TITLE ? title : body));
  terms_free(&t);
  return out;
}

static void test_snippet__phrase_words_highlighted_only_as_phrase(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "\"crude oil\" OPEC"), 0);
  const char *text = "A senior Abu Dhabi oil official said crude oil output and OPEC quotas. "
                     "Crude\n  oil; crude and oil.";
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 500), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_STR(spans_of(&s), "crude oil|OPEC|Crude oil");
  CHECK_EQ_STR(runs_of(&t, KZ_HL_BODY, text), "crude oil|OPEC|Crude\n  oil");
  /* Punctuation separates words without a gap, so "crude, oil" is a phrase
     occurrence, as the index has it. */
  CHECK_EQ_STR(body_runs(a, "\"crude oil\"", NULL, "crude, oil", KZ_HL_BODY), "crude, oil");
  kz_snippet_free(&s);
  terms_free(&t);
  /* Stemmed like the index: the phrase's words in any inflection. */
  CHECK_EQ_STR(body_runs(a, "\"peacekeeping forces\"", NULL,
                         "Peacekeepers force, peacekeeping or forces", KZ_HL_BODY),
               "Peacekeepers force");
  CHECK_EQ_STR(body_runs(a, "peacekeepers", NULL, "peacekeeping forces", KZ_HL_BODY),
               "peacekeeping");
  /* A hyphenated word is a phrase of its parts at consecutive positions. */
  CHECK_EQ_STR(body_runs(a, "Nur-Sultan", NULL, "Nur Sultan, nur or sultan", KZ_HL_BODY),
               "Nur Sultan");
  kz_analyzer_free(a);
}

static void test_snippet__overlapping_occurrences_form_one_span(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  /* Occurrences at words 1 and 3 overlap; the last "new york" is not one. */
  CHECK_EQ_STR(body_runs(a, "\"new york new\"", NULL, "in new york new york new jersey, new york",
                         KZ_HL_BODY),
               "new york new york new");
  /* A term inside a phrase occurrence joins it; elsewhere it stands alone. */
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "oil \"crude oil\""), 0);
  const char *text = "crude oil and oil";
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, strlen(text), 100), KZ_OK);
  CHECK_EQ_STR(spans_of(&s), "crude oil|oil");
  CHECK_EQ_INT(s.n_spans, 2);
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__title_matches_highlighted(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "\"crude oil\" prices"), 0);
  const char *title = "Crude oil prices fall; oil up";
  const char *body = "Oil prices eased.";
  CHECK_EQ_INT(analyze(&t, a, title, body, strlen(body)), KZ_OK);
  CHECK_EQ_STR(runs_of(&t, KZ_HL_TITLE, title), "Crude oil|prices");
  CHECK_EQ_STR(runs_of(&t, KZ_HL_BODY, body), "prices");
  CHECK_EQ_INT(t.d.field[KZ_HL_TITLE].matches[0].start, 0);
  CHECK_EQ_INT(t.d.field[KZ_HL_TITLE].matches[0].end, 9);
  terms_free(&t);
  /* Multibyte text: byte offsets, the phrase across punctuation. */
  CHECK_EQ_INT(terms_of(&t, a, "\"ООН миротворцы\""), 0);
  const char *ru = "Миссия ООН: миротворцы ещё";
  CHECK_EQ_INT(analyze(&t, a, ru, "ООН и миротворцы", strlen("ООН и миротворцы")), KZ_OK);
  CHECK_EQ_STR(runs_of(&t, KZ_HL_TITLE, ru), "ООН: миротворцы");
  CHECK_EQ_INT(t.d.field[KZ_HL_TITLE].matches[0].start, strlen("Миссия "));
  CHECK_EQ_INT(t.d.field[KZ_HL_BODY].n_matches, 0);
  terms_free(&t);
  kz_analyzer_free(a);
}

static void test_snippet__phrase_across_title_and_body_not_highlighted(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  const char *title = "Talks on crude";
  CHECK_EQ_STR(body_runs(a, "\"crude oil\"", title, "oil rose; crude oil later", KZ_HL_TITLE), "");
  CHECK_EQ_STR(body_runs(a, "\"crude oil\"", title, "oil rose; crude oil later", KZ_HL_BODY),
               "crude oil");
  /* It still counts as an occurrence, as in the index: the group matches. */
  CHECK_EQ_STR(body_runs(a, "rose OR (talks AND \"crude oil\")", title, "oil rose", KZ_HL_TITLE),
               "Talks");
  CHECK_EQ_STR(body_runs(a, "rose OR (talks AND \"crude gas\")", title, "gas rose", KZ_HL_TITLE),
               "Talks");
  CHECK_EQ_STR(body_runs(a, "rose OR (talks AND \"crude gas\")", title, "oil rose", KZ_HL_TITLE),
               "");
  kz_analyzer_free(a);
}

static void test_snippet__excluded_and_unmatched_clauses_not_highlighted(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  const char *text = "OPEC oil and gas";
  CHECK_EQ_STR(body_runs(a, "oil -gas", NULL, "oil", KZ_HL_BODY), "oil");
  /* The group (oil -gas) does not match: only OPEC made the document match. */
  CHECK_EQ_STR(body_runs(a, "opec (oil -gas)", NULL, text, KZ_HL_BODY), "OPEC");
  CHECK_EQ_STR(body_runs(a, "opec OR (oil AND NOT gas)", NULL, text, KZ_HL_BODY), "OPEC");
  CHECK_EQ_STR(body_runs(a, "opec OR (oil AND NOT coal)", NULL, text, KZ_HL_BODY), "OPEC|oil");
  CHECK_EQ_STR(body_runs(a, "opec OR (oil AND coal)", NULL, text, KZ_HL_BODY), "OPEC");
  CHECK_EQ_STR(body_runs(a, "+opec oil", NULL, text, KZ_HL_BODY), "OPEC|oil");
  /* Should the stored text not match (the index said it did), the clauses
     outside NOT that occur are shown, never the excluded ones. */
  CHECK_EQ_STR(body_runs(a, "opec -gas", NULL, text, KZ_HL_BODY), "OPEC");
  CHECK_EQ_STR(body_runs(a, "opec AND NOT \"oil and gas\"", NULL, text, KZ_HL_BODY), "OPEC");
  kz_analyzer_free(a);
}

static void test_snippet__window_prefers_phrase_occurrences(void) {
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "\"crude oil\" opec"), 0);
  char text[2048];
  size_t len = 0;
  const char *lone = "oil and crude and oil and crude and oil. ";
  memcpy(text, lone, strlen(lone));
  len = strlen(lone);
  filler(text, &len, 40, 1);
  const char *real = "the crude oil price ";
  memcpy(text + len, real, strlen(real));
  len += strlen(real);
  filler(text, &len, 40, 2);
  kz_snippet s = KZ_SNIPPET_INIT;
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 60), KZ_OK);
  CHECK(well_formed(&s));
  CHECK_EQ_STR(spans_of(&s), "crude oil");
  /* Two distinct clauses beat more occurrences of one. */
  memcpy(text + len, " OPEC ", 6);
  len += 6;
  memcpy(text + len, real, strlen(real));
  len += strlen(real);
  CHECK_EQ_INT(snip(&s, &t, a, text, len, 60), KZ_OK);
  CHECK_EQ_STR(spans_of(&s), "OPEC|crude oil");
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

/* ------------------------------------------------------------------------ */
/* Random texts                                                             */
/* ------------------------------------------------------------------------ */

/* Term number of the token in span text, or -1 (the oracle reads the output). */
static int span_term(kz_analyzer *a, const terms *t, const char *p, size_t n) {
  kz_token tok;
  kz_analyzer_reset(a, p, n);
  if (kz_analyzer_next(a, &tok) != 1 || tok.start != 0 || tok.end != n) return -1;
  for (size_t i = 0; i < t->n; i++)
    if (strcmp(t->v[i], tok.term) == 0) return (int)i;
  return -1;
}

/*
 * Words separated by white space and punctuation: the snippet's highlights
 * must be exactly the brute-force best window's matches (most distinct terms,
 * then most matches).
 */
static void test_snippet__random_windows_match_brute_force(void) {
  static const char *words[] = {"alpha",  "beta",   "Gammas", "deltas", "running", "runs",
                                "filler", "text",   "some",   "other",  "words",   "here",
                                "ещё",    "слово",  "東",     "京",     "naïve",   "Peace"};
  static const char *seps[] = {" ", "  ", "\n", ", ", ". ", " - ", "\t", " \xFF ", " \0 "};
  static const size_t sep_len[] = {1, 2, 1, 2, 2, 3, 1, 3, 3};
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0x9E3779B97F4A7C15ull);
  char *text = malloc(8192);
  kz_snippet s = KZ_SNIPPET_INIT;
  typedef struct {
    size_t start, end;
    int term;
  } match;
  match *m = malloc(2048 * sizeof *m);
  for (int iter = 0; iter < 400; iter++) {
    size_t len = 0;
    int n_words = (int)(kz_test_rand(&rng) % 300);
    for (int i = 0; i < n_words; i++) {
      const char *w = words[kz_test_rand(&rng) % 18];
      memcpy(text + len, w, strlen(w));
      len += strlen(w);
      size_t k = kz_test_rand(&rng) % 9;
      memcpy(text + len, seps[k], sep_len[k]);
      len += sep_len[k];
    }
    char query[256] = "";
    int n_q = 1 + (int)(kz_test_rand(&rng) % 4);
    for (int i = 0; i < n_q; i++) {
      strcat(query, words[kz_test_rand(&rng) % 18]);
      strcat(query, " ");
    }
    terms t;
    CHECK_EQ_INT(terms_of(&t, a, query), 0);
    size_t max = 1 + kz_test_rand(&rng) % 400;
    CHECK_EQ_INT(snip(&s, &t, a, text, len, max), KZ_OK);
    CHECK(well_formed(&s));

    /* Brute force over every match as the window start. */
    size_t n = 0, best_d = 0, best_c = 0;
    kz_token tok;
    kz_analyzer_reset(a, text, len);
    while (kz_analyzer_next(a, &tok) == 1) {
      for (size_t i = 0; i < t.n; i++) {
        if (strcmp(t.v[i], tok.term) == 0) {
          m[n].start = tok.start;
          m[n].end = tok.end;
          m[n++].term = (int)i;
        }
      }
    }
    for (size_t i = 0; i < n; i++) {
      size_t seen = 0, c = 0;
      for (size_t j = i; j < n && m[j].end - m[i].start <= max; j++, c++) seen |= 1u << m[j].term;
      size_t d = (size_t)__builtin_popcount((unsigned)seen);
      if (d > best_d || (d == best_d && c > best_c)) best_d = d, best_c = c;
    }
    size_t seen = 0;
    for (size_t k = 0; k < s.n_spans; k++) {
      int term = span_term(a, &t, (const char *)s.text.data + s.spans[k].start,
                           s.spans[k].end - s.spans[k].start);
      CHECK(term >= 0);
      seen |= 1u << term;
    }
    CHECK_EQ_INT(s.n_spans, best_c);
    CHECK_EQ_INT(__builtin_popcount((unsigned)seen), best_d);
    terms_free(&t);
  }
  free(m);
  free(text);
  kz_snippet_free(&s);
  kz_analyzer_free(a);
}

/*
 * Random texts and a query of a random phrase and a random term: the
 * highlighted runs must be exactly the brute-force ones (every token run
 * whose terms are the phrase's at consecutive positions, every token of the
 * term, overlapping ones merged).
 */
static void test_snippet__random_phrases_match_brute_force(void) {
  static const char *words[] = {"oil", "crude", "Oils", "price", "the", "of", "OPEC's", "опек"};
  static const char *seps[] = {" ", ", ", ". ", "\n", " \xFF ", " - "};
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0x2545F4914F6CDD1Dull);
  char text[4096], query[256], want[4096];
  typedef struct {
    char term[32];
    uint32_t pos;
    size_t start, end;
  } token;
  token *tk = malloc(1024 * sizeof *tk);
  size_t phrase_found = 0, overlaps = 0;
  for (int iter = 0; iter < 300; iter++) {
    size_t len = 0;
    int n_words = (int)(kz_test_rand(&rng) % 120);
    for (int i = 0; i < n_words; i++) {
      const char *w = words[kz_test_rand(&rng) % 8], *sep = seps[kz_test_rand(&rng) % 6];
      len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", w, sep);
    }
    size_t n_phrase = 2 + kz_test_rand(&rng) % 2;
    const char *phrase[3], *term = words[kz_test_rand(&rng) % 8];
    size_t q = (size_t)snprintf(query, sizeof query, "\"");
    for (size_t i = 0; i < n_phrase; i++) {
      phrase[i] = words[kz_test_rand(&rng) % 8];
      q += (size_t)snprintf(query + q, sizeof query - q, "%s%s", i ? " " : "", phrase[i]);
    }
    snprintf(query + q, sizeof query - q, "\" %s", term);
    terms t;
    CHECK_EQ_INT(terms_of(&t, a, query), 0);
    CHECK_EQ_INT(analyze(&t, a, NULL, text, len), KZ_OK);

    /* The oracle: tokens, then the analyzed phrase and term. */
    size_t n = 0;
    kz_token tok;
    kz_analyzer_reset(a, text, len);
    while (kz_analyzer_next(a, &tok) == 1 && n < 1024) {
      snprintf(tk[n].term, sizeof tk[n].term, "%s", tok.term);
      tk[n].pos = tok.position;
      tk[n].start = tok.start;
      tk[n++].end = tok.end;
    }
    char pt[3][32], tt[32];
    for (size_t i = 0; i < n_phrase; i++) {
      kz_analyzer_reset(a, phrase[i], strlen(phrase[i]));
      CHECK_EQ_INT(kz_analyzer_next(a, &tok), 1);
      snprintf(pt[i], sizeof pt[i], "%s", tok.term);
    }
    kz_analyzer_reset(a, term, strlen(term));
    CHECK_EQ_INT(kz_analyzer_next(a, &tok), 1);
    snprintf(tt, sizeof tt, "%s", tok.term);
    /* Marked bytes, then their maximal runs of overlapping occurrences. */
    size_t run_start = SIZE_MAX, run_end = 0;
    want[0] = 0;
    for (size_t i = 0; i < n; i++) {
      size_t end = 0;
      if (strcmp(tk[i].term, tt) == 0) end = tk[i].end;
      size_t k = 0;
      while (k < n_phrase && i + k < n && tk[i + k].pos == tk[i].pos + k &&
             strcmp(tk[i + k].term, pt[k]) == 0)
        k++;
      if (k == n_phrase && tk[i + k - 1].end > end) end = tk[i + k - 1].end;
      if (end == 0) continue;
      phrase_found += k == n_phrase;
      overlaps += run_start != SIZE_MAX && tk[i].start < run_end;
      if (run_start != SIZE_MAX && tk[i].start >= run_end) {
        join_piece(want, sizeof want, text, run_start, run_end);
        run_start = SIZE_MAX;
      }
      if (run_start == SIZE_MAX) run_start = tk[i].start, run_end = 0;
      if (end > run_end) run_end = end;
    }
    if (run_start != SIZE_MAX) join_piece(want, sizeof want, text, run_start, run_end);
    CHECK_EQ_STR(runs_of(&t, KZ_HL_BODY, text), want);
    terms_free(&t);
  }
  CHECK(phrase_found > 100 && overlaps > 10); /* the cases of interest did occur (237, 37) */
  free(tk);
  kz_analyzer_free(a);
}

/* Arbitrary bytes, biased towards UTF-8 edge cases: only well-formedness. */
static void test_snippet__random_bytes_stay_well_formed(void) {
  static const char *pieces[] = {"a",    "peace", "keepers", " ",    "\n",   "\0",  "\xFF",
                                 "\xC3", "\xA9",  "\xE2\x82", "\xF0", "\x80", "é",   "東",
                                 "ж",    "😀",    ".",       "'",    "\t\r", "\xC2\xA0"};
  static const size_t lens[] = {1, 5, 7, 1, 1, 1, 1, 1, 1, 2, 1, 1, 2, 3, 2, 4, 1, 1, 2, 2};
  kz_analyzer *a;
  CHECK_EQ_INT(kz_analyzer_new(&a, "english"), KZ_OK);
  terms t;
  CHECK_EQ_INT(terms_of(&t, a, "a peace keepers"), 0);
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_XORSHIFT64, 12345);
  kz_snippet s = KZ_SNIPPET_INIT;
  for (int iter = 0; iter < 3000; iter++) {
    size_t len = 0, n = kz_test_rand(&rng) % 200;
    char *text = malloc(n * 7 + 1); /* exact size so ASan sees any overread */
    for (size_t i = 0; i < n; i++) {
      size_t k = kz_test_rand(&rng) % 20;
      memcpy(text + len, pieces[k], lens[k]);
      len += lens[k];
    }
    char *exact = malloc(len ? len : 1);
    memcpy(exact, text, len);
    free(text);
    size_t max = kz_test_rand(&rng) % 64;
    CHECK_EQ_INT(snip(&s, &t, a, exact, len, max), KZ_OK);
    CHECK(well_formed(&s));
    if (max == 0) CHECK_EQ_INT(s.text.len, 0);
    free(exact);
  }
  kz_snippet_free(&s);
  terms_free(&t);
  kz_analyzer_free(a);
}

KZ_TEST_MAIN(KZ_TEST(test_snippet__highlights_match_byte_ranges),
             KZ_TEST(test_snippet__window_picks_densest_region),
             KZ_TEST(test_snippet__ellipses_mark_cut_ends),
             KZ_TEST(test_snippet__whitespace_collapsed),
             KZ_TEST(test_snippet__invalid_utf8_replaced_and_nul_dropped),
             KZ_TEST(test_snippet__no_match_gives_text_start),
             KZ_TEST(test_snippet__empty_text_and_zero_max),
             KZ_TEST(test_snippet__multibyte_never_cut_mid_character),
             KZ_TEST(test_snippet__reuses_buffers),
             KZ_TEST(test_snippet__phrase_words_highlighted_only_as_phrase),
             KZ_TEST(test_snippet__overlapping_occurrences_form_one_span),
             KZ_TEST(test_snippet__title_matches_highlighted),
             KZ_TEST(test_snippet__phrase_across_title_and_body_not_highlighted),
             KZ_TEST(test_snippet__excluded_and_unmatched_clauses_not_highlighted),
             KZ_TEST(test_snippet__window_prefers_phrase_occurrences),
             KZ_TEST(test_snippet__random_windows_match_brute_force),
             KZ_TEST(test_snippet__random_phrases_match_brute_force),
             KZ_TEST(test_snippet__random_bytes_stay_well_formed))
