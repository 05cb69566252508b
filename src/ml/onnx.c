/* ONNX import (onnx.h): protobuf-c decode of proto/onnx.proto, static shape
 * inference, constant handling, BatchNormalization folding, IR emission. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"
#include "zkmlops/buf.h"
#include "zkmlops/limits.h"
#include "zkmlops/onnx.h"

#define NONE UINT32_MAX

/* ---- budgeted allocator: protobuf-c allocations capped relative to the input ---- */
typedef struct {
    size_t used, budget;
} alloc_budget;

static void *budget_alloc(void *data, size_t size)
{
    alloc_budget *b = data;
    if (size > b->budget - b->used)
        return NULL;
    b->used += size;
    return malloc(size ? size : 1);
}

static void budget_free(void *data, void *p)
{
    (void)data;
    free(p);
}

/* ---- tensor data decoding ---- */
static int elem_size(int32_t dt)
{
    switch (dt) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
        return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64:
        return 8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16:
        return 2;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
        return 1;
    default:
        return 0;
    }
}

static const char *dtype_name(int32_t dt)
{
    static const char *const names[] = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16",
                                        "INT32", "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE",
                                        "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};
    return dt >= 0 && dt <= 16 ? names[dt] : "unknown";
}

static uint64_t le_bytes(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static double raw_elem(const uint8_t *p, int32_t dt)
{
    switch (dt) {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT: {
        uint32_t u = (uint32_t)le_bytes(p, 4);
        float f;
        memcpy(&f, &u, 4);
        return f;
    }
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE: {
        uint64_t u = le_bytes(p, 8);
        double d;
        memcpy(&d, &u, 8);
        return d;
    }
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
        return (double)(int32_t)(uint32_t)le_bytes(p, 4);
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT32:
        return (double)(uint32_t)le_bytes(p, 4);
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
        return (double)(int64_t)le_bytes(p, 8);
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT64:
        return (double)le_bytes(p, 8);
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT16:
        return (double)(int16_t)(uint16_t)le_bytes(p, 2);
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT16:
        return (double)(uint16_t)le_bytes(p, 2);
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
        return (double)(int8_t)p[0];
    default: /* UINT8, BOOL */
        return (double)p[0];
    }
}

/* Decode a TensorProto into doubles. Checks rank, dims and the data length
 * against the declared shape before allocating. Error text in err. */
static int decode_tensor(const Onnx__TensorProto *tp, uint32_t *rank, int64_t dims[ZK_MODEL_MAX_RANK],
                         double **out, uint64_t *numel, char *err, size_t errlen)
{
    *out = NULL;
    if (tp->n_dims > ZK_MODEL_MAX_RANK) {
        snprintf(err, errlen, "rank %zu exceeds %u", tp->n_dims, ZK_MODEL_MAX_RANK);
        return ZK_ERR_INPUT;
    }
    uint64_t n = 1, limit = zk_limit(ZK_LIMIT_MODEL_PARAMS);
    for (size_t d = 0; d < tp->n_dims; d++) {
        if (tp->dims[d] < 1 || tp->dims[d] > ((int64_t)1 << 24)) {
            snprintf(err, errlen, "dimension %zu = %lld outside 1..2^24", d, (long long)tp->dims[d]);
            return ZK_ERR_INPUT;
        }
        n *= (uint64_t)tp->dims[d];
        if (n > limit) {
            snprintf(err, errlen, "more than %llu elements (limit model_params)", (unsigned long long)limit);
            return ZK_ERR_NOMEM;
        }
    }
    memset(dims, 0, ZK_MODEL_MAX_RANK * sizeof dims[0]);
    for (size_t d = 0; d < tp->n_dims; d++)
        dims[d] = tp->dims[d];
    *rank = (uint32_t)tp->n_dims;
    *numel = n;
    if (tp->has_data_location && tp->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL) {
        snprintf(err, errlen, "external data is not supported (save the model with its weights inside)");
        return ZK_ERR_INPUT;
    }
    int32_t dt = tp->has_data_type ? tp->data_type : 0;
    int es = elem_size(dt);
    if (es == 0) {
        snprintf(err, errlen, "element type %s (%d) is not supported", dtype_name(dt), (int)dt);
        return ZK_ERR_INPUT;
    }
    size_t have;
    if (tp->has_raw_data)
        have = tp->raw_data.len / (size_t)es;
    else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
        have = tp->n_float_data;
    else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
        have = tp->n_double_data;
    else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
        have = tp->n_int64_data;
    else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__UINT32 || dt == ONNX__TENSOR_PROTO__DATA_TYPE__UINT64)
        have = tp->n_uint64_data;
    else
        have = tp->n_int32_data;
    if ((tp->has_raw_data && tp->raw_data.len % (size_t)es) || have != n) {
        snprintf(err, errlen, "%s data holds %zu%s elements, the shape needs %llu", dtype_name(dt), have,
                 tp->has_raw_data && tp->raw_data.len % (size_t)es ? "+" : "", (unsigned long long)n);
        return ZK_ERR_INPUT;
    }
    double *v = malloc((size_t)n * sizeof *v);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return ZK_ERR_NOMEM;
    }
    for (uint64_t i = 0; i < n; i++) {
        if (tp->has_raw_data)
            v[i] = raw_elem(tp->raw_data.data + i * (size_t)es, dt);
        else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
            v[i] = tp->float_data[i];
        else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
            v[i] = tp->double_data[i];
        else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
            v[i] = (double)tp->int64_data[i];
        else if (dt == ONNX__TENSOR_PROTO__DATA_TYPE__UINT32 || dt == ONNX__TENSOR_PROTO__DATA_TYPE__UINT64)
            v[i] = (double)tp->uint64_data[i];
        else
            v[i] = (double)tp->int32_data[i];
        if (!isfinite(v[i])) {
            snprintf(err, errlen, "element %llu is not finite", (unsigned long long)i);
            free(v);
            return ZK_ERR_INPUT;
        }
    }
    *out = v;
    return ZK_OK;
}

void zk_ftensor_free(zk_ftensor *t)
{
    if (!t)
        return;
    free(t->data);
    memset(t, 0, sizeof *t);
}

int zk_ftensor_load(zk_ftensor *t, const char *path)
{
    memset(t, 0, sizeof *t);
    uint8_t *buf = NULL;
    size_t len = 0;
    int st = zk_read_file(path, ZK_ONNX_MAX_FILE_BYTES, &buf, &len);
    if (st != ZK_OK)
        return st;
    alloc_budget bud = {0, ((size_t)16 << 20) + 4 * len};
    ProtobufCAllocator al = {budget_alloc, budget_free, &bud};
    Onnx__TensorProto *tp = onnx__tensor_proto__unpack(&al, len, buf);
    free(buf);
    if (!tp)
        return zk_set_error(ZK_ERR_INPUT, "%s: not a valid ONNX TensorProto (protobuf decoding failed)", path);
    char err[200];
    double *v = NULL;
    uint64_t n = 0;
    st = decode_tensor(tp, &t->rank, t->dims, &v, &n, err, sizeof err);
    if (st == ZK_OK) {
        snprintf(t->name, sizeof t->name, "%s", tp->name ? tp->name : "");
        t->n = n;
        t->data = malloc((size_t)n * sizeof *t->data);
        if (!t->data)
            st = zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", path);
        else
            for (uint64_t i = 0; i < n; i++)
                t->data[i] = (float)v[i];
    } else {
        zk_set_error(st, "%s: tensor: %s", path, err);
    }
    free(v);
    onnx__tensor_proto__free_unpacked(tp, &al);
    if (st != ZK_OK)
        zk_ftensor_free(t);
    return st;
}

/* ---- name maps: open addressing on FNV-1a hashes (lookups cost O(name length),
 * so a hostile graph cannot make name resolution quadratic) ---- */
typedef struct {
    const char **key;
    uint64_t *hash;
    uint32_t *val;
    uint32_t cap, n; /* cap: power of two, n < cap / 2 */
} nmap;

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 1099511628211ULL;
    return h;
}

static int nmap_init(nmap *m, uint64_t max_entries)
{
    uint64_t cap = 16;
    while (cap < 2 * max_entries + 2)
        cap *= 2;
    memset(m, 0, sizeof *m);
    m->key = calloc(cap, sizeof *m->key);
    m->hash = calloc(cap, sizeof *m->hash);
    m->val = calloc(cap, sizeof *m->val);
    m->cap = (uint32_t)cap;
    return m->key && m->hash && m->val ? ZK_OK : zk_set_error(ZK_ERR_NOMEM, "out of memory");
}

static void nmap_free(nmap *m)
{
    free(m->key);
    free(m->hash);
    free(m->val);
    memset(m, 0, sizeof *m);
}

/* Slot of name (its own, or the empty one where it would go). */
static uint32_t nmap_slot(const nmap *m, const char *name, uint64_t h)
{
    uint32_t i = (uint32_t)h & (m->cap - 1);
    while (m->key[i] && !(m->hash[i] == h && strcmp(m->key[i], name) == 0))
        i = (i + 1) & (m->cap - 1);
    return i;
}

static uint32_t nmap_get(const nmap *m, const char *name)
{
    if (!m->cap)
        return UINT32_MAX;
    uint32_t i = nmap_slot(m, name, fnv1a(name));
    return m->key[i] ? m->val[i] : UINT32_MAX;
}

/* Set name -> v (the caller sized the map for every insertion). */
static void nmap_put(nmap *m, const char *name, uint32_t v)
{
    uint64_t h = fnv1a(name);
    uint32_t i = nmap_slot(m, name, h);
    if (!m->key[i]) {
        if (2 * (m->n + 1) >= m->cap)
            return; /* cannot happen: sized for the maximum */
        m->key[i] = name;
        m->hash[i] = h;
        m->n++;
    }
    m->val[i] = v;
}

/* ---- import context ---- */
typedef struct {
    const char *name;   /* ONNX value name (points into the decoded message) */
    int is_const;       /* value known at import time */
    uint32_t rank;
    int64_t dims[ZK_MODEL_MAX_RANK];
    double *val;        /* constants: numel values; owned */
    uint32_t tidx;      /* IR tensor, NONE if not materialized */
    uint32_t uses;      /* number of node inputs / graph outputs reading it */
} ent;

typedef struct {
    ent *e;
    uint32_t n_e, cap_e;
    zk_tensor *t;
    uint32_t n_t, cap_t;
    zk_node *nd;
    uint32_t n_nd, cap_nd;
    int64_t opset;
    uint32_t pfx; /* 1: single_example (a leading batch dimension of 1 on every activation) */
    uint64_t n_params;
    nmap names;                 /* value name -> latest entity */
    nmap uses;                  /* value name -> references by node inputs and graph outputs */
    const Onnx__NodeProto *cur; /* node being imported (for messages) */
    char cur_name[ZK_MODEL_MAX_NAME];
} ctx;

static int node_fail(ctx *c, zk_status st, const char *fmt, ...) ZK_PRINTF(3, 4);
static int node_fail(ctx *c, zk_status st, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return zk_set_error(st, "node '%s' (%s, opset %lld): %s", c->cur_name, c->cur ? c->cur->op_type : "?",
                        (long long)c->opset, msg);
}

static uint64_t numel(uint32_t rank, const int64_t *dims)
{
    uint64_t n = 1;
    for (uint32_t d = 0; d < rank; d++)
        n *= (uint64_t)dims[d];
    return n;
}

static uint32_t find_ent(const ctx *c, const char *name)
{
    uint32_t v = nmap_get(&c->names, name);
    return v == UINT32_MAX ? NONE : v;
}

static int grow(void **p, uint32_t *cap, uint32_t need, size_t elem, uint32_t max)
{
    if (need <= *cap)
        return ZK_OK;
    if (need > max)
        return ZK_ERR_NOMEM;
    uint32_t nc = *cap ? *cap * 2 : 16;
    while (nc < need)
        nc *= 2;
    if (nc > max)
        nc = max;
    void *q = realloc(*p, (size_t)nc * elem);
    if (!q)
        return ZK_ERR_NOMEM;
    memset((char *)q + (size_t)*cap * elem, 0, (size_t)(nc - *cap) * elem);
    *p = q;
    *cap = nc;
    return ZK_OK;
}

static uint32_t add_ent(ctx *c, const char *name)
{
    if (grow((void **)&c->e, &c->cap_e, c->n_e + 1, sizeof *c->e, 4 * ZK_MODEL_MAX_TENSORS) != ZK_OK) {
        zk_set_error(ZK_ERR_NOMEM, "more than %u named values", 4 * ZK_MODEL_MAX_TENSORS);
        return NONE;
    }
    ent *e = &c->e[c->n_e];
    memset(e, 0, sizeof *e);
    e->name = name;
    e->tidx = NONE;
    uint32_t u = nmap_get(&c->uses, name);
    e->uses = u == UINT32_MAX ? 0 : u;
    nmap_put(&c->names, name, c->n_e);
    return c->n_e++;
}

