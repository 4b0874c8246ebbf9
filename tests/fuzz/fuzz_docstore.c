/*
 * fuzz_docstore.c - the document store reader (format/docstore_reader.h) on an
 * arbitrary body.
 *
 * Input layout:
 *   byte 0       flags; bit 0: repair the checksums first (see below)
 *   bytes 1..4   n_docs, u32 little-endian: the document count the segment
 *                would claim
 *   bytes 5..    the store's body (what sits between header and footer)
 * Without repair nearly every damaged body stops at the id table's checksum
 * or a block's checksum. With repair, the harness recomputes the trailer's
 * id-table checksum (when the trailer's offsets frame an id table inside the
 * body) and the checksum of every block index entry whose frame lies inside
 * the body, so the fuzzer reaches the decompressor and the record parser.
 *
 * Properties: kz_docstore_open returns KZ_OK or KZ_ERR_CORRUPT. After KZ_OK
 * (looking up the first and last document of each of the first
 * MAX_BLOCK_LOOKUPS blocks, and the first MAX_ID_LOOKUPS ids):
 * every id lookup below n_docs succeeds with at most KZ_MAX_ID_BYTES bytes
 * inside the body, and at n_docs fails; a document lookup returns KZ_OK,
 * KZ_ERR_CORRUPT or KZ_ERR_NOMEM, and on KZ_OK every field is non-NULL,
 * NUL-terminated at its length, and its id equals the id lookup's; on failure
 * every field is NULL with length 0; all documents of one block succeed or
 * fail together (a block is validated whole).
 */
#include <string.h>

#include "common/bytes.h"
#include "common/checksum.h"
#include "common/limits.h"
#include "fuzz.h"
#include "kzsearch.h"
#include "format/docstore_reader.h"

/* Ids looked up per input, and blocks whose first and last documents are loaded. */
#define MAX_ID_LOOKUPS 1000u
#define MAX_BLOCK_LOOKUPS 32u

static void repair_checksums(uint8_t *body, size_t size) {
  if (size < KZ_STORE_TRAILER_BYTES) return;
  uint8_t *t = body + size - KZ_STORE_TRAILER_BYTES;
  uint32_t n_blocks = kz_load_u32le(t + 4);
  uint64_t index_offset = kz_load_u64le(t + 8), ids_offset = kz_load_u64le(t + 16);
  size_t avail = size - KZ_STORE_TRAILER_BYTES;
  if (ids_offset <= index_offset && index_offset <= avail)
    kz_store_u32le(t + 24, (uint32_t)kz_checksum(body + ids_offset, (size_t)(index_offset - ids_offset)));
  if (index_offset > avail || n_blocks > (avail - index_offset) / KZ_STORE_INDEX_ENTRY_BYTES) return;
  for (uint32_t b = 0; b < n_blocks; b++) {
    uint8_t *e = body + index_offset + (size_t)b * KZ_STORE_INDEX_ENTRY_BYTES;
    uint64_t offset = kz_load_u64le(e + 4);
    uint32_t comp_len = kz_load_u32le(e + 12);
    if (offset <= avail && comp_len <= avail - offset)
      kz_store_u32le(e + 20, (uint32_t)kz_checksum(body + offset, comp_len));
  }
}

