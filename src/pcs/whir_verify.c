/*
 * whir_verify.c — the WHIR verifier (eprint 2024/1586, Construction 5.1),
 * mirroring whir_open.c step by step. Reads the proof through a bounds-checked
 * zk_rbuf (sticky errors), consumes exactly the bytes of one opening, and
 * rejects on any inconsistency. Cost: O(sum_i t_i 2^k) field operations for the
 * leaf folds, Merkle multi-path checks, and O(#constraints * m) for the final
 * weight (plus O(2^n_vars) per dense linear claim).
 */
#include <stdlib.h>
#include <string.h>

#include "pcs/whir_internal.h"
#include "zkmlops/merkle.h"
#include "zkmlops/mle.h"
#include "zkmlops/status.h"

typedef struct {
    zk_whir_constraint *cs;
    size_t n, cap;
} cs_list;

static zk_whir_constraint *cs_push(cs_list *l)
{
    if (l->n == l->cap)
        return NULL; /* capacity is computed from the parameters up front */
    zk_whir_constraint *c = &l->cs[l->n++];
    memset(c, 0, sizeof *c);
    return c;
}

/* Small inverse Moebius transform (coefficients -> hypercube evaluations). */
static void coeffs_to_evals_small(gl3_t *v, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        size_t h = (size_t)1 << i;
        for (size_t b = 0; b < ((size_t)1 << n); b++)
            if (b & h)
                v[b] = gl3_add(v[b], v[b ^ h]);
    }
}

static int reject(const char *what) { return zk_set_error(ZK_ERR_REJECT, "WHIR: %s", what); }

/* Verifier state (buffers sized from the parameters only). */
typedef struct {
    const zk_whir_params *p;
    const zk_whir_commitment *com;
    zk_transcript *t;
    zk_rbuf *proof;
    cs_list cl;
    gl3_t *vals;              /* values of the initial constraints */
    gl3_t sigma;              /* running sumcheck claim */
    gl3_t *alpha;             /* all folding challenges */
    gl3_t *fin, *wfin;        /* final polynomial; final weights */
    gl_t *leaves;             /* round-0 f' leaves */
    gl3_t *leaves3, *mleaves; /* leaves as extension elements; hiding mask leaves */
    size_t *idx;
    zk_digest mroot;          /* hiding: mask root */
    gl3_t cmask;
} verifier;

static void verifier_free(verifier *v)
{
    free(v->cl.cs);
    free(v->vals);
    free(v->leaves);
    free(v->leaves3);
    free(v->mleaves);
    free(v->idx);
    free(v->alpha);
    free(v->fin);
    free(v->wfin);
}

static int verifier_alloc(verifier *v, size_t n_claims)
{
    const zk_whir_params *p = v->p;
    uint32_t w = p->ood_samples;
    size_t L = (size_t)1 << p->folding_factor, maxq = 0, sumq = 0, nf = (size_t)1 << p->final_vars;
    for (uint32_t i = 0; i <= p->n_rounds; i++) {
        maxq = p->queries[i] > maxq ? p->queries[i] : maxq;
        sumq += p->queries[i];
    }
    v->cl.cap = n_claims + 2 * w + (size_t)p->n_rounds * w + sumq;
    v->cl.cs = malloc(v->cl.cap * sizeof *v->cl.cs);
    v->vals = malloc((n_claims + 2 * w) * sizeof *v->vals);
    v->leaves = malloc(maxq * L * sizeof *v->leaves);
    v->leaves3 = malloc(maxq * L * sizeof *v->leaves3);
    v->mleaves = malloc(maxq * L * sizeof *v->mleaves);
    v->idx = malloc(maxq * sizeof *v->idx);
    v->alpha = malloc((p->total_vars + 1) * sizeof *v->alpha);
    v->fin = malloc(nf * sizeof *v->fin);
    v->wfin = malloc(nf * sizeof *v->wfin);
    if (!v->cl.cs || !v->vals || !v->leaves || !v->leaves3 || !v->mleaves || !v->idx || !v->alpha || !v->fin ||
        !v->wfin)
        return zk_set_error(ZK_ERR_NOMEM, "WHIR verify: out of memory");
    return ZK_OK;
}

/* The claims and the commitment's OOD answers as constraints (order and
 * values as in whir_open.c). */
