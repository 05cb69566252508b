/*
 * ntt.h — number-theoretic transforms over the Goldilocks multiplicative
 * subgroup of order n = 2^log_n (log_n <= 32), and Reed–Solomon encoding.
 *
 * Convention: forward NTT maps coefficients a[0..n) of A(Y) = sum a_i Y^i to
 * evaluations out[j] = A(w^j), w = gl_root_of_unity(log_n), natural order in
 * and out. Inverse NTT is the exact inverse. Extension-field vectors are
 * transformed component-wise (the twiddles lie in the base field).
 * Parallelised with OpenMP for n >= 2^14. Scratch: O(n) twiddles, allocated
 * internally per call (cached per log_n); functions return 0 or -1 on
 * allocation failure (data untouched on failure).
 */
#ifndef ZKMLOPS_NTT_H
#define ZKMLOPS_NTT_H

#include <stddef.h>

#include "zkmlops/field.h"

int zk_ntt(gl_t *a, unsigned log_n);
int zk_intt(gl_t *a, unsigned log_n);
int zk_ntt_gl3(gl3_t *a, unsigned log_n);
int zk_intt_gl3(gl3_t *a, unsigned log_n);

/* Reed–Solomon encode: coeffs has 2^log_k entries; out has 2^(log_k + log_blowup)
 * entries: out[j] = A(w^j) for the primitive root w of that order (coefficients
 * zero-padded). out must not alias coeffs. */
int zk_rs_encode(gl_t *out, const gl_t *coeffs, unsigned log_k, unsigned log_blowup);
int zk_rs_encode_gl3(gl3_t *out, const gl3_t *coeffs, unsigned log_k, unsigned log_blowup);

/* O(n^2) reference DFT (tests only): same convention as zk_ntt. */
void zk_dft_reference(gl_t *out, const gl_t *in, unsigned log_n);

#endif
