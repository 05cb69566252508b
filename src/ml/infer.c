/* infer.c — inference proofs (infer.h): statement, circuit with linked
 * weights (and optionally a linked private input), JSON input/output files. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/infer.h"
#include "zkmlops/proof.h"

#define STATEMENT_VERSION 1u
#define TAG_STATEMENT 1u
#define TAG_CIRCUIT 2u
#define CTX_LABEL "zkmlops-infer-v1"
#define INPUT_MIN_BLIND (3u * 1u + 16u) /* opened once: 3K + 16 blinding entries (circuit.h) */
#define JSON_MAX ((size_t)1 << 30)
/* Range checks (rescales, activations, comparisons) are proved by lookups
 * into [0, 2^INFER_LOOKUP_BITS) (circuit.h, zk_cs_set_lookups) when the
 * circuit has at least INFER_LOOKUP_MIN looked-up values; smaller circuits
 * keep bit decompositions (the LogUp sub-proof's fixed cost, three WHIR
 * openings, outweighs the saved constraints there: docs/circuit.md, "Range
 * checks by lookups"). The rule depends only on the circuit's structure
 * (model, batch, input mode), so prover and verifier decide alike. */
#ifndef INFER_LOOKUP_BITS /* build-time overrides for measurements only: prover and verifier must agree */
#define INFER_LOOKUP_BITS ZK_CS_LOOKUP_AUTO_BITS
#endif
#ifndef INFER_LOOKUP_MIN
#define INFER_LOOKUP_MIN ZK_CS_LOOKUP_AUTO_MIN
#endif

static uint32_t input_log_len(uint64_t n)
{
    uint32_t k = 1;
    while (((uint64_t)1 << k) < n + INPUT_MIN_BLIND)
        k++;
    return k;
}

static int check_batch(const zk_model *m, uint32_t batch)
{
    if (batch < 1 || batch > ZK_INFER_MAX_BATCH)
        return zk_set_error(ZK_ERR_INPUT, "batch of %u examples outside 1..%u", batch, ZK_INFER_MAX_BATCH);
    uint64_t n = (zk_model_input_size(m) + zk_model_output_size(m)) * batch;
    if (n > ((uint64_t)1 << 26))
        return zk_set_error(ZK_ERR_INPUT, "batch of %u examples has too many input/output values", batch);
    return ZK_OK;
}

/* Public wires (inputs unless private, then outputs), the weight segment,
 * the input segment (private input), the model circuit, and out == claimed. */
static int build(zk_cs *cs, const zk_model *m, uint32_t log_len, const gl_t *weights, const int64_t *in,
                 const int64_t *out, uint32_t batch, int private_input, const gl_t *in_evals, uint32_t in_log,
                 uint32_t *wseg, uint32_t *iseg)
{
    uint64_t ni = zk_model_input_size(m) * batch, no = zk_model_output_size(m) * batch;
    uint32_t *iw = malloc((ni ? ni : 1) * sizeof *iw), *ow = malloc((no ? no : 1) * sizeof *ow),
             *pw = malloc((no ? no : 1) * sizeof *pw);
    int st = ZK_OK;
    if (!iw || !ow || !pw) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (!private_input)
        for (uint64_t k = 0; k < ni; k++)
            iw[k] = zk_cs_public_i64(cs, in[k]);
    for (uint64_t k = 0; k < no; k++)
        pw[k] = zk_cs_public_i64(cs, out[k]);
    *wseg = zk_cs_segment(cs, weights, log_len);
    if (private_input) {
        *iseg = zk_cs_segment(cs, in_evals, in_log);
        for (uint64_t k = 0; k < ni; k++)
            iw[k] = *iseg + (uint32_t)k;
    }
    if (zk_cs_status(cs) != ZK_OK) {
        st = (int)zk_cs_status(cs);
        goto done;
    }
    if ((st = zk_model_circuit_public_input(cs, m, *wseg, iw, private_input ? NULL : in, batch, ow)) != ZK_OK)
        goto done;
    for (uint64_t k = 0; k < no; k++)
        zk_cs_assert_equal(cs, ow[k], pw[k]);
    st = (int)zk_cs_status(cs);
done:
    free(iw);
    free(ow);
    free(pw);
    return st;
}

