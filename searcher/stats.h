/*
 * stats.h - the statistics seam: what BM25 takes from the collection as a
 * whole, apart from the postings a search walks: the number of documents
 * N, their total length (hence the average length and the norms), and
 * each term's document frequency (hence its idf).
 *
 * Looking a query's terms up (kz_plan_lookup: each segment's dictionary
 * entry, which the evaluators walk) is kept apart from weighing them
 * (kz_plan_weigh: frequencies and idf from a kz_collection_stats), so the
 * statistics can come from outside the opened index. By default they are
 * the index's own (kz_collection_stats_of); a sharded search supplies the
 * whole collection's instead, and every shard then scores each document
 * as the unsplit collection would.
 */
#ifndef KZ_STATS_H
#define KZ_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct kz_term_stats {
  uint64_t df; /* documents containing the term */
  uint64_t cf; /* its occurrences */
} kz_term_stats;

typedef struct kz_collection_stats kz_collection_stats;
struct kz_collection_stats {
  uint64_t n_docs;       /* documents, deleted ones included (as segments count them) */
  uint64_t total_length; /* their tokens in the text field (title and body) */
  uint64_t title_docs;   /* documents with a title: the title field's N */
  uint64_t title_length; /* their title tokens */
  /*
   * The collection's statistics of an analyzed key (field byte + term),
   * or NULL for the opened index's own: the sums of the dictionary
   * entries kz_plan_lookup found in its segments.
   * @return KZ_OK or a negative kz_status.
   */
  int (*term)(const kz_collection_stats *stats, const char *key, size_t key_len,
              kz_term_stats *out);
  void *ctx; /* the provider's, for term() */
};

/* Average document length, 1 for an empty collection (BM25's avgdl). */
double kz_stats_avgdl(const kz_collection_stats *s);

/* Average title length over the documents with a title, 1 when none has one. */
double kz_stats_title_avgdl(const kz_collection_stats *s);

/*
 * A term's idf for BM25: ln(1 + (N - df + 0.5) / (df + 0.5)), N being the
 * documents of the term's field (title_docs for a title term, else n_docs).
 */
double kz_stats_idf(const kz_collection_stats *s, int title_field, uint64_t df);

#endif /* KZ_STATS_H */
