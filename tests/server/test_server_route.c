/*
 * test_server_route.c - the HTTP API without a socket: srv_route from
 * request to response on a real index, for every endpoint, status and
 * error, hostile targets and bodies included, and the live snapshot's swap
 * when a commit lands (server/live_index.c).
 */
#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kz_test.h"
#include "kz_test_fs.h"
#include "kzsearch.h"
#include "server/app.h"

static char dir[512];
static srv_app app;

static void add_doc(kz_writer *w, const char *id, const char *title, const char *body) {
  kz_document d = KZ_DOCUMENT_INIT;
  d.id = id; d.id_len = strlen(id);
  d.title = title; d.title_len = strlen(title);
  d.body = body; d.body_len = strlen(body);
  if (kz_writer_add(w, &d, NULL) != KZ_OK) abort();
}

static void build(void) {
  kz_writer *w;
  if (kz_writer_open(&w, dir, NULL, NULL) != KZ_OK) abort();
  add_doc(w, "a", "CSTO peacekeepers arrive", "Peacekeepers of the CSTO landed in Almaty.");
  add_doc(w, "b", "Fuel prices", "Protests over fuel prices spread from Zhanaozen.");
  add_doc(w, "c", "Internet restored", "Mobile internet returned after a week.");
  kz_document d = KZ_DOCUMENT_INIT;
  d.id = "dated-old"; d.id_len = 9;
  d.body = "an older report"; d.body_len = 15;
  d.date = "2022-01-05"; d.date_len = 10;
  if (kz_writer_add(w, &d, NULL) != KZ_OK) abort();
  d.id = "dated-new";
  d.body = "a newer report"; d.body_len = 14;
  d.date = "2022-01-06T10:00:00Z"; d.date_len = 20;
  if (kz_writer_add(w, &d, NULL) != KZ_OK) abort();
  if (kz_writer_commit(w, NULL) != KZ_OK) abort();
  kz_writer_close(w);
}

typedef struct reply {
  int status;
  char body[65536];
  const char *allow;
} reply;

static void call(reply *r, const char *method, const char *target, const char *content_type,
                 const char *auth, const char *body, size_t body_len) {
  srv_request rq;
  memset(&rq, 0, sizeof rq);
  rq.method = method;
  rq.target = target;
  rq.content_type = content_type;
  rq.authorization = auth;
  rq.body = body;
  rq.body_len = body_len;
  srv_response rs;
  srv_route(&app, &rq, &rs);
  r->status = rs.status;
  r->allow = rs.allow;
  const char *b = rs.body ? rs.body : rs.static_body;
  size_t n = b ? rs.body_len : 0;
  if (n >= sizeof r->body) n = sizeof r->body - 1;
  memcpy(r->body, b ? b : "", n);
  r->body[n] = '\0';
  srv_response_clear(&rs);
}

static void get(reply *r, const char *target) { call(r, "GET", target, NULL, NULL, NULL, 0); }

static void test_server__search_returns_the_cli_hit_objects(void) {
  static reply r;
  get(&r, "/api/search?q=peacekeepers&k=5");
  CHECK_EQ_INT(r.status, 200);
  CHECK(strstr(r.body, "{\"hits\":[{\"type\":\"hit\",\"rank\":1,\"id\":\"a\""));
  CHECK(strstr(r.body, "\"total\":1,"));
  CHECK(strstr(r.body, "\"highlights\":[["));
  get(&r, "/api/search?q=fuel+OR+internet&k=1&offset=1");
  CHECK_EQ_INT(r.status, 200);
  CHECK(strstr(r.body, "\"rank\":2"));
  CHECK(strstr(r.body, "\"total\":2,"));
  get(&r, "/api/search?q=%22fuel%20prices%22&count=true");
  CHECK_EQ_INT(r.status, 200);
  CHECK(strstr(r.body, "{\"hits\":[],\"facets\":[],\"total\":1,"));
  get(&r, "/api/search?q=csto+peacekeepers&and=true");
  CHECK(strstr(r.body, "\"total\":1,"));
  /* Acronym expansion (README.md, "Acronyms"): reported after the offset, switched off with expand=false. */
  CHECK(strstr(r.body, ",\"expansions\":{\"type\":\"expansions\",\"expansions\":[]},"));
  get(&r, "/api/search?q=csto&expand=false");
  CHECK_EQ_INT(r.status, 200);
  get(&r, "/api/search?q=csto&expand=maybe");
  CHECK_EQ_INT(r.status, 400);
  CHECK(strstr(r.body, "'expand' must be true or false"));
}

