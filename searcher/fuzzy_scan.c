/*
 * fuzzy_scan.c - the prefix-sharing edit-distance scan of a sorted
 * dictionary (see fuzzy_scan.h).
 *
 * Row d of a target holds the distances between the key's first d code
 * points and every prefix of the target; rows 0..valid are those of the
 * key read last. A new key reuses the rows of the code points it shares
 * with that key and computes the rest. The optimal-string-alignment
 * recurrence also looks two rows up for transpositions, which the stack of
 * rows keeps at hand. Why a dead row may end a prefix: a transposition
 * cell R[i+1][j] = R[i-1][j-2] + 1 needs key[i] == t[j-2], so
 * R[i][j-1] <= R[i-1][j-2] and the cell is above row i's minimum; every
 * other cell is at least a cell of row i or of its own row plus one.
 *
 * A dead prefix is not only skipped: its siblings are too. When the child c
 * of a live prefix is dead, every target's row of that prefix has its
 * minimum at the distance d (below, the child would live: a deletion costs
 * one), and then a child's cell can stay within d only diagonally from a
 * cell equal to d through a matching letter (a transposition costs at least
 * that cell plus one, an insertion starts from a cell above d). So the scan
 * seeks straight to the smallest such letter after c, or past the parent
 * when there is none, as a Levenshtein automaton would (and past the
 * grandparent's dead children too, when its row is also at the distance).
 * A word and its stem share one set of rows when one is a prefix of the
 * other (merge_prefix).
 */
#include "searcher/fuzzy_scan.h"

#include <stdlib.h>
#include <string.h>

#include "format/segment_format.h"
#include "kzsearch.h"

#define ROW (KZ_FUZZY_MAX_LETTERS + 1)

/* Decodes UTF-8 leniently (bytes from disk are not trusted): an invalid byte is one code point. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp, uint16_t *end, size_t max) {
  size_t count = 0;
  for (size_t i = 0; i < n && count < max;) {
    unsigned char c = s[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + len > n) len = 1;
    uint32_t v = len == 1 ? c : (uint32_t)(c & (0x7F >> len));
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) {
        len = 1;
        v = c;
        break;
      }
      v = (v << 6) | (s[i + k] & 0x3F);
    }
    if (len == 1 && c >= 0x80) v = 0x110000u + c; /* an invalid byte matches only itself */
    cp[count] = v;
    i += len;
    if (end) end[count] = (uint16_t)i;
    count++;
  }
  return count;
}

/*
 * Distances saturate at cap = the distance + 1: above it they all mean "too
 * far", and min-plus arithmetic keeps every value up to the distance exact.
 * Cell (i, j) is at least |i - j|, so only the band |i - j| <= distance is
 * computed; the cells outside it stay at cap from the start.
 */
typedef struct target {
  uint32_t cp[ROW];
  size_t m;
  size_t also; /* the other target's length if it is a prefix of this one (merge_prefix), else m */
  unsigned cap;
  uint8_t (*rows)[ROW]; /* ROW rows of m + 1 cells */
} target;

static int target_init(target *t, size_t max_edits) {
  t->cap = (unsigned)max_edits + 1;
  t->rows = malloc(sizeof(*t->rows) * ROW);
  if (!t->rows) return KZ_ERR_NOMEM;
  memset(t->rows, (int)t->cap, sizeof(*t->rows) * ROW);
  for (size_t j = 0; j <= t->m; j++) t->rows[0][j] = (uint8_t)(j < t->cap ? j : t->cap);
  return KZ_OK;
}

/* Computes row i of t for the key's code points key[0..i); returns the row's minimum. */
static unsigned fill_row(target *t, const uint32_t *key, size_t i) {
  uint8_t *r = t->rows[i], *up = t->rows[i - 1];
  uint32_t c = key[i - 1];
  unsigned cap = t->cap, band = cap - 1;
  if (i <= band) r[0] = (uint8_t)i;
  unsigned best = r[0];
  size_t lo = i > band ? i - band : 1, hi = i + band < t->m ? i + band : t->m;
  for (size_t j = lo; j <= hi; j++) {
    unsigned v = up[j - 1] + (c != t->cp[j - 1]);
    if (up[j] + 1u < v) v = up[j] + 1u;
    if (r[j - 1] + 1u < v) v = r[j - 1] + 1u;
    if (i > 1 && j > 1 && c == t->cp[j - 2] && key[i - 2] == t->cp[j - 1] &&
        t->rows[i - 2][j - 2] + 1u < v)
      v = t->rows[i - 2][j - 2] + 1u;
    r[j] = (uint8_t)(v < cap ? v : cap);
    if (r[j] < best) best = r[j];
  }
  return best;
}

