/*
 * metrics.h — offline evaluation of a committed model on a committed test set,
 * proved in zero knowledge (proof kind ZK_PROOF_EVAL, `zkmlops eval`).
 *
 * Statement (docs/metrics.md): for the model whose weights are committed in
 * model.com and the rows committed in test.com, running the model's exact
 * fixed-point inference (model.h, zk_model_circuit) on every test row and
 * taking its predicted class gives these confusion counts (and per-group
 * counts over a sensitive attribute) — or, in claims mode, only that each
 * declared threshold claim ("accuracy >= 0.95") holds. Neither test rows nor
 * weights are revealed: both are linked (circuit.h) to their hiding
 * commitments, one zero-knowledge opening of each per proof.
 *
 * Predicted class from the model output vector (output_size K, scale s):
 *   K == 1, final node Sigmoid:  class 1 iff out >= 2^(s-1)   (probability >= 0.5)
 *   K == 1, otherwise (a logit): class 1 iff out >= 0
 *   K >= 2:                      argmax (first index on ties) — classes 0..K-1
 * Label column: each value must be c * 2^scale_bits for a class c in
 * [0, n_classes) (n_classes = 2 when K == 1, else K); the circuit proves it.
 * Binary metrics (TP, FP, TN, FN, precision, recall, F1) are one-vs-rest for
 * the spec's positive class.
 *
 * Metric spec JSON (docs/metrics.md):
 *   { "label": "benign", "positive_class": 1,
 *     "features": ["f1", ...]                       (optional; default: every
 *                                                    column except the label, in order),
 *     "sensitive": {"column": "sex", "split_at": 0.0, "groups": ["sex=1", "sex=2"]}
 *                                                   (optional; group 0: value < split_at,
 *                                                    group 1: value >= split_at, in the
 *                                                    committed (e.g. standardized) units),
 *     "claims": [{"metric": "accuracy", "at_least": 0.95}, ...] (optional; with claims
 *                                                    the proof reveals only the claims) }
 * metric names: accuracy, precision, recall, f1 (at_least or at_most), and
 * demographic_parity_difference, equal_opportunity_difference (at_most, on the
 * absolute difference group 1 minus group 0). Thresholds are decimals in
 * [0, 1] with at most 6 fractional digits (exact rationals num / 10^k).
 */
#ifndef ZKMLOPS_METRICS_H
#define ZKMLOPS_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/dataset.h"
#include "zkmlops/hash.h"
#include "zkmlops/model.h"
#include "zkmlops/r1cs.h"
#include "zkmlops/status.h"

#define ZK_METRICS_MAX_CLAIMS 16u
#define ZK_METRICS_MAX_CLASSES 1024u
#define ZK_METRICS_MAX_NAME 256u
#define ZK_METRICS_MAX_GROUP_NAME 64u

typedef enum {
    ZK_METRIC_ACCURACY = 0,
    ZK_METRIC_PRECISION,
    ZK_METRIC_RECALL,
    ZK_METRIC_F1,
    ZK_METRIC_DP_DIFF, /* |P(pred=+ | g=1) - P(pred=+ | g=0)| */
    ZK_METRIC_EO_DIFF, /* |P(pred=+ | y=+, g=1) - P(pred=+ | y=+, g=0)| */
    ZK_METRIC_COUNT_
} zk_metric_id;

/* "accuracy", ... */
const char *zk_metric_name(zk_metric_id m);

typedef struct {
    zk_metric_id metric;
    int at_least;  /* 1: metric >= num/den; 0: metric <= num/den */
    int64_t num;   /* threshold num / den, 0 <= num <= den, den = 10^k, k <= 6 */
    int64_t den;
} zk_metric_claim;

/* A parsed, resolved metric spec (columns resolved against a dataset). */
typedef struct {
    char label[ZK_METRICS_MAX_NAME];
    uint32_t label_col;          /* column index in the committed table */
    uint32_t positive_class;
    uint32_t n_features;
    uint32_t *feature_cols;      /* owned; n_features column indices (model input order) */
    int has_sensitive;
    char sensitive[ZK_METRICS_MAX_NAME];
    uint32_t sensitive_col;
    int64_t split_fixed;         /* split_at * 2^scale_bits, rounded half away from zero */
    char groups[2][ZK_METRICS_MAX_GROUP_NAME];
    uint32_t n_claims;
    zk_metric_claim claims[ZK_METRICS_MAX_CLAIMS];
} zk_metrics_spec;

