/*
 * check_internal.h - what the two halves of kz_index_check share: the
 * checker's state and its reporting (check.c). check.c checks the manifest
 * and every file's presence, size, frame and checksum, and runs the whole
 * check; check_segment.c cross-checks the structures of one opened segment
 * (a full check).
 */
#ifndef KZ_CHECK_INTERNAL_H
#define KZ_CHECK_INTERNAL_H

#include <stdint.h>

#include "analysis/analyzer.h"
#include "format/docstore_reader.h"
#include "format/manifest.h"
#include "kzsearch.h"

/* Problems reported for one segment's cross-check before it is abandoned. */
#define MAX_SEGMENT_PROBLEMS 20u


typedef struct kz_checker {
  const char *dir;
  int full;
  kz_check_problem_fn problem;
  void *ctx;
  kz_check_report report;
  /* The segment being cross-checked. */
  uint32_t seg_id;
  unsigned seg_problems;
  int stop;                  /* MAX_SEGMENT_PROBLEMS reached: skip the rest of the segment */
  kz_stored_doc doc;         /* scratch for the document store */
  uint32_t *pos;             /* scratch for one document's positions */
  uint32_t cap_pos;
  int error;                 /* KZ_ERR_NOMEM met while cross-checking */
  kz_analyzer *an;           /* the index's analyzer, to recompute fingerprints; NULL: none */
} kz_checker;

void kz_check_emit(kz_checker *ck, const char *file, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A problem found by the cross-check of the current segment, in its file `kind`. */
void kz_check_seg_problem(kz_checker *ck, int kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Library messages name the file as "DIR/NAME: what". When `msg` starts
 * with DIR/NAME for one of `names`, returns that name's index and sets
 * *rest to the "what" part; otherwise returns -1 and *rest = msg.
 */
int kz_check_split_message(const char *msg, const char *dir, const char *const *names, int n_names,
                           const char **rest);

/* Opens one segment whose files are sound and cross-checks it. @return KZ_OK or KZ_ERR_NOMEM. */
int kz_check_segment(kz_checker *ck, const kz_segment_info *info);

#endif /* KZ_CHECK_INTERNAL_H */
