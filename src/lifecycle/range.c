/* Zero-knowledge range proof of a committed dataset's entries (range.h, docs/range.md). */
#include "zkmlops/range.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "zkmlops/hash.h"
#include "zkmlops/logup.h"
#include "zkmlops/mle.h"
#include "zkmlops/proof.h"

#define RANGE_PROTOCOL "zkmlops/range/v1"
#define LIMB_BITS 16u

enum { SEC_BINDING = 1, SEC_DATA_EVAL = 2, SEC_DATA_OPEN = 3 };

static zk_proof_kind range_kind(void) { return ZK_PROOF_RANGE; }

unsigned zk_range_max_bits_for_stats(uint64_t n_rows)
{
    for (unsigned b = ZK_RANGE_MAX_BITS; b >= 1; b--)
        if ((unsigned __int128)n_rows << (2 * b - 2) < (unsigned __int128)GL_P)
            return b;
    return 0;
}

/* The LogUp statement for a dataset and range: see range.h. */
static void range_shape(zk_logup_shape *sh, const zk_dataset_meta *m, unsigned bits)
{
    memset(sh, 0, sizeof *sh);
    sh->n_vars = m->log_rows + m->log_cols;
    sh->sel.n_groups = 1;
    sh->sel.vars[0] = m->log_rows;
    sh->sel.bound[0] = m->n_rows;
    if (m->log_cols > 0) {
        sh->sel.n_groups = 2;
        sh->sel.vars[1] = m->log_cols;
        sh->sel.bound[1] = m->n_cols;
    }
    sh->table_bits = LIMB_BITS;
    sh->has_link = 1;
    sh->lin_const = (gl_t)1 << (bits - 1);
    sh->lin_coeff[0] = GL_P - 1;
    if (bits <= LIMB_BITS) {
        sh->n_cols = 1;
        sh->lookups[sh->n_lookups++] = (zk_lookup){0, 0};
        if (bits < LIMB_BITS)
            sh->lookups[sh->n_lookups++] = (zk_lookup){0, (1u << LIMB_BITS) - (1u << bits)};
    } else {
        sh->n_cols = 2;
        sh->lin_coeff[1] = GL_P - ((gl_t)1 << LIMB_BITS);
        sh->lookups[sh->n_lookups++] = (zk_lookup){0, 0};
        sh->lookups[sh->n_lookups++] = (zk_lookup){1, 0};
        if (bits < 2 * LIMB_BITS)
            sh->lookups[sh->n_lookups++] = (zk_lookup){1, (1u << LIMB_BITS) - (1u << (bits - LIMB_BITS))};
    }
}

/* The commitment's shape must be consistent (as zk_dataset_commitment_read
 * guarantees for parsed files) and small enough for the lookup argument. */
static int check_size(const zk_dataset_commitment *com)
{
    const zk_dataset_meta *m = &com->meta;
    if (m->n_rows == 0 || m->n_cols == 0 || m->log_rows > 31 || m->log_cols > 31 ||
        m->n_rows > ((uint64_t)1 << m->log_rows) || m->n_cols > ((uint64_t)1 << m->log_cols) ||
        com->whir.params.n_vars != m->log_rows + m->log_cols || m->log_rows == 0)
        return zk_set_error(ZK_ERR_INPUT, "inconsistent dataset commitment (%u x %u in 2^%u x 2^%u, %u variables)",
                            m->n_rows, m->n_cols, m->log_rows, m->log_cols, com->whir.params.n_vars);
    if (m->log_rows + m->log_cols > ZK_LOGUP_MAX_VARS)
        return zk_set_error(ZK_ERR_RANGE, "dataset table of 2^%u cells is too large for the range proof (at most 2^%u)",
                            m->log_rows + m->log_cols, ZK_LOGUP_MAX_VARS);
    return ZK_OK;
}

static void commitment_id(uint8_t id[ZK_HASH_BYTES], const zk_dataset_commitment *com)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_dataset_commitment_write_core(&w, com);
    zk_sha256(id, w.data, w.len);
    zk_wbuf_free(&w);
}

static void transcript_start(zk_transcript *t, const zk_dataset_commitment *com, unsigned bits)
{
    zk_transcript_init(t, RANGE_PROTOCOL);
    zk_dataset_commitment_absorb(t, com);
    zk_transcript_absorb_u64(t, "range-bits", bits);
}

