/* bench_preprocess — preprocessing proof figures on the bundled data.
 *
 *   build/bench_preprocess [-r REPS] [CSV PIPELINE]
 *       default: -r 1, data/breast_cancer_wisconsin.csv pipelines/prep_breast_cancer.json
 *       (standardize all 30 features, 80/20 split with seed 42, label 'benign')
 *
 * Prints: rows/columns, circuit constraints and wires, reference (plain)
 * pipeline time, train/test commitment time, prove seconds (best of REPS),
 * proof bytes, verify seconds (best of 3), security bits, peak RSS. Wall
 * clock with OpenMP on whatever cores are free; the load average at start and
 * end is printed because the machine may be shared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "zkmlops/preprocess.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int die(const char *what)
{
    fprintf(stderr, "bench_preprocess: %s: %s\n", what, zk_last_error());
    return 1;
}

static double loadavg(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

int main(int argc, char **argv)
{
    int reps = 1;
    const char *csv = "data/breast_cancer_wisconsin.csv", *pipe = "pipelines/prep_breast_cancer.json";
    int pos = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (pos == 0) {
            csv = argv[i];
            pos++;
        } else
            pipe = argv[i];
    }
    if (reps < 1)
        reps = 1;
    printf("bench_preprocess: %s with %s (load average %.2f)\n", csv, pipe, loadavg());
    zk_dataset ds;
    if (zk_dataset_load_csv(&ds, csv, ZK_DATASET_DEFAULT_SCALE_BITS) != ZK_OK)
        return die("load");
    zk_dataset_private raw;
    double t0 = now();
    if (zk_dataset_commit(&raw, &ds, 0) != ZK_OK)
        return die("commit raw");
    double t_raw = now() - t0;
    zk_prep_pipeline pl;
    if (zk_prep_pipeline_load(&pl, pipe, &ds.meta) != ZK_OK)
        return die("pipeline");
    zk_prep_result res;
    t0 = now();
    if (zk_prep_apply(&pl, &ds, raw.com.range_bits, &res) != ZK_OK)
        return die("apply");
    double t_ref = now() - t0;
    zk_dataset_private tr, te;
    t0 = now();
    if (zk_dataset_commit(&tr, &res.train, 0) != ZK_OK || zk_dataset_commit(&te, &res.test, 0) != ZK_OK)
        return die("commit outputs");
    double t_out = now() - t0;
    printf("raw: %u rows x %u columns (range bits %u); %u transforms; train %u rows, test %u rows, %u columns\n",
           ds.meta.n_rows, ds.meta.n_cols, raw.com.range_bits, pl.n_transforms, res.claims.n_train, res.claims.n_test,
           pl.out_n_cols);
    double best_prove = 1e30, best_verify = 1e30;
    zk_wbuf proof;
    zk_wbuf_init(&proof);
    zk_prep_security sec, vsec;
    for (int r = 0; r < reps; r++) {
        zk_wbuf_free(&proof);
        zk_wbuf_init(&proof);
        if (zk_dataset_reserve_opening(&raw) != ZK_OK || zk_dataset_reserve_opening(&tr) != ZK_OK ||
            zk_dataset_reserve_opening(&te) != ZK_OK)
            return die("opening budget");
        t0 = now();
        if (zk_prep_prove(&pl, &raw, &tr, &te, &res.claims, &proof, &sec) != ZK_OK)
            return die("prove");
        double t = now() - t0;
        best_prove = t < best_prove ? t : best_prove;
    }
    for (int r = 0; r < 3; r++) {
        t0 = now();
        if (zk_prep_verify(&pl, &raw.com, &tr.com, &te.com, &res.claims, proof.data, proof.len, &vsec) != ZK_OK)
            return die("verify");
        double t = now() - t0;
        best_verify = t < best_verify ? t : best_verify;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("circuit: %u constraints, %u wires\n", sec.constraints, sec.wires);
    printf("raw commit (with range proof): %.3f s\n", t_raw);
    printf("reference pipeline (plain C): %.4f s\n", t_ref);
    printf("train+test commit (with range proofs): %.3f s\n", t_out);
    printf("prove: %.3f s (best of %d)\n", best_prove, reps);
    printf("proof: %zu bytes\n", proof.len);
    printf("verify: %.3f s (best of 3)\n", best_verify);
    printf("security: %.1f bits\n", vsec.security_bits);
    printf("peak RSS: %ld MB\n", ru.ru_maxrss / 1024);
    printf("load average at end: %.2f\n", loadavg());
    zk_wbuf_free(&proof);
    zk_prep_result_free(&res);
    zk_prep_pipeline_free(&pl);
    zk_dataset_private_free(&raw);
    zk_dataset_private_free(&tr);
    zk_dataset_private_free(&te);
    zk_dataset_free(&ds);
    return 0;
}
