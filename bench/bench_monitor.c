/* bench_monitor — monitoring window proofs (monitor.h).
 *
 *   build/bench_monitor [-d FEATURES] [RECORDS ...]     (default: -d 30, 1000 10000)
 *
 * A logistic-regression model FEATURES -> 1 (sigmoid, random weights at 2^12), a training
 * reference from 4096 random standardized rows, and for each RECORDS count a serving log of
 * that many random records (every other with feedback) closed as one window. Prints per
 * window: constraints, log append + window commit seconds, prove seconds (wall and process
 * CPU), proof bytes, verify seconds, security bits, peak RSS. The machine may be shared (load
 * average printed): wall times are noisy; CPU seconds are the sum over threads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "zkmlops/metrics.h"
#include "zkmlops/monitor.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_utime.tv_usec * 1e-6 + (double)u.ru_stime.tv_sec +
           (double)u.ru_stime.tv_usec * 1e-6;
}

static long peak_rss_mb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss / 1024;
}

static int die(const char *what)
{
    fprintf(stderr, "bench_monitor: %s: %s\n", what, zk_last_error());
    return 1;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static double unif(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (double)(rng >> 11) / 9007199254740992.0;
}
static int64_t gauss_fixed(void) /* N(0,1) at 2^12, Box-Muller */
{
    double u = unif(), v = unif();
    if (u < 1e-300)
        u = 1e-300;
    return (int64_t)llround(sqrt(-2 * log(u)) * cos(6.283185307179586 * v) * 4096.0);
}

int main(int argc, char **argv)
{
    uint32_t d = 30;
    uint32_t counts[16], nc = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
            d = (uint32_t)atoi(argv[++i]);
        else if (nc < 16)
            counts[nc++] = (uint32_t)atoi(argv[i]);
    }
    if (nc == 0) {
        counts[nc++] = 1000;
        counts[nc++] = 10000;
    }
    if (d < 1 || d > 256)
        return fprintf(stderr, "bench_monitor: -d 1..256\n"), 2;
    double la[3] = {0, 0, 0};
    if (getloadavg(la, 3) < 0)
        la[0] = -1;
    printf("bench_monitor: %u features, logistic regression; load average %.2f at start (shared machine: wall "
           "times are noisy)\n",
           d, la[0]);
    /* model */
    int64_t *w = malloc(d * sizeof *w), b = 200;
    for (uint32_t j = 0; j < d; j++)
        w[j] = (int64_t)llround((unif() - 0.5) * 2 * 4096.0 / sqrt((double)d));
    uint32_t dims[2] = {d, 1};
    zk_op act[1] = {ZK_OP_SIGMOID};
    const int64_t *ws[1] = {w}, *bs[1] = {&b};
    zk_model m;
    zk_model_private mp;
    if (zk_model_dense(&m, 1, dims, act, 12, ws, bs) != ZK_OK || zk_model_commit(&mp, &m) != ZK_OK)
        return die("model");
    /* reference */
    uint32_t nref = 4096;
    int64_t *xr = malloc((size_t)nref * d * sizeof *xr);
    for (size_t k = 0; k < (size_t)nref * d; k++)
        xr[k] = gauss_fixed();
    zk_monitor_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (zk_monitor_reference_from_rows(&cfg, xr, nref, d, 12) != ZK_OK)
        return die("reference");
    free(xr);
    cfg.psi_above = 0.25;
    cfg.mean_shift_above = 0.5;
    cfg.accuracy_below = 0.8;
    char dir[] = "/tmp/bench_monitor_XXXXXX";
    if (!mkdtemp(dir))
        return fprintf(stderr, "bench_monitor: mkdtemp failed\n"), 1;
    for (uint32_t c = 0; c < nc; c++) {
        uint32_t n = counts[c];
        char logp[256], wz[256], wc[256];
        snprintf(logp, sizeof logp, "%s/log%u.jsonl", dir, c);
        snprintf(wz, sizeof wz, "%s/w%u.zkd", dir, c);
        snprintf(wc, sizeof wc, "%s/w%u.com", dir, c);
        cfg.window_size = n;
        if (zk_monitor_log_create(logp, &mp.com, &cfg) != ZK_OK)
            return die("log create");
        zk_monitor_log log;
        if (zk_monitor_log_load(logp, &log) != ZK_OK)
            return die("log load");
        int64_t *x = malloc((size_t)n * d * sizeof *x), *y = malloc((size_t)n * sizeof *y);
        for (size_t k = 0; k < (size_t)n * d; k++)
            x[k] = gauss_fixed();
        if (zk_model_run_fx(&m, x, n, y) != ZK_OK)
            return die("run");
        double t0 = now();
        if (zk_monitor_log_append(logp, &log, x, y, n, 1700000000, NULL) != ZK_OK)
            return die("append");
        for (uint32_t i = 0; i < n; i += 2)
            if (zk_monitor_log_feedback(logp, &log, i, (uint32_t)(unif() < 0.9 ? y[i] >= 2048 : y[i] < 2048),
                                        1700000001) != ZK_OK)
                return die("feedback");
        double t_log = now() - t0;
        t0 = now();
        if (zk_monitor_log_close_window(logp, &log, wz, 0, NULL) != ZK_OK)
            return die("close window");
        double t_commit = now() - t0;
        zk_monitor_log_free(&log);
        zk_monitor_window_private wp;
        zk_monitor_window_commitment wcom;
        if (zk_monitor_window_private_load(wz, &wp) != ZK_OK || zk_monitor_window_commitment_load(wc, &wcom) != ZK_OK)
            return die("window load");
        zk_monitor_stats s;
        if (zk_monitor_stats_compute(&s, &wp, &m, &cfg) != ZK_OK)
            return die("stats");
        if (zk_dataset_reserve_opening(&wp.priv) != ZK_OK || zk_model_reserve_opening(&mp) != ZK_OK)
            return die("reserve");
        zk_wbuf proof;
        zk_wbuf_init(&proof);
        double c0 = cpu();
        t0 = now();
        if (zk_monitor_prove(&mp, &wp, &cfg, &s, &proof) != ZK_OK)
            return die("prove");
        double t_prove = now() - t0, c_prove = cpu() - c0;
        uint32_t cons, wires;
        zk_monitor_last_shape(&cons, &wires);
        zk_spartan_security sec;
        t0 = now();
        if (zk_monitor_verify(&mp.com, &wcom, &cfg, &s, proof.data, proof.len, &sec) != ZK_OK)
            return die("verify");
        double t_ver = now() - t0;
        zk_monitor_report r;
        if (zk_monitor_evaluate(&r, &s, &cfg) != ZK_OK)
            return die("evaluate");
        printf("window %5u records: constraints %9u  wires %9u  log %.2f s  window commit %.2f s  alerts %u\n", n,
               cons, wires, t_log, t_commit, r.n_alerts);
        printf("window %5u records: prove %.2f s wall (%.2f s CPU)  proof %zu bytes  verify %.2f s  security %.1f bits"
               "  peak RSS %ld MB\n",
               n, t_prove, c_prove, proof.len, t_ver, sec.security_bits, peak_rss_mb());
        fflush(stdout);
        zk_monitor_report_free(&r);
        zk_wbuf_free(&proof);
        zk_monitor_stats_free(&s);
        zk_monitor_window_private_free(&wp);
        zk_monitor_window_commitment_free(&wcom);
        free(x);
        free(y);
        remove(logp);
        remove(wz);
        remove(wc);
    }
    rmdir(dir);
    zk_monitor_config_free(&cfg);
    zk_model_private_free(&mp);
    zk_model_free(&m);
    free(w);
    return 0;
}
