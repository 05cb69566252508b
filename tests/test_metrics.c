/* Offline evaluation (metrics.h): spec parsing and its errors, the plain
 * counting reference against hand-computed confusion matrices, exact claim
 * comparison at the boundary, and eval proofs on small committed test sets
 * (binary sigmoid model, fairness groups, multi-class argmax, claims mode)
 * with soundness tests: a higher claimed accuracy, other counts, another
 * model commitment, another test set, tampered proof bytes, a raised claim
 * threshold — all rejected. */
#include <math.h>
#include <string.h>

#include "testutil.h"
#include "zkmlops/metrics.h"

/* ---------------------------------------------------------------- helpers */

static void make_meta(zk_dataset *ds, uint32_t rows, uint32_t cols, const char *const *names)
{
    memset(ds, 0, sizeof *ds);
    ds->meta.n_rows = rows;
    ds->meta.n_cols = cols;
    ds->meta.scale_bits = 12;
    zk_dataset_layout(rows, cols, &ds->meta.log_rows, &ds->meta.log_cols);
    ds->meta.col_names = calloc(cols, sizeof(char *));
    for (uint32_t j = 0; j < cols; j++)
        ds->meta.col_names[j] = strdup(names[j]);
    ds->values = calloc((size_t)rows * cols, sizeof(int64_t));
}

static int64_t rnd_fixed(test_rng *r, double lo, double hi)
{
    double u = (double)(test_rng_u64(r) >> 11) / 9007199254740992.0;
    return (int64_t)llround((lo + (hi - lo) * u) * 4096.0);
}

/* Logistic regression d -> 1 with sigmoid output. */
static void make_lr(zk_model *m, uint32_t d, const int64_t *w, int64_t b)
{
    uint32_t dims[2] = {d, 1};
    zk_op act[1] = {ZK_OP_SIGMOID};
    const int64_t *ws[1] = {w}, *bs[1] = {&b};
    assert_int_equal(zk_model_dense(m, 1, dims, act, 12, ws, bs), ZK_OK);
}

static const char *const names4[4] = {"f0", "f1", "sex", "label"};

/* 4 columns: f0, f1, sex (+-1), label (0/1, correlated with f0 + f1). */
static void make_binary_data(zk_dataset *ds, test_rng *r, uint32_t rows)
{
    make_meta(ds, rows, 4, names4);
    for (uint32_t i = 0; i < rows; i++) {
        int64_t f0 = rnd_fixed(r, -2, 2), f1 = rnd_fixed(r, -2, 2);
        int64_t noise = rnd_fixed(r, -1, 1);
        ds->values[i * 4 + 0] = f0;
        ds->values[i * 4 + 1] = f1;
        ds->values[i * 4 + 2] = (test_rng_u64(r) & 1) ? 4096 : -4096;
        ds->values[i * 4 + 3] = (f0 + f1 + noise) > 0 ? 4096 : 0;
    }
}

static int parse_spec(zk_metrics_spec *s, const char *json, const zk_dataset_meta *meta, const zk_model *m)
{
    return zk_metrics_spec_parse(s, "spec.json", json, strlen(json), meta, m);
}

/* ---------------------------------------------------------------- reference */

