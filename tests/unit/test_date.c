/*
 * test_date.c - dates (common/date.h): every accepted document form (ISO
 * 8601 and RFC 2822), zones, leap days and the leap second, 1970 and
 * earlier, the far future, each malformed form with its own message, the
 * query forms with their ranges and each query error with its position,
 * and bucket/format round trips.
 *
 * The anchor values come from GNU date (`date -u -d 2022-01-06 +%s` is
 * 1641427200, `date -u -d 1600-01-01 +%s` is -11676096000); everything else
 * is built from them with plain offsets. The day arithmetic is checked
 * against a brute-force day counter walking every day of 1600..2400.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/date.h"
#include "kz_test.h"
#include "kzsearch.h"

#define DAY 86400LL
#define HOUR 3600LL
#define JAN6 1641427200LL /* 2022-01-06T00:00:00Z */

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/* A heap copy of exactly s's bytes (no NUL), so that a read past the length is caught. */
static char *exact_copy(const char *s, size_t *n) {
  *n = strlen(s);
  char *copy = malloc(*n ? *n : 1);
  if (copy) memcpy(copy, s, *n);
  return copy;
}

static int parse(const char *s, int64_t *out, char *why, size_t why_size) {
  size_t n;
  char *copy = exact_copy(s, &n);
  int rc = copy ? kz_date_parse(out, copy, n, why, why_size) : KZ_ERR_NOMEM;
  free(copy);
  return rc;
}

static int query(const char *s, int64_t *lo, int64_t *hi, size_t *pos, char *why, size_t size) {
  size_t n;
  char *copy = exact_copy(s, &n);
  int rc = copy ? kz_date_parse_query(lo, hi, copy, n, pos, why, size) : KZ_ERR_NOMEM;
  free(copy);
  return rc;
}

typedef struct accepted {
  const char *text;
  int64_t seconds;
} accepted;

static int check_accepted(const accepted *cases, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int64_t t = 0;
    char why[128];
    int rc = parse(cases[i].text, &t, why, sizeof why);
    if (rc != KZ_OK || t != cases[i].seconds) {
      fprintf(stderr, "  \"%s\": rc %d (%s), %lld, want %lld\n", cases[i].text, rc, why,
              (long long)t, (long long)cases[i].seconds);
      return 0;
    }
  }
  return 1;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* ------------------------------------------------------------------------ */
/* Documents                                                                */
/* ------------------------------------------------------------------------ */

static void test_date__iso_forms(void) {
  static const accepted cases[] = {
      {"2022-01-06", JAN6},
      {"2022-01-06T10", JAN6 + 10 * HOUR},
      {"2022-01-06T10:15", JAN6 + 10 * HOUR + 15 * 60},
      {"2022-01-06T10:15:00", JAN6 + 10 * HOUR + 15 * 60},
      {"2022-01-06T10:15:07", JAN6 + 10 * HOUR + 15 * 60 + 7},
      {"2022-01-06t10:15:07", JAN6 + 10 * HOUR + 15 * 60 + 7},
      {"2022-01-06 10:15:07", JAN6 + 10 * HOUR + 15 * 60 + 7},
      {"2022-01-06T10:15:07.999", JAN6 + 10 * HOUR + 15 * 60 + 7},
      {"2022-01-06T10:15:07,5", JAN6 + 10 * HOUR + 15 * 60 + 7},
      {"2022-01-06T10:15:07.123456789Z", JAN6 + 10 * HOUR + 15 * 60 + 7},
      {"2022-01", JAN6 - 5 * DAY},
      {"2022", JAN6 - 5 * DAY},
      {"  \t2022-01-06\r\n", JAN6},
      {"2022-01-31", JAN6 + 25 * DAY},
      {"2022-02-01", JAN6 + 26 * DAY},
      {"2022-12-31", JAN6 + 359 * DAY},
      {"2023-01-01", JAN6 + 360 * DAY},
  };
  CHECK(check_accepted(cases, sizeof cases / sizeof cases[0]));
}

