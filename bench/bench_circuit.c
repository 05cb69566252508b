/* bench_circuit — the circuit builder and its proofs (circuit.h) on
 * synthetic circuits of mixed gadgets with one linked commitment.
 *
 *   build/bench_circuit [LOG2 ...]        (default: 14 16 18 20)
 *
 * For each size 2^k: a circuit of just under 2^k constraints (so the Spartan
 * row count is 2^k) made of repeated units — a dot product of 8, a rescale,
 * a ReLU, a sigmoid, a clip, a max, a division by a constant, an is_zero —
 * over a linked segment of 2^12 committed values (hiding WHIR), topped up
 * with multiplications. Prints builder seconds (prover mode), witness check,
 * prove seconds, proof bytes, verifier-mode build + verify seconds, and the
 * security bits. Wall clock and process CPU seconds (all threads), one run each; the load average at start is
 * printed because the machine may be shared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zkmlops/circuit.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* CPU seconds of the process (all threads): on a shared machine the wall
 * clock includes waiting for a core. */
static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

#define SEG_LOG 12u

/* Build the bench circuit for 2^k rows. vals: the segment (prover) or NULL. */
static zk_cs *build(int prover, unsigned k, const gl_t *vals, uint32_t *seg_out)
{
    zk_cs *cs = zk_cs_new(prover);
    if (!cs)
        return NULL;
    uint64_t target = ((uint64_t)1 << k) - 16; /* room for Spartan's padding rows */
    uint32_t out = zk_cs_public_i64(cs, 0);
    uint32_t seg = zk_cs_segment(cs, vals, SEG_LOG);
    *seg_out = seg;
    uint32_t seglen = 1u << SEG_LOG, pos = 0;
    uint32_t acc = 0;
    uint64_t unit = 0;
    for (;;) {
        uint32_t before = zk_cs_n_constraints(cs);
        if (before + 300 > target)
            break;
        uint32_t x[8], y[8];
        for (int i = 0; i < 8; i++) {
            x[i] = seg + (pos + (uint32_t)i) % seglen;
            y[i] = seg + (pos + 8 + (uint32_t)i) % seglen;
        }
        pos = (pos + 16) % seglen;
        uint32_t d = zk_cs_dot(cs, x, y, 8);       /* |d| < 8 * 2^24 */
        uint32_t r = zk_cs_rescale(cs, d, 12, 30); /* ~2^15 */
        uint32_t rl = zk_cs_relu(cs, r, 20);
        uint32_t sg = zk_cs_sigmoid(cs, r, 12, 20);
        uint32_t cl = zk_cs_clip(cs, r, -4096, 4096, 20);
        uint32_t mx = zk_cs_max(cs, rl, cl, 22);
        uint32_t dv = zk_cs_div_const(cs, mx, 7, 22);
        uint32_t z = zk_cs_is_zero(cs, dv);
        int64_t c[4] = {1, 2, -3, 5};
        uint32_t in[4] = {sg, dv, z, acc ? acc : sg};
        acc = zk_cs_affine(cs, in, c, 4, (int64_t)(unit++ & 15));
        if (zk_cs_status(cs) != ZK_OK)
            break;
    }
    /* top up with multiplications */
    uint32_t m = acc;
    while (zk_cs_n_constraints(cs) < target && zk_cs_status(cs) == ZK_OK)
        m = zk_cs_mul(cs, m, seg + (uint32_t)(zk_cs_n_constraints(cs) % seglen));
    /* tie the last value to the public output with a multiplication by 0 */
    zk_lc a, b, cc;
    zk_lc_init(&a);
    zk_lc_init(&b);
    zk_lc_init(&cc);
    zk_lc_add(&a, m, 1);
    zk_lc_add(&cc, out, 1);
    zk_cs_enforce(cs, &a, &b, &cc);
    zk_lc_free(&a);
    zk_lc_free(&b);
    zk_lc_free(&cc);
    return cs;
}

static int die(const char *what)
{
    fprintf(stderr, "bench_circuit: %s: %s\n", what, zk_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    unsigned sizes[16] = {14, 16, 18, 20};
    int ns = 4;
    if (argc > 1) {
        ns = 0;
        for (int i = 1; i < argc && ns < 16; i++)
            sizes[ns++] = (unsigned)atoi(argv[i]);
    }
    double load = -1;
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf", &load) != 1)
            load = -1;
        fclose(la);
    }
    printf("bench_circuit: mixed gadgets + one linked 2^%u commitment (load average %.2f at start)\n", SEG_LOG,
           load);
    printf("%5s %9s %9s %8s %8s %8s %9s %10s %9s %9s %9s %6s\n", "log2", "constr", "wires", "build_s", "check_s",
           "prove_s", "prove_cpu", "proof_B", "vbuild_s", "verify_s", "verif_cpu", "bits");
    gl_t *vals = malloc(((size_t)1 << SEG_LOG) * sizeof *vals);
    srand(1);
    for (size_t i = 0; i < ((size_t)1 << SEG_LOG); i++)
        vals[i] = gl_from_i64((rand() % 8191) - 4095);
    zk_whir_params wp;
    zk_whir_commitment com;
    zk_whir_witness wit;
    if (zk_whir_params_derive(&wp, SEG_LOG, 1) != ZK_OK || zk_whir_commit(&wp, vals, NULL, &com, &wit) != ZK_OK)
        return die("commit");
    static const uint8_t ctx[] = "bench_circuit";
    for (int s = 0; s < ns; s++) {
        unsigned k = sizes[s];
        uint32_t seg;
        double t0 = now();
        zk_cs *cs = build(1, k, vals, &seg);
        double t1 = now();
        if (!cs || zk_cs_status(cs) != ZK_OK)
            return die("build");
        if (zk_cs_check(cs) != ZK_OK)
            return die("check");
        double t2 = now();
        zk_cs_link link = {&com, &wit, seg};
        zk_wbuf w;
        zk_wbuf_init(&w);
        double c2 = cpu();
        if (zk_cs_prove(cs, ctx, sizeof ctx, &link, 1, &w) != ZK_OK)
            return die("prove");
        double t3 = now(), c3 = cpu();
        uint32_t nc = zk_cs_n_constraints(cs), nw = zk_cs_n_wires(cs);
        zk_cs_free(cs);
        double t4 = now();
        zk_cs *vs = build(0, k, NULL, &seg);
        double t4b = now(), c4 = cpu();
        zk_cs_link vl = {&com, NULL, seg};
        zk_spartan_security sec;
        if (zk_cs_verify(vs, ctx, sizeof ctx, &vl, 1, w.data, w.len, &sec) != ZK_OK)
            return die("verify");
        double t5 = now(), c5 = cpu();
        zk_cs_free(vs);
        printf("%5u %9u %9u %8.2f %8.2f %8.2f %9.2f %10zu %9.3f %9.3f %9.3f %6.1f\n", k, nc, nw, t1 - t0, t2 - t1,
               t3 - t2, c3 - c2, w.len, t4b - t4, t5 - t4b, c5 - c4, sec.security_bits);
        fflush(stdout);
        zk_wbuf_free(&w);
    }
    zk_whir_witness_free(&wit);
    free(vals);
    return 0;
}
