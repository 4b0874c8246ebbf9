/*
 * app.h - the search server's state and its one entry point from request to
 * response, srv_route, which knows nothing of sockets: server/http.c calls it
 * for each request, and the tests and the fuzz target call it directly.
 *
 * Endpoints (JSON, UTF-8; README.md "HTTP API" has the details):
 *   GET  /                        the search page
 *   GET  /api/health              {"status":"ok",...}
 *   GET  /api/stats               the index's statistics
 *   GET  /api/search?q=...        and POST /api/search with a JSON object
 *   GET  /api/documents/{id}      the stored article
 *   POST /api/documents           NDJSON: add or replace, committed before the reply
 *   DELETE /api/documents/{id}    delete, committed before the reply
 * Writes need `Authorization: Bearer KEY` when a key is configured and are
 * refused (403) when none is. Errors are {"error":{"code","message","position"}}.
 *
 * Thread model: srv_route may run on many threads at once. Searches share
 * the live snapshot (live_index.h); writes are serialized by a mutex, and a
 * writer of another process (kzsearch index) makes them answer 503.
 */
#ifndef KZ_SERVER_APP_H
#define KZ_SERVER_APP_H

#include <pthread.h>

#include "server/live_index.h"
#include "server/request.h"

typedef struct srv_config {
  const char *index_path;  /* the index directory (need not exist yet) */
  const char *api_key;     /* the key writes need; NULL refuses every write */
  /* How often a request looks for a commit of another process, in µs (0: every request;
   * live_index.h). The server's own commits are seen at once either way. */
  unsigned manifest_check_us;
} srv_config;

typedef struct srv_app {
  srv_config config;       /* strings borrowed from the caller for the app's lifetime */
  srv_live *live;
  pthread_mutex_t write_mutex;
} srv_app;

/* @return KZ_OK or KZ_ERR_NOMEM. */
int srv_app_init(srv_app *app, const srv_config *config);
void srv_app_destroy(srv_app *app);

/* Answers one request. Always fills `rs` (release it with srv_response_clear). */
void srv_route(srv_app *app, const srv_request *rq, srv_response *rs);

#endif /* KZ_SERVER_APP_H */
