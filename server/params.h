/*
 * params.h - the parameters of a request: the query string of a GET, or the
 * JSON object of a POST /api/search, turned into one list of name = value
 * strings so that both are validated by the same code.
 *
 * Decoding is strict: a bad percent escape, a NUL, invalid UTF-8, a repeated
 * or empty name, or more than SRV_MAX_PARAMS parameters is an error with a
 * reason, never a guess. (In a JSON object a repeated member keeps its last
 * value, as json-c and most JSON parsers do.)
 */
#ifndef KZ_SERVER_PARAMS_H
#define KZ_SERVER_PARAMS_H

#include <stddef.h>

#include "server/request.h"

typedef struct srv_param {
  const char *name, *value; /* NUL-terminated, point into the list's storage */
} srv_param;

typedef struct srv_params {
  srv_param items[SRV_MAX_PARAMS];
  size_t n;
  char *storage; /* owned: every decoded name and value */
} srv_params;

/* Decodes `application/x-www-form-urlencoded` text (a query string). @return 0, or -1 with why. */
int srv_params_from_query(srv_params *out, const char *qs, size_t len, char *why, size_t why_size);

/* Takes the members of a JSON object: strings, numbers and booleans. @return 0, or -1 with why. */
int srv_params_from_json(srv_params *out, const char *body, size_t len, char *why, size_t why_size);

/* The value of `name`, or NULL. */
const char *srv_params_get(const srv_params *p, const char *name);

void srv_params_free(srv_params *p);

/*
 * Percent-decodes src[0..len) into dst (room for len + 1 bytes), NUL-terminated;
 * `plus_is_space` for form encoding. Rejects bad escapes, NUL and invalid UTF-8.
 * @return the decoded length, or -1.
 */
long srv_percent_decode(char *dst, const char *src, size_t len, int plus_is_space);

/* Whether s[0..len) is valid UTF-8 (no overlongs, surrogates or values above U+10FFFF). */
int srv_utf8_valid(const char *s, size_t len);

#endif /* KZ_SERVER_PARAMS_H */
