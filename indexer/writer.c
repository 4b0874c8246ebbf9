/*
 * writer.c - the public writer (kz_writer_*): takes the index lock, analyzes
 * documents into the inverter and the document store of the segment being
 * built, writes a segment whenever memory passes the budget, and commits all
 * written segments at once by replacing the manifest.
 *
 * Crash safety: segment files are written under fresh ids that no manifest
 * names yet, so until the manifest rename nothing committed changes. Files
 * no manifest names are leftovers of an interrupted writer and are removed
 * when the next writer opens the index. With `rebuild`, the old segments
 * stay until the new manifest is durable.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/analyzer.h"
#include "common/deletes.h"
#include "common/buf.h"
#include "common/error.h"
#include "common/file.h"
#include "common/format.h"
#include "common/limits.h"
#include "common/manifest.h"
#include "indexer/docstore_writer.h"
#include "indexer/inverter.h"
#include "indexer/live_docs.h"
#include "indexer/merger.h"
#include "indexer/segment_writer.h"
#include "indexer/source.h"
#include "kzsearch.h"

struct kz_writer {
  char *dir;
  int lock_fd;
  kz_manifest committed;   /* the state readers see */
  kz_segment_info *pending; /* segments written since, not yet committed */
  size_t n_pending, cap_pending;
  int rebuild;
  int auto_merge;
  uint32_t next_segment_id;
  char language[KZ_MAX_LANGUAGE_BYTES + 1];
  size_t budget;
  size_t max_doc_bytes;
  kz_analyzer *an;
  kz_inverter *inv;
  /* the segment being built */
  kz_docstore_writer *store;
  uint32_t seg_id, seg_docs;
  uint32_t *lengths;
  size_t cap_lengths;
  kz_buf key;
  kz_live_docs *live;        /* ids -> live documents, deletions per segment */
  uint64_t added, replaced, deleted;
  uint64_t changes;          /* deletions and replacements not yet committed */
  int failed; /* sticky error after an I/O or memory failure */
};

/* ---- lock and leftovers ------------------------------------------------ */

static int take_lock(kz_writer *w, kz_error *err) {
  char *path = kz_path_join(w->dir, KZ_LOCK_NAME);
  if (!path) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    int rc = kz_error_set(err, KZ_ERR_IO, "cannot open %s: %s", path, strerror(errno));
    free(path);
    return rc;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[32] = "";
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    long pid = strtol(buf, NULL, 10);
    int rc = errno == EWOULDBLOCK
                 ? (pid > 0 ? kz_error_set(err, KZ_ERR_LOCKED, "index %s is locked by pid %ld", w->dir, pid)
                            : kz_error_set(err, KZ_ERR_LOCKED, "index %s is locked by another writer", w->dir))
                 : kz_error_set(err, KZ_ERR_IO, "cannot lock %s: %s", path, strerror(errno));
    close(fd);
    free(path);
    return rc;
  }
  char pid[32];
  int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
    /* The pid is only informative; the lock itself is held. */
  }
  free(path);
  w->lock_fd = fd;
  return KZ_OK;
}

/* Whether `name` is one of the files the manifest names for its segments. */
static int file_named(const kz_manifest *m, const char *name) {
  for (size_t i = 0; i < m->n_segments; i++) {
    char own[64];
    for (int k = 0; k < KZ_SEGFILES; k++) {
      kz_segment_file_name(own, sizeof own, m->segments[i].id, k);
      if (strcmp(own, name) == 0) return 1;
    }
    if (m->segments[i].deletes_gen) {
      kz_deletes_file_name(own, sizeof own, m->segments[i].id, m->segments[i].deletes_gen);
      if (strcmp(own, name) == 0) return 1;
    }
  }
  return 0;
}

