/*
 * fuzz_com — zk_dataset_commitment_read (dataset.h): the public commitment
 * file (.com) parser, without the range proof check (fuzz_range_verify).
 * An accepted input must re-serialize to exactly its own bytes.
 */
#include "fuzz_util.h"
#include "zkmlops/dataset.h"
#include "zkmlops/transcript.h"

int zkm_fuzz_com(const uint8_t *data, size_t len)
{
    zk_rbuf r;
    zk_dataset_commitment c;
    zk_rbuf_init(&r, data, len);
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_dataset_commitment_read(&r, &c), "zk_dataset_commitment_read");
    if (st != ZK_OK) {
        if (c.meta.col_names || c.range_proof)
            zkm_fuzz_fail("zk_dataset_commitment_read failed but left allocations");
        return 0;
    }
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_dataset_commitment_write(&w, &c);
    if (w.oom || w.len != len || memcmp(w.data, data, len) != 0)
        zkm_fuzz_fail("accepted .com does not re-serialize to itself (%zu vs %zu bytes)", w.len, len);
    zk_wbuf_free(&w);
    if (c.range_bits < 1 || c.range_bits > 32 || c.whir.params.n_vars != c.meta.log_rows + c.meta.log_cols)
        zkm_fuzz_fail("accepted .com with range %u bits, %u variables", c.range_bits, c.whir.params.n_vars);
    zk_transcript t;
    zk_transcript_init(&t, "zkm-fuzz-com");
    zk_dataset_commitment_absorb(&t, &c);
    zk_dataset_commitment_free(&c);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_com)
