/*
 * test_wordbreak.c - the tokenizer against Unicode's own word-break tests
 * (UAX #29, WordBreakTest.txt from Debian's unicode-data package; another
 * copy may be named by KZ_WORDBREAK_TEST). Exit 77 (skip) when the file is
 * missing.
 *
 * The correspondence: UAX #29 cuts a text into segments (words, spaces,
 * punctuation); the tokenizer emits only words. So the expected tokens of a
 * test line are its segments that hold a letter or a number (General
 * Category L* or N*, as utf8proc says, not as the analyzer does), as byte
 * ranges of the line's UTF-8; the actual ones are the byte ranges
 * (start, end) of kz_analyzer_next_unstemmed's tokens. A line agrees when
 * the two lists are equal.
 *
 * A line that disagrees is put in a class by the first code point boundary
 * where the two differ (one side joins the code points into one token, the
 * other does not), named by the UAX #29 rule the test line gives for that
 * boundary ("[13.0]" is WB13: Katakana x Katakana), or "membership" when the
 * joins agree but a code point is in a token on one side only. Each class is
 * a deliberate difference, explained in docs/ANALYSIS.md; the test asserts
 * the count of every class and of agreeing lines, so that any change of the
 * tokenizer that moves a boundary shows up here.
 *
 * Run with -v to print every disagreeing line and the totals.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "analysis/analyzer.h"
#include "kz_test.h"
#include "kzsearch.h"

#define DEFAULT_PATH "/usr/share/unicode/auxiliary/WordBreakTest.txt"
#define MAX_CPS 64
#define MAX_CLASSES 32

typedef struct test_line {
  int32_t cp[MAX_CPS];
  int brk[MAX_CPS + 1];      /* brk[i]: a break before code point i (÷), 0 for × */
  char rule[MAX_CPS + 1][8]; /* the rule number at each boundary, from the comment */
  size_t n;
  uint8_t text[MAX_CPS * 4];
  size_t off[MAX_CPS + 1]; /* byte offset of each code point in text; off[n] = length */
} test_line;

typedef struct tally {
  char name[16];
  int count;
} tally;

static int verbose;

/* Parses "÷ 0041 × 0308 ÷ ... ÷\t# comment". @return 1, 0 for a line without a test. */
static int parse_line(const char *s, test_line *t) {
  const char *hash = strchr(s, '#');
  size_t body = hash ? (size_t)(hash - s) : strlen(s);
  t->n = 0;
  size_t i = 0;
  int have_break = 0;
  while (i < body) {
    if (!strncmp(s + i, "\xc3\xb7", 2)) { /* ÷ */
      if (t->n > MAX_CPS) return 0;
      t->brk[t->n] = 1;
      have_break = 1;
      i += 2;
    } else if (!strncmp(s + i, "\xc3\x97", 2)) { /* × */
      t->brk[t->n] = 0;
      have_break = 1;
      i += 2;
    } else if (s[i] == ' ' || s[i] == '\t') {
      i++;
    } else {
      char *end;
      long v = strtol(s + i, &end, 16);
      if (end == s + i || t->n >= MAX_CPS) return 0;
      t->cp[t->n++] = (int32_t)v;
      i = (size_t)(end - s);
    }
  }
  if (!have_break || t->n == 0) return 0;
  /* The comment names the rule at each boundary: "÷ [0.2] NAME (Prop) × [4.0] ...". */
  size_t b = 0;
  for (const char *p = hash; p && b <= t->n; p++) {
    p = strstr(p, " [");
    if (!p) break;
    const char *close = strchr(p, ']');
    if (!close || close - p - 2 >= (long)sizeof t->rule[0]) break;
    memcpy(t->rule[b], p + 2, (size_t)(close - p - 2));
    t->rule[b][close - p - 2] = 0;
    b++;
  }
  if (b != t->n + 1) return 0;
  size_t len = 0;
  for (size_t k = 0; k < t->n; k++) {
    t->off[k] = len;
    utf8proc_ssize_t w = utf8proc_encode_char(t->cp[k], t->text + len);
    if (w <= 0) return 0;
    len += (size_t)w;
  }
  t->off[t->n] = len;
  return 1;
}

static int is_word_char(int32_t c) {
  utf8proc_category_t k = utf8proc_category(c);
  return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
         (k >= UTF8PROC_CATEGORY_ND && k <= UTF8PROC_CATEGORY_NO);
}

/* Index of the code point that starts at byte `off`, or -1. */
static int cp_at(const test_line *t, size_t off) {
  for (size_t k = 0; k <= t->n; k++)
    if (t->off[k] == off) return (int)k;
  return -1;
}

/*
 * Labels every code point with its token number (or -1), expected and
 * actual. @return 0, or -1 when a token does not start and end at code
 * point boundaries (counted as a disagreement of its own).
 */
static int label(const test_line *t, kz_analyzer *an, int *expect, int *actual) {
  int tok = 0;
  for (size_t k = 0; k < t->n;) {
    size_t e = k + 1;
    while (e < t->n && !t->brk[e]) e++;
    int word = 0;
    for (size_t j = k; j < e; j++) word |= is_word_char(t->cp[j]);
    for (size_t j = k; j < e; j++) expect[j] = word ? tok : -1;
    tok += word;
    k = e;
  }
  for (size_t k = 0; k < t->n; k++) actual[k] = -1;
  kz_analyzer_reset(an, (const char *)t->text, t->off[t->n]);
  kz_token token;
  int rc, n = 0;
  while ((rc = kz_analyzer_next_unstemmed(an, &token)) == 1) {
    int a = cp_at(t, token.start), b = cp_at(t, token.end);
    if (a < 0 || b < 0) return -1;
    for (int j = a; j < b; j++) actual[j] = n;
    n++;
  }
  return rc == 0 ? 0 : -1;
}

