/*
 * train_circuit.c — the constraints of fixed-point SGD (train.h,
 * docs/training.md "Circuit"). Same integer semantics as zk_train_run_fx.
 *
 * Gadgets are specialised for training (cheaper than composing the generic
 * circuit.h gadgets, same relations):
 *  - rescale + sigmoid: sign-magnitude decomposition of z = rescale(acc):
 *    sigma (boolean), |z| in act_bits-1 bits, remainder r in s bits, one
 *    constraint (2^s - 2^(s+1) sigma) |z| = acc + 2^(s-1) - r; the PLAN
 *    thresholds are read off the bits of |z| (OR of bit groups through
 *    "nonzero" tests) and the three linear pieces are bit sums; ~18
 *    constraints beyond the bits. (sigma is free when z = 0: both choices give
 *    2^(s-1).)
 *  - rescale to a signed value (hidden pre-activation, backpropagated error):
 *    two's complement t = v + 2^(A-1) in A bits, r in s bits, one constraint;
 *    the top bit is [v >= 0] (ReLU gate).
 *  - update: lr G + floor(D/2) = q D + r, q two's complement in step_bits,
 *    0 <= r and D - 1 - r < 2^bits(D-1); w' = w - q.
 * Every intermediate is an exact integer far below p/2
 * (zk_train_check_bounds), so the field relations are the integer relations.
 */
#include <stdlib.h>
#include <string.h>

#include "lifecycle/train_internal.h"
#include "zkmlops/train.h"

#define NLC 8

typedef struct {
    zk_cs *cs;
    int prover;
    unsigned s, A;
    const zk_train_spec *spec;
    zk_lc l[NLC];
    zk_lc acc;      /* accumulator lc of the logistic-regression rows */
    uint32_t *bits; /* scratch for bit wires */
} tctx;

static int64_t wv(const tctx *t, uint32_t w) { return t->prover ? zk_cs_value_i64(t->cs, w) : 0; }
static gl_t lcv(const tctx *t, const zk_lc *l) { return t->prover ? zk_cs_lc_value(t->cs, l) : 0; }

static zk_lc *L(tctx *t, int k)
{
    zk_lc_clear(&t->l[k]);
    return &t->l[k];
}

static uint32_t priv(tctx *t, int64_t v) { return zk_cs_private_i64(t->cs, t->prover ? v : 0); }

/* New wire = A * B (one constraint). */
static uint32_t mul_lc(tctx *t, const zk_lc *A, const zk_lc *B)
{
    gl_t v = t->prover ? gl_mul(lcv(t, A), lcv(t, B)) : 0;
    uint32_t w = zk_cs_private(t->cs, v);
    zk_lc *C = &t->l[NLC - 1];
    zk_lc_clear(C);
    zk_lc_add(C, w, 1);
    zk_cs_enforce(t->cs, A, B, C);
    return w;
}

static uint32_t mul_w(tctx *t, uint32_t a, uint32_t b) { return zk_cs_mul(t->cs, a, b); }

/* nbits boolean wires holding the bits of v (v in [0, 2^nbits) when honest;
 * otherwise the low bits, and a later constraint fails). */
static void alloc_bits(tctx *t, uint64_t v, unsigned nbits, uint32_t *out)
{
    zk_lc *a = &t->l[NLC - 2], *c = &t->l[NLC - 1];
    for (unsigned k = 0; k < nbits; k++) {
        out[k] = priv(t, (int64_t)((v >> k) & 1));
        zk_lc_clear(a);
        zk_lc_add(a, out[k], 1);
        zk_lc_clear(c);
        zk_lc_add(c, out[k], 1);
        zk_cs_enforce(t->cs, a, a, c); /* b * b = b */
    }
}

/* lc += coeff * sum_{k in [lo, hi)} 2^(k - shift) b_k  (k >= shift) */
static void add_bits(zk_lc *l, const uint32_t *b, unsigned lo, unsigned hi, unsigned shift, int64_t coeff)
{
    for (unsigned k = lo; k < hi; k++)
        zk_lc_add_i64(l, b[k], coeff * ((int64_t)1 << (k - shift)));
}

