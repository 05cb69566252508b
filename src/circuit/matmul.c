/*
 * matmul.c — zk_cs_matmul: matrix products proved by a sumcheck inside the
 * circuit's proof (src/r1cs/spartan.c, "native matrix products") instead of
 * one R1CS multiplication per product term. Layout, soundness and the
 * zero-knowledge argument: docs/circuit.md, "Native matrix products".
 *
 * Padded matrices: X' (2^bv x 2^jv) holds x in rows < rows, columns < k; row
 * `rows` (columns < k) and row 0, columns k .. k + ZK_CS_MATMUL_PAD - 1 are
 * fresh uniformly random wires; every other entry is 0. W' (2^cv x 2^jv) the
 * same with w, row n and its own fresh wires. The extra summed column jstar =
 * k + ZK_CS_MATMUL_PAD holds fresh random wires in X' rows rows .. rows + 2
 * and the constant 1 in W' row n, so Z'[rows + i][n] gains a fresh r_i that
 * no operand touches: Z'~(tau) then has three independent uniform summands
 * (a review found that without them Z'~ is a quadratic form in the pads and
 * reveals a weight when k = 1, tests/test_review_matmul.c). Z' = X' W'^T over
 * j < k and j = jstar is a segment of fresh wires; out is its real part.
 */
#include <stdlib.h>
#include <string.h>

#include "circuit/cs_internal.h"
#include "pcs/whir_internal.h"
#include "zkmlops/sumcheck.h"

static uint32_t clog2(uint64_t x)
{
    uint32_t l = 0;
    while (((uint64_t)1 << l) < x)
        l++;
    return l;
}

static gl_t map_val(const zk_cs *cs, uint32_t w) { return w == ZK_CS_NO_WIRE ? 0 : cs->val[w]; }

/* Z[b][c] = sum_{j<k} X[b][j] W[c][j] over the padded cube (rows of X' and W'
 * beyond the random pad row are zero, so their products are skipped). */
static void products(const zk_cs *cs, gl_t *Z, const zk_cs_matmul_block *m, uint64_t xr, uint64_t wr,
                     int pads_only)
{
    uint64_t nb = (uint64_t)1 << m->bv, nc = (uint64_t)1 << m->cv, nj = (uint64_t)1 << m->jv;
#pragma omp parallel for schedule(static) if (nb * nc * m->k >= (1u << 16))
    for (uint64_t b = 0; b < nb; b++)
        for (uint64_t c = 0; c < nc; c++) {
            if (pads_only && b < m->rows && c < m->n)
                continue; /* real entries do not depend on the padding */
            gl_t acc = 0;
            if (b < xr && c < wr) {
                for (uint32_t j = 0; j < m->k; j++)
                    acc = gl_add(acc, gl_mul(map_val(cs, m->xmap[b * nj + j]), map_val(cs, m->wmap[c * nj + j])));
                acc = gl_add(acc, gl_mul(map_val(cs, m->xmap[b * nj + m->jstar]), map_val(cs, m->wmap[c * nj + m->jstar])));
            }
            Z[b * nc + c] = acc;
        }
}

/* Fill a padded map: real entries from src (rows x k), the random pad row and
 * the column pads as fresh wires. */
static void fill_map(zk_cs *cs, uint32_t *map, const uint32_t *src, uint64_t rows, uint32_t k, uint32_t jv)
{
    uint64_t nj = (uint64_t)1 << jv;
    for (uint64_t r = 0; r < rows; r++)
        for (uint32_t j = 0; j < k; j++)
            map[r * nj + j] = src[r * k + j];
    for (uint32_t j = 0; j < k; j++)
        map[rows * nj + j] = zk_cs_new_wire(cs, cs->prover ? zk_cs_random_gl() : 0);
    for (uint32_t j = k; j < k + ZK_CS_MATMUL_PAD; j++)
        map[j] = zk_cs_new_wire(cs, cs->prover ? zk_cs_random_gl() : 0);
}

