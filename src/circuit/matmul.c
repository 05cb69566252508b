/*
 * matmul.c — zk_cs_matmul: matrix products proved by a sumcheck inside the
 * circuit's proof (src/r1cs/spartan.c, "native matrix products") instead of
 * one R1CS multiplication per product term. Layout, soundness and the
 * zero-knowledge argument: docs/circuit.md, "Native matrix products".
 */
#include <stdlib.h>
#include <string.h>

#include "circuit/cs_internal.h"
#include "zkmlops/sumcheck.h"

static uint32_t clog2(uint64_t x)
{
    uint32_t l = 0;
    while (((uint64_t)1 << l) < x)
        l++;
    return l;
}

static gl_t random_gl(void)
{
    gl_t v;
    do
        zk_random_bytes(&v, sizeof v);
    while (v >= GL_P);
    return v;
}

/* Z[b][c] = sum_{j<k} X[b][j] W[c][j] over the whole padded cube. */
static void products(gl_t *Z, const gl_t *X, const gl_t *W, uint32_t bv, uint32_t cv, uint32_t jv, uint32_t k)
{
    uint64_t nb = (uint64_t)1 << bv, nc = (uint64_t)1 << cv, nj = (uint64_t)1 << jv;
#pragma omp parallel for schedule(static) if (nb * nc * k >= (1u << 16))
    for (uint64_t b = 0; b < nb; b++)
        for (uint64_t c = 0; c < nc; c++) {
            const gl_t *xr = X + b * nj, *wr = W + c * nj;
            gl_t acc = 0;
            for (uint32_t j = 0; j < k; j++)
                acc = gl_add(acc, gl_mul(xr[j], wr[j]));
            Z[b * nc + c] = acc;
        }
}

void zk_cs_matmul(zk_cs *cs, const uint32_t *x, const uint32_t *w, uint32_t rows, uint32_t k, uint32_t n,
                  uint32_t *out)
{
    ZK_CHECK_ARG(cs != NULL && x != NULL && w != NULL && out != NULL);
    uint64_t n_out = (uint64_t)rows * n;
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
    uint32_t bv = clog2((uint64_t)rows + 1), cv = clog2(n), jv = clog2((uint64_t)k + ZK_CS_MATMUL_PAD);
    if (bv + jv > 26 || cv + jv > 26 || bv + cv > 26) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "zk_cs_matmul: %u x %u times %u x %u is too large (a block over 2^26 wires)",
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
    uint64_t nb = (uint64_t)1 << bv, nc = (uint64_t)1 << cv, nj = (uint64_t)1 << jv;
    gl_t *X = NULL, *W = NULL, *Z = NULL;
    if (cs->prover) {
        X = malloc(nb * nj * sizeof *X);
        W = malloc(nc * nj * sizeof *W);
        Z = malloc(nb * nc * sizeof *Z);
        if (!X || !W || !Z) {
            free(X);
            free(W);
            free(Z);
            zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory (matrix product of 2^%u x 2^%u x 2^%u)", bv, jv, cv);
            goto fail;
        }
        for (uint64_t b = 0; b < nb; b++)
            for (uint64_t j = 0; j < nj; j++)
                X[b * nj + j] = b < rows && j < k ? cs->val[x[b * k + j]] : random_gl();
        for (uint64_t c = 0; c < nc; c++)
            for (uint64_t j = 0; j < nj; j++)
                W[c * nj + j] = c < n && j < k ? cs->val[w[c * k + j]] : random_gl();
        products(Z, X, W, bv, cv, jv, k);
    }
    if (cs->n_mm == cs->mm_cap) {
        uint32_t cap = cs->mm_cap ? 2 * cs->mm_cap : 8;
        zk_cs_matmul_block *nm = realloc(cs->mm, (size_t)cap * sizeof *nm);
        if (!nm) {
            free(X);
            free(W);
            free(Z);
            zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory recording a matrix product");
            goto fail;
        }
        cs->mm = nm;
        cs->mm_cap = cap;
    }
    uint32_t zs = zk_cs_segment(cs, Z, bv + cv);
    uint32_t xs = zk_cs_segment(cs, X, bv + jv);
    uint32_t ws = zk_cs_segment(cs, W, cv + jv);
    if (X) {
        memset(X, 0, nb * nj * sizeof *X);
        memset(W, 0, nc * nj * sizeof *W);
        memset(Z, 0, nb * nc * sizeof *Z);
    }
    free(X);
    free(W);
    free(Z);
    if (cs->st != ZK_OK)
        goto fail;
    size_t ml = zk_libra_coeffs_len(jv, 3);
    uint32_t mask = 0;
    for (size_t i = 0; i < ml; i++) {
        uint32_t m = zk_cs_new_wire(cs, cs->prover ? random_gl() : 0);
        if (i == 0)
            mask = m;
    }
    for (uint64_t b = 0; b < rows; b++)
        for (uint64_t j = 0; j < k; j++)
            zk_cs_copy(cs, xs + (uint32_t)(b * nj + j), x[b * k + j]);
    for (uint64_t c = 0; c < n; c++)
        for (uint64_t j = 0; j < k; j++)
            zk_cs_copy(cs, ws + (uint32_t)(c * nj + j), w[c * k + j]);
    if (cs->st != ZK_OK)
        goto fail;
    cs->mm[cs->n_mm++] = (zk_cs_matmul_block){zs, xs, ws, mask, bv, cv, jv, k};
    for (uint64_t r = 0; r < rows; r++)
        for (uint64_t c = 0; c < n; c++)
            out[r * n + c] = zs + (uint32_t)(r * nc + c);
    return;
fail:
    for (uint64_t i = 0; i < n_out; i++)
        out[i] = 0;
}

