/*
 * fuzz_date.c - the date parsers and formatters (common/date.h) on
 * arbitrary bytes.
 *
 * Properties: kz_date_parse never crashes and returns KZ_OK or
 * KZ_ERR_INVALID; a date it accepts lies in [KZ_DATE_MIN, KZ_DATE_MAX], and
 * its ISO formatting parses back to the same second. kz_date_parse_query
 * returns KZ_OK with lo <= hi, or KZ_ERR_QUERY with a position inside (or at
 * the end of) the text and a NUL-terminated reason. The input's first eight
 * bytes, read as a time t, also go through every bucket: the bucket starts
 * at or before t, and for t in the supported range its formatted name reads
 * back as a query whose range starts at the bucket and holds t.
 */
#include <string.h>

#include "common/date.h"
#include "fuzz.h"
#include "kzsearch.h"

#define MAX_INPUT_BYTES 4096u

static void check_document(const char *s, size_t size) {
  int64_t t = 0, back = 0;
  char why[160], buf[64];
  memset(why, 0x5a, sizeof why);
  int rc = kz_date_parse(&t, s, size, why, sizeof why);
  FUZZ_REQUIRE(rc == KZ_OK || rc == KZ_ERR_INVALID);
  FUZZ_REQUIRE(memchr(why, 0, sizeof why) != NULL);
  if (rc != KZ_OK) return;
  FUZZ_REQUIRE(t >= KZ_DATE_MIN && t <= KZ_DATE_MAX);
  size_t n = kz_date_format(buf, sizeof buf, t);
  FUZZ_REQUIRE(n < sizeof buf);
  rc = kz_date_parse(&back, buf, n, why, sizeof why);
  FUZZ_REQUIRE_MSG(rc == KZ_OK && back == t, "%lld -> %s -> %lld", (long long)t, buf,
                   (long long)back);
}

static void check_query(const char *s, size_t size) {
  int64_t lo = 0, hi = 0;
  size_t pos = (size_t)-1;
  char why[160];
  memset(why, 0x5a, sizeof why);
  int rc = kz_date_parse_query(&lo, &hi, s, size, &pos, why, sizeof why);
  FUZZ_REQUIRE(memchr(why, 0, sizeof why) != NULL);
  if (rc == KZ_OK) {
    FUZZ_REQUIRE_MSG(lo <= hi, "[%lld, %lld]", (long long)lo, (long long)hi);
    FUZZ_REQUIRE(lo >= KZ_DATE_OPEN_LO);
    return;
  }
  FUZZ_REQUIRE(rc == KZ_ERR_QUERY);
  FUZZ_REQUIRE(pos <= size);
}

static void check_buckets(const uint8_t *data, size_t size) {
  if (size < 8) return;
  uint64_t bits = 0;
  for (int i = 0; i < 8; i++) bits = bits << 8 | data[i];
  int64_t t = (int64_t)bits;
  for (int u = KZ_DATE_DAY; u <= KZ_DATE_YEAR; u++) {
    int64_t start = kz_date_bucket(t, (kz_date_unit)u);
    FUZZ_REQUIRE(start <= t);
    char buf[64];
    size_t n = kz_date_format_bucket(buf, sizeof buf, start, (kz_date_unit)u);
    FUZZ_REQUIRE(n < sizeof buf);
    FUZZ_REQUIRE(kz_date_format(buf, sizeof buf, t) < sizeof buf);
    if (t < KZ_DATE_MIN || t > KZ_DATE_MAX) continue;
    n = kz_date_format_bucket(buf, sizeof buf, start, (kz_date_unit)u);
    int64_t lo = 0, hi = 0;
    size_t pos;
    FUZZ_REQUIRE(kz_date_parse_query(&lo, &hi, buf, n, &pos, NULL, 0) == KZ_OK);
    FUZZ_REQUIRE_MSG(lo == start && lo <= t && t <= hi, "%lld in \"%s\" [%lld, %lld]",
                     (long long)t, buf, (long long)lo, (long long)hi);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > MAX_INPUT_BYTES) size = MAX_INPUT_BYTES;
  const char *s = (const char *)data;
  check_document(s, size);
  check_query(s, size);
  check_buckets(data, size);
  return 0;
}
