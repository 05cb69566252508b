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
 * Hiding (documented in docs/zero-knowledge.md): a committed n-variate
 * multilinear f is stored as the (n+1)-variate f' with f'(x, 0) = f(x) and
 * f'(x, 1) = R(x), R uniform (the top variable selects the mask half), with
 * salted Merkle leaves; the opening commits a fresh uniform (n+1)-variate M,
 * reveals mu_j = M(z_j, 0) per claim, draws c, and runs WHIR on h = M + c f'
 * (round-0 leaves of both trees are opened and combined by the verifier).
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
 * terms). Returns ZK_OK or ZK_ERR_INPUT (n_vars out of range). */
int zk_whir_params_derive(zk_whir_params *p, uint32_t n_vars, int hiding);
/* Serialize/parse a parameter set (recorded in every proof); parse checks
 * every field's range. equal() compares two parameter sets exactly. */
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

/* Commit to f given by its 2^n_vars evaluations on the hypercube (mle.h layout).
 * A fresh 32-byte seed is drawn from the OS CSPRNG (or taken from `seed` if not
 * NULL, for re-deriving a stored commitment). Returns ZK_OK, ZK_ERR_NOMEM. */
int zk_whir_commit(const zk_whir_params *p, const gl_t *evals, const uint8_t *seed,
                   zk_whir_commitment *com, zk_whir_witness *wit);
void zk_whir_witness_free(zk_whir_witness *wit);

void zk_whir_commitment_write(zk_wbuf *w, const zk_whir_commitment *c);
/* Parses and validates (params range, canonical field elements, OOD points
 * re-derived from the root and equal to the stored ones). */
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

/* Prove all claims (n_claims >= 1) about the committed f. The commitment must
 * already be absorbed into t by the caller's protocol. Writes the opening to
 * proof. Returns ZK_OK, ZK_ERR_NOMEM, or ZK_ERR_INPUT if a claim is false
 * (the prover checks before proving). */
int zk_whir_open(const zk_whir_witness *wit, const zk_whir_commitment *com,
                 const zk_whir_claim *claims, size_t n_claims, zk_transcript *t, zk_wbuf *proof);
/* Verify. Returns ZK_OK or ZK_ERR_REJECT (zk_last_error() says which check failed). */
int zk_whir_verify(const zk_whir_commitment *com, const zk_whir_claim *claims, size_t n_claims,
                   zk_transcript *t, zk_rbuf *proof);

/* Serialize/restore a witness (private .zkd files): evals + seed; the
 * codeword and tree are recomputed on read. */
void zk_whir_witness_write(zk_wbuf *w, const zk_whir_witness *wit);
int zk_whir_witness_read(zk_rbuf *r, zk_whir_witness *wit, zk_whir_commitment *com);

#endif