/* The class of a disagreeing line, see the top of the file. */
static void classify(const test_line *t, const int *expect, const int *actual, char *out,
                     size_t cap) {
  for (size_t k = 1; k < t->n; k++) {
    int e = expect[k] >= 0 && expect[k] == expect[k - 1];
    int a = actual[k] >= 0 && actual[k] == actual[k - 1];
    if (e != a) {
      snprintf(out, cap, "[%s]", t->rule[k]);
      return;
    }
  }
  snprintf(out, cap, "membership");
}

static void count(tally *classes, size_t *n_classes, const char *name) {
  for (size_t i = 0; i < *n_classes; i++)
    if (!strcmp(classes[i].name, name)) {
      classes[i].count++;
      return;
    }
  if (*n_classes == MAX_CLASSES) return;
  snprintf(classes[*n_classes].name, sizeof classes[0].name, "%s", name);
  classes[(*n_classes)++].count = 1;
}

static int count_of(const tally *classes, size_t n_classes, const char *name) {
  for (size_t i = 0; i < n_classes; i++)
    if (!strcmp(classes[i].name, name)) return classes[i].count;
  return 0;
}

/*
 * The lines of WordBreakTest-15.0.0 (Debian 15.0.0) and the classes of
 * deliberate differences, each explained in docs/ANALYSIS.md; every other
 * class must be empty. Another version of the file gives other counts: the
 * test then fails and says so, and the table is to be updated after reading
 * the new disagreements (run with -v).
 */
#define EXPECTED_CASES 1823
#define EXPECTED_AGREE 1746
static const tally known[] = {
    {"[6.0]", 15},   /* a colon (MidLetter) between letters separates */
    {"[999.0]", 48}, /* a letter and a digit join across ' and . ("90's") */
    {"[13.0]", 3},   /* each kana is a token: Katakana runs do not join */
    {"[13.1]", 2},   /* ... nor does Katakana with a following underscore */
    {"[13.2]", 2},   /* ... or an underscore with a following Katakana */
    {"[4.0]", 1},    /* ... (underscore, mark, Katakana: the first difference is at the mark) */
    {"[7.1]", 3},    /* a Hebrew letter keeps no trailing apostrophe */
    {"[7.2]", 1},    /* a double quote between Hebrew letters separates */
    {"[3.3]", 2},    /* a pictograph after a zero width joiner is not part of a word */
};

static void test_wordbreak__matches_uax29_but_for_known_classes(void) {
  const char *path = getenv("KZ_WORDBREAK_TEST");
  if (!path || !*path) path = DEFAULT_PATH;
  FILE *f = fopen(path, "r");
  if (!f) {
    printf("skip: %s not found (Debian package unicode-data)\n", path);
    exit(77);
  }
  kz_analyzer *an = NULL;
  CHECK(kz_analyzer_new(&an, "none") == KZ_OK);
  tally classes[MAX_CLASSES];
  size_t n_classes = 0;
  int cases = 0, agree = 0;
  char line[4096];
  static test_line t;
  while (fgets(line, sizeof line, f)) {
    if (!parse_line(line, &t)) continue;
    cases++;
    int expect[MAX_CPS], actual[MAX_CPS];
    char cls[16];
    if (label(&t, an, expect, actual) != 0) {
      snprintf(cls, sizeof cls, "misaligned");
    } else if (!memcmp(expect, actual, t.n * sizeof *expect)) {
      agree++;
      continue;
    } else {
      classify(&t, expect, actual, cls, sizeof cls);
    }
    count(classes, &n_classes, cls);
    if (verbose) printf("%-12s %s", cls, line);
  }
  fclose(f);
  kz_analyzer_free(an);
  printf("%d of %d cases agree\n", agree, cases);
  for (size_t i = 0; i < n_classes; i++) printf("  %-12s %d\n", classes[i].name, classes[i].count);
  if (cases != EXPECTED_CASES)
    printf("%d test lines where WordBreakTest-15.0.0 has %d: another Unicode version?\n", cases,
           EXPECTED_CASES);
  CHECK_EQ_INT(cases, EXPECTED_CASES);
  CHECK_EQ_INT(agree, EXPECTED_AGREE);
  size_t n_known = sizeof known / sizeof known[0];
  for (size_t i = 0; i < n_known; i++) {
    int got = count_of(classes, n_classes, known[i].name);
    if (got != known[i].count)
      fprintf(stderr, "class %s: %d lines, expected %d\n", known[i].name, got, known[i].count);
    CHECK_EQ_INT(got, known[i].count);
  }
  for (size_t i = 0; i < n_classes; i++) {
    int listed = 0;
    for (size_t j = 0; j < n_known; j++) listed |= !strcmp(classes[i].name, known[j].name);
    if (!listed) fprintf(stderr, "unexpected class %s (%d lines)\n", classes[i].name, classes[i].count);
    CHECK(listed);
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "-v")) {
    verbose = 1;
    argc--;
    argv++;
  }
  static const kz_test_case cases_[] = {KZ_TEST(test_wordbreak__matches_uax29_but_for_known_classes)};
  return kz_test_run(cases_, 1, argc, argv);
}
