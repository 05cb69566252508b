/*
 * Tests for the plain sumcheck engine and zerocheck (src/iop/sumcheck.c):
 * prove/verify on random instances against brute-force references (sum over
 * the hypercube, round polynomials recomputed from folded tables, MLE values
 * at the challenge point), byte-level tampering and truncation, and
 * determinism across thread counts.
 */
#include "testutil.h"

#include <omp.h>
#include <string.h>

#include "zkmlops/mle.h"
#include "zkmlops/status.h"
#include "zkmlops/sumcheck.h"
#include "zkmlops/transcript.h"

static test_rng rng;

#define MAXV 16

/* A random instance with owned tables. */
typedef struct {
    zk_sc_instance inst;
    gl_t *base[ZK_SC_MAX_TABLES];
    gl3_t *ext[ZK_SC_MAX_TABLES];
} rand_inst;

static void ri_free(rand_inst *ri)
{
    for (int j = 0; j < ZK_SC_MAX_TABLES; j++) {
        free(ri->base[j]);
        free(ri->ext[j]);
    }
    memset(ri, 0, sizeof *ri);
}

/* n variables, n_tables tables (base with probability 1/2 unless forced),
 * n_terms terms of 1..max_f factors; some term has exactly max_f factors. */
static void ri_make(rand_inst *ri, size_t n, size_t n_tables, size_t n_terms, unsigned max_f,
                    int base_mode /* 0 mixed, 1 all base, 2 all ext */)
{
    memset(ri, 0, sizeof *ri);
    size_t len = (size_t)1 << n;
    zk_sc_instance *in = &ri->inst;
    in->n_vars = n;
    in->n_tables = n_tables;
    for (size_t j = 0; j < n_tables; j++) {
        int is_base = base_mode == 1 || (base_mode == 0 && (test_rng_u64(&rng) & 1));
        if (is_base) {
            ri->base[j] = malloc(len * sizeof(gl_t));
            assert_non_null(ri->base[j]);
            for (size_t b = 0; b < len; b++)
                ri->base[j][b] = test_rng_gl(&rng);
            in->base[j] = ri->base[j];
        } else {
            ri->ext[j] = malloc(len * sizeof(gl3_t));
            assert_non_null(ri->ext[j]);
            for (size_t b = 0; b < len; b++)
                ri->ext[j][b] = test_rng_gl3(&rng);
            in->ext[j] = ri->ext[j];
        }
    }
    in->n_terms = n_terms;
    for (size_t t = 0; t < n_terms; t++) {
        zk_sc_term *tm = &in->terms[t];
        tm->coeff = (test_rng_u64(&rng) & 1) ? test_rng_gl3(&rng) : gl3_from_gl(test_rng_gl(&rng));
        tm->n_factors = t == 0 ? max_f : 1 + (unsigned)(test_rng_u64(&rng) % max_f);
        for (unsigned f = 0; f < tm->n_factors; f++)
            tm->factor[f] = (unsigned)(test_rng_u64(&rng) % n_tables);
    }
}

/* Table j lifted to the extension (caller frees). */
static gl3_t *lifted(const zk_sc_instance *in, size_t j)
{
    size_t len = (size_t)1 << in->n_vars;
    gl3_t *v = malloc(len * sizeof *v);
    assert_non_null(v);
    for (size_t b = 0; b < len; b++)
        v[b] = in->base[j] ? gl3_from_gl(in->base[j][b]) : in->ext[j][b];
    return v;
}

/* Reference round values: s_i(x) for x = 0..d, recomputed from scratch by
 * folding lifted copies of the tables with r[0..i) and summing the summand
 * over the remaining hypercube with X_(i+1) = x. */
