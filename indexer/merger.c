/*
 * merger.c - rewrites adjacent committed segments as one, leaving out their
 * deleted documents (see merger.h).
 *
 * Surviving documents keep their order and are renumbered from 0, so the
 * merged segment holds them exactly where the sources did in the index's
 * global order. Terms are merged from the sources' sorted dictionaries; for
 * each, the sources' postings are concatenated (source order is document
 * order) and the positions re-encoded; the stored documents, the title
 * lengths, the dates and the near-duplicate fingerprints are copied. A
 * source from before fingerprints has its documents fingerprinted from
 * their stored text as they are copied (as the segment builder does), so
 * a merged or compacted index always has the simhash column and its
 * searches need not analyse texts to collapse. The names tables
 * are combined (a source without one adds nothing); an entry whose term
 * lost all its documents may stay, and a search reports only variants that
 * match. The alias table is made again from the surviving documents' text
 * as they are copied (as the segment builder makes it): the sources' tables
 * combined, without the deleted documents' definitions, and with one for a
 * source written before alias tables. The merged segment has pairs of
 * common words (field 2) only when every source has them from the same
 * list; otherwise their field-2 keys are left out, and phrases read the
 * words there.
 */
#include "indexer/merger.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/acronym_finder.h"
#include "analysis/analyzer.h"
#include "analysis/near_dup.h"
#include "common/buf.h"
#include "format/alias_table.h"
#include "format/deletes.h"
#include "format/docstore_reader.h"
#include "common/error.h"
#include "format/postings_reader.h"
#include "format/segment_reader.h"
#include "format/docstore_writer.h"
#include "format/format.h"
#include "format/name_table.h"
#include "format/segment_writer.h"
#include "format/term_enum.h"
#include "indexer/segment_builder.h"

typedef struct merge {
  const char *dir;
  const char *language;
  kz_analyzer *an;       /* fingerprints the documents of sources without; NULL when all have */
  kz_segment *segs;
  size_t n;
  uint32_t **remap;      /* per source: new doc number, or KZ_DOC_END when deleted */
  uint32_t *lengths;     /* of the merged documents */
  uint32_t *title_lengths;
  int64_t *dates;
  int64_t *simhashes;    /* of the merged documents */
  uint32_t n_docs;
  int pairs;             /* every source has pairs from the same list: keep the field-2 keys */
  /* one merged term */
  uint32_t *docs, *freqs;
  size_t cap;
  uint32_t *pos;         /* one document's positions */
  uint32_t cap_pos;
  kz_buf pos_out;
  int error;             /* postings cursors report corruption here */
  kz_acronym_finder acronyms;
  kz_alias_builder aliases; /* of the merged documents */
} merge;

static int grow_term(merge *m, size_t n) {
  if (n <= m->cap) return KZ_OK;
  size_t cap = m->cap ? m->cap * 2 : 1024;
  while (cap < n) cap *= 2;
  uint32_t *d = realloc(m->docs, cap * sizeof *d), *f;
  if (!d) return KZ_ERR_NOMEM;
  m->docs = d;
  if (!(f = realloc(m->freqs, cap * sizeof *f))) return KZ_ERR_NOMEM;
  m->freqs = f;
  m->cap = cap;
  return KZ_OK;
}

