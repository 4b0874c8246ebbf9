/* cmd_acronyms.h - `kzsearch acronyms`: the acronym definitions found in documents, no index. */
#ifndef KZ_CLI_CMD_ACRONYMS_H
#define KZ_CLI_CMD_ACRONYMS_H

/* argv holds the arguments after "acronyms". @return an exit status, CLI_EXIT_USAGE or CLI_EXIT_HELP. */
int cli_cmd_acronyms(int argc, char **argv);

#endif /* KZ_CLI_CMD_ACRONYMS_H */
