/*
 * cmd_eval.c - `kzsearch eval -i DIR --queries Q.jsonl --qrels QRELS [-k N]
 * [--json] [--per-query] [--compare OPTIONS] [--run FILE]`.
 *
 * Runs every judged query of Q.jsonl (as plain words, see
 * cli_eval_plain_words) with kz_search and prints MAP, nDCG@10, P@10,
 * R@100 and R@1000 averaged over the queries with at least one relevant
 * judgment, as ../shared/peers/trec_eval_lite.py computes them from the same
 * run (a judged query missing from Q.jsonl scores 0 there and here). With
 * --compare, a second configuration runs on the same queries and each
 * measure gets the p-value of a paired randomization test. Owns the loaded
 * inputs and the per-query figures; results go to stdout, problems to stderr.
 */
#include "cmd_eval.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_input.h"
#include "eval_metrics.h"
#include "index_path.h"
#include "json_out.h"
#include "kzsearch.h"
#include "options.h"
#include "report.h"
#include "search_opts.h"

enum { OPT_INDEX = 1, OPT_QUERIES, OPT_QRELS, OPT_K, OPT_JSON, OPT_PER_QUERY, OPT_COMPARE,
       OPT_RUN, OPT_HELP };

static const cli_option options[] = {
    {"index", 'i', 1, OPT_INDEX},       {"queries", 0, 1, OPT_QUERIES},
    {"qrels", 0, 1, OPT_QRELS},         {"k", 'k', 1, OPT_K},
    {"json", 0, 0, OPT_JSON},           {"per-query", 0, 0, OPT_PER_QUERY},
    {"compare", 0, 1, OPT_COMPARE},     {"run", 0, 1, OPT_RUN},
    {"help", 'h', 0, OPT_HELP},
};

/* The randomization test's permutations and seed: fixed, so a p-value repeats. */
#define EVAL_PERMUTATIONS 10000u
#define EVAL_SEED 20261205u
#define N_MEASURES 5

static const char *const measure_names[N_MEASURES] = {"MAP", "nDCG@10", "P@10", "R@100", "R@1000"};

typedef struct eval_args {
  const char *index_opt, *queries, *qrels, *compare, *run_path;
  size_t k;
  int json, per_query;
} eval_args;

/* One configuration's figures: m[i] for the i-th judged query. */
typedef struct eval_config {
  const char *name;
  kz_search_options opts;
  cli_query_metrics *m;
} eval_config;

/* A judged query: its text (NULL when Q.jsonl lacks it) and judgments. */
typedef struct judged {
  const char *id, *text;
  const cli_qrel_set *qrels;
} judged;

static double measure(const cli_query_metrics *m, int i) {
  const double v[N_MEASURES] = {m->ap, m->ndcg10, m->p10, m->r100, m->r1000};
  return v[i];
}

static int parse_args(eval_args *a, int argc, char **argv) {
  cli_parser parser;
  const char *value;
  int id;
  uint64_t n;
  cli_parser_init(&parser, argc, argv, options, sizeof options / sizeof options[0]);
  while ((id = cli_parser_next(&parser, &value)) != CLI_OPT_END) {
    switch (id) {
      case OPT_INDEX: a->index_opt = value; break;
      case OPT_QUERIES: a->queries = value; break;
      case OPT_QRELS: a->qrels = value; break;
      case OPT_K:
        if (cli_parse_u64(value, "-k", 1, 100000, &n) != 0) return CLI_EXIT_USAGE;
        a->k = (size_t)n;
        break;
      case OPT_JSON: a->json = 1; break;
      case OPT_PER_QUERY: a->per_query = 1; break;
      case OPT_COMPARE: a->compare = value; break;
      case OPT_RUN: a->run_path = value; break;
      case OPT_HELP: return CLI_EXIT_HELP;
      case CLI_OPT_OPERAND: cli_error("unexpected argument '%s'", value); return CLI_EXIT_USAGE;
      default: return CLI_EXIT_USAGE;
    }
  }
  if (!a->queries || !a->qrels) {
    cli_error("eval needs --queries FILE and --qrels FILE");
    return CLI_EXIT_USAGE;
  }
  return CLI_EXIT_OK;
}

