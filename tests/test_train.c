/*
 * test_train.c — training: spec parsing, the integer reference trainer
 * against a float (double) reference on breast cancer (test accuracy within
 * 1 %), the training circuit against the reference (zk_cs_check, verifier
 * structure = prover structure, tampered witnesses fail), and proofs of
 * training (chains of chunk proofs; soundness: other seed, learning rate,
 * epoch count, dataset, weights, tampered bytes are rejected).
 */
#include <math.h>
#include <string.h>

#include "testutil.h"

#include "circuit/cs_internal.h"
#include "zkmlops/hash.h"
#include "zkmlops/proof.h"
#include "zkmlops/train.h"

#ifndef ZKM_DATA_DIR
#define ZKM_DATA_DIR "data"
#endif

static test_rng g_rng;

static int setup(void **state)
{
    (void)state;
    uint64_t seed = 0x7a11;
    const char *e = getenv("ZKM_TEST_SEED");
    if (e)
        seed = strtoull(e, NULL, 0);
    print_message("# test_train seed 0x%llx (ZKM_TEST_SEED)\n", (unsigned long long)seed);
    test_rng_seed(&g_rng, seed);
    return 0;
}

/* ---------------- helpers ---------------- */

static void spec_small(zk_train_spec *s, zk_train_kind kind, uint32_t batch)
{
    zk_train_spec_default(s);
    s->kind = kind;
    s->epochs = 3;
    s->batch_size = batch;
    s->lr = 2048;
    snprintf(s->label, sizeof s->label, "y");
    if (kind == ZK_TRAIN_MLP) {
        s->hidden = 3;
        s->init_zero = 0;
        s->seed = 5;
        s->init_range = 1500;
    }
}

/* n x d features roughly standard normal at scale 2^12, labels from a noisy linear rule. */
static void synth(uint32_t n, uint32_t d, int64_t *x, int64_t *y)
{
    for (uint32_t i = 0; i < n; i++) {
        int64_t acc = 0;
        for (uint32_t j = 0; j < d; j++) {
            int64_t v = 0;
            for (int k = 0; k < 4; k++)
                v += (int64_t)(test_rng_u64(&g_rng) % 4096);
            v = (v - 8192) * 2; /* ~ N(0, 1) at scale 2^12, |v| < 2^14 */
            x[(size_t)i * d + j] = v;
            acc += (j % 2 ? -1 : 1) * v;
        }
        acc += (int64_t)(test_rng_u64(&g_rng) % 4096) - 2048;
        y[i] = acc > 0 ? 4096 : 0;
    }
}

/* A blinded table in the committed layout: (i, j) at i + 2^lr j, label column d. */
static gl_t *table(const int64_t *x, const int64_t *y, uint32_t n, uint32_t d, uint32_t lr, uint32_t lc)
{
    size_t N = (size_t)1 << (lr + lc);
    gl_t *t = malloc(N * sizeof *t);
    assert_non_null(t);
    for (size_t q = 0; q < N; q++)
        t[q] = test_rng_gl(&g_rng);
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < d; j++)
            t[i + ((size_t)j << lr)] = gl_from_i64(x[(size_t)i * d + j]);
        t[i + ((size_t)d << lr)] = gl_from_i64(y[i]);
    }
    return t;
}

static void r1cs_digest(zk_cs *cs, uint8_t out[32])
{
    const zk_r1cs *r = zk_cs_r1cs(cs);
    assert_non_null(r);
    zk_sha256_ctx h;
    zk_sha256_init(&h);
    zk_sha256_update(&h, &r->n_wires, sizeof r->n_wires);
    zk_sha256_update(&h, &r->n_constraints, sizeof r->n_constraints);
    for (int m = 0; m < 3; m++) {
        uint64_t nt = r->abc[m].row_ptr[r->n_constraints];
        zk_sha256_update(&h, r->abc[m].row_ptr, (r->n_constraints + 1) * sizeof(uint64_t));
        zk_sha256_update(&h, r->abc[m].wire, nt * sizeof(uint32_t));
        zk_sha256_update(&h, r->abc[m].coeff, nt * sizeof(gl_t));
    }
    zk_sha256_final(&h, out);
}

