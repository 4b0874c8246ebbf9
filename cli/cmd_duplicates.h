/* cmd_duplicates.h - `kzsearch duplicates`: list the groups of near-duplicate documents. */
#ifndef KZ_CLI_CMD_DUPLICATES_H
#define KZ_CLI_CMD_DUPLICATES_H

/* argv holds the arguments after "duplicates". @return an exit status, CLI_EXIT_USAGE or CLI_EXIT_HELP. */
int cli_cmd_duplicates(int argc, char **argv);

#endif /* KZ_CLI_CMD_DUPLICATES_H */
