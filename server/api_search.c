/*
 * api_search.c - GET and POST /api/search: the options of `kzsearch search`
 * from request parameters, the search on the live snapshot, and the result
 * as one object whose hits are the objects `kzsearch --json` prints:
 *   {"hits":[...],"facets":[...],"total":N,"elapsed_us":N,"k":K,"offset":O,
 *    "expansions":{"type":"expansions",...} or null, "also_matched":[...]}
 * plus "suggestion":"..." when the query matched little and a respelling
 * matches much more ("did you mean", kz_hits_suggestion), and "query":{..},
 * the query's explanation, with explain.
 * Parameters: q (required), k (1..1000, default 10), offset (default 0),
 * and (true/false: bare words required), count (true: total only), since
 * and until (date expressions), sort (score, date, date:asc) and facet
 * (date:day, date:month, date:year; the facet objects of --json), expand
 * (false: no acronym expansion, as --no-expand), exact (true: names match
 * only the spelling typed; the object's also_matched lists the other
 * spellings that matched otherwise), max_expansions (1..100000: the terms a
 * fuzzy word expands to), suggest (false: no "did you mean", as
 * --no-suggest; it saves a scan of the dictionaries when a query matches
 * little), explain (true: each hit's score broken down by
 * clause and the planned query, as `kzsearch search --explain --json`
 * prints them; not with count), and the ranking options of `kzsearch
 * search` by their long names (title-weight, rm3, rm3-docs, rm3-terms,
 * rm3-weight, proximity, recency, recency-decay, now; a flag takes true or
 * false).
 * An unknown parameter is an error, as an unknown option is in the CLI.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/json_out.h"
#include "cli/search_opts.h"
#include "server/api.h"
#include "server/respond.h"

static const char *const known[] = {"q",      "k",     "offset",   "and",     "count",
                                    "since",  "until", "sort",     "facet",   "explain",
                                    "expand", "exact", "collapse", "max_expansions",
                                    "suggest"};
/* ... and cli_rank_opt_kind's */

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A whole number in [lo, hi]; the message names the parameter either way. */
static int parse_count(const char *name, const char *v, unsigned long long lo,
                       unsigned long long hi, size_t *out, char *why, size_t why_size) {
  char *end;
  errno = 0;
  unsigned long long n = v[0] >= '0' && v[0] <= '9' ? strtoull(v, &end, 10) : 0;
  if (!(v[0] >= '0' && v[0] <= '9') || errno || *end || n < lo || n > hi) {
    snprintf(why, why_size, "parameter '%s' must be a whole number from %llu to %llu, not '%.40s'",
             name, lo, hi, v);
    return -1;
  }
  *out = (size_t)n;
  return 0;
}

static int parse_bool(const char *name, const char *v, int *out, char *why, size_t why_size) {
  if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "")) *out = 1;
  else if (!strcmp(v, "false") || !strcmp(v, "0")) *out = 0;
  else {
    snprintf(why, why_size, "parameter '%s' must be true or false, not '%.40s'", name, v);
    return -1;
  }
  return 0;
}