static void test_date__zones(void) {
  static const accepted cases[] = {
      {"2022-01-06T10:15Z", JAN6 + 10 * HOUR + 900},
      {"2022-01-06T10:15z", JAN6 + 10 * HOUR + 900},
      {"2022-01-06T10:15+06:00", JAN6 + 4 * HOUR + 900},
      {"2022-01-06T10:15:00+0600", JAN6 + 4 * HOUR + 900},
      {"2022-01-06T10:15+06", JAN6 + 4 * HOUR + 900},
      {"2022-01-06T10:15-05:30", JAN6 + 15 * HOUR + 45 * 60},
      {"2022-01-06T10:15:00.5-0530", JAN6 + 15 * HOUR + 45 * 60},
      {"2022-01-06 10:15:00 +0000", JAN6 + 10 * HOUR + 900},
      {"2022-01-06 10:15:00 UTC", JAN6 + 10 * HOUR + 900},
      {"2022-01-06T10:15 gmt", JAN6 + 10 * HOUR + 900},
      {"2022-01-06T00:00+23:59", JAN6 - 23 * HOUR - 59 * 60},
      {"2022-01-06T00:00-23:59", JAN6 + 23 * HOUR + 59 * 60},
      {"2022-01-06T01:00+02:00", JAN6 - HOUR}, /* the zone moves it to the day before */
  };
  CHECK(check_accepted(cases, sizeof cases / sizeof cases[0]));
}

static void test_date__rfc2822_forms(void) {
  static const accepted cases[] = {
      {"Thu, 06 Jan 2022 10:15:00 +0600", JAN6 + 4 * HOUR + 900},
      {"06 Jan 2022 10:15:00 +0600", JAN6 + 4 * HOUR + 900},
      {"Thu, 6 Jan 2022 10:15 +0600", JAN6 + 4 * HOUR + 900},
      {"Thu,06 Jan 2022 10:15:00 GMT", JAN6 + 10 * HOUR + 900},
      {"thu, 06 jan 2022 10:15:00 gmt", JAN6 + 10 * HOUR + 900},
      {"Thursday, 6 January 2022 10:15:00 UT", JAN6 + 10 * HOUR + 900},
      {"Thu, 06 Jan 2022 10:15:00 Z", JAN6 + 10 * HOUR + 900},
      {"Thu, 06 Jan 2022 10:15:00", JAN6 + 10 * HOUR + 900},
      {"Thu, 06 Jan 2022", JAN6},
      {"Thu, 06 Jan 2022 10:15:00 -0500 (EST)", JAN6 + 15 * HOUR + 900},
      {"Thu,  06  Jan  2022  10:15:00  -05:00", JAN6 + 15 * HOUR + 900},
      {"Thu, 06 Jan 2022 10:15:00 EST", JAN6 + 15 * HOUR + 900},
      {"Thu, 06 Jan 2022 10:15:00 EDT", JAN6 + 14 * HOUR + 900},
      {"Thu, 06 Jan 2022 10:15:00 CST", JAN6 + 16 * HOUR + 900},
      {"Thu, 06 Jan 2022 10:15:00 CDT", JAN6 + 15 * HOUR + 900},
      {"Thu, 06 Jan 2022 10:15:00 MST", JAN6 + 17 * HOUR + 900},
      {"Thu, 06 Jan 2022 10:15:00 MDT", JAN6 + 16 * HOUR + 900},
      {"Thu, 06 Jan 2022 10:15:00 PST", JAN6 + 18 * HOUR + 900},
      {"Thu, 06 Jan 2022 10:15:00 PDT", JAN6 + 17 * HOUR + 900},
      {"Thu, 06 Jan 2022 9:15:00 +0000", JAN6 + 9 * HOUR + 900},
      /* The weekday is a name, not checked against the date (feeds get it wrong). */
      {"Fri, 06 Jan 2022 10:15:00 +0000", JAN6 + 10 * HOUR + 900},
      /* RFC 2822 section 4.3: 2-digit years below 50 are 20xx, others 19xx; 3 digits + 1900. */
      {"06 Jan 22 00:00 +0000", JAN6},
      {"06 Jan 122 00:00 +0000", JAN6},
      {"06 Jan 49", JAN6 + 27 * 365 * DAY + 7 * DAY},
      {"01 Jan 50", -20 * 365 * DAY - 5 * DAY},
      {"31 Dec 99 23:59:59 GMT", 946684799LL},
  };
  CHECK(check_accepted(cases, sizeof cases / sizeof cases[0]));
}

