/*
 * whir_commit.c — WHIR commitment (eprint 2024/1586, section 5: the initial
 * Reed–Solomon codeword of the univariate encoding of the multilinear
 * coefficients), its hiding variant (docs/whir.md, "Hiding"), commitment and
 * witness (de)serialization.
 */
#include <stdlib.h>
#include <string.h>

#include "pcs/whir_internal.h"
#include "zkmlops/merkle.h"
#include "zkmlops/mle.h"
#include "zkmlops/ntt.h"
#include "zkmlops/status.h"

static void wipe_free(void *p, size_t bytes)
{
    if (p)
        explicit_bzero(p, bytes);
    free(p);
}

void zk_whir_witness_free(zk_whir_witness *wit)
{
    if (!wit)
        return;
    const zk_whir_params *p = &wit->params;
    if (p->total_vars >= 1 && p->total_vars <= ZK_WHIR_MAX_VARS + 1) {
        wipe_free(wit->evals, wit->evals ? ((size_t)1 << p->n_vars) * sizeof(gl_t) : 0);
        wipe_free(wit->coeffs, wit->coeffs ? ((size_t)1 << p->total_vars) * sizeof(gl_t) : 0);
        wipe_free(wit->codeword,
                  wit->codeword ? ((size_t)1 << (p->total_vars + p->log_inv_rate)) * sizeof(gl_t) : 0);
    } else {
        free(wit->evals);
        free(wit->coeffs);
        free(wit->codeword);
    }
    zk_merkle_free(&wit->tree);
    explicit_bzero(wit, sizeof *wit);
}

int zk_whir_commit(const zk_whir_params *p, const gl_t *evals, const uint8_t *seed,
                   zk_whir_commitment *com, zk_whir_witness *wit)
{
    ZK_CHECK_ARG(p != NULL && evals != NULL && com != NULL && wit != NULL);
    ZK_CHECK_ARG(zk_whir_params_check(p) == NULL);
    memset(com, 0, sizeof *com);
    memset(wit, 0, sizeof *wit);
    wit->params = *p;
    if (seed)
        memcpy(wit->seed, seed, 32);
    else
        zk_random_bytes(wit->seed, 32);

    uint32_t n = p->n_vars, m = p->total_vars, k = p->folding_factor;
    size_t nn = (size_t)1 << n, mm = (size_t)1 << m;
    unsigned log_n = zk_whir_log_domain(p, 0);
    size_t N = (size_t)1 << log_n;
    gl_t *tmp = NULL;
    uint8_t *salts = NULL;
    int st = ZK_OK;

    wit->evals = malloc(nn * sizeof(gl_t));
    wit->coeffs = zk_whir_big_alloc(mm * sizeof(gl_t));
    wit->codeword = zk_whir_big_alloc(N * sizeof(gl_t));
    tmp = zk_whir_big_alloc(N * sizeof(gl_t));
    if (!wit->evals || !wit->coeffs || !wit->codeword || !tmp) {
        st = zk_set_error(ZK_ERR_NOMEM, "WHIR commit: out of memory (2^%u variables)", m);
        goto fail;
    }
    for (size_t i = 0; i < nn; i++)
        ZK_CHECK_ARG(gl_is_canonical(evals[i]));
    memcpy(wit->evals, evals, nn * sizeof(gl_t));

    /* f' evaluations: f zero-padded, and for hiding the top half R(x). */
    size_t half = p->hiding ? mm / 2 : mm;
    memcpy(wit->coeffs, evals, nn * sizeof(gl_t));
    memset(wit->coeffs + nn, 0, (half - nn) * sizeof(gl_t));
    if (p->hiding)
        zk_whir_prg_gl(wit->coeffs + half, half, wit->seed, "zkm-whir-R");
    zk_whir_moebius_gl(wit->coeffs, m, 0);

    if (zk_rs_encode(tmp, wit->coeffs, m, log_n - m) != 0) {
        st = zk_set_error(ZK_ERR_NOMEM, "WHIR commit: out of memory (NTT)");
        goto fail;
    }
    zk_whir_leaf_major_gl(wit->codeword, tmp, log_n, k);
    wipe_free(tmp, N * sizeof(gl_t));
    tmp = NULL;

    size_t n_leaves = N >> k;
    if (p->hiding) {
        salts = malloc(n_leaves * ZK_SALT_BYTES);
        if (!salts) {
            st = zk_set_error(ZK_ERR_NOMEM, "WHIR commit: out of memory (salts)");
            goto fail;
        }
        zk_whir_prg_bytes(salts, n_leaves * ZK_SALT_BYTES, wit->seed, "zkm-whir-salt");
    }
    if ((st = zk_merkle_build(&wit->tree, wit->codeword, n_leaves, ((size_t)1 << k) * sizeof(gl_t),
                              (int)p->hiding, salts)) != ZK_OK) {
        st = zk_set_error(ZK_ERR_NOMEM, "WHIR commit: out of memory (Merkle tree)");
        goto fail;
    }
    wipe_free(salts, salts ? n_leaves * ZK_SALT_BYTES : 0);
    salts = NULL;

    com->params = *p;
    com->root = *zk_merkle_root(&wit->tree);
    zk_whir_derive_ood(com->ood_points, p, &com->root);
    for (uint32_t s = 0; s < p->ood_samples; s++)
        com->ood_answers[s] = zk_whir_uni_eval_gl(wit->coeffs, mm, com->ood_points[s]);
    return ZK_OK;

fail:
    wipe_free(tmp, tmp ? N * sizeof(gl_t) : 0);
    wipe_free(salts, salts ? n_leaves * ZK_SALT_BYTES : 0);
    zk_whir_witness_free(wit);
    memset(com, 0, sizeof *com);
    return st;
}

