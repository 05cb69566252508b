/* Tests for src/field/ntt.c: NTT vs the O(n^2) DFT, vs a textbook radix-2
 * DIT transform written here, vs Horner evaluation at random points;
 * inverse round trips; extension-field NTT vs component-wise base NTTs;
 * Reed–Solomon encoding vs direct evaluation. Sizes cover both sides of the
 * implementation's internal thresholds: leaf kernel up to 2^12, bit-reversal
 * tiles from 2^8, OpenMP from 2^14, four-step above 2^12, in-register AVX-512
 * stages from 2^4. The whole suite runs twice: default kernels, then the
 * portable ones (ZKM_NTT_PORTABLE=1). */
#include "testutil.h"

#include <string.h>

#include "zkmlops/ntt.h"

#define MAX_REF_LOG 10u /* full O(n^2) DFT comparison up to 2^10 */

static test_rng g_rng;

static gl_t *alloc_gl(size_t n)
{
    gl_t *p = malloc((n ? n : 1) * sizeof *p);
    assert_non_null(p);
    return p;
}

static gl3_t *alloc_gl3(size_t n)
{
    gl3_t *p = malloc((n ? n : 1) * sizeof *p);
    assert_non_null(p);
    return p;
}

static void fill_random(gl_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = test_rng_gl(&g_rng);
}

/* A(x) by Horner's rule. */
static gl_t horner(const gl_t *c, size_t n, gl_t x)
{
    gl_t acc = 0;
    for (size_t i = n; i-- > 0;)
        acc = gl_add(gl_mul(acc, x), c[i]);
    return acc;
}

static gl3_t horner3(const gl3_t *c, size_t n, gl_t x)
{
    gl3_t acc = gl3_zero();
    for (size_t i = n; i-- > 0;)
        acc = gl3_add(gl3_mul_gl(acc, x), c[i]);
    return acc;
}

static size_t rev_bits(size_t x, unsigned bits)
{
    size_t r = 0;
    for (unsigned b = 0; b < bits; b++)
        r |= ((x >> b) & 1) << (bits - 1 - b);
    return r;
}

/* Textbook iterative radix-2 decimation-in-time NTT (bit-reverse first, then
 * log n butterfly passes with twiddles by repeated multiplication). */
