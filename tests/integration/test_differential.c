/*
 * test_differential.c - the whole engine (writer, segments, reader, query
 * parser, plan, iterators, top-k) against a brute-force reference written
 * here from scratch.
 *
 * Two corpora go through the public API: a generated one (Zipf-like
 * vocabulary, a small memory budget so the index has several segments, two
 * writer sessions so it has several commits) and the bundled sample articles
 * (read by kz_writer_add_path; the reference parses the same JSON Lines file
 * with its own small decoder). The same documents go into a reference index:
 * one term-number array per document (indexed by position) and one
 * (document, tf) list per term. The shared analyzer (analysis/analyzer.h) is
 * the only engine code the reference uses; query evaluation, phrase matching,
 * BM25 and ranking are all re-implemented below from the specification:
 *   - idf = ln(1 + (N - df + 0.5) / (df + 0.5)); a term scores
 *     idf * tf / (tf + k1 * (1 - b + b * dl / avgdl));
 *   - a phrase (2+ terms, or one word analyzing to 2+ terms) matches where
 *     its terms sit at their query offsets; it scores as one pseudo-term with
 *     tf = the number of start positions and idf = the sum of its terms' idf;
 *   - a sloppy phrase ("a b"~N) and NEAR/N match and weigh by the sweep of
 *     ref_prox.h, written here again from README.md's rules; their tf is
 *     the sloppy frequency, their idf the sum of the terms';
 *   - a group matches when all required clauses match (with none, one
 *     optional clause), no excluded clause matches; it scores the sum of its
 *     matching required and optional clauses (Lucene's BooleanQuery);
 *   - a prefix word (peace*) stands for every term of the field that starts
 *     with the folded, unstemmed prefix; a fuzzy word (w~N, w~) for every
 *     term within N edits (optimal string alignment over code points,
 *     computed here by brute force; a bare ~ is 0 edits up to 2 letters, 1
 *     up to 5, else 2) of the folded word or of its stem, the 50 of highest
 *     df kept (ties to the smaller term); either scores as one term: tf the
 *     sum of its terms' tf in the document, df the documents holding any;
 *   - hits rank by score, then by document number (insertion order); sorted
 *     by date, the newest (or oldest) first, undated documents last, equal
 *     dates by score, then by document number;
 *   - date facets count the matching dated documents per UTC day, month or
 *     year, as gmtime() names them;
 *   - deleted documents never match, and BM25's statistics keep counting
 *     them (no merge runs after the deletions).
 *
 * Queries are generated as trees, rendered to query text for the engine and
 * evaluated on the tree by the reference, so the engine's parser is checked
 * too. The generator emits only valid queries (every group keeps a clause
 * that is not excluded, no NOT under OR, every word analyzes to >= 1 term),
 * so every engine call must succeed. Everything is deterministic: the
 * xorshift64* generator of kz_test_corpus.h with fixed seeds.
 *
 * Owns: a temporary directory per corpus (removed at the end) and every
 * reference structure (freed at the end, so ASan's leak check stays quiet).
 */

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "analysis/analyzer.h"
#include "common/date.h"
#include "common/limits.h"
#include "kz_test.h"
#include "kz_test_corpus.h"
#include "kz_test_explain.h"
#include "kz_test_fs.h"
#include "kz_test_osa.h"
#include "kzsearch.h"

/* ======================================================================== */
/* Small helpers                                                            */
/* ======================================================================== */

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) {
    fprintf(stderr, "test_differential: out of memory\n");
    exit(2);
  }
  return p;
}

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) {
    fprintf(stderr, "test_differential: out of memory\n");
    exit(2);
  }
  return p;
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fprintf(stderr, "test_differential: out of memory\n");
    exit(2);
  }
  return q;
}

static char *xstrndup(const char *s, size_t n) {
  char *d = xmalloc(n + 1);
  if (n) memcpy(d, s, n);
  d[n] = 0;
  return d;
}

/* A growable NUL-terminated string. */
typedef struct sbuf {
  char *s;
  size_t len, cap;
} sbuf;

static void sb_putn(sbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + n + 1) cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
  }
  if (n) memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

static void sb_puts(sbuf *b, const char *s) { sb_putn(b, s, strlen(s)); }
static void sb_putc(sbuf *b, char c) { sb_putn(b, &c, 1); }

static void sb_clear(sbuf *b) {
  b->len = 0;
  if (b->s) b->s[0] = 0;
}

static void sb_free(sbuf *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}

/* ======================================================================== */
/* The reference index                                                      */
/* ======================================================================== */

#define NO_TERM UINT32_MAX

typedef struct ref_posting {
  uint32_t doc, tf;
  uint32_t first; /* index of this document's first position in the term's `pos` */
} ref_posting;

typedef struct ref_term {
  char *text;
  size_t len;
  ref_posting *post; /* ascending documents */
  size_t n_post, cap_post;
  uint32_t *pos;     /* positions, grouped by posting, ascending within each */
  size_t n_pos, cap_pos;
} ref_term;

/* The raw bytes of one token, for building queries out of document text. */
typedef struct ref_span {
  const char *text;
  uint32_t len;
} ref_span;

typedef struct ref_doc {
  char *id, *title, *body;
  size_t title_len, body_len;
  uint32_t *at;       /* term number at each position, NO_TERM for none */
  uint32_t n_pos;     /* positions spanned */
  uint32_t dl;        /* tokens */
  int64_t date;       /* UTC seconds, KZ_DATE_NONE when none */
  int deleted;        /* deleted from the engine's index: never matches (statistics unchanged) */
  ref_span *spans;    /* dl tokens in position order */
} ref_doc;

typedef struct ref_index {
  kz_analyzer *an;
  ref_term *terms;
  size_t n_terms, cap_terms;
  uint32_t *table; /* term number + 1; 0 = empty slot */
  size_t table_size;
  ref_doc *docs;
  size_t n_docs, cap_docs;
  uint64_t total_len;
  /* The title field (field 1): the same documents with their titles alone; NULL in itself. */
  struct ref_index *titles;
  int is_title;        /* this is the title field: N counts only documents with a title */
  size_t n_nonempty;   /* documents with at least one token */
} ref_index;

static uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
  return h;
}

static uint32_t ref_lookup(const ref_index *r, const char *s, size_t n) {
  size_t mask = r->table_size - 1;
  for (size_t i = hash_bytes(s, n) & mask;; i = (i + 1) & mask) {
    uint32_t v = r->table[i];
    if (!v) return NO_TERM;
    const ref_term *t = &r->terms[v - 1];
    if (t->len == n && memcmp(t->text, s, n) == 0) return v - 1;
  }
}

static void table_insert(uint32_t *table, size_t size, const ref_term *t, uint32_t num) {
  size_t mask = size - 1;
  size_t i = hash_bytes(t->text, t->len) & mask;
  while (table[i]) i = (i + 1) & mask;
  table[i] = num + 1;
}

static uint32_t ref_intern(ref_index *r, const char *s, size_t n) {
  uint32_t found = ref_lookup(r, s, n);
  if (found != NO_TERM) return found;
  if ((r->n_terms + 1) * 2 > r->table_size) {
    size_t size = r->table_size * 2;
    uint32_t *table = xcalloc(size, sizeof *table);
    for (size_t i = 0; i < r->n_terms; i++) table_insert(table, size, &r->terms[i], (uint32_t)i);
    free(r->table);
    r->table = table;
    r->table_size = size;
  }
  if (r->n_terms == r->cap_terms) {
    r->cap_terms = r->cap_terms ? r->cap_terms * 2 : 1024;
    r->terms = xrealloc(r->terms, r->cap_terms * sizeof *r->terms);
  }
  ref_term *t = &r->terms[r->n_terms];
  memset(t, 0, sizeof *t);
  t->text = xstrndup(s, n);
  t->len = n;
  table_insert(r->table, r->table_size, t, (uint32_t)r->n_terms);
  return (uint32_t)r->n_terms++;
}

static void ref_init_field(ref_index *r) {
  memset(r, 0, sizeof *r);
  if (kz_analyzer_new(&r->an, "english") != KZ_OK) {
    fprintf(stderr, "test_differential: cannot create the english analyzer\n");
    exit(2);
  }
  r->table_size = 1024;
  r->table = xcalloc(r->table_size, sizeof *r->table);
}

static void ref_init(ref_index *r) {
  ref_init_field(r);
  r->titles = xmalloc(sizeof *r->titles);
  ref_init_field(r->titles);
  r->titles->is_title = 1;
}

static void ref_free(ref_index *r) {
  for (size_t i = 0; i < r->n_terms; i++) {
    free(r->terms[i].text);
    free(r->terms[i].post);
    free(r->terms[i].pos);
  }
  for (size_t i = 0; i < r->n_docs; i++) {
    ref_doc *d = &r->docs[i];
    free(d->id);
    free(d->title);
    free(d->body);
    free(d->at);
    free(d->spans);
  }
  free(r->terms);
  free(r->table);
  free(r->docs);
  kz_analyzer_free(r->an);
  if (r->titles) {
    ref_free(r->titles);
    free(r->titles);
  }
  memset(r, 0, sizeof *r);
}

typedef struct tok_acc {
  uint32_t *pos, *term;
  ref_span *span;
  size_t n, cap;
} tok_acc;

/* Analyzes one field; positions are shifted by `base`. @return tokens found. */
static uint32_t analyze_field(ref_index *r, const char *text, size_t len, uint32_t base,
                              tok_acc *acc) {
  kz_token tok;
  int rc;
  uint32_t n = 0;
  kz_analyzer_reset(r->an, text, len);
  while ((rc = kz_analyzer_next(r->an, &tok)) == 1) {
    if (acc->n == acc->cap) {
      acc->cap = acc->cap ? acc->cap * 2 : 256;
      acc->pos = xrealloc(acc->pos, acc->cap * sizeof *acc->pos);
      acc->term = xrealloc(acc->term, acc->cap * sizeof *acc->term);
      acc->span = xrealloc(acc->span, acc->cap * sizeof *acc->span);
    }
    acc->pos[acc->n] = base + tok.position;
    acc->term[acc->n] = ref_intern(r, tok.term, tok.term_len);
    acc->span[acc->n].text = text + tok.start;
    acc->span[acc->n].len = (uint32_t)(tok.end - tok.start);
    acc->n++;
    n++;
  }
  if (rc < 0) {
    fprintf(stderr, "test_differential: analyzer failed (%d)\n", rc);
    exit(2);
  }
  return n;
}

