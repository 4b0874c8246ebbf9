/*
 * test_explain.c - kz_search_options.explain against the documents
 * themselves, on the bundled sample articles: the factors a hit's tree shows
 * (tf, phrase frequency, the text's and the title's lengths) are recounted
 * here from the stored document run through the index's analyzer; each
 * term's df in the query's tree is the count of the word's own search; the
 * query's notation, its dropped clauses, and the trees' shape are checked,
 * and so are prefix and fuzzy words (each expansion's tf recounted) and
 * sloppy phrases and NEAR (their sloppy frequency within its bounds).
 * test_differential.c holds the trees of many random queries to their scores
 * (tests/kz_test_explain.h); this test checks that what they show is true.
 *
 * Owns a temporary index per test, removed at its end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kz_test.h"
#include "kz_test_explain.h"
#include "kz_test_fs.h"
#include "kzsearch.h"

/* Indexes the sample articles into a new temporary directory. @return 0, or -1. */
static int open_sample(char *dir, size_t dir_size, kz_index **idx) {
  const char *src = getenv("KZ_SOURCE_DIR");
  char path[1024];
  kz_error err;
  kz_writer *w = NULL;
  if (!src || !kz_test_make_temp_dir(dir, dir_size, "kz_explain")) return -1;
  snprintf(path, sizeof path, "%s/data/kazakhstan/docs.jsonl", src);
  int rc = kz_writer_open(&w, dir, NULL, &err);
  if (!rc) rc = kz_writer_add_path(w, path, NULL, NULL, &err);
  if (!rc) rc = kz_writer_commit(w, &err);
  kz_writer_close(w);
  if (!rc) rc = kz_index_open(idx, dir, &err);
  if (rc) fprintf(stderr, "test_explain: %s\n", err.message);
  return rc ? -1 : 0;
}

static kz_search_options explain_options(void) {
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.explain = 1;
  o.k = 100;
  return o;
}

/* The count of an explained query and its hits. @return 0, or -1 (said on stderr). */
static int count_and_search(kz_index *idx, const char *query, uint64_t *count, kz_hits **hits) {
  kz_search_options o = explain_options();
  kz_error err;
  *hits = NULL;
  if (kz_count(count, idx, query, &o, &err) == KZ_OK &&
      kz_search(hits, idx, query, &o, &err) == KZ_OK)
    return 0;
  fprintf(stderr, "%s: %s\n", query, err.message);
  return -1;
}

/* ---- the analyzer's view of a text ---------------------------------------- */

#define MAX_TOKENS 20000

typedef struct tokens {
  char term[MAX_TOKENS][64];
  uint32_t pos[MAX_TOKENS];
  size_t n;
  uint32_t base; /* added to the positions of the text being analysed */
  uint32_t end;  /* one past the last position seen */
} tokens;

static int collect(void *ctx, const char *term, size_t len, uint32_t position) {
  tokens *t = ctx;
  if (t->n == MAX_TOKENS || len >= sizeof t->term[0]) return 1;
  memcpy(t->term[t->n], term, len);
  t->term[t->n][len] = 0;
  t->pos[t->n++] = t->base + position;
  t->end = t->base + position + 1;
  return 0;
}

/* The one term a word analyses to. */
static void stem_of(kz_index *idx, const char *word, char *out, size_t size) {
  static tokens t;
  kz_error err;
  memset(&t, 0, sizeof t);
  out[0] = 0;
  if (kz_index_analyze(idx, word, strlen(word), collect, &t, &err) == KZ_OK && t.n == 1)
    snprintf(out, size, "%s", t.term[0]);
}

static size_t count_term(const tokens *t, const char *term) {
  size_t n = 0;
  for (size_t i = 0; i < t->n; i++) n += strcmp(t->term[i], term) == 0;
  return n;
}

