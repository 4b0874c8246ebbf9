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

/* The ranking options: name, whether it takes a value. */
static const struct {
  const char *name;
  int takes_value;
} rank_opts[] = {{"title-weight", 1}, {"rm3", 0},     {"rm3-docs", 1},      {"rm3-terms", 1},
                 {"rm3-weight", 1},   {"proximity", 0}, {"recency", 1}, {"recency-decay", 1},
                 {"now", 1}};

int cli_rank_opt_kind(const char *name) {
  for (size_t i = 0; i < sizeof rank_opts / sizeof rank_opts[0]; i++)
    if (strcmp(name, rank_opts[i].name) == 0) return rank_opts[i].takes_value;
  return -1;
}

/* A flag's value: absent or empty, true, 1 (on); false, 0 (off). */
static int parse_flag(const char *v, int *out) {
  if (!v || !v[0] || !strcmp(v, "true") || !strcmp(v, "1")) *out = 1;
  else if (!strcmp(v, "false") || !strcmp(v, "0")) *out = 0;
  else return -1;
  return 0;
}

/* A recency scale in days: a positive number with an optional unit s, m, h, d, w or y. */
static int parse_scale(const char *text, double *days) {
  char *end;
  double v = strtod(text, &end);
  static const struct {
    char unit;
    double days;
  } units[] = {{'s', 1.0 / 86400}, {'m', 1.0 / 1440}, {'h', 1.0 / 24}, {'d', 1}, {'w', 7}, {'y', 365}};
  double per = 1;
  if (end == text || !isfinite(v) || !(v > 0)) return -1;
  if (*end) {
    size_t i = 0;
    while (i < sizeof units / sizeof units[0] && units[i].unit != *end) i++;
    if (i == sizeof units / sizeof units[0] || end[1]) return -1;
    per = units[i].days;
  }
  *days = v * per;
  return *days > 0 && *days <= 1e6 ? 0 : -1;
}

int cli_rank_opt_apply(const char *name, const char *value, kz_search_options *opts, char *msg,
                       size_t msg_size) {
  kz_search_options o = *opts;
  double v = 0;
  const char *need = NULL;
  if (!strcmp(name, "title-weight")) {
    if (!value || parse_number(value, 0.0, 1000.0, &o.title_weight)) need = "a number from 0 to 1000";
  } else if (!strcmp(name, "rm3")) {
    if (parse_flag(value, &o.rm3)) need = "true or false";
  } else if (!strcmp(name, "proximity")) {
    if (parse_flag(value, &o.proximity)) need = "true or false";
  } else if (!strcmp(name, "rm3-docs") || !strcmp(name, "rm3-terms")) {
    if (!value || parse_number(value, 1.0, 1000.0, &v) || v != floor(v)) need = "a whole number from 1 to 1000";
    else *(name[4] == 'd' ? &o.rm3_docs : &o.rm3_terms) = (unsigned)v;
  } else if (!strcmp(name, "rm3-weight")) {
    if (!value || parse_number(value, 0.0, 1.0, &o.rm3_weight)) need = "a number from 0 to 1";
  } else if (!strcmp(name, "recency")) {
    if (!value || parse_scale(value, &o.recency_days))
      need = "a positive time scale such as 30d, 12h, 2w or 1y (up to 1000000 days)";
  } else if (!strcmp(name, "recency-decay")) {
    if (value && !strcmp(value, "exp")) o.recency_decay = KZ_DECAY_EXP;
    else if (value && !strcmp(value, "gauss")) o.recency_decay = KZ_DECAY_GAUSS;
    else need = "exp or gauss";
  } else if (!strcmp(name, "now")) {
    if (!value || !value[0]) need = "a date";
    else o.now = value;
  } else {
    snprintf(msg, msg_size, "unknown ranking option '--%.40s' (known: %s)", name, CLI_RANK_OPTS_KNOWN);
    return -1;
  }
  if (need) {
    snprintf(msg, msg_size, "--%s needs %s, not '%.40s'", name, need, value ? value : "");
    return -1;
  }
  *opts = o;
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
    if (strcmp(word, "--max-expansions") == 0) {
      if (next_word(&text, value, &len) <= 0) value[0] = '\0';
      if (cli_max_expansions_parse(value, &o, msg, msg_size) != 0) return -1;
      continue;
    }
    int kind = strncmp(word, "--", 2) == 0 ? cli_rank_opt_kind(word + 2) : -1;
    if (kind >= 0 && strcmp(word, "--now") == 0) {
      /* it would keep a pointer into this string's copy: only search and the HTTP API take it */
      snprintf(msg, msg_size, "--now is not available here (the newest document's date serves)");
      return -1;
    }
    if (kind >= 0) {
      int got_value = kind ? next_word(&text, value, &len) : 0;
      if (got_value < 0 || cli_rank_opt_apply(word + 2, got_value > 0 ? value : NULL, &o, msg,
                                              msg_size) != 0) {
        if (got_value < 0) snprintf(msg, msg_size, "%s: value too long", word);
        return -1;
      }
      continue;
    }
    if (strcmp(word, "--exact") == 0) { /* names: only the spelling typed */
      o.exact_names = 1;
      continue;
    }
    if (strcmp(word, "--no-expand") == 0) { /* acronyms: search only what was typed */
      o.no_expand = 1;
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

int cli_max_expansions_parse(const char *text, kz_search_options *opts, char *msg,
                             size_t msg_size) {
  char *end;
  unsigned long long n = text[0] >= '0' && text[0] <= '9' ? strtoull(text, &end, 10) : 0;
  if (!(text[0] >= '0' && text[0] <= '9') || *end || n < 1 || n > 100000) {
    snprintf(msg, msg_size, "--max-expansions needs a whole number from 1 to 100000, not '%.40s'",
             text);
    return -1;
  }
  opts->max_expansions = (size_t)n;
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
