/*
 * whir_common.c — helpers shared by the WHIR committer, prover and verifier:
 * domains, leaf layout, leaf folding, OOD point derivation, claim absorption,
 * deterministic/random field sampling, final weight evaluation.
 * Construction: WHIR (eprint 2024/1586), section 5; layout in docs/whir.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcs/whir_internal.h"
#include "zkmlops/buf.h"
#include "zkmlops/mle.h"
#include "zkmlops/status.h"

#define PAR_MIN (1u << 14)

uint32_t zk_whir_vars(const zk_whir_params *p, uint32_t i) { return p->total_vars - p->folding_factor * i; }

unsigned zk_whir_log_domain(const zk_whir_params *p, uint32_t i)
{
    return p->total_vars + p->log_inv_rate + i * (p->folding_factor - 1) - p->folding_factor * i;
}

unsigned zk_whir_log_leaves(const zk_whir_params *p, uint32_t i)
{
    return zk_whir_log_domain(p, i) - p->folding_factor;
}

void zk_whir_derive_ood(gl3_t *pts, const zk_whir_params *p, const zk_digest *root)
{
    zk_transcript t;
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_whir_params_write(&w, p);
    if (w.oom) {
        fprintf(stderr, "zkmlops: out of memory deriving WHIR OOD points\n");
        abort();
    }
    zk_transcript_init(&t, "zkm-whir-ood");
    zk_transcript_absorb(&t, "params", w.data, w.len);
    zk_transcript_absorb_digest(&t, "root", root);
    zk_transcript_challenge_gl3s(&t, "ood", pts, p->ood_samples);
    zk_wbuf_free(&w);
}

void *zk_whir_big_alloc(size_t bytes)
{
    /* Plain malloc: with the kernel's THP "defrag = madvise" policy, advising
     * huge pages made first touches stall in direct compaction (measured:
     * 0.2 s -> 1-2 s for an 800 MB transpose), so large buffers use 4 KiB pages. */
    return malloc(bytes ? bytes : 1);
}

/* ---- leaf layout ---- */

#define LM_BLOCK 512

void zk_whir_leaf_major_gl(gl_t *dst, const gl_t *src, unsigned log_n, unsigned k)
{
    size_t rows = (size_t)1 << k, cols = ((size_t)1 << log_n) >> k;
    long nb = (long)((cols + LM_BLOCK - 1) / LM_BLOCK);
#pragma omp parallel for schedule(static) if (cols >= PAR_MIN)
    for (long bI = 0; bI < nb; bI++) {
        size_t j0 = (size_t)bI * LM_BLOCK, j1 = j0 + LM_BLOCK < cols ? j0 + LM_BLOCK : cols;
        for (size_t l = 0; l < rows; l++) {
            const gl_t *s = src + l * cols;
            for (size_t j = j0; j < j1; j++)
                dst[j * rows + l] = s[j];
        }
    }
}

void zk_whir_leaf_major_gl3(gl3_t *dst, const gl3_t *src, unsigned log_n, unsigned k)
{
    size_t rows = (size_t)1 << k, cols = ((size_t)1 << log_n) >> k;
    long nb = (long)((cols + LM_BLOCK - 1) / LM_BLOCK);
#pragma omp parallel for schedule(static) if (cols >= PAR_MIN)
    for (long bI = 0; bI < nb; bI++) {
        size_t j0 = (size_t)bI * LM_BLOCK, j1 = j0 + LM_BLOCK < cols ? j0 + LM_BLOCK : cols;
        for (size_t l = 0; l < rows; l++) {
            const gl3_t *s = src + l * cols;
            for (size_t j = j0; j < j1; j++)
                dst[j * rows + l] = s[j];
        }
    }
}

/* ---- folding ---- */

#define GL_INV2 0x7FFFFFFF80000001ULL /* (p + 1) / 2 */