static void test_count_reference(void **state)
{
    (void)state;
    /* hand-computed: pred/label pairs (1,1)x3 (1,0)x2 (0,1)x1 (0,0)x4 */
    uint32_t pred[10] = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
    uint32_t lab[10] = {1, 1, 1, 0, 0, 1, 0, 0, 0, 0};
    uint8_t grp[10] = {1, 0, 1, 1, 0, 0, 0, 1, 1, 0};
    zk_metrics_counts c;
    zk_metrics_count(&c, pred, lab, grp, 10, 1);
    assert_int_equal(c.n, 10);
    assert_int_equal(c.tp, 3);
    assert_int_equal(c.fp, 2);
    assert_int_equal(c.fn, 1);
    assert_int_equal(c.tn, 4);
    assert_int_equal(c.correct, 7);
    /* group 1 = rows 0,2,3,7,8: pred 1,1,1,0,0 label 1,1,0,0,0 */
    assert_int_equal(c.g_n[1], 5);
    assert_int_equal(c.g_pred_pos[1], 3);
    assert_int_equal(c.g_label_pos[1], 2);
    assert_int_equal(c.g_tp[1], 2);
    assert_int_equal(c.g_n[0], 5);
    assert_int_equal(c.g_pred_pos[0], 2);
    assert_int_equal(c.g_label_pos[0], 2);
    assert_int_equal(c.g_tp[0], 1);
    int64_t num, den;
    zk_metrics_fraction(ZK_METRIC_ACCURACY, &c, &num, &den);
    assert_true(num == 7 && den == 10);
    zk_metrics_fraction(ZK_METRIC_PRECISION, &c, &num, &den);
    assert_true(num == 3 && den == 5);
    zk_metrics_fraction(ZK_METRIC_RECALL, &c, &num, &den);
    assert_true(num == 3 && den == 4);
    zk_metrics_fraction(ZK_METRIC_F1, &c, &num, &den); /* 6 / 9 = 2/3 */
    assert_true(num == 2 && den == 3);
    zk_metrics_fraction(ZK_METRIC_DP_DIFF, &c, &num, &den); /* 3/5 - 2/5 = 1/5 */
    assert_true(num == 1 && den == 5);
    zk_metrics_fraction(ZK_METRIC_EO_DIFF, &c, &num, &den); /* 2/2 - 1/2 = 1/2 */
    assert_true(num == 1 && den == 2);
    /* positive class 0: tp = (0,0) pairs */
    zk_metrics_count(&c, pred, lab, NULL, 10, 0);
    assert_int_equal(c.tp, 4);
    assert_int_equal(c.tn, 3);
    assert_int_equal(c.fp, 1);
    assert_int_equal(c.fn, 2);
    assert_int_equal(c.correct, 7);
    /* multi-class correct count */
    uint32_t p3[6] = {0, 1, 2, 2, 1, 0}, l3[6] = {0, 1, 1, 2, 0, 0};
    zk_metrics_count(&c, p3, l3, NULL, 6, 2);
    assert_int_equal(c.correct, 4);
    assert_int_equal(c.tp, 1);
    assert_int_equal(c.fp, 1);
    assert_int_equal(c.fn, 0);
}

static void test_claims_exact(void **state)
{
    (void)state;
    zk_metrics_counts c = {.n = 20, .correct = 19, .tp = 9, .fp = 1, .tn = 9, .fn = 1};
    zk_metric_claim cl = {ZK_METRIC_ACCURACY, 1, 95, 100};
    assert_true(zk_metrics_claim_holds(&cl, &c)); /* 19/20 = 0.95 exactly */
    cl.num = 951, cl.den = 1000;
    assert_false(zk_metrics_claim_holds(&cl, &c));
    cl.at_least = 0; /* <= 0.951 */
    assert_true(zk_metrics_claim_holds(&cl, &c));
    zk_metric_claim pr = {ZK_METRIC_PRECISION, 1, 9, 10};
    assert_true(zk_metrics_claim_holds(&pr, &c));
    c.tp = 0, c.fp = 0;
    assert_false(zk_metrics_claim_holds(&pr, &c)); /* undefined never holds */
}

static void test_spec_errors(void **state)
{
    (void)state;
    zk_dataset ds;
    make_meta(&ds, 4, 4, names4);
    zk_model m;
    int64_t w[3] = {1, 2, 3};
    make_lr(&m, 3, w, 0);
    zk_metrics_spec s;
    assert_int_equal(parse_spec(&s, "{\"label\": \"label\"}", &ds.meta, &m), ZK_OK);
    assert_int_equal(s.label_col, 3);
    assert_int_equal(s.n_features, 3);
    assert_int_equal(s.positive_class, 1);
    zk_metrics_spec_free(&s);
    assert_int_equal(parse_spec(&s, "{\"label\": \"nope\"}", &ds.meta, &m), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "column 'nope' does not exist"));
    assert_int_equal(parse_spec(&s, "{\"label\": \"label\", \"sensitive\": {\"column\": \"race\", \"split_at\": 0}}",
                                &ds.meta, &m),
                     ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "'race' does not exist"));
    assert_int_equal(parse_spec(&s, "{\"label\": \"label\", \"features\": [\"f0\", \"zz\", \"sex\"]}", &ds.meta, &m),
                     ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "'zz' does not exist"));
    assert_int_equal(parse_spec(&s, "{\"label\": \"label\", \"features\": [\"f0\", \"f1\"]}", &ds.meta, &m),
                     ZK_ERR_INPUT); /* model takes 3 inputs */
    assert_int_equal(parse_spec(&s, "{\"label\": \"label\", \"claims\": [{\"metric\": \"auc\", \"at_least\": 0.9}]}",
                                &ds.meta, &m),
                     ZK_ERR_INPUT);
    assert_int_equal(parse_spec(&s, "{\"label\": \"label\", \"claims\": [{\"metric\": \"accuracy\", \"at_least\": 1.5}]}",
                                &ds.meta, &m),
                     ZK_ERR_INPUT);
    assert_int_equal(parse_spec(&s,
                                "{\"label\": \"label\", \"claims\": [{\"metric\": "
                                "\"demographic_parity_difference\", \"at_most\": 0.1}]}",
                                &ds.meta, &m),
                     ZK_ERR_INPUT); /* needs a sensitive attribute */
    assert_int_equal(parse_spec(&s, "{\"label\": ", &ds.meta, &m), ZK_ERR_INPUT);
    assert_int_equal(parse_spec(&s,
                                "{\"label\": \"label\", \"claims\": [{\"metric\": \"accuracy\", \"at_least\": 0.875}]}",
                                &ds.meta, &m),
                     ZK_OK);
    assert_int_equal(s.n_claims, 1);
    assert_true(s.claims[0].num * 1000 == 875 * s.claims[0].den);
    zk_metrics_spec_free(&s);
    zk_model_free(&m);
    zk_dataset_free(&ds);
}

