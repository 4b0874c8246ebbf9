/*
 * postblock.c - bit-packing and the postings block codec (see postblock.h,
 * which states the byte layout; docs/FORMAT.md, "Postings", is normative).
 *
 * Owns no memory: encoders append to the caller's kz_buf, decoders write into
 * the caller's arrays of KZ_BLOCK_DOCS entries.
 *
 * Bit stream: value i of a run occupies bits [i*b, i*b + b) of a sequence of
 * little-endian 32-bit words, bit k of the stream being bit k % 32 of word
 * k / 32. Thirty-two values at b bits therefore fill exactly b words, so a run
 * is cut into groups of 32 handled by code specialised per width (every shift
 * and word index a constant), plus a generic tail of fewer than 32 values.
 *
 * Invariants of the block codec:
 *   - the encoder validates all input before appending anything, so a failed
 *     call leaves the buffer as it was;
 *   - the decoder reads only inside [p, end) and checks every doc id against
 *     doc_limit in 64-bit arithmetic, so a corrupt block is KZ_ERR_CORRUPT
 *     and never a wrapped doc id, a zero frequency or an out-of-bounds read.
 *     On error the contents of docs and freqs are unspecified.
 */
#include "common/postblock.h"

#include <assert.h>
#include <string.h>

#include "common/bytes.h"
#include "kzsearch.h"

/* ------------------------------------------------------------------------ */
/* Bit-packing                                                              */
/* ------------------------------------------------------------------------ */

/* The low `b` bits set, b in 0..32 (shifted in 64 bits so that b = 32 is defined). */
#define MASK32(b) ((uint32_t)(((uint64_t)1 << (b)) - 1))

/* Expands M(B, i) for i = 0..31: the 32 values of one group. */
#define REP32(M, B)                                                            \
  M(B, 0) M(B, 1) M(B, 2) M(B, 3) M(B, 4) M(B, 5) M(B, 6) M(B, 7) M(B, 8)      \
  M(B, 9) M(B, 10) M(B, 11) M(B, 12) M(B, 13) M(B, 14) M(B, 15) M(B, 16)       \
  M(B, 17) M(B, 18) M(B, 19) M(B, 20) M(B, 21) M(B, 22) M(B, 23) M(B, 24)      \
  M(B, 25) M(B, 26) M(B, 27) M(B, 28) M(B, 29) M(B, 30) M(B, 31)

/* Expands M(B) for every width 1..32 (width 0 needs no bytes and no code). */
#define REPWIDTHS(M)                                                           \
  M(1) M(2) M(3) M(4) M(5) M(6) M(7) M(8) M(9) M(10) M(11) M(12) M(13) M(14)   \
  M(15) M(16) M(17) M(18) M(19) M(20) M(21) M(22) M(23) M(24) M(25) M(26)      \
  M(27) M(28) M(29) M(30) M(31) M(32)

/*
 * Value i of a group at constant width B: the word holding its low bit, plus
 * the next word when the value straddles the boundary. The compiler folds the
 * offsets and the straddle test, leaving one or two loads, a shift, an or and
 * a mask per value, with no dependency between values.
 */
#define UNPACK_ONE(B, i)                                                       \
  {                                                                            \
    const unsigned w_ = ((i) * (B)) >> 5, s_ = ((i) * (B)) & 31;               \
    uint64_t v_ = kz_load_u32le(p + 4 * w_);                                   \
    if (s_ + (B) > 32) v_ |= (uint64_t)kz_load_u32le(p + 4 * w_ + 4) << 32;    \
    out[i] = (uint32_t)(v_ >> s_) & MASK32(B);                                 \
  }

/* Value i of a group is or-ed into the (zeroed) words it overlaps. */
#define PACK_ONE(B, i)                                                         \
  {                                                                            \
    const unsigned w_ = ((i) * (B)) >> 5, s_ = ((i) * (B)) & 31;               \
    const uint64_t v_ = (uint64_t)(in[i] & MASK32(B)) << s_;                   \
    words[w_] |= (uint32_t)v_;                                                 \
    if (s_ + (B) > 32) words[w_ + 1] |= (uint32_t)(v_ >> 32);                  \
  }

/*
 * unpack_B / pack_B: `groups` groups of 32 values at width B. restrict lets
 * the compiler keep a loaded word in a register across the values sharing it.
 */
#define DEFINE_GROUP_CODECS(B)                                                 \
  static void unpack_##B(const uint8_t *restrict p, size_t groups,             \
                         uint32_t *restrict out) {                             \
    for (size_t g = 0; g < groups; g++, p += 4 * (B), out += 32) {             \
      REP32(UNPACK_ONE, B)                                                     \
    }                                                                          \
  }                                                                            \
  static void pack_##B(const uint32_t *restrict in, size_t groups,             \
                       uint8_t *restrict p) {                                  \
    for (size_t g = 0; g < groups; g++, in += 32, p += 4 * (B)) {              \
      uint32_t words[B] = {0};                                                 \
      REP32(PACK_ONE, B)                                                       \
      for (unsigned k = 0; k < (B); k++) kz_store_u32le(p + 4 * k, words[k]);  \
    }                                                                          \
  }