/* Removes segment and deletion files the manifest does not name, and a stale MANIFEST.tmp. */
static void remove_unreferenced(const char *dir, const kz_manifest *m) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    int stale = (strncmp(e->d_name, "seg-", 4) == 0 && !file_named(m, e->d_name)) ||
                strcmp(e->d_name, KZ_MANIFEST_NAME ".tmp") == 0;
    if (stale) {
      char *path = kz_path_join(dir, e->d_name);
      if (path) unlink(path);
      free(path);
    }
  }
  closedir(d);
}

/* ---- open and close ---------------------------------------------------- */

int kz_writer_open(kz_writer **out, const char *path, const kz_writer_options *opts,
                   kz_error *err) {
  kz_writer_options defaults = KZ_WRITER_OPTIONS_INIT;
  const kz_writer_options *o = opts ? opts : &defaults;
  if (o->version != KZ_WRITER_OPTIONS_VERSION)
    return kz_error_set(err, KZ_ERR_INVALID, "unsupported kz_writer_options version %u", o->version);
  if (o->memory_bytes && o->memory_bytes < KZ_MIN_MEMORY_BYTES)
    return kz_error_set(err, KZ_ERR_INVALID, "the memory budget must be at least %u bytes",
                        KZ_MIN_MEMORY_BYTES);
  if (mkdir(path, 0755) != 0 && errno != EEXIST)
    return kz_error_set(err, KZ_ERR_IO, "cannot create %s: %s", path, strerror(errno));
  kz_writer *w = calloc(1, sizeof *w);
  if (!w || !(w->dir = strdup(path))) {
    free(w);
    return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  }
  w->lock_fd = -1;
  w->rebuild = o->rebuild;
  w->auto_merge = !o->no_auto_merge;
  w->max_doc_bytes = o->max_doc_bytes && o->max_doc_bytes < KZ_MAX_DOC_BYTES ? o->max_doc_bytes
                                                                             : KZ_MAX_DOC_BYTES;
  w->budget = o->memory_bytes ? o->memory_bytes : KZ_DEFAULT_MEMORY_BYTES;
  int rc = take_lock(w, err);
  if (!rc) {
    rc = kz_manifest_read(&w->committed, path, err);
    if (rc == KZ_ERR_NO_INDEX) {
      memset(&w->committed, 0, sizeof w->committed);
      w->committed.next_segment_id = 1;
      rc = KZ_OK;
    } else if (!rc && o->language && !o->rebuild && strcmp(o->language, w->committed.language) != 0) {
      rc = kz_error_set(err, KZ_ERR_INVALID,
                        "index %s was built with language '%s'; use --rebuild to change it to '%s'",
                        path, w->committed.language, o->language);
    }
  }
  if (!rc) {
    const char *lang = o->language ? o->language
                       : (w->committed.language[0] && !o->rebuild) ? w->committed.language
                                                                   : "english";
    if (strlen(lang) > KZ_MAX_LANGUAGE_BYTES)
      rc = kz_error_set(err, KZ_ERR_INVALID, "unknown language '%s'", lang);
    else
      snprintf(w->language, sizeof w->language, "%s", lang);
  }
  if (!rc && (rc = kz_analyzer_new(&w->an, w->language)))
    kz_error_set(err, rc, rc == KZ_ERR_INVALID ? "unknown language '%s' (see libstemmer's list)"
                                               : "cannot create the analyzer for '%s'",
                 w->language);
  if (!rc && (rc = kz_inverter_new(&w->inv))) kz_error_set(err, rc, "out of memory");
  if (!rc && (rc = kz_live_docs_new(&w->live))) kz_error_set(err, rc, "out of memory");
  for (size_t i = 0; !rc && !w->rebuild && i < w->committed.n_segments; i++) {
    /* The ids of the committed documents, so that adding an existing id replaces it. */
    if ((rc = kz_live_docs_load(w->live, path, &w->committed.segments[i]))) {
      char name[64];
      kz_segment_file_name(name, sizeof name, w->committed.segments[i].id, KZ_SEGFILE_STORE);
      kz_error_set(err, rc, "%s/%s: cannot read the document ids: %s (try kzsearch check)", path,
                   name, kz_strerror(rc));
    }
  }
  if (rc) {
    kz_writer_close(w);
    return rc;
  }
  w->next_segment_id = w->committed.next_segment_id;
  remove_unreferenced(path, &w->committed);
  *out = w;
  return KZ_OK;
}