static void test_server__sort_dates_and_facets(void) {
  static reply r;
  get(&r, "/api/search?q=report&sort=date&facet=date:month&k=5");
  CHECK_EQ_INT(r.status, 200);
  const char *f = strstr(r.body, "\"facets\":[{\"type\":\"facet\",\"field\":\"date\",\"bucket\":\"2022-01\",\"count\":2}");
  CHECK(f != NULL);
  const char *newer = strstr(r.body, "\"id\":\"dated-new\""), *older = strstr(r.body, "\"id\":\"dated-old\"");
  CHECK(newer && older && newer < older);
  get(&r, "/api/search?q=report&sort=date:asc&since=2022-01-05&until=2022-01-05");
  CHECK_EQ_INT(r.status, 200);
  CHECK(strstr(r.body, "\"total\":1,") && strstr(r.body, "\"id\":\"dated-old\""));
  get(&r, "/api/search?q=report&since=&until=");
  CHECK(strstr(r.body, "\"total\":2,"));
  get(&r, "/api/search?q=report&sort=sideways");
  CHECK_EQ_INT(r.status, 400);
  get(&r, "/api/search?q=report&facet=date:week");
  CHECK_EQ_INT(r.status, 400);
  get(&r, "/api/search?q=report&since=2022-13-40");
  CHECK_EQ_INT(r.status, 400);
}

static void test_server__post_search_takes_a_json_object(void) {
  static reply r;
  const char *body = "{\"q\":\"protests\",\"k\":3,\"and\":false}";
  call(&r, "POST", "/api/search", "application/json; charset=utf-8", NULL, body, strlen(body));
  CHECK_EQ_INT(r.status, 200);
  CHECK(strstr(r.body, "\"id\":\"b\""));
  call(&r, "POST", "/api/search", "text/plain", NULL, body, strlen(body));
  CHECK_EQ_INT(r.status, 415);
  const char *bad[] = {"[1,2]", "{\"q\":", "{\"q\":\"x\"} trailing", "{\"q\":{\"a\":1}}",
                       "{\"q\":\"a\\u0000b\"}", "", "\xff", "{\"q\":1.5}", "{\"q\":null}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    call(&r, "POST", "/api/search", "application/json", NULL, bad[i], strlen(bad[i]));
    CHECK_EQ_INT(r.status, 400);
    CHECK(strstr(r.body, "{\"error\":{\"code\":\"bad_request\""));
  }
}

static void test_server__bad_parameters_are_400_with_a_reason(void) {
  static reply r;
  const char *targets[] = {
      "/api/search",                     /* no q */
      "/api/search?q=",                  /* empty q */
      "/api/search?q=a&k=0",             "/api/search?q=a&k=1001", "/api/search?q=a&k=-1",
      "/api/search?q=a&k=1x",            "/api/search?q=a&offset=100001",
      "/api/search?q=a&and=maybe",       "/api/search?q=a&author=x", /* unknown */
      "/api/search?q=a&q=b",             /* twice */
      "/api/search?q=%zz",               "/api/search?q=%4",  "/api/search?q=a%00b",
      "/api/search?q=%ff%fe",            "/api/search?q=%c0%af", /* overlong */
  };
  for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
    get(&r, targets[i]);
    if (r.status != 400) fprintf(stderr, "target %s -> %d\n", targets[i], r.status);
    CHECK_EQ_INT(r.status, 400);
    CHECK(strstr(r.body, "\"message\":\""));
  }
  get(&r, "/api/search?q=a&author=x");
  CHECK(strstr(r.body, "unknown parameter 'author'"));
}

static void test_server__malformed_query_gives_its_position(void) {
  static reply r;
  get(&r, "/api/search?q=%28csto+peacekeepers");
  CHECK_EQ_INT(r.status, 400);
  CHECK(strstr(r.body, "\"code\":\"query\""));
  CHECK(strstr(r.body, "\"position\":"));
}

