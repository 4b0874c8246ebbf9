/*
 * check_segment.c - the full check's cross-checks of one opened segment
 * (see check.c, which runs them once a segment's files are sound): term
 * order and fields, every term's postings and positions, the skip tables'
 * bounds, the sums of df, cf and document lengths against the manifest,
 * the norms, and every stored document. Problems go through the checker's
 * reporting (check_internal.h), at most MAX_SEGMENT_PROBLEMS per segment.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/bytes.h"
#include "analysis/analyzer.h"
#include "common/error.h"
#include "format/file.h"
#include "format/format.h"
#include "common/limits.h"
#include "common/struct_size.h"
#include "format/manifest.h"
#include "format/alias_table.h"
#include "format/name_table.h"
#include "format/segment_format.h"
#include "kzsearch.h"
#include "format/docstore_reader.h"
#include "format/postings_reader.h"
#include "format/segment_reader.h"
#include "searcher/check_internal.h"
#include "searcher/check_simhash.h"

/* Bytes of a term shown in a problem message. */
#define TERM_SHOWN_BYTES 48u

/* A term key for a message: its field and up to TERM_SHOWN_BYTES bytes, control bytes escaped. */
static void describe_term(char *out, size_t size, const char *key, size_t key_len) {
  size_t o = 0;
#define PUT(...)                                                            \
  do {                                                                      \
    int w_ = snprintf(out + o, size - o, __VA_ARGS__);                      \
    if (w_ < 0 || (size_t)w_ >= size - o) return;                           \
    o += (size_t)w_;                                                        \
  } while (0)
  out[0] = 0;
  if (key_len == 0) {
    PUT("(empty term)");
    return;
  }
  unsigned field = (unsigned char)key[0];
  if (field == KZ_FIELD_TEXT)
    PUT("term \"");
  else if (field == KZ_FIELD_TITLE)
    PUT("term title:\"");
  else
    PUT("term [field %u]\"", field);
  size_t shown = key_len - 1 < TERM_SHOWN_BYTES ? key_len - 1 : TERM_SHOWN_BYTES;
  for (size_t i = 1; i <= shown; i++) {
    unsigned char c = (unsigned char)key[i];
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
      PUT("\\x%02x", c);
    else
      PUT("%c", c);
  }
  PUT(key_len - 1 > shown ? "\"..." : "\"");
#undef PUT
}

/* ------------------------------------------------------------------------ */
/* Cross-checks of one opened segment                                      */
/* ------------------------------------------------------------------------ */

/*
 * Compares the skip entry of the block the cursor just entered with the
 * block's decoded contents: max_tf and min_length drive block-max pruning,
 * so a wrong value silently loses hits instead of failing a decode; the
 * positions offset must point where the previous block's positions ended.
 */
/* A document's length in the field of a term: the title's for title terms. */
static uint32_t field_length(const kz_segment *seg, int title, uint32_t doc) {
  return title ? kz_segment_title_length(seg, doc) : kz_segment_doc_length(seg, doc);
}

static void check_skip_entry(kz_checker *ck, const kz_segment *seg, int title, const kz_postings *c,
                             const char *term, const uint8_t *expected_pos) {
  uint32_t max_tf = 0, min_len = UINT32_MAX;
  for (uint32_t i = 0; i < c->n; i++) {
    if (c->freqs[i] > max_tf) max_tf = c->freqs[i];
    uint32_t len = field_length(seg, title, c->docs[i]);
    if (len < min_len) min_len = len;
  }
  if (kz_postings_block_max_tf(c, c->block) != max_tf)
    kz_check_seg_problem(ck, KZ_SEGFILE_POSTINGS,
                "%s: skip entry %u says the largest frequency is %u, the block has %u", term,
                c->block, kz_postings_block_max_tf(c, c->block), max_tf);
  if (kz_postings_block_min_length(c, c->block) != min_len)
    kz_check_seg_problem(ck, KZ_SEGFILE_POSTINGS,
                "%s: skip entry %u says the shortest document has %u tokens, the block's has %u",
                term, c->block, kz_postings_block_min_length(c, c->block), min_len);
  if (expected_pos && c->pos_block != expected_pos)
    kz_check_seg_problem(ck, KZ_SEGFILE_POSTINGS,
                "%s: skip entry %u: its positions start %lld bytes away from the end of the "
                "previous block's",
                term, c->block, (long long)(c->pos_block - expected_pos));
}

