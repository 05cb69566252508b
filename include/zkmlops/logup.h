/*
 * logup.h — zero-knowledge LogUp lookup argument: committed columns, read at
 * the positions of a public selector, take values in the table
 * T = {0, 1, ..., 2^table_bits - 1} (table_bits <= 16). Protocol, soundness
 * and zero-knowledge argument: docs/range.md.
 *
 * Construction: LogUp (U. Haböck, "Multivariate lookups based on logarithmic
 * derivatives", eprint 2022/1530, Lemma 5 and section 3): the values a_i lie
 * in T iff, as rational functions,
 *     sum_i 1/(X - a_i) = sum_{t in T} m_t/(X - t)
 * for some multiplicities m (committed before the random point alpha). Here
 * the identity is proved with committed helper columns h = sum 1/(alpha - a)
 * on the lookup side, the public weights u(t) = 1/(alpha - t) on the table
 * side (the verifier evaluates their MLE in O(2^table_bits), so no table-side
 * helper is committed), one Libra-masked sumcheck (Libra, eprint 2019/317,
 * section 4.1) that batches the per-position zerochecks of h and of the link
 * with the sum identity, and hiding WHIR openings (eprint 2024/1586, 2026/391).
 *
 * Statement (the "shape", public):
 *   - a data cube of 2^n_vars positions (mle.h layout) and a box selector s
 *     on it (s(x) = 1 iff every variable group of x is below its bound);
 *   - n_cols (1..2) columns col_j, each 2^n_vars base-field values; only the
 *     selected positions are part of the statement (the prover replaces the
 *     others with uniform blinding values);
 *   - n_lookups (1..3) lookups (col, shift): for every selected x,
 *     col_j(x) + shift must lie in T (shift < 2^table_bits). Two lookups of
 *     one column with shifts 0 and 2^tb - 2^k prove col_j(x) in [0, 2^k);
 *   - optionally a linear link to a column F committed elsewhere by the
 *     caller ("foreign" column, 2^n_vars values):
 *         F(x) + sum_j lin_coeff[j] col_j(x) + lin_const = 0  for selected x.
 *     The caller proves the value of F's MLE at the point the sumcheck
 *     returns (e.g. by opening its own commitment).
 *
 * The protocol runs inside the caller's transcript and proof container, in
 * stages, so that the caller can interleave its own evaluations and openings:
 *
 *   prover                                   verifier
 *   zk_logup_prove_commit   (C1 = cols, m)   zk_logup_verify_commit
 *   zk_logup_prove_sumcheck (alpha, C2 =     zk_logup_verify_sumcheck
 *     helpers, mask, sumcheck, evaluations)    -> r_data
 *     -> r_data
 *   caller: write + absorb F~(r_data)        caller: read + absorb F~(r_data)
 *                                            zk_logup_verify_final(F~(r_data))
 *   zk_logup_prove_open (3 WHIR openings)    zk_logup_verify_open
 *   caller: open F at r_data                 caller: verify F's opening
 *
 * Each stage writes (reads) whole proof-container sections (proof.h) with the
 * tags ZK_LOGUP_SEC_* (0x4c01..0x4c07); callers use other tags. The caller
 * must absorb its protocol id and statement into the transcript first; the
 * commit stage absorbs the shape. When a prover stage fails, the proof buffer
 * may hold a partial proof: the caller discards it (zk_range_prove writes into
 * a private buffer and appends only complete proofs).
 *
 * Sizes: with N = max(n_vars, table_bits + 1), the sumcheck runs over N + 1
 * variables (data cube and table cube stacked, each lifted to N variables).
 * Commitments: C1 holds the columns (2^n_vars each) and m (2^(tb+1): the
 * multiplicities, then 2^tb blinding values); C2 the three base-field
 * coordinates of each helper column (2^n_vars each, one or two helpers); a
 * third, small commitment holds the Libra mask. Blocks are packed largest
 * first and the total rounded up to a power of two. Prover memory is
 * dominated by up to 8 sumcheck tables of 2^(N+1) extension elements plus the
 * sumcheck scratch (docs/sumcheck.md). Verifier: O(N + 2^table_bits) field
 * operations plus three WHIR verifications.
 */
