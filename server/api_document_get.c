/*
 * api_document_get.c - GET /api/documents/{id}: the stored article, body
 * included, as `kzsearch show --json` prints it (the shared JSON writer):
 *   {"id":..,"title":..,"date":..,"url":..,"body":..}
 * 404 when no live document has the id.
 */
#include <string.h>

#include "cli/json_out.h"
#include "server/api.h"
#include "server/respond.h"

void srv_api_document_get(srv_app *app, const char *id, srv_response *rs) {
  srv_snapshot *snap = NULL;
  kz_index *index = NULL;
  kz_stored *doc = NULL;
  kz_error err;
  memset(&err, 0, sizeof err);
  int rc = srv_live_acquire(app->live, &snap, &index, &err);
  if (rc == KZ_OK) rc = kz_index_get(&doc, index, id, strlen(id), &err);
  srv_live_release(app->live, snap); /* doc owns its strings */
  if (rc != KZ_OK) {
    const char *code;
    int status = srv_status_of(rc, &code);
    srv_respond_error(rs, status, code, err.message[0] ? err.message : kz_strerror(rc), -1);
    return;
  }
  if (!doc) {
    srv_respond_error(rs, 404, "not_found", "no document has this id", -1);
    return;
  }
  srv_body b;
  if (srv_body_open(&b) != 0) {
    kz_stored_free(doc);
    srv_respond_error(rs, 500, "internal", "out of memory", -1);
    return;
  }
  cli_json_stored(b.f, doc);
  kz_stored_free(doc);
  srv_body_finish(&b, rs, 200);
}
