/*
 * sumcheck.h — the sumcheck protocol (Lund–Fortnow–Karloff–Nisan 1992; see
 * Thaler, "Proofs, Arguments, and Zero-Knowledge", ch. 4) for sums of products
 * of up to 3 multilinear polynomials, with zerocheck on top and Libra-style
 * zero-knowledge masking (Xie et al., eprint 2019/317, section 4.1).
 *
 * Statement: claim = sum_{b in {0,1}^n} sum_t coeff_t * prod_{j in term t} P_j(b)
 * where each P_j is a multilinear table of 2^n entries (layout: mle.h) and each
 * term has 1..3 factors (the engine accepts up to ZK_SC_MAX_DEGREE = 4, e.g. a
 * product of 3 with an explicit eq table). The round polynomial s_i(X) has
 * degree d = max_t |term t|. The prover sends s_i as d+1 coefficients in F_p^3
 * (24 bytes each), absorbed into the transcript under "sc-round"; the verifier
 * checks s_i(0) + s_i(1) = running claim, draws r_i ("sc-challenge") and sets
 * claim = s_i(r_i). Variables are bound X_1 first.
 *
 * Base-field first round: tables given as base-field (gl_t) vectors are read
 * directly in round 1 (base multiplications only for the products); they are
 * folded into extension tables with r_1. Soundness error: n*d/|F_p^3| < n*2^-190.
 *
 * Transcript sequence (prover and verifier alike), see docs/sumcheck.md:
 *   zk_sumcheck_*:    absorb "sc-claim" (the claim, 24 bytes), then per round
 *                     absorb "sc-round" (d+1 coefficients), squeeze "sc-challenge".
 *   zk_sumcheck_*_zk: "sc-claim", absorb "libra-sum" (G), squeeze "libra-rho",
 *                     then the rounds.
 *   zk_zerocheck_*:   squeeze "zc-tau" (n challenges), then the rounds (claim 0,
 *                     not absorbed).
 * Proof bytes: the concatenation of the round polynomials, round 1 first,
 * each as d+1 extension elements c_0..c_d (s(X) = sum_k c_k X^k), 24 bytes
 * each (buf.h); the ZK variant writes G (24 bytes) first. No length fields:
 * the verifier knows n and d.
 *
 * Prover memory: besides the caller's tables, 3*2^(n-2) extension elements
 * per table of scratch (ping-pong fold buffers); zerocheck also builds the
 * 2^n-entry eq(tau, .) table. Parallel (OpenMP) for tables of >= 2^14 entries.
 */
#ifndef ZKMLOPS_SUMCHECK_H
#define ZKMLOPS_SUMCHECK_H

#include <stddef.h>

#include "zkmlops/buf.h"
#include "zkmlops/field.h"
#include "zkmlops/status.h"
#include "zkmlops/transcript.h"

#define ZK_SC_MAX_TABLES 8
#define ZK_SC_MAX_TERMS 8
#define ZK_SC_MAX_DEGREE 4 /* 3 factors, plus one for an eq factor added by zerocheck */

typedef struct {
    gl3_t coeff;
    unsigned n_factors;                 /* 1..ZK_SC_MAX_DEGREE */
    unsigned factor[ZK_SC_MAX_DEGREE];  /* table indices */
} zk_sc_term;

typedef struct {
    size_t n_vars;
    size_t n_tables;
    /* For each table exactly one of base[j] / ext[j] is non-NULL, pointing to
     * 2^n_vars entries. Both are read-only for the caller's data: the prover
     * folds into its own scratch (3*2^(n-2) extension elements per table). */
    const gl_t *base[ZK_SC_MAX_TABLES];
    const gl3_t *ext[ZK_SC_MAX_TABLES];
    size_t n_terms;
    zk_sc_term terms[ZK_SC_MAX_TERMS];
} zk_sc_instance;

/* Maximum term degree of the instance. */
unsigned zk_sc_degree(const zk_sc_instance *inst);
/* sum_t coeff_t prod_j evals[factor_j]: the summand at a point, given table values there. */
gl3_t zk_sc_combine(const zk_sc_instance *inst, const gl3_t *evals);
/* Brute-force sum over the hypercube (tests, and the prover's own sanity check). */
gl3_t zk_sc_sum_bruteforce(const zk_sc_instance *inst);

/* Prover. Writes n_vars round polynomials to proof (and transcript). On
 * success r_out[0..n_vars) holds the challenges and evals_out[0..n_tables) the
 * tables' values at r (the caller must then prove these by opening
 * commitments). The claim is not checked (a wrong claim yields a proof the
 * verifier rejects). Returns ZK_OK or ZK_ERR_NOMEM (outputs zeroed).
 * Aborts on an ill-formed instance (table count, factor indices, NULLs). */
int zk_sumcheck_prove(const zk_sc_instance *inst, gl3_t claim, zk_transcript *t, zk_wbuf *proof,
                      gl3_t *r_out, gl3_t *evals_out);
/* Verifier. Reads the rounds, checks each s(0)+s(1), returns the challenges
 * and the final claim (which the caller must check equals the summand at r).
 * degree (1..ZK_SC_MAX_DEGREE) must equal the prover's zk_sc_degree(inst).
 * Returns ZK_OK, or ZK_ERR_REJECT with zk_last_error() naming the round
 * (r_out and *final_claim zeroed). The caller checks that the proof buffer
 * has no trailing bytes if the sumcheck is the last item. */
int zk_sumcheck_verify(size_t n_vars, unsigned degree, gl3_t claim, zk_transcript *t,
                       zk_rbuf *proof, gl3_t *r_out, gl3_t *final_claim);

