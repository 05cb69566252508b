/* model_exec.c — op semantics of the model IR over a backend of exact integer
 * primitives (model_internal.h). docs/model.md describes every op. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ml/model_internal.h"

typedef struct {
    const zk_model *m;
    zk_mx_backend *b;
    zk_mh **val; /* per tensor: handles (params: not owned) */
    uint8_t *owned;
    uint32_t batch;
    const zk_node *nd;
    zk_mh *scratch; /* 2 * scratch_len handles */
    size_t scratch_len;
} ex_t;

static int node_err(const ex_t *e, const char *fmt, ...) ZK_PRINTF(2, 3);
static int node_err(const ex_t *e, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return zk_set_error(ZK_ERR_INPUT, "node '%s' (%s): %s", e->nd->name, zk_op_name(e->nd->op), msg);
}

static const zk_tensor *tin(const ex_t *e, uint32_t j) { return &e->m->tensors[e->nd->in[j]]; }
static const zk_tensor *tout(const ex_t *e) { return &e->m->tensors[e->nd->out[0]]; }
static zk_mh *hin(const ex_t *e, uint32_t j) { return e->val[e->nd->in[j]]; }
static zk_mh *hout(const ex_t *e) { return e->val[e->nd->out[0]]; }

/* Runtime dims (activations: dims[0] = batch). */
static void rdims(const ex_t *e, const zk_tensor *t, int64_t d[ZK_MODEL_MAX_RANK])
{
    for (uint32_t k = 0; k < ZK_MODEL_MAX_RANK; k++)
        d[k] = k < t->rank ? t->dims[k] : 1;
    if (!t->is_param)
        d[0] = e->batch;
}

static int need_act(const ex_t *e, uint32_t j)
{
    if (j >= e->nd->n_in)
        return node_err(e, "missing input %u", j);
    if (tin(e, j)->is_param)
        return node_err(e, "input %u must be an activation, not a parameter", j);
    return ZK_OK;
}

static int need_param(const ex_t *e, uint32_t j, uint32_t rank)
{
    if (j >= e->nd->n_in)
        return node_err(e, "missing input %u", j);
    const zk_tensor *t = tin(e, j);
    if (!t->is_param)
        return node_err(e, "input %u ('%s') must be a parameter tensor", j, t->name);
    if (rank && t->rank != rank)
        return node_err(e, "input %u ('%s') must have rank %u, has %u", j, t->name, rank, t->rank);
    return ZK_OK;
}

static zk_mh *scratch(ex_t *e, size_t n)
{
    if (n > e->scratch_len) {
        free(e->scratch);
        e->scratch = malloc(2 * n * sizeof *e->scratch);
        e->scratch_len = e->scratch ? n : 0;
        if (!e->scratch) {
            zk_set_error(ZK_ERR_NOMEM, "out of memory");
            return NULL;
        }
    }
    return e->scratch;
}

/* Value at scale `from` to scale `to`: multiply by 2^(to-from) (exact), or
 * zk_fx_rescale by from-to with the input proved in act_bits + shift - 1 bits
 * (capped at 62), so the result lies in act_bits signed bits. */
static zk_mh align(ex_t *e, zk_mh h, uint32_t from, uint32_t to)
{
    if (from == to)
        return h;
    if (to > from) {
        int64_t c = (int64_t)1 << (to - from);
        return e->b->lin(e->b, &h, &c, 1, 0);
    }
    unsigned shift = from - to;
    unsigned in_bits = e->m->act_bits + shift - 1;
    if (in_bits > 62)
        in_bits = 62;
    return e->b->rescale(e->b, h, shift, in_bits);
}

static int check_scales(ex_t *e, uint32_t from, uint32_t to)
{
    if (to > from && to - from > 40)
        return node_err(e, "scale gap 2^%u -> 2^%u too large", from, to);
    if (from > to && (from - to > 48 || from - to + 2 > 62))
        return node_err(e, "rescale by 2^%u too large", from - to);
    return ZK_OK;
}

static unsigned ceil_log2(uint64_t x)
{
    unsigned k = 0;
    while (((uint64_t)1 << k) < x)
        k++;
    return k;
}

/* acc[r*n + c] = sum_{j<k} x[r*k + j] wt[c*k + j] (no bias, no rescale): the
 * backend's native matrix product when it has one (the circuit: one
 * sumcheck instead of rows*n*k multiplications), else one dot per entry. */
static int mat_product(ex_t *e, const zk_mh *x, const zk_mh *wt, uint64_t rows, uint64_t k, uint64_t n, zk_mh *acc)
{
    if (e->b->matmul) {
        int st = e->b->matmul(e->b, x, wt, rows, k, n, acc);
        if (st != ZK_OK && st != ZK_ERR_NOMEM)
            return node_err(e, "matrix product %llu x %llu times %llu x %llu: %s", (unsigned long long)rows,
                            (unsigned long long)k, (unsigned long long)k, (unsigned long long)n, zk_last_error());
        return st;
    }
    for (uint64_t r = 0; r < rows; r++)
        for (uint64_t c = 0; c < n; c++)
            acc[r * n + c] = e->b->dot(e->b, x + r * k, wt + c * k, (size_t)k);
    return e->b->st;
}

