/*
 * http.h - the server on a socket: libmicrohttpd (the only file that includes
 * it) with a thread pool on epoll, requests handed to srv_route.
 */
#ifndef KZ_SERVER_HTTP_H
#define KZ_SERVER_HTTP_H

#include <signal.h>

#include "server/app.h"

typedef struct srv_http_options {
  const char *host;         /* numeric IPv4 or IPv6 address to listen on */
  unsigned port;            /* 0 picks a free port (see srv_http_start's *bound_port) */
  unsigned threads;         /* worker threads */
  unsigned max_connections; /* more are refused */
  unsigned timeout_seconds; /* an idle connection is closed after this */
  unsigned request_seconds; /* a request must arrive whole within this, or its connection ends */
  const char *cors_origin;  /* the one origin allowed by CORS, or NULL */
  int log;                  /* a line per request on stderr (never the key or the body) */
} srv_http_options;

typedef struct srv_http srv_http;

/* Starts listening. @return 0, or -1 with a reason in why. */
int srv_http_start(srv_http **out, srv_app *app, const srv_http_options *o, unsigned *bound_port,
                   char *why, size_t why_size);

/* Stops accepting, lets requests in flight finish, and frees everything. */
void srv_http_stop(srv_http *h);

#endif /* KZ_SERVER_HTTP_H */