/* ---- Libra zero-knowledge masking (eprint 2019/317, section 4.1) ----
 * Mask g(x) = sum_i g_i(x_i), each g_i a random univariate polynomial of
 * degree `degree` >= the round degree, with coefficients a_{i,k} uniform in
 * the EXTENSION F_p^3 (from the OS CSPRNG). They must be extension elements:
 * with a in F_p, a masked coefficient m = c + rho*a (rho in F_p^3) lies on a
 * known line and reveals c (docs/sumcheck.md, "Why the mask lives in
 * F_p^3"). The prover commits to the coefficient vector as
 * 3*n_vars*(degree+1) base-field elements, layout
 *   coeffs[3*(i*(degree+1) + k) + e] = coordinate e of a_{i,k} (the X^k
 *   coefficient of g_i; a = c0 + c1 x + c2 x^2 as in field.h),
 * sends G = sum_b g(b), the verifier draws rho, and sumcheck runs on
 * f + rho*g. Every round polynomial is then uniformly distributed given the
 * claim and the previous messages (Libra, section 4.1); the final value g(r) is
 * opened from the mask commitment as a linear form over coeffs. */
typedef struct {
    size_t n_vars;
    unsigned degree; /* 1..ZK_SC_MAX_DEGREE */
    gl_t *coeffs;    /* zk_libra_coeffs_len(n_vars, degree) entries, owned; wiped on free */
} zk_libra_mask;

/* Number of base-field coefficients of a mask: 3 * n_vars * (degree + 1). */
size_t zk_libra_coeffs_len(size_t n_vars, unsigned degree);
/* Fresh random mask (OS CSPRNG). Returns ZK_OK or ZK_ERR_NOMEM (m zeroed).
 * Aborts unless 1 <= degree <= ZK_SC_MAX_DEGREE. */
int zk_libra_mask_init(zk_libra_mask *m, size_t n_vars, unsigned degree);
/* Wipe and free the coefficients; m becomes all-zero. NULL / zeroed m is fine. */
void zk_libra_mask_free(zk_libra_mask *m);
/* zk_libra_coeffs_len(m->n_vars, m->degree). */
size_t zk_libra_mask_len(const zk_libra_mask *m);
/* G = sum_{b in {0,1}^n} g(b) = 2^(n-1) sum_i (g_i(0) + g_i(1)) (0 if n = 0). */
gl3_t zk_libra_mask_sum(const zk_libra_mask *m);
/* g(r) = sum_i g_i(r_i), r[0..n_vars). */
gl3_t zk_libra_mask_eval(const zk_libra_mask *m, const gl3_t *r);
/* Linear form w[0..zk_libra_coeffs_len(n_vars, degree)) with
 * g(r) = sum_i w[i] coeffs[i], namely w[3*(i*(degree+1)+k) + e] = r_i^k x^e.
 * Public (depends only on r): the caller absorbs it as its PCS requires. */
void zk_libra_linear_form(gl3_t *w, size_t n_vars, unsigned degree, const gl3_t *r);

/* ZK prover: absorbs G ("libra-sum", also written to proof), draws rho
 * ("libra-rho"), proves f + rho*g. The mask commitment must already be in the
 * transcript. Outputs r, the tables' evals at r, and g(r) in *mask_eval.
 * Requires mask->n_vars == inst->n_vars and mask->degree >= zk_sc_degree(inst)
 * (aborts otherwise); the round degree is mask->degree. Returns ZK_OK or
 * ZK_ERR_NOMEM. The mask must be fresh for every proof: reusing it across
 * proofs voids zero knowledge. */
int zk_sumcheck_prove_zk(const zk_sc_instance *inst, gl3_t claim, const zk_libra_mask *mask,
                         zk_transcript *t, zk_wbuf *proof, gl3_t *r_out, gl3_t *evals_out,
                         gl3_t *mask_eval);
/* ZK verifier: reads G, draws rho, verifies the rounds. `degree` is the
 * round degree, i.e. the mask degree (>= the instance degree). On success the
 * caller must check
 *   final_claim == zk_sc_combine(inst, evals) + rho * g(r)
 * where g(r) comes from the opened mask commitment. Returns ZK_OK or
 * ZK_ERR_REJECT (outputs zeroed). */
int zk_sumcheck_verify_zk(size_t n_vars, unsigned degree, gl3_t claim, zk_transcript *t,
                          zk_rbuf *proof, gl3_t *r_out, gl3_t *final_claim, gl3_t *rho);

/* ---- zerocheck ----
 * Prove sum_t coeff_t prod P_j(b) = 0 for every b in {0,1}^n: draw tau
 * ("zc-tau", n challenges) and run sumcheck on eq(tau, .) * (...) with claim 0.
 * Each term may have at most 3 factors (the eq factor is appended), and
 * inst->n_tables < ZK_SC_MAX_TABLES (eq takes a slot). The caller checks
 * final_claim == eq(tau, r) * zk_sc_combine(inst, evals). evals_out has
 * n_tables entries (the eq value is not included); tau_out and r_out n_vars.
 * For the verifier, `degree` is the instance degree (1..3); the round
 * polynomials have degree + 1 (so degree + 2 coefficients each). Returns as the
 * plain sumcheck functions. Not zero-knowledge (mask it with
 * zk_sumcheck_prove_zk on an instance carrying an explicit eq table). */
int zk_zerocheck_prove(const zk_sc_instance *inst, zk_transcript *t, zk_wbuf *proof, gl3_t *tau_out,
                       gl3_t *r_out, gl3_t *evals_out);
int zk_zerocheck_verify(size_t n_vars, unsigned degree, zk_transcript *t, zk_rbuf *proof,
                        gl3_t *tau_out, gl3_t *r_out, gl3_t *final_claim);

#endif
