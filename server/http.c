/*
 * http.c - libmicrohttpd glue (see http.h). Everything about routing lives in
 * srv_route; this file only moves bytes:
 *
 * - The raw request target comes from the URI log callback (libmicrohttpd
 *   would otherwise hand over a path it has already unescaped), which also
 *   creates the per-request state.
 * - The body is collected up to SRV_MAX_BODY_BYTES; past that, or when the
 *   Content-Length says so, the request gets 413 at once, and the rest of the
 *   body is never read.
 * - A watchdog thread ends connections whose request has not arrived whole
 *   within request_seconds (a client sending a byte a second), by shutting
 *   their socket down; libmicrohttpd then closes them. Idle connections end
 *   after timeout_seconds. Both leave every other connection alone.
 * - Only the form-upload processor of libmicrohttpd, the weak spot in its CVE
 *   history, is never used.
 */
#include "server/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Per-request state, created by the URI log callback. */
typedef struct request_state {
  char *target;
  char *body;
  size_t len, cap;
  int too_large, started;
  struct timespec t0;
} request_state;

/* Per-connection record for the watchdog. */
typedef struct conn_entry {
  struct MHD_Connection *connection;
  struct timespec since; /* when its current request began arriving */
  int busy;              /* its request is whole (being answered): not the watchdog's */
  struct conn_entry *next;
} conn_entry;

struct srv_http {
  struct MHD_Daemon *daemon;
  srv_app *app;
  srv_http_options o;
  pthread_mutex_t conns_mutex;
  conn_entry *conns;
  pthread_t watchdog;
  int watchdog_running;
  pthread_mutex_t stop_mutex;
  pthread_cond_t stop_cond;
  int stopping;
};

static double seconds_since(const struct timespec *t0) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *connection) {
  (void)cls;
  (void)connection;
  request_state *s = calloc(1, sizeof *s);
  if (s && !(s->target = strdup(uri ? uri : ""))) {
    free(s);
    s = NULL;
  }
  if (s) clock_gettime(CLOCK_MONOTONIC, &s->t0);
  return s; /* NULL: the handler answers 500 */
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  (void)toe;
  srv_http *h = cls;
  request_state *s = *con_cls;
  if (s) {
    free(s->target);
    free(s->body);
    free(s);
  }
  *con_cls = NULL;
  /* The connection may carry another request (keep-alive): its clock starts again. */
  pthread_mutex_lock(&h->conns_mutex);
  for (conn_entry *e = h->conns; e; e = e->next)
    if (e->connection == connection) {
      clock_gettime(CLOCK_MONOTONIC, &e->since);
      e->busy = 0;
    }
  pthread_mutex_unlock(&h->conns_mutex);
}

static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
  srv_http *h = cls;
  pthread_mutex_lock(&h->conns_mutex);
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    conn_entry *e = calloc(1, sizeof *e);
    if (e) {
      e->connection = connection;
      clock_gettime(CLOCK_MONOTONIC, &e->since);
      e->next = h->conns;
      h->conns = e;
    }
    *socket_context = e;
  } else {
    for (conn_entry **p = &h->conns; *p; p = &(*p)->next)
      if (*p == *socket_context) {
        conn_entry *dead = *p;
        *p = dead->next;
        free(dead);
        break;
      }
  }
  pthread_mutex_unlock(&h->conns_mutex);
}

static void mark_busy(srv_http *h, struct MHD_Connection *connection, int busy) {
  pthread_mutex_lock(&h->conns_mutex);
  for (conn_entry *e = h->conns; e; e = e->next)
    if (e->connection == connection) e->busy = busy;
  pthread_mutex_unlock(&h->conns_mutex);
}

/* Ends connections whose request is late, once a second, until told to stop. */
static void *watchdog_main(void *arg) {
  srv_http *h = arg;
  pthread_mutex_lock(&h->stop_mutex);
  while (!h->stopping) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    pthread_cond_timedwait(&h->stop_cond, &h->stop_mutex, &until);
    if (h->stopping) break;
    pthread_mutex_lock(&h->conns_mutex);
    for (conn_entry *e = h->conns; e; e = e->next) {
      if (e->busy || seconds_since(&e->since) < (double)h->o.request_seconds) continue;
      const union MHD_ConnectionInfo *info =
          MHD_get_connection_info(e->connection, MHD_CONNECTION_INFO_CONNECTION_FD);
      if (info) shutdown(info->connect_fd, SHUT_RDWR);
    }
    pthread_mutex_unlock(&h->conns_mutex);
  }
  pthread_mutex_unlock(&h->stop_mutex);
  return NULL;
}

