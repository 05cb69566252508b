/*
 * cs.c — the constraint-system builder of circuit.h: linear combinations,
 * wires, constraints in growing CSR matrices, the witness check and the R1CS
 * view (with its canonical digest). Gadgets: gadgets.c; proofs: prove.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuit/cs_internal.h"
#include "pcs/whir_internal.h"
#include "zkmlops/hash.h"
#include "zkmlops/limits.h"

/* ------------------------------------------------------------ linear combinations */

void zk_lc_init(zk_lc *lc)
{
    ZK_CHECK_ARG(lc != NULL);
    memset(lc, 0, sizeof *lc);
}

void zk_lc_free(zk_lc *lc)
{
    if (!lc)
        return;
    free(lc->wire);
    free(lc->coeff);
    memset(lc, 0, sizeof *lc);
}

void zk_lc_clear(zk_lc *lc)
{
    ZK_CHECK_ARG(lc != NULL);
    lc->n = 0;
}

/* n == UINT32_MAX marks an lc whose growth failed (reported by the consumer). */
#define LC_OOM UINT32_MAX

void zk_lc_add(zk_lc *lc, uint32_t wire, gl_t coeff)
{
    ZK_CHECK_ARG(lc != NULL && gl_is_canonical(coeff));
    if (lc->n == LC_OOM)
        return;
    if (lc->n == lc->cap) {
        uint32_t nc = lc->cap ? lc->cap * 2 : 8;
        if (lc->cap >= ((uint32_t)1 << 30)) {
            lc->n = LC_OOM;
            return;
        }
        uint32_t *nw = realloc(lc->wire, (size_t)nc * sizeof *nw);
        if (!nw) {
            lc->n = LC_OOM;
            return;
        }
        lc->wire = nw;
        gl_t *ncf = realloc(lc->coeff, (size_t)nc * sizeof *ncf);
        if (!ncf) {
            lc->n = LC_OOM;
            return;
        }
        lc->coeff = ncf;
        lc->cap = nc;
    }
    lc->wire[lc->n] = wire;
    lc->coeff[lc->n] = coeff;
    lc->n++;
}

void zk_lc_add_i64(zk_lc *lc, uint32_t wire, int64_t coeff) { zk_lc_add(lc, wire, gl_from_i64(coeff)); }

void zk_lc_add_const(zk_lc *lc, gl_t c) { zk_lc_add(lc, 0, c); }

/* ------------------------------------------------------------ builder */

zk_status zk_cs_fail(zk_cs *cs, zk_status st, const char *fmt, ...)
{
    if (cs->st != ZK_OK)
        return cs->st;
    char msg[sizeof cs->err];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cs->st = st;
    memcpy(cs->err, msg, sizeof msg);
    return zk_set_error(st, "%s", msg);
}

zk_cs *zk_cs_new(int prover)
{
    zk_cs *cs = calloc(1, sizeof *cs);
    if (!cs)
        return NULL;
    cs->prover = prover != 0;
    cs->wcap = 1024;
    cs->rcap = 1024;
    cs->val = calloc(cs->wcap, sizeof *cs->val);
    cs->mark = calloc(cs->wcap, sizeof *cs->mark);
    int ok = cs->val && cs->mark;
    for (int k = 0; k < 3 && ok; k++) {
        cs->m[k].row_ptr = calloc((size_t)cs->rcap + 1, sizeof *cs->m[k].row_ptr);
        cs->m[k].tcap = 4096;
        cs->m[k].wire = malloc(cs->m[k].tcap * sizeof *cs->m[k].wire);
        cs->m[k].coeff = malloc(cs->m[k].tcap * sizeof *cs->m[k].coeff);
        ok = cs->m[k].row_ptr && cs->m[k].wire && cs->m[k].coeff;
    }
    if (!ok) {
        zk_cs_free(cs);
        return NULL;
    }
    for (int k = 0; k < 4; k++)
        zk_lc_init(&cs->s[k]);
    cs->val[0] = 1;
    cs->n_wires = 1;
    return cs;
}