/* Occurrences of a, then b at the next position. */
static size_t count_pair(const tokens *t, const char *a, const char *b) {
  size_t n = 0;
  for (size_t i = 0; i < t->n; i++)
    for (size_t j = 0; strcmp(t->term[i], a) == 0 && j < t->n; j++)
      n += t->pos[j] == t->pos[i] + 1 && strcmp(t->term[j], b) == 0;
  return n;
}

/* The child of a hit's "sum" whose description starts with `clause` and ':'. */
static const kz_explanation *clause_node(const kz_explanation *e, const char *clause) {
  size_t len = strlen(clause);
  for (size_t i = 0; i < e->n_children; i++)
    if (strncmp(e->children[i].description, clause, len) == 0 &&
        e->children[i].description[len] == ':')
      return &e->children[i];
  return NULL;
}

static double factor(const kz_explanation *e, const char *kind) {
  const kz_explanation *f = e ? kz_test_explain_child(e, kind) : NULL;
  return f ? f->value : -1;
}

/* ---- tests ------------------------------------------------------------------ */

static void test_explain__off_unless_asked(void) {
  char dir[512];
  kz_index *idx = NULL;
  CHECK(open_sample(dir, sizeof dir, &idx) == 0);
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  kz_hits *hits = NULL;
  kz_error err;
  CHECK(kz_search(&hits, idx, "almaty", &o, &err) == KZ_OK);
  int off = kz_hits_size(hits) > 0 && !kz_hits_query_explanation(hits) &&
            !kz_hits_explanation_at(hits, 0);
  kz_hits_free(hits);
  /* A version 2 struct has no explain member: whatever follows it is not read. */
  o.version = 2;
  o.explain = 1;
  hits = NULL;
  CHECK(kz_search(&hits, idx, "almaty", &o, &err) == KZ_OK);
  int old = !kz_hits_query_explanation(hits);
  o.version = KZ_SEARCH_OPTIONS_VERSION;
  kz_hits_free(hits);
  hits = NULL;
  CHECK(kz_search(&hits, idx, "almaty", &o, &err) == KZ_OK);
  int on = kz_hits_query_explanation(hits) && kz_hits_explanation_at(hits, 0) &&
           !kz_hits_explanation_at(hits, kz_hits_size(hits));
  kz_hits_free(hits);
  kz_index_close(idx);
  kz_test_remove_tree(dir);
  CHECK(off);
  CHECK(old);
  CHECK(on);
  CHECK(kz_hits_query_explanation(NULL) == NULL && kz_hits_explanation_at(NULL, 0) == NULL);
}

static void test_explain__query_as_planned(void) {
  char dir[512];
  kz_index *idx = NULL;
  CHECK(open_sample(dir, sizeof dir, &idx) == 0);
  kz_search_options o = explain_options();
  kz_hits *hits = NULL;
  kz_error err;
  const char *query = "peace +\"violent protests\" -zzz !!! title:Kazakhstan date:2022 \"?\"";
  int rc = kz_search(&hits, idx, query, &o, &err);
  const kz_explanation *q = rc == KZ_OK ? kz_hits_query_explanation(hits) : NULL;
  char desc[512] = "", dropped[2][256] = {"", ""}, kinds[64] = "";
  double dropped_at[2] = {-1, -1};
  if (q) {
    snprintf(desc, sizeof desc, "%s", q->description);
    for (size_t i = 1; i < q->n_children && i < 3; i++) {
      snprintf(dropped[i - 1], sizeof dropped[0], "%s", q->children[i].kind);
      dropped_at[i - 1] = q->children[i].value;
    }
    const kz_explanation *g = q->n_children ? &q->children[0] : NULL;
    for (size_t i = 0; g && i < g->n_children; i++)
      snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s%s", i ? "," : "",
               g->children[i].kind);
  }
  size_t n_children = q ? q->n_children : 0;
  kz_hits_free(hits);
  kz_index_close(idx);
  kz_test_remove_tree(dir);
  CHECK_EQ_INT(rc, KZ_OK);
  /* The date joins the required clauses as a filter; the optional ones stay optional. */
  CHECK_EQ_STR(desc,
               "+text:\"violent protest\" +date:[2022-01-01T00:00:00Z TO 2022-12-31T23:59:59Z] "
               "text:peac title:kazakhstan -text:zzz");
  CHECK_EQ_STR(kinds, "phrase,date,term,term,term");
  CHECK_EQ_INT(n_children, 3); /* the clause, then "!!!" and "?" */
  CHECK_EQ_STR(dropped[0], "dropped");
  CHECK_EQ_STR(dropped[1], "dropped");
  CHECK(dropped_at[0] == (double)(strstr(query, "!!!") - query));
  CHECK(dropped_at[1] == (double)(strstr(query, "\"?\"") - query));
}

