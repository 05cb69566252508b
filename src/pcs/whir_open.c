/*
 * whir_open.c — the WHIR prover (eprint 2024/1586, Construction 5.1, with
 * several weighted claims combined by powers of gamma), and the zero-knowledge
 * opening of a hiding commitment (mask M, h = M + c f'; docs/whir.md).
 *
 * Proof layout, transcript order and the verifier's checks: docs/whir.md and
 * whir_verify.c (which mirrors this file step by step).
 */
#include <stdlib.h>
#include <string.h>

#include "pcs/whir_internal.h"
#include "zkmlops/merkle.h"
#include "zkmlops/mle.h"
#include "zkmlops/ntt.h"
#include "zkmlops/status.h"

#define PAR_MIN (1u << 13)

static void wipe_free(void *p, size_t bytes)
{
    if (p)
        explicit_bzero(p, bytes);
    free(p);
}

/* ---- weight table updates ----
 * W[b] += sum_q coeff_q eq(pt_q, b) for b < 2^v, for a batch of points given
 * either in the extension (pts3) or in the base field (ptsb), q-th point at
 * offset q*v. eq splits as eq(pt_lo, b_lo) * eq(pt_hi, b_hi) with b_lo the low
 * `lo` bits: per point a 2^lo table and a 2^(v-lo) table (scaled by coeff), then
 * one parallel pass over W (rows of 2^lo entries stay in cache for all points).
 * Returns 0 or -1 (out of memory). */
#define EQ_LO 10

static void eq_table_gl3(gl3_t *out, const gl3_t *pt, size_t v, gl3_t start)
{
    out[0] = start;
    for (size_t i = 0; i < v; i++) {
        size_t len = (size_t)1 << i;
        for (size_t b = 0; b < len; b++) {
            gl3_t hi = gl3_mul(out[b], pt[i]);
            out[b + len] = hi;
            out[b] = gl3_sub(out[b], hi);
        }
    }
}

static void eq_table_gl(gl_t *out, const gl_t *pt, size_t v)
{
    out[0] = 1;
    for (size_t i = 0; i < v; i++) {
        size_t len = (size_t)1 << i;
        for (size_t b = 0; b < len; b++) {
            gl_t hi = gl_mul(out[b], pt[i]);
            out[b + len] = hi;
            out[b] = gl_sub(out[b], hi);
        }
    }
}

static int w_acc_eq(gl3_t *W, size_t v, size_t nq, const gl3_t *pts3, const gl_t *ptsb, const gl3_t *coeffs)
{
    if (nq == 0)
        return 0;
    size_t lo = v < EQ_LO ? v : EQ_LO, hi = v - lo;
    size_t nlo = (size_t)1 << lo, nhi = (size_t)1 << hi;
    gl3_t *H = malloc(nq * nhi * sizeof *H);
    gl3_t *L3 = pts3 ? malloc(nq * nlo * sizeof *L3) : NULL;
    gl_t *Lb = pts3 ? NULL : malloc(nq * nlo * sizeof *Lb);
    if (!H || (!L3 && !Lb)) {
        free(H);
        free(L3);
        free(Lb);
        return -1;
    }
#pragma omp parallel for schedule(dynamic, 4) if (nq * (nlo + nhi) >= PAR_MIN)
    for (size_t q = 0; q < nq; q++) {
        if (pts3) {
            eq_table_gl3(L3 + q * nlo, pts3 + q * v, lo, gl3_one());
            eq_table_gl3(H + q * nhi, pts3 + q * v + lo, hi, coeffs[q]);
        } else {
            gl3_t hpt[ZK_WHIR_MAX_VARS + 2];
            for (size_t i = 0; i < hi; i++)
                hpt[i] = gl3_from_gl(ptsb[q * v + lo + i]);
            eq_table_gl(Lb + q * nlo, ptsb + q * v, lo);
            eq_table_gl3(H + q * nhi, hpt, hi, coeffs[q]);
        }
    }
#pragma omp parallel for schedule(static) if (nhi > 1 && nq * nlo * nhi >= PAR_MIN)
    for (size_t bh = 0; bh < nhi; bh++) {
        gl3_t *Wr = W + bh * nlo;
        for (size_t q = 0; q < nq; q++) {
            gl3_t e = H[q * nhi + bh];
            if (pts3) {
                const gl3_t *Lq = L3 + q * nlo;
                for (size_t bl = 0; bl < nlo; bl++)
                    Wr[bl] = gl3_add(Wr[bl], gl3_mul(e, Lq[bl]));
            } else {
                const gl_t *Lq = Lb + q * nlo;
                for (size_t bl = 0; bl < nlo; bl++)
                    Wr[bl] = gl3_add(Wr[bl], gl3_mul_gl(e, Lq[bl]));
            }
        }
    }
    free(H);
    free(L3);
    free(Lb);
    return 0;
}

/* ---- univariate evaluation of one extension polynomial at several points in
 * one pass (chunked Horner, OpenMP): out[q] = sum_b c_b zs[q]^b, nz <= 8 ---- */
#define HCHUNK ((size_t)1 << 14)

