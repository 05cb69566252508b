/*
 * The sumcheck engine (contract: include/zkmlops/sumcheck.h), its Libra
 * zero-knowledge variant and zerocheck.
 *
 * References: Lund, Fortnow, Karloff, Nisan, "Algebraic methods for
 * interactive proof systems" (JACM 1992); Thaler, "Proofs, Arguments, and
 * Zero-Knowledge", ch. 4 (the linear-time prover for products of multilinear
 * polynomials, Lemma 4.5 style folding); Xie, Zhang, Zhang, Papamanthou, Song,
 * "Libra: Succinct Zero-Knowledge Proofs with Optimal Prover Computation",
 * eprint 2019/317, section 4.1 (zero-knowledge sumcheck by a sum-of-univariates
 * mask). The protocol and byte layout are documented in docs/sumcheck.md.
 *
 * Prover structure. Round i (0-based) works on tables of 2^(n-i) entries.
 * Writing P_j[2b + x] for the entry with X_(i+1) = x and the remaining bits b,
 * the round polynomial is
 *   s_i(X) = sum_b sum_t coeff_t prod_{j in t} (P_j[2b] + X (P_j[2b+1] - P_j[2b]))
 * evaluated at X = 0..d and interpolated. Round 0 reads the caller's tables
 * (base-field tables with base-field products); every later round first binds
 * the previous challenge, folding into the prover's own extension scratch
 * (two ping-pong buffers of 2^(n-1) and 2^(n-2) entries per table) in the
 * same pass that evaluates, and never touches the caller's memory. From
 * round 1 on, s_i(1) = claim_i - s_i(0) is not recomputed. The hypercube
 * loops run under OpenMP above
 * SC_PAR_MIN pairs; field addition is exact, so the result does not depend on
 * the thread count.
 */
#include "zkmlops/sumcheck.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/mle.h"
#include "zkmlops/status.h"

#define SC_PAR_MIN ((size_t)1 << 13) /* pairs per round, i.e. tables of >= 2^14 entries */
#define SC_MAX_VARS 40               /* 2^40 entries per table: far above any caller */
#define SC_INV2 ((GL_P + 1) / 2)     /* 1/2 in F_p */

/* ------------------------------------------------------------------------ */
/* Instance helpers                                                          */
/* ------------------------------------------------------------------------ */

/* Abort on an ill-formed instance (illegal call). max_factors is the per-term bound. */
static void sc_check_instance(const zk_sc_instance *inst, unsigned max_factors)
{
    ZK_CHECK_ARG(inst != NULL);
    ZK_CHECK_ARG(inst->n_vars <= SC_MAX_VARS);
    ZK_CHECK_ARG(inst->n_tables >= 1 && inst->n_tables <= ZK_SC_MAX_TABLES);
    ZK_CHECK_ARG(inst->n_terms >= 1 && inst->n_terms <= ZK_SC_MAX_TERMS);
    for (size_t j = 0; j < inst->n_tables; j++)
        ZK_CHECK_ARG((inst->base[j] != NULL) != (inst->ext[j] != NULL));
    for (size_t t = 0; t < inst->n_terms; t++) {
        const zk_sc_term *tm = &inst->terms[t];
        ZK_CHECK_ARG(tm->n_factors >= 1 && tm->n_factors <= max_factors);
        for (unsigned f = 0; f < tm->n_factors; f++)
            ZK_CHECK_ARG(tm->factor[f] < inst->n_tables);
    }
}

unsigned zk_sc_degree(const zk_sc_instance *inst)
{
    ZK_CHECK_ARG(inst != NULL && inst->n_terms <= ZK_SC_MAX_TERMS);
    unsigned d = 0;
    for (size_t t = 0; t < inst->n_terms; t++)
        if (inst->terms[t].n_factors > d)
            d = inst->terms[t].n_factors;
    return d;
}

gl3_t zk_sc_combine(const zk_sc_instance *inst, const gl3_t *evals)
{
    ZK_CHECK_ARG(inst != NULL && evals != NULL && inst->n_terms <= ZK_SC_MAX_TERMS);
    gl3_t acc = gl3_zero();
    for (size_t t = 0; t < inst->n_terms; t++) {
        const zk_sc_term *tm = &inst->terms[t];
        ZK_CHECK_ARG(tm->n_factors <= ZK_SC_MAX_DEGREE);
        gl3_t p = tm->coeff;
        for (unsigned f = 0; f < tm->n_factors; f++)
            p = gl3_mul(p, evals[tm->factor[f]]);
        acc = gl3_add(acc, p);
    }
    return acc;
}