typedef struct {
    const zk_model *m;
    uint32_t log_len;
    const gl_t *weights;
    const int64_t *in, *out;
    uint32_t batch;
    int private_input;
    const gl_t *in_evals;
    uint32_t in_log;
    uint32_t *wseg, *iseg;
} build_ctx;

static int build_fn(zk_cs *cs, void *ctx)
{
    const build_ctx *b = ctx;
    return build(cs, b->m, b->log_len, b->weights, b->in, b->out, b->batch, b->private_input, b->in_evals, b->in_log,
                 b->wseg, b->iseg);
}

/* New circuit (prover or verifier mode) under the lookup rule above. */
static int build_cs(zk_cs **out, int prover, const zk_model *m, uint32_t log_len, const gl_t *weights,
                    const int64_t *in, const int64_t *outv, uint32_t batch, int private_input, const gl_t *in_evals,
                    uint32_t in_log, uint32_t *wseg, uint32_t *iseg)
{
    build_ctx b = {m, log_len, weights, in, outv, batch, private_input, in_evals, in_log, wseg, iseg};
    return zk_cs_build_auto(out, prover, INFER_LOOKUP_BITS, INFER_LOOKUP_MIN, build_fn, &b);
}

static void write_statement(zk_wbuf *w, const zk_infer_info *info, const zk_whir_commitment *icom)
{
    zk_wbuf_u32(w, STATEMENT_VERSION);
    zk_wbuf_u32(w, info->batch);
    zk_wbuf_u64(w, info->input_size);
    zk_wbuf_u64(w, info->output_size);
    zk_wbuf_u32(w, info->private_input ? 1u : 0u);
    zk_wbuf_put(w, info->model_id, ZK_HASH_BYTES);
    if (info->private_input)
        zk_whir_commitment_write(w, icom);
}

static int make_context(zk_wbuf *ctx, const uint8_t *stmt, size_t len)
{
    zk_wbuf_init(ctx);
    zk_wbuf_put(ctx, CTX_LABEL, sizeof CTX_LABEL - 1);
    zk_wbuf_put(ctx, stmt, len);
    return ctx->oom ? zk_set_error(ZK_ERR_NOMEM, "out of memory") : ZK_OK;
}

