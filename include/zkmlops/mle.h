/*
 * mle.h — multilinear extensions (MLE) and eq polynomials.
 *
 * Layout convention used everywhere in zkmlops: a table of 2^n values is the
 * evaluation of an n-variate multilinear polynomial on {0,1}^n, with
 * table[b] = f(b_1, ..., b_n) where b = sum_i b_i 2^(i-1): variable X_1 is the
 * LEAST significant bit. A point r is an array r[0..n) with r[0] the value of
 * X_1. Sumcheck and WHIR both bind X_1 first.
 *
 *   eq(x, y) = prod_i (x_i y_i + (1 - x_i)(1 - y_i))
 *   f~(r)    = sum_b eq(r, b) f(b)
 *
 * Coefficient form: f(X) = sum_b c_b prod_{i: b_i = 1} X_i (multilinear
 * monomial basis, same index convention). WHIR encodes c as the univariate
 * polynomial sum_b c_b Y^b, so that f(y, y^2, y^4, ..) equals it at Y = y.
 *
 * Algorithms: Thaler, "Proofs, Arguments, and Zero-Knowledge", sections 3.5
 * and 4.1 (eq tables by doubling, evaluation by folding); the Moebius / zeta
 * transform for the coefficient form. All functions take n <= 48 (abort
 * otherwise), abort on NULL where an array is needed (n = 0 allows a NULL
 * point), and abort on out-of-memory for their O(2^n) scratch. Loops over
 * >= 2^14 entries run under OpenMP; results do not depend on the thread count.
 * Outputs never alias inputs unless stated ("in place").
 */
#ifndef ZKMLOPS_MLE_H
#define ZKMLOPS_MLE_H

#include <stddef.h>

#include "zkmlops/field.h"

/* out[b] = eq(r, b) for all b in {0,1}^n (2^n entries, caller-allocated), r[0..n).
 * O(2^n): one extension multiplication per entry. n = 0 gives out[0] = 1. */
void zk_eq_table(gl3_t *out, const gl3_t *r, size_t n);
/* eq(a, b) for two points of n coordinates (any field values, not only Boolean). O(n). */
gl3_t zk_eq_eval(const gl3_t *a, const gl3_t *b, size_t n);
/* f~(r) for a base-field / extension table of 2^n entries, r[0..n). O(2^n)
 * (repeated folding), 3*2^(n-2) extension elements of scratch, allocated and
 * freed inside; aborts on OOM (the sizes are bounded by callers). */
gl3_t zk_mle_eval_gl(const gl_t *table, size_t n, const gl3_t *r);
gl3_t zk_mle_eval_gl3(const gl3_t *table, size_t n, const gl3_t *r);
/* Bind the lowest variable X_1 := r in place: table'[i] = table[2i] + r (table[2i+1] - table[2i]),
 * leaving 2^(n-1) meaningful entries (n >= 1). Large tables (>= 2^15) fold via
 * a temporary 2^(n-1)-entry buffer so the fold can run in parallel. */
void zk_mle_fold_gl3(gl3_t *table, size_t n, gl3_t r);
/* Base-field table (2^n entries) folded with X_1 := r into the extension
 * table out (2^(n-1) entries, caller-allocated, no overlap). n >= 1. */
void zk_mle_fold_gl_to_gl3(gl3_t *out, const gl_t *table, size_t n, gl3_t r);
/* Evaluation table <-> multilinear coefficients, in place, O(n 2^n) additions:
 * evals_to_coeffs is the Moebius transform (c_S = sum_{T subset S} (-1)^|S-T| f(T)),
 * coeffs_to_evals its inverse, the zeta transform (f(b) = sum_{S subset b} c_S). */
void zk_mle_evals_to_coeffs(gl_t *v, size_t n);
void zk_mle_coeffs_to_evals(gl_t *v, size_t n);
void zk_mle_evals_to_coeffs_gl3(gl3_t *v, size_t n);
/* Evaluate the multilinear polynomial with coefficient vector c (2^n) at r[0..n).
 * O(2^n), 3*2^(n-2) extension elements of scratch. */
gl3_t zk_mle_eval_coeffs_gl3(const gl3_t *c, size_t n, const gl3_t *r);
/* Univariate-to-multilinear point map used by WHIR: out[i] = y^(2^i), i < n. */
void zk_mle_expand_point(gl3_t *out, gl3_t y, size_t n);

#endif
