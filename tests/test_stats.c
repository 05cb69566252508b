/* Dataset-statistics proof: completeness, soundness (tampering, wrong claims,
 * other commitments), zero-knowledge hygiene, and the selector MLE. */
#include <string.h>

#include "testutil.h"
#include "zkmlops/mle.h"
#include "zkmlops/range.h"
#include "zkmlops/stats.h"

#if defined(__SANITIZE_ADDRESS__)
#define FLIP_SAMPLES 150
#else
#define FLIP_SAMPLES 1500
#endif

typedef struct {
    zk_dataset_private priv, other;
    zk_stats st;
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
            /* distinctive large values in row 0 so we can search the proof for them */
            long long v = (i == 0 && secret) ? 300000000LL + (long long)(test_rng_u64(rng) % 100000000ULL)
                                             : (long long)(test_rng_u64(rng) % 20001) - 10000;
            if (i == 0 && secret && j < 3)
                secret[j] = v;
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
    assert_int_equal(zk_stats_compute(&f->st, &f->priv), ZK_OK);
    zk_wbuf_init(&f->proof);
    if (zk_stats_prove(&f->priv, &f->st, &f->proof) != ZK_OK)
        fail_msg("prove: %s", zk_last_error());
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    zk_wbuf_free(&f->proof);
    zk_stats_free(&f->st);
    zk_dataset_private_free(&f->priv);
    zk_dataset_private_free(&f->other);
    free(f);
    return 0;
}

static void test_compute_matches_naive(void **state)
{
    fixture *f = *state;
    const zk_dataset_meta *m = &f->priv.com.meta;
    for (uint32_t j = 0; j < m->n_cols; j++) {
        int64_t s = 0, q = 0;
        for (uint32_t i = 0; i < m->n_rows; i++) {
            int64_t v = zk_dataset_private_value(&f->priv, i, j);
            s += v;
            q += v * v;
        }
        assert_int_equal(f->st.sum[j], s);
        assert_int_equal(f->st.sum_squares[j], q);
    }
    /* mean / variance rounding on a hand example: values 1, 2 at scale 0 -> mean 1.5 -> 2, var 0.25 -> 0 */
    int64_t sum = 3, sq = 5;
    zk_stats t = {1, 2, 0, &sum, &sq};
    assert_int_equal(zk_stats_mean_fixed(&t, 0), 2);
    assert_int_equal(zk_stats_variance_fixed(&t, 0), 0);
    sum = -3;
    assert_int_equal(zk_stats_mean_fixed(&t, 0), -2);
}

static void test_valid(void **state)
{
    fixture *f = *state;
    zk_stats_security sec;
    int st = zk_stats_verify(&f->priv.com, &f->st, f->proof.data, f->proof.len, &sec);
    if (st != ZK_OK)
        fail_msg("verify: %s", zk_last_error());
    print_message("# stats proof: %zu bytes, %.1f bits\n", f->proof.len, sec.security_bits);
    assert_true(sec.security_bits >= 128.0);
}

static void test_wrong_claims(void **state)
{
    fixture *f = *state;
    for (uint32_t j = 0; j < f->st.n_cols; j++) {
        f->st.sum[j] += 1;
        assert_int_equal(zk_stats_verify(&f->priv.com, &f->st, f->proof.data, f->proof.len, NULL),
                         ZK_ERR_REJECT);
        f->st.sum[j] -= 1;
        f->st.sum_squares[j] += 1;
        assert_int_equal(zk_stats_verify(&f->priv.com, &f->st, f->proof.data, f->proof.len, NULL),
                         ZK_ERR_REJECT);
        f->st.sum_squares[j] -= 1;
    }
    /* Statement shape mismatch is an input error. */
    f->st.count += 1;
    assert_int_equal(zk_stats_verify(&f->priv.com, &f->st, f->proof.data, f->proof.len, NULL), ZK_ERR_INPUT);
    f->st.count -= 1;
    /* A prover asked to prove a false statement produces a proof that is rejected. */
    zk_wbuf bad;
    zk_wbuf_init(&bad);
    f->st.sum[1] += 5;
    int pst = zk_stats_prove(&f->priv, &f->st, &bad);
    if (pst == ZK_OK)
        assert_int_not_equal(zk_stats_verify(&f->priv.com, &f->st, bad.data, bad.len, NULL), ZK_OK);
    f->st.sum[1] -= 5;
    zk_wbuf_free(&bad);
}

