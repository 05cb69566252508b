/*
 * dataset.h — CSV datasets as committed fixed-point tables.
 *
 * CSV: comma-separated, first line a header of column names, every later line
 * the same number of fields, every field a decimal number ([-+]digits[.digits]
 * [e[-+]digits], surrounding spaces allowed, optional double quotes around a
 * field). CRLF or LF line ends. Limits: ZK_DATASET_MAX_ROWS rows,
 * ZK_DATASET_MAX_COLS columns, 64 KiB per line, 1 GiB per file.
 *
 * Fixed point: a cell x becomes the integer round(x * 2^scale_bits), rounding
 * half away from zero, computed exactly from the decimal digits (no binary
 * floating point). |value| must be < 2^40 (ZK_ERR_RANGE otherwise). The field
 * embedding is signed: v >= 0 -> v, v < 0 -> p - |v| (field.h).
 *
 * Committed table layout (public, recorded in the commitment): 2^log_rows rows
 * x 2^log_cols columns, entry (row i, column j) at index i + 2^log_rows * j
 * (rows are the low variables X_1..X_log_rows, columns the high ones).
 * log_cols is the least value with 2^log_cols >= n_cols, log_rows the least
 * with 2^log_rows >= n_rows + ZK_DATASET_MIN_BLIND_ROWS and at least
 * ZK_DATASET_MIN_BLIND_ENTRIES blinding entries in the table (zk_dataset_layout). Every entry outside the
 * n_rows x n_cols data block is a uniformly random field element ("blinding
 * entries"): they make each evaluation of the table's MLE at a random point
 * that a proof reveals uniformly distributed (zero knowledge; docs/zero-knowledge.md).
 * Proofs about the data use the row selector [i < n_rows] and column
 * selector [j < n_cols], never the blinding entries.
 */
#ifndef ZKMLOPS_DATASET_H
#define ZKMLOPS_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/status.h"
#include "zkmlops/whir.h"

#define ZK_DATASET_MAX_ROWS (1u << 20)
#define ZK_DATASET_MAX_COLS (1u << 10)
#define ZK_DATASET_MIN_BLIND_ROWS 16u
#define ZK_DATASET_DEFAULT_SCALE_BITS 12u
#define ZK_DATASET_MAX_SCALE_BITS 24u
#define ZK_DATASET_MAX_ABS ((int64_t)1 << 40)
#define ZK_DATASET_MAX_NAME 256u
/* Zero-knowledge openings a dataset commitment supports (its hiding mask R is
 * sized for them: zk_whir_params_derive_budget). The range proof made at commit
 * time uses one; every later proof that opens the dataset uses one more. */
#define ZK_DATASET_OPENING_BUDGET 64u
/* Every zero-knowledge opening reveals one evaluation of the table's MLE in
 * F_p^3 (three linear equations over F_p on the table); the blinding entries
 * keep K revealed evaluations uniformly distributed only while 3K is below
 * their number (minus a margin of 16). The layout reserves enough blinding
 * entries for ZK_DATASET_OPENING_BUDGET openings, and zk_dataset_openings_left
 * also counts this bound. */
#define ZK_DATASET_BLIND_MARGIN 16u
#define ZK_DATASET_MIN_BLIND_ENTRIES (3u * ZK_DATASET_OPENING_BUDGET + ZK_DATASET_BLIND_MARGIN)

/* Public description of a committed dataset. */
typedef struct {
    uint32_t n_rows, n_cols;
    uint32_t log_rows, log_cols;
    uint32_t scale_bits;
    char **col_names; /* n_cols NUL-terminated names (owned) */
} zk_dataset_meta;

/* A parsed dataset: values[i * n_cols + j] = fixed-point cell (row-major). */
typedef struct {
    zk_dataset_meta meta;
    int64_t *values; /* owned */
} zk_dataset;

/* Public commitment file (.com) content: the table's hiding WHIR commitment
 * plus a zero-knowledge range proof (range.h) that every data entry lies in
 * [-2^(range_bits-1), 2^(range_bits-1)). `data commit` picks range_bits =
 * zk_range_max_bits_for_stats(n_rows) when the data fits, so that sums and
 * sums of squares over the commitment are exact integers (stats.h). */
typedef struct {
    zk_dataset_meta meta;
    zk_whir_commitment whir;
    uint32_t range_bits;    /* 1..32 */
    uint8_t *range_proof;   /* owned; range proof file bytes (proof.h kind ZK_PROOF_RANGE) */
    size_t range_proof_len;
} zk_dataset_commitment;

/* Private prover file (.zkd) content: the commitment plus its opening data,
 * and the number of zero-knowledge openings already made (never more than
 * zk_whir_hiding_opening_budget(&com.whir.params)). */
typedef struct {
    zk_dataset_commitment com;
    zk_whir_witness wit; /* evals = the full blinded table */
    uint32_t openings_used;
} zk_dataset_private;

