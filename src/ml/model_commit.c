/* model_commit.c — the model commitment (hiding WHIR commitment of the
 * weight vector + the public architecture), model.com / model.zkm files,
 * opening budget and commitment id. Layout: docs/model.md. */
#include <stdlib.h>
#include <string.h>

#include "zkmlops/dataset.h"
#include "zkmlops/model.h"

_Static_assert(ZK_MODEL_DEFAULT_OPENINGS == ZK_DATASET_OPENING_BUDGET,
               "model and dataset commitments share the default opening budget (model.h)");

#define COM_MAGIC "ZKMLCOM"
#define ZKM_MAGIC "ZKMLZKM"
#define FILE_VERSION 2u /* 2: records the opening budget (1: fixed 256, no field) */
#define KIND_MODEL 2u
#define MODEL_FILE_MAX ((size_t)1 << 32)
#define ARCH_MAX ((uint64_t)64 << 20)

/* The least k with 2^k >= n_params + 3 * openings + 16 (n_params <= 2^62). */
static uint32_t log_len_for(uint64_t n_params, uint32_t openings)
{
    uint64_t need = n_params + ZK_MODEL_BLIND_FOR(openings);
    uint32_t k = 1;
    while (k < 63 && ((uint64_t)1 << k) < need)
        k++;
    return k;
}

int zk_model_commit(zk_model_private *out, const zk_model *m)
{
    return zk_model_commit_budget(out, m, ZK_MODEL_DEFAULT_OPENINGS);
}

int zk_model_commit_budget(zk_model_private *out, const zk_model *m, uint32_t openings)
{
    memset(out, 0, sizeof *out);
    if (openings < 1 || openings > ZK_MODEL_MAX_OPENINGS)
        return zk_set_error(ZK_ERR_INPUT, "model opening budget %u outside 1..%u", openings, ZK_MODEL_MAX_OPENINGS);
    int st = zk_model_validate(m, 1);
    if (st != ZK_OK)
        return st;
    uint64_t n = zk_model_n_params(m);
    uint32_t log_len = log_len_for(n, openings);
    if (log_len > ZK_WHIR_MAX_VARS - 1)
        return zk_set_error(ZK_ERR_INPUT, "model too large to commit (2^%u entries)", log_len);
    size_t total = (size_t)1 << log_len;
    gl_t *evals = malloc(total * sizeof *evals);
    if (!evals)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory for a 2^%u weight vector", log_len);
    /* Blinding entries: uniform field elements (OS CSPRNG, rejection sampling). */
    zk_random_bytes(evals, total * sizeof *evals);
    for (size_t i = 0; i < total; i++)
        while (evals[i] >= GL_P)
            zk_random_bytes(&evals[i], sizeof evals[i]);
    size_t off = 0;
    for (uint32_t t = 0; t < m->n_tensors; t++) {
        const zk_tensor *T = &m->tensors[t];
        if (!T->is_param)
            continue;
        uint64_t k = zk_tensor_numel(T);
        for (uint64_t i = 0; i < k; i++)
            evals[off + i] = gl_from_i64(T->qdata[i]);
        off += (size_t)k;
    }
    zk_whir_params params;
    if ((st = zk_whir_params_derive_budget(&params, log_len, openings)) != ZK_OK)
        goto fail;
    if ((st = zk_model_copy(&out->com.arch, m, 0)) != ZK_OK || (st = zk_model_copy(&out->model, m, 1)) != ZK_OK)
        goto fail;
    out->com.n_params = n;
    out->com.log_len = log_len;
    out->com.opening_budget = openings;
    if ((st = zk_whir_commit(&params, evals, NULL, &out->com.whir, &out->wit)) != ZK_OK)
        goto fail;
    out->openings_used = 0;
    memset(evals, 0, total * sizeof *evals);
    free(evals);
    return ZK_OK;
fail:
    memset(evals, 0, total * sizeof *evals);
    free(evals);
    zk_model_private_free(out);
    return st;
}

