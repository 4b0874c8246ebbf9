/*
 * snippet.c - builds the passage shown under a hit (see snippet.h).
 *
 * Two passes over the text with the analyzer:
 *   1. every token is stemmed and looked up in the sorted query terms; the
 *      matches are kept, and a sliding window over the matches only (O(tokens))
 *      picks the one whose matches, from its first match's start, fit in
 *      max_bytes with the most distinct terms, then the most matches, earliest
 *      first;
 *   2. the tokens are walked again, unstemmed (only their offsets matter), to
 *      find the token boundaries of the final window: its start moves back up
 *      to a quarter of max_bytes before the first match (more near the end of
 *      the text) without losing or gaining a match, and its end is the last
 *      token that still fits.
 * The window [S, E) of the source always holds at most max_bytes bytes, starts
 * and ends on character boundaries, and contains exactly the chosen matches.
 * The output then collapses whitespace, drops NUL, replaces invalid UTF-8 by
 * U+FFFD (so it may be longer than the source bytes) and adds "…" on each side
 * where the cut-off text holds more than whitespace.
 *
 * Owns nothing beyond *out. To reuse *out's buffers between calls instead of
 * allocating scratch space each time, pass 1 keeps the source ranges of the
 * matches in out->spans and their term numbers (plus per-term counters) in
 * out->text; the output is then written over both: out->text from the start
 * once the scratch is no longer needed, out->spans in place, never ahead of
 * the match being read.
 */
#include "searcher/snippet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kzsearch.h"

#define ELLIPSIS "\xE2\x80\xA6"
#define ELLIPSIS_BYTES 3
#define REPLACEMENT "\xEF\xBF\xBD"
#define REPLACEMENT_BYTES 3

/* ------------------------------------------------------------------------ */
/* UTF-8 and character classes                                              */
/* ------------------------------------------------------------------------ */

/*
 * Length of the well-formed UTF-8 sequence at p (Unicode table 3-7: no
 * overlongs, surrogates or code points past U+10FFFF), 0 when it is not one.
 */