static void ref_round_values(const zk_sc_instance *in, const gl3_t *r, size_t i, unsigned d, gl3_t *out)
{
    size_t n = in->n_vars, nt = in->n_tables;
    gl3_t *tab[ZK_SC_MAX_TABLES];
    for (size_t j = 0; j < nt; j++) {
        tab[j] = lifted(in, j);
        for (size_t k = 0; k < i; k++)
            zk_mle_fold_gl3(tab[j], n - k, r[k]);
    }
    size_t half = (size_t)1 << (n - i - 1);
    for (unsigned x = 0; x <= d; x++) {
        gl3_t acc = gl3_zero(), v[ZK_SC_MAX_TABLES];
        gl3_t X = gl3_from_gl(x);
        for (size_t b = 0; b < half; b++) {
            for (size_t j = 0; j < nt; j++)
                v[j] = gl3_add(tab[j][2 * b], gl3_mul(X, gl3_sub(tab[j][2 * b + 1], tab[j][2 * b])));
            acc = gl3_add(acc, zk_sc_combine(in, v));
        }
        out[x] = acc;
    }
    for (size_t j = 0; j < nt; j++)
        free(tab[j]);
}

static gl3_t poly_at(const gl3_t *c, unsigned d, gl3_t x)
{
    gl3_t acc = gl3_zero(), p = gl3_one();
    for (unsigned k = 0; k <= d; k++) {
        acc = gl3_add(acc, gl3_mul(c[k], p));
        p = gl3_mul(p, x);
    }
    return acc;
}

/* Independent summand sum: for each b, sum_t coeff_t prod_f table[f][b]. */
static gl3_t ref_sum(const zk_sc_instance *in)
{
    gl3_t acc = gl3_zero();
    for (size_t b = 0; b < ((size_t)1 << in->n_vars); b++)
        for (size_t t = 0; t < in->n_terms; t++) {
            gl3_t p = in->terms[t].coeff;
            for (unsigned f = 0; f < in->terms[t].n_factors; f++) {
                unsigned j = in->terms[t].factor[f];
                p = gl3_mul(p, in->base[j] ? gl3_from_gl(in->base[j][b]) : in->ext[j][b]);
            }
            acc = gl3_add(acc, p);
        }
    return acc;
}

static void snapshot(const zk_sc_instance *in, gl3_t **copy)
{
    for (size_t j = 0; j < in->n_tables; j++)
        copy[j] = lifted(in, j);
}

static void assert_unchanged(const zk_sc_instance *in, gl3_t **copy)
{
    for (size_t j = 0; j < in->n_tables; j++) {
        gl3_t *now = lifted(in, j);
        assert_memory_equal(now, copy[j], ((size_t)1 << in->n_vars) * sizeof(gl3_t));
        free(now);
        free(copy[j]);
    }
}

/* Full prove / verify / final check of one instance; returns the proof (caller frees). */
static void prove_verify_check(const zk_sc_instance *in, int check_rounds)
{
    size_t n = in->n_vars, nt = in->n_tables;
    unsigned d = zk_sc_degree(in);
    gl3_t claim = zk_sc_sum_bruteforce(in);
    assert_true(gl3_eq(claim, ref_sum(in)));

    gl3_t *copy[ZK_SC_MAX_TABLES];
    snapshot(in, copy);
    zk_transcript tp, tv;
    zk_transcript_init(&tp, "test/sumcheck");
    tv = tp;
    zk_wbuf w;
    zk_wbuf_init(&w);
    gl3_t r[MAXV], rv[MAXV], evals[ZK_SC_MAX_TABLES], fin;
    assert_int_equal(zk_sumcheck_prove(in, claim, &tp, &w, r, evals), ZK_OK);
    assert_unchanged(in, copy);
    assert_int_equal(w.len, n * (d + 1) * 24);

    zk_rbuf rb;
    zk_rbuf_init(&rb, w.data, w.len);
    assert_int_equal(zk_sumcheck_verify(n, d, claim, &tv, &rb, rv, &fin), ZK_OK);
    assert_int_equal(zk_rbuf_left(&rb), 0);
    assert_memory_equal(r, rv, n * sizeof *r);
    assert_memory_equal(tp.state, tv.state, sizeof tp.state);
    /* Evaluations equal the MLEs of the original tables at r, and close the final check. */
    for (size_t j = 0; j < nt; j++) {
        gl3_t e = in->base[j] ? zk_mle_eval_gl(in->base[j], n, r) : zk_mle_eval_gl3(in->ext[j], n, r);
        assert_true(gl3_eq(e, evals[j]));
    }
    assert_true(gl3_eq(fin, zk_sc_combine(in, evals)));

    if (check_rounds) {
        /* Every round polynomial equals the one recomputed from scratch. */
        for (size_t i = 0; i < n; i++) {
            gl3_t c[ZK_SC_MAX_DEGREE + 1], want[ZK_SC_MAX_DEGREE + 1];
            zk_rbuf_init(&rb, w.data + i * (d + 1) * 24, (d + 1) * 24);
            zk_rbuf_gl3s(&rb, c, d + 1);
            assert_false(rb.err);
            ref_round_values(in, r, i, d, want);
            for (unsigned x = 0; x <= d; x++)
                assert_true(gl3_eq(poly_at(c, d, gl3_from_gl(x)), want[x]));
        }
    }
    zk_wbuf_free(&w);
}

