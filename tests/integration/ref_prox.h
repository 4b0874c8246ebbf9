/*
 * ref_prox.h - the differential test's own reference for sloppy phrases
 * ("a b"~N) and NEAR/N, written from the rules of README.md ("Proximity"),
 * not from the engine's code. Included by test_differential.c after its
 * reference index types; one translation unit uses it.
 *
 * The rule (Lucene's sloppy phrase): every term stands at its document
 * position minus its offset in the query; one occurrence per term is held,
 * each term starting at its first occurrence (the k-th copy of a repeated
 * term, by offset, at its (k+1)-th). Take the held occurrence with the
 * smallest value (ties: smaller offset, then earlier term) as the lead and
 * remember the second smallest value; move the lead on while it is not past
 * that value, keeping the least (largest value - lead's value) seen; a copy
 * of a repeated term that lands on the document position of another copy
 * makes the lesser of the two move on, until none collide. When the lead
 * passes the remembered value, the least length is a match if it is at most
 * the limit, and a new lead is taken. When a term has no occurrence left,
 * the current length is a last match if it is within the limit.
 *
 * The reference recomputes the largest value and the lead from scratch at
 * every step (the engine keeps them), and checks its own match decision
 * against an exhaustive search over all choices of occurrences where that
 * is small enough: a document matches exactly when some choice (distinct
 * positions) spans at most the limit.
 */
#ifndef REF_PROX_H
#define REF_PROX_H

typedef struct ref_pterm {
  uint32_t id, offset;
  const uint32_t *pos; /* this document's positions of the term, ascending */
  uint32_t n;
} ref_pterm;

static int64_t rp_value(const ref_pterm *t, const uint32_t *at, size_t i) {
  return (int64_t)t[i].pos[at[i]] - (int64_t)t[i].offset;
}

/* Whether held occurrence a sorts before b (value, offset, term order). */
static int rp_before(const ref_pterm *t, const uint32_t *at, size_t a, size_t b) {
  int64_t va = rp_value(t, at, a), vb = rp_value(t, at, b);
  if (va != vb) return va < vb;
  if (t[a].offset != t[b].offset) return t[a].offset < t[b].offset;
  return a < b;
}

static size_t rp_lead(const ref_pterm *t, const uint32_t *at, size_t n, int64_t *second,
                      int64_t *largest) {
  size_t lead = 0;
  for (size_t i = 1; i < n; i++)
    if (rp_before(t, at, i, lead)) lead = i;
  *second = INT64_MAX;
  *largest = INT64_MIN;
  for (size_t i = 0; i < n; i++) {
    int64_t v = rp_value(t, at, i);
    if (i != lead && v < *second) *second = v;
    if (v > *largest) *largest = v;
  }
  return lead;
}

/* Exhaustive: some choice of distinct positions with (max - min) of values <= limit. */
static int rp_exists(const ref_pterm *t, size_t n, uint32_t *at, size_t i, int64_t limit) {
  if (i == n) {
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t a = 0; a < n; a++) {
      int64_t v = rp_value(t, at, a);
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
      for (size_t b = 0; b < a; b++)
        if (t[a].pos[at[a]] == t[b].pos[at[b]]) return 0;
    }
    return hi - lo <= limit;
  }
  for (at[i] = 0; at[i] < t[i].n; at[i]++)
    if (rp_exists(t, n, at, i + 1, limit)) return 1;
  return 0;
}

