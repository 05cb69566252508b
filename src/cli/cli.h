/* Shared helpers of the zkmlops command-line front end. */
#ifndef ZKMLOPS_CLI_H
#define ZKMLOPS_CLI_H

#include <stddef.h>
#include <stdint.h>

/* Each subcommand: argc/argv start at the subcommand verb; returns the exit code. */
int cmd_data(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_params(int argc, char **argv);
int cmd_r1cs(int argc, char **argv);
int cmd_model(int argc, char **argv);      /* cmd_model.c: model commit|calibrate|info */
int cmd_infer(int argc, char **argv);      /* cmd_infer.c: infer prove|verify */
int cmd_preprocess(int argc, char **argv); /* cmd_preprocess.c */
int cmd_train(int argc, char **argv);      /* cmd_train.c */
int cmd_eval(int argc, char **argv);       /* cmd_eval.c */
int cmd_monitor(int argc, char **argv);    /* cmd_monitor.c */
int cmd_audit(int argc, char **argv);      /* cmd_audit.c: audit run|verify|report */

/* Print "zkmlops: <msg>" to stderr and return exit code for st. */
int cli_fail(int st);
/* Usage error: print message and hint, return 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Progress line on stderr ("[stage] message (elapsed s)") unless quiet. */
void cli_progress(const char *stage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cli_set_quiet(int q);
double cli_now(void);
/* "path/x.zkd" -> "path/x.com" (replace a final .zkd, else append .com); caller frees. */
char *cli_sibling_path(const char *path, const char *from_ext, const char *to_ext);

#endif
