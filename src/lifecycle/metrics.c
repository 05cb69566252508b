/* Offline evaluation proofs (metrics.h, docs/metrics.md). */
#include "zkmlops/metrics.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/circuit.h"
#include "zkmlops/proof.h"

#define SPEC_MAX_BYTES ((size_t)1 << 20)
#define TAG_EVAL_PROOF 0x4c564501u /* "EVL" 1 */

static const char *const metric_names[ZK_METRIC_COUNT_] = {"accuracy", "precision", "recall", "f1",
                                                           "demographic_parity_difference",
                                                           "equal_opportunity_difference"};

const char *zk_metric_name(zk_metric_id m)
{
    return (unsigned)m < ZK_METRIC_COUNT_ ? metric_names[m] : "?";
}

/* ---------------------------------------------------------------- spec */

static int find_col(const zk_dataset_meta *meta, const char *name, uint32_t *out)
{
    for (uint32_t j = 0; j < meta->n_cols; j++)
        if (strcmp(meta->col_names[j], name) == 0) {
            *out = j;
            return 1;
        }
    return 0;
}

/* Exact decimal threshold in [0, 1] from a JSON number or string: num / 10^k, k <= 6. */
static int parse_threshold(const cJSON *v, int64_t *num, int64_t *den)
{
    char buf[64];
    if (cJSON_IsNumber(v))
        snprintf(buf, sizeof buf, "%.9f", v->valuedouble);
    else if (cJSON_IsString(v) && strlen(v->valuestring) < sizeof buf)
        snprintf(buf, sizeof buf, "%s", v->valuestring);
    else
        return -1;
    /* digits[.digits] */
    const char *s = buf;
    int64_t n = 0, d = 1;
    int any = 0, frac = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        n = n * 10 + (*s - '0');
        any = 1;
        if (n > 10)
            return -1;
    }
    if (*s == '.') {
        s++;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (frac < 9) {
                n = n * 10 + (*s - '0');
                d *= 10;
            } else if (*s != '0')
                return -1;
            frac++;
            any = 1;
        }
    }
    if (*s || !any)
        return -1;
    /* drop trailing zeros (the %.9f form) */
    while (d > 1 && n % 10 == 0) {
        n /= 10;
        d /= 10;
    }
    if (d > 1000000 || n > d)
        return -1;
    *num = n;
    *den = d;
    return 0;
}

void zk_metrics_spec_free(zk_metrics_spec *spec)
{
    if (!spec)
        return;
    free(spec->feature_cols);
    memset(spec, 0, sizeof *spec);
}

static int spec_err(const char *path, const char *what)
{
    return zk_set_error(ZK_ERR_INPUT, "%s: %s", path, what);
}

