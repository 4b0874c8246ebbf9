/* cmd_upgrade.h - `kzsearch upgrade`: rebuild an index of an older format as the current one. */
#ifndef KZ_CLI_CMD_UPGRADE_H
#define KZ_CLI_CMD_UPGRADE_H

/* argv holds the arguments after "upgrade". @return an exit status, CLI_EXIT_USAGE or CLI_EXIT_HELP. */
int cli_cmd_upgrade(int argc, char **argv);

#endif /* KZ_CLI_CMD_UPGRADE_H */
