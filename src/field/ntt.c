/*
 * ntt.c — number-theoretic transforms over Goldilocks (see include/zkmlops/ntt.h).
 *
 * Shape of the computation. Every transform is a decimation-in-frequency (DIF,
 * Gentleman–Sande) transform that leaves its output in bit-reversed order,
 * followed by one in-place, tile-blocked bit-reversal permutation.
 *
 *  - n <= 2^NTT_LEAF_LOG: radix-2 DIF in cache.
 *  - larger n: Bailey's four-step decomposition (D. H. Bailey, "FFTs in
 *    external or hierarchical memory", J. Supercomputing 4(1), 1990), with
 *    n = n1 n2, i = i1 n2 + i2, k = k1 + n1 k2:
 *        X[k1 + n1 k2] = sum_i2 w_n2^(i2 k2) w_n^(i2 k1) sum_i1 a[i1 n2 + i2] w_n1^(i1 k1)
 *    (1) the n1-point column DIFs run on blocks of adjacent columns, so every
 *        butterfly streams a contiguous row segment with a single twiddle;
 *    (2) row r, which now holds k1 = rev(r), is scaled by w_n^(i2 k1);
 *    (3) each row gets an n2-point DIF (itself four-step when large).
 *    Both sub-transforms leave bit-reversed output, so X[k] lands at
 *    rev_n1(k1) n2 + rev_n2(k2) = rev_n(k); one global bit reversal finishes.
 *  - Inverse: the same with w^-1; the 1/n factor is folded into step (2).
 *  - Reed–Solomon encoding of K = 2^log_k coefficients to N = K B points is
 *    step (2)+(3) of the four-step with n1 = B, n2 = K: the column transforms
 *    of a zero-padded input are constant, so each of the B rows is the coset
 *    transform coeffs[i] w_N^(i k1) -> K points (N log K butterflies instead
 *    of N log N).
 *
 * Cache behaviour: the column pass works on blocks of >= 512-byte row
 * segments (<= 512 KiB per block where possible) and recurses depth first, so
 * sub-blocks of <= 32 KiB finish all their stages in L1; rows of a 2^20
 * transform are 2^10 points (8 KiB). Measured on the 2-core AVX-512 build
 * machine, 1 thread: 2^20 base ~6 ms (a naive radix-2 takes ~85 ms), 2^20
 * extension ~22 ms, 2^22 base ~32 ms; see bench/bench_field.c.
 *
 * Extension-field vectors are handled by the same kernels with "width" 3:
 * every butterfly applies the same base-field twiddle to the 3 coordinates.
 * Twiddle tables are built once per size and kept for the life of the process
 * (published with C11 atomics, so concurrent first calls are safe).
 *
 * Kernels: portable C, and AVX-512F versions of the leaf DIF, the column
 * stages, the row twiddles and the 8 x 8 bit-reversal tiles, chosen per call
 * (CPU support, ZKM_NTT_PORTABLE). OpenMP loops use dynamic schedules so that
 * a thread descheduled on a shared machine does not stall the others.
 */
#include "zkmlops/ntt.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/status.h"

#if defined(__x86_64__) && defined(__GNUC__)
#define NTT_HAVE_AVX512 1
#include <immintrin.h>
#else
#define NTT_HAVE_AVX512 0
#endif

/* Transforms of at most 2^NTT_LEAF_LOG points run as one in-cache DIF. */
#define NTT_LEAF_LOG 12u
/* Four-step sub-transforms never exceed 2^16 points (log_n <= 32). */
#define NTT_STAGE_LOG 16u
/* Parallelise (OpenMP) from this size on. */
#define NTT_PAR_LOG 14u
/* Bit reversal works on 2^BR_B x 2^BR_B tiles. */
#define BR_B 3u
_Static_assert(BR_B == 3, "the AVX-512 bit reversal assumes 8 x 8 tiles");
/* Target bytes of one column block in the four-step column pass (L2-sized). */
#define COL_BLOCK_BYTES (512u * 1024u)
/* Minimum contiguous bytes per row of a column block (prefetch / TLB friendly). */
#define COL_SEG_BYTES 512u
/* Column sub-blocks this small finish all their stages at once (L1-sized). */
#define COL_L1_BYTES (32u * 1024u)

#define NTT_ALWAYS_INLINE static inline __attribute__((always_inline))

_Static_assert(sizeof(gl3_t) == 3 * sizeof(gl_t), "gl3_t must be three packed gl_t");

/* Bit reversal of the low `bits` bits of x (bits <= 32). */
static inline size_t bit_rev(size_t x, unsigned bits)
{
    if (bits == 0)
        return 0;
    uint64_t v = __builtin_bswap64((uint64_t)x);
    v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
    v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
    v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
    return (size_t)(v >> (64 - bits));
}

/* ---------------- twiddle tables ---------------- */

/* Stage twiddles for every DIF of at most 2^NTT_STAGE_LOG points:
 * tw[h + j] = w_{2h}^j for h = 2^s < 2^NTT_STAGE_LOG, 0 <= j < h (entry 0 unused).
 * g_stage[0] forward (w), g_stage[1] inverse (w^-1). */
static _Atomic(gl_t *) g_stage[2];

/* Four-step twiddles for n = 2^log_n: w_n^e = hi[e >> log_lo] * lo[e & (2^log_lo - 1)].
 * lo[0] forward, lo[1] inverse, lo[2] inverse times 1/n; hi[0] forward, hi[1] inverse. */
typedef struct {
    unsigned log_n, log_lo;
    const gl_t *lo[3];
    const gl_t *hi[2];
    gl_t mem[]; /* storage for the arrays above */
} step_tw;
static _Atomic(step_tw *) g_step[GL_TWO_ADICITY + 1];

