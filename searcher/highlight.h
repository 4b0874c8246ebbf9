/*
 * highlight.h - which words of a hit to highlight: the occurrences of the
 * query's terms and phrases that made the document match.
 *
 * A highlight query is built once per search from the analyzed plan. Its
 * clauses are the plan's distinct leaves (a term, or a phrase: terms at
 * offsets). For each hit the stored title and body are analyzed as the
 * indexer did (body positions continue after the title's), every clause
 * occurrence is found (a phrase only where all its words stand at their
 * offsets), the plan's boolean structure is evaluated on those occurrences,
 * and a clause is "live" when it occurs and every boolean node above it
 * matches: a clause under NOT, or in a group that did not match, is never
 * highlighted. A phrase occurrence that spans the title and the body counts
 * for matching but is highlighted in neither.
 */
#ifndef KZ_HIGHLIGHT_H
#define KZ_HIGHLIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"
#include "kzsearch.h"
#include "searcher/plan.h"

typedef struct kz_hl_query kz_hl_query;

/* One occurrence of a live clause in a field, [start, end) in its bytes. */
typedef struct kz_hl_match {
  size_t start, end;
  uint32_t clause;
} kz_hl_match;

/* One analyzed field: its tokens' byte ranges and its live matches. */
typedef struct kz_hl_field {
  kz_span *tokens;      /* in text order, non-overlapping */
  size_t n_tokens, cap_tokens;
  kz_hl_match *matches; /* sorted by start; may overlap ("crude oil" and "oil") */
  size_t n_matches, cap_matches;
} kz_hl_field;

enum { KZ_HL_TITLE, KZ_HL_BODY, KZ_HL_FIELDS };

/* Scratch space and results for one document; reused between documents. */
typedef struct kz_hl_doc {
  kz_hl_field field[KZ_HL_FIELDS];
  uint32_t *pos;  /* per token of all fields: its document position */
  uint32_t *term; /* its query term number, or UINT32_MAX */
  size_t cap_pos, cap_term;
  uint8_t *occurs, *live; /* per clause */
  size_t cap_occurs, cap_live;
} kz_hl_doc;

#define KZ_HL_DOC_INIT {{{NULL, 0, 0, NULL, 0, 0}, {NULL, 0, 0, NULL, 0, 0}}, NULL, NULL, 0, 0, NULL, NULL, 0, 0}

/*
 * Builds the highlight query of `plan` (which need not be resolved and may be
 * freed afterwards).
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_hl_query_build(kz_hl_query **out, const kz_plan *plan);
void kz_hl_query_free(kz_hl_query *q);

/* Number of distinct clauses: matches' clause numbers are below it. */
size_t kz_hl_query_clauses(const kz_hl_query *q);

/*
 * Analyzes a document's title and body (either may be empty) with `a`, the
 * index's analyzer, and fills d->field[] with their tokens and the matches
 * of the live clauses.
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_hl_doc_analyze(kz_hl_doc *d, const kz_hl_query *q, kz_analyzer *a, const char *title,
                      size_t title_len, const char *body, size_t body_len);
void kz_hl_doc_free(kz_hl_doc *d);

/*
 * The end of the run of overlapping matches that starts at m[i]: returns the
 * index past the run's last match and sets *end to the run's end byte. A run
 * is what is highlighted as one span.
 */
size_t kz_hl_run(const kz_hl_match *m, size_t n, size_t i, size_t *end);

#endif /* KZ_HIGHLIGHT_H */
