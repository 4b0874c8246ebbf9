/*
 * term.c - terminal detection, the progress line and the clock (see term.h).
 *
 * The progress line is erased by overwriting it with spaces rather than with
 * an escape sequence, so that it also works on terminals without ANSI
 * support; its width is tracked in cli_progress.shown.
 */
#include "term.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "report.h"

int cli_term_isatty(FILE *f) { return isatty(fileno(f)) == 1; }

int cli_color_parse(const char *text, cli_color_mode *out) {
  static const struct {
    const char *name;
    cli_color_mode mode;
  } modes[] = {{"auto", CLI_COLOR_AUTO}, {"always", CLI_COLOR_ALWAYS}, {"never", CLI_COLOR_NEVER}};
  for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
    if (strcmp(text, modes[i].name) == 0) {
      *out = modes[i].mode;
      return 0;
    }
  cli_error("invalid value for --color: '%s' (expected auto, always or never)", text);
  return -1;
}

int cli_term_color(FILE *f, cli_color_mode mode) {
  if (mode == CLI_COLOR_ALWAYS) return 1;
  if (mode == CLI_COLOR_NEVER) return 0;
  const char *no_color = getenv("NO_COLOR");
  if (no_color && no_color[0]) return 0;
  return cli_term_isatty(f);
}

uint64_t cli_clock_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0;
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void cli_progress_init(cli_progress *p, FILE *f) {
  const char *term = getenv("TERM");
  p->f = f;
  p->enabled = cli_term_isatty(f) && !(term && strcmp(term, "dumb") == 0);
  p->shown = 0;
  p->start_ns = cli_clock_ns();
  p->last_ns = p->start_ns;
}

static void draw(cli_progress *p, const char *text) {
  size_t len = strlen(text);
  fputc('\r', p->f);
  fputs(text, p->f);
  /* Pad over whatever a longer previous line left behind. */
  for (size_t i = len; i < p->shown; i++) fputc(' ', p->f);
  if (p->shown > len) {
    fputc('\r', p->f);
    fputs(text, p->f);
  }
  fflush(p->f);
  p->shown = len;
}

void cli_progress_update(cli_progress *p, uint64_t documents, uint64_t bytes) {
  if (!p->enabled) return;
  uint64_t now = cli_clock_ns();
  if (p->shown && now - p->last_ns < 100000000u) return;
  p->last_ns = now;
  double seconds = (double)(now - p->start_ns) / 1e9;
  double mb = (double)bytes / 1e6;
  char line[160];
  snprintf(line, sizeof line, "%llu docs, %.1f MB, %.1f MB/s, %.1f s",
           (unsigned long long)documents, mb, seconds > 0 ? mb / seconds : 0.0, seconds);
  draw(p, line);
}

void cli_progress_status(cli_progress *p, const char *text) {
  if (!p->enabled) return;
  draw(p, text);
}

void cli_progress_merge(void *progress, const kz_merge_event *e) {
  cli_progress *p = progress;
  if (!p->enabled || e->phase != KZ_MERGE_START) return;
  char live[32], deleted[32], line[160];
  cli_format_count(live, sizeof live, e->live_documents);
  cli_format_count(deleted, sizeof deleted, e->documents - e->live_documents);
  if (e->documents > e->live_documents)
    snprintf(line, sizeof line, "merging %llu segments (%s docs, %s deleted left out)...",
             (unsigned long long)e->segments, live, deleted);
  else
    snprintf(line, sizeof line, "merging %llu segments (%s docs)...",
             (unsigned long long)e->segments, live);
  draw(p, line);
}

void cli_progress_clear(cli_progress *p) {
  if (!p->enabled || p->shown == 0) return;
  fputc('\r', p->f);
  for (size_t i = 0; i < p->shown; i++) fputc(' ', p->f);
  fputc('\r', p->f);
  fflush(p->f);
  p->shown = 0;
}
