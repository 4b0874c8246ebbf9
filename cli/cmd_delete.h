/* cmd_delete.h - `kzsearch delete`: remove documents by id. */
#ifndef KZ_CLI_CMD_DELETE_H
#define KZ_CLI_CMD_DELETE_H

/* argv holds the arguments after "delete". @return an exit status, CLI_EXIT_USAGE or CLI_EXIT_HELP. */
int cli_cmd_delete(int argc, char **argv);

#endif /* KZ_CLI_CMD_DELETE_H */
