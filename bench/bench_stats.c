/* bench_stats — the main job's figures on the bundled breast-cancer data:
 * dataset commitment (with its range proof), statistics proof, verification.
 *
 *   build/bench_stats [-r REPS] [CSV]      (default: -r 3, data/breast_cancer_wisconsin.csv)
 *
 * Prints, best of REPS (fresh commitment each time): commit seconds, range proof
 * bytes and verify ms, stats prove seconds, stats proof bytes, stats verify ms
 * (best of 5), and the bits of security. Wall clock on whatever cores OpenMP
 * gets; the load average at start is printed because the machine may be shared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zkmlops/dataset.h"
#include "zkmlops/stats.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int die(const char *what)
{
    fprintf(stderr, "bench_stats: %s: %s\n", what, zk_last_error());
    return 1;
}

int main(int argc, char **argv)
{
    int reps = 3;
    const char *csv = "data/breast_cancer_wisconsin.csv";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else
            csv = argv[i];
    }
    double load[1] = {0};
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf", &load[0]) != 1)
            load[0] = -1;
        fclose(la);
    }
    zk_dataset ds;
    if (zk_dataset_load_csv(&ds, csv, ZK_DATASET_DEFAULT_SCALE_BITS) != ZK_OK)
        return die("load");
    printf("dataset: %s, %u rows x %u columns, scale 2^%u (load average %.2f at start)\n", csv,
           ds.meta.n_rows, ds.meta.n_cols, ds.meta.scale_bits, load[0]);
    double best_commit = 1e30, best_prove = 1e30, best_verify = 1e30, best_range_verify = 1e30;
    size_t proof_bytes = 0, range_bytes = 0;
    zk_stats_security sec = {0};
    for (int rep = 0; rep < reps; rep++) {
        zk_dataset_private priv;
        double t0 = now();
        if (zk_dataset_commit(&priv, &ds, 0) != ZK_OK)
            return die("commit");
        double t_commit = now() - t0;
        for (int k = 0; k < 5; k++) {
            t0 = now();
            if (zk_dataset_commitment_check(&priv.com) != ZK_OK)
                return die("range verify");
            double t = now() - t0;
            best_range_verify = t < best_range_verify ? t : best_range_verify;
        }
        zk_stats st;
        if (zk_stats_compute(&st, &priv) != ZK_OK)
            return die("stats");
        zk_wbuf proof;
        zk_wbuf_init(&proof);
        t0 = now();
        if (zk_stats_prove(&priv, &st, &proof) != ZK_OK)
            return die("prove");
        double t_prove = now() - t0;
        for (int k = 0; k < 5; k++) {
            t0 = now();
            if (zk_stats_verify(&priv.com, &st, proof.data, proof.len, &sec) != ZK_OK)
                return die("verify");
            double t = now() - t0;
            best_verify = t < best_verify ? t : best_verify;
        }
        best_commit = t_commit < best_commit ? t_commit : best_commit;
        best_prove = t_prove < best_prove ? t_prove : best_prove;
        proof_bytes = proof.len;
        range_bytes = priv.com.range_proof_len;
        zk_wbuf_free(&proof);
        zk_stats_free(&st);
        zk_dataset_private_free(&priv);
    }
    printf("data commit (WHIR + range proof):  %8.3f s   (best of %d)\n", best_commit, reps);
    printf("range proof:                        %8zu bytes, verify %.2f ms\n", range_bytes,
           best_range_verify * 1e3);
    printf("stats prove:                        %8.3f s   (best of %d)\n", best_prove, reps);
    printf("stats proof:                        %8zu bytes\n", proof_bytes);
    printf("stats verify:                       %8.2f ms  (best of 5)\n", best_verify * 1e3);
    printf("security:                           %8.1f bits (exact integers: %s, range 2^%u)\n",
           sec.security_bits, sec.exact_integers ? "yes" : "no", sec.range_bits);
    zk_dataset_free(&ds);
    return 0;
}
