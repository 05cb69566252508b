/*
 * bench_train — proofs of training on the bundled breast-cancer data
 * (569 x 30; shuffled with a fixed seed, 80/20 split: 455 training rows;
 * z-scored with the training rows' mean and standard deviation in plain code;
 * scale 2^12; label `benign`).
 *
 *   bench_train [logreg|mlp|all] [--epochs E] [--chunk K] [--batch B] [--no-verify]
 *   bench_train --accuracy TRAIN.zkd TEST.zkd SPEC.json
 *       (no proof: test accuracy of the fixed-point model the spec trains on the
 *       private training set, next to the float reference trained on the same
 *       rows, e.g. on the output of `zkmlops preprocess prove`)
 *
 * logreg: 50 epochs full batch, lr 0.5, zero init, 17 epochs per chunk (3 chunk proofs).
 * mlp: 30-16-1 ReLU, 20 epochs full batch, lr 0.5, seed init, 1 epoch per chunk.
 * Prints: constraints per chunk and total, prove time (total and per epoch),
 * proof bytes, verify time, security, and the test accuracy of the proved
 * fixed-point model next to the float reference.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "zkmlops/train.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* CPU time of the process (user + system, all threads) */
static double cpu_s(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + 1e-6 * (double)u.ru_utime.tv_usec + (double)u.ru_stime.tv_sec +
           1e-6 * (double)u.ru_stime.tv_usec;
}

static double load1(void)
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

static uint64_t sm64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

typedef struct {
    uint32_t n, ntr, nte, d;
    double *xf, *yf;
    int64_t *xq, *yq;
    char names[31][64];
} bc;

static int bc_load(bc *b, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_train: cannot open %s\n", path);
        return -1;
    }
    char line[8192];
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return -1;
    }
    char *p = line;
    for (int j = 0; j < 31; j++) {
        size_t k = strcspn(p, ",\r\n");
        snprintf(b->names[j], sizeof b->names[j], "%.*s", (int)k, p);
        p += k + (p[k] == ',');
    }
    double *raw = malloc(600 * 31 * sizeof *raw);
    uint32_t n = 0;
    while (n < 600 && fgets(line, sizeof line, f)) {
        p = line;
        for (int j = 0; j < 31; j++) {
            raw[n * 31 + j] = strtod(p, &p);
            if (*p == ',')
                p++;
        }
        n++;
    }
    fclose(f);
    uint32_t *perm = malloc(n * sizeof *perm);
    for (uint32_t i = 0; i < n; i++)
        perm[i] = i;
    uint64_t st = 7;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t k = (uint32_t)(sm64(&st) % (i + 1)), t = perm[i];
        perm[i] = perm[k];
        perm[k] = t;
    }
    b->n = n;
    b->d = 30;
    b->ntr = n * 4 / 5;
    b->nte = n - b->ntr;
    double mu[30], sd[30];
    for (int j = 0; j < 30; j++) {
        double s1 = 0, s2 = 0;
        for (uint32_t i = 0; i < b->ntr; i++) {
            double v = raw[perm[i] * 31 + j];
            s1 += v;
            s2 += v * v;
        }
        mu[j] = s1 / b->ntr;
        sd[j] = sqrt(s2 / b->ntr - mu[j] * mu[j]);
    }
    b->xf = malloc((size_t)n * 30 * sizeof *b->xf);
    b->yf = malloc(n * sizeof *b->yf);
    b->xq = malloc((size_t)n * 30 * sizeof *b->xq);
    b->yq = malloc(n * sizeof *b->yq);
    for (uint32_t i = 0; i < n; i++) {
        for (int j = 0; j < 30; j++) {
            b->xf[i * 30 + j] = (raw[perm[i] * 31 + j] - mu[j]) / sd[j];
            b->xq[i * 30 + j] = llround(b->xf[i * 30 + j] * 4096.0);
        }
        b->yf[i] = raw[perm[i] * 31 + 30];
        b->yq[i] = llround(b->yf[i] * 4096.0);
    }
    free(raw);
    free(perm);
    return 0;
}

static int commit_train(zk_dataset_private *dp, const bc *b)
{
    zk_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.meta.n_rows = b->ntr;
    ds.meta.n_cols = 31;
    ds.meta.scale_bits = 12;
    while ((1u << ds.meta.log_rows) < b->ntr + ZK_DATASET_MIN_BLIND_ROWS)
        ds.meta.log_rows++;
    while ((1u << ds.meta.log_cols) < 31)
        ds.meta.log_cols++;
    ds.meta.col_names = calloc(31, sizeof *ds.meta.col_names);
    ds.values = malloc((size_t)b->ntr * 31 * sizeof *ds.values);
    for (int j = 0; j < 31; j++)
        ds.meta.col_names[j] = strdup(b->names[j]);
    for (uint32_t i = 0; i < b->ntr; i++) {
        for (int j = 0; j < 30; j++)
            ds.values[(size_t)i * 31 + j] = b->xq[(size_t)i * 30 + j];
        ds.values[(size_t)i * 31 + 30] = b->yq[i];
    }
    int st = zk_dataset_commit(dp, &ds, 0);
    zk_dataset_free(&ds);
    return st;
}

