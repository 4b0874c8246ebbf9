/*
 * kzsearch_peer.c - kzsearch behind the `exec:` protocol of ../shared/peers,
 * so that it runs the same corpora, queries and timing as Lucene, Xapian and
 * SQLite FTS5 (see ../shared/peers/README.md, "Plugging in kzsearch").
 *
 *   kzsearch-peer index  CORPUS.jsonl INDEX_DIR [--fields]
 *   kzsearch-peer search INDEX_DIR QUERIES.tsv K [--tag T] [--warmup N] [--warmup-seconds S] [--lat F] [--idf I]
 *   kzsearch-peer count  INDEX_DIR QUERIES.tsv [--warmup N] [--warmup-seconds S] [--lat F]
 *
 * QUERIES.tsv lines are "QID \t +TEXT \t ?TEXT ...": each clause becomes a
 * quoted phrase in kzsearch syntax (one term when it analyzes to one), '+'
 * clauses required, '?' clauses optional: Lucene's MUST + SHOULD; '-'
 * excluded, '#' a filter. As the harness's contract says, plain clauses that
 * analyze to the same terms are merged (required wins) and clauses without a
 * term are dropped, so a repeated stem counts once as in the other peers
 * (kzsearch itself counts it twice). Typed clauses (query syntax v2):
 * "@title:term TEXT" becomes title:"TEXT", "@date:range LO HI"
 * (YYYYMMDDhhmmss) date:[LO TO HI], which kzsearch treats as a filter,
 * "@F:prefix P" P*, "@F:fuzzy:N W" W~N (title: before them for F =
 * title; --max-expansions N caps fuzzy words as in Lucene) and
 * "@F:near:N TEXT" the sloppy phrase F:"TEXT"~N.
 * kzsearch always indexes the title and the date, so --fields is accepted
 * and changes nothing. Extra search options come from KZ_PEER_OPTS in the
 * CLI's syntax (e.g. KZ_PEER_OPTS="--and"); an unknown one is an error. A query is
 * timed from its text to the K external ids, as the peers do; printing is
 * outside the timed part. Uses the public API only.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "kzsearch.h"
#include "search_opts.h"

typedef struct query {
  char *qid;
  char *text; /* in kzsearch syntax */
  const char *unsupported; /* why the query cannot run, or NULL */
} query;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double thread_cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, const kz_error *err) {
  fprintf(stderr, "kzsearch-peer: %s: %s\n", what, err ? err->message : "failed");
  exit(2);
}

static long long disk_usage(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return 0;
  if (!S_ISDIR(st.st_mode)) return (long long)st.st_size;
  long long total = 0;
  DIR *d = opendir(path);
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char sub[4096];
    snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
    total += disk_usage(sub);
  }
  closedir(d);
  return total;
}

static int do_index(const char *corpus, const char *dir) {
  kz_error err;
  kz_writer *w;
  kz_writer_options o = KZ_WRITER_OPTIONS_INIT;
  o.rebuild = 1;
  double t0 = now_s();
  if (kz_writer_open(&w, dir, &o, &err)) die(dir, &err);
  kz_ingest_stats st = KZ_INGEST_STATS_INIT;
  if (kz_writer_add_path(w, corpus, NULL, &st, &err)) die(corpus, &err);
  double t1 = now_s();
  if (kz_writer_commit(w, &err)) die("commit", &err);
  kz_writer_close(w);
  double t2 = now_s();
  printf("index_seconds=%.3f docs=%llu index_bytes=%lld load_seconds=%.3f optimize_seconds=%.3f\n",
         t2 - t0, (unsigned long long)st.documents, disk_usage(dir), t1 - t0, t2 - t1);
  return 0;
}

