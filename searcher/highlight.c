/*
 * highlight.c - finds the clause occurrences to highlight in a hit (see
 * highlight.h).
 *
 * The query keeps its own copy of what it needs from the plan, so that it
 * outlives nothing: the sorted distinct terms (one owned string block), the
 * distinct clauses as runs of (term number, offset) words, an index from a
 * term to the clauses whose first word it is, and the boolean tree as nodes
 * whose children are runs of `kids` (must, then should, then not).
 *
 * A document is analyzed once: every token's byte range goes to its field,
 * and its document position and term number to scratch arrays shared by
 * both fields, so that a phrase is checked across the whole position space
 * exactly as the index saw it. Positions strictly increase along the tokens,
 * so a phrase's later words are found by scanning forward from its first.
 * Matches are pushed in token order, hence sorted by start.
 */
#include "searcher/highlight.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
/* A node that always matches: a date filter, which the hit passed and which marks no text. */
#define ALWAYS (UINT32_MAX - 1)

typedef struct hl_node {
  uint32_t clause; /* NONE for a boolean node */
  uint32_t kids;   /* first child in q->kids */
  uint32_t n_must, n_should, n_not;
} hl_node;

struct kz_hl_query {
  char **terms; /* sorted, distinct; strings in `strings` */
  char *strings;
  size_t n_terms;
  uint32_t *cl_words;            /* clause c's words: [cl_words[c], cl_words[c + 1]) */
  uint8_t *cl_title;             /* clause c is a title: clause, found in the title only */
  uint32_t *word_term, *word_offset;
  size_t n_clauses, n_words;
  uint32_t *by_term, *starts;    /* clauses starting with term t: starts[by_term[t] .. by_term[t + 1]) */
  hl_node *nodes;
  uint32_t *kids;
  size_t n_nodes, n_kids;
};

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */
/* ------------------------------------------------------------------------ */

/*
 * Returns p (an array of `size`-byte elements, capacity *cap) with room for
 * `need` elements: p itself, or its reallocation. On failure sets *rc to
 * KZ_ERR_NOMEM and returns p unchanged, so that callers can grow several
 * arrays and check once.
 */
static void *grow(void *p, size_t *cap, size_t need, size_t size, int *rc) {
  if (need <= *cap) return p;
  size_t c = *cap ? *cap : 16;
  while (c < need && c <= SIZE_MAX / 2) c *= 2;
  void *n = c >= need && c <= SIZE_MAX / size ? realloc(p, c * size) : NULL;
  if (!n) {
    *rc = KZ_ERR_NOMEM;
    return p;
  }
  *cap = c;
  return n;
}

static uint32_t find_term(const kz_hl_query *q, const char *term) {
  size_t lo = 0, hi = q->n_terms;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(q->terms[mid], term);
    if (c == 0) return (uint32_t)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NONE;
}

static int compare_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ------------------------------------------------------------------------ */
/* Building the query                                                       */
/* ------------------------------------------------------------------------ */

/* Appends every leaf term of p (without the field byte) to terms[]; *bytes counts their sizes. */
static int collect_terms(const kz_plan *p, const char ***terms, size_t *n, size_t *cap,
                         size_t *bytes) {
  for (size_t i = 0; i < p->n_terms; i++) {
    int rc = KZ_OK;
    *terms = grow(*terms, cap, *n + 1, sizeof **terms, &rc);
    if (rc) return rc;
    (*terms)[(*n)++] = p->terms[i].key + 1;
    *bytes += p->terms[i].key_len; /* the term and its NUL */
  }
  kz_plan *const *lists[3] = {p->must, p->should, p->not};
  size_t counts[3] = {p->n_must, p->n_should, p->n_not};
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < counts[l]; i++) {
      int rc = collect_terms(lists[l][i], terms, n, cap, bytes);
      if (rc) return rc;
    }
  return KZ_OK;
}

