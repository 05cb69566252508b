/*
 * model.h — quantized ML models: a small graph IR (imported from ONNX by
 * onnx.h, or built by training), its exact fixed-point semantics, the model
 * commitment (one model, one commitment: training outputs it, inference,
 * evaluation and monitoring prove against it) and the inference circuit.
 *
 * Tensors: row-major, at most ZK_MODEL_MAX_RANK dims. Every tensor has a
 * fixed-point scale s (value = X / 2^s). Parameter tensors (weights, biases,
 * constants) hold float data (fdata, from ONNX; may be NULL for models built
 * from integers) and quantized data (qdata, int64 at the tensor's scale).
 * Activation tensors (inputs, intermediates, outputs) have shapes with the
 * batch dimension first and data = NULL.
 *
 * Fixed-point semantics (docs/model.md): products of scales s_a, s_b are
 * rescaled back to the output scale with zk_fx_rescale (circuit.h); every
 * rescale is proved (quotient + range-checked remainder). zk_model_run_fx is
 * the plain reference the circuit is tested against.
 *
 * Committed weight vector (public layout): the qdata of every parameter tensor
 * in tensor order, row-major, concatenated; then random blinding field
 * elements up to 2^log_len entries, with at least ZK_MODEL_BLIND_FOR(N) of
 * them, N the commitment's opening budget (chosen at commit time, recorded in
 * the commitment). Hiding WHIR commitment (zk_whir_params_derive_budget(log_len,
 * N)). Each proof that uses the model (inference, eval, monitoring window)
 * links the weight vector once (circuit.h), using one opening of the budget.
 */
#ifndef ZKMLOPS_MODEL_H
#define ZKMLOPS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/circuit.h"
#include "zkmlops/hash.h"
#include "zkmlops/status.h"
#include "zkmlops/whir.h"

#define ZK_MODEL_MAX_RANK 6u
#define ZK_MODEL_MAX_TENSORS 4096u
#define ZK_MODEL_MAX_NODES 2048u
#define ZK_MODEL_MAX_PARAMS ((uint64_t)1 << 24)
#define ZK_MODEL_MAX_NAME 128u
#define ZK_MODEL_MAX_INPUTS 8u   /* per node */
#define ZK_MODEL_MAX_ATTRS 16u   /* integer attributes per node */
/* Opening budget of a model commitment: the number N of zero-knowledge
 * openings (proofs that link the weights) it allows, chosen at commit time
 * (zk_model_commit_budget; `zkmlops model commit --openings N`), 1..
 * ZK_MODEL_MAX_OPENINGS, default ZK_MODEL_DEFAULT_OPENINGS (the dataset
 * default, ZK_DATASET_OPENING_BUDGET). The budget sizes the commitment: K
 * zero-knowledge openings reveal 3K linear functionals of the vector
 * (circuit.h, "Zero knowledge of linked vectors"), hidden only while
 * 3K + 16 <= the number of blinding entries, so the vector carries at least
 * ZK_MODEL_BLIND_FOR(N) = 3N + 16 of them, and the WHIR mask must absorb N
 * openings (zk_whir_params_derive_budget). Larger N: larger vector and mask,
 * slower commit and proofs (docs/model.md). */
#define ZK_MODEL_DEFAULT_OPENINGS 64u
#define ZK_MODEL_MAX_OPENINGS 4096u
#define ZK_MODEL_BLIND_MARGIN 16u
#define ZK_MODEL_BLIND_FOR(n) (3u * (uint64_t)(n) + ZK_MODEL_BLIND_MARGIN)
#define ZK_MODEL_DEFAULT_SCALE 12u

