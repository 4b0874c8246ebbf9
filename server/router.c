/*
 * router.c - srv_route: from a request to a response (see app.h), with no
 * socket involved, so that every path through it can be tested and fuzzed.
 *
 * The request target is taken raw and decoded here, strictly: a bad percent
 * escape, a NUL, invalid UTF-8 or a ".." segment is a 400 before any
 * endpoint sees it. Nothing is ever served from the file system.
 */
#include <string.h>
#include <strings.h>

#include "server/api.h"
#include "server/page.h"
#include "server/params.h"
#include "server/respond.h"

int srv_app_init(srv_app *app, const srv_config *config) {
  memset(app, 0, sizeof *app);
  app->config = *config;
  if (srv_live_new(&app->live, config->index_path) != KZ_OK) return KZ_ERR_NOMEM;
  srv_live_set_check_interval(app->live, config->manifest_check_us);
  pthread_mutex_init(&app->write_mutex, NULL);
  return KZ_OK;
}

void srv_app_destroy(srv_app *app) {
  srv_live_free(app->live);
  pthread_mutex_destroy(&app->write_mutex);
  memset(app, 0, sizeof *app);
}

/* Compares in time that depends only on the lengths, never on where the bytes differ. */
static int same_secret(const char *a, size_t la, const char *b, size_t lb) {
  unsigned char diff = (unsigned char)(la != lb);
  size_t n = la < lb ? la : lb;
  for (size_t i = 0; i < n; i++) diff |= (unsigned char)(a[i] ^ b[i]);
  return diff == 0;
}

/* 0 when the request may write; else the error response is filled. */
static int authorize_write(const srv_app *app, const srv_request *rq, srv_response *rs) {
  const char *key = app->config.api_key;
  if (!key) {
    srv_respond_error(rs, 403, "forbidden",
                      "writes are disabled: start the server with --api-key-file to allow them",
                      -1);
    return -1;
  }
  const char *auth = rq->authorization;
  static const char bearer[] = "Bearer ";
  if (!auth || strncmp(auth, bearer, sizeof bearer - 1) != 0 ||
      !same_secret(auth + sizeof bearer - 1, strlen(auth + sizeof bearer - 1), key, strlen(key))) {
    srv_respond_error(rs, 401, "unauthorized",
                      auth ? "the API key is wrong" : "writes need 'Authorization: Bearer KEY'", -1);
    return -1;
  }
  return 0;
}

static int has_media_type(const char *content_type, const char *const *types) {
  if (!content_type) return 0;
  size_t n = strcspn(content_type, "; \t");
  for (; *types; types++)
    if (strlen(*types) == n && strncasecmp(content_type, *types, n) == 0) return 1;
  return 0;
}

static void method_not_allowed(srv_response *rs, const char *allow) {
  srv_respond_error(rs, 405, "method_not_allowed", "this method is not allowed here", -1);
  rs->allow = allow;
}

static void route_search(srv_app *app, const srv_request *rq, const char *qs, size_t qs_len,
                         srv_response *rs) {
  static const char *const json_types[] = {"application/json", NULL};
  srv_params params;
  char why[256];
  int rc;
  if (!strcmp(rq->method, "GET")) {
    rc = srv_params_from_query(&params, qs, qs_len, why, sizeof why);
  } else if (!strcmp(rq->method, "POST")) {
    if (!has_media_type(rq->content_type, json_types)) {
      srv_respond_error(rs, 415, "unsupported_media_type",
                        "POST /api/search takes a JSON object (Content-Type: application/json)", -1);
      return;
    }
    rc = srv_params_from_json(&params, rq->body ? rq->body : "", rq->body_len, why, sizeof why);
  } else {
    method_not_allowed(rs, "GET, POST");
    return;
  }
  if (rc != 0)
    srv_respond_error(rs, 400, "bad_request", why, -1);
  else
    srv_api_search(app, &params, rs);
  srv_params_free(&params);
}