static void uni_eval_multi_gl3(gl3_t *out, const gl3_t *c, size_t n, const gl3_t *zs, size_t nz)
{
    size_t nch = (n + HCHUNK - 1) / HCHUNK;
    gl3_t *part = malloc(nch * nz * sizeof *part);
    if (!part || nz > 8) {
        free(part);
        for (size_t q = 0; q < nz; q++)
            out[q] = zk_whir_uni_eval_gl3(c, n, zs[q]);
        return;
    }
#pragma omp parallel for schedule(static) if (nch > 1)
    for (size_t ch = 0; ch < nch; ch++) {
        size_t lo = ch * HCHUNK, hi = lo + HCHUNK < n ? lo + HCHUNK : n;
        gl3_t acc[8];
        for (size_t q = 0; q < nz; q++)
            acc[q] = gl3_zero();
        for (size_t i = hi; i-- > lo;)
            for (size_t q = 0; q < nz; q++)
                acc[q] = gl3_add(gl3_mul(acc[q], zs[q]), c[i]);
        for (size_t q = 0; q < nz; q++)
            part[ch * nz + q] = acc[q];
    }
    for (size_t q = 0; q < nz; q++) {
        gl3_t zc = gl3_pow(zs[q], HCHUNK), tot = gl3_zero();
        for (size_t ch = nch; ch-- > 0;)
            tot = gl3_add(gl3_mul(tot, zc), part[ch * nz + q]);
        out[q] = tot;
    }
    free(part);
}

/* ---- eq-weighted dot products: sum_{b < 2^v} eq(z, b) T[b] (one parallel pass) ---- */

static gl3_t eq_dot(const gl_t *Tb, const gl3_t *T3, size_t v, const gl3_t *z)
{
    size_t lo = v < EQ_LO ? v : EQ_LO, hi = v - lo;
    size_t nlo = (size_t)1 << lo, nhi = (size_t)1 << hi;
    gl3_t *L = malloc((nlo + nhi) * sizeof *L);
    if (!L) {
        /* small fallback without tables */
        return Tb ? zk_mle_eval_gl(Tb, v, z) : zk_mle_eval_gl3(T3, v, z);
    }
    gl3_t *H = L + nlo;
    eq_table_gl3(L, z, lo, gl3_one());
    eq_table_gl3(H, z + lo, hi, gl3_one());
    gl3_t tot = gl3_zero();
#pragma omp parallel if (nhi > 1 && nlo * nhi >= PAR_MIN)
    {
        gl3_t acc = gl3_zero();
#pragma omp for schedule(static)
        for (size_t bh = 0; bh < nhi; bh++) {
            gl3_t in = gl3_zero();
            if (Tb) {
                const gl_t *row = Tb + bh * nlo;
                for (size_t bl = 0; bl < nlo; bl++)
                    in = gl3_add(in, gl3_mul_gl(L[bl], row[bl]));
            } else {
                const gl3_t *row = T3 + bh * nlo;
                for (size_t bl = 0; bl < nlo; bl++)
                    in = gl3_add(in, gl3_mul(L[bl], row[bl]));
            }
            acc = gl3_add(acc, gl3_mul(in, H[bh]));
        }
#pragma omp critical(whir_dot)
        tot = gl3_add(tot, acc);
    }
    free(L);
    return tot;
}

/* sum_{b < nn} w[b] T[b] for extension weights. */
static gl3_t dense_dot(const gl3_t *w, const gl_t *Tb, const gl3_t *T3, size_t nn)
{
    gl3_t tot = gl3_zero();
#pragma omp parallel if (nn >= PAR_MIN)
    {
        gl3_t acc = gl3_zero();
#pragma omp for schedule(static)
        for (size_t b = 0; b < nn; b++)
            acc = gl3_add(acc, Tb ? gl3_mul_gl(w[b], Tb[b]) : gl3_mul(w[b], T3[b]));
#pragma omp critical(whir_dot)
        tot = gl3_add(tot, acc);
    }
    return tot;
}

/* ---- sumcheck rounds on sum_b W(b) F(b) (degree 2 in each variable) ----
 * Round polynomial s(X) = c0 + c1 X + c2 X^2 with
 *   c0 = sum_i W[2i] F[2i],  c2 = sum_i (W[2i+1] - W[2i]) (F[2i+1] - F[2i]);
 * c1 follows from s(0) + s(1) = claim. */

typedef struct {
    gl3_t c0, c2;
} sc_sums;

static sc_sums sc_sums_tab(const gl_t *Fb, const gl3_t *F, const gl3_t *W, size_t half)
{
    sc_sums tot = {gl3_zero(), gl3_zero()};
#pragma omp parallel if (half >= PAR_MIN)
    {
        gl3_t a0 = gl3_zero(), a2 = gl3_zero();
        if (Fb) {
#pragma omp for schedule(static)
            for (size_t i = 0; i < half; i++) {
                gl_t f0 = Fb[2 * i], f1 = Fb[2 * i + 1];
                gl3_t w0 = W[2 * i], w1 = W[2 * i + 1];
                a0 = gl3_add(a0, gl3_mul_gl(w0, f0));
                a2 = gl3_add(a2, gl3_mul_gl(gl3_sub(w1, w0), gl_sub(f1, f0)));
            }
        } else {
#pragma omp for schedule(static)
            for (size_t i = 0; i < half; i++) {
                gl3_t f0 = F[2 * i], f1 = F[2 * i + 1];
                gl3_t w0 = W[2 * i], w1 = W[2 * i + 1];
                a0 = gl3_add(a0, gl3_mul(w0, f0));
                a2 = gl3_add(a2, gl3_mul(gl3_sub(w1, w0), gl3_sub(f1, f0)));
            }
        }
#pragma omp critical(whir_sc)
        {
            tot.c0 = gl3_add(tot.c0, a0);
            tot.c2 = gl3_add(tot.c2, a2);
        }
    }
    return tot;
}

