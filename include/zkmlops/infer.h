/*
 * infer.h — verifiable inference: a proof (kind ZK_PROOF_INFER) that the
 * committed model (model.h commitment) maps a batch of inputs to the claimed
 * outputs, computed with the exact fixed-point semantics of zk_model_run_fx.
 *
 * Statement: "y_i = M_W(x_i) for i < batch, where W is the weight vector
 * committed in the model commitment with id = SHA-256(model.com)". The
 * weights stay hidden (zero knowledge: Spartan over hiding WHIR; the weight
 * vector is linked to the commitment, circuit.h "Links", using one opening of
 * the model's budget). The outputs are public. The inputs are public by
 * default; with private_input they are hidden too: the prover commits the
 * input vector (hiding WHIR commitment of x_0 || x_1 || ... then >= 19 random
 * blinding entries (opened once: 3 * 1 + 16, circuit.h), padded to a power of two), puts that commitment in the
 * proof and links it to the circuit's input wires, so the statement becomes
 * "y_i = M_W(x_i) for the x committed in input commitment C_x" (its id,
 * SHA-256 of the commitment bytes, is reported for later stages to bind).
 *
 * Proof file (proof.h container, kind ZK_PROOF_INFER = 8):
 *   section 1 "statement": u32 version (1) | u32 batch | u64 input_size |
 *     u64 output_size | u32 flags (bit 0: private input) | 32-byte model
 *     commitment id | [private input: WHIR commitment of the input vector]
 *   section 2 "circuit proof": zk_cs_prove body.
 * The transcript context is "zkmlops-infer-v1" || the statement section
 * payload, so the proof is bound to the model commitment id, the shapes and
 * the input commitment; public inputs/outputs are the circuit's public wires
 * (inputs first, then outputs, example-major).
 */
#ifndef ZKMLOPS_INFER_H
#define ZKMLOPS_INFER_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/hash.h"
#include "zkmlops/model.h"
#include "zkmlops/r1cs.h"
#include "zkmlops/status.h"

#define ZK_INFER_MAX_BATCH 65536u

/* What a proof run measured / a verification found. */
typedef struct {
    uint32_t batch;
    uint64_t input_size, output_size; /* per example */
    int private_input;
    uint8_t model_id[ZK_HASH_BYTES];
    uint8_t input_com_id[ZK_HASH_BYTES]; /* private_input: SHA-256 of the input commitment bytes */
    uint32_t constraints, wires;
    size_t proof_bytes;
    zk_spartan_security sec;            /* verify: filled by zk_cs_verify; prove: computed estimate zeroed */
} zk_infer_info;

/* Prove `batch` inferences of p->model on in[batch * input_size] (fixed point
 * at the model's input scale). Writes out[batch * output_size] (output scale)
 * and appends the complete proof file to proof. Reserves one opening of the
 * model commitment (zk_model_reserve_opening: the caller must persist p to
 * its .zkm before publishing the proof). Returns ZK_OK, ZK_ERR_RANGE (an
 * activation outside the model's bounds, or the opening budget is used up),
 * ZK_ERR_INPUT, ZK_ERR_NOMEM. info may be NULL. */
int zk_infer_prove(zk_model_private *p, const int64_t *in, uint32_t batch, int private_input, int64_t *out,
                   zk_wbuf *proof, zk_infer_info *info) ZK_WARN_UNUSED;

/* Verify a proof file against the public model commitment, the claimed
 * outputs out[batch * output_size] and the inputs in[batch * input_size]:
 * in != NULL accepts only a public-input proof for exactly these inputs (a
 * private-input proof is then rejected: it says nothing about these values);
 * in = NULL accepts only a private-input proof (ZK_ERR_INPUT for a
 * public-input one: the inputs are needed). Returns ZK_OK, ZK_ERR_REJECT (the
 * proof is invalid for these values, is about a hidden input while inputs were
 * given, or was made for another model commitment; zk_last_error() says why)
 * or ZK_ERR_INPUT (malformed proof file, shapes that do not match the model). info (may be NULL) receives the
 * statement and security figures. */
int zk_infer_verify(const zk_model_commitment *c, const int64_t *in, const int64_t *out, uint32_t batch,
                    const uint8_t *proof, size_t proof_len, zk_infer_info *info) ZK_WARN_UNUSED;

/* Read only the statement of a proof file (batch, shapes, flags, ids). */
int zk_infer_proof_statement(const uint8_t *proof, size_t proof_len, zk_infer_info *info) ZK_WARN_UNUSED;

/* ---- JSON files ----
 * input.json (EZKL shape): {"input_data": [[x, x, ...], ...]} — every number
 * of every row, concatenated row-major, is one flat vector of batch *
 * input_size reals (so one row per example, or one long row, both work).
 * Optional "input_fixed": [[...]] gives the fixed-point integers directly
 * (then input_data is ignored). Reals become round(x * 2^scale), half away
 * from zero, and must satisfy |X| < 2^(bound_bits-1).
 * Loads *in (malloc'd, caller frees) and *batch. Errors name the file. */
int zk_infer_input_load(const char *path, uint64_t input_size, uint32_t scale, unsigned bound_bits, int64_t **in,
                        uint32_t *batch) ZK_WARN_UNUSED;
/* output.json: {"output_data": [[y/2^s, ...] per example], "output_fixed":
 * [[y, ...]], "scale": s, "model_commitment": hex, ["input_commitment": hex]}.
 * write: JSON text (malloc'd NUL-terminated string) or NULL on out of memory.
 * load: reads output_fixed (the exact claim), checks scale and that
 * output_data agrees with output_fixed / 2^scale (relative 1e-6), and fills
 * *out, *batch and, if present, the hex ids (model_id_hex/input_id_hex: 65
 * bytes each, "" when absent). */
char *zk_infer_output_json(const int64_t *out, uint32_t batch, uint64_t output_size, uint32_t scale,
                           const zk_infer_info *info);
int zk_infer_output_load(const char *path, uint64_t output_size, uint32_t scale, int64_t **out, uint32_t *batch,
                         char model_id_hex[65], char input_id_hex[65]) ZK_WARN_UNUSED;

#endif
