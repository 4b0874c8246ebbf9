/*
 * segment_builder.c - one segment from documents (see segment_builder.h).
 *
 * A document's title and body are analyzed one after the other; body
 * positions continue after the title's, and the document's length is its
 * number of tokens (docs/FORMAT.md, "Analysis"). Each title token is
 * indexed a second time as a title-only term (field 1), at its position
 * within the title, and the title's length is kept beside the document's.
 * Body words written as names go to the segment's names table
 * (indexer/name_collector.h). In English, two adjacent common words of
 * field 0 (analysis/common_words.h) are also indexed as one pair term
 * (field 2) at the first one's position, and the segment gets a pairs file
 * naming the list.
 */
#include "indexer/segment_builder.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analysis/acronym_finder.h"
#include "analysis/analyzer.h"
#include "analysis/common_words.h"
#include "analysis/name_key.h"
#include "analysis/near_dup.h"
#include "common/buf.h"
#include "common/date.h"
#include "common/error.h"
#include "format/file.h"
#include "format/format.h"
#include "common/limits.h"
#include "format/alias_table.h"
#include "format/docstore_writer.h"
#include "format/pairs_file.h"
#include "format/values.h"
#include "indexer/inverter.h"
#include "indexer/name_collector.h"
#include "format/segment_writer.h"

struct kz_builder {
  char *dir;
  kz_analyzer *an;
  kz_inverter *inv;
  kz_name_collector *names;
  kz_docstore_writer *store; /* NULL when no segment is being built */
  uint32_t id, docs;
  uint32_t *lengths, *title_lengths; /* cap_lengths of each */
  int64_t *dates;
  int64_t *simhashes; /* near-duplicate fingerprints (analysis/near_dup.h), as stored */
  size_t cap_lengths;
  kz_buf key;
  kz_acronym_finder acronyms; /* the definitions of the document being added */
  kz_alias_builder aliases;   /* the segment's alias table */
  int pairs;                  /* index pairs of common words (English; kz_builder_set_pairs) */
  char prev[KZ_COMMON_WORD_MAX_BYTES]; /* the last token of field 0, when a common word */
  size_t prev_len;                     /* 0: the last token was not one */
  uint32_t prev_pos;
};

void kz_remove_segment_files(const char *dir, uint32_t id) {
  int saved_errno = errno; /* missing files are expected; the reason of a failure is kept */
  for (int k = 0; k < KZ_SEGFILES; k++) {
    char name[64];
    kz_segment_file_name(name, sizeof name, id, k);
    char *p = kz_path_join(dir, name);
    if (p) unlink(p);
    free(p);
  }
  errno = saved_errno;
}

int kz_builder_new(kz_builder **out, const char *dir, const char *language) {
  kz_builder *b = calloc(1, sizeof *b);
  if (!b || !(b->dir = strdup(dir))) {
    free(b);
    return KZ_ERR_NOMEM;
  }
  int rc = kz_analyzer_new(&b->an, language);
  if (!rc) rc = kz_inverter_new(&b->inv);
  if (!rc) rc = kz_name_collector_new(&b->names, language);
  b->pairs = kz_common_words_for(language);
  if (rc) {
    kz_builder_free(b);
    return rc;
  }
  *out = b;
  return KZ_OK;
}

void kz_builder_discard(kz_builder *b) {
  if (!b->store) return;
  kz_docstore_writer_abort(b->store);
  b->store = NULL;
  kz_remove_segment_files(b->dir, b->id);
  kz_inverter_reset(b->inv);
}

void kz_builder_free(kz_builder *b) {
  if (!b) return;
  kz_builder_discard(b);
  kz_inverter_free(b->inv);
  kz_name_collector_free(b->names);
  kz_analyzer_free(b->an);
  free(b->lengths);
  free(b->title_lengths);
  free(b->dates);
  free(b->simhashes);
  kz_buf_free(&b->key);
  kz_acronym_finder_free(&b->acronyms);
  kz_alias_builder_free(&b->aliases);
  free(b->dir);
  free(b);
}

int kz_builder_begin(kz_builder *b, uint32_t segment_id) {
  char name[64];
  kz_segment_file_name(name, sizeof name, segment_id, KZ_SEGFILE_STORE);
  char *path = kz_path_join(b->dir, name);
  if (!path) return KZ_ERR_NOMEM;
  int rc = kz_docstore_writer_open(&b->store, path);
  free(path);
  if (rc) {
    b->store = NULL;
    return rc;
  }
  b->id = segment_id;
  b->docs = 0;
  kz_inverter_reset(b->inv);
  kz_name_collector_reset(b->names);
  kz_alias_builder_reset(&b->aliases);
  return KZ_OK;
}

