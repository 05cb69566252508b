/*
 * fuzz_model_com — zk_model_commitment_read (model.h): the public model
 * commitment file (.com): header, architecture (zk_model_arch_read), counts,
 * WHIR commitment. Input: a model .com.
 * Invariants: an accepted file re-serializes to exactly its bytes; its
 * architecture passes zk_model_validate; the parameter count matches the
 * architecture and the WHIR commitment has 2^log_len entries, hiding; the
 * opening budget N is in range, with >= 3N + 16 blinding entries and a WHIR
 * mask for N openings; the commitment id is computable.
 */
#include "fuzz_util.h"
#include "zkmlops/model.h"

int zkm_fuzz_model_com(const uint8_t *data, size_t len)
{
    zk_rbuf r;
    zk_model_commitment c;
    zk_rbuf_init(&r, data, len);
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_model_commitment_read(&r, &c), "zk_model_commitment_read");
    if (st != ZK_OK) {
        if (c.arch.tensors || c.arch.nodes)
            zkm_fuzz_fail("zk_model_commitment_read failed but left allocations");
        return 0;
    }
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_model_commitment_write(&w, &c);
    if (w.oom || w.len != len || memcmp(w.data, data, len) != 0)
        zkm_fuzz_fail("accepted model .com does not re-serialize to itself (%zu vs %zu bytes)", w.len, len);
    zk_wbuf_free(&w);
    if (zk_model_validate(&c.arch, 0) != ZK_OK)
        zkm_fuzz_fail("accepted model .com with an invalid architecture: %s", zk_last_error());
    if (c.n_params != zk_model_n_params(&c.arch) || c.n_params > ZK_MODEL_MAX_PARAMS ||
        c.whir.params.n_vars != c.log_len || !c.whir.params.hiding ||
        c.opening_budget < 1 || c.opening_budget > ZK_MODEL_MAX_OPENINGS ||
        ((uint64_t)1 << c.log_len) < c.n_params + ZK_MODEL_BLIND_FOR(c.opening_budget) ||
        zk_whir_hiding_opening_budget(&c.whir.params) < c.opening_budget)
        zkm_fuzz_fail("accepted model .com: %llu parameters, 2^%u entries, %u WHIR variables, budget %u",
                      (unsigned long long)c.n_params, c.log_len, c.whir.params.n_vars, c.opening_budget);
    uint8_t id[ZK_HASH_BYTES];
    if (zk_model_commitment_id(id, &c) != ZK_OK)
        zkm_fuzz_fail("zk_model_commitment_id failed");
    zk_model_commitment_free(&c);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_model_com)