int zk_metrics_spec_parse(zk_metrics_spec *spec, const char *path, const char *text, size_t len,
                          const zk_dataset_meta *meta, const zk_model *model_arch)
{
    memset(spec, 0, sizeof *spec);
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root)
        return spec_err(path, "not valid JSON");
    int rc = ZK_OK;
    char msg[512];
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(root, "label");
    const cJSON *pos = cJSON_GetObjectItemCaseSensitive(root, "positive_class");
    const cJSON *feats = cJSON_GetObjectItemCaseSensitive(root, "features");
    const cJSON *sens = cJSON_GetObjectItemCaseSensitive(root, "sensitive");
    const cJSON *claims = cJSON_GetObjectItemCaseSensitive(root, "claims");
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    uint32_t n_classes = model_arch ? zk_metrics_n_classes(model_arch) : ZK_METRICS_MAX_CLASSES;
    if (!cJSON_IsObject(root)) {
        rc = spec_err(path, "expected a JSON object");
        goto out;
    }
    if (fmt && !(cJSON_IsString(fmt) && strcmp(fmt->valuestring, "zkmlops-metrics/v1") == 0)) {
        rc = spec_err(path, "$.format: expected \"zkmlops-metrics/v1\"");
        goto out;
    }
    if (!cJSON_IsString(label) || strlen(label->valuestring) >= ZK_METRICS_MAX_NAME) {
        rc = spec_err(path, "$.label: expected the label column name");
        goto out;
    }
    snprintf(spec->label, sizeof spec->label, "%s", label->valuestring);
    if (!find_col(meta, spec->label, &spec->label_col)) {
        snprintf(msg, sizeof msg, "$.label: column '%s' does not exist in the committed test set", spec->label);
        rc = spec_err(path, msg);
        goto out;
    }
    spec->positive_class = 1;
    if (pos) {
        if (!cJSON_IsNumber(pos) || pos->valuedouble < 0 || pos->valuedouble != floor(pos->valuedouble) ||
            pos->valuedouble >= (double)n_classes) {
            snprintf(msg, sizeof msg, "$.positive_class: expected a class index in 0..%u", n_classes - 1);
            rc = spec_err(path, msg);
            goto out;
        }
        spec->positive_class = (uint32_t)pos->valuedouble;
    }
    if (sens) {
        const cJSON *col = cJSON_GetObjectItemCaseSensitive(sens, "column");
        const cJSON *split = cJSON_GetObjectItemCaseSensitive(sens, "split_at");
        const cJSON *groups = cJSON_GetObjectItemCaseSensitive(sens, "groups");
        if (!cJSON_IsObject(sens) || !cJSON_IsString(col) || strlen(col->valuestring) >= ZK_METRICS_MAX_NAME) {
            rc = spec_err(path, "$.sensitive.column: expected a column name");
            goto out;
        }
        snprintf(spec->sensitive, sizeof spec->sensitive, "%s", col->valuestring);
        if (!find_col(meta, spec->sensitive, &spec->sensitive_col)) {
            snprintf(msg, sizeof msg, "$.sensitive.column: column '%s' does not exist in the committed test set",
                     spec->sensitive);
            rc = spec_err(path, msg);
            goto out;
        }
        if (spec->sensitive_col == spec->label_col) {
            rc = spec_err(path, "$.sensitive.column: must not be the label column");
            goto out;
        }
        if (!cJSON_IsNumber(split) || fabs(split->valuedouble) > 1e6) {
            rc = spec_err(path, "$.sensitive.split_at: expected a number (committed units)");
            goto out;
        }
        char nb[64];
        snprintf(nb, sizeof nb, "%.9f", split->valuedouble);
        if (zk_parse_fixed(nb, strlen(nb), meta->scale_bits, &spec->split_fixed) != ZK_OK) {
            rc = spec_err(path, "$.sensitive.split_at: out of range");
            goto out;
        }
        snprintf(spec->groups[0], ZK_METRICS_MAX_GROUP_NAME, "%.30s<%.30s", spec->sensitive, nb);
        snprintf(spec->groups[1], ZK_METRICS_MAX_GROUP_NAME, "%.30s>=%.30s", spec->sensitive, nb);
        if (groups) {
            if (!cJSON_IsArray(groups) || cJSON_GetArraySize(groups) != 2) {
                rc = spec_err(path, "$.sensitive.groups: expected two group names");
                goto out;
            }
            for (int g = 0; g < 2; g++) {
                const cJSON *gn = cJSON_GetArrayItem(groups, g);
                if (!cJSON_IsString(gn) || strlen(gn->valuestring) >= ZK_METRICS_MAX_GROUP_NAME) {
                    rc = spec_err(path, "$.sensitive.groups: expected two short strings");
                    goto out;
                }
                snprintf(spec->groups[g], ZK_METRICS_MAX_GROUP_NAME, "%s", gn->valuestring);
            }
        }
        spec->has_sensitive = 1;
    }
    /* features */
    if (feats) {
        if (!cJSON_IsArray(feats) || cJSON_GetArraySize(feats) < 1) {
            rc = spec_err(path, "$.features: expected an array of column names");
            goto out;
        }
        spec->n_features = (uint32_t)cJSON_GetArraySize(feats);
    } else
        spec->n_features = meta->n_cols - 1;
    if (spec->n_features == 0 || spec->n_features > meta->n_cols) {
        rc = spec_err(path, "no feature columns");
        goto out;
    }
    spec->feature_cols = calloc(spec->n_features, sizeof *spec->feature_cols);
    if (!spec->feature_cols) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (feats) {
        for (uint32_t k = 0; k < spec->n_features; k++) {
            const cJSON *f = cJSON_GetArrayItem(feats, (int)k);
            if (!cJSON_IsString(f)) {
                rc = spec_err(path, "$.features: expected column names");
                goto out;
            }
            if (!find_col(meta, f->valuestring, &spec->feature_cols[k])) {
                snprintf(msg, sizeof msg, "$.features[%u]: column '%.200s' does not exist in the committed test set",
                         k, f->valuestring);
                rc = spec_err(path, msg);
                goto out;
            }
            if (spec->feature_cols[k] == spec->label_col) {
                rc = spec_err(path, "$.features: the label column cannot be a feature");
                goto out;
            }
        }
    } else {
        uint32_t k = 0;
        for (uint32_t j = 0; j < meta->n_cols; j++)
            if (j != spec->label_col)
                spec->feature_cols[k++] = j;
    }
    if (model_arch && (uint64_t)spec->n_features != zk_model_input_size(model_arch)) {
        snprintf(msg, sizeof msg, "%u feature columns but the model takes %llu inputs (list them in $.features)",
                 spec->n_features, (unsigned long long)zk_model_input_size(model_arch));
        rc = spec_err(path, msg);
        goto out;
    }
    if (claims) {
        if (!cJSON_IsArray(claims) || cJSON_GetArraySize(claims) > (int)ZK_METRICS_MAX_CLAIMS) {
            rc = spec_err(path, "$.claims: expected an array of at most 16 claims");
            goto out;
        }
        const cJSON *cl;
        cJSON_ArrayForEach(cl, claims)
        {
            uint32_t k = spec->n_claims;
            zk_metric_claim *c = &spec->claims[k];
            const cJSON *mn = cJSON_GetObjectItemCaseSensitive(cl, "metric");
            const cJSON *ge = cJSON_GetObjectItemCaseSensitive(cl, "at_least");
            const cJSON *le = cJSON_GetObjectItemCaseSensitive(cl, "at_most");
            int found = 0;
            for (int m = 0; m < ZK_METRIC_COUNT_ && cJSON_IsString(mn); m++)
                if (strcmp(mn->valuestring, metric_names[m]) == 0) {
                    c->metric = (zk_metric_id)m;
                    found = 1;
                }
            if (!found) {
                snprintf(msg, sizeof msg,
                         "$.claims[%u].metric: expected one of accuracy, precision, recall, f1, "
                         "demographic_parity_difference, equal_opportunity_difference",
                         k);
                rc = spec_err(path, msg);
                goto out;
            }
            if ((ge != NULL) == (le != NULL)) {
                snprintf(msg, sizeof msg, "$.claims[%u]: expected exactly one of at_least, at_most", k);
                rc = spec_err(path, msg);
                goto out;
            }
            c->at_least = ge != NULL;
            if (parse_threshold(ge ? ge : le, &c->num, &c->den) != 0) {
                snprintf(msg, sizeof msg, "$.claims[%u]: threshold must be a decimal in [0, 1] with at most 6 digits",
                         k);
                rc = spec_err(path, msg);
                goto out;
            }
            if ((c->metric == ZK_METRIC_DP_DIFF || c->metric == ZK_METRIC_EO_DIFF)) {
                if (c->at_least) {
                    snprintf(msg, sizeof msg, "$.claims[%u]: fairness differences take at_most only", k);
                    rc = spec_err(path, msg);
                    goto out;
                }
                if (!spec->has_sensitive) {
                    snprintf(msg, sizeof msg, "$.claims[%u]: %s needs $.sensitive", k, metric_names[c->metric]);
                    rc = spec_err(path, msg);
                    goto out;
                }
            }
            spec->n_claims++;
        }
    }