#ifndef ZKMLOPS_LOGUP_H
#define ZKMLOPS_LOGUP_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/field.h"
#include "zkmlops/status.h"
#include "zkmlops/transcript.h"
#include "zkmlops/whir.h"

#define ZK_LOGUP_MAX_TABLE_BITS 16
#define ZK_LOGUP_MAX_COLS 2
#define ZK_LOGUP_MAX_LOOKUPS 3
#define ZK_LOGUP_MAX_VARS 24 /* data cube variables */
#define ZK_BOX_MAX_GROUPS 4

/* Proof-container section tags written by the LogUp stages. */
enum {
    ZK_LOGUP_SEC_COLUMNS = 0x4c01, /* C1 commitment */
    ZK_LOGUP_SEC_HELPERS = 0x4c02, /* C2 commitment, mask commitment */
    ZK_LOGUP_SEC_SUMCHECK = 0x4c03,
    ZK_LOGUP_SEC_EVALS = 0x4c04,
    ZK_LOGUP_SEC_OPEN_COLUMNS = 0x4c05,
    ZK_LOGUP_SEC_OPEN_HELPERS = 0x4c06,
    ZK_LOGUP_SEC_OPEN_MASK = 0x4c07
};

/* ---- box selectors ----
 * s(x) = prod_g [x_g < bound_g], where the variables X_1..X_n (X_1 = least
 * significant bit of the index) are split into consecutive groups, lowest
 * first: group g holds vars[g] variables and x_g is the integer they spell.
 * 0 <= bound_g <= 2^vars[g]. Example: a dataset table (dataset.h) selects
 * rows < n_rows (group 0, log_rows variables) and columns < n_cols (group 1). */
typedef struct {
    uint32_t n_groups;                  /* 0..ZK_BOX_MAX_GROUPS (0: s = 1 on a 0-variable cube) */
    uint32_t vars[ZK_BOX_MAX_GROUPS];   /* >= 1 each */
    uint64_t bound[ZK_BOX_MAX_GROUPS];
} zk_box_selector;

/* Total number of variables (sum of vars). */
uint32_t zk_box_selector_vars(const zk_box_selector *s);
/* s(x) for an index x < 2^vars. */
int zk_box_selector_contains(const zk_box_selector *s, uint64_t x);
/* MLE of s at r (zk_box_selector_vars(s) coordinates): sum_x s(x) eq(r, x). O(n). */
gl3_t zk_box_selector_mle(const zk_box_selector *s, const gl3_t *r);
/* MLE of the product table eq(tau, .) * s at r: sum_x s(x) eq(tau, x) eq(r, x). O(n). */
gl3_t zk_box_selector_eq_mle(const zk_box_selector *s, const gl3_t *tau, const gl3_t *r);

/* ---- statement shape ---- */
typedef struct {
    uint32_t col;   /* < n_cols */
    uint32_t shift; /* < 2^table_bits: the looked-up value is col(x) + shift */
} zk_lookup;

typedef struct {
    uint32_t n_vars;     /* data cube: 1..ZK_LOGUP_MAX_VARS */
    zk_box_selector sel; /* zk_box_selector_vars(&sel) == n_vars */
    uint32_t table_bits; /* 1..ZK_LOGUP_MAX_TABLE_BITS */
    uint32_t n_cols;     /* 1..ZK_LOGUP_MAX_COLS */
    uint32_t n_lookups;  /* 1..ZK_LOGUP_MAX_LOOKUPS */
    zk_lookup lookups[ZK_LOGUP_MAX_LOOKUPS];
    uint32_t has_link;   /* 1: prove the linear link with the foreign column F */
    gl_t lin_coeff[ZK_LOGUP_MAX_COLS];
    gl_t lin_const;
} zk_logup_shape;

/* Aborts (illegal call) unless the shape satisfies every bound above. */
void zk_logup_shape_check(const zk_logup_shape *sh);

/* ---- prover ---- */
typedef struct zk_logup_prover zk_logup_prover; /* opaque; holds witnesses, wiped on free */

/* Testing only (negative tests): build a proof for a false statement.
 * skip_checks: do not refuse out-of-table values or a failing link (values
 * outside T are then not counted in m, or counted at forced_m);
 * forced_m (2^table_bits entries, or NULL): multiplicities used instead of the
 * true ones. Production callers pass NULL hooks. */
