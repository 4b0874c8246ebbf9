/*
 * test_query_parse.c - the query parser: trees for every construct (compared
 * as S-expressions), every error with its position, the limits, and random
 * byte strings that must parse or fail cleanly (run under ASan/UBSan).
 */
#include <stdint.h>

#include "common/buf.h"
#include "common/limits.h"
#include "format/format.h"
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "searcher/query_parse.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

static const char *kind_name(kz_qkind k) {
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

static void put(kz_buf *b, const char *s) { kz_buf_append(b, s, strlen(s)); }

/* (LIST (+ WORD a) (OR (WORD b) (PHRASE "c d")) (- WORD x)); the occur is
 * printed whenever it is not DEFAULT, so a stray one shows up anywhere. */
static void sexpr(kz_buf *b, const kz_qnode *n) {
  put(b, "(");
  if (n->occur == KZ_OCCUR_MUST) put(b, "+ ");
  if (n->occur == KZ_OCCUR_MUST_NOT) put(b, "- ");
  put(b, kind_name(n->kind));
  if (n->field == KZ_FIELD_TITLE) put(b, " title:");
  if (n->kind == KZ_Q_DATE) {
    char range[64];
    snprintf(range, sizeof range, " %lld..%lld", (long long)n->lo, (long long)n->hi);
    put(b, range);
  }
  if (n->kind == KZ_Q_WORD || n->kind == KZ_Q_PREFIX || n->kind == KZ_Q_FUZZY) {
    put(b, " ");
    kz_buf_append(b, n->text, n->text_len);
    if (n->kind == KZ_Q_FUZZY) {
      char edits[16];
      snprintf(edits, sizeof edits, " ~%d", n->max_edits);
      put(b, edits);
    }
  } else if (n->kind == KZ_Q_PHRASE) {
    put(b, " \"");
    kz_buf_append(b, n->text, n->text_len);
    put(b, "\"");
  }
  if (n->slop || n->kind == KZ_Q_NEAR) {
    char slop[32];
    snprintf(slop, sizeof slop, n->kind == KZ_Q_NEAR ? "/%u" : "~%u", (unsigned)n->slop);
    put(b, slop);
  }
  for (size_t i = 0; i < n->n_children; i++) {
    put(b, " ");
    sexpr(b, n->children[i]);
  }
  put(b, ")");
}

/* Checks the shape invariants the planner relies on; returns the node count
 * (root included) or -1 when an invariant fails. `depth` is this node's. */
static long check_tree(const kz_qnode *n, const char *q, size_t len, int depth, int *max_depth) {
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
    long sub = check_tree(c, q, len, depth + 1, max_depth);
    if (sub < 0) return -1;
    count += sub;
  }
  return count;
}

/* The tree as an S-expression, or "error <code> at <pos>: <message>". */
static char *render_n(const char *q, size_t len) {
  kz_qnode *root = NULL;
  kz_error err = {0};
  kz_buf b = KZ_BUF_INIT;
  int rc = kz_query_parse(&root, q, len, &err);
  if (rc) {
    char line[600];
    snprintf(line, sizeof line, "error %d at %zu: %s", rc, err.position, err.message);
    put(&b, line);
  } else {
    int max_depth = 0;
    if (root->kind != KZ_Q_LIST || check_tree(root, q, len, 0, &max_depth) < 0)
      put(&b, "BAD TREE ");
    sexpr(&b, root);
    kz_qnode_free(root);
  }
  kz_buf_put_u8(&b, 0);
  return (char *)b.data;
}

static char *render(const char *q) { return render_n(q, strlen(q)); }

