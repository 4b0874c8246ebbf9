/* cmd_check.h - `kzsearch check`: verify the index and list any damage. */
#ifndef KZ_CLI_CMD_CHECK_H
#define KZ_CLI_CMD_CHECK_H

/*
 * argv holds the arguments after "check".
 * @return CLI_EXIT_OK (clean), CLI_EXIT_NONE (damage found), CLI_EXIT_ERROR
 *         (could not check), CLI_EXIT_USAGE or CLI_EXIT_HELP.
 */
int cli_cmd_check(int argc, char **argv);

#endif /* KZ_CLI_CMD_CHECK_H */
