/*
 * fuzz_stats_json — the claimed-statistics JSON reader of `stats verify`
 * (src/cli/cmd_stats.c, load_claimed) against a commitment.
 * Input parts: 0 the .com file, 1 the statistics JSON.
 */
#include "fuzz_util.h"
#include "fuzz_stats_glue.h"

int zkm_fuzz_stats_json(const uint8_t *data, size_t len)
{
    const uint8_t *part[ZKM_FUZZ_MAX_PARTS];
    size_t plen[ZKM_FUZZ_MAX_PARTS];
    if (zkm_fuzz_split(data, len, part, plen, 2) != 2)
        return 0;
    zk_dataset_commitment com;
    zk_stats st;
    if (fuzz_stats_load(part[0], plen[0], part[1], plen[1], &com, &st) != ZK_OK)
        return 0;
    for (uint32_t j = 0; j < st.n_cols; j++) {
        (void)zk_stats_mean_fixed(&st, j);
        (void)zk_stats_variance_fixed(&st, j);
    }
    zk_stats_free(&st);
    zk_dataset_commitment_free(&com);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_stats_json)
