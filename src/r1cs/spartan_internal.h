/*
 * spartan_internal.h — the Spartan prover/verifier core shared by the circom
 * path (zk_r1cs_prove / zk_r1cs_verify, spartan.c) and the circuit builder's
 * proofs with linked commitments (zk_cs_prove / zk_cs_verify,
 * src/circuit/prove.c). Not a public header. Protocol: docs/r1cs.md and
 * docs/circuit.md ("Links").
 */
#ifndef ZKMLOPS_SPARTAN_INTERNAL_H
#define ZKMLOPS_SPARTAN_INTERNAL_H

#include "zkmlops/logup.h"
#include "zkmlops/r1cs.h"
#include "zkmlops/transcript.h"
#include "zkmlops/whir.h"

/* A committed vector v (2^com->params.n_vars entries) that must equal the
 * block w[w_offset .. w_offset + 2^n_vars) of the Spartan witness vector w
 * (w_offset a multiple of 2^n_vars). wit: prover only. */
typedef struct {
    const zk_whir_commitment *com;
    const zk_whir_witness *wit;
    uint64_t w_offset;
} zk_spartan_link;

/* A native matrix product (circuit.h, zk_cs_matmul): Z (an aligned block of
 * w, 2^(bv+cv) entries at z_off, index b*2^cv + c) must satisfy
 *     Z[b][c] = sum_{j in J} X[b][j] W[c][j]   for every b < 2^bv, c < 2^cv,
 * with J = {0 .. k-1} and the extra column jstar (k <= jstar < 2^jv: the
 * builder puts fresh random values there that reach Z only through padding,
 * to mask Z~),
 * where X (2^bv x 2^jv) and W (2^cv x 2^jv) are "virtual" matrices given by a
 * source per entry (xsrc[b*2^jv + j], wsrc[c*2^jv + j]): ZK_SPARTAN_SRC_ZERO,
 * ZK_SPARTAN_SRC_PUBLIC | (public wire id, 0 = the constant 1), or a w-index.
 * mask_off: the Libra mask of its sumcheck (zk_libra_coeffs_len(jv, 3)
 * entries of w, uniformly random). */
#define ZK_SPARTAN_SRC_ZERO UINT64_MAX
#define ZK_SPARTAN_SRC_PUBLIC ((uint64_t)1 << 62)
typedef struct {
    uint64_t z_off, mask_off;
    uint32_t bv, cv, jv;
    uint64_t k;
    const uint64_t *xsrc, *wsrc;
    uint64_t jstar;
} zk_spartan_matmul;

/* Lookups (circuit.h, zk_cs_set_lookups): the "virtual" vector F of 2^n_vars
 * entries given by a source per entry (src[x], as for matrix products) must
 * take values in T = [0, 2^table_bits) at every x < n_sel. Proved by one
 * zero-knowledge LogUp sub-proof (logup.h: one column C1 = F's values, one
 * lookup with shift 0, box selector x < n_sel, foreign column F with the
 * link F(x) - C1(x) = 0); F~(r_data) is a linear claim (public sources moved
 * to the value) of the WHIR opening of w. hooks: prover, tests only (a false
 * statement proved on purpose), NULL otherwise. */
typedef struct {
    uint32_t n_vars, table_bits;
    uint64_t n_sel;
    const uint64_t *src;
    const zk_logup_test_hooks *hooks;
} zk_spartan_lookup;

/* Native extensions of one proof (NULL = none). lk: NULL = no lookups. */
typedef struct {
    const zk_spartan_matmul *mm;
    size_t n_mm;
    const zk_spartan_lookup *lk;
} zk_spartan_ext;

#define ZK_SPARTAN_MATMUL_DEGREE 3u      /* S(j) * X~(tau_b, j) * W~(tau_c, j), S(j) = [j < k or j = jstar] */
#define ZK_SPARTAN_MAX_MATMULS 1024u     /* one WHIR point claim each (ZK_WHIR_MAX_CLAIMS) */

/* Proof sections of the linked variant (after the circom ones, 1..8). */
#define ZK_SPARTAN_SEC_LINK_EVALS 9u
#define ZK_SPARTAN_SEC_LINK_OPEN 10u
#define ZK_SPARTAN_SEC_MATMUL 11u /* one per native matrix product */
#define ZK_SPARTAN_SEC_LOOKUP_EVAL 12u /* F~(r_data) of the lookup sub-proof */

/* Prove with a transcript t the caller has initialised (protocol id and any
 * context absorbed). Absorbs the statement (digest, shape, public values
 * witness[1..n_public]), then every link commitment, writes the sections
 * (binding, parameters, commitment, [link evaluations], outer, inner,
 * [one section per matrix product], opening, [one link opening per link]) to
 * proof. Lookups (docs/circuit.md, "Range checks by lookups"): the source map
 * is absorbed with the statement; after the matrix products the LogUp
 * commit and sumcheck stages run (sections 0x4c01..0x4c04), then section 12
 * holds F~(r_data) (absorbed); its linear form joins w's linear claim; the
 * LogUp openings (0x4c05..0x4c07) follow the link openings. Matrix products (docs/circuit.md, "Native matrix products"): after
 * the inner sumcheck, per product the verifier draws tau = (tau_c, tau_b), the
 * prover sends z = Z~(tau) and runs a Libra-masked sumcheck of
 * S(j) X~(tau_b, j) W~(tau_c, j) (S(j) = [j < k or j = jstar]) with claim z
 * down to rho,
 * and sends x = X~(tau_b, rho), y = W~(tau_c, rho) and the mask value; z is
 * a point claim, x, y (linear forms over the sources, public sources moved
 * to the value) and the mask are folded into the linear claim of the one
 * WHIR opening of w. The witness is NOT checked
 * here. Returns ZK_OK, ZK_ERR_INPUT (a link's committed vector differs from
 * its block of w), ZK_ERR_NOMEM. */
int zk_spartan_prove_core(const zk_r1cs *c, const gl_t *witness, zk_transcript *t, const zk_spartan_link *links,
                          size_t n_links, const zk_spartan_ext *ext, zk_wbuf *proof) ZK_WARN_UNUSED;
/* Verify the sections read from r (r is left after the last section; the
 * caller checks for trailing bytes). Same transcript discipline. Returns
 * ZK_OK, ZK_ERR_REJECT, ZK_ERR_INPUT, ZK_ERR_NOMEM. */
int zk_spartan_verify_core(const zk_r1cs *c, const gl_t *pub, size_t n_pub, zk_transcript *t,
                           const zk_spartan_link *links, size_t n_links, const zk_spartan_ext *ext,
                           zk_rbuf *r) ZK_WARN_UNUSED;

#endif