/*
 * Walks one term's postings and positions: exactly df documents, strictly
 * increasing and below doc_count, frequencies adding up to cf, each
 * document's positions increasing and inside the document, and the term's
 * position bytes used exactly.
 */
static void check_postings(kz_checker *ck, const kz_segment *seg, int title, const kz_term_info *ti,
                           const char *term) {
  int error = 0;
  kz_postings c;
  kz_postings_init(&c, seg, ti, &error);
  uint64_t count = 0, cf = 0;
  int64_t prev = -1;
  const uint8_t *pos_end = NULL; /* where the last document's positions ended */
  uint32_t d;
  while (!ck->stop && (d = kz_postings_next(&c)) != KZ_DOC_END) {
    count++;
    if ((int64_t)d <= prev || d >= seg->info.doc_count) {
      kz_check_seg_problem(ck, KZ_SEGFILE_POSTINGS, "%s: document %u %s", term, d,
                  d >= seg->info.doc_count ? "is past the segment's end"
                                           : "does not follow the previous one");
      return;
    }
    prev = d;
    if (c.i == 0 && c.skip)
      check_skip_entry(ck, seg, title, &c, term, c.block > 0 ? pos_end : NULL);
    uint32_t freq = kz_postings_freq(&c);
    uint32_t len = field_length(seg, title, d);
    cf += freq;
    /* Positions are distinct and below the length, so there are at most `len` of them. */
    if (freq == 0 || freq > len) {
      kz_check_seg_problem(ck, KZ_SEGFILE_POSTINGS,
                  "%s: frequency %u in document %u is impossible (its length is %u)", term, freq,
                  d, len);
      return;
    }
    /* Every run of up to 128 positions takes a byte at least: more cannot be stored. */
    if (freq > ti->pos_len * KZ_PACK_VALUES) {
      kz_check_seg_problem(ck, KZ_SEGFILE_POSITIONS,
                  "%s: frequency %u in document %u does not fit the term's %llu position bytes",
                  term, freq, d, (unsigned long long)ti->pos_len);
      return;
    }
    if (freq > ck->cap_pos) {
      uint32_t *p = realloc(ck->pos, (size_t)freq * sizeof *p);
      if (!p) {
        ck->error = KZ_ERR_NOMEM;
        ck->stop = 1;
        return;
      }
      ck->pos = p;
      ck->cap_pos = freq;
    }
    /* The cursor checks that they increase and stay inside the document. */
    if (kz_postings_positions(&c, ck->pos, ck->cap_pos) != (int)freq) {
      kz_check_seg_problem(ck, KZ_SEGFILE_POSITIONS,
                  "%s: the positions of document %u do not decode, do not increase or pass the "
                  "document's end",
                  term, d);
      return;
    }
    if (c.i + 1 == c.n) pos_end = kz_postings_block_positions_end(&c);
  }
  if (ck->stop) return;
  if (error) {
    kz_check_seg_problem(ck, KZ_SEGFILE_POSTINGS, "%s: postings do not decode (after %llu of %u documents)",
                term, (unsigned long long)count, ti->df);
    return;
  }
  if (count != ti->df)
    kz_check_seg_problem(ck, KZ_SEGFILE_POSTINGS, "%s: %llu documents, the dictionary says %u", term,
                (unsigned long long)count, ti->df);
  else if (cf != ti->cf)
    kz_check_seg_problem(ck, KZ_SEGFILE_POSTINGS, "%s: frequencies add up to %llu, the dictionary says %llu",
                term, (unsigned long long)cf, (unsigned long long)ti->cf);
  else if (pos_end != c.pos_end)
    kz_check_seg_problem(ck, KZ_SEGFILE_POSITIONS, "%s: %lld of its %llu position bytes are not used", term,
                pos_end ? (long long)(c.pos_end - pos_end) : (long long)ti->pos_len,
                (unsigned long long)ti->pos_len);
}

