/*
 * snippet.h - picks the passage of a document that best shows why it
 * matched, and the byte ranges of the query terms inside it.
 *
 * The text's tokens and the matches to highlight come from highlight.h. The
 * chosen window (about `max_bytes` long) holds the most distinct clauses
 * (terms and phrases), then the most occurrences, earliest first: a phrase
 * counts only where it occurs as a phrase. It starts and ends on token boundaries, and
 * "…" marks text cut at either end. Invalid UTF-8 in the text is replaced by
 * U+FFFD in the snippet so that it is always valid UTF-8.
 */
#ifndef KZ_SNIPPET_H
#define KZ_SNIPPET_H

#include <stddef.h>

#include "analysis/analyzer.h"
#include "common/buf.h"
#include "kzsearch.h"
#include "searcher/highlight.h"

typedef struct kz_snippet {
  kz_buf text;   /* NUL-terminated snippet (text.len excludes the NUL) */
  kz_span *spans; /* highlighted ranges of text, sorted and disjoint */
  size_t n_spans, cap_spans;
  size_t *scratch; /* window choice */
  size_t cap_scratch;
} kz_snippet;

#define KZ_SNIPPET_INIT {KZ_BUF_INIT, NULL, 0, 0, NULL, 0}

/*
 * Builds a snippet of text[0..len), analyzed into `f` (its tokens and
 * matches, whose clause numbers are below n_clauses). With no match, the
 * snippet is the start of the text. Reuses *out's buffers.
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_snippet_make(kz_snippet *out, const char *text, size_t len, const kz_hl_field *f,
                    size_t n_clauses, size_t max_bytes);
void kz_snippet_free(kz_snippet *s);

#endif /* KZ_SNIPPET_H */
