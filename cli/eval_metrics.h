/*
 * eval_metrics.h - effectiveness measures of one ranked run against relevance
 * judgments, as ../shared/peers/trec_eval_lite.py computes them (the
 * reference `kzsearch eval` is tested against), and a paired significance
 * test between two runs.
 *
 * Per query: average precision to depth 1000, nDCG@10 with graded gains
 * 2^rel - 1 and a log2(rank + 1) discount, P@10 (always over 10 ranks),
 * recall at 100 and 1000. Documents are taken in the order given (a tie in
 * score keeps the run's order). Only queries with at least one judgment
 * rel > 0 count; the caller averages over them, a query the run has no
 * documents for scoring 0.
 */
#ifndef KZ_CLI_EVAL_METRICS_H
#define KZ_CLI_EVAL_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* One judgment: a document id and its relevance grade (> 0: relevant). */
typedef struct cli_judgment {
  const char *doc;
  int rel;
} cli_judgment;

typedef struct cli_query_metrics {
  double ap, ndcg10, p10, r100, r1000;
} cli_query_metrics;

/* The ranks the measures look at: MAP and recall to 1000. */
#define CLI_EVAL_DEPTH 1000

/*
 * Sorts judgments by document id so that cli_eval_query can look them up;
 * of several judgments of one document the last one given wins (as in
 * trec_eval_lite.py). @return the number kept, in j[0..kept); the replaced
 * ones are moved to j[kept..n).
 */
size_t cli_judgments_sort(cli_judgment *j, size_t n);

/*
 * Measures the ranked document ids `run[0..n_run)` against judgments sorted
 * by cli_judgments_sort. @return 0 with *out filled, or -1 when no judgment
 * is relevant (the query is not measured).
 */
int cli_eval_query(const cli_judgment *j, size_t n_j, const char *const *run, size_t n_run,
                   cli_query_metrics *out);

/*
 * Two-sided paired randomization test of the mean difference between a[i]
 * and b[i]: each of `rounds` permutations swaps every pair with probability
 * 1/2 (a fixed-seed generator, so results repeat), and the p-value is
 * (permutations with |mean difference| >= the observed one, plus 1) /
 * (rounds + 1). @return the p-value (1 when n is 0).
 */
double cli_paired_randomization(const double *a, const double *b, size_t n, unsigned rounds,
                                uint64_t seed);

#endif /* KZ_CLI_EVAL_METRICS_H */