/* ---- Gemm / MatMul ---- */
static int op_gemm(ex_t *e)
{
    const zk_node *nd = e->nd;
    int st;
    if ((st = need_act(e, 0)) || (st = need_param(e, 1, 2)))
        return st;
    const zk_tensor *A = tin(e, 0), *B = tin(e, 1), *Y = tout(e);
    int64_t transA = nd->n_ints > 0 ? nd->ints[0] : 0, transB = nd->n_ints > 1 ? nd->ints[1] : 0;
    if (transA != 0)
        return node_err(e, "transA = 1 is not supported (A holds the batch)");
    if (transB != 0 && transB != 1)
        return node_err(e, "transB must be 0 or 1");
    if (A->rank != 2 || Y->rank != 2)
        return node_err(e, "A and Y must be [batch, features]");
    int64_t K = A->dims[1];
    int64_t N = transB ? B->dims[0] : B->dims[1];
    if ((transB ? B->dims[1] : B->dims[0]) != K || Y->dims[1] != N)
        return node_err(e, "shapes A [*, %lld], B [%lld, %lld] (transB %lld), Y [*, %lld] do not match", (long long)K,
                        (long long)B->dims[0], (long long)B->dims[1], (long long)transB, (long long)Y->dims[1]);
    const zk_tensor *C = NULL;
    if (nd->n_in > 2) {
        if ((st = need_param(e, 2, 0)))
            return st;
        C = tin(e, 2);
        uint64_t nc = zk_tensor_numel(C);
        if (nc != (uint64_t)N && nc != 1)
            return node_err(e, "bias C has %llu elements, expected %lld or 1", (unsigned long long)nc, (long long)N);
    }
    uint32_t s_acc = A->scale + B->scale;
    int64_t coef_c = 0;
    if (C) {
        if (C->scale > s_acc || s_acc - C->scale > 40)
            return node_err(e, "bias scale 2^%u must be <= 2^%u (A scale + B scale) and within 2^40 of it", C->scale,
                            s_acc);
        coef_c = (int64_t)1 << (s_acc - C->scale);
    }
    if ((st = check_scales(e, s_acc, Y->scale)))
        return st;
    const zk_mh *hb = hin(e, 1), *hc = C ? hin(e, 2) : NULL;
    zk_mh *ha = hin(e, 0), *hy = hout(e);
    uint64_t nc = C ? zk_tensor_numel(C) : 0;
    zk_mh *wt = malloc((size_t)(N * K) * sizeof *wt), *acc = malloc((size_t)e->batch * (size_t)N * sizeof *acc);
    if (!wt || !acc) {
        free(wt);
        free(acc);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    for (int64_t n = 0; n < N; n++)
        for (int64_t k = 0; k < K; k++)
            wt[n * K + k] = transB ? hb[n * K + k] : hb[k * N + n];
    st = mat_product(e, ha, wt, e->batch, (uint64_t)K, (uint64_t)N, acc);
    for (uint32_t i = 0; i < e->batch && !st; i++)
        for (int64_t n = 0; n < N; n++) {
            zk_mh a = acc[(size_t)i * N + n];
            if (C) {
                zk_mh t[2] = {a, hc[nc == 1 ? 0 : n]};
                int64_t c[2] = {1, coef_c};
                a = e->b->lin(e->b, t, c, 2, 0);
            }
            hy[(size_t)i * N + n] = align(e, a, s_acc, Y->scale);
        }
    free(wt);
    free(acc);
    return st ? st : e->b->st;
}

static int op_matmul(ex_t *e)
{
    int st;
    if ((st = need_act(e, 0)) || (st = need_param(e, 1, 2)))
        return st;
    const zk_tensor *A = tin(e, 0), *B = tin(e, 1), *Y = tout(e);
    if (A->rank < 2 || Y->rank != A->rank)
        return node_err(e, "A must be [batch, ..., K] and Y of the same rank");
    int64_t K = A->dims[A->rank - 1], N = B->dims[1];
    if (B->dims[0] != K || Y->dims[Y->rank - 1] != N)
        return node_err(e, "shapes do not match: A [..., %lld], B [%lld, %lld], Y [..., %lld]", (long long)K,
                        (long long)B->dims[0], (long long)B->dims[1], (long long)Y->dims[Y->rank - 1]);
    for (uint32_t d = 1; d + 1 < A->rank; d++)
        if (A->dims[d] != Y->dims[d])
            return node_err(e, "leading dimensions of A and Y differ");
    uint32_t s_acc = A->scale + B->scale;
    if ((st = check_scales(e, s_acc, Y->scale)))
        return st;
    uint64_t rows = zk_tensor_example_size(A) / (uint64_t)K * e->batch;
    const zk_mh *hb = hin(e, 1);
    zk_mh *ha = hin(e, 0), *hy = hout(e);
    zk_mh *wt = malloc((size_t)(N * K) * sizeof *wt), *acc = malloc((size_t)(rows * (uint64_t)N) * sizeof *acc);
    if (!wt || !acc) {
        free(wt);
        free(acc);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    for (int64_t n = 0; n < N; n++)
        for (int64_t k = 0; k < K; k++)
            wt[n * K + k] = hb[k * N + n];
    st = mat_product(e, ha, wt, rows, (uint64_t)K, (uint64_t)N, acc);
    for (uint64_t i = 0; i < rows * (uint64_t)N && !st; i++)
        hy[i] = align(e, acc[i], s_acc, Y->scale);
    free(wt);
    free(acc);
    return st ? st : e->b->st;
}

/* ---- broadcasting binary ops ---- */
static int bcast_strides(ex_t *e, const zk_tensor *t, const int64_t od[ZK_MODEL_MAX_RANK], uint32_t R,
                         int64_t strides[ZK_MODEL_MAX_RANK])
{
    int64_t d[ZK_MODEL_MAX_RANK];
    rdims(e, t, d);
    if (t->rank > R || (!t->is_param && t->rank != R))
        return node_err(e, "operand '%s' of rank %u does not broadcast to rank %u", t->name, t->rank, R);
    uint32_t off = R - t->rank;
    int64_t s = 1;
    for (uint32_t k = R; k-- > 0;) {
        strides[k] = 0;
        if (k < off)
            continue;
        int64_t dk = d[k - off];
        if (dk != od[k] && dk != 1)
            return node_err(e, "operand '%s' dimension %u (%lld) does not broadcast to %lld", t->name, k - off,
                            (long long)dk, (long long)od[k]);
        strides[k] = dk == 1 ? 0 : s;
        s *= dk;
    }
    return ZK_OK;
}

static int op_binary(ex_t *e)
{
    const zk_node *nd = e->nd;
    if (nd->n_in != 2)
        return node_err(e, "expects 2 inputs");
    const zk_tensor *A = tin(e, 0), *B = tin(e, 1), *Y = tout(e);
    if (A->is_param && B->is_param)
        return node_err(e, "both inputs are parameters (fold constants at import)");
    uint32_t R = Y->rank;
    int64_t od[ZK_MODEL_MAX_RANK], sa[ZK_MODEL_MAX_RANK], sb[ZK_MODEL_MAX_RANK];
    rdims(e, Y, od);
    int st;
    if ((st = bcast_strides(e, A, od, R, sa)) || (st = bcast_strides(e, B, od, R, sb)))
        return st;
    uint32_t s_m = A->scale > B->scale ? A->scale : B->scale;
    uint32_t s_z = nd->op == ZK_OP_MUL ? A->scale + B->scale : s_m;
    if ((st = check_scales(e, s_z, Y->scale)) || (st = check_scales(e, A->scale, s_m)) ||
        (st = check_scales(e, B->scale, s_m)))
        return st;
    int64_t ca = (int64_t)1 << (s_m - A->scale), cb = (int64_t)1 << (s_m - B->scale);
    if (nd->op == ZK_OP_SUB)
        cb = -cb;
    const zk_mh *ha = hin(e, 0), *hb = hin(e, 1);
    zk_mh *hy = hout(e);
    uint64_t total = (uint64_t)e->batch * zk_tensor_example_size(Y);
    int64_t idx[ZK_MODEL_MAX_RANK] = {0};
    for (uint64_t o = 0; o < total; o++) {
        int64_t ia = 0, ib = 0;
        for (uint32_t k = 0; k < R; k++) {
            ia += idx[k] * sa[k];
            ib += idx[k] * sb[k];
        }
        zk_mh z;
        if (nd->op == ZK_OP_MUL) {
            z = e->b->mul(e->b, ha[ia], hb[ib]);
        } else {
            zk_mh t[2] = {ha[ia], hb[ib]};
            int64_t c[2] = {ca, cb};
            z = e->b->lin(e->b, t, c, 2, 0);
        }
        hy[o] = align(e, z, s_z, Y->scale);
        for (uint32_t k = R; k-- > 0;) {
            if (++idx[k] < od[k])
                break;
            idx[k] = 0;
        }
    }
    return e->b->st;
}

/* ---- elementwise activations ---- */
static int op_unary(ex_t *e)
{
    int st;
    if ((st = need_act(e, 0)))
        return st;
    const zk_tensor *X = tin(e, 0), *Y = tout(e);
    if (zk_tensor_example_size(X) != zk_tensor_example_size(Y))
        return node_err(e, "input and output sizes differ");
    unsigned ab = e->m->act_bits, s = X->scale;
    zk_op op = e->nd->op;
    if ((op == ZK_OP_SIGMOID || op == ZK_OP_TANH) && (s < 5 || ab < s + 5))
        return node_err(e, "needs input scale >= 5 and act_bits >= scale + 5");
    int64_t alpha_q = 0;
    if (op == ZK_OP_LEAKY_RELU) {
        float a = e->nd->floats[0];
        if (!(fabsf(a) <= 1.0f))
            return node_err(e, "alpha must lie in [-1, 1]");
        alpha_q = llroundf(a * 65536.0f);
    }
    if ((st = check_scales(e, s, Y->scale)))
        return st;
    const zk_mh *hx = hin(e, 0);
    zk_mh *hy = hout(e);
    uint64_t total = (uint64_t)e->batch * zk_tensor_example_size(Y);
    zk_mx_backend *b = e->b;
    for (uint64_t i = 0; i < total; i++) {
        zk_mh x = hx[i], y;
        switch (op) {
        case ZK_OP_RELU:
            y = b->relu(b, x, ab);
            break;
        case ZK_OP_SIGMOID:
            y = b->sigmoid(b, x, s, ab);
            break;
        case ZK_OP_TANH: {
            int64_t two = 2;
            zk_mh x2 = b->lin(b, &x, &two, 1, 0);
            zk_mh t = b->sigmoid(b, x2, s, ab + 1);
            y = b->lin(b, &t, &two, 1, -((int64_t)1 << s));
            break;
        }
        case ZK_OP_LEAKY_RELU: {
            zk_mh neg = b->is_neg(b, x, ab);
            zk_mh xa = b->lin(b, &x, &alpha_q, 1, 0);
            zk_mh t = b->rescale(b, xa, 16, ab + 16 > 62 ? 62 : ab + 16);
            y = b->select(b, neg, t, x);
            break;
        }
        default: /* Identity, Flatten, Reshape: a relabelling */
            y = x;
            break;
        }
        hy[i] = align(e, y, s, Y->scale);
    }
    return b->st;
}

/* ---- Conv and pools (NCHW) ---- */
typedef struct {
    int64_t C, H, W, OH, OW, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw;
} win_t;

static int window_shape(ex_t *e, win_t *g, const zk_tensor *X, const zk_tensor *Y, int64_t out_c)
{
    if (X->rank != 4 || Y->rank != 4)
        return node_err(e, "input and output must be [batch, C, H, W]");
    g->C = X->dims[1];
    g->H = X->dims[2];
    g->W = X->dims[3];
    if (g->sh < 1 || g->sw < 1 || g->dh < 1 || g->dw < 1 || g->kh < 1 || g->kw < 1 || g->pt < 0 || g->pl < 0 ||
        g->pb < 0 || g->pr < 0 || g->sh > 4096 || g->sw > 4096 || g->dh > 4096 || g->dw > 4096 || g->pt > 4096 ||
        g->pl > 4096 || g->pb > 4096 || g->pr > 4096 || g->kh > 4096 || g->kw > 4096)
        return node_err(e, "kernel/stride/pad/dilation out of range");
    if (g->kh * g->kw > 65536)
        return node_err(e, "kernel of %lld taps is too large", (long long)(g->kh * g->kw));
    int64_t eh = g->dh * (g->kh - 1) + 1, ew = g->dw * (g->kw - 1) + 1;
    if (g->H + g->pt + g->pb < eh || g->W + g->pl + g->pr < ew)
        return node_err(e, "kernel larger than the padded input");
    g->OH = (g->H + g->pt + g->pb - eh) / g->sh + 1;
    g->OW = (g->W + g->pl + g->pr - ew) / g->sw + 1;
    if (Y->dims[1] != out_c || Y->dims[2] != g->OH || Y->dims[3] != g->OW)
        return node_err(e, "output shape [*, %lld, %lld, %lld] expected, tensor '%s' has [*, %lld, %lld, %lld]",
                        (long long)out_c, (long long)g->OH, (long long)g->OW, Y->name, (long long)Y->dims[1],
                        (long long)Y->dims[2], (long long)Y->dims[3]);
    return ZK_OK;
}

static int op_conv(ex_t *e)
{
    const zk_node *nd = e->nd;
    int st;
    if ((st = need_act(e, 0)) || (st = need_param(e, 1, 4)))
        return st;
    const zk_tensor *X = tin(e, 0), *Wt = tin(e, 1), *Y = tout(e);
    win_t g = {0};
    int64_t group = 1;
    g.sh = g.sw = g.dh = g.dw = 1;
    if (nd->n_ints != 0) {
        if (nd->n_ints < 9)
            return node_err(e, "expects 9 integer attributes (strides[2], pads[4], dilations[2], group)");
        g.sh = nd->ints[0], g.sw = nd->ints[1];
        g.pt = nd->ints[2], g.pl = nd->ints[3], g.pb = nd->ints[4], g.pr = nd->ints[5];
        g.dh = nd->ints[6], g.dw = nd->ints[7];
        group = nd->ints[8];
    }
    int64_t M = Wt->dims[0], Cg = Wt->dims[1];
    g.kh = Wt->dims[2];
    g.kw = Wt->dims[3];
    if ((st = window_shape(e, &g, X, Y, M)))
        return st;
    if (group < 1 || g.C % group != 0 || M % group != 0 || Cg != g.C / group)
        return node_err(e, "group %lld does not match %lld input channels, weight [%lld, %lld, ...]", (long long)group,
                        (long long)g.C, (long long)M, (long long)Cg);
    if (Cg * g.kh * g.kw > (1 << 20))
        return node_err(e, "more than 2^20 taps per output");
    const zk_tensor *Bs = NULL;
    if (nd->n_in > 2) {
        if ((st = need_param(e, 2, 0)))
            return st;
        Bs = tin(e, 2);
        if (zk_tensor_numel(Bs) != (uint64_t)M)
            return node_err(e, "bias must have %lld elements", (long long)M);
    }
    uint32_t s_acc = X->scale + Wt->scale;
    int64_t coef_b = 0;
    if (Bs) {
        if (Bs->scale > s_acc || s_acc - Bs->scale > 40)
            return node_err(e, "bias scale 2^%u must be <= 2^%u", Bs->scale, s_acc);
        coef_b = (int64_t)1 << (s_acc - Bs->scale);
    }
    if ((st = check_scales(e, s_acc, Y->scale)))
        return st;
    size_t taps = (size_t)(Cg * g.kh * g.kw);
    const zk_mh *hx = hin(e, 0), *hw = hin(e, 1), *hb = Bs ? hin(e, 2) : NULL;
    zk_mh *hy = hout(e);
    int64_t Mg = M / group;
    /* per group: im2col rows (batch x OH x OW) x taps, times the Mg x taps filters */
    uint64_t rows = (uint64_t)e->batch * (uint64_t)(g.OH * g.OW);
    if (rows * taps > ((uint64_t)1 << 26))
        return node_err(e, "im2col matrix of %llu x %zu entries is too large (at most 2^26)", (unsigned long long)rows,
                        taps);
    zk_mh *cols = malloc((size_t)(rows * taps) * sizeof *cols), *wt = malloc((size_t)Mg * taps * sizeof *wt);
    zk_mh *acc = malloc((size_t)(rows * (uint64_t)Mg) * sizeof *acc);
    if (!cols || !wt || !acc) {
        free(cols);
        free(wt);
        free(acc);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (im2col, %llu x %zu)", (unsigned long long)rows, taps);
    }
    zk_mh zero = e->b->constant(e->b, 0);
    st = e->b->st;
    for (int64_t gi = 0; gi < group && !st; gi++) {
        for (uint32_t i = 0; i < e->batch; i++)
            for (int64_t oh = 0; oh < g.OH; oh++)
                for (int64_t ow = 0; ow < g.OW; ow++) {
                    zk_mh *row = cols + (((uint64_t)i * g.OH + oh) * g.OW + ow) * taps;
                    size_t t = 0;
                    for (int64_t c = 0; c < Cg; c++)
                        for (int64_t a = 0; a < g.kh; a++)
                            for (int64_t bq = 0; bq < g.kw; bq++, t++) {
                                int64_t ih = oh * g.sh - g.pt + a * g.dh, iw = ow * g.sw - g.pl + bq * g.dw;
                                int64_t ci = gi * Cg + c;
                                row[t] = ih < 0 || ih >= g.H || iw < 0 || iw >= g.W
                                             ? zero
                                             : hx[(((int64_t)i * g.C + ci) * g.H + ih) * g.W + iw];
                            }
                }
        for (int64_t n = 0; n < Mg; n++)
            memcpy(wt + (size_t)n * taps, hw + (size_t)(gi * Mg + n) * taps, taps * sizeof *wt);
        st = mat_product(e, cols, wt, rows, taps, (uint64_t)Mg, acc);
        for (uint64_t r = 0; r < rows && !st; r++) {
            uint64_t i = r / (uint64_t)(g.OH * g.OW), pos = r % (uint64_t)(g.OH * g.OW);
            for (int64_t n = 0; n < Mg; n++) {
                int64_t mo = gi * Mg + n;
                zk_mh a = acc[r * (uint64_t)Mg + (uint64_t)n];
                if (Bs) {
                    zk_mh t2[2] = {a, hb[mo]};
                    int64_t cf[2] = {1, coef_b};
                    a = e->b->lin(e->b, t2, cf, 2, 0);
                }
                hy[((i * (uint64_t)M + (uint64_t)mo) * (uint64_t)g.OH * (uint64_t)g.OW) + pos] =
                    align(e, a, s_acc, Y->scale);
            }
        }
        if (!st)
            st = e->b->st;
    }
    free(cols);
    free(wt);
    free(acc);
    return st ? st : e->b->st;
}

static int op_pool(ex_t *e)
{
    const zk_node *nd = e->nd;
    int st;
    if ((st = need_act(e, 0)))
        return st;
    const zk_tensor *X = tin(e, 0), *Y = tout(e);
    int is_max = nd->op == ZK_OP_MAXPOOL;
    win_t g = {0};
    int64_t include_pad = 0;
    if (nd->n_ints < 8)
        return node_err(e, "expects integer attributes kernel[2], strides[2], pads[4]%s",
                        is_max ? ", [dilations[2]]" : ", [count_include_pad]");
    g.kh = nd->ints[0], g.kw = nd->ints[1], g.sh = nd->ints[2], g.sw = nd->ints[3];
    g.pt = nd->ints[4], g.pl = nd->ints[5], g.pb = nd->ints[6], g.pr = nd->ints[7];
    g.dh = g.dw = 1;
    if (is_max && nd->n_ints >= 10)
        g.dh = nd->ints[8], g.dw = nd->ints[9];
    if (!is_max && nd->n_ints >= 9)
        include_pad = nd->ints[8] != 0;
    if ((st = window_shape(e, &g, X, Y, X->rank == 4 ? X->dims[1] : 0)))
        return st;
    if ((st = check_scales(e, X->scale, Y->scale)))
        return st;
    size_t taps = (size_t)(g.kh * g.kw);
    zk_mh *xs = scratch(e, taps);
    if (!xs)
        return ZK_ERR_NOMEM;
    int64_t *ones = malloc(taps * sizeof *ones);
    if (!ones)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < taps; k++)
        ones[k] = 1;
    const zk_mh *hx = hin(e, 0);
    zk_mh *hy = hout(e);
    unsigned ab = e->m->act_bits;
    for (uint32_t i = 0; i < e->batch && !e->b->st; i++)
        for (int64_t c = 0; c < g.C; c++)
            for (int64_t oh = 0; oh < g.OH; oh++)
                for (int64_t ow = 0; ow < g.OW; ow++) {
                    size_t n = 0;
                    for (int64_t a = 0; a < g.kh; a++)
                        for (int64_t bq = 0; bq < g.kw; bq++) {
                            int64_t ih = oh * g.sh - g.pt + a * g.dh, iw = ow * g.sw - g.pl + bq * g.dw;
                            if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W)
                                continue;
                            xs[n++] = hx[(((int64_t)i * g.C + c) * g.H + ih) * g.W + iw];
                        }
                    zk_mh y;
                    if (n == 0) {
                        free(ones);
                        return node_err(e, "a window lies entirely in the padding");
                    }
                    if (is_max) {
                        y = xs[0];
                        for (size_t k = 1; k < n; k++)
                            y = e->b->max(e->b, y, xs[k], ab + 1);
                    } else {
                        int64_t cnt = include_pad ? (int64_t)taps : (int64_t)n;
                        zk_mh sum = e->b->lin(e->b, xs, ones, n, 0);
                        unsigned ib = ab + ceil_log2((uint64_t)n);
                        y = e->b->div(e->b, sum, cnt, ib > 62 ? 62 : ib);
                    }
                    hy[(((int64_t)i * g.C + c) * g.OH + oh) * g.OW + ow] = align(e, y, X->scale, Y->scale);
                }
    free(ones);
    return e->b->st;
}