static void test_explain__df_is_the_words_count(void) {
  char dir[512];
  kz_index *idx = NULL;
  CHECK(open_sample(dir, sizeof dir, &idx) == 0);
  static const char *const words[] = {"almaty", "peace", "tokayev", "restraint", "zzzq", "the"};
  int bad = 0;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
    kz_hits *hits = NULL;
    uint64_t count = 0;
    if (count_and_search(idx, words[i], &count, &hits) != 0) {
      bad++;
      continue;
    }
    const kz_explanation *q = kz_hits_query_explanation(hits);
    const kz_explanation *t = q && q->n_children ? &q->children[0] : NULL;
    if (!t || strcmp(t->kind, "term") != 0 || t->value != (double)count) {
      fprintf(stderr, "%s: df %g, count %llu\n", words[i], t ? t->value : -1.0,
              (unsigned long long)count);
      bad++;
    }
    kz_hits_free(hits);
  }
  kz_index_close(idx);
  kz_test_remove_tree(dir);
  CHECK_EQ_INT(bad, 0);
}

/*
 * Every hit of a query with a text term, a title term and a phrase: the tf,
 * phrase frequency and lengths its tree shows are those of the stored
 * document, recounted from its title and body.
 */
static void test_explain__factors_are_the_documents(void) {
  char dir[512];
  kz_index *idx = NULL;
  CHECK(open_sample(dir, sizeof dir, &idx) == 0);
  char almaty[64], kazakhstan[64], security[64], forces[64], clause[160];
  stem_of(idx, "almaty", almaty, sizeof almaty);
  stem_of(idx, "kazakhstan", kazakhstan, sizeof kazakhstan);
  stem_of(idx, "security", security, sizeof security);
  stem_of(idx, "forces", forces, sizeof forces);
  kz_search_options o = explain_options();
  kz_hits *hits = NULL;
  kz_error err;
  CHECK(kz_search(&hits, idx, "almaty title:kazakhstan \"security forces\"", &o, &err) == KZ_OK);
  static tokens text, title;
  size_t checked = 0, phrases = 0;
  int bad = 0;
  for (size_t i = 0; i < kz_hits_size(hits); i++) {
    const kz_hit *h = kz_hits_at(hits, i);
    const kz_explanation *e = kz_hits_explanation_at(hits, i);
    char why[512];
    if (kz_test_explain_check(hits, i, why, sizeof why) != 0) {
      fprintf(stderr, "%s: %s\n", h->id, why);
      bad++;
      continue;
    }
    kz_stored *doc = NULL;
    if (kz_index_get(&doc, idx, h->id, strlen(h->id), &err) != KZ_OK || !doc) {
      bad++;
      continue;
    }
    /* The text field: the title's positions, then the body's after them. */
    memset(&text, 0, sizeof text);
    memset(&title, 0, sizeof title);
    kz_index_analyze(idx, doc->title, doc->title_len, collect, &title, &err);
    kz_index_analyze(idx, doc->title, doc->title_len, collect, &text, &err);
    text.base = text.end;
    kz_index_analyze(idx, doc->body, doc->body_len, collect, &text, &err);
    kz_stored_free(doc);

    snprintf(clause, sizeof clause, "text:%s", almaty);
    const kz_explanation *t = clause_node(e, clause);
    size_t tf = count_term(&text, almaty);
    if ((tf && (factor(t, "tf") != (double)tf || factor(t, "dl") != (double)text.end)) ||
        (!tf && t)) {
      fprintf(stderr, "%s: %s tf %g dl %g, recounted %zu and %u\n", h->id, clause,
              factor(t, "tf"), factor(t, "dl"), tf, text.end);
      bad++;
    }
    snprintf(clause, sizeof clause, "title:%s", kazakhstan);
    t = clause_node(e, clause);
    tf = count_term(&title, kazakhstan);
    if ((tf && (factor(t, "tf") != (double)tf || factor(t, "dl") != (double)title.end)) ||
        (!tf && t)) {
      fprintf(stderr, "%s: %s tf %g dl %g, recounted %zu and %u\n", h->id, clause,
              factor(t, "tf"), factor(t, "dl"), tf, title.end);
      bad++;
    }
    snprintf(clause, sizeof clause, "text:\"%s %s\"", security, forces);
    t = clause_node(e, clause);
    size_t freq = count_pair(&text, security, forces);
    if ((freq && factor(t, "freq") != (double)freq) || (!freq && t)) {
      fprintf(stderr, "%s: %s freq %g, recounted %zu\n", h->id, clause, factor(t, "freq"), freq);
      bad++;
    }
    phrases += freq > 0;
    checked++;
  }
  kz_hits_free(hits);
  kz_index_close(idx);
  kz_test_remove_tree(dir);
  CHECK_EQ_INT(bad, 0);
  CHECK(checked >= 5);
  CHECK(phrases >= 1);
}