#define EXPECT_TREE(q, want)                                                                \
  do {                                                                                      \
    char *got_ = render(q);                                                                 \
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

/* ------------------------------------------------------------------------ */
/* Words, modifiers, phrases                                                */
/* ------------------------------------------------------------------------ */

static void test_query_parse__single_word(void) {
  EXPECT_TREE("cat", "(LIST (WORD cat))");
  EXPECT_TREE("  cat\t\r\n", "(LIST (WORD cat))");
  kz_qnode *root = NULL;
  const char *q = "  kitten ";
  CHECK_EQ_INT(kz_query_parse(&root, q, strlen(q), NULL), KZ_OK);
  CHECK_EQ_INT(root->n_children, 1);
  CHECK(root->children[0]->text == q + 2);
  CHECK_EQ_INT(root->children[0]->text_len, 6);
  CHECK_EQ_INT(root->children[0]->position, 2);
  kz_qnode_free(root);
  kz_qnode_free(NULL);
}

static void test_query_parse__several_words(void) {
  EXPECT_TREE("a b  c", "(LIST (WORD a) (WORD b) (WORD c))");
  EXPECT_TREE("Straße 東京 café", "(LIST (WORD Straße) (WORD 東京) (WORD café))");
  /* U+00A0 and U+3000 separate like ASCII spaces */
  EXPECT_TREE("a\xC2\xA0" "b\xE3\x80\x80" "c", "(LIST (WORD a) (WORD b) (WORD c))");
  /* a NUL byte is an ordinary byte of a word */
  char *got = render_n("a\0b c", 5);
  int ok = memcmp(got, "(LIST (WORD a\0b) (WORD c))", 27) == 0;
  free(got);
  CHECK(ok);
}

static void test_query_parse__modifiers(void) {
  EXPECT_TREE("+a -b c", "(LIST (+ WORD a) (- WORD b) (WORD c))");
  EXPECT_TREE("-a", "(LIST (- WORD a))");
  /* one modifier per token: the second sign belongs to the word */
  EXPECT_TREE("--a +-b", "(LIST (- WORD -a) (+ WORD -b))");
  /* a sign after ')' or a closing quote starts a word, not a modifier */
  EXPECT_TREE("(a b)-c", "(LIST (LIST (WORD a) (WORD b)) (WORD -c))");
  EXPECT_TREE("(-a)", "(LIST (LIST (- WORD a)))");
}

static void test_query_parse__hyphenated_words(void) {
  EXPECT_TREE("Nur-Sultan", "(LIST (WORD Nur-Sultan))");
  EXPECT_TREE("x-ray -Nur-Sultan", "(LIST (WORD x-ray) (- WORD Nur-Sultan))");
  EXPECT_TREE("a- b+ c+d", "(LIST (WORD a-) (WORD b+) (WORD c+d))");
}

static void test_query_parse__phrases(void) {
  EXPECT_TREE("\"new york\" city", "(LIST (PHRASE \"new york\") (WORD city))");
  EXPECT_TREE("+\"a b\" -\"c\"", "(LIST (+ PHRASE \"a b\") (- PHRASE \"c\"))");
  /* empty and blank phrases are kept for the planner to drop */
  EXPECT_TREE("\"\" \"  \"", "(LIST (PHRASE \"\") (PHRASE \"  \"))");
  /* quotes delimit tokens; operators and parentheses inside are text */
  EXPECT_TREE("a\"b AND (c\"d", "(LIST (WORD a) (PHRASE \"b AND (c\") (WORD d))");
  kz_qnode *root = NULL;
  const char *q = "x \"y z\"";
  CHECK_EQ_INT(kz_query_parse(&root, q, strlen(q), NULL), KZ_OK);
  CHECK_EQ_INT(root->children[1]->position, 2);
  CHECK(root->children[1]->text == q + 3);
  kz_qnode_free(root);
}

/* ------------------------------------------------------------------------ */
/* Operators                                                                */
/* ------------------------------------------------------------------------ */

static void test_query_parse__and_or_precedence(void) {
  EXPECT_TREE("a OR b", "(LIST (OR (WORD a) (WORD b)))");
  EXPECT_TREE("a AND b", "(LIST (AND (WORD a) (WORD b)))");
  EXPECT_TREE("a OR b AND c", "(LIST (OR (WORD a) (AND (WORD b) (WORD c))))");
  EXPECT_TREE("a AND b OR c", "(LIST (OR (AND (WORD a) (WORD b)) (WORD c)))");
  EXPECT_TREE("x a OR b y", "(LIST (WORD x) (OR (WORD a) (WORD b)) (WORD y))");
  EXPECT_TREE("+a b OR \"c d\" -x",
              "(LIST (+ WORD a) (OR (WORD b) (PHRASE \"c d\")) (- WORD x))");
}

static void test_query_parse__chains_flatten(void) {
  EXPECT_TREE("a AND b AND c", "(LIST (AND (WORD a) (WORD b) (WORD c)))");
  EXPECT_TREE("a OR b OR c OR d", "(LIST (OR (WORD a) (WORD b) (WORD c) (WORD d)))");
  EXPECT_TREE("a AND b OR c AND d AND e",
              "(LIST (OR (AND (WORD a) (WORD b)) (AND (WORD c) (WORD d) (WORD e))))");
  /* parentheses keep their structure */
  EXPECT_TREE("(a AND b) AND c", "(LIST (AND (AND (WORD a) (WORD b)) (WORD c)))");
}

static void test_query_parse__not(void) {
  /* a DEFAULT "NOT x" clause is "-x" */
  EXPECT_TREE("a NOT b", "(LIST (WORD a) (- WORD b))");
  EXPECT_TREE("NOT b", "(LIST (- WORD b))");
  EXPECT_TREE("a AND NOT b", "(LIST (AND (WORD a) (NOT (WORD b))))");
  EXPECT_TREE("NOT a AND b", "(LIST (AND (NOT (WORD a)) (WORD b)))");
  EXPECT_TREE("NOT a OR b", "(LIST (OR (NOT (WORD a)) (WORD b)))");
  EXPECT_TREE("a OR NOT b", "(LIST (OR (WORD a) (NOT (WORD b))))");
  EXPECT_TREE("NOT NOT a", "(LIST (- NOT (WORD a)))");
  EXPECT_TREE("a AND NOT NOT b", "(LIST (AND (WORD a) (NOT (NOT (WORD b)))))");
  EXPECT_TREE("NOT (a b)", "(LIST (- LIST (WORD a) (WORD b)))");
}

static void test_query_parse__modifiers_in_chains(void) {
  /* '+' is redundant inside AND/OR; '-' is NOT */
  EXPECT_TREE("a AND +b", "(LIST (AND (WORD a) (WORD b)))");
  EXPECT_TREE("a AND -b", "(LIST (AND (WORD a) (NOT (WORD b))))");
  EXPECT_TREE("-a AND b", "(LIST (AND (NOT (WORD a)) (WORD b)))");
  EXPECT_TREE("+a OR b", "(LIST (OR (WORD a) (WORD b)))");
  EXPECT_TREE("-a OR -b c", "(LIST (OR (NOT (WORD a)) (NOT (WORD b))) (WORD c))");
  EXPECT_TREE("NOT -a", "(LIST (- NOT (WORD a)))");
  EXPECT_TREE("a AND -(b c)", "(LIST (AND (WORD a) (NOT (LIST (WORD b) (WORD c)))))");
}

static void test_query_parse__lowercase_operators_are_words(void) {
  EXPECT_TREE("cats and dogs or not",
              "(LIST (WORD cats) (WORD and) (WORD dogs) (WORD or) (WORD not))");
  EXPECT_TREE("And Or Not ANDY NOTE",
              "(LIST (WORD And) (WORD Or) (WORD Not) (WORD ANDY) (WORD NOTE))");
  /* a quoted operator is a phrase */
  EXPECT_TREE("\"AND\"", "(LIST (PHRASE \"AND\"))");
}

/* ------------------------------------------------------------------------ */
/* Parentheses                                                              */
/* ------------------------------------------------------------------------ */

static void test_query_parse__parentheses(void) {
  EXPECT_TREE("(a b) c", "(LIST (LIST (WORD a) (WORD b)) (WORD c))");
  EXPECT_TREE("(a OR b) AND c", "(LIST (AND (OR (WORD a) (WORD b)) (WORD c)))");
  EXPECT_TREE("a AND (b OR c)", "(LIST (AND (WORD a) (OR (WORD b) (WORD c))))");
  /* a group of one DEFAULT clause dissolves; the top level never does */
  EXPECT_TREE("(a)", "(LIST (WORD a))");
  EXPECT_TREE("((((a))))", "(LIST (WORD a))");
  EXPECT_TREE("(+a)", "(LIST (LIST (+ WORD a)))");
  EXPECT_TREE("(a (b (c d)))", "(LIST (LIST (WORD a) (LIST (WORD b) (LIST (WORD c) (WORD d)))))");
  EXPECT_TREE("x(y)z", "(LIST (WORD x) (WORD y) (WORD z))");
  kz_qnode *root = NULL;
  const char *q = "a (b c)";
  CHECK_EQ_INT(kz_query_parse(&root, q, strlen(q), NULL), KZ_OK);
  CHECK_EQ_INT(root->children[1]->position, 2);
  kz_qnode_free(root);
}

static void test_query_parse__modifiers_on_groups(void) {
  EXPECT_TREE("+(a b) -(c OR d)", "(LIST (+ LIST (WORD a) (WORD b)) (- OR (WORD c) (WORD d)))");
  EXPECT_TREE("-(a)", "(LIST (- WORD a))");
  EXPECT_TREE("+(\"x y\")", "(LIST (+ PHRASE \"x y\"))");
}

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

static void test_query_parse__empty_query(void) {
  EXPECT_ERROR("", KZ_ERR_QUERY, 0, "empty query");
  EXPECT_ERROR("   \t\r\n ", KZ_ERR_QUERY, 0, "empty query");
  EXPECT_ERROR("\xE2\x80\x83", KZ_ERR_QUERY, 0, "empty query");
  kz_qnode *root = NULL;
  CHECK_EQ_INT(kz_query_parse(&root, NULL, 0, NULL), KZ_ERR_QUERY);
  CHECK(root == NULL);
}

static void test_query_parse__parenthesis_errors(void) {
  EXPECT_ERROR("abc (def", KZ_ERR_QUERY, 4, "unbalanced parenthesis: '(' at 4 is never closed");
  EXPECT_ERROR("((a)", KZ_ERR_QUERY, 0, "'(' at 0 is never closed");
  EXPECT_ERROR("a b c)", KZ_ERR_QUERY, 5, "unexpected ')' at 5");
  EXPECT_ERROR("(a b) c)", KZ_ERR_QUERY, 7, "unexpected ')' at 7");
  EXPECT_ERROR(")", KZ_ERR_QUERY, 0, "unexpected ')'");
  EXPECT_ERROR("a () b", KZ_ERR_QUERY, 2, "empty parentheses");
  EXPECT_ERROR("( )", KZ_ERR_QUERY, 0, "empty parentheses");
}

static void test_query_parse__operator_errors(void) {
  EXPECT_ERROR("AND", KZ_ERR_QUERY, 0, "AND needs a term on both sides");
  EXPECT_ERROR("a AND", KZ_ERR_QUERY, 2, "AND needs a term on both sides");
  EXPECT_ERROR("AND a", KZ_ERR_QUERY, 0, "AND needs a term on both sides");
  EXPECT_ERROR("a AND AND b", KZ_ERR_QUERY, 2, "AND needs a term on both sides");
  EXPECT_ERROR("(a AND) b", KZ_ERR_QUERY, 3, "AND needs a term on both sides");
  EXPECT_ERROR("a OR", KZ_ERR_QUERY, 2, "OR needs a term on both sides");
  EXPECT_ERROR("a (OR b)", KZ_ERR_QUERY, 3, "OR needs a term on both sides");
  EXPECT_ERROR("a OR AND b", KZ_ERR_QUERY, 2, "OR needs a term on both sides");
  EXPECT_ERROR("a AND b OR", KZ_ERR_QUERY, 8, "OR needs a term on both sides");
  EXPECT_ERROR("NOT", KZ_ERR_QUERY, 0, "NOT needs a term");
  EXPECT_ERROR("a NOT", KZ_ERR_QUERY, 2, "NOT needs a term");
  EXPECT_ERROR("a AND NOT", KZ_ERR_QUERY, 6, "NOT needs a term");
  EXPECT_ERROR("NOT AND a", KZ_ERR_QUERY, 0, "NOT needs a term");
  EXPECT_ERROR("(NOT) a", KZ_ERR_QUERY, 1, "NOT needs a term");
}

static void test_query_parse__modifier_errors(void) {
  EXPECT_ERROR("+", KZ_ERR_QUERY, 0, "'+' must be followed by a term");
  EXPECT_ERROR("a - b", KZ_ERR_QUERY, 2, "'-' must be followed by a term");
  EXPECT_ERROR("a +", KZ_ERR_QUERY, 2, "'+' must be followed by a term");
  EXPECT_ERROR("(-)", KZ_ERR_QUERY, 1, "'-' must be followed by a term");
  EXPECT_ERROR("+AND a", KZ_ERR_QUERY, 0, "'+' must be followed by a term");
  EXPECT_ERROR("-NOT a", KZ_ERR_QUERY, 0, "'-' must be followed by a term");
  EXPECT_ERROR("a AND - b", KZ_ERR_QUERY, 6, "'-' must be followed by a term");
  EXPECT_ERROR("a AND -)", KZ_ERR_QUERY, 6, "'-' must be followed by a term");
}

static void test_query_parse__unterminated_phrase(void) {
  EXPECT_ERROR("\"abc", KZ_ERR_QUERY, 0, "unterminated phrase");
  EXPECT_ERROR("a b \"c d", KZ_ERR_QUERY, 4, "unterminated phrase");
  EXPECT_ERROR("\"a\" \"", KZ_ERR_QUERY, 4, "unterminated phrase");
  EXPECT_ERROR("-\"x", KZ_ERR_QUERY, 1, "unterminated phrase");
}

/* ------------------------------------------------------------------------ */
/* Limits                                                                   */
/* ------------------------------------------------------------------------ */

/* n copies of `unit`, then `middle`, then n copies of `close`. */
static char *nest(size_t n, const char *unit, const char *middle, const char *close) {
  kz_buf b = KZ_BUF_INIT;
  for (size_t i = 0; i < n; i++) put(&b, unit);
  put(&b, middle);
  for (size_t i = 0; i < n; i++) put(&b, close);
  kz_buf_put_u8(&b, 0);
  return (char *)b.data;
}

static void test_query_parse__depth_limit(void) {
  /* 64 groups that cannot dissolve make a tree 65 levels deep */
  char *q = nest(KZ_MAX_QUERY_DEPTH, "(x ", "a", ")");
  kz_qnode *root = NULL;
  int rc = kz_query_parse(&root, q, strlen(q), NULL);
  int max_depth = 0;
  long nodes = rc == KZ_OK ? check_tree(root, q, strlen(q), 0, &max_depth) : -1;
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
  put(&w, "(LIST (- ");
  put(&w, want + 1); /* the clause's own "(" is already there */
  put(&w, ")");
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
    long nodes = root->kind == KZ_Q_LIST ? check_tree(root, q, len, 0, &max_depth) : -1;
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
      if (kz_test_rand(&rng) % 2) put(&b, " ");
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

/* ------------------------------------------------------------------------ */
/* Fields                                                                   */
/* ------------------------------------------------------------------------ */

static void test_query_parse__title_field(void) {
  EXPECT_TREE("title:almaty", "(LIST (WORD title: almaty))");
  EXPECT_TREE("Title:almaty", "(LIST (WORD title: almaty))");
  EXPECT_TREE("title:\"state of emergency\"", "(LIST (PHRASE title: \"state of emergency\"))");
  EXPECT_TREE("+title:oil prices", "(LIST (+ WORD title: oil) (WORD prices))");
  EXPECT_TREE("peace -title:oil", "(LIST (WORD peace) (- WORD title: oil))");
  EXPECT_TREE("a OR title:b", "(LIST (OR (WORD a) (WORD title: b)))");
  EXPECT_TREE("title:AND", "(LIST (WORD title: AND))");
  EXPECT_TREE("(title:x)", "(LIST (WORD title: x))");
  EXPECT_ERROR("title:", KZ_ERR_QUERY, 0, "'title:' at 0 needs a word");
  EXPECT_ERROR("oil title: x", KZ_ERR_QUERY, 4, "needs a word");
  EXPECT_ERROR("(title:)", KZ_ERR_QUERY, 1, "needs a word");
  EXPECT_ERROR("title:(a b)", KZ_ERR_QUERY, 0, "needs a word");
}

static void test_query_parse__words_with_colons_stay_words(void) {
  EXPECT_TREE("10:30", "(LIST (WORD 10:30))");
  EXPECT_TREE("http://x.org", "(LIST (WORD http://x.org))");
  EXPECT_TREE("note: this", "(LIST (WORD note:) (WORD this))");
  EXPECT_TREE("a::b", "(LIST (WORD a::b))");
  EXPECT_TREE("x1:y", "(LIST (WORD x1:y))");
  EXPECT_TREE("nur-sultan:", "(LIST (WORD nur-sultan:))");
}

static void test_query_parse__unknown_field_is_an_error(void) {
  EXPECT_ERROR("author:x", KZ_ERR_QUERY, 0, "unknown field 'author'");
  EXPECT_ERROR("author:x", KZ_ERR_QUERY, 0, "title: and date:");
  EXPECT_ERROR("oil +author:\"x y\"", KZ_ERR_QUERY, 5, "unknown field");
  /* A name of 10,000 letters: the message quotes its start only. */
  size_t n = 10000;
  char *q = malloc(n + 3);
  CHECK(q);
  memset(q, 'a', n);
  memcpy(q + n, ":x", 3);
  EXPECT_ERROR(q, KZ_ERR_QUERY, 0, "unknown field 'aaaa");
  kz_qnode *root = NULL;
  kz_error err = {0};
  CHECK_EQ_INT(kz_query_parse(&root, q, strlen(q), &err), KZ_ERR_QUERY);
  CHECK(strlen(err.message) < 200);
  free(q);
}

static void test_query_parse__date_field(void) {
  EXPECT_TREE("date:2022-01-06", "(LIST (DATE 1641427200..1641513599))");
  EXPECT_TREE("date:2022", "(LIST (DATE 1640995200..1672531199))");
  EXPECT_TREE("oil date:2022-01-05..2022-01-07",
              "(LIST (WORD oil) (DATE 1641340800..1641599999))");
  EXPECT_TREE("(date:>=2022-01-05)", "(LIST (DATE 1641340800..9223372036854775807))");
  EXPECT_TREE("date:[2022-01-05 TO 2022-01-07] oil",
              "(LIST (DATE 1641340800..1641599999) (WORD oil))");
  EXPECT_TREE("-date:2022 x", "(LIST (- DATE 1640995200..1672531199) (WORD x))");
  EXPECT_ERROR("date:", KZ_ERR_QUERY, 0, "needs a date");
  EXPECT_ERROR("oil date:..", KZ_ERR_QUERY, 9, "date:");
  EXPECT_ERROR("date:2022-13-40", KZ_ERR_QUERY, 10, "date:");
  EXPECT_ERROR("date:[2022 TO 2023", KZ_ERR_QUERY, 5, "unterminated date range");
  EXPECT_ERROR("date:2022-01-07..2022-01-05", KZ_ERR_QUERY, 17, "reversed");
}

static void test_query_parse__sloppy_phrases(void) {
  EXPECT_TREE("\"troops almaty\"~5", "(LIST (PHRASE \"troops almaty\"~5))");
  EXPECT_TREE("+\"a b\"~0 c", "(LIST (+ PHRASE \"a b\") (WORD c))");
  EXPECT_TREE("title:\"a b\"~2", "(LIST (PHRASE title: \"a b\"~2))");
  EXPECT_TREE("(\"a b\"~3)", "(LIST (PHRASE \"a b\"~3))");
  EXPECT_TREE("\"a\"~100000", "(LIST (PHRASE \"a\"~100000))");
  EXPECT_ERROR("\"\"~", KZ_ERR_QUERY, 2, "needs a slop from 0 to 100000");
  EXPECT_ERROR("x \"a\"~-1", KZ_ERR_QUERY, 5, "'~' after a phrase (at 5)");
  EXPECT_ERROR("\"a b\"~ c", KZ_ERR_QUERY, 5, "needs a slop");
  EXPECT_ERROR("\"a b\"~5x", KZ_ERR_QUERY, 5, "needs a slop");
  EXPECT_ERROR("\"a b\"~100001", KZ_ERR_QUERY, 5, "needs a slop");
  EXPECT_ERROR("\"a b\"~99999999999999999999", KZ_ERR_QUERY, 5, "needs a slop");
}

static void test_query_parse__near(void) {
  EXPECT_TREE("troops NEAR/5 almaty", "(LIST (NEAR/5 (WORD troops) (WORD almaty)))");
  EXPECT_TREE("a NEAR b NEAR c", "(LIST (NEAR/10 (WORD a) (WORD b) (WORD c)))");
  EXPECT_TREE("x +a NEAR/2 b", "(LIST (WORD x) (+ NEAR/2 (WORD a) (WORD b)))");
  EXPECT_TREE("a NEAR b AND c", "(LIST (AND (NEAR/10 (WORD a) (WORD b)) (WORD c)))");
  EXPECT_TREE("title:a NEAR title:b", "(LIST (NEAR title:/10 (WORD title: a) (WORD title: b)))");
  EXPECT_TREE("a near b", "(LIST (WORD a) (WORD near) (WORD b))");
  EXPECT_TREE("title:NEAR", "(LIST (WORD title: NEAR))");
  EXPECT_ERROR("a NEAR/999999 b", KZ_ERR_QUERY, 2, "window N from 1 to 100000");
  EXPECT_ERROR("a NEAR/0 b", KZ_ERR_QUERY, 2, "NEAR/N needs a window");
  EXPECT_ERROR("a NEAR/x b", KZ_ERR_QUERY, 2, "NEAR/N needs a window");
  EXPECT_ERROR("a NEAR/ b", KZ_ERR_QUERY, 2, "NEAR/N needs a window");
  EXPECT_ERROR("a NEAR", KZ_ERR_QUERY, 2, "NEAR needs a word on both sides");
  EXPECT_ERROR("NEAR a", KZ_ERR_QUERY, 0, "NEAR needs a word on both sides");
  EXPECT_ERROR("a NEAR/2 b NEAR/3 c", KZ_ERR_QUERY, 11, "one chain has one window");
  EXPECT_ERROR("a NEAR \"b c\"", KZ_ERR_QUERY, 7, "not a word");
  EXPECT_ERROR("(a b) NEAR c", KZ_ERR_QUERY, 0, "not a word");
  EXPECT_ERROR("a NEAR title:b", KZ_ERR_QUERY, 7, "another field");
}

static void test_query_parse__unsupported_syntax_is_an_error(void) {
  EXPECT_ERROR("a^2", KZ_ERR_QUERY, 1, "boosts (a^2) are not supported");
  EXPECT_ERROR("x \"a b\"^2", KZ_ERR_QUERY, 7, "boosts");
  EXPECT_ERROR("(a b)^0.5", KZ_ERR_QUERY, 5, "boosts");
  EXPECT_ERROR("[a TO b]", KZ_ERR_QUERY, 0, "ranges [a TO b] work only on dates");
  EXPECT_ERROR("x {a TO b}", KZ_ERR_QUERY, 2, "ranges");
  EXPECT_ERROR("title:[a TO b]", KZ_ERR_QUERY, 6, "ranges");
  EXPECT_ERROR("*foo", KZ_ERR_QUERY, 0, "leading wildcards are not supported");
  EXPECT_ERROR("a ?oo", KZ_ERR_QUERY, 2, "wildcard");
  EXPECT_ERROR("*", KZ_ERR_QUERY, 0, "wildcard");
  /* what only looks like it stays words */
  EXPECT_TREE("x^y ^ [note]", "(LIST (WORD x^y) (WORD ^) (WORD [note]))");
  EXPECT_TREE("what? TO", "(LIST (WORD what?) (WORD TO))");
}

KZ_TEST_MAIN(KZ_TEST(test_query_parse__sloppy_phrases), KZ_TEST(test_query_parse__near),
             KZ_TEST(test_query_parse__unsupported_syntax_is_an_error),
             KZ_TEST(test_query_parse__title_field),
             KZ_TEST(test_query_parse__words_with_colons_stay_words),
             KZ_TEST(test_query_parse__unknown_field_is_an_error),
             KZ_TEST(test_query_parse__date_field), KZ_TEST(test_query_parse__single_word), KZ_TEST(test_query_parse__several_words),
             KZ_TEST(test_query_parse__modifiers), KZ_TEST(test_query_parse__hyphenated_words),
             KZ_TEST(test_query_parse__phrases), KZ_TEST(test_query_parse__and_or_precedence),
             KZ_TEST(test_query_parse__chains_flatten), KZ_TEST(test_query_parse__not),
             KZ_TEST(test_query_parse__modifiers_in_chains),
             KZ_TEST(test_query_parse__lowercase_operators_are_words),
             KZ_TEST(test_query_parse__parentheses), KZ_TEST(test_query_parse__modifiers_on_groups),
             KZ_TEST(test_query_parse__empty_query), KZ_TEST(test_query_parse__parenthesis_errors),
             KZ_TEST(test_query_parse__operator_errors), KZ_TEST(test_query_parse__modifier_errors),
             KZ_TEST(test_query_parse__unterminated_phrase), KZ_TEST(test_query_parse__depth_limit),
             KZ_TEST(test_query_parse__deep_nesting_does_not_overflow),
             KZ_TEST(test_query_parse__length_limit), KZ_TEST(test_query_parse__clause_limit),
             KZ_TEST(test_query_parse__random_bytes), KZ_TEST(test_query_parse__random_tokens))
