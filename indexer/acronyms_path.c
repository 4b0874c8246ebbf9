/*
 * acronyms_path.c - kz_acronyms_path: the acronym definitions of every
 * document at a path, without an index (`kzsearch acronyms`). It reads the
 * path as indexing does (indexer/source.c) and runs the finder of
 * analysis/acronym_finder.c over each document's title, then its body.
 */
#include <stdlib.h>

#include "analysis/acronym_finder.h"
#include "common/error.h"
#include "indexer/source.h"
#include "kzsearch.h"

static void warn_through(void *ctx, const char *path, uint64_t line, const char *why) {
  const kz_ingest_callbacks *cb = ctx;
  if (cb && cb->warn) cb->warn(cb->ctx, path, line, why);
}

int kz_acronyms_path(const char *path, kz_acronyms_fn fn, void *ctx, const kz_ingest_callbacks *cb,
                     kz_error *err) {
  kz_source *src;
  int rc = kz_source_open(&src, path, warn_through, (void *)cb, err);
  if (rc) return rc;
  kz_acronym_finder f = KZ_ACRONYM_FINDER_INIT;
  kz_acronym_def *defs = NULL;
  size_t cap = 0;
  uint64_t docs = 0;
  kz_document doc;
  while ((rc = kz_source_next(src, &doc, err)) == 1) {
    if ((rc = kz_acronym_find(&f, doc.title, doc.title_len, 0)) ||
        (rc = kz_acronym_find(&f, doc.body, doc.body_len, 1))) {
      kz_error_set(err, rc, "out of memory");
      break;
    }
    if (f.n_pairs > cap) {
      kz_acronym_def *d = realloc(defs, f.n_pairs * sizeof *d);
      if (!d) {
        rc = kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
        break;
      }
      defs = d;
      cap = f.n_pairs;
    }
    for (size_t i = 0; i < f.n_pairs; i++) {
      defs[i].short_form = f.pairs[i].short_form;
      defs[i].long_form = f.pairs[i].long_form;
    }
    if ((rc = fn(ctx, doc.id, doc.id_len, defs, f.n_pairs))) {
      rc = kz_error_set(err, KZ_ERR_INTERRUPTED, "stopped");
      break;
    }
    if (cb && cb->progress && ++docs % 4096 == 0 && cb->progress(cb->ctx, docs, kz_source_bytes(src))) {
      rc = kz_error_set(err, KZ_ERR_INTERRUPTED, "interrupted");
      break;
    }
  }
  free(defs);
  kz_acronym_finder_free(&f);
  kz_source_free(src);
  return rc < 0 ? rc : KZ_OK;
}
