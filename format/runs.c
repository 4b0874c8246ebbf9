/*
 * runs.c - the PFOR run codec (see runs.h for the layout; docs/FORMAT.md,
 * "Runs", is normative).
 *
 * The encoder picks the width from a histogram of bit lengths: for every
 * candidate width the exceptions are the values longer than it, so each
 * candidate's size is a sum over the histogram, not a pass over the values.
 * Each exception is counted a byte more than it takes, for the time its
 * patch costs every decode (on Wikipedia: 1.3% larger postings and
 * positions, 5% fewer instructions per query); ties go to the wider width,
 * which has fewer exceptions to patch.
 *
 * Exceptions are patched after unpacking: the unpacked value is low + 1
 * and the patch adds high << b, which gives (low | high << b) + 1 because
 * low < 2^b. Doc-id runs without exceptions take the fused unpack-and-sum
 * kernel; with exceptions they are unpacked, patched, then summed.
 */
#include "format/runs.h"

#include <string.h>

#include "kzsearch.h"

/* What the encoder adds to a width's size per exception, in bytes (see above). */
#define EXCEPTION_PENALTY 1

static size_t packed_size(size_t n, unsigned b) {
  return n == KZ_PACK_VALUES ? 16u * b : kz_packbytes_size(n, b);
}

int kz_run_encode(kz_buf *out, const uint32_t *values, size_t n) {
  if (n == 0 || n > KZ_PACK_VALUES) return KZ_ERR_INVALID;
  uint32_t x[KZ_PACK_VALUES];
  size_t hist[33] = {0};
  unsigned maxb = 0;
  for (size_t i = 0; i < n; i++) {
    if (values[i] == 0) return KZ_ERR_INVALID;
    x[i] = values[i] - 1;
    unsigned l = kz_bit_length(x[i]);
    hist[l]++;
    if (l > maxb) maxb = l;
  }
  unsigned best_b = maxb;
  size_t best = packed_size(n, maxb), exceptions = 0, best_exc = 0;
  for (unsigned b = maxb; b-- > 0;) {
    exceptions += hist[b + 1];
    size_t cost = packed_size(n, b) + 2 + EXCEPTION_PENALTY * exceptions + exceptions +
                  kz_packbytes_size(exceptions, maxb - b);
    if (cost < best) {
      best = cost;
      best_b = b;
      best_exc = exceptions;
    }
  }
  int rc = kz_buf_reserve(out, 1 + best);
  if (rc) return rc;
  uint8_t *p = out->data + out->len;
  *p++ = (uint8_t)(best_b | (best_exc ? KZ_RUN_EXCEPTIONS : 0));
  if (n == KZ_PACK_VALUES) {
    kz_pack128(x, best_b, p);
    p += 16u * best_b;
  } else {
    p += kz_packbytes(x, n, best_b, p);
  }
  if (best_exc) {
    uint32_t high[KZ_PACK_VALUES];
    size_t c = 0;
    *p++ = (uint8_t)best_exc;
    *p++ = (uint8_t)(maxb - best_b);
    for (size_t i = 0; i < n; i++)
      if (kz_bit_length(x[i]) > best_b) {
        *p++ = (uint8_t)i;
        high[c++] = x[i] >> best_b;
      }
    p += kz_packbytes(high, c, maxb - best_b, p);
  }
  out->len = (size_t)(p - out->data);
  return KZ_OK;
}

/*
 * Parses the header and exception header of a run at *p. Fills the width,
 * the packed bytes' start, and the exception block (count, high width, the
 * index bytes, the high bytes); moves *p past the run.
 */
typedef struct run_layout {
  unsigned b, count, high_bits;
  const uint8_t *packed, *indexes, *highs;
} run_layout;

