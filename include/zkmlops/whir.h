/*
 * whir.h — WHIR multilinear polynomial commitment (Arnon, Chiesa, Fenzi,
 * Yogev, eprint 2024/1586), hiding variant, over Goldilocks with challenges,
 * folding and later-round codewords in F_p^3.
 *
 * Parameters (zk_whir_params_derive): starting rate 1/4, folding factor 4,
 * one out-of-domain (OOD) sample per round, query counts and proof-of-work
 * bits chosen for a target of 128 bits under the proven Johnson-bound
 * analysis (WHIR Thm 5.2 with the proximity gaps of eprint 2025/2055,
 * eta = sqrt(rho)/100), at most 20 PoW bits per grinding step. See params.h.
 *
 * Protocol, proof byte layout, verifier cost and the zero-knowledge argument:
 * docs/whir.md. Soundness terms: docs/soundness.md.
 *
 * Hiding (docs/whir.md section 6; summary in docs/zero-knowledge.md): a
 * committed n-variate multilinear f is zero-padded to n' = max(n, 12)
 * variables and stored as the (n'+1)-variate f' with f'(x, 0) = f(x) and
 * f'(x, 1) = R(x), R uniform (expanded from the witness seed; the top
 * variable selects the mask half), with salted Merkle leaves; the opening
 * commits a fresh uniform (n'+1)-variate M with F_p^3 coefficients (OS
 * CSPRNG), reveals mu_j = claim_j(M(., 0)) per claim, draws c, and runs WHIR
 * on h = M + c f' (round-0 leaves of both trees are opened and combined by the
 * verifier). Limit: R masks at most 2^n' opened positions in total, so a
 * hiding commitment must be opened at most K times with
 * K (16 queries[0] + 3 ood_samples) + 3 ood_samples <= 2^n'
 * (K <= 2 for n' = 12, 37 for n' = 16, 594 for n' = 20).
 *
 * Claims: evaluation claims f(z) = v (z in (F_p^3)^n) and linear-form claims
 * sum_b w(b) f(b) = v with a dense public weight vector w (2^n entries; the
 * verifier evaluates its MLE, cost O(2^n): meant for small polynomials such as
 * Libra masks). Every claim (point or weights, and value) is absorbed into the
 * transcript by both open and verify.
 */
#ifndef ZKMLOPS_WHIR_H
#define ZKMLOPS_WHIR_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/field.h"
#include "zkmlops/merkle.h"
#include "zkmlops/transcript.h"

#define ZK_WHIR_MAX_ROUNDS 12
#define ZK_WHIR_MAX_VARS 30     /* committed polynomial: at most 2^30 evaluations */
#define ZK_WHIR_MIN_HIDING_VARS 12 /* smaller polynomials are zero-padded up to this */
#define ZK_WHIR_MAX_QUERIES 1024 /* per query phase (parser bound) */
#define ZK_WHIR_MAX_CLAIMS 4096  /* per opening */

typedef struct {
    uint32_t n_vars;            /* variables of the committed (unpadded) polynomial f */
    uint32_t total_vars;        /* variables of the polynomial actually encoded (n_vars padded, +1 if hiding) */
    uint32_t hiding;            /* 1: hiding commitment and ZK opening */
    uint32_t log_inv_rate;      /* starting rate 2^-log_inv_rate (2 => 1/4) */
    uint32_t folding_factor;    /* k: variables folded per round (4) */
    uint32_t n_rounds;          /* rounds with a new committed codeword, before the final polynomial */
    uint32_t final_vars;        /* variables of the polynomial sent in the clear at the end */
    uint32_t ood_samples;       /* per round (1) */
    uint32_t security_target;   /* bits (128) */
    uint32_t max_pow_bits;      /* per grinding step (20) */
    uint32_t queries[ZK_WHIR_MAX_ROUNDS + 1];    /* per query phase (n_rounds + 1 phases) */
    uint32_t pow_bits[ZK_WHIR_MAX_ROUNDS + 1];   /* PoW before each query phase */
    uint32_t fold_pow_bits[ZK_WHIR_MAX_ROUNDS + 1]; /* PoW after each folding sumcheck */
    double achieved_bits;       /* min over all error terms, Johnson-bound regime */
} zk_whir_params;

