/*
 * fuzz_acronyms.c - the acronym finder (analysis/acronym_finder.c) and the
 * alias table reader (format/alias_table.c) on arbitrary bytes.
 *
 * Properties: kz_acronym_find returns KZ_OK; every pair it gives has a short
 * form of 1..KZ_ACRONYM_MAX_SHORT_BYTES bytes and a long form of
 * 1..KZ_ACRONYM_MAX_LONG_BYTES bytes, neither with a NUL, a bracket in the
 * long form or white space at its ends; no pair comes twice; there are at
 * most KZ_ACRONYM_MAX_PAIRS. The same bytes read as an alias table body walk
 * to KZ_OK or KZ_ERR_CORRUPT, every entry returned within the body.
 */
#include <string.h>

#include "analysis/acronym_finder.h"
#include "format/alias_table.h"
#include "fuzz.h"
#include "kzsearch.h"

static void check_finder(const char *s, size_t size) {
  kz_acronym_finder f = KZ_ACRONYM_FINDER_INIT;
  FUZZ_REQUIRE(kz_acronym_find(&f, s, size, 0) == KZ_OK);
  FUZZ_REQUIRE(f.n_pairs <= KZ_ACRONYM_MAX_PAIRS);
  for (size_t i = 0; i < f.n_pairs; i++) {
    const kz_acronym_pair *p = &f.pairs[i];
    FUZZ_REQUIRE(p->short_len >= 1 && p->short_len <= KZ_ACRONYM_MAX_SHORT_BYTES);
    FUZZ_REQUIRE(p->long_len >= 1 && p->long_len <= KZ_ACRONYM_MAX_LONG_BYTES);
    FUZZ_REQUIRE(strlen(p->short_form) == p->short_len && strlen(p->long_form) == p->long_len);
    FUZZ_REQUIRE(!strpbrk(p->long_form, "()[];"));
    FUZZ_REQUIRE(p->long_form[0] != ' ' && p->long_form[p->long_len - 1] != ' ');
    for (size_t j = 0; j < i; j++)
      FUZZ_REQUIRE(strcmp(f.pairs[j].short_form, p->short_form) ||
                   strcmp(f.pairs[j].long_form, p->long_form));
  }
  kz_acronym_finder_free(&f);
}

static void check_table(const uint8_t *body, size_t size) {
  kz_alias_iter it;
  kz_alias_entry e;
  int rc = kz_alias_iter_init(&it, body, size, 1000);
  while (rc == KZ_OK && (rc = kz_alias_iter_next(&it, &e)) == 1) {
    FUZZ_REQUIRE((const uint8_t *)e.short_form >= body &&
                 (const uint8_t *)e.long_form + e.long_len <= body + size);
    FUZZ_REQUIRE(e.docs >= 1 && e.docs <= 1000);
    rc = KZ_OK;
  }
  FUZZ_REQUIRE(rc == 0 || rc == KZ_ERR_CORRUPT);
  rc = kz_alias_table_verify(body, size, 1000);
  FUZZ_REQUIRE(rc == KZ_OK || rc == KZ_ERR_CORRUPT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check_finder((const char *)data, size);
  check_table(data, size);
  return 0;
}
