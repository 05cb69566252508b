/* SHA-256 through OpenSSL EVP. */
#include "zkmlops/hash.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

static void die(const char *what)
{
    fprintf(stderr, "zkmlops: libcrypto failure in %s\n", what);
    abort();
}

void zk_sha256_init(zk_sha256_ctx *ctx)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
        die("EVP_DigestInit_ex");
    ctx->md_ctx = c;
}

void zk_sha256_update(zk_sha256_ctx *ctx, const void *data, size_t len)
{
    if (len && EVP_DigestUpdate((EVP_MD_CTX *)ctx->md_ctx, data, len) != 1)
        die("EVP_DigestUpdate");
}

void zk_sha256_final(zk_sha256_ctx *ctx, uint8_t out[ZK_HASH_BYTES])
{
    unsigned int n = 0;
    if (EVP_DigestFinal_ex((EVP_MD_CTX *)ctx->md_ctx, out, &n) != 1 || n != ZK_HASH_BYTES)
        die("EVP_DigestFinal_ex");
    EVP_MD_CTX_free((EVP_MD_CTX *)ctx->md_ctx);
    ctx->md_ctx = NULL;
}

void zk_sha256_abort(zk_sha256_ctx *ctx)
{
    EVP_MD_CTX_free((EVP_MD_CTX *)ctx->md_ctx);
    ctx->md_ctx = NULL;
}

void zk_sha256(uint8_t out[ZK_HASH_BYTES], const void *data, size_t len)
{
    unsigned int n = 0;
    if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1)
        die("EVP_Digest");
}

void zk_sha256_2(uint8_t out[ZK_HASH_BYTES], const void *a, size_t alen, const void *b, size_t blen)
{
    zk_sha256_ctx c;
    zk_sha256_init(&c);
    zk_sha256_update(&c, a, alen);
    zk_sha256_update(&c, b, blen);
    zk_sha256_final(&c, out);
}

int zk_sha256_file(uint8_t out[ZK_HASH_BYTES], const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    zk_sha256_ctx c;
    zk_sha256_init(&c);
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        zk_sha256_update(&c, buf, n);
    int bad = ferror(f);
    fclose(f);
    zk_sha256_final(&c, out);
    return bad ? -1 : 0;
}

void zk_digest_hex(char out[2 * ZK_HASH_BYTES + 1], const uint8_t d[ZK_HASH_BYTES])
{
    static const char hx[] = "0123456789abcdef";
    for (int i = 0; i < ZK_HASH_BYTES; i++) {
        out[2 * i] = hx[d[i] >> 4];
        out[2 * i + 1] = hx[d[i] & 15];
    }
    out[2 * ZK_HASH_BYTES] = 0;
}
