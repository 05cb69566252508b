/* bench_infer — verifiable inference figures:
 *  1. the MNIST-class MLP 784-56-10 (ReLU; 44,530 parameters, random weights
 *     at scale 2^12): model commit time, prove time (batch 1), verify time,
 *     proof bytes, constraints, peak RSS; fixed-point vs float agreement
 *     (argmax, max |logit error|) on 200 random inputs;
 *     the same with the input private (committed inside the proof);
 *  2. a batch of 64 inferences of a small MLP 64-32-10 (8x8-digits shaped) in
 *     one proof: prove time per inference, verify time, proof bytes;
 *  3. a small CNN on 1x8x8 inputs (Conv 4x3x3 pad 1 + ReLU + MaxPool 2 +
 *     Gemm 64->10), batch 64: prove time per inference.
 * Every model is committed with the same opening budget (zk_model_commit_budget;
 * default ZK_MODEL_DEFAULT_OPENINGS), printed with the commitment size.
 * Usage: bench_infer [reps [openings]]   (verify times are the median of reps runs)
 * Prints wall and process-CPU seconds (OMP_NUM_THREADS=1: single-core time). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "zkmlops/infer.h"
#include "zkmlops/model.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* CPU seconds of the whole process (all threads): on a loaded shared machine
 * the wall time mostly measures waiting; run with OMP_NUM_THREADS=1 to read it
 * as single-core time. */
static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t rng = 0x1234567;
static double urand(void) /* [0, 1) */
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_infer: %s: %s\n", what, zk_last_error());
    exit(1);
}

/* Random dense model: weights uniform in +-2^s/sqrt(fan_in), biases small. */
static void dense_random(zk_model *m, uint32_t L, const uint32_t *dims, unsigned s)
{
    int64_t *w[8] = {0}, *b[8] = {0};
    zk_op act[8] = {0};
    if (L == 0 || L > 8)
        die("layer count outside 1..8");
    for (uint32_t l = 0; l < L; l++) {
        act[l] = l + 1 < L ? ZK_OP_RELU : ZK_OP_IDENTITY;
        size_t n = (size_t)dims[l] * dims[l + 1];
        w[l] = malloc(n * sizeof *w[l]);
        b[l] = malloc(dims[l + 1] * sizeof *b[l]);
        double lim = ldexp(1.0, (int)s) / sqrt((double)dims[l]);
        for (size_t i = 0; i < n; i++)
            w[l][i] = (int64_t)llround((2 * urand() - 1) * lim);
        for (uint32_t i = 0; i < dims[l + 1]; i++)
            b[l][i] = (int64_t)llround((2 * urand() - 1) * lim * 0.1);
    }
    if (zk_model_dense(m, L, dims, act, s, (const int64_t *const *)w, (const int64_t *const *)b) != ZK_OK)
        die("dense model");
    for (uint32_t l = 0; l < L; l++) {
        free(w[l]);
        free(b[l]);
    }
}

/* Float forward pass of a dense model with weights q / 2^s. */
static void dense_float(const zk_model *m, const double *x, double *y)
{
    double cur[1024], nxt[1024];
    unsigned s = m->tensors[m->input].scale;
    size_t n = (size_t)zk_model_input_size(m);
    memcpy(cur, x, n * sizeof *x);
    for (uint32_t k = 0; k < m->n_nodes; k++) {
        const zk_node *nd = &m->nodes[k];
        if (nd->op == ZK_OP_GEMM) {
            const zk_tensor *W = &m->tensors[nd->in[1]], *B = &m->tensors[nd->in[2]];
            size_t out = (size_t)W->dims[0], in = (size_t)W->dims[1];
            for (size_t j = 0; j < out; j++) {
                double acc = ldexp((double)B->qdata[j], -(int)s);
                for (size_t i = 0; i < in; i++)
                    acc += ldexp((double)W->qdata[j * in + i], -(int)s) * cur[i];
                nxt[j] = acc;
            }
            n = out;
        } else { /* ReLU */
            for (size_t j = 0; j < n; j++)
                nxt[j] = cur[j] > 0 ? cur[j] : 0;
        }
        memcpy(cur, nxt, n * sizeof *cur);
    }
    memcpy(y, cur, n * sizeof *y);
}

static size_t argmax_d(const double *v, size_t n)
{
    size_t b = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[b])
            b = i;
    return b;
}

