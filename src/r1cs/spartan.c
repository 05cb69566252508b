/*
 * spartan.c — zero-knowledge Spartan (Setty, eprint 2019/550, sections 4-5)
 * for circom R1CS over the hiding WHIR commitment, with the "DirectSparse"
 * verifier (A~, B~, C~ evaluated from the sparse matrices in O(terms)).
 * Protocol, layout and zero-knowledge argument: docs/r1cs.md.
 *
 *   z = (public half: 1, public signals, 0.. | w: private wires, blinding,
 *        Libra masks, 0..)                                   2^s entries
 *   commit w (hiding WHIR, s-1 variables)
 *   outer: tau; ZK sumcheck of eq(tau,x) (Az(x) Bz(x) - Cz(x)) over x in {0,1}^mr,
 *          claim 0 -> rx; prover sends va, vb, vc = Az~, Bz~, Cz~ (rx), g1(rx)
 *   inner: rA, rB, rC; ZK sumcheck of M(y) z(y), M = rA A~(rx,.) + rB B~ + rC C~,
 *          claim rA va + rB vb + rC vc -> ry; prover sends wv = w~(ry'), g2(ry)
 *          (ry' = ry without its top coordinate); z~(ry) = (1-ry_s) P~(ry') + ry_s wv
 *   gamma; one WHIR opening of w: point claim w~(ry') = wv and the linear claim
 *          <W1 + gamma W2, w> = g1 + gamma g2 (Libra mask forms at their offsets).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/mle.h"
#include "zkmlops/params.h"
#include "zkmlops/proof.h"
#include "zkmlops/r1cs.h"
#include "zkmlops/sumcheck.h"
#include "zkmlops/whir.h"
#include "r1cs/spartan_internal.h"

#define SPARTAN_PROTOCOL "zkmlops/r1cs-spartan/v1"
#define PAR_MIN 4096u
#define ROW_MASK 0x3fffffffu

enum { SEC_BINDING = 1, SEC_PARAMS, SEC_COMMIT, SEC_OUTER, SEC_OUTER_EVALS, SEC_INNER, SEC_INNER_EVALS, SEC_OPEN };

static unsigned ceil_log2(uint64_t x)
{
    unsigned l = 0;
    while (((uint64_t)1 << l) < x)
        l++;
    return l;
}

static uint64_t align4(uint64_t x) { return (x + 3) & ~(uint64_t)3; }

int zk_spartan_layout_compute(zk_spartan_layout *l, const zk_r1cs *c)
{
    ZK_CHECK_ARG(l != NULL && c != NULL);
    memset(l, 0, sizeof *l);
    l->n_public = zk_r1cs_n_public(c);
    l->n_priv = (uint64_t)c->n_wires - 1 - l->n_public;
    l->blind_row = align4(c->n_constraints);
    l->row_vars = ceil_log2(l->blind_row + ZK_SPARTAN_BLIND_ROWS);
    l->blind_col = align4(l->n_priv);
    l->mask_outer = l->blind_col + ZK_SPARTAN_BLIND_COLS;
    l->mask_inner = l->mask_outer + zk_libra_coeffs_len(l->row_vars, ZK_SPARTAN_OUTER_DEGREE);
    uint32_t s = 2;
    for (;;) {
        l->w_used = l->mask_inner + zk_libra_coeffs_len(s, ZK_SPARTAN_INNER_DEGREE);
        uint64_t need = l->w_used > (uint64_t)l->n_public + 1 ? l->w_used : (uint64_t)l->n_public + 1;
        if (need <= ((uint64_t)1 << (s - 1)))
            break;
        s++;
    }
    l->col_vars = s;
    if (s - 1 > ZK_WHIR_MAX_VARS || l->row_vars > 40)
        return zk_set_error(ZK_ERR_INPUT, "circuit too large: the committed vector would have 2^%u entries", s - 1);
    return ZK_OK;
}

static double sumcheck_bits(const zk_spartan_layout *l)
{
    /* outer: tau (mr), rho (1), rounds (3 mr); inner: batching (1), rho (1), rounds (2 s); gamma (1) */
    double events = 4.0 * l->row_vars + 2.0 * l->col_vars + 4.0;
    return 3.0 * log2((double)GL_P) - log2(events);
}

void zk_spartan_security_compute(zk_spartan_security *s, const zk_spartan_layout *l)
{
    ZK_CHECK_ARG(s != NULL && l != NULL);
    memset(s, 0, sizeof *s);
    zk_whir_params p;
    if (zk_whir_params_derive(&p, l->col_vars - 1, 1) != ZK_OK)
        return;
    zk_soundness_report rep;
    zk_soundness_report_compute(&rep, &p);
    s->whir_bits = rep.total_bits;
    s->sumcheck_bits = sumcheck_bits(l);
    s->security_bits = s->whir_bits < s->sumcheck_bits ? s->whir_bits : s->sumcheck_bits;
    /* header, 8 section headers, binding, parameters, commitment, sumchecks, evaluations, opening
     * (the opening's second claim adds 24 bytes in hiding mode) */
    zk_whir_commitment com;
    memset(&com, 0, sizeof com);
    com.params = p;
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_whir_params_write(&w, &p);
    zk_whir_commitment_write(&w, &com);
    size_t sc = 24 * (1 + (size_t)l->row_vars * (ZK_SPARTAN_OUTER_DEGREE + 1)) +
                24 * (1 + (size_t)l->col_vars * (ZK_SPARTAN_INNER_DEGREE + 1));
    s->expected_proof_bytes = 16 + 8 * 12 + 44 + w.len + sc + 6 * 24 + zk_whir_expected_proof_bytes(&p) + 24;
    zk_wbuf_free(&w);
}

/* ------------------------------------------------------------ shared */

/* z-index of a wire. */
static uint64_t wire_col(const zk_spartan_layout *l, uint64_t half, uint32_t wire)
{
    return wire <= l->n_public ? wire : half + (wire - l->n_public - 1);
}

static void absorb_statement(zk_transcript *t, const zk_r1cs *c, const gl_t *pub, size_t n_pub)
{
    zk_transcript_absorb_digest(t, "r1cs-digest", &c->digest);
    gl_t shape[4] = {c->n_wires, c->n_constraints, c->n_pub_out, c->n_pub_in};
    zk_transcript_absorb_gl(t, "r1cs-shape", shape, 4);
    zk_transcript_absorb_gl(t, "r1cs-public", pub, n_pub);
}

static void write_binding(zk_wbuf *w, const zk_r1cs *c)
{
    zk_wbuf_digest(w, &c->digest);
    zk_wbuf_u32(w, c->n_wires);
    zk_wbuf_u32(w, c->n_constraints);
    zk_wbuf_u32(w, zk_r1cs_n_public(c));
}

/* Weights of the Libra mask evaluations over w: W1(rx) at mask_outer plus
 * gamma * W2(ry) at mask_inner (2^(s-1) entries; wt comes zeroed from calloc,
 * so the untouched pages stay the shared zero page). */
static int mask_weights(gl3_t *wt, const zk_spartan_layout *l, const gl3_t *rx, const gl3_t *ry, gl3_t gamma)
{
    size_t l2 = zk_libra_coeffs_len(l->col_vars, ZK_SPARTAN_INNER_DEGREE);
    gl3_t *tmp = malloc(l2 * sizeof *tmp);
    if (!tmp)
        return -1;
    zk_libra_linear_form(wt + l->mask_outer, l->row_vars, ZK_SPARTAN_OUTER_DEGREE, rx);
    zk_libra_linear_form(tmp, l->col_vars, ZK_SPARTAN_INNER_DEGREE, ry);
    for (size_t i = 0; i < l2; i++)
        wt[l->mask_inner + i] = gl3_mul(gamma, tmp[i]);
    free(tmp);
    return 0;
}

/* ------------------------------------------------------------ prover */

typedef struct {
    uint32_t row_tag; /* row | matrix << 30 */
    gl_t coeff;
} tterm;

/* Terms of A, B, C grouped by wire (counting sort): ptr has n_wires + 1 entries. */
static int transpose(const zk_r1cs *c, uint64_t **ptr_out, tterm **terms_out)
{
    uint64_t total = zk_r1cs_terms(c);
    uint64_t *ptr = calloc((size_t)c->n_wires + 1, sizeof *ptr);
    tterm *tt = malloc((total ? (size_t)total : 1) * sizeof *tt);
    if (!ptr || !tt) {
        free(ptr);
        free(tt);
        return -1;
    }
    for (int k = 0; k < 3; k++)
        for (uint64_t t = 0; t < c->abc[k].row_ptr[c->n_constraints]; t++)
            ptr[c->abc[k].wire[t] + 1]++;
    for (uint32_t w = 0; w < c->n_wires; w++)
        ptr[w + 1] += ptr[w];
    uint64_t *pos = malloc(((size_t)c->n_wires + 1) * sizeof *pos);
    if (!pos) {
        free(ptr);
        free(tt);
        return -1;
    }
    memcpy(pos, ptr, ((size_t)c->n_wires + 1) * sizeof *pos);
    for (int k = 0; k < 3; k++) {
        const zk_r1cs_matrix *M = &c->abc[k];
        for (uint32_t i = 0; i < c->n_constraints; i++)
            for (uint64_t t = M->row_ptr[i]; t < M->row_ptr[i + 1]; t++) {
                tterm *e = &tt[pos[M->wire[t]]++];
                e->row_tag = i | (uint32_t)k << 30;
                e->coeff = M->coeff[t];
            }
    }
    free(pos);
    *ptr_out = ptr;
    *terms_out = tt;
    return 0;
}

