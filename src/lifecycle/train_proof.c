/*
 * train_proof.c — proofs of training: a chain of chunk proofs (circuit.h,
 * Spartan over hiding WHIR) linked through weight commitments (model.h).
 * Layout and statement: docs/training.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lifecycle/train_internal.h"
#include "zkmlops/proof.h"
#include "zkmlops/train.h"

#define TAG_HEAD 0x54524831u  /* "TRH1" */
#define TAG_CHUNK 0x54524331u /* "TRC1" */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Shape checks shared by prover and verifier: columns = features + label (last). */
static int check_shape(const zk_train_spec *s, const zk_dataset_meta *m, uint32_t *n, uint32_t *d)
{
    if (zk_train_spec_check(s) != ZK_OK)
        return ZK_ERR_INPUT;
    if (m->n_cols < 2)
        return zk_set_error(ZK_ERR_INPUT, "the training set needs at least one feature and the label column");
    if (strcmp(m->col_names[m->n_cols - 1], s->label) != 0)
        return zk_set_error(ZK_ERR_INPUT, "the label column \"%s\" of the spec is not the last column of the training set (\"%s\")",
                            s->label, m->col_names[m->n_cols - 1]);
    if (m->scale_bits != s->scale)
        return zk_set_error(ZK_ERR_INPUT, "the training set is at scale 2^%u, the spec says 2^%u", m->scale_bits, s->scale);
    if (s->act_bits < s->scale + 6)
        return zk_set_error(ZK_ERR_INPUT, "act_bits must be at least scale + 6 for the training circuit");
    *n = m->n_rows;
    *d = m->n_cols - 1;
    /* refuse chunk circuits too large to build (a hostile spec must not make
     * the verifier allocate without bound): an upper estimate per epoch */
    uint64_t per_row = s->kind == ZK_TRAIN_MLP
                           ? (uint64_t)s->hidden * (2 * (uint64_t)*d + 2 * (s->act_bits + s->scale) + 8) + 80
                           : 2 * (uint64_t)*d + s->act_bits + s->scale + 30;
    uint64_t per_epoch = (uint64_t)*n * per_row +
                         (uint64_t)zk_train_n_params(s, *d) * (3 * (uint64_t)s->step_bits + 3 * 64) *
                             zk_train_steps_per_epoch(s, *n);
    uint64_t per_chunk = per_epoch * (s->epochs_per_chunk ? s->epochs_per_chunk : s->epochs) +
                         (uint64_t)*n * *d * (s->data_bits + 1);
    if (per_chunk > ZK_TRAIN_MAX_CHUNK_CONSTRAINTS)
        return zk_set_error(ZK_ERR_INPUT,
                            "a chunk proof would have about %llu constraints (more than %llu): lower epochs_per_chunk",
                            (unsigned long long)per_chunk, (unsigned long long)ZK_TRAIN_MAX_CHUNK_CONSTRAINTS);
    return zk_train_check_bounds(s, *n, *d);
}

/* Architecture of the trained model (parameters zero). */
static int expected_arch(zk_model *m, const zk_train_spec *s, uint32_t d)
{
    uint32_t np = zk_train_n_params(s, d);
    int64_t *z = calloc(np, sizeof *z);
    if (!z)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    int st = zk_train_to_model(m, s, d, z);
    free(z);
    return st;
}

/* The commitment must hold exactly the trained architecture. */
static int check_model_com(const zk_model_commitment *c, const uint8_t arch_digest[ZK_HASH_BYTES], uint32_t np,
                           const char *what)
{
    uint8_t dg[ZK_HASH_BYTES];
    if (zk_model_arch_digest(dg, &c->arch) != ZK_OK)
        return ZK_ERR_NOMEM;
    if (memcmp(dg, arch_digest, ZK_HASH_BYTES) != 0)
        return zk_set_error(ZK_ERR_INPUT, "%s: the committed architecture is not the one the spec trains", what);
    if (c->n_params != np || c->whir.params.n_vars != c->log_len || ((uint64_t)np >> c->log_len) != 0)
        return zk_set_error(ZK_ERR_INPUT, "%s: the commitment does not hold %u parameters", what, np);
    return ZK_OK;
}

