/*
 * plan.c - from the parsed query tree to an analyzed, resolved plan (see plan.h).
 */
#include "searcher/plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "format/format.h"
#include "common/limits.h"
#include "searcher/expand.h"
#include "searcher/phrase_cover.h"

typedef struct builder {
  kz_analyzer *an;
  int default_and;
  size_t n_leaves;
  const kz_plan *extra_filter; /* applied to the top-level list */
  const kz_qnode *top;
  kz_error *err;
} builder;

void kz_plan_free(kz_plan *p) {
  if (!p) return;
  for (size_t i = 0; i < p->n_terms; i++) {
    free(p->terms[i].key);
    free(p->terms[i].seg);
  }
  free(p->terms);
  kz_phrase_pairs_free(p->pairs);
  free(p->word);
  free(p->stem);
  kz_expand_unions_free(p->unions, p->n_unions);
  for (size_t i = 0; i < p->n_must; i++) kz_plan_free(p->must[i]);
  for (size_t i = 0; i < p->n_should; i++) kz_plan_free(p->should[i]);
  for (size_t i = 0; i < p->n_not; i++) kz_plan_free(p->not[i]);
  free(p->must);
  free(p->should);
  free(p->not);
  free(p);
}

static int push(kz_plan ***arr, size_t *n, kz_plan *child) {
  kz_plan **a = realloc(*arr, (*n + 1) * sizeof *a);
  if (!a) return KZ_ERR_NOMEM;
  a[(*n)++] = child;
  *arr = a;
  return KZ_OK;
}

/*
 * Appends the analyzed terms of q's text to p (*cap: the terms' capacity).
 * A phrase's terms keep their positions relative to the phrase's first term;
 * a NEAR operand's all get offset 0 (NEAR ignores the order).
 */
static int add_terms(builder *b, kz_plan *p, const kz_qnode *q, size_t *cap, int near) {
  uint32_t first_pos = 0;
  size_t first = p->n_terms;
  kz_token tok;
  int rc;
  kz_analyzer_reset(b->an, q->text, q->text_len);
  while ((rc = kz_analyzer_next(b->an, &tok)) == 1) {
    if (p->n_terms == KZ_MAX_PHRASE_TERMS)
      return kz_error_set_at(b->err, KZ_ERR_LIMIT, q->position,
                             "a phrase or NEAR may hold at most %d terms", KZ_MAX_PHRASE_TERMS);
    if (p->n_terms == *cap) {
      *cap = *cap ? *cap * 2 : 4;
      kz_pterm *t = realloc(p->terms, *cap * sizeof *t);
      if (!t) return KZ_ERR_NOMEM;
      p->terms = t;
    }
    kz_pterm *t = &p->terms[p->n_terms];
    memset(t, 0, sizeof *t);
    t->key = malloc(tok.term_len + 2);
    if (!t->key) return KZ_ERR_NOMEM;
    p->n_terms++;
    t->key[0] = (char)q->field;
    memcpy(t->key + 1, tok.term, tok.term_len);
    t->key[tok.term_len + 1] = 0;
    t->key_len = tok.term_len + 1;
    if (p->n_terms == first + 1) first_pos = tok.position;
    t->offset = near ? 0 : tok.position - first_pos;
  }
  return rc < 0 ? rc : KZ_OK;
}

/*
 * Analyzes a word or phrase (or the words of a NEAR) into a TERM or PHRASE
 * leaf; *out = NULL when it has no terms.
 */
static int build_leaf(builder *b, const kz_qnode *q, kz_plan **out) {
  *out = NULL;
  kz_plan *p = calloc(1, sizeof *p);
  if (!p) return KZ_ERR_NOMEM;
  p->position = q->position;
  size_t cap = 0;
  int near = q->kind == KZ_Q_NEAR, rc = KZ_OK;
  if (near)
    for (size_t i = 0; i < q->n_children && !rc; i++)
      rc = add_terms(b, p, q->children[i], &cap, 1);
  else
    rc = add_terms(b, p, q, &cap, 0);
  if (rc || p->n_terms == 0) {
    kz_plan_free(p);
    return rc;
  }
  if (++b->n_leaves > KZ_MAX_QUERY_CLAUSES) {
    kz_plan_free(p);
    return kz_error_set_at(b->err, KZ_ERR_LIMIT, q->position,
                           "the query has more than %d terms and phrases", KZ_MAX_QUERY_CLAUSES);
  }
  p->kind = p->n_terms == 1 ? KZ_P_TERM : KZ_P_PHRASE;
  p->field = q->field;
  if (p->kind == KZ_P_PHRASE) { /* a single word's slop or window means nothing */
    p->slop = q->slop;
    p->near = near;
  }
  p->expansion = q->expansion;
  *out = p;
  return KZ_OK;
}