static gl_t random_gl(void)
{
    uint64_t v;
    do
        zk_random_bytes(&v, sizeof v);
    while (v >= GL_P);
    return v;
}

typedef struct {
    const zk_r1cs *c;
    zk_spartan_layout L;
    size_t half, nz, nrows;
    gl_t *z;      /* 2^s: public half | w */
    gl_t *abz[3]; /* Az, Bz, Cz over 2^mr rows */
    zk_libra_mask m1, m2;
    zk_whir_witness wit;
    zk_whir_commitment com;
    int have_wit;
    gl3_t *eqt;   /* 2^mr */
    gl3_t *mr;    /* 2^s */
    gl3_t *wts;   /* 2^(s-1) */
    gl3_t rx[64], ry[64];
} prover;

static void prover_free(prover *P)
{
    if (P->z)
        memset(P->z, 0, P->nz * sizeof *P->z);
    free(P->z);
    for (int k = 0; k < 3; k++) {
        if (P->abz[k])
            memset(P->abz[k], 0, P->nrows * sizeof *P->abz[k]);
        free(P->abz[k]);
    }
    zk_libra_mask_free(&P->m1);
    zk_libra_mask_free(&P->m2);
    if (P->have_wit)
        zk_whir_witness_free(&P->wit);
    free(P->eqt);
    free(P->mr);
    free(P->wts);
}

/* z, blinding entries, masks; Az, Bz, Cz on every row. */
static int build_z(prover *P, const gl_t *witness)
{
    const zk_r1cs *c = P->c;
    const zk_spartan_layout *L = &P->L;
    gl_t *w = P->z + P->half;
    for (uint32_t j = 0; j <= L->n_public; j++)
        P->z[j] = witness[j];
    memcpy(w, witness + L->n_public + 1, L->n_priv * sizeof *w);
    for (unsigned b = 0; b < 4; b++)
        for (unsigned k = 0; k < 3; k++)
            w[L->blind_col + 4 * b + k] = random_gl();
    if (zk_libra_mask_init(&P->m1, L->row_vars, ZK_SPARTAN_OUTER_DEGREE) != ZK_OK ||
        zk_libra_mask_init(&P->m2, L->col_vars, ZK_SPARTAN_INNER_DEGREE) != ZK_OK)
        return -1;
    memcpy(w + L->mask_outer, P->m1.coeffs, zk_libra_mask_len(&P->m1) * sizeof *w);
    memcpy(w + L->mask_inner, P->m2.coeffs, zk_libra_mask_len(&P->m2) * sizeof *w);
    for (int k = 0; k < 3; k++) {
        const zk_r1cs_matrix *M = &c->abc[k];
        gl_t *out = P->abz[k];
#pragma omp parallel for schedule(static) if (c->n_constraints >= PAR_MIN)
        for (uint32_t i = 0; i < c->n_constraints; i++) {
            gl_t acc = 0;
            for (uint64_t t = M->row_ptr[i]; t < M->row_ptr[i + 1]; t++)
                acc = gl_add(acc, gl_mul(M->coeff[t], witness[M->wire[t]]));
            out[i] = acc;
        }
    }
    uint64_t br = L->blind_row, bc = L->blind_col;
    for (unsigned k = 0; k < 3; k++) {
        P->abz[0][br + k] = w[bc + k];
        P->abz[1][br + 4 + k] = w[bc + 4 + k];
        P->abz[0][br + 8 + k] = 1;
        P->abz[1][br + 8 + k] = w[bc + 8 + k];
        P->abz[2][br + 8 + k] = w[bc + 8 + k];
    }
    return 0;
}

/* M(y) = sum_k r_k sum_i eq(rx, i) M_k[i][y] over z-columns (2^s entries). */
static int build_inner_table(prover *P, const gl3_t *eq_rx, const gl3_t rk[3])
{
    const zk_r1cs *c = P->c;
    const zk_spartan_layout *L = &P->L;
    uint64_t *ptr;
    tterm *tt;
    if (transpose(c, &ptr, &tt) != 0)
        return -1;
    gl3_t *M = P->mr;
    memset(M, 0, P->nz * sizeof *M);
#pragma omp parallel for schedule(dynamic, 1024) if (c->n_wires >= PAR_MIN)
    for (uint32_t w = 0; w < c->n_wires; w++) {
        gl3_t acc[3] = {gl3_zero(), gl3_zero(), gl3_zero()};
        for (uint64_t t = ptr[w]; t < ptr[w + 1]; t++) {
            uint32_t k = tt[t].row_tag >> 30;
            acc[k] = gl3_add(acc[k], gl3_mul_gl(eq_rx[tt[t].row_tag & ROW_MASK], tt[t].coeff));
        }
        M[wire_col(L, P->half, w)] =
            gl3_add(gl3_mul(rk[0], acc[0]), gl3_add(gl3_mul(rk[1], acc[1]), gl3_mul(rk[2], acc[2])));
    }
    free(ptr);
    free(tt);
    uint64_t br = L->blind_row, bc = P->half + L->blind_col;
    for (unsigned k = 0; k < 3; k++) {
        M[bc + k] = gl3_add(M[bc + k], gl3_mul(rk[0], eq_rx[br + k]));
        M[bc + 4 + k] = gl3_add(M[bc + 4 + k], gl3_mul(rk[1], eq_rx[br + 4 + k]));
        M[0] = gl3_add(M[0], gl3_mul(rk[0], eq_rx[br + 8 + k]));
        M[bc + 8 + k] = gl3_add(M[bc + 8 + k], gl3_mul(gl3_add(rk[1], rk[2]), eq_rx[br + 8 + k]));
    }
    return 0;
}

static int prover_alloc(prover *P)
{
    P->half = (size_t)1 << (P->L.col_vars - 1);
    P->nz = 2 * P->half;
    P->nrows = (size_t)1 << P->L.row_vars;
    P->z = calloc(P->nz, sizeof *P->z);
    for (int k = 0; k < 3; k++)
        P->abz[k] = calloc(P->nrows, sizeof *P->abz[k]);
    P->eqt = malloc(P->nrows * sizeof *P->eqt);
    return P->z && P->abz[0] && P->abz[1] && P->abz[2] && P->eqt ? 0 : -1;
}

static int prove_outer(prover *P, zk_transcript *t, zk_wbuf *proof, gl3_t ev[4])
{
    const zk_spartan_layout *L = &P->L;
    gl3_t tau[64];
    zk_transcript_challenge_gl3s(t, "r1cs-tau", tau, L->row_vars);
    zk_eq_table(P->eqt, tau, L->row_vars);
    zk_sc_instance inst;
    memset(&inst, 0, sizeof inst);
    inst.n_vars = L->row_vars;
    inst.n_tables = 4;
    inst.ext[0] = P->eqt;
    for (int k = 0; k < 3; k++)
        inst.base[k + 1] = P->abz[k];
    inst.n_terms = 2;
    inst.terms[0] = (zk_sc_term){gl3_one(), 3, {0, 1, 2, 0}};
    inst.terms[1] = (zk_sc_term){gl3_neg(gl3_one()), 2, {0, 3, 0, 0}};
    gl3_t evals[4], g1;
    size_t s = zk_proof_section_begin(proof, SEC_OUTER);
    int rc = zk_sumcheck_prove_zk(&inst, gl3_zero(), &P->m1, t, proof, P->rx, evals, &g1);
    if (rc != ZK_OK)
        return rc;
    zk_proof_section_end(proof, s);
    ev[0] = evals[1];
    ev[1] = evals[2];
    ev[2] = evals[3];
    ev[3] = g1;
    s = zk_proof_section_begin(proof, SEC_OUTER_EVALS);
    zk_wbuf_gl3s(proof, ev, 4);
    zk_proof_section_end(proof, s);
    zk_transcript_absorb_gl3(t, "r1cs-outer-evals", ev, 4);
    return ZK_OK;
}

