/*
 * analyzer_pool.c - analyzers kept between queries (see analyzer_pool.h).
 */
#include "searcher/analyzer_pool.h"

#include "kzsearch.h"

int kz_analyzer_pool_init(kz_analyzer_pool *pool, const char *language) {
  pool->language = language;
  pool->n_kept = 0;
  pool->ready = pthread_mutex_init(&pool->lock, NULL) == 0;
  return pool->ready ? KZ_OK : KZ_ERR_NOMEM;
}

void kz_analyzer_pool_destroy(kz_analyzer_pool *pool) {
  if (!pool->ready) return;
  for (size_t i = 0; i < pool->n_kept; i++) kz_analyzer_free(pool->kept[i]);
  pool->n_kept = 0;
  pthread_mutex_destroy(&pool->lock);
  pool->ready = 0;
}

int kz_analyzer_pool_take(kz_analyzer_pool *pool, kz_analyzer **out) {
  *out = NULL;
  pthread_mutex_lock(&pool->lock);
  if (pool->n_kept) *out = pool->kept[--pool->n_kept];
  pthread_mutex_unlock(&pool->lock);
  return *out ? KZ_OK : kz_analyzer_new_cached(out, pool->language, 0);
}

void kz_analyzer_pool_give(kz_analyzer_pool *pool, kz_analyzer *an) {
  if (!an) return;
  pthread_mutex_lock(&pool->lock);
  int kept = pool->n_kept < KZ_ANALYZER_POOL_SIZE;
  if (kept) pool->kept[pool->n_kept++] = an;
  pthread_mutex_unlock(&pool->lock);
  if (!kept) kz_analyzer_free(an);
}
