/*
 * lookup.c — range checks proved by LogUp lookups into T = [0, 2^tb)
 * (zk_cs_set_lookups, circuit.h; docs/circuit.md, "Range checks by
 * lookups"). A range check of v in [0, 2^bits) becomes limbs
 * l_0..l_{m-1} (m = ceil(bits / tb)), one linear constraint v = sum 2^(tb i)
 * l_i and a lookup of every limb; the top limb (e = bits - tb (m-1) bits)
 * also gets l' = l_top + 2^tb - 2^e (one constraint), looked up too: both in
 * T <=> l_top in [0, 2^e). The looked-up wires are collected here; prove.c
 * turns them into one LogUp sub-proof (spartan.c).
 */
#include <stdlib.h>
#include <string.h>

#include "circuit/cs_internal.h"

void zk_cs_set_lookups(zk_cs *cs, unsigned table_bits)
{
    ZK_CHECK_ARG(cs != NULL);
    if (cs->st != ZK_OK)
        return;
    if (table_bits != 0 && (table_bits < ZK_CS_LOOKUP_MIN_BITS || table_bits > ZK_CS_LOOKUP_MAX_BITS)) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "zk_cs_set_lookups: table bits %u outside 0 or %u..%u", table_bits,
                   ZK_CS_LOOKUP_MIN_BITS, ZK_CS_LOOKUP_MAX_BITS);
        return;
    }
    if (cs->n_cons != 0 || cs->n_lk != 0 || cs->n_mm != 0) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "zk_cs_set_lookups must be called before the first constraint or gadget");
        return;
    }
    cs->lk_bits = table_bits;
}

unsigned zk_cs_lookup_bits(const zk_cs *cs) { return cs->lk_bits; }
uint32_t zk_cs_n_lookups(const zk_cs *cs) { return cs->n_lk; }

/* Record wire w as looked up; the first lookup allocates the pad wires. */
static int push(zk_cs *cs, uint32_t w)
{
    if (!cs->lk_pad) {
        for (uint32_t i = 0; i < ZK_CS_LOOKUP_PAD; i++) {
            uint32_t p = zk_cs_new_wire(cs, cs->prover ? zk_cs_random_gl() : 0);
            if (!p)
                return -1;
            if (i == 0)
                cs->lk_pad = p;
        }
    }
    if (cs->n_lk >= ZK_CS_MAX_LOOKUPS) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "more than %u looked-up values in one circuit", ZK_CS_MAX_LOOKUPS);
        return -1;
    }
    if (cs->n_lk == cs->lk_cap) {
        uint32_t cap = cs->lk_cap ? 2 * cs->lk_cap : 1024;
        uint32_t *n = realloc(cs->lk, (size_t)cap * sizeof *n);
        if (!n) {
            zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory recording a lookup");
            return -1;
        }
        cs->lk = n;
        cs->lk_cap = cap;
    }
    cs->lk[cs->n_lk++] = w;
    cs->version++;
    return 0;
}

int zk_cs_lookup_limbs(zk_cs *cs, uint64_t u, unsigned bits, zk_lc *sum, int64_t mult)
{
    unsigned tb = cs->lk_bits;
    if (cs->st != ZK_OK || !tb)
        return -1;
    if (bits > ZK_CS_MAX_BITS) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "lookup range: %u bits (max %u)", bits, ZK_CS_MAX_BITS);
        return -1;
    }
    unsigned m = (bits + tb - 1) / tb;
    uint64_t mask = ((uint64_t)1 << tb) - 1;
    for (unsigned i = 0; i < m; i++) {
        unsigned e = i + 1 < m ? tb : bits - tb * (m - 1);
        uint64_t l = cs->prover ? (u >> (tb * i)) & mask : 0;
        uint32_t w = zk_cs_new_wire(cs, l);
        if (!w || push(cs, w) != 0)
            return -1;
        zk_lc_add(sum, w, gl_mul(gl_from_u64((uint64_t)1 << (tb * i)), gl_from_i64(mult)));
        if (e < tb) { /* l' = l + 2^tb - 2^e, looked up: l < 2^e */
            int64_t off = ((int64_t)1 << tb) - ((int64_t)1 << e);
            zk_lc *a = &cs->s[3];
            zk_lc_clear(a);
            zk_lc_add_i64(a, w, 1);
            zk_lc_add_i64(a, 0, off);
            uint32_t wp = zk_cs_lc_wire(cs, a);
            if (!wp || push(cs, wp) != 0)
                return -1;
        }
    }
    return cs->st == ZK_OK ? 0 : -1;
}

int zk_cs_lookup_range(zk_cs *cs, const zk_lc *lc, unsigned bits, const char *g)
{
    if (cs->st != ZK_OK)
        return -1;
    if (bits > ZK_CS_MAX_BITS) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "%s: bit width %u outside 0..%u", g, bits, ZK_CS_MAX_BITS);
        return -1;
    }
    gl_t v = cs->prover ? zk_cs_lc_value(cs, lc) : 0;
    if (cs->prover && (bits < 64 ? v >= ((uint64_t)1 << bits) : 0)) {
        zk_cs_fail(cs, ZK_ERR_RANGE, "%s: value %lld is outside [0, 2^%u)", g, (long long)gl_to_i64(v), bits);
        return -1;
    }
    /* the limbs' sum, built in a private lc (s[3] is used for l') */
    zk_lc sum;
    zk_lc_init(&sum);
    int rc = zk_cs_lookup_limbs(cs, v, bits, &sum, 1);
    if (rc == 0)
        zk_cs_enforce_equal(cs, lc, &sum);
    zk_lc_free(&sum);
    return rc == 0 && cs->st == ZK_OK ? 0 : -1;
}

int zk_cs_lookup_check(const zk_cs *cs)
{
    if (!cs->n_lk)
        return ZK_OK;
    uint64_t bound = (uint64_t)1 << cs->lk_bits;
    for (uint32_t i = 0; i < cs->n_lk; i++)
        if (cs->val[cs->lk[i]] >= bound)
            return zk_set_error(ZK_ERR_INPUT, "lookup %u (wire %u): value %lld is outside the table [0, 2^%u)", i,
                                cs->lk[i], (long long)gl_to_i64(cs->val[cs->lk[i]]), cs->lk_bits);
    return ZK_OK;
}

void zk_cs_lookup_free(zk_cs *cs)
{
    free(cs->lk);
    cs->lk = NULL;
    cs->n_lk = cs->lk_cap = 0;
}

int zk_cs_build_auto(zk_cs **out, int prover, unsigned bits, uint32_t min, zk_cs_build_fn build, void *ctx)
{
    ZK_CHECK_ARG(out != NULL && build != NULL);
    *out = NULL;
    for (int lk = bits ? 1 : 0; lk >= 0; lk--) {
        zk_cs *cs = zk_cs_new(prover);
        if (!cs)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        zk_cs_set_lookups(cs, lk ? bits : 0);
        int st = build(cs, ctx);
        if (st != ZK_OK) {
            zk_cs_free(cs);
            return st;
        }
        if (!lk || zk_cs_n_lookups(cs) >= min) {
            *out = cs;
            return ZK_OK;
        }
        zk_cs_free(cs);
    }
    return ZK_OK; /* not reached */
}
