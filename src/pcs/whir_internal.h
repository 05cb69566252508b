/*
 * whir_internal.h — helpers shared by the WHIR prover and verifier
 * (src/pcs/whir_*.c). Not part of the public API.
 *
 * Notation (docs/whir.md): m = total_vars, k = folding factor, codeword i
 * (i = 0..n_rounds) encodes a polynomial in m_i = m - k i variables on the
 * subgroup L_i of size N_i = 2^(m_i + lir_i), lir_i = log_inv_rate + i (k-1).
 * Leaf j (0 <= j < N_i / 2^k) holds the 2^k values at w_i^j * zeta^l,
 * zeta = w_i^(N_i / 2^k), i.e. codeword[j + l N_i / 2^k], l = 0..2^k-1,
 * stored leaf-major. Folding leaf j with alpha_1..alpha_k gives the folded
 * polynomial's univariate value at x_j = w_i^(2^k j).
 */
#ifndef ZKMLOPS_PCS_WHIR_INTERNAL_H
#define ZKMLOPS_PCS_WHIR_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/field.h"
#include "zkmlops/transcript.h"
#include "zkmlops/whir.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "WHIR leaves are hashed as in-memory little-endian field elements"
#endif

#define WHIR_MAX_K 6

/* Large buffers (one place to tune their allocation); free with free().
 * NULL on failure. */
void *zk_whir_big_alloc(size_t bytes);

/* Structural validity of a parameter set (ranges and shape, not the soundness
 * level). Returns NULL if valid, else a static reason. (params.c) */
const char *zk_whir_params_check(const zk_whir_params *p);

/* log2 of the size of codeword i, and of its number of leaves. */
unsigned zk_whir_log_domain(const zk_whir_params *p, uint32_t i);
unsigned zk_whir_log_leaves(const zk_whir_params *p, uint32_t i);
/* Variables of the polynomial encoded in codeword i. */
uint32_t zk_whir_vars(const zk_whir_params *p, uint32_t i);

/* OOD points of a commitment: hash of ("zkm-whir-ood", params, root). */
void zk_whir_derive_ood(gl3_t *pts, const zk_whir_params *p, const zk_digest *root);

/* Leaf-major reordering: dst[j 2^k + l] = src[j + l N/2^k]; N = 2^log_n. */
void zk_whir_leaf_major_gl(gl_t *dst, const gl_t *src, unsigned log_n, unsigned k);
void zk_whir_leaf_major_gl3(gl3_t *dst, const gl3_t *src, unsigned log_n, unsigned k);

/* Fold one leaf of 2^k values (ext) of codeword with domain size 2^log_n at
 * leaf index j, with challenges alpha[0..k): returns the folded value at
 * x_j = w^(2^k j). vals is clobbered. */
gl3_t zk_whir_fold_leaf(gl3_t *vals, unsigned k, const gl3_t *alpha, unsigned log_n, size_t j);
/* The point x_j = w^(2^k j) of the folded domain, w = root of unity of order 2^log_n. */
gl_t zk_whir_query_point(unsigned log_n, unsigned k, size_t j);

/* Moebius transform (hypercube evaluations -> multilinear coefficients, or
 * back with inverse = 1), in place, cache-blocked (one pass for the low 12
 * variables, then two variables per pass), OpenMP. Same results as
 * zk_mle_evals_to_coeffs / zk_mle_coeffs_to_evals. */
void zk_whir_moebius_gl(gl_t *v, size_t n, int inverse);
void zk_whir_moebius_gl3(gl3_t *v, size_t n, int inverse);

/* Univariate evaluation sum_b c_b z^b (Horner, OpenMP for large n). */
gl3_t zk_whir_uni_eval_gl(const gl_t *c, size_t n, gl3_t z);
gl3_t zk_whir_uni_eval_gl3(const gl3_t *c, size_t n, gl3_t z);

/* Absorb the claims (kind, point or weights, value) under "zkm-whir-claims". */
void zk_whir_absorb_claims(zk_transcript *t, const zk_whir_params *p, const zk_whir_claim *claims,
                           size_t n_claims);

/* Sort and deduplicate n indices in place; returns the unique count. */
size_t zk_whir_sort_unique(size_t *idx, size_t n);

/* Uniform base-field elements: from the OS CSPRNG (rejection sampling), or
 * expanded deterministically from a seed and label with zk_prg_expand
 * (chunked by label so that chunks expand in parallel; rejection sampling). */
void zk_whir_random_gl(gl_t *out, size_t n);
void zk_whir_prg_gl(gl_t *out, size_t n, const uint8_t seed[32], const char *label);
/* Deterministic salts: n_leaves * ZK_SALT_BYTES bytes. */
void zk_whir_prg_bytes(uint8_t *out, size_t len, const uint8_t seed[32], const char *label);

/* Constraint of the combined weight polynomial (docs/whir.md, "weights"). */
enum { WHIR_C_POINT = 0, WHIR_C_UNI = 1, WHIR_C_DENSE = 2 };
typedef struct {
    uint8_t type;
    uint32_t round;       /* added in round `round`: lives on m - k*round variables */
    const gl3_t *point;   /* WHIR_C_POINT: n_vars coordinates, zero-padded to m */
    gl3_t y;              /* WHIR_C_UNI: the point expand(y) */
    const gl3_t *weights; /* WHIR_C_DENSE: 2^n_vars weights, zero-padded to 2^m */
    gl3_t coeff;          /* combination coefficient */
} zk_whir_constraint;

/* Prover with optional deviations, for tests of the verifier's individual
 * checks (a "consistent cheating prover": it keeps its transcript consistent
 * with what it sends). zk_whir_open == zk_whir_open_ex(..., WHIR_CHEAT_NONE). */
enum {
    WHIR_CHEAT_NONE = 0,
    WHIR_CHEAT_SKIP_CHECK = 1, /* do not check the claims (prove false ones) */
    WHIR_CHEAT_FINAL = 2,      /* send final polynomial + 1 */
    WHIR_CHEAT_OOD = 3,        /* send round-1 OOD answer + 1 */
    WHIR_CHEAT_SUMCHECK = 4,   /* send the first sumcheck message with c0 + 1 */
    WHIR_CHEAT_MASK = 5,       /* hiding: send mu_0 + 1 */
    WHIR_CHEAT_LEAF = 6,       /* send the first opened leaf of round 1 with value + 1 */
    WHIR_CHEAT_MASK_OOD = 7    /* hiding: send M(z_M) + 1 */
};
int zk_whir_open_ex(const zk_whir_witness *wit, const zk_whir_commitment *com, const zk_whir_claim *claims,
                    size_t n_claims, zk_transcript *t, zk_wbuf *proof, unsigned cheat);

/* Verifier: W_final(b) for the 2^final_vars points b, given all folding
 * challenges alpha[0 .. m - final_vars). Returns 0, or -1 on allocation failure. */
int zk_whir_eval_final_weights(gl3_t *out, const zk_whir_params *p, const zk_whir_constraint *cs,
                               size_t n_cs, const gl3_t *alpha);

#endif
