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
 * OpenMP-parallel. Returns ZK_OK or ZK_ERR_NOMEM. Free with zk_merkle_free. */
int zk_merkle_build(zk_merkle_tree *t, const void *leaves, size_t n_leaves, size_t leaf_bytes,
                    int salted, const uint8_t *salts);
void zk_merkle_free(zk_merkle_tree *t);
const zk_digest *zk_merkle_root(const zk_merkle_tree *t);

/* Write the multi-path opening for leaf indices idx[0..n_idx) (any order,
 * duplicates allowed; each < n_leaves) to `out`. */
int zk_merkle_open(const zk_merkle_tree *t, const size_t *idx, size_t n_idx, zk_wbuf *out);

/* Verify: leaf_data holds, for each idx[i] in the given order, leaf_bytes
 * bytes of that leaf's content. Reads the opening from `in` (advancing it),
 * recomputes the root and compares with `root`. Returns ZK_OK, ZK_ERR_REJECT
 * (mismatch, inconsistent duplicate leaves, or malformed/truncated opening).
 * Never reads outside `in`. n_idx <= 2^20. */
int zk_merkle_verify(const zk_digest *root, size_t n_leaves, size_t leaf_bytes, int salted,
                     const size_t *idx, size_t n_idx, const uint8_t *leaf_data, zk_rbuf *in);

#endif