static inline gl3_t fold1(gl3_t x0, gl3_t x1, gl3_t a) { return gl3_add(x0, gl3_mul(a, gl3_sub(x1, x0))); }
static inline gl3_t fold1b(gl_t x0, gl_t x1, gl3_t a)
{
    return gl3_add(gl3_from_gl(x0), gl3_mul_gl(a, gl_sub(x1, x0)));
}

/* Bind X_1 := a in F (base Fb or extension F; 2 half entries) and W into Fo,
 * Wo (half entries). If `want`, also return the next round's sums over the
 * folded tables (fused into the same pass). */
static sc_sums fold_and_sum(gl3_t *Fo, gl3_t *Wo, const gl_t *Fb, const gl3_t *F, const gl3_t *W, size_t half,
                            gl3_t a, int want)
{
    sc_sums tot = {gl3_zero(), gl3_zero()};
    if (!want || half < 2) {
#pragma omp parallel for schedule(static) if (half >= PAR_MIN)
        for (size_t i = 0; i < half; i++) {
            Fo[i] = Fb ? fold1b(Fb[2 * i], Fb[2 * i + 1], a) : fold1(F[2 * i], F[2 * i + 1], a);
            Wo[i] = fold1(W[2 * i], W[2 * i + 1], a);
        }
        return tot;
    }
    size_t q = half / 2;
#pragma omp parallel if (q >= PAR_MIN)
    {
        gl3_t a0 = gl3_zero(), a2 = gl3_zero();
#pragma omp for schedule(static)
        for (size_t i = 0; i < q; i++) {
            gl3_t f0, f1;
            if (Fb) {
                f0 = fold1b(Fb[4 * i], Fb[4 * i + 1], a);
                f1 = fold1b(Fb[4 * i + 2], Fb[4 * i + 3], a);
            } else {
                f0 = fold1(F[4 * i], F[4 * i + 1], a);
                f1 = fold1(F[4 * i + 2], F[4 * i + 3], a);
            }
            gl3_t w0 = fold1(W[4 * i], W[4 * i + 1], a), w1 = fold1(W[4 * i + 2], W[4 * i + 3], a);
            Fo[2 * i] = f0;
            Fo[2 * i + 1] = f1;
            Wo[2 * i] = w0;
            Wo[2 * i + 1] = w1;
            a0 = gl3_add(a0, gl3_mul(w0, f0));
            a2 = gl3_add(a2, gl3_mul(gl3_sub(w1, w0), gl3_sub(f1, f0)));
        }
#pragma omp critical(whir_sc)
        {
            tot.c0 = gl3_add(tot.c0, a0);
            tot.c2 = gl3_add(tot.c2, a2);
        }
    }
    return tot;
}

/* ---- prover state ---- */

typedef struct {
    const zk_whir_params *p;
    zk_transcript *t;
    zk_wbuf *proof;
    uint32_t k, w;
    unsigned cheat;
    /* current polynomial: evaluations over `vars` variables; in iteration 0 of
     * a non-hiding opening the witness's base-field table Fb */
    size_t vars;
    const gl_t *Fb;
    gl3_t *F, *W, *F2, *W2; /* ping-pong buffers */
    gl3_t sigma;
    gl3_t alpha[WHIR_MAX_K];
} prover;

static void swap_ptr(gl3_t **a, gl3_t **b)
{
    gl3_t *t = *a;
    *a = *b;
    *b = t;
}

/* k sumcheck rounds of iteration i; leaves F, W on vars - k variables. */
static void sumcheck_iteration(prover *P, uint32_t i)
{
    const zk_whir_params *p = P->p;
    sc_sums sm = sc_sums_tab(P->Fb, P->F, P->W, (size_t)1 << (P->vars - 1));
    for (uint32_t s = 0; s < P->k; s++) {
        if (P->cheat == WHIR_CHEAT_SUMCHECK && i == 0 && s == 0)
            sm.c0 = gl3_add(sm.c0, gl3_one());
        gl3_t msg[2] = {sm.c0, sm.c2};
        zk_wbuf_gl3s(P->proof, msg, 2);
        zk_transcript_absorb_gl3(P->t, "zkm-whir-sc", msg, 2);
        if (p->fold_pow_bits[i])
            zk_wbuf_u64(P->proof, zk_transcript_pow_prove(P->t, p->fold_pow_bits[i]));
        gl3_t a = zk_transcript_challenge_gl3(P->t, "zkm-whir-fold");
        P->alpha[s] = a;
        gl3_t c1 = gl3_sub(gl3_sub(P->sigma, gl3_add(sm.c0, sm.c0)), sm.c2);
        P->sigma = gl3_add(sm.c0, gl3_mul(a, gl3_add(c1, gl3_mul(a, sm.c2))));
        size_t half = (size_t)1 << (P->vars - 1);
        sm = fold_and_sum(P->F2, P->W2, P->Fb, P->F, P->W, half, a, s + 1 < P->k);
        P->Fb = NULL;
        swap_ptr(&P->F, &P->F2);
        swap_ptr(&P->W, &P->W2);
        P->vars--;
    }
}