typedef enum {
    ZK_OP_GEMM = 1,         /* Y = A * B (+ C); ints: transA, transB; floats: alpha, beta (must quantize) */
    ZK_OP_MATMUL,
    ZK_OP_ADD,
    ZK_OP_SUB,
    ZK_OP_MUL,
    ZK_OP_RELU,
    ZK_OP_LEAKY_RELU,       /* floats[0] = alpha */
    ZK_OP_SIGMOID,          /* zk_fx_sigmoid */
    ZK_OP_TANH,             /* 2 sigmoid(2x) - 1 */
    ZK_OP_CONV,             /* 2-D; ints: strides, pads, dilations, group */
    ZK_OP_MAXPOOL,
    ZK_OP_AVGPOOL,
    ZK_OP_GLOBAL_AVGPOOL,
    ZK_OP_BATCHNORM,        /* folded into a per-channel affine map at import */
    ZK_OP_FLATTEN,
    ZK_OP_RESHAPE,
    ZK_OP_TRANSPOSE,
    ZK_OP_CONCAT,
    ZK_OP_IDENTITY,
    ZK_OP_CONSTANT,
    ZK_OP_PAD,
    ZK_OP_SOFTMAX,          /* proved as argmax of the logits where it is the final node */
    ZK_OP_ARGMAX,
    ZK_OP_COUNT_
} zk_op;

/* Name of an op ("Gemm", ...). */
const char *zk_op_name(zk_op op);

typedef struct {
    char name[ZK_MODEL_MAX_NAME];
    uint32_t rank;
    int64_t dims[ZK_MODEL_MAX_RANK]; /* activations: dims[0] is the batch (1 unless batched) */
    uint32_t scale;                  /* fixed-point scale bits */
    int is_param;                    /* 1: weight/bias/constant, part of the commitment */
    float *fdata;                    /* params: float values (may be NULL); owned */
    int64_t *qdata;                  /* params: quantized values; owned */
} zk_tensor;

typedef struct {
    zk_op op;
    char name[ZK_MODEL_MAX_NAME];
    uint32_t n_in, n_out;
    uint32_t in[ZK_MODEL_MAX_INPUTS]; /* tensor indices */
    uint32_t out[2];
    int64_t ints[ZK_MODEL_MAX_ATTRS]; /* op-specific (see zk_op comments and docs/model.md) */
    uint32_t n_ints;
    float floats[4];
} zk_node;

typedef struct {
    uint32_t n_tensors, n_nodes;
    zk_tensor *tensors; /* owned */
    zk_node *nodes;     /* owned, topological order */
    uint32_t input;     /* tensor index of the graph input */
    uint32_t output;    /* tensor index of the graph output */
    uint32_t act_bits;  /* bound on every activation (signed bits), default 40 */
} zk_model;

/* Free everything m owns (parameter data is wiped) and zero *m. NULL is fine. */
void zk_model_free(zk_model *m);
/* Deep copy; with_data = 0 copies the architecture only (parameter fdata and
 * qdata NULL). ZK_OK or ZK_ERR_NOMEM (dst zeroed). */
int zk_model_copy(zk_model *dst, const zk_model *src, int with_data) ZK_WARN_UNUSED;
/* Structural validation (not op semantics, which zk_model_run_fx and
 * zk_model_circuit check per node): counts and indices within the limits,
 * ranks 0..ZK_MODEL_MAX_RANK (activations >= 1), dims 1..2^24, scales <= 40,
 * act_bits 8..60, names NUL-terminated, nodes in topological order with every
 * activation produced once, input/output activations. need_data = 1 also
 * requires qdata on every parameter with |q| < 2^62. ZK_OK or ZK_ERR_INPUT
 * (ZK_ERR_RANGE for a parameter value) naming the tensor or node. */
int zk_model_validate(const zk_model *m, int need_data) ZK_WARN_UNUSED;
/* Elements of a tensor (all dims), and per example (params: all dims;
 * activations: dims after the batch dim). */
uint64_t zk_tensor_numel(const zk_tensor *t);
uint64_t zk_tensor_example_size(const zk_tensor *t);
/* Offset of parameter tensor `tensor` in the committed weight vector (the sum
 * of the element counts of the parameter tensors before it). */
