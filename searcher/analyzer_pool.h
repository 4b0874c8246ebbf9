/*
 * analyzer_pool.h - analyzers kept between the queries of one kz_index. A
 * query takes one (a new one when none is free) and gives it back, so that
 * it does not pay for creating a stemmer and its buffers every time (about
 * a sixth of a two-term query's instructions). Safe for many threads.
 */
#ifndef KZ_ANALYZER_POOL_H
#define KZ_ANALYZER_POOL_H

#include <pthread.h>
#include <stddef.h>

#include "analysis/analyzer.h"

/* Analyzers kept at most: about the threads that search one index at once. */
#define KZ_ANALYZER_POOL_SIZE 8

typedef struct kz_analyzer_pool {
  pthread_mutex_t lock;
  int ready; /* lock initialised */
  const char *language; /* the index's language; outlives the pool */
  kz_analyzer *kept[KZ_ANALYZER_POOL_SIZE];
  size_t n_kept;
} kz_analyzer_pool;

/* @return KZ_OK; KZ_ERR_NOMEM when the lock cannot be made. */
int kz_analyzer_pool_init(kz_analyzer_pool *pool, const char *language);
/* Frees the kept analyzers; the pool may be zeroed and never initialised. */
void kz_analyzer_pool_destroy(kz_analyzer_pool *pool);
/* A free analyzer of the pool's language. @return KZ_OK, or kz_analyzer_new_cached's error. */
int kz_analyzer_pool_take(kz_analyzer_pool *pool, kz_analyzer **out);
/* Returns an analyzer taken from the pool (NULL is ignored); frees it when the pool is full. */
void kz_analyzer_pool_give(kz_analyzer_pool *pool, kz_analyzer *an);

#endif /* KZ_ANALYZER_POOL_H */