REPWIDTHS(DEFINE_GROUP_CODECS)

typedef void (*unpack_fn)(const uint8_t *, size_t, uint32_t *);
typedef void (*pack_fn)(const uint32_t *, size_t, uint8_t *);

#define UNPACK_ENTRY(B) unpack_##B,
#define PACK_ENTRY(B) pack_##B,
static const unpack_fn unpack_by_width[33] = {NULL, REPWIDTHS(UNPACK_ENTRY)};
static const pack_fn pack_by_width[33] = {NULL, REPWIDTHS(PACK_ENTRY)};

/*
 * Fewer than 32 values starting on a word boundary. A 64-bit window is
 * refilled one word at a time only when it holds fewer than `bits` bits, so
 * exactly ceil(n * bits / 32) words are read.
 */
static void unpack_tail(const uint8_t *p, size_t n, unsigned bits, uint32_t *out) {
  uint64_t window = 0;
  unsigned have = 0;
  for (size_t i = 0; i < n; i++) {
    if (have < bits) {
      window |= (uint64_t)kz_load_u32le(p) << have;
      p += 4;
      have += 32;
    }
    out[i] = (uint32_t)window & MASK32(bits);
    window >>= bits;
    have -= bits;
  }
}

static size_t pack_tail(const uint32_t *in, size_t n, unsigned bits, uint8_t *p) {
  const uint8_t *start = p;
  uint64_t window = 0;
  unsigned have = 0;
  for (size_t i = 0; i < n; i++) {
    window |= (uint64_t)(in[i] & MASK32(bits)) << have;
    have += bits;
    if (have >= 32) {
      kz_store_u32le(p, (uint32_t)window);
      p += 4;
      window >>= 32;
      have -= 32;
    }
  }
  if (have > 0) {
    kz_store_u32le(p, (uint32_t)window);
    p += 4;
  }
  return (size_t)(p - start);
}

size_t kz_bitpack_bytes(size_t n, unsigned bits) {
  /* Split at whole groups so that n * bits cannot overflow. */
  return (n / 32) * bits * 4 + ((n % 32) * bits + 31) / 32 * 4;
}

size_t kz_bitpack_encode(const uint32_t *in, size_t n, unsigned bits, uint8_t *out) {
  assert(bits <= 32);
  if (bits == 0 || n == 0) return 0;
  if (bits > 32) bits = 32; /* never index past the table, even when misused */
  size_t groups = n / 32;
  pack_by_width[bits](in, groups, out);
  size_t done = groups * 4 * bits;
  return done + pack_tail(in + groups * 32, n % 32, bits, out + done);
}

void kz_bitpack_decode(const uint8_t *p, size_t n, unsigned bits, uint32_t *out) {
  if (bits == 0) {
    memset(out, 0, n * sizeof *out);
    return;
  }
  assert(bits <= 32);
  if (bits > 32) bits = 32; /* never index past the table, even when misused */
  size_t groups = n / 32;
  unpack_by_width[bits](p, groups, out);
  unpack_tail(p + groups * 4 * bits, n % 32, bits, out + groups * 32);
}

static unsigned bit_length(uint32_t v) {
#if defined(__GNUC__) || defined(__clang__)
  return v ? 32u - (unsigned)__builtin_clz(v) : 0u;
#else
  unsigned b = 0;
  while (v) {
    b++;
    v >>= 1;
  }
  return b;
#endif
}

unsigned kz_bitpack_width(const uint32_t *v, size_t n) {
  uint32_t any = 0;
  for (size_t i = 0; i < n; i++) any |= v[i];
  return bit_length(any);
}

/* ------------------------------------------------------------------------ */
/* Postings blocks                                                          */
/* ------------------------------------------------------------------------ */

/* Largest block: two width bytes and two runs at 32 bits. */
#define FULL_BLOCK_MAX_BYTES (2 + 2 * 16 * 32)
/* A 32-bit varint takes at most 5 bytes. */
#define VARINT32_MAX_BYTES 5

