/*
 * search_opts.h - ranking options given as one string in the CLI's syntax,
 * e.g. "--and" or "--bm25-k1 0.9 --bm25-b 0.4": what `kzsearch eval
 * --compare OPTIONS` runs as its second configuration, and what the bench
 * adapter (bench/peer/kzsearch_peer.c, which compiles this file too) reads
 * from KZ_PEER_OPTS. Ranking options that concern every search belong here,
 * so that both can run them.
 */
#ifndef KZ_CLI_SEARCH_OPTS_H
#define KZ_CLI_SEARCH_OPTS_H

#include <stddef.h>

#include "kzsearch.h"

/* The options this parser knows, for help texts and error messages. */
#define CLI_SEARCH_OPTS_KNOWN "--and, --no-collapse, --bm25-k1 X, --bm25-b X"

/*
 * Applies the whitespace-separated options in `text` to *opts (other fields
 * are left alone). On an unknown option or a bad value, writes a one-line
 * message to msg[0..msg_size) and leaves *opts unchanged.
 * @return 0, or -1.
 */
int cli_search_opts_parse(const char *text, kz_search_options *opts, char *msg, size_t msg_size);

/*
 * The values of --sort (score, date, date:asc) and --facet (date:day,
 * date:month, date:year), shared by `kzsearch search` and the HTTP API's
 * sort and facet parameters. On a bad value, writes a one-line message that
 * names the accepted ones. @return 0, or -1.
 */
int cli_sort_parse(const char *text, int *sort, char *msg, size_t msg_size);
int cli_facet_parse(const char *text, int *facet, char *msg, size_t msg_size);

#endif /* KZ_CLI_SEARCH_OPTS_H */
