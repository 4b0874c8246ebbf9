/*
 * term_enum.c - the k-way merge of segment dictionaries (see term_enum.h).
 *
 * Each segment has a dictionary iterator positioned on its next key not yet
 * returned; those iterators sit in a binary min-heap ordered by (key,
 * segment index), so the entries of one key leave the heap in segment order.
 * The iterators of the segments just returned move on lazily, at the next
 * call, so that what next returned stays valid until then.
 */
#include "format/term_enum.h"

#include <stdlib.h>
#include <string.h>

#include "format/segment_format.h"
#include "kzsearch.h"

struct kz_term_enum {
  const kz_segment *segs;
  size_t n;
  kz_dict_iter *its;      /* one per segment */
  size_t *heap;           /* segments whose iterator holds a key not yet returned */
  size_t heap_n;
  kz_term_match *matches; /* the current key's entries */
  size_t n_matches;
  int positioned;         /* a seek happened (new leaves it to the first next) */
  int advance;            /* the matched segments' iterators must move on first */
  int error;              /* sticky until the next seek */
};

static int compare_keys(const char *a, size_t an, const char *b, size_t bn) {
  int c = memcmp(a, b, an < bn ? an : bn);
  if (c) return c;
  return an < bn ? -1 : an > bn;
}

static int before(const kz_term_enum *e, size_t a, size_t b) {
  int c = compare_keys(e->its[a].key, e->its[a].key_len, e->its[b].key, e->its[b].key_len);
  return c < 0 || (c == 0 && a < b);
}

static void push(kz_term_enum *e, size_t seg) {
  size_t i = e->heap_n++;
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!before(e, seg, e->heap[parent])) break;
    e->heap[i] = e->heap[parent];
    i = parent;
  }
  e->heap[i] = seg;
}

static void pop(kz_term_enum *e) {
  size_t last = e->heap[--e->heap_n], i = 0;
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= e->heap_n) break;
    if (child + 1 < e->heap_n && before(e, e->heap[child + 1], e->heap[child])) child++;
    if (!before(e, e->heap[child], last)) break;
    e->heap[i] = e->heap[child];
    i = child;
  }
  if (e->heap_n) e->heap[i] = last;
}

int kz_term_enum_new(kz_term_enum **out, const kz_segment *segs, size_t n) {
  kz_term_enum *e = calloc(1, sizeof *e);
  if (!e) return KZ_ERR_NOMEM;
  e->segs = segs;
  e->n = n;
  e->its = calloc(n ? n : 1, sizeof *e->its);
  e->heap = calloc(n ? n : 1, sizeof *e->heap);
  e->matches = calloc(n ? n : 1, sizeof *e->matches);
  if (!e->its || !e->heap || !e->matches) {
    kz_term_enum_free(e);
    return KZ_ERR_NOMEM;
  }
  for (size_t i = 0; i < n; i++) kz_dict_iter_init(&e->its[i], &segs[i]);
  *out = e;
  return KZ_OK;
}

void kz_term_enum_free(kz_term_enum *e) {
  if (!e) return;
  free(e->its);
  free(e->heap);
  free(e->matches);
  free(e);
}

int kz_term_enum_seek(kz_term_enum *e, const char *key, size_t key_len) {
  e->heap_n = 0;
  e->n_matches = 0;
  e->advance = 0;
  e->error = KZ_OK;
  e->positioned = 1;
  for (size_t i = 0; i < e->n; i++) {
    int rc = kz_dict_iter_seek(&e->its[i], key, key_len);
    if (rc < 0) {
      e->heap_n = 0;
      return e->error = rc;
    }
    if (rc == 1) push(e, i);
  }
  return KZ_OK;
}

int kz_term_enum_next(kz_term_enum *e, const char **key, size_t *key_len,
                      const kz_term_match **matches, size_t *n_matches) {
  if (!e->positioned && kz_term_enum_seek(e, "", 0)) return e->error;
  if (e->error) return e->error;
  if (e->advance) {
    for (size_t m = 0; m < e->n_matches; m++) {
      size_t seg = e->matches[m].segment;
      int rc = kz_dict_iter_next(&e->its[seg]);
      if (rc < 0) {
        e->heap_n = 0;
        return e->error = rc;
      }
      if (rc == 1) push(e, seg);
    }
    e->advance = 0;
  }
  e->n_matches = 0;
  if (e->heap_n == 0) return 0;
  /*
   * The key is lent from the first matching segment's iterator, not copied:
   * that iterator moves on only at the next call (the fuzzy scan reads tens
   * of thousands of keys per word, and the copy and compare were a fifth of it).
   */
  const kz_dict_iter *top = &e->its[e->heap[0]];
  do {
    size_t seg = e->heap[0];
    const kz_dict_iter *it = &e->its[seg];
    if (e->n_matches && (it->key_len != top->key_len || memcmp(it->key, top->key, top->key_len)))
      break;
    e->matches[e->n_matches].segment = seg;
    e->matches[e->n_matches].info = it->info;
    e->n_matches++;
    pop(e);
  } while (e->heap_n);
  e->advance = 1;
  *key = top->key;
  *key_len = top->key_len;
  *matches = e->matches;
  *n_matches = e->n_matches;
  return 1;
}