/* c = [sum_{k in [lo, hi)} b_k != 0] (two constraints); hi > lo. */
static uint32_t any_bit(tctx *t, const uint32_t *b, unsigned lo, unsigned hi)
{
    int64_t S = 0;
    zk_lc *sl = L(t, 4);
    for (unsigned k = lo; k < hi; k++) {
        zk_lc_add(sl, b[k], 1);
        S += wv(t, b[k]);
    }
    uint32_t c = priv(t, S != 0);
    uint32_t inv = zk_cs_private(t->cs, (t->prover && S != 0) ? gl_inv(gl_from_i64(S)) : 0);
    zk_lc *B = L(t, 5), *C = L(t, 6);
    zk_lc_add(B, inv, 1);
    zk_lc_add(C, c, 1);
    zk_cs_enforce(t->cs, sl, B, C); /* S * inv = c */
    B = L(t, 5);
    zk_lc_add_const(B, 1);
    zk_lc_add(B, c, GL_P - 1);
    C = L(t, 6);
    zk_cs_enforce(t->cs, sl, B, C); /* S * (1 - c) = 0 */
    return c;
}

/* e = sigmoid(rescale(acc, s)) - y. acc: lc with integer value accv. */
static uint32_t sigmoid_err(tctx *t, const zk_lc *acc, int64_t accv, uint32_t ywire)
{
    unsigned s = t->s, A = t->A, nb = A - 1;
    int64_t z = tr_rescale(accv, s);
    int64_t r = accv + ((int64_t)1 << (s - 1)) - z * ((int64_t)1 << s);
    int64_t a = z < 0 ? -z : z;
    uint32_t *ab = t->bits, *rb = t->bits + 64;
    uint32_t sg = priv(t, z < 0);
    {
        zk_lc *x = L(t, 0), *c = L(t, 1);
        zk_lc_add(x, sg, 1);
        zk_lc_add(c, sg, 1);
        zk_cs_enforce(t->cs, x, x, c);
    }
    alloc_bits(t, (uint64_t)a, nb, ab);
    alloc_bits(t, (uint64_t)r, s, rb);
    {
        zk_lc *X = L(t, 0), *Bm = L(t, 1), *C = L(t, 2);
        zk_lc_add_i64(X, 0, (int64_t)1 << s);
        zk_lc_add_i64(X, sg, -((int64_t)1 << (s + 1)));
        add_bits(Bm, ab, 0, nb, 0, 1);
        for (uint32_t k = 0; k < acc->n; k++)
            zk_lc_add(C, acc->wire[k], acc->coeff[k]);
        zk_lc_add_i64(C, 0, (int64_t)1 << (s - 1));
        add_bits(C, rb, 0, s, 0, -1);
        zk_cs_enforce(t->cs, X, Bm, C);
    }
    /* thresholds */
    uint32_t c1 = any_bit(t, ab, s, nb);
    uint32_t any2 = any_bit(t, ab, s + 2, nb);
    uint32_t any3 = any_bit(t, ab, s + 3, nb);
    /* c3 = any3 OR (b_{s+2} AND (b_{s+1} OR b_s)) */
    uint32_t t1 = mul_w(t, ab[s + 1], ab[s]);
    zk_lc *X = L(t, 0), *Y = L(t, 1);
    zk_lc_add(X, ab[s + 2], 1);
    zk_lc_add(Y, ab[s + 1], 1);
    zk_lc_add(Y, ab[s], 1);
    zk_lc_add(Y, t1, GL_P - 1);
    uint32_t u = mul_lc(t, X, Y);
    uint32_t t2 = mul_w(t, any3, u);
    /* c2 = any2 OR (b_{s+1} AND (b_s OR b_{s-1} OR (b_{s-2} AND b_{s-3}))) */
    uint32_t t3 = mul_w(t, ab[s - 2], ab[s - 3]);
    uint32_t t4 = mul_w(t, ab[s], ab[s - 1]);
    X = L(t, 0);
    Y = L(t, 1);
    zk_lc_add(X, ab[s], 1);
    zk_lc_add(X, ab[s - 1], 1);
    zk_lc_add(X, t4, GL_P - 1); /* o2 */
    zk_lc_add(Y, t3, 1);
    uint32_t t5 = mul_lc(t, X, Y);
    X = L(t, 0);
    Y = L(t, 1);
    zk_lc_add(X, ab[s + 1], 1);
    zk_lc_add(Y, ab[s], 1);
    zk_lc_add(Y, ab[s - 1], 1);
    zk_lc_add(Y, t4, GL_P - 1);
    zk_lc_add(Y, t3, 1);
    zk_lc_add(Y, t5, GL_P - 1); /* o3 */
    uint32_t u2 = mul_lc(t, X, Y);
    uint32_t t6 = mul_w(t, any2, u2);
    /* c3 = any3 + u - t2 ; c2 = any2 + u2 - t6 */
    /* m2 = (c2 - c3) * L2 */
    X = L(t, 0);
    Y = L(t, 1);
    zk_lc_add(X, any2, 1);
    zk_lc_add(X, u2, 1);
    zk_lc_add(X, t6, GL_P - 1);
    zk_lc_add(X, any3, GL_P - 1);
    zk_lc_add(X, u, GL_P - 1);
    zk_lc_add(X, t2, 1);
    add_bits(Y, ab, 5, nb, 5, 1);
    zk_lc_add_i64(Y, 0, 27 * ((int64_t)1 << (s - 5)));
    uint32_t m2 = mul_lc(t, X, Y);
    /* m1 = (c1 - c2) * L1 */
    X = L(t, 0);
    Y = L(t, 1);
    zk_lc_add(X, c1, 1);
    zk_lc_add(X, any2, GL_P - 1);
    zk_lc_add(X, u2, GL_P - 1);
    zk_lc_add(X, t6, 1);
    add_bits(Y, ab, 3, nb, 3, 1);
    zk_lc_add_i64(Y, 0, 5 * ((int64_t)1 << (s - 3)));
    uint32_t m1 = mul_lc(t, X, Y);
    /* m0 = (1 - c1) * L0 */
    X = L(t, 0);
    Y = L(t, 1);
    zk_lc_add_const(X, 1);
    zk_lc_add(X, c1, GL_P - 1);
    add_bits(Y, ab, 2, nb, 2, 1);
    zk_lc_add_i64(Y, 0, (int64_t)1 << (s - 1));
    uint32_t m0 = mul_lc(t, X, Y);
    /* y_plan = 2^s c3 + m2 + m1 + m0 ; p = y_plan + sigma (2^s - 2 y_plan) ; e = p - y */
    int64_t p = tr_sigmoid(z, s);
    uint32_t e = priv(t, p - wv(t, ywire));
    zk_lc *ypl = L(t, 2);
    zk_lc_add_i64(ypl, any3, (int64_t)1 << s);
    zk_lc_add_i64(ypl, u, (int64_t)1 << s);
    zk_lc_add_i64(ypl, t2, -((int64_t)1 << s));
    zk_lc_add(ypl, m2, 1);
    zk_lc_add(ypl, m1, 1);
    zk_lc_add(ypl, m0, 1);
    X = L(t, 0);
    Y = L(t, 1);
    zk_lc *C = L(t, 3);
    zk_lc_add(X, sg, 1);
    zk_lc_add_i64(Y, 0, (int64_t)1 << s);
    for (uint32_t k = 0; k < ypl->n; k++) {
        zk_lc_add(Y, ypl->wire[k], gl_neg(gl_add(ypl->coeff[k], ypl->coeff[k])));
        zk_lc_add(C, ypl->wire[k], gl_neg(ypl->coeff[k]));
    }
    zk_lc_add(C, e, 1);
    zk_lc_add(C, ywire, 1);
    zk_cs_enforce(t->cs, X, Y, C);
    return e;
}

