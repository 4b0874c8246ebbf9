/*
 * request.h - an HTTP request and response as the server's routing sees them,
 * with no socket and no HTTP library in sight: server/http.c fills a
 * srv_request from libmicrohttpd and sends the srv_response back, and tests
 * and the fuzz target call srv_route (router.h) directly.
 *
 * The request borrows everything; the response owns its body.
 */
#ifndef KZ_SERVER_REQUEST_H
#define KZ_SERVER_REQUEST_H

#include <stddef.h>

/* The largest request body accepted (POST /api/documents, POST /api/search): 413 above it. */
#define SRV_MAX_BODY_BYTES (32u << 20)
/* The longest request target (path and query string) accepted: 414 above it. */
#define SRV_MAX_URI_BYTES 16384u
/* Query-string parameters per request. */
#define SRV_MAX_PARAMS 64

typedef struct srv_request {
  const char *method;        /* "GET", "POST", ... */
  const char *target;        /* the raw request target: path and ?query, percent-encoded */
  const char *body;          /* NULL when there is none */
  size_t body_len;
  const char *content_type;  /* NULL when absent */
  const char *authorization; /* the Authorization header, NULL when absent */
  int body_too_large;        /* the body passed SRV_MAX_BODY_BYTES and was dropped */
} srv_request;

typedef struct srv_response {
  int status;                /* HTTP status */
  const char *content_type;  /* static string */
  char *body;                /* owned (malloc), or NULL when static_body is used */
  size_t body_len;
  const char *static_body;   /* not owned: the compiled-in page */
  const char *allow;         /* for 405: the methods allowed, else NULL */
  int cacheable;             /* the page: may be cached briefly; API answers are not */
} srv_response;

/* Releases the response's body. */
void srv_response_clear(srv_response *rs);

#endif /* KZ_SERVER_REQUEST_H */
