/*
 * snippet.c - builds the passage shown under a hit (see snippet.h).
 *
 * The text has been analyzed by highlight.c, which gives its tokens and the
 * matches of the query's live clauses (a term, or a whole phrase occurrence).
 * Overlapping matches ("crude oil" and "oil") form one run, highlighted as
 * one span. Then:
 *   1. a sliding window over the runs (O(runs)) picks the one whose runs, from
 *      its first run's start, fit in max_bytes with the most distinct
 *      clauses, then the most matches, earliest first;
 *   2. the tokens give the boundaries of the final window: its start moves
 *      back up to a quarter of max_bytes before the first run (more near the
 *      end of the text) without losing or gaining a run, and its end is the
 *      last token that still fits.
 * The window [S, E) of the source always holds at most max_bytes bytes, starts
 * and ends on character boundaries, and contains exactly the chosen runs.
 * The output then collapses whitespace, drops NUL, replaces invalid UTF-8 by
 * U+FFFD (so it may be longer than the source bytes) and adds "…" on each side
 * where the cut-off text holds more than whitespace.
 *
 * Owns nothing beyond *out. Pass 1 keeps the source ranges of the runs in
 * out->spans and their first matches (plus per-clause counters) in
 * out->scratch; the output is then written over out->spans in place, never
 * ahead of the run being read.
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

/*
 * Groups the matches into runs: out->spans[r] is run r's source range and
 * first[r] its first match (first[n_runs] = n_matches).
 */
static int collect_runs(kz_snippet *out, const kz_hl_field *f, size_t n_clauses,
                        size_t **first, size_t **count) {
  const kz_hl_match *m = f->matches;
  size_t n = f->n_matches;
  if (n > SIZE_MAX / sizeof(size_t) - 1 - n_clauses) return KZ_ERR_NOMEM;
  size_t need = n + 1 + n_clauses;
  if (need > out->cap_scratch) {
    size_t *s = realloc(out->scratch, need * sizeof *s);
    if (!s) return KZ_ERR_NOMEM;
    out->scratch = s;
    out->cap_scratch = need;
  }
  if (n > out->cap_spans) {
    kz_span *s = realloc(out->spans, n * sizeof *s);
    if (!s) return KZ_ERR_NOMEM;
    out->spans = s;
    out->cap_spans = n;
  }
  size_t r = 0;
  for (size_t i = 0; i < n; r++) {
    size_t end, next = kz_hl_run(m, n, i, &end);
    out->scratch[r] = i;
    out->spans[r].start = m[i].start;
    out->spans[r].end = end;
    i = next;
  }
  out->scratch[r] = n;
  out->n_spans = r;
  *first = out->scratch;
  *count = out->scratch + r + 1;
  memset(*count, 0, n_clauses * sizeof **count);
  return KZ_OK;
}

/* Adds run r's matches to the clause counters (delta 1) or takes them away (-1). */
static size_t count_run(const kz_hl_match *m, const size_t *first, size_t r, size_t *count,
                        int delta) {
  size_t changed = 0; /* clauses whose counter left or reached zero */
  for (size_t k = first[r]; k < first[r + 1]; k++) {
    size_t *c = &count[m[k].clause];
    if (delta > 0)
      changed += (*c)++ == 0;
    else
      changed += --*c == 0;
  }
  return changed;
}

/*
 * Sliding window over the n runs (source ranges runs[], first matches
 * first[], clause counters count[] zeroed): the window starting at run i
 * holds every later run ending within max_bytes of runs[i].start. Sets
 * [*lo, *hi) to the best one; *lo == *hi when no single run fits.
 */
static void best_window(const kz_span *runs, const size_t *first, const kz_hl_match *m,
                        size_t *count, size_t n, size_t max_bytes, size_t *lo, size_t *hi) {
  size_t best_distinct = 0, best_total = 0, distinct = 0;
  size_t j = 0;
  *lo = *hi = 0;
  for (size_t i = 0; i < n; i++) {
    if (j < i) j = i;
    while (j < n && runs[j].end - runs[i].start <= max_bytes) {
      distinct += count_run(m, first, j, count, 1);
      j++;
    }
    if (j == i) continue; /* run i alone is longer than max_bytes */
    size_t total = first[j] - first[i];
    if (distinct > best_distinct || (distinct == best_distinct && total > best_total)) {
      best_distinct = distinct;
      best_total = total;
      *lo = i;
      *hi = j;
    }
    distinct -= count_run(m, first, i, count, -1);
  }
}

/* ------------------------------------------------------------------------ */
/* Pass 2: the window's byte range                                          */
/* ------------------------------------------------------------------------ */

/*
 * Finds [*s, *e) from the tokens of f: it starts at the first token starting
 * at or after `lower` (or at the text start when that is the first token and
 * `need_end` still fits), ends at the last token ending within max_bytes of the start (or at
 * the text end when all of it fits), and holds at most max_bytes bytes.
 */
static void window_bounds(const kz_hl_field *f, const char *text, size_t len, size_t lower,
                          size_t need_end, size_t max_bytes, size_t *s, size_t *e) {
  const uint8_t *t = (const uint8_t *)text;
  size_t n_before = 0, prev_end = 0, next_start = len, start = 0, end = 0;
  int found = 0, more = 0;
  for (size_t i = 0; i < f->n_tokens; i++) {
    kz_span tok = f->tokens[i];
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
}

/* ------------------------------------------------------------------------ */
/* Output                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * Writes text[s, e) into out->text and the runs out->spans[first, last)
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

int kz_snippet_make(kz_snippet *out, const char *text, size_t len, const kz_hl_field *f,
                    size_t n_clauses, size_t max_bytes) {
  out->text.len = 0;
  out->n_spans = 0;
  if (max_bytes == 0 || len == 0) return make_empty(out);

  size_t *run_first, *count;
  int rc = collect_runs(out, f, n_clauses, &run_first, &count);
  if (rc) {
    make_empty(out);
    return rc;
  }
  const kz_span *m = out->spans;
  size_t n = out->n_spans, first = 0, last = 0;
  best_window(m, run_first, f->matches, count, n, max_bytes, &first, &last);

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
    first = last = 0; /* no run fits: show the text start, no highlight */
  }

  size_t s, e;
  window_bounds(f, text, len, lower, need_end, max_bytes, &s, &e);
  /* Clip to the runs inside the window (all of [first, last) by design). */
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
  free(s->scratch);
  s->spans = NULL;
  s->scratch = NULL;
  s->n_spans = s->cap_spans = s->cap_scratch = 0;
}
