/*
 * explain.c - the trees of kz_search_options.explain (see explain.h): the
 * memory they live in, the query's tree with the clauses that analysed
 * away, and one tree per hit. What each plan kind shows is explain_plan.c's.
 *
 * Every node, child array and string of the trees is a block of the
 * kz_explain's list, freed together by kz_explain_free: the trees need no
 * other owner, and a half-built tree after a failure leaks nothing.
 */
#include "searcher/explain.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "searcher/explain_plan.h"

struct kz_explain {
  void **blocks; /* everything the trees point to */
  size_t n_blocks, cap_blocks;
  const char **clauses; /* per plan node in pre-order: its notation (in blocks) */
  size_t n_clauses;
  kz_explanation query;
  kz_explanation *hits; /* in blocks */
  size_t n_hits;
};

/* ---- memory -------------------------------------------------------------- */

void *kz_explain_alloc(kz_explain *x, size_t size) {
  if (x->n_blocks == x->cap_blocks) {
    size_t cap = x->cap_blocks ? 2 * x->cap_blocks : 64;
    void **b = realloc(x->blocks, cap * sizeof *b);
    if (!b) return NULL;
    x->blocks = b;
    x->cap_blocks = cap;
  }
  void *p = calloc(1, size ? size : 1);
  if (p) x->blocks[x->n_blocks++] = p;
  return p;
}

kz_explanation *kz_explain_nodes(kz_explain *x, size_t n) {
  if (n == 0 || n > SIZE_MAX / sizeof(kz_explanation)) return NULL;
  return kz_explain_alloc(x, n * sizeof(kz_explanation));
}

int kz_explain_set(kz_explain *x, kz_explanation *node, const char *kind, double value,
                   const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  char *s = len >= 0 ? kz_explain_alloc(x, (size_t)len + 1) : NULL;
  if (!s) return KZ_ERR_NOMEM;
  va_start(ap, fmt);
  vsnprintf(s, (size_t)len + 1, fmt, ap);
  va_end(ap);
  node->kind = kind;
  node->value = value;
  node->description = s;
  return KZ_OK;
}

int kz_explain_record_clause(kz_explain *x, size_t clause, const char *text) {
  if (clause >= x->n_clauses) {
    size_t n = clause + 1 > 2 * x->n_clauses ? clause + 1 : 2 * x->n_clauses;
    const char **c = realloc(x->clauses, n * sizeof *c);
    if (!c) return KZ_ERR_NOMEM;
    for (size_t i = x->n_clauses; i < n; i++) c[i] = "";
    x->clauses = c;
    x->n_clauses = n;
  }
  x->clauses[clause] = text;
  return KZ_OK;
}

const char *kz_explain_clause(const kz_explain *x, size_t clause) {
  return clause < x->n_clauses ? x->clauses[clause] : "";
}

void kz_explain_free(kz_explain *x) {
  if (!x) return;
  for (size_t i = 0; i < x->n_blocks; i++) free(x->blocks[i]);
  free(x->blocks);
  free(x->clauses);
  free(x);
}

/* ---- the query ----------------------------------------------------------- */

/* Whether text analyses to at least one term. @return 1, 0, or KZ_ERR_NOMEM. */
static int has_terms(kz_analyzer *an, const char *text, size_t len) {
  kz_token tok;
  kz_analyzer_reset(an, text, len);
  return kz_analyzer_next(an, &tok);
}

/*
 * The words and phrases of q that analysed to nothing, which the plan left
 * out: counted into *n, and explained into out[*n] when out is not NULL.
 */
static int find_dropped(kz_explain *x, const kz_qnode *q, kz_analyzer *an, kz_explanation *out,
                        size_t *n) {
  if (q->kind == KZ_Q_WORD || q->kind == KZ_Q_PHRASE) {
    int rc = has_terms(an, q->text, q->text_len);
    if (rc < 0) return rc;
    if (rc == 1) return KZ_OK;
    if (out) {
      const char *quote = q->kind == KZ_Q_PHRASE ? "\"" : "";
      int len = q->text_len > 200 ? 200 : (int)q->text_len;
      rc = kz_explain_set(x, &out[*n], "dropped", (double)q->position,
                          "%s%s%.*s%s at byte %zu: left out, its words analyse to no term "
                          "(stop words or punctuation)",
                          q->field == KZ_FIELD_TITLE ? "title:" : "", quote, len, q->text, quote,
                          q->position);
      if (rc) return rc;
    }
    (*n)++;
    return KZ_OK;
  }
  for (size_t i = 0; i < q->n_children; i++) {
    int rc = find_dropped(x, q->children[i], an, out, n);
    if (rc) return rc;
  }
  return KZ_OK;
}