static void initial_constraints(verifier *v, const zk_whir_claim *claims, size_t n_claims)
{
    for (size_t j = 0; j < n_claims; j++) {
        zk_whir_constraint *c = cs_push(&v->cl);
        c->type = claims[j].kind == ZK_CLAIM_POINT ? WHIR_C_POINT : WHIR_C_DENSE;
        c->point = claims[j].point;
        c->weights = claims[j].weights;
        v->vals[j] = claims[j].value;
    }
    for (uint32_t s = 0; s < v->p->ood_samples; s++) {
        zk_whir_constraint *c = cs_push(&v->cl);
        c->type = WHIR_C_UNI;
        c->y = v->com->ood_points[s];
        v->vals[n_claims + s] = v->com->ood_answers[s];
    }
}

/* Hiding: read the mask root, its OOD answers and claim values, draw c, and
 * turn the constraint values into those of h = M + c f'. */
static int mask_phase(verifier *v, const zk_whir_claim *claims, size_t n_claims)
{
    uint32_t w = v->p->ood_samples;
    zk_rbuf_digest(v->proof, &v->mroot);
    zk_transcript_absorb_digest(v->t, "zkm-whir-mask-root", &v->mroot);
    gl3_t zM[4], ans[12];
    zk_transcript_challenge_gl3s(v->t, "zkm-whir-mask-ood", zM, w);
    zk_rbuf_gl3s(v->proof, ans, 3 * w);
    if (v->proof->err)
        return reject("truncated or malformed proof (mask)");
    zk_transcript_absorb_gl3(v->t, "zkm-whir-mask-ood-answers", ans, 3 * w);
    for (size_t j = 0; j < n_claims; j++) {
        gl3_t mu = zk_rbuf_gl3(v->proof);
        zk_transcript_absorb_gl3(v->t, "zkm-whir-mask-claim", &mu, 1);
        v->vals[j] = mu;
    }
    if (v->proof->err)
        return reject("truncated or malformed proof (mask claims)");
    gl3_t c = zk_transcript_challenge_gl3(v->t, "zkm-whir-mask-c");
    v->cmask = c;
    for (size_t j = 0; j < n_claims; j++)
        v->vals[j] = gl3_add(v->vals[j], gl3_mul(c, claims[j].value));
    for (uint32_t s = 0; s < w; s++) {
        v->vals[n_claims + s] = gl3_add(ans[2 * w + s], gl3_mul(c, v->com->ood_answers[s]));
        zk_whir_constraint *cst = cs_push(&v->cl);
        cst->type = WHIR_C_UNI;
        cst->y = zM[s];
        v->vals[n_claims + w + s] = gl3_add(ans[s], gl3_mul(c, ans[w + s]));
    }
    return ZK_OK;
}

/* The k sumcheck rounds of iteration i: challenges into a[0..k). */
static int sumcheck_rounds(verifier *v, uint32_t i, gl3_t *a)
{
    const zk_whir_params *p = v->p;
    for (uint32_t s = 0; s < p->folding_factor; s++) {
        gl3_t msg[2];
        zk_rbuf_gl3s(v->proof, msg, 2);
        if (v->proof->err)
            return reject("truncated or malformed proof (sumcheck)");
        zk_transcript_absorb_gl3(v->t, "zkm-whir-sc", msg, 2);
        if (p->fold_pow_bits[i]) {
            uint64_t nonce = zk_rbuf_u64(v->proof);
            if (v->proof->err || !zk_transcript_pow_verify(v->t, p->fold_pow_bits[i], nonce))
                return reject("folding proof of work invalid");
        }
        gl3_t al = zk_transcript_challenge_gl3(v->t, "zkm-whir-fold");
        a[s] = al;
        gl3_t c1 = gl3_sub(gl3_sub(v->sigma, gl3_add(msg[0], msg[0])), msg[1]);
        v->sigma = gl3_add(msg[0], gl3_mul(al, gl3_add(c1, gl3_mul(al, msg[1]))));
    }
    return ZK_OK;
}

