/*
 * field.h — the Goldilocks prime field F_p, p = 2^64 - 2^32 + 1, and its cubic
 * extension F_p^3 = F_p[x] / (x^3 - 2).
 *
 * Representation: a base-field element (gl_t) is a uint64_t in canonical form,
 * 0 <= a < p. Every function here takes canonical inputs and returns canonical
 * outputs; passing a non-canonical value is a caller bug (checked by
 * gl_is_canonical in debug paths and by every parser on untrusted bytes).
 *
 * Reduction of a 128-bit product uses 2^64 = 2^32 - 1 (mod p) and
 * 2^96 = -1 (mod p) (the standard Goldilocks identity; see e.g. the Plonky2
 * paper, Polygon 2022, section 5).
 *
 * Extension: x^3 - 2 is irreducible over F_p because p = 1 (mod 3) and 2 is
 * not a cube mod p (2^((p-1)/3) != 1); tests/test_field.c checks this. An
 * extension element is (c[0] + c[1] x + c[2] x^2). |F_p^3| is about 2^192,
 * which is what lets sumcheck and WHIR challenges reach 128 provable bits.
 *
 * All functions are pure, thread-safe and constant-size; none allocates.
 */
#ifndef ZKMLOPS_FIELD_H
#define ZKMLOPS_FIELD_H

#include <stddef.h>
#include <stdint.h>

#define GL_P 0xFFFFFFFF00000001ULL
/* 2^64 mod p = 2^32 - 1 (also the correction applied on 64-bit overflow). */
#define GL_EPSILON 0xFFFFFFFFULL
/* 7 generates the multiplicative group F_p^*, of order 2^32 * 3 * 5 * 17 * 257 * 65537. */
#define GL_GENERATOR 7ULL
/* Largest power-of-two subgroup: 2^32. */
#define GL_TWO_ADICITY 32u
/* The extension's defining polynomial is x^3 - GL3_W. */
#define GL3_W 2ULL

typedef uint64_t gl_t;
typedef struct {
    gl_t c[3];
} gl3_t;

static inline int gl_is_canonical(uint64_t a) { return a < GL_P; }

/* Add, sub and reduce are written branch-free (carry/borrow turned into masks):
 * on random operands the carries are coin flips, and compiled as branches they
 * cost a misprediction every other operation (measured: 4x slower gl3_mul).
 * The one remaining test (result >= p) is almost never true, so predictable. */
static inline gl_t gl_add(gl_t a, gl_t b)
{
    uint64_t s;
    uint64_t carry = (uint64_t)__builtin_add_overflow(a, b, &s);
    s += (0 - carry) & GL_EPSILON; /* on carry: a + b - p, which is < p */
    return s >= GL_P ? s - GL_P : s;
}

static inline gl_t gl_sub(gl_t a, gl_t b)
{
    uint64_t d;
    uint64_t borrow = (uint64_t)__builtin_sub_overflow(a, b, &d);
    return d - ((0 - borrow) & GL_EPSILON); /* on borrow: a - b + p, computed mod 2^64 */
}

static inline gl_t gl_neg(gl_t a) { return a == 0 ? 0 : GL_P - a; }

/* Reduce a 128-bit value x < 2^128 modulo p. */
static inline gl_t gl_reduce128(unsigned __int128 x)
{
    uint64_t lo = (uint64_t)x;
    uint64_t hi = (uint64_t)(x >> 64);
    uint64_t hi_hi = hi >> 32, hi_lo = hi & GL_EPSILON;
    uint64_t t0; /* lo - hi_hi * 2^96 */
    uint64_t borrow = (uint64_t)__builtin_sub_overflow(lo, hi_hi, &t0);
    t0 -= (0 - borrow) & GL_EPSILON;  /* wrapped: add p = subtract 2^32 - 1 mod 2^64 */
    uint64_t t1 = hi_lo * GL_EPSILON; /* hi_lo * 2^64 */
    uint64_t t2;
    uint64_t carry = (uint64_t)__builtin_add_overflow(t0, t1, &t2);
    t2 += (0 - carry) & GL_EPSILON; /* wrapped: 2^64 = 2^32 - 1; cannot overflow again */
    return t2 >= GL_P ? t2 - GL_P : t2;
}

static inline gl_t gl_mul(gl_t a, gl_t b) { return gl_reduce128((unsigned __int128)a * b); }
static inline gl_t gl_sqr(gl_t a) { return gl_mul(a, a); }

/* Reduce an arbitrary 64-bit integer (not necessarily canonical). */
static inline gl_t gl_from_u64(uint64_t a) { return a >= GL_P ? a - GL_P : a; }

