/*
 * search.c - kz_search and kz_count: parse, analyze, resolve, evaluate every
 * segment exhaustively (exact totals), keep the top k + offset, then load
 * the returned hits' stored fields, highlights (searcher/highlight.c) and
 * snippets.
 *
 * Everything a search allocates belongs to that call (or to the kz_hits it
 * returns), so concurrent searches on one kz_index share nothing mutable.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analyzer.h"
#include "common/buf.h"
#include "common/date.h"
#include "format/deletes.h"
#include "format/docstore_reader.h"
#include "common/error.h"
#include "format/format.h"
#include "common/limits.h"
#include "format/postings_reader.h"
#include "searcher/collapse.h"
#include "searcher/collect.h"
#include "searcher/collect_value.h"
#include "searcher/expand.h"
#include "searcher/explain.h"
#include "searcher/flat.h"
#include "searcher/highlight.h"
#include "searcher/index.h"
#include "searcher/iter.h"
#include "searcher/name_expand.h"
#include "searcher/acronym_expand.h"
#include "searcher/plan.h"
#include "searcher/query_parse.h"
#include "searcher/rank.h"
#include "searcher/rank_rm3.h"
#include "searcher/search_internal.h"
#include "searcher/snippet.h"
#include "searcher/suggest.h"
#include "searcher/topk.h"

/* Hits beyond the page (and half a page more) that collapsing looks at first; the deepest window. */
#define KZ_COLLAPSE_EXTRA_HITS 5u
#define KZ_COLLAPSE_MAX_WINDOW (4u * KZ_MAX_HITS)

struct kz_hits {
  kz_hit *hits;
  size_t n;
  uint64_t total;
  kz_buf strings; /* every hit's strings, NUL-terminated */
  kz_span *spans;
  size_t n_spans;
  kz_search_counters counters;
  kz_facet_count *facets; /* their bucket strings point into facet_labels */
  char (*facet_labels)[16];
  size_t n_facets;
  char *suggestion; /* "did you mean", NULL for none */
  kz_explain *explain; /* kz_search_options.explain: the query's and the hits' trees */
  char **also_matched; /* other spellings of names that matched (name_expand.h); one allocation */
  size_t n_also_matched;
  kz_expansion *expansions; /* their strings are in expansion_strings */
  size_t n_expansions;
  kz_buf expansion_strings;
  /* Near-duplicates folded into each hit (collapse.h): hit i's ids are at similar_ids[similar_first[i]
   * ..][similar_count[i]], offsets into similar_strings. NULL when nothing was collapsed. */
  size_t *similar_first, *similar_count, *similar_ids;
  kz_buf similar_strings;
};

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
  int flat = !(cfg && cfg->no_flat) && !fields && !q->rank && kz_flat_supported(plan);
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
    rc = q->rank ? kz_rank_evaluate(q->rank, plan, s, &bm25, &title_bm25, sink)
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

/* String offsets are stored in the pointer fields until the buffer stops moving. */
#define OFFSET_AS_PTR(off) ((const char *)(uintptr_t)(off))

static int add_string(kz_buf *b, const char *s, size_t n, const char **field) {
  size_t off = b->len;
  int rc = kz_buf_append_cstr(b, s ? s : "", s ? n : 0);
  if (rc) return rc;
  b->len++; /* keep the NUL */
  *field = OFFSET_AS_PTR(off);
  return KZ_OK;
}

/* Appends n spans to h->spans (capacity *cap). */
static int add_spans(kz_hits *h, size_t *cap, const kz_span *spans, size_t n) {
  if (n == 0) return KZ_OK;
  if (n > *cap - h->n_spans) {
    if (n > SIZE_MAX / 2 / sizeof *h->spans - h->n_spans) return KZ_ERR_NOMEM;
    size_t c = (h->n_spans + n) * 2;
    kz_span *sp = realloc(h->spans, c * sizeof *sp);
    if (!sp) return KZ_ERR_NOMEM;
    h->spans = sp;
    *cap = c;
  }
  memcpy(h->spans + h->n_spans, spans, n * sizeof *spans);
  h->n_spans += n;
  return KZ_OK;
}

/*
 * Appends the title's highlights: one span per run of overlapping matches,
 * within the part of the title that its C string shows (up to a NUL).
 */