static int op_global_avgpool(ex_t *e)
{
    int st;
    if ((st = need_act(e, 0)))
        return st;
    const zk_tensor *X = tin(e, 0), *Y = tout(e);
    if (X->rank < 3 || Y->rank != X->rank || Y->dims[1] != X->dims[1])
        return node_err(e, "input must be [batch, C, spatial...] and output [batch, C, 1, ...]");
    for (uint32_t d = 2; d < Y->rank; d++)
        if (Y->dims[d] != 1)
            return node_err(e, "output spatial dimensions must be 1");
    if ((st = check_scales(e, X->scale, Y->scale)))
        return st;
    int64_t C = X->dims[1];
    uint64_t sp = zk_tensor_example_size(X) / (uint64_t)C;
    int64_t *ones = malloc(sp * sizeof *ones);
    if (!ones)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (uint64_t k = 0; k < sp; k++)
        ones[k] = 1;
    const zk_mh *hx = hin(e, 0);
    zk_mh *hy = hout(e);
    unsigned ib = e->m->act_bits + ceil_log2(sp);
    for (uint64_t r = 0; r < (uint64_t)e->batch * (uint64_t)C; r++) {
        zk_mh sum = e->b->lin(e->b, hx + r * sp, ones, sp, 0);
        hy[r] = align(e, e->b->div(e->b, sum, (int64_t)sp, ib > 62 ? 62 : ib), X->scale, Y->scale);
    }
    free(ones);
    return e->b->st;
}

