/* bench_field — Goldilocks / Goldilocks^3 multiplication throughput and NTT /
 * Reed–Solomon timings. Standalone (no cmocka). Every timing is the best of
 * BENCH_REPS runs; NTT lines state the OpenMP thread count (OMP_NUM_THREADS).
 * Output: one aligned "name: value unit" line per measurement. */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zkmlops/field.h"
#include "zkmlops/ntt.h"

#define BENCH_REPS 5
#define MUL_ITERS 20000000ull

static volatile uint64_t g_sink;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void report(const char *name, double value, const char *unit)
{
    printf("%-38s %10.3f %s\n", name, value, unit);
    fflush(stdout);
}

static void report_text(const char *name, const char *value)
{
    printf("%-38s %10s\n", name, value);
    fflush(stdout);
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static gl_t rand_gl(uint64_t *s)
{
    uint64_t v;
    do
        v = xorshift(s);
    while (v >= GL_P);
    return v;
}

/* x <- x * y, each step depending on the last: multiplication latency. */
static double bench_mul_chain(void)
{
    double best = 1e30;
    for (int r = 0; r < BENCH_REPS; r++) {
        gl_t x = 0x123456789abcdefULL + (gl_t)r, y = 0xfedcba987654321ULL;
        double t0 = now_s();
        for (uint64_t i = 0; i < MUL_ITERS; i++)
            x = gl_mul(x, y);
        double t = now_s() - t0;
        g_sink ^= x;
        if (t < best)
            best = t;
    }
    return (double)MUL_ITERS / best;
}

/* 8 independent chains: multiplication throughput. */
static double bench_mul_8chains(void)
{
    double best = 1e30;
    for (int r = 0; r < BENCH_REPS; r++) {
        gl_t x[8], y[8];
        for (int k = 0; k < 8; k++) {
            x[k] = 0x1234567ULL * (gl_t)(k + 1) + (gl_t)r;
            y[k] = 0xfedcba987654321ULL - (gl_t)k;
        }
        double t0 = now_s();
        for (uint64_t i = 0; i < MUL_ITERS / 8; i++)
            for (int k = 0; k < 8; k++)
                x[k] = gl_mul(x[k], y[k]);
        double t = now_s() - t0;
        for (int k = 0; k < 8; k++)
            g_sink ^= x[k];
        if (t < best)
            best = t;
    }
    return (double)(MUL_ITERS / 8 * 8) / best;
}

/* Extension multiplications, 4 independent chains. */
static double bench_gl3_mul(void)
{
    const uint64_t iters = MUL_ITERS / 8;
    double best = 1e30;
    for (int r = 0; r < BENCH_REPS; r++) {
        gl3_t x[4], y = {{3, 0x1234567890ULL, 0xabcdef0123ULL}};
        for (int k = 0; k < 4; k++)
            x[k] = (gl3_t){{(gl_t)(k + 1 + r), 7, 0x55555555ULL}};
        double t0 = now_s();
        for (uint64_t i = 0; i < iters / 4; i++)
            for (int k = 0; k < 4; k++)
                x[k] = gl3_mul(x[k], y);
        double t = now_s() - t0;
        for (int k = 0; k < 4; k++)
            g_sink ^= x[k].c[0] ^ x[k].c[1] ^ x[k].c[2];
        if (t < best)
            best = t;
    }
    return (double)(iters / 4 * 4) / best;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_field: %s failed\n", what);
    exit(1);
}

/* Best-of-BENCH_REPS time in ms of a forward NTT of 2^log_n elements of width w (1 or 3). */
static double bench_ntt(unsigned log_n, int w)
{
    size_t n = (size_t)1 << log_n;
    gl_t *a = malloc(n * (size_t)w * sizeof *a);
    if (!a)
        die("malloc");
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < n * (size_t)w; i++)
        a[i] = rand_gl(&s);
    double best = 1e30;
    for (int r = 0; r <= BENCH_REPS; r++) { /* run 0 warms up tables and pages */
        double t0 = now_s();
        int rc = w == 1 ? zk_ntt(a, log_n) : zk_ntt_gl3((gl3_t *)(void *)a, log_n);
        double t = now_s() - t0;
        if (rc != 0)
            die("zk_ntt");
        if (r > 0 && t < best)
            best = t;
    }
    g_sink ^= a[n / 3];
    free(a);
    return best * 1e3;
}

static double bench_rs(unsigned log_k, unsigned log_b)
{
    size_t k = (size_t)1 << log_k, n = k << log_b;
    gl_t *c = malloc(k * sizeof *c), *out = malloc(n * sizeof *out);
    if (!c || !out)
        die("malloc");
    uint64_t s = 0x2545f4914f6cdd1dULL;
    for (size_t i = 0; i < k; i++)
        c[i] = rand_gl(&s);
    double best = 1e30;
    for (int r = 0; r <= BENCH_REPS; r++) {
        double t0 = now_s();
        if (zk_rs_encode(out, c, log_k, log_b) != 0)
            die("zk_rs_encode");
        double t = now_s() - t0;
        if (r > 0 && t < best)
            best = t;
    }
    g_sink ^= out[n / 5];
    free(c);
    free(out);
    return best * 1e3;
}

int main(void)
{
    int threads = omp_get_max_threads();
    char name[64];
    char buf[32];
    snprintf(buf, sizeof buf, "%d", threads);
    report_text("OpenMP threads:", buf);
    const char *port = getenv("ZKM_NTT_PORTABLE");
    int portable = port && port[0] && strcmp(port, "0") != 0;
#if defined(__x86_64__) && defined(__GNUC__)
    int avx512 = __builtin_cpu_supports("avx512f");
#else
    int avx512 = 0;
#endif
    report_text("NTT kernels:", portable || !avx512 ? "portable" : "avx512");
    report("gl_mul latency chain:", bench_mul_chain() / 1e6, "M mul/s");
    report("gl_mul 8 independent chains:", bench_mul_8chains() / 1e6, "M mul/s");
    report("gl3_mul (4 chains):", bench_gl3_mul() / 1e6, "M mul/s");
    snprintf(name, sizeof name, "NTT 2^20 base, %d thr:", threads);
    report(name, bench_ntt(20, 1), "ms");
    snprintf(name, sizeof name, "NTT 2^20 gl3, %d thr:", threads);
    report(name, bench_ntt(20, 3), "ms");
    snprintf(name, sizeof name, "NTT 2^22 base, %d thr:", threads);
    report(name, bench_ntt(22, 1), "ms");
    snprintf(name, sizeof name, "RS encode 2^20 -> 2^22, %d thr:", threads);
    report(name, bench_rs(20, 2), "ms");
    if (threads > 1) { /* single-thread figures: robust to a loaded machine */
        omp_set_num_threads(1);
        report("NTT 2^20 base, 1 thr:", bench_ntt(20, 1), "ms");
        report("NTT 2^20 gl3, 1 thr:", bench_ntt(20, 3), "ms");
        report("NTT 2^22 base, 1 thr:", bench_ntt(22, 1), "ms");
        report("RS encode 2^20 -> 2^22, 1 thr:", bench_rs(20, 2), "ms");
    }
    return g_sink == 42 ? 1 : 0; /* keep the sink alive */
}
