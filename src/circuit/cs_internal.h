/*
 * cs_internal.h — the zk_cs structure and helpers shared by the builder
 * (cs.c), the gadgets (gadgets.c) and the prover/verifier (prove.c). Not a
 * public header.
 *
 * Storage: the constraints live directly in three growing CSR matrices (one
 * row per constraint, no per-constraint allocation); terms of one linear
 * combination are merged per wire (first-occurrence order kept, zero
 * coefficients dropped) through the per-wire `mark` array, so building a row
 * is O(terms) whatever the length of the combination.
 */
#ifndef ZKMLOPS_CS_INTERNAL_H
#define ZKMLOPS_CS_INTERNAL_H

#include "zkmlops/circuit.h"

/* One native matrix product: Z[b][c] = sum_{j<k} X[b][j] W[c][j] for all
 * b < 2^bv, c < 2^cv (plus the column jstar, see matmul.c), Z a segment (first wire z, 2^(bv+cv)), X and W given
 * entry by entry as wires (xmap: 2^(bv+jv), wmap: 2^(cv+jv), owned;
 * ZK_CS_NO_WIRE = the entry is 0); the Libra mask of its sumcheck at wires
 * mask.. (random). */
#define ZK_CS_NO_WIRE UINT32_MAX
typedef struct {
    uint32_t z, mask;
    uint32_t bv, cv, jv, k;
    uint32_t *xmap, *wmap;
    uint32_t jstar; /* extra summed column (k + ZK_CS_MATMUL_PAD): masks Z~ */
    uint32_t rows, n; /* real shape (rows x k times k x n) */
} zk_cs_matmul_block;

typedef struct {
    uint64_t *row_ptr; /* rcap + 1 entries */
    uint32_t *wire;    /* tcap entries */
    gl_t *coeff;
    uint64_t tcap;
} zk_cs_mat;

struct zk_cs {
    int prover;
    zk_status st;
    char err[384];     /* message of the first error */
    int priv_started;  /* a private wire exists: no more public wires */
    uint32_t n_wires, n_public, wcap;
    gl_t *val;         /* wcap values (verifier: public values, private 0) */
    uint32_t *mark;    /* wcap: merge scratch, 0 = wire not in the current row */
    uint32_t n_cons, rcap;
    zk_cs_mat m[3];
    uint64_t version;  /* bumped on every structural change */
    /* R1CS view */
    zk_r1cs view;
    uint64_t view_version;
    int view_valid;
    uint64_t *labels;
    uint32_t labels_n;
    /* scratch linear combinations for the gadgets */
    zk_lc s[4];
    /* segments from zk_cs_segment (first wire, log_len), in allocation
     * order; a link must name one of them exactly (prove.c) */
    uint32_t *seg_first;
    uint8_t *seg_log;
    uint32_t n_seg, seg_cap;
    /* native matrix products (zk_cs_matmul), in creation order */
    zk_cs_matmul_block *mm;
    uint32_t n_mm, mm_cap;
    /* lookups (zk_cs_set_lookups; lookup.c): table bits (0 = off), the
     * looked-up wires in creation order, the first of ZK_CS_LOOKUP_PAD
     * consecutive fresh random wires (0 until the first lookup) */
    unsigned lk_bits;
    uint32_t *lk;
    uint32_t n_lk, lk_cap, lk_pad;
};

/* Record an error once (sticky). Returns st. */
zk_status zk_cs_fail(zk_cs *cs, zk_status st, const char *fmt, ...) ZK_PRINTF(3, 4);
/* New private wire without the public/private bookkeeping checks (value
 * ignored when verifying). Returns 0 on error. */
uint32_t zk_cs_new_wire(zk_cs *cs, gl_t value);
/* Test-only hook: overwrite the value of a wire (prover mode). */
void zk_cs_set_value(zk_cs *cs, uint32_t wire, gl_t value);
/* log_len of the segment that starts at `first` (allocated by
 * zk_cs_segment), or -1 if no segment starts there. */
int zk_cs_segment_log_len(const zk_cs *cs, uint32_t first);
/* Check constraint i against the values: 1 if satisfied. */
int zk_cs_row_ok(const zk_cs *cs, uint32_t i);
/* Prover mode: draw fresh values for every blinding wire that no constraint
 * reads — the matrix products' padding, j* entries and Libra masks (then
 * recompute each Z' from its operands; real entries do not change) and the
 * lookups' pad wires — so that every zk_cs_prove of one built circuit uses
 * its own randomness (a review showed that proving one circuit repeatedly
 * with build-time pads lets the verifier solve for the looked-up values,
 * tests/test_review_lookup.c). ZK_OK or ZK_ERR_NOMEM. */
int zk_cs_refresh_blinding(zk_cs *cs);
/* One uniform field element from the OS CSPRNG (zk_whir_random_gl). */
gl_t zk_cs_random_gl(void);
/* Free the matrix product records. */
void zk_cs_matmul_free(zk_cs *cs);
/* Lookups on (cs->lk_bits > 0): new limb wires l_0..l_{m-1} for the value u
 * in [0, 2^bits) (prover; ignored when verifying), m = ceil(bits / tb), each
 * looked up in [0, 2^tb); the top limb (e = bits - tb (m-1) bits) also gets a
 * looked-up wire l' = l_top + 2^tb - 2^e (one constraint) when e < tb. Adds
 * mult * sum_i 2^(tb i) l_i to sum (nothing for bits = 0). Returns 0, or -1
 * (with the sticky error set, except when lookups are off: then -1 alone, a
 * caller bug). Does not check u (callers do). */
int zk_cs_lookup_limbs(zk_cs *cs, uint64_t u, unsigned bits, zk_lc *sum, int64_t mult);
/* Lookups on: prove the value of lc in [0, 2^bits) (0 <= bits <= 62): limbs
 * as above plus one constraint lc = sum of limbs (lc = 0 for bits = 0).
 * Prover: ZK_ERR_RANGE naming g if the value is outside. Uses scratch s[3]. */
int zk_cs_lookup_range(zk_cs *cs, const zk_lc *lc, unsigned bits, const char *g);
/* Prover mode: every looked-up wire is below 2^lk_bits (ZK_OK, or
 * ZK_ERR_INPUT naming the first that is not). */
int zk_cs_lookup_check(const zk_cs *cs);
void zk_cs_lookup_free(zk_cs *cs);
/* Prover mode: every matrix product block holds (ZK_OK, or ZK_ERR_INPUT
 * naming the block and entry). */
int zk_cs_matmul_check(const zk_cs *cs);

#endif
