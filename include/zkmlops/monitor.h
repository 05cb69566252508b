/*
 * monitor.h — online monitoring of a deployed committed model: an append-only,
 * hash-chained serving log, committed in windows that chain to each other, and
 * a zero-knowledge proof per window (proof kind ZK_PROOF_MONITOR) of what
 * happened in it (docs/monitoring.md).
 *
 * Serving log (text, one JSON object per line, docs/monitoring.md "Log format"):
 *   line 1: header {"type":"header","format":"zkmlops-monitor-log/v1", model
 *           commitment id, config digest, input/output sizes, classes, scale,
 *           window size}
 *   then:   {"type":"record","id":k,"ts":t,"input":[X...],"output":[Y...]}  (X at the
 *           model input scale, Y = the model's output at its output scale)
 *           {"type":"feedback","id":k,"label":c,"ts":t}   (ground truth, later)
 *           {"type":"window","index":w,"first":f,"count":n,"id":"<window id hex>"}
 * Every line ends with ,"h":"<hex>"} where h = SHA-256(previous line's h ||
 * the line's bytes before ,"h") (the header chains from 32 zero bytes): a
 * dropped, edited or reordered line breaks the chain. Record ids are 0, 1, 2,
 * ... and timestamps (unix seconds) never decrease; loading checks all of it
 * (a gap or reordering is ZK_ERR_INPUT naming the line).
 *
 * Window (closing the next N records): a committed table (dataset.h, hiding
 * WHIR + range proof), 2^log_rows x 2^log_cols, one row per record, columns
 *   0 record_id | 1 timestamp | 2.. 2+d-1 inputs x_j | then K outputs y_k |
 *   feedback (0/1) | label (class index, 0 without feedback)
 * (ids, timestamps, flags and labels are plain integers, not scaled) plus a
 * public header: window index, first record id, record count, first/last
 * timestamp, the previous window's id (zeros for window 0), the model
 * commitment id, the config digest and the log chain head when the window
 * was closed (the h of the last line before the window line). Window id = SHA-256 of the window's .com file. Consecutive windows:
 * index + 1, first = previous first + previous count, prev_id = previous id.
 *
 * Window proof: links the window table and the model weights; proves
 * (a) row i has id first + i, timestamps non-decreasing from ts_first to
 *     ts_last (so no record of the window is dropped, duplicated or reordered);
 * (b) each row's outputs are the committed model's exact fixed-point
 *     inference on its inputs (zk_model_circuit, batched);
 * (c) public counts: predicted-class counts (rule of metrics.h), records with
 *     feedback and how many of those are predicted correctly, per input
 *     feature the exact sum of the window's values and the 10 drift-bin counts
 *     bin(x) = #{k in -4..4 : 2 (x - mean_ref) >= k std_ref}  (the bins of the
 *     training reference of preprocess.h).
 * The verifier recomputes from the proved public counts (outside the circuit;
 * the counts are public): class rates, accuracy on feedback, mean shift
 * (S / n - mean_ref) / std_ref in training standard deviations, and the
 * population stability index PSI = sum_b (p_b - q_b) ln(p_b / q_b) with
 * p_b, q_b the window / reference bin fractions floored at 1e-4; and which
 * declared alerts fire. Nothing else about the records is revealed.
 */
#ifndef ZKMLOPS_MONITOR_H
#define ZKMLOPS_MONITOR_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/dataset.h"
#include "zkmlops/hash.h"
#include "zkmlops/model.h"
#include "zkmlops/r1cs.h"
#include "zkmlops/status.h"

#define ZK_MONITOR_BINS 10u
#define ZK_MONITOR_MAX_FEATURES 1024u
#define ZK_MONITOR_MAX_WINDOW (1u << 16)
/* Inputs must satisfy |2 (x - mean)| < std * 2^ZK_MONITOR_Z_BITS (so the
 * saturated bins' excess fits the proof's range check). */
#define ZK_MONITOR_Z_BITS 16u
#define ZK_MONITOR_PSI_FLOOR 1e-4
#define ZK_MONITOR_MAX_TS ((uint64_t)1 << 31)

/* Reference statistics + declared alerts (the monitoring configuration). */
typedef struct {
    uint32_t n_features;
    uint32_t scale_bits;
    char **names;        /* owned, n_features */
    int64_t *mean;       /* owned, reference mean per feature (model input scale) */
    int64_t *std;        /* owned, reference std per feature (>= 1) */
    uint64_t *hist;      /* owned, n_features * ZK_MONITOR_BINS reference bin counts */
    uint32_t window_size;
    double psi_above;        /* alert when PSI > this (<= 0: off) */
    double mean_shift_above; /* alert when |mean shift| > this, in reference stds (<= 0: off) */
    double accuracy_below;   /* alert when accuracy on feedback < this (<= 0: off) */
    uint32_t min_feedback;   /* accuracy alert needs at least this many feedback records */
    int rate_alert;          /* class-rate alert declared */
    uint32_t rate_class;
    double rate_above, rate_below; /* alert when rate > above (<= 0 or >= 1: off) or < below (<= 0: off) */
} zk_monitor_config;