int zk_cs_copy(zk_cs *cs, uint32_t dst, uint32_t src)
{
    if (cs->st != ZK_OK)
        return cs->st;
    if (dst <= cs->n_public || dst >= cs->n_wires || src >= cs->n_wires)
        return zk_cs_fail(cs, ZK_ERR_INPUT, "copy %u <- %u: not a private destination / existing source", dst, src);
    if (cs->n_copy == cs->copy_cap) {
        uint64_t cap = cs->copy_cap ? 2 * cs->copy_cap : 1024;
        if (cap > ((uint64_t)1 << 30))
            return zk_cs_fail(cs, ZK_ERR_NOMEM, "more than 2^30 copies");
        uint32_t *nc = realloc(cs->copy, (size_t)(2 * cap) * sizeof *nc);
        if (!nc)
            return zk_cs_fail(cs, ZK_ERR_NOMEM, "out of memory recording copies");
        cs->copy = nc;
        cs->copy_cap = cap;
    }
    cs->copy[2 * cs->n_copy] = dst;
    cs->copy[2 * cs->n_copy + 1] = src;
    cs->n_copy++;
    cs->version++;
    return ZK_OK;
}

int zk_cs_matmul_check(const zk_cs *cs)
{
    for (uint64_t i = 0; i < cs->n_copy; i++)
        if (cs->val[cs->copy[2 * i]] != cs->val[cs->copy[2 * i + 1]])
            return zk_set_error(ZK_ERR_INPUT, "copy %llu: wire %u differs from wire %u", (unsigned long long)i,
                                cs->copy[2 * i], cs->copy[2 * i + 1]);
    for (uint32_t i = 0; i < cs->n_mm; i++) {
        const zk_cs_matmul_block *m = &cs->mm[i];
        uint64_t nb = (uint64_t)1 << m->bv, nc = (uint64_t)1 << m->cv, nj = (uint64_t)1 << m->jv;
        int bad = 0;
        uint64_t bad_at = 0;
#pragma omp parallel for schedule(static) if (nb * nc * m->k >= (1u << 16))
        for (uint64_t b = 0; b < nb; b++)
            for (uint64_t c = 0; c < nc; c++) {
                gl_t acc = 0;
                for (uint32_t j = 0; j < m->k; j++)
                    acc = gl_add(acc, gl_mul(cs->val[m->x + b * nj + j], cs->val[m->w + c * nj + j]));
                if (acc != cs->val[m->z + b * nc + c]) {
#pragma omp critical
                    {
                        bad = 1;
                        bad_at = b * nc + c;
                    }
                }
            }
        if (bad)
            return zk_set_error(ZK_ERR_INPUT, "matrix product %u: entry %llu of Z is not the product of X and W", i,
                                (unsigned long long)bad_at);
    }
    return ZK_OK;
}
