/*
 * ntt.h — number-theoretic transforms over the Goldilocks multiplicative
 * subgroup of order n = 2^log_n (log_n <= 32), and Reed–Solomon encoding.
 *
 * Convention: forward NTT maps coefficients a[0..n) of A(Y) = sum a_i Y^i to
 * evaluations out[j] = A(w^j), w = gl_root_of_unity(log_n), natural order in
 * and out. Inverse NTT is the exact inverse (it includes the 1/n factor).
 * Extension-field vectors are transformed component-wise (the twiddles lie in
 * the base field). Inputs must be canonical; outputs are canonical.
 *
 * Algorithm (src/field/ntt.c): radix-2 Gentleman–Sande DIF in cache for
 * n <= 2^12, Bailey's four-step decomposition above (D. H. Bailey, "FFTs in
 * external or hierarchical memory", J. Supercomputing 4(1), 1990), then one
 * blocked in-place bit reversal. Parallelised with OpenMP for n >= 2^14
 * (inside an enclosing parallel region it runs single-threaded unless nested
 * parallelism is enabled). AVX-512 kernels are used when the CPU has AVX-512F;
 * setting the environment variable ZKM_NTT_PORTABLE=1 (read on every call)
 * forces the portable kernels. Both paths give bit-identical results.
 *
 * Memory: no O(n) scratch. Twiddle tables are built on first use and kept for
 * the life of the process: 1 MiB once (stage twiddles for sub-transforms of up
 * to 2^16 points) plus 5 * 2^ceil(log_n / 2) elements per size 2^log_n > 2^12.
 * Thread safety: any number of threads may transform distinct arrays at once
 * (first-use table construction is race-free).
 *
 * Errors: the int-returning functions return 0 on success and -1 if a twiddle
 * table cannot be allocated, in which case the data is untouched. Illegal calls
 * (NULL pointers, log_n > 32, aliasing where forbidden) abort via ZK_CHECK_ARG.
 */
#ifndef ZKMLOPS_NTT_H
#define ZKMLOPS_NTT_H

#include <stddef.h>

#include "zkmlops/field.h"

/* In place: a[0..2^log_n) coefficients -> evaluations a[j] = A(w^j). */
int zk_ntt(gl_t *a, unsigned log_n);
/* In place: a[0..2^log_n) evaluations on <w> -> coefficients (inverse of zk_ntt). */
int zk_intt(gl_t *a, unsigned log_n);
/* As zk_ntt / zk_intt on 2^log_n extension elements (each coordinate transformed). */
int zk_ntt_gl3(gl3_t *a, unsigned log_n);
int zk_intt_gl3(gl3_t *a, unsigned log_n);

/* Reed–Solomon encode: coeffs has 2^log_k entries; out has 2^(log_k + log_blowup)
 * entries: out[j] = A(w^j) for the primitive root w of that order (coefficients
 * zero-padded); log_k + log_blowup <= 32. out must not alias coeffs (abort).
 * Computed as 2^log_blowup coset transforms of size 2^log_k (no padded
 * transform of the full length). Returns 0, or -1 on allocation failure
 * (out untouched). */
int zk_rs_encode(gl_t *out, const gl_t *coeffs, unsigned log_k, unsigned log_blowup);
int zk_rs_encode_gl3(gl3_t *out, const gl3_t *coeffs, unsigned log_k, unsigned log_blowup);

/* O(n^2) reference DFT (tests only): out[j] = sum_i in[i] w^(ij) for
 * 0 <= j < 2^log_n, same convention as zk_ntt. out and in are distinct
 * arrays of 2^log_n elements (abort if out == in). */
void zk_dft_reference(gl_t *out, const gl_t *in, unsigned log_n);

#endif
