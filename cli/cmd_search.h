/* cmd_search.h - `kzsearch [search]`: run a query and print hits, JSON or a count. */
#ifndef KZ_CLI_CMD_SEARCH_H
#define KZ_CLI_CMD_SEARCH_H

/* argv holds the arguments after "search" (or all of them for the bare form).
 * @return an exit status, CLI_EXIT_USAGE or CLI_EXIT_HELP. */
int cli_cmd_search(int argc, char **argv);

#endif /* KZ_CLI_CMD_SEARCH_H */