static void test_server__paths_methods_and_limits(void) {
  static reply r;
  get(&r, "/");
  CHECK_EQ_INT(r.status, 200);
  CHECK(strstr(r.body, "<!doctype html>"));
  get(&r, "/nope");
  CHECK_EQ_INT(r.status, 404);
  get(&r, "/api/../etc/passwd");
  CHECK_EQ_INT(r.status, 400);
  get(&r, "/api/%2e%2E/x");
  CHECK_EQ_INT(r.status, 400);
  get(&r, "/./api/health");
  CHECK_EQ_INT(r.status, 400);
  get(&r, "relative");
  CHECK_EQ_INT(r.status, 400);
  call(&r, "PUT", "/api/search?q=a", NULL, NULL, NULL, 0);
  CHECK_EQ_INT(r.status, 405);
  CHECK_EQ_STR(r.allow, "GET, POST");
  call(&r, "DELETE", "/api/stats", NULL, NULL, NULL, 0);
  CHECK_EQ_INT(r.status, 405);
  char *huge = malloc(SRV_MAX_URI_BYTES + 64);
  CHECK(huge);
  memcpy(huge, "/api/search?q=", 14);
  memset(huge + 14, 'a', SRV_MAX_URI_BYTES);
  huge[SRV_MAX_URI_BYTES + 14] = '\0';
  get(&r, huge);
  free(huge);
  CHECK_EQ_INT(r.status, 414);
  srv_request rq;
  memset(&rq, 0, sizeof rq);
  rq.method = "POST";
  rq.target = "/api/documents";
  rq.body_too_large = 1;
  srv_response rs;
  srv_route(&app, &rq, &rs);
  CHECK_EQ_INT(rs.status, 413);
  srv_response_clear(&rs);
}

static void test_server__health_and_stats(void) {
  static reply r;
  get(&r, "/api/health");
  CHECK_EQ_INT(r.status, 200);
  CHECK(strstr(r.body, "\"status\":\"ok\""));
  get(&r, "/api/stats");
  CHECK_EQ_INT(r.status, 200);
  CHECK(strstr(r.body, "\"documents\":"));
}

static void test_server__writes_need_the_key(void) {
  static reply r;
  const char *line = "{\"id\":\"d\",\"title\":\"Nazarbayev\",\"body\":\"Elbasy\"}\n";
  call(&r, "POST", "/api/documents", "application/x-ndjson", NULL, line, strlen(line));
  CHECK_EQ_INT(r.status, 401);
  call(&r, "POST", "/api/documents", "application/x-ndjson", "Bearer wrong", line, strlen(line));
  CHECK_EQ_INT(r.status, 401);
  call(&r, "POST", "/api/documents", "application/x-ndjson", "Bearer s3cret-", line, strlen(line));
  CHECK_EQ_INT(r.status, 401); /* a longer key is wrong too */
  call(&r, "POST", "/api/documents", "application/x-ndjson", "bearer s3cret", line, strlen(line));
  CHECK_EQ_INT(r.status, 401);
  call(&r, "DELETE", "/api/documents/a", NULL, NULL, NULL, 0);
  CHECK_EQ_INT(r.status, 401);
  get(&r, "/api/search?q=elbasy");
  CHECK(strstr(r.body, "\"total\":0,"));
  /* Without a configured key every write is refused. */
  const char *key = app.config.api_key;
  app.config.api_key = NULL;
  call(&r, "POST", "/api/documents", "application/x-ndjson", "Bearer s3cret", line, strlen(line));
  app.config.api_key = key;
  CHECK_EQ_INT(r.status, 403);
}

static void test_server__documents_are_committed_before_the_reply(void) {
  static reply r;
  unsigned long opened = srv_live_opened(app.live);
  const char *lines = "{\"id\":\"d\",\"title\":\"Nazarbayev\",\"body\":\"Elbasy resigned\"}\n"
                      "not json\n"
                      "{\"id\":\"b\",\"title\":\"Fuel prices again\",\"body\":\"Zhanaozen\"}\n";
  call(&r, "POST", "/api/documents", "application/x-ndjson", "Bearer s3cret", lines,
       strlen(lines));
  CHECK_EQ_INT(r.status, 200);
  CHECK(strstr(r.body, "\"added\":2,\"replaced\":1,\"skipped\":1"));
  CHECK(strstr(r.body, "{\"line\":2,\"message\":"));
  get(&r, "/api/search?q=elbasy");
  CHECK(strstr(r.body, "\"id\":\"d\""));
  CHECK(srv_live_opened(app.live) > opened); /* the new commit was opened */
  call(&r, "POST", "/api/documents", "text/html", "Bearer s3cret", lines, strlen(lines));
  CHECK_EQ_INT(r.status, 415);
  call(&r, "POST", "/api/documents", "application/x-ndjson", "Bearer s3cret", "", 0);
  CHECK_EQ_INT(r.status, 400);
  call(&r, "GET", "/api/documents", NULL, NULL, NULL, 0);
  CHECK_EQ_INT(r.status, 405);
}