out:
    cJSON_Delete(root);
    if (rc != ZK_OK) {
        free(spec->feature_cols);
        memset(spec, 0, sizeof *spec);
    }
    return rc;
}

int zk_metrics_spec_load(zk_metrics_spec *spec, const char *path, const zk_dataset_meta *meta,
                         const zk_model *model_arch)
{
    uint8_t *text;
    size_t len;
    memset(spec, 0, sizeof *spec);
    int rc = zk_read_file(path, SPEC_MAX_BYTES, &text, &len);
    if (rc != ZK_OK)
        return rc;
    rc = zk_metrics_spec_parse(spec, path, (const char *)text, len, meta, model_arch);
    free(text);
    return rc;
}

static void put_str(zk_wbuf *w, const char *s)
{
    size_t n = strlen(s);
    zk_wbuf_u32(w, (uint32_t)n);
    zk_wbuf_put(w, s, n);
}

void zk_metrics_spec_write(zk_wbuf *w, const zk_metrics_spec *spec)
{
    zk_wbuf_put(w, "zkmlops-metrics-spec/v1", 23);
    put_str(w, spec->label);
    zk_wbuf_u32(w, spec->label_col);
    zk_wbuf_u32(w, spec->positive_class);
    zk_wbuf_u32(w, spec->n_features);
    for (uint32_t k = 0; k < spec->n_features; k++)
        zk_wbuf_u32(w, spec->feature_cols[k]);
    zk_wbuf_u8(w, (uint8_t)spec->has_sensitive);
    if (spec->has_sensitive) {
        put_str(w, spec->sensitive);
        zk_wbuf_u32(w, spec->sensitive_col);
        zk_wbuf_u64(w, (uint64_t)spec->split_fixed);
        put_str(w, spec->groups[0]);
        put_str(w, spec->groups[1]);
    }
    zk_wbuf_u32(w, spec->n_claims);
    for (uint32_t k = 0; k < spec->n_claims; k++) {
        zk_wbuf_u32(w, (uint32_t)spec->claims[k].metric);
        zk_wbuf_u8(w, (uint8_t)spec->claims[k].at_least);
        zk_wbuf_u64(w, (uint64_t)spec->claims[k].num);
        zk_wbuf_u64(w, (uint64_t)spec->claims[k].den);
    }
}

/* ---------------------------------------------------------------- reference */

zk_pred_rule zk_metrics_pred_rule(const zk_model *m)
{
    if (zk_model_output_size(m) >= 2)
        return ZK_PRED_ARGMAX;
    if (m->n_nodes > 0 && m->nodes[m->n_nodes - 1].op == ZK_OP_SIGMOID)
        return ZK_PRED_SIGMOID;
    return ZK_PRED_LOGIT;
}

uint32_t zk_metrics_n_classes(const zk_model *m)
{
    uint64_t k = zk_model_output_size(m);
    return k >= 2 ? (uint32_t)(k > ZK_METRICS_MAX_CLASSES ? ZK_METRICS_MAX_CLASSES : k) : 2u;
}

uint32_t zk_metrics_predict(const zk_model *m, const int64_t *out)
{
    switch (zk_metrics_pred_rule(m)) {
    case ZK_PRED_SIGMOID: return out[0] >= ((int64_t)1 << (m->tensors[m->output].scale - 1)) ? 1u : 0u;
    case ZK_PRED_LOGIT: return out[0] >= 0 ? 1u : 0u;
    default: {
        uint64_t k = zk_model_output_size(m);
        uint32_t best = 0;
        for (uint32_t i = 1; i < k; i++)
            if (out[i] > out[best])
                best = i;
        return best;
    }
    }
}

void zk_metrics_count(zk_metrics_counts *c, const uint32_t *pred, const uint32_t *label, const uint8_t *group,
                      size_t n, uint32_t positive_class)
{
    memset(c, 0, sizeof *c);
    c->n = n;
    for (size_t i = 0; i < n; i++) {
        int pp = pred[i] == positive_class, pl = label[i] == positive_class;
        c->correct += pred[i] == label[i];
        c->tp += pp && pl;
        c->fp += pp && !pl;
        c->fn += !pp && pl;
        c->tn += !pp && !pl;
        int g = group ? group[i] != 0 : 0;
        c->g_n[g]++;
        c->g_pred_pos[g] += (uint64_t)pp;
        c->g_label_pos[g] += (uint64_t)pl;
        c->g_tp[g] += (uint64_t)(pp && pl);
    }
    if (!group)
        memset(c->g_n, 0, sizeof c->g_n + sizeof c->g_pred_pos + sizeof c->g_label_pos + sizeof c->g_tp);
}

int zk_metrics_compute(zk_metrics_counts *c, const zk_model *m, const zk_dataset_private *data,
                       const zk_metrics_spec *spec)
{
    const zk_dataset_meta *meta = &data->com.meta;
    uint32_t n = meta->n_rows, d = spec->n_features;
    uint64_t K = zk_model_output_size(m);
    uint32_t nc = zk_metrics_n_classes(m);
    memset(c, 0, sizeof *c);
    if (zk_model_input_size(m) != d)
        return zk_set_error(ZK_ERR_INPUT, "model takes %llu inputs, the spec names %u features",
                            (unsigned long long)zk_model_input_size(m), d);
    int64_t *in = malloc((size_t)n * d * sizeof *in);
    int64_t *out = malloc((size_t)n * K * sizeof *out);
    uint32_t *pred = malloc((size_t)n * sizeof *pred), *lab = malloc((size_t)n * sizeof *lab);
    uint8_t *grp = malloc((size_t)n + 1);
    int rc = ZK_OK;
    if (!in || !out || !pred || !lab || !grp) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t k = 0; k < d; k++)
            in[(size_t)i * d + k] = zk_dataset_private_value(data, i, spec->feature_cols[k]);
        int64_t lv = zk_dataset_private_value(data, i, spec->label_col);
        int64_t one = (int64_t)1 << meta->scale_bits;
        if (lv < 0 || lv % one != 0 || lv / one >= (int64_t)nc) {
            rc = zk_set_error(ZK_ERR_INPUT, "label column '%s', row %u: value %.6g is not a class index in 0..%u",
                              spec->label, i + 1, (double)lv / (double)one, nc - 1);
            goto out;
        }
        lab[i] = (uint32_t)(lv / one);
        grp[i] = spec->has_sensitive ? zk_dataset_private_value(data, i, spec->sensitive_col) >= spec->split_fixed
                                     : 0;
    }
    if ((rc = zk_model_run_fx(m, in, n, out)) != ZK_OK)
        goto out;
    for (uint32_t i = 0; i < n; i++)
        pred[i] = zk_metrics_predict(m, out + (size_t)i * K);
    zk_metrics_count(c, pred, lab, spec->has_sensitive ? grp : NULL, n, spec->positive_class);