static void remove_segment_files(const char *dir, uint32_t id) {
  for (int k = 0; k < KZ_SEGFILES; k++) {
    char name[64];
    kz_segment_file_name(name, sizeof name, id, k);
    char *p = kz_path_join(dir, name);
    if (p) unlink(p);
    free(p);
  }
}

void kz_writer_close(kz_writer *w) {
  if (!w) return;
  if (w->store) { /* an unfinished segment: discard */
    kz_docstore_writer_abort(w->store);
    remove_segment_files(w->dir, w->seg_id);
  }
  for (size_t i = 0; i < w->n_pending; i++) remove_segment_files(w->dir, w->pending[i].id);
  kz_inverter_free(w->inv);
  kz_live_docs_free(w->live);
  kz_analyzer_free(w->an);
  kz_manifest_free(&w->committed);
  free(w->pending);
  free(w->lengths);
  kz_buf_free(&w->key);
  if (w->lock_fd >= 0) close(w->lock_fd); /* releases the lock */
  free(w->dir);
  free(w);
}

uint64_t kz_writer_added(const kz_writer *w) { return w->added; }

/* ---- building segments ------------------------------------------------- */

static int fail(kz_writer *w, int rc) {
  if (rc == KZ_ERR_IO || rc == KZ_ERR_NOMEM || rc == KZ_ERR_CORRUPT) w->failed = rc;
  return rc;
}

static int start_segment(kz_writer *w, kz_error *err) {
  char name[64];
  w->seg_id = w->next_segment_id++;
  kz_segment_file_name(name, sizeof name, w->seg_id, KZ_SEGFILE_STORE);
  char *path = kz_path_join(w->dir, name);
  if (!path) return fail(w, kz_error_set(err, KZ_ERR_NOMEM, "out of memory"));
  int rc = kz_docstore_writer_open(&w->store, path);
  if (rc) {
    w->store = NULL;
    kz_error_set(err, rc, "cannot create %s: %s", path, strerror(errno));
  }
  free(path);
  w->seg_docs = 0;
  kz_inverter_reset(w->inv);
  if (!rc && (rc = kz_live_docs_begin(w->live, w->seg_id))) kz_error_set(err, rc, "out of memory");
  return rc ? fail(w, rc) : KZ_OK;
}

static int flush_segment(kz_writer *w, kz_error *err) {
  if (!w->store) return KZ_OK;
  kz_segment_info info;
  int rc = kz_segment_write(w->dir, w->seg_id, w->inv, w->lengths, w->seg_docs, &info, err);
  if (!rc) {
    rc = kz_docstore_writer_finish(w->store, &info.file_bytes[KZ_SEGFILE_STORE]);
    w->store = NULL;
    if (rc) kz_error_set(err, rc, "cannot write the document store in %s: %s", w->dir, kz_strerror(rc));
  }
  if (!rc && w->n_pending == w->cap_pending) {
    size_t cap = w->cap_pending ? w->cap_pending * 2 : 8;
    kz_segment_info *p = realloc(w->pending, cap * sizeof *p);
    if (!p)
      rc = kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
    else
      w->pending = p, w->cap_pending = cap;
  }
  if (rc) {
    if (w->store) kz_docstore_writer_abort(w->store);
    w->store = NULL;
    remove_segment_files(w->dir, w->seg_id);
    return fail(w, rc);
  }
  w->pending[w->n_pending++] = info;
  kz_live_docs_finish(w->live, info.id, info.doc_count);
  kz_inverter_reset(w->inv);
  return KZ_OK;
}

