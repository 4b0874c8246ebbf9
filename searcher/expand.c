/*
 * expand.c - prefix and fuzzy leaves of the plan (see expand.h): their
 * analysis, their expansion over the segments' dictionaries (one k-way
 * merge, format/term_enum.h; fuzzy words through searcher/fuzzy_scan.h),
 * the cap on fuzzy expansions, and the document frequency of the union
 * (counted on the union itself, searcher/expand_union.h, which the plan
 * keeps for the evaluation).
 *
 * Ownership: an EXPAND leaf owns its word, stem, terms and unions (plan.c
 * frees them); the enumerator lives for one expansion.
 */
#include "searcher/expand.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/limits.h"
#include "format/format.h"
#include "format/term_enum.h"
#include "searcher/fuzzy_scan.h"
#include "searcher/query_suffix.h"

/* A copy of term text[0..len) behind the field byte, NUL-terminated. */
static char *field_key(unsigned field, const char *text, size_t len) {
  char *k = malloc(len + 2);
  if (!k) return NULL;
  k[0] = (char)field;
  memcpy(k + 1, text, len);
  k[len + 1] = 0;
  return k;
}

static size_t letters_of(const char *s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; i++) count += ((unsigned char)s[i] & 0xC0) != 0x80;
  return count;
}

int kz_plan_expand_leaf(kz_plan **out, const kz_qnode *q, kz_analyzer *an, size_t *n_leaves,
                        kz_error *err) {
  *out = NULL;
  int fuzzy = q->kind == KZ_Q_FUZZY;
  const char *what = fuzzy ? "a fuzzy word" : "a prefix";
  kz_token tok;
  kz_analyzer_reset(an, q->text, q->text_len);
  int rc = kz_analyzer_next_unstemmed(an, &tok);
  if (rc <= 0) return rc; /* nothing searchable: dropped as a word would be */
  kz_plan *p = calloc(1, sizeof *p);
  if (!p) return KZ_ERR_NOMEM;
  p->kind = KZ_P_EXPAND;
  p->position = q->position;
  p->field = q->field;
  p->fuzzy = fuzzy;
  size_t letters = letters_of(tok.term, tok.term_len);
  p->max_edits = q->max_edits >= 0 ? q->max_edits : kz_fuzzy_auto_edits(letters);
  p->word = field_key(q->field, tok.term, tok.term_len);
  p->word_len = tok.term_len + 1;
  if (!p->word) goto nomem;
  if ((rc = kz_analyzer_next_unstemmed(an, &tok)) != 0) {
    kz_plan_free(p);
    if (rc < 0) return rc;
    return kz_error_set_at(err, KZ_ERR_QUERY, q->position,
                           "%s must be one word: '%.*s' at %zu is several (quote a phrase instead)",
                           what, (int)q->text_len, q->text, q->position);
  }
  if (!fuzzy && letters < 2) {
    kz_plan_free(p);
    return kz_error_set_at(err, KZ_ERR_QUERY, q->position,
                           "the prefix '%.*s*' at %zu is too short: a prefix needs at least 2 letters",
                           (int)q->text_len, q->text, q->position);
  }
  if (fuzzy) {
    kz_analyzer_reset(an, q->text, q->text_len);
    if ((rc = kz_analyzer_next(an, &tok)) != 1) {
      kz_plan_free(p);
      return rc < 0 ? rc : KZ_ERR_NOMEM;
    }
    p->stem = field_key(q->field, tok.term, tok.term_len);
    p->stem_len = tok.term_len + 1;
    if (!p->stem) goto nomem;
  }
  if (++*n_leaves > KZ_MAX_QUERY_CLAUSES) {
    kz_plan_free(p);
    return kz_error_set_at(err, KZ_ERR_LIMIT, q->position,
                           "the query has more than %d terms and phrases", KZ_MAX_QUERY_CLAUSES);
  }
  *out = p;
  return KZ_OK;
nomem:
  kz_plan_free(p);
  return KZ_ERR_NOMEM;
}

/* ---- collecting the expansions ---------------------------------------- */

typedef struct expansion {
  kz_plan *p;
  size_t n_segs;
  size_t cap;             /* fuzzy: terms kept at most */
  kz_term_enum *e;
  const kz_term_match *m; /* the enumerator's current entries */
  size_t n_m;
  size_t cap_terms;
} expansion;

static uint64_t df_of(const kz_pterm *t, size_t n_segs) {
  uint64_t df = 0;
  for (size_t s = 0; s < n_segs; s++) df += t->seg[s].df;
  return df;
}

/* Whether a should be dropped before b when the cap bites: lower df, then the larger key. */
static int worse(const kz_pterm *a, const kz_pterm *b) {
  if (a->df != b->df) return a->df < b->df;
  size_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
  int c = memcmp(a->key, b->key, n);
  return c ? c > 0 : a->key_len > b->key_len;
}

