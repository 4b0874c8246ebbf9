/*
 * name_expand.c - adds the other spellings of the query's names to its
 * plan, and tells which of them matched (see name_expand.h).
 */
#include "searcher/name_expand.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "analysis/name_key.h"
#include "format/name_table.h"
#include "kzsearch.h"

/* The spellings of one term: the term itself first, then its variants. */
typedef struct spellings {
  const char *term[1 + KZ_NAME_MAX_VARIANTS]; /* borrowed from the plan or a mapped table */
  size_t len[1 + KZ_NAME_MAX_VARIANTS];
  size_t n;
} spellings;

typedef struct expander {
  const char *text; /* the query the plan was parsed from */
  size_t len;
  const kz_segment *segs;
  size_t n_segs;
  const char *language;
  kz_name_keyer *keyer; /* made at the first capitalised word: most queries need none */
  kz_name_variants *v;
} expander;

static void add_spelling(spellings *s, const char *term, size_t len) {
  for (size_t i = 0; i < s->n; i++)
    if (s->len[i] == len && memcmp(s->term[i], term, len) == 0) return;
  if (s->n == 1 + KZ_NAME_MAX_VARIANTS) return;
  s->term[s->n] = term;
  s->len[s->n++] = len;
}

/*
 * Calls visit on every entry of the names tables with key[0..key_len).
 * @return KZ_OK, KZ_ERR_CORRUPT, or visit's error.
 */
static int each_entry(expander *x, const char *key, size_t key_len,
                      int (*visit)(expander *x, const kz_name_entry *e, void *arg), void *arg) {
  for (size_t i = 0; i < x->n_segs; i++) {
    const kz_mapped_file *f = &x->segs[i].file[KZ_SEGFILE_NAMES];
    kz_name_table t;
    uint32_t j;
    if (kz_name_table_open(&t, f->body, f->body_size) || kz_name_table_seek(&t, key, key_len, &j))
      return KZ_ERR_CORRUPT;
    for (; j < t.n; j++) {
      kz_name_entry e;
      if (kz_name_table_entry(&t, j, &e)) return KZ_ERR_CORRUPT;
      if (e.key_len != key_len || memcmp(e.key, key, key_len) != 0) break;
      int rc = visit(x, &e, arg);
      if (rc) return rc;
    }
  }
  return KZ_OK;
}

/* The typed term and whether some segment calls it English. */
typedef struct typed {
  const char *term;
  size_t len;
  int english;
} typed;

static int note_english(expander *x, const kz_name_entry *e, void *arg) {
  (void)x;
  typed *t = arg;
  if (e->term_len == t->len && memcmp(e->term, t->term, t->len) == 0) t->english |= e->english;
  return KZ_OK;
}

typedef struct gather {
  const typed *t;
  spellings *s;
} gather;

static int add_agreeing(expander *x, const kz_name_entry *e, void *arg) {
  gather *g = arg;
  int rc = kz_name_spellings_agree(x->keyer, g->t->term, g->t->len, g->t->english, e->term,
                                   e->term_len, e->english);
  if (rc == 1) add_spelling(g->s, e->term, e->term_len);
  return rc < 0 ? rc : KZ_OK;
}

/*
 * The term (without field byte) and every term of the names tables with its
 * key that is the same name by kz_name_spellings_agree. A typed term the
 * tables do not hold is taken as not English.
 */
static int spellings_of(expander *x, const char *term, size_t len, spellings *s) {
  s->n = 0;
  add_spelling(s, term, len);
  char key[KZ_NAME_KEY_MAX + 1];
  size_t key_len;
  int rc = x->keyer ? KZ_OK : kz_name_keyer_new(&x->keyer, x->language);
  if (rc) return rc;
  rc = kz_name_key(x->keyer, term, len, key, &key_len);
  if (rc <= 0) return rc;
  typed t = {term, len, 0};
  gather g = {&t, s};
  rc = each_entry(x, key, key_len, note_english, &t);
  return rc ? rc : each_entry(x, key, key_len, add_agreeing, &g);
}

