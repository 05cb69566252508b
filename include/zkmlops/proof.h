/*
 * proof.h — the versioned binary container shared by every zkmlops proof file
 * (docs/proof-format.md).
 *
 *   offset 0   8 bytes  magic "ZKMLPRF\0"
 *          8   u16      format version (ZK_PROOF_VERSION)
 *         10   u16      proof kind (zk_proof_kind)
 *         12   u32      reserved, must be 0
 *         16   sections, each: u32 tag | u64 length | length bytes of payload
 *
 * Sections appear in the order the proof kind prescribes; a reader asks for
 * the next section by tag, and gets a sub-reader bounded to its payload, and
 * must consume the payload exactly. Nothing may follow the last section.
 * Every integer is little-endian.
 */
#ifndef ZKMLOPS_PROOF_H
#define ZKMLOPS_PROOF_H

#include <stdint.h>

#include "zkmlops/buf.h"

#define ZK_PROOF_MAGIC "ZKMLPRF"
#define ZK_PROOF_VERSION 1
#define ZK_PROOF_MAX_BYTES ((size_t)1 << 30)

typedef enum {
    ZK_PROOF_STATS = 1,
    ZK_PROOF_WHIR_OPENING = 2,
    ZK_PROOF_RANGE = 3,
    ZK_PROOF_R1CS = 4,
    ZK_PROOF_PREPROCESS = 5, /* preprocess.h */
    ZK_PROOF_TRAIN = 6,      /* train.h */
    ZK_PROOF_EVAL = 7,       /* metrics.h */
    ZK_PROOF_INFER = 8,      /* infer.h */
    ZK_PROOF_MONITOR = 9     /* monitor.h */
} zk_proof_kind;

void zk_proof_header_write(zk_wbuf *w, zk_proof_kind kind);
/* Checks magic, version, kind and reserved; messages say which. */
int zk_proof_header_read(zk_rbuf *r, zk_proof_kind kind);
/* Section helpers: begin returns the offset to patch; end patches the length. */
size_t zk_proof_section_begin(zk_wbuf *w, uint32_t tag);
void zk_proof_section_end(zk_wbuf *w, size_t at);
/* Read the next section header, require `tag`, and bound `sub` to its payload.
 * `name` is used in error messages. */
int zk_proof_section_read(zk_rbuf *r, uint32_t tag, const char *name, zk_rbuf *sub);
/* Require that `sub` was consumed exactly. */
int zk_proof_section_done(const zk_rbuf *sub, const char *name);

#endif
