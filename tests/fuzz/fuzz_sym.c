/*
 * fuzz_sym — zk_r1cs_symbols_load (r1cs.h), circom's .sym text reader (the
 * file comes through a memfd path). Accepted tables must be sorted and every
 * label must be found.
 */
#include "fuzz_util.h"
#include "zkmlops/r1cs.h"

int zkm_fuzz_sym(const uint8_t *data, size_t len)
{
    zk_r1cs_symbols s;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_r1cs_symbols_load(&s, zkm_fuzz_file(data, len)), "zk_r1cs_symbols_load");
    if (st != ZK_OK) {
        if (s.n || s.label || s.name)
            zkm_fuzz_fail("zk_r1cs_symbols_load failed but left a table");
        return 0;
    }
    for (size_t i = 0; i < s.n; i++) {
        if (i > 0 && s.label[i - 1] > s.label[i])
            zkm_fuzz_fail("labels not sorted at %zu", i);
        const char *nm = zk_r1cs_symbols_find(&s, s.label[i]);
        if (!nm)
            zkm_fuzz_fail("label %llu not found", (unsigned long long)s.label[i]);
    }
    (void)zk_r1cs_symbols_find(&s, UINT64_MAX);
    zk_r1cs_symbols_free(&s);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_sym)