/* A committed codeword of a later round (extension field, leaf-major), in a
 * caller-owned buffer. */
typedef struct {
    gl3_t *cw;
    zk_merkle_tree tree;
} round_cw;

static int encode_commit(round_cw *out, gl3_t *cwbuf, gl3_t *tmp, const gl3_t *coeffs, uint32_t vars,
                         unsigned log_n, unsigned k, int salted)
{
    memset(out, 0, sizeof *out);
    if (zk_rs_encode_gl3(tmp, coeffs, vars, log_n - vars) != 0)
        return zk_set_error(ZK_ERR_NOMEM, "WHIR open: out of memory (encoding)");
    zk_whir_leaf_major_gl3(cwbuf, tmp, log_n, k);
    out->cw = cwbuf;
    if (zk_merkle_build(&out->tree, cwbuf, ((size_t)1 << log_n) >> k, ((size_t)1 << k) * sizeof(gl3_t), salted,
                        NULL) != ZK_OK)
        return zk_set_error(ZK_ERR_NOMEM, "WHIR open: out of memory (Merkle tree)");
    return ZK_OK;
}

/* Claimed values are checked against the witness before proving. */
static int check_claims(const zk_whir_witness *wit, const zk_whir_claim *claims, size_t n_claims)
{
    uint32_t n = wit->params.n_vars;
    for (size_t j = 0; j < n_claims; j++) {
        gl3_t v = claims[j].kind == ZK_CLAIM_POINT ? eq_dot(wit->evals, NULL, n, claims[j].point)
                                                   : dense_dot(claims[j].weights, wit->evals, NULL, (size_t)1 << n);
        if (!gl3_eq(v, claims[j].value))
            return zk_set_error(ZK_ERR_INPUT, "WHIR open: claim %zu is false", j);
    }
    return ZK_OK;
}

/* W = sum_j coeff_j w_j over the initial constraints (2^m entries, zeroed). */
static int initial_weights(prover *P, const zk_whir_constraint *cs, size_t n_cs)
{
    uint32_t n = P->p->n_vars, m = P->p->total_vars;
    size_t np = 0, nu = 0;
    for (size_t j = 0; j < n_cs; j++) {
        np += cs[j].type == WHIR_C_POINT;
        nu += cs[j].type == WHIR_C_UNI;
    }
    gl3_t *pp = malloc((np * n + nu * m + 1) * sizeof *pp);
    gl3_t *cp = malloc((np + nu + 1) * sizeof *cp);
    if (!pp || !cp) {
        free(pp);
        free(cp);
        return -1;
    }
    size_t ip = 0, iu = 0;
    gl3_t *pu = pp + np * n, *cu = cp + np;
    for (size_t j = 0; j < n_cs; j++) {
        const zk_whir_constraint *c = &cs[j];
        if (c->type == WHIR_C_POINT) {
            memcpy(pp + ip * n, c->point, n * sizeof *pp);
            cp[ip++] = c->coeff;
        } else if (c->type == WHIR_C_UNI) {
            zk_mle_expand_point(pu + iu * m, c->y, m);
            cu[iu++] = c->coeff;
        } else {
            size_t nn = (size_t)1 << n;
            gl3_t cf = c->coeff;
            const gl3_t *wt = c->weights;
            gl3_t *W = P->W;
#pragma omp parallel for schedule(static) if (nn >= PAR_MIN)
            for (size_t b = 0; b < nn; b++)
                W[b] = gl3_add(W[b], gl3_mul(cf, wt[b]));
        }
    }
    /* a point claim is zero-padded: eq((z, 0), b) vanishes unless b < 2^n */
    int rc = w_acc_eq(P->W, n, np, pp, NULL, cp);
    if (rc == 0)
        rc = w_acc_eq(P->W, m, nu, pu, NULL, cu);
    free(pp);
    free(cp);
    return rc;
}

/* Open leaves idx[0..u) of a tree: write the leaf values, then the Merkle multi-path. */
static int open_leaves_gl(zk_wbuf *proof, const gl_t *cw, const zk_merkle_tree *tree, const size_t *idx,
                          size_t u, unsigned k)
{
    size_t L = (size_t)1 << k;
    for (size_t q = 0; q < u; q++)
        zk_wbuf_gls(proof, cw + idx[q] * L, L);
    return zk_merkle_open(tree, idx, u, proof);
}

static int open_leaves_gl3(zk_wbuf *proof, const gl3_t *cw, const zk_merkle_tree *tree, const size_t *idx,
                           size_t u, unsigned k)
{
    size_t L = (size_t)1 << k;
    for (size_t q = 0; q < u; q++)
        zk_wbuf_gl3s(proof, cw + idx[q] * L, L);
    return zk_merkle_open(tree, idx, u, proof);
}

/* State of one opening. Buffers are freed (and wiped where secret) by
 * opening_free. The region holds the encoding scratch and the later-round
 * codewords: when codeword i+1 is encoded, codeword i occupies one half (N_1
 * entries) and the new codeword and its scratch fit in the other half
 * (2 N_(i+1) <= N_1); in hiding mode the whole region (N_0 = 2 N_1) first
 * serves the mask encoding. */