static void add_common_headers(srv_http *h, struct MHD_Connection *c, struct MHD_Response *r,
                               const srv_response *rs) {
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rs->content_type);
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, rs->cacheable ? "max-age=60" : "no-store");
  if (rs->cacheable)
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; script-src 'unsafe-inline'; "
                            "style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'");
  if (rs->allow) MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow);
  if (rs->status == 401) MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
  if (rs->status == 503) MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
  const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
  if (h->o.cors_origin && origin && !strcmp(origin, h->o.cors_origin)) {
    MHD_add_response_header(r, MHD_HTTP_HEADER_ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    MHD_add_response_header(r, "Vary", "Origin");
  }
}

static enum MHD_Result send_response(srv_http *h, struct MHD_Connection *c, srv_response *rs,
                                     const char *method, const char *target, request_state *s) {
  struct MHD_Response *r;
  const char *bytes = rs->body ? rs->body : rs->static_body;
  size_t len = bytes ? rs->body_len : 0;
  if (!strcmp(method, "HEAD")) len = 0;
  if (rs->body && len) {
    r = MHD_create_response_from_buffer(len, rs->body, MHD_RESPMEM_MUST_FREE);
    if (r) rs->body = NULL; /* now libmicrohttpd's */
  } else {
    r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)(bytes ? bytes : ""),
                                        MHD_RESPMEM_PERSISTENT);
  }
  if (!r) return MHD_NO;
  add_common_headers(h, c, r, rs);
  enum MHD_Result ok = MHD_queue_response(c, (unsigned)rs->status, r);
  MHD_destroy_response(r);
  if (h->o.log) {
    size_t path_len = strcspn(target, "?"); /* the query may hold what users typed: keep it out */
    fprintf(stderr, "%s %.*s %d %.1f ms\n", method, (int)(path_len > 200 ? 200 : path_len), target,
            rs->status, s ? seconds_since(&s->t0) * 1e3 : 0.0);
  }
  return ok;
}

static enum MHD_Result respond_out_of_memory(srv_http *h, struct MHD_Connection *c,
                                             const char *method) {
  srv_response rs;
  memset(&rs, 0, sizeof rs);
  rs.status = 500;
  rs.content_type = "application/json; charset=utf-8";
  rs.static_body = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
  rs.body_len = strlen(rs.static_body);
  return send_response(h, c, &rs, method, "", NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  (void)url;
  (void)version;
  srv_http *h = cls;
  request_state *s = *con_cls;
  srv_response rs;
  memset(&rs, 0, sizeof rs);
  if (!s) return respond_out_of_memory(h, c, method);
  if (!s->started) {
    s->started = 1;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > SRV_MAX_BODY_BYTES) s->too_large = 1;
    if (!s->too_large) return MHD_YES; /* the body, if any, comes in the next calls */
  } else if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (s->too_large || s->len + n > SRV_MAX_BODY_BYTES) {
      /* Answer at once: libmicrohttpd then reads no more of the body and
       * closes the connection after the 413. */
      s->too_large = 1;
      goto answer;
    }
    if (s->len + n > s->cap) {
      size_t cap = s->cap ? s->cap : 4096;
      while (cap < s->len + n) cap *= 2;
      char *b = realloc(s->body, cap);
      if (!b) return respond_out_of_memory(h, c, method);
      s->body = b;
      s->cap = cap;
    }
    memcpy(s->body + s->len, upload, n);
    s->len += n;
    return MHD_YES;
  }