/* "YYYYMMDDhhmmss" as "YYYY-MM-DDThh:mm:ss" into out (20 bytes); 0, or -1 when malformed. */
static int iso_of(const char *s, size_t n, char *out) {
  if (n != 14) return -1;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return -1;
  snprintf(out, 20, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", s, s + 4, s + 6, s + 8, s + 10, s + 12);
  return 0;
}

/*
 * "@F:prefix P" and "@F:fuzzy:N W" (body at the '@') as P* / W~N into
 * word[0..size), *field "title:" or "". @return NULL, or why not.
 */
static const char *expanded_clause(const char *body, char *word, size_t size, const char **field) {
  int title = !strncmp(body, "@title:", 7);
  if (!title && strncmp(body, "@text:", 6)) return "clause type not supported";
  const char *op = body + (title ? 7 : 6), *space = strchr(op, ' ');
  if (!space || !space[1]) return "malformed clause";
  const char *arg = space + 1;
  for (const char *s = arg; *s; s++)
    if (strchr(" \t\"()*~:", *s)) return "a word with query syntax in it";
  *field = title ? "title:" : "";
  if ((size_t)(space - op) == 6 && !strncmp(op, "prefix", 6)) {
    snprintf(word, size, "%s*", arg);
  } else if ((size_t)(space - op) == 7 && !strncmp(op, "fuzzy:", 6) && op[6] >= '0' &&
             op[6] <= '2') {
    snprintf(word, size, "%s~%c", arg, op[6]);
  } else {
    return "clause type not supported";
  }
  return strlen(arg) + 3 > size ? "word too long" : NULL;
}

/*
 * "@text:near:N TEXT" / "@title:near:N TEXT", a sloppy phrase: sets the
 * field prefix and "~N". @return 0 when the body is not one.
 */
static int near_clause(const char *body, const char **field, char slop[16]) {
  int title = !strncmp(body, "@title:near:", 12);
  if (!title && strncmp(body, "@text:near:", 11)) return 0;
  const char *rest = body + (title ? 12 : 11);
  char *end;
  unsigned long n = strtoul(rest, &end, 10);
  if (end == rest || *end != ' ' || n > 100000) return 0;
  snprintf(slop, 16, "~%lu", n);
  if (title) *field = "title:";
  return 1;
}

/*
 * Appends one TSV clause (OCCUR BODY) in kzsearch syntax: TEXT as a quoted
 * phrase (the clause's own quotes dropped), in the title for @title:term,
 * or a date range. @return NULL, or why the clause cannot run.
 */
static const char *append_clause(char **out, size_t *len, size_t *cap, const char *clause) {
  char occur = clause[0];
  const char *body = clause + 1, *text = body, *field = "";
  char range[64] = "", word[512] = "", slop[16] = "";
  if (body[0] == '@') {
    const char *space = strchr(body, ' ');
    size_t op_len = space ? (size_t)(space - body) : strlen(body);
    if (op_len == 10 && !strncmp(body, "@text:term", 10)) {
      text = space + 1;
    } else if (op_len == 11 && !strncmp(body, "@title:term", 11)) {
      text = space + 1;
      field = "title:";
    } else if (op_len == 11 && !strncmp(body, "@date:range", 11) && space) {
      const char *lo = space + 1, *mid = strchr(lo, ' ');
      char a[20], b[20];
      if (!mid || iso_of(lo, (size_t)(mid - lo), a) || iso_of(mid + 1, strlen(mid + 1), b))
        return "malformed date range";
      snprintf(range, sizeof range, "date:[%s TO %s]", a, b);
    } else if (near_clause(body, &field, slop)) {
      text = space + 1;
    } else {
      const char *why = expanded_clause(body, word, sizeof word, &field);
      if (why) return why;
    }
  }
  size_t need = *len + strlen(text) + strlen(range) + strlen(word) + strlen(slop) + 16;
  if (need > *cap) {
    *cap = need * 2;
    *out = realloc(*out, *cap);
    if (!*out) die("out of memory", NULL);
  }
  char *p = *out + *len;
  if (*len) *p++ = ' ';
  if (occur == '+' || (occur == '#' && !range[0])) *p++ = '+';
  if (occur == '-') *p++ = '-';
  if (range[0]) { /* a date clause of a list is a filter in kzsearch */
    p += sprintf(p, "%s", range);
  } else if (word[0]) {
    p += sprintf(p, "%s%s", field, word);
  } else {
    p += sprintf(p, "%s\"", field);
    for (const char *s = text; *s; s++)
      if (*s != '"') *p++ = *s;
    *p++ = '"';
    p += sprintf(p, "%s", slop);
  }
  *len = (size_t)(p - *out);
  return NULL;
}

/* The clauses of one query line, merged by their analyzed terms. */
typedef struct clause {
  char *terms; /* the analyzed terms, each followed by '\n'; owned */
  const char *text; /* borrowed from the line being read */
  int must;
} clause;

typedef struct clause_set {
  clause *c;
  size_t n, cap;
} clause_set;

typedef struct term_buf {
  char *s;
  size_t len, cap;
} term_buf;

static int add_term(void *ctx, const char *term, size_t len, uint32_t position) {
  term_buf *b = ctx;
  (void)position;
  if (b->len + len + 2 > b->cap) {
    b->cap = (b->len + len + 2) * 2;
    if (!(b->s = realloc(b->s, b->cap))) die("out of memory", NULL);
  }
  memcpy(b->s + b->len, term, len);
  b->len += len;
  b->s[b->len++] = '\n';
  b->s[b->len] = 0;
  return 0;
}

/* Adds a clause, or makes the one that analyzes alike required when this one is. */
static void clause_add(clause_set *cs, kz_index *idx, int must, const char *text) {
  kz_error err;
  term_buf b = {NULL, 0, 0};
  if (kz_index_analyze(idx, text, strlen(text), add_term, &b, &err)) die(text, &err);
  if (!b.s) return; /* no term: the peers drop the clause */
  for (size_t i = 0; i < cs->n; i++)
    if (!strcmp(cs->c[i].terms, b.s)) {
      cs->c[i].must |= must;
      free(b.s);
      return;
    }
  if (cs->n == cs->cap) {
    cs->cap = cs->cap ? cs->cap * 2 : 8;
    if (!(cs->c = realloc(cs->c, cs->cap * sizeof *cs->c))) die("out of memory", NULL);
  }
  cs->c[cs->n++] = (clause){b.s, text, must};
}

static size_t read_queries(kz_index *idx, const char *path, query **out) {
  FILE *f = fopen(path, "r");
  if (!f) {
    perror(path);
    exit(2);
  }
  size_t n = 0, cap = 0;
  query *qs = NULL;
  char *line = NULL;
  size_t lcap = 0;
  ssize_t got;
  while ((got = getline(&line, &lcap, f)) > 0) {
    while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) line[--got] = 0;
    if (!got) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 256;
      qs = realloc(qs, cap * sizeof *qs);
      if (!qs) die("out of memory", NULL);
    }
    char *save = NULL, *field = strtok_r(line, "\t", &save);
    qs[n].qid = strdup(field ? field : "");
    qs[n].text = NULL;
    qs[n].unsupported = NULL;
    size_t len = 0, tcap = 0;
    clause_set cs = {NULL, 0, 0};
    while ((field = strtok_r(NULL, "\t", &save)))
      if (field[0] && field[1] && !qs[n].unsupported) {
        if ((field[0] == '+' || field[0] == '?') && field[1] != '@')
          clause_add(&cs, idx, field[0] == '+', field + 1); /* merged below */
        else
          qs[n].unsupported = append_clause(&qs[n].text, &len, &tcap, field);
      }
    for (size_t i = 0; i < cs.n; i++) {
      size_t tl = strlen(cs.c[i].text);
      char *plain = malloc(tl + 2);
      if (!plain) die("out of memory", NULL);
      plain[0] = cs.c[i].must ? '+' : '?';
      memcpy(plain + 1, cs.c[i].text, tl + 1);
      if (!qs[n].unsupported) qs[n].unsupported = append_clause(&qs[n].text, &len, &tcap, plain);
      free(plain);
      free(cs.c[i].terms);
    }
    free(cs.c);
    if (!qs[n].text) qs[n].text = strdup("");
    n++;
  }
  free(line);
  fclose(f);
  *out = qs;
  return n;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of a sorted array, as the peers compute it. */
