/*
 * cmd_index.c - `kzsearch index [-i DIR] [--rebuild] [--lang LANG]
 * [--memory SIZE] PATH...`: opens a writer, feeds it every PATH through
 * kz_writer_add_path, commits once at the end.
 *
 * All or nothing per run: if any PATH fails (as opposed to single malformed
 * records, which are reported and skipped), nothing is committed and the
 * previous index stays as it was. Exit 0 when everything was indexed, 1 when
 * records were skipped (the rest is committed), 2 on errors, 130 (SIGINT) or
 * 143 (SIGTERM) when interrupted.
 *
 * The progress callback reports counts per kz_writer_add_path call, so the
 * context adds the totals of the PATHs already done. The commit's automatic
 * merges show on the same line ("merging 10 segments (123,456 docs)...").
 *
 * SIGINT and SIGTERM discard the run: the handler only records the signal;
 * the progress callback (which the library calls every thousand documents),
 * the loop over PATHs and the step before the commit look at it, close the
 * writer without committing (which removes the uncommitted segment files),
 * print "interrupted; nothing was committed" and exit 128 + the signal
 * number. The handler is installed without SA_RESTART so that a read blocked
 * on a pipe or terminal returns (EINTR) instead of waiting for more input,
 * and with SA_RESETHAND so that a second signal ends the process at once:
 * that is safe too, since nothing uncommitted is ever visible. A signal
 * ignored when the command starts stays ignored. A signal that arrives while
 * the manifest is being replaced is too late to discard anything: the commit
 * completes and is reported as usual.
 */
#include "cmd_index.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index_path.h"
#include "kzsearch.h"
#include "options.h"
#include "report.h"
#include "term.h"

enum { OPT_INDEX = 1, OPT_REBUILD, OPT_LANG, OPT_MEMORY, OPT_THREADS, OPT_MAX_DOC, OPT_HELP };

static const cli_option options[] = {
    {"index", 'i', 1, OPT_INDEX},    {"rebuild", 0, 0, OPT_REBUILD},
    {"lang", 0, 1, OPT_LANG},        {"language", 0, 1, OPT_LANG},
    {"memory", 0, 1, OPT_MEMORY},    {"help", 'h', 0, OPT_HELP},
    {"threads", 0, 1, OPT_THREADS},  {"max-doc-size", 0, 1, OPT_MAX_DOC},
};

typedef struct ingest_ctx {
  cli_progress progress;
  uint64_t done_docs, done_bytes; /* totals of the PATHs already finished */
} ingest_ctx;

/* The one piece of file-scope mutable state: a signal handler has no context
 * to write to. 0, or the number of the first SIGINT/SIGTERM received. */
static volatile sig_atomic_t interrupted_by;

static void on_signal(int signo) {
  if (!interrupted_by) interrupted_by = signo;
}

/* The dispositions replaced by catch_signals, for restore_signals. */
typedef struct saved_signals {
  struct sigaction int_action, term_action;
} saved_signals;

/* A signal ignored on entry stays ignored: a shell without job control starts
 * background commands with SIGINT ignored so that Ctrl-C spares them. */
static void catch_one(int signo, struct sigaction *saved) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND; /* no SA_RESTART: see the top of the file */
  if (sigaction(signo, NULL, saved) == 0 && saved->sa_handler != SIG_IGN)
    sigaction(signo, &sa, NULL);
}

static void catch_signals(saved_signals *saved) {
  interrupted_by = 0;
  catch_one(SIGINT, &saved->int_action);
  catch_one(SIGTERM, &saved->term_action);
}

static void restore_signals(const saved_signals *saved) {
  sigaction(SIGINT, &saved->int_action, NULL);
  sigaction(SIGTERM, &saved->term_action, NULL);
}

/* Closes the uncommitted writer after a signal; @return the exit status 128 + signal. */
static int discard_interrupted(ingest_ctx *c, kz_writer *writer) {
  int signo = interrupted_by;
  cli_progress_clear(&c->progress);
  kz_writer_close(writer);
  cli_error("interrupted; nothing was committed");
  return 128 + signo;
}

static void on_warn(void *ctx, const char *path, uint64_t line, const char *message) {
  ingest_ctx *c = ctx;
  cli_progress_clear(&c->progress);
  if (!path) path = "?";
  if (!message) message = "malformed record";
  if (line)
    cli_error("%s:%llu: %s", path, (unsigned long long)line, message);
  else
    cli_error("%s: %s", path, message);
}