/* Folded BatchNormalization: y = x * g[c] + b[c] per channel (axis 1). */
static int op_batchnorm(ex_t *e)
{
    int st;
    if ((st = need_act(e, 0)) || (st = need_param(e, 1, 0)) || (st = need_param(e, 2, 0)))
        return st;
    const zk_tensor *X = tin(e, 0), *G = tin(e, 1), *Bt = tin(e, 2), *Y = tout(e);
    if (X->rank < 2 || zk_tensor_example_size(X) != zk_tensor_example_size(Y))
        return node_err(e, "input must be [batch, C, ...] and output of the same size");
    int64_t C = X->dims[1];
    if (zk_tensor_numel(G) != (uint64_t)C || zk_tensor_numel(Bt) != (uint64_t)C)
        return node_err(e, "folded scale and offset must have %lld (channel) elements", (long long)C);
    uint32_t s_z = X->scale + G->scale;
    if (Bt->scale > s_z || s_z - Bt->scale > 40)
        return node_err(e, "offset scale 2^%u must be <= 2^%u", Bt->scale, s_z);
    if ((st = check_scales(e, s_z, Y->scale)))
        return st;
    int64_t cb = (int64_t)1 << (s_z - Bt->scale);
    uint64_t sp = zk_tensor_example_size(X) / (uint64_t)C;
    const zk_mh *hx = hin(e, 0), *hg = hin(e, 1), *hb = hin(e, 2);
    zk_mh *hy = hout(e);
    for (uint64_t r = 0; r < (uint64_t)e->batch * (uint64_t)C; r++) {
        uint64_t c = r % (uint64_t)C;
        for (uint64_t k = 0; k < sp; k++) {
            zk_mh p = e->b->mul(e->b, hx[r * sp + k], hg[c]);
            zk_mh t[2] = {p, hb[c]};
            int64_t cf[2] = {1, cb};
            hy[r * sp + k] = align(e, e->b->lin(e->b, t, cf, 2, 0), s_z, Y->scale);
        }
    }
    return e->b->st;
}

