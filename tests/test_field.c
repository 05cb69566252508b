/* Tests for include/zkmlops/field.h and src/field/field.c: Goldilocks
 * arithmetic against a reference built on unsigned __int128 % p, on edge
 * values and random values; signed embedding; batch inversion; roots of
 * unity; the cubic extension against an independent polynomial reference,
 * its field axioms, inverses, Frobenius, and the irreducibility of x^3 - 2
 * (two independent arguments). */
#include "testutil.h"

#include <string.h>

typedef unsigned __int128 u128;

static test_rng g_rng;

/* ---------------- reference arithmetic: plain % p on 128-bit integers ---------------- */

static const u128 P128 = (u128)GL_P;

static gl_t ref_add(gl_t a, gl_t b) { return (gl_t)(((u128)a + b) % P128); }
static gl_t ref_sub(gl_t a, gl_t b) { return (gl_t)(((u128)a + P128 - b) % P128); }
static gl_t ref_mul(gl_t a, gl_t b) { return (gl_t)(((u128)a * b) % P128); }
static gl_t ref_pow(gl_t a, uint64_t e)
{
    gl_t r = 1;
    a = (gl_t)(a % GL_P);
    for (int i = 63; i >= 0; i--) {
        r = ref_mul(r, r);
        if ((e >> i) & 1)
            r = ref_mul(r, a);
    }
    return r;
}

/* Edge values: 0, 1, small, p-1 and neighbours, 2^32 and neighbours, 2^63 and
 * neighbours, (p +- 1)/2, 2^48, 2^64 - 2^32 = p - 1, p - 2^32, ... */
static const gl_t EDGES[] = {
    0,
    1,
    2,
    3,
    0xFFFFFFFFULL,         /* 2^32 - 1 */
    0x100000000ULL,        /* 2^32 */
    0x100000001ULL,        /* 2^32 + 1 */
    0xFFFFFFFEULL,         /* 2^32 - 2 */
    0x1000000000000ULL,    /* 2^48 */
    0x7FFFFFFFFFFFFFFFULL, /* 2^63 - 1 */
    0x8000000000000000ULL, /* 2^63 */
    0x8000000000000001ULL, /* 2^63 + 1 */
    (GL_P - 1) / 2,
    (GL_P + 1) / 2,
    GL_P - 1,
    GL_P - 2,
    GL_P - 3,
    GL_P - 0xFFFFFFFFULL,  /* 2^64 - 2^33 + 2 */
    GL_P - 0x100000000ULL, /* 2^64 - 2^33 + 1 */
    0xFFFFFFFE00000000ULL, /* below p - 1 with zero low half */
    0xFFFFFFFEFFFFFFFFULL, /* p - 2^32 + ... all ones low half */
    0x00000000FFFFFFFFULL * 0xFFFFULL,
};
#define N_EDGES (sizeof EDGES / sizeof *EDGES)

/* Random canonical values biased towards carry-heavy shapes (all-ones or
 * all-zero halves, values near p or near 2^32 multiples). */
static gl_t rand_shaped(void)
{
    uint64_t r = test_rng_u64(&g_rng);
    switch (r & 7) {
    case 0:
        return GL_P - 1 - (test_rng_u64(&g_rng) & 0xFFFF);
    case 1:
        return (test_rng_u64(&g_rng) & 0xFFFF);
    case 2:
        return gl_from_u64(test_rng_u64(&g_rng) | 0xFFFFFFFFULL);
    case 3:
        return gl_from_u64(test_rng_u64(&g_rng) & 0xFFFFFFFF00000000ULL);
    case 4:
        return gl_from_u64((test_rng_u64(&g_rng) & 0xFFFF) << 32);
    default:
        return test_rng_gl(&g_rng);
    }
}

static void check_pair(gl_t a, gl_t b)
{
    gl_t s = gl_add(a, b), d = gl_sub(a, b), m = gl_mul(a, b);
    assert_true(s == ref_add(a, b));
    assert_true(d == ref_sub(a, b));
    assert_true(m == ref_mul(a, b));
    assert_true(gl_is_canonical(s) && gl_is_canonical(d) && gl_is_canonical(m));
}