/* Reserve one zero-knowledge opening of the dataset commitment before a proof
 * that opens it: ZK_OK (counter incremented; the caller persists the .zkd
 * before publishing the proof), or ZK_ERR_RANGE when the budget is exhausted
 * (recommit the data: a fresh commitment has fresh randomness). */
int zk_dataset_reserve_opening(zk_dataset_private *p) ZK_WARN_UNUSED;
/* Openings left: the smaller of the WHIR mask budget
 * (zk_whir_hiding_opening_budget) and (blinding entries - ZK_DATASET_BLIND_MARGIN) / 3,
 * minus the openings used. */
uint64_t zk_dataset_openings_left(const zk_dataset_private *p);
/* The committed table's shape for n_rows x n_cols data (see the top of this
 * file): writes log_rows and log_cols. */
void zk_dataset_layout(uint32_t n_rows, uint32_t n_cols, uint32_t *log_rows, uint32_t *log_cols);

/* Parse CSV text (len bytes, need not be NUL-terminated) named `path` for
 * messages. Errors (ZK_ERR_INPUT / ZK_ERR_RANGE / ZK_ERR_NOMEM) name the file,
 * line and column: "data.csv:12: field 3 ('x'): not a number". */
int zk_dataset_parse_csv(zk_dataset *ds, const char *path, const char *text, size_t len,
                         uint32_t scale_bits) ZK_WARN_UNUSED;
int zk_dataset_load_csv(zk_dataset *ds, const char *path, uint32_t scale_bits) ZK_WARN_UNUSED;
void zk_dataset_free(zk_dataset *ds);
void zk_dataset_meta_free(zk_dataset_meta *m);
/* Parse one decimal number exactly into round(x * 2^scale_bits). Returns ZK_OK,
 * ZK_ERR_INPUT (not a number) or ZK_ERR_RANGE (|result| >= ZK_DATASET_MAX_ABS). */
int zk_parse_fixed(const char *s, size_t len, uint32_t scale_bits, int64_t *out);

/* Build the blinded table, commit with hiding WHIR and prove the range of the
 * data entries (range_bits = 0 chooses as described above; ZK_ERR_RANGE if the
 * data needs more than 32 bits, or the table exceeds the range proof's 2^24
 * cells). */
int zk_dataset_commit(zk_dataset_private *out, const zk_dataset *ds, unsigned range_bits) ZK_WARN_UNUSED;
/* Smallest B such that every data entry lies in [-2^(B-1), 2^(B-1)). */
unsigned zk_dataset_bits_needed(const zk_dataset *ds);
void zk_dataset_private_free(zk_dataset_private *p);

/* File formats (docs/proof-format.md): .com and .zkd, versioned, every length checked.
 * write_core writes the .com header, shape and WHIR commitment only: its SHA-256
 * is what the range proof binds (the range proof then follows it in the .com). */
void zk_dataset_commitment_write_core(zk_wbuf *w, const zk_dataset_commitment *c);
void zk_dataset_commitment_write(zk_wbuf *w, const zk_dataset_commitment *c);
/* The commitment id: SHA-256 of the full .com encoding (what `data commit`
 * prints and every proof about the dataset binds). ZK_OK or ZK_ERR_NOMEM. */
int zk_dataset_commitment_id(uint8_t id[ZK_HASH_BYTES], const zk_dataset_commitment *c) ZK_WARN_UNUSED;
/* Parse only (no proof verification). */
int zk_dataset_commitment_read(zk_rbuf *r, zk_dataset_commitment *c) ZK_WARN_UNUSED;
/* Verify the embedded range proof (ZK_OK / ZK_ERR_REJECT / ZK_ERR_INPUT). */
int zk_dataset_commitment_check(const zk_dataset_commitment *c) ZK_WARN_UNUSED;
void zk_dataset_commitment_free(zk_dataset_commitment *c);
void zk_dataset_private_write(zk_wbuf *w, const zk_dataset_private *p);
int zk_dataset_private_read(zk_rbuf *r, zk_dataset_private *p) ZK_WARN_UNUSED;
/* Load from files; errors are prefixed with the path. commitment_load also
 * verifies the embedded range proof. */
int zk_dataset_commitment_load(const char *path, zk_dataset_commitment *c) ZK_WARN_UNUSED;
int zk_dataset_private_load(const char *path, zk_dataset_private *p) ZK_WARN_UNUSED;
/* Absorb the public commitment (meta + WHIR commitment) into a transcript. */
void zk_dataset_commitment_absorb(zk_transcript *t, const zk_dataset_commitment *c);
/* The data value at (row, col) from a private dataset's table (signed). */
int64_t zk_dataset_private_value(const zk_dataset_private *p, uint32_t row, uint32_t col);

#endif