static const gl_t *stage_table(int inv)
{
    gl_t *t = atomic_load_explicit(&g_stage[inv], memory_order_acquire);
    if (t)
        return t;
    size_t m = (size_t)1 << NTT_STAGE_LOG;
    t = malloc(m * sizeof *t);
    if (!t)
        return NULL;
    /* top level by a power chain, lower levels by subsampling: w_{2h}^j = w_{4h}^{2j} */
    size_t top = m / 2;
    gl_t w = gl_root_of_unity(NTT_STAGE_LOG);
    if (inv)
        w = gl_inv(w);
    t[0] = 0;
    t[top] = 1;
    for (size_t j = 1; j < top; j++)
        t[top + j] = gl_mul(t[top + j - 1], w);
    for (size_t h = top / 2; h >= 1; h /= 2)
        for (size_t j = 0; j < h; j++)
            t[h + j] = t[2 * h + 2 * j];
    gl_t *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(&g_stage[inv], &expected, t, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        free(t);
        t = expected;
    }
    return t;
}

static void fill_powers(gl_t *out, size_t len, gl_t base, gl_t start)
{
    gl_t x = start;
    for (size_t i = 0; i < len; i++) {
        out[i] = x;
        x = gl_mul(x, base);
    }
}

static const step_tw *step_table(unsigned log_n)
{
    step_tw *s = atomic_load_explicit(&g_step[log_n], memory_order_acquire);
    if (s)
        return s;
    unsigned log_lo = (log_n + 1) / 2, log_hi = log_n - log_lo;
    size_t nlo = (size_t)1 << log_lo, nhi = (size_t)1 << log_hi;
    s = malloc(sizeof *s + (3 * nlo + 2 * nhi) * sizeof(gl_t));
    if (!s)
        return NULL;
    s->log_n = log_n;
    s->log_lo = log_lo;
    gl_t *lo0 = s->mem, *lo1 = lo0 + nlo, *lo2 = lo1 + nlo, *hi0 = lo2 + nlo, *hi1 = hi0 + nhi;
    gl_t w = gl_root_of_unity(log_n), wi = gl_inv(w);
    gl_t n_inv = gl_inv(gl_pow(2, log_n));
    fill_powers(lo0, nlo, w, 1);
    fill_powers(lo1, nlo, wi, 1);
    fill_powers(lo2, nlo, wi, n_inv);
    fill_powers(hi0, nhi, gl_pow(w, nlo), 1);
    fill_powers(hi1, nhi, gl_pow(wi, nlo), 1);
    s->lo[0] = lo0;
    s->lo[1] = lo1;
    s->lo[2] = lo2;
    s->hi[0] = hi0;
    s->hi[1] = hi1;
    step_tw *expected = NULL;
    if (!atomic_compare_exchange_strong_explicit(&g_step[log_n], &expected, s, memory_order_acq_rel,
                                                 memory_order_acquire)) {
        free(s);
        s = expected;
    }
    return s;
}

/* Make sure every table a DIF of 2^log_n points needs exists (so that a
 * failure leaves the data untouched). Returns 0 or -1. */
static int ensure_tables(unsigned log_n, int inv)
{
    if (!stage_table(inv))
        return -1;
    while (log_n > NTT_LEAF_LOG) {
        if (!step_table(log_n))
            return -1;
        log_n -= log_n / 2;
    }
    return 0;
}

/* ---------------- portable kernels (w = element width in gl_t: 1 or 3) ---------------- */

/* Radix-2 DIF stages h = h_top, h_top/2, ..., 1 on m contiguous elements. */
NTT_ALWAYS_INLINE void dif_stages_w(gl_t *a, size_t m, size_t h_top, const gl_t *tw, const unsigned w)
{
    for (size_t h = h_top; h >= 1; h >>= 1) {
        for (size_t g = 0; g < m; g += 2 * h) {
            gl_t *x = a + g * w, *y = a + (g + h) * w;
            for (unsigned c = 0; c < w; c++) {
                gl_t u = x[c], v = y[c];
                x[c] = gl_add(u, v);
                y[c] = gl_sub(u, v);
            }
            for (size_t j = 1; j < h; j++) {
                gl_t t = tw[h + j];
                for (unsigned c = 0; c < w; c++) {
                    gl_t u = x[j * w + c], v = y[j * w + c];
                    x[j * w + c] = gl_add(u, v);
                    y[j * w + c] = gl_mul(gl_sub(u, v), t);
                }
            }
        }
    }
}

/* Full DIF on m = 2^log_m contiguous elements; bit-reversed output. */
static void leaf_dif_port(gl_t *a, unsigned log_m, const gl_t *tw, unsigned w)
{
    size_t m = (size_t)1 << log_m;
    if (w == 1)
        dif_stages_w(a, m, m >> 1, tw, 1);
    else
        dif_stages_w(a, m, m >> 1, tw, 3);
}

/* Radix-2 DIF down the columns of a block: 2^log_rows rows, each a segment of
 * `seg` gl_t at distance `stride` gl_t; every column transformed independently
 * (rows end up in bit-reversed order). */
static void col_dif_port(gl_t *a, size_t stride, size_t seg, unsigned log_rows, const gl_t *tw)
{
    size_t rows = (size_t)1 << log_rows;
    for (size_t h = rows >> 1; h >= 1; h >>= 1) {
        for (size_t g = 0; g < rows; g += 2 * h) {
            for (size_t j = 0; j < h; j++) {
                gl_t *x = a + (g + j) * stride, *y = a + (g + j + h) * stride;
                if (j == 0) {
                    for (size_t c = 0; c < seg; c++) {
                        gl_t u = x[c], v = y[c];
                        x[c] = gl_add(u, v);
                        y[c] = gl_sub(u, v);
                    }
                } else {
                    gl_t t = tw[h + j];
                    for (size_t c = 0; c < seg; c++) {
                        gl_t u = x[c], v = y[c];
                        x[c] = gl_add(u, v);
                        y[c] = gl_mul(gl_sub(u, v), t);
                    }
                }
            }
        }
    }
}