void zk_cs_free(zk_cs *cs)
{
    if (!cs)
        return;
    if (cs->val)
        memset(cs->val, 0, (size_t)cs->wcap * sizeof *cs->val);
    free(cs->val);
    free(cs->mark);
    for (int k = 0; k < 3; k++) {
        free(cs->m[k].row_ptr);
        free(cs->m[k].wire);
        free(cs->m[k].coeff);
    }
    free(cs->labels);
    free(cs->seg_first);
    free(cs->seg_log);
    zk_cs_matmul_free(cs);
    zk_cs_lookup_free(cs);
    for (int k = 0; k < 4; k++)
        zk_lc_free(&cs->s[k]);
    free(cs);
}

int zk_cs_is_prover(const zk_cs *cs) { return cs->prover; }
zk_status zk_cs_status(const zk_cs *cs) { return cs->st; }
uint32_t zk_cs_n_wires(const zk_cs *cs) { return cs->n_wires; }
uint32_t zk_cs_n_public(const zk_cs *cs) { return cs->n_public; }
uint32_t zk_cs_n_constraints(const zk_cs *cs) { return cs->n_cons; }

static int grow_wires(zk_cs *cs, uint32_t need)
{
    if (need <= cs->wcap)
        return 0;
    if (need > ZK_CS_MAX_WIRES) {
        zk_cs_fail(cs, ZK_ERR_NOMEM, "circuit over the limit of %u wires", ZK_CS_MAX_WIRES);
        return -1;
    }
    uint32_t nc = cs->wcap;
    while (nc < need)
        nc = nc > ZK_CS_MAX_WIRES / 2 ? ZK_CS_MAX_WIRES : nc * 2;
    gl_t *nv = realloc(cs->val, (size_t)nc * sizeof *nv);
    if (!nv) {
        zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory (circuit with %u wires)", need);
        return -1;
    }
    cs->val = nv;
    uint32_t *nm = realloc(cs->mark, (size_t)nc * sizeof *nm);
    if (!nm) {
        zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory (circuit with %u wires)", need);
        return -1;
    }
    cs->mark = nm;
    memset(cs->val + cs->wcap, 0, (size_t)(nc - cs->wcap) * sizeof *nv);
    memset(cs->mark + cs->wcap, 0, (size_t)(nc - cs->wcap) * sizeof *nm);
    cs->wcap = nc;
    return 0;
}

uint32_t zk_cs_new_wire(zk_cs *cs, gl_t value)
{
    if (cs->st != ZK_OK || grow_wires(cs, cs->n_wires + 1) != 0)
        return 0;
    cs->priv_started = 1;
    cs->val[cs->n_wires] = cs->prover ? value : 0;
    cs->version++;
    return cs->n_wires++;
}

uint32_t zk_cs_public(zk_cs *cs, gl_t value)
{
    ZK_CHECK_ARG(cs != NULL);
    if (cs->st != ZK_OK)
        return 0;
    if (!gl_is_canonical(value)) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "public value %llu is not below p", (unsigned long long)value);
        return 0;
    }
    if (cs->priv_started) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "public wire allocated after a private wire (all public wires come first)");
        return 0;
    }
    if (cs->n_public >= ZK_R1CS_MAX_PUBLIC) {
        zk_cs_fail(cs, ZK_ERR_NOMEM, "circuit over the limit of %u public wires", ZK_R1CS_MAX_PUBLIC);
        return 0;
    }
    if (grow_wires(cs, cs->n_wires + 1) != 0)
        return 0;
    cs->val[cs->n_wires] = value;
    cs->n_public++;
    cs->version++;
    return cs->n_wires++;
}

uint32_t zk_cs_public_i64(zk_cs *cs, int64_t value) { return zk_cs_public(cs, gl_from_i64(value)); }

uint32_t zk_cs_private(zk_cs *cs, gl_t value)
{
    ZK_CHECK_ARG(cs != NULL);
    if (cs->prover && !gl_is_canonical(value)) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "private value %llu is not below p", (unsigned long long)value);
        return 0;
    }
    return zk_cs_new_wire(cs, value);
}

uint32_t zk_cs_private_i64(zk_cs *cs, int64_t value) { return zk_cs_private(cs, gl_from_i64(value)); }

