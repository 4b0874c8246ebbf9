/*
 * kz_test_osa.h - the brute-force reference of fuzzy matching for the tests:
 * the optimal-string-alignment edit distance (Damerau-Levenshtein where an
 * adjacent transposition is one edit and no substring is edited twice) over
 * the code points of two UTF-8 strings, by the full dynamic-programming
 * table, written independently of searcher/fuzzy_scan.c. Header-only.
 */
#ifndef KZ_TEST_OSA_H
#define KZ_TEST_OSA_H

#include <stddef.h>
#include <stdint.h>

#define KZ_TEST_OSA_MAX 300 /* code points compared at most */

/* UTF-8 (valid, as the analyzer writes it) to code points. */
static inline size_t kz_test_code_points(const char *s, size_t n, uint32_t *out) {
  size_t k = 0;
  for (size_t i = 0; i < n && k < KZ_TEST_OSA_MAX;) {
    unsigned char c = (unsigned char)s[i];
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    uint32_t v = len == 1 ? c : (uint32_t)(c & (0x7F >> len));
    for (size_t j = 1; j < len && i + j < n; j++) v = (v << 6) | ((unsigned char)s[i + j] & 0x3F);
    out[k++] = v;
    i += len;
  }
  return k;
}

static inline int kz_test_osa(const char *a, size_t an, const char *b, size_t bn) {
  static uint32_t x[KZ_TEST_OSA_MAX], y[KZ_TEST_OSA_MAX];
  static int d[KZ_TEST_OSA_MAX + 1][KZ_TEST_OSA_MAX + 1];
  size_t m = kz_test_code_points(a, an, x), n = kz_test_code_points(b, bn, y);
  for (size_t i = 0; i <= m; i++) d[i][0] = (int)i;
  for (size_t j = 0; j <= n; j++) d[0][j] = (int)j;
  for (size_t i = 1; i <= m; i++)
    for (size_t j = 1; j <= n; j++) {
      int v = d[i - 1][j - 1] + (x[i - 1] != y[j - 1]);
      if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] && d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[m][n];
}

#endif /* KZ_TEST_OSA_H */
