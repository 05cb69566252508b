/* Dataset commitment: blinded fixed-point table -> hiding WHIR commitment; .com / .zkd files. */
#include <stdlib.h>
#include <string.h>

#include "zkmlops/dataset.h"
#include "zkmlops/limits.h"
#include "zkmlops/range.h"

#define COM_MAGIC "ZKMLCOM"
#define ZKD_MAGIC "ZKMLZKD"
#define FILE_VERSION 1
#define KIND_DATASET 1
#define DATASET_FILE_MAX ((size_t)1 << 34)
#define RANGE_PROOF_MAX ((size_t)64 << 20)

static unsigned ceil_log2_u64(uint64_t x)
{
    unsigned l = 0;
    while (((uint64_t)1 << l) < x)
        l++;
    return l;
}

void zk_dataset_layout(uint32_t n_rows, uint32_t n_cols, uint32_t *log_rows, uint32_t *log_cols)
{
    unsigned lc = ceil_log2_u64(n_cols);
    unsigned lr = ceil_log2_u64((uint64_t)n_rows + ZK_DATASET_MIN_BLIND_ROWS);
    while (((uint64_t)1 << (lr + lc)) - (uint64_t)n_rows * n_cols < ZK_DATASET_MIN_BLIND_ENTRIES)
        lr++;
    *log_rows = lr;
    *log_cols = lc;
}

uint64_t zk_dataset_openings_left(const zk_dataset_private *p)
{
    const zk_dataset_meta *m = &p->com.meta;
    uint64_t budget = zk_whir_hiding_opening_budget(&p->com.whir.params);
    uint64_t blind = ((uint64_t)1 << (m->log_rows + m->log_cols)) - (uint64_t)m->n_rows * m->n_cols;
    uint64_t by_blind = blind > ZK_DATASET_BLIND_MARGIN ? (blind - ZK_DATASET_BLIND_MARGIN) / 3 : 0;
    if (by_blind < budget)
        budget = by_blind;
    return p->openings_used >= budget ? 0 : budget - p->openings_used;
}

int zk_dataset_reserve_opening(zk_dataset_private *p)
{
    if (zk_dataset_openings_left(p) == 0)
        return zk_set_error(ZK_ERR_RANGE,
                            "this dataset commitment has used all %u of its zero-knowledge openings; "
                            "commit the data again (fresh randomness) to make further proofs",
                            p->openings_used);
    p->openings_used++;
    return ZK_OK;
}

int64_t zk_dataset_private_value(const zk_dataset_private *p, uint32_t row, uint32_t col)
{
    size_t idx = (size_t)row + ((size_t)col << p->com.meta.log_rows);
    return gl_to_i64(p->wit.evals[idx]);
}

static int meta_copy(zk_dataset_meta *dst, const zk_dataset_meta *src)
{
    *dst = *src;
    dst->col_names = calloc(src->n_cols, sizeof(char *));
    if (!dst->col_names)
        return -1;
    for (uint32_t j = 0; j < src->n_cols; j++)
        if (!(dst->col_names[j] = strdup(src->col_names[j])))
            return -1;
    return 0;
}

unsigned zk_dataset_bits_needed(const zk_dataset *ds)
{
    const zk_dataset_meta *m = &ds->meta;
    unsigned b = 1;
    for (size_t i = 0; i < (size_t)m->n_rows * m->n_cols; i++) {
        int64_t v = ds->values[i];
        while (b < 63 && (v < -((int64_t)1 << (b - 1)) || v >= ((int64_t)1 << (b - 1))))
            b++;
    }
    return b;
}

