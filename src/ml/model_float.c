/* Float reference interpreter of the model IR (onnx.h: zk_model_run_float).
 * Plain loops, one example at a time, float storage and double accumulation,
 * following the ONNX operator definitions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/onnx.h"

#define MAXR ZK_MODEL_MAX_RANK

typedef struct {
    uint32_t rank;
    int64_t dims[MAXR];
    const float *v;
} view;

/* Per-example view of a tensor: activations get batch dimension 1. */
static view view_of(const zk_model *m, float *const *buf, uint32_t t)
{
    view w;
    const zk_tensor *T = &m->tensors[t];
    w.rank = T->rank;
    memcpy(w.dims, T->dims, sizeof w.dims);
    if (T->is_param) {
        w.v = T->fdata;
    } else {
        w.dims[0] = 1;
        w.v = buf[t];
    }
    return w;
}

static uint64_t vnumel(const view *w)
{
    uint64_t n = 1;
    for (uint32_t d = 0; d < w->rank; d++)
        n *= (uint64_t)w->dims[d];
    return n;
}

/* index into a (right-aligned, broadcast) input for output multi-index idx of rank r */
static uint64_t bidx(const view *a, const int64_t *idx, uint32_t r)
{
    uint64_t off = 0, stride = 1;
    for (uint32_t d = a->rank; d-- > 0;) {
        uint32_t od = d + (r - a->rank);
        if (a->dims[d] != 1)
            off += (uint64_t)idx[od] * stride;
        stride *= (uint64_t)a->dims[d];
    }
    return off;
}

static void unravel(uint64_t i, const int64_t *dims, uint32_t r, int64_t *idx)
{
    for (uint32_t d = r; d-- > 0;) {
        idx[d] = (int64_t)(i % (uint64_t)dims[d]);
        i /= (uint64_t)dims[d];
    }
}

