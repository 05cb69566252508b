/*
 * Multilinear extensions and eq tables (contract: include/zkmlops/mle.h).
 *
 * Index convention: bit i-1 of a table index is the value of X_i (X_1 = least
 * significant bit). Every transform here is the standard O(2^n) / O(n 2^n)
 * algorithm (Thaler, "Proofs, Arguments, and Zero-Knowledge", sections 3.5
 * and 4.1): eq tables by doubling, evaluation by repeated folding, Moebius
 * transform by one butterfly pass per variable.
 *
 * Parallelism: loops over >= ZK_MLE_PAR_MIN entries run under OpenMP. Every
 * parallel loop writes disjoint entries and reads only entries no other
 * iteration writes, so results are identical to the serial order.
 */
#include "zkmlops/mle.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/status.h"

#define ZK_MLE_PAR_MIN ((size_t)1 << 14)
/* 2^n must fit comfortably in size_t; no caller comes near this. */
#define ZK_MLE_MAX_VARS 48

static void *mle_xmalloc(size_t n_elems, size_t elem_size)
{
    if (n_elems == 0)
        n_elems = 1;
    if (n_elems > SIZE_MAX / elem_size) {
        fprintf(stderr, "zkmlops: mle scratch size overflow\n");
        abort();
    }
    void *p = malloc(n_elems * elem_size);
    if (!p) {
        /* Documented in mle.h: these helpers abort on OOM (callers bound the sizes). */
        fprintf(stderr, "zkmlops: out of memory allocating %zu bytes of mle scratch\n",
                n_elems * elem_size);
        abort();
    }
    return p;
}

void zk_eq_table(gl3_t *out, const gl3_t *r, size_t n)
{
    ZK_CHECK_ARG(out != NULL);
    ZK_CHECK_ARG(n == 0 || r != NULL);
    ZK_CHECK_ARG(n <= ZK_MLE_MAX_VARS);
    out[0] = gl3_one();
    /* After step i, out[0 .. 2^(i+1)) = eq((r_0..r_i), .). Adding variable i
     * splits each entry e into e*(1-r_i) (bit i = 0) and e*r_i (bit i = 1):
     * one extension multiplication per new entry. */
    for (size_t i = 0; i < n; i++) {
        size_t half = (size_t)1 << i;
        gl3_t ri = r[i];
#pragma omp parallel for schedule(static) if (half >= ZK_MLE_PAR_MIN)
        for (size_t b = 0; b < half; b++) {
            gl3_t hi = gl3_mul(out[b], ri);
            out[b + half] = hi;
            out[b] = gl3_sub(out[b], hi);
        }
    }
}

gl3_t zk_eq_eval(const gl3_t *a, const gl3_t *b, size_t n)
{
    ZK_CHECK_ARG(n == 0 || (a != NULL && b != NULL));
    gl3_t acc = gl3_one();
    for (size_t i = 0; i < n; i++) {
        /* a b + (1 - a)(1 - b) = 1 - a - b + 2ab */
        gl3_t ab = gl3_mul(a[i], b[i]);
        gl3_t t = gl3_sub(gl3_add(gl3_one(), gl3_add(ab, ab)), gl3_add(a[i], b[i]));
        acc = gl3_mul(acc, t);
    }
    return acc;
}

/* out[i] = lo + r (hi - lo) for the pair (table[2i], table[2i+1]), i < half. */
void zk_mle_fold_gl_to_gl3(gl3_t *out, const gl_t *table, size_t n, gl3_t r)
{
    ZK_CHECK_ARG(out != NULL && table != NULL);
    ZK_CHECK_ARG(n >= 1 && n <= ZK_MLE_MAX_VARS);
    size_t half = (size_t)1 << (n - 1);
#pragma omp parallel for schedule(static) if (half >= ZK_MLE_PAR_MIN)
    for (size_t i = 0; i < half; i++) {
        gl_t lo = table[2 * i], hi = table[2 * i + 1];
        gl3_t v = gl3_mul_gl(r, gl_sub(hi, lo));
        v.c[0] = gl_add(v.c[0], lo);
        out[i] = v;
    }
}

