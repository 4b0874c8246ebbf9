/*
 * acronym_expand.c - acronyms and long forms added to a query (see
 * acronym_expand.h).
 *
 * The rule for short forms that are also English words (WHO, US, IT): a
 * word expands only when it is typed exactly as the acronym is written in
 * the text, case included, and the acronym has at least two capital
 * letters (KZ_ALIAS_MIN_CAPITALS: the alias set expands no other). "WHO" is expanded, "who" and "Who" are not; "Fed" never is. The
 * other way, a long form adds its acronym only when the acronym's term is
 * not mostly an ordinary word (KZ_EXPANSION_MAX_DF_RATIO), since the index
 * folds case and cannot tell "WHO" from "who".
 *
 * An added clause shares the position of the one it was added to, which is
 * how kz_expansion_weigh finds the idf to scale.
 */
#include "searcher/acronym_expand.h"

#include <stdlib.h>
#include <string.h>

#include "format/format.h"

/* Long enough for any long form of the table (KZ_ALIAS_MAX_LONG). */
#define KZ_EXPANSION_NORM_BYTES 256

typedef struct expander {
  const kz_index *idx;
  kz_analyzer *an;
  kz_expansions *out;
  char norm[KZ_EXPANSION_NORM_BYTES];
} expander;

/* The phrase's words with ASCII folded to lower case and single spaces, as the table keeps long forms. */
static size_t normalise(char *dst, size_t cap, const char *s, size_t n) {
  size_t len = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    int space = c == ' ' || (c >= '\t' && c <= '\r');
    if (space && (!len || dst[len - 1] == ' ')) continue;
    if (len == cap) return 0;
    dst[len++] = space ? ' ' : (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  while (len && dst[len - 1] == ' ') len--;
  return len;
}

/* Documents holding the acronym's term, or 0 when it is not one term. */
static uint64_t acronym_df(expander *x, const char *sf) {
  kz_token tok;
  char key[KZ_EXPANSION_NORM_BYTES + 2];
  size_t key_len = 0;
  int n = 0, rc;
  kz_analyzer_reset(x->an, sf, strlen(sf));
  while ((rc = kz_analyzer_next(x->an, &tok)) == 1) {
    if (++n > 1 || tok.term_len + 1 > sizeof key) return 0;
    key[0] = (char)KZ_FIELD_TEXT;
    memcpy(key + 1, tok.term, tok.term_len);
    key_len = tok.term_len + 1;
  }
  if (rc < 0 || n != 1) return 0;
  uint64_t df = 0;
  for (size_t s = 0; s < x->idx->n_segs; s++) {
    kz_term_info info;
    if (kz_segment_lookup(&x->idx->segs[s], key, key_len, &info) == 1) df += info.df;
  }
  return df;
}

static int record(expander *x, const char *from, const char *to, uint64_t docs) {
  for (size_t i = 0; i < x->out->n; i++)
    if (x->out->items[i].from == from && x->out->items[i].to == to) return KZ_OK;
  kz_expansion *e = realloc(x->out->items, (x->out->n + 1) * sizeof *e);
  if (!e) return KZ_ERR_NOMEM;
  x->out->items = e;
  e[x->out->n++] = (kz_expansion){from, to, docs};
  return KZ_OK;
}

/* Replaces *slot by (*slot OR added), the OR taking over the slot's occur. */
static int add_alternative(kz_qnode **slot, kz_qkind kind, const char *text) {
  kz_qnode *orig = *slot;
  kz_qnode *alt = calloc(1, sizeof *alt), *or = calloc(1, sizeof *or);
  kz_qnode **children = malloc(2 * sizeof *children);
  if (!alt || !or || !children) {
    free(alt);
    free(or);
    free(children);
    return KZ_ERR_NOMEM;
  }
  alt->kind = kind;
  alt->text = text;
  alt->text_len = strlen(text);
  alt->position = orig->position;
  alt->field = KZ_FIELD_TEXT;
  alt->expansion = 1;
  or->kind = KZ_Q_OR;
  or->occur = orig->occur;
  or->position = orig->position;
  orig->occur = KZ_OCCUR_DEFAULT;
  children[0] = orig;
  children[1] = alt;
  or->children = children;
  or->n_children = 2;
  *slot = or;
  return KZ_OK;
}

static int expand_leaf(expander *x, kz_qnode **slot) {
  const kz_qnode *q = *slot;
  if (q->field != KZ_FIELD_TEXT || x->out->n >= KZ_MAX_ACRONYM_EXPANSIONS) return KZ_OK;
  const kz_alias_set *set = &x->idx->aliases;
  if (q->kind == KZ_Q_WORD) {
    const kz_alias *a = kz_alias_set_by_short(set, q->text, q->text_len);
    if (!a) return KZ_OK;
    int rc = add_alternative(slot, KZ_Q_PHRASE, a->long_form);
    return rc ? rc : record(x, a->short_form, a->long_form, a->docs);
  }
  size_t n = normalise(x->norm, sizeof x->norm, q->text, q->text_len);
  const kz_alias *a = n ? kz_alias_set_by_long(set, x->norm, n) : NULL;
  if (!a) return KZ_OK;
  uint64_t df = acronym_df(x, a->short_form);
  if (df > (uint64_t)KZ_EXPANSION_MAX_DF_RATIO * a->docs) return KZ_OK;
  int rc = add_alternative(slot, KZ_Q_WORD, a->short_form);
  return rc ? rc : record(x, a->long_form, a->short_form, a->docs);
}

static int walk(expander *x, kz_qnode **slot) {
  kz_qnode *q = *slot;
  if (q->kind == KZ_Q_WORD || q->kind == KZ_Q_PHRASE) return expand_leaf(x, slot);
  for (size_t i = 0; i < q->n_children; i++) {
    int rc = walk(x, &q->children[i]);
    if (rc) return rc;
  }
  return KZ_OK;
}

int kz_acronym_expand(kz_qnode **root, const kz_index *idx, kz_analyzer *an, kz_expansions *out) {
  memset(out, 0, sizeof *out);
  if (!idx->aliases.n_long) return KZ_OK;
  expander x = {idx, an, out, {0}};
  return walk(&x, root);
}

/* The idf of the first leaf at `position` that was not added (-1 when none). */
static double typed_idf(const kz_plan *p, size_t position) {
  if ((p->kind == KZ_P_TERM || p->kind == KZ_P_PHRASE) && !p->expansion && p->position == position)
    return p->idf;
  kz_plan *const *lists[3] = {p->must, p->should, p->not};
  size_t counts[3] = {p->n_must, p->n_should, p->n_not};
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < counts[l]; i++) {
      double idf = typed_idf(lists[l][i], position);
      if (idf >= 0) return idf;
    }
  return -1;
}

static void weigh(kz_plan *root, kz_plan *p) {
  if ((p->kind == KZ_P_TERM || p->kind == KZ_P_PHRASE) && p->expansion) {
    double idf = typed_idf(root, p->position);
    p->idf = KZ_EXPANSION_WEIGHT * (idf >= 0 ? idf : p->idf);
  }
  kz_plan **lists[3] = {p->must, p->should, p->not};
  size_t counts[3] = {p->n_must, p->n_should, p->n_not};
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < counts[l]; i++) weigh(root, lists[l][i]);
}

void kz_expansion_weigh(kz_plan *plan) { weigh(plan, plan); }

void kz_expansions_free(kz_expansions *e) {
  free(e->items);
  e->items = NULL;
  e->n = 0;
}