gl3_t zk_whir_fold_leaf(gl3_t *v, unsigned k, const gl3_t *alpha, unsigned log_n, size_t j)
{
    /* Values v[l] sit at y_l = w^j zeta^l. Step r pairs y and -y = y zeta_r^(size/2):
     * g(y^2) = (F(y) + F(-y))/2 + alpha_r (F(y) - F(-y)) / (2y). */
    gl_t w_inv = gl_inv(gl_root_of_unity(log_n));
    gl_t yinv = gl_pow(w_inv, (uint64_t)j);
    gl_t zinv = gl_inv(gl_root_of_unity(k));
    size_t size = (size_t)1 << k;
    for (unsigned r = 0; r < k; r++) {
        size_t half = size / 2;
        gl_t yl = yinv;
        for (size_t l = 0; l < half; l++) {
            gl3_t a = v[l], b = v[l + half];
            gl3_t sum = gl3_add(a, b), diff = gl3_mul_gl(gl3_sub(a, b), yl);
            v[l] = gl3_mul_gl(gl3_add(sum, gl3_mul(alpha[r], diff)), GL_INV2);
            yl = gl_mul(yl, zinv);
        }
        yinv = gl_sqr(yinv);
        zinv = gl_sqr(zinv);
        size = half;
    }
    return v[0];
}

gl_t zk_whir_query_point(unsigned log_n, unsigned k, size_t j)
{
    return gl_pow(gl_root_of_unity(log_n - k), (uint64_t)j);
}

/* ---- Moebius transforms ----
 * Per variable i: v[b] -= v[b ^ 2^i] for b with bit i set (inverse: +=).
 * Levels commute, so the low MB_LOW levels run inside cache-sized blocks, and
 * the remaining levels two at a time (radix 4: a, b, c, d at stride h). */
#define MB_LOW 12u

#define MOEBIUS_BODY(T, ADD, SUB)                                                                  \
    size_t len = (size_t)1 << n, low = n < MB_LOW ? n : MB_LOW, blk = (size_t)1 << low;              \
    long nblk = (long)(len / blk);                                                                 \
    _Pragma("omp parallel for schedule(static) if (len >= PAR_MIN)")                               \
    for (long bi = 0; bi < nblk; bi++) {                                                           \
        T *x = v + (size_t)bi * blk;                                                               \
        for (size_t i = 0; i < low; i++) {                                                         \
            size_t h = (size_t)1 << i;                                                             \
            for (size_t j = 0; j < blk; j += 2 * h)                                                \
                for (size_t l = j; l < j + h; l++)                                                 \
                    x[l + h] = inverse ? ADD(x[l + h], x[l]) : SUB(x[l + h], x[l]);                \
        }                                                                                          \
    }                                                                                              \
    for (size_t i = low; i < n; i += 2) {                                                          \
        size_t h = (size_t)1 << i;                                                                 \
        if (i + 1 < n) {                                                                           \
            long ng = (long)(len / (4 * h));                                                       \
            _Pragma("omp parallel for schedule(static) collapse(2) if (len >= PAR_MIN)")           \
            for (long g = 0; g < ng; g++)                                                          \
                for (long l = 0; l < (long)h; l++) {                                               \
                    T *x = v + (size_t)g * 4 * h + (size_t)l;                                      \
                    T a = x[0], b = x[h], c = x[2 * h], d = x[3 * h];                              \
                    if (inverse) {                                                                 \
                        b = ADD(b, a);                                                             \
                        d = ADD(d, c);                                                             \
                        c = ADD(c, a);                                                             \
                        d = ADD(d, b);                                                             \
                    } else {                                                                       \
                        b = SUB(b, a);                                                             \
                        d = SUB(d, c);                                                             \
                        c = SUB(c, a);                                                             \
                        d = SUB(d, b);                                                             \
                    }                                                                              \
                    x[h] = b;                                                                      \
                    x[2 * h] = c;                                                                  \
                    x[3 * h] = d;                                                                  \
                }                                                                                  \
        } else {                                                                                   \
            long ng = (long)(len / (2 * h));                                                       \
            _Pragma("omp parallel for schedule(static) collapse(2) if (len >= PAR_MIN)")           \
            for (long g = 0; g < ng; g++)                                                          \
                for (long l = 0; l < (long)h; l++) {                                               \
                    T *x = v + (size_t)g * 2 * h + (size_t)l;                                      \
                    x[h] = inverse ? ADD(x[h], x[0]) : SUB(x[h], x[0]);                            \
                }                                                                                  \
        }                                                                                          \
    }