/* v = rescale(P, s) where P = <X> * <Y> (Y may be the constant 1), v signed
 * in A bits (two's complement). Writes the lc of v into out and returns the
 * wire of the gate bit [v >= 0]; *vv receives the value. */
static uint32_t rescale_signed(tctx *t, const zk_lc *X, const zk_lc *Y, int64_t Pv, zk_lc *out, int64_t *vv)
{
    unsigned s = t->s, A = t->A;
    int64_t v = tr_rescale(Pv, s);
    int64_t r = Pv + ((int64_t)1 << (s - 1)) - v * ((int64_t)1 << s);
    uint64_t tv = (uint64_t)(v + ((int64_t)1 << (A - 1)));
    uint32_t *tb = t->bits, *rb = t->bits + 64;
    alloc_bits(t, tv, A, tb);
    alloc_bits(t, (uint64_t)r, s, rb);
    zk_lc_clear(out);
    add_bits(out, tb, 0, A, 0, 1);
    zk_lc_add_i64(out, 0, -((int64_t)1 << (A - 1)));
    zk_lc *C = L(t, 6);
    for (uint32_t k = 0; k < out->n; k++)
        zk_lc_add(C, out->wire[k], gl_mul(out->coeff[k], (gl_t)1 << s));
    zk_lc_add_i64(C, 0, -((int64_t)1 << (s - 1)));
    add_bits(C, rb, 0, s, 0, 1);
    zk_cs_enforce(t->cs, X, Y, C); /* P = 2^s v - 2^(s-1) + r */
    *vv = v;
    return tb[A - 1];
}