/* Runs one query and measures it; writes the run in TREC format to `run` when given. */
static int run_query(kz_index *index, const eval_config *c, const judged *q, FILE *run,
                     cli_query_metrics *out) {
  const char **ids = NULL;
  kz_hits *hits = NULL;
  size_t n = 0;
  if (q->text) {
    kz_error err;
    char *plain = cli_eval_plain_words(q->text);
    if (!plain) {
      cli_error("out of memory");
      return -1;
    }
    memset(&err, 0, sizeof err);
    int rc = kz_search(&hits, index, plain, &c->opts, &err);
    free(plain);
    /* A query without a single word (all punctuation) matches nothing, as in the peers. */
    if (rc != KZ_OK && rc != KZ_ERR_QUERY) {
      cli_error_kz(q->id, rc, &err);
      return -1;
    }
    n = kz_hits_size(hits);
    ids = calloc(n ? n : 1, sizeof *ids);
    if (!ids) {
      kz_hits_free(hits);
      cli_error("out of memory");
      return -1;
    }
    for (size_t i = 0; i < n; i++) {
      const kz_hit *h = kz_hits_at(hits, i);
      ids[i] = h && h->id ? h->id : "";
      if (run) fprintf(run, "%s Q0 %s %zu %.6f kzsearch\n", q->id, ids[i], i + 1, h ? h->score : 0);
    }
  }
  cli_eval_query(q->qrels->j, q->qrels->n, ids, n, out);
  free(ids);
  kz_hits_free(hits);
  return 0;
}

static int run_config(kz_index *index, eval_config *c, const judged *qs, size_t n,
                      const char *run_path) {
  FILE *run = NULL;
  int rc = 0;
  if (run_path && !(run = fopen(run_path, "w"))) {
    cli_error("%s: %s", run_path, strerror(errno));
    return -1;
  }
  for (size_t i = 0; i < n && rc == 0; i++) rc = run_query(index, c, &qs[i], run, &c->m[i]);
  if (run && (fclose(run) != 0 || rc != 0)) {
    if (rc == 0) cli_error("%s: write error", run_path);
    return -1;
  }
  return rc;
}

/* ---------------------------------------------------------------- output */

static void print_json_figures(const cli_query_metrics *m) {
  for (int i = 0; i < N_MEASURES; i++) {
    fprintf(stdout, ",\"%s\":", measure_names[i]);
    cli_json_double(stdout, measure(m, i));
  }
}

static void print_per_query(const eval_config *c, const judged *qs, size_t n, int json) {
  for (size_t q = 0; q < n; q++) {
    if (json) {
      fputs("{\"type\":\"query\",\"run\":", stdout);
      cli_json_cstring(stdout, c->name);
      fputs(",\"id\":", stdout);
      cli_json_cstring(stdout, qs[q].id);
      print_json_figures(&c->m[q]);
      fputs("}\n", stdout);
    } else {
      printf("%-12s %-10s", c->name, qs[q].id);
      for (int i = 0; i < N_MEASURES; i++) printf(" %8.4f", measure(&c->m[q], i));
      putchar('\n');
    }
  }
}

static void mean_of(const eval_config *c, size_t n, cli_query_metrics *mean) {
  double sum[N_MEASURES] = {0};
  for (size_t q = 0; q < n; q++)
    for (int i = 0; i < N_MEASURES; i++) sum[i] += measure(&c->m[q], i);
  double d = n ? (double)n : 1.0;
  mean->ap = sum[0] / d, mean->ndcg10 = sum[1] / d, mean->p10 = sum[2] / d;
  mean->r100 = sum[3] / d, mean->r1000 = sum[4] / d;
}

static void print_summary(const eval_config *c, size_t n, int json) {
  cli_query_metrics mean;
  mean_of(c, n, &mean);
  if (json) {
    fputs("{\"type\":\"summary\",\"run\":", stdout);
    cli_json_cstring(stdout, c->name);
    printf(",\"queries\":%zu", n);
    print_json_figures(&mean);
    fputs("}\n", stdout);
  } else {
    printf("%-23s", c->name);
    for (int i = 0; i < N_MEASURES; i++) printf(" %8.4f", measure(&mean, i));
    putchar('\n');
  }
}

/* The p-value of each measure between the two configurations. */
static int print_test(const eval_config *c, size_t n, int json) {
  double *a = malloc((n ? n : 1) * sizeof *a), *b = malloc((n ? n : 1) * sizeof *b);
  if (!a || !b) {
    free(a), free(b);
    cli_error("out of memory");
    return -1;
  }
  if (json)
    printf("{\"type\":\"test\",\"test\":\"paired randomization\",\"permutations\":%u,"
           "\"seed\":%u",
           EVAL_PERMUTATIONS, EVAL_SEED);
  else
    printf("%-23s", "p (two-sided)");
  for (int i = 0; i < N_MEASURES; i++) {
    for (size_t q = 0; q < n; q++) a[q] = measure(&c[0].m[q], i), b[q] = measure(&c[1].m[q], i);
    double p = cli_paired_randomization(a, b, n, EVAL_PERMUTATIONS, EVAL_SEED);
    if (json) {
      printf(",\"%s\":", measure_names[i]);
      cli_json_double(stdout, p);
    } else {
      printf(" %8.4f", p);
    }
  }
  if (json)
    fputs("}\n", stdout);
  else
    printf("\n(paired randomization test, %u permutations, fixed seed)\n", EVAL_PERMUTATIONS);
  free(a), free(b);
  return 0;
}