static void chunk_context(uint8_t out[ZK_HASH_BYTES], const zk_train_spec *s, const uint8_t spec_digest[ZK_HASH_BYTES],
                          const uint8_t data_id[ZK_HASH_BYTES], const uint8_t model_id[ZK_HASH_BYTES], uint32_t c,
                          uint32_t n_chunks, const uint8_t *in_id, const uint8_t out_id[ZK_HASH_BYTES])
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    static const char tag[] = "zkmlops-train-chunk/v1";
    zk_wbuf_put(&w, tag, sizeof tag);
    zk_train_spec_encode(&w, s);
    zk_wbuf_put(&w, spec_digest, ZK_HASH_BYTES);
    zk_wbuf_put(&w, data_id, ZK_HASH_BYTES);
    zk_wbuf_put(&w, model_id, ZK_HASH_BYTES);
    zk_wbuf_u32(&w, c);
    zk_wbuf_u32(&w, n_chunks);
    uint32_t b, e;
    zk_train_chunk_epochs(s, c, &b, &e);
    zk_wbuf_u32(&w, b);
    zk_wbuf_u32(&w, e);
    zk_wbuf_u8(&w, in_id != NULL);
    if (in_id)
        zk_wbuf_put(&w, in_id, ZK_HASH_BYTES);
    zk_wbuf_put(&w, out_id, ZK_HASH_BYTES);
    if (w.oom) /* hash something that cannot collide with a real context */
        memset(out, 0, ZK_HASH_BYTES);
    else
        zk_sha256(out, w.data, w.len);
    zk_wbuf_free(&w);
}

/* Build the circuit of chunk c: data segment, weights in (segment or the
 * public initial constants), training, weights out equal to the out segment.
 * Values (prover) from data_evals / in_evals / out_evals; NULL for the verifier. */
static int chunk_circuit(zk_cs **out, const zk_train_spec *s, uint32_t n, uint32_t d, uint32_t log_rows,
                         uint32_t range_bits, uint32_t data_vars, const gl_t *data_evals, uint32_t c, const int64_t *init, uint32_t in_vars,
                         const gl_t *in_evals, uint32_t out_vars, const gl_t *out_evals, int prover, uint32_t *seg_data,
                         uint32_t *seg_in, uint32_t *seg_out)
{
    int st = ZK_OK;
    *out = NULL;
    zk_cs *cs = zk_cs_new(prover);
    if (!cs)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    uint32_t np = zk_train_n_params(s, d);
    uint32_t *win = malloc((size_t)np * sizeof *win), *wout = malloc((size_t)np * sizeof *wout);
    if (!win || !wout) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto fail;
    }
    *seg_data = zk_cs_segment(cs, prover ? data_evals : NULL, data_vars);
    *seg_in = 0;
    if (c > 0) {
        *seg_in = zk_cs_segment(cs, prover ? in_evals : NULL, in_vars);
        for (uint32_t q = 0; q < np; q++)
            win[q] = *seg_in + q;
    }
    *seg_out = zk_cs_segment(cs, prover ? out_evals : NULL, out_vars);
    if (c == 0) {
        zk_lc a, b;
        zk_lc_init(&a);
        zk_lc_init(&b);
        for (uint32_t q = 0; q < np; q++) {
            win[q] = zk_cs_private_i64(cs, prover ? init[q] : 0);
            zk_lc_clear(&a);
            zk_lc_clear(&b);
            zk_lc_add(&a, win[q], 1);
            zk_lc_add(&b, 0, gl_from_i64(init[q]));
            zk_cs_enforce_equal(cs, &a, &b);
        }
        zk_lc_free(&a);
        zk_lc_free(&b);
    }
    {
        /* the data, once over the whole chain (every chunk links the same
         * commitment; chunk c checks rows [c n / N, (c+1) n / N)): labels in
         * {0, 2^s}, features |x| < 2^(data_bits-1) */
        uint32_t nch = zk_train_n_chunks(s);
        uint32_t i0 = (uint32_t)((uint64_t)c * n / nch), i1 = (uint32_t)((uint64_t)(c + 1) * n / nch);
        zk_lc a, b;
        zk_lc_init(&a);
        zk_lc_init(&b);
        for (uint32_t i = i0; i < i1; i++) {
            uint32_t yw = *seg_data + i + (d << log_rows);
            zk_lc_clear(&a);
            zk_lc_clear(&b);
            zk_lc_add(&a, yw, 1);
            zk_lc_add(&b, yw, 1);
            zk_lc_add(&b, 0, gl_neg((gl_t)1 << s->scale));
            zk_lc c0;
            zk_lc_init(&c0);
            zk_cs_enforce(cs, &a, &b, &c0); /* y (y - 2^s) = 0 */
            zk_lc_free(&c0);
            if (range_bits > s->data_bits)
                for (uint32_t j = 0; j < d; j++)
                    zk_cs_range_signed(cs, *seg_data + i + (j << log_rows), s->data_bits);
        }
        zk_lc_free(&a);
        zk_lc_free(&b);
    }
    uint32_t eb, ee;
    zk_train_chunk_epochs(s, c, &eb, &ee);
    if ((st = zk_train_circuit(cs, s, n, d, log_rows, *seg_data, eb, ee, win, wout)) != ZK_OK)
        goto fail;
    for (uint32_t q = 0; q < np; q++)
        zk_cs_assert_equal(cs, wout[q], *seg_out + q);
    if ((st = (int)zk_cs_status(cs)) != ZK_OK) {
        zk_error_prefix(st, "training circuit");
        goto fail;
    }
    free(win);
    free(wout);
    *out = cs;
    return ZK_OK;