int zk_infer_prove(zk_model_private *p, const int64_t *in, uint32_t batch, int private_input, int64_t *out,
                   zk_wbuf *proof, zk_infer_info *info_out)
{
    const zk_model *m = &p->model;
    int st = check_batch(m, batch);
    if (st != ZK_OK)
        return st;
    zk_infer_info info;
    memset(&info, 0, sizeof info);
    info.batch = batch;
    info.input_size = zk_model_input_size(m);
    info.output_size = zk_model_output_size(m);
    info.private_input = private_input != 0;
    if ((st = zk_model_run_fx(m, in, batch, out)) != ZK_OK)
        return st;
    if ((st = zk_model_commitment_id(info.model_id, &p->com)) != ZK_OK)
        return st;
    uint64_t ni = info.input_size * batch;
    zk_whir_commitment icom;
    zk_whir_witness iwit;
    memset(&icom, 0, sizeof icom);
    memset(&iwit, 0, sizeof iwit);
    gl_t *ievals = NULL;
    uint32_t in_log = 0;
    zk_wbuf stmt, ctx;
    zk_wbuf_init(&stmt);
    zk_wbuf_init(&ctx);
    zk_cs *cs = NULL;
    if (private_input) {
        in_log = input_log_len(ni);
        size_t total = (size_t)1 << in_log;
        if (!(ievals = malloc(total * sizeof *ievals))) {
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
            goto done;
        }
        zk_random_bytes(ievals, total * sizeof *ievals);
        for (size_t i = 0; i < total; i++)
            while (ievals[i] >= GL_P)
                zk_random_bytes(&ievals[i], sizeof ievals[i]);
        for (uint64_t k = 0; k < ni; k++)
            ievals[k] = gl_from_i64(in[k]);
        zk_whir_params ip;
        if ((st = zk_whir_params_derive(&ip, in_log, 1)) != ZK_OK ||
            (st = zk_whir_commit(&ip, ievals, NULL, &icom, &iwit)) != ZK_OK)
            goto done;
        zk_wbuf cw;
        zk_wbuf_init(&cw);
        zk_whir_commitment_write(&cw, &icom);
        if (cw.oom)
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        else
            zk_sha256(info.input_com_id, cw.data, cw.len);
        zk_wbuf_free(&cw);
        if (st != ZK_OK)
            goto done;
    }
    write_statement(&stmt, &info, &icom);
    if (stmt.oom || (st = make_context(&ctx, stmt.data, stmt.len)) != ZK_OK) {
        st = st ? st : (int)zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    uint32_t wseg = 0, iseg = 0;
    if ((st = build_cs(&cs, 1, m, p->com.log_len, p->wit.evals, in, out, batch, private_input, ievals, in_log, &wseg,
                       &iseg)) != ZK_OK)
        goto done;
    if ((st = zk_cs_check(cs)) != ZK_OK)
        goto done;
    if ((st = zk_model_reserve_opening(p)) != ZK_OK)
        goto done;
    info.constraints = zk_cs_n_constraints(cs);
    info.wires = zk_cs_n_wires(cs);
    zk_cs_link links[2] = {{&p->com.whir, &p->wit, wseg}, {&icom, &iwit, iseg}};
    size_t start = proof->len;
    zk_proof_header_write(proof, ZK_PROOF_INFER);
    size_t at = zk_proof_section_begin(proof, TAG_STATEMENT);
    zk_wbuf_put(proof, stmt.data, stmt.len);
    zk_proof_section_end(proof, at);
    at = zk_proof_section_begin(proof, TAG_CIRCUIT);
    if ((st = zk_cs_prove(cs, ctx.data, ctx.len, links, private_input ? 2 : 1, proof)) != ZK_OK)
        goto done;
    zk_proof_section_end(proof, at);
    if (proof->oom) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    info.proof_bytes = proof->len - start;
done:
    zk_cs_free(cs);
    zk_wbuf_free(&stmt);
    zk_wbuf_free(&ctx);
    if (ievals) {
        memset(ievals, 0, ((size_t)1 << in_log) * sizeof *ievals);
        free(ievals);
    }
    zk_whir_witness_free(&iwit);
    if (st == ZK_OK && info_out)
        *info_out = info;
    return st;
}

static int read_statement(zk_rbuf *sub, zk_infer_info *info, zk_whir_commitment *icom)
{
    memset(info, 0, sizeof *info);
    uint32_t ver = zk_rbuf_u32(sub);
    info->batch = zk_rbuf_u32(sub);
    info->input_size = zk_rbuf_u64(sub);
    info->output_size = zk_rbuf_u64(sub);
    uint32_t flags = zk_rbuf_u32(sub);
    zk_rbuf_get(sub, info->model_id, ZK_HASH_BYTES);
    if (sub->err)
        return zk_set_error(ZK_ERR_INPUT, "truncated inference statement");
    if (ver != STATEMENT_VERSION)
        return zk_set_error(ZK_ERR_INPUT, "inference statement version %u (this build reads %u)", ver,
                            STATEMENT_VERSION);
    if (flags > 1)
        return zk_set_error(ZK_ERR_INPUT, "inference statement: unknown flags 0x%x", flags);
    if (info->batch < 1 || info->batch > ZK_INFER_MAX_BATCH || info->input_size < 1 ||
        info->input_size > ((uint64_t)1 << 26) || info->output_size < 1 || info->output_size > ((uint64_t)1 << 26))
        return zk_set_error(ZK_ERR_INPUT, "inference statement: batch or sizes out of range");
    info->private_input = (int)flags;
    if (info->private_input) {
        int st = zk_whir_commitment_read(sub, icom);
        if (st != ZK_OK)
            return zk_error_prefix((zk_status)st, "input commitment");
        uint64_t ni = info->input_size * info->batch;
        zk_whir_params expect;
        if (ni > ((uint64_t)1 << 26) || zk_whir_params_derive(&expect, input_log_len(ni), 1) != ZK_OK ||
            !zk_whir_params_equal(&expect, &icom->params))
            return zk_set_error(ZK_ERR_INPUT, "input commitment: parameters do not match the input size");
    }
    return ZK_OK;
}

int zk_infer_proof_statement(const uint8_t *proof, size_t proof_len, zk_infer_info *info)
{
    zk_rbuf r, sub;
    zk_rbuf_init(&r, proof, proof_len);
    int st = zk_proof_header_read(&r, ZK_PROOF_INFER);
    if (st == ZK_OK)
        st = zk_proof_section_read(&r, TAG_STATEMENT, "statement", &sub);
    zk_whir_commitment icom;
    if (st == ZK_OK)
        st = read_statement(&sub, info, &icom);
    if (st == ZK_OK && info->private_input) {
        zk_wbuf cw;
        zk_wbuf_init(&cw);
        zk_whir_commitment_write(&cw, &icom);
        if (!cw.oom)
            zk_sha256(info->input_com_id, cw.data, cw.len);
        zk_wbuf_free(&cw);
    }
    return st;
}

int zk_infer_verify(const zk_model_commitment *c, const int64_t *in, const int64_t *out, uint32_t batch,
                    const uint8_t *proof, size_t proof_len, zk_infer_info *info_out)
{
    const zk_model *m = &c->arch;
    zk_infer_info info;
    zk_whir_commitment icom;
    memset(&icom, 0, sizeof icom);
    zk_rbuf r, sub, body;
    zk_rbuf_init(&r, proof, proof_len);
    int st = zk_proof_header_read(&r, ZK_PROOF_INFER);
    if (st == ZK_OK)
        st = zk_proof_section_read(&r, TAG_STATEMENT, "statement", &sub);
    size_t stmt_len = 0;
    const uint8_t *stmt_bytes = NULL;
    if (st == ZK_OK) {
        stmt_bytes = sub.data;
        stmt_len = sub.len;
        st = read_statement(&sub, &info, &icom);
    }
    if (st == ZK_OK)
        st = zk_proof_section_done(&sub, "statement");
    if (st == ZK_OK)
        st = zk_proof_section_read(&r, TAG_CIRCUIT, "circuit proof", &body);
    if (st == ZK_OK && zk_rbuf_left(&r) != 0)
        st = zk_set_error(ZK_ERR_INPUT, "%zu trailing bytes after the proof", zk_rbuf_left(&r));
    if (st != ZK_OK)
        return st;
    if (st == ZK_OK && info.private_input) {
        zk_wbuf cw;
        zk_wbuf_init(&cw);
        zk_whir_commitment_write(&cw, &icom);
        if (!cw.oom)
            zk_sha256(info.input_com_id, cw.data, cw.len);
        zk_wbuf_free(&cw);
    }
    uint8_t id[ZK_HASH_BYTES];
    if ((st = zk_model_commitment_id(id, c)) != ZK_OK)
        return st;
    if (memcmp(id, info.model_id, ZK_HASH_BYTES) != 0) {
        char a[65], b[65];
        zk_digest_hex(a, info.model_id);
        zk_digest_hex(b, id);
        return zk_set_error(ZK_ERR_REJECT, "the proof is for model commitment %.16s..., not %.16s...", a, b);
    }
    if (info.input_size != zk_model_input_size(m) || info.output_size != zk_model_output_size(m))
        return zk_set_error(ZK_ERR_REJECT, "the proof's input/output sizes (%llu/%llu) do not match the model "
                            "(%llu/%llu)", (unsigned long long)info.input_size, (unsigned long long)info.output_size,
                            (unsigned long long)zk_model_input_size(m), (unsigned long long)zk_model_output_size(m));
    if (info.batch != batch)
        return zk_set_error(ZK_ERR_REJECT, "the proof covers a batch of %u examples, the claim has %u", info.batch,
                            batch);
    if (!info.private_input && !in)
        return zk_set_error(ZK_ERR_INPUT, "the proof has a public input: the input values are needed to verify it");
    if (info.private_input && in)
        return zk_set_error(ZK_ERR_REJECT, "the proof is about a hidden (committed) input, not the given input values");
    if ((st = check_batch(m, batch)) != ZK_OK)
        return st;
    zk_wbuf ctx;
    if ((st = make_context(&ctx, stmt_bytes, stmt_len)) != ZK_OK) {
        zk_wbuf_free(&ctx);
        return st;
    }
    zk_cs *cs = NULL;
    uint32_t wseg = 0, iseg = 0;
    uint32_t in_log = info.private_input ? input_log_len(info.input_size * batch) : 0;
    st = build_cs(&cs, 0, m, c->log_len, NULL, in, out, batch, info.private_input, NULL, in_log, &wseg, &iseg);
    if (st == ZK_OK) {
        zk_cs_link links[2] = {{&c->whir, NULL, wseg}, {&icom, NULL, iseg}};
        st = zk_cs_verify(cs, ctx.data, ctx.len, links, info.private_input ? 2 : 1, body.data, body.len, &info.sec);
        info.constraints = zk_cs_n_constraints(cs);
        info.wires = zk_cs_n_wires(cs);
    }
    info.proof_bytes = proof_len;
    zk_cs_free(cs);
    zk_wbuf_free(&ctx);
    if (info_out)
        *info_out = info;
    return st;
}

/* ---- JSON ---- */
static int load_json(const char *path, cJSON **root)
{
    uint8_t *data;
    size_t len;
    int st = zk_read_file(path, JSON_MAX, &data, &len);
    if (st != ZK_OK)
        return st;
    *root = cJSON_ParseWithLength((const char *)data, len);
    free(data);
    if (!*root || !cJSON_IsObject(*root)) {
        cJSON_Delete(*root);
        *root = NULL;
        return zk_set_error(ZK_ERR_INPUT, "%s: not a JSON object", path);
    }
    return ZK_OK;
}

/* Flatten an array of arrays of numbers (or one flat array). ints: values must
 * be integers (exact in a double, |v| < 2^53). */
static int flatten(const char *path, const char *key, const cJSON *a, int ints, double **vals, uint64_t *n)
{
    *vals = NULL;
    *n = 0;
    if (!cJSON_IsArray(a))
        return zk_set_error(ZK_ERR_INPUT, "%s: \"%s\" must be an array of arrays of numbers", path, key);
    uint64_t cnt = 0;
    const cJSON *row, *x;
    cJSON_ArrayForEach(row, a)
    {
        if (cJSON_IsNumber(row)) { /* a flat array: the same checks as the nested entries (fuzz_input_json) */
            if (!isfinite(row->valuedouble) || (ints && (row->valuedouble != floor(row->valuedouble) ||
                                                         fabs(row->valuedouble) >= 9007199254740992.0)))
                return zk_set_error(ZK_ERR_INPUT, "%s: \"%s\" entry %llu is not a%s number", path, key,
                                    (unsigned long long)cnt, ints ? "n integer" : " finite");
            cnt++;
            continue;
        }
        if (!cJSON_IsArray(row))
            return zk_set_error(ZK_ERR_INPUT, "%s: \"%s\" must be an array of arrays of numbers", path, key);
        cnt += (uint64_t)cJSON_GetArraySize(row);
    }
    if (cnt == 0 || cnt > ((uint64_t)1 << 26))
        return zk_set_error(ZK_ERR_INPUT, "%s: \"%s\" holds %llu numbers (1..2^26 allowed)", path, key,
                            (unsigned long long)cnt);
    double *v = malloc(cnt * sizeof *v);
    if (!v)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    uint64_t k = 0, r = 0;
    cJSON_ArrayForEach(row, a)
    {
        if (cJSON_IsNumber(row)) {
            v[k++] = row->valuedouble;
        } else {
            uint64_t j = 0;
            cJSON_ArrayForEach(x, row)
            {
                if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble) ||
                    (ints && (x->valuedouble != floor(x->valuedouble) || fabs(x->valuedouble) >= 9007199254740992.0))) {
                    free(v);
                    return zk_set_error(ZK_ERR_INPUT, "%s: \"%s\" row %llu entry %llu is not a%s number", path, key,
                                        (unsigned long long)r, (unsigned long long)j, ints ? "n integer" : " finite");
                }
                v[k++] = x->valuedouble;
                j++;
            }
        }
        r++;
    }
    *vals = v;
    *n = cnt;
    return ZK_OK;
}

