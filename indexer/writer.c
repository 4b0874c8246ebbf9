/*
 * writer.c - the public writer (kz_writer_*): takes the index lock, hands
 * documents in batches to the indexing threads (indexer/workers.c), each of
 * which builds its own segment and writes it when its share of the memory
 * budget is used, records replacements and deletions (live_docs.c), and
 * commits all written segments at once by replacing the manifest.
 *
 * Everything that depends on the documents' order happens here, on the
 * caller's thread: segment ids, document numbers and the id map are decided
 * before a batch is queued, so the threads need no coordination.
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

#include "analysis/analyzer.h"
#include "common/date.h"
#include "format/deletes.h"
#include "common/buf.h"
#include "common/error.h"
#include "format/file.h"
#include "format/format.h"
#include "common/limits.h"
#include "analysis/stemmer.h"
#include "common/struct_size.h"
#include "format/docstore_writer.h"
#include "format/manifest.h"
#include "indexer/inverter.h"
#include "indexer/live_docs.h"
#include "indexer/merger.h"
#include "indexer/segment_builder.h"
#include "format/segment_writer.h"
#include "indexer/workers.h"
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
  kz_workers *pool;
  unsigned threads;
  unsigned next_thread;      /* takes the next batch */
  uint32_t *thread_segment;  /* the segment each thread builds, 0 = none */
  uint32_t *thread_docs;     /* documents queued for it */
  kz_live_docs *live;        /* ids -> live documents, deletions per segment */
  uint64_t added, replaced, deleted;
  uint64_t changes;          /* deletions and replacements not yet committed */
  int failed; /* sticky error after an I/O or memory failure */
  kz_merge_progress_fn merge_progress; /* the caller's, may be NULL */
  void *merge_ctx;
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
    for (unsigned x = 0; x < m->segments[i].n_extra; x++) {
      snprintf(own, sizeof own, "seg-%08x.%s", m->segments[i].id, m->segments[i].extra[x].ext);
      if (strcmp(own, name) == 0) return 1;
    }
    if (m->segments[i].deletes_gen) {
      kz_deletes_file_name(own, sizeof own, m->segments[i].id, m->segments[i].deletes_gen);
      if (strcmp(own, name) == 0) return 1;
    }
  }
  return 0;
}

/*
 * Whether `name` has the shape of a file this library writes into an index
 * directory: seg-XXXXXXXX.EXT (EXT lower-case letters) or seg-XXXXXXXX-G.del,
 * MANIFEST, MANIFEST.tmp or LOCK. Only such files are ever removed, so a user's
 * file that happens to start with "seg-" is never touched.
 */
