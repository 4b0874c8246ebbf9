/*
 * explain_plan.c - what explain shows of each plan kind (see
 * explain_plan.h): one function for the query's tree and one for a hit's
 * per kind, in one table. A new plan kind adds its two functions and its
 * row; the tree, its memory and the hits' loop stay in explain.c.
 *
 * The hit functions recompute from the document's own postings what the
 * evaluators computed (iter.c, flat*.c), with the same BM25 expression
 * (scoring.h), and take the factors they show from the same places: N and
 * df from the statistics the plan was weighed with, dl from the field's
 * lengths, avgdl, k1 and b from the search.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "format/format.h"
#include "format/postings_reader.h"
#include "format/values.h"
#include "searcher/explain_plan.h"

typedef struct explain_kind {
  /* The query's tree: appends p's notation to b->text (after the occur the dispatcher wrote). */
  int (*query)(kz_xbuild *b, const kz_plan *p, size_t start, kz_explanation *out);
  /* A hit's tree: p's part of the score; `clause` is p's notation. */
  int (*hit)(kz_xbuild *b, const kz_plan *p, const char *clause, kz_explanation *out,
             int *matched);
} explain_kind;

static const char *field_name(unsigned field) { return field == KZ_FIELD_TITLE ? "title" : "text"; }

static int append(kz_xbuild *b, const char *s, size_t n) {
  return kz_buf_append(&b->text, s, n);
}
static int append_cstr(kz_xbuild *b, const char *s) { return append(b, s, strlen(s)); }

/* A copy of b->text[start..] in x, the Lucene notation of a clause; NULL when out of memory. */
static const char *text_since(kz_xbuild *b, size_t start) {
  size_t n = b->text.len - start;
  char *s = kz_explain_alloc(b->x, n + 1);
  if (s && n) memcpy(s, b->text.data + start, n);
  return s;
}

/* ---- the BM25 of a term or phrase ------------------------------------------ */

/* An "idf" node: the term's idf from N and df, the way kz_plan_weigh computed it. */
static int idf_node(kz_xbuild *b, const kz_plan *p, const kz_pterm *t, kz_explanation *out) {
  int title = p->field == KZ_FIELD_TITLE;
  uint64_t n_docs = title ? b->stats->title_docs : b->stats->n_docs;
  kz_explanation *kids = kz_explain_nodes(b->x, 2);
  if (!kids) return KZ_ERR_NOMEM;
  int rc = kz_explain_set(b->x, out, "idf", kz_stats_idf(b->stats, title, t->df),
                          "idf of %s:%.*s, ln(1 + (N - df + 0.5) / (df + 0.5))",
                          field_name(p->field), (int)t->key_len - 1, t->key + 1);
  if (!rc)
    rc = kz_explain_set(b->x, &kids[0], "N", (double)n_docs, "%s",
                        title ? "documents with a title" : "documents in the index");
  if (!rc)
    rc = kz_explain_set(b->x, &kids[1], "df", (double)t->df, "documents containing %s:%.*s",
                        field_name(p->field), (int)t->key_len - 1, t->key + 1);
  out->children = kids;
  out->n_children = 2;
  return rc;
}

/*
 * A "term" or "phrase" node: BM25 of frequency tf in the document, with its
 * factors as children (a phrase's idf is the sum of its terms').
 */
