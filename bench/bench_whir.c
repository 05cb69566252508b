/* bench_whir — WHIR commit / open / verify timings and proof sizes.
 *
 *   build/bench_whir [-r REPS] [n ...]        (default: -r 3, n = 20 22)
 *
 * For each n and mode (non-hiding, hiding): commit time and open time for one
 * evaluation claim at a random point (dense linear claims are not included:
 * they cost the verifier O(2^n)), proof bytes, verify time (best of 5), and
 * the bits of security from the calculator. Each configuration runs REPS
 * times (fresh commitment each time); the row reports the run with the least
 * commit+open wall time, and that run's process CPU time. Wall-clock times
 * (CLOCK_MONOTONIC) on whatever cores OpenMP gets; the load average at start
 * is printed because the machine may be shared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zkmlops/mle.h"
#include "zkmlops/params.h"
#include "zkmlops/status.h"
#include "zkmlops/whir.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct {
    double commit, open, cpu, verify;
    size_t bytes;
} result;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int run_once(uint32_t n, int hiding, result *res)
{
    zk_whir_params p;
    if (zk_whir_params_derive(&p, n, hiding) != ZK_OK) {
        fprintf(stderr, "derive: %s\n", zk_last_error());
        return 1;
    }
    zk_soundness_report rep;
    zk_soundness_report_compute(&rep, &p);
    size_t nn = (size_t)1 << n;
    gl_t *f = malloc(nn * sizeof *f);
    if (!f)
        return 1;
    uint64_t s = 0x5eed + n;
    for (size_t i = 0; i < nn; i++)
        f[i] = splitmix(&s) % GL_P;
    gl3_t z[ZK_WHIR_MAX_VARS];
    for (uint32_t i = 0; i < n; i++) {
        z[i].c[0] = splitmix(&s) % GL_P;
        z[i].c[1] = splitmix(&s) % GL_P;
        z[i].c[2] = splitmix(&s) % GL_P;
    }
    zk_whir_claim c = {ZK_CLAIM_POINT, z, NULL, zk_mle_eval_gl(f, n, z)};

    zk_whir_commitment com;
    zk_whir_witness wit;
    double c0 = cpu_now();
    double t0 = now();
    if (zk_whir_commit(&p, f, NULL, &com, &wit) != ZK_OK) {
        fprintf(stderr, "commit: %s\n", zk_last_error());
        return 1;
    }
    double t1 = now();
    zk_transcript t;
    zk_transcript_init(&t, "bench_whir");
    zk_whir_commitment_absorb(&t, &com);
    zk_wbuf proof;
    zk_wbuf_init(&proof);
    double t2 = now();
    if (zk_whir_open(&wit, &com, &c, 1, &t, &proof) != ZK_OK) {
        fprintf(stderr, "open: %s\n", zk_last_error());
        return 1;
    }
    double t3 = now();
    double c1 = cpu_now();
    double best = 1e9;
    for (int r = 0; r < 5; r++) {
        zk_transcript_init(&t, "bench_whir");
        zk_whir_commitment_absorb(&t, &com);
        zk_rbuf rb;
        zk_rbuf_init(&rb, proof.data, proof.len);
        double a = now();
        int st = zk_whir_verify(&com, &c, 1, &t, &rb);
        double b = now();
        if (st != ZK_OK || zk_rbuf_left(&rb) != 0) {
            fprintf(stderr, "verify failed: %s\n", zk_last_error());
            return 1;
        }
        if (b - a < best)
            best = b - a;
    }
    res->commit = t1 - t0;
    res->open = t3 - t2;
    res->cpu = c1 - c0;
    res->verify = best;
    res->bytes = proof.len;
    (void)rep;
    zk_wbuf_free(&proof);
    zk_whir_witness_free(&wit);
    free(f);
    return 0;
}

static int run(uint32_t n, int hiding, int reps)
{
    result best = {0}, r;
    for (int i = 0; i < reps; i++) {
        if (run_once(n, hiding, &r) != 0)
            return 1;
        if (i == 0 || r.commit + r.open < best.commit + best.open)
            best = r;
        if (r.verify < best.verify)
            best.verify = r.verify;
    }
    zk_whir_params p;
    zk_soundness_report rep;
    if (zk_whir_params_derive(&p, n, hiding) != ZK_OK)
        return 1;
    zk_soundness_report_compute(&rep, &p);
    printf("%2u  %-6s  %8.3f  %8.3f  %8.3f  %7.2f  %9zu  %9zu  %8.2f  %6.1f\n", n, hiding ? "hiding" : "plain",
           best.commit, best.open, best.commit + best.open, best.cpu, best.bytes, zk_whir_expected_proof_bytes(&p),
           best.verify * 1e3, rep.total_bits);
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t ns[16];
    int nn = 0, reps = 3;
    for (int i = 1; i < argc && nn < 16; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc) {
            reps = atoi(argv[++i]);
            if (reps < 1 || reps > 100) {
                fprintf(stderr, "bench_whir: -r wants 1..100\n");
                return 2;
            }
            continue;
        }
        long v = strtol(argv[i], NULL, 10);
        if (v < 1 || v > ZK_WHIR_MAX_VARS - 1) {
            fprintf(stderr, "usage: bench_whir [n ...] (1 <= n <= %d)\n", ZK_WHIR_MAX_VARS - 1);
            return 2;
        }
        ns[nn++] = (uint32_t)v;
    }
    if (nn == 0) {
        ns[0] = 20;
        ns[1] = 22;
        nn = 2;
    }
    double la[3] = {0, 0, 0};
    if (getloadavg(la, 3) < 0)
        la[0] = -1;
    printf("WHIR (rate 1/4, k = 4, JBR 128-bit parameters), one evaluation claim; best of %d runs; load average %.2f\n",
           reps, la[0]);
    printf(" n  mode      commit_s    open_s   total_s    cpu_s    proof_B   expect_B  verify_ms   bits\n");
    for (int i = 0; i < nn; i++)
        for (int h = 0; h < 2; h++)
            if (run(ns[i], h, reps) != 0)
                return 1;
    return 0;
}
