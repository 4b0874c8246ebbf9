/*
 * term.h - what the CLI may do to a terminal: highlight matches, draw a live
 * progress line, and time things.
 *
 * Highlighting follows --color=WHEN as ripgrep's does: "auto" (the default)
 * highlights only when stdout is a terminal and NO_COLOR is unset or empty
 * (https://no-color.org); "always" highlights even into a pipe (for
 * `less -R`), whatever NO_COLOR says, since the user asked explicitly;
 * "never" does not. The progress line is drawn only when its
 * stream is a terminal that is not TERM=dumb, so pipes and logs never see
 * carriage returns.
 */
#ifndef KZ_CLI_TERM_H
#define KZ_CLI_TERM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kzsearch.h"

#define CLI_BOLD "\033[1m"
#define CLI_RESET "\033[0m"

/* @return non-zero when `f` is a terminal. */
int cli_term_isatty(FILE *f);

/* The values of --color. */
typedef enum cli_color_mode {
  CLI_COLOR_AUTO = 0,
  CLI_COLOR_ALWAYS,
  CLI_COLOR_NEVER
} cli_color_mode;

/*
 * Parses the WHEN of --color=WHEN: "auto", "always" or "never".
 * @return 0, or -1 after printing an error that names the three.
 */
int cli_color_parse(const char *text, cli_color_mode *out);

/* @return non-zero when ANSI highlighting may be written to `f` in this mode. */
int cli_term_color(FILE *f, cli_color_mode mode);

/* @return nanoseconds on the monotonic clock (CLOCK_MONOTONIC). */
uint64_t cli_clock_ns(void);

/* A progress line, overwritten in place with '\r', at most ten times a second. */
typedef struct cli_progress {
  FILE *f;
  int enabled;
  size_t shown;      /* width of the line on screen; 0 = nothing shown */
  uint64_t start_ns; /* when the work began */
  uint64_t last_ns;  /* when the line was last drawn */
} cli_progress;

/* Starts timing; the line is drawn only when `f` is a suitable terminal. */
void cli_progress_init(cli_progress *p, FILE *f);

/* Redraws "N docs, X MB, Y MB/s, Z s" unless drawn less than 100 ms ago. */
void cli_progress_update(cli_progress *p, uint64_t documents, uint64_t bytes);

/* Replaces the line with a fixed text (for example "committing..."). */
void cli_progress_status(cli_progress *p, const char *text);

/*
 * A kz_merge_progress_fn for kz_writer_options (ctx: a cli_progress): shows
 * "merging N segments (D docs)..." when a merge starts (the line stays until
 * the next one or until cleared: merges report no progress in between).
 */
void cli_progress_merge(void *progress, const kz_merge_event *event);

/* Erases the line so that the next message starts in column 0 of a clean line. */
void cli_progress_clear(cli_progress *p);

#endif /* KZ_CLI_TERM_H */
