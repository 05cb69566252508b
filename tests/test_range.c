/* Range proofs for committed datasets: completeness (random data, the bundled
 * breast-cancer data at scale 2^12), exact range boundaries for one- and
 * two-limb ranges, out-of-range entries refused by the prover and forced
 * proofs rejected, blinding entries excluded, tampered bytes, another
 * commitment, another range, no raw value in the proof. */
#include <string.h>
#include <time.h>

#include "testutil.h"
#include "zkmlops/range.h"

/* A verification costs ~10 ms (three WHIR verifications plus the O(2^16)
 * table-side weights), a proof ~2 s of CPU. */
#if defined(__SANITIZE_ADDRESS__)
#define FLIP_SAMPLES 60
#else
#define FLIP_SAMPLES 250
#endif

#ifndef ZKM_DATA_DIR
#define ZKM_DATA_DIR "data"
#endif

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static unsigned ceil_log2(uint64_t x)
{
    unsigned l = 0;
    while (((uint64_t)1 << l) < x)
        l++;
    return l;
}

/* A private dataset built directly from a table: values[i * cols + j] are the
 * data entries; blind_override (if >= 0) is written into one blinding entry
 * (row n_rows, column 0) to check that blinding entries are not range checked. */
static void make_private(zk_dataset_private *p, test_rng *rng, uint32_t rows, uint32_t cols,
                         const int64_t *values, int64_t blind_override)
{
    memset(p, 0, sizeof *p);
    zk_dataset_meta *m = &p->com.meta;
    m->n_rows = rows;
    m->n_cols = cols;
    m->log_rows = ceil_log2((uint64_t)rows + ZK_DATASET_MIN_BLIND_ROWS);
    m->log_cols = ceil_log2(cols);
    m->scale_bits = 0;
    m->col_names = calloc(cols, sizeof(char *));
    for (uint32_t j = 0; j < cols; j++) {
        m->col_names[j] = malloc(16);
        snprintf(m->col_names[j], 16, "c%u", j);
    }
    uint32_t n = m->log_rows + m->log_cols;
    size_t nn = (size_t)1 << n;
    gl_t *tab = malloc(nn * sizeof *tab);
    for (size_t x = 0; x < nn; x++)
        tab[x] = test_rng_gl(rng);
    for (uint32_t i = 0; i < rows; i++)
        for (uint32_t j = 0; j < cols; j++)
            tab[i + ((size_t)j << m->log_rows)] = gl_from_i64(values[(size_t)i * cols + j]);
    if (blind_override >= 0)
        tab[rows] = gl_from_i64(blind_override);
    zk_whir_params par;
    assert_int_equal(zk_whir_params_derive(&par, n, 1), ZK_OK);
    assert_int_equal(zk_whir_commit(&par, tab, NULL, &p->com.whir, &p->wit), ZK_OK);
    free(tab);
}

static int prove_verify(const zk_dataset_private *p, unsigned bits, const zk_range_test_hooks *hk, int *vst)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    int st = zk_range_prove_ex(p, bits, hk, &w);
    if (st == ZK_OK)
        *vst = zk_range_verify(&p->com, bits, w.data, w.len);
    else
        assert_int_equal(w.len, 0); /* nothing written on refusal */
    zk_wbuf_free(&w);
    return st;
}

/* ------------------------------------------------------------ fixture: random CSV dataset, B = 32 */

typedef struct {
    zk_dataset_private priv, other;
    zk_wbuf proof;
    int64_t secret[3];
} fixture;

