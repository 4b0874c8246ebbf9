/*
 * alloc_fixtures.h - the fixtures of the allocation failure tests
 * (test_alloc_failure*.c): a generated corpus, the committed indexes the
 * scenarios start from, and the unarmed checks of an index on disk.
 */
#ifndef KZ_ALLOC_FIXTURES_H
#define KZ_ALLOC_FIXTURES_H

#include <stddef.h>

#include "kzsearch.h"

extern char g_work[300];     /* the directory a writer scenario writes */
extern char g_template[300]; /* a committed index of 3 segments (30 documents) */
extern char g_sample[1024];  /* data/kazakhstan/docs.jsonl */
extern char g_tree[300];     /* the source tree of scenario (e) */
extern char g_small[300];    /* a committed index of 9 segments of 3 documents */

#define A_DOCS 30
#define B_OLD_DOCS 30
#define B_NEW_DOCS 10

/* Makes every fixture once (later calls say how the first went). @return 1 when ready. */
int setup(void);

/* Document `i` of a generated corpus (deterministic; every body holds "marker"). */
void make_doc(int i, char *id, size_t id_size, char *title, size_t title_size, char *body,
              size_t body_size, kz_document *d);

/*
 * Adds documents [first, first + n) and commits. Every status is checked;
 * once one call failed, the writer must refuse the rest (commit included).
 * @return the commit's status (or the open's, when the writer did not open).
 */
int write_docs(const char *dir, int first, int n);

/* Opens `dir` (unarmed) and @return its document count, or -1 when it does not open. */
long long doc_count(const char *dir, int *open_rc);

/* A kz_index_check problem callback: prints the problem and counts it in *(int *)ctx. */
void count_problem(void *ctx, const char *file, const char *problem);

/* Unarmed: the committed index at `dir` passes the full check. */
void expect_clean(const char *dir);

/* Copies the regular files of `src` into a fresh `dst` (unarmed: the test's own I/O). */
int copy_dir(const char *src, const char *dst);

/* Prepares g_work: removed; a copy of g_template; left as it is. @return 0 or -1. */
int prepare_empty(void);
int prepare_copy(void);
int prepare_nothing(void);

#endif /* KZ_ALLOC_FIXTURES_H */