gl3_t zk_sc_sum_bruteforce(const zk_sc_instance *inst)
{
    sc_check_instance(inst, ZK_SC_MAX_DEGREE);
    size_t len = (size_t)1 << inst->n_vars;
    gl3_t acc = gl3_zero(), v[ZK_SC_MAX_TABLES];
    for (size_t b = 0; b < len; b++) {
        for (size_t j = 0; j < inst->n_tables; j++)
            v[j] = inst->base[j] ? gl3_from_gl(inst->base[j][b]) : inst->ext[j][b];
        acc = gl3_add(acc, zk_sc_combine(inst, v));
    }
    return acc;
}

/* ------------------------------------------------------------------------ */
/* Univariate helpers                                                        */
/* ------------------------------------------------------------------------ */

/* Coefficients c[0..d] of the polynomial of degree <= d with s(x) = y[x] for
 * x = 0..d: Newton divided differences on the nodes 0..d, then expansion of
 * the Newton form into the monomial basis. */
static void sc_interpolate(gl3_t *c, const gl3_t *y, unsigned d)
{
    gl3_t dd[ZK_SC_MAX_DEGREE + 1];
    gl_t inv[ZK_SC_MAX_DEGREE + 1];
    ZK_CHECK_ARG(d <= ZK_SC_MAX_DEGREE);
    for (unsigned k = 1; k <= d; k++)
        inv[k] = gl_inv(k);
    for (unsigned x = 0; x <= d; x++)
        dd[x] = y[x];
    /* After level k, dd[x] = f[x-k, .., x] for x >= k (nodes are consecutive integers). */
    for (unsigned k = 1; k <= d; k++)
        for (unsigned x = d; x >= k; x--)
            dd[x] = gl3_mul_gl(gl3_sub(dd[x], dd[x - 1]), inv[k]);
    /* s(X) = dd[0] + (X - 0)(dd[1] + (X - 1)(dd[2] + ...)): Horner in the Newton basis. */
    for (unsigned k = 0; k <= d; k++)
        c[k] = gl3_zero();
    c[0] = dd[d];
    unsigned deg = 0; /* current degree of c */
    for (unsigned k = d; k-- > 0;) {
        /* c <- c * (X - k) + dd[k] */
        gl_t mk = gl_neg(k);
        c[deg + 1] = c[deg];
        for (unsigned e = deg; e >= 1; e--)
            c[e] = gl3_add(c[e - 1], gl3_mul_gl(c[e], mk));
        c[0] = gl3_add(gl3_mul_gl(c[0], mk), dd[k]);
        deg++;
    }
}

/* s(x) for coefficients c[0..d] (Horner). */
static gl3_t sc_poly_eval(const gl3_t *c, unsigned d, gl3_t x)
{
    gl3_t acc = c[d];
    for (unsigned k = d; k-- > 0;)
        acc = gl3_add(gl3_mul(acc, x), c[k]);
    return acc;
}

/* 2^e in F_p (e < 64). */
static gl_t sc_pow2(size_t e) { return gl_from_u64((uint64_t)1 << e); }

/* ------------------------------------------------------------------------ */
/* Prover core                                                               */
/* ------------------------------------------------------------------------ */

/* The Libra mask contribution tracked by the prover (NULL-able). */
typedef struct {
    const zk_libra_mask *m;
    gl3_t rho;
    gl3_t prefix;      /* sum_{j < i} g_j(r_j) */
    gl3_t *suffix;     /* suffix[i] = sum_{j >= i} (g_j(0) + g_j(1)), n+1 entries */
} sc_mask_state;

/* a_{i,k}: the X^k coefficient of g_i, an extension element stored as three
 * consecutive base-field coordinates (layout in sumcheck.h). */
static gl3_t libra_coeff(const zk_libra_mask *m, size_t i, unsigned k)
{
    const gl_t *p = m->coeffs + 3 * (i * (m->degree + 1) + k);
    gl3_t v = {{p[0], p[1], p[2]}};
    return v;
}

static gl3_t libra_gi_eval(const zk_libra_mask *m, size_t i, gl3_t x)
{
    gl3_t acc = libra_coeff(m, i, m->degree);
    for (unsigned k = m->degree; k-- > 0;)
        acc = gl3_add(gl3_mul(acc, x), libra_coeff(m, i, k));
    return acc;
}

/* g_i(0) + g_i(1) = 2 a_{i,0} + sum_{k >= 1} a_{i,k}. */
static gl3_t libra_gi_01(const zk_libra_mask *m, size_t i)
{
    gl3_t a0 = libra_coeff(m, i, 0), acc = gl3_add(a0, a0);
    for (unsigned k = 1; k <= m->degree; k++)
        acc = gl3_add(acc, libra_coeff(m, i, k));
    return acc;
}