static void test_base_edges(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_EDGES; i++) {
        assert_true(gl_is_canonical(EDGES[i]));
        for (size_t j = 0; j < N_EDGES; j++)
            check_pair(EDGES[i], EDGES[j]);
        assert_true(gl_neg(EDGES[i]) == ref_sub(0, EDGES[i]));
        assert_true(gl_sqr(EDGES[i]) == ref_mul(EDGES[i], EDGES[i]));
    }
    assert_false(gl_is_canonical(GL_P));
    assert_false(gl_is_canonical(UINT64_MAX));
}

static void test_base_random(void **state)
{
    (void)state;
    for (int i = 0; i < 200000; i++) {
        gl_t a = test_rng_gl(&g_rng), b = test_rng_gl(&g_rng);
        check_pair(a, b);
        assert_true(gl_neg(a) == ref_sub(0, a));
    }
    for (int i = 0; i < 200000; i++) {
        gl_t a = rand_shaped(), b = rand_shaped();
        check_pair(a, b);
        assert_true(gl_neg(a) == ref_sub(0, a));
    }
}

static void test_from_u64(void **state)
{
    (void)state;
    const uint64_t special[] = {0, 1, GL_P - 1, GL_P, GL_P + 1, UINT64_MAX, UINT64_MAX - 1, 0xFFFFFFFFULL};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++)
        assert_true(gl_from_u64(special[i]) == special[i] % GL_P);
    for (int i = 0; i < 10000; i++) {
        uint64_t x = test_rng_u64(&g_rng);
        if (i & 1)
            x |= 0xFFFFFFFF00000000ULL; /* often >= p */
        assert_true(gl_from_u64(x) == x % GL_P);
    }
}

static void test_reduce128(void **state)
{
    (void)state;
    const u128 one = 1;
    const u128 special[] = {0,
                            1,
                            P128 - 1,
                            P128,
                            P128 + 1,
                            one << 64,
                            (one << 64) - 1,
                            one << 96,
                            (one << 96) - 1,
                            (one << 96) + 1,
                            one << 127,
                            ~(u128)0,
                            ~(u128)0 - 1,
                            (u128)(GL_P - 1) * (GL_P - 1),
                            P128 * P128,
                            P128 * P128 - 1,
                            ((u128)0xFFFFFFFFULL << 64) | UINT64_MAX,
                            ((u128)0xFFFFFFFF00000000ULL << 64),
                            ((u128)0xFFFFFFFF00000000ULL << 64) | 0xFFFFFFFFULL};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++)
        assert_true(gl_reduce128(special[i]) == (gl_t)(special[i] % P128));
    for (int i = 0; i < 200000; i++) {
        uint64_t hi = test_rng_u64(&g_rng), lo = test_rng_u64(&g_rng);
        switch (i & 3) { /* vary the shape of the high word */
        case 1:
            hi &= 0xFFFFFFFFULL;
            break;
        case 2:
            hi |= 0xFFFFFFFF00000000ULL;
            break;
        case 3:
            lo &= 0xFFFFFFFFULL;
            break;
        default:
            break;
        }
        u128 x = ((u128)hi << 64) | lo;
        assert_true(gl_reduce128(x) == (gl_t)(x % P128));
    }
}

static void test_pow_inv(void **state)
{
    (void)state;
    const uint64_t exps[] = {0, 1, 2, 3, 63, 64, GL_P - 2, GL_P - 1, GL_P, UINT64_MAX, (GL_P - 1) / 2};
    for (size_t i = 0; i < N_EDGES; i++) {
        gl_t a = EDGES[i];
        for (size_t k = 0; k < sizeof exps / sizeof *exps; k++)
            assert_true(gl_pow(a, exps[k]) == ref_pow(a, exps[k]));
        gl_t ai = gl_inv(a);
        if (a == 0) {
            assert_true(ai == 0);
        } else {
            assert_true(ref_mul(a, ai) == 1);
            assert_true(gl_pow(a, GL_P - 1) == 1); /* Fermat */
        }
    }
    for (int i = 0; i < 3000; i++) {
        gl_t a = test_rng_gl(&g_rng);
        uint64_t e = test_rng_u64(&g_rng);
        assert_true(gl_pow(a, e) == ref_pow(a, e));
        if (a != 0) {
            gl_t ai = gl_inv(a);
            assert_true(gl_is_canonical(ai));
            assert_true(ref_mul(a, ai) == 1);
        }
    }
    /* pow(a, 0) = 1 even for a = 0 (empty product) */
    assert_true(gl_pow(0, 0) == 1);
    assert_true(gl_pow(0, 5) == 0);
}

