/*
 * stemmer.h - a Snowball stemmer (libstemmer, UTF-8) with a bounded stem cache.
 * The only wrapper around libstemmer.
 *
 * Stemming every token dominates indexing time, while a text repeats a few
 * thousand words over and over; so each kz_stemmer keeps an open-addressing
 * hash map from term to stem. The map is bounded: when it would pass its entry
 * or byte budget it is emptied and refills with the words still in use.
 * A cached stem is always byte-for-byte what libstemmer returns (tested).
 *
 * A kz_stemmer owns its libstemmer instance and its cache; not thread-safe.
 */
#ifndef KZ_STEMMER_H
#define KZ_STEMMER_H

#include <stddef.h>

typedef struct kz_stemmer kz_stemmer;

/* The cache size the analyzer uses. */
#define KZ_STEM_CACHE_ENTRIES 65536u

/*
 * Creates a stemmer for a Snowball algorithm name or ISO 639 code ("english",
 * "en", "french", "porter", ...). max_cache_entries = 0 disables the cache.
 * @return KZ_OK; KZ_ERR_INVALID for an unknown language; KZ_ERR_NOMEM.
 */
int kz_stemmer_new(kz_stemmer **out, const char *language, size_t max_cache_entries);
void kz_stemmer_free(kz_stemmer *s);

/*
 * Writes the Snowball algorithm names libstemmer knows into buf ("arabic,
 * armenian, ..."), NUL-terminated; a list that does not fit in `cap` ends
 * at the last name that does. For messages about an unknown language.
 */
void kz_stemmer_languages(char *buf, size_t cap);

/*
 * Stems term[0..n) (a folded term: valid UTF-8, no NUL; not a pointer this
 * stemmer returned, which the call may overwrite). *out is
 * NUL-terminated and valid until the next call on `s`. When libstemmer's
 * answer is empty or not valid UTF-8 without NUL, the term itself is returned.
 * @return KZ_OK; KZ_ERR_NOMEM.
 */
int kz_stemmer_stem(kz_stemmer *s, const char *term, size_t n, const char **out, size_t *out_len);

#endif /* KZ_STEMMER_H */