static double percentile(const double *v, size_t n, double p) {
  if (!n) return 0;
  size_t rank = (size_t)(p * (double)n + 0.999999999);
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return v[rank - 1];
}

static void report(const char *what, double *lat, double *cpu, size_t n, size_t unsupported) {
  double tot = 0, ctot = 0;
  for (size_t i = 0; i < n; i++) tot += lat[i], ctot += cpu[i];
  qsort(lat, n, sizeof *lat, cmp_double);
  qsort(cpu, n, sizeof *cpu, cmp_double);
  fprintf(stderr,
          "%squeries=%zu total_seconds=%.6f mean_us=%.1f p50_us=%.1f p99_us=%.1f"
          " cpu_mean_us=%.1f cpu_p50_us=%.1f cpu_p99_us=%.1f",
          what, n, tot * 1e-6, n ? tot / (double)n : 0.0, percentile(lat, n, 0.5),
          percentile(lat, n, 0.99), n ? ctot / (double)n : 0.0, percentile(cpu, n, 0.5),
          percentile(cpu, n, 0.99));
  if (unsupported) fprintf(stderr, " unsupported=%zu", unsupported);
  fputc('\n', stderr);
}

static int do_queries(const char *dir, const char *qpath, size_t k, int count_only, int warmup,
                      double warmup_s, const char *latfile, const char *tag,
                      size_t max_expansions) {
  kz_error err;
  kz_index *idx;
  if (kz_index_open(&idx, dir, &err)) die(dir, &err);
  query *qs;
  size_t nq = read_queries(idx, qpath, &qs);
  double *lat = calloc(nq ? nq : 1, sizeof *lat), *cpu = calloc(nq ? nq : 1, sizeof *cpu);
  kz_search_options o = KZ_SEARCH_OPTIONS_INIT;
  o.exact_names = 1; /* plain BM25 as the peers: one spelling per word */
  o.k = k;
  o.snippet_bytes = 0;
  o.ids_only = 1;
  o.skip_total = 1; /* the peers do not count every match when ranking either */
  o.max_expansions = max_expansions;
  o.no_expand = 1;  /* the peers rank plain BM25: no acronym expansion (KZ_PEER_OPTS cannot turn it on) */
  o.collapse = 0;   /* the peers rank plain BM25, near-duplicates included */
  const char *extra = getenv("KZ_PEER_OPTS");
  char msg[256];
  if (extra && cli_search_opts_parse(extra, &o, msg, sizeof msg)) {
    fprintf(stderr, "kzsearch-peer: KZ_PEER_OPTS: %s\n", msg);
    exit(2);
  }
  double start = now_s();
  size_t unsupported = 0, n_timed = 0;
  for (size_t i = 0; i < nq; i++) unsupported += qs[i].unsupported != NULL;
  for (int pass = 0;; pass++) {
    int timed = pass >= warmup && now_s() - start >= warmup_s;
    for (size_t i = 0; i < nq; i++) {
      if (qs[i].unsupported) {
        if (timed && count_only) printf("%s unsupported\n", qs[i].qid);
        if (timed) fprintf(stderr, "unsupported %s: %s\n", qs[i].qid, qs[i].unsupported);
        continue;
      }
      kz_hits *hits = NULL;
      uint64_t count = 0;
      double c0 = thread_cpu_s(), t0 = now_s();
      int rc = count_only ? kz_count(&count, idx, qs[i].text, &o, &err)
                          : kz_search(&hits, idx, qs[i].text, &o, &err);
      double t1 = now_s(), c1 = thread_cpu_s();
      if (rc && rc != KZ_ERR_QUERY) die(qs[i].qid, &err); /* a query with no terms matches nothing */
      if (timed) {
        lat[n_timed] = (t1 - t0) * 1e6;
        cpu[n_timed++] = (c1 - c0) * 1e6;
        if (count_only)
          printf("%s %llu\n", qs[i].qid, (unsigned long long)count);
        else
          for (size_t h = 0; h < kz_hits_size(hits); h++) {
            const kz_hit *hit = kz_hits_at(hits, h);
            printf("%s Q0 %s %zu %.6f %s\n", qs[i].qid, hit->id, h + 1, hit->score, tag);
          }
      }
      kz_hits_free(hits);
    }
    if (timed) break;
  }
  fflush(stdout);
  if (latfile) {
    FILE *f = fopen(latfile, "w");
    if (f) {
      for (size_t i = 0, t = 0; i < nq; i++)
        if (!qs[i].unsupported) {
          fprintf(f, "%s %.3f %.3f\n", qs[i].qid, lat[t], cpu[t]);
          t++;
        }
      fclose(f);
    }
  }
  report(count_only ? "count " : "", lat, cpu, n_timed, unsupported);
  for (size_t i = 0; i < nq; i++) free(qs[i].qid), free(qs[i].text);
  free(qs);
  free(lat);
  free(cpu);
  kz_index_close(idx);
  return 0;
}