/* ---- wire permutations ---- */
static int op_transpose(ex_t *e)
{
    int st;
    if ((st = need_act(e, 0)))
        return st;
    const zk_tensor *X = tin(e, 0), *Y = tout(e);
    uint32_t R = X->rank;
    if (Y->rank != R || e->nd->n_ints != R)
        return node_err(e, "perm must list all %u axes", R);
    int64_t xd[ZK_MODEL_MAX_RANK], yd[ZK_MODEL_MAX_RANK], xs[ZK_MODEL_MAX_RANK];
    rdims(e, X, xd);
    rdims(e, Y, yd);
    uint32_t seen = 0;
    for (uint32_t k = 0; k < R; k++) {
        int64_t p = e->nd->ints[k];
        if (p < 0 || p >= (int64_t)R || (seen >> p & 1))
            return node_err(e, "perm is not a permutation");
        seen |= 1u << p;
        if (yd[k] != xd[p])
            return node_err(e, "output dimension %u does not match", k);
    }
    if (e->nd->ints[0] != 0)
        return node_err(e, "perm must keep the batch axis first");
    if ((st = check_scales(e, X->scale, Y->scale)))
        return st;
    int64_t s = 1;
    for (uint32_t k = R; k-- > 0;) {
        xs[k] = s;
        s *= xd[k];
    }
    const zk_mh *hx = hin(e, 0);
    zk_mh *hy = hout(e);
    uint64_t total = (uint64_t)e->batch * zk_tensor_example_size(Y);
    int64_t idx[ZK_MODEL_MAX_RANK] = {0};
    for (uint64_t o = 0; o < total; o++) {
        int64_t ix = 0;
        for (uint32_t k = 0; k < R; k++)
            ix += idx[k] * xs[e->nd->ints[k]];
        hy[o] = align(e, hx[ix], X->scale, Y->scale);
        for (uint32_t k = R; k-- > 0;) {
            if (++idx[k] < yd[k])
                break;
            idx[k] = 0;
        }
    }
    return e->b->st;
}

