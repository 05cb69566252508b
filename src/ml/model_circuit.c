/* model_circuit.c — zk_model_circuit: the circuit backend of the shared op
 * interpreter (model_exec.c). Every primitive is the circuit.h gadget whose
 * integer semantics the reference backend (model_fx.c) uses, so the circuit
 * computes exactly zk_model_run_fx. */
#include <stdlib.h>
#include <string.h>

#include "ml/model_internal.h"

typedef struct {
    zk_cs *cs;
    uint32_t *wx, *wy; /* conversion buffers */
    size_t cap;
    uint32_t zero;     /* cached constant-0 wire (0 = not yet made) */
} cs_impl;

static zk_cs *CS(zk_mx_backend *b) { return ((cs_impl *)b->impl)->cs; }

static zk_mh sync(zk_mx_backend *b, uint32_t w)
{
    if (!b->st && zk_cs_status(CS(b)) != ZK_OK)
        b->st = (int)zk_cs_status(CS(b));
    return (zk_mh)w;
}

static int grow(zk_mx_backend *b, size_t n)
{
    cs_impl *c = b->impl;
    if (n <= c->cap)
        return 1;
    free(c->wx);
    free(c->wy);
    c->wx = malloc(n * sizeof *c->wx);
    c->wy = malloc(n * sizeof *c->wy);
    if (!c->wx || !c->wy) {
        c->cap = 0;
        if (!b->st)
            b->st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        return 0;
    }
    c->cap = n;
    return 1;
}

static zk_mh cs_constant(zk_mx_backend *b, int64_t v)
{
    cs_impl *c = b->impl;
    if (v == 0 && c->zero)
        return c->zero;
    uint32_t w = zk_cs_affine(c->cs, NULL, NULL, 0, v);
    if (v == 0)
        c->zero = w;
    return sync(b, w);
}

static zk_mh cs_dot(zk_mx_backend *b, const zk_mh *x, const zk_mh *y, size_t n)
{
    if (!grow(b, n))
        return 0;
    cs_impl *c = b->impl;
    for (size_t k = 0; k < n; k++) {
        c->wx[k] = (uint32_t)x[k];
        c->wy[k] = (uint32_t)y[k];
    }
    return sync(b, zk_cs_dot(c->cs, c->wx, c->wy, n));
}

static zk_mh cs_lin(zk_mx_backend *b, const zk_mh *x, const int64_t *cf, size_t n, int64_t c0)
{
    if (n == 1 && cf[0] == 1 && c0 == 0)
        return x[0];
    if (!grow(b, n ? n : 1))
        return 0;
    cs_impl *c = b->impl;
    for (size_t k = 0; k < n; k++)
        c->wx[k] = (uint32_t)x[k];
    return sync(b, zk_cs_affine(c->cs, c->wx, cf, n, c0));
}

static zk_mh cs_mul(zk_mx_backend *b, zk_mh x, zk_mh y)
{
    return sync(b, zk_cs_mul(CS(b), (uint32_t)x, (uint32_t)y));
}

static zk_mh cs_rescale(zk_mx_backend *b, zk_mh x, unsigned shift, unsigned in_bits)
{
    return sync(b, zk_cs_rescale(CS(b), (uint32_t)x, shift, in_bits));
}

static zk_mh cs_div(zk_mx_backend *b, zk_mh x, int64_t d, unsigned in_bits)
{
    if (d == 1) /* floor(x / 1) = x; keep the range proof the reference checks */
        zk_cs_range_signed(CS(b), (uint32_t)x, in_bits);
    else
        return sync(b, zk_cs_div_const(CS(b), (uint32_t)x, d, in_bits));
    return sync(b, (uint32_t)x);
}

static zk_mh cs_relu(zk_mx_backend *b, zk_mh x, unsigned bits)
{
    return sync(b, zk_cs_relu(CS(b), (uint32_t)x, bits));
}

static zk_mh cs_max(zk_mx_backend *b, zk_mh x, zk_mh y, unsigned bits)
{
    return sync(b, zk_cs_max(CS(b), (uint32_t)x, (uint32_t)y, bits));
}

static zk_mh cs_sigmoid(zk_mx_backend *b, zk_mh x, unsigned scale, unsigned bits)
{
    return sync(b, zk_cs_sigmoid(CS(b), (uint32_t)x, scale, bits));
}

static zk_mh cs_is_neg(zk_mx_backend *b, zk_mh x, unsigned bits)
{
    return sync(b, zk_cs_is_negative(CS(b), (uint32_t)x, bits));
}

static zk_mh cs_select(zk_mx_backend *b, zk_mh c, zk_mh x, zk_mh y)
{
    return sync(b, zk_cs_select(CS(b), (uint32_t)c, (uint32_t)x, (uint32_t)y));
}

