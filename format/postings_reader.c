/*
 * postings_reader.c - postings cursor (see postings_reader.h; layout in docs/FORMAT.md).
 *
 * A term with more than one block starts with a skip table: per block its
 * last doc, block offset, positions offset, max tf and min length. advance()
 * binary-searches that table so skipped blocks are never decoded.
 *
 * A block's positions are runs of up to 128 values that cut across its
 * documents: each document's first position + 1, then the differences to
 * the previous position. Asking for a document's positions reads the runs
 * that hold them, skipping runs that hold only positions of documents
 * passed over without decoding them, and sums the values up.
 */
#include "format/postings_reader.h"

#include <string.h>

#include "common/bytes.h"
#include "format/runs.h"
#include "format/segment_format.h"
#include "kzsearch.h"

static uint32_t corrupt(kz_postings *c) {
  *c->error = KZ_ERR_CORRUPT;
  c->block = c->n_blocks;
  c->doc = KZ_DOC_END;
  return KZ_DOC_END;
}

void kz_postings_init(kz_postings *c, const kz_segment *seg, const kz_term_info *info, int *error) {
  c->unpack = seg->unpack;
  c->error = error;
  c->df = info->df;
  c->doc_limit = seg->info.doc_count;
  c->norms = seg->norms;
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
  c->docs_only = 0;
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
    if (b > 0) prev = kz_postings_block_last(c, b - 1);
  }
  uint32_t n = b + 1 < c->n_blocks ? KZ_BLOCK_DOCS : c->df - b * KZ_BLOCK_DOCS;
  const uint8_t *next;
  if (kz_postblock_decode(c->unpack, start, c->end, prev, n, c->doc_limit, c->docs,
                          c->docs_only ? NULL : c->freqs, &next) != KZ_OK)
    return corrupt(c);
  if (c->skip && c->docs[n - 1] != kz_postings_block_last(c, b)) return corrupt(c);
  c->block = b;
  c->n = n;
  c->i = 0;
  c->pos_block = c->pos_run = pos;
  c->pos_total = c->pos_read = c->pos_at = 0;
  if (!c->docs_only)
    for (uint32_t i = 0; i < n; i++) c->pos_total += c->freqs[i];
  c->pos_i = c->pos_buf_n = c->pos_buf_bits = 0;
  c->pos_doc = KZ_DOC_END;
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
      if (kz_postings_block_last(c, mid) < target)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (load_block(c, lo) == KZ_DOC_END) return KZ_DOC_END;
  }
  /*
   * The first document >= target in docs[i .. n), which holds one (the
   * block's last). Conjunctions of dense terms advance by a document or
   * two, so the next few are looked at first (exponential steps); beyond,
   * a branchless binary search, whose probes a predictor could not guess.
   */
  uint32_t lo = c->i;
  if (c->docs[lo] < target) {
    uint32_t step = 1;
    while (lo + step < c->n && c->docs[lo + step] < target) {
      lo += step;
      step *= 2;
    }
    /* docs[lo] < target <= docs[hi]: the answer is in (lo, hi] */
    uint32_t hi = lo + step < c->n ? lo + step : c->n - 1;
    const uint32_t *d = c->docs + lo + 1;
    uint32_t len = hi - lo;
    while (len > 1) {
      uint32_t half = len / 2;
      d = d[half - 1] < target ? d + half : d;
      len -= half;
    }
    lo = (uint32_t)(d - c->docs);
  }
  c->i = lo;
  return c->doc = c->docs[lo];
}

/* Up to this many positions are copied and summed inline rather than by memcpy and the SIMD scan. */
#define SHORT_LIST 8

/* The length of the block's next run. */
static uint32_t next_run_length(const kz_postings *c) {
  uint64_t left = c->pos_total - c->pos_read;
  return left < KZ_PACK_VALUES ? (uint32_t)left : KZ_PACK_VALUES;
}

/* Decodes the block's next run (n values) into out; *bits gets its width. @return 0 or -1. */
static int decode_run(kz_postings *c, uint32_t n, uint32_t *out, unsigned *bits) {
  const uint8_t *run = c->pos_run;
  if (n == 0 || kz_run_decode(c->unpack, &c->pos_run, c->pos_end, n, out)) return -1;
  *bits = kz_run_bits(run, n);
  c->pos_read += n;
  return 0;
}