typedef struct {
    int skip_checks;
    const gl_t *forced_m;
} zk_logup_test_hooks;

/* Stage 1. cols[j] (j < n_cols): 2^n_vars values each (read only; values at
 * unselected positions are ignored and replaced by fresh random blinding
 * values). foreign: 2^n_vars values of F if sh->has_link, else NULL (borrowed:
 * must stay valid until zk_logup_prover_free). Checks the statement and
 * refuses a false one: ZK_ERR_RANGE (a looked-up value outside T; the message
 * names the position) or ZK_ERR_INPUT (the link fails), before writing
 * anything. Otherwise commits C1 = (columns, multiplicities) with hiding WHIR,
 * absorbs the shape and C1 into t and writes section ZK_LOGUP_SEC_COLUMNS.
 * Returns ZK_OK (*out set; free with zk_logup_prover_free), or an error
 * (*out = NULL), ZK_ERR_NOMEM included. */
int zk_logup_prove_commit(zk_logup_prover **out, const zk_logup_shape *sh, const gl_t *const *cols,
                          const gl_t *foreign, const zk_logup_test_hooks *hooks, zk_transcript *t,
                          zk_wbuf *proof) ZK_WARN_UNUSED;
/* Stage 2: draws alpha, commits the helpers (C2) and the Libra mask, draws the
 * batching challenges, runs the ZK sumcheck and writes the evaluations
 * (sections HELPERS, SUMCHECK, EVALS; evaluations absorbed). On success
 * r_data[0..n_vars) is the point at which the caller must prove F~ (if
 * has_link; the caller may ignore it otherwise). Returns ZK_OK, ZK_ERR_NOMEM. */
int zk_logup_prove_sumcheck(zk_logup_prover *p, zk_transcript *t, zk_wbuf *proof,
                            gl3_t *r_data) ZK_WARN_UNUSED;
/* Stage 3: WHIR openings of C1, C2 and the mask (sections OPEN_*).
 * Returns ZK_OK, ZK_ERR_NOMEM. */
int zk_logup_prove_open(zk_logup_prover *p, zk_transcript *t, zk_wbuf *proof) ZK_WARN_UNUSED;
/* Wipe and free (NULL is fine). */
void zk_logup_prover_free(zk_logup_prover *p);

/* ---- verifier ----
 * State kept between the stages; plain value, no heap memory. Fields are
 * internal to logup.c. */
typedef struct {
    zk_logup_shape shape;
    uint32_t big_n, stage;
    zk_whir_commitment c1, c2, mask;
    gl3_t alpha, beta, gamma, rho, final_claim;
    gl3_t tau[ZK_LOGUP_MAX_VARS + 1], r[ZK_LOGUP_MAX_VARS + 1];
    gl3_t col_eval[ZK_LOGUP_MAX_COLS], m_eval, h_eval[2][3], mask_eval;
} zk_logup_verifier;

/* Each stage returns ZK_OK, ZK_ERR_REJECT (zk_last_error() says which check
 * failed) or ZK_ERR_INPUT (a section is missing or malformed). Stages must be
 * called in order; each reads whole sections from `proof`. */
int zk_logup_verify_commit(zk_logup_verifier *v, const zk_logup_shape *sh, zk_transcript *t,
                           zk_rbuf *proof) ZK_WARN_UNUSED;
/* On success r_data[0..n_vars) is the point of the foreign claim. */
int zk_logup_verify_sumcheck(zk_logup_verifier *v, zk_transcript *t, zk_rbuf *proof,
                             gl3_t *r_data) ZK_WARN_UNUSED;
/* The sumcheck's final check, given the caller's claimed F~(r_data) (ignored
 * without a link). The caller must separately verify that claim. */
int zk_logup_verify_final(zk_logup_verifier *v, gl3_t foreign_eval) ZK_WARN_UNUSED;
int zk_logup_verify_open(zk_logup_verifier *v, zk_transcript *t, zk_rbuf *proof) ZK_WARN_UNUSED;

/* Soundness figures (bits, -log2 of the error) of the LogUp-specific terms for
 * a shape, for reports: the lookup identity at alpha, the zerocheck and
 * batching, and the sumcheck. WHIR openings are reported by params.h. */
double zk_logup_soundness_bits(const zk_logup_shape *sh);

#endif