/* Adds a document: title tokens, then body tokens at positions continuing after them. */
static void ref_add(ref_index *r, const char *id, size_t id_len, const char *title,
                    size_t title_len, const char *body, size_t body_len) {
  if (r->n_docs == r->cap_docs) {
    r->cap_docs = r->cap_docs ? r->cap_docs * 2 : 1024;
    r->docs = xrealloc(r->docs, r->cap_docs * sizeof *r->docs);
  }
  uint32_t doc = (uint32_t)r->n_docs++;
  ref_doc *d = &r->docs[doc];
  memset(d, 0, sizeof *d);
  d->id = xstrndup(id, id_len);
  d->title = xstrndup(title ? title : "", title ? title_len : 0);
  d->body = xstrndup(body ? body : "", body ? body_len : 0);
  d->title_len = title ? title_len : 0;
  d->date = KZ_DATE_NONE;
  d->body_len = body ? body_len : 0;

  tok_acc acc = {0};
  uint32_t t = analyze_field(r, d->title, d->title_len, 0, &acc);
  uint32_t nb = analyze_field(r, d->body, d->body_len, t, &acc);
  d->dl = t + nb;
  d->n_pos = 0;
  for (size_t i = 0; i < acc.n; i++)
    if (acc.pos[i] + 1 > d->n_pos) d->n_pos = acc.pos[i] + 1;
  d->at = xmalloc((d->n_pos ? d->n_pos : 1) * sizeof *d->at);
  for (uint32_t p = 0; p < d->n_pos; p++) d->at[p] = NO_TERM;
  d->spans = xmalloc((acc.n ? acc.n : 1) * sizeof *d->spans);
  for (size_t i = 0; i < acc.n; i++) {
    d->at[acc.pos[i]] = acc.term[i];
    d->spans[i] = acc.span[i];
    ref_term *term = &r->terms[acc.term[i]];
    if (term->n_pos == term->cap_pos) {
      term->cap_pos = term->cap_pos ? term->cap_pos * 2 : 8;
      term->pos = xrealloc(term->pos, term->cap_pos * sizeof *term->pos);
    }
    term->pos[term->n_pos++] = acc.pos[i];
    if (term->n_post && term->post[term->n_post - 1].doc == doc) {
      term->post[term->n_post - 1].tf++;
      continue;
    }
    if (term->n_post == term->cap_post) {
      term->cap_post = term->cap_post ? term->cap_post * 2 : 4;
      term->post = xrealloc(term->post, term->cap_post * sizeof *term->post);
    }
    term->post[term->n_post].doc = doc;
    term->post[term->n_post].tf = 1;
    term->post[term->n_post].first = (uint32_t)(term->n_pos - 1);
    term->n_post++;
  }
  r->total_len += d->dl;
  r->n_nonempty += d->dl > 0;
  free(acc.pos);
  free(acc.term);
  free(acc.span);
  if (r->titles) ref_add(r->titles, id, id_len, title, title_len, NULL, 0);
}

/* ======================================================================== */
/* Queries as trees                                                         */
/* ======================================================================== */

typedef enum qkind {
  Q_LEAF, /* a word, or a phrase when `quoted` */
  Q_LIST, /* clauses: '+' required (`must`), NOT children excluded, others default */
  Q_AND,  /* all required, NOT children excluded */
  Q_OR,   /* all optional; never holds a NOT */
  Q_NOT   /* one child, excluded; only under LIST or AND */
} qkind;

#define MAX_KIDS 4

typedef struct qnode qnode;
struct qnode {
  qkind kind;
  int must;    /* a LIST clause written with '+' */
  int quoted;  /* LEAF */
  int title;   /* LEAF: searches the title field (title:word, title:"a phrase") */
  int is_date; /* LEAF: date:[lo TO hi], a filter in a list, else a match of score 0 */
  int slop;    /* LEAF, quoted: "..."~slop when >= 0 (0 is the exact phrase); -1: none */
  uint32_t near; /* LEAF, not quoted: its words joined by NEAR/near (ref_prox.h); 0: none */
  int64_t lo, hi;
  int expand;  /* LEAF: 'p' prefix (text*), 'f' fuzzy (text~edits), 0 neither */
  int edits;   /* fuzzy: 0..2, -1 for a bare '~' */
  char *text;  /* LEAF */
  qnode *kids[MAX_KIDS];
  size_t n;
};

static qnode *qnew(qkind kind) {
  qnode *n = xcalloc(1, sizeof *n);
  n->kind = kind;
  return n;
}

static void qfree(qnode *n) {
  if (!n) return;
  for (size_t i = 0; i < n->n; i++) qfree(n->kids[i]);
  free(n->text);
  free(n);
}

static qnode *qleaf(const char *text, int quoted) {
  qnode *n = qnew(Q_LEAF);
  n->slop = -1;
  n->text = xstrndup(text, strlen(text));
  n->quoted = quoted;
  return n;
}

static qnode *qnot(qnode *child) {
  qnode *n = qnew(Q_NOT);
  n->kids[n->n++] = child;
  return n;
}

/* ---- rendering --------------------------------------------------------- */

/* Where a node is written: a list clause, an operand of AND / OR, or right
 * after a modifier or NOT (only a word, phrase or parenthesised group fits). */
typedef enum rctx { R_CLAUSE, R_AND, R_OR, R_PRIMARY } rctx;

static void render(kz_test_rng *r, sbuf *b, const qnode *n, rctx ctx);

static void render_list_body(kz_test_rng *r, sbuf *b, const qnode *n) {
  for (size_t i = 0; i < n->n; i++) {
    const qnode *c = n->kids[i];
    if (i) sb_putc(b, ' ');
    if (c->kind == Q_NOT) {
      sb_puts(b, kz_test_rand_chance(r, 0.5) ? "-" : "NOT ");
      render(r, b, c->kids[0], R_PRIMARY);
    } else if (c->must) {
      sb_putc(b, '+');
      render(r, b, c, R_PRIMARY);
    } else {
      render(r, b, c, R_CLAUSE);
    }
  }
}

static void render(kz_test_rng *r, sbuf *b, const qnode *n, rctx ctx) {
  switch (n->kind) {
    case Q_LEAF:
      if (n->is_date) {
        char a[40], z[40];
        kz_date_format(a, sizeof a, n->lo);
        kz_date_format(z, sizeof z, n->hi);
        sb_puts(b, "date:[");
        sb_puts(b, a);
        sb_puts(b, " TO ");
        sb_puts(b, z);
        sb_putc(b, ']');
        return;
      }
      if (n->near) { /* "a NEAR/3 b": every word with its field */
        char op[32];
        snprintf(op, sizeof op, n->near == 10 && kz_test_rand_chance(r, 0.5) ? " NEAR " : " NEAR/%u ",
                 (unsigned)n->near);
        for (const char *w = n->text, *sp; *w; w = sp + (*sp != 0)) {
          sp = strchr(w, ' ');
          if (!sp) sp = w + strlen(w);
          if (w != n->text) sb_puts(b, op);
          if (n->title) sb_puts(b, "title:");
          sb_putn(b, w, (size_t)(sp - w));
        }
        return;
      }
      if (n->title) sb_puts(b, "title:");
      if (n->quoted) sb_putc(b, '"');
      sb_puts(b, n->text);
      if (n->quoted) sb_putc(b, '"');
      if (n->expand == 'p') sb_putc(b, '*');
      if (n->expand == 'f') sb_putc(b, '~');
      if (n->expand == 'f' && n->edits >= 0) sb_putc(b, (char)('0' + n->edits));
      if (n->quoted && n->slop >= 0) {
        char slop[16];
        snprintf(slop, sizeof slop, "~%d", n->slop);
        sb_puts(b, slop);
      }
      return;
    case Q_NOT: /* only reached as an AND operand; list clauses handle their own */
      sb_puts(b, kz_test_rand_chance(r, 0.5) ? "-" : "NOT ");
      render(r, b, n->kids[0], R_PRIMARY);
      return;
    case Q_LIST:
      sb_putc(b, '(');
      render_list_body(r, b, n);
      sb_putc(b, ')');
      return;
    case Q_AND: {
      /* AND binds tighter than OR, so it may go bare as an OR operand. */
      int bare = (ctx == R_CLAUSE || ctx == R_OR) && kz_test_rand_chance(r, 0.6);
      if (!bare) sb_putc(b, '(');
      for (size_t i = 0; i < n->n; i++) {
        const qnode *c = n->kids[i];
        if (i) sb_puts(b, " AND ");
        if (c->kind != Q_NOT && kz_test_rand_chance(r, 0.15)) { /* '+' is redundant in AND */
          sb_putc(b, '+');
          render(r, b, c, R_PRIMARY);
        } else {
          render(r, b, c, R_AND);
        }
      }
      if (!bare) sb_putc(b, ')');
      return;
    }
    case Q_OR: {
      int bare = ctx == R_CLAUSE && kz_test_rand_chance(r, 0.6);
      if (!bare) sb_putc(b, '(');
      for (size_t i = 0; i < n->n; i++) {
        if (i) sb_puts(b, " OR ");
        render(r, b, n->kids[i], R_OR);
      }
      if (!bare) sb_putc(b, ')');
      return;
    }
  }
}

/* The top level is a list without parentheses. */
static void render_query(kz_test_rng *r, sbuf *b, const qnode *root) {
  sb_clear(b);
  render_list_body(r, b, root);
}

/* ======================================================================== */
/* Reference evaluation                                                     */
/* ======================================================================== */

typedef struct params {
  double k1, b;
  int default_and;
} params;

typedef struct scored {
  double score;
  uint32_t doc;
} scored;

/* BM25's N of the field: every document for the text, the titled ones for the title. */
static double field_n(const ref_index *r) {
  return (double)(r->is_title ? r->n_nonempty : r->n_docs);
}

static double ref_idf(const ref_index *r, uint64_t df) {
  double n = field_n(r);
  return log(1.0 + (n - (double)df + 0.5) / ((double)df + 0.5));
}