/* Read the next root and OOD answers (i < R) or the final polynomial (i = R). */
static int read_round(verifier *v, uint32_t i, zk_digest *next_root, gl3_t *z, gl3_t *zans)
{
    const zk_whir_params *p = v->p;
    uint32_t w = p->ood_samples;
    if (i == p->n_rounds) {
        size_t nf = (size_t)1 << p->final_vars;
        zk_rbuf_gl3s(v->proof, v->fin, nf);
        if (v->proof->err)
            return reject("truncated or malformed proof (final polynomial)");
        zk_transcript_absorb_gl3(v->t, "zkm-whir-final", v->fin, nf);
        return ZK_OK;
    }
    zk_rbuf_digest(v->proof, next_root);
    if (v->proof->err)
        return reject("truncated proof (root)");
    zk_transcript_absorb_digest(v->t, "zkm-whir-root", next_root);
    zk_transcript_challenge_gl3s(v->t, "zkm-whir-ood", z, w);
    zk_rbuf_gl3s(v->proof, zans, w);
    if (v->proof->err)
        return reject("truncated or malformed proof (OOD answers)");
    zk_transcript_absorb_gl3(v->t, "zkm-whir-ood-answers", zans, w);
    return ZK_OK;
}

/* Query phase i: proof of work, indices, leaves of codeword i (Merkle-checked
 * against root) into leaves3; returns the number of distinct indices in *u. */
static int read_queries(verifier *v, uint32_t i, const zk_digest *root, size_t *u)
{
    const zk_whir_params *p = v->p;
    uint32_t k = p->folding_factor;
    size_t L = (size_t)1 << k;
    if (p->pow_bits[i]) {
        uint64_t nonce = zk_rbuf_u64(v->proof);
        if (v->proof->err || !zk_transcript_pow_verify(v->t, p->pow_bits[i], nonce))
            return reject("query proof of work invalid");
    }
    unsigned log_n = zk_whir_log_domain(p, i);
    size_t n_leaves = (size_t)1 << (log_n - k);
    zk_transcript_challenge_indices(v->t, "zkm-whir-query", n_leaves, v->idx, p->queries[i]);
    *u = zk_whir_sort_unique(v->idx, p->queries[i]);
    if (i > 0) {
        zk_rbuf_gl3s(v->proof, v->leaves3, *u * L);
        if (v->proof->err || zk_merkle_verify(root, n_leaves, L * sizeof(gl3_t), (int)p->hiding, v->idx, *u,
                                              (const uint8_t *)v->leaves3, v->proof) != ZK_OK)
            return reject("round codeword opening invalid");
        return ZK_OK;
    }
    zk_rbuf_gls(v->proof, v->leaves, *u * L);
    if (v->proof->err || zk_merkle_verify(root, n_leaves, L * sizeof(gl_t), (int)p->hiding, v->idx, *u,
                                          (const uint8_t *)v->leaves, v->proof) != ZK_OK)
        return reject("initial codeword opening invalid");
    if (p->hiding) {
        zk_rbuf_gl3s(v->proof, v->mleaves, *u * L);
        if (v->proof->err || zk_merkle_verify(&v->mroot, n_leaves, L * sizeof(gl3_t), 1, v->idx, *u,
                                              (const uint8_t *)v->mleaves, v->proof) != ZK_OK)
            return reject("mask codeword opening invalid");
    }
    for (size_t q = 0; q < *u * L; q++)
        v->leaves3[q] = p->hiding ? gl3_add(v->mleaves[q], gl3_mul_gl(v->cmask, v->leaves[q]))
                                  : gl3_from_gl(v->leaves[q]);
    return ZK_OK;
}

/* Fold the opened leaves; for i < R add the OOD and shift constraints of
 * round i+1 (combination challenge), for i = R check the final polynomial. */