static int add_title_spans(kz_hits *h, size_t *cap, const kz_hl_field *f, const char *title,
                           size_t len, size_t *n_out) {
  const char *nul = len ? memchr(title, 0, len) : NULL;
  size_t shown = nul ? (size_t)(nul - title) : len;
  *n_out = 0;
  for (size_t i = 0; i < f->n_matches;) {
    kz_span span = {f->matches[i].start, 0};
    i = kz_hl_run(f->matches, f->n_matches, i, &span.end);
    if (span.end > shown) break;
    int rc = add_spans(h, cap, &span, 1);
    if (rc) return rc;
    (*n_out)++;
  }
  return KZ_OK;
}

/* Where hit i's highlights start in h->spans until the array stops moving. */
typedef struct span_starts {
  size_t *title, *snippet;
} span_starts;

/*
 * Highlights the hit's title and builds its snippet (from the body, or the
 * title when the body is empty) into h.
 */
static int highlight_hit(kz_hits *h, kz_hit *hit, const kz_stored_doc *doc,
                         const kz_hl_query *hq, kz_analyzer *an, kz_hl_doc *hd, kz_snippet *snip,
                         size_t snippet_bytes, size_t *cap_spans) {
  const char *title = doc->field[KZ_STORED_TITLE], *body = doc->field[KZ_STORED_BODY];
  size_t title_len = doc->len[KZ_STORED_TITLE], body_len = doc->len[KZ_STORED_BODY];
  int rc = kz_hl_doc_analyze(hd, hq, an, title, title_len, body, body_len);
  if (!rc)
    rc = add_title_spans(h, cap_spans, &hd->field[KZ_HL_TITLE], title, title_len,
                         &hit->n_title_highlights);
  if (rc) return rc;
  int use_body = body_len > 0;
  rc = kz_snippet_make(snip, use_body ? body : title, use_body ? body_len : title_len,
                       &hd->field[use_body ? KZ_HL_BODY : KZ_HL_TITLE], kz_hl_query_clauses(hq),
                       snippet_bytes);
  if (!rc) rc = add_string(&h->strings, (const char *)snip->text.data, snip->text.len, &hit->snippet);
  if (!rc) rc = add_spans(h, cap_spans, snip->spans, snip->n_spans);
  if (!rc) hit->n_highlights = snip->n_spans;
  return rc;
}

/* Fills h with ranked[offset..n), the hits of the page, best first. */
static int fill_hits(kz_hits *h, kz_index *idx, const kz_scored *ranked, size_t n,
                     const kz_search_options *o, const kz_plan *plan, kz_analyzer *an,
                     kz_error *err) {
  size_t first = o->offset < n ? o->offset : n;
  h->n = n - first;
  h->hits = calloc(h->n ? h->n : 1, sizeof *h->hits);
  span_starts starts = {calloc(h->n ? h->n : 1, sizeof(size_t)),
                        calloc(h->n ? h->n : 1, sizeof(size_t))};
  kz_hl_query *hq = NULL;
  kz_hl_doc hd = KZ_HL_DOC_INIT;
  kz_stored_doc doc = KZ_STORED_DOC_INIT;
  kz_snippet snip = KZ_SNIPPET_INIT;
  size_t cap_spans = 0;
  int rc = (!h->hits || !starts.title || !starts.snippet) ? KZ_ERR_NOMEM : KZ_OK;
  if (!rc && o->snippet_bytes && !o->ids_only) rc = kz_hl_query_build(&hq, plan);
  for (size_t i = 0; i < h->n && !rc; i++) {
    kz_hit *hit = &h->hits[i];
    hit->doc = ranked[first + i].doc;
    hit->score = ranked[first + i].score;
    size_t s = kz_index_segment_of(idx, hit->doc);
    uint32_t local = (uint32_t)(hit->doc - idx->doc_base[s]);
    starts.title[i] = h->n_spans;
    if (o->ids_only) {
      const char *id;
      size_t id_len;
      if ((rc = kz_docstore_get_id(&idx->segs[s].store, local, &id, &id_len))) break;
      rc = add_string(&h->strings, id, id_len, &hit->id);
      if (!rc) rc = add_string(&h->strings, "", 0, &hit->title);
      hit->date = hit->url = hit->snippet = hit->title;
      if (rc) break;
      continue;
    }
    if ((rc = kz_docstore_get(&idx->segs[s].store, local, &doc))) break;
    rc |= add_string(&h->strings, doc.field[KZ_STORED_ID], doc.len[KZ_STORED_ID], &hit->id);
    rc |= add_string(&h->strings, doc.field[KZ_STORED_TITLE], doc.len[KZ_STORED_TITLE], &hit->title);
    rc |= add_string(&h->strings, doc.field[KZ_STORED_DATE], doc.len[KZ_STORED_DATE], &hit->date);
    rc |= add_string(&h->strings, doc.field[KZ_STORED_URL], doc.len[KZ_STORED_URL], &hit->url);
    if (rc) break;
    if (hq)
      rc = highlight_hit(h, hit, &doc, hq, an, &hd, &snip, o->snippet_bytes, &cap_spans);
    else
      rc = add_string(&h->strings, "", 0, &hit->snippet);
    starts.snippet[i] = h->n_spans - hit->n_highlights;
  }
  if (!rc) { /* the buffers are final: turn offsets into pointers */
    const char *base = (const char *)h->strings.data;
    for (size_t i = 0; i < h->n; i++) {
      kz_hit *hit = &h->hits[i];
      hit->id = base + (uintptr_t)hit->id;
      hit->title = base + (uintptr_t)hit->title;
      hit->date = base + (uintptr_t)hit->date;
      hit->url = base + (uintptr_t)hit->url;
      hit->snippet = base + (uintptr_t)hit->snippet;
      hit->highlights = hit->n_highlights ? h->spans + starts.snippet[i] : NULL;
      hit->title_highlights = hit->n_title_highlights ? h->spans + starts.title[i] : NULL;
    }
  } else {
    h->n = 0;
    kz_error_set(err, rc, "%s: cannot load stored documents: %s", idx->path, kz_strerror(rc));
  }
  free(starts.title);
  free(starts.snippet);
  kz_hl_query_free(hq);
  kz_hl_doc_free(&hd);
  kz_stored_doc_free(&doc);
  kz_snippet_free(&snip);
  return rc;
}

