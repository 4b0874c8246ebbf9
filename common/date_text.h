/*
 * date_text.h - reading date text into calendar fields: the ISO 8601 and
 * RFC 2822 grammars of common/date.h, each check with its own message.
 * Used by common/date.c only; the fields are validated (month 1..12, the
 * day inside its month, hour 0..23, zone up to +-23:59) but not yet turned
 * into seconds.
 */
#ifndef KZ_DATE_TEXT_H
#define KZ_DATE_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* How much of a point in time the text gave: its period. */
typedef enum kz_date_precision {
  KZ_DATE_P_YEAR = 0,
  KZ_DATE_P_MONTH,
  KZ_DATE_P_DAY,
  KZ_DATE_P_HOUR,
  KZ_DATE_P_MINUTE,
  KZ_DATE_P_SECOND
} kz_date_precision;

typedef struct kz_date_fields {
  int year, month, day;      /* 0000..9999, 1..12, 1..days of the month */
  int hour, minute, second;  /* 0..23, 0..59, 0..59 (a leap second is clamped) */
  int zone_seconds;          /* local time minus UTC, |zone| < 24 h */
  kz_date_precision precision;
} kz_date_fields;

/* The text s[pos, end) being read; on failure err_pos and why say where and what. */
typedef struct kz_date_reader {
  const char *s;
  size_t pos, end;
  size_t err_pos;
  char *why;
  size_t why_size;
} kz_date_reader;

/* Reads an ISO 8601 point (any precision from the year down) filling all of
 * s[pos, end). @return KZ_OK; KZ_ERR_INVALID with err_pos and why. */
int kz_date_read_iso(kz_date_reader *r, kz_date_fields *out);

/* Reads an RFC 2822 date filling all of s[pos, end) (precision: day, minute
 * or second). @return KZ_OK; KZ_ERR_INVALID with err_pos and why. */
int kz_date_read_rfc2822(kz_date_reader *r, kz_date_fields *out);

/* Records a failure at pos with a printf-style reason. @return KZ_ERR_INVALID. */
int kz_date_fail(kz_date_reader *r, size_t pos, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* KZ_DATE_TEXT_H */
