/*
 * explain_plan.c - what explain shows of each plan kind (see
 * explain_plan.h): one function for the query's tree and one for a hit's
 * per kind, in one table. A new plan kind adds its two functions and its
 * row; the tree, its memory and the hits' loop stay in explain.c.
 *
 * The hit functions recompute from the document's own postings what the
 * evaluators computed (iter.c, flat*.c, iter_expand.c, iter_prox.c), with
 * the same BM25 expression (scoring.h), and take the factors they show from
 * the same places: N and df from the statistics the plan was weighed with
 * (an expanded word's through kz_expand_df), dl from the field's lengths,
 * avgdl, k1 and b from the search. A sloppy phrase's frequency comes from
 * the evaluator's own sweep (prox.h, set up by kz_prox_setup): its rule is
 * too subtle to write twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "format/format.h"
#include "format/postings_reader.h"
#include "format/values.h"
#include "searcher/expand.h"
#include "searcher/explain_plan.h"
#include "searcher/iter_prox.h"
#include "searcher/prox.h"

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

/*
 * An "idf" node: the idf of `name` (field:term) from N and df, the way
 * kz_plan_weigh computed it; `df_what` says what df counts.
 */
static int idf_node(kz_xbuild *b, const kz_plan *p, const char *name, uint64_t df,
                    const char *df_what, kz_explanation *out) {
  int title = p->field == KZ_FIELD_TITLE;
  uint64_t n_docs = title ? b->stats->title_docs : b->stats->n_docs;
  kz_explanation *kids = kz_explain_nodes(b->x, 2);
  if (!kids) return KZ_ERR_NOMEM;
  int rc = kz_explain_set(b->x, out, "idf", kz_stats_idf(b->stats, title, df),
                          "idf of %s, ln(1 + (N - df + 0.5) / (df + 0.5))", name);
  if (!rc)
    rc = kz_explain_set(b->x, &kids[0], "N", (double)n_docs, "%s",
                        title ? "documents with a title" : "documents in the index");
  if (!rc) rc = kz_explain_set(b->x, &kids[1], "df", (double)df, "%s %s", df_what, name);
  out->children = kids;
  out->n_children = 2;
  return rc;
}

/* "text:peace*" or "text:tokaev~1", an expanded word in Lucene's notation. */
static void expand_name(const kz_plan *p, char *buf, size_t size) {
  int n = snprintf(buf, size, "%s:%.*s", field_name(p->field), (int)p->word_len - 1, p->word + 1);
  size_t used = n > 0 && (size_t)n < size ? (size_t)n : 0;
  if (p->fuzzy) snprintf(buf + used, size - used, "~%d", p->max_edits);
  else snprintf(buf + used, size - used, "*");
}

/* A term's "idf" node. */
static int term_idf_node(kz_xbuild *b, const kz_plan *p, const kz_pterm *t, kz_explanation *out) {
  char name[KZ_MAX_TERM_KEY_BYTES + 16];
  snprintf(name, sizeof name, "%s:%.*s", field_name(p->field), (int)t->key_len - 1, t->key + 1);
  return idf_node(b, p, name, t->df, "documents containing", out);
}

/*
 * A "term" or "phrase" node: BM25 of frequency tf in the document, with its
 * factors as children (a phrase's idf is the sum of its terms', an
 * expanded word's that of its union). `tf_what` describes the frequency;
 * *tf_node (may be NULL) is its node, for a caller that adds its parts.
 */
