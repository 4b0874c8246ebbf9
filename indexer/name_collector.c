/*
 * name_collector.c - the terms written as names in one segment being
 * built, with their spelling keys (see name_collector.h).
 *
 * The terms seen go into a string set (common/str_table.c), those without
 * a key too, so that they are not keyed again; what is known of term i (its
 * key, whether it is an English word) is entries[i], the keys' bytes back to
 * back in `keys`, addressed by offsets because the buffer moves as it grows.
 */
#include "indexer/name_collector.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/english_words.h"
#include "analysis/name_key.h"
#include "common/buf.h"
#include "common/str_table.h"
#include "format/name_table.h"
#include "kzsearch.h"

typedef struct entry {
  size_t key_off;  /* into keys */
  uint8_t key_len; /* 0: the term has no key */
  uint8_t english;
} entry;

struct kz_name_collector {
  kz_name_keyer *keyer;
  kz_english_words *words; /* read at the first keyed term: a segment without names needs none */
  char *language;          /* NULL: english */
  kz_str_table terms;
  entry *entries; /* one per term, by its number in `terms` */
  size_t cap_entries, with_key;
  kz_buf keys;
};

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
  kz_str_table_free(&c->terms);
  free(c->entries);
  kz_buf_free(&c->keys);
  free(c);
}

void kz_name_collector_reset(kz_name_collector *c) {
  kz_str_table_clear(&c->terms);
  c->with_key = 0;
  kz_buf_clear(&c->keys);
}

size_t kz_name_collector_memory(const kz_name_collector *c) {
  return kz_str_table_memory(&c->terms) + c->cap_entries * sizeof *c->entries + c->keys.cap;
}

int kz_name_collector_add(kz_name_collector *c, const char *term, size_t len) {
  if (len == 0 || len > 255) return KZ_OK; /* the analyzer makes no such term */
  size_t n = kz_str_table_count(&c->terms);
  if (n == c->cap_entries) { /* room for the entry first, so that a new term always has one */
    size_t cap = c->cap_entries ? 2 * c->cap_entries : 512;
    entry *e = realloc(c->entries, cap * sizeof *e);
    if (!e) return KZ_ERR_NOMEM;
    c->entries = e;
    c->cap_entries = cap;
  }
  uint32_t id;
  int added, rc = kz_str_table_put(&c->terms, term, len, &id, &added);
  if (rc || !added) return rc;
  /* Until it is keyed the term has no key: a failure below leaves it so, and the segment fails. */
  c->entries[id] = (entry){0, 0, 0};
  char key[KZ_NAME_KEY_MAX + 1];
  size_t key_len = 0;
  rc = kz_name_key(c->keyer, term, len, key, &key_len);
  if (rc < 0) return rc;
  if (rc == 0) key_len = 0;
  if (key_len && !c->words && (rc = load_words(c))) return rc;
  if (kz_buf_append(&c->keys, key, key_len)) return KZ_ERR_NOMEM;
  c->entries[id] = (entry){c->keys.len - key_len, (uint8_t)key_len,
                           (uint8_t)(key_len && kz_english_words_has(c->words, term, len))};
  c->with_key += key_len > 0;
  return KZ_OK;
}

int kz_name_collector_write(kz_name_collector *c, const char *dir, uint32_t id, uint64_t *bytes) {
  kz_name_entry *e = malloc((c->with_key ? c->with_key : 1) * sizeof *e);
  if (!e) return KZ_ERR_NOMEM;
  size_t n = 0;
  const char *keys = (const char *)c->keys.data;
  for (uint32_t i = 0; i < kz_str_table_count(&c->terms); i++) {
    const entry *s = &c->entries[i];
    size_t term_len;
    const char *term = kz_str_table_key(&c->terms, i, &term_len);
    if (s->key_len)
      e[n++] = (kz_name_entry){keys + s->key_off, term, s->key_len, term_len, s->english};
  }
  int rc = kz_name_table_write(dir, id, e, n, bytes);
  free(e);
  return rc;
}
