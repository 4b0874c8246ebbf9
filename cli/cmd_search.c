/*
 * cmd_search.c - `kzsearch [search] [-i DIR] [-k N] [--offset N] [--and]
 * [--json] [--count] [--] QUERY...`.
 *
 * Results go to stdout, everything else (the "N matches" line, errors) to
 * stderr, so `kzsearch ... | head` sees only hits. Exit 0 when something
 * matched, 1 when nothing did, 2 on errors, like grep.
 *
 * Human output prints document text on one line per field: control
 * characters (including C1 controls, which some terminals obey) become
 * spaces and runs of whitespace collapse, so document bytes can neither break
 * the layout nor drive the terminal. --json output escapes instead.
 */
#include "cmd_search.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_path.h"
#include "json_out.h"
#include "kzsearch.h"
#include "options.h"
#include "report.h"
#include "search_opts.h"
#include "term.h"

enum {
  OPT_INDEX = 1, OPT_K, OPT_OFFSET, OPT_AND, OPT_JSON, OPT_COUNT, OPT_HELP, OPT_COLOR, OPT_SINCE,
  OPT_UNTIL, OPT_SORT, OPT_FACET, OPT_MAX_EXPANSIONS, OPT_NO_SUGGEST, OPT_EXPLAIN, OPT_EXACT,
  OPT_NO_EXPAND, OPT_NO_COLLAPSE,
  /* the ranking options (search_opts.h) from here on */
  OPT_TITLE_WEIGHT, OPT_RM3, OPT_RM3_DOCS, OPT_RM3_TERMS, OPT_RM3_WEIGHT, OPT_PROXIMITY,
  OPT_RECENCY, OPT_RECENCY_DECAY, OPT_NOW
};

static const cli_option options[] = {
    {"index", 'i', 1, OPT_INDEX}, {NULL, 'k', 1, OPT_K},      {"limit", 0, 1, OPT_K},
    {"offset", 0, 1, OPT_OFFSET}, {"and", 0, 0, OPT_AND},     {"json", 0, 0, OPT_JSON},
    {"count", 'c', 0, OPT_COUNT}, {"help", 'h', 0, OPT_HELP},
    {"color", 0, 1, OPT_COLOR},   {"since", 0, 1, OPT_SINCE},     {"until", 0, 1, OPT_UNTIL},
    {"sort", 0, 1, OPT_SORT},     {"facet", 0, 1, OPT_FACET},
    {"max-expansions", 0, 1, OPT_MAX_EXPANSIONS}, {"no-suggest", 0, 0, OPT_NO_SUGGEST},
    {"explain", 0, 0, OPT_EXPLAIN}, {"exact", 0, 0, OPT_EXACT},
    {"title-weight", 0, 1, OPT_TITLE_WEIGHT},      {"rm3", 0, 0, OPT_RM3},
    {"rm3-docs", 0, 1, OPT_RM3_DOCS},      {"rm3-terms", 0, 1, OPT_RM3_TERMS},
    {"rm3-weight", 0, 1, OPT_RM3_WEIGHT},    {"proximity", 0, 0, OPT_PROXIMITY},
    {"recency", 0, 1, OPT_RECENCY},       {"recency-decay", 0, 1, OPT_RECENCY_DECAY},
    {"now", 0, 1, OPT_NOW},
    {"no-expand", 0, 0, OPT_NO_EXPAND},
    {"no-collapse", 0, 0, OPT_NO_COLLAPSE},
};

/* A ranking option's long name from its id. */
static const char *rank_option_name(int id) {
  for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
    if (options[i].id == id) return options[i].long_name;
  return NULL;
}

typedef struct search_args {
  const char *index_opt;
  kz_search_options opts;
  int json, count;
  cli_color_mode color;
  char *query; /* the QUERY operands joined by spaces; owned */
} search_args;

/* ---------------------------------------------------------------- parsing */