/*
 * Coefficients (degree m->degree) of the mask's round-i polynomial
 *   s^g_i(X) = sum_{b in {0,1}^(n-1-i)} g(r_0, .., r_(i-1), X, b)
 *            = 2^(n-1-i) (P_i + g_i(X)) + 2^(n-2-i) S_(i+1)
 * with P_i = sum_{j<i} g_j(r_j) and S_(i+1) = sum_{j>i} (g_j(0) + g_j(1)):
 * every one of the 2^(n-1-i) suffixes b sees the same prefix and g_i(X), and
 * each later g_j contributes g_j(0) on half of them and g_j(1) on the other half.
 */
static void libra_round_coeffs(gl3_t *c, const sc_mask_state *ms, size_t i)
{
    const zk_libra_mask *m = ms->m;
    gl_t scale = sc_pow2(m->n_vars - 1 - i);
    gl3_t c0 = gl3_add(ms->prefix, libra_coeff(m, i, 0));
    c0 = gl3_add(c0, gl3_mul_gl(ms->suffix[i + 1], SC_INV2));
    c[0] = gl3_mul_gl(c0, scale);
    for (unsigned k = 1; k <= m->degree; k++)
        c[k] = gl3_mul_gl(libra_coeff(m, i, k), scale);
}

/* Per-term factor split for one round: which factors are base / extension. */
typedef struct {
    unsigned nb, ne;
    unsigned b[ZK_SC_MAX_DEGREE], e[ZK_SC_MAX_DEGREE];
} sc_term_plan;

/*
 * One round's view of the tables. Source j is base[j] or ext[j]. In a plain
 * round the source has 2*half entries and is read directly. In a fused round
 * (fold != 0) the source is the previous round's table of 4*half entries: the
 * loop first binds the previous variable to r_prev, writing the folded pair
 * to dst[j][2b], dst[j][2b+1] (the prover's scratch), and evaluates on it.
 */
typedef struct {
    const zk_sc_instance *inst;
    unsigned deg; /* evaluation points 0..deg */
    const gl_t *base[ZK_SC_MAX_TABLES];
    const gl3_t *ext[ZK_SC_MAX_TABLES];
    int fold;
    gl3_t r_prev;
    gl3_t *dst[ZK_SC_MAX_TABLES];
    int used[ZK_SC_MAX_TABLES];
    sc_term_plan plan[ZK_SC_MAX_TERMS];
} sc_round_ctx;

static void sc_round_plan(sc_round_ctx *rc)
{
    const zk_sc_instance *inst = rc->inst;
    memset(rc->used, 0, sizeof rc->used);
    for (size_t t = 0; t < inst->n_terms; t++) {
        sc_term_plan *pl = &rc->plan[t];
        pl->nb = pl->ne = 0;
        for (unsigned f = 0; f < inst->terms[t].n_factors; f++) {
            unsigned j = inst->terms[t].factor[f];
            rc->used[j] = 1;
            /* After a fused fold every value is an extension element. */
            if (rc->base[j] && !rc->fold)
                pl->b[pl->nb++] = j;
            else
                pl->e[pl->ne++] = j;
        }
    }
}

/* lo + r (hi - lo) for base-field lo, hi. */
static inline gl3_t sc_fold_gl(gl_t lo, gl_t hi, gl3_t r)
{
    gl3_t v = gl3_mul_gl(r, gl_sub(hi, lo));
    v.c[0] = gl_add(v.c[0], lo);
    return v;
}

static inline gl3_t sc_fold_gl3(gl3_t lo, gl3_t hi, gl3_t r) { return gl3_add(lo, gl3_mul(r, gl3_sub(hi, lo))); }

/*
 * Sum over b < half of every term's product at X = 0..deg, then multiply by
 * the coefficients: out[X] = s(X). Terms with only base-field factors are
 * multiplied and accumulated in F_p (1 base multiplication per extra factor);
 * mixed terms cost one base-by-extension product for the base part.
 * With skip_one, X = 1 is not computed (out[1] is left zero): the caller
 * knows s(1) = claim - s(0) for its own running claim.
 */
