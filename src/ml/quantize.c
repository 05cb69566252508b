/* Quantization of an imported model (onnx.h): per-tensor power-of-two scales
 * from calibration, qdata from fdata, and float vs fixed-point comparison. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/onnx.h"

/* Role of each parameter tensor: 1 multiplicative weight, 2 bias added at the
 * accumulator scale of node nd (in[0].scale + in[1].scale), 3 additive operand
 * at the scale of the other operand. */
enum { ROLE_NONE = 0, ROLE_WEIGHT, ROLE_BIAS, ROLE_ADDEND, ROLE_ELEMWISE };

/* Elementwise multipliers (Mul by a constant, BatchNorm scale) are not summed
 * over a reduction, so they get up to 32 signed bits and scale 2^24: a
 * per-feature standardization with factors spread over many octaves keeps
 * its small factors. */
#define ELEMWISE_BITS 32u
#define ELEMWISE_MAX_SCALE 24u

static uint32_t weight_scale(double maxabs, uint32_t bits, uint32_t cap)
{
    /* largest s <= cap with maxabs * 2^s < 2^(bits-1) (rounding included) */
    uint32_t s = cap;
    while (s > 0 && ldexp(maxabs, (int)s) + 0.5 >= ldexp(1.0, (int)bits - 1))
        s--;
    return s;
}

static int quantize_tensor(zk_tensor *t)
{
    uint64_t n = zk_tensor_numel(t);
    if (!t->fdata)
        return zk_set_error(ZK_ERR_INPUT, "parameter '%s' has no float data to quantize", t->name);
    int64_t *q = malloc((size_t)(n ? n : 1) * sizeof *q);
    if (!q)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (uint64_t i = 0; i < n; i++) {
        double v = ldexp((double)t->fdata[i], (int)t->scale);
        if (!(fabs(v) < ldexp(1.0, 61))) {
            free(q);
            return zk_set_error(ZK_ERR_RANGE, "parameter '%s'[%llu] = %g does not fit at scale 2^%u", t->name,
                                (unsigned long long)i, (double)t->fdata[i], t->scale);
        }
        q[i] = (int64_t)llround(v); /* half away from zero */
    }
    if (t->qdata) {
        memset(t->qdata, 0, (size_t)n * sizeof *t->qdata);
        free(t->qdata);
    }
    t->qdata = q;
    return ZK_OK;
}

