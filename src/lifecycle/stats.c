/* Zero-knowledge proof of per-column count, sum, mean and variance (docs/stats.md). */
#include "zkmlops/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/mle.h"
#include "zkmlops/params.h"
#include "zkmlops/proof.h"
#include "zkmlops/range.h"
#include "zkmlops/sumcheck.h"

#define STATS_PROTOCOL "zkmlops/stats/v1"
#define LIBRA_DEGREE 3u
#define HALF_P ((GL_P - 1) / 2)

enum { SEC_BINDING = 1, SEC_PARAMS, SEC_MASK_COM, SEC_SUMCHECK, SEC_EVALS, SEC_DATA_OPEN, SEC_MASK_OPEN };

void zk_stats_free(zk_stats *s)
{
    free(s->sum);
    free(s->sum_squares);
    memset(s, 0, sizeof *s);
}

/* round(num / den), half away from zero, den > 0. */
static __int128 div_round(__int128 num, __int128 den)
{
    __int128 a = num < 0 ? -num : num;
    __int128 q = (a + den / 2) / den; /* half away from zero (den/2 floor; exact for even den) */
    if (den % 2 == 1 && (a % den) * 2 == den)
        q = a / den + 1;
    return num < 0 ? -q : q;
}

int64_t zk_stats_mean_fixed(const zk_stats *s, uint32_t j)
{
    return (int64_t)div_round(s->sum[j], (__int128)s->count);
}

int64_t zk_stats_variance_fixed(const zk_stats *s, uint32_t j)
{
    __int128 n = (__int128)s->count;
    __int128 num = n * (__int128)s->sum_squares[j] - (__int128)s->sum[j] * s->sum[j];
    return (int64_t)div_round(num, n * n);
}

