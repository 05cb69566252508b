/*
 * circuit.h — a constraint-system builder for the lifecycle and ML statements
 * (preprocessing, training, metrics, inference, monitoring), with fixed-point
 * gadgets, proved in zero knowledge by Spartan over hiding WHIR (r1cs.h), and
 * *linked* to committed vectors (dataset tables, model weights) so that one
 * stage's output commitment is the next stage's input.
 *
 * Builder model ("tracing"): the same C code builds the circuit for the prover
 * and for the verifier. The prover builds with values (every gadget computes
 * its output values, so the witness is generated alongside the constraints);
 * the verifier builds with prover = 0: private values are unknown (read as 0)
 * and only the structure is produced. The structure must therefore never
 * depend on private values (only on public shapes and parameters).
 *
 * Values: signals are integers embedded in Goldilocks (negative v as p - |v|,
 * field.h). Fixed-point reals x are integers X = round(x * 2^s) at a declared
 * scale s (the caller tracks scales). Gadgets that need a bound take `bits`:
 * the signal must lie in [-2^(bits-1), 2^(bits-1)) (signed); in prover mode a
 * value outside the range sets the sticky error ZK_ERR_RANGE (message names
 * the gadget and the value), so an honest prover never builds an
 * unsatisfiable circuit. What the *constraints* prove about the input is
 * stated per gadget below: range, range_signed, to_bits, is_negative,
 * less_than, relu, max, min, sigmoid and argmax prove the declared bound (bit
 * decomposition, or limbs looked up in a table when zk_cs_set_lookups is on;
 * of x - y for less_than, max, min and argmax); rescale,
 * div_const and clip prove a wider implied range only (given below; their
 * output is still the unique reference value for every input in that range),
 * sqrt proves [0, 2^(2*ceil(bits/2))). A caller
 * that needs the declared bound of such an input proved adds
 * zk_cs_range_signed. 1 <= bits <= ZK_CS_MAX_BITS.
 *
 * Wires: uint32_t ids; wire 0 is the constant 1. All public wires must be
 * allocated before the first private wire (ZK_ERR_INPUT otherwise). The
 * resulting R1CS has n_pub_out = 0 and n_pub_in = number of public wires.
 *
 * Errors are sticky: after the first failure every call is a no-op returning
 * wire 0, and zk_cs_status() / zk_last_error() report it. Check once at the end.
 *
 * Links (zk_cs_link): a committed vector v (2^m field elements, hiding WHIR
 * commitment) is copied into a segment of private wires (zk_cs_segment with
 * log_len = m: a link must name the first wire of such a segment and the
 * commitment's n_vars must equal its log_len, so the commitment binds the
 * whole segment); the proof shows the segment equals v: after the Spartan
 * witness commitment is fixed the verifier draws rho in (F_p^3)^m, the prover reveals
 * u = v~(rho) (masked by the random blinding entries of v) and proves both
 * v~(rho) = u with a hiding WHIR opening of v's commitment and
 * w~(rho, offset bits) = u within the Spartan witness opening (the aligned
 * block makes it a point claim). Each proof therefore uses one
 * zero-knowledge opening of every linked commitment (callers reserve it:
 * zk_dataset_reserve_opening, zk_model_reserve_opening).
 * Zero knowledge of linked vectors — a rule for callers: each such opening
 * reveals u = v~(rho) in F_p^3, i.e. three F_p-linear functionals of v with
 * public coefficients (the verifier recomputes rho). They hide the data only
 * through v's *blinding entries* (entries that are uniformly random,
 * independent of everything else, and unused by any constraint that
 * influences a public value): K openings reveal nothing about the rest of v
 * only while 3K + 16 <= B, the number of blinding entries (the 3K functionals
 * restricted to the blinding entries then have full rank, except with
 * negligible probability over the rhos; 16 is a safety margin,
 * ZK_DATASET_BLIND_MARGIN). Once 3K > B the revealed values determine
 * F_p-linear combinations of the data, and with 3K >= 2^m the whole vector
 * is recovered by solving a linear system. So whoever commits a vector that
 * will be linked must give it B >= 3 * (its opening budget) + 16 blinding
 * entries and must stop proving
 * (refuse to reserve) once K would exceed (B - 16) / 3 or the WHIR mask budget
 * (zk_whir_hiding_opening_budget), whichever is smaller; every zero-knowledge
 * opening of the commitment counts, not only zk_cs proofs. Datasets:
 * ZK_DATASET_MIN_BLIND_ENTRIES, zk_dataset_openings_left (dataset.h). A
 * linked vector without blinding entries leaks u (harmless only if v is
 * public anyway).
 * Construction: Spartan (eprint 2019/550 sections 4-5), WHIR (2024/1586),
 * docs/circuit.md (gadget constraint counts, link soundness and zero
 * knowledge, measured costs).
 */
