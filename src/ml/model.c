/* model.c — the quantized model IR: names, free/copy, the dense constructor,
 * sizes, structural validation and the public architecture encoding. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/model.h"

static const char *const op_names[ZK_OP_COUNT_] = {
    [ZK_OP_GEMM] = "Gemm",
    [ZK_OP_MATMUL] = "MatMul",
    [ZK_OP_ADD] = "Add",
    [ZK_OP_SUB] = "Sub",
    [ZK_OP_MUL] = "Mul",
    [ZK_OP_RELU] = "Relu",
    [ZK_OP_LEAKY_RELU] = "LeakyRelu",
    [ZK_OP_SIGMOID] = "Sigmoid",
    [ZK_OP_TANH] = "Tanh",
    [ZK_OP_CONV] = "Conv",
    [ZK_OP_MAXPOOL] = "MaxPool",
    [ZK_OP_AVGPOOL] = "AveragePool",
    [ZK_OP_GLOBAL_AVGPOOL] = "GlobalAveragePool",
    [ZK_OP_BATCHNORM] = "BatchNormalization",
    [ZK_OP_FLATTEN] = "Flatten",
    [ZK_OP_RESHAPE] = "Reshape",
    [ZK_OP_TRANSPOSE] = "Transpose",
    [ZK_OP_CONCAT] = "Concat",
    [ZK_OP_IDENTITY] = "Identity",
    [ZK_OP_CONSTANT] = "Constant",
    [ZK_OP_PAD] = "Pad",
    [ZK_OP_SOFTMAX] = "Softmax",
    [ZK_OP_ARGMAX] = "ArgMax",
};

const char *zk_op_name(zk_op op)
{
    if ((int)op <= 0 || op >= ZK_OP_COUNT_ || !op_names[op])
        return "unknown";
    return op_names[op];
}

void zk_model_free(zk_model *m)
{
    if (!m)
        return;
    if (m->tensors) {
        for (uint32_t i = 0; i < m->n_tensors; i++) {
            zk_tensor *t = &m->tensors[i];
            free(t->fdata);
            if (t->qdata) {
                memset(t->qdata, 0, (size_t)zk_tensor_numel(t) * sizeof *t->qdata);
                free(t->qdata);
            }
        }
    }
    free(m->tensors);
    free(m->nodes);
    memset(m, 0, sizeof *m);
}

uint64_t zk_tensor_numel(const zk_tensor *t)
{
    uint64_t n = 1;
    for (uint32_t d = 0; d < t->rank && d < ZK_MODEL_MAX_RANK; d++) {
        if (t->dims[d] <= 0)
            return 0;
        n *= (uint64_t)t->dims[d];
        if (n > ((uint64_t)1 << 40))
            return (uint64_t)1 << 40;
    }
    return n;
}

uint64_t zk_tensor_example_size(const zk_tensor *t)
{
    if (t->is_param)
        return zk_tensor_numel(t);
    uint64_t n = 1;
    for (uint32_t d = 1; d < t->rank && d < ZK_MODEL_MAX_RANK; d++) {
        if (t->dims[d] <= 0)
            return 0;
        n *= (uint64_t)t->dims[d];
        if (n > ((uint64_t)1 << 40))
            return (uint64_t)1 << 40;
    }
    return n;
}

uint64_t zk_model_n_params(const zk_model *m)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < m->n_tensors; i++)
        if (m->tensors[i].is_param)
            n += zk_tensor_numel(&m->tensors[i]);
    return n;
}

uint64_t zk_model_param_offset(const zk_model *m, uint32_t tensor)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < tensor && i < m->n_tensors; i++)
        if (m->tensors[i].is_param)
            n += zk_tensor_numel(&m->tensors[i]);
    return n;
}

uint64_t zk_model_input_size(const zk_model *m)
{
    return m->input < m->n_tensors ? zk_tensor_example_size(&m->tensors[m->input]) : 0;
}

uint64_t zk_model_output_size(const zk_model *m)
{
    return m->output < m->n_tensors ? zk_tensor_example_size(&m->tensors[m->output]) : 0;
}

static int copy_tensor(zk_tensor *dst, const zk_tensor *src, int with_data)
{
    *dst = *src;
    dst->fdata = NULL;
    dst->qdata = NULL;
    if (!with_data || !src->is_param)
        return ZK_OK;
    size_t n = (size_t)zk_tensor_numel(src);
    if (src->qdata) {
        if (!(dst->qdata = malloc(n * sizeof *dst->qdata)))
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        memcpy(dst->qdata, src->qdata, n * sizeof *dst->qdata);
    }
    if (src->fdata) {
        if (!(dst->fdata = malloc(n * sizeof *dst->fdata)))
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        memcpy(dst->fdata, src->fdata, n * sizeof *dst->fdata);
    }
    return ZK_OK;
}

int zk_model_copy(zk_model *dst, const zk_model *src, int with_data)
{
    memset(dst, 0, sizeof *dst);
    dst->tensors = calloc(src->n_tensors ? src->n_tensors : 1, sizeof *dst->tensors);
    dst->nodes = calloc(src->n_nodes ? src->n_nodes : 1, sizeof *dst->nodes);
    if (!dst->tensors || !dst->nodes) {
        zk_model_free(dst);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    dst->n_tensors = src->n_tensors;
    dst->n_nodes = src->n_nodes;
    dst->input = src->input;
    dst->output = src->output;
    dst->act_bits = src->act_bits;
    memcpy(dst->nodes, src->nodes, src->n_nodes * sizeof *src->nodes);
    for (uint32_t i = 0; i < src->n_tensors; i++) {
        if (copy_tensor(&dst->tensors[i], &src->tensors[i], with_data) != ZK_OK) {
            zk_model_free(dst);
            return ZK_ERR_NOMEM;
        }
    }
    return ZK_OK;
}

/* ---- structural validation ---- */
int zk_model_validate(const zk_model *m, int need_data)
{
    if (m->n_tensors == 0 || m->n_tensors > ZK_MODEL_MAX_TENSORS)
        return zk_set_error(ZK_ERR_INPUT, "model: tensor count %u outside 1..%u", m->n_tensors,
                            ZK_MODEL_MAX_TENSORS);
    if (m->n_nodes == 0 || m->n_nodes > ZK_MODEL_MAX_NODES)
        return zk_set_error(ZK_ERR_INPUT, "model: node count %u outside 1..%u", m->n_nodes, ZK_MODEL_MAX_NODES);
    if (m->act_bits < 8 || m->act_bits > 60)
        return zk_set_error(ZK_ERR_INPUT, "model: activation bound act_bits = %u outside 8..60", m->act_bits);
    if (m->input >= m->n_tensors || m->output >= m->n_tensors)
        return zk_set_error(ZK_ERR_INPUT, "model: input/output tensor index out of range");
    uint64_t n_params = 0;
    for (uint32_t i = 0; i < m->n_tensors; i++) {
        const zk_tensor *t = &m->tensors[i];
        if (memchr(t->name, 0, ZK_MODEL_MAX_NAME) == NULL)
            return zk_set_error(ZK_ERR_INPUT, "model: tensor %u: name not terminated", i);
        if (t->rank > ZK_MODEL_MAX_RANK || (!t->is_param && t->rank < 1))
            return zk_set_error(ZK_ERR_INPUT, "model: tensor '%s': rank %u outside %u..%u", t->name, t->rank,
                                t->is_param ? 0u : 1u, ZK_MODEL_MAX_RANK);
        if (t->is_param != 0 && t->is_param != 1)
            return zk_set_error(ZK_ERR_INPUT, "model: tensor '%s': is_param must be 0 or 1", t->name);
        for (uint32_t d = 0; d < t->rank; d++)
            if (t->dims[d] < 1 || t->dims[d] > ((int64_t)1 << 24))
                return zk_set_error(ZK_ERR_INPUT, "model: tensor '%s': dimension %u = %lld outside 1..2^24",
                                    t->name, d, (long long)t->dims[d]);
        for (uint32_t d = t->rank; d < ZK_MODEL_MAX_RANK; d++)
            if (t->dims[d] != 0)
                return zk_set_error(ZK_ERR_INPUT, "model: tensor '%s': unused dimension %u is not 0", t->name, d);
        if (t->scale > 40)
            return zk_set_error(ZK_ERR_INPUT, "model: tensor '%s': scale %u exceeds 40", t->name, t->scale);
        uint64_t n = zk_tensor_numel(t);
        if (n > ((uint64_t)1 << 26))
            return zk_set_error(ZK_ERR_INPUT, "model: tensor '%s': more than 2^26 elements", t->name);
        if (t->is_param) {
            n_params += n;
            if (need_data) {
                if (!t->qdata)
                    return zk_set_error(ZK_ERR_INPUT, "model: parameter '%s' has no quantized data", t->name);
                for (uint64_t k = 0; k < n; k++)
                    if (t->qdata[k] >= ((int64_t)1 << 62) || t->qdata[k] <= -((int64_t)1 << 62))
                        return zk_set_error(ZK_ERR_RANGE, "model: parameter '%s'[%llu] = %lld outside (-2^62, 2^62)",
                                            t->name, (unsigned long long)k, (long long)t->qdata[k]);
            }
        } else if (zk_tensor_example_size(t) > ((uint64_t)1 << 24)) {
            return zk_set_error(ZK_ERR_INPUT, "model: tensor '%s': more than 2^24 elements per example", t->name);
        }
    }
    if (n_params > ZK_MODEL_MAX_PARAMS)
        return zk_set_error(ZK_ERR_INPUT, "model: %llu parameters exceed the limit %llu",
                            (unsigned long long)n_params, (unsigned long long)ZK_MODEL_MAX_PARAMS);
    if (m->tensors[m->input].is_param || m->tensors[m->output].is_param)
        return zk_set_error(ZK_ERR_INPUT, "model: the graph input/output must be an activation tensor");
    /* Every activation other than the input is produced by exactly one node,
     * before it is used (topological order). */
    uint8_t *ready = calloc(m->n_tensors, 1);
    if (!ready)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    int st = ZK_OK;
    for (uint32_t i = 0; i < m->n_tensors; i++)
        ready[i] = m->tensors[i].is_param || i == m->input;
    for (uint32_t k = 0; k < m->n_nodes && st == ZK_OK; k++) {
        const zk_node *nd = &m->nodes[k];
        if (memchr(nd->name, 0, ZK_MODEL_MAX_NAME) == NULL) {
            st = zk_set_error(ZK_ERR_INPUT, "model: node %u: name not terminated", k);
            break;
        }
        if ((int)nd->op <= 0 || nd->op >= ZK_OP_COUNT_) {
            st = zk_set_error(ZK_ERR_INPUT, "model: node %u ('%s'): unknown op %d", k, nd->name, (int)nd->op);
            break;
        }
        if (nd->n_in < 1 || nd->n_in > ZK_MODEL_MAX_INPUTS || nd->n_out < 1 || nd->n_out > 2 ||
            nd->n_ints > ZK_MODEL_MAX_ATTRS) {
            st = zk_set_error(ZK_ERR_INPUT, "model: node '%s' (%s): bad input/output/attribute count", nd->name,
                              zk_op_name(nd->op));
            break;
        }
        for (uint32_t j = 0; j < nd->n_in; j++) {
            if (nd->in[j] >= m->n_tensors || !ready[nd->in[j]]) {
                st = zk_set_error(ZK_ERR_INPUT, "model: node '%s' (%s): input %u is not available (graph not in "
                                  "topological order?)", nd->name, zk_op_name(nd->op), j);
                break;
            }
        }
        for (uint32_t j = 0; j < nd->n_out && st == ZK_OK; j++) {
            uint32_t o = nd->out[j];
            if (o >= m->n_tensors || ready[o] || m->tensors[o].is_param) {
                st = zk_set_error(ZK_ERR_INPUT, "model: node '%s' (%s): output %u is invalid or produced twice",
                                  nd->name, zk_op_name(nd->op), j);
                break;
            }
            ready[o] = 1;
        }
    }
    if (st == ZK_OK && !ready[m->output])
        st = zk_set_error(ZK_ERR_INPUT, "model: no node produces the graph output '%s'", m->tensors[m->output].name);
    free(ready);
    return st;
}

