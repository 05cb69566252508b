/*
 * fuzz_model_zkm — zk_model_private_read (model.h): the private model file
 * (.zkm): the commitment, the opening counter, the WHIR witness (re-committed
 * and compared with the recorded commitment) and the float parameters.
 * Input: a .zkm.
 * Invariants: an accepted file re-serializes to exactly its bytes, its model
 * passes zk_model_validate with data and its committed vector starts with the
 * quantized parameters.
 */
#include "fuzz_util.h"
#include "zkmlops/model.h"

int zkm_fuzz_model_zkm(const uint8_t *data, size_t len)
{
    zk_rbuf r;
    zk_model_private p;
    zk_rbuf_init(&r, data, len);
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_model_private_read(&r, &p), "zk_model_private_read");
    if (st != ZK_OK) {
        if (p.model.tensors || p.com.arch.tensors || p.wit.evals)
            zkm_fuzz_fail("zk_model_private_read failed but left allocations");
        return 0;
    }
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_model_private_write(&w, &p);
    if (w.oom || w.len != len || memcmp(w.data, data, len) != 0)
        zkm_fuzz_fail("accepted .zkm does not re-serialize to itself (%zu vs %zu bytes)", w.len, len);
    zk_wbuf_free(&w);
    if (zk_model_validate(&p.model, 1) != ZK_OK)
        zkm_fuzz_fail("accepted .zkm with an invalid model: %s", zk_last_error());
    uint64_t off = 0;
    for (uint32_t t = 0; t < p.model.n_tensors; t++) {
        const zk_tensor *T = &p.model.tensors[t];
        if (!T->is_param)
            continue;
        uint64_t n = zk_tensor_numel(T);
        for (uint64_t i = 0; i < n; i++)
            if (gl_from_i64(T->qdata[i]) != p.wit.evals[off + i])
                zkm_fuzz_fail("parameter %llu of tensor %u differs from its committed entry",
                              (unsigned long long)i, t);
        off += n;
    }
    if (off != p.com.n_params)
        zkm_fuzz_fail("accepted .zkm: %llu parameters, commitment says %llu", (unsigned long long)off,
                      (unsigned long long)p.com.n_params);
    zk_model_private_free(&p);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_model_zkm)