static uint32_t add_tensor(ctx *c, const char *name, int is_param)
{
    if (grow((void **)&c->t, &c->cap_t, c->n_t + 1, sizeof *c->t, ZK_MODEL_MAX_TENSORS) != ZK_OK) {
        zk_set_error(ZK_ERR_NOMEM, "more than %u tensors (limit of model.h)", ZK_MODEL_MAX_TENSORS);
        return NONE;
    }
    zk_tensor *t = &c->t[c->n_t];
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->is_param = is_param;
    t->scale = ZK_MODEL_DEFAULT_SCALE;
    return c->n_t++;
}

/* IR tensor of an entity (materializes a constant as a parameter tensor). */
static uint32_t tensor_of(ctx *c, uint32_t ei)
{
    ent *e = &c->e[ei];
    if (e->tidx != NONE)
        return e->tidx;
    if (!e->is_const)
        return NONE;
    uint64_t n = numel(e->rank, e->dims);
    uint64_t limit = zk_limit(ZK_LIMIT_MODEL_PARAMS);
    if (c->n_params + n > limit) {
        zk_set_error(ZK_ERR_NOMEM, "more than %llu parameters (limit model_params)", (unsigned long long)limit);
        return NONE;
    }
    uint32_t ti = add_tensor(c, e->name, 1);
    if (ti == NONE)
        return NONE;
    zk_tensor *t = &c->t[ti];
    t->rank = e->rank;
    memcpy(t->dims, e->dims, sizeof t->dims);
    t->fdata = malloc((size_t)(n ? n : 1) * sizeof *t->fdata);
    if (!t->fdata) {
        zk_set_error(ZK_ERR_NOMEM, "out of memory");
        return NONE;
    }
    for (uint64_t i = 0; i < n; i++)
        t->fdata[i] = (float)e->val[i];
    c->n_params += n;
    e->tidx = ti;
    return ti;
}

/* A parameter tensor with no ONNX name of its own (folded/derived values);
 * takes ownership of v. Returns the IR tensor index or NONE. */
static uint32_t new_param(ctx *c, const char *name, uint32_t rank, const int64_t *dims, double *v)
{
    uint64_t n = numel(rank, dims);
    uint64_t limit = zk_limit(ZK_LIMIT_MODEL_PARAMS);
    uint32_t ti = NONE;
    if (c->n_params + n > limit)
        zk_set_error(ZK_ERR_NOMEM, "more than %llu parameters (limit model_params)", (unsigned long long)limit);
    else
        ti = add_tensor(c, name, 1);
    if (ti != NONE) {
        zk_tensor *t = &c->t[ti];
        t->rank = rank;
        memcpy(t->dims, dims, rank * sizeof dims[0]);
        t->fdata = malloc((size_t)(n ? n : 1) * sizeof *t->fdata);
        if (!t->fdata) {
            zk_set_error(ZK_ERR_NOMEM, "out of memory");
            ti = NONE;
        } else {
            for (uint64_t i = 0; i < n; i++)
                t->fdata[i] = (float)v[i];
            c->n_params += n;
        }
    }
    free(v);
    return ti;
}

/* New activation entity + IR tensor for a node output. */
static uint32_t add_act(ctx *c, const char *name, uint32_t rank, const int64_t *dims_in)
{
    int64_t dims[ZK_MODEL_MAX_RANK] = {0};
    memcpy(dims, dims_in, rank * sizeof dims[0]); /* dims_in may point into c->e (reallocated below) */
    uint64_t per_ex = 1;
    for (uint32_t d = 1; d < rank; d++) {
        if (dims[d] < 1 || dims[d] > ((int64_t)1 << 24)) {
            node_fail(c, ZK_ERR_INPUT, "output '%s' dimension %u = %lld outside 1..2^24", name, d, (long long)dims[d]);
            return NONE;
        }
        per_ex *= (uint64_t)dims[d];
        if (per_ex > ZK_ONNX_MAX_ACT_ELEMS) {
            node_fail(c, ZK_ERR_NOMEM, "output '%s' has more than 2^24 elements per example", name);
            return NONE;
        }
    }
    uint32_t ei = add_ent(c, name);
    if (ei == NONE)
        return NONE;
    uint32_t ti = add_tensor(c, name, 0);
    if (ti == NONE)
        return NONE;
    ent *e = &c->e[ei];
    e->rank = rank;
    memcpy(e->dims, dims, rank * sizeof dims[0]);
    e->tidx = ti;
    zk_tensor *t = &c->t[ti];
    t->rank = rank;
    memcpy(t->dims, dims, rank * sizeof dims[0]);
    return ei;
}

static zk_node *add_node(ctx *c, zk_op op)
{
    if (grow((void **)&c->nd, &c->cap_nd, c->n_nd + 1, sizeof *c->nd, ZK_MODEL_MAX_NODES) != ZK_OK) {
        zk_set_error(ZK_ERR_NOMEM, "more than %u nodes (limit of model.h)", ZK_MODEL_MAX_NODES);
        return NULL;
    }
    zk_node *nd = &c->nd[c->n_nd++];
    memset(nd, 0, sizeof *nd);
    nd->op = op;
    snprintf(nd->name, sizeof nd->name, "%s", c->cur_name);
    return nd;
}

/* ---- attributes ---- */
static const Onnx__AttributeProto *attr(const Onnx__NodeProto *n, const char *name)
{
    for (size_t i = 0; i < n->n_attribute; i++)
        if (n->attribute[i]->name && strcmp(n->attribute[i]->name, name) == 0)
            return n->attribute[i];
    return NULL;
}

static int64_t attr_int(const Onnx__NodeProto *n, const char *name, int64_t dflt)
{
    const Onnx__AttributeProto *a = attr(n, name);
    return a && a->has_i ? a->i : dflt;
}

static float attr_float(const Onnx__NodeProto *n, const char *name, float dflt)
{
    const Onnx__AttributeProto *a = attr(n, name);
    return a && a->has_f ? a->f : dflt;
}

/* ints attribute: count or -1 if absent. */
static int attr_ints(const Onnx__NodeProto *n, const char *name, int64_t *out, size_t max)
{
    const Onnx__AttributeProto *a = attr(n, name);
    if (!a)
        return -1;
    if (a->n_ints > max)
        return -2;
    for (size_t i = 0; i < a->n_ints; i++)
        out[i] = a->ints[i];
    return (int)a->n_ints;
}

static const char *attr_str(const Onnx__NodeProto *n, const char *name, char *buf, size_t len)
{
    const Onnx__AttributeProto *a = attr(n, name);
    if (!a || !a->has_s)
        return NULL;
    size_t k = a->s.len < len - 1 ? a->s.len : len - 1;
    memcpy(buf, a->s.data, k);
    buf[k] = 0;
    return buf;
}

/* ---- node inputs ---- */
/* Input i of the current node: entity index, or NONE (absent/empty); errors set. */
static int get_input(ctx *c, size_t i, uint32_t *ei)
{
    *ei = NONE;
    if (i >= c->cur->n_input || !c->cur->input[i] || !c->cur->input[i][0])
        return ZK_OK;
    uint32_t k = find_ent(c, c->cur->input[i]);
    if (k == NONE)
        return node_fail(c, ZK_ERR_INPUT, "input '%s' is not produced by any earlier node, initializer or graph input",
                         c->cur->input[i]);
    *ei = k;
    return ZK_OK;
}

static int need_inputs(ctx *c, size_t lo, size_t hi)
{
    if (c->cur->n_input < lo || c->cur->n_input > hi)
        return node_fail(c, ZK_ERR_INPUT, "%zu inputs (expected %zu..%zu)", c->cur->n_input, lo, hi);
    if (c->cur->n_output < 1 || !c->cur->output[0] || !c->cur->output[0][0])
        return node_fail(c, ZK_ERR_INPUT, "no output");
    return ZK_OK;
}

static const char *out_name(const ctx *c)
{
    return c->cur->output[0];
}

/* Normalize an axis against rank r (ONNX: negative counts from the end). */
static int norm_axis(ctx *c, int64_t axis, uint32_t r, int64_t *out)
{
    if (axis < -(int64_t)r || axis >= (int64_t)r)
        return node_fail(c, ZK_ERR_INPUT, "axis %lld out of range for rank %u", (long long)axis, r);
    *out = axis < 0 ? axis + r : axis;
    return ZK_OK;
}

static int emit1(ctx *c, zk_op op, uint32_t in_ei, uint32_t rank, const int64_t *dims, zk_node **out_nd)
{
    uint32_t ti = tensor_of(c, in_ei);
    if (ti == NONE)
        return ZK_ERR_NOMEM;
    uint32_t oe = add_act(c, out_name(c), rank, dims);
    if (oe == NONE)
        return ZK_ERR_INPUT;
    zk_node *nd = add_node(c, op);
    if (!nd)
        return ZK_ERR_NOMEM;
    nd->n_in = 1;
    nd->in[0] = ti;
    nd->n_out = 1;
    nd->out[0] = c->e[oe].tidx;
    if (out_nd)
        *out_nd = nd;
    return ZK_OK;
}

static int require_act(ctx *c, uint32_t ei, const char *what)
{
    if (ei == NONE)
        return node_fail(c, ZK_ERR_INPUT, "missing input %s", what);
    if (c->e[ei].is_const)
        return node_fail(c, ZK_ERR_INPUT, "input %s ('%s') is a constant; only computations on the model input are supported",
                         what, c->e[ei].name);
    return ZK_OK;
}

static int require_const(ctx *c, uint32_t ei, const char *what)
{
    if (ei == NONE)
        return node_fail(c, ZK_ERR_INPUT, "missing input %s", what);
    if (!c->e[ei].is_const)
        return node_fail(c, ZK_ERR_INPUT, "input %s ('%s') must be a constant (initializer or Constant)", what,
                         c->e[ei].name);
    return ZK_OK;
}

/* Add a constant entity (takes ownership of val). */
static uint32_t add_const(ctx *c, const char *name, uint32_t rank, const int64_t *dims_in, double *val)
{
    int64_t dims[ZK_MODEL_MAX_RANK] = {0};
    if (rank)
        memcpy(dims, dims_in, rank * sizeof dims[0]); /* dims_in may point into c->e */
    uint32_t ei = add_ent(c, name);
    if (ei == NONE) {
        free(val);
        return NONE;
    }
    ent *e = &c->e[ei];
    e->is_const = 1;
    e->rank = rank;
    if (rank)
        memcpy(e->dims, dims, rank * sizeof dims[0]);
    e->val = val;
    return ei;
}

/* ---- operators ---- */
static int op_unary(ctx *c, zk_op op)
{
    uint32_t x;
    int st = need_inputs(c, 1, op == ZK_OP_IDENTITY ? 1 : 1);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st != ZK_OK)
        return st;
    if (x == NONE)
        return node_fail(c, ZK_ERR_INPUT, "missing input");
    if (c->e[x].is_const && op == ZK_OP_IDENTITY) { /* alias a constant */
        size_t n = (size_t)numel(c->e[x].rank, c->e[x].dims);
        double *v = malloc((n ? n : 1) * sizeof *v);
        if (!v)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        memcpy(v, c->e[x].val, n * sizeof *v);
        return add_const(c, out_name(c), c->e[x].rank, c->e[x].dims, v) == NONE ? ZK_ERR_NOMEM : ZK_OK;
    }
    if ((st = require_act(c, x, "X")) != ZK_OK)
        return st;
    zk_node *nd;
    if ((st = emit1(c, op, x, c->e[x].rank, c->e[x].dims, &nd)) != ZK_OK)
        return st;
    if (op == ZK_OP_LEAKY_RELU)
        nd->floats[0] = attr_float(c->cur, "alpha", 0.01f);
    return ZK_OK;
}

/* numpy broadcast of two shapes. */
static int broadcast(ctx *c, const ent *a, const ent *b, uint32_t *rank, int64_t *dims)
{
    uint32_t r = a->rank > b->rank ? a->rank : b->rank;
    for (uint32_t i = 0; i < r; i++) {
        int64_t da = i < r - a->rank ? 1 : a->dims[i - (r - a->rank)];
        int64_t db = i < r - b->rank ? 1 : b->dims[i - (r - b->rank)];
        if (da != db && da != 1 && db != 1)
            return node_fail(c, ZK_ERR_INPUT, "shapes of '%s' and '%s' do not broadcast (dimension %u: %lld vs %lld)",
                             a->name, b->name, i, (long long)da, (long long)db);
        dims[i] = da == 1 ? db : da;
    }
    *rank = r;
    return ZK_OK;
}

