/*
 * writer_add.c - the writer's document path (see writer_add.h): checks each
 * document, gives it its segment and document number and records its id
 * (live_docs.c), stages it for the thread whose turn it is, queues a
 * thread's batch when it is full and finishes the thread's segment when its
 * share of the memory budget is used; at commit, flushes every thread and
 * collects the segments they wrote into the writer's pending list.
 *
 * Threads take batches in turn (round robin), so documents are spread over
 * them in order; a failure inside a thread is reported by the next queueing
 * call with the thread's own message (pool_failed).
 */
#include "indexer/writer_add.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "common/limits.h"
#include "common/struct_size.h"
#include "indexer/live_docs.h"
#include "indexer/segment_builder.h"
#include "indexer/workers.h"
#include "indexer/writer.h"
#include "kzsearch.h"

/* Adds segments the threads finished to the pending list. */
static int collect_finished(kz_writer *w, kz_segment_info *infos, size_t n, kz_error *err) {
  for (size_t i = 0; i < n; i++) {
    if (w->n_pending == w->cap_pending) {
      size_t cap = w->cap_pending ? w->cap_pending * 2 : 8;
      kz_segment_info *p = realloc(w->pending, cap * sizeof *p);
      if (!p) {
        for (size_t j = i; j < n; j++) kz_remove_segment_files(w->dir, infos[j].id);
        return kz_writer_fail(w, kz_error_set(err, KZ_ERR_NOMEM, "out of memory"));
      }
      w->pending = p;
      w->cap_pending = cap;
    }
    w->pending[w->n_pending++] = infos[i];
    kz_live_docs_finish(w->live, infos[i].id, infos[i].doc_count);
  }
  return KZ_OK;
}

int kz_writer_flush_all(kz_writer *w, kz_error *err) {
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
    return kz_writer_fail(w, wrc);
  }
  if (rc)
    return kz_writer_fail(w, kz_error_set(err, rc, "cannot queue documents: %s", kz_strerror(rc)));
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
    return kz_writer_fail(w, wrc);
  }
  return kz_writer_fail(w, kz_error_set(err, rc, "cannot queue documents: %s", kz_strerror(rc)));
}

/* A thread's batch is queued when it reaches this many documents or bytes. */
#define BATCH_DOCS 256
#define BATCH_BYTES (1u << 20)

int kz_writer_add_document(kz_writer *w, const kz_document *doc, kz_error *err) {
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
    if ((rc = kz_live_docs_begin(w->live, id)))
      return kz_writer_fail(w, kz_error_set(err, rc, "out of memory"));
    if ((rc = kz_workers_begin(w->pool, t, id))) return pool_failed(w, rc, err);
    w->thread_segment[t] = id;
    w->thread_docs[t] = 0;
  }
  int replaced;
  if ((rc = kz_workers_stage(w->pool, t, doc)) ||
      (rc = kz_live_docs_put(w->live, doc->id, doc->id_len, w->thread_segment[t],
                             w->thread_docs[t], &replaced)))
    return kz_writer_fail(w, kz_error_set(err, rc, "out of memory"));
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
  return kz_writer_add_document(w, &doc, err);
}
