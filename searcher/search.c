/*
 * search.c - kz_search and kz_count: parse, analyze and plan the query
 * (with its expansions and ranking options), evaluate every segment into a
 * collector, keep the top k + offset (by score or by date, collapsing
 * near-duplicates), then hand the ranked matches to searcher/hits.c, which
 * loads the page's stored fields, highlights and snippets.
 *
 * Everything a search allocates belongs to that call (or to the kz_hits it
 * returns), so concurrent searches on one kz_index share nothing mutable.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyzer.h"
#include "common/date.h"
#include "format/deletes.h"
#include "common/error.h"
#include "format/format.h"
#include "common/limits.h"
#include "format/postings_reader.h"
#include "searcher/collapse.h"
#include "searcher/collect.h"
#include "searcher/collect_value.h"
#include "searcher/expand.h"
#include "searcher/explain.h"
#include "searcher/explain_expansions.h"
#include "searcher/flat.h"
#include "searcher/hits.h"
#include "searcher/index.h"
#include "searcher/iter.h"
#include "searcher/name_expand.h"
#include "searcher/acronym_expand.h"
#include "searcher/plan.h"
#include "searcher/query_parse.h"
#include "searcher/rank.h"
#include "searcher/rank_rm3.h"
#include "searcher/search_internal.h"
#include "searcher/suggest.h"
#include "searcher/topk.h"

/* Hits beyond the page (and half a page more) that collapsing looks at first; the deepest window. */
#define KZ_COLLAPSE_EXTRA_HITS 5u
#define KZ_COLLAPSE_MAX_WINDOW (4u * KZ_MAX_HITS)

typedef struct query {
  kz_qnode *tree;
  kz_analyzer *an; /* taken from the index's pool, given back by query_free */
  kz_analyzer_pool *pool;
  kz_plan *plan;
  kz_collection_stats stats; /* what the plan was weighed with */
  kz_rank *rank; /* with ranking options (searcher/rank.h), else NULL */
  kz_name_variants names;    /* the spellings the plan gained */
  kz_expansions expansions;  /* acronyms and long forms added to the query */
} query;

static void query_free(query *q) {
  kz_rank_free(q->rank);
  kz_expansions_free(&q->expansions);
  kz_plan_free(q->plan);
  kz_name_variants_free(&q->names);
  kz_qnode_free(q->tree);
  if (q->pool) kz_analyzer_pool_give(q->pool, q->an);
}

static int check_options(const kz_search_options *o, kz_error *err) {
  if (o->version < 1 || o->version > KZ_SEARCH_OPTIONS_VERSION)
    return kz_error_set(err, KZ_ERR_INVALID, "unsupported kz_search_options version %u", o->version);
  if (o->k == 0) return kz_error_set(err, KZ_ERR_INVALID, "k must be at least 1");
  if (o->k > KZ_MAX_HITS || o->offset > KZ_MAX_HITS - o->k)
    return kz_error_set(err, KZ_ERR_INVALID, "k + offset may be at most %u", KZ_MAX_HITS);
  if (!(o->bm25_k1 >= 0 && o->bm25_k1 <= 1000))
    return kz_error_set(err, KZ_ERR_INVALID, "BM25 k1 must be between 0 and 1000");
  if (!(o->bm25_b >= 0 && o->bm25_b <= 1))
    return kz_error_set(err, KZ_ERR_INVALID, "BM25 b must be between 0 and 1");
  if (o->version >= 2 && (o->sort < KZ_SORT_SCORE || o->sort > KZ_SORT_DATE_ASC))
    return kz_error_set(err, KZ_ERR_INVALID, "unknown sort order %d", o->sort);
  if (o->version >= 2 && (o->facet < KZ_FACET_NONE || o->facet > KZ_FACET_DATE_YEAR))
    return kz_error_set(err, KZ_ERR_INVALID, "unknown facet %d", o->facet);
  if (o->version >= 3 && o->max_expansions > KZ_MAX_EXPANSIONS)
    return kz_error_set(err, KZ_ERR_INVALID, "max_expansions may be at most %u",
                        KZ_MAX_EXPANSIONS);
  return kz_rank_check(o, err);
}

/* One end of the options' date range: the start of `since`, the end of `until`. */
static int option_date(const char *what, const char *expr, int end, int64_t *out, kz_error *err) {
  int64_t lo, hi;
  size_t pos = 0;
  char why[160] = "";
  if (kz_date_parse_query(&lo, &hi, expr, strlen(expr), &pos, why, sizeof why) != KZ_OK)
    return kz_error_set(err, KZ_ERR_INVALID, "%s '%s': %s", what, expr, why);
  *out = end ? hi : lo;
  return KZ_OK;
}