static double bin_apply(zk_op op, double a, double b)
{
    return op == ZK_OP_ADD ? a + b : op == ZK_OP_SUB ? a - b : a * b;
}

/* Constant folding of a broadcast binary op on two constants. */
static int fold_binary(ctx *c, zk_op op, const ent *a, const ent *b)
{
    uint32_t r;
    int64_t dims[ZK_MODEL_MAX_RANK] = {0};
    int st = broadcast(c, a, b, &r, dims);
    if (st != ZK_OK)
        return st;
    uint64_t n = numel(r, dims);
    double *v = malloc((size_t)(n ? n : 1) * sizeof *v);
    if (!v)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (uint64_t i = 0; i < n; i++) {
        uint64_t rem = i, ia = 0, ib = 0, sa = 1, sb = 1;
        for (uint32_t d = r; d-- > 0;) {
            uint64_t k = rem % (uint64_t)dims[d];
            rem /= (uint64_t)dims[d];
            int32_t da = (int32_t)d - (int32_t)(r - a->rank), db = (int32_t)d - (int32_t)(r - b->rank);
            if (da >= 0) {
                if (a->dims[da] != 1)
                    ia += k * sa;
                sa *= (uint64_t)a->dims[da];
            }
            if (db >= 0) {
                if (b->dims[db] != 1)
                    ib += k * sb;
                sb *= (uint64_t)b->dims[db];
            }
        }
        v[i] = bin_apply(op, a->val[ia], b->val[ib]);
    }
    return add_const(c, out_name(c), r, dims, v) == NONE ? ZK_ERR_NOMEM : ZK_OK;
}

static int op_binary(ctx *c, zk_op op)
{
    uint32_t a, b;
    int st = need_inputs(c, 2, 2);
    if (st == ZK_OK)
        st = get_input(c, 0, &a);
    if (st == ZK_OK)
        st = get_input(c, 1, &b);
    if (st != ZK_OK)
        return st;
    if (a == NONE || b == NONE)
        return node_fail(c, ZK_ERR_INPUT, "missing input");
    if (c->opset < 7 && attr_int(c->cur, "broadcast", 0) && attr(c->cur, "axis"))
        return node_fail(c, ZK_ERR_INPUT, "legacy broadcast with an explicit axis is not supported");
    if (c->e[a].is_const && c->e[b].is_const)
        return fold_binary(c, op, &c->e[a], &c->e[b]);
    uint32_t r;
    int64_t dims[ZK_MODEL_MAX_RANK] = {0};
    if ((st = broadcast(c, &c->e[a], &c->e[b], &r, dims)) != ZK_OK)
        return st;
    /* The output keeps the batch dimension of the activation operand(s). */
    for (int k = 0; k < 2; k++) {
        const ent *e = &c->e[k ? b : a];
        if (e->is_const && e->rank == r && e->dims[0] != 1)
            return node_fail(c, ZK_ERR_INPUT, "constant '%s' varies along the batch dimension (first dimension %lld); "
                             "constants must broadcast over the batch", e->name, (long long)e->dims[0]);
        if (!e->is_const && (e->rank != r || e->dims[0] != dims[0]))
            return node_fail(c, ZK_ERR_INPUT, "broadcasting would change the batch dimension of '%s'", e->name);
    }
    uint32_t ta = tensor_of(c, a), tb = tensor_of(c, b);
    if (ta == NONE || tb == NONE)
        return ZK_ERR_NOMEM;
    uint32_t oe = add_act(c, out_name(c), r, dims);
    if (oe == NONE)
        return ZK_ERR_INPUT;
    zk_node *nd = add_node(c, op);
    if (!nd)
        return ZK_ERR_NOMEM;
    nd->n_in = 2;
    nd->in[0] = ta;
    nd->in[1] = tb;
    nd->n_out = 1;
    nd->out[0] = c->e[oe].tidx;
    return ZK_OK;
}

/* IR-only activation tensor (no ONNX name) for intermediate results. */
static uint32_t add_hidden_act(ctx *c, const char *name, uint32_t rank, const int64_t *dims)
{
    uint32_t ti = add_tensor(c, name, 0);
    if (ti != NONE) {
        c->t[ti].rank = rank;
        memcpy(c->t[ti].dims, dims, rank * sizeof dims[0]);
    }
    return ti;
}

/* single_example Gemm: A is [1, N, K] (or [1, K, N] with transA):
 * [Transpose] -> MatMul with alpha op(B) -> [Add beta C]. */
static int op_gemm_single(ctx *c, uint32_t a, uint32_t b, uint32_t cc)
{
    int64_t transA = attr_int(c->cur, "transA", 0), transB = attr_int(c->cur, "transB", 0);
    double alpha = attr_float(c->cur, "alpha", 1.0f), beta = attr_float(c->cur, "beta", 1.0f);
    const ent *A = &c->e[a], *B = &c->e[b];
    if (A->rank != 3 || B->rank != 2)
        return node_fail(c, ZK_ERR_INPUT, "A and B must be 2-D");
    int64_t N = transA ? A->dims[2] : A->dims[1], K = transA ? A->dims[1] : A->dims[2];
    int64_t M = transB ? B->dims[0] : B->dims[1];
    if ((transB ? B->dims[1] : B->dims[0]) != K)
        return node_fail(c, ZK_ERR_INPUT, "inner dimensions of A and B differ");
    double *bv = malloc((size_t)(K * M) * sizeof *bv);
    if (!bv)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (int64_t k = 0; k < K; k++)
        for (int64_t j = 0; j < M; j++)
            bv[k * M + j] = alpha * B->val[transB ? j * K + k : k * M + j];
    int64_t bd[2] = {K, M};
    uint32_t tb = new_param(c, B->name, 2, bd, bv);
    uint32_t ta = tensor_of(c, a);
    if (tb == NONE || ta == NONE)
        return ZK_ERR_NOMEM;
    char nm[ZK_MODEL_MAX_NAME];
    if (transA) {
        int64_t td[3] = {1, N, K};
        snprintf(nm, sizeof nm, "%.100s.At", c->cur_name);
        uint32_t tt = add_hidden_act(c, nm, 3, td);
        zk_node *nd = tt == NONE ? NULL : add_node(c, ZK_OP_TRANSPOSE);
        if (!nd)
            return ZK_ERR_NOMEM;
        nd->n_in = 1;
        nd->in[0] = ta;
        nd->n_out = 1;
        nd->out[0] = tt;
        nd->n_ints = 3;
        nd->ints[0] = 0;
        nd->ints[1] = 2;
        nd->ints[2] = 1;
        ta = tt;
    }
    int64_t od[3] = {1, N, M};
    uint32_t tc = NONE;
    if (cc != NONE) {
        const ent *C = &c->e[cc];
        uint64_t n = numel(C->rank, C->dims);
        double *cv = malloc((size_t)(n ? n : 1) * sizeof *cv);
        if (!cv)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        for (uint64_t i = 0; i < n; i++)
            cv[i] = beta * C->val[i];
        int64_t cd[ZK_MODEL_MAX_RANK];
        memcpy(cd, C->dims, sizeof cd);
        tc = new_param(c, C->name, C->rank, cd, cv);
        if (tc == NONE)
            return ZK_ERR_NOMEM;
    }
    uint32_t tm;
    if (tc != NONE) {
        snprintf(nm, sizeof nm, "%.100s.AB", c->cur_name);
        tm = add_hidden_act(c, nm, 3, od);
    } else {
        uint32_t oe = add_act(c, out_name(c), 3, od);
        tm = oe == NONE ? NONE : c->e[oe].tidx;
    }
    zk_node *nd = tm == NONE ? NULL : add_node(c, ZK_OP_MATMUL);
    if (!nd)
        return ZK_ERR_NOMEM;
    nd->n_in = 2;
    nd->in[0] = ta;
    nd->in[1] = tb;
    nd->n_out = 1;
    nd->out[0] = tm;
    if (tc == NONE)
        return ZK_OK;
    uint32_t oe = add_act(c, out_name(c), 3, od);
    if (oe == NONE)
        return ZK_ERR_INPUT;
    if (!(nd = add_node(c, ZK_OP_ADD)))
        return ZK_ERR_NOMEM;
    nd->n_in = 2;
    nd->in[0] = tm;
    nd->in[1] = tc;
    nd->n_out = 1;
    nd->out[0] = c->e[oe].tidx;
    return ZK_OK;
}

/* Gemm: A act [N,K] x B const, + C const broadcast to [M]. */
static int op_gemm(ctx *c)
{
    uint32_t a, b, cc;
    int st = need_inputs(c, 2, 3);
    if (st == ZK_OK)
        st = get_input(c, 0, &a);
    if (st == ZK_OK)
        st = get_input(c, 1, &b);
    if (st == ZK_OK)
        st = get_input(c, 2, &cc);
    if (st == ZK_OK)
        st = require_act(c, a, "A");
    if (st == ZK_OK)
        st = require_const(c, b, "B");
    if (st == ZK_OK && cc != NONE)
        st = require_const(c, cc, "C");
    if (st != ZK_OK)
        return st;
    if (c->pfx)
        return op_gemm_single(c, a, b, cc);
    int64_t transA = attr_int(c->cur, "transA", 0), transB = attr_int(c->cur, "transB", 0);
    double alpha = attr_float(c->cur, "alpha", 1.0f), beta = attr_float(c->cur, "beta", 1.0f);
    ent *A = &c->e[a], *B = &c->e[b];
    if (transA)
        return node_fail(c, ZK_ERR_INPUT, "transA = 1 on an activation is not supported (A holds the batch)");
    if (A->rank != 2 || B->rank != 2)
        return node_fail(c, ZK_ERR_INPUT, "A and B must be 2-D (ranks %u, %u)", A->rank, B->rank);
    int64_t K = A->dims[1], M = transB ? B->dims[0] : B->dims[1];
    if ((transB ? B->dims[1] : B->dims[0]) != K)
        return node_fail(c, ZK_ERR_INPUT, "A is [%lld, %lld] but B is [%lld, %lld] (transB = %lld)",
                         (long long)A->dims[0], (long long)K, (long long)B->dims[0], (long long)B->dims[1],
                         (long long)transB);
    double *bias = NULL;
    if (cc != NONE) {
        if ((st = require_const(c, cc, "C")) != ZK_OK)
            return st;
        ent *C = &c->e[cc];
        /* C must broadcast to [N, M] without varying along N. */
        uint64_t nc = numel(C->rank, C->dims);
        int ok = C->rank <= 2 && (nc == 1 || nc == (uint64_t)M) && (C->rank == 0 || C->dims[C->rank - 1] == M || nc == 1);
        if (!ok)
            return node_fail(c, ZK_ERR_INPUT, "bias C '%s' must have 1 or M = %lld elements along the last axis "
                             "(a bias varying along the batch is not supported)", C->name, (long long)M);
        bias = malloc((size_t)M * sizeof *bias);
        if (!bias)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        for (int64_t j = 0; j < M; j++)
            bias[j] = beta * C->val[nc == 1 ? 0 : j];
    }
    /* B scaled by alpha: a private copy when alpha != 1 or B is shared (BN folding
     * may rescale the weights of this node later). */
    uint32_t tb;
    if (alpha == 1.0 && B->uses <= 1) {
        tb = tensor_of(c, b);
    } else {
        uint64_t nb = numel(2, B->dims);
        double *bv = malloc((size_t)nb * sizeof *bv);
        if (!bv) {
            free(bias);
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        }
        for (uint64_t i = 0; i < nb; i++)
            bv[i] = alpha * B->val[i];
        int64_t bd[2] = {B->dims[0], B->dims[1]};
        tb = new_param(c, B->name, 2, bd, bv);
    }
    uint32_t tc = NONE;
    if (bias) {
        int64_t cd[1] = {M};
        tc = new_param(c, c->e[cc].name, 1, cd, bias);
        if (tc == NONE)
            return ZK_ERR_NOMEM;
    }
    uint32_t ta = tensor_of(c, a);
    if (ta == NONE || tb == NONE)
        return ZK_ERR_NOMEM;
    int64_t od[2] = {c->e[a].dims[0], M};
    uint32_t oe = add_act(c, out_name(c), 2, od);
    if (oe == NONE)
        return ZK_ERR_INPUT;
    zk_node *nd = add_node(c, ZK_OP_GEMM);
    if (!nd)
        return ZK_ERR_NOMEM;
    nd->n_in = tc == NONE ? 2 : 3;
    nd->in[0] = ta;
    nd->in[1] = tb;
    if (tc != NONE)
        nd->in[2] = tc;
    nd->n_out = 1;
    nd->out[0] = c->e[oe].tidx;
    nd->n_ints = 2;
    nd->ints[0] = 0;
    nd->ints[1] = transB ? 1 : 0;
    nd->floats[0] = 1.0f;
    nd->floats[1] = 1.0f;
    return ZK_OK;
}

