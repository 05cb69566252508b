/*
 * onnx.h — ONNX import into the model IR (model.h), a float reference
 * interpreter for that IR, and quantization (per-tensor fixed-point scales
 * chosen by calibration on sample inputs).
 *
 * Import (src/ml/onnx.c) decodes a .onnx file with protobuf-c (code generated
 * at build time from proto/onnx.proto, a subset of ONNX's onnx.proto) and
 * produces a zk_model whose parameter tensors hold float data (fdata; qdata is
 * NULL until zk_model_quantize). Every tensor gets a static shape; activation
 * tensors have the batch dimension first. Supported operators (default ONNX
 * domain, opsets 1..18): Gemm, MatMul, Add, Sub, Mul, Relu, LeakyRelu, Sigmoid,
 * Tanh, Conv (2-D), MaxPool, AveragePool, GlobalAveragePool,
 * BatchNormalization (folded), Flatten, Reshape, Transpose, Concat, Identity,
 * Dropout (as Identity), Constant, Pad (constant mode), Softmax. Anything else
 * is refused with ZK_ERR_INPUT and a message naming the operator, the node and
 * the opset. Hostile files (truncated, wrong wire types, absurd dimensions,
 * inconsistent data lengths) are refused with ZK_ERR_INPUT / ZK_ERR_NOMEM and
 * a message; every declared size is checked against the limits of model.h
 * before anything is allocated.
 *
 * IR produced (node attributes; see docs/onnx.md for the full table). Shapes
 * are stored in the tensors, so an op's output shape is never recomputed:
 *   Gemm        in {A, B, C?}: A activation [N, K]; B parameter [K, M]
 *               (ints[1] = transB = 0) or [M, K] (transB = 1); C parameter
 *               [M] (broadcast over rows). ints {transA = 0, transB};
 *               alpha and beta are folded into B and C, floats {1, 1}.
 *   MatMul      in {A, B}: A activation [N, ..., K], B parameter [K, M].
 *   Add/Sub/Mul in {x, y}: numpy broadcasting; either may be a parameter;
 *               a parameter never spans the batch dimension.
 *   Relu, Sigmoid, Tanh, Identity: one input. LeakyRelu: floats[0] = alpha.
 *   Conv        in {X [N,C,H,W], W [M, C/group, kh, kw], B? [M]};
 *               ints {stride_h, stride_w, pad_top, pad_left, pad_bottom,
 *               pad_right, dilation_h, dilation_w, group} (9).
 *   MaxPool     in {X [N,C,H,W]}; ints {kh, kw, stride_h, stride_w, pad_top,
 *               pad_left, pad_bottom, pad_right, dilation_h, dilation_w} (10).
 *   AveragePool in {X}; ints {kh, kw, stride_h, stride_w, pad_top, pad_left,
 *               pad_bottom, pad_right, count_include_pad} (9).
 *               ceil_mode = 1 becomes extra end padding (padded cells never
 *               win a max and are not counted by an average without
 *               count_include_pad; with it, ceil_mode is refused).
 *   GlobalAveragePool: in {X [N,C,H,W]} -> [N,C,1,1].
 *   BatchNormalization: folded into the preceding Conv/Gemm when that
 *               node's output has no other use and its parameters are not
 *               shared; otherwise a BATCHNORM node in {X [N,C,...], a [C],
 *               b [C]}: y = a[c] * x + b[c].
 *   Flatten, Reshape: in {X}; the output shape is in the output tensor
 *               (row-major order unchanged).
 *   Transpose   in {X}; ints = perm (perm[0] = 0), n_ints = rank.
 *   Concat      in {X_0, ..., X_k} (k < 8); ints[0] = axis (>= 1); a
 *               constant input enters through a CONSTANT node {P} whose
 *               output holds P's values for every example.
 *   Pad         in {X}; ints = pads (begin_0..begin_{r-1}, end_0..end_{r-1}),
 *               n_ints = 2 rank, batch pads 0; floats[0] = constant value.
 *   Softmax     in {X}; ints {axis = rank - 1, 0}; only as the final node
 *               (zk_model_run_fx proves it as the one-hot argmax); other axes
 *               and positions are refused at import.
 * Constant nodes and initializers become parameter tensors (only those some
 * node reads); Constant inputs consumed as attributes (Reshape shape, Pad
 * pads) do not.
 */