/* The block holding doc (the last whose first_doc <= doc), from the validated index. */
static uint32_t block_of(const kz_docstore *s, uint32_t doc) {
  uint32_t lo = 0, hi = s->n_blocks; /* answer in [lo, hi) */
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (kz_load_u32le(s->index + (size_t)mid * KZ_STORE_INDEX_ENTRY_BYTES) <= doc)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

static void check_id(const kz_docstore *s, const uint8_t *body, size_t size, uint32_t doc) {
  const char *id = NULL;
  size_t id_len = 0;
  FUZZ_REQUIRE(kz_docstore_get_id(s, doc, &id, &id_len) == KZ_OK);
  FUZZ_REQUIRE(id_len <= KZ_MAX_ID_BYTES);
  FUZZ_REQUIRE((const uint8_t *)id >= body && (const uint8_t *)id + id_len <= body + size);
}

static void check_lookup(const kz_docstore *s, const uint8_t *body, size_t size, uint32_t doc,
                         kz_stored_doc *sd, int *block_rc, uint32_t *last_block) {
  const char *id = NULL;
  size_t id_len = 0;
  check_id(s, body, size, doc);
  kz_docstore_get_id(s, doc, &id, &id_len);

  int rc = kz_docstore_get(s, doc, sd);
  FUZZ_REQUIRE(rc == KZ_OK || rc == KZ_ERR_CORRUPT || rc == KZ_ERR_NOMEM);
  if (rc == KZ_OK) {
    for (int i = 0; i < KZ_STORED_FIELDS; i++) {
      FUZZ_REQUIRE(sd->field[i] != NULL);
      FUZZ_REQUIRE(sd->field[i][sd->len[i]] == 0);
    }
    FUZZ_REQUIRE(sd->len[KZ_STORED_ID] == id_len);
    FUZZ_REQUIRE(id_len == 0 || memcmp(sd->field[KZ_STORED_ID], id, id_len) == 0);
  } else {
    for (int i = 0; i < KZ_STORED_FIELDS; i++) {
      FUZZ_REQUIRE(sd->field[i] == NULL);
      FUZZ_REQUIRE(sd->len[i] == 0);
    }
  }
  if (rc == KZ_ERR_NOMEM) return;
  uint32_t b = block_of(s, doc);
  if (b == *last_block)
    FUZZ_REQUIRE((rc == KZ_OK) == (*block_rc == KZ_OK));
  *last_block = b;
  *block_rc = rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 5) return 0;
  int repair = data[0] & 1;
  uint32_t n_docs = kz_load_u32le(data + 1);
  size_t body_size = size - 5;
  /* A copy of exactly the body's size: overreads are caught, and repair may write. */
  uint8_t *body = malloc(body_size ? body_size : 1);
  if (!body) abort();
  if (body_size) memcpy(body, data + 5, body_size);
  if (repair) repair_checksums(body, body_size);

  kz_docstore s;
  memset(&s, 0, sizeof s);
  int rc = kz_docstore_open(&s, body, body_size, n_docs);
  FUZZ_REQUIRE(rc == KZ_OK || rc == KZ_ERR_CORRUPT);
  if (rc == KZ_OK) {
    FUZZ_REQUIRE(s.n_docs == n_docs);
    kz_stored_doc sd = KZ_STORED_DOC_INIT;
    int block_rc = 0;
    uint32_t last_block = UINT32_MAX;
    /* Decompressing is the cost: the first and last document of each of the first blocks. */
    for (uint32_t b = 0; b < s.n_blocks && b < MAX_BLOCK_LOOKUPS; b++) {
      uint32_t first = kz_load_u32le(s.index + (size_t)b * KZ_STORE_INDEX_ENTRY_BYTES);
      uint32_t last = b + 1 < s.n_blocks
                          ? kz_load_u32le(s.index + (size_t)(b + 1) * KZ_STORE_INDEX_ENTRY_BYTES) - 1
                          : n_docs - 1;
      check_lookup(&s, body, body_size, first, &sd, &block_rc, &last_block);
      if (last != first) check_lookup(&s, body, body_size, last, &sd, &block_rc, &last_block);
    }
    uint32_t n_ids = n_docs < MAX_ID_LOOKUPS ? n_docs : MAX_ID_LOOKUPS;
    for (uint32_t d = 0; d < n_ids; d++) check_id(&s, body, body_size, d);
    if (n_docs > n_ids) check_id(&s, body, body_size, n_docs - 1);
    const char *id = NULL;
    size_t id_len = 0;
    FUZZ_REQUIRE(kz_docstore_get_id(&s, n_docs, &id, &id_len) == KZ_ERR_CORRUPT);
    FUZZ_REQUIRE(kz_docstore_get(&s, n_docs, &sd) == KZ_ERR_CORRUPT);
    kz_stored_doc_free(&sd);
  }
  free(body);
  return 0;
}
