/*
 * fuzz_r1cs — zk_r1cs_parse (r1cs.h), circom's .r1cs reader. An accepted
 * circuit must satisfy every documented invariant (limits, wire ids, canonical
 * coefficients, CSR rows, labels), have a Spartan layout, and the witness
 * check must run on it (all-zero witness with the constant wire 1).
 */
#include "fuzz_util.h"
#include "zkmlops/r1cs.h"

int zkm_fuzz_r1cs(const uint8_t *data, size_t len)
{
    zk_r1cs c;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_r1cs_parse(&c, data, len, "fuzz.r1cs"), "zk_r1cs_parse");
    if (st != ZK_OK) {
        if (c.labels || c.abc[0].row_ptr || c.n_wires)
            zkm_fuzz_fail("zk_r1cs_parse failed but did not zero *out");
        return 0;
    }
    if (c.n_wires < 1 || c.n_wires > ZK_R1CS_MAX_WIRES || c.n_constraints > ZK_R1CS_MAX_CONSTRAINTS ||
        (uint64_t)c.n_pub_out + c.n_pub_in + c.n_prv_in + 1 > c.n_wires || zk_r1cs_n_public(&c) > ZK_R1CS_MAX_PUBLIC)
        zkm_fuzz_fail("accepted circuit outside the limits");
    for (int k = 0; k < 3; k++) {
        const zk_r1cs_matrix *M = &c.abc[k];
        if (M->row_ptr[0] != 0)
            zkm_fuzz_fail("row_ptr[0] != 0");
        for (uint32_t i = 0; i < c.n_constraints; i++) {
            if (M->row_ptr[i + 1] < M->row_ptr[i])
                zkm_fuzz_fail("row_ptr decreases");
            for (uint64_t t = M->row_ptr[i]; t < M->row_ptr[i + 1]; t++)
                if (M->wire[t] >= c.n_wires || M->coeff[t] >= GL_P)
                    zkm_fuzz_fail("term %llu: wire %u, coefficient %llu", (unsigned long long)t, M->wire[t],
                                  (unsigned long long)M->coeff[t]);
        }
    }
    for (uint32_t w = 0; w < c.n_wires; w++)
        if (c.labels[w] >= c.n_labels)
            zkm_fuzz_fail("wire %u: label out of range", w);
    zk_spartan_layout L;
    zkm_fuzz_clear_error();
    if (zkm_fuzz_status(zk_spartan_layout_compute(&L, &c), "zk_spartan_layout_compute") == ZK_OK) {
        zk_spartan_security sec;
        zk_spartan_security_compute(&sec, &L);
    }
    gl_t *w = calloc(c.n_wires, sizeof *w);
    if (!w)
        zkm_fuzz_fail("out of memory");
    w[0] = 1;
    uint32_t bad;
    zkm_fuzz_clear_error();
    int wst = zkm_fuzz_status(zk_r1cs_check_witness(&c, w, c.n_wires, NULL, &bad), "zk_r1cs_check_witness");
    if ((wst == ZK_OK) != (bad == UINT32_MAX) || (bad != UINT32_MAX && bad >= c.n_constraints))
        zkm_fuzz_fail("witness check: status %d, first failing %u", wst, bad);
    free(w);
    zk_r1cs_free(&c);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_r1cs)