static size_t argmax_i(const int64_t *v, size_t n)
{
    size_t b = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[b])
            b = i;
    return b;
}

/* Prove `batch` inferences; print the figures. */
static uint32_t openings = ZK_MODEL_DEFAULT_OPENINGS; /* opening budget of every commitment */

static void run(const char *name, zk_model *m, uint32_t batch, int reps, double in_scale_real, int priv)
{
    double t0 = now(), c0 = cpu();
    zk_model_private p;
    if (zk_model_commit_budget(&p, m, openings) != ZK_OK)
        die("commit");
    double t_commit = now() - t0, c_commit = cpu() - c0;
    uint64_t ni = zk_model_input_size(m) * batch, no = zk_model_output_size(m) * batch;
    int64_t *in = malloc(ni * sizeof *in), *out = malloc(no * sizeof *out);
    unsigned s = m->tensors[m->input].scale;
    for (uint64_t k = 0; k < ni; k++)
        in[k] = (int64_t)llround(urand() * in_scale_real * ldexp(1.0, (int)s));
    zk_wbuf pf;
    zk_wbuf_init(&pf);
    zk_infer_info info;
    t0 = now();
    c0 = cpu();
    if (zk_infer_prove(&p, in, batch, priv, out, &pf, &info) != ZK_OK)
        die("prove");
    double t_prove = now() - t0, c_prove = cpu() - c0;
    double *tv = malloc((size_t)reps * sizeof *tv), *cv = malloc((size_t)reps * sizeof *cv);
    zk_infer_info vi;
    for (int r = 0; r < reps; r++) {
        t0 = now();
        c0 = cpu();
        if (zk_infer_verify(&p.com, priv ? NULL : in, out, batch, pf.data, pf.len, &vi) != ZK_OK)
            die("verify");
        tv[r] = now() - t0;
        cv[r] = cpu() - c0;
    }
    qsort(tv, (size_t)reps, sizeof *tv, cmp_d);
    qsort(cv, (size_t)reps, sizeof *cv, cmp_d);
    printf("%s: params %llu, batch %u, constraints %u, wires %u\n", name, (unsigned long long)p.com.n_params, batch,
           info.constraints, info.wires);
    printf("  commitment: budget %u openings, 2^%u entries, WHIR polynomial 2^%u\n", p.com.opening_budget,
           p.com.log_len, p.com.whir.params.total_vars);
    printf("  wall: commit %.3f s | prove %.3f s (%.4f s per inference) | verify %.4f s (median of %d)\n", t_commit,
           t_prove, t_prove / batch, tv[reps / 2], reps);
    printf("  cpu:  commit %.3f s | prove %.3f s (%.4f s per inference) | verify %.4f s\n", c_commit, c_prove,
           c_prove / batch, cv[reps / 2]);
    printf("  proof %zu bytes | %.1f bits\n", pf.len, vi.sec.security_bits);
    free(tv);
    free(cv);
    free(in);
    free(out);
    zk_wbuf_free(&pf);
    zk_model_private_free(&p);
}