int zk_stats_compute(zk_stats *out, const zk_dataset_private *ds)
{
    const zk_dataset_meta *m = &ds->com.meta;
    memset(out, 0, sizeof *out);
    out->n_cols = m->n_cols;
    out->count = m->n_rows;
    out->scale_bits = m->scale_bits;
    out->sum = calloc(m->n_cols, sizeof *out->sum);
    out->sum_squares = calloc(m->n_cols, sizeof *out->sum_squares);
    if (!out->sum || !out->sum_squares) {
        zk_stats_free(out);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    for (uint32_t j = 0; j < m->n_cols; j++) {
        __int128 s = 0, q = 0;
        for (uint32_t i = 0; i < m->n_rows; i++) {
            __int128 v = zk_dataset_private_value(ds, i, j);
            s += v;
            q += v * v;
        }
        if (s >= (__int128)HALF_P || -s >= (__int128)HALF_P || q >= (__int128)HALF_P) {
            zk_stats_free(out);
            return zk_set_error(ZK_ERR_RANGE,
                                "column '%s': sum of squares at scale 2^%u does not fit the field; "
                                "commit with a smaller --scale-bits",
                                m->col_names[j], 2 * m->scale_bits);
        }
        out->sum[j] = (int64_t)s;
        out->sum_squares[j] = (int64_t)q;
    }
    return ZK_OK;
}

gl3_t zk_prefix_indicator_mle(uint64_t k, const gl3_t *r, size_t n)
{
    /* f_n(k, r) = sum_{x < k} eq(r, x); peel the top variable. */
    gl3_t acc = gl3_zero(), scale = gl3_one();
    for (size_t i = n; i-- > 0;) {
        uint64_t half = (uint64_t)1 << i;
        if (k >= 2 * half)
            return gl3_add(acc, scale);
        gl3_t top = r[i], not_top = gl3_sub(gl3_one(), r[i]);
        if (k >= half) {
            acc = gl3_add(acc, gl3_mul(scale, not_top));
            scale = gl3_mul(scale, top);
            k -= half;
        } else {
            scale = gl3_mul(scale, not_top);
        }
    }
    return k >= 1 ? gl3_add(acc, scale) : acc;
}

static void absorb_statement(zk_transcript *t, const zk_stats *st)
{
    zk_transcript_absorb_u64(t, "stats-cols", st->n_cols);
    zk_transcript_absorb_u64(t, "stats-count", st->count);
    zk_transcript_absorb_u64(t, "stats-scale", st->scale_bits);
    for (uint32_t j = 0; j < st->n_cols; j++) {
        gl_t v[2] = {gl_from_i64(st->sum[j]), gl_from_i64(st->sum_squares[j])};
        zk_transcript_absorb_gl(t, "stats-sum-sumsq", v, 2);
    }
}

static unsigned ceil_log2(size_t x)
{
    unsigned l = 0;
    while (((size_t)1 << l) < x)
        l++;
    return l;
}

/* claim = sum_{j < n_cols} eq(r_col, j) (sum_j + lambda sum_squares_j) */
static gl3_t batched_claim(const zk_stats *st, const gl3_t *eq_col, gl3_t lambda)
{
    gl3_t h = gl3_zero();
    for (uint32_t j = 0; j < st->n_cols; j++) {
        gl3_t v = gl3_add(gl3_from_gl(gl_from_i64(st->sum[j])),
                          gl3_mul(lambda, gl3_from_gl(gl_from_i64(st->sum_squares[j]))));
        h = gl3_add(h, gl3_mul(eq_col[j], v));
    }
    return h;
}

static void stats_instance(zk_sc_instance *inst, size_t n_vars, const gl3_t *w, const gl_t *d,
                           gl3_t lambda)
{
    memset(inst, 0, sizeof *inst);
    inst->n_vars = n_vars;
    inst->n_tables = 2;
    inst->ext[0] = w;
    inst->base[1] = d;
    inst->n_terms = 2;
    inst->terms[0].coeff = gl3_one();
    inst->terms[0].n_factors = 2;
    inst->terms[0].factor[0] = 0;
    inst->terms[0].factor[1] = 1;
    inst->terms[1].coeff = lambda;
    inst->terms[1].n_factors = 3;
    inst->terms[1].factor[0] = 0;
    inst->terms[1].factor[1] = 1;
    inst->terms[1].factor[2] = 1;
}

static void libra_weights(gl3_t *w, size_t w_len, size_t n_vars, const gl3_t *r)
{
    for (size_t i = 0; i < w_len; i++)
        w[i] = gl3_zero();
    zk_libra_linear_form(w, n_vars, LIBRA_DEGREE, r);
}

int zk_stats_prove(zk_dataset_private *ds, const zk_stats *st, zk_wbuf *proof)
{
    int reserve = zk_dataset_reserve_opening(ds);
    if (reserve != ZK_OK)
        return reserve;
    const zk_dataset_commitment *com = &ds->com;
    const zk_dataset_meta *m = &com->meta;
    size_t a = m->log_rows, b = m->log_cols, n_vars = a + b;
    size_t n_rows_pad = (size_t)1 << a, n_cols_pad = (size_t)1 << b;
    int rc = ZK_OK;
    zk_libra_mask mask = {0};
    zk_whir_witness mwit;
    zk_whir_commitment mcom;
    gl_t *mtab = NULL;
    gl3_t *w_tab = NULL, *eq_col = NULL, *r = NULL, *lw = NULL;
    int have_mwit = 0;
    size_t mtab_len = 0;
    memset(&mwit, 0, sizeof mwit);

    zk_transcript t;
    zk_transcript_init(&t, STATS_PROTOCOL);
    zk_dataset_commitment_absorb(&t, com);
    absorb_statement(&t, st);

    if (zk_libra_mask_init(&mask, n_vars, LIBRA_DEGREE) != ZK_OK) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory (mask)");
        goto out;
    }
    size_t mlen = zk_libra_mask_len(&mask);
    unsigned mvars = ceil_log2(mlen);
    mtab_len = (size_t)1 << mvars;
    mtab = calloc(mtab_len, sizeof *mtab);
    lw = calloc((size_t)1 << mvars, sizeof *lw);
    w_tab = malloc(((size_t)1 << n_vars) * sizeof *w_tab);
    eq_col = malloc(n_cols_pad * sizeof *eq_col);
    r = malloc(n_vars * sizeof *r);
    if (!mtab || !lw || !w_tab || !eq_col || !r) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    memcpy(mtab, mask.coeffs, mlen * sizeof *mtab);
    zk_whir_params mp;
    if ((rc = zk_whir_params_derive(&mp, mvars, 1)) != ZK_OK)
        goto out;
    if ((rc = zk_whir_commit(&mp, mtab, NULL, &mcom, &mwit)) != ZK_OK)
        goto out;
    have_mwit = 1;

    uint8_t id[ZK_HASH_BYTES];
    if ((rc = zk_dataset_commitment_id(id, com)) != ZK_OK)
        goto out;
    zk_proof_header_write(proof, ZK_PROOF_STATS);
    size_t s = zk_proof_section_begin(proof, SEC_BINDING);
    zk_wbuf_put(proof, id, sizeof id);
    zk_wbuf_u32(proof, st->n_cols);
    zk_proof_section_end(proof, s);
    s = zk_proof_section_begin(proof, SEC_PARAMS);
    zk_whir_params_write(proof, &com->whir.params);
    zk_whir_params_write(proof, &mp);
    zk_proof_section_end(proof, s);
    s = zk_proof_section_begin(proof, SEC_MASK_COM);
    zk_whir_commitment_write(proof, &mcom);
    zk_proof_section_end(proof, s);
    zk_whir_commitment_absorb(&t, &mcom);

    gl3_t r_col[ZK_WHIR_MAX_VARS];
    zk_transcript_challenge_gl3s(&t, "stats-rcol", r_col, b);
    gl3_t lambda = zk_transcript_challenge_gl3(&t, "stats-lambda");
    zk_eq_table(eq_col, r_col, b);
    for (size_t y = st->n_cols; y < n_cols_pad; y++)
        eq_col[y] = gl3_zero();
    gl3_t claim = batched_claim(st, eq_col, lambda);
    for (size_t y = 0; y < n_cols_pad; y++)
        for (size_t x = 0; x < n_rows_pad; x++)
            w_tab[x + (y << a)] = x < m->n_rows ? eq_col[y] : gl3_zero();

    zk_sc_instance inst;
    stats_instance(&inst, n_vars, w_tab, ds->wit.evals, lambda);
    gl3_t evals[2], g_r;
    s = zk_proof_section_begin(proof, SEC_SUMCHECK);
    if ((rc = zk_sumcheck_prove_zk(&inst, claim, &mask, &t, proof, r, evals, &g_r)) != ZK_OK)
        goto out;
    zk_proof_section_end(proof, s);

    s = zk_proof_section_begin(proof, SEC_EVALS);
    zk_wbuf_gl3(proof, evals[1]);
    zk_wbuf_gl3(proof, g_r);
    zk_proof_section_end(proof, s);
    gl3_t ev[2] = {evals[1], g_r};
    zk_transcript_absorb_gl3(&t, "stats-evals", ev, 2);

    zk_whir_claim c;
    c.kind = ZK_CLAIM_POINT;
    c.point = r;
    c.weights = NULL;
    c.value = evals[1];
    s = zk_proof_section_begin(proof, SEC_DATA_OPEN);
    if ((rc = zk_whir_open(&ds->wit, &com->whir, &c, 1, &t, proof)) != ZK_OK)
        goto out;
    zk_proof_section_end(proof, s);

    libra_weights(lw, (size_t)1 << mvars, n_vars, r);
    c.kind = ZK_CLAIM_LINEAR;
    c.point = NULL;
    c.weights = lw;
    c.value = g_r;
    s = zk_proof_section_begin(proof, SEC_MASK_OPEN);
    if ((rc = zk_whir_open(&mwit, &mcom, &c, 1, &t, proof)) != ZK_OK)
        goto out;
    zk_proof_section_end(proof, s);
    if (proof->oom)
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory writing the proof");
out:
    if (have_mwit)
        zk_whir_witness_free(&mwit);
    zk_libra_mask_free(&mask);
    if (mtab)
        memset(mtab, 0, mtab_len * sizeof *mtab); /* mask coefficients are secret */
    free(mtab);
    free(lw);
    free(w_tab);
    free(eq_col);
    free(r);
    return rc;
}