static void sc_round_evals(const sc_round_ctx *rc, size_t half, int skip_one, gl3_t *out)
{
    const zk_sc_instance *inst = rc->inst;
    const unsigned deg = rc->deg, n_terms = (unsigned)inst->n_terms;
    const unsigned n_tables = (unsigned)inst->n_tables;
    const int fold = rc->fold;
    const gl3_t rp = rc->r_prev;
    gl3_t tot_e[ZK_SC_MAX_TERMS][ZK_SC_MAX_DEGREE + 1];
    gl_t tot_b[ZK_SC_MAX_TERMS][ZK_SC_MAX_DEGREE + 1];
    memset(tot_e, 0, sizeof tot_e);
    memset(tot_b, 0, sizeof tot_b);

#pragma omp parallel if (half >= SC_PAR_MIN)
    {
        gl3_t acc_e[ZK_SC_MAX_TERMS][ZK_SC_MAX_DEGREE + 1];
        gl_t acc_b[ZK_SC_MAX_TERMS][ZK_SC_MAX_DEGREE + 1];
        gl_t vb[ZK_SC_MAX_TABLES][ZK_SC_MAX_DEGREE + 1];
        gl3_t ve[ZK_SC_MAX_TABLES][ZK_SC_MAX_DEGREE + 1];
        memset(acc_e, 0, sizeof acc_e);
        memset(acc_b, 0, sizeof acc_b);
#pragma omp for schedule(static)
        for (size_t b = 0; b < half; b++) {
            for (unsigned j = 0; j < n_tables; j++) {
                if (fold) {
                    /* Bind the previous round's variable, store, then evaluate. */
                    gl3_t lo, hi;
                    if (rc->base[j]) {
                        const gl_t *s = rc->base[j] + 4 * b;
                        lo = sc_fold_gl(s[0], s[1], rp);
                        hi = sc_fold_gl(s[2], s[3], rp);
                    } else {
                        const gl3_t *s = rc->ext[j] + 4 * b;
                        lo = sc_fold_gl3(s[0], s[1], rp);
                        hi = sc_fold_gl3(s[2], s[3], rp);
                    }
                    rc->dst[j][2 * b] = lo;
                    rc->dst[j][2 * b + 1] = hi;
                    if (!rc->used[j])
                        continue;
                    gl3_t d = gl3_sub(hi, lo);
                    ve[j][0] = lo;
                    ve[j][1] = hi;
                    for (unsigned x = 2; x <= deg; x++)
                        ve[j][x] = gl3_add(ve[j][x - 1], d);
                } else if (!rc->used[j]) {
                    continue;
                } else if (rc->base[j]) {
                    gl_t lo = rc->base[j][2 * b], hi = rc->base[j][2 * b + 1];
                    gl_t d = gl_sub(hi, lo);
                    vb[j][0] = lo;
                    vb[j][1] = hi;
                    for (unsigned x = 2; x <= deg; x++)
                        vb[j][x] = gl_add(vb[j][x - 1], d);
                } else {
                    gl3_t lo = rc->ext[j][2 * b], hi = rc->ext[j][2 * b + 1];
                    gl3_t d = gl3_sub(hi, lo);
                    ve[j][0] = lo;
                    ve[j][1] = hi;
                    for (unsigned x = 2; x <= deg; x++)
                        ve[j][x] = gl3_add(ve[j][x - 1], d);
                }
            }
            for (unsigned t = 0; t < n_terms; t++) {
                const sc_term_plan *pl = &rc->plan[t];
                for (unsigned x = 0; x <= deg; x++) {
                    if (x == 1 && skip_one)
                        continue;
                    gl_t pb = 1;
                    if (pl->nb) {
                        pb = vb[pl->b[0]][x];
                        for (unsigned f = 1; f < pl->nb; f++)
                            pb = gl_mul(pb, vb[pl->b[f]][x]);
                    }
                    if (pl->ne == 0) {
                        acc_b[t][x] = gl_add(acc_b[t][x], pb);
                        continue;
                    }
                    gl3_t pe = ve[pl->e[0]][x];
                    for (unsigned f = 1; f < pl->ne; f++)
                        pe = gl3_mul(pe, ve[pl->e[f]][x]);
                    if (pl->nb)
                        pe = gl3_mul_gl(pe, pb);
                    acc_e[t][x] = gl3_add(acc_e[t][x], pe);
                }
            }
        }
#pragma omp critical(zk_sumcheck_round)
        for (unsigned t = 0; t < n_terms; t++)
            for (unsigned x = 0; x <= deg; x++) {
                tot_e[t][x] = gl3_add(tot_e[t][x], acc_e[t][x]);
                tot_b[t][x] = gl_add(tot_b[t][x], acc_b[t][x]);
            }
    }
    for (unsigned x = 0; x <= deg; x++) {
        gl3_t s = gl3_zero();
        for (unsigned t = 0; t < n_terms; t++) {
            gl3_t v = tot_e[t][x];
            v.c[0] = gl_add(v.c[0], tot_b[t][x]);
            s = gl3_add(s, gl3_mul(inst->terms[t].coeff, v));
        }
        out[x] = s;
    }
}

/*
 * Run the n rounds for f (+ rho g when ms != NULL). Round degree D = the
 * mask degree if masked, else the instance degree. Writes D+1 coefficients
 * per round to proof and transcript, r_out[0..n), evals_out[0..n_tables).
 *
 * Round 1 reads the caller's tables; round i >= 2 folds round i-1's tables
 * with r_(i-1) into scratch while evaluating (sc_round_evals, fused), in
 * ping-pong order caller -> A (2^(n-1)) -> B (2^(n-2)) -> A -> ...; after the
 * last challenge the 2-entry tables are folded to the final values.
 */