#ifndef ZKMLOPS_CIRCUIT_H
#define ZKMLOPS_CIRCUIT_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/field.h"
#include "zkmlops/r1cs.h"
#include "zkmlops/status.h"
#include "zkmlops/whir.h"

#define ZK_CS_MAX_BITS 62u
#define ZK_CS_MAX_WIRES ((uint32_t)1 << 26)
#define ZK_CS_MAX_CONSTRAINTS ((uint32_t)1 << 26)

typedef struct zk_cs zk_cs;

/* ---- Linear combinations: sum_k coeff[k] * wire[k] (wire 0 = constant). ---- */
typedef struct {
    uint32_t n, cap;
    uint32_t *wire;
    gl_t *coeff;
} zk_lc;

void zk_lc_init(zk_lc *lc);
void zk_lc_free(zk_lc *lc);
void zk_lc_clear(zk_lc *lc); /* n = 0, keeps the storage */
/* Append coeff * wire (terms on the same wire are merged when the lc is used).
 * Out of memory is reported through the cs that later consumes the lc. */
void zk_lc_add(zk_lc *lc, uint32_t wire, gl_t coeff);
void zk_lc_add_i64(zk_lc *lc, uint32_t wire, int64_t coeff);
void zk_lc_add_const(zk_lc *lc, gl_t c);

/* ---- Builder ---- */
/* prover = 1: values are computed; 0: verifier mode. NULL if out of memory. */
zk_cs *zk_cs_new(int prover);
void zk_cs_free(zk_cs *cs); /* wipes the private values */
int zk_cs_is_prover(const zk_cs *cs);
zk_status zk_cs_status(const zk_cs *cs);
uint32_t zk_cs_n_wires(const zk_cs *cs);
uint32_t zk_cs_n_public(const zk_cs *cs);
uint32_t zk_cs_n_constraints(const zk_cs *cs);

/* New public wire with this value (verifier: the claimed public value). */
uint32_t zk_cs_public(zk_cs *cs, gl_t value);
uint32_t zk_cs_public_i64(zk_cs *cs, int64_t value);
/* New private wire (value ignored in verifier mode). */
uint32_t zk_cs_private(zk_cs *cs, gl_t value);
uint32_t zk_cs_private_i64(zk_cs *cs, int64_t value);
/* Allocate 2^log_len consecutive private wires holding values[0..2^log_len)
 * (NULL in verifier mode), aligned so the block can be linked to a commitment
 * (filler wires are inserted as needed). Returns the first wire. */
uint32_t zk_cs_segment(zk_cs *cs, const gl_t *values, uint32_t log_len);

/* Value of a wire (verifier mode: the claimed value of a public wire, 0 for
 * private wires; 0 for a wire id that does not exist), as a field element or
 * signed integer (field.h embedding: values > p/2 are negative). */
gl_t zk_cs_value(const zk_cs *cs, uint32_t wire);
int64_t zk_cs_value_i64(const zk_cs *cs, uint32_t wire);
gl_t zk_cs_lc_value(const zk_cs *cs, const zk_lc *lc);

/* <a,z> * <b,z> = <c,z>. In prover mode an unsatisfied constraint is not an
 * error here; zk_cs_check / zk_cs_prove report it. */
void zk_cs_enforce(zk_cs *cs, const zk_lc *a, const zk_lc *b, const zk_lc *c);
/* <a,z> = <b,z> (one constraint, a * 1 = b). */
void zk_cs_enforce_equal(zk_cs *cs, const zk_lc *a, const zk_lc *b);
void zk_cs_assert_equal(zk_cs *cs, uint32_t x, uint32_t y);
/* New wire equal to <lc,z> (one constraint). */
uint32_t zk_cs_lc_wire(zk_cs *cs, const zk_lc *lc);
/* x * y (one constraint). */
uint32_t zk_cs_mul(zk_cs *cs, uint32_t x, uint32_t y);
/* sum_k x[k] * y[k] (n constraints; n >= 1). No rescale. */
uint32_t zk_cs_dot(zk_cs *cs, const uint32_t *x, const uint32_t *y, size_t n);
/* sum_k c[k] * x[k] + c0 with public integer coefficients (one constraint). */
uint32_t zk_cs_affine(zk_cs *cs, const uint32_t *x, const int64_t *c, size_t n, int64_t c0);