fail:
    free(win);
    free(wout);
    zk_cs_free(cs);
    return st;
}

/* Intermediate weight commitments (between chunks): hiding WHIR commitment of
 * the parameter vector followed by random blinding entries, 2^L entries with
 * L the least such that 2^L >= n_params + ZK_MODEL_BLIND_FOR(2) (= 22),
 * parameters zk_whir_params_derive_budget(L, 2) (opened exactly twice: by the
 * chunk that produces it and the one that consumes it). */
static uint32_t inter_vars(uint32_t np)
{
    uint32_t L = 1;
    while (((uint64_t)1 << L) < (uint64_t)np + ZK_MODEL_BLIND_FOR(2))
        L++;
    return L;
}

static int inter_commit(zk_whir_commitment *com, zk_whir_witness *wit, const int64_t *p, uint32_t np)
{
    uint32_t L = inter_vars(np);
    size_t N = (size_t)1 << L;
    zk_whir_params prm;
    int st = zk_whir_params_derive_budget(&prm, L, 2);
    if (st != ZK_OK)
        return st;
    gl_t *ev = malloc(N * sizeof *ev);
    if (!ev)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (uint32_t q = 0; q < np; q++)
        ev[q] = gl_from_i64(p[q]);
    for (size_t q = np; q < N; q++) {
        uint64_t v;
        do
            zk_random_bytes(&v, sizeof v);
        while (v >= GL_P);
        ev[q] = v;
    }
    st = zk_whir_commit(&prm, ev, NULL, com, wit);
    memset(ev, 0, N * sizeof *ev);
    free(ev);
    return st;
}

static int whir_id(uint8_t id[ZK_HASH_BYTES], const zk_whir_commitment *c)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    static const char tag[] = "zkmlops-train-weights/v1";
    zk_wbuf_put(&w, tag, sizeof tag);
    zk_whir_commitment_write(&w, c);
    int st = w.oom ? zk_set_error(ZK_ERR_NOMEM, "out of memory") : ZK_OK;
    if (st == ZK_OK)
        zk_sha256(id, w.data, w.len);
    zk_wbuf_free(&w);
    return st;
}