static zk_mh cs_argmax(zk_mx_backend *b, const zk_mh *x, size_t n, unsigned bits, zk_mh *onehot)
{
    if (!grow(b, n))
        return 0;
    cs_impl *c = b->impl;
    for (size_t k = 0; k < n; k++)
        c->wx[k] = (uint32_t)x[k];
    uint32_t idx = zk_cs_argmax(c->cs, c->wx, n, bits, onehot ? c->wy : NULL);
    if (onehot)
        for (size_t k = 0; k < n; k++)
            onehot[k] = zk_cs_status(c->cs) == ZK_OK ? c->wy[k] : 0;
    return sync(b, idx);
}

static int cs_matmul(zk_mx_backend *b, const zk_mh *x, const zk_mh *w, uint64_t rows, uint64_t k, uint64_t n,
                     zk_mh *out)
{
    if (b->st)
        return b->st;
    if (rows > UINT32_MAX || k > UINT32_MAX || n > UINT32_MAX || rows * k > ZK_CS_MAX_WIRES ||
        n * k > ZK_CS_MAX_WIRES || rows * n > ZK_CS_MAX_WIRES)
        return b->st = zk_set_error(ZK_ERR_INPUT, "matrix product %llu x %llu x %llu is too large",
                                    (unsigned long long)rows, (unsigned long long)k, (unsigned long long)n);
    uint32_t *xw = malloc((size_t)(rows * k) * sizeof *xw), *ww = malloc((size_t)(n * k) * sizeof *ww);
    uint32_t *ow = malloc((size_t)(rows * n) * sizeof *ow);
    if (!xw || !ww || !ow) {
        free(xw);
        free(ww);
        free(ow);
        return b->st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    for (uint64_t i = 0; i < rows * k; i++)
        xw[i] = (uint32_t)x[i];
    for (uint64_t i = 0; i < n * k; i++)
        ww[i] = (uint32_t)w[i];
    zk_cs_matmul(CS(b), xw, ww, (uint32_t)rows, (uint32_t)k, (uint32_t)n, ow);
    for (uint64_t i = 0; i < rows * n; i++)
        out[i] = ow[i];
    free(xw);
    free(ww);
    free(ow);
    sync(b, 0);
    return b->st;
}

int zk_model_circuit(zk_cs *cs, const zk_model *m, uint32_t weights_first_wire, const uint32_t *in_wires,
                     uint32_t batch, uint32_t *out_wires)
{
    return zk_model_circuit_public_input(cs, m, weights_first_wire, in_wires, NULL, batch, out_wires);
}

int zk_model_circuit_public_input(zk_cs *cs, const zk_model *m, uint32_t weights_first_wire, const uint32_t *in_wires,
                                  const int64_t *in_values, uint32_t batch, uint32_t *out_wires)
{
    if (zk_cs_status(cs) != ZK_OK)
        return (int)zk_cs_status(cs);
    int st = zk_model_validate(m, 0);
    if (st != ZK_OK)
        return st;
    uint64_t n_in = zk_model_input_size(m) * batch, n_out = zk_model_output_size(m) * batch;
    zk_mh **params = calloc(m->n_tensors, sizeof *params);
    zk_mh *in = malloc((n_in ? n_in : 1) * sizeof *in), *out = malloc((n_out ? n_out : 1) * sizeof *out);
    cs_impl impl = {.cs = cs};
    if (!params || !in || !out) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    uint64_t off = 0;
    for (uint32_t t = 0; t < m->n_tensors; t++) {
        const zk_tensor *T = &m->tensors[t];
        if (!T->is_param)
            continue;
        uint64_t n = zk_tensor_numel(T);
        if (!(params[t] = malloc((n ? n : 1) * sizeof **params))) {
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
            goto done;
        }
        for (uint64_t k = 0; k < n; k++)
            params[t][k] = (zk_mh)(weights_first_wire + off + k);
        off += n;
    }
    for (uint64_t k = 0; k < n_in; k++)
        in[k] = in_wires[k];
    zk_mx_backend b = {0};
    b.impl = &impl;
    b.constant = cs_constant;
    b.dot = cs_dot;
    b.lin = cs_lin;
    b.mul = cs_mul;
    b.rescale = cs_rescale;
    b.div = cs_div;
    b.relu = cs_relu;
    b.max = cs_max;
    b.sigmoid = cs_sigmoid;
    b.is_neg = cs_is_neg;
    b.select = cs_select;
    b.argmax = cs_argmax;
    b.matmul = cs_matmul;
    st = zk_model_exec(m, &b, params, in, in_values, batch, out);
    if (st == ZK_OK && zk_cs_status(cs) != ZK_OK)
        st = (int)zk_cs_status(cs);
    if (st == ZK_OK)
        for (uint64_t k = 0; k < n_out; k++)
            out_wires[k] = (uint32_t)out[k];
done:
    if (params)
        for (uint32_t t = 0; t < m->n_tensors; t++)
            free(params[t]);
    free(params);
    free(in);
    free(out);
    free(impl.wx);
    free(impl.wy);
    return st;
}
