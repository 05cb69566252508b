/* Merkle tree build throughput and transcript proof-of-work time.
 *   build/bench_merkle            (OMP_NUM_THREADS sets the thread count)
 * Prints aligned "name: value unit" lines. Each figure is the best of a few
 * repetitions (the machine is shared); "cpu per hash" is process CPU time
 * (all threads) per SHA-256 call of the build, the per-core cost. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "zkmlops/buf.h"
#include "zkmlops/merkle.h"
#include "zkmlops/status.h"
#include "zkmlops/transcript.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void line(const char *name, double v, const char *unit)
{
    printf("%-44s %12.3f %s\n", name, v, unit);
}

static void bench_build(unsigned log_n, size_t leaf_bytes, int salted, int reps)
{
    size_t n = (size_t)1 << log_n;
    uint8_t *leaves = malloc(n * leaf_bytes);
    if (!leaves) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < n * leaf_bytes; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        leaves[i] = (uint8_t)x;
    }
    uint8_t *salts = NULL;
    if (salted) { /* pre-drawn, so the time is hashing only */
        salts = malloc(n * ZK_SALT_BYTES);
        if (!salts)
            exit(2);
        zk_random_bytes(salts, n * ZK_SALT_BYTES);
    }
    double best = 1e30, best_cpu = 1e30;
    for (int r = 0; r < reps; r++) {
        zk_merkle_tree t;
        double c0 = cpu_s();
        double t0 = now_s();
        if (zk_merkle_build(&t, leaves, n, leaf_bytes, salted, salts) != ZK_OK) {
            fprintf(stderr, "build failed: %s\n", zk_last_error());
            exit(2);
        }
        double dt = now_s() - t0, dc = cpu_s() - c0;
        if (dt < best)
            best = dt;
        if (dc < best_cpu)
            best_cpu = dc;
        zk_merkle_free(&t);
    }
    char name[96];
    snprintf(name, sizeof name, "merkle build 2^%u x %zu B %s time:", log_n, leaf_bytes,
             salted ? "salted" : "plain");
    line(name, best * 1e3, "ms");
    snprintf(name, sizeof name, "merkle build 2^%u x %zu B %s leaf data:", log_n, leaf_bytes,
             salted ? "salted" : "plain");
    line(name, (double)(n * leaf_bytes) / best / 1e6, "MB/s");
    snprintf(name, sizeof name, "merkle build 2^%u x %zu B %s hashes:", log_n, leaf_bytes,
             salted ? "salted" : "plain");
    line(name, (double)(2 * n - 1) / best / 1e6, "M nodes/s");
    /* CPU time summed over threads: per-core cost, less sensitive to other load */
    snprintf(name, sizeof name, "merkle build 2^%u x %zu B %s cpu per hash:", log_n, leaf_bytes,
             salted ? "salted" : "plain");
    line(name, best_cpu / (double)(2 * n - 1) * 1e9, "ns");
    free(salts);
    free(leaves);
}

static void bench_open_verify(unsigned log_n, size_t leaf_bytes, size_t queries)
{
    size_t n = (size_t)1 << log_n;
    uint8_t *leaves = calloc(n, leaf_bytes);
    size_t *idx = malloc(queries * sizeof *idx);
    uint8_t *data = malloc(queries * leaf_bytes);
    if (!leaves || !idx || !data)
        exit(2);
    for (size_t i = 0; i < n * leaf_bytes; i++)
        leaves[i] = (uint8_t)(i * 131 + (i >> 9));
    zk_merkle_tree t;
    if (zk_merkle_build(&t, leaves, n, leaf_bytes, 1, NULL) != ZK_OK)
        exit(2);
    zk_transcript tr;
    zk_transcript_init(&tr, "bench");
    zk_transcript_challenge_indices(&tr, "q", n, idx, queries);
    for (size_t i = 0; i < queries; i++)
        memcpy(data + i * leaf_bytes, leaves + idx[i] * leaf_bytes, leaf_bytes);
    zk_wbuf w;
    zk_wbuf_init(&w);
    double t0 = now_s();
    if (zk_merkle_open(&t, idx, queries, &w) != ZK_OK)
        exit(2);
    double t_open = now_s() - t0;
    double best = 1e30;
    for (int r = 0; r < 5; r++) {
        zk_rbuf in;
        zk_rbuf_init(&in, w.data, w.len);
        t0 = now_s();
        if (zk_merkle_verify(zk_merkle_root(&t), n, leaf_bytes, 1, idx, queries, data, &in) != ZK_OK) {
            fprintf(stderr, "verify failed: %s\n", zk_last_error());
            exit(2);
        }
        double dt = now_s() - t0;
        if (dt < best)
            best = dt;
    }
    char name[96];
    snprintf(name, sizeof name, "merkle open %zu of 2^%u (salted) size:", queries, log_n);
    line(name, (double)w.len / 1024.0, "KiB");
    snprintf(name, sizeof name, "merkle open %zu of 2^%u (salted) time:", queries, log_n);
    line(name, t_open * 1e3, "ms");
    snprintf(name, sizeof name, "merkle verify %zu of 2^%u (salted) time:", queries, log_n);
    line(name, best * 1e3, "ms");
    zk_wbuf_free(&w);
    zk_merkle_free(&t);
    free(data);
    free(idx);
    free(leaves);
}

static void bench_pow(unsigned bits, int reps)
{
    double total = 0, worst = 0;
    for (int r = 0; r < reps; r++) {
        zk_transcript t;
        zk_transcript_init(&t, "bench-pow");
        zk_transcript_absorb_u64(&t, "rep", (uint64_t)r);
        double t0 = now_s();
        uint64_t nonce = zk_transcript_pow_prove(&t, bits);
        double dt = now_s() - t0;
        total += dt;
        if (dt > worst)
            worst = dt;
        (void)nonce;
    }
    char name[96];
    snprintf(name, sizeof name, "transcript pow %u bits mean (%d runs):", bits, reps);
    line(name, total / reps * 1e3, "ms");
    snprintf(name, sizeof name, "transcript pow %u bits worst:", bits);
    line(name, worst * 1e3, "ms");
}

int main(void)
{
    int threads = 1;
#ifdef _OPENMP
    threads = omp_get_max_threads();
#endif
    line("threads:", threads, "");
    bench_build(20, 128, 0, 3);
    bench_build(20, 128, 1, 3);
    bench_build(18, 384, 0, 3);
    bench_build(18, 384, 1, 3);
    bench_open_verify(20, 128, 110);
    bench_pow(16, 20);
    bench_pow(20, 8);
    return 0;
}
