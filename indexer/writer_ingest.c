/*
 * writer_ingest.c - kz_writer_add_path: reads a source (a JSON Lines file,
 * a directory of .txt and .jsonl files, or stdin; indexer/source.c) into the
 * writer, counting what it read, added, replaced and skipped.
 *
 * A malformed record, a refused document (no id, too large) and an empty
 * one are reported through the caller's warn callback with file and line and
 * do not stop the run; only a failure of the source or of the writer does.
 * A date that does not parse is reported too, and the document is indexed
 * without one.
 */
#include <stdio.h>
#include <string.h>

#include "common/date.h"
#include "common/error.h"
#include "common/struct_size.h"
#include "indexer/source.h"
#include "indexer/writer.h"
#include "indexer/writer_add.h"
#include "kzsearch.h"

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
    int arc = kz_writer_add_document(w, &doc, &add_err);
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