int kz_plan_date(kz_plan **out, int64_t lo, int64_t hi) {
  kz_plan *p = calloc(1, sizeof *p);
  if (!p) return KZ_ERR_NOMEM;
  p->kind = KZ_P_DATE;
  p->lo = lo;
  p->hi = hi;
  *out = p;
  return KZ_OK;
}

static kz_plan *plan_copy_date(const kz_plan *d) {
  kz_plan *p = NULL;
  kz_plan_date(&p, d->lo, d->hi);
  if (p) p->position = d->position;
  return p;
}

int kz_plan_has_fields(const kz_plan *p) {
  if (p->kind == KZ_P_DATE || p->field != KZ_FIELD_TEXT) return 1;
  kz_plan **lists[3] = {p->must, p->should, p->not};
  size_t counts[3] = {p->n_must, p->n_should, p->n_not};
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < counts[l]; i++)
      if (kz_plan_has_fields(lists[l][i])) return 1;
  return 0;
}

/*
 * Makes the filters required on top of what p's other clauses match. When p
 * has no required clause, its optional ones decide what matches: they move
 * into one required disjunction (so a filter does not turn "a b" into
 * "anything, scored by a and b"); with a required clause they stay
 * optional. Then the filters join the required clauses. Takes the filters
 * (also on failure).
 */
static int add_filters(kz_plan *p, kz_plan **filters, size_t n) {
  int rc = KZ_OK;
  if (p->n_must) {
    /* the optional clauses only add to the score, as without a filter */
  } else if (p->n_should > 1) {
    kz_plan *any = calloc(1, sizeof *any);
    if (!any) rc = KZ_ERR_NOMEM;
    if (any) {
      any->kind = KZ_P_BOOL;
      any->position = p->position;
      any->should = p->should;
      any->n_should = p->n_should;
      p->should = NULL;
      p->n_should = 0;
      if ((rc = push(&p->must, &p->n_must, any))) kz_plan_free(any);
    }
  } else if (p->n_should == 1) {
    if ((rc = push(&p->must, &p->n_must, p->should[0])) == KZ_OK) {
      free(p->should);
      p->should = NULL;
      p->n_should = 0;
    }
  }
  size_t i = 0;
  for (; i < n && !rc; i++)
    if ((rc = push(&p->must, &p->n_must, filters[i]))) break;
  for (; i < n; i++) kz_plan_free(filters[i]);
  return rc;
}

static int build(builder *b, const kz_qnode *q, kz_plan **out);

/* Builds a BOOL node from the children of an AND, OR or LIST node. */
static int build_bool(builder *b, const kz_qnode *q, kz_plan **out) {
  *out = NULL;
  kz_plan *p = calloc(1, sizeof *p);
  if (!p) return KZ_ERR_NOMEM;
  p->kind = KZ_P_BOOL;
  p->position = q->position;
  kz_plan **filters = NULL; /* the list's date clauses */
  size_t n_filters = 0;
  if (q == b->top && b->extra_filter) {
    kz_plan *f = plan_copy_date(b->extra_filter);
    if (!f || push(&filters, &n_filters, f)) {
      kz_plan_free(f);
      kz_plan_free(p);
      return KZ_ERR_NOMEM;
    }
  }
  for (size_t i = 0; i < q->n_children; i++) {
    const kz_qnode *c = q->children[i];
    int excluded = c->kind == KZ_Q_NOT || (q->kind == KZ_Q_LIST && c->occur == KZ_OCCUR_MUST_NOT);
    const kz_qnode *inner = c->kind == KZ_Q_NOT ? c->children[0] : c;
    if (excluded && q->kind == KZ_Q_OR) {
      kz_plan_free(p);
      return kz_error_set_at(b->err, KZ_ERR_QUERY, c->position,
                             "NOT cannot stand inside OR; write \"a -b\" or \"a AND NOT b\"");
    }
    kz_plan *child;
    int rc = build(b, inner, &child);
    if (rc) {
      kz_plan_free(p);
      for (size_t f = 0; f < n_filters; f++) kz_plan_free(filters[f]);
      free(filters);
      return rc;
    }
    if (!child) continue;
    if (child->kind == KZ_P_DATE && q->kind == KZ_Q_LIST && !excluded) {
      if (push(&filters, &n_filters, child) == KZ_OK) continue;
      kz_plan_free(child);
      child = NULL;
      rc = KZ_ERR_NOMEM;
    }
    int required = q->kind == KZ_Q_AND ||
                   (q->kind == KZ_Q_LIST && (c->occur == KZ_OCCUR_MUST ||
                                             (c->occur == KZ_OCCUR_DEFAULT && b->default_and)));
    if (rc)
      ; /* the filter could not be kept: fail below */
    else if (excluded)
      rc = push(&p->not, &p->n_not, child);
    else if (required)
      rc = push(&p->must, &p->n_must, child);
    else
      rc = push(&p->should, &p->n_should, child);
    if (rc) {
      kz_plan_free(child);
      kz_plan_free(p);
      for (size_t f = 0; f < n_filters; f++) kz_plan_free(filters[f]);
      free(filters);
      return rc;
    }
  }
  if (n_filters) {
    int rc = add_filters(p, filters, n_filters);
    free(filters);
    if (rc) {
      kz_plan_free(p);
      return rc;
    }
  }
  if (p->n_must + p->n_should == 0) {
    int had_not = p->n_not > 0;
    kz_plan_free(p);
    if (had_not)
      return kz_error_set_at(b->err, KZ_ERR_QUERY, q->position,
                             "a query needs at least one term that is not excluded");
    return KZ_OK; /* everything analyzed to nothing */
  }
  if (p->n_not == 0 && p->n_must + p->n_should == 1) { /* a group of one is that one */
    kz_plan *only = p->n_must ? p->must[0] : p->should[0];
    p->n_must = p->n_should = 0;
    kz_plan_free(p);
    *out = only;
    return KZ_OK;
  }
  *out = p;
  return KZ_OK;
}