static int attach_range_proof(zk_dataset_private *out, const zk_dataset *ds, unsigned bits)
{
    unsigned need = zk_dataset_bits_needed(ds);
    if (bits == 0) {
        unsigned stats_bits = zk_range_max_bits_for_stats(ds->meta.n_rows);
        bits = need <= stats_bits ? stats_bits : need;
    }
    if (need > ZK_RANGE_MAX_BITS)
        return zk_set_error(ZK_ERR_RANGE,
                            "the data needs %u-bit values at scale 2^%u, the range proof supports at "
                            "most %u bits; commit with a smaller --scale-bits",
                            need, ds->meta.scale_bits, ZK_RANGE_MAX_BITS);
    if (bits < need || bits > ZK_RANGE_MAX_BITS)
        return zk_set_error(ZK_ERR_RANGE, "range of %u bits requested, the data needs %u (at most %u)",
                            bits, need, ZK_RANGE_MAX_BITS);
    zk_wbuf w;
    zk_wbuf_init(&w);
    int st = zk_range_prove(out, bits, &w);
    if (st == ZK_OK && w.oom)
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (st != ZK_OK) {
        zk_wbuf_free(&w);
        return st;
    }
    out->com.range_bits = bits;
    out->com.range_proof = w.data; /* take ownership */
    out->com.range_proof_len = w.len;
    return ZK_OK;
}

int zk_dataset_commit(zk_dataset_private *out, const zk_dataset *ds, unsigned range_bits)
{
    memset(out, 0, sizeof *out);
    const zk_dataset_meta *m = &ds->meta;
    uint32_t want_lr, want_lc;
    zk_dataset_layout(m->n_rows, m->n_cols, &want_lr, &want_lc);
    if (m->log_rows != want_lr || m->log_cols != want_lc)
        return zk_set_error(ZK_ERR_INPUT, "table layout 2^%u x 2^%u is not the layout of %u rows x %u columns "
                            "(2^%u x 2^%u: zk_dataset_layout)", m->log_rows, m->log_cols, m->n_rows, m->n_cols,
                            want_lr, want_lc);
    uint32_t n_vars = m->log_rows + m->log_cols;
    if (n_vars > ZK_WHIR_MAX_VARS - 1)
        return zk_set_error(ZK_ERR_RANGE, "dataset too large to commit (2^%u cells)", n_vars);
    size_t total = (size_t)1 << n_vars;
    gl_t *evals = malloc(total * sizeof *evals);
    if (!evals)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory for a 2^%u table", n_vars);
    /* Blinding entries: uniform field elements from the OS CSPRNG (rejection sampling). */
    zk_random_bytes(evals, total * sizeof *evals);
    for (size_t i = 0; i < total; i++)
        while (evals[i] >= GL_P)
            zk_random_bytes(&evals[i], sizeof evals[i]);
    for (uint32_t i = 0; i < m->n_rows; i++)
        for (uint32_t j = 0; j < m->n_cols; j++)
            evals[(size_t)i + ((size_t)j << m->log_rows)] = gl_from_i64(ds->values[(size_t)i * m->n_cols + j]);
    int st = ZK_OK;
    zk_whir_params params;
    if ((st = zk_whir_params_derive_budget(&params, n_vars, ZK_DATASET_OPENING_BUDGET)) != ZK_OK)
        goto fail;
    if (meta_copy(&out->com.meta, m) != 0) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((st = zk_whir_commit(&params, evals, NULL, &out->com.whir, &out->wit)) != ZK_OK)
        goto fail;
    out->openings_used = 1; /* the range proof below opens the commitment once */
    if ((st = attach_range_proof(out, ds, range_bits)) != ZK_OK)
        goto fail;
    memset(evals, 0, total * sizeof *evals);
    free(evals);
    return ZK_OK;
fail:
    memset(evals, 0, total * sizeof *evals);
    free(evals);
    zk_dataset_private_free(out);
    return st;
}

void zk_dataset_commitment_free(zk_dataset_commitment *c)
{
    zk_dataset_meta_free(&c->meta);
    free(c->range_proof);
    c->range_proof = NULL;
    c->range_proof_len = 0;
}

void zk_dataset_private_free(zk_dataset_private *p)
{
    zk_dataset_commitment_free(&p->com);
    zk_whir_witness_free(&p->wit);
}

static void write_header(zk_wbuf *w, const char *magic)
{
    zk_wbuf_put(w, magic, 8); /* 7 chars + NUL */
    uint8_t v[4] = {FILE_VERSION & 0xff, FILE_VERSION >> 8, KIND_DATASET & 0xff, KIND_DATASET >> 8};
    zk_wbuf_put(w, v, 4);
    zk_wbuf_u32(w, 0);
}