void kz_builder_set_pairs(kz_builder *b, int on) { b->pairs = on; }

int kz_builder_active(const kz_builder *b) { return b->store != NULL; }
uint32_t kz_builder_docs(const kz_builder *b) { return b->docs; }

size_t kz_builder_memory(const kz_builder *b) {
  return kz_inverter_memory(b->inv) + kz_name_collector_memory(b->names) +
         (b->store ? kz_docstore_writer_memory(b->store) : 0) + kz_alias_builder_memory(&b->aliases) +
         b->cap_lengths * (sizeof *b->lengths + sizeof *b->title_lengths + sizeof *b->dates +
                           sizeof *b->simhashes);
}

/* Adds the token as a term of `field` at `position`. */
static int add_term(kz_builder *b, uint8_t field, const kz_token *tok, uint32_t position) {
  kz_buf_clear(&b->key);
  if (kz_buf_put_u8(&b->key, field) || kz_buf_append(&b->key, tok->term, tok->term_len))
    return KZ_ERR_NOMEM;
  return kz_inverter_add(b->inv, (const char *)b->key.data, b->key.len, position);
}

/*
 * Adds the pair of the previous token and this one (a term of field 0 at
 * `position`) when both are common words at adjacent positions.
 */
static int add_pair(kz_builder *b, const kz_token *tok, uint32_t position) {
  if (!kz_common_word(tok->term, tok->term_len)) {
    b->prev_len = 0;
    return KZ_OK;
  }
  if (b->prev_len && b->prev_pos + 1 == position) {
    kz_buf_clear(&b->key);
    if (kz_buf_put_u8(&b->key, KZ_FIELD_PAIRS) || kz_buf_append(&b->key, b->prev, b->prev_len) ||
        kz_buf_put_u8(&b->key, KZ_PAIR_SEPARATOR) ||
        kz_buf_append(&b->key, tok->term, tok->term_len))
      return KZ_ERR_NOMEM;
    int rc = kz_inverter_add(b->inv, (const char *)b->key.data, b->key.len, b->prev_pos);
    if (rc) return rc;
  }
  memcpy(b->prev, tok->term, tok->term_len);
  b->prev_len = tok->term_len;
  b->prev_pos = position;
  return KZ_OK;
}

/*
 * Analyzes one field into the text field; positions continue from
 * *position. With `title`, every token is also a title term at its own
 * position, and *title_length gets the title's length. Otherwise every
 * token goes into the body's fingerprint `sh` (the title's is only needed
 * when the body has no term: kz_builder_add makes it then).
 */
static int invert_field(kz_builder *b, const char *text, size_t len, uint32_t *position,
                        int title, uint32_t *title_length, kz_simhash *sh) {
  if (!text || !len) return KZ_OK;
  kz_token tok;
  int rc;
  uint32_t base = *position, next = base;
  kz_analyzer_reset(b->an, text, len);
  while ((rc = kz_analyzer_next(b->an, &tok)) == 1) {
    if (!title && !kz_simhash_full(sh)) kz_simhash_add(sh, tok.term, tok.term_len);
    if ((rc = add_term(b, KZ_FIELD_TEXT, &tok, base + tok.position))) return rc;
    if (title && (rc = add_term(b, KZ_FIELD_TITLE, &tok, tok.position))) return rc;
    /* Titles are often in title case, where every word looks like a name.
     * The term's mark says it is in the names table already, so a name is
     * checked and keyed once a segment, not at each occurrence. */
    kz_term_acc *term = title ? NULL : kz_inverter_last(b->inv);
    if (term && !term->mark && kz_name_capitalised(text, len, tok.start, tok.end)) {
      if ((rc = kz_name_collector_add(b->names, tok.term, tok.term_len))) return rc;
      term->mark = 1;
    }
    if (b->pairs && (rc = add_pair(b, &tok, base + tok.position))) return rc;
    next = base + tok.position + 1;
  }
  if (title) *title_length = next - base;
  *position = next;
  return rc;
}

static int grow_columns(kz_builder *b) {
  size_t cap = b->cap_lengths ? b->cap_lengths * 2 : 4096;
  uint32_t *l = realloc(b->lengths, cap * sizeof *l);
  if (!l) return KZ_ERR_NOMEM;
  b->lengths = l;
  if (!(l = realloc(b->title_lengths, cap * sizeof *l))) return KZ_ERR_NOMEM;
  b->title_lengths = l;
  int64_t *d = realloc(b->dates, cap * sizeof *d);
  if (!d) return KZ_ERR_NOMEM;
  b->dates = d;
  if (!(d = realloc(b->simhashes, cap * sizeof *d))) return KZ_ERR_NOMEM;
  b->simhashes = d;
  b->cap_lengths = cap;
  return KZ_OK;
}

