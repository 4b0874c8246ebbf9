/*
 * check_simhash.h - the full check of a segment's simhash column: every
 * document's fingerprint is computed again from its stored text and
 * compared with the stored one (searcher/check.c reports the result).
 */
#ifndef KZ_CHECK_SIMHASH_H
#define KZ_CHECK_SIMHASH_H

#include <stdint.h>

#include "analysis/analyzer.h"
#include "format/docstore_reader.h"
#include "format/segment_reader.h"

/*
 * Recomputes the fingerprints of seg's documents (seg->has_simhashes) with
 * `an`, the index's analyzer, using `doc` as scratch. *n_bad gets the
 * number of documents whose stored fingerprint differs or whose text does
 * not decode, *first_bad the first of them.
 * @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_check_simhashes(const kz_segment *seg, kz_analyzer *an, kz_stored_doc *doc,
                       uint32_t *first_bad, uint32_t *n_bad);

#endif /* KZ_CHECK_SIMHASH_H */
