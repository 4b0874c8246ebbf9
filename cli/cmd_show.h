/* cmd_show.h - `kzsearch show`: print one stored article by its id. */
#ifndef KZ_CLI_CMD_SHOW_H
#define KZ_CLI_CMD_SHOW_H

/* argv holds the arguments after "show". @return an exit status, CLI_EXIT_USAGE or CLI_EXIT_HELP. */
int cli_cmd_show(int argc, char **argv);

#endif /* KZ_CLI_CMD_SHOW_H */