static void textbook_ntt(gl_t *a, unsigned log_n)
{
    size_t n = (size_t)1 << log_n;
    for (size_t i = 0; i < n; i++) {
        size_t j = rev_bits(i, log_n);
        if (i < j) {
            gl_t t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
    for (unsigned s = 1; s <= log_n; s++) {
        size_t len = (size_t)1 << s, half = len / 2;
        gl_t wl = gl_root_of_unity(s);
        for (size_t i = 0; i < n; i += len) {
            gl_t w = 1;
            for (size_t j = 0; j < half; j++) {
                gl_t u = a[i + j], v = gl_mul(a[i + j + half], w);
                a[i + j] = gl_add(u, v);
                a[i + j + half] = gl_sub(u, v);
                w = gl_mul(w, wl);
            }
        }
    }
}

static void test_against_dft(void **state)
{
    (void)state;
    for (unsigned lg = 0; lg <= MAX_REF_LOG; lg++) {
        size_t n = (size_t)1 << lg;
        gl_t *in = alloc_gl(n), *ref = alloc_gl(n), *a = alloc_gl(n);
        fill_random(in, n);
        zk_dft_reference(ref, in, lg);
        memcpy(a, in, n * sizeof *a);
        assert_int_equal(zk_ntt(a, lg), 0);
        for (size_t j = 0; j < n; j++)
            assert_true(a[j] == ref[j]);
        /* the reference itself agrees with Horner evaluation at w^j */
        gl_t w = gl_root_of_unity(lg);
        for (int t = 0; t < 4; t++) {
            size_t j = (size_t)(test_rng_u64(&g_rng) & (n - 1));
            assert_true(ref[j] == horner(in, n, gl_pow(w, j)));
        }
        /* and the textbook transform agrees too (it is used for larger sizes below) */
        memcpy(a, in, n * sizeof *a);
        textbook_ntt(a, lg);
        assert_memory_equal(a, ref, n * sizeof *a);
        /* inverse: intt(DFT(x)) = x */
        memcpy(a, ref, n * sizeof *a);
        assert_int_equal(zk_intt(a, lg), 0);
        assert_memory_equal(a, in, n * sizeof *a);
        free(in);
        free(ref);
        free(a);
    }
}

/* Known transforms: delta_0 -> all ones; delta_1 -> powers of w; constant c -> n c delta_0. */
static void test_known_vectors(void **state)
{
    (void)state;
    const unsigned sizes[] = {1, 5, 12, 13, 15};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        unsigned lg = sizes[s];
        size_t n = (size_t)1 << lg;
        gl_t *a = alloc_gl(n);
        memset(a, 0, n * sizeof *a);
        a[0] = 1;
        assert_int_equal(zk_ntt(a, lg), 0);
        for (size_t j = 0; j < n; j++)
            assert_true(a[j] == 1);
        memset(a, 0, n * sizeof *a);
        a[1] = 1;
        assert_int_equal(zk_ntt(a, lg), 0);
        gl_t w = gl_root_of_unity(lg), x = 1;
        for (size_t j = 0; j < n; j++) {
            assert_true(a[j] == x);
            x = gl_mul(x, w);
        }
        gl_t c = test_rng_gl(&g_rng);
        for (size_t j = 0; j < n; j++)
            a[j] = c;
        assert_int_equal(zk_ntt(a, lg), 0);
        assert_true(a[0] == gl_mul(c, gl_from_u64(n)));
        for (size_t j = 1; j < n; j++)
            assert_true(a[j] == 0);
        free(a);
    }
}

/* Sizes 2^11..2^18 (both sides of the leaf/four-step and OpenMP thresholds):
 * full comparison against the textbook transform, spot checks against
 * Horner, and inverse round trip. */
static void test_against_textbook(void **state)
{
    (void)state;
    for (unsigned lg = MAX_REF_LOG + 1; lg <= 18; lg++) {
        size_t n = (size_t)1 << lg;
        gl_t *in = alloc_gl(n), *ref = alloc_gl(n), *a = alloc_gl(n);
        fill_random(in, n);
        memcpy(ref, in, n * sizeof *ref);
        textbook_ntt(ref, lg);
        memcpy(a, in, n * sizeof *a);
        assert_int_equal(zk_ntt(a, lg), 0);
        assert_memory_equal(a, ref, n * sizeof *a);
        gl_t w = gl_root_of_unity(lg);
        for (int t = 0; t < 3; t++) {
            size_t j = (size_t)(test_rng_u64(&g_rng) & (n - 1));
            assert_true(a[j] == horner(in, n, gl_pow(w, j)));
        }
        assert_int_equal(zk_intt(a, lg), 0);
        assert_memory_equal(a, in, n * sizeof *a);
        free(in);
        free(ref);
        free(a);
    }
}

/* Inputs drawn from carry-heavy edge values (0, 1, p-1, p-2, 2^32 +- 1,
 * 2^63, ...), so that the first butterflies add, subtract and multiply
 * extreme operands in every lane. Compared with the textbook transform. */
static void test_edge_inputs(void **state)
{
    (void)state;
    static const gl_t edges[] = {0, 1, 2, GL_P - 1, GL_P - 2, 0xFFFFFFFFULL, 0x100000000ULL, 0x100000001ULL,
                                 0x8000000000000000ULL, (GL_P - 1) / 2, (GL_P + 1) / 2, 0xFFFFFFFE00000000ULL};
    const size_t ne = sizeof edges / sizeof *edges;
    const unsigned sizes[] = {1, 4, 5, 8, 10, 13, 14};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        unsigned lg = sizes[s];
        size_t n = (size_t)1 << lg;
        gl_t *in = alloc_gl(n), *ref = alloc_gl(n), *a = alloc_gl(n);
        gl3_t *a3 = alloc_gl3(n);
        for (int pattern = 0; pattern < 3; pattern++) {
            for (size_t i = 0; i < n; i++) {
                if (pattern == 0)
                    in[i] = edges[test_rng_u64(&g_rng) % ne];
                else if (pattern == 1)
                    in[i] = GL_P - 1; /* constant -1 */
                else
                    in[i] = (i & 1) ? GL_P - 1 : 1; /* alternating */
            }
            memcpy(ref, in, n * sizeof *in);
            textbook_ntt(ref, lg);
            memcpy(a, in, n * sizeof *in);
            assert_int_equal(zk_ntt(a, lg), 0);
            assert_memory_equal(a, ref, n * sizeof *a);
            assert_int_equal(zk_intt(a, lg), 0);
            assert_memory_equal(a, in, n * sizeof *a);
            for (size_t i = 0; i < n; i++)
                a3[i] = (gl3_t){{in[i], in[n - 1 - i], edges[i % ne]}};
            assert_int_equal(zk_ntt_gl3(a3, lg), 0);
            for (size_t i = 0; i < n; i++)
                assert_true(a3[i].c[0] == ref[i]);
            assert_int_equal(zk_intt_gl3(a3, lg), 0);
            for (size_t i = 0; i < n; i++)
                assert_true(a3[i].c[0] == in[i] && a3[i].c[1] == in[n - 1 - i] && a3[i].c[2] == edges[i % ne]);
        }
        free(in);
        free(ref);
        free(a);
        free(a3);
    }
}

