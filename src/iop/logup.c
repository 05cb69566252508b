/*
 * logup.c — zero-knowledge LogUp lookup argument (logup.h; protocol and
 * soundness in docs/range.md).
 *
 * Summary. Data cube: n variables, selector s_D, lookups a_i(x) = col(x) + shift.
 * Table cube: tb + 1 variables, T = [0, 2^tb) in its lower half (the upper half
 * of the committed multiplicity block is blinding). Both are lifted (by
 * repetition) to N = max(n, tb + 1) variables and stacked with a top variable
 * X_{N+1} (0: data half, 1: table half). Helper slots: slot 0 holds lookups 0
 * and 1 (if any), slot 1 lookup 2:
 *   slot with one lookup a:        h * A - 1 = 0,            A = alpha - a
 *   slot with two lookups a, a':   h * A * A' - (A + A') = 0
 * The table side needs no committed helper: sum_t m(t)/(alpha - t) uses the
 * public vector u(t) = 1/(alpha - t), whose MLE the verifier computes in
 * O(2^tb). One ZK sumcheck over N+1 variables proves, with claim 0,
 *   sum_x W(x) [P1 Q1a (Q1b) + beta P2 Q2a + R](x) + gamma sum_x Sel(x) (P1 + P2)(x) = 0
 * with W = eq(tau, .) * (s_D | 0), Sel = (s_D | -u * [t < 2^tb]), the stacked tables
 *   P1 = (h_0 | m), Q1a = (A_0 | 0), Q1b = (A_1 | 0), P2 = (h_1 | 0),
 *   Q2a = (A_2 | 0), R = (-l_0 - beta l_1 + beta^2 E | 0),
 * l_0 = A_0 + A_1 (two lookups) or 1, l_1 = 1 if slot 1 exists, E the link.
 */
#include "zkmlops/logup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "zkmlops/mle.h"
#include "zkmlops/proof.h"
#include "zkmlops/sumcheck.h"

#define PAR_MIN ((size_t)1 << 14)
#define MAX_BLOCKS 12
#define MAX_INNER_GROUPS (ZK_BOX_MAX_GROUPS + 1)
#define MAX_N (ZK_LOGUP_MAX_VARS) /* N = max(n, tb + 1) <= 24 */

/* ---------------------------------------------------------------- selectors */

/* sum_{x < k, x in {0,1}^m} prod_i w_{x_i}(i), with w0/w1 the weights of bit 0/1. */
static gl3_t prefix_weighted(uint64_t k, const gl3_t *w0, const gl3_t *w1, uint32_t m)
{
    gl3_t full = gl3_one();
    if (k >= ((uint64_t)1 << m)) {
        for (uint32_t i = 0; i < m; i++)
            full = gl3_mul(full, gl3_add(w0[i], w1[i]));
        return full;
    }
    gl3_t fulls[65];
    fulls[0] = gl3_one();
    for (uint32_t i = 0; i < m; i++)
        fulls[i + 1] = gl3_mul(fulls[i], gl3_add(w0[i], w1[i]));
    gl3_t acc = gl3_zero(), scale = gl3_one();
    for (uint32_t i = m; i-- > 0;) {
        if ((k >> i) & 1) {
            /* every x with the higher bits of k and x_i = 0 is below k */
            acc = gl3_add(acc, gl3_mul(scale, gl3_mul(w0[i], fulls[i])));
            scale = gl3_mul(scale, w1[i]);
        } else {
            scale = gl3_mul(scale, w0[i]);
        }
    }
    return acc;
}

static gl3_t box_weighted(uint32_t ng, const uint32_t *vars, const uint64_t *bound, const gl3_t *w0,
                          const gl3_t *w1)
{
    gl3_t v = gl3_one();
    uint32_t off = 0;
    for (uint32_t g = 0; g < ng; g++) {
        v = gl3_mul(v, prefix_weighted(bound[g], w0 + off, w1 + off, vars[g]));
        off += vars[g];
    }
    return v;
}

static int box_contains(uint32_t ng, const uint32_t *vars, const uint64_t *bound, uint64_t x)
{
    for (uint32_t g = 0; g < ng; g++) {
        uint64_t part = x & (((uint64_t)1 << vars[g]) - 1);
        if (part >= bound[g])
            return 0;
        x >>= vars[g];
    }
    return 1;
}

uint32_t zk_box_selector_vars(const zk_box_selector *s)
{
    ZK_CHECK_ARG(s != NULL && s->n_groups <= ZK_BOX_MAX_GROUPS);
    uint32_t n = 0;
    for (uint32_t g = 0; g < s->n_groups; g++)
        n += s->vars[g];
    return n;
}

int zk_box_selector_contains(const zk_box_selector *s, uint64_t x)
{
    ZK_CHECK_ARG(s != NULL && s->n_groups <= ZK_BOX_MAX_GROUPS);
    return box_contains(s->n_groups, s->vars, s->bound, x);
}

static void weights_mle(gl3_t *w0, gl3_t *w1, const gl3_t *r, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        w1[i] = r[i];
        w0[i] = gl3_sub(gl3_one(), r[i]);
    }
}

static void weights_eq_mle(gl3_t *w0, gl3_t *w1, const gl3_t *tau, const gl3_t *r, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        w1[i] = gl3_mul(tau[i], r[i]);
        w0[i] = gl3_mul(gl3_sub(gl3_one(), tau[i]), gl3_sub(gl3_one(), r[i]));
    }
}

gl3_t zk_box_selector_mle(const zk_box_selector *s, const gl3_t *r)
{
    uint32_t n = zk_box_selector_vars(s);
    ZK_CHECK_ARG(n <= 64 && (n == 0 || r != NULL));
    gl3_t w0[64], w1[64];
    weights_mle(w0, w1, r, n);
    return box_weighted(s->n_groups, s->vars, s->bound, w0, w1);
}

gl3_t zk_box_selector_eq_mle(const zk_box_selector *s, const gl3_t *tau, const gl3_t *r)
{
    uint32_t n = zk_box_selector_vars(s);
    ZK_CHECK_ARG(n <= 64 && (n == 0 || (r != NULL && tau != NULL)));
    gl3_t w0[64], w1[64];
    weights_eq_mle(w0, w1, tau, r, n);
    return box_weighted(s->n_groups, s->vars, s->bound, w0, w1);
}

/* ---------------------------------------------------------------- shape */