/* ---------------- signed embedding ---------------- */

static gl_t ref_from_i64(int64_t x)
{
    __int128 r = (__int128)x % (__int128)GL_P;
    if (r < 0)
        r += (__int128)GL_P;
    return (gl_t)r;
}

static void test_signed_embedding(void **state)
{
    (void)state;
    const int64_t half = (int64_t)((GL_P - 1) / 2);
    const int64_t special[] = {0, 1, -1, 2, -2, half, -half, half - 1, -half + 1, INT64_MAX, INT64_MIN,
                               INT64_MIN + 1, (int64_t)0xFFFFFFFF, -(int64_t)0xFFFFFFFF};
    for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
        int64_t x = special[i];
        gl_t a = gl_from_i64(x);
        assert_true(a == ref_from_i64(x));
        assert_true(gl_is_canonical(a));
        if (x >= -half && x <= half)
            assert_true(gl_to_i64(a) == x);
    }
    /* beyond the range, x and x -+ p collide: INT64_MAX = half + 2^31 reads back as negative */
    assert_true(gl_to_i64(gl_from_i64(INT64_MAX)) == (int64_t)((__int128)INT64_MAX - (__int128)GL_P));
    assert_true(gl_to_i64((GL_P - 1) / 2) == half);
    assert_true(gl_to_i64((GL_P + 1) / 2) == -half);
    assert_true(gl_to_i64(GL_P - 1) == -1);
    for (int i = 0; i < 100000; i++) {
        int64_t x = (int64_t)test_rng_u64(&g_rng);
        if (i & 1)
            x >>= (unsigned)(test_rng_u64(&g_rng) % 63); /* small magnitudes too */
        gl_t a = gl_from_i64(x);
        assert_true(a == ref_from_i64(x));
        if (x >= -half && x <= half)
            assert_true(gl_to_i64(a) == x);
        /* the other direction is total: every canonical value round-trips */
        gl_t b = test_rng_gl(&g_rng);
        int64_t y = gl_to_i64(b);
        assert_true(y >= -half && y <= half);
        assert_true(gl_from_i64(y) == b);
        /* the embedding is additive: (x + y) mod p, when x + y does not overflow int64 */
        int64_t u = x >> 1, v = (int64_t)test_rng_u64(&g_rng) >> 1;
        assert_true(gl_from_i64(u + v) == gl_add(gl_from_i64(u), gl_from_i64(v)));
    }
}

/* ---------------- batch inversion ---------------- */

static void test_batch_inv(void **state)
{
    (void)state;
    const size_t sizes[] = {0, 1, 2, 3, 17, 1000};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        gl_t *in = malloc((n + 1) * sizeof *in), *out = malloc((n + 1) * sizeof *out);
        assert_non_null(in);
        assert_non_null(out);
        for (size_t i = 0; i < n; i++)
            in[i] = (i % 5 == 2) ? 0 : (i % 7 == 3 ? EDGES[i % N_EDGES] : test_rng_gl(&g_rng));
        if (n == 2)
            in[0] = 0, in[1] = 0; /* all zeros */
        out[n] = 0xABCD; /* sentinel: must not be written */
        assert_int_equal(gl_batch_inv(out, in, n), 0);
        assert_true(out[n] == 0xABCD);
        for (size_t i = 0; i < n; i++)
            assert_true(out[i] == gl_inv(in[i]));
        /* in place (out aliases in) */
        memcpy(out, in, n * sizeof *in);
        assert_int_equal(gl_batch_inv(out, out, n), 0);
        for (size_t i = 0; i < n; i++)
            assert_true(out[i] == gl_inv(in[i]));
        free(in);
        free(out);
    }
    gl_t one = 5, r = 0;
    assert_int_equal(gl_batch_inv(&r, &one, 1), 0);
    assert_true(ref_mul(r, 5) == 1);
    gl_t zero = 0;
    r = 77;
    assert_int_equal(gl_batch_inv(&r, &zero, 1), 0);
    assert_true(r == 0);
}

