/*
 * fetch.c - whole stored documents by id (kz_index_get, kz_stored_free).
 *
 * A kz_stored is the public face of a box that also owns the decompressed
 * fields (a kz_stored_doc), so the strings live exactly as long as the
 * kz_stored and need neither the index nor its mapped files.
 */
#include <stdlib.h>

#include "format/docstore_reader.h"
#include "common/error.h"
#include "format/format.h"
#include "searcher/id_lookup.h"
#include "searcher/index.h"
#include "kzsearch.h"

typedef struct stored_box {
  kz_stored pub; /* first, so that a kz_stored * is the box's address */
  kz_stored_doc fields;
} stored_box;

static void take_field(const kz_stored_doc *d, int field, const char **s, size_t *len) {
  *s = d->field[field];
  *len = d->len[field];
}

int kz_index_get(kz_stored **out, kz_index *idx, const char *id, size_t id_len, kz_error *err) {
  *out = NULL;
  if (!id && id_len) return kz_error_set(err, KZ_ERR_INVALID, "the id is NULL");
  if (!id_len) return KZ_OK; /* a document always has an id of at least one byte */
  int found = 0;
  uint64_t doc = 0;
  int rc = kz_id_lookup_find(&idx->ids, idx, id, id_len, &found, &doc);
  if (rc) return kz_error_set(err, rc, "%s: cannot look up ids: %s", idx->path, kz_strerror(rc));
  if (!found) return KZ_OK;
  stored_box *box = calloc(1, sizeof *box);
  if (!box) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  kz_stored_doc init = KZ_STORED_DOC_INIT;
  box->fields = init;
  size_t s = kz_index_segment_of(idx, doc);
  if ((rc = kz_docstore_get(&idx->segs[s].store, (uint32_t)(doc - idx->doc_base[s]), &box->fields))) {
    kz_stored_free(&box->pub);
    return kz_error_set(err, rc, "%s: cannot load the stored document: %s", idx->path,
                        kz_strerror(rc));
  }
  kz_stored *p = &box->pub;
  p->doc = doc;
  take_field(&box->fields, KZ_STORED_ID, &p->id, &p->id_len);
  take_field(&box->fields, KZ_STORED_TITLE, &p->title, &p->title_len);
  take_field(&box->fields, KZ_STORED_BODY, &p->body, &p->body_len);
  take_field(&box->fields, KZ_STORED_DATE, &p->date, &p->date_len);
  take_field(&box->fields, KZ_STORED_URL, &p->url, &p->url_len);
  *out = p;
  return KZ_OK;
}

void kz_stored_free(kz_stored *doc) {
  if (!doc) return;
  stored_box *box = (stored_box *)doc;
  kz_stored_doc_free(&box->fields);
  free(box);
}
