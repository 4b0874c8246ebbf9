/*
 * fuzz_route.c - the HTTP server's request-to-response function (server/
 * router.c) on hostile requests, with no socket: the input is
 * "METHOD\nTARGET\nCONTENT-TYPE\nAUTHORIZATION\nBODY" (missing parts are
 * absent). The app serves a small index built once in a scratch directory,
 * with an API key, so searches, reads and (keyed) writes all run.
 *
 * Properties: never crash or leak; every response has a status from 200 to
 * 599 and a body; an error status has an {"error":...} JSON body.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kz_test_fs.h"
#include "kzsearch.h"
#include "server/app.h"

static srv_app app;
static char dir[512];

static void cleanup(void) {
  srv_app_destroy(&app);
  kz_test_remove_tree(dir);
}

static void setup(void) {
  if (!kz_test_make_temp_dir(dir, sizeof dir, "kz_fuzz_route")) abort();
  kz_writer *w;
  if (kz_writer_open(&w, dir, NULL, NULL) != KZ_OK) abort();
  const char *ids[] = {"a", "b", "c"};
  const char *bodies[] = {"CSTO peacekeepers landed in Almaty", "fuel prices and protests",
                          "internet restored after a week"};
  for (int i = 0; i < 3; i++) {
    kz_document d = KZ_DOCUMENT_INIT;
    d.id = ids[i]; d.id_len = 1;
    d.body = bodies[i]; d.body_len = strlen(bodies[i]);
    if (kz_writer_add(w, &d, NULL) != KZ_OK) abort();
  }
  if (kz_writer_commit(w, NULL) != KZ_OK) abort();
  kz_writer_close(w);
  srv_config cfg = {dir, "key", 0};
  if (srv_app_init(&app, &cfg) != KZ_OK) abort();
  atexit(cleanup);
}

/* The next '\n'-terminated part of [*p, end) as a new string, or NULL past the end. */
static char *part(const uint8_t **p, const uint8_t *end, int last) {
  if (*p > end) return NULL;
  const uint8_t *nl = last ? NULL : memchr(*p, '\n', (size_t)(end - *p));
  const uint8_t *stop = nl ? nl : end;
  size_t n = (size_t)(stop - *p);
  char *s = malloc(n + 1);
  FUZZ_REQUIRE(s);
  memcpy(s, *p, n);
  s[n] = '\0';
  *p = nl ? nl + 1 : end + 1;
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static int ready;
  if (!ready) {
    setup();
    ready = 1;
  }
  const uint8_t *p = data, *end = data + size;
  char *method = part(&p, end, 0), *target = part(&p, end, 0), *ctype = part(&p, end, 0),
       *auth = part(&p, end, 0);
  const uint8_t *body = p <= end ? p : NULL;
  size_t body_len = body ? (size_t)(end - p) : 0;
  srv_request rq;
  memset(&rq, 0, sizeof rq);
  rq.method = method ? method : "GET";
  rq.target = target ? target : "/";
  rq.content_type = ctype && ctype[0] ? ctype : NULL;
  rq.authorization = auth && auth[0] ? auth : NULL;
  rq.body = (const char *)body;
  rq.body_len = body_len;
  srv_response rs;
  srv_route(&app, &rq, &rs);
  const char *b = rs.body ? rs.body : rs.static_body;
  FUZZ_REQUIRE_MSG(rs.status >= 200 && rs.status <= 599, "status %d", rs.status);
  FUZZ_REQUIRE(b != NULL && rs.content_type != NULL);
  if (rs.status >= 400) FUZZ_REQUIRE(rs.body_len > 10 && memcmp(b, "{\"error\":", 9) == 0);
  srv_response_clear(&rs);
  free(method);
  free(target);
  free(ctype);
  free(auth);
  return 0;
}