/* Analyzes one field into the inverter; positions continue from *position. */
static int invert_field(kz_writer *w, const char *text, size_t len, uint32_t *position) {
  if (!text || !len) return KZ_OK;
  kz_token tok;
  int rc;
  uint32_t base = *position, next = base;
  kz_analyzer_reset(w->an, text, len);
  while ((rc = kz_analyzer_next(w->an, &tok)) == 1) {
    kz_buf_clear(&w->key);
    if (kz_buf_put_u8(&w->key, KZ_FIELD_TEXT) || kz_buf_append(&w->key, tok.term, tok.term_len))
      return KZ_ERR_NOMEM;
    if ((rc = kz_inverter_add(w->inv, (const char *)w->key.data, w->key.len, base + tok.position)))
      return rc;
    next = base + tok.position + 1;
  }
  *position = next;
  return rc;
}

static size_t memory_used(const kz_writer *w) {
  return kz_inverter_memory(w->inv) + (w->store ? kz_docstore_writer_memory(w->store) : 0) +
         kz_live_docs_memory(w->live) +
         w->cap_lengths * sizeof *w->lengths;
}

int kz_writer_add(kz_writer *w, const kz_document *doc, kz_error *err) {
  if (w->failed)
    return kz_error_set(err, w->failed, "the writer stopped after an earlier error");
  if (!doc->id || doc->id_len == 0)
    return kz_error_set(err, KZ_ERR_DOCUMENT, "document has no id");
  if (doc->id_len > KZ_MAX_ID_BYTES)
    return kz_error_set(err, KZ_ERR_LIMIT, "document id is %zu bytes; the limit is %d",
                        doc->id_len, KZ_MAX_ID_BYTES);
  size_t total = doc->id_len + doc->title_len + doc->body_len + doc->date_len + doc->url_len;
  if (total > w->max_doc_bytes)
    return kz_error_set(err, KZ_ERR_LIMIT, "document %.*s is %zu bytes; the limit is %zu",
                        (int)(doc->id_len > 64 ? 64 : doc->id_len), doc->id, total, w->max_doc_bytes);
  if (doc->title_len == 0 && doc->body_len == 0)
    return kz_error_set(err, KZ_ERR_DOCUMENT, "document %.*s has no text (empty title and body)",
                        (int)(doc->id_len > 64 ? 64 : doc->id_len), doc->id);
  if (!w->store && start_segment(w, err)) return w->failed;
  if (w->seg_docs == w->cap_lengths) {
    size_t cap = w->cap_lengths ? w->cap_lengths * 2 : 4096;
    uint32_t *l = realloc(w->lengths, cap * sizeof *l);
    if (!l) return fail(w, kz_error_set(err, KZ_ERR_NOMEM, "out of memory"));
    w->lengths = l;
    w->cap_lengths = cap;
  }
  uint32_t length = 0;
  kz_inverter_begin_doc(w->inv, w->seg_docs);
  int rc = invert_field(w, doc->title, doc->title_len, &length);
  if (!rc) rc = invert_field(w, doc->body, doc->body_len, &length);
  if (!rc) rc = kz_inverter_end_doc(w->inv);
  if (!rc) rc = kz_docstore_writer_add(w->store, doc);
  if (rc) return fail(w, kz_error_set(err, rc, "cannot add document: %s", kz_strerror(rc)));
  int replaced;
  if ((rc = kz_live_docs_put(w->live, doc->id, doc->id_len, w->seg_id, w->seg_docs, &replaced)))
    return fail(w, kz_error_set(err, rc, "out of memory"));
  w->replaced += replaced;
  w->changes += replaced;
  w->lengths[w->seg_docs++] = length;
  w->added++;
  if (memory_used(w) >= w->budget || w->seg_docs >= KZ_MAX_SEGMENT_DOCS) return flush_segment(w, err);
  return KZ_OK;
}