static void make_dataset(zk_dataset *ds, test_rng *rng, uint32_t rows, uint32_t cols, int64_t *secret)
{
    char *csv = malloc(64 * (size_t)(rows + 1) * cols + 64);
    size_t n = 0;
    for (uint32_t j = 0; j < cols; j++)
        n += (size_t)sprintf(csv + n, "%sc%u", j ? "," : "", j);
    csv[n++] = '\n';
    for (uint32_t i = 0; i < rows; i++) {
        for (uint32_t j = 0; j < cols; j++) {
            /* distinctive large values (< 2^31) in row 0, searched for in the proof */
            long long v = (i == 0 && secret) ? 1500000000LL + (long long)(test_rng_u64(rng) % 100000000ULL)
                                             : (long long)(test_rng_u64(rng) % 2000001) - 1000000;
            if (i == 0 && secret && j < 3)
                secret[j] = v;
            if (i == 1 && j == 0)
                v = -2147483648LL; /* both ends of the 32-bit range */
            if (i == 1 && j == 1)
                v = 2147483647LL;
            n += (size_t)sprintf(csv + n, "%s%lld", j ? "," : "", v);
        }
        csv[n++] = '\n';
    }
    assert_int_equal(zk_dataset_parse_csv(ds, "gen.csv", csv, n, 0), ZK_OK);
    free(csv);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    test_rng rng;
    test_rng_seed(&rng, test_seed());
    zk_dataset ds;
    make_dataset(&ds, &rng, 40, 5, f->secret);
    if (zk_dataset_commit(&f->priv, &ds, 0) != ZK_OK)
        fail_msg("%s", zk_last_error());
    zk_dataset_free(&ds);
    make_dataset(&ds, &rng, 40, 5, NULL);
    if (zk_dataset_commit(&f->other, &ds, 0) != ZK_OK)
        fail_msg("%s", zk_last_error());
    zk_dataset_free(&ds);
    zk_wbuf_init(&f->proof);
    double t0 = now_s();
    if (zk_range_prove(&f->priv, 32, &f->proof) != ZK_OK)
        fail_msg("prove: %s", zk_last_error());
    print_message("# range proof 40x5, B=32: %zu bytes, prove %.2f s\n", f->proof.len, now_s() - t0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    zk_wbuf_free(&f->proof);
    zk_dataset_private_free(&f->priv);
    zk_dataset_private_free(&f->other);
    free(f);
    return 0;
}

static void test_valid(void **state)
{
    fixture *f = *state;
    double t0 = now_s();
    if (zk_range_verify(&f->priv.com, 32, f->proof.data, f->proof.len) != ZK_OK)
        fail_msg("verify: %s", zk_last_error());
    print_message("# verify %.1f ms, own terms %.1f bits\n", 1e3 * (now_s() - t0),
                  zk_range_soundness_bits(&f->priv.com, 32));
    assert_true(zk_range_soundness_bits(&f->priv.com, 32) > 160.0);
}

static void test_other_statement(void **state)
{
    fixture *f = *state;
    /* another commitment (same shape) */
    assert_int_equal(zk_range_verify(&f->other.com, 32, f->proof.data, f->proof.len), ZK_ERR_REJECT);
    /* another range */
    assert_int_equal(zk_range_verify(&f->priv.com, 31, f->proof.data, f->proof.len), ZK_ERR_REJECT);
    assert_int_equal(zk_range_verify(&f->priv.com, 33, f->proof.data, f->proof.len), ZK_ERR_INPUT);
    assert_int_equal(zk_range_verify(&f->priv.com, 0, f->proof.data, f->proof.len), ZK_ERR_INPUT);
    /* an inconsistent commitment structure is an input error, not a crash */
    zk_dataset_commitment bad = f->priv.com;
    bad.meta.n_rows = (1u << bad.meta.log_rows) + 1;
    assert_int_equal(zk_range_verify(&bad, 32, f->proof.data, f->proof.len), ZK_ERR_INPUT);
    bad = f->priv.com;
    bad.meta.log_cols += 1;
    assert_int_equal(zk_range_verify(&bad, 32, f->proof.data, f->proof.len), ZK_ERR_INPUT);
    /* a statistics-kind header is refused */
    uint8_t *copy = malloc(f->proof.len);
    memcpy(copy, f->proof.data, f->proof.len);
    copy[10] = 1;
    assert_int_equal(zk_range_verify(&f->priv.com, 32, copy, f->proof.len), ZK_ERR_INPUT);
    free(copy);
    /* the data does not fit 31 bits: the prover refuses */
    zk_wbuf w;
    zk_wbuf_init(&w);
    assert_int_equal(zk_range_prove(&f->priv, 31, &w), ZK_ERR_RANGE);
    assert_int_equal(w.len, 0);
    zk_wbuf_free(&w);
}

static void test_tampered_bytes(void **state)
{
    fixture *f = *state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0xf11b);
    uint8_t *copy = malloc(f->proof.len);
    size_t tried = 0, rejected = 0;
    for (size_t i = 0; i < f->proof.len && i < 64; i++, tried++) {
        memcpy(copy, f->proof.data, f->proof.len);
        copy[i] ^= (uint8_t)(1u << (i % 8));
        rejected += zk_range_verify(&f->priv.com, 32, copy, f->proof.len) != ZK_OK;
    }
    for (int k = 0; k < FLIP_SAMPLES; k++, tried++) {
        size_t i = (size_t)(test_rng_u64(&rng) % f->proof.len);
        memcpy(copy, f->proof.data, f->proof.len);
        copy[i] ^= (uint8_t)(1u + test_rng_u64(&rng) % 255);
        rejected += zk_range_verify(&f->priv.com, 32, copy, f->proof.len) != ZK_OK;
    }
    print_message("# tampered range proofs: %zu tried, %zu rejected\n", tried, rejected);
    assert_int_equal(tried, rejected);
    for (size_t cut = 0; cut < f->proof.len; cut += 1 + f->proof.len / 41)
        assert_int_not_equal(zk_range_verify(&f->priv.com, 32, f->proof.data, cut), ZK_OK);
    uint8_t *longer = malloc(f->proof.len + 1);
    memcpy(longer, f->proof.data, f->proof.len);
    longer[f->proof.len] = 0;
    assert_int_not_equal(zk_range_verify(&f->priv.com, 32, longer, f->proof.len + 1), ZK_OK);
    free(longer);
    free(copy);
}

