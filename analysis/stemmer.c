/*
 * stemmer.c - libstemmer wrapper with a bounded term -> stem cache (see
 * stemmer.h). The only file that includes libstemmer.h.
 *
 * Cache layout: `arena` holds "term\0stem\0" records back to back; `slots` is
 * a power-of-two open-addressing table (linear probing, load <= 1/2) whose
 * slots point into the arena. key_len == 0 marks an empty slot (empty terms
 * are never cached). Nothing is ever deleted: when the entry count or the
 * arena would pass its budget, both are emptied at once, so the table never
 * needs tombstones and a pointer handed out stays valid until the next call.
 */
#include "analysis/stemmer.h"

#include <limits.h>
#include <libstemmer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/checksum.h"
#include "analysis/fold.h"
#include "kzsearch.h"

/* Terms and stems longer than this bypass the cache (slot lengths are bytes). */
#define MAX_CACHED_BYTES 255u
/* Arena budget per entry: English words average well under 16 bytes each way. */
#define ARENA_BYTES_PER_ENTRY 32u
#define MIN_ARENA_BYTES 1024u
#define MAX_CACHE_ENTRIES (1u << 24)

/* Not common/str_table.c: a bounded cache, emptied whole at its budget, never grown. */
typedef struct slot {
  uint32_t hash;
  uint32_t off; /* of the term in the arena; the stem follows its NUL */
  uint8_t key_len;
  uint8_t val_len;
} slot;

struct kz_stemmer {
  struct sb_stemmer *sb;
  size_t max_entries; /* 0 = no cache */
  size_t n_entries;
  slot *slots; /* allocated at the first miss */
  size_t mask;
  kz_buf arena;   /* limit = its byte budget */
  kz_buf scratch; /* uncached results, NUL-terminated */
};

static int known_language(const char *language) {
  for (const char **l = sb_stemmer_list(); *l; l++)
    if (strcmp(*l, language) == 0) return 1;
  return 0;
}

void kz_stemmer_languages(char *buf, size_t cap) {
  size_t used = 0;
  if (!cap) return;
  buf[0] = '\0';
  for (const char **l = sb_stemmer_list(); *l; l++) {
    int n = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", *l);
    if (n < 0 || (size_t)n >= cap - used) break; /* a cut list ends at the last whole name */
    used += (size_t)n;
  }
  buf[used] = '\0';
}

int kz_stemmer_new(kz_stemmer **out, const char *language, size_t max_cache_entries) {
  *out = NULL;
  if (!language || !*language) return KZ_ERR_INVALID;
  kz_stemmer *s = calloc(1, sizeof *s);
  if (!s) return KZ_ERR_NOMEM;
  s->sb = sb_stemmer_new(language, "UTF_8");
  if (!s->sb) {
    free(s);
    /* libstemmer says NULL for both; only a canonical name tells them apart. */
    return known_language(language) ? KZ_ERR_NOMEM : KZ_ERR_INVALID;
  }
  /* Keeps arena offsets within 32 bits. */
  if (max_cache_entries > MAX_CACHE_ENTRIES) max_cache_entries = MAX_CACHE_ENTRIES;
  s->max_entries = max_cache_entries;
  if (max_cache_entries) {
    size_t cap = 2;
    while (cap < 2 * max_cache_entries) cap *= 2;
    s->mask = cap - 1;
    size_t arena = max_cache_entries * ARENA_BYTES_PER_ENTRY;
    s->arena.limit = arena < MIN_ARENA_BYTES ? MIN_ARENA_BYTES : arena;
  }
  *out = s;
  return KZ_OK;
}

void kz_stemmer_free(kz_stemmer *s) {
  if (!s) return;
  sb_stemmer_delete(s->sb);
  free(s->slots);
  kz_buf_free(&s->arena);
  kz_buf_free(&s->scratch);
  free(s);
}

static int valid_term(const uint8_t *p, size_t n) {
  const uint8_t *end = p + n;
  while (p < end) {
    int32_t cp;
    size_t len = kz_fold_decode(p, end, &cp);
    if (!len || cp == 0) return 0;
    p += len;
  }
  return 1;
}

/* Runs libstemmer; *stem is borrowed (libstemmer's buffer or `term`). */
static int run(kz_stemmer *s, const char *term, size_t n, const uint8_t **stem, size_t *len) {
  if (n > INT_MAX) {
    *stem = (const uint8_t *)term;
    *len = n;
    return KZ_OK;
  }
  const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)term, (int)n);
  if (!r) return KZ_ERR_NOMEM;
  int rl = sb_stemmer_length(s->sb);
  if (rl <= 0 || !valid_term(r, (size_t)rl)) {
    *stem = (const uint8_t *)term;
    *len = n;
  } else {
    *stem = r;
    *len = (size_t)rl;
  }
  return KZ_OK;
}

static int stem_uncached(kz_stemmer *s, const char *term, size_t n, const char **out,
                         size_t *out_len) {
  const uint8_t *stem;
  size_t len;
  int rc = run(s, term, n, &stem, &len);
  if (rc) return rc;
  kz_buf_clear(&s->scratch);
  rc = kz_buf_append_cstr(&s->scratch, (const char *)stem, len);
  if (rc) return rc;
  *out = (const char *)s->scratch.data;
  *out_len = len;
  return KZ_OK;
}

static void cache_reset(kz_stemmer *s) {
  memset(s->slots, 0, (s->mask + 1) * sizeof *s->slots);
  s->n_entries = 0;
  kz_buf_clear(&s->arena);
}

int kz_stemmer_stem(kz_stemmer *s, const char *term, size_t n, const char **out, size_t *out_len) {
  if (!s->max_entries || n == 0 || n > MAX_CACHED_BYTES)
    return stem_uncached(s, term, n, out, out_len);

  uint32_t h = (uint32_t)kz_hash_bytes(term, n);
  size_t i = h & s->mask;
  if (s->slots) {
    for (; s->slots[i].key_len; i = (i + 1) & s->mask) {
      const slot *e = &s->slots[i];
      const uint8_t *key = s->arena.data + e->off;
      if (e->hash == h && e->key_len == n && memcmp(key, term, n) == 0) {
        *out = (const char *)key + n + 1;
        *out_len = e->val_len;
        return KZ_OK;
      }
    }
  } else {
    s->slots = calloc(s->mask + 1, sizeof *s->slots);
    if (!s->slots) return KZ_ERR_NOMEM;
  }

  const uint8_t *stem;
  size_t len;
  int rc = run(s, term, n, &stem, &len);
  if (rc) return rc;
  if (len > MAX_CACHED_BYTES) return stem_uncached(s, term, n, out, out_len);

  size_t need = n + 1 + len + 1;
  if (s->n_entries >= s->max_entries || need > s->arena.limit - s->arena.len) {
    cache_reset(s);
    i = h & s->mask;
  }
  rc = kz_buf_reserve(&s->arena, need);
  if (rc) return rc == KZ_ERR_LIMIT ? stem_uncached(s, term, n, out, out_len) : rc;

  size_t off = s->arena.len;
  uint8_t *rec = s->arena.data + off;
  memcpy(rec, term, n);
  rec[n] = 0;
  memcpy(rec + n + 1, stem, len);
  rec[n + 1 + len] = 0;
  s->arena.len += need;
  s->slots[i] = (slot){h, (uint32_t)off, (uint8_t)n, (uint8_t)len};
  s->n_entries++;
  *out = (const char *)rec + n + 1;
  *out_len = len;
  return KZ_OK;
}