/* The --since / --until filter as a DATE plan, *out NULL without one. */
static int options_filter(const kz_search_options *o, kz_plan **out, kz_error *err) {
  *out = NULL;
  if (o->version < 2 || (!o->since && !o->until)) return KZ_OK;
  int64_t lo = KZ_DATE_OPEN_LO, hi = KZ_DATE_OPEN_HI;
  int rc = o->since ? option_date("since", o->since, 0, &lo, err) : KZ_OK;
  if (!rc && o->until) rc = option_date("until", o->until, 1, &hi, err);
  if (rc) return rc;
  if (lo > hi)
    return kz_error_set(err, KZ_ERR_INVALID, "the date range is empty: since '%s' is after until '%s'",
                        o->since, o->until);
  if ((rc = kz_plan_date(out, lo, hi))) return kz_error_set(err, rc, "out of memory");
  return KZ_OK;
}

static int prepare(query *q, kz_index *idx, const char *text, const kz_search_options *o,
                   const kz_eval_config *cfg, kz_error *err) {
  memset(q, 0, sizeof *q);
  size_t len = strlen(text);
  if (len > KZ_MAX_QUERY_BYTES)
    return kz_error_set(err, KZ_ERR_LIMIT, "the query is %zu bytes long; the limit is %u", len,
                        KZ_MAX_QUERY_BYTES);
  int rc = kz_query_parse(&q->tree, text, len, err);
  if (rc) return rc;
  if ((rc = kz_analyzer_pool_take(&idx->analyzers, &q->an)))
    return kz_error_set(err, rc, "cannot create the analyzer for language '%s'",
                        idx->manifest.language);
  q->pool = &idx->analyzers;
  if (o->version >= 3 && !o->no_expand &&
      (rc = kz_acronym_expand(&q->tree, idx, q->an, &q->expansions)))
    return kz_error_set(err, rc, "out of memory");
  kz_plan *filter = NULL;
  if ((rc = options_filter(o, &filter, err))) return rc;
  rc = kz_plan_build(&q->plan, q->tree, q->an, o->default_and, filter, err);
  kz_plan_free(filter);
  if (rc) return rc;
  if (!(o->version >= 3 && o->exact_names) &&
      (rc = kz_names_expand(q->plan, text, strlen(text), idx->segs, idx->n_segs,
                           idx->manifest.language, &q->names)))
    return kz_error_set(err, rc, "%s: %s while looking up other spellings of names", idx->path,
                        kz_strerror(rc));
  if ((rc = kz_plan_lookup(q->plan, idx->segs, idx->n_segs)))
    return kz_error_set(err, rc, "%s: %s while looking up terms", idx->path, kz_strerror(rc));
  if ((rc = kz_plan_expand(q->plan, idx->segs, idx->n_segs,
                           o->version >= 3 ? o->max_expansions : 0, err)))
    return rc;
  q->stats = cfg && cfg->stats ? *cfg->stats : kz_index_collection_stats(idx);
  if ((rc = kz_plan_weigh(q->plan, idx->n_segs, &q->stats)))
    return kz_error_set(err, rc, "%s: %s while weighing terms", idx->path, kz_strerror(rc));
  kz_expansion_weigh(q->plan);
  if (kz_rank_wanted(o)) return kz_rank_new(&q->rank, idx, q->plan, o, NULL, 0, err);
  return KZ_OK;
}

/* Whether the plan is a plain disjunction of terms, which counting can do with a bitmap. */
static int is_term_union(const kz_plan *p) {
  if (p->kind != KZ_P_BOOL || p->n_must || p->n_not) return 0;
  for (size_t i = 0; i < p->n_should; i++)
    if (p->should[i]->kind != KZ_P_TERM) return 0;
  return 1;
}

/*
 * Counts the documents of segment s holding any of the union's terms: one
 * bit per document, set by walking each term's postings, then a popcount.
 * Cheaper than merging the cursors document by document.
 */