void zk_cs_matmul(zk_cs *cs, const uint32_t *x, const uint32_t *w, uint32_t rows, uint32_t k, uint32_t n,
                  uint32_t *out)
{
    ZK_CHECK_ARG(cs != NULL && x != NULL && w != NULL && out != NULL);
    uint64_t n_out = (uint64_t)rows * n;
    uint32_t *xmap = NULL, *wmap = NULL;
    gl_t *Z = NULL;
    if (cs->st != ZK_OK)
        goto fail;
    if (rows == 0 || k == 0 || n == 0) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "zk_cs_matmul: empty product (%u x %u times %u x %u)", rows, k, k, n);
        goto fail;
    }
    if (cs->n_mm >= ZK_CS_MAX_MATMULS) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "more than %u matrix products in one circuit", ZK_CS_MAX_MATMULS);
        goto fail;
    }
    uint32_t bv = clog2((uint64_t)rows + 3), cv = clog2((uint64_t)n + 1);
    uint32_t jv = clog2((uint64_t)k + ZK_CS_MATMUL_PAD + 1), jstar = k + ZK_CS_MATMUL_PAD;
    if (bv + jv > 26 || cv + jv > 26 || bv + cv > 26) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "zk_cs_matmul: %u x %u times %u x %u is too large (a matrix over 2^26 entries)",
                   rows, k, k, n);
        goto fail;
    }
    for (uint64_t i = 0; i < (uint64_t)rows * k; i++)
        if (x[i] >= cs->n_wires) {
            zk_cs_fail(cs, ZK_ERR_INPUT, "zk_cs_matmul: x[%llu] = wire %u does not exist", (unsigned long long)i, x[i]);
            goto fail;
        }
    for (uint64_t i = 0; i < (uint64_t)n * k; i++)
        if (w[i] >= cs->n_wires) {
            zk_cs_fail(cs, ZK_ERR_INPUT, "zk_cs_matmul: w[%llu] = wire %u does not exist", (unsigned long long)i, w[i]);
            goto fail;
        }
    if (cs->n_mm == cs->mm_cap) {
        uint32_t cap = cs->mm_cap ? 2 * cs->mm_cap : 8;
        zk_cs_matmul_block *nm = realloc(cs->mm, (size_t)cap * sizeof *nm);
        if (!nm) {
            zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory recording a matrix product");
            goto fail;
        }
        cs->mm = nm;
        cs->mm_cap = cap;
    }
    uint64_t nb = (uint64_t)1 << bv, nc = (uint64_t)1 << cv, nj = (uint64_t)1 << jv;
    xmap = malloc(nb * nj * sizeof *xmap);
    wmap = malloc(nc * nj * sizeof *wmap);
    Z = cs->prover ? malloc(nb * nc * sizeof *Z) : NULL;
    if (!xmap || !wmap || (cs->prover && !Z)) {
        zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory (matrix product of 2^%u x 2^%u x 2^%u)", bv, jv, cv);
        goto fail;
    }
    memset(xmap, 0xff, nb * nj * sizeof *xmap);
    memset(wmap, 0xff, nc * nj * sizeof *wmap);
    cs->priv_started = 1;
    fill_map(cs, xmap, x, rows, k, jv);
    fill_map(cs, wmap, w, n, k, jv);
    for (uint64_t i = 0; i < 3; i++)
        xmap[(rows + i) * nj + jstar] = zk_cs_new_wire(cs, cs->prover ? zk_cs_random_gl() : 0);
    wmap[(uint64_t)n * nj + jstar] = 0; /* the constant-1 wire */
    zk_cs_matmul_block blk = {0, 0, bv, cv, jv, k, xmap, wmap, jstar, rows, n};
    if (cs->prover && cs->st == ZK_OK)
        products(cs, Z, &blk, (uint64_t)rows + 3, (uint64_t)n + 1, 0);
    blk.z = zk_cs_segment(cs, Z, bv + cv);
    if (Z) {
        memset(Z, 0, nb * nc * sizeof *Z);
        free(Z);
        Z = NULL;
    }
    size_t ml = zk_libra_coeffs_len(jv, 3);
    for (size_t i = 0; i < ml; i++) {
        uint32_t mw = zk_cs_new_wire(cs, cs->prover ? zk_cs_random_gl() : 0);
        if (i == 0)
            blk.mask = mw;
    }
    if (cs->st != ZK_OK)
        goto fail;
    cs->mm[cs->n_mm++] = blk;
    cs->version++;
    for (uint64_t r = 0; r < rows; r++)
        for (uint64_t c = 0; c < n; c++)
            out[r * n + c] = blk.z + (uint32_t)(r * nc + c);
    return;