void zk_monitor_config_free(zk_monitor_config *c);
/* Reference: the preprocessing public claims JSON (preprocess verify --output
 * file: per-feature mean, std, 10-bin histogram) or a
 * "zkmlops-monitor-reference/v1" file (docs/monitoring.md). Alerts: a
 * "zkmlops-monitor/v1" JSON {"window_size": N, "alerts": {...}}. Errors name
 * the file and JSON path (ZK_ERR_INPUT). */
int zk_monitor_config_load(zk_monitor_config *c, const char *reference_path, const char *alerts_path) ZK_WARN_UNUSED;
int zk_monitor_config_parse(zk_monitor_config *c, const char *ref_path, const char *ref_text, size_t ref_len,
                            const char *alerts_path, const char *alerts_text, size_t alerts_len) ZK_WARN_UNUSED;
/* Reference statistics of a plain table (rows x n_features, row-major) with
 * preprocess.h's formulas: mean = floor((2S + n) / (2n)), std =
 * floor(sqrt(floor((2V + n) / (2n)))) with V = sum (x - mean)^2, hist as
 * above (tests and benchmarks; real deployments use the proved preprocessing
 * claims). Names are "x0", "x1", ... ZK_ERR_INPUT if a std is 0. */
int zk_monitor_reference_from_rows(zk_monitor_config *c, const int64_t *x, uint32_t rows, uint32_t n_features,
                                   uint32_t scale_bits) ZK_WARN_UNUSED;
/* SHA-256 of the canonical binary encoding of the whole configuration. */
void zk_monitor_config_digest(uint8_t out[ZK_HASH_BYTES], const zk_monitor_config *c);
/* Drift bin of value x for feature j (0..9). */
uint32_t zk_monitor_bin(int64_t x, int64_t mean, int64_t std);

/* ---- Log ---- */
typedef struct {
    uint64_t id, ts;
    int64_t *x;       /* d values (points into the log's arena) */
    int64_t *y;       /* K values */
    int has_feedback;
    uint32_t label;
} zk_monitor_record;

typedef struct {
    uint8_t model_id[ZK_HASH_BYTES];
    uint8_t config_digest[ZK_HASH_BYTES];
    uint32_t d, K, n_classes, scale_bits, window_size;
    uint64_t n_records;
    zk_monitor_record *rec; /* owned */
    int64_t *vals;          /* owned arena: n_records * (d + K) */
    uint64_t cap;
    uint32_t n_windows;             /* closed windows */
    uint64_t next_unclosed;         /* first record id not in a closed window */
    uint8_t last_window_id[ZK_HASH_BYTES]; /* zeros before the first window */
    uint64_t last_window_ts;        /* ts_last of the last closed window */
    uint8_t head[ZK_HASH_BYTES];    /* chain hash of the last line */
} zk_monitor_log;

void zk_monitor_log_free(zk_monitor_log *log);
/* Create a new log file (refuses to overwrite). */
int zk_monitor_log_create(const char *path, const zk_model_commitment *model, const zk_monitor_config *cfg) ZK_WARN_UNUSED;
/* Load and check the whole log (chain, ids, timestamps, feedback, windows). */
int zk_monitor_log_load(const char *path, zk_monitor_log *log) ZK_WARN_UNUSED;
/* Append served predictions: x[n * d] inputs, y[n * K] outputs, timestamp ts
 * (>= the last one). Writes the ids to ids[n] if not NULL. The log must have
 * been loaded from path (its head is the file's last line). */
int zk_monitor_log_append(const char *path, zk_monitor_log *log, const int64_t *x, const int64_t *y, uint32_t n,
                          uint64_t ts, uint64_t *ids) ZK_WARN_UNUSED;
/* Ground-truth label for record id (must exist, be in no closed window and
 * have no feedback yet: ZK_ERR_INPUT otherwise). */
int zk_monitor_log_feedback(const char *path, zk_monitor_log *log, uint64_t id, uint32_t label, uint64_t ts) ZK_WARN_UNUSED;

