/*
 * stats.h — zero-knowledge proof of per-column dataset statistics against a
 * dataset commitment (dataset.h). Protocol and soundness: docs/stats.md.
 *
 * Public statement, per data column j (0 <= j < n_cols) of the committed
 * n_rows x n_cols table D at scale 2^s:
 *   count_j       = n_rows
 *   sum_j         = sum_i D[i][j]            (integer at scale 2^s)
 *   sum_squares_j = sum_i D[i][j]^2          (integer at scale 2^(2s))
 * and the derived values, exact integer arithmetic, rounding half away from zero:
 *   mean_j     = round(sum_j / n)                              (scale 2^s)
 *   variance_j = round((n*sum_squares_j - sum_j^2) / n^2)      (population variance, scale 2^(2s))
 *
 * The proof is one Libra-masked sumcheck (degree 3) batching all columns with
 * random challenges, one hiding WHIR opening of the dataset commitment at the
 * sumcheck point, and one hiding WHIR opening of the Libra mask commitment.
 * The field identities hold mod p; the integer reading is exact because the
 * prover refuses statistics whose magnitude reaches (p-1)/2 and every committed
 * entry is < 2^40 in magnitude at commit time (see docs/stats.md for what is and
 * is not proved about the entry range).
 */
#ifndef ZKMLOPS_STATS_H
#define ZKMLOPS_STATS_H

#include <stdint.h>

#include "zkmlops/dataset.h"

typedef struct {
    uint32_t n_cols;
    uint64_t count;       /* rows */
    uint32_t scale_bits;
    int64_t *sum;         /* n_cols, owned */
    int64_t *sum_squares; /* n_cols, owned, each >= 0 */
} zk_stats;

typedef struct {
    double security_bits;       /* min over all components */
    double whir_data_bits, whir_mask_bits, sumcheck_bits;
    size_t proof_bytes;
} zk_stats_security;

void zk_stats_free(zk_stats *s);
/* Exact derived values: mean at scale 2^s, variance at scale 2^(2s). */
int64_t zk_stats_mean_fixed(const zk_stats *s, uint32_t j);
int64_t zk_stats_variance_fixed(const zk_stats *s, uint32_t j);

/* Compute the statistics of a private dataset. ZK_ERR_RANGE if a statistic
 * would not fit in (-(p-1)/2, (p-1)/2) (choose a smaller scale). */
int zk_stats_compute(zk_stats *out, const zk_dataset_private *ds) ZK_WARN_UNUSED;
/* Prove `st` (normally from zk_stats_compute) about ds; appends the proof file bytes to proof. */
int zk_stats_prove(const zk_dataset_private *ds, const zk_stats *st, zk_wbuf *proof) ZK_WARN_UNUSED;
/* Verify proof bytes against a commitment and claimed statistics. Returns ZK_OK,
 * ZK_ERR_REJECT (invalid proof / false claim) or ZK_ERR_INPUT (malformed
 * container, statement shape mismatch). Fills *sec (may be NULL). */
int zk_stats_verify(const zk_dataset_commitment *com, const zk_stats *st, const uint8_t *proof,
                    size_t proof_len, zk_stats_security *sec) ZK_WARN_UNUSED;
/* Security figures for a commitment's parameter sets (for reports). */
void zk_stats_security_compute(zk_stats_security *sec, const zk_dataset_commitment *com);
/* MLE at r (n coordinates) of the prefix indicator [x < k] on {0,1}^n, O(n). */
gl3_t zk_prefix_indicator_mle(uint64_t k, const gl3_t *r, size_t n);

#endif
