/*
 * query_suffix.h - the suffixes that turn a query word into an expanded
 * term: "peace*" (a prefix) and "tokaev~1", "tokaev~2", "tokaev~" (fuzzy).
 * The lexer (query_parse.c) hands every word to kz_query_word_suffix, which
 * says what kind of word it is or why it is malformed.
 */
#ifndef KZ_QUERY_SUFFIX_H
#define KZ_QUERY_SUFFIX_H

#include <stddef.h>

#include "kzsearch.h"
#include "searcher/query_parse.h"

/* Edits a bare '~' allows for a word of `letters` letters: 0 up to 2, 1 up to 5, then 2. */
int kz_fuzzy_auto_edits(size_t letters);

/*
 * Reads word[0..len), which starts at byte `pos` of the query.
 * *kind: KZ_Q_WORD (no suffix), KZ_Q_PREFIX or KZ_Q_FUZZY; *text_len: the
 * bytes before the suffix; *max_edits: the fuzzy distance (-1: automatic).
 * @return KZ_OK; KZ_ERR_QUERY with the position of the offending byte for
 *         "*ace", "pe*ce", "a*", "~9", "~-1", "a~b".
 */
int kz_query_word_suffix(const char *word, size_t len, size_t pos, kz_qkind *kind,
                         size_t *text_len, int *max_edits, kz_error *err);

#endif /* KZ_QUERY_SUFFIX_H */
