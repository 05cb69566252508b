/* model_fx.c — zk_model_run_fx: the exact fixed-point reference. The integer
 * backend of the shared interpreter (model_exec.c): every primitive is the
 * zk_fx_* function of circuit.h, and every bound a circuit gadget proves is
 * checked here too (ZK_ERR_RANGE), so run_fx succeeds exactly when the
 * honest circuit witness exists. */
#include <stdlib.h>
#include <string.h>

#include "ml/model_internal.h"

#define SAFE ((__int128)1 << 62) /* |values| below 2^62 never wrap modulo p */

static int fx_fail(zk_mx_backend *b, const char *what, __int128 v, unsigned bits)
{
    if (!b->st) {
        long long hi = (long long)(v >> 64), lo = (long long)(uint64_t)v;
        if (hi == 0 || hi == -1)
            b->st = zk_set_error(ZK_ERR_RANGE, "%s: value %lld outside %u signed bits (raise act_bits or lower "
                                 "the scales)", what, lo, bits);
        else
            b->st = zk_set_error(ZK_ERR_RANGE, "%s: value beyond 64 bits", what);
    }
    return 0;
}

static int in_signed(__int128 v, unsigned bits)
{
    __int128 h = (__int128)1 << (bits - 1);
    return v >= -h && v < h;
}

static zk_mh fx_check(zk_mx_backend *b, const char *what, __int128 v)
{
    if (v >= SAFE || v <= -SAFE)
        return fx_fail(b, what, v, 63);
    return (zk_mh)v;
}

static zk_mh fx_constant(zk_mx_backend *b, int64_t v)
{
    (void)b;
    return v;
}

static zk_mh fx_dot(zk_mx_backend *b, const zk_mh *x, const zk_mh *y, size_t n)
{
    __int128 s = 0;
    for (size_t k = 0; k < n; k++) {
        s += (__int128)x[k] * y[k];
        if (s >= ((__int128)1 << 120) || s <= -((__int128)1 << 120))
            return fx_fail(b, "accumulator", s, 63);
    }
    return fx_check(b, "accumulator", s);
}

static zk_mh fx_lin(zk_mx_backend *b, const zk_mh *x, const int64_t *c, size_t n, int64_t c0)
{
    __int128 s = c0;
    for (size_t k = 0; k < n; k++) {
        s += (__int128)x[k] * c[k];
        if (s >= ((__int128)1 << 120) || s <= -((__int128)1 << 120))
            return fx_fail(b, "linear combination", s, 63);
    }
    return fx_check(b, "linear combination", s);
}

static zk_mh fx_mul(zk_mx_backend *b, zk_mh x, zk_mh y)
{
    return fx_check(b, "product", (__int128)x * y);
}

static zk_mh fx_rescale(zk_mx_backend *b, zk_mh x, unsigned shift, unsigned in_bits)
{
    if (!in_signed(x, in_bits))
        return fx_fail(b, "rescale input", x, in_bits);
    return zk_fx_rescale(x, shift);
}

static zk_mh fx_div(zk_mx_backend *b, zk_mh x, int64_t d, unsigned in_bits)
{
    if (!in_signed(x, in_bits))
        return fx_fail(b, "division input", x, in_bits);
    return zk_fx_div(x, d);
}

static zk_mh fx_relu(zk_mx_backend *b, zk_mh x, unsigned bits)
{
    if (!in_signed(x, bits))
        return fx_fail(b, "relu input", x, bits);
    return x > 0 ? x : 0;
}

static zk_mh fx_max(zk_mx_backend *b, zk_mh x, zk_mh y, unsigned bits)
{
    if (!in_signed((__int128)x - y, bits))
        return fx_fail(b, "max operands", (__int128)x - y, bits);
    return x > y ? x : y;
}

static zk_mh fx_sigmoid(zk_mx_backend *b, zk_mh x, unsigned scale, unsigned bits)
{
    if (!in_signed(x, bits))
        return fx_fail(b, "sigmoid input", x, bits);
    return zk_fx_sigmoid(x, scale);
}

static zk_mh fx_is_neg(zk_mx_backend *b, zk_mh x, unsigned bits)
{
    if (!in_signed(x, bits))
        return fx_fail(b, "sign input", x, bits);
    return x < 0;
}

static zk_mh fx_select(zk_mx_backend *b, zk_mh c, zk_mh x, zk_mh y)
{
    (void)b;
    return c ? x : y;
}

static zk_mh fx_argmax(zk_mx_backend *b, const zk_mh *x, size_t n, unsigned bits, zk_mh *onehot)
{
    size_t best = 0;
    for (size_t k = 0; k < n; k++) {
        for (size_t j = 0; j < k; j++)
            if (!in_signed((__int128)x[k] - x[j], bits))
                return fx_fail(b, "argmax operands", (__int128)x[k] - x[j], bits);
        if (x[k] > x[best])
            best = k;
    }
    if (onehot)
        for (size_t k = 0; k < n; k++)
            onehot[k] = k == best;
    return (zk_mh)best;
}

void zk_mx_int_backend(zk_mx_backend *b)
{
    memset(b, 0, sizeof *b);
    b->constant = fx_constant;
    b->dot = fx_dot;
    b->lin = fx_lin;
    b->mul = fx_mul;
    b->rescale = fx_rescale;
    b->div = fx_div;
    b->relu = fx_relu;
    b->max = fx_max;
    b->sigmoid = fx_sigmoid;
    b->is_neg = fx_is_neg;
    b->select = fx_select;
    b->argmax = fx_argmax;
}

int zk_model_run_fx(const zk_model *m, const int64_t *in, uint32_t batch, int64_t *out)
{
    int st = zk_model_validate(m, 1);
    if (st != ZK_OK)
        return st;
    zk_mh **params = calloc(m->n_tensors, sizeof *params);
    if (!params)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (uint32_t t = 0; t < m->n_tensors; t++)
        if (m->tensors[t].is_param)
            params[t] = m->tensors[t].qdata;
    zk_mx_backend b;
    zk_mx_int_backend(&b);
    st = zk_model_exec(m, &b, params, in, NULL, batch, out);
    free(params);
    return st;
}
