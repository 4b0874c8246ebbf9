/*
 * acronym_finder.c - acronym definitions in raw text (see acronym_finder.h).
 *
 * One pass over the bytes keeps a stack of open parentheses. A closing one
 * whose group holds no other group is a candidate: its inside, cut at the
 * first ", " or "; ", is the short form when it is valid (2..16 bytes, at
 * most two words and ten letters or digits, a letter, a letter or digit
 * first), and the long form is looked for in the words before the
 * parenthesis, back to the start of the sentence. When that finds nothing
 * and the inside has at least two words, the word before the parenthesis is
 * tried as the short form of the inside (the reversed pattern, which also
 * needs a capital letter in the short form).
 *
 * The long form is Schwartz & Hearst's shortest match: the short form's
 * letters and digits are matched right to left, case-insensitively, against
 * the candidate's characters, the first one at the start of a word, and the
 * match is widened to the start of its word. It is then rejected when it is
 * shorter than the short form, holds the short form as a word, has more
 * than min(2n, n + 5) words for a short form of n letters and digits, or
 * holds a bracket or a semicolon. Letters are compared as ASCII; any other
 * byte of a short form is skipped, and bytes from 0x80 on count as letters
 * of a word (so UTF-8 words stay whole).
 */
#include "analysis/acronym_finder.h"

#include <stdlib.h>
#include <string.h>

#include "kzsearch.h"