static int sc_prove_rounds(const zk_sc_instance *inst, sc_mask_state *ms, zk_transcript *t,
                           zk_wbuf *proof, gl3_t *r_out, gl3_t *evals_out)
{
    const size_t n = inst->n_vars, nt = inst->n_tables;
    const unsigned df = zk_sc_degree(inst);
    const unsigned D = ms ? ms->m->degree : df;
    if (n == 0) {
        for (size_t j = 0; j < nt; j++)
            evals_out[j] = inst->base[j] ? gl3_from_gl(inst->base[j][0]) : inst->ext[j][0];
        return ZK_OK;
    }
    size_t ha = n >= 2 ? (size_t)1 << (n - 1) : 0, hb = n >= 3 ? (size_t)1 << (n - 2) : 0;
    gl3_t *scratch = NULL;
    if (ha + hb > 0) {
        scratch = malloc(nt * (ha + hb) * sizeof *scratch);
        if (!scratch)
            return zk_set_error(ZK_ERR_NOMEM, "sumcheck: out of memory for %zu-variable prover scratch", n);
    }
    gl3_t *bufa[ZK_SC_MAX_TABLES], *bufb[ZK_SC_MAX_TABLES];
    for (size_t j = 0; j < nt; j++) {
        bufa[j] = scratch ? scratch + j * ha : NULL;
        bufb[j] = scratch ? scratch + nt * ha + j * hb : NULL;
    }

    sc_round_ctx rc;
    memset(&rc, 0, sizeof rc);
    rc.inst = inst;
    rc.deg = df;
    for (size_t j = 0; j < nt; j++) {
        rc.base[j] = inst->base[j];
        rc.ext[j] = inst->ext[j];
    }
    gl3_t ys[ZK_SC_MAX_DEGREE + 1], coeffs[ZK_SC_MAX_DEGREE + 1], gc[ZK_SC_MAX_DEGREE + 1];
    gl3_t coeffs_f[ZK_SC_MAX_DEGREE + 1];
    gl3_t claim_f = gl3_zero(); /* the prover's own running claim for f, from round 2 on */
    for (size_t i = 0; i < n; i++) {
        size_t half = (size_t)1 << (n - 1 - i);
        if (i > 0) {
            rc.fold = 1;
            rc.r_prev = r_out[i - 1];
            for (size_t j = 0; j < nt; j++)
                rc.dst[j] = (i % 2 == 1) ? bufa[j] : bufb[j];
        }
        sc_round_plan(&rc);
        /* Round 1 computes every point (cheap base-field products, and it does
         * not trust the caller's claim); later rounds derive s(1) = claim_f - s(0),
         * saving one of the d+1 product evaluations in the extension field. */
        sc_round_evals(&rc, half, i > 0, ys);
        if (i > 0) {
            ys[1] = gl3_sub(claim_f, ys[0]);
            for (size_t j = 0; j < nt; j++) {
                rc.base[j] = NULL;
                rc.ext[j] = rc.dst[j];
            }
        }
        sc_interpolate(coeffs_f, ys, df);
        for (unsigned k = 0; k <= D; k++)
            coeffs[k] = k <= df ? coeffs_f[k] : gl3_zero();
        if (ms) {
            libra_round_coeffs(gc, ms, i);
            for (unsigned k = 0; k <= D; k++)
                coeffs[k] = gl3_add(coeffs[k], gl3_mul(ms->rho, gc[k]));
        }
        zk_wbuf_gl3s(proof, coeffs, D + 1);
        zk_transcript_absorb_gl3(t, "sc-round", coeffs, D + 1);
        gl3_t r = zk_transcript_challenge_gl3(t, "sc-challenge");
        r_out[i] = r;
        claim_f = sc_poly_eval(coeffs_f, df, r);
        if (ms)
            ms->prefix = gl3_add(ms->prefix, libra_gi_eval(ms->m, i, r));
    }
    /* The current tables have 2 entries: bind the last variable. */
    for (size_t j = 0; j < nt; j++)
        evals_out[j] = rc.base[j] ? sc_fold_gl(rc.base[j][0], rc.base[j][1], r_out[n - 1])
                                  : sc_fold_gl3(rc.ext[j][0], rc.ext[j][1], r_out[n - 1]);
    if (scratch) {
        /* The scratch holds partial evaluations of the witness: wipe it. */
        memset(scratch, 0, nt * (ha + hb) * sizeof *scratch);
        free(scratch);
    }
    if (proof->oom)
        return zk_set_error(ZK_ERR_NOMEM, "sumcheck: out of memory writing the proof");
    return ZK_OK;
}

/* ------------------------------------------------------------------------ */
/* Verifier core                                                             */
/* ------------------------------------------------------------------------ */