static int read_header(zk_rbuf *r, const char *magic, const char *what)
{
    const uint8_t *m = zk_rbuf_take(r, 8);
    if (!m)
        return zk_set_error(ZK_ERR_INPUT, "truncated %s header", what);
    if (memcmp(m, magic, 8) != 0)
        return zk_set_error(ZK_ERR_INPUT, "not a zkmlops %s file (bad magic)", what);
    uint32_t vk = zk_rbuf_u32(r);
    uint32_t reserved = zk_rbuf_u32(r);
    if (r->err)
        return zk_set_error(ZK_ERR_INPUT, "truncated %s header", what);
    if ((vk & 0xffff) != FILE_VERSION)
        return zk_set_error(ZK_ERR_INPUT, "unsupported %s format version %u (this build reads %u)",
                            what, vk & 0xffff, FILE_VERSION);
    if ((vk >> 16) != KIND_DATASET)
        return zk_set_error(ZK_ERR_INPUT, "%s holds object kind %u, expected a dataset (%u)", what,
                            vk >> 16, KIND_DATASET);
    if (reserved != 0)
        return zk_set_error(ZK_ERR_INPUT, "%s header: reserved field is not zero", what);
    return ZK_OK;
}

static void write_body(zk_wbuf *w, const zk_dataset_commitment *c)
{
    const zk_dataset_meta *m = &c->meta;
    zk_wbuf_u32(w, m->n_rows);
    zk_wbuf_u32(w, m->n_cols);
    zk_wbuf_u32(w, m->log_rows);
    zk_wbuf_u32(w, m->log_cols);
    zk_wbuf_u32(w, m->scale_bits);
    for (uint32_t j = 0; j < m->n_cols; j++) {
        uint32_t l = (uint32_t)strlen(m->col_names[j]);
        zk_wbuf_u32(w, l);
        zk_wbuf_put(w, m->col_names[j], l);
    }
    zk_whir_commitment_write(w, &c->whir);
}