/* Restores the min-heap (worst on top) of p->terms from slot i down. */
static void sift_down(kz_pterm *h, size_t n, size_t i) {
  for (;;) {
    size_t w = i, l = 2 * i + 1, r = l + 1;
    if (l < n && worse(&h[l], &h[w])) w = l;
    if (r < n && worse(&h[r], &h[w])) w = r;
    if (w == i) return;
    kz_pterm t = h[i];
    h[i] = h[w];
    h[w] = t;
    i = w;
  }
}

static void sift_up(kz_pterm *h, size_t i) {
  while (i > 0 && worse(&h[i], &h[(i - 1) / 2])) {
    kz_pterm t = h[i];
    h[i] = h[(i - 1) / 2];
    h[(i - 1) / 2] = t;
    i = (i - 1) / 2;
  }
}

/* A term from the enumerator's current key and entries. */
static int make_term(expansion *x, const char *key, size_t len, kz_pterm *t) {
  memset(t, 0, sizeof *t);
  t->key = malloc(len + 1);
  t->seg = calloc(x->n_segs ? x->n_segs : 1, sizeof *t->seg);
  if (!t->key || !t->seg) {
    free(t->key);
    free(t->seg);
    return KZ_ERR_NOMEM;
  }
  memcpy(t->key, key, len);
  t->key[len] = 0;
  t->key_len = len;
  for (size_t i = 0; i < x->n_m; i++) t->seg[x->m[i].segment] = x->m[i].info;
  t->df = df_of(t, x->n_segs); /* for the cap; kz_plan_weigh sets it again */
  return KZ_OK;
}

static int append_term(expansion *x, const char *key, size_t len) {
  kz_plan *p = x->p;
  if (p->n_terms == x->cap_terms) {
    size_t c = x->cap_terms ? 2 * x->cap_terms : 16;
    kz_pterm *t = realloc(p->terms, c * sizeof *t);
    if (!t) return KZ_ERR_NOMEM;
    p->terms = t;
    x->cap_terms = c;
  }
  int rc = make_term(x, key, len, &p->terms[p->n_terms]);
  if (!rc) p->n_terms++;
  return rc;
}

static void drop_term(kz_pterm *t) {
  free(t->key);
  free(t->seg);
}

/* The fuzzy visitor: keeps the x->cap terms of highest df in a heap. */
static int keep_fuzzy(void *ctx, const char *key, size_t len, int distance) {
  (void)distance;
  expansion *x = ctx;
  kz_plan *p = x->p;
  p->in_reach++;
  if (p->n_terms < x->cap) {
    int rc = append_term(x, key, len);
    if (!rc) sift_up(p->terms, p->n_terms - 1);
    return rc;
  }
  kz_pterm t;
  int rc = make_term(x, key, len, &t);
  if (rc) return rc;
  if (!worse(&p->terms[0], &t)) {
    drop_term(&t);
    return KZ_OK;
  }
  drop_term(&p->terms[0]);
  p->terms[0] = t;
  sift_down(p->terms, p->n_terms, 0);
  return KZ_OK;
}

static int enum_seek(void *ctx, const char *key, size_t len) {
  expansion *x = ctx;
  return kz_term_enum_seek(x->e, key, len);
}

static int enum_next(void *ctx, const char **key, size_t *len) {
  expansion *x = ctx;
  return kz_term_enum_next(x->e, key, len, &x->m, &x->n_m);
}

