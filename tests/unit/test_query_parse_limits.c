/*
 * test_query_parse_limits.c - the query parser's limits (nesting depth,
 * deep nesting without overflowing the stack, query length, clause count)
 * and random byte strings and token soups that must parse into a valid tree
 * or fail cleanly (run under ASan/UBSan).
 */
#include <stdint.h>

#include "kz_test_corpus.h"
#include "kz_test_qparse.h"

/* ------------------------------------------------------------------------ */
/* Limits                                                                   */
/* ------------------------------------------------------------------------ */

/* n copies of `unit`, then `middle`, then n copies of `close`. */
static char *nest(size_t n, const char *unit, const char *middle, const char *close) {
  kz_buf b = KZ_BUF_INIT;
  for (size_t i = 0; i < n; i++) kz_test_qput(&b, unit);
  kz_test_qput(&b, middle);
  for (size_t i = 0; i < n; i++) kz_test_qput(&b, close);
  kz_buf_put_u8(&b, 0);
  return (char *)b.data;
}

static void test_query_parse__depth_limit(void) {
  /* 64 groups that cannot dissolve make a tree 65 levels deep */
  char *q = nest(KZ_MAX_QUERY_DEPTH, "(x ", "a", ")");
  kz_qnode *root = NULL;
  int rc = kz_query_parse(&root, q, strlen(q), NULL);
  int max_depth = 0;
  long nodes = rc == KZ_OK ? kz_test_check_tree(root, q, strlen(q), 0, &max_depth) : -1;
  kz_qnode_free(root);
  free(q);
  CHECK_EQ_INT(rc, KZ_OK);
  CHECK_EQ_INT(nodes, 2 * KZ_MAX_QUERY_DEPTH + 2);
  CHECK_EQ_INT(max_depth, KZ_MAX_QUERY_DEPTH + 1);

  q = nest(KZ_MAX_QUERY_DEPTH + 1, "(", "a", ")");
  EXPECT_ERROR(q, KZ_ERR_LIMIT, KZ_MAX_QUERY_DEPTH, "query nests deeper than 64 levels");
  free(q);

  /* NOT operators count toward the depth too */
  q = nest(KZ_MAX_QUERY_DEPTH, "NOT ", "a", "");
  char *want = nest(KZ_MAX_QUERY_DEPTH - 1, "(NOT ", "(WORD a)", ")");
  kz_buf w = KZ_BUF_INIT;
  kz_test_qput(&w, "(LIST (- ");
  kz_test_qput(&w, want + 1); /* the clause's own "(" is already there */
  kz_test_qput(&w, ")");
  kz_buf_put_u8(&w, 0);
  free(want);
  EXPECT_TREE(q, (const char *)w.data);
  kz_buf_free(&w);
  free(q);
  q = nest(KZ_MAX_QUERY_DEPTH + 1, "NOT ", "a", "");
  EXPECT_ERROR(q, KZ_ERR_LIMIT, 4 * KZ_MAX_QUERY_DEPTH, "nests deeper");
  free(q);
  q = nest(KZ_MAX_QUERY_DEPTH, "(", "NOT a", ")");
  EXPECT_ERROR(q, KZ_ERR_LIMIT, KZ_MAX_QUERY_DEPTH, "nests deeper");
  free(q);
}

static void test_query_parse__deep_nesting_does_not_overflow(void) {
  size_t n = 100000;
  char *q = malloc(n);
  CHECK(q);
  memset(q, '(', n);
  /* 100000 bytes are over the length limit, which is checked first */
  EXPECT_ERROR_N(q, n, KZ_ERR_LIMIT, KZ_MAX_QUERY_BYTES, "longer than");
  /* the longest allowed run of '(' stops at the depth limit */
  EXPECT_ERROR_N(q, KZ_MAX_QUERY_BYTES, KZ_ERR_LIMIT, KZ_MAX_QUERY_DEPTH, "nests deeper");
  memset(q, ')', n);
  EXPECT_ERROR_N(q, KZ_MAX_QUERY_BYTES, KZ_ERR_QUERY, 0, "unexpected ')'");
  free(q);
  /* within the byte limit, every nesting form stops at the depth limit */
  char *forms[] = {nest(20000, "(", "a", ")"), nest(10000, "NOT ", "a", ""),
                   nest(5000, "a AND (", "b", ")"), nest(20000, "-(", "a", ")")};
  int ok = 1;
  for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
    kz_qnode *root = NULL;
    kz_error err = {0};
    if (kz_query_parse(&root, forms[i], strlen(forms[i]), &err) != KZ_ERR_LIMIT || root) ok = 0;
    free(forms[i]);
  }
  CHECK(ok);
}

static void test_query_parse__length_limit(void) {
  size_t n = 1u << 20;
  char *q = malloc(n);
  CHECK(q);
  memset(q, 'a', n);
  EXPECT_ERROR_N(q, n, KZ_ERR_LIMIT, KZ_MAX_QUERY_BYTES, "longer than");
  EXPECT_ERROR_N(q, KZ_MAX_QUERY_BYTES + 1, KZ_ERR_LIMIT, KZ_MAX_QUERY_BYTES, "longer than");
  /* exactly the limit parses: one long word */
  kz_qnode *root = NULL;
  int rc = kz_query_parse(&root, q, KZ_MAX_QUERY_BYTES, NULL);
  free(q);
  CHECK_EQ_INT(rc, KZ_OK);
  CHECK_EQ_INT(root->children[0]->text_len, KZ_MAX_QUERY_BYTES);
  kz_qnode_free(root);
}