static int count_term_union(const kz_segment *seg, size_t s, const kz_plan *p, uint64_t *out) {
  size_t words = ((size_t)seg->info.doc_count + 63) / 64;
  uint64_t *bits = calloc(words ? words : 1, sizeof *bits);
  if (!bits) return KZ_ERR_NOMEM;
  int error = KZ_OK;
  for (size_t i = 0; i < p->n_should && !error; i++) {
    const kz_term_info *info = &p->should[i]->terms[0].seg[s];
    if (info->df == 0) continue;
    kz_postings c;
    kz_postings_init(&c, seg, info, &error);
    for (uint32_t d = kz_postings_next(&c); d != KZ_DOC_END; d = kz_postings_next(&c))
      bits[d >> 6] |= 1ull << (d & 63);
  }
  if (seg->deleted) /* the bitmap's bytes are the low bytes of the words, in order */
    for (size_t byte = 0; byte < kz_deletes_bitmap_bytes(seg->info.doc_count); byte++)
      bits[byte >> 3] &= ~((uint64_t)seg->deleted[byte] << (8 * (byte & 7)));
  uint64_t n = 0;
  for (size_t w = 0; w < words; w++) n += (uint64_t)__builtin_popcountll(bits[w]);
  free(bits);
  *out = n;
  return error;
}

/* Runs the iterator tree of the plan on segment s into the sink. */
static int evaluate_tree(const kz_plan *plan, size_t s, const kz_bm25 *bm25,
                         const kz_bm25 *title_bm25, kz_sink *sink) {
  kz_eval_ctx ctx = {bm25->seg, s, *bm25, sink->scoring,
                     sink->prune ? &sink->threshold : NULL, KZ_OK, 0, *title_bm25, NULL};
  kz_iter *it = NULL;
  int rc = kz_iter_build(&it, plan, &ctx);
  if (rc) return rc;
  for (uint32_t d = it->doc; d != KZ_DOC_END; d = it->ops->next(it)) {
    sink->candidates++;
    if (kz_deleted(sink->deleted, d) || !it->ops->matches(it)) continue;
    if (!sink->scoring) {
      kz_sink_match(sink, d);
      continue;
    }
    kz_sink_offer(sink, it->ops->score(it), d);
  }
  kz_iter_free(it);
  sink->scored += ctx.scored;
  return ctx.error;
}

/*
 * Evaluates the plan on every segment into the sink (topk NULL: count
 * only): pure unions counted with a bitmap, flat queries of terms by
 * searcher/flat.c, everything else by the iterator tree.
 */
static int evaluate(kz_index *idx, const query *q, const kz_search_options *o,
                    const kz_eval_config *cfg, kz_sink *sink, kz_error *err) {
  const kz_plan *plan = q->plan;
  double avgdl = kz_stats_avgdl(&q->stats), title_avgdl = kz_stats_title_avgdl(&q->stats);
  int fields = kz_plan_has_fields(plan);
  int union_count = !sink->scoring && !sink->collector && !sink->tally && !fields && is_term_union(plan);
  /* title: and date: clauses go through the iterator tree, which knows their fields */
  int flat = !(cfg && cfg->no_flat) && !fields && kz_flat_supported(plan);
  /* The opened index's norms serve when they were made with the same parameters. */
  int defaults = o->bm25_k1 == idx->norms_k1 && o->bm25_b == idx->norms_b && avgdl == idx->avgdl;
  for (size_t s = 0; s < idx->n_segs; s++) {
    int rc;
    if (union_count) {
      uint64_t n = 0;
      rc = count_term_union(&idx->segs[s], s, plan, &n);
      if (rc) return kz_error_set(err, rc, "%s: %s", idx->path, kz_strerror(rc));
      sink->matches += n;
      continue;
    }
    kz_bm25 bm25 = {o->bm25_k1, o->bm25_b, avgdl, &idx->segs[s],
                    defaults ? idx->norms[s] : NULL, NULL};
    kz_bm25 title_bm25 = {o->bm25_k1, o->bm25_b, title_avgdl, &idx->segs[s], NULL,
                          idx->segs[s].title_norms};
    kz_sink_segment(sink, s, idx->doc_base[s], idx->segs[s].deleted);
    rc = q->rank ? kz_rank_evaluate(q->rank, plan, s, flat, &bm25, &title_bm25, sink)
         : flat  ? kz_flat_evaluate(plan, s, &bm25, sink)
                 : evaluate_tree(plan, s, &bm25, &title_bm25, sink);
    if (rc == KZ_ERR_NOMEM) return kz_error_set(err, rc, "out of memory");
    if (rc) {
      char name[64];
      kz_segment_file_name(name, sizeof name, idx->segs[s].info.id, KZ_SEGFILE_POSTINGS);
      return kz_error_set(err, rc, "%s/%s: %s", idx->path, name, kz_strerror(rc));
    }
  }
  return KZ_OK;
}

