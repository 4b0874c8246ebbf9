/*
 * writer_merge.c - the writer's merges (see writer_merge.h): after a commit,
 * the merges the policy picks (indexer/merger.c), and kz_writer_compact,
 * which merges everything. Each merge is a commit of its own, replacing the
 * merged segments by their merge in a new manifest, and is told to the
 * caller's merge_progress callback as it starts and as it ends.
 *
 * A failed merge leaves the index as it was: the merged segment's files go,
 * the committed segments stay. The merged-away segments are removed only
 * once the new manifest is durable.
 */
#include "indexer/writer_merge.h"

#include <stdio.h>
#include <string.h>

#include "common/error.h"
#include "format/manifest.h"
#include "indexer/index_dir.h"
#include "indexer/live_docs.h"
#include "indexer/merger.h"
#include "indexer/segment_builder.h"
#include "indexer/writer.h"
#include "kzsearch.h"

/* Reads the committed segments' ids and deletions again, after merges renumbered them. */
static int reload_live_docs(kz_writer *w, kz_error *err) {
  int rc = kz_live_docs_reset(w->live);
  for (size_t i = 0; !rc && i < w->committed.n_segments; i++)
    rc = kz_live_docs_load(w->live, w->dir, &w->committed.segments[i]);
  if (!rc) return KZ_OK;
  return kz_writer_fail(w, kz_error_set(err, rc, "cannot read the document ids in %s: %s", w->dir,
                                        kz_strerror(rc)));
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
  if (!rc) kz_index_dir_remove_unreferenced(w->dir, &w->committed);
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

int kz_writer_merge_by_policy(kz_writer *w, kz_error *err) {
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
