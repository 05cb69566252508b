/*
 * fuzz_whir_commitment — zk_whir_params_read and zk_whir_commitment_read
 * (whir.h), run on the same bytes. Accepted objects must re-serialize to the
 * bytes consumed, reach their security target (params.h calculator) and give
 * consistent derived sizes.
 */
#include "fuzz_util.h"
#include "pcs/whir_internal.h"
#include "zkmlops/params.h"
#include "zkmlops/whir.h"

static void fuzz_whir_com_check_params(const zk_whir_params *p)
{
    if (zk_whir_params_check(p) != NULL)
        zkm_fuzz_fail("accepted WHIR parameters fail zk_whir_params_check: %s", zk_whir_params_check(p));
    if (p->achieved_bits < (double)p->security_target - 1e-9 || p->security_target < 128)
        zkm_fuzz_fail("accepted WHIR parameters reach %.2f bits (target %u)", p->achieved_bits, p->security_target);
    (void)zk_whir_expected_proof_bytes(p);
    (void)zk_whir_hiding_opening_budget(p);
}

int zkm_fuzz_whir_commitment(const uint8_t *data, size_t len)
{
    int ok = 0;
    zk_rbuf r;
    zk_whir_params p;
    zk_rbuf_init(&r, data, len);
    zkm_fuzz_clear_error();
    if (zkm_fuzz_status(zk_whir_params_read(&r, &p), "zk_whir_params_read") == ZK_OK) {
        fuzz_whir_com_check_params(&p);
        zk_wbuf w;
        zk_wbuf_init(&w);
        zk_whir_params_write(&w, &p);
        if (w.oom || w.len != r.pos || memcmp(w.data, data, r.pos) != 0)
            zkm_fuzz_fail("accepted WHIR parameters do not re-serialize to the %zu bytes read", r.pos);
        zk_wbuf_free(&w);
        ok = 1;
    } else if (!r.err) {
        zkm_fuzz_fail("zk_whir_params_read failed without marking the reader failed");
    }

    zk_whir_commitment c;
    zk_rbuf_init(&r, data, len);
    zkm_fuzz_clear_error();
    if (zkm_fuzz_status(zk_whir_commitment_read(&r, &c), "zk_whir_commitment_read") == ZK_OK) {
        fuzz_whir_com_check_params(&c.params);
        zk_wbuf w;
        zk_wbuf_init(&w);
        zk_whir_commitment_write(&w, &c);
        if (w.oom || w.len != r.pos || memcmp(w.data, data, r.pos) != 0)
            zkm_fuzz_fail("accepted WHIR commitment does not re-serialize to the %zu bytes read", r.pos);
        zk_wbuf_free(&w);
        ok = 1;
    }
    return ok;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_whir_commitment)