/* Derive parameters for an n_vars polynomial (see params.h for the soundness
 * terms): fewest queries per phase, then least PoW, reaching 128 bits.
 * Deterministic. Returns ZK_OK, or ZK_ERR_INPUT if n_vars is outside
 * 1..ZK_WHIR_MAX_VARS (hiding: 1..ZK_WHIR_MAX_VARS-1, the domain must fit the
 * 2^32 subgroup); *p is zeroed on error. */
int zk_whir_params_derive(zk_whir_params *p, uint32_t n_vars, int hiding);
/* Hiding parameters whose mask R is large enough for at least min_openings
 * zero-knowledge openings (total_vars grows until
 * zk_whir_hiding_opening_budget >= min_openings). For long-lived commitments
 * that many proofs open (datasets). ZK_OK or ZK_ERR_INPUT. */
int zk_whir_params_derive_budget(zk_whir_params *p, uint32_t n_vars, uint64_t min_openings);
/* The number K of openings that keep a hiding commitment zero-knowledge:
 * K (2^k queries[0] + 3 ood) + 3 ood <= 2^(total_vars-1); UINT64_MAX if not
 * hiding. Beyond K the revealed round-0 codeword values can determine f
 * (interpolation), so callers must count openings (the dataset's .zkd does). */
uint64_t zk_whir_hiding_opening_budget(const zk_whir_params *p);
/* Serialize/parse a parameter set (recorded in every proof; 40 + 12 (n_rounds+1)
 * bytes, docs/whir.md). Parse checks every field's range and the shape
 * (total_vars, n_rounds, final_vars consistent with n_vars, hiding and k),
 * recomputes achieved_bits with the calculator and rejects a set below its
 * security_target or a target below 128: ZK_OK or ZK_ERR_INPUT (r marked
 * failed, *p zeroed). equal() compares all fields except the derived
 * achieved_bits; returns 1 if equal, 0 otherwise. */
void zk_whir_params_write(zk_wbuf *w, const zk_whir_params *p);
int zk_whir_params_read(zk_rbuf *r, zk_whir_params *p);
int zk_whir_params_equal(const zk_whir_params *a, const zk_whir_params *b);

/* Public commitment: Merkle root of the encoded polynomial plus OOD answers at
 * points derived by hashing ("zkm-whir-ood", root, params) only, so every later
 * proof sees the same OOD constraints. */
typedef struct {
    zk_whir_params params;
    zk_digest root;
    gl3_t ood_points[4];
    gl3_t ood_answers[4];
} zk_whir_commitment;

/* Prover-side data for a commitment (private). */
typedef struct {
    zk_whir_params params;
    uint8_t seed[32];       /* private randomness: R and the salts are expanded from it */
    gl_t *evals;            /* 2^n_vars evaluations of f (owned, wiped on free) */
    gl_t *coeffs;           /* 2^total_vars coefficients of f' (owned) */
    gl_t *codeword;         /* leaf-major encoding (owned) */
    zk_merkle_tree tree;
} zk_whir_witness;

/* Commit to f given by its 2^n_vars evaluations on the hypercube (mle.h layout;
 * canonical values, aborts otherwise). p must be structurally valid (from
 * zk_whir_params_derive or zk_whir_params_read). A fresh 32-byte seed is drawn
 * from the OS CSPRNG (or taken from `seed` if not NULL, for re-deriving a
 * stored commitment); with hiding, R and the leaf salts are expanded from it,
 * so (evals, seed) determine the commitment. wit owns copies of everything
 * (free with zk_whir_witness_free, which wipes). Memory: about
 * 2^(total_vars+2) * 16 bytes at peak. Returns ZK_OK or ZK_ERR_NOMEM (com and
 * wit zeroed). Source: WHIR eprint 2024/1586 section 5; hiding: docs/whir.md. */
