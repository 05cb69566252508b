/*
 * fuzz_cs_verify — zk_cs_verify (circuit.h) on the fixed small circuit of
 * fuzz_cs_glue.h with one linked commitment: the engine every stage proof
 * uses. Input parts: 0 the linked WHIR commitment (zk_whir_commitment_write
 * bytes), 1 the public output (8 bytes, int64 little-endian), 2 the proof
 * body (zk_cs_prove output).
 * Invariants: only OK / REJECT / INPUT / NOMEM with a message; an accepted
 * proof is rejected for output + 1 and for another context.
 */
#include "fuzz_util.h"
#include "fuzz_cs_glue.h"
#include "zkmlops/buf.h"

static int cs_verify_once(const zk_whir_commitment *com, int64_t y, const uint8_t *ctx, size_t ctx_len,
                          const uint8_t *proof, size_t len)
{
    zk_cs_link link;
    zk_cs *cs = zkm_cs_build(0, NULL, y, com, NULL, &link);
    if (!cs)
        return ZK_ERR_NOMEM;
    zkm_fuzz_clear_error();
    int st = zk_cs_status(cs);
    if (st == ZK_OK)
        st = zkm_fuzz_status(zk_cs_verify(cs, ctx, ctx_len, &link, 1, proof, len, NULL), "zk_cs_verify");
    zk_cs_free(cs);
    if (st != ZK_OK && st != ZK_ERR_REJECT && st != ZK_ERR_INPUT && st != ZK_ERR_NOMEM)
        zkm_fuzz_fail("zk_cs_verify returned %d", st);
    return st;
}

int zkm_fuzz_cs_verify(const uint8_t *data, size_t len)
{
    const uint8_t *part[ZKM_FUZZ_MAX_PARTS];
    size_t plen[ZKM_FUZZ_MAX_PARTS];
    if (zkm_fuzz_split(data, len, part, plen, 3) != 3 || plen[1] != 8)
        return 0;
    zk_rbuf r;
    zk_whir_commitment com;
    zk_rbuf_init(&r, part[0], plen[0]);
    if (zk_whir_commitment_read(&r, &com) != ZK_OK || zk_rbuf_left(&r) != 0)
        return 0;
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = (u << 8) | part[1][i];
    int64_t y = (int64_t)u;
    int st = cs_verify_once(&com, y, zkm_cs_context, sizeof zkm_cs_context, part[2], plen[2]);
    if (st == ZK_OK) {
        int64_t y2 = (int64_t)(u + 1);
        if (cs_verify_once(&com, y2, zkm_cs_context, sizeof zkm_cs_context, part[2], plen[2]) == ZK_OK)
            zkm_fuzz_fail("a circuit proof verifies outputs %lld and %lld", (long long)y, (long long)y2);
        if (cs_verify_once(&com, y, zkm_cs_context, sizeof zkm_cs_context - 1, part[2], plen[2]) == ZK_OK)
            zkm_fuzz_fail("a circuit proof verifies under two contexts");
    }
    return st == ZK_OK;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_cs_verify)