/* The leaves of a hit's tree ("term", "phrase", "filter" under "sum" nodes): counted, and the first. */
static void leaves(const kz_explanation *e, size_t *n, const kz_explanation **first) {
  if (strcmp(e->kind, "sum") != 0) {
    if ((*n)++ == 0) *first = e;
    return;
  }
  for (size_t i = 0; i < e->n_children; i++) leaves(&e->children[i], n, first);
}

/* Clauses that did not match the document, and excluded ones, are not in its tree. */
static void test_explain__only_matching_clauses(void) {
  char dir[512];
  kz_index *idx = NULL;
  CHECK(open_sample(dir, sizeof dir, &idx) == 0);
  kz_search_options o = explain_options();
  kz_hits *hits = NULL;
  kz_error err;
  CHECK(kz_search(&hits, idx, "tokayev OR zzzq -peace", &o, &err) == KZ_OK);
  int bad = 0;
  for (size_t i = 0; i < kz_hits_size(hits); i++) {
    const kz_explanation *e = kz_hits_explanation_at(hits, i);
    char why[512];
    /* One clause matched: tokayev; zzzq did not, and the excluded peace cannot have. */
    size_t n = 0;
    const kz_explanation *leaf = NULL;
    leaves(e, &n, &leaf);
    if (kz_test_explain_check(hits, i, why, sizeof why) != 0 || n != 1 ||
        strcmp(leaf->kind, "term") != 0 || strncmp(leaf->description, "text:tokayev:", 13) != 0)
      bad++;
  }
  size_t n = kz_hits_size(hits);
  kz_hits_free(hits);
  kz_index_close(idx);
  kz_test_remove_tree(dir);
  CHECK(n > 0);
  CHECK_EQ_INT(bad, 0);
}