typedef struct {
    const zk_whir_params *p;
    const zk_whir_witness *wit;
    const zk_whir_commitment *com;
    zk_transcript *t;
    zk_wbuf *proof;
    unsigned cheat;
    prover P;
    size_t mm, n0, n1;   /* 2^m; N_0; N_1 */
    size_t f_len, g_len; /* entries of F and G */
    gl3_t *F, *F2, *W, *W2, *G;
    gl3_t *region;
    size_t region_len;
    gl3_t *Mcw;          /* hiding: the mask codeword (leaf-major) */
    zk_merkle_tree Mtree;
    gl_t *fpad;          /* non-hiding, n < m: zero-padded evaluations */
    gl3_t cmask;         /* hiding: h = M + cmask f' */
    round_cw prev, next; /* codewords i and i+1 */
    zk_whir_constraint *cs; /* initial constraints and their values */
    gl3_t *vals;
    size_t n_cs;
    size_t *idx;         /* query phase: sorted unique leaf indices */
    size_t u;
    gl3_t *folds, *leafv, *qco;
    gl_t *qpt;
} opening;

static void opening_free(opening *o)
{
    size_t mm = o->mm;
    wipe_free(o->F, o->F ? o->f_len * sizeof(gl3_t) : 0);
    wipe_free(o->F2, o->F2 ? (mm / 2) * sizeof(gl3_t) : 0);
    free(o->W);
    free(o->W2);
    wipe_free(o->G, o->G ? o->g_len * sizeof(gl3_t) : 0);
    wipe_free(o->region, o->region ? o->region_len * sizeof(gl3_t) : 0);
    wipe_free(o->Mcw, o->Mcw ? o->n0 * sizeof(gl3_t) : 0);
    wipe_free(o->fpad, o->fpad ? mm * sizeof(gl_t) : 0);
    wipe_free(o->leafv, o->leafv ? ((size_t)1 << o->p->folding_factor) * sizeof(gl3_t) : 0);
    zk_merkle_free(&o->Mtree);
    zk_merkle_free(&o->prev.tree);
    zk_merkle_free(&o->next.tree);
    free(o->cs);
    free(o->vals);
    free(o->idx);
    free(o->folds);
    free(o->qco);
    free(o->qpt);
    memset(o, 0, sizeof *o);
}

static int opening_alloc(opening *o, size_t n_claims)
{
    const zk_whir_params *p = o->p;
    uint32_t m = p->total_vars, k = p->folding_factor, R = p->n_rounds;
    size_t mm = (size_t)1 << m, maxq = 0;
    for (uint32_t i = 0; i <= R; i++)
        maxq = p->queries[i] > maxq ? p->queries[i] : maxq;
    o->mm = mm;
    o->n0 = (size_t)1 << zk_whir_log_domain(p, 0);
    o->n1 = R >= 1 ? (size_t)1 << zk_whir_log_domain(p, 1) : 0;
    o->f_len = p->hiding ? mm : mm / 2;
    o->g_len = (mm >> k) + 1;
    o->F = zk_whir_big_alloc(o->f_len * sizeof(gl3_t));
    o->F2 = zk_whir_big_alloc((mm / 2) * sizeof(gl3_t));
    o->W = zk_whir_big_alloc(mm * sizeof(gl3_t));
    o->W2 = zk_whir_big_alloc((mm / 2) * sizeof(gl3_t));
    o->G = zk_whir_big_alloc(o->g_len * sizeof(gl3_t));
    o->region_len = p->hiding ? o->n0 : 2 * o->n1;
    o->region = o->region_len ? zk_whir_big_alloc(o->region_len * sizeof(gl3_t)) : NULL;
    o->Mcw = p->hiding ? zk_whir_big_alloc(o->n0 * sizeof(gl3_t)) : NULL;
    o->fpad = !p->hiding && p->n_vars < m ? calloc(mm, sizeof(gl_t)) : NULL;
    o->cs = calloc(n_claims + 2 * p->ood_samples, sizeof *o->cs);
    o->vals = calloc(n_claims + 2 * p->ood_samples, sizeof *o->vals);
    o->idx = malloc(maxq * sizeof *o->idx);
    o->folds = malloc(maxq * sizeof *o->folds);
    o->leafv = malloc(((size_t)1 << k) * sizeof *o->leafv);
    o->qpt = malloc((maxq * m + 1) * sizeof *o->qpt);
    o->qco = malloc((maxq + 4) * sizeof *o->qco);
    if (!o->F || !o->F2 || !o->W || !o->W2 || !o->G || (o->region_len && !o->region) || (p->hiding && !o->Mcw) ||
        (!p->hiding && p->n_vars < m && !o->fpad) || !o->cs || !o->vals || !o->idx || !o->folds || !o->leafv ||
        !o->qpt || !o->qco)
        return zk_set_error(ZK_ERR_NOMEM, "WHIR open: out of memory");
    memset(o->W, 0, mm * sizeof(gl3_t));
    prover *P = &o->P;
    P->p = p;
    P->t = o->t;
    P->proof = o->proof;
    P->k = k;
    P->w = p->ood_samples;
    P->vars = m;
    P->cheat = o->cheat;
    P->F = o->F;
    P->F2 = o->F2;
    P->W = o->W;
    P->W2 = o->W2;
    return ZK_OK;
}

