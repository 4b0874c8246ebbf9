/* cmd_eval.h - `kzsearch eval`: measure ranking quality on judged queries. */
#ifndef KZ_CLI_CMD_EVAL_H
#define KZ_CLI_CMD_EVAL_H

/* argv holds the arguments after "eval". @return an exit status, CLI_EXIT_USAGE or CLI_EXIT_HELP. */
int cli_cmd_eval(int argc, char **argv);

#endif /* KZ_CLI_CMD_EVAL_H */