/* Build the circuit of epochs [e0, e1) (prover when tab != NULL). */
static zk_cs *build(const zk_train_spec *s, const gl_t *tab, uint32_t n, uint32_t d, uint32_t lr, uint32_t lc,
                    const int64_t *w0, uint32_t e0, uint32_t e1, uint32_t *wout, uint32_t *first_free)
{
    zk_cs *cs = zk_cs_new(tab != NULL);
    assert_non_null(cs);
    uint32_t seg = zk_cs_segment(cs, tab, lr + lc);
    uint32_t np = zk_train_n_params(s, d);
    uint32_t *win = malloc(np * sizeof *win);
    for (uint32_t q = 0; q < np; q++)
        win[q] = zk_cs_private_i64(cs, tab ? w0[q] : 0);
    if (first_free)
        *first_free = seg + (1u << (lr + lc));
    assert_int_equal(zk_train_circuit(cs, s, n, d, lr, seg, e0, e1, win, wout), ZK_OK);
    free(win);
    return cs;
}

/* ---------------- fixed-point helpers = circuit.h ---------------- */

static void test_fx_semantics(void **state)
{
    (void)state;
    /* the reference trainer's sigmoid and rescale are circuit.h's */
    zk_train_spec s;
    spec_small(&s, ZK_TRAIN_LOGREG, 0);
    for (int k = 0; k < 20000; k++) {
        int64_t v = (int64_t)(test_rng_u64(&g_rng) % (1u << 20)) - (1 << 19);
        if (k < 200)
            v = k - 100;
        int64_t x[1] = {v}, y[1] = {0};
        int64_t p[2] = {4096, 0}; /* w = 1.0: z = rescale(v * 4096) = v */
        int64_t prob;
        assert_int_equal(zk_train_predict_fx(&s, p, x, 1, 1, &prob), ZK_OK);
        assert_int_equal(prob, zk_fx_sigmoid(v, 12));
        (void)y;
    }
}

/* ---------------- spec parsing ---------------- */

static void test_spec_parse(void **state)
{
    (void)state;
    zk_train_spec s;
    const char *ok = "{\"format\":\"zkmlops-train/v1\",\"model\":\"mlp\",\"hidden\":16,\"epochs\":20,"
                     "\"batch_size\":64,\"learning_rate\":\"0.5\",\"learning_rate_fixed\":2048,\"scale\":12,"
                     "\"init\":\"seed\",\"seed\":7,\"init_range_fixed\":1000,\"label\":\"benign\","
                     "\"epochs_per_chunk\":1}";
    assert_int_equal(zk_train_spec_parse(&s, "t.json", ok, strlen(ok)), ZK_OK);
    assert_int_equal(s.kind, ZK_TRAIN_MLP);
    assert_int_equal(s.hidden, 16);
    assert_int_equal(s.epochs, 20);
    assert_int_equal(s.batch_size, 64);
    assert_int_equal(s.lr, 2048);
    assert_int_equal(s.init_zero, 0);
    assert_int_equal(s.seed, 7);
    assert_string_equal(s.label, "benign");
    assert_int_equal(zk_train_n_chunks(&s), 20);
    assert_int_equal(zk_train_n_params(&s, 30), 16 * 30 + 33);

    static const char *const bad[] = {
        "[1]",
        "{\"model\":\"svm\",\"learning_rate_fixed\":1}",
        "{\"learning_rate_fixed\":100}",
        "{\"model\":\"logreg\"}",
        "{\"model\":\"logreg\",\"learning_rate_fixed\":100,\"epoch\":3}",
        "{\"model\":\"logreg\",\"learning_rate_fixed\":-5}",
        "{\"model\":\"logreg\",\"learning_rate_fixed\":100,\"epochs\":0}",
        "{\"model\":\"logreg\",\"learning_rate\":\"0.5\",\"learning_rate_fixed\":100}",
        "{\"model\":\"mlp\",\"learning_rate_fixed\":100}",
        "{\"model\":\"logreg\",\"learning_rate_fixed\":100,\"scale\":40}",
        "{\"model\":\"logreg\",\"learning_rate_fixed\":100,\"epochs\":5,\"epochs_per_chunk\":6}",
        "{\"model\":\"logreg\",\"learning_rate_fixed\":1.5}",
        "{\"model\":\"logreg\",\"learning_rate_fixed\":100,\"init\":\"random\"}",
        "{\"model\":\"logreg\",\"learning_rate_fixed\":100",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        assert_int_equal(zk_train_spec_parse(&s, "bad.json", bad[k], strlen(bad[k])), ZK_ERR_INPUT);
        assert_non_null(strstr(zk_last_error(), "bad.json"));
    }
}

/* ---------------- reference trainers on breast cancer ---------------- */