int zk_infer_input_load(const char *path, uint64_t input_size, uint32_t scale, unsigned bound_bits, int64_t **in,
                        uint32_t *batch)
{
    *in = NULL;
    *batch = 0;
    cJSON *root;
    int st = load_json(path, &root);
    if (st != ZK_OK)
        return st;
    const cJSON *fixed = cJSON_GetObjectItemCaseSensitive(root, "input_fixed");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "input_data");
    double *v = NULL;
    uint64_t n = 0;
    if (fixed)
        st = flatten(path, "input_fixed", fixed, 1, &v, &n);
    else if (data)
        st = flatten(path, "input_data", data, 0, &v, &n);
    else
        st = zk_set_error(ZK_ERR_INPUT, "%s: no \"input_data\" array", path);
    cJSON_Delete(root);
    if (st != ZK_OK)
        return st;
    if (input_size == 0 || n % input_size != 0 || n / input_size > ZK_INFER_MAX_BATCH) {
        free(v);
        return zk_set_error(ZK_ERR_INPUT, "%s: %llu input values are not a batch of examples of %llu values", path,
                            (unsigned long long)n, (unsigned long long)input_size);
    }
    int64_t *q = malloc(n * sizeof *q);
    if (!q) {
        free(v);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    double lim = ldexp(1.0, (int)bound_bits - 1);
    for (uint64_t k = 0; k < n; k++) {
        double x = fixed ? v[k] : ldexp(v[k], (int)scale);
        if (!(fabs(x) < lim)) {
            free(q);
            int e = zk_set_error(ZK_ERR_RANGE, "%s: input value %llu (%g) is outside the model's input range", path,
                                 (unsigned long long)k, v[k]); /* v[k] read before free(v) (fuzz_input_json) */
            free(v);
            return e;
        }
        q[k] = (int64_t)llround(x); /* half away from zero */
    }
    free(v);
    *in = q;
    *batch = (uint32_t)(n / input_size);
    return ZK_OK;
}