/* Parse a metric spec (text, len bytes, named path in messages) and resolve
 * its columns against the dataset meta. A column that does not exist, a
 * feature count different from the model's input size, or an unknown metric is
 * ZK_ERR_INPUT with a message naming the file and the problem. model_arch may
 * be NULL (skip the input-size check). Free with zk_metrics_spec_free. */
int zk_metrics_spec_parse(zk_metrics_spec *spec, const char *path, const char *text, size_t len,
                          const zk_dataset_meta *meta, const zk_model *model_arch) ZK_WARN_UNUSED;
int zk_metrics_spec_load(zk_metrics_spec *spec, const char *path, const zk_dataset_meta *meta,
                         const zk_model *model_arch) ZK_WARN_UNUSED;
void zk_metrics_spec_free(zk_metrics_spec *spec);
/* Canonical binary encoding of the resolved spec (bound into the proof transcript). */
void zk_metrics_spec_write(zk_wbuf *w, const zk_metrics_spec *spec);

/* Proved counts (exact integers). Group arrays are used when has_sensitive. */
typedef struct {
    uint64_t n;          /* rows */
    uint64_t correct;    /* predicted class == label class */
    uint64_t tp, fp, tn, fn; /* one-vs-rest for the positive class */
    uint64_t g_n[2], g_pred_pos[2], g_label_pos[2], g_tp[2];
} zk_metrics_counts;

/* Prediction rule of a model (see the header comment). */
typedef enum { ZK_PRED_SIGMOID = 1, ZK_PRED_LOGIT, ZK_PRED_ARGMAX } zk_pred_rule;
zk_pred_rule zk_metrics_pred_rule(const zk_model *m);
uint32_t zk_metrics_n_classes(const zk_model *m);
/* Predicted class of one output vector out[0..K) at the model's output scale. */
uint32_t zk_metrics_predict(const zk_model *m, const int64_t *out);

/* Plain reference: counts from predicted classes pred[n], label classes
 * label[n] and group bits group[n] (NULL without a sensitive attribute). */
void zk_metrics_count(zk_metrics_counts *c, const uint32_t *pred, const uint32_t *label, const uint8_t *group,
                      size_t n, uint32_t positive_class);

/* Run the model (zk_model_run_fx) on every committed test row and count.
 * ZK_ERR_INPUT if a label is not a class index (message names the row). */
int zk_metrics_compute(zk_metrics_counts *c, const zk_model *m, const zk_dataset_private *data,
                       const zk_metrics_spec *spec) ZK_WARN_UNUSED;

/* Whether a claim holds for the counts (exact rational comparison). A metric
 * with a zero denominator (e.g. precision without predicted positives)
 * never holds. */
int zk_metrics_claim_holds(const zk_metric_claim *cl, const zk_metrics_counts *c);
/* Metric value as an exact fraction num/den (reduced; den 0 = undefined).
 * DP/EO differences are signed (group 1 minus group 0). */
void zk_metrics_fraction(zk_metric_id m, const zk_metrics_counts *c, int64_t *num, int64_t *den);

/* ---- Proof ----
 * claims_only = spec->n_claims > 0: the public values are the claims only;
 * otherwise every count in zk_metrics_counts is public.
 * Prove: reserves nothing itself — the caller reserves one opening of the model
 * (zk_model_reserve_opening) and of the dataset (zk_dataset_reserve_opening) and
 * persists both private files before publishing the proof. Appends a complete
 * proof file (header kind ZK_PROOF_EVAL) to proof. counts must be the true counts
 * (zk_metrics_compute); in claims mode every claim must hold (ZK_ERR_INPUT
 * naming the failing claim otherwise). */
int zk_eval_prove(const zk_model_private *model, const zk_dataset_private *data, const zk_metrics_spec *spec,
                  const zk_metrics_counts *counts, zk_wbuf *proof) ZK_WARN_UNUSED;
/* Verify against the public commitments, the spec and the claimed counts
 * (ignored in claims mode except n). ZK_OK, ZK_ERR_REJECT, ZK_ERR_INPUT. */
int zk_eval_verify(const zk_model_commitment *model, const zk_dataset_commitment *data,
                   const zk_metrics_spec *spec, const zk_metrics_counts *counts, const uint8_t *proof,
                   size_t proof_len, zk_spartan_security *sec) ZK_WARN_UNUSED;
/* Circuit size of the last prove/verify in this thread (for reports). */
void zk_eval_last_shape(uint32_t *constraints, uint32_t *wires);

#endif