/* One DIF stage on a column block of 2h rows: rows j and j + h, twiddle w_{2h}^j. */
static void col_stage_port(gl_t *a, size_t stride, size_t seg, size_t h, const gl_t *tw)
{
    for (size_t j = 0; j < h; j++) {
        gl_t *x = a + j * stride, *y = a + (j + h) * stride;
        gl_t t = tw[h + j];
        for (size_t c = 0; c < seg; c++) {
            gl_t u = x[c], v = y[c];
            x[c] = gl_add(u, v);
            y[c] = j == 0 ? gl_sub(u, v) : gl_mul(gl_sub(u, v), t);
        }
    }
}

/* dst[i] = src[i] * w_n^(k1 i) (times 1/n if lo is the scaled table), i in [i0, i1). */
NTT_ALWAYS_INLINE void twiddle_row_w(gl_t *dst, const gl_t *src, size_t k1, size_t i0, size_t i1,
                                     const step_tw *st, const gl_t *lo, const gl_t *hi, const unsigned w)
{
    unsigned log_lo = st->log_lo;
    uint64_t mask = ((uint64_t)1 << log_lo) - 1;
    uint64_t e = (uint64_t)k1 * i0;
    for (size_t i = i0; i < i1; i++, e += k1) {
        gl_t t = gl_mul(hi[e >> log_lo], lo[e & mask]);
        for (unsigned c = 0; c < w; c++)
            dst[i * w + c] = gl_mul(src[i * w + c], t);
    }
}

static void twiddle_row_port(gl_t *dst, const gl_t *src, size_t k1, size_t i0, size_t i1, const step_tw *st,
                             const gl_t *lo, const gl_t *hi, unsigned w)
{
    if (w == 1)
        twiddle_row_w(dst, src, k1, i0, i1, st, lo, hi, 1);
    else
        twiddle_row_w(dst, src, k1, i0, i1, st, lo, hi, 3);
}

/* ---------------- AVX-512 kernels ----------------
 * Eight Goldilocks lanes per __m512i. The 64x64 -> 128-bit product is built
 * from four 32x32 -> 64-bit vpmuludq products; the reduction is the scalar one
 * (2^64 = 2^32 - 1, 2^96 = -1) with carries and borrows as lane masks. Results
 * are bit-identical to the portable kernels (both canonical), which the tests
 * check by running every case on both paths. */
#if NTT_HAVE_AVX512
#define V_INLINE static inline __attribute__((always_inline, target("avx512f")))
#define V_KERNEL static __attribute__((target("avx512f")))

V_INLINE __m512i v_set1(uint64_t x) { return _mm512_set1_epi64((long long)x); }

/* a + b for canonical a, b: a - (p - b), plus p if that borrowed. */
V_INLINE __m512i v_add(__m512i a, __m512i b)
{
    const __m512i p = v_set1(GL_P);
    __m512i nb = _mm512_sub_epi64(p, b);
    __m512i d = _mm512_sub_epi64(a, nb);
    return _mm512_mask_add_epi64(d, _mm512_cmplt_epu64_mask(a, nb), d, p);
}

V_INLINE __m512i v_sub(__m512i a, __m512i b)
{
    __m512i d = _mm512_sub_epi64(a, b);
    return _mm512_mask_add_epi64(d, _mm512_cmplt_epu64_mask(a, b), d, v_set1(GL_P));
}

V_INLINE __m512i v_mul(__m512i a, __m512i b)
{
    const __m512i m32 = v_set1(0xFFFFFFFFULL), eps = v_set1(GL_EPSILON), p = v_set1(GL_P);
    __m512i ah = _mm512_srli_epi64(a, 32), bh = _mm512_srli_epi64(b, 32);
    __m512i ll = _mm512_mul_epu32(a, b), lh = _mm512_mul_epu32(a, bh);
    __m512i hl = _mm512_mul_epu32(ah, b), hh = _mm512_mul_epu32(ah, bh);
    __m512i mid = _mm512_add_epi64(lh, _mm512_srli_epi64(ll, 32));     /* < 2^64 */
    __m512i mid2 = _mm512_add_epi64(hl, _mm512_and_si512(mid, m32));   /* < 2^64 */
    __m512i lo = _mm512_or_si512(_mm512_slli_epi64(mid2, 32), _mm512_and_si512(ll, m32));
    __m512i hi = _mm512_add_epi64(hh, _mm512_add_epi64(_mm512_srli_epi64(mid, 32), _mm512_srli_epi64(mid2, 32)));
    /* reduce hi * 2^64 + lo */
    __m512i hi_hi = _mm512_srli_epi64(hi, 32), hi_lo = _mm512_and_si512(hi, m32);
    __m512i t0 = _mm512_sub_epi64(lo, hi_hi);
    t0 = _mm512_mask_sub_epi64(t0, _mm512_cmplt_epu64_mask(lo, hi_hi), t0, eps);
    __m512i t1 = _mm512_sub_epi64(_mm512_slli_epi64(hi_lo, 32), hi_lo); /* hi_lo * (2^32 - 1) */
    __m512i t2 = _mm512_add_epi64(t0, t1);
    t2 = _mm512_mask_add_epi64(t2, _mm512_cmplt_epu64_mask(t2, t1), t2, eps);
    return _mm512_mask_sub_epi64(t2, _mm512_cmpge_epu64_mask(t2, p), t2, p);
}

V_INLINE __m512i v_load(const gl_t *p) { return _mm512_loadu_si512((const void *)p); }
V_INLINE void v_store(gl_t *p, __m512i v) { _mm512_storeu_si512((void *)p, v); }

/* DIF butterfly on 8 lanes: (x, y) <- (x + y, (x - y) t). */
V_INLINE void v_bfly(gl_t *x, gl_t *y, __m512i t)
{
    __m512i u = v_load(x), v = v_load(y);
    v_store(x, v_add(u, v));
    v_store(y, v_mul(v_sub(u, v), t));
}