/*
 * Puts the run reader where the current document's positions begin: past
 * whole runs of earlier documents (skipped, not decoded), or, when they
 * were read already, back at the run they begin in.
 */
static int seek_document(kz_postings *c) {
  for (; c->pos_i < c->i; c->pos_i++) c->pos_at += c->freqs[c->pos_i];
  if (c->pos_doc != c->doc) {
    while (c->pos_read + KZ_PACK_VALUES <= c->pos_at) {
      c->pos_buf_n = 0;
      if (kz_run_skip(&c->pos_run, c->pos_end, KZ_PACK_VALUES)) return -1;
      c->pos_read += KZ_PACK_VALUES;
    }
    c->pos_doc = c->doc;
    int buffered = c->pos_at < c->pos_read;
    c->pos_doc_run = buffered ? c->pos_buf_run : c->pos_run;
    c->pos_doc_first = buffered ? c->pos_read - c->pos_buf_n : c->pos_read;
  } else if (c->pos_at < c->pos_read - c->pos_buf_n) { /* read again */
    c->pos_run = c->pos_doc_run;
    c->pos_read = c->pos_doc_first;
    c->pos_buf_n = 0;
  }
  return 0;
}

int kz_postings_positions(kz_postings *c, uint32_t *out, uint32_t cap) {
  return kz_postings_first_positions(c, out, cap, UINT32_MAX, 0);
}

int kz_postings_first_positions(kz_postings *c, uint32_t *out, uint32_t cap, uint32_t limit,
                                uint32_t shift) {
  if (c->doc == KZ_DOC_END || c->block >= c->n_blocks) return *c->error = KZ_ERR_CORRUPT;
  uint32_t f = c->freqs[c->i] < limit ? c->freqs[c->i] : limit;
  if (f > cap || seek_document(c)) return *c->error = KZ_ERR_CORRUPT;
  uint64_t at = c->pos_at;
  unsigned bits = 0;
  for (uint32_t k = 0; k < f;) {
    if (at >= c->pos_read) {
      uint32_t n = next_run_length(c);
      unsigned b;
      if (at == c->pos_read && n <= f - k) { /* the whole run is this document's: decode in place */
        if (decode_run(c, n, out + k, &b)) return *c->error = KZ_ERR_CORRUPT;
        c->pos_buf_n = 0;
        k += n;
        at += n;
        if (b > bits) bits = b;
        continue;
      }
      c->pos_buf_run = c->pos_run;
      if (decode_run(c, n, c->pos_buf, &c->pos_buf_bits)) return *c->error = KZ_ERR_CORRUPT;
      c->pos_buf_n = n;
    }
    uint64_t buf_first = c->pos_read - c->pos_buf_n;
    uint32_t from = (uint32_t)(at - buf_first), take = c->pos_buf_n - from;
    if (take > f - k) take = f - k;
    if (take <= SHORT_LIST) /* a few positions (short documents): cheaper than the call */
      for (uint32_t t = 0; t < take; t++) out[k + t] = c->pos_buf[from + t];
    else
      memcpy(out + k, c->pos_buf + from, take * sizeof *out);
    k += take;
    at += take;
    if (c->pos_buf_bits > bits) bits = c->pos_buf_bits;
  }
  /*
   * Values are position + 1, then differences >= 1, so their sums (minus 1)
   * increase: they are the positions unless they passed 2^32, which f
   * values of `bits` bits can only do when f * 2^bits reaches it. The sums
   * start from -1 - shift, which moves them all back by shift (mod 2^32).
   */
  if (f <= SHORT_LIST) {
    uint32_t sum = UINT32_MAX - shift;
    for (uint32_t k = 0; k < f; k++) out[k] = sum += out[k];
  } else {
    c->unpack->scan(out, f, UINT32_MAX - shift);
  }
  if (((uint64_t)f << bits) >= ((uint64_t)1 << 32))
    for (uint32_t k = 1; k < f; k++)
      if (out[k] + shift <= out[k - 1] + shift) return *c->error = KZ_ERR_CORRUPT;
  if (out[f - 1] + shift >= kz_load_u32le(c->norms + 4 * (size_t)c->doc))
    return *c->error = KZ_ERR_CORRUPT;
  return (int)f;
}

const uint8_t *kz_postings_block_positions_end(const kz_postings *c) {
  return c->pos_read == c->pos_total ? c->pos_run : NULL;
}