static double sumcheck_bits(size_t n_vars, unsigned degree)
{
    /* Schwartz–Zippel per round: degree / |F_p^3|, union over n_vars rounds. */
    return 3.0 * log2((double)GL_P) - log2((double)n_vars * degree);
}

void zk_stats_security_compute(zk_stats_security *sec, const zk_dataset_commitment *com)
{
    memset(sec, 0, sizeof *sec);
    size_t n_vars = com->meta.log_rows + com->meta.log_cols;
    unsigned mvars = ceil_log2(zk_libra_coeffs_len(n_vars, LIBRA_DEGREE));
    zk_whir_params mp;
    zk_soundness_report rep;
    zk_soundness_report_compute(&rep, &com->whir.params);
    sec->whir_data_bits = rep.total_bits;
    if (zk_whir_params_derive(&mp, mvars, 1) == ZK_OK) {
        zk_soundness_report_compute(&rep, &mp);
        sec->whir_mask_bits = rep.total_bits;
    }
    sec->sumcheck_bits = sumcheck_bits(n_vars, LIBRA_DEGREE);
    sec->range_bits = com->range_bits;
    sec->exact_integers = com->range_bits >= 1 && com->range_bits <= zk_range_max_bits_for_stats(com->meta.n_rows);
    double m = sec->whir_data_bits;
    if (sec->whir_mask_bits < m)
        m = sec->whir_mask_bits;
    if (sec->sumcheck_bits < m)
        m = sec->sumcheck_bits;
    sec->security_bits = m;
}

