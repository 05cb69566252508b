/* Shared by the preprocessing reference (preprocess.c) and circuit
 * (preprocess_circuit.c): public bit bounds and fixed-point helpers. */
#ifndef ZKMLOPS_PREPROCESS_INTERNAL_H
#define ZKMLOPS_PREPROCESS_INTERNAL_H

#include <stdint.h>

#include "zkmlops/preprocess.h"

/* floor(a / d), d >= 1 */
static inline int64_t prep_fdiv(int64_t a, int64_t d)
{
    int64_t q = a / d;
    if ((a % d) != 0 && ((a < 0) != (d < 0)))
        q--;
    return q;
}
/* floor((x + 2^(s-1)) / 2^s), s >= 1 */
static inline int64_t prep_rescale(int64_t x, unsigned s)
{
    return prep_fdiv(x + ((int64_t)1 << (s - 1)), (int64_t)1 << s);
}
static inline int64_t prep_isqrt(int64_t x)
{
    if (x <= 0)
        return 0;
    uint64_t r = 0, bit = (uint64_t)1 << 62;
    uint64_t v = (uint64_t)x;
    while (bit > v)
        bit >>= 2;
    while (bit) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else
            r >>= 1;
        bit >>= 2;
    }
    return (int64_t)r;
}
/* smallest c with 2^c >= n (n >= 1) */
static inline unsigned prep_clog2(uint64_t n)
{
    unsigned c = 0;
    while (c < 63 && ((uint64_t)1 << c) < n)
        c++;
    return c;
}
/* smallest b >= 1 with -2^(b-1) <= v < 2^(b-1) */
static inline unsigned prep_bits_signed(int64_t v)
{
    unsigned b = 1;
    while (b < 63 && !(v >= -((int64_t)1 << (b - 1)) && v < ((int64_t)1 << (b - 1))))
        b++;
    return b;
}
static inline int prep_fits(int64_t v, unsigned bits)
{
    return bits >= 63 || (v >= -((int64_t)1 << (bits - 1)) && v < ((int64_t)1 << (bits - 1)));
}
static inline unsigned prep_umax(unsigned a, unsigned b) { return a > b ? a : b; }

/* K of the inverse for a column of public bit bound B. */
static inline unsigned prep_inv_k(unsigned B)
{
    unsigned k = ZK_PREP_INV_TOTAL_BITS - B;
    return k > ZK_PREP_INV_MAX_K ? ZK_PREP_INV_MAX_K : k;
}
/* half of the bits of sqrt(n), rounded up */
static inline unsigned prep_hb(uint32_t n) { return (prep_clog2(n) + 1) / 2; }
/* Bit bound of a standardized column and of the rescale input. */
static inline unsigned prep_std_in_bits(unsigned B, uint32_t n) { return prep_inv_k(B) + prep_hb(n) + 4; }
static inline unsigned prep_minmax_in_bits(unsigned B) { return prep_umax(prep_inv_k(B), B) + 2; }

/* Bit bounds of the columns after step `step` given those before (bits_in has
 * t->width_in entries, bits_out room for the width after the step). Returns
 * the width after the step, or 0 when a bound exceeds what the formulas
 * support (error set, ZK_ERR_RANGE). */
uint32_t prep_step_bits(const zk_prep_pipeline *pl, uint32_t step, uint32_t n_kept, const unsigned *bits_in,
                        unsigned *bits_out);
/* Bits of every output column (out_n_cols entries, label last), from the raw range bits. */
int prep_out_bits(const zk_prep_pipeline *pl, unsigned raw_bits, uint32_t n_kept, unsigned *out_bits);

/* Histogram thresholds of a train feature: T[e] = mean + ceil((e - 4) std / 2), e = 0..8. */
static inline int64_t prep_threshold(int64_t mean, int64_t sd, int e)
{
    int64_t a = (int64_t)(e - 4) * sd;
    return mean - prep_fdiv(-a, 2);
}
#define PREP_STAT_SQRT_BITS 60u
#define PREP_STAT_VAR_IN_BITS 62u

#endif