char *zk_infer_output_json(const int64_t *out, uint32_t batch, uint64_t output_size, uint32_t scale,
                           const zk_infer_info *info)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *od = cJSON_AddArrayToObject(root, "output_data");
    cJSON *of = cJSON_AddArrayToObject(root, "output_fixed");
    int ok = root && od && of;
    for (uint32_t i = 0; ok && i < batch; i++) {
        cJSON *r1 = cJSON_CreateArray(), *r2 = cJSON_CreateArray();
        ok = r1 && r2;
        for (uint64_t k = 0; ok && k < output_size; k++) {
            int64_t y = out[(uint64_t)i * output_size + k];
            cJSON *a = cJSON_CreateNumber(ldexp((double)y, -(int)scale));
            cJSON *b = cJSON_CreateNumber((double)y);
            ok = a && b;
            if (a)
                cJSON_AddItemToArray(r1, a);
            if (b)
                cJSON_AddItemToArray(r2, b);
        }
        if (r1)
            cJSON_AddItemToArray(od, r1);
        if (r2)
            cJSON_AddItemToArray(of, r2);
    }
    if (ok)
        ok = cJSON_AddNumberToObject(root, "scale", scale) != NULL;
    if (ok && info) {
        char hex[65];
        zk_digest_hex(hex, info->model_id);
        ok = cJSON_AddStringToObject(root, "model_commitment", hex) != NULL;
        if (ok && info->private_input) {
            zk_digest_hex(hex, info->input_com_id);
            ok = cJSON_AddStringToObject(root, "input_commitment", hex) != NULL;
        }
    }
    char *s = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    return s;
}

