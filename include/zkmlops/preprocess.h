/*
 * preprocess.h — proved data preprocessing: a declarative pipeline (JSON) of
 * transforms applied to a committed raw dataset, a deterministic train/test
 * split by a public seed, two new dataset commitments (train, test), public
 * training-set reference statistics, and one zero-knowledge proof (proof kind
 * ZK_PROOF_PREPROCESS) that the output commitments hold exactly
 * transforms(input). Semantics, fixed-point formulas and the circuit are
 * specified in docs/preprocessing.md; the plain reference implementation
 * (zk_prep_apply) *is* the specification the circuit is tested against.
 *
 * Fixed point: every value is an integer X = round(x * 2^s) at the raw
 * commitment's scale s (dataset.h); outputs keep the same scale.
 *
 * Pipeline JSON (docs/preprocessing.md, "Pipeline schema"):
 *   { "format": "zkmlops-pipeline/v1",
 *     "label": "<column name>",              output label column (moved last)
 *     "missing": <number>,                    optional sentinel marking a missing cell
 *     "transforms": [ {"op": ...}, ... ],     applied in order to all kept rows
 *     "split": {"seed": <uint>, "test_fraction": <number in [0,1)>} }
 * ops: drop_missing {columns?, hidden?} (only first), impute_mean {columns?},
 * standardize {columns?}, minmax {columns?}, clip {columns?, min, max},
 * one_hot {column, categories[]}, binarize {column, threshold}. "columns"
 * omitted = every current column except the label.
 *
 * Row filtering: by default the indices of dropped rows are PUBLIC (listed in
 * the claims); the circuit proves each dropped row has the sentinel in a listed
 * column and each kept row has none. With "hidden": true only their number is
 * public: the circuit compacts the raw rows through a shift network with
 * private switches (docs/preprocessing.md, "Hidden row filter"). The split permutation is public (derived from the
 * seed), so the output rows are a public wiring of the kept input rows.
 */
#ifndef ZKMLOPS_PREPROCESS_H
#define ZKMLOPS_PREPROCESS_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/circuit.h"
#include "zkmlops/dataset.h"
#include "zkmlops/hash.h"
#include "zkmlops/r1cs.h"
#include "zkmlops/status.h"

#define ZK_PREP_MAX_TRANSFORMS 256u
#define ZK_PREP_MAX_CATEGORIES 64u
#define ZK_PREP_HIST_BINS 10u
#define ZK_PREP_PIPELINE_MAX_BYTES ((size_t)1 << 20)
/* Standardize / min-max use inv = floor((2^K + floor(d/2)) / d) with
 * K = ZK_PREP_INV_TOTAL_BITS - B (B = the column's public bit bound),
 * at most ZK_PREP_INV_MAX_K (docs/preprocessing.md, "Standardization"). */
#define ZK_PREP_INV_TOTAL_BITS 61u
#define ZK_PREP_INV_MAX_K 40u

typedef enum {
    ZK_PREP_DROP_MISSING = 1,
    ZK_PREP_IMPUTE_MEAN,
    ZK_PREP_STANDARDIZE,
    ZK_PREP_MINMAX,
    ZK_PREP_CLIP,
    ZK_PREP_ONE_HOT,
    ZK_PREP_BINARIZE
} zk_prep_op;

/* One transform, resolved against the schema current at its position. */
typedef struct {
    zk_prep_op op;
    uint32_t n_cols;
    uint32_t *cols;      /* owned: column indices in the schema before this step */
    int64_t lo, hi;      /* clip bounds (fixed point) */
    int64_t threshold;   /* binarize: y = 2^s * [x >= threshold] (fixed point) */
    uint32_t n_cats;     /* one_hot */
    int64_t *cats;       /* owned: category values (fixed point) */
    uint32_t width_in;   /* schema width before this step */
    int hidden;          /* drop_missing with "hidden": true: the dropped rows stay private */
} zk_prep_transform;

