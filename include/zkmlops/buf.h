/*
 * buf.h — byte buffers for proofs and files: a growable writer and a
 * bounds-checked reader. All integers are little-endian. A base-field element
 * is 8 bytes (canonical, < p); an extension element is 24 bytes (c0, c1, c2).
 *
 * The reader has a sticky error flag: after the first failure (read past the
 * end, non-canonical field element, size over a limit) every later read
 * returns zeros and the flag stays set, so a parser may read a whole structure
 * and check `r->err` once. It never reads out of bounds.
 *
 * The writer has a sticky out-of-memory flag with the same convention.
 */
#ifndef ZKMLOPS_BUF_H
#define ZKMLOPS_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/field.h"
#include "zkmlops/hash.h"

typedef struct {
    uint8_t *data; /* owned; free with zk_wbuf_free */
    size_t len, cap;
    int oom;
} zk_wbuf;

typedef struct {
    const uint8_t *data; /* borrowed */
    size_t len, pos;
    int err;
    const char *what; /* first failure, a static string ("truncated", "non-canonical field element", ...) */
} zk_rbuf;

void zk_wbuf_init(zk_wbuf *w);
void zk_wbuf_free(zk_wbuf *w);
void zk_wbuf_put(zk_wbuf *w, const void *p, size_t n);
void zk_wbuf_u8(zk_wbuf *w, uint8_t v);
void zk_wbuf_u32(zk_wbuf *w, uint32_t v);
void zk_wbuf_u64(zk_wbuf *w, uint64_t v);
void zk_wbuf_gl(zk_wbuf *w, gl_t v);
void zk_wbuf_gl3(zk_wbuf *w, gl3_t v);
void zk_wbuf_gls(zk_wbuf *w, const gl_t *v, size_t n);
void zk_wbuf_gl3s(zk_wbuf *w, const gl3_t *v, size_t n);
void zk_wbuf_digest(zk_wbuf *w, const zk_digest *d);

void zk_rbuf_init(zk_rbuf *r, const void *data, size_t len);
/* Mark the reader failed with a static reason (first reason wins). */
void zk_rbuf_fail(zk_rbuf *r, const char *what);
/* Bytes remaining (0 after an error). */
size_t zk_rbuf_left(const zk_rbuf *r);
/* Copy n bytes out; on failure zero-fill. */
void zk_rbuf_get(zk_rbuf *r, void *p, size_t n);
/* Borrow a pointer to the next n bytes and advance; NULL on failure. */
const uint8_t *zk_rbuf_take(zk_rbuf *r, size_t n);
uint8_t zk_rbuf_u8(zk_rbuf *r);
uint32_t zk_rbuf_u32(zk_rbuf *r);
uint64_t zk_rbuf_u64(zk_rbuf *r);
/* Field reads fail (and return 0) on a value >= p. */
gl_t zk_rbuf_gl(zk_rbuf *r);
gl3_t zk_rbuf_gl3(zk_rbuf *r);
void zk_rbuf_gls(zk_rbuf *r, gl_t *v, size_t n);
void zk_rbuf_gl3s(zk_rbuf *r, gl3_t *v, size_t n);
void zk_rbuf_digest(zk_rbuf *r, zk_digest *d);
/* Read a u32 count and fail if it exceeds max. */
uint32_t zk_rbuf_count(zk_rbuf *r, uint32_t max);

/* Read a whole file into memory (at most max_bytes). Returns 0 and sets *data
 * (malloc'd, caller frees) and *len, or a zk_status with zk_last_error() set
 * to "<path>: <reason>". */
int zk_read_file(const char *path, size_t max_bytes, uint8_t **data, size_t *len);
/* Write a file atomically: write to "<path>.tmp.<pid>", fsync, rename. Never
 * leaves a partial file under `path`. Returns 0 or a zk_status with message. */
int zk_write_file_atomic(const char *path, const void *data, size_t len);

#endif
