/*
 * fuzz_monitor_log — zk_monitor_log_load (monitor.h): the serving log
 * (hash-chained lines: header, predictions, feedback, closed windows),
 * through a memfd path. Input: the log text.
 * Invariants: an accepted log has consistent counts (records, closed windows
 * within the records, next unclosed id <= records), every record's id equals
 * its index, timestamps never decrease, feedback labels < n_classes.
 */
#include "fuzz_util.h"
#include "zkmlops/monitor.h"

int zkm_fuzz_monitor_log(const uint8_t *data, size_t len)
{
    zk_monitor_log log;
    memset(&log, 0, sizeof log);
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_monitor_log_load(zkm_fuzz_file(data, len), &log), "zk_monitor_log_load");
    if (st != ZK_OK) {
        zk_monitor_log_free(&log);
        return 0;
    }
    if (log.next_unclosed > log.n_records || (log.n_records && (!log.rec || !log.vals)) || log.d < 1 ||
        log.window_size < 1 || log.window_size > ZK_MONITOR_MAX_WINDOW)
        zkm_fuzz_fail("accepted log: %llu records, next unclosed %llu, d %u, window %u",
                      (unsigned long long)log.n_records, (unsigned long long)log.next_unclosed, log.d,
                      log.window_size);
    for (uint64_t i = 0; i < log.n_records; i++) {
        const zk_monitor_record *r = &log.rec[i];
        if (r->id != i || (i && r->ts < log.rec[i - 1].ts) || (r->has_feedback && r->label >= log.n_classes))
            zkm_fuzz_fail("record %llu: id %llu, ts %llu, label %u of %u", (unsigned long long)i,
                          (unsigned long long)r->id, (unsigned long long)r->ts, r->label, log.n_classes);
    }
    zk_monitor_log_free(&log);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_monitor_log)
