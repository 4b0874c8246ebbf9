/*
 * report.h - exit codes and the one way the CLI talks about problems:
 * every message goes to stderr, one line, prefixed "kzsearch: ".
 */
#ifndef KZ_CLI_REPORT_H
#define KZ_CLI_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "kzsearch.h"

/* Exit statuses (grep convention). */
#define CLI_EXIT_OK 0      /* success; search: something matched */
#define CLI_EXIT_NONE 1    /* search: nothing matched; index: records were skipped */
#define CLI_EXIT_ERROR 2   /* any error */
/* Returned by a command (never by the program): a usage error whose message
 * has been printed; main adds the command's usage lines and exits
 * CLI_EXIT_ERROR. */
#define CLI_EXIT_USAGE (-1)
/* Returned by a command given -h/--help: main prints that command's help
 * (commands.c) on stdout and exits CLI_EXIT_OK. */
#define CLI_EXIT_HELP (-2)

/* Prints "kzsearch: <formatted message>\n" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Prints "kzsearch: [context: ]<message>" for a failed library call, taking
 * the message from `err` or, when the library left it empty, the status name.
 * The context is left out when the message already names it.
 */
void cli_error_kz(const char *context, int status, const kz_error *err);

/* Formats a byte count in decimal units ("512 B", "19.0 MB") into buf. */
void cli_format_bytes(char *buf, size_t size, uint64_t bytes);

/* Formats a count with thousands separators ("123,456") into buf. */
void cli_format_count(char *buf, size_t size, uint64_t n);

#endif /* KZ_CLI_REPORT_H */