/* A parsed, schema-resolved pipeline. */
typedef struct {
    uint32_t scale_bits;
    uint32_t n_transforms;
    zk_prep_transform *t; /* owned */
    int has_missing;
    int64_t missing;      /* sentinel (fixed point) */
    uint64_t seed;
    double test_fraction;
    /* Final schema (after all transforms), label last: out_n_cols names. */
    uint32_t out_n_cols;
    char **out_names;     /* owned */
    uint32_t *out_from;   /* owned: out column k = final-schema column out_from[k] */
    uint32_t label_col;   /* index of the label in the final schema (before reordering) */
    uint8_t digest[ZK_HASH_BYTES]; /* SHA-256 of the canonical bytes */
    char *canonical;      /* owned: canonical JSON (cJSON unformatted print of the parsed file) */
} zk_prep_pipeline;

/* Parse and resolve a pipeline file's text (len bytes) against the raw
 * commitment's schema. Errors are ZK_ERR_INPUT with "path: json.path: problem",
 * e.g. "prep.json: transforms[2].column: no column 'foo' in the commitment's
 * schema"; ZK_ERR_NOMEM. */
int zk_prep_pipeline_parse(zk_prep_pipeline *pl, const char *path, const char *text, size_t len,
                      const zk_dataset_meta *raw) ZK_WARN_UNUSED;
int zk_prep_pipeline_load(zk_prep_pipeline *pl, const char *path, const zk_dataset_meta *raw) ZK_WARN_UNUSED;
void zk_prep_pipeline_free(zk_prep_pipeline *pl);

/* Deterministic split permutation of n kept rows by seed:
 * stream = zk_prg_expand(seed32, "zkmlops/preprocess/split/v1", ...) where
 * seed32 = seed as 8 bytes little-endian then 24 zero bytes; 64-bit
 * little-endian words w; Fisher–Yates for i = n-1 .. 1: j = w mod (i+1),
 * rejecting w >= 2^64 - (2^64 mod (i+1)); swap(perm[i], perm[j]) starting
 * from the identity. perm: n entries (caller-allocated). */
int zk_prep_permutation(uint64_t seed, uint32_t n, uint32_t *perm) ZK_WARN_UNUSED;
/* 1 if the pipeline's row filter is hidden. */
int zk_prep_hidden_filter(const zk_prep_pipeline *pl);
/* Test rows: floor(n * test_fraction + 1/2) (IEEE double). */
uint32_t zk_prep_n_test(const zk_prep_pipeline *pl, uint32_t n_kept);

/* Public claims (the --output file): row accounting and the training-set
 * reference per output feature (every output column but the label):
 * mean = round(S / n_train), std = floor(sqrt(round(V / n_train))) with
 * S = sum, V = sum (x - mean)^2 over the train rows (scale s and 2s), and
 * hist[b] = #{train rows with b = #{k in -4..4 : 2 (x - mean) >= k std}},
 * i.e. bins of (x - mean)/std over edges -2,-1.5,...,2. */
typedef struct {
    uint32_t n_raw, n_kept, n_train, n_test;
    uint32_t n_dropped;
    uint32_t *dropped;     /* owned, ascending raw row indices; NULL on the verifier's side
                            * when the filter is hidden (the prover's reference fills it) */
    uint32_t n_features;   /* out_n_cols - 1 */
    int64_t *mean, *std;   /* owned, n_features each (fixed point, scale s) */
    uint64_t *hist;        /* owned, n_features * ZK_PREP_HIST_BINS */
} zk_prep_claims;

void zk_prep_claims_free(zk_prep_claims *c);

/* Claims file (the --output JSON, format "zkmlops-preprocess/v1"; fields in
 * docs/preprocessing.md): a cJSON object (caller deletes; NULL if out of
 * memory) binding the pipeline digest and the three commitment ids. */
struct cJSON;
struct cJSON *zk_prep_claims_to_cjson(const zk_prep_pipeline *pl, const zk_prep_claims *c, const uint8_t raw_id[32],
                                      const uint8_t train_id[32], const uint8_t test_id[32]);
/* Parse a claims file (len bytes of text named path) for pipeline pl. The
 * pipeline digest must match, and each id given (non-NULL) must match the
 * file's (ZK_ERR_REJECT otherwise: the claims are about other data); feature
 * names follow the pipeline; the doubles must equal the fixed-point values.
 * ZK_ERR_INPUT names the JSON path of a malformed field. */