static void test_gl3_batch_inv(void **state)
{
    (void)state;
    const size_t sizes[] = {0, 1, 2, 5, 300};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        gl3_t *in = malloc((n + 1) * sizeof *in), *out = malloc((n + 1) * sizeof *out);
        assert_non_null(in);
        assert_non_null(out);
        for (size_t i = 0; i < n; i++) {
            in[i] = test_rng_gl3(&g_rng);
            if (i % 4 == 1)
                in[i] = gl3_zero();
            if (i % 6 == 5)
                in[i].c[1] = in[i].c[2] = 0; /* base-field element */
        }
        out[n] = gl3_one(); /* sentinel */
        assert_int_equal(gl3_batch_inv(out, in, n), 0);
        assert_true(gl3_eq(out[n], gl3_one()));
        for (size_t i = 0; i < n; i++) {
            assert_true(gl3_eq(out[i], gl3_inv(in[i])));
            if (!gl3_is_zero(in[i]))
                assert_true(gl3_eq(gl3_mul(out[i], in[i]), gl3_one()));
            else
                assert_true(gl3_is_zero(out[i]));
        }
        memcpy(out, in, n * sizeof *in);
        assert_int_equal(gl3_batch_inv(out, out, n), 0);
        for (size_t i = 0; i < n; i++)
            assert_true(gl3_eq(out[i], gl3_inv(in[i])));
        free(in);
        free(out);
    }
}

/* ---------------- roots of unity, generator ---------------- */

static void test_roots_of_unity(void **state)
{
    (void)state;
    for (unsigned k = 0; k <= GL_TWO_ADICITY; k++) {
        gl_t w = gl_root_of_unity(k), x = w;
        /* x = w^(2^j) after j squarings */
        for (unsigned j = 0; j < k; j++) {
            if (j == k - 1)
                assert_true(x == GL_P - 1); /* w^(2^(k-1)) = -1: order is exactly 2^k */
            assert_true(x != 1);
            x = ref_mul(x, x);
        }
        assert_true(x == 1); /* w^(2^k) = 1 */
        if (k > 0)
            assert_true(ref_mul(w, w) == gl_root_of_unity(k - 1)); /* consistent tower */
    }
    assert_true(gl_root_of_unity(0) == 1);
    assert_true(gl_root_of_unity(1) == GL_P - 1);
    /* 7 generates F_p^*: p - 1 = 2^32 * 3 * 5 * 17 * 257 * 65537 and g^((p-1)/q) != 1 for each prime q */
    const uint64_t primes[] = {2, 3, 5, 17, 257, 65537};
    uint64_t m = GL_P - 1;
    for (size_t i = 0; i < sizeof primes / sizeof *primes; i++) {
        assert_true((GL_P - 1) % primes[i] == 0);
        assert_true(gl_pow(GL_GENERATOR, (GL_P - 1) / primes[i]) != 1);
        while (m % primes[i] == 0)
            m /= primes[i];
    }
    assert_true(m == 1); /* the factorisation is complete */
}

/* ---------------- extension: independent reference ---------------- */

/* Product in F_p[x]/(x^3 - 2) the long way: the five coefficients of the
 * plain product accumulated exactly in 128 bits, then x^3 = 2, x^4 = 2x. */
static gl3_t ref3_mul(gl3_t a, gl3_t b)
{
    u128 c[5] = {0, 0, 0, 0, 0};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            c[i + j] += (u128)ref_mul(a.c[i], b.c[j]);
    gl3_t r;
    r.c[0] = (gl_t)((c[0] + 2 * (c[3] % P128)) % P128);
    r.c[1] = (gl_t)((c[1] + 2 * (c[4] % P128)) % P128);
    r.c[2] = (gl_t)(c[2] % P128);
    return r;
}

static gl3_t rand3_shaped(void)
{
    gl3_t a = {{rand_shaped(), rand_shaped(), rand_shaped()}};
    if ((test_rng_u64(&g_rng) & 3) == 0)
        a.c[1 + (test_rng_u64(&g_rng) & 1)] = 0;
    return a;
}

