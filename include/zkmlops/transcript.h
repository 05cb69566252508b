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
 *
 * Encodings: "u64" is 8 bytes little-endian; len(label) is strlen(label)
 * (labels are NUL-terminated strings, the NUL is not hashed); tags are their
 * ASCII bytes without NUL. Typed absorbs hash the buf.h encodings: a u64 as 8
 * bytes, n base-field elements as 8n bytes, n extension elements as 24n bytes
 * (c0, c1, c2), a digest as its 32 bytes — one absorb call each, so
 * absorb_gl(v, 2) differs from two absorb_gl(., 1) calls.
 *
 * Construction: the Fiat–Shamir transform of a public-coin IOP via a hash
 * chain (BCS, Ben-Sasson–Chiesa–Spooner, eprint 2016/116), with a duplex
 * interface in the spirit of "Duplexing the sponge" (Bertoni et al., SAC 2011)
 * and explicit length-prefixed labels for domain separation. The state is a
 * plain SHA-256 chaining value, not a permutation sponge.
 *
 * Illegal calls (abort): NULL transcript or label, NULL data with len > 0,
 * index bound not a power of two in [1, 2^32], PoW bits > 32.
 * A zk_transcript is a plain value: copying it forks the transcript.
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

/* Start a transcript for the protocol identified by `protocol` (e.g. "zkmlops/stats/v1"):
 * state = 0^32, then absorb("zkm-protocol", protocol bytes). */
void zk_transcript_init(zk_transcript *t, const char *protocol);
void zk_transcript_absorb(zk_transcript *t, const char *label, const void *data, size_t len);
void zk_transcript_absorb_u64(zk_transcript *t, const char *label, uint64_t v);
void zk_transcript_absorb_gl(zk_transcript *t, const char *label, const gl_t *v, size_t n);
void zk_transcript_absorb_gl3(zk_transcript *t, const char *label, const gl3_t *v, size_t n);
void zk_transcript_absorb_digest(zk_transcript *t, const char *label, const zk_digest *d);

/* One squeeze: out = (out_0 || out_1 || ...) truncated to len bytes, then the
 * ratchet. len == 0 still ratchets (the state changes). */
void zk_transcript_challenge_bytes(zk_transcript *t, const char *label, uint8_t *out, size_t len);
/* One squeeze of 24 bytes read as a little-endian 192-bit integer, reduced mod
 * p (canonical; distance from uniform <= p / 2^192 < 2^-128). */
gl_t zk_transcript_challenge_gl(zk_transcript *t, const char *label);
/* = zk_transcript_challenge_gl3s(t, label, &r, 1). */
gl3_t zk_transcript_challenge_gl3(zk_transcript *t, const char *label);
/* n extension challenges in one squeeze (out[0..n)): 72n bytes, component j
 * of out[i] is the 24-byte chunk number 3i + j reduced as for challenge_gl. */
void zk_transcript_challenge_gl3s(zk_transcript *t, const char *label, gl3_t *out, size_t n);
/* n indices uniform in [0, bound) (bound a power of two, <= 2^32).
 * One squeeze of 4n bytes; index i = (u32 little-endian at 4i) & (bound - 1),
 * exactly uniform. Indices may repeat. n == 0 still ratchets. */
void zk_transcript_challenge_indices(zk_transcript *t, const char *label, uint64_t bound,
                                     size_t *out, size_t n);

/* Proof of work (grinding): the prover finds the least nonce such that
 * SHA256("zkm-pow" || state || u64 nonce) has `bits` leading zero bits, then
 * absorbs the nonce. bits <= 32. The verifier checks the nonce and absorbs it.
 * pow_verify returns 1 if valid, 0 otherwise (transcript unchanged if invalid).
 * "Leading zero bits" counts from the most significant bit of digest byte 0.
 * Both sides absorb the nonce as absorb_u64(t, "zkm-pow-nonce", nonce).
 * bits == 0 accepts every nonce (the prover returns 0). pow_prove searches
 * in parallel (OpenMP) and always returns the least valid nonce, so its
 * output does not depend on the thread count; expected work 2^bits SHA-256
 * compressions (the message "zkm-pow" || state || nonce is one 64-byte block). */
uint64_t zk_transcript_pow_prove(zk_transcript *t, unsigned bits);
int zk_transcript_pow_verify(zk_transcript *t, unsigned bits, uint64_t nonce);

#endif