static int compare_keys(const char *a, size_t an, const char *b, size_t bn) {
  size_t n = an < bn ? an : bn;
  int c = memcmp(a, b, n);
  if (c) return c;
  return an < bn ? -1 : an > bn;
}

/* Whether a field-2 key is two words of the segment's list with the separator between. */
static int pair_key_valid(const kz_segment *seg, const char *key, size_t len) {
  const char *sep = memchr(key + 1, ' ', len - 1);
  if (!sep) return 0;
  size_t first = (size_t)(sep - key - 1), second = len - 2 - first;
  return kz_pair_words_has(&seg->pairs, key + 1, first) &&
         kz_pair_words_has(&seg->pairs, sep + 1, second);
}

/* The dictionary in key order, each term's postings, and the totals against the manifest. */
static void check_terms(kz_checker *ck, const kz_segment *seg) {
  const kz_segment_info *info = &seg->info;
  kz_dict_iter it;
  kz_dict_iter_init(&it, seg);
  char prev[sizeof it.key], term[160];
  size_t prev_len = 0;
  uint64_t n_terms = 0, sum_df = 0, sum_cf = 0;
  uint64_t next_post = KZ_FILE_HEADER_BYTES, next_pos = KZ_FILE_HEADER_BYTES;
  int r;
  while (!ck->stop && (r = kz_dict_iter_next(&it)) == 1) {
    n_terms++;
    describe_term(term, sizeof term, it.key, it.key_len);
    if (it.key_len == 0 || (unsigned char)it.key[0] > (seg->pairs.n ? KZ_FIELD_PAIRS : KZ_FIELD_TITLE))
      kz_check_seg_problem(ck, KZ_SEGFILE_DICT, "%s (number %llu) has no known field", term,
                  (unsigned long long)n_terms);
    else if ((unsigned char)it.key[0] == KZ_FIELD_PAIRS && !pair_key_valid(seg, it.key, it.key_len))
      kz_check_seg_problem(ck, KZ_SEGFILE_DICT,
                           "%s (number %llu) is not a pair of words of the segment's pairs file",
                           term, (unsigned long long)n_terms);
    if (n_terms > 1 && compare_keys(prev, prev_len, it.key, it.key_len) >= 0)
      kz_check_seg_problem(ck, KZ_SEGFILE_DICT, "%s (number %llu) is out of order", term,
                  (unsigned long long)n_terms);
    memcpy(prev, it.key, it.key_len);
    prev_len = it.key_len;
    /* The postings and positions files are the terms' data back to back, in key order. */
    if (it.info.post_off != next_post || it.info.pos_off != next_pos)
      kz_check_seg_problem(ck, KZ_SEGFILE_DICT,
                  "%s: its data starts at postings byte %llu and positions byte %llu, the previous "
                  "term's ends at %llu and %llu",
                  term, (unsigned long long)it.info.post_off, (unsigned long long)it.info.pos_off,
                  (unsigned long long)next_post, (unsigned long long)next_pos);
    next_post = it.info.post_off + it.info.post_len;
    next_pos = it.info.pos_off + it.info.pos_len;
    sum_df += it.info.df;
    sum_cf += it.info.cf;
    check_postings(ck, seg, (unsigned char)it.key[0] == KZ_FIELD_TITLE, &it.info, term);
  }
  if (ck->stop) return;
  if (r < 0) {
    kz_check_seg_problem(ck, KZ_SEGFILE_DICT, "entry %llu does not decode", (unsigned long long)n_terms + 1);
    return;
  }
  if (n_terms != info->n_terms)
    kz_check_seg_problem(ck, KZ_SEGFILE_DICT, "%llu terms, the manifest says %llu",
                (unsigned long long)n_terms, (unsigned long long)info->n_terms);
  uint64_t post_body_end = seg->file[KZ_SEGFILE_POSTINGS].size - KZ_FILE_FOOTER_BYTES;
  uint64_t pos_body_end = seg->file[KZ_SEGFILE_POSITIONS].size - KZ_FILE_FOOTER_BYTES;
  if (next_post != post_body_end)
    kz_check_seg_problem(ck, KZ_SEGFILE_POSTINGS, "bytes %llu to %llu belong to no term",
                (unsigned long long)next_post, (unsigned long long)post_body_end);
  if (next_pos != pos_body_end)
    kz_check_seg_problem(ck, KZ_SEGFILE_POSITIONS, "bytes %llu to %llu belong to no term",
                (unsigned long long)next_pos, (unsigned long long)pos_body_end);
  if (sum_df != info->n_postings)
    kz_check_seg_problem(ck, KZ_SEGFILE_DICT, "document frequencies add up to %llu, the manifest says %llu",
                (unsigned long long)sum_df, (unsigned long long)info->n_postings);
  if (sum_cf != info->n_positions)
    kz_check_seg_problem(ck, KZ_SEGFILE_DICT, "term frequencies add up to %llu, the manifest says %llu",
                (unsigned long long)sum_cf, (unsigned long long)info->n_positions);
}