static void test_no_raw_values_in_proof(void **state)
{
    fixture *f = *state;
    for (int j = 0; j < 3; j++) {
        /* the value and its offset u = v + 2^31, as 8-byte field encodings */
        gl_t v = gl_from_i64(f->secret[j]), u = v + ((gl_t)1 << 31);
        gl_t pats[2] = {v, u};
        for (int q = 0; q < 2; q++) {
            uint8_t le[8];
            for (int b = 0; b < 8; b++)
                le[b] = (uint8_t)(pats[q] >> (8 * b));
            for (size_t i = 0; i + 8 <= f->proof.len; i++)
                if (memcmp(f->proof.data + i, le, 8) == 0)
                    fail_msg("raw value %lld (pattern %d) appears at proof offset %zu", (long long)f->secret[j], q, i);
        }
    }
}

/* ------------------------------------------------------------ boundaries and forced proofs */

#define BELOW 1u
#define BELOW_TRUNC 2u
#define ABOVE 4u
#define ABOVE_TRUNC 8u
#define NO_ACCEPT_PROOF 16u

/* Values at both ends of [-2^(B-1), 2^(B-1)) are accepted (one proof); one
 * step outside on either side is refused (no proof); forced proofs (bit k of
 * `forced`: side k >> 1 (0 below, 1 above), truncated limbs if k & 1) are
 * rejected. Each proof costs ~1-2 s, so the forced cases are chosen per B. */
static void check_boundaries(test_rng *rng, unsigned bits, unsigned forced)
{
    int64_t lo = -((int64_t)1 << (bits - 1)), hi = ((int64_t)1 << (bits - 1)) - 1;
    int64_t vals[3 * 6];
    for (int k = 0; k < 18; k++)
        vals[k] = lo + (int64_t)(test_rng_u64(rng) % (uint64_t)(hi - lo + 1));
    vals[0] = lo;
    vals[7] = hi;
    vals[11] = 0;
    zk_dataset_private p;
    int vst = -1;
    /* in range, with a huge value in a blinding entry (not part of the statement) */
    if (!(forced & NO_ACCEPT_PROOF)) {
        make_private(&p, rng, 6, 3, vals, (int64_t)1 << 40);
        assert_int_equal(prove_verify(&p, bits, NULL, &vst), ZK_OK);
        if (vst != ZK_OK)
            fail_msg("B=%u boundaries: %s", bits, zk_last_error());
        zk_dataset_private_free(&p);
    }
    for (int side = 0; side < 2; side++) {
        vals[4] = side ? hi + 1 : lo - 1;
        make_private(&p, rng, 6, 3, vals, -1);
        assert_int_equal(prove_verify(&p, bits, NULL, &vst), ZK_ERR_RANGE);
        for (int trunc = 0; trunc < 2; trunc++) {
            if (!(forced >> (2 * side + trunc) & 1))
                continue;
            zk_range_test_hooks hk = {1, trunc};
            vst = -1;
            assert_int_equal(prove_verify(&p, bits, &hk, &vst), ZK_OK);
            if (vst != ZK_ERR_REJECT)
                fail_msg("B=%u side %d trunc %d: forced proof not rejected (%d)", bits, side, trunc, vst);
        }
        zk_dataset_private_free(&p);
    }
}

static void test_boundaries(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0xb0);
    /* two limbs, shifted top limb (3 lookups): above via the top limb's shifted
     * lookup, below via the link (truncated limbs) */
#if defined(__SANITIZE_ADDRESS__)
    check_boundaries(&rng, 20, ABOVE);
#else
    check_boundaries(&rng, 20, ABOVE | BELOW_TRUNC);
    check_boundaries(&rng, 12, ABOVE); /* one limb, shifted lookup */
    check_boundaries(&rng, 16, 0); /* one limb, one lookup */
#endif
    /* 32 bits: refusals only (the fixture and the bundled data cover the proofs) */
    check_boundaries(&rng, 32, NO_ACCEPT_PROOF);
}