void srv_api_search(srv_app *app, const srv_params *p, srv_response *rs) {
  char why[512];
  for (size_t i = 0; i < p->n; i++) {
    int ok = 0;
    for (size_t j = 0; j < sizeof known / sizeof known[0]; j++) ok |= !strcmp(p->items[i].name, known[j]);
    ok |= cli_rank_opt_kind(p->items[i].name) >= 0;
    if (!ok) {
      snprintf(why, sizeof why,
               "unknown parameter '%.64s' (known: q, k, offset, and, count, since, until, sort, "
               "facet, expand, exact, collapse, explain, max_expansions, suggest, title-weight, rm3, rm3-docs, "
               "rm3-terms, rm3-weight, proximity, recency, recency-decay, now)",
               p->items[i].name);
      srv_respond_error(rs, 400, "bad_request", why, -1);
      return;
    }
  }
  const char *q = srv_params_get(p, "q"), *v;
  if (!q || !q[0]) {
    srv_respond_error(rs, 400, "bad_request", "parameter 'q' (the query) is required", -1);
    return;
  }
  kz_search_options opts = KZ_SEARCH_OPTIONS_INIT;
  opts.suggest = 1; /* "did you mean": "suggestion" in the response when there is one */
  int count_only = 0, expand = 1;
  if (((v = srv_params_get(p, "k")) && parse_count("k", v, 1, SRV_MAX_HITS, &opts.k, why, sizeof why)) ||
      ((v = srv_params_get(p, "offset")) &&
       parse_count("offset", v, 0, SRV_MAX_OFFSET, &opts.offset, why, sizeof why)) ||
      ((v = srv_params_get(p, "and")) && parse_bool("and", v, &opts.default_and, why, sizeof why)) ||
      ((v = srv_params_get(p, "count")) && parse_bool("count", v, &count_only, why, sizeof why)) ||
      ((v = srv_params_get(p, "exact")) && parse_bool("exact", v, &opts.exact_names, why, sizeof why)) ||
      ((v = srv_params_get(p, "sort")) && cli_sort_parse(v, &opts.sort, why, sizeof why)) ||
      ((v = srv_params_get(p, "facet")) && cli_facet_parse(v, &opts.facet, why, sizeof why)) ||
      ((v = srv_params_get(p, "max_expansions")) &&
       cli_max_expansions_parse(v, &opts, why, sizeof why)) ||
      ((v = srv_params_get(p, "explain")) &&
       parse_bool("explain", v, &opts.explain, why, sizeof why)) ||
      ((v = srv_params_get(p, "collapse")) &&
       parse_bool("collapse", v, &opts.collapse, why, sizeof why)) ||
      ((v = srv_params_get(p, "expand")) && parse_bool("expand", v, &expand, why, sizeof why)) ||
      ((v = srv_params_get(p, "suggest")) && parse_bool("suggest", v, &opts.suggest, why, sizeof why)) ||
      (!expand && cli_search_opts_parse("--no-expand", &opts, why, sizeof why))) {
    srv_respond_error(rs, 400, "bad_request", why, -1);
    return;
  }
  if (count_only && opts.explain) {
    srv_respond_error(rs, 400, "bad_request",
                      "explain explains hits and count returns none: drop one of them", -1);
    return;
  }
  /* Empty dates are the page's "any date": no filter. */
  if ((v = srv_params_get(p, "since")) && v[0]) opts.since = v;
  if ((v = srv_params_get(p, "until")) && v[0]) opts.until = v;
  /* The ranking options, named as the CLI's (title-weight=2, rm3=true, recency=30d, ...). */
  for (size_t i = 0; i < p->n; i++)
    if (cli_rank_opt_kind(p->items[i].name) >= 0 &&
        cli_rank_opt_apply(p->items[i].name, p->items[i].value, &opts, why, sizeof why) != 0) {
      srv_respond_error(rs, 400, "bad_request", why, -1);
      return;
    }

  srv_snapshot *snap = NULL;
  kz_index *index = NULL;
  kz_error err;
  memset(&err, 0, sizeof err);
  int rc = srv_live_acquire(app->live, &snap, &index, &err);
  kz_hits *hits = NULL;
  uint64_t total = 0, t0 = now_ns();
  if (rc == KZ_OK)
    rc = count_only ? kz_count(&total, index, q, &opts, &err) : kz_search(&hits, index, q, &opts, &err);
  uint64_t elapsed = now_ns() - t0;
  if (rc != KZ_OK) {
    const char *code;
    int status = srv_status_of(rc, &code);
    srv_respond_error(rs, status, code, err.message[0] ? err.message : kz_strerror(rc),
                      rc == KZ_ERR_QUERY ? (long long)err.position : -1);
    srv_live_release(app->live, snap);
    return;
  }
  srv_body b;
  if (srv_body_open(&b) != 0) {
    kz_hits_free(hits);
    srv_live_release(app->live, snap);
    srv_respond_error(rs, 500, "internal", "out of memory", -1);
    return;
  }
  fputs("{\"hits\":[", b.f);
  if (hits) {
    total = kz_hits_total(hits);
    for (size_t i = 0; i < kz_hits_size(hits); i++) {
      if (i) fputc(',', b.f);
      cli_json_hit_at(b.f, hits, i, (uint64_t)opts.offset + i + 1);
    }
  }
  fputs("],\"facets\":[", b.f);
  for (size_t i = 0; hits && i < kz_hits_facet_size(hits); i++) {
    if (i) fputc(',', b.f);
    cli_json_facet(b.f, kz_hits_facet_at(hits, i));
  }
  fprintf(b.f, "],\"total\":%llu,\"elapsed_us\":%llu,\"k\":%zu,\"offset\":%zu,\"expansions\":",
          (unsigned long long)total, (unsigned long long)(elapsed / 1000u), opts.k, opts.offset);
  if (hits) /* what the search added to the query (acronyms); none is known with count */
    cli_json_expansions(b.f, hits);
  else
    fputs("null", b.f);
  fputc(',', b.f);
  cli_json_also_matched(b.f, hits);
  cli_json_suggestion_member(b.f, hits);
  if (kz_hits_query_explanation(hits)) {
    fputs(",\"query\":", b.f);
    cli_json_explanation(b.f, kz_hits_query_explanation(hits));
  }
  fputc('}', b.f);
  kz_hits_free(hits); /* before the snapshot it came from */
  srv_live_release(app->live, snap);
  srv_body_finish(&b, rs, 200);
}
