/*
 * kz_test_qparse.h - what the query parser's tests share: a parse tree as
 * an S-expression (EXPECT_TREE), an expected error with its position and
 * message (EXPECT_ERROR), and the check of the shape invariants the planner
 * relies on (check_tree), used on random input too.
 *
 * Header-only (static inline), like the other kz_test_*.h; it owns no state.
 */
#ifndef KZ_TEST_QPARSE_H
#define KZ_TEST_QPARSE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/limits.h"
#include "format/format.h"
#include "kz_test.h"
#include "searcher/query_parse.h"

static inline const char *kz_test_qkind_name(kz_qkind k) {
  switch (k) {
    case KZ_Q_WORD: return "WORD";
    case KZ_Q_PHRASE: return "PHRASE";
    case KZ_Q_AND: return "AND";
    case KZ_Q_OR: return "OR";
    case KZ_Q_NOT: return "NOT";
    case KZ_Q_LIST: return "LIST";
    case KZ_Q_DATE: return "DATE";
    case KZ_Q_PREFIX: return "PREFIX";
    case KZ_Q_FUZZY: return "FUZZY";
    case KZ_Q_NEAR: return "NEAR";
  }
  return "?";
}

static inline void kz_test_qput(kz_buf *b, const char *s) { kz_buf_append(b, s, strlen(s)); }

/* (LIST (+ WORD a) (OR (WORD b) (PHRASE "c d")) (- WORD x)); the occur is
 * printed whenever it is not DEFAULT, so a stray one shows up anywhere. */
static inline void kz_test_sexpr(kz_buf *b, const kz_qnode *n) {
  kz_test_qput(b, "(");
  if (n->occur == KZ_OCCUR_MUST) kz_test_qput(b, "+ ");
  if (n->occur == KZ_OCCUR_MUST_NOT) kz_test_qput(b, "- ");
  kz_test_qput(b, kz_test_qkind_name(n->kind));
  if (n->field == KZ_FIELD_TITLE) kz_test_qput(b, " title:");
  if (n->kind == KZ_Q_DATE) {
    char range[64];
    snprintf(range, sizeof range, " %lld..%lld", (long long)n->lo, (long long)n->hi);
    kz_test_qput(b, range);
  }
  if (n->kind == KZ_Q_WORD || n->kind == KZ_Q_PREFIX || n->kind == KZ_Q_FUZZY) {
    kz_test_qput(b, " ");
    kz_buf_append(b, n->text, n->text_len);
    if (n->kind == KZ_Q_FUZZY) {
      char edits[16];
      snprintf(edits, sizeof edits, " ~%d", n->max_edits);
      kz_test_qput(b, edits);
    }
  } else if (n->kind == KZ_Q_PHRASE) {
    kz_test_qput(b, " \"");
    kz_buf_append(b, n->text, n->text_len);
    kz_test_qput(b, "\"");
  }
  if (n->slop || n->kind == KZ_Q_NEAR) {
    char slop[32];
    snprintf(slop, sizeof slop, n->kind == KZ_Q_NEAR ? "/%u" : "~%u", (unsigned)n->slop);
    kz_test_qput(b, slop);
  }
  for (size_t i = 0; i < n->n_children; i++) {
    kz_test_qput(b, " ");
    kz_test_sexpr(b, n->children[i]);
  }
  kz_test_qput(b, ")");
}

/* Checks the shape invariants the planner relies on; returns the node count
 * (root included) or -1 when an invariant fails. `depth` is this node's. */