/* Signed embedding: x >= 0 maps to x, x < 0 maps to p - |x|. */
static inline gl_t gl_from_i64(int64_t x)
{
    if (x >= 0)
        return gl_from_u64((uint64_t)x);
    return gl_neg(gl_from_u64((uint64_t)0 - (uint64_t)x));
}

/* Inverse of the signed embedding for |x| <= (p-1)/2: values above (p-1)/2 are
 * read as negative. Every canonical a maps to a value in [-(p-1)/2, (p-1)/2]. */
static inline int64_t gl_to_i64(gl_t a)
{
    if (a <= (GL_P - 1) / 2)
        return (int64_t)a;
    return -(int64_t)(GL_P - a);
}

/* a^e by square-and-multiply. */
gl_t gl_pow(gl_t a, uint64_t e);
/* Multiplicative inverse; gl_inv(0) returns 0 (callers that must not see zero check first). */
gl_t gl_inv(gl_t a);
/* Montgomery's batch inversion: out[i] = in[i]^-1 for n elements with one
 * inversion and 3(n-1) multiplications; zeros map to zero. out may alias in.
 * Allocates O(n) scratch; returns 0 on success, -1 if allocation fails (out untouched). */
int gl_batch_inv(gl_t *out, const gl_t *in, size_t n);
/* A primitive 2^log_n-th root of unity, log_n <= 32: GL_GENERATOR^((p-1)/2^log_n). */
gl_t gl_root_of_unity(unsigned log_n);

/* ---- cubic extension ---- */
static inline gl3_t gl3_from_gl(gl_t a)
{
    gl3_t r = {{a, 0, 0}};
    return r;
}
static inline gl3_t gl3_zero(void) { return gl3_from_gl(0); }
static inline gl3_t gl3_one(void) { return gl3_from_gl(1); }
static inline int gl3_eq(gl3_t a, gl3_t b) { return a.c[0] == b.c[0] && a.c[1] == b.c[1] && a.c[2] == b.c[2]; }
static inline int gl3_is_zero(gl3_t a) { return (a.c[0] | a.c[1] | a.c[2]) == 0; }
static inline int gl3_is_canonical(gl3_t a)
{
    return gl_is_canonical(a.c[0]) && gl_is_canonical(a.c[1]) && gl_is_canonical(a.c[2]);
}
static inline gl3_t gl3_add(gl3_t a, gl3_t b)
{
    gl3_t r = {{gl_add(a.c[0], b.c[0]), gl_add(a.c[1], b.c[1]), gl_add(a.c[2], b.c[2])}};
    return r;
}
static inline gl3_t gl3_sub(gl3_t a, gl3_t b)
{
    gl3_t r = {{gl_sub(a.c[0], b.c[0]), gl_sub(a.c[1], b.c[1]), gl_sub(a.c[2], b.c[2])}};
    return r;
}
static inline gl3_t gl3_neg(gl3_t a)
{
    gl3_t r = {{gl_neg(a.c[0]), gl_neg(a.c[1]), gl_neg(a.c[2])}};
    return r;
}
/* Extension times base-field scalar. */
static inline gl3_t gl3_mul_gl(gl3_t a, gl_t b)
{
    gl3_t r = {{gl_mul(a.c[0], b), gl_mul(a.c[1], b), gl_mul(a.c[2], b)}};
    return r;
}
/* Schoolbook product modulo x^3 - 2: 9 base multiplications. */
static inline gl3_t gl3_mul(gl3_t a, gl3_t b)
{
    gl_t a0b0 = gl_mul(a.c[0], b.c[0]), a1b1 = gl_mul(a.c[1], b.c[1]), a2b2 = gl_mul(a.c[2], b.c[2]);
    gl_t x12 = gl_add(gl_mul(a.c[1], b.c[2]), gl_mul(a.c[2], b.c[1]));
    gl_t x01 = gl_add(gl_mul(a.c[0], b.c[1]), gl_mul(a.c[1], b.c[0]));
    gl_t x02 = gl_add(gl_mul(a.c[0], b.c[2]), gl_mul(a.c[2], b.c[0]));
    gl3_t r = {{gl_add(a0b0, gl_add(x12, x12)), gl_add(x01, gl_add(a2b2, a2b2)), gl_add(x02, a1b1)}};
    return r;
}
static inline gl3_t gl3_sqr(gl3_t a) { return gl3_mul(a, a); }
gl3_t gl3_pow(gl3_t a, uint64_t e);
/* Inverse via the norm N(a) in F_p; gl3_inv(0) returns 0. */
gl3_t gl3_inv(gl3_t a);
/* Batch inversion in the extension, same contract as gl_batch_inv. */
int gl3_batch_inv(gl3_t *out, const gl3_t *in, size_t n);

#endif
