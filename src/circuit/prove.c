/*
 * prove.c — zk_cs_prove / zk_cs_verify: the builder's R1CS proved with
 * zero-knowledge Spartan over hiding WHIR (spartan.c core), with linked
 * commitments (docs/circuit.md, "Links").
 *
 * Transcript: init("zkmlops/circuit/v1"), absorb("cs-context", context),
 * then the Spartan core: statement (digest, shape, public values), each
 * linked commitment with its w-offset and size, w's commitment, rho_k per
 * link, the revealed u_k, outer and inner sumchecks, gamma, the opening of w
 * (Spartan claims + one point claim per link), one hiding opening per linked
 * commitment.
 *
 * Proof body (no container header): the sections of the core, tags 1..12
 * (binding, parameters, commitment, [link evaluations], outer sumcheck, outer
 * evaluations, inner sumcheck, inner evaluations, [matrix products], [LogUp
 * commit and sumcheck 0x4c01..0x4c04, lookup evaluation 12], opening, [link
 * openings], [LogUp openings 0x4c05..0x4c07]). Lookups (zk_cs_set_lookups):
 * the looked-up wires, the pad wires and zeros form F's source map
 * (convert_lookups; docs/circuit.md, "Range checks by lookups").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "circuit/cs_internal.h"
#include "r1cs/spartan_internal.h"
#include "zkmlops/params.h"

#define CS_PROTOCOL "zkmlops/circuit/v1"

/* Links -> core links (w-offsets), with the shape checks of circuit.h: each
 * link names exactly a segment recorded by zk_cs_segment whose log_len is the
 * commitment's n_vars (so the commitment binds the whole segment), and, when
 * proving, opening data that belongs to that very commitment (same
 * parameters and Merkle root) and equals the segment values. */
static int convert_links(const zk_cs *cs, const zk_cs_link *links, size_t n_links, zk_spartan_link *out, int prover)
{
    if (n_links > ZK_CS_MAX_LINKS)
        return zk_set_error(ZK_ERR_INPUT, "%zu linked commitments (at most %u)", n_links, ZK_CS_MAX_LINKS);
    for (size_t k = 0; k < n_links; k++) {
        ZK_CHECK_ARG(links[k].com != NULL);
        const zk_whir_commitment *com = links[k].com;
        uint32_t m = com->params.n_vars, f = links[k].first_wire;
        uint64_t len = (uint64_t)1 << (m <= ZK_WHIR_MAX_VARS ? m : 0);
        if (m < 1 || m > ZK_WHIR_MAX_VARS || f <= cs->n_public || (uint64_t)f + len > cs->n_wires)
            return zk_set_error(ZK_ERR_INPUT, "link %zu: wires %u..+2^%u are not a private segment of the circuit", k,
                                f, m);
        int seg_log = zk_cs_segment_log_len(cs, f);
        if (seg_log < 0)
            return zk_set_error(ZK_ERR_INPUT, "link %zu: wire %u is not the first wire of a zk_cs_segment", k, f);
        if ((uint32_t)seg_log != m)
            return zk_set_error(ZK_ERR_INPUT,
                                "link %zu: the segment at wire %u has 2^%d wires but the commitment holds 2^%u values",
                                k, f, seg_log, m);
        uint64_t off = (uint64_t)f - 1 - cs->n_public;
        if (off & (len - 1)) /* zk_cs_segment aligns; kept as a guard */
            return zk_set_error(ZK_ERR_INPUT, "link %zu: segment at wire %u is not aligned to 2^%u (use zk_cs_segment)",
                                k, f, m);
        if (prover) {
            const zk_whir_witness *wit = links[k].wit;
            ZK_CHECK_ARG(wit != NULL);
            if (!zk_whir_params_equal(&wit->params, &com->params) || !wit->evals || !wit->coeffs ||
                !wit->codeword || !wit->tree.nodes ||
                memcmp(zk_merkle_root(&wit->tree)->h, com->root.h, ZK_HASH_BYTES) != 0)
                return zk_set_error(ZK_ERR_INPUT, "link %zu: the opening data belongs to another commitment", k);
            if (memcmp(wit->evals, cs->val + f, len * sizeof(gl_t)) != 0)
                return zk_set_error(ZK_ERR_INPUT, "link %zu: the segment values differ from the committed vector", k);
        }
        out[k].com = com;
        out[k].wit = prover ? links[k].wit : NULL;
        out[k].w_offset = off;
    }
    return ZK_OK;
}

/* Matrix product blocks -> w-offsets and sources (owned by eb; free_ext). */
typedef struct {
    zk_spartan_matmul *mm;
    uint64_t *src;
    uint64_t *lsrc;
    zk_spartan_lookup lk;
    zk_spartan_ext ext;
} ext_buf;

