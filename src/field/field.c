/* Goldilocks and Goldilocks^3: the out-of-line operations (powers, inverses). */
#include "zkmlops/field.h"

#include <stdlib.h>

gl_t gl_pow(gl_t a, uint64_t e)
{
    gl_t r = 1;
    while (e) {
        if (e & 1)
            r = gl_mul(r, a);
        a = gl_sqr(a);
        e >>= 1;
    }
    return r;
}

gl_t gl_inv(gl_t a) { return a == 0 ? 0 : gl_pow(a, GL_P - 2); }

gl_t gl_root_of_unity(unsigned log_n)
{
    if (log_n > GL_TWO_ADICITY)
        abort(); /* illegal call: no such subgroup */
    return gl_pow(GL_GENERATOR, (GL_P - 1) >> log_n);
}

int gl_batch_inv(gl_t *out, const gl_t *in, size_t n)
{
    if (n == 0)
        return 0;
    gl_t *prefix = malloc(n * sizeof *prefix);
    if (!prefix)
        return -1;
    gl_t acc = 1;
    for (size_t i = 0; i < n; i++) {
        prefix[i] = acc;
        if (in[i] != 0)
            acc = gl_mul(acc, in[i]);
    }
    gl_t inv = gl_inv(acc);
    for (size_t i = n; i-- > 0;) {
        gl_t x = in[i];
        if (x == 0) {
            out[i] = 0;
            continue;
        }
        out[i] = gl_mul(inv, prefix[i]);
        inv = gl_mul(inv, x);
    }
    free(prefix);
    return 0;
}

gl3_t gl3_pow(gl3_t a, uint64_t e)
{
    gl3_t r = gl3_one();
    while (e) {
        if (e & 1)
            r = gl3_mul(r, a);
        a = gl3_sqr(a);
        e >>= 1;
    }
    return r;
}

/* For a = a0 + a1 x + a2 x^2 modulo x^3 - W, the adjugate
 *   b0 = a0^2 - W a1 a2,  b1 = W a2^2 - a0 a1,  b2 = a1^2 - a0 a2
 * satisfies a * b = N(a) = a0 b0 + W (a1 b2 + a2 b1), an element of F_p. */
gl3_t gl3_inv(gl3_t a)
{
    gl_t a0 = a.c[0], a1 = a.c[1], a2 = a.c[2];
    gl_t b0 = gl_sub(gl_sqr(a0), gl_mul(GL3_W, gl_mul(a1, a2)));
    gl_t b1 = gl_sub(gl_mul(GL3_W, gl_sqr(a2)), gl_mul(a0, a1));
    gl_t b2 = gl_sub(gl_sqr(a1), gl_mul(a0, a2));
    gl_t norm = gl_add(gl_mul(a0, b0), gl_mul(GL3_W, gl_add(gl_mul(a1, b2), gl_mul(a2, b1))));
    gl_t ninv = gl_inv(norm);
    gl3_t r = {{gl_mul(b0, ninv), gl_mul(b1, ninv), gl_mul(b2, ninv)}};
    return r;
}

int gl3_batch_inv(gl3_t *out, const gl3_t *in, size_t n)
{
    if (n == 0)
        return 0;
    gl3_t *prefix = malloc(n * sizeof *prefix);
    if (!prefix)
        return -1;
    gl3_t acc = gl3_one();
    for (size_t i = 0; i < n; i++) {
        prefix[i] = acc;
        if (!gl3_is_zero(in[i]))
            acc = gl3_mul(acc, in[i]);
    }
    gl3_t inv = gl3_inv(acc);
    for (size_t i = n; i-- > 0;) {
        gl3_t x = in[i];
        if (gl3_is_zero(x)) {
            out[i] = x;
            continue;
        }
        out[i] = gl3_mul(inv, prefix[i]);
        inv = gl3_mul(inv, x);
    }
    free(prefix);
    return 0;
}