/* ---------------------------------------------------------------- proofs */

typedef struct {
    zk_dataset ds;
    zk_dataset_private dp;
    zk_model_private mp;
    zk_model model;
} fixture;

static void fixture_binary(fixture *f, uint64_t seed, uint32_t rows)
{
    test_rng r;
    test_rng_seed(&r, seed);
    make_binary_data(&f->ds, &r, rows);
    assert_int_equal(zk_dataset_commit(&f->dp, &f->ds, 0), ZK_OK);
    int64_t w[3] = {4096 * 2, 4096 * 2, 300};
    make_lr(&f->model, 3, w, (int64_t)(test_rng_u64(&r) % 2000) - 1000);
    assert_int_equal(zk_model_commit(&f->mp, &f->model), ZK_OK);
}

static void fixture_free(fixture *f)
{
    zk_dataset_private_free(&f->dp);
    zk_model_private_free(&f->mp);
    zk_model_free(&f->model);
    zk_dataset_free(&f->ds);
}

static int prove(fixture *f, const zk_metrics_spec *s, const zk_metrics_counts *c, zk_wbuf *proof)
{
    zk_wbuf_init(proof);
    return zk_eval_prove(&f->mp, &f->dp, s, c, proof);
}

static int verify(fixture *f, const zk_metrics_spec *s, const zk_metrics_counts *c, const zk_wbuf *proof)
{
    zk_spartan_security sec;
    return zk_eval_verify(&f->mp.com, &f->dp.com, s, c, proof->data, proof->len, &sec);
}

/* One binary fixture shared by the binary proofs (dataset commitments are the slow part). */
static fixture BF;
static int BF_made;

static fixture *binary_fixture(void)
{
    if (!BF_made) {
        fixture_binary(&BF, test_seed() + 11, 40);
        BF_made = 1;
    }
    return &BF;
}

static int group_teardown(void **state)
{
    (void)state;
    if (BF_made)
        fixture_free(&BF);
    return 0;
}