#ifndef ZKMLOPS_ONNX_H
#define ZKMLOPS_ONNX_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/model.h"
#include "zkmlops/status.h"

#define ZK_ONNX_MAX_FILE_BYTES ((size_t)256 << 20) /* .onnx files larger than this are refused */
#define ZK_ONNX_MAX_ACT_ELEMS ((uint64_t)1 << 24)  /* elements of one activation tensor (per example) */
#define ZK_ONNX_MAX_BIND 8u

/* A dense float tensor (for ONNX TensorProto files such as the backend test
 * data's input_0.pb / output_0.pb, and for binding extra graph inputs). */
typedef struct {
    char name[ZK_MODEL_MAX_NAME];
    uint32_t rank;
    int64_t dims[ZK_MODEL_MAX_RANK];
    uint64_t n;   /* product of dims */
    float *data;  /* n floats, row-major; owned */
} zk_ftensor;

void zk_ftensor_free(zk_ftensor *t);

/* Load a serialized ONNX TensorProto (.pb) as float (FLOAT, DOUBLE, INT32,
 * INT64, INT8, UINT8, INT16, UINT16, BOOL element types). ZK_OK, ZK_ERR_IO,
 * ZK_ERR_INPUT (malformed, unsupported type, inconsistent length), ZK_ERR_NOMEM.
 * Errors are prefixed with the path. */
int zk_ftensor_load(zk_ftensor *t, const char *path) ZK_WARN_UNUSED;

typedef struct {
    /* Batch size for a dynamic (symbolic or 0) first input dimension; 0 = 1. */
    uint32_t batch;
    /* 1: the whole graph input is one example: a batch dimension of 1 is
     * prepended to every activation (ONNX axes shift by one; Gemm becomes
     * [Transpose] MatMul [Add]). For graphs that mix their first dimension
     * (ONNX backend tests); Conv, pools and BatchNormalization are refused. */
    int single_example;
    /* Graph inputs after the first one, bound (in graph-input order) to these
     * constant tensors, which become parameter tensors (used by the backend
     * conformance runner for tests with several inputs). Not owned. */
    uint32_t n_bind;
    const zk_ftensor *bind;
    /* If not NULL: receives the distinct operator types of the graph, in
     * order of first use, comma-separated ("Conv,Relu,Gemm"), truncated to
     * ops_out_len - 1 characters; filled even when the import then fails. */
    char *ops_out;
    size_t ops_out_len;
} zk_onnx_options;

/* Import an ONNX model from memory / from a file. out is overwritten (zeroed
 * on failure; free with zk_model_free on success). opt may be NULL (defaults).
 * The model must have exactly one (non-initializer, unbound) input and one
 * output. Returns ZK_OK, ZK_ERR_INPUT (malformed file, unsupported operator or
 * attribute: "node 'n' (Op, opset k): ..."), ZK_ERR_NOMEM (limits), ZK_ERR_IO.
 * zk_onnx_load prefixes errors with the path. */
int zk_onnx_load_mem(zk_model *out, const uint8_t *buf, size_t len, const zk_onnx_options *opt) ZK_WARN_UNUSED;
int zk_onnx_load(zk_model *out, const char *path, const zk_onnx_options *opt) ZK_WARN_UNUSED;