/* Limb columns over the table: data positions hold the limbs of u = v + 2^(B-1). */
static int build_limbs(gl_t *lo, gl_t *hi, const zk_dataset_private *ds, unsigned bits,
                       const zk_range_test_hooks *hooks)
{
    const zk_dataset_meta *m = &ds->com.meta;
    gl_t shift = (gl_t)1 << (bits - 1);
    uint64_t bound = (uint64_t)1 << bits;
    gl_t inv_base = gl_inv((gl_t)1 << LIMB_BITS);
    for (uint32_t j = 0; j < m->n_cols; j++)
        for (uint32_t i = 0; i < m->n_rows; i++) {
            size_t x = (size_t)i + ((size_t)j << m->log_rows);
            gl_t u = gl_add(ds->wit.evals[x], shift);
            if (u >= bound && !(hooks && hooks->skip_checks))
                return zk_set_error(ZK_ERR_RANGE,
                                    "row %u, column '%s': value %lld is outside [-2^%u, 2^%u)", i + 1,
                                    m->col_names[j], (long long)gl_to_i64(ds->wit.evals[x]), bits - 1, bits - 1);
            if (!hi) {
                lo[x] = u;
                continue;
            }
            lo[x] = u & 0xffff;
            if (hooks && hooks->truncate_limbs)
                hi[x] = (u >> LIMB_BITS) & 0xffff;
            else
                hi[x] = gl_mul(gl_sub(u, lo[x]), inv_base);
        }
    return ZK_OK;
}

int zk_range_prove_ex(const zk_dataset_private *ds, unsigned range_bits, const zk_range_test_hooks *hooks,
                      zk_wbuf *proof)
{
    ZK_CHECK_ARG(ds != NULL && proof != NULL && ds->wit.evals != NULL);
    ZK_CHECK_ARG(range_bits >= 1 && range_bits <= ZK_RANGE_MAX_BITS);
    const zk_dataset_commitment *com = &ds->com;
    const zk_dataset_meta *m = &com->meta;
    int st = check_size(com);
    if (st != ZK_OK)
        return st;
    size_t nn = (size_t)1 << (m->log_rows + m->log_cols);
    gl_t *lo = calloc(nn, sizeof *lo);
    gl_t *hi = range_bits > LIMB_BITS ? calloc(nn, sizeof *hi) : NULL;
    zk_logup_prover *lp = NULL;
    zk_wbuf body;
    zk_wbuf_init(&body);
    if (!lo || (range_bits > LIMB_BITS && !hi)) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((st = build_limbs(lo, hi, ds, range_bits, hooks)) != ZK_OK)
        goto out;

    zk_logup_shape sh;
    range_shape(&sh, m, range_bits);
    zk_logup_test_hooks lh = {hooks ? hooks->skip_checks : 0, NULL};
    zk_transcript t;
    transcript_start(&t, com, range_bits);

    uint8_t id[ZK_HASH_BYTES];
    commitment_id(id, com);
    zk_proof_header_write(&body, range_kind());
    size_t s = zk_proof_section_begin(&body, SEC_BINDING);
    zk_wbuf_put(&body, id, sizeof id);
    zk_wbuf_u32(&body, range_bits);
    zk_proof_section_end(&body, s);

    const gl_t *cols[2] = {lo, hi};
    if ((st = zk_logup_prove_commit(&lp, &sh, cols, ds->wit.evals, &lh, &t, &body)) != ZK_OK)
        goto out;
    gl3_t r[ZK_LOGUP_MAX_VARS];
    if ((st = zk_logup_prove_sumcheck(lp, &t, &body, r)) != ZK_OK)
        goto out;
    gl3_t dval = zk_mle_eval_gl(ds->wit.evals, sh.n_vars, r);
    s = zk_proof_section_begin(&body, SEC_DATA_EVAL);
    zk_wbuf_gl3(&body, dval);
    zk_proof_section_end(&body, s);
    zk_transcript_absorb_gl3(&t, "range-data-eval", &dval, 1);
    if ((st = zk_logup_prove_open(lp, &t, &body)) != ZK_OK)
        goto out;
    zk_whir_claim c = {ZK_CLAIM_POINT, r, NULL, dval};
    s = zk_proof_section_begin(&body, SEC_DATA_OPEN);
    if ((st = zk_whir_open(&ds->wit, &com->whir, &c, 1, &t, &body)) != ZK_OK)
        goto out;
    zk_proof_section_end(&body, s);
    if (body.oom) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory writing the proof");
        goto out;
    }
    zk_wbuf_put(proof, body.data, body.len);
    if (proof->oom)
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory writing the proof");
out:
    zk_logup_prover_free(lp);
    if (lo)
        OPENSSL_cleanse(lo, nn * sizeof *lo);
    if (hi)
        OPENSSL_cleanse(hi, nn * sizeof *hi);
    free(lo);
    free(hi);
    zk_wbuf_free(&body);
    return st;
}

