/*
 * explain_expansions.c - the query tree's nodes for the words a search
 * added (see explain_expansions.h). Each added word or phrase is counted
 * alone, with every expansion off, so that the figure is what it brought
 * to the search rather than what the whole query matches.
 */
#include "searcher/explain_expansions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The documents that `text` matches with no expansion, in *n; -1 when it cannot be counted as a query. */
static int count_alone(kz_index *idx, const char *text, const kz_search_options *o,
                       const kz_eval_config *cfg, int64_t *n) {
  kz_search_options plain = *o;
  plain.no_expand = 1;
  plain.exact_names = 1;
  plain.explain = 0;
  plain.suggest = 0;
  uint64_t got = 0;
  int rc = kz_count_with(&got, idx, text, &plain, cfg, NULL);
  *n = rc == KZ_OK ? (int64_t)got : -1;
  return rc == KZ_ERR_QUERY || rc == KZ_ERR_LIMIT ? KZ_OK : rc; /* a long form no query can hold */
}

static int explain_acronym(kz_explain *x, kz_explanation *node, kz_index *idx,
                           const kz_expansion *e, const kz_search_options *o,
                           const kz_eval_config *cfg) {
  int to_long = strchr(e->to, ' ') != NULL; /* long forms of one word are never expanded */
  size_t len = strlen(e->to);
  char *text = malloc(len + 3);
  if (!text) return KZ_ERR_NOMEM;
  snprintf(text, len + 3, to_long ? "\"%s\"" : "%s", e->to);
  int64_t n = -1;
  int rc = count_alone(idx, text, o, cfg, &n);
  free(text);
  if (rc) return rc;
  char docs[64] = "cannot be counted";
  if (n >= 0) snprintf(docs, sizeof docs, "in %lld document%s", (long long)n, n == 1 ? "" : "s");
  if (to_long)
    return kz_explain_set(x, node, "acronym", n >= 0 ? (double)n : 0,
                          "acronym %s -> \"%s\": the long form also matches, scored %g times "
                          "the acronym (defined so in %llu documents; the long form is %s)",
                          e->from, e->to, KZ_EXPANSION_WEIGHT, (unsigned long long)e->docs, docs);
  return kz_explain_set(x, node, "long form", n >= 0 ? (double)n : 0,
                        "long form \"%s\" -> %s: the acronym also matches, scored %g times the "
                        "long form (defined so in %llu documents; the acronym is %s)",
                        e->from, e->to, KZ_EXPANSION_WEIGHT, (unsigned long long)e->docs, docs);
}

/* One spelling added for a typed term, with the documents holding it. */
typedef struct respelling {
  const kz_pterm *typed, *added;
} respelling;

static int same_key(const kz_pterm *a, const kz_pterm *b) {
  return a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0;
}

/* The distinct (typed, added) term pairs of the name variants, in query order; *n of them. */
static int respellings(const kz_name_variants *v, respelling **out, size_t *n) {
  size_t cap = 0;
  for (size_t i = 0; i < v->n; i++) cap += v->added[i]->n_terms;
  respelling *r = malloc((cap ? cap : 1) * sizeof *r);
  if (!r) return KZ_ERR_NOMEM;
  size_t k = 0;
  for (size_t i = 0; i < v->n; i++) {
    const kz_plan *p = v->added[i], *t = v->typed[i];
    for (size_t j = 0; t && j < p->n_terms && j < t->n_terms; j++) {
      if (!(v->changed[i] >> j & 1)) continue;
      size_t d = 0;
      while (d < k && !(same_key(r[d].typed, &t->terms[j]) && same_key(r[d].added, &p->terms[j])))
        d++;
      if (d == k) r[k++] = (respelling){&t->terms[j], &p->terms[j]};
    }
  }
  *out = r;
  *n = k;
  return KZ_OK;
}

int kz_explain_expansions(kz_explain *x, kz_index *idx, const kz_expansions *acronyms,
                          const kz_name_variants *names, const kz_search_options *o,
                          const kz_eval_config *cfg) {
  respelling *r = NULL;
  size_t n_r = 0;
  int rc = respellings(names, &r, &n_r);
  if (rc) return rc;
  int acr_off = o->version >= 3 && o->no_expand, names_off = o->version >= 3 && o->exact_names;
  size_t n = acronyms->n + n_r + (size_t)acr_off + (size_t)names_off;
  kz_explanation *nodes = n ? kz_explain_query_extend(x, n) : NULL;
  if (n && !nodes) rc = KZ_ERR_NOMEM;
  size_t k = 0;
  for (size_t i = 0; !rc && i < acronyms->n; i++)
    rc = explain_acronym(x, &nodes[k++], idx, &acronyms->items[i], o, cfg);
  for (size_t i = 0; !rc && i < n_r; i++) {
    const kz_pterm *t = r[i].typed, *a = r[i].added;
    rc = kz_explain_set(x, &nodes[k++], "also matched", (double)a->df,
                        "also matched: %.*s for %.*s, another spelling of the name in the index "
                        "(in %llu document%s)",
                        (int)a->key_len - 1, a->key + 1, (int)t->key_len - 1, t->key + 1,
                        (unsigned long long)a->df, a->df == 1 ? "" : "s");
  }
  if (!rc && acr_off)
    rc = kz_explain_set(x, &nodes[k++], "off", 0,
                        "acronyms and long forms are not expanded (--no-expand, no_expand)");
  if (!rc && names_off)
    rc = kz_explain_set(x, &nodes[k++], "off", 0,
                        "other spellings of names are not matched (--exact, exact_names)");
  free(r);
  return rc;
}
