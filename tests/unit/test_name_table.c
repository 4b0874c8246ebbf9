/*
 * test_name_table.c - the per-segment names table (format/name_table.h):
 * written unsorted with repeats, it reads back sorted and unique; seek finds
 * the first entry of a key (and the end for keys past the last); verify
 * accepts it; every truncation of the body, and every single flipped byte,
 * is KZ_ERR_CORRUPT from open, entry, seek or verify, or reads back as some
 * table, never a read outside the body (run under ASan too); a segment
 * without the file is an empty table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/file.h"
#include "format/format.h"
#include "format/manifest.h"
#include "format/name_table.h"
#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

static kz_name_entry entry(const char *key, const char *term) {
  return (kz_name_entry){key, term, strlen(key), strlen(term), 0};
}

/* Reads the whole body of segment 1's names file in dir into a fresh allocation (exact size). */
static uint8_t *read_body(const char *dir, size_t *size) {
  char name[64];
  kz_segment_file_name(name, sizeof name, 1, KZ_SEGFILE_NAMES);
  char *path = kz_path_join(dir, name);
  kz_mapped_file f;
  int rc = path ? kz_file_map(&f, path, KZ_MAGIC_NAMES, NULL, 0) : KZ_ERR_NOMEM;
  free(path);
  if (rc || kz_file_verify_checksum(&f)) return NULL;
  uint8_t *body = malloc(f.body_size ? f.body_size : 1);
  if (body) memcpy(body, f.body, f.body_size);
  *size = f.body_size;
  kz_file_unmap(&f);
  return body;
}

/* Reads every entry the way a search does; @return KZ_OK or KZ_ERR_CORRUPT. */
static int walk(const uint8_t *body, size_t size) {
  kz_name_table t;
  if (kz_name_table_open(&t, body, size)) return KZ_ERR_CORRUPT;
  uint32_t at;
  if (kz_name_table_seek(&t, "tokaev", 6, &at)) return KZ_ERR_CORRUPT;
  for (uint32_t i = 0; i < t.n && i < 64; i++) {
    kz_name_entry e;
    if (kz_name_table_entry(&t, i, &e)) return KZ_ERR_CORRUPT;
  }
  return kz_name_table_verify(&t);
}

static void test_round_trip_and_damage(void) {
  const char *root = kz_test_scratch_root("kz_test_name_table", 0);
  CHECK(root != NULL);
  if (!root) return;
  kz_name_entry e[] = {entry("tokaev", "tokayev"), entry("mangistau", "mangystau"),
                       entry("tokaev", "токаев"),  entry("mangistau", "mangistau"),
                       entry("tokaev", "tokayev"), entry("kasim", "kassym")};
  e[4].english = 1; /* the repeated entry, as a merge of two word lists may see it: English wins */
  uint64_t bytes = 0;
  CHECK_EQ_INT(kz_name_table_write(root, 1, e, 6, &bytes), KZ_OK);
  size_t size = 0;
  uint8_t *body = read_body(root, &size);
  CHECK(body != NULL);
  if (!body) return;
  kz_name_table t;
  CHECK_EQ_INT(kz_name_table_open(&t, body, size), KZ_OK);
  CHECK_EQ_INT(t.n, 5); /* the repeated entry once */
  CHECK_EQ_INT(kz_name_table_verify(&t), KZ_OK);
  kz_name_entry got;
  CHECK_EQ_INT(kz_name_table_entry(&t, 0, &got), KZ_OK);
  CHECK(got.key_len == 5 && memcmp(got.key, "kasim", 5) == 0);
  uint32_t at = 99;
  CHECK_EQ_INT(kz_name_table_seek(&t, "tokaev", 6, &at), KZ_OK);
  CHECK_EQ_INT(at, 3);
  CHECK_EQ_INT(kz_name_table_entry(&t, at, &got), KZ_OK);
  CHECK(got.term_len == 7 && memcmp(got.term, "tokayev", 7) == 0);
  CHECK_EQ_INT(got.english, 1);
  CHECK_EQ_INT(kz_name_table_entry(&t, 0, &got), KZ_OK);
  CHECK_EQ_INT(got.english, 0);
  CHECK_EQ_INT(kz_name_table_seek(&t, "zzzz", 4, &at), KZ_OK);
  CHECK_EQ_INT(at, 5);
  CHECK_EQ_INT(kz_name_table_entry(&t, 5, &got), KZ_ERR_CORRUPT); /* past the end */

  /* Truncations: open or a read reports KZ_ERR_CORRUPT (the body's size is exact). */
  for (size_t cut = 1; cut <= size; cut++) {
    uint8_t *shorter = malloc(size - cut ? size - cut : 1);
    memcpy(shorter, body, size - cut);
    CHECK_EQ_INT(walk(shorter, size - cut), KZ_ERR_CORRUPT);
    free(shorter);
  }
  /* Flips: any outcome but a bad read (ASan) or a hang. */
  uint8_t *copy = malloc(size);
  size_t corrupt = 0, flips = 0;
  for (size_t i = 0; i < size; i++)
    for (int bit = 0; bit < 8; bit++, flips++) {
      memcpy(copy, body, size);
      copy[i] ^= (uint8_t)(1u << bit);
      corrupt += walk(copy, size) == KZ_ERR_CORRUPT;
    }
  printf("  %zu-byte body: %zu of %zu single-bit flips found by verify\n", size, corrupt, flips);
  CHECK(corrupt > flips / 2);
  free(copy);

  /* Absent file: an empty table. */
  CHECK_EQ_INT(kz_name_table_open(&t, NULL, 0), KZ_OK);
  CHECK_EQ_INT(t.n, 0);
  CHECK_EQ_INT(kz_name_table_seek(&t, "tokaev", 6, &at), KZ_OK);
  CHECK_EQ_INT(at, 0);
  /* Keys and terms that do not fit the format are refused. */
  char big[300];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  kz_name_entry bad[] = {entry("tokaev", big)};
  CHECK_EQ_INT(kz_name_table_write(root, 2, bad, 1, &bytes), KZ_ERR_INVALID);
  free(body);
}

/* A table of the layout before the flags byte (count without its top bit) still reads: not English. */
static void test_table_without_flags_reads(void) {
  static const uint8_t body[] = {2, 0, 0, 0,                                /* 2 entries, no flags */
                                 0, 0, 0, 0, 14, 0, 0, 0,                   /* their offsets */
                                 6, 't', 'o', 'k', 'a', 'e', 'v', 6, 't', 'o', 'k', 'a', 'e', 'v',
                                 6, 't', 'o', 'k', 'a', 'e', 'v', 7, 't', 'o', 'k', 'a', 'y', 'e', 'v'};
  kz_name_table t;
  CHECK_EQ_INT(kz_name_table_open(&t, body, sizeof body), KZ_OK);
  CHECK_EQ_INT(t.n, 2);
  CHECK_EQ_INT(kz_name_table_verify(&t), KZ_OK);
  kz_name_entry got;
  CHECK_EQ_INT(kz_name_table_entry(&t, 1, &got), KZ_OK);
  CHECK(got.term_len == 7 && memcmp(got.term, "tokayev", 7) == 0);
  CHECK_EQ_INT(got.english, 0);
  uint8_t flagged[sizeof body];
  memcpy(flagged, body, sizeof body);
  flagged[3] = 0x80; /* the same bytes read as flagged: the sizes no longer add up */
  CHECK_EQ_INT(walk(flagged, sizeof flagged), KZ_ERR_CORRUPT);
}

KZ_TEST_MAIN(KZ_TEST(test_round_trip_and_damage), KZ_TEST(test_table_without_flags_reads))