uint32_t zk_cs_segment(zk_cs *cs, const gl_t *values, uint32_t log_len)
{
    ZK_CHECK_ARG(cs != NULL && (values != NULL || !cs->prover));
    if (cs->st != ZK_OK)
        return 0;
    if (log_len > ZK_WHIR_MAX_VARS) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "segment of 2^%u wires is too large", log_len);
        return 0;
    }
    uint64_t len = (uint64_t)1 << log_len;
    uint64_t widx = (uint64_t)cs->n_wires - 1 - cs->n_public; /* w-index of the next private wire */
    uint64_t pad = (len - (widx & (len - 1))) & (len - 1);
    if ((uint64_t)cs->n_wires + pad + len > ZK_CS_MAX_WIRES) {
        zk_cs_fail(cs, ZK_ERR_NOMEM, "circuit over the limit of %u wires (segment of 2^%u)", ZK_CS_MAX_WIRES,
                   log_len);
        return 0;
    }
    if (grow_wires(cs, (uint32_t)(cs->n_wires + pad + len)) != 0)
        return 0;
    if (cs->n_seg == cs->seg_cap) {
        uint32_t cap = cs->seg_cap ? 2 * cs->seg_cap : 8;
        uint32_t *nf = realloc(cs->seg_first, (size_t)cap * sizeof *nf);
        if (nf)
            cs->seg_first = nf;
        uint8_t *nl = nf ? realloc(cs->seg_log, (size_t)cap * sizeof *nl) : NULL;
        if (nl)
            cs->seg_log = nl;
        if (!nf || !nl) {
            zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory recording a segment");
            return 0;
        }
        cs->seg_cap = cap;
    }
    if (cs->prover)
        for (uint64_t i = 0; i < len; i++)
            if (!gl_is_canonical(values[i])) {
                zk_cs_fail(cs, ZK_ERR_INPUT, "segment value %llu is not below p", (unsigned long long)i);
                return 0;
            }
    cs->priv_started = 1;
    memset(cs->val + cs->n_wires, 0, pad * sizeof *cs->val);
    cs->n_wires += (uint32_t)pad;
    uint32_t first = cs->n_wires;
    if (cs->prover)
        memcpy(cs->val + first, values, len * sizeof *cs->val);
    else
        memset(cs->val + first, 0, len * sizeof *cs->val);
    cs->n_wires += (uint32_t)len;
    cs->seg_first[cs->n_seg] = first;
    cs->seg_log[cs->n_seg] = (uint8_t)log_len;
    cs->n_seg++;
    cs->version++;
    return first;
}

int zk_cs_segment_log_len(const zk_cs *cs, uint32_t first)
{
    /* Segments (at least one wire each) are allocated in strictly increasing
     * wire order: binary search. */
    uint32_t lo = 0, hi = cs->n_seg;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cs->seg_first[mid] < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < cs->n_seg && cs->seg_first[lo] == first)
        return cs->seg_log[lo];
    return -1;
}

gl_t zk_cs_value(const zk_cs *cs, uint32_t wire)
{
    if (wire >= cs->n_wires)
        return 0;
    return cs->val[wire];
}

int64_t zk_cs_value_i64(const zk_cs *cs, uint32_t wire) { return gl_to_i64(zk_cs_value(cs, wire)); }

gl_t zk_cs_lc_value(const zk_cs *cs, const zk_lc *lc)
{
    if (lc->n == LC_OOM)
        return 0;
    gl_t acc = 0;
    for (uint32_t k = 0; k < lc->n; k++)
        acc = gl_add(acc, gl_mul(lc->coeff[k], zk_cs_value(cs, lc->wire[k])));
    return acc;
}

void zk_cs_set_value(zk_cs *cs, uint32_t wire, gl_t value)
{
    ZK_CHECK_ARG(wire < cs->n_wires && gl_is_canonical(value));
    cs->val[wire] = value;
}

/* ------------------------------------------------------------ constraints */