void zk_logup_shape_check(const zk_logup_shape *sh)
{
    ZK_CHECK_ARG(sh != NULL);
    ZK_CHECK_ARG(sh->n_vars >= 1 && sh->n_vars <= ZK_LOGUP_MAX_VARS);
    ZK_CHECK_ARG(sh->sel.n_groups <= ZK_BOX_MAX_GROUPS);
    for (uint32_t g = 0; g < sh->sel.n_groups; g++)
        ZK_CHECK_ARG(sh->sel.vars[g] >= 1 && sh->sel.vars[g] <= 63 &&
                     sh->sel.bound[g] <= ((uint64_t)1 << sh->sel.vars[g]));
    ZK_CHECK_ARG(zk_box_selector_vars(&sh->sel) == sh->n_vars);
    ZK_CHECK_ARG(sh->table_bits >= 1 && sh->table_bits <= ZK_LOGUP_MAX_TABLE_BITS);
    ZK_CHECK_ARG(sh->n_cols >= 1 && sh->n_cols <= ZK_LOGUP_MAX_COLS);
    ZK_CHECK_ARG(sh->n_lookups >= 1 && sh->n_lookups <= ZK_LOGUP_MAX_LOOKUPS);
    for (uint32_t i = 0; i < sh->n_lookups; i++)
        ZK_CHECK_ARG(sh->lookups[i].col < sh->n_cols && sh->lookups[i].shift < ((uint32_t)1 << sh->table_bits));
    ZK_CHECK_ARG(sh->has_link == 0 || sh->has_link == 1);
    if (sh->has_link) {
        for (uint32_t j = 0; j < sh->n_cols; j++)
            ZK_CHECK_ARG(gl_is_canonical(sh->lin_coeff[j]));
        ZK_CHECK_ARG(gl_is_canonical(sh->lin_const));
    }
}

static void absorb_shape(zk_transcript *t, const zk_logup_shape *sh)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_wbuf_u32(&w, sh->n_vars);
    zk_wbuf_u32(&w, sh->sel.n_groups);
    for (uint32_t g = 0; g < sh->sel.n_groups; g++) {
        zk_wbuf_u32(&w, sh->sel.vars[g]);
        zk_wbuf_u64(&w, sh->sel.bound[g]);
    }
    zk_wbuf_u32(&w, sh->table_bits);
    zk_wbuf_u32(&w, sh->n_cols);
    zk_wbuf_u32(&w, sh->n_lookups);
    for (uint32_t i = 0; i < sh->n_lookups; i++) {
        zk_wbuf_u32(&w, sh->lookups[i].col);
        zk_wbuf_u32(&w, sh->lookups[i].shift);
    }
    zk_wbuf_u32(&w, sh->has_link);
    if (sh->has_link) {
        zk_wbuf_gls(&w, sh->lin_coeff, sh->n_cols);
        zk_wbuf_gl(&w, sh->lin_const);
    }
    if (w.oom)
        abort(); /* a few hundred bytes */
    zk_transcript_absorb(t, "logup-shape", w.data, w.len);
    zk_wbuf_free(&w);
}

/* ---------------------------------------------------------------- layout */

/* Blocks of 2^vars[i] entries packed into one committed table, largest
 * first (stable), so each block starts at a multiple of its size. */
typedef struct {
    uint32_t n_blocks;
    uint32_t vars[MAX_BLOCKS];
    uint64_t offset[MAX_BLOCKS];
    uint32_t total_vars;
} layout;

static unsigned ceil_log2(uint64_t x)
{
    unsigned l = 0;
    while (((uint64_t)1 << l) < x)
        l++;
    return l;
}

static void layout_build(layout *L, const uint32_t *vars, uint32_t n)
{
    uint32_t order[MAX_BLOCKS];
    memset(L, 0, sizeof *L);
    L->n_blocks = n;
    for (uint32_t i = 0; i < n; i++) {
        L->vars[i] = vars[i];
        order[i] = i;
    }
    for (uint32_t i = 1; i < n; i++) /* insertion sort, descending, stable */
        for (uint32_t j = i; j > 0 && vars[order[j]] > vars[order[j - 1]]; j--) {
            uint32_t tmp = order[j];
            order[j] = order[j - 1];
            order[j - 1] = tmp;
        }
    uint64_t off = 0;
    for (uint32_t k = 0; k < n; k++) {
        L->offset[order[k]] = off;
        off += (uint64_t)1 << vars[order[k]];
    }
    L->total_vars = ceil_log2(off);
    if (L->total_vars == 0)
        L->total_vars = 1;
}

/* The point of the committed table whose value is block b's MLE at r. */
static void layout_point(const layout *L, uint32_t b, const gl3_t *r, gl3_t *pt)
{
    for (uint32_t i = 0; i < L->total_vars; i++)
        pt[i] = i < L->vars[b] ? r[i] : gl3_from_gl((L->offset[b] >> i) & 1);
}

/* ---------------------------------------------------------------- derived sizes */

typedef struct {
    uint32_t n, tb, big_n;    /* data vars, table bits, N */
    uint32_t slot_lookups[2]; /* lookups per helper slot */
    uint32_t n_slots;
    uint32_t degree;          /* sumcheck / mask degree */
    layout c1, c2;            /* c1: cols then m; c2: helper coordinates (3 per slot) */
    uint32_t mask_vars;
    /* data-side selector extended to N vars */
    uint32_t dg, dvars[MAX_INNER_GROUPS];
    uint64_t dbound[MAX_INNER_GROUPS];
} derived;

static void derive(derived *d, const zk_logup_shape *sh)
{
    memset(d, 0, sizeof *d);
    d->n = sh->n_vars;
    d->tb = sh->table_bits;
    d->big_n = d->n > d->tb + 1 ? d->n : d->tb + 1;
    d->slot_lookups[0] = sh->n_lookups >= 2 ? 2 : 1;
    d->slot_lookups[1] = sh->n_lookups == 3 ? 1 : 0;
    d->n_slots = d->slot_lookups[1] ? 2 : 1;
    d->degree = d->slot_lookups[0] == 2 ? 4 : 3;
    uint32_t v[MAX_BLOCKS], nb = 0;
    for (uint32_t j = 0; j < sh->n_cols; j++)
        v[nb++] = d->n;
    v[nb++] = d->tb + 1;
    layout_build(&d->c1, v, nb);
    nb = 0;
    for (uint32_t s = 0; s < d->n_slots; s++)
        for (int e = 0; e < 3; e++)
            v[nb++] = d->n;
    layout_build(&d->c2, v, nb);
    d->mask_vars = ceil_log2(zk_libra_coeffs_len(d->big_n + 1, d->degree));
    d->dg = sh->sel.n_groups;
    for (uint32_t g = 0; g < d->dg; g++) {
        d->dvars[g] = sh->sel.vars[g];
        d->dbound[g] = sh->sel.bound[g];
    }
    if (d->big_n > d->n) {
        d->dvars[d->dg] = d->big_n - d->n;
        d->dbound[d->dg] = 1;
        d->dg++;
    }
}

/* Block index helpers. */
static uint32_t c1_m_block(const zk_logup_shape *sh) { return sh->n_cols; }
static uint32_t c2_h_block(uint32_t slot, uint32_t e) { return 3 * slot + e; }