static void route_documents(srv_app *app, const srv_request *rq, const char *id,
                            srv_response *rs) {
  static const char *const ndjson_types[] = {"application/x-ndjson", "application/jsonl",
                                             "application/json", "text/plain", NULL};
  if (!id) { /* the collection */
    if (strcmp(rq->method, "POST") != 0) {
      method_not_allowed(rs, "POST");
      return;
    }
    if (authorize_write(app, rq, rs) != 0) return;
    if (!has_media_type(rq->content_type, ndjson_types)) {
      srv_respond_error(rs, 415, "unsupported_media_type",
                        "POST /api/documents takes NDJSON (Content-Type: application/x-ndjson)", -1);
      return;
    }
    srv_api_documents_post(app, rq->body ? rq->body : "", rq->body_len, rs);
    return;
  }
  if (!id[0]) {
    srv_respond_error(rs, 404, "not_found", "no document id in the path", -1);
  } else if (!strcmp(rq->method, "GET")) {
    srv_api_document_get(app, id, rs);
  } else if (!strcmp(rq->method, "DELETE")) {
    if (authorize_write(app, rq, rs) == 0) srv_api_document_delete(app, id, rs);
  } else {
    method_not_allowed(rs, "GET, DELETE");
  }
}

/* Whether the raw path has a "." or ".." segment, in any spelling ("%2e%2E" too). */
static int has_dot_segment(const char *path, size_t len) {
  for (size_t i = 0; i < len;) {
    size_t j = i;
    while (j < len && path[j] != '/') j++;
    char seg[8];
    long n = j - i <= 6 ? srv_percent_decode(seg, path + i, j - i, 0) : -1;
    if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) return 1;
    i = j + 1;
  }
  return 0;
}

void srv_route(srv_app *app, const srv_request *rq, srv_response *rs) {
  memset(rs, 0, sizeof *rs);
  const char *target = rq->target ? rq->target : "";
  size_t target_len = strlen(target);
  if (target_len > SRV_MAX_URI_BYTES) {
    srv_respond_error(rs, 414, "uri_too_long", "the request target is too long", -1);
    return;
  }
  if (rq->body_too_large) {
    srv_respond_error(rs, 413, "too_large", "the request body is larger than the limit (32 MiB)",
                      -1);
    return;
  }
  const char *q = memchr(target, '?', target_len);
  size_t path_len = q ? (size_t)(q - target) : target_len;
  const char *qs = q ? q + 1 : "";
  size_t qs_len = q ? target_len - path_len - 1 : 0;
  if (path_len == 0 || target[0] != '/') {
    srv_respond_error(rs, 400, "bad_request", "the request target must start with '/'", -1);
    return;
  }
  if (has_dot_segment(target, path_len)) {
    srv_respond_error(rs, 400, "bad_request", "'.' and '..' are not allowed in paths", -1);
    return;
  }
  static const char docs[] = "/api/documents";
  if (path_len == 1) {
    if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD")) method_not_allowed(rs, "GET, HEAD");
    else srv_page_respond(rs);
  } else if (path_len == 11 && !strncmp(target, "/api/health", 11)) {
    if (strcmp(rq->method, "GET")) method_not_allowed(rs, "GET");
    else srv_api_health(app, rs);
  } else if (path_len == 10 && !strncmp(target, "/api/stats", 10)) {
    if (strcmp(rq->method, "GET")) method_not_allowed(rs, "GET");
    else srv_api_stats(app, rs);
  } else if (path_len == 11 && !strncmp(target, "/api/search", 11)) {
    route_search(app, rq, qs, qs_len, rs);
  } else if (path_len == sizeof docs - 1 && !strncmp(target, docs, sizeof docs - 1)) {
    route_documents(app, rq, NULL, rs);
  } else if (path_len >= sizeof docs && !strncmp(target, docs, sizeof docs - 1) &&
             target[sizeof docs - 1] == '/') {
    size_t raw = path_len - sizeof docs;
    char id[SRV_MAX_URI_BYTES + 1];
    if (srv_percent_decode(id, target + sizeof docs, raw, 0) < 0)
      srv_respond_error(rs, 400, "bad_request",
                        "the document id has a bad percent escape, a NUL or invalid UTF-8", -1);
    else
      route_documents(app, rq, id, rs);
  } else {
    srv_respond_error(rs, 404, "not_found", "no such endpoint (see GET / or the README)", -1);
  }
}