static int bm25_node(kz_xbuild *b, const kz_plan *p, const char *kind, const char *clause,
                     uint32_t tf, kz_explanation *out) {
  int title = p->field == KZ_FIELD_TITLE;
  const kz_bm25 *bm = title ? &b->title_bm25 : &b->bm25;
  uint32_t dl = title ? kz_segment_title_length(b->seg, b->doc)
                      : kz_segment_doc_length(b->seg, b->doc);
  double score = kz_bm25_score(bm, p->idf, (double)tf, b->doc);
  int phrase = p->kind != KZ_P_TERM;
  kz_explanation *kids = kz_explain_nodes(b->x, 6);
  if (!kids) return KZ_ERR_NOMEM;
  out->children = kids;
  out->n_children = 6;
  int rc = kz_explain_set(b->x, out, kind, score,
                          "%s: idf * %s / (%s + k1 * (1 - b + b * dl / avgdl))", clause,
                          phrase ? "freq" : "tf", phrase ? "freq" : "tf");
  if (rc) return rc;
  if (!phrase) {
    rc = idf_node(b, p, &p->terms[0], &kids[0]);
  } else {
    kz_explanation *idfs = kz_explain_nodes(b->x, p->n_terms);
    if (!idfs) return KZ_ERR_NOMEM;
    kids[0].children = idfs;
    kids[0].n_children = p->n_terms;
    rc = kz_explain_set(b->x, &kids[0], "idf", p->idf, "idf of the phrase, the sum of its terms'");
    for (size_t i = 0; i < p->n_terms && !rc; i++) rc = idf_node(b, p, &p->terms[i], &idfs[i]);
  }
  if (!rc)
    rc = kz_explain_set(b->x, &kids[1], phrase ? "freq" : "tf", (double)tf,
                        phrase ? "occurrences of the phrase in the document's %s"
                               : "occurrences of the term in the document's %s",
                        title ? "title" : "text");
  if (!rc)
    rc = kz_explain_set(b->x, &kids[2], "dl", (double)dl, "length of the document's %s in tokens",
                        title ? "title" : "text (title and body)");
  if (!rc)
    rc = kz_explain_set(b->x, &kids[3], "avgdl", bm->avgdl, "average %s length",
                        title ? "title" : "document");
  if (!rc) rc = kz_explain_set(b->x, &kids[4], "k1", bm->k1, "BM25 k1, term frequency saturation");
  if (!rc) rc = kz_explain_set(b->x, &kids[5], "b", bm->b, "BM25 b, length normalisation");
  return rc;
}

/* Positions the cursor of term t on the document. @return its frequency there (0: absent), or < 0. */
static int64_t term_freq(kz_xbuild *b, const kz_pterm *t, kz_postings *c) {
  const kz_term_info *info = &t->seg[b->seg_index];
  if (info->df == 0) return 0;
  int error = KZ_OK;
  kz_postings_init(c, b->seg, info, &error);
  uint32_t d = kz_postings_advance(c, b->doc);
  if (error) return error;
  return d == b->doc ? kz_postings_freq(c) : 0;
}

/* ---- term ------------------------------------------------------------------ */

static int term_query(kz_xbuild *b, const kz_plan *p, size_t start, kz_explanation *out) {
  const kz_pterm *t = &p->terms[0];
  int rc = append_cstr(b, field_name(p->field));
  if (!rc) rc = append(b, ":", 1);
  if (!rc) rc = append(b, t->key + 1, t->key_len - 1);
  const char *text = rc ? NULL : text_since(b, start);
  if (!text) return KZ_ERR_NOMEM;
  return kz_explain_set(b->x, out, "term", (double)t->df, "%s (df %llu, idf %.6g)", text,
                        (unsigned long long)t->df, p->idf);
}

static int term_hit(kz_xbuild *b, const kz_plan *p, const char *clause, kz_explanation *out,
                    int *matched) {
  kz_postings c;
  int64_t tf = term_freq(b, &p->terms[0], &c);
  if (tf < 0) return (int)tf;
  *matched = tf > 0;
  if (!tf) return kz_explain_set(b->x, out, "term", 0, "%s: not in the document", clause);
  return bm25_node(b, p, "term", clause, (uint32_t)tf, out);
}

/* ---- phrase ---------------------------------------------------------------- */

static int phrase_query(kz_xbuild *b, const kz_plan *p, size_t start, kz_explanation *out) {
  kz_explanation *kids = kz_explain_nodes(b->x, p->n_terms);
  if (!kids) return KZ_ERR_NOMEM;
  out->children = kids;
  out->n_children = p->n_terms;
  int rc = append_cstr(b, field_name(p->field));
  if (!rc) rc = append(b, ":\"", 2);
  for (size_t i = 0; i < p->n_terms && !rc; i++) {
    const kz_pterm *t = &p->terms[i];
    /* A word the analyser removed inside the phrase still takes its place, as in Lucene's "a ? b". */
    for (uint32_t gap = i ? t->offset - p->terms[i - 1].offset : 1; gap > 1 && !rc; gap--)
      rc = append(b, " ?", 2);
    if (!rc && i) rc = append(b, " ", 1);
    if (!rc) rc = append(b, t->key + 1, t->key_len - 1);
    if (!rc)
      rc = kz_explain_set(b->x, &kids[i], "term", (double)t->df, "%s:%.*s (df %llu, idf %.6g)",
                          field_name(p->field), (int)t->key_len - 1, t->key + 1,
                          (unsigned long long)t->df,
                          kz_stats_idf(b->stats, p->field == KZ_FIELD_TITLE, t->df));
  }
  if (!rc) rc = append(b, "\"", 1);
  const char *text = rc ? NULL : text_since(b, start);
  if (!text) return KZ_ERR_NOMEM;
  return kz_explain_set(b->x, out, "phrase", 0, "%s (idf %.6g, the sum of its terms')", text,
                        p->idf);
}

