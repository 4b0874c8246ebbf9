/*
 * snippet.h - picks the passage of a document that best shows why it
 * matched, and the byte ranges of the query terms inside it.
 *
 * The text is analyzed with the same analyzer as the index; a token is
 * highlighted when its term is one of the query's terms. The chosen window
 * (about `max_bytes` long) holds the most distinct query terms, then the most
 * occurrences, earliest first. It starts and ends on token boundaries, and
 * "…" marks text cut at either end. Invalid UTF-8 in the text is replaced by
 * U+FFFD in the snippet so that it is always valid UTF-8.
 */
#ifndef KZ_SNIPPET_H
#define KZ_SNIPPET_H

#include <stddef.h>

#include "analysis/analyzer.h"
#include "common/buf.h"
#include "kzsearch.h"

typedef struct kz_snippet {
  kz_buf text;   /* NUL-terminated snippet (text.len excludes the NUL) */
  kz_span *spans;
  size_t n_spans, cap_spans;
} kz_snippet;

#define KZ_SNIPPET_INIT {KZ_BUF_INIT, NULL, 0, 0}

/*
 * Builds a snippet of text[0..len) for the sorted, distinct query `terms`
 * (analyzed terms, NUL-terminated). With no term found, the snippet is the
 * start of the text. Reuses *out's buffers.
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_snippet_make(kz_snippet *out, kz_analyzer *a, const char *text, size_t len,
                    const char *const *terms, size_t n_terms, size_t max_bytes);
void kz_snippet_free(kz_snippet *s);

#endif /* KZ_SNIPPET_H */
