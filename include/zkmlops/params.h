/*
 * params.h — the soundness calculator. For a WHIR parameter set it lists every
 * error term (initial folding, each round's folding / OOD / query / combination
 * terms, the final queries, Fiat–Shamir hashing) with its bits of security, in
 * the proven Johnson-bound regime (JBR), following WHIR eprint 2024/1586
 * Thm 5.2 with the proximity-gap bound of eprint 2025/2055 (eta = sqrt(rho)/100),
 * cross-checked against ethereum/soundcalc (see docs/soundness.md).
 */
#ifndef ZKMLOPS_PARAMS_H
#define ZKMLOPS_PARAMS_H

#include <stddef.h>

#include "zkmlops/whir.h"

#define ZK_SOUNDNESS_MAX_TERMS 96

typedef struct {
    char name[48];   /* e.g. "round 1 queries" */
    double bits;     /* -log2(error) + PoW bits credited to this term */
    double pow_bits; /* grinding credited */
} zk_soundness_term;

typedef struct {
    size_t n_terms;
    zk_soundness_term terms[ZK_SOUNDNESS_MAX_TERMS];
    double total_bits;   /* min over terms (each term is a separate round of the IOP) */
    double hash_bits;    /* collision resistance of SHA-256 Merkle/transcript (128 classical) */
    double sumcheck_bits_per_round; /* for degree-3 sumcheck over F_p^3 */
} zk_soundness_report;

/* Compute the report for p. */
void zk_soundness_report_compute(zk_soundness_report *out, const zk_whir_params *p);
/* Expected proof size in bytes for p (openings dominate), for docs and `params`. */
size_t zk_whir_expected_proof_bytes(const zk_whir_params *p);

#endif
