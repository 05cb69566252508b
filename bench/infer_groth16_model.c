/* infer_groth16_model — the model side of bench/bench_infer_groth16.sh (not built by make;
 * the script compiles it against BUILD/libzkmlops.a).
 *
 * Builds the MNIST-class MLP 784-56-10 (ReLU, 44,530 parameters) with the same random
 * weights as bench/bench_infer.c (same generator and seed: weights uniform in
 * +-2^12/sqrt(fan_in), biases in +-0.1 of that, all at scale 2^12), draws one input
 * x_k = round(u_k * 2^12), u_k uniform in [0, 1), commits the model and writes, into DIR:
 *   model.zkm, model.com   the zkmlops private model file and public commitment
 *   zk_input.json          {"input_fixed": [[x ...]]} for `zkmlops infer prove|verify`
 *   circom_input.json      {"x": [...], "W1": [[...] x 56], "b1": [...], "W2": [[...] x 10],
 *                          "b2": [...]} (decimal strings) for tools/circuits/bench/mlp_784_56_10.circom
 *   expected.txt           the 10 logits of zk_model_run_fx (the fixed-point reference), one per line
 * and prints on stdout one line "params=N commit_wall=S commit_cpu=S" (seconds of
 * zk_model_commit; cpu = all threads of the process).
 *
 * Usage: infer_groth16_model DIR
 * Exit 0 on success, 1 on any failure (message on stderr). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zkmlops/model.h"

#define N0 784
#define N1 56
#define N2 10
#define SCALE 12

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The generator and seed of bench/bench_infer.c (splitmix64), so the weights are the
 * ones bench_infer's 784-56-10 figures use. */
static uint64_t rng = 0x1234567;
static double urand(void) /* [0, 1) */
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "infer_groth16_model: %s: %s\n", what, detail);
    exit(1);
}

static void write_vec(FILE *f, const int64_t *v, size_t n)
{
    fputc('[', f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\"%lld\"", i ? "," : "", (long long)v[i]);
    fputc(']', f);
}

static void write_mat(FILE *f, const int64_t *v, size_t rows, size_t cols)
{
    fputc('[', f);
    for (size_t r = 0; r < rows; r++) {
        if (r)
            fputc(',', f);
        write_vec(f, v + r * cols, cols);
    }
    fputc(']', f);
}

static FILE *open_out(const char *dir, const char *name, char *path, size_t cap)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        die(path, "cannot open for writing");
    return f;
}

static void close_out(FILE *f, const char *path)
{
    if (ferror(f) || fclose(f) != 0)
        die(path, "write error");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: infer_groth16_model DIR\n");
        return 1;
    }
    const char *dir = argv[1];
    const uint32_t dims[3] = {N0, N1, N2};
    int64_t *w[2], *b[2];
    zk_op act[2] = {ZK_OP_RELU, ZK_OP_IDENTITY};
    /* Exactly bench_infer.c's dense_random(&m, 2, {784, 56, 10}, 12). */
    for (int l = 0; l < 2; l++) {
        size_t n = (size_t)dims[l] * dims[l + 1];
        w[l] = malloc(n * sizeof *w[l]);
        b[l] = malloc(dims[l + 1] * sizeof *b[l]);
        if (!w[l] || !b[l])
            die("weights", "out of memory");
        double lim = ldexp(1.0, SCALE) / sqrt((double)dims[l]);
        for (size_t i = 0; i < n; i++)
            w[l][i] = (int64_t)llround((2 * urand() - 1) * lim);
        for (uint32_t i = 0; i < dims[l + 1]; i++)
            b[l][i] = (int64_t)llround((2 * urand() - 1) * lim * 0.1);
    }
    zk_model m;
    if (zk_model_dense(&m, 2, dims, act, SCALE, (const int64_t *const *)w, (const int64_t *const *)b) != ZK_OK)
        die("zk_model_dense", zk_last_error());
    int64_t x[N0], y[N2];
    for (int i = 0; i < N0; i++)
        x[i] = (int64_t)llround(urand() * 4096.0);
    if (zk_model_run_fx(&m, x, 1, y) != ZK_OK)
        die("zk_model_run_fx", zk_last_error());

    double t0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    zk_model_private p;
    if (zk_model_commit(&p, &m) != ZK_OK)
        die("zk_model_commit", zk_last_error());
    double t_commit = clock_s(CLOCK_MONOTONIC) - t0, c_commit = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    char zkm[4096], com[4096], path[4096];
    snprintf(zkm, sizeof zkm, "%s/model.zkm", dir);
    snprintf(com, sizeof com, "%s/model.com", dir);
    if (zk_model_private_save(zkm, com, &p) != ZK_OK)
        die("zk_model_private_save", zk_last_error());

    FILE *f = open_out(dir, "zk_input.json", path, sizeof path);
    fprintf(f, "{\"input_fixed\": [[");
    for (int i = 0; i < N0; i++)
        fprintf(f, "%s%lld", i ? ", " : "", (long long)x[i]);
    fprintf(f, "]]}\n");
    close_out(f, path);

    f = open_out(dir, "circom_input.json", path, sizeof path);
    fprintf(f, "{\"x\": ");
    write_vec(f, x, N0);
    fprintf(f, ",\n\"W1\": ");
    write_mat(f, w[0], N1, N0);
    fprintf(f, ",\n\"b1\": ");
    write_vec(f, b[0], N1);
    fprintf(f, ",\n\"W2\": ");
    write_mat(f, w[1], N2, N1);
    fprintf(f, ",\n\"b2\": ");
    write_vec(f, b[1], N2);
    fprintf(f, "}\n");
    close_out(f, path);

    f = open_out(dir, "expected.txt", path, sizeof path);
    for (int j = 0; j < N2; j++)
        fprintf(f, "%lld\n", (long long)y[j]);
    close_out(f, path);

    printf("params=%llu commit_wall=%.3f commit_cpu=%.3f\n", (unsigned long long)p.com.n_params, t_commit, c_commit);
    zk_model_private_free(&p);
    zk_model_free(&m);
    for (int l = 0; l < 2; l++) {
        free(w[l]);
        free(b[l]);
    }
    return 0;
}
