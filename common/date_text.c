/*
 * date_text.c - the two date grammars of common/date.h read into calendar
 * fields (see date_text.h). A reader walks s[pos, end) byte by byte and
 * never reads past end; numbers are read by counting their digits first, so
 * a year of a hundred digits is reported, not accumulated into an overflow.
 * Every way a date can be malformed has its own message, pointing (err_pos)
 * at the first byte of the offending part.
 */
#include "common/date_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/date.h"
#include "kzsearch.h"

#define HOUR_SECONDS 3600
#define NAME_SHOWN 16 /* bytes of an offending word or tail quoted in a message */

static const char *const month_names[12] = {"January", "February", "March",     "April",
                                            "May",     "June",     "July",      "August",
                                            "September", "October", "November", "December"};
static const char *const weekday_names[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                             "Friday", "Saturday", "Sunday"};

/* RFC 2822 section 4.3 names, plus UTC; military letters other than Z are not taken. */
static const struct zone_name {
  const char *name;
  int hours;
} zone_names[] = {{"UT", 0},   {"UTC", 0},  {"GMT", 0},  {"Z", 0},    {"EST", -5}, {"EDT", -4},
                  {"CST", -6}, {"CDT", -5}, {"MST", -7}, {"MDT", -6}, {"PST", -8}, {"PDT", -7}};

int kz_date_fail(kz_date_reader *r, size_t pos, const char *fmt, ...) {
  r->err_pos = pos;
  if (r->why && r->why_size > 0) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, r->why_size, fmt, ap);
    va_end(ap);
  }
  return KZ_ERR_INVALID;
}

/* ------------------------------------------------------------------------ */
/* Characters and tokens                                                    */
/* ------------------------------------------------------------------------ */

