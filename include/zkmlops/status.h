/*
 * status.h — error reporting shared by every zkmlops module.
 *
 * Three channels (see ../STYLE notes): invalid *data* (malformed file, rejected
 * proof) returns a zk_status the caller must check; illegal *calls* (NULL where
 * forbidden, impossible sizes) abort loudly; internal invariants are assert()s.
 *
 * A function that returns an error also records a one-line, human-readable
 * message (no trailing newline) in a thread-local buffer, readable with
 * zk_last_error() until the next zk_set_error() on the same thread.
 */
#ifndef ZKMLOPS_STATUS_H
#define ZKMLOPS_STATUS_H

#include <stddef.h>

typedef enum {
    ZK_OK = 0,
    ZK_ERR_REJECT = 1, /* a proof (or a claim) was checked and is invalid */
    ZK_ERR_INPUT = 2,  /* malformed or inconsistent input data / file */
    ZK_ERR_IO = 3,     /* cannot open, read or write a file */
    ZK_ERR_NOMEM = 4,  /* allocation failed, or a declared size exceeds a limit */
    ZK_ERR_RANGE = 5   /* a value is outside the supported range (e.g. fixed-point overflow) */
} zk_status;

#if defined(__GNUC__)
#define ZK_WARN_UNUSED __attribute__((warn_unused_result))
#define ZK_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define ZK_WARN_UNUSED
#define ZK_PRINTF(a, b)
#endif

/* Record a printf-style message; returns `st` so callers can write
 * `return zk_set_error(ZK_ERR_INPUT, "%s: bad magic", path);`. */
zk_status zk_set_error(zk_status st, const char *fmt, ...) ZK_PRINTF(2, 3);
/* Prefix the current message with "prefix: " (e.g. a file name). Returns st. */
zk_status zk_error_prefix(zk_status st, const char *prefix);
/* The last recorded message of this thread ("" if none). */
const char *zk_last_error(void);
/* Map a status to the CLI exit code: 0 ok, 1 rejected, 2 anything else. */
int zk_exit_code(zk_status st);

/* Abort with a message: for illegal calls (programming errors), never for bad data. */
#define ZK_CHECK_ARG(cond)                                                                         \
    do {                                                                                           \
        if (!(cond))                                                                               \
            zk_illegal_call(__FILE__, __LINE__, #cond);                                            \
    } while (0)
_Noreturn void zk_illegal_call(const char *file, int line, const char *what);

/* OS CSPRNG (OpenSSL RAND_bytes). Fills buf with len random bytes; aborts if the
 * RNG fails (no fallback to weak randomness). Used for zero-knowledge masks and
 * salts; never seeded from a transcript. */
void zk_random_bytes(void *buf, size_t len);

/* Deterministic PRG for expanding a 32-byte seed (SHA-256 in counter mode):
 * out = SHA256(seed || label || ctr_le64) for ctr = 0, 1, ... truncated to len.
 * Used to re-derive a prover's masks from a stored private seed. */
void zk_prg_expand(const unsigned char seed[32], const char *label, void *out, size_t len);

#endif
