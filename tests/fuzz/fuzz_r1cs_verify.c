/*
 * fuzz_r1cs_verify — zk_r1cs_verify (r1cs.h) as `r1cs verify` runs it:
 * circuit (.r1cs), public signals (public.json), proof.
 * Input parts: 0 the .r1cs, 1 public.json, 2 the proof file.
 */
#include "fuzz_util.h"
#include "zkmlops/r1cs.h"

int zkm_fuzz_r1cs_verify(const uint8_t *data, size_t len)
{
    const uint8_t *part[ZKM_FUZZ_MAX_PARTS];
    size_t plen[ZKM_FUZZ_MAX_PARTS];
    if (zkm_fuzz_split(data, len, part, plen, 3) != 3)
        return 0;
    zk_r1cs c;
    if (zk_r1cs_parse(&c, part[0], plen[0], "fuzz.r1cs") != ZK_OK)
        return 0;
    gl_t *pub;
    size_t n_pub;
    if (zk_r1cs_public_parse_json(&pub, &n_pub, (const char *)part[1], plen[1], "fuzz.json") != ZK_OK) {
        zk_r1cs_free(&c);
        return 0;
    }
    zk_spartan_security sec;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_r1cs_verify(&c, pub, n_pub, part[2], plen[2], &sec), "zk_r1cs_verify");
    if (st != ZK_OK && st != ZK_ERR_REJECT && st != ZK_ERR_INPUT && st != ZK_ERR_NOMEM)
        zkm_fuzz_fail("zk_r1cs_verify returned %d", st);
    if (st == ZK_OK && n_pub > 0) {
        /* The same proof must not verify other public values. */
        pub[0] = pub[0] == 0 ? 1 : pub[0] - 1;
        if (zk_r1cs_verify(&c, pub, n_pub, part[2], plen[2], NULL) == ZK_OK)
            zkm_fuzz_fail("an R1CS proof verifies two different values of public signal 0");
    }
    free(pub);
    zk_r1cs_free(&c);
    return st == ZK_OK;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_r1cs_verify)