/* Numbers the surviving documents and collects their lengths. */
static int build_remap(merge *m) {
  uint64_t total = 0;
  for (size_t i = 0; i < m->n; i++) total += m->segs[i].info.doc_count - m->segs[i].info.deleted_docs;
  if (total > KZ_MAX_SEGMENT_DOCS) return KZ_ERR_LIMIT;
  m->lengths = malloc((total ? total : 1) * sizeof *m->lengths);
  m->title_lengths = malloc((total ? total : 1) * sizeof *m->title_lengths);
  m->dates = malloc((total ? total : 1) * sizeof *m->dates);
  m->remap = calloc(m->n, sizeof *m->remap);
  if (!m->lengths || !m->title_lengths || !m->dates || !m->remap) return KZ_ERR_NOMEM;
  if (!(m->simhashes = malloc((total ? total : 1) * sizeof *m->simhashes))) return KZ_ERR_NOMEM;
  int all_fingerprinted = 1;
  for (size_t i = 0; i < m->n; i++) all_fingerprinted &= m->segs[i].has_simhashes;
  if (!all_fingerprinted) {
    int rc = kz_analyzer_new(&m->an, m->language);
    if (rc) return rc;
  }
  for (size_t i = 0; i < m->n; i++) {
    const kz_segment *s = &m->segs[i];
    m->remap[i] = malloc((s->info.doc_count ? s->info.doc_count : 1) * sizeof **m->remap);
    if (!m->remap[i]) return KZ_ERR_NOMEM;
    for (uint32_t d = 0; d < s->info.doc_count; d++) {
      if (kz_deleted(s->deleted, d)) {
        m->remap[i][d] = KZ_DOC_END;
        continue;
      }
      m->lengths[m->n_docs] = kz_segment_doc_length(s, d);
      m->title_lengths[m->n_docs] = kz_segment_title_length(s, d);
      m->dates[m->n_docs] = kz_values_get(&s->dates, d);
      if (s->has_simhashes) m->simhashes[m->n_docs] = kz_values_get(&s->simhashes, d);
      m->remap[i][d] = m->n_docs++;
    }
  }
  return KZ_OK;
}

static int copy_documents(merge *m, kz_docstore_writer *out) {
  kz_stored_doc doc = KZ_STORED_DOC_INIT;
  int rc = KZ_OK;
  for (size_t i = 0; i < m->n && !rc; i++)
    for (uint32_t d = 0; d < m->segs[i].info.doc_count && !rc; d++) {
      if (m->remap[i][d] == KZ_DOC_END) continue;
      if ((rc = kz_docstore_get(&m->segs[i].store, d, &doc))) break;
      kz_document kd = {sizeof(kz_document), doc.field[KZ_STORED_ID], doc.len[KZ_STORED_ID],
                        doc.field[KZ_STORED_TITLE], doc.len[KZ_STORED_TITLE],
                        doc.field[KZ_STORED_BODY], doc.len[KZ_STORED_BODY],
                        doc.field[KZ_STORED_DATE], doc.len[KZ_STORED_DATE],
                        doc.field[KZ_STORED_URL], doc.len[KZ_STORED_URL]};
      rc = kz_docstore_writer_add(out, &kd);
      if (!rc) rc = kz_builder_add_acronyms(&m->acronyms, &m->aliases, &kd);
      uint64_t fp;
      if (!rc && !m->segs[i].has_simhashes &&
          !(rc = kz_near_dup_text(m->an, kd.title, kd.title_len, kd.body, kd.body_len, &fp, NULL)))
        m->simhashes[m->remap[i][d]] = (int64_t)fp;
    }
  kz_stored_doc_free(&doc);
  return rc;
}

/* Appends source i's postings of one term (the survivors, renumbered) to the merged term. */
static int append_postings(merge *m, size_t i, const kz_term_info *info, uint32_t *df) {
  kz_postings c;
  kz_postings_init(&c, &m->segs[i], info, &m->error);
  for (uint32_t d = kz_postings_next(&c); d != KZ_DOC_END; d = kz_postings_next(&c)) {
    uint32_t nd = m->remap[i][d];
    if (nd == KZ_DOC_END) continue;
    uint32_t freq = kz_postings_freq(&c);
    if (freq > kz_segment_doc_length(&m->segs[i], d)) return KZ_ERR_CORRUPT;
    if (freq > m->cap_pos) {
      uint32_t *p = realloc(m->pos, (size_t)freq * sizeof *p);
      if (!p) return KZ_ERR_NOMEM;
      m->pos = p;
      m->cap_pos = freq;
    }
    int n = kz_postings_positions(&c, m->pos, m->cap_pos);
    if (n < 0) return n;
    int rc = grow_term(m, (size_t)*df + 1);
    if (rc) return rc;
    m->docs[*df] = nd;
    m->freqs[*df] = freq;
    (*df)++;
    uint32_t prev = 0;
    for (int k = 0; k < n; k++) {
      if (kz_buf_put_varint(&m->pos_out, m->pos[k] - prev)) return KZ_ERR_NOMEM;
      prev = m->pos[k];
    }
  }
  return m->error;
}