/* The buckets the search's tally counted into h, oldest first. */
static int facets_to_hits(kz_hits *h, const kz_tally *tally, const kz_search_options *o,
                          kz_error *err) {
  kz_date_unit unit = o->facet == KZ_FACET_DATE_DAY     ? KZ_DATE_DAY
                      : o->facet == KZ_FACET_DATE_MONTH ? KZ_DATE_MONTH
                                                        : KZ_DATE_YEAR;
  kz_facet_bucket *buckets = NULL;
  size_t n = 0;
  if (kz_tally_buckets(tally, unit, &buckets, &n)) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  int rc = KZ_OK;
  if (n) {
    h->facets = calloc(n, sizeof *h->facets);
    h->facet_labels = calloc(n, sizeof *h->facet_labels);
    if (!h->facets || !h->facet_labels) rc = kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  }
  for (size_t i = 0; !rc && i < n; i++) {
    kz_date_format_bucket(h->facet_labels[i], sizeof h->facet_labels[i], buckets[i].key, unit);
    h->facets[i] = (kz_facet_count){h->facet_labels[i], buckets[i].key, buckets[i].count};
    h->n_facets = i + 1;
  }
  free(buckets);
  return rc;
}

/* Explains the query and the hits of h (kz_search_options.explain) into h. */
static int explain_search(kz_hits *h, kz_index *idx, const query *q, const kz_search_options *o,
                          kz_error *err) {
  int rc = kz_explain_new(&h->explain, q->tree, q->plan, q->an, &q->stats);
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

/* Copies the query's expansions into the hits, which may outlive the index. */
static int copy_expansions(kz_hits *h, const kz_expansions *e) {
  if (!e->n) return KZ_OK;
  size_t *offs = malloc(2 * e->n * sizeof *offs);
  h->expansions = calloc(e->n, sizeof *h->expansions);
  int rc = offs && h->expansions ? KZ_OK : KZ_ERR_NOMEM;
  for (size_t i = 0; i < e->n && !rc; i++) {
    offs[2 * i] = h->expansion_strings.len;
    rc = kz_buf_append(&h->expansion_strings, e->items[i].from, strlen(e->items[i].from) + 1);
    offs[2 * i + 1] = h->expansion_strings.len;
    if (!rc) rc = kz_buf_append(&h->expansion_strings, e->items[i].to, strlen(e->items[i].to) + 1);
  }
  for (size_t i = 0; i < e->n && !rc; i++) {
    const char *base = (const char *)h->expansion_strings.data;
    h->expansions[i] = (kz_expansion){base + offs[2 * i], base + offs[2 * i + 1], e->items[i].docs};
    h->n_expansions = i + 1;
  }
  free(offs);
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

/* Copies the ids of the documents folded into each hit of the page into h. */
static int add_similar(kz_hits *h, kz_index *idx, const kz_collapsed *c, size_t first) {
  size_t total = 0;
  for (size_t i = 0; i < h->n; i++) total += c->count[first + i];
  h->similar_first = calloc(h->n ? h->n : 1, sizeof *h->similar_first);
  h->similar_count = calloc(h->n ? h->n : 1, sizeof *h->similar_count);
  h->similar_ids = malloc((total ? total : 1) * sizeof *h->similar_ids);
  if (!h->similar_first || !h->similar_count || !h->similar_ids) return KZ_ERR_NOMEM;
  size_t at = 0;
  for (size_t i = 0; i < h->n; i++) {
    h->similar_first[i] = at;
    h->similar_count[i] = c->count[first + i];
    for (size_t j = 0; j < c->count[first + i]; j++) {
      uint64_t doc = c->similar[c->first[first + i] + j];
      size_t s = kz_index_segment_of(idx, doc);
      const char *id;
      size_t id_len;
      int rc = kz_docstore_get_id(&idx->segs[s].store, (uint32_t)(doc - idx->doc_base[s]), &id,
                                  &id_len);
      if (rc) return rc;
      h->similar_ids[at++] = h->similar_strings.len;
      if (kz_buf_append_cstr(&h->similar_strings, id, id_len)) return KZ_ERR_NOMEM;
      h->similar_strings.len++; /* keep the NUL */
    }
  }
  return KZ_OK;
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
  if (!rc) rc = fill_hits(h, idx, c.kept, c.n_kept < want ? c.n_kept : want, o, q.plan, q.an, err);
  if (!rc && c.count && (rc = add_similar(h, idx, &c, o->offset)))
    kz_error_set(err, rc, "%s: cannot load the ids of similar documents: %s", idx->path,
                 kz_strerror(rc));
  if (!rc && facet) rc = facets_to_hits(h, &tally, o, err);
  kz_tally_free(&tally);
  if (!rc && o->version >= 3 && o->explain) rc = explain_search(h, idx, &q, o, err);
  if (!rc && o->version >= 3 && o->suggest && h->total < 5) rc = suggest(h, idx, text, &q, o, cfg, err);
  if (!rc && (rc = copy_expansions(h, &q.expansions))) kz_error_set(err, rc, "out of memory");
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

kz_search_counters kz_hits_counters(const kz_hits *h) {
  kz_search_counters none = {0, 0};
  return h ? h->counters : none;
}

size_t kz_hits_size(const kz_hits *h) { return h ? h->n : 0; }
uint64_t kz_hits_total(const kz_hits *h) { return h ? h->total : 0; }
const kz_hit *kz_hits_at(const kz_hits *h, size_t i) { return h && i < h->n ? &h->hits[i] : NULL; }

const char *kz_hits_suggestion(const kz_hits *h) {
  return h && h->suggestion ? h->suggestion : "";
}

size_t kz_hits_similar_size(const kz_hits *h, size_t i) {
  return h && i < h->n && h->similar_count ? h->similar_count[i] : 0;
}

const char *kz_hits_similar_at(const kz_hits *h, size_t i, size_t j) {
  if (j >= kz_hits_similar_size(h, i)) return NULL;
  return (const char *)h->similar_strings.data + h->similar_ids[h->similar_first[i] + j];
}

size_t kz_hits_facet_size(const kz_hits *h) { return h ? h->n_facets : 0; }

const kz_facet_count *kz_hits_facet_at(const kz_hits *h, size_t i) {
  return h && i < h->n_facets ? &h->facets[i] : NULL;
}

const kz_explanation *kz_hits_query_explanation(const kz_hits *h) {
  return h ? kz_explain_query_tree(h->explain) : NULL;
}

const kz_explanation *kz_hits_explanation_at(const kz_hits *h, size_t i) {
  return h ? kz_explain_hit_tree(h->explain, i) : NULL;
}

size_t kz_hits_also_matched_size(const kz_hits *h) { return h ? h->n_also_matched : 0; }

const char *kz_hits_also_matched_at(const kz_hits *h, size_t i) {
  return h && i < h->n_also_matched ? h->also_matched[i] : NULL;
}

size_t kz_hits_expansion_size(const kz_hits *h) { return h ? h->n_expansions : 0; }

const kz_expansion *kz_hits_expansion_at(const kz_hits *h, size_t i) {
  return h && i < h->n_expansions ? &h->expansions[i] : NULL;
}

void kz_hits_free(kz_hits *h) {
  if (!h) return;
  kz_explain_free(h->explain);
  free(h->also_matched);
  free(h->facets);
  free(h->expansions);
  kz_buf_free(&h->expansion_strings);
  free(h->facet_labels);
  free(h->suggestion);
  free(h->similar_first);
  free(h->similar_count);
  free(h->similar_ids);
  kz_buf_free(&h->similar_strings);
  free(h->hits);
  kz_buf_free(&h->strings);
  free(h->spans);
  free(h);
}
