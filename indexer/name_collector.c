/*
 * name_collector.c - the terms written as names in one segment being
 * built, with their spelling keys (see name_collector.h).
 *
 * An open-addressing set over the terms seen (those without a key too, so
 * that they are not keyed again); the bytes of terms and keys live in one
 * arena, addressed by offsets because the arena moves as it grows.
 */
#include "indexer/name_collector.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/english_words.h"
#include "analysis/name_key.h"
#include "common/buf.h"
#include "format/name_table.h"
#include "kzsearch.h"

typedef struct slot {
  size_t term_off, key_off; /* into arena */
  uint8_t term_len, key_len; /* key_len 0: the term has no key */
  uint8_t used, english;
} slot;

struct kz_name_collector {
  kz_name_keyer *keyer;
  kz_english_words *words; /* read at the first keyed term: a segment without names needs none */
  char *language;          /* NULL: english */
  slot *slots;
  size_t cap, n, with_key;
  kz_buf arena;
};

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a: terms are short */
  for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
  return h;
}

int kz_name_collector_new(kz_name_collector **out, const char *language) {
  kz_name_collector *c = calloc(1, sizeof *c);
  if (!c) return KZ_ERR_NOMEM;
  int rc = kz_name_keyer_new(&c->keyer, language);
  if (rc) {
    free(c);
    return rc;
  }
  if (language && !(c->language = strdup(language))) {
    kz_name_collector_free(c);
    return KZ_ERR_NOMEM;
  }
  *out = c;
  return KZ_OK;
}

/*
 * The English word list, for an English index only (other languages'
 * names are not told apart by it); read once per collector, which a
 * builder keeps for all its segments.
 */
static int load_words(kz_name_collector *c) {
  const char *l = c->language;
  if (l && strcmp(l, "english") && strcmp(l, "en") && strcmp(l, "porter"))
    return kz_english_words_load(&c->words, NULL, "none");
  return kz_english_words_load(&c->words, KZ_ENGLISH_WORDS_PATH, l ? l : "english");
}

void kz_name_collector_free(kz_name_collector *c) {
  if (!c) return;
  kz_name_keyer_free(c->keyer);
  kz_english_words_free(c->words);
  free(c->language);
  free(c->slots);
  kz_buf_free(&c->arena);
  free(c);
}

void kz_name_collector_reset(kz_name_collector *c) {
  if (c->slots) memset(c->slots, 0, c->cap * sizeof *c->slots);
  c->n = c->with_key = 0;
  kz_buf_clear(&c->arena);
}

size_t kz_name_collector_memory(const kz_name_collector *c) {
  return c->cap * sizeof *c->slots + c->arena.cap;
}

static slot *find(slot *slots, size_t cap, const char *arena, const char *term, size_t len) {
  size_t i = hash_bytes(term, len) & (cap - 1);
  while (slots[i].used &&
         !(slots[i].term_len == len && memcmp(arena + slots[i].term_off, term, len) == 0))
    i = (i + 1) & (cap - 1);
  return &slots[i];
}

static int grow(kz_name_collector *c) {
  size_t cap = c->cap ? 2 * c->cap : 1024;
  slot *s = calloc(cap, sizeof *s);
  if (!s) return KZ_ERR_NOMEM;
  const char *arena = (const char *)c->arena.data;
  for (size_t i = 0; i < c->cap; i++)
    if (c->slots[i].used)
      *find(s, cap, arena, arena + c->slots[i].term_off, c->slots[i].term_len) = c->slots[i];
  free(c->slots);
  c->slots = s;
  c->cap = cap;
  return KZ_OK;
}

int kz_name_collector_add(kz_name_collector *c, const char *term, size_t len) {
  if (len == 0 || len > 255) return KZ_OK; /* the analyzer makes no such term */
  if (2 * (c->n + 1) > c->cap && grow(c)) return KZ_ERR_NOMEM;
  slot *s = find(c->slots, c->cap, (const char *)c->arena.data, term, len);
  if (s->used) return KZ_OK;
  char key[KZ_NAME_KEY_MAX + 1];
  size_t key_len = 0;
  int rc = kz_name_key(c->keyer, term, len, key, &key_len);
  if (rc < 0) return rc;
  if (rc == 0) key_len = 0;
  if (key_len && !c->words && (rc = load_words(c))) return rc;
  slot fresh = {c->arena.len, c->arena.len + len, (uint8_t)len, (uint8_t)key_len, 1,
                (uint8_t)(key_len && kz_english_words_has(c->words, term, len))};
  if (kz_buf_append(&c->arena, term, len) || kz_buf_append(&c->arena, key, key_len))
    return KZ_ERR_NOMEM;
  *s = fresh;
  c->n++;
  c->with_key += key_len > 0;
  return KZ_OK;
}

int kz_name_collector_write(kz_name_collector *c, const char *dir, uint32_t id, uint64_t *bytes) {
  kz_name_entry *e = malloc((c->with_key ? c->with_key : 1) * sizeof *e);
  if (!e) return KZ_ERR_NOMEM;
  size_t n = 0;
  const char *arena = (const char *)c->arena.data;
  for (size_t i = 0; i < c->cap; i++) {
    const slot *s = &c->slots[i];
    if (s->used && s->key_len)
      e[n++] = (kz_name_entry){arena + s->key_off, arena + s->term_off, s->key_len, s->term_len,
                               s->english};
  }
  int rc = kz_name_table_write(dir, id, e, n, bytes);
  free(e);
  return rc;
}