static int parse(run_layout *r, const uint8_t **p, const uint8_t *end, size_t n) {
  const uint8_t *q = *p;
  if (n == 0 || n > KZ_PACK_VALUES || q >= end) return KZ_ERR_CORRUPT;
  unsigned h = *q++;
  r->b = h & 0x3f;
  if ((h & KZ_RUN_BITSET) || r->b > 32) return KZ_ERR_CORRUPT;
  size_t bytes = packed_size(n, r->b);
  if (bytes > (size_t)(end - q)) return KZ_ERR_CORRUPT;
  r->packed = q;
  q += bytes;
  r->count = r->high_bits = 0;
  if (h & KZ_RUN_EXCEPTIONS) {
    if (end - q < 2) return KZ_ERR_CORRUPT;
    r->count = q[0];
    r->high_bits = q[1];
    q += 2;
    if (r->count == 0 || r->count > n || r->high_bits == 0 || r->high_bits > 32 - r->b)
      return KZ_ERR_CORRUPT;
    size_t exc_bytes = r->count + kz_packbytes_size(r->count, r->high_bits);
    if (exc_bytes > (size_t)(end - q)) return KZ_ERR_CORRUPT;
    r->indexes = q;
    r->highs = q + r->count;
    q += exc_bytes;
  }
  *p = q;
  return KZ_OK;
}

/* Unpacks the low bits (+1) and patches the exceptions. */
static int unpack_patched(const kz_unpacker *u, const run_layout *r, size_t n, uint32_t *out) {
  if (n == KZ_PACK_VALUES)
    u->unpack(r->packed, r->b, 1, out);
  else
    kz_unpackbytes(r->packed, n, r->b, 1, out);
  if (r->count) {
    uint32_t high[KZ_PACK_VALUES];
    kz_unpackbytes(r->highs, r->count, r->high_bits, 0, high);
    int prev = -1;
    for (unsigned k = 0; k < r->count; k++) {
      int i = r->indexes[k];
      if (i <= prev || (size_t)i >= n) return KZ_ERR_CORRUPT;
      out[i] += high[k] << r->b;
      prev = i;
    }
  }
  return KZ_OK;
}

int kz_run_decode(const kz_unpacker *u, const uint8_t **p, const uint8_t *end, size_t n,
                  uint32_t *out) {
  run_layout r;
  const uint8_t *q = *p;
  if (parse(&r, &q, end, n) || unpack_patched(u, &r, n, out)) return KZ_ERR_CORRUPT;
  /* Only 32 bits in all can hold 2^32 - 1, which the + 1 wrapped to 0. */
  if (r.b + r.high_bits == 32)
    for (size_t i = 0; i < n; i++)
      if (out[i] == 0) return KZ_ERR_CORRUPT;
  *p = q;
  return KZ_OK;
}

int kz_run_decode_docs(const kz_unpacker *u, const uint8_t **p, const uint8_t *end, size_t n,
                       int64_t prev_doc, uint32_t doc_limit, uint32_t *docs) {
  run_layout r;
  const uint8_t *q = *p;
  if (prev_doc < -1 || prev_doc >= (int64_t)doc_limit || parse(&r, &q, end, n))
    return KZ_ERR_CORRUPT;
  uint32_t base = (uint32_t)prev_doc; /* -1 wraps; the first gap brings it back */
  if (n == KZ_PACK_VALUES && !r.count) {
    u->unpack_prefix(r.packed, r.b, base, docs);
  } else {
    if (unpack_patched(u, &r, n, docs)) return KZ_ERR_CORRUPT;
    if (n == KZ_PACK_VALUES) {
      u->prefix(docs, base);
    } else {
      for (size_t i = 0; i < n; i++) docs[i] = base += docs[i];
    }
  }
  /*
   * Every gap is 1 .. 2^bits, so when n of them cannot carry the sum past
   * 2^32 the last document says it all. Otherwise look for the wrap: each
   * step adds less than 2^32, so a wrapped sum is smaller than the one before.
   */
  unsigned bits = r.b + r.high_bits;
  if ((uint64_t)(prev_doc + 1) + ((uint64_t)n << bits) > ((uint64_t)1 << 32)) {
    int64_t last = prev_doc;
    for (size_t i = 0; i < n; i++) {
      if ((int64_t)docs[i] <= last) return KZ_ERR_CORRUPT;
      last = docs[i];
    }
  }
  if (docs[n - 1] >= doc_limit) return KZ_ERR_CORRUPT;
  *p = q;
  return KZ_OK;
}

unsigned kz_run_bits(const uint8_t *run, size_t n) {
  unsigned b = run[0] & 0x3f;
  return (run[0] & KZ_RUN_EXCEPTIONS) ? b + run[2 + packed_size(n, b)] : b;
}

int kz_run_skip(const uint8_t **p, const uint8_t *end, size_t n) {
  run_layout r;
  return parse(&r, p, end, n);
}