static void free_ext(ext_buf *e)
{
    free(e->mm);
    free(e->src);
    free(e->lsrc);
    memset(e, 0, sizeof *e);
}

static uint64_t wire_src(const zk_cs *cs, uint32_t w)
{
    if (w == ZK_CS_NO_WIRE)
        return ZK_SPARTAN_SRC_ZERO;
    if (w <= cs->n_public)
        return ZK_SPARTAN_SRC_PUBLIC | w;
    return (uint64_t)w - 1 - cs->n_public;
}

static uint32_t clog2(uint64_t x)
{
    uint32_t l = 0;
    while (((uint64_t)1 << l) < x)
        l++;
    return l;
}

/* Looked-up wires -> the virtual vector F (circuit.h, "Range checks by
 * lookups"): lookups, then the pad wires, then zeros. */
static int convert_lookups(const zk_cs *cs, ext_buf *eb)
{
    if (!cs->n_lk)
        return ZK_OK;
    uint32_t n = clog2((uint64_t)cs->n_lk + ZK_CS_LOOKUP_PAD);
    uint64_t len = (uint64_t)1 << n;
    if (!(eb->lsrc = malloc(len * sizeof *eb->lsrc)))
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (uint64_t x = 0; x < len; x++)
        eb->lsrc[x] = x < cs->n_lk                          ? wire_src(cs, cs->lk[x])
                      : x < (uint64_t)cs->n_lk + ZK_CS_LOOKUP_PAD ? wire_src(cs, cs->lk_pad + (uint32_t)(x - cs->n_lk))
                                                                  : ZK_SPARTAN_SRC_ZERO;
    eb->lk = (zk_spartan_lookup){n, cs->lk_bits, cs->n_lk, eb->lsrc, NULL};
    eb->ext.lk = &eb->lk;
    return ZK_OK;
}

