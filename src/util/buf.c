/* Little-endian byte writer and bounds-checked reader; whole-file helpers. */
#include "zkmlops/buf.h"
#include "zkmlops/limits.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zkmlops/status.h"

void zk_wbuf_init(zk_wbuf *w) { memset(w, 0, sizeof *w); }

void zk_wbuf_free(zk_wbuf *w)
{
    free(w->data);
    memset(w, 0, sizeof *w);
}

void zk_wbuf_put(zk_wbuf *w, const void *p, size_t n)
{
    if (w->oom || n == 0)
        return;
    if (w->len + n < w->len) {
        w->oom = 1;
        return;
    }
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 256;
        while (cap < w->len + n)
            cap *= 2;
        uint8_t *d = realloc(w->data, cap);
        if (!d) {
            w->oom = 1;
            return;
        }
        w->data = d;
        w->cap = cap;
    }
    memcpy(w->data + w->len, p, n);
    w->len += n;
}

void zk_wbuf_u8(zk_wbuf *w, uint8_t v) { zk_wbuf_put(w, &v, 1); }

void zk_wbuf_u32(zk_wbuf *w, uint32_t v)
{
    uint8_t b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    zk_wbuf_put(w, b, 4);
}

void zk_wbuf_u64(zk_wbuf *w, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    zk_wbuf_put(w, b, 8);
}

void zk_wbuf_gl(zk_wbuf *w, gl_t v) { zk_wbuf_u64(w, v); }

void zk_wbuf_gl3(zk_wbuf *w, gl3_t v)
{
    for (int i = 0; i < 3; i++)
        zk_wbuf_u64(w, v.c[i]);
}

void zk_wbuf_gls(zk_wbuf *w, const gl_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        zk_wbuf_u64(w, v[i]);
}

void zk_wbuf_gl3s(zk_wbuf *w, const gl3_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        zk_wbuf_gl3(w, v[i]);
}

void zk_wbuf_digest(zk_wbuf *w, const zk_digest *d) { zk_wbuf_put(w, d->h, ZK_HASH_BYTES); }

void zk_rbuf_init(zk_rbuf *r, const void *data, size_t len)
{
    r->data = data;
    r->len = len;
    r->pos = 0;
    r->err = 0;
    r->what = NULL;
}

void zk_rbuf_fail(zk_rbuf *r, const char *what)
{
    if (!r->err)
        r->what = what;
    r->err = 1;
}

size_t zk_rbuf_left(const zk_rbuf *r) { return r->err ? 0 : r->len - r->pos; }

const uint8_t *zk_rbuf_take(zk_rbuf *r, size_t n)
{
    if (r->err)
        return NULL;
    if (n > r->len - r->pos) {
        zk_rbuf_fail(r, "truncated");
        return NULL;
    }
    const uint8_t *p = r->data + r->pos;
    r->pos += n;
    return p;
}

void zk_rbuf_get(zk_rbuf *r, void *p, size_t n)
{
    const uint8_t *s = zk_rbuf_take(r, n);
    if (s)
        memcpy(p, s, n);
    else if (n)
        memset(p, 0, n);
}

uint8_t zk_rbuf_u8(zk_rbuf *r)
{
    const uint8_t *s = zk_rbuf_take(r, 1);
    return s ? s[0] : 0;
}

uint32_t zk_rbuf_u32(zk_rbuf *r)
{
    const uint8_t *s = zk_rbuf_take(r, 4);
    uint32_t v = 0;
    if (s)
        for (int i = 0; i < 4; i++)
            v |= (uint32_t)s[i] << (8 * i);
    return v;
}

uint64_t zk_rbuf_u64(zk_rbuf *r)
{
    const uint8_t *s = zk_rbuf_take(r, 8);
    uint64_t v = 0;
    if (s)
        for (int i = 0; i < 8; i++)
            v |= (uint64_t)s[i] << (8 * i);
    return v;
}

gl_t zk_rbuf_gl(zk_rbuf *r)
{
    uint64_t v = zk_rbuf_u64(r);
    if (v >= GL_P) {
        zk_rbuf_fail(r, "non-canonical field element (>= p)");
        return 0;
    }
    return v;
}

gl3_t zk_rbuf_gl3(zk_rbuf *r)
{
    gl3_t v;
    for (int i = 0; i < 3; i++)
        v.c[i] = zk_rbuf_gl(r);
    return r->err ? gl3_zero() : v;
}

void zk_rbuf_gls(zk_rbuf *r, gl_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = zk_rbuf_gl(r);
}

void zk_rbuf_gl3s(zk_rbuf *r, gl3_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        v[i] = zk_rbuf_gl3(r);
}

void zk_rbuf_digest(zk_rbuf *r, zk_digest *d) { zk_rbuf_get(r, d->h, ZK_HASH_BYTES); }

uint32_t zk_rbuf_count(zk_rbuf *r, uint32_t max)
{
    uint32_t n = zk_rbuf_u32(r);
    if (n > max) {
        zk_rbuf_fail(r, "declared count exceeds limit");
        return 0;
    }
    return n;
}

int zk_read_file(const char *path, size_t max_bytes, uint8_t **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return zk_set_error(ZK_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    if (fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        return zk_set_error(ZK_ERR_IO, "%s: not a regular file", path);
    }
    long sz = ftell(f);
    if (sz < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return zk_set_error(ZK_ERR_IO, "%s: cannot determine size", path);
    }
    if ((unsigned long)sz > max_bytes) {
        fclose(f);
        return zk_set_error(ZK_ERR_INPUT, "%s: file is %ld bytes, over the limit of %zu", path, sz,
                            max_bytes);
    }
    if ((uint64_t)sz > zk_limit(ZK_LIMIT_FILE_BYTES)) {
        fclose(f);
        return zk_set_error(ZK_ERR_INPUT, "%s: file is %ld bytes, over the limit file_bytes = %llu", path, sz,
                            (unsigned long long)zk_limit(ZK_LIMIT_FILE_BYTES));
    }
    uint8_t *buf = malloc((size_t)sz + 1);
    if (!buf) {
        fclose(f);
        return zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", path);
    }
    size_t got = fread(buf, 1, (size_t)sz, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || got != (size_t)sz) {
        free(buf);
        return zk_set_error(ZK_ERR_IO, "%s: read error", path);
    }
    buf[sz] = 0; /* convenience terminator for text parsers; not counted in len */
    *data = buf;
    *len = (size_t)sz;
    return ZK_OK;
}

int zk_write_file_atomic(const char *path, const void *data, size_t len)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp)
        return zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", path);
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        int e = errno;
        free(tmp);
        return zk_set_error(ZK_ERR_IO, "%s: cannot create: %s", path, strerror(e));
    }
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fflush(f) == 0) && ok;
    ok = (fsync(fileno(f)) == 0) && ok;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        free(tmp);
        return zk_set_error(ZK_ERR_IO, "%s: write failed: %s", path, strerror(e));
    }
    free(tmp);
    return ZK_OK;
}
