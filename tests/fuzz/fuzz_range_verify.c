/*
 * fuzz_range_verify — zk_dataset_commitment_check, i.e. zk_range_verify
 * (range.h) on the range proof embedded in a .com file, as
 * zk_dataset_commitment_load does for `stats verify`.
 */
#include "fuzz_util.h"
#include "zkmlops/dataset.h"
#include "zkmlops/range.h"

int zkm_fuzz_range_verify(const uint8_t *data, size_t len)
{
    zk_rbuf r;
    zk_dataset_commitment c;
    zk_rbuf_init(&r, data, len);
    if (zk_dataset_commitment_read(&r, &c) != ZK_OK)
        return 0;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_dataset_commitment_check(&c), "zk_dataset_commitment_check");
    if (st == ZK_OK) {
        /* A proof for B bits must not verify for another range (bound in the binding section). */
        unsigned other = c.range_bits == 32 ? 31 : c.range_bits + 1;
        if (zk_range_verify(&c, other, c.range_proof, c.range_proof_len) == ZK_OK)
            zkm_fuzz_fail("range proof for %u bits also verifies for %u bits", c.range_bits, other);
    }
    zk_dataset_commitment_free(&c);
    return st == ZK_OK;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_range_verify)