static int op_matmul(ctx *c)
{
    uint32_t a, b;
    int st = need_inputs(c, 2, 2);
    if (st == ZK_OK)
        st = get_input(c, 0, &a);
    if (st == ZK_OK)
        st = get_input(c, 1, &b);
    if (st == ZK_OK)
        st = require_act(c, a, "A");
    if (st == ZK_OK)
        st = require_const(c, b, "B");
    if (st != ZK_OK)
        return st;
    ent *A = &c->e[a], *B = &c->e[b];
    if (A->rank < 2 || B->rank != 2)
        return node_fail(c, ZK_ERR_INPUT, "A must have rank >= 2 and B rank 2 (ranks %u, %u)", A->rank, B->rank);
    if (A->dims[A->rank - 1] != B->dims[0])
        return node_fail(c, ZK_ERR_INPUT, "inner dimensions differ (%lld vs %lld)", (long long)A->dims[A->rank - 1],
                         (long long)B->dims[0]);
    int64_t od[ZK_MODEL_MAX_RANK] = {0};
    memcpy(od, A->dims, A->rank * sizeof od[0]);
    od[A->rank - 1] = B->dims[1];
    uint32_t tb = tensor_of(c, b);
    if (tb == NONE)
        return ZK_ERR_NOMEM;
    zk_node *nd;
    if ((st = emit1(c, ZK_OP_MATMUL, a, c->e[a].rank, od, &nd)) != ZK_OK)
        return st;
    nd->n_in = 2;
    nd->in[1] = tb;
    return ZK_OK;
}

static int conv_pads(ctx *c, const int64_t *in_hw, const int64_t *k, const int64_t *s, const int64_t *d,
                     int64_t pads[4])
{
    char ap[32];
    const char *auto_pad = attr_str(c->cur, "auto_pad", ap, sizeof ap);
    int n = attr_ints(c->cur, "pads", pads, 4);
    if (n == -1)
        memset(pads, 0, 4 * sizeof pads[0]);
    else if (n != 4)
        return node_fail(c, ZK_ERR_INPUT, "pads must have 4 entries for a 2-D operator");
    for (int i = 0; i < 4; i++)
        if (pads[i] < 0 || pads[i] > 4096)
            return node_fail(c, ZK_ERR_INPUT, "pad %lld outside 0..4096", (long long)pads[i]);
    if (auto_pad && strcmp(auto_pad, "NOTSET") != 0) {
        if (strcmp(auto_pad, "VALID") == 0) {
            memset(pads, 0, 4 * sizeof pads[0]);
        } else if (strcmp(auto_pad, "SAME_UPPER") == 0 || strcmp(auto_pad, "SAME_LOWER") == 0) {
            for (int i = 0; i < 2; i++) {
                int64_t out = (in_hw[i] + s[i] - 1) / s[i];
                int64_t total = (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in_hw[i];
                if (total < 0)
                    total = 0;
                int64_t small = total / 2, big = total - small;
                int upper = strcmp(auto_pad, "SAME_UPPER") == 0;
                pads[i] = upper ? small : big;
                pads[i + 2] = upper ? big : small;
            }
        } else {
            return node_fail(c, ZK_ERR_INPUT, "auto_pad '%s' is not supported", auto_pad);
        }
    }
    return ZK_OK;
}

static int get_pair(ctx *c, const char *name, int64_t dflt, int64_t out[2])
{
    int64_t v[8];
    int n = attr_ints(c->cur, name, v, 8);
    if (n == -1) {
        out[0] = out[1] = dflt;
        return ZK_OK;
    }
    if (n != 2)
        return node_fail(c, ZK_ERR_INPUT, "attribute %s must have 2 entries (only 2-D is supported)", name);
    for (int i = 0; i < 2; i++)
        if (v[i] < 1 || v[i] > 4096)
            return node_fail(c, ZK_ERR_INPUT, "attribute %s entry %lld outside 1..4096", name, (long long)v[i]);
    out[0] = v[0];
    out[1] = v[1];
    return ZK_OK;
}

static int op_conv(ctx *c)
{
    uint32_t x, w, b;
    int st = need_inputs(c, 2, 3);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st == ZK_OK)
        st = get_input(c, 1, &w);
    if (st == ZK_OK)
        st = get_input(c, 2, &b);
    if (st == ZK_OK)
        st = require_act(c, x, "X");
    if (st == ZK_OK)
        st = require_const(c, w, "W");
    if (st == ZK_OK && b != NONE)
        st = require_const(c, b, "B");
    if (st != ZK_OK)
        return st;
    ent *X = &c->e[x], *W = &c->e[w];
    if (X->rank != 4 || W->rank != 4)
        return node_fail(c, ZK_ERR_INPUT, "only 2-D convolution (X and W of rank 4) is supported (ranks %u, %u)",
                         X->rank, W->rank);
    int64_t group = attr_int(c->cur, "group", 1);
    int64_t C = X->dims[1], M = W->dims[0];
    if (group < 1 || C % group || M % group || W->dims[1] != C / group)
        return node_fail(c, ZK_ERR_INPUT, "channels do not match: X has %lld, W is [%lld, %lld, ...], group %lld",
                         (long long)C, (long long)M, (long long)W->dims[1], (long long)group);
    int64_t k[2], s[2], d[2], pads[4];
    if ((st = get_pair(c, "kernel_shape", W->dims[2], k)) != ZK_OK || (st = get_pair(c, "strides", 1, s)) != ZK_OK ||
        (st = get_pair(c, "dilations", 1, d)) != ZK_OK)
        return st;
    if (k[0] != W->dims[2] || k[1] != W->dims[3])
        return node_fail(c, ZK_ERR_INPUT, "kernel_shape does not match W");
    if ((st = conv_pads(c, X->dims + 2, k, s, d, pads)) != ZK_OK)
        return st;
    if (b != NONE && numel(c->e[b].rank, c->e[b].dims) != (uint64_t)M)
        return node_fail(c, ZK_ERR_INPUT, "bias has %llu elements, expected %lld",
                         (unsigned long long)numel(c->e[b].rank, c->e[b].dims), (long long)M);
    int64_t od[4] = {X->dims[0], M, 0, 0};
    for (int i = 0; i < 2; i++) {
        int64_t span = (k[i] - 1) * d[i] + 1, padded = X->dims[2 + i] + pads[i] + pads[i + 2];
        if (padded < span)
            return node_fail(c, ZK_ERR_INPUT, "kernel larger than the padded input");
        od[2 + i] = (padded - span) / s[i] + 1;
    }
    uint32_t tw = tensor_of(c, w), tbias = b == NONE ? NONE : tensor_of(c, b);
    if (tw == NONE || (b != NONE && tbias == NONE))
        return ZK_ERR_NOMEM;
    zk_node *nd;
    if ((st = emit1(c, ZK_OP_CONV, x, 4, od, &nd)) != ZK_OK)
        return st;
    nd->in[1] = tw;
    nd->n_in = 2;
    if (b != NONE) {
        nd->in[2] = tbias;
        nd->n_in = 3;
    }
    int64_t at[9] = {s[0], s[1], pads[0], pads[1], pads[2], pads[3], d[0], d[1], group};
    memcpy(nd->ints, at, sizeof at);
    nd->n_ints = 9;
    return ZK_OK;
}

static int op_pool(ctx *c, zk_op op)
{
    uint32_t x;
    int st = need_inputs(c, 1, 1);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st == ZK_OK)
        st = require_act(c, x, "X");
    if (st != ZK_OK)
        return st;
    if (c->cur->n_output > 1 && c->cur->output[1] && c->cur->output[1][0])
        return node_fail(c, ZK_ERR_INPUT, "the Indices output is not supported");
    ent *X = &c->e[x];
    if (X->rank != 4)
        return node_fail(c, ZK_ERR_INPUT, "only 2-D pooling (X of rank 4) is supported (rank %u)", X->rank);
    if (op == ZK_OP_GLOBAL_AVGPOOL) {
        int64_t od[4] = {X->dims[0], X->dims[1], 1, 1};
        return emit1(c, op, x, 4, od, NULL);
    }
    int64_t k[2], s[2], d[2], pads[4];
    if (!attr(c->cur, "kernel_shape"))
        return node_fail(c, ZK_ERR_INPUT, "kernel_shape is required");
    if ((st = get_pair(c, "kernel_shape", 1, k)) != ZK_OK || (st = get_pair(c, "strides", 1, s)) != ZK_OK ||
        (st = get_pair(c, "dilations", 1, d)) != ZK_OK)
        return st;
    if ((st = conv_pads(c, X->dims + 2, k, s, d, pads)) != ZK_OK)
        return st;
    int64_t ceil_mode = attr_int(c->cur, "ceil_mode", 0);
    int64_t cip = attr_int(c->cur, "count_include_pad", 0);
    if (op == ZK_OP_AVGPOOL && (d[0] != 1 || d[1] != 1))
        return node_fail(c, ZK_ERR_INPUT, "dilated AveragePool is not supported");
    int64_t od[4] = {X->dims[0], X->dims[1], 0, 0};
    for (int i = 0; i < 2; i++) {
        int64_t span = (k[i] - 1) * d[i] + 1, padded = X->dims[2 + i] + pads[i] + pads[i + 2];
        if (padded < span)
            return node_fail(c, ZK_ERR_INPUT, "kernel larger than the padded input");
        int64_t o = ceil_mode ? (padded - span + s[i] - 1) / s[i] + 1 : (padded - span) / s[i] + 1;
        if (ceil_mode && (o - 1) * s[i] >= X->dims[2 + i] + pads[i])
            o--; /* the last window must start inside the input or the left padding */
        /* ceil_mode = extra end padding (padded cells never win a max and are not
         * counted by an average without count_include_pad). */
        int64_t extra = (o - 1) * s[i] + span - padded;
        if (extra > 0) {
            if (op == ZK_OP_AVGPOOL && cip)
                return node_fail(c, ZK_ERR_INPUT, "ceil_mode = 1 with count_include_pad = 1 is not supported");
            pads[i + 2] += extra;
        }
        od[2 + i] = o;
    }
    zk_node *nd;
    if ((st = emit1(c, op, x, 4, od, &nd)) != ZK_OK)
        return st;
    int64_t at[10] = {k[0], k[1], s[0], s[1], pads[0], pads[1], pads[2], pads[3], d[0], d[1]};
    if (op == ZK_OP_AVGPOOL)
        at[8] = cip ? 1 : 0;
    nd->n_ints = op == ZK_OP_AVGPOOL ? 9 : 10;
    memcpy(nd->ints, at, nd->n_ints * sizeof at[0]);
    return ZK_OK;
}

/* Reshape / Flatten: shape change only. */
static int emit_reshape(ctx *c, zk_op op, uint32_t x, uint32_t rank, const int64_t *dims)
{
    ent *X = &c->e[x];
    if (numel(rank, dims) != numel(X->rank, X->dims))
        return node_fail(c, ZK_ERR_INPUT, "element count changes (%llu -> %llu)",
                         (unsigned long long)numel(X->rank, X->dims), (unsigned long long)numel(rank, dims));
    if (X->is_const) {
        size_t n = (size_t)numel(X->rank, X->dims);
        double *v = malloc((n ? n : 1) * sizeof *v);
        if (!v)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        memcpy(v, X->val, n * sizeof *v);
        return add_const(c, out_name(c), rank, dims, v) == NONE ? ZK_ERR_NOMEM : ZK_OK;
    }
    if (rank < 1 || dims[0] != X->dims[0])
        return node_fail(c, ZK_ERR_INPUT, "the new shape changes the batch dimension (%lld -> %lld)",
                         (long long)X->dims[0], rank ? (long long)dims[0] : 0LL);
    return emit1(c, op, x, rank, dims, NULL);
}

static int op_flatten(ctx *c)
{
    uint32_t x;
    int st = need_inputs(c, 1, 1);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st != ZK_OK)
        return st;
    if (x == NONE)
        return node_fail(c, ZK_ERR_INPUT, "missing input");
    ent *X = &c->e[x];
    uint32_t p = X->is_const ? 0 : c->pfx, r = X->rank - p;
    int64_t axis = attr_int(c->cur, "axis", 1);
    if (axis < 0)
        axis += r;
    if (axis < 0 || axis > (int64_t)r)
        return node_fail(c, ZK_ERR_INPUT, "axis %lld out of range for rank %u", (long long)attr_int(c->cur, "axis", 1), r);
    int64_t od[3] = {1, 1, 1};
    for (uint32_t d = 0; d < r; d++)
        od[p + ((int64_t)d < axis ? 0 : 1)] *= X->dims[p + d];
    return emit_reshape(c, ZK_OP_FLATTEN, x, 2 + p, od);
}