int zk_stats_verify(const zk_dataset_commitment *com, const zk_stats *st, const uint8_t *proof,
                    size_t proof_len, zk_stats_security *sec)
{
    const zk_dataset_meta *m = &com->meta;
    size_t a = m->log_rows, b = m->log_cols, n_vars = a + b;
    if (st->n_cols != m->n_cols || st->count != m->n_rows || st->scale_bits != m->scale_bits)
        return zk_set_error(ZK_ERR_INPUT,
                            "statistics describe %u columns x %llu rows at scale 2^%u, the commitment "
                            "%u x %u at 2^%u",
                            st->n_cols, (unsigned long long)st->count, st->scale_bits, m->n_cols,
                            m->n_rows, m->scale_bits);
    for (uint32_t j = 0; j < st->n_cols; j++)
        if (st->sum_squares[j] < 0 || (uint64_t)st->sum_squares[j] >= HALF_P ||
            (st->sum[j] < 0 ? (uint64_t)0 - (uint64_t)st->sum[j] : (uint64_t)st->sum[j]) >= HALF_P)
            return zk_set_error(ZK_ERR_INPUT, "column %u: claimed statistic out of range", j + 1);
    int rc;
    zk_rbuf r, sub;
    zk_rbuf_init(&r, proof, proof_len);
    if ((rc = zk_proof_header_read(&r, ZK_PROOF_STATS)) != ZK_OK)
        return rc;

    zk_transcript t;
    zk_transcript_init(&t, STATS_PROTOCOL);
    zk_dataset_commitment_absorb(&t, com);
    absorb_statement(&t, st);

    if ((rc = zk_proof_section_read(&r, SEC_BINDING, "binding", &sub)) != ZK_OK)
        return rc;
    uint8_t id[ZK_HASH_BYTES], got[ZK_HASH_BYTES];
    if ((rc = zk_dataset_commitment_id(id, com)) != ZK_OK)
        return rc;
    zk_rbuf_get(&sub, got, sizeof got);
    uint32_t ncols = zk_rbuf_u32(&sub);
    if ((rc = zk_proof_section_done(&sub, "binding")) != ZK_OK)
        return rc;
    if (memcmp(id, got, sizeof id) != 0)
        return zk_set_error(ZK_ERR_REJECT, "the proof was made for a different dataset commitment");
    if (ncols != st->n_cols)
        return zk_set_error(ZK_ERR_REJECT, "the proof covers %u columns, the statement %u", ncols,
                            st->n_cols);

    if ((rc = zk_proof_section_read(&r, SEC_PARAMS, "parameters", &sub)) != ZK_OK)
        return rc;
    zk_whir_params dp, mp, expect;
    int prc = zk_whir_params_read(&sub, &dp);
    if (prc == ZK_OK)
        prc = zk_whir_params_read(&sub, &mp);
    if (prc != ZK_OK || (rc = zk_proof_section_done(&sub, "parameters")) != ZK_OK)
        return prc != ZK_OK ? (int)zk_set_error(ZK_ERR_REJECT, "parameter section is malformed") : rc;
    unsigned mvars = ceil_log2(zk_libra_coeffs_len(n_vars, LIBRA_DEGREE));
    if (!zk_whir_params_equal(&dp, &com->whir.params))
        return zk_set_error(ZK_ERR_REJECT, "recorded dataset parameter set differs from the commitment's");
    if (zk_whir_params_derive(&expect, mvars, 1) != ZK_OK || !zk_whir_params_equal(&mp, &expect))
        return zk_set_error(ZK_ERR_REJECT, "recorded mask parameter set is not the standard one");

    if ((rc = zk_proof_section_read(&r, SEC_MASK_COM, "mask commitment", &sub)) != ZK_OK)
        return rc;
    zk_whir_commitment mcom;
    if (zk_whir_commitment_read(&sub, &mcom) != ZK_OK)
        return zk_error_prefix(ZK_ERR_REJECT, "mask commitment is malformed");
    if ((rc = zk_proof_section_done(&sub, "mask commitment")) != ZK_OK)
        return rc;
    if (!zk_whir_params_equal(&mcom.params, &expect))
        return zk_set_error(ZK_ERR_REJECT, "mask commitment uses a non-standard parameter set");
    zk_whir_commitment_absorb(&t, &mcom);

    gl3_t r_col[ZK_WHIR_MAX_VARS], rpt[2 * ZK_WHIR_MAX_VARS];
    zk_transcript_challenge_gl3s(&t, "stats-rcol", r_col, b);
    gl3_t lambda = zk_transcript_challenge_gl3(&t, "stats-lambda");
    size_t ncp = (size_t)1 << b;
    gl3_t *eq_col = malloc(ncp * sizeof *eq_col), *eq_ry = malloc(ncp * sizeof *eq_ry);
    gl3_t *lw = calloc((size_t)1 << mvars, sizeof *lw);
    if (!eq_col || !eq_ry || !lw) {
        free(eq_col);
        free(eq_ry);
        free(lw);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    zk_eq_table(eq_col, r_col, b);
    gl3_t claim = batched_claim(st, eq_col, lambda);

    gl3_t final_claim, rho;
    if ((rc = zk_proof_section_read(&r, SEC_SUMCHECK, "sumcheck", &sub)) != ZK_OK)
        goto out;
    if ((rc = zk_sumcheck_verify_zk(n_vars, 3, claim, &t, &sub, rpt, &final_claim, &rho)) != ZK_OK) {
        rc = zk_error_prefix(ZK_ERR_REJECT, "sumcheck rejected");
        goto out;
    }
    if ((rc = zk_proof_section_done(&sub, "sumcheck")) != ZK_OK)
        goto out;

    if ((rc = zk_proof_section_read(&r, SEC_EVALS, "evaluations", &sub)) != ZK_OK)
        goto out;
    gl3_t ev[2];
    ev[0] = zk_rbuf_gl3(&sub);
    ev[1] = zk_rbuf_gl3(&sub);
    if ((rc = zk_proof_section_done(&sub, "evaluations")) != ZK_OK)
        goto out;
    zk_transcript_absorb_gl3(&t, "stats-evals", ev, 2);
    /* W(r) = [x < n_rows]~(r_x) * sum_{j < n_cols} eq(r_col, j) eq(j, r_y) */
    zk_eq_table(eq_ry, rpt + a, b);
    gl3_t colw = gl3_zero();
    for (uint32_t j = 0; j < m->n_cols; j++)
        colw = gl3_add(colw, gl3_mul(eq_col[j], eq_ry[j]));
    gl3_t w_r = gl3_mul(zk_prefix_indicator_mle(m->n_rows, rpt, a), colw);
    gl3_t expect_final = gl3_mul(w_r, gl3_mul(ev[0], gl3_add(gl3_one(), gl3_mul(lambda, ev[0]))));
    expect_final = gl3_add(expect_final, gl3_mul(rho, ev[1]));
    if (!gl3_eq(expect_final, final_claim)) {
        rc = zk_set_error(ZK_ERR_REJECT, "final sumcheck check failed: the statistics do not match "
                                         "the committed data");
        goto out;
    }

    zk_whir_claim c;
    c.kind = ZK_CLAIM_POINT;
    c.point = rpt;
    c.weights = NULL;
    c.value = ev[0];
    if ((rc = zk_proof_section_read(&r, SEC_DATA_OPEN, "dataset opening", &sub)) != ZK_OK)
        goto out;
    if ((rc = zk_whir_verify(&com->whir, &c, 1, &t, &sub)) != ZK_OK) {
        rc = zk_error_prefix(ZK_ERR_REJECT, "dataset opening rejected");
        goto out;
    }
    if ((rc = zk_proof_section_done(&sub, "dataset opening")) != ZK_OK)
        goto out;

    libra_weights(lw, (size_t)1 << mvars, n_vars, rpt);
    c.kind = ZK_CLAIM_LINEAR;
    c.point = NULL;
    c.weights = lw;
    c.value = ev[1];
    if ((rc = zk_proof_section_read(&r, SEC_MASK_OPEN, "mask opening", &sub)) != ZK_OK)
        goto out;
    if ((rc = zk_whir_verify(&mcom, &c, 1, &t, &sub)) != ZK_OK) {
        rc = zk_error_prefix(ZK_ERR_REJECT, "mask opening rejected");
        goto out;
    }
    if ((rc = zk_proof_section_done(&sub, "mask opening")) != ZK_OK)
        goto out;
    if (zk_rbuf_left(&r) != 0) {
        rc = zk_set_error(ZK_ERR_REJECT, "%zu unexpected bytes after the last section", zk_rbuf_left(&r));
        goto out;
    }
    if (sec) {
        zk_stats_security_compute(sec, com);
        sec->proof_bytes = proof_len;
    }
    rc = ZK_OK;
out:
    free(eq_col);
    free(eq_ry);
    free(lw);
    return rc;
}
