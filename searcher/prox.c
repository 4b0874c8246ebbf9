/*
 * prox.c - the proximity sweep of prox.h over the positions of one
 * document. The phrases are short (at most KZ_MAX_PHRASE_TERMS terms), so
 * the smallest cursor is found by a scan rather than a heap; the order of
 * ties is the heap's of Lucene (value, then offset, then term), which the
 * counts depend on; two distinct terms, the common case, take a loop of
 * their own without the scans (sweep2: a stopword pair such as
 * "the to"~6 went from 3.7-4.0 to 3.0-3.1 ms on Reuters). Owns nothing: the
 * caller provides the cursors.
 */
#include "searcher/prox.h"

typedef struct sweep {
  const kz_prox_term *t;
  kz_prox_cursor *c;
  size_t n;
  int64_t end; /* the largest value of any cursor */
  int repeats; /* some terms are copies of one another */
  uint64_t left; /* moves the cursors have left (each match but the last takes one) */
} sweep;

/* Moves cursor i to its next occurrence. @return 0 when it has none. */
static int step(sweep *s, size_t i) {
  kz_prox_cursor *c = &s->c[i];
  if (c->i + 1 >= s->t[i].n) return 0;
  c->i++;
  s->left--;
  c->value = (int64_t)s->t[i].pos[c->i] - s->t[i].offset;
  if (c->value > s->end) s->end = c->value;
  return 1;
}

/* Whether cursor a comes before cursor b in the sweep's order. */
static int before(const sweep *s, size_t a, size_t b) {
  if (s->c[a].value != s->c[b].value) return s->c[a].value < s->c[b].value;
  if (s->t[a].offset != s->t[b].offset) return s->t[a].offset < s->t[b].offset;
  return a < b;
}

/* Another copy of term i standing on the same document position, or n. */
static size_t collision(const sweep *s, size_t i) {
  uint32_t at = s->t[i].pos[s->c[i].i];
  for (size_t j = 0; j < s->n; j++)
    if (j != i && s->t[j].group == s->t[i].group && s->t[j].pos[s->c[j].i] == at) return j;
  return s->n;
}

/* After cursor i moved: moves the lesser of two colliding copies until none collide. */
static int separate(sweep *s, size_t i) {
  size_t j;
  while ((j = collision(s, i)) < s->n) {
    if (before(s, j, i)) i = j;
    if (!step(s, i)) return 0;
  }
  return 1;
}

/* Places every cursor on its first occurrence, the k-th copy of a term on its (k+1)-th. */
static int place(sweep *s) {
  s->end = INT64_MIN;
  s->repeats = 0;
  s->left = 0;
  for (size_t i = 0; i < s->n; i++) {
    uint32_t copy = 0; /* copies of this term before it, in the sweep's order */
    for (size_t j = 0; j < s->n; j++)
      if (j != i && s->t[j].group == s->t[i].group) {
        s->repeats = 1;
        copy += s->t[j].offset < s->t[i].offset || (s->t[j].offset == s->t[i].offset && j < i);
      }
    if (copy >= s->t[i].n) return 0;
    s->c[i].i = copy;
    s->left += s->t[i].n - 1 - copy;
    s->c[i].value = (int64_t)s->t[i].pos[copy] - s->t[i].offset;
    if (s->c[i].value > s->end) s->end = s->c[i].value;
  }
  return 1;
}

/* The first cursor in the sweep's order, and the value of the second. */
static size_t smallest(const sweep *s, int64_t *second) {
  size_t best = 0;
  for (size_t i = 1; i < s->n; i++)
    if (before(s, i, best)) best = i;
  int64_t v = INT64_MAX;
  for (size_t i = 0; i < s->n; i++)
    if (i != best && s->c[i].value < v) v = s->c[i].value;
  *second = v;
  return best;
}

/* A match's weight: 1 / (1 + its distance). */
static double weight(int64_t len, uint32_t base) {
  return 1.0 / (1.0 + (double)(len > (int64_t)base ? len - (int64_t)base : 0));
}

