/*
 * date.c - calendar arithmetic and the public date functions of
 * common/date.h: a document's date to UTC seconds, a query's date
 * expression to an inclusive range, facet buckets and ISO formatting.
 *
 * Days are counted with the days-from-civil algorithm on the proleptic
 * Gregorian calendar (400-year eras of 146,097 days), in int64 arithmetic
 * that is exact far beyond the years 0000..9999 the parsers accept, so that
 * bucketing and formatting are defined for every int64 second. The text
 * itself is read by common/date_text.c; this file turns its fields into
 * seconds and periods, and owns the range grammar of queries.
 */
#include "common/date.h"

#include <stdio.h>
#include <string.h>

#include "common/date_text.h"
#include "kzsearch.h"

#define DAY_SECONDS 86400
#define SHOWN_BYTES 32 /* of a range end quoted in a message */

/* ------------------------------------------------------------------------ */
/* Calendar arithmetic                                                      */
/* ------------------------------------------------------------------------ */

int64_t kz_date_days_from_civil(int64_t year, int month, int day) {
  int64_t y = year - (month <= 2); /* years start in March: the leap day comes last */
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t days, int64_t *year, int *month, int *day) {
  int64_t z = days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *day = (int)(doy - (153 * mp + 2) / 5 + 1);
  *month = (int)(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2);
}

int kz_date_days_in_month(int64_t year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  int leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
  return days[month - 1] + (month == 2 && leap);
}

/* Floor division of t into whole days (and the second of that day, when asked). */
static int64_t day_of(int64_t t, int64_t *second) {
  int64_t days = t / DAY_SECONDS, rest = t % DAY_SECONDS;
  if (rest < 0) days--, rest += DAY_SECONDS;
  if (second) *second = rest;
  return days;
}

/* days * 86400, saturated to the int64 range (only days near INT64_MIN / 86400 need it). */
static int64_t seconds_of(int64_t days) {
  if (days < INT64_MIN / DAY_SECONDS) return INT64_MIN;
  if (days > INT64_MAX / DAY_SECONDS) return INT64_MAX;
  return days * DAY_SECONDS;
}

/* The first and the last second of the period the fields name (their precision). */
static void period_of(const kz_date_fields *f, int64_t *first, int64_t *last) {
  int64_t day = kz_date_days_from_civil(f->year, f->month, f->day);
  int64_t start = day * DAY_SECONDS + f->hour * 3600 + f->minute * 60 + f->second;
  int64_t next = start + 1;
  switch (f->precision) {
    case KZ_DATE_P_YEAR: next = kz_date_days_from_civil(f->year + 1, 1, 1) * DAY_SECONDS; break;
    case KZ_DATE_P_MONTH:
      next = (f->month == 12 ? kz_date_days_from_civil(f->year + 1, 1, 1)
                             : kz_date_days_from_civil(f->year, f->month + 1, 1)) * DAY_SECONDS;
      break;
    case KZ_DATE_P_DAY: next = start + DAY_SECONDS; break;
    case KZ_DATE_P_HOUR: next = start + 3600; break;
    case KZ_DATE_P_MINUTE: next = start + 60; break;
    case KZ_DATE_P_SECOND: break;
  }
  *first = start - f->zone_seconds;
  *last = next - 1 - f->zone_seconds;
}

static int is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static void trim(const char *s, size_t *b, size_t *e) {
  while (*b < *e && is_space(s[*b])) (*b)++;
  while (*e > *b && is_space(s[*e - 1])) (*e)--;
}

/* ------------------------------------------------------------------------ */
/* A document's date                                                        */
/* ------------------------------------------------------------------------ */

int kz_date_parse(int64_t *out, const char *s, size_t len, char *why, size_t why_size) {
  if (why && why_size > 0) why[0] = '\0';
  size_t b = 0, e = s ? len : 0;
  trim(s, &b, &e);
  kz_date_reader r = {s, b, e, 0, why, why_size};
  if (b == e) return kz_date_fail(&r, b, "the date is empty");
  /* RFC 2822 starts with a weekday or a day of one or two digits and a
   * space; everything else is read as ISO 8601 (and told what ISO wants). */
  size_t i = b;
  while (i < e && s[i] >= '0' && s[i] <= '9') i++;
  int c = (unsigned char)s[b];
  int rfc = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (i > b && i - b <= 2 && i < e && is_space(s[i]));
  kz_date_fields f;
  int rc = rfc ? kz_date_read_rfc2822(&r, &f) : kz_date_read_iso(&r, &f);
  if (rc != KZ_OK) return rc;
  int64_t first, last;
  period_of(&f, &first, &last);
  if (first < KZ_DATE_MIN || first > KZ_DATE_MAX)
    return kz_date_fail(&r, b, "the date is outside 0000-01-01T00:00:00Z..9999-12-31T23:59:59Z "
                               "once its zone is applied");
  *out = first;
  return KZ_OK;
}