int kz_count_with(uint64_t *out, kz_index *idx, const char *text, const kz_search_options *opts,
                  const kz_eval_config *cfg, kz_error *err) {
  kz_search_options defaults = KZ_SEARCH_OPTIONS_INIT;
  const kz_search_options *o = opts ? opts : &defaults;
  int rc = check_options(o, err);
  if (rc) return rc;
  query q;
  kz_sink sink = kz_sink_top_score(NULL, 0, 0);
  rc = prepare(&q, idx, text, o, cfg, err);
  if (!rc) rc = evaluate(idx, &q, o, cfg, &sink, err);
  if (!rc) *out = sink.matches;
  query_free(&q);
  return rc;
}

int kz_count(uint64_t *out, kz_index *idx, const char *text, const kz_search_options *opts,
             kz_error *err) {
  return kz_count_with(out, idx, text, opts, NULL, err);
}

/* Explains the query and the hits of h (kz_search_options.explain) into h. */
static int explain_search(kz_hits *h, kz_index *idx, const query *q, const kz_search_options *o,
                          const kz_eval_config *cfg, kz_error *err) {
  int rc = kz_explain_new(&h->explain, q->tree, q->plan, q->an, &q->stats);
  if (!rc) rc = kz_explain_expansions(h->explain, idx, &q->expansions, &q->names, o, cfg);
  if (!rc)
    rc = kz_explain_hits(h->explain, idx, q->plan, &q->stats, o->bm25_k1, o->bm25_b, h->hits, h->n);
  if (rc == KZ_ERR_NOMEM) return kz_error_set(err, rc, "out of memory");
  if (rc) return kz_error_set(err, rc, "%s: %s while explaining the hits", idx->path, kz_strerror(rc));
  return KZ_OK;
}

/* The kept hits of a value top-k, best first, as (score, document) pairs. */
static int rank_by_value(kz_top_value *top, kz_scored **out) {
  kz_scored *ranked = malloc((top->n ? top->n : 1) * sizeof *ranked);
  if (!ranked) return KZ_ERR_NOMEM;
  kz_top_value_sort(top);
  for (size_t i = 0; i < top->n; i++) ranked[i] = (kz_scored){top->heap[i].score, top->heap[i].doc};
  *out = ranked;
  return KZ_OK;
}

/*
 * Fills h->suggestion for a query that matched fewer than 5 documents, when
 * a respelling (suggest.h) matches at least KZ_SUGGEST_FACTOR times more.
 * A respelled query that fails is no suggestion (and no error).
 */
static int suggest(kz_hits *h, kz_index *idx, const char *text, const query *q,
                   const kz_search_options *o, const kz_eval_config *cfg, kz_error *err) {
  char *s = NULL;
  int rc = kz_suggest(&s, text, q->tree, q->an, idx->segs, idx->n_segs);
  if (rc) return kz_error_set(err, rc, "%s: %s while looking for a suggestion", idx->path,
                              kz_strerror(rc));
  if (!s) return KZ_OK;
  kz_search_options plain = *o;
  plain.suggest = 0;
  uint64_t n = 0;
  if (kz_count_with(&n, idx, s, &plain, cfg, NULL) == KZ_OK &&
      n > 0 && n >= KZ_SUGGEST_FACTOR * h->total)
    h->suggestion = s;
  else
    free(s);
  return KZ_OK;
}

/*
 * RM3 (searcher/rank_rm3.h): the prepared query's top documents, then the
 * query rewritten with their relevance model and ranked with its weights.
 */
static int feedback(query *q, kz_index *idx, const kz_search_options *o,
                    const kz_eval_config *cfg, kz_error *err) {
  kz_topk top = {0};
  if (kz_topk_init(&top, o->rm3_docs)) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  kz_sink sink = kz_sink_top_score(&top, 1, 0); /* the first pass needs no total: it may prune */
  kz_rank_weight *w = NULL;
  size_t n_w = 0;
  int rc = evaluate(idx, q, o, cfg, &sink, err);
  if (!rc) kz_topk_sort(&top);
  if (!rc) rc = kz_rm3_expand(&q->plan, &w, &n_w, idx, top.heap, top.n, q->an, &q->stats, o, err);
  if (!rc && w) {
    kz_rank_free(q->rank);
    q->rank = NULL;
    rc = kz_rank_new(&q->rank, idx, q->plan, o, w, n_w, err);
  }
  free(w);
  kz_topk_free(&top);
  return rc;
}