/* The lookup index of the k-th lookup of a slot. */
static uint32_t slot_lookup(uint32_t slot, uint32_t k) { return slot == 0 ? k : 2; }

static gl3_t ext_x(void)
{
    gl3_t x = {{0, 1, 0}};
    return x;
}

/* c0 + c1 x + c2 x^2 from three coordinate values (each in F_p^3). */
static gl3_t from_coords(const gl3_t *c)
{
    gl3_t x = ext_x(), x2 = gl3_mul(x, x);
    return gl3_add(c[0], gl3_add(gl3_mul(x, c[1]), gl3_mul(x2, c[2])));
}

/* ---------------------------------------------------------------- final check */

/* u~(r) = sum_{t < 2^tb} eq(r, t) / (alpha - t), r[0..tb): the MLE of the
 * table side's public weights, O(2^tb). Returns 0, or -1 if out of memory. */
static int table_weights_eval(gl3_t *out, gl3_t alpha, const gl3_t *r, uint32_t tb)
{
    size_t tsize = (size_t)1 << tb;
    gl3_t *eq = malloc(tsize * sizeof *eq), *den = malloc(tsize * sizeof *den);
    int rc = -1;
    if (eq && den) {
        zk_eq_table(eq, r, tb);
        for (size_t t = 0; t < tsize; t++)
            den[t] = gl3_sub(alpha, gl3_from_gl(t));
        if (gl3_batch_inv(den, den, tsize) == 0) {
            gl3_t acc = gl3_zero();
            for (size_t t = 0; t < tsize; t++)
                acc = gl3_add(acc, gl3_mul(eq[t], den[t]));
            *out = acc;
            rc = 0;
        }
    }
    free(eq);
    free(den);
    return rc;
}

typedef struct {
    gl3_t alpha, beta, gamma;
    const gl3_t *tau, *r;   /* N + 1 coordinates each */
    gl3_t col_eval[ZK_LOGUP_MAX_COLS], m_eval, h_eval[2][3];
    gl3_t foreign_eval;
} summand_in;

/* The sumcheck summand at r, from the committed blocks' evaluations.
 * Returns 0, or -1 if out of memory. */
static int summand_at(gl3_t *out, const derived *d, const zk_logup_shape *sh, const summand_in *in)
{
    uint32_t N = d->big_n;
    const gl3_t *r = in->r;
    gl3_t rb = r[N], omb = gl3_sub(gl3_one(), rb), taub = in->tau[N];
    gl3_t A[ZK_LOGUP_MAX_LOOKUPS];
    for (uint32_t i = 0; i < sh->n_lookups; i++)
        A[i] = gl3_sub(gl3_sub(in->alpha, in->col_eval[sh->lookups[i].col]),
                       gl3_from_gl(sh->lookups[i].shift));
    gl3_t h0 = from_coords(in->h_eval[0]);
    /* P1 = (h_0 | m); Q-tables, R and P2 vanish on the table half */
    gl3_t p1 = gl3_add(gl3_mul(omb, h0), gl3_mul(rb, in->m_eval));
    gl3_t prod1 = gl3_mul(omb, A[0]);
    gl3_t l0 = gl3_one(), p2 = gl3_zero(), q2a = gl3_zero(), l1 = gl3_zero();
    if (d->slot_lookups[0] == 2) {
        prod1 = gl3_mul(prod1, gl3_mul(omb, A[1]));
        l0 = gl3_add(A[0], A[1]);
    }
    if (d->n_slots == 2) {
        p2 = gl3_mul(omb, from_coords(in->h_eval[1]));
        q2a = gl3_mul(omb, A[2]);
        l1 = gl3_one();
    }
    gl3_t e = gl3_zero();
    if (sh->has_link) {
        e = gl3_add(in->foreign_eval, gl3_from_gl(sh->lin_const));
        for (uint32_t j = 0; j < sh->n_cols; j++)
            e = gl3_add(e, gl3_mul_gl(in->col_eval[j], sh->lin_coeff[j]));
    }
    gl3_t rdata = gl3_add(gl3_neg(gl3_add(l0, gl3_mul(in->beta, l1))), gl3_mul(gl3_sqr(in->beta), e));
    gl3_t rr = gl3_mul(omb, rdata);

    gl3_t w0[MAX_N + 1], w1[MAX_N + 1];
    weights_eq_mle(w0, w1, in->tau, r, N);
    gl3_t wd = box_weighted(d->dg, d->dvars, d->dbound, w0, w1);
    gl3_t W = gl3_mul(gl3_mul(gl3_sub(gl3_one(), taub), omb), wd);
    weights_mle(w0, w1, r, N);
    gl3_t sd = box_weighted(d->dg, d->dvars, d->dbound, w0, w1);
    /* table half of Sel: -u(t) [t < 2^tb], lifted with the variables above tb at 0 */
    gl3_t ut;
    if (table_weights_eval(&ut, in->alpha, r, d->tb) != 0)
        return -1;
    for (uint32_t i = d->tb; i < N; i++)
        ut = gl3_mul(ut, w0[i]);
    gl3_t sel = gl3_sub(gl3_mul(omb, sd), gl3_mul(rb, ut));

    gl3_t f = gl3_mul(W, gl3_mul(p1, prod1));
    f = gl3_add(f, gl3_mul(in->beta, gl3_mul(W, gl3_mul(p2, q2a))));
    f = gl3_add(f, gl3_mul(W, rr));
    f = gl3_add(f, gl3_mul(in->gamma, gl3_mul(sel, gl3_add(p1, p2))));
    *out = f;
    return 0;
}

/* ---------------------------------------------------------------- prover */

struct zk_logup_prover {
    zk_logup_shape sh;
    derived d;
    const gl_t *foreign;
    uint8_t *sel; /* 2^n */
    zk_whir_witness w1, w2, wm;
    zk_whir_commitment c1, c2, cm;
    int have_w1, have_w2, have_wm;
    zk_libra_mask mask;
    int stage;
    summand_in ev;
    gl3_t r[MAX_N + 1], tau[MAX_N + 1], mask_eval;
};

static void wipe_free(void *p, size_t bytes)
{
    if (p)
        OPENSSL_cleanse(p, bytes);
    free(p);
}

/* n uniform base-field elements from the OS CSPRNG (rejection sampling). */
static void random_gl(gl_t *out, size_t n)
{
    if (n == 0)
        return;
    zk_random_bytes(out, n * sizeof *out);
    for (size_t i = 0; i < n; i++)
        while (out[i] >= GL_P)
            zk_random_bytes(&out[i], sizeof out[i]);
}

