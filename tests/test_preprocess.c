/* Preprocessing: pipeline parsing errors, the split permutation, every
 * transform of the reference against floating-point formulas, the circuit
 * (zk_cs_check) against the reference, prove/verify and soundness. */
#include <math.h>
#include <string.h>

#include "testutil.h"
#include "zkmlops/circuit.h"
#include "zkmlops/preprocess.h"
#include "zkmlops/range.h"

#define ROWS 40u
#define SCALE 12u

/* CSV with columns a,b,c,d,y: a in [-50,50], b in [0,1000] with some -1 sentinels
 * (rows 3 and 17), c categorical {1,2,3}, d in [-2,2] fractional, y = 0/1. */
static void make_raw(zk_dataset *ds, test_rng *rng, int with_missing)
{
    char *csv = malloc(64 * (ROWS + 1) * 5 + 64);
    size_t n = (size_t)sprintf(csv, "a,b,c,d,y\n");
    for (uint32_t i = 0; i < ROWS; i++) {
        double a = (double)((int64_t)(test_rng_u64(rng) % 10001) - 5000) / 100.0;
        double b = (double)(test_rng_u64(rng) % 100001) / 100.0;
        if (with_missing && (i == 3 || i == 17))
            b = -1;
        int c = 1 + (int)(test_rng_u64(rng) % 3);
        double d = (double)((int64_t)(test_rng_u64(rng) % 4001) - 2000) / 1000.0;
        int y = (int)(test_rng_u64(rng) % 2);
        n += (size_t)sprintf(csv + n, "%.2f,%.2f,%d,%.3f,%d\n", a, b, c, d, y);
    }
    assert_int_equal(zk_dataset_parse_csv(ds, "gen.csv", csv, n, SCALE), ZK_OK);
    free(csv);
}

static int parse(zk_prep_pipeline *pl, const char *json, const zk_dataset_meta *m)
{
    return zk_prep_pipeline_parse(pl, "prep.json", json, strlen(json), m);
}

static void expect_error(const zk_dataset_meta *m, const char *json, const char *msg)
{
    zk_prep_pipeline pl;
    int st = parse(&pl, json, m);
    if (st != ZK_ERR_INPUT || !strstr(zk_last_error(), msg))
        fail_msg("expected '%s', got %d '%s' for %s", msg, st, zk_last_error(), json);
}

static void test_parse_errors(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed());
    zk_dataset ds;
    make_raw(&ds, &rng, 0);
    const zk_dataset_meta *m = &ds.meta;
