/*
 * report.c - error messages and human-readable numbers for the CLI.
 *
 * Every diagnostic is a single line on stderr starting with "kzsearch: " so
 * that scripts can tell them from results, which only ever go to stdout.
 */
#include "report.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cli_error(const char *fmt, ...) {
  va_list ap;
  fputs("kzsearch: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

void cli_error_kz(const char *context, int status, const kz_error *err) {
  const char *message = err && err->message[0] ? err->message : kz_strerror(status);
  /* The library's messages usually name the file already; saying it twice
   * ("x.jsonl: x.jsonl: No such file") reads like a bug. */
  if (context && context[0] && !strstr(message, context))
    cli_error("%s: %s", context, message);
  else
    cli_error("%s", message);
}

void cli_format_bytes(char *buf, size_t size, uint64_t bytes) {
  static const char *const units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
  if (bytes < 1000) {
    snprintf(buf, size, "%llu B", (unsigned long long)bytes);
    return;
  }
  double v = (double)bytes / 1000.0;
  size_t u = 0;
  while (v >= 1000.0 && u + 1 < sizeof units / sizeof units[0]) {
    v /= 1000.0;
    u++;
  }
  snprintf(buf, size, "%.1f %s", v, units[u]);
}

void cli_format_count(char *buf, size_t size, uint64_t n) {
  char digits[24];
  int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
  size_t out = 0;
  for (int i = 0; i < len && out + 1 < size; i++) {
    if (i > 0 && (len - i) % 3 == 0) {
      buf[out++] = ',';
      if (out + 1 >= size) break;
    }
    buf[out++] = digits[i];
  }
  if (size) buf[out] = 0;
}