static void test_eval_binary_fairness(void **state)
{
    (void)state;
    fixture f = *binary_fixture();
    zk_metrics_spec s;
    assert_int_equal(parse_spec(&s,
                                "{\"label\": \"label\", \"sensitive\": {\"column\": \"sex\", \"split_at\": 0, "
                                "\"groups\": [\"a\", \"b\"]}}",
                                &f.dp.com.meta, &f.model),
                     ZK_OK);
    zk_metrics_counts c;
    assert_int_equal(zk_metrics_compute(&c, &f.model, &f.dp, &s), ZK_OK);
    /* independent recount: run the model row by row */
    uint64_t correct = 0, g1 = 0;
    for (uint32_t i = 0; i < 40; i++) {
        int64_t in[3], out[1];
        for (int k = 0; k < 3; k++)
            in[k] = f.ds.values[i * 4 + (uint32_t)k];
        assert_int_equal(zk_model_run_fx(&f.model, in, 1, out), ZK_OK);
        uint32_t p = out[0] >= 2048;
        correct += p == (uint32_t)(f.ds.values[i * 4 + 3] / 4096);
        g1 += f.ds.values[i * 4 + 2] >= 0;
    }
    assert_int_equal(c.correct, correct);
    assert_int_equal(c.g_n[1], g1);
    assert_true(c.correct > 20); /* the model is informative */

    zk_wbuf proof;
    assert_int_equal(prove(&f, &s, &c, &proof), ZK_OK);
    assert_int_equal(verify(&f, &s, &c, &proof), ZK_OK);
    /* higher accuracy claimed (correct + 1, tn + 1, fn - 1 keeps the totals consistent) */
    zk_metrics_counts bad = c;
    if (bad.fn > 0) {
        bad.correct++, bad.tn++, bad.fn--;
        assert_int_equal(verify(&f, &s, &bad, &proof), ZK_ERR_REJECT);
    }
    bad = c;
    bad.correct++;
    assert_int_not_equal(verify(&f, &s, &bad, &proof), ZK_OK);
    bad = c;
    bad.g_pred_pos[1]++, bad.g_pred_pos[0]--;
    assert_int_equal(verify(&f, &s, &bad, &proof), ZK_ERR_REJECT);
    /* tampered bytes */
    for (size_t k = 0; k < 6; k++) {
        size_t at = 20 + (proof.len - 21) * k / 6;
        proof.data[at] ^= 0x10;
        assert_int_not_equal(verify(&f, &s, &c, &proof), ZK_OK);
        proof.data[at] ^= 0x10;
    }
    assert_int_equal(verify(&f, &s, &c, &proof), ZK_OK);
    /* another model commitment (same weights, fresh blinding) and another test set */
    zk_model_private other;
    assert_int_equal(zk_model_commit(&other, &f.model), ZK_OK);
    zk_spartan_security sec;
    assert_int_equal(zk_eval_verify(&other.com, &f.dp.com, &s, &c, proof.data, proof.len, &sec), ZK_ERR_REJECT);
    zk_model_private_free(&other);
    zk_dataset_private od;
    assert_int_equal(zk_dataset_commit(&od, &f.ds, 0), ZK_OK);
    assert_int_equal(zk_eval_verify(&f.mp.com, &od.com, &s, &c, proof.data, proof.len, &sec), ZK_ERR_REJECT);
    zk_dataset_private_free(&od);
    /* a proof with wrong counts cannot be produced */
    zk_wbuf p2;
    assert_int_not_equal(prove(&f, &s, &bad, &p2), ZK_OK);
    zk_wbuf_free(&p2);
    zk_wbuf_free(&proof);
    zk_metrics_spec_free(&s);
}

static void test_eval_claims(void **state)
{
    (void)state;
    fixture f = *binary_fixture();
    zk_metrics_spec tmp;
    assert_int_equal(parse_spec(&tmp, "{\"label\": \"label\", \"sensitive\": {\"column\": \"sex\", \"split_at\": 0}}",
                                &f.dp.com.meta, &f.model),
                     ZK_OK);
    zk_metrics_counts c;
    assert_int_equal(zk_metrics_compute(&c, &f.model, &f.dp, &tmp), ZK_OK);
    zk_metrics_spec_free(&tmp);
    /* claim exactly the true accuracy (boundary), as a decimal with denominator 10^k when possible */
    char json[512];
    double acc_floor = floor((double)c.correct * 1000.0 / (double)c.n) / 1000.0;
    snprintf(json, sizeof json,
             "{\"label\": \"label\", \"sensitive\": {\"column\": \"sex\", \"split_at\": 0},"
             " \"claims\": [{\"metric\": \"accuracy\", \"at_least\": %.3f}, {\"metric\": \"f1\", \"at_least\": 0.1},"
             " {\"metric\": \"demographic_parity_difference\", \"at_most\": 1}]}",
             acc_floor);
    zk_metrics_spec s;
    assert_int_equal(parse_spec(&s, json, &f.dp.com.meta, &f.model), ZK_OK);
    zk_metrics_counts pub = {.n = c.n}; /* claims mode: nothing else public */
    zk_wbuf proof;
    int rc = prove(&f, &s, &c, &proof);
    if (rc != ZK_OK)
        print_message("prove: %s\n", zk_last_error());
    assert_int_equal(rc, ZK_OK);
    assert_int_equal(verify(&f, &s, &pub, &proof), ZK_OK);
    /* raise the accuracy threshold just above the truth: the verifier rejects the same proof */
    zk_metrics_spec hi = s;
    hi.claims[0].num = (int64_t)c.correct * 1000 / (int64_t)c.n + 1;
    hi.claims[0].den = 1000;
    assert_false(zk_metrics_claim_holds(&hi.claims[0], &c));
    assert_int_equal(verify(&f, &hi, &pub, &proof), ZK_ERR_REJECT);
    /* and the prover refuses to prove it */
    zk_wbuf p2;
    assert_int_equal(prove(&f, &hi, &c, &p2), ZK_ERR_INPUT);
    zk_wbuf_free(&p2);
    zk_wbuf_free(&proof);
    zk_metrics_spec_free(&s);
}