void zk_whir_moebius_gl(gl_t *v, size_t n, int inverse) { MOEBIUS_BODY(gl_t, gl_add, gl_sub) }

void zk_whir_moebius_gl3(gl3_t *v, size_t n, int inverse) { MOEBIUS_BODY(gl3_t, gl3_add, gl3_sub) }

/* ---- univariate evaluation ---- */

#define HORNER_CHUNK (1u << 14)

gl3_t zk_whir_uni_eval_gl(const gl_t *c, size_t n, gl3_t z)
{
    size_t nch = (n + HORNER_CHUNK - 1) / HORNER_CHUNK;
    gl3_t zc = gl3_pow(z, HORNER_CHUNK), total = gl3_zero();
    if (nch <= 1) {
        for (size_t i = n; i-- > 0;)
            total = gl3_add(gl3_mul(total, z), gl3_from_gl(c[i]));
        return total;
    }
    gl3_t *part = malloc(nch * sizeof *part);
    if (!part) {
        fprintf(stderr, "zkmlops: out of memory (WHIR Horner)\n");
        abort();
    }
#pragma omp parallel for schedule(static)
    for (long ch = 0; ch < (long)nch; ch++) {
        size_t lo = (size_t)ch * HORNER_CHUNK, hi = lo + HORNER_CHUNK < n ? lo + HORNER_CHUNK : n;
        gl3_t acc = gl3_zero();
        for (size_t i = hi; i-- > lo;)
            acc = gl3_add(gl3_mul(acc, z), gl3_from_gl(c[i]));
        part[ch] = acc;
    }
    for (size_t ch = nch; ch-- > 0;)
        total = gl3_add(gl3_mul(total, zc), part[ch]);
    free(part);
    return total;
}

gl3_t zk_whir_uni_eval_gl3(const gl3_t *c, size_t n, gl3_t z)
{
    size_t nch = (n + HORNER_CHUNK - 1) / HORNER_CHUNK;
    gl3_t zc = gl3_pow(z, HORNER_CHUNK), total = gl3_zero();
    if (nch <= 1) {
        for (size_t i = n; i-- > 0;)
            total = gl3_add(gl3_mul(total, z), c[i]);
        return total;
    }
    gl3_t *part = malloc(nch * sizeof *part);
    if (!part) {
        fprintf(stderr, "zkmlops: out of memory (WHIR Horner)\n");
        abort();
    }
#pragma omp parallel for schedule(static)
    for (long ch = 0; ch < (long)nch; ch++) {
        size_t lo = (size_t)ch * HORNER_CHUNK, hi = lo + HORNER_CHUNK < n ? lo + HORNER_CHUNK : n;
        gl3_t acc = gl3_zero();
        for (size_t i = hi; i-- > lo;)
            acc = gl3_add(gl3_mul(acc, z), c[i]);
        part[ch] = acc;
    }
    for (size_t ch = nch; ch-- > 0;)
        total = gl3_add(gl3_mul(total, zc), part[ch]);
    free(part);
    return total;
}

/* ---- claims ---- */

