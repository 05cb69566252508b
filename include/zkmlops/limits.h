/*
 * limits.h — run-time limits on the sizes that untrusted files declare.
 *
 * Every reader checks each declared count (wires, constraints, rows, columns,
 * parameters, file bytes) against a limit *before* allocating, so a hostile
 * file cannot make zkmlops allocate much more than the file's own size or the
 * limit. Each limit has a compiled maximum (the hard cap the data structures
 * are sized for; raise it at build time with -D if ever needed) and an
 * effective value, by default equal to the maximum, which users may lower (or
 * raise back up to the maximum):
 *   - environment: ZKMLOPS_LIMITS="csv_rows=100000,file_bytes=1000000"
 *   - command line: zkmlops --limit csv_rows=100000 <command> ...
 *   - `zkmlops limits [--json]` lists names, effective values, maxima.
 * A count over the effective limit is refused with ZK_ERR_NOMEM and a message
 * naming the limit ("... over the limit csv_rows = 100000 (ZKMLOPS_LIMITS)").
 * docs/robustness.md section 5 lists every limit.
 */
#ifndef ZKMLOPS_LIMITS_H
#define ZKMLOPS_LIMITS_H

#include <stdint.h>

typedef enum {
    ZK_LIMIT_FILE_BYTES = 0,       /* any input file read whole (bytes) */
    ZK_LIMIT_PROOF_BYTES,          /* proof files (bytes) */
    ZK_LIMIT_R1CS_WIRES,           /* .r1cs nWires, .wtns values */
    ZK_LIMIT_R1CS_CONSTRAINTS,     /* .r1cs mConstraints */
    ZK_LIMIT_R1CS_PUBLIC,          /* public signals (.r1cs, public.json) */
    ZK_LIMIT_CSV_ROWS,             /* CSV data rows, committed row counts */
    ZK_LIMIT_CSV_COLS,             /* CSV columns, committed column counts */
    ZK_LIMIT_MODEL_PARAMS,         /* parameters of an ONNX model / model commitment */
    ZK_LIMIT_CIRCUIT_CONSTRAINTS,  /* constraints a stage circuit may build */
    ZK_LIMIT_COUNT_
} zk_limit_id;

/* Effective value of a limit. */
uint64_t zk_limit(zk_limit_id id);
/* Compiled maximum, name ("csv_rows") and a one-line description. */
uint64_t zk_limit_max(zk_limit_id id);
const char *zk_limit_name(zk_limit_id id);
const char *zk_limit_doc(zk_limit_id id);
/* Set one limit from "name=value" (value: decimal, optional suffix k/M/G =
 * 2^10/2^20/2^30). Returns ZK_OK, or ZK_ERR_INPUT (unknown name, bad number,
 * value 0 or over the compiled maximum; message says which). */
int zk_limit_set_str(const char *assignment);
/* Apply ZKMLOPS_LIMITS (comma-separated assignments) if set: ZK_OK or
 * ZK_ERR_INPUT naming the variable and the bad assignment. */
int zk_limits_from_env(void);
/* Restore every limit to its maximum (tests). */
void zk_limits_reset(void);

#endif
