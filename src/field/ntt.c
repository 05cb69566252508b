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
 * Extension-field vectors are handled by the same kernels with "width" 3:
 * every butterfly applies the same base-field twiddle to the 3 coordinates.
 * Twiddle tables are built once per size and kept for the life of the process
 * (published with C11 atomics, so concurrent first calls are safe).
 */
#include "zkmlops/ntt.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/status.h"

/* Transforms of at most 2^NTT_LEAF_LOG points run as one in-cache DIF. */
#define NTT_LEAF_LOG 12u
/* Four-step sub-transforms never exceed 2^16 points (log_n <= 32). */
#define NTT_STAGE_LOG 16u
/* Parallelise (OpenMP) from this size on. */
#define NTT_PAR_LOG 14u
/* Bit reversal works on 2^BR_B x 2^BR_B tiles. */
#define BR_B 3u
/* Target bytes of one column block in the four-step column pass (L2-sized). */
#define COL_BLOCK_BYTES (256u * 1024u)

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
    unsigned log_lo;
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

/* ---------------- kernels (w = element width in gl_t: 1 or 3) ---------------- */

/* Radix-2 DIF on m = 2^log_m contiguous elements; bit-reversed output. */
NTT_ALWAYS_INLINE void leaf_dif_w(gl_t *a, unsigned log_m, const gl_t *tw, const unsigned w)
{
    size_t m = (size_t)1 << log_m;
    for (size_t h = m >> 1; h >= 1; h >>= 1) {
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

static void leaf_dif(gl_t *a, unsigned log_m, const gl_t *tw, unsigned w)
{
    if (w == 1)
        leaf_dif_w(a, log_m, tw, 1);
    else
        leaf_dif_w(a, log_m, tw, 3);
}

/* Radix-2 DIF down the columns of a block: 2^log_rows rows, each a segment of
 * `seg` gl_t at distance `stride` gl_t; every column transformed independently
 * (rows end up in bit-reversed order). */
static void col_dif(gl_t *a, size_t stride, size_t seg, unsigned log_rows, const gl_t *tw)
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

/* dst[i] = src[i] * w_n^(k1 i) (times 1/n if lo is the scaled table), for i in [i0, i1). */
NTT_ALWAYS_INLINE void twiddle_row_w(gl_t *dst, const gl_t *src, size_t k1, size_t i0, size_t i1,
                                     const gl_t *lo, const gl_t *hi, unsigned log_lo, const unsigned w)
{
    uint64_t mask = ((uint64_t)1 << log_lo) - 1;
    uint64_t e = (uint64_t)k1 * i0;
    for (size_t i = i0; i < i1; i++, e += k1) {
        gl_t t = gl_mul(hi[e >> log_lo], lo[e & mask]);
        for (unsigned c = 0; c < w; c++)
            dst[i * w + c] = gl_mul(src[i * w + c], t);
    }
}

static void twiddle_row(gl_t *dst, const gl_t *src, size_t k1, size_t i0, size_t i1, const gl_t *lo,
                        const gl_t *hi, unsigned log_lo, unsigned w)
{
    if (w == 1)
        twiddle_row_w(dst, src, k1, i0, i1, lo, hi, log_lo, 1);
    else
        twiddle_row_w(dst, src, k1, i0, i1, lo, hi, log_lo, 3);
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

/* One pair of tiles: indices (hi, mid, lo) with hi, lo < 2^BR_B. */
static void bitrev_tiles(gl_t *a, size_t mid, unsigned m, unsigned w)
{
    enum { T = 1u << BR_B };
    gl_t ta[T * T * 3], tb[T * T * 3];
    size_t mr = bit_rev(mid, m);
    size_t hstride = (size_t)1 << (m + BR_B);
    gl_t *pa = a + (mid << BR_B) * w, *pb = a + (mr << BR_B) * w;
    size_t rowlen = (size_t)T * w;
    for (size_t h = 0; h < T; h++) {
        memcpy(ta + h * rowlen, pa + h * hstride * w, rowlen * sizeof(gl_t));
        if (mr != mid)
            memcpy(tb + h * rowlen, pb + h * hstride * w, rowlen * sizeof(gl_t));
    }
    const gl_t *sa = mr != mid ? tb : ta; /* new A(h, l) = old B(rev l, rev h) */
    for (size_t h = 0; h < T; h++) {
        gl_t *da = pa + h * hstride * w, *db = pb + h * hstride * w;
        for (size_t l = 0; l < T; l++) {
            size_t src = (bit_rev(l, BR_B) * T + bit_rev(h, BR_B)) * w;
            for (unsigned c = 0; c < w; c++) {
                da[l * w + c] = sa[src + c];
                if (mr != mid)
                    db[l * w + c] = ta[src + c];
            }
        }
    }
}

static void bitrev_perm(gl_t *a, unsigned log_n, unsigned w, int par)
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
                bitrev_tiles(a, mid, m, w);
    } else {
        for (size_t mid = 0; mid < nmid; mid++)
            if (mid <= bit_rev(mid, m))
                bitrev_tiles(a, mid, m, w);
    }
}

/* ---------------- four-step driver ---------------- */

static void dif_core(gl_t *a, unsigned log_n, int inv, int scale, unsigned w, int par);

/* Steps (2) and (3) of the four-step on an n1 x n2 row-major matrix:
 * row r := DIF_n2(src_row * w_n^(rev(r) i2)); src = NULL means in place,
 * otherwise every row reads the same source vector src[0..n2) (RS encoding). */
static void row_pass(gl_t *a, const gl_t *src, unsigned log_n1, unsigned log_n2, int inv, int scale,
                     unsigned w, int par)
{
    const step_tw *st = step_table(log_n1 + log_n2); /* exists: ensured by the caller */
    const gl_t *lo = st->lo[scale ? 2 : inv], *hi = st->hi[inv];
    size_t n1 = (size_t)1 << log_n1, n2 = (size_t)1 << log_n2;
    size_t rowlen = n2 * w;
    if (par && n1 >= 16) {
#pragma omp parallel for schedule(static)
        for (size_t r = 0; r < n1; r++) {
            gl_t *row = a + r * rowlen;
            twiddle_row(row, src ? src : row, bit_rev(r, log_n1), 0, n2, lo, hi, st->log_lo, w);
            dif_core(row, log_n2, inv, 0, w, 0);
        }
    } else {
        for (size_t r = 0; r < n1; r++) {
            gl_t *row = a + r * rowlen;
            size_t k1 = bit_rev(r, log_n1);
            if (par) {
                size_t chunk = 4096;
#pragma omp parallel for schedule(static)
                for (size_t i0 = 0; i0 < n2; i0 += chunk)
                    twiddle_row(row, src ? src : row, k1, i0, i0 + chunk < n2 ? i0 + chunk : n2, lo, hi,
                                st->log_lo, w);
            } else {
                twiddle_row(row, src ? src : row, k1, 0, n2, lo, hi, st->log_lo, w);
            }
            dif_core(row, log_n2, inv, 0, w, par);
        }
    }
}

/* DIF on 2^log_n elements of width w, output in bit-reversed order. `scale`
 * multiplies by 1/n (only honoured on the four-step path; the caller scales
 * leaf-sized transforms). All tables must exist (ensure_tables). */
static void dif_core(gl_t *a, unsigned log_n, int inv, int scale, unsigned w, int par)
{
    const gl_t *tw = atomic_load_explicit(&g_stage[inv], memory_order_acquire);
    if (log_n <= NTT_LEAF_LOG) {
        leaf_dif(a, log_n, tw, w);
        return;
    }
    unsigned log_n1 = log_n / 2, log_n2 = log_n - log_n1;
    size_t n1 = (size_t)1 << log_n1, n2 = (size_t)1 << log_n2;
    /* column block: C adjacent columns, C * n1 * w * 8 bytes <= COL_BLOCK_BYTES unless C = 8 */
    size_t cols = 8;
    while (cols < n2 && 2 * cols * n1 * w * sizeof(gl_t) <= COL_BLOCK_BYTES)
        cols *= 2; /* a power of two dividing n2 */
    size_t nblk = n2 / cols, stride = n2 * w, seg = cols * w;
    if (par) {
#pragma omp parallel for schedule(static)
        for (size_t b = 0; b < nblk; b++)
            col_dif(a + b * seg, stride, seg, log_n1, tw);
    } else {
        for (size_t b = 0; b < nblk; b++)
            col_dif(a + b * seg, stride, seg, log_n1, tw);
    }
    row_pass(a, NULL, log_n1, log_n2, inv, scale, w, par);
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
    int par = log_n >= NTT_PAR_LOG;
    int four = log_n > NTT_LEAF_LOG;
    dif_core(a, log_n, inv, inv && four, w, par);
    bitrev_perm(a, log_n, w, par);
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
    int par = log_n >= NTT_PAR_LOG;
    row_pass(out, coeffs, log_b, log_k, 0, 0, w, par);
    bitrev_perm(out, log_n, w, par);
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