/* Out-of-place extension fold; out may not overlap table. */
static void mle_fold_gl3_to(gl3_t *restrict out, const gl3_t *restrict table, size_t half, gl3_t r)
{
#pragma omp parallel for schedule(static) if (half >= ZK_MLE_PAR_MIN)
    for (size_t i = 0; i < half; i++) {
        gl3_t lo = table[2 * i];
        out[i] = gl3_add(lo, gl3_mul(r, gl3_sub(table[2 * i + 1], lo)));
    }
}

void zk_mle_fold_gl3(gl3_t *table, size_t n, gl3_t r)
{
    ZK_CHECK_ARG(table != NULL);
    ZK_CHECK_ARG(n >= 1 && n <= ZK_MLE_MAX_VARS);
    size_t half = (size_t)1 << (n - 1);
    if (half < ZK_MLE_PAR_MIN) {
        /* In place, serially: entry i is written after entries 2i, 2i+1 (>= i) were read. */
        for (size_t i = 0; i < half; i++) {
            gl3_t lo = table[2 * i];
            table[i] = gl3_add(lo, gl3_mul(r, gl3_sub(table[2 * i + 1], lo)));
        }
        return;
    }
    /* A parallel in-place fold would race (iteration i writes what iteration
     * i/2 reads), so fold into scratch and copy back. */
    gl3_t *tmp = mle_xmalloc(half, sizeof *tmp);
    mle_fold_gl3_to(tmp, table, half, r);
    memcpy(table, tmp, half * sizeof *tmp);
    free(tmp);
}

/* Evaluate by folding X_1, X_2, ... in turn: 2^n - 1 scalar-times-difference
 * products, half of them base-times-extension (3 base multiplications). */
gl3_t zk_mle_eval_gl(const gl_t *table, size_t n, const gl3_t *r)
{
    ZK_CHECK_ARG(table != NULL);
    ZK_CHECK_ARG(n <= ZK_MLE_MAX_VARS);
    if (n == 0)
        return gl3_from_gl(table[0]);
    ZK_CHECK_ARG(r != NULL);
    size_t half = (size_t)1 << (n - 1);
    gl3_t *a = mle_xmalloc(half, sizeof *a);
    zk_mle_fold_gl_to_gl3(a, table, n, r[0]);
    gl3_t *b = mle_xmalloc(half > 1 ? half / 2 : 1, sizeof *b);
    for (size_t i = 1; i < n; i++) {
        half >>= 1;
        mle_fold_gl3_to(b, a, half, r[i]);
        gl3_t *sw = a;
        a = b;
        b = sw;
    }
    gl3_t v = a[0];
    free(a);
    free(b);
    return v;
}

gl3_t zk_mle_eval_gl3(const gl3_t *table, size_t n, const gl3_t *r)
{
    ZK_CHECK_ARG(table != NULL);
    ZK_CHECK_ARG(n <= ZK_MLE_MAX_VARS);
    if (n == 0)
        return table[0];
    ZK_CHECK_ARG(r != NULL);
    size_t half = (size_t)1 << (n - 1);
    gl3_t *a = mle_xmalloc(half, sizeof *a);
    mle_fold_gl3_to(a, table, half, r[0]);
    gl3_t *b = mle_xmalloc(half > 1 ? half / 2 : 1, sizeof *b);
    for (size_t i = 1; i < n; i++) {
        half >>= 1;
        mle_fold_gl3_to(b, a, half, r[i]);
        gl3_t *sw = a;
        a = b;
        b = sw;
    }
    gl3_t v = a[0];
    free(a);
    free(b);
    return v;
}

/*
 * Moebius transform. With f(X) = sum_S c_S prod_{i in S} X_i, the value at a
 * Boolean point b is f(b) = sum_{S subset of b} c_S (zeta transform), so
 * c = Moebius(f|{0,1}^n): per variable i, v[b] -= v[b without bit i] for every
 * b with bit i set. The inverse adds instead of subtracting.
 */