static void run(const bc *b, zk_dataset_private *dp, const zk_train_spec *s, const char *name, int verify)
{
    uint32_t d = b->d, np = zk_train_n_params(s, d);
    /* accuracy: proved fixed-point model vs float reference */
    int64_t *p = malloc(np * sizeof *p);
    double *pf = malloc(np * sizeof *pf);
    zk_train_init(s, d, p);
    for (uint32_t q = 0; q < np; q++)
        pf[q] = (double)p[q] / 4096.0;
    if (zk_train_run_fx(s, b->xq, b->yq, b->ntr, d, 0, s->epochs, p) != ZK_OK) {
        fprintf(stderr, "%s: %s\n", name, zk_last_error());
        exit(1);
    }
    zk_train_run_float(s, b->xf, b->yf, b->ntr, d, pf);
    int64_t *pr = malloc(b->nte * sizeof *pr);
    double *prf = malloc(b->nte * sizeof *prf);
    if (zk_train_predict_fx(s, p, b->xq + (size_t)b->ntr * d, b->nte, d, pr) != ZK_OK)
        exit(1);
    zk_train_predict_float(s, pf, b->xf + (size_t)b->ntr * d, b->nte, d, prf);
    uint32_t cq = 0, cf = 0;
    for (uint32_t i = 0; i < b->nte; i++) {
        int yt = b->yf[b->ntr + i] > 0.5;
        cq += (pr[i] >= 2048) == yt;
        cf += (prf[i] >= 0.5) == yt;
    }
    printf("%s: test accuracy (114 rows): fixed-point %.4f, float reference %.4f\n", name, (double)cq / b->nte,
           (double)cf / b->nte);
    fflush(stdout);

    uint8_t dg[ZK_HASH_BYTES] = {0};
    zk_model_private mp;
    zk_wbuf pf_buf;
    zk_wbuf_init(&pf_buf);
    zk_train_report rep;
    double c0 = cpu_s(), l0 = load1();
    if (zk_train_prove(s, dg, dp, &mp, &pf_buf, &rep) != ZK_OK) {
        fprintf(stderr, "%s: prove: %s\n", name, zk_last_error());
        exit(1);
    }
    for (uint32_t q = 0; q < np; q++)
        if (gl_to_i64(mp.wit.evals[q]) != p[q]) {
            fprintf(stderr, "%s: committed weights differ from the reference\n", name);
            exit(1);
        }
    double cpu_prove = cpu_s() - c0;
    printf("%s: %u epochs, %u chunk proofs, %llu constraints (largest chunk %llu), prove %.2f s wall (%.3f s per "
           "epoch; circuits + witness %.2f s), %.2f s CPU (load %.1f at start), proof %zu bytes (%.1f KiB per chunk)\n",
           name, s->epochs, rep.n_chunks, (unsigned long long)rep.constraints,
           (unsigned long long)rep.max_chunk_constraints, rep.seconds, rep.seconds / s->epochs, rep.circuit_seconds,
           cpu_prove, l0,
           pf_buf.len, (double)pf_buf.len / 1024.0 / rep.n_chunks);
    fflush(stdout);
    if (verify) {
        zk_train_report vr;
        double c1 = cpu_s();
        int st = zk_train_verify(s, dg, &dp->com, &mp.com, pf_buf.data, pf_buf.len, &vr);
        printf("%s: verify %s in %.3f s wall (building the circuits %.3f s), %.3f s CPU (load %.1f), %.1f bits\n",
               name, st == ZK_OK ? "valid" : "REJECTED", vr.seconds, vr.circuit_seconds, cpu_s() - c1, load1(),
               vr.security_bits);
    }
    zk_wbuf_free(&pf_buf);
    zk_model_private_free(&mp);
    free(p);
    free(pf);
    free(pr);
    free(prf);
}