static int build(builder *b, const kz_qnode *q, kz_plan **out) {
  switch (q->kind) {
    case KZ_Q_WORD:
    case KZ_Q_PHRASE:
    case KZ_Q_NEAR:
      return build_leaf(b, q, out);
    case KZ_Q_PREFIX:
    case KZ_Q_FUZZY:
      return kz_plan_expand_leaf(out, q, b->an, &b->n_leaves, b->err);
    case KZ_Q_DATE: {
      int rc = kz_plan_date(out, q->lo, q->hi);
      if (!rc) (*out)->position = q->position;
      return rc;
    }
    case KZ_Q_NOT:
      return kz_error_set_at(b->err, KZ_ERR_QUERY, q->position,
                             "NOT needs a term to exclude from, as in \"a AND NOT b\"");
    default:
      return build_bool(b, q, out);
  }
}

int kz_plan_build(kz_plan **out, const kz_qnode *query, kz_analyzer *an, int default_and,
                  const kz_plan *extra_filter, kz_error *err) {
  builder b = {an, default_and, 0, extra_filter, query, err};
  kz_plan *p = NULL;
  int rc = build(&b, query, &p);
  if (rc) return rc == KZ_ERR_NOMEM ? kz_error_set(err, rc, "out of memory") : rc;
  if (!p)
    return kz_error_set_at(err, KZ_ERR_QUERY, 0,
                           "the query has no searchable terms (only punctuation?)");
  *out = p;
  return KZ_OK;
}

int kz_plan_lookup(kz_plan *p, const kz_segment *segs, size_t n_segs) {
  for (size_t i = 0; i < p->n_terms && p->kind != KZ_P_EXPAND; i++) { /* expanded already */
    kz_pterm *t = &p->terms[i];
    t->seg = calloc(n_segs ? n_segs : 1, sizeof *t->seg);
    if (!t->seg) return KZ_ERR_NOMEM;
    for (size_t s = 0; s < n_segs; s++) {
      int found = kz_segment_lookup(&segs[s], t->key, t->key_len, &t->seg[s]);
      if (found < 0) return found;
      if (!found) memset(&t->seg[s], 0, sizeof t->seg[s]);
    }
  }
  if (p->kind == KZ_P_PHRASE) {
    int rc = kz_phrase_pairs_lookup(p, segs, n_segs);
    if (rc) return rc;
  }
  kz_plan **lists[3] = {p->must, p->should, p->not};
  size_t counts[3] = {p->n_must, p->n_should, p->n_not};
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < counts[l]; i++) {
      int rc = kz_plan_lookup(lists[l][i], segs, n_segs);
      if (rc) return rc;
    }
  return KZ_OK;
}

int kz_plan_weigh(kz_plan *p, size_t n_segs, const kz_collection_stats *stats) {
  p->idf = 0;
  for (size_t i = 0; i < p->n_terms; i++) {
    kz_pterm *t = &p->terms[i];
    kz_term_stats ts = {0, 0};
    if (stats->term) {
      int rc = stats->term(stats, t->key, t->key_len, &ts);
      if (rc) return rc;
    } else {
      for (size_t s = 0; s < n_segs; s++) {
        ts.df += t->seg[s].df;
        ts.cf += t->seg[s].cf;
      }
    }
    t->df = ts.df;
    t->cf = ts.cf;
    p->idf += kz_stats_idf(stats, p->field == KZ_FIELD_TITLE, t->df);
  }
  if (p->kind == KZ_P_EXPAND) p->idf = kz_expand_idf(p, stats);
  kz_plan **lists[3] = {p->must, p->should, p->not};
  size_t counts[3] = {p->n_must, p->n_should, p->n_not};
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < counts[l]; i++) {
      int rc = kz_plan_weigh(lists[l][i], n_segs, stats);
      if (rc) return rc;
    }
  return KZ_OK;
}
