/* cmd_serve.h - `kzsearch serve`: the HTTP JSON API and the search page. */
#ifndef KZ_CLI_CMD_SERVE_H
#define KZ_CLI_CMD_SERVE_H

int cli_cmd_serve(int argc, char **argv);

#endif /* KZ_CLI_CMD_SERVE_H */