static int parse_args(search_args *a, int argc, char **argv) {
  cli_parser parser;
  const char *value;
  int id;
  size_t query_len = 0, n_words = 0;
  char **words = calloc((size_t)argc + 1, sizeof *words);
  if (!words) {
    cli_error("out of memory");
    return CLI_EXIT_ERROR;
  }
  cli_parser_init(&parser, argc, argv, options, sizeof options / sizeof options[0]);
  while ((id = cli_parser_next(&parser, &value)) != CLI_OPT_END) {
    uint64_t n;
    switch (id) {
      case CLI_OPT_OPERAND:
        words[n_words++] = (char *)value;
        query_len += strlen(value) + 1;
        break;
      case OPT_INDEX: a->index_opt = value; break;
      case OPT_K:
        if (cli_parse_u64(value, "-k", 1, SIZE_MAX, &n) != 0) goto usage;
        a->opts.k = (size_t)n;
        break;
      case OPT_OFFSET:
        if (cli_parse_u64(value, "--offset", 0, SIZE_MAX, &n) != 0) goto usage;
        a->opts.offset = (size_t)n;
        break;
      case OPT_AND: a->opts.default_and = 1; break;
      case OPT_EXACT: a->opts.exact_names = 1; break;
      case OPT_NO_EXPAND:
        if (cli_search_opts_parse("--no-expand", &a->opts, NULL, 0) != 0) goto usage;
        break;
      case OPT_NO_COLLAPSE: a->opts.collapse = 0; break;
      case OPT_SINCE: a->opts.since = value; break;
      case OPT_UNTIL: a->opts.until = value; break;
      case OPT_NO_SUGGEST: a->opts.suggest = 0; break;
      case OPT_SORT:
      case OPT_FACET:
      case OPT_MAX_EXPANSIONS: {
        char msg[160];
        if ((id == OPT_SORT     ? cli_sort_parse(value, &a->opts.sort, msg, sizeof msg)
             : id == OPT_FACET ? cli_facet_parse(value, &a->opts.facet, msg, sizeof msg)
                               : cli_max_expansions_parse(value, &a->opts, msg, sizeof msg)) != 0) {
          cli_error("%s", msg);
          goto usage;
        }
        break;
      }
      case OPT_JSON: a->json = 1; break;
      case OPT_EXPLAIN: a->opts.explain = 1; break;
      case OPT_COUNT: a->count = 1; break;
      case OPT_COLOR:
        if (cli_color_parse(value, &a->color) != 0) goto usage;
        break;
      case OPT_HELP: free(words); return CLI_EXIT_HELP;
      default: {
        char msg[200];
        const char *name = id >= OPT_TITLE_WEIGHT ? rank_option_name(id) : NULL;
        if (!name) goto usage;
        if (cli_rank_opt_apply(name, value, &a->opts, msg, sizeof msg) != 0) {
          cli_error("%s", msg);
          goto usage;
        }
        break;
      }
    }
  }
  if (n_words == 0) {
    cli_error("no QUERY given");
    goto usage;
  }
  if (a->count && a->opts.explain) {
    cli_error("--explain explains hits and --count returns none: drop one of them");
    goto usage;
  }
  a->query = malloc(query_len);
  if (!a->query) {
    free(words);
    cli_error("out of memory");
    return CLI_EXIT_ERROR;
  }
  char *p = a->query;
  for (size_t i = 0; i < n_words; i++) {
    size_t l = strlen(words[i]);
    if (i) *p++ = ' ';
    memcpy(p, words[i], l);
    p += l;
  }
  *p = '\0';
  free(words);
  return CLI_EXIT_OK;
usage:
  free(words);
  return CLI_EXIT_USAGE;
}

/* ---------------------------------------------------------------- errors */

