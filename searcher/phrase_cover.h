/*
 * phrase_cover.h - reading an exact phrase of field 0 through the pairs of
 * common words a segment indexes (field 2, format/pairs_file.h) instead of
 * through its words where it can.
 *
 * At lookup, for each adjacent pair of the phrase's terms, each segment
 * that indexes pairs of both words gets the pair term's dictionary entry.
 * At evaluation the phrase is "covered" per segment: a pair at offset i
 * stands for terms i and i+1 (its positions are term i's where term i+1
 * follows), and terms no pair covers stand for themselves. Intersecting
 * the cover's positions finds exactly the phrase's occurrences, so the
 * phrase's frequency, and with the idf of its words its score, are those
 * of the words; a two-word phrase covered by one pair needs no positions
 * at all (its frequency is the pair's). Sloppy phrases, NEAR, title:
 * phrases, highlighting and explanations read the words.
 */
#ifndef KZ_PHRASE_COVER_H
#define KZ_PHRASE_COVER_H

#include <stddef.h>
#include <stdint.h>

#include "format/segment_reader.h"

struct kz_plan;

/* The pair terms of one phrase, looked up in every segment. */
typedef struct kz_phrase_pairs {
  size_t n;            /* the phrase's terms less one: pair i joins terms i and i+1 */
  size_t n_segs;
  kz_term_info *info;  /* [s * n + i]: pair i in segment s (df 0: in no document there) */
  uint8_t *indexed;    /* [s * n + i]: 1 when segment s indexes pair i, so info is its truth */
} kz_phrase_pairs;

/*
 * Looks up the pairs of an exact phrase of field 0 (p->pairs; left NULL
 * for any other leaf, or when no segment indexes any of its pairs).
 * @return KZ_OK, KZ_ERR_CORRUPT, KZ_ERR_NOMEM.
 */
int kz_phrase_pairs_lookup(struct kz_plan *p, const kz_segment *segs, size_t n_segs);

void kz_phrase_pairs_free(kz_phrase_pairs *pp); /* accepts NULL */

/* One postings list of a cover and the offset in the phrase its positions stand at. */
typedef struct kz_cover_item {
  const kz_term_info *info;
  uint32_t offset;
} kz_cover_item;

/*
 * The cover of phrase p in segment `seg` into items[0..*n) (room for
 * p->n_terms): the segment's indexed pairs that are needed, then the terms
 * no pair covers. Without pairs there it is the phrase's terms.
 */
void kz_phrase_cover(const struct kz_plan *p, size_t seg, kz_cover_item *items, size_t *n);

#endif /* KZ_PHRASE_COVER_H */
