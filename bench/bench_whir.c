/* bench_whir — WHIR commit / open / verify timings and proof sizes.
 *
 *   build/bench_whir [n ...]        (default: 20 22)
 *
 * For each n and mode (non-hiding, hiding): commit time, open time for one
 * evaluation claim at a random point (plus one extra run with a dense linear
 * claim is NOT included: linear claims cost the verifier O(2^n)), proof bytes,
 * verify time (best of 5), and the bits of security from the calculator.
 * Wall-clock times (CLOCK_MONOTONIC) on whatever cores OpenMP gets. */
#include <stdio.h>
#include <stdlib.h>
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

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int run(uint32_t n, int hiding)
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
    printf("%2u  %-6s  %8.3f  %8.3f  %8.3f  %9zu  %9zu  %8.2f  %6.1f\n", n, hiding ? "hiding" : "plain", t1 - t0,
           t3 - t2, (t1 - t0) + (t3 - t2), proof.len, zk_whir_expected_proof_bytes(&p), best * 1e3,
           rep.total_bits);
    fflush(stdout);
    zk_wbuf_free(&proof);
    zk_whir_witness_free(&wit);
    free(f);
    return 0;
}

int main(int argc, char **argv)
{
    uint32_t ns[16];
    int nn = 0;
    for (int i = 1; i < argc && nn < 16; i++) {
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
    printf("WHIR (rate 1/4, k = 4, JBR 128-bit parameters), one evaluation claim\n");
    printf(" n  mode      commit_s    open_s   total_s  proof_B   expect_B  verify_ms   bits\n");
    for (int i = 0; i < nn; i++)
        for (int h = 0; h < 2; h++)
            if (run(ns[i], h) != 0)
                return 1;
    return 0;
}