static int op_concat(ex_t *e)
{
    const zk_node *nd = e->nd;
    const zk_tensor *Y = tout(e);
    uint32_t R = Y->rank;
    int64_t axis = nd->n_ints > 0 ? nd->ints[0] : 1;
    if (axis < 0)
        axis += R;
    if (axis < 1 || axis >= (int64_t)R)
        return node_err(e, "axis must be a non-batch axis");
    int64_t total_ax = 0;
    int st;
    for (uint32_t j = 0; j < nd->n_in; j++) {
        if ((st = need_act(e, j)))
            return st;
        const zk_tensor *X = tin(e, j);
        if (X->rank != R)
            return node_err(e, "input %u has rank %u, expected %u", j, X->rank, R);
        for (uint32_t k = 1; k < R; k++)
            if (k != axis && X->dims[k] != Y->dims[k])
                return node_err(e, "input %u dimension %u differs from the output", j, k);
        if ((st = check_scales(e, X->scale, Y->scale)))
            return st;
        total_ax += X->dims[axis];
    }
    if (total_ax != Y->dims[axis])
        return node_err(e, "concatenated axis has %lld entries, output %lld", (long long)total_ax,
                        (long long)Y->dims[axis]);
    int64_t outer = e->batch, inner = 1;
    for (int64_t k = 1; k < axis; k++)
        outer *= Y->dims[k];
    for (uint32_t k = (uint32_t)axis + 1; k < R; k++)
        inner *= Y->dims[k];
    zk_mh *hy = hout(e);
    int64_t off = 0;
    for (uint32_t j = 0; j < nd->n_in; j++) {
        const zk_tensor *X = tin(e, j);
        const zk_mh *hx = hin(e, j);
        int64_t blk = X->dims[axis] * inner;
        for (int64_t o = 0; o < outer; o++)
            for (int64_t q = 0; q < blk; q++)
                hy[o * Y->dims[axis] * inner + off + q] = align(e, hx[o * blk + q], X->scale, Y->scale);
        off += blk;
    }
    return e->b->st;
}