static int prove_inner(prover *P, zk_transcript *t, zk_wbuf *proof, const gl3_t ev[4], gl3_t iv[2])
{
    const zk_spartan_layout *L = &P->L;
    gl3_t rk[3];
    zk_transcript_challenge_gl3s(t, "r1cs-rabc", rk, 3);
    gl3_t claim = gl3_add(gl3_mul(rk[0], ev[0]), gl3_add(gl3_mul(rk[1], ev[1]), gl3_mul(rk[2], ev[2])));
    zk_eq_table(P->eqt, P->rx, L->row_vars);
    if (!(P->mr = malloc(P->nz * sizeof *P->mr)) || build_inner_table(P, P->eqt, rk) != 0)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (inner sumcheck table)");
    free(P->eqt);
    P->eqt = NULL;
    for (int k = 0; k < 3; k++) { /* Az, Bz, Cz are no longer needed */
        memset(P->abz[k], 0, P->nrows * sizeof *P->abz[k]);
        free(P->abz[k]);
        P->abz[k] = NULL;
    }
    zk_sc_instance inst;
    memset(&inst, 0, sizeof inst);
    inst.n_vars = L->col_vars;
    inst.n_tables = 2;
    inst.ext[0] = P->mr;
    inst.base[1] = P->z;
    inst.n_terms = 1;
    inst.terms[0] = (zk_sc_term){gl3_one(), 2, {0, 1, 0, 0}};
    gl3_t evals[2], g2;
    size_t s = zk_proof_section_begin(proof, SEC_INNER);
    int rc = zk_sumcheck_prove_zk(&inst, claim, &P->m2, t, proof, P->ry, evals, &g2);
    if (rc != ZK_OK)
        return rc;
    zk_proof_section_end(proof, s);
    iv[0] = zk_mle_eval_gl(P->z + P->half, L->col_vars - 1, P->ry);
    iv[1] = g2;
    s = zk_proof_section_begin(proof, SEC_INNER_EVALS);
    zk_wbuf_gl3s(proof, iv, 2);
    zk_proof_section_end(proof, s);
    zk_transcript_absorb_gl3(t, "r1cs-inner-evals", iv, 2);
    return ZK_OK;
}

/* Links (docs/circuit.md, "Links"): each link's commitment, w-offset and
 * size are absorbed with the statement, before w's commitment. */
static void absorb_links(zk_transcript *t, const zk_spartan_link *links, size_t n_links)
{
    for (size_t k = 0; k < n_links; k++) {
        zk_whir_commitment_absorb(t, links[k].com);
        gl_t pos[2] = {links[k].w_offset, links[k].com->params.n_vars};
        zk_transcript_absorb_gl(t, "cs-link-position", pos, 2);
    }
}

/* Shape checks of the links against the layout (both sides). */
static int check_links(const zk_spartan_layout *L, const zk_spartan_link *links, size_t n_links)
{
    if (n_links > 8)
        return zk_set_error(ZK_ERR_INPUT, "%zu linked commitments (at most 8)", n_links);
    for (size_t k = 0; k < n_links; k++) {
        uint32_t m = links[k].com->params.n_vars;
        uint64_t len = (uint64_t)1 << m, off = links[k].w_offset;
        if (m < 1 || m > ZK_WHIR_MAX_VARS || (off & (len - 1)) != 0 || off + len > L->n_priv)
            return zk_set_error(ZK_ERR_INPUT, "link %zu: a block of 2^%u private wires at w-offset %llu is not an "
                                              "aligned block of the witness (%llu private wires)",
                                k, m, (unsigned long long)off, (unsigned long long)L->n_priv);
    }
    return ZK_OK;
}

/* The point (rho, bits of w_offset >> m) of w for a link (col_vars - 1 coordinates). */
static void link_point(gl3_t *pt, const zk_spartan_layout *L, const gl3_t *rho, uint32_t m, uint64_t off)
{
    uint32_t n = L->col_vars - 1;
    for (uint32_t i = 0; i < m; i++)
        pt[i] = rho[i];
    for (uint32_t i = m; i < n; i++)
        pt[i] = gl3_from_gl((off >> i) & 1);
}


/* ------------------------------------------------------------ native matrix products */

static int reject(const char *what);

static int src_ok(const zk_spartan_layout *L, uint64_t s)
{
    if (s == ZK_SPARTAN_SRC_ZERO)
        return 1;
    if (s & ZK_SPARTAN_SRC_PUBLIC)
        return (s & ~ZK_SPARTAN_SRC_PUBLIC) <= L->n_public;
    return s < L->n_priv;
}

/* Shape checks of the matrix products against the layout (both sides). */
static int check_matmuls(const zk_spartan_layout *L, const zk_spartan_matmul *mm, size_t n_mm)
{
    if (n_mm > ZK_SPARTAN_MAX_MATMULS)
        return zk_set_error(ZK_ERR_INPUT, "%zu matrix products (at most %u per proof)", n_mm, ZK_SPARTAN_MAX_MATMULS);
    for (size_t i = 0; i < n_mm; i++) {
        const zk_spartan_matmul *m = &mm[i];
        if (m->jv < 1 || m->jv > 26 || m->bv > 26 || m->cv > 26 || m->bv + m->jv > 26 || m->cv + m->jv > 26 ||
            m->k < 1 || m->k > ((uint64_t)1 << m->jv) || m->jstar < m->k || m->jstar >= ((uint64_t)1 << m->jv) ||
            !m->xsrc || !m->wsrc)
            return zk_set_error(ZK_ERR_INPUT, "matrix product %zu: bad shape (2^%u x 2^%u x 2^%u, k = %llu)", i, m->bv,
                                m->cv, m->jv, (unsigned long long)m->k);
        uint64_t len = (uint64_t)1 << (m->bv + m->cv);
        if (m->bv + m->cv > ZK_WHIR_MAX_VARS || (m->z_off & (len - 1)) != 0 || m->z_off + len > L->n_priv)
            return zk_set_error(ZK_ERR_INPUT, "matrix product %zu: Z (2^%u at w-offset %llu) is not an aligned block "
                                              "of the witness",
                                i, m->bv + m->cv, (unsigned long long)m->z_off);
        if (m->mask_off + zk_libra_coeffs_len(m->jv, ZK_SPARTAN_MATMUL_DEGREE) > L->n_priv)
            return zk_set_error(ZK_ERR_INPUT, "matrix product %zu: mask outside the witness", i);
        uint64_t nx = (uint64_t)1 << (m->bv + m->jv), nw = (uint64_t)1 << (m->cv + m->jv);
        for (uint64_t e = 0; e < nx; e++)
            if (!src_ok(L, m->xsrc[e]))
                return zk_set_error(ZK_ERR_INPUT, "matrix product %zu: X source %llu is not a wire", i,
                                    (unsigned long long)e);
        for (uint64_t e = 0; e < nw; e++)
            if (!src_ok(L, m->wsrc[e]))
                return zk_set_error(ZK_ERR_INPUT, "matrix product %zu: W source %llu is not a wire", i,
                                    (unsigned long long)e);
    }
    return ZK_OK;
}

static void absorb_matmuls(zk_transcript *t, const zk_spartan_matmul *mm, size_t n_mm)
{
    for (size_t i = 0; i < n_mm; i++) {
        const zk_spartan_matmul *m = &mm[i];
        gl_t d[7] = {m->z_off, m->mask_off, m->bv, m->cv, m->jv, m->k, m->jstar};
        zk_transcript_absorb_gl(t, "cs-matmul-shape", d, 7);
        zk_transcript_absorb(t, "cs-matmul-x", (const uint8_t *)m->xsrc,
                             ((size_t)1 << (m->bv + m->jv)) * sizeof *m->xsrc);
        zk_transcript_absorb(t, "cs-matmul-w", (const uint8_t *)m->wsrc,
                             ((size_t)1 << (m->cv + m->jv)) * sizeof *m->wsrc);
    }
}

/* Per product: the challenges and the values the prover reveals. */
typedef struct {
    gl3_t tau[64];     /* tau_c (cv), then tau_b (bv) */
    gl3_t rho[32];     /* sumcheck point (jv) */
    gl3_t pz[64];      /* Z's point on w */
    gl3_t v[4];        /* z, x, y, mask value */
} mm_claim;

static gl_t src_value(uint64_t s, const gl_t *w, const gl_t *pub)
{
    if (s == ZK_SPARTAN_SRC_ZERO)
        return 0;
    if (s & ZK_SPARTAN_SRC_PUBLIC) {
        uint64_t j = s & ~ZK_SPARTAN_SRC_PUBLIC;
        return j == 0 ? 1 : pub[j - 1];
    }
    return w[s];
}

/* T_r[j] = sum_a eq(r, a) T[a][j] for the virtual matrix T with 2^av rows. */
static void mm_fold_rows(gl3_t *out, const uint64_t *src, const gl_t *w, const gl_t *pub, const gl3_t *eqa,
                         uint32_t av, uint32_t jv)
{
    uint64_t nj = (uint64_t)1 << jv, na = (uint64_t)1 << av;
#pragma omp parallel for schedule(static) if (nj * na >= PAR_MIN)
    for (uint64_t j = 0; j < nj; j++) {
        gl3_t acc = gl3_zero();
        for (uint64_t a = 0; a < na; a++) {
            uint64_t s = src[a * nj + j];
            if (s != ZK_SPARTAN_SRC_ZERO)
                acc = gl3_add(acc, gl3_mul_gl(eqa[a], src_value(s, w, pub)));
        }
        out[j] = acc;
    }
}