static void test_date__leap_days_and_seconds(void) {
  static const accepted cases[] = {
      {"2024-02-29", JAN6 + (360 + 365 + 59) * DAY},
      {"2000-02-29", 951782400LL},
      {"1600-02-29", -11676096000LL + 59 * DAY},
      {"29 Feb 2024", JAN6 + (360 + 365 + 59) * DAY},
      /* A leap second is clamped to :59 of its minute (date.h). */
      {"2016-12-31T23:59:60Z", 1483228799LL},
      {"Sat, 31 Dec 2016 23:59:60 +0000", 1483228799LL},
  };
  CHECK(check_accepted(cases, sizeof cases / sizeof cases[0]));
  int64_t t;
  char why[128];
  CHECK_EQ_INT(parse("2023-02-29", &t, why, sizeof why), KZ_ERR_INVALID);
  CHECK_EQ_STR(why, "February 2023 has 28 days");
  CHECK_EQ_INT(parse("1900-02-29", &t, why, sizeof why), KZ_ERR_INVALID);
  CHECK_EQ_STR(why, "February 1900 has 28 days");
  CHECK_EQ_INT(parse("2100-02-29", &t, why, sizeof why), KZ_ERR_INVALID);
  CHECK_EQ_INT(parse("2024-02-30", &t, why, sizeof why), KZ_ERR_INVALID);
  CHECK_EQ_STR(why, "February 2024 has 29 days");
  CHECK_EQ_INT(parse("2022-04-31", &t, why, sizeof why), KZ_ERR_INVALID);
  CHECK_EQ_STR(why, "April 2022 has 30 days");
}

static void test_date__epoch_and_earlier(void) {
  static const accepted cases[] = {
      {"1970-01-01", 0},
      {"1970-01-01T00:00:01Z", 1},
      {"1969-12-31T23:59:59Z", -1},
      {"1970-01-01T00:00+01:00", -HOUR},
      {"1900-01-01", -2208988800LL},
      {"1600-01-01", -11676096000LL},
      {"0000-01-01", KZ_DATE_MIN},
      {"0000-03-01", KZ_DATE_MIN + (31 + 29) * DAY}, /* year 0 is a leap year */
      {"0000-01-01T00:00-01:00", KZ_DATE_MIN + HOUR},
  };
  CHECK(check_accepted(cases, sizeof cases / sizeof cases[0]));
  int64_t t;
  char why[128];
  CHECK_EQ_INT(parse("0000-01-01T00:00+00:01", &t, why, sizeof why), KZ_ERR_INVALID);
  CHECK(strstr(why, "outside") != NULL);
}

static void test_date__far_future(void) {
  static const accepted cases[] = {
      {"9999-12-31T23:59:59Z", KZ_DATE_MAX},
      {"9999-12-31", KZ_DATE_MAX + 1 - DAY},
      {"9999-12-31T23:59:59+23:59", KZ_DATE_MAX - 23 * HOUR - 59 * 60},
      {"Fri, 31 Dec 9999 23:59:59 GMT", KZ_DATE_MAX},
  };
  CHECK(check_accepted(cases, sizeof cases / sizeof cases[0]));
  int64_t t;
  char why[128];
  CHECK_EQ_INT(parse("9999-12-31T23:59:59-00:01", &t, why, sizeof why), KZ_ERR_INVALID);
  CHECK_EQ_INT(parse("10000-01-01", &t, why, sizeof why), KZ_ERR_INVALID);
  CHECK_EQ_STR(why, "year 10000 is out of range (0000..9999)");
}

static void test_date__not_nul_terminated(void) {
  const char buf[] = "2022-01-06T10:15:00Z and more";
  int64_t t = 0;
  CHECK_EQ_INT(kz_date_parse(&t, buf, 20, NULL, 0), KZ_OK);
  CHECK_EQ_INT(t, JAN6 + 10 * HOUR + 900);
  CHECK_EQ_INT(kz_date_parse(&t, buf, 10, NULL, 0), KZ_OK);
  CHECK_EQ_INT(t, JAN6);
  char why[128];
  CHECK_EQ_INT(kz_date_parse(&t, buf, 24, why, sizeof why), KZ_ERR_INVALID);
  CHECK_EQ_STR(why, "trailing text after the date: 'and'");
  CHECK_EQ_INT(kz_date_parse(&t, NULL, 0, why, sizeof why), KZ_ERR_INVALID);
}