static int sc_verify_rounds(size_t n, unsigned D, gl3_t claim, zk_transcript *t, zk_rbuf *proof,
                            gl3_t *r_out, gl3_t *final_claim)
{
    gl3_t c[ZK_SC_MAX_DEGREE + 1];
    for (size_t i = 0; i < n; i++) {
        zk_rbuf_gl3s(proof, c, D + 1);
        if (proof->err)
            return zk_set_error(ZK_ERR_REJECT, "sumcheck round %zu of %zu: cannot read %u coefficients (%s)",
                                i + 1, n, D + 1, proof->what ? proof->what : "malformed");
        /* s(0) + s(1) = 2 c_0 + c_1 + ... + c_D */
        gl3_t s01 = gl3_add(c[0], c[0]);
        for (unsigned k = 1; k <= D; k++)
            s01 = gl3_add(s01, c[k]);
        if (!gl3_eq(s01, claim))
            return zk_set_error(ZK_ERR_REJECT, "sumcheck round %zu of %zu: s(0) + s(1) does not match the claim",
                                i + 1, n);
        zk_transcript_absorb_gl3(t, "sc-round", c, D + 1);
        gl3_t r = zk_transcript_challenge_gl3(t, "sc-challenge");
        r_out[i] = r;
        claim = sc_poly_eval(c, D, r);
    }
    *final_claim = claim;
    return ZK_OK;
}

static void sc_zero_outputs(gl3_t *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        a[i] = gl3_zero();
}

/* ------------------------------------------------------------------------ */
/* Plain sumcheck                                                            */
/* ------------------------------------------------------------------------ */

int zk_sumcheck_prove(const zk_sc_instance *inst, gl3_t claim, zk_transcript *t, zk_wbuf *proof,
                      gl3_t *r_out, gl3_t *evals_out)
{
    sc_check_instance(inst, ZK_SC_MAX_DEGREE);
    ZK_CHECK_ARG(t != NULL && proof != NULL && evals_out != NULL);
    ZK_CHECK_ARG(inst->n_vars == 0 || r_out != NULL);
    zk_transcript_absorb_gl3(t, "sc-claim", &claim, 1);
    int rc = sc_prove_rounds(inst, NULL, t, proof, r_out, evals_out);
    if (rc != ZK_OK) {
        sc_zero_outputs(r_out, inst->n_vars);
        sc_zero_outputs(evals_out, inst->n_tables);
    }
    return rc;
}

int zk_sumcheck_verify(size_t n_vars, unsigned degree, gl3_t claim, zk_transcript *t,
                       zk_rbuf *proof, gl3_t *r_out, gl3_t *final_claim)
{
    ZK_CHECK_ARG(n_vars <= SC_MAX_VARS && degree >= 1 && degree <= ZK_SC_MAX_DEGREE);
    ZK_CHECK_ARG(t != NULL && proof != NULL && final_claim != NULL && (n_vars == 0 || r_out != NULL));
    zk_transcript_absorb_gl3(t, "sc-claim", &claim, 1);
    int rc = sc_verify_rounds(n_vars, degree, claim, t, proof, r_out, final_claim);
    if (rc != ZK_OK) {
        sc_zero_outputs(r_out, n_vars);
        *final_claim = gl3_zero();
    }
    return rc;
}

/* ------------------------------------------------------------------------ */
/* Libra masks (eprint 2019/317, section 4.1)                                */
/* ------------------------------------------------------------------------ */

size_t zk_libra_coeffs_len(size_t n_vars, unsigned degree) { return 3 * n_vars * ((size_t)degree + 1); }

int zk_libra_mask_init(zk_libra_mask *m, size_t n_vars, unsigned degree)
{
    ZK_CHECK_ARG(m != NULL);
    ZK_CHECK_ARG(degree >= 1 && degree <= ZK_SC_MAX_DEGREE && n_vars <= SC_MAX_VARS);
    memset(m, 0, sizeof *m);
    size_t len = zk_libra_coeffs_len(n_vars, degree);
    gl_t *c = malloc((len ? len : 1) * sizeof *c);
    if (!c)
        return zk_set_error(ZK_ERR_NOMEM, "libra mask: out of memory");
    /* Uniform in F_p by rejection (a 64-bit draw is >= p with probability < 2^-32). */
    for (size_t i = 0; i < len; i++) {
        uint64_t v;
        do
            zk_random_bytes(&v, sizeof v);
        while (v >= GL_P);
        c[i] = v;
    }
    m->n_vars = n_vars;
    m->degree = degree;
    m->coeffs = c;
    return ZK_OK;
}

