/*
 * fuzz.h - what every fuzz target shares: the libFuzzer entry point's
 * prototype (each fuzz_<name>.c defines it; replay.c or libFuzzer calls it)
 * and FUZZ_REQUIRE, which turns a broken property into an abort so that
 * libFuzzer saves the input and replay dies on it.
 *
 * A target must return 0 for every input, never leak, and never touch
 * memory outside what it was given: errors from the library are expected
 * outcomes, only crashes and broken invariants are findings.
 */
#ifndef KZ_FUZZ_H
#define KZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_REQUIRE(cond)                                                      \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "%s:%d: fuzz property broken: %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                                  \
    }                                                                           \
  } while (0)

/* As FUZZ_REQUIRE, printing a formatted explanation first (the status, the error message). */
#define FUZZ_REQUIRE_MSG(cond, ...)                                             \
  do {                                                                          \
    if (!(cond)) {                                                              \
      fprintf(stderr, "%s:%d: fuzz property broken: %s\n  ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                             \
      fputc('\n', stderr);                                                      \
      abort();                                                                  \
    }                                                                           \
  } while (0)

#endif /* KZ_FUZZ_H */