static void test_eval_multiclass(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 13);
    static const char *const nm[3] = {"a", "b", "y"};
    fixture f;
    make_meta(&f.ds, 24, 3, nm);
    for (uint32_t i = 0; i < 24; i++) {
        int64_t a = rnd_fixed(&r, -1, 1), b = rnd_fixed(&r, -1, 1);
        f.ds.values[i * 3] = a;
        f.ds.values[i * 3 + 1] = b;
        uint32_t y = (uint32_t)(test_rng_u64(&r) % 3);
        f.ds.values[i * 3 + 2] = (int64_t)y * 4096;
    }
    assert_int_equal(zk_dataset_commit(&f.dp, &f.ds, 0), ZK_OK);
    uint32_t dims[2] = {2, 3};
    zk_op act[1] = {ZK_OP_IDENTITY};
    int64_t w[6] = {4096, 0, 0, 4096, -4096, -4096}, b[3] = {0, 0, 0};
    const int64_t *ws[1] = {w}, *bs[1] = {b};
    assert_int_equal(zk_model_dense(&f.model, 1, dims, act, 12, ws, bs), ZK_OK);
    assert_int_equal(zk_model_commit(&f.mp, &f.model), ZK_OK);
    zk_metrics_spec s;
    assert_int_equal(parse_spec(&s, "{\"label\": \"y\", \"positive_class\": 2}", &f.dp.com.meta, &f.model), ZK_OK);
    zk_metrics_counts c;
    assert_int_equal(zk_metrics_compute(&c, &f.model, &f.dp, &s), ZK_OK);
    uint64_t correct = 0;
    for (uint32_t i = 0; i < 24; i++) {
        int64_t a = f.ds.values[i * 3], bb = f.ds.values[i * 3 + 1];
        int64_t o[3] = {a, bb, -a - bb};
        uint32_t p = 0;
        for (uint32_t k = 1; k < 3; k++)
            if (o[k] > o[p])
                p = k;
        correct += p == (uint32_t)(f.ds.values[i * 3 + 2] / 4096);
    }
    assert_int_equal(c.correct, correct);
    zk_wbuf proof;
    assert_int_equal(prove(&f, &s, &c, &proof), ZK_OK);
    assert_int_equal(verify(&f, &s, &c, &proof), ZK_OK);
    zk_metrics_counts bad = c;
    bad.correct = c.correct + 1 <= c.n ? c.correct + 1 : c.correct - 1;
    assert_int_equal(verify(&f, &s, &bad, &proof), ZK_ERR_REJECT);
    zk_wbuf_free(&proof);
    zk_metrics_spec_free(&s);
    fixture_free(&f);
}

static void test_bad_label(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 14);
    zk_dataset ds;
    make_binary_data(&ds, &r, 10);
    ds.values[5 * 4 + 3] = 2048; /* 0.5 is not a class */
    zk_model m;
    int64_t w[3] = {1, 1, 1};
    make_lr(&m, 3, w, 0);
    /* zk_metrics_compute reads the private table only: build it by hand (no commitment needed) */
    zk_dataset_private dp;
    memset(&dp, 0, sizeof dp);
    dp.com.meta = ds.meta;
    size_t total = (size_t)1 << (ds.meta.log_rows + ds.meta.log_cols);
    gl_t *ev = calloc(total, sizeof *ev);
    for (uint32_t i = 0; i < 10; i++)
        for (uint32_t j = 0; j < 4; j++)
            ev[i + ((size_t)j << ds.meta.log_rows)] = gl_from_i64(ds.values[i * 4 + j]);
    dp.wit.evals = ev;
    zk_metrics_spec s;
    assert_int_equal(parse_spec(&s, "{\"label\": \"label\"}", &dp.com.meta, &m), ZK_OK);
    zk_metrics_counts c;
    assert_int_equal(zk_metrics_compute(&c, &m, &dp, &s), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "row 6"));
    ds.values[5 * 4 + 3] = 4096;
    ev[5 + ((size_t)3 << ds.meta.log_rows)] = 4096;
    assert_int_equal(zk_metrics_compute(&c, &m, &dp, &s), ZK_OK);
    assert_int_equal(c.n, 10);
    zk_metrics_spec_free(&s);
    free(ev);
    zk_model_free(&m);
    zk_dataset_free(&ds);
}

int main(void)
{
    test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_reference), cmocka_unit_test(test_claims_exact),
        cmocka_unit_test(test_spec_errors),     cmocka_unit_test(test_eval_binary_fairness),
        cmocka_unit_test(test_eval_claims),     cmocka_unit_test(test_eval_multiclass),
        cmocka_unit_test(test_bad_label),
    };
    return cmocka_run_group_tests(tests, NULL, group_teardown);
}