#define SPL "\"split\":{\"seed\":1,\"test_fraction\":0.25}"
#define HDR "{\"format\":\"zkmlops-pipeline/v1\",\"label\":\"y\"," SPL ","
    expect_error(m, HDR "\"transforms\":[{\"op\":\"standardize\"},{\"op\":\"minmax\",\"columns\":[\"a\"]},"
                        "{\"op\":\"clip\",\"columns\":[\"foo\"],\"min\":0,\"max\":1}]}",
                 "prep.json: transforms[2].columns[0]: no column 'foo' in the commitment's schema");
    expect_error(m, HDR "\"transforms\":[{\"op\":\"whiten\"}]}", "transforms[0].op: unknown transform 'whiten'");
    expect_error(m, HDR "\"transforms\":[{\"op\":\"binarize\",\"column\":\"zz\",\"threshold\":1}]}",
                 "transforms[0].column: no column 'zz'");
    expect_error(m, HDR "\"transforms\":[{\"op\":\"one_hot\",\"column\":\"c\",\"categories\":[1,2]},"
                        "{\"op\":\"clip\",\"columns\":[\"c\"],\"min\":0,\"max\":1}]}",
                 "transforms[1].columns[0]: column 'c' no longer exists");
    expect_error(m, HDR "\"transforms\":[{\"op\":\"drop_missing\"}]}", "needs a \"missing\" sentinel");
    expect_error(m, HDR "\"missing\":-1,\"transforms\":[{\"op\":\"standardize\"},{\"op\":\"drop_missing\"}]}",
                 "drop_missing must be the first transform");
    expect_error(m, HDR "\"transforms\":[{\"op\":\"clip\",\"min\":2,\"max\":1}]}", "max is smaller than min");
    expect_error(m, HDR "\"transforms\":[{\"op\":\"standardize\",\"colums\":[\"a\"]}]}",
                 "transforms[0].colums: unknown key");
    expect_error(m, "{\"format\":\"zkmlops-pipeline/v1\",\"label\":\"nolabel\"," SPL ",\"transforms\":[]}",
                 "label: no column 'nolabel'");
    expect_error(m, "{\"format\":\"zkmlops-pipeline/v1\",\"label\":\"y\",\"transforms\":[]}", "split");
    expect_error(m, HDR "\"transforms\":[{\"op\":\"one_hot\",\"column\":\"y\",\"categories\":[0,1]}]}",
                 "label column cannot be one-hot");
    expect_error(m, "[1,2]", "$: expected an object");
    expect_error(m, "{nope", "not valid JSON");
    /* a valid one: schema and canonical digest ignore whitespace */
    zk_prep_pipeline p1, p2;
    assert_int_equal(parse(&p1, HDR "\"transforms\":[{\"op\":\"one_hot\",\"column\":\"c\",\"categories\":[1,2,3]}]}", m),
                     ZK_OK);
    assert_int_equal(parse(&p2, "{ \"format\": \"zkmlops-pipeline/v1\", \"label\": \"y\", \"split\": {\"seed\": 1, "
                                "\"test_fraction\": 0.25},\n \"transforms\": [ {\"op\": \"one_hot\", \"column\": \"c\", "
                                "\"categories\": [1, 2, 3]} ] }",
                           m),
                     ZK_OK);
    assert_memory_equal(p1.digest, p2.digest, 32);
    assert_int_equal(p1.out_n_cols, 7);
    const char *want[7] = {"a", "b", "c=1", "c=2", "c=3", "d", "y"};
    for (int k = 0; k < 7; k++)
        assert_string_equal(p1.out_names[k], want[k]);
    zk_prep_pipeline_free(&p1);
    zk_prep_pipeline_free(&p2);
    zk_dataset_free(&ds);
}

static void test_permutation(void **state)
{
    (void)state;
    uint32_t n = 1000, p[1000], q[1000], r[1000];
    assert_int_equal(zk_prep_permutation(42, n, p), ZK_OK);
    assert_int_equal(zk_prep_permutation(42, n, q), ZK_OK);
    assert_int_equal(zk_prep_permutation(43, n, r), ZK_OK);
    assert_memory_equal(p, q, sizeof p);
    assert_memory_not_equal(p, r, sizeof p);
    uint8_t seen[1000] = {0};
    uint32_t fixed = 0;
    for (uint32_t i = 0; i < n; i++) {
        assert_true(p[i] < n && !seen[p[i]]);
        seen[p[i]] = 1;
        fixed += p[i] == i;
    }
    assert_true(fixed < 10); /* a uniform permutation has ~1 fixed point */
}