/* The claims and the commitment's OOD answers as constraints on f'. */
static void initial_constraints(opening *o, const zk_whir_claim *claims, size_t n_claims)
{
    for (size_t j = 0; j < n_claims; j++) {
        o->cs[j].type = claims[j].kind == ZK_CLAIM_POINT ? WHIR_C_POINT : WHIR_C_DENSE;
        o->cs[j].point = claims[j].point;
        o->cs[j].weights = claims[j].weights;
        o->vals[j] = claims[j].value;
    }
    for (uint32_t s = 0; s < o->p->ood_samples; s++) {
        o->cs[n_claims + s].type = WHIR_C_UNI;
        o->cs[n_claims + s].y = o->com->ood_points[s];
        o->vals[n_claims + s] = o->com->ood_answers[s];
    }
    o->n_cs = n_claims + o->p->ood_samples;
}

/* Hiding: commit a fresh uniform mask M (m variables, F_p^3 coefficients from
 * the OS CSPRNG), send its OOD answers and claim values, draw c, and turn the
 * constraints and P.F into those of h = M + c f' (docs/whir.md, section 3.2). */
static int mask_phase(opening *o, const zk_whir_claim *claims, size_t n_claims)
{
    const zk_whir_params *p = o->p;
    uint32_t m = p->total_vars, k = p->folding_factor, w = p->ood_samples, n = p->n_vars;
    size_t mm = o->mm, L = (size_t)1 << k;
    unsigned log_n0 = zk_whir_log_domain(p, 0);
    gl3_t *Mc = o->P.F; /* coefficients of M; converted in place to evaluations below */
    zk_whir_random_gl(Mc->c, 3 * mm);
    if (zk_rs_encode_gl3(o->region, Mc, m, log_n0 - m) != 0)
        return zk_set_error(ZK_ERR_NOMEM, "WHIR open: out of memory (mask)");
    zk_whir_leaf_major_gl3(o->Mcw, o->region, log_n0, k);
    if (zk_merkle_build(&o->Mtree, o->Mcw, o->n0 >> k, L * sizeof(gl3_t), 1, NULL) != ZK_OK)
        return zk_set_error(ZK_ERR_NOMEM, "WHIR open: out of memory (mask tree)");
    zk_wbuf_digest(o->proof, zk_merkle_root(&o->Mtree));
    zk_transcript_absorb_digest(o->t, "zkm-whir-mask-root", zk_merkle_root(&o->Mtree));
    gl3_t zM[4], ans[12], mpts[8], mval[8];
    zk_transcript_challenge_gl3s(o->t, "zkm-whir-mask-ood", zM, w);
    for (uint32_t s = 0; s < w; s++) {
        mpts[s] = zM[s];
        mpts[w + s] = o->com->ood_points[s];
        ans[w + s] = zk_whir_uni_eval_gl(o->wit->coeffs, mm, zM[s]); /* f'(z_M) */
    }
    uni_eval_multi_gl3(mval, Mc, mm, mpts, 2 * w);
    for (uint32_t s = 0; s < w; s++) {
        ans[s] = mval[s];             /* M(z_M) */
        ans[2 * w + s] = mval[w + s]; /* M(z_f) */
    }
    if (o->cheat == WHIR_CHEAT_MASK_OOD)
        ans[0] = gl3_add(ans[0], gl3_one());
    zk_wbuf_gl3s(o->proof, ans, 3 * w);
    zk_transcript_absorb_gl3(o->t, "zkm-whir-mask-ood-answers", ans, 3 * w);
    gl3_t *Me = o->P.F; /* evaluations of M on the hypercube */
    zk_whir_moebius_gl3(Me, m, 1);
    for (size_t j = 0; j < n_claims; j++) {
        /* the claim's functional on M(., 0): the first 2^n entries */
        gl3_t mu = claims[j].kind == ZK_CLAIM_POINT ? eq_dot(NULL, Me, n, claims[j].point)
                                                    : dense_dot(claims[j].weights, NULL, Me, (size_t)1 << n);
        if (o->cheat == WHIR_CHEAT_MASK && j == 0)
            mu = gl3_add(mu, gl3_one());
        zk_wbuf_gl3(o->proof, mu);
        zk_transcript_absorb_gl3(o->t, "zkm-whir-mask-claim", &mu, 1);
        o->vals[j] = mu;
    }
    gl3_t c = zk_transcript_challenge_gl3(o->t, "zkm-whir-mask-c");
    o->cmask = c;
    for (size_t j = 0; j < n_claims; j++)
        o->vals[j] = gl3_add(o->vals[j], gl3_mul(c, claims[j].value));
    for (uint32_t s = 0; s < w; s++) {
        o->vals[n_claims + s] = gl3_add(ans[2 * w + s], gl3_mul(c, o->com->ood_answers[s]));
        o->cs[o->n_cs].type = WHIR_C_UNI;
        o->cs[o->n_cs].y = zM[s];
        o->vals[o->n_cs] = gl3_add(ans[s], gl3_mul(c, ans[w + s]));
        o->n_cs++;
    }
    /* h = M + c f' (evaluations); f' evaluations from its coefficients, in the
     * (now free) encoding region. */
    gl_t *fpe = o->region->c;
    memcpy(fpe, o->wit->coeffs, mm * sizeof *fpe);
    zk_whir_moebius_gl(fpe, m, 1);
#pragma omp parallel for schedule(static) if (mm >= PAR_MIN)
    for (size_t b = 0; b < mm; b++)
        Me[b] = gl3_add(Me[b], gl3_mul_gl(c, fpe[b]));
    return ZK_OK;
}