static int read_body(zk_rbuf *r, zk_dataset_commitment *c)
{
    memset(c, 0, sizeof *c);
    zk_dataset_meta *m = &c->meta;
    m->n_rows = zk_rbuf_u32(r);
    uint32_t n_cols = zk_rbuf_u32(r);
    m->log_rows = zk_rbuf_u32(r);
    m->log_cols = zk_rbuf_u32(r);
    m->scale_bits = zk_rbuf_u32(r);
    if (r->err)
        return zk_set_error(ZK_ERR_INPUT, "truncated dataset description");
    if (m->n_rows == 0 || m->n_rows > zk_limit(ZK_LIMIT_CSV_ROWS))
        return zk_set_error(ZK_ERR_INPUT, "row count %u outside 1..%llu (limit csv_rows)", m->n_rows,
                            (unsigned long long)zk_limit(ZK_LIMIT_CSV_ROWS));
    if (n_cols == 0 || n_cols > zk_limit(ZK_LIMIT_CSV_COLS))
        return zk_set_error(ZK_ERR_INPUT, "column count %u outside 1..%llu (limit csv_cols)", n_cols,
                            (unsigned long long)zk_limit(ZK_LIMIT_CSV_COLS));
    uint32_t want_lr, want_lc;
    zk_dataset_layout(m->n_rows, n_cols, &want_lr, &want_lc);
    if (m->log_rows != want_lr || m->log_cols != want_lc)
        return zk_set_error(ZK_ERR_INPUT, "table layout 2^%u x 2^%u does not match %u rows x %u columns",
                            m->log_rows, m->log_cols, m->n_rows, n_cols);
    if (m->scale_bits > ZK_DATASET_MAX_SCALE_BITS)
        return zk_set_error(ZK_ERR_INPUT, "scale 2^%u exceeds 2^%u", m->scale_bits, ZK_DATASET_MAX_SCALE_BITS);
    m->col_names = calloc(n_cols, sizeof(char *));
    if (!m->col_names)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    m->n_cols = n_cols;
    for (uint32_t j = 0; j < n_cols; j++) {
        uint32_t l = zk_rbuf_u32(r);
        if (r->err)
            return zk_set_error(ZK_ERR_INPUT, "truncated column names");
        if (l == 0 || l > ZK_DATASET_MAX_NAME)
            return zk_set_error(ZK_ERR_INPUT, "column %u: name length %u outside 1..%u", j + 1, l,
                                ZK_DATASET_MAX_NAME);
        const uint8_t *s = zk_rbuf_take(r, l);
        if (!s)
            return zk_set_error(ZK_ERR_INPUT, "truncated column names");
        if (memchr(s, 0, l))
            return zk_set_error(ZK_ERR_INPUT, "column %u: NUL byte in name", j + 1);
        if (!(m->col_names[j] = strndup((const char *)s, l)))
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    int st = zk_whir_commitment_read(r, &c->whir);
    if (st != ZK_OK)
        return st;
    if (c->whir.params.n_vars != m->log_rows + m->log_cols || !c->whir.params.hiding)
        return zk_set_error(ZK_ERR_INPUT, "commitment parameters do not match the table layout "
                                          "(or are not hiding)");
    zk_whir_params expect;
    if (zk_whir_params_derive_budget(&expect, c->whir.params.n_vars, ZK_DATASET_OPENING_BUDGET) != ZK_OK ||
        !zk_whir_params_equal(&expect, &c->whir.params))
        return zk_set_error(ZK_ERR_INPUT, "commitment uses a non-standard WHIR parameter set");
    return ZK_OK;
}

static void write_range(zk_wbuf *w, const zk_dataset_commitment *c)
{
    zk_wbuf_u32(w, c->range_bits);
    zk_wbuf_u64(w, c->range_proof_len);
    zk_wbuf_put(w, c->range_proof, c->range_proof_len);
}

static int read_range(zk_rbuf *r, zk_dataset_commitment *c)
{
    c->range_bits = zk_rbuf_u32(r);
    uint64_t len = zk_rbuf_u64(r);
    if (r->err)
        return zk_set_error(ZK_ERR_INPUT, "truncated range proof section");
    if (c->range_bits < 1 || c->range_bits > ZK_RANGE_MAX_BITS)
        return zk_set_error(ZK_ERR_INPUT, "range of %u bits outside 1..%u", c->range_bits, ZK_RANGE_MAX_BITS);
    if (len == 0 || len > RANGE_PROOF_MAX || len > zk_rbuf_left(r))
        return zk_set_error(ZK_ERR_INPUT, "range proof length %llu is invalid or exceeds the file",
                            (unsigned long long)len);
    c->range_proof = malloc((size_t)len);
    if (!c->range_proof)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    zk_rbuf_get(r, c->range_proof, (size_t)len);
    c->range_proof_len = (size_t)len;
    return ZK_OK;
}

void zk_dataset_commitment_write_core(zk_wbuf *w, const zk_dataset_commitment *c)
{
    write_header(w, COM_MAGIC);
    write_body(w, c);
}

void zk_dataset_commitment_write(zk_wbuf *w, const zk_dataset_commitment *c)
{
    zk_dataset_commitment_write_core(w, c);
    write_range(w, c);
}

int zk_dataset_commitment_id(uint8_t id[ZK_HASH_BYTES], const zk_dataset_commitment *c)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_dataset_commitment_write(&w, c);
    int st = w.oom ? zk_set_error(ZK_ERR_NOMEM, "out of memory") : ZK_OK;
    if (st == ZK_OK)
        zk_sha256(id, w.data, w.len);
    zk_wbuf_free(&w);
    return st;
}

int zk_dataset_commitment_check(const zk_dataset_commitment *c)
{
    int st = zk_range_verify(c, c->range_bits, c->range_proof, c->range_proof_len);
    return st == ZK_OK ? st : (int)zk_error_prefix((zk_status)st, "range proof of the commitment");
}