answer:
  mark_busy(h, c, 1);
  if (!strcmp(method, "OPTIONS") && h->o.cors_origin) { /* a CORS preflight */
    rs.status = 204;
    rs.content_type = "text/plain";
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!r) return MHD_NO;
    add_common_headers(h, c, r, &rs);
    MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
    MHD_add_response_header(r, "Access-Control-Allow-Headers", "Authorization, Content-Type");
    MHD_add_response_header(r, "Access-Control-Max-Age", "600");
    enum MHD_Result ok = MHD_queue_response(c, 204, r);
    MHD_destroy_response(r);
    return ok;
  }
  srv_request rq;
  memset(&rq, 0, sizeof rq);
  rq.method = method;
  rq.target = s->target;
  rq.body = s->body;
  rq.body_len = s->len;
  rq.body_too_large = s->too_large;
  rq.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
  rq.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
  srv_route(h->app, &rq, &rs);
  enum MHD_Result ok = send_response(h, c, &rs, method, s->target, s);
  srv_response_clear(&rs);
  return ok;
}

/*
 * Each connection's memory pool holds its request line and headers, the read
 * buffer and the reply's headers. libmicrohttpd zeroes the whole pool
 * between two requests of a connection (MHD_pool_reset), so its size is a
 * memset per request: 64 KiB cost 1.6% of a small request's samples (perf).
 * 32 KiB still holds a request line up to SRV_MAX_URI_BYTES (16 KiB) with
 * ordinary headers; a longer one gets libmicrohttpd's own 414.
 */
#define SRV_CONNECTION_POOL_BYTES (32u * 1024u)

int srv_http_start(srv_http **out, srv_app *app, const srv_http_options *o, unsigned *bound_port,
                   char *why, size_t why_size) {
  struct sockaddr_storage addr;
  memset(&addr, 0, sizeof addr);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC;
  if (inet_pton(AF_INET, o->host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)o->port);
  } else if (inet_pton(AF_INET6, o->host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)o->port);
    flags |= MHD_USE_IPv6;
  } else {
    snprintf(why, why_size, "'%s' is not a numeric IPv4 or IPv6 address", o->host);
    return -1;
  }
  srv_http *h = calloc(1, sizeof *h);
  if (!h) {
    snprintf(why, why_size, "out of memory");
    return -1;
  }
  h->app = app;
  h->o = *o;
  pthread_mutex_init(&h->conns_mutex, NULL);
  pthread_mutex_init(&h->stop_mutex, NULL);
  pthread_cond_init(&h->stop_cond, NULL);
  h->daemon = MHD_start_daemon(
      flags, 0, NULL, NULL, on_request, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
      MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads ? o->threads : 1),
      MHD_OPTION_CONNECTION_LIMIT, (unsigned)o->max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned)o->timeout_seconds, MHD_OPTION_URI_LOG_CALLBACK, on_uri, (void *)h,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)h, MHD_OPTION_NOTIFY_CONNECTION,
      on_connection, (void *)h, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SRV_CONNECTION_POOL_BYTES,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 256u, MHD_OPTION_END);
  if (!h->daemon) {
    snprintf(why, why_size, "cannot listen on %s port %u (in use, or not an address of this machine)",
             o->host, o->port);
    pthread_mutex_destroy(&h->conns_mutex);
    pthread_mutex_destroy(&h->stop_mutex);
    pthread_cond_destroy(&h->stop_cond);
    free(h);
    return -1;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
  *bound_port = info ? info->port : o->port;
  if (o->request_seconds && pthread_create(&h->watchdog, NULL, watchdog_main, h) == 0)
    h->watchdog_running = 1;
  *out = h;
  return 0;
}

void srv_http_stop(srv_http *h) {
  if (!h) return;
  pthread_mutex_lock(&h->stop_mutex);
  h->stopping = 1;
  pthread_cond_signal(&h->stop_cond);
  pthread_mutex_unlock(&h->stop_mutex);
  if (h->watchdog_running) pthread_join(h->watchdog, NULL);
  /* Stops listening, then joins the workers: a request being answered finishes first. */
  MHD_socket listen = MHD_quiesce_daemon(h->daemon);
  if (listen != MHD_INVALID_SOCKET) close(listen);
  MHD_stop_daemon(h->daemon);
  while (h->conns) {
    conn_entry *e = h->conns;
    h->conns = e->next;
    free(e);
  }
  pthread_mutex_destroy(&h->conns_mutex);
  pthread_mutex_destroy(&h->stop_mutex);
  pthread_cond_destroy(&h->stop_cond);
  free(h);
}