static double bm25(const ref_index *r, const params *p, double idf, double tf, uint32_t dl) {
  double avgdl = field_n(r) > 0 ? (double)r->total_len / field_n(r) : 1.0;
  return idf * tf / (tf + p->k1 * (1.0 - p->b + p->b * (double)dl / avgdl));
}

#define MAX_LEAF_TERMS 64

/* ---- prefix and fuzzy words, by brute force ----------------------------- */

#define FUZZY_CAP 50
static int term_bytes_cmp(const ref_term *a, const ref_term *b) {
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->text, b->text, n);
  return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* The terms of a prefix or fuzzy leaf into pick[] (term numbers); @return their count. */
static size_t expand_terms(const ref_index *r, const qnode *n, uint32_t *pick) {
  kz_token tok;
  char word[600], stem[600];
  size_t wn = 0, sn = 0, count = 0;
  kz_analyzer_reset(r->an, n->text, strlen(n->text));
  if (kz_analyzer_next_unstemmed(r->an, &tok) != 1 || tok.term_len >= sizeof word) {
    fprintf(stderr, "test_differential: generator bug: '%s' is no word\n", n->text);
    exit(2);
  }
  memcpy(word, tok.term, wn = tok.term_len);
  kz_analyzer_reset(r->an, n->text, strlen(n->text));
  if (kz_analyzer_next(r->an, &tok) == 1 && tok.term_len < sizeof stem)
    memcpy(stem, tok.term, sn = tok.term_len);
  uint32_t cps[KZ_TEST_OSA_MAX];
  size_t letters = kz_test_code_points(word, wn, cps);
  int k = n->edits >= 0 ? n->edits : letters <= 2 ? 0 : letters <= 5 ? 1 : 2;
  for (uint32_t t = 0; t < r->n_terms; t++) {
    const ref_term *rt = &r->terms[t];
    int in = n->expand == 'p' ? rt->len >= wn && memcmp(rt->text, word, wn) == 0
                              : kz_test_osa(rt->text, rt->len, word, wn) <= k ||
                                    kz_test_osa(rt->text, rt->len, stem, sn) <= k;
    if (in) pick[count++] = t;
  }
  if (n->expand == 'p' || count <= FUZZY_CAP) return count;
  /* keep the FUZZY_CAP of highest df, ties to the smaller term: a selection by brute force */
  for (size_t i = 0; i < FUZZY_CAP; i++)
    for (size_t j = i + 1; j < count; j++) {
      const ref_term *a = &r->terms[pick[i]], *b = &r->terms[pick[j]];
      if (b->n_post > a->n_post || (b->n_post == a->n_post && term_bytes_cmp(b, a) < 0)) {
        uint32_t swap = pick[i];
        pick[i] = pick[j];
        pick[j] = swap;
      }
    }
  return FUZZY_CAP;
}

/* A prefix or fuzzy leaf: the union of its terms, scored as one blended term. */
static void eval_expand(const ref_index *r, const params *p, const qnode *n, double *score,
                        unsigned char *match) {
  uint32_t *pick = xmalloc(r->n_terms * sizeof *pick);
  double *tf = xcalloc(r->n_docs, sizeof *tf);
  size_t count = expand_terms(r, n, pick);
  memset(match, 0, r->n_docs);
  uint64_t df = 0;
  for (size_t i = 0; i < count; i++) {
    const ref_term *t = &r->terms[pick[i]];
    for (size_t j = 0; j < t->n_post; j++) {
      df += tf[t->post[j].doc] == 0;
      tf[t->post[j].doc] += t->post[j].tf;
    }
  }
  double idf = ref_idf(r, df);
  for (size_t d = 0; d < r->n_docs; d++)
    if (tf[d] > 0) {
      match[d] = 1;
      score[d] = bm25(r, p, idf, tf[d], r->docs[d].dl);
    }
  free(pick);
  free(tf);
}
#include "ref_prox.h"

/* A word or phrase: analyzed like the engine does it, matched by brute force. */
static void eval_leaf(const ref_index *all, const params *p, const qnode *n, double *score,
                      unsigned char *match) {
  const ref_index *r = n->title ? all->titles : all; /* the same documents, in the same order */
  if (n->is_date) { /* undated documents (KZ_DATE_NONE) are below every lo */
    for (size_t d = 0; d < all->n_docs; d++) {
      match[d] = all->docs[d].date != KZ_DATE_NONE && all->docs[d].date >= n->lo &&
                 all->docs[d].date <= n->hi;
      score[d] = 0;
    }
    return;
  }
  if (n->expand) {
    eval_expand(r, p, n, score, match);
    return;
  }
  uint32_t ids[MAX_LEAF_TERMS], offs[MAX_LEAF_TERMS];
  size_t nt = 0;
  uint32_t first = 0;
  int missing = 0;
  kz_token tok;
  int rc;
  kz_analyzer_reset(r->an, n->text, strlen(n->text));
  while ((rc = kz_analyzer_next(r->an, &tok)) == 1) {
    if (nt == MAX_LEAF_TERMS) break;
    if (nt == 0) first = tok.position;
    ids[nt] = ref_lookup(r, tok.term, tok.term_len);
    offs[nt] = n->near ? 0 : tok.position - first;
    if (ids[nt] == NO_TERM) missing = 1;
    nt++;
  }
  memset(match, 0, r->n_docs);
  if (nt == 0) {
    fprintf(stderr, "test_differential: generator bug: '%s' has no terms\n", n->text);
    exit(2);
  }
  if (missing) return;
  if (nt == 1) {
    const ref_term *t = &r->terms[ids[0]];
    double idf = ref_idf(r, t->n_post);
    for (size_t i = 0; i < t->n_post; i++) {
      uint32_t d = t->post[i].doc;
      match[d] = 1;
      score[d] = bm25(r, p, idf, (double)t->post[i].tf, r->docs[d].dl);
    }
    return;
  }
  if (n->near) { /* NEAR/N of k terms: a stretch of N + k - 1 positions */
    rp_eval(r, p, ids, offs, nt, (int64_t)n->near + (int64_t)nt - 2, (uint32_t)(nt - 1), score,
            match);
    return;
  }
  if (n->slop > 0) {
    rp_eval(r, p, ids, offs, nt, n->slop, 0, score, match);
    return;
  }
  double idf = 0;
  size_t rarest = 0;
  for (size_t i = 0; i < nt; i++) {
    idf += ref_idf(r, r->terms[ids[i]].n_post);
    if (r->terms[ids[i]].n_post < r->terms[ids[rarest]].n_post) rarest = i;
  }
  /* Every phrase occurrence puts the rarest term at one of its positions, so
   * trying those as anchors finds each start position exactly once. */
  const ref_term *t = &r->terms[ids[rarest]];
  for (size_t i = 0; i < t->n_post; i++) {
    const ref_doc *d = &r->docs[t->post[i].doc];
    uint32_t pf = 0;
    for (uint32_t k = 0; k < t->post[i].tf; k++) {
      uint32_t anchor = t->pos[t->post[i].first + k];
      if (anchor < offs[rarest]) continue;
      uint32_t s = anchor - offs[rarest];
      size_t j = 0;
      while (j < nt && s + offs[j] < d->n_pos && d->at[s + offs[j]] == ids[j]) j++;
      pf += j == nt;
    }
    if (pf) {
      match[t->post[i].doc] = 1;
      score[t->post[i].doc] = bm25(r, p, idf, (double)pf, d->dl);
    }
  }
}

static void eval(const ref_index *r, const params *p, const qnode *n, double *score,
                 unsigned char *match) {
  size_t nd = r->n_docs;
  if (n->kind == Q_LEAF) {
    eval_leaf(r, p, n, score, match);
    return;
  }
  double *cs = xmalloc(nd * sizeof *cs);
  unsigned char *cm = xmalloc(nd);
  unsigned char *all_required = xmalloc(nd), *any_optional = xcalloc(nd, 1);
  size_t n_required = 0, n_rest = 0;
  memset(all_required, 1, nd);
  /* A list's date clauses filter what the rest of it matches, whatever the rest is. */
  unsigned char *filter = xmalloc(nd);
  memset(filter, 1, nd);
  for (size_t d = 0; d < nd; d++) score[d] = 0;
  for (size_t i = 0; i < n->n; i++) {
    const qnode *c = n->kids[i];
    if (c->kind == Q_NOT) continue;
    if (n->kind == Q_LIST && c->kind == Q_LEAF && c->is_date) {
      eval(r, p, c, cs, cm);
      for (size_t d = 0; d < nd; d++) filter[d] &= cm[d];
      continue;
    }
    n_rest++;
    int required = n->kind == Q_AND || (n->kind == Q_LIST && (c->must || p->default_and));
    n_required += required;
    eval(r, p, c, cs, cm);
    for (size_t d = 0; d < nd; d++) {
      if (cm[d]) {
        score[d] += cs[d];
        if (!required) any_optional[d] = 1;
      } else if (required) {
        all_required[d] = 0;
      }
    }
  }
  for (size_t d = 0; d < nd; d++)
    match[d] = (!n_rest || (n_required ? all_required[d] : any_optional[d])) && filter[d];
  free(filter);
  for (size_t i = 0; i < n->n; i++) {
    if (n->kids[i]->kind != Q_NOT) continue;
    eval(r, p, n->kids[i]->kids[0], cs, cm);
    for (size_t d = 0; d < nd; d++)
      if (cm[d]) match[d] = 0;
  }
  free(cs);
  free(cm);
  free(all_required);
  free(any_optional);
}

static int by_rank(const void *pa, const void *pb) {
  const scored *a = pa, *b = pb;
  if (a->score > b->score) return -1;
  if (a->score < b->score) return 1;
  return a->doc < b->doc ? -1 : a->doc > b->doc;
}

/* The date of a document as the order by date sees it: undated ones after every date. */
static int date_order(const ref_index *r, uint32_t a, uint32_t b, int sort) {
  int64_t da = r->docs[a].date, db = r->docs[b].date;
  int ha = da != KZ_DATE_NONE, hb = db != KZ_DATE_NONE;
  if (ha != hb) return ha ? -1 : 1;
  if (!ha || da == db) return 0;
  return (sort == KZ_SORT_DATE ? da > db : da < db) ? -1 : 1;
}