int zk_dataset_commitment_read(zk_rbuf *r, zk_dataset_commitment *c)
{
    memset(c, 0, sizeof *c);
    int st = read_header(r, COM_MAGIC, "commitment");
    if (st == ZK_OK)
        st = read_body(r, c);
    if (st == ZK_OK)
        st = read_range(r, c);
    if (st == ZK_OK && zk_rbuf_left(r) != 0)
        st = zk_set_error(ZK_ERR_INPUT, "%zu trailing bytes after the commitment", zk_rbuf_left(r));
    if (st != ZK_OK)
        zk_dataset_commitment_free(c);
    return st;
}

void zk_dataset_private_write(zk_wbuf *w, const zk_dataset_private *p)
{
    write_header(w, ZKD_MAGIC);
    write_body(w, &p->com);
    write_range(w, &p->com);
    zk_wbuf_u32(w, p->openings_used);
    zk_whir_witness_write(w, &p->wit);
}

int zk_dataset_private_read(zk_rbuf *r, zk_dataset_private *p)
{
    memset(p, 0, sizeof *p);
    int st = read_header(r, ZKD_MAGIC, "private dataset");
    if (st == ZK_OK)
        st = read_body(r, &p->com);
    if (st == ZK_OK)
        st = read_range(r, &p->com);
    if (st == ZK_OK) {
        p->openings_used = zk_rbuf_u32(r);
        if (r->err)
            st = zk_set_error(ZK_ERR_INPUT, "truncated private dataset (opening counter)");
    }
    zk_whir_commitment recomputed;
    if (st == ZK_OK)
        st = zk_whir_witness_read(r, &p->wit, &recomputed);
    if (st == ZK_OK && (memcmp(recomputed.root.h, p->com.whir.root.h, ZK_HASH_BYTES) != 0 ||
                        !zk_whir_params_equal(&recomputed.params, &p->com.whir.params)))
        st = zk_set_error(ZK_ERR_INPUT, "private data does not match its recorded commitment");
    if (st == ZK_OK && zk_rbuf_left(r) != 0)
        st = zk_set_error(ZK_ERR_INPUT, "%zu trailing bytes", zk_rbuf_left(r));
    if (st != ZK_OK)
        zk_dataset_private_free(p);
    return st;
}

int zk_dataset_commitment_load(const char *path, zk_dataset_commitment *c)
{
    uint8_t *data;
    size_t len;
    memset(c, 0, sizeof *c);
    int st = zk_read_file(path, DATASET_FILE_MAX, &data, &len);
    if (st != ZK_OK)
        return st;
    zk_rbuf r;
    zk_rbuf_init(&r, data, len);
    st = zk_dataset_commitment_read(&r, c);
    free(data);
    if (st == ZK_OK && (st = zk_dataset_commitment_check(c)) != ZK_OK)
        zk_dataset_commitment_free(c);
    return st == ZK_OK ? st : (int)zk_error_prefix((zk_status)st, path);
}

int zk_dataset_private_load(const char *path, zk_dataset_private *p)
{
    uint8_t *data;
    size_t len;
    memset(p, 0, sizeof *p);
    int st = zk_read_file(path, DATASET_FILE_MAX, &data, &len);
    if (st != ZK_OK)
        return st;
    zk_rbuf r;
    zk_rbuf_init(&r, data, len);
    st = zk_dataset_private_read(&r, p);
    memset(data, 0, len);
    free(data);
    return st == ZK_OK ? st : (int)zk_error_prefix((zk_status)st, path);
}

void zk_dataset_commitment_absorb(zk_transcript *t, const zk_dataset_commitment *c)
{
    const zk_dataset_meta *m = &c->meta;
    zk_transcript_absorb_u64(t, "ds-rows", m->n_rows);
    zk_transcript_absorb_u64(t, "ds-cols", m->n_cols);
    zk_transcript_absorb_u64(t, "ds-log-rows", m->log_rows);
    zk_transcript_absorb_u64(t, "ds-log-cols", m->log_cols);
    zk_transcript_absorb_u64(t, "ds-scale", m->scale_bits);
    for (uint32_t j = 0; j < m->n_cols; j++)
        zk_transcript_absorb(t, "ds-col-name", m->col_names[j], strlen(m->col_names[j]));
    zk_whir_commitment_absorb(t, &c->whir);
}
