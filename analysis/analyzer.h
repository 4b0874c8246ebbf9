/*
 * analyzer.h - the one analysis pipeline shared by indexing and querying:
 * UTF-8 decoding (invalid bytes are skipped, never trusted), Unicode-aware
 * tokenization, Unicode case folding and accent stripping (utf8proc), and
 * Snowball stemming (libstemmer) with a per-analyzer stem cache.
 *
 * Tokenization rules (docs/FORMAT.md, "Analysis"; modelled on UAX #29 as
 * Lucene's StandardTokenizer applies it; docs/ANALYSIS.md compares them with
 * Unicode's WordBreakTest.txt and explains each difference):
 *   - a token is a run of letters, digits, combining marks and connector
 *     punctuation (underscore);
 *   - an apostrophe (' U+2019 U+02BC) or a period between two letters/digits,
 *     and a comma between two digits, stays inside the token
 *     ("o'neill", "u.s", "3.5", "1,000", "90's"); apostrophes are stored as ';
 *     marks and format characters right after such a character belong to it
 *     and are left out of the term;
 *   - anything else separates tokens, so "Nur-Sultan" gives "nur" and "sultan"
 *     at consecutive positions;
 *   - each Han ideograph, Hiragana or other CJK character is a token of its own;
 *   - tokens longer than KZ_MAX_TOKEN_BYTES after folding are skipped without
 *     taking a position.
 * Details of the above:
 *   - a token needs a letter or digit ("___" alone is none); combining marks
 *     and format characters (soft hyphen, ZWJ) continue a token but never
 *     start one; U+200B ZERO WIDTH SPACE separates; invalid UTF-8 and NUL
 *     bytes separate;
 *   - the CJK tokens are Han (U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF,
 *     U+20000-2FFFF), Hiragana, Katakana (with the kana repeat marks
 *     U+3031-3035 and U+31F0-31FF) and Hangul syllables, each with the
 *     combining marks that follow it; they are not stemmed;
 *   - folding is Unicode case folding, NFC, removal of default-ignorable code
 *     points, fullwidth ASCII to ASCII, and accent stripping: marks are
 *     removed from Latin, Greek, Cyrillic, Hebrew and Arabic letters but kept
 *     where they are part of the spelling (Indic vowel signs, kana voicing);
 *   - a token longer than 8 * KZ_MAX_TOKEN_BYTES bytes before folding is
 *     skipped without being folded;
 *   - a stem longer than KZ_MAX_TOKEN_BYTES is replaced by the unstemmed term,
 *     so every term is 1..KZ_MAX_TOKEN_BYTES bytes of UTF-8 without NUL.
 * Terms are then stemmed; English stemming turns "kazakhstan's" into
 * "kazakhstan" (Porter2 removes the possessive).
 *
 * An analyzer is not thread-safe; create one per thread.
 */
#ifndef KZ_ANALYZER_H
#define KZ_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

typedef struct kz_analyzer kz_analyzer;

typedef struct kz_token {
  const char *term;  /* folded (and stemmed) term, NUL-terminated; valid until the next call */
  size_t term_len;
  uint32_t position; /* token number from 0 in the current text */
  size_t start, end; /* byte range of the token in the input text */
} kz_token;

/*
 * Creates an analyzer for a Snowball language ("english", "french", ...,
 * or an ISO 639 code such as "en"; NULL means "english"; "none" disables
 * stemming).
 * @return KZ_OK, KZ_ERR_INVALID for an unknown language, KZ_ERR_NOMEM.
 */
int kz_analyzer_new(kz_analyzer **out, const char *language);

/*
 * As kz_analyzer_new with a stem cache of at most `cache_entries` terms
 * (0: none). Short-lived analyzers (one query) skip the cache, whose table
 * would cost more to allocate than it saves.
 */
int kz_analyzer_new_cached(kz_analyzer **out, const char *language, size_t cache_entries);
void kz_analyzer_free(kz_analyzer *a);

/* Starts analyzing text[0..len); the text must outlive the iteration. */
void kz_analyzer_reset(kz_analyzer *a, const char *text, size_t len);

/*
 * Produces the next token.
 * @return 1 with *tok filled, 0 at the end of the text, KZ_ERR_NOMEM.
 */
int kz_analyzer_next(kz_analyzer *a, kz_token *tok);

/* As kz_analyzer_next without stemming (terms are folded only). */
int kz_analyzer_next_unstemmed(kz_analyzer *a, kz_token *tok);

#endif /* KZ_ANALYZER_H */