void zk_whir_absorb_claims(zk_transcript *t, const zk_whir_params *p, const zk_whir_claim *claims,
                           size_t n_claims)
{
    zk_transcript_absorb_u64(t, "zkm-whir-nclaims", n_claims);
    for (size_t j = 0; j < n_claims; j++) {
        const zk_whir_claim *c = &claims[j];
        zk_transcript_absorb_u64(t, "zkm-whir-claim-kind", (uint64_t)c->kind);
        if (c->kind == ZK_CLAIM_POINT)
            zk_transcript_absorb_gl3(t, "zkm-whir-claim-point", c->point, p->n_vars);
        else
            zk_transcript_absorb_gl3(t, "zkm-whir-claim-weights", c->weights, (size_t)1 << p->n_vars);
        zk_transcript_absorb_gl3(t, "zkm-whir-claim-value", &c->value, 1);
    }
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

size_t zk_whir_sort_unique(size_t *idx, size_t n)
{
    if (n == 0)
        return 0;
    qsort(idx, n, sizeof *idx, cmp_size);
    size_t u = 1;
    for (size_t i = 1; i < n; i++)
        if (idx[i] != idx[u - 1])
            idx[u++] = idx[i];
    return u;
}

/* ---- sampling ---- */

#define RND_CHUNK 4096
#define RND_PAR_CHUNK ((size_t)1 << 16)

static void random_gl_seq(gl_t *out, size_t n)
{
    uint64_t buf[RND_CHUNK];
    size_t have = 0, pos = 0;
    for (size_t i = 0; i < n;) {
        if (pos == have) {
            size_t want = n - i + 16 < RND_CHUNK ? n - i + 16 : RND_CHUNK;
            zk_random_bytes(buf, want * sizeof buf[0]);
            have = want;
            pos = 0;
        }
        uint64_t v = buf[pos++];
        if (v < GL_P)
            out[i++] = v;
    }
    memset(buf, 0, sizeof buf);
}

void zk_whir_random_gl(gl_t *out, size_t n)
{
    /* The OS CSPRNG (OpenSSL RAND_bytes) is thread-safe; chunks in parallel.
     * Each chunk is filled in place and values >= p (probability 2^-32) are
     * replaced by fresh draws. */
    long nch = (long)((n + RND_PAR_CHUNK - 1) / RND_PAR_CHUNK);
#pragma omp parallel for schedule(dynamic, 1) if (nch > 1)
    for (long c = 0; c < nch; c++) {
        size_t lo = (size_t)c * RND_PAR_CHUNK, cnt = n - lo < RND_PAR_CHUNK ? n - lo : RND_PAR_CHUNK;
        zk_random_bytes(out + lo, cnt * sizeof *out);
        for (size_t i = lo; i < lo + cnt; i++)
            if (out[i] >= GL_P)
                random_gl_seq(out + i, 1);
    }
}

#define PRG_CHUNK 16384 /* field elements (or bytes / 8) per label chunk */

/* Fill out[0..cnt) with elements < p expanded from (seed, lab), rejection
 * sampling over the prefix-consistent zk_prg_expand stream. */
static void prg_chunk_gl(gl_t *out, size_t cnt, const uint8_t seed[32], const char *lab)
{
    size_t len = cnt + 16;
    for (;;) {
        uint64_t *buf = malloc(len * sizeof *buf);
        if (!buf) {
            fprintf(stderr, "zkmlops: out of memory (WHIR PRG)\n");
            abort();
        }
        zk_prg_expand(seed, lab, buf, len * sizeof *buf);
        size_t got = 0;
        for (size_t i = 0; i < len && got < cnt; i++)
            if (buf[i] < GL_P)
                out[got++] = buf[i];
        memset(buf, 0, len * sizeof *buf);
        free(buf);
        if (got == cnt)
            return;
        len *= 2; /* probability ~2^-500: expand a longer prefix of the same stream */
    }
}

void zk_whir_prg_gl(gl_t *out, size_t n, const uint8_t seed[32], const char *label)
{
    long nch = (long)((n + PRG_CHUNK - 1) / PRG_CHUNK);
#pragma omp parallel for schedule(dynamic, 1) if (nch > 1)
    for (long c = 0; c < nch; c++) {
        char lab[96];
        snprintf(lab, sizeof lab, "%s/%ld", label, c);
        size_t lo = (size_t)c * PRG_CHUNK, cnt = n - lo < PRG_CHUNK ? n - lo : PRG_CHUNK;
        prg_chunk_gl(out + lo, cnt, seed, lab);
    }
}

void zk_whir_prg_bytes(uint8_t *out, size_t len, const uint8_t seed[32], const char *label)
{
    const size_t chunk = PRG_CHUNK * 8;
    long nch = (long)((len + chunk - 1) / chunk);
#pragma omp parallel for schedule(dynamic, 1) if (nch > 1)
    for (long c = 0; c < nch; c++) {
        char lab[96];
        snprintf(lab, sizeof lab, "%s/%ld", label, c);
        size_t lo = (size_t)c * chunk, cnt = len - lo < chunk ? len - lo : chunk;
        zk_prg_expand(seed, lab, out + lo, cnt);
    }
}

/* ---- verifier: final weights ---- */

static gl3_t eq1(gl3_t a, gl3_t x)
{
    gl3_t ax = gl3_mul(a, x);
    return gl3_add(gl3_sub(gl3_sub(gl3_one(), a), x), gl3_add(ax, ax));
}

int zk_whir_eval_final_weights(gl3_t *out, const zk_whir_params *p, const zk_whir_constraint *cs,
                               size_t n_cs, const gl3_t *alpha)
{
    uint32_t m = p->total_vars, fv = p->final_vars, n = p->n_vars, k = p->folding_factor;
    uint32_t mf = m - fv; /* number of folding challenges */
    size_t nb = (size_t)1 << fv;
    gl3_t pt[ZK_WHIR_MAX_VARS + 2];
    for (size_t b = 0; b < nb; b++)
        out[b] = gl3_zero();
    for (size_t c = 0; c < n_cs; c++) {
        const zk_whir_constraint *C = &cs[c];
        uint32_t o = k * C->round, mr = m - o;
        if (C->type == WHIR_C_DENSE) {
            /* MLE of the zero-padded weights at (alpha, b). */
            size_t nw = (size_t)1 << n;
            uint32_t a = n < mf ? n : mf;
            gl3_t *tab = malloc(nw * sizeof *tab);
            if (!tab)
                return -1;
            memcpy(tab, C->weights, nw * sizeof *tab);
            for (uint32_t i = 0; i < a; i++)
                zk_mle_fold_gl3(tab, n - i, alpha[i]);
            gl3_t pad = gl3_one();
            for (uint32_t i = n; i < mf; i++)
                pad = gl3_mul(pad, gl3_sub(gl3_one(), alpha[i]));
            for (size_t b = 0; b < nb; b++) {
                /* coordinates >= max(n, mf) are b bits that must be 0 (padding) */
                int zero = 0;
                for (uint32_t i = (n > mf ? n : mf); i < m; i++)
                    if ((b >> (i - mf)) & 1)
                        zero = 1;
                if (zero)
                    continue;
                size_t idx = a < n ? (b & (((size_t)1 << (n - a)) - 1)) : 0;
                out[b] = gl3_add(out[b], gl3_mul(C->coeff, gl3_mul(pad, tab[idx])));
            }
            free(tab);
            continue;
        }
        if (C->type == WHIR_C_POINT) {
            for (uint32_t i = 0; i < mr; i++)
                pt[i] = i < n ? C->point[i] : gl3_zero();
        } else {
            zk_mle_expand_point(pt, C->y, mr);
        }
        gl3_t prefix = C->coeff;
        for (uint32_t i = 0; o + i < mf; i++)
            prefix = gl3_mul(prefix, eq1(pt[i], alpha[o + i]));
        for (size_t b = 0; b < nb; b++) {
            gl3_t v = prefix;
            for (uint32_t j = 0; j < fv; j++) {
                gl3_t q = pt[mf - o + j];
                v = gl3_mul(v, ((b >> j) & 1) ? q : gl3_sub(gl3_one(), q));
            }
            out[b] = gl3_add(out[b], v);
        }
    }
    return 0;
}