static void test_server__get_and_delete_a_document(void) {
  static reply r;
  get(&r, "/api/documents/c");
  CHECK_EQ_INT(r.status, 200);
  CHECK(strstr(r.body, "\"body\":\"Mobile internet returned after a week.\""));
  get(&r, "/api/documents/nope");
  CHECK_EQ_INT(r.status, 404);
  get(&r, "/api/documents/%ff");
  CHECK_EQ_INT(r.status, 400);
  call(&r, "DELETE", "/api/documents/c", NULL, "Bearer s3cret", NULL, 0);
  CHECK_EQ_INT(r.status, 200);
  get(&r, "/api/documents/c");
  CHECK_EQ_INT(r.status, 404);
  call(&r, "DELETE", "/api/documents/c", NULL, "Bearer s3cret", NULL, 0);
  CHECK_EQ_INT(r.status, 404);
}

static void test_server__did_you_mean_and_suggest_false(void) {
  static reply r;
  get(&r, "/api/search?q=peacekepers");
  CHECK_EQ_INT(r.status, 200);
  CHECK(strstr(r.body, "\"total\":0,"));
  CHECK(strstr(r.body, "\"suggestion\":\"peacekeepers\"")); /* a word, not the stem */
  get(&r, "/api/search?q=peacekepers&suggest=false");
  CHECK_EQ_INT(r.status, 200);
  CHECK(!strstr(r.body, "\"suggestion\""));
  get(&r, "/api/search?q=peacekepers&suggest=perhaps");
  CHECK_EQ_INT(r.status, 400);
}

static uint64_t ms_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* With a check interval, another process's commit shows once the interval has passed, the
 * server's own at once. */
static void test_server__manifest_checked_once_per_interval(void) {
  static reply r;
  srv_live_set_check_interval(app.live, 300 * 1000);
  get(&r, "/api/search?q=semey&count=true");
  uint64_t t0 = ms_now();
  CHECK(strstr(r.body, "\"total\":0,"));
  kz_writer *w;
  CHECK_EQ_INT(kz_writer_open(&w, dir, NULL, NULL), KZ_OK);
  add_doc(w, "semey-1", "Semey", "Flooding in Semey.");
  CHECK_EQ_INT(kz_writer_commit(w, NULL), KZ_OK);
  kz_writer_close(w);
  get(&r, "/api/search?q=semey&count=true");
  if (ms_now() - t0 < 250) /* (a slow machine may have passed the interval already) */
    CHECK(strstr(r.body, "\"total\":0,")); /* within the interval: the snapshot checked before */
  usleep(310 * 1000);
  get(&r, "/api/search?q=semey&count=true");
  CHECK(strstr(r.body, "\"total\":1,")); /* after it: the new commit */
  /* The API's own commit is seen by the next request, interval or not. */
  const char *line = "{\"id\":\"semey-2\",\"title\":\"Semey again\",\"body\":\"Semey\"}\n";
  call(&r, "POST", "/api/documents", "application/x-ndjson", "Bearer s3cret", line, strlen(line));
  CHECK_EQ_INT(r.status, 200);
  get(&r, "/api/search?q=semey&count=true");
  CHECK(strstr(r.body, "\"total\":2,"));
  srv_live_set_check_interval(app.live, 0);
}

static void test_server__commits_of_another_writer_become_visible(void) {
  static reply r;
  srv_snapshot *held = NULL;
  kz_index *old_index = NULL;
  CHECK_EQ_INT(srv_live_acquire(app.live, &held, &old_index, NULL), KZ_OK);
  kz_writer *w;
  CHECK_EQ_INT(kz_writer_open(&w, dir, NULL, NULL), KZ_OK);
  add_doc(w, "e", "Tokayev", "The president spoke.");
  CHECK_EQ_INT(kz_writer_commit(w, NULL), KZ_OK);
  kz_writer_close(w);
  get(&r, "/api/search?q=tokayev");
  CHECK(strstr(r.body, "\"total\":1,"));
  /* The snapshot held from before still answers as before, then is released. */
  uint64_t n = 0;
  CHECK_EQ_INT(kz_count(&n, old_index, "tokayev", NULL, NULL), KZ_OK);
  CHECK_EQ_INT(n, 0);
  srv_live_release(app.live, held);
}

static void compact(void) {
  kz_writer *w;
  if (kz_writer_open(&w, dir, NULL, NULL) != KZ_OK || kz_writer_compact(w, NULL) != KZ_OK) abort();
  kz_writer_close(w);
}

/*
 * Open file descriptors of this process, and its mappings of the index's
 * files (only those: a sanitizer's allocator maps and unmaps memory of its
 * own as the process goes).
 */