static void test_gl3_vs_reference(void **state)
{
    (void)state;
    for (int i = 0; i < 50000; i++) {
        gl3_t a = (i & 1) ? rand3_shaped() : test_rng_gl3(&g_rng);
        gl3_t b = (i & 2) ? rand3_shaped() : test_rng_gl3(&g_rng);
        gl3_t m = gl3_mul(a, b);
        assert_true(gl3_eq(m, ref3_mul(a, b)));
        assert_true(gl3_is_canonical(m));
        assert_true(gl3_eq(gl3_sqr(a), ref3_mul(a, a)));
        gl3_t s = gl3_add(a, b), d = gl3_sub(a, b), ng = gl3_neg(a), mg = gl3_mul_gl(a, b.c[0]);
        for (int c = 0; c < 3; c++) {
            assert_true(s.c[c] == ref_add(a.c[c], b.c[c]));
            assert_true(d.c[c] == ref_sub(a.c[c], b.c[c]));
            assert_true(ng.c[c] == ref_sub(0, a.c[c]));
            assert_true(mg.c[c] == ref_mul(a.c[c], b.c[0]));
        }
    }
    /* x * x * x = 2 */
    gl3_t x = {{0, 1, 0}};
    gl3_t x3 = gl3_mul(gl3_mul(x, x), x);
    assert_true(gl3_eq(x3, gl3_from_gl(GL3_W)));
    /* all-(p-1) operands: the largest intermediate sums */
    gl3_t big = {{GL_P - 1, GL_P - 1, GL_P - 1}};
    assert_true(gl3_eq(gl3_mul(big, big), ref3_mul(big, big)));
}

static void test_gl3_axioms(void **state)
{
    (void)state;
    gl3_t zero = gl3_zero(), one = gl3_one();
    for (int i = 0; i < 20000; i++) {
        gl3_t a = test_rng_gl3(&g_rng), b = rand3_shaped(), c = test_rng_gl3(&g_rng);
        assert_true(gl3_eq(gl3_mul(gl3_mul(a, b), c), gl3_mul(a, gl3_mul(b, c))));  /* associative */
        assert_true(gl3_eq(gl3_add(gl3_add(a, b), c), gl3_add(a, gl3_add(b, c))));  /* associative + */
        assert_true(gl3_eq(gl3_mul(a, b), gl3_mul(b, a)));                           /* commutative */
        assert_true(gl3_eq(gl3_add(a, b), gl3_add(b, a)));                           /* commutative + */
        assert_true(gl3_eq(gl3_mul(a, gl3_add(b, c)), gl3_add(gl3_mul(a, b), gl3_mul(a, c)))); /* distributive */
        assert_true(gl3_eq(gl3_mul(a, one), a));
        assert_true(gl3_eq(gl3_add(a, zero), a));
        assert_true(gl3_is_zero(gl3_mul(a, zero)));
        assert_true(gl3_is_zero(gl3_add(a, gl3_neg(a))));
        assert_true(gl3_eq(gl3_sub(a, b), gl3_add(a, gl3_neg(b))));
        assert_true(gl3_eq(gl3_mul_gl(a, b.c[0]), gl3_mul(a, gl3_from_gl(b.c[0]))));
    }
}

static void test_gl3_inv_pow(void **state)
{
    (void)state;
    assert_true(gl3_is_zero(gl3_inv(gl3_zero())));
    /* x^-1 = x^2 / 2 */
    gl3_t x = {{0, 1, 0}};
    gl3_t xinv = {{0, 0, gl_inv(2)}};
    assert_true(gl3_eq(gl3_inv(x), xinv));
    for (int i = 0; i < 5000; i++) {
        gl3_t a = (i & 1) ? rand3_shaped() : test_rng_gl3(&g_rng);
        if (gl3_is_zero(a))
            continue;
        gl3_t ai = gl3_inv(a);
        assert_true(gl3_is_canonical(ai));
        assert_true(gl3_eq(ref3_mul(a, ai), gl3_one()));
        /* pow vs repeated multiplication for small exponents */
        uint64_t e = test_rng_u64(&g_rng) % 40;
        gl3_t r = gl3_one();
        for (uint64_t k = 0; k < e; k++)
            r = ref3_mul(r, a);
        assert_true(gl3_eq(gl3_pow(a, e), r));
        /* exponent laws with 64-bit exponents: a^(e1+e2) = a^e1 a^e2 */
        uint64_t e1 = test_rng_u64(&g_rng) >> 1, e2 = test_rng_u64(&g_rng) >> 1;
        assert_true(gl3_eq(gl3_pow(a, e1 + e2), gl3_mul(gl3_pow(a, e1), gl3_pow(a, e2))));
    }
}

