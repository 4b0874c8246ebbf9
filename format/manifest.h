/*
 * manifest.h - the index manifest: the one file that names the committed
 * segments. A commit writes MANIFEST.tmp, fsyncs it, renames it over
 * MANIFEST and fsyncs the directory, so readers see the old or the new
 * commit, never a mix (docs/FORMAT.md, "Manifest").
 */
#ifndef KZ_MANIFEST_H
#define KZ_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "kzsearch.h"

struct kz_file_writer;

/*
 * The per-segment file kinds this kzsearch knows. A kind's code in the
 * manifest is its index + 1 (docs/FORMAT.md, "Manifest"). Every v3 segment
 * has the first KZ_SEGFILES_CORE kinds. The kinds after them are optional:
 * a segment written before its feature existed (or by a writer that skipped
 * it) has no such file, and its file_bytes entry is 0; readers then treat
 * the feature as empty for that segment (kz_segfile_present).
 */
enum {
  KZ_SEGFILE_DICT, KZ_SEGFILE_POSTINGS, KZ_SEGFILE_POSITIONS, KZ_SEGFILE_NORMS,
  KZ_SEGFILE_STORE, KZ_SEGFILE_TITLE_NORMS, KZ_SEGFILE_DATES,
  KZ_SEGFILE_ALIASES, /* optional: acronym definitions found in the text ("alias") */
  KZ_SEGFILE_SIMHASH, /* optional: near-duplicate fingerprints per document ("simh") */
  KZ_SEGFILE_NAMES,   /* optional: spelling keys of capitalised names ("names") */
  KZ_SEGFILE_PAIRS,   /* optional but required once listed: the segment has field-2 keys, pairs of
                         common words (format/pairs_file.h; "pairs") */
  KZ_SEGFILES
};
/* The kinds every v3 segment has. */
#define KZ_SEGFILES_CORE 7
/* The kinds of a v1 or v2 segment (its manifest lists exactly these five). */
#define KZ_SEGFILES_V2 5

/* At most this many files per segment in a manifest, and of kinds this kzsearch does not know. */
#define KZ_MAX_SEGMENT_FILES 32u
#define KZ_MAX_EXTRA_FILES 8u
#define KZ_MAX_FILE_EXT_BYTES 15u
/* Manifest flag of a file entry: a reader that does not know its kind must refuse the segment. */
#define KZ_SEGFILE_REQUIRED 1u

/* A file of a kind this kzsearch does not know, marked optional: kept in the manifest, not read. */
typedef struct kz_extra_file {
  uint8_t kind, flags;
  char ext[KZ_MAX_FILE_EXT_BYTES + 1];
  uint64_t bytes;
} kz_extra_file;

#define KZ_MAX_LANGUAGE_BYTES 31
#define KZ_MAX_SEGMENTS 100000u

typedef struct kz_segment_info {
  uint32_t id;
  uint32_t doc_count;
  uint64_t total_length; /* sum of document lengths in tokens */
  uint64_t title_length; /* sum of title lengths in tokens */
  uint32_t title_docs;   /* documents whose title has a token */
  uint64_t n_terms, n_postings, n_positions;
  uint64_t file_bytes[KZ_SEGFILES];
  uint32_t deleted_docs;     /* documents deleted or replaced since the segment was written */
  uint64_t deletes_gen;      /* generation of its deletion file; 0 = none */
  uint64_t deletes_bytes;    /* size of that file */
  kz_extra_file extra[KZ_MAX_EXTRA_FILES]; /* optional files of unknown kinds, carried over */
  uint8_t n_extra;
} kz_segment_info;

typedef struct kz_manifest {
  uint32_t format_version; /* of the MANIFEST read; below KZ_FORMAT_VERSION its segments are unreadable */
  uint64_t generation;
  uint32_t next_segment_id;
  char language[KZ_MAX_LANGUAGE_BYTES + 1];
  kz_segment_info *segments;
  size_t n_segments, cap_segments;
} kz_manifest;

/* Extension of each segment file kind ("dict", "post", ...). */
extern const char *const kz_segfile_ext[KZ_SEGFILES];

/* "seg-%08x.<ext>" into buf (at least 32 bytes). */
void kz_segment_file_name(char *buf, size_t size, uint32_t segment_id, int kind);
/*
 * Opens a framed writer (format/file.h) for the segment's file of `kind` in
 * dir, for the small tables written in one go. On failure nothing is left
 * to abort. @return KZ_OK, KZ_ERR_NOMEM or KZ_ERR_IO.
 */
int kz_segment_file_create(struct kz_file_writer *w, const char *dir, uint32_t segment_id,
                           int kind, uint32_t magic);
/* The number of known kinds a segment of the manifest has (KZ_SEGFILES_V2 before v3). */
int kz_manifest_kinds(const kz_manifest *m);
/* Whether the segment has a file of `kind`: always for a core kind; for an optional one, when
 * the manifest lists it. */
int kz_segfile_present(const kz_segment_info *s, int kind);
/* "seg-%08x-<generation>.del": the deletions of a segment as of a commit (at least 48 bytes). */
void kz_deletes_file_name(char *buf, size_t size, uint32_t segment_id, uint64_t generation);

/*
 * Reads DIR/MANIFEST. @return KZ_OK; KZ_ERR_NO_INDEX when it does not exist;
 * KZ_ERR_CORRUPT / KZ_ERR_VERSION / KZ_ERR_IO with err naming the file.
 * The manifest of an index of an older format (from KZ_FORMAT_OLDEST_MANIFEST
 * on) reads too, with m->format_version saying so: only a rebuild may use it.
 */
int kz_manifest_read(kz_manifest *m, const char *dir, kz_error *err);
/* Writes DIR/MANIFEST atomically (tmp + fsync + rename + fsync dir). */
int kz_manifest_write(const kz_manifest *m, const char *dir, uint64_t *bytes_out, kz_error *err);
/*
 * As kz_manifest_write, telling in *replaced whether the rename happened.
 * KZ_ERR_UNSYNCED comes after it (the directory sync failed): the new
 * manifest is what readers see, though it may not survive a crash, so the
 * caller must treat the commit as done but keep every file the old manifest named.
 */
int kz_manifest_commit(const kz_manifest *m, const char *dir, uint64_t *bytes_out, int *replaced,
                       kz_error *err);
int kz_manifest_add_segment(kz_manifest *m, const kz_segment_info *info);
void kz_manifest_free(kz_manifest *m);

#endif /* KZ_MANIFEST_H */
