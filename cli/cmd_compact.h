/* cmd_compact.h - `kzsearch compact`: merge every segment into one. */
#ifndef KZ_CLI_CMD_COMPACT_H
#define KZ_CLI_CMD_COMPACT_H

/* argv holds the arguments after "compact". @return an exit status, CLI_EXIT_USAGE or CLI_EXIT_HELP. */
int cli_cmd_compact(int argc, char **argv);

#endif /* KZ_CLI_CMD_COMPACT_H */