/* Sorted distinct copy of the plan's terms in q->terms. */
static int build_terms(kz_hl_query *q, const kz_plan *plan) {
  const char **all = NULL;
  size_t n = 0, cap = 0, bytes = 0;
  int rc = collect_terms(plan, &all, &n, &cap, &bytes);
  if (!rc && n > 0) {
    qsort(all, n, sizeof *all, compare_str);
    q->terms = malloc(n * sizeof *q->terms);
    q->strings = malloc(bytes);
    if (!q->terms || !q->strings) rc = KZ_ERR_NOMEM;
  }
  size_t used = 0;
  for (size_t i = 0; i < n && !rc; i++) {
    if (i > 0 && strcmp(all[i], all[i - 1]) == 0) continue;
    size_t len = strlen(all[i]) + 1;
    memcpy(q->strings + used, all[i], len);
    q->terms[q->n_terms++] = q->strings + used;
    used += len;
  }
  free(all);
  return rc;
}

typedef struct tree_caps {
  size_t nodes, kids, clauses, words, offsets, titles;
} tree_caps;

/* The clause number of leaf p, adding the clause when no equal one exists. */
static int clause_of(kz_hl_query *q, const kz_plan *p, tree_caps *caps, uint32_t *out) {
  int title = p->field == KZ_FIELD_TITLE;
  for (size_t c = 0; c < q->n_clauses; c++) {
    uint32_t w = q->cl_words[c], n = q->cl_words[c + 1] - w;
    if (n != p->n_terms || q->cl_title[c] != title) continue;
    size_t i = 0;
    while (i < n && q->word_offset[w + i] == p->terms[i].offset &&
           strcmp(q->terms[q->word_term[w + i]], p->terms[i].key + 1) == 0)
      i++;
    if (i == n) {
      *out = (uint32_t)c;
      return KZ_OK;
    }
  }
  int rc = KZ_OK;
  size_t words = q->n_words + p->n_terms;
  q->cl_words = grow(q->cl_words, &caps->clauses, q->n_clauses + 2, sizeof *q->cl_words, &rc);
  q->word_term = grow(q->word_term, &caps->words, words, sizeof *q->word_term, &rc);
  q->word_offset = grow(q->word_offset, &caps->offsets, words, sizeof *q->word_offset, &rc);
  q->cl_title = grow(q->cl_title, &caps->titles, q->n_clauses + 1, sizeof *q->cl_title, &rc);
  if (rc) return rc;
  q->cl_title[q->n_clauses] = (uint8_t)title;
  if (q->n_clauses == 0) q->cl_words[0] = 0;
  for (size_t i = 0; i < p->n_terms; i++) {
    q->word_term[q->n_words] = find_term(q, p->terms[i].key + 1);
    q->word_offset[q->n_words] = p->terms[i].offset;
    q->n_words++;
  }
  *out = (uint32_t)q->n_clauses++;
  q->cl_words[q->n_clauses] = (uint32_t)q->n_words;
  return KZ_OK;
}

static int build_node(kz_hl_query *q, const kz_plan *p, tree_caps *caps, uint32_t *index);

/*
 * Node `me` as a disjunction of p's terms, each a one-term clause marked
 * wherever it occurs. For a prefix or fuzzy leaf (expand.h) these are its
 * expansions, so every expansion a document holds is marked (none when it
 * expanded to nothing: an empty disjunction never matches). For a sloppy
 * phrase or NEAR they are its words (the sweep of prox.h decides what
 * matches; marking only the occurrences it counted is not done).
 */
static int build_any_term(kz_hl_query *q, const kz_plan *p, tree_caps *caps, uint32_t me) {
  int rc = KZ_OK;
  q->kids = grow(q->kids, &caps->kids, q->n_kids + p->n_terms, sizeof *q->kids, &rc);
  if (rc) return rc;
  hl_node node = {NONE, (uint32_t)q->n_kids, 0, (uint32_t)p->n_terms, 0};
  q->n_kids += p->n_terms;
  q->nodes[me] = node;
  for (size_t i = 0; i < p->n_terms; i++) {
    kz_pterm word = p->terms[i];
    word.offset = 0;
    kz_plan one = {0};
    one.kind = KZ_P_TERM;
    one.terms = &word;
    one.n_terms = 1;
    one.field = p->field;
    uint32_t kid;
    if ((rc = build_node(q, &one, caps, &kid))) return rc;
    q->kids[node.kids + i] = kid;
  }
  return KZ_OK;
}