static int is_index_file_name(const char *name) {
  if (strcmp(name, KZ_MANIFEST_NAME) == 0 || strcmp(name, KZ_MANIFEST_NAME ".tmp") == 0 ||
      strcmp(name, KZ_LOCK_NAME) == 0)
    return 1;
  if (strncmp(name, "seg-", 4) != 0) return 0;
  const char *p = name + 4;
  for (int i = 0; i < 8; i++, p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
  if (*p == '-') { /* a deletion file: -G.del */
    const char *digits = ++p;
    while (*p >= '0' && *p <= '9') p++;
    return p > digits && strcmp(p, ".del") == 0;
  }
  if (*p++ != '.' || !*p) return 0;
  for (; *p; p++)
    if (*p < 'a' || *p > 'z') return 0;
  return 1;
}

/*
 * A writer creates an index only in a new or empty directory, or in one that
 * holds nothing but the leftovers of an interrupted first commit: pointing -i
 * at a directory of other files must not write into it (and its cleaning of
 * leftovers must not reach anybody's files).
 */
static int check_not_foreign(const char *dir, kz_error *err) {
  char *manifest = kz_path_join(dir, KZ_MANIFEST_NAME);
  if (!manifest) return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  struct stat st;
  int has_manifest = stat(manifest, &st) == 0;
  free(manifest);
  if (has_manifest) return KZ_OK;
  DIR *d = opendir(dir);
  if (!d) return kz_error_set(err, KZ_ERR_IO, "cannot read %s: %s", dir, strerror(errno));
  int rc = KZ_OK;
  struct dirent *e;
  while (!rc && (e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (!is_index_file_name(e->d_name))
      rc = kz_error_set(err, KZ_ERR_INVALID,
                        "%s is not empty and holds no kzsearch index (it has '%.100s'); "
                        "refusing to create an index there: give a new or empty directory",
                        dir, e->d_name);
  }
  closedir(d);
  return rc;
}

/* Removes segment and deletion files the manifest does not name, and a stale MANIFEST.tmp. */
static void remove_unreferenced(const char *dir, const kz_manifest *m) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d))) {
    int stale = (strncmp(e->d_name, "seg-", 4) == 0 && is_index_file_name(e->d_name) &&
                 !file_named(m, e->d_name)) ||
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

/* The error for a language libstemmer does not have, naming those it has. */
static int unknown_language(kz_error *err, const char *language) {
  char known[400];
  kz_stemmer_languages(known, sizeof known);
  return kz_error_set(err, KZ_ERR_INVALID,
                      "unknown language '%.40s%s'; the languages are %s, or none (no stemming)",
                      language, strlen(language) > 40 ? "..." : "", known);
}

int kz_writer_open(kz_writer **out, const char *path, const kz_writer_options *opts,
                   kz_error *err) {
  kz_writer_options defaults = KZ_WRITER_OPTIONS_INIT;
  const kz_writer_options *o = opts ? opts : &defaults;
  /* A version 1 struct ends before merge_progress: those members must not be read. */
  if (o->version < 1 || o->version > KZ_WRITER_OPTIONS_VERSION)
    return kz_error_set(err, KZ_ERR_INVALID, "unsupported kz_writer_options version %u", o->version);
  if (o->memory_bytes && o->memory_bytes < KZ_MIN_MEMORY_BYTES)
    return kz_error_set(err, KZ_ERR_INVALID, "the memory budget must be at least %u bytes",
                        KZ_MIN_MEMORY_BYTES);
  /* An unknown language is refused before anything is created on disk. */
  if (o->language) {
    kz_analyzer *probe = NULL;
    int lrc = strlen(o->language) > KZ_MAX_LANGUAGE_BYTES
                  ? KZ_ERR_INVALID
                  : kz_analyzer_new_cached(&probe, o->language, 0);
    kz_analyzer_free(probe);
    if (lrc == KZ_ERR_INVALID) return unknown_language(err, o->language);
    if (lrc) return kz_error_set(err, lrc, "out of memory");
  }
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
  if (o->version >= 2) {
    w->merge_progress = o->merge_progress;
    w->merge_ctx = o->merge_ctx;
  }
  int rc = check_not_foreign(path, err);
  if (!rc) rc = take_lock(w, err);
  if (!rc) {
    rc = kz_manifest_read(&w->committed, path, err);
    if (rc == KZ_ERR_NO_INDEX) {
      memset(&w->committed, 0, sizeof w->committed);
      w->committed.next_segment_id = 1;
      rc = KZ_OK;
    } else if (!rc && w->committed.format_version != KZ_FORMAT_VERSION && !o->rebuild) {
      /* Its segments are unreadable now; new ones beside them would not help (docs/FORMAT.md). */
      char why[256];
      kz_old_format_message(why, sizeof why, w->committed.format_version);
      rc = kz_error_set(err, KZ_ERR_VERSION, "%s: %s", path, why);
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
      rc = unknown_language(err, lang);
    else
      snprintf(w->language, sizeof w->language, "%s", lang);
  }
  w->threads = o->threads ? o->threads : 1;
  if (!rc && w->threads > KZ_MAX_THREADS)
    rc = kz_error_set(err, KZ_ERR_INVALID, "at most %d indexing threads", KZ_MAX_THREADS);
  if (!rc && (rc = kz_workers_new(&w->pool, path, w->language, w->threads))) {
    if (rc == KZ_ERR_INVALID)
      unknown_language(err, w->language);
    else
      kz_error_set(err, rc, "cannot start the indexing threads for '%s'", path);
  }
  if (!rc && (!(w->thread_segment = calloc(w->threads, sizeof *w->thread_segment)) ||
              !(w->thread_docs = calloc(w->threads, sizeof *w->thread_docs))))
    rc = kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
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


void kz_writer_close(kz_writer *w) {
  if (!w) return;
  kz_workers_free(w->pool); /* discards the segments being built */
  for (size_t i = 0; i < w->n_pending; i++) kz_remove_segment_files(w->dir, w->pending[i].id);
  kz_live_docs_free(w->live);
  kz_manifest_free(&w->committed);
  free(w->pending);
  free(w->thread_segment);
  free(w->thread_docs);
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

/* Adds segments the threads finished to the pending list. */
static int collect_finished(kz_writer *w, kz_segment_info *infos, size_t n, kz_error *err) {
  for (size_t i = 0; i < n; i++) {
    if (w->n_pending == w->cap_pending) {
      size_t cap = w->cap_pending ? w->cap_pending * 2 : 8;
      kz_segment_info *p = realloc(w->pending, cap * sizeof *p);
      if (!p) {
        for (size_t j = i; j < n; j++) kz_remove_segment_files(w->dir, infos[j].id);
        return fail(w, kz_error_set(err, KZ_ERR_NOMEM, "out of memory"));
      }
      w->pending = p;
      w->cap_pending = cap;
    }
    w->pending[w->n_pending++] = infos[i];
    kz_live_docs_finish(w->live, infos[i].id, infos[i].doc_count);
  }
  return KZ_OK;
}

/* Queues what is staged, finishes every segment being built and waits for the threads. */
static int flush_all(kz_writer *w, kz_error *err) {
  int rc = KZ_OK;
  for (unsigned t = 0; t < w->threads && !rc; t++) {
    if (!w->thread_segment[t]) continue;
    rc = kz_workers_flush_batch(w->pool, t);
    if (!rc) rc = kz_workers_finish(w->pool, t);
    w->thread_segment[t] = 0;
  }
  kz_segment_info *infos = NULL;
  size_t n = 0;
  kz_error werr;
  int wrc = kz_workers_wait(w->pool, &infos, &n, &werr);
  int crc = collect_finished(w, infos, n, err);
  free(infos);
  if (wrc) {
    if (err) *err = werr;
    return fail(w, wrc);
  }
  if (rc) return fail(w, kz_error_set(err, rc, "cannot queue documents: %s", kz_strerror(rc)));
  return crc;
}

/*
 * A queueing call failed: a thread met an error before (the pool refuses
 * further jobs) or memory ran out. Waits for the threads and reports the
 * thread's own message, which names the cause.
 */
static int pool_failed(kz_writer *w, int rc, kz_error *err) {
  kz_segment_info *infos = NULL;
  size_t n = 0;
  kz_error werr;
  int wrc = kz_workers_wait(w->pool, &infos, &n, &werr);
  collect_finished(w, infos, n, err); /* so that close removes them */
  free(infos);
  if (wrc) {
    if (err) *err = werr;
    return fail(w, wrc);
  }
  return fail(w, kz_error_set(err, rc, "cannot queue documents: %s", kz_strerror(rc)));
}

/* A thread's batch is queued when it reaches this many documents or bytes. */
#define BATCH_DOCS 256
#define BATCH_BYTES (1u << 20)

/* Adds a document the library made itself (its struct_size needs no check). */
static int add_document(kz_writer *w, const kz_document *doc, kz_error *err) {
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
  unsigned t = w->next_thread;
  int rc = KZ_OK;
  if (!w->thread_segment[t]) {
    uint32_t id = w->next_segment_id++;
    if ((rc = kz_live_docs_begin(w->live, id))) return fail(w, kz_error_set(err, rc, "out of memory"));
    if ((rc = kz_workers_begin(w->pool, t, id))) return pool_failed(w, rc, err);
    w->thread_segment[t] = id;
    w->thread_docs[t] = 0;
  }
  int replaced;
  if ((rc = kz_workers_stage(w->pool, t, doc)) ||
      (rc = kz_live_docs_put(w->live, doc->id, doc->id_len, w->thread_segment[t],
                             w->thread_docs[t], &replaced)))
    return fail(w, kz_error_set(err, rc, "out of memory"));
  w->thread_docs[t]++;
  w->replaced += replaced;
  w->changes += replaced;
  w->added++;
  /* Small budgets get small batches, so segments still split near the budget. */
  size_t share = w->budget / w->threads, batch_bytes = share / 8 < BATCH_BYTES ? share / 8 : BATCH_BYTES;
  if (kz_workers_staged(w->pool, t) < BATCH_DOCS && kz_workers_staged_bytes(w->pool, t) < batch_bytes)
    return KZ_OK;
  if ((rc = kz_workers_flush_batch(w->pool, t))) return pool_failed(w, rc, err);
  size_t shared = kz_live_docs_memory(w->live) / w->threads;
  if (kz_workers_memory(w->pool, t) + shared >= share || w->thread_docs[t] >= KZ_MAX_SEGMENT_DOCS - BATCH_DOCS) {
    if ((rc = kz_workers_finish(w->pool, t))) return pool_failed(w, rc, err);
    w->thread_segment[t] = 0;
  }
  w->next_thread = (t + 1) % w->threads;
  return KZ_OK;
}

int kz_writer_add(kz_writer *w, const kz_document *caller, kz_error *err) {
  int rc = kz_struct_size_check(caller->struct_size, "kz_document", "KZ_DOCUMENT_INIT", err);
  if (rc) return rc;
  kz_document doc;
  kz_struct_read(&doc, sizeof doc, caller);
  return add_document(w, &doc, err);
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

/*
 * Replaces committed segments [first, first + count) by their merge, in one
 * commit. *visible tells whether the new manifest replaced the old one.
 */
static int merge_and_commit(kz_writer *w, size_t first, size_t count, int *visible,
                            kz_error *err) {
  kz_segment_info merged;
  *visible = 0;
  uint32_t id = w->next_segment_id++;
  int rc = kz_merge_segments(w->dir, w->language, w->committed.segments + first, count, id,
                             &merged, err);
  if (rc) return rc; /* nothing changed: the index keeps its segments */
  kz_manifest next = {0};
  next.generation = w->committed.generation + 1;
  next.next_segment_id = w->next_segment_id;
  snprintf(next.language, sizeof next.language, "%s", w->language);
  for (size_t i = 0; i < w->committed.n_segments && !rc; i++) {
    if (i == first && merged.doc_count) rc = kz_manifest_add_segment(&next, &merged);
    if (i < first || i >= first + count) rc = kz_manifest_add_segment(&next, &w->committed.segments[i]);
  }
  int replaced = 0;
  if (!rc) rc = kz_manifest_commit(&next, w->dir, NULL, &replaced, err);
  else kz_error_set(err, rc, "out of memory");
  if (!replaced) { /* the index is as it was: only the merged segment goes */
    kz_manifest_free(&next);
    kz_remove_segment_files(w->dir, id);
    return rc;
  }
  kz_manifest_free(&w->committed);
  w->committed = next;
  *visible = 1;
  /* The merged-away segments go, unless a crash could still bring back the old manifest. */
  if (!rc) remove_unreferenced(w->dir, &w->committed);
  int lrc = reload_live_docs(w, err);
  return rc ? rc : lrc;
}

/* merge_and_commit, told to the caller's merge_progress as it starts and as it ends. */
static int merge_committed(kz_writer *w, size_t first, size_t count, int compact, kz_error *err) {
  kz_merge_event ev;
  memset(&ev, 0, sizeof ev);
  ev.phase = KZ_MERGE_START;
  ev.compact = compact;
  ev.segments = count;
  ev.index_segments = w->committed.n_segments;
  for (size_t i = first; i < first + count; i++) {
    const kz_segment_info *s = &w->committed.segments[i];
    ev.documents += s->doc_count;
    ev.live_documents += s->doc_count - s->deleted_docs;
  }
  if (w->merge_progress) w->merge_progress(w->merge_ctx, &ev);
  int visible;
  int rc = merge_and_commit(w, first, count, &visible, err);
  ev.phase = KZ_MERGE_END;
  ev.status = rc;
  ev.done_documents = visible ? ev.live_documents : 0;
  if (w->merge_progress) w->merge_progress(w->merge_ctx, &ev);
  return rc;
}

/* Merges what the policy picks until it picks nothing. */
static int merge_by_policy(kz_writer *w, kz_error *err) {
  size_t first, count;
  int rc = KZ_OK;
  while (!rc && kz_merge_policy_pick(&w->committed, &first, &count))
    rc = merge_committed(w, first, count, 0, err);
  return rc;
}

int kz_writer_compact(kz_writer *w, kz_error *err) {
  int rc = kz_writer_commit(w, err);
  if (rc) return rc;
  /* one segment is rewritten too when it has deleted documents or no fingerprints (older indexes) */
  int rewrite = 0;
  for (size_t i = 0; i < w->committed.n_segments; i++)
    rewrite |= w->committed.segments[i].deleted_docs > 0 ||
               !kz_segfile_present(&w->committed.segments[i], KZ_SEGFILE_SIMHASH);
  if (w->committed.n_segments > 1 || rewrite)
    rc = merge_committed(w, 0, w->committed.n_segments, 1, err);
  return rc;
}

static int commit_changes(kz_writer *w, kz_error *err);

int kz_writer_commit(kz_writer *w, kz_error *err) {
  int rc = commit_changes(w, err);
  /*
   * Merging is an optimisation of an index already committed: a merge that
   * fails (a full disk, say) leaves the segments as they are, and the next
   * commit tries again, so it does not fail this commit.
   */
  if (!rc && w->auto_merge) {
    kz_error merge_err;
    merge_by_policy(w, &merge_err);
  }
  return rc;
}

static int commit_changes(kz_writer *w, kz_error *err) {
  if (w->failed)
    return kz_error_set(err, w->failed, "the writer stopped after an earlier error; nothing was committed");
  int rc = flush_all(w, err);
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
    int saved = errno;
    kz_manifest_free(&next);
    kz_error_set(err, rc, "cannot write the deletions in %s: %s", w->dir,
                 rc == KZ_ERR_IO ? strerror(saved) : kz_strerror(rc));
    remove_unreferenced(w->dir, &w->committed); /* this commit's deletion files */
    return fail(w, rc);
  }
  int replaced = 0;
  rc = kz_manifest_commit(&next, w->dir, NULL, &replaced, err);
  if (!replaced) {
    kz_manifest_free(&next);
    remove_unreferenced(w->dir, &w->committed); /* the writer stops: nothing of it stays */
    return fail(w, rc);
  }
  /* Readers see the new manifest: its segments are committed and no longer ours to remove. */
  kz_manifest_free(&w->committed);
  w->committed = next;
  w->n_pending = 0;
  w->changes = 0;
  kz_live_docs_committed(w->live);
  w->rebuild = 0;
  if (rc) return fail(w, rc); /* not durable: keep every file the old manifest named */
  /* Replaced segments (rebuild), dropped ones and superseded deletion files. */
  remove_unreferenced(w->dir, &w->committed);
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

static int add_path(kz_writer *w, const char *path, const kz_ingest_callbacks *cb,
                    kz_ingest_stats *st, kz_error *err) {
  warn_ctx wc = {cb};
  kz_source *src = NULL;
  int rc = kz_source_open(&src, path, forward_warning, &wc, err);
  if (rc) return rc;
  kz_document doc;
  uint64_t skipped_adds = 0, replaced_before = w->replaced;
  /* Empty documents are not malformed: they are reported but do not fail the run. */
  while ((rc = kz_source_next(src, &doc, err)) == 1) {
    kz_error add_err;
    int arc = add_document(w, &doc, &add_err);
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
      char why[160];
      int64_t when;
      if (doc.date_len && kz_date_parse(&when, doc.date, doc.date_len, why, sizeof why) != KZ_OK) {
        char msg[256];
        snprintf(msg, sizeof msg, "%s; the document is indexed without a date", why);
        forward_warning(&wc, where, line, msg);
        st->bad_dates++;
      }
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

int kz_writer_add_path(kz_writer *w, const char *path, const kz_ingest_callbacks *cb,
                       kz_ingest_stats *stats, kz_error *err) {
  if (stats) {
    int rc = kz_struct_size_check(stats->struct_size, "kz_ingest_stats", "KZ_INGEST_STATS_INIT", err);
    if (rc) return rc;
  }
  kz_ingest_stats st = KZ_INGEST_STATS_INIT;
  int rc = add_path(w, path, cb, &st, err);
  if (stats) kz_struct_fill(stats, &st, sizeof st);
  return rc;
}
