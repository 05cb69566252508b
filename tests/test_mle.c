/* Tests for src/iop/mle.c: every fast routine against a definition-level reference. */
#include "testutil.h"

#include <string.h>

#include "zkmlops/mle.h"

static test_rng rng;

static gl3_t *alloc3(size_t n)
{
    gl3_t *p = malloc((n ? n : 1) * sizeof *p);
    assert_non_null(p);
    return p;
}

static gl_t *alloc1(size_t n)
{
    gl_t *p = malloc((n ? n : 1) * sizeof *p);
    assert_non_null(p);
    return p;
}

static void assert_gl3_eq(gl3_t a, gl3_t b) { assert_true(gl3_eq(a, b)); }

/* The Boolean point of index b (X_1 = bit 0). */
static void bits_point(gl3_t *p, size_t b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = gl3_from_gl((b >> i) & 1);
}

/* eq(r, b) straight from the product formula, with b Boolean. */
static gl3_t eq_ref(const gl3_t *r, size_t b, size_t n)
{
    gl3_t acc = gl3_one();
    for (size_t i = 0; i < n; i++)
        acc = gl3_mul(acc, ((b >> i) & 1) ? r[i] : gl3_sub(gl3_one(), r[i]));
    return acc;
}

static void test_eq_table(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 10; n++) {
        size_t len = (size_t)1 << n;
        gl3_t r[10], pt[10];
        for (size_t i = 0; i < n; i++)
            r[i] = test_rng_gl3(&rng);
        gl3_t *t = alloc3(len);
        zk_eq_table(t, r, n);
        gl3_t sum = gl3_zero();
        for (size_t b = 0; b < len; b++) {
            assert_gl3_eq(t[b], eq_ref(r, b, n));
            bits_point(pt, b, n);
            assert_gl3_eq(t[b], zk_eq_eval(r, pt, n));
            assert_gl3_eq(t[b], zk_eq_eval(pt, r, n)); /* symmetric */
            sum = gl3_add(sum, t[b]);
        }
        assert_gl3_eq(sum, gl3_one()); /* sum_b eq(r, b) = 1 */
        /* At a Boolean r the table is an indicator vector. */
        if (n > 0) {
            size_t k = test_rng_u64(&rng) & (len - 1);
            bits_point(pt, k, n);
            zk_eq_table(t, pt, n);
            for (size_t b = 0; b < len; b++)
                assert_gl3_eq(t[b], b == k ? gl3_one() : gl3_zero());
        }
        free(t);
    }
    /* The parallel path (2^15 entries) against the formula on a sample. */
    size_t n = 15, len = (size_t)1 << n;
    gl3_t r[15];
    for (size_t i = 0; i < n; i++)
        r[i] = test_rng_gl3(&rng);
    gl3_t *t = alloc3(len);
    zk_eq_table(t, r, n);
    for (int s = 0; s < 200; s++) {
        size_t b = test_rng_u64(&rng) & (len - 1);
        assert_gl3_eq(t[b], eq_ref(r, b, n));
    }
    free(t);
}

static void test_eq_eval_random_points(void **state)
{
    (void)state;
    /* eq(a, b) = sum_x eq(a, x) eq(b, x) for arbitrary (non-Boolean) a, b. */
    for (size_t n = 0; n <= 8; n++) {
        size_t len = (size_t)1 << n;
        gl3_t a[8], b[8];
        for (size_t i = 0; i < n; i++) {
            a[i] = test_rng_gl3(&rng);
            b[i] = test_rng_gl3(&rng);
        }
        gl3_t *ta = alloc3(len), *tb = alloc3(len);
        zk_eq_table(ta, a, n);
        zk_eq_table(tb, b, n);
        gl3_t acc = gl3_zero();
        for (size_t x = 0; x < len; x++)
            acc = gl3_add(acc, gl3_mul(ta[x], tb[x]));
        assert_gl3_eq(acc, zk_eq_eval(a, b, n));
        free(ta);
        free(tb);
    }
}

/* f~(r) = sum_b eq(r, b) f(b), with eq from the product formula. */
static gl3_t mle_ref_gl3(const gl3_t *f, size_t n, const gl3_t *r)
{
    gl3_t acc = gl3_zero();
    for (size_t b = 0; b < ((size_t)1 << n); b++)
        acc = gl3_add(acc, gl3_mul(eq_ref(r, b, n), f[b]));
    return acc;
}

static void test_mle_eval(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 10; n++) {
        size_t len = (size_t)1 << n;
        gl_t *f = alloc1(len);
        gl3_t *f3 = alloc3(len), *g = alloc3(len);
        for (size_t b = 0; b < len; b++) {
            f[b] = test_rng_gl(&rng);
            f3[b] = gl3_from_gl(f[b]);
            g[b] = test_rng_gl3(&rng);
        }
        gl3_t r[10], pt[10];
        for (int rep = 0; rep < 3; rep++) {
            for (size_t i = 0; i < n; i++)
                r[i] = test_rng_gl3(&rng);
            assert_gl3_eq(zk_mle_eval_gl(f, n, r), mle_ref_gl3(f3, n, r));
            assert_gl3_eq(zk_mle_eval_gl3(g, n, r), mle_ref_gl3(g, n, r));
        }
        /* At Boolean points the extension agrees with the table. */
        size_t k = test_rng_u64(&rng) & (len - 1);
        bits_point(pt, k, n);
        assert_gl3_eq(zk_mle_eval_gl(f, n, pt), f3[k]);
        assert_gl3_eq(zk_mle_eval_gl3(g, n, pt), g[k]);
        free(f);
        free(f3);
        free(g);
    }
}

