/* Fiat–Shamir transcript: duplex over SHA-256 with length-prefixed labels (see transcript.h). */
#include "zkmlops/transcript.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/status.h"

#define ABSORB_TAG "zkm-absorb"
#define SQUEEZE_TAG "zkm-squeeze"
#define RATCHET_TAG "zkm-ratchet"
#define POW_TAG "zkm-pow"
#define POW_TAG_BYTES 7
#define POW_MSG_BYTES (POW_TAG_BYTES + ZK_HASH_BYTES + 8)
/* Bytes squeezed per base-field challenge: 64 + 128 extra bits. */
#define GL_CHAL_BYTES 24
/* PoW search: nonces per work item taken by a thread. */
#define POW_CHUNK 4096u

static void le64(uint8_t out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t rd64(const uint8_t in[8])
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)in[i] << (8 * i);
    return v;
}

/* Hash "tag || state || u64 len(label) || label" into a fresh incremental context. */
static void begin(zk_sha256_ctx *c, const char *tag, const zk_transcript *t, const char *label)
{
    uint8_t len[8];
    size_t llen = strlen(label);
    le64(len, (uint64_t)llen);
    zk_sha256_init(c);
    zk_sha256_update(c, tag, strlen(tag));
    zk_sha256_update(c, t->state, ZK_HASH_BYTES);
    zk_sha256_update(c, len, 8);
    zk_sha256_update(c, label, llen);
}

void zk_transcript_init(zk_transcript *t, const char *protocol)
{
    ZK_CHECK_ARG(t != NULL && protocol != NULL);
    memset(t->state, 0, sizeof t->state);
    zk_transcript_absorb(t, "zkm-protocol", protocol, strlen(protocol));
}

void zk_transcript_absorb(zk_transcript *t, const char *label, const void *data, size_t len)
{
    ZK_CHECK_ARG(t != NULL && label != NULL && (data != NULL || len == 0));
    zk_sha256_ctx c;
    uint8_t l8[8];
    begin(&c, ABSORB_TAG, t, label);
    le64(l8, (uint64_t)len);
    zk_sha256_update(&c, l8, 8);
    zk_sha256_update(&c, data, len);
    zk_sha256_final(&c, t->state);
}

void zk_transcript_absorb_u64(zk_transcript *t, const char *label, uint64_t v)
{
    uint8_t b[8];
    le64(b, v);
    zk_transcript_absorb(t, label, b, 8);
}

/* Absorb n 64-bit words (little-endian) as one datum of 8*n bytes, streamed. */
static void absorb_words(zk_transcript *t, const char *label, const uint64_t *w, size_t n)
{
    ZK_CHECK_ARG(t != NULL && label != NULL && (w != NULL || n == 0));
    ZK_CHECK_ARG(n <= SIZE_MAX / 8);
    zk_sha256_ctx c;
    uint8_t buf[512];
    begin(&c, ABSORB_TAG, t, label);
    le64(buf, (uint64_t)n * 8);
    zk_sha256_update(&c, buf, 8);
    size_t fill = 0;
    for (size_t i = 0; i < n; i++) {
        le64(buf + fill, w[i]);
        fill += 8;
        if (fill == sizeof buf) {
            zk_sha256_update(&c, buf, fill);
            fill = 0;
        }
    }
    zk_sha256_update(&c, buf, fill);
    zk_sha256_final(&c, t->state);
}

void zk_transcript_absorb_gl(zk_transcript *t, const char *label, const gl_t *v, size_t n)
{
    absorb_words(t, label, v, n);
}

void zk_transcript_absorb_gl3(zk_transcript *t, const char *label, const gl3_t *v, size_t n)
{
    ZK_CHECK_ARG(n <= SIZE_MAX / 3);
    _Static_assert(sizeof(gl3_t) == 3 * sizeof(uint64_t), "gl3_t must be three packed words");
    absorb_words(t, label, v ? v->c : NULL, 3 * n);
}

void zk_transcript_absorb_digest(zk_transcript *t, const char *label, const zk_digest *d)
{
    ZK_CHECK_ARG(d != NULL);
    zk_transcript_absorb(t, label, d->h, ZK_HASH_BYTES);
}