static int prove_matmul(const prover *P, const zk_spartan_matmul *m, const gl_t *pub, zk_transcript *t,
                        zk_wbuf *proof, mm_claim *c)
{
    const gl_t *w = P->z + P->half;
    uint64_t nj = (uint64_t)1 << m->jv;
    zk_transcript_challenge_gl3s(t, "cs-matmul-tau", c->tau, m->cv + m->bv);
    c->v[0] = zk_mle_eval_gl(w + m->z_off, m->bv + m->cv, c->tau);
    size_t big = ((size_t)1 << (m->bv > m->cv ? m->bv : m->cv));
    gl3_t *eqa = malloc(big * sizeof *eqa), *xr = malloc(nj * sizeof *xr), *wr = malloc(nj * sizeof *wr);
    gl_t *sel = malloc(nj * sizeof *sel);
    zk_libra_mask mask = {m->jv, ZK_SPARTAN_MATMUL_DEGREE, NULL};
    size_t ml = zk_libra_coeffs_len(m->jv, ZK_SPARTAN_MATMUL_DEGREE);
    mask.coeffs = malloc(ml * sizeof *mask.coeffs);
    int rc = ZK_ERR_NOMEM;
    if (!eqa || !xr || !wr || !sel || !mask.coeffs) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory (matrix product sumcheck, 2^%u)", m->jv);
        goto done;
    }
    memcpy(mask.coeffs, w + m->mask_off, ml * sizeof *mask.coeffs);
    zk_eq_table(eqa, c->tau + m->cv, m->bv);
    mm_fold_rows(xr, m->xsrc, w, pub, eqa, m->bv, m->jv);
    zk_eq_table(eqa, c->tau, m->cv);
    mm_fold_rows(wr, m->wsrc, w, pub, eqa, m->cv, m->jv);
    for (uint64_t j = 0; j < nj; j++)
        sel[j] = j < m->k || j == m->jstar;
    zk_sc_instance inst;
    memset(&inst, 0, sizeof inst);
    inst.n_vars = m->jv;
    inst.n_tables = 3;
    inst.base[0] = sel;
    inst.ext[1] = xr;
    inst.ext[2] = wr;
    inst.n_terms = 1;
    inst.terms[0] = (zk_sc_term){gl3_one(), 3, {0, 1, 2, 0}};
    gl3_t evals[3];
    size_t s = zk_proof_section_begin(proof, ZK_SPARTAN_SEC_MATMUL);
    zk_wbuf_gl3s(proof, &c->v[0], 1);
    if ((rc = zk_sumcheck_prove_zk(&inst, c->v[0], &mask, t, proof, c->rho, evals, &c->v[3])) != ZK_OK)
        goto done;
    c->v[1] = evals[1];
    c->v[2] = evals[2];
    zk_wbuf_gl3s(proof, c->v + 1, 3);
    zk_proof_section_end(proof, s);
    zk_transcript_absorb_gl3(t, "cs-matmul-evals", c->v + 1, 3);
    link_point(c->pz, &P->L, c->tau, m->bv + m->cv, m->z_off);
    rc = ZK_OK;
done:
    free(eqa);
    free(xr);
    free(wr);
    free(sel);
    zk_libra_mask_free(&mask);
    return rc;
}

static int verify_matmul(const zk_spartan_layout *L, const zk_spartan_matmul *m, zk_transcript *t, zk_rbuf *r,
                         mm_claim *c, size_t idx)
{
    zk_rbuf sub;
    int rc;
    zk_transcript_challenge_gl3s(t, "cs-matmul-tau", c->tau, m->cv + m->bv);
    if ((rc = zk_proof_section_read(r, ZK_SPARTAN_SEC_MATMUL, "matrix product", &sub)) != ZK_OK)
        return rc;
    zk_rbuf_gl3s(&sub, &c->v[0], 1);
    gl3_t final, rho;
    if (zk_sumcheck_verify_zk(m->jv, ZK_SPARTAN_MATMUL_DEGREE, c->v[0], t, &sub, c->rho, &final, &rho) != ZK_OK) {
        char what[64];
        snprintf(what, sizeof what, "matrix product %zu: sumcheck rejected", idx);
        return reject(what);
    }
    zk_rbuf_gl3s(&sub, c->v + 1, 3);
    if ((rc = zk_proof_section_done(&sub, "matrix product")) != ZK_OK)
        return rc;
    /* S~(rho) = sum_{j < k} eq(rho, j) + eq(rho, jstar) */
    gl3_t *eqj = malloc(((size_t)1 << m->jv) * sizeof *eqj);
    if (!eqj)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (matrix product check)");
    zk_eq_table(eqj, c->rho, m->jv);
    gl3_t sv = gl3_zero();
    for (uint64_t j = 0; j < m->k; j++)
        sv = gl3_add(sv, eqj[j]);
    sv = gl3_add(sv, eqj[m->jstar]);
    free(eqj);
    gl3_t expect = gl3_add(gl3_mul(sv, gl3_mul(c->v[1], c->v[2])), gl3_mul(rho, c->v[3]));
    if (!gl3_eq(expect, final))
        return zk_set_error(ZK_ERR_REJECT, "matrix product %zu: final check failed (Z is not X W^T)", idx);
    zk_transcript_absorb_gl3(t, "cs-matmul-evals", c->v + 1, 3);
    link_point(c->pz, L, c->tau, m->bv + m->cv, m->z_off);
    return ZK_OK;
}

/* g * sum_{a, j} eq(r_a, a) eq(rho, j) T[a][j] as weights on w (private
 * sources); returns the public sources' part, which the claim's value must
 * exclude. */
static int mm_form(gl3_t *wts, gl3_t *pubpart, const uint64_t *src, const gl_t *pub, const gl3_t *ra, uint32_t av,
                   const gl3_t *rho, uint32_t jv, gl3_t g)
{
    uint64_t na = (uint64_t)1 << av, nj = (uint64_t)1 << jv;
    gl3_t *ea = malloc(na * sizeof *ea), *ej = malloc(nj * sizeof *ej);
    if (!ea || !ej) {
        free(ea);
        free(ej);
        return -1;
    }
    zk_eq_table(ea, ra, av);
    zk_eq_table(ej, rho, jv);
    for (uint64_t j = 0; j < nj; j++)
        ej[j] = gl3_mul(ej[j], g);
    gl3_t pp = gl3_zero();
    for (uint64_t a = 0; a < na; a++)
        for (uint64_t j = 0; j < nj; j++) {
            uint64_t s = src[a * nj + j];
            if (s == ZK_SPARTAN_SRC_ZERO)
                continue;
            gl3_t cf = gl3_mul(ea[a], ej[j]);
            if (s & ZK_SPARTAN_SRC_PUBLIC)
                pp = gl3_add(pp, gl3_mul_gl(cf, src_value(s, NULL, pub)));
            else
                wts[s] = gl3_add(wts[s], cf);
        }
    free(ea);
    free(ej);
    *pubpart = pp;
    return 0;
}

/* Z's point claims appended to cl; the masks and the X, Y forms added to the
 * linear weights with gamma^(2 + 3i), gamma^(3 + 3i), gamma^(4 + 3i). */
static int mm_add_claims(zk_whir_claim *cl, gl3_t *wts, gl3_t *lin_value, mm_claim *c, const zk_spartan_matmul *mm,
                         size_t n_mm, gl3_t gamma, const gl_t *pub)
{
    gl3_t g = gl3_mul(gamma, gamma);
    gl3_t lf[3 * 26 * 4];
    for (size_t i = 0; i < n_mm; i++) {
        const zk_spartan_matmul *m = &mm[i];
        cl[i] = (zk_whir_claim){ZK_CLAIM_POINT, c[i].pz, NULL, c[i].v[0]};
        size_t ml = zk_libra_coeffs_len(m->jv, ZK_SPARTAN_MATMUL_DEGREE);
        zk_libra_linear_form(lf, m->jv, ZK_SPARTAN_MATMUL_DEGREE, c[i].rho);
        for (size_t e = 0; e < ml; e++)
            wts[m->mask_off + e] = gl3_add(wts[m->mask_off + e], gl3_mul(g, lf[e]));
        *lin_value = gl3_add(*lin_value, gl3_mul(g, c[i].v[3]));
        g = gl3_mul(g, gamma);
        gl3_t px, pw;
        if (mm_form(wts, &px, m->xsrc, pub, c[i].tau + m->cv, m->bv, c[i].rho, m->jv, g) != 0)
            return -1;
        *lin_value = gl3_add(*lin_value, gl3_sub(gl3_mul(g, c[i].v[1]), px));
        g = gl3_mul(g, gamma);
        if (mm_form(wts, &pw, m->wsrc, pub, c[i].tau, m->cv, c[i].rho, m->jv, g) != 0)
            return -1;
        *lin_value = gl3_add(*lin_value, gl3_sub(gl3_mul(g, c[i].v[2]), pw));
        g = gl3_mul(g, gamma);
    }
    return 0;
}

/* ------------------------------------------------------------ lookups */