/* ---------------------------------------------------------------- running */

/* The judged queries: those of Q.jsonl in its order, then judged ones it lacks. */
static judged *collect_judged(const cli_eval_queries *qs, const cli_qrels *qr, size_t *n_out) {
  judged *out = calloc(qr->n + 1, sizeof *out);
  size_t n = 0, missing = 0;
  if (!out) return NULL;
  for (size_t i = 0; i < qs->n; i++) {
    const cli_qrel_set *s = cli_qrels_find(qr, qs->q[i].id);
    cli_query_metrics probe;
    if (!s || cli_eval_query(s->j, s->n, NULL, 0, &probe) != 0) continue;
    int seen = 0; /* a query id given twice is measured once, by its first text */
    for (size_t k = 0; k < n && !seen; k++) seen = out[k].qrels == s;
    if (!seen) out[n++] = (judged){qs->q[i].id, qs->q[i].text, s};
  }
  for (size_t i = 0; i < qr->n; i++) {
    cli_query_metrics probe;
    int seen = 0;
    if (cli_eval_query(qr->q[i].j, qr->q[i].n, NULL, 0, &probe) != 0) continue;
    for (size_t k = 0; k < n && !seen; k++) seen = out[k].qrels == &qr->q[i];
    if (!seen) out[n++] = (judged){qr->q[i].qid, NULL, &qr->q[i]}, missing++;
  }
  if (missing)
    fprintf(stderr, "kzsearch: %zu judged queries are not in the query file; they score 0\n",
            missing);
  *n_out = n;
  return out;
}

static int evaluate(kz_index *index, const eval_args *a, const judged *qs, size_t n) {
  eval_config c[2];
  char msg[256];
  int n_configs = a->compare ? 2 : 1, status = CLI_EXIT_ERROR;
  kz_search_options base = KZ_SEARCH_OPTIONS_INIT;
  base.k = a->k;
  base.snippet_bytes = 0;
  base.ids_only = 1;
  base.skip_total = 1;
  c[0] = (eval_config){"default", base, NULL};
  c[1] = (eval_config){a->compare, base, NULL};
  if (a->compare && cli_search_opts_parse(a->compare, &c[1].opts, msg, sizeof msg) != 0) {
    cli_error("--compare: %s", msg);
    return CLI_EXIT_USAGE;
  }
  for (int i = 0; i < n_configs; i++) {
    if (!(c[i].m = calloc(n ? n : 1, sizeof *c[i].m))) {
      cli_error("out of memory");
      goto done;
    }
    if (run_config(index, &c[i], qs, n, i == 0 ? a->run_path : NULL) != 0) goto done;
  }
  if (!a->json) {
    printf("%zu judged queries, top %zu\n", n, a->k);
    printf("%-23s", a->per_query ? "run          query" : "run");
    for (int i = 0; i < N_MEASURES; i++) printf(" %8s", measure_names[i]);
    putchar('\n');
  }
  for (int i = 0; i < n_configs && a->per_query; i++) print_per_query(&c[i], qs, n, a->json);
  for (int i = 0; i < n_configs; i++) print_summary(&c[i], n, a->json);
  if (a->compare && print_test(c, n, a->json) != 0) goto done;
  status = CLI_EXIT_OK;
done:
  free(c[0].m);
  free(c[1].m);
  return status;
}

int cli_cmd_eval(int argc, char **argv) {
  eval_args a;
  memset(&a, 0, sizeof a);
  a.k = 1000;
  int status = parse_args(&a, argc, argv);
  if (status != CLI_EXIT_OK) return status;

  cli_eval_queries qs;
  cli_qrels qr;
  if (cli_eval_queries_load(&qs, a.queries) != 0) return CLI_EXIT_ERROR;
  if (cli_qrels_load(&qr, a.qrels) != 0) {
    cli_eval_queries_free(&qs);
    return CLI_EXIT_ERROR;
  }
  size_t n = 0;
  judged *jq = collect_judged(&qs, &qr, &n);
  char *index_path = NULL;
  kz_index *index = NULL;
  status = CLI_EXIT_ERROR;
  if (!jq)
    cli_error("out of memory");
  else if (n == 0)
    cli_error("%s: no query has a relevant document (rel > 0)", a.qrels);
  else if (cli_index_path_resolve(a.index_opt, &index_path) == 0 &&
           cli_index_path_open(&index, index_path) == 0)
    status = evaluate(index, &a, jq, n);
  kz_index_close(index);
  free(index_path);
  free(jq);
  cli_qrels_free(&qr);
  cli_eval_queries_free(&qs);
  return status;
}