static void test_other_commitment(void **state)
{
    fixture *f = *state;
    zk_stats other_st;
    assert_int_equal(zk_stats_compute(&other_st, &f->other), ZK_OK);
    /* the proof against the other commitment, with this or the other dataset's statistics */
    assert_int_equal(zk_stats_verify(&f->other.com, &f->st, f->proof.data, f->proof.len, NULL), ZK_ERR_REJECT);
    assert_int_equal(zk_stats_verify(&f->other.com, &other_st, f->proof.data, f->proof.len, NULL), ZK_ERR_REJECT);
    zk_stats_free(&other_st);
}

static void test_tampered_bytes(void **state)
{
    fixture *f = *state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0xf11b);
    uint8_t *copy = malloc(f->proof.len);
    size_t tried = 0, rejected = 0;
    /* every byte of the first 512 (header, binding, params, mask commitment, start of sumcheck) ... */
    for (size_t i = 0; i < f->proof.len && i < 512; i++, tried++) {
        memcpy(copy, f->proof.data, f->proof.len);
        copy[i] ^= (uint8_t)(1u << (i % 8));
        rejected += zk_stats_verify(&f->priv.com, &f->st, copy, f->proof.len, NULL) != ZK_OK;
    }
    /* ... and a random sample of the rest */
    for (int k = 0; k < FLIP_SAMPLES; k++, tried++) {
        size_t i = (size_t)(test_rng_u64(&rng) % f->proof.len);
        memcpy(copy, f->proof.data, f->proof.len);
        copy[i] ^= (uint8_t)(1u + test_rng_u64(&rng) % 255);
        rejected += zk_stats_verify(&f->priv.com, &f->st, copy, f->proof.len, NULL) != ZK_OK;
    }
    print_message("# tampered stats proofs: %zu tried, %zu rejected\n", tried, rejected);
    assert_int_equal(tried, rejected);
    /* truncations and an appended byte */
    for (size_t cut = 0; cut < f->proof.len; cut += 1 + f->proof.len / 97)
        assert_int_not_equal(zk_stats_verify(&f->priv.com, &f->st, f->proof.data, cut, NULL), ZK_OK);
    uint8_t *longer = malloc(f->proof.len + 1);
    memcpy(longer, f->proof.data, f->proof.len);
    longer[f->proof.len] = 0;
    assert_int_not_equal(zk_stats_verify(&f->priv.com, &f->st, longer, f->proof.len + 1, NULL), ZK_OK);
    free(longer);
    free(copy);
}

static void test_no_raw_values_in_proof(void **state)
{
    fixture *f = *state;
    for (int j = 0; j < 3; j++) {
        gl_t v = gl_from_i64(f->secret[j]);
        uint8_t le[8];
        for (int b = 0; b < 8; b++)
            le[b] = (uint8_t)(v >> (8 * b));
        for (size_t i = 0; i + 8 <= f->proof.len; i++)
            if (memcmp(f->proof.data + i, le, 8) == 0)
                fail_msg("raw data value %lld appears at proof offset %zu", (long long)f->secret[j], i);
        /* also not in the public commitment */
        zk_wbuf w;
        zk_wbuf_init(&w);
        zk_dataset_commitment_write(&w, &f->priv.com);
        for (size_t i = 0; i + 8 <= w.len; i++)
            assert_memory_not_equal(w.data + i, le, 8);
        zk_wbuf_free(&w);
    }
}

static void test_commitment_range_proof(void **state)
{
    fixture *f = *state;
    assert_int_equal(zk_dataset_commitment_check(&f->priv.com), ZK_OK);
    /* 40 rows: exact statistics need n * 2^(2B-2) < p, so B = 28 here */
    assert_true(f->priv.com.range_bits <= zk_range_max_bits_for_stats(40));
    uint8_t *saved = f->priv.com.range_proof;
    uint8_t *copy = malloc(f->priv.com.range_proof_len);
    memcpy(copy, saved, f->priv.com.range_proof_len);
    f->priv.com.range_proof = copy;
    copy[f->priv.com.range_proof_len / 2] ^= 0x10;
    assert_int_not_equal(zk_dataset_commitment_check(&f->priv.com), ZK_OK);
    copy[f->priv.com.range_proof_len / 2] ^= 0x10;
    f->priv.com.range_bits -= 1; /* a different range claim */
    assert_int_not_equal(zk_dataset_commitment_check(&f->priv.com), ZK_OK);
    f->priv.com.range_bits += 1;
    /* the other dataset's range proof does not transfer */
    f->priv.com.range_proof = f->other.com.range_proof;
    size_t len = f->priv.com.range_proof_len;
    f->priv.com.range_proof_len = f->other.com.range_proof_len;
    assert_int_not_equal(zk_dataset_commitment_check(&f->priv.com), ZK_OK);
    f->priv.com.range_proof = saved;
    f->priv.com.range_proof_len = len;
    free(copy);
}