void zk_logup_prover_free(zk_logup_prover *p)
{
    if (!p)
        return;
    if (p->have_w1)
        zk_whir_witness_free(&p->w1);
    if (p->have_w2)
        zk_whir_witness_free(&p->w2);
    if (p->have_wm)
        zk_whir_witness_free(&p->wm);
    zk_libra_mask_free(&p->mask);
    wipe_free(p->sel, (size_t)1 << p->sh.n_vars);
    OPENSSL_cleanse(p, sizeof *p);
    free(p);
}

static const gl_t *c1_block(const zk_logup_prover *p, uint32_t b) { return p->w1.evals + p->d.c1.offset[b]; }
static const gl_t *c2_block(const zk_logup_prover *p, uint32_t b) { return p->w2.evals + p->d.c2.offset[b]; }

static gl_t link_value(const zk_logup_shape *sh, const gl_t *foreign, const gl_t *const *cols, size_t x)
{
    gl_t e = gl_add(foreign[x], sh->lin_const);
    for (uint32_t j = 0; j < sh->n_cols; j++)
        e = gl_add(e, gl_mul(sh->lin_coeff[j], cols[j][x]));
    return e;
}

/* Refuse a false statement: every selected looked-up value in T, link holds. */
static int check_statement(const zk_logup_shape *sh, const uint8_t *sel, const gl_t *const *cols,
                           const gl_t *foreign)
{
    size_t nn = (size_t)1 << sh->n_vars;
    uint64_t tsize = (uint64_t)1 << sh->table_bits;
    for (size_t x = 0; x < nn; x++) {
        if (!sel[x])
            continue;
        for (uint32_t i = 0; i < sh->n_lookups; i++) {
            gl_t v = gl_add(cols[sh->lookups[i].col][x], sh->lookups[i].shift);
            if (v >= tsize)
                return zk_set_error(ZK_ERR_RANGE,
                                    "lookup %u at position %zu: column %u value + %u is outside [0, 2^%u)", i,
                                    x, sh->lookups[i].col, sh->lookups[i].shift, sh->table_bits);
        }
        if (sh->has_link && link_value(sh, foreign, cols, x) != 0)
            return zk_set_error(ZK_ERR_INPUT, "the linear link fails at position %zu", x);
    }
    return ZK_OK;
}

int zk_logup_prove_commit(zk_logup_prover **out, const zk_logup_shape *sh, const gl_t *const *cols,
                          const gl_t *foreign, const zk_logup_test_hooks *hooks, zk_transcript *t,
                          zk_wbuf *proof)
{
    ZK_CHECK_ARG(out != NULL && cols != NULL && t != NULL && proof != NULL);
    *out = NULL;
    zk_logup_shape_check(sh);
    for (uint32_t j = 0; j < sh->n_cols; j++)
        ZK_CHECK_ARG(cols[j] != NULL);
    ZK_CHECK_ARG(sh->has_link ? foreign != NULL : foreign == NULL);
    int skip = hooks && hooks->skip_checks;

    zk_logup_prover *p = calloc(1, sizeof *p);
    if (!p)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    p->sh = *sh;
    derive(&p->d, sh);
    p->foreign = foreign;
    size_t nn = (size_t)1 << sh->n_vars, tsize = (size_t)1 << sh->table_bits;
    int st = ZK_OK;
    gl_t *tab = NULL;
    size_t tab_len = 0;
    p->sel = malloc(nn);
    if (!p->sel) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto fail;
    }
    for (size_t x = 0; x < nn; x++)
        p->sel[x] = (uint8_t)zk_box_selector_contains(&sh->sel, x);
    if (!skip && (st = check_statement(sh, p->sel, cols, foreign)) != ZK_OK)
        goto fail;

    zk_whir_params par;
    if ((st = zk_whir_params_derive(&par, p->d.c1.total_vars, 1)) != ZK_OK) {
        st = zk_error_prefix(ZK_ERR_RANGE, "lookup instance too large");
        goto fail;
    }
    tab_len = (size_t)1 << p->d.c1.total_vars;
    tab = calloc(tab_len, sizeof *tab);
    if (!tab) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory (2^%u column table)", p->d.c1.total_vars);
        goto fail;
    }
    /* columns: selected values, fresh blinding elsewhere */
    for (uint32_t j = 0; j < sh->n_cols; j++) {
        gl_t *blk = tab + p->d.c1.offset[j];
        random_gl(blk, nn);
        for (size_t x = 0; x < nn; x++)
            if (p->sel[x])
                blk[x] = cols[j][x];
    }
    /* multiplicities in [0, 2^tb), blinding in [2^tb, 2^(tb+1)) */
    gl_t *mb = tab + p->d.c1.offset[c1_m_block(sh)];
    random_gl(mb + tsize, tsize);
    if (hooks && hooks->forced_m) {
        memcpy(mb, hooks->forced_m, tsize * sizeof *mb);
    } else {
        memset(mb, 0, tsize * sizeof *mb);
        for (size_t x = 0; x < nn; x++) {
            if (!p->sel[x])
                continue;
            for (uint32_t i = 0; i < sh->n_lookups; i++) {
                gl_t v = gl_add(cols[sh->lookups[i].col][x], sh->lookups[i].shift);
                if (v < tsize)
                    mb[v] = gl_add(mb[v], 1);
            }
        }
    }
    if ((st = zk_whir_commit(&par, tab, NULL, &p->c1, &p->w1)) != ZK_OK)
        goto fail;
    p->have_w1 = 1;
    wipe_free(tab, tab_len * sizeof *tab);
    tab = NULL;

    absorb_shape(t, sh);
    zk_whir_commitment_absorb(t, &p->c1);
    size_t s = zk_proof_section_begin(proof, ZK_LOGUP_SEC_COLUMNS);
    zk_whir_commitment_write(proof, &p->c1);
    zk_proof_section_end(proof, s);
    p->stage = 1;
    *out = p;
    return ZK_OK;
fail:
    wipe_free(tab, tab_len * sizeof *tab);
    zk_logup_prover_free(p);
    return st;
}

/* Helper column of one slot at the data positions: h(x) = sum_k 1/(alpha - a_k(x))
 * at selected x, uniform elsewhere; written as three coordinate blocks. */
