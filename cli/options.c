/*
 * options.c - option parsing (see options.h for the accepted forms).
 *
 * The parser owns nothing: it walks argv and hands back pointers into it.
 * Numbers go through strtoull only after checking that the text is all
 * digits, because strtoull alone accepts " 5", "+5" and even "-1" (which it
 * wraps to a huge value).
 */
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void cli_parser_init(cli_parser *p, int argc, char **argv, const cli_option *options,
                     size_t n_options) {
  p->argc = argc;
  p->argv = argv;
  p->next = 0;
  p->operands_only = 0;
  p->options = options;
  p->n_options = n_options;
}

static const cli_option *find_long(const cli_parser *p, const char *name, size_t len) {
  for (size_t i = 0; i < p->n_options; i++) {
    const char *l = p->options[i].long_name;
    if (l && strlen(l) == len && memcmp(l, name, len) == 0) return &p->options[i];
  }
  return NULL;
}

static const cli_option *find_short(const cli_parser *p, char c) {
  for (size_t i = 0; i < p->n_options; i++)
    if (p->options[i].short_name && p->options[i].short_name == c) return &p->options[i];
  return NULL;
}

static int parse_long(cli_parser *p, const char *arg, const char **value) {
  const char *name = arg + 2;
  const char *eq = strchr(name, '=');
  size_t len = eq ? (size_t)(eq - name) : strlen(name);
  const cli_option *o = find_long(p, name, len);
  if (!o) {
    cli_error("unknown option '--%.*s' (put queries that start with '-' after --)", (int)len,
              name);
    return CLI_OPT_ERROR;
  }
  if (!o->takes_value) {
    if (eq) {
      cli_error("option '--%s' takes no value", o->long_name);
      return CLI_OPT_ERROR;
    }
    return o->id;
  }
  if (eq) {
    *value = eq + 1;
    return o->id;
  }
  if (p->next >= p->argc) {
    cli_error("option '--%s' needs a value", o->long_name);
    return CLI_OPT_ERROR;
  }
  *value = p->argv[p->next++];
  return o->id;
}

static int parse_short(cli_parser *p, const char *arg, const char **value) {
  const cli_option *o = find_short(p, arg[1]);
  if (!o || (!o->takes_value && arg[2] != '\0')) {
    cli_error("unknown option '%s' (put queries that start with '-' after --)", arg);
    return CLI_OPT_ERROR;
  }
  if (!o->takes_value) return o->id;
  if (arg[2] != '\0') {
    *value = arg + 2;
    return o->id;
  }
  if (p->next >= p->argc) {
    cli_error("option '-%c' needs a value", o->short_name);
    return CLI_OPT_ERROR;
  }
  *value = p->argv[p->next++];
  return o->id;
}

int cli_parser_next(cli_parser *p, const char **value) {
  *value = NULL;
  while (p->next < p->argc) {
    const char *arg = p->argv[p->next++];
    if (p->operands_only || arg[0] != '-' || arg[1] == '\0') {
      *value = arg;
      return CLI_OPT_OPERAND;
    }
    if (strcmp(arg, "--") == 0) {
      p->operands_only = 1;
      continue;
    }
    return arg[1] == '-' ? parse_long(p, arg, value) : parse_short(p, arg, value);
  }
  return CLI_OPT_END;
}

/*
 * Parses the leading digits of text (at least one); *end points after them.
 * Values past UINT64_MAX saturate: the caller's range check then rejects
 * them with the same message as any other value out of range.
 */
static int parse_digits(const char *text, uint64_t *out, char **end) {
  if (!isdigit((unsigned char)text[0])) return -1;
  errno = 0;
  unsigned long long v = strtoull(text, end, 10);
  *out = errno == ERANGE ? UINT64_MAX : (uint64_t)v;
  return 0;
}

/* What a number option accepts, in words; one wording per option whatever is wrong. */
static void describe_range(char *buf, size_t cap, uint64_t min, uint64_t max) {
  if (max < UINT64_MAX && max < SIZE_MAX)
    snprintf(buf, cap, "a whole number from %llu to %llu", (unsigned long long)min,
             (unsigned long long)max);
  else
    snprintf(buf, cap, "a whole number of at least %llu", (unsigned long long)min);
}

int cli_parse_u64(const char *text, const char *what, uint64_t min, uint64_t max, uint64_t *out) {
  char *end;
  uint64_t v;
  if (parse_digits(text, &v, &end) != 0 || *end != '\0' || v < min || v > max) {
    char range[96];
    describe_range(range, sizeof range, min, max);
    cli_error("invalid value for %s: '%s' (expected %s)", what, text, range);
    return -1;
  }
  *out = v;
  return 0;
}

int cli_parse_size(const char *text, const char *what, uint64_t *out) {
  char *end;
  uint64_t v;
  if (parse_digits(text, &v, &end) != 0) goto bad;
  unsigned shift = 0;
  switch (toupper((unsigned char)*end)) {
    case '\0': break;
    case 'K': shift = 10; break;
    case 'M': shift = 20; break;
    case 'G': shift = 30; break;
    case 'T': shift = 40; break;
    default: goto bad;
  }
  if (shift) {
    end++;
    if ((end[0] == 'i' || end[0] == 'I') && (end[1] == 'B' || end[1] == 'b'))
      end += 2;
    else if (end[0] == 'B' || end[0] == 'b')
      end++;
    if (*end != '\0') goto bad;
    v = v > (UINT64_MAX >> shift) ? UINT64_MAX : v << shift;
  }
  if (v == 0 || v > SIZE_MAX) goto bad;
  *out = v;
  return 0;
bad:
  cli_error("invalid value for %s: '%s' (expected a size of at least 1 byte, such as 512K, 64M "
            "or 1G)", what, text);
  return -1;
}
