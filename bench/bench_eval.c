/* bench_eval — offline-metrics proofs (metrics.h) on the bundled data.
 *
 *   build/bench_eval [bc] [digits]      (default: both)
 *
 * bc:     breast cancer, logistic regression 30 -> 1 (sigmoid) trained here in double
 *         precision (batch gradient descent, 300 epochs) on the first 455 standardized rows,
 *         quantized at scale 2^12 (zk_model_dense); eval proof over the last 114 rows.
 * digits: tests/fixtures/onnx/digits_mlp.onnx (MLP 64-32-10, ONNX import, activations at
 *         2^12) over the last 360 rows of data/digits_8x8.csv (argmax over 10 classes).
 * Prints: rows, constraints, proved accuracy, prove seconds (wall and process CPU), proof
 * bytes, verify seconds, security bits. The machine may be shared (load average printed):
 * wall times are noisy; CPU seconds are the sum over threads. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "zkmlops/metrics.h"
#include "zkmlops/onnx.h"

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

static int die(const char *what)
{
    fprintf(stderr, "bench_eval: %s: %s\n", what, zk_last_error());
    return 1;
}

/* Rows [first, first + n) of ds as a new dataset (same columns). */
static int slice(zk_dataset *out, const zk_dataset *ds, uint32_t first, uint32_t n)
{
    memset(out, 0, sizeof *out);
    out->meta.n_rows = n;
    out->meta.n_cols = ds->meta.n_cols;
    out->meta.scale_bits = ds->meta.scale_bits;
    zk_dataset_layout(n, out->meta.n_cols, &out->meta.log_rows, &out->meta.log_cols);
    out->meta.col_names = calloc(out->meta.n_cols, sizeof(char *));
    out->values = malloc((size_t)n * out->meta.n_cols * sizeof(int64_t));
    if (!out->meta.col_names || !out->values)
        return -1;
    for (uint32_t j = 0; j < out->meta.n_cols; j++)
        out->meta.col_names[j] = strdup(ds->meta.col_names[j]);
    memcpy(out->values, ds->values + (size_t)first * ds->meta.n_cols, (size_t)n * ds->meta.n_cols * sizeof(int64_t));
    return 0;
}

static int run_eval(const char *name, const zk_model *m, const zk_dataset *test, const char *spec_json)
{
    zk_dataset_private dp;
    zk_model_private mp;
    double t0 = now();
    if (zk_dataset_commit(&dp, test, 0) != ZK_OK)
        return die("dataset commit");
    double t_dc = now() - t0;
    if (zk_model_commit(&mp, m) != ZK_OK)
        return die("model commit");
    zk_metrics_spec spec;
    if (zk_metrics_spec_parse(&spec, "spec", spec_json, strlen(spec_json), &dp.com.meta, m) != ZK_OK)
        return die("spec");
    zk_metrics_counts c;
    if (zk_metrics_compute(&c, m, &dp, &spec) != ZK_OK)
        return die("compute");
    if (zk_dataset_reserve_opening(&dp) != ZK_OK || zk_model_reserve_opening(&mp) != ZK_OK)
        return die("reserve");
    zk_wbuf proof;
    zk_wbuf_init(&proof);
    double c0 = cpu();
    t0 = now();
    if (zk_eval_prove(&mp, &dp, &spec, &c, &proof) != ZK_OK)
        return die("prove");
    double t_prove = now() - t0, c_prove = cpu() - c0;
    uint32_t cons, wires;
    zk_eval_last_shape(&cons, &wires);
    zk_spartan_security sec;
    double t_ver = 1e9;
    for (int k = 0; k < 3; k++) {
        t0 = now();
        if (zk_eval_verify(&mp.com, &dp.com, &spec, &c, proof.data, proof.len, &sec) != ZK_OK)
            return die("verify");
        double t = now() - t0;
        if (t < t_ver)
            t_ver = t;
    }
    printf("%-8s rows %4u  constraints %8u  wires %8u  accuracy %llu/%llu = %.4f  test-set commit %.2f s\n", name,
           test->meta.n_rows, cons, wires, (unsigned long long)c.correct, (unsigned long long)c.n,
           (double)c.correct / (double)c.n, t_dc);
    printf("%-8s prove %.2f s wall (%.2f s CPU)  proof %zu bytes  verify %.3f s (best of 3)  security %.1f bits\n", name,
           t_prove, c_prove, proof.len, t_ver, sec.security_bits);
    fflush(stdout);
    zk_wbuf_free(&proof);
    zk_metrics_spec_free(&spec);
    zk_model_private_free(&mp);
    zk_dataset_private_free(&dp);
    return 0;
}