/* Reads the committed segments' ids and deletions again, after merges renumbered them. */
static int reload_live_docs(kz_writer *w, kz_error *err) {
  int rc = kz_live_docs_reset(w->live);
  for (size_t i = 0; !rc && i < w->committed.n_segments; i++)
    rc = kz_live_docs_load(w->live, w->dir, &w->committed.segments[i]);
  return rc ? fail(w, kz_error_set(err, rc, "cannot read the document ids in %s: %s", w->dir,
                                   kz_strerror(rc)))
            : KZ_OK;
}

/* Replaces committed segments [first, first + count) by their merge, in one commit. */
static int merge_committed(kz_writer *w, size_t first, size_t count, kz_error *err) {
  kz_segment_info merged;
  uint32_t id = w->next_segment_id++;
  int rc = kz_merge_segments(w->dir, w->committed.segments + first, count, id, &merged, err);
  if (rc) return fail(w, rc);
  kz_manifest next = {0};
  next.generation = w->committed.generation + 1;
  next.next_segment_id = w->next_segment_id;
  snprintf(next.language, sizeof next.language, "%s", w->language);
  for (size_t i = 0; i < w->committed.n_segments && !rc; i++) {
    if (i == first && merged.doc_count) rc = kz_manifest_add_segment(&next, &merged);
    if (i < first || i >= first + count) rc = kz_manifest_add_segment(&next, &w->committed.segments[i]);
  }
  if (!rc) rc = kz_manifest_write(&next, w->dir, NULL, err);
  else kz_error_set(err, rc, "out of memory");
  if (rc) {
    kz_manifest_free(&next);
    remove_segment_files(w->dir, id);
    return fail(w, rc);
  }
  kz_manifest_free(&w->committed);
  w->committed = next;
  remove_unreferenced(w->dir, &w->committed); /* the merged-away segments */
  return reload_live_docs(w, err);
}

/* Merges what the policy picks until it picks nothing. */
static int merge_by_policy(kz_writer *w, kz_error *err) {
  size_t first, count;
  int rc = KZ_OK;
  while (!rc && kz_merge_policy_pick(&w->committed, &first, &count))
    rc = merge_committed(w, first, count, err);
  return rc;
}

int kz_writer_compact(kz_writer *w, kz_error *err) {
  int rc = kz_writer_commit(w, err);
  if (rc) return rc;
  int deleted = 0;
  for (size_t i = 0; i < w->committed.n_segments; i++) deleted |= w->committed.segments[i].deleted_docs > 0;
  if (w->committed.n_segments > 1 || deleted)
    rc = merge_committed(w, 0, w->committed.n_segments, err);
  return rc;
}

static int commit_changes(kz_writer *w, kz_error *err);

int kz_writer_commit(kz_writer *w, kz_error *err) {
  int rc = commit_changes(w, err);
  if (!rc && w->auto_merge) rc = merge_by_policy(w, err);
  return rc;
}

