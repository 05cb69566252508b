/*
 * fuzz_monitor_window — zk_monitor_window_commitment_load (monitor.h): the
 * public file of a closed monitoring window (header + dataset commitment
 * with its range proof, which the loader verifies), through a memfd path.
 * Input: the window .com.
 * Invariants: an accepted window has 1..ZK_MONITOR_MAX_WINDOW records,
 * ts_first <= ts_last, a table of n rows and d + K (+ feedback) columns at
 * least, its id is computable and the chain check against itself (a window
 * cannot follow itself) is refused with a message.
 */
#include "fuzz_util.h"
#include "zkmlops/monitor.h"

int zkm_fuzz_monitor_window(const uint8_t *data, size_t len)
{
    zk_monitor_window_commitment c;
    memset(&c, 0, sizeof c);
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_monitor_window_commitment_load(zkm_fuzz_file(data, len), &c),
                             "zk_monitor_window_commitment_load");
    if (st != ZK_OK) {
        zk_monitor_window_commitment_free(&c);
        return 0;
    }
    if (c.h.n < 1 || c.h.n > ZK_MONITOR_MAX_WINDOW || c.h.ts_first > c.h.ts_last || c.com.meta.n_rows != c.h.n ||
        c.com.meta.n_cols < c.h.d + c.h.K)
        zkm_fuzz_fail("accepted window: n %u, ts [%llu, %llu], table %u x %u, d %u, K %u", c.h.n,
                      (unsigned long long)c.h.ts_first, (unsigned long long)c.h.ts_last, c.com.meta.n_rows,
                      c.com.meta.n_cols, c.h.d, c.h.K);
    uint8_t id[ZK_HASH_BYTES];
    if (zk_monitor_window_id(id, &c) != ZK_OK)
        zkm_fuzz_fail("zk_monitor_window_id failed");
    zkm_fuzz_clear_error();
    if (zkm_fuzz_status(zk_monitor_window_check_chain(&c, &c), "zk_monitor_window_check_chain") == ZK_OK)
        zkm_fuzz_fail("a window follows itself in the chain");
    zkm_fuzz_clear_error();
    (void)zkm_fuzz_status(zk_monitor_window_check_chain(NULL, &c), "zk_monitor_window_check_chain");
    zk_monitor_window_commitment_free(&c);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_monitor_window)