/* Shape checks of the lookup descriptor (both sides). */
static int check_lookup(const zk_spartan_layout *L, const zk_spartan_lookup *lk)
{
    if (!lk)
        return ZK_OK;
    if (lk->n_vars < 1 || lk->n_vars > ZK_LOGUP_MAX_VARS || lk->table_bits < 1 ||
        lk->table_bits > ZK_LOGUP_MAX_TABLE_BITS || lk->n_sel < 1 || lk->n_sel > ((uint64_t)1 << lk->n_vars) ||
        !lk->src)
        return zk_set_error(ZK_ERR_INPUT, "lookups: bad shape (2^%u positions, %llu selected, table 2^%u)",
                            lk->n_vars, (unsigned long long)lk->n_sel, lk->table_bits);
    for (uint64_t x = 0; x < ((uint64_t)1 << lk->n_vars); x++)
        if (!src_ok(L, lk->src[x]))
            return zk_set_error(ZK_ERR_INPUT, "lookups: source %llu is not a wire", (unsigned long long)x);
    return ZK_OK;
}

static void absorb_lookup(zk_transcript *t, const zk_spartan_lookup *lk)
{
    if (!lk)
        return;
    gl_t d[3] = {lk->n_vars, lk->table_bits, lk->n_sel};
    zk_transcript_absorb_gl(t, "cs-lookup-shape", d, 3);
    zk_transcript_absorb(t, "cs-lookup-src", (const uint8_t *)lk->src, ((size_t)1 << lk->n_vars) * sizeof *lk->src);
}

/* The LogUp statement: one column C1, lookup (C1, shift 0) on x < n_sel,
 * link F(x) - C1(x) = 0. */
static void lookup_shape(zk_logup_shape *sh, const zk_spartan_lookup *lk)
{
    memset(sh, 0, sizeof *sh);
    sh->n_vars = lk->n_vars;
    sh->sel.n_groups = 1;
    sh->sel.vars[0] = lk->n_vars;
    sh->sel.bound[0] = lk->n_sel;
    sh->table_bits = lk->table_bits;
    sh->n_cols = 1;
    sh->n_lookups = 1;
    sh->lookups[0] = (zk_lookup){0, 0};
    sh->has_link = 1;
    sh->lin_coeff[0] = GL_P - 1;
    sh->lin_const = 0;
}

/* g * F~(r) as weights on w (private sources); returns the public sources'
 * part, which the claim's value must exclude. */
static int lookup_form(gl3_t *wts, gl3_t *pubpart, const zk_spartan_lookup *lk, const gl_t *pub, const gl3_t *r,
                       gl3_t g)
{
    uint64_t n = (uint64_t)1 << lk->n_vars;
    gl3_t *e = malloc(n * sizeof *e);
    if (!e)
        return -1;
    zk_eq_table(e, r, lk->n_vars);
    gl3_t pp = gl3_zero();
    for (uint64_t x = 0; x < n; x++) {
        uint64_t sx = lk->src[x];
        if (sx == ZK_SPARTAN_SRC_ZERO)
            continue;
        gl3_t cf = gl3_mul(e[x], g);
        if (sx & ZK_SPARTAN_SRC_PUBLIC)
            pp = gl3_add(pp, gl3_mul_gl(cf, src_value(sx, NULL, pub)));
        else
            wts[sx] = gl3_add(wts[sx], cf);
    }
    free(e);
    *pubpart = pp;
    return 0;
}

/* gamma^(2 + 3 n_mm): the first power after the matrix products' claims. */
static gl3_t lookup_gamma(gl3_t gamma, size_t n_mm)
{
    gl3_t g = gl3_mul(gamma, gamma);
    for (size_t i = 0; i < 3 * n_mm; i++)
        g = gl3_mul(g, gamma);
    return g;
}

/* Prover: F's values, the LogUp commit and sumcheck stages, F~(r_data)
 * (section ZK_SPARTAN_SEC_LOOKUP_EVAL, absorbed). *lp and *fv are freed by
 * the caller. */
static int prove_lookup(const prover *P, const zk_spartan_lookup *lk, const gl_t *pub, zk_transcript *t,
                        zk_wbuf *proof, zk_logup_prover **lp, gl_t **fv, gl3_t *r_data, gl3_t *fval)
{
    const gl_t *w = P->z + P->half;
    uint64_t n = (uint64_t)1 << lk->n_vars;
    gl_t *f = malloc(n * sizeof *f);
    if (!f)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (lookup column, 2^%u)", lk->n_vars);
    *fv = f;
    for (uint64_t x = 0; x < n; x++)
        f[x] = src_value(lk->src[x], w, pub);
    zk_logup_shape sh;
    lookup_shape(&sh, lk);
    const gl_t *cols[1] = {f};
    int rc;
    if ((rc = zk_logup_prove_commit(lp, &sh, cols, f, lk->hooks, t, proof)) != ZK_OK ||
        (rc = zk_logup_prove_sumcheck(*lp, t, proof, r_data)) != ZK_OK)
        return rc;
    *fval = zk_mle_eval_gl(f, lk->n_vars, r_data);
    size_t s = zk_proof_section_begin(proof, ZK_SPARTAN_SEC_LOOKUP_EVAL);
    zk_wbuf_gl3(proof, *fval);
    zk_proof_section_end(proof, s);
    zk_transcript_absorb_gl3(t, "cs-lookup-eval", fval, 1);
    return ZK_OK;
}

#define MAX_LINKS 8