/* Whether v[0..n) (ascending) holds x. */
static int holds(const uint32_t *v, uint32_t n, uint64_t x) {
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (v[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && v[lo] == x;
}

/*
 * The phrase's occurrences in the document: the starts s where every term
 * i sits at s + its offset. The plain way (every position decoded, each
 * start looked up in each term's positions), not the evaluators'.
 */
static int phrase_freq(kz_xbuild *b, const kz_plan *p, uint32_t *out) {
  *out = 0;
  uint32_t **pos = calloc(p->n_terms, sizeof *pos), *n = calloc(p->n_terms, sizeof *n);
  int rc = pos && n ? KZ_OK : KZ_ERR_NOMEM;
  for (size_t i = 0; i < p->n_terms && !rc; i++) {
    kz_postings c;
    int64_t f = term_freq(b, &p->terms[i], &c);
    if (f <= 0) {
      rc = (int)f; /* absent: no occurrence */
      goto done;
    }
    if (!(pos[i] = malloc((size_t)f * sizeof **pos))) rc = KZ_ERR_NOMEM;
    int got = rc ? 0 : kz_postings_positions(&c, pos[i], (uint32_t)f);
    if (got < 0) rc = got;
    n[i] = (uint32_t)(got > 0 ? got : 0);
  }
  for (uint32_t j = 0; !rc && j < n[0]; j++) {
    if (pos[0][j] < p->terms[0].offset) continue;
    uint64_t s = pos[0][j] - p->terms[0].offset;
    size_t i = 1;
    while (i < p->n_terms && holds(pos[i], n[i], s + p->terms[i].offset)) i++;
    *out += i == p->n_terms;
  }
done:
  for (size_t i = 0; pos && i < p->n_terms; i++) free(pos[i]);
  free(pos);
  free(n);
  return rc;
}

static int phrase_hit(kz_xbuild *b, const kz_plan *p, const char *clause, kz_explanation *out,
                      int *matched) {
  uint32_t freq;
  int rc = phrase_freq(b, p, &freq);
  if (rc) return rc;
  *matched = freq > 0;
  if (!freq) return kz_explain_set(b->x, out, "phrase", 0, "%s: not in the document", clause);
  return bm25_node(b, p, "phrase", clause, freq, out);
}

/* ---- group ----------------------------------------------------------------- */

static int bool_query(kz_xbuild *b, const kz_plan *p, size_t start, kz_explanation *out) {
  size_t n = p->n_must + p->n_should + p->n_not, k = 0;
  kz_explanation *kids = kz_explain_nodes(b->x, n);
  if (!kids) return KZ_ERR_NOMEM;
  out->children = kids;
  out->n_children = n;
  kz_plan **lists[3] = {p->must, p->should, p->not};
  size_t counts[3] = {p->n_must, p->n_should, p->n_not};
  static const char *const occurs[3] = {"+", "", "-"};
  int rc = append(b, "(", 1);
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < counts[l] && !rc; i++, k++) {
      if (k) rc = append(b, " ", 1);
      if (!rc) rc = kz_explain_plan_query(b, lists[l][i], occurs[l], &kids[k]);
    }
  if (!rc) rc = append(b, ")", 1);
  const char *text = rc ? NULL : text_since(b, start);
  if (!text) return rc ? rc : KZ_ERR_NOMEM;
  return kz_explain_set(b->x, out, "bool", 0,
                        "%s (a group: %zu required, %zu optional, %zu excluded; %s)", text,
                        p->n_must, p->n_should, p->n_not,
                        p->n_must ? "matches when all required ones do"
                                  : "matches when an optional one does");
}

static int bool_hit(kz_xbuild *b, const kz_plan *p, const char *clause, kz_explanation *out,
                    int *matched) {
  size_t n = p->n_must + p->n_should, used = 0;
  kz_explanation *kids = kz_explain_nodes(b->x, n), spare;
  if (!kids) return KZ_ERR_NOMEM;
  int all_must = 1, any_should = 0, any_not = 0, rc = KZ_OK;
  double sum = 0;
  for (size_t i = 0; i < p->n_must && !rc; i++) {
    int m = 0;
    rc = kz_explain_plan_hit(b, p->must[i], &kids[used], &m);
    all_must &= m;
    if (m) sum += kids[used++].value;
  }
  for (size_t i = 0; i < p->n_should && !rc; i++) {
    int m = 0;
    rc = kz_explain_plan_hit(b, p->should[i], &kids[used], &m);
    any_should |= m;
    if (m) sum += kids[used++].value;
  }
  for (size_t i = 0; i < p->n_not && !rc; i++) {
    int m = 0;
    rc = kz_explain_plan_hit(b, p->not[i], &spare, &m); /* only whether it matches */
    any_not |= m;
  }
  if (rc) return rc;
  *matched = all_must && (p->n_must || any_should) && !any_not;
  out->children = used ? kids : NULL;
  out->n_children = used;
  return kz_explain_set(b->x, out, "sum", sum, "%s: the sum of its matching clauses", clause);
}

/* ---- date ------------------------------------------------------------------ */

/* "2022-01-06T00:00:00Z", or "*" for an open end. */
static void format_end(char *buf, size_t size, int64_t t) {
  if (t == KZ_DATE_OPEN_LO || t == KZ_DATE_OPEN_HI)
    snprintf(buf, size, "*");
  else
    kz_date_format(buf, size, t);
}

static int date_query(kz_xbuild *b, const kz_plan *p, size_t start, kz_explanation *out) {
  char lo[40], hi[40];
  format_end(lo, sizeof lo, p->lo);
  format_end(hi, sizeof hi, p->hi);
  int rc = append_cstr(b, "date:[");
  if (!rc) rc = append_cstr(b, lo);
  if (!rc) rc = append_cstr(b, " TO ");
  if (!rc) rc = append_cstr(b, hi);
  if (!rc) rc = append(b, "]", 1);
  const char *text = rc ? NULL : text_since(b, start);
  if (!text) return KZ_ERR_NOMEM;
  return kz_explain_set(b->x, out, "date", 0, "%s (a filter: scores 0)", text);
}

static int date_hit(kz_xbuild *b, const kz_plan *p, const char *clause, kz_explanation *out,
                    int *matched) {
  int64_t t = kz_values_get(&b->seg->dates, b->doc);
  char when[40] = "no date";
  if (t != KZ_VALUE_NONE) kz_date_format(when, sizeof when, t);
  *matched = t != KZ_VALUE_NONE && t >= p->lo && t <= p->hi;
  return kz_explain_set(b->x, out, "filter", 0, "%s: the document's date is %s (%s, scores 0)",
                        clause, when, *matched ? "in range" : "out of range");
}

/* ---- dispatch -------------------------------------------------------------- */

static const explain_kind kinds[] = {
    [KZ_P_TERM] = {term_query, term_hit},
    [KZ_P_PHRASE] = {phrase_query, phrase_hit},
    [KZ_P_BOOL] = {bool_query, bool_hit},
    [KZ_P_DATE] = {date_query, date_hit},
};

int kz_explain_plan_query(kz_xbuild *b, const kz_plan *p, const char *occur, kz_explanation *out) {
  if ((size_t)p->kind >= sizeof kinds / sizeof kinds[0] || !kinds[p->kind].query)
    return KZ_ERR_INVALID; /* a plan kind without a row above: a bug */
  size_t clause = b->clause++, start = b->text.len;
  int rc = append_cstr(b, occur);
  if (!rc) rc = kinds[p->kind].query(b, p, start, out);
  const char *text = rc ? NULL : text_since(b, start);
  if (!rc && !text) rc = KZ_ERR_NOMEM;
  if (!rc) rc = kz_explain_record_clause(b->x, clause, text);
  return rc;
}

int kz_explain_plan_hit(kz_xbuild *b, const kz_plan *p, kz_explanation *out, int *matched) {
  if ((size_t)p->kind >= sizeof kinds / sizeof kinds[0] || !kinds[p->kind].hit)
    return KZ_ERR_INVALID;
  *matched = 0;
  memset(out, 0, sizeof *out); /* a parent reuses the node of a clause that did not match */
  const char *clause = kz_explain_clause(b->x, b->clause++);
  return kinds[p->kind].hit(b, p, clause, out, matched);
}