/* The task's case: one data entry equal to 2^40. */
static void test_entry_2_40(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x40);
    int64_t vals[8 * 4];
    for (int k = 0; k < 32; k++)
        vals[k] = (int64_t)(test_rng_u64(&rng) % 2000) - 1000;
    vals[13] = (int64_t)1 << 40;
    zk_dataset_private p;
    make_private(&p, &rng, 8, 4, vals, -1);
    zk_wbuf w;
    zk_wbuf_init(&w);
    assert_int_equal(zk_range_prove(&p, 32, &w), ZK_ERR_RANGE);
    assert_non_null(strstr(zk_last_error(), "row 4, column 'c1'"));
    assert_int_equal(w.len, 0);
    zk_range_test_hooks hk = {1, 0};
    assert_int_equal(zk_range_prove_ex(&p, 32, &hk, &w), ZK_OK);
    assert_int_equal(zk_range_verify(&p.com, 32, w.data, w.len), ZK_ERR_REJECT);
    print_message("# forced proof for an entry of 2^40: %s\n", zk_last_error());
    zk_wbuf_free(&w);
    zk_dataset_private_free(&p);
}

/* ------------------------------------------------------------ the bundled dataset */

static void test_breast_cancer(void **state)
{
    (void)state;
    zk_dataset ds;
    if (zk_dataset_load_csv(&ds, ZKM_DATA_DIR "/breast_cancer_wisconsin.csv", 12) != ZK_OK)
        fail_msg("%s", zk_last_error());
    zk_dataset_private p;
    assert_int_equal(zk_dataset_commit(&p, &ds, 0), ZK_OK);
    zk_dataset_free(&ds);
    /* 28 = zk_range_max_bits_for_stats(569) is what the statistics need; B = 32
     * is the task's case (bench: both take ~2 s, 680 KB) */
    assert_int_equal(zk_range_max_bits_for_stats(p.com.meta.n_rows), 28);
    zk_wbuf w;
    zk_wbuf_init(&w);
#if !defined(__SANITIZE_ADDRESS__) /* ~15 s under the sanitizers */
    double t0 = now_s();
    if (zk_range_prove(&p, 32, &w) != ZK_OK)
        fail_msg("prove: %s", zk_last_error());
    double t1 = now_s();
    if (zk_range_verify(&p.com, 32, w.data, w.len) != ZK_OK)
        fail_msg("verify: %s", zk_last_error());
    double t2 = now_s();
    print_message("# breast cancer %ux%u scale 2^12, B=32: %zu bytes, prove %.2f s, verify %.1f ms\n",
                  p.com.meta.n_rows, p.com.meta.n_cols, w.len, t1 - t0, 1e3 * (t2 - t1));
    /* another range is another statement */
    assert_int_equal(zk_range_verify(&p.com, 28, w.data, w.len), ZK_ERR_REJECT);
    w.len = 0;
#endif
    /* the largest value is 4254 * 2^12 ~ 2^24.06: a 25-bit range is refused */
    assert_int_equal(zk_range_prove(&p, 25, &w), ZK_ERR_RANGE);
    assert_int_equal(w.len, 0);
    zk_wbuf_free(&w);
    zk_dataset_private_free(&p);
}

static void test_max_bits_for_stats(void **state)
{
    (void)state;
    /* n * 2^(2B-2) < p */
    assert_int_equal(zk_range_max_bits_for_stats(1), 32);
    assert_int_equal(zk_range_max_bits_for_stats(569), 28); /* 569 * 2^54 < p < 569 * 2^56 */
    for (uint64_t n = 1; n < ((uint64_t)1 << 40); n = n * 3 + 1) {
        unsigned b = zk_range_max_bits_for_stats(n);
        if (b == 0)
            continue;
        assert_true((unsigned __int128)n << (2 * b - 2) < GL_P);
        if (b < 32)
            assert_true((unsigned __int128)n << (2 * b) >= GL_P);
    }
}

int main(void)
{
    const struct CMUnitTest unit[] = {cmocka_unit_test(test_max_bits_for_stats)};
    const struct CMUnitTest proof_tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_other_statement),
        cmocka_unit_test(test_tampered_bytes),
        cmocka_unit_test(test_no_raw_values_in_proof),
    };
    const struct CMUnitTest more[] = {
        cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_entry_2_40),
        cmocka_unit_test(test_breast_cancer),
    };
    int fails = cmocka_run_group_tests_name("range helpers", unit, NULL, NULL);
    fails += cmocka_run_group_tests_name("range proof (random data)", proof_tests, setup, teardown);
    fails += cmocka_run_group_tests_name("range proof (boundaries, bundled data)", more, NULL, NULL);
    return fails;
}
