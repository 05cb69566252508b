/*
 * hash.h — the one hash interface of zkmlops: SHA-256 (FIPS 180-4) computed by
 * OpenSSL libcrypto (EVP, which uses SHA-NI where the CPU has it).
 *
 * Every digest is 32 bytes. Incremental use: init, update*, final. The context
 * is a small struct owned by the caller; it holds an EVP_MD_CTX created by
 * zk_sha256_init and released by zk_sha256_final (always call final, or
 * zk_sha256_abort on error paths). Aborts if libcrypto fails (out of memory in
 * OpenSSL), which is not a data error.
 */
#ifndef ZKMLOPS_HASH_H
#define ZKMLOPS_HASH_H

#include <stddef.h>
#include <stdint.h>

#define ZK_HASH_BYTES 32

typedef struct {
    uint8_t h[ZK_HASH_BYTES];
} zk_digest;

typedef struct {
    void *md_ctx; /* EVP_MD_CTX*, opaque */
} zk_sha256_ctx;

void zk_sha256_init(zk_sha256_ctx *ctx);
void zk_sha256_update(zk_sha256_ctx *ctx, const void *data, size_t len);
void zk_sha256_final(zk_sha256_ctx *ctx, uint8_t out[ZK_HASH_BYTES]);
void zk_sha256_abort(zk_sha256_ctx *ctx);
/* One-shot digest of len bytes. */
void zk_sha256(uint8_t out[ZK_HASH_BYTES], const void *data, size_t len);
/* Digest of the concatenation a || b (the Merkle 2-to-1 compression). */
void zk_sha256_2(uint8_t out[ZK_HASH_BYTES], const void *a, size_t alen, const void *b, size_t blen);
/* SHA-256 of a whole file; returns 0, or -1 if it cannot be read (errno set). */
int zk_sha256_file(uint8_t out[ZK_HASH_BYTES], const char *path);
/* Lower-case hex of a digest into out (65 bytes incl. NUL). */
void zk_digest_hex(char out[2 * ZK_HASH_BYTES + 1], const uint8_t d[ZK_HASH_BYTES]);

#endif