uint64_t zk_model_param_offset(const zk_model *m, uint32_t tensor);

/* A dense network built from integers (training): layer l maps dims[l] ->
 * dims[l+1] with weight W_l (dims[l+1] x dims[l], row-major, scale `scale`)
 * and bias b_l (dims[l+1], scale `scale`), then activation act[l] (ZK_OP_RELU,
 * ZK_OP_SIGMOID or ZK_OP_IDENTITY for none). Input and output at scale `scale`.
 * Tensor order (hence commitment order): W_0, b_0, W_1, b_1, ...
 * Returns ZK_OK, ZK_ERR_INPUT (bad shape), ZK_ERR_NOMEM. */
int zk_model_dense(zk_model *m, uint32_t n_layers, const uint32_t *dims, const zk_op *act, uint32_t scale,
                   const int64_t *const *weights, const int64_t *const *biases) ZK_WARN_UNUSED;

/* Total number of quantized parameters (the committed data entries). */
uint64_t zk_model_n_params(const zk_model *m);
/* Input/output elements per example (product of dims after the batch dim). */
uint64_t zk_model_input_size(const zk_model *m);
uint64_t zk_model_output_size(const zk_model *m);

/* Plain fixed-point inference on a batch: in[batch * input_size] at the input
 * scale, out[batch * output_size] at the output scale. ZK_OK, ZK_ERR_RANGE
 * (an activation exceeds act_bits), ZK_ERR_INPUT. */
int zk_model_run_fx(const zk_model *m, const int64_t *in, uint32_t batch, int64_t *out) ZK_WARN_UNUSED;

/* Public architecture encoding (everything except the parameter values: ops,
 * attributes, shapes, scales, names) and its SHA-256 (the "architecture
 * digest", part of the commitment). */
void zk_model_arch_write(zk_wbuf *w, const zk_model *m);
/* Parse an architecture (parameter tensors get qdata = NULL). */
int zk_model_arch_read(zk_rbuf *r, zk_model *m) ZK_WARN_UNUSED;
/* SHA-256 of zk_model_arch_write's bytes. ZK_OK or ZK_ERR_NOMEM. */
int zk_model_arch_digest(uint8_t out[ZK_HASH_BYTES], const zk_model *m) ZK_WARN_UNUSED;

/* ---- Commitment ---- */
typedef struct {
    zk_model arch;           /* architecture only (param qdata NULL) */
    uint64_t n_params;
    uint32_t log_len;        /* committed vector has 2^log_len entries: the least with
                              * 2^log_len >= n_params + ZK_MODEL_BLIND_FOR(opening_budget) */
    uint32_t opening_budget; /* N, 1..ZK_MODEL_MAX_OPENINGS: zero-knowledge openings allowed */
    zk_whir_commitment whir; /* params = zk_whir_params_derive_budget(log_len, opening_budget) */
} zk_model_commitment;

typedef struct {
    zk_model_commitment com;
    zk_model model;          /* with qdata */
    zk_whir_witness wit;     /* evals = params then blinding */
    uint32_t openings_used;
} zk_model_private;

/* Commit m (validated with its data; fresh blinding from the OS CSPRNG,
 * hiding WHIR) for `openings` zero-knowledge openings, 1..ZK_MODEL_MAX_OPENINGS:
 * weight vector of 2^log_len entries, log_len the least with 2^log_len >=
 * n_params + 3 * openings + 16, WHIR parameters
 * zk_whir_params_derive_budget(log_len, openings); *out owns everything
 * (zk_model_private_free). ZK_OK, ZK_ERR_INPUT (invalid model, openings out of
 * range, vector beyond 2^(ZK_WHIR_MAX_VARS-1) entries), ZK_ERR_NOMEM; on error
 * *out is zeroed. */
