/*
 * postings.c - postings cursor (see postings.h; layout in docs/FORMAT.md).
 *
 * A term with more than one block starts with a skip table: per block its
 * last doc, block offset, positions offset, max tf and min length. advance()
 * binary-searches that table so skipped blocks are never decoded.
 */
#include "common/postings.h"

#include <string.h>

#include "common/bytes.h"
#include "common/segment_format.h"
#include "kzsearch.h"

static uint32_t corrupt(kz_postings *c) {
  *c->error = KZ_ERR_CORRUPT;
  c->block = c->n_blocks;
  c->doc = KZ_DOC_END;
  return KZ_DOC_END;
}

void kz_postings_init(kz_postings *c, const kz_segment *seg, const kz_term_info *info, int *error) {
  c->error = error;
  c->df = info->df;
  c->doc_limit = seg->info.doc_count;
  c->n_blocks = (info->df + KZ_BLOCK_DOCS - 1) / KZ_BLOCK_DOCS;
  const uint8_t *data = seg->file[KZ_SEGFILE_POSTINGS].data + info->post_off;
  c->end = data + info->post_len;
  c->pos = seg->file[KZ_SEGFILE_POSITIONS].data + info->pos_off;
  c->pos_end = c->pos + info->pos_len;
  c->skip = NULL;
  c->blocks = data;
  c->block = UINT32_MAX; /* nothing decoded yet */
  c->n = c->i = 0;
  c->doc = 0;
  if (c->n_blocks > 1) {
    uint64_t skip_bytes = (uint64_t)c->n_blocks * KZ_SKIP_ENTRY_BYTES;
    if (skip_bytes > info->post_len) {
      corrupt(c);
      return;
    }
    c->skip = data;
    c->blocks = data + skip_bytes;
  }
}

static inline uint32_t skip_last_doc(const kz_postings *c, uint32_t b) {
  return kz_load_u32le(c->skip + (size_t)b * KZ_SKIP_ENTRY_BYTES);
}

/* Decodes block b and positions the cursor on its first document. */
static uint32_t load_block(kz_postings *c, uint32_t b) {
  if (b >= c->n_blocks) {
    c->block = c->n_blocks;
    c->doc = KZ_DOC_END;
    return KZ_DOC_END;
  }
  const uint8_t *start = c->blocks, *pos = c->pos;
  int64_t prev = -1;
  if (c->skip) {
    const uint8_t *e = c->skip + (size_t)b * KZ_SKIP_ENTRY_BYTES;
    uint32_t off = kz_load_u32le(e + 4), pos_off = kz_load_u32le(e + 8);
    if (off > (size_t)(c->end - c->blocks) || pos_off > (size_t)(c->pos_end - c->pos))
      return corrupt(c);
    start = c->blocks + off;
    pos = c->pos + pos_off;
    if (b > 0) prev = skip_last_doc(c, b - 1);
  }
  uint32_t n = b + 1 < c->n_blocks ? KZ_BLOCK_DOCS : c->df - b * KZ_BLOCK_DOCS;
  const uint8_t *next;
  if (kz_postblock_decode(start, c->end, prev, n, c->doc_limit, c->docs, c->freqs, &next) != KZ_OK)
    return corrupt(c);
  if (c->skip && c->docs[n - 1] != skip_last_doc(c, b)) return corrupt(c);
  c->block = b;
  c->n = n;
  c->i = 0;
  c->pos_ptr = pos;
  c->pos_i = 0;
  c->doc = c->docs[0];
  return c->doc;
}

uint32_t kz_postings_next(kz_postings *c) {
  if (c->block == UINT32_MAX) return load_block(c, 0);
  if (c->doc == KZ_DOC_END) return KZ_DOC_END;
  if (++c->i < c->n) return c->doc = c->docs[c->i];
  return load_block(c, c->block + 1);
}

uint32_t kz_postings_advance(kz_postings *c, uint32_t target) {
  if (c->block == UINT32_MAX && load_block(c, 0) == KZ_DOC_END) return KZ_DOC_END;
  if (c->doc >= target) return c->doc;
  if (c->docs[c->n - 1] < target) {
    if (!c->skip) {
      c->block = c->n_blocks;
      return c->doc = KZ_DOC_END;
    }
    /* First block after the current one whose last doc reaches target. */
    uint32_t lo = c->block + 1, hi = c->n_blocks;
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      if (skip_last_doc(c, mid) < target)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (load_block(c, lo) == KZ_DOC_END) return KZ_DOC_END;
  }
  uint32_t i = c->i;
  while (c->docs[i] < target) i++; /* the block's last doc is >= target */
  c->i = i;
  return c->doc = c->docs[i];
}

/*
 * Skips `count` varints of [p, end); NULL when the data ends first. Eight
 * bytes at a time: each byte without its high bit ends one varint, and the
 * multiply adds up the eight 0/1 flags (a portable popcount).
 */
static const uint8_t *skip_varints_portable(const uint8_t *p, const uint8_t *end, uint64_t count) {
  while (count >= 8 && end - p >= 8) {
    uint64_t w;
    memcpy(&w, p, 8);
    uint64_t ends = (~w & 0x8080808080808080ull) >> 7;
    count -= (ends * 0x0101010101010101ull) >> 56;
    p += 8;
  }
  for (; count && p < end; p++)
    if (!(*p & 0x80)) count--;
  return count ? NULL : p;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* The same, 32 bytes at a time: the sign bits of a 32-byte load are the continuation flags. */
__attribute__((target("avx2,popcnt"))) static const uint8_t *skip_varints_avx2(
    const uint8_t *p, const uint8_t *end, uint64_t count) {
  while (count >= 32 && end - p >= 32) {
    uint32_t more = (uint32_t)_mm256_movemask_epi8(_mm256_loadu_si256((const __m256i *)p));
    count -= 32 - (uint64_t)__builtin_popcount(more);
    p += 32;
  }
  return skip_varints_portable(p, end, count);
}
#endif

static const uint8_t *skip_varints(const uint8_t *p, const uint8_t *end, uint64_t count) {
#if defined(__x86_64__) && defined(__GNUC__)
  if (count >= 64 && __builtin_cpu_supports("avx2")) return skip_varints_avx2(p, end, count);
#endif
  return skip_varints_portable(p, end, count);
}

int kz_postings_pos_reader(kz_postings *c, kz_pos_reader *r) {
  const uint8_t *p = c->pos_ptr;
  /* Skip the positions of the documents passed over since the last call. */
  if (c->pos_i < c->i) {
    uint64_t skip = 0;
    for (; c->pos_i < c->i; c->pos_i++) skip += c->freqs[c->pos_i];
    if (!(p = skip_varints(p, c->pos_end, skip))) return *c->error = KZ_ERR_CORRUPT;
    c->pos_ptr = p;
  }
  r->p = p;
  r->end = c->pos_end;
  r->left = c->freqs[c->i];
  r->pos = 0;
  r->first = 1;
  r->error = c->error;
  return KZ_OK;
}

int kz_postings_positions(kz_postings *c, uint32_t *out, uint32_t cap) {
  kz_pos_reader r;
  int rc = kz_postings_pos_reader(c, &r);
  if (rc) return rc;
  if (r.left > cap) return *c->error = KZ_ERR_CORRUPT;
  uint32_t n = 0;
  while ((rc = kz_pos_next(&r)) == 1) out[n++] = r.pos;
  return rc < 0 ? rc : (int)n;
}