/*
 * The sweep of two distinct terms, the common case ("a b"~N, a NEAR b): the
 * general loop with the second cursor's value as `next` and the larger
 * value as `end`, without the scans. Same matches, same order of the sum.
 */
static uint32_t sweep2(const kz_prox_term *t, int64_t max_len, uint32_t base, int first_only,
                       double give_up, double *freq) {
  /* the first in the sweep's order: smaller value, then smaller offset, then term 0 */
  int64_t v0 = (int64_t)t[0].pos[0] - t[0].offset, v1 = (int64_t)t[1].pos[0] - t[1].offset;
  int first = v0 != v1 ? v1 < v0 : t[1].offset < t[0].offset;
  /* The lead (l*) and the other term (o*), swapped on every pass, kept in locals. */
  const uint32_t *lp = t[first].pos, *op = t[!first].pos;
  uint32_t li = 0, oi = 0, ln = t[first].n, on = t[!first].n;
  int64_t loff = t[first].offset, ooff = t[!first].offset;
  int64_t ov = first ? v0 : v1, len = ov - (first ? v1 : v0);
  uint32_t matches = 0, moves = 0;
  while (li + 1 < ln) {
    int64_t nv = (int64_t)lp[++li] - loff;
    if (nv > ov) { /* passed the other: the shortest length with this lead is known */
      if (len <= max_len) {
        matches++;
        *freq += weight(len, base);
        if (first_only) return matches;
      }
      const uint32_t *p = lp;
      lp = op;
      op = p;
      uint32_t i = li, n = ln;
      li = oi;
      oi = i;
      ln = on;
      on = n;
      int64_t off = loff;
      loff = ooff;
      ooff = off;
      len = nv - ov;
      ov = nv;
    } else {
      len = ov - nv;
    }
    /* Every 16 moves: the test costs more than the moves it would save in between. */
    if ((++moves & 15) == 0) {
      double most = (double)kz_prox_most2(ln - 1 - li, on - 1 - oi);
      if (*freq + most <= give_up) {
        *freq += most;
        return KZ_PROX_GAVE_UP;
      }
    }
  }
  if (len <= max_len) {
    matches++;
    *freq += weight(len, base);
  }
  return matches;
}

/* The sweep, giving up (KZ_PROX_GAVE_UP) once the frequency cannot pass give_up. */
static uint32_t run(const kz_prox_term *terms, size_t n, int64_t max_len, uint32_t base,
                    int first_only, kz_prox_cursor *cur, double give_up, double *freq) {
  sweep s = {terms, cur, n, 0, 0, 0};
  uint32_t matches = 0;
  *freq = 0;
  if (n == 2 && terms[0].group != terms[1].group)
    return sweep2(terms, max_len, base, first_only, give_up, freq);
  if (!place(&s)) return 0;
  int64_t next;
  size_t lead = smallest(&s, &next);
  int64_t len = s.end - s.c[lead].value;
  while (step(&s, lead)) {
    if (s.repeats && !separate(&s, lead)) break;
    if (s.c[lead].value > next) { /* the shortest length with this lead is known */
      if (len <= max_len) {
        matches++;
        *freq += weight(len, base);
        if (first_only) return matches;
      }
      lead = smallest(&s, &next);
      len = s.end - s.c[lead].value;
    } else if (s.end - s.c[lead].value < len) {
      len = s.end - s.c[lead].value;
    }
    if (*freq + (double)s.left + 1.0 <= give_up) {
      *freq += (double)s.left + 1.0;
      return KZ_PROX_GAVE_UP;
    }
  }
  if (len <= max_len) {
    matches++;
    *freq += weight(len, base);
  }
  return matches;
}

uint32_t kz_prox_match(const kz_prox_term *terms, size_t n, int64_t max_len, uint32_t base,
                       int first_only, kz_prox_cursor *cur, double *freq) {
  return run(terms, n, max_len, base, first_only, cur, -1.0, freq);
}

uint32_t kz_prox_match_above(const kz_prox_term *terms, size_t n, int64_t max_len,
                             uint32_t base, double give_up, kz_prox_cursor *cur, double *freq) {
  return run(terms, n, max_len, base, 0, cur, give_up, freq);
}