static int commit_changes(kz_writer *w, kz_error *err) {
  if (w->failed)
    return kz_error_set(err, w->failed, "the writer stopped after an earlier error; nothing was committed");
  int rc = flush_segment(w, err);
  if (rc) return rc;
  if (w->n_pending == 0 && w->changes == 0 && !w->rebuild && w->committed.generation > 0)
    return KZ_OK;
  kz_manifest next = {0};
  next.generation = w->committed.generation + 1;
  next.next_segment_id = w->next_segment_id;
  snprintf(next.language, sizeof next.language, "%s", w->language);
  if (!w->rebuild)
    for (size_t i = 0; i < w->committed.n_segments && !rc; i++)
      rc = kz_manifest_add_segment(&next, &w->committed.segments[i]);
  for (size_t i = 0; i < w->n_pending && !rc; i++) rc = kz_manifest_add_segment(&next, &w->pending[i]);
  if (rc) {
    kz_manifest_free(&next);
    return fail(w, kz_error_set(err, rc, "out of memory"));
  }
  if ((rc = kz_live_docs_write(w->live, w->dir, next.generation, &next))) {
    kz_manifest_free(&next);
    return fail(w, kz_error_set(err, rc, "cannot write the deletions in %s: %s", w->dir,
                                kz_strerror(rc)));
  }
  if ((rc = kz_manifest_write(&next, w->dir, NULL, err))) {
    kz_manifest_free(&next);
    return fail(w, rc);
  }
  kz_manifest_free(&w->committed);
  w->committed = next;
  w->n_pending = 0;
  w->changes = 0;
  kz_live_docs_committed(w->live);
  /* Replaced segments (rebuild), dropped ones and superseded deletion files. */
  remove_unreferenced(w->dir, &w->committed);
  w->rebuild = 0;
  return KZ_OK;
}

int kz_writer_delete(kz_writer *w, const char *id, size_t id_len, int *found, kz_error *err) {
  *found = 0;
  if (w->failed)
    return kz_error_set(err, w->failed, "the writer stopped after an earlier error");
  int rc = kz_live_docs_delete(w->live, id, id_len, found);
  if (rc) return fail(w, kz_error_set(err, rc, "out of memory"));
  w->deleted += *found;
  w->changes += *found;
  return KZ_OK;
}

/* ---- reading sources --------------------------------------------------- */

typedef struct warn_ctx {
  const kz_ingest_callbacks *cb;
} warn_ctx;

static void forward_warning(void *ctx, const char *path, uint64_t line, const char *why) {
  const kz_ingest_callbacks *cb = ((warn_ctx *)ctx)->cb;
  if (cb && cb->warn) cb->warn(cb->ctx, path, line, why);
}

#define PROGRESS_EVERY_DOCS 1000

int kz_writer_add_path(kz_writer *w, const char *path, const kz_ingest_callbacks *cb,
                       kz_ingest_stats *stats, kz_error *err) {
  kz_ingest_stats local = {0};
  kz_ingest_stats *st = stats ? stats : &local;
  memset(st, 0, sizeof *st);
  warn_ctx wc = {cb};
  kz_source *src = NULL;
  int rc = kz_source_open(&src, path, forward_warning, &wc, err);
  if (rc) return rc;
  kz_document doc;
  uint64_t skipped_adds = 0, replaced_before = w->replaced;
  /* Empty documents are not malformed: they are reported but do not fail the run. */
  while ((rc = kz_source_next(src, &doc, err)) == 1) {
    kz_error add_err;
    int arc = kz_writer_add(w, &doc, &add_err);
    const char *where;
    uint64_t line;
    kz_source_where(src, &where, &line);
    if (arc == KZ_ERR_DOCUMENT && doc.title_len == 0 && doc.body_len == 0 && doc.id_len > 0) {
      forward_warning(&wc, where, line, add_err.message);
      st->empty++;
    } else if (arc == KZ_ERR_DOCUMENT || arc == KZ_ERR_LIMIT) {
      forward_warning(&wc, where, line, add_err.message);
      skipped_adds++;
    } else if (arc) {
      if (err) *err = add_err;
      rc = arc;
      break;
    } else {
      st->documents++;
    }
    if (cb && cb->progress && (st->documents + skipped_adds + st->empty) % PROGRESS_EVERY_DOCS == 0 &&
        cb->progress(cb->ctx, st->documents, kz_source_bytes(src))) {
      rc = kz_error_set(err, KZ_ERR_INTERRUPTED, "interrupted");
      break;
    }
  }
  st->bytes_read = kz_source_bytes(src);
  st->replaced = w->replaced - replaced_before;
  st->skipped = kz_source_skipped(src) + skipped_adds;
  kz_source_free(src);
  return rc < 0 ? rc : KZ_OK;
}
