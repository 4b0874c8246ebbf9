/*
 * writer.c - the public writer's life (kz_writer_*): opening an index
 * (options, the lock, the committed manifest and the ids of its documents),
 * committing all segments written since at once by replacing the manifest,
 * recording deletions, and closing. Adding documents is in writer_add.c,
 * merging in writer_merge.c, reading sources in writer_ingest.c; the state
 * they share is struct kz_writer (writer.h).
 *
 * Crash safety: segment files are written under fresh ids that no manifest
 * names yet, so until the manifest rename nothing committed changes. Files
 * no manifest names are leftovers of an interrupted writer and are removed
 * when the next writer opens the index. With `rebuild`, the old segments
 * stay until the new manifest is durable.
 */
#include "indexer/writer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analysis/analyzer.h"
#include "analysis/stemmer.h"
#include "common/error.h"
#include "common/limits.h"
#include "format/file.h"
#include "format/format.h"
#include "format/manifest.h"
#include "indexer/index_dir.h"
#include "indexer/live_docs.h"
#include "indexer/segment_builder.h"
#include "indexer/workers.h"
#include "indexer/writer_add.h"
#include "indexer/writer_merge.h"
#include "kzsearch.h"

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
  int rc = kz_index_dir_check_not_foreign(path, err);
  if (!rc) rc = kz_index_dir_lock(&w->lock_fd, path, err);
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
  kz_index_dir_remove_unreferenced(path, &w->committed);
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

int kz_writer_fail(kz_writer *w, int rc) {
  if (rc == KZ_ERR_IO || rc == KZ_ERR_NOMEM || rc == KZ_ERR_CORRUPT) w->failed = rc;
  return rc;
}

/* ---- commit and delete ------------------------------------------------- */

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
    kz_writer_merge_by_policy(w, &merge_err);
  }
  return rc;
}

static int commit_changes(kz_writer *w, kz_error *err) {
  if (w->failed)
    return kz_error_set(err, w->failed, "the writer stopped after an earlier error; nothing was committed");
  int rc = kz_writer_flush_all(w, err);
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
    return kz_writer_fail(w, kz_error_set(err, rc, "out of memory"));
  }
  if ((rc = kz_live_docs_write(w->live, w->dir, next.generation, &next))) {
    int saved = errno;
    kz_manifest_free(&next);
    kz_error_set(err, rc, "cannot write the deletions in %s: %s", w->dir,
                 rc == KZ_ERR_IO ? strerror(saved) : kz_strerror(rc));
    kz_index_dir_remove_unreferenced(w->dir, &w->committed); /* this commit's deletion files */
    return kz_writer_fail(w, rc);
  }
  int replaced = 0;
  rc = kz_manifest_commit(&next, w->dir, NULL, &replaced, err);
  if (!replaced) {
    kz_manifest_free(&next);
    kz_index_dir_remove_unreferenced(w->dir, &w->committed); /* the writer stops: nothing of it stays */
    return kz_writer_fail(w, rc);
  }
  /* Readers see the new manifest: its segments are committed and no longer ours to remove. */
  kz_manifest_free(&w->committed);
  w->committed = next;
  w->n_pending = 0;
  w->changes = 0;
  kz_live_docs_committed(w->live);
  w->rebuild = 0;
  if (rc) return kz_writer_fail(w, rc); /* not durable: keep every file the old manifest named */
  /* Replaced segments (rebuild), dropped ones and superseded deletion files. */
  kz_index_dir_remove_unreferenced(w->dir, &w->committed);
  return KZ_OK;
}

int kz_writer_delete(kz_writer *w, const char *id, size_t id_len, int *found, kz_error *err) {
  *found = 0;
  if (w->failed)
    return kz_error_set(err, w->failed, "the writer stopped after an earlier error");
  int rc = kz_live_docs_delete(w->live, id, id_len, found);
  if (rc) return kz_writer_fail(w, kz_error_set(err, rc, "out of memory"));
  w->deleted += *found;
  w->changes += *found;
  return KZ_OK;
}