/* The rule above on one document. @return the matches; *freq = sum of 1 / (1 + len - base). */
static uint32_t rp_sweep(const ref_pterm *t, size_t n, int64_t limit, uint32_t base,
                         double *freq) {
  uint32_t at[MAX_LEAF_TERMS];
  uint32_t matches = 0;
  int repeats = 0;
  *freq = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t before = 0;
    for (size_t j = 0; j < n; j++)
      if (j != i && t[j].id == t[i].id) {
        repeats = 1;
        before += t[j].offset < t[i].offset || (t[j].offset == t[i].offset && j < i);
      }
    if (before >= t[i].n) return 0;
    at[i] = before;
  }
  int64_t second, largest;
  size_t lead = rp_lead(t, at, n, &second, &largest);
  int64_t len = largest - rp_value(t, at, lead);
  int done = 0;
  while (!done && at[lead] + 1 < t[lead].n) {
    at[lead]++;
    for (size_t mover = lead, j = 0; repeats && j < n;) { /* resolve collisions */
      if (j == mover || t[j].id != t[mover].id || t[j].pos[at[j]] != t[mover].pos[at[mover]]) {
        j++;
        continue;
      }
      if (rp_before(t, at, j, mover)) mover = j;
      if (at[mover] + 1 >= t[mover].n) {
        done = 1;
        break;
      }
      at[mover]++;
      j = 0;
    }
    if (done) break;
    int64_t largest_now = INT64_MIN;
    for (size_t i = 0; i < n; i++)
      if (rp_value(t, at, i) > largest_now) largest_now = rp_value(t, at, i);
    if (rp_value(t, at, lead) > second) {
      if (len <= limit) {
        matches++;
        *freq += 1.0 / (1.0 + (double)(len > (int64_t)base ? len - (int64_t)base : 0));
      }
      lead = rp_lead(t, at, n, &second, &largest);
      len = largest - rp_value(t, at, lead);
    } else if (largest_now - rp_value(t, at, lead) < len) {
      len = largest_now - rp_value(t, at, lead);
    }
  }
  if (len <= limit) {
    matches++;
    *freq += 1.0 / (1.0 + (double)(len > (int64_t)base ? len - (int64_t)base : 0));
  }
  if (!repeats) { /* the match decision against the exhaustive search, where it is small */
    double combos = 1;
    for (size_t i = 0; i < n; i++) combos *= t[i].n;
    uint32_t tmp[MAX_LEAF_TERMS];
    if (combos <= 20000 && (matches > 0) != rp_exists(t, n, tmp, 0, limit)) {
      fprintf(stderr, "test_differential: the sweep and the exhaustive search disagree\n");
      exit(2);
    }
  }
  return matches;
}

/*
 * A sloppy phrase or NEAR on all documents: nt >= 2 analyzed terms (ids,
 * offsets: 0 for NEAR) of field r; `limit` the longest length that matches.
 */
static void rp_eval(const ref_index *r, const params *p, const uint32_t *ids, const uint32_t *offs,
                    size_t nt, int64_t limit, uint32_t base, double *score,
                    unsigned char *match) {
  double idf = 0;
  size_t rarest = 0;
  for (size_t i = 0; i < nt; i++) {
    idf += ref_idf(r, r->terms[ids[i]].n_post);
    if (r->terms[ids[i]].n_post < r->terms[ids[rarest]].n_post) rarest = i;
  }
  const ref_term *lead = &r->terms[ids[rarest]];
  for (size_t k = 0; k < lead->n_post; k++) {
    uint32_t doc = lead->post[k].doc;
    const ref_doc *d = &r->docs[doc];
    ref_pterm t[MAX_LEAF_TERMS];
    uint32_t *positions = xmalloc((size_t)(d->n_pos ? d->n_pos : 1) * nt * sizeof *positions);
    int all = 1;
    for (size_t i = 0; i < nt; i++) { /* brute force: scan the document for each term */
      t[i].id = ids[i];
      t[i].offset = offs[i];
      t[i].pos = positions + i * (d->n_pos ? d->n_pos : 1);
      t[i].n = 0;
      for (uint32_t q = 0; q < d->n_pos; q++)
        if (d->at[q] == ids[i]) positions[i * d->n_pos + t[i].n++] = q;
      all &= t[i].n > 0;
    }
    double freq = 0;
    if (all && rp_sweep(t, nt, limit, base, &freq)) {
      match[doc] = 1;
      score[doc] = bm25(r, p, idf, freq, d->dl);
    }
    free(positions);
  }
}

#endif /* REF_PROX_H */