static void check_norms(kz_checker *ck, const kz_segment *seg) {
  uint64_t sum = 0;
  for (uint32_t d = 0; d < seg->info.doc_count && !ck->stop; d++) {
    uint32_t len = kz_segment_doc_length(seg, d);
    /* A token takes at least one byte of the document. */
    if (len > KZ_MAX_DOC_BYTES)
      kz_check_seg_problem(ck, KZ_SEGFILE_NORMS, "document %u has an impossible length of %u tokens", d,
                  len);
    sum += len;
  }
  if (sum != seg->info.total_length)
    kz_check_seg_problem(ck, KZ_SEGFILE_NORMS, "document lengths add up to %llu, the manifest says %llu",
                (unsigned long long)sum, (unsigned long long)seg->info.total_length);
  uint64_t title_sum = 0;
  uint32_t titled = 0;
  for (uint32_t d = 0; d < seg->info.doc_count && !ck->stop; d++) {
    uint32_t len = kz_segment_title_length(seg, d);
    if (len > kz_segment_doc_length(seg, d))
      kz_check_seg_problem(ck, KZ_SEGFILE_TITLE_NORMS, "document %u has a title longer than itself", d);
    title_sum += len;
    titled += len > 0;
  }
  if (title_sum != seg->info.title_length || titled != seg->info.title_docs)
    kz_check_seg_problem(ck, KZ_SEGFILE_TITLE_NORMS,
                "title lengths add up to %llu in %u documents, the manifest says %llu in %u",
                (unsigned long long)title_sum, titled, (unsigned long long)seg->info.title_length,
                seg->info.title_docs);
  if (kz_values_verify(&seg->dates) != KZ_OK)
    kz_check_seg_problem(ck, KZ_SEGFILE_DATES, "a block's smallest or largest date is not its documents'");
  const kz_mapped_file *af = &seg->file[KZ_SEGFILE_ALIASES];
  if (af->data && kz_alias_table_verify(af->body, af->body_size, seg->info.doc_count) != KZ_OK)
    kz_check_seg_problem(ck, KZ_SEGFILE_ALIASES,
                         "the alias table is damaged (a bad length, count or order of its entries)");
}

/*
 * Every stored document decodes and has a non-empty id.
 *
 * kz_docstore_get decompresses a document's whole block and walks every
 * record in it before returning one, so it accepts one document of a block
 * exactly when it accepts them all: one call per block gives the verdict of
 * one call per document without decompressing each block once per
 * document (a hundred times the work). The ids live outside the blocks and
 * are read for every document through kz_docstore_get_id.
 */