/* Each malformed form, with its message; no two forms share a message. */
static void test_date__malformed_documents(void) {
  static const struct {
    const char *text, *why;
  } cases[] = {
      {"", "the date is empty"},
      {" \t ", "the date is empty"},
      {"2022-13-01", "month 13 is out of range (01..12)"},
      {"2022-00-01", "month 00 is out of range (01..12)"},
      {"2022-01-40", "day 40 is out of range (01..31)"},
      {"2022-01-00", "day 00 is out of range (01..31)"},
      {"2023-02-29", "February 2023 has 28 days"},
      {"2022-1-06", "the month needs two digits (01..12)"},
      {"2022-01-6", "the day needs two digits (01..31)"},
      {"22-01-06", "the year needs four digits (0000..9999)"},
      {"99999999999999-01-01", "year 99999999999999 is out of range (0000..9999)"},
      {"20220106", "write the date with dashes (2022-01-06), not as one number"},
      {"2022/01/06", "expected '-' after the year, found '/'"},
      {"2022-01/06", "expected '-' after the month, found '/'"},
      {"2022-01-06X10:15", "expected 'T' or a space before the time, found 'X'"},
      {"2022-01-06T", "expected the time (10:15), found the end"},
      {"2022-01-06T1:15", "the hour needs two digits (00..23)"},
      {"2022-01-06T24:00", "hour 24 is out of range (00..23)"},
      {"2022-01-06T10:60", "minute 60 is out of range (00..59)"},
      {"2022-01-06T10:5", "the minutes need two digits (00..59)"},
      {"2022-01-06T10:15:61", "second 61 is out of range (00..59)"},
      {"2022-01-06T10:15:1", "the seconds need two digits (00..59)"},
      {"2022-01-06T10:15:00.Z", "expected digits after the decimal mark, found 'Z'"},
      {"2022-01-06T10:15+6", "a zone offset is +hh:mm, +hhmm or +hh"},
      {"2022-01-06T10:15+24:00", "zone offset hour 24 is out of range (00..23)"},
      {"2022-01-06T10:15+05:60", "zone offset minutes 60 are out of range (00..59)"},
      {"2022-01-06T10:15 XYZ", "unknown time zone 'XYZ'"},
      {"2022-01-06T10:15Zulu", "trailing text after the date: 'ulu'"},
      {"2022-01-06\x01", "expected 'T' or a space before the time, found byte 0x01"},
      {"+2022-01-06", "expected a date such as 2022-01-06, found '+'"},
      {"Thu, 06 Jan 2022 10:15:00 XYZ", "unknown time zone 'XYZ'"},
      {"Thu, 06 Foo 2022", "unknown month 'Foo'"},
      {"Thx, 06 Jan 2022", "unknown weekday 'Thx'"},
      {"Jan 06 2022", "the day goes before the month (Thu, 06 Jan 2022)"},
      {"Thu, Jan 2022", "expected the day of the month, found 'J'"},
      {"Thu, 006 Jan 2022", "the day needs one or two digits (1..31)"},
      {"Thu, 06Jan 2022", "expected a space after the day, found 'J'"},
      {"Thu, 06 2022", "expected a month name (Jan..Dec), found '2'"},
      {"Thu, 06 Jan2022", "expected a space after the month, found '2'"},
      {"Thu, 06 Jan", "expected the year after the month, found the end"},
      {"Thu, 06 Jan 2", "the year needs four digits (or two: 22 for 2022)"},
      {"Thu, 06 Jan 20222", "year 20222 is out of range (0000..9999)"},
      {"Thu, 32 Jan 2022", "day 32 is out of range (01..31)"},
      {"Thu, 30 Feb 2022", "February 2022 has 28 days"},
      {"Thu, 06 Jan 2022 10", "expected ':' and the minutes after the hour, found the end"},
      {"Thu, 06 Jan 2022 10:15 (EST", "the comment '(' is not closed"},
      {"Thu, 06 Jan 2022 10:15 +0000 junk", "trailing text after the date: 'junk'"},
      {"2022-01-06T10:15Z, updated 2022-01-07",
       "trailing text after the date: ', updated 2022-0...'"},
      {"123456789012345678901234-01-01", "year 1234567890123456... is out of range (0000..9999)"},
  };
  size_t n = sizeof cases / sizeof cases[0];
  for (size_t i = 0; i < n; i++) {
    int64_t t = 12345;
    char why[128] = "untouched";
    int rc = parse(cases[i].text, &t, why, sizeof why);
    if (rc != KZ_ERR_INVALID || strcmp(why, cases[i].why) != 0)
      fprintf(stderr, "  \"%s\": rc %d, \"%s\"\n", cases[i].text, rc, why);
    CHECK_EQ_INT(rc, KZ_ERR_INVALID);
    CHECK_EQ_STR(why, cases[i].why);
    CHECK_EQ_INT(t, 12345); /* out untouched on error */
  }
  /* Distinct forms get distinct messages (the two empty ones are one form). */
  for (size_t i = 2; i < n; i++)
    for (size_t j = i + 1; j < n; j++)
      if (strcmp(cases[i].why, cases[j].why) == 0 && strstr(cases[i].why, "zone") == NULL &&
          strstr(cases[i].why, "trailing") == NULL)
        CHECK(!"two malformed forms share a message");
  /* A short why buffer is cut and still terminated; NULL is allowed. */
  char small[8];
  int64_t t;
  CHECK_EQ_INT(parse("2022-13-01", &t, small, sizeof small), KZ_ERR_INVALID);
  CHECK_EQ_STR(small, "month 1");
  CHECK_EQ_INT(parse("2022-13-01", &t, NULL, 0), KZ_ERR_INVALID);
}