/*
 * The document's date in UTC seconds, KZ_VALUE_NONE when it has none or it
 * does not parse (the ingest reports those with their FILE:LINE).
 */
static int64_t document_date(const kz_document *doc) {
  int64_t t;
  if (!doc->date_len || kz_date_parse(&t, doc->date, doc->date_len, NULL, 0) != KZ_OK)
    return KZ_VALUE_NONE;
  return t;
}

int kz_builder_add_acronyms(kz_acronym_finder *f, kz_alias_builder *table, const kz_document *doc) {
  kz_alias_builder_doc(table);
  int rc = kz_acronym_find(f, doc->title, doc->title_len, 0);
  if (!rc) rc = kz_acronym_find(f, doc->body, doc->body_len, 1);
  for (size_t i = 0; i < f->n_pairs && !rc; i++)
    rc = kz_alias_builder_add(table, f->pairs[i].short_form, f->pairs[i].short_len,
                              f->pairs[i].long_form, f->pairs[i].long_len);
  return rc;
}

int kz_builder_add(kz_builder *b, const kz_document *doc) {
  if (b->docs == b->cap_lengths && grow_columns(b)) return KZ_ERR_NOMEM;
  uint32_t length = 0, title_length = 0;
  kz_simhash body_sh;
  kz_simhash_begin(&body_sh);
  kz_inverter_begin_doc(b->inv, b->docs);
  b->prev_len = 0; /* pairs run from the title into the body, never across documents */
  int rc = invert_field(b, doc->title, doc->title_len, &length, 1, &title_length, NULL);
  if (!rc) rc = invert_field(b, doc->body, doc->body_len, &length, 0, NULL, &body_sh);
  /* the body's fingerprint, the title's when the body has no term (kz_near_dup_text) */
  uint64_t simhash = kz_simhash_end(&body_sh);
  if (!rc && !body_sh.terms)
    rc = kz_near_dup_text(b->an, doc->title, doc->title_len, NULL, 0, &simhash, NULL);
  if (!rc) rc = kz_inverter_end_doc(b->inv);
  if (!rc) rc = kz_builder_add_acronyms(&b->acronyms, &b->aliases, doc);
  if (!rc) rc = kz_docstore_writer_add(b->store, doc);
  if (rc) return rc;
  b->lengths[b->docs] = length;
  b->title_lengths[b->docs] = title_length;
  b->simhashes[b->docs] = (int64_t)simhash;
  b->dates[b->docs++] = document_date(doc);
  return KZ_OK;
}

int kz_builder_finish(kz_builder *b, kz_segment_info *info, kz_error *err) {
  kz_doc_columns cols = {b->lengths, b->title_lengths, b->dates, b->docs, b->simhashes};
  int rc = kz_segment_write(b->dir, b->id, b->inv, &cols, info, err);
  if (!rc && (rc = kz_name_collector_write(b->names, b->dir, b->id,
                                           &info->file_bytes[KZ_SEGFILE_NAMES])))
    kz_error_set(err, rc, "cannot write the names table in %s: %s", b->dir,
                 rc == KZ_ERR_IO ? strerror(errno) : kz_strerror(rc));
  if (!rc && b->pairs &&
      (rc = kz_pairs_file_write(b->dir, b->id, KZ_COMMON_WORDS_VERSION, kz_common_words,
                                kz_n_common_words, &info->file_bytes[KZ_SEGFILE_PAIRS])))
    kz_error_set(err, rc, "cannot write the pairs file in %s: %s", b->dir,
                 rc == KZ_ERR_IO ? strerror(errno) : kz_strerror(rc));
  if (!rc && (rc = kz_alias_table_write(&b->aliases, b->dir, b->id,
                                        &info->file_bytes[KZ_SEGFILE_ALIASES])))
    kz_error_set(err, rc, "cannot write the alias table in %s: %s", b->dir,
                 rc == KZ_ERR_IO ? strerror(errno) : kz_strerror(rc));
  if (!rc) {
    rc = kz_docstore_writer_finish(b->store, &info->file_bytes[KZ_SEGFILE_STORE]);
    b->store = NULL;
    if (rc)
      kz_error_set(err, rc, "cannot write the document store in %s: %s", b->dir,
                   rc == KZ_ERR_IO ? strerror(errno) : kz_strerror(rc));
  }
  if (rc) {
    if (b->store) kz_docstore_writer_abort(b->store);
    b->store = NULL;
    kz_remove_segment_files(b->dir, b->id);
  }
  kz_inverter_reset(b->inv);
  kz_name_collector_reset(b->names);
  return rc;
}