static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_space(int c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

static int peek(const kz_date_reader *r) {
  return r->pos < r->end ? (unsigned char)r->s[r->pos] : -1;
}

/* Quotes s[from, to) for a message, at most NAME_SHOWN bytes of it ("..." when cut),
 * non-printable bytes as '?'. */
static const char *shown(const kz_date_reader *r, size_t from, size_t to,
                         char buf[NAME_SHOWN + 4]) {
  size_t n = 0;
  for (size_t i = from; i < to && n < NAME_SHOWN; i++, n++) {
    unsigned char c = (unsigned char)r->s[i];
    buf[n] = (c < 0x20 || c >= 0x7f) ? '?' : (char)c;
  }
  if (from + n < to) buf[n++] = '.', buf[n++] = '.', buf[n++] = '.';
  buf[n] = '\0';
  return buf;
}

/* What stands at pos, for "expected X, found Y" messages. */
static const char *found(const kz_date_reader *r, char buf[NAME_SHOWN + 4]) {
  if (r->pos >= r->end) return "the end";
  unsigned char c = (unsigned char)r->s[r->pos];
  if (c < 0x20 || c >= 0x7f) {
    snprintf(buf, NAME_SHOWN + 4, "byte 0x%02x", c);
  } else {
    buf[0] = '\'', buf[1] = (char)c, buf[2] = '\'', buf[3] = '\0';
  }
  return buf;
}

/* Skips digits, returning how many; *value gets the first nine of them. */
static size_t digits(kz_date_reader *r, int *value) {
  size_t n = 0;
  int v = 0;
  while (r->pos < r->end && is_digit(r->s[r->pos])) {
    if (n < 9) v = v * 10 + (r->s[r->pos] - '0');
    r->pos++, n++;
  }
  *value = v;
  return n;
}

static size_t spaces(kz_date_reader *r) {
  size_t n = 0;
  while (r->pos < r->end && is_space(r->s[r->pos])) r->pos++, n++;
  return n;
}

static size_t letters(kz_date_reader *r) {
  size_t n = 0;
  while (r->pos < r->end && is_alpha(r->s[r->pos])) r->pos++, n++;
  return n;
}

/* Whether word (n letters) is name in full or its first three letters, in any case. */
static int names(const char *word, size_t n, const char *name) {
  size_t full = strlen(name);
  if (n != 3 && n != full) return 0;
  for (size_t i = 0; i < n; i++)
    if (lower(word[i]) != lower(name[i])) return 0;
  return 1;
}

static int find_name(const char *word, size_t n, const char *const *table, int count) {
  for (int i = 0; i < count; i++)
    if (names(word, n, table[i])) return i;
  return -1;
}

/* ------------------------------------------------------------------------ */
/* Parts shared by both grammars                                            */
/* ------------------------------------------------------------------------ */

static int year_out_of_range(kz_date_reader *r, size_t at, size_t n) {
  char buf[NAME_SHOWN + 4];
  return kz_date_fail(r, at, "year %s is out of range (0000..9999)", shown(r, at, at + n, buf));
}

/* The day, read at `at`, must exist in the month and year already read. */
static int check_day(kz_date_reader *r, size_t at, kz_date_fields *f) {
  if (f->day < 1 || f->day > 31)
    return kz_date_fail(r, at, "day %02d is out of range (01..31)", f->day);
  int days = kz_date_days_in_month(f->year, f->month);
  if (f->day > days)
    return kz_date_fail(r, at, "%s %04d has %d days", month_names[f->month - 1], f->year, days);
  return KZ_OK;
}

/* hh[:mm[:ss[.fff]]] (ISO: two-digit hour, the hour alone and a fraction allowed)
 * or h[h]:mm[:ss] (RFC 2822). */
static int read_time(kz_date_reader *r, kz_date_fields *f, int iso) {
  char buf[NAME_SHOWN + 4];
  size_t at = r->pos;
  size_t n = digits(r, &f->hour);
  if (n == 0) return kz_date_fail(r, at, "expected the time (10:15), found %s", found(r, buf));
  if (n > 2 || (iso && n != 2)) return kz_date_fail(r, at, "the hour needs two digits (00..23)");
  if (f->hour > 23) return kz_date_fail(r, at, "hour %02d is out of range (00..23)", f->hour);
  f->precision = KZ_DATE_P_HOUR;
  if (peek(r) != ':') {
    if (iso) return KZ_OK;
    return kz_date_fail(r, r->pos, "expected ':' and the minutes after the hour, found %s",
                        found(r, buf));
  }
  r->pos++;
  at = r->pos;
  if (digits(r, &f->minute) != 2)
    return kz_date_fail(r, at, "the minutes need two digits (00..59)");
  if (f->minute > 59) return kz_date_fail(r, at, "minute %02d is out of range (00..59)", f->minute);
  f->precision = KZ_DATE_P_MINUTE;
  if (peek(r) != ':') return KZ_OK;
  r->pos++;
  at = r->pos;
  if (digits(r, &f->second) != 2)
    return kz_date_fail(r, at, "the seconds need two digits (00..59)");
  if (f->second > 60) return kz_date_fail(r, at, "second %02d is out of range (00..59)", f->second);
  if (f->second == 60) f->second = 59; /* a leap second: clamped (date.h) */
  f->precision = KZ_DATE_P_SECOND;
  if (iso && (peek(r) == '.' || peek(r) == ',')) {
    r->pos++;
    int ignored;
    if (digits(r, &ignored) == 0)
      return kz_date_fail(r, r->pos, "expected digits after the decimal mark, found %s",
                          found(r, buf));
  }
  return KZ_OK;
}

/* +hh:mm, +hhmm or +hh (and '-'); the sign is at pos. */
static int read_offset(kz_date_reader *r, kz_date_fields *f) {
  int sign = r->s[r->pos] == '-' ? -1 : 1;
  size_t at = ++r->pos;
  int hours = 0, minutes = 0;
  size_t n = digits(r, &hours);
  if (n == 4) { /* +hhmm */
    minutes = hours % 100;
    hours /= 100;
  } else if (n == 2) {
    if (peek(r) == ':') {
      r->pos++;
      if (digits(r, &minutes) != 2)
        return kz_date_fail(r, at, "a zone offset is +hh:mm, +hhmm or +hh");
    }
  } else {
    return kz_date_fail(r, at, "a zone offset is +hh:mm, +hhmm or +hh");
  }
  if (hours > 23)
    return kz_date_fail(r, at, "zone offset hour %02d is out of range (00..23)", hours);
  if (minutes > 59)
    return kz_date_fail(r, at, "zone offset minutes %02d are out of range (00..59)", minutes);
  f->zone_seconds = sign * (hours * HOUR_SECONDS + minutes * 60);
  return KZ_OK;
}

/* A zone name (letters at pos). */
static int read_zone_name(kz_date_reader *r, kz_date_fields *f) {
  size_t at = r->pos, n = letters(r);
  for (size_t i = 0; i < sizeof zone_names / sizeof zone_names[0]; i++) {
    const char *name = zone_names[i].name;
    if (strlen(name) != n) continue;
    size_t k = 0;
    while (k < n && lower(r->s[at + k]) == lower(name[k])) k++;
    if (k == n) {
      f->zone_seconds = zone_names[i].hours * HOUR_SECONDS;
      return KZ_OK;
    }
  }
  char buf[NAME_SHOWN + 4];
  return kz_date_fail(r, at, "unknown time zone '%s'", shown(r, at, at + n, buf));
}

static int expect_end(kz_date_reader *r) {
  spaces(r);
  if (r->pos == r->end) return KZ_OK;
  char buf[NAME_SHOWN + 4];
  return kz_date_fail(r, r->pos, "trailing text after the date: '%s'",
                      shown(r, r->pos, r->end, buf));
}

/* ------------------------------------------------------------------------ */
/* ISO 8601                                                                 */
/* ------------------------------------------------------------------------ */

int kz_date_read_iso(kz_date_reader *r, kz_date_fields *f) {
  char buf[NAME_SHOWN + 4];
  memset(f, 0, sizeof *f);
  f->month = f->day = 1;
  size_t at = r->pos;
  size_t n = digits(r, &f->year);
  if (n == 0)
    return kz_date_fail(r, at, "expected a date such as 2022-01-06, found %s", found(r, buf));
  if (n == 8 && r->pos == r->end)
    return kz_date_fail(r, at, "write the date with dashes (2022-01-06), not as one number");
  if (n > 4) return year_out_of_range(r, at, n);
  if (n < 4) return kz_date_fail(r, at, "the year needs four digits (0000..9999)");
  f->precision = KZ_DATE_P_YEAR;
  if (r->pos == r->end) return KZ_OK;
  if (peek(r) != '-')
    return kz_date_fail(r, r->pos, "expected '-' after the year, found %s", found(r, buf));
  at = ++r->pos;
  if (digits(r, &f->month) != 2) return kz_date_fail(r, at, "the month needs two digits (01..12)");
  if (f->month < 1 || f->month > 12)
    return kz_date_fail(r, at, "month %02d is out of range (01..12)", f->month);
  f->precision = KZ_DATE_P_MONTH;
  if (r->pos == r->end) return KZ_OK;
  if (peek(r) != '-')
    return kz_date_fail(r, r->pos, "expected '-' after the month, found %s", found(r, buf));
  at = ++r->pos;
  if (digits(r, &f->day) != 2) return kz_date_fail(r, at, "the day needs two digits (01..31)");
  int rc = check_day(r, at, f);
  if (rc != KZ_OK) return rc;
  f->precision = KZ_DATE_P_DAY;
  if (r->pos == r->end) return KZ_OK;
  int c = peek(r);
  if (c != 'T' && c != 't' && c != ' ')
    return kz_date_fail(r, r->pos, "expected 'T' or a space before the time, found %s",
                        found(r, buf));
  r->pos++;
  rc = read_time(r, f, 1);
  if (rc != KZ_OK) return rc;
  size_t gap = spaces(r);
  c = peek(r);
  if (c == 'Z' || c == 'z') {
    r->pos++;
  } else if (c == '+' || c == '-') {
    rc = read_offset(r, f);
  } else if (gap > 0 && is_alpha(c)) {
    rc = read_zone_name(r, f);
  }
  return rc != KZ_OK ? rc : expect_end(r);
}

/* ------------------------------------------------------------------------ */
/* RFC 2822                                                                 */
/* ------------------------------------------------------------------------ */

/* [weekday[,]] ahead of the day. */
static int read_weekday(kz_date_reader *r) {
  if (!is_alpha(peek(r))) return KZ_OK;
  size_t at = r->pos, n = letters(r);
  char buf[NAME_SHOWN + 4];
  if (find_name(r->s + at, n, weekday_names, 7) < 0) {
    if (find_name(r->s + at, n, month_names, 12) >= 0)
      return kz_date_fail(r, at, "the day goes before the month (Thu, 06 Jan 2022)");
    return kz_date_fail(r, at, "unknown weekday '%s'", shown(r, at, at + n, buf));
  }
  spaces(r);
  if (peek(r) == ',') r->pos++;
  spaces(r);
  return KZ_OK;
}

static int read_rfc_year(kz_date_reader *r, kz_date_fields *f) {
  size_t at = r->pos;
  size_t n = digits(r, &f->year);
  if (n == 0) {
    char buf[NAME_SHOWN + 4];
    return kz_date_fail(r, at, "expected the year after the month, found %s", found(r, buf));
  }
  if (n > 4) return year_out_of_range(r, at, n);
  if (n == 1) return kz_date_fail(r, at, "the year needs four digits (or two: 22 for 2022)");
  if (n == 2) f->year += f->year < 50 ? 2000 : 1900;
  if (n == 3) f->year += 1900;
  return KZ_OK;
}

int kz_date_read_rfc2822(kz_date_reader *r, kz_date_fields *f) {
  char buf[NAME_SHOWN + 4];
  memset(f, 0, sizeof *f);
  int rc = read_weekday(r);
  if (rc != KZ_OK) return rc;
  size_t day_at = r->pos;
  size_t n = digits(r, &f->day);
  if (n == 0)
    return kz_date_fail(r, day_at, "expected the day of the month, found %s", found(r, buf));
  if (n > 2) return kz_date_fail(r, day_at, "the day needs one or two digits (1..31)");
  if (spaces(r) == 0)
    return kz_date_fail(r, r->pos, "expected a space after the day, found %s", found(r, buf));
  size_t at = r->pos;
  n = letters(r);
  f->month = find_name(r->s + at, n, month_names, 12) + 1;
  if (n == 0)
    return kz_date_fail(r, at, "expected a month name (Jan..Dec), found %s", found(r, buf));
  if (f->month == 0) {
    return kz_date_fail(r, at, "unknown month '%s'", shown(r, at, at + n, buf));
  }
  if (spaces(r) == 0 && r->pos < r->end)
    return kz_date_fail(r, r->pos, "expected a space after the month, found %s", found(r, buf));
  if ((rc = read_rfc_year(r, f)) != KZ_OK || (rc = check_day(r, day_at, f)) != KZ_OK) return rc;
  f->precision = KZ_DATE_P_DAY;
  if (spaces(r) == 0 || r->pos == r->end) return expect_end(r);
  if ((rc = read_time(r, f, 0)) != KZ_OK) return rc;
  size_t gap = spaces(r);
  int c = peek(r);
  if (gap > 0 && (c == '+' || c == '-')) {
    rc = read_offset(r, f);
  } else if (gap > 0 && is_alpha(c)) {
    rc = read_zone_name(r, f);
  }
  if (rc != KZ_OK) return rc;
  spaces(r);
  if (peek(r) == '(') { /* a comment, as in "-0500 (EST)" */
    at = r->pos;
    int depth = 0;
    for (; r->pos < r->end; r->pos++) {
      if (r->s[r->pos] == '(') depth++;
      if (r->s[r->pos] == ')' && --depth == 0) break;
    }
    if (r->pos == r->end) return kz_date_fail(r, at, "the comment '(' is not closed");
    r->pos++;
    spaces(r);
  }
  return expect_end(r);
}