/* Moves to the first key >= to_key[0..n) into *key / *len. @return 1, 0 at the end, or < 0. */
static int skip_to(const kz_dict_source *dict, const char *to_key, size_t n, const char **key,
                   size_t *len) {
  int rc = dict->seek(dict->ctx, to_key, n);
  return rc ? rc : dict->next(dict->ctx, key, len);
}

#define NO_LETTER UINT32_MAX

/*
 * When the child `c` of a prefix of `depth` code points is dead, the next
 * letter after c that can keep the prefix alive, or NO_LETTER. A dead child
 * means every target's row at `depth` has its minimum at max_edits or above;
 * then a cell of the child's row is within max_edits only on the diagonal
 * from a cell equal to max_edits with a matching letter (insertions and
 * transpositions cost more; see the file comment), so the letters that can
 * follow are the target's letters right after such cells.
 */
static uint32_t next_letter(const target *t, size_t n_targets, size_t depth, uint32_t c,
                            unsigned max_edits) {
  uint32_t best = NO_LETTER;
  for (size_t k = 0; k < n_targets; k++)
    for (size_t j = 0; j < t[k].m; j++)
      if (t[k].rows[depth][j] <= max_edits && t[k].cp[j] > c && t[k].cp[j] < best &&
          t[k].cp[j] < 0x110000u)
        best = t[k].cp[j];
  return best;
}

/* UTF-8 of code point c (below 0x110000) into out; @return its length. */
static size_t encode(uint32_t c, char *out) {
  unsigned char *o = (unsigned char *)out;
  if (c < 0x80) {
    o[0] = (unsigned char)c;
    return 1;
  }
  if (c < 0x800) {
    o[0] = (unsigned char)(0xC0 | c >> 6);
    o[1] = (unsigned char)(0x80 | (c & 0x3F));
    return 2;
  }
  if (c < 0x10000) {
    o[0] = (unsigned char)(0xE0 | c >> 12);
    o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (c & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | c >> 18);
  o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (c & 0x3F));
  return 4;
}

/* The smallest key greater than every key starting with p[0..n): p with its last byte raised. */
static size_t successor(char *p, size_t n) {
  while (n > 0 && (unsigned char)p[n - 1] == 0xFF) n--;
  if (n > 0) p[n - 1] = (char)((unsigned char)p[n - 1] + 1);
  return n;
}

/*
 * A cell (i, j) depends only on the key's first i and the target's first j
 * code points, so a target that is a prefix of the other (a stem mostly is
 * of its word: "running", "run") has the other's rows cut at its length.
 * Then one set of rows serves both: the longer target keeps the shorter's
 * length in `also`, its rows live exactly when one of the two would, and
 * the key's distance is the smaller of the cells at the two lengths.
 * @return the number of targets left (1 or 2).
 */
static size_t merge_prefix(target *t, size_t n_targets) {
  if (n_targets < 2) return n_targets;
  size_t longer = t[0].m >= t[1].m ? 0 : 1, m = t[1 - longer].m;
  if (memcmp(t[0].cp, t[1].cp, m * sizeof *t[0].cp) != 0) return n_targets;
  if (longer) {
    target tmp = t[0];
    t[0] = t[1];
    t[1] = tmp;
  }
  t[0].also = m;
  return 1;
}

/* The smallest cell of the targets' rows at `depth` (within their bands; the rest are at cap). */
static unsigned row_min(const target *t, size_t n_targets, size_t depth) {
  unsigned best = 255;
  for (size_t k = 0; k < n_targets; k++) {
    size_t band = t[k].cap - 1, lo = depth > band ? depth - band : 0;
    size_t hi = depth + band < t[k].m ? depth + band : t[k].m;
    for (size_t j = lo; j <= hi; j++)
      if (t[k].rows[depth][j] < best) best = t[k].rows[depth][j];
  }
  return best;
}

/*
 * Where to go when `key` died at code point `dead` (its rows up to dead - 1
 * live): into next_key, @return its length (at most skip: past every key
 * after the lead bytes). The next child of the parent that can stay alive
 * (next_letter); when there is none, the parent is done, and if the
 * grandparent's row is at the distance too, so are its children up to the
 * next letter that can live there, and so on up: one seek instead of one per
 * level (each landing on a key that would die at once).
 */
static size_t after_dead(const target *t, size_t n_targets, unsigned max_edits, const char *key,
                         size_t skip, const uint32_t *key_cp, const uint16_t *key_end, size_t dead,
                         char *next_key) {
  size_t depth = dead - 1; /* the parent's code points */
  for (;;) {
    size_t parent = skip + (depth ? key_end[depth - 1] : 0);
    memcpy(next_key, key, parent);
    uint32_t s = next_letter(t, n_targets, depth, key_cp[depth], max_edits);
    if (s != NO_LETTER) return parent + encode(s, next_key + parent);
    if (depth == 0 || row_min(t, n_targets, depth - 1) < max_edits)
      return successor(next_key, parent); /* every child of the grandparent may live */
    depth--;
  }
}

