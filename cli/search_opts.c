/*
 * search_opts.c - parses ranking options given as one string (see
 * search_opts.h). Works on a copy of the options, so a bad string changes
 * nothing; allocates nothing (words are at most a token long).
 */
#include "search_opts.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORD_MAX 64

/* Copies the next whitespace-separated word of *s into word; @return 0 at the end, -1 when too long. */
static int next_word(const char **s, char *word, size_t *len) {
  const char *p = *s;
  while (*p && isspace((unsigned char)*p)) p++;
  const char *start = p;
  while (*p && !isspace((unsigned char)*p)) p++;
  *s = p;
  *len = (size_t)(p - start);
  if (*len >= WORD_MAX) return -1;
  memcpy(word, start, *len);
  word[*len] = '\0';
  return *len ? 1 : 0;
}

static int parse_number(const char *text, double lo, double hi, double *out) {
  char *end;
  double v = strtod(text, &end);
  if (end == text || *end || !isfinite(v) || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

int cli_search_opts_parse(const char *text, kz_search_options *opts, char *msg, size_t msg_size) {
  kz_search_options o = *opts;
  char word[WORD_MAX], value[WORD_MAX];
  size_t len;
  int got;
  while ((got = next_word(&text, word, &len)) != 0) {
    if (got < 0) {
      snprintf(msg, msg_size, "search option too long (known: %s)", CLI_SEARCH_OPTS_KNOWN);
      return -1;
    }
    if (strcmp(word, "--and") == 0) {
      o.default_and = 1;
      continue;
    }
    if (strcmp(word, "--no-collapse") == 0) {
      o.collapse = 0;
      continue;
    }
    int k1 = strcmp(word, "--bm25-k1") == 0, b = strcmp(word, "--bm25-b") == 0;
    if (!k1 && !b) {
      snprintf(msg, msg_size, "unknown search option '%s' (known: %s)", word,
               CLI_SEARCH_OPTS_KNOWN);
      return -1;
    }
    double v;
    if (next_word(&text, value, &len) <= 0 ||
        parse_number(value, 0.0, k1 ? 1000.0 : 1.0, &v) != 0) {
      snprintf(msg, msg_size, "%s needs a number %s", word, k1 ? "from 0 to 1000" : "from 0 to 1");
      return -1;
    }
    if (k1)
      o.bm25_k1 = v;
    else
      o.bm25_b = v;
  }
  *opts = o;
  return 0;
}

int cli_sort_parse(const char *text, int *sort, char *msg, size_t msg_size) {
  if (strcmp(text, "score") == 0) *sort = KZ_SORT_SCORE;
  else if (strcmp(text, "date") == 0 || strcmp(text, "date:desc") == 0) *sort = KZ_SORT_DATE;
  else if (strcmp(text, "date:asc") == 0) *sort = KZ_SORT_DATE_ASC;
  else {
    snprintf(msg, msg_size, "unknown sort order '%.40s' (expected score, date or date:asc)", text);
    return -1;
  }
  return 0;
}

int cli_facet_parse(const char *text, int *facet, char *msg, size_t msg_size) {
  if (strcmp(text, "date:day") == 0) *facet = KZ_FACET_DATE_DAY;
  else if (strcmp(text, "date:month") == 0 || strcmp(text, "date") == 0) *facet = KZ_FACET_DATE_MONTH;
  else if (strcmp(text, "date:year") == 0) *facet = KZ_FACET_DATE_YEAR;
  else {
    snprintf(msg, msg_size,
             "unknown facet '%.40s' (expected date:day, date:month or date:year)", text);
    return -1;
  }
  return 0;
}