/* ---- Fixed-point gadgets (exact integer semantics = the zk_fx_* functions below) ---- */
/* Prove x in [0, 2^bits) (bits + 1 constraints). */
void zk_cs_range(zk_cs *cs, uint32_t x, unsigned bits);
/* Prove x in [-2^(bits-1), 2^(bits-1)). */
void zk_cs_range_signed(zk_cs *cs, uint32_t x, unsigned bits);
/* Bits of x in [0, 2^bits), LSB first, into out[0..bits) (proved boolean, sum = x). */
void zk_cs_to_bits(zk_cs *cs, uint32_t x, unsigned bits, uint32_t *out);
/* 1 if x < 0 else 0, for x signed in `bits`. */
uint32_t zk_cs_is_negative(zk_cs *cs, uint32_t x, unsigned bits);
/* 1 if x < y else 0 (x - y signed in `bits`). */
uint32_t zk_cs_less_than(zk_cs *cs, uint32_t x, uint32_t y, unsigned bits);
/* 1 if x == 0 else 0 (two constraints). */
uint32_t zk_cs_is_zero(zk_cs *cs, uint32_t x);
/* 1 if x == y else 0. */
uint32_t zk_cs_is_equal(zk_cs *cs, uint32_t x, uint32_t y);
/* b ? x : y, for a boolean wire b (one constraint). */
uint32_t zk_cs_select(zk_cs *cs, uint32_t b, uint32_t x, uint32_t y);
/* Prove b in {0, 1}. */
void zk_cs_boolean(zk_cs *cs, uint32_t b);
/* zk_fx_rescale(x, shift), 1 <= shift <= in_bits; x signed in in_bits
 * (prover-checked). Result signed in in_bits - shift + 1. The constraints
 * (x + 2^(shift-1) - r = 2^shift q, r in [0, 2^shift), q signed in
 * in_bits - shift + 1 bits) prove out = zk_fx_rescale(x, shift) and only the
 * implied range x in [-2^in_bits - 2^(shift-1), 2^in_bits - 2^(shift-1)),
 * not the declared one. in_bits + 3 constraints. */
uint32_t zk_cs_rescale(zk_cs *cs, uint32_t x, unsigned shift, unsigned in_bits);
/* zk_fx_div(x, d) for a public 1 <= d < 2^61; x signed in in_bits
 * (prover-checked). With e = floor(log2 d) and qb = in_bits - e (1 if
 * in_bits <= e + 1) the constraints (x - r = d q, r in [0, d), q signed in qb
 * bits) prove out = zk_fx_div(x, d) and only the implied range
 * x in [-d 2^(qb-1), d 2^(qb-1)) (which contains the declared one). */
uint32_t zk_cs_div_const(zk_cs *cs, uint32_t x, int64_t d, unsigned in_bits);
/* max(x, 0); x signed in bits. */
uint32_t zk_cs_relu(zk_cs *cs, uint32_t x, unsigned bits);
/* max(x, y) / min(x, y); x - y signed in bits. */
uint32_t zk_cs_max(zk_cs *cs, uint32_t x, uint32_t y, unsigned bits);
uint32_t zk_cs_min(zk_cs *cs, uint32_t x, uint32_t y, unsigned bits);
/* zk_fx_clip(x, lo, hi); x signed in bits (prover-checked), lo <= hi public.
 * With c = max(bits, signed width of lo, of hi) + 1 <= ZK_CS_MAX_BITS the
 * constraints prove x - lo and hi - x signed in c bits (the implied range,
 * which contains the declared one) and out = zk_fx_clip(x, lo, hi). */
uint32_t zk_cs_clip(zk_cs *cs, uint32_t x, int64_t lo, int64_t hi, unsigned bits);
/* zk_fx_sigmoid(x, scale) for 5 <= scale <= 58; x signed in bits (proved),
 * bits >= scale + 4. Other scales or widths: sticky ZK_ERR_INPUT. */