static void count_resources(long *fds, long *maps) {
  *fds = 0;
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  while (d && (e = readdir(d))) *fds += e->d_name[0] != '.';
  if (d) closedir(d);
  *maps = 0;
  FILE *f = fopen("/proc/self/maps", "r");
  char line[4096];
  while (f && fgets(line, sizeof line, f)) *maps += strstr(line, dir) != NULL;
  if (f) fclose(f);
}

/*
 * Bytes the allocator has handed out and not had back: exact only without glibc's per-thread
 * cache, whose chunks count as in use (main() turns it off). 0 under a sanitizer, whose
 * allocator glibc's counters do not see.
 */
static size_t heap_in_use(void) { return mallinfo2().uordblks; }

/* One write through the API and one search of the new snapshot. */
static void commit_and_search(reply *r, int i) {
  char line[128];
  int n = snprintf(line, sizeof line, "{\"id\":\"loop-%d\",\"title\":\"Round %d\",\"body\":\"almaty\"}\n", i % 50, i);
  call(r, "POST", "/api/documents", "application/x-ndjson", "Bearer s3cret", line, (size_t)n);
  CHECK_EQ_INT(r->status, 200);
  get(r, "/api/search?q=almaty&k=3");
  CHECK_EQ_INT(r->status, 200);
}

static void test_server__a_thousand_commits_leak_nothing(void) {
  static reply r;
  const char *env = getenv("KZ_SERVER_COMMITS");
  int commits = env ? atoi(env) : 100; /* KZ_SERVER_COMMITS=1000 for the figure */
  /* Warm up first (every id of the loop exists once), so that what the first commits leave in
   * caches for good is not counted; then count on a one-segment index both times, so that the
   * snapshot maps the same files. */
  for (int i = 0; i < 50; i++) commit_and_search(&r, i);
  compact();
  get(&r, "/api/search?q=almaty");
  long fds0, maps0, fds1, maps1;
  count_resources(&fds0, &maps0);
  size_t heap0 = heap_in_use();
  unsigned long opened0 = srv_live_opened(app.live);
  for (int i = 0; i < commits; i++) commit_and_search(&r, 50 + i);
  CHECK_EQ_INT(srv_live_opened(app.live) - opened0, (unsigned long)commits);
  compact();
  get(&r, "/api/search?q=almaty");
  count_resources(&fds1, &maps1);
  size_t heap1 = heap_in_use();
  CHECK_EQ_INT(fds1, fds0);
  CHECK_EQ_INT(maps1, maps0);
  /* A leaked snapshot, hit list or request costs hundreds of bytes per commit, so even 100
   * commits would show it; measured flat (+16 bytes over 1,000 commits). */
  printf("  heap in use: %zu bytes before, %zu after %d commits\n", heap0, heap1, commits);
  CHECK(heap1 <= heap0 + 1024);
}

int main(int argc, char **argv) {
  /* Once, re-run with glibc's thread cache off, so that heap_in_use() counts exactly. */
  if (!getenv("KZ_TEST_TCACHE_OFF")) {
    setenv("KZ_TEST_TCACHE_OFF", "1", 1);
    setenv("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0", 1);
    execv("/proc/self/exe", argv);
    perror("test_server_route: re-exec without the malloc thread cache");
    return 1;
  }
  if (!kz_test_make_temp_dir(dir, sizeof dir, "kz_server_route")) return 1;
  build();
  srv_config cfg = {dir, "s3cret", 0}; /* 0: every request looks for a new commit */
  if (srv_app_init(&app, &cfg) != KZ_OK) return 1;
  static const kz_test_case cases[] = {
      KZ_TEST(test_server__search_returns_the_cli_hit_objects),
      KZ_TEST(test_server__sort_dates_and_facets),
      KZ_TEST(test_server__post_search_takes_a_json_object),
      KZ_TEST(test_server__bad_parameters_are_400_with_a_reason),
      KZ_TEST(test_server__malformed_query_gives_its_position),
      KZ_TEST(test_server__paths_methods_and_limits),
      KZ_TEST(test_server__health_and_stats),
      KZ_TEST(test_server__writes_need_the_key),
      KZ_TEST(test_server__documents_are_committed_before_the_reply),
      KZ_TEST(test_server__get_and_delete_a_document),
      KZ_TEST(test_server__commits_of_another_writer_become_visible),
      KZ_TEST(test_server__did_you_mean_and_suggest_false),
      KZ_TEST(test_server__manifest_checked_once_per_interval),
      KZ_TEST(test_server__a_thousand_commits_leak_nothing),
  };
  int rc = kz_test_run(cases, sizeof cases / sizeof cases[0], argc, argv);
  srv_app_destroy(&app);
  kz_test_remove_tree(dir);
  return rc;
}
