/*
 * kz_test_explain.h - holds a hit's explanation (kz_search_options.explain)
 * to the rules kzsearch.h states for it, recomputing every value from its
 * children: a "sum" is the sum of its children; a "term" or "phrase" is
 * idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)) of its factor children;
 * a "tf" with children (a prefix or fuzzy word's) is their sum;
 * an "idf" is ln(1 + (N - df + 0.5) / (df + 0.5)) of its "N" and "df", or
 * the sum of its "idf" children (a phrase's); a "filter" is 0. The sum of
 * the score's leaves comes back for the caller to hold against hit.score.
 *
 * Header-only (static), shared by test_differential.c and test_explain.c;
 * owns nothing.
 */
#ifndef KZ_TEST_EXPLAIN_H
#define KZ_TEST_EXPLAIN_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kzsearch.h"

static int kz_test_explain_close(double a, double b, double rel) {
  double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
  return fabs(a - b) <= rel * m || fabs(a - b) < 1e-300;
}

static const kz_explanation *kz_test_explain_child(const kz_explanation *e, const char *kind) {
  for (size_t i = 0; i < e->n_children; i++)
    if (strcmp(e->children[i].kind, kind) == 0) return &e->children[i];
  return NULL;
}

/* Checks an "idf" node. @return 0, or -1 with why. */
static int kz_test_explain_idf(const kz_explanation *e, char *why, size_t why_size) {
  const kz_explanation *n = kz_test_explain_child(e, "N"), *df = kz_test_explain_child(e, "df");
  double want = 0;
  if (n && df) {
    want = log(1.0 + (n->value - df->value + 0.5) / (df->value + 0.5));
  } else {
    if (e->n_children == 0) {
      snprintf(why, why_size, "idf node '%s' has neither N and df nor idf children",
               e->description);
      return -1;
    }
    for (size_t i = 0; i < e->n_children; i++) {
      if (strcmp(e->children[i].kind, "idf") != 0 ||
          kz_test_explain_idf(&e->children[i], why, why_size) != 0) {
        if (strcmp(e->children[i].kind, "idf") != 0)
          snprintf(why, why_size, "a phrase's idf has a '%s' child", e->children[i].kind);
        return -1;
      }
      want += e->children[i].value;
    }
  }
  if (!kz_test_explain_close(e->value, want, 1e-12)) {
    snprintf(why, why_size, "idf '%s' is %.17g, its children give %.17g", e->description,
             e->value, want);
    return -1;
  }
  return 0;
}

/* Checks a "term" or "phrase" node of a hit's tree. @return 0, or -1 with why. */
static int kz_test_explain_bm25(const kz_explanation *e, char *why, size_t why_size) {
  int phrase = strcmp(e->kind, "phrase") == 0;
  const kz_explanation *idf = kz_test_explain_child(e, "idf"),
                       *tf = kz_test_explain_child(e, phrase ? "freq" : "tf"),
                       *dl = kz_test_explain_child(e, "dl"),
                       *avgdl = kz_test_explain_child(e, "avgdl"),
                       *k1 = kz_test_explain_child(e, "k1"), *b = kz_test_explain_child(e, "b");
  if (!idf || !tf || !dl || !avgdl || !k1 || !b) {
    snprintf(why, why_size, "%s '%s' lacks a factor", e->kind, e->description);
    return -1;
  }
  if (kz_test_explain_idf(idf, why, why_size) != 0) return -1;
  /* A phrase's frequency may be fractional (a sloppy phrase's sum of 1 / (1 + distance)). */
  if (!(tf->value > 0) || (!phrase && tf->value != floor(tf->value)) || dl->value < 0) {
    snprintf(why, why_size, "%s '%s': tf %g, dl %g", e->kind, e->description, tf->value,
             dl->value);
    return -1;
  }
  if (tf->n_children) { /* a prefix or fuzzy word's: the sum of its expansions' */
    double parts = 0;
    for (size_t i = 0; i < tf->n_children; i++) {
      const kz_explanation *c = &tf->children[i];
      if (strcmp(c->kind, "tf") != 0 || !(c->value > 0) || c->value != floor(c->value)) {
        snprintf(why, why_size, "tf '%s' has a child '%s' of %g", tf->description, c->kind,
                 c->value);
        return -1;
      }
      parts += c->value;
    }
    if (parts != tf->value) {
      snprintf(why, why_size, "tf '%s' is %g, its expansions add up to %g", tf->description,
               tf->value, parts);
      return -1;
    }
  }
  double want = idf->value * tf->value /
                (tf->value + k1->value * (1.0 - b->value + b->value * dl->value / avgdl->value));
  if (!kz_test_explain_close(e->value, want, 1e-12)) {
    snprintf(why, why_size, "%s '%s' is %.17g, its factors give %.17g", e->kind, e->description,
             e->value, want);
    return -1;
  }
  return 0;
}

/*
 * Checks a hit's tree and adds the values of its score's leaves to *sum.
 * @return 0, or -1 with why (one line).
 */
static int kz_test_explain_hit(const kz_explanation *e, double *sum, char *why, size_t why_size) {
  if (!e->kind || !e->description) {
    snprintf(why, why_size, "a node without a kind or a description");
    return -1;
  }
  if (strcmp(e->kind, "sum") == 0) {
    double s = 0;
    for (size_t i = 0; i < e->n_children; i++)
      if (kz_test_explain_hit(&e->children[i], &s, why, why_size) != 0) return -1;
    if (!kz_test_explain_close(e->value, s, 1e-12)) {
      snprintf(why, why_size, "sum '%s' is %.17g, its children add up to %.17g", e->description,
               e->value, s);
      return -1;
    }
    *sum += s;
    return 0;
  }
  if (strcmp(e->kind, "term") == 0 || strcmp(e->kind, "phrase") == 0) {
    if (kz_test_explain_bm25(e, why, why_size) != 0) return -1;
    *sum += e->value;
    return 0;
  }
  if (strcmp(e->kind, "filter") == 0 && e->value == 0 && e->n_children == 0) return 0;
  snprintf(why, why_size, "unexpected node '%s' (%s) in a hit's tree", e->kind, e->description);
  return -1;
}

/*
 * Checks hit i's explanation: consistent, and its leaves add up to the
 * hit's score within 1e-9 relative. @return 0, or -1 with why.
 */
static int kz_test_explain_check(const kz_hits *hits, size_t i, char *why, size_t why_size) {
  const kz_hit *h = kz_hits_at(hits, i);
  const kz_explanation *e = kz_hits_explanation_at(hits, i);
  if (!h || !e) {
    snprintf(why, why_size, "hit %zu has no explanation", i);
    return -1;
  }
  double sum = 0;
  if (kz_test_explain_hit(e, &sum, why, why_size) != 0) return -1;
  if (!kz_test_explain_close(sum, h->score, 1e-9)) {
    snprintf(why, why_size, "the explanation adds up to %.17g, the score is %.17g", sum, h->score);
    return -1;
  }
  return 0;
}

#endif /* KZ_TEST_EXPLAIN_H */