/* Every transform of the reference against double formulas. */
static void test_reference_transforms(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x11);
    zk_dataset ds;
    make_raw(&ds, &rng, 1);
    const zk_dataset_meta *m = &ds.meta;
    const double one = (double)(1 << SCALE);
    zk_prep_pipeline pl;
    /* row filter + standardize + minmax + clip + one-hot + binarize */
    const char *js = "{\"format\":\"zkmlops-pipeline/v1\",\"label\":\"y\",\"missing\":-1,"
                     "\"split\":{\"seed\":7,\"test_fraction\":0.25},\"transforms\":["
                     "{\"op\":\"drop_missing\",\"columns\":[\"b\"]},"
                     "{\"op\":\"standardize\",\"columns\":[\"a\"]},"
                     "{\"op\":\"minmax\",\"columns\":[\"b\"]},"
                     "{\"op\":\"clip\",\"columns\":[\"d\"],\"min\":-1,\"max\":1.5},"
                     "{\"op\":\"one_hot\",\"column\":\"c\",\"categories\":[1,3]},"
                     "{\"op\":\"binarize\",\"column\":\"y\",\"threshold\":0.5}]}";
    if (parse(&pl, js, m) != ZK_OK)
        fail_msg("%s", zk_last_error());
    zk_prep_result res;
    if (zk_prep_apply(&pl, &ds, 28, &res) != ZK_OK)
        fail_msg("%s", zk_last_error());
    const zk_prep_claims *c = &res.claims;
    assert_int_equal(c->n_dropped, 2);
    assert_int_equal(c->dropped[0], 3);
    assert_int_equal(c->dropped[1], 17);
    assert_int_equal(c->n_kept, ROWS - 2);
    assert_int_equal(c->n_test, (uint32_t)floor((ROWS - 2) * 0.25 + 0.5));
    assert_int_equal(c->n_train + c->n_test, ROWS - 2);
    /* float reference over the kept rows, in kept order */
    uint32_t kept[ROWS], nk = 0;
    for (uint32_t i = 0; i < ROWS; i++)
        if (i != 3 && i != 17)
            kept[nk++] = i;
    double ma = 0, sa = 0, bmin = 1e300, bmax = -1e300;
    for (uint32_t i = 0; i < nk; i++) {
        double a = (double)ds.values[kept[i] * 5 + 0] / one, b = (double)ds.values[kept[i] * 5 + 1] / one;
        ma += a;
        bmin = fmin(bmin, b);
        bmax = fmax(bmax, b);
    }
    ma /= nk;
    for (uint32_t i = 0; i < nk; i++) {
        double a = (double)ds.values[kept[i] * 5 + 0] / one;
        sa += (a - ma) * (a - ma);
    }
    sa = sqrt(sa / nk);
    uint32_t perm[ROWS];
    assert_int_equal(zk_prep_permutation(7, nk, perm), ZK_OK);
    assert_int_equal(res.train.meta.n_cols, 6); /* a b c=1 c=3 d y */
    const char *names[6] = {"a", "b", "c=1", "c=3", "d", "y"};
    for (int k = 0; k < 6; k++)
        assert_string_equal(res.train.meta.col_names[k], names[k]);
    for (uint32_t r = 0; r < nk; r++) {
        const zk_dataset *o = r < c->n_train ? &res.train : &res.test;
        uint32_t orow = r < c->n_train ? r : r - c->n_train;
        const int64_t *y = o->values + (size_t)orow * 6;
        const int64_t *x = ds.values + (size_t)kept[perm[r]] * 5;
        double za = ((double)x[0] / one - ma) / sa;
        assert_true(fabs((double)y[0] / one - za) < 3e-3);
        double mb = ((double)x[1] / one - bmin) / (bmax - bmin);
        assert_true(fabs((double)y[1] / one - mb) < 1e-3);
        assert_true(y[1] >= 0 && y[1] <= (1 << SCALE));
        int64_t cv = x[2] >> SCALE;
        assert_int_equal(y[2], cv == 1 ? (1 << SCALE) : 0);
        assert_int_equal(y[3], cv == 3 ? (1 << SCALE) : 0);
        double d = (double)x[3] / one;
        assert_true(fabs((double)y[4] / one - fmin(fmax(d, -1.0), 1.5)) < 1e-9);
        assert_int_equal(y[5], x[4] >= (1 << (SCALE - 1)) ? (1 << SCALE) : 0);
    }
    /* claims: mean/std of each train feature and histograms */
    for (uint32_t k = 0; k < c->n_features; k++) {
        double mu = 0, sd = 0;
        for (uint32_t r = 0; r < c->n_train; r++)
            mu += (double)res.train.values[r * 6 + k];
        mu /= c->n_train;
        for (uint32_t r = 0; r < c->n_train; r++) {
            double dd = (double)res.train.values[r * 6 + k] - mu;
            sd += dd * dd;
        }
        sd = sqrt(sd / c->n_train);
        assert_true(fabs((double)c->mean[k] - mu) <= 0.5 + 1e-9);
        assert_true(fabs((double)c->std[k] - sd) <= 1.0 + 1e-6);
        uint64_t tot = 0, hist[10] = {0};
        for (uint32_t r = 0; r < c->n_train; r++) {
            double z = ((double)res.train.values[r * 6 + k] - (double)c->mean[k]) / (double)c->std[k];
            int bin = 0;
            for (int e = -4; e <= 4; e++)
                bin += z >= e * 0.5;
            if (c->std[k] == 0)
                bin = res.train.values[r * 6 + k] >= c->mean[k] ? 9 : 0;
            hist[bin]++;
        }
        for (int q = 0; q < 10; q++) {
            tot += c->hist[k * 10 + q];
            assert_int_equal(c->hist[k * 10 + q], hist[q]);
        }
        assert_int_equal(tot, c->n_train);
    }
    zk_prep_result_free(&res);
    zk_prep_pipeline_free(&pl);

    /* impute_mean: sentinels replaced by the rounded mean of the others */
    js = "{\"format\":\"zkmlops-pipeline/v1\",\"label\":\"y\",\"missing\":-1,"
         "\"split\":{\"seed\":7,\"test_fraction\":0.25},\"transforms\":[{\"op\":\"impute_mean\",\"columns\":[\"b\"]}]}";
    assert_int_equal(parse(&pl, js, m), ZK_OK);
    assert_int_equal(zk_prep_apply(&pl, &ds, 28, &res), ZK_OK);
    int64_t s = 0, cnt = 0;
    for (uint32_t i = 0; i < ROWS; i++)
        if (ds.values[i * 5 + 1] != -(1 << SCALE)) {
            s += ds.values[i * 5 + 1];
            cnt++;
        }
    int64_t mean = (int64_t)floor((double)s / (double)cnt + 0.5);
    assert_int_equal(zk_prep_permutation(7, ROWS, perm), ZK_OK);
    for (uint32_t r = 0; r < res.claims.n_train; r++) {
        uint32_t i = perm[r];
        int64_t want = (i == 3 || i == 17) ? mean : ds.values[i * 5 + 1];
        assert_int_equal(res.train.values[r * 5 + 1], want);
    }
    zk_prep_result_free(&res);
    zk_prep_pipeline_free(&pl);
    zk_dataset_free(&ds);
}