/* ------------------------------------------------------------------------ */
/* A query's date expression                                                */
/* ------------------------------------------------------------------------ */

/* One end of a range: s[b, e) (trimmed) read as an ISO point; `after` names what came before. */
static int read_point(kz_date_reader *r, size_t b, size_t e, const char *after, int64_t *first,
                      int64_t *last) {
  trim(r->s, &b, &e);
  if (b == e) return kz_date_fail(r, b, "expected a date after %s", after);
  r->pos = b;
  r->end = e;
  kz_date_fields f;
  int rc = kz_date_read_iso(r, &f);
  if (rc == KZ_OK) period_of(&f, first, last);
  return rc;
}

static int reversed(kz_date_reader *r, size_t a, size_t a_end, size_t b, size_t b_end) {
  int a_len = (int)(a_end - a < SHOWN_BYTES ? a_end - a : SHOWN_BYTES);
  int b_len = (int)(b_end - b < SHOWN_BYTES ? b_end - b : SHOWN_BYTES);
  return kz_date_fail(r, b, "the range is reversed: %.*s ends before %.*s begins", b_len,
                      r->s + b, a_len, r->s + a);
}

/* A..B, A.., ..B with s[dots] == ".." */
static int read_dots(kz_date_reader *r, size_t b, size_t dots, size_t e, int64_t *lo, int64_t *hi) {
  if (dots == b && dots + 2 == e)
    return kz_date_fail(r, b, "the range '..' is empty: give at least one end "
                              "(2022-01-05.., ..2022-01-07)");
  int64_t a_first = KZ_DATE_OPEN_LO, a_last, b_first, b_last = KZ_DATE_OPEN_HI;
  int rc;
  if (dots > b && (rc = read_point(r, b, dots, "the start", &a_first, &a_last)) != KZ_OK) return rc;
  if (dots + 2 < e && (rc = read_point(r, dots + 2, e, "'..'", &b_first, &b_last)) != KZ_OK)
    return rc;
  if (a_first > b_last) return reversed(r, b, dots, dots + 2, e);
  *lo = a_first;
  *hi = b_last;
  return KZ_OK;
}

/* >=A  >A  <=A  <A */
static int read_compare(kz_date_reader *r, size_t b, size_t e, int64_t *lo, int64_t *hi) {
  int greater = r->s[b] == '>';
  int inclusive = b + 1 < e && r->s[b + 1] == '=';
  int64_t first, last;
  const char *op = greater ? (inclusive ? "'>='" : "'>'") : (inclusive ? "'<='" : "'<'");
  int rc = read_point(r, b + 1 + (size_t)inclusive, e, op, &first, &last);
  if (rc != KZ_OK) return rc;
  *lo = greater ? (inclusive ? first : last + 1) : KZ_DATE_OPEN_LO;
  *hi = greater ? KZ_DATE_OPEN_HI : (inclusive ? last : first - 1);
  return KZ_OK;
}

static size_t skip_word(const char *s, size_t p, size_t e) {
  while (p < e && !is_space(s[p])) p++;
  return p;
}

static size_t skip_spaces(const char *s, size_t p, size_t e) {
  while (p < e && is_space(s[p])) p++;
  return p;
}

/* [A TO B], {A TO B} and their mixtures; * for an open end. */
static int read_lucene(kz_date_reader *r, size_t b, size_t e, int64_t *lo, int64_t *hi) {
  const char *s = r->s;
  if (e - b < 2 || (s[e - 1] != ']' && s[e - 1] != '}'))
    return kz_date_fail(r, e, "expected ']' or '}' to close the range opened by '%c'", s[b]);
  int open_excl = s[b] == '{', close_excl = s[e - 1] == '}';
  size_t a = skip_spaces(s, b + 1, e - 1), a_end = skip_word(s, a, e - 1);
  if (a == a_end) return kz_date_fail(r, a, "expected a date or '*' after '%c'", s[b]);
  size_t to = skip_spaces(s, a_end, e - 1);
  if (e - 1 - to < 2 || s[to] != 'T' || s[to + 1] != 'O' || skip_word(s, to, e - 1) != to + 2)
    return kz_date_fail(r, to, "expected 'TO' between the two ends of the range");
  size_t z = skip_spaces(s, to + 2, e - 1), z_end = skip_word(s, z, e - 1);
  if (z == z_end) return kz_date_fail(r, z, "expected a date or '*' after 'TO'");
  if (skip_spaces(s, z_end, e - 1) != e - 1)
    return kz_date_fail(r, skip_spaces(s, z_end, e - 1),
                        "expected ']' or '}' after the range's end");
  int64_t a_first = KZ_DATE_OPEN_LO, a_last = KZ_DATE_OPEN_LO;
  int64_t z_first = KZ_DATE_OPEN_HI, z_last = KZ_DATE_OPEN_HI;
  int a_star = a_end - a == 1 && s[a] == '*', z_star = z_end - z == 1 && s[z] == '*';
  int rc;
  if (!a_star && (rc = read_point(r, a, a_end, "the range's start", &a_first, &a_last)) != KZ_OK)
    return rc;
  if (!z_star && (rc = read_point(r, z, z_end, "'TO'", &z_first, &z_last)) != KZ_OK) return rc;
  if (!a_star && !z_star && a_first > z_last) return reversed(r, a, a_end, z, z_end);
  int64_t l = a_star ? KZ_DATE_OPEN_LO : open_excl ? a_last + 1 : a_first;
  int64_t h = z_star ? KZ_DATE_OPEN_HI : close_excl ? z_first - 1 : z_last;
  if (l > h) return kz_date_fail(r, a, "the range is empty: its exclusive ends leave no time");
  *lo = l;
  *hi = h;
  return KZ_OK;
}

