/*
 * r1cs.h — circom circuits: readers for the iden3 binary `.r1cs` and `.wtns`
 * files, the witness check, and zero-knowledge proofs of R1CS satisfiability
 * with Spartan (Setty, eprint 2019/550, sections 4-5) over the hiding WHIR
 * commitment (whir.h) and Libra-masked sumchecks (sumcheck.h).
 * Protocol, layout, zero-knowledge argument and costs: docs/r1cs.md.
 *
 * File formats (iden3 r1csfile / binfileutils; /work/shared/reference/formats.md):
 *   container: 4-byte magic, u32 version, u32 nSections, then per section
 *   u32 type | u64 size | size bytes. Sections may come in any order; unknown
 *   types are skipped; a required section that is missing or duplicated, or a
 *   section running past the end of the file, is refused.
 *   .r1cs (version 1): section 1 header (field size fs, prime, nWires, nPubOut,
 *   nPubIn, nPrvIn, u64 nLabels, mConstraints), section 2 constraints
 *   (per constraint the linear combinations A, B, C, each u32 nTerms then
 *   nTerms x (u32 wire, fs-byte coefficient)), section 3 wire-to-label map
 *   (nWires u64). Sections 4/5 (custom gates, PLONK only) are refused.
 *   .wtns (version 1 or 2): section 1 (u32 n8, prime, u32 nWitness), section 2
 *   (nWitness field elements of n8 bytes). Values are indexed by wire id.
 * Every reader checks: magic, version, section bounds, section sizes
 * consumed exactly, field size 8 and prime = Goldilocks (any other prime is
 * refused with a message naming it, in decimal and by its circom name when
 * known, and telling to compile with `circom --prime goldilocks`), wire ids <
 * nWires, every field element < p, no wire twice in one linear combination,
 * counts against the limits below before allocating.
 *
 * Wire order (circom): wire 0 is the constant 1, then the nPubOut public
 * outputs, the nPubIn public inputs, then private wires. The "public signals"
 * (snarkjs public.json) are wires 1..nPubOut+nPubIn, in that order.
 */
#ifndef ZKMLOPS_R1CS_H
#define ZKMLOPS_R1CS_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/field.h"
#include "zkmlops/hash.h"
#include "zkmlops/status.h"

/* Limits, checked before any allocation (bad input -> ZK_ERR_NOMEM "over the limit"). */
#define ZK_R1CS_MAX_FILE_BYTES ((size_t)1 << 31)   /* .r1cs and .wtns files: 2 GiB */
#define ZK_R1CS_MAX_WIRES ((uint32_t)1 << 26)       /* nWires */
#define ZK_R1CS_MAX_CONSTRAINTS ((uint32_t)1 << 26) /* mConstraints */
#define ZK_R1CS_MAX_SECTIONS 64u                     /* nSections of either container */
#define ZK_R1CS_MAX_PUBLIC ((uint32_t)1 << 20)      /* nPubOut + nPubIn */
/* Terms are bounded by the file size (12 bytes each), so <= 2^31 / 12. */

/* One sparse matrix in compressed-row form: row i holds the terms
 * row_ptr[i] <= t < row_ptr[i+1], each (wire[t], coeff[t]) with coeff < p.
 * Terms keep the file's order. */
typedef struct {
    uint64_t *row_ptr; /* n_constraints + 1 entries */
    uint32_t *wire;    /* row_ptr[n_constraints] entries */
    gl_t *coeff;       /* row_ptr[n_constraints] entries */
} zk_r1cs_matrix;

typedef struct {
    uint32_t n_wires;       /* including wire 0 */
    uint32_t n_pub_out;     /* public outputs: wires 1..n_pub_out */
    uint32_t n_pub_in;      /* public inputs: next n_pub_in wires */
    uint32_t n_prv_in;      /* private inputs (informational: all wires after the public ones are private) */
    uint64_t n_labels;
    uint32_t n_constraints;
    zk_r1cs_matrix abc[3];  /* A, B, C: constraint i is <A_i, z> * <B_i, z> = <C_i, z> */
    uint64_t *labels;       /* n_wires entries: wire -> label id (each < n_labels) */
    zk_digest digest;       /* SHA-256 of the whole file, as read */
} zk_r1cs;