int zk_range_prove(const zk_dataset_private *ds, unsigned range_bits, zk_wbuf *proof)
{
    return zk_range_prove_ex(ds, range_bits, NULL, proof);
}

int zk_range_verify(const zk_dataset_commitment *com, unsigned range_bits, const uint8_t *proof, size_t proof_len)
{
    ZK_CHECK_ARG(com != NULL && (proof != NULL || proof_len == 0));
    if (range_bits < 1 || range_bits > ZK_RANGE_MAX_BITS)
        return zk_set_error(ZK_ERR_INPUT, "range of %u bits outside 1..%u", range_bits, ZK_RANGE_MAX_BITS);
    const zk_dataset_meta *m = &com->meta;
    int st = check_size(com);
    if (st != ZK_OK)
        return ZK_ERR_INPUT; /* message set by check_size */
    zk_rbuf r, sub;
    zk_rbuf_init(&r, proof, proof_len);
    if ((st = zk_proof_header_read(&r, range_kind())) != ZK_OK)
        return st;
    zk_transcript t;
    transcript_start(&t, com, range_bits);

    if ((st = zk_proof_section_read(&r, SEC_BINDING, "binding", &sub)) != ZK_OK)
        return st;
    uint8_t id[ZK_HASH_BYTES], got[ZK_HASH_BYTES];
    commitment_id(id, com);
    zk_rbuf_get(&sub, got, sizeof got);
    uint32_t bits = zk_rbuf_u32(&sub);
    if ((st = zk_proof_section_done(&sub, "binding")) != ZK_OK)
        return st;
    if (memcmp(id, got, sizeof id) != 0)
        return zk_set_error(ZK_ERR_REJECT, "the proof was made for a different dataset commitment");
    if (bits != range_bits)
        return zk_set_error(ZK_ERR_REJECT, "the proof is for a %u-bit range, not %u bits", bits, range_bits);

    zk_logup_shape sh;
    range_shape(&sh, m, range_bits);
    zk_logup_verifier v;
    gl3_t rpt[ZK_LOGUP_MAX_VARS];
    if ((st = zk_logup_verify_commit(&v, &sh, &t, &r)) != ZK_OK)
        return st;
    if ((st = zk_logup_verify_sumcheck(&v, &t, &r, rpt)) != ZK_OK)
        return st;
    if ((st = zk_proof_section_read(&r, SEC_DATA_EVAL, "dataset evaluation", &sub)) != ZK_OK)
        return st;
    gl3_t dval = zk_rbuf_gl3(&sub);
    if (sub.err)
        return zk_set_error(ZK_ERR_REJECT, "dataset evaluation: %s", sub.what);
    if ((st = zk_proof_section_done(&sub, "dataset evaluation")) != ZK_OK)
        return st;
    zk_transcript_absorb_gl3(&t, "range-data-eval", &dval, 1);
    if ((st = zk_logup_verify_final(&v, dval)) != ZK_OK)
        return st;
    if ((st = zk_logup_verify_open(&v, &t, &r)) != ZK_OK)
        return st;
    zk_whir_claim c = {ZK_CLAIM_POINT, rpt, NULL, dval};
    if ((st = zk_proof_section_read(&r, SEC_DATA_OPEN, "dataset opening", &sub)) != ZK_OK)
        return st;
    if (zk_whir_verify(&com->whir, &c, 1, &t, &sub) != ZK_OK)
        return zk_error_prefix(ZK_ERR_REJECT, "dataset opening rejected");
    if ((st = zk_proof_section_done(&sub, "dataset opening")) != ZK_OK)
        return st;
    if (zk_rbuf_left(&r) != 0)
        return zk_set_error(ZK_ERR_REJECT, "%zu unexpected bytes after the last section", zk_rbuf_left(&r));
    return ZK_OK;
}

double zk_range_soundness_bits(const zk_dataset_commitment *com, unsigned range_bits)
{
    ZK_CHECK_ARG(com != NULL && range_bits >= 1 && range_bits <= ZK_RANGE_MAX_BITS);
    if (check_size(com) != ZK_OK)
        return 0.0;
    zk_logup_shape sh;
    range_shape(&sh, &com->meta, range_bits);
    return zk_logup_soundness_bits(&sh);
}