/* Sorting by date, date filters, paging and ids_only leave the trees true. */
static void test_explain__every_search_form(void) {
  char dir[512];
  kz_index *idx = NULL;
  CHECK(open_sample(dir, sizeof dir, &idx) == 0);
  static const char *const queries[] = {"kazakhstan almaty", "+protest \"state of emergency\"",
                                        "title:kazakhstan (tokayev OR nazarbayev) -zzzq",
                                        "troops AND (almaty OR \"security forces\")"};
  size_t explained = 0;
  int bad = 0;
  for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++)
    for (int form = 0; form < 4; form++) {
      kz_search_options o = explain_options();
      o.k = 3;
      if (form == 1) o.sort = KZ_SORT_DATE;
      if (form == 2) o.since = "2022-01-06", o.until = "2022-01-31", o.offset = 1;
      if (form == 3) o.ids_only = 1, o.bm25_k1 = 0.5, o.bm25_b = 0.2;
      kz_hits *hits = NULL;
      kz_error err;
      if (kz_search(&hits, idx, queries[q], &o, &err) != KZ_OK) {
        fprintf(stderr, "%s: %s\n", queries[q], err.message);
        bad++;
        continue;
      }
      for (size_t i = 0; i < kz_hits_size(hits); i++) {
        char why[512];
        if (kz_test_explain_check(hits, i, why, sizeof why) != 0) {
          fprintf(stderr, "%s (form %d) hit %zu: %s\n", queries[q], form, i, why);
          bad++;
        }
        explained++;
      }
      kz_hits_free(hits);
    }
  kz_index_close(idx);
  kz_test_remove_tree(dir);
  CHECK_EQ_INT(bad, 0);
  CHECK(explained >= 20);
}

/* The text field's tokens of a stored document: its title's, then its body's. */
static int analyse_text(kz_index *idx, const char *id, tokens *text) {
  kz_error err;
  kz_stored *doc = NULL;
  if (kz_index_get(&doc, idx, id, strlen(id), &err) != KZ_OK || !doc) return -1;
  memset(text, 0, sizeof *text);
  kz_index_analyze(idx, doc->title, doc->title_len, collect, text, &err);
  text->base = text->end;
  kz_index_analyze(idx, doc->body, doc->body_len, collect, text, &err);
  kz_stored_free(doc);
  return 0;
}

/*
 * A prefix and a fuzzy word: the query's tree lists the expansions with
 * their df and weighs with the df of their union (the count of the search);
 * each hit's blended tf is the sum of its expansions' tf, each recounted
 * from the stored document, and covers every token of the document that is
 * an expansion.
 */