static int bench_bc(void)
{
    zk_dataset ds;
    if (zk_dataset_load_csv(&ds, "data/breast_cancer_wisconsin.csv", 12) != ZK_OK)
        return die("load breast cancer");
    uint32_t n = ds.meta.n_rows, d = ds.meta.n_cols - 1, ntr = n - 114;
    double *mean = calloc(d, sizeof *mean), *sd = calloc(d, sizeof *sd), *w = calloc(d + 1, sizeof *w);
    double *z = malloc((size_t)n * d * sizeof *z), *y = malloc(n * sizeof *y);
    for (uint32_t j = 0; j < d; j++) {
        for (uint32_t i = 0; i < ntr; i++)
            mean[j] += (double)ds.values[(size_t)i * (d + 1) + j] / 4096.0;
        mean[j] /= ntr;
        for (uint32_t i = 0; i < ntr; i++) {
            double v = (double)ds.values[(size_t)i * (d + 1) + j] / 4096.0 - mean[j];
            sd[j] += v * v;
        }
        sd[j] = sqrt(sd[j] / ntr);
    }
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < d; j++)
            z[(size_t)i * d + j] = ((double)ds.values[(size_t)i * (d + 1) + j] / 4096.0 - mean[j]) / sd[j];
        y[i] = ds.values[(size_t)i * (d + 1) + d] ? 1.0 : 0.0;
    }
    for (int ep = 0; ep < 300; ep++) { /* batch gradient descent on the logistic loss */
        double *g = calloc(d + 1, sizeof *g);
        for (uint32_t i = 0; i < ntr; i++) {
            double s = w[d];
            for (uint32_t j = 0; j < d; j++)
                s += w[j] * z[(size_t)i * d + j];
            double e = 1.0 / (1.0 + exp(-s)) - y[i];
            for (uint32_t j = 0; j < d; j++)
                g[j] += e * z[(size_t)i * d + j];
            g[d] += e;
        }
        for (uint32_t j = 0; j <= d; j++)
            w[j] -= 0.5 * g[j] / ntr;
        free(g);
    }
    /* standardized test set at 2^12, label last */
    zk_dataset test;
    if (slice(&test, &ds, ntr, 114) != 0)
        return die("oom");
    for (uint32_t i = 0; i < 114; i++)
        for (uint32_t j = 0; j < d; j++)
            test.values[(size_t)i * (d + 1) + j] = (int64_t)llround(z[(size_t)(ntr + i) * d + j] * 4096.0);
    int64_t *wq = malloc(d * sizeof *wq), bq = (int64_t)llround(w[d] * 4096.0);
    for (uint32_t j = 0; j < d; j++)
        wq[j] = (int64_t)llround(w[j] * 4096.0);
    uint32_t dims[2] = {d, 1};
    zk_op act[1] = {ZK_OP_SIGMOID};
    const int64_t *ws[1] = {wq}, *bs[1] = {&bq};
    zk_model m;
    if (zk_model_dense(&m, 1, dims, act, 12, ws, bs) != ZK_OK)
        return die("model");
    int rc = run_eval("bc-lr", &m, &test, "{\"label\": \"benign\", \"positive_class\": 1}");
    zk_model_free(&m);
    zk_dataset_free(&test);
    zk_dataset_free(&ds);
    free(mean), free(sd), free(w), free(z), free(y), free(wq);
    return rc;
}

static int bench_digits(void)
{
    zk_dataset ds;
    if (zk_dataset_load_csv(&ds, "data/digits_8x8.csv", 12) != ZK_OK)
        return die("load digits");
    zk_model m;
    if (zk_onnx_load(&m, "tests/fixtures/onnx/digits_mlp.onnx", NULL) != ZK_OK)
        return die("onnx");
    zk_quant_options qo = {.act_scale = 12, .weight_bits = 16, .max_scale = 16, .act_bits = 40};
    zk_quant_report rep;
    if (zk_model_quantize(&m, &qo, NULL, 0, &rep) != ZK_OK)
        return die("quantize");
    zk_dataset test;
    if (slice(&test, &ds, ds.meta.n_rows - 360, 360) != 0)
        return die("oom");
    int rc = run_eval("digits", &m, &test, "{\"label\": \"digit\", \"positive_class\": 0}");
    zk_model_free(&m);
    zk_dataset_free(&test);
    zk_dataset_free(&ds);
    return rc;
}

int main(int argc, char **argv)
{
    int do_bc = argc < 2, do_digits = argc < 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "bc") == 0)
            do_bc = 1;
        else if (strcmp(argv[i], "digits") == 0)
            do_digits = 1;
        else {
            fprintf(stderr, "usage: bench_eval [bc] [digits]\n");
            return 2;
        }
    }
    double la[3] = {0, 0, 0};
    if (getloadavg(la, 3) < 0)
        la[0] = -1;
    printf("bench_eval: load average %.2f at start (shared machine: wall times are noisy)\n", la[0]);
    if (do_bc && bench_bc() != 0)
        return 1;
    if (do_digits && bench_digits() != 0)
        return 1;
    return 0;
}