static double sigm(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

static int run_node(const zk_model *m, const zk_node *nd, float *const *buf)
{
    const zk_tensor *O = &m->tensors[nd->out[0]];
    float *out = buf[nd->out[0]];
    view o = view_of(m, buf, nd->out[0]);
    uint64_t no = vnumel(&o);
    view x = view_of(m, buf, nd->in[0]);
    uint64_t nx = vnumel(&x);
    switch (nd->op) {
    case ZK_OP_IDENTITY:
    case ZK_OP_FLATTEN:
    case ZK_OP_RESHAPE:
    case ZK_OP_CONSTANT: /* a parameter's values, the same for every example */
        memcpy(out, x.v, (size_t)no * sizeof *out);
        return ZK_OK;
    case ZK_OP_RELU:
        for (uint64_t i = 0; i < nx; i++)
            out[i] = x.v[i] > 0 ? x.v[i] : 0.0f;
        return ZK_OK;
    case ZK_OP_LEAKY_RELU:
        for (uint64_t i = 0; i < nx; i++)
            out[i] = x.v[i] >= 0 ? x.v[i] : nd->floats[0] * x.v[i];
        return ZK_OK;
    case ZK_OP_SIGMOID:
        for (uint64_t i = 0; i < nx; i++)
            out[i] = (float)sigm(x.v[i]);
        return ZK_OK;
    case ZK_OP_TANH:
        for (uint64_t i = 0; i < nx; i++)
            out[i] = (float)tanh(x.v[i]);
        return ZK_OK;
    case ZK_OP_ADD:
    case ZK_OP_SUB:
    case ZK_OP_MUL: {
        view y = view_of(m, buf, nd->in[1]);
        int64_t idx[MAXR];
        for (uint64_t i = 0; i < no; i++) {
            unravel(i, o.dims, o.rank, idx);
            double a = x.v[bidx(&x, idx, o.rank)], b = y.v[bidx(&y, idx, o.rank)];
            out[i] = (float)(nd->op == ZK_OP_ADD ? a + b : nd->op == ZK_OP_SUB ? a - b : a * b);
        }
        return ZK_OK;
    }
    case ZK_OP_GEMM:
    case ZK_OP_MATMUL: {
        view w = view_of(m, buf, nd->in[1]);
        int transB = nd->op == ZK_OP_GEMM && nd->ints[1];
        int64_t K = transB ? w.dims[1] : w.dims[0], M = transB ? w.dims[0] : w.dims[1];
        const float *bias = nd->op == ZK_OP_GEMM && nd->n_in > 2 ? m->tensors[nd->in[2]].fdata : NULL;
        uint64_t rows = nx / (uint64_t)K;
        for (uint64_t r = 0; r < rows; r++)
            for (int64_t j = 0; j < M; j++) {
                double acc = bias ? bias[j] : 0.0;
                for (int64_t k = 0; k < K; k++)
                    acc += (double)x.v[r * (uint64_t)K + (uint64_t)k] *
                           w.v[transB ? (uint64_t)j * (uint64_t)K + (uint64_t)k : (uint64_t)k * (uint64_t)M + (uint64_t)j];
                out[r * (uint64_t)M + (uint64_t)j] = (float)acc;
            }
        return ZK_OK;
    }
    case ZK_OP_CONV: {
        view w = view_of(m, buf, nd->in[1]);
        const float *bias = nd->n_in > 2 ? m->tensors[nd->in[2]].fdata : NULL;
        int64_t C = x.dims[1], H = x.dims[2], W = x.dims[3], M = o.dims[1], OH = o.dims[2], OW = o.dims[3];
        int64_t sh = nd->ints[0], sw = nd->ints[1], pt = nd->ints[2], pl = nd->ints[3], dh = nd->ints[6],
                dw = nd->ints[7], g = nd->ints[8], kh = w.dims[2], kw = w.dims[3];
        int64_t cg = C / g, mg = M / g;
        for (int64_t mo = 0; mo < M; mo++) {
            int64_t grp = mo / mg;
            for (int64_t oy = 0; oy < OH; oy++)
                for (int64_t ox = 0; ox < OW; ox++) {
                    double acc = bias ? bias[mo] : 0.0;
                    for (int64_t ci = 0; ci < cg; ci++)
                        for (int64_t ky = 0; ky < kh; ky++) {
                            int64_t iy = oy * sh - pt + ky * dh;
                            if (iy < 0 || iy >= H)
                                continue;
                            for (int64_t kx = 0; kx < kw; kx++) {
                                int64_t ix = ox * sw - pl + kx * dw;
                                if (ix < 0 || ix >= W)
                                    continue;
                                acc += (double)x.v[((grp * cg + ci) * H + iy) * W + ix] *
                                       w.v[((mo * cg + ci) * kh + ky) * kw + kx];
                            }
                        }
                    out[(mo * OH + oy) * OW + ox] = (float)acc;
                }
        }
        return ZK_OK;
    }
    case ZK_OP_MAXPOOL:
    case ZK_OP_AVGPOOL: {
        int64_t C = x.dims[1], H = x.dims[2], W = x.dims[3], OH = o.dims[2], OW = o.dims[3];
        int is_max = nd->op == ZK_OP_MAXPOOL;
        int64_t kh = nd->ints[0], kw = nd->ints[1], sh = nd->ints[2], sw = nd->ints[3], pt = nd->ints[4],
                pl = nd->ints[5], pb = nd->ints[6], pr = nd->ints[7];
        int64_t dh = is_max && nd->n_ints >= 10 ? nd->ints[8] : 1, dw = is_max && nd->n_ints >= 10 ? nd->ints[9] : 1;
        int64_t cip = !is_max && nd->n_ints >= 9 ? nd->ints[8] : 0;
        for (int64_t ch = 0; ch < C; ch++)
            for (int64_t oy = 0; oy < OH; oy++)
                for (int64_t ox = 0; ox < OW; ox++) {
                    double best = -INFINITY, sum = 0;
                    int64_t cnt = 0, cnt_pad = 0;
                    for (int64_t ky = 0; ky < kh; ky++)
                        for (int64_t kx = 0; kx < kw; kx++) {
                            int64_t iy = oy * sh - pt + ky * dh, ix = ox * sw - pl + kx * dw;
                            if (iy < H + pb && ix < W + pr)
                                cnt_pad++;
                            if (iy < 0 || iy >= H || ix < 0 || ix >= W)
                                continue;
                            double v = x.v[(ch * H + iy) * W + ix];
                            best = v > best ? v : best;
                            sum += v;
                            cnt++;
                        }
                    float r;
                    if (nd->op == ZK_OP_MAXPOOL)
                        r = cnt ? (float)best : 0.0f;
                    else
                        r = (float)(sum / (double)(cip ? (cnt_pad ? cnt_pad : 1) : (cnt ? cnt : 1)));
                    out[(ch * OH + oy) * OW + ox] = r;
                }
        return ZK_OK;
    }
    case ZK_OP_GLOBAL_AVGPOOL: {
        int64_t C = x.dims[1];
        uint64_t hw = nx / (uint64_t)C;
        for (int64_t ch = 0; ch < C; ch++) {
            double s = 0;
            for (uint64_t i = 0; i < hw; i++)
                s += x.v[(uint64_t)ch * hw + i];
            out[ch] = (float)(s / (double)hw);
        }
        return ZK_OK;
    }
    case ZK_OP_BATCHNORM: {
        const float *a = m->tensors[nd->in[1]].fdata, *b = m->tensors[nd->in[2]].fdata;
        int64_t C = x.dims[1];
        uint64_t inner = nx / (uint64_t)C;
        for (uint64_t i = 0; i < nx; i++) {
            uint64_t ch = (i / inner) % (uint64_t)C;
            out[i] = (float)((double)a[ch] * x.v[i] + b[ch]);
        }
        return ZK_OK;
    }
    case ZK_OP_TRANSPOSE: {
        int64_t istride[MAXR], idx[MAXR], acc = 1;
        for (uint32_t d = x.rank; d-- > 0;) {
            istride[d] = acc;
            acc *= x.dims[d];
        }
        for (uint64_t i = 0; i < no; i++) {
            unravel(i, o.dims, o.rank, idx);
            uint64_t src = 0;
            for (uint32_t d = 0; d < o.rank; d++)
                src += (uint64_t)idx[d] * (uint64_t)istride[nd->ints[d]];
            out[i] = x.v[src];
        }
        return ZK_OK;
    }
    case ZK_OP_CONCAT: {
        int64_t axis = nd->ints[0];
        uint64_t outer = 1, inner = 1, pos = 0;
        for (int64_t d = 0; d < axis; d++)
            outer *= (uint64_t)o.dims[d];
        for (uint32_t d = (uint32_t)axis + 1; d < o.rank; d++)
            inner *= (uint64_t)o.dims[d];
        for (uint64_t r = 0; r < outer; r++)
            for (uint32_t k = 0; k < nd->n_in; k++) {
                view e = view_of(m, buf, nd->in[k]);
                uint64_t blk = (uint64_t)e.dims[axis] * inner;
                memcpy(out + pos, e.v + r * blk, (size_t)blk * sizeof *out);
                pos += blk;
            }
        return ZK_OK;
    }
    case ZK_OP_PAD: {
        int64_t idx[MAXR];
        uint32_t r = o.rank;
        for (uint64_t i = 0; i < no; i++) {
            unravel(i, o.dims, r, idx);
            uint64_t src = 0;
            int inside = 1;
            for (uint32_t d = 0; d < r && inside; d++) {
                int64_t s = idx[d] - nd->ints[d];
                if (s < 0 || s >= x.dims[d])
                    inside = 0;
                src = src * (uint64_t)x.dims[d] + (uint64_t)s;
            }
            out[i] = inside ? x.v[src] : nd->floats[0];
        }
        return ZK_OK;
    }
    case ZK_OP_SOFTMAX: {
        int64_t axis = nd->ints[0];
        uint64_t outer = 1, len = 1, inner = 1;
        for (int64_t d = 0; d < axis; d++)
            outer *= (uint64_t)x.dims[d];
        if (nd->ints[1]) {
            for (uint32_t d = (uint32_t)axis; d < x.rank; d++)
                len *= (uint64_t)x.dims[d];
        } else {
            len = (uint64_t)x.dims[axis];
            for (uint32_t d = (uint32_t)axis + 1; d < x.rank; d++)
                inner *= (uint64_t)x.dims[d];
        }
        for (uint64_t a = 0; a < outer; a++)
            for (uint64_t in = 0; in < inner; in++) {
                const float *p = x.v + a * len * inner + in;
                float *q = out + a * len * inner + in;
                double mx = -INFINITY, s = 0;
                for (uint64_t k = 0; k < len; k++)
                    mx = p[k * inner] > mx ? p[k * inner] : mx;
                for (uint64_t k = 0; k < len; k++)
                    s += exp(p[k * inner] - mx);
                for (uint64_t k = 0; k < len; k++)
                    q[k * inner] = (float)(exp(p[k * inner] - mx) / s);
            }
        return ZK_OK;
    }
    default:
        (void)O;
        return zk_set_error(ZK_ERR_INPUT, "float interpreter: node '%s': op %s is not supported", nd->name,
                            zk_op_name(nd->op));
    }
}

int zk_model_run_float(const zk_model *m, const float *in, uint32_t batch, float *out, double *trace)
{
    for (uint32_t i = 0; i < m->n_tensors; i++)
        if (m->tensors[i].is_param && !m->tensors[i].fdata)
            return zk_set_error(ZK_ERR_INPUT, "float interpreter: parameter '%s' has no float data",
                                m->tensors[i].name);
    float **buf = calloc(m->n_tensors, sizeof *buf);
    if (!buf)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    int st = ZK_OK;
    for (uint32_t i = 0; i < m->n_tensors && st == ZK_OK; i++) {
        if (m->tensors[i].is_param)
            continue;
        uint64_t n = zk_tensor_example_size(&m->tensors[i]);
        buf[i] = malloc((size_t)(n ? n : 1) * sizeof *buf[i]);
        if (!buf[i])
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    if (trace) {
        for (uint32_t i = 0; i < m->n_tensors; i++) {
            trace[i] = 0;
            const zk_tensor *t = &m->tensors[i];
            if (t->is_param)
                for (uint64_t k = 0; k < zk_tensor_numel(t); k++)
                    trace[i] = fmax(trace[i], fabs(t->fdata[k]));
        }
    }
    uint64_t isz = zk_model_input_size(m), osz = zk_model_output_size(m);
    for (uint32_t b = 0; b < batch && st == ZK_OK; b++) {
        memcpy(buf[m->input], in + (uint64_t)b * isz, (size_t)isz * sizeof *in);
        for (uint32_t k = 0; k < m->n_nodes && st == ZK_OK; k++)
            st = run_node(m, &m->nodes[k], buf);
        if (st != ZK_OK)
            break;
        memcpy(out + (uint64_t)b * osz, buf[m->output], (size_t)osz * sizeof *out);
        if (trace)
            for (uint32_t i = 0; i < m->n_tensors; i++) {
                if (m->tensors[i].is_param)
                    continue;
                uint64_t n = zk_tensor_example_size(&m->tensors[i]);
                for (uint64_t k = 0; k < n; k++)
                    trace[i] = fmax(trace[i], fabs(buf[i][k]));
            }
    }
    for (uint32_t i = 0; i < m->n_tensors; i++)
        free(buf[i]);
    free(buf);
    return st;
}