/* qsort's context: the reference and the order (a kz_sort). */
static const ref_index *sort_ref;
static int sort_mode;

static int by_sorted(const void *pa, const void *pb) {
  const scored *a = pa, *b = pb;
  int c = sort_mode == KZ_SORT_SCORE ? 0 : date_order(sort_ref, a->doc, b->doc, sort_mode);
  return c ? c : by_rank(a, b);
}

/* ======================================================================== */
/* Query generation                                                         */
/* ======================================================================== */

/* Generated documents are dated over GEN_DATE_DAYS days from 2022-01-01 (some undated, some
 * with a date that does not parse, which leaves them undated). */
#define GEN_DATE_START 1640995200LL
#define GEN_DATE_DAYS 60u

typedef struct vocab {
  char **words;
  size_t n;
  double *cdf; /* Zipf-like weights, cumulative, last = 1 */
} vocab;

typedef struct gen {
  kz_test_rng r;
  const ref_index *ref;
  const vocab *voc; /* NULL for the sample articles */
} gen;

static int is_operator(const char *s, size_t n) {
  return (n == 3 && (!memcmp(s, "AND", 3) || !memcmp(s, "NOT", 3))) ||
         (n == 2 && !memcmp(s, "OR", 2)) || (n >= 4 && !memcmp(s, "NEAR", 4));
}

/* A random document with at least `n` tokens (the generator never asks for more than 4). */
static const ref_doc *pick_doc(gen *g, uint32_t n) {
  for (;;) {
    const ref_doc *d = &g->ref->docs[kz_test_rand_below(&g->r, (uint32_t)g->ref->n_docs)];
    if (d->dl >= n) return d;
  }
}

/* The surface text of one token of a document; operators are lower-cased. */
static void put_span(sbuf *b, const ref_span *s) {
  if (is_operator(s->text, s->len)) {
    for (uint32_t i = 0; i < s->len; i++) sb_putc(b, (char)(s->text[i] | 0x20));
    return;
  }
  sb_putn(b, s->text, s->len);
}

static void put_vocab_word(gen *g, sbuf *b) {
  const char *w = g->voc->words[kz_test_rand_below(&g->r, (uint32_t)g->voc->n)];
  size_t start = b->len;
  sb_puts(b, w);
  if (kz_test_rand_chance(&g->r, 0.15) && b->s[start] >= 'a' && b->s[start] <= 'z')
    b->s[start] -= 32;
  if (kz_test_rand_chance(&g->r, 0.05)) sb_puts(b, "'s");
}

/* One bare word: from the vocabulary, from a document, or two document
 * tokens joined by '-' (which the engine reads as a phrase). */
static void put_word(gen *g, sbuf *b) {
  if (g->voc && kz_test_rand_chance(&g->r, 0.35)) {
    put_vocab_word(g, b);
  } else if (kz_test_rand_chance(&g->r, 0.08)) {
    const ref_doc *d = pick_doc(g, 2);
    uint32_t i = kz_test_rand_below(&g->r, d->dl - 1);
    put_span(b, &d->spans[i]);
    sb_putc(b, '-');
    put_span(b, &d->spans[i + 1]);
  } else {
    const ref_doc *d = pick_doc(g, 1);
    put_span(b, &d->spans[kz_test_rand_below(&g->r, d->dl)]);
  }
}

/* A word that is in no document: 'q' never occurs in the generated vocabulary
 * and "zq" starts no English word of the samples. */
static void put_absent_word(gen *g, sbuf *b) {
  sb_puts(b, "zq");
  uint32_t n = kz_test_rand_range(&g->r, 3, 6);
  for (uint32_t i = 0; i < n; i++) sb_putc(b, (char)('a' + kz_test_rand_below(&g->r, 26)));
}

/*
 * Turns a plain one-word leaf into a prefix (2 letters or more of its folded
 * form) or a fuzzy word (its folded form, sometimes with one random edit);
 * leaves it alone when the word is not one plain token.
 */
static void make_expanded(gen *g, qnode *n) {
  kz_token tok;
  kz_analyzer_reset(g->ref->an, n->text, strlen(n->text));
  if (kz_analyzer_next_unstemmed(g->ref->an, &tok) != 1) return;
  char w[256];
  if (tok.term_len >= sizeof w - 2) return;
  memcpy(w, tok.term, tok.term_len);
  size_t len = tok.term_len;
  w[len] = 0;
  if (kz_analyzer_next_unstemmed(g->ref->an, &tok) != 0) return;
  for (size_t i = 0; i < len; i++) /* letters and digits only: no '.', '\'' or '*' to trip on */
    if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9'))) return;
  if (kz_test_rand_chance(&g->r, 0.45)) {
    if (len < 2) return;
    len = kz_test_rand_range(&g->r, 2, (uint32_t)(len < 6 ? len : 6));
    n->expand = 'p';
  } else {
    if (len >= 3 && kz_test_rand_chance(&g->r, 0.6)) { /* one random edit */
      size_t at = kz_test_rand_below(&g->r, (uint32_t)len - 1);
      double e = kz_test_rand_unit(&g->r);
      if (e < 0.33) {
        char c = w[at];
        w[at] = w[at + 1];
        w[at + 1] = c;
      } else if (e < 0.66) {
        w[at] = (char)('a' + kz_test_rand_below(&g->r, 26));
      } else {
        memmove(w + at, w + at + 1, len - at);
        len--;
      }
    }
    n->expand = 'f';
    n->edits = (int)kz_test_rand_below(&g->r, 4) - 1;
  }
  w[len] = 0;
  free(n->text);
  n->text = xstrndup(w, len);
}

/*
 * Makes the word leaf n a NEAR of 2-3 words: mostly tokens of one document a
 * few positions apart, in either order (so that it often matches), else
 * random words; the window 1-6, or the bare NEAR's 10.
 */
static void gen_near(gen *g, qnode *n) {
  sbuf b = {0};
  sb_puts(&b, n->text);
  uint32_t words = kz_test_rand_range(&g->r, 2, 3);
  const ref_doc *d = pick_doc(g, 8);
  for (uint32_t k = 1; k < words; k++) {
    sb_putc(&b, ' ');
    if (kz_test_rand_chance(&g->r, 0.7) && d->dl >= 8) {
      uint32_t i = kz_test_rand_below(&g->r, d->dl - 7);
      put_span(&b, &d->spans[i + kz_test_rand_below(&g->r, 7)]);
      if (k == 1) { /* the first word from the same stretch, replacing n's */
        sbuf w = {0};
        put_span(&w, &d->spans[i + kz_test_rand_below(&g->r, 7)]);
        sb_puts(&w, b.s + strlen(n->text));
        sb_free(&b);
        b = w;
      }
    } else {
      put_word(g, &b);
    }
  }
  free(n->text);
  n->text = xstrndup(b.s, b.len);
  sb_free(&b);
  n->near = kz_test_rand_chance(&g->r, 0.25) ? 10u : (uint32_t)kz_test_rand_range(&g->r, 1, 6);
}

static qnode *gen_leaf(gen *g) {
  sbuf b = {0};
  int quoted = 0;
  double x = kz_test_rand_unit(&g->r);
  if (x < 0.52) {
    put_word(g, &b);
  } else if (x < 0.80) { /* a phrase from a document, so it matches */
    uint32_t n = kz_test_rand_range(&g->r, 2, 4);
    const ref_doc *d = pick_doc(g, n);
    uint32_t i = kz_test_rand_below(&g->r, d->dl - n + 1);
    for (uint32_t k = 0; k < n; k++) {
      if (k) sb_putc(&b, ' ');
      put_span(&b, &d->spans[i + k]);
    }
    quoted = 1;
  } else if (x < 0.90) { /* a random phrase, which mostly does not */
    uint32_t n = kz_test_rand_range(&g->r, 2, 4);
    for (uint32_t k = 0; k < n; k++) {
      if (k) sb_putc(&b, ' ');
      put_word(g, &b);
    }
    quoted = 1;
  } else if (x < 0.94) { /* a one-word phrase is a term */
    put_word(g, &b);
    quoted = 1;
  } else {
    put_absent_word(g, &b);
  }
  qnode *n = qleaf(b.s, quoted);
  n->title = kz_test_rand_chance(&g->r, 0.15);
  sb_free(&b);
  if (quoted && kz_test_rand_chance(&g->r, 0.4)) n->slop = (int)kz_test_rand_below(&g->r, 7);
  if (!quoted && x < 0.52 && kz_test_rand_chance(&g->r, 0.25))
    gen_near(g, n);
  else if (!quoted && kz_test_rand_chance(&g->r, 0.2))
    make_expanded(g, n);
  if (g->voc && kz_test_rand_chance(&g->r, 0.1)) { /* a date range, around the generated documents' dates */
    n->is_date = 1;
    n->title = 0;
    n->lo = GEN_DATE_START + (int64_t)kz_test_rand_below(&g->r, GEN_DATE_DAYS * 86400u);
    n->hi = n->lo + (int64_t)kz_test_rand_below(&g->r, 20 * 86400u);
  }
  return n;
}

/* Any valid node, nested at most `depth` more levels. */
static qnode *gen_node(gen *g, int depth) {
  if (depth <= 0 || kz_test_rand_chance(&g->r, 0.45)) return gen_leaf(g);
  double x = kz_test_rand_unit(&g->r);
  qnode *n;
  if (x < 0.35) {
    n = qnew(Q_LIST);
    n->n = kz_test_rand_range(&g->r, 2, 4);
    size_t kept = 0;
    for (size_t i = 0; i < n->n; i++) {
      qnode *c = gen_node(g, depth - 1);
      if (kz_test_rand_chance(&g->r, 0.22)) {
        c = qnot(c);
      } else {
        c->must = kz_test_rand_chance(&g->r, 0.25);
        kept++;
      }
      n->kids[i] = c;
    }
    if (!kept) { /* a group needs a clause that is not excluded */
      qnode *c = n->kids[0]->kids[0];
      n->kids[0]->n = 0;
      qfree(n->kids[0]);
      n->kids[0] = c;
    }
  } else if (x < 0.70) {
    n = qnew(Q_AND);
    n->n = kz_test_rand_range(&g->r, 2, 3);
    size_t kept = 0;
    for (size_t i = 0; i < n->n; i++) {
      qnode *c = gen_node(g, depth - 1);
      if (kz_test_rand_chance(&g->r, 0.25))
        c = qnot(c);
      else
        kept++;
      n->kids[i] = c;
    }
    if (!kept) {
      qnode *c = n->kids[n->n - 1]->kids[0];
      n->kids[n->n - 1]->n = 0;
      qfree(n->kids[n->n - 1]);
      n->kids[n->n - 1] = c;
    }
  } else {
    n = qnew(Q_OR);
    n->n = kz_test_rand_range(&g->r, 2, 3);
    for (size_t i = 0; i < n->n; i++) n->kids[i] = gen_node(g, depth - 1);
  }
  return n;
}