/* ------------------------------------------------------------------------ */
/* Queries                                                                  */
/* ------------------------------------------------------------------------ */

#define LO KZ_DATE_OPEN_LO
#define HI KZ_DATE_OPEN_HI

static void test_date__query_forms(void) {
  static const struct {
    const char *text;
    int64_t lo, hi;
  } cases[] = {
      {"2022", JAN6 - 5 * DAY, JAN6 + 360 * DAY - 1},
      {"2022-01", JAN6 - 5 * DAY, JAN6 + 26 * DAY - 1},
      {"2022-12", JAN6 + 329 * DAY, JAN6 + 360 * DAY - 1},
      {"2024-02", JAN6 + (360 + 365 + 31) * DAY, JAN6 + (360 + 365 + 60) * DAY - 1},
      {"2022-01-06", JAN6, JAN6 + DAY - 1},
      {"  2022-01-06\t", JAN6, JAN6 + DAY - 1},
      {"2022-01-06T10", JAN6 + 10 * HOUR, JAN6 + 11 * HOUR - 1},
      {"2022-01-06T10:15", JAN6 + 10 * HOUR + 900, JAN6 + 10 * HOUR + 959},
      {"2022-01-06 10:15", JAN6 + 10 * HOUR + 900, JAN6 + 10 * HOUR + 959},
      {"2022-01-06T10:15:07", JAN6 + 10 * HOUR + 907, JAN6 + 10 * HOUR + 907},
      {"2022-01-06T10:15:07.9Z", JAN6 + 10 * HOUR + 907, JAN6 + 10 * HOUR + 907},
      {"2022-01-06T10:15+06:00", JAN6 + 4 * HOUR + 900, JAN6 + 4 * HOUR + 959},
      {"2022-01-05..2022-01-07", JAN6 - DAY, JAN6 + 2 * DAY - 1},
      {"2022-01-05 .. 2022-01-07", JAN6 - DAY, JAN6 + 2 * DAY - 1},
      {"2022-01-06..2022-01-06", JAN6, JAN6 + DAY - 1},
      {"2021-12..2022-01-06T10:15", JAN6 - 36 * DAY, JAN6 + 10 * HOUR + 959},
      {"2022-01-06T10:15:00.5..2022-01-06T10:16", JAN6 + 10 * HOUR + 900, JAN6 + 10 * HOUR + 1019},
      {"2022-01-05..", JAN6 - DAY, HI},
      {"..2022-01-07", LO, JAN6 + 2 * DAY - 1},
      {">=2022-01-05", JAN6 - DAY, HI},
      {">2022-01-05", JAN6, HI},
      {"<=2022-01-07", LO, JAN6 + 2 * DAY - 1},
      {"<2022-01-07", LO, JAN6 + DAY - 1},
      {"> 2022", JAN6 + 360 * DAY, HI},
      {"[2022-01-05 TO 2022-01-07]", JAN6 - DAY, JAN6 + 2 * DAY - 1},
      {"[ 2022-01-05  TO  2022-01-07 ]", JAN6 - DAY, JAN6 + 2 * DAY - 1},
      {"[* TO 2022-01-07]", LO, JAN6 + 2 * DAY - 1},
      {"[2022-01-05 TO *]", JAN6 - DAY, HI},
      {"[* TO *]", LO, HI},
      {"{2022-01-05 TO 2022-01-07}", JAN6, JAN6 + DAY - 1},
      {"[2022-01-05 TO 2022-01-07}", JAN6 - DAY, JAN6 + DAY - 1},
      {"1969", -365 * DAY, -1},
      {"0000", KZ_DATE_MIN, KZ_DATE_MIN + 366 * DAY - 1},
      {"9999", KZ_DATE_MAX + 1 - 365 * DAY, KZ_DATE_MAX},
      {"<0000", LO, KZ_DATE_MIN - 1},
      {">9999-12-31T23:59:59Z", KZ_DATE_MAX + 1, HI},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t lo = 0, hi = 0;
    size_t pos = 999;
    char why[128] = "";
    int rc = query(cases[i].text, &lo, &hi, &pos, why, sizeof why);
    if (rc != KZ_OK || lo != cases[i].lo || hi != cases[i].hi)
      fprintf(stderr, "  \"%s\": rc %d (%s), [%lld, %lld], want [%lld, %lld]\n", cases[i].text,
              rc, why, (long long)lo, (long long)hi, (long long)cases[i].lo,
              (long long)cases[i].hi);
    CHECK_EQ_INT(rc, KZ_OK);
    CHECK_EQ_INT(lo, cases[i].lo);
    CHECK_EQ_INT(hi, cases[i].hi);
    CHECK_EQ_INT(pos, 999); /* untouched on success */
  }
}