int kz_date_parse_query(int64_t *lo, int64_t *hi, const char *s, size_t len, size_t *err_pos,
                        char *why, size_t why_size) {
  if (why && why_size > 0) why[0] = '\0';
  size_t b = 0, e = s ? len : 0;
  trim(s, &b, &e);
  kz_date_reader r = {s, b, e, 0, why, why_size};
  int64_t l = 0, h = 0;
  int rc;
  size_t dots = b;
  while (dots + 1 < e && !(s[dots] == '.' && s[dots + 1] == '.')) dots++;
  if (b == e) {
    rc = kz_date_fail(&r, b, "the date is empty: give a date or a range "
                             "(2022-01-06, 2022-01..2022-03)");
  } else if (s[b] == '[' || s[b] == '{') {
    rc = read_lucene(&r, b, e, &l, &h);
  } else if (s[b] == '>' || s[b] == '<') {
    rc = read_compare(&r, b, e, &l, &h);
  } else if (dots + 1 < e) {
    rc = read_dots(&r, b, dots, e, &l, &h);
  } else {
    rc = read_point(&r, b, e, "the start", &l, &h);
  }
  if (rc != KZ_OK) {
    if (err_pos) *err_pos = r.err_pos;
    return KZ_ERR_QUERY;
  }
  *lo = l;
  *hi = h;
  return KZ_OK;
}

/* ------------------------------------------------------------------------ */
/* Buckets and formatting                                                   */
/* ------------------------------------------------------------------------ */

int64_t kz_date_bucket(int64_t t, kz_date_unit unit) {
  int64_t days = day_of(t, NULL);
  if (unit == KZ_DATE_MONTH || unit == KZ_DATE_YEAR) {
    int64_t year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    days = kz_date_days_from_civil(year, unit == KZ_DATE_YEAR ? 1 : month, 1);
  }
  return seconds_of(days);
}

/* Years outside 0000..9999 carry a sign, as ISO 8601's expanded years do. */
static const char *year_sign(int64_t year) { return year < 0 ? "-" : year > 9999 ? "+" : ""; }
static long long year_digits(int64_t year) { return (long long)(year < 0 ? -year : year); }

static size_t length_of(int n) { return n < 0 ? 0 : (size_t)n; }

size_t kz_date_format_bucket(char *buf, size_t size, int64_t start, kz_date_unit unit) {
  int64_t year;
  int month, day;
  civil_from_days(day_of(start, NULL), &year, &month, &day);
  const char *sign = year_sign(year);
  long long y = year_digits(year);
  if (unit == KZ_DATE_YEAR) return length_of(snprintf(buf, size, "%s%04lld", sign, y));
  if (unit == KZ_DATE_MONTH) return length_of(snprintf(buf, size, "%s%04lld-%02d", sign, y, month));
  return length_of(snprintf(buf, size, "%s%04lld-%02d-%02d", sign, y, month, day));
}

size_t kz_date_format(char *buf, size_t size, int64_t t) {
  int64_t second;
  int64_t days = day_of(t, &second);
  int64_t year;
  int month, day;
  civil_from_days(days, &year, &month, &day);
  return length_of(snprintf(buf, size, "%s%04lld-%02d-%02dT%02d:%02d:%02dZ", year_sign(year),
                            year_digits(year), month, day, (int)(second / 3600),
                            (int)(second / 60 % 60), (int)(second % 60)));
}

int kz_date_unit_parse(kz_date_unit *out, const char *s) {
  static const char *const names[] = {"day", "month", "year"};
  for (int i = 0; s && i < 3; i++) {
    if (strcmp(s, names[i]) == 0) {
      *out = (kz_date_unit)i;
      return KZ_OK;
    }
  }
  return KZ_ERR_INVALID;
}