typedef struct {
    uint32_t n, ntr, nte, d;
    double *xf, *yf;   /* standardized, permuted: train rows first */
    int64_t *xq, *yq;  /* scale 2^12 */
} bc_data;

static uint64_t sm64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Plain code: read the CSV with strtod, shuffle with a fixed seed, 80/20
 * split, z-score with the training rows' mean and population standard deviation. */
static void bc_load(bc_data *b)
{
    FILE *f = fopen(ZKM_DATA_DIR "/breast_cancer_wisconsin.csv", "r");
    assert_non_null(f);
    char line[8192];
    assert_non_null(fgets(line, sizeof line, f));
    double *raw = malloc(600 * 31 * sizeof *raw);
    uint32_t n = 0;
    while (n < 600 && fgets(line, sizeof line, f)) {
        char *p = line;
        for (int j = 0; j < 31; j++) {
            raw[n * 31 + j] = strtod(p, &p);
            if (*p == ',')
                p++;
        }
        n++;
    }
    fclose(f);
    assert_int_equal(n, 569);
    uint32_t *perm = malloc(n * sizeof *perm);
    for (uint32_t i = 0; i < n; i++)
        perm[i] = i;
    uint64_t st = 7;
    for (uint32_t i = n - 1; i > 0; i--) {
        uint32_t k = (uint32_t)(sm64(&st) % (i + 1));
        uint32_t t = perm[i];
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
}

static void bc_free(bc_data *b)
{
    free(b->xf);
    free(b->yf);
    free(b->xq);
    free(b->yq);
}

static void accuracy_case(const bc_data *b, const zk_train_spec *s, const char *name)
{
    uint32_t d = b->d, np = zk_train_n_params(s, d);
    int64_t *p = malloc(np * sizeof *p);
    double *pf = malloc(np * sizeof *pf);
    zk_train_init(s, d, p);
    for (uint32_t q = 0; q < np; q++)
        pf[q] = (double)p[q] / 4096.0;
    assert_int_equal(zk_train_run_fx(s, b->xq, b->yq, b->ntr, d, 0, s->epochs, p), ZK_OK);
    zk_train_run_float(s, b->xf, b->yf, b->ntr, d, pf);
    int64_t *pr = malloc(b->nte * sizeof *pr);
    double *prf = malloc(b->nte * sizeof *prf);
    assert_int_equal(zk_train_predict_fx(s, p, b->xq + (size_t)b->ntr * d, b->nte, d, pr), ZK_OK);
    zk_train_predict_float(s, pf, b->xf + (size_t)b->ntr * d, b->nte, d, prf);
    uint32_t cq = 0, cf = 0;
    for (uint32_t i = 0; i < b->nte; i++) {
        int yt = b->yf[b->ntr + i] > 0.5;
        cq += (pr[i] >= 2048) == yt;
        cf += (prf[i] >= 0.5) == yt;
    }
    double aq = (double)cq / b->nte, af = (double)cf / b->nte;
    print_message("# %s: fixed-point test accuracy %.4f, float %.4f (%u test rows)\n", name, aq, af, b->nte);
    assert_true(fabs(aq - af) <= 0.01);
    assert_true(aq > 0.9);
    /* the fixed-point model through model.h gives the same probabilities */
    zk_model m;
    assert_int_equal(zk_train_to_model(&m, s, d, p), ZK_OK);
    int64_t *pm = malloc(b->nte * sizeof *pm);
    assert_int_equal(zk_model_run_fx(&m, b->xq + (size_t)b->ntr * d, b->nte, pm), ZK_OK);
    uint32_t same = 0;
    for (uint32_t i = 0; i < b->nte; i++)
        same += pm[i] == pr[i];
    print_message("# %s: model.h inference equals the trainer's prediction on %u/%u rows\n", name, same, b->nte);
    assert_int_equal(same, b->nte);
    zk_model_free(&m);
    free(pm);
    free(p);
    free(pf);
    free(pr);
    free(prf);
}

static void test_reference_breast_cancer(void **state)
{
    (void)state;
    bc_data b;
    bc_load(&b);
    zk_train_spec s;
    zk_train_spec_default(&s);
    s.epochs = 50;
    s.lr = 2048;
    accuracy_case(&b, &s, "logreg full batch, 50 epochs, lr 0.5");
    s.batch_size = 64;
    s.epochs = 20;
    accuracy_case(&b, &s, "logreg batch 64, 20 epochs, lr 0.5");
    zk_train_spec_default(&s);
    s.kind = ZK_TRAIN_MLP;
    s.hidden = 16;
    s.epochs = 20;
    s.lr = 2048;
    s.init_zero = 0;
    s.seed = 1;
    s.init_range = 1000;
    accuracy_case(&b, &s, "mlp 30-16-1 full batch, 20 epochs, lr 0.5");
    bc_free(&b);
}

/* A hand-computed step: zero init, one row, one feature. */
static void test_reference_by_hand(void **state)
{
    (void)state;
    zk_train_spec s;
    zk_train_spec_default(&s);
    s.epochs = 1;
    s.lr = 4096; /* 1.0 */
    int64_t x[2] = {4096 * 2, -4096}; /* rows: x=2, x=-1 */
    int64_t y[2] = {4096, 0};
    int64_t p[2] = {0, 0};
    assert_int_equal(zk_train_run_fx(&s, x, y, 2, 1, 0, 1, p), ZK_OK);
    /* z = 0, p = 0.5 for both: e = (-0.5, 0.5); G_w = 2*(-0.5) + (-1)(0.5) = -1.5 -> mean -0.75;
     * G_b = 0 -> w = 0.75, b = 0 */
    assert_int_equal(p[0], 3072);
    assert_int_equal(p[1], 0);
}

/* ---------------- circuit ---------------- */

static void circuit_case(const zk_train_spec *s, uint32_t n, uint32_t d)
{
    uint32_t lr = 0, lc = 0;
    while ((1u << lr) < n + 16)
        lr++;
    while ((1u << lc) < d + 1)
        lc++;
    int64_t *x = malloc((size_t)n * d * sizeof *x), *y = malloc(n * sizeof *y);
    synth(n, d, x, y);
    gl_t *tab = table(x, y, n, d, lr, lc);
    uint32_t np = zk_train_n_params(s, d);
    int64_t *w0 = malloc(np * sizeof *w0), *w = malloc(np * sizeof *w);
    zk_train_init(s, d, w0);
    memcpy(w, w0, np * sizeof *w);
    assert_int_equal(zk_train_run_fx(s, x, y, n, d, 0, s->epochs, w), ZK_OK);
    uint32_t *wout = malloc(np * sizeof *wout), *wout2 = malloc(np * sizeof *wout2);
    uint32_t first = 0;
    zk_cs *cs = build(s, tab, n, d, lr, lc, w0, 0, s->epochs, wout, &first);
    for (uint32_t q = 0; q < np; q++)
        assert_int_equal(zk_cs_value_i64(cs, wout[q]), w[q]);
    assert_int_equal(zk_cs_check(cs), ZK_OK);
    print_message("# circuit %s n=%u d=%u batch=%u epochs=%u: %u constraints, %u wires\n",
                  s->kind == ZK_TRAIN_MLP ? "mlp" : "logreg", n, d, s->batch_size, s->epochs,
                  zk_cs_n_constraints(cs), zk_cs_n_wires(cs));
    /* verifier mode: same structure */
    zk_cs *vs = build(s, NULL, n, d, lr, lc, w0, 0, s->epochs, wout2, NULL);
    assert_int_equal(zk_cs_n_constraints(vs), zk_cs_n_constraints(cs));
    assert_int_equal(zk_cs_n_wires(vs), zk_cs_n_wires(cs));
    assert_memory_equal(wout, wout2, np * sizeof *wout);
    uint8_t d1[32], d2[32];
    r1cs_digest(cs, d1);
    r1cs_digest(vs, d2);
    assert_memory_equal(d1, d2, 32);
    zk_cs_free(vs);
    /* tampered witness values are caught: every wire after the inputs, sampled */
    uint32_t nw = zk_cs_n_wires(cs);
    for (uint32_t q = 0; q < np; q++) { /* the trained weights */
        gl_t old = zk_cs_value(cs, wout[q]);
        zk_cs_set_value(cs, wout[q], gl_add(old, 1));
        assert_int_not_equal(zk_cs_check(cs), ZK_OK);
        zk_cs_set_value(cs, wout[q], old);
    }
    /* random wires that a constraint or a matrix product reads: all but the
     * inverse hints of "nonzero" tests whose sum is 0 (S * inv = c,
     * S (1 - c) = 0 leave inv free when S = 0) must be caught. The products'
     * blinding wires (column pads, Libra masks) and the segments' alignment
     * fillers are free by design (docs/circuit.md) and are not sampled. */
    uint8_t *used = calloc(nw, 1);
    assert_non_null(used);
    for (int mtx = 0; mtx < 3; mtx++)
        for (uint64_t q = 0; q < cs->m[mtx].row_ptr[cs->n_cons]; q++)
            used[cs->m[mtx].wire[q]] = 1;
    for (uint32_t b = 0; b < cs->n_mm; b++) {
        const zk_cs_matmul_block *mb = &cs->mm[b];
        for (uint64_t q = 0; q < ((uint64_t)1 << (mb->bv + mb->cv)); q++)
            used[mb->z + q] = 1;
    }
    uint32_t n_used = 0;
    for (uint32_t q = first; q < nw; q++)
        n_used += used[q];
    assert_true(n_used > 0);
    int caught = 0, tries = 60;
    for (int k = 0; k < tries; k++) {
        uint32_t wire;
        do
            wire = first + (uint32_t)(test_rng_u64(&g_rng) % (nw - first));
        while (!used[wire]);
        gl_t old = zk_cs_value(cs, wire);
        zk_cs_set_value(cs, wire, gl_add(old, 1));
        caught += zk_cs_check(cs) != ZK_OK;
        zk_cs_set_value(cs, wire, old);
    }
    free(used);
    print_message("#   tampered random witness values caught: %d/%d\n", caught, tries);
    assert_true(caught >= tries * 8 / 10);
    assert_int_equal(zk_cs_check(cs), ZK_OK);
    zk_cs_free(cs);
    /* chunking: epochs [0,1) then [1, epochs) give the same weights */
    if (s->epochs > 1) {
        uint32_t *mid = malloc(np * sizeof *mid);
        int64_t *wm = calloc(np, sizeof *wm);
        assert_non_null(wm);
        zk_cs *c1 = build(s, tab, n, d, lr, lc, w0, 0, 1, mid, NULL);
        for (uint32_t q = 0; q < np; q++)
            wm[q] = zk_cs_value_i64(c1, mid[q]);
        assert_int_equal(zk_cs_check(c1), ZK_OK);
        zk_cs_free(c1);
        zk_cs *c2 = build(s, tab, n, d, lr, lc, wm, 1, s->epochs, wout, NULL);
        for (uint32_t q = 0; q < np; q++)
            assert_int_equal(zk_cs_value_i64(c2, wout[q]), w[q]);
        zk_cs_free(c2);
        free(mid);
        free(wm);
    }
    free(x);
    free(y);
    free(tab);
    free(w0);
    free(w);
    free(wout);
    free(wout2);
}

static void test_circuit_logreg(void **state)
{
    (void)state;
    zk_train_spec s;
    spec_small(&s, ZK_TRAIN_LOGREG, 0);
    circuit_case(&s, 32, 4);
    spec_small(&s, ZK_TRAIN_LOGREG, 10); /* mini-batches 10, 10, 10, 2 */
    s.init_zero = 0;
    s.seed = 3;
    s.init_range = 3000;
    circuit_case(&s, 32, 4);
}

static void test_circuit_mlp(void **state)
{
    (void)state;
    zk_train_spec s;
    spec_small(&s, ZK_TRAIN_MLP, 0);
    circuit_case(&s, 32, 4);
    spec_small(&s, ZK_TRAIN_MLP, 16);
    s.epochs = 2;
    circuit_case(&s, 32, 4);
}

/* Every sigmoid region and sign, through the circuit's gadget: rows with
 * logits spread over [-6, 6] (one feature, w = 1). */
static void test_circuit_sigmoid_regions(void **state)
{
    (void)state;
    zk_train_spec s;
    spec_small(&s, ZK_TRAIN_LOGREG, 0);
    s.epochs = 1;
    s.init_zero = 0;
    const uint32_t n = 200, d = 1, lr = 8, lc = 1;
    int64_t x[200], y[200];
    for (uint32_t i = 0; i < n; i++) {
        x[i] = (int64_t)i * 250 - 25000 + (int64_t)(test_rng_u64(&g_rng) % 200);
        if (i < 12) /* exact thresholds */
            x[i] = (i % 2 ? -1 : 1) * (int64_t[]){4096, 9728, 20480, 0, 3, 4095}[i / 2];
        y[i] = (i % 3) ? 4096 : 0;
    }
    gl_t *tab = table(x, y, n, d, lr, lc);
    int64_t w0[2] = {4096, 0};
    uint32_t wout[2];
    zk_cs *cs = build(&s, tab, n, d, lr, lc, w0, 0, 1, wout, NULL);
    assert_int_equal(zk_cs_check(cs), ZK_OK);
    int64_t w[2] = {4096, 0};
    assert_int_equal(zk_train_run_fx(&s, x, y, n, d, 0, 1, w), ZK_OK);
    assert_int_equal(zk_cs_value_i64(cs, wout[0]), w[0]);
    assert_int_equal(zk_cs_value_i64(cs, wout[1]), w[1]);
    zk_cs_free(cs);
    free(tab);
}

/* ---------------- proofs ---------------- */

/* A committed synthetic training set: n x d features + label "y" (last). */
static void commit_synth(zk_dataset_private *dp, uint32_t n, uint32_t d)
{
    zk_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.meta.n_rows = n;
    ds.meta.n_cols = d + 1;
    ds.meta.scale_bits = 12;
    while ((1u << ds.meta.log_rows) < n + ZK_DATASET_MIN_BLIND_ROWS)
        ds.meta.log_rows++;
    while ((1u << ds.meta.log_cols) < d + 1)
        ds.meta.log_cols++;
    ds.meta.col_names = calloc(d + 1, sizeof *ds.meta.col_names);
    for (uint32_t j = 0; j <= d; j++) {
        char nm[16];
        snprintf(nm, sizeof nm, j == d ? "y" : "f%u", j);
        ds.meta.col_names[j] = strdup(nm);
    }
    ds.values = malloc((size_t)n * (d + 1) * sizeof *ds.values);
    int64_t *x = malloc((size_t)n * d * sizeof *x), *y = malloc(n * sizeof *y);
    synth(n, d, x, y);
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < d; j++)
            ds.values[(size_t)i * (d + 1) + j] = x[(size_t)i * d + j];
        ds.values[(size_t)i * (d + 1) + d] = y[i];
    }
    int cst = zk_dataset_commit(dp, &ds, 0);
    if (cst != ZK_OK)
        print_message("# commit: %s\n", zk_last_error());
    assert_int_equal(cst, ZK_OK);
    free(x);
    free(y);
    zk_dataset_free(&ds);
}