uint32_t zk_cs_sigmoid(zk_cs *cs, uint32_t x, unsigned scale, unsigned bits);
/* zk_fx_sqrt(x); x in [0, 2^bits), bits even or odd, bits <= 60 (the
 * constraints prove x in [0, 2^(2*ceil(bits/2))); the prover checks 2^bits). */
uint32_t zk_cs_sqrt(zk_cs *cs, uint32_t x, unsigned bits);
/* Index of the largest of x[0..n) (first one on ties); x[i] - x[j] signed in
 * bits. Writes the one-hot indicator to onehot[0..n) if onehot != NULL. */
uint32_t zk_cs_argmax(zk_cs *cs, const uint32_t *x, size_t n, unsigned bits, uint32_t *onehot);

/* ---- Range checks by lookups (opt-in per circuit) ----
 * zk_cs_set_lookups(cs, tb): 0 = off (the default: every range check is a bit
 * decomposition, bits + 1 constraints); 8 <= tb <= 16: from now on range
 * checks are proved by LogUp lookups (Haböck, eprint 2022/1530; logup.h)
 * into the table T = [0, 2^tb). Must be called before the first constraint,
 * gadget or matrix product (else sticky ZK_ERR_INPUT, as for another tb);
 * prover and verifier must call it alike (the R1CS differs).
 * With lookups on, "v in [0, 2^bits)" allocates limbs l_0..l_{m-1},
 * m = ceil(bits / tb), as new wires, one linear constraint
 * v = sum_i 2^(tb i) l_i, and looks up every limb; the top limb (e = bits -
 * tb (m-1) bits) also gets a wire l' = l_top + 2^tb - 2^e (one constraint),
 * looked up too (both in T <=> l_top < 2^e), so the range is exact. Routed
 * through it (same statements, same outputs, same zk_fx_* semantics, same
 * prover-side ZK_ERR_RANGE): range; range_signed (x + 2^(bits-1) in
 * [0, 2^bits)); the sign bit of is_negative, less_than, relu, max, min,
 * clip and argmax (s = [v < 0] boolean and v + s 2^(bits-1) in
 * [0, 2^(bits-1)), i.e. v signed in bits); rescale (r in [0, 2^shift) as
 * limbs, q signed in in_bits - shift + 1); div_const (r and d - 1 - r in
 * [0, 2^k), q signed). to_bits, sigmoid and sqrt keep bit decompositions
 * (they use the bits). Cost per b-bit check: m + [e < tb] new wires and
 * lookups, 1 + [e < tb] constraints (+1 boolean constraint for a sign).
 * Proof (zk_cs_prove / zk_cs_verify): one zero-knowledge LogUp sub-proof
 * whose column holds the N looked-up values and whose foreign column F is
 * the virtual vector of the looked-up wires over 2^n positions,
 * n = ceil_log2(N + ZK_CS_LOOKUP_PAD): entry i < N is the i-th looked-up
 * wire, entries N .. N + ZK_CS_LOOKUP_PAD - 1 are fresh uniformly random
 * wires (allocated at the first lookup), the rest 0; LogUp proves
 * F(x) = col(x) on x < N, and F~(r) at its point r is a linear claim of the
 * WHIR opening of the witness (docs/circuit.md, "Range checks by lookups").
 * N <= ZK_CS_MAX_LOOKUPS (sticky ZK_ERR_INPUT beyond). */
#define ZK_CS_LOOKUP_MIN_BITS 8u
#define ZK_CS_LOOKUP_MAX_BITS 16u
#define ZK_CS_LOOKUP_PAD 19u /* 3 revealed F_p coordinates of F~(r) + 16 margin */
#define ZK_CS_MAX_LOOKUPS (((uint32_t)1 << 24) - ZK_CS_LOOKUP_PAD)
/* The rule the stages that build large circuits (inference: src/ml/infer.c;
 * evaluation; monitoring windows) use: build with lookups into
 * [0, 2^ZK_CS_LOOKUP_AUTO_BITS), and rebuild without them when the circuit has
 * fewer than ZK_CS_LOOKUP_AUTO_MIN looked-up values (below that the LogUp
 * sub-proof's three extra WHIR openings cost more than the bit decompositions
 * they replace). The rule depends only on public shapes. */