V_INLINE void v_bfly_notw(gl_t *x, gl_t *y)
{
    __m512i u = v_load(x), v = v_load(y);
    v_store(x, v_add(u, v));
    v_store(y, v_sub(u, v));
}

/* Spread 8 per-element twiddles over the 24 lanes of 8 gl3 elements. */
V_INLINE void v_expand3(__m512i t, __m512i out[3])
{
    out[0] = _mm512_permutexvar_epi64(_mm512_set_epi64(2, 2, 1, 1, 1, 0, 0, 0), t);
    out[1] = _mm512_permutexvar_epi64(_mm512_set_epi64(5, 4, 4, 4, 3, 3, 3, 2), t);
    out[2] = _mm512_permutexvar_epi64(_mm512_set_epi64(7, 7, 7, 6, 6, 6, 5, 5), t);
}

/* The last three DIF stages (h = 4, 2, 1) of 16 base-field elements held in
 * two registers (v0: elements 0..7, v1: elements 8..15). */
V_INLINE void v_last3_regs(__m512i *pv0, __m512i *pv1, __m512i t4, __m512i t2)
{
    __m512i v0 = *pv0, v1 = *pv1;
    /* h = 4: pairs (i, i + 4) within each 8-element half */
    __m512i x = _mm512_shuffle_i64x2(v0, v1, 0x44), y = _mm512_shuffle_i64x2(v0, v1, 0xEE);
    __m512i xs = v_add(x, y), ys = v_mul(v_sub(x, y), t4);
    v0 = _mm512_shuffle_i64x2(xs, ys, 0x44);
    v1 = _mm512_shuffle_i64x2(xs, ys, 0xEE);
    /* h = 2 */
    x = _mm512_permutex2var_epi64(v0, _mm512_set_epi64(13, 12, 9, 8, 5, 4, 1, 0), v1);
    y = _mm512_permutex2var_epi64(v0, _mm512_set_epi64(15, 14, 11, 10, 7, 6, 3, 2), v1);
    xs = v_add(x, y);
    ys = v_mul(v_sub(x, y), t2);
    v0 = _mm512_permutex2var_epi64(xs, _mm512_set_epi64(11, 10, 3, 2, 9, 8, 1, 0), ys);
    v1 = _mm512_permutex2var_epi64(xs, _mm512_set_epi64(15, 14, 7, 6, 13, 12, 5, 4), ys);
    /* h = 1 (twiddle 1) */
    x = _mm512_permutex2var_epi64(v0, _mm512_set_epi64(14, 12, 10, 8, 6, 4, 2, 0), v1);
    y = _mm512_permutex2var_epi64(v0, _mm512_set_epi64(15, 13, 11, 9, 7, 5, 3, 1), v1);
    xs = v_add(x, y);
    ys = v_sub(x, y);
    *pv0 = _mm512_permutex2var_epi64(xs, _mm512_set_epi64(11, 3, 10, 2, 9, 1, 8, 0), ys);
    *pv1 = _mm512_permutex2var_epi64(xs, _mm512_set_epi64(15, 7, 14, 6, 13, 5, 12, 4), ys);
}

V_INLINE void v_last3(gl_t *a, __m512i t4, __m512i t2)
{
    __m512i v0 = v_load(a), v1 = v_load(a + 8);
    v_last3_regs(&v0, &v1, t4, t2);
    v_store(a, v0);
    v_store(a + 8, v1);
}

/* Lane maps between 8 interleaved gl3 elements (3 registers, gl_t f = 3e + c
 * in register f / 8, lane f % 8) and 3 planar registers (coordinate c, lane
 * e): the first two source registers via permutex2var, the third via a
 * masked permute. Generated by enumerating f. */
static const long long DEINT01[3][8] = {{0, 3, 6, 9, 12, 15, 0, 0}, {1, 4, 7, 10, 13, 0, 0, 0}, {2, 5, 8, 11, 14, 0, 0, 0}};
static const long long DEINT2[3][8] = {{0, 0, 0, 0, 0, 0, 2, 5}, {0, 0, 0, 0, 0, 0, 3, 6}, {0, 0, 0, 0, 0, 1, 4, 7}};
static const __mmask8 DEINT_MASK[3] = {0xC0, 0xE0, 0xE0};
static const long long INT01[3][8] = {{0, 8, 0, 1, 9, 0, 2, 10}, {0, 3, 11, 0, 4, 12, 0, 5}, {13, 0, 6, 14, 0, 7, 15, 0}};
static const long long INT2[3][8] = {{0, 0, 0, 0, 0, 1, 0, 0}, {2, 0, 0, 3, 0, 0, 4, 0}, {0, 5, 0, 0, 6, 0, 0, 7}};
static const __mmask8 INT_MASK[3] = {0x24, 0x49, 0x92};

V_INLINE void v_deinterleave3(const __m512i v[3], __m512i p[3])
{
    for (int c = 0; c < 3; c++) {
        __m512i t = _mm512_permutex2var_epi64(v[0], _mm512_loadu_si512((const void *)DEINT01[c]), v[1]);
        p[c] = _mm512_mask_permutexvar_epi64(t, DEINT_MASK[c], _mm512_loadu_si512((const void *)DEINT2[c]), v[2]);
    }
}

V_INLINE void v_interleave3(const __m512i p[3], __m512i v[3])
{
    for (int k = 0; k < 3; k++) {
        __m512i t = _mm512_permutex2var_epi64(p[0], _mm512_loadu_si512((const void *)INT01[k]), p[1]);
        v[k] = _mm512_mask_permutexvar_epi64(t, INT_MASK[k], _mm512_loadu_si512((const void *)INT2[k]), p[2]);
    }
}