/* New parameter wire w - q, q = floor((lr G + floor(D/2)) / D), D = m 2^(2s). */
static uint32_t update(tctx *t, uint32_t w, const zk_lc *G, int64_t Gv, uint32_t m)
{
    unsigned s = t->s, S = t->spec->step_bits;
    int64_t lr = t->spec->lr;
    int64_t D = (int64_t)m << (2 * s);
    int64_t q = tr_step(lr, Gv, m, s);
    int64_t r = lr * Gv + D / 2 - q * D;
    unsigned rbn = tr_bits_u((uint64_t)(D - 1));
    uint32_t *qb = t->bits, *rb = t->bits + 64, *ub = t->bits + 128;
    alloc_bits(t, (uint64_t)(q + ((int64_t)1 << (S - 1))), S, qb);
    alloc_bits(t, (uint64_t)r, rbn, rb);
    alloc_bits(t, (uint64_t)(D - 1 - r), rbn, ub);
    /* lr G + D/2 = D q + r */
    zk_lc *a = L(t, 0), *b = L(t, 1);
    for (uint32_t k = 0; k < G->n; k++)
        zk_lc_add(a, G->wire[k], gl_mul(G->coeff[k], gl_from_i64(lr)));
    zk_lc_add_i64(a, 0, D / 2);
    for (unsigned k = 0; k < S; k++)
        zk_lc_add(b, qb[k], gl_mul(gl_from_i64(D), (gl_t)1 << k));
    zk_lc_add(b, 0, gl_neg(gl_mul(gl_from_i64(D), (gl_t)1 << (S - 1))));
    add_bits(b, rb, 0, rbn, 0, 1);
    zk_cs_enforce_equal(t->cs, a, b);
    /* u = D - 1 - r */
    a = L(t, 0);
    b = L(t, 1);
    add_bits(a, ub, 0, rbn, 0, 1);
    zk_lc_add_i64(b, 0, D - 1);
    add_bits(b, rb, 0, rbn, 0, -1);
    zk_cs_enforce_equal(t->cs, a, b);
    /* w' = w - q */
    uint32_t wn = priv(t, wv(t, w) - q);
    a = L(t, 0);
    b = L(t, 1);
    zk_lc_add(a, wn, 1);
    zk_lc_add(b, w, 1);
    add_bits(b, qb, 0, S, 0, -1);
    zk_lc_add_i64(b, 0, (int64_t)1 << (S - 1));
    zk_cs_enforce_equal(t->cs, a, b);
    return wn;
}