static const uint8_t k_spec_digest[ZK_HASH_BYTES] = {1, 2, 3};

static int verify_with(const zk_train_spec *s, const uint8_t *dg, const zk_dataset_commitment *dc,
                       const zk_model_commitment *mc, const zk_wbuf *pf)
{
    zk_train_report rep;
    return zk_train_verify(s, dg, dc, mc, pf->data, pf->len, &rep);
}

/* Two committed training sets (32 x 4 + label), committed once for all proof tests. */
static zk_dataset_private g_dp, g_dp2;
static int g_have_data;

static void need_data(void)
{
    if (!g_have_data) {
        commit_synth(&g_dp, 32, 4);
        commit_synth(&g_dp2, 32, 4);
        g_have_data = 1;
    }
}

static int teardown(void **state)
{
    (void)state;
    if (g_have_data) {
        zk_dataset_private_free(&g_dp);
        zk_dataset_private_free(&g_dp2);
    }
    return 0;
}

static void proof_case(zk_train_kind kind, uint32_t batch, int full)
{
    const uint32_t n = 32, d = 4;
    need_data();
    zk_dataset_private dp = g_dp, dp2 = g_dp2;
    zk_train_spec s;
    spec_small(&s, kind, batch);
    s.epochs_per_chunk = 2; /* chunks [0,2) and [2,3) */
    s.init_zero = 0;
    s.seed = 11;
    s.init_range = 1200;
    zk_model_private mp;
    zk_wbuf pf;
    zk_wbuf_init(&pf);
    zk_train_report rep;
    uint32_t used0 = dp.openings_used;
    int pst = zk_train_prove(&s, k_spec_digest, &dp, &mp, &pf, &rep);
    if (pst != ZK_OK)
        print_message("# prove: %s\n", zk_last_error());
    assert_int_equal(pst, ZK_OK);
    assert_int_equal(dp.openings_used, used0 + 2);
    g_dp.openings_used = dp.openings_used;
    assert_int_equal(rep.n_chunks, 2);
    /* the committed model is the reference trainer's */
    {
        uint32_t np = zk_train_n_params(&s, d);
        int64_t *x = malloc((size_t)n * d * sizeof *x), *y = malloc(n * sizeof *y), *w = malloc(np * sizeof *w);
        for (uint32_t i = 0; i < n; i++) {
            for (uint32_t j = 0; j < d; j++)
                x[(size_t)i * d + j] = zk_dataset_private_value(&dp, i, j);
            y[i] = zk_dataset_private_value(&dp, i, d);
        }
        zk_train_init(&s, d, w);
        assert_int_equal(zk_train_run_fx(&s, x, y, n, d, 0, s.epochs, w), ZK_OK);
        for (uint32_t q = 0; q < np; q++)
            assert_int_equal(gl_to_i64(mp.wit.evals[q]), w[q]);
        free(x);
        free(y);
        free(w);
    }
    zk_train_report vr;
    int vst = zk_train_verify(&s, k_spec_digest, &dp.com, &mp.com, pf.data, pf.len, &vr);
    if (vst != ZK_OK)
        print_message("# verify: %s\n", zk_last_error());
    assert_int_equal(vst, ZK_OK);
    print_message("# proof %s batch %u, 32x4, 3 epochs in 2 chunks: %llu constraints, %zu bytes, prove %.2f s, "
                  "verify %.3f s, %.1f bits\n",
                  kind == ZK_TRAIN_MLP ? "mlp" : "logreg", batch, (unsigned long long)rep.constraints, pf.len,
                  rep.seconds, vr.seconds, vr.security_bits);
    assert_true(vr.security_bits >= 100);

    zk_train_spec t = s;
    t.lr = s.lr - 1; /* another learning rate */
    assert_int_equal(verify_with(&t, k_spec_digest, &dp.com, &mp.com, &pf), ZK_ERR_REJECT);
    if (!full) {
        for (int k = 0; k < 4; k++) {
            size_t pos = 16 + (size_t)(test_rng_u64(&g_rng) % (pf.len - 16));
            pf.data[pos] ^= 1;
            assert_int_not_equal(verify_with(&s, k_spec_digest, &dp.com, &mp.com, &pf), ZK_OK);
            pf.data[pos] ^= 1;
        }
        zk_wbuf_free(&pf);
        zk_model_private_free(&mp);
        return;
    }
    /* a different seed, learning rate, epoch count, chunking or spec file */
    t = s;
    t.seed = 12;
    assert_int_equal(verify_with(&t, k_spec_digest, &dp.com, &mp.com, &pf), ZK_ERR_REJECT);
    t = s;
    t.lr = 2047;
    assert_int_equal(verify_with(&t, k_spec_digest, &dp.com, &mp.com, &pf), ZK_ERR_REJECT);
    t = s;
    t.epochs = 4; /* also 2 chunks */
    assert_int_not_equal(verify_with(&t, k_spec_digest, &dp.com, &mp.com, &pf), ZK_OK);
    t = s;
    t.epochs = 2; /* 1 chunk */
    assert_int_not_equal(verify_with(&t, k_spec_digest, &dp.com, &mp.com, &pf), ZK_OK);
    t = s;
    t.batch_size = 8;
    assert_int_not_equal(verify_with(&t, k_spec_digest, &dp.com, &mp.com, &pf), ZK_OK);
    uint8_t dg2[ZK_HASH_BYTES] = {1, 2, 4};
    assert_int_equal(verify_with(&s, dg2, &dp.com, &mp.com, &pf), ZK_ERR_REJECT);
    /* a different dataset */
    assert_int_equal(verify_with(&s, k_spec_digest, &dp2.com, &mp.com, &pf), ZK_ERR_REJECT);
    /* different weights: a commitment to the same architecture with other values */
    {
        zk_model m2;
        uint32_t np = zk_train_n_params(&s, d);
        int64_t *w = malloc(np * sizeof *w);
        for (uint32_t q = 0; q < np; q++)
            w[q] = gl_to_i64(mp.wit.evals[q]);
        w[0] += 1;
        assert_int_equal(zk_train_to_model(&m2, &s, d, w), ZK_OK);
        zk_model_private mp2;
        assert_int_equal(zk_model_commit(&mp2, &m2), ZK_OK);
        assert_int_equal(verify_with(&s, k_spec_digest, &dp.com, &mp2.com, &pf), ZK_ERR_REJECT);
        /* the honest weights recommitted (fresh blinding): also rejected (a different commitment) */
        w[0] -= 1;
        zk_model_free(&m2);
        zk_model_private_free(&mp2);
        assert_int_equal(zk_train_to_model(&m2, &s, d, w), ZK_OK);
        assert_int_equal(zk_model_commit(&mp2, &m2), ZK_OK);
        assert_int_equal(verify_with(&s, k_spec_digest, &dp.com, &mp2.com, &pf), ZK_ERR_REJECT);
        zk_model_free(&m2);
        zk_model_private_free(&mp2);
        free(w);
    }
    /* tampered bytes anywhere */
    for (int k = 0; k < 24; k++) {
        size_t pos = 16 + (size_t)(test_rng_u64(&g_rng) % (pf.len - 16));
        uint8_t old = pf.data[pos];
        pf.data[pos] ^= (uint8_t)(1u << (test_rng_u64(&g_rng) % 8));
        assert_int_not_equal(verify_with(&s, k_spec_digest, &dp.com, &mp.com, &pf), ZK_OK);
        pf.data[pos] = old;
    }
    /* truncated, extended */
    pf.len--;
    assert_int_not_equal(verify_with(&s, k_spec_digest, &dp.com, &mp.com, &pf), ZK_OK);
    pf.len++;
    zk_wbuf_u8(&pf, 0);
    assert_int_not_equal(verify_with(&s, k_spec_digest, &dp.com, &mp.com, &pf), ZK_OK);
    pf.len--;
    assert_int_equal(verify_with(&s, k_spec_digest, &dp.com, &mp.com, &pf), ZK_OK);
    zk_wbuf_free(&pf);
    zk_model_private_free(&mp);
}