/* ---- circuit ---- */

typedef struct {
    zk_dataset ds;
    zk_dataset_private raw, train, test;
    zk_prep_pipeline pl;
    zk_prep_result res;
    /* plain tables (layout of dataset.h, random blinding entries) for zk_cs_check without commitments */
    gl_t *tab[3];
    unsigned raw_bits;
} instance;

static gl_t *plain_table(const zk_dataset *d, test_rng *rng)
{
    size_t len = (size_t)1 << (d->meta.log_rows + d->meta.log_cols);
    gl_t *t = malloc(len * sizeof *t);
    for (size_t k = 0; k < len; k++)
        t[k] = test_rng_gl(rng);
    for (uint32_t i = 0; i < d->meta.n_rows; i++)
        for (uint32_t j = 0; j < d->meta.n_cols; j++)
            t[i + ((size_t)j << d->meta.log_rows)] = gl_from_i64(d->values[(size_t)i * d->meta.n_cols + j]);
    return t;
}

/* Instance without commitments (circuit checks only). */
static void make_plain_instance(instance *in, const char *js, uint64_t seed, int missing)
{
    memset(in, 0, sizeof *in);
    test_rng rng;
    test_rng_seed(&rng, seed);
    make_raw(&in->ds, &rng, missing);
    in->raw_bits = zk_range_max_bits_for_stats(in->ds.meta.n_rows);
    if (parse(&in->pl, js, &in->ds.meta) != ZK_OK)
        fail_msg("%s", zk_last_error());
    if (zk_prep_apply(&in->pl, &in->ds, in->raw_bits, &in->res) != ZK_OK)
        fail_msg("%s", zk_last_error());
    in->tab[0] = plain_table(&in->ds, &rng);
    in->tab[1] = plain_table(&in->res.train, &rng);
    in->tab[2] = plain_table(&in->res.test, &rng);
}

static void make_instance(instance *in, const char *js, uint64_t seed, int missing)
{
    memset(in, 0, sizeof *in);
    test_rng rng;
    test_rng_seed(&rng, seed);
    make_raw(&in->ds, &rng, missing);
    if (zk_dataset_commit(&in->raw, &in->ds, 0) != ZK_OK)
        fail_msg("%s", zk_last_error());
    if (parse(&in->pl, js, &in->ds.meta) != ZK_OK)
        fail_msg("%s", zk_last_error());
    if (zk_prep_apply(&in->pl, &in->ds, in->raw.com.range_bits, &in->res) != ZK_OK)
        fail_msg("%s", zk_last_error());
    if (zk_dataset_commit(&in->train, &in->res.train, 0) != ZK_OK ||
        zk_dataset_commit(&in->test, &in->res.test, 0) != ZK_OK)
        fail_msg("%s", zk_last_error());
}

