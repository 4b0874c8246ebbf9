/*
 * suggest.h - "did you mean": for a query that matched little, a spelling
 * of its words that the index holds much more often (see suggest.c).
 */
#ifndef KZ_SUGGEST_H
#define KZ_SUGGEST_H

#include <stddef.h>

#include "analysis/analyzer.h"
#include "format/segment_reader.h"
#include "searcher/query_parse.h"

/*
 * How much more frequent a spelling must be than the word it replaces (any
 * frequency beats a word the index lacks), and how many times more its
 * query must match than the original (any match beats none).
 */
#define KZ_SUGGEST_FACTOR 10u

/*
 * The query text with each plain word (not excluded, not a phrase, prefix
 * or fuzzy word) whose stem has a spelling within the automatic fuzzy
 * distance at least KZ_SUGGEST_FACTOR times as frequent replaced by the
 * most frequent such spelling. *out: that text (malloc'ed, the caller
 * frees it), or NULL when no word has one.
 * @return KZ_OK, KZ_ERR_NOMEM, KZ_ERR_CORRUPT.
 */
int kz_suggest(char **out, const char *text, const kz_qnode *tree, kz_analyzer *an,
               const kz_segment *segs, size_t n_segs);

#endif /* KZ_SUGGEST_H */
