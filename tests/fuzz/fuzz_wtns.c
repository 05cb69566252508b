/*
 * fuzz_wtns — zk_wtns_parse (r1cs.h), the .wtns reader. With two parts
 * (fuzz_util.h separator) the first is a .r1cs and the witness is checked
 * against it (zk_r1cs_check_witness), as `r1cs prove` does.
 */
#include "fuzz_util.h"
#include "zkmlops/r1cs.h"

int zkm_fuzz_wtns(const uint8_t *data, size_t len)
{
    const uint8_t *part[ZKM_FUZZ_MAX_PARTS];
    size_t plen[ZKM_FUZZ_MAX_PARTS];
    size_t np = zkm_fuzz_split(data, len, part, plen, 2);
    const uint8_t *wd = part[np - 1];
    size_t wl = plen[np - 1];
    gl_t *v;
    uint32_t n;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_wtns_parse(&v, &n, wd, wl, "fuzz.wtns"), "zk_wtns_parse");
    if (st != ZK_OK) {
        if (v || n)
            zkm_fuzz_fail("zk_wtns_parse failed but set outputs");
        return 0;
    }
    if (n > ZK_R1CS_MAX_WIRES)
        zkm_fuzz_fail("%u witness values accepted", n);
    for (uint32_t i = 0; i < n; i++)
        if (v[i] >= GL_P)
            zkm_fuzz_fail("witness value %u not canonical", i);
    int accepted = 1;
    if (np == 2) {
        zk_r1cs c;
        if (zk_r1cs_parse(&c, part[0], plen[0], "fuzz.r1cs") == ZK_OK) {
            uint32_t bad;
            zkm_fuzz_clear_error();
            int cst = zkm_fuzz_status(zk_r1cs_check_witness(&c, v, n, NULL, &bad), "zk_r1cs_check_witness");
            if ((cst == ZK_OK) != (bad == UINT32_MAX) && n == c.n_wires && n > 0 && v[0] == 1)
                zkm_fuzz_fail("witness check: status %d, first failing %u", cst, bad);
            accepted = cst == ZK_OK;
            zk_r1cs_free(&c);
        }
    }
    free(v);
    return accepted;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_wtns)
