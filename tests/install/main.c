/*
 * main.c - a program outside the kzsearch tree, built by tests/install/run.sh
 * against an installed kzsearch (through find_package and through
 * pkg-config, shared and static). It indexes two documents into the
 * directory named by argv[1], searches them, and checks the answers.
 * Prints "consumer ok" and exits 0 when everything holds.
 */
#include <kzsearch.h>

#include <stdio.h>
#include <string.h>

static int fail(const char *what, const kz_error *err) {
  fprintf(stderr, "consumer: %s: %s\n", what, err ? err->message : "unexpected result");
  return 1;
}

static int add(kz_writer *writer, const char *id, const char *title, const char *body,
               kz_error *err) {
  kz_document doc = KZ_DOCUMENT_INIT;
  doc.id = id;
  doc.id_len = strlen(id);
  doc.title = title;
  doc.title_len = strlen(title);
  doc.body = body;
  doc.body_len = strlen(body);
  return kz_writer_add(writer, &doc, err);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: consumer INDEX_DIR\n");
    return 2;
  }
  if (strcmp(kz_version(), KZ_VERSION_STRING) != 0) {
    fprintf(stderr, "consumer: header %s but library %s\n", KZ_VERSION_STRING, kz_version());
    return 1;
  }

  kz_error err;
  kz_writer_options wopts = KZ_WRITER_OPTIONS_INIT;
  wopts.rebuild = 1;
  kz_writer *writer = NULL;
  if (kz_writer_open(&writer, argv[1], &wopts, &err) != KZ_OK)
    return fail("kz_writer_open", &err);
  if (add(writer, "doc-1", "Embedding a search engine", "The library is linked into a program.",
          &err) != KZ_OK ||
      add(writer, "doc-2", "Unrelated", "Nothing to see here.", &err) != KZ_OK ||
      kz_writer_commit(writer, &err) != KZ_OK) {
    kz_writer_close(writer);
    return fail("indexing", &err);
  }
  kz_writer_close(writer);

  kz_index *index = NULL;
  if (kz_index_open(&index, argv[1], &err) != KZ_OK)
    return fail("kz_index_open", &err);
  kz_hits *hits = NULL;
  if (kz_search(&hits, index, "linked", NULL, &err) != KZ_OK) {
    kz_index_close(index);
    return fail("kz_search", &err);
  }
  const kz_hit *top = kz_hits_at(hits, 0);
  int ok = kz_hits_total(hits) == 1 && top != NULL && strcmp(top->id, "doc-1") == 0;
  kz_hits_free(hits);
  kz_index_close(index);
  if (!ok)
    return fail("search for 'linked' did not return exactly doc-1", NULL);

  printf("consumer ok (kzsearch %s)\n", kz_version());
  return 0;
}
