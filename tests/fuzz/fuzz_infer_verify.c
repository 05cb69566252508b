/*
 * fuzz_infer_verify — zk_infer_verify (infer.h) as `infer verify` runs it:
 * the model commitment, the claimed values and the proof file.
 * Input parts: 0 the model .com, 1 the values: int64 little-endian, the
 * inputs (batch * input_size, public-input proofs only) then the outputs
 * (batch * output_size), batch and sizes from the proof's statement, 2 the
 * proof file (proof.h container, kind ZK_PROOF_INFER).
 * Invariants: only OK / REJECT / INPUT / NOMEM with a message; an accepted
 * proof's statement matches the commitment's shapes; it is rejected with
 * output 0 changed and (public input) with input 0 changed.
 */
#include "fuzz_util.h"
#include "zkmlops/infer.h"
#include "zkmlops/model.h"

static int64_t le64(const uint8_t *p)
{
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = (u << 8) | p[i];
    return (int64_t)u;
}

static int infer_verify_once(const zk_model_commitment *c, const int64_t *in, const int64_t *out, uint32_t batch,
                             const uint8_t *proof, size_t len, zk_infer_info *info)
{
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_infer_verify(c, in, out, batch, proof, len, info), "zk_infer_verify");
    if (st != ZK_OK && st != ZK_ERR_REJECT && st != ZK_ERR_INPUT && st != ZK_ERR_NOMEM)
        zkm_fuzz_fail("zk_infer_verify returned %d", st);
    return st;
}

int zkm_fuzz_infer_verify(const uint8_t *data, size_t len)
{
    const uint8_t *part[ZKM_FUZZ_MAX_PARTS];
    size_t plen[ZKM_FUZZ_MAX_PARTS];
    if (zkm_fuzz_split(data, len, part, plen, 3) != 3)
        return 0;
    zk_infer_info stmt;
    zkm_fuzz_clear_error();
    if (zkm_fuzz_status(zk_infer_proof_statement(part[2], plen[2], &stmt), "zk_infer_proof_statement") != ZK_OK)
        return 0;
    if (stmt.batch == 0 || stmt.batch > ZK_INFER_MAX_BATCH)
        zkm_fuzz_fail("statement accepted with batch %u", stmt.batch);
    zk_rbuf r;
    zk_model_commitment c;
    zk_rbuf_init(&r, part[0], plen[0]);
    if (zk_model_commitment_read(&r, &c) != ZK_OK)
        return 0;
    uint64_t n_in = stmt.private_input ? 0 : stmt.input_size * stmt.batch;
    uint64_t n_out = stmt.output_size * stmt.batch;
    int st = ZK_ERR_INPUT;
    if (stmt.input_size > ((uint64_t)1 << 24) || stmt.output_size > ((uint64_t)1 << 24) ||
        plen[1] / 8 != n_in + n_out || plen[1] % 8 != 0) {
        zk_model_commitment_free(&c);
        return 0;
    }
    size_t nv = (size_t)(n_in + n_out);
    int64_t *v = malloc((nv ? nv : 1) * sizeof *v);
    if (!v)
        zkm_fuzz_fail("out of memory");
    for (size_t i = 0; i < nv; i++)
        v[i] = le64(part[1] + 8 * i);
    const int64_t *in = stmt.private_input ? NULL : v;
    int64_t *out = v + n_in;
    zk_infer_info info;
    st = infer_verify_once(&c, in, out, stmt.batch, part[2], plen[2], &info);
    if (st == ZK_OK) {
        if (info.batch != stmt.batch || info.input_size != zk_model_input_size(&c.arch) ||
            info.output_size != zk_model_output_size(&c.arch) || info.private_input != stmt.private_input)
            zkm_fuzz_fail("accepted inference proof: statement does not match the model's shapes");
        uint8_t id[ZK_HASH_BYTES];
        if (zk_model_commitment_id(id, &c) != ZK_OK || memcmp(id, info.model_id, ZK_HASH_BYTES) != 0)
            zkm_fuzz_fail("accepted inference proof names another model commitment");
        if (n_out > 0) {
            out[0] = (int64_t)((uint64_t)out[0] + 1);
            if (infer_verify_once(&c, in, out, stmt.batch, part[2], plen[2], NULL) == ZK_OK)
                zkm_fuzz_fail("an inference proof verifies two different values of output 0");
            out[0] = (int64_t)((uint64_t)out[0] - 1);
        }
        if (n_in > 0) {
            v[0] = (int64_t)((uint64_t)v[0] ^ 1);
            if (infer_verify_once(&c, in, out, stmt.batch, part[2], plen[2], NULL) == ZK_OK)
                zkm_fuzz_fail("a public-input inference proof verifies two different values of input 0");
        }
    }
    free(v);
    zk_model_commitment_free(&c);
    return st == ZK_OK;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_infer_verify)