void zk_transcript_challenge_bytes(zk_transcript *t, const char *label, uint8_t *out, size_t len)
{
    ZK_CHECK_ARG(t != NULL && label != NULL && (out != NULL || len == 0));
    uint8_t first[ZK_HASH_BYTES], blk[ZK_HASH_BYTES], ctr[8];
    size_t off = 0;
    for (uint64_t i = 0; i == 0 || off < len; i++) {
        zk_sha256_ctx c;
        begin(&c, SQUEEZE_TAG, t, label);
        le64(ctr, i);
        zk_sha256_update(&c, ctr, 8);
        zk_sha256_final(&c, i == 0 ? first : blk);
        const uint8_t *src = i == 0 ? first : blk;
        size_t take = len - off < ZK_HASH_BYTES ? len - off : ZK_HASH_BYTES;
        memcpy(out + off, src, take);
        off += take;
    }
    /* Ratchet: the state moves on, so the next challenge differs even with the same label. */
    zk_sha256_ctx c;
    zk_sha256_init(&c);
    zk_sha256_update(&c, RATCHET_TAG, strlen(RATCHET_TAG));
    zk_sha256_update(&c, t->state, ZK_HASH_BYTES);
    zk_sha256_update(&c, first, ZK_HASH_BYTES);
    zk_sha256_final(&c, t->state);
}

/* Reduce the 192-bit little-endian integer b[0..24) modulo p. With
 * x = a0 + 2^64 * (a1 + 2^64 a2): r = (a1 + 2^64 a2) mod p, then
 * x mod p = (2^64 r + a0) mod p, both steps via gl_reduce128 (inputs < 2^128).
 * The result is within statistical distance p / 2^192 < 2^-128 of uniform. */
static gl_t reduce192(const uint8_t b[GL_CHAL_BYTES])
{
    uint64_t a0 = rd64(b), a1 = rd64(b + 8), a2 = rd64(b + 16);
    gl_t r = gl_reduce128(((unsigned __int128)a2 << 64) | a1);
    return gl_reduce128(((unsigned __int128)r << 64) | a0);
}

gl_t zk_transcript_challenge_gl(zk_transcript *t, const char *label)
{
    uint8_t b[GL_CHAL_BYTES];
    zk_transcript_challenge_bytes(t, label, b, sizeof b);
    return reduce192(b);
}

gl3_t zk_transcript_challenge_gl3(zk_transcript *t, const char *label)
{
    gl3_t r;
    zk_transcript_challenge_gl3s(t, label, &r, 1);
    return r;
}

void zk_transcript_challenge_gl3s(zk_transcript *t, const char *label, gl3_t *out, size_t n)
{
    ZK_CHECK_ARG(out != NULL || n == 0);
    ZK_CHECK_ARG(n <= SIZE_MAX / (3 * GL_CHAL_BYTES));
    uint8_t one[3 * GL_CHAL_BYTES];
    uint8_t *b = n <= 1 ? one : malloc(n * 3 * GL_CHAL_BYTES);
    if (!b) {
        fprintf(stderr, "zkmlops: out of memory squeezing %zu challenges\n", n);
        abort();
    }
    zk_transcript_challenge_bytes(t, label, b, n * 3 * GL_CHAL_BYTES);
    for (size_t i = 0; i < n; i++)
        for (int j = 0; j < 3; j++)
            out[i].c[j] = reduce192(b + (3 * i + (size_t)j) * GL_CHAL_BYTES);
    if (b != one)
        free(b);
}

void zk_transcript_challenge_indices(zk_transcript *t, const char *label, uint64_t bound,
                                     size_t *out, size_t n)
{
    ZK_CHECK_ARG(bound != 0 && (bound & (bound - 1)) == 0 && bound <= ((uint64_t)1 << 32));
    ZK_CHECK_ARG((uint64_t)SIZE_MAX >= bound - 1);
    ZK_CHECK_ARG(out != NULL || n == 0);
    ZK_CHECK_ARG(n <= SIZE_MAX / 4);
    uint8_t one[4];
    uint8_t *b = n <= 1 ? one : malloc(n * 4);
    if (!b) {
        fprintf(stderr, "zkmlops: out of memory squeezing %zu indices\n", n);
        abort();
    }
    zk_transcript_challenge_bytes(t, label, b, n * 4);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 | (uint32_t)b[4 * i + 2] << 16 |
                     (uint32_t)b[4 * i + 3] << 24;
        out[i] = (size_t)(v & (bound - 1)); /* bound | 2^32: exactly uniform */
    }
    if (b != one)
        free(b);
}

/* ---- proof of work ---- */

static int has_zero_bits(const uint8_t d[ZK_HASH_BYTES], unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;
    for (unsigned i = 0; i < full; i++)
        if (d[i] != 0)
            return 0;
    return rest == 0 || (d[full] >> (8 - rest)) == 0;
}