uint64_t zk_model_openings_left(const zk_model_private *p)
{
    uint64_t budget = p->com.opening_budget;
    uint64_t whir_budget = zk_whir_hiding_opening_budget(&p->com.whir.params);
    if (whir_budget < budget)
        budget = whir_budget;
    uint64_t blind = ((uint64_t)1 << p->com.log_len) - p->com.n_params;
    uint64_t zk_budget = blind >= ZK_MODEL_BLIND_MARGIN ? (blind - ZK_MODEL_BLIND_MARGIN) / 3 : 0;
    if (zk_budget < budget)
        budget = zk_budget;
    return p->openings_used >= budget ? 0 : budget - p->openings_used;
}

int zk_model_reserve_opening(zk_model_private *p)
{
    if (zk_model_openings_left(p) == 0)
        return zk_set_error(ZK_ERR_RANGE, "the model commitment's %u zero-knowledge openings are used up; "
                            "recommit the model", p->openings_used);
    p->openings_used++;
    return ZK_OK;
}

void zk_model_commitment_free(zk_model_commitment *c)
{
    if (!c)
        return;
    zk_model_free(&c->arch);
    memset(c, 0, sizeof *c);
}

void zk_model_private_free(zk_model_private *p)
{
    if (!p)
        return;
    zk_model_commitment_free(&p->com);
    zk_model_free(&p->model);
    zk_whir_witness_free(&p->wit);
    memset(p, 0, sizeof *p);
}

static void write_header(zk_wbuf *w, const char *magic)
{
    zk_wbuf_put(w, magic, 8); /* 7 chars + NUL */
    zk_wbuf_u32(w, FILE_VERSION | (KIND_MODEL << 16));
    zk_wbuf_u32(w, 0);
}

static int read_header(zk_rbuf *r, const char *magic, const char *what)
{
    const uint8_t *mg = zk_rbuf_take(r, 8);
    if (!mg)
        return zk_set_error(ZK_ERR_INPUT, "truncated %s header", what);
    if (memcmp(mg, magic, 8) != 0)
        return zk_set_error(ZK_ERR_INPUT, "not a zkmlops %s file (bad magic)", what);
    uint32_t vk = zk_rbuf_u32(r);
    uint32_t reserved = zk_rbuf_u32(r);
    if (r->err)
        return zk_set_error(ZK_ERR_INPUT, "truncated %s header", what);
    if ((vk & 0xffff) == 1)
        return zk_set_error(ZK_ERR_INPUT, "%s format version 1 (before the opening budget was recorded) is no longer "
                            "read; recommit the model (zkmlops model commit, or retrain)", what);
    if ((vk & 0xffff) != FILE_VERSION)
        return zk_set_error(ZK_ERR_INPUT, "unsupported %s format version %u (this build reads %u)", what, vk & 0xffff,
                            FILE_VERSION);
    if ((vk >> 16) != KIND_MODEL)
        return zk_set_error(ZK_ERR_INPUT, "%s holds object kind %u, expected a model (%u)", what, vk >> 16, KIND_MODEL);
    if (reserved != 0)
        return zk_set_error(ZK_ERR_INPUT, "%s header: reserved field is not zero", what);
    return ZK_OK;
}

static void write_body(zk_wbuf *w, const zk_model_commitment *c)
{
    zk_wbuf a;
    zk_wbuf_init(&a);
    zk_model_arch_write(&a, &c->arch);
    if (a.oom)
        w->oom = 1;
    zk_wbuf_u64(w, a.len);
    zk_wbuf_put(w, a.data, a.len);
    zk_wbuf_free(&a);
    zk_wbuf_u64(w, c->n_params);
    zk_wbuf_u32(w, c->log_len);
    zk_wbuf_u32(w, c->opening_budget);
    zk_whir_commitment_write(w, &c->whir);
}

