/*
 * train.h — proofs of training: the committed model weights are exactly what
 * the declared fixed-point training (logistic regression or a one-hidden-layer
 * ReLU MLP, full-batch or mini-batch SGD) produces from a committed training
 * set. Exact integer semantics: docs/training.md (the plain reference
 * zk_train_run_fx below *is* the specification; the circuit is tested against it).
 *
 * Training set: a dataset commitment (dataset.h) whose columns are the
 * features (every column but the last, in order, at scale 2^s) and the label
 * (the last column, named spec.label, normally 0 or 2^s). Rows are used in
 * order; mini-batch t of an epoch is rows [tB, min(n, (t+1)B)).
 *
 * Parameters (the "parameter vector", in model.h commitment order, i.e. the
 * tensors of zk_model_dense: W_0, b_0, W_1, b_1), all integers at scale s:
 *   logreg (d inputs):        w[0..d) (W_0, 1 x d), b (b_0)        d + 1 entries
 *   mlp (d inputs, h hidden): W[k][j] (W_0, h x d, row-major), c[0..h) (b_0),
 *                             v[0..h) (W_1, 1 x h), b (b_1)       h d + 2 h + 1
 *
 * Proof (zk_train_prove): the epochs are split into chunks of
 * spec.epochs_per_chunk; each chunk is one circuit.h proof that links (one
 * zero-knowledge opening each) the training-set commitment, the weights
 * entering the chunk (a model commitment; for chunk 0 the public initial
 * weights are constants of the circuit) and the weights leaving it (a fresh
 * intermediate model commitment carried in the proof file, or for the last
 * chunk the final model commitment, zk_model_commit). The verifier checks the
 * whole chain. Proof file: proof.h kind ZK_PROOF_TRAIN, layout in
 * docs/training.md.
 */
#ifndef ZKMLOPS_TRAIN_H
#define ZKMLOPS_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/circuit.h"
#include "zkmlops/dataset.h"
#include "zkmlops/hash.h"
#include "zkmlops/model.h"
#include "zkmlops/status.h"

#define ZK_TRAIN_MAX_NAME 256u
#define ZK_TRAIN_MAX_EPOCHS 10000u
#define ZK_TRAIN_MAX_HIDDEN 1024u
#define ZK_TRAIN_MAX_CHUNKS 64u
/* Upper bound on the (estimated) constraints of one chunk proof; larger
 * chunks are refused before any circuit is built (prover and verifier). */
#define ZK_TRAIN_MAX_CHUNK_CONSTRAINTS ((uint64_t)1 << 24)
#define ZK_TRAIN_MIN_SCALE 5u
#define ZK_TRAIN_MAX_SCALE 16u
/* Worst-case magnitude (bits) any intermediate integer may reach: keeps the
 * field arithmetic (p ~ 2^64) equal to the integer arithmetic. */
#define ZK_TRAIN_MAX_MAG_BITS 62u

typedef enum { ZK_TRAIN_LOGREG = 1, ZK_TRAIN_MLP = 2 } zk_train_kind;

/* A training specification (the public "train.json"). */
typedef struct {
    zk_train_kind kind;
    uint32_t hidden;           /* MLP hidden units h (0 for logreg) */
    uint32_t epochs;           /* >= 1 */
    uint32_t batch_size;       /* rows per SGD step; 0 = full batch */
    int64_t lr;                /* learning rate at scale 2^scale, in [1, 2^(scale+4)] */
    uint32_t scale;            /* scale bits s of data, weights and activations (5..16) */
    int init_zero;             /* 1: every initial parameter is 0; 0: from seed */
    uint64_t seed;             /* initial weights (zk_train_init) */
    int64_t init_range;        /* seed init: W entries uniform in [-init_range, init_range]; biases 0 */
    uint32_t act_bits;         /* every pre-activation z satisfies |z| < 2^(act_bits-1) (scale-s units);
                                  scale+6 <= act_bits <= 40 */
    uint32_t step_bits;        /* every parameter update |dw| < 2^(step_bits-1) */
    uint32_t data_bits;        /* every feature |x| < 2^(data_bits-1) (proved in chunk 0 unless the
                                  commitment's range proof is already that tight) */
    uint32_t epochs_per_chunk; /* epochs per chunk proof; 0 = all epochs in one proof */
    char label[ZK_TRAIN_MAX_NAME]; /* label column name (the last column) */
} zk_train_spec;

/* Defaults: logreg, full batch, 50 epochs, lr = 0.5, scale 12, zero init,
 * act_bits 20, step_bits 20, data_bits 18, label "label", epochs_per_chunk 0. */
void zk_train_spec_default(zk_train_spec *s);
/* Parse a JSON spec (len bytes; `path` names the file in messages). Keys
 * (docs/training.md): "format": "zkmlops-train/v1", "model": "logreg"|"mlp",
 * "hidden", "epochs", "batch_size", "learning_rate_fixed", "scale",
 * "init": "zero"|"seed", "seed", "init_range_fixed", "act_bits",
 * "step_bits", "data_bits", "epochs_per_chunk", "label". Unknown keys are an error.
 * ZK_OK or ZK_ERR_INPUT ("<path>: <problem>"). */
int zk_train_spec_parse(zk_train_spec *s, const char *path, const char *json, size_t len) ZK_WARN_UNUSED;
/* Check ranges (ZK_ERR_INPUT naming the field). */
int zk_train_spec_check(const zk_train_spec *s) ZK_WARN_UNUSED;
/* Canonical binary encoding of every field (bound into the proof context). */
void zk_train_spec_encode(zk_wbuf *w, const zk_train_spec *s);

