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

/* The ranking options of kz_search_options version 3, as `kzsearch search` takes them. */
#define CLI_RANK_OPTS_KNOWN                                                                 \
  "--title-weight W, --rm3, --rm3-docs N, --rm3-terms N, --rm3-weight X, --proximity, " \
  "--recency SCALE, --recency-decay exp|gauss"

/* The options this parser knows, for help texts and error messages. */
#define CLI_SEARCH_OPTS_KNOWN                                                                    \
  "--and, --exact, --no-expand, --no-collapse, --bm25-k1 X, --bm25-b X, --max-expansions N, " \
  CLI_RANK_OPTS_KNOWN

/*
 * Applies the whitespace-separated options in `text` to *opts (other fields
 * are left alone). On an unknown option or a bad value, writes a one-line
 * message to msg[0..msg_size) and leaves *opts unchanged.
 * @return 0, or -1.
 */
int cli_search_opts_parse(const char *text, kz_search_options *opts, char *msg, size_t msg_size);

/*
 * Whether `name` (without the leading "--") is a ranking option:
 * title-weight, rm3, rm3-docs, rm3-terms, rm3-weight, proximity, recency,
 * recency-decay, now. @return 1 when it takes a value, 0 for a flag, -1
 * when it is none.
 */
int cli_rank_opt_kind(const char *name);

/*
 * Applies ranking option `name` with its value to *opts: NULL, "", "true"
 * or "1" turn a flag on, "false" or "0" off (the HTTP API's booleans).
 * --recency takes a scale such as 30d, 12h, 2w, 1y (a bare number is days);
 * --now keeps the `value` pointer, which must outlive the search. On a bad
 * value, writes a one-line message and leaves *opts unchanged. @return 0, or -1.
 */
int cli_rank_opt_apply(const char *name, const char *value, kz_search_options *opts, char *msg,
                       size_t msg_size);

/*
 * The values of --sort (score, date, date:asc) and --facet (date:day,
 * date:month, date:year), shared by `kzsearch search` and the HTTP API's
 * sort and facet parameters. On a bad value, writes a one-line message that
 * names the accepted ones. @return 0, or -1.
 */
int cli_sort_parse(const char *text, int *sort, char *msg, size_t msg_size);
int cli_facet_parse(const char *text, int *facet, char *msg, size_t msg_size);

/*
 * The value of --max-expansions (the HTTP API's max_expansions): a whole
 * number from 1 to 100000, the terms a fuzzy word may expand to. Sets
 * opts->max_expansions. @return 0, or -1 with a one-line message.
 */
int cli_max_expansions_parse(const char *text, kz_search_options *opts, char *msg, size_t msg_size);

#endif /* KZ_CLI_SEARCH_OPTS_H */
