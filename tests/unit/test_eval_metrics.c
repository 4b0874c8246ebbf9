/*
 * test_eval_metrics.c - the measures of `kzsearch eval` (cli/eval_metrics.c)
 * against figures worked out by hand on a tiny collection: graded
 * relevance, a query with no relevant document retrieved, a query without
 * relevant judgments, ties taken in run order, repeated judgments; and the
 * paired randomization test's p-values at its extremes.
 */
#include <math.h>

#include "cli/eval_metrics.h"
#include "kz_test.h"

#define NEAR(a, b) (fabs((a) - (b)) < 1e-12)

/* Judgments d1:2 d2:1 d3:0 d4:1 (three relevant); run d3 d1 d5 d2 (d4 missed). */
static void test_eval__graded_query_by_hand(void) {
  cli_judgment j[] = {{"d4", 1}, {"d2", 1}, {"d3", 0}, {"d1", 2}};
  size_t n = cli_judgments_sort(j, 4);
  const char *run[] = {"d3", "d1", "d5", "d2"};
  cli_query_metrics m;
  CHECK_EQ_INT(n, 4);
  CHECK_EQ_INT(cli_eval_query(j, n, run, 4, &m), 0);
  /* Relevant at ranks 2 and 4: (1/2 + 2/4) / 3. */
  CHECK(NEAR(m.ap, 1.0 / 3.0));
  /* Gains 2^2-1 = 3 at rank 2 and 1 at rank 4; ideal order 2, 1, 1. */
  double dcg = 3.0 / log2(3.0) + 1.0 / log2(5.0);
  double idcg = 3.0 + 1.0 / log2(3.0) + 1.0 / log2(4.0);
  CHECK(NEAR(m.ndcg10, dcg / idcg));
  CHECK(NEAR(m.p10, 0.2)); /* over 10 ranks although only 4 were returned */
  CHECK(NEAR(m.r100, 2.0 / 3.0));
  CHECK(NEAR(m.r1000, 2.0 / 3.0));
}

static void test_eval__nothing_relevant_retrieved_scores_zero(void) {
  cli_judgment j[] = {{"d1", 1}, {"d9", 0}};
  size_t n = cli_judgments_sort(j, 2);
  const char *run[] = {"d2", "d9", "d3"};
  cli_query_metrics m;
  CHECK_EQ_INT(cli_eval_query(j, n, run, 3, &m), 0);
  CHECK(m.ap == 0 && m.ndcg10 == 0 && m.p10 == 0 && m.r100 == 0 && m.r1000 == 0);
  CHECK_EQ_INT(cli_eval_query(j, n, NULL, 0, &m), 0); /* a query the run lacks */
  CHECK(m.ap == 0 && m.ndcg10 == 0);
}

static void test_eval__query_without_relevant_judgment_is_not_measured(void) {
  cli_judgment j[] = {{"d1", 0}, {"d2", -1}};
  size_t n = cli_judgments_sort(j, 2);
  const char *run[] = {"d1"};
  cli_query_metrics m;
  CHECK_EQ_INT(cli_eval_query(j, n, run, 1, &m), -1);
}

/* Two documents tied in score: the run's order decides, as trec_eval_lite.py takes it. */
static void test_eval__ties_keep_run_order(void) {
  cli_judgment j[] = {{"a", 1}, {"b", 0}};
  size_t n = cli_judgments_sort(j, 2);
  const char *first[] = {"a", "b"}, *second[] = {"b", "a"};
  cli_query_metrics m1, m2;
  CHECK_EQ_INT(cli_eval_query(j, n, first, 2, &m1), 0);
  CHECK_EQ_INT(cli_eval_query(j, n, second, 2, &m2), 0);
  CHECK(NEAR(m1.ap, 1.0) && NEAR(m1.ndcg10, 1.0));
  CHECK(NEAR(m2.ap, 0.5) && NEAR(m2.ndcg10, 1.0 / log2(3.0)));
  CHECK(NEAR(m1.p10, m2.p10));
}

static void test_eval__later_judgment_of_a_document_wins(void) {
  cli_judgment j[] = {{"d1", 1}, {"d2", 3}, {"d1", 0}, {"d2", 1}};
  size_t n = cli_judgments_sort(j, 4);
  CHECK_EQ_INT(n, 2);
  CHECK_EQ_STR(j[0].doc, "d1");
  CHECK_EQ_INT(j[0].rel, 0);
  CHECK_EQ_STR(j[1].doc, "d2");
  CHECK_EQ_INT(j[1].rel, 1);
  CHECK(j[2].doc && j[3].doc); /* the replaced ones are kept for their owner */
}

/* Only the first 1000 ranks count; the ideal DCG takes the 10 best grades. */
static void test_eval__depth_and_ideal_cut(void) {
  static char names[1200][8];
  const char *run[1200];
  cli_judgment j[12];
  for (int i = 0; i < 1200; i++) {
    snprintf(names[i], sizeof names[i], "x%04d", i);
    run[i] = names[i];
  }
  for (int i = 0; i < 11; i++) j[i] = (cli_judgment){names[i], 1};
  j[11] = (cli_judgment){names[1100], 1}; /* relevant, but past rank 1000 */
  size_t n = cli_judgments_sort(j, 12);
  cli_query_metrics m;
  CHECK_EQ_INT(cli_eval_query(j, n, run, 1200, &m), 0);
  CHECK(NEAR(m.ndcg10, 1.0));
  CHECK(NEAR(m.p10, 1.0));
  CHECK(NEAR(m.r1000, 11.0 / 12.0));
  CHECK(NEAR(m.ap, 11.0 / 12.0));
}

static void test_eval__randomization_extremes(void) {
  double a[20], b[20];
  for (int i = 0; i < 20; i++) a[i] = 1.0, b[i] = 0.0;
  double p = cli_paired_randomization(a, b, 20, 10000, 7);
  /* Only the identity and the full swap reach |20|: 2 in 2^20 permutations. */
  CHECK(p < 0.001);
  CHECK(NEAR(p, cli_paired_randomization(b, a, 20, 10000, 7)));
  CHECK(NEAR(cli_paired_randomization(a, a, 20, 10000, 7), 1.0));
  CHECK(NEAR(cli_paired_randomization(a, b, 0, 10000, 7), 1.0));
  /* One query of twenty differs: every permutation reaches the observed |1|. */
  for (int i = 0; i < 20; i++) b[i] = 1.0;
  b[3] = 0.0;
  p = cli_paired_randomization(a, b, 20, 10000, 7);
  CHECK(NEAR(p, 1.0));
}

KZ_TEST_MAIN(KZ_TEST(test_eval__graded_query_by_hand),
             KZ_TEST(test_eval__nothing_relevant_retrieved_scores_zero),
             KZ_TEST(test_eval__query_without_relevant_judgment_is_not_measured),
             KZ_TEST(test_eval__ties_keep_run_order),
             KZ_TEST(test_eval__later_judgment_of_a_document_wins),
             KZ_TEST(test_eval__depth_and_ideal_cut),
             KZ_TEST(test_eval__randomization_extremes))