static int by_key(const void *a, const void *b) {
  const kz_pterm *x = a, *y = b;
  size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
  int c = memcmp(x->key, y->key, n);
  return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

static int expand_prefix(expansion *x) {
  kz_plan *p = x->p;
  int rc = kz_term_enum_seek(x->e, p->word, p->word_len);
  while (!rc) {
    const char *key;
    size_t len;
    int more = kz_term_enum_next(x->e, &key, &len, &x->m, &x->n_m);
    if (more <= 0) return more;
    if (len < p->word_len || memcmp(key, p->word, p->word_len) != 0) break;
    rc = append_term(x, key, len);
    p->in_reach++;
  }
  return rc;
}

static int expand_fuzzy(expansion *x) {
  kz_plan *p = x->p;
  const char *targets[2] = {p->word + 1, p->stem + 1};
  size_t lens[2] = {p->word_len - 1, p->stem_len - 1};
  size_t n = p->stem_len == p->word_len && memcmp(p->word, p->stem, p->word_len) == 0 ? 1 : 2;
  kz_dict_source src = {x, enum_seek, enum_next};
  int rc = kz_fuzzy_scan(&src, p->word, 1, targets, lens, n, p->max_edits, keep_fuzzy, x, NULL);
  if (!rc && p->n_terms > 1) /* none: terms is NULL, which qsort must not get */
    qsort(p->terms, p->n_terms, sizeof *p->terms, by_key);
  return rc;
}

typedef struct walk {
  const kz_segment *segs;
  size_t n_segs;
  size_t cap;
  size_t *bytes; /* per segment: what the materialized unions will take */
  size_t kept;   /* what the unions kept in the plan take, all segments */
  kz_error *err;
} walk;

/*
 * The documents of segment s holding any of p's terms. Counting them
 * builds the union the iterator needs; it is kept in the plan while the
 * query's kept unions take at most KZ_MAX_EXPAND_BYTES in all (beyond, the
 * iterator builds it again, a segment at a time).
 */
static int union_df(walk *w, kz_plan *p, size_t s, uint64_t postings, uint64_t *out) {
  *out = 0;
  size_t holders = 0, last = 0;
  for (size_t i = 0; i < p->n_terms; i++)
    if (p->terms[i].seg[s].df) holders++, last = i;
  if (holders <= 1) { /* a plain cursor at evaluation */
    *out = holders ? p->terms[last].seg[s].df : 0;
    return KZ_OK;
  }
  kz_expand_union u;
  int error = KZ_OK, rc = kz_expand_union_build(&u, p, &w->segs[s], s, &error);
  if (rc) return rc;
  *out = u.df;
  size_t bytes = kz_expand_union_bytes(postings, u.docs);
  if (!p->unions && !error && w->kept + bytes <= KZ_MAX_EXPAND_BYTES) {
    p->unions = calloc(w->n_segs, sizeof *p->unions);
    p->n_unions = p->unions ? w->n_segs : 0;
  }
  if (p->unions && !error && w->kept + bytes <= KZ_MAX_EXPAND_BYTES) {
    p->unions[s] = u;
    w->kept += bytes;
  } else {
    kz_expand_union_clear(&u);
  }
  return error;
}

static int expand_leaf(walk *w, kz_plan *p) {
  expansion x = {p, w->n_segs, w->cap, NULL, NULL, 0, 0};
  int rc = kz_term_enum_new(&x.e, w->segs, w->n_segs);
  if (!rc) rc = p->fuzzy ? expand_fuzzy(&x) : expand_prefix(&x);
  kz_term_enum_free(x.e);
  for (size_t s = 0; s < w->n_segs && !rc; s++) {
    uint64_t df = 0, sum = kz_expand_union_postings(p, s);
    if (p->n_terms > 1) w->bytes[s] += kz_expand_union_bytes(sum, w->segs[s].info.doc_count);
    if (w->bytes[s] > KZ_MAX_EXPAND_BYTES)
      return kz_error_set_at(w->err, KZ_ERR_LIMIT, p->position,
                             "the prefix and fuzzy words of the query match too much (at %zu): "
                             "evaluating them would take more than %zu MiB; use longer prefixes or "
                             "fewer expanded words",
                             p->position, KZ_MAX_EXPAND_BYTES >> 20);
    rc = union_df(w, p, s, sum, &df);
    p->union_df += df;
  }
  return rc;
}

static int walk_plan(walk *w, kz_plan *p) {
  if (p->kind == KZ_P_EXPAND) return expand_leaf(w, p);
  kz_plan **lists[3] = {p->must, p->should, p->not};
  size_t counts[3] = {p->n_must, p->n_should, p->n_not};
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < counts[l]; i++) {
      int rc = walk_plan(w, lists[l][i]);
      if (rc) return rc;
    }
  return KZ_OK;
}

int kz_plan_expand(kz_plan *plan, const kz_segment *segs, size_t n_segs, size_t max_expansions,
                   kz_error *err) {
  walk w = {segs, n_segs, max_expansions ? max_expansions : KZ_DEFAULT_MAX_EXPANSIONS,
            calloc(n_segs ? n_segs : 1, sizeof(size_t)), 0, err};
  if (!w.bytes) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  int rc = walk_plan(&w, plan);
  free(w.bytes);
  if (rc == KZ_ERR_NOMEM) return kz_error_set(err, rc, "out of memory expanding the query");
  if (rc == KZ_ERR_CORRUPT) return kz_error_set(err, rc, "a term dictionary is corrupt");
  return rc;
}

uint64_t kz_expand_df(const kz_plan *p, const kz_collection_stats *stats) {
  if (!stats->term) return p->union_df;
  uint64_t df = 0, n = p->field == KZ_FIELD_TITLE ? stats->title_docs : stats->n_docs;
  for (size_t i = 0; i < p->n_terms; i++) df += p->terms[i].df;
  return df < n ? df : n;
}

double kz_expand_idf(const kz_plan *p, const kz_collection_stats *stats) {
  return kz_stats_idf(stats, p->field == KZ_FIELD_TITLE, kz_expand_df(p, stats));
}
