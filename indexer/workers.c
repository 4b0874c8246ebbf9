/*
 * workers.c - indexing threads (see workers.h).
 *
 * One mutex guards every queue and result; each worker sleeps on its own
 * condition variable, the writer on `idle`. A queue holds at most
 * MAX_QUEUED jobs, which bounds the memory of documents in flight.
 */
#include "indexer/workers.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "indexer/segment_builder.h"

#define MAX_QUEUED 2

typedef enum job_kind { JOB_BEGIN, JOB_DOCS, JOB_FINISH } job_kind;

typedef struct job {
  job_kind kind;
  uint32_t segment_id;
  kz_doc_batch batch;
  struct job *next;
} job;

typedef struct worker {
  kz_workers *pool;
  unsigned index;
  pthread_t thread;
  int started;
  kz_builder *builder;
  pthread_cond_t wake;
  job *head, *tail;
  size_t queued;
  int busy;
  size_t memory;
  kz_doc_batch staged;
} worker;

struct kz_workers {
  char *dir;
  pthread_mutex_t lock;
  pthread_cond_t idle;
  worker *w;
  unsigned n;
  int stop;
  int error;
  kz_error err;
  kz_segment_info *done;
  size_t n_done, cap_done;
};

static void batch_free(kz_doc_batch *b) {
  kz_buf_free(&b->bytes);
  free(b->offsets);
  free(b->lengths);
  memset(b, 0, sizeof *b);
}

/* The system's reason for an I/O error (errno read right after the failure), else the status name. */
static const char *why(int rc, int saved_errno) {
  return rc == KZ_ERR_IO && saved_errno ? strerror(saved_errno) : kz_strerror(rc);
}

static int run_job(worker *me, job *j, kz_segment_info *info, kz_error *err) {
  switch (j->kind) {
    case JOB_BEGIN: {
      int rc = kz_builder_begin(me->builder, j->segment_id);
      if (rc) kz_error_set(err, rc, "cannot start segment %08x: %s", j->segment_id, why(rc, errno));
      return rc;
    }
    case JOB_DOCS:
      for (size_t i = 0; i < j->batch.n; i++) {
        const char *base = (const char *)j->batch.bytes.data;
        const size_t *o = j->batch.offsets[i], *l = j->batch.lengths[i];
        kz_document d = {sizeof(kz_document), base + o[0], l[0], base + o[1], l[1], base + o[2], l[2],
                         base + o[3], l[3], base + o[4], l[4]};
        int rc = kz_builder_add(me->builder, &d);
        if (rc) return kz_error_set(err, rc, "cannot add document: %s", why(rc, errno));
      }
      return KZ_OK;
    case JOB_FINISH:
      return kz_builder_finish(me->builder, info, err);
  }
  return KZ_ERR_INVALID;
}

/*
 * A finished segment frees its many small term buffers; glibc keeps such
 * freed memory in the thread's arena, where it counts as resident until
 * reused. Handing it back keeps the process near its --memory budget.
 */
