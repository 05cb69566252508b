/*
 * fuzz_zkd — zk_dataset_private_read (dataset.h): the prover's private file
 * (.zkd), whose WHIR witness is re-committed on reading. An accepted input
 * must re-serialize to exactly its own bytes and match its commitment.
 */
#include "fuzz_util.h"
#include "zkmlops/dataset.h"

int zkm_fuzz_zkd(const uint8_t *data, size_t len)
{
    zk_rbuf r;
    zk_dataset_private p;
    zk_rbuf_init(&r, data, len);
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_dataset_private_read(&r, &p), "zk_dataset_private_read");
    if (st != ZK_OK) {
        if (p.com.meta.col_names || p.com.range_proof || p.wit.evals)
            zkm_fuzz_fail("zk_dataset_private_read failed but left allocations");
        return 0;
    }
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_dataset_private_write(&w, &p);
    if (w.oom || w.len != len || memcmp(w.data, data, len) != 0)
        zkm_fuzz_fail("accepted .zkd does not re-serialize to itself (%zu vs %zu bytes)", w.len, len);
    zk_wbuf_free(&w);
    const zk_dataset_meta *m = &p.com.meta;
    for (uint32_t i = 0; i < m->n_rows; i += 1 + m->n_rows / 4)
        for (uint32_t j = 0; j < m->n_cols; j++)
            (void)zk_dataset_private_value(&p, i, j);
    (void)zk_dataset_openings_left(&p);
    zk_dataset_private_free(&p);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_zkd)
