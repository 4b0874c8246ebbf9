/*
 * suggest.c - "did you mean" (see suggest.h). Each candidate word is
 * analyzed as the query would be; its stem's document frequency is summed
 * over the segments; the fuzzy scan (fuzzy_scan.h) over the same field's
 * dictionary finds the spellings within the word's automatic distance of
 * the folded word or of its stem, and the most frequent one wins when it is
 * KZ_SUGGEST_FACTOR times as frequent. Whether the corrected query matches
 * enough more is for the caller to check (search.c counts it).
 *
 * The dictionary holds stems ("pipelin"), which no user would type, so the
 * word shown is a spelling of that stem taken from the text of the first
 * documents that hold it, at the positions its postings give: of those
 * folded words, the one nearest to the word typed ("pipelnie" ->
 * "pipeline", not "pipelines").
 */
#include "searcher/suggest.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "format/docstore_reader.h"
#include "format/postings_reader.h"
#include "format/term_enum.h"
#include "kzsearch.h"
#include "searcher/fuzzy_scan.h"
#include "searcher/query_suffix.h"

typedef struct best {
  kz_term_enum *e;
  const kz_term_match *m;
  size_t n_m;
  uint64_t df;      /* the word's own */
  uint64_t best_df; /* the best spelling's, 0 for none yet */
  char key[KZ_FUZZY_MAX_LETTERS * 4 + 2];
  size_t key_len;
  char shown[KZ_FUZZY_MAX_LETTERS * 4 + 2]; /* the word the suggestion writes for key */
  size_t shown_len;
} best;

/* Documents whose text is read for a spelling of the suggested stem, and its occurrences in each. */
#define KZ_SUGGEST_SPELLING_DOCS 3u
#define KZ_SUGGEST_SPELLING_OCCURRENCES 8u

static int enum_seek(void *ctx, const char *key, size_t len) {
  return kz_term_enum_seek(((best *)ctx)->e, key, len);
}

static int enum_next(void *ctx, const char **key, size_t *len) {
  best *b = ctx;
  return kz_term_enum_next(b->e, key, len, &b->m, &b->n_m);
}

static int visit(void *ctx, const char *key, size_t len, int distance) {
  best *b = ctx;
  uint64_t df = 0;
  for (size_t i = 0; i < b->n_m; i++) df += b->m[i].info.df;
  if (distance == 0 || df <= b->best_df || len > sizeof b->key) return KZ_OK;
  b->best_df = df;
  memcpy(b->key, key, len);
  b->key_len = len;
  return KZ_OK;
}

/* The df of key over the segments. */
static int df_of(const kz_segment *segs, size_t n, const char *key, size_t len, uint64_t *out) {
  *out = 0;
  for (size_t s = 0; s < n; s++) {
    kz_term_info info;
    int found = kz_segment_lookup(&segs[s], key, len, &info);
    if (found < 0) return found;
    if (found) *out += info.df;
  }
  return KZ_OK;
}

/*
 * The folded words at positions want[0 .. n) (increasing) of the text field
 * of a stored document: its title then its body, positions continuing, as
 * the indexer numbers them. The nearest to `typed` goes into b->shown (when
 * nearer than *distance). Reading stops past the last position wanted, and
 * nothing is stemmed: the positions already say which words are the stem's.
 */
static int nearest_at(best *b, kz_analyzer *an, const kz_stored_doc *doc, const uint32_t *want,
                      size_t n, const char *typed, size_t typed_len, int *distance) {
  uint32_t base = 0;
  size_t i = 0;
  for (int f = KZ_STORED_TITLE; f <= KZ_STORED_BODY && i < n; f++) {
    kz_token tok;
    int rc;
    uint32_t next = base;
    kz_analyzer_reset(an, doc->field[f], doc->len[f]);
    while (i < n && (rc = kz_analyzer_next_unstemmed(an, &tok)) == 1) {
      uint32_t at = base + tok.position;
      next = at + 1;
      while (i < n && want[i] < at) i++; /* a position this text does not reach */
      if (i == n || want[i] != at) continue;
      i++;
      if (tok.term_len > sizeof b->shown) continue;
      int d = kz_fuzzy_distance(typed, typed_len, tok.term, tok.term_len);
      if (d >= *distance) continue;
      *distance = d;
      memcpy(b->shown, tok.term, tok.term_len);
      b->shown_len = tok.term_len;
    }
    if (rc < 0) return rc;
    base = next; /* the body continues after the title's last position */
  }
  return KZ_OK;
}

/*
 * A word to show for the stem b->key: the spelling nearest to `typed` among
 * its first occurrences in the first documents that hold it; the stem
 * itself only when no occurrence is read (any real word beats a stem, which
 * no user types, even when the stem is nearer to the word typed).
 */
