/*
 * merkle.h — SHA-256 Merkle trees over fixed-size leaves, with optional
 * per-leaf salts and multi-path (batched) openings.
 *
 * Leaf i hash  = SHA256("zkm-leaf" || salt_i || leaf_bytes_i)   (salt_i empty if unsalted)
 * Inner node   = SHA256("zkm-node" || left || right)
 * n_leaves is a power of two (>= 1). Salts are ZK_SALT_BYTES random bytes drawn
 * from the OS CSPRNG (or from a caller-supplied PRG stream), so that an
 * unopened leaf's hash reveals nothing about its contents (zero knowledge).
 *
 * Multi-path opening of a set of leaf indices writes, for the sorted unique
 * indices, the salts of the opened leaves (if salted) and then the minimal set
 * of sibling hashes needed to recompute the root, level by level, left to
 * right (shared paths are sent once). The verifier recomputes the root from
 * the leaf contents it already has.
 *
 * Opening format (no length fields; both sides derive the layout from the
 * index set). Let u be the number of distinct indices and h = log2(n_leaves):
 *   1. if salted: the ZK_SALT_BYTES salt of each distinct index, in increasing
 *      index order (u * 32 bytes);
 *   2. for depth d = h, h-1, ..., 1 (leaves first): with K_d the sorted set of
 *      nodes at depth d that lie on a path from an opened leaf, for each node
 *      of K_d in increasing position whose sibling (position ^ 1) is NOT in
 *      K_d, the sibling's 32-byte digest.
 * A single-leaf opening is therefore (salt) || h sibling digests, bottom-up.
 * Sizes: an opening of u leaves is at most 32*(u + u*h) bytes.
 *
 * Construction: Merkle commitments with domain-separated leaf/node hashing
 * and salted (hiding) leaves as used by the BCS transformation (Ben-Sasson,
 * Chiesa, Spooner, "Interactive Oracle Proofs", TCC 2016, eprint 2016/116);
 * the pruned multi-path ("batch") opening is the standard one (e.g. libiop,
 * Winterfell's BatchMerkleProof), re-derived here, not copied.
 *
 * Limits: tree height <= 40 (n_leaves <= 2^40); n_idx <= 2^20 per verify.
 * Thread safety: build parallelises internally with OpenMP; open/verify only
 * read the tree / inputs and are safe to call concurrently on distinct outputs.
 */
#ifndef ZKMLOPS_MERKLE_H
#define ZKMLOPS_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/hash.h"

#define ZK_SALT_BYTES 32

typedef struct {
    size_t n_leaves;   /* power of two */
    size_t leaf_bytes; /* bytes per leaf */
    int salted;
    zk_digest *nodes; /* 2*n_leaves - 1 nodes, heap layout: nodes[0] = root, children of i are 2i+1, 2i+2 */
    uint8_t *salts;   /* n_leaves * ZK_SALT_BYTES if salted, else NULL */
} zk_merkle_tree;

/* Build a tree over `leaves` (n_leaves * leaf_bytes contiguous bytes, leaf i at
 * i*leaf_bytes). If salts != NULL and salted, they are copied (n_leaves *
 * ZK_SALT_BYTES bytes); if salts == NULL and salted, fresh salts are drawn.
 * OpenMP-parallel. Returns ZK_OK or ZK_ERR_NOMEM. Free with zk_merkle_free.
 * leaf_bytes may be 0 (then `leaves` may be NULL). On failure *t is zeroed
 * (zk_merkle_free on it is harmless). Aborts (illegal call) if t is NULL,
 * n_leaves is not a power of two in [1, 2^40], or the sizes overflow.
 * Fresh salts come from zk_random_bytes (OS CSPRNG). */
int zk_merkle_build(zk_merkle_tree *t, const void *leaves, size_t n_leaves, size_t leaf_bytes,
                    int salted, const uint8_t *salts);
/* Wipes the salts (they hide unopened leaves), frees, and zeroes *t. NULL-safe. */
void zk_merkle_free(zk_merkle_tree *t);
/* The root, &t->nodes[0]; valid until zk_merkle_free. */
const zk_digest *zk_merkle_root(const zk_merkle_tree *t);

/* Write the multi-path opening for leaf indices idx[0..n_idx) (any order,
 * duplicates allowed; each < n_leaves) to `out`.
 * Appends to `out` in the format above (nothing for n_idx == 0). Returns
 * ZK_OK, or ZK_ERR_NOMEM (allocation or out->oom). An index >= n_leaves is an
 * illegal call (abort): prover indices come from the transcript. */
int zk_merkle_open(const zk_merkle_tree *t, const size_t *idx, size_t n_idx, zk_wbuf *out);

/* Verify: leaf_data holds, for each idx[i] in the given order, leaf_bytes
 * bytes of that leaf's content. Reads the opening from `in` (advancing it),
 * recomputes the root and compares with `root`. Returns ZK_OK, ZK_ERR_REJECT
 * (mismatch, inconsistent duplicate leaves, or malformed/truncated opening).
 * Never reads outside `in`. n_idx <= 2^20.
 * Reads exactly the opening's bytes, leaving anything after it in `in`.
 * Also returns ZK_ERR_REJECT (with zk_last_error set) for an index >=
 * n_leaves, n_leaves not a power of two in [1, 2^40], n_idx > 2^20, or a
 * wrong salted flag / tree size (the recomputed root then differs).
 * n_idx == 0 claims nothing: ZK_OK, nothing read. ZK_ERR_NOMEM if scratch
 * (about 56 bytes per index) cannot be allocated. Aborts (illegal call) if
 * root or in is NULL, idx is NULL with n_idx > 0, or leaf_data is NULL with
 * n_idx * leaf_bytes > 0. */
int zk_merkle_verify(const zk_digest *root, size_t n_leaves, size_t leaf_bytes, int salted,
                     const size_t *idx, size_t n_idx, const uint8_t *leaf_data, zk_rbuf *in);

#endif