/* The last three DIF stages of 16 gl3 elements (48 gl_t): planar, then as v_last3 per coordinate. */
V_INLINE void v_last3_gl3(gl_t *a, __m512i t4, __m512i t2)
{
    __m512i v[6], pa[3], pb[3];
    for (int i = 0; i < 6; i++)
        v[i] = v_load(a + 8 * i);
    v_deinterleave3(v, pa);
    v_deinterleave3(v + 3, pb);
    for (int c = 0; c < 3; c++)
        v_last3_regs(&pa[c], &pb[c], t4, t2);
    v_interleave3(pa, v);
    v_interleave3(pb, v + 3);
    for (int i = 0; i < 6; i++)
        v_store(a + 8 * i, v[i]);
}

V_KERNEL void leaf_dif_avx512(gl_t *a, unsigned log_m, const gl_t *tw, unsigned w)
{
    size_t m = (size_t)1 << log_m;
    if (m < 16) {
        leaf_dif_port(a, log_m, tw, w);
        return;
    }
    size_t h = m >> 1;
    for (; h >= 8; h >>= 1) {
        for (size_t g = 0; g < m; g += 2 * h) {
            gl_t *x = a + g * w, *y = a + (g + h) * w;
            for (size_t j = 0; j < h; j += 8) {
                __m512i t = v_load(tw + h + j);
                if (w == 1) {
                    v_bfly(x + j, y + j, t);
                } else {
                    __m512i t3[3];
                    v_expand3(t, t3);
                    for (unsigned q = 0; q < 3; q++)
                        v_bfly(x + 3 * j + 8 * q, y + 3 * j + 8 * q, t3[q]);
                }
            }
        }
    }
    __m512i t4 = _mm512_broadcast_i64x4(_mm256_loadu_si256((const void *)(tw + 4)));
    __m512i t2 = _mm512_set_epi64((long long)tw[3], (long long)tw[2], (long long)tw[3], (long long)tw[2],
                                  (long long)tw[3], (long long)tw[2], (long long)tw[3], (long long)tw[2]);
    if (w == 1)
        for (size_t g = 0; g < m; g += 16)
            v_last3(a + g, t4, t2);
    else
        for (size_t g = 0; g < m; g += 16)
            v_last3_gl3(a + 3 * g, t4, t2);
}

V_KERNEL void col_dif_avx512(gl_t *a, size_t stride, size_t seg, unsigned log_rows, const gl_t *tw)
{
    size_t rows = (size_t)1 << log_rows;
    for (size_t h = rows >> 1; h >= 1; h >>= 1) {
        for (size_t g = 0; g < rows; g += 2 * h) {
            for (size_t j = 0; j < h; j++) {
                gl_t *x = a + (g + j) * stride, *y = a + (g + j + h) * stride;
                if (j == 0) {
                    for (size_t c = 0; c < seg; c += 8)
                        v_bfly_notw(x + c, y + c);
                } else {
                    __m512i t = v_set1(tw[h + j]);
                    for (size_t c = 0; c < seg; c += 8)
                        v_bfly(x + c, y + c, t);
                }
            }
        }
    }
}

V_KERNEL void col_stage_avx512(gl_t *a, size_t stride, size_t seg, size_t h, const gl_t *tw)
{
    for (size_t c = 0; c < seg; c += 8)
        v_bfly_notw(a + c, a + h * stride + c);
    for (size_t j = 1; j < h; j++) {
        gl_t *x = a + j * stride, *y = a + (j + h) * stride;
        __m512i t = v_set1(tw[h + j]);
        for (size_t c = 0; c < seg; c += 8)
            v_bfly(x + c, y + c, t);
    }
}

/* As twiddle_row_port. Four running vectors hold the twiddles of 32
 * consecutive elements and advance by w_n^(32 k1) (lo_u: the unscaled table). */
V_KERNEL void twiddle_row_avx512(gl_t *dst, const gl_t *src, size_t k1, size_t i0, size_t i1,
                                 const step_tw *st, const gl_t *lo, const gl_t *lo_u, const gl_t *hi, unsigned w)
{
    if (i1 - i0 < 32) {
        twiddle_row_port(dst, src, k1, i0, i1, st, lo, hi, w);
        return;
    }
    unsigned log_lo = st->log_lo;
    uint64_t mask = ((uint64_t)1 << log_lo) - 1, nmask = ((uint64_t)1 << st->log_n) - 1;
    gl_t init[32];
    uint64_t e = ((uint64_t)k1 * i0) & nmask;
    for (unsigned q = 0; q < 32; q++, e = (e + k1) & nmask)
        init[q] = gl_mul(hi[e >> log_lo], lo[e & mask]);
    uint64_t e32 = ((uint64_t)k1 * 32) & nmask;
    const __m512i step = v_set1(gl_mul(hi[e32 >> log_lo], lo_u[e32 & mask]));
    __m512i t[4];
    for (unsigned q = 0; q < 4; q++)
        t[q] = v_load(init + 8 * q);
    size_t i = i0;
    for (; i + 32 <= i1; i += 32) {
        for (unsigned q = 0; q < 4; q++) {
            size_t b = i + 8 * q;
            if (w == 1) {
                v_store(dst + b, v_mul(v_load(src + b), t[q]));
            } else {
                __m512i t3[3];
                v_expand3(t[q], t3);
                for (unsigned r = 0; r < 3; r++)
                    v_store(dst + 3 * b + 8 * r, v_mul(v_load(src + 3 * b + 8 * r), t3[r]));
            }
            t[q] = v_mul(t[q], step);
        }
    }
    if (i < i1)
        twiddle_row_port(dst, src, k1, i, i1, st, lo, hi, w);
}

