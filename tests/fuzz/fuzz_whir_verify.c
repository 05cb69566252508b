/*
 * fuzz_whir_verify — zk_whir_verify (whir.h), the raw WHIR opening verifier.
 * Input parts (fuzz_util.h separator):
 *   0  commitment (zk_whir_commitment_write), consumed exactly;
 *   1  claims: u8 count (1..4), then per claim u8 kind (0 point, 1 linear),
 *      n_vars (point) or 2^n_vars (linear, only n_vars <= 10) F_p^3 elements,
 *      and the claimed value (F_p^3), consumed exactly;
 *   2  the opening.
 * Transcript: zk_transcript_init("zkm-fuzz-whir"), the commitment absorbed;
 * tests/fuzz/gen_seeds.c makes the seeds with the same protocol.
 */
#include "fuzz_util.h"
#include "zkmlops/transcript.h"
#include "zkmlops/whir.h"

#define FUZZ_WHIR_MAX_CLAIMS 4u
#define FUZZ_WHIR_MAX_LINEAR_VARS 10u

int zkm_fuzz_whir_verify(const uint8_t *data, size_t len)
{
    const uint8_t *part[ZKM_FUZZ_MAX_PARTS];
    size_t plen[ZKM_FUZZ_MAX_PARTS];
    if (zkm_fuzz_split(data, len, part, plen, 3) != 3)
        return 0;
    zk_rbuf r;
    zk_whir_commitment com;
    zk_rbuf_init(&r, part[0], plen[0]);
    if (zk_whir_commitment_read(&r, &com) != ZK_OK || zk_rbuf_left(&r) != 0)
        return 0;
    uint32_t n = com.params.n_vars;

    zk_rbuf_init(&r, part[1], plen[1]);
    uint32_t nc = zk_rbuf_u8(&r);
    if (r.err || nc < 1 || nc > FUZZ_WHIR_MAX_CLAIMS)
        return 0;
    zk_whir_claim claims[FUZZ_WHIR_MAX_CLAIMS];
    gl3_t *vec[FUZZ_WHIR_MAX_CLAIMS] = {0};
    int ok = 1;
    for (uint32_t j = 0; j < nc && ok; j++) {
        uint32_t kind = zk_rbuf_u8(&r);
        if (r.err || kind > 1 || (kind == 1 && n > FUZZ_WHIR_MAX_LINEAR_VARS)) {
            ok = 0;
            break;
        }
        size_t cnt = kind == 0 ? n : (size_t)1 << n;
        if (zk_rbuf_left(&r) / 24 < cnt + 1) {
            ok = 0;
            break;
        }
        vec[j] = malloc(cnt * sizeof *vec[j]);
        if (!vec[j])
            zkm_fuzz_fail("out of memory");
        zk_rbuf_gl3s(&r, vec[j], cnt);
        claims[j].kind = kind == 0 ? ZK_CLAIM_POINT : ZK_CLAIM_LINEAR;
        claims[j].point = kind == 0 ? vec[j] : NULL;
        claims[j].weights = kind == 1 ? vec[j] : NULL;
        claims[j].value = zk_rbuf_gl3(&r);
        ok = !r.err;
    }
    int accepted = 0;
    if (ok && zk_rbuf_left(&r) == 0) {
        zk_transcript t;
        zk_transcript_init(&t, "zkm-fuzz-whir");
        zk_whir_commitment_absorb(&t, &com);
        zk_rbuf_init(&r, part[2], plen[2]);
        zkm_fuzz_clear_error();
        int st = zkm_fuzz_status(zk_whir_verify(&com, claims, nc, &t, &r), "zk_whir_verify");
        if (st != ZK_OK && st != ZK_ERR_REJECT && st != ZK_ERR_NOMEM)
            zkm_fuzz_fail("zk_whir_verify returned %d (documented: OK, REJECT, NOMEM)", st);
        if (st == ZK_OK && r.pos > plen[2])
            zkm_fuzz_fail("zk_whir_verify consumed past the proof");
        accepted = st == ZK_OK && zk_rbuf_left(&r) == 0;
    }
    for (uint32_t j = 0; j < nc; j++)
        free(vec[j]);
    return accepted;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_whir_verify)
