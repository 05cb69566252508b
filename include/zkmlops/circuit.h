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
 * the signal must lie in [-2^(bits-1), 2^(bits-1)) (signed) — the gadget
 * proves it (bit decomposition), and in prover mode a value outside the range
 * sets the sticky error ZK_ERR_RANGE (message names the gadget and the value).
 * 1 <= bits <= ZK_CS_MAX_BITS.
 *
 * Wires: uint32_t ids; wire 0 is the constant 1. All public wires must be
 * allocated before the first private wire (ZK_ERR_INPUT otherwise). The
 * resulting R1CS has n_pub_out = 0 and n_pub_in = number of public wires.
 *
 * Errors are sticky: after the first failure every call is a no-op returning
 * wire 0, and zk_cs_status() / zk_last_error() report it. Check once at the end.
 *
 * Links (zk_cs_link): a committed vector v (2^m field elements, hiding WHIR
 * commitment) is copied into an aligned block of private wires (a
 * "segment"); the proof shows the block equals v: after the Spartan witness
 * commitment is fixed the verifier draws rho in (F_p^3)^m, the prover reveals
 * u = v~(rho) (masked by the random blinding entries of v) and proves both
 * v~(rho) = u with a hiding WHIR opening of v's commitment and
 * w~(rho, offset bits) = u within the Spartan witness opening (the aligned
 * block makes it a point claim). Each proof therefore uses one
 * zero-knowledge opening of every linked commitment (callers reserve it:
 * zk_dataset_reserve_opening, zk_model_reserve_opening).
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
/* zk_fx_rescale(x, shift); x signed in in_bits, result signed in in_bits - shift + 1. */
uint32_t zk_cs_rescale(zk_cs *cs, uint32_t x, unsigned shift, unsigned in_bits);
/* zk_fx_div(x, d) for a public d >= 1; x signed in in_bits. */
uint32_t zk_cs_div_const(zk_cs *cs, uint32_t x, int64_t d, unsigned in_bits);
/* max(x, 0); x signed in bits. */
uint32_t zk_cs_relu(zk_cs *cs, uint32_t x, unsigned bits);
/* max(x, y) / min(x, y); x - y signed in bits. */
uint32_t zk_cs_max(zk_cs *cs, uint32_t x, uint32_t y, unsigned bits);
uint32_t zk_cs_min(zk_cs *cs, uint32_t x, uint32_t y, unsigned bits);
/* zk_fx_clip(x, lo, hi); x signed in bits, lo <= hi public. */
uint32_t zk_cs_clip(zk_cs *cs, uint32_t x, int64_t lo, int64_t hi, unsigned bits);
/* zk_fx_sigmoid(x, scale); x signed in bits (bits > scale + 3). */
uint32_t zk_cs_sigmoid(zk_cs *cs, uint32_t x, unsigned scale, unsigned bits);
/* zk_fx_sqrt(x); x in [0, 2^bits), bits even or odd, bits <= 60 (the
 * constraints prove x in [0, 2^(2*ceil(bits/2))); the prover checks 2^bits). */
uint32_t zk_cs_sqrt(zk_cs *cs, uint32_t x, unsigned bits);
/* Index of the largest of x[0..n) (first one on ties); x[i] - x[j] signed in
 * bits. Writes the one-hot indicator to onehot[0..n) if onehot != NULL. */
uint32_t zk_cs_argmax(zk_cs *cs, const uint32_t *x, size_t n, unsigned bits, uint32_t *onehot);

/* Plain integer reference semantics of the gadgets (used for witness
 * generation and by tests and stage code as the specification):
 *   rescale(x, s) = floor((x + 2^(s-1)) / 2^s)   (round half up; s >= 1)
 *   div(x, d)     = floor(x / d)                  (d >= 1)
 *   clip(x,lo,hi) = min(max(x, lo), hi)
 *   sqrt(x)       = floor(sqrt(x))                 (x >= 0)
 *   sigmoid(x, s): PLAN piecewise-linear approximation (Amin, Curtis,
 *     Hayes-Gill 1997), max error 0.019, at scale s >= 5 in and out:
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
 * 2^com->params.n_vars field elements, first_wire the segment from
 * zk_cs_segment(cs, values, com->params.n_vars). wit: the prover's opening
 * data (wit->evals must equal the segment values), NULL when verifying. */
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
 * failing constraint). Returns ZK_OK, ZK_ERR_INPUT, ZK_ERR_NOMEM. Randomness
 * from the OS CSPRNG. */
int zk_cs_prove(zk_cs *cs, const uint8_t *context, size_t context_len, const zk_cs_link *links,
                size_t n_links, zk_wbuf *proof) ZK_WARN_UNUSED;
/* Verify against a circuit built in verifier mode with the same public values
 * (public wires carry the claimed values). Returns ZK_OK, ZK_ERR_REJECT (with
 * the failing check) or ZK_ERR_INPUT (malformed). Fills *sec if not NULL. */
int zk_cs_verify(zk_cs *cs, const uint8_t *context, size_t context_len, const zk_cs_link *links,
                 size_t n_links, const uint8_t *proof, size_t proof_len,
                 zk_spartan_security *sec) ZK_WARN_UNUSED;

#endif
