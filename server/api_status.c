/*
 * api_status.c - GET /api/health and GET /api/stats.
 *
 * health answers 200 {"status":"ok","index":true,"documents":N,"generation":G}
 * when the index opens, and 503 {"status":"unavailable","index":false,...}
 * when there is none or it cannot be opened, so a load balancer can tell.
 */
#include <stdio.h>
#include <string.h>

#include "cli/json_out.h"
#include "server/api.h"
#include "server/respond.h"

/* Fills st from the live snapshot. @return KZ_OK or the error (err filled). */
static int current_stats(srv_app *app, kz_index_stats *st, kz_error *err) {
  srv_snapshot *snap = NULL;
  kz_index *index = NULL;
  *st = (kz_index_stats)KZ_INDEX_STATS_INIT;
  int rc = srv_live_acquire(app->live, &snap, &index, err);
  if (rc == KZ_OK) {
    rc = kz_index_stats_get(index, st, err);
    srv_live_release(app->live, snap);
  }
  return rc;
}

void srv_api_health(srv_app *app, srv_response *rs) {
  kz_index_stats st;
  kz_error err;
  memset(&err, 0, sizeof err);
  int rc = current_stats(app, &st, &err);
  srv_body b;
  if (srv_body_open(&b) != 0) {
    srv_respond_error(rs, 500, "internal", "out of memory", -1);
    return;
  }
  if (rc == KZ_OK) {
    fprintf(b.f, "{\"status\":\"ok\",\"index\":true,\"documents\":%llu,\"generation\":%llu}",
            (unsigned long long)st.documents, (unsigned long long)st.generation);
  } else {
    fputs("{\"status\":\"unavailable\",\"index\":false,\"message\":", b.f);
    cli_json_cstring(b.f, err.message[0] ? err.message : kz_strerror(rc));
    fputc('}', b.f);
  }
  srv_body_finish(&b, rs, rc == KZ_OK ? 200 : 503);
}

void srv_api_stats(srv_app *app, srv_response *rs) {
  kz_index_stats st;
  kz_error err;
  memset(&err, 0, sizeof err);
  int rc = current_stats(app, &st, &err);
  if (rc != KZ_OK) {
    const char *code;
    int status = srv_status_of(rc, &code);
    srv_respond_error(rs, status, code, err.message[0] ? err.message : kz_strerror(rc), -1);
    return;
  }
  srv_body b;
  if (srv_body_open(&b) != 0) {
    srv_respond_error(rs, 500, "internal", "out of memory", -1);
    return;
  }
  fputc('{', b.f);
  cli_json_stats_members(b.f, &st);
  fputc('}', b.f);
  srv_body_finish(&b, rs, 200);
}