/* After the sumcheck of iteration i: commit the folded polynomial (i < R) and
 * send its OOD answers into z, zans, or send the final polynomial (i = R). */
static int commit_round(opening *o, uint32_t i, gl3_t *z, gl3_t *zans)
{
    const zk_whir_params *p = o->p;
    uint32_t k = p->folding_factor, w = p->ood_samples;
    size_t nv = o->P.vars, ng = (size_t)1 << nv;
    memcpy(o->G, o->P.F, ng * sizeof(gl3_t));
    zk_whir_moebius_gl3(o->G, nv, 0); /* coefficients of the folded polynomial */
    if (i == p->n_rounds) {
        if (o->cheat == WHIR_CHEAT_FINAL)
            o->G[0] = gl3_add(o->G[0], gl3_one());
        zk_wbuf_gl3s(o->proof, o->G, ng);
        zk_transcript_absorb_gl3(o->t, "zkm-whir-final", o->G, ng);
        return ZK_OK;
    }
    /* codeword i lives in the other half of the region (see opening) */
    unsigned log_next = zk_whir_log_domain(p, i + 1);
    size_t nxt = (size_t)1 << log_next;
    gl3_t *half = o->region + (i % 2 == 0 && i > 0 ? o->n1 : 0);
    gl3_t *cwb = i == 0 ? o->region + o->n1 : half + nxt;
    int st = encode_commit(&o->next, cwb, half, o->G, (uint32_t)nv, log_next, k, (int)p->hiding);
    if (st != ZK_OK)
        return st;
    zk_wbuf_digest(o->proof, zk_merkle_root(&o->next.tree));
    zk_transcript_absorb_digest(o->t, "zkm-whir-root", zk_merkle_root(&o->next.tree));
    zk_transcript_challenge_gl3s(o->t, "zkm-whir-ood", z, w);
    uni_eval_multi_gl3(zans, o->G, ng, z, w);
    if (o->cheat == WHIR_CHEAT_OOD && i == 0)
        zans[0] = gl3_add(zans[0], gl3_one());
    zk_wbuf_gl3s(o->proof, zans, w);
    zk_transcript_absorb_gl3(o->t, "zkm-whir-ood-answers", zans, w);
    return ZK_OK;
}

/* Query phase i: proof of work, leaf indices, openings of codeword i. */
static int query_phase(opening *o, uint32_t i)
{
    const zk_whir_params *p = o->p;
    uint32_t k = p->folding_factor;
    size_t L = (size_t)1 << k;
    if (p->pow_bits[i])
        zk_wbuf_u64(o->proof, zk_transcript_pow_prove(o->t, p->pow_bits[i]));
    unsigned log_n = zk_whir_log_domain(p, i);
    size_t tq = p->queries[i];
    zk_transcript_challenge_indices(o->t, "zkm-whir-query", (uint64_t)1 << (log_n - k), o->idx, tq);
    o->u = zk_whir_sort_unique(o->idx, tq);
    int st;
    if (i == 0) {
        if ((st = open_leaves_gl(o->proof, o->wit->codeword, &o->wit->tree, o->idx, o->u, k)) != ZK_OK)
            return st;
        if (p->hiding)
            return open_leaves_gl3(o->proof, o->Mcw, &o->Mtree, o->idx, o->u, k);
        return ZK_OK;
    }
    if (o->cheat == WHIR_CHEAT_LEAF && i == 1)
        o->prev.cw[o->idx[0] * L].c[0] = gl_add(o->prev.cw[o->idx[0] * L].c[0], 1);
    return open_leaves_gl3(o->proof, o->prev.cw, &o->prev.tree, o->idx, o->u, k);
}

/* After query phase i < R: fold the opened leaves (as the verifier does), draw
 * the combination challenge and add the OOD and shift constraints to W and
 * sigma; codeword i+1 becomes the previous codeword. */