static int get_hex(const char *path, const cJSON *root, const char *key, char out[65])
{
    out[0] = 0;
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(root, key);
    if (!h)
        return ZK_OK;
    if (!cJSON_IsString(h) || strlen(h->valuestring) != 64 || strspn(h->valuestring, "0123456789abcdef") != 64)
        return zk_set_error(ZK_ERR_INPUT, "%s: \"%s\" must be 64 lowercase hex digits", path, key);
    memcpy(out, h->valuestring, 65);
    return ZK_OK;
}

int zk_infer_output_load(const char *path, uint64_t output_size, uint32_t scale, int64_t **out, uint32_t *batch,
                         char model_id_hex[65], char input_id_hex[65])
{
    *out = NULL;
    *batch = 0;
    cJSON *root;
    int st = load_json(path, &root);
    if (st != ZK_OK)
        return st;
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(root, "scale");
    const cJSON *of = cJSON_GetObjectItemCaseSensitive(root, "output_fixed");
    const cJSON *od = cJSON_GetObjectItemCaseSensitive(root, "output_data");
    double *fv = NULL, *dv = NULL;
    uint64_t nf = 0, nd = 0;
    if (!cJSON_IsNumber(sc) || sc->valuedouble != (double)scale)
        st = zk_set_error(ZK_ERR_INPUT, "%s: \"scale\" must be the model's output scale %u", path, scale);
    else if (!of)
        st = zk_set_error(ZK_ERR_INPUT, "%s: no \"output_fixed\" array (the exact claimed outputs)", path);
    if (st == ZK_OK)
        st = flatten(path, "output_fixed", of, 1, &fv, &nf);
    if (st == ZK_OK && od)
        st = flatten(path, "output_data", od, 0, &dv, &nd);
    if (st == ZK_OK && od && nd != nf)
        st = zk_set_error(ZK_ERR_INPUT, "%s: output_data and output_fixed differ in length", path);
    if (st == ZK_OK && (nf % output_size != 0 || nf / output_size > ZK_INFER_MAX_BATCH))
        st = zk_set_error(ZK_ERR_INPUT, "%s: %llu output values are not a batch of outputs of %llu values", path,
                          (unsigned long long)nf, (unsigned long long)output_size);
    for (uint64_t k = 0; st == ZK_OK && od && k < nf; k++) {
        double want = ldexp(fv[k], -(int)scale);
        if (fabs(dv[k] - want) > 1e-6 * fmax(1.0, fabs(want)))
            st = zk_set_error(ZK_ERR_INPUT, "%s: output_data[%llu] = %g does not equal output_fixed / 2^%u = %g",
                              path, (unsigned long long)k, dv[k], scale, want);
    }
    if (st == ZK_OK)
        st = get_hex(path, root, "model_commitment", model_id_hex);
    if (st == ZK_OK)
        st = get_hex(path, root, "input_commitment", input_id_hex);
    int64_t *q = NULL;
    if (st == ZK_OK && !(q = malloc(nf * sizeof *q)))
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (st == ZK_OK) {
        for (uint64_t k = 0; k < nf; k++)
            q[k] = (int64_t)fv[k];
        *out = q;
        *batch = (uint32_t)(nf / output_size);
    }
    free(fv);
    free(dv);
    cJSON_Delete(root);
    return st;
}