static void cnn(zk_model *m)
{
    /* X [b,1,8,8] -Conv(4x1x3x3, pad 1)-> [b,4,8,8] -Relu-> -MaxPool 2x2/2-> [b,4,4,4] -Flatten-> [b,64] -Gemm-> [b,10] */
    memset(m, 0, sizeof *m);
    m->tensors = calloc(10, sizeof *m->tensors);
    m->nodes = calloc(5, sizeof *m->nodes);
    m->act_bits = 40;
    const unsigned s = 10;
    struct {
        uint32_t rank;
        int64_t d[4];
        int param;
    } T[] = {{4, {1, 1, 8, 8}, 0}, {4, {4, 1, 3, 3}, 1}, {1, {4}, 1},     {4, {1, 4, 8, 8}, 0}, {4, {1, 4, 8, 8}, 0},
             {4, {1, 4, 4, 4}, 0}, {2, {1, 64}, 0},       {2, {10, 64}, 1}, {1, {10}, 1},        {2, {1, 10}, 0}};
    for (uint32_t i = 0; i < 10; i++) {
        zk_tensor *t = &m->tensors[i];
        snprintf(t->name, sizeof t->name, "t%u", i);
        t->rank = T[i].rank;
        memcpy(t->dims, T[i].d, sizeof T[i].d);
        t->scale = s;
        t->is_param = T[i].param;
        if (t->is_param) {
            uint64_t n = zk_tensor_numel(t);
            t->qdata = malloc(n * sizeof *t->qdata);
            double lim = ldexp(1.0, (int)s) / sqrt(i == 1 ? 9.0 : 64.0);
            for (uint64_t k = 0; k < n; k++)
                t->qdata[k] = (int64_t)llround((2 * urand() - 1) * lim * (t->rank == 1 ? 0.1 : 1));
        }
    }
    m->n_tensors = 10;
    m->n_nodes = 5;
    zk_node *n = m->nodes;
    n[0] = (zk_node){.op = ZK_OP_CONV, .n_in = 3, .in = {0, 1, 2}, .n_out = 1, .out = {3}, .n_ints = 9,
                     .ints = {1, 1, 1, 1, 1, 1, 1, 1, 1}};
    n[1] = (zk_node){.op = ZK_OP_RELU, .n_in = 1, .in = {3}, .n_out = 1, .out = {4}};
    n[2] = (zk_node){.op = ZK_OP_MAXPOOL, .n_in = 1, .in = {4}, .n_out = 1, .out = {5}, .n_ints = 8,
                     .ints = {2, 2, 2, 2, 0, 0, 0, 0}};
    n[3] = (zk_node){.op = ZK_OP_FLATTEN, .n_in = 1, .in = {5}, .n_out = 1, .out = {6}};
    n[4] = (zk_node){.op = ZK_OP_GEMM, .n_in = 3, .in = {6, 7, 8}, .n_out = 1, .out = {9}, .n_ints = 2, .ints = {0, 1}};
    for (int k = 0; k < 5; k++)
        snprintf(n[k].name, sizeof n[k].name, "n%d", k);
    m->input = 0;
    m->output = 9;
    if (zk_model_validate(m, 1) != ZK_OK)
        die("cnn");
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1)
        reps = 1;
    if (argc > 2) {
        long o = atol(argv[2]);
        if (o < 1 || o > (long)ZK_MODEL_MAX_OPENINGS) {
            fprintf(stderr, "bench_infer: openings must be in 1..%u\n", ZK_MODEL_MAX_OPENINGS);
            return 2;
        }
        openings = (uint32_t)o;
    }
    printf("bench_infer (2-core machine shared with other jobs: timings are noisy); model commitments with an "
           "opening budget of %u\n",
           openings);
    /* 1. MNIST-class MLP. */
    uint32_t dims[] = {784, 56, 10};
    zk_model m;
    dense_random(&m, 2, dims, 12);
    /* Fixed point vs float on 200 random inputs in [0, 1). */
    size_t agree = 0, trials = 200;
    double max_err = 0;
    for (size_t t = 0; t < trials; t++) {
        double x[784], yf[10];
        int64_t xq[784], yq[10];
        for (int i = 0; i < 784; i++) {
            xq[i] = (int64_t)llround(urand() * 4096.0);
            x[i] = xq[i] / 4096.0;
        }
        dense_float(&m, x, yf);
        if (zk_model_run_fx(&m, xq, 1, yq) != ZK_OK)
            die("run_fx");
        for (int j = 0; j < 10; j++)
            max_err = fmax(max_err, fabs(yq[j] / 4096.0 - yf[j]));
        agree += argmax_d(yf, 10) == argmax_i(yq, 10);
    }
    printf("mlp 784-56-10: fixed point (scale 2^12) vs float on %zu random inputs: argmax agreement %.1f %%, "
           "max |logit error| %.5f\n",
           trials, 100.0 * (double)agree / (double)trials, max_err);
    run("mlp 784-56-10", &m, 1, reps, 1.0, 0);
    run("mlp 784-56-10 (private input)", &m, 1, reps, 1.0, 1);
    printf("  peak RSS so far %ld MiB\n", peak_rss_kb() / 1024);
    zk_model_free(&m);
    /* 2. Batch of 64 of a small MLP. */
    uint32_t dims2[] = {64, 32, 10};
    dense_random(&m, 2, dims2, 12);
    run("mlp 64-32-10 x64", &m, 64, reps, 16.0, 0);
    zk_model_free(&m);
    /* 3. Small CNN, batch 64. */
    cnn(&m);
    run("cnn 1x8x8 conv4-relu-maxpool-gemm10 x64", &m, 64, reps, 1.0, 0);
    zk_model_free(&m);
    printf("peak RSS %ld MiB\n", peak_rss_kb() / 1024);
    return 0;
}