out:
    free(in);
    free(out);
    free(pred);
    free(lab);
    free(grp);
    return rc;
}

static int64_t gcd64(int64_t a, int64_t b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        int64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Unreduced fraction of a metric. */
static void fraction_raw(zk_metric_id m, const zk_metrics_counts *c, __int128 *num, __int128 *den)
{
    switch (m) {
    case ZK_METRIC_ACCURACY: *num = c->correct, *den = c->n; break;
    case ZK_METRIC_PRECISION: *num = c->tp, *den = c->tp + c->fp; break;
    case ZK_METRIC_RECALL: *num = c->tp, *den = c->tp + c->fn; break;
    case ZK_METRIC_F1: *num = 2 * (__int128)c->tp, *den = 2 * (__int128)c->tp + c->fp + c->fn; break;
    case ZK_METRIC_DP_DIFF:
        *num = (__int128)c->g_pred_pos[1] * c->g_n[0] - (__int128)c->g_pred_pos[0] * c->g_n[1];
        *den = (__int128)c->g_n[0] * c->g_n[1];
        break;
    case ZK_METRIC_EO_DIFF:
        *num = (__int128)c->g_tp[1] * c->g_label_pos[0] - (__int128)c->g_tp[0] * c->g_label_pos[1];
        *den = (__int128)c->g_label_pos[0] * c->g_label_pos[1];
        break;
    default: *num = 0, *den = 0;
    }
}

void zk_metrics_fraction(zk_metric_id m, const zk_metrics_counts *c, int64_t *num, int64_t *den)
{
    __int128 a, b;
    fraction_raw(m, c, &a, &b);
    if (b == 0) {
        *num = 0;
        *den = 0;
        return;
    }
    int64_t g = gcd64((int64_t)a, (int64_t)b);
    *num = (int64_t)(a / g);
    *den = (int64_t)(b / g);
}

int zk_metrics_claim_holds(const zk_metric_claim *cl, const zk_metrics_counts *c)
{
    __int128 a, b;
    fraction_raw(cl->metric, c, &a, &b);
    if (b == 0)
        return 0;
    if (cl->metric == ZK_METRIC_DP_DIFF || cl->metric == ZK_METRIC_EO_DIFF) {
        /* |a| / b <= num / den */
        __int128 abs_a = a < 0 ? -a : a;
        return abs_a * cl->den <= (__int128)cl->num * b;
    }
    if (cl->at_least)
        return a * cl->den >= (__int128)cl->num * b;
    return a * cl->den <= (__int128)cl->num * b;
}

/* ---------------------------------------------------------------- circuit */

static _Thread_local uint32_t last_constraints, last_wires;

void zk_eval_last_shape(uint32_t *constraints, uint32_t *wires)
{
    if (constraints)
        *constraints = last_constraints;
    if (wires)
        *wires = last_wires;
}

/* New private wire = <a,z> * <b,z>. */
static uint32_t mul_lc(zk_cs *cs, const zk_lc *a, const zk_lc *b)
{
    gl_t v = zk_cs_is_prover(cs) ? gl_mul(zk_cs_lc_value(cs, a), zk_cs_lc_value(cs, b)) : 0;
    uint32_t w = zk_cs_private(cs, v);
    zk_lc c;
    zk_lc_init(&c);
    zk_lc_add(&c, w, 1);
    zk_cs_enforce(cs, a, b, &c);
    zk_lc_free(&c);
    return w;
}

/* Wire holding the public constant v (one constraint). */
static uint32_t const_wire(zk_cs *cs, int64_t v)
{
    zk_lc l;
    zk_lc_init(&l);
    zk_lc_add_i64(&l, 0, v);
    uint32_t w = zk_cs_lc_wire(cs, &l);
    zk_lc_free(&l);
    return w;
}

/* Prove lc != 0: the prover supplies inv with lc * inv = 1. */
static void enforce_nonzero(zk_cs *cs, const zk_lc *x)
{
    gl_t v = zk_cs_is_prover(cs) ? zk_cs_lc_value(cs, x) : 0;
    uint32_t inv = zk_cs_private(cs, v ? gl_inv(v) : 0);
    zk_lc b, one;
    zk_lc_init(&b);
    zk_lc_init(&one);
    zk_lc_add(&b, inv, 1);
    zk_lc_add_const(&one, 1);
    zk_cs_enforce(cs, x, &b, &one);
    zk_lc_free(&b);
    zk_lc_free(&one);
}

/* Prove lc >= 0 and < 2^bits (materializes it: one constraint + range). */
static void enforce_nonneg(zk_cs *cs, const zk_lc *x, unsigned bits)
{
    uint32_t w = zk_cs_lc_wire(cs, x);
    zk_cs_range(cs, w, bits);
}

/* Public-wire layout (counts mode): n, correct, tp, fp, tn, fn, then if
 * sensitive: g_n[0..1], g_pred_pos[0..1], g_label_pos[0..1], g_tp[0..1].
 * Claims mode: n only. */
enum { PUB_N, PUB_CORRECT, PUB_TP, PUB_FP, PUB_TN, PUB_FN, PUB_G0 };

typedef struct {
    const zk_model *m;
    uint32_t model_log_len;
    const gl_t *model_vals; /* prover */
    const zk_dataset_meta *meta;
    const gl_t *table;      /* prover */
    uint32_t range_bits;
    const zk_metrics_spec *spec;
    const zk_metrics_counts *counts;
    uint32_t seg_m, seg_d;
} eval_inputs;

static void lc_set(zk_lc *l, uint32_t w, int64_t c)
{
    zk_lc_clear(l);
    zk_lc_add_i64(l, w, c);
}

static int eval_circuit(zk_cs *cs, eval_inputs *e)
{
    const zk_metrics_spec *spec = e->spec;
    const zk_dataset_meta *meta = e->meta;
    const zk_model *m = e->m;
    uint32_t n = meta->n_rows, d = spec->n_features, lr = meta->log_rows;
    uint64_t K = zk_model_output_size(m);
    uint32_t nc = zk_metrics_n_classes(m);
    zk_pred_rule rule = zk_metrics_pred_rule(m);
    int claims_mode = spec->n_claims > 0;
    unsigned act_bits = m->act_bits ? m->act_bits : 40;
    const zk_metrics_counts *c = e->counts;
    int rc = ZK_OK;

    /* public wires first */
    uint32_t pub[PUB_G0 + 8];
    pub[PUB_N] = zk_cs_public_i64(cs, n);
    if (!claims_mode) {
        pub[PUB_CORRECT] = zk_cs_public_i64(cs, (int64_t)c->correct);
        pub[PUB_TP] = zk_cs_public_i64(cs, (int64_t)c->tp);
        pub[PUB_FP] = zk_cs_public_i64(cs, (int64_t)c->fp);
        pub[PUB_TN] = zk_cs_public_i64(cs, (int64_t)c->tn);
        pub[PUB_FN] = zk_cs_public_i64(cs, (int64_t)c->fn);
        if (spec->has_sensitive) {
            const uint64_t *g[4] = {c->g_n, c->g_pred_pos, c->g_label_pos, c->g_tp};
            for (int k = 0; k < 4; k++)
                for (int j = 0; j < 2; j++)
                    pub[PUB_G0 + 2 * k + j] = zk_cs_public_i64(cs, (int64_t)g[k][j]);
        }
    }
    e->seg_m = zk_cs_segment(cs, e->model_vals, e->model_log_len);
    e->seg_d = zk_cs_segment(cs, e->table, meta->log_rows + meta->log_cols);

    uint32_t *in_w = malloc((size_t)n * d * sizeof *in_w);
    uint32_t *out_w = malloc((size_t)n * K * sizeof *out_w);
    uint32_t *onehot = malloc((size_t)(K + 1) * sizeof *onehot);
    uint32_t *cw = malloc((size_t)nc * sizeof *cw);
    if (!in_w || !out_w || !onehot || !cw) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < d; k++)
            in_w[(size_t)i * d + k] = e->seg_d + i + (spec->feature_cols[k] << lr);
    if ((rc = zk_model_circuit(cs, m, e->seg_m, in_w, n, out_w)) != ZK_OK)
        goto out;

    zk_lc L_correct, L_tp, L_pp, L_pl, G[4], a, b, t;
    zk_lc_init(&L_correct), zk_lc_init(&L_tp), zk_lc_init(&L_pp), zk_lc_init(&L_pl);
    for (int k = 0; k < 4; k++)
        zk_lc_init(&G[k]);
    zk_lc_init(&a), zk_lc_init(&b), zk_lc_init(&t);
    uint32_t thr_w = 0, split_w = 0;
    if (rule == ZK_PRED_SIGMOID)
        thr_w = const_wire(cs, (int64_t)1 << (m->tensors[m->output].scale - 1));
    if (nc > 2 || rule == ZK_PRED_ARGMAX)
        for (uint32_t k = 0; k < nc; k++)
            cw[k] = const_wire(cs, (int64_t)k << meta->scale_bits);
    unsigned sbits = e->range_bits + 2;
    if (spec->has_sensitive) {
        split_w = const_wire(cs, spec->split_fixed);
        int64_t s = spec->split_fixed < 0 ? -spec->split_fixed : spec->split_fixed;
        while (sbits < 62 && ((int64_t)1 << (sbits - 2)) <= s)
            sbits++;
    }
    gl_t inv_one = gl_inv((gl_t)1 << meta->scale_bits);
    uint32_t cp = spec->positive_class;
    for (uint32_t i = 0; i < n && zk_cs_status(cs) == ZK_OK; i++) {
        uint32_t lw = e->seg_d + i + (spec->label_col << lr);
        zk_lc pp, pl, tp_i;
        zk_lc_init(&pp), zk_lc_init(&pl), zk_lc_init(&tp_i);
        if (rule != ZK_PRED_ARGMAX) {
            /* binary: p1 = predicted class bit, y = label / 2^s, proved boolean */
            uint32_t p1w;
            if (rule == ZK_PRED_SIGMOID)
                p1w = zk_cs_less_than(cs, out_w[i], thr_w, act_bits + 2); /* 1 - p1 */
            else
                p1w = zk_cs_is_negative(cs, out_w[i], act_bits + 1); /* 1 - p1 */
            zk_lc p1, y;
            zk_lc_init(&p1), zk_lc_init(&y);
            zk_lc_add_const(&p1, 1);
            zk_lc_add_i64(&p1, p1w, -1);
            zk_lc_add(&y, lw, inv_one);
            zk_lc_clear(&a);
            zk_lc_add(&a, lw, inv_one);
            zk_lc_clear(&b);
            zk_lc_add(&b, lw, inv_one);
            zk_lc_add_const(&b, gl_neg(1));
            zk_lc_clear(&t);
            zk_cs_enforce(cs, &a, &b, &t); /* y (y - 1) = 0 */
            uint32_t py = mul_lc(cs, &p1, &y);
            /* correct = 1 - p1 - y + 2 p1 y */
            zk_lc_add_const(&L_correct, 1);
            zk_lc_add_i64(&L_correct, p1w, 1); /* -p1 = -1 + p1w */
            zk_lc_add_const(&L_correct, gl_neg(1));
            zk_lc_add(&L_correct, lw, gl_neg(inv_one));
            zk_lc_add_i64(&L_correct, py, 2);
            if (cp == 1) {
                zk_lc_add(&pp, p1w, gl_neg(1)), zk_lc_add_const(&pp, 1);
                zk_lc_add(&pl, lw, inv_one);
                zk_lc_add(&tp_i, py, 1);
            } else { /* positive class 0 */
                zk_lc_add(&pp, p1w, 1);
                zk_lc_add(&pl, lw, gl_neg(inv_one)), zk_lc_add_const(&pl, 1);
                /* (1-p1)(1-y) = 1 - p1 - y + p1 y */
                zk_lc_add(&tp_i, p1w, 1);
                zk_lc_add(&tp_i, lw, gl_neg(inv_one));
                zk_lc_add(&tp_i, py, 1);
            }
            zk_lc_free(&p1), zk_lc_free(&y);
        } else {
            zk_cs_argmax(cs, out_w + (size_t)i * K, (size_t)K, act_bits + 1, onehot);
            zk_lc sum;
            zk_lc_init(&sum);
            for (uint32_t k = 0; k < nc; k++) {
                uint32_t lk = zk_cs_is_equal(cs, lw, cw[k]);
                zk_lc_add(&sum, lk, 1);
                uint32_t prod = zk_cs_mul(cs, onehot[k], lk);
                zk_lc_add(&L_correct, prod, 1);
                if (k == cp) {
                    zk_lc_add(&pp, onehot[k], 1);
                    zk_lc_add(&pl, lk, 1);
                    zk_lc_add(&tp_i, prod, 1);
                }
            }
            zk_lc_clear(&t);
            zk_lc_add_const(&t, 1);
            zk_cs_enforce_equal(cs, &sum, &t); /* the label is one of the classes */
            zk_lc_free(&sum);
        }
        for (uint32_t k = 0; k < pp.n; k++)
            zk_lc_add(&L_pp, pp.wire[k], pp.coeff[k]);
        for (uint32_t k = 0; k < pl.n; k++)
            zk_lc_add(&L_pl, pl.wire[k], pl.coeff[k]);
        for (uint32_t k = 0; k < tp_i.n; k++)
            zk_lc_add(&L_tp, tp_i.wire[k], tp_i.coeff[k]);
        if (spec->has_sensitive) {
            uint32_t sw = e->seg_d + i + (spec->sensitive_col << lr);
            uint32_t lt = zk_cs_less_than(cs, sw, split_w, sbits); /* group 0 */
            zk_lc g;
            zk_lc_init(&g);
            zk_lc_add_const(&g, 1);
            zk_lc_add_i64(&g, lt, -1);
            for (uint32_t k = 0; k < g.n; k++)
                zk_lc_add(&G[0], g.wire[k], g.coeff[k]);
            uint32_t gpp = mul_lc(cs, &g, &pp), gpl = mul_lc(cs, &g, &pl), gtp = mul_lc(cs, &g, &tp_i);
            zk_lc_add(&G[1], gpp, 1);
            zk_lc_add(&G[2], gpl, 1);
            zk_lc_add(&G[3], gtp, 1);
            zk_lc_free(&g);
        }
        zk_lc_free(&pp), zk_lc_free(&pl), zk_lc_free(&tp_i);
    }

    if (!claims_mode) {
        /* correct, tp, tp + fp, tp + fn, tp + fp + tn + fn = n; group 1 sums; group 0 = total - group 1 */
        lc_set(&t, pub[PUB_CORRECT], 1);
        zk_cs_enforce_equal(cs, &L_correct, &t);
        lc_set(&t, pub[PUB_TP], 1);
        zk_cs_enforce_equal(cs, &L_tp, &t);
        lc_set(&t, pub[PUB_TP], 1), zk_lc_add(&t, pub[PUB_FP], 1);
        zk_cs_enforce_equal(cs, &L_pp, &t);
        lc_set(&t, pub[PUB_TP], 1), zk_lc_add(&t, pub[PUB_FN], 1);
        zk_cs_enforce_equal(cs, &L_pl, &t);
        lc_set(&t, pub[PUB_TP], 1), zk_lc_add(&t, pub[PUB_FP], 1), zk_lc_add(&t, pub[PUB_TN], 1),
            zk_lc_add(&t, pub[PUB_FN], 1);
        lc_set(&a, pub[PUB_N], 1);
        zk_cs_enforce_equal(cs, &t, &a);
        if (spec->has_sensitive) {
            /* totals: n, tp + fp, tp + fn, tp */
            zk_lc tot;
            zk_lc_init(&tot);
            for (int k = 0; k < 4; k++) {
                lc_set(&t, pub[PUB_G0 + 2 * k + 1], 1);
                zk_cs_enforce_equal(cs, &G[k], &t);
                zk_lc_clear(&tot);
                if (k == 0)
                    zk_lc_add(&tot, pub[PUB_N], 1);
                if (k == 1 || k == 2 || k == 3)
                    zk_lc_add(&tot, pub[PUB_TP], 1);
                if (k == 1)
                    zk_lc_add(&tot, pub[PUB_FP], 1);
                if (k == 2)
                    zk_lc_add(&tot, pub[PUB_FN], 1);
                lc_set(&t, pub[PUB_G0 + 2 * k], 1), zk_lc_add(&t, pub[PUB_G0 + 2 * k + 1], 1);
                zk_cs_enforce_equal(cs, &t, &tot);
            }
            zk_lc_free(&tot);
        }
    } else {
        /* private totals */
        uint32_t w_corr = zk_cs_lc_wire(cs, &L_correct), w_tp = zk_cs_lc_wire(cs, &L_tp);
        uint32_t w_pp = zk_cs_lc_wire(cs, &L_pp), w_pl = zk_cs_lc_wire(cs, &L_pl);
        uint32_t wg[4] = {0, 0, 0, 0};
        if (spec->has_sensitive)
            for (int k = 0; k < 4; k++)
                wg[k] = zk_cs_lc_wire(cs, &G[k]); /* group-1 sums */
        for (uint32_t q = 0; q < spec->n_claims; q++) {
            const zk_metric_claim *cl = &spec->claims[q];
            int64_t A = cl->num, B = cl->den;
            zk_lc num, den;
            zk_lc_init(&num), zk_lc_init(&den);
            if (cl->metric <= ZK_METRIC_F1) {
                switch (cl->metric) {
                case ZK_METRIC_ACCURACY: zk_lc_add(&num, w_corr, 1), zk_lc_add_i64(&den, 0, (int64_t)n); break;
                case ZK_METRIC_PRECISION: zk_lc_add(&num, w_tp, 1), zk_lc_add(&den, w_pp, 1); break;
                case ZK_METRIC_RECALL: zk_lc_add(&num, w_tp, 1), zk_lc_add(&den, w_pl, 1); break;
                default: /* F1 = 2tp / (pp + pl) */
                    zk_lc_add_i64(&num, w_tp, 2), zk_lc_add(&den, w_pp, 1), zk_lc_add(&den, w_pl, 1);
                    break;
                }
                enforce_nonzero(cs, &den);
                /* at_least: B num - A den >= 0; at_most: A den - B num >= 0 */
                zk_lc_clear(&t);
                int64_t sgn = cl->at_least ? 1 : -1;
                for (uint32_t k = 0; k < num.n; k++)
                    zk_lc_add(&t, num.wire[k], gl_mul(num.coeff[k], gl_from_i64(sgn * B)));
                for (uint32_t k = 0; k < den.n; k++)
                    zk_lc_add(&t, den.wire[k], gl_mul(den.coeff[k], gl_from_i64(-sgn * A)));
                enforce_nonneg(cs, &t, 48);
            } else {
                /* groups: x1 = group-1 numerator, n1 = group-1 denominator; group 0 = total - group 1 */
                zk_lc x1, x0, n1, n0;
                zk_lc_init(&x1), zk_lc_init(&x0), zk_lc_init(&n1), zk_lc_init(&n0);
                if (cl->metric == ZK_METRIC_DP_DIFF) {
                    zk_lc_add(&x1, wg[1], 1);
                    zk_lc_add(&x0, w_pp, 1), zk_lc_add_i64(&x0, wg[1], -1);
                    zk_lc_add(&n1, wg[0], 1);
                    zk_lc_add_i64(&n0, 0, (int64_t)n), zk_lc_add_i64(&n0, wg[0], -1);
                } else {
                    zk_lc_add(&x1, wg[3], 1);
                    zk_lc_add(&x0, w_tp, 1), zk_lc_add_i64(&x0, wg[3], -1);
                    zk_lc_add(&n1, wg[2], 1);
                    zk_lc_add(&n0, w_pl, 1), zk_lc_add_i64(&n0, wg[2], -1);
                }
                enforce_nonzero(cs, &n0);
                enforce_nonzero(cs, &n1);
                uint32_t a1 = mul_lc(cs, &x1, &n0), a0 = mul_lc(cs, &x0, &n1), pr = mul_lc(cs, &n0, &n1);
                /* A pr - B (a1 - a0) >= 0 and A pr + B (a1 - a0) >= 0 */
                for (int s = -1; s <= 1; s += 2) {
                    zk_lc_clear(&t);
                    zk_lc_add_i64(&t, pr, A);
                    zk_lc_add_i64(&t, a1, s * B);
                    zk_lc_add_i64(&t, a0, -s * B);
                    enforce_nonneg(cs, &t, 61);
                }
                zk_lc_free(&x1), zk_lc_free(&x0), zk_lc_free(&n1), zk_lc_free(&n0);
            }
            zk_lc_free(&num), zk_lc_free(&den);
        }
    }
    zk_lc_free(&L_correct), zk_lc_free(&L_tp), zk_lc_free(&L_pp), zk_lc_free(&L_pl);
    for (int k = 0; k < 4; k++)
        zk_lc_free(&G[k]);
    zk_lc_free(&a), zk_lc_free(&b), zk_lc_free(&t);
    rc = zk_cs_status(cs);
out:
    free(in_w);
    free(out_w);
    free(onehot);
    free(cw);
    return rc;
}

