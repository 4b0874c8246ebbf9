/*
 * headertest.cpp - include/kzsearch.h compiled as C++ (-std=c++11 -Wall
 * -Wextra -pedantic -Werror) and linked to the shared library: the link only
 * succeeds when the header's extern "C" guard gives the functions C names.
 */
#include "kzsearch.h"

#include <cstring>

int main() {
  kz_search_options search_opts = KZ_SEARCH_OPTIONS_INIT;
  kz_writer_options writer_opts = KZ_WRITER_OPTIONS_INIT;
  if (search_opts.version != KZ_SEARCH_OPTIONS_VERSION ||
      writer_opts.version != KZ_WRITER_OPTIONS_VERSION)
    return 1;
  /* The structs that begin with their size, made by their _INIT macros. */
  kz_document doc = KZ_DOCUMENT_INIT;
  kz_index_stats stats = KZ_INDEX_STATS_INIT;
  kz_ingest_stats ingest = KZ_INGEST_STATS_INIT;
  kz_check_report report = KZ_CHECK_REPORT_INIT;
  if (doc.struct_size != sizeof doc || stats.struct_size != sizeof stats ||
      ingest.struct_size != sizeof ingest || report.struct_size != sizeof report || doc.id)
    return 5;
  if (std::strcmp(kz_version(), KZ_VERSION_STRING) != 0)
    return 2;

  kz_index *index = nullptr;
  kz_error err;
  if (kz_index_open(&index, "/nonexistent/kzsearch-headertest", &err) == KZ_OK) {
    kz_index_close(index);
    return 3;
  }
  kz_hits_free(nullptr);
  kz_writer_close(nullptr);
  return err.code < 0 && kz_strerror(err.code)[0] != '\0' ? 0 : 4;
}
