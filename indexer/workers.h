/*
 * workers.h - the indexing threads. Each worker owns a segment builder and
 * runs the jobs the writer queues for it in order: start a segment, add a
 * batch of documents, finish the segment. The writer decides everything
 * that needs the documents' order (segment ids, document numbers, the id
 * map) before queueing, so workers share nothing but their queues.
 */
#ifndef KZ_WORKERS_H
#define KZ_WORKERS_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "format/manifest.h"
#include "kzsearch.h"

/* A batch of documents copied out of the caller's buffers. */
typedef struct kz_doc_batch {
  kz_buf bytes;       /* every string of every document */
  size_t (*offsets)[5]; /* per document: where each field starts in bytes */
  size_t (*lengths)[5];
  size_t n, cap;
} kz_doc_batch;

typedef struct kz_workers kz_workers;

int kz_workers_new(kz_workers **out, const char *dir, const char *language, unsigned n);
/* Stops the threads; segments not finished are discarded (files removed). Accepts NULL. */
void kz_workers_free(kz_workers *ws);

/* Copies a document into worker t's open batch. */
int kz_workers_stage(kz_workers *ws, unsigned t, const kz_document *doc);
/* Documents staged for worker t and not yet queued. */
size_t kz_workers_staged(const kz_workers *ws, unsigned t);
size_t kz_workers_staged_bytes(const kz_workers *ws, unsigned t);

/* Queues jobs for worker t (waiting while its queue is full). */
int kz_workers_begin(kz_workers *ws, unsigned t, uint32_t segment_id);
int kz_workers_flush_batch(kz_workers *ws, unsigned t); /* queues the staged batch */
int kz_workers_finish(kz_workers *ws, unsigned t);      /* queues the end of its segment */

/* Memory worker t's builder held after its last job. */
size_t kz_workers_memory(const kz_workers *ws, unsigned t);

/*
 * Waits until every queued job ran, then hands over the segments finished
 * since the last call (sorted by id; the caller frees *infos).
 * @return KZ_OK or the first error a worker met (err set).
 */
int kz_workers_wait(kz_workers *ws, kz_segment_info **infos, size_t *n, kz_error *err);

#endif /* KZ_WORKERS_H */
