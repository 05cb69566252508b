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
    double total_bits;   /* min over the terms and hash_bits (round-by-round soundness: each
                            term bounds one round of the IOP; Fiat-Shamir keeps the minimum) */
    double hash_bits;    /* collision resistance of SHA-256 Merkle/transcript (128 classical) */
    double sumcheck_bits_per_round; /* for degree-3 sumcheck over F_p^3 */
    /* The same parameters scored under two other bounds, for comparison only
     * (docs/soundness.md): the WHIR paper's own Johnson-bound proximity gaps
     * (eta = sqrt(rho)/20, fold error (m+1/2)^7 |L|^2 / (3 rho^1.5 |F|), i.e. the
     * 7*log2(10) factor, BCIKS20 as quoted in WHIR Thm 4.8), and the unique
     * decoding regime (delta = (1-rho)/2). Not used for parameter selection. */
    double whir_paper_bits;
    double udr_bits;
} zk_soundness_report;

/* Compute the report for p (any parameter set accepted by zk_whir_params_read
 * or produced by zk_whir_params_derive). Pure function; never fails.
 *
 * Terms, with rho_i = 2^-(log_inv_rate + i(k-1)) the rate of codeword i,
 * m_i = total_vars - k i, eta_i = sqrt(rho_i)/100, delta_i = 1 - sqrt(rho_i) - eta_i,
 * list size l_i = 1/(2 eta_i sqrt(rho_i)), |F| = p^3 (WHIR Thm 5.2; BCHKS25
 * eprint 2025/2055 Thm 4.2 for err(C, 2, delta), Johnson multiplicity
 * m = max(ceil(sqrt(rho)/(2 eta)), 3) = 50):
 *   "claims combination"       (#claims - 1)/|F| for up to 2^20 claims
 *   "mask batching (hiding)"   err(C_0, 2) + l_0^2/|F|             (hiding only)
 *   "commitment OOD"           l_0^2 2^(m_0) / (2|F|) per OOD sample (binding)
 *   "round i fold s=j"         3 l_i/|F| + err(RS[2^(m_i - j)], rate rho_i, 2), minus fold PoW
 *   "round i OOD"              (l_i^2 2^(m_i) / (2|F|))^w
 *   "round i shift"            (sqrt(rho_{i-1}) + eta)^t_{i-1} + l_i (t_{i-1}+1)/|F|, minus PoW
 *   "final queries"            (sqrt(rho_M-1) + eta)^t_M-1, minus PoW
 * bits = -log2(error) + PoW bits credited. */
void zk_soundness_report_compute(zk_soundness_report *out, const zk_whir_params *p);
/* Expected size in bytes of one zk_whir_open output for p with one claim
 * (expected Merkle multi-path sizes for uniformly random queries; each extra
 * claim adds 24 bytes in hiding mode, 0 otherwise). Within a few percent of the
 * measured size (tests/test_whir.c checks +-10%). */
size_t zk_whir_expected_proof_bytes(const zk_whir_params *p);

#endif