static int read_body(zk_rbuf *r, zk_model_commitment *c)
{
    memset(c, 0, sizeof *c);
    uint64_t alen = zk_rbuf_u64(r);
    if (r->err || alen > ARCH_MAX || alen > zk_rbuf_left(r))
        return zk_set_error(ZK_ERR_INPUT, "model architecture length is invalid or exceeds the file");
    zk_rbuf sub;
    zk_rbuf_init(&sub, zk_rbuf_take(r, (size_t)alen), (size_t)alen);
    int st = zk_model_arch_read(&sub, &c->arch);
    if (st != ZK_OK)
        return st;
    if (zk_rbuf_left(&sub) != 0)
        return zk_set_error(ZK_ERR_INPUT, "model architecture: %zu trailing bytes", zk_rbuf_left(&sub));
    c->n_params = zk_rbuf_u64(r);
    c->log_len = zk_rbuf_u32(r);
    c->opening_budget = zk_rbuf_u32(r);
    if (r->err)
        return zk_set_error(ZK_ERR_INPUT, "truncated model commitment");
    if (c->opening_budget < 1 || c->opening_budget > ZK_MODEL_MAX_OPENINGS)
        return zk_set_error(ZK_ERR_INPUT, "model commitment opening budget %u outside 1..%u", c->opening_budget,
                            ZK_MODEL_MAX_OPENINGS);
    if (c->n_params != zk_model_n_params(&c->arch) || c->log_len != log_len_for(c->n_params, c->opening_budget))
        return zk_set_error(ZK_ERR_INPUT,
                            "parameter count %llu / vector size 2^%u do not match the architecture and the opening "
                            "budget %u",
                            (unsigned long long)c->n_params, c->log_len, c->opening_budget);
    if ((st = zk_whir_commitment_read(r, &c->whir)) != ZK_OK)
        return st;
    zk_whir_params expect;
    if (c->whir.params.n_vars != c->log_len || !c->whir.params.hiding ||
        zk_whir_params_derive_budget(&expect, c->log_len, c->opening_budget) != ZK_OK ||
        !zk_whir_params_equal(&expect, &c->whir.params))
        return zk_set_error(ZK_ERR_INPUT, "model commitment's WHIR parameters are not the standard set for 2^%u "
                            "entries and %u openings", c->log_len, c->opening_budget);
    return ZK_OK;
}

void zk_model_commitment_write(zk_wbuf *w, const zk_model_commitment *c)
{
    write_header(w, COM_MAGIC);
    write_body(w, c);
}

int zk_model_commitment_read(zk_rbuf *r, zk_model_commitment *c)
{
    memset(c, 0, sizeof *c);
    int st = read_header(r, COM_MAGIC, "model commitment");
    if (st == ZK_OK)
        st = read_body(r, c);
    if (st == ZK_OK && zk_rbuf_left(r) != 0)
        st = zk_set_error(ZK_ERR_INPUT, "%zu trailing bytes after the model commitment", zk_rbuf_left(r));
    if (st != ZK_OK)
        zk_model_commitment_free(c);
    return st;
}

int zk_model_commitment_id(uint8_t id[ZK_HASH_BYTES], const zk_model_commitment *c)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_model_commitment_write(&w, c);
    int st = w.oom ? zk_set_error(ZK_ERR_NOMEM, "out of memory") : ZK_OK;
    if (st == ZK_OK)
        zk_sha256(id, w.data, w.len);
    zk_wbuf_free(&w);
    return st;
}

void zk_model_private_write(zk_wbuf *w, const zk_model_private *p)
{
    write_header(w, ZKM_MAGIC);
    write_body(w, &p->com);
    zk_wbuf_u32(w, p->openings_used);
    zk_whir_witness_write(w, &p->wit);
    /* Float parameter values (optional, for reports). */
    for (uint32_t t = 0; t < p->model.n_tensors; t++) {
        const zk_tensor *T = &p->model.tensors[t];
        if (!T->is_param)
            continue;
        zk_wbuf_u8(w, T->fdata != NULL);
        if (T->fdata) {
            uint64_t n = zk_tensor_numel(T);
            for (uint64_t i = 0; i < n; i++) {
                uint32_t u;
                memcpy(&u, &T->fdata[i], 4);
                zk_wbuf_u32(w, u);
            }
        }
    }
}

