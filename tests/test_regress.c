/* Regression tests for hostile inputs (docs/robustness.md): every fuzz
 * harness of tests/fuzz/ (compiled in here, without libFuzzer) replays
 *   tests/regress/<target>/       inputs that once crashed or misbehaved: each
 *                                 must now be refused (or accepted, for files
 *                                 named accept-*), without a crash, leak or
 *                                 sanitizer report, and with an error message;
 *   tests/fuzz/corpus/<target>/   the seed corpus: each seed must be accepted
 *                                 (parsed, or a valid proof), except refuse-*.
 * Inputs named huge-* declare sizes far over the limits (docs/robustness.md,
 * "Limits"): they must be refused without the process's peak memory growing
 * by more than 64 MiB (getrusage), i.e. before allocating for the declared size.
 * The harnesses abort on any violated invariant (fuzz_util.h). Paths are
 * relative to the repository root (the working directory of make test), or
 * to $ZKM_ROOT. */
#include <dirent.h>
#include <sys/resource.h>

#define ZKM_FUZZ_NO_ENTRY 1
#include "fuzz/fuzz_util.h"

#include "fuzz/fuzz_com.c"
#include "fuzz/fuzz_csv.c"
#include "fuzz/fuzz_public_json.c"
#include "fuzz/fuzz_r1cs.c"
#include "fuzz/fuzz_r1cs_verify.c"
#include "fuzz/fuzz_range_verify.c"
#include "fuzz/fuzz_stats_json.c"
#include "fuzz/fuzz_stats_verify.c"
#include "fuzz/fuzz_sym.c"
#include "fuzz/fuzz_whir_commitment.c"
#include "fuzz/fuzz_whir_verify.c"
#include "fuzz/fuzz_wtns.c"
#include "fuzz/fuzz_zkd.c"
#include "fuzz/fuzz_onnx.c"
#include "fuzz/fuzz_model_com.c"
#include "fuzz/fuzz_model_zkm.c"
#include "fuzz/fuzz_input_json.c"
#include "fuzz/fuzz_cs_verify.c"
#include "fuzz/fuzz_infer_verify.c"
#include "fuzz/fuzz_prep_pipeline.c"
#include "fuzz/fuzz_train_spec.c"
#include "fuzz/fuzz_metrics_spec.c"
#include "fuzz/fuzz_monitor_config.c"
#include "fuzz/fuzz_monitor_log.c"
#include "fuzz/fuzz_monitor_window.c"
#include "fuzz/fuzz_audit_pipeline.c"
#include "fuzz/fuzz_manifest.c"
#include "testutil.h"

typedef struct {
    const char *name;
    int (*fn)(const uint8_t *, size_t);
} regress_target;

static const regress_target targets[] = {
    {"fuzz_csv", zkm_fuzz_csv},
    {"fuzz_com", zkm_fuzz_com},
    {"fuzz_zkd", zkm_fuzz_zkd},
    {"fuzz_range_verify", zkm_fuzz_range_verify},
    {"fuzz_whir_commitment", zkm_fuzz_whir_commitment},
    {"fuzz_whir_verify", zkm_fuzz_whir_verify},
    {"fuzz_stats_json", zkm_fuzz_stats_json},
    {"fuzz_stats_verify", zkm_fuzz_stats_verify},
    {"fuzz_r1cs", zkm_fuzz_r1cs},
    {"fuzz_wtns", zkm_fuzz_wtns},
    {"fuzz_sym", zkm_fuzz_sym},
    {"fuzz_public_json", zkm_fuzz_public_json},
    {"fuzz_r1cs_verify", zkm_fuzz_r1cs_verify},
    {"fuzz_onnx", zkm_fuzz_onnx},
    {"fuzz_model_com", zkm_fuzz_model_com},
    {"fuzz_model_zkm", zkm_fuzz_model_zkm},
    {"fuzz_input_json", zkm_fuzz_input_json},
    {"fuzz_cs_verify", zkm_fuzz_cs_verify},
    {"fuzz_infer_verify", zkm_fuzz_infer_verify},
    {"fuzz_prep_pipeline", zkm_fuzz_prep_pipeline},
    {"fuzz_train_spec", zkm_fuzz_train_spec},
    {"fuzz_metrics_spec", zkm_fuzz_metrics_spec},
    {"fuzz_monitor_config", zkm_fuzz_monitor_config},
    {"fuzz_monitor_log", zkm_fuzz_monitor_log},
    {"fuzz_monitor_window", zkm_fuzz_monitor_window},
    {"fuzz_audit_pipeline", zkm_fuzz_audit_pipeline},
    {"fuzz_manifest", zkm_fuzz_manifest},
};