/* ---- dense constructor ---- */
int zk_model_dense(zk_model *m, uint32_t n_layers, const uint32_t *dims, const zk_op *act, uint32_t scale,
                   const int64_t *const *weights, const int64_t *const *biases)
{
    memset(m, 0, sizeof *m);
    if (n_layers < 1 || n_layers > 256)
        return zk_set_error(ZK_ERR_INPUT, "dense model: %u layers (1..256)", n_layers);
    if (scale < 1 || scale > 24)
        return zk_set_error(ZK_ERR_INPUT, "dense model: scale %u outside 1..24", scale);
    for (uint32_t l = 0; l <= n_layers; l++)
        if (dims[l] < 1 || dims[l] > (1u << 20))
            return zk_set_error(ZK_ERR_INPUT, "dense model: width %u of layer %u outside 1..2^20", dims[l], l);
    for (uint32_t l = 0; l < n_layers; l++) {
        if (act[l] != ZK_OP_RELU && act[l] != ZK_OP_SIGMOID && act[l] != ZK_OP_IDENTITY)
            return zk_set_error(ZK_ERR_INPUT, "dense model: layer %u activation must be Relu, Sigmoid or Identity", l);
        if (act[l] == ZK_OP_SIGMOID && scale < 5)
            return zk_set_error(ZK_ERR_INPUT, "dense model: Sigmoid needs scale >= 5");
        if (!weights[l] || !biases[l])
            return zk_set_error(ZK_ERR_INPUT, "dense model: layer %u has no weights or bias", l);
    }
    /* Tensors: input, then per layer W, b, gemm out, [act out]. */
    uint32_t n_t = 1, n_n = 0;
    for (uint32_t l = 0; l < n_layers; l++) {
        n_t += 3 + (act[l] != ZK_OP_IDENTITY);
        n_n += 1 + (act[l] != ZK_OP_IDENTITY);
    }
    m->tensors = calloc(n_t, sizeof *m->tensors);
    m->nodes = calloc(n_n, sizeof *m->nodes);
    if (!m->tensors || !m->nodes) {
        zk_model_free(m);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    m->n_tensors = n_t;
    m->n_nodes = n_n;
    m->act_bits = 40;
    zk_tensor *t = &m->tensors[0];
    strcpy(t->name, "input");
    t->rank = 2;
    t->dims[0] = 1;
    t->dims[1] = dims[0];
    t->scale = scale;
    m->input = 0;
    uint32_t cur = 0, ti = 1, ni = 0;
    for (uint32_t l = 0; l < n_layers; l++) {
        uint32_t wi = ti++, bi = ti++, gi = ti++;
        zk_tensor *w = &m->tensors[wi], *b = &m->tensors[bi], *g = &m->tensors[gi];
        snprintf(w->name, sizeof w->name, "W%u", l);
        w->rank = 2;
        w->dims[0] = dims[l + 1];
        w->dims[1] = dims[l];
        w->scale = scale;
        w->is_param = 1;
        snprintf(b->name, sizeof b->name, "b%u", l);
        b->rank = 1;
        b->dims[0] = dims[l + 1];
        b->scale = scale;
        b->is_param = 1;
        size_t nw = (size_t)dims[l + 1] * dims[l];
        w->qdata = malloc(nw * sizeof *w->qdata);
        b->qdata = malloc((size_t)dims[l + 1] * sizeof *b->qdata);
        if (!w->qdata || !b->qdata) {
            zk_model_free(m);
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        }
        memcpy(w->qdata, weights[l], nw * sizeof *w->qdata);
        memcpy(b->qdata, biases[l], (size_t)dims[l + 1] * sizeof *b->qdata);
        snprintf(g->name, sizeof g->name, "gemm%u", l);
        g->rank = 2;
        g->dims[0] = 1;
        g->dims[1] = dims[l + 1];
        g->scale = scale;
        zk_node *nd = &m->nodes[ni++];
        nd->op = ZK_OP_GEMM;
        snprintf(nd->name, sizeof nd->name, "dense%u", l);
        nd->n_in = 3;
        nd->in[0] = cur;
        nd->in[1] = wi;
        nd->in[2] = bi;
        nd->n_out = 1;
        nd->out[0] = gi;
        nd->n_ints = 2;
        nd->ints[0] = 0; /* transA */
        nd->ints[1] = 1; /* transB: W is out x in */
        nd->floats[0] = 1.0f;
        nd->floats[1] = 1.0f;
        cur = gi;
        if (act[l] != ZK_OP_IDENTITY) {
            uint32_t ai = ti++;
            zk_tensor *a = &m->tensors[ai];
            snprintf(a->name, sizeof a->name, "%s%u", act[l] == ZK_OP_RELU ? "relu" : "sigmoid", l);
            a->rank = 2;
            a->dims[0] = 1;
            a->dims[1] = dims[l + 1];
            a->scale = scale;
            zk_node *an = &m->nodes[ni++];
            an->op = act[l];
            snprintf(an->name, sizeof an->name, "%s%u", zk_op_name(act[l]), l);
            an->n_in = 1;
            an->in[0] = cur;
            an->n_out = 1;
            an->out[0] = ai;
            cur = ai;
        }
    }
    m->output = cur;
    int st = zk_model_validate(m, 1);
    if (st != ZK_OK)
        zk_model_free(m);
    return st;
}

/* ---- architecture encoding ---- */
#define ARCH_VERSION 1u

static void put_name(zk_wbuf *w, const char *s)
{
    uint32_t l = (uint32_t)strnlen(s, ZK_MODEL_MAX_NAME - 1);
    zk_wbuf_u32(w, l);
    zk_wbuf_put(w, s, l);
}

static int get_name(zk_rbuf *r, char out[ZK_MODEL_MAX_NAME])
{
    uint32_t l = zk_rbuf_u32(r);
    if (r->err || l >= ZK_MODEL_MAX_NAME)
        return zk_set_error(ZK_ERR_INPUT, "model architecture: bad name length");
    const uint8_t *s = zk_rbuf_take(r, l);
    if (!s)
        return zk_set_error(ZK_ERR_INPUT, "model architecture: truncated name");
    if (memchr(s, 0, l))
        return zk_set_error(ZK_ERR_INPUT, "model architecture: NUL byte in a name");
    memset(out, 0, ZK_MODEL_MAX_NAME);
    memcpy(out, s, l);
    return ZK_OK;
}

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

void zk_model_arch_write(zk_wbuf *w, const zk_model *m)
{
    zk_wbuf_u32(w, ARCH_VERSION);
    zk_wbuf_u32(w, m->n_tensors);
    zk_wbuf_u32(w, m->n_nodes);
    zk_wbuf_u32(w, m->input);
    zk_wbuf_u32(w, m->output);
    zk_wbuf_u32(w, m->act_bits);
    for (uint32_t i = 0; i < m->n_tensors; i++) {
        const zk_tensor *t = &m->tensors[i];
        put_name(w, t->name);
        zk_wbuf_u32(w, t->rank);
        for (uint32_t d = 0; d < t->rank && d < ZK_MODEL_MAX_RANK; d++)
            zk_wbuf_u64(w, (uint64_t)t->dims[d]);
        zk_wbuf_u32(w, t->scale);
        zk_wbuf_u32(w, (uint32_t)t->is_param);
    }
    for (uint32_t k = 0; k < m->n_nodes; k++) {
        const zk_node *nd = &m->nodes[k];
        zk_wbuf_u32(w, (uint32_t)nd->op);
        put_name(w, nd->name);
        zk_wbuf_u32(w, nd->n_in);
        zk_wbuf_u32(w, nd->n_out);
        for (uint32_t j = 0; j < nd->n_in && j < ZK_MODEL_MAX_INPUTS; j++)
            zk_wbuf_u32(w, nd->in[j]);
        for (uint32_t j = 0; j < nd->n_out && j < 2; j++)
            zk_wbuf_u32(w, nd->out[j]);
        zk_wbuf_u32(w, nd->n_ints);
        for (uint32_t j = 0; j < nd->n_ints && j < ZK_MODEL_MAX_ATTRS; j++)
            zk_wbuf_u64(w, (uint64_t)nd->ints[j]);
        for (uint32_t j = 0; j < 4; j++)
            zk_wbuf_u32(w, f32_bits(nd->floats[j]));
    }
}

int zk_model_arch_read(zk_rbuf *r, zk_model *m)
{
    memset(m, 0, sizeof *m);
    uint32_t ver = zk_rbuf_u32(r);
    uint32_t n_t = zk_rbuf_u32(r), n_n = zk_rbuf_u32(r);
    if (r->err)
        return zk_set_error(ZK_ERR_INPUT, "model architecture: truncated");
    if (ver != ARCH_VERSION)
        return zk_set_error(ZK_ERR_INPUT, "model architecture: version %u (this build reads %u)", ver, ARCH_VERSION);
    if (n_t == 0 || n_t > ZK_MODEL_MAX_TENSORS || n_n == 0 || n_n > ZK_MODEL_MAX_NODES)
        return zk_set_error(ZK_ERR_INPUT, "model architecture: %u tensors / %u nodes outside the limits", n_t, n_n);
    /* Each tensor takes at least 16 bytes and each node at least 36 (plus the
     * 12 bytes of input/output/act_bits): refuse counts the remaining bytes
     * cannot hold before allocating. */
    if ((uint64_t)n_t * 16 + (uint64_t)n_n * 36 + 12 > zk_rbuf_left(r))
        return zk_set_error(ZK_ERR_INPUT, "model architecture: truncated (declares %u tensors, %u nodes)", n_t, n_n);
    m->tensors = calloc(n_t, sizeof *m->tensors);
    m->nodes = calloc(n_n, sizeof *m->nodes);
    if (!m->tensors || !m->nodes) {
        zk_model_free(m);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    m->n_tensors = n_t;
    m->n_nodes = n_n;
    m->input = zk_rbuf_u32(r);
    m->output = zk_rbuf_u32(r);
    m->act_bits = zk_rbuf_u32(r);
    int st = ZK_OK;
    for (uint32_t i = 0; i < n_t && st == ZK_OK; i++) {
        zk_tensor *t = &m->tensors[i];
        if ((st = get_name(r, t->name)) != ZK_OK)
            break;
        t->rank = zk_rbuf_u32(r);
        if (r->err || t->rank > ZK_MODEL_MAX_RANK) {
            st = zk_set_error(ZK_ERR_INPUT, "model architecture: tensor %u: bad rank", i);
            break;
        }
        for (uint32_t d = 0; d < t->rank; d++)
            t->dims[d] = (int64_t)zk_rbuf_u64(r);
        t->scale = zk_rbuf_u32(r);
        uint32_t ip = zk_rbuf_u32(r);
        if (ip > 1) {
            st = zk_set_error(ZK_ERR_INPUT, "model architecture: tensor %u: bad parameter flag", i);
            break;
        }
        t->is_param = (int)ip;
    }
    for (uint32_t k = 0; k < n_n && st == ZK_OK; k++) {
        zk_node *nd = &m->nodes[k];
        nd->op = (zk_op)zk_rbuf_u32(r);
        if ((st = get_name(r, nd->name)) != ZK_OK)
            break;
        nd->n_in = zk_rbuf_u32(r);
        nd->n_out = zk_rbuf_u32(r);
        if (r->err || nd->n_in > ZK_MODEL_MAX_INPUTS || nd->n_out > 2) {
            st = zk_set_error(ZK_ERR_INPUT, "model architecture: node %u: bad input/output count", k);
            break;
        }
        for (uint32_t j = 0; j < nd->n_in; j++)
            nd->in[j] = zk_rbuf_u32(r);
        for (uint32_t j = 0; j < nd->n_out; j++)
            nd->out[j] = zk_rbuf_u32(r);
        nd->n_ints = zk_rbuf_u32(r);
        if (r->err || nd->n_ints > ZK_MODEL_MAX_ATTRS) {
            st = zk_set_error(ZK_ERR_INPUT, "model architecture: node %u: bad attribute count", k);
            break;
        }
        for (uint32_t j = 0; j < nd->n_ints; j++)
            nd->ints[j] = (int64_t)zk_rbuf_u64(r);
        for (uint32_t j = 0; j < 4; j++) {
            uint32_t u = zk_rbuf_u32(r);
            memcpy(&nd->floats[j], &u, 4);
            if (!isfinite(nd->floats[j]))
                st = zk_set_error(ZK_ERR_INPUT, "model architecture: node %u: non-finite attribute", k);
        }
    }
    if (st == ZK_OK && r->err)
        st = zk_set_error(ZK_ERR_INPUT, "model architecture: truncated");
    if (st == ZK_OK)
        st = zk_model_validate(m, 0);
    if (st != ZK_OK)
        zk_model_free(m);
    return st;
}

int zk_model_arch_digest(uint8_t out[ZK_HASH_BYTES], const zk_model *m)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_model_arch_write(&w, m);
    int st = w.oom ? zk_set_error(ZK_ERR_NOMEM, "out of memory") : ZK_OK;
    if (st == ZK_OK)
        zk_sha256(out, w.data, w.len);
    zk_wbuf_free(&w);
    return st;
}
