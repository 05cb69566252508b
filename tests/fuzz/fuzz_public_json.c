/*
 * fuzz_public_json — zk_r1cs_public_parse_json (r1cs.h), snarkjs public.json.
 * Accepted values must be canonical and survive a write/parse round trip.
 */
#include "fuzz_util.h"
#include "zkmlops/r1cs.h"

int zkm_fuzz_public_json(const uint8_t *data, size_t len)
{
    gl_t *v;
    size_t n;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_r1cs_public_parse_json(&v, &n, (const char *)data, len, "fuzz.json"),
                             "zk_r1cs_public_parse_json");
    if (st != ZK_OK) {
        if (v || n)
            zkm_fuzz_fail("zk_r1cs_public_parse_json failed but set outputs");
        return 0;
    }
    if (n > ZK_R1CS_MAX_PUBLIC)
        zkm_fuzz_fail("%zu public values accepted", n);
    for (size_t i = 0; i < n; i++)
        if (v[i] >= GL_P)
            zkm_fuzz_fail("public value %zu not canonical", i);
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_r1cs_public_write_json(&w, v, n);
    gl_t *v2;
    size_t n2;
    if (w.oom || zk_r1cs_public_parse_json(&v2, &n2, (const char *)w.data, w.len, "round-trip") != ZK_OK)
        zkm_fuzz_fail("written public.json does not parse: %s", zk_last_error());
    if (n2 != n || (n && memcmp(v, v2, n * sizeof *v) != 0))
        zkm_fuzz_fail("public.json round trip changed the values");
    free(v2);
    zk_wbuf_free(&w);
    free(v);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_public_json)