/* A whole query (the top-level list). *default_and may be set by the shape. */
static qnode *gen_query(gen *g, int *default_and) {
  qnode *root = qnew(Q_LIST);
  uint32_t shape = kz_test_rand_below(&g->r, 100);
  *default_and = kz_test_rand_chance(&g->r, 0.2);
  if (shape < 14) { /* one word */
    sbuf b = {0};
    put_word(g, &b);
    root->kids[root->n++] = qleaf(b.s, 0);
    sb_free(&b);
  } else if (shape < 30) { /* 2-4 bare words, OR or --and */
    uint32_t n = kz_test_rand_range(&g->r, 2, 4);
    for (uint32_t i = 0; i < n; i++) {
      sbuf b = {0};
      put_word(g, &b);
      root->kids[root->n++] = qleaf(b.s, 0);
      sb_free(&b);
    }
    *default_and = kz_test_rand_chance(&g->r, 0.45);
  } else if (shape < 44) { /* +required, optional, -excluded leaves */
    uint32_t n = kz_test_rand_range(&g->r, 2, 4);
    size_t kept = 0;
    for (uint32_t i = 0; i < n; i++) {
      qnode *c = gen_leaf(g);
      double x = kz_test_rand_unit(&g->r);
      if (x < 0.3) {
        c = qnot(c);
      } else {
        c->must = x < 0.6;
        kept++;
      }
      root->kids[root->n++] = c;
    }
    if (!kept) { /* a query needs a term that is not excluded */
      qnode *c = root->kids[0]->kids[0];
      root->kids[0]->n = 0;
      qfree(root->kids[0]);
      root->kids[0] = c;
      c->must = 1;
    }
  } else if (shape < 70) { /* explicit AND / OR / NOT, nested */
    qnode *c = gen_node(g, 3);
    while (c->kind == Q_LEAF) {
      qfree(c);
      c = gen_node(g, 3);
    }
    root->kids[root->n++] = c;
    if (kz_test_rand_chance(&g->r, 0.3)) root->kids[root->n++] = gen_leaf(g);
  } else if (shape < 82) { /* a phrase, maybe with company */
    qnode *c;
    do {
      c = gen_leaf(g);
      if (c->quoted) break;
      qfree(c);
    } while (1);
    root->kids[root->n++] = c;
    if (kz_test_rand_chance(&g->r, 0.35)) root->kids[root->n++] = gen_leaf(g);
  } else if (shape < 95) { /* a list of arbitrary clauses */
    uint32_t n = kz_test_rand_range(&g->r, 1, 4);
    size_t kept = 0;
    for (uint32_t i = 0; i < n; i++) {
      qnode *c = gen_node(g, 2);
      double x = kz_test_rand_unit(&g->r);
      if (x < 0.2 && i > 0) {
        c = qnot(c);
      } else {
        c->must = x < 0.45;
        kept++;
      }
      root->kids[root->n++] = c;
    }
    (void)kept; /* the first clause is never excluded */
  } else { /* words that occur nowhere, alone or mixed */
    sbuf b = {0};
    put_absent_word(g, &b);
    root->kids[root->n++] = qleaf(b.s, 0);
    sb_free(&b);
    if (kz_test_rand_chance(&g->r, 0.5)) root->kids[root->n++] = gen_leaf(g);
  }
  return root;
}

/* ======================================================================== */
/* Comparison                                                               */
/* ======================================================================== */

typedef struct run_stats {
  const char *corpus;
  size_t queries, with_matches, searches, mismatches, paged, tie_swaps;
  uint64_t total_matches;
  size_t sorted, faceted; /* queries sorted by date; with a date facet */
  size_t explained;       /* hits whose explanation added up to their score */
  size_t explained_new[4]; /* their prefix, fuzzy, sloppy phrase and NEAR parts (count_new) */
} run_stats;

#define MAX_REPORTED 25

static int close_rel(double a, double b, double rel) {
  double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
  return fabs(a - b) <= rel * m || fabs(a - b) < 1e-300;
}

static void report(run_stats *st, const char *query, const params *p, const char *fmt, ...) {
  st->mismatches++;
  if (st->mismatches > MAX_REPORTED) return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "MISMATCH [%s] query {%s} (k1=%g b=%g%s): ", st->corpus, query, p->k1, p->b,
          p->default_and ? " default_and" : "");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
}

/* A facet's bucket as the reference counts it. */
typedef struct ref_bucket {
  char label[16];
  uint64_t count;
} ref_bucket;

/*
 * The facet buckets (a kz_facet unit) of the matching dated documents,
 * named by gmtime_r and strftime, in increasing order. @return how many.
 */
static size_t ref_facets(const ref_index *r, const unsigned char *match, int facet,
                         ref_bucket **out) {
  const char *fmt = facet == KZ_FACET_DATE_DAY ? "%Y-%m-%d" : facet == KZ_FACET_DATE_MONTH ? "%Y-%m" : "%Y";
  ref_bucket *b = xmalloc((r->n_docs ? r->n_docs : 1) * sizeof *b);
  size_t n = 0;
  for (size_t d = 0; d < r->n_docs; d++) {
    if (!match[d] || r->docs[d].date == KZ_DATE_NONE) continue;
    time_t t = (time_t)r->docs[d].date;
    struct tm tm;
    char label[16];
    gmtime_r(&t, &tm);
    strftime(label, sizeof label, fmt, &tm);
    size_t i = 0; /* four-digit years: the labels' byte order is their time order */
    while (i < n && strcmp(b[i].label, label) < 0) i++;
    if (i == n || strcmp(b[i].label, label)) {
      memmove(b + i + 1, b + i, (n - i) * sizeof *b);
      snprintf(b[i].label, sizeof b[i].label, "%s", label);
      b[i].count = 0;
      n++;
    }
    b[i].count++;
  }
  *out = b;
  return n;
}

/* Compares the engine's facet buckets with the reference's. */
/*
 * Counts the parts of an explained hit's tree that the new query kinds
 * give, so that the test can require them: a prefix's or fuzzy word's
 * "term" (its "tf" has the expansions' as children; its clause ends with
 * "*" or "~edits") and a sloppy phrase's or NEAR's "phrase" (a sloppy
 * "freq"; NEAR's clause holds " NEAR/").
 */
static void count_new(const kz_explanation *e, size_t *counts) {
  for (size_t i = 0; i < e->n_children; i++) count_new(&e->children[i], counts);
  if (strcmp(e->kind, "term") != 0 && strcmp(e->kind, "phrase") != 0) return;
  const char *end = strstr(e->description, ": idf * ");
  if (!end || end == e->description) return;
  for (size_t i = 0; i < e->n_children; i++) {
    const kz_explanation *f = &e->children[i];
    if (strcmp(f->kind, "tf") == 0 && f->n_children > 0)
      counts[end[-1] == '*' ? 0 : 1]++;
    if (strcmp(f->kind, "freq") == 0 && strncmp(f->description, "sloppy", 6) == 0) {
      const char *near = strstr(e->description, " NEAR/");
      counts[near && near < end ? 3 : 2]++;
    }
  }
}

static void compare_facets(const ref_index *ref, const unsigned char *match, int facet,
                           const kz_hits *hits, const char *query, const params *p,
                           run_stats *st) {
  ref_bucket *want;
  size_t n = ref_facets(ref, match, facet, &want);
  if (kz_hits_facet_size(hits) != n) {
    report(st, query, p, "facet %d: %zu buckets, reference %zu", facet, kz_hits_facet_size(hits), n);
  } else {
    for (size_t i = 0; i < n; i++) {
      const kz_facet_count *c = kz_hits_facet_at(hits, i);
      if (strcmp(c->bucket, want[i].label) || c->count != want[i].count) {
        report(st, query, p, "facet %d bucket %zu: %s = %llu, reference %s = %llu", facet, i,
               c->bucket, (unsigned long long)c->count, want[i].label,
               (unsigned long long)want[i].count);
        break;
      }
    }
  }
  free(want);
}

/*
 * Runs one query through kz_count and kz_search and compares with the
 * reference. Scores must agree within 1e-5 relative. The order must be the
 * reference's, except that documents whose reference scores are within 1e-9
 * relative of each other may come in either order: the engine may add a
 * group's clause scores in another order than the reference, and such sums
 * can differ in their last bits, which flips exact ties. Among hits the
 * engine itself scores exactly equal, document order is still required.
 */
