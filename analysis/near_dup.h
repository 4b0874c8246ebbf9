/*
 * near_dup.h - the text side of near-duplicate detection (README.md,
 * "Syndicated copies"): a 64-bit simhash (Charikar 2002; Manku, Jain and
 * Das Sarma, WWW 2007) over word 3-shingles, and the exact set of word
 * 5-shingles that confirms a pair the fingerprints propose.
 *
 * Both run over the analysed terms of a document's body, or of its title
 * when the body has none: a syndicated copy keeps the story and changes the
 * headline. The fingerprint's terms are folded and stemmed, as the index
 * has them (the indexer computes it as it inverts); the set's are folded
 * only, as it is made at search time, where the stemmer would be most of
 * its cost. The fingerprint
 * covers only the lead, the first KZ_SIMHASH_LEAD_SHINGLES shingles: news
 * is written as an inverted pyramid, and a client of a wire service keeps
 * the lead but trims the story from the bottom, pads it or adds a footer.
 * Over the whole text, such an edit of a tenth of the shingles moves a
 * 64-bit simhash by some 6 bits on average (Charikar: the angle between
 * the texts over pi, times 64), past the 3 bits allowed; over the lead it
 * moves it by none. The 5-shingle check then judges the whole text. A
 * fingerprint's shingle is hashed with XXH64 (seed 0) over the
 * little-endian XXH64 hashes of its terms, so fingerprints written to disk
 * are the same on every host (docs/FORMAT.md, "Simhash"). The 5-shingles
 * of the check are never stored: they combine their terms' XXH64 hashes
 * with a multiply-rotate mix, cheaper than hashing 40 bytes again, as a
 * search confirms its hits' pairs on their whole text (searcher/collapse.c).
 * A text of fewer terms than a shingle has
 * one shingle of all of them; a text without terms has fingerprint 0 and
 * no shingles, and is nobody's duplicate.
 */
#ifndef KZ_NEAR_DUP_H
#define KZ_NEAR_DUP_H

#include <stddef.h>
#include <stdint.h>

#include "analysis/analyzer.h"

/* Words per shingle of the fingerprint and of the confirming text check. */
#define KZ_SIMHASH_SHINGLE 3
#define KZ_CONFIRM_SHINGLE 5
/* The fingerprint's shingles: those of the first 18 terms (bench/RESULTS.md compares 16, 32, 64, all). */
#define KZ_SIMHASH_LEAD_SHINGLES 16
/* Fingerprints at most this many bits apart are candidate near-duplicates. */
#define KZ_NEAR_DUP_BITS 3
/* A candidate pair is confirmed when Jaccard reaches this (or containment the rule's, below). */
#define KZ_NEAR_DUP_MIN_SIMILARITY 0.8
/*
 * When containment counts (bench/RESULTS.md has the curve). A trimmed or
 * padded copy holds nearly all of the shorter text: the shingles it lacks
 * are the few that span a cut (4 per cut). Two reports written on one
 * template (the Fed's daily repurchases, a dividend notice of two firms)
 * share 80-90% of a text of the same size, and are different events; so
 * containment counts from 0.95. In Reuters the pairs this adds to those of
 * J >= 0.8 are versions of one story (a flash and the full story, an
 * update), 48 of 50 checked by eye; a size ratio would drop them and the
 * synthetic copies that lost a paragraph of four alike, so none is asked.
 */
typedef struct kz_near_dup_rule {
  double min_containment; /* of the smaller set in the larger one */
  double min_ratio;       /* of min(|A|,|B|) / max(|A|,|B|) for containment to count */
} kz_near_dup_rule;
#define KZ_NEAR_DUP_MIN_CONTAINMENT 0.95
#define KZ_NEAR_DUP_MIN_SIZE_RATIO 0.0
/* The default rule, and one where Jaccard alone decides (containment never reaches 2). */
#define KZ_NEAR_DUP_RULE_DEFAULT \
  ((kz_near_dup_rule){KZ_NEAR_DUP_MIN_CONTAINMENT, KZ_NEAR_DUP_MIN_SIZE_RATIO})
#define KZ_NEAR_DUP_RULE_JACCARD ((kz_near_dup_rule){2.0, 2.0})

/* Bit planes of the per-bit vote counters (counts up to 2^5 - 1 shingles). */
#define KZ_SIMHASH_PLANES 5

/* A fingerprint being computed, term by term (no allocation). */
typedef struct kz_simhash {
  /* For each of the 64 bits, how many shingles have it set: bit b of
   * ones[k] is bit k of that count. Adding a shingle is a few word
   * operations instead of 64 counter updates (it was 5% of indexing). */
  uint64_t ones[KZ_SIMHASH_PLANES];
  uint64_t shingles; /* voted so far */
  uint64_t window[KZ_SIMHASH_SHINGLE]; /* the last terms' hashes */
  uint64_t terms;
} kz_simhash;

void kz_simhash_begin(kz_simhash *s);
/* Adds the next term (ignored once the lead is complete: see kz_simhash_full). */
void kz_simhash_add(kz_simhash *s, const char *term, size_t len);
/* Whether the lead is complete, so that a caller with many terms can stop calling kz_simhash_add. */
static inline int kz_simhash_full(const kz_simhash *s) {
  return s->terms >= KZ_SIMHASH_LEAD_SHINGLES + KZ_SIMHASH_SHINGLE - 1;
}
/* @return the fingerprint of the terms added (0 for none). */
uint64_t kz_simhash_end(const kz_simhash *s);

/* A document's 5-shingles, sorted and distinct once finished. Owns `hashes`. */
typedef struct kz_shingles {
  uint64_t *hashes;
  size_t n, cap;
  uint64_t window[KZ_CONFIRM_SHINGLE];
  uint64_t terms;
} kz_shingles;
#define KZ_SHINGLES_INIT {NULL, 0, 0, {0}, 0}

void kz_shingles_reset(kz_shingles *s);
/* @return KZ_OK or KZ_ERR_NOMEM. */
int kz_shingles_add(kz_shingles *s, const char *term, size_t len);
/* Sorts and deduplicates. @return KZ_OK or KZ_ERR_NOMEM. */
int kz_shingles_finish(kz_shingles *s);
void kz_shingles_free(kz_shingles *s);

/* Jaccard |A∩B|/|A∪B| and containment |A∩B|/min(|A|,|B|) of two finished sets (0 when empty). */
void kz_shingles_compare(const kz_shingles *a, const kz_shingles *b, double *jaccard,
                         double *containment);
/*
 * Whether two finished sets confirm a near-duplicate: Jaccard >= the
 * minimum similarity, or the rule's containment while their sizes are
 * within its ratio. Sets whose sizes already rule both out are not
 * intersected.
 */
int kz_shingles_confirm(const kz_shingles *a, const kz_shingles *b, const kz_near_dup_rule *rule);

/*
 * Analyses a document (body, or title when the body has no term) with `an`
 * and fills *simhash (may be NULL; stemmed terms) and *shingles (may be
 * NULL; folded terms; reset first, finished after): one pass for each.
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_near_dup_text(kz_analyzer *an, const char *title, size_t title_len, const char *body,
                     size_t body_len, uint64_t *simhash, kz_shingles *shingles);

/* The number of bits in which two fingerprints differ. */
static inline int kz_simhash_distance(uint64_t a, uint64_t b) { return __builtin_popcountll(a ^ b); }

#endif /* KZ_NEAR_DUP_H */
