/*
 * hits.c - building a kz_hits from ranked matches (searcher/hits.h) and the
 * public accessors that read it. Strings are appended to one buffer per
 * kind and their offsets turned into pointers once the buffer stops moving,
 * so a page costs a handful of allocations, whatever its size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "common/error.h"
#include "format/docstore_reader.h"
#include "searcher/highlight.h"
#include "searcher/hits.h"
#include "searcher/snippet.h"

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
int kz_hits_fill(kz_hits *h, kz_index *idx, const kz_scored *ranked, size_t n,
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
int kz_hits_add_facets(kz_hits *h, const kz_tally *tally, const kz_search_options *o,
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

/* Copies the query's expansions into the hits, which may outlive the index. */
int kz_hits_copy_expansions(kz_hits *h, const kz_expansions *e) {
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

/* Copies the ids of the documents folded into each hit of the page into h. */
int kz_hits_add_similar(kz_hits *h, kz_index *idx, const kz_collapsed *c, size_t first) {
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
