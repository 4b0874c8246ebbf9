/*
 * check.c - kz_index_check: verifies a committed index without trusting
 * any of its bytes, and reports each piece of damage it finds as a problem
 * (a file name inside the index directory plus one line saying what is wrong).
 *
 * Two depths (see kzsearch.h):
 *   quick  the manifest (its checksum is always verified) and, for every
 *          segment file it names, presence, size against the manifest's
 *          record, header and footer. Reads a few bytes per file.
 *   full   also every file's checksum, then for each segment whose five
 *          files are sound: kz_segment_open and a cross-check of every
 *          structure against the others and against the manifest (term
 *          order and fields, every term's postings and positions, the skip
 *          tables' bounds, the sums of df, cf and document lengths, every
 *          stored document).
 *
 * Only the decoders the searcher uses read the files, so a full check that
 * passes means every search path will decode. A damaged file is reported and
 * checking goes on with the next one; only a missing index, an unreadable
 * manifest or an allocation failure stop the run with an error.
 *
 * Problem counting: every call of the problem callback counts as one problem,
 * including the one that says a segment's cross-check stopped after
 * MAX_SEGMENT_PROBLEMS (damage in one block tends to repeat across many
 * terms or documents, and the first few say all there is to say).
 *
 * Owns nothing beyond one call: the checker's scratch (a stored document's
 * buffers) is freed before returning. No global state.
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
#include "format/segment_format.h"
#include "kzsearch.h"
#include "format/docstore_reader.h"
#include "format/postings_reader.h"
#include "format/segment_reader.h"
#include "searcher/check_simhash.h"

/* Problems reported for one segment's cross-check before it is abandoned. */
#define MAX_SEGMENT_PROBLEMS 20u
/* Bytes of a term shown in a problem message. */
#define TERM_SHOWN_BYTES 48u



typedef struct checker {
  const char *dir;
  int full;
  kz_check_problem_fn problem;
  void *ctx;
  kz_check_report report;
  /* The segment being cross-checked. */
  uint32_t seg_id;
  unsigned seg_problems;
  int stop;                  /* MAX_SEGMENT_PROBLEMS reached: skip the rest of the segment */
  kz_stored_doc doc;         /* scratch for the document store */
  uint32_t *pos;             /* scratch for one document's positions */
  uint32_t cap_pos;
  int error;                 /* KZ_ERR_NOMEM met while cross-checking */
  kz_analyzer *an;           /* the index's analyzer, to recompute fingerprints; NULL: none */
} checker;

/* ------------------------------------------------------------------------ */
/* Reporting                                                                */
/* ------------------------------------------------------------------------ */

static void vemit(checker *ck, const char *file, const char *fmt, va_list ap) {
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  ck->report.problems++;
  if (ck->problem) ck->problem(ck->ctx, file, msg);
}