int zk_model_commit_budget(zk_model_private *out, const zk_model *m, uint32_t openings) ZK_WARN_UNUSED;
/* zk_model_commit_budget with ZK_MODEL_DEFAULT_OPENINGS. */
int zk_model_commit(zk_model_private *out, const zk_model *m) ZK_WARN_UNUSED;
/* Reserve one zero-knowledge opening of the weight commitment before a proof
 * that links it: ZK_OK (counter incremented; persist the .zkm before
 * publishing the proof), or ZK_ERR_RANGE when the budget is exhausted: the
 * smallest of the recorded opening_budget N, zk_whir_hiding_opening_budget(params)
 * and (blinding entries - ZK_MODEL_BLIND_MARGIN) / 3 (for a commitment made or
 * loaded here the last two are >= N, so this is N).
 * openings_left: what remains of that budget. */
int zk_model_reserve_opening(zk_model_private *p) ZK_WARN_UNUSED;
uint64_t zk_model_openings_left(const zk_model_private *p);
void zk_model_commitment_free(zk_model_commitment *c);
void zk_model_private_free(zk_model_private *p);
/* Files: model.com (public) and model.zkm (private), format version 2 (records
 * the opening budget; docs/model.md). Every length checked; the reader
 * requires 1 <= budget <= ZK_MODEL_MAX_OPENINGS, log_len the least for
 * n_params and the budget, and WHIR parameters equal to
 * zk_whir_params_derive_budget(log_len, budget) (which meet 128 bits);
 * version-1 files (fixed 256-opening budget, no budget field) are refused with
 * a message asking to recommit. ZK_ERR_INPUT on any mismatch; load errors are
 * prefixed with the path. */
void zk_model_commitment_write(zk_wbuf *w, const zk_model_commitment *c);
int zk_model_commitment_read(zk_rbuf *r, zk_model_commitment *c) ZK_WARN_UNUSED;
int zk_model_commitment_load(const char *path, zk_model_commitment *c) ZK_WARN_UNUSED;
void zk_model_private_write(zk_wbuf *w, const zk_model_private *p);
int zk_model_private_read(zk_rbuf *r, zk_model_private *p) ZK_WARN_UNUSED;
int zk_model_private_load(const char *path, zk_model_private *p) ZK_WARN_UNUSED;
/* Write model.com (if com_path) and model.zkm (if zkm_path), each atomically.
 * ZK_OK, ZK_ERR_IO, ZK_ERR_NOMEM. */
int zk_model_private_save(const char *zkm_path, const char *com_path, const zk_model_private *p) ZK_WARN_UNUSED;
/* Commitment id: SHA-256 of the .com encoding. */
int zk_model_commitment_id(uint8_t id[ZK_HASH_BYTES], const zk_model_commitment *c) ZK_WARN_UNUSED;

/* ---- Inference circuit ----
 * Build the constraints of `batch` inferences of model m (prover: m has qdata;
 * verifier: the commitment's arch) into cs. weights_first_wire: the segment
 * holding the committed vector (zk_cs_segment with log_len; link it to the
 * commitment). in_wires[batch * input_size] are the input wires (public or
 * private, at the input scale); out_wires[batch * output_size] receives the
 * output wires (at the output scale). Returns ZK_OK or the cs's error
 * (ZK_ERR_INPUT names an unsupported op and node). */
int zk_model_circuit(zk_cs *cs, const zk_model *m, uint32_t weights_first_wire, const uint32_t *in_wires,
                     uint32_t batch, uint32_t *out_wires) ZK_WARN_UNUSED;
/* The same, for callers that know the public input values (in_values[batch *
 * input_size], or NULL). Since matrix products are proved natively
 * (zk_cs_matmul: no constraint per product, with a public or a private
 * input) the circuit no longer depends on them; the parameter is kept so
 * that existing callers compile, and is ignored. */
int zk_model_circuit_public_input(zk_cs *cs, const zk_model *m, uint32_t weights_first_wire,
                                  const uint32_t *in_wires, const int64_t *in_values, uint32_t batch,
                                  uint32_t *out_wires) ZK_WARN_UNUSED;

#endif
