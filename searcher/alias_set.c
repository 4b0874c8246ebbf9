/*
 * alias_set.c - the index's alias table, summed over its segments (see
 * alias_set.h), and the public kz_index_aliases.
 */
#include "searcher/alias_set.h"

#include <stdlib.h>
#include <string.h>

#include "common/error.h"
#include "format/alias_table.h"
#include "searcher/index.h"

typedef struct raw {
  kz_alias_entry e;
  uint64_t docs;
} raw;

static int compare_span(const char *a, size_t al, const char *b, size_t bl) {
  int c = memcmp(a, b, al < bl ? al : bl);
  return c ? c : (al > bl) - (al < bl);
}

static int compare_raw(const void *x, const void *y) {
  const kz_alias_entry *a = &((const raw *)x)->e, *b = &((const raw *)y)->e;
  int c = compare_span(a->short_form, a->short_len, b->short_form, b->short_len);
  return c ? c : compare_span(a->long_form, a->long_len, b->long_form, b->long_len);
}

/* Every entry of every segment, unsorted. */
static int collect(raw **out, size_t *n_out, const char *dir, const kz_segment *segs, size_t n_segs,
                   kz_error *err) {
  raw *all = NULL;
  size_t n = 0, cap = 0;
  for (size_t s = 0; s < n_segs; s++) {
    const kz_mapped_file *f = &segs[s].file[KZ_SEGFILE_ALIASES];
    kz_alias_iter it;
    kz_alias_entry e;
    int rc = kz_alias_iter_init(&it, f->body, f->data ? f->body_size : 0, segs[s].info.doc_count);
    while (!rc && (rc = kz_alias_iter_next(&it, &e)) == 1) {
      rc = KZ_OK;
      if (n == cap) {
        cap = cap ? cap * 2 : 256;
        raw *r = realloc(all, cap * sizeof *r);
        if (!r) {
          free(all);
          return kz_error_set(err, KZ_ERR_NOMEM, "out of memory");
        }
        all = r;
      }
      all[n].e = e;
      all[n++].docs = e.docs;
    }
    if (rc < 0) {
      free(all);
      char name[64];
      kz_segment_file_name(name, sizeof name, segs[s].info.id, KZ_SEGFILE_ALIASES);
      return kz_error_set(err, rc, "%s/%s: the alias table is damaged", dir, name);
    }
  }
  *out = all;
  *n_out = n;
  return KZ_OK;
}

static int compare_long(const void *x, const void *y, const kz_alias *entries) {
  return strcmp(entries[*(const size_t *)x].long_form, entries[*(const size_t *)y].long_form);
}

static int capitals(const char *s) {
  int n = 0;
  for (; *s; s++) n += *s >= 'A' && *s <= 'Z';
  return n;
}

/* Marks the dominant long form of each short form (alias_set.h) and lists them by long form. */
static int mark_expanded(kz_alias_set *s) {
  s->by_long = malloc((s->n ? s->n : 1) * sizeof *s->by_long);
  if (!s->by_long) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < s->n;) {
    size_t j = i;
    uint64_t total = 0;
    while (j < s->n && !strcmp(s->entries[j].short_form, s->entries[i].short_form))
      total += s->entries[j++].docs;
    for (size_t k = i; k < j; k++) {
      kz_alias *a = &s->entries[k];
      a->expanded = a->docs >= KZ_ALIAS_MIN_DOCS && (double)a->docs >= KZ_ALIAS_MIN_SHARE * (double)total &&
                    capitals(a->short_form) >= KZ_ALIAS_MIN_CAPITALS && strchr(a->long_form, ' ');
      if (a->expanded) s->by_long[s->n_long++] = k;
    }
    i = j;
  }
  /* Insertion sort: few entries are expanded, and it needs no context pointer. */
  for (size_t i = 1; i < s->n_long; i++) {
    size_t v = s->by_long[i], j = i;
    while (j > 0 && compare_long(&s->by_long[j - 1], &v, s->entries) > 0) {
      s->by_long[j] = s->by_long[j - 1];
      j--;
    }
    s->by_long[j] = v;
  }
  return KZ_OK;
}

int kz_alias_set_build(kz_alias_set *s, const char *dir, const kz_segment *segs, size_t n_segs,
                       kz_error *err) {
  memset(s, 0, sizeof *s);
  raw *all = NULL;
  size_t n = 0;
  int rc = collect(&all, &n, dir, segs, n_segs, err);
  if (rc) return rc;
  if (n) qsort(all, n, sizeof *all, compare_raw);
  size_t distinct = 0;
  for (size_t i = 0; i < n; i++) {
    if (distinct && !compare_raw(&all[distinct - 1], &all[i])) {
      all[distinct - 1].docs += all[i].docs;
      continue;
    }
    all[distinct++] = all[i];
  }
  s->entries = calloc(distinct ? distinct : 1, sizeof *s->entries);
  size_t *offs = malloc((distinct ? distinct : 1) * 2 * sizeof *offs);
  rc = s->entries && offs ? KZ_OK : KZ_ERR_NOMEM;
  for (size_t i = 0; i < distinct && !rc; i++) {
    kz_buf *b = &s->strings;
    offs[2 * i] = b->len;
    if (kz_buf_append(b, all[i].e.short_form, all[i].e.short_len) || kz_buf_put_u8(b, 0)) rc = KZ_ERR_NOMEM;
    offs[2 * i + 1] = b->len;
    if (!rc && (kz_buf_append(b, all[i].e.long_form, all[i].e.long_len) || kz_buf_put_u8(b, 0)))
      rc = KZ_ERR_NOMEM;
  }
  for (size_t i = 0; i < distinct && !rc; i++) {
    kz_alias *a = &s->entries[i];
    a->short_form = (const char *)s->strings.data + offs[2 * i];
    a->long_form = (const char *)s->strings.data + offs[2 * i + 1];
    a->docs = all[i].docs;
  }
  s->n = distinct;
  free(offs);
  free(all);
  if (!rc) rc = mark_expanded(s);
  if (rc) {
    kz_alias_set_free(s);
    return kz_error_set(err, rc, "out of memory");
  }
  return KZ_OK;
}

const kz_alias *kz_alias_set_by_short(const kz_alias_set *s, const char *short_form, size_t len) {
  size_t lo = 0, hi = s->n;
  while (lo < hi) { /* the first entry whose short form is not below */
    size_t mid = lo + (hi - lo) / 2;
    const char *e = s->entries[mid].short_form;
    if (compare_span(e, strlen(e), short_form, len) < 0) lo = mid + 1;
    else hi = mid;
  }
  for (; lo < s->n; lo++) {
    const kz_alias *a = &s->entries[lo];
    if (compare_span(a->short_form, strlen(a->short_form), short_form, len)) break;
    if (a->expanded) return a;
  }
  return NULL;
}

const kz_alias *kz_alias_set_by_long(const kz_alias_set *s, const char *long_form, size_t len) {
  size_t lo = 0, hi = s->n_long;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *e = s->entries[s->by_long[mid]].long_form;
    int c = compare_span(e, strlen(e), long_form, len);
    if (!c) return &s->entries[s->by_long[mid]];
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return NULL;
}

void kz_alias_set_free(kz_alias_set *s) {
  free(s->entries);
  free(s->by_long);
  kz_buf_free(&s->strings);
  memset(s, 0, sizeof *s);
}

int kz_index_aliases(kz_index *idx, kz_alias_fn fn, void *ctx, kz_error *err) {
  (void)err;
  for (size_t i = 0; i < idx->aliases.n; i++)
    if (fn(ctx, &idx->aliases.entries[i])) break;
  return KZ_OK;
}