#define ZK_CS_LOOKUP_AUTO_BITS 16u
#define ZK_CS_LOOKUP_AUTO_MIN ((uint32_t)1 << 16)
/* That rule as a function: build(cs, ctx) runs on a new circuit (prover or
 * verifier mode) with lookups into [0, 2^bits); if the result has fewer than
 * min looked-up values, it is freed and build runs again on a new circuit
 * without lookups (bits = 0 builds without lookups at once). build must
 * depend only on public shapes for the decision to agree between prover and
 * verifier. *out receives the circuit (the caller frees it), NULL on error.
 * Returns ZK_OK, build's error, or ZK_ERR_NOMEM. */
typedef int (*zk_cs_build_fn)(zk_cs *cs, void *ctx);
int zk_cs_build_auto(zk_cs **out, int prover, unsigned bits, uint32_t min, zk_cs_build_fn build,
                     void *ctx) ZK_WARN_UNUSED;
void zk_cs_set_lookups(zk_cs *cs, unsigned table_bits);
/* The table bits set (0 = off) and the number of looked-up values so far;
 * both valid in prover and verifier mode (the count depends only on the
 * circuit's structure, which zk_cs_build_auto relies on). */
unsigned zk_cs_lookup_bits(const zk_cs *cs);
uint32_t zk_cs_n_lookups(const zk_cs *cs);

/* ---- Native matrix products (proved by sumcheck, not by R1CS products) ----
 * out[r*n + c] = sum_{j<k} x[r*k + j] * w[c*k + j] for r < rows, c < n (field
 * arithmetic; with integer inputs the exact integer sum whenever it lies in
 * (-p/2, p/2)). x: rows x k wires, row-major; w: n x k wires, row-major (row
 * c holds the k coefficients of output column c, i.e. B transposed); out:
 * rows x n new private wires, row-major. Input wires may be public, private
 * or constants, and may repeat (im2col).
 * Construction (docs/circuit.md, "Native matrix products"): padded matrices
 * X' (2^bv x 2^jv, bv = ceil_log2(rows + 3), jv = ceil_log2(k +
 * ZK_CS_MATMUL_PAD + 1)) and W' (2^cv x 2^jv, cv = ceil_log2(n + 1)) read
 * their real entries from the given wires (no copies, no constraints); row
 * `rows` of X' and row `n` of W' (columns < k) and ZK_CS_MATMUL_PAD columns
 * >= k of their row 0 are fresh uniformly random wires; the extra summed
 * column jstar = k + ZK_CS_MATMUL_PAD holds fresh random wires in X' rows
 * rows .. rows + 2 and the constant 1 in W' row n; other padding is 0. Z' =
 * X' W'^T summed over j < k and j = jstar (2^bv x 2^cv) is a segment of new
 * wires; out is its real part (the real rows and columns never see jstar).
 * The proof (zk_cs_prove) shows Z'~(tau_b, tau_c) = sum_j S(j) X'~(tau_b, j)
 * W'~(tau_c, j), S(j) = [j < k or j = jstar], for random tau by a
 * Libra-masked sumcheck over jv variables (Thaler, "Proofs, Arguments, and
 * Zero-Knowledge", section 4.4; Libra, eprint 2019/317, section 4.1);
 * Z'~(tau) is a point claim and X'~, W'~ at the sumcheck point are linear
 * claims of the one WHIR opening of the witness. Soundness error
 * (bv + cv + 3 jv + 4) / |F_p^3| per product.
 * Zero knowledge: every revealed value includes fresh random entries with
 * nonzero public coefficients that nothing else reveals: the column pads for
 * X'~ and W'~, the three jstar entries Z'[rows + i][n] = r_i (+ pad products)
 * for Z'~; the round polynomials are masked.
 * Cost: 2^(bv+cv) + 2k + 2 ZK_CS_MATMUL_PAD + 3 + 12 jv new wires, no
 * constraints; O(2^(bv+cv) k) prover and O(2^(bv+jv) + 2^(cv+jv)) verifier
 * field operations.
 * Errors (sticky; out is zeroed): ZK_ERR_INPUT for an empty shape, a wire
 * that does not exist, a matrix over 2^26 entries or more than
 * ZK_CS_MAX_MATMULS products per circuit; ZK_ERR_NOMEM. */
#define ZK_CS_MATMUL_PAD 19u   /* 3 revealed F_p coordinates per evaluation + 16 margin */
#define ZK_CS_MAX_MATMULS 1024u
void zk_cs_matmul(zk_cs *cs, const uint32_t *x, const uint32_t *w, uint32_t rows, uint32_t k, uint32_t n,
                  uint32_t *out);