static void test_explain__prefix_and_fuzzy_words(void) {
  char dir[512];
  kz_index *idx = NULL;
  CHECK(open_sample(dir, sizeof dir, &idx) == 0);
  static const char *const queries[] = {"peace*", "Tokaev~1", "st*"};
  static const char *const notations[] = {"text:peace*", "text:tokaev~1", "text:st*"};
  static tokens text;
  size_t hits_checked = 0, parts = 0;
  int bad = 0;
  for (size_t q = 0; q < sizeof queries / sizeof queries[0]; q++) {
    kz_hits *hits = NULL;
    uint64_t count = 0;
    if (count_and_search(idx, queries[q], &count, &hits) != 0) {
      bad++;
      continue;
    }
    const kz_explanation *root = kz_hits_query_explanation(hits);
    const kz_explanation *x = root && root->n_children ? &root->children[0] : NULL;
    size_t len = strlen(notations[q]);
    if (!x || strcmp(root->description, notations[q]) != 0 || strcmp(x->kind, "expand") != 0 ||
        strncmp(x->description, notations[q], len) != 0 || x->value != (double)count ||
        x->n_children == 0) {
      fprintf(stderr, "%s: query tree '%s'\n", queries[q], x ? x->description : "(none)");
      bad++;
      kz_hits_free(hits);
      continue;
    }
    for (size_t i = 0; i < kz_hits_size(hits); i++) {
      const kz_hit *h = kz_hits_at(hits, i);
      const kz_explanation *e = kz_hits_explanation_at(hits, i);
      const kz_explanation *tf = kz_test_explain_child(e, "tf");
      char why[512];
      if (kz_test_explain_check(hits, i, why, sizeof why) != 0 || !tf ||
          strncmp(e->description, notations[q], len) != 0 ||
          analyse_text(idx, h->id, &text) != 0) {
        fprintf(stderr, "%s: %s: %s\n", queries[q], h->id, tf ? why : "no tf");
        bad++;
        continue;
      }
      /* Each expansion's tf is its count in the document. */
      size_t sum = 0;
      for (size_t k = 0; k < tf->n_children; k++) {
        const char *d = tf->children[k].description, *term = strstr(d, "text:");
        size_t n = term ? count_term(&text, term + 5) : 0;
        if (!term || tf->children[k].value != (double)n) {
          fprintf(stderr, "%s: %s: '%s' is %g, recounted %zu\n", queries[q], h->id, d,
                  tf->children[k].value, n);
          bad++;
        }
        sum += n;
        parts++;
      }
      /* A prefix's expansions are all the document's terms that start with it. */
      if (strchr(queries[q], '*')) {
        size_t plen = strlen(queries[q]) - 1, starting = 0;
        for (size_t t = 0; t < text.n; t++) starting += strncmp(text.term[t], queries[q], plen) == 0;
        if (starting != sum || tf->value != (double)sum) {
          fprintf(stderr, "%s: %s: tf %g, %zu tokens start with the prefix\n", queries[q], h->id,
                  tf->value, starting);
          bad++;
        }
      }
      hits_checked++;
    }
    kz_hits_free(hits);
  }
  kz_index_close(idx);
  kz_test_remove_tree(dir);
  CHECK_EQ_INT(bad, 0);
  CHECK(hits_checked >= 8);
  CHECK(parts >= hits_checked);
}

/*
 * A sloppy phrase and NEAR: the notation, and each hit's "freq" is the
 * sloppy frequency of its matches, each weighing between 1 / (1 + the
 * most distance allowed) and 1 (an exact phrase's count would be 0 here:
 * the words do not stand side by side in this order).
 */
static void test_explain__sloppy_phrase_and_near(void) {
  char dir[512];
  kz_index *idx = NULL;
  CHECK(open_sample(dir, sizeof dir, &idx) == 0);
  static const char *const queries[] = {"\"troops almaty\"~5", "troops NEAR/5 almaty"};
  static const char *const notations[] = {"text:\"troop almati\"~5", "text:(troop NEAR/5 almati)"};
  static const double least[] = {1.0 / 6, 1.0 / 5}; /* the weight at the most distance */
  size_t checked = 0;
  int bad = 0;
  for (size_t q = 0; q < 2; q++) {
    kz_search_options o = explain_options();
    kz_hits *hits = NULL;
    kz_error err;
    if (kz_search(&hits, idx, queries[q], &o, &err) != KZ_OK) {
      fprintf(stderr, "%s: %s\n", queries[q], err.message);
      bad++;
      continue;
    }
    const kz_explanation *root = kz_hits_query_explanation(hits);
    if (!root || strcmp(root->description, notations[q]) != 0 || root->n_children == 0 ||
        strcmp(root->children[0].kind, "phrase") != 0) {
      fprintf(stderr, "%s: query '%s'\n", queries[q], root ? root->description : "(none)");
      bad++;
    }
    for (size_t i = 0; i < kz_hits_size(hits); i++) {
      const kz_explanation *e = kz_hits_explanation_at(hits, i);
      const kz_explanation *freq = kz_test_explain_child(e, "freq");
      char why[512] = "no freq";
      unsigned matches = 0;
      if (kz_test_explain_check(hits, i, why, sizeof why) != 0 || !freq ||
          sscanf(freq->description, "sloppy frequency: %u match", &matches) != 1 ||
          freq->value > matches || freq->value < matches * least[q] - 1e-12) {
        fprintf(stderr, "%s: hit %zu: %s (%s)\n", queries[q], i, why,
                freq ? freq->description : "");
        bad++;
      }
      checked++;
    }
    kz_hits_free(hits);
  }
  kz_index_close(idx);
  kz_test_remove_tree(dir);
  CHECK_EQ_INT(bad, 0);
  CHECK(checked >= 4);
}