static void emit(checker *ck, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void emit(checker *ck, const char *file, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vemit(ck, file, fmt, ap);
  va_end(ap);
}

/* A problem found by the cross-check of the current segment, in its file `kind`. */
static void seg_problem(checker *ck, int kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void seg_problem(checker *ck, int kind, const char *fmt, ...) {
  if (ck->stop) return;
  char name[64];
  kz_segment_file_name(name, sizeof name, ck->seg_id, kind);
  if (ck->seg_problems >= MAX_SEGMENT_PROBLEMS) {
    emit(ck, name, "... more problems suppressed (stopped checking segment %08x after %u)",
         ck->seg_id, MAX_SEGMENT_PROBLEMS);
    ck->stop = 1;
    return;
  }
  ck->seg_problems++;
  va_list ap;
  va_start(ap, fmt);
  vemit(ck, name, fmt, ap);
  va_end(ap);
}

/*
 * Library messages name the file as "DIR/NAME: what". When `msg` starts
 * with DIR/NAME for one of `names`, returns that name's index and sets
 * *rest to the "what" part; otherwise returns -1 and *rest = msg.
 */
static int split_message(const char *msg, const char *dir, const char *const *names, int n_names,
                         const char **rest) {
  *rest = msg;
  size_t dl = strlen(dir);
  if (strncmp(msg, dir, dl) != 0 || msg[dl] != '/') return -1;
  const char *after = msg + dl + 1;
  for (int i = 0; i < n_names; i++) {
    size_t nl = strlen(names[i]);
    if (strncmp(after, names[i], nl) == 0 && after[nl] == ':' && after[nl + 1] == ' ') {
      *rest = after + nl + 2;
      return i;
    }
  }
  return -1;
}

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
/* Files: presence, size, frame, checksum                                   */
/* ------------------------------------------------------------------------ */

/*
 * Checks one segment file; *sound = 1 when nothing is wrong with it.
 * @return KZ_OK (a problem, if any, has been reported) or KZ_ERR_NOMEM.
 */
static int check_named_file(checker *ck, const char *name, uint32_t magic, uint64_t expected_size,
                            int *sound) {
  char detail[160] = "";
  char *path = kz_path_join(ck->dir, name);
  if (!path) return KZ_ERR_NOMEM;
  *sound = 0;
  ck->report.files++;
  struct stat st;
  if (stat(path, &st) != 0) {
    if (errno == ENOENT)
      emit(ck, name, "missing (the manifest names it)");
    else
      emit(ck, name, "cannot stat: %s", strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    emit(ck, name, "not a regular file");
  } else if ((uint64_t)st.st_size != expected_size) {
    emit(ck, name, "size is %llu bytes, the manifest says %llu (%s)",
         (unsigned long long)st.st_size, (unsigned long long)expected_size,
         (uint64_t)st.st_size < expected_size ? "truncated?" : "bytes appended?");
  } else {
    kz_mapped_file f;
    if (kz_file_map(&f, path, magic, detail, sizeof detail) != KZ_OK) {
      emit(ck, name, "%s", detail[0] ? detail : "cannot map");
    } else {
      *sound = 1;
      if (ck->full) {
        ck->report.bytes += f.size;
        if (kz_file_verify_checksum(&f) != KZ_OK) {
          emit(ck, name, "checksum mismatch");
          *sound = 0;
        }
      }
      kz_file_unmap(&f);
    }
  }
  free(path);
  return KZ_OK;
}

static int check_file(checker *ck, const kz_segment_info *info, int kind, int *sound) {
  char name[64];
  kz_segment_file_name(name, sizeof name, info->id, kind);
  return check_named_file(ck, name, kz_segfile_magic[kind], info->file_bytes[kind], sound);
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

static void check_skip_entry(checker *ck, const kz_segment *seg, int title, const kz_postings *c,
                             const char *term, const uint8_t *expected_pos) {
  uint32_t max_tf = 0, min_len = UINT32_MAX;
  for (uint32_t i = 0; i < c->n; i++) {
    if (c->freqs[i] > max_tf) max_tf = c->freqs[i];
    uint32_t len = field_length(seg, title, c->docs[i]);
    if (len < min_len) min_len = len;
  }
  if (kz_postings_block_max_tf(c, c->block) != max_tf)
    seg_problem(ck, KZ_SEGFILE_POSTINGS,
                "%s: skip entry %u says the largest frequency is %u, the block has %u", term,
                c->block, kz_postings_block_max_tf(c, c->block), max_tf);
  if (kz_postings_block_min_length(c, c->block) != min_len)
    seg_problem(ck, KZ_SEGFILE_POSTINGS,
                "%s: skip entry %u says the shortest document has %u tokens, the block's has %u",
                term, c->block, kz_postings_block_min_length(c, c->block), min_len);
  if (expected_pos && c->pos_block != expected_pos)
    seg_problem(ck, KZ_SEGFILE_POSTINGS,
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
static void check_postings(checker *ck, const kz_segment *seg, int title, const kz_term_info *ti,
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
      seg_problem(ck, KZ_SEGFILE_POSTINGS, "%s: document %u %s", term, d,
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
      seg_problem(ck, KZ_SEGFILE_POSTINGS,
                  "%s: frequency %u in document %u is impossible (its length is %u)", term, freq,
                  d, len);
      return;
    }
    /* Every run of up to 128 positions takes a byte at least: more cannot be stored. */
    if (freq > ti->pos_len * KZ_PACK_VALUES) {
      seg_problem(ck, KZ_SEGFILE_POSITIONS,
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
      seg_problem(ck, KZ_SEGFILE_POSITIONS,
                  "%s: the positions of document %u do not decode, do not increase or pass the "
                  "document's end",
                  term, d);
      return;
    }
    if (c.i + 1 == c.n) pos_end = kz_postings_block_positions_end(&c);
  }
  if (ck->stop) return;
  if (error) {
    seg_problem(ck, KZ_SEGFILE_POSTINGS, "%s: postings do not decode (after %llu of %u documents)",
                term, (unsigned long long)count, ti->df);
    return;
  }
  if (count != ti->df)
    seg_problem(ck, KZ_SEGFILE_POSTINGS, "%s: %llu documents, the dictionary says %u", term,
                (unsigned long long)count, ti->df);
  else if (cf != ti->cf)
    seg_problem(ck, KZ_SEGFILE_POSTINGS, "%s: frequencies add up to %llu, the dictionary says %llu",
                term, (unsigned long long)cf, (unsigned long long)ti->cf);
  else if (pos_end != c.pos_end)
    seg_problem(ck, KZ_SEGFILE_POSITIONS, "%s: %lld of its %llu position bytes are not used", term,
                pos_end ? (long long)(c.pos_end - pos_end) : (long long)ti->pos_len,
                (unsigned long long)ti->pos_len);
}

static int compare_keys(const char *a, size_t an, const char *b, size_t bn) {
  size_t n = an < bn ? an : bn;
  int c = memcmp(a, b, n);
  if (c) return c;
  return an < bn ? -1 : an > bn;
}

/* The dictionary in key order, each term's postings, and the totals against the manifest. */
static void check_terms(checker *ck, const kz_segment *seg) {
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
    if (it.key_len == 0 || (unsigned char)it.key[0] > KZ_FIELD_TITLE)
      seg_problem(ck, KZ_SEGFILE_DICT, "%s (number %llu) has no known field", term,
                  (unsigned long long)n_terms);
    if (n_terms > 1 && compare_keys(prev, prev_len, it.key, it.key_len) >= 0)
      seg_problem(ck, KZ_SEGFILE_DICT, "%s (number %llu) is out of order", term,
                  (unsigned long long)n_terms);
    memcpy(prev, it.key, it.key_len);
    prev_len = it.key_len;
    /* The postings and positions files are the terms' data back to back, in key order. */
    if (it.info.post_off != next_post || it.info.pos_off != next_pos)
      seg_problem(ck, KZ_SEGFILE_DICT,
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
    seg_problem(ck, KZ_SEGFILE_DICT, "entry %llu does not decode", (unsigned long long)n_terms + 1);
    return;
  }
  if (n_terms != info->n_terms)
    seg_problem(ck, KZ_SEGFILE_DICT, "%llu terms, the manifest says %llu",
                (unsigned long long)n_terms, (unsigned long long)info->n_terms);
  uint64_t post_body_end = seg->file[KZ_SEGFILE_POSTINGS].size - KZ_FILE_FOOTER_BYTES;
  uint64_t pos_body_end = seg->file[KZ_SEGFILE_POSITIONS].size - KZ_FILE_FOOTER_BYTES;
  if (next_post != post_body_end)
    seg_problem(ck, KZ_SEGFILE_POSTINGS, "bytes %llu to %llu belong to no term",
                (unsigned long long)next_post, (unsigned long long)post_body_end);
  if (next_pos != pos_body_end)
    seg_problem(ck, KZ_SEGFILE_POSITIONS, "bytes %llu to %llu belong to no term",
                (unsigned long long)next_pos, (unsigned long long)pos_body_end);
  if (sum_df != info->n_postings)
    seg_problem(ck, KZ_SEGFILE_DICT, "document frequencies add up to %llu, the manifest says %llu",
                (unsigned long long)sum_df, (unsigned long long)info->n_postings);
  if (sum_cf != info->n_positions)
    seg_problem(ck, KZ_SEGFILE_DICT, "term frequencies add up to %llu, the manifest says %llu",
                (unsigned long long)sum_cf, (unsigned long long)info->n_positions);
}

static void check_norms(checker *ck, const kz_segment *seg) {
  uint64_t sum = 0;
  for (uint32_t d = 0; d < seg->info.doc_count && !ck->stop; d++) {
    uint32_t len = kz_segment_doc_length(seg, d);
    /* A token takes at least one byte of the document. */
    if (len > KZ_MAX_DOC_BYTES)
      seg_problem(ck, KZ_SEGFILE_NORMS, "document %u has an impossible length of %u tokens", d,
                  len);
    sum += len;
  }
  if (sum != seg->info.total_length)
    seg_problem(ck, KZ_SEGFILE_NORMS, "document lengths add up to %llu, the manifest says %llu",
                (unsigned long long)sum, (unsigned long long)seg->info.total_length);
  uint64_t title_sum = 0;
  uint32_t titled = 0;
  for (uint32_t d = 0; d < seg->info.doc_count && !ck->stop; d++) {
    uint32_t len = kz_segment_title_length(seg, d);
    if (len > kz_segment_doc_length(seg, d))
      seg_problem(ck, KZ_SEGFILE_TITLE_NORMS, "document %u has a title longer than itself", d);
    title_sum += len;
    titled += len > 0;
  }
  if (title_sum != seg->info.title_length || titled != seg->info.title_docs)
    seg_problem(ck, KZ_SEGFILE_TITLE_NORMS,
                "title lengths add up to %llu in %u documents, the manifest says %llu in %u",
                (unsigned long long)title_sum, titled, (unsigned long long)seg->info.title_length,
                seg->info.title_docs);
  if (kz_values_verify(&seg->dates) != KZ_OK)
    seg_problem(ck, KZ_SEGFILE_DATES, "a block's smallest or largest date is not its documents'");
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
static int check_store(checker *ck, const kz_segment *seg) {
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
        seg_problem(ck, KZ_SEGFILE_STORE, "document %u (block %u) does not decode", first, b);
      else
        seg_problem(ck, KZ_SEGFILE_STORE, "documents %u to %u (block %u) do not decode", first,
                    end - 1, b);
    }
    for (uint32_t d = first; d < end && !ck->stop; d++) {
      const char *id;
      size_t id_len;
      if (kz_docstore_get_id(st, d, &id, &id_len) != KZ_OK)
        seg_problem(ck, KZ_SEGFILE_STORE, "document %u has no id entry", d);
      else if (id_len == 0)
        seg_problem(ck, KZ_SEGFILE_STORE, "document %u has an empty id", d);
      else if (d == first && rc == KZ_OK &&
               (id_len != ck->doc.len[KZ_STORED_ID] ||
                memcmp(id, ck->doc.field[KZ_STORED_ID], id_len) != 0))
        seg_problem(ck, KZ_SEGFILE_STORE, "document %u: its id and its stored record disagree", d);
    }
  }
  return KZ_OK;
}

/* Opens one segment whose files are sound and cross-checks it. @return KZ_OK or KZ_ERR_NOMEM. */
static int cross_check(checker *ck, const kz_segment_info *info) {
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
    int k = split_message(e.message, ck->dir, name_ptrs, KZ_SEGFILES, &what);
    emit(ck, names[k >= 0 ? k : KZ_SEGFILE_DICT], "%s", what[0] ? what : kz_strerror(rc));
    return KZ_OK;
  }
  ck->seg_id = info->id;
  ck->seg_problems = 0;
  ck->stop = 0;
  check_terms(ck, &seg);
  check_norms(ck, &seg);
  rc = check_store(ck, &seg);
  uint32_t first_bad, n_bad;
  if (!rc && seg.has_simhashes && ck->an && !ck->stop &&
      !(rc = kz_check_simhashes(&seg, ck->an, &ck->doc, &first_bad, &n_bad)) && n_bad)
    seg_problem(ck, KZ_SEGFILE_SIMHASH,
                "%u documents' fingerprints are not their text's (the first: document %u)", n_bad,
                first_bad);
  kz_segment_close(&seg);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* The manifest and the whole run                                           */
/* ------------------------------------------------------------------------ */

static int compare_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Two records naming one segment would make a reader count its documents twice. */
static int check_segment_ids(checker *ck, const kz_manifest *m) {
  if (m->n_segments < 2) return KZ_OK;
  uint32_t *ids = malloc(m->n_segments * sizeof *ids);
  if (!ids) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < m->n_segments; i++) ids[i] = m->segments[i].id;
  qsort(ids, m->n_segments, sizeof *ids, compare_u32);
  for (size_t i = 1; i < m->n_segments; i++)
    if (ids[i] == ids[i - 1] && (i < 2 || ids[i - 2] != ids[i]))
      emit(ck, KZ_MANIFEST_NAME, "segment %08x is listed more than once", ids[i]);
  free(ids);
  return KZ_OK;
}

static int run(checker *ck, kz_error *err) {
  struct stat st;
  if (stat(ck->dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return kz_error_set(err, KZ_ERR_NO_INDEX, "no index at %s", ck->dir);
  kz_manifest m;
  kz_error merr;
  memset(&merr, 0, sizeof merr);
  int rc = kz_manifest_read(&m, ck->dir, &merr);
  if (rc == KZ_ERR_NO_INDEX || rc == KZ_ERR_NOMEM || rc == KZ_ERR_IO) {
    if (err) *err = merr;
    return rc;
  }
  ck->report.files++;
  char *mpath = kz_path_join(ck->dir, KZ_MANIFEST_NAME);
  if (!mpath) {
    kz_manifest_free(&m);
    return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  }
  if (stat(mpath, &st) == 0) ck->report.bytes += (uint64_t)st.st_size;
  free(mpath);
  if (rc) {
    /* Damaged or from a newer format: nothing else can be trusted to find. */
    const char *name = KZ_MANIFEST_NAME, *what;
    split_message(merr.message, ck->dir, &name, 1, &what);
    emit(ck, KZ_MANIFEST_NAME, "%s", what[0] ? what : kz_strerror(rc));
    return KZ_OK;
  }
  if (m.format_version != KZ_FORMAT_VERSION) { /* an older format: its segments cannot be read */
    char why[256];
    kz_old_format_message(why, sizeof why, m.format_version);
    emit(ck, KZ_MANIFEST_NAME, "%s", why);
    kz_manifest_free(&m);
    return KZ_OK;
  }
  /* searching needs the language the manifest names; a full check recomputes fingerprints with it */
  if (kz_analyzer_new_cached(&ck->an, m.language, 0) == KZ_ERR_INVALID)
    emit(ck, KZ_MANIFEST_NAME, "names a language this kzsearch does not know ('%s')", m.language);
  rc = check_segment_ids(ck, &m);
  for (size_t i = 0; i < m.n_segments && !rc; i++) {
    const kz_segment_info *info = &m.segments[i];
    int all_sound = 1;
    for (int k = 0; k < KZ_SEGFILES && !rc; k++) {
      if (!kz_segfile_present(info, k)) continue;
      int sound;
      rc = check_file(ck, info, k, &sound);
      all_sound &= sound;
    }
    if (!rc && info->deletes_gen) { /* its bitmap is validated when the segment opens */
      char name[64];
      int sound;
      kz_deletes_file_name(name, sizeof name, info->id, info->deletes_gen);
      rc = check_named_file(ck, name, KZ_MAGIC_DELETES, info->deletes_bytes, &sound);
      all_sound &= sound;
    }
    if (!rc && ck->full && all_sound) rc = cross_check(ck, info);
  }
  kz_analyzer_free(ck->an);
  ck->an = NULL;
  kz_manifest_free(&m);
  if (rc)
    return kz_error_set(err, rc, "%s", rc == KZ_ERR_NOMEM ? "out of memory" : kz_strerror(rc));
  return KZ_OK;
}

int kz_index_check(const char *path, int full, kz_check_problem_fn problem, void *ctx,
                   kz_check_report *report, kz_error *err) {
  checker ck;
  memset(&ck, 0, sizeof ck);
  ck.dir = path;
  ck.full = full;
  ck.problem = problem;
  ck.ctx = ctx;
  ck.doc = (kz_stored_doc)KZ_STORED_DOC_INIT;
  if (!path) return kz_error_set(err, KZ_ERR_INVALID, "no index path given");
  if (report) {
    int rc = kz_struct_size_check(report->struct_size, "kz_check_report", "KZ_CHECK_REPORT_INIT", err);
    if (rc) return rc;
  }
  ck.report = (kz_check_report)KZ_CHECK_REPORT_INIT;
  int rc = run(&ck, err);
  if (!rc && ck.error) rc = kz_error_set(err, ck.error, "out of memory");
  kz_stored_doc_free(&ck.doc);
  free(ck.pos);
  if (report) kz_struct_fill(report, &ck.report, sizeof ck.report);
  return rc;
}