static void test_fold(void **state)
{
    (void)state;
    /* n = 15 and 16 exercise the parallel / scratch paths (2^14 and 2^15 outputs). */
    static const size_t ns[] = {1, 2, 3, 5, 8, 15, 16};
    for (size_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++) {
        size_t n = ns[ni], len = (size_t)1 << n;
        gl_t *f = alloc1(len);
        gl3_t *f3 = alloc3(len), *g = alloc3(len), *g0 = alloc3(len), *ff = alloc3(len / 2);
        for (size_t b = 0; b < len; b++) {
            f[b] = test_rng_gl(&rng);
            f3[b] = gl3_from_gl(f[b]);
            g[b] = g0[b] = test_rng_gl3(&rng);
        }
        gl3_t r[16];
        for (size_t i = 0; i < n; i++)
            r[i] = test_rng_gl3(&rng);
        /* Folding definition, entry by entry. */
        zk_mle_fold_gl_to_gl3(ff, f, n, r[0]);
        zk_mle_fold_gl3(f3, n, r[0]);
        for (size_t i = 0; i < len / 2; i++) {
            gl3_t lo = gl3_from_gl(f[2 * i]), hi = gl3_from_gl(f[2 * i + 1]);
            gl3_t want = gl3_add(lo, gl3_mul(r[0], gl3_sub(hi, lo)));
            assert_gl3_eq(ff[i], want);
            assert_gl3_eq(f3[i], want);
        }
        /* fold-then-evaluate == evaluate. */
        assert_gl3_eq(zk_mle_eval_gl3(ff, n - 1, r + 1), zk_mle_eval_gl(f, n, r));
        gl3_t full = zk_mle_eval_gl3(g, n, r);
        for (size_t i = 0; i < n; i++)
            zk_mle_fold_gl3(g, n - i, r[i]);
        assert_gl3_eq(g[0], full);
        if (n <= 10)
            assert_gl3_eq(full, mle_ref_gl3(g0, n, r));
        else /* eq-table dot product as an independent route */ {
            gl3_t *eq = alloc3(len);
            zk_eq_table(eq, r, n);
            gl3_t acc = gl3_zero();
            for (size_t b = 0; b < len; b++)
                acc = gl3_add(acc, gl3_mul(eq[b], g0[b]));
            assert_gl3_eq(full, acc);
            free(eq);
        }
        free(f);
        free(f3);
        free(g);
        free(g0);
        free(ff);
    }
}

static void test_moebius(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 16; n += (n < 10 ? 1 : 6)) {
        size_t len = (size_t)1 << n;
        gl_t *v = alloc1(len), *c = alloc1(len);
        gl3_t *v3 = alloc3(len), *c3 = alloc3(len);
        for (size_t b = 0; b < len; b++) {
            v[b] = c[b] = test_rng_gl(&rng);
            v3[b] = test_rng_gl3(&rng);
        }
        zk_mle_evals_to_coeffs(c, n);
        /* Reference: f(b) = sum_{S subset of b} c_S (small n only). */
        if (n <= 8) {
            for (size_t b = 0; b < len; b++) {
                gl_t acc = 0;
                for (size_t s = 0; s < len; s++)
                    if ((s & b) == s)
                        acc = gl_add(acc, c[s]);
                assert_int_equal(acc, v[b]);
            }
        }
        /* coefficient-form evaluation == table evaluation at random points. */
        for (size_t b = 0; b < len; b++)
            c3[b] = gl3_from_gl(c[b]);
        gl3_t r[16];
        for (size_t i = 0; i < n; i++)
            r[i] = test_rng_gl3(&rng);
        assert_gl3_eq(zk_mle_eval_coeffs_gl3(c3, n, r), zk_mle_eval_gl(v, n, r));
        /* Extension transform agrees with the base transform on lifted input... */
        for (size_t b = 0; b < len; b++)
            c3[b] = gl3_from_gl(v[b]);
        zk_mle_evals_to_coeffs_gl3(c3, n);
        for (size_t b = 0; b < len; b++)
            assert_gl3_eq(c3[b], gl3_from_gl(c[b]));
        /* ...and on a genuine extension table, coefficient eval == table eval. */
        memcpy(c3, v3, len * sizeof *c3);
        zk_mle_evals_to_coeffs_gl3(c3, n);
        assert_gl3_eq(zk_mle_eval_coeffs_gl3(c3, n, r), zk_mle_eval_gl3(v3, n, r));
        /* Round trip. */
        zk_mle_coeffs_to_evals(c, n);
        assert_memory_equal(c, v, len * sizeof *c);
        free(v);
        free(c);
        free(v3);
        free(c3);
    }
}

static void test_expand_point(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 12; n++) {
        size_t len = (size_t)1 << n;
        gl3_t y = test_rng_gl3(&rng), pt[12];
        zk_mle_expand_point(pt, y, n);
        for (size_t i = 0; i < n; i++)
            assert_gl3_eq(pt[i], gl3_pow(y, (uint64_t)1 << i));
        /* WHIR identity: sum_b c_b y^b == multilinear coefficient form at (y, y^2, y^4, ..). */
        gl3_t *c = alloc3(len);
        gl3_t acc = gl3_zero(), yp = gl3_one();
        for (size_t b = 0; b < len; b++) {
            c[b] = test_rng_gl3(&rng);
            acc = gl3_add(acc, gl3_mul(c[b], yp));
            yp = gl3_mul(yp, y);
        }
        assert_gl3_eq(zk_mle_eval_coeffs_gl3(c, n, pt), acc);
        free(c);
    }
}

int main(void)
{
    test_rng_seed(&rng, test_seed());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eq_table),
        cmocka_unit_test(test_eq_eval_random_points),
        cmocka_unit_test(test_mle_eval),
        cmocka_unit_test(test_fold),
        cmocka_unit_test(test_moebius),
        cmocka_unit_test(test_expand_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