/* a^(p^3 - 1) = 1 for a != 0, written as ((a^p)^p)^p * a^-1 = 1 since p^3
 * does not fit in 64 bits. Also: Frobenius a -> a^p fixes exactly F_p, and
 * a * a^p * a^(p^2) (the norm) lies in F_p. */
static void test_gl3_group_order(void **state)
{
    (void)state;
    for (int i = 0; i < 40; i++) {
        gl3_t a = (i & 1) ? rand3_shaped() : test_rng_gl3(&g_rng);
        if (i == 0)
            a = (gl3_t){{0, 1, 0}};
        if (gl3_is_zero(a))
            continue;
        gl3_t ap = gl3_pow(a, GL_P), ap2 = gl3_pow(ap, GL_P), ap3 = gl3_pow(ap2, GL_P);
        assert_true(gl3_eq(ap3, a));                          /* a^(p^3) = a */
        assert_true(gl3_eq(gl3_mul(ap3, gl3_inv(a)), gl3_one())); /* a^(p^3 - 1) = 1 */
        int in_base = a.c[1] == 0 && a.c[2] == 0;
        assert_int_equal(gl3_eq(ap, a), in_base); /* a^p = a iff a in F_p */
        gl3_t norm = gl3_mul(gl3_mul(a, ap), ap2);
        assert_true(norm.c[1] == 0 && norm.c[2] == 0 && norm.c[0] != 0);
        /* Frobenius is additive: (a + b)^p = a^p + b^p */
        gl3_t b = test_rng_gl3(&g_rng);
        assert_true(gl3_eq(gl3_pow(gl3_add(a, b), GL_P), gl3_add(ap, gl3_pow(b, GL_P))));
    }
}

/* ---------------- irreducibility of x^3 - 2 ---------------- */

/* Polynomials over F_p of degree <= 3, coefficient i of x^i; deg -1 = zero. */
typedef struct {
    gl_t c[4];
    int deg;
} poly;

static void poly_norm(poly *f)
{
    while (f->deg >= 0 && f->c[f->deg] == 0)
        f->deg--;
}

/* f mod g (g != 0), by long division. */
static poly poly_mod(poly f, const poly *g)
{
    gl_t lead_inv = ref_pow(g->c[g->deg], GL_P - 2);
    while (f.deg >= g->deg) {
        gl_t q = ref_mul(f.c[f.deg], lead_inv);
        int shift = f.deg - g->deg;
        for (int i = 0; i <= g->deg; i++)
            f.c[i + shift] = ref_sub(f.c[i + shift], ref_mul(q, g->c[i]));
        assert_true(f.c[f.deg] == 0);
        poly_norm(&f);
    }
    return f;
}

/* Degree of gcd(f, g) by Euclid's algorithm. */
static int poly_gcd_deg(poly f, poly g)
{
    poly_norm(&f);
    poly_norm(&g);
    while (g.deg >= 0) {
        poly r = poly_mod(f, &g);
        f = g;
        g = r;
    }
    return f.deg;
}

/* (a * b) mod (x^3 - c) for a, b of degree <= 2, by the schoolbook product
 * and x^3 = c, x^4 = c x (independent of gl3_mul, and valid for any c). */
static void mulmod_x3c(gl_t r[3], const gl_t a[3], const gl_t b[3], gl_t c)
{
    gl_t t[5] = {0, 0, 0, 0, 0};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            t[i + j] = ref_add(t[i + j], ref_mul(a[i], b[j]));
    r[0] = ref_add(t[0], ref_mul(c, t[3]));
    r[1] = ref_add(t[1], ref_mul(c, t[4]));
    r[2] = t[2];
}

/* x^p mod (x^3 - c) by left-to-right square-and-multiply. */
static void xpow_p_mod(gl_t r[3], gl_t c)
{
    gl_t acc[3] = {1, 0, 0}, x[3] = {0, 1, 0};
    for (int i = 63; i >= 0; i--) {
        gl_t t[3];
        mulmod_x3c(t, acc, acc, c);
        memcpy(acc, t, sizeof t);
        if ((GL_P >> i) & 1) {
            mulmod_x3c(t, acc, x, c);
            memcpy(acc, t, sizeof t);
        }
    }
    memcpy(r, acc, sizeof acc);
}

