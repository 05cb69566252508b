/*
 * bench_sumcheck — prover / verifier times of the sumcheck engine.
 *   build/bench_sumcheck [n_vars] [threads]      (defaults: 20, OpenMP default)
 * Prints one line per configuration: wall-clock milliseconds (best of 3).
 */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zkmlops/mle.h"
#include "zkmlops/status.h"
#include "zkmlops/sumcheck.h"
#include "zkmlops/transcript.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t bench_state = 0x1234567;
static gl_t bench_gl(void)
{
    bench_state ^= bench_state << 13;
    bench_state ^= bench_state >> 7;
    bench_state ^= bench_state << 17;
    return gl_from_u64(bench_state);
}

typedef enum { PLAIN, ZK, ZEROCHECK } mode;

static void run(const char *name, const zk_sc_instance *in, mode md, int reps)
{
    gl3_t claim = md == ZEROCHECK ? gl3_zero() : zk_sc_sum_bruteforce(in);
    unsigned d = zk_sc_degree(in);
    size_t n = in->n_vars;
    gl3_t *r = malloc(n * sizeof *r), *tau = malloc(n * sizeof *tau), evals[ZK_SC_MAX_TABLES], g_r;
    zk_libra_mask m;
    if (!r || !tau || zk_libra_mask_init(&m, n, d) != ZK_OK) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    double best_p = 1e30, best_v = 1e30;
    size_t bytes = 0;
    for (int rep = 0; rep < reps; rep++) {
        zk_transcript t, tv;
        zk_transcript_init(&t, "bench");
        tv = t;
        zk_wbuf w;
        zk_wbuf_init(&w);
        double t0 = now_ms();
        int rc = md == PLAIN ? zk_sumcheck_prove(in, claim, &t, &w, r, evals)
                 : md == ZK  ? zk_sumcheck_prove_zk(in, claim, &m, &t, &w, r, evals, &g_r)
                             : zk_zerocheck_prove(in, &t, &w, tau, r, evals);
        double t1 = now_ms();
        zk_rbuf rb;
        zk_rbuf_init(&rb, w.data, w.len);
        gl3_t fin, rho;
        int vc = md == PLAIN ? zk_sumcheck_verify(n, d, claim, &tv, &rb, r, &fin)
                 : md == ZK  ? zk_sumcheck_verify_zk(n, d, claim, &tv, &rb, r, &fin, &rho)
                             : zk_zerocheck_verify(n, d, &tv, &rb, tau, r, &fin);
        double t2 = now_ms();
        if (rc != ZK_OK || vc != ZK_OK) {
            fprintf(stderr, "%s: failed: %s\n", name, zk_last_error());
            exit(1);
        }
        if (t1 - t0 < best_p)
            best_p = t1 - t0;
        if (t2 - t1 < best_v)
            best_v = t2 - t1;
        bytes = w.len;
        zk_wbuf_free(&w);
    }
    printf("%-44s n=%zu threads=%d  prove %9.2f ms  verify %6.3f ms  proof %zu B\n", name, n,
           omp_get_max_threads(), best_p, best_v, bytes);
    zk_libra_mask_free(&m);
    free(r);
    free(tau);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atoi(argv[1]) : 20;
    if (argc > 2)
        omp_set_num_threads(atoi(argv[2]));
    size_t len = (size_t)1 << n;
    gl_t *a = malloc(len * sizeof *a), *b = malloc(len * sizeof *b), *c = malloc(len * sizeof *c);
    gl3_t *e = malloc(len * sizeof *e), *eq = malloc(len * sizeof *eq), *pt = malloc(n * sizeof *pt);
    if (!a || !b || !c || !e || !eq || !pt)
        return 2;
    for (size_t i = 0; i < len; i++) {
        a[i] = bench_gl();
        b[i] = bench_gl();
        c[i] = gl_mul(a[i], b[i]);
        e[i] = (gl3_t){{bench_gl(), bench_gl(), bench_gl()}};
    }
    for (size_t i = 0; i < n; i++)
        pt[i] = (gl3_t){{bench_gl(), bench_gl(), bench_gl()}};

    double t0 = now_ms();
    zk_eq_table(eq, pt, n);
    double t1 = now_ms();
    gl3_t v = zk_mle_eval_gl(a, n, pt);
    double t2 = now_ms();
    v = gl3_add(v, zk_mle_eval_gl3(e, n, pt));
    double t3 = now_ms();
    printf("eq table 2^%zu: %.2f ms; MLE eval base: %.2f ms; MLE eval ext: %.2f ms (%llu)\n", n, t1 - t0,
           t2 - t1, t3 - t2, (unsigned long long)(v.c[0] & 1));

    zk_sc_instance in;
    memset(&in, 0, sizeof in);
    in.n_vars = n;
    in.n_tables = 3;
    in.base[0] = a;
    in.base[1] = b;
    in.base[2] = c;
    in.n_terms = 1;
    in.terms[0] = (zk_sc_term){gl3_one(), 2, {0, 1, 0, 0}};
    run("base a*b (degree 2)", &in, PLAIN, 3);
    in.terms[0] = (zk_sc_term){gl3_one(), 3, {0, 1, 2, 0}};
    run("base a*b*c (degree 3)", &in, PLAIN, 3);
    run("base a*b*c (degree 3), Libra ZK", &in, ZK, 3);
    in.ext[2] = e;
    in.base[2] = NULL;
    run("a*b*e, e in F_p^3 (degree 3)", &in, PLAIN, 3);
    in.ext[2] = NULL;
    in.base[2] = c;
    in.n_terms = 2;
    in.terms[0] = (zk_sc_term){gl3_one(), 2, {0, 1, 0, 0}};
    in.terms[1] = (zk_sc_term){gl3_neg(gl3_one()), 1, {2, 0, 0, 0}};
    run("zerocheck a*b - c (degree 2+1)", &in, ZEROCHECK, 3);
    free(a);
    free(b);
    free(c);
    free(e);
    free(eq);
    free(pt);
    return 0;
}