static int on_progress(void *ctx, uint64_t documents, uint64_t bytes_read) {
  ingest_ctx *c = ctx;
  cli_progress_update(&c->progress, c->done_docs + documents, c->done_bytes + bytes_read);
  return interrupted_by != 0; /* non-zero stops the library with KZ_ERR_INTERRUPTED */
}

/* Checks the PATHs before taking the lock, so typos fail fast and cleanly. */
static int check_paths(char **paths, size_t n_paths) {
  for (size_t i = 0; i < n_paths; i++) {
    struct stat st;
    if (strcmp(paths[i], "-") == 0) continue;
    if (stat(paths[i], &st) != 0) {
      cli_error("cannot read %s: %s", paths[i], strerror(errno));
      return -1;
    }
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) &&
        !S_ISCHR(st.st_mode)) {
      cli_error("cannot read %s: not a file or directory", paths[i]);
      return -1;
    }
  }
  return 0;
}

static const char *plural(uint64_t n, const char *one, const char *many) {
  return n == 1 ? one : many;
}

static int ingest(const char *index_path, const kz_writer_options *opts, char **paths,
                  size_t n_paths) {
  ingest_ctx ctx;
  kz_writer_options wopts = *opts;
  kz_ingest_callbacks cb = {&ctx, on_warn, on_progress};
  kz_ingest_stats total = KZ_INGEST_STATS_INIT;
  kz_writer *writer = NULL;
  kz_error err;
  memset(&err, 0, sizeof err);
  ctx.done_docs = ctx.done_bytes = 0;
  cli_progress_init(&ctx.progress, stderr);
  wopts.merge_progress = cli_progress_merge; /* the commit's automatic merges */
  wopts.merge_ctx = &ctx.progress;

  int rc = kz_writer_open(&writer, index_path, &wopts, &err);
  if (rc != KZ_OK) {
    cli_error_kz(index_path, rc, &err);
    return CLI_EXIT_ERROR;
  }
  if (interrupted_by) return discard_interrupted(&ctx, writer);
  for (size_t i = 0; i < n_paths; i++) {
    kz_ingest_stats st = KZ_INGEST_STATS_INIT;
    if (strcmp(paths[i], "-") == 0 && cli_term_isatty(stdin)) {
      cli_progress_clear(&ctx.progress);
      cli_error("reading JSON Lines from the terminal (end with Ctrl-D)");
    }
    memset(&err, 0, sizeof err);
    rc = kz_writer_add_path(writer, paths[i], &cb, &st, &err);
    total.documents += st.documents;
    total.skipped += st.skipped;
    total.bad_dates += st.bad_dates;
    total.bytes_read += st.bytes_read;
    total.empty += st.empty;
    total.replaced += st.replaced;
    ctx.done_docs = total.documents;
    ctx.done_bytes = total.bytes_read;
    /* Whatever stopped the PATH (the progress callback, or a read cut short
     * by EINTR), a signal means the user asked to stop. */
    if (interrupted_by) return discard_interrupted(&ctx, writer);
    if (rc != KZ_OK) {
      cli_progress_clear(&ctx.progress);
      cli_error_kz(strcmp(paths[i], "-") == 0 ? "standard input" : paths[i], rc, &err);
      cli_error("nothing was committed; the index is unchanged");
      kz_writer_close(writer);
      return CLI_EXIT_ERROR;
    }
  }
  if (interrupted_by) return discard_interrupted(&ctx, writer);
  cli_progress_status(&ctx.progress, "committing...");
  memset(&err, 0, sizeof err);
  rc = kz_writer_commit(writer, &err);
  cli_progress_clear(&ctx.progress);
  kz_writer_close(writer);
  if (rc != KZ_OK) {
    cli_error_kz(index_path, rc, &err);
    if (rc != KZ_ERR_UNSYNCED) cli_error("nothing was committed; the index is unchanged");
    return CLI_EXIT_ERROR;
  }

  double seconds = (double)(cli_clock_ns() - ctx.progress.start_ns) / 1e9;
  double mb = (double)total.bytes_read / 1e6;
  char size[32];
  cli_format_bytes(size, sizeof size, total.bytes_read);
  char *shown_path = realpath(index_path, NULL);
  /* Indexing the same file twice adds as many documents as the first time:
   * only the replaced count tells the two runs apart. */
  fprintf(stderr, "indexed %llu %s", (unsigned long long)total.documents,
          plural(total.documents, "document", "documents"));
  if (total.replaced) fprintf(stderr, " (%llu replaced)", (unsigned long long)total.replaced);
  fprintf(stderr, " from %s in %.2f s, %.1f MB/s into %s", size, seconds,
          seconds > 0 ? mb / seconds : 0.0, shown_path ? shown_path : index_path);
  free(shown_path);
  if (total.empty || total.skipped) {
    fputs(" (skipped ", stderr);
    if (total.empty)
      fprintf(stderr, "%llu %s without text%s", (unsigned long long)total.empty,
              plural(total.empty, "document", "documents"), total.skipped ? ", " : "");
    if (total.skipped)
      fprintf(stderr, "%llu malformed or oversized %s", (unsigned long long)total.skipped,
              plural(total.skipped, "record", "records"));
    fputc(')', stderr);
  }
  if (total.bad_dates)
    fprintf(stderr, " (%llu %s without a date: it did not parse)",
            (unsigned long long)total.bad_dates, plural(total.bad_dates, "document", "documents"));
  fputc('\n', stderr);
  return total.skipped ? CLI_EXIT_NONE : CLI_EXIT_OK;
}