int zk_spartan_prove_core(const zk_r1cs *c, const gl_t *witness, zk_transcript *t, const zk_spartan_link *links,
                          size_t n_links, const zk_spartan_ext *ext, zk_wbuf *proof)
{
    ZK_CHECK_ARG(c != NULL && witness != NULL && t != NULL && proof != NULL && (links != NULL || n_links == 0));
    const zk_spartan_ext none = {NULL, 0, NULL};
    if (!ext)
        ext = &none;
    const zk_spartan_matmul *mm = ext->mm;
    size_t n_mm = ext->n_mm;
    const zk_spartan_lookup *lk = ext->lk;
    prover P;
    memset(&P, 0, sizeof P);
    P.c = c;
    int rc;
    if ((rc = zk_spartan_layout_compute(&P.L, c)) != ZK_OK)
        return rc;
    const zk_spartan_layout *L = &P.L;
    if ((rc = check_links(L, links, n_links)) != ZK_OK || (rc = check_matmuls(L, mm, n_mm)) != ZK_OK ||
        (rc = check_lookup(L, lk)) != ZK_OK)
        return rc;
    for (size_t k = 0; k < n_links; k++) {
        ZK_CHECK_ARG(links[k].wit != NULL && links[k].com != NULL);
        uint64_t len = (uint64_t)1 << links[k].com->params.n_vars;
        if (memcmp(links[k].wit->evals, witness + L->n_public + 1 + links[k].w_offset, len * sizeof(gl_t)) != 0)
            return zk_set_error(ZK_ERR_INPUT, "link %zu: the linked wires differ from the committed vector", k);
    }
    if (prover_alloc(&P) != 0 || build_z(&P, witness) != 0) {
        prover_free(&P);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (R1CS prover, 2^%u rows, 2^%u columns)", L->row_vars,
                            L->col_vars);
    }
    zk_whir_params wp;
    if ((rc = zk_whir_params_derive(&wp, L->col_vars - 1, 1)) != ZK_OK ||
        (rc = zk_whir_commit(&wp, P.z + P.half, NULL, &P.com, &P.wit)) != ZK_OK) {
        prover_free(&P);
        return rc;
    }
    P.have_wit = 1;

    absorb_statement(t, c, witness + 1, L->n_public);
    absorb_links(t, links, n_links);
    absorb_matmuls(t, mm, n_mm);
    absorb_lookup(t, lk);
    zk_whir_commitment_absorb(t, &P.com);
    size_t s = zk_proof_section_begin(proof, SEC_BINDING);
    write_binding(proof, c);
    zk_proof_section_end(proof, s);
    s = zk_proof_section_begin(proof, SEC_PARAMS);
    zk_whir_params_write(proof, &wp);
    zk_proof_section_end(proof, s);
    s = zk_proof_section_begin(proof, SEC_COMMIT);
    zk_whir_commitment_write(proof, &P.com);
    zk_proof_section_end(proof, s);

    /* links: rho_k after both commitments are fixed; u_k = v_k~(rho_k) */
    static _Thread_local gl3_t rho[MAX_LINKS][ZK_WHIR_MAX_VARS], pts[MAX_LINKS][64];
    gl3_t u[MAX_LINKS];
    if (n_links) {
        for (size_t k = 0; k < n_links; k++) {
            uint32_t m = links[k].com->params.n_vars;
            zk_transcript_challenge_gl3s(t, "cs-link-rho", rho[k], m);
            u[k] = zk_mle_eval_gl(links[k].wit->evals, m, rho[k]);
            link_point(pts[k], L, rho[k], m, links[k].w_offset);
        }
        s = zk_proof_section_begin(proof, ZK_SPARTAN_SEC_LINK_EVALS);
        zk_wbuf_gl3s(proof, u, n_links);
        zk_proof_section_end(proof, s);
        zk_transcript_absorb_gl3(t, "cs-link-evals", u, n_links);
    }

    gl3_t ev[4], iv[2];
    if ((rc = prove_outer(&P, t, proof, ev)) != ZK_OK || (rc = prove_inner(&P, t, proof, ev, iv)) != ZK_OK) {
        prover_free(&P);
        return rc;
    }
    mm_claim *mc = n_mm ? calloc(n_mm, sizeof *mc) : NULL;
    zk_whir_claim *cl = malloc((2 + MAX_LINKS + n_mm) * sizeof *cl);
    if ((n_mm && !mc) || !cl) {
        free(mc);
        free(cl);
        prover_free(&P);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (matrix product claims)");
    }
    for (size_t i = 0; i < n_mm; i++)
        if ((rc = prove_matmul(&P, &mm[i], witness + 1, t, proof, &mc[i])) != ZK_OK) {
            free(mc);
            free(cl);
            prover_free(&P);
            return rc;
        }
    zk_logup_prover *lp = NULL;
    gl_t *lfv = NULL;
    gl3_t lr[ZK_LOGUP_MAX_VARS], lval = gl3_zero();
    if (lk && (rc = prove_lookup(&P, lk, witness + 1, t, proof, &lp, &lfv, lr, &lval)) != ZK_OK) {
        zk_logup_prover_free(lp);
        free(lfv);
        free(mc);
        free(cl);
        prover_free(&P);
        return rc;
    }
    gl3_t gamma = zk_transcript_challenge_gl3(t, "r1cs-gamma");
    gl3_t lpub = gl3_zero();
    gl3_t lin_value = gl3_add(ev[3], gl3_mul(gamma, iv[1]));
    if (!(P.wts = calloc(P.half, sizeof *P.wts)) || mask_weights(P.wts, L, P.rx, P.ry, gamma) != 0 ||
        (lk && lookup_form(P.wts, &lpub, lk, witness + 1, lr, lookup_gamma(gamma, n_mm)) != 0) ||
        mm_add_claims(cl + 2 + n_links, P.wts, &lin_value, mc, mm, n_mm, gamma, witness + 1) != 0) {
        zk_logup_prover_free(lp);
        free(lfv);
        free(mc);
        free(cl);
        prover_free(&P);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (opening weights)");
    }
    if (lk)
        lin_value = gl3_add(lin_value, gl3_sub(gl3_mul(lookup_gamma(gamma, n_mm), lval), lpub));
    cl[0] = (zk_whir_claim){ZK_CLAIM_POINT, P.ry, NULL, iv[0]};
    cl[1] = (zk_whir_claim){ZK_CLAIM_LINEAR, NULL, P.wts, lin_value};
    for (size_t k = 0; k < n_links; k++)
        cl[2 + k] = (zk_whir_claim){ZK_CLAIM_POINT, pts[k], NULL, u[k]};
    s = zk_proof_section_begin(proof, SEC_OPEN);
    rc = zk_whir_open(&P.wit, &P.com, cl, 2 + n_links + n_mm, t, proof);
    zk_proof_section_end(proof, s);
    free(mc);
    free(cl);
    prover_free(&P);
    for (size_t k = 0; k < n_links && rc == ZK_OK; k++) {
        zk_whir_claim lc = {ZK_CLAIM_POINT, rho[k], NULL, u[k]};
        s = zk_proof_section_begin(proof, ZK_SPARTAN_SEC_LINK_OPEN);
        rc = zk_whir_open(links[k].wit, links[k].com, &lc, 1, t, proof);
        zk_proof_section_end(proof, s);
    }
    if (rc == ZK_OK && lk)
        rc = zk_logup_prove_open(lp, t, proof);
    zk_logup_prover_free(lp);
    if (lfv) {
        memset(lfv, 0, ((size_t)1 << lk->n_vars) * sizeof *lfv);
        free(lfv);
    }
    if (rc == ZK_OK && proof->oom)
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory writing the proof");
    return rc;
}

int zk_r1cs_prove(const zk_r1cs *c, const gl_t *witness, size_t n, const zk_r1cs_symbols *syms, zk_wbuf *proof)
{
    ZK_CHECK_ARG(c != NULL && proof != NULL && (witness != NULL || n == 0));
    int rc = zk_r1cs_check_witness(c, witness, n, syms, NULL);
    if (rc != ZK_OK)
        return rc;
    zk_spartan_layout L;
    if ((rc = zk_spartan_layout_compute(&L, c)) != ZK_OK)
        return rc;
    zk_transcript t;
    zk_transcript_init(&t, SPARTAN_PROTOCOL);
    zk_proof_header_write(proof, ZK_PROOF_R1CS);
    return zk_spartan_prove_core(c, witness, &t, NULL, 0, NULL, proof);
}

/* ------------------------------------------------------------ verifier */

/* eq(r, i) for i < 2^n, split as lo[i mod 2^L] * hi[i >> L] with L = n/2, so that
 * only the entries actually used cost a multiplication (a circuit with 2^k + 1
 * rows uses about half of its 2^(k+1) row weights). hi is scaled by `scale`. */
typedef struct {
    size_t L;
    gl3_t *lo, *hi;
} eq_split;

static int eq_split_init(eq_split *e, const gl3_t *r, size_t n, gl3_t scale)
{
    e->L = n / 2;
    size_t nh = (size_t)1 << (n - e->L);
    e->lo = malloc(((size_t)1 << e->L) * sizeof *e->lo);
    e->hi = malloc(nh * sizeof *e->hi);
    if (!e->lo || !e->hi) {
        free(e->lo);
        free(e->hi);
        e->lo = e->hi = NULL;
        return -1;
    }
    zk_eq_table(e->lo, r, e->L);
    zk_eq_table(e->hi, r + e->L, n - e->L);
    for (size_t i = 0; i < nh; i++)
        e->hi[i] = gl3_mul(e->hi[i], scale);
    return 0;
}

static void eq_split_free(eq_split *e)
{
    free(e->lo);
    free(e->hi);
}

static inline gl3_t eq_split_at(const eq_split *e, uint64_t i)
{
    return gl3_mul(e->lo[i & (((uint64_t)1 << e->L) - 1)], e->hi[i >> e->L]);
}

/* sum_t coeff_t * colw[wire_t] over row i, with lazy reduction: the 128-bit
 * products of each coordinate are summed with a count of the 2^128 wraps
 * (2^128 = -2^32 mod p), then reduced once. */
static gl3_t row_dot(const zk_r1cs_matrix *M, uint32_t i, const gl3_t *colw)
{
    unsigned __int128 acc[3] = {0, 0, 0};
    uint64_t wraps[3] = {0, 0, 0};
    for (uint64_t t = M->row_ptr[i]; t < M->row_ptr[i + 1]; t++) {
        const gl3_t *w = &colw[M->wire[t]];
        for (int e = 0; e < 3; e++) {
            unsigned __int128 p = (unsigned __int128)M->coeff[t] * w->c[e];
            acc[e] += p;
            wraps[e] += acc[e] < p;
        }
    }
    gl3_t r;
    for (int e = 0; e < 3; e++)
        r.c[e] = gl_add(gl_reduce128(acc[e]), gl_mul(gl_from_u64(wraps[e]), GL_P - ((gl_t)1 << 32)));
    return r;
}

/* rA A~(rx,ry) + rB B~(rx,ry) + rC C~(rx,ry), directly from the sparse matrices:
 * one extension multiplication per wire (its column weight), three base
 * multiplications per term (lazily reduced), at most four extension
 * multiplications per row. Also the public part P~(ry') of z. */