static int remember(kz_name_variants *v, kz_plan *leaf, uint64_t changed) {
  if (v->n == v->cap) {
    size_t cap = v->cap ? 2 * v->cap : 8;
    kz_plan **a = realloc(v->added, cap * sizeof *a);
    if (a) v->added = a;
    kz_plan **t = a ? realloc(v->typed, cap * sizeof *t) : NULL;
    if (t) v->typed = t;
    uint64_t *c = t ? realloc(v->changed, cap * sizeof *c) : NULL;
    if (!c) return KZ_ERR_NOMEM;
    v->changed = c;
    v->cap = cap;
  }
  v->added[v->n] = leaf;
  v->typed[v->n] = NULL; /* set once the typed leaf has moved (expand_leaf) */
  v->changed[v->n++] = changed;
  return KZ_OK;
}

/* A copy of leaf p (TERM or PHRASE) with term i spelled alt[i]. */
static int respelled(const kz_plan *p, const spellings *alt, const size_t *pick, kz_plan **out) {
  kz_plan *q = calloc(1, sizeof *q);
  if (!q || !(q->terms = calloc(p->n_terms, sizeof *q->terms))) {
    free(q);
    return KZ_ERR_NOMEM;
  }
  q->kind = p->kind;
  q->position = p->position;
  q->field = p->field;
  q->slop = p->slop; /* a sloppy phrase or NEAR stays one */
  q->near = p->near;
  for (size_t i = 0; i < p->n_terms; i++, q->n_terms++) {
    const char *t = alt[i].term[pick[i]];
    size_t n = alt[i].len[pick[i]];
    kz_pterm *d = &q->terms[i];
    if (!(d->key = malloc(n + 2))) {
      kz_plan_free(q);
      return KZ_ERR_NOMEM;
    }
    d->key[0] = p->terms[i].key[0];
    memcpy(d->key + 1, t, n);
    d->key[n + 1] = '\0';
    d->key_len = n + 1;
    d->offset = p->terms[i].offset;
  }
  *out = q;
  return KZ_OK;
}

/* Turns leaf p into the SHOULD of itself and its other spellings, when it has some. */
static int expand_leaf(expander *x, kz_plan *p) {
  if (p->n_terms > 64) return KZ_OK; /* the changed mask has 64 bits; no name is that long */
  spellings *alt = calloc(p->n_terms, sizeof *alt);
  size_t *pick = calloc(p->n_terms, sizeof *pick);
  int rc = alt && pick ? KZ_OK : KZ_ERR_NOMEM;
  size_t combos = 1;
  for (size_t i = 0; i < p->n_terms && !rc; i++) {
    rc = spellings_of(x, p->terms[i].key + 1, p->terms[i].key_len - 1, &alt[i]);
    combos = combos * alt[i].n > KZ_NAME_MAX_PHRASES + 1 ? KZ_NAME_MAX_PHRASES + 1 : combos * alt[i].n;
  }
  kz_plan **should = NULL;
  size_t n_should = 0, n_before = x->v->n;
  if (!rc && combos > 1 && (should = calloc(combos, sizeof *should)) == NULL) rc = KZ_ERR_NOMEM;
  /* Every spelling other than the typed one, by a mixed-radix count over pick[]. */
  while (!rc && combos > 1 && n_should + 1 < combos && x->v->n < KZ_NAME_MAX_ADDED) {
    size_t i = 0;
    while (i < p->n_terms && ++pick[i] == alt[i].n) pick[i++] = 0;
    if (i == p->n_terms) break; /* back to the typed spelling: all done */
    uint64_t changed = 0;
    for (size_t j = 0; j < p->n_terms; j++) changed |= (uint64_t)(pick[j] != 0) << j;
    if (!(rc = respelled(p, alt, pick, &should[n_should + 1])))
      rc = remember(x->v, should[++n_should], changed);
  }
  if (!rc && n_should) { /* p's own leaf moves into should[0]; p becomes their BOOL */
    kz_plan *own = calloc(1, sizeof *own);
    if (!own) rc = KZ_ERR_NOMEM;
    if (own) {
      *own = *p;
      memset(p, 0, sizeof *p);
      p->kind = KZ_P_BOOL;
      p->position = own->position;
      p->field = own->field;
      should[0] = own;
      for (size_t i = n_before; i < x->v->n; i++) x->v->typed[i] = own;
      p->should = should;
      p->n_should = n_should + 1;
      should = NULL;
    }
  }
  for (size_t i = 1; should && i <= n_should; i++) kz_plan_free(should[i]);
  if (rc) x->v->n = n_before; /* the leaves it added are freed: forget them */
  free(should);
  free(alt);
  free(pick);
  return rc;
}