static _Noreturn void crypto_die(const char *what)
{
    fprintf(stderr, "zkmlops: libcrypto failure in %s\n", what);
    abort();
}

/* SHA256("zkm-pow" || state || u64 nonce) with a reused context and a
 * prepared message whose last 8 bytes are the nonce. */
static void pow_hash(EVP_MD_CTX *c, const EVP_MD *md, uint8_t msg[POW_MSG_BYTES], uint64_t nonce,
                     uint8_t out[ZK_HASH_BYTES])
{
    unsigned int n = 0;
    le64(msg + POW_TAG_BYTES + ZK_HASH_BYTES, nonce);
    if (EVP_DigestInit_ex(c, md, NULL) != 1 || EVP_DigestUpdate(c, msg, POW_MSG_BYTES) != 1 ||
        EVP_DigestFinal_ex(c, out, &n) != 1 || n != ZK_HASH_BYTES)
        crypto_die("PoW hash");
}

static void pow_msg(uint8_t msg[POW_MSG_BYTES], const zk_transcript *t)
{
    memcpy(msg, POW_TAG, POW_TAG_BYTES);
    memcpy(msg + POW_TAG_BYTES, t->state, ZK_HASH_BYTES);
    le64(msg + POW_TAG_BYTES + ZK_HASH_BYTES, 0);
}

static uint64_t load_best(const uint64_t *best)
{
    uint64_t v;
#pragma omp atomic read
    v = *best;
    return v;
}

/* Search [start, start + POW_CHUNK) in increasing order and lower *best to the
 * first hit. Stops early once *best (which only decreases) is below the
 * current nonce, since nothing further here can be the least solution. */
static void pow_chunk(EVP_MD_CTX *c, const EVP_MD *md, uint8_t msg[POW_MSG_BYTES], unsigned bits,
                      uint64_t start, uint64_t *best)
{
    uint8_t d[ZK_HASH_BYTES];
    for (uint64_t nonce = start; nonce < start + POW_CHUNK; nonce++) {
        if ((nonce & 255) == 0 && load_best(best) < nonce)
            return;
        pow_hash(c, md, msg, nonce, d);
        if (has_zero_bits(d, bits)) {
#pragma omp critical(zk_pow_best)
            {
                if (nonce < *best)
                    *best = nonce;
            }
            return;
        }
    }
}

uint64_t zk_transcript_pow_prove(zk_transcript *t, unsigned bits)
{
    ZK_CHECK_ARG(t != NULL && bits <= 32);
    uint64_t best = bits == 0 ? 0 : UINT64_MAX;
    if (bits > 0) {
        EVP_MD *md = EVP_MD_fetch(NULL, "SHA256", NULL);
        if (!md)
            crypto_die("EVP_MD_fetch(SHA256)");
        /* Threads take chunks of POW_CHUNK nonces in increasing order from a
         * shared counter and stop when the chunk they took starts above the
         * best hit so far. Every chunk starting below the final best was
         * taken and searched up to its first hit, so the result is the least
         * valid nonce whatever the thread count or timing. 2^64 nonces never
         * run out in practice (a 32-bit target needs ~2^32 tries). */
        uint64_t next = 0;
#pragma omp parallel
        {
            EVP_MD_CTX *c = EVP_MD_CTX_new();
            uint8_t msg[POW_MSG_BYTES];
            if (!c)
                crypto_die("EVP_MD_CTX_new");
            pow_msg(msg, t);
            for (;;) {
                uint64_t k;
#pragma omp atomic capture
                k = next++;
                uint64_t start = k * POW_CHUNK;
                if (start > load_best(&best))
                    break;
                pow_chunk(c, md, msg, bits, start, &best);
            }
            EVP_MD_CTX_free(c);
        }
        EVP_MD_free(md);
    }
    zk_transcript_absorb_u64(t, "zkm-pow-nonce", best);
    return best;
}

int zk_transcript_pow_verify(zk_transcript *t, unsigned bits, uint64_t nonce)
{
    ZK_CHECK_ARG(t != NULL && bits <= 32);
    uint8_t msg[POW_MSG_BYTES];
    zk_sha256_ctx c;
    uint8_t d[ZK_HASH_BYTES];
    pow_msg(msg, t);
    le64(msg + POW_TAG_BYTES + ZK_HASH_BYTES, nonce);
    zk_sha256_init(&c);
    zk_sha256_update(&c, msg, POW_MSG_BYTES);
    zk_sha256_final(&c, d);
    if (!has_zero_bits(d, bits))
        return 0;
    zk_transcript_absorb_u64(t, "zkm-pow-nonce", nonce);
    return 1;
}