static int merge_terms(merge *m, kz_segment_writer *out) {
  kz_term_enum *e;
  int rc = kz_term_enum_new(&e, m->segs, m->n);
  if (rc) return rc;
  const char *key;
  size_t key_len, n_matches;
  const kz_term_match *matches;
  while (!rc && (rc = kz_term_enum_next(e, &key, &key_len, &matches, &n_matches)) == 1) {
    uint32_t df = 0;
    kz_buf_clear(&m->pos_out);
    /* The matches come in segment order, which is document order. */
    rc = KZ_OK;
    if (!m->pairs && key_len && (uint8_t)key[0] == KZ_FIELD_PAIRS) continue;
    for (size_t k = 0; k < n_matches && !rc; k++)
      rc = append_postings(m, matches[k].segment, &matches[k].info, &df);
    if (!rc && df) /* a term all of whose documents were deleted disappears */
      rc = kz_segment_writer_term(out, key, key_len, m->docs, m->freqs, df, m->pos_out.data,
                                  m->pos_out.len);
  }
  kz_term_enum_free(e);
  return rc;
}

/* Whether every source has pairs of common words from one list. */
static int same_pairs(const merge *m) {
  for (size_t i = 0; i < m->n; i++)
    if (!m->segs[i].pairs.n || !kz_pair_words_equal(&m->segs[i].pairs, &m->segs[0].pairs)) return 0;
  return m->n > 0;
}

/* The system's reason for an I/O error (errno, kept by the abort paths), else the status name. */
static const char *why(int rc) { return rc == KZ_ERR_IO ? strerror(errno) : kz_strerror(rc); }

/* Writes the union of the sources' names tables as the new segment's. */
static int merge_names(const merge *m, uint32_t new_id, uint64_t *bytes) {
  size_t total = 0;
  kz_name_table *t = calloc(m->n ? m->n : 1, sizeof *t);
  if (!t) return KZ_ERR_NOMEM;
  int rc = KZ_OK;
  for (size_t i = 0; i < m->n && !rc; i++) {
    const kz_mapped_file *f = &m->segs[i].file[KZ_SEGFILE_NAMES];
    /* opening the segment did not verify it (segment_reader.c); a copy must not launder damage */
    rc = f->size && kz_file_verify_checksum(f) ? KZ_ERR_CORRUPT
                                                : kz_name_table_open(&t[i], f->body, f->body_size);
    total += t[i].n;
  }
  kz_name_entry *e = rc ? NULL : malloc((total ? total : 1) * sizeof *e);
  if (!rc && !e) rc = KZ_ERR_NOMEM;
  size_t n = 0;
  for (size_t i = 0; i < m->n && !rc; i++)
    for (uint32_t j = 0; j < t[i].n && !rc; j++) rc = kz_name_table_entry(&t[i], j, &e[n++]);
  if (!rc) rc = kz_name_table_write(m->dir, new_id, e, n, bytes);
  free(e);
  free(t);
  return rc;
}