static int explain_query(kz_explain *x, const kz_qnode *tree, const kz_plan *plan,
                         kz_analyzer *an, const kz_collection_stats *stats) {
  size_t n_dropped = 0;
  int rc = find_dropped(x, tree, an, NULL, &n_dropped);
  kz_explanation *kids = rc ? NULL : kz_explain_nodes(x, 1 + n_dropped);
  if (rc || !kids) return rc ? rc : KZ_ERR_NOMEM;
  kz_xbuild b = {.x = x, .stats = stats};
  rc = kz_explain_plan_query(&b, plan, "", &kids[0]);
  n_dropped = 0;
  if (!rc) rc = find_dropped(x, tree, an, kids + 1, &n_dropped);
  if (!rc) rc = kz_buf_put_u8(&b.text, 0);
  if (!rc) {
    /* The root group's parentheses say nothing. */
    const char *text = (const char *)b.text.data;
    size_t len = b.text.len - 1;
    if (plan->kind == KZ_P_BOOL && len >= 2 && text[0] == '(') {
      text++;
      len -= 2;
    }
    rc = kz_explain_set(x, &x->query, "query", 0, "%.*s", (int)len, text);
    x->query.children = kids;
    x->query.n_children = 1 + n_dropped;
  }
  kz_buf_free(&b.text);
  return rc;
}

int kz_explain_new(kz_explain **out, const kz_qnode *tree, const kz_plan *plan, kz_analyzer *an,
                   const kz_collection_stats *stats) {
  kz_explain *x = calloc(1, sizeof *x);
  if (!x) return KZ_ERR_NOMEM;
  int rc = explain_query(x, tree, plan, an, stats);
  if (rc) {
    kz_explain_free(x);
    return rc;
  }
  *out = x;
  return KZ_OK;
}

kz_explanation *kz_explain_query_extend(kz_explain *x, size_t n) {
  size_t had = x->query.n_children;
  kz_explanation *kids = n ? kz_explain_nodes(x, had + n) : NULL;
  if (!kids) return NULL;
  if (had) memcpy(kids, x->query.children, had * sizeof *kids);
  x->query.children = kids;
  x->query.n_children = had + n;
  return kids + had;
}

/* ---- the hits ------------------------------------------------------------ */

int kz_explain_hits(kz_explain *x, const kz_index *idx, const kz_plan *plan,
                    const kz_collection_stats *stats, double k1, double b, const kz_hit *hits,
                    size_t n) {
  if (n == 0) return KZ_OK;
  if (!(x->hits = kz_explain_nodes(x, n))) return KZ_ERR_NOMEM;
  double avgdl = kz_stats_avgdl(stats), title_avgdl = kz_stats_title_avgdl(stats);
  for (size_t i = 0; i < n; i++) {
    size_t s = kz_index_segment_of(idx, hits[i].doc);
    const kz_segment *seg = &idx->segs[s];
    /* As the evaluators score (search.c): the same parameters give the same bits. */
    kz_xbuild xb = {.x = x,
                    .seg = seg,
                    .seg_index = s,
                    .doc = (uint32_t)(hits[i].doc - idx->doc_base[s]),
                    .bm25 = {k1, b, avgdl, seg, NULL, NULL},
                    .title_bm25 = {k1, b, title_avgdl, seg, NULL, seg->title_norms},
                    .stats = stats};
    int matched = 0;
    int rc = kz_explain_plan_hit(&xb, plan, &x->hits[i], &matched);
    if (rc) return rc;
    x->n_hits = i + 1;
  }
  return KZ_OK;
}

const kz_explanation *kz_explain_query_tree(const kz_explain *x) {
  return x ? &x->query : NULL;
}

const kz_explanation *kz_explain_hit_tree(const kz_explain *x, size_t i) {
  return x && i < x->n_hits ? &x->hits[i] : NULL;
}