fail:
    free(xmap);
    free(wmap);
    free(Z);
    for (uint64_t i = 0; i < n_out; i++)
        out[i] = 0;
}

int zk_cs_refresh_blinding(zk_cs *cs)
{
    if (!cs->prover || cs->st != ZK_OK)
        return ZK_OK;
    for (uint32_t i = 0; i < cs->n_mm; i++) {
        const zk_cs_matmul_block *m = &cs->mm[i];
        uint64_t nb = (uint64_t)1 << m->bv, nc = (uint64_t)1 << m->cv, nj = (uint64_t)1 << m->jv;
        for (uint64_t b = 0; b < nb; b++)
            for (uint64_t j = 0; j < nj; j++) {
                uint32_t w = m->xmap[b * nj + j];
                if ((b >= m->rows || j >= m->k) && w != ZK_CS_NO_WIRE && w != 0)
                    cs->val[w] = zk_cs_random_gl();
            }
        for (uint64_t c = 0; c < nc; c++)
            for (uint64_t j = 0; j < nj; j++) {
                uint32_t w = m->wmap[c * nj + j];
                if ((c >= m->n || j >= m->k) && w != ZK_CS_NO_WIRE && w != 0)
                    cs->val[w] = zk_cs_random_gl();
            }
        zk_whir_random_gl(cs->val + m->mask, zk_libra_coeffs_len(m->jv, 3));
        /* only the padding entries of Z' change: write them in place */
        products(cs, cs->val + m->z, m, (uint64_t)m->rows + 3, (uint64_t)m->n + 1, 1);
    }
    if (cs->lk_pad)
        zk_whir_random_gl(cs->val + cs->lk_pad, ZK_CS_LOOKUP_PAD);
    return ZK_OK;
}

void zk_cs_matmul_free(zk_cs *cs)
{
    for (uint32_t i = 0; i < cs->n_mm; i++) {
        free(cs->mm[i].xmap);
        free(cs->mm[i].wmap);
    }
    free(cs->mm);
    cs->mm = NULL;
    cs->n_mm = cs->mm_cap = 0;
}

int zk_cs_matmul_check(const zk_cs *cs)
{
    for (uint32_t i = 0; i < cs->n_mm; i++) {
        const zk_cs_matmul_block *m = &cs->mm[i];
        uint64_t nb = (uint64_t)1 << m->bv, nc = (uint64_t)1 << m->cv;
        gl_t *Z = malloc(nb * nc * sizeof *Z);
        if (!Z)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory (matrix product check)");
        products(cs, Z, m, nb, nc, 0);
        uint64_t bad = UINT64_MAX;
        for (uint64_t e = 0; e < nb * nc && bad == UINT64_MAX; e++)
            if (Z[e] != cs->val[m->z + e])
                bad = e;
        free(Z);
        if (bad != UINT64_MAX)
            return zk_set_error(ZK_ERR_INPUT, "matrix product %u: entry %llu of Z is not the product of X and W", i,
                                (unsigned long long)bad);
    }
    return ZK_OK;
}
