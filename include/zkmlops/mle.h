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
 */
#ifndef ZKMLOPS_MLE_H
#define ZKMLOPS_MLE_H

#include <stddef.h>

#include "zkmlops/field.h"

/* out[b] = eq(r, b) for all b in {0,1}^n (2^n entries, caller-allocated). O(2^n). */
void zk_eq_table(gl3_t *out, const gl3_t *r, size_t n);
/* eq(a, b) for two points of n coordinates. */
gl3_t zk_eq_eval(const gl3_t *a, const gl3_t *b, size_t n);
/* f~(r) for a base-field / extension table of 2^n entries. O(2^n), no allocation
 * beyond O(2^n) scratch (returns zero if that allocation fails is NOT acceptable:
 * these abort on OOM, the sizes are bounded by callers). */
gl3_t zk_mle_eval_gl(const gl_t *table, size_t n, const gl3_t *r);
gl3_t zk_mle_eval_gl3(const gl3_t *table, size_t n, const gl3_t *r);
/* Bind the lowest variable X_1 := r in place: table'[i] = table[2i] + r (table[2i+1] - table[2i]),
 * leaving 2^(n-1) meaningful entries. */
void zk_mle_fold_gl3(gl3_t *table, size_t n, gl3_t r);
/* Base-field table folded into an extension table out (2^(n-1) entries). */
void zk_mle_fold_gl_to_gl3(gl3_t *out, const gl_t *table, size_t n, gl3_t r);
/* Evaluation table <-> multilinear coefficients (Moebius transform), in place, O(n 2^n). */
void zk_mle_evals_to_coeffs(gl_t *v, size_t n);
void zk_mle_coeffs_to_evals(gl_t *v, size_t n);
void zk_mle_evals_to_coeffs_gl3(gl3_t *v, size_t n);
/* Evaluate the multilinear polynomial with coefficient vector c (2^n) at r. */
gl3_t zk_mle_eval_coeffs_gl3(const gl3_t *c, size_t n, const gl3_t *r);
/* Univariate-to-multilinear point map used by WHIR: out[i] = y^(2^i), i < n. */
void zk_mle_expand_point(gl3_t *out, gl3_t y, size_t n);

#endif