int zk_model_quantize(zk_model *m, const zk_quant_options *opt, const float *calib, uint32_t n_calib,
                      zk_quant_report *rep)
{
    zk_quant_options o = {0, 16, 16, 40};
    if (opt) {
        o = *opt;
        if (!o.weight_bits)
            o.weight_bits = 16;
        if (!o.max_scale)
            o.max_scale = 16;
        if (!o.act_bits)
            o.act_bits = 40;
    }
    if (o.weight_bits < 2 || o.weight_bits > 32 || o.max_scale > 30 || o.act_bits < 16 || o.act_bits > 60 ||
        o.act_scale > 30)
        return zk_set_error(ZK_ERR_INPUT, "quantization options out of range (weight bits 2..32, scales <= 30, "
                            "act_bits 16..60)");
    if (rep)
        memset(rep, 0, sizeof *rep);
    double max_act = 0;
    if (n_calib > 0) {
        double *trace = calloc(m->n_tensors, sizeof *trace);
        float *out = malloc((size_t)n_calib * (size_t)zk_model_output_size(m) * sizeof *out + 1);
        int st = trace && out ? ZK_OK : zk_set_error(ZK_ERR_NOMEM, "out of memory");
        if (st == ZK_OK)
            st = zk_model_run_float(m, calib, n_calib, out, trace);
        if (st == ZK_OK)
            for (uint32_t i = 0; i < m->n_tensors; i++)
                if (!m->tensors[i].is_param)
                    max_act = fmax(max_act, trace[i]);
        free(trace);
        free(out);
        if (st != ZK_OK)
            return st;
    } else if (o.act_scale == 0) {
        return zk_set_error(ZK_ERR_INPUT, "no calibration inputs: give the activation scale explicitly");
    }
    uint32_t s_act = o.act_scale;
    if (s_act == 0) {
        /* the largest scale <= 12 leaving 8x headroom over the calibrated activations */
        s_act = 12 < o.max_scale ? 12 : o.max_scale;
        while (s_act > 1 && ldexp(max_act * 8.0 + 1.0, (int)s_act) >= ldexp(1.0, (int)o.act_bits - 1))
            s_act--;
    }
    if (ldexp(max_act, (int)s_act) >= ldexp(1.0, (int)o.act_bits - 1))
        return zk_set_error(ZK_ERR_RANGE, "activations up to %g do not fit in %u bits at scale 2^%u", max_act,
                            o.act_bits, s_act);
    m->act_bits = o.act_bits;
    uint8_t *role = calloc(m->n_tensors, 1);
    if (!role)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < m->n_tensors; i++)
        if (!m->tensors[i].is_param)
            m->tensors[i].scale = s_act;
    /* Weights first (their scales determine the bias scales). */
    int st = ZK_OK;
    for (uint32_t k = 0; k < m->n_nodes; k++) {
        const zk_node *nd = &m->nodes[k];
        for (uint32_t j = 0; j < nd->n_in; j++) {
            zk_tensor *t = &m->tensors[nd->in[j]];
            if (!t->is_param)
                continue;
            int r;
            switch (nd->op) {
            case ZK_OP_GEMM:
            case ZK_OP_CONV:
                r = j == 1 ? ROLE_WEIGHT : ROLE_BIAS;
                break;
            case ZK_OP_BATCHNORM:
                r = j == 1 ? ROLE_ELEMWISE : ROLE_BIAS;
                break;
            case ZK_OP_MATMUL:
                r = ROLE_WEIGHT;
                break;
            case ZK_OP_MUL:
                r = ROLE_ELEMWISE;
                break;
            default:
                r = ROLE_ADDEND;
                break;
            }
            if (role[nd->in[j]] && role[nd->in[j]] != r) {
                st = zk_set_error(ZK_ERR_INPUT, "parameter '%s' is used both as a weight and as a bias", t->name);
                break;
            }
            role[nd->in[j]] = (uint8_t)r;
        }
    }
    for (uint32_t i = 0; i < m->n_tensors && st == ZK_OK; i++) {
        zk_tensor *t = &m->tensors[i];
        if (!t->is_param || (role[i] != ROLE_WEIGHT && role[i] != ROLE_ELEMWISE))
            continue;
        double mx = 0;
        for (uint64_t q = 0; q < zk_tensor_numel(t); q++)
            mx = fmax(mx, fabs(t->fdata[q]));
        if (role[i] == ROLE_WEIGHT)
            t->scale = weight_scale(mx, o.weight_bits, o.max_scale);
        else
            t->scale = weight_scale(mx, ELEMWISE_BITS, ELEMWISE_MAX_SCALE > o.max_scale ? ELEMWISE_MAX_SCALE : o.max_scale);
    }
    for (uint32_t k = 0; k < m->n_nodes && st == ZK_OK; k++) {
        const zk_node *nd = &m->nodes[k];
        for (uint32_t j = 0; j < nd->n_in; j++) {
            zk_tensor *t = &m->tensors[nd->in[j]];
            if (!t->is_param || role[nd->in[j]] == ROLE_WEIGHT || role[nd->in[j]] == ROLE_ELEMWISE)
                continue;
            uint32_t s;
            if (role[nd->in[j]] == ROLE_BIAS) {
                s = m->tensors[nd->in[0]].scale + m->tensors[nd->in[1]].scale;
                /* keep |b| 2^s well inside the activation bound */
                double mx = 0;
                for (uint64_t q = 0; q < zk_tensor_numel(t); q++)
                    mx = fmax(mx, fabs(t->fdata[q]));
                while (s > 0 && ldexp(mx, (int)s) >= ldexp(1.0, (int)o.act_bits + 8))
                    s--;
            } else {
                const zk_tensor *other = &m->tensors[nd->in[j == 0 ? 1 : 0]];
                s = other->is_param ? s_act : other->scale;
            }
            t->scale = s;
        }
    }
    for (uint32_t i = 0; i < m->n_tensors && st == ZK_OK; i++)
        if (m->tensors[i].is_param)
            st = quantize_tensor(&m->tensors[i]);
    free(role);
    if (st != ZK_OK)
        return st;
    if (rep) {
        rep->act_scale = s_act;
        rep->max_abs_act = max_act;
    }
    return n_calib && rep ? zk_model_compare(m, calib, n_calib, rep, NULL, NULL) : ZK_OK;
}