static int grow_rows(zk_cs *cs)
{
    if (cs->n_cons < cs->rcap)
        return 0;
    if (cs->n_cons >= zk_limit(ZK_LIMIT_CIRCUIT_CONSTRAINTS)) {
        zk_cs_fail(cs, ZK_ERR_NOMEM, "circuit over the limit circuit_constraints = %llu",
                   (unsigned long long)zk_limit(ZK_LIMIT_CIRCUIT_CONSTRAINTS));
        return -1;
    }
    uint32_t nc = cs->rcap * 2;
    for (int k = 0; k < 3; k++) {
        uint64_t *np = realloc(cs->m[k].row_ptr, ((size_t)nc + 1) * sizeof *np);
        if (!np) {
            zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory (circuit with %u constraints)", nc);
            return -1;
        }
        cs->m[k].row_ptr = np;
    }
    cs->rcap = nc;
    return 0;
}

/* Append lc (merged) as row n_cons of matrix k (row_ptr[n_cons + 1] set). */
static int put_row(zk_cs *cs, int k, const zk_lc *lc)
{
    zk_cs_mat *M = &cs->m[k];
    uint64_t start = M->row_ptr[cs->n_cons];
    if (lc->n == LC_OOM) {
        zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory (linear combination)");
        return -1;
    }
    if (start + lc->n > M->tcap) {
        uint64_t nc = M->tcap;
        while (nc < start + lc->n)
            nc *= 2;
        uint32_t *nw = realloc(M->wire, nc * sizeof *nw);
        if (!nw) {
            zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory (constraint terms)");
            return -1;
        }
        M->wire = nw;
        gl_t *ncf = realloc(M->coeff, nc * sizeof *ncf);
        if (!ncf) {
            zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory (constraint terms)");
            return -1;
        }
        M->coeff = ncf;
        M->tcap = nc;
    }
    uint64_t end = start;
    for (uint32_t t = 0; t < lc->n; t++) {
        uint32_t w = lc->wire[t];
        if (w >= cs->n_wires) {
            for (uint64_t u = start; u < end; u++)
                cs->mark[M->wire[u]] = 0;
            zk_cs_fail(cs, ZK_ERR_INPUT, "constraint %u uses wire %u, which does not exist (%u wires)", cs->n_cons,
                       w, cs->n_wires);
            return -1;
        }
        uint32_t at = cs->mark[w];
        if (at) {
            M->coeff[start + at - 1] = gl_add(M->coeff[start + at - 1], lc->coeff[t]);
        } else {
            cs->mark[w] = (uint32_t)(end - start + 1);
            M->wire[end] = w;
            M->coeff[end] = lc->coeff[t];
            end++;
        }
    }
    /* clear marks, drop zero coefficients */
    uint64_t o = start;
    for (uint64_t u = start; u < end; u++) {
        cs->mark[M->wire[u]] = 0;
        if (M->coeff[u] != 0) {
            M->wire[o] = M->wire[u];
            M->coeff[o] = M->coeff[u];
            o++;
        }
    }
    M->row_ptr[cs->n_cons + 1] = o;
    return 0;
}

void zk_cs_enforce(zk_cs *cs, const zk_lc *a, const zk_lc *b, const zk_lc *c)
{
    ZK_CHECK_ARG(cs != NULL && a != NULL && b != NULL && c != NULL);
    if (cs->st != ZK_OK || grow_rows(cs) != 0)
        return;
    if (put_row(cs, 0, a) != 0 || put_row(cs, 1, b) != 0 || put_row(cs, 2, c) != 0)
        return;
    cs->n_cons++;
    cs->version++;
}

void zk_cs_enforce_equal(zk_cs *cs, const zk_lc *a, const zk_lc *b)
{
    zk_lc one;
    uint32_t w0 = 0;
    gl_t c1 = 1;
    one.n = one.cap = 1;
    one.wire = &w0;
    one.coeff = &c1;
    zk_cs_enforce(cs, a, &one, b);
}

void zk_cs_assert_equal(zk_cs *cs, uint32_t x, uint32_t y)
{
    uint32_t wx = x, wy = y;
    gl_t one = 1;
    zk_lc a = {1, 1, &wx, &one}, b = {1, 1, &wy, &one};
    zk_cs_enforce_equal(cs, &a, &b);
}