int zk_model_private_read(zk_rbuf *r, zk_model_private *p)
{
    memset(p, 0, sizeof *p);
    int st = read_header(r, ZKM_MAGIC, "private model");
    if (st == ZK_OK)
        st = read_body(r, &p->com);
    if (st == ZK_OK) {
        p->openings_used = zk_rbuf_u32(r);
        if (r->err)
            st = zk_set_error(ZK_ERR_INPUT, "truncated private model (opening counter)");
    }
    zk_whir_commitment recomputed;
    if (st == ZK_OK)
        st = zk_whir_witness_read(r, &p->wit, &recomputed);
    if (st == ZK_OK && (memcmp(recomputed.root.h, p->com.whir.root.h, ZK_HASH_BYTES) != 0 ||
                        !zk_whir_params_equal(&recomputed.params, &p->com.whir.params)))
        st = zk_set_error(ZK_ERR_INPUT, "private model does not match its recorded commitment");
    if (st == ZK_OK)
        st = zk_model_copy(&p->model, &p->com.arch, 0);
    size_t off = 0;
    for (uint32_t t = 0; st == ZK_OK && t < p->model.n_tensors; t++) {
        zk_tensor *T = &p->model.tensors[t];
        if (!T->is_param)
            continue;
        uint64_t n = zk_tensor_numel(T);
        if (!(T->qdata = malloc((size_t)(n ? n : 1) * sizeof *T->qdata))) {
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
            break;
        }
        for (uint64_t i = 0; i < n; i++)
            T->qdata[i] = gl_to_i64(p->wit.evals[off + i]);
        off += (size_t)n;
        uint8_t has_f = zk_rbuf_u8(r);
        if (r->err || has_f > 1) {
            st = zk_set_error(ZK_ERR_INPUT, "truncated or malformed float parameters");
            break;
        }
        if (has_f) {
            if (n * 4 > zk_rbuf_left(r)) {
                st = zk_set_error(ZK_ERR_INPUT, "truncated float parameters");
                break;
            }
            if (!(T->fdata = malloc((size_t)n * sizeof *T->fdata))) {
                st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
                break;
            }
            for (uint64_t i = 0; i < n; i++) {
                uint32_t u = zk_rbuf_u32(r);
                memcpy(&T->fdata[i], &u, 4);
            }
        }
    }
    if (st == ZK_OK)
        st = zk_model_validate(&p->model, 1);
    if (st == ZK_OK && zk_rbuf_left(r) != 0)
        st = zk_set_error(ZK_ERR_INPUT, "%zu trailing bytes", zk_rbuf_left(r));
    if (st != ZK_OK)
        zk_model_private_free(p);
    return st;
}

int zk_model_commitment_load(const char *path, zk_model_commitment *c)
{
    uint8_t *data;
    size_t len;
    memset(c, 0, sizeof *c);
    int st = zk_read_file(path, MODEL_FILE_MAX, &data, &len);
    if (st != ZK_OK)
        return st;
    zk_rbuf r;
    zk_rbuf_init(&r, data, len);
    st = zk_model_commitment_read(&r, c);
    free(data);
    return st == ZK_OK ? st : (int)zk_error_prefix((zk_status)st, path);
}

int zk_model_private_load(const char *path, zk_model_private *p)
{
    uint8_t *data;
    size_t len;
    memset(p, 0, sizeof *p);
    int st = zk_read_file(path, MODEL_FILE_MAX, &data, &len);
    if (st != ZK_OK)
        return st;
    zk_rbuf r;
    zk_rbuf_init(&r, data, len);
    st = zk_model_private_read(&r, p);
    memset(data, 0, len);
    free(data);
    return st == ZK_OK ? st : (int)zk_error_prefix((zk_status)st, path);
}

int zk_model_private_save(const char *zkm_path, const char *com_path, const zk_model_private *p)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    int st = ZK_OK;
    if (com_path) {
        zk_model_commitment_write(&w, &p->com);
        st = w.oom ? (int)zk_set_error(ZK_ERR_NOMEM, "out of memory") : zk_write_file_atomic(com_path, w.data, w.len);
        zk_wbuf_free(&w);
        zk_wbuf_init(&w);
    }
    if (st == ZK_OK && zkm_path) {
        zk_model_private_write(&w, p);
        st = w.oom ? (int)zk_set_error(ZK_ERR_NOMEM, "out of memory") : zk_write_file_atomic(zkm_path, w.data, w.len);
    }
    if (w.data)
        memset(w.data, 0, w.len);
    zk_wbuf_free(&w);
    return st;
}