/* Number of public signals: n_pub_out + n_pub_in. */
static inline uint32_t zk_r1cs_n_public(const zk_r1cs *c) { return c->n_pub_out + c->n_pub_in; }
/* Total number of nonzero-or-not terms of A, B and C. */
uint64_t zk_r1cs_terms(const zk_r1cs *c);

/* Parse a .r1cs image (len bytes). On success *out owns its arrays (free with
 * zk_r1cs_free) and out->digest = SHA-256(data). Returns ZK_OK, ZK_ERR_INPUT
 * (malformed, other prime, custom gates; message says what and where) or
 * ZK_ERR_NOMEM (allocation failed or a count over a limit). *out is zeroed on
 * failure. `name` (may be NULL) prefixes error messages. */
int zk_r1cs_parse(zk_r1cs *out, const uint8_t *data, size_t len, const char *name) ZK_WARN_UNUSED;
/* Read and parse a file (also ZK_ERR_IO). */
int zk_r1cs_load(zk_r1cs *out, const char *path) ZK_WARN_UNUSED;
void zk_r1cs_free(zk_r1cs *c);

/* Parse a .wtns image: *values (malloc'd, caller frees; wipe it, it is the
 * private witness) gets *n values. Same error conventions as zk_r1cs_parse. */
int zk_wtns_parse(gl_t **values, uint32_t *n, const uint8_t *data, size_t len, const char *name) ZK_WARN_UNUSED;
int zk_wtns_load(gl_t **values, uint32_t *n, const char *path) ZK_WARN_UNUSED;

/* Optional label names from circom's .sym text file
 * ("labelIdx,wireIdx,componentIdx,name" per line). */
typedef struct {
    size_t n;
    uint64_t *label; /* sorted ascending */
    char **name;     /* name[i] belongs to label[i] */
} zk_r1cs_symbols;
/* Returns ZK_OK, ZK_ERR_IO, ZK_ERR_INPUT (malformed line, named) or ZK_ERR_NOMEM. */
int zk_r1cs_symbols_load(zk_r1cs_symbols *s, const char *path) ZK_WARN_UNUSED;
/* The name of a label, or NULL. s may be NULL. */
const char *zk_r1cs_symbols_find(const zk_r1cs_symbols *s, uint64_t label);
void zk_r1cs_symbols_free(zk_r1cs_symbols *s);

/* Check a full witness (n values, indexed by wire) against every constraint.
 * Returns ZK_OK, or ZK_ERR_INPUT with a message giving the first problem:
 * wrong count, witness[0] != 1, or "constraint i (of m) is not satisfied"
 * with the wires of that constraint and their labels (names from syms when
 * given; syms may be NULL). *first_failing (may be NULL) gets the index of
 * the first failing constraint, or UINT32_MAX if none failed. */
int zk_r1cs_check_witness(const zk_r1cs *c, const gl_t *witness, size_t n, const zk_r1cs_symbols *syms,
                          uint32_t *first_failing) ZK_WARN_UNUSED;

/* public.json in snarkjs's format: a JSON array of decimal strings (numbers
 * that are exact non-negative integers are accepted too), each < p.
 * Parse: *values malloc'd (caller frees), *n entries; ZK_ERR_INPUT names the
 * offending element. Format: writes the array of decimal strings (one per
 * line, as snarkjs does) into w. */
int zk_r1cs_public_parse_json(gl_t **values, size_t *n, const char *text, size_t len, const char *name) ZK_WARN_UNUSED;
void zk_r1cs_public_write_json(zk_wbuf *w, const gl_t *values, size_t n);