void zk_libra_mask_free(zk_libra_mask *m)
{
    if (!m)
        return;
    if (m->coeffs) {
        volatile gl_t *p = m->coeffs;
        size_t len = zk_libra_coeffs_len(m->n_vars, m->degree);
        for (size_t i = 0; i < len; i++)
            p[i] = 0;
        free(m->coeffs);
    }
    memset(m, 0, sizeof *m);
}

size_t zk_libra_mask_len(const zk_libra_mask *m)
{
    ZK_CHECK_ARG(m != NULL);
    return zk_libra_coeffs_len(m->n_vars, m->degree);
}

gl3_t zk_libra_mask_sum(const zk_libra_mask *m)
{
    ZK_CHECK_ARG(m != NULL && (m->n_vars == 0 || m->coeffs != NULL));
    if (m->n_vars == 0)
        return gl3_zero();
    gl3_t acc = gl3_zero();
    for (size_t i = 0; i < m->n_vars; i++)
        acc = gl3_add(acc, libra_gi_01(m, i));
    return gl3_mul_gl(acc, sc_pow2(m->n_vars - 1));
}

gl3_t zk_libra_mask_eval(const zk_libra_mask *m, const gl3_t *r)
{
    ZK_CHECK_ARG(m != NULL && (m->n_vars == 0 || (m->coeffs != NULL && r != NULL)));
    gl3_t acc = gl3_zero();
    for (size_t i = 0; i < m->n_vars; i++)
        acc = gl3_add(acc, libra_gi_eval(m, i, r[i]));
    return acc;
}

void zk_libra_linear_form(gl3_t *w, size_t n_vars, unsigned degree, const gl3_t *r)
{
    ZK_CHECK_ARG(degree >= 1 && degree <= ZK_SC_MAX_DEGREE);
    ZK_CHECK_ARG(n_vars == 0 || (w != NULL && r != NULL));
    /* g(r) = sum_{i,k} a_{i,k} r_i^k and a_{i,k} = sum_e coeffs[3(i(D+1)+k)+e] x^e,
     * so the weight of coordinate e of a_{i,k} is r_i^k x^e. Multiplying by x
     * maps (c0, c1, c2) to (2 c2, c0, c1) since x^3 = 2. */
    for (size_t i = 0; i < n_vars; i++) {
        gl3_t pw = gl3_one();
        for (unsigned k = 0; k <= degree; k++) {
            gl3_t *o = w + 3 * (i * ((size_t)degree + 1) + k);
            o[0] = pw;
            o[1] = (gl3_t){{gl_add(pw.c[2], pw.c[2]), pw.c[0], pw.c[1]}};
            o[2] = (gl3_t){{gl_add(o[1].c[2], o[1].c[2]), o[1].c[0], o[1].c[1]}};
            pw = gl3_mul(pw, r[i]);
        }
    }
}

int zk_sumcheck_prove_zk(const zk_sc_instance *inst, gl3_t claim, const zk_libra_mask *mask,
                         zk_transcript *t, zk_wbuf *proof, gl3_t *r_out, gl3_t *evals_out,
                         gl3_t *mask_eval)
{
    sc_check_instance(inst, ZK_SC_MAX_DEGREE);
    ZK_CHECK_ARG(mask != NULL && t != NULL && proof != NULL && evals_out != NULL && mask_eval != NULL);
    ZK_CHECK_ARG(inst->n_vars == 0 || r_out != NULL);
    ZK_CHECK_ARG(mask->n_vars == inst->n_vars && (mask->n_vars == 0 || mask->coeffs != NULL));
    /* Libra's hiding argument needs every coefficient of f's round polynomial masked. */
    ZK_CHECK_ARG(mask->degree >= zk_sc_degree(inst) && mask->degree <= ZK_SC_MAX_DEGREE);
    const size_t n = inst->n_vars;

    zk_transcript_absorb_gl3(t, "sc-claim", &claim, 1);
    gl3_t G = zk_libra_mask_sum(mask);
    zk_wbuf_gl3(proof, G);
    zk_transcript_absorb_gl3(t, "libra-sum", &G, 1);
    sc_mask_state ms;
    ms.m = mask;
    ms.rho = zk_transcript_challenge_gl3(t, "libra-rho");
    ms.prefix = gl3_zero();
    ms.suffix = malloc((n + 1) * sizeof *ms.suffix);
    int rc;
    if (!ms.suffix) {
        rc = zk_set_error(ZK_ERR_NOMEM, "sumcheck: out of memory");
    } else {
        ms.suffix[n] = gl3_zero();
        for (size_t i = n; i-- > 0;)
            ms.suffix[i] = gl3_add(ms.suffix[i + 1], libra_gi_01(mask, i));
        rc = sc_prove_rounds(inst, &ms, t, proof, r_out, evals_out);
        free(ms.suffix);
    }
    if (rc != ZK_OK) {
        sc_zero_outputs(r_out, n);
        sc_zero_outputs(evals_out, inst->n_tables);
        *mask_eval = gl3_zero();
        return rc;
    }
    *mask_eval = zk_libra_mask_eval(mask, r_out);
    return ZK_OK;
}