static int combine_round(opening *o, uint32_t i, const gl3_t *z, const gl3_t *zans)
{
    const zk_whir_params *p = o->p;
    uint32_t k = p->folding_factor, w = p->ood_samples;
    size_t L = (size_t)1 << k, u = o->u, nv = o->P.vars;
    unsigned log_n = zk_whir_log_domain(p, i);
    for (size_t q = 0; q < u; q++) {
        size_t j = o->idx[q];
        if (i == 0) {
            const gl_t *lf = o->wit->codeword + j * L;
            for (size_t l = 0; l < L; l++)
                o->leafv[l] = p->hiding ? gl3_add(o->Mcw[j * L + l], gl3_mul_gl(o->cmask, lf[l])) : gl3_from_gl(lf[l]);
        } else {
            memcpy(o->leafv, o->prev.cw + j * L, L * sizeof(gl3_t));
        }
        o->folds[q] = zk_whir_fold_leaf(o->leafv, k, o->P.alpha, log_n, j);
    }
    gl3_t gc = zk_transcript_challenge_gl3(o->t, "zkm-whir-comb"), cf = gc;
    gl3_t opts[4 * (ZK_WHIR_MAX_VARS + 2)];
    for (uint32_t s = 0; s < w; s++) {
        zk_mle_expand_point(opts + s * nv, z[s], nv);
        o->qco[s] = cf;
        o->P.sigma = gl3_add(o->P.sigma, gl3_mul(cf, zans[s]));
        cf = gl3_mul(cf, gc);
    }
    int rc = w_acc_eq(o->P.W, nv, w, opts, NULL, o->qco);
    for (size_t q = 0; q < u; q++) {
        gl_t *qp = o->qpt + q * nv;
        qp[0] = zk_whir_query_point(log_n, k, o->idx[q]);
        for (size_t j = 1; j < nv; j++)
            qp[j] = gl_sqr(qp[j - 1]);
        o->qco[q] = cf;
        o->P.sigma = gl3_add(o->P.sigma, gl3_mul(cf, o->folds[q]));
        cf = gl3_mul(cf, gc);
    }
    if (rc != 0 || w_acc_eq(o->P.W, nv, u, NULL, o->qpt, o->qco) != 0)
        return zk_set_error(ZK_ERR_NOMEM, "WHIR open: out of memory");
    zk_merkle_free(&o->prev.tree);
    o->prev = o->next;
    memset(&o->next, 0, sizeof o->next);
    if (i == 0 && p->hiding) { /* the mask codeword is no longer needed */
        zk_merkle_free(&o->Mtree);
        wipe_free(o->Mcw, o->n0 * sizeof(gl3_t));
        o->Mcw = NULL;
    }
    return ZK_OK;
}

int zk_whir_open(const zk_whir_witness *wit, const zk_whir_commitment *com, const zk_whir_claim *claims,
                 size_t n_claims, zk_transcript *t, zk_wbuf *proof)
{
    return zk_whir_open_ex(wit, com, claims, n_claims, t, proof, WHIR_CHEAT_NONE);
}

int zk_whir_open_ex(const zk_whir_witness *wit, const zk_whir_commitment *com, const zk_whir_claim *claims,
                    size_t n_claims, zk_transcript *t, zk_wbuf *proof, unsigned cheat)
{
    ZK_CHECK_ARG(wit != NULL && com != NULL && claims != NULL && t != NULL && proof != NULL);
    ZK_CHECK_ARG(n_claims >= 1 && n_claims <= ZK_WHIR_MAX_CLAIMS);
    ZK_CHECK_ARG(wit->evals != NULL && wit->coeffs != NULL && wit->codeword != NULL);
    ZK_CHECK_ARG(zk_whir_params_equal(&wit->params, &com->params));
    ZK_CHECK_ARG(memcmp(zk_merkle_root(&wit->tree)->h, com->root.h, ZK_HASH_BYTES) == 0);
    const zk_whir_params *p = &com->params;
    for (size_t j = 0; j < n_claims; j++)
        ZK_CHECK_ARG(claims[j].kind == ZK_CLAIM_POINT ? claims[j].point != NULL
                                                      : (claims[j].kind == ZK_CLAIM_LINEAR && claims[j].weights));
    int st = cheat == WHIR_CHEAT_SKIP_CHECK ? ZK_OK : check_claims(wit, claims, n_claims);
    if (st != ZK_OK)
        return st;

    opening o;
    memset(&o, 0, sizeof o);
    o.p = p;
    o.wit = wit;
    o.com = com;
    o.t = t;
    o.proof = proof;
    o.cheat = cheat;
    if ((st = opening_alloc(&o, n_claims)) != ZK_OK)
        goto out;
    zk_whir_absorb_claims(t, p, claims, n_claims);
    initial_constraints(&o, claims, n_claims);
    if (p->hiding) {
        if ((st = mask_phase(&o, claims, n_claims)) != ZK_OK)
            goto out;
    } else if (p->n_vars == p->total_vars) {
        o.P.Fb = wit->evals;
    } else {
        memcpy(o.fpad, wit->evals, ((size_t)1 << p->n_vars) * sizeof(gl_t));
        o.P.Fb = o.fpad;
    }
    gl3_t gamma = zk_transcript_challenge_gl3(t, "zkm-whir-gamma"), gp = gl3_one();
    o.P.sigma = gl3_zero();
    for (size_t j = 0; j < o.n_cs; j++) {
        o.cs[j].coeff = gp;
        o.P.sigma = gl3_add(o.P.sigma, gl3_mul(gp, o.vals[j]));
        gp = gl3_mul(gp, gamma);
    }
    if (initial_weights(&o.P, o.cs, o.n_cs) != 0) {
        st = zk_set_error(ZK_ERR_NOMEM, "WHIR open: out of memory");
        goto out;
    }
    for (uint32_t i = 0; i <= p->n_rounds; i++) {
        gl3_t z[4], zans[4];
        sumcheck_iteration(&o.P, i);
        if ((st = commit_round(&o, i, z, zans)) != ZK_OK || (st = query_phase(&o, i)) != ZK_OK)
            goto out;
        if (i < p->n_rounds && (st = combine_round(&o, i, z, zans)) != ZK_OK)
            goto out;
    }
    if (proof->oom)
        st = zk_set_error(ZK_ERR_NOMEM, "WHIR open: out of memory (proof)");
out:
    opening_free(&o);
    return st;
}