static int logreg_step(tctx *t, uint32_t n_unused, uint32_t d, uint32_t log_rows, uint32_t data, uint32_t r0,
                       uint32_t r1, const uint32_t *w, uint32_t *wn, uint32_t *e, uint32_t *tmp)
{
    (void)n_unused;
    (void)tmp;
    unsigned s = t->s;
    uint32_t m = r1 - r0;
    /* The batch's products are native (circuit.h, zk_cs_matmul): the forward
     * pass X_batch (m x d) times w, and the gradient X_batch^T (d x m) times
     * e, each one sumcheck instead of m d multiplication constraints; the
     * operands are read from the linked data segment's wires. */
    uint32_t *xs = malloc((size_t)m * d * sizeof *xs), *dots = malloc((size_t)(m > d ? m : d) * sizeof *dots);
    if (!xs || !dots) {
        free(xs);
        free(dots);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (training step)");
    }
    for (uint32_t i = r0; i < r1; i++)
        for (uint32_t j = 0; j < d; j++)
            xs[(size_t)(i - r0) * d + j] = data + i + (j << log_rows);
    zk_cs_matmul(t->cs, xs, w, m, d, 1, dots);
    for (uint32_t i = r0; i < r1 && zk_cs_status(t->cs) == ZK_OK; i++) {
        uint32_t dot = dots[i - r0];
        zk_lc_clear(&t->acc);
        zk_lc_add(&t->acc, dot, 1);
        zk_lc_add_i64(&t->acc, w[d], (int64_t)1 << s);
        int64_t accv = wv(t, dot) + wv(t, w[d]) * ((int64_t)1 << s);
        e[i - r0] = sigmoid_err(t, &t->acc, accv, data + i + (d << log_rows));
    }
    for (uint32_t j = 0; j < d; j++)
        for (uint32_t i = r0; i < r1; i++)
            xs[(size_t)j * m + (i - r0)] = data + i + (j << log_rows);
    if (zk_cs_status(t->cs) == ZK_OK)
        zk_cs_matmul(t->cs, xs, e, d, m, 1, dots);
    zk_lc G;
    zk_lc_init(&G);
    for (uint32_t j = 0; j < d && zk_cs_status(t->cs) == ZK_OK; j++) {
        uint32_t g = dots[j];
        zk_lc_clear(&G);
        zk_lc_add(&G, g, 1);
        wn[j] = update(t, w[j], &G, wv(t, g), m);
    }
    free(xs);
    free(dots);
    zk_lc_clear(&G);
    int64_t gb = 0;
    for (uint32_t i = 0; i < m; i++) {
        zk_lc_add_i64(&G, e[i], (int64_t)1 << s);
        gb += wv(t, e[i]);
    }
    wn[d] = update(t, w[d], &G, gb * ((int64_t)1 << s), m);
    zk_lc_free(&G);
    return zk_cs_status(t->cs);
}

