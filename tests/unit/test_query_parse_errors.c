/*
 * test_query_parse_errors.c - every error of the query parser, with its
 * position and message: empty queries, unbalanced parentheses, operators and
 * modifiers without their terms, unterminated phrases, unknown fields, and
 * the syntax of other engines that kzsearch lacks (boosts, ranges outside
 * date:, leading wildcards).
 */
#include "kz_test_qparse.h"

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
  EXPECT_ERROR("x tok?yev", KZ_ERR_QUERY, 5, "one-letter wildcards (tok?yev) are not supported");
  /* what only looks like it stays words */
  EXPECT_TREE("x^y ^ [note]", "(LIST (WORD x^y) (WORD ^) (WORD [note]))");
  EXPECT_TREE("what? TO", "(LIST (WORD what?) (WORD TO))");
}

KZ_TEST_MAIN(KZ_TEST(test_query_parse__empty_query),
             KZ_TEST(test_query_parse__parenthesis_errors),
             KZ_TEST(test_query_parse__operator_errors),
             KZ_TEST(test_query_parse__modifier_errors),
             KZ_TEST(test_query_parse__unterminated_phrase),
             KZ_TEST(test_query_parse__unknown_field_is_an_error),
             KZ_TEST(test_query_parse__unsupported_syntax_is_an_error))