void zk_mle_evals_to_coeffs(gl_t *v, size_t n)
{
    ZK_CHECK_ARG(v != NULL && n <= ZK_MLE_MAX_VARS);
    size_t len = (size_t)1 << n;
    for (size_t i = 0; i < n; i++) {
        size_t bit = (size_t)1 << i;
#pragma omp parallel for schedule(static) if (len >= 2 * ZK_MLE_PAR_MIN)
        for (size_t k = 0; k < len / 2; k++) {
            /* k enumerates indices with bit i cleared: insert a 0 at position i. */
            size_t lo = ((k >> i) << (i + 1)) | (k & (bit - 1));
            v[lo | bit] = gl_sub(v[lo | bit], v[lo]);
        }
    }
}

void zk_mle_coeffs_to_evals(gl_t *v, size_t n)
{
    ZK_CHECK_ARG(v != NULL && n <= ZK_MLE_MAX_VARS);
    size_t len = (size_t)1 << n;
    for (size_t i = 0; i < n; i++) {
        size_t bit = (size_t)1 << i;
#pragma omp parallel for schedule(static) if (len >= 2 * ZK_MLE_PAR_MIN)
        for (size_t k = 0; k < len / 2; k++) {
            size_t lo = ((k >> i) << (i + 1)) | (k & (bit - 1));
            v[lo | bit] = gl_add(v[lo | bit], v[lo]);
        }
    }
}

void zk_mle_evals_to_coeffs_gl3(gl3_t *v, size_t n)
{
    ZK_CHECK_ARG(v != NULL && n <= ZK_MLE_MAX_VARS);
    size_t len = (size_t)1 << n;
    for (size_t i = 0; i < n; i++) {
        size_t bit = (size_t)1 << i;
#pragma omp parallel for schedule(static) if (len >= 2 * ZK_MLE_PAR_MIN)
        for (size_t k = 0; k < len / 2; k++) {
            size_t lo = ((k >> i) << (i + 1)) | (k & (bit - 1));
            v[lo | bit] = gl3_sub(v[lo | bit], v[lo]);
        }
    }
}

/*
 * f(r) from coefficients: f = f_0(X_2..X_n) + X_1 f_1(X_2..X_n) with f_0 the
 * even-indexed and f_1 the odd-indexed coefficients, so c'[i] = c[2i] + r_1 c[2i+1]
 * reduces to n-1 variables (a "Horner fold"; 2^n - 1 multiplications).
 */
/* out[i] = c[2i] + r c[2i+1], i < half; out may not overlap c. */
static void mle_hfold_to(gl3_t *restrict out, const gl3_t *restrict c, size_t half, gl3_t r)
{
#pragma omp parallel for schedule(static) if (half >= ZK_MLE_PAR_MIN)
    for (size_t i = 0; i < half; i++)
        out[i] = gl3_add(c[2 * i], gl3_mul(r, c[2 * i + 1]));
}

gl3_t zk_mle_eval_coeffs_gl3(const gl3_t *c, size_t n, const gl3_t *r)
{
    ZK_CHECK_ARG(c != NULL && n <= ZK_MLE_MAX_VARS);
    if (n == 0)
        return c[0];
    ZK_CHECK_ARG(r != NULL);
    size_t half = (size_t)1 << (n - 1);
    gl3_t *a = mle_xmalloc(half, sizeof *a);
    mle_hfold_to(a, c, half, r[0]);
    gl3_t *b = mle_xmalloc(half > 1 ? half / 2 : 1, sizeof *b);
    for (size_t j = 1; j < n; j++) {
        half >>= 1;
        mle_hfold_to(b, a, half, r[j]);
        gl3_t *sw = a;
        a = b;
        b = sw;
    }
    gl3_t v = a[0];
    free(a);
    free(b);
    return v;
}

void zk_mle_expand_point(gl3_t *out, gl3_t y, size_t n)
{
    ZK_CHECK_ARG(n == 0 || out != NULL);
    for (size_t i = 0; i < n; i++) {
        out[i] = y;
        y = gl3_sqr(y);
    }
}
