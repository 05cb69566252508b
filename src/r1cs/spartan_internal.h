/*
 * spartan_internal.h — the Spartan prover/verifier core shared by the circom
 * path (zk_r1cs_prove / zk_r1cs_verify, spartan.c) and the circuit builder's
 * proofs with linked commitments (zk_cs_prove / zk_cs_verify,
 * src/circuit/prove.c). Not a public header. Protocol: docs/r1cs.md and
 * docs/circuit.md ("Links").
 */
#ifndef ZKMLOPS_SPARTAN_INTERNAL_H
#define ZKMLOPS_SPARTAN_INTERNAL_H

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

/* Proof sections of the linked variant (after the circom ones, 1..8). */
#define ZK_SPARTAN_SEC_LINK_EVALS 9u
#define ZK_SPARTAN_SEC_LINK_OPEN 10u

/* Prove with a transcript t the caller has initialised (protocol id and any
 * context absorbed). Absorbs the statement (digest, shape, public values
 * witness[1..n_public]), then every link commitment, writes the sections
 * (binding, parameters, commitment, [link evaluations], outer, inner,
 * opening, [one link opening per link]) to proof. The witness is NOT checked
 * here. Returns ZK_OK, ZK_ERR_INPUT (a link's committed vector differs from
 * its block of w), ZK_ERR_NOMEM. */
int zk_spartan_prove_core(const zk_r1cs *c, const gl_t *witness, zk_transcript *t, const zk_spartan_link *links,
                          size_t n_links, zk_wbuf *proof) ZK_WARN_UNUSED;
/* Verify the sections read from r (r is left after the last section; the
 * caller checks for trailing bytes). Same transcript discipline. Returns
 * ZK_OK, ZK_ERR_REJECT, ZK_ERR_INPUT, ZK_ERR_NOMEM. */
int zk_spartan_verify_core(const zk_r1cs *c, const gl_t *pub, size_t n_pub, zk_transcript *t,
                           const zk_spartan_link *links, size_t n_links, zk_rbuf *r) ZK_WARN_UNUSED;

#endif