/*
 * Keeps the best `keep` matches of the prepared query, ranked best first,
 * into *ranked (owned by the caller), by score (values NULL: the top-k
 * heap, which may prune unless `exact`) or by values; `tally`, when not
 * NULL, counts every match's date (facets).
 */
static int collect_ranked(kz_index *idx, const query *q, const kz_search_options *o,
                          const kz_eval_config *cfg, const kz_doc_values *values, int ascending,
                          size_t keep, int exact, kz_tally *tally, kz_sink *sink,
                          kz_scored **ranked, size_t *n, kz_error *err) {
  kz_topk top = {0};
  kz_top_value by_value = {0};
  *ranked = NULL;
  *n = 0;
  int rc = values ? kz_top_value_init(&by_value, keep, values, ascending) : kz_topk_init(&top, keep);
  if (rc) return kz_error_set(err, rc, "out of memory");
  *sink = values ? kz_sink_collect(&by_value.base)
                 : kz_sink_top_score(&top, o->skip_total && !exact, cfg ? cfg->always_prune : 0);
  sink->tally = tally;
  rc = evaluate(idx, q, o, cfg, sink, err);
  if (!rc && values && (rc = rank_by_value(&by_value, ranked)))
    kz_error_set(err, rc, "out of memory");
  if (!rc && values) *n = by_value.n;
  if (!rc && !values) {
    kz_topk_sort(&top);
    *ranked = top.heap; /* handed over */
    *n = top.n;
    top.heap = NULL;
  }
  kz_top_value_free(&by_value);
  kz_topk_free(&top);
  return rc;
}

/* Whether the options ask for near-duplicates to be collapsed (version 3; older callers: no). */
static int collapses(const kz_search_options *o) { return o->version >= 3 && o->collapse; }

/*
 * Ranks the matches and, with collapsing, folds near-duplicates into the
 * best ranked of each (searcher/collapse.c): over a window a few pages
 * deeper than asked, made deeper still while it yields fewer groups than
 * k + offset and more matches lie beyond it. *c gets the kept hits. The
 * facets' tally, when there is one, counts in the first pass only.
 */
static int rank_and_collapse(kz_index *idx, const query *q, const kz_search_options *o,
                             const kz_eval_config *cfg, const kz_doc_values *values, int ascending,
                             kz_tally *tally, kz_sink *sink, kz_collapsed *c, kz_error *err) {
  int exact = tally != NULL; /* facets see every match, in every pass */
  size_t want = o->k + o->offset;
  size_t keep = collapses(o) ? want + want / 2 + KZ_COLLAPSE_EXTRA_HITS : want;
  for (;;) {
    kz_scored *ranked;
    size_t n;
    int rc = collect_ranked(idx, q, o, cfg, values, ascending, keep, exact, tally, sink, &ranked,
                            &n, err);
    tally = NULL; /* counted in the first pass; a deeper window must not count again */
    if (rc) return rc;
    if (!collapses(o)) {
      memset(c, 0, sizeof *c);
      c->kept = ranked;
      c->n_kept = n;
      return KZ_OK;
    }
    kz_nd_reader r;
    kz_nd_reader_init(&r, idx, q->an);
    rc = kz_collapse(c, &r, ranked, n, want);
    kz_nd_reader_free(&r);
    free(ranked);
    if (rc)
      return kz_error_set(err, rc, "%s: cannot compare near-duplicates: %s", idx->path,
                          kz_strerror(rc));
    /* with pruning, the matches counted are a lower bound: a full window may hide more */
    if (c->n_kept >= want || n < keep || ((!o->skip_total || exact) && sink->matches <= keep) ||
        keep >= KZ_COLLAPSE_MAX_WINDOW)
      return KZ_OK;
    kz_collapsed_free(c);
    keep = keep > KZ_COLLAPSE_MAX_WINDOW / 4 ? KZ_COLLAPSE_MAX_WINDOW : keep * 4;
  }
}