void zk_whir_commitment_write(zk_wbuf *w, const zk_whir_commitment *c)
{
    ZK_CHECK_ARG(w != NULL && c != NULL && c->params.ood_samples <= 4);
    zk_whir_params_write(w, &c->params);
    zk_wbuf_digest(w, &c->root);
    zk_wbuf_gl3s(w, c->ood_points, c->params.ood_samples);
    zk_wbuf_gl3s(w, c->ood_answers, c->params.ood_samples);
}

int zk_whir_commitment_read(zk_rbuf *r, zk_whir_commitment *c)
{
    ZK_CHECK_ARG(r != NULL && c != NULL);
    memset(c, 0, sizeof *c);
    int st = zk_whir_params_read(r, &c->params);
    if (st != ZK_OK)
        return zk_error_prefix(st, "WHIR commitment");
    zk_rbuf_digest(r, &c->root);
    zk_rbuf_gl3s(r, c->ood_points, c->params.ood_samples);
    zk_rbuf_gl3s(r, c->ood_answers, c->params.ood_samples);
    if (r->err) {
        memset(c, 0, sizeof *c);
        return zk_set_error(ZK_ERR_INPUT, "WHIR commitment: %s", r->what ? r->what : "truncated");
    }
    gl3_t pts[4];
    zk_whir_derive_ood(pts, &c->params, &c->root);
    for (uint32_t s = 0; s < c->params.ood_samples; s++) {
        if (!gl3_eq(pts[s], c->ood_points[s])) {
            memset(c, 0, sizeof *c);
            zk_rbuf_fail(r, "WHIR commitment OOD point mismatch");
            return zk_set_error(ZK_ERR_INPUT, "WHIR commitment: OOD point %u is not derived from the root", s);
        }
    }
    return ZK_OK;
}

void zk_whir_commitment_absorb(zk_transcript *t, const zk_whir_commitment *c)
{
    ZK_CHECK_ARG(t != NULL && c != NULL && c->params.ood_samples <= 4);
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_whir_params_write(&w, &c->params);
    ZK_CHECK_ARG(!w.oom);
    zk_transcript_absorb(t, "zkm-whir-com-params", w.data, w.len);
    zk_wbuf_free(&w);
    zk_transcript_absorb_digest(t, "zkm-whir-com-root", &c->root);
    zk_transcript_absorb_gl3(t, "zkm-whir-com-ood-points", c->ood_points, c->params.ood_samples);
    zk_transcript_absorb_gl3(t, "zkm-whir-com-ood-answers", c->ood_answers, c->params.ood_samples);
}

void zk_whir_witness_write(zk_wbuf *w, const zk_whir_witness *wit)
{
    ZK_CHECK_ARG(w != NULL && wit != NULL && wit->evals != NULL);
    zk_whir_params_write(w, &wit->params);
    zk_wbuf_put(w, wit->seed, 32);
    zk_wbuf_gls(w, wit->evals, (size_t)1 << wit->params.n_vars);
}

int zk_whir_witness_read(zk_rbuf *r, zk_whir_witness *wit, zk_whir_commitment *com)
{
    ZK_CHECK_ARG(r != NULL && wit != NULL && com != NULL);
    memset(wit, 0, sizeof *wit);
    memset(com, 0, sizeof *com);
    zk_whir_params p;
    int st = zk_whir_params_read(r, &p);
    if (st != ZK_OK)
        return zk_error_prefix(st, "WHIR witness");
    uint8_t seed[32];
    zk_rbuf_get(r, seed, 32);
    size_t nn = (size_t)1 << p.n_vars;
    if (r->err || zk_rbuf_left(r) / sizeof(gl_t) < nn) {
        zk_rbuf_fail(r, "truncated");
        return zk_set_error(ZK_ERR_INPUT, "WHIR witness: truncated");
    }
    gl_t *ev = malloc(nn * sizeof *ev);
    if (!ev)
        return zk_set_error(ZK_ERR_NOMEM, "WHIR witness: out of memory");
    zk_rbuf_gls(r, ev, nn);
    if (r->err) {
        wipe_free(ev, nn * sizeof *ev);
        explicit_bzero(seed, sizeof seed);
        return zk_set_error(ZK_ERR_INPUT, "WHIR witness: %s", r->what ? r->what : "malformed");
    }
    st = zk_whir_commit(&p, ev, seed, com, wit);
    wipe_free(ev, nn * sizeof *ev);
    explicit_bzero(seed, sizeof seed);
    return st;
}