static int bm25_node(kz_xbuild *b, const kz_plan *p, const char *kind, const char *clause,
                     double tf, const char *tf_what, kz_explanation *out,
                     kz_explanation **tf_node) {
  int title = p->field == KZ_FIELD_TITLE;
  const kz_bm25 *bm = title ? &b->title_bm25 : &b->bm25;
  uint32_t dl = title ? kz_segment_title_length(b->seg, b->doc)
                      : kz_segment_doc_length(b->seg, b->doc);
  double score = kz_bm25_score(bm, p->idf, tf, b->doc);
  int phrase = p->kind == KZ_P_PHRASE;
  kz_explanation *kids = kz_explain_nodes(b->x, 6);
  if (!kids) return KZ_ERR_NOMEM;
  out->children = kids;
  out->n_children = 6;
  if (tf_node) *tf_node = &kids[1];
  int rc = kz_explain_set(b->x, out, kind, score,
                          "%s: idf * %s / (%s + k1 * (1 - b + b * dl / avgdl))", clause,
                          phrase ? "freq" : "tf", phrase ? "freq" : "tf");
  if (rc) return rc;
  if (p->kind == KZ_P_TERM) {
    rc = term_idf_node(b, p, &p->terms[0], &kids[0]);
  } else if (p->kind == KZ_P_EXPAND) {
    char name[KZ_MAX_TERM_KEY_BYTES + 16];
    int shard = b->stats->term != NULL; /* kz_expand_df: the union is not known there */
    expand_name(p, name, sizeof name);
    rc = idf_node(b, p, name, kz_expand_df(p, b->stats),
                  shard ? "the sum of the df (at most N) of the expansions of"
                        : "documents containing an expansion of",
                  &kids[0]);
  } else {
    kz_explanation *idfs = kz_explain_nodes(b->x, p->n_terms);
    if (!idfs) return KZ_ERR_NOMEM;
    kids[0].children = idfs;
    kids[0].n_children = p->n_terms;
    rc = kz_explain_set(b->x, &kids[0], "idf", p->idf, "idf of the phrase, the sum of its terms'");
    for (size_t i = 0; i < p->n_terms && !rc; i++)
      rc = term_idf_node(b, p, &p->terms[i], &idfs[i]);
  }
  if (!rc)
    rc = kz_explain_set(b->x, &kids[1], phrase ? "freq" : "tf", tf, "%s in the document's %s",
                        tf_what, title ? "title" : "text");
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
  return bm25_node(b, p, "term", clause, (double)tf, "occurrences of the term", out, NULL);
}

/* ---- phrase ---------------------------------------------------------------- */