int kz_postblock_encode(kz_buf *out, int64_t prev_doc, const uint32_t *docs, const uint32_t *freqs,
                        size_t n) {
  if (n == 0 || n > KZ_BLOCK_DOCS || prev_doc < -1) return KZ_ERR_INVALID;

  uint32_t gaps[KZ_BLOCK_DOCS], fm1[KZ_BLOCK_DOCS];
  int64_t last = prev_doc;
  for (size_t i = 0; i < n; i++) {
    if ((int64_t)docs[i] <= last || docs[i] == KZ_DOC_END || freqs[i] == 0) return KZ_ERR_INVALID;
    gaps[i] = (uint32_t)((int64_t)docs[i] - last - 1);
    fm1[i] = freqs[i] - 1;
    last = docs[i];
  }

  if (n < KZ_BLOCK_DOCS) {
    int rc = kz_buf_reserve(out, 2 * n * VARINT32_MAX_BYTES);
    if (rc) return rc;
    uint8_t *p = out->data + out->len;
    for (size_t i = 0; i < n; i++) p += kz_varint_put(p, gaps[i]);
    for (size_t i = 0; i < n; i++) p += kz_varint_put(p, fm1[i]);
    out->len = (size_t)(p - out->data);
    return KZ_OK;
  }

  int rc = kz_buf_reserve(out, FULL_BLOCK_MAX_BYTES);
  if (rc) return rc;
  uint8_t *p = out->data + out->len;
  unsigned gap_bits = kz_bitpack_width(gaps, n);
  *p++ = (uint8_t)gap_bits;
  p += kz_bitpack_encode(gaps, n, gap_bits, p);
  unsigned freq_bits = kz_bitpack_width(fm1, n);
  *p++ = (uint8_t)freq_bits;
  p += kz_bitpack_encode(fm1, n, freq_bits, p);
  out->len = (size_t)(p - out->data);
  return KZ_OK;
}

/*
 * Reads one width byte and the run it announces into out.
 * @return 0, or -1 when the width exceeds 32 or the run is truncated.
 */
static int read_run(const uint8_t **p, const uint8_t *end, size_t n, uint32_t *out,
                    unsigned *bits_out) {
  const uint8_t *q = *p;
  if (q >= end) return -1;
  unsigned bits = *q++;
  if (bits > 32) return -1;
  size_t bytes = kz_bitpack_bytes(n, bits);
  if (bytes > (size_t)(end - q)) return -1;
  kz_bitpack_decode(q, n, bits, out);
  *p = q + bytes;
  *bits_out = bits;
  return 0;
}

/*
 * Turns gaps into doc ids in place. The running id is 64-bit, so n gaps of up
 * to 2^32 - 1 cannot wrap it; doc ids only grow, so checking the last one
 * against doc_limit checks them all (and that each fits 32 bits).
 * Four docs at a time: their offsets from the running id are summed off the
 * dependency chain, which then carries a single add per four docs.
 */
static int gaps_to_docs(uint32_t *docs, size_t n, int64_t prev_doc, uint32_t doc_limit) {
  uint64_t doc = (uint64_t)prev_doc; /* wraps for -1; adding gap + 1 brings it back */
  const size_t n4 = n - n % 4;
  size_t i = 0;
  for (; i < n4; i += 4) {
    const uint64_t s0 = (uint64_t)docs[i] + 1, s1 = s0 + docs[i + 1] + 1,
                   s2 = s1 + docs[i + 2] + 1, s3 = s2 + docs[i + 3] + 1;
    docs[i] = (uint32_t)(doc + s0);
    docs[i + 1] = (uint32_t)(doc + s1);
    docs[i + 2] = (uint32_t)(doc + s2);
    docs[i + 3] = (uint32_t)(doc + s3);
    doc += s3;
  }
  for (; i < n; i++) {
    doc += (uint64_t)docs[i] + 1;
    docs[i] = (uint32_t)doc;
  }
  return doc < doc_limit ? 0 : -1;
}

int kz_postblock_decode(const uint8_t *p, const uint8_t *end, int64_t prev_doc, size_t n,
                        uint32_t doc_limit, uint32_t *docs, uint32_t *freqs, const uint8_t **next) {
  if (n == 0 || n > KZ_BLOCK_DOCS || prev_doc < -1) return KZ_ERR_INVALID;
  /* prev_doc may come from skip data on disk; no block can follow it. */
  if (prev_doc >= (int64_t)doc_limit) return KZ_ERR_CORRUPT;

  if (n == KZ_BLOCK_DOCS) {
    unsigned gap_bits, freq_bits;
    if (read_run(&p, end, n, docs, &gap_bits) != 0) return KZ_ERR_CORRUPT;
    if (read_run(&p, end, n, freqs, &freq_bits) != 0) return KZ_ERR_CORRUPT;
    if (gaps_to_docs(docs, n, prev_doc, doc_limit) != 0) return KZ_ERR_CORRUPT;
    /* Only a 32-bit run can hold freq-1 == UINT32_MAX, which would wrap to 0. */
    if (freq_bits == 32) {
      for (size_t i = 0; i < n; i++)
        if (freqs[i] == UINT32_MAX) return KZ_ERR_CORRUPT;
    }
    for (size_t i = 0; i < n; i++) freqs[i] += 1;
    *next = p;
    return KZ_OK;
  }

  for (size_t i = 0; i < n; i++)
    if (kz_varint_get32(&p, end, &docs[i]) != 0) return KZ_ERR_CORRUPT;
  for (size_t i = 0; i < n; i++) {
    uint32_t f;
    if (kz_varint_get32(&p, end, &f) != 0 || f == UINT32_MAX) return KZ_ERR_CORRUPT;
    freqs[i] = f + 1;
  }
  if (gaps_to_docs(docs, n, prev_doc, doc_limit) != 0) return KZ_ERR_CORRUPT;
  *next = p;
  return KZ_OK;
}
