/*
 * search_example.c - the smallest complete program embedding kzsearch: it
 * searches an index, and can first build a small sample index to search.
 *
 *   search_example INDEX_DIR [QUERY]        QUERY defaults to "peacekeepers"
 *
 * When INDEX_DIR holds an index, the example only searches it: it never
 * writes to an existing index. When INDEX_DIR does not exist or is an empty
 * directory, it first builds a sample index of the four documents defined
 * below there. A directory that holds other files but no index is refused.
 *
 * For each hit it prints the rank, BM25 score, id and title, then the snippet
 * with the matched words in [brackets]; last comes the total number of
 * matching documents. Exit status: 0 when something matched, 1 when nothing
 * did, 2 on an error (reported with kz_error's message).
 *
 * Outside this repository, against an installed kzsearch:
 *   cc search_example.c $(pkg-config --cflags --libs kzsearch)
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <kzsearch.h>

static const struct {
  const char *id, *title, *body;
} documents[] = {
    {"kz-001", "CSTO peacekeepers arrive in Almaty",
     "The first CSTO peacekeepers landed in Almaty on Thursday after the president asked the "
     "alliance for help. The peacekeeping force will guard airports and government buildings."},
    {"kz-002", "Fuel prices spark protests in Zhanaozen",
     "Protests began in the oil town of Zhanaozen when the price of liquefied gas doubled at the "
     "start of the year, and soon spread to other cities."},
    {"kz-003", "Peacekeepers begin to withdraw",
     "Ten days after they arrived, the peacekeepers began to leave Kazakhstan; the mission was "
     "declared complete and the state of emergency was lifted."},
    {"kz-004", "Internet access restored",
     "Mobile internet returned to most of the country after a shutdown of almost a week."},
};

/* Prints a failed call's message; `err` was filled by the library. */
static int report(const char *what, const kz_error *err) {
  fprintf(stderr, "search_example: %s: %s (%s)\n", what, err->message, kz_strerror(err->code));
  return 2;
}

static int build_index(const char *path) {
  /* No `rebuild`: the library then creates an index only in a missing or
   * empty directory, so this can never replace anybody's index. */
  kz_writer_options opts = KZ_WRITER_OPTIONS_INIT;
  kz_writer *writer = NULL;
  kz_error err;
  if (kz_writer_open(&writer, path, &opts, &err) != KZ_OK)
    return report("cannot create the sample index", &err);

  for (size_t i = 0; i < sizeof documents / sizeof documents[0]; i++) {
    kz_document doc = KZ_DOCUMENT_INIT; /* NULL fields (date, url) are absent */
    doc.id = documents[i].id;
    doc.id_len = strlen(doc.id);
    doc.title = documents[i].title;
    doc.title_len = strlen(doc.title);
    doc.body = documents[i].body;
    doc.body_len = strlen(doc.body);
    if (kz_writer_add(writer, &doc, &err) != KZ_OK) {
      kz_writer_close(writer);
      return report("cannot add a document", &err);
    }
  }
  /* Nothing is visible to readers until the commit; closing without one discards. */
  int rc = kz_writer_commit(writer, &err);
  kz_writer_close(writer);
  return rc == KZ_OK ? 0 : report("cannot commit", &err);
}

/* The snippet with each highlighted byte range [start, end) put in brackets. */
static void print_snippet(const kz_hit *hit) {
  const char *s = hit->snippet;
  size_t len = strlen(s), pos = 0;
  for (size_t i = 0; i < hit->n_highlights; i++) {
    kz_span span = hit->highlights[i];
    if (span.start < pos || span.end < span.start || span.end > len)
      continue; /* ranges come sorted and in bounds; stay safe regardless */
    printf("%.*s[%.*s]", (int)(span.start - pos), s + pos, (int)(span.end - span.start),
           s + span.start);
    pos = span.end;
  }
  printf("%s\n", s + pos);
}

static int search(kz_index *index, const char *query) {
  kz_error err;

  kz_search_options opts = KZ_SEARCH_OPTIONS_INIT;
  opts.k = 5;
  opts.snippet_bytes = 120;
  kz_hits *hits = NULL;
  if (kz_search(&hits, index, query, &opts, &err) != KZ_OK) {
    if (err.code == KZ_ERR_QUERY)
      fprintf(stderr, "search_example: bad query at byte %zu: %s\n", err.position, err.message);
    else
      report("search failed", &err);
    return 2;
  }

  for (size_t i = 0; i < kz_hits_size(hits); i++) {
    const kz_hit *hit = kz_hits_at(hits, i);
    printf("%zu. %.3f  %s  %s\n   ", i + 1, hit->score, hit->id, hit->title);
    print_snippet(hit);
  }
  uint64_t total = kz_hits_total(hits);
  printf("total: %" PRIu64 "\n", total);

  kz_hits_free(hits); /* hits go before the index they came from */
  return total > 0 ? 0 : 1;
}

/* Opens the index at `path`, building the sample there first only when no index exists. */
static int open_or_build(kz_index **index, const char *path) {
  kz_error err;
  if (kz_index_open(index, path, &err) == KZ_OK) return 0;
  if (err.code != KZ_ERR_NO_INDEX) return report("cannot open the index", &err);
  printf("no index in %s: building the sample index there\n", path);
  int rc = build_index(path);
  if (rc != 0) return rc;
  return kz_index_open(index, path, &err) == KZ_OK ? 0 : report("cannot open the index", &err);
}

int main(int argc, char **argv) {
  if (argc < 2 || argc > 3) {
    fprintf(stderr,
            "usage: search_example INDEX_DIR [QUERY]\n"
            "Searches the index in INDEX_DIR (QUERY defaults to \"peacekeepers\"). An existing\n"
            "index is only searched, never changed. When INDEX_DIR is missing or an empty\n"
            "directory, a sample index of four documents is built there first; a directory\n"
            "that holds other files but no index is refused.\n");
    return 2;
  }
  const char *query = argc == 3 ? argv[2] : "peacekeepers";
  printf("kzsearch %s, query: %s\n", kz_version(), query);
  kz_index *index = NULL;
  int rc = open_or_build(&index, argv[1]);
  if (rc == 0) rc = search(index, query);
  kz_index_close(index);
  return rc;
}