static int matrices_eval(gl3_t *out, const zk_r1cs *c, const zk_spartan_layout *L, const gl3_t *rx, const gl3_t *ry,
                         const gl3_t rk[3], gl3_t *pub_eval, const gl_t *pub)
{
    size_t s1 = L->col_vars - 1;
    gl3_t yhi = ry[s1], ylo = gl3_sub(gl3_one(), yhi);
    eq_split ex = {0, NULL, NULL}, ey = ex, eylo = ex, eyhi = ex;
    gl3_t *colw = malloc((size_t)c->n_wires * sizeof *colw);
    int ok = colw != NULL;
    ok = ok && eq_split_init(&ex, rx, L->row_vars, gl3_one()) == 0;
    ok = ok && eq_split_init(&ey, ry, s1, gl3_one()) == 0;
    ok = ok && eq_split_init(&eylo, ry, s1, ylo) == 0;
    ok = ok && eq_split_init(&eyhi, ry, s1, yhi) == 0;
    if (!ok) {
        eq_split_free(&ex);
        eq_split_free(&ey);
        eq_split_free(&eylo);
        eq_split_free(&eyhi);
        free(colw);
        return -1;
    }
    gl3_t pe = eq_split_at(&ey, 0); /* public part P~(ry'), P = (1, pub, 0..) */
    for (uint32_t j = 1; j <= L->n_public; j++)
        pe = gl3_add(pe, gl3_mul_gl(eq_split_at(&ey, j), pub[j - 1]));
    *pub_eval = pe;
#pragma omp parallel for schedule(static) if (c->n_wires >= PAR_MIN)
    for (uint32_t w = 0; w < c->n_wires; w++)
        colw[w] = w <= L->n_public ? eq_split_at(&eylo, w) : eq_split_at(&eyhi, w - L->n_public - 1);
    /* Circuit rows, in blocks of 2^L rows sharing the factor hi[i >> L]: per row
     * lo[i mod 2^L] * sum_k r_k dot_k(i), per block one multiplication by hi. */
    uint64_t m = c->n_constraints, bl = (uint64_t)1 << ex.L, nblk = (m + bl - 1) / bl;
    gl3_t main_sum = gl3_zero();
#pragma omp parallel if (m >= PAR_MIN)
    {
        gl3_t part = gl3_zero();
#pragma omp for schedule(static) nowait
        for (uint64_t b = 0; b < nblk; b++) {
            gl3_t blk = gl3_zero();
            uint64_t end = (b + 1) * bl < m ? (b + 1) * bl : m;
            for (uint64_t i = b * bl; i < end; i++) {
                gl3_t acc = gl3_zero();
                for (int k = 0; k < 3; k++)
                    if (c->abc[k].row_ptr[i] != c->abc[k].row_ptr[i + 1])
                        acc = gl3_add(acc, gl3_mul(rk[k], row_dot(&c->abc[k], (uint32_t)i, colw)));
                blk = gl3_add(blk, gl3_mul(ex.lo[i - b * bl], acc));
            }
            part = gl3_add(part, gl3_mul(ex.hi[b], blk));
        }
#pragma omp critical
        main_sum = gl3_add(main_sum, part);
    }
    gl3_t tot[3] = {gl3_zero(), gl3_zero(), gl3_zero()}; /* padding rows, per matrix */
    uint64_t br = L->blind_row, bc = L->blind_col;
    for (unsigned k = 0; k < 3; k++) {
        tot[0] = gl3_add(tot[0], gl3_mul(eq_split_at(&ex, br + k), eq_split_at(&eyhi, bc + k)));
        tot[1] = gl3_add(tot[1], gl3_mul(eq_split_at(&ex, br + 4 + k), eq_split_at(&eyhi, bc + 4 + k)));
        tot[0] = gl3_add(tot[0], gl3_mul(eq_split_at(&ex, br + 8 + k), eq_split_at(&eylo, 0)));
        gl3_t d = gl3_mul(eq_split_at(&ex, br + 8 + k), eq_split_at(&eyhi, bc + 8 + k));
        tot[1] = gl3_add(tot[1], d);
        tot[2] = gl3_add(tot[2], d);
    }
    *out = gl3_add(main_sum,
                   gl3_add(gl3_mul(rk[0], tot[0]), gl3_add(gl3_mul(rk[1], tot[1]), gl3_mul(rk[2], tot[2]))));
    eq_split_free(&ex);
    eq_split_free(&ey);
    eq_split_free(&eylo);
    eq_split_free(&eyhi);
    free(colw);
    return 0;
}

/* ZK_ERR_REJECT with "what: <the current message>" (copied first: zk_last_error()
 * is the buffer zk_set_error writes). */
static int reject(const char *what)
{
    char inner[512];
    snprintf(inner, sizeof inner, "%s", zk_last_error());
    return zk_set_error(ZK_ERR_REJECT, "%s: %s", what, inner);
}

static int verify_binding(zk_rbuf *r, const zk_r1cs *c, zk_whir_params *wp, const zk_spartan_layout *L)
{
    zk_rbuf sub;
    int rc;
    if ((rc = zk_proof_section_read(r, SEC_BINDING, "binding", &sub)) != ZK_OK)
        return rc;
    zk_digest d;
    zk_rbuf_digest(&sub, &d);
    uint32_t nw = zk_rbuf_u32(&sub), nc = zk_rbuf_u32(&sub), np = zk_rbuf_u32(&sub);
    if ((rc = zk_proof_section_done(&sub, "binding")) != ZK_OK)
        return rc;
    if (memcmp(d.h, c->digest.h, ZK_HASH_BYTES) != 0 || nw != c->n_wires || nc != c->n_constraints ||
        np != zk_r1cs_n_public(c))
        return zk_set_error(ZK_ERR_REJECT, "the proof was made for a different circuit (its .r1cs digest, %u wires, "
                                           "%u constraints, %u public signals do not match this .r1cs)",
                            nw, nc, np);
    if ((rc = zk_proof_section_read(r, SEC_PARAMS, "parameters", &sub)) != ZK_OK)
        return rc;
    zk_whir_params expect;
    if (zk_whir_params_read(&sub, wp) != ZK_OK)
        return zk_set_error(ZK_ERR_REJECT, "parameter section is malformed");
    if ((rc = zk_proof_section_done(&sub, "parameters")) != ZK_OK)
        return rc;
    if (zk_whir_params_derive(&expect, L->col_vars - 1, 1) != ZK_OK || !zk_whir_params_equal(wp, &expect))
        return zk_set_error(ZK_ERR_REJECT, "recorded WHIR parameter set is not the standard one for this circuit");
    return ZK_OK;
}