int zk_train_prove(const zk_train_spec *s, const uint8_t spec_digest[ZK_HASH_BYTES], zk_dataset_private *data,
                   zk_model_private *model_out, zk_wbuf *proof, zk_train_report *rep)
{
    double t0 = now_s();
    zk_train_report rp;
    memset(&rp, 0, sizeof rp);
    memset(model_out, 0, sizeof *model_out);
    const zk_dataset_commitment *dc = &data->com;
    uint32_t n = 0, d = 0;
    int st = check_shape(s, &dc->meta, &n, &d);
    if (st != ZK_OK)
        return st;
    uint32_t np = zk_train_n_params(s, d), nch = zk_train_n_chunks(s);
    if (zk_dataset_openings_left(data) < nch)
        return zk_set_error(ZK_ERR_RANGE,
                            "the training-set commitment has %llu zero-knowledge openings left, the proof needs %u "
                            "(recommit the data or raise epochs_per_chunk)",
                            (unsigned long long)zk_dataset_openings_left(data), nch);
    int64_t *x = malloc((size_t)n * d * sizeof *x), *y = malloc((size_t)n * sizeof *y);
    int64_t *P = malloc((size_t)(nch + 1) * np * sizeof *P);
    zk_whir_commitment *icom = calloc(nch, sizeof *icom);
    zk_whir_witness *iwit = calloc(nch, sizeof *iwit);
    uint8_t(*ids)[ZK_HASH_BYTES] = malloc((size_t)nch * ZK_HASH_BYTES);
    zk_model_private mp;
    memset(&mp, 0, sizeof mp);
    zk_model mdl;
    memset(&mdl, 0, sizeof mdl);
    if (!x || !y || !P || !icom || !iwit || !ids) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < d; j++)
            x[(size_t)i * d + j] = zk_dataset_private_value(data, i, j);
        y[i] = zk_dataset_private_value(data, i, d);
        if (y[i] != 0 && y[i] != ((int64_t)1 << s->scale)) {
            st = zk_set_error(ZK_ERR_INPUT, "row %u: the label is %g, not 0 or 1", i,
                              (double)y[i] / (double)((int64_t)1 << s->scale));
            goto out;
        }
        for (uint32_t j = 0; j < d; j++) {
            int64_t v = x[(size_t)i * d + j], lim = (int64_t)1 << (s->data_bits - 1);
            if (v >= lim || v < -lim) {
                st = zk_set_error(ZK_ERR_RANGE,
                                  "row %u column %u: the feature %g is outside data_bits %u (|x| < 2^%u at scale 2^%u)",
                                  i, j, (double)v / (double)((int64_t)1 << s->scale), s->data_bits, s->data_bits - 1,
                                  s->scale);
                goto out;
            }
        }
    }
    /* the reference run, with the parameters at every chunk boundary */
    zk_train_init(s, d, P);
    for (uint32_t c = 0; c < nch; c++) {
        uint32_t eb, ee;
        zk_train_chunk_epochs(s, c, &eb, &ee);
        memcpy(P + (size_t)(c + 1) * np, P + (size_t)c * np, (size_t)np * sizeof *P);
        if ((st = zk_train_run_fx(s, x, y, n, d, eb, ee, P + (size_t)(c + 1) * np)) != ZK_OK)
            goto out;
    }
    /* commitments to the weights leaving each chunk: intermediate ones, then the model */
    for (uint32_t c = 0; c + 1 < nch; c++) {
        if ((st = inter_commit(&icom[c], &iwit[c], P + (size_t)(c + 1) * np, np)) != ZK_OK ||
            (st = whir_id(ids[c], &icom[c])) != ZK_OK)
            goto out;
    }
    if ((st = zk_train_to_model(&mdl, s, d, P + (size_t)nch * np)) != ZK_OK ||
        (st = zk_model_commit(&mp, &mdl)) != ZK_OK || (st = zk_model_commitment_id(ids[nch - 1], &mp.com)) != ZK_OK)
        goto out;
    uint8_t data_id[ZK_HASH_BYTES];
    if ((st = zk_dataset_commitment_id(data_id, dc)) != ZK_OK)
        goto out;
    if ((st = zk_model_reserve_opening(&mp)) != ZK_OK)
        goto out;
    zk_proof_header_write(proof, ZK_PROOF_TRAIN);
    size_t at = zk_proof_section_begin(proof, TAG_HEAD);
    zk_wbuf_u32(proof, nch);
    zk_wbuf_u32(proof, n);
    zk_wbuf_u32(proof, d);
    zk_wbuf_u32(proof, np);
    zk_proof_section_end(proof, at);
    for (uint32_t c = 0; c < nch; c++) {
        int last = c + 1 == nch;
        const zk_whir_commitment *oc = last ? &mp.com.whir : &icom[c];
        const zk_whir_witness *ow = last ? &mp.wit : &iwit[c];
        if ((st = zk_dataset_reserve_opening(data)) != ZK_OK)
            goto out;
        uint32_t sd, si, so;
        zk_cs *cs = NULL;
        double tb = now_s();
        st = chunk_circuit(&cs, s, n, d, dc->meta.log_rows, dc->range_bits, dc->whir.params.n_vars, data->wit.evals,
                           c, P, c ? icom[c - 1].params.n_vars : 0, c ? iwit[c - 1].evals : NULL, oc->params.n_vars,
                           ow->evals, 1, &sd, &si, &so);
        rp.circuit_seconds += now_s() - tb;
        if (st != ZK_OK)
            goto out;
        uint8_t ctx[ZK_HASH_BYTES];
        chunk_context(ctx, s, spec_digest, data_id, ids[nch - 1], c, nch, c ? ids[c - 1] : NULL, ids[c]);
        zk_cs_link links[3];
        size_t nl = 0;
        links[nl++] = (zk_cs_link){&dc->whir, &data->wit, sd};
        if (c > 0)
            links[nl++] = (zk_cs_link){&icom[c - 1], &iwit[c - 1], si};
        links[nl++] = (zk_cs_link){oc, ow, so};
        uint64_t ncons = zk_cs_n_constraints(cs);
        rp.constraints += ncons;
        if (ncons > rp.max_chunk_constraints)
            rp.max_chunk_constraints = ncons;
        zk_wbuf body;
        zk_wbuf_init(&body);
        st = zk_cs_prove(cs, ctx, sizeof ctx, links, nl, &body);
        zk_cs_free(cs);
        if (st != ZK_OK) {
            zk_wbuf_free(&body);
            goto out;
        }
        uint32_t eb, ee;
        zk_train_chunk_epochs(s, c, &eb, &ee);
        at = zk_proof_section_begin(proof, TAG_CHUNK);
        zk_wbuf_u32(proof, c);
        zk_wbuf_u32(proof, eb);
        zk_wbuf_u32(proof, ee);
        zk_wbuf_u8(proof, !last);
        if (!last) { /* length-prefixed WHIR commitment of the intermediate weights */
            zk_wbuf cw;
            zk_wbuf_init(&cw);
            zk_whir_commitment_write(&cw, &icom[c]);
            zk_wbuf_u64(proof, cw.len);
            zk_wbuf_put(proof, cw.data, cw.len);
            if (cw.oom)
                proof->oom = 1;
            zk_wbuf_free(&cw);
        }
        zk_wbuf_u64(proof, body.len);
        zk_wbuf_put(proof, body.data, body.len);
        zk_proof_section_end(proof, at);
        zk_wbuf_free(&body);
    }
    if (proof->oom) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory writing the proof");
        goto out;
    }
    *model_out = mp;
    memset(&mp, 0, sizeof mp);
    rp.n_chunks = nch;
    rp.proof_bytes = proof->len;