static int op_reshape(ctx *c)
{
    uint32_t x, sh;
    int st = need_inputs(c, 1, 2);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st == ZK_OK)
        st = get_input(c, 1, &sh);
    if (st != ZK_OK)
        return st;
    if (x == NONE)
        return node_fail(c, ZK_ERR_INPUT, "missing input");
    int64_t want[ZK_MODEL_MAX_RANK];
    uint32_t r;
    if (sh != NONE) {
        if ((st = require_const(c, sh, "shape")) != ZK_OK)
            return st;
        uint64_t n = numel(c->e[sh].rank, c->e[sh].dims);
        if (c->e[sh].rank != 1 || n > ZK_MODEL_MAX_RANK)
            return node_fail(c, ZK_ERR_INPUT, "shape must be 1-D with at most %u entries", ZK_MODEL_MAX_RANK);
        r = (uint32_t)n;
        for (uint32_t i = 0; i < r; i++)
            want[i] = (int64_t)c->e[sh].val[i];
    } else {
        int n = attr_ints(c->cur, "shape", want, ZK_MODEL_MAX_RANK);
        if (n < 0)
            return node_fail(c, ZK_ERR_INPUT, "no shape (input or attribute)");
        r = (uint32_t)n;
    }
    ent *X = &c->e[x];
    uint32_t p = X->is_const ? 0 : c->pfx;
    if (r + p > ZK_MODEL_MAX_RANK)
        return node_fail(c, ZK_ERR_INPUT, "rank %u too large", r + p);
    int64_t allowzero = attr_int(c->cur, "allowzero", 0), known = 1;
    int infer = -1;
    int64_t od[ZK_MODEL_MAX_RANK + 1] = {0};
    od[0] = 1;
    for (uint32_t i = 0; i < r; i++) {
        int64_t v = want[i];
        if (v == 0 && !allowzero) {
            if (i + p >= X->rank)
                return node_fail(c, ZK_ERR_INPUT, "shape entry %u = 0 copies a dimension the input lacks", i);
            v = X->dims[i + p];
        }
        if (v == -1) {
            if (infer >= 0)
                return node_fail(c, ZK_ERR_INPUT, "more than one -1 in the shape");
            infer = (int)i;
            continue;
        }
        if (v < 1 || v > ((int64_t)1 << 24))
            return node_fail(c, ZK_ERR_INPUT, "shape entry %u = %lld is not supported", i, (long long)v);
        od[i + p] = v;
        known *= v;
        if (known > ((int64_t)1 << 40))
            return node_fail(c, ZK_ERR_INPUT, "shape too large");
    }
    uint64_t total = numel(X->rank, X->dims);
    if (infer >= 0) {
        if (total % (uint64_t)known)
            return node_fail(c, ZK_ERR_INPUT, "cannot infer the -1 dimension (%llu elements, %lld known)",
                             (unsigned long long)total, (long long)known);
        od[infer + (int)p] = (int64_t)(total / (uint64_t)known);
    }
    return emit_reshape(c, ZK_OP_RESHAPE, x, r + p, od);
}

static int op_transpose(ctx *c)
{
    uint32_t x;
    int st = need_inputs(c, 1, 1);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st != ZK_OK)
        return st;
    if (x == NONE)
        return node_fail(c, ZK_ERR_INPUT, "missing input");
    ent *X = &c->e[x];
    int64_t perm[ZK_MODEL_MAX_RANK];
    uint32_t p = X->is_const ? 0 : c->pfx;
    int n = attr_ints(c->cur, "perm", perm + p, ZK_MODEL_MAX_RANK - p);
    if (n == -1) {
        n = (int)(X->rank - p);
        for (int i = 0; i < n; i++)
            perm[p + i] = n - 1 - i;
    }
    if (n != (int)(X->rank - p))
        return node_fail(c, ZK_ERR_INPUT, "perm has %d entries for rank %u", n, X->rank - p);
    if (p) {
        for (int i = 0; i < n; i++)
            perm[p + i] += p;
        perm[0] = 0;
        n += (int)p;
    }
    int seen[ZK_MODEL_MAX_RANK] = {0};
    for (int i = 0; i < n; i++) {
        if (perm[i] < 0 || perm[i] >= n || seen[perm[i]])
            return node_fail(c, ZK_ERR_INPUT, "perm is not a permutation");
        seen[perm[i]] = 1;
    }
    int64_t od[ZK_MODEL_MAX_RANK] = {0};
    for (int i = 0; i < n; i++)
        od[i] = X->dims[perm[i]];
    if (X->is_const) { /* fold */
        uint64_t total = numel(X->rank, X->dims);
        double *v = malloc((size_t)(total ? total : 1) * sizeof *v);
        if (!v)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        int64_t istride[ZK_MODEL_MAX_RANK];
        int64_t acc = 1;
        for (int i = n - 1; i >= 0; i--) {
            istride[i] = acc;
            acc *= X->dims[i];
        }
        for (uint64_t o = 0; o < total; o++) {
            uint64_t rem = o, src = 0;
            for (int i = n - 1; i >= 0; i--) {
                uint64_t k = rem % (uint64_t)od[i];
                rem /= (uint64_t)od[i];
                src += k * (uint64_t)istride[perm[i]];
            }
            v[o] = X->val[src];
        }
        return add_const(c, out_name(c), (uint32_t)n, od, v) == NONE ? ZK_ERR_NOMEM : ZK_OK;
    }
    if (perm[0] != 0)
        return node_fail(c, ZK_ERR_INPUT, "perm moves the batch dimension (perm[0] = %lld)", (long long)perm[0]);
    zk_node *nd;
    if ((st = emit1(c, ZK_OP_TRANSPOSE, x, X->rank, od, &nd)) != ZK_OK)
        return st;
    for (int i = 0; i < n; i++)
        nd->ints[i] = perm[i];
    nd->n_ints = (uint32_t)n;
    return ZK_OK;
}

static int op_concat(ctx *c)
{
    int st = need_inputs(c, 1, ZK_MODEL_MAX_INPUTS);
    if (st != ZK_OK)
        return st;
    uint32_t in[ZK_MODEL_MAX_INPUTS] = {0};
    size_t n = c->cur->n_input;
    int any_act = 0;
    for (size_t i = 0; i < n; i++) {
        if ((st = get_input(c, i, &in[i])) != ZK_OK)
            return st;
        if (in[i] == NONE)
            return node_fail(c, ZK_ERR_INPUT, "missing input %zu", i);
        any_act |= !c->e[in[i]].is_const;
    }
    ent *X0 = &c->e[in[0]];
    if (!attr(c->cur, "axis"))
        return node_fail(c, ZK_ERR_INPUT, "axis is required");
    int64_t axis = 0;
    uint32_t p = any_act ? c->pfx : 0;
    if ((st = norm_axis(c, attr_int(c->cur, "axis", 0), X0->rank - (X0->is_const ? 0 : p), &axis)) != ZK_OK)
        return st;
    axis += p;
    int64_t od[ZK_MODEL_MAX_RANK] = {0};
    memcpy(od, X0->dims, X0->rank * sizeof od[0]);
    od[axis] = 0;
    /* output shape from the first activation input (IR rank) */
    size_t first_act = 0;
    while (first_act < n && c->e[in[first_act]].is_const)
        first_act++;
    if (first_act == n)
        first_act = 0;
    const ent *XA = &c->e[in[first_act]];
    memcpy(od, XA->dims, XA->rank * sizeof od[0]);
    od[axis] = 0;
    for (size_t i = 0; i < n; i++) {
        ent *E = &c->e[in[i]];
        uint32_t sh = E->is_const ? p : 0; /* constants lack the single_example batch dimension */
        if (E->rank + sh != XA->rank)
            return node_fail(c, ZK_ERR_INPUT, "inputs have different ranks");
        for (uint32_t d = sh; d < XA->rank; d++)
            if ((int64_t)d != axis && E->dims[d - sh] != XA->dims[d])
                return node_fail(c, ZK_ERR_INPUT, "input %zu: dimension %u = %lld, expected %lld", i, d - sh,
                                 (long long)E->dims[d - sh], (long long)XA->dims[d]);
        od[axis] += E->dims[axis - sh];
    }
    if (!any_act) { /* fold */
        uint64_t total = numel(X0->rank, od), outer = 1, inner = 1;
        for (int64_t d = 0; d < axis; d++)
            outer *= (uint64_t)od[d];
        for (uint32_t d = (uint32_t)axis + 1; d < X0->rank; d++)
            inner *= (uint64_t)od[d];
        double *v = malloc((size_t)(total ? total : 1) * sizeof *v);
        if (!v)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        uint64_t pos = 0;
        for (uint64_t o = 0; o < outer; o++)
            for (size_t i = 0; i < n; i++) {
                ent *E = &c->e[in[i]];
                uint64_t blk = (uint64_t)E->dims[axis] * inner;
                memcpy(v + pos, E->val + o * blk, (size_t)blk * sizeof *v);
                pos += blk;
            }
        return add_const(c, out_name(c), X0->rank, od, v) == NONE ? ZK_ERR_NOMEM : ZK_OK;
    }
    if (axis == 0)
        return node_fail(c, ZK_ERR_INPUT, "concatenation along the batch dimension is not supported");
    for (size_t i = 0; i < n; i++)
        if (c->e[in[i]].is_const && !c->pfx && c->e[in[i]].dims[0] != 1)
            return node_fail(c, ZK_ERR_INPUT, "constant input %zu varies along the batch dimension", i);
    uint32_t ti[ZK_MODEL_MAX_INPUTS];
    for (size_t i = 0; i < n; i++) {
        if ((ti[i] = tensor_of(c, in[i])) == NONE)
            return ZK_ERR_NOMEM;
        if (c->e[in[i]].is_const) { /* a Constant node turns it into an activation (same values per example) */
            int64_t cd[ZK_MODEL_MAX_RANK] = {0};
            const ent *E = &c->e[in[i]];
            uint32_t r = E->rank + c->pfx;
            cd[0] = 1;
            memcpy(cd + c->pfx, E->dims, E->rank * sizeof cd[0]);
            char nm[ZK_MODEL_MAX_NAME];
            snprintf(nm, sizeof nm, "%.100s.const%zu", c->cur_name, i);
            uint32_t ta = add_hidden_act(c, nm, r, cd);
            zk_node *cn = ta == NONE ? NULL : add_node(c, ZK_OP_CONSTANT);
            if (!cn)
                return ZK_ERR_NOMEM;
            cn->n_in = 1;
            cn->in[0] = ti[i];
            cn->n_out = 1;
            cn->out[0] = ta;
            ti[i] = ta;
        }
    }
    uint32_t oe = add_act(c, out_name(c), X0->rank, od);
    if (oe == NONE)
        return ZK_ERR_INPUT;
    zk_node *nd = add_node(c, ZK_OP_CONCAT);
    if (!nd)
        return ZK_ERR_NOMEM;
    nd->n_in = (uint32_t)n;
    memcpy(nd->in, ti, n * sizeof ti[0]);
    nd->n_out = 1;
    nd->out[0] = c->e[oe].tidx;
    nd->n_ints = 1;
    nd->ints[0] = axis;
    return ZK_OK;
}

