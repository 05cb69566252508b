/*
 * transcript.h — Fiat–Shamir transcript: a duplex sponge over SHA-256 with
 * explicit domain separation.
 *
 * State: a 32-byte chaining value. absorb(label, data) sets
 *   state = SHA256("zkm-absorb" || state || u64 len(label) || label || u64 len(data) || data).
 * Squeezing a challenge for label L sets
 *   out_i = SHA256("zkm-squeeze" || state || u64 len(L) || L || u64 i) for i = 0,1,.. (as needed)
 *   state = SHA256("zkm-ratchet" || state || out_0)
 * so every challenge depends on everything absorbed before it, and on the
 * label. Field challenges are drawn from 128 extra bits (reduce a 192-bit or
 * larger integer), statistical distance < 2^-64 per element.
 *
 * Callers must absorb every public value the verifier relies on (protocol id,
 * parameters, statement, commitments, OOD answers, sumcheck messages, public
 * linear forms) before the challenge that depends on it. The prover and the
 * verifier run identical absorb/squeeze sequences.
 */
#ifndef ZKMLOPS_TRANSCRIPT_H
#define ZKMLOPS_TRANSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/field.h"
#include "zkmlops/hash.h"

typedef struct {
    uint8_t state[ZK_HASH_BYTES];
} zk_transcript;

/* Start a transcript for the protocol identified by `protocol` (e.g. "zkmlops/stats/v1"). */
void zk_transcript_init(zk_transcript *t, const char *protocol);
void zk_transcript_absorb(zk_transcript *t, const char *label, const void *data, size_t len);
void zk_transcript_absorb_u64(zk_transcript *t, const char *label, uint64_t v);
void zk_transcript_absorb_gl(zk_transcript *t, const char *label, const gl_t *v, size_t n);
void zk_transcript_absorb_gl3(zk_transcript *t, const char *label, const gl3_t *v, size_t n);
void zk_transcript_absorb_digest(zk_transcript *t, const char *label, const zk_digest *d);

void zk_transcript_challenge_bytes(zk_transcript *t, const char *label, uint8_t *out, size_t len);
gl_t zk_transcript_challenge_gl(zk_transcript *t, const char *label);
gl3_t zk_transcript_challenge_gl3(zk_transcript *t, const char *label);
/* n extension challenges in one squeeze (out[0..n)). */
void zk_transcript_challenge_gl3s(zk_transcript *t, const char *label, gl3_t *out, size_t n);
/* n indices uniform in [0, bound) (bound a power of two, <= 2^32). */
void zk_transcript_challenge_indices(zk_transcript *t, const char *label, uint64_t bound,
                                     size_t *out, size_t n);

/* Proof of work (grinding): the prover finds the least nonce such that
 * SHA256("zkm-pow" || state || u64 nonce) has `bits` leading zero bits, then
 * absorbs the nonce. bits <= 32. The verifier checks the nonce and absorbs it.
 * pow_verify returns 1 if valid, 0 otherwise (transcript unchanged if invalid). */
uint64_t zk_transcript_pow_prove(zk_transcript *t, unsigned bits);
int zk_transcript_pow_verify(zk_transcript *t, unsigned bits, uint64_t nonce);

#endif