static const char *repo_root(void)
{
    const char *r = getenv("ZKM_ROOT");
    return r && r[0] ? r : ".";
}

static long peak_rss_kib(void)
{
    struct rusage u;
    assert_int_equal(getrusage(RUSAGE_SELF, &u), 0);
    return u.ru_maxrss;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted regular-file names of dir (caller frees); -1 if dir does not exist. */
static long list_dir(const char *dir, char ***names)
{
    DIR *d = opendir(dir);
    *names = NULL;
    if (!d)
        return -1;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            *names = realloc(*names, cap * sizeof **names);
            assert_non_null(*names);
        }
        (*names)[n] = strdup(e->d_name);
        assert_non_null((*names)[n]);
        n++;
    }
    closedir(d);
    if (n)
        qsort(*names, n, sizeof **names, cmp_names);
    return (long)n;
}

/* Replay every file of dir; a file is expected accepted iff its name starts
 * with accept_prefix (or, if accept_prefix is NULL, iff it does not start
 * with "refuse-"). Returns the number of files, -1 if dir is missing. */
static long replay_dir(const regress_target *t, const char *dir, const char *accept_prefix)
{
    char **names;
    long n = list_dir(dir, &names);
    if (n < 0)
        return -1;
    for (long i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        uint8_t *data;
        size_t len;
        if (zk_read_file(path, (size_t)1 << 30, &data, &len) != ZK_OK)
            fail_msg("%s", zk_last_error());
        int want = accept_prefix ? strncmp(names[i], accept_prefix, strlen(accept_prefix)) == 0
                                 : strncmp(names[i], "refuse-", 7) != 0;
        int huge = strncmp(names[i], "huge-", 5) == 0;
        long rss0 = huge ? peak_rss_kib() : 0;
        int got = t->fn(data, len);
        if (huge && peak_rss_kib() - rss0 > 64 * 1024)
            fail_msg("%s: %s raised the peak memory from %ld to %ld KiB", t->name, path, rss0, peak_rss_kib());
        if (got != want)
            fail_msg("%s: %s %s (last message: %s)", t->name, path, got ? "was accepted, expected refused"
                                                                        : "was refused, expected accepted",
                     zk_last_error());
        free(data);
        free(names[i]);
    }
    free(names);
    return n;
}

static void test_target(void **state)
{
    const regress_target *t = *state;
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", repo_root(), t->name);
    long seeds = replay_dir(t, dir, NULL);
    if (seeds <= 0)
        fail_msg("%s: no seed corpus in %s (run from the repository root or set ZKM_ROOT)", t->name, dir);
    snprintf(dir, sizeof dir, "%s/tests/regress/%s", repo_root(), t->name);
    long reg = replay_dir(t, dir, "accept-");
    printf("# %-22s %3ld seeds as expected, %3ld regression inputs handled\n", t->name, seeds, reg < 0 ? 0 : reg);
}

int main(void)
{
    struct CMUnitTest tests[sizeof targets / sizeof targets[0]];
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        struct CMUnitTest u = {targets[i].name, test_target, NULL, NULL, (void *)(uintptr_t)&targets[i]};
        tests[i] = u;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