static void test_proof_logreg(void **state)
{
    (void)state;
    proof_case(ZK_TRAIN_LOGREG, 0, 1);
}

static void test_proof_mlp_minibatch(void **state)
{
    (void)state;
    proof_case(ZK_TRAIN_MLP, 12, 0);
}

/* A prover that trains with another learning rate cannot pass the honest
 * spec: the proof it makes is for its own spec. Inconsistent inputs are refused. */
static void test_proof_bad_input(void **state)
{
    (void)state;
    need_data();
    zk_dataset_private dp = g_dp;
    zk_train_spec s;
    spec_small(&s, ZK_TRAIN_LOGREG, 0);
    zk_model_private mp;
    zk_wbuf pf;
    zk_wbuf_init(&pf);
    snprintf(s.label, sizeof s.label, "f3");
    assert_int_equal(zk_train_prove(&s, k_spec_digest, &dp, &mp, &pf, NULL), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "label"));
    spec_small(&s, ZK_TRAIN_LOGREG, 0);
    s.scale = 10;
    assert_int_equal(zk_train_prove(&s, k_spec_digest, &dp, &mp, &pf, NULL), ZK_ERR_INPUT);
    spec_small(&s, ZK_TRAIN_LOGREG, 0);
    s.step_bits = 40; /* D q may need 40 + 6 + 24 + 1 bits */
    assert_int_equal(zk_train_prove(&s, k_spec_digest, &dp, &mp, &pf, NULL), ZK_ERR_RANGE);
    assert_int_equal(dp.openings_used, g_dp.openings_used); /* nothing reserved */
    /* a spec whose chunk circuit would be huge is refused before building (prover and verifier) */
    spec_small(&s, ZK_TRAIN_LOGREG, 0);
    s.epochs = 10000;
    s.epochs_per_chunk = 10000;
    assert_int_equal(zk_train_prove(&s, k_spec_digest, &dp, &mp, &pf, NULL), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "epochs_per_chunk"));
    {
        zk_model_private mq;
        zk_model m2;
        int64_t w[5] = {0, 0, 0, 0, 0};
        assert_int_equal(zk_train_to_model(&m2, &s, 4, w), ZK_OK);
        assert_int_equal(zk_model_commit(&mq, &m2), ZK_OK);
        uint8_t junk[64] = {0};
        assert_int_equal(zk_train_verify(&s, k_spec_digest, &dp.com, &mq.com, junk, sizeof junk, NULL), ZK_ERR_INPUT);
        assert_non_null(strstr(zk_last_error(), "epochs_per_chunk"));
        zk_model_free(&m2);
        zk_model_private_free(&mq);
    }
    zk_wbuf_free(&pf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fx_semantics),
        cmocka_unit_test(test_spec_parse),
        cmocka_unit_test(test_reference_by_hand),
        cmocka_unit_test(test_reference_breast_cancer),
        cmocka_unit_test(test_circuit_logreg),
        cmocka_unit_test(test_circuit_mlp),
        cmocka_unit_test(test_circuit_sigmoid_regions),
        cmocka_unit_test(test_proof_logreg),
        cmocka_unit_test(test_proof_mlp_minibatch),
        cmocka_unit_test(test_proof_bad_input),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