/* kz_search ordered by score (values NULL: the top-k heap, which may prune) or by values. */
static int search_ranked(kz_hits **out, kz_index *idx, const char *text,
                         const kz_search_options *opts, const kz_eval_config *cfg,
                         const kz_doc_values *values, int ascending, kz_error *err) {
  kz_search_options defaults = KZ_SEARCH_OPTIONS_INIT;
  const kz_search_options *o = opts ? opts : &defaults;
  int rc = check_options(o, err);
  if (rc) return rc;
  query q;
  kz_collapsed c = {0};
  kz_tally tally = {0};
  /* facets count every match in the same pass: no pruning then */
  int facet = o->version >= 2 && o->facet != KZ_FACET_NONE;
  kz_hits *h = calloc(1, sizeof *h);
  if (!h) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  kz_sink sink = kz_sink_top_score(NULL, 0, 0);
  rc = prepare(&q, idx, text, o, cfg, err);
  if (!rc && o->version >= 3 && o->rm3) rc = feedback(&q, idx, o, cfg, err);
  if (!rc && facet && (rc = kz_index_date_tally(idx, &tally))) kz_error_set(err, rc, "out of memory");
  if (!rc)
    rc = rank_and_collapse(idx, &q, o, cfg, values, ascending, facet ? &tally : NULL, &sink, &c,
                           err);
  if (!rc && tally.error)
    rc = kz_error_set(err, tally.error, "%s: a date column disagrees with its block ranges", idx->path);
  h->total = sink.matches;
  h->counters.candidates = sink.candidates;
  h->counters.scored = sink.scored;
  size_t want = o->k + o->offset; /* a collapsed window may keep more groups than the page needs */
  if (!rc && (rc = kz_names_matched(&q.names, &h->also_matched, &h->n_also_matched)))
    kz_error_set(err, rc, "out of memory");
  if (!rc) rc = kz_hits_fill(h, idx, c.kept, c.n_kept < want ? c.n_kept : want, o, q.plan, q.an, err);
  if (!rc && c.count && (rc = kz_hits_add_similar(h, idx, &c, o->offset)))
    kz_error_set(err, rc, "%s: cannot load the ids of similar documents: %s", idx->path,
                 kz_strerror(rc));
  if (!rc && facet) rc = kz_hits_add_facets(h, &tally, o, err);
  kz_tally_free(&tally);
  if (!rc && o->version >= 3 && o->explain) rc = explain_search(h, idx, &q, o, cfg, err);
  if (!rc && o->version >= 3 && o->suggest && h->total < 5) rc = suggest(h, idx, text, &q, o, cfg, err);
  if (!rc && (rc = kz_hits_copy_expansions(h, &q.expansions))) kz_error_set(err, rc, "out of memory");
  kz_collapsed_free(&c);
  query_free(&q);
  if (rc) {
    kz_hits_free(h);
    return rc;
  }
  *out = h;
  return KZ_OK;
}

int kz_search_with(kz_hits **out, kz_index *idx, const char *text, const kz_search_options *opts,
                   const kz_eval_config *cfg, kz_error *err) {
  int sort = opts && opts->version >= 2 ? opts->sort : KZ_SORT_SCORE;
  if (sort == KZ_SORT_DATE || sort == KZ_SORT_DATE_ASC)
    return search_ranked(out, idx, text, opts, cfg, &idx->dates, sort == KZ_SORT_DATE_ASC, err);
  return search_ranked(out, idx, text, opts, cfg, NULL, 0, err);
}

int kz_search_by_value(kz_hits **out, kz_index *idx, const char *text,
                       const kz_search_options *opts, const kz_eval_config *cfg,
                       const kz_doc_values *values, int ascending, kz_error *err) {
  return search_ranked(out, idx, text, opts, cfg, values, ascending, err);
}

int kz_search_collect(kz_index *idx, const char *text, const kz_search_options *opts,
                      const kz_eval_config *cfg, kz_collector *c, uint64_t *total, kz_error *err) {
  kz_search_options defaults = KZ_SEARCH_OPTIONS_INIT;
  const kz_search_options *o = opts ? opts : &defaults;
  int rc = check_options(o, err);
  if (rc) return rc;
  query q;
  kz_sink sink = kz_sink_collect(c);
  rc = prepare(&q, idx, text, o, cfg, err);
  if (!rc) rc = evaluate(idx, &q, o, cfg, &sink, err);
  if (!rc && c->error) rc = kz_error_set(err, c->error, "out of memory");
  if (!rc) *total = sink.matches;
  query_free(&q);
  return rc;
}

int kz_search(kz_hits **out, kz_index *idx, const char *text, const kz_search_options *opts,
              kz_error *err) {
  return kz_search_with(out, idx, text, opts, NULL, err);
}
