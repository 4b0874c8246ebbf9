/* cmd_stats.h - `kzsearch stats`: describe the index. */
#ifndef KZ_CLI_CMD_STATS_H
#define KZ_CLI_CMD_STATS_H

/* argv holds the arguments after "stats". @return an exit status, CLI_EXIT_USAGE or CLI_EXIT_HELP. */
int cli_cmd_stats(int argc, char **argv);

#endif /* KZ_CLI_CMD_STATS_H */