static int op_pad(ctx *c)
{
    uint32_t x, p = NONE, v = NONE;
    int st = need_inputs(c, 1, 4);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st == ZK_OK)
        st = get_input(c, 1, &p);
    if (st == ZK_OK)
        st = get_input(c, 2, &v);
    if (st == ZK_OK)
        st = require_act(c, x, "data");
    if (st != ZK_OK)
        return st;
    if (c->cur->n_input > 3 && c->cur->input[3] && c->cur->input[3][0])
        return node_fail(c, ZK_ERR_INPUT, "the axes input is not supported");
    char mode[32];
    if (attr_str(c->cur, "mode", mode, sizeof mode) && strcmp(mode, "constant") != 0)
        return node_fail(c, ZK_ERR_INPUT, "mode '%s' is not supported (only constant)", mode);
    ent *X = &c->e[x];
    int64_t pads[2 * ZK_MODEL_MAX_RANK];
    uint32_t pf = c->pfx, r = X->rank - pf; /* ONNX rank */
    double value = 0;
    if (c->opset >= 11) {
        if ((st = require_const(c, p, "pads")) != ZK_OK)
            return st;
        if (numel(c->e[p].rank, c->e[p].dims) != 2 * r)
            return node_fail(c, ZK_ERR_INPUT, "pads must have 2 x rank = %u entries", 2 * r);
        for (uint32_t i = 0; i < 2 * r; i++)
            pads[i] = (int64_t)c->e[p].val[i];
        if (v != NONE) {
            if ((st = require_const(c, v, "constant_value")) != ZK_OK)
                return st;
            if (numel(c->e[v].rank, c->e[v].dims) != 1)
                return node_fail(c, ZK_ERR_INPUT, "constant_value must be a scalar");
            value = c->e[v].val[0];
        }
    } else {
        const char *nm = c->opset >= 2 ? "pads" : "paddings";
        int n = attr_ints(c->cur, nm, pads, 2 * ZK_MODEL_MAX_RANK);
        if (n != (int)(2 * r))
            return node_fail(c, ZK_ERR_INPUT, "attribute %s must have 2 x rank = %u entries", nm, 2 * r);
        value = attr_float(c->cur, "value", 0.0f);
    }
    if (pf) { /* IR pads: begins (0, onnx begins), ends (0, onnx ends) */
        int64_t q[2 * ZK_MODEL_MAX_RANK] = {0};
        for (uint32_t i = 0; i < r; i++) {
            q[1 + i] = pads[i];
            q[r + 2 + i] = pads[r + i];
        }
        r += 1;
        memcpy(pads, q, 2 * r * sizeof q[0]);
    }
    int64_t od[ZK_MODEL_MAX_RANK] = {0};
    for (uint32_t i = 0; i < r; i++) {
        if (pads[i] < 0 || pads[r + i] < 0 || pads[i] > 4096 || pads[r + i] > 4096)
            return node_fail(c, ZK_ERR_INPUT, "pads must be in 0..4096 (negative pads crop; not supported)");
        od[i] = X->dims[i] + pads[i] + pads[r + i];
    }
    if (pads[0] || pads[r])
        return node_fail(c, ZK_ERR_INPUT, "padding the batch dimension is not supported");
    zk_node *nd;
    if ((st = emit1(c, ZK_OP_PAD, x, r, od, &nd)) != ZK_OK)
        return st;
    memcpy(nd->ints, pads, 2 * r * sizeof pads[0]);
    nd->n_ints = 2 * r;
    nd->floats[0] = (float)value;
    return ZK_OK;
}

static int op_softmax(ctx *c)
{
    uint32_t x;
    int st = need_inputs(c, 1, 1);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st == ZK_OK)
        st = require_act(c, x, "X");
    if (st != ZK_OK)
        return st;
    ent *X = &c->e[x];
    int64_t axis = 0;
    if ((st = norm_axis(c, attr_int(c->cur, "axis", c->opset >= 13 ? -1 : 1), X->rank - c->pfx, &axis)) != ZK_OK)
        return st;
    axis += c->pfx;
    if (axis == 0)
        return node_fail(c, ZK_ERR_INPUT, "softmax across the batch dimension is not supported");
    if (axis != (int64_t)X->rank - 1)
        return node_fail(c, ZK_ERR_INPUT, "softmax over axis %lld of a rank-%u tensor is not supported (only the last "
                         "axis: it is proved as the one-hot argmax)", (long long)axis, X->rank);
    int flatten = 0;
    zk_node *nd;
    if ((st = emit1(c, ZK_OP_SOFTMAX, x, X->rank, X->dims, &nd)) != ZK_OK)
        return st;
    nd->n_ints = 2;
    nd->ints[0] = axis;
    nd->ints[1] = flatten;
    return ZK_OK;
}

/* BatchNormalization: y = a[c] x + b[c], a = scale / sqrt(var + eps), b = B - mean a.
 * Folded into the producing Conv/Gemm (weights and bias rescaled) when that
 * node is the previous one, its output has no other use, and its parameters
 * are not shared; otherwise a BATCHNORM node with parameters a, b. */
static int op_batchnorm(ctx *c)
{
    uint32_t in[5];
    int st = need_inputs(c, 5, 5);
    for (size_t i = 0; i < 5 && st == ZK_OK; i++)
        st = get_input(c, i, &in[i]);
    if (st == ZK_OK)
        st = require_act(c, in[0], "X");
    for (size_t i = 1; i < 5 && st == ZK_OK; i++)
        st = require_const(c, in[i], "scale/B/mean/var");
    if (st != ZK_OK)
        return st;
    for (size_t i = 1; i < c->cur->n_output; i++)
        if (c->cur->output[i] && c->cur->output[i][0])
            return node_fail(c, ZK_ERR_INPUT, "training-mode outputs (running mean/var) are not supported");
    if (attr_int(c->cur, "training_mode", 0))
        return node_fail(c, ZK_ERR_INPUT, "training_mode = 1 is not supported");
    if (c->e[in[0]].rank < 2)
        return node_fail(c, ZK_ERR_INPUT, "X must have rank >= 2");
    int64_t C = c->e[in[0]].dims[1];
    for (int i = 1; i < 5; i++)
        if (numel(c->e[in[i]].rank, c->e[in[i]].dims) != (uint64_t)C)
            return node_fail(c, ZK_ERR_INPUT, "parameter %d must have C = %lld elements", i, (long long)C);
    double eps = attr_float(c->cur, "epsilon", 1e-5f);
    double *a = malloc((size_t)C * sizeof *a), *b = malloc((size_t)C * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    for (int64_t k = 0; k < C; k++) {
        double var = c->e[in[4]].val[k] + eps;
        if (!(var > 0)) {
            free(a);
            free(b);
            return node_fail(c, ZK_ERR_INPUT, "variance + epsilon is not positive for channel %lld", (long long)k);
        }
        a[k] = c->e[in[1]].val[k] / sqrt(var);
        b[k] = c->e[in[2]].val[k] - c->e[in[3]].val[k] * a[k];
    }
    uint32_t xt = c->e[in[0]].tidx, xrank = c->e[in[0]].rank;
    int fold = 0;
    zk_node *p = c->n_nd ? &c->nd[c->n_nd - 1] : NULL;
    if (p && c->e[in[0]].uses == 1 && p->out[0] == xt &&
        ((p->op == ZK_OP_CONV && xrank == 4) || (p->op == ZK_OP_GEMM && xrank == 2))) {
        fold = 1;
        for (uint32_t k = 0; k + 1 < c->n_nd && fold; k++) /* weights / bias private to p */
            for (uint32_t j = 0; j < c->nd[k].n_in; j++)
                if (c->nd[k].in[j] == p->in[1] || (p->n_in > 2 && c->nd[k].in[j] == p->in[2]))
                    fold = 0;
        for (uint32_t e = 0; e < c->n_e && fold; e++) /* and not nameable by a later node */
            if (c->e[e].is_const && c->e[e].uses > 1 &&
                (c->e[e].tidx == p->in[1] || (p->n_in > 2 && c->e[e].tidx == p->in[2])))
                fold = 0;
    }
    if (fold) {
        zk_tensor *W = &c->t[p->in[1]];
        uint64_t nw = zk_tensor_numel(W);
        for (uint64_t i = 0; i < nw; i++) { /* output channel of weight element i */
            int64_t ch = p->op == ZK_OP_CONV ? (int64_t)(i / (nw / (uint64_t)W->dims[0]))
                         : p->ints[1]       ? (int64_t)(i / (uint64_t)W->dims[1])
                                            : (int64_t)(i % (uint64_t)W->dims[1]);
            W->fdata[i] = (float)(W->fdata[i] * a[ch]);
        }
        if (p->n_in > 2) {
            zk_tensor *Bt = &c->t[p->in[2]];
            for (int64_t k = 0; k < C; k++)
                b[k] += Bt->fdata[k] * a[k];
            for (int64_t k = 0; k < C; k++)
                Bt->fdata[k] = (float)b[k];
            free(b);
        } else {
            int64_t cd[1] = {C};
            uint32_t tb = new_param(c, c->cur_name, 1, cd, b);
            if (tb == NONE) {
                free(a);
                return ZK_ERR_NOMEM;
            }
            p = &c->nd[c->n_nd - 1];
            p->in[2] = tb;
            p->n_in = 3;
        }
        free(a);
        /* The producer's output becomes the BN output. */
        uint32_t xe = in[0];
        c->e[xe].name = c->cur->output[0];
        nmap_put(&c->names, c->cur->output[0], xe);
        snprintf(c->t[xt].name, sizeof c->t[xt].name, "%s", c->cur->output[0]);
        return ZK_OK;
    }
    int64_t cd[1] = {C};
    char nm[ZK_MODEL_MAX_NAME];
    snprintf(nm, sizeof nm, "%.100s.scale", c->cur_name);
    uint32_t ta = new_param(c, nm, 1, cd, a);
    snprintf(nm, sizeof nm, "%.100s.shift", c->cur_name);
    uint32_t tb = new_param(c, nm, 1, cd, b);
    if (ta == NONE || tb == NONE)
        return ZK_ERR_NOMEM;
    zk_node *nd;
    if ((st = emit1(c, ZK_OP_BATCHNORM, in[0], c->e[in[0]].rank, c->e[in[0]].dims, &nd)) != ZK_OK)
        return st;
    nd->n_in = 3;
    nd->in[1] = ta;
    nd->in[2] = tb;
    return ZK_OK;
}

/* Constant node: value (tensor) or value_float(s) / value_int(s). */
static int op_constant(ctx *c)
{
    if (c->cur->n_output < 1 || !c->cur->output[0] || !c->cur->output[0][0])
        return node_fail(c, ZK_ERR_INPUT, "no output");
    const Onnx__AttributeProto *a;
    char err[200];
    double *v = NULL;
    uint32_t rank = 0;
    int64_t dims[ZK_MODEL_MAX_RANK] = {0};
    if ((a = attr(c->cur, "value")) && a->t) {
        uint64_t n;
        int st = decode_tensor(a->t, &rank, dims, &v, &n, err, sizeof err);
        if (st != ZK_OK)
            return node_fail(c, st, "value: %s", err);
    } else if ((a = attr(c->cur, "value_float")) && a->has_f) {
        if (!(v = malloc(sizeof *v)))
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        v[0] = a->f;
    } else if ((a = attr(c->cur, "value_int")) && a->has_i) {
        if (!(v = malloc(sizeof *v)))
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        v[0] = (double)a->i;
    } else if ((a = attr(c->cur, "value_floats")) || (a = attr(c->cur, "value_ints"))) {
        size_t n = a->n_floats ? a->n_floats : a->n_ints;
        if (n == 0 || n > (1u << 24))
            return node_fail(c, ZK_ERR_INPUT, "empty or oversized value list");
        if (!(v = malloc(n * sizeof *v)))
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            v[i] = a->n_floats ? (double)a->floats[i] : (double)a->ints[i];
        rank = 1;
        dims[0] = (int64_t)n;
    } else {
        return node_fail(c, ZK_ERR_INPUT, "no supported value attribute (sparse or string constants are not supported)");
    }
    return add_const(c, c->cur->output[0], rank, dims, v) == NONE ? ZK_ERR_NOMEM : ZK_OK;
}

/* ---- shape plumbing of exporters (x.view(x.size(0), -1) and friends) ---- */
/* Shape: a constant int64 vector (shapes are static). */
static int op_shape(ctx *c)
{
    uint32_t x;
    int st = need_inputs(c, 1, 1);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st != ZK_OK)
        return st;
    if (x == NONE)
        return node_fail(c, ZK_ERR_INPUT, "missing input");
    const ent *X = &c->e[x];
    uint32_t p = X->is_const ? 0 : c->pfx, r = X->rank - p;
    int64_t lo = attr_int(c->cur, "start", 0), hi = attr_int(c->cur, "end", r);
    lo = lo < 0 ? lo + r : lo;
    hi = hi < 0 ? hi + r : hi;
    lo = lo < 0 ? 0 : lo > (int64_t)r ? r : lo;
    hi = hi < 0 ? 0 : hi > (int64_t)r ? r : hi;
    int64_t n = hi > lo ? hi - lo : 0;
    double *v = malloc((size_t)(n ? n : 1) * sizeof *v);
    if (!v)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (int64_t i = 0; i < n; i++)
        v[i] = (double)X->dims[p + lo + i];
    if (n == 0)
        return node_fail(c, ZK_ERR_INPUT, "empty shape");
    int64_t d[1] = {n};
    return add_const(c, out_name(c), 1, d, v) == NONE ? ZK_ERR_NOMEM : ZK_OK;
}