static int phrase_query(kz_xbuild *b, const kz_plan *p, size_t start, kz_explanation *out) {
  kz_explanation *kids = kz_explain_nodes(b->x, p->n_terms);
  if (!kids) return KZ_ERR_NOMEM;
  out->children = kids;
  out->n_children = p->n_terms;
  char near[32], slop[32];
  snprintf(near, sizeof near, " NEAR/%u ", (unsigned)p->slop);
  snprintf(slop, sizeof slop, "~%u", (unsigned)p->slop);
  int rc = append_cstr(b, field_name(p->field));
  if (!rc) rc = append_cstr(b, p->near ? ":(" : ":\"");
  for (size_t i = 0; i < p->n_terms && !rc; i++) {
    const kz_pterm *t = &p->terms[i];
    /* A word the analyser removed inside the phrase still takes its place, as in Lucene's "a ? b". */
    for (uint32_t gap = i ? t->offset - p->terms[i - 1].offset : 1; gap > 1 && !rc; gap--)
      rc = append(b, " ?", 2);
    if (!rc && i) rc = p->near ? append_cstr(b, near) : append(b, " ", 1);
    if (!rc) rc = append(b, t->key + 1, t->key_len - 1);
    if (!rc)
      rc = kz_explain_set(b->x, &kids[i], "term", (double)t->df, "%s:%.*s (df %llu, idf %.6g)",
                          field_name(p->field), (int)t->key_len - 1, t->key + 1,
                          (unsigned long long)t->df,
                          kz_stats_idf(b->stats, p->field == KZ_FIELD_TITLE, t->df));
  }
  if (!rc) rc = p->near ? append(b, ")", 1) : append(b, "\"", 1);
  if (!rc && p->slop && !p->near) rc = append_cstr(b, slop);
  const char *text = rc ? NULL : text_since(b, start);
  if (!text) return KZ_ERR_NOMEM;
  char how[96] = "";
  if (p->near)
    snprintf(how, sizeof how, "its words in any order, within %u words of one another; ",
             (unsigned)p->slop);
  else if (p->slop)
    snprintf(how, sizeof how, "a sloppy phrase: its words within %u moves of the phrase; ",
             (unsigned)p->slop);
  return kz_explain_set(b->x, out, "phrase", 0, "%s (%sidf %.6g, the sum of its terms')", text,
                        how, p->idf);
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
 * Decodes the positions in the document of the plan's terms, taken in
 * `order` (NULL: the plan's), into pos[i] and n[i]. @return KZ_OK, with
 * *absent set when a term is not in the document; or < 0.
 */
static int load_positions(kz_xbuild *b, const kz_plan *p, const size_t *order, uint32_t **pos,
                          uint32_t *n, int *absent) {
  *absent = 0;
  for (size_t i = 0; i < p->n_terms; i++) {
    kz_postings c;
    int64_t f = term_freq(b, &p->terms[order ? order[i] : i], &c);
    if (f <= 0) {
      *absent = f == 0;
      return (int)f;
    }
    if (!(pos[i] = malloc((size_t)f * sizeof **pos))) return KZ_ERR_NOMEM;
    int got = kz_postings_positions(&c, pos[i], (uint32_t)f);
    if (got < 0) return got;
    if (!(n[i] = (uint32_t)got)) { /* no positions: no occurrence (the sweep wants one) */
      *absent = 1;
      return KZ_OK;
    }
  }
  return KZ_OK;
}

/*
 * The phrase's frequency in the document. An exact phrase's: the starts s
 * where every term i sits at s + its offset, the plain way (each start
 * looked up in each term's positions), not the evaluators'. A sloppy
 * phrase's or NEAR's: the sum of its matches' weights, by the evaluator's
 * own sweep (prox.h) set up as the evaluator sets it up; *matches counts
 * the matches (or the occurrences).
 */
static int phrase_freq(kz_xbuild *b, const kz_plan *p, double *out, uint32_t *matches) {
  *out = 0;
  *matches = 0;
  int sloppy = p->slop || p->near, absent = 0;
  uint32_t **pos = calloc(p->n_terms, sizeof *pos), *n = calloc(p->n_terms, sizeof *n);
  size_t *order = sloppy ? calloc(p->n_terms, sizeof *order) : NULL;
  kz_prox_term *terms = sloppy ? calloc(p->n_terms, sizeof *terms) : NULL;
  kz_prox_cursor *cur = sloppy ? calloc(p->n_terms, sizeof *cur) : NULL;
  int64_t max_len = 0;
  uint32_t base = 0;
  int rc = pos && n && (!sloppy || (order && terms && cur)) ? KZ_OK : KZ_ERR_NOMEM;
  if (!rc && sloppy) kz_prox_setup(p, b->seg_index, order, terms, &max_len, &base);
  if (!rc) rc = load_positions(b, p, order, pos, n, &absent);
  if (!rc && !absent && sloppy) {
    for (size_t i = 0; i < p->n_terms; i++) {
      terms[i].pos = pos[i];
      terms[i].n = n[i];
    }
    *matches = kz_prox_match(terms, p->n_terms, max_len, base, 0, cur, out);
  }
  for (uint32_t j = 0; !rc && !absent && !sloppy && j < n[0]; j++) {
    if (pos[0][j] < p->terms[0].offset) continue;
    uint64_t s = pos[0][j] - p->terms[0].offset;
    size_t i = 1;
    while (i < p->n_terms && holds(pos[i], n[i], s + p->terms[i].offset)) i++;
    *matches += i == p->n_terms;
  }
  if (!sloppy) *out = *matches;
  for (size_t i = 0; pos && i < p->n_terms; i++) free(pos[i]);
  free(pos);
  free(n);
  free(order);
  free(terms);
  free(cur);
  return rc;
}

static int phrase_hit(kz_xbuild *b, const kz_plan *p, const char *clause, kz_explanation *out,
                      int *matched) {
  double freq;
  uint32_t matches;
  int rc = phrase_freq(b, p, &freq, &matches);
  if (rc) return rc;
  *matched = matches > 0;
  if (!matches) return kz_explain_set(b->x, out, "phrase", 0, "%s: not in the document", clause);
  char what[160];
  if (p->slop || p->near)
    snprintf(what, sizeof what,
             "sloppy frequency: %u match%s, each weighing 1 / (1 + its distance%s),", matches,
             matches == 1 ? "" : "es", p->near ? " beyond adjacent words" : "");
  else
    snprintf(what, sizeof what, "occurrences of the phrase");
  return bm25_node(b, p, "phrase", clause, freq, what, out, NULL);
}

/* ---- prefix and fuzzy words ---------------------------------------------- */

/* The expansions the query's tree lists; it counts the rest. */
#define SHOWN_EXPANSIONS 20u

static int expand_query(kz_xbuild *b, const kz_plan *p, size_t start, kz_explanation *out) {
  char name[KZ_MAX_TERM_KEY_BYTES + 16], how[2 * KZ_MAX_TERM_KEY_BYTES + 160];
  size_t shown = p->n_terms < SHOWN_EXPANSIONS ? p->n_terms : SHOWN_EXPANSIONS;
  size_t more = p->n_terms - shown;
  kz_explanation *kids = kz_explain_nodes(b->x, shown + (more > 0));
  if (!kids && shown + (more > 0)) return KZ_ERR_NOMEM;
  out->children = (shown + (more > 0)) ? kids : NULL;
  out->n_children = shown + (more > 0);
  expand_name(p, name, sizeof name);
  int rc = append_cstr(b, name);
  const char *text = rc ? NULL : text_since(b, start);
  if (!text) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < shown && !rc; i++) {
    const kz_pterm *t = &p->terms[i];
    rc = kz_explain_set(b->x, &kids[i], "term", (double)t->df, "%s:%.*s (df %llu)",
                        field_name(p->field), (int)t->key_len - 1, t->key + 1,
                        (unsigned long long)t->df);
  }
  if (!rc && more)
    rc = kz_explain_set(b->x, &kids[shown], "more", (double)more, "and %zu more expansion%s",
                        more, more == 1 ? "" : "s");
  if (rc) return rc;
  int same_stem = !p->stem || (p->stem_len == p->word_len && !memcmp(p->stem, p->word, p->word_len));
  if (!p->fuzzy)
    snprintf(how, sizeof how, "a prefix: the %zu term%s starting with it", p->n_terms,
             p->n_terms == 1 ? "" : "s");
  else if (p->in_reach > p->n_terms)
    snprintf(how, sizeof how,
             "a fuzzy word, within %d edit%s of %.*s%s%.*s: %llu terms in reach, max_expansions "
             "kept the %zu of highest df",
             p->max_edits, p->max_edits == 1 ? "" : "s", (int)p->word_len - 1, p->word + 1,
             same_stem ? "" : " or of its stem ", same_stem ? 0 : (int)p->stem_len - 1,
             same_stem ? "" : p->stem + 1, (unsigned long long)p->in_reach, p->n_terms);
  else
    snprintf(how, sizeof how, "a fuzzy word, within %d edit%s of %.*s%s%.*s: %zu term%s in reach",
             p->max_edits, p->max_edits == 1 ? "" : "s", (int)p->word_len - 1, p->word + 1,
             same_stem ? "" : " or of its stem ", same_stem ? 0 : (int)p->stem_len - 1,
             same_stem ? "" : p->stem + 1, p->n_terms, p->n_terms == 1 ? "" : "s");
  return kz_explain_set(b->x, out, "expand", (double)kz_expand_df(p, b->stats),
                        "%s (%s; scored as one term: df of their union %llu, idf %.6g)", text,
                        how, (unsigned long long)kz_expand_df(p, b->stats), p->idf);
}

/*
 * The blended term's BM25: tf the sum of the frequencies of the expansions
 * the document holds (each a "tf" child of the "tf" node), idf the union's.
 */
static int expand_hit(kz_xbuild *b, const kz_plan *p, const char *clause, kz_explanation *out,
                      int *matched) {
  uint32_t *freqs = calloc(p->n_terms ? p->n_terms : 1, sizeof *freqs);
  if (!freqs) return KZ_ERR_NOMEM;
  size_t held = 0;
  uint64_t tf = 0;
  int rc = KZ_OK;
  for (size_t i = 0; i < p->n_terms && !rc; i++) {
    kz_postings c;
    int64_t f = term_freq(b, &p->terms[i], &c);
    if (f < 0) rc = (int)f;
    freqs[i] = f > 0 ? (uint32_t)f : 0;
    held += f > 0;
    tf += freqs[i];
  }
  kz_explanation *tf_node = NULL, *parts = held ? kz_explain_nodes(b->x, held) : NULL;
  if (!rc && held && !parts) rc = KZ_ERR_NOMEM;
  *matched = !rc && tf > 0;
  if (!rc && !tf) rc = kz_explain_set(b->x, out, "term", 0, "%s: not in the document", clause);
  else if (!rc)
    rc = bm25_node(b, p, "term", clause, (double)tf, "occurrences of its expansions", out,
                   &tf_node);
  for (size_t i = 0, k = 0; !rc && tf && i < p->n_terms; i++) {
    if (!freqs[i]) continue;
    const kz_pterm *t = &p->terms[i];
    rc = kz_explain_set(b->x, &parts[k++], "tf", (double)freqs[i], "occurrences of %s:%.*s",
                        field_name(p->field), (int)t->key_len - 1, t->key + 1);
  }
  if (!rc && tf) {
    tf_node->children = parts;
    tf_node->n_children = held;
  }
  free(freqs);
  return rc;
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
    [KZ_P_EXPAND] = {expand_query, expand_hit},
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
