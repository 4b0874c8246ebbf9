/*
 * test_alias_table.c - a segment's alias table (format/alias_table.c):
 * documents counted once per pair, sorted output, a write / read round trip,
 * and every kind of damage to a body reported as KZ_ERR_CORRUPT.
 */
#include "common/buf.h"
#include "format/alias_table.h"
#include "format/format.h"
#include "format/manifest.h"
#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

static int add(kz_alias_builder *b, const char *sf, const char *lf) {
  return kz_alias_builder_add(b, sf, strlen(sf), lf, strlen(lf));
}

static void test_alias_table__round_trip(void) {
  char dir[512];
  CHECK(kz_test_make_temp_dir(dir, sizeof dir, "alias_table"));
  kz_alias_builder b = KZ_ALIAS_BUILDER_INIT;
  kz_alias_builder_doc(&b); /* document 0 */
  CHECK_EQ_INT(add(&b, "UN", "United Nations"), KZ_OK);
  CHECK_EQ_INT(add(&b, "UN", "united nations"), KZ_OK); /* the same after folding: once */
  CHECK_EQ_INT(add(&b, "CSTO", "Collective Security Treaty Organization"), KZ_OK);
  kz_alias_builder_doc(&b); /* document 1 */
  CHECK_EQ_INT(add(&b, "UN", "United Nations"), KZ_OK);
  CHECK_EQ_INT(add(&b, "ADB", "Asian Development Bank"), KZ_OK);
  kz_alias_builder_doc(&b); /* document 2: too long a short form is ignored */
  CHECK_EQ_INT(add(&b, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "x"), KZ_OK);
  uint64_t bytes = 0;
  CHECK_EQ_INT(kz_alias_table_write(&b, dir, 7, &bytes), KZ_OK);
  kz_alias_builder_free(&b);

  char name[64], path[700];
  kz_segment_file_name(name, sizeof name, 7, KZ_SEGFILE_ALIASES);
  snprintf(path, sizeof path, "%s/%s", dir, name);
  kz_mapped_file f;
  CHECK_EQ_INT(kz_file_map(&f, path, KZ_MAGIC_ALIASES, NULL, 0), KZ_OK);
  CHECK_EQ_INT(f.size, bytes);
  CHECK_EQ_INT(kz_file_verify_checksum(&f), KZ_OK);
  kz_alias_iter it;
  kz_alias_entry e;
  CHECK_EQ_INT(kz_alias_iter_init(&it, f.body, f.body_size, 3), KZ_OK);
  const char *want[][3] = {{"ADB", "asian development bank", "1"},
                           {"CSTO", "collective security treaty organization", "1"},
                           {"UN", "united nations", "2"}};
  for (int i = 0; i < 3; i++) {
    CHECK_EQ_INT(kz_alias_iter_next(&it, &e), 1);
    CHECK_EQ_INT(e.short_len, strlen(want[i][0]));
    CHECK(!memcmp(e.short_form, want[i][0], e.short_len));
    CHECK_EQ_INT(e.long_len, strlen(want[i][1]));
    CHECK(!memcmp(e.long_form, want[i][1], e.long_len));
    CHECK_EQ_INT(e.docs, atoi(want[i][2]));
  }
  CHECK_EQ_INT(kz_alias_iter_next(&it, &e), 0);
  /* A segment of one document cannot have a pair in two. */
  CHECK_EQ_INT(kz_alias_table_verify(f.body, f.body_size, 1), KZ_ERR_CORRUPT);
  kz_file_unmap(&f);
  kz_test_remove_tree(dir);
}

/* A body of `n` entries given as (short, long, docs) triples, as the writer would lay it out. */
static void body_of(kz_buf *b, uint32_t count, const char *const *e, size_t n) {
  kz_buf_clear(b);
  kz_buf_put_u32le(b, count);
  for (size_t i = 0; i < n; i++) {
    kz_buf_put_varint(b, strlen(e[3 * i]));
    kz_buf_append(b, e[3 * i], strlen(e[3 * i]));
    kz_buf_put_varint(b, strlen(e[3 * i + 1]));
    kz_buf_append(b, e[3 * i + 1], strlen(e[3 * i + 1]));
    kz_buf_put_varint(b, (uint64_t)atoi(e[3 * i + 2]));
  }
}

static void test_alias_table__damage_is_corruption(void) {
  kz_buf b = KZ_BUF_INIT;
  const char *good[] = {"AB", "a b", "1", "AC", "a c", "2"};
  body_of(&b, 2, good, 2);
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len, 5), KZ_OK);
  CHECK_EQ_INT(kz_alias_table_verify(b.data, 0, 5), KZ_OK); /* no file: an empty table */
  CHECK_EQ_INT(kz_alias_table_verify(b.data, 3, 5), KZ_ERR_CORRUPT);     /* no count */
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len - 1, 5), KZ_ERR_CORRUPT); /* cut short */
  body_of(&b, 3, good, 2);
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len, 5), KZ_ERR_CORRUPT); /* count too high */
  body_of(&b, 1, good, 2);
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len, 5), KZ_ERR_CORRUPT); /* trailing bytes */
  body_of(&b, 0xffffffffu, good, 2);
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len, 5), KZ_ERR_CORRUPT); /* an absurd count */
  const char *unsorted[] = {"AC", "a c", "1", "AB", "a b", "1"};
  body_of(&b, 2, unsorted, 2);
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len, 5), KZ_ERR_CORRUPT);
  const char *twice[] = {"AB", "a b", "1", "AB", "a b", "1"};
  body_of(&b, 2, twice, 2);
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len, 5), KZ_ERR_CORRUPT);
  const char *zero_docs[] = {"AB", "a b", "0"};
  body_of(&b, 1, zero_docs, 1);
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len, 5), KZ_ERR_CORRUPT);
  const char *long_short[] = {"ABCDEFGHIJKLMNOPQ", "a", "1"};
  body_of(&b, 1, long_short, 1);
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len, 5), KZ_ERR_CORRUPT);
  const char *empty_long[] = {"AB", "", "1"};
  body_of(&b, 1, empty_long, 1);
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len, 5), KZ_ERR_CORRUPT);
  /* A NUL inside a string. */
  body_of(&b, 1, good, 1);
  b.data[5] = 0;
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len, 5), KZ_ERR_CORRUPT);
  /* A length past the end. */
  body_of(&b, 1, good, 1);
  b.data[4] = 100;
  CHECK_EQ_INT(kz_alias_table_verify(b.data, b.len, 5), KZ_ERR_CORRUPT);
  kz_buf_free(&b);
}

KZ_TEST_MAIN(KZ_TEST(test_alias_table__round_trip), KZ_TEST(test_alias_table__damage_is_corruption))