/* Gather on constants (indices picking shape entries, embedding tables of constants). */
static int op_gather(ctx *c)
{
    uint32_t x, ix;
    int st = need_inputs(c, 2, 2);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st == ZK_OK)
        st = get_input(c, 1, &ix);
    if (st == ZK_OK)
        st = require_const(c, x, "data");
    if (st == ZK_OK)
        st = require_const(c, ix, "indices");
    if (st != ZK_OK)
        return st;
    const ent *X = &c->e[x], *I = &c->e[ix];
    if (X->rank < 1)
        return node_fail(c, ZK_ERR_INPUT, "data must have rank >= 1");
    int64_t axis = 0;
    if ((st = norm_axis(c, attr_int(c->cur, "axis", 0), X->rank, &axis)) != ZK_OK)
        return st;
    uint32_t r = X->rank - 1 + I->rank;
    if (r > ZK_MODEL_MAX_RANK)
        return node_fail(c, ZK_ERR_INPUT, "result rank %u too large", r);
    int64_t od[ZK_MODEL_MAX_RANK] = {0};
    uint64_t outer = 1, inner = 1, ni = numel(I->rank, I->dims);
    for (int64_t d = 0; d < axis; d++) {
        od[d] = X->dims[d];
        outer *= (uint64_t)X->dims[d];
    }
    for (uint32_t d = 0; d < I->rank; d++)
        od[axis + d] = I->dims[d];
    for (uint32_t d = (uint32_t)axis + 1; d < X->rank; d++) {
        od[d - 1 + I->rank] = X->dims[d];
        inner *= (uint64_t)X->dims[d];
    }
    uint64_t total = outer * ni * inner;
    if (total > zk_limit(ZK_LIMIT_MODEL_PARAMS))
        return node_fail(c, ZK_ERR_NOMEM, "result too large");
    double *v = malloc((size_t)(total ? total : 1) * sizeof *v);
    if (!v)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    int64_t A = X->dims[axis];
    for (uint64_t o = 0; o < outer; o++)
        for (uint64_t k = 0; k < ni; k++) {
            int64_t j = (int64_t)I->val[k];
            if (j < 0)
                j += A;
            if (j < 0 || j >= A) {
                free(v);
                return node_fail(c, ZK_ERR_INPUT, "index %lld out of range 0..%lld", (long long)I->val[k],
                                 (long long)A - 1);
            }
            memcpy(v + (o * ni + k) * inner, X->val + (o * (uint64_t)A + (uint64_t)j) * inner,
                   (size_t)inner * sizeof *v);
        }
    return add_const(c, out_name(c), r, od, v) == NONE ? ZK_ERR_NOMEM : ZK_OK;
}

/* Unsqueeze / Squeeze: a reshape (axes from the attribute, or the constant
 * input from opset 13). */
static int op_squeeze(ctx *c, int unsq)
{
    uint32_t x, ax = NONE;
    int st = need_inputs(c, 1, 2);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st == ZK_OK)
        st = get_input(c, 1, &ax);
    if (st != ZK_OK)
        return st;
    if (x == NONE)
        return node_fail(c, ZK_ERR_INPUT, "missing input");
    int64_t axes[ZK_MODEL_MAX_RANK];
    int na;
    if (ax != NONE) {
        if ((st = require_const(c, ax, "axes")) != ZK_OK)
            return st;
        uint64_t k = numel(c->e[ax].rank, c->e[ax].dims);
        if (k > ZK_MODEL_MAX_RANK)
            return node_fail(c, ZK_ERR_INPUT, "too many axes");
        for (uint64_t i = 0; i < k; i++)
            axes[i] = (int64_t)c->e[ax].val[i];
        na = (int)k;
    } else {
        na = attr_ints(c->cur, "axes", axes, ZK_MODEL_MAX_RANK);
        if (na == -2)
            return node_fail(c, ZK_ERR_INPUT, "too many axes");
        if (na < 0 && unsq)
            return node_fail(c, ZK_ERR_INPUT, "axes are required");
    }
    const ent *X = &c->e[x];
    uint32_t p = X->is_const ? 0 : c->pfx, r = X->rank - p;
    int64_t od[ZK_MODEL_MAX_RANK + 1] = {0};
    uint32_t ro = 0;
    od[0] = 1;
    if (unsq) {
        uint32_t rn = r + (uint32_t)na;
        if (rn + p > ZK_MODEL_MAX_RANK)
            return node_fail(c, ZK_ERR_INPUT, "result rank %u too large", rn);
        int is_new[2 * ZK_MODEL_MAX_RANK] = {0};
        for (int i = 0; i < na; i++) {
            int64_t a = axes[i] < 0 ? axes[i] + rn : axes[i];
            if (a < 0 || a >= (int64_t)rn || is_new[a])
                return node_fail(c, ZK_ERR_INPUT, "bad axis %lld", (long long)axes[i]);
            is_new[a] = 1;
        }
        uint32_t k = 0;
        for (uint32_t d = 0; d < rn; d++)
            od[p + d] = is_new[d] ? 1 : X->dims[p + k++];
        ro = rn;
    } else {
        int drop[ZK_MODEL_MAX_RANK] = {0};
        for (int i = 0; i < (na < 0 ? 0 : na); i++) {
            int64_t a = axes[i] < 0 ? axes[i] + r : axes[i];
            if (a < 0 || a >= (int64_t)r || X->dims[p + a] != 1)
                return node_fail(c, ZK_ERR_INPUT, "axis %lld is not a dimension of size 1", (long long)axes[i]);
            drop[a] = 1;
        }
        for (uint32_t d = 0; d < r; d++)
            if (!(na < 0 ? X->dims[p + d] == 1 : drop[d]))
                od[p + ro++] = X->dims[p + d];
    }
    return emit_reshape(c, ZK_OP_RESHAPE, x, ro + p, od);
}

/* Cast: folded on constants; float-to-float on activations is the identity. */
static int op_cast(ctx *c)
{
    uint32_t x;
    int st = need_inputs(c, 1, 1);
    if (st == ZK_OK)
        st = get_input(c, 0, &x);
    if (st != ZK_OK)
        return st;
    if (x == NONE)
        return node_fail(c, ZK_ERR_INPUT, "missing input");
    int64_t to = attr_int(c->cur, "to", 0);
    const ent *X = &c->e[x];
    int is_float = to == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT || to == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE;
    if (!X->is_const) {
        if (!is_float)
            return node_fail(c, ZK_ERR_INPUT, "cast of an activation to %s is not supported", dtype_name((int32_t)to));
        return emit1(c, ZK_OP_IDENTITY, x, X->rank, X->dims, NULL);
    }
    int es = elem_size((int32_t)to);
    if (!es)
        return node_fail(c, ZK_ERR_INPUT, "cast to %s is not supported", dtype_name((int32_t)to));
    uint64_t n = numel(X->rank, X->dims);
    double *v = malloc((size_t)(n ? n : 1) * sizeof *v);
    if (!v)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (uint64_t i = 0; i < n; i++)
        v[i] = is_float ? (to == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT ? (double)(float)X->val[i] : X->val[i])
               : to == ONNX__TENSOR_PROTO__DATA_TYPE__BOOL ? (X->val[i] != 0)
                                                            : trunc(X->val[i]);
    return add_const(c, out_name(c), X->rank, X->dims, v) == NONE ? ZK_ERR_NOMEM : ZK_OK;
}

static int import_node(ctx *c, const Onnx__NodeProto *n)
{
    const char *op = n->op_type ? n->op_type : "";
    if (n->domain && n->domain[0] && strcmp(n->domain, "ai.onnx") != 0)
        return node_fail(c, ZK_ERR_INPUT, "operator %s of domain '%s' is not supported (only the default ONNX domain)",
                         op, n->domain);
    static const struct {
        const char *name;
        zk_op op;
    } unary[] = {{"Relu", ZK_OP_RELU},         {"Sigmoid", ZK_OP_SIGMOID},   {"Tanh", ZK_OP_TANH},
                 {"LeakyRelu", ZK_OP_LEAKY_RELU}, {"Identity", ZK_OP_IDENTITY}};
    for (size_t i = 0; i < sizeof unary / sizeof unary[0]; i++)
        if (strcmp(op, unary[i].name) == 0)
            return op_unary(c, unary[i].op);
    if (strcmp(op, "Dropout") == 0) {
        if (c->opset >= 12 && n->n_input > 2 && n->input[2] && n->input[2][0]) {
            uint32_t t;
            int st = get_input(c, 2, &t);
            if (st != ZK_OK)
                return st;
            if (!c->e[t].is_const || c->e[t].val[0] != 0)
                return node_fail(c, ZK_ERR_INPUT, "training_mode must be a constant false");
        }
        for (size_t i = 1; i < n->n_output; i++)
            if (n->output[i] && n->output[i][0])
                return node_fail(c, ZK_ERR_INPUT, "the mask output is not supported");
        uint32_t x;
        int st = get_input(c, 0, &x);
        if (st != ZK_OK)
            return st;
        if ((st = require_act(c, x, "data")) != ZK_OK)
            return st;
        if (n->n_output < 1 || !n->output[0] || !n->output[0][0])
            return node_fail(c, ZK_ERR_INPUT, "no output");
        return emit1(c, ZK_OP_IDENTITY, x, c->e[x].rank, c->e[x].dims, NULL);
    }
    if (c->pfx && (strcmp(op, "Conv") == 0 || strstr(op, "Pool") || strcmp(op, "BatchNormalization") == 0))
        return node_fail(c, ZK_ERR_INPUT, "%s needs the batch as the first dimension (not with single_example)", op);
    if (strcmp(op, "Add") == 0)
        return op_binary(c, ZK_OP_ADD);
    if (strcmp(op, "Sub") == 0)
        return op_binary(c, ZK_OP_SUB);
    if (strcmp(op, "Mul") == 0)
        return op_binary(c, ZK_OP_MUL);
    if (strcmp(op, "Gemm") == 0)
        return op_gemm(c);
    if (strcmp(op, "MatMul") == 0)
        return op_matmul(c);
    if (strcmp(op, "Conv") == 0)
        return op_conv(c);
    if (strcmp(op, "MaxPool") == 0)
        return op_pool(c, ZK_OP_MAXPOOL);
    if (strcmp(op, "AveragePool") == 0)
        return op_pool(c, ZK_OP_AVGPOOL);
    if (strcmp(op, "GlobalAveragePool") == 0)
        return op_pool(c, ZK_OP_GLOBAL_AVGPOOL);
    if (strcmp(op, "BatchNormalization") == 0)
        return op_batchnorm(c);
    if (strcmp(op, "Flatten") == 0)
        return op_flatten(c);
    if (strcmp(op, "Reshape") == 0)
        return op_reshape(c);
    if (strcmp(op, "Transpose") == 0)
        return op_transpose(c);
    if (strcmp(op, "Concat") == 0)
        return op_concat(c);
    if (strcmp(op, "Pad") == 0)
        return op_pad(c);
    if (strcmp(op, "Softmax") == 0)
        return op_softmax(c);
    if (strcmp(op, "Constant") == 0)
        return op_constant(c);
    if (strcmp(op, "Shape") == 0)
        return op_shape(c);
    if (strcmp(op, "Gather") == 0)
        return op_gather(c);
    if (strcmp(op, "Unsqueeze") == 0)
        return op_squeeze(c, 1);
    if (strcmp(op, "Squeeze") == 0)
        return op_squeeze(c, 0);
    if (strcmp(op, "Cast") == 0)
        return op_cast(c);
    return node_fail(c, ZK_ERR_INPUT, "operator %s is not supported", op[0] ? op : "(empty)");
}

