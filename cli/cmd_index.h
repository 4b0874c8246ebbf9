/* cmd_index.h - `kzsearch index`: add documents to the index and commit. */
#ifndef KZ_CLI_CMD_INDEX_H
#define KZ_CLI_CMD_INDEX_H

/* argv holds the arguments after "index". @return an exit status or CLI_EXIT_USAGE. */
int cli_cmd_index(int argc, char **argv);

#endif /* KZ_CLI_CMD_INDEX_H */