static void test_random_instances(void **state)
{
    (void)state;
    int count = 0;
    for (size_t n = 0; n <= 10; n++)
        for (unsigned max_f = 1; max_f <= 3; max_f++)
            for (size_t n_terms = 1; n_terms <= 4; n_terms++) {
                rand_inst ri;
                size_t n_tables = 1 + test_rng_u64(&rng) % 5;
                ri_make(&ri, n, n_tables, n_terms, max_f, (int)(test_rng_u64(&rng) % 3));
                prove_verify_check(&ri.inst, n <= 7);
                ri_free(&ri);
                count++;
            }
    /* Wide instances: 8 tables, 8 terms, 4 factors (the documented maxima). */
    for (int rep = 0; rep < 3; rep++) {
        rand_inst ri;
        ri_make(&ri, 6, ZK_SC_MAX_TABLES, ZK_SC_MAX_TERMS, ZK_SC_MAX_DEGREE, rep);
        prove_verify_check(&ri.inst, 1);
        ri_free(&ri);
        count++;
    }
    print_message("# %d random instances proved and verified\n", count);
}

/* A table used twice in a term, and tables no term uses. */
static void test_repeated_and_unused_tables(void **state)
{
    (void)state;
    rand_inst ri;
    ri_make(&ri, 6, 4, 2, 3, 0);
    ri.inst.terms[0].n_factors = 3;
    ri.inst.terms[0].factor[0] = ri.inst.terms[0].factor[1] = ri.inst.terms[0].factor[2] = 1;
    ri.inst.terms[1].n_factors = 2;
    ri.inst.terms[1].factor[0] = 0;
    ri.inst.terms[1].factor[1] = 1; /* tables 2, 3 unused but still evaluated */
    prove_verify_check(&ri.inst, 1);
    ri_free(&ri);
}

static void test_bruteforce_sum(void **state)
{
    (void)state;
    for (int rep = 0; rep < 20; rep++) {
        rand_inst ri;
        ri_make(&ri, test_rng_u64(&rng) % 8, 1 + test_rng_u64(&rng) % 8, 1 + test_rng_u64(&rng) % 8,
                1 + (unsigned)(test_rng_u64(&rng) % 4), 0);
        assert_true(gl3_eq(zk_sc_sum_bruteforce(&ri.inst), ref_sum(&ri.inst)));
        ri_free(&ri);
    }
    /* A hand-computed case: n = 1, f = [2, 3], g = [5, 7], sum f*g + 10 f = 10+21 + 20+30 = 81. */
    gl_t f[2] = {2, 3}, g[2] = {5, 7};
    zk_sc_instance in;
    memset(&in, 0, sizeof in);
    in.n_vars = 1;
    in.n_tables = 2;
    in.base[0] = f;
    in.base[1] = g;
    in.n_terms = 2;
    in.terms[0] = (zk_sc_term){gl3_one(), 2, {0, 1, 0, 0}};
    in.terms[1] = (zk_sc_term){gl3_from_gl(10), 1, {0, 0, 0, 0}};
    assert_true(gl3_eq(zk_sc_sum_bruteforce(&in), gl3_from_gl(81)));
    assert_int_equal(zk_sc_degree(&in), 2);
}

/* Prove honestly, return the proof bytes and the transcript start. */
static void make_proof(const zk_sc_instance *in, gl3_t claim, zk_wbuf *w)
{
    zk_transcript t;
    zk_transcript_init(&t, "test/sumcheck");
    gl3_t r[MAXV], evals[ZK_SC_MAX_TABLES];
    zk_wbuf_init(w);
    assert_int_equal(zk_sumcheck_prove(in, claim, &t, w, r, evals), ZK_OK);
}

