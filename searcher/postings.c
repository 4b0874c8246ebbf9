/*
 * postings.c - postings cursor (see postings.h; layout in docs/FORMAT.md).
 *
 * A term with more than one block starts with a skip table: per block its
 * last doc, block offset, positions offset, max tf and min length. advance()
 * binary-searches that table so skipped blocks are never decoded.
 */
#include "searcher/postings.h"

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

int kz_postings_positions(kz_postings *c, uint32_t *out, uint32_t cap) {
  const uint8_t *p = c->pos_ptr;
  /* Skip the positions of the documents passed over since the last call. */
  for (; c->pos_i < c->i; c->pos_i++) {
    for (uint32_t k = c->freqs[c->pos_i]; k > 0; k--) {
      while (p < c->pos_end && (*p & 0x80)) p++;
      if (p >= c->pos_end) return *c->error = KZ_ERR_CORRUPT;
      p++;
    }
  }
  c->pos_ptr = p;
  uint32_t freq = c->freqs[c->i];
  if (freq > cap) return *c->error = KZ_ERR_CORRUPT;
  uint64_t pos = 0;
  for (uint32_t k = 0; k < freq; k++) {
    uint64_t delta;
    if (kz_varint_get(&p, c->pos_end, &delta)) return *c->error = KZ_ERR_CORRUPT;
    pos += delta;
    if ((k > 0 && delta == 0) || pos > UINT32_MAX) return *c->error = KZ_ERR_CORRUPT;
    out[k] = (uint32_t)pos;
  }
  return (int)freq;
}