static void free_instance(instance *in)
{
    for (int k = 0; k < 3; k++)
        free(in->tab[k]);
    zk_dataset_free(&in->ds);
    zk_dataset_private_free(&in->raw);
    zk_dataset_private_free(&in->train);
    zk_dataset_private_free(&in->test);
    zk_prep_pipeline_free(&in->pl);
    zk_prep_result_free(&in->res);
}

static int check_circuit(instance *in, const zk_prep_claims *cl, const gl_t *train_tab)
{
    zk_cs *cs = zk_cs_new(1);
    uint32_t seg[3];
    int st = zk_prep_circuit(cs, &in->pl, &in->ds.meta, in->raw_bits, &in->res.train.meta, &in->res.test.meta, cl,
                             in->tab[0], train_tab, in->tab[2], seg);
    if (st == ZK_OK)
        st = zk_cs_status(cs);
    if (st == ZK_OK)
        st = zk_cs_check(cs);
    zk_cs_free(cs);
    return st;
}

static const char *FULL_PIPE =
    "{\"format\":\"zkmlops-pipeline/v1\",\"label\":\"y\",\"missing\":-1,"
    "\"split\":{\"seed\":5,\"test_fraction\":0.2},\"transforms\":["
    "{\"op\":\"drop_missing\",\"columns\":[\"b\"]},"
    "{\"op\":\"standardize\",\"columns\":[\"a\"]},"
    "{\"op\":\"minmax\",\"columns\":[\"b\"]},"
    "{\"op\":\"clip\",\"columns\":[\"d\"],\"min\":-1,\"max\":1.5},"
    "{\"op\":\"one_hot\",\"column\":\"c\",\"categories\":[1,2,3]},"
    "{\"op\":\"binarize\",\"column\":\"y\",\"threshold\":0.5}]}";

static const char *IMPUTE_PIPE =
    "{\"format\":\"zkmlops-pipeline/v1\",\"label\":\"y\",\"missing\":-1,"
    "\"split\":{\"seed\":9,\"test_fraction\":0.3},\"transforms\":["
    "{\"op\":\"impute_mean\",\"columns\":[\"b\"]},{\"op\":\"standardize\"}]}";

static const char *HIDDEN_PIPE =
    "{\"format\":\"zkmlops-pipeline/v1\",\"label\":\"y\",\"missing\":-1,"
    "\"split\":{\"seed\":5,\"test_fraction\":0.2},\"transforms\":["
    "{\"op\":\"drop_missing\",\"columns\":[\"b\"],\"hidden\":true},"
    "{\"op\":\"standardize\",\"columns\":[\"a\"]},"
    "{\"op\":\"minmax\",\"columns\":[\"b\"]},"
    "{\"op\":\"clip\",\"columns\":[\"d\"],\"min\":-1,\"max\":1.5},"
    "{\"op\":\"one_hot\",\"column\":\"c\",\"categories\":[1,2,3]},"
    "{\"op\":\"binarize\",\"column\":\"y\",\"threshold\":0.5}]}";

static void test_circuit_check(void **state)
{
    (void)state;
    const char *pipes[3] = {FULL_PIPE, IMPUTE_PIPE, HIDDEN_PIPE};
    for (int p = 0; p < 3; p++) {
        instance in;
        make_plain_instance(&in, pipes[p], test_seed() + (uint64_t)p, 1);
        int st = check_circuit(&in, &in.res.claims, in.tab[1]);
        if (st != ZK_OK)
            fail_msg("pipeline %d: %s", p, zk_last_error());
        /* a wrong claim (mean, std, histogram) fails the check */
        zk_prep_claims *c = &in.res.claims;
        c->mean[0] += 1;
        assert_int_not_equal(check_circuit(&in, c, in.tab[1]), ZK_OK);
        c->mean[0] -= 1;
        c->std[1] += 1;
        assert_int_not_equal(check_circuit(&in, c, in.tab[1]), ZK_OK);
        c->std[1] -= 1;
        c->hist[3] += 1;
        c->hist[4] -= 1;
        assert_int_not_equal(check_circuit(&in, c, in.tab[1]), ZK_OK);
        c->hist[3] -= 1;
        c->hist[4] += 1;
        /* a wrong output cell fails the check */
        const zk_dataset_meta *tm = &in.res.train.meta;
        size_t len = (size_t)1 << (tm->log_rows + tm->log_cols);
        gl_t *bad = malloc(len * sizeof *bad);
        for (uint32_t j = 0; j < tm->n_cols; j++) {
            memcpy(bad, in.tab[1], len * sizeof *bad);
            size_t at = 5 + ((size_t)j << tm->log_rows);
            bad[at] = gl_add(bad[at], 1);
            assert_int_not_equal(check_circuit(&in, c, bad), ZK_OK);
        }
        /* the blinding entries outside the data block are free */
        memcpy(bad, in.tab[1], len * sizeof *bad);
        bad[tm->n_rows] = gl_add(bad[tm->n_rows], 1);
        assert_int_equal(check_circuit(&in, c, bad), ZK_OK);
        free(bad);
        free_instance(&in);
    }
}

