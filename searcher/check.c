/*
 * check.c - kz_index_check: verifies a committed index without trusting
 * any of its bytes, and reports each piece of damage it finds as a problem
 * (a file name inside the index directory plus one line saying what is wrong).
 *
 * Two depths (see kzsearch.h):
 *   quick  the manifest (its checksum is always verified) and, for every
 *          segment file it names, presence, size against the manifest's
 *          record, header and footer. Reads a few bytes per file.
 *   full   also every file's checksum, then for each segment whose five
 *          files are sound: kz_segment_open and a cross-check of every
 *          structure against the others and against the manifest (term
 *          order and fields, every term's postings and positions, the skip
 *          tables' bounds, the sums of df, cf and document lengths, every
 *          stored document).
 *
 * Only the decoders the searcher uses read the files, so a full check that
 * passes means every search path will decode. A damaged file is reported and
 * checking goes on with the next one; only a missing index, an unreadable
 * manifest or an allocation failure stop the run with an error.
 *
 * Problem counting: every call of the problem callback counts as one problem,
 * including the one that says a segment's cross-check stopped after
 * MAX_SEGMENT_PROBLEMS (damage in one block tends to repeat across many
 * terms or documents, and the first few say all there is to say).
 *
 * This file: the reporting, the files (presence, size, frame, checksum),
 * the manifest and the whole run; the cross-checks of one opened segment
 * are in check_segment.c (check_internal.h is what the two share).
 *
 * Owns nothing beyond one call: the checker's scratch (a stored document's
 * buffers) is freed before returning. No global state.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/bytes.h"
#include "analysis/analyzer.h"
#include "common/error.h"
#include "format/file.h"
#include "format/format.h"
#include "common/limits.h"
#include "common/struct_size.h"
#include "format/manifest.h"
#include "format/segment_format.h"
#include "kzsearch.h"
#include "format/docstore_reader.h"
#include "format/postings_reader.h"
#include "format/segment_reader.h"
#include "searcher/check_internal.h"

/* ------------------------------------------------------------------------ */
/* Reporting                                                                */
/* ------------------------------------------------------------------------ */

static void vemit(kz_checker *ck, const char *file, const char *fmt, va_list ap) {
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  ck->report.problems++;
  if (ck->problem) ck->problem(ck->ctx, file, msg);
}

void kz_check_emit(kz_checker *ck, const char *file, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vemit(ck, file, fmt, ap);
  va_end(ap);
}

void kz_check_seg_problem(kz_checker *ck, int kind, const char *fmt, ...) {
  if (ck->stop) return;
  char name[64];
  kz_segment_file_name(name, sizeof name, ck->seg_id, kind);
  if (ck->seg_problems >= MAX_SEGMENT_PROBLEMS) {
    kz_check_emit(ck, name, "... more problems suppressed (stopped checking segment %08x after %u)",
         ck->seg_id, MAX_SEGMENT_PROBLEMS);
    ck->stop = 1;
    return;
  }
  ck->seg_problems++;
  va_list ap;
  va_start(ap, fmt);
  vemit(ck, name, fmt, ap);
  va_end(ap);
}

int kz_check_split_message(const char *msg, const char *dir, const char *const *names, int n_names,
                         const char **rest) {
  *rest = msg;
  size_t dl = strlen(dir);
  if (strncmp(msg, dir, dl) != 0 || msg[dl] != '/') return -1;
  const char *after = msg + dl + 1;
  for (int i = 0; i < n_names; i++) {
    size_t nl = strlen(names[i]);
    if (strncmp(after, names[i], nl) == 0 && after[nl] == ':' && after[nl + 1] == ' ') {
      *rest = after + nl + 2;
      return i;
    }
  }
  return -1;
}


/* ------------------------------------------------------------------------ */
/* Files: presence, size, frame, checksum                                   */
/* ------------------------------------------------------------------------ */

/*
 * Checks one segment file; *sound = 1 when nothing is wrong with it.
 * @return KZ_OK (a problem, if any, has been reported) or KZ_ERR_NOMEM.
 */
static int check_named_file(kz_checker *ck, const char *name, uint32_t magic, uint64_t expected_size,
                            int *sound) {
  char detail[160] = "";
  char *path = kz_path_join(ck->dir, name);
  if (!path) return KZ_ERR_NOMEM;
  *sound = 0;
  ck->report.files++;
  struct stat st;
  if (stat(path, &st) != 0) {
    if (errno == ENOENT)
      kz_check_emit(ck, name, "missing (the manifest names it)");
    else
      kz_check_emit(ck, name, "cannot stat: %s", strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    kz_check_emit(ck, name, "not a regular file");
  } else if ((uint64_t)st.st_size != expected_size) {
    kz_check_emit(ck, name, "size is %llu bytes, the manifest says %llu (%s)",
         (unsigned long long)st.st_size, (unsigned long long)expected_size,
         (uint64_t)st.st_size < expected_size ? "truncated?" : "bytes appended?");
  } else {
    kz_mapped_file f;
    if (kz_file_map(&f, path, magic, detail, sizeof detail) != KZ_OK) {
      kz_check_emit(ck, name, "%s", detail[0] ? detail : "cannot map");
    } else {
      *sound = 1;
      if (ck->full) {
        ck->report.bytes += f.size;
        if (kz_file_verify_checksum(&f) != KZ_OK) {
          kz_check_emit(ck, name, "checksum mismatch");
          *sound = 0;
        }
      }
      kz_file_unmap(&f);
    }
  }
  free(path);
  return KZ_OK;
}

static int check_file(kz_checker *ck, const kz_segment_info *info, int kind, int *sound) {
  char name[64];
  kz_segment_file_name(name, sizeof name, info->id, kind);
  return check_named_file(ck, name, kz_segfile_magic[kind], info->file_bytes[kind], sound);
}


/* ------------------------------------------------------------------------ */
/* The manifest and the whole run                                           */
/* ------------------------------------------------------------------------ */

static int compare_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

/* Two records naming one segment would make a reader count its documents twice. */
static int check_segment_ids(kz_checker *ck, const kz_manifest *m) {
  if (m->n_segments < 2) return KZ_OK;
  uint32_t *ids = malloc(m->n_segments * sizeof *ids);
  if (!ids) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < m->n_segments; i++) ids[i] = m->segments[i].id;
  qsort(ids, m->n_segments, sizeof *ids, compare_u32);
  for (size_t i = 1; i < m->n_segments; i++)
    if (ids[i] == ids[i - 1] && (i < 2 || ids[i - 2] != ids[i]))
      kz_check_emit(ck, KZ_MANIFEST_NAME, "segment %08x is listed more than once", ids[i]);
  free(ids);
  return KZ_OK;
}