/* Verify and run the caller's final check against the true MLE values at the
 * verifier's r (what a binding PCS opening would give). 1 = accepted. */
static int verify_full(const zk_sc_instance *in, gl3_t claim, unsigned d, const uint8_t *p, size_t len)
{
    zk_transcript t;
    zk_transcript_init(&t, "test/sumcheck");
    zk_rbuf rb;
    zk_rbuf_init(&rb, p, len);
    gl3_t r[MAXV], evals[ZK_SC_MAX_TABLES], fin;
    if (zk_sumcheck_verify(in->n_vars, d, claim, &t, &rb, r, &fin) != ZK_OK) {
        assert_true(strstr(zk_last_error(), "sumcheck round") != NULL);
        return 0;
    }
    for (size_t j = 0; j < in->n_tables; j++)
        evals[j] = in->base[j] ? zk_mle_eval_gl(in->base[j], in->n_vars, r)
                               : zk_mle_eval_gl3(in->ext[j], in->n_vars, r);
    return gl3_eq(fin, zk_sc_combine(in, evals)) && zk_rbuf_left(&rb) == 0;
}

static void test_reject_wrong_claim(void **state)
{
    (void)state;
    rand_inst ri;
    ri_make(&ri, 5, 3, 2, 3, 0);
    unsigned d = zk_sc_degree(&ri.inst);
    gl3_t claim = zk_sc_sum_bruteforce(&ri.inst);
    zk_wbuf w;
    make_proof(&ri.inst, claim, &w);
    assert_true(verify_full(&ri.inst, claim, d, w.data, w.len));
    gl3_t wrong[3] = {gl3_add(claim, gl3_one()), test_rng_gl3(&rng), gl3_add(claim, (gl3_t){{0, 0, 1}})};
    for (int k = 0; k < 3; k++)
        assert_false(verify_full(&ri.inst, wrong[k], d, w.data, w.len));
    zk_wbuf_free(&w);
    /* A prover handed a wrong claim produces a proof for the true sum: rejected too. */
    make_proof(&ri.inst, wrong[0], &w);
    assert_false(verify_full(&ri.inst, wrong[0], d, w.data, w.len));
    zk_wbuf_free(&w);
    ri_free(&ri);
}

static void test_tamper_every_bit(void **state)
{
    (void)state;
    rand_inst ri;
    ri_make(&ri, 3, 3, 2, 3, 0); /* 3 rounds x 4 coefficients x 24 bytes = 288 bytes */
    unsigned d = zk_sc_degree(&ri.inst);
    gl3_t claim = zk_sc_sum_bruteforce(&ri.inst);
    zk_wbuf w;
    make_proof(&ri.inst, claim, &w);
    assert_int_equal(w.len, 3 * (d + 1) * 24);
    uint8_t *p = malloc(w.len);
    assert_non_null(p);
    size_t rejected = 0;
    for (size_t i = 0; i < w.len; i++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(p, w.data, w.len);
            p[i] ^= (uint8_t)(1u << bit);
            assert_false(verify_full(&ri.inst, claim, d, p, w.len));
            rejected++;
        }
    assert_int_equal(rejected, 8 * w.len);
    /* Truncation at every length, and a trailing byte, are rejected. */
    for (size_t len = 0; len < w.len; len++)
        assert_false(verify_full(&ri.inst, claim, d, w.data, len));
    uint8_t *longer = calloc(w.len + 1, 1);
    assert_non_null(longer);
    memcpy(longer, w.data, w.len);
    assert_false(verify_full(&ri.inst, claim, d, longer, w.len + 1));
    /* Wrong degree: the verifier parses a different layout and rejects. */
    assert_false(verify_full(&ri.inst, claim, d - 1, w.data, w.len));
    free(longer);
    free(p);
    zk_wbuf_free(&w);
    ri_free(&ri);
}