/* ---- Spartan layout (docs/r1cs.md, "Layout") ----
 * z has 2^col_vars entries: the low half is the public vector
 * (1, public signals, 0...), the high half is the committed vector w:
 *   w[0 .. n_priv)                 private wires n_pub+1 .. n_wires-1
 *   w[blind_col .. blind_col+16)   blinding entries (4 blocks of 4, the last of each block 0)
 *   w[mask_outer ..)               Libra mask of the outer sumcheck (zk_libra_coeffs_len(row_vars, 3))
 *   w[mask_inner ..)               Libra mask of the inner sumcheck (zk_libra_coeffs_len(col_vars, 2))
 *   rest 0.
 * Rows: the n_constraints circuit constraints, then from blind_row (a multiple of
 * 4) three blocks of 4 padding constraints that read the blinding entries:
 *   block 0, k < 3:  (w[blind_col+k]) * 0 = 0
 *   block 1, k < 3:  0 * (w[blind_col+4+k]) = 0
 *   block 2, k < 3:  1 * (w[blind_col+8+k]) = (w[blind_col+8+k])
 * (the 4th row of each block is empty); w[blind_col+12..15) are in no constraint.
 * Then zero rows up to 2^row_vars. */
typedef struct {
    uint32_t row_vars;    /* outer sumcheck variables */
    uint32_t col_vars;    /* inner sumcheck variables; the committed w has col_vars - 1 */
    uint32_t n_public;    /* public signals */
    uint64_t n_priv;      /* private wires: n_wires - 1 - n_public */
    uint64_t blind_row;   /* first padding constraint */
    uint64_t blind_col;   /* w-index of the first blinding entry */
    uint64_t mask_outer;  /* w-index of the outer mask coefficients */
    uint64_t mask_inner;  /* w-index of the inner mask coefficients */
    uint64_t w_used;      /* entries of w that may be nonzero */
} zk_spartan_layout;

#define ZK_SPARTAN_OUTER_DEGREE 3u /* eq * Az * Bz */
#define ZK_SPARTAN_INNER_DEGREE 2u /* M(rx, y) * z(y) */
#define ZK_SPARTAN_BLIND_ROWS 12u
#define ZK_SPARTAN_BLIND_COLS 16u

/* Layout for a circuit shape (pure function of n_wires, the public counts and
 * n_constraints; prover and verifier derive it alike). Returns ZK_OK, or
 * ZK_ERR_INPUT if the committed vector would exceed 2^ZK_WHIR_MAX_VARS entries
 * (cannot happen within the reader's limits: at most 2^27 entries). */
int zk_spartan_layout_compute(zk_spartan_layout *l, const zk_r1cs *c) ZK_WARN_UNUSED;

typedef struct {
    double security_bits;   /* min of the components below */
    double whir_bits;       /* WHIR opening of w (params.h report) */
    double sumcheck_bits;   /* both sumchecks, Schwartz-Zippel over F_p^3, union bound */
    size_t expected_proof_bytes;
} zk_spartan_security;
void zk_spartan_security_compute(zk_spartan_security *s, const zk_spartan_layout *l);

/* Prove that the witness (n = n_wires values indexed by wire) satisfies c, in
 * zero knowledge: appends a proof file (proof.h kind ZK_PROOF_R1CS) to proof.
 * The witness is checked first (zk_r1cs_check_witness; ZK_ERR_INPUT names the
 * first failing constraint; syms may be NULL). Returns ZK_OK, ZK_ERR_INPUT,
 * ZK_ERR_NOMEM. Randomness (blinding entries, masks, WHIR hiding) from the OS
 * CSPRNG. Memory: about 120 * 2^row_vars + 70 * 2^col_vars + 16 * terms bytes
 * plus the WHIR prover's (docs/r1cs.md, "Costs"). */
int zk_r1cs_prove(const zk_r1cs *c, const gl_t *witness, size_t n, const zk_r1cs_symbols *syms,
                  zk_wbuf *proof) ZK_WARN_UNUSED;
/* Verify a proof for circuit c with public signals pub[0..n_pub) (n_pub must
 * equal zk_r1cs_n_public(c)). Returns ZK_OK (valid), ZK_ERR_REJECT (invalid
 * proof, wrong public values, proof for another circuit: message says which
 * check failed) or ZK_ERR_INPUT (malformed container, wrong count of public
 * values). Fills *sec if not NULL. Cost: O(terms of A, B, C + 2^col_vars +
 * 2^row_vars) field operations plus the WHIR verifier (docs/r1cs.md). */
int zk_r1cs_verify(const zk_r1cs *c, const gl_t *pub, size_t n_pub, const uint8_t *proof, size_t proof_len,
                   zk_spartan_security *sec) ZK_WARN_UNUSED;

#endif
