/*
 * inverter.h - the in-memory inverted index of the documents not yet written
 * to a segment.
 *
 * Each distinct term (a field byte followed by the analyzed term) owns two
 * growing byte streams: its postings as varint (doc gap, freq) pairs and its
 * positions as varint deltas per document, already in the on-disk positions
 * encoding (docs/FORMAT.md, "Positions"). memory() is the exact number of
 * bytes the inverter holds, so the writer can flush at its budget.
 */
#ifndef KZ_INVERTER_H
#define KZ_INVERTER_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "format/manifest.h"
#include "format/segment_writer.h"
#include "kzsearch.h"

typedef struct kz_term_acc {
  uint32_t doc;      /* document being added, or UINT32_MAX */
  uint32_t freq;     /* occurrences in `doc` so far */
  uint32_t last_pos; /* last position in `doc` */
  uint32_t df;       /* documents written to `docs` */
  int64_t prev_doc;  /* last document written to `docs` (-1 at first) */
  uint64_t cf;       /* total occurrences */
  kz_buf docs;       /* varint (doc - prev_doc - 1), varint (freq - 1) */
  kz_buf pos;        /* per doc: varint first position, then varint deltas */
  uint32_t key_len;
  uint8_t mark;      /* the caller's, 0 at first (fits the padding: sizeof is unchanged) */
  char key[];        /* field byte + term bytes */
} kz_term_acc;

typedef struct kz_inverter kz_inverter;

int kz_inverter_new(kz_inverter **out);
void kz_inverter_free(kz_inverter *inv);

/* Starts document `doc` (numbers increase by one from 0 within a segment). */
void kz_inverter_begin_doc(kz_inverter *inv, uint32_t doc);
/* Records that `key` (field byte + term) occurs at `position` of the current document. */
int kz_inverter_add(kz_inverter *inv, const char *key, size_t key_len, uint32_t position);
/*
 * The term of the last add (NULL before any), borrowed until the next reset; its
 * `mark` lets a caller do something once per term and segment.
 */
kz_term_acc *kz_inverter_last(const kz_inverter *inv);
/* Finishes the current document: writes each of its terms' (doc, freq). */
int kz_inverter_end_doc(kz_inverter *inv);

/* Bytes held, for the memory budget. */
size_t kz_inverter_memory(const kz_inverter *inv);
size_t kz_inverter_terms(const kz_inverter *inv);

/*
 * Sorts the terms by key (bytewise) and returns them, borrowed: valid until
 * the next add or reset.
 */
int kz_inverter_sorted(kz_inverter *inv, kz_term_acc ***terms, size_t *n_terms);

/* Forgets everything, keeping the table's allocation for the next segment. */
void kz_inverter_reset(kz_inverter *inv);

/*
 * Writes the sorted terms as segment `segment_id` of `dir` through the
 * segment writer (format/segment_writer.h): open, every term, finish.
 */
int kz_segment_write(const char *dir, uint32_t segment_id, kz_inverter *inv,
                     const kz_doc_columns *cols, kz_segment_info *info, kz_error *err);

#endif /* KZ_INVERTER_H */