static int is_space(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int is_alnum(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_alpha(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
/* Part of a word for the word-start test: ASCII letters and digits, and UTF-8 bytes. */
static int is_word(unsigned char c) { return is_alnum(c) || c >= 0x80; }
static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

typedef struct span {
  const char *p;
  size_t n;
} span;

static span trim(const char *p, size_t n) {
  while (n && is_space((unsigned char)*p)) p++, n--;
  while (n && is_space((unsigned char)p[n - 1])) n--;
  return (span){p, n};
}

static size_t count_words(span s) {
  size_t words = 0;
  for (size_t i = 0; i < s.n; i++)
    if (!is_space((unsigned char)s.p[i]) && (i == 0 || is_space((unsigned char)s.p[i - 1]))) words++;
  return words;
}

static size_t count_alnum(span s) {
  size_t n = 0;
  for (size_t i = 0; i < s.n; i++) n += is_alnum((unsigned char)s.p[i]) != 0;
  return n;
}

static int valid_short_form(span sf) {
  if (sf.n < 1 || sf.n > KZ_ACRONYM_MAX_SHORT_BYTES || !is_alnum((unsigned char)sf.p[0])) return 0;
  if (count_words(sf) > 2 || count_alnum(sf) > 10) return 0;
  for (size_t i = 0; i < sf.n; i++)
    if (is_alpha((unsigned char)sf.p[i])) return 1;
  return 0;
}

/* Whether `s` holds `w` followed by a space, or ends with it (Schwartz & Hearst's test). */
static int holds_short_form(span s, span w) {
  if (s.n < w.n) return 0;
  if (!memcmp(s.p + s.n - w.n, w.p, w.n)) return 1;
  for (size_t i = 0; i + w.n < s.n; i++)
    if (s.p[i + w.n] == ' ' && !memcmp(s.p + i, w.p, w.n)) return 1;
  return 0;
}

/*
 * The shortest suffix of `cand` that defines `sf` (see the top of the file),
 * or a span with n == 0.
 */
static span best_long_form(span sf, span cand) {
  span none = {cand.p, 0};
  size_t first = 0;
  while (first < sf.n && !is_alnum((unsigned char)sf.p[first])) first++;
  ptrdiff_t li = (ptrdiff_t)cand.n - 1;
  for (ptrdiff_t si = (ptrdiff_t)sf.n - 1; si >= (ptrdiff_t)first; si--) {
    unsigned char c = lower((unsigned char)sf.p[si]);
    if (!is_alnum(c)) continue;
    while (li >= 0 && (lower((unsigned char)cand.p[li]) != c ||
                       ((size_t)si == first && li > 0 && is_word((unsigned char)cand.p[li - 1]))))
      li--;
    if (li < 0) return none;
    li--;
  }
  size_t start = (size_t)(li + 1);
  while (start > 0 && !is_space((unsigned char)cand.p[start - 1]) && !strchr("([{", cand.p[start - 1]))
    start--;
  return trim(cand.p + start, cand.n - start);
}

/* Words an acronym of capitals usually leaves out ("Organization of Petroleum Exporting Countries"). */
static int minor_word(span w) {
  static const char *const minor[] = {"of", "and", "the", "for", "on", "in", "to", "de", "&"};
  for (size_t i = 0; i < sizeof minor / sizeof *minor; i++) {
    size_t n = strlen(minor[i]);
    if (w.n != n) continue;
    size_t k = 0;
    while (k < n && lower((unsigned char)w.p[k]) == (unsigned char)minor[i][k]) k++;
    if (k == n) return 1;
  }
  return 0;
}

/*
 * A short form of capitals only whose letters are the initials of the last
 * words of `cand`, minor words skipped ("Export Enhancement Program (EEP)",
 * where the shortest match would be "Enhancement Program"); n == 0 when not.
 */
static span initials_long_form(span sf, span cand) {
  span none = {cand.p, 0};
  for (size_t i = 0; i < sf.n; i++)
    if (sf.p[i] < 'A' || sf.p[i] > 'Z') return none;
  ptrdiff_t k = (ptrdiff_t)sf.n - 1;
  size_t end = cand.n;
  while (end > 0) {
    size_t start = end;
    while (start > 0 && !is_space((unsigned char)cand.p[start - 1])) start--;
    span w = {cand.p + start, end - start};
    if (lower((unsigned char)w.p[0]) == lower((unsigned char)sf.p[k]) && !minor_word(w)) {
      if (--k < 0) return trim(cand.p + start, cand.n - start);
    } else if (!minor_word(w) || end == cand.n) {
      return none;
    }
    end = start;
    while (end > 0 && is_space((unsigned char)cand.p[end - 1])) end--;
  }
  return none;
}

static int acceptable(span sf, span lf) {
  if (!lf.n || lf.n < sf.n || lf.n > KZ_ACRONYM_MAX_LONG_BYTES || holds_short_form(lf, sf)) return 0;
  size_t letters = count_alnum(sf), words = count_words(lf);
  if (sf.n == 1 && (words != 1 || sf.p[0] < 'A' || sf.p[0] > 'Z')) return 0;
  if (words > 2 * letters || words > letters + 5) return 0;
  for (size_t i = 0; i < lf.n; i++) {
    if (strchr("()[];", lf.p[i]) && lf.p[i]) return 0;
    if (lf.p[i] == ',' && i + 1 < lf.n && lf.p[i + 1] == ' ') return 0; /* a clause, not a name */
  }
  return 1;
}

/* Appends s with white space runs made one space, NUL-terminated; *off gets where. */
static int put_string(kz_buf *b, span s, uint32_t *off) {
  *off = (uint32_t)b->len;
  for (size_t i = 0; i < s.n; i++) {
    unsigned char c = (unsigned char)s.p[i];
    if (is_space(c)) {
      if (is_space((unsigned char)s.p[i - 1])) continue; /* i > 0: s is trimmed */
      c = ' ';
    }
    if (kz_buf_put_u8(b, c)) return KZ_ERR_NOMEM;
  }
  return kz_buf_put_u8(b, 0) ? KZ_ERR_NOMEM : KZ_OK;
}

/* Whether pair k is the pair whose strings are sf and lf. */
static int same_pair(const kz_acronym_finder *f, size_t k, const char *sf, const char *lf) {
  const uint8_t *o = f->offsets.data + 8 * k;
  const char *s = (const char *)f->strings.data;
  return !strcmp(s + kz_load_u32le(o), sf) && !strcmp(s + kz_load_u32le(o + 4), lf);
}

static int add_pair(kz_acronym_finder *f, span sf, span lf) {
  if (f->offsets.len / 8 >= KZ_ACRONYM_MAX_PAIRS) return KZ_OK;
  uint32_t a, b;
  size_t mark = f->strings.len;
  if (put_string(&f->strings, sf, &a) || put_string(&f->strings, lf, &b)) return KZ_ERR_NOMEM;
  const char *s = (const char *)f->strings.data;
  for (size_t k = 0; k < f->offsets.len / 8; k++)
    if (same_pair(f, k, s + a, s + b)) {
      f->strings.len = mark; /* seen before in this text */
      return KZ_OK;
    }
  if (kz_buf_put_u32le(&f->offsets, a) || kz_buf_put_u32le(&f->offsets, b)) return KZ_ERR_NOMEM;
  return KZ_OK;
}

/* Where the long form of a parenthesis at `open` may start: the sentence, the window. */
static size_t window_start(const char *text, size_t open) {
  size_t lo = open > KZ_ACRONYM_WINDOW_BYTES ? open - KZ_ACRONYM_WINDOW_BYTES : 0;
  for (size_t i = open; i > lo; i--) {
    unsigned char c = (unsigned char)text[i - 1];
    if ((c == '.' || c == '!' || c == '?') && i < open && is_space((unsigned char)text[i])) return i;
  }
  return lo;
}

/* "(long form, SF)": the short form after the last comma of the parentheses. */
static int comma_pattern(kz_acronym_finder *f, span whole) {
  size_t c = whole.n;
  while (c > 0 && !(whole.p[c - 1] == ',' && c < whole.n && whole.p[c] == ' ')) c--;
  if (!c) return 0;
  span sf = trim(whole.p + c, whole.n - c), before = trim(whole.p, c - 1);
  if (!valid_short_form(sf) || count_words(sf) != 1) return 0;
  span lf = best_long_form(sf, before);
  if (!acceptable(sf, lf)) return 0;
  return add_pair(f, sf, lf) ? -1 : 1;
}

static int candidate(kz_acronym_finder *f, const char *text, size_t open, size_t close) {
  span inside = trim(text + open + 1, close - open - 1), whole = inside;
  for (size_t i = 0; i + 1 < inside.n; i++)
    if ((inside.p[i] == ',' || inside.p[i] == ';') && inside.p[i + 1] == ' ') {
      inside = trim(inside.p, i);
      break;
    }
  if (!inside.n) return KZ_OK;
  if (inside.n < whole.n) {
    int found = comma_pattern(f, whole);
    if (found) return found < 0 ? KZ_ERR_NOMEM : KZ_OK;
  }
  size_t from = window_start(text, open);
  span before = trim(text + from, open - from);
  if (valid_short_form(inside)) {
    span lf = initials_long_form(inside, before);
    if (!acceptable(inside, lf)) lf = best_long_form(inside, before);
    if (acceptable(inside, lf)) return add_pair(f, inside, lf);
  }
  if (count_words(inside) < 2 || !before.n) return KZ_OK;
  /* Reversed: "SF (long form)", the short form being the last word before the parenthesis. */
  size_t w = before.n;
  while (w > 0 && !is_space((unsigned char)before.p[w - 1])) w--;
  span sf = {before.p + w, before.n - w};
  while (sf.n && strchr(",:", sf.p[sf.n - 1])) sf.n--;
  if (!valid_short_form(sf)) return KZ_OK;
  int capital = 0;
  for (size_t i = 0; i < sf.n; i++) capital |= sf.p[i] >= 'A' && sf.p[i] <= 'Z';
  if (!capital) return KZ_OK;
  span lf = best_long_form(sf, inside);
  return acceptable(sf, lf) ? add_pair(f, sf, lf) : KZ_OK;
}

/* The offset of the next `c` in text[from, len), len when there is none. */
static size_t next_of(const char *text, size_t from, size_t len, char c) {
  const char *p = from < len ? memchr(text + from, c, len - from) : NULL;
  return p ? (size_t)(p - text) : len;
}

int kz_acronym_find(kz_acronym_finder *f, const char *text, size_t len, int append) {
  if (!append) {
    kz_buf_clear(&f->strings);
    kz_buf_clear(&f->offsets);
  }
  f->n_pairs = 0;
  size_t open[KZ_ACRONYM_MAX_DEPTH];
  uint8_t nested[KZ_ACRONYM_MAX_DEPTH];
  size_t depth = 0, overflow = 0;
  int rc = KZ_OK;
  /* Only the four bracket bytes matter, and news text has few of them:
   * memchr finds the next of each far faster than a byte loop walks there
   * (the loop was 8% of indexing's instructions). next[k] is the offset of
   * the next brackets[k]; the smallest is the next byte to look at. */
  static const char brackets[4] = {'(', '[', ')', ']'};
  size_t next[4];
  for (int k = 0; k < 4; k++) next[k] = next_of(text, 0, len, brackets[k]);
  while (!rc) {
    int k = 0;
    for (int j = 1; j < 4; j++)
      if (next[j] < next[k]) k = j;
    size_t i = next[k];
    if (i >= len) break;
    next[k] = next_of(text, i + 1, len, brackets[k]);
    if (text[i] == '(' || text[i] == '[') {
      if (depth) nested[depth - 1] = 1;
      if (depth == KZ_ACRONYM_MAX_DEPTH || overflow) {
        overflow++; /* too deep to be a definition; only counted so the closes still pair up */
        continue;
      }
      open[depth] = i;
      nested[depth++] = 0;
    } else if (text[i] == ')' || text[i] == ']') {
      if (overflow) {
        overflow--;
        continue;
      }
      if (!depth) continue;
      depth--;
      if (!nested[depth]) rc = candidate(f, text, open[depth], i);
    }
  }
  if (rc) return rc;
  size_t n = f->offsets.len / 8;
  if (n > f->cap_pairs) {
    kz_acronym_pair *p = realloc(f->pairs, n * sizeof *p);
    if (!p) return KZ_ERR_NOMEM;
    f->pairs = p;
    f->cap_pairs = n;
  }
  const char *s = (const char *)f->strings.data;
  for (size_t k = 0; k < n; k++) {
    const uint8_t *o = f->offsets.data + 8 * k;
    kz_acronym_pair *p = &f->pairs[k];
    p->short_form = s + kz_load_u32le(o);
    p->long_form = s + kz_load_u32le(o + 4);
    p->short_len = strlen(p->short_form);
    p->long_len = strlen(p->long_form);
  }
  f->n_pairs = n;
  return KZ_OK;
}

void kz_acronym_finder_free(kz_acronym_finder *f) {
  if (!f) return;
  kz_buf_free(&f->strings);
  kz_buf_free(&f->offsets);
  free(f->pairs);
  f->pairs = NULL;
  f->n_pairs = f->cap_pairs = 0;
}