/* 8 x 8 transpose of 64-bit lanes: out[x] lane y = in[y] lane x. */
V_INLINE void v_transpose8(__m512i r[8])
{
    __m512i s[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        s[i] = _mm512_unpacklo_epi64(r[i], r[i + 1]);     /* r_i[0] r_i+1[0] r_i[2] r_i+1[2] ... */
        s[i + 1] = _mm512_unpackhi_epi64(r[i], r[i + 1]); /* r_i[1] r_i+1[1] r_i[3] r_i+1[3] ... */
    }
    const __m512i lo2 = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0), hi2 = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
    for (int i = 0; i < 8; i += 4)
        for (int k = 0; k < 2; k++) {
            /* rows i..i+3, columns {k, k+4} and {k+2, k+6} */
            u[i + k] = _mm512_permutex2var_epi64(s[i + k], lo2, s[i + 2 + k]);
            u[i + 2 + k] = _mm512_permutex2var_epi64(s[i + k], hi2, s[i + 2 + k]);
        }
    for (int k = 0; k < 4; k++) {
        r[k] = _mm512_shuffle_i64x2(u[k], u[4 + k], 0x44);
        r[k + 4] = _mm512_shuffle_i64x2(u[k], u[4 + k], 0xEE);
    }
}

/* bitrev_tiles_w for w = 1 with 8 x 8 tiles held in registers: loading the
 * rows of B in bit-reversed order and transposing gives C with
 * C[x] lane l = B(rev l, x), so new A(h, .) = C[rev h]. */
V_KERNEL void bitrev_tiles_avx512(gl_t *a, size_t mid, unsigned m)
{
    size_t mr = bit_rev(mid, m);
    size_t hstride = (size_t)1 << (m + 3);
    gl_t *pa = a + (mid << 3), *pb = a + (mr << 3);
    static const unsigned char rev3[8] = {0, 4, 2, 6, 1, 5, 3, 7};
    __m512i ra[8], rb[8];
    for (int h = 0; h < 8; h++) {
        ra[h] = v_load(pa + rev3[h] * hstride);
        rb[h] = v_load(pb + rev3[h] * hstride);
    }
    v_transpose8(ra);
    v_transpose8(rb);
    for (int h = 0; h < 8; h++) {
        v_store(pa + h * hstride, rb[rev3[h]]);
        if (mr != mid)
            v_store(pb + h * hstride, ra[rev3[h]]);
    }
}

static int cpu_has_avx512(void)
{
    static atomic_int cached = -1;
    int c = atomic_load_explicit(&cached, memory_order_relaxed);
    if (c < 0) {
        c = __builtin_cpu_supports("avx512f") ? 1 : 0;
        atomic_store_explicit(&cached, c, memory_order_relaxed);
    }
    return c;
}
#else
static int cpu_has_avx512(void) { return 0; }
#endif

/* ---------------- dispatch ---------------- */

typedef struct {
    unsigned w; /* element width in gl_t: 1 (base) or 3 (extension) */
    int inv;    /* 0 forward, 1 inverse */
    int simd;   /* use the AVX-512 kernels */
} ntt_cfg;

/* AVX-512 when the CPU has it, unless ZKM_NTT_PORTABLE is set to something other than "0". */
static int want_simd(void)
{
    const char *e = getenv("ZKM_NTT_PORTABLE");
    if (e && e[0] && strcmp(e, "0") != 0)
        return 0;
    return cpu_has_avx512();
}

static void k_leaf(const ntt_cfg *cfg, gl_t *a, unsigned log_m, const gl_t *tw)
{
#if NTT_HAVE_AVX512
    if (cfg->simd) {
        leaf_dif_avx512(a, log_m, tw, cfg->w);
        return;
    }
#endif
    leaf_dif_port(a, log_m, tw, cfg->w);
}

static void k_col_iter(const ntt_cfg *cfg, gl_t *a, size_t stride, size_t seg, unsigned log_rows, const gl_t *tw)
{
#if NTT_HAVE_AVX512
    if (cfg->simd && seg % 8 == 0) {
        col_dif_avx512(a, stride, seg, log_rows, tw);
        return;
    }
#endif
    col_dif_port(a, stride, seg, log_rows, tw);
}

static void k_col_stage(const ntt_cfg *cfg, gl_t *a, size_t stride, size_t seg, size_t h, const gl_t *tw)
{
#if NTT_HAVE_AVX512
    if (cfg->simd && seg % 8 == 0) {
        col_stage_avx512(a, stride, seg, h, tw);
        return;
    }
#endif
    col_stage_port(a, stride, seg, h, tw);
}

/* Column DIF of a block, depth first: one stage over the whole block, then
 * the two halves independently, so that from some depth on a sub-block stays
 * in L1 for all its remaining stages. (A radix-4 version of the out-of-L1
 * stages measured no faster on the build machine.) */
static void k_col(const ntt_cfg *cfg, gl_t *a, size_t stride, size_t seg, unsigned log_rows, const gl_t *tw)
{
    if (log_rows == 0)
        return;
    if ((seg * sizeof(gl_t)) << log_rows <= COL_L1_BYTES) {
        k_col_iter(cfg, a, stride, seg, log_rows, tw);
        return;
    }
    size_t h = (size_t)1 << (log_rows - 1);
    k_col_stage(cfg, a, stride, seg, h, tw);
    k_col(cfg, a, stride, seg, log_rows - 1, tw);
    k_col(cfg, a + h * stride, stride, seg, log_rows - 1, tw);
}

static void k_twiddle(const ntt_cfg *cfg, gl_t *dst, const gl_t *src, size_t k1, size_t i0, size_t i1,
                      const step_tw *st, const gl_t *lo, const gl_t *hi)
{
#if NTT_HAVE_AVX512
    if (cfg->simd) {
        twiddle_row_avx512(dst, src, k1, i0, i1, st, lo, st->lo[cfg->inv], hi, cfg->w);
        return;
    }
#endif
    twiddle_row_port(dst, src, k1, i0, i1, st, lo, hi, cfg->w);
}

