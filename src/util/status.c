/* Thread-local error messages, exit-code mapping, randomness. */
#include "zkmlops/status.h"

#include <openssl/rand.h>
#include "zkmlops/hash.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZK_ERRLEN 512
static _Thread_local char zk_errbuf[ZK_ERRLEN];

zk_status zk_set_error(zk_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(zk_errbuf, sizeof zk_errbuf, fmt, ap);
    va_end(ap);
    return st;
}

zk_status zk_error_prefix(zk_status st, const char *prefix)
{
    char tmp[ZK_ERRLEN];
    size_t pl = strlen(prefix);
    if (pl > ZK_ERRLEN / 2)
        pl = ZK_ERRLEN / 2;
    memcpy(tmp, prefix, pl);
    tmp[pl] = ':';
    tmp[pl + 1] = ' ';
    size_t rest = strnlen(zk_errbuf, ZK_ERRLEN - 1);
    if (rest > ZK_ERRLEN - pl - 3)
        rest = ZK_ERRLEN - pl - 3;
    memcpy(tmp + pl + 2, zk_errbuf, rest);
    tmp[pl + 2 + rest] = 0;
    memcpy(zk_errbuf, tmp, sizeof tmp);
    return st;
}

const char *zk_last_error(void) { return zk_errbuf; }

int zk_exit_code(zk_status st)
{
    if (st == ZK_OK)
        return 0;
    return st == ZK_ERR_REJECT ? 1 : 2;
}

void zk_illegal_call(const char *file, int line, const char *what)
{
    fprintf(stderr, "zkmlops: illegal call at %s:%d: %s\n", file, line, what);
    abort();
}

void zk_random_bytes(void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len > 0) {
        int chunk = len > (1u << 30) ? (1 << 30) : (int)len;
        if (RAND_bytes(p, chunk) != 1) {
            fprintf(stderr, "zkmlops: the OS random number generator failed\n");
            abort();
        }
        p += chunk;
        len -= (size_t)chunk;
    }
}

void zk_prg_expand(const unsigned char seed[32], const char *label, void *out, size_t len)
{
    unsigned char *o = out;
    size_t llen = strlen(label);
    for (uint64_t ctr = 0; len > 0; ctr++) {
        zk_sha256_ctx c;
        unsigned char block[32], le[8];
        for (int i = 0; i < 8; i++)
            le[i] = (unsigned char)(ctr >> (8 * i));
        zk_sha256_init(&c);
        zk_sha256_update(&c, seed, 32);
        zk_sha256_update(&c, label, llen);
        zk_sha256_update(&c, le, 8);
        zk_sha256_final(&c, block);
        size_t n = len < 32 ? len : 32;
        memcpy(o, block, n);
        o += n;
        len -= n;
    }
}