static int op_pad(ex_t *e)
{
    int st;
    if ((st = need_act(e, 0)))
        return st;
    const zk_tensor *X = tin(e, 0), *Y = tout(e);
    uint32_t R = X->rank;
    if (Y->rank != R || e->nd->n_ints != 2 * R)
        return node_err(e, "expects 2 x rank pads (begins then ends)");
    int64_t xd[ZK_MODEL_MAX_RANK], yd[ZK_MODEL_MAX_RANK], xs[ZK_MODEL_MAX_RANK];
    rdims(e, X, xd);
    rdims(e, Y, yd);
    for (uint32_t k = 0; k < R; k++) {
        int64_t pb = e->nd->ints[k], pe = e->nd->ints[R + k];
        if (pb < 0 || pe < 0 || pb > 4096 || pe > 4096 || (k == 0 && (pb || pe)))
            return node_err(e, "pads must be non-negative and leave the batch axis alone");
        if (yd[k] != xd[k] + pb + pe)
            return node_err(e, "output dimension %u does not match the pads", k);
    }
    if ((st = check_scales(e, X->scale, Y->scale)))
        return st;
    double cv = (double)e->nd->floats[0] * ldexp(1.0, (int)Y->scale);
    if (!(fabs(cv) < ldexp(1.0, (int)e->m->act_bits - 1)))
        return node_err(e, "constant value out of range");
    zk_mh cst = e->b->constant(e->b, (int64_t)llround(cv));
    int64_t s = 1;
    for (uint32_t k = R; k-- > 0;) {
        xs[k] = s;
        s *= xd[k];
    }
    const zk_mh *hx = hin(e, 0);
    zk_mh *hy = hout(e);
    uint64_t total = (uint64_t)e->batch * zk_tensor_example_size(Y);
    int64_t idx[ZK_MODEL_MAX_RANK] = {0};
    for (uint64_t o = 0; o < total; o++) {
        int64_t ix = 0;
        int inside = 1;
        for (uint32_t k = 0; k < R; k++) {
            int64_t p = idx[k] - e->nd->ints[k];
            if (p < 0 || p >= xd[k])
                inside = 0;
            ix += p * xs[k];
        }
        hy[o] = inside ? align(e, hx[ix], X->scale, Y->scale) : cst;
        for (uint32_t k = R; k-- > 0;) {
            if (++idx[k] < yd[k])
                break;
            idx[k] = 0;
        }
    }
    return e->b->st;
}

static int op_constant(ex_t *e)
{
    int st;
    if ((st = need_param(e, 0, 0)))
        return st;
    const zk_tensor *P = tin(e, 0), *Y = tout(e);
    uint64_t n = zk_tensor_numel(P);
    if (zk_tensor_example_size(Y) != n)
        return node_err(e, "output must hold the %llu constant values per example", (unsigned long long)n);
    if ((st = check_scales(e, P->scale, Y->scale)))
        return st;
    const zk_mh *hp = hin(e, 0);
    zk_mh *hy = hout(e);
    for (uint64_t k = 0; k < n; k++)
        hy[k] = align(e, hp[k], P->scale, Y->scale);
    for (uint32_t i = 1; i < e->batch; i++)
        memcpy(hy + (size_t)i * n, hy, n * sizeof *hy);
    return e->b->st;
}

/* Softmax (final node only): one-hot of the argmax along the last axis, at the
 * output scale (1.0 = 2^s). ArgMax: the index along the last axis. */
static int op_argmax(ex_t *e)
{
    const zk_node *nd = e->nd;
    int st;
    if ((st = need_act(e, 0)))
        return st;
    const zk_tensor *X = tin(e, 0), *Y = tout(e);
    int is_soft = nd->op == ZK_OP_SOFTMAX;
    if (is_soft && (nd != &e->m->nodes[e->m->n_nodes - 1] || nd->out[0] != e->m->output))
        return node_err(e, "Softmax is supported only as the final node (proved as the one-hot argmax)");
    int64_t axis = nd->n_ints > 0 ? nd->ints[0] : -1;
    if (axis != -1 && axis != (int64_t)X->rank - 1)
        return node_err(e, "only the last axis is supported");
    if (X->rank < 2)
        return node_err(e, "input must be [batch, ..., classes]");
    int64_t L = X->dims[X->rank - 1];
    uint64_t rows = zk_tensor_example_size(X) / (uint64_t)L;
    if (zk_tensor_example_size(Y) != (is_soft ? rows * (uint64_t)L : rows))
        return node_err(e, "output size does not match");
    if (Y->scale > 40)
        return node_err(e, "output scale too large");
    zk_mh *oh = is_soft ? scratch(e, (size_t)L) : NULL;
    if (is_soft && !oh)
        return ZK_ERR_NOMEM;
    const zk_mh *hx = hin(e, 0);
    zk_mh *hy = hout(e);
    int64_t one = (int64_t)1 << Y->scale;
    for (uint64_t r = 0; r < rows * e->batch; r++) {
        zk_mh idx = e->b->argmax(e->b, hx + r * (uint64_t)L, (size_t)L, e->m->act_bits + 1, oh);
        if (is_soft) {
            for (int64_t j = 0; j < L; j++)
                hy[r * (uint64_t)L + (uint64_t)j] = Y->scale ? e->b->lin(e->b, &oh[j], &one, 1, 0) : oh[j];
        } else {
            hy[r] = Y->scale ? e->b->lin(e->b, &idx, &one, 1, 0) : idx;
        }
    }
    return e->b->st;
}

