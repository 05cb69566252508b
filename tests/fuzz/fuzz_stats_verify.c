/*
 * fuzz_stats_verify — zk_stats_verify (stats.h) as `stats verify` runs it:
 * commitment, claimed statistics (JSON, src/cli/cmd_stats.c), proof.
 * Input parts: 0 the .com file, 1 the statistics JSON, 2 the proof file.
 */
#include "fuzz_util.h"
#include "fuzz_stats_glue.h"

int zkm_fuzz_stats_verify(const uint8_t *data, size_t len)
{
    const uint8_t *part[ZKM_FUZZ_MAX_PARTS];
    size_t plen[ZKM_FUZZ_MAX_PARTS];
    if (zkm_fuzz_split(data, len, part, plen, 3) != 3)
        return 0;
    zk_dataset_commitment com;
    zk_stats st;
    if (fuzz_stats_load(part[0], plen[0], part[1], plen[1], &com, &st) != ZK_OK)
        return 0;
    zk_stats_security sec;
    zkm_fuzz_clear_error();
    int rc = zkm_fuzz_status(zk_stats_verify(&com, &st, part[2], plen[2], &sec), "zk_stats_verify");
    if (rc != ZK_OK && rc != ZK_ERR_REJECT && rc != ZK_ERR_INPUT && rc != ZK_ERR_NOMEM)
        zkm_fuzz_fail("zk_stats_verify returned %d", rc);
    if (rc == ZK_OK) {
        if (sec.proof_bytes != plen[2] || !(sec.security_bits >= 128.0 - 1e-9))
            zkm_fuzz_fail("accepted stats proof reports %zu bytes, %.2f bits", sec.proof_bytes, sec.security_bits);
        /* The same proof must not verify a different claim. */
        st.sum[0] += st.sum[0] > 0 ? -1 : 1;
        if (zk_stats_verify(&com, &st, part[2], plen[2], NULL) == ZK_OK)
            zkm_fuzz_fail("a stats proof verifies two different sums for column 1");
    }
    zk_stats_free(&st);
    zk_dataset_commitment_free(&com);
    return rc == ZK_OK;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_stats_verify)
