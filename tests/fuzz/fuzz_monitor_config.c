/*
 * fuzz_monitor_config — zk_monitor_config_parse (monitor.h): the monitoring
 * reference statistics (preprocessing claims or "zkmlops-monitor-reference/v1")
 * and the alerts file ("zkmlops-monitor/v1"). Input parts: 0 the reference
 * JSON, 1 the alerts JSON.
 * Invariants: an accepted configuration has 1..ZK_MONITOR_MAX_FEATURES named
 * features, every std >= 1, a window size in 1..ZK_MONITOR_MAX_WINDOW, and a
 * digest; every bin of zk_monitor_bin is < ZK_MONITOR_BINS.
 */
#include "fuzz_util.h"
#include "zkmlops/monitor.h"

int zkm_fuzz_monitor_config(const uint8_t *data, size_t len)
{
    const uint8_t *part[ZKM_FUZZ_MAX_PARTS];
    size_t plen[ZKM_FUZZ_MAX_PARTS];
    if (zkm_fuzz_split(data, len, part, plen, 2) != 2)
        return 0;
    zk_monitor_config c;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_monitor_config_parse(&c, "ref.json", (const char *)part[0], plen[0], "alerts.json",
                                                     (const char *)part[1], plen[1]),
                             "zk_monitor_config_parse");
    if (st != ZK_OK)
        return 0;
    if (c.n_features < 1 || c.n_features > ZK_MONITOR_MAX_FEATURES || !c.names || !c.mean || !c.std || !c.hist ||
        c.window_size < 1 || c.window_size > ZK_MONITOR_MAX_WINDOW)
        zkm_fuzz_fail("accepted monitoring configuration: %u features, window %u", c.n_features, c.window_size);
    for (uint32_t j = 0; j < c.n_features; j++) {
        if (!c.names[j] || c.std[j] < 1)
            zkm_fuzz_fail("feature %u: name %p, std %lld", j, (void *)c.names[j], (long long)c.std[j]);
        int64_t probe[5] = {c.mean[j], c.mean[j] + c.std[j], c.mean[j] - 3 * c.std[j], INT64_MAX / 4, -INT64_MAX / 4};
        for (int k = 0; k < 5; k++)
            if (zk_monitor_bin(probe[k], c.mean[j], c.std[j]) >= ZK_MONITOR_BINS)
                zkm_fuzz_fail("zk_monitor_bin out of range for feature %u", j);
    }
    uint8_t dg[ZK_HASH_BYTES];
    zk_monitor_config_digest(dg, &c);
    zk_monitor_config_free(&c);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_monitor_config)
