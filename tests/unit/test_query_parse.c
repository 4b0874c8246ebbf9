/*
 * test_query_parse.c - the query parser's trees for every construct,
 * compared as S-expressions: words, modifiers, phrases (exact and sloppy),
 * AND/OR/NOT and their precedence, parentheses, the title: and date:
 * fields, NEAR. Errors are in test_query_parse_errors.c, limits and random
 * input in test_query_parse_limits.c.
 */
#include "kz_test_qparse.h"

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
  char *got = kz_test_render_n("a\0b c", 5);
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
  /* Lucene's spellings: "&&", "||" and a '!' that starts a token */
  EXPECT_TREE("a && b || c", "(LIST (OR (AND (WORD a) (WORD b)) (WORD c)))");
  EXPECT_TREE("a !b", "(LIST (WORD a) (- WORD b))");
  EXPECT_TREE("a AND !(b c)", "(LIST (AND (WORD a) (NOT (LIST (WORD b) (WORD c)))))");
  /* and what only looks like them stays words */
  EXPECT_TREE("a&&b a! ! !!! x!y", "(LIST (WORD a&&b) (WORD a!) (WORD !) (WORD !!!) (WORD x!y))");
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

/* ------------------------------------------------------------------------ */
/* Proximity                                                                */
/* ------------------------------------------------------------------------ */

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

KZ_TEST_MAIN(KZ_TEST(test_query_parse__single_word),
             KZ_TEST(test_query_parse__several_words),
             KZ_TEST(test_query_parse__modifiers),
             KZ_TEST(test_query_parse__hyphenated_words),
             KZ_TEST(test_query_parse__phrases),
             KZ_TEST(test_query_parse__and_or_precedence),
             KZ_TEST(test_query_parse__chains_flatten),
             KZ_TEST(test_query_parse__not),
             KZ_TEST(test_query_parse__modifiers_in_chains),
             KZ_TEST(test_query_parse__lowercase_operators_are_words),
             KZ_TEST(test_query_parse__parentheses),
             KZ_TEST(test_query_parse__modifiers_on_groups),
             KZ_TEST(test_query_parse__title_field),
             KZ_TEST(test_query_parse__words_with_colons_stay_words),
             KZ_TEST(test_query_parse__date_field),
             KZ_TEST(test_query_parse__sloppy_phrases),
             KZ_TEST(test_query_parse__near))