/* The query tree's node of `kind` after the plan (NULL when none). */
static const kz_explanation *added_node(const kz_explanation *q, const char *kind, size_t nth) {
  for (size_t i = 1; q && i < q->n_children; i++)
    if (strcmp(q->children[i].kind, kind) == 0 && nth-- == 0) return &q->children[i];
  return NULL;
}

/* The documents `text` matches with every expansion off; -1 when the count fails. */
static double count_alone(kz_index *idx, const char *text) {
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.no_expand = 1;
  o.exact_names = 1;
  uint64_t n = 0;
  kz_error err;
  return kz_count(&n, idx, text, &o, &err) == KZ_OK ? (double)n : -1;
}

/* Issue 15: the query's tree lists the acronyms, long forms and spellings added, or says they are off. */
static void test_explain__expansions(void) {
  char dir[512];
  kz_index *idx = NULL;
  CHECK(open_sample(dir, sizeof dir, &idx) == 0);
  if (!idx) return;
  kz_search_options o = explain_options();
  kz_hits *hits = NULL;
  kz_error err;
  CHECK(kz_search(&hits, idx, "CSTO Mangistau", &o, &err) == KZ_OK);
  const kz_explanation *q = kz_hits_query_explanation(hits);
  const kz_explanation *acr = added_node(q, "acronym", 0), *name = added_node(q, "also matched", 0);
  CHECK(acr && strstr(acr->description, "CSTO -> \"collective security treaty organization\""));
  CHECK(acr && acr->value == count_alone(idx, "\"collective security treaty organization\""));
  CHECK(acr && acr->value > 2); /* seed-004 writes only the long form */
  CHECK(name && strstr(name->description, "mangystau for mangistau"));
  CHECK(name && name->value == count_alone(idx, "Mangystau"));
  CHECK(!added_node(q, "off", 0));
  kz_hits_free(hits);

  hits = NULL;
  CHECK(kz_search(&hits, idx, "\"Collective Security Treaty Organization\"", &o, &err) == KZ_OK);
  const kz_explanation *lf = added_node(kz_hits_query_explanation(hits), "long form", 0);
  CHECK(lf && strstr(lf->description, "-> CSTO"));
  CHECK(lf && lf->value == count_alone(idx, "CSTO"));
  kz_hits_free(hits);

  o.no_expand = 1;
  o.exact_names = 1;
  hits = NULL;
  CHECK(kz_search(&hits, idx, "CSTO Mangistau", &o, &err) == KZ_OK);
  q = kz_hits_query_explanation(hits);
  CHECK(!added_node(q, "acronym", 0) && !added_node(q, "also matched", 0));
  const kz_explanation *off1 = added_node(q, "off", 0), *off2 = added_node(q, "off", 1);
  CHECK(off1 && strstr(off1->description, "--no-expand"));
  CHECK(off2 && strstr(off2->description, "--exact"));
  kz_hits_free(hits);
  kz_index_close(idx);
  kz_test_remove_tree(dir);
}

KZ_TEST_MAIN(KZ_TEST(test_explain__off_unless_asked), KZ_TEST(test_explain__query_as_planned),
             KZ_TEST(test_explain__expansions),
             KZ_TEST(test_explain__df_is_the_words_count),
             KZ_TEST(test_explain__factors_are_the_documents),
             KZ_TEST(test_explain__only_matching_clauses),
             KZ_TEST(test_explain__every_search_form),
             KZ_TEST(test_explain__prefix_and_fuzzy_words),
             KZ_TEST(test_explain__sloppy_phrase_and_near))