/* Adds p and its subtree to q's nodes; *index is p's node. */
static int build_node(kz_hl_query *q, const kz_plan *p, tree_caps *caps, uint32_t *index) {
  int rc = KZ_OK;
  q->nodes = grow(q->nodes, &caps->nodes, q->n_nodes + 1, sizeof *q->nodes, &rc);
  if (rc) return rc;
  uint32_t me = (uint32_t)q->n_nodes++;
  *index = me;
  hl_node node = {NONE, 0, 0, 0, 0};
  if (p->kind == KZ_P_EXPAND) return build_any_term(q, p, caps, me);
  if (p->kind != KZ_P_BOOL && p->n_terms == 0) { /* a date filter */
    node.clause = ALWAYS;
    q->nodes[me] = node;
    return KZ_OK;
  }
  if (p->kind == KZ_P_PHRASE && (p->slop || p->near)) return build_any_term(q, p, caps, me);
  if (p->kind != KZ_P_BOOL) {
    rc = clause_of(q, p, caps, &node.clause);
    q->nodes[me] = node;
    return rc;
  }
  size_t total = p->n_must + p->n_should + p->n_not;
  q->kids = grow(q->kids, &caps->kids, q->n_kids + total, sizeof *q->kids, &rc);
  if (rc) return rc;
  node.kids = (uint32_t)q->n_kids;
  node.n_must = (uint32_t)p->n_must;
  node.n_should = (uint32_t)p->n_should;
  node.n_not = (uint32_t)p->n_not;
  q->n_kids += total;
  q->nodes[me] = node;
  kz_plan *const *lists[3] = {p->must, p->should, p->not};
  size_t counts[3] = {p->n_must, p->n_should, p->n_not}, k = node.kids;
  for (int l = 0; l < 3; l++)
    for (size_t i = 0; i < counts[l]; i++) {
      uint32_t kid;
      rc = build_node(q, lists[l][i], caps, &kid);
      if (rc) return rc;
      q->kids[k++] = kid; /* q->kids may have moved: index it afresh */
    }
  return KZ_OK;
}

/* The index from a term to the clauses whose first word it is (a counting sort). */
static int build_starts(kz_hl_query *q) {
  q->by_term = calloc(q->n_terms + 1, sizeof *q->by_term);
  q->starts = malloc((q->n_clauses ? q->n_clauses : 1) * sizeof *q->starts);
  if (!q->by_term || !q->starts) return KZ_ERR_NOMEM;
  for (size_t c = 0; c < q->n_clauses; c++) q->by_term[q->word_term[q->cl_words[c]] + 1]++;
  for (size_t t = 0; t < q->n_terms; t++) q->by_term[t + 1] += q->by_term[t];
  for (size_t c = 0; c < q->n_clauses; c++) {
    uint32_t t = q->word_term[q->cl_words[c]];
    uint32_t slot = q->by_term[t]++;
    q->starts[slot] = (uint32_t)c;
  }
  for (size_t t = q->n_terms; t > 0; t--) q->by_term[t] = q->by_term[t - 1];
  q->by_term[0] = 0;
  return KZ_OK;
}

int kz_hl_query_build(kz_hl_query **out, const kz_plan *plan) {
  *out = NULL;
  kz_hl_query *q = calloc(1, sizeof *q);
  if (!q) return KZ_ERR_NOMEM;
  tree_caps caps = {0, 0, 0, 0, 0, 0};
  uint32_t root;
  int rc = build_terms(q, plan);
  if (!rc) rc = build_node(q, plan, &caps, &root);
  if (!rc) rc = build_starts(q);
  if (rc) {
    kz_hl_query_free(q);
    return rc;
  }
  *out = q;
  return KZ_OK;
}

void kz_hl_query_free(kz_hl_query *q) {
  if (!q) return;
  free(q->terms);
  free(q->strings);
  free(q->cl_words);
  free(q->cl_title);
  free(q->word_term);
  free(q->word_offset);
  free(q->by_term);
  free(q->starts);
  free(q->nodes);
  free(q->kids);
  free(q);
}

size_t kz_hl_query_clauses(const kz_hl_query *q) { return q->n_clauses; }