uint32_t zk_cs_lc_wire(zk_cs *cs, const zk_lc *lc)
{
    ZK_CHECK_ARG(cs != NULL && lc != NULL);
    if (cs->st != ZK_OK)
        return 0;
    gl_t v = cs->prover ? zk_cs_lc_value(cs, lc) : 0;
    uint32_t o = zk_cs_new_wire(cs, v);
    if (!o)
        return 0;
    gl_t one = 1;
    zk_lc b = {1, 1, &o, &one};
    zk_cs_enforce_equal(cs, lc, &b);
    return cs->st == ZK_OK ? o : 0;
}

uint32_t zk_cs_mul(zk_cs *cs, uint32_t x, uint32_t y)
{
    ZK_CHECK_ARG(cs != NULL);
    if (cs->st != ZK_OK)
        return 0;
    uint32_t o = zk_cs_new_wire(cs, gl_mul(zk_cs_value(cs, x), zk_cs_value(cs, y)));
    if (!o)
        return 0;
    uint32_t wx = x, wy = y;
    gl_t one = 1;
    zk_lc a = {1, 1, &wx, &one}, b = {1, 1, &wy, &one}, c = {1, 1, &o, &one};
    zk_cs_enforce(cs, &a, &b, &c);
    return cs->st == ZK_OK ? o : 0;
}

uint32_t zk_cs_dot(zk_cs *cs, const uint32_t *x, const uint32_t *y, size_t n)
{
    ZK_CHECK_ARG(cs != NULL && x != NULL && y != NULL && n >= 1);
    if (cs->st != ZK_OK)
        return 0;
    zk_lc *c = &cs->s[3];
    zk_lc_clear(c);
    gl_t acc = 0;
    for (size_t k = 0; k + 1 < n; k++) {
        uint32_t p = zk_cs_mul(cs, x[k], y[k]);
        if (!p)
            return 0;
        zk_lc_add(c, p, GL_P - 1);
        acc = gl_add(acc, zk_cs_value(cs, p));
    }
    gl_t last = gl_mul(zk_cs_value(cs, x[n - 1]), zk_cs_value(cs, y[n - 1]));
    uint32_t o = zk_cs_new_wire(cs, gl_add(acc, last));
    if (!o)
        return 0;
    zk_lc_add(c, o, 1);
    uint32_t wx = x[n - 1], wy = y[n - 1];
    gl_t one = 1;
    zk_lc a = {1, 1, &wx, &one}, b = {1, 1, &wy, &one};
    zk_cs_enforce(cs, &a, &b, c);
    return cs->st == ZK_OK ? o : 0;
}

uint32_t zk_cs_affine(zk_cs *cs, const uint32_t *x, const int64_t *c, size_t n, int64_t c0)
{
    ZK_CHECK_ARG(cs != NULL && (n == 0 || (x != NULL && c != NULL)));
    if (cs->st != ZK_OK)
        return 0;
    zk_lc *l = &cs->s[3];
    zk_lc_clear(l);
    for (size_t k = 0; k < n; k++)
        zk_lc_add_i64(l, x[k], c[k]);
    zk_lc_add_i64(l, 0, c0);
    return zk_cs_lc_wire(cs, l);
}

/* ------------------------------------------------------------ checking */

static gl_t row_value(const zk_cs *cs, const zk_cs_mat *M, uint32_t i)
{
    gl_t acc = 0;
    for (uint64_t t = M->row_ptr[i]; t < M->row_ptr[i + 1]; t++)
        acc = gl_add(acc, gl_mul(M->coeff[t], cs->val[M->wire[t]]));
    return acc;
}

int zk_cs_row_ok(const zk_cs *cs, uint32_t i)
{
    return gl_mul(row_value(cs, &cs->m[0], i), row_value(cs, &cs->m[1], i)) == row_value(cs, &cs->m[2], i);
}

int zk_cs_check(const zk_cs *cs)
{
    ZK_CHECK_ARG(cs != NULL);
    if (cs->st != ZK_OK)
        return zk_set_error(cs->st, "%s", cs->err);
    if (!cs->prover)
        return zk_set_error(ZK_ERR_INPUT, "zk_cs_check needs a prover-mode circuit");
    uint32_t first = UINT32_MAX;
#pragma omp parallel for schedule(static) reduction(min : first) if (cs->n_cons >= 4096)
    for (uint32_t i = 0; i < cs->n_cons; i++)
        if (i < first && !zk_cs_row_ok(cs, i))
            first = i;
    if (first != UINT32_MAX)
        return zk_set_error(ZK_ERR_INPUT, "constraint %u (of %u) is not satisfied: A*B = %lld * %lld but C = %lld",
                            first, cs->n_cons, (long long)gl_to_i64(row_value(cs, &cs->m[0], first)),
                            (long long)gl_to_i64(row_value(cs, &cs->m[1], first)),
                            (long long)gl_to_i64(row_value(cs, &cs->m[2], first)));
    int rc = zk_cs_matmul_check(cs);
    return rc == ZK_OK ? zk_cs_lookup_check(cs) : rc;
}

