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
 * The field identities hold mod p; they are exact integer identities when
 * the commitment's range proof (dataset.h) bounds every entry by 2^(B-1) with
 * n * 2^(2B-2) < p (zk_range_max_bits_for_stats), reported in
 * zk_stats_security.exact_integers. zk_stats_verify does NOT re-verify the
 * commitment's embedded range proof: callers check the commitment once
 * (zk_dataset_commitment_load does; or zk_dataset_commitment_check).
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
    int exact_integers;         /* 1 if the commitment's range proof makes the statistics exact integers */
    unsigned range_bits;        /* the commitment's proved value range */
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
/* Prove `st` (normally from zk_stats_compute) about ds; appends the proof file
 * bytes to proof. Uses one of the dataset's zero-knowledge openings
 * (zk_dataset_reserve_opening; ZK_ERR_RANGE when exhausted): the caller must
 * persist ds (its .zkd) before publishing the proof. */
int zk_stats_prove(zk_dataset_private *ds, const zk_stats *st, zk_wbuf *proof) ZK_WARN_UNUSED;
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