/* Degree of gcd(x^p - x, x^3 - c). Since x^p - x = prod_{u in F_p} (x - u),
 * this gcd is the product of (x - u) over the roots u of x^3 - c in F_p, so it
 * is 1 (degree 0) exactly when x^3 - c has no root. We compute it as
 * gcd(x^3 - c, (x^p mod (x^3 - c)) - x), which is the same gcd because
 * x^p - x = q (x^3 - c) + ((x^p mod (x^3 - c)) - x). */
static int gcd_deg_xp_minus_x(gl_t c, gl_t xp_out[3])
{
    gl_t xp[3];
    xpow_p_mod(xp, c);
    if (xp_out)
        memcpy(xp_out, xp, sizeof xp);
    poly f = {{ref_sub(0, c), 0, 0, 1}, 3};
    poly g = {{xp[0], ref_sub(xp[1], 1), xp[2], 0}, 2};
    return poly_gcd_deg(f, g);
}

/* A polynomial of degree 3 is reducible over a field iff it has a linear
 * factor, i.e. a root. So x^3 - 2 is irreducible iff it has no root in F_p.
 * Argument 1 (group theory): p = 1 (mod 3), so the cubes form the subgroup of
 * index 3 of the cyclic group F_p^*, and 2 is a cube iff 2^((p-1)/3) = 1.
 * Argument 2 (polynomial arithmetic, independent of the first):
 * gcd(x^p - x, x^3 - 2) = 1, see gcd_deg_xp_minus_x. We also check that
 * gl3_pow(x, p) reproduces x^p mod (x^3 - 2) and that x^p - x is a unit of
 * F_p[x]/(x^3 - 2), and, as a control, that both criteria agree on x^3 - c
 * for small c, including cubes such as 8 and 27 where roots exist. */
static void test_x3_minus_2_irreducible(void **state)
{
    (void)state;
    assert_true((GL_P - 1) % 3 == 0);
    /* argument 1 */
    assert_true(gl_pow(GL3_W, (GL_P - 1) / 3) != 1);
    /* argument 2 */
    gl_t xp[3];
    assert_int_equal(gcd_deg_xp_minus_x(GL3_W, xp), 0);
    /* gl3_pow computes the same x^p, and x^p - x is invertible in the quotient ring */
    gl3_t x = {{0, 1, 0}};
    gl3_t xp3 = gl3_pow(x, GL_P);
    for (int i = 0; i < 3; i++)
        assert_true(xp3.c[i] == xp[i]);
    gl3_t g = gl3_sub(xp3, x);
    assert_false(gl3_is_zero(g));
    assert_true(gl3_eq(gl3_mul(g, gl3_inv(g)), gl3_one()));
    /* control: the two criteria agree for x^3 - c, c = 1..40; cubes have roots */
    int cubes = 0, noncubes = 0;
    for (gl_t c = 1; c <= 40; c++) {
        int is_cube = gl_pow(c, (GL_P - 1) / 3) == 1;
        int d = gcd_deg_xp_minus_x(c, NULL);
        if (is_cube) {
            /* p = 1 mod 3: three cube roots of unity, so x^3 - c splits completely */
            assert_int_equal(d, 3);
            cubes++;
        } else {
            assert_int_equal(d, 0);
            noncubes++;
        }
    }
    assert_true(cubes >= 3); /* at least 1, 8, 27 */
    assert_true(noncubes > 0);
    assert_int_equal(gcd_deg_xp_minus_x(8, NULL), 3);
    assert_int_equal(gcd_deg_xp_minus_x(27, NULL), 3);
}

int main(void)
{
    test_rng_seed(&g_rng, test_seed());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_base_edges),
        cmocka_unit_test(test_base_random),
        cmocka_unit_test(test_from_u64),
        cmocka_unit_test(test_reduce128),
        cmocka_unit_test(test_pow_inv),
        cmocka_unit_test(test_signed_embedding),
        cmocka_unit_test(test_batch_inv),
        cmocka_unit_test(test_gl3_batch_inv),
        cmocka_unit_test(test_roots_of_unity),
        cmocka_unit_test(test_gl3_vs_reference),
        cmocka_unit_test(test_gl3_axioms),
        cmocka_unit_test(test_gl3_inv_pow),
        cmocka_unit_test(test_gl3_group_order),
        cmocka_unit_test(test_x3_minus_2_irreducible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