/* Larger sizes: round trip plus Horner spot checks of the forward transform.
 * 2^25 is the smallest size whose four-step rows (2^13 points) are
 * themselves four-step transforms. */
static void test_large_roundtrip(void **state)
{
    (void)state;
    const unsigned sizes[] = {19, 20, 25};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        unsigned lg = sizes[s];
        size_t n = (size_t)1 << lg;
        /* the nesting logic does not depend on the kernels, which smaller
         * sizes cover on both paths: run the slow 2^25 case once */
        if (lg == 25 && getenv("ZKM_NTT_PORTABLE"))
            continue;
        gl_t *in = alloc_gl(n), *a = alloc_gl(n);
        fill_random(in, n);
        memcpy(a, in, n * sizeof *a);
        assert_int_equal(zk_ntt(a, lg), 0);
        gl_t w = gl_root_of_unity(lg);
        for (int t = 0; t < (lg < 25 ? 2 : 1); t++) {
            size_t j = (size_t)(test_rng_u64(&g_rng) & (n - 1));
            assert_true(a[j] == horner(in, n, gl_pow(w, j)));
        }
        if (lg < 25)
            assert_true(a[0] == horner(in, n, 1));
        assert_int_equal(zk_intt(a, lg), 0);
        assert_memory_equal(a, in, n * sizeof *a);
        free(in);
        free(a);
    }
}

/* The inverse on its own: intt(y)[i] = (1/n) sum_j y[j] w^(-ij), checked at random i. */
static void test_inverse_direct(void **state)
{
    (void)state;
    const unsigned sizes[] = {3, 9, 12, 13, 16};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        unsigned lg = sizes[s];
        size_t n = (size_t)1 << lg;
        gl_t *y = alloc_gl(n), *a = alloc_gl(n);
        fill_random(y, n);
        memcpy(a, y, n * sizeof *a);
        assert_int_equal(zk_intt(a, lg), 0);
        gl_t wi = gl_inv(gl_root_of_unity(lg)), n_inv = gl_inv(gl_from_u64(n));
        for (int t = 0; t < 4; t++) {
            size_t i = (size_t)(test_rng_u64(&g_rng) & (n - 1));
            assert_true(a[i] == gl_mul(n_inv, horner(y, n, gl_pow(wi, i))));
        }
        free(y);
        free(a);
    }
}

/* Extension NTT equals three base NTTs on the coordinates. */
static void test_gl3_componentwise(void **state)
{
    (void)state;
    const unsigned sizes[] = {0, 1, 2, 3, 7, 8, 10, 11, 12, 13, 14, 16};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        unsigned lg = sizes[s];
        size_t n = (size_t)1 << lg;
        gl3_t *in = alloc_gl3(n), *a = alloc_gl3(n);
        gl_t *comp[3];
        for (int c = 0; c < 3; c++)
            comp[c] = alloc_gl(n);
        for (size_t i = 0; i < n; i++) {
            in[i] = test_rng_gl3(&g_rng);
            for (int c = 0; c < 3; c++)
                comp[c][i] = in[i].c[c];
        }
        memcpy(a, in, n * sizeof *a);
        assert_int_equal(zk_ntt_gl3(a, lg), 0);
        for (int c = 0; c < 3; c++)
            assert_int_equal(zk_ntt(comp[c], lg), 0);
        for (size_t i = 0; i < n; i++)
            for (int c = 0; c < 3; c++)
                assert_true(a[i].c[c] == comp[c][i]);
        assert_int_equal(zk_intt_gl3(a, lg), 0);
        assert_memory_equal(a, in, n * sizeof *a);
        for (int c = 0; c < 3; c++)
            free(comp[c]);
        free(in);
        free(a);
    }
}

/* RS encoding: out[j] = A(w_N^j), checked in full against the zero-padded NTT
 * (itself checked above) and at random j against Horner. */
static void test_rs_encode(void **state)
{
    (void)state;
    const unsigned cases[][2] = {{0, 0}, {0, 3}, {3, 0}, {1, 1}, {4, 2}, {10, 2}, {11, 1}, {12, 1}, {12, 2},
                                 {13, 1}, {2, 12}, {0, 14}, {14, 1}, {14, 2}, {15, 3}, {16, 2}, {9, 8}};
    for (size_t s = 0; s < sizeof cases / sizeof *cases; s++) {
        unsigned lk = cases[s][0], lb = cases[s][1], ln = lk + lb;
        size_t k = (size_t)1 << lk, n = (size_t)1 << ln;
        gl_t *c = alloc_gl(k), *out = alloc_gl(n), *ref = alloc_gl(n);
        fill_random(c, k);
        memcpy(ref, c, k * sizeof *ref);
        memset(ref + k, 0, (n - k) * sizeof *ref);
        assert_int_equal(zk_ntt(ref, ln), 0);
        assert_int_equal(zk_rs_encode(out, c, lk, lb), 0);
        assert_memory_equal(out, ref, n * sizeof *out);
        gl_t w = gl_root_of_unity(ln);
        for (int t = 0; t < 4; t++) {
            size_t j = (size_t)(test_rng_u64(&g_rng) & (n - 1));
            assert_true(out[j] == horner(c, k, gl_pow(w, j)));
        }
        free(c);
        free(out);
        free(ref);
    }
}

