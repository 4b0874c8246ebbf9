/*
 * respond.h - building JSON responses: a memory stream to write the body
 * into with the shared JSON writer (cli/json_out.h), and the error object
 * every endpoint uses.
 */
#ifndef KZ_SERVER_RESPOND_H
#define KZ_SERVER_RESPOND_H

#include <stdio.h>

#include "server/request.h"

typedef struct srv_body {
  FILE *f;
  char *buf;
  size_t len;
} srv_body;

/* Opens a body stream. @return 0, or -1 when out of memory. */
int srv_body_open(srv_body *b);

/* Closes the stream and hands its bytes to `rs` with `status` (500 when writing failed). */
void srv_body_finish(srv_body *b, srv_response *rs, int status);

/*
 * {"error":{"code":CODE,"message":MESSAGE[,"position":POSITION]}} with `status`;
 * position < 0 leaves it out. CODE is a short machine word ("query", "not_found").
 */
void srv_respond_error(srv_response *rs, int status, const char *code, const char *message,
                       long long position);

/* The status and code that fit a library status (KZ_ERR_QUERY -> 400 "query", ...). */
int srv_status_of(int kz_status, const char **code);

#endif /* KZ_SERVER_RESPOND_H */