static void usage(void) {
  fprintf(stderr,
          "usage: kzsearch-peer index CORPUS.jsonl INDEX_DIR [--fields]\n"
          "       kzsearch-peer search INDEX_DIR QUERIES.tsv K [--tag T] [--warmup N] "
          "[--warmup-seconds S] [--lat F] [--idf I] [--max-expansions N]\n"
          "       kzsearch-peer count INDEX_DIR QUERIES.tsv [--warmup N] [--warmup-seconds S] [--lat F]"
          " [--max-expansions N]\n");
  exit(2);
}

int main(int argc, char **argv) {
  if (argc < 4) usage();
  /* --fields: kzsearch always indexes the title and the date */
  if (!strcmp(argv[1], "index")) return do_index(argv[2], argv[3]);
  int search = !strcmp(argv[1], "search");
  if (!search && strcmp(argv[1], "count")) usage();
  int argi = 4, warmup = 1;
  size_t k = 10;
  double warmup_s = 0;
  const char *latfile = NULL, *tag = "kzsearch";
  size_t max_expansions = 0;
  if (search) {
    if (argc < 5) usage();
    k = (size_t)strtoul(argv[4], NULL, 10);
    if (!k) k = 10;
    argi = 5;
  }
  for (int i = argi; i < argc; i++) {
    if (!strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--warmup-seconds") && i + 1 < argc) warmup_s = atof(argv[++i]);
    else if (!strcmp(argv[i], "--lat") && i + 1 < argc) latfile = argv[++i];
    else if (!strcmp(argv[i], "--tag") && i + 1 < argc) tag = argv[++i];
    else if (!strcmp(argv[i], "--idf") && i + 1 < argc) i++; /* kzsearch has one idf: Lucene's */
    else if (!strcmp(argv[i], "--max-expansions") && i + 1 < argc)
      max_expansions = (size_t)strtoul(argv[++i], NULL, 10);
    else usage();
  }
  return do_queries(argv[2], argv[3], k, !search, warmup, warmup_s, latfile, tag, max_expansions);
}