/* ---------------- bit reversal ---------------- */

static void swap_elems(gl_t *a, size_t i, size_t j, unsigned w)
{
    for (unsigned c = 0; c < w; c++) {
        gl_t t = a[i * w + c];
        a[i * w + c] = a[j * w + c];
        a[j * w + c] = t;
    }
}

/* Index bits (hi, mid, lo) with hi, lo of BR_B bits and mid of m bits: the
 * tile of mid and the tile of rev(mid) (2^BR_B rows of 2^BR_B contiguous
 * elements each) exchange contents: new A(h, l) = old B(rev l, rev h). */
NTT_ALWAYS_INLINE void bitrev_tiles_w(gl_t *a, size_t mid, unsigned m, const unsigned w)
{
    enum { T = 1u << BR_B };
    gl_t ta[T * T * 3], tb[T * T * 3];
    size_t mr = bit_rev(mid, m);
    size_t hstride = ((size_t)1 << (m + BR_B)) * w;
    gl_t *pa = a + (mid << BR_B) * w, *pb = a + (mr << BR_B) * w;
    const size_t rowlen = (size_t)T * w;
    for (size_t h = 0; h < T; h++)
        for (size_t i = 0; i < rowlen; i++)
            ta[h * rowlen + i] = pa[h * hstride + i];
    if (mr != mid)
        for (size_t h = 0; h < T; h++)
            for (size_t i = 0; i < rowlen; i++)
                tb[h * rowlen + i] = pb[h * hstride + i];
    const gl_t *sa = mr != mid ? tb : ta;
    for (size_t h = 0; h < T; h++) {
        size_t rh = bit_rev(h, BR_B);
        gl_t *da = pa + h * hstride, *db = pb + h * hstride;
        for (size_t l = 0; l < T; l++) {
            size_t src = (bit_rev(l, BR_B) * T + rh) * w;
            for (unsigned c = 0; c < w; c++)
                da[l * w + c] = sa[src + c];
            if (mr != mid)
                for (unsigned c = 0; c < w; c++)
                    db[l * w + c] = ta[src + c];
        }
    }
}

static void bitrev_tiles(gl_t *a, size_t mid, unsigned m, unsigned w, int simd)
{
#if NTT_HAVE_AVX512
    if (simd && w == 1) {
        bitrev_tiles_avx512(a, mid, m);
        return;
    }
#else
    (void)simd;
#endif
    if (w == 1)
        bitrev_tiles_w(a, mid, m, 1);
    else
        bitrev_tiles_w(a, mid, m, 3);
}

/* In-place permutation a[i] <-> a[rev(i)] of 2^log_n elements of width w. */
static void bitrev_perm(gl_t *a, unsigned log_n, unsigned w, int simd, int par)
{
    size_t n = (size_t)1 << log_n;
    if (log_n < 2 * BR_B + 2) {
        for (size_t i = 0; i < n; i++) {
            size_t j = bit_rev(i, log_n);
            if (i < j)
                swap_elems(a, i, j, w);
        }
        return;
    }
    unsigned m = log_n - 2 * BR_B;
    size_t nmid = (size_t)1 << m;
    if (par) {
#pragma omp parallel for schedule(dynamic, 64)
        for (size_t mid = 0; mid < nmid; mid++)
            if (mid <= bit_rev(mid, m))
                bitrev_tiles(a, mid, m, w, simd);
    } else {
        for (size_t mid = 0; mid < nmid; mid++)
            if (mid <= bit_rev(mid, m))
                bitrev_tiles(a, mid, m, w, simd);
    }
}

/* ---------------- four-step driver ---------------- */

static void dif_core(const ntt_cfg *cfg, gl_t *a, unsigned log_n, int scale, int par);

/* Steps (2) and (3) of the four-step on an n1 x n2 row-major matrix:
 * row r := DIF_n2(src_row * w_n^(rev(r) i2)); src = NULL means in place,
 * otherwise every row reads the same source vector src[0..n2) (RS encoding). */
static void row_pass(const ntt_cfg *cfg, gl_t *a, const gl_t *src, unsigned log_n1, unsigned log_n2, int scale,
                     int par)
{
    const step_tw *st = step_table(log_n1 + log_n2); /* exists: ensured by the caller */
    const gl_t *lo = st->lo[scale ? 2 : cfg->inv], *hi = st->hi[cfg->inv];
    size_t n1 = (size_t)1 << log_n1, n2 = (size_t)1 << log_n2;
    size_t rowlen = n2 * cfg->w;
    /* dynamic schedules throughout: on a shared machine a descheduled thread
     * must not hold the others at the barrier with half of the work */
    if (par && n1 >= 16) {
#pragma omp parallel for schedule(dynamic, 8)
        for (size_t r = 0; r < n1; r++) {
            gl_t *row = a + r * rowlen;
            k_twiddle(cfg, row, src ? src : row, bit_rev(r, log_n1), 0, n2, st, lo, hi);
            dif_core(cfg, row, log_n2, 0, 0);
        }
    } else {
        for (size_t r = 0; r < n1; r++) {
            gl_t *row = a + r * rowlen;
            size_t k1 = bit_rev(r, log_n1);
            if (par) {
                const size_t chunk = 4096;
#pragma omp parallel for schedule(dynamic, 1)
                for (size_t i0 = 0; i0 < n2; i0 += chunk)
                    k_twiddle(cfg, row, src ? src : row, k1, i0, i0 + chunk < n2 ? i0 + chunk : n2, st, lo, hi);
            } else {
                k_twiddle(cfg, row, src ? src : row, k1, 0, n2, st, lo, hi);
            }
            dif_core(cfg, row, log_n2, 0, par);
        }
    }
}

/* DIF on 2^log_n elements, output in bit-reversed order. `scale` multiplies
 * by 1/n (only honoured on the four-step path; the caller scales leaf-sized
 * transforms). All tables must exist (ensure_tables). */
