/*
 * test_near_dup.c - the simhash fingerprint (analysis/near_dup.c) against
 * an obvious reference written from its description in near_dup.h: a +1/-1
 * vote per bit and shingle over the lead's 3-shingles, the sign of each
 * sum. The library counts the votes in bit planes instead; both must agree
 * on every text, whatever its length.
 */
#include "analysis/near_dup.h"
#include "common/bytes.h"
#include "common/checksum.h"
#include "kz_test.h"
#include "kzsearch.h"

#define MAX_TERMS 48

static uint64_t reference_shingle(const uint64_t *h, size_t n) {
  uint8_t bytes[8 * KZ_SIMHASH_SHINGLE];
  for (size_t i = 0; i < n; i++) kz_store_u64le(bytes + 8 * i, h[i]);
  return kz_checksum(bytes, 8 * n);
}

/* *ties: how many bits had as many votes for as against (their bit is clear). */
static uint64_t reference(char terms[][16], size_t n, int *ties) {
  *ties = 0;
  if (n == 0) return 0;
  size_t lead = KZ_SIMHASH_LEAD_SHINGLES + KZ_SIMHASH_SHINGLE - 1;
  if (n > lead) n = lead;
  uint64_t h[MAX_TERMS];
  for (size_t i = 0; i < n; i++) h[i] = kz_checksum(terms[i], strlen(terms[i]));
  long votes[64] = {0};
  size_t shingles = n < KZ_SIMHASH_SHINGLE ? 1 : n - KZ_SIMHASH_SHINGLE + 1;
  for (size_t s = 0; s < shingles; s++) {
    uint64_t x = reference_shingle(h + s, n < KZ_SIMHASH_SHINGLE ? n : KZ_SIMHASH_SHINGLE);
    for (int b = 0; b < 64; b++) votes[b] += (x >> b) & 1 ? 1 : -1;
  }
  uint64_t out = 0;
  for (int b = 0; b < 64; b++) {
    if (votes[b] > 0) out |= 1ull << b;
    *ties += votes[b] == 0;
  }
  return out;
}

static void test_near_dup__simhash_matches_the_vote_reference(void) {
  uint64_t seed = 42;
  char terms[MAX_TERMS][16];
  int ties = 0;
  for (int round = 0; round < 2000; round++) {
    size_t n = (size_t)(round % (MAX_TERMS + 1));
    for (size_t i = 0; i < n; i++) {
      seed = seed * 6364136223846793005ull + 1442695040888963407ull;
      /* few distinct words, so shingles repeat and some bits tie */
      snprintf(terms[i], sizeof terms[i], "w%u", (unsigned)(seed >> 59));
    }
    kz_simhash sh;
    kz_simhash_begin(&sh);
    for (size_t i = 0; i < n; i++) kz_simhash_add(&sh, terms[i], strlen(terms[i]));
    int tied;
    uint64_t got = kz_simhash_end(&sh), want = reference(terms, n, &tied);
    if (got != want) {
      fprintf(stderr, "round %d, %zu terms: %016llx, reference %016llx\n", round, n,
              (unsigned long long)got, (unsigned long long)want);
      CHECK(0);
      return;
    }
    ties += tied; /* the rounds must reach the tie rule, or the test does not check it */
  }
  CHECK(ties > 0);
}

static void test_near_dup__empty_and_single_term(void) {
  kz_simhash sh;
  kz_simhash_begin(&sh);
  CHECK(kz_simhash_end(&sh) == 0);
  char one[1][16] = {"oil"};
  kz_simhash_add(&sh, "oil", 3);
  /* one shingle: the fingerprint is that shingle's hash */
  int tied;
  CHECK(kz_simhash_end(&sh) == reference(one, 1, &tied));
  CHECK(kz_simhash_end(&sh) != 0);
}

KZ_TEST_MAIN(KZ_TEST(test_near_dup__simhash_matches_the_vote_reference),
             KZ_TEST(test_near_dup__empty_and_single_term))