static int run_node(ex_t *e)
{
    switch (e->nd->op) {
    case ZK_OP_GEMM:
        return op_gemm(e);
    case ZK_OP_MATMUL:
        return op_matmul(e);
    case ZK_OP_ADD:
    case ZK_OP_SUB:
    case ZK_OP_MUL:
        return op_binary(e);
    case ZK_OP_RELU:
    case ZK_OP_LEAKY_RELU:
    case ZK_OP_SIGMOID:
    case ZK_OP_TANH:
    case ZK_OP_IDENTITY:
    case ZK_OP_FLATTEN:
    case ZK_OP_RESHAPE:
        return op_unary(e);
    case ZK_OP_CONV:
        return op_conv(e);
    case ZK_OP_MAXPOOL:
    case ZK_OP_AVGPOOL:
        return op_pool(e);
    case ZK_OP_GLOBAL_AVGPOOL:
        return op_global_avgpool(e);
    case ZK_OP_BATCHNORM:
        return op_batchnorm(e);
    case ZK_OP_TRANSPOSE:
        return op_transpose(e);
    case ZK_OP_CONCAT:
        return op_concat(e);
    case ZK_OP_PAD:
        return op_pad(e);
    case ZK_OP_CONSTANT:
        return op_constant(e);
    case ZK_OP_SOFTMAX:
    case ZK_OP_ARGMAX:
        return op_argmax(e);
    default:
        return node_err(e, "unsupported op");
    }
}

int zk_model_exec(const zk_model *m, zk_mx_backend *b, zk_mh *const *params, const zk_mh *in,
                  const int64_t *in_values, uint32_t batch, zk_mh *out)
{
    if (batch < 1 || batch > (1u << 20))
        return zk_set_error(ZK_ERR_INPUT, "batch of %u examples outside 1..2^20", batch);
    (void)in_values; /* matrix products are native: the circuit no longer depends on the input values */
    ex_t e = {.m = m, .b = b, .batch = batch};
    e.val = calloc(m->n_tensors, sizeof *e.val);
    e.owned = calloc(m->n_tensors, 1);
    int st = ZK_OK;
    if (!e.val || !e.owned) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t t = 0; t < m->n_tensors; t++) {
        const zk_tensor *T = &m->tensors[t];
        if (T->is_param) {
            e.val[t] = params[t];
            continue;
        }
        uint64_t n = zk_tensor_example_size(T) * (uint64_t)batch;
        if (n > ((uint64_t)1 << 28)) {
            st = zk_set_error(ZK_ERR_INPUT, "tensor '%s': %llu elements in the batch exceed 2^28", T->name,
                              (unsigned long long)n);
            goto done;
        }
    }
    {
        uint64_t n_in = zk_model_input_size(m) * batch;
        if (!(e.val[m->input] = malloc(n_in * sizeof(zk_mh)))) {
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
            goto done;
        }
        e.owned[m->input] = 1;
        memcpy(e.val[m->input], in, n_in * sizeof(zk_mh));
    }
    for (uint32_t k = 0; k < m->n_nodes; k++) {
        e.nd = &m->nodes[k];
        for (uint32_t j = 0; j < e.nd->n_out; j++) {
            uint32_t o = e.nd->out[j];
            uint64_t n = zk_tensor_example_size(&m->tensors[o]) * batch;
            if (!(e.val[o] = calloc(n ? n : 1, sizeof(zk_mh)))) {
                st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
                goto done;
            }
            e.owned[o] = 1;
        }
        if ((st = run_node(&e)) != ZK_OK)
            goto done;
        if (b->st) {
            st = b->st;
            goto done;
        }
        /* Free activations no later node reads (keeps peak memory at the live set). */
        for (uint32_t j = 0; j < e.nd->n_in; j++) {
            uint32_t t = e.nd->in[j];
            if (!e.owned[t] || t == m->output)
                continue;
            int used = 0;
            for (uint32_t k2 = k + 1; k2 < m->n_nodes && !used; k2++)
                for (uint32_t j2 = 0; j2 < m->nodes[k2].n_in; j2++)
                    if (m->nodes[k2].in[j2] == t)
                        used = 1;
            if (!used) {
                free(e.val[t]);
                e.val[t] = NULL;
                e.owned[t] = 0;
            }
        }
    }
    memcpy(out, e.val[m->output], zk_model_output_size(m) * batch * sizeof(zk_mh));
done:
    if (st != ZK_OK && e.nd && b->st == ZK_OK)
        b->st = st;
    if (st != ZK_OK && e.nd && st != ZK_ERR_NOMEM && !strstr(zk_last_error(), "node '")) {
        char msg[512];
        snprintf(msg, sizeof msg, "node '%s' (%s)", e.nd->name, zk_op_name(e.nd->op));
        zk_error_prefix((zk_status)st, msg);
    }
    if (e.val)
        for (uint32_t t = 0; t < m->n_tensors; t++)
            if (e.owned && e.owned[t])
                free(e.val[t]);
    free(e.val);
    free(e.owned);
    free(e.scratch);
    return st;
}