static size_t utf8_seq(const uint8_t *p, const uint8_t *end, uint32_t *cp) {
  size_t avail = (size_t)(end - p);
  uint8_t b0 = p[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t n;
  uint8_t lo = 0x80, hi = 0xBF;
  uint32_t c;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    c = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    c = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    c = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (avail < n) return 0;
  if (p[1] < lo || p[1] > hi) return 0;
  c = (c << 6) | (p[1] & 0x3F);
  for (size_t i = 2; i < n; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    c = (c << 6) | (p[i] & 0x3F);
  }
  *cp = c;
  return n;
}

/* White space in the Unicode sense (White_Space property), collapsed to ' '. */
static int is_space(uint32_t c) {
  if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return 1;
  if (c < 0x85) return 0;
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

/* Whether [p, end) holds anything the output would show (not space, not NUL). */
static int has_content(const uint8_t *p, const uint8_t *end) {
  while (p < end) {
    uint32_t c;
    size_t n = utf8_seq(p, end, &c);
    if (n == 0) return 1;
    if (c != 0 && !is_space(c)) return 1;
    p += n;
  }
  return 0;
}

/*
 * The largest cut <= limit (limit < len) that does not split a well-formed
 * sequence: a valid sequence has at most three continuation bytes, so stepping
 * back over at most three of them reaches its lead byte, or shows that the
 * byte at the cut belongs to no valid sequence.
 */
static size_t char_cut(const uint8_t *t, size_t lower, size_t limit) {
  size_t c = limit;
  for (int i = 0; i < 3 && c > lower && (t[c] & 0xC0) == 0x80; i++) c--;
  return c;
}

/* ASCII punctuation kept next to a word at the window's edges. */
static int is_closing_punct(uint8_t b) {
  return b && strchr(".,;:!?)]}\"'", b) != NULL;
}

static int is_opening_punct(uint8_t b) { return b && strchr("([{\"'", b) != NULL; }

/* ------------------------------------------------------------------------ */
/* Pass 1: matches and the best window                                      */
/* ------------------------------------------------------------------------ */

/* Index of `term` in the sorted `terms`, or SIZE_MAX. */
static size_t find_term(const char *const *terms, size_t n_terms, const char *term) {
  size_t lo = 0, hi = n_terms;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(terms[mid], term);
    if (c == 0) return mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return SIZE_MAX;
}

static int push_match(kz_snippet *out, size_t start, size_t end, size_t term) {
  if (out->n_spans == out->cap_spans) {
    size_t cap = out->cap_spans ? out->cap_spans * 2 : 16;
    if (cap < out->cap_spans || cap > SIZE_MAX / sizeof(kz_span)) return KZ_ERR_NOMEM;
    kz_span *s = realloc(out->spans, cap * sizeof *s);
    if (!s) return KZ_ERR_NOMEM;
    out->spans = s;
    out->cap_spans = cap;
  }
  /* Only KZ_ERR_NOMEM is documented; a caller's buffer limit reads as one. */
  if (kz_buf_append(&out->text, &term, sizeof term) != KZ_OK) return KZ_ERR_NOMEM;
  out->spans[out->n_spans].start = start;
  out->spans[out->n_spans].end = end;
  out->n_spans++;
  return KZ_OK;
}

/* Analyzes the whole text, leaving the matches in out (see the file comment). */
static int collect_matches(kz_snippet *out, kz_analyzer *a, const char *text, size_t len,
                           const char *const *terms, size_t n_terms) {
  kz_analyzer_reset(a, text, len);
  kz_token tok;
  size_t last_end = 0;
  int rc;
  while ((rc = kz_analyzer_next(a, &tok)) == 1) {
    if (n_terms == 0) continue;
    /* Ranges outside the text or out of order would break the window. */
    if (tok.start >= tok.end || tok.end > len || tok.start < last_end) continue;
    size_t t = find_term(terms, n_terms, tok.term);
    if (t == SIZE_MAX) continue;
    rc = push_match(out, tok.start, tok.end, t);
    if (rc) return rc;
    last_end = tok.end;
  }
  return rc < 0 ? rc : KZ_OK;
}

/*
 * Sliding window over the n matches m[] (term numbers term_of[], per-term
 * counters count[] zeroed): the window starting at match i holds every later
 * match ending within max_bytes of m[i].start. Sets [*first, *last) to the
 * best one; *first == *last when no single match fits.
 */
static void best_window(const kz_span *m, const size_t *term_of, size_t *count, size_t n,
                        size_t max_bytes, size_t *first, size_t *last) {
  size_t best_distinct = 0, best_total = 0, distinct = 0;
  size_t j = 0;
  *first = *last = 0;
  for (size_t i = 0; i < n; i++) {
    if (j < i) j = i;
    while (j < n && m[j].end - m[i].start <= max_bytes) {
      if (count[term_of[j]]++ == 0) distinct++;
      j++;
    }
    if (j == i) continue; /* match i alone is longer than max_bytes */
    size_t total = j - i;
    if (distinct > best_distinct || (distinct == best_distinct && total > best_total)) {
      best_distinct = distinct;
      best_total = total;
      *first = i;
      *last = j;
    }
    if (--count[term_of[i]] == 0) distinct--;
  }
}

/* ------------------------------------------------------------------------ */
/* Pass 2: the window's byte range                                          */
/* ------------------------------------------------------------------------ */

/*
 * Finds [*s, *e): it starts at the first token starting at or after `lower`
 * (or at the text start when that is the first token and `need_end` still
 * fits), ends at the last token ending within max_bytes of the start (or at
 * the text end when all of it fits), and holds at most max_bytes bytes.
 */
static int window_bounds(kz_analyzer *a, const char *text, size_t len, size_t lower,
                         size_t need_end, size_t max_bytes, size_t *s, size_t *e) {
  const uint8_t *t = (const uint8_t *)text;
  size_t n_before = 0, prev_end = 0, next_start = len, start = 0, end = 0;
  int found = 0, more = 0, rc;
  kz_token tok;
  kz_analyzer_reset(a, text, len);
  while ((rc = kz_analyzer_next_unstemmed(a, &tok)) == 1) {
    if (tok.start >= tok.end || tok.end > len || tok.start < prev_end) continue;
    if (!found) {
      if (tok.start < lower) {
        prev_end = tok.end;
        n_before++;
        continue;
      }
      found = 1;
      start = (n_before == 0 && need_end <= max_bytes) ? 0 : tok.start;
      end = start;
    }
    if (tok.end - start > max_bytes) {
      next_start = tok.start;
      more = 1;
      break;
    }
    end = tok.end;
  }
  if (rc < 0) return rc;
  if (!found) { /* no token at all, or none from `lower` on */
    start = (n_before == 0 && need_end <= max_bytes) ? 0 : prev_end;
    end = start;
  }
  if (!more && len - start <= max_bytes) {
    end = len;
  } else if (end == start) {
    /* No token fits: cut the text itself, on a character boundary. */
    end = len - start <= max_bytes ? len : char_cut(t, start, start + max_bytes);
  } else {
    while (end < next_start && end - start < max_bytes && is_closing_punct(t[end])) end++;
  }
  if (start > 0) {
    while (start > prev_end && end - (start - 1) <= max_bytes && is_opening_punct(t[start - 1]))
      start--;
  }
  *s = start;
  *e = end;
  return KZ_OK;
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * Writes text[s, e) into out->text and the matches out->spans[first, last)
 * (source ranges inside [s, e)) as output ranges into out->spans[0..).
 */
static int render(kz_snippet *out, const uint8_t *t, size_t len, size_t s, size_t e,
                  size_t first, size_t last) {
  size_t src = e - s;
  if (src > (SIZE_MAX - 2 * ELLIPSIS_BYTES - 1) / REPLACEMENT_BYTES) return KZ_ERR_NOMEM;
  out->text.len = 0;
  if (kz_buf_reserve(&out->text, src * REPLACEMENT_BYTES + 2 * ELLIPSIS_BYTES + 1) != KZ_OK)
    return KZ_ERR_NOMEM;
  uint8_t *o = out->text.data;
  size_t ol = 0;
  int lead = has_content(t, t + s), trail = has_content(t + e, t + len);
  if (lead) {
    memcpy(o, ELLIPSIS, ELLIPSIS_BYTES);
    ol = ELLIPSIS_BYTES;
  }
  size_t body = ol, r = first, w = 0, span_start = 0;
  kz_span cur = {0, 0};
  int pending_space = 0, open = 0;
  size_t p = s;
  while (p < e) {
    if (open && p >= cur.end) {
      out->spans[w].start = span_start;
      out->spans[w].end = ol;
      w++;
      r++;
      open = 0;
    }
    uint32_t c = 0;
    size_t n = utf8_seq(t + p, t + e, &c);
    if (n > 0 && c == 0) { /* NUL: dropped, and it does not split a space run */
      p += n;
      continue;
    }
    if (n > 0 && is_space(c)) {
      if (ol > body) pending_space = 1;
      p += n;
      continue;
    }
    if (pending_space) {
      o[ol++] = ' ';
      pending_space = 0;
    }
    while (!open && r < last) {
      cur = out->spans[r]; /* copied: writes at w <= r may overwrite it */
      if (cur.end <= p) {
        r++;
        continue;
      }
      if (cur.start <= p) {
        open = 1;
        span_start = ol;
      }
      break;
    }
    if (n == 0) {
      memcpy(o + ol, REPLACEMENT, REPLACEMENT_BYTES);
      ol += REPLACEMENT_BYTES;
      p++;
    } else {
      memcpy(o + ol, t + p, n);
      ol += n;
      p += n;
    }
  }
  if (open) {
    out->spans[w].start = span_start;
    out->spans[w].end = ol;
    w++;
  }
  if (ol == body) { /* nothing to show: a single mark says the text was cut */
    ol = 0;
    if (lead || trail) {
      memcpy(o, ELLIPSIS, ELLIPSIS_BYTES);
      ol = ELLIPSIS_BYTES;
    }
  } else if (trail) {
    memcpy(o + ol, ELLIPSIS, ELLIPSIS_BYTES);
    ol += ELLIPSIS_BYTES;
  }
  o[ol] = 0;
  out->text.len = ol;
  out->n_spans = w;
  return KZ_OK;
}

static int make_empty(kz_snippet *out) {
  out->text.len = 0;
  out->n_spans = 0;
  if (kz_buf_reserve(&out->text, 1) != KZ_OK) return KZ_ERR_NOMEM;
  out->text.data[0] = 0;
  return KZ_OK;
}

/* ------------------------------------------------------------------------ */
/* Public                                                                   */
/* ------------------------------------------------------------------------ */

int kz_snippet_make(kz_snippet *out, kz_analyzer *a, const char *text, size_t len,
                    const char *const *terms, size_t n_terms, size_t max_bytes) {
  out->text.len = 0;
  out->n_spans = 0;
  if (max_bytes == 0 || len == 0) return make_empty(out);

  int rc = collect_matches(out, a, text, len, terms, n_terms);
  if (rc) {
    make_empty(out);
    return rc;
  }
  size_t n = out->n_spans, first = 0, last = 0;
  if (n > 0) {
    /* The counters follow the term numbers in the scratch space. */
    size_t base = out->text.len;
    if (n_terms > (SIZE_MAX - base) / sizeof(size_t) ||
        kz_buf_reserve(&out->text, n_terms * sizeof(size_t)) != KZ_OK) {
      make_empty(out);
      return KZ_ERR_NOMEM;
    }
    size_t *term_of = (size_t *)(void *)out->text.data;
    size_t *count = (size_t *)(void *)(out->text.data + base);
    memset(count, 0, n_terms * sizeof(size_t));
    best_window(out->spans, term_of, count, n, max_bytes, &first, &last);
  }

  const kz_span *m = out->spans;
  size_t lower = 0, need_end = 0;
  if (first < last) {
    size_t lead = m[first].start, budget = max_bytes / 4, rest = len - lead;
    /* Near the end of the text, spend the room the end cannot use on context. */
    if (rest < max_bytes && max_bytes - rest > budget) budget = max_bytes - rest;
    need_end = m[last - 1].end;
    lower = lead > budget ? lead - budget : 0;
    if (need_end > max_bytes && need_end - max_bytes > lower) lower = need_end - max_bytes;
    if (first > 0 && m[first - 1].end > lower) lower = m[first - 1].end;
  } else {
    first = last = 0; /* no match fits: show the text start, no highlight */
  }

  size_t s, e;
  rc = window_bounds(a, text, len, lower, need_end, max_bytes, &s, &e);
  if (rc) {
    make_empty(out);
    return rc;
  }
  /* Clip to the matches inside the window (all of [first, last) by design). */
  while (first < last && m[first].start < s) first++;
  while (last > first && m[last - 1].end > e) last--;
  rc = render(out, (const uint8_t *)text, len, s, e, first, last);
  if (rc) make_empty(out);
  return rc;
}

void kz_snippet_free(kz_snippet *s) {
  if (!s) return;
  kz_buf_free(&s->text);
  free(s->spans);
  s->spans = NULL;
  s->n_spans = s->cap_spans = 0;
}
