/*
 * fuzz_stats_glue.h — the `stats verify` reader of the claimed statistics
 * (load_claimed, commitment_hex: static functions of src/cli/cmd_stats.c) for
 * the stats fuzz targets: the CLI source is included as is, with inert
 * stand-ins for the CLI helpers of src/cli/main.c.
 */
#ifndef ZKMLOPS_FUZZ_STATS_GLUE_H
#define ZKMLOPS_FUZZ_STATS_GLUE_H

#include "cli/cmd_stats.c"

double cli_now(void) { return 0.0; }
void cli_set_quiet(int q) { (void)q; }
void cli_progress(const char *stage, const char *fmt, ...)
{
    (void)stage;
    (void)fmt;
}
int cli_fail(int st) { return zk_exit_code((zk_status)st); }
int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    (void)cmd;
    (void)fmt;
    return 2;
}

/* Parse part 0 as a .com (no range proof check: fuzz_range_verify covers it)
 * and part 1 as the claimed statistics JSON of `stats verify --output`.
 * Returns ZK_OK with *com and *st owned by the caller, or an error (nothing
 * to free). */
static int fuzz_stats_load(const uint8_t *com_bytes, size_t com_len, const uint8_t *json, size_t json_len,
                           zk_dataset_commitment *com, zk_stats *st)
{
    zk_rbuf r;
    memset(st, 0, sizeof *st);
    zk_rbuf_init(&r, com_bytes, com_len);
    if (zk_dataset_commitment_read(&r, com) != ZK_OK)
        return ZK_ERR_INPUT;
    char hex[65];
    if (commitment_hex(hex, com) != 0)
        zkm_fuzz_fail("commitment_hex failed");
    zkm_fuzz_clear_error();
    int rc = zkm_fuzz_status(load_claimed(zkm_fuzz_file(json, json_len), com, hex, st), "load_claimed");
    if (rc != ZK_OK) {
        if (st->sum || st->sum_squares)
            zkm_fuzz_fail("load_claimed failed but left allocations");
        zk_dataset_commitment_free(com);
        return rc;
    }
    if (st->n_cols != com->meta.n_cols || st->count != com->meta.n_rows || st->scale_bits != com->meta.scale_bits)
        zkm_fuzz_fail("load_claimed accepted a statement of another shape");
    return ZK_OK;
}

#endif