static void test_query_parse__clause_limit(void) {
  /* KZ_MAX_QUERY_CLAUSES words parse (the root LIST is not counted) */
  char *q = nest(KZ_MAX_QUERY_CLAUSES, "w ", "", "");
  kz_qnode *root = NULL;
  int rc = kz_query_parse(&root, q, strlen(q), NULL);
  free(q);
  CHECK_EQ_INT(rc, KZ_OK);
  CHECK_EQ_INT(root->n_children, KZ_MAX_QUERY_CLAUSES);
  kz_qnode_free(root);
  /* one more fails at the word that crosses the limit */
  q = nest(KZ_MAX_QUERY_CLAUSES + 1, "w ", "", "");
  EXPECT_ERROR(q, KZ_ERR_LIMIT, 2 * KZ_MAX_QUERY_CLAUSES, "more than 1024 clauses");
  free(q);
  /* dissolved groups are not counted: 1024 "(w)" parse too */
  q = nest(KZ_MAX_QUERY_CLAUSES, "(w) ", "", "");
  rc = kz_query_parse(&root, q, strlen(q), NULL);
  free(q);
  CHECK_EQ_INT(rc, KZ_OK);
  kz_qnode_free(root);
  /* ... but operator nodes are: 512 "a AND b" clauses make 1536 nodes */
  q = nest(512, "a AND b ", "", "");
  EXPECT_ERROR(q, KZ_ERR_LIMIT, 8 * 341, "clauses");
  free(q);
  /* a full-length query of words fails cleanly */
  q = nest(KZ_MAX_QUERY_BYTES / 2, "x ", "", "");
  EXPECT_ERROR_N(q, KZ_MAX_QUERY_BYTES, KZ_ERR_LIMIT, 2 * KZ_MAX_QUERY_CLAUSES, "clauses");
  free(q);
}

/* ------------------------------------------------------------------------ */
/* Random input                                                             */
/* ------------------------------------------------------------------------ */

/* Parses `q` and checks it either yields a valid tree or fails cleanly. */
static int parses_cleanly(const char *q, size_t len) {
  kz_qnode *root = NULL;
  kz_error err = {0};
  int rc = kz_query_parse(&root, q, len, &err);
  if (rc == KZ_OK) {
    int max_depth = 0;
    long nodes = root->kind == KZ_Q_LIST ? kz_test_check_tree(root, q, len, 0, &max_depth) : -1;
    kz_qnode_free(root);
    return nodes > 0 && nodes <= KZ_MAX_QUERY_CLAUSES + 1 &&
           max_depth <= 4 * (KZ_MAX_QUERY_DEPTH + 2);
  }
  if (root) return 0;
  if (rc != KZ_ERR_QUERY && rc != KZ_ERR_LIMIT) return 0;
  if (err.code != rc || err.message[0] == 0) return 0;
  return err.position <= len || (rc == KZ_ERR_LIMIT && len > KZ_MAX_QUERY_BYTES);
}

static void test_query_parse__random_bytes(void) {
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_XORSHIFT64, 0x9E3779B97F4A7C15u);
  unsigned char buf[256];
  for (int iter = 0; iter < 100000; iter++) {
    size_t len = kz_test_rand(&rng) % sizeof buf;
    for (size_t i = 0; i < len; i++) buf[i] = (unsigned char)kz_test_rand(&rng);
    /* exact-size heap copy so ASan catches any read past the end */
    char *q = malloc(len ? len : 1);
    CHECK(q);
    memcpy(q, buf, len);
    int ok = parses_cleanly(q, len);
    if (!ok) fprintf(stderr, "  random query %d (%zu bytes) misparsed\n", iter, len);
    free(q);
    CHECK(ok);
  }
}

static void test_query_parse__random_tokens(void) {
  static const char *const pieces[] = {
      "a", "b", "Nur-Sultan", " ", " ", "  ", "(", ")", "\"", "+", "-", "AND", "OR", "NOT",
      "and", "\t", "\xC2\xA0", "\xE2\x80", "\xC2", "x-", "é", "東"};
  const size_t n_pieces = sizeof pieces / sizeof pieces[0];
  kz_test_rng rng = kz_test_rng_make(KZ_TEST_XORSHIFT64, 12345);
  int parsed = 0;
  for (int iter = 0; iter < 100000; iter++) {
    kz_buf b = KZ_BUF_INIT;
    size_t n = kz_test_rand(&rng) % 24;
    for (size_t i = 0; i < n; i++) {
      const char *piece = pieces[kz_test_rand(&rng) % n_pieces];
      kz_buf_append(&b, piece, strlen(piece));
      if (kz_test_rand(&rng) % 2) kz_test_qput(&b, " ");
    }
    kz_qnode *root = NULL;
    if (b.len && kz_query_parse(&root, (const char *)b.data, b.len, NULL) == KZ_OK) parsed++;
    kz_qnode_free(root);
    int ok = parses_cleanly((const char *)b.data, b.len);
    if (!ok) fprintf(stderr, "  token query %.*s misparsed\n", (int)b.len, (const char *)b.data);
    kz_buf_free(&b);
    CHECK(ok);
  }
  /* the generator must reach the success paths too */
  CHECK(parsed > 1000);
}

KZ_TEST_MAIN(KZ_TEST(test_query_parse__depth_limit),
             KZ_TEST(test_query_parse__deep_nesting_does_not_overflow),
             KZ_TEST(test_query_parse__length_limit),
             KZ_TEST(test_query_parse__clause_limit),
             KZ_TEST(test_query_parse__random_bytes),
             KZ_TEST(test_query_parse__random_tokens))
