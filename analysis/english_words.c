/*
 * english_words.c - the stemmed English word list of the names rule (see
 * english_words.h): an open-addressing set of stems whose bytes live in
 * one arena, addressed by offsets because the arena moves as it grows.
 */
#include "analysis/english_words.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/stemmer.h"
#include "common/buf.h"
#include "kzsearch.h"

/* The longest word of the list that is kept; longer lines are no name anyway. */
#define KZ_ENGLISH_WORD_MAX 64
/* The first sizes of the set, enough for wamerican; a larger list grows them. */
#define KZ_ENGLISH_SLOTS (1u << 18)
#define KZ_ENGLISH_ARENA_BYTES (1u << 20)

typedef struct word_slot {
  uint32_t off; /* into arena, + 1; 0: empty */
  uint32_t len;
} word_slot;

struct kz_english_words {
  word_slot *slots;
  size_t cap, n;
  kz_buf arena;
};

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a: words are short */
  for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
  return h;
}

static word_slot *find(word_slot *slots, size_t cap, const uint8_t *arena, const char *s,
                       size_t n) {
  size_t i = hash_bytes(s, n) & (cap - 1);
  while (slots[i].off &&
         !(slots[i].len == n && memcmp(arena + slots[i].off - 1, s, n) == 0))
    i = (i + 1) & (cap - 1);
  return &slots[i];
}

static int grow(kz_english_words *w) {
  size_t cap = w->cap ? 2 * w->cap : 1u << 16;
  word_slot *s = calloc(cap, sizeof *s);
  if (!s) return KZ_ERR_NOMEM;
  for (size_t i = 0; i < w->cap; i++)
    if (w->slots[i].off)
      *find(s, cap, w->arena.data, (const char *)w->arena.data + w->slots[i].off - 1,
            w->slots[i].len) = w->slots[i];
  free(w->slots);
  w->slots = s;
  w->cap = cap;
  return KZ_OK;
}

static int add(kz_english_words *w, const char *s, size_t n) {
  if (2 * (w->n + 1) > w->cap && grow(w)) return KZ_ERR_NOMEM;
  word_slot *slot = find(w->slots, w->cap, w->arena.data, s, n);
  if (slot->off) return KZ_OK;
  if (w->arena.len >= UINT32_MAX - n) return KZ_ERR_LIMIT;
  word_slot fresh = {(uint32_t)w->arena.len + 1, (uint32_t)n};
  if (kz_buf_append(&w->arena, s, n)) return KZ_ERR_NOMEM;
  *slot = fresh;
  w->n++;
  return KZ_OK;
}

/* The line lower-cased into out; 0 when it holds anything but ASCII letters. */
static size_t plain_word(const char *line, char *out) {
  size_t n = 0;
  for (; line[n] && line[n] != '\n'; n++) {
    char c = line[n];
    if (n == KZ_ENGLISH_WORD_MAX) return 0;
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c < 'a' || c > 'z') return 0;
    out[n] = c;
  }
  return n;
}

int kz_english_words_load(kz_english_words **out, const char *path, const char *language) {
  kz_english_words *w = calloc(1, sizeof *w);
  if (!w) return KZ_ERR_NOMEM;
  kz_stemmer *stemmer = NULL;
  int rc = language && strcmp(language, "none") ? kz_stemmer_new(&stemmer, language, 0) : KZ_OK;
  FILE *f = rc || !path ? NULL : fopen(path, "r");
  if (!rc && path && !f && errno != ENOENT && errno != ENOTDIR) rc = KZ_ERR_IO;
  /* Room for wamerican (73k words, 0.7 MB) at once: two allocations, no rehashing. */
  if (!rc && f && (kz_buf_reserve(&w->arena, KZ_ENGLISH_ARENA_BYTES) ||
                   !(w->slots = calloc(KZ_ENGLISH_SLOTS, sizeof *w->slots))))
    rc = KZ_ERR_NOMEM;
  if (w->slots) w->cap = KZ_ENGLISH_SLOTS;
  char line[256], word[KZ_ENGLISH_WORD_MAX + 1];
  while (!rc && f && fgets(line, sizeof line, f)) {
    size_t n = plain_word(line, word);
    if (!n) continue;
    const char *stem = word;
    if (stemmer) rc = kz_stemmer_stem(stemmer, word, n, &stem, &n);
    if (!rc) rc = add(w, stem, n);
  }
  if (!rc && f && ferror(f)) rc = KZ_ERR_IO;
  if (f) fclose(f);
  kz_stemmer_free(stemmer);
  if (rc) {
    kz_english_words_free(w);
    return rc;
  }
  *out = w;
  return KZ_OK;
}

void kz_english_words_free(kz_english_words *w) {
  if (!w) return;
  free(w->slots);
  kz_buf_free(&w->arena);
  free(w);
}

int kz_english_words_has(const kz_english_words *w, const char *term, size_t len) {
  if (!w || !w->n) return 0;
  return find(w->slots, w->cap, w->arena.data, term, len)->off != 0;
}

size_t kz_english_words_size(const kz_english_words *w) { return w ? w->n : 0; }