/* ------------------------------------------------------------------------ */
/* Which clauses matched                                                    */
/* ------------------------------------------------------------------------ */

/* Whether node n matches, given which clauses occur (plan.h's semantics). */
static int node_matches(const kz_hl_query *q, uint32_t n, const uint8_t *occurs) {
  const hl_node *node = &q->nodes[n];
  if (node->clause == ALWAYS) return 1;
  if (node->clause != NONE) return occurs[node->clause];
  const uint32_t *k = q->kids + node->kids;
  int any_should = 0;
  for (uint32_t i = 0; i < node->n_must; i++)
    if (!node_matches(q, k[i], occurs)) return 0;
  for (uint32_t i = 0; i < node->n_should && !any_should; i++)
    any_should = node_matches(q, k[node->n_must + i], occurs);
  if (node->n_must == 0 && !any_should) return 0;
  for (uint32_t i = 0; i < node->n_not; i++)
    if (node_matches(q, k[node->n_must + node->n_should + i], occurs)) return 0;
  return 1;
}

/*
 * Marks live every occurring clause under n that is not excluded, through
 * matching nodes only when `check` is set.
 */
static void mark_live(const kz_hl_query *q, uint32_t n, const uint8_t *occurs, uint8_t *live,
                      int check) {
  const hl_node *node = &q->nodes[n];
  if (node->clause == ALWAYS) return;
  if (node->clause != NONE) {
    live[node->clause] |= occurs[node->clause];
    return;
  }
  if (check && !node_matches(q, n, occurs)) return;
  for (uint32_t i = 0; i < node->n_must + node->n_should; i++)
    mark_live(q, q->kids[node->kids + i], occurs, live, check);
}

/*
 * Sets d->live. Should the document not match on its stored text (which the
 * index says it does), every occurring clause outside NOT is shown instead.
 */
static void find_live(const kz_hl_query *q, kz_hl_doc *d) {
  memset(d->live, 0, q->n_clauses);
  mark_live(q, 0, d->occurs, d->live, node_matches(q, 0, d->occurs));
}

/* ------------------------------------------------------------------------ */
/* Analyzing a document                                                     */
/* ------------------------------------------------------------------------ */

/* Analyzes one field into d, its positions starting at *base (updated past its last token). */
static int analyze_field(kz_hl_doc *d, const kz_hl_query *q, kz_analyzer *a, int f,
                         const char *text, size_t len, size_t *g, uint64_t *base) {
  kz_hl_field *field = &d->field[f];
  field->n_tokens = field->n_matches = 0;
  if (len == 0) return KZ_OK;
  kz_analyzer_reset(a, text, len);
  kz_token tok;
  size_t last_end = 0;
  uint64_t next = *base;
  int rc;
  while ((rc = kz_analyzer_next(a, &tok)) == 1) {
    uint64_t p = *base + tok.position;
    if (p >= NONE) break; /* beyond any position the index can hold */
    next = p + 1;
    if (tok.start >= tok.end || tok.end > len || tok.start < last_end) continue;
    last_end = tok.end;
    int err = KZ_OK;
    field->tokens = grow(field->tokens, &field->cap_tokens, field->n_tokens + 1,
                         sizeof *field->tokens, &err);
    d->pos = grow(d->pos, &d->cap_pos, *g + 1, sizeof *d->pos, &err);
    d->term = grow(d->term, &d->cap_term, *g + 1, sizeof *d->term, &err);
    if (err) return err;
    field->tokens[field->n_tokens].start = tok.start;
    field->tokens[field->n_tokens].end = tok.end;
    field->n_tokens++;
    d->pos[*g] = (uint32_t)p;
    d->term[*g] = find_term(q, tok.term);
    (*g)++;
  }
  *base = next;
  return rc < 0 ? rc : KZ_OK;
}

/* The field of global token g and its byte range. */
static int token_at(const kz_hl_doc *d, size_t g, kz_span *span) {
  size_t n_title = d->field[KZ_HL_TITLE].n_tokens;
  int f = g < n_title ? KZ_HL_TITLE : KZ_HL_BODY;
  *span = d->field[f].tokens[f == KZ_HL_TITLE ? g : g - n_title];
  return f;
}

