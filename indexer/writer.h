/*
 * writer.h - the state of a kz_writer, shared by the files that implement
 * the public writer (kz_writer_* in kzsearch.h):
 *   writer.c         opening, closing, commit and deletion (the commit protocol);
 *   writer_add.c     adding documents, batching them to the indexing threads,
 *                    collecting the segments they write;
 *   writer_merge.c   merges after a commit and compaction;
 *   writer_ingest.c  reading a source (file, directory, stdin) into the writer.
 *
 * Everything that depends on the documents' order is decided on the caller's
 * thread, in these files: segment ids, document numbers and the id map are
 * fixed before a batch is queued, so the threads need no coordination.
 */
#ifndef KZ_WRITER_H
#define KZ_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "common/limits.h"
#include "format/manifest.h"
#include "indexer/live_docs.h"
#include "indexer/workers.h"
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

/*
 * Makes the writer's error sticky when `rc` is an I/O, memory or corruption
 * failure (later calls refuse to go on); other codes pass through.
 * @return rc.
 */
int kz_writer_fail(kz_writer *w, int rc);

#endif /* KZ_WRITER_H */
