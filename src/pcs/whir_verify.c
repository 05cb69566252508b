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

    uint32_t m = p->total_vars, k = p->folding_factor, w = p->ood_samples, fv = p->final_vars;
    size_t L = (size_t)1 << k;
    int st = ZK_OK;
    cs_list cl = {NULL, 0, 0};
    gl3_t *vals = NULL, *leaves3 = NULL, *mleaves = NULL, *alpha = NULL, *fin = NULL, *wfin = NULL;
    gl_t *leaves = NULL;
    size_t *idx = NULL;
    size_t maxq = 0, sumq = 0;
    for (uint32_t i = 0; i <= p->n_rounds; i++) {
        maxq = p->queries[i] > maxq ? p->queries[i] : maxq;
        sumq += p->queries[i];
    }
    cl.cap = n_claims + 2 * w + (size_t)p->n_rounds * w + sumq;
    cl.cs = malloc(cl.cap * sizeof *cl.cs);
    vals = malloc((n_claims + 2 * w) * sizeof *vals);
    leaves = malloc(maxq * L * sizeof *leaves);
    leaves3 = malloc(maxq * L * sizeof *leaves3);
    mleaves = malloc(maxq * L * sizeof *mleaves);
    idx = malloc(maxq * sizeof *idx);
    alpha = malloc((m + 1) * sizeof *alpha);
    fin = malloc(((size_t)1 << fv) * sizeof *fin);
    wfin = malloc(((size_t)1 << fv) * sizeof *wfin);
    if (!cl.cs || !vals || !leaves || !leaves3 || !mleaves || !idx || !alpha || !fin || !wfin) {
        st = zk_set_error(ZK_ERR_NOMEM, "WHIR verify: out of memory");
        goto out;
    }

    zk_whir_absorb_claims(t, p, claims, n_claims);

    /* ---- initial constraints ---- */
    for (size_t j = 0; j < n_claims; j++) {
        zk_whir_constraint *c = cs_push(&cl);
        c->type = claims[j].kind == ZK_CLAIM_POINT ? WHIR_C_POINT : WHIR_C_DENSE;
        c->point = claims[j].point;
        c->weights = claims[j].weights;
        vals[j] = claims[j].value;
    }
    for (uint32_t s = 0; s < w; s++) {
        zk_whir_constraint *c = cs_push(&cl);
        c->type = WHIR_C_UNI;
        c->y = com->ood_points[s];
        vals[n_claims + s] = com->ood_answers[s];
    }
    zk_digest mroot;
    gl3_t cmask = gl3_zero();
    if (p->hiding) {
        zk_rbuf_digest(proof, &mroot);
        zk_transcript_absorb_digest(t, "zkm-whir-mask-root", &mroot);
        gl3_t zM[4], ans[12];
        zk_transcript_challenge_gl3s(t, "zkm-whir-mask-ood", zM, w);
        zk_rbuf_gl3s(proof, ans, 3 * w);
        if (proof->err) {
            st = reject("truncated or malformed proof (mask)");
            goto out;
        }
        zk_transcript_absorb_gl3(t, "zkm-whir-mask-ood-answers", ans, 3 * w);
        for (size_t j = 0; j < n_claims; j++) {
            gl3_t mu = zk_rbuf_gl3(proof);
            zk_transcript_absorb_gl3(t, "zkm-whir-mask-claim", &mu, 1);
            vals[j] = mu;
        }
        if (proof->err) {
            st = reject("truncated or malformed proof (mask claims)");
            goto out;
        }
        cmask = zk_transcript_challenge_gl3(t, "zkm-whir-mask-c");
        for (size_t j = 0; j < n_claims; j++)
            vals[j] = gl3_add(vals[j], gl3_mul(cmask, claims[j].value));
        for (uint32_t s = 0; s < w; s++) {
            vals[n_claims + s] = gl3_add(ans[2 * w + s], gl3_mul(cmask, com->ood_answers[s]));
            zk_whir_constraint *c = cs_push(&cl);
            c->type = WHIR_C_UNI;
            c->y = zM[s];
            vals[n_claims + w + s] = gl3_add(ans[s], gl3_mul(cmask, ans[w + s]));
        }
    }
    gl3_t gamma = zk_transcript_challenge_gl3(t, "zkm-whir-gamma"), gp = gl3_one(), sigma = gl3_zero();
    for (size_t j = 0; j < cl.n; j++) {
        cl.cs[j].coeff = gp;
        sigma = gl3_add(sigma, gl3_mul(gp, vals[j]));
        gp = gl3_mul(gp, gamma);
    }

    /* ---- rounds ---- */
    zk_digest root = com->root, next_root = com->root;
    for (uint32_t i = 0; i <= p->n_rounds; i++) {
        gl3_t *a = alpha + (size_t)k * i;
        for (uint32_t s = 0; s < k; s++) {
            gl3_t msg[2];
            zk_rbuf_gl3s(proof, msg, 2);
            if (proof->err) {
                st = reject("truncated or malformed proof (sumcheck)");
                goto out;
            }
            zk_transcript_absorb_gl3(t, "zkm-whir-sc", msg, 2);
            if (p->fold_pow_bits[i]) {
                uint64_t nonce = zk_rbuf_u64(proof);
                if (proof->err || !zk_transcript_pow_verify(t, p->fold_pow_bits[i], nonce)) {
                    st = reject("folding proof of work invalid");
                    goto out;
                }
            }
            gl3_t al = zk_transcript_challenge_gl3(t, "zkm-whir-fold");
            a[s] = al;
            gl3_t c1 = gl3_sub(gl3_sub(sigma, gl3_add(msg[0], msg[0])), msg[1]);
            sigma = gl3_add(msg[0], gl3_mul(al, gl3_add(c1, gl3_mul(al, msg[1]))));
        }
        gl3_t z[4], zans[4];
        size_t nf = (size_t)1 << fv;
        if (i < p->n_rounds) {
            zk_rbuf_digest(proof, &next_root);
            if (proof->err) {
                st = reject("truncated proof (root)");
                goto out;
            }
            zk_transcript_absorb_digest(t, "zkm-whir-root", &next_root);
            zk_transcript_challenge_gl3s(t, "zkm-whir-ood", z, w);
            zk_rbuf_gl3s(proof, zans, w);
            if (proof->err) {
                st = reject("truncated or malformed proof (OOD answers)");
                goto out;
            }
            zk_transcript_absorb_gl3(t, "zkm-whir-ood-answers", zans, w);
        } else {
            zk_rbuf_gl3s(proof, fin, nf);
            if (proof->err) {
                st = reject("truncated or malformed proof (final polynomial)");
                goto out;
            }
            zk_transcript_absorb_gl3(t, "zkm-whir-final", fin, nf);
        }
        if (p->pow_bits[i]) {
            uint64_t nonce = zk_rbuf_u64(proof);
            if (proof->err || !zk_transcript_pow_verify(t, p->pow_bits[i], nonce)) {
                st = reject("query proof of work invalid");
                goto out;
            }
        }
        unsigned log_n = zk_whir_log_domain(p, i);
        size_t tq = p->queries[i], n_leaves = (size_t)1 << (log_n - k);
        zk_transcript_challenge_indices(t, "zkm-whir-query", n_leaves, idx, tq);
        size_t u = zk_whir_sort_unique(idx, tq);
        if (i == 0) {
            zk_rbuf_gls(proof, leaves, u * L);
            if (proof->err ||
                zk_merkle_verify(&com->root, n_leaves, L * sizeof(gl_t), (int)p->hiding, idx, u,
                                 (const uint8_t *)leaves, proof) != ZK_OK) {
                st = reject("initial codeword opening invalid");
                goto out;
            }
            if (p->hiding) {
                zk_rbuf_gl3s(proof, mleaves, u * L);
                if (proof->err || zk_merkle_verify(&mroot, n_leaves, L * sizeof(gl3_t), 1, idx, u,
                                                   (const uint8_t *)mleaves, proof) != ZK_OK) {
                    st = reject("mask codeword opening invalid");
                    goto out;
                }
            }
            for (size_t q = 0; q < u * L; q++)
                leaves3[q] = p->hiding ? gl3_add(mleaves[q], gl3_mul_gl(cmask, leaves[q])) : gl3_from_gl(leaves[q]);
        } else {
            zk_rbuf_gl3s(proof, leaves3, u * L);
            if (proof->err || zk_merkle_verify(&root, n_leaves, L * sizeof(gl3_t), (int)p->hiding, idx, u,
                                               (const uint8_t *)leaves3, proof) != ZK_OK) {
                st = reject("round codeword opening invalid");
                goto out;
            }
        }
        gl3_t gc = gl3_zero(), cf = gl3_zero();
        if (i < p->n_rounds) {
            gc = zk_transcript_challenge_gl3(t, "zkm-whir-comb");
            cf = gc;
            for (uint32_t s = 0; s < w; s++) {
                zk_whir_constraint *c = cs_push(&cl);
                c->type = WHIR_C_UNI;
                c->round = i + 1;
                c->y = z[s];
                c->coeff = cf;
                sigma = gl3_add(sigma, gl3_mul(cf, zans[s]));
                cf = gl3_mul(cf, gc);
            }
        }
        for (size_t q = 0; q < u; q++) {
            gl3_t f = zk_whir_fold_leaf(leaves3 + q * L, k, a, log_n, idx[q]);
            gl3_t x = gl3_from_gl(zk_whir_query_point(log_n, k, idx[q]));
            if (i < p->n_rounds) {
                zk_whir_constraint *c = cs_push(&cl);
                c->type = WHIR_C_UNI;
                c->round = i + 1;
                c->y = x;
                c->coeff = cf;
                sigma = gl3_add(sigma, gl3_mul(cf, f));
                cf = gl3_mul(cf, gc);
            } else if (!gl3_eq(f, zk_whir_uni_eval_gl3(fin, nf, x))) {
                st = reject("final polynomial inconsistent with the last codeword");
                goto out;
            }
        }
        root = next_root;
    }

    /* ---- final check: sigma = sum_b W_final(b) f_final(b) ---- */
    if (zk_whir_eval_final_weights(wfin, p, cl.cs, cl.n, alpha) != 0) {
        st = zk_set_error(ZK_ERR_NOMEM, "WHIR verify: out of memory");
        goto out;
    }
    coeffs_to_evals_small(fin, fv);
    gl3_t acc = gl3_zero();
    for (size_t b = 0; b < ((size_t)1 << fv); b++)
        acc = gl3_add(acc, gl3_mul(wfin[b], fin[b]));
    if (!gl3_eq(acc, sigma))
        st = reject("final sumcheck claim mismatch");
out:
    free(cl.cs);
    free(vals);
    free(leaves);
    free(leaves3);
    free(mleaves);
    free(idx);
    free(alpha);
    free(fin);
    free(wfin);
    return st;
}
