/*
 * range.h — zero-knowledge range proof for a committed dataset (dataset.h):
 * every data entry v (rows < n_rows, columns < n_cols; the blinding entries
 * are excluded by the selector) satisfies
 *     -2^(B-1) <= v < 2^(B-1),        B = range_bits in 1..32,
 * as an integer under the signed field embedding (field.h). Protocol,
 * soundness and zero-knowledge argument: docs/range.md.
 *
 * Construction: u = v + 2^(B-1) is split into 16-bit limbs (one limb for
 * B <= 16, two for B > 16), the limbs are range-checked by the LogUp argument
 * (logup.h) against T = [0, 2^16), with a second, shifted lookup of the top
 * limb when its range is narrower than 16 bits (top + 2^16 - 2^b in T proves
 * top < 2^b), and the link v = sum_k 2^(16k) limb_k - 2^(B-1) is batched into
 * the LogUp sumcheck's zerocheck. It ends with a hiding WHIR opening of the
 * dataset commitment at the sumcheck point.
 *
 * Proof file: container kind 3 (proof.h; ZK_PROOF_RANGE), sections:
 *   1 binding (SHA-256 of the commitment core encoding, zk_dataset_commitment_write_core;
 *     the range proof itself is stored in the .com after the core), u32 range_bits),
 *   0x4c01..0x4c04 LogUp commitments, sumcheck, evaluations (logup.h),
 *   2 dataset evaluation D~(r) (24 bytes),
 *   0x4c05..0x4c07 LogUp openings,
 *   3 dataset opening (WHIR, point r).
 * Size limit: log_rows + log_cols <= ZK_LOGUP_MAX_VARS (24).
 */
#ifndef ZKMLOPS_RANGE_H
#define ZKMLOPS_RANGE_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/dataset.h"
#include "zkmlops/status.h"

#define ZK_RANGE_MAX_BITS 32u

/* Prove that every data entry of ds lies in [-2^(B-1), 2^(B-1)), B = range_bits.
 * Appends the proof file bytes to proof. Returns ZK_OK; ZK_ERR_RANGE if some
 * entry is outside the range (the message names the row and column; nothing
 * is written) or the dataset is too large for the lookup argument;
 * ZK_ERR_INPUT if the commitment's shape is inconsistent (never for one read
 * by zk_dataset_commitment_read); ZK_ERR_NOMEM. Aborts unless
 * 1 <= range_bits <= 32. */
int zk_range_prove(const zk_dataset_private *ds, unsigned range_bits, zk_wbuf *proof) ZK_WARN_UNUSED;

/* Verify proof bytes against a commitment and the range. Returns ZK_OK,
 * ZK_ERR_REJECT (invalid proof, wrong commitment or range) or ZK_ERR_INPUT
 * (malformed container, range_bits outside 1..32, dataset too large or its
 * shape inconsistent). zk_last_error() says which check failed. */
int zk_range_verify(const zk_dataset_commitment *com, unsigned range_bits, const uint8_t *proof,
                    size_t proof_len) ZK_WARN_UNUSED;

/* Testing only: build a proof of a false statement to check that the
 * verifier rejects it. skip_checks: do not refuse out-of-range entries;
 * truncate_limbs: limbs of an out-of-range u are u mod 2^16 and
 * floor(u / 2^16) mod 2^16 (the limbs pass the lookups, the link fails)
 * instead of the field quotient (u - lo) / 2^16 (the link holds, the lookup
 * of the top limb fails). */
typedef struct {
    int skip_checks;
    int truncate_limbs;
} zk_range_test_hooks;
int zk_range_prove_ex(const zk_dataset_private *ds, unsigned range_bits, const zk_range_test_hooks *hooks,
                      zk_wbuf *proof) ZK_WARN_UNUSED;

/* Largest B (<= 32) for which a B-bit range proof makes the statistics of
 * stats.h exact integers: n_rows * 2^(2B-2) < p, so no sum of squares (and no
 * sum) of n_rows entries in [-2^(B-1), 2^(B-1)) can wrap modulo p. 0 if none. */
unsigned zk_range_max_bits_for_stats(uint64_t n_rows);

/* Soundness of the range proof's own terms (LogUp identity, zerocheck,
 * sumcheck; bits), for reports. The WHIR openings add their own terms
 * (params.h), each at least the 128-bit target. */
double zk_range_soundness_bits(const zk_dataset_commitment *com, unsigned range_bits);

#endif