int kz_fuzzy_scan(const kz_dict_source *dict, const char *lead, size_t skip,
                  const char *const *targets, const size_t *target_lens, size_t n_targets,
                  int max_edits, kz_fuzzy_visit visit, void *visit_ctx, uint64_t *compared) {
  if (max_edits < 0 || max_edits > 2 || n_targets < 1 || n_targets > 2 || skip > 8)
    return KZ_ERR_INVALID;
  target *t = calloc(n_targets, sizeof *t);
  if (!t) return KZ_ERR_NOMEM;
  int rc = KZ_OK;
  for (size_t i = 0; i < n_targets && !rc; i++) {
    t[i].m = decode((const unsigned char *)targets[i], target_lens[i], t[i].cp, NULL, ROW);
    t[i].also = t[i].m;
    if (t[i].m > KZ_FUZZY_MAX_LETTERS) rc = KZ_ERR_INVALID;
    else
      rc = target_init(&t[i], (size_t)max_edits);
  }
  size_t n_all = n_targets; /* rows to free */
  if (!rc) n_targets = merge_prefix(t, n_targets);
  uint32_t key_cp[ROW];
  uint16_t key_end[ROW];
  char prev[KZ_MAX_TERM_KEY_BYTES + 8];
  size_t prev_len = 0, valid = 0; /* rows 1..valid belong to prev's code points */
  uint64_t read = 0;
  if (!rc) rc = dict->seek(dict->ctx, lead, skip);
  const char *key = NULL;
  size_t len = 0;
  int more = 0, have = 0; /* have: skip_to already read the key to look at next */
  while (!rc) {
    more = have ? 1 : dict->next(dict->ctx, &key, &len);
    have = 0;
    if (more <= 0) {
      rc = more;
      break;
    }
    read++;
    if (len < skip || memcmp(key, lead, skip) != 0) break;
    const unsigned char *rest = (const unsigned char *)key + skip;
    size_t rest_len = len - skip;
    if (rest_len > KZ_MAX_TERM_KEY_BYTES) rest_len = KZ_MAX_TERM_KEY_BYTES;
    size_t n = decode(rest, rest_len, key_cp, key_end, ROW);
    size_t shared = 0, lcp = 0; /* code points shared with prev whose rows are valid */
    while (lcp < prev_len && lcp < rest_len && (unsigned char)prev[lcp] == rest[lcp]) lcp++;
    while (shared < valid && shared < n && key_end[shared] <= lcp) shared++;
    int dead = 0;
    size_t i = shared + 1;
    for (; i <= n && i <= KZ_FUZZY_MAX_LETTERS; i++) {
      unsigned best = 255;
      for (size_t k = 0; k < n_targets; k++) {
        unsigned b = fill_row(&t[k], key_cp, i);
        if (b < best) best = b;
      }
      if (best > (unsigned)max_edits) {
        dead = 1;
        break;
      }
    }
    memcpy(prev + lcp, rest + lcp, rest_len - lcp); /* prev[0..lcp) holds those bytes already */
    prev_len = rest_len;
    if (dead) {
      valid = i - 1;
      char next_key[KZ_MAX_TERM_KEY_BYTES + 16];
      size_t to = after_dead(t, n_targets, (unsigned)max_edits, key, skip, key_cp, key_end, i,
                             next_key);
      if (to <= skip) break; /* past everything after the lead bytes */
      more = skip_to(dict, next_key, to, &key, &len);
      if (more < 0) rc = more;
      have = more > 0;
      if (more == 0) break;
      continue;
    }
    valid = n < KZ_FUZZY_MAX_LETTERS ? n : KZ_FUZZY_MAX_LETTERS;
    if (n > KZ_FUZZY_MAX_LETTERS) continue;
    unsigned d = 255;
    for (size_t k = 0; k < n_targets; k++) {
      if (t[k].rows[n][t[k].m] < d) d = t[k].rows[n][t[k].m];
      if (t[k].rows[n][t[k].also] < d) d = t[k].rows[n][t[k].also];
    }
    if (d <= (unsigned)max_edits) rc = visit(visit_ctx, key, len, (int)d);
  }
  for (size_t i = 0; i < n_all; i++) free(t[i].rows);
  free(t);
  if (compared) *compared = read;
  return rc;
}

int kz_fuzzy_distance(const char *a, size_t a_len, const char *b, size_t b_len) {
  target t;
  uint32_t key[ROW];
  t.m = decode((const unsigned char *)b, b_len, t.cp, NULL, ROW);
  size_t n = decode((const unsigned char *)a, a_len, key, NULL, ROW);
  if (target_init(&t, 254)) return KZ_ERR_NOMEM;
  for (size_t i = 1; i <= n; i++) fill_row(&t, key, i);
  int d = t.rows[n][t.m];
  free(t.rows);
  return d;
}