/* Prints the query with a caret under the byte `position`, counting columns in code points. */
static void print_query_error(const char *query, const kz_error *err) {
  size_t len = strlen(query);
  size_t pos = err->position < len ? err->position : len;
  size_t column = 0;
  cli_error("query error: %s", err->message[0] ? err->message : kz_strerror(KZ_ERR_QUERY));
  fputs("  ", stderr);
  for (const char *s = query; *s; s++) {
    unsigned char c = (unsigned char)*s;
    fputc(c < 0x20 || c == 0x7f ? ' ' : c, stderr); /* one column each */
  }
  fputs("\n  ", stderr);
  for (size_t i = 0; i < pos; i++)
    if (((unsigned char)query[i] & 0xC0) != 0x80) column++;
  for (size_t i = 0; i < column; i++) fputc(' ', stderr);
  fputs("^\n", stderr);
}

static int report_search_error(int rc, const char *query, const kz_error *err) {
  if (rc == KZ_ERR_QUERY)
    print_query_error(query, err);
  else
    cli_error_kz(NULL, rc, err);
  return CLI_EXIT_ERROR;
}

/* ---------------------------------------------------------------- human output */

static int in_spans(size_t i, const kz_span *spans, size_t n) {
  for (size_t j = 0; j < n; j++)
    if (spans[j].start <= i && i < spans[j].end) return 1;
  return 0;
}

/*
 * Writes text on one line: controls become spaces, whitespace runs collapse,
 * leading and trailing whitespace go. Bytes inside `spans` are bold when
 * `color` is set; the spans index the original text, so this walks it byte
 * by byte rather than cleaning a copy first.
 */
static void print_text(FILE *f, const char *text, const kz_span *spans, size_t n_spans,
                       int color) {
  const unsigned char *s = (const unsigned char *)text;
  int bold = 0, pending_space = 0, printed = 0;
  for (size_t i = 0; s[i]; i++) {
    unsigned char c = s[i];
    if (c == 0xC2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F) { /* C1 control */
      i++;
      pending_space = 1;
      continue;
    }
    if (c <= 0x20 || c == 0x7f) {
      pending_space = 1;
      continue;
    }
    if (pending_space && printed) {
      if (bold && !in_spans(i, spans, n_spans)) { /* keep the gap unhighlighted */
        fputs(CLI_RESET, f);
        bold = 0;
      }
      fputc(' ', f);
    }
    pending_space = 0;
    if (color) {
      int want = in_spans(i, spans, n_spans);
      if (want != bold) {
        fputs(want ? CLI_BOLD : CLI_RESET, f);
        bold = want;
      }
    }
    fputc(c, f);
    printed = 1;
  }
  if (bold) fputs(CLI_RESET, f);
}

/* "+N similar: id, id" under a hit that near-duplicates were folded into. */
static void print_similar(const kz_hits *hits, size_t i) {
  size_t n = kz_hits_similar_size(hits, i);
  if (!n) return;
  printf("   +%zu similar:", n);
  for (size_t j = 0; j < n; j++) {
    fputs(j ? ", " : " ", stdout);
    print_text(stdout, kz_hits_similar_at(hits, i, j), NULL, 0, 0);
  }
  fputc('\n', stdout);
}

static void print_hit_human(const kz_hit *h, uint64_t rank, int first, int color) {
  if (!first) fputc('\n', stdout);
  printf("%llu. %.3f  ", (unsigned long long)rank, h->score);
  print_text(stdout, h->id ? h->id : "", NULL, 0, 0);
  if (h->date && h->date[0]) {
    fputs("  ", stdout);
    print_text(stdout, h->date, NULL, 0, 0);
  }
  fputc('\n', stdout);
  if (h->title && h->title[0]) {
    fputs("   ", stdout);
    print_text(stdout, h->title, h->title_highlights,
               h->title_highlights ? h->n_title_highlights : 0, color);
    fputc('\n', stdout);
  }
  if (h->snippet && h->snippet[0]) {
    fputs("   ", stdout);
    print_text(stdout, h->snippet, h->highlights, h->highlights ? h->n_highlights : 0, color);
    fputc('\n', stdout);
  }
  if (h->url && h->url[0]) {
    fputs("   ", stdout);
    print_text(stdout, h->url, NULL, 0, 0);
    fputc('\n', stdout);
  }
}