static int check_store(kz_checker *ck, const kz_segment *seg) {
  const kz_docstore *st = &seg->store;
  for (uint32_t b = 0; b < st->n_blocks && !ck->stop; b++) {
    /* kz_docstore_open has checked that first_doc increases from 0 and stays below n_docs. */
    uint32_t first = kz_load_u32le(st->index + (size_t)b * KZ_STORE_INDEX_ENTRY_BYTES);
    uint32_t end = b + 1 < st->n_blocks
                       ? kz_load_u32le(st->index + (size_t)(b + 1) * KZ_STORE_INDEX_ENTRY_BYTES)
                       : st->n_docs;
    int rc = kz_docstore_get(st, first, &ck->doc);
    if (rc == KZ_ERR_NOMEM) return rc;
    if (rc) {
      if (end - first == 1)
        kz_check_seg_problem(ck, KZ_SEGFILE_STORE, "document %u (block %u) does not decode", first, b);
      else
        kz_check_seg_problem(ck, KZ_SEGFILE_STORE, "documents %u to %u (block %u) do not decode", first,
                    end - 1, b);
    }
    for (uint32_t d = first; d < end && !ck->stop; d++) {
      const char *id;
      size_t id_len;
      if (kz_docstore_get_id(st, d, &id, &id_len) != KZ_OK)
        kz_check_seg_problem(ck, KZ_SEGFILE_STORE, "document %u has no id entry", d);
      else if (id_len == 0)
        kz_check_seg_problem(ck, KZ_SEGFILE_STORE, "document %u has an empty id", d);
      else if (d == first && rc == KZ_OK &&
               (id_len != ck->doc.len[KZ_STORED_ID] ||
                memcmp(id, ck->doc.field[KZ_STORED_ID], id_len) != 0))
        kz_check_seg_problem(ck, KZ_SEGFILE_STORE, "document %u: its id and its stored record disagree", d);
    }
  }
  return KZ_OK;
}

int kz_check_segment(kz_checker *ck, const kz_segment_info *info) {
  kz_segment seg;
  kz_error e;
  memset(&e, 0, sizeof e);
  int rc = kz_segment_open(&seg, ck->dir, info, &e);
  if (rc == KZ_ERR_NOMEM) return rc;
  if (rc) {
    char names[KZ_SEGFILES][64];
    const char *name_ptrs[KZ_SEGFILES];
    for (int k = 0; k < KZ_SEGFILES; k++) {
      kz_segment_file_name(names[k], sizeof names[k], info->id, k);
      name_ptrs[k] = names[k];
    }
    const char *what;
    int k = kz_check_split_message(e.message, ck->dir, name_ptrs, KZ_SEGFILES, &what);
    kz_check_emit(ck, names[k >= 0 ? k : KZ_SEGFILE_DICT], "%s", what[0] ? what : kz_strerror(rc));
    return KZ_OK;
  }
  ck->seg_id = info->id;
  ck->seg_problems = 0;
  ck->stop = 0;
  check_terms(ck, &seg);
  check_norms(ck, &seg);
  kz_name_table names; /* an optional file: a segment without one has an empty table */
  const kz_mapped_file *nf = &seg.file[KZ_SEGFILE_NAMES];
  if (kz_name_table_open(&names, nf->body, nf->body_size) || kz_name_table_verify(&names))
    kz_check_seg_problem(ck, KZ_SEGFILE_NAMES,
                         "the names table is damaged (an entry out of bounds or order)");
  rc = check_store(ck, &seg);
  uint32_t first_bad, n_bad;
  if (!rc && seg.has_simhashes && ck->an && !ck->stop &&
      !(rc = kz_check_simhashes(&seg, ck->an, &ck->doc, &first_bad, &n_bad)) && n_bad)
    kz_check_seg_problem(ck, KZ_SEGFILE_SIMHASH,
                         "%u documents' fingerprints are not their text's (the first: document %u)",
                         n_bad, first_bad);
  kz_segment_close(&seg);
  return rc;
}