/* ------------------------------------------------------------ R1CS view */

static void hash_u64(zk_sha256_ctx *h, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    zk_sha256_update(h, b, 8);
}

/* Canonical encoding: "zkmlops/circuit/v1", u64 n_wires, n_public,
 * n_constraints, then per matrix (A, B, C) per row: u64 n_terms, then the
 * terms as (u64 wire, u64 coeff). Little-endian throughout. */
static void cs_digest(const zk_cs *cs, zk_digest *out)
{
    zk_sha256_ctx h;
    zk_sha256_init(&h);
    static const char tag[] = "zkmlops/circuit/v1";
    zk_sha256_update(&h, tag, sizeof tag - 1);
    hash_u64(&h, cs->n_wires);
    hash_u64(&h, cs->n_public);
    hash_u64(&h, cs->n_cons);
    uint8_t buf[4096];
    size_t used = 0;
    for (int k = 0; k < 3; k++) {
        const zk_cs_mat *M = &cs->m[k];
        for (uint32_t i = 0; i < cs->n_cons; i++) {
            uint64_t a = M->row_ptr[i], b = M->row_ptr[i + 1];
            if (used + 8 > sizeof buf) {
                zk_sha256_update(&h, buf, used);
                used = 0;
            }
            for (int j = 0; j < 8; j++)
                buf[used++] = (uint8_t)((b - a) >> (8 * j));
            for (uint64_t t = a; t < b; t++) {
                if (used + 16 > sizeof buf) {
                    zk_sha256_update(&h, buf, used);
                    used = 0;
                }
                uint64_t w = M->wire[t], c = M->coeff[t];
                for (int j = 0; j < 8; j++)
                    buf[used++] = (uint8_t)(w >> (8 * j));
                for (int j = 0; j < 8; j++)
                    buf[used++] = (uint8_t)(c >> (8 * j));
            }
        }
    }
    zk_sha256_update(&h, buf, used);
    zk_sha256_final(&h, out->h);
}

const zk_r1cs *zk_cs_r1cs(zk_cs *cs)
{
    ZK_CHECK_ARG(cs != NULL);
    if (cs->st != ZK_OK)
        return NULL;
    if (cs->view_valid && cs->view_version == cs->version)
        return &cs->view;
    if (cs->labels_n < cs->n_wires) {
        uint64_t *nl = realloc(cs->labels, (size_t)cs->wcap * sizeof *nl);
        if (!nl) {
            zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory (R1CS labels)");
            return NULL;
        }
        cs->labels = nl;
        for (uint32_t w = cs->labels_n; w < cs->wcap; w++)
            nl[w] = w;
        cs->labels_n = cs->wcap;
    }
    zk_r1cs *v = &cs->view;
    memset(v, 0, sizeof *v);
    v->n_wires = cs->n_wires;
    v->n_pub_out = 0;
    v->n_pub_in = cs->n_public;
    v->n_prv_in = cs->n_wires - 1 - cs->n_public;
    v->n_labels = cs->n_wires;
    v->n_constraints = cs->n_cons;
    for (int k = 0; k < 3; k++) {
        v->abc[k].row_ptr = cs->m[k].row_ptr;
        v->abc[k].wire = cs->m[k].wire;
        v->abc[k].coeff = cs->m[k].coeff;
    }
    v->labels = cs->labels;
    cs_digest(cs, &v->digest);
    cs->view_valid = 1;
    cs->view_version = cs->version;
    return v;
}

gl_t zk_cs_random_gl(void)
{
    gl_t v;
    zk_whir_random_gl(&v, 1);
    return v;
}