static int build_helper(zk_logup_prover *p, uint32_t slot, gl_t *tab)
{
    const zk_logup_shape *sh = &p->sh;
    size_t nn = (size_t)1 << sh->n_vars;
    uint32_t nl = p->d.slot_lookups[slot];
    gl3_t *den = malloc(nn * nl * sizeof *den);
    if (!den)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (uint32_t k = 0; k < nl; k++) {
        const zk_lookup *lk = &sh->lookups[slot_lookup(slot, k)];
        const gl_t *col = c1_block(p, lk->col);
        for (size_t x = 0; x < nn; x++)
            den[k * nn + x] = p->sel[x] ? gl3_sub(p->ev.alpha, gl3_from_gl(gl_add(col[x], lk->shift))) : gl3_one();
    }
    if (gl3_batch_inv(den, den, nn * nl) != 0) {
        free(den);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    gl_t *blk[3];
    for (uint32_t e = 0; e < 3; e++) {
        blk[e] = tab + p->d.c2.offset[c2_h_block(slot, e)];
        random_gl(blk[e], nn);
    }
    for (size_t x = 0; x < nn; x++) {
        if (!p->sel[x])
            continue;
        gl3_t h = den[x];
        if (nl == 2)
            h = gl3_add(h, den[nn + x]);
        for (uint32_t e = 0; e < 3; e++)
            blk[e][x] = h.c[e];
    }
    wipe_free(den, nn * nl * sizeof *den);
    return ZK_OK;
}

static gl3_t helper_at(const zk_logup_prover *p, uint32_t slot, size_t x)
{
    gl3_t h;
    for (uint32_t e = 0; e < 3; e++)
        h.c[e] = c2_block(p, c2_h_block(slot, e))[x];
    return h;
}

enum { T_W, T_SEL, T_R, T_P1, T_Q1A, T_Q1B, T_P2, T_Q2A, T_COUNT };

/* The stacked sumcheck tables (2^(N+1) extension entries each). */
typedef struct {
    gl3_t *ext[T_COUNT];
    size_t len;
} sc_tables;

static void sc_tables_free(sc_tables *T)
{
    for (int i = 0; i < T_COUNT; i++)
        wipe_free(T->ext[i], T->len * sizeof(gl3_t));
    memset(T, 0, sizeof *T);
}

static int sc_tables_build(sc_tables *T, const zk_logup_prover *p)
{
    const zk_logup_shape *sh = &p->sh;
    const derived *d = &p->d;
    uint32_t N = d->big_n;
    size_t half = (size_t)1 << N, nmask = ((size_t)1 << d->n) - 1, tmask = ((size_t)2 << d->tb) - 1;
    size_t tsize = (size_t)1 << d->tb;
    memset(T, 0, sizeof *T);
    T->len = 2 * half;
    int need[T_COUNT] = {1, 1, 1, 1, 1, d->slot_lookups[0] == 2, d->n_slots == 2, d->n_slots == 2};
    gl3_t *u = malloc(tsize * sizeof *u);
    if (!u)
        goto oom;
    for (int i = 0; i < T_COUNT; i++)
        if (need[i] && !(T->ext[i] = malloc(T->len * sizeof(gl3_t))))
            goto oom;
    gl3_t alpha = p->ev.alpha, beta = p->ev.beta, beta2 = gl3_sqr(beta);
    for (size_t t = 0; t < tsize; t++)
        u[t] = gl3_sub(alpha, gl3_from_gl(t));
    if (gl3_batch_inv(u, u, tsize) != 0)
        goto oom;
    zk_eq_table(T->ext[T_W], p->tau, N + 1);
    const gl_t *col[ZK_LOGUP_MAX_COLS];
    for (uint32_t j = 0; j < sh->n_cols; j++)
        col[j] = c1_block(p, j);
    const gl_t *m = c1_block(p, c1_m_block(sh));
    const zk_lookup *lk = sh->lookups;

#pragma omp parallel for schedule(static) if (half >= PAR_MIN)
    for (size_t x = 0; x < half; x++) {
        /* data half: lifted data-cube tables, selector s_D (0 above 2^n) */
        size_t xd = x & nmask;
        int s = x <= nmask && p->sel[x];
        if (!s)
            T->ext[T_W][x] = gl3_zero();
        T->ext[T_SEL][x] = s ? gl3_one() : gl3_zero();
        gl3_t a[ZK_LOGUP_MAX_LOOKUPS];
        for (uint32_t i = 0; i < sh->n_lookups; i++)
            a[i] = gl3_sub(alpha, gl3_from_gl(gl_add(col[lk[i].col][xd], lk[i].shift)));
        T->ext[T_P1][x] = helper_at(p, 0, xd);
        T->ext[T_Q1A][x] = a[0];
        gl3_t l0 = gl3_one(), l1 = gl3_zero();
        if (need[T_Q1B]) {
            T->ext[T_Q1B][x] = a[1];
            l0 = gl3_add(a[0], a[1]);
        }
        if (need[T_P2]) {
            T->ext[T_P2][x] = helper_at(p, 1, xd);
            T->ext[T_Q2A][x] = a[2];
            l1 = gl3_one();
        }
        gl3_t e = gl3_zero();
        if (sh->has_link)
            e = gl3_from_gl(link_value(sh, p->foreign, col, xd));
        T->ext[T_R][x] = gl3_sub(gl3_mul(beta2, e), gl3_add(l0, gl3_mul(beta, l1)));
        /* table half: P1 = m (lifted from tb + 1 vars), Sel = -u on t < 2^tb, the rest 0 */
        size_t y = half + x;
        T->ext[T_W][y] = gl3_zero();
        T->ext[T_SEL][y] = x < tsize ? gl3_neg(u[x]) : gl3_zero();
        T->ext[T_P1][y] = gl3_from_gl(m[x & tmask]);
        T->ext[T_Q1A][y] = gl3_zero();
        if (need[T_Q1B])
            T->ext[T_Q1B][y] = gl3_zero();
        if (need[T_P2]) {
            T->ext[T_P2][y] = gl3_zero();
            T->ext[T_Q2A][y] = gl3_zero();
        }
        T->ext[T_R][y] = gl3_zero();
    }
    free(u);
    return ZK_OK;
oom:
    free(u);
    sc_tables_free(T);
    return zk_set_error(ZK_ERR_NOMEM, "out of memory (lookup sumcheck tables, 2^%u entries)", N + 1);
}

static void sc_instance(zk_sc_instance *inst, const sc_tables *T, const derived *d, gl3_t beta, gl3_t gamma)
{
    memset(inst, 0, sizeof *inst);
    inst->n_vars = d->big_n + 1;
    int idx[T_COUNT];
    size_t nt = 0;
    for (int i = 0; i < T_COUNT; i++) {
        idx[i] = -1;
        if (T->ext[i]) {
            idx[i] = (int)nt;
            inst->ext[nt++] = T->ext[i];
        }
    }
    inst->n_tables = nt;
    zk_sc_term *tm = inst->terms;
    size_t k = 0;
    tm[k].coeff = gl3_one();
    tm[k].n_factors = 3;
    tm[k].factor[0] = (unsigned)idx[T_W];
    tm[k].factor[1] = (unsigned)idx[T_P1];
    tm[k].factor[2] = (unsigned)idx[T_Q1A];
    if (idx[T_Q1B] >= 0)
        tm[k].factor[tm[k].n_factors++] = (unsigned)idx[T_Q1B];
    k++;
    if (idx[T_P2] >= 0) {
        tm[k].coeff = beta;
        tm[k].n_factors = 3;
        tm[k].factor[0] = (unsigned)idx[T_W];
        tm[k].factor[1] = (unsigned)idx[T_P2];
        tm[k].factor[2] = (unsigned)idx[T_Q2A];
        k++;
    }
    tm[k].coeff = gl3_one();
    tm[k].n_factors = 2;
    tm[k].factor[0] = (unsigned)idx[T_W];
    tm[k].factor[1] = (unsigned)idx[T_R];
    k++;
    tm[k].coeff = gamma;
    tm[k].n_factors = 2;
    tm[k].factor[0] = (unsigned)idx[T_SEL];
    tm[k].factor[1] = (unsigned)idx[T_P1];
    k++;
    if (idx[T_P2] >= 0) {
        tm[k].coeff = gamma;
        tm[k].n_factors = 2;
        tm[k].factor[0] = (unsigned)idx[T_SEL];
        tm[k].factor[1] = (unsigned)idx[T_P2];
        k++;
    }
    inst->n_terms = k;
    (void)d;
}

/* Evaluations of the committed blocks at r (in the order of the EVALS section). */
static size_t evals_pack(gl3_t *out, const derived *d, const zk_logup_shape *sh, const summand_in *ev,
                         gl3_t mask_eval)
{
    size_t k = 0;
    for (uint32_t j = 0; j < sh->n_cols; j++)
        out[k++] = ev->col_eval[j];
    out[k++] = ev->m_eval;
    for (uint32_t s = 0; s < d->n_slots; s++)
        for (int e = 0; e < 3; e++)
            out[k++] = ev->h_eval[s][e];
    out[k++] = mask_eval;
    return k;
}

static int commit_table(const gl_t *tab, uint32_t vars, zk_whir_commitment *c, zk_whir_witness *w)
{
    zk_whir_params par;
    int st = zk_whir_params_derive(&par, vars, 1);
    if (st != ZK_OK)
        return zk_error_prefix(ZK_ERR_RANGE, "lookup instance too large");
    return zk_whir_commit(&par, tab, NULL, c, w);
}

int zk_logup_prove_sumcheck(zk_logup_prover *p, zk_transcript *t, zk_wbuf *proof, gl3_t *r_data)
{
    ZK_CHECK_ARG(p != NULL && t != NULL && proof != NULL && r_data != NULL && p->stage == 1);
    const zk_logup_shape *sh = &p->sh;
    const derived *d = &p->d;
    uint32_t N = d->big_n;
    int st = ZK_OK;
    gl_t *tab = NULL, *mtab = NULL;
    size_t tab_len = 0, mtab_len = 0;
    sc_tables T;
    memset(&T, 0, sizeof T);

    p->ev.alpha = zk_transcript_challenge_gl3(t, "logup-alpha");
    if (p->ev.alpha.c[1] == 0 && p->ev.alpha.c[2] == 0)
        return zk_set_error(ZK_ERR_INPUT, "alpha fell in the base field (probability 2^-128); retry");

    /* C2: helper coordinates and g */
    tab_len = (size_t)1 << d->c2.total_vars;
    if (!(tab = calloc(tab_len, sizeof *tab)))
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (2^%u helper table)", d->c2.total_vars);
    for (uint32_t s = 0; s < d->n_slots && st == ZK_OK; s++)
        st = build_helper(p, s, tab);
    if (st == ZK_OK && (st = commit_table(tab, d->c2.total_vars, &p->c2, &p->w2)) == ZK_OK)
        p->have_w2 = 1;
    wipe_free(tab, tab_len * sizeof *tab);
    if (st != ZK_OK)
        return st;

    /* Libra mask */
    if (zk_libra_mask_init(&p->mask, N + 1, d->degree) != ZK_OK)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (mask)");
    mtab_len = (size_t)1 << d->mask_vars;
    if (!(mtab = calloc(mtab_len, sizeof *mtab)))
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (mask)");
    memcpy(mtab, p->mask.coeffs, zk_libra_mask_len(&p->mask) * sizeof *mtab);
    st = commit_table(mtab, d->mask_vars, &p->cm, &p->wm);
    wipe_free(mtab, mtab_len * sizeof *mtab);
    if (st != ZK_OK)
        return st;
    p->have_wm = 1;

    zk_whir_commitment_absorb(t, &p->c2);
    zk_whir_commitment_absorb(t, &p->cm);
    size_t s = zk_proof_section_begin(proof, ZK_LOGUP_SEC_HELPERS);
    zk_whir_commitment_write(proof, &p->c2);
    zk_whir_commitment_write(proof, &p->cm);
    zk_proof_section_end(proof, s);

    p->ev.beta = zk_transcript_challenge_gl3(t, "logup-beta");
    zk_transcript_challenge_gl3s(t, "logup-tau", p->tau, N + 1);
    p->ev.gamma = zk_transcript_challenge_gl3(t, "logup-gamma");

    if ((st = sc_tables_build(&T, p)) != ZK_OK)
        return st;
    zk_sc_instance inst;
    sc_instance(&inst, &T, d, p->ev.beta, p->ev.gamma);
    gl3_t evals[ZK_SC_MAX_TABLES];
    s = zk_proof_section_begin(proof, ZK_LOGUP_SEC_SUMCHECK);
    st = zk_sumcheck_prove_zk(&inst, gl3_zero(), &p->mask, t, proof, p->r, evals, &p->mask_eval);
    zk_proof_section_end(proof, s);
    if (st != ZK_OK) {
        sc_tables_free(&T);
        return st;
    }
    gl3_t direct = zk_sc_combine(&inst, evals);
    sc_tables_free(&T);

    /* block evaluations */
    for (uint32_t j = 0; j < sh->n_cols; j++)
        p->ev.col_eval[j] = zk_mle_eval_gl(c1_block(p, j), d->n, p->r);
    p->ev.m_eval = zk_mle_eval_gl(c1_block(p, c1_m_block(sh)), d->tb + 1, p->r);
    for (uint32_t sl = 0; sl < d->n_slots; sl++)
        for (uint32_t e = 0; e < 3; e++)
            p->ev.h_eval[sl][e] = zk_mle_eval_gl(c2_block(p, c2_h_block(sl, e)), d->n, p->r);
    if (sh->has_link)
        p->ev.foreign_eval = zk_mle_eval_gl(p->foreign, d->n, p->r);
    p->ev.tau = p->tau;
    p->ev.r = p->r;
    /* internal invariant: the stacked tables are the lifts of the committed blocks */
    gl3_t expect;
    if (summand_at(&expect, d, sh, &p->ev) != 0)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (!gl3_eq(direct, expect))
        return zk_set_error(ZK_ERR_INPUT, "internal error: lookup tables inconsistent with their blocks");

    gl3_t packed[ZK_LOGUP_MAX_COLS + 1 + 6 + 1];
    size_t np = evals_pack(packed, d, sh, &p->ev, p->mask_eval);
    s = zk_proof_section_begin(proof, ZK_LOGUP_SEC_EVALS);
    zk_wbuf_gl3s(proof, packed, np);
    zk_proof_section_end(proof, s);
    zk_transcript_absorb_gl3(t, "logup-evals", packed, np);
    memcpy(r_data, p->r, d->n * sizeof *r_data);
    p->stage = 2;
    return proof->oom ? zk_set_error(ZK_ERR_NOMEM, "out of memory writing the proof") : ZK_OK;
}

/* Point claims for C1 (columns, m) or C2 (helper coordinates, g). */
static size_t c1_claims(zk_whir_claim *c, gl3_t (*pts)[ZK_WHIR_MAX_VARS], const derived *d,
                        const zk_logup_shape *sh, const gl3_t *r, const gl3_t *col_eval, gl3_t m_eval)
{
    size_t k = 0;
    for (uint32_t j = 0; j <= sh->n_cols; j++, k++) {
        layout_point(&d->c1, j, r, pts[k]);
        c[k].kind = ZK_CLAIM_POINT;
        c[k].point = pts[k];
        c[k].weights = NULL;
        c[k].value = j < sh->n_cols ? col_eval[j] : m_eval;
    }
    return k;
}

static size_t c2_claims(zk_whir_claim *c, gl3_t (*pts)[ZK_WHIR_MAX_VARS], const derived *d, const gl3_t *r,
                        const gl3_t (*h_eval)[3])
{
    size_t k = 0;
    for (uint32_t b = 0; b < d->c2.n_blocks; b++, k++) {
        layout_point(&d->c2, b, r, pts[k]);
        c[k].kind = ZK_CLAIM_POINT;
        c[k].point = pts[k];
        c[k].weights = NULL;
        c[k].value = h_eval[b / 3][b % 3];
    }
    return k;
}

int zk_logup_prove_open(zk_logup_prover *p, zk_transcript *t, zk_wbuf *proof)
{
    ZK_CHECK_ARG(p != NULL && t != NULL && proof != NULL && p->stage == 2);
    const derived *d = &p->d;
    zk_whir_claim c[MAX_BLOCKS];
    gl3_t pts[MAX_BLOCKS][ZK_WHIR_MAX_VARS];
    size_t k = c1_claims(c, pts, d, &p->sh, p->r, p->ev.col_eval, p->ev.m_eval);
    size_t s = zk_proof_section_begin(proof, ZK_LOGUP_SEC_OPEN_COLUMNS);
    int st = zk_whir_open(&p->w1, &p->c1, c, k, t, proof);
    zk_proof_section_end(proof, s);
    if (st != ZK_OK)
        return st;
    k = c2_claims(c, pts, d, p->r, (const gl3_t(*)[3])p->ev.h_eval);
    s = zk_proof_section_begin(proof, ZK_LOGUP_SEC_OPEN_HELPERS);
    st = zk_whir_open(&p->w2, &p->c2, c, k, t, proof);
    zk_proof_section_end(proof, s);
    if (st != ZK_OK)
        return st;
    size_t wl = (size_t)1 << d->mask_vars;
    gl3_t *lw = calloc(wl, sizeof *lw);
    if (!lw)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    zk_libra_linear_form(lw, d->big_n + 1, d->degree, p->r);
    c[0].kind = ZK_CLAIM_LINEAR;
    c[0].point = NULL;
    c[0].weights = lw;
    c[0].value = p->mask_eval;
    s = zk_proof_section_begin(proof, ZK_LOGUP_SEC_OPEN_MASK);
    st = zk_whir_open(&p->wm, &p->cm, c, 1, t, proof);
    zk_proof_section_end(proof, s);
    free(lw);
    if (st != ZK_OK)
        return st;
    p->stage = 3;
    return proof->oom ? zk_set_error(ZK_ERR_NOMEM, "out of memory writing the proof") : ZK_OK;
}

/* ---------------------------------------------------------------- verifier */

static int read_commitment(zk_rbuf *sub, zk_whir_commitment *c, uint32_t vars, const char *what)
{
    if (zk_whir_commitment_read(sub, c) != ZK_OK)
    {
        char pre[96];
        snprintf(pre, sizeof pre, "%s commitment is malformed", what);
        return zk_error_prefix(ZK_ERR_REJECT, pre);
    }
    zk_whir_params expect;
    if (zk_whir_params_derive(&expect, vars, 1) != ZK_OK || !zk_whir_params_equal(&expect, &c->params))
        return zk_set_error(ZK_ERR_REJECT, "%s commitment does not use the standard hiding parameters for "
                                           "2^%u entries", what, vars);
    return ZK_OK;
}

int zk_logup_verify_commit(zk_logup_verifier *v, const zk_logup_shape *sh, zk_transcript *t, zk_rbuf *proof)
{
    ZK_CHECK_ARG(v != NULL && t != NULL && proof != NULL);
    zk_logup_shape_check(sh);
    memset(v, 0, sizeof *v);
    v->shape = *sh;
    derived d;
    derive(&d, sh);
    v->big_n = d.big_n;
    zk_rbuf sub;
    int st = zk_proof_section_read(proof, ZK_LOGUP_SEC_COLUMNS, "lookup columns commitment", &sub);
    if (st != ZK_OK)
        return st;
    if ((st = read_commitment(&sub, &v->c1, d.c1.total_vars, "lookup columns")) != ZK_OK)
        return st;
    if ((st = zk_proof_section_done(&sub, "lookup columns commitment")) != ZK_OK)
        return st;
    absorb_shape(t, sh);
    zk_whir_commitment_absorb(t, &v->c1);
    v->stage = 1;
    return ZK_OK;
}

int zk_logup_verify_sumcheck(zk_logup_verifier *v, zk_transcript *t, zk_rbuf *proof, gl3_t *r_data)
{
    ZK_CHECK_ARG(v != NULL && t != NULL && proof != NULL && r_data != NULL && v->stage == 1);
    derived d;
    derive(&d, &v->shape);
    uint32_t N = d.big_n;
    v->alpha = zk_transcript_challenge_gl3(t, "logup-alpha");
    if (v->alpha.c[1] == 0 && v->alpha.c[2] == 0)
        return zk_set_error(ZK_ERR_REJECT, "alpha in the base field");
    zk_rbuf sub;
    int st = zk_proof_section_read(proof, ZK_LOGUP_SEC_HELPERS, "lookup helper commitments", &sub);
    if (st != ZK_OK)
        return st;
    if ((st = read_commitment(&sub, &v->c2, d.c2.total_vars, "lookup helper")) != ZK_OK ||
        (st = read_commitment(&sub, &v->mask, d.mask_vars, "lookup mask")) != ZK_OK ||
        (st = zk_proof_section_done(&sub, "lookup helper commitments")) != ZK_OK)
        return st;
    zk_whir_commitment_absorb(t, &v->c2);
    zk_whir_commitment_absorb(t, &v->mask);
    v->beta = zk_transcript_challenge_gl3(t, "logup-beta");
    zk_transcript_challenge_gl3s(t, "logup-tau", v->tau, N + 1);
    v->gamma = zk_transcript_challenge_gl3(t, "logup-gamma");

    if ((st = zk_proof_section_read(proof, ZK_LOGUP_SEC_SUMCHECK, "lookup sumcheck", &sub)) != ZK_OK)
        return st;
    if (zk_sumcheck_verify_zk(N + 1, d.degree, gl3_zero(), t, &sub, v->r, &v->final_claim, &v->rho) != ZK_OK)
        return zk_error_prefix(ZK_ERR_REJECT, "lookup sumcheck rejected");
    if ((st = zk_proof_section_done(&sub, "lookup sumcheck")) != ZK_OK)
        return st;

    if ((st = zk_proof_section_read(proof, ZK_LOGUP_SEC_EVALS, "lookup evaluations", &sub)) != ZK_OK)
        return st;
    gl3_t packed[ZK_LOGUP_MAX_COLS + 1 + 6 + 1];
    size_t np = v->shape.n_cols + 1 + 3 * d.n_slots + 1;
    zk_rbuf_gl3s(&sub, packed, np);
    if (sub.err)
        return zk_set_error(ZK_ERR_REJECT, "lookup evaluations: %s", sub.what);
    if ((st = zk_proof_section_done(&sub, "lookup evaluations")) != ZK_OK)
        return st;
    zk_transcript_absorb_gl3(t, "logup-evals", packed, np);
    size_t k = 0;
    for (uint32_t j = 0; j < v->shape.n_cols; j++)
        v->col_eval[j] = packed[k++];
    v->m_eval = packed[k++];
    for (uint32_t s = 0; s < d.n_slots; s++)
        for (int e = 0; e < 3; e++)
            v->h_eval[s][e] = packed[k++];
    v->mask_eval = packed[k++];
    memcpy(r_data, v->r, d.n * sizeof *r_data);
    v->stage = 2;
    return ZK_OK;
}

int zk_logup_verify_final(zk_logup_verifier *v, gl3_t foreign_eval)
{
    ZK_CHECK_ARG(v != NULL && v->stage == 2);
    derived d;
    derive(&d, &v->shape);
    summand_in in;
    memset(&in, 0, sizeof in);
    in.alpha = v->alpha;
    in.beta = v->beta;
    in.gamma = v->gamma;
    in.tau = v->tau;
    in.r = v->r;
    memcpy(in.col_eval, v->col_eval, sizeof in.col_eval);
    in.m_eval = v->m_eval;
    memcpy(in.h_eval, v->h_eval, sizeof in.h_eval);
    in.foreign_eval = foreign_eval;
    gl3_t expect;
    if (summand_at(&expect, &d, &v->shape, &in) != 0)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    expect = gl3_add(expect, gl3_mul(v->rho, v->mask_eval));
    if (!gl3_eq(expect, v->final_claim))
        return zk_set_error(ZK_ERR_REJECT, "lookup sumcheck final check failed: a looked-up value is "
                                           "outside the table or the link does not hold");
    v->stage = 3;
    return ZK_OK;
}

int zk_logup_verify_open(zk_logup_verifier *v, zk_transcript *t, zk_rbuf *proof)
{
    ZK_CHECK_ARG(v != NULL && t != NULL && proof != NULL && v->stage == 3);
    derived d;
    derive(&d, &v->shape);
    zk_whir_claim c[MAX_BLOCKS];
    gl3_t pts[MAX_BLOCKS][ZK_WHIR_MAX_VARS];
    zk_rbuf sub;
    size_t k = c1_claims(c, pts, &d, &v->shape, v->r, v->col_eval, v->m_eval);
    int st = zk_proof_section_read(proof, ZK_LOGUP_SEC_OPEN_COLUMNS, "lookup columns opening", &sub);
    if (st != ZK_OK)
        return st;
    if (zk_whir_verify(&v->c1, c, k, t, &sub) != ZK_OK)
        return zk_error_prefix(ZK_ERR_REJECT, "lookup columns opening rejected");
    if ((st = zk_proof_section_done(&sub, "lookup columns opening")) != ZK_OK)
        return st;
    k = c2_claims(c, pts, &d, v->r, (const gl3_t(*)[3])v->h_eval);
    if ((st = zk_proof_section_read(proof, ZK_LOGUP_SEC_OPEN_HELPERS, "lookup helper opening", &sub)) != ZK_OK)
        return st;
    if (zk_whir_verify(&v->c2, c, k, t, &sub) != ZK_OK)
        return zk_error_prefix(ZK_ERR_REJECT, "lookup helper opening rejected");
    if ((st = zk_proof_section_done(&sub, "lookup helper opening")) != ZK_OK)
        return st;
    size_t wl = (size_t)1 << d.mask_vars;
    gl3_t *lw = calloc(wl, sizeof *lw);
    if (!lw)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    zk_libra_linear_form(lw, d.big_n + 1, d.degree, v->r);
    c[0].kind = ZK_CLAIM_LINEAR;
    c[0].point = NULL;
    c[0].weights = lw;
    c[0].value = v->mask_eval;
    st = zk_proof_section_read(proof, ZK_LOGUP_SEC_OPEN_MASK, "lookup mask opening", &sub);
    if (st == ZK_OK && zk_whir_verify(&v->mask, c, 1, t, &sub) != ZK_OK)
        st = zk_error_prefix(ZK_ERR_REJECT, "lookup mask opening rejected");
    if (st == ZK_OK)
        st = zk_proof_section_done(&sub, "lookup mask opening");
    free(lw);
    if (st == ZK_OK)
        v->stage = 4;
    return st;
}

double zk_logup_soundness_bits(const zk_logup_shape *sh)
{
    zk_logup_shape_check(sh);
    derived d;
    derive(&d, sh);
    double field_bits = 3.0 * log2((double)GL_P);
    /* lookup identity at alpha: (#lookups + |T|) / |F|, #lookups <= n_lookups 2^n;
     * zerocheck at tau: (N+1)/|F|; batching with beta (degree 2) and gamma: 3/|F|;
     * sumcheck: (N+1) * degree / |F|; Libra rho: 1/|F|. */
    double err = (double)sh->n_lookups * ldexp(1.0, (int)sh->n_vars) + ldexp(1.0, (int)sh->table_bits) +
                 (double)(d.big_n + 1) * (1.0 + d.degree) + 4.0;
    return field_bits - log2(err);
}