/* Number of parameters for d inputs (see the layout above). */
uint32_t zk_train_n_params(const zk_train_spec *s, uint32_t d);
/* SGD steps per epoch for n rows. */
uint32_t zk_train_steps_per_epoch(const zk_train_spec *s, uint32_t n);
/* Number of chunk proofs and the epochs [*begin, *end) of chunk c. */
uint32_t zk_train_n_chunks(const zk_train_spec *s);
void zk_train_chunk_epochs(const zk_train_spec *s, uint32_t c, uint32_t *begin, uint32_t *end);

/* Initial parameters (params[zk_train_n_params]): zero, or weights
 * W_l entries uniform in [-init_range, init_range] from splitmix64(seed)
 * (u mod (2 init_range + 1) - init_range, in parameter order), biases 0. */
void zk_train_init(const zk_train_spec *s, uint32_t d, int64_t *params);

/* Check that no intermediate can exceed ZK_TRAIN_MAX_MAG_BITS for n rows of
 * d features with |x| < 2^(data_bits-1) and labels in {0, 2^s} (both proved).
 * ZK_OK or ZK_ERR_RANGE naming the quantity. */
int zk_train_check_bounds(const zk_train_spec *s, uint32_t n, uint32_t d) ZK_WARN_UNUSED;

/* Plain integer reference trainer (the specification). x: n rows x d
 * features, row-major, scale s; y: n labels at scale s. Runs epochs
 * [epoch_begin, epoch_end) updating params in place. ZK_OK, or ZK_ERR_RANGE
 * when a pre-activation or update leaves its declared bits (message names
 * epoch, row and quantity; params are then unspecified). */
int zk_train_run_fx(const zk_train_spec *s, const int64_t *x, const int64_t *y, uint32_t n, uint32_t d,
                    uint32_t epoch_begin, uint32_t epoch_end, int64_t *params) ZK_WARN_UNUSED;
/* Fixed-point prediction: probability at scale s for each of n rows. */
int zk_train_predict_fx(const zk_train_spec *s, const int64_t *params, const int64_t *x, uint32_t n, uint32_t d,
                        int64_t *prob) ZK_WARN_UNUSED;

/* Float (double) reference trainer: same algorithm (same batches, same
 * update rule, same initial parameters divided by 2^s, ReLU'(0) = 1) with the
 * exact logistic sigmoid 1/(1+e^-z) and no rounding. x: n x d doubles, y in
 * {0,1}. params (zk_train_n_params doubles) in/out. */
void zk_train_run_float(const zk_train_spec *s, const double *x, const double *y, uint32_t n, uint32_t d,
                        double *params);
void zk_train_predict_float(const zk_train_spec *s, const double *params, const double *x, uint32_t n, uint32_t d,
                            double *prob);

/* The trained model as a model.h dense network (logreg: d -> 1 sigmoid; mlp:
 * d -> h ReLU -> 1 sigmoid), scale s, from the parameter vector. */
int zk_train_to_model(zk_model *m, const zk_train_spec *s, uint32_t d, const int64_t *params) ZK_WARN_UNUSED;

/* ---- Circuit ----
 * Constraints of epochs [epoch_begin, epoch_end) into cs. Data cell (i, j)
 * (j = d is the label) is wire data_wire + i + (j << log_rows) (a linked
 * dataset segment). w_in[n_params]: wires of the parameters entering the
 * chunk; w_out[n_params] receives the wires of the parameters leaving it.
 * Prover mode: the values must be the honest ones (ZK_ERR_RANGE as
 * zk_train_run_fx). Returns ZK_OK or the cs's error. */
int zk_train_circuit(zk_cs *cs, const zk_train_spec *s, uint32_t n, uint32_t d, uint32_t log_rows,
                     uint32_t data_wire, uint32_t epoch_begin, uint32_t epoch_end, const uint32_t *w_in,
                     uint32_t *w_out) ZK_WARN_UNUSED;

/* ---- Prove / verify ---- */
typedef struct {
    uint32_t n_chunks;
    uint64_t constraints;     /* total over chunks */
    uint64_t max_chunk_constraints;
    uint64_t proof_bytes;
    double seconds;           /* prove or verify wall time (total) */
    double circuit_seconds;   /* of which building the chunk circuits (with the witness when proving) */
    double security_bits;     /* min over chunks */
} zk_train_report;

/* Train (zk_train_run_fx on the dataset's private table), commit the final
 * model (zk_model_commit into *model_out) and prove the chain of chunks.
 * spec_digest: SHA-256 of the spec file bytes (bound into every chunk's
 * context with the canonical spec encoding, the training-set commitment id
 * and the model commitment id). Reserves one dataset opening per chunk (the
 * caller saves the .zkd) and one model opening. Appends a complete proof
 * file (header included) to proof. ZK_OK, ZK_ERR_INPUT (spec inconsistent
 * with the dataset), ZK_ERR_RANGE (overflow, opening budget), ZK_ERR_NOMEM. */
int zk_train_prove(const zk_train_spec *s, const uint8_t spec_digest[ZK_HASH_BYTES], zk_dataset_private *data,
                   zk_model_private *model_out, zk_wbuf *proof, zk_train_report *rep) ZK_WARN_UNUSED;
/* Verify a proof file against the spec, the training-set commitment and the
 * model commitment. ZK_OK, ZK_ERR_REJECT (message names the chunk and
 * check), ZK_ERR_INPUT (malformed, or spec inconsistent with the
 * commitments). */
int zk_train_verify(const zk_train_spec *s, const uint8_t spec_digest[ZK_HASH_BYTES],
                    const zk_dataset_commitment *data, const zk_model_commitment *model, const uint8_t *proof,
                    size_t proof_len, zk_train_report *rep) ZK_WARN_UNUSED;

#endif