/* ingest() with SIGINT and SIGTERM caught for its duration. */
static int run(const char *index_path, const kz_writer_options *wopts, char **paths,
               size_t n_paths) {
  saved_signals saved;
  catch_signals(&saved);
  int status = ingest(index_path, wopts, paths, n_paths);
  restore_signals(&saved);
  return status;
}

int cli_cmd_index(int argc, char **argv) {
  kz_writer_options wopts = KZ_WRITER_OPTIONS_INIT;
  long cores = sysconf(_SC_NPROCESSORS_ONLN); /* --threads defaults to the number of cores */
  wopts.threads = cores < 1 ? 1 : cores > 64 ? 64 : (unsigned)cores;
  const char *index_opt = NULL;
  cli_parser parser;
  const char *value;
  int id;
  char **paths = calloc((size_t)argc + 1, sizeof *paths);
  size_t n_paths = 0;
  if (!paths) {
    cli_error("out of memory");
    return CLI_EXIT_ERROR;
  }

  cli_parser_init(&parser, argc, argv, options, sizeof options / sizeof options[0]);
  while ((id = cli_parser_next(&parser, &value)) != CLI_OPT_END) {
    uint64_t size;
    switch (id) {
      case CLI_OPT_OPERAND: paths[n_paths++] = (char *)value; break;
      case OPT_INDEX: index_opt = value; break;
      case OPT_REBUILD: wopts.rebuild = 1; break;
      case OPT_LANG: wopts.language = value; break;
      case OPT_MEMORY:
        if (cli_parse_size(value, "--memory", &size) != 0) goto usage;
        wopts.memory_bytes = (size_t)size;
        break;
      case OPT_THREADS:
        if (cli_parse_u64(value, "--threads", 1, 64, &size) != 0) goto usage;
        wopts.threads = (unsigned)size;
        break;
      case OPT_MAX_DOC:
        if (cli_parse_size(value, "--max-doc-size", &size) != 0) goto usage;
        wopts.max_doc_bytes = (size_t)size;
        break;
      case OPT_HELP: free(paths); return CLI_EXIT_HELP;
      default: goto usage;
    }
  }
  if (n_paths == 0) {
    cli_error("index: no PATH given (a .jsonl file, a directory, or - for stdin)");
    goto usage;
  }
  if (check_paths(paths, n_paths) != 0) {
    free(paths);
    return CLI_EXIT_ERROR;
  }

  char *index_path = NULL;
  int created = 0;
  if (cli_index_path_resolve(index_opt, &index_path) != 0 ||
      cli_index_path_mkdirs(index_path, &created) != 0) {
    free(index_path);
    free(paths);
    return CLI_EXIT_ERROR;
  }
  int status = run(index_path, &wopts, paths, n_paths);
  /* A first run that failed (unknown language, unreadable input) or was
   * interrupted should not leave an empty directory behind; rmdir fails
   * harmlessly if it is not empty. */
  if ((status == CLI_EXIT_ERROR || status > 128) && created) rmdir(index_path);
  free(index_path);
  free(paths);
  return status;

usage:
  free(paths);
  return CLI_EXIT_USAGE;
}