int kz_merge_segments(const char *dir, const char *language, const kz_segment_info *sources,
                      size_t n, uint32_t new_id, kz_segment_info *out, kz_error *err) {
  merge m;
  memset(&m, 0, sizeof m);
  m.dir = dir;
  m.language = language;
  m.segs = calloc(n ? n : 1, sizeof *m.segs);
  if (!m.segs) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  int rc = KZ_OK;
  for (; m.n < n && !rc; m.n++)
    if ((rc = kz_segment_open(&m.segs[m.n], dir, &sources[m.n], err))) break;
  kz_docstore_writer *store = NULL;
  kz_segment_writer *seg = NULL;
  char name[64];
  kz_segment_file_name(name, sizeof name, new_id, KZ_SEGFILE_STORE);
  char *store_path = kz_path_join(dir, name);
  if (!rc && !store_path) rc = kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  m.pairs = !rc && same_pairs(&m);
  if (!rc && (rc = build_remap(&m))) kz_error_set(err, rc, "cannot merge: %s", kz_strerror(rc));
  if (!rc && (rc = kz_docstore_writer_open(&store, store_path)))
    kz_error_set(err, rc, "cannot create %s: %s", store_path, why(rc));
  kz_doc_columns cols = {m.lengths, m.title_lengths, m.dates, m.n_docs, m.simhashes};
  if (!rc && (rc = kz_segment_writer_open(&seg, dir, new_id, &cols)))
    kz_error_set(err, rc, "cannot create segment %08x in %s: %s", new_id, dir, why(rc));
  if (!rc && ((rc = copy_documents(&m, store)) || (rc = merge_terms(&m, seg))))
    kz_error_set(err, rc, "cannot merge segments in %s: %s", dir, why(rc));
  if (!rc) {
    rc = kz_segment_writer_finish(seg, out, err);
    seg = NULL;
  }
  if (!rc && m.pairs &&
      (rc = kz_pairs_file_copy(dir, new_id, &m.segs[0].pairs, &out->file_bytes[KZ_SEGFILE_PAIRS])))
    kz_error_set(err, rc, "cannot write the pairs file of segment %08x in %s: %s", new_id, dir,
                 why(rc));
  if (!rc && (rc = merge_names(&m, new_id, &out->file_bytes[KZ_SEGFILE_NAMES])))
    kz_error_set(err, rc, "cannot merge the names tables in %s: %s", dir, why(rc));
  if (!rc) {
    rc = kz_docstore_writer_finish(store, &out->file_bytes[KZ_SEGFILE_STORE]);
    store = NULL;
    if (rc) kz_error_set(err, rc, "cannot write %s: %s", store_path, why(rc));
  }
  if (!rc && (rc = kz_alias_table_write(&m.aliases, dir, new_id, &out->file_bytes[KZ_SEGFILE_ALIASES])))
    kz_error_set(err, rc, "cannot write the alias table of segment %08x in %s: %s", new_id, dir, why(rc));
  if (rc) { /* nothing of the new segment may stay behind */
    kz_segment_writer_abort(seg);
    kz_docstore_writer_abort(store);
    for (int k = 0; k < KZ_SEGFILES; k++) {
      kz_segment_file_name(name, sizeof name, new_id, k);
      char *p = kz_path_join(dir, name);
      if (p) unlink(p);
      free(p);
    }
  }
  for (size_t i = 0; i < m.n; i++) kz_segment_close(&m.segs[i]);
  for (size_t i = 0; m.remap && i < n; i++) free(m.remap[i]);
  free(m.remap);
  free(m.segs);
  free(m.lengths);
  free(m.title_lengths);
  free(m.dates);
  free(m.simhashes);
  kz_analyzer_free(m.an);
  free(m.docs);
  free(m.freqs);
  free(m.pos);
  kz_buf_free(&m.pos_out);
  kz_acronym_finder_free(&m.acronyms);
  kz_alias_builder_free(&m.aliases);
  free(store_path);
  return rc;
}

static unsigned level_of(const kz_segment_info *s) {
  uint64_t live = s->doc_count - s->deleted_docs;
  unsigned level = 0;
  while (live >= KZ_MERGE_FACTOR) {
    live /= KZ_MERGE_FACTOR;
    level++;
  }
  return level;
}

int kz_merge_policy_pick(const kz_manifest *m, size_t *first, size_t *count) {
  size_t run = 0;
  for (size_t i = 0; i < m->n_segments; i++) {
    run = i > 0 && level_of(&m->segments[i]) == level_of(&m->segments[i - 1]) ? run + 1 : 1;
    if (run == KZ_MERGE_FACTOR) {
      *first = i + 1 - run;
      *count = run;
      return 1;
    }
  }
  return 0;
}