/* The dataset commitment's zero-knowledge opening budget is enforced by the prover. */
static void test_opening_budget(void **state)
{
    fixture *f = *state;
    uint64_t budget = zk_whir_hiding_opening_budget(&f->priv.com.whir.params);
    assert_true(budget >= ZK_DATASET_OPENING_BUDGET);
    uint32_t saved = f->priv.openings_used;
    assert_true(saved >= 2); /* the range proof at commit time and the fixture's stats proof */
    zk_wbuf w;
    zk_wbuf_init(&w);
    f->priv.openings_used = (uint32_t)budget - 1;
    assert_int_equal(zk_dataset_openings_left(&f->priv), 1);
    assert_int_equal(zk_stats_prove(&f->priv, &f->st, &w), ZK_OK);
    assert_int_equal(zk_dataset_openings_left(&f->priv), 0);
    zk_wbuf_free(&w);
    zk_wbuf_init(&w);
    assert_int_equal(zk_stats_prove(&f->priv, &f->st, &w), ZK_ERR_RANGE);
    assert_non_null(strstr(zk_last_error(), "commit the data again"));
    assert_int_equal(w.len, 0);
    zk_wbuf_free(&w);
    /* the counter survives a write/read of the private file */
    zk_wbuf_init(&w);
    zk_dataset_private_write(&w, &f->priv);
    zk_rbuf r;
    zk_rbuf_init(&r, w.data, w.len);
    zk_dataset_private back;
    assert_int_equal(zk_dataset_private_read(&r, &back), ZK_OK);
    assert_int_equal(back.openings_used, budget);
    zk_dataset_private_free(&back);
    zk_wbuf_free(&w);
    f->priv.openings_used = saved;
}

static void test_prefix_indicator(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed());
    for (size_t n = 0; n <= 8; n++) {
        gl3_t r[8], *eq = malloc(sizeof(gl3_t) << n);
        for (size_t i = 0; i < n; i++)
            r[i] = test_rng_gl3(&rng);
        zk_eq_table(eq, r, n);
        for (uint64_t k = 0; k <= ((uint64_t)1 << n) + 1; k++) {
            gl3_t want = gl3_zero();
            for (uint64_t x = 0; x < k && x < ((uint64_t)1 << n); x++)
                want = gl3_add(want, eq[x]);
            assert_true(gl3_eq(want, zk_prefix_indicator_mle(k, r, n)));
        }
        free(eq);
    }
}

static void test_file_round_trip(void **state)
{
    fixture *f = *state;
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_dataset_private_write(&w, &f->priv);
    zk_rbuf r;
    zk_rbuf_init(&r, w.data, w.len);
    zk_dataset_private back;
    if (zk_dataset_private_read(&r, &back) != ZK_OK)
        fail_msg("%s", zk_last_error());
    assert_memory_equal(back.com.whir.root.h, f->priv.com.whir.root.h, 32);
    assert_int_equal(back.com.range_bits, f->priv.com.range_bits);
    assert_int_equal(zk_dataset_commitment_check(&back.com), ZK_OK);
    zk_dataset_private_free(&back);
    /* truncated private / public files are refused with a message */
    for (size_t cut = 0; cut < w.len; cut += 1 + w.len / 50) {
        zk_rbuf_init(&r, w.data, cut);
        assert_int_not_equal(zk_dataset_private_read(&r, &back), ZK_OK);
    }
    zk_wbuf_free(&w);
    zk_wbuf_init(&w);
    zk_dataset_commitment_write(&w, &f->priv.com);
    zk_dataset_commitment c;
    for (size_t cut = 0; cut < w.len; cut += (cut < 4096 ? 1 : 1 + w.len / 300)) {
        zk_rbuf_init(&r, w.data, cut);
        assert_int_equal(zk_dataset_commitment_read(&r, &c), ZK_ERR_INPUT);
    }
    zk_wbuf_free(&w);
}

int main(void)
{
    const struct CMUnitTest selector_tests[] = {cmocka_unit_test(test_prefix_indicator)};
    const struct CMUnitTest proof_tests[] = {
        cmocka_unit_test(test_compute_matches_naive), cmocka_unit_test(test_valid),
        cmocka_unit_test(test_wrong_claims),          cmocka_unit_test(test_other_commitment),
        cmocka_unit_test(test_tampered_bytes),        cmocka_unit_test(test_no_raw_values_in_proof),
        cmocka_unit_test(test_file_round_trip),       cmocka_unit_test(test_commitment_range_proof),
        cmocka_unit_test(test_opening_budget),
    };
    int fails = cmocka_run_group_tests_name("selector", selector_tests, NULL, NULL);
    fails += cmocka_run_group_tests_name("stats proof", proof_tests, setup, teardown);
    return fails;
}