/* ---- graph ---- */
static int value_shape(const Onnx__ValueInfoProto *vi, uint32_t batch, uint32_t *rank, int64_t *dims)
{
    const char *nm = vi->name ? vi->name : "";
    if (!vi->type || vi->type->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || !vi->type->tensor_type)
        return zk_set_error(ZK_ERR_INPUT, "graph input '%s' is not a tensor", nm);
    const Onnx__TypeProto__Tensor *tt = vi->type->tensor_type;
    if (tt->has_elem_type && tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT &&
        tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
        return zk_set_error(ZK_ERR_INPUT, "graph input '%s' has element type %s (only float inputs are supported)", nm,
                            dtype_name(tt->elem_type));
    if (!tt->shape)
        return zk_set_error(ZK_ERR_INPUT, "graph input '%s' has no shape (static shapes are required)", nm);
    if (tt->shape->n_dim < 1 || tt->shape->n_dim > ZK_MODEL_MAX_RANK)
        return zk_set_error(ZK_ERR_INPUT, "graph input '%s' has rank %zu (1..%u supported)", nm, tt->shape->n_dim,
                            ZK_MODEL_MAX_RANK);
    *rank = (uint32_t)tt->shape->n_dim;
    for (size_t d = 0; d < tt->shape->n_dim; d++) {
        const Onnx__TensorShapeProto__Dimension *dm = tt->shape->dim[d];
        int64_t v = dm->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE ? dm->dim_value : 0;
        if (v <= 0) {
            if (d != 0)
                return zk_set_error(ZK_ERR_INPUT, "graph input '%s': dimension %zu is symbolic (only the batch dimension may be)",
                                    nm, d);
            v = batch ? batch : 1;
        }
        if (v > ((int64_t)1 << 24))
            return zk_set_error(ZK_ERR_INPUT, "graph input '%s': dimension %zu = %lld too large", nm, d, (long long)v);
        dims[d] = v;
    }
    return ZK_OK;
}

static void ctx_free(ctx *c)
{
    nmap_free(&c->names);
    nmap_free(&c->uses);
    for (uint32_t i = 0; i < c->n_e; i++)
        free(c->e[i].val);
    free(c->e);
    if (c->t) {
        for (uint32_t i = 0; i < c->n_t; i++)
            free(c->t[i].fdata);
        free(c->t);
    }
    free(c->nd);
    memset(c, 0, sizeof *c);
}

static int import_graph(ctx *c, zk_model *out, const Onnx__ModelProto *mp, const zk_onnx_options *opt)
{
    const Onnx__GraphProto *g = mp->graph;
    if (!g)
        return zk_set_error(ZK_ERR_INPUT, "no graph");
    c->opset = 0;
    c->pfx = opt && opt->single_example ? 1 : 0;
    if (nmap_init(&c->names, 4 * ZK_MODEL_MAX_TENSORS + ZK_MODEL_MAX_NODES + 8) != ZK_OK)
        return ZK_ERR_NOMEM;
    for (size_t i = 0; i < mp->n_opset_import; i++) {
        const Onnx__OperatorSetIdProto *o = mp->opset_import[i];
        if ((!o->domain || !o->domain[0] || strcmp(o->domain, "ai.onnx") == 0) && o->has_version)
            c->opset = o->version;
    }
    if (c->opset == 0)
        c->opset = 1; /* IR 1/2 models without opset_import */
    if (c->opset > 18)
        return zk_set_error(ZK_ERR_INPUT, "opset %lld is newer than supported (1..18)", (long long)c->opset);
    if (g->n_node > ZK_MODEL_MAX_NODES * 2)
        return zk_set_error(ZK_ERR_NOMEM, "%zu nodes exceed the limit %u", g->n_node, ZK_MODEL_MAX_NODES * 2);
    if (g->n_initializer > ZK_MODEL_MAX_TENSORS)
        return zk_set_error(ZK_ERR_NOMEM, "%zu initializers exceed the limit %u", g->n_initializer, ZK_MODEL_MAX_TENSORS);
    if (g->n_input > ZK_MODEL_MAX_TENSORS || g->n_output > ZK_MODEL_MAX_TENSORS || g->n_value_info > 4 * ZK_MODEL_MAX_TENSORS)
        return zk_set_error(ZK_ERR_NOMEM, "graph declares %zu inputs / %zu outputs (limit %u)", g->n_input, g->n_output,
                            ZK_MODEL_MAX_TENSORS);
    /* Per-node counts bounded before any per-node work (name lookups are linear). */
    for (size_t k = 0; k < g->n_node; k++) {
        const Onnx__NodeProto *n = g->node[k];
        if (n->n_input > 64 || n->n_output > 8 || n->n_attribute > 64)
            return zk_set_error(ZK_ERR_INPUT, "node %zu ('%s', %s) has %zu inputs, %zu outputs, %zu attributes "
                                "(limits 64, 8, 64)", k, n->name ? n->name : "", n->op_type ? n->op_type : "?",
                                n->n_input, n->n_output, n->n_attribute);
    }
    /* references of every name (node inputs, graph outputs), before any entity exists */
    uint64_t refs = g->n_output;
    for (size_t k = 0; k < g->n_node; k++)
        refs += g->node[k]->n_input;
    if (nmap_init(&c->uses, refs) != ZK_OK)
        return ZK_ERR_NOMEM;
    for (size_t k = 0; k <= g->n_node; k++) {
        size_t cnt = k < g->n_node ? g->node[k]->n_input : g->n_output;
        for (size_t i = 0; i < cnt; i++) {
            const char *nm = k < g->n_node ? g->node[k]->input[i] : g->output[i]->name;
            if (!nm || !nm[0])
                continue;
            uint32_t u = nmap_get(&c->uses, nm);
            nmap_put(&c->uses, nm, u == UINT32_MAX ? 1 : u + 1);
        }
    }
    char err[200];
    /* initializers */
    for (size_t i = 0; i < g->n_initializer; i++) {
        const Onnx__TensorProto *tp = g->initializer[i];
        uint32_t rank = 0;
        int64_t dims[ZK_MODEL_MAX_RANK];
        double *v;
        uint64_t n;
        int st = decode_tensor(tp, &rank, dims, &v, &n, err, sizeof err);
        if (st != ZK_OK)
            return zk_set_error(st, "initializer '%s': %s", tp->name ? tp->name : "", err);
        if (!tp->name || !tp->name[0]) {
            free(v);
            return zk_set_error(ZK_ERR_INPUT, "initializer %zu has no name", i);
        }
        if (add_const(c, tp->name, rank, dims, v) == NONE)
            return ZK_ERR_NOMEM;
    }
    /* graph inputs (those without initializer), bound ones become constants */
    uint32_t n_bound = 0, input_ent = NONE;
    for (size_t i = 0; i < g->n_input; i++) {
        const Onnx__ValueInfoProto *vi = g->input[i];
        if (!vi->name || !vi->name[0])
            return zk_set_error(ZK_ERR_INPUT, "graph input %zu has no name", i);
        if (find_ent(c, vi->name) != NONE)
            continue; /* IR < 4: initializers are also listed as inputs */
        if (input_ent == NONE) {
            uint32_t rank = 0;
            int64_t dims[ZK_MODEL_MAX_RANK] = {0};
            int st = value_shape(vi, opt ? opt->batch : 0, &rank, dims);
            if (st != ZK_OK)
                return st;
            if (c->pfx) {
                if (rank + 1 > ZK_MODEL_MAX_RANK)
                    return zk_set_error(ZK_ERR_INPUT, "graph input '%s' has rank %u (at most %u with single_example)",
                                        vi->name, rank, ZK_MODEL_MAX_RANK - 1);
                memmove(dims + 1, dims, rank * sizeof dims[0]);
                dims[0] = 1;
                rank++;
            }
            c->cur_name[0] = 0;
            c->cur = NULL;
            uint64_t per = numel(rank, dims) / (uint64_t)dims[0];
            if (per > ZK_ONNX_MAX_ACT_ELEMS)
                return zk_set_error(ZK_ERR_NOMEM, "graph input '%s' has more than 2^24 elements per example", vi->name);
            input_ent = add_ent(c, vi->name);
            uint32_t ti = input_ent == NONE ? NONE : add_tensor(c, vi->name, 0);
            if (ti == NONE)
                return ZK_ERR_NOMEM;
            ent *e = &c->e[input_ent];
            e->rank = rank;
            memcpy(e->dims, dims, sizeof e->dims);
            e->tidx = ti;
            c->t[ti].rank = rank;
            memcpy(c->t[ti].dims, dims, sizeof dims[0] * ZK_MODEL_MAX_RANK);
            continue;
        }
        if (!opt || n_bound >= opt->n_bind)
            return zk_set_error(ZK_ERR_INPUT, "graph has more than one input ('%s' is the second; zkmlops models take "
                                "one input tensor)", vi->name);
        const zk_ftensor *b = &opt->bind[n_bound++];
        double *v = malloc((size_t)(b->n ? b->n : 1) * sizeof *v);
        if (!v)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        for (uint64_t k = 0; k < b->n; k++)
            v[k] = b->data[k];
        if (add_const(c, vi->name, b->rank, b->dims, v) == NONE)
            return ZK_ERR_NOMEM;
    }
    if (input_ent == NONE)
        return zk_set_error(ZK_ERR_INPUT, "graph has no input");
    /* uses of each value: count by name over node inputs and graph outputs (resolved lazily) */
    for (size_t k = 0; k < g->n_node; k++) {
        const Onnx__NodeProto *n = g->node[k];
        c->cur = n;
        if (n->name && n->name[0])
            snprintf(c->cur_name, sizeof c->cur_name, "%s", n->name);
        else
            snprintf(c->cur_name, sizeof c->cur_name, "%s_%zu", n->op_type ? n->op_type : "node", k);
        for (size_t i = 0; i < n->n_output; i++)
            if (n->output[i] && n->output[i][0] && find_ent(c, n->output[i]) != NONE)
                return node_fail(c, ZK_ERR_INPUT, "output '%s' is already defined", n->output[i]);
        int st = import_node(c, n);
        if (st != ZK_OK)
            return st;
    }
    if (g->n_output != 1)
        return zk_set_error(ZK_ERR_INPUT, "graph has %zu outputs (zkmlops models have exactly one)", g->n_output);
    const char *oname = g->output[0]->name ? g->output[0]->name : "";
    uint32_t oe = find_ent(c, oname);
    if (oe == NONE)
        return zk_set_error(ZK_ERR_INPUT, "graph output '%s' is not produced by any node", oname);
    if (c->e[oe].is_const)
        return zk_set_error(ZK_ERR_INPUT, "graph output '%s' is a constant (it does not depend on the input)", oname);
    for (uint32_t k = 0; k < c->n_nd; k++)
        if (c->nd[k].op == ZK_OP_SOFTMAX && (k != c->n_nd - 1 || c->nd[k].out[0] != c->e[oe].tidx))
            return zk_set_error(ZK_ERR_INPUT, "node '%s' (Softmax, opset %lld): Softmax is supported only as the final "
                                "node (proved as the one-hot argmax of its input)", c->nd[k].name, (long long)c->opset);
    if (c->n_nd == 0)
        return zk_set_error(ZK_ERR_INPUT, "graph has no computation");
    /* Move into the model. */
    memset(out, 0, sizeof *out);
    out->n_tensors = c->n_t;
    out->tensors = c->t;
    out->n_nodes = c->n_nd;
    out->nodes = c->nd;
    out->input = c->e[input_ent].tidx;
    out->output = c->e[oe].tidx;
    out->act_bits = 40;
    c->t = NULL;
    c->nd = NULL;
    c->n_t = c->n_nd = 0;
    return ZK_OK;
}

int zk_onnx_load_mem(zk_model *out, const uint8_t *buf, size_t len, const zk_onnx_options *opt)
{
    memset(out, 0, sizeof *out);
    if (opt && opt->n_bind > ZK_ONNX_MAX_BIND)
        return zk_set_error(ZK_ERR_INPUT, "too many bound inputs");
    alloc_budget bud = {0, ((size_t)16 << 20) + 4 * len};
    ProtobufCAllocator al = {budget_alloc, budget_free, &bud};
    Onnx__ModelProto *mp = onnx__model_proto__unpack(&al, len, buf);
    if (!mp)
        return zk_set_error(ZK_ERR_INPUT, "not a valid ONNX model (protobuf decoding failed%s)",
                            bud.used >= bud.budget / 2 ? "; or it declares more data than it holds" : "");
    if (opt && opt->ops_out && opt->ops_out_len) {
        char *o = opt->ops_out;
        size_t cap = opt->ops_out_len, used = 0;
        o[0] = 0;
        for (size_t k = 0; mp->graph && k < mp->graph->n_node; k++) {
            const char *t = mp->graph->node[k]->op_type ? mp->graph->node[k]->op_type : "?";
            size_t tl = strlen(t);
            int seen = 0;
            for (const char *q = o; *q && !seen; q = strchr(q, ',') ? strchr(q, ',') + 1 : q + strlen(q))
                seen = strncmp(q, t, tl) == 0 && (q[tl] == ',' || q[tl] == 0);
            if (!seen && used + tl + 2 <= cap) {
                used += (size_t)snprintf(o + used, cap - used, "%s%s", used ? "," : "", t);
            }
        }
    }
    ctx c;
    memset(&c, 0, sizeof c);
    int st = import_graph(&c, out, mp, opt);
    ctx_free(&c);
    onnx__model_proto__free_unpacked(mp, &al);
    if (st == ZK_OK) {
        st = zk_model_validate(out, 0);
        if (st != ZK_OK)
            zk_model_free(out);
    }
    return st;
}

int zk_onnx_load(zk_model *out, const char *path, const zk_onnx_options *opt)
{
    memset(out, 0, sizeof *out);
    uint8_t *buf = NULL;
    size_t len = 0;
    int st = zk_read_file(path, ZK_ONNX_MAX_FILE_BYTES, &buf, &len);
    if (st != ZK_OK)
        return st;
    st = zk_onnx_load_mem(out, buf, len, opt);
    free(buf);
    if (st != ZK_OK)
        zk_error_prefix(st, path);
    return st;
}
