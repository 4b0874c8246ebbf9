/*
 * date.h - dates as UTC seconds since 1970: parsing a document's date,
 * parsing a query's date expression into an inclusive range, day/month/year
 * buckets for facets, and formatting. Pure arithmetic on the proleptic
 * Gregorian calendar (days from civil), no I/O, no locale and no TZ
 * environment, so every result is reproducible.
 *
 * Supported years are 0000..9999; anything outside is an error, never an
 * overflow. A leap second (":60") is clamped to ":59" of the same minute, so
 * a feed stamped 23:59:60 keeps its date. Fractional seconds are truncated.
 * Input text is (s, len), not NUL-terminated; `why` receives a one-line
 * reason (always NUL-terminated when why_size > 0; why may be NULL).
 */
#ifndef KZ_DATE_H
#define KZ_DATE_H

#include <stddef.h>
#include <stdint.h>

#define KZ_DATE_NONE INT64_MIN /* "no date": a document without a (valid) date */

/* The first and last second of the supported calendar, as UTC seconds:
 * 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z. Every date kz_date_parse
 * accepts lies in between. */
#define KZ_DATE_MIN (-62167219200LL)
#define KZ_DATE_MAX 253402300799LL

/* The open ends of a query range. */
#define KZ_DATE_OPEN_LO (INT64_MIN + 1)
#define KZ_DATE_OPEN_HI INT64_MAX

typedef enum kz_date_unit { KZ_DATE_DAY = 0, KZ_DATE_MONTH = 1, KZ_DATE_YEAR = 2 } kz_date_unit;

/*
 * A document's date -> UTC seconds since 1970 (negative before). Leading and
 * trailing ASCII whitespace is ignored. Accepted:
 *  - ISO 8601 extended format: 2022-01-06, 2022-01-06T10, 2022-01-06T10:15,
 *    2022-01-06T10:15:00, 2022-01-06T10:15:00.123 (',' also), 't' or one
 *    space instead of 'T', a zone of Z, +06:00, +0600 or +06, optionally
 *    after a space, or a zone name (UTC, GMT, UT). Reduced precision 2022-01
 *    and 2022 stand for the first instant of that month or year (some
 *    corpora date articles by month).
 *  - RFC 2822 as in RSS: [Thu, ]06 Jan 2022 10:15[:00] [+0600|-05:00|NAME]
 *    [(comment)]; day of one or two digits; month and weekday names in
 *    English, abbreviated or full, any case; zone names UT, UTC, GMT, Z, EST,
 *    EDT, CST, CDT, MST, MDT, PST, PDT; the time may be left out; 2-digit
 *    years are 2000-2049 below 50 and 1950-1999 otherwise, 3-digit years
 *    1900 + the year (RFC 2822 section 4.3). The weekday must be a weekday's
 *    name but is not checked against the date (feeds get it wrong; the date
 *    is what counts).
 * A date without a zone is UTC; a date without a time is 00:00:00. Zones go
 * up to +-23:59. The result lies in [KZ_DATE_MIN, KZ_DATE_MAX].
 * @return KZ_OK; KZ_ERR_INVALID with a one-line reason in why (e.g. "month
 *         13 is out of range (01..12)", "February 2023 has 28 days",
 *         "unknown time zone 'XYZ'", "trailing text after the date: 'x'").
 */
int kz_date_parse(int64_t *out, const char *s, size_t len, char *why, size_t why_size);

/*
 * A query's date expression (the text after "date:", or a --since/--until
 * value) -> the inclusive range [*lo, *hi] of UTC seconds. Leading and
 * trailing ASCII whitespace is ignored. A point is an ISO 8601 date as
 * above at its own precision: 2022 (the year), 2022-01 (the month),
 * 2022-01-06 (the UTC day), 2022-01-06T10 (the hour), ...T10:15 (the
 * minute), ...T10:15:00 (the second), with an optional zone. Forms:
 *   A            the point's whole period
 *   A..B         inclusive, each side at its own precision
 *                (2022-01-05..2022-01-07 covers three whole days)
 *   A.. and ..B  open on one side
 *   >=A  >A  <=A  <A  (>A starts after A's period, <A ends before it)
 *   [A TO B]     Lucene style, inclusive; * for an open end; { or } makes
 *                that end exclusive
 * Open ends are KZ_DATE_OPEN_LO (INT64_MIN + 1) and KZ_DATE_OPEN_HI
 * (INT64_MAX). On success *lo <= *hi.
 * @return KZ_OK; KZ_ERR_QUERY with *err_pos = byte offset inside s of the
 *         offending spot and a one-line reason in why: impossible dates
 *         (2022-13-40), reversed or empty ranges (`2022..2021`, `..`, ``),
 *         years beyond 9999, garbage. lo, hi are untouched on error.
 */
int kz_date_parse_query(int64_t *lo, int64_t *hi, const char *s, size_t len, size_t *err_pos,
                        char *why, size_t why_size);

/* Start (UTC seconds) of the day, month or year bucket holding t. Defined
 * for every t: KZ_DATE_NONE (and any t whose bucket would start before
 * INT64_MIN) gives INT64_MIN = KZ_DATE_NONE. */
int64_t kz_date_bucket(int64_t t, kz_date_unit unit);

/* Writes "2022-01-06", "2022-01" or "2022" for the bucket holding start;
 * returns the length it needed (snprintf-like: the output is cut to
 * size - 1 bytes and NUL-terminated when size > 0). Years outside
 * 0000..9999 get a sign ("+10000", "-0001"). */
size_t kz_date_format_bucket(char *buf, size_t size, int64_t start, kz_date_unit unit);

/* Writes t as ISO 8601 UTC, "2022-01-06T10:15:00Z"; returns the length
 * (snprintf-like, as above). kz_date_parse reads it back to t for every t
 * in [KZ_DATE_MIN, KZ_DATE_MAX]. */
size_t kz_date_format(char *buf, size_t size, int64_t t);

/* Days since 1970-01-01 of a proleptic Gregorian date (negative before);
 * month 1..12, day 1..31; exact for any |year| < 2^40. */
int64_t kz_date_days_from_civil(int64_t year, int month, int day);

/* Days in a month (1..12) of a year: 28..31. */
int kz_date_days_in_month(int64_t year, int month);

/* Parses "day", "month", "year" (NUL-terminated, lowercase).
 * @return KZ_OK or KZ_ERR_INVALID (*out untouched). */
int kz_date_unit_parse(kz_date_unit *out, const char *s);

#endif /* KZ_DATE_H */