static inline long kz_test_check_tree(const kz_qnode *n, const char *q, size_t len, int depth,
                                      int *max_depth) {
  if (depth > *max_depth) *max_depth = depth;
  if (n->position > len) return -1;
  switch (n->kind) {
    case KZ_Q_WORD:
    case KZ_Q_PHRASE:
    case KZ_Q_PREFIX:
    case KZ_Q_FUZZY:
      if (n->n_children || !n->text || n->text < q || n->text_len > len ||
          n->text + n->text_len > q + len)
        return -1;
      if (n->kind != KZ_Q_PHRASE && n->text_len == 0) return -1;
      if (n->kind == KZ_Q_FUZZY && (n->max_edits < -1 || n->max_edits > 2)) return -1;
      break;
    case KZ_Q_NOT:
      if (n->n_children != 1) return -1;
      break;
    case KZ_Q_AND:
    case KZ_Q_OR:
      if (n->n_children < 2) return -1;
      break;
    case KZ_Q_LIST:
      if (n->n_children < 1) return -1;
      break;
    case KZ_Q_DATE:
      if (n->n_children || n->lo > n->hi) return -1;
      break;
    case KZ_Q_NEAR:
      if (n->n_children < 2 || n->slop == 0 || n->slop > KZ_MAX_PROXIMITY) return -1;
      for (size_t i = 0; i < n->n_children; i++)
        if (n->children[i]->kind != KZ_Q_WORD || n->children[i]->field != n->field) return -1;
      break;
  }
  long count = 1;
  for (size_t i = 0; i < n->n_children; i++) {
    const kz_qnode *c = n->children[i];
    if (n->kind != KZ_Q_LIST && c->occur != KZ_OCCUR_DEFAULT) return -1;
    /* a DEFAULT "NOT x" list clause is always turned into "-x" */
    if (n->kind == KZ_Q_LIST && c->kind == KZ_Q_NOT && c->occur == KZ_OCCUR_DEFAULT) return -1;
    long sub = kz_test_check_tree(c, q, len, depth + 1, max_depth);
    if (sub < 0) return -1;
    count += sub;
  }
  return count;
}

/* The tree as an S-expression, or "error <code> at <pos>: <message>". */
static inline char *kz_test_render_n(const char *q, size_t len) {
  kz_qnode *root = NULL;
  kz_error err = {0};
  kz_buf b = KZ_BUF_INIT;
  int rc = kz_query_parse(&root, q, len, &err);
  if (rc) {
    char line[600];
    snprintf(line, sizeof line, "error %d at %zu: %s", rc, err.position, err.message);
    kz_test_qput(&b, line);
  } else {
    int max_depth = 0;
    if (root->kind != KZ_Q_LIST || kz_test_check_tree(root, q, len, 0, &max_depth) < 0)
      kz_test_qput(&b, "BAD TREE ");
    kz_test_sexpr(&b, root);
    kz_qnode_free(root);
  }
  kz_buf_put_u8(&b, 0);
  return (char *)b.data;
}

static inline char *kz_test_render(const char *q) { return kz_test_render_n(q, strlen(q)); }

#define EXPECT_TREE(q, want)                                                                \
  do {                                                                                      \
    char *got_ = kz_test_render(q);                                                                 \
    int ok_ = strcmp(got_, (want)) == 0;                                                    \
    if (!ok_) fprintf(stderr, "  query: %s\n  got:   %s\n  want:  %s\n", q, got_, want);    \
    free(got_);                                                                             \
    CHECK(ok_);                                                                             \
  } while (0)

/* Parses q[0..len) expecting failure with `want_rc` at `want_pos` and a
 * message that contains `what`. */
#define EXPECT_ERROR_N(q, len, want_rc, want_pos, what)                                     \
  do {                                                                                      \
    kz_qnode *root_ = NULL;                                                                 \
    kz_error err_ = {0};                                                                    \
    int rc_ = kz_query_parse(&root_, (q), (len), &err_);                                    \
    int ok_ = rc_ == (want_rc) && err_.code == (want_rc) && err_.position == (size_t)(want_pos) && \
              root_ == NULL && strstr(err_.message, (what)) != NULL;                        \
    if (!ok_)                                                                               \
      fprintf(stderr, "  query: %.80s\n  got: rc %d at %zu: %s\n  want: rc %d at %zu: %s\n", \
              (q), rc_, err_.position, err_.message, (want_rc), (size_t)(want_pos), (what)); \
    kz_qnode_free(root_);                                                                   \
    CHECK(ok_);                                                                             \
  } while (0)

#define EXPECT_ERROR(q, code, pos, what) EXPECT_ERROR_N(q, strlen(q), code, pos, what)

#endif /* KZ_TEST_QPARSE_H */