static void compare(kz_index *idx, const ref_index *ref, const qnode *root, const char *query,
                    const params *p, size_t k, size_t offset, int sort, int facet,
                    run_stats *st) {
  size_t nd = ref->n_docs;
  double *score = xmalloc(nd * sizeof *score);
  unsigned char *match = xmalloc(nd);
  scored *expect = xmalloc(nd * sizeof *expect);
  size_t n_expect = 0;
  eval(ref, p, root, score, match);
  for (size_t d = 0; d < nd; d++) {
    match[d] = match[d] && !ref->docs[d].deleted;
    if (match[d]) expect[n_expect++] = (scored){score[d], (uint32_t)d};
  }
  sort_ref = ref;
  sort_mode = sort;
  qsort(expect, n_expect, sizeof *expect, by_sorted);
  st->sorted += sort != KZ_SORT_SCORE;
  st->faceted += facet != KZ_FACET_NONE;
  st->queries++;
  st->with_matches += n_expect > 0;
  st->total_matches += n_expect;
  st->paged += offset > 0;

  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.exact_names = 1; /* the model is plain BM25: no other spellings of names */
  o.no_expand = 1; /* the oracle scores plain BM25, without acronym expansion */
  o.k = k;
  o.offset = offset;
  o.default_and = p->default_and;
  o.bm25_k1 = p->k1;
  o.bm25_b = p->b;
  o.snippet_bytes = 0;
  o.sort = sort;
  o.facet = facet;
  /* a facet sees every match, so the total stays exact even when pruning is allowed */
  o.skip_total = facet != KZ_FACET_NONE && (k + offset) % 2 == 0;
  o.collapse = 0; /* the oracle ranks plain BM25: every match is a hit */
  kz_error err;
  uint64_t count = 0;
  int rc = kz_count(&count, idx, query, &o, &err);
  if (rc != KZ_OK) {
    report(st, query, p, "kz_count failed: %s: %s", kz_strerror(rc), err.message);
    goto done;
  }
  if (count != n_expect) {
    report(st, query, p, "kz_count = %llu, reference = %zu", (unsigned long long)count, n_expect);
    goto done;
  }
  kz_hits *hits = NULL;
  o.explain = 1; /* every hit's explanation must add up to its score (kz_test_explain.h) */
  rc = kz_search(&hits, idx, query, &o, &err);
  st->searches++;
  if (rc != KZ_OK) {
    report(st, query, p, "kz_search failed: %s: %s", kz_strerror(rc), err.message);
    goto done;
  }
  size_t want = n_expect > offset ? n_expect - offset : 0;
  if (want > k) want = k;
  if (kz_hits_total(hits) != n_expect || kz_hits_size(hits) != want) {
    report(st, query, p, "total = %llu, size = %zu; reference total = %zu, size = %zu",
           (unsigned long long)kz_hits_total(hits), kz_hits_size(hits), n_expect, want);
    kz_hits_free(hits);
    goto done;
  }
  if (facet != KZ_FACET_NONE) compare_facets(ref, match, facet, hits, query, p, st);
  unsigned char *seen = xcalloc(nd, 1);
  for (size_t i = 0; i < want; i++) {
    const kz_hit *h = kz_hits_at(hits, i);
    const scored *e = &expect[offset + i];
    if (h->doc >= nd || !match[h->doc]) {
      report(st, query, p, "rank %zu: doc %llu does not match; expected doc %u (%.9g)",
             offset + i, (unsigned long long)h->doc, e->doc, e->score);
      break;
    }
    if (seen[h->doc]) {
      report(st, query, p, "rank %zu: doc %llu returned twice", offset + i,
             (unsigned long long)h->doc);
      break;
    }
    seen[h->doc] = 1;
    if (strcmp(h->id, ref->docs[h->doc].id) != 0) {
      report(st, query, p, "rank %zu: doc %llu has id '%s', expected '%s'", offset + i,
             (unsigned long long)h->doc, h->id, ref->docs[h->doc].id);
      break;
    }
    if (!close_rel(h->score, score[h->doc], 1e-5)) {
      report(st, query, p, "rank %zu: doc %llu scores %.12g, reference %.12g", offset + i,
             (unsigned long long)h->doc, h->score, score[h->doc]);
      break;
    }
    if (h->doc != e->doc) {
      int same_date = sort == KZ_SORT_SCORE || !date_order(ref, (uint32_t)h->doc, e->doc, sort);
      if (!same_date || !close_rel(score[h->doc], e->score, 1e-9)) {
        report(st, query, p, "rank %zu: doc %llu (%.12g), expected doc %u (%.12g)", offset + i,
               (unsigned long long)h->doc, h->score, e->doc, e->score);
        break;
      }
      st->tie_swaps++;
    }
    if (i > 0) {
      const kz_hit *prev = kz_hits_at(hits, i - 1);
      scored a = {prev->score, (uint32_t)prev->doc}, b = {h->score, (uint32_t)h->doc};
      if (by_sorted(&a, &b) > 0) {
        report(st, query, p, "ranks %zu/%zu out of order: doc %llu (%.17g) before doc %llu (%.17g)",
               offset + i - 1, offset + i, (unsigned long long)prev->doc, prev->score,
               (unsigned long long)h->doc, h->score);
        break;
      }
    }
  }
  for (size_t i = 0; i < kz_hits_size(hits); i++) {
    char why[512];
    if (kz_test_explain_check(hits, i, why, sizeof why) != 0) {
      report(st, query, p, "rank %zu: explain: %s", offset + i, why);
      break;
    }
    st->explained++;
    count_new(kz_hits_explanation_at(hits, i), st->explained_new);
  }
  free(seen);
  kz_hits_free(hits);
done:
  free(score);
  free(match);
  free(expect);
}

static const params PARAM_SETS[] = {
    {1.2, 0.75, 0}, {0.9, 0.4, 0}, {2.0, 1.0, 0}, {0.5, 0.0, 0},
};

/* Generates and checks `n` queries. */
static void run_queries(kz_index *idx, const ref_index *ref, const vocab *voc, uint64_t seed,
                        size_t n, run_stats *st) {
  gen g = {kz_test_rng_make(KZ_TEST_XORSHIFT64_STAR, seed), ref, voc};
  kz_test_rng render_rng = kz_test_rng_make(KZ_TEST_XORSHIFT64_STAR, seed ^ 0x9E3779B97F4A7C15ULL);
  sbuf text = {0};
  const char *show_env = getenv("KZ_DIFF_SHOW"); /* print the first N queries, for debugging */
  size_t show = show_env ? (size_t)strtoul(show_env, NULL, 10) : 0;
  for (size_t i = 0; i < n; i++) {
    int default_and = 0;
    qnode *root = gen_query(&g, &default_and);
    render_query(&render_rng, &text, root);
    double x = kz_test_rand_unit(&g.r);
    params p = PARAM_SETS[x < 0.6 ? 0 : x < 0.85 ? 1 : x < 0.93 ? 2 : 3];
    p.default_and = default_and;
    size_t k = 10, offset = 0;
    double y = kz_test_rand_unit(&g.r);
    if (y < 0.1) {
      offset = kz_test_rand_range(&g.r, 1, 40);
    } else if (y < 0.2) {
      k = kz_test_rand_range(&g.r, 1, 100);
      offset = kz_test_rand_below(&g.r, 11);
    }
    int sort = KZ_SORT_SCORE, facet = KZ_FACET_NONE;
    if (voc) { /* the reference knows the generated documents' dates only */
      double z = kz_test_rand_unit(&g.r);
      sort = z < 0.2 ? KZ_SORT_DATE : z < 0.3 ? KZ_SORT_DATE_ASC : KZ_SORT_SCORE;
      if (kz_test_rand_chance(&g.r, 0.3))
        facet = (int)kz_test_rand_range(&g.r, KZ_FACET_DATE_DAY, KZ_FACET_DATE_YEAR);
    }
    if (i < show)
      printf("[%s] {%s} k1=%g b=%g%s k=%zu offset=%zu sort=%d facet=%d\n", st->corpus, text.s,
             p.k1, p.b, p.default_and ? " default_and" : "", k, offset, sort, facet);
    compare(idx, ref, root, text.s, &p, k, offset, sort, facet, st);
    qfree(root);
  }
  sb_free(&text);
}

static void print_stats(const run_stats *st, const kz_index_stats *is) {
  printf("[%s] %llu documents, %llu segments, generation %llu, %llu terms; %zu queries "
         "(%zu with matches, %.1f matches on average, %zu paged, %zu sorted by date, %zu with "
         "facets), %zu near-tie swaps, %zu hits explained (with %zu prefix, %zu fuzzy, %zu "
         "sloppy phrase and %zu NEAR parts), %zu mismatches\n",
         st->corpus, (unsigned long long)is->documents, (unsigned long long)is->segments,
         (unsigned long long)is->generation, (unsigned long long)is->terms, st->queries,
         st->with_matches, st->queries ? (double)st->total_matches / (double)st->queries : 0.0,
         st->paged, st->sorted, st->faceted, st->tie_swaps, st->explained, st->explained_new[0], st->explained_new[1],
         st->explained_new[2], st->explained_new[3], st->mismatches);
}

/* Index-level statistics must agree with the reference before any query. */
static int check_index_stats(kz_index *idx, const ref_index *ref, kz_index_stats *is) {
  kz_error err;
  if (kz_index_stats_get(idx, is, &err) != KZ_OK) {
    fprintf(stderr, "kz_index_stats_get: %s\n", err.message);
    return -1;
  }
  double avgdl = (double)ref->total_len / (double)ref->n_docs;
  /* The dictionary holds the title's terms as well, under their own field. */
  const ref_index *tr = ref->titles;
  if (is->documents != ref->n_docs || !close_rel(is->avg_doc_length, avgdl, 1e-12) ||
      is->terms != ref->n_terms + tr->n_terms || is->positions != ref->total_len + tr->total_len) {
    fprintf(stderr,
            "index stats: %llu documents, avgdl %.9g, %llu terms, %llu positions; reference %zu, "
            "%.9g, %zu, %llu\n",
            (unsigned long long)is->documents, is->avg_doc_length, (unsigned long long)is->terms,
            (unsigned long long)is->positions, ref->n_docs, avgdl, ref->n_terms + tr->n_terms,
            (unsigned long long)(ref->total_len + tr->total_len));
    return -1;
  }
  uint64_t postings = 0;
  for (size_t i = 0; i < ref->n_terms; i++) postings += ref->terms[i].n_post;
  for (size_t i = 0; i < tr->n_terms; i++) postings += tr->terms[i].n_post;
  if (is->postings != postings) {
    fprintf(stderr, "index stats: %llu postings, reference %llu\n",
            (unsigned long long)is->postings, (unsigned long long)postings);
    return -1;
  }
  return 0;
}

/* ======================================================================== */
/* The generated corpus                                                     */
/* ======================================================================== */

#define GEN_VOCAB 800
#define GEN_DOCS 4200
#define GEN_FIRST_SESSION 2600
#define GEN_QUERIES 2500
#define GEN_QUERIES_AFTER_DELETES 1000
/* One document in this many is deleted (few enough that no segment loses all of its own). */
#define GEN_DELETE_ONE_IN 12
/* Small enough for several segments per session, large enough to keep their number sane. */
#define GEN_MEMORY_BYTES (512u << 10)