int zk_sumcheck_verify_zk(size_t n_vars, unsigned degree, gl3_t claim, zk_transcript *t,
                          zk_rbuf *proof, gl3_t *r_out, gl3_t *final_claim, gl3_t *rho)
{
    ZK_CHECK_ARG(n_vars <= SC_MAX_VARS && degree >= 1 && degree <= ZK_SC_MAX_DEGREE);
    ZK_CHECK_ARG(t != NULL && proof != NULL && final_claim != NULL && rho != NULL);
    ZK_CHECK_ARG(n_vars == 0 || r_out != NULL);
    *final_claim = *rho = gl3_zero();
    sc_zero_outputs(r_out, n_vars);
    zk_transcript_absorb_gl3(t, "sc-claim", &claim, 1);
    gl3_t G = zk_rbuf_gl3(proof);
    if (proof->err)
        return zk_set_error(ZK_ERR_REJECT, "zk sumcheck: cannot read the mask sum (%s)",
                            proof->what ? proof->what : "malformed");
    zk_transcript_absorb_gl3(t, "libra-sum", &G, 1);
    gl3_t rh = zk_transcript_challenge_gl3(t, "libra-rho");
    int rc = sc_verify_rounds(n_vars, degree, gl3_add(claim, gl3_mul(rh, G)), t, proof, r_out,
                              final_claim);
    if (rc != ZK_OK) {
        sc_zero_outputs(r_out, n_vars);
        *final_claim = gl3_zero();
        return rc;
    }
    *rho = rh;
    return ZK_OK;
}

/* ------------------------------------------------------------------------ */
/* Zerocheck                                                                 */
/* ------------------------------------------------------------------------ */

int zk_zerocheck_prove(const zk_sc_instance *inst, zk_transcript *t, zk_wbuf *proof, gl3_t *tau_out,
                       gl3_t *r_out, gl3_t *evals_out)
{
    sc_check_instance(inst, ZK_SC_MAX_DEGREE - 1);
    ZK_CHECK_ARG(inst->n_tables < ZK_SC_MAX_TABLES);
    ZK_CHECK_ARG(t != NULL && proof != NULL && evals_out != NULL);
    ZK_CHECK_ARG(inst->n_vars == 0 || (tau_out != NULL && r_out != NULL));
    const size_t n = inst->n_vars;
    zk_transcript_challenge_gl3s(t, "zc-tau", tau_out, n);
    gl3_t *eq = malloc(((size_t)1 << n) * sizeof *eq);
    if (!eq) {
        sc_zero_outputs(r_out, n);
        sc_zero_outputs(evals_out, inst->n_tables);
        return zk_set_error(ZK_ERR_NOMEM, "zerocheck: out of memory for the eq table");
    }
    zk_eq_table(eq, tau_out, n);
    /* The instance with eq(tau, .) appended as the last table and as a factor of every term. */
    zk_sc_instance z = *inst;
    size_t je = inst->n_tables;
    z.n_tables = je + 1;
    z.base[je] = NULL;
    z.ext[je] = eq;
    for (size_t k = 0; k < z.n_terms; k++)
        z.terms[k].factor[z.terms[k].n_factors++] = (unsigned)je;
    gl3_t evals[ZK_SC_MAX_TABLES];
    int rc = sc_prove_rounds(&z, NULL, t, proof, r_out, evals);
    free(eq);
    if (rc != ZK_OK) {
        sc_zero_outputs(r_out, n);
        sc_zero_outputs(evals_out, inst->n_tables);
        return rc;
    }
    memcpy(evals_out, evals, inst->n_tables * sizeof *evals_out);
    return ZK_OK;
}

int zk_zerocheck_verify(size_t n_vars, unsigned degree, zk_transcript *t, zk_rbuf *proof,
                        gl3_t *tau_out, gl3_t *r_out, gl3_t *final_claim)
{
    ZK_CHECK_ARG(n_vars <= SC_MAX_VARS && degree >= 1 && degree < ZK_SC_MAX_DEGREE);
    ZK_CHECK_ARG(t != NULL && proof != NULL && final_claim != NULL);
    ZK_CHECK_ARG(n_vars == 0 || (tau_out != NULL && r_out != NULL));
    zk_transcript_challenge_gl3s(t, "zc-tau", tau_out, n_vars);
    int rc = sc_verify_rounds(n_vars, degree + 1, gl3_zero(), t, proof, r_out, final_claim);
    if (rc != ZK_OK) {
        sc_zero_outputs(r_out, n_vars);
        *final_claim = gl3_zero();
    }
    return rc;
}
