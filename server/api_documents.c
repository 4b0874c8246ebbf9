/*
 * api_documents.c - writing through HTTP: POST /api/documents (NDJSON, each
 * line adds a document or replaces the one with its id) and DELETE
 * /api/documents/{id}. Each request is one commit, made before the reply, so
 * an acknowledged document is durable and visible to the next search.
 *
 * The body goes through the library's own JSON Lines reader
 * (kz_writer_add_path on a private temporary file), so a line is accepted or
 * refused exactly as `kzsearch index` would, with the same messages. Writers
 * of this server take turns on a mutex; a writer of another process (the
 * index lock) makes the request answer 503 "locked" rather than wait.
 *
 * Reply: {"added":N,"replaced":N,"skipped":N,"empty":N,"errors":[{"line":L,"message":".."}]}
 * (at most SRV_MAX_LINE_ERRORS errors are listed; "skipped" counts them all).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/json_out.h"
#include "server/api.h"
#include "server/respond.h"

#define SRV_MAX_LINE_ERRORS 100

typedef struct line_error {
  uint64_t line;
  char message[160];
} line_error;

typedef struct ingest_log {
  line_error errors[SRV_MAX_LINE_ERRORS];
  size_t n;
} ingest_log;

static void on_warn(void *ctx, const char *path, uint64_t line, const char *message) {
  (void)path; /* the temporary file: meaningless to the client */
  ingest_log *log = ctx;
  if (log->n == SRV_MAX_LINE_ERRORS) return;
  log->errors[log->n].line = line;
  snprintf(log->errors[log->n].message, sizeof log->errors[log->n].message, "%s", message);
  log->n++;
}

static void respond_kz_error(srv_response *rs, int rc, const kz_error *err) {
  const char *code;
  int status = srv_status_of(rc, &code);
  srv_respond_error(rs, status, code, err->message[0] ? err->message : kz_strerror(rc), -1);
}

/* Writes the body to a new private file; *path is owned by the caller (unlink, free). */
static int body_to_file(const char *body, size_t len, char **path) {
  const char *dir = getenv("TMPDIR");
  if (!dir || !dir[0]) dir = "/tmp";
  size_t n = strlen(dir) + sizeof "/kzsearch-serve-XXXXXX.jsonl";
  char *p = malloc(n);
  if (!p) return -1;
  snprintf(p, n, "%s/kzsearch-serve-XXXXXX.jsonl", dir);
  int fd = mkstemps(p, 6);
  if (fd < 0) {
    free(p);
    return -1;
  }
  size_t done = 0;
  while (done < len) {
    ssize_t w = write(fd, body + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) break;
    done += (size_t)w;
  }
  if (close(fd) != 0 || done != len) {
    unlink(p);
    free(p);
    return -1;
  }
  *path = p;
  return 0;
}

void srv_api_documents_post(srv_app *app, const char *body, size_t len, srv_response *rs) {
  char *path = NULL;
  if (len == 0) {
    srv_respond_error(rs, 400, "bad_request", "the body is empty: send one JSON object per line",
                      -1);
    return;
  }
  if (body_to_file(body, len, &path) != 0) {
    srv_respond_error(rs, 500, "internal", "cannot stage the request body in a temporary file", -1);
    return;
  }
  ingest_log log;
  log.n = 0;
  kz_ingest_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.ctx = &log;
  cb.warn = on_warn;
  kz_ingest_stats stats = KZ_INGEST_STATS_INIT;
  kz_error err;
  memset(&err, 0, sizeof err);
  kz_writer *w = NULL;

  pthread_mutex_lock(&app->write_mutex);
  int rc = kz_writer_open(&w, app->config.index_path, NULL, &err);
  if (rc == KZ_OK) rc = kz_writer_add_path(w, path, &cb, &stats, &err);
  if (rc == KZ_OK) rc = kz_writer_commit(w, &err);
  kz_writer_close(w); /* without a commit, nothing of this request stays */
  srv_live_changed(app->live); /* the next search sees this commit, whatever the check interval */
  pthread_mutex_unlock(&app->write_mutex);
  unlink(path);
  free(path);

  if (rc != KZ_OK && rc != KZ_ERR_UNSYNCED) {
    respond_kz_error(rs, rc, &err);
    return;
  }
  srv_body b;
  if (srv_body_open(&b) != 0) {
    srv_respond_error(rs, 500, "internal", "out of memory", -1);
    return;
  }
  fprintf(b.f, "{\"added\":%llu,\"replaced\":%llu,\"skipped\":%llu,\"empty\":%llu,\"errors\":[",
          (unsigned long long)stats.documents, (unsigned long long)stats.replaced,
          (unsigned long long)stats.skipped, (unsigned long long)stats.empty);
  for (size_t i = 0; i < log.n; i++) {
    fprintf(b.f, "%s{\"line\":%llu,\"message\":", i ? "," : "",
            (unsigned long long)log.errors[i].line);
    cli_json_cstring(b.f, log.errors[i].message);
    fputc('}', b.f);
  }
  fputs("]}", b.f);
  srv_body_finish(&b, rs, 200);
}

void srv_api_document_delete(srv_app *app, const char *id, srv_response *rs) {
  kz_error err;
  memset(&err, 0, sizeof err);
  kz_writer *w = NULL;
  int found = 0;
  pthread_mutex_lock(&app->write_mutex);
  int rc = kz_writer_open(&w, app->config.index_path, NULL, &err);
  if (rc == KZ_OK) rc = kz_writer_delete(w, id, strlen(id), &found, &err);
  if (rc == KZ_OK && found) rc = kz_writer_commit(w, &err);
  kz_writer_close(w);
  srv_live_changed(app->live);
  pthread_mutex_unlock(&app->write_mutex);
  if (rc != KZ_OK && rc != KZ_ERR_UNSYNCED) {
    respond_kz_error(rs, rc, &err);
    return;
  }
  if (!found) {
    srv_respond_error(rs, 404, "not_found", "no document has this id", -1);
    return;
  }
  srv_body b;
  if (srv_body_open(&b) != 0) {
    srv_respond_error(rs, 500, "internal", "out of memory", -1);
    return;
  }
  fputs("{\"deleted\":", b.f);
  cli_json_cstring(b.f, id);
  fputc('}', b.f);
  srv_body_finish(&b, rs, 200);
}
