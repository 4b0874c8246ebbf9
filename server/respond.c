/*
 * respond.c - JSON bodies in memory and error responses (see respond.h).
 */
#include "server/respond.h"

#include <stdlib.h>
#include <string.h>

#include "cli/json_out.h"
#include "kzsearch.h"

void srv_response_clear(srv_response *rs) {
  free(rs->body);
  memset(rs, 0, sizeof *rs);
}

int srv_body_open(srv_body *b) {
  memset(b, 0, sizeof *b);
  b->f = open_memstream(&b->buf, &b->len);
  return b->f ? 0 : -1;
}

/* Used when even an error body cannot be built. */
static const char out_of_memory[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";

static void respond_out_of_memory(srv_response *rs) {
  srv_response_clear(rs);
  rs->status = 500;
  rs->content_type = "application/json; charset=utf-8";
  rs->static_body = out_of_memory;
  rs->body_len = sizeof out_of_memory - 1;
}

void srv_body_finish(srv_body *b, srv_response *rs, int status) {
  int failed = ferror(b->f);
  if (fclose(b->f) != 0) failed = 1;
  if (failed || !b->buf) {
    free(b->buf);
    respond_out_of_memory(rs);
    return;
  }
  srv_response_clear(rs);
  rs->status = status;
  rs->content_type = "application/json; charset=utf-8";
  rs->body = b->buf;
  rs->body_len = b->len;
}

void srv_respond_error(srv_response *rs, int status, const char *code, const char *message,
                       long long position) {
  srv_body b;
  if (srv_body_open(&b) != 0) {
    respond_out_of_memory(rs);
    return;
  }
  cli_json_error(b.f, code, message, position);
  srv_body_finish(&b, rs, status);
}

int srv_status_of(int st, const char **code) {
  switch (st) {
    case KZ_ERR_QUERY: *code = "query"; return 400;
    case KZ_ERR_INVALID: *code = "invalid"; return 400;
    case KZ_ERR_LIMIT: *code = "limit"; return 413;
    case KZ_ERR_DOCUMENT: *code = "document"; return 400;
    case KZ_ERR_NO_INDEX: *code = "no_index"; return 503;
    case KZ_ERR_LOCKED: *code = "locked"; return 503;
    case KZ_ERR_NOMEM: *code = "internal"; return 500;
    case KZ_ERR_CORRUPT: *code = "corrupt"; return 500;
    case KZ_ERR_VERSION: *code = "version"; return 503;
    default: *code = "internal"; return 500;
  }
}
