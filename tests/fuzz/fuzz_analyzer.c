/*
 * fuzz_analyzer.c - the analysis pipeline (analysis/analyzer.h) on arbitrary
 * bytes as text.
 *
 * Properties, for every token of every pass: the term is 1..KZ_MAX_TOKEN_BYTES
 * bytes of valid UTF-8 (no overlong forms, surrogates or values above
 * U+10FFFF) without NUL, and NUL-terminated; start < end <= size, and tokens
 * do not overlap; positions are 0, 1, 2, ... Across passes over the same
 * text (oracles for one another):
 *   - stemmed and unstemmed tokens have the same positions and byte ranges
 *     (stemming changes terms only);
 *   - the English analyzer with its stem cache and one without produce the
 *     same terms (the cache never returns a stale or wrong stem);
 *   - a second pass of the cached analyzer over the same text (cache now
 *     warm) produces the same terms again.
 * One more language, picked by the first byte, runs with the plain checks so
 * that other Snowball stemmers see odd input too.
 *
 * The analyzers are created once per process and kept in statics: creating
 * a stemmer per input would cost more than analyzing it, and the stem cache
 * is more interesting when it has seen many inputs. (Harness state only; the
 * library itself keeps none.)
 */
#include <string.h>

#include "analysis/analyzer.h"
#include "common/limits.h"
#include "fuzz.h"
#include "kzsearch.h"

/* Inputs past this are cut: long texts add time, not new tokenizer states. */
#define MAX_INPUT_BYTES (64u << 10)

/* One token as kept for comparing passes; its term is at terms[term_off]. */
typedef struct tok_copy {
  uint32_t position;
  size_t start, end;
  size_t term_off, term_len;
} tok_copy;

/* Every token of one pass, in growable arrays (n == SIZE_MAX: pass cut short). */
typedef struct pass {
  tok_copy *toks;
  size_t n, cap;
  char *terms;
  size_t terms_len, terms_cap;
} pass;

#define PASS_INIT {NULL, 0, 0, NULL, 0, 0}

static void *grow(void *p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return p;
  size_t c = *cap ? *cap : 64;
  while (c < need) c *= 2;
  void *q = realloc(p, c * elem);
  if (!q) abort();
  *cap = c;
  return q;
}

static void keep(pass *out, const kz_token *t) {
  out->toks = grow(out->toks, &out->cap, out->n + 1, sizeof *out->toks);
  out->terms = grow(out->terms, &out->terms_cap, out->terms_len + t->term_len, 1);
  tok_copy *c = &out->toks[out->n++];
  c->position = t->position;
  c->start = t->start;
  c->end = t->end;
  c->term_off = out->terms_len;
  c->term_len = t->term_len;
  memcpy(out->terms + out->terms_len, t->term, t->term_len);
  out->terms_len += t->term_len;
}

static const char *const other_languages[] = {"french", "german", "russian", "finnish",
                                              "dutch",  "arabic", "none",    "turkish"};
#define N_OTHER (sizeof other_languages / sizeof other_languages[0])

/* Strict UTF-8 check (RFC 3629), NUL rejected. */
static int valid_utf8_no_nul(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    if (c == 0) return 0;
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len;
    uint32_t cp, min;
    if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1f, min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0f, min = 0x800;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      return 0;
    }
    if (n - i < len) return 0;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    i += len;
  }
  return 1;
}

static void check_token(const kz_token *t, uint32_t want_position, size_t prev_end, size_t size) {
  FUZZ_REQUIRE(t->term != NULL);
  FUZZ_REQUIRE(t->term_len >= 1 && t->term_len <= KZ_MAX_TOKEN_BYTES);
  FUZZ_REQUIRE(t->term[t->term_len] == 0);
  FUZZ_REQUIRE(valid_utf8_no_nul((const uint8_t *)t->term, t->term_len));
  FUZZ_REQUIRE(t->start < t->end && t->end <= size);
  FUZZ_REQUIRE(t->start >= prev_end);
  FUZZ_REQUIRE(t->position == want_position);
}

/*
 * Runs one pass of `a` over text, checking every token, and records the
 * tokens in *out when it is non-NULL. A stemmer may fail only for lack of
 * memory, which ends the pass early (then *out is marked unusable: n = SIZE_MAX).
 */
static void run_pass(kz_analyzer *a, int stemmed, const char *text, size_t size, pass *out) {
  kz_analyzer_reset(a, text, size);
  kz_token t;
  uint32_t position = 0;
  size_t prev_end = 0, n = 0;
  for (;;) {
    int rc = stemmed ? kz_analyzer_next(a, &t) : kz_analyzer_next_unstemmed(a, &t);
    if (rc == 0) break;
    if (rc < 0) {
      FUZZ_REQUIRE(rc == KZ_ERR_NOMEM);
      if (out) out->n = SIZE_MAX;
      return;
    }
    FUZZ_REQUIRE(rc == 1);
    check_token(&t, position, prev_end, size);
    FUZZ_REQUIRE(n < size); /* each token takes at least one input byte */
    if (out) keep(out, &t);
    n++;
    position++;
    prev_end = t.end;
  }
}

static void same_ranges(const pass *x, const pass *y) {
  if (x->n == SIZE_MAX || y->n == SIZE_MAX) return;
  FUZZ_REQUIRE(x->n == y->n);
  for (size_t i = 0; i < x->n; i++) {
    FUZZ_REQUIRE(x->toks[i].position == y->toks[i].position);
    FUZZ_REQUIRE(x->toks[i].start == y->toks[i].start);
    FUZZ_REQUIRE(x->toks[i].end == y->toks[i].end);
  }
}

static void same_terms(const pass *x, const pass *y) {
  if (x->n == SIZE_MAX || y->n == SIZE_MAX) return;
  same_ranges(x, y);
  for (size_t i = 0; i < x->n; i++) {
    FUZZ_REQUIRE(x->toks[i].term_len == y->toks[i].term_len);
    FUZZ_REQUIRE(memcmp(x->terms + x->toks[i].term_off, y->terms + y->toks[i].term_off,
                        x->toks[i].term_len) == 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static kz_analyzer *cached, *uncached, *other[N_OTHER];
  if (!cached) {
    if (kz_analyzer_new(&cached, "english") != KZ_OK) abort();
    if (kz_analyzer_new_cached(&uncached, "english", 0) != KZ_OK) abort();
  }
  if (size > MAX_INPUT_BYTES) size = MAX_INPUT_BYTES;
  const char *text = (const char *)data;

  pass p[4] = {PASS_INIT, PASS_INIT, PASS_INIT, PASS_INIT};
  run_pass(cached, 1, text, size, &p[0]);
  run_pass(cached, 0, text, size, &p[1]);
  run_pass(uncached, 1, text, size, &p[2]);
  run_pass(cached, 1, text, size, &p[3]);
  same_ranges(&p[0], &p[1]);
  same_terms(&p[0], &p[2]);
  same_terms(&p[0], &p[3]);
  for (size_t i = 0; i < 4; i++) {
    free(p[i].toks);
    free(p[i].terms);
  }

  if (size > 0) {
    size_t which = data[0] % N_OTHER;
    if (!other[which] && kz_analyzer_new(&other[which], other_languages[which]) != KZ_OK) abort();
    run_pass(other[which], 1, text, size, NULL);
  }
  return 0;
}