int zk_whir_commit(const zk_whir_params *p, const gl_t *evals, const uint8_t *seed,
                   zk_whir_commitment *com, zk_whir_witness *wit);
void zk_whir_witness_free(zk_whir_witness *wit);

void zk_whir_commitment_write(zk_wbuf *w, const zk_whir_commitment *c);
/* Parses and validates (params as zk_whir_params_read, canonical field
 * elements, OOD points re-derived from the root and equal to the stored
 * ones). Consumes exactly the commitment's bytes. Returns ZK_OK or
 * ZK_ERR_INPUT (*c zeroed). */
int zk_whir_commitment_read(zk_rbuf *r, zk_whir_commitment *c);
/* Absorb a commitment (params, root, OOD points and answers) into a transcript. */
void zk_whir_commitment_absorb(zk_transcript *t, const zk_whir_commitment *c);

typedef enum { ZK_CLAIM_POINT = 0, ZK_CLAIM_LINEAR = 1 } zk_claim_kind;

typedef struct {
    zk_claim_kind kind;
    const gl3_t *point;   /* ZK_CLAIM_POINT: n_vars coordinates */
    const gl3_t *weights; /* ZK_CLAIM_LINEAR: 2^n_vars weights */
    gl3_t value;          /* claimed f(point), or sum_b weights[b] f(b) */
} zk_whir_claim;

/* Prove all claims (1 <= n_claims <= ZK_WHIR_MAX_CLAIMS) about the committed
 * f: point claims f(z) = v (z: n_vars coordinates in F_p^3) and linear claims
 * sum_b w_b f(b) = v (w: 2^n_vars weights). The commitment must already be
 * absorbed into t by the caller's protocol; every claim is absorbed here.
 * Appends the opening to proof (layout: docs/whir.md section 4; its size is
 * about zk_whir_expected_proof_bytes). wit must belong to com (aborts
 * otherwise). Hiding openings draw a fresh mask from the OS CSPRNG, so two
 * openings differ. Returns ZK_OK, ZK_ERR_NOMEM, or ZK_ERR_INPUT if a claim is
 * false (the prover checks before proving); on error the bytes appended to
 * proof are meaningless. */
int zk_whir_open(const zk_whir_witness *wit, const zk_whir_commitment *com,
                 const zk_whir_claim *claims, size_t n_claims, zk_transcript *t, zk_wbuf *proof);
/* Verify an opening read from proof (consumes exactly its bytes; trailing
 * data is the caller's business), with the same transcript state and claims
 * as the prover. com->params is trusted: obtain com via
 * zk_whir_commitment_read (which checks the parameters' soundness) or compare
 * the parameters with zk_whir_params_derive. Never reads outside proof.
 * Returns ZK_OK, ZK_ERR_REJECT (zk_last_error() says which check failed:
 * malformed/truncated proof, proof of work, Merkle opening, final polynomial,
 * final sumcheck claim), or ZK_ERR_NOMEM. Cost: about 1 ms for n = 20 with a
 * point claim; a linear claim adds O(2^n_vars). */
int zk_whir_verify(const zk_whir_commitment *com, const zk_whir_claim *claims, size_t n_claims,
                   zk_transcript *t, zk_rbuf *proof);

/* Serialize/restore a witness (private .zkd files): params, 32-byte seed,
 * 2^n_vars evaluations (8 bytes each); the codeword and tree are recomputed on
 * read (zk_whir_commit with the stored seed), and com receives the recomputed
 * commitment. read returns ZK_OK, ZK_ERR_INPUT (malformed/truncated) or
 * ZK_ERR_NOMEM. */
void zk_whir_witness_write(zk_wbuf *w, const zk_whir_witness *wit);
int zk_whir_witness_read(zk_rbuf *r, zk_whir_witness *wit, zk_whir_commitment *com);

#endif
