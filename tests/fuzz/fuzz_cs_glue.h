/*
 * fuzz_cs_glue.h — the fixed small circuit of fuzz_cs_verify (and of the seed
 * generator tests/fuzz/gen_seeds.c): a linked segment of 8 committed values v
 * (hiding WHIR commitment with 3 variables), public output
 * y = sum_i (i + 1) v_i, v_0 range-checked in 16 signed bits and v_1 * v_2
 * proved equal to a private product wire. Context "zkm-fuzz-cs".
 */
#ifndef ZKMLOPS_FUZZ_CS_GLUE_H
#define ZKMLOPS_FUZZ_CS_GLUE_H

#include "zkmlops/circuit.h"
#include "zkmlops/field.h"
#include "zkmlops/whir.h"

#define ZKM_CS_LOG 3u
#define ZKM_CS_N (1u << ZKM_CS_LOG)
static const uint8_t zkm_cs_context[] = "zkm-fuzz-cs";

/* Plain reference of the public output. */
static inline int64_t zkm_cs_output(const gl_t *v)
{
    int64_t y = 0;
    for (uint32_t i = 0; i < ZKM_CS_N; i++)
        y += (int64_t)(i + 1) * gl_to_i64(v[i]);
    return y;
}

/* Build the circuit (prover: v = the committed values, wit their opening;
 * verifier: v = wit = NULL) with public output y; fills *link. NULL if out of
 * memory. */
static inline zk_cs *zkm_cs_build(int prover, const gl_t *v, int64_t y, const zk_whir_commitment *com,
                                  const zk_whir_witness *wit, zk_cs_link *link)
{
    zk_cs *cs = zk_cs_new(prover);
    if (!cs)
        return NULL;
    uint32_t py = zk_cs_public_i64(cs, y);
    uint32_t s = zk_cs_segment(cs, prover ? v : NULL, ZKM_CS_LOG);
    uint32_t x[ZKM_CS_N];
    int64_t c[ZKM_CS_N];
    for (uint32_t i = 0; i < ZKM_CS_N; i++) {
        x[i] = s + i;
        c[i] = (int64_t)i + 1;
    }
    uint32_t a = zk_cs_affine(cs, x, c, ZKM_CS_N, 0);
    zk_cs_assert_equal(cs, a, py);
    zk_cs_range_signed(cs, s, 16);
    uint32_t m = zk_cs_private(cs, prover ? gl_mul(v[1], v[2]) : 0);
    uint32_t m2 = zk_cs_mul(cs, s + 1, s + 2);
    zk_cs_assert_equal(cs, m, m2);
    *link = (zk_cs_link){com, prover ? wit : NULL, s};
    return cs;
}

#endif