int zk_spartan_verify_core(const zk_r1cs *c, const gl_t *pub, size_t n_pub, zk_transcript *t,
                           const zk_spartan_link *links, size_t n_links, const zk_spartan_ext *ext,
                           zk_rbuf *r)
{
    ZK_CHECK_ARG(c != NULL && (pub != NULL || n_pub == 0) && t != NULL && r != NULL && (links != NULL || n_links == 0));
    const zk_spartan_ext none = {NULL, 0, NULL};
    if (!ext)
        ext = &none;
    const zk_spartan_matmul *mm = ext->mm;
    size_t n_mm = ext->n_mm;
    const zk_spartan_lookup *lk = ext->lk;
    zk_spartan_layout L;
    int rc = zk_spartan_layout_compute(&L, c);
    if (rc != ZK_OK)
        return rc;
    if ((rc = check_links(&L, links, n_links)) != ZK_OK || (rc = check_matmuls(&L, mm, n_mm)) != ZK_OK ||
        (rc = check_lookup(&L, lk)) != ZK_OK)
        return rc;
    zk_rbuf sub;
    zk_whir_params wp;
    if ((rc = verify_binding(r, c, &wp, &L)) != ZK_OK)
        return rc;
    absorb_statement(t, c, pub, n_pub);
    absorb_links(t, links, n_links);
    absorb_matmuls(t, mm, n_mm);
    absorb_lookup(t, lk);
    if ((rc = zk_proof_section_read(r, SEC_COMMIT, "commitment", &sub)) != ZK_OK)
        return rc;
    zk_whir_commitment com;
    if (zk_whir_commitment_read(&sub, &com) != ZK_OK)
        return reject("commitment is malformed");
    if ((rc = zk_proof_section_done(&sub, "commitment")) != ZK_OK)
        return rc;
    if (!zk_whir_params_equal(&com.params, &wp))
        return zk_set_error(ZK_ERR_REJECT, "commitment parameters differ from the recorded set");
    zk_whir_commitment_absorb(t, &com);

    /* links */
    static _Thread_local gl3_t rho[MAX_LINKS][ZK_WHIR_MAX_VARS], pts[MAX_LINKS][64];
    gl3_t u[MAX_LINKS];
    if (n_links) {
        for (size_t k = 0; k < n_links; k++) {
            uint32_t m = links[k].com->params.n_vars;
            zk_transcript_challenge_gl3s(t, "cs-link-rho", rho[k], m);
            link_point(pts[k], &L, rho[k], m, links[k].w_offset);
        }
        if ((rc = zk_proof_section_read(r, ZK_SPARTAN_SEC_LINK_EVALS, "link evaluations", &sub)) != ZK_OK)
            return rc;
        zk_rbuf_gl3s(&sub, u, n_links);
        if ((rc = zk_proof_section_done(&sub, "link evaluations")) != ZK_OK)
            return rc;
        zk_transcript_absorb_gl3(t, "cs-link-evals", u, n_links);
    }

    /* outer sumcheck */
    gl3_t tau[64], rx[64], ry[64], final1, rho1, final2, rho2, ev[4], iv[2], rk[3];
    zk_transcript_challenge_gl3s(t, "r1cs-tau", tau, L.row_vars);
    if ((rc = zk_proof_section_read(r, SEC_OUTER, "outer sumcheck", &sub)) != ZK_OK)
        return rc;
    if (zk_sumcheck_verify_zk(L.row_vars, ZK_SPARTAN_OUTER_DEGREE, gl3_zero(), t, &sub, rx, &final1, &rho1) != ZK_OK)
        return reject("outer sumcheck rejected (wrong public signals, or a corrupted proof)");
    if ((rc = zk_proof_section_done(&sub, "outer sumcheck")) != ZK_OK)
        return rc;
    if ((rc = zk_proof_section_read(r, SEC_OUTER_EVALS, "outer evaluations", &sub)) != ZK_OK)
        return rc;
    zk_rbuf_gl3s(&sub, ev, 4);
    if ((rc = zk_proof_section_done(&sub, "outer evaluations")) != ZK_OK)
        return rc;
    gl3_t expect = gl3_mul(zk_eq_eval(tau, rx, L.row_vars), gl3_sub(gl3_mul(ev[0], ev[1]), ev[2]));
    if (!gl3_eq(gl3_add(expect, gl3_mul(rho1, ev[3])), final1))
        return zk_set_error(ZK_ERR_REJECT, "outer sumcheck: final check failed (Az*Bz - Cz is not zero)");
    zk_transcript_absorb_gl3(t, "r1cs-outer-evals", ev, 4);

    /* inner sumcheck */
    zk_transcript_challenge_gl3s(t, "r1cs-rabc", rk, 3);
    gl3_t claim = gl3_add(gl3_mul(rk[0], ev[0]), gl3_add(gl3_mul(rk[1], ev[1]), gl3_mul(rk[2], ev[2])));
    if ((rc = zk_proof_section_read(r, SEC_INNER, "inner sumcheck", &sub)) != ZK_OK)
        return rc;
    if (zk_sumcheck_verify_zk(L.col_vars, ZK_SPARTAN_INNER_DEGREE, claim, t, &sub, ry, &final2, &rho2) != ZK_OK)
        return reject("inner sumcheck rejected");
    if ((rc = zk_proof_section_done(&sub, "inner sumcheck")) != ZK_OK)
        return rc;
    if ((rc = zk_proof_section_read(r, SEC_INNER_EVALS, "inner evaluations", &sub)) != ZK_OK)
        return rc;
    zk_rbuf_gl3s(&sub, iv, 2);
    if ((rc = zk_proof_section_done(&sub, "inner evaluations")) != ZK_OK)
        return rc;
    gl3_t mval, pval;
    if (matrices_eval(&mval, c, &L, rx, ry, rk, &pval, pub) != 0)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (matrix evaluation)");
    gl3_t yhi = ry[L.col_vars - 1];
    gl3_t zval = gl3_add(gl3_mul(gl3_sub(gl3_one(), yhi), pval), gl3_mul(yhi, iv[0]));
    if (!gl3_eq(gl3_add(gl3_mul(mval, zval), gl3_mul(rho2, iv[1])), final2))
        return zk_set_error(ZK_ERR_REJECT, "inner sumcheck: final check failed (the public signals or the "
                                           "committed witness do not satisfy the circuit)");
    zk_transcript_absorb_gl3(t, "r1cs-inner-evals", iv, 2);

    /* native matrix products */
    mm_claim *mc = n_mm ? calloc(n_mm, sizeof *mc) : NULL;
    zk_whir_claim *cl = malloc((2 + MAX_LINKS + n_mm) * sizeof *cl);
    if ((n_mm && !mc) || !cl) {
        free(mc);
        free(cl);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (matrix product claims)");
    }
    for (size_t i = 0; i < n_mm; i++)
        if ((rc = verify_matmul(&L, &mm[i], t, r, &mc[i], i)) != ZK_OK) {
            free(mc);
            free(cl);
            return rc;
        }

    /* lookups: LogUp commit and sumcheck stages, F~(r_data), final check */
    zk_logup_verifier lv;
    gl3_t lr[ZK_LOGUP_MAX_VARS], lval = gl3_zero();
    if (lk) {
        zk_logup_shape sh;
        lookup_shape(&sh, lk);
        if ((rc = zk_logup_verify_commit(&lv, &sh, t, r)) == ZK_OK &&
            (rc = zk_logup_verify_sumcheck(&lv, t, r, lr)) == ZK_OK &&
            (rc = zk_proof_section_read(r, ZK_SPARTAN_SEC_LOOKUP_EVAL, "lookup evaluation", &sub)) == ZK_OK) {
            lval = zk_rbuf_gl3(&sub);
            if ((rc = zk_proof_section_done(&sub, "lookup evaluation")) == ZK_OK) {
                zk_transcript_absorb_gl3(t, "cs-lookup-eval", &lval, 1);
                rc = zk_logup_verify_final(&lv, lval);
            }
        }
        if (rc != ZK_OK) {
            free(mc);
            free(cl);
            return rc == ZK_ERR_REJECT ? reject("lookups") : rc;
        }
    }

    /* opening */
    gl3_t gamma = zk_transcript_challenge_gl3(t, "r1cs-gamma");
    size_t half = (size_t)1 << (L.col_vars - 1);
    gl3_t *wts = calloc(half, sizeof *wts);
    gl3_t lpub = gl3_zero();
    gl3_t lin_value = gl3_add(ev[3], gl3_mul(gamma, iv[1]));
    if (!wts || mask_weights(wts, &L, rx, ry, gamma) != 0 ||
        (lk && lookup_form(wts, &lpub, lk, pub, lr, lookup_gamma(gamma, n_mm)) != 0) ||
        mm_add_claims(cl + 2 + n_links, wts, &lin_value, mc, mm, n_mm, gamma, pub) != 0) {
        free(wts);
        free(mc);
        free(cl);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory (opening weights)");
    }
    if (lk)
        lin_value = gl3_add(lin_value, gl3_sub(gl3_mul(lookup_gamma(gamma, n_mm), lval), lpub));
    cl[0] = (zk_whir_claim){ZK_CLAIM_POINT, ry, NULL, iv[0]};
    cl[1] = (zk_whir_claim){ZK_CLAIM_LINEAR, NULL, wts, lin_value};
    for (size_t k = 0; k < n_links; k++)
        cl[2 + k] = (zk_whir_claim){ZK_CLAIM_POINT, pts[k], NULL, u[k]};
    rc = zk_proof_section_read(r, SEC_OPEN, "opening", &sub);
    if (rc == ZK_OK && zk_whir_verify(&com, cl, 2 + n_links + n_mm, t, &sub) != ZK_OK)
        rc = reject(n_links || n_mm || lk ? "witness opening rejected (or a linked block differs from its commitment, "
                                            "or a matrix product or lookup claim is false)"
                                    : "witness opening rejected");
    free(wts);
    free(mc);
    free(cl);
    if (rc != ZK_OK)
        return rc;
    if ((rc = zk_proof_section_done(&sub, "opening")) != ZK_OK)
        return rc;
    for (size_t k = 0; k < n_links; k++) {
        zk_whir_claim lc = {ZK_CLAIM_POINT, rho[k], NULL, u[k]};
        if ((rc = zk_proof_section_read(r, ZK_SPARTAN_SEC_LINK_OPEN, "link opening", &sub)) != ZK_OK)
            return rc;
        if (zk_whir_verify(links[k].com, &lc, 1, t, &sub) != ZK_OK) {
            char what[96];
            snprintf(what, sizeof what, "opening of linked commitment %zu rejected", k);
            return reject(what);
        }
        if ((rc = zk_proof_section_done(&sub, "link opening")) != ZK_OK)
            return rc;
    }
    if (lk && (rc = zk_logup_verify_open(&lv, t, r)) != ZK_OK)
        return rc == ZK_ERR_REJECT ? reject("lookup openings") : rc;
    return ZK_OK;
}

int zk_r1cs_verify(const zk_r1cs *c, const gl_t *pub, size_t n_pub, const uint8_t *proof, size_t proof_len,
                   zk_spartan_security *sec)
{
    ZK_CHECK_ARG(c != NULL && (pub != NULL || n_pub == 0) && (proof != NULL || proof_len == 0));
    if (n_pub != zk_r1cs_n_public(c))
        return zk_set_error(ZK_ERR_INPUT, "%zu public values given, the circuit has %u public signals (%u outputs, "
                                          "%u public inputs)",
                            n_pub, zk_r1cs_n_public(c), c->n_pub_out, c->n_pub_in);
    for (size_t i = 0; i < n_pub; i++)
        if (!gl_is_canonical(pub[i]))
            return zk_set_error(ZK_ERR_INPUT, "public value %zu is not below p", i);
    zk_spartan_layout L;
    int rc = zk_spartan_layout_compute(&L, c);
    if (rc != ZK_OK)
        return rc;
    zk_rbuf r;
    zk_rbuf_init(&r, proof, proof_len);
    if ((rc = zk_proof_header_read(&r, ZK_PROOF_R1CS)) != ZK_OK)
        return rc;
    zk_transcript t;
    zk_transcript_init(&t, SPARTAN_PROTOCOL);
    if ((rc = zk_spartan_verify_core(c, pub, n_pub, &t, NULL, 0, NULL, &r)) != ZK_OK)
        return rc;
    if (zk_rbuf_left(&r) != 0)
        return zk_set_error(ZK_ERR_REJECT, "%zu unexpected bytes after the last section", zk_rbuf_left(&r));
    if (sec)
        zk_spartan_security_compute(sec, &L);
    return ZK_OK;
}
