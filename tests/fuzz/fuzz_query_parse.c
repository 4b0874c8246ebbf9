/*
 * fuzz_query_parse.c - the query parser (searcher/query_parse.h) on
 * arbitrary bytes, up to a little past KZ_MAX_QUERY_BYTES so that the length
 * limit itself is exercised.
 *
 * Properties: kz_query_parse never crashes and returns KZ_OK, KZ_ERR_QUERY,
 * KZ_ERR_LIMIT or KZ_ERR_NOMEM. On success the tree keeps the shape the
 * grammar promises: the root is a LIST; every text pointer and length lies
 * inside the query; every position is at most its length; WORDs are non-empty
 * and have no children; NOT has one child; AND and OR at least two; nested
 * LISTs at least one; no more than KZ_MAX_QUERY_CLAUSES nodes below the root.
 * On failure the kz_error carries the returned code, a NUL-terminated message
 * and a position inside (or at the end of) the query. A WORD or PHRASE
 * searches the text or the title field; a DATE has no children and a
 * non-empty range (lo <= hi).
 */
#include <string.h>

#include "common/limits.h"
#include "format/format.h" /* the fields */
#include "fuzz.h"
#include "kzsearch.h"
#include "searcher/query_parse.h"

#define MAX_INPUT_BYTES (KZ_MAX_QUERY_BYTES + 16u)

typedef struct walk {
  const char *query;
  size_t len;
  size_t nodes;
} walk;

static void check_node(walk *w, const kz_qnode *n, int is_root, size_t depth) {
  FUZZ_REQUIRE(n != NULL);
  /* Depth is bounded by the node limit; the tree is walked recursively like its consumers do. */
  FUZZ_REQUIRE(depth <= KZ_MAX_QUERY_CLAUSES + 1);
  if (!is_root) w->nodes++;
  FUZZ_REQUIRE(n->position <= w->len);
  FUZZ_REQUIRE(n->occur == KZ_OCCUR_DEFAULT || n->occur == KZ_OCCUR_MUST ||
               n->occur == KZ_OCCUR_MUST_NOT);
  switch (n->kind) {
    case KZ_Q_PREFIX:
    case KZ_Q_FUZZY:
      FUZZ_REQUIRE(n->n_children == 0);
      FUZZ_REQUIRE(n->text >= w->query && n->text_len > 0 &&
                   n->text + n->text_len < w->query + w->len); /* the suffix follows */
      FUZZ_REQUIRE(n->kind == KZ_Q_PREFIX || (n->max_edits >= -1 && n->max_edits <= 2));
      break;
    case KZ_Q_WORD:
    case KZ_Q_PHRASE:
      FUZZ_REQUIRE(n->n_children == 0);
      FUZZ_REQUIRE(n->text != NULL);
      FUZZ_REQUIRE(n->text >= w->query && n->text <= w->query + w->len);
      FUZZ_REQUIRE(n->text_len <= (size_t)(w->query + w->len - n->text));
      /* The node starts at its word, or at the quote before its phrase. */
      FUZZ_REQUIRE(n->position <= (size_t)(n->text - w->query));
      FUZZ_REQUIRE(n->field == KZ_FIELD_TEXT || n->field == KZ_FIELD_TITLE);
      if (n->kind == KZ_Q_WORD) {
        FUZZ_REQUIRE(n->text_len > 0);
        /* ... or at the "title:" before it */
        size_t prefix = n->field == KZ_FIELD_TITLE ? strlen("title:") : 0;
        FUZZ_REQUIRE(n->position + prefix == (size_t)(n->text - w->query));
      }
      break;
    case KZ_Q_NOT:
      FUZZ_REQUIRE(n->n_children == 1);
      break;
    case KZ_Q_DATE:
      FUZZ_REQUIRE(n->n_children == 0);
      FUZZ_REQUIRE(n->lo <= n->hi);
      break;
    case KZ_Q_AND:
    case KZ_Q_OR:
      FUZZ_REQUIRE(n->n_children >= 2);
      break;
    case KZ_Q_LIST:
      FUZZ_REQUIRE(n->n_children >= 1);
      break;
    case KZ_Q_NEAR:
      FUZZ_REQUIRE(n->n_children >= 2);
      FUZZ_REQUIRE(n->slop >= 1 && n->slop <= KZ_MAX_PROXIMITY);
      for (size_t i = 0; i < n->n_children; i++)
        FUZZ_REQUIRE(n->children[i]->kind == KZ_Q_WORD);
      break;
    default:
      FUZZ_REQUIRE(!"unknown node kind");
  }
  if (is_root) FUZZ_REQUIRE(n->kind == KZ_Q_LIST);
  FUZZ_REQUIRE(n->n_children == 0 || n->children != NULL);
  for (size_t i = 0; i < n->n_children; i++) check_node(w, n->children[i], 0, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > MAX_INPUT_BYTES) size = MAX_INPUT_BYTES;
  const char *query = (const char *)data;

  kz_qnode *root = NULL;
  kz_error err;
  memset(&err, 0x5a, sizeof err); /* garbage, so an unset field is noticed */
  int rc = kz_query_parse(&root, query, size, &err);
  if (rc == KZ_OK) {
    walk w = {query, size, 0};
    check_node(&w, root, 1, 0);
    FUZZ_REQUIRE(w.nodes <= KZ_MAX_QUERY_CLAUSES);
    kz_qnode_free(root);
    return 0;
  }
  FUZZ_REQUIRE(rc == KZ_ERR_QUERY || rc == KZ_ERR_LIMIT || rc == KZ_ERR_NOMEM);
  FUZZ_REQUIRE(root == NULL);
  FUZZ_REQUIRE(err.code == rc);
  FUZZ_REQUIRE(memchr(err.message, 0, sizeof err.message) != NULL);
  FUZZ_REQUIRE(err.position <= size);
  if (size > KZ_MAX_QUERY_BYTES) FUZZ_REQUIRE(rc == KZ_ERR_LIMIT);
  return 0;
}
