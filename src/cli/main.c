/* zkmlops — command-line entry point: `zkmlops <noun> <verb> [options]`. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "zkmlops/limits.h"
#include "zkmlops/status.h"

#define ZKMLOPS_VERSION "0.1.0"

static int quiet = 0;
static double t_start = 0;

double cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_set_quiet(int q) { quiet = q; }

void cli_progress(const char *stage, const char *fmt, ...)
{
    if (quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[%s] ", stage);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (%.2f s)\n", cli_now() - t_start);
    va_end(ap);
}

int cli_fail(int st)
{
    fprintf(stderr, "zkmlops: %s\n", zk_last_error());
    return zk_exit_code((zk_status)st);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "zkmlops %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry 'zkmlops %s --help'.\n", cmd);
    va_end(ap);
    return 2;
}

char *cli_sibling_path(const char *path, const char *from_ext, const char *to_ext)
{
    size_t n = strlen(path), fe = strlen(from_ext), te = strlen(to_ext);
    char *out = malloc(n + te + 1);
    if (!out)
        return NULL;
    if (n > fe && strcmp(path + n - fe, from_ext) == 0)
        n -= fe;
    memcpy(out, path, n);
    memcpy(out + n, to_ext, te + 1);
    return out;
}

static void usage(FILE *f)
{
    fprintf(f,
            "zkmlops " ZKMLOPS_VERSION " — zero-knowledge proofs for ML operations\n"
            "(transparent, post-quantum: Goldilocks, SHA-256, WHIR, sumcheck)\n\n"
            "Usage: zkmlops <command> <verb> [options]\n\n"
            "Commands (each stage: prove writes a proof and public claims, verify checks them):\n"
            "  audit run|verify|report            the whole lifecycle as one verifiable bundle\n"
            "  data commit DATA.csv -o D.zkd      commit to a CSV dataset (writes D.zkd and D.com)\n"
            "  stats prove|verify                 per-column count, sum, mean, variance\n"
            "  preprocess prove|verify            train/test sets = declared transforms of the data\n"
            "  train prove|verify                 model = declared fixed-point SGD on the train set\n"
            "  eval prove|verify                  accuracy, confusion matrix, F1, fairness, claims\n"
            "  model commit|calibrate|info|check  ONNX import, quantization, model commitment\n"
            "  infer prove|verify                 y = model(x) for a committed hidden model\n"
            "  monitor log|prove|verify|simulate  serving log, chained windows, drift alerts\n"
            "  r1cs info|prove|verify             circom circuits (--prime goldilocks), Spartan over WHIR\n"
            "  params [--vars N] [--json]         WHIR parameters and bits of security per component\n"
            "  limits [--json]                    limits on sizes declared by input files\n\n"
            "Global option (before the command): --limit NAME=VALUE lowers a limit\n"
            "(also ZKMLOPS_LIMITS=NAME=VALUE,...).\n\n"
            "Every command accepts --help. Exit codes: 0 success/valid, 1 proof rejected,\n"
            "2 bad usage or bad input.\n");
}

/* `zkmlops limits [--json]`: the run-time limits on declared sizes (limits.h). */
static int cmd_limits(int argc, char **argv)
{
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("Usage: zkmlops limits [--json]\n\n"
                   "List the limits on sizes that input files may declare (checked before any\n"
                   "allocation): name, effective value, compiled maximum. Lower them with\n"
                   "ZKMLOPS_LIMITS=name=value,... or zkmlops --limit name=value <command>.\n");
            return 0;
        } else
            return cli_usage_error("limits", "unexpected argument '%s'", argv[i]);
    }
    if (json)
        printf("{");
    for (int id = 0; id < ZK_LIMIT_COUNT_; id++) {
        if (json)
            printf("%s\"%s\": {\"value\": %llu, \"max\": %llu}", id ? ", " : "", zk_limit_name((zk_limit_id)id),
                   (unsigned long long)zk_limit((zk_limit_id)id), (unsigned long long)zk_limit_max((zk_limit_id)id));
        else
            printf("%-20s %14llu  (max %llu)  %s\n", zk_limit_name((zk_limit_id)id),
                   (unsigned long long)zk_limit((zk_limit_id)id), (unsigned long long)zk_limit_max((zk_limit_id)id),
                   zk_limit_doc((zk_limit_id)id));
    }
    if (json)
        printf("}\n");
    return 0;
}

int main(int argc, char **argv)
{
    t_start = cli_now();
    if (zk_limits_from_env() != ZK_OK)
        return cli_fail(ZK_ERR_INPUT);
    /* Global options before the command: --limit name=value (repeatable). */
    while (argc >= 2 && (strcmp(argv[1], "--limit") == 0 || strncmp(argv[1], "--limit=", 8) == 0)) {
        const char *a = argv[1][7] == '=' ? argv[1] + 8 : (argc >= 3 ? argv[2] : NULL);
        if (!a)
            return cli_usage_error("--limit", "missing name=value");
        if (zk_limit_set_str(a) != ZK_OK)
            return cli_fail(ZK_ERR_INPUT);
        /* Child processes (the stages `audit` runs) inherit the limit through the environment. */
        const char *old = getenv("ZKMLOPS_LIMITS");
        size_t ol = old ? strlen(old) : 0, al = strlen(a);
        char *env = malloc(ol + al + 2);
        if (!env)
            return cli_fail(zk_set_error(ZK_ERR_NOMEM, "out of memory"));
        if (ol) {
            memcpy(env, old, ol);
            env[ol++] = ',';
        }
        memcpy(env + ol, a, al + 1);
        setenv("ZKMLOPS_LIMITS", env, 1);
        free(env);
        int used = argv[1][7] == '=' ? 1 : 2;
        argv[used] = argv[0];
        argv += used;
        argc -= used;
    }
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0)
            quiet = 1;
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("zkmlops %s\n", ZKMLOPS_VERSION);
        return 0;
    }
    if (strcmp(cmd, "data") == 0)
        return cmd_data(argc - 1, argv + 1);
    if (strcmp(cmd, "stats") == 0)
        return cmd_stats(argc - 1, argv + 1);
    if (strcmp(cmd, "params") == 0)
        return cmd_params(argc - 1, argv + 1);
    if (strcmp(cmd, "limits") == 0)
        return cmd_limits(argc - 1, argv + 1);
    if (strcmp(cmd, "r1cs") == 0)
        return cmd_r1cs(argc - 1, argv + 1);
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } more[] = {{"model", cmd_model},         {"infer", cmd_infer}, {"preprocess", cmd_preprocess},
                {"train", cmd_train},         {"eval", cmd_eval},   {"monitor", cmd_monitor},
                {"audit", cmd_audit}};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        if (strcmp(cmd, more[i].name) == 0)
            return more[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "zkmlops: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return 2;
}