static int fold_and_combine(verifier *v, uint32_t i, const gl3_t *a, size_t u, const gl3_t *z, const gl3_t *zans)
{
    const zk_whir_params *p = v->p;
    uint32_t k = p->folding_factor, w = p->ood_samples;
    size_t L = (size_t)1 << k, nf = (size_t)1 << p->final_vars;
    unsigned log_n = zk_whir_log_domain(p, i);
    gl3_t gc = gl3_zero(), cf = gl3_zero();
    if (i < p->n_rounds) {
        gc = zk_transcript_challenge_gl3(v->t, "zkm-whir-comb");
        cf = gc;
        for (uint32_t s = 0; s < w; s++) {
            zk_whir_constraint *c = cs_push(&v->cl);
            c->type = WHIR_C_UNI;
            c->round = i + 1;
            c->y = z[s];
            c->coeff = cf;
            v->sigma = gl3_add(v->sigma, gl3_mul(cf, zans[s]));
            cf = gl3_mul(cf, gc);
        }
    }
    for (size_t q = 0; q < u; q++) {
        gl3_t f = zk_whir_fold_leaf(v->leaves3 + q * L, k, a, log_n, v->idx[q]);
        gl3_t x = gl3_from_gl(zk_whir_query_point(log_n, k, v->idx[q]));
        if (i == p->n_rounds) {
            if (!gl3_eq(f, zk_whir_uni_eval_gl3(v->fin, nf, x)))
                return reject("final polynomial inconsistent with the last codeword");
            continue;
        }
        zk_whir_constraint *c = cs_push(&v->cl);
        c->type = WHIR_C_UNI;
        c->round = i + 1;
        c->y = x;
        c->coeff = cf;
        v->sigma = gl3_add(v->sigma, gl3_mul(cf, f));
        cf = gl3_mul(cf, gc);
    }
    return ZK_OK;
}

/* sigma == sum_b W_final(b) f_final(b) over the final_vars variables. */
static int final_check(verifier *v)
{
    uint32_t fv = v->p->final_vars;
    if (zk_whir_eval_final_weights(v->wfin, v->p, v->cl.cs, v->cl.n, v->alpha) != 0)
        return zk_set_error(ZK_ERR_NOMEM, "WHIR verify: out of memory");
    coeffs_to_evals_small(v->fin, fv);
    gl3_t acc = gl3_zero();
    for (size_t b = 0; b < ((size_t)1 << fv); b++)
        acc = gl3_add(acc, gl3_mul(v->wfin[b], v->fin[b]));
    return gl3_eq(acc, v->sigma) ? ZK_OK : reject("final sumcheck claim mismatch");
}

int zk_whir_verify(const zk_whir_commitment *com, const zk_whir_claim *claims, size_t n_claims,
                   zk_transcript *t, zk_rbuf *proof)
{
    ZK_CHECK_ARG(com != NULL && claims != NULL && t != NULL && proof != NULL);
    ZK_CHECK_ARG(n_claims >= 1 && n_claims <= ZK_WHIR_MAX_CLAIMS);
    const zk_whir_params *p = &com->params;
    if (zk_whir_params_check(p) != NULL)
        return reject("invalid parameters in the commitment");
    for (size_t j = 0; j < n_claims; j++)
        ZK_CHECK_ARG(claims[j].kind == ZK_CLAIM_POINT ? claims[j].point != NULL
                                                      : (claims[j].kind == ZK_CLAIM_LINEAR && claims[j].weights));
    verifier v;
    memset(&v, 0, sizeof v);
    v.p = p;
    v.com = com;
    v.t = t;
    v.proof = proof;
    int st = verifier_alloc(&v, n_claims);
    if (st != ZK_OK)
        goto out;
    zk_whir_absorb_claims(t, p, claims, n_claims);
    initial_constraints(&v, claims, n_claims);
    if (p->hiding && (st = mask_phase(&v, claims, n_claims)) != ZK_OK)
        goto out;
    gl3_t gamma = zk_transcript_challenge_gl3(t, "zkm-whir-gamma"), gp = gl3_one();
    v.sigma = gl3_zero();
    for (size_t j = 0; j < v.cl.n; j++) {
        v.cl.cs[j].coeff = gp;
        v.sigma = gl3_add(v.sigma, gl3_mul(gp, v.vals[j]));
        gp = gl3_mul(gp, gamma);
    }
    zk_digest root = com->root, next_root = com->root;
    for (uint32_t i = 0; i <= p->n_rounds; i++) {
        gl3_t *a = v.alpha + (size_t)p->folding_factor * i, z[4], zans[4];
        size_t u = 0;
        if ((st = sumcheck_rounds(&v, i, a)) != ZK_OK || (st = read_round(&v, i, &next_root, z, zans)) != ZK_OK ||
            (st = read_queries(&v, i, &root, &u)) != ZK_OK || (st = fold_and_combine(&v, i, a, u, z, zans)) != ZK_OK)
            goto out;
        root = next_root;
    }
    st = final_check(&v);
out:
    verifier_free(&v);
    return st;
}