/* Read an EZKL-style input file {"input_data": [[...], ...]}: all numbers,
 * flattened row-major, form batch = count / input_size examples (one inner
 * array per example, or one flat array holding the whole batch). *data is
 * malloc'd (batch * input_size floats; caller frees). ZK_OK, ZK_ERR_IO,
 * ZK_ERR_INPUT (not JSON, not numbers, count not a positive multiple of
 * input_size), ZK_ERR_NOMEM (more than 2^28 values / 2^20 examples). Errors
 * are prefixed with the path. (src/ml/input_json.c) */
int zk_model_input_json_load(const char *path, uint64_t input_size, float **data, uint32_t *batch) ZK_WARN_UNUSED;

/* ---- Float reference interpreter (src/ml/model_float.c) ----
 * Runs the IR in single-precision float arithmetic (double accumulators)
 * exactly as ONNX defines the operators, using parameter fdata. in[batch *
 * input_size], out[batch * output_size] (row-major, per example). Examples are
 * independent. ZK_OK, ZK_ERR_INPUT (a parameter without fdata, unknown op),
 * ZK_ERR_NOMEM. If trace != NULL it receives, per tensor index, the largest
 * absolute value seen (activations and parameters), for calibration. */
int zk_model_run_float(const zk_model *m, const float *in, uint32_t batch, float *out, double *trace) ZK_WARN_UNUSED;

/* ---- Quantization (src/ml/quantize.c) ---- */
typedef struct {
    uint32_t act_scale;     /* scale bits of every activation; 0 = choose by calibration (<= 16) */
    uint32_t weight_bits;   /* signed bits of multiplicative weights (Gemm/MatMul/Conv/Mul), default 16 */
    uint32_t max_scale;     /* cap on any scale, default 16 */
    uint32_t act_bits;      /* model act_bits to set (bound on activations incl. products), default 40 */
} zk_quant_options;

typedef struct {
    uint32_t act_scale;          /* chosen activation scale */
    double max_abs_act;          /* largest |activation| over the calibration inputs (float run) */
    uint32_t n_examples;
    uint64_t n_outputs;          /* examples * output_size */
    double max_abs_err;          /* max |float - dequantized fixed-point| over all outputs */
    double mean_abs_err;
    double max_abs_out;          /* max |float output| */
    uint32_t argmax_agree;       /* examples whose argmax (or, 1 output: sign at 0.5 for sigmoid
                                  * outputs / 0 otherwise) agrees between float and fixed point */
    int fx_ok;                   /* 1 if the fixed-point run succeeded on every example */
    char fx_error[160];          /* the error otherwise */
} zk_quant_report;

/* Choose scales and fill qdata (round half away from zero of fdata * 2^scale)
 * for every parameter tensor; set every activation scale and m->act_bits.
 * calib[n_calib * input_size] (may be NULL with n_calib = 0 when
 * opt->act_scale is given). Multiplicative weights get their own scale
 * (largest s <= max_scale with |w| * 2^s < 2^(weight_bits-1)); additive
 * parameters (biases, Add/Sub constants, BatchNorm shift) take the activation
 * scale of the node's output. ZK_OK, ZK_ERR_INPUT, ZK_ERR_RANGE (a value does
 * not fit), ZK_ERR_NOMEM. */
int zk_model_quantize(zk_model *m, const zk_quant_options *opt, const float *calib, uint32_t n_calib,
                      zk_quant_report *rep) ZK_WARN_UNUSED;

/* Compare the float interpreter with zk_model_run_fx on n examples: fills the
 * error/agreement fields of rep. float_out / fx_out, if not NULL, receive the
 * n * output_size outputs (fx_out dequantized). ZK_OK, ZK_ERR_NOMEM,
 * ZK_ERR_INPUT. A failing fixed-point run is reported in rep (fx_ok = 0), not
 * as an error. */
int zk_model_compare(const zk_model *m, const float *in, uint32_t n, zk_quant_report *rep, float *float_out,
                     float *fx_out) ZK_WARN_UNUSED;

#endif
