/*
 * kz_test.h - a minimal test harness: each test file defines test functions
 * named test_<module>__<behaviour>, lists them in KZ_TEST_MAIN, and prints
 * "N passed, N failed" so ctest and humans read the same summary.
 */
#ifndef KZ_TEST_H
#define KZ_TEST_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int kz_test_failures_;

#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      kz_test_failures_++;                                                   \
      return;                                                                \
    }                                                                        \
  } while (0)

#define CHECK_EQ_INT(a, b)                                                    \
  do {                                                                        \
    long long a_ = (long long)(a), b_ = (long long)(b);                       \
    if (a_ != b_) {                                                           \
      fprintf(stderr, "%s:%d: CHECK_EQ_INT failed: %s = %lld, %s = %lld\n",   \
              __FILE__, __LINE__, #a, a_, #b, b_);                            \
      kz_test_failures_++;                                                    \
      return;                                                                 \
    }                                                                         \
  } while (0)

#define CHECK_EQ_STR(a, b)                                                    \
  do {                                                                        \
    const char *a_ = (a), *b_ = (b);                                          \
    if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                  \
      fprintf(stderr, "%s:%d: CHECK_EQ_STR failed: %s = \"%s\", %s = \"%s\"\n", \
              __FILE__, __LINE__, #a, a_ ? a_ : "(null)", #b, b_ ? b_ : "(null)"); \
      kz_test_failures_++;                                                    \
      return;                                                                 \
    }                                                                         \
  } while (0)

/* A reproducible random number (xorshift64); *state must start non-zero. */
static inline uint64_t kz_test_xorshift(uint64_t *state) {
  uint64_t x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *state = x;
}

typedef struct kz_test_case {
  const char *name;
  void (*fn)(void);
} kz_test_case;

#define KZ_TEST(fn) {#fn, fn}

static inline int kz_test_run(const kz_test_case *cases, size_t n, int argc, char **argv) {
  int passed = 0, failed = 0;
  for (size_t i = 0; i < n; i++) {
    if (argc > 1 && !strstr(cases[i].name, argv[1])) continue;
    int before = kz_test_failures_;
    cases[i].fn();
    if (kz_test_failures_ == before) {
      passed++;
    } else {
      failed++;
      fprintf(stderr, "FAILED: %s\n", cases[i].name);
    }
  }
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

#define KZ_TEST_MAIN(...)                                                   \
  int main(int argc, char **argv) {                                         \
    static const kz_test_case cases_[] = {__VA_ARGS__};                     \
    return kz_test_run(cases_, sizeof cases_ / sizeof cases_[0], argc, argv); \
  }

#endif /* KZ_TEST_H */