static int spelling_of(best *b, kz_analyzer *an, const kz_segment *segs, size_t n,
                       const char *typed, size_t typed_len) {
  memcpy(b->shown, b->key + 1, b->key_len - 1);
  b->shown_len = b->key_len - 1;
  int distance = INT_MAX;
  size_t read = 0;
  kz_stored_doc doc = KZ_STORED_DOC_INIT;
  uint32_t want[KZ_SUGGEST_SPELLING_OCCURRENCES];
  int rc = KZ_OK;
  for (size_t s = 0; s < n && read < KZ_SUGGEST_SPELLING_DOCS && !rc; s++) {
    kz_term_info info;
    int found = kz_segment_lookup(&segs[s], b->key, b->key_len, &info);
    if (found <= 0) {
      rc = found;
      continue;
    }
    int error = 0;
    kz_postings c;
    kz_postings_init(&c, &segs[s], &info, &error);
    for (uint32_t d = kz_postings_next(&c); d != KZ_DOC_END && read < KZ_SUGGEST_SPELLING_DOCS && !rc;
         d = kz_postings_next(&c), read++) {
      int got = kz_postings_first_positions(&c, want, KZ_SUGGEST_SPELLING_OCCURRENCES,
                                            KZ_SUGGEST_SPELLING_OCCURRENCES, 0);
      if (got < 0) rc = got;
      else if (!(rc = kz_docstore_get(&segs[s].store, d, &doc)))
        rc = nearest_at(b, an, &doc, want, (size_t)got, typed, typed_len, &distance);
    }
    if (!rc && error) rc = error;
  }
  kz_stored_doc_free(&doc);
  return rc;
}

/* The best spelling of word node q into b (b->best_df 0 when none). */
static int spell(best *b, const kz_qnode *q, kz_analyzer *an, const kz_segment *segs, size_t n) {
  char word[KZ_FUZZY_MAX_LETTERS * 4 + 2], stem[sizeof word];
  size_t word_len = 0, stem_len = 0;
  kz_token tok;
  kz_analyzer_reset(an, q->text, q->text_len);
  int rc = kz_analyzer_next_unstemmed(an, &tok);
  if (rc <= 0 || tok.term_len + 1 > sizeof word) return rc;
  word[0] = (char)q->field;
  memcpy(word + 1, tok.term, tok.term_len);
  word_len = tok.term_len + 1;
  size_t letters = 0;
  for (size_t i = 0; i < tok.term_len; i++) letters += ((unsigned char)tok.term[i] & 0xC0) != 0x80;
  if ((rc = kz_analyzer_next_unstemmed(an, &tok)) != 0) return rc < 0 ? rc : KZ_OK; /* several words */
  kz_analyzer_reset(an, q->text, q->text_len);
  if ((rc = kz_analyzer_next(an, &tok)) != 1 || tok.term_len + 1 > sizeof stem) return rc < 0 ? rc : KZ_OK;
  stem[0] = (char)q->field;
  memcpy(stem + 1, tok.term, tok.term_len);
  stem_len = tok.term_len + 1;
  int edits = kz_fuzzy_auto_edits(letters);
  if (edits == 0) return KZ_OK;
  if ((rc = df_of(segs, n, stem, stem_len, &b->df))) return rc;
  b->best_df = 0;
  const char *targets[2] = {word + 1, stem + 1};
  size_t lens[2] = {word_len - 1, stem_len - 1};
  size_t n_targets = word_len == stem_len && memcmp(word, stem, word_len) == 0 ? 1 : 2;
  kz_dict_source src = {b, enum_seek, enum_next};
  rc = kz_fuzzy_scan(&src, word, 1, targets, lens, n_targets, edits, visit, b, NULL);
  if (!rc && b->best_df < KZ_SUGGEST_FACTOR * b->df) b->best_df = 0; /* any beats none */
  if (!rc && b->best_df) rc = spelling_of(b, an, segs, n, word + 1, word_len - 1);
  return rc;
}

typedef struct rewrite {
  const char *text;
  size_t copied; /* text[0..copied) is in out */
  kz_buf out;
  int changed;
} rewrite;

static int walk(rewrite *r, best *b, const kz_qnode *q, kz_analyzer *an, const kz_segment *segs,
                size_t n) {
  if (q->kind == KZ_Q_NOT || q->occur == KZ_OCCUR_MUST_NOT) return KZ_OK;
  if (q->kind == KZ_Q_WORD) {
    int rc = spell(b, q, an, segs, n);
    if (rc || b->best_df == 0) return rc;
    size_t at = (size_t)(q->text - r->text);
    if ((rc = kz_buf_append_cstr(&r->out, r->text + r->copied, at - r->copied)) ||
        (rc = kz_buf_append_cstr(&r->out, b->shown, b->shown_len)))
      return rc;
    r->copied = at + q->text_len;
    r->changed = 1;
    return KZ_OK;
  }
  for (size_t i = 0; i < q->n_children; i++) {
    int rc = walk(r, b, q->children[i], an, segs, n);
    if (rc) return rc;
  }
  return KZ_OK;
}

int kz_suggest(char **out, const char *text, const kz_qnode *tree, kz_analyzer *an,
               const kz_segment *segs, size_t n_segs) {
  *out = NULL;
  best b;
  memset(&b, 0, sizeof b);
  rewrite r = {text, 0, KZ_BUF_INIT, 0};
  int rc = kz_term_enum_new(&b.e, segs, n_segs);
  if (!rc) rc = walk(&r, &b, tree, an, segs, n_segs);
  kz_term_enum_free(b.e);
  size_t len = strlen(text);
  if (!rc && r.changed) rc = kz_buf_append_cstr(&r.out, text + r.copied, len - r.copied);
  if (!rc && r.changed) {
    char *s = malloc(r.out.len + 1);
    if (!s) rc = KZ_ERR_NOMEM;
    else {
      memcpy(s, r.out.data, r.out.len);
      s[r.out.len] = 0;
      *out = s;
    }
  }
  kz_buf_free(&r.out);
  return rc;
}