/* ---- Windows ---- */
typedef struct {
    uint32_t index;
    uint64_t first_id;
    uint32_t n;
    uint64_t ts_first, ts_last;
    uint8_t prev_id[ZK_HASH_BYTES];
    uint8_t model_id[ZK_HASH_BYTES];
    uint8_t config_digest[ZK_HASH_BYTES];
    uint8_t chain_head[ZK_HASH_BYTES];
    uint32_t d, K, n_classes;
} zk_monitor_window_header;

typedef struct {
    zk_monitor_window_header h;
    zk_dataset_commitment com;
} zk_monitor_window_commitment;

typedef struct {
    zk_monitor_window_header h;
    zk_dataset_private priv;
} zk_monitor_window_private;

/* Close the next window (window_size records, or all pending if partial and
 * at least one), commit it, write the private file zkd_path and the public
 * file beside it (.zkd -> .com), and append the window line to the log.
 * ZK_ERR_INPUT when not enough records are pending. */
int zk_monitor_log_close_window(const char *log_path, zk_monitor_log *log, const char *zkd_path, int partial,
                                char **com_path_out) ZK_WARN_UNUSED;
void zk_monitor_window_commitment_free(zk_monitor_window_commitment *w);
void zk_monitor_window_private_free(zk_monitor_window_private *w);
void zk_monitor_window_commitment_write(zk_wbuf *w, const zk_monitor_window_commitment *c);
void zk_monitor_window_private_write(zk_wbuf *w, const zk_monitor_window_private *p);
/* Load; commitment_load also checks the table's range proof. Errors name the path. */
int zk_monitor_window_commitment_load(const char *path, zk_monitor_window_commitment *c) ZK_WARN_UNUSED;
int zk_monitor_window_private_load(const char *path, zk_monitor_window_private *p) ZK_WARN_UNUSED;
int zk_monitor_window_id(uint8_t id[ZK_HASH_BYTES], const zk_monitor_window_commitment *c) ZK_WARN_UNUSED;
/* Chain check: cur directly follows prev (index, first id, prev id, timestamps,
 * model, config). ZK_OK or ZK_ERR_REJECT naming the break. prev NULL: cur must
 * be window 0 with first id 0 and a zero prev id. */
int zk_monitor_window_check_chain(const zk_monitor_window_commitment *prev, const zk_monitor_window_commitment *cur) ZK_WARN_UNUSED;

/* ---- Statistics (the public values of a window proof) ---- */
typedef struct {
    uint32_t n, d, n_classes;
    uint64_t *class_count; /* n_classes */
    uint64_t n_feedback, correct;
    int64_t *sum;          /* d: exact sum of each input feature over the window */
    uint64_t *bins;        /* d * ZK_MONITOR_BINS */
} zk_monitor_stats;

int zk_monitor_stats_alloc(zk_monitor_stats *s, uint32_t n_classes, uint32_t d) ZK_WARN_UNUSED;
void zk_monitor_stats_free(zk_monitor_stats *s);
/* Plain reference from the private window (predicted classes from the stored
 * outputs with the model's rule). */
int zk_monitor_stats_compute(zk_monitor_stats *s, const zk_monitor_window_private *w, const zk_model *m,
                             const zk_monitor_config *cfg) ZK_WARN_UNUSED;

/* Derived values and alerts. */
typedef struct {
    double *mean_shift, *psi; /* owned, d each */
    uint8_t *drift_psi, *drift_mean; /* owned, d each: alert fired */
    double accuracy;          /* NaN without feedback */
    int accuracy_alert, rate_high_alert, rate_low_alert;
    uint32_t n_alerts;
} zk_monitor_report;

int zk_monitor_evaluate(zk_monitor_report *r, const zk_monitor_stats *s, const zk_monitor_config *cfg) ZK_WARN_UNUSED;
void zk_monitor_report_free(zk_monitor_report *r);

/* ---- Proof ----
 * Prove: the caller has reserved one opening of the model (and the window
 * commitment is fresh: its budget is the dataset budget; call
 * zk_dataset_reserve_opening on w->priv and persist both). Appends a complete
 * proof file (kind ZK_PROOF_MONITOR). ZK_ERR_INPUT if the window is not for
 * this model/config or the rows violate the statement. */
int zk_monitor_prove(const zk_model_private *model, const zk_monitor_window_private *w, const zk_monitor_config *cfg,
                     const zk_monitor_stats *s, zk_wbuf *proof) ZK_WARN_UNUSED;
int zk_monitor_verify(const zk_model_commitment *model, const zk_monitor_window_commitment *w,
                      const zk_monitor_config *cfg, const zk_monitor_stats *s, const uint8_t *proof, size_t proof_len,
                      zk_spartan_security *sec) ZK_WARN_UNUSED;
/* Circuit size of the last prove/verify in this thread. */
void zk_monitor_last_shape(uint32_t *constraints, uint32_t *wires);

#endif
