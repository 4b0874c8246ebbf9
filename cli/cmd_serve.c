/*
 * cmd_serve.c - `kzsearch serve [-i DIR] [--listen HOST:PORT] [--threads N]
 * [--api-key-file FILE] [--cors-origin ORIGIN] [--max-connections N]
 * [--request-timeout SECONDS] [--quiet]`: runs the HTTP
 * server of server/ until SIGINT or SIGTERM.
 *
 * The signals are blocked before any server thread starts (threads inherit
 * the mask) and taken here with sigwait, so a stop is an orderly call on
 * this thread: the server stops listening, requests in flight finish (a
 * commit in progress completes), then everything is released.
 *
 * The key file holds the key on its first line; it is read once, never
 * printed, and must not be empty.
 */
#include "cmd_serve.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index_path.h"
#include "kzsearch.h"
#include "options.h"
#include "report.h"
#include "server/app.h"
#include "server/http.h"

enum {
  OPT_INDEX = 1, OPT_LISTEN, OPT_THREADS, OPT_KEY_FILE, OPT_CORS, OPT_QUIET, OPT_MAX_CONN,
  OPT_REQUEST_TIMEOUT, OPT_HELP
};

static const cli_option options[] = {
    {"index", 'i', 1, OPT_INDEX},         {"listen", 0, 1, OPT_LISTEN},
    {"threads", 0, 1, OPT_THREADS},       {"api-key-file", 0, 1, OPT_KEY_FILE},
    {"cors-origin", 0, 1, OPT_CORS},      {"quiet", 'q', 0, OPT_QUIET},
    {"max-connections", 0, 1, OPT_MAX_CONN}, {"request-timeout", 0, 1, OPT_REQUEST_TIMEOUT},
    {"help", 'h', 0, OPT_HELP},
};

#define MAX_KEY_BYTES 4096

/* Reads the first line of `path` into a new string. @return 0, or -1 after a message. */
static int read_key(const char *path, char **out) {
  FILE *f = fopen(path, "r");
  if (!f) {
    cli_error("cannot read the API key file %s: %s", path, strerror(errno));
    return -1;
  }
  char *key = calloc(1, MAX_KEY_BYTES + 2);
  if (!key) {
    fclose(f);
    cli_error("out of memory");
    return -1;
  }
  size_t n = fgets(key, MAX_KEY_BYTES + 2, f) ? strlen(key) : 0;
  fclose(f);
  while (n && (key[n - 1] == '\n' || key[n - 1] == '\r' || key[n - 1] == ' ')) key[--n] = '\0';
  if (n == 0 || n > MAX_KEY_BYTES) {
    cli_error("the API key file %s must hold a key of 1 to %d bytes on its first line", path,
              MAX_KEY_BYTES);
    free(key);
    return -1;
  }
  *out = key;
  return 0;
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT" into host (a buffer of 64) and port. */
static int parse_listen(const char *v, char *host, unsigned *port) {
  const char *colon = strrchr(v, ':');
  uint64_t p;
  if (!colon) {
    cli_error("invalid value for --listen: '%s' (expected HOST:PORT, e.g. 127.0.0.1:7700)", v);
    return -1;
  }
  if (cli_parse_u64(colon + 1, "the --listen port", 0, 65535, &p) != 0) return -1;
  size_t n = (size_t)(colon - v);
  if (n >= 2 && v[0] == '[' && v[n - 1] == ']') {
    v++;
    n -= 2;
  }
  if (n >= 64) {
    cli_error("invalid value for --listen: the host is too long");
    return -1;
  }
  memcpy(host, n ? v : "127.0.0.1", n ? n : sizeof "127.0.0.1");
  host[n ? n : sizeof "127.0.0.1" - 1] = '\0';
  *port = (unsigned)p;
  return 0;
}

int cli_cmd_serve(int argc, char **argv) {
  const char *index_opt = NULL, *key_file = NULL, *value;
  char host[64] = "127.0.0.1";
  srv_http_options ho;
  memset(&ho, 0, sizeof ho);
  ho.port = 7700;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  ho.threads = cores > 0 ? (unsigned)cores : 2;
  ho.max_connections = 512;
  ho.timeout_seconds = 30;
  ho.request_seconds = 10;
  ho.log = 1;
  cli_parser parser;
  int id;
  uint64_t n;
  cli_parser_init(&parser, argc, argv, options, sizeof options / sizeof options[0]);
  while ((id = cli_parser_next(&parser, &value)) != CLI_OPT_END) {
    switch (id) {
      case OPT_INDEX: index_opt = value; break;
      case OPT_LISTEN: if (parse_listen(value, host, &ho.port) != 0) return CLI_EXIT_USAGE; break;
      case OPT_THREADS:
        if (cli_parse_u64(value, "--threads", 1, 256, &n) != 0) return CLI_EXIT_USAGE;
        ho.threads = (unsigned)n;
        break;
      case OPT_MAX_CONN:
        if (cli_parse_u64(value, "--max-connections", 1, 65536, &n) != 0) return CLI_EXIT_USAGE;
        ho.max_connections = (unsigned)n;
        break;
      case OPT_REQUEST_TIMEOUT:
        if (cli_parse_u64(value, "--request-timeout", 1, 3600, &n) != 0) return CLI_EXIT_USAGE;
        ho.request_seconds = (unsigned)n;
        break;
      case OPT_KEY_FILE: key_file = value; break;
      case OPT_CORS: ho.cors_origin = value; break;
      case OPT_QUIET: ho.log = 0; break;
      case OPT_HELP: return CLI_EXIT_HELP;
      case CLI_OPT_OPERAND: cli_error("serve: unexpected argument '%s'", value); return CLI_EXIT_USAGE;
      default: return CLI_EXIT_USAGE;
    }
  }
  ho.host = host;
  char *path = NULL, *key = NULL;
  if (cli_index_path_resolve(index_opt, &path) != 0) return CLI_EXIT_ERROR;
  if (key_file && read_key(key_file, &key) != 0) {
    free(path);
    return CLI_EXIT_ERROR;
  }
  /* A commit of another process is seen 10 ms after it at most; a stat of
   * MANIFEST on every request cost a system call each (bench/RESULTS.md). */
  srv_config config = {path, key, 10000};
  srv_app app;
  if (srv_app_init(&app, &config) != KZ_OK) {
    cli_error("out of memory");
    free(path);
    free(key);
    return CLI_EXIT_ERROR;
  }

  sigset_t stop_signals, old_mask;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);

  srv_http *http = NULL;
  unsigned port = 0;
  char why[256];
  int status = CLI_EXIT_OK;
  if (srv_http_start(&http, &app, &ho, &port, why, sizeof why) != 0) {
    cli_error("serve: %s", why);
    status = CLI_EXIT_ERROR;
  } else {
    int v6 = strchr(host, ':') != NULL;
    printf("kzsearch serving %s at http://%s%s%s:%u/ (%u threads%s; Ctrl-C stops)\n", path,
           v6 ? "[" : "", host, v6 ? "]" : "", port, ho.threads,
           key ? ", writes need the API key" : ", read-only");
    fflush(stdout);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    fprintf(stderr, "kzsearch: %s: stopping after the requests in flight\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    srv_http_stop(http);
  }
  pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
  srv_app_destroy(&app);
  free(path);
  if (key) {
    memset(key, 0, strlen(key));
    free(key);
  }
  return status;
}