/* Does the final op output a probability (threshold 0.5 for one output)? */
static int ends_in_sigmoid(const zk_model *m)
{
    for (uint32_t k = m->n_nodes; k-- > 0;)
        if (m->nodes[k].out[0] == m->output)
            return m->nodes[k].op == ZK_OP_SIGMOID;
    return 0;
}

static uint64_t argmax_f(const float *v, uint64_t n)
{
    uint64_t b = 0;
    for (uint64_t i = 1; i < n; i++)
        if (v[i] > v[b])
            b = i;
    return b;
}

int zk_model_compare(const zk_model *m, const float *in, uint32_t n, zk_quant_report *rep, float *float_out,
                     float *fx_out)
{
    uint64_t isz = zk_model_input_size(m), osz = zk_model_output_size(m);
    uint32_t s_in = m->tensors[m->input].scale, s_out = m->tensors[m->output].scale;
    float *fo = float_out ? float_out : malloc((size_t)n * (size_t)osz * sizeof *fo + 1);
    float *qo = fx_out ? fx_out : malloc((size_t)n * (size_t)osz * sizeof *qo + 1);
    int64_t *qin = malloc((size_t)n * (size_t)isz * sizeof *qin + 1);
    int64_t *qout = malloc((size_t)n * (size_t)osz * sizeof *qout + 1);
    int st = fo && qo && qin && qout ? ZK_OK : zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (st == ZK_OK)
        st = zk_model_run_float(m, in, n, fo, NULL);
    rep->n_examples = n;
    rep->n_outputs = (uint64_t)n * osz;
    rep->fx_ok = 0;
    rep->fx_error[0] = 0;
    if (st == ZK_OK) {
        for (uint64_t i = 0; i < (uint64_t)n * isz; i++) {
            double v = ldexp((double)in[i], (int)s_in);
            if (!(fabs(v) < ldexp(1.0, (int)m->act_bits - 1))) {
                snprintf(rep->fx_error, sizeof rep->fx_error, "input value %g does not fit at scale 2^%u",
                         (double)in[i], s_in);
                break;
            }
            qin[i] = (int64_t)llround(v);
        }
        if (!rep->fx_error[0]) {
            int fst = zk_model_run_fx(m, qin, n, qout);
            if (fst == ZK_OK)
                rep->fx_ok = 1;
            else
                snprintf(rep->fx_error, sizeof rep->fx_error, "%s", zk_last_error());
        }
    }
    if (st == ZK_OK && rep->fx_ok) {
        double sum = 0, mx = 0, mo = 0;
        int thr = ends_in_sigmoid(m);
        uint32_t agree = 0;
        for (uint64_t i = 0; i < (uint64_t)n * osz; i++) {
            qo[i] = (float)ldexp((double)qout[i], -(int)s_out);
            double d = fabs((double)qo[i] - fo[i]);
            sum += d;
            mx = fmax(mx, d);
            mo = fmax(mo, fabs(fo[i]));
        }
        for (uint32_t e = 0; e < n; e++) {
            const float *a = fo + (uint64_t)e * osz, *b = qo + (uint64_t)e * osz;
            if (osz == 1)
                agree += (a[0] > (thr ? 0.5f : 0.0f)) == (b[0] > (thr ? 0.5f : 0.0f));
            else
                agree += argmax_f(a, osz) == argmax_f(b, osz);
        }
        rep->max_abs_err = mx;
        rep->mean_abs_err = n && osz ? sum / (double)((uint64_t)n * osz) : 0;
        rep->max_abs_out = mo;
        rep->argmax_agree = agree;
    }
    if (!float_out)
        free(fo);
    if (!fx_out)
        free(qo);
    free(qin);
    free(qout);
    return st;
}