static void dif_core(const ntt_cfg *cfg, gl_t *a, unsigned log_n, int scale, int par)
{
    const gl_t *tw = atomic_load_explicit(&g_stage[cfg->inv], memory_order_acquire);
    if (log_n <= NTT_LEAF_LOG) {
        k_leaf(cfg, a, log_n, tw);
        return;
    }
    unsigned log_n1 = log_n / 2, log_n2 = log_n - log_n1;
    size_t n1 = (size_t)1 << log_n1, n2 = (size_t)1 << log_n2;
    /* column block: C adjacent columns (a power of two dividing n2, at least 8),
     * C * n1 * w * 8 bytes <= COL_BLOCK_BYTES unless C = 8 */
    size_t cols = 8;
    while (cols < n2 && (cols * cfg->w * sizeof(gl_t) < COL_SEG_BYTES ||
                         2 * cols * n1 * cfg->w * sizeof(gl_t) <= COL_BLOCK_BYTES))
        cols *= 2;
    size_t nblk = n2 / cols, stride = n2 * cfg->w, seg = cols * cfg->w;
    if (par) {
#pragma omp parallel for schedule(dynamic, 1)
        for (size_t b = 0; b < nblk; b++)
            k_col(cfg, a + b * seg, stride, seg, log_n1, tw);
    } else {
        for (size_t b = 0; b < nblk; b++)
            k_col(cfg, a + b * seg, stride, seg, log_n1, tw);
    }
    row_pass(cfg, a, NULL, log_n1, log_n2, scale, par);
}

static void scale_all(gl_t *a, size_t len, gl_t s)
{
    for (size_t i = 0; i < len; i++)
        a[i] = gl_mul(a[i], s);
}

static int ntt_any(gl_t *a, unsigned log_n, int inv, unsigned w)
{
    ZK_CHECK_ARG(a != NULL);
    ZK_CHECK_ARG(log_n <= GL_TWO_ADICITY);
    if (log_n == 0)
        return 0;
    if (ensure_tables(log_n, inv) != 0)
        return -1;
    ntt_cfg cfg = {w, inv, want_simd()};
    int par = log_n >= NTT_PAR_LOG;
    int four = log_n > NTT_LEAF_LOG;
    dif_core(&cfg, a, log_n, inv && four, par);
    bitrev_perm(a, log_n, w, cfg.simd, par);
    if (inv && !four)
        scale_all(a, ((size_t)1 << log_n) * w, gl_inv(gl_pow(2, log_n)));
    return 0;
}

int zk_ntt(gl_t *a, unsigned log_n) { return ntt_any(a, log_n, 0, 1); }
int zk_intt(gl_t *a, unsigned log_n) { return ntt_any(a, log_n, 1, 1); }
int zk_ntt_gl3(gl3_t *a, unsigned log_n) { return ntt_any(a ? a->c : NULL, log_n, 0, 3); }
int zk_intt_gl3(gl3_t *a, unsigned log_n) { return ntt_any(a ? a->c : NULL, log_n, 1, 3); }

/* ---------------- Reed–Solomon encoding ---------------- */

static int rs_any(gl_t *out, const gl_t *coeffs, unsigned log_k, unsigned log_b, unsigned w)
{
    ZK_CHECK_ARG(out != NULL && coeffs != NULL);
    ZK_CHECK_ARG(log_k <= GL_TWO_ADICITY && log_b <= GL_TWO_ADICITY - log_k);
    unsigned log_n = log_k + log_b;
    size_t k = (size_t)1 << log_k, n = (size_t)1 << log_n;
    uintptr_t o0 = (uintptr_t)out, o1 = (uintptr_t)(out + n * w);
    uintptr_t c0 = (uintptr_t)coeffs, c1 = (uintptr_t)(coeffs + k * w);
    ZK_CHECK_ARG(o1 <= c0 || c1 <= o0); /* out must not alias coeffs */
    if (log_b == 0 || log_n <= NTT_LEAF_LOG) {
        if (ensure_tables(log_n, 0) != 0)
            return -1;
        memcpy(out, coeffs, k * w * sizeof(gl_t));
        memset(out + k * w, 0, (n - k) * w * sizeof(gl_t));
        return ntt_any(out, log_n, 0, w);
    }
    if (ensure_tables(log_k, 0) != 0 || !step_table(log_n))
        return -1;
    ntt_cfg cfg = {w, 0, want_simd()};
    int par = log_n >= NTT_PAR_LOG;
    row_pass(&cfg, out, coeffs, log_b, log_k, 0, par);
    bitrev_perm(out, log_n, w, cfg.simd, par);
    return 0;
}

int zk_rs_encode(gl_t *out, const gl_t *coeffs, unsigned log_k, unsigned log_blowup)
{
    return rs_any(out, coeffs, log_k, log_blowup, 1);
}

int zk_rs_encode_gl3(gl3_t *out, const gl3_t *coeffs, unsigned log_k, unsigned log_blowup)
{
    return rs_any(out ? out->c : NULL, coeffs ? coeffs->c : NULL, log_k, log_blowup, 3);
}

/* ---------------- reference ---------------- */

void zk_dft_reference(gl_t *out, const gl_t *in, unsigned log_n)
{
    ZK_CHECK_ARG(out != NULL && in != NULL && out != in);
    ZK_CHECK_ARG(log_n <= GL_TWO_ADICITY);
    size_t n = (size_t)1 << log_n;
    gl_t w = gl_root_of_unity(log_n), wj = 1;
    for (size_t j = 0; j < n; j++) {
        gl_t acc = 0, x = 1;
        for (size_t i = 0; i < n; i++) {
            acc = gl_add(acc, gl_mul(in[i], x));
            x = gl_mul(x, wj);
        }
        out[j] = acc;
        wj = gl_mul(wj, w);
    }
}
