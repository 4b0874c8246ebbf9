/*
 * upgrade.c - kz_index_upgrade: rebuilds an index of an older format (v1,
 * v2) as the current one from its own document stores, as one commit.
 *
 * The old index stays what readers see until that commit: a writer opened
 * for a rebuild writes new segments beside the old files, the new MANIFEST
 * replaces the old one atomically, and the old files are removed only after
 * it is durable (docs/FORMAT.md, "Commit protocol"). A crash at any step
 * leaves the old index (the new files are leftovers the next writer
 * removes) or the new one. The stores are read in their own frame version
 * (their layout is the same since v1), deleted documents left out; the old
 * deletion files say which. Every byte read is checked, as everywhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/common_words.h"
#include "format/deletes.h"
#include "format/docstore_reader.h"
#include "common/error.h"
#include "format/file.h"
#include "format/format.h"
#include "format/manifest.h"
#include "kzsearch.h"

/* Reads DIR/name whole (frame of any version this kzsearch knows, checksum verified). */
static int read_old_file(const char *dir, const char *name, uint32_t magic, uint64_t want_bytes,
                         uint8_t **data, size_t *size, kz_error *err) {
  char *path = kz_path_join(dir, name);
  if (!path) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  char detail[160] = "";
  int rc = kz_file_read_all(path, magic, KZ_FORMAT_OLDEST_MANIFEST, data, size, detail,
                            sizeof detail);
  if (!rc && *size != want_bytes) {
    snprintf(detail, sizeof detail, "size is %zu bytes, the manifest says %llu", *size,
             (unsigned long long)want_bytes);
    free(*data);
    *data = NULL;
    rc = KZ_ERR_CORRUPT;
  }
  if (rc) kz_error_set(err, rc, "%s: %s", path, rc == KZ_ERR_NOMEM ? "out of memory" : detail);
  free(path);
  return rc;
}

/* Adds the live documents of one old segment to the writer. */
static int copy_segment(kz_writer *w, const char *dir, const kz_segment_info *info,
                        uint64_t *copied, kz_error *err) {
  char name[64];
  uint8_t *store = NULL, *dels = NULL;
  size_t store_size = 0, dels_size = 0;
  const uint8_t *bitmap = NULL;
  kz_segment_file_name(name, sizeof name, info->id, KZ_SEGFILE_STORE);
  int rc = read_old_file(dir, name, KZ_MAGIC_STORE, info->file_bytes[KZ_SEGFILE_STORE], &store,
                         &store_size, err);
  kz_docstore ds;
  if (!rc && kz_docstore_open(&ds, store + KZ_FILE_HEADER_BYTES,
                              store_size - KZ_FILE_HEADER_BYTES - KZ_FILE_FOOTER_BYTES,
                              info->doc_count) != KZ_OK)
    rc = kz_error_set(err, KZ_ERR_CORRUPT, "%s/%s: damaged document store index", dir, name);
  if (!rc && info->deletes_gen) {
    kz_deletes_file_name(name, sizeof name, info->id, info->deletes_gen);
    rc = read_old_file(dir, name, KZ_MAGIC_DELETES, info->deletes_bytes, &dels, &dels_size, err);
    if (!rc && kz_deletes_validate(dels + KZ_FILE_HEADER_BYTES,
                                   dels_size - KZ_FILE_HEADER_BYTES - KZ_FILE_FOOTER_BYTES,
                                   info->doc_count, info->deleted_docs, &bitmap) != KZ_OK)
      rc = kz_error_set(err, KZ_ERR_CORRUPT, "%s/%s: does not match the manifest's deletions",
                        dir, name);
  }
  kz_stored_doc doc = KZ_STORED_DOC_INIT;
  for (uint32_t d = 0; !rc && d < info->doc_count; d++) {
    if (kz_deleted(bitmap, d)) continue;
    if ((rc = kz_docstore_get(&ds, d, &doc))) {
      kz_segment_file_name(name, sizeof name, info->id, KZ_SEGFILE_STORE);
      kz_error_set(err, rc, "%s/%s: document %u: %s", dir, name, d, kz_strerror(rc));
      break;
    }
    kz_document kd = {sizeof(kz_document), doc.field[KZ_STORED_ID], doc.len[KZ_STORED_ID],
                      doc.field[KZ_STORED_TITLE], doc.len[KZ_STORED_TITLE],
                      doc.field[KZ_STORED_BODY],  doc.len[KZ_STORED_BODY],
                      doc.field[KZ_STORED_DATE],  doc.len[KZ_STORED_DATE],
                      doc.field[KZ_STORED_URL],   doc.len[KZ_STORED_URL]};
    if ((rc = kz_writer_add(w, &kd, err)) == KZ_OK) ++*copied;
  }
  kz_stored_doc_free(&doc);
  free(store);
  free(dels);
  return rc;
}

/*
 * Whether an index of the current format has a segment without the pairs
 * of common words its language gets (written before pairs existed): a
 * rebuild gives them, so phrases of common words become fast.
 */
static int lacks_pairs(const kz_manifest *m) {
  if (!kz_common_words_for(m->language)) return 0;
  for (size_t i = 0; i < m->n_segments; i++)
    if (!kz_segfile_present(&m->segments[i], KZ_SEGFILE_PAIRS)) return 1;
  return 0;
}

int kz_index_upgrade(const char *path, unsigned *from_version, uint64_t *documents,
                     kz_error *err) {
  if (documents) *documents = 0;
  if (from_version) *from_version = 0;
  kz_manifest old;
  int rc = kz_manifest_read(&old, path, err);
  if (rc) return rc;
  int pairs = old.format_version == KZ_FORMAT_VERSION && lacks_pairs(&old);
  if (from_version && (old.format_version != KZ_FORMAT_VERSION || pairs))
    *from_version = old.format_version;
  if (old.format_version == KZ_FORMAT_VERSION && !pairs) {
    kz_manifest_free(&old);
    return KZ_OK; /* nothing to do */
  }
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.rebuild = 1; /* reads only the old manifest; the old files go after the commit */
  o.language = old.language;
  kz_writer *w = NULL;
  uint64_t copied = 0;
  rc = kz_writer_open(&w, path, &o, err);
  for (size_t i = 0; !rc && i < old.n_segments; i++)
    rc = copy_segment(w, path, &old.segments[i], &copied, err);
  if (!rc) rc = kz_writer_commit(w, err);
  kz_writer_close(w); /* without a commit, the new segments are discarded */
  kz_manifest_free(&old);
  if (documents) *documents = copied;
  return rc;
}
