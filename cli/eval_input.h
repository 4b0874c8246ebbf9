/*
 * eval_input.h - the inputs of `kzsearch eval`: a query file (JSON Lines,
 * one {"id": ..., "text": ...} object per line, other members ignored, the
 * format of ../shared/corpora/NAME/queries.jsonl) and TREC qrels ("QID 0
 * DOCID REL" per line). Malformed lines are errors naming FILE:LINE, never
 * guesses. Each loaded set owns all of its strings.
 */
#ifndef KZ_CLI_EVAL_INPUT_H
#define KZ_CLI_EVAL_INPUT_H

#include <stddef.h>

#include "eval_metrics.h"

typedef struct cli_eval_topic {
  char *id, *text;
} cli_eval_topic;

typedef struct cli_eval_queries {
  cli_eval_topic *q;
  size_t n;
} cli_eval_queries;

/* The judgments of one query, sorted with cli_judgments_sort once loaded. */
typedef struct cli_qrel_set {
  char *qid;
  cli_judgment *j; /* each j[i].doc is owned here */
  size_t n, cap;
} cli_qrel_set;

typedef struct cli_qrels {
  cli_qrel_set *q; /* in the order the queries first appear */
  size_t n, cap;
} cli_qrels;

/* @return 0, or -1 after printing an error (the set is then empty). */
int cli_eval_queries_load(cli_eval_queries *out, const char *path);
void cli_eval_queries_free(cli_eval_queries *qs);

/* @return 0, or -1 after printing an error (the set is then empty). */
int cli_qrels_load(cli_qrels *out, const char *path);
void cli_qrels_free(cli_qrels *qr);
/* @return the judgments of `qid`, or NULL. */
const cli_qrel_set *cli_qrels_find(const cli_qrels *qr, const char *qid);

/*
 * Turns a query text into plain words in kzsearch's query syntax, as the
 * bench harness (qnorm.py) sends bare words to every engine: '(' ')' '"'
 * '?' '^' "&&" "||" become spaces, the '+', '-', '*' and '!' that start a word
 * are dropped, and ASCII letters are lowered so that AND, OR and NOT are
 * words, not operators.
 * Each word is then analyzed like the documents (a word with inner
 * punctuation, "real-gas", is searched as a phrase). @return a new string
 * or NULL when out of memory.
 */
char *cli_eval_plain_words(const char *text);

#endif /* KZ_CLI_EVAL_INPUT_H */