static int eval_context(zk_wbuf *ctx, const zk_model_commitment *mc, const zk_dataset_commitment *dc,
                        const zk_metrics_spec *spec)
{
    uint8_t mid[ZK_HASH_BYTES], did[ZK_HASH_BYTES];
    if (zk_model_commitment_id(mid, mc) != ZK_OK || zk_dataset_commitment_id(did, dc) != ZK_OK)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    zk_wbuf_put(ctx, "zkmlops/eval/v1", 15);
    zk_wbuf_put(ctx, mid, sizeof mid);
    zk_wbuf_put(ctx, did, sizeof did);
    zk_metrics_spec_write(ctx, spec);
    return ctx->oom ? zk_set_error(ZK_ERR_NOMEM, "out of memory") : ZK_OK;
}

static int check_shapes(const zk_model *arch, const zk_dataset_meta *meta, const zk_metrics_spec *spec)
{
    if (zk_model_input_size(arch) != spec->n_features)
        return zk_set_error(ZK_ERR_INPUT, "the model takes %llu inputs, the metric spec names %u features",
                            (unsigned long long)zk_model_input_size(arch), spec->n_features);
    if (spec->label_col >= meta->n_cols || (spec->has_sensitive && spec->sensitive_col >= meta->n_cols))
        return zk_set_error(ZK_ERR_INPUT, "metric spec columns do not match the test set");
    for (uint32_t k = 0; k < spec->n_features; k++)
        if (spec->feature_cols[k] >= meta->n_cols)
            return zk_set_error(ZK_ERR_INPUT, "metric spec columns do not match the test set");
    if (meta->n_rows == 0)
        return zk_set_error(ZK_ERR_INPUT, "the test set has no rows");
    if (arch->tensors[arch->input].scale != meta->scale_bits)
        return zk_set_error(ZK_ERR_INPUT,
                            "the model's input scale is 2^%u but the test set is at scale 2^%u (commit the model "
                            "with --scale %u)",
                            arch->tensors[arch->input].scale, meta->scale_bits, meta->scale_bits);
    if (spec->positive_class >= zk_metrics_n_classes(arch))
        return zk_set_error(ZK_ERR_INPUT, "positive class %u: the model has %u classes", spec->positive_class,
                            zk_metrics_n_classes(arch));
    return ZK_OK;
}