/* The hidden filter gives the same outputs as the public one; its compaction
 * network is satisfiable for random masks (including none and all-but-one dropped). */
static void test_hidden_filter(void **state)
{
    (void)state;
    instance a, b;
    make_plain_instance(&a, FULL_PIPE, test_seed() ^ 0x3, 1);
    make_plain_instance(&b, HIDDEN_PIPE, test_seed() ^ 0x3, 1);
    assert_int_equal(a.res.claims.n_kept, b.res.claims.n_kept);
    assert_memory_equal(a.res.train.values, b.res.train.values,
                        (size_t)a.res.train.meta.n_rows * a.res.train.meta.n_cols * sizeof(int64_t));
    assert_memory_equal(a.res.claims.mean, b.res.claims.mean, a.res.claims.n_features * sizeof(int64_t));
    free_instance(&a);
    free_instance(&b);
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x4);
    const char *js = "{\"format\":\"zkmlops-pipeline/v1\",\"label\":\"y\",\"missing\":-1,"
                     "\"split\":{\"seed\":3,\"test_fraction\":0.3},\"transforms\":["
                     "{\"op\":\"drop_missing\",\"columns\":[\"a\",\"b\"],\"hidden\":true}]}";
    for (int trial = 0; trial < 6; trial++) {
        instance in;
        memset(&in, 0, sizeof in);
        make_raw(&in.ds, &rng, 0);
        /* drop a random subset (trial 0: none; trial 1: all but 3) */
        for (uint32_t i = 0; i < ROWS; i++) {
            int drop = trial == 0 ? 0 : trial == 1 ? i >= 3 : (int)(test_rng_u64(&rng) % 3 == 0);
            if (drop)
                in.ds.values[(size_t)i * 5 + (i % 2)] = -(1 << SCALE);
        }
        in.raw_bits = zk_range_max_bits_for_stats(ROWS);
        assert_int_equal(parse(&in.pl, js, &in.ds.meta), ZK_OK);
        if (zk_prep_apply(&in.pl, &in.ds, in.raw_bits, &in.res) != ZK_OK)
            fail_msg("trial %d: %s", trial, zk_last_error());
        in.tab[0] = plain_table(&in.ds, &rng);
        in.tab[1] = plain_table(&in.res.train, &rng);
        in.tab[2] = plain_table(&in.res.test, &rng);
        int st = check_circuit(&in, &in.res.claims, in.tab[1]);
        if (st != ZK_OK)
            fail_msg("trial %d (%u kept): %s", trial, in.res.claims.n_kept, zk_last_error());
        free_instance(&in);
    }
}

/* ---- prove / verify / soundness ---- */

