/*
 * acronym_finder.h - finds acronym definitions in raw text, after the
 * algorithm of Schwartz & Hearst (PSB 2003): "Long Form (SF)" and, with at
 * least two words inside the parentheses, "SF (Long Form)". The long form
 * is the shortest run of words before (or inside) the parentheses whose
 * letters, read right to left, hold every letter and digit of the short form
 * in order, the first one at the start of a word. The rules that add to the
 * paper's are listed in acronym_finder.c and docs/ACRONYMS.md.
 *
 * A finder owns the pairs of the last text it read (their strings live in its
 * buffer) and is not thread-safe. Work is linear in the text: every closing
 * parenthesis looks back at most KZ_ACRONYM_WINDOW_BYTES, and nesting deeper
 * than KZ_ACRONYM_MAX_DEPTH is only counted.
 */
#ifndef KZ_ACRONYM_FINDER_H
#define KZ_ACRONYM_FINDER_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* A short form has 2..KZ_ACRONYM_MAX_SHORT_BYTES bytes, at most 10 letters and digits. */
#define KZ_ACRONYM_MAX_SHORT_BYTES 16u
#define KZ_ACRONYM_MAX_LONG_BYTES 200u
/* How far before a parenthesis a long form may start. */
#define KZ_ACRONYM_WINDOW_BYTES 400u
#define KZ_ACRONYM_MAX_DEPTH 32u
/* Pairs kept per text; the rest are dropped. */
#define KZ_ACRONYM_MAX_PAIRS 4096u

typedef struct kz_acronym_pair {
  const char *short_form; /* as written, NUL-terminated */
  const char *long_form;  /* as written, runs of white space made one space, NUL-terminated */
  size_t short_len, long_len;
} kz_acronym_pair;

typedef struct kz_acronym_finder {
  kz_buf strings;  /* the pairs' strings */
  kz_buf offsets;  /* per pair: u32 offsets of its two strings in `strings` (pointers are set at the end) */
  kz_acronym_pair *pairs;
  size_t n_pairs, cap_pairs;
} kz_acronym_finder;

#define KZ_ACRONYM_FINDER_INIT {KZ_BUF_INIT, KZ_BUF_INIT, NULL, 0, 0}

/*
 * Finds the definitions of `text` (UTF-8, len bytes; not trusted) into
 * f->pairs, in text order, each distinct pair once. Without `append` the
 * pairs of earlier texts are forgotten; with it they stay (a document's
 * title, then its body). @return KZ_OK or KZ_ERR_NOMEM.
 */
int kz_acronym_find(kz_acronym_finder *f, const char *text, size_t len, int append);
void kz_acronym_finder_free(kz_acronym_finder *f);

#endif /* KZ_ACRONYM_FINDER_H */