static void test_n_zero(void **state)
{
    (void)state;
    gl_t a = test_rng_gl(&rng);
    gl3_t e = test_rng_gl3(&rng);
    zk_sc_instance in;
    memset(&in, 0, sizeof in);
    in.n_tables = 2;
    in.base[0] = &a;
    in.ext[1] = &e;
    in.n_terms = 1;
    in.terms[0] = (zk_sc_term){gl3_one(), 2, {0, 1, 0, 0}};
    gl3_t claim = gl3_mul_gl(e, a), evals[2], fin;
    zk_transcript tp, tv;
    zk_transcript_init(&tp, "n0");
    tv = tp;
    zk_wbuf w;
    zk_wbuf_init(&w);
    assert_int_equal(zk_sumcheck_prove(&in, claim, &tp, &w, NULL, evals), ZK_OK);
    assert_int_equal(w.len, 0);
    assert_true(gl3_eq(evals[0], gl3_from_gl(a)) && gl3_eq(evals[1], e));
    zk_rbuf rb;
    zk_rbuf_init(&rb, w.data, 0);
    assert_int_equal(zk_sumcheck_verify(0, 2, claim, &tv, &rb, NULL, &fin), ZK_OK);
    assert_true(gl3_eq(fin, zk_sc_combine(&in, evals)));
    zk_wbuf_free(&w);
}

/* Tables large enough for the OpenMP paths in rounds 1-3 (2^16 entries: rounds with >= 2^13
 * pairs run in parallel); identical bytes with 1 and 2 threads. */
static void test_parallel_determinism(void **state)
{
    (void)state;
    rand_inst ri;
    ri_make(&ri, 16, 4, 3, 3, 0);
    gl3_t claim = zk_sc_sum_bruteforce(&ri.inst);
    int saved = omp_get_max_threads();
    zk_wbuf w1, w2;
    omp_set_num_threads(1);
    make_proof(&ri.inst, claim, &w1);
    omp_set_num_threads(2);
    make_proof(&ri.inst, claim, &w2);
    omp_set_num_threads(saved);
    assert_int_equal(w1.len, w2.len);
    assert_memory_equal(w1.data, w2.data, w1.len);
    assert_true(verify_full(&ri.inst, claim, zk_sc_degree(&ri.inst), w1.data, w1.len));
    zk_wbuf_free(&w1);
    zk_wbuf_free(&w2);
    ri_free(&ri);
}

/* ---- zerocheck ---- */

/* Tables A, B (base), C = A*B (base), D ext with D = A + D' where the relation
 * is  A*B - C + lambda*(D - A - E) = 0, E = D - A. */
static void zc_instance(rand_inst *ri, size_t n, int broken)
{
    memset(ri, 0, sizeof *ri);
    size_t len = (size_t)1 << n;
    for (int j = 0; j < 3; j++) {
        ri->base[j] = malloc(len * sizeof(gl_t));
        assert_non_null(ri->base[j]);
    }
    for (int j = 3; j < 5; j++) {
        ri->ext[j] = malloc(len * sizeof(gl3_t));
        assert_non_null(ri->ext[j]);
    }
    for (size_t b = 0; b < len; b++) {
        gl_t a = test_rng_gl(&rng), bb = test_rng_gl(&rng);
        ri->base[0][b] = a;
        ri->base[1][b] = bb;
        ri->base[2][b] = gl_mul(a, bb);
        ri->ext[3][b] = test_rng_gl3(&rng);
        ri->ext[4][b] = gl3_sub(ri->ext[3][b], gl3_from_gl(a));
    }
    if (broken) {
        size_t k = test_rng_u64(&rng) & (len - 1);
        ri->base[2][k] = gl_add(ri->base[2][k], 1);
    }
    zk_sc_instance *in = &ri->inst;
    in->n_vars = n;
    in->n_tables = 5;
    for (int j = 0; j < 3; j++)
        in->base[j] = ri->base[j];
    for (int j = 3; j < 5; j++)
        in->ext[j] = ri->ext[j];
    gl3_t lambda = test_rng_gl3(&rng);
    in->n_terms = 5;
    in->terms[0] = (zk_sc_term){gl3_one(), 2, {0, 1, 0, 0}};
    in->terms[1] = (zk_sc_term){gl3_neg(gl3_one()), 1, {2, 0, 0, 0}};
    in->terms[2] = (zk_sc_term){lambda, 1, {3, 0, 0, 0}};
    in->terms[3] = (zk_sc_term){gl3_neg(lambda), 1, {0, 0, 0, 0}};
    in->terms[4] = (zk_sc_term){gl3_neg(lambda), 1, {4, 0, 0, 0}};
}