static int convert_ext(const zk_cs *cs, ext_buf *eb)
{
    memset(eb, 0, sizeof *eb);
    int rc = convert_lookups(cs, eb);
    if (rc != ZK_OK || !cs->n_mm)
        return rc;
    uint64_t total = 0;
    for (uint32_t i = 0; i < cs->n_mm; i++)
        total += ((uint64_t)1 << (cs->mm[i].bv + cs->mm[i].jv)) + ((uint64_t)1 << (cs->mm[i].cv + cs->mm[i].jv));
    eb->mm = malloc(cs->n_mm * sizeof *eb->mm);
    eb->src = malloc(total * sizeof *eb->src);
    if (!eb->mm || !eb->src) {
        free_ext(eb);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    uint64_t base = (uint64_t)1 + cs->n_public, at = 0;
    for (uint32_t i = 0; i < cs->n_mm; i++) {
        const zk_cs_matmul_block *b = &cs->mm[i];
        uint64_t nx = (uint64_t)1 << (b->bv + b->jv), nw = (uint64_t)1 << (b->cv + b->jv);
        uint64_t *xs = eb->src + at, *ws = xs + nx;
        for (uint64_t e = 0; e < nx; e++)
            xs[e] = wire_src(cs, b->xmap[e]);
        for (uint64_t e = 0; e < nw; e++)
            ws[e] = wire_src(cs, b->wmap[e]);
        at += nx + nw;
        eb->mm[i] = (zk_spartan_matmul){b->z - base, b->mask - base, b->bv, b->cv, b->jv, b->k, xs, ws, b->jstar};
    }
    eb->ext.mm = eb->mm;
    eb->ext.n_mm = cs->n_mm;
    return ZK_OK;
}

int zk_cs_prove(zk_cs *cs, const uint8_t *context, size_t context_len, const zk_cs_link *links, size_t n_links,
                zk_wbuf *proof)
{
    ZK_CHECK_ARG(cs != NULL && proof != NULL && (context != NULL || context_len == 0) &&
                 (links != NULL || n_links == 0));
    if (cs->st != ZK_OK)
        return zk_set_error(cs->st, "%s", cs->err);
    if (!cs->prover)
        return zk_set_error(ZK_ERR_INPUT, "zk_cs_prove needs a prover-mode circuit");
    int rc = zk_cs_refresh_blinding(cs); /* fresh pads and masks for every proof */
    if (rc != ZK_OK)
        return rc;
    rc = zk_cs_check(cs);
    if (rc != ZK_OK)
        return rc;
    zk_spartan_link sl[ZK_CS_MAX_LINKS];
    if ((rc = convert_links(cs, links, n_links, sl, 1)) != ZK_OK)
        return rc;
    const zk_r1cs *r = zk_cs_r1cs(cs);
    if (!r)
        return zk_set_error(cs->st, "%s", cs->err);
    ext_buf ext;
    if ((rc = convert_ext(cs, &ext)) != ZK_OK)
        return rc;
    zk_transcript t;
    zk_transcript_init(&t, CS_PROTOCOL);
    zk_transcript_absorb(&t, "cs-context", context, context_len);
    rc = zk_spartan_prove_core(r, cs->val, &t, sl, n_links, &ext.ext, proof);
    free_ext(&ext);
    return rc;
}

/* Soundness of the proof: Spartan's terms, plus the link checks (a
 * Schwartz-Zippel term m_k / |F^3| per link, folded into sumcheck_bits) and
 * each linked commitment's WHIR opening. */
static void security(zk_spartan_security *sec, const zk_spartan_layout *L, const zk_cs_link *links, size_t n_links,
                     const zk_cs *cs)
{
    zk_spartan_security_compute(sec, L);
    double events = 4.0 * L->row_vars + 2.0 * L->col_vars + 4.0;
    /* matrix products: tau (bv + cv), Libra rho (1), 3 jv rounds of degree 3, 3 gamma powers */
    for (uint32_t i = 0; i < cs->n_mm; i++) {
        const zk_cs_matmul_block *b = &cs->mm[i];
        events += (double)b->bv + b->cv + 3.0 * b->jv + 4.0;
        sec->expected_proof_bytes += 8 + 24 * (1 + 1 + (size_t)b->jv * 4 + 3);
    }
    for (size_t k = 0; k < n_links; k++) {
        events += links[k].com->params.n_vars;
        zk_soundness_report rep;
        zk_soundness_report_compute(&rep, &links[k].com->params);
        if (rep.total_bits < sec->whir_bits)
            sec->whir_bits = rep.total_bits;
        sec->expected_proof_bytes += 8 + 24 + 8 + zk_whir_expected_proof_bytes(&links[k].com->params) + 24;
    }
    sec->sumcheck_bits = 3.0 * log2((double)GL_P) - log2(events);
    if (cs->n_lk) { /* the LogUp sub-proof's own terms (its WHIR openings use standard parameters) */
        zk_logup_shape sh;
        memset(&sh, 0, sizeof sh);
        sh.n_vars = clog2((uint64_t)cs->n_lk + ZK_CS_LOOKUP_PAD);
        sh.sel.n_groups = 1;
        sh.sel.vars[0] = sh.n_vars;
        sh.sel.bound[0] = cs->n_lk;
        sh.table_bits = cs->lk_bits;
        sh.n_cols = 1;
        sh.n_lookups = 1;
        sh.has_link = 1;
        sh.lin_coeff[0] = GL_P - 1;
        double lb = zk_logup_soundness_bits(&sh);
        if (lb < sec->sumcheck_bits)
            sec->sumcheck_bits = lb;
    }
    sec->security_bits = sec->whir_bits < sec->sumcheck_bits ? sec->whir_bits : sec->sumcheck_bits;
    sec->expected_proof_bytes -= 16; /* no container header */
}

int zk_cs_verify(zk_cs *cs, const uint8_t *context, size_t context_len, const zk_cs_link *links, size_t n_links,
                 const uint8_t *proof, size_t proof_len, zk_spartan_security *sec)
{
    ZK_CHECK_ARG(cs != NULL && (context != NULL || context_len == 0) && (links != NULL || n_links == 0) &&
                 (proof != NULL || proof_len == 0));
    if (cs->st != ZK_OK)
        return zk_set_error(ZK_ERR_INPUT, "%s", cs->err);
    zk_spartan_link sl[ZK_CS_MAX_LINKS];
    int rc = convert_links(cs, links, n_links, sl, 0);
    if (rc != ZK_OK)
        return rc;
    const zk_r1cs *r = zk_cs_r1cs(cs);
    if (!r)
        return zk_set_error(ZK_ERR_INPUT, "%s", cs->err);
    zk_spartan_layout L;
    if ((rc = zk_spartan_layout_compute(&L, r)) != ZK_OK)
        return rc;
    zk_transcript t;
    zk_transcript_init(&t, CS_PROTOCOL);
    zk_transcript_absorb(&t, "cs-context", context, context_len);
    zk_rbuf rb;
    zk_rbuf_init(&rb, proof, proof_len);
    ext_buf ext;
    if ((rc = convert_ext(cs, &ext)) != ZK_OK)
        return rc;
    rc = zk_spartan_verify_core(r, cs->val + 1, cs->n_public, &t, sl, n_links, &ext.ext, &rb);
    free_ext(&ext);
    if (rc != ZK_OK)
        return rc;
    if (zk_rbuf_left(&rb) != 0)
        return zk_set_error(ZK_ERR_REJECT, "%zu unexpected bytes after the last section", zk_rbuf_left(&rb));
    if (sec)
        security(sec, &L, links, n_links, cs);
    return ZK_OK;
}