static char *make_word(kz_test_rng *r) {
  static const char consonants[] = "bcdfghjklmnprstvwz";
  static const char vowels[] = "aeiou";
  char w[32];
  size_t n = 0;
  uint32_t syllables = kz_test_rand_range(r, 1, 4);
  for (uint32_t s = 0; s < syllables; s++) {
    w[n++] = consonants[kz_test_rand_below(r, sizeof consonants - 1)];
    w[n++] = vowels[kz_test_rand_below(r, sizeof vowels - 1)];
  }
  if (kz_test_rand_chance(r, 0.4))
    w[n++] = consonants[kz_test_rand_below(r, sizeof consonants - 1)];
  if (kz_test_rand_chance(r, 0.15)) { /* English-looking endings so stemming has work to do */
    static const char *const endings[] = {"s", "ing", "ed", "er", "ly", "ness", "ation"};
    const char *e = endings[kz_test_rand_below(r, 7)];
    memcpy(w + n, e, strlen(e));
    n += strlen(e);
  }
  return xstrndup(w, n);
}

static void make_vocab(vocab *v, kz_test_rng *r) {
  v->n = GEN_VOCAB;
  v->words = xmalloc(v->n * sizeof *v->words);
  v->cdf = xmalloc(v->n * sizeof *v->cdf);
  for (size_t i = 0; i < v->n; i++) {
    char buf[96];
    if (i % 37 == 5) { /* a compound: two tokens at consecutive positions */
      char *a = make_word(r), *b = make_word(r);
      snprintf(buf, sizeof buf, "%s-%s", a, b);
      free(a);
      free(b);
      v->words[i] = xstrndup(buf, strlen(buf));
    } else if (i % 53 == 7) { /* numbers keep their inner '.' and ',' */
      uint32_t k = kz_test_rand_below(r, 3);
      if (k == 0)
        snprintf(buf, sizeof buf, "%u", (unsigned)(1900 + kz_test_rand_below(r, 150)));
      else if (k == 1)
        snprintf(buf, sizeof buf, "%u.%u", (unsigned)kz_test_rand_below(r, 100),
                 (unsigned)kz_test_rand_below(r, 10));
      else
        snprintf(buf, sizeof buf, "%u,%03u", (unsigned)(1 + kz_test_rand_below(r, 99)),
                 (unsigned)kz_test_rand_below(r, 1000));
      v->words[i] = xstrndup(buf, strlen(buf));
    } else if (i % 41 == 3) { /* an inner apostrophe stays in the token */
      char *a = make_word(r), *b = make_word(r);
      snprintf(buf, sizeof buf, "%c'%s", a[0], b);
      free(a);
      free(b);
      v->words[i] = xstrndup(buf, strlen(buf));
    } else {
      v->words[i] = make_word(r);
    }
  }
  double sum = 0;
  for (size_t i = 0; i < v->n; i++) sum += 1.0 / pow((double)i + 1.0, 1.05);
  double acc = 0;
  for (size_t i = 0; i < v->n; i++) {
    acc += 1.0 / pow((double)i + 1.0, 1.05) / sum;
    v->cdf[i] = acc;
  }
  v->cdf[v->n - 1] = 1.0;
}

static void free_vocab(vocab *v) {
  for (size_t i = 0; i < v->n; i++) free(v->words[i]);
  free(v->words);
  free(v->cdf);
}

static const char *zipf_word(const vocab *v, kz_test_rng *r) {
  double x = kz_test_rand_unit(r);
  size_t lo = 0, hi = v->n - 1;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (v->cdf[mid] < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return v->words[lo];
}

/* Appends `n` words with the odd capital, possessive and punctuation. */
static void make_text(sbuf *b, const vocab *v, kz_test_rng *r, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (i) {
      double x = kz_test_rand_unit(r);
      sb_puts(b, x < 0.85 ? " " : x < 0.91 ? ", " : x < 0.96 ? ". " : x < 0.98 ? " - " : "\n");
    }
    size_t start = b->len;
    sb_puts(b, zipf_word(v, r));
    double x = kz_test_rand_unit(r);
    if (x < 0.08) {
      if (b->s[start] >= 'a' && b->s[start] <= 'z') b->s[start] -= 32;
    } else if (x < 0.10) {
      for (size_t j = start; j < b->len; j++)
        if (b->s[j] >= 'a' && b->s[j] <= 'z') b->s[j] -= 32;
    }
    if (kz_test_rand_chance(r, 0.04) && b->s[b->len - 1] >= 'a') sb_puts(b, "'s");
  }
}

static int add_generated(kz_writer *w, ref_index *ref, const vocab *v, kz_test_rng *r, size_t doc) {
  sbuf title = {0}, body = {0};
  char id[32];
  snprintf(id, sizeof id, "g%05zu", doc);
  make_text(&title, v, r, kz_test_rand_range(r, 1, 8));
  make_text(&body, v, r, kz_test_rand_below(r, 201));
  kz_document d = KZ_DOCUMENT_INIT;
  d.id = id;
  d.id_len = strlen(id);
  d.title = title.s;
  d.title_len = title.len;
  d.body = body.s;
  d.body_len = body.len;
  char date[40] = "";
  int64_t when = KZ_DATE_NONE;
  double x = kz_test_rand_unit(r);
  if (x < 0.85) {
    when = GEN_DATE_START + (int64_t)kz_test_rand_below(r, GEN_DATE_DAYS * 86400u);
    kz_date_format(date, sizeof date, when);
  } else if (x < 0.9) {
    snprintf(date, sizeof date, "2022-13-40");
  }
  d.date = date;
  d.date_len = strlen(date);
  kz_error err;
  int rc = kz_writer_add(w, &d, &err);
  if (rc != KZ_OK) {
    fprintf(stderr, "kz_writer_add %s: %s\n", id, err.message);
  } else {
    ref_add(ref, id, strlen(id), title.s, title.len, body.s, body.len);
    ref->docs[ref->n_docs - 1].date = when;
  }
  sb_free(&title);
  sb_free(&body);
  return rc;
}

/*
 * A third writer session deletes one document in GEN_DELETE_ONE_IN, at
 * random, without merging (so the statistics keep counting them), and the
 * reference marks them. @return 1 on success.
 */
static int delete_some(const char *dir, ref_index *ref, kz_test_rng *r) {
  kz_writer_options wo = KZ_WRITER_OPTIONS_INIT;
  wo.no_auto_merge = 1;
  kz_writer *w = NULL;
  kz_error err;
  if (kz_writer_open(&w, dir, &wo, &err) != KZ_OK) {
    fprintf(stderr, "kz_writer_open: %s\n", err.message);
    return 0;
  }
  int ok = 1;
  size_t deleted = 0;
  for (size_t d = 0; d < ref->n_docs && ok; d++) {
    if (kz_test_rand_below(r, GEN_DELETE_ONE_IN)) continue;
    int found = 0;
    const char *id = ref->docs[d].id;
    if (kz_writer_delete(w, id, strlen(id), &found, &err) != KZ_OK || !found) {
      fprintf(stderr, "kz_writer_delete %s: %s\n", id, found ? err.message : "not found");
      ok = 0;
    }
    ref->docs[d].deleted = 1;
    deleted++;
  }
  if (ok && kz_writer_commit(w, &err) != KZ_OK) {
    fprintf(stderr, "kz_writer_commit: %s\n", err.message);
    ok = 0;
  }
  kz_writer_close(w);
  if (ok && deleted < ref->n_docs / (2 * GEN_DELETE_ONE_IN)) {
    fprintf(stderr, "only %zu documents deleted\n", deleted);
    ok = 0;
  }
  return ok;
}

static void test_differential__generated_corpus(void) {
  char dir[512];
  CHECK(kz_test_make_temp_dir(dir, sizeof dir, "kz_differential"));
  kz_test_rng r = kz_test_rng_make(KZ_TEST_XORSHIFT64_STAR, 0x5DEECE66DULL);
  vocab v;
  make_vocab(&v, &r);
  ref_index ref;
  ref_init(&ref);
  kz_writer_options wo = KZ_WRITER_OPTIONS_INIT;
  wo.memory_bytes = GEN_MEMORY_BYTES;
  kz_error err;
  int ok = 1;

  /* Two writer sessions: commit, close, reopen, add more, commit. */
  for (int session = 0; session < 2 && ok; session++) {
    kz_writer *w = NULL;
    int rc = kz_writer_open(&w, dir, &wo, &err);
    if (rc != KZ_OK) {
      fprintf(stderr, "kz_writer_open: %s\n", err.message);
      ok = 0;
      break;
    }
    size_t from = session ? GEN_FIRST_SESSION : 0, to = session ? GEN_DOCS : GEN_FIRST_SESSION;
    for (size_t d = from; d < to && ok; d++) {
      if (add_generated(w, &ref, &v, &r, d) != KZ_OK) ok = 0;
      if (d == from + 100) { /* an empty document is refused and changes nothing */
        kz_document empty = {sizeof(kz_document), "empty", 5, "", 0, NULL, 0, NULL, 0, NULL, 0};
        if (kz_writer_add(w, &empty, &err) != KZ_ERR_DOCUMENT) {
          fprintf(stderr, "an empty document was not refused with KZ_ERR_DOCUMENT\n");
          ok = 0;
        }
      }
    }
    if (ok && (rc = kz_writer_commit(w, &err)) != KZ_OK) {
      fprintf(stderr, "kz_writer_commit: %s\n", err.message);
      ok = 0;
    }
    kz_writer_close(w);
  }

  kz_index *idx = NULL;
  kz_index_stats is = KZ_INDEX_STATS_INIT;
  run_stats st = {.corpus = "generated"};
  if (ok && kz_index_open(&idx, dir, &err) != KZ_OK) {
    fprintf(stderr, "kz_index_open: %s\n", err.message);
    ok = 0;
  }
  if (ok && check_index_stats(idx, &ref, &is) != 0) ok = 0;
  if (ok && (is.segments < 3 || is.generation < 2)) {
    fprintf(stderr, "expected >= 3 segments and >= 2 commits, got %llu and %llu\n",
            (unsigned long long)is.segments, (unsigned long long)is.generation);
    ok = 0;
  }
  if (ok) {
    run_queries(idx, &ref, &v, 0xC0FFEE1234ULL, GEN_QUERIES, &st);
    print_stats(&st, &is);
  }
  kz_index_close(idx);
  idx = NULL;
  run_stats after = {.corpus = "generated, after deletions"};
  if (ok) ok = delete_some(dir, &ref, &r);
  if (ok && kz_index_open(&idx, dir, &err) != KZ_OK) {
    fprintf(stderr, "kz_index_open: %s\n", err.message);
    ok = 0;
  }
  kz_index_stats is_after = KZ_INDEX_STATS_INIT;
  if (ok && kz_index_stats_get(idx, &is_after, &err) != KZ_OK) ok = 0;
  if (ok && is_after.segments != is.segments) { /* a merge would change the statistics */
    fprintf(stderr, "the deletions changed the segments: %llu, before %llu\n",
            (unsigned long long)is_after.segments, (unsigned long long)is.segments);
    ok = 0;
  }
  if (ok) {
    run_queries(idx, &ref, &v, 0xDE1E7EDULL, GEN_QUERIES_AFTER_DELETES, &after);
    print_stats(&after, &is_after);
  }
  kz_index_close(idx);
  ref_free(&ref);
  free_vocab(&v);
  kz_test_remove_tree(dir);
  CHECK(ok);
  CHECK_EQ_INT(st.queries, GEN_QUERIES);
  CHECK_EQ_INT(st.mismatches, 0);
  CHECK_EQ_INT(after.queries, GEN_QUERIES_AFTER_DELETES);
  CHECK_EQ_INT(after.mismatches, 0);
  CHECK(st.sorted > 0 && st.faceted > 0);
  CHECK(st.explained > 1000);
  for (size_t i = 0; i < 4; i++) CHECK(st.explained_new[i] > 100); /* every new kind explained */
}