out:
    if (icom)
        for (uint32_t c = 0; c < nch; c++)
            zk_whir_witness_free(&iwit[c]);
    zk_model_private_free(&mp);
    zk_model_free(&mdl);
    free(icom);
    free(iwit);
    free(ids);
    free(x);
    free(y);
    free(P);
    rp.seconds = now_s() - t0;
    if (rep)
        *rep = rp;
    return st;
}

int zk_train_verify(const zk_train_spec *s, const uint8_t spec_digest[ZK_HASH_BYTES],
                    const zk_dataset_commitment *dc, const zk_model_commitment *model, const uint8_t *proof,
                    size_t proof_len, zk_train_report *rep)
{
    double t0 = now_s();
    zk_train_report rp;
    memset(&rp, 0, sizeof rp);
    rp.security_bits = 1e9;
    uint32_t n = 0, d = 0;
    int st = check_shape(s, &dc->meta, &n, &d);
    if (st != ZK_OK)
        return st;
    uint32_t np = zk_train_n_params(s, d), nch = zk_train_n_chunks(s);
    zk_model arch;
    memset(&arch, 0, sizeof arch);
    uint8_t arch_dg[ZK_HASH_BYTES], data_id[ZK_HASH_BYTES], model_id[ZK_HASH_BYTES];
    zk_whir_commitment *icom = calloc(nch, sizeof *icom);
    uint8_t(*ids)[ZK_HASH_BYTES] = malloc((size_t)nch * ZK_HASH_BYTES);
    int64_t *init = malloc((size_t)np * sizeof *init);
    zk_whir_params iprm;
    if (!icom || !init || !ids) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((st = zk_whir_params_derive_budget(&iprm, inter_vars(np), 2)) != ZK_OK)
        goto out;
    zk_train_init(s, d, init);
    if ((st = expected_arch(&arch, s, d)) != ZK_OK || (st = zk_model_arch_digest(arch_dg, &arch)) != ZK_OK)
        goto out;
    if ((st = check_model_com(model, arch_dg, np, "model commitment")) != ZK_OK)
        goto out;
    if ((st = zk_dataset_commitment_id(data_id, dc)) != ZK_OK || (st = zk_model_commitment_id(model_id, model)) != ZK_OK)
        goto out;
    zk_rbuf r;
    zk_rbuf_init(&r, proof, proof_len);
    if ((st = zk_proof_header_read(&r, ZK_PROOF_TRAIN)) != ZK_OK)
        goto out;
    zk_rbuf sub;
    if ((st = zk_proof_section_read(&r, TAG_HEAD, "train head", &sub)) != ZK_OK)
        goto out;
    uint32_t pn = zk_rbuf_u32(&sub), pr = zk_rbuf_u32(&sub), pd = zk_rbuf_u32(&sub), pp = zk_rbuf_u32(&sub);
    if ((st = zk_proof_section_done(&sub, "train head")) != ZK_OK)
        goto out;
    if (pn != nch || pr != n || pd != d || pp != np) {
        st = zk_set_error(ZK_ERR_REJECT,
                          "the proof is for %u chunks of %u x %u data (%u parameters); the spec and commitments give "
                          "%u chunks of %u x %u (%u)",
                          pn, pr, pd, pp, nch, n, d, np);
        goto out;
    }
    for (uint32_t c = 0; c < nch; c++) {
        int last = c + 1 == nch;
        if ((st = zk_proof_section_read(&r, TAG_CHUNK, "train chunk", &sub)) != ZK_OK)
            goto out;
        uint32_t pc = zk_rbuf_u32(&sub), peb = zk_rbuf_u32(&sub), pee = zk_rbuf_u32(&sub);
        uint8_t has = zk_rbuf_u8(&sub);
        uint32_t eb, ee;
        zk_train_chunk_epochs(s, c, &eb, &ee);
        if (sub.err || pc != c || peb != eb || pee != ee || has != !last) {
            st = zk_set_error(ZK_ERR_REJECT, "train proof chunk %u: header does not match the spec (epochs [%u, %u))",
                              c, eb, ee);
            goto out;
        }
        const zk_whir_commitment *oc = &model->whir;
        if (!last) {
            uint64_t clen = zk_rbuf_u64(&sub);
            const uint8_t *cb = (!sub.err && clen <= zk_rbuf_left(&sub)) ? zk_rbuf_take(&sub, (size_t)clen) : NULL;
            zk_rbuf cr;
            zk_rbuf_init(&cr, cb, cb ? (size_t)clen : 0);
            if (!cb || zk_whir_commitment_read(&cr, &icom[c]) != ZK_OK || zk_rbuf_left(&cr) != 0) {
                st = zk_set_error(ZK_ERR_INPUT, "train proof chunk %u: malformed intermediate weight commitment", c);
                goto out;
            }
            if (!zk_whir_params_equal(&icom[c].params, &iprm)) {
                st = zk_set_error(ZK_ERR_REJECT,
                                  "train proof chunk %u: the intermediate weight commitment uses other WHIR parameters", c);
                goto out;
            }
            if ((st = whir_id(ids[c], &icom[c])) != ZK_OK)
                goto out;
            oc = &icom[c];
        } else {
            memcpy(ids[c], model_id, ZK_HASH_BYTES);
        }
        uint64_t blen = zk_rbuf_u64(&sub);
        const uint8_t *body = (!sub.err && blen <= zk_rbuf_left(&sub)) ? zk_rbuf_take(&sub, (size_t)blen) : NULL;
        if (!body) {
            st = zk_set_error(ZK_ERR_INPUT, "train proof chunk %u: truncated proof body", c);
            goto out;
        }
        if ((st = zk_proof_section_done(&sub, "train chunk")) != ZK_OK)
            goto out;
        const zk_whir_commitment *ic = c ? &icom[c - 1] : NULL;
        uint8_t ctx[ZK_HASH_BYTES];
        chunk_context(ctx, s, spec_digest, data_id, model_id, c, nch, c ? ids[c - 1] : NULL, ids[c]);
        /* the verifier circuit of this chunk (chunks differ in the data rows
         * they range-check, so each is built) */
        zk_cs *cs = NULL;
        uint32_t sd, si, so;
        double tb = now_s();
        st = chunk_circuit(&cs, s, n, d, dc->meta.log_rows, dc->range_bits, dc->whir.params.n_vars, NULL, c, init,
                           ic ? ic->params.n_vars : 0, NULL, oc->params.n_vars, NULL, 0, &sd, &si, &so);
        rp.circuit_seconds += now_s() - tb;
        if (st != ZK_OK)
            goto out;
        zk_cs_link links[3];
        size_t nl = 0;
        links[nl++] = (zk_cs_link){&dc->whir, NULL, sd};
        if (ic)
            links[nl++] = (zk_cs_link){ic, NULL, si};
        links[nl++] = (zk_cs_link){oc, NULL, so};
        rp.constraints += zk_cs_n_constraints(cs);
        zk_spartan_security sec;
        memset(&sec, 0, sizeof sec);
        st = zk_cs_verify(cs, ctx, sizeof ctx, links, nl, body, (size_t)blen, &sec);
        zk_cs_free(cs);
        if (st != ZK_OK) {
            char msg[64];
            snprintf(msg, sizeof msg, "train proof chunk %u of %u", c, nch);
            zk_error_prefix(st, msg);
            goto out;
        }
        if (sec.security_bits < rp.security_bits)
            rp.security_bits = sec.security_bits;
    }
    if (zk_rbuf_left(&r) != 0 || r.err) {
        st = zk_set_error(ZK_ERR_INPUT, "train proof: trailing bytes after the last chunk");
        goto out;
    }
    rp.n_chunks = nch;
    rp.proof_bytes = proof_len;
out:
    free(icom);
    free(ids);
    free(init);
    zk_model_free(&arch);
    rp.seconds = now_s() - t0;
    if (rp.security_bits > 1e8)
        rp.security_bits = 0;
    if (rep)
        *rep = rp;
    return st;
}
