/*
 * fuzz_util.h — shared helpers of the libFuzzer targets in tests/fuzz/
 * (docs/robustness.md).
 *
 * Every target file tests/fuzz/fuzz_NAME.c defines one harness
 *     int zkm_fuzz_NAME(const uint8_t *data, size_t len);
 * returning 1 if the input was accepted (parsed / proof valid), 0 if it was
 * refused, and aborting (zkm_fuzz_fail) when an invariant is violated (an
 * accepted input that does not re-serialize to itself, a refusal without an
 * error message, ...). ZKM_FUZZ_ENTRY(zkm_fuzz_NAME) then defines
 * LLVMFuzzerTestOneInput, unless ZKM_FUZZ_NO_ENTRY is defined: tests/test_regress.c
 * includes every target file that way and replays tests/regress/ and the seed
 * corpora through the same harnesses (gcc build, ASan build, valgrind).
 *
 * Multi-part inputs (a statement and a proof, ...) are the parts joined by the
 * 8-byte separator ZKM_FUZZ_SEP; tools/fuzz-seeds.sh writes real ones.
 */
#ifndef ZKMLOPS_FUZZ_UTIL_H
#define ZKMLOPS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zkmlops/status.h"

#define ZKM_FUZZ_SEP "\nZK-SEP\n"
#define ZKM_FUZZ_SEP_LEN 8u
#define ZKM_FUZZ_MAX_PARTS 4u

#ifndef ZKM_FUZZ_NO_ENTRY
#define ZKM_FUZZ_ENTRY(fn)                                                                         \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);                                   \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)                                    \
    {                                                                                              \
        (void)fn(data, len);                                                                       \
        return 0;                                                                                  \
    }
#else
#define ZKM_FUZZ_ENTRY(fn)
#endif

/* The harnesses (one per target file). */
int zkm_fuzz_csv(const uint8_t *data, size_t len);
int zkm_fuzz_com(const uint8_t *data, size_t len);
int zkm_fuzz_zkd(const uint8_t *data, size_t len);
int zkm_fuzz_range_verify(const uint8_t *data, size_t len);
int zkm_fuzz_whir_commitment(const uint8_t *data, size_t len);
int zkm_fuzz_whir_verify(const uint8_t *data, size_t len);
int zkm_fuzz_stats_json(const uint8_t *data, size_t len);
int zkm_fuzz_stats_verify(const uint8_t *data, size_t len);
int zkm_fuzz_r1cs(const uint8_t *data, size_t len);
int zkm_fuzz_wtns(const uint8_t *data, size_t len);
int zkm_fuzz_sym(const uint8_t *data, size_t len);
int zkm_fuzz_public_json(const uint8_t *data, size_t len);
int zkm_fuzz_r1cs_verify(const uint8_t *data, size_t len);
int zkm_fuzz_onnx(const uint8_t *data, size_t len);
int zkm_fuzz_model_com(const uint8_t *data, size_t len);
int zkm_fuzz_model_zkm(const uint8_t *data, size_t len);
int zkm_fuzz_input_json(const uint8_t *data, size_t len);
int zkm_fuzz_cs_verify(const uint8_t *data, size_t len);
int zkm_fuzz_infer_verify(const uint8_t *data, size_t len);
int zkm_fuzz_prep_pipeline(const uint8_t *data, size_t len);
int zkm_fuzz_train_spec(const uint8_t *data, size_t len);
int zkm_fuzz_metrics_spec(const uint8_t *data, size_t len);
int zkm_fuzz_monitor_config(const uint8_t *data, size_t len);
int zkm_fuzz_monitor_log(const uint8_t *data, size_t len);
int zkm_fuzz_monitor_window(const uint8_t *data, size_t len);
int zkm_fuzz_audit_pipeline(const uint8_t *data, size_t len);
int zkm_fuzz_manifest(const uint8_t *data, size_t len);

/* An invariant failed: report and abort (libFuzzer records the input). */
#define zkm_fuzz_fail(...)                                                                         \
    do {                                                                                           \
        fprintf(stderr, "zkm-fuzz invariant violated at %s:%d: ", __FILE__, __LINE__);           \
        fprintf(stderr, __VA_ARGS__);                                                              \
        fprintf(stderr, "\n");                                                                     \
        abort();                                                                                   \
    } while (0)

/* Start of a call whose error message is checked: clear the message. */
static inline void zkm_fuzz_clear_error(void) { (void)zk_set_error(ZK_OK, "%s", ""); }

/* Status st of an API call: an error must come with a message (status.h). */
static inline int zkm_fuzz_status(int st, const char *call)
{
    if (st != ZK_OK && zk_last_error()[0] == 0)
        zkm_fuzz_fail("%s returned %d without an error message", call, st);
    if (st < ZK_OK || st > ZK_ERR_RANGE)
        zkm_fuzz_fail("%s returned an unknown status %d", call, st);
    return st;
}

/* Split data at the first max-1 separators: *n_parts parts (>= 1). */
static inline size_t zkm_fuzz_split(const uint8_t *data, size_t len, const uint8_t **part, size_t *plen,
                                    size_t max)
{
    size_t n = 0, start = 0, i = 0;
    while (n + 1 < max && len >= ZKM_FUZZ_SEP_LEN && i <= len - ZKM_FUZZ_SEP_LEN) {
        if (memcmp(data + i, ZKM_FUZZ_SEP, ZKM_FUZZ_SEP_LEN) == 0) {
            part[n] = data + start;
            plen[n] = i - start;
            n++;
            i += ZKM_FUZZ_SEP_LEN;
            start = i;
        } else {
            i++;
        }
    }
    part[n] = data + start;
    plen[n] = len - start;
    return n + 1;
}

/* A path whose content is data[0..len): a memfd rewritten on each call (for
 * the APIs that take a file name). Returns a static buffer. */
static inline const char *zkm_fuzz_file(const void *data, size_t len)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = (int)syscall(SYS_memfd_create, "zkm-fuzz", 0u);
        if (fd < 0)
            zkm_fuzz_fail("memfd_create failed");
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0)
        zkm_fuzz_fail("ftruncate failed");
    const uint8_t *p = data;
    size_t off = 0;
    while (off < len) {
        ssize_t w = pwrite(fd, p + off, len - off, (off_t)off);
        if (w <= 0)
            zkm_fuzz_fail("pwrite failed");
        off += (size_t)w;
    }
    return path;
}

#endif