static void release_free_memory(void) {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

static void *worker_main(void *arg) {
  worker *me = arg;
  kz_workers *ws = me->pool;
  pthread_mutex_lock(&ws->lock);
  for (;;) {
    while (!me->head && !ws->stop) pthread_cond_wait(&me->wake, &ws->lock);
    if (!me->head) break;
    job *j = me->head;
    me->head = j->next;
    if (!me->head) me->tail = NULL;
    me->queued--;
    me->busy = 1;
    int failed = ws->error != 0;
    pthread_mutex_unlock(&ws->lock);

    kz_segment_info info;
    kz_error err;
    int rc = failed ? KZ_OK : run_job(me, j, &info, &err); /* after an error, jobs are dropped */
    size_t memory = kz_builder_memory(me->builder);
    batch_free(&j->batch);
    int finished = j->kind == JOB_FINISH && !failed && !rc;
    if (j->kind == JOB_FINISH) release_free_memory();
    free(j);

    pthread_mutex_lock(&ws->lock);
    if (rc && !ws->error) {
      ws->error = rc;
      ws->err = err;
    }
    if (finished) {
      if (ws->n_done == ws->cap_done) {
        size_t cap = ws->cap_done ? ws->cap_done * 2 : 16;
        kz_segment_info *d = realloc(ws->done, cap * sizeof *d);
        if (d) {
          ws->done = d;
          ws->cap_done = cap;
        }
      }
      if (ws->n_done < ws->cap_done) {
        ws->done[ws->n_done++] = info;
      } else if (!ws->error) {
        ws->error = kz_error_set(&ws->err, KZ_ERR_NOMEM, "out of memory");
      }
    }
    me->memory = memory;
    me->busy = 0;
    pthread_cond_broadcast(&ws->idle);
  }
  pthread_mutex_unlock(&ws->lock);
  return NULL;
}

int kz_workers_new(kz_workers **out, const char *dir, const char *language, unsigned n) {
  kz_workers *ws = calloc(1, sizeof *ws);
  if (!ws || !(ws->w = calloc(n, sizeof *ws->w))) {
    free(ws);
    return KZ_ERR_NOMEM;
  }
  pthread_mutex_init(&ws->lock, NULL);
  pthread_cond_init(&ws->idle, NULL);
  ws->n = n;
  int rc = (ws->dir = strdup(dir)) ? KZ_OK : KZ_ERR_NOMEM;
  for (unsigned i = 0; i < n; i++) {
    worker *me = &ws->w[i];
    me->pool = ws;
    me->index = i;
    pthread_cond_init(&me->wake, NULL);
    if (!rc) rc = kz_builder_new(&me->builder, dir, language);
  }
  /* Signals go to the caller's threads, never to ours: a program's SIGINT
   * handler must be able to interrupt the reading thread. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  for (unsigned i = 0; i < n && !rc; i++) {
    if (pthread_create(&ws->w[i].thread, NULL, worker_main, &ws->w[i]) != 0)
      rc = KZ_ERR_NOMEM;
    else
      ws->w[i].started = 1;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc) {
    kz_workers_free(ws);
    return rc;
  }
  *out = ws;
  return KZ_OK;
}

void kz_workers_free(kz_workers *ws) {
  if (!ws) return;
  pthread_mutex_lock(&ws->lock);
  ws->stop = 1;
  ws->error = ws->error ? ws->error : KZ_ERR_INTERRUPTED; /* drop queued jobs */
  for (unsigned i = 0; i < ws->n; i++) pthread_cond_signal(&ws->w[i].wake);
  pthread_mutex_unlock(&ws->lock);
  for (unsigned i = 0; i < ws->n; i++) {
    worker *me = &ws->w[i];
    if (me->started) pthread_join(me->thread, NULL);
    kz_builder_free(me->builder); /* discards an unfinished segment */
    batch_free(&me->staged);
    pthread_cond_destroy(&me->wake);
  }
  /* Segments finished but never handed over are not committed: remove them. */
  for (size_t i = 0; i < ws->n_done; i++) kz_remove_segment_files(ws->dir, ws->done[i].id);
  pthread_cond_destroy(&ws->idle);
  pthread_mutex_destroy(&ws->lock);
  free(ws->done);
  free(ws->dir);
  free(ws->w);
  free(ws);
}

int kz_workers_stage(kz_workers *ws, unsigned t, const kz_document *doc) {
  kz_doc_batch *b = &ws->w[t].staged;
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    size_t(*o)[5] = realloc(b->offsets, cap * sizeof *o);
    if (!o) return KZ_ERR_NOMEM;
    b->offsets = o;
    size_t(*l)[5] = realloc(b->lengths, cap * sizeof *l);
    if (!l) return KZ_ERR_NOMEM;
    b->lengths = l;
    b->cap = cap;
  }
  const char *field[5] = {doc->id, doc->title, doc->body, doc->date, doc->url};
  size_t len[5] = {doc->id_len, doc->title_len, doc->body_len, doc->date_len, doc->url_len};
  for (int f = 0; f < 5; f++) {
    size_t n = field[f] ? len[f] : 0;
    b->offsets[b->n][f] = b->bytes.len;
    b->lengths[b->n][f] = n;
    if (kz_buf_append(&b->bytes, field[f], n)) return KZ_ERR_NOMEM;
  }
  b->n++;
  return KZ_OK;
}

