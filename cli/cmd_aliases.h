/* cmd_aliases.h - `kzsearch aliases`: list the acronyms learned from the indexed text. */
#ifndef KZ_CLI_CMD_ALIASES_H
#define KZ_CLI_CMD_ALIASES_H

/* argv holds the arguments after "aliases". @return an exit status, CLI_EXIT_USAGE or CLI_EXIT_HELP. */
int cli_cmd_aliases(int argc, char **argv);

#endif /* KZ_CLI_CMD_ALIASES_H */
