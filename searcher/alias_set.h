/*
 * alias_set.h - the index's alias table: every segment's table (format/
 * alias_table.h) summed into one, sorted by short form then long form, with
 * the long form each acronym is expanded to at query time.
 *
 * The rule (README.md, "Acronyms"): a long form is expanded when at least
 * KZ_ALIAS_MIN_DOCS documents define the acronym with it and they make at
 * least KZ_ALIAS_MIN_SHARE of the acronym's definitions (documents per pair
 * summed over its long forms); an acronym has one such long form at most,
 * and an ambiguous one (ADB: Asian / African Development Bank) has none.
 * Short forms with fewer than KZ_ALIAS_MIN_CAPITALS capitals (Ecus, bpd, a
 * one-letter P) are never expanded: see acronym_expand.c for why. Nor are
 * one-word long forms: a word that merely holds the letters (CTs:
 * "certificates") is the finder's commonest mistake in news text, and a
 * real one (MTX: "methotrexate") is a synonym rather than an expansion.
 * Counts include documents deleted since their segment was written, until
 * a merge drops them. Built once when the index opens; read-only after.
 */
#ifndef KZ_ALIAS_SET_H
#define KZ_ALIAS_SET_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "format/segment_reader.h"
#include "kzsearch.h"

#define KZ_ALIAS_MIN_DOCS 2u
#define KZ_ALIAS_MIN_SHARE 0.8
#define KZ_ALIAS_MIN_CAPITALS 2

typedef struct kz_alias_set {
  kz_alias *entries; /* sorted by (short_form, long_form), bytewise */
  size_t n;
  size_t *by_long;   /* the expanded entries, sorted by long_form */
  size_t n_long;
  kz_buf strings;    /* the entries' strings, NUL-terminated */
} kz_alias_set;

/* @return KZ_OK, KZ_ERR_CORRUPT (err names the segment's file), KZ_ERR_NOMEM. */
int kz_alias_set_build(kz_alias_set *s, const char *dir, const kz_segment *segs, size_t n_segs,
                       kz_error *err);
/* The expanded entry of this short form (exact bytes), or NULL. */
const kz_alias *kz_alias_set_by_short(const kz_alias_set *s, const char *short_form, size_t len);
/* The expanded entry with this long form (folded as the table stores it), or NULL. */
const kz_alias *kz_alias_set_by_long(const kz_alias_set *s, const char *long_form, size_t len);
void kz_alias_set_free(kz_alias_set *s);

#endif /* KZ_ALIAS_SET_H */