size_t kz_workers_staged(const kz_workers *ws, unsigned t) { return ws->w[t].staged.n; }
size_t kz_workers_staged_bytes(const kz_workers *ws, unsigned t) { return ws->w[t].staged.bytes.len; }

size_t kz_workers_memory(const kz_workers *ws, unsigned t) {
  pthread_mutex_lock((pthread_mutex_t *)&ws->lock);
  size_t m = ws->w[t].memory;
  pthread_mutex_unlock((pthread_mutex_t *)&ws->lock);
  return m;
}

/* Appends a job to worker t's queue, waiting while it is full. Takes the job. */
static int enqueue(kz_workers *ws, unsigned t, job *j) {
  worker *me = &ws->w[t];
  pthread_mutex_lock(&ws->lock);
  while (me->queued >= MAX_QUEUED && !ws->error) pthread_cond_wait(&ws->idle, &ws->lock);
  int rc = ws->error;
  if (!rc) {
    j->next = NULL;
    if (me->tail)
      me->tail->next = j;
    else
      me->head = j;
    me->tail = j;
    me->queued++;
    pthread_cond_signal(&me->wake);
  }
  pthread_mutex_unlock(&ws->lock);
  if (rc) {
    batch_free(&j->batch);
    free(j);
  }
  return rc;
}

static int enqueue_kind(kz_workers *ws, unsigned t, job_kind kind, uint32_t segment_id) {
  job *j = calloc(1, sizeof *j);
  if (!j) return KZ_ERR_NOMEM;
  j->kind = kind;
  j->segment_id = segment_id;
  if (kind == JOB_DOCS) {
    j->batch = ws->w[t].staged;
    memset(&ws->w[t].staged, 0, sizeof ws->w[t].staged);
  }
  return enqueue(ws, t, j);
}

int kz_workers_begin(kz_workers *ws, unsigned t, uint32_t segment_id) {
  return enqueue_kind(ws, t, JOB_BEGIN, segment_id);
}

int kz_workers_flush_batch(kz_workers *ws, unsigned t) {
  return ws->w[t].staged.n ? enqueue_kind(ws, t, JOB_DOCS, 0) : KZ_OK;
}

int kz_workers_finish(kz_workers *ws, unsigned t) { return enqueue_kind(ws, t, JOB_FINISH, 0); }

static int by_id(const void *a, const void *b) {
  uint32_t x = ((const kz_segment_info *)a)->id, y = ((const kz_segment_info *)b)->id;
  return x < y ? -1 : x > y;
}

int kz_workers_wait(kz_workers *ws, kz_segment_info **infos, size_t *n, kz_error *err) {
  pthread_mutex_lock(&ws->lock);
  for (;;) {
    int pending = 0;
    for (unsigned i = 0; i < ws->n; i++) pending |= ws->w[i].queued > 0 || ws->w[i].busy;
    if (!pending) break;
    pthread_cond_wait(&ws->idle, &ws->lock);
  }
  int rc = ws->error;
  if (rc && err) *err = ws->err;
  *infos = ws->done;
  *n = ws->n_done;
  ws->done = NULL;
  ws->n_done = ws->cap_done = 0;
  pthread_mutex_unlock(&ws->lock);
  if (*n) qsort(*infos, *n, sizeof **infos, by_id);
  return rc;
}