/* Plain integer reference semantics of the gadgets (used for witness
 * generation and by tests and stage code as the specification):
 *   rescale(x, s) = floor((x + 2^(s-1)) / 2^s)   (round half up; s >= 1)
 *   div(x, d)     = floor(x / d)                  (d >= 1)
 *   clip(x,lo,hi) = min(max(x, lo), hi)
 *   sqrt(x)       = floor(sqrt(x))                 (x >= 0)
 *   sigmoid(x, s): PLAN piecewise-linear approximation (Amin, Curtis,
 *     Hayes-Gill 1997), max error 0.019, at scale 5 <= s <= 58 in and out
 *     (another s is an illegal call: abort):
 *     a = |x|;  y = 2^s                           if a >= 5 * 2^s
 *               floor(a / 32) + 27 * 2^(s-5)      if a >= 19 * 2^(s-3)   (2.375)
 *               floor(a / 8) + 5 * 2^(s-3)        if a >= 2^s
 *               floor(a / 4) + 2^(s-1)            otherwise
 *     result y if x >= 0, else 2^s - y. */
int64_t zk_fx_rescale(int64_t x, unsigned shift);
int64_t zk_fx_div(int64_t x, int64_t d);
int64_t zk_fx_clip(int64_t x, int64_t lo, int64_t hi);
int64_t zk_fx_sqrt(int64_t x);
int64_t zk_fx_sigmoid(int64_t x, unsigned scale);

/* ---- Checking, proving, verifying ---- */
/* Prover mode: check every constraint against the values. ZK_OK, or
 * ZK_ERR_INPUT naming the first failing constraint (and the sticky error). */
int zk_cs_check(const zk_cs *cs) ZK_WARN_UNUSED;
/* The R1CS view (owned by cs, valid until the next builder call or free);
 * digest = SHA-256 of a canonical encoding of the shape and matrices. */
const zk_r1cs *zk_cs_r1cs(zk_cs *cs);

/* One linked commitment: com is a hiding WHIR commitment of a vector of
 * 2^com->params.n_vars field elements, first_wire the first wire returned by
 * zk_cs_segment(cs, values, com->params.n_vars) (exactly: another wire, or a
 * segment of another length, is ZK_ERR_INPUT when proving and verifying).
 * wit: the prover's opening data of this very commitment (same parameters
 * and Merkle root, else ZK_ERR_INPUT; wit->evals must equal the segment
 * values), NULL when verifying. See "Links" above for the zero-knowledge
 * rule on the number of proofs per commitment. */
typedef struct {
    const zk_whir_commitment *com;
    const zk_whir_witness *wit;
    uint32_t first_wire;
} zk_cs_link;

#define ZK_CS_MAX_LINKS 8u

/* Prove, in zero knowledge, that the private values satisfy the circuit and
 * the linked segments equal the committed vectors. `context` (context_len
 * bytes; e.g. the stage name, a digest of the public spec, commitment ids) is
 * absorbed into the transcript first; the verifier must pass the same bytes.
 * Appends the proof body (no container header: callers put it in a section of
 * their proof file) to proof. Checks the witness first (ZK_ERR_INPUT on a
 * failing constraint; also a link that does not name a segment of the
 * commitment's size, opening data of another commitment, or segment values
 * that differ from the committed vector). Returns ZK_OK, ZK_ERR_INPUT,
 * ZK_ERR_NOMEM. Randomness
 * from the OS CSPRNG. */
int zk_cs_prove(zk_cs *cs, const uint8_t *context, size_t context_len, const zk_cs_link *links,
                size_t n_links, zk_wbuf *proof) ZK_WARN_UNUSED;
/* Verify against a circuit built in verifier mode with the same public values
 * (public wires carry the claimed values). Returns ZK_OK, ZK_ERR_REJECT (with
 * the failing check) or ZK_ERR_INPUT (malformed proof body, or a link that
 * does not name a segment of the commitment's size). Fills *sec if not NULL. */
int zk_cs_verify(zk_cs *cs, const uint8_t *context, size_t context_len, const zk_cs_link *links,
                 size_t n_links, const uint8_t *proof, size_t proof_len,
                 zk_spartan_security *sec) ZK_WARN_UNUSED;

#endif