/* Fixed-point vs float test accuracy on committed (private) train/test sets. */
static int accuracy_from_files(const char *train_path, const char *test_path, const char *spec_path)
{
    zk_dataset_private tr, te;
    zk_train_spec s;
    uint8_t *text = NULL;
    size_t len = 0;
    if (zk_dataset_private_load(train_path, &tr) != ZK_OK || zk_dataset_private_load(test_path, &te) != ZK_OK ||
        zk_read_file(spec_path, 1 << 20, &text, &len) != ZK_OK ||
        zk_train_spec_parse(&s, spec_path, (const char *)text, len) != ZK_OK) {
        fprintf(stderr, "bench_train: %s\n", zk_last_error());
        return 1;
    }
    free(text);
    uint32_t d = tr.com.meta.n_cols - 1, n = tr.com.meta.n_rows, m = te.com.meta.n_rows;
    double one = (double)((int64_t)1 << s.scale);
    int64_t *xq = malloc((size_t)n * d * sizeof *xq), *yq = malloc(n * sizeof *yq);
    int64_t *tq = malloc((size_t)m * d * sizeof *tq), *pq = malloc(m * sizeof *pq);
    double *xf = malloc((size_t)n * d * sizeof *xf), *yf = malloc(n * sizeof *yf);
    double *tf = malloc((size_t)m * d * sizeof *tf), *pf = malloc(m * sizeof *pf);
    uint32_t np = zk_train_n_params(&s, d);
    int64_t *w = malloc(np * sizeof *w);
    double *wf = malloc(np * sizeof *wf);
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < d; j++) {
            xq[(size_t)i * d + j] = zk_dataset_private_value(&tr, i, j);
            xf[(size_t)i * d + j] = (double)xq[(size_t)i * d + j] / one;
        }
        yq[i] = zk_dataset_private_value(&tr, i, d);
        yf[i] = (double)yq[i] / one;
    }
    for (uint32_t i = 0; i < m; i++)
        for (uint32_t j = 0; j < d; j++) {
            tq[(size_t)i * d + j] = zk_dataset_private_value(&te, i, j);
            tf[(size_t)i * d + j] = (double)tq[(size_t)i * d + j] / one;
        }
    zk_train_init(&s, d, w);
    for (uint32_t q = 0; q < np; q++)
        wf[q] = (double)w[q] / one;
    if (zk_train_run_fx(&s, xq, yq, n, d, 0, s.epochs, w) != ZK_OK ||
        zk_train_predict_fx(&s, w, tq, m, d, pq) != ZK_OK) {
        fprintf(stderr, "bench_train: %s\n", zk_last_error());
        return 1;
    }
    zk_train_run_float(&s, xf, yf, n, d, wf);
    zk_train_predict_float(&s, wf, tf, m, d, pf);
    uint32_t cq = 0, cf = 0, agree = 0;
    for (uint32_t i = 0; i < m; i++) {
        int yt = zk_dataset_private_value(&te, i, d) != 0;
        int a = pq[i] >= ((int64_t)1 << (s.scale - 1)), b = pf[i] >= 0.5;
        cq += a == yt;
        cf += b == yt;
        agree += a == b;
    }
    printf("%s on %s (%u rows) -> %s (%u rows): test accuracy fixed-point %u/%u = %.4f, float reference %u/%u = "
           "%.4f, predictions agree on %u/%u\n",
           spec_path, train_path, n, test_path, m, cq, m, (double)cq / m, cf, m, (double)cf / m, agree, m);
    free(xq);
    free(yq);
    free(tq);
    free(pq);
    free(xf);
    free(yf);
    free(tf);
    free(pf);
    free(w);
    free(wf);
    zk_dataset_private_free(&tr);
    zk_dataset_private_free(&te);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && !strcmp(argv[1], "--accuracy"))
        return accuracy_from_files(argv[2], argv[3], argv[4]);
    const char *which = "logreg";
    int epochs = 0, chunk = -1, batch = -1, verify = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--epochs") && i + 1 < argc)
            epochs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--chunk") && i + 1 < argc)
            chunk = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--batch") && i + 1 < argc)
            batch = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--no-verify"))
            verify = 0;
        else
            which = argv[i];
    }
    bc b;
    if (bc_load(&b, "data/breast_cancer_wisconsin.csv") != 0)
        return 1;
    zk_dataset_private dp;
    double t = now_s();
    if (commit_train(&dp, &b) != ZK_OK) {
        fprintf(stderr, "commit: %s\n", zk_last_error());
        return 1;
    }
    printf("training set: %u x %u + label, committed in %.2f s (range_bits %u, %llu openings left)\n", b.ntr, b.d,
           now_s() - t, dp.com.range_bits, (unsigned long long)zk_dataset_openings_left(&dp));
    zk_train_spec s;
    if (!strcmp(which, "logreg") || !strcmp(which, "all")) {
        zk_train_spec_default(&s);
        snprintf(s.label, sizeof s.label, "benign");
        s.epochs = epochs > 0 ? (uint32_t)epochs : 50;
        s.epochs_per_chunk = chunk >= 0 ? (uint32_t)chunk : 17;
        if (s.epochs_per_chunk > s.epochs)
            s.epochs_per_chunk = s.epochs;
        if (batch >= 0)
            s.batch_size = (uint32_t)batch;
        run(&b, &dp, &s, "logreg 455x30", verify);
    }
    if (!strcmp(which, "mlp") || !strcmp(which, "all")) {
        zk_train_spec_default(&s);
        snprintf(s.label, sizeof s.label, "benign");
        s.kind = ZK_TRAIN_MLP;
        s.hidden = 16;
        s.init_zero = 0;
        s.seed = 1;
        s.init_range = 1000;
        s.epochs = epochs > 0 ? (uint32_t)epochs : 20;
        s.epochs_per_chunk = chunk >= 0 ? (uint32_t)chunk : 1;
        if (s.epochs_per_chunk > s.epochs)
            s.epochs_per_chunk = s.epochs;
        if (batch >= 0)
            s.batch_size = (uint32_t)batch;
        run(&b, &dp, &s, "mlp 30-16-1", verify);
    }
    zk_dataset_private_free(&dp);
    return 0;
}
