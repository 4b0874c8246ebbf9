/*
 * params.c - query strings and JSON request bodies into one parameter list
 * (see params.h). json-c is included here only, for the JSON form.
 */
#include "server/params.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int srv_utf8_valid(const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str, *end = s + len;
  while (s < end) {
    unsigned char c = *s;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) { s++; continue; }
    if (c >= 0xC2 && c <= 0xDF) need = 2;
    else if (c >= 0xE0 && c <= 0xEF) { need = 3; if (c == 0xE0) lo = 0xA0; else if (c == 0xED) hi = 0x9F; }
    else if (c >= 0xF0 && c <= 0xF4) { need = 4; if (c == 0xF0) lo = 0x90; else if (c == 0xF4) hi = 0x8F; }
    else return 0;
    if ((size_t)(end - s) < need) return 0;
    if (s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < need; i++)
      if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    s += need;
  }
  return 1;
}

long srv_percent_decode(char *dst, const char *src, size_t len, int plus_is_space) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    char c = src[i];
    if (c == '%') {
      int h, l;
      if (i + 2 >= len) return -1; /* the escape needs two more bytes */
      if ((h = hexval(src[i + 1])) < 0 || (l = hexval(src[i + 2])) < 0) return -1;
      c = (char)(h * 16 + l);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return -1;
    dst[o++] = c;
  }
  dst[o] = '\0';
  return srv_utf8_valid(dst, o) ? (long)o : -1;
}

static int add(srv_params *p, const char *name, const char *value, char *why, size_t why_size) {
  if (!name[0]) {
    snprintf(why, why_size, "a parameter has an empty name");
    return -1;
  }
  if (srv_params_get(p, name)) {
    snprintf(why, why_size, "parameter '%.64s' is given twice", name);
    return -1;
  }
  if (p->n == SRV_MAX_PARAMS) {
    snprintf(why, why_size, "more than %d parameters", SRV_MAX_PARAMS);
    return -1;
  }
  p->items[p->n].name = name;
  p->items[p->n].value = value;
  p->n++;
  return 0;
}

int srv_params_from_query(srv_params *out, const char *qs, size_t len, char *why, size_t why_size) {
  memset(out, 0, sizeof *out);
  /* Decoded text is never longer than the encoded, plus a NUL per part. */
  if (!(out->storage = malloc(len * 2 + 2))) {
    snprintf(why, why_size, "out of memory");
    return -1;
  }
  char *w = out->storage;
  size_t i = 0;
  while (i < len) {
    size_t j = i;
    while (j < len && qs[j] != '&') j++;
    if (j > i) { /* "a=1&&b=2" has an empty part: skip it, as browsers do */
      size_t eq = i;
      while (eq < j && qs[eq] != '=') eq++;
      char *name = w;
      long n = srv_percent_decode(name, qs + i, eq - i, 1);
      if (n < 0) goto bad;
      w += n + 1;
      char *value = w;
      long v = eq < j ? srv_percent_decode(value, qs + eq + 1, j - eq - 1, 1) : 0;
      if (v < 0) goto bad;
      if (eq == j) value[0] = '\0';
      w += v + 1;
      if (add(out, name, value, why, why_size) != 0) return -1;
    }
    i = j + 1;
  }
  return 0;
bad:
  snprintf(why, why_size, "the query string has a bad percent escape, a NUL or invalid UTF-8");
  return -1;
}

int srv_params_from_json(srv_params *out, const char *body, size_t len, char *why, size_t why_size) {
  memset(out, 0, sizeof *out);
  if (!srv_utf8_valid(body, len) || memchr(body, '\0', len)) {
    snprintf(why, why_size, "the body is not valid UTF-8 text");
    return -1;
  }
  json_tokener *tok = json_tokener_new_ex(16);
  if (!tok) {
    snprintf(why, why_size, "out of memory");
    return -1;
  }
  json_object *obj = json_tokener_parse_ex(tok, body, (int)len);
  enum json_tokener_error jerr = json_tokener_get_error(tok);
  size_t used = json_tokener_get_parse_end(tok);
  json_tokener_free(tok);
  int rc = -1;
  while (used < len && (body[used] == ' ' || body[used] == '\n' || body[used] == '\r' ||
                        body[used] == '\t'))
    used++;
  if (!obj || jerr != json_tokener_success || used != len) {
    snprintf(why, why_size, "the body is not one JSON object (%s)",
             jerr != json_tokener_success ? json_tokener_error_desc(jerr) : "trailing text");
    goto done;
  }
  if (!json_object_is_type(obj, json_type_object)) {
    snprintf(why, why_size, "the body is JSON but not an object");
    goto done;
  }
  size_t need = 0;
  json_object_object_foreach(obj, key, val) {
    need += strlen(key) + 1 + 32;
    if (json_object_is_type(val, json_type_string)) need += (size_t)json_object_get_string_len(val);
  }
  if (!(out->storage = malloc(need + 1))) {
    snprintf(why, why_size, "out of memory");
    goto done;
  }
  char *w = out->storage;
  json_object_object_foreach(obj, k2, v2) {
    char *name = w;
    size_t kl = strlen(k2);
    memcpy(name, k2, kl + 1);
    w += kl + 1;
    char *value = w;
    switch (json_object_get_type(v2)) {
      case json_type_string: {
        size_t vl = (size_t)json_object_get_string_len(v2);
        const char *s = json_object_get_string(v2);
        if (memchr(s, '\0', vl)) {
          snprintf(why, why_size, "member '%.64s' holds a NUL", name);
          goto done;
        }
        memcpy(value, s, vl + 1);
        w += vl + 1;
        break;
      }
      case json_type_int:
        w += snprintf(value, 32, "%lld", (long long)json_object_get_int64(v2)) + 1;
        break;
      case json_type_boolean:
        w += snprintf(value, 32, "%s", json_object_get_boolean(v2) ? "true" : "false") + 1;
        break;
      default:
        snprintf(why, why_size, "member '%.64s' must be a string, a whole number or a boolean",
                 name);
        goto done;
    }
    if (add(out, name, value, why, why_size) != 0) goto done;
  }
  rc = 0;
done:
  json_object_put(obj);
  return rc;
}

const char *srv_params_get(const srv_params *p, const char *name) {
  for (size_t i = 0; i < p->n; i++)
    if (strcmp(p->items[i].name, name) == 0) return p->items[i].value;
  return NULL;
}

void srv_params_free(srv_params *p) {
  free(p->storage);
  memset(p, 0, sizeof *p);
}