static void test_prove_verify(void **state)
{
    (void)state;
    instance in;
    make_instance(&in, FULL_PIPE, test_seed() ^ 0x77, 1);
    zk_wbuf proof;
    zk_wbuf_init(&proof);
    zk_prep_security sec;
    assert_int_equal(zk_dataset_reserve_opening(&in.raw), ZK_OK);
    int st = zk_prep_prove(&in.pl, &in.raw, &in.train, &in.test, &in.res.claims, &proof, &sec);
    if (st != ZK_OK)
        fail_msg("prove: %s", zk_last_error());
    st = zk_prep_verify(&in.pl, &in.raw.com, &in.train.com, &in.test.com, &in.res.claims, proof.data, proof.len, &sec);
    if (st != ZK_OK)
        fail_msg("verify: %s", zk_last_error());
    print_message("# preprocess proof: %zu bytes, %u constraints, %.1f bits\n", proof.len, sec.constraints,
                  sec.security_bits);
    assert_true(sec.security_bits >= 100.0);
    /* swapped train / test commitments */
    assert_int_not_equal(zk_prep_verify(&in.pl, &in.raw.com, &in.test.com, &in.train.com, &in.res.claims, proof.data,
                                        proof.len, NULL),
                         ZK_OK);
    /* a different seed (same shapes) */
    zk_prep_pipeline other;
    char *js = strdup(FULL_PIPE);
    char *sp = strstr(js, "\"seed\":5");
    sp[7] = '6';
    assert_int_equal(parse(&other, js, &in.ds.meta), ZK_OK);
    assert_int_equal(zk_prep_verify(&other, &in.raw.com, &in.train.com, &in.test.com, &in.res.claims, proof.data,
                                    proof.len, NULL),
                     ZK_ERR_REJECT);
    zk_prep_pipeline_free(&other);
    /* a different pipeline (clip bound) */
    free(js);
    js = strdup(FULL_PIPE);
    sp = strstr(js, "\"max\":1.5");
    sp[7] = '2';
    assert_int_equal(parse(&other, js, &in.ds.meta), ZK_OK);
    assert_int_equal(zk_prep_verify(&other, &in.raw.com, &in.train.com, &in.test.com, &in.res.claims, proof.data,
                                    proof.len, NULL),
                     ZK_ERR_REJECT);
    zk_prep_pipeline_free(&other);
    free(js);
    /* a different raw commitment of the same shape */
    zk_dataset_private raw2;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x99);
    zk_dataset ds2;
    make_raw(&ds2, &rng, 1);
    assert_int_equal(zk_dataset_commit(&raw2, &ds2, in.raw.com.range_bits), ZK_OK);
    assert_int_not_equal(zk_prep_verify(&in.pl, &raw2.com, &in.train.com, &in.test.com, &in.res.claims, proof.data,
                                        proof.len, NULL),
                         ZK_OK);
    zk_dataset_free(&ds2);
    zk_dataset_private_free(&raw2);
    /* wrong public claims */
    in.res.claims.mean[1] += 1;
    assert_int_equal(zk_prep_verify(&in.pl, &in.raw.com, &in.train.com, &in.test.com, &in.res.claims, proof.data,
                                    proof.len, NULL),
                     ZK_ERR_REJECT);
    in.res.claims.mean[1] -= 1;
    in.res.claims.hist[0] += 1;
    in.res.claims.hist[9] -= 1;
    assert_int_equal(zk_prep_verify(&in.pl, &in.raw.com, &in.train.com, &in.test.com, &in.res.claims, proof.data,
                                    proof.len, NULL),
                     ZK_ERR_REJECT);
    in.res.claims.hist[0] -= 1;
    in.res.claims.hist[9] += 1;
    /* tampered bytes */
    test_rng_seed(&rng, test_seed() ^ 0x55);
    for (int k = 0; k < 12; k++) {
        size_t pos = 16 + test_rng_u64(&rng) % (proof.len - 16);
        uint8_t bit = (uint8_t)(1u << (test_rng_u64(&rng) % 8));
        proof.data[pos] ^= bit;
        assert_int_not_equal(zk_prep_verify(&in.pl, &in.raw.com, &in.train.com, &in.test.com, &in.res.claims,
                                            proof.data, proof.len, NULL),
                             ZK_OK);
        proof.data[pos] ^= bit;
    }
    assert_int_equal(zk_prep_verify(&in.pl, &in.raw.com, &in.train.com, &in.test.com, &in.res.claims, proof.data,
                                    proof.len - 1, NULL) == ZK_OK,
                     0);
    /* a prover with a wrong output (train table of another dataset) cannot prove */
    zk_wbuf bad;
    zk_wbuf_init(&bad);
    assert_int_not_equal(zk_prep_prove(&in.pl, &in.raw, &in.test, &in.train, &in.res.claims, &bad, NULL), ZK_OK);
    zk_wbuf_free(&bad);
    zk_wbuf_free(&proof);
    free_instance(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_errors),  cmocka_unit_test(test_permutation),
        cmocka_unit_test(test_reference_transforms), cmocka_unit_test(test_circuit_check),
        cmocka_unit_test(test_hidden_filter),
        cmocka_unit_test(test_prove_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