static int zc_verify_full(const zk_sc_instance *in, const uint8_t *p, size_t len)
{
    zk_transcript t;
    zk_transcript_init(&t, "test/zerocheck");
    zk_rbuf rb;
    zk_rbuf_init(&rb, p, len);
    gl3_t tau[MAXV], r[MAXV], evals[ZK_SC_MAX_TABLES], fin;
    if (zk_zerocheck_verify(in->n_vars, zk_sc_degree(in), &t, &rb, tau, r, &fin) != ZK_OK)
        return 0;
    for (size_t j = 0; j < in->n_tables; j++)
        evals[j] = in->base[j] ? zk_mle_eval_gl(in->base[j], in->n_vars, r)
                               : zk_mle_eval_gl3(in->ext[j], in->n_vars, r);
    gl3_t want = gl3_mul(zk_eq_eval(tau, r, in->n_vars), zk_sc_combine(in, evals));
    return gl3_eq(fin, want) && zk_rbuf_left(&rb) == 0;
}

static void test_zerocheck(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 9; n++) {
        rand_inst ri;
        zc_instance(&ri, n, 0);
        /* The relation holds everywhere on the cube (so the plain sum is 0 too). */
        assert_true(gl3_is_zero(zk_sc_sum_bruteforce(&ri.inst)));
        zk_transcript tp;
        zk_transcript_init(&tp, "test/zerocheck");
        zk_wbuf w;
        zk_wbuf_init(&w);
        gl3_t tau[MAXV], r[MAXV], evals[ZK_SC_MAX_TABLES];
        gl3_t *copy[ZK_SC_MAX_TABLES];
        snapshot(&ri.inst, copy);
        assert_int_equal(zk_zerocheck_prove(&ri.inst, &tp, &w, tau, r, evals), ZK_OK);
        assert_unchanged(&ri.inst, copy);
        assert_int_equal(w.len, n * 4 * 24); /* degree 2 + eq = 3: 4 coefficients */
        for (size_t j = 0; j < ri.inst.n_tables; j++) {
            gl3_t e = ri.inst.base[j] ? zk_mle_eval_gl(ri.inst.base[j], n, r)
                                      : zk_mle_eval_gl3(ri.inst.ext[j], n, r);
            assert_true(gl3_eq(e, evals[j]));
        }
        assert_true(zc_verify_full(&ri.inst, w.data, w.len));
        /* Tampering any byte of a small proof is caught. */
        if (n == 2) {
            for (size_t i = 0; i < w.len; i++) {
                w.data[i] ^= 0x10;
                assert_false(zc_verify_full(&ri.inst, w.data, w.len));
                w.data[i] ^= 0x10;
            }
        }
        zk_wbuf_free(&w);
        ri_free(&ri);
    }
    /* One violated row: the honest prover's proof is rejected. */
    for (size_t n = 1; n <= 8; n++) {
        rand_inst ri;
        zc_instance(&ri, n, 1);
        zk_transcript tp;
        zk_transcript_init(&tp, "test/zerocheck");
        zk_wbuf w;
        zk_wbuf_init(&w);
        gl3_t tau[MAXV], r[MAXV], evals[ZK_SC_MAX_TABLES];
        assert_int_equal(zk_zerocheck_prove(&ri.inst, &tp, &w, tau, r, evals), ZK_OK);
        assert_false(zc_verify_full(&ri.inst, w.data, w.len));
        zk_wbuf_free(&w);
        ri_free(&ri);
    }
}

int main(void)
{
    test_rng_seed(&rng, test_seed());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bruteforce_sum),
        cmocka_unit_test(test_random_instances),
        cmocka_unit_test(test_repeated_and_unused_tables),
        cmocka_unit_test(test_reject_wrong_claim),
        cmocka_unit_test(test_tamper_every_bit),
        cmocka_unit_test(test_n_zero),
        cmocka_unit_test(test_parallel_determinism),
        cmocka_unit_test(test_zerocheck),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