static void test_rs_encode_gl3(void **state)
{
    (void)state;
    const unsigned cases[][2] = {{0, 2}, {3, 0}, {5, 2}, {12, 1}, {13, 1}, {14, 2}, {6, 9}};
    for (size_t s = 0; s < sizeof cases / sizeof *cases; s++) {
        unsigned lk = cases[s][0], lb = cases[s][1], ln = lk + lb;
        size_t k = (size_t)1 << lk, n = (size_t)1 << ln;
        gl3_t *c = alloc_gl3(k), *out = alloc_gl3(n), *ref = alloc_gl3(n);
        for (size_t i = 0; i < k; i++)
            c[i] = test_rng_gl3(&g_rng);
        memcpy(ref, c, k * sizeof *ref);
        for (size_t i = k; i < n; i++)
            ref[i] = gl3_zero();
        assert_int_equal(zk_ntt_gl3(ref, ln), 0);
        assert_int_equal(zk_rs_encode_gl3(out, c, lk, lb), 0);
        assert_memory_equal(out, ref, n * sizeof *out);
        gl_t w = gl_root_of_unity(ln);
        for (int t = 0; t < 4; t++) {
            size_t j = (size_t)(test_rng_u64(&g_rng) & (n - 1));
            assert_true(gl3_eq(out[j], horner3(c, k, gl_pow(w, j))));
        }
        free(c);
        free(out);
        free(ref);
    }
}

/* First use of a size (fresh twiddle tables) from several threads at once:
 * every thread must get the right answer. Uses sizes no other test touches. */
static void test_concurrent_first_use(void **state)
{
    (void)state;
    const unsigned lgs[2] = {17, 21}; /* 17 is reused later: it runs first */
    for (int s = 0; s < 2; s++) {
        unsigned lg = lgs[s];
        size_t n = (size_t)1 << lg;
        enum { NT = 4 };
        gl_t *in = alloc_gl(n), *out[NT];
        fill_random(in, n);
        for (int t = 0; t < NT; t++) {
            out[t] = alloc_gl(n);
            memcpy(out[t], in, n * sizeof *in);
        }
        int rc[NT];
#pragma omp parallel for num_threads(NT) schedule(static, 1)
        for (int t = 0; t < NT; t++)
            rc[t] = (t & 1) ? zk_intt(out[t], lg) : zk_ntt(out[t], lg);
        gl_t w = gl_root_of_unity(lg), wi = gl_inv(w), n_inv = gl_inv(gl_from_u64(n));
        size_t j = (size_t)(test_rng_u64(&g_rng) & (n - 1));
        gl_t fwd = horner(in, n, gl_pow(w, j)), inv = gl_mul(n_inv, horner(in, n, gl_pow(wi, j)));
        for (int t = 0; t < NT; t++) {
            assert_int_equal(rc[t], 0);
            assert_true(out[t][j] == ((t & 1) ? inv : fwd));
            assert_memory_equal(out[t], out[t & 1], n * sizeof *in);
        }
        for (int t = 0; t < NT; t++)
            free(out[t]);
        free(in);
    }
}

int main(void)
{
    test_rng_seed(&g_rng, test_seed());
    const struct CMUnitTest tests[] = {
        /* first, so that its sizes (and the stage tables) are built concurrently */
        cmocka_unit_test(test_concurrent_first_use),
        cmocka_unit_test(test_against_dft),         cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_against_textbook),    cmocka_unit_test(test_edge_inputs),
        cmocka_unit_test(test_large_roundtrip),
        cmocka_unit_test(test_inverse_direct),      cmocka_unit_test(test_gl3_componentwise),
        cmocka_unit_test(test_rs_encode),           cmocka_unit_test(test_rs_encode_gl3),
    };
    /* every test twice: with the default kernels (AVX-512 where the CPU has
     * it), then with the portable kernels forced (see ntt.h) */
    unsetenv("ZKM_NTT_PORTABLE");
    int rc = cmocka_run_group_tests_name("ntt (default kernels)", tests, NULL, NULL);
    setenv("ZKM_NTT_PORTABLE", "1", 1);
    rc |= cmocka_run_group_tests_name("ntt (portable kernels)", tests, NULL, NULL);
    return rc;
}