/*
 * Checks whether clause c, whose first word is token g, occurs there; on
 * success sets occurs[c] and, when all its tokens lie in one field, adds the
 * match to that field.
 */
static int try_clause(kz_hl_doc *d, const kz_hl_query *q, uint32_t c, size_t g, size_t n) {
  uint32_t w = q->cl_words[c], w_end = q->cl_words[c + 1];
  size_t h = g;
  for (uint32_t i = w + 1; i < w_end; i++) {
    uint64_t target = (uint64_t)d->pos[g] + q->word_offset[i];
    while (h < n && d->pos[h] < target) h++;
    if (h == n || d->pos[h] != target || d->term[h] != q->word_term[i]) return KZ_OK;
  }
  kz_span first, last;
  int f = token_at(d, g, &first), f_last = token_at(d, h, &last);
  if (q->cl_title[c] && (f != KZ_HL_TITLE || f_last != KZ_HL_TITLE)) return KZ_OK;
  d->occurs[c] = 1;
  if (f_last != f) return KZ_OK; /* across the title/body boundary */
  kz_hl_field *field = &d->field[f];
  int rc = KZ_OK;
  field->matches = grow(field->matches, &field->cap_matches, field->n_matches + 1,
                        sizeof *field->matches, &rc);
  if (rc) return rc;
  kz_hl_match m = {first.start, last.end > first.end ? last.end : first.end, c};
  field->matches[field->n_matches++] = m;
  return KZ_OK;
}

int kz_hl_doc_analyze(kz_hl_doc *d, const kz_hl_query *q, kz_analyzer *a, const char *title,
                      size_t title_len, const char *body, size_t body_len) {
  size_t n = 0;
  uint64_t base = 0;
  int rc = analyze_field(d, q, a, KZ_HL_TITLE, title, title_len, &n, &base);
  if (!rc) rc = analyze_field(d, q, a, KZ_HL_BODY, body, body_len, &n, &base);
  if (!rc) {
    d->occurs = grow(d->occurs, &d->cap_occurs, q->n_clauses, 1, &rc);
    d->live = grow(d->live, &d->cap_live, q->n_clauses, 1, &rc);
  }
  if (rc) {
    d->field[KZ_HL_TITLE].n_tokens = d->field[KZ_HL_BODY].n_tokens = 0;
    d->field[KZ_HL_TITLE].n_matches = d->field[KZ_HL_BODY].n_matches = 0;
    return rc;
  }
  if (q->n_clauses) memset(d->occurs, 0, q->n_clauses);
  for (size_t g = 0; g < n && !rc; g++) {
    uint32_t t = d->term[g];
    if (t == NONE) continue;
    for (uint32_t s = q->by_term[t]; s < q->by_term[t + 1] && !rc; s++)
      rc = try_clause(d, q, q->starts[s], g, n);
  }
  if (rc) {
    d->field[KZ_HL_TITLE].n_matches = d->field[KZ_HL_BODY].n_matches = 0;
    return rc;
  }
  if (q->n_clauses) find_live(q, d);
  for (int f = 0; f < KZ_HL_FIELDS; f++) { /* keep the live clauses' matches */
    kz_hl_field *field = &d->field[f];
    size_t w = 0;
    for (size_t i = 0; i < field->n_matches; i++)
      if (d->live[field->matches[i].clause]) field->matches[w++] = field->matches[i];
    field->n_matches = w;
  }
  return KZ_OK;
}

void kz_hl_doc_free(kz_hl_doc *d) {
  if (!d) return;
  for (int f = 0; f < KZ_HL_FIELDS; f++) {
    free(d->field[f].tokens);
    free(d->field[f].matches);
  }
  free(d->pos);
  free(d->term);
  free(d->occurs);
  free(d->live);
  memset(d, 0, sizeof *d);
}

size_t kz_hl_run(const kz_hl_match *m, size_t n, size_t i, size_t *end) {
  size_t e = m[i].end, j = i + 1;
  for (; j < n && m[j].start < e; j++)
    if (m[j].end > e) e = m[j].end;
  *end = e;
  return j;
}