/*
 * An explanation tree (--explain), one node a line, indented by depth: the
 * hits' as "value = description" (Lucene's layout), the query's as its
 * descriptions alone (their values are in them).
 */
static void print_explanation(const kz_explanation *e, int depth, int values) {
  printf("%*s", 3 + 2 * depth, "");
  if (values) printf("%.6g = ", e->value);
  print_text(stdout, e->description ? e->description : "", NULL, 0, 0);
  fputc('\n', stdout);
  for (size_t i = 0; e->children && i < e->n_children; i++)
    print_explanation(&e->children[i], depth + 1, values);
}

/* ---------------------------------------------------------------- JSON output */

static void print_hit_json(const kz_hits *hits, size_t i, uint64_t rank) {
  cli_json_hit_at(stdout, hits, i, rank);
  fputc('\n', stdout);
}

/* The summary line, with the suggestion, the other spellings that matched and the query's
 * explanation ("query":{..}) when there are; hits is NULL for a count. */
static void print_summary_json(uint64_t total, uint64_t elapsed_ns, const kz_hits *hits) {
  printf("{\"type\":\"summary\",\"total\":%llu,\"elapsed_us\":%llu,", (unsigned long long)total,
         (unsigned long long)(elapsed_ns / 1000u));
  cli_json_also_matched(stdout, hits);
  cli_json_suggestion_member(stdout, hits);
  const kz_explanation *query = kz_hits_query_explanation(hits);
  if (query) {
    fputs(",\"query\":", stdout);
    cli_json_explanation(stdout, query);
  }
  fputs("}\n", stdout);
}

/* ---------------------------------------------------------------- running */

static int run_count(kz_index *index, const search_args *a) {
  kz_error err;
  uint64_t n = 0;
  memset(&err, 0, sizeof err);
  uint64_t t0 = cli_clock_ns();
  int rc = kz_count(&n, index, a->query, &a->opts, &err);
  uint64_t elapsed = cli_clock_ns() - t0;
  if (rc != KZ_OK) return report_search_error(rc, a->query, &err);
  if (a->json)
    print_summary_json(n, elapsed, NULL);
  else
    printf("%llu\n", (unsigned long long)n);
  return n ? CLI_EXIT_OK : CLI_EXIT_NONE;
}

/*
 * The facet's buckets: JSON lines, or a small table with a bar per bucket
 * (the timeline of a story at a glance) after the hits.
 */
static void print_facets(const kz_hits *hits, int json) {
  size_t n = kz_hits_facet_size(hits);
  uint64_t max = 0;
  for (size_t i = 0; i < n; i++)
    if (kz_hits_facet_at(hits, i)->count > max) max = kz_hits_facet_at(hits, i)->count;
  if (n && !json) printf("\nmatches by date:\n");
  for (size_t i = 0; i < n && !ferror(stdout); i++) {
    const kz_facet_count *b = kz_hits_facet_at(hits, i);
    if (json) {
      cli_json_facet(stdout, b);
      fputc('\n', stdout);
      continue;
    }
    int bar = (int)((b->count * 40 + max - 1) / max);
    printf("  %-10s %6llu  ", b->bucket, (unsigned long long)b->count);
    for (int k = 0; k < bar; k++) fputc('#', stdout);
    fputc('\n', stdout);
  }
}

/* What the search added to the query (acronyms and their long forms): a JSON line, or stderr. */
static void print_expansions(const kz_hits *hits, int json) {
  size_t n = kz_hits_expansion_size(hits);
  if (!n) return;
  if (json) {
    cli_json_expansions(stdout, hits);
    fputc('\n', stdout);
    return;
  }
  fflush(stdout);
  for (size_t i = 0; i < n; i++) {
    const kz_expansion *e = kz_hits_expansion_at(hits, i);
    fprintf(stderr, "also searched: \"%s\" for %s (defined so in %llu documents; --no-expand: off)\n",
            e->to, e->from, (unsigned long long)e->docs);
  }
}