static int eval_circuit_fn(zk_cs *cs, void *ctx) { return eval_circuit(cs, ctx); }

/* The circuit under the lookup rule of circuit.h (ZK_CS_LOOKUP_AUTO_*): range
 * checks by lookups when it has at least 2^16 looked-up values, else bit
 * decompositions. Depends only on public shapes. *out = NULL on error. */
static int eval_build(zk_cs **out, int prover, eval_inputs *e)
{
    int rc = zk_cs_build_auto(out, prover, ZK_CS_LOOKUP_AUTO_BITS, ZK_CS_LOOKUP_AUTO_MIN, eval_circuit_fn, e);
    if (*out) {
        last_constraints = zk_cs_n_constraints(*out);
        last_wires = zk_cs_n_wires(*out);
    }
    return rc;
}

int zk_eval_prove(const zk_model_private *model, const zk_dataset_private *data, const zk_metrics_spec *spec,
                  const zk_metrics_counts *counts, zk_wbuf *proof)
{
    int rc = check_shapes(&model->model, &data->com.meta, spec);
    if (rc != ZK_OK)
        return rc;
    for (uint32_t q = 0; q < spec->n_claims; q++)
        if (!zk_metrics_claim_holds(&spec->claims[q], counts))
            return zk_set_error(ZK_ERR_INPUT, "claim %u (%s %s %lld/%lld) does not hold on this test set", q,
                                zk_metric_name(spec->claims[q].metric), spec->claims[q].at_least ? ">=" : "<=",
                                (long long)spec->claims[q].num, (long long)spec->claims[q].den);
    zk_cs *cs = NULL;
    eval_inputs e = {.m = &model->model,
                     .model_log_len = model->com.log_len,
                     .model_vals = model->wit.evals,
                     .meta = &data->com.meta,
                     .table = data->wit.evals,
                     .range_bits = data->com.range_bits,
                     .spec = spec,
                     .counts = counts};
    zk_wbuf ctx;
    zk_wbuf_init(&ctx);
    rc = eval_build(&cs, 1, &e);
    if (rc == ZK_OK)
        rc = eval_context(&ctx, &model->com, &data->com, spec);
    if (rc == ZK_OK) {
        zk_cs_link links[2] = {{&model->com.whir, &model->wit, e.seg_m}, {&data->com.whir, &data->wit, e.seg_d}};
        zk_proof_header_write(proof, ZK_PROOF_EVAL);
        size_t at = zk_proof_section_begin(proof, TAG_EVAL_PROOF);
        rc = zk_cs_prove(cs, ctx.data, ctx.len, links, 2, proof);
        zk_proof_section_end(proof, at);
        if (rc == ZK_OK && proof->oom)
            rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    zk_wbuf_free(&ctx);
    zk_cs_free(cs);
    return rc;
}

int zk_eval_verify(const zk_model_commitment *model, const zk_dataset_commitment *data,
                   const zk_metrics_spec *spec, const zk_metrics_counts *counts, const uint8_t *proof,
                   size_t proof_len, zk_spartan_security *sec)
{
    int rc = check_shapes(&model->arch, &data->meta, spec);
    if (rc != ZK_OK)
        return rc;
    if (spec->n_claims == 0) {
        if (counts->n != data->meta.n_rows)
            return zk_set_error(ZK_ERR_REJECT, "claimed row count %llu, the test set has %u rows",
                                (unsigned long long)counts->n, data->meta.n_rows);
        if (counts->tp + counts->fp + counts->tn + counts->fn != counts->n || counts->correct > counts->n)
            return zk_set_error(ZK_ERR_REJECT, "claimed counts are inconsistent");
    }
    zk_cs *cs = NULL;
    eval_inputs e = {.m = &model->arch,
                     .model_log_len = model->log_len,
                     .meta = &data->meta,
                     .range_bits = data->range_bits,
                     .spec = spec,
                     .counts = counts};
    zk_wbuf ctx;
    zk_wbuf_init(&ctx);
    rc = eval_build(&cs, 0, &e);
    if (rc == ZK_OK)
        rc = eval_context(&ctx, model, data, spec);
    if (rc == ZK_OK) {
        zk_rbuf r, sub;
        zk_rbuf_init(&r, proof, proof_len);
        rc = zk_proof_header_read(&r, ZK_PROOF_EVAL);
        if (rc == ZK_OK)
            rc = zk_proof_section_read(&r, TAG_EVAL_PROOF, "eval proof", &sub);
        if (rc == ZK_OK && zk_rbuf_left(&r) != 0)
            rc = zk_set_error(ZK_ERR_INPUT, "trailing bytes after the eval proof");
        if (rc == ZK_OK) {
            zk_cs_link links[2] = {{&model->whir, NULL, e.seg_m}, {&data->whir, NULL, e.seg_d}};
            rc = zk_cs_verify(cs, ctx.data, ctx.len, links, 2, sub.data + sub.pos, zk_rbuf_left(&sub), sec);
        }
    }
    zk_wbuf_free(&ctx);
    zk_cs_free(cs);
    return rc;
}