static int mlp_step(tctx *t, uint32_t d, uint32_t log_rows, uint32_t data, uint32_t r0, uint32_t r1,
                    const uint32_t *p, uint32_t *pn, uint32_t *e, uint32_t *hw, uint32_t *gw, uint32_t *tmp,
                    uint32_t *tmp2)
{
    unsigned s = t->s;
    uint32_t h = t->spec->hidden, m = r1 - r0;
    const uint32_t *W = p, *c = p + (size_t)h * d, *v = c + h, *b = v + h;
    zk_lc acc, one, out;
    zk_lc_init(&acc);
    zk_lc_init(&one);
    zk_lc_init(&out);
    zk_lc_add_const(&one, 1);
    for (uint32_t i = r0; i < r1; i++) {
        uint32_t *hi = hw + (size_t)(i - r0) * h, *gi = gw + (size_t)(i - r0) * h;
        for (uint32_t j = 0; j < d; j++)
            tmp[j] = data + i + (j << log_rows);
        for (uint32_t k = 0; k < h; k++) {
            uint32_t dot = zk_cs_dot(t->cs, tmp, W + (size_t)k * d, d);
            zk_lc_clear(&acc);
            zk_lc_add(&acc, dot, 1);
            zk_lc_add_i64(&acc, c[k], (int64_t)1 << s);
            int64_t accv = wv(t, dot) + wv(t, c[k]) * ((int64_t)1 << s), hp;
            gi[k] = rescale_signed(t, &acc, &one, accv, &out, &hp);
            /* h = g * hp */
            zk_lc *X = L(t, 0);
            zk_lc_add(X, gi[k], 1);
            hi[k] = mul_lc(t, X, &out);
        }
        uint32_t dot = zk_cs_dot(t->cs, hi, v, h);
        zk_lc_clear(&acc);
        zk_lc_add(&acc, dot, 1);
        zk_lc_add_i64(&acc, *b, (int64_t)1 << s);
        int64_t accv = wv(t, dot) + wv(t, *b) * ((int64_t)1 << s);
        e[i - r0] = sigmoid_err(t, &acc, accv, data + i + (d << log_rows));
    }
    /* backward: delta_ik = g_ik * rescale(e_i v_k); stored in tmp2 (m x h, row-major) */
    for (uint32_t i = 0; i < m; i++) {
        for (uint32_t k = 0; k < h; k++) {
            zk_lc *X = L(t, 0), *Y = L(t, 1);
            zk_lc_add(X, e[i], 1);
            zk_lc_add(Y, v[k], 1);
            int64_t dd;
            (void)rescale_signed(t, X, Y, wv(t, e[i]) * wv(t, v[k]), &out, &dd);
            X = L(t, 0);
            zk_lc_add(X, gw[(size_t)i * h + k], 1);
            tmp2[(size_t)k * m + i] = mul_lc(t, X, &out); /* column-major: delta of unit k over the batch */
        }
    }
    zk_lc G;
    zk_lc_init(&G);
    uint32_t *col = tmp; /* m entries (tmp has room for max(d, m)) */
    /* W_kj */
    for (uint32_t k = 0; k < h; k++) {
        for (uint32_t j = 0; j < d; j++) {
            for (uint32_t i = r0; i < r1; i++)
                col[i - r0] = data + i + (j << log_rows);
            uint32_t g = zk_cs_dot(t->cs, col, tmp2 + (size_t)k * m, m);
            zk_lc_clear(&G);
            zk_lc_add(&G, g, 1);
            pn[(size_t)k * d + j] = update(t, W[(size_t)k * d + j], &G, wv(t, g), m);
        }
    }
    /* c_k */
    for (uint32_t k = 0; k < h; k++) {
        zk_lc_clear(&G);
        int64_t gv = 0;
        for (uint32_t i = 0; i < m; i++) {
            uint32_t dw = tmp2[(size_t)k * m + i];
            zk_lc_add_i64(&G, dw, (int64_t)1 << s);
            gv += wv(t, dw);
        }
        pn[(size_t)h * d + k] = update(t, c[k], &G, gv * ((int64_t)1 << s), m);
    }
    /* v_k */
    for (uint32_t k = 0; k < h; k++) {
        for (uint32_t i = 0; i < m; i++)
            col[i] = hw[(size_t)i * h + k];
        uint32_t g = zk_cs_dot(t->cs, col, e, m);
        zk_lc_clear(&G);
        zk_lc_add(&G, g, 1);
        pn[(size_t)h * d + h + k] = update(t, v[k], &G, wv(t, g), m);
    }
    /* b */
    zk_lc_clear(&G);
    int64_t gb = 0;
    for (uint32_t i = 0; i < m; i++) {
        zk_lc_add_i64(&G, e[i], (int64_t)1 << s);
        gb += wv(t, e[i]);
    }
    pn[(size_t)h * d + 2 * h] = update(t, *b, &G, gb * ((int64_t)1 << s), m);
    zk_lc_free(&G);
    zk_lc_free(&acc);
    zk_lc_free(&one);
    zk_lc_free(&out);
    return zk_cs_status(t->cs);
}