static void test_date__query_errors(void) {
  static const struct {
    const char *text;
    size_t pos;
    const char *why;
  } cases[] = {
      {"", 0, "the date is empty: give a date or a range (2022-01-06, 2022-01..2022-03)"},
      {"..", 0, "the range '..' is empty: give at least one end (2022-01-05.., ..2022-01-07)"},
      {" .. ", 1, "the range '..' is empty: give at least one end (2022-01-05.., ..2022-01-07)"},
      {"2022-13-40", 5, "month 13 is out of range (01..12)"},
      {"2022-02-30", 8, "February 2022 has 28 days"},
      {"99999999999999", 0, "year 99999999999999 is out of range (0000..9999)"},
      {"2022-01-07..2022-01-05", 12,
       "the range is reversed: 2022-01-05 ends before 2022-01-07 begins"},
      {"2022-01-07..2022-01-06T23:59", 12,
       "the range is reversed: 2022-01-06T23:59 ends before 2022-01-07 begins"},
      {"2022..x", 6, "expected a date such as 2022-01-06, found 'x'"},
      {"x..2022", 0, "expected a date such as 2022-01-06, found 'x'"},
      {"2022-01-06..2022-01-06..2022", 22, "expected 'T' or a space before the time, found '.'"},
      {"date", 0, "expected a date such as 2022-01-06, found 'd'"},
      {">=", 2, "expected a date after '>='"},
      {"<", 1, "expected a date after '<'"},
      {">=2022-01-06T25:00", 13, "hour 25 is out of range (00..23)"},
      {"[2022 TO", 8, "expected ']' or '}' to close the range opened by '['"},
      {"[]", 1, "expected a date or '*' after '['"},
      {"[2022 2023]", 6, "expected 'TO' between the two ends of the range"},
      {"[2022 TOO 2023]", 6, "expected 'TO' between the two ends of the range"},
      {"[2022 TO ]", 9, "expected a date or '*' after 'TO'"},
      {"[2022 TO 2023 x]", 14, "expected ']' or '}' after the range's end"},
      {"[2023 TO 2022]", 9, "the range is reversed: 2022 ends before 2023 begins"},
      {"{2022 TO 2022}", 1, "the range is empty: its exclusive ends leave no time"},
      {"[2022-00 TO *]", 6, "month 00 is out of range (01..12)"},
      {"[* TO 2022-01-06X]", 16, "expected 'T' or a space before the time, found 'X'"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    int64_t lo = 7, hi = 8;
    size_t pos = 999;
    char why[128] = "";
    int rc = query(cases[i].text, &lo, &hi, &pos, why, sizeof why);
    if (rc != KZ_ERR_QUERY || pos != cases[i].pos || strcmp(why, cases[i].why) != 0)
      fprintf(stderr, "  \"%s\": rc %d at %zu: \"%s\"\n", cases[i].text, rc, pos, why);
    CHECK_EQ_INT(rc, KZ_ERR_QUERY);
    CHECK_EQ_INT(pos, cases[i].pos);
    CHECK_EQ_STR(why, cases[i].why);
    CHECK(lo == 7 && hi == 8); /* untouched on error */
  }
  int64_t lo, hi;
  CHECK_EQ_INT(kz_date_parse_query(&lo, &hi, NULL, 0, NULL, NULL, 0), KZ_ERR_QUERY);
}

/* ------------------------------------------------------------------------ */
/* Buckets and formatting                                                   */
/* ------------------------------------------------------------------------ */

static void test_date__format(void) {
  char buf[64];
  CHECK_EQ_INT(kz_date_format(buf, sizeof buf, 0), 20);
  CHECK_EQ_STR(buf, "1970-01-01T00:00:00Z");
  kz_date_format(buf, sizeof buf, -1);
  CHECK_EQ_STR(buf, "1969-12-31T23:59:59Z");
  kz_date_format(buf, sizeof buf, JAN6 + 10 * HOUR + 907);
  CHECK_EQ_STR(buf, "2022-01-06T10:15:07Z");
  kz_date_format(buf, sizeof buf, KZ_DATE_MIN);
  CHECK_EQ_STR(buf, "0000-01-01T00:00:00Z");
  kz_date_format(buf, sizeof buf, KZ_DATE_MAX);
  CHECK_EQ_STR(buf, "9999-12-31T23:59:59Z");
  kz_date_format(buf, sizeof buf, KZ_DATE_MAX + 1);
  CHECK_EQ_STR(buf, "+10000-01-01T00:00:00Z");
  kz_date_format(buf, sizeof buf, KZ_DATE_MIN - 1);
  CHECK_EQ_STR(buf, "-0001-12-31T23:59:59Z");
  /* Every int64 formats, without overflow (the sanitizer build watches). */
  CHECK(kz_date_format(buf, sizeof buf, INT64_MIN) < sizeof buf && buf[0] == '-');
  CHECK(kz_date_format(buf, sizeof buf, INT64_MAX) < sizeof buf && buf[0] == '+');
  /* snprintf-like: the length it needed, the output cut and terminated. */
  char small[5];
  CHECK_EQ_INT(kz_date_format(small, sizeof small, 0), 20);
  CHECK_EQ_STR(small, "1970");
  CHECK_EQ_INT(kz_date_format(NULL, 0, 0), 20);
  CHECK_EQ_INT(kz_date_format_bucket(buf, sizeof buf, JAN6 + 5, KZ_DATE_DAY), 10);
  CHECK_EQ_STR(buf, "2022-01-06");
  CHECK_EQ_INT(kz_date_format_bucket(buf, sizeof buf, JAN6, KZ_DATE_MONTH), 7);
  CHECK_EQ_STR(buf, "2022-01");
  CHECK_EQ_INT(kz_date_format_bucket(buf, sizeof buf, JAN6, KZ_DATE_YEAR), 4);
  CHECK_EQ_STR(buf, "2022");
  kz_date_format_bucket(buf, sizeof buf, KZ_DATE_MAX + 1, KZ_DATE_YEAR);
  CHECK_EQ_STR(buf, "+10000");
}

static void test_date__bucket_extremes(void) {
  for (int u = KZ_DATE_DAY; u <= KZ_DATE_YEAR; u++) {
    CHECK_EQ_INT(kz_date_bucket(KZ_DATE_NONE, (kz_date_unit)u), KZ_DATE_NONE);
    CHECK(kz_date_bucket(INT64_MAX, (kz_date_unit)u) <= INT64_MAX - 0);
    CHECK(kz_date_bucket(INT64_MAX, (kz_date_unit)u) > INT64_MAX - 366 * DAY);
    CHECK_EQ_INT(kz_date_bucket(KZ_DATE_MIN, (kz_date_unit)u), KZ_DATE_MIN);
  }
  CHECK_EQ_INT(kz_date_bucket(-1, KZ_DATE_DAY), -DAY);
  CHECK_EQ_INT(kz_date_bucket(-1, KZ_DATE_MONTH), -31 * DAY);
  CHECK_EQ_INT(kz_date_bucket(-1, KZ_DATE_YEAR), -365 * DAY);
  CHECK_EQ_INT(kz_date_bucket(JAN6 + 10 * HOUR, KZ_DATE_DAY), JAN6);
  CHECK_EQ_INT(kz_date_bucket(JAN6 + 10 * HOUR, KZ_DATE_MONTH), JAN6 - 5 * DAY);
  CHECK_EQ_INT(kz_date_bucket(JAN6 + 10 * HOUR, KZ_DATE_YEAR), JAN6 - 5 * DAY);
}

/* For t: format -> parse gives t back; each bucket, formatted and read as a query, is the
 * period holding t, starting at the bucket and ending where the next bucket starts. */
static int round_trip(int64_t t) {
  char buf[64], why[128];
  int64_t back = 0;
  size_t n = kz_date_format(buf, sizeof buf, t);
  if (kz_date_parse(&back, buf, n, why, sizeof why) != KZ_OK || back != t) {
    fprintf(stderr, "  %lld -> %s -> %lld (%s)\n", (long long)t, buf, (long long)back, why);
    return 0;
  }
  for (int u = KZ_DATE_DAY; u <= KZ_DATE_YEAR; u++) {
    int64_t start = kz_date_bucket(t, (kz_date_unit)u), lo = 0, hi = 0;
    size_t pos;
    n = kz_date_format_bucket(buf, sizeof buf, start, (kz_date_unit)u);
    if (start > t || kz_date_parse_query(&lo, &hi, buf, n, &pos, why, sizeof why) != KZ_OK ||
        lo != start || hi < t || kz_date_bucket(hi, (kz_date_unit)u) != start ||
        (hi < KZ_DATE_MAX && kz_date_bucket(hi + 1, (kz_date_unit)u) != hi + 1)) {
      fprintf(stderr, "  %lld unit %d: bucket %lld \"%s\" [%lld, %lld]\n", (long long)t, u,
              (long long)start, buf, (long long)lo, (long long)hi);
      return 0;
    }
  }
  return 1;
}

static void test_date__round_trips(void) {
  static const int64_t edges[] = {KZ_DATE_MIN, KZ_DATE_MIN + 1, KZ_DATE_MAX, KZ_DATE_MAX - 1,
                                  0, -1, 1, JAN6, JAN6 - 1, 951782400LL, 951782400LL - 1,
                                  -2208988800LL, 1483228799LL};
  for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) CHECK(round_trip(edges[i]));
  uint64_t x = 0x9e3779b97f4a7c15u;
  uint64_t span = (uint64_t)(KZ_DATE_MAX - KZ_DATE_MIN) + 1;
  for (int i = 0; i < 200000; i++) {
    x = x * 6364136223846793005u + 1442695040888963407u;
    CHECK(round_trip(KZ_DATE_MIN + (int64_t)((x >> 11) % span)));
  }
}