/*
 * Whether the clause at byte `at` of the query starts with a capital letter,
 * past a modifier, a "title:" and a phrase's quote.
 */
static int typed_capitalised(const expander *x, size_t at) {
  const char *s = x->text;
  while (at < x->len && (s[at] == '+' || s[at] == '-' || s[at] == '"' || s[at] == '(')) at++;
  if (x->len - at > 6 && strncasecmp(s + at, "title:", 6) == 0) at += 6;
  while (at < x->len && s[at] == '"') at++;
  if (at >= x->len) return 0;
  utf8proc_int32_t cp;
  if (utf8proc_iterate((const utf8proc_uint8_t *)s + at, (utf8proc_ssize_t)(x->len - at), &cp) <= 0)
    return 0;
  return utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

static int walk(expander *x, kz_plan *p) {
  if (p->kind == KZ_P_TERM || p->kind == KZ_P_PHRASE)
    return typed_capitalised(x, p->position) ? expand_leaf(x, p) : KZ_OK;
  int rc = KZ_OK;
  for (size_t i = 0; i < p->n_must && !rc; i++) rc = walk(x, p->must[i]);
  for (size_t i = 0; i < p->n_should && !rc; i++) rc = walk(x, p->should[i]);
  return rc; /* p->not: "-Tokayev" excludes the spelling typed only */
}

int kz_names_expand(kz_plan *plan, const char *text, size_t len, const kz_segment *segs,
                    size_t n_segs, const char *language, kz_name_variants *v) {
  memset(v, 0, sizeof *v);
  if (!plan) return KZ_OK;
  int any_table = 0; /* an index written before names tables has nothing to offer */
  for (size_t i = 0; i < n_segs; i++) any_table |= kz_segfile_present(&segs[i].info, KZ_SEGFILE_NAMES);
  if (!any_table) return KZ_OK;
  expander x = {text, len, segs, n_segs, language, NULL, v};
  int rc = walk(&x, plan);
  kz_name_keyer_free(x.keyer);
  return rc;
}

int kz_names_matched(const kz_name_variants *v, char ***out, size_t *n) {
  *out = NULL;
  *n = 0;
  size_t count = 0, bytes = 0;
  for (size_t i = 0; i < v->n; i++)
    for (size_t j = 0; j < v->added[i]->n_terms; j++) {
      count++;
      bytes += v->added[i]->terms[j].key_len;
    }
  if (!count) return KZ_OK;
  char **list = malloc(count * sizeof *list + bytes);
  if (!list) return KZ_ERR_NOMEM;
  char *s = (char *)(list + count);
  size_t k = 0;
  for (size_t i = 0; i < v->n; i++) {
    const kz_plan *p = v->added[i];
    int all_found = 1;
    for (size_t j = 0; j < p->n_terms; j++) all_found &= p->terms[j].df > 0;
    for (size_t j = 0; all_found && j < p->n_terms; j++) {
      if (!(v->changed[i] >> j & 1)) continue;
      const char *t = p->terms[j].key + 1;
      size_t len = p->terms[j].key_len - 1, d = 0;
      while (d < k && strcmp(list[d], t) != 0) d++;
      if (d < k) continue;
      memcpy(s, t, len);
      s[len] = '\0';
      list[k++] = s;
      s += len + 1;
    }
  }
  if (!k) {
    free(list);
    return KZ_OK;
  }
  *out = list;
  *n = k;
  return KZ_OK;
}

void kz_name_variants_free(kz_name_variants *v) {
  free(v->added);
  free(v->typed);
  free(v->changed);
  memset(v, 0, sizeof *v);
}