static int run_search(kz_index *index, const search_args *a) {
  kz_error err;
  kz_hits *hits = NULL;
  memset(&err, 0, sizeof err);
  uint64_t t0 = cli_clock_ns();
  int rc = kz_search(&hits, index, a->query, &a->opts, &err);
  uint64_t elapsed = cli_clock_ns() - t0;
  if (rc != KZ_OK) return report_search_error(rc, a->query, &err);

  uint64_t total = kz_hits_total(hits);
  size_t n = kz_hits_size(hits);
  int color = !a->json && cli_term_color(stdout, a->color);
  const kz_explanation *query = kz_hits_query_explanation(hits);
  if (query && !a->json) {
    printf("query: ");
    print_text(stdout, query->description, NULL, 0, 0);
    fputc('\n', stdout);
    for (size_t i = 0; i < query->n_children; i++) print_explanation(&query->children[i], 0, 0);
    if (n) fputc('\n', stdout);
  }
  for (size_t i = 0; i < n; i++) {
    const kz_hit *h = kz_hits_at(hits, i);
    if (!h) break;
    uint64_t rank = (uint64_t)a->opts.offset + i + 1;
    const kz_explanation *why = kz_hits_explanation_at(hits, i);
    if (a->json) {
      print_hit_json(hits, i, rank);
    } else {
      print_hit_human(h, rank, i == 0, color);
      print_similar(hits, i);
      if (why) print_explanation(why, 0, 1);
    }
    if (ferror(stdout)) break; /* the reader went away; main reports it (or not) */
  }
  print_facets(hits, a->json);
  print_expansions(hits, a->json);

  if (a->json) {
    if (!ferror(stdout)) print_summary_json(total, elapsed, hits);
  } else {
    double ms = (double)elapsed / 1e6;
    const char *noun = total == 1 ? "match" : "matches";
    /* The hits are complete on stdout before the summary shows up on stderr. */
    fflush(stdout);
    for (size_t i = 0; i < kz_hits_also_matched_size(hits); i++)
      fprintf(stderr, "%s%s%s", i ? ", " : "also matched: ", kz_hits_also_matched_at(hits, i),
              i + 1 == kz_hits_also_matched_size(hits) ? " (--exact: only the spelling typed)\n" : "");
    if (n)
      fprintf(stderr, "%llu %s, showing %llu-%llu (%.2f ms)\n", (unsigned long long)total, noun,
              (unsigned long long)a->opts.offset + 1, (unsigned long long)a->opts.offset + n, ms);
    else if (total)
      fprintf(stderr, "%llu %s, none shown at offset %zu (%.2f ms)\n", (unsigned long long)total,
              noun, a->opts.offset, ms);
    else
      fprintf(stderr, "0 matches (%.2f ms)\n", ms);
    if (kz_hits_suggestion(hits)[0]) fprintf(stderr, "did you mean: %s\n", kz_hits_suggestion(hits));
  }
  kz_hits_free(hits);
  return total ? CLI_EXIT_OK : CLI_EXIT_NONE;
}

int cli_cmd_search(int argc, char **argv) {
  search_args a;
  kz_search_options defaults = KZ_SEARCH_OPTIONS_INIT;
  memset(&a, 0, sizeof a);
  a.opts = defaults;
  a.opts.suggest = 1; /* "did you mean" on stderr (or in the JSON summary) */
  int status = parse_args(&a, argc, argv);
  if (status != CLI_EXIT_OK) return status;

  char *index_path = NULL;
  kz_index *index = NULL;
  if (cli_index_open(a.index_opt, &index_path, &index) != 0) {
    free(a.query);
    return CLI_EXIT_ERROR;
  }
  status = a.count ? run_count(index, &a) : run_search(index, &a);
  kz_index_close(index);
  free(index_path);
  free(a.query);
  return status;
}
