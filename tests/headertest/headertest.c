/*
 * headertest.c - proves that include/kzsearch.h stands alone: this file
 * includes nothing else and is compiled by ctest as strict C11
 * (-std=c11 -Wall -Wextra -pedantic -Werror, without the project's defines),
 * linked to the shared library and run.
 *
 * Every public function is taken by a pointer of its documented type, so a
 * changed signature, a missing declaration or a symbol the shared library
 * does not export fails here rather than in an embedder's build.
 */
#include "kzsearch.h"

int main(void) {
  const char *(*version_fn)(void) = kz_version;
  const char *(*strerror_fn)(int) = kz_strerror;
  int (*index_open_fn)(kz_index **, const char *, kz_error *) = kz_index_open;
  void (*index_close_fn)(kz_index *) = kz_index_close;
  int (*stats_fn)(kz_index *, kz_index_stats *, kz_error *) = kz_index_stats_get;
  int (*search_fn)(kz_hits **, kz_index *, const char *, const kz_search_options *,
                   kz_error *) = kz_search;
  int (*count_fn)(uint64_t *, kz_index *, const char *, const kz_search_options *,
                  kz_error *) = kz_count;
  size_t (*hits_size_fn)(const kz_hits *) = kz_hits_size;
  uint64_t (*hits_total_fn)(const kz_hits *) = kz_hits_total;
  const kz_hit *(*hits_at_fn)(const kz_hits *, size_t) = kz_hits_at;
  void (*hits_free_fn)(kz_hits *) = kz_hits_free;
  int (*writer_open_fn)(kz_writer **, const char *, const kz_writer_options *, kz_error *) =
      kz_writer_open;
  int (*writer_add_fn)(kz_writer *, const kz_document *, kz_error *) = kz_writer_add;
  int (*add_path_fn)(kz_writer *, const char *, const kz_ingest_callbacks *, kz_ingest_stats *,
                     kz_error *) = kz_writer_add_path;
  int (*commit_fn)(kz_writer *, kz_error *) = kz_writer_commit;
  uint64_t (*added_fn)(const kz_writer *) = kz_writer_added;
  void (*writer_close_fn)(kz_writer *) = kz_writer_close;
  int (*delete_fn)(kz_writer *, const char *, size_t, int *, kz_error *) = kz_writer_delete;
  int (*compact_fn)(kz_writer *, kz_error *) = kz_writer_compact;
  int (*check_fn)(const char *, int, kz_check_problem_fn, void *, kz_check_report *, kz_error *) =
      kz_index_check;
  const void *all[] = {
      (const void *)&version_fn,   (const void *)&strerror_fn,    (const void *)&index_open_fn,
      (const void *)&index_close_fn, (const void *)&stats_fn,     (const void *)&search_fn,
      (const void *)&count_fn,     (const void *)&hits_size_fn,   (const void *)&hits_total_fn,
      (const void *)&hits_at_fn,   (const void *)&hits_free_fn,   (const void *)&writer_open_fn,
      (const void *)&writer_add_fn, (const void *)&add_path_fn,   (const void *)&commit_fn,
      (const void *)&added_fn,     (const void *)&writer_close_fn, (const void *)&delete_fn,
      (const void *)&compact_fn,   (const void *)&check_fn};
  (void)all;

  kz_search_options search_opts = KZ_SEARCH_OPTIONS_INIT;
  kz_writer_options writer_opts = KZ_WRITER_OPTIONS_INIT;
  if (search_opts.version != KZ_SEARCH_OPTIONS_VERSION ||
      writer_opts.version != KZ_WRITER_OPTIONS_VERSION || writer_opts.merge_progress != 0 ||
      writer_opts.merge_ctx != 0)
    return 1;
  /* The structs that begin with their size, made by their _INIT macros. */
  kz_document doc = KZ_DOCUMENT_INIT;
  kz_index_stats stats = KZ_INDEX_STATS_INIT;
  kz_ingest_stats ingest = KZ_INGEST_STATS_INIT;
  kz_check_report report = KZ_CHECK_REPORT_INIT;
  if (doc.struct_size != sizeof doc || stats.struct_size != sizeof stats ||
      ingest.struct_size != sizeof ingest || report.struct_size != sizeof report || doc.id)
    return 1;
  /* The merge callback's documented type, and the event it receives. */
  kz_merge_progress_fn merge_fn = writer_opts.merge_progress;
  kz_merge_event event = {KZ_MERGE_START, KZ_OK, 0, 0, 0, 0, 0, 0};
  (void)merge_fn;
  (void)event;

  /* The header's version macros must describe the library it is linked to. */
  const char *linked = version_fn();
  const char *header = KZ_VERSION_STRING;
  size_t i = 0;
  while (linked[i] != '\0' && linked[i] == header[i])
    i++;
  if (linked[i] != header[i])
    return 2;
  if (strerror_fn(KZ_ERR_CORRUPT) == 0 || strerror_fn(KZ_OK) == 0)
    return 3;

  /* Opening a path that holds no index fails cleanly and fills the error. */
  kz_index *index = 0;
  kz_error err;
  if (index_open_fn(&index, "/nonexistent/kzsearch-headertest", &err) == KZ_OK) {
    index_close_fn(index);
    return 4;
  }
  return err.message[0] != '\0' ? 0 : 5;
}