/* ======================================================================== */
/* The sample articles                                                      */
/* ======================================================================== */

#define SAMPLE_QUERIES 2000

static const char *skip_ws(const char *p, const char *end) {
  while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
  return p;
}

static int hex4(const char *p, const char *end, uint32_t *out) {
  if (end - p < 4) return -1;
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (uint32_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (uint32_t)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (uint32_t)(c - 'A' + 10);
    else
      return -1;
  }
  *out = v;
  return 0;
}

static void put_utf8(sbuf *b, uint32_t c) {
  char u[4];
  if (c < 0x80) {
    u[0] = (char)c;
    sb_putn(b, u, 1);
  } else if (c < 0x800) {
    u[0] = (char)(0xC0 | (c >> 6));
    u[1] = (char)(0x80 | (c & 0x3F));
    sb_putn(b, u, 2);
  } else if (c < 0x10000) {
    u[0] = (char)(0xE0 | (c >> 12));
    u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
    u[2] = (char)(0x80 | (c & 0x3F));
    sb_putn(b, u, 3);
  } else {
    u[0] = (char)(0xF0 | (c >> 18));
    u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    u[3] = (char)(0x80 | (c & 0x3F));
    sb_putn(b, u, 4);
  }
}

/* Decodes the JSON string at p (on its opening quote) into `out` (may be NULL).
 * @return the byte after the closing quote, NULL when malformed. */
static const char *json_string(const char *p, const char *end, sbuf *out) {
  if (p >= end || *p != '"') return NULL;
  for (p++; p < end; p++) {
    char c = *p;
    if (c == '"') return p + 1;
    if (c != '\\') {
      if (out) sb_putc(out, c);
      continue;
    }
    if (++p >= end) return NULL;
    uint32_t cp;
    switch (*p) {
      case '"': cp = '"'; break;
      case '\\': cp = '\\'; break;
      case '/': cp = '/'; break;
      case 'b': cp = '\b'; break;
      case 'f': cp = '\f'; break;
      case 'n': cp = '\n'; break;
      case 'r': cp = '\r'; break;
      case 't': cp = '\t'; break;
      case 'u':
        if (hex4(p + 1, end, &cp)) return NULL;
        p += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t lo;
          if (end - p >= 7 && p[1] == '\\' && p[2] == 'u' && !hex4(p + 3, end, &lo) &&
              lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            p += 6;
          } else {
            cp = 0xFFFD;
          }
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          cp = 0xFFFD;
        }
        break;
      default:
        return NULL;
    }
    if (out) put_utf8(out, cp);
  }
  return NULL;
}

/* Skips one JSON value that is not a string we want. @return the byte after it. */
static const char *json_skip(const char *p, const char *end) {
  if (p < end && *p == '"') return json_string(p, end, NULL);
  int depth = 0;
  while (p < end) {
    char c = *p;
    if (c == '"') {
      if (!(p = json_string(p, end, NULL))) return NULL;
      continue;
    }
    if (c == '{' || c == '[') depth++;
    if (c == '}' || c == ']') {
      if (depth == 0) return p;
      if (--depth == 0) return p + 1;
    }
    if (c == ',' && depth == 0) return p;
    p++;
  }
  return NULL;
}

/* Reads the string members "id", "title" and "body" of one JSON object. */
static int parse_record(const char *p, const char *end, sbuf *id, sbuf *title, sbuf *body) {
  p = skip_ws(p, end);
  if (p >= end || *p++ != '{') return -1;
  for (;;) {
    p = skip_ws(p, end);
    if (p < end && *p == '}') return 0;
    sbuf key = {0};
    p = json_string(p, end, &key);
    if (!p) {
      sb_free(&key);
      return -1;
    }
    p = skip_ws(p, end);
    if (p >= end || *p++ != ':') {
      sb_free(&key);
      return -1;
    }
    p = skip_ws(p, end);
    sbuf *dst = NULL;
    if (key.s && !strcmp(key.s, "id")) dst = id;
    if (key.s && !strcmp(key.s, "title")) dst = title;
    if (key.s && !strcmp(key.s, "body")) dst = body;
    sb_free(&key);
    if (dst && p < end && *p == '"') {
      sb_clear(dst);
      p = json_string(p, end, dst);
    } else {
      p = json_skip(p, end);
    }
    if (!p) return -1;
    p = skip_ws(p, end);
    if (p < end && *p == ',') {
      p++;
      continue;
    }
    if (p < end && *p == '}') return 0;
    return -1;
  }
}

static int load_samples(ref_index *ref, const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int rc = 0;
  while ((n = getline(&line, &cap, f)) > 0) {
    const char *end = line + n;
    if (skip_ws(line, end) == end) continue;
    sbuf id = {0}, title = {0}, body = {0};
    if (parse_record(line, end, &id, &title, &body) != 0 || !id.len) {
      fprintf(stderr, "%s: cannot parse a record\n", path);
      rc = -1;
    } else {
      ref_add(ref, id.s, id.len, title.s, title.len, body.s, body.len);
    }
    sb_free(&id);
    sb_free(&title);
    sb_free(&body);
  }
  free(line);
  fclose(f);
  return rc;
}

static void test_differential__sample_articles(void) {
  const char *src = getenv("KZ_SOURCE_DIR");
  CHECK(src != NULL);
  char path[1024], dir[512];
  snprintf(path, sizeof path, "%s/data/kazakhstan/docs.jsonl", src);
  CHECK(kz_test_make_temp_dir(dir, sizeof dir, "kz_differential"));
  ref_index ref;
  ref_init(&ref);
  int ok = load_samples(&ref, path) == 0 && ref.n_docs == 5;
  if (!ok) fprintf(stderr, "%s: expected 5 readable articles, got %zu\n", path, ref.n_docs);

  kz_writer_options wo = KZ_WRITER_OPTIONS_INIT;
  wo.memory_bytes = KZ_MIN_MEMORY_BYTES;
  kz_writer *w = NULL;
  kz_error err;
  kz_ingest_stats ist = KZ_INGEST_STATS_INIT;
  if (ok && kz_writer_open(&w, dir, &wo, &err) != KZ_OK) {
    fprintf(stderr, "kz_writer_open: %s\n", err.message);
    ok = 0;
  }
  if (ok && (kz_writer_add_path(w, path, NULL, &ist, &err) != KZ_OK || ist.documents != 5 ||
             kz_writer_commit(w, &err) != KZ_OK)) {
    fprintf(stderr, "indexing %s: %s (%llu documents)\n", path, err.message,
            (unsigned long long)ist.documents);
    ok = 0;
  }
  kz_writer_close(w);

  kz_index *idx = NULL;
  kz_index_stats is = KZ_INDEX_STATS_INIT;
  run_stats st = {.corpus = "samples"};
  if (ok && kz_index_open(&idx, dir, &err) != KZ_OK) {
    fprintf(stderr, "kz_index_open: %s\n", err.message);
    ok = 0;
  }
  if (ok && check_index_stats(idx, &ref, &is) != 0) ok = 0;
  if (ok) {
    run_queries(idx, &ref, NULL, 0xA11CE5EEDULL, SAMPLE_QUERIES, &st);
    print_stats(&st, &is);
  }
  /* The queries the generator avoids must be refused, not answered. */
  static const char *const invalid[] = {"-press", "NOT press", "-press -police",
                                        "press OR NOT police", "press OR -police"};
  for (size_t i = 0; ok && i < sizeof invalid / sizeof *invalid; i++) {
    uint64_t count = 0;
    kz_hits *hits = NULL;
    int rc_count = kz_count(&count, idx, invalid[i], NULL, &err);
    int rc_search = kz_search(&hits, idx, invalid[i], NULL, &err);
    kz_hits_free(hits);
    if (rc_count != KZ_ERR_QUERY || rc_search != KZ_ERR_QUERY) {
      fprintf(stderr, "query {%s}: kz_count %s, kz_search %s; expected KZ_ERR_QUERY\n", invalid[i],
              kz_strerror(rc_count), kz_strerror(rc_search));
      ok = 0;
    }
  }
  kz_index_close(idx);
  ref_free(&ref);
  kz_test_remove_tree(dir);
  CHECK(ok);
  CHECK_EQ_INT(st.queries, SAMPLE_QUERIES);
  CHECK_EQ_INT(st.mismatches, 0);
  CHECK(st.explained > 100);
  for (size_t i = 0; i < 4; i++) CHECK(st.explained_new[i] > 50); /* every new kind explained */
}

KZ_TEST_MAIN(KZ_TEST(test_differential__generated_corpus),
             KZ_TEST(test_differential__sample_articles))