int zk_train_circuit(zk_cs *cs, const zk_train_spec *s, uint32_t n, uint32_t d, uint32_t log_rows,
                     uint32_t data_wire, uint32_t epoch_begin, uint32_t epoch_end, const uint32_t *w_in,
                     uint32_t *w_out)
{
    if (zk_cs_status(cs) != ZK_OK)
        return zk_cs_status(cs);
    if (zk_train_spec_check(s) != ZK_OK)
        return ZK_ERR_INPUT;
    if (n == 0 || d == 0 || ((uint64_t)n >> log_rows) != 0)
        return zk_set_error(ZK_ERR_INPUT, "training circuit: bad shape");
    if (s->act_bits < s->scale + 6)
        return zk_set_error(ZK_ERR_INPUT, "training circuit: act_bits must be at least scale + 6");
    tctx t;
    memset(&t, 0, sizeof t);
    t.cs = cs;
    t.prover = zk_cs_is_prover(cs);
    t.s = s->scale;
    t.A = s->act_bits;
    t.spec = s;
    for (int k = 0; k < NLC; k++)
        zk_lc_init(&t.l[k]);
    zk_lc_init(&t.acc);
    uint32_t np = zk_train_n_params(s, d);
    uint32_t B = (s->batch_size == 0 || s->batch_size >= n) ? n : s->batch_size;
    uint32_t h = s->kind == ZK_TRAIN_MLP ? s->hidden : 1;
    size_t tmpn = (size_t)(B > d ? B : d) + 1;
    uint32_t *cur = malloc((size_t)np * sizeof *cur), *nxt = malloc((size_t)np * sizeof *nxt);
    uint32_t *e = malloc((size_t)B * sizeof *e), *tmp = malloc(tmpn * sizeof *tmp);
    uint32_t *hw = malloc((size_t)B * h * sizeof *hw), *gw = malloc((size_t)B * h * sizeof *gw);
    uint32_t *tmp2 = malloc((size_t)B * h * sizeof *tmp2);
    t.bits = malloc(192 * sizeof *t.bits);
    int st = ZK_OK;
    if (!cur || !nxt || !e || !tmp || !hw || !gw || !tmp2 || !t.bits) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory building the training circuit");
        goto out;
    }
    memcpy(cur, w_in, (size_t)np * sizeof *cur);
    for (uint32_t ep = epoch_begin; ep < epoch_end && st == ZK_OK; ep++) {
        for (uint32_t r0 = 0; r0 < n && st == ZK_OK; r0 += B) {
            uint32_t r1 = r0 + B > n ? n : r0 + B;
            if (s->kind == ZK_TRAIN_LOGREG)
                st = logreg_step(&t, n, d, log_rows, data_wire, r0, r1, cur, nxt, e, tmp);
            else
                st = mlp_step(&t, d, log_rows, data_wire, r0, r1, cur, nxt, e, hw, gw, tmp, tmp2);
            uint32_t *sw = cur;
            cur = nxt;
            nxt = sw;
        }
    }
    if (st == ZK_OK)
        memcpy(w_out, cur, (size_t)np * sizeof *cur);
out:
    for (int k = 0; k < NLC; k++)
        zk_lc_free(&t.l[k]);
    zk_lc_free(&t.acc);
    free(cur);
    free(nxt);
    free(e);
    free(tmp);
    free(hw);
    free(gw);
    free(tmp2);
    free(t.bits);
    return st != ZK_OK ? st : (int)zk_cs_status(cs);
}