static int run(kz_checker *ck, kz_error *err) {
  struct stat st;
  if (stat(ck->dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return kz_error_set(err, KZ_ERR_NO_INDEX, "no index at %s", ck->dir);
  kz_manifest m;
  kz_error merr;
  memset(&merr, 0, sizeof merr);
  int rc = kz_manifest_read(&m, ck->dir, &merr);
  if (rc == KZ_ERR_NO_INDEX || rc == KZ_ERR_NOMEM || rc == KZ_ERR_IO) {
    if (err) *err = merr;
    return rc;
  }
  ck->report.files++;
  char *mpath = kz_path_join(ck->dir, KZ_MANIFEST_NAME);
  if (!mpath) {
    kz_manifest_free(&m);
    return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
  }
  if (stat(mpath, &st) == 0) ck->report.bytes += (uint64_t)st.st_size;
  free(mpath);
  if (rc) {
    /* Damaged or from a newer format: nothing else can be trusted to find. */
    const char *name = KZ_MANIFEST_NAME, *what;
    kz_check_split_message(merr.message, ck->dir, &name, 1, &what);
    kz_check_emit(ck, KZ_MANIFEST_NAME, "%s", what[0] ? what : kz_strerror(rc));
    return KZ_OK;
  }
  if (m.format_version != KZ_FORMAT_VERSION) { /* an older format: its segments cannot be read */
    char why[256];
    kz_old_format_message(why, sizeof why, m.format_version);
    kz_check_emit(ck, KZ_MANIFEST_NAME, "%s", why);
    kz_manifest_free(&m);
    return KZ_OK;
  }
  /* searching needs the language the manifest names; a full check recomputes fingerprints with it */
  if (kz_analyzer_new_cached(&ck->an, m.language, 0) == KZ_ERR_INVALID)
    kz_check_emit(ck, KZ_MANIFEST_NAME, "names a language this kzsearch does not know ('%s')",
                  m.language);
  rc = check_segment_ids(ck, &m);
  for (size_t i = 0; i < m.n_segments && !rc; i++) {
    const kz_segment_info *info = &m.segments[i];
    int all_sound = 1;
    for (int k = 0; k < KZ_SEGFILES && !rc; k++) {
      if (!kz_segfile_present(info, k)) continue;
      int sound;
      rc = check_file(ck, info, k, &sound);
      all_sound &= sound;
    }
    if (!rc && info->deletes_gen) { /* its bitmap is validated when the segment opens */
      char name[64];
      int sound;
      kz_deletes_file_name(name, sizeof name, info->id, info->deletes_gen);
      rc = check_named_file(ck, name, KZ_MAGIC_DELETES, info->deletes_bytes, &sound);
      all_sound &= sound;
    }
    if (!rc && ck->full && all_sound) rc = kz_check_segment(ck, info);
  }
  kz_analyzer_free(ck->an);
  ck->an = NULL;
  kz_manifest_free(&m);
  if (rc)
    return kz_error_set(err, rc, "%s", rc == KZ_ERR_NOMEM ? "out of memory" : kz_strerror(rc));
  return KZ_OK;
}

int kz_index_check(const char *path, int full, kz_check_problem_fn problem, void *ctx,
                   kz_check_report *report, kz_error *err) {
  kz_checker ck;
  memset(&ck, 0, sizeof ck);
  ck.dir = path;
  ck.full = full;
  ck.problem = problem;
  ck.ctx = ctx;
  ck.doc = (kz_stored_doc)KZ_STORED_DOC_INIT;
  if (!path) return kz_error_set(err, KZ_ERR_INVALID, "no index path given");
  if (report) {
    int rc = kz_struct_size_check(report->struct_size, "kz_check_report", "KZ_CHECK_REPORT_INIT", err);
    if (rc) return rc;
  }
  ck.report = (kz_check_report)KZ_CHECK_REPORT_INIT;
  int rc = run(&ck, err);
  if (!rc && ck.error) rc = kz_error_set(err, ck.error, "out of memory");
  kz_stored_doc_free(&ck.doc);
  free(ck.pos);
  if (report) kz_struct_fill(report, &ck.report, sizeof ck.report);
  return rc;
}