int zk_prep_claims_parse(zk_prep_claims *c, const char *path, const char *text, size_t len,
                         const zk_prep_pipeline *pl, const uint8_t raw_id[32], const uint8_t train_id[32],
                         const uint8_t test_id[32]) ZK_WARN_UNUSED;

/* Reference result: train / test datasets (out_n_cols columns, label last,
 * same scale as raw) and the claims. */
typedef struct {
    zk_dataset train, test;
    zk_prep_claims claims;
} zk_prep_result;

/* Apply the pipeline to a plain dataset (raw: meta must match the schema the
 * pipeline was resolved against; raw_range_bits = the commitment's range bits,
 * which fixes the public bit bounds). ZK_ERR_RANGE when a value exceeds what
 * the fixed-point formulas support (message names the column and step). */
int zk_prep_apply(const zk_prep_pipeline *pl, const zk_dataset *raw, unsigned raw_range_bits,
                  zk_prep_result *out) ZK_WARN_UNUSED;
void zk_prep_result_free(zk_prep_result *r);
/* The raw committed data as a plain dataset (values read from the table). */
int zk_prep_dataset_from_private(zk_dataset *ds, const zk_dataset_private *p) ZK_WARN_UNUSED;

/* Security of a verified preprocessing proof. */
typedef struct {
    double security_bits;
    uint32_t constraints, wires;
} zk_prep_security;

/* Prove, in zero knowledge, that train / test (committed, with openings) are
 * the pipeline applied to raw, and that the claims hold. raw->openings_used
 * must already include this proof's opening (zk_dataset_reserve_opening);
 * train and test are fresh commitments (this proof uses one opening of each).
 * Appends a complete proof file (container kind ZK_PROOF_PREPROCESS) to proof.
 * ZK_OK, ZK_ERR_INPUT (the outputs are not the pipeline's result), ZK_ERR_RANGE,
 * ZK_ERR_NOMEM. Fills *sec (constraints, wires) if not NULL. */
int zk_prep_prove(const zk_prep_pipeline *pl, const zk_dataset_private *raw,
                  const zk_dataset_private *train, const zk_dataset_private *test,
                  const zk_prep_claims *claims, zk_wbuf *proof, zk_prep_security *sec) ZK_WARN_UNUSED;
/* Verify against the public commitments and claims. ZK_OK, ZK_ERR_REJECT,
 * ZK_ERR_INPUT (malformed proof, shapes inconsistent with the pipeline). */
int zk_prep_verify(const zk_prep_pipeline *pl, const zk_dataset_commitment *raw,
                   const zk_dataset_commitment *train, const zk_dataset_commitment *test,
                   const zk_prep_claims *claims, const uint8_t *proof, size_t proof_len,
                   zk_prep_security *sec) ZK_WARN_UNUSED;

/* Check that train / test commitment shapes match what the pipeline produces
 * from raw with these claims (row counts, column names, scale). ZK_OK or
 * ZK_ERR_INPUT naming the mismatch. */
int zk_prep_check_shapes(const zk_prep_pipeline *pl, const zk_dataset_meta *raw, const zk_dataset_meta *train,
                         const zk_dataset_meta *test, const zk_prep_claims *claims) ZK_WARN_UNUSED;

/* Build the circuit (exposed for tests: zk_cs_check on small instances).
 * Prover mode (cs prover): raw/train/test table values (2^(log_rows+log_cols)
 * each, layout of dataset.h) are given; verifier mode: NULL. The metas fix the
 * shapes; claims are the public values. Writes the first wire of each segment
 * to seg[0..3) (raw, train, test). Returns ZK_OK or an error of its own
 * (ZK_ERR_NOMEM, ZK_ERR_RANGE, ZK_ERR_INPUT); gadget failures are in
 * zk_cs_status(cs). */
int zk_prep_circuit(zk_cs *cs, const zk_prep_pipeline *pl, const zk_dataset_meta *raw_meta,
                     unsigned raw_range_bits, const zk_dataset_meta *train_meta,
                     const zk_dataset_meta *test_meta, const zk_prep_claims *claims, const gl_t *raw_tab,
                     const gl_t *train_tab, const gl_t *test_tab, uint32_t seg[3]) ZK_WARN_UNUSED;

#endif