/* Every day of 1600..2400 counted one by one: the day number, the month
 * length, the parsed date, its formatting and its month and year buckets. */
static void test_date__day_arithmetic_brute_force(void) {
  static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int64_t n = 0;
  for (int y = 1600; y < 1970; y++) n -= 365 + is_leap(y);
  CHECK_EQ_INT(n * DAY, -11676096000LL); /* GNU date's 1600-01-01 */
  char text[16], buf[64];
  for (int y = 1600; y <= 2400; y++) {
    int64_t year_start = n;
    for (int m = 1; m <= 12; m++) {
      int len = month_days[m - 1] + (m == 2 && is_leap(y));
      int64_t month_start = n;
      CHECK_EQ_INT(kz_date_days_in_month(y, m), len);
      for (int d = 1; d <= len; d++, n++) {
        CHECK_EQ_INT(kz_date_days_from_civil(y, m, d), n);
        snprintf(text, sizeof text, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
        int64_t t = 0;
        CHECK_EQ_INT(kz_date_parse(&t, text, 10, NULL, 0), KZ_OK);
        CHECK_EQ_INT(t, n * DAY);
        int64_t noon = n * DAY + 12 * HOUR;
        kz_date_format(buf, sizeof buf, noon);
        CHECK(memcmp(buf, text, 10) == 0 && strcmp(buf + 10, "T12:00:00Z") == 0);
        CHECK_EQ_INT(kz_date_bucket(noon, KZ_DATE_DAY), n * DAY);
        CHECK_EQ_INT(kz_date_bucket(noon, KZ_DATE_MONTH), month_start * DAY);
        CHECK_EQ_INT(kz_date_bucket(noon, KZ_DATE_YEAR), year_start * DAY);
      }
    }
  }
  int64_t t;
  CHECK_EQ_INT(kz_date_parse(&t, "2401-01-01", 10, NULL, 0), KZ_OK);
  CHECK_EQ_INT(t, n * DAY);
}

static void test_date__unit_parse(void) {
  kz_date_unit u = KZ_DATE_YEAR;
  CHECK_EQ_INT(kz_date_unit_parse(&u, "day"), KZ_OK);
  CHECK_EQ_INT(u, KZ_DATE_DAY);
  CHECK_EQ_INT(kz_date_unit_parse(&u, "month"), KZ_OK);
  CHECK_EQ_INT(u, KZ_DATE_MONTH);
  CHECK_EQ_INT(kz_date_unit_parse(&u, "year"), KZ_OK);
  CHECK_EQ_INT(u, KZ_DATE_YEAR);
  CHECK_EQ_INT(kz_date_unit_parse(&u, "week"), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_date_unit_parse(&u, ""), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_date_unit_parse(&u, "days"), KZ_ERR_INVALID);
  CHECK_EQ_INT(kz_date_unit_parse(&u, NULL), KZ_ERR_INVALID);
  CHECK_EQ_INT(u, KZ_DATE_YEAR); /* untouched on error */
}

KZ_TEST_MAIN(KZ_TEST(test_date__iso_forms), KZ_TEST(test_date__zones),
             KZ_TEST(test_date__rfc2822_forms), KZ_TEST(test_date__leap_days_and_seconds),
             KZ_TEST(test_date__epoch_and_earlier), KZ_TEST(test_date__far_future),
             KZ_TEST(test_date__not_nul_terminated), KZ_TEST(test_date__malformed_documents),
             KZ_TEST(test_date__query_forms), KZ_TEST(test_date__query_errors),
             KZ_TEST(test_date__format), KZ_TEST(test_date__bucket_extremes),
             KZ_TEST(test_date__round_trips), KZ_TEST(test_date__day_arithmetic_brute_force),
             KZ_TEST(test_date__unit_parse))
