/* Online monitoring: serving log, chained windows, window proofs (monitor.h, docs/monitoring.md). */
#include "zkmlops/monitor.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zkmlops/circuit.h"
#include "zkmlops/metrics.h"
#include "zkmlops/proof.h"

#define CFG_MAX_BYTES ((size_t)64 << 20)
#define LOG_MAX_BYTES ((size_t)1 << 31)
#define TAG_MONITOR_PROOF 0x4e4f4d01u
#define WIN_MAGIC_PUB "ZKMLWIN"
#define WIN_MAGIC_PRIV "ZKMLWIP"
#define WIN_VERSION 1u

/* ================================================================ configuration */

void zk_monitor_config_free(zk_monitor_config *c)
{
    if (!c)
        return;
    if (c->names)
        for (uint32_t j = 0; j < c->n_features; j++)
            free(c->names[j]);
    free(c->names);
    free(c->mean);
    free(c->std);
    free(c->hist);
    memset(c, 0, sizeof *c);
}

static int cfg_alloc(zk_monitor_config *c, uint32_t d)
{
    c->n_features = d;
    c->names = calloc(d, sizeof *c->names);
    c->mean = calloc(d, sizeof *c->mean);
    c->std = calloc(d, sizeof *c->std);
    c->hist = calloc((size_t)d * ZK_MONITOR_BINS, sizeof *c->hist);
    if (!c->names || !c->mean || !c->std || !c->hist)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    return ZK_OK;
}

static int get_i64(const cJSON *it, int64_t *out)
{
    if (cJSON_IsNumber(it)) {
        double v = it->valuedouble;
        if (v != floor(v) || fabs(v) > 9007199254740992.0)
            return -1;
        *out = (int64_t)v;
        return 0;
    }
    if (cJSON_IsString(it) && it->valuestring[0]) {
        char *end;
        errno = 0;
        long long v = strtoll(it->valuestring, &end, 10);
        if (errno || *end)
            return -1;
        *out = (int64_t)v;
        return 0;
    }
    return -1;
}

static const cJSON *get_any(const cJSON *o, const char *a, const char *b, const char *c)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, a);
    if (!it && b)
        it = cJSON_GetObjectItemCaseSensitive(o, b);
    if (!it && c)
        it = cJSON_GetObjectItemCaseSensitive(o, c);
    return it;
}

/* Reference: an object with "features": [{"name", "mean"|"mean_fixed", "std"|"std_fixed",
 * "hist"|"histogram"|"bins"}], values as integers at the scale "scale_bits" (default 12).
 * Preprocessing claims files keep these under "reference" or "train_reference" or at the top. */
static int parse_reference(zk_monitor_config *c, const char *path, const cJSON *root)
{
    char msg[256];
    const cJSON *ref = root;
    const cJSON *sub = get_any(root, "reference", "train_reference", "train");
    if (cJSON_IsObject(sub) && cJSON_GetObjectItemCaseSensitive(sub, "features"))
        ref = sub;
    const cJSON *scale = get_any(ref, "scale_bits", "scale", NULL);
    if (!scale)
        scale = get_any(root, "scale_bits", "scale", NULL);
    const cJSON *feats = cJSON_GetObjectItemCaseSensitive(ref, "features");
    int64_t sb = ZK_DATASET_DEFAULT_SCALE_BITS;
    if (scale && (get_i64(scale, &sb) != 0 || sb < 1 || sb > (int64_t)ZK_DATASET_MAX_SCALE_BITS))
        return zk_set_error(ZK_ERR_INPUT, "%s: $.scale_bits: expected an integer in 1..24", path);
    if (!cJSON_IsArray(feats) || cJSON_GetArraySize(feats) < 1 ||
        cJSON_GetArraySize(feats) > (int)ZK_MONITOR_MAX_FEATURES)
        return zk_set_error(ZK_ERR_INPUT, "%s: $.features: expected an array of per-feature reference statistics",
                            path);
    c->scale_bits = (uint32_t)sb;
    int rc = cfg_alloc(c, (uint32_t)cJSON_GetArraySize(feats));
    if (rc != ZK_OK)
        return rc;
    for (uint32_t j = 0; j < c->n_features; j++) {
        const cJSON *f = cJSON_GetArrayItem(feats, (int)j);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
        const cJSON *mean = get_any(f, "mean_fixed", "mean", NULL);
        const cJSON *sd = get_any(f, "std_fixed", "std", NULL);
        const cJSON *h = get_any(f, "hist", "histogram", "bins");
        int64_t mv, sv;
        if (!cJSON_IsObject(f)) {
            snprintf(msg, sizeof msg, "$.features[%u]: expected an object", j);
            return zk_set_error(ZK_ERR_INPUT, "%s: %s", path, msg);
        }
        c->names[j] = strdup(cJSON_IsString(name) ? name->valuestring : "");
        if (!c->names[j])
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        if (get_i64(mean, &mv) != 0 || get_i64(sd, &sv) != 0 || sv < 1 || llabs(mv) >= ZK_DATASET_MAX_ABS ||
            sv >= ZK_DATASET_MAX_ABS)
            return zk_set_error(ZK_ERR_INPUT,
                                "%s: $.features[%u]: expected integer mean and std >= 1 (fixed point at scale 2^%u)",
                                path, j, c->scale_bits);
        c->mean[j] = mv;
        c->std[j] = sv;
        if (!cJSON_IsArray(h) || cJSON_GetArraySize(h) != (int)ZK_MONITOR_BINS)
            return zk_set_error(ZK_ERR_INPUT, "%s: $.features[%u].hist: expected %u bin counts", path, j,
                                ZK_MONITOR_BINS);
        for (uint32_t b = 0; b < ZK_MONITOR_BINS; b++) {
            int64_t v;
            if (get_i64(cJSON_GetArrayItem(h, (int)b), &v) != 0 || v < 0)
                return zk_set_error(ZK_ERR_INPUT, "%s: $.features[%u].hist[%u]: expected a count", path, j, b);
            c->hist[(size_t)j * ZK_MONITOR_BINS + b] = (uint64_t)v;
        }
    }
    return ZK_OK;
}

static int parse_alerts(zk_monitor_config *c, const char *path, const cJSON *root)
{
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *ws = cJSON_GetObjectItemCaseSensitive(root, "window_size");
    if (!ws)
        ws = cJSON_GetObjectItemCaseSensitive(root, "window"); /* audit pipelines: {"window": N} */
    const cJSON *al = cJSON_GetObjectItemCaseSensitive(root, "alerts");
    int64_t v;
    if (!cJSON_IsObject(root))
        return zk_set_error(ZK_ERR_INPUT, "%s: expected a JSON object", path);
    if (fmt && !(cJSON_IsString(fmt) && strcmp(fmt->valuestring, "zkmlops-monitor/v1") == 0))
        return zk_set_error(ZK_ERR_INPUT, "%s: $.format: expected \"zkmlops-monitor/v1\"", path);
    if (get_i64(ws, &v) != 0 || v < 1 || v > (int64_t)ZK_MONITOR_MAX_WINDOW)
        return zk_set_error(ZK_ERR_INPUT, "%s: $.window_size: expected an integer in 1..%u", path,
                            ZK_MONITOR_MAX_WINDOW);
    c->window_size = (uint32_t)v;
    c->psi_above = 0.25;
    c->mean_shift_above = 0.5;
    if (!al)
        return ZK_OK;
    if (!cJSON_IsObject(al))
        return zk_set_error(ZK_ERR_INPUT, "%s: $.alerts: expected an object", path);
    static const char *const keys[] = {"psi_above", "mean_shift_above", "accuracy_below"};
    double *dst[] = {&c->psi_above, &c->mean_shift_above, &c->accuracy_below};
    for (int k = 0; k < 3; k++) {
        const cJSON *it = cJSON_GetObjectItemCaseSensitive(al, keys[k]);
        if (!it)
            continue;
        if (cJSON_IsNull(it)) {
            *dst[k] = 0;
            continue;
        }
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < 0 || it->valuedouble > 1e6)
            return zk_set_error(ZK_ERR_INPUT, "%s: $.alerts.%s: expected a non-negative number or null", path, keys[k]);
        *dst[k] = it->valuedouble;
    }
    const cJSON *mf = cJSON_GetObjectItemCaseSensitive(al, "min_feedback");
    if (mf) {
        if (get_i64(mf, &v) != 0 || v < 0 || v > (int64_t)ZK_MONITOR_MAX_WINDOW)
            return zk_set_error(ZK_ERR_INPUT, "%s: $.alerts.min_feedback: expected a count", path);
        c->min_feedback = (uint32_t)v;
    }
    const cJSON *cr = cJSON_GetObjectItemCaseSensitive(al, "class_rate");
    if (cr) {
        const cJSON *cl = cJSON_GetObjectItemCaseSensitive(cr, "class");
        const cJSON *ab = cJSON_GetObjectItemCaseSensitive(cr, "above");
        const cJSON *be = cJSON_GetObjectItemCaseSensitive(cr, "below");
        if (!cJSON_IsObject(cr) || get_i64(cl, &v) != 0 || v < 0 || v >= (int64_t)ZK_METRICS_MAX_CLASSES ||
            (ab && !cJSON_IsNumber(ab)) || (be && !cJSON_IsNumber(be)) || (!ab && !be))
            return zk_set_error(ZK_ERR_INPUT,
                                "%s: $.alerts.class_rate: expected {\"class\": c, \"above\": r and/or \"below\": r}",
                                path);
        c->rate_alert = 1;
        c->rate_class = (uint32_t)v;
        c->rate_above = ab ? ab->valuedouble : 0;
        c->rate_below = be ? be->valuedouble : 0;
    }
    return ZK_OK;
}

int zk_monitor_config_parse(zk_monitor_config *c, const char *ref_path, const char *ref_text, size_t ref_len,
                            const char *alerts_path, const char *alerts_text, size_t alerts_len)
{
    memset(c, 0, sizeof *c);
    cJSON *r = cJSON_ParseWithLength(ref_text, ref_len);
    if (!r)
        return zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", ref_path);
    int rc = parse_reference(c, ref_path, r);
    cJSON_Delete(r);
    if (rc == ZK_OK) {
        cJSON *a = cJSON_ParseWithLength(alerts_text, alerts_len);
        if (!a)
            rc = zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", alerts_path);
        else
            rc = parse_alerts(c, alerts_path, a);
        cJSON_Delete(a);
    }
    if (rc != ZK_OK)
        zk_monitor_config_free(c);
    return rc;
}

int zk_monitor_config_load(zk_monitor_config *c, const char *reference_path, const char *alerts_path)
{
    uint8_t *rt = NULL, *at = NULL;
    size_t rl = 0, al = 0;
    memset(c, 0, sizeof *c);
    int rc = zk_read_file(reference_path, CFG_MAX_BYTES, &rt, &rl);
    if (rc == ZK_OK)
        rc = zk_read_file(alerts_path, CFG_MAX_BYTES, &at, &al);
    if (rc == ZK_OK)
        rc = zk_monitor_config_parse(c, reference_path, (const char *)rt, rl, alerts_path, (const char *)at, al);
    free(rt);
    free(at);
    return rc;
}

uint32_t zk_monitor_bin(int64_t x, int64_t mean, int64_t std)
{
    __int128 t = 2 * ((__int128)x - mean);
    __int128 q = t / std;
    if (t % std != 0 && t < 0)
        q--; /* floor */
    if (q < -4)
        return 0;
    if (q >= 4)
        return 9;
    return (uint32_t)(q + 5);
}

int zk_monitor_reference_from_rows(zk_monitor_config *c, const int64_t *x, uint32_t rows, uint32_t n_features,
                                   uint32_t scale_bits)
{
    if (rows == 0 || n_features == 0 || n_features > ZK_MONITOR_MAX_FEATURES)
        return zk_set_error(ZK_ERR_INPUT, "reference: need rows and 1..%u features", ZK_MONITOR_MAX_FEATURES);
    int rc = cfg_alloc(c, n_features);
    if (rc != ZK_OK)
        return rc;
    c->scale_bits = scale_bits;
    for (uint32_t j = 0; j < n_features; j++) {
        char nm[32];
        snprintf(nm, sizeof nm, "x%u", j);
        c->names[j] = strdup(nm);
        if (!c->names[j])
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        __int128 S = 0;
        for (uint32_t i = 0; i < rows; i++)
            S += x[(size_t)i * n_features + j];
        /* preprocess.h: mean = floor((2S + n) / (2n)), std = floor(sqrt(floor((2V + n) / (2n)))) */
        __int128 num = 2 * S + rows, den = 2 * (__int128)rows;
        __int128 mean = num / den;
        if (num % den != 0 && num < 0)
            mean--;
        __int128 V = 0;
        for (uint32_t i = 0; i < rows; i++) {
            __int128 dlt = x[(size_t)i * n_features + j] - mean;
            V += dlt * dlt;
        }
        __int128 vr = (2 * V + rows) / (2 * (__int128)rows);
        int64_t sd = (int64_t)sqrtl((long double)vr);
        while (sd > 0 && (__int128)sd * sd > vr)
            sd--;
        while ((__int128)(sd + 1) * (sd + 1) <= vr)
            sd++;
        if (sd < 1)
            return zk_set_error(ZK_ERR_INPUT, "reference: feature %u is constant (std 0)", j);
        c->mean[j] = (int64_t)mean;
        c->std[j] = sd;
        for (uint32_t i = 0; i < rows; i++)
            c->hist[(size_t)j * ZK_MONITOR_BINS + zk_monitor_bin(x[(size_t)i * n_features + j], c->mean[j], sd)]++;
    }
    return ZK_OK;
}

static void put_f64(zk_wbuf *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    zk_wbuf_u64(w, u);
}

void zk_monitor_config_digest(uint8_t out[ZK_HASH_BYTES], const zk_monitor_config *c)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_wbuf_put(&w, "zkmlops-monitor-config/v1", 25);
    zk_wbuf_u32(&w, c->n_features);
    zk_wbuf_u32(&w, c->scale_bits);
    for (uint32_t j = 0; j < c->n_features; j++) {
        size_t l = c->names[j] ? strlen(c->names[j]) : 0;
        zk_wbuf_u32(&w, (uint32_t)l);
        zk_wbuf_put(&w, c->names[j], l);
        zk_wbuf_u64(&w, (uint64_t)c->mean[j]);
        zk_wbuf_u64(&w, (uint64_t)c->std[j]);
        for (uint32_t b = 0; b < ZK_MONITOR_BINS; b++)
            zk_wbuf_u64(&w, c->hist[(size_t)j * ZK_MONITOR_BINS + b]);
    }
    zk_wbuf_u32(&w, c->window_size);
    put_f64(&w, c->psi_above);
    put_f64(&w, c->mean_shift_above);
    put_f64(&w, c->accuracy_below);
    zk_wbuf_u32(&w, c->min_feedback);
    zk_wbuf_u32(&w, (uint32_t)c->rate_alert);
    zk_wbuf_u32(&w, c->rate_class);
    put_f64(&w, c->rate_above);
    put_f64(&w, c->rate_below);
    if (w.oom) /* cannot happen for sane sizes; hash a marker so a digest never silently collides */
        zk_sha256(out, "oom", 3);
    else
        zk_sha256(out, w.data, w.len);
    zk_wbuf_free(&w);
}

/* ================================================================ statistics */

int zk_monitor_stats_alloc(zk_monitor_stats *s, uint32_t n_classes, uint32_t d)
{
    memset(s, 0, sizeof *s);
    s->n_classes = n_classes;
    s->d = d;
    s->class_count = calloc(n_classes, sizeof *s->class_count);
    s->sum = calloc(d, sizeof *s->sum);
    s->bins = calloc((size_t)d * ZK_MONITOR_BINS, sizeof *s->bins);
    if (!s->class_count || !s->sum || !s->bins) {
        zk_monitor_stats_free(s);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    return ZK_OK;
}

void zk_monitor_stats_free(zk_monitor_stats *s)
{
    if (!s)
        return;
    free(s->class_count);
    free(s->sum);
    free(s->bins);
    memset(s, 0, sizeof *s);
}

/* Window table columns. */
#define COL_ID 0u
#define COL_TS 1u
#define COL_X 2u
static uint32_t col_y(const zk_monitor_window_header *h) { return COL_X + h->d; }
static uint32_t col_fb(const zk_monitor_window_header *h) { return COL_X + h->d + h->K; }
static uint32_t col_label(const zk_monitor_window_header *h) { return COL_X + h->d + h->K + 1; }

int zk_monitor_stats_compute(zk_monitor_stats *s, const zk_monitor_window_private *w, const zk_model *m,
                             const zk_monitor_config *cfg)
{
    const zk_monitor_window_header *h = &w->h;
    if (cfg->n_features != h->d)
        return zk_set_error(ZK_ERR_INPUT, "the reference has %u features, the window %u inputs", cfg->n_features,
                            h->d);
    if (zk_model_output_size(m) != h->K || zk_model_input_size(m) != h->d)
        return zk_set_error(ZK_ERR_INPUT, "the window's input/output sizes do not match the model");
    int rc = zk_monitor_stats_alloc(s, h->n_classes, h->d);
    if (rc != ZK_OK)
        return rc;
    s->n = h->n;
    int64_t *out = malloc((size_t)h->K * sizeof *out);
    if (!out) {
        zk_monitor_stats_free(s);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    for (uint32_t i = 0; i < h->n; i++) {
        for (uint32_t k = 0; k < h->K; k++)
            out[k] = zk_dataset_private_value(&w->priv, i, col_y(h) + k);
        uint32_t p = zk_metrics_predict(m, out);
        s->class_count[p]++;
        if (zk_dataset_private_value(&w->priv, i, col_fb(h))) {
            s->n_feedback++;
            s->correct += (int64_t)p == zk_dataset_private_value(&w->priv, i, col_label(h));
        }
        for (uint32_t j = 0; j < h->d; j++) {
            int64_t x = zk_dataset_private_value(&w->priv, i, COL_X + j);
            s->sum[j] += x;
            s->bins[(size_t)j * ZK_MONITOR_BINS + zk_monitor_bin(x, cfg->mean[j], cfg->std[j])]++;
        }
    }
    free(out);
    return ZK_OK;
}

void zk_monitor_report_free(zk_monitor_report *r)
{
    if (!r)
        return;
    free(r->mean_shift);
    free(r->psi);
    free(r->drift_psi);
    free(r->drift_mean);
    memset(r, 0, sizeof *r);
}

int zk_monitor_evaluate(zk_monitor_report *r, const zk_monitor_stats *s, const zk_monitor_config *cfg)
{
    memset(r, 0, sizeof *r);
    if (s->d != cfg->n_features || s->n == 0)
        return zk_set_error(ZK_ERR_INPUT, "statistics do not match the configuration");
    uint32_t d = s->d;
    r->mean_shift = calloc(d, sizeof *r->mean_shift);
    r->psi = calloc(d, sizeof *r->psi);
    r->drift_psi = calloc(d, 1);
    r->drift_mean = calloc(d, 1);
    if (!r->mean_shift || !r->psi || !r->drift_psi || !r->drift_mean) {
        zk_monitor_report_free(r);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    for (uint32_t j = 0; j < d; j++) {
        /* (S/n - mean) / std, from exact integers */
        double num = (double)((__int128)s->sum[j] - (__int128)s->n * cfg->mean[j]);
        r->mean_shift[j] = num / ((double)s->n * (double)cfg->std[j]);
        uint64_t ref_n = 0;
        for (uint32_t b = 0; b < ZK_MONITOR_BINS; b++)
            ref_n += cfg->hist[(size_t)j * ZK_MONITOR_BINS + b];
        double psi = 0;
        for (uint32_t b = 0; b < ZK_MONITOR_BINS; b++) {
            double p = (double)s->bins[(size_t)j * ZK_MONITOR_BINS + b] / (double)s->n;
            double q = ref_n ? (double)cfg->hist[(size_t)j * ZK_MONITOR_BINS + b] / (double)ref_n : 0;
            if (p < ZK_MONITOR_PSI_FLOOR)
                p = ZK_MONITOR_PSI_FLOOR;
            if (q < ZK_MONITOR_PSI_FLOOR)
                q = ZK_MONITOR_PSI_FLOOR;
            psi += (p - q) * log(p / q);
        }
        r->psi[j] = psi;
        r->drift_psi[j] = cfg->psi_above > 0 && psi > cfg->psi_above;
        r->drift_mean[j] = cfg->mean_shift_above > 0 && fabs(r->mean_shift[j]) > cfg->mean_shift_above;
        r->n_alerts += r->drift_psi[j] + r->drift_mean[j];
    }
    r->accuracy = s->n_feedback ? (double)s->correct / (double)s->n_feedback : NAN;
    r->accuracy_alert = cfg->accuracy_below > 0 && s->n_feedback > 0 && s->n_feedback >= cfg->min_feedback &&
                        r->accuracy < cfg->accuracy_below;
    if (cfg->rate_alert && cfg->rate_class < s->n_classes) {
        double rate = (double)s->class_count[cfg->rate_class] / (double)s->n;
        r->rate_high_alert = cfg->rate_above > 0 && cfg->rate_above < 1 && rate > cfg->rate_above;
        r->rate_low_alert = cfg->rate_below > 0 && rate < cfg->rate_below;
    }
    r->n_alerts += (uint32_t)(r->accuracy_alert + r->rate_high_alert + r->rate_low_alert);
    return ZK_OK;
}

/* ================================================================ log */

void zk_monitor_log_free(zk_monitor_log *log)
{
    if (!log)
        return;
    free(log->rec);
    if (log->vals)
        memset(log->vals, 0, (size_t)log->cap * (log->d + log->K) * sizeof *log->vals);
    free(log->vals);
    memset(log, 0, sizeof *log);
}

static void hex_of(char out[65], const uint8_t d[ZK_HASH_BYTES]) { zk_digest_hex(out, d); }

static int unhex(uint8_t out[ZK_HASH_BYTES], const char *s)
{
    if (!s || strlen(s) != 2 * ZK_HASH_BYTES)
        return -1;
    for (int i = 0; i < ZK_HASH_BYTES; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char ch = s[2 * i + k];
            unsigned x;
            if (ch >= '0' && ch <= '9')
                x = (unsigned)(ch - '0');
            else if (ch >= 'a' && ch <= 'f')
                x = (unsigned)(ch - 'a' + 10);
            else
                return -1;
            v = v * 16 + x;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

/* Finish a line: prefix (bytes before ,"h") -> prefix,"h":"hex"}\n; updates head. */
static void finish_line(zk_wbuf *out, const char *prefix, size_t plen, uint8_t head[ZK_HASH_BYTES])
{
    uint8_t h[ZK_HASH_BYTES];
    zk_sha256_2(h, head, ZK_HASH_BYTES, prefix, plen);
    char hex[65];
    hex_of(hex, h);
    zk_wbuf_put(out, prefix, plen);
    zk_wbuf_put(out, ",\"h\":\"", 6);
    zk_wbuf_put(out, hex, 64);
    zk_wbuf_put(out, "\"}\n", 3);
    memcpy(head, h, ZK_HASH_BYTES);
}

/* Append bytes to the log file (one write). */
static int append_file(const char *path, const zk_wbuf *w)
{
    if (w->oom)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    FILE *f = fopen(path, "ab");
    if (!f)
        return zk_set_error(ZK_ERR_IO, "%s: cannot open for appending: %s", path, strerror(errno));
    size_t n = fwrite(w->data, 1, w->len, f);
    int bad = n != w->len;
    if (fflush(f) != 0)
        bad = 1;
    if (fclose(f) != 0)
        bad = 1;
    if (bad)
        return zk_set_error(ZK_ERR_IO, "%s: write failed", path);
    return ZK_OK;
}

typedef struct {
    char *p;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) ZK_PRINTF(2, 3);
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    if (b->oom)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t nc = (b->cap ? b->cap * 2 : 256) + (size_t)n;
        char *q = realloc(b->p, nc);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->p = q;
        b->cap = nc;
    }
}

int zk_monitor_log_create(const char *path, const zk_model_commitment *model, const zk_monitor_config *cfg)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return zk_set_error(ZK_ERR_INPUT, "%s: already exists (a log is never overwritten)", path);
    uint8_t mid[ZK_HASH_BYTES], cd[ZK_HASH_BYTES], head[ZK_HASH_BYTES] = {0};
    if (zk_model_commitment_id(mid, model) != ZK_OK)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (zk_model_input_size(&model->arch) != cfg->n_features)
        return zk_set_error(ZK_ERR_INPUT, "the model takes %llu inputs but the reference has %u features",
                            (unsigned long long)zk_model_input_size(&model->arch), cfg->n_features);
    if (model->arch.tensors[model->arch.input].scale != cfg->scale_bits)
        return zk_set_error(ZK_ERR_INPUT, "the model input scale 2^%u differs from the reference scale 2^%u",
                            model->arch.tensors[model->arch.input].scale, cfg->scale_bits);
    zk_monitor_config_digest(cd, cfg);
    char mh[65], ch[65];
    hex_of(mh, mid);
    hex_of(ch, cd);
    sbuf b = {0};
    sb_printf(&b,
              "{\"type\":\"header\",\"format\":\"zkmlops-monitor-log/v1\",\"model\":\"%s\",\"config\":\"%s\","
              "\"inputs\":%u,\"outputs\":%llu,\"classes\":%u,\"scale_bits\":%u,\"window_size\":%u",
              mh, ch, cfg->n_features, (unsigned long long)zk_model_output_size(&model->arch),
              zk_metrics_n_classes(&model->arch), cfg->scale_bits, cfg->window_size);
    if (b.oom) {
        free(b.p);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    zk_wbuf w;
    zk_wbuf_init(&w);
    finish_line(&w, b.p, b.len, head);
    free(b.p);
    int rc = w.oom ? (int)zk_set_error(ZK_ERR_NOMEM, "out of memory") : zk_write_file_atomic(path, w.data, w.len);
    zk_wbuf_free(&w);
    return rc;
}

static int log_reserve(zk_monitor_log *log, uint64_t more)
{
    if (log->n_records + more <= log->cap)
        return ZK_OK;
    uint64_t nc = log->cap ? log->cap : 64;
    while (nc < log->n_records + more)
        nc *= 2;
    size_t stride = (size_t)log->d + log->K;
    zk_monitor_record *r = realloc(log->rec, nc * sizeof *r);
    if (!r)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    log->rec = r;
    int64_t *v = realloc(log->vals, nc * stride * sizeof *v);
    if (!v)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    log->vals = v;
    log->cap = nc;
    for (uint64_t i = 0; i < log->n_records; i++) { /* re-point into the moved arena */
        log->rec[i].x = v + i * stride;
        log->rec[i].y = v + i * stride + log->d;
    }
    return ZK_OK;
}

static int line_err(const char *path, uint64_t line, const char *what)
{
    return zk_set_error(ZK_ERR_INPUT, "%s:%llu: %s", path, (unsigned long long)line, what);
}

static int get_u64_field(const cJSON *o, const char *k, uint64_t max, uint64_t *out)
{
    int64_t v;
    if (get_i64(cJSON_GetObjectItemCaseSensitive(o, k), &v) != 0 || v < 0 || (uint64_t)v > max)
        return -1;
    *out = (uint64_t)v;
    return 0;
}

static int parse_header_line(zk_monitor_log *log, const char *path, const cJSON *o)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "format");
    uint64_t d, K, C, s, N;
    if (!cJSON_IsString(t) || strcmp(t->valuestring, "header") != 0 || !cJSON_IsString(f) ||
        strcmp(f->valuestring, "zkmlops-monitor-log/v1") != 0)
        return line_err(path, 1, "not a zkmlops monitoring log (expected the zkmlops-monitor-log/v1 header)");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "model"), *c = cJSON_GetObjectItemCaseSensitive(o, "config");
    if (!cJSON_IsString(m) || unhex(log->model_id, m->valuestring) != 0 || !cJSON_IsString(c) ||
        unhex(log->config_digest, c->valuestring) != 0)
        return line_err(path, 1, "header: bad model or config id");
    if (get_u64_field(o, "inputs", ZK_MONITOR_MAX_FEATURES, &d) || d < 1 ||
        get_u64_field(o, "outputs", ZK_METRICS_MAX_CLASSES, &K) || K < 1 ||
        get_u64_field(o, "classes", ZK_METRICS_MAX_CLASSES, &C) || C < 2 ||
        get_u64_field(o, "scale_bits", ZK_DATASET_MAX_SCALE_BITS, &s) || s < 1 ||
        get_u64_field(o, "window_size", ZK_MONITOR_MAX_WINDOW, &N) || N < 1)
        return line_err(path, 1, "header: bad sizes");
    log->d = (uint32_t)d;
    log->K = (uint32_t)K;
    log->n_classes = (uint32_t)C;
    log->scale_bits = (uint32_t)s;
    log->window_size = (uint32_t)N;
    return ZK_OK;
}

int zk_monitor_log_load(const char *path, zk_monitor_log *log)
{
    memset(log, 0, sizeof *log);
    uint8_t *text;
    size_t len;
    int rc = zk_read_file(path, LOG_MAX_BYTES, &text, &len);
    if (rc != ZK_OK)
        return rc;
    uint8_t head[ZK_HASH_BYTES] = {0};
    uint64_t line = 0;
    size_t pos = 0;
    while (pos < len && rc == ZK_OK) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        line++;
        if (end == len) {
            rc = line_err(path, line, "truncated line (no newline): the log was cut");
            break;
        }
        char *ln = (char *)text + pos;
        size_t ll = end - pos;
        pos = end + 1;
        /* ...,"h":"<64 hex>"} */
        static const char tail[] = ",\"h\":\"";
        if (ll < 6 + 64 + 2 || memcmp(ln + ll - 72, tail, 6) != 0 || memcmp(ln + ll - 2, "\"}", 2) != 0) {
            rc = line_err(path, line, "missing the chain hash \"h\"");
            break;
        }
        size_t plen = ll - 72;
        uint8_t want[ZK_HASH_BYTES], got[ZK_HASH_BYTES];
        char hx[65];
        memcpy(hx, ln + ll - 66, 64);
        hx[64] = 0;
        zk_sha256_2(want, head, ZK_HASH_BYTES, ln, plen);
        if (unhex(got, hx) != 0 || memcmp(got, want, ZK_HASH_BYTES) != 0) {
            rc = line_err(path, line,
                          "chain hash mismatch: a line before or at this one was dropped, reordered or edited");
            break;
        }
        memcpy(head, want, ZK_HASH_BYTES);
        cJSON *o = cJSON_ParseWithLength(ln, ll);
        if (!o) {
            rc = line_err(path, line, "not valid JSON");
            break;
        }
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
        if (line == 1) {
            rc = parse_header_line(log, path, o);
        } else if (!cJSON_IsString(type)) {
            rc = line_err(path, line, "missing \"type\"");
        } else if (strcmp(type->valuestring, "record") == 0) {
            uint64_t id, ts;
            const cJSON *in = cJSON_GetObjectItemCaseSensitive(o, "input");
            const cJSON *out = cJSON_GetObjectItemCaseSensitive(o, "output");
            char msg[160];
            if (get_u64_field(o, "id", (uint64_t)1 << 31, &id) || get_u64_field(o, "ts", ZK_MONITOR_MAX_TS - 1, &ts))
                rc = line_err(path, line, "record: bad id or ts");
            else if (id != log->n_records) {
                snprintf(msg, sizeof msg, "record id %llu where %llu was expected: records dropped or reordered",
                         (unsigned long long)id, (unsigned long long)log->n_records);
                rc = line_err(path, line, msg);
            } else if (log->n_records && ts < log->rec[log->n_records - 1].ts)
                rc = line_err(path, line, "record timestamp goes backwards: records reordered");
            else if (!cJSON_IsArray(in) || cJSON_GetArraySize(in) != (int)log->d || !cJSON_IsArray(out) ||
                     cJSON_GetArraySize(out) != (int)log->K)
                rc = line_err(path, line, "record: input/output sizes differ from the header");
            else if ((rc = log_reserve(log, 1)) == ZK_OK) {
                size_t stride = (size_t)log->d + log->K;
                zk_monitor_record *r = &log->rec[log->n_records];
                memset(r, 0, sizeof *r);
                r->id = id;
                r->ts = ts;
                r->x = log->vals + log->n_records * stride;
                r->y = r->x + log->d;
                for (uint32_t k = 0; k < log->d + log->K && rc == ZK_OK; k++) {
                    const cJSON *it = k < log->d ? cJSON_GetArrayItem(in, (int)k) : cJSON_GetArrayItem(out, (int)(k - log->d));
                    int64_t v;
                    if (get_i64(it, &v) != 0 || llabs(v) >= ZK_DATASET_MAX_ABS)
                        rc = line_err(path, line, "record: values must be integers below 2^40 in magnitude");
                    else
                        r->x[k] = v;
                }
                if (rc == ZK_OK)
                    log->n_records++;
            }
        } else if (strcmp(type->valuestring, "feedback") == 0) {
            uint64_t id, lab, ts;
            char msg[160];
            if (get_u64_field(o, "id", (uint64_t)1 << 31, &id) || get_u64_field(o, "label", log->n_classes - 1, &lab) ||
                get_u64_field(o, "ts", ZK_MONITOR_MAX_TS - 1, &ts))
                rc = line_err(path, line, "feedback: bad id, label or ts");
            else if (id >= log->n_records) {
                snprintf(msg, sizeof msg, "feedback for unknown record %llu", (unsigned long long)id);
                rc = line_err(path, line, msg);
            } else if (id < log->next_unclosed)
                rc = line_err(path, line, "feedback for a record in a closed window");
            else if (log->rec[id].has_feedback)
                rc = line_err(path, line, "second feedback for the same record");
            else {
                log->rec[id].has_feedback = 1;
                log->rec[id].label = (uint32_t)lab;
            }
        } else if (strcmp(type->valuestring, "window") == 0) {
            uint64_t idx, first, count, tsl;
            const cJSON *wid = cJSON_GetObjectItemCaseSensitive(o, "id");
            uint8_t id[ZK_HASH_BYTES];
            if (get_u64_field(o, "index", UINT32_MAX, &idx) || get_u64_field(o, "first", (uint64_t)1 << 31, &first) ||
                get_u64_field(o, "count", ZK_MONITOR_MAX_WINDOW, &count) ||
                get_u64_field(o, "ts_last", ZK_MONITOR_MAX_TS, &tsl) || !cJSON_IsString(wid) ||
                unhex(id, wid->valuestring) != 0)
                rc = line_err(path, line, "window: bad fields");
            else if (idx != log->n_windows || first != log->next_unclosed || count < 1 ||
                     first + count > log->n_records)
                rc = line_err(path, line, "window does not follow the previous one (gap or overlap)");
            else {
                log->n_windows++;
                log->next_unclosed = first + count;
                memcpy(log->last_window_id, id, ZK_HASH_BYTES);
                log->last_window_ts = tsl;
            }
        } else
            rc = line_err(path, line, "unknown line type");
        cJSON_Delete(o);
    }
    if (rc == ZK_OK && line == 0)
        rc = zk_set_error(ZK_ERR_INPUT, "%s: empty log", path);
    memcpy(log->head, head, ZK_HASH_BYTES);
    if (text)
        memset(text, 0, len);
    free(text);
    if (rc != ZK_OK)
        zk_monitor_log_free(log);
    return rc;
}

int zk_monitor_log_append(const char *path, zk_monitor_log *log, const int64_t *x, const int64_t *y, uint32_t n,
                          uint64_t ts, uint64_t *ids)
{
    if (n == 0)
        return ZK_OK;
    if (ts >= ZK_MONITOR_MAX_TS)
        return zk_set_error(ZK_ERR_INPUT, "timestamp %llu out of range (unix seconds below 2^31)",
                            (unsigned long long)ts);
    if (log->n_records && ts < log->rec[log->n_records - 1].ts)
        return zk_set_error(ZK_ERR_INPUT, "timestamp %llu is before the last record's %llu", (unsigned long long)ts,
                            (unsigned long long)log->rec[log->n_records - 1].ts);
    for (size_t k = 0; k < (size_t)n * log->d; k++)
        if (llabs(x[k]) >= ZK_DATASET_MAX_ABS)
            return zk_set_error(ZK_ERR_RANGE, "input value out of range (|x| >= 2^40)");
    for (size_t k = 0; k < (size_t)n * log->K; k++)
        if (llabs(y[k]) >= ZK_DATASET_MAX_ABS)
            return zk_set_error(ZK_ERR_RANGE, "output value out of range (|y| >= 2^40)");
    int rc = log_reserve(log, n);
    if (rc != ZK_OK)
        return rc;
    zk_wbuf w;
    zk_wbuf_init(&w);
    uint8_t head[ZK_HASH_BYTES];
    memcpy(head, log->head, ZK_HASH_BYTES);
    sbuf b = {0};
    for (uint32_t i = 0; i < n; i++) {
        b.len = 0;
        sb_printf(&b, "{\"type\":\"record\",\"id\":%llu,\"ts\":%llu,\"input\":[",
                  (unsigned long long)(log->n_records + i), (unsigned long long)ts);
        for (uint32_t k = 0; k < log->d; k++)
            sb_printf(&b, "%s%" PRId64, k ? "," : "", x[(size_t)i * log->d + k]);
        sb_printf(&b, "],\"output\":[");
        for (uint32_t k = 0; k < log->K; k++)
            sb_printf(&b, "%s%" PRId64, k ? "," : "", y[(size_t)i * log->K + k]);
        sb_printf(&b, "]");
        if (b.oom)
            break;
        finish_line(&w, b.p, b.len, head);
    }
    if (b.oom)
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    free(b.p);
    if (rc == ZK_OK)
        rc = append_file(path, &w);
    zk_wbuf_free(&w);
    if (rc != ZK_OK)
        return rc;
    size_t stride = (size_t)log->d + log->K;
    for (uint32_t i = 0; i < n; i++) {
        zk_monitor_record *r = &log->rec[log->n_records];
        memset(r, 0, sizeof *r);
        r->id = log->n_records;
        r->ts = ts;
        r->x = log->vals + log->n_records * stride;
        r->y = r->x + log->d;
        memcpy(r->x, x + (size_t)i * log->d, log->d * sizeof *x);
        memcpy(r->y, y + (size_t)i * log->K, log->K * sizeof *y);
        if (ids)
            ids[i] = r->id;
        log->n_records++;
    }
    memcpy(log->head, head, ZK_HASH_BYTES);
    return ZK_OK;
}

int zk_monitor_log_feedback(const char *path, zk_monitor_log *log, uint64_t id, uint32_t label, uint64_t ts)
{
    if (id >= log->n_records)
        return zk_set_error(ZK_ERR_INPUT, "%s: feedback for unknown record %llu (the log has %llu records)", path,
                            (unsigned long long)id, (unsigned long long)log->n_records);
    if (id < log->next_unclosed)
        return zk_set_error(ZK_ERR_INPUT, "%s: record %llu is in a closed window; feedback must arrive before the "
                            "window closes", path, (unsigned long long)id);
    if (log->rec[id].has_feedback)
        return zk_set_error(ZK_ERR_INPUT, "%s: record %llu already has feedback", path, (unsigned long long)id);
    if (label >= log->n_classes)
        return zk_set_error(ZK_ERR_INPUT, "%s: label %u is not a class of the model (0..%u)", path, label,
                            log->n_classes - 1);
    if (ts >= ZK_MONITOR_MAX_TS)
        return zk_set_error(ZK_ERR_INPUT, "timestamp out of range");
    sbuf b = {0};
    sb_printf(&b, "{\"type\":\"feedback\",\"id\":%llu,\"label\":%u,\"ts\":%llu", (unsigned long long)id, label,
              (unsigned long long)ts);
    if (b.oom) {
        free(b.p);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    zk_wbuf w;
    zk_wbuf_init(&w);
    uint8_t head[ZK_HASH_BYTES];
    memcpy(head, log->head, ZK_HASH_BYTES);
    finish_line(&w, b.p, b.len, head);
    free(b.p);
    int rc = append_file(path, &w);
    zk_wbuf_free(&w);
    if (rc == ZK_OK) {
        memcpy(log->head, head, ZK_HASH_BYTES);
        log->rec[id].has_feedback = 1;
        log->rec[id].label = label;
    }
    return rc;
}

/* ================================================================ windows */

void zk_monitor_window_commitment_free(zk_monitor_window_commitment *w)
{
    if (!w)
        return;
    zk_dataset_commitment_free(&w->com);
    memset(w, 0, sizeof *w);
}

void zk_monitor_window_private_free(zk_monitor_window_private *w)
{
    if (!w)
        return;
    zk_dataset_private_free(&w->priv);
    memset(w, 0, sizeof *w);
}

static void header_write(zk_wbuf *w, const char *magic, const zk_monitor_window_header *h)
{
    zk_wbuf_put(w, magic, 8); /* 7 chars + NUL */
    zk_wbuf_u32(w, WIN_VERSION);
    zk_wbuf_u32(w, h->index);
    zk_wbuf_u64(w, h->first_id);
    zk_wbuf_u32(w, h->n);
    zk_wbuf_u64(w, h->ts_first);
    zk_wbuf_u64(w, h->ts_last);
    zk_wbuf_put(w, h->prev_id, ZK_HASH_BYTES);
    zk_wbuf_put(w, h->model_id, ZK_HASH_BYTES);
    zk_wbuf_put(w, h->config_digest, ZK_HASH_BYTES);
    zk_wbuf_put(w, h->chain_head, ZK_HASH_BYTES);
    zk_wbuf_u32(w, h->d);
    zk_wbuf_u32(w, h->K);
    zk_wbuf_u32(w, h->n_classes);
}

static int header_read(zk_rbuf *r, const char *magic, zk_monitor_window_header *h, const char *path)
{
    const uint8_t *m = zk_rbuf_take(r, 8);
    if (!m || memcmp(m, magic, 8) != 0)
        return zk_set_error(ZK_ERR_INPUT, "%s: not a zkmlops %s window file", path,
                            strcmp(magic, WIN_MAGIC_PUB) == 0 ? "public (.com)" : "private (.zkd)");
    uint32_t ver = zk_rbuf_u32(r);
    if (!r->err && ver != WIN_VERSION)
        return zk_set_error(ZK_ERR_INPUT, "%s: window format version %u, expected %u", path, ver, WIN_VERSION);
    h->index = zk_rbuf_u32(r);
    h->first_id = zk_rbuf_u64(r);
    h->n = zk_rbuf_u32(r);
    h->ts_first = zk_rbuf_u64(r);
    h->ts_last = zk_rbuf_u64(r);
    zk_rbuf_get(r, h->prev_id, ZK_HASH_BYTES);
    zk_rbuf_get(r, h->model_id, ZK_HASH_BYTES);
    zk_rbuf_get(r, h->config_digest, ZK_HASH_BYTES);
    zk_rbuf_get(r, h->chain_head, ZK_HASH_BYTES);
    h->d = zk_rbuf_u32(r);
    h->K = zk_rbuf_u32(r);
    h->n_classes = zk_rbuf_u32(r);
    if (r->err)
        return zk_set_error(ZK_ERR_INPUT, "%s: window header: %s", path, r->what ? r->what : "truncated");
    if (h->n < 1 || h->n > ZK_MONITOR_MAX_WINDOW || h->d < 1 || h->d > ZK_MONITOR_MAX_FEATURES || h->K < 1 ||
        h->K > ZK_METRICS_MAX_CLASSES || h->n_classes < 2 || h->n_classes > ZK_METRICS_MAX_CLASSES ||
        h->first_id >= ((uint64_t)1 << 31) || h->ts_first > h->ts_last || h->ts_last >= ZK_MONITOR_MAX_TS)
        return zk_set_error(ZK_ERR_INPUT, "%s: window header: inconsistent sizes or timestamps", path);
    return ZK_OK;
}

static int header_matches_table(const zk_monitor_window_header *h, const zk_dataset_meta *m, const char *path)
{
    if (m->n_rows != h->n || m->n_cols != h->d + h->K + 4)
        return zk_set_error(ZK_ERR_INPUT, "%s: the committed table (%u x %u) does not match the window header", path,
                            m->n_rows, m->n_cols);
    return ZK_OK;
}

void zk_monitor_window_commitment_write(zk_wbuf *w, const zk_monitor_window_commitment *c)
{
    header_write(w, WIN_MAGIC_PUB, &c->h);
    zk_wbuf tmp;
    zk_wbuf_init(&tmp);
    zk_dataset_commitment_write(&tmp, &c->com);
    zk_wbuf_u64(w, tmp.len);
    zk_wbuf_put(w, tmp.data, tmp.len);
    if (tmp.oom)
        w->oom = 1;
    zk_wbuf_free(&tmp);
}

void zk_monitor_window_private_write(zk_wbuf *w, const zk_monitor_window_private *p)
{
    header_write(w, WIN_MAGIC_PRIV, &p->h);
    zk_wbuf tmp;
    zk_wbuf_init(&tmp);
    zk_dataset_private_write(&tmp, &p->priv);
    zk_wbuf_u64(w, tmp.len);
    zk_wbuf_put(w, tmp.data, tmp.len);
    if (tmp.oom)
        w->oom = 1;
    if (tmp.data)
        memset(tmp.data, 0, tmp.len);
    zk_wbuf_free(&tmp);
}

int zk_monitor_window_id(uint8_t id[ZK_HASH_BYTES], const zk_monitor_window_commitment *c)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_monitor_window_commitment_write(&w, c);
    if (w.oom) {
        zk_wbuf_free(&w);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    zk_sha256(id, w.data, w.len);
    zk_wbuf_free(&w);
    return ZK_OK;
}

int zk_monitor_window_commitment_load(const char *path, zk_monitor_window_commitment *c)
{
    memset(c, 0, sizeof *c);
    uint8_t *data;
    size_t len;
    int rc = zk_read_file(path, (size_t)1 << 30, &data, &len);
    if (rc != ZK_OK)
        return rc;
    zk_rbuf r;
    zk_rbuf_init(&r, data, len);
    rc = header_read(&r, WIN_MAGIC_PUB, &c->h, path);
    if (rc == ZK_OK) {
        uint64_t n = zk_rbuf_u64(&r);
        if (r.err || n != zk_rbuf_left(&r))
            rc = zk_set_error(ZK_ERR_INPUT, "%s: bad table commitment length", path);
    }
    if (rc == ZK_OK) {
        zk_rbuf sub;
        zk_rbuf_init(&sub, data + r.pos, zk_rbuf_left(&r));
        rc = zk_dataset_commitment_read(&sub, &c->com);
        if (rc == ZK_OK && zk_rbuf_left(&sub) != 0) {
            zk_dataset_commitment_free(&c->com);
            rc = zk_set_error(ZK_ERR_INPUT, "trailing bytes after the table commitment");
        }
        if (rc != ZK_OK)
            zk_error_prefix((zk_status)rc, path);
        else if ((rc = zk_dataset_commitment_check(&c->com)) != ZK_OK)
            zk_error_prefix((zk_status)rc, path);
        if (rc == ZK_OK)
            rc = header_matches_table(&c->h, &c->com.meta, path);
    }
    free(data);
    if (rc != ZK_OK)
        zk_monitor_window_commitment_free(c);
    return rc;
}

int zk_monitor_window_private_load(const char *path, zk_monitor_window_private *p)
{
    memset(p, 0, sizeof *p);
    uint8_t *data;
    size_t len;
    int rc = zk_read_file(path, (size_t)1 << 31, &data, &len);
    if (rc != ZK_OK)
        return rc;
    zk_rbuf r;
    zk_rbuf_init(&r, data, len);
    rc = header_read(&r, WIN_MAGIC_PRIV, &p->h, path);
    if (rc == ZK_OK) {
        uint64_t n = zk_rbuf_u64(&r);
        if (r.err || n != zk_rbuf_left(&r))
            rc = zk_set_error(ZK_ERR_INPUT, "%s: bad table length", path);
    }
    if (rc == ZK_OK) {
        zk_rbuf sub;
        zk_rbuf_init(&sub, data + r.pos, zk_rbuf_left(&r));
        rc = zk_dataset_private_read(&sub, &p->priv);
        if (rc == ZK_OK && zk_rbuf_left(&sub) != 0) {
            zk_dataset_private_free(&p->priv);
            rc = zk_set_error(ZK_ERR_INPUT, "trailing bytes after the table");
        }
        if (rc != ZK_OK)
            zk_error_prefix((zk_status)rc, path);
        if (rc == ZK_OK)
            rc = header_matches_table(&p->h, &p->priv.com.meta, path);
    }
    memset(data, 0, len);
    free(data);
    if (rc != ZK_OK)
        zk_monitor_window_private_free(p);
    return rc;
}

int zk_monitor_window_check_chain(const zk_monitor_window_commitment *prev, const zk_monitor_window_commitment *cur)
{
    static const uint8_t zero[ZK_HASH_BYTES];
    const zk_monitor_window_header *h = &cur->h;
    if (!prev) {
        if (h->index != 0 || h->first_id != 0 || memcmp(h->prev_id, zero, ZK_HASH_BYTES) != 0)
            return zk_set_error(ZK_ERR_REJECT,
                                "window %u is not the first window of its log (first record %llu); pass the "
                                "previous window to check the chain",
                                h->index, (unsigned long long)h->first_id);
        return ZK_OK;
    }
    uint8_t pid[ZK_HASH_BYTES];
    int rc = zk_monitor_window_id(pid, prev);
    if (rc != ZK_OK)
        return rc;
    if (memcmp(h->prev_id, pid, ZK_HASH_BYTES) != 0)
        return zk_set_error(ZK_ERR_REJECT, "window %u does not chain to the given previous window (its prev id differs)",
                            h->index);
    if (h->index != prev->h.index + 1)
        return zk_set_error(ZK_ERR_REJECT, "window index %u does not follow %u", h->index, prev->h.index);
    if (h->first_id != prev->h.first_id + prev->h.n)
        return zk_set_error(ZK_ERR_REJECT, "window %u starts at record %llu, expected %llu: records missing", h->index,
                            (unsigned long long)h->first_id, (unsigned long long)(prev->h.first_id + prev->h.n));
    if (h->ts_first < prev->h.ts_last)
        return zk_set_error(ZK_ERR_REJECT, "window %u starts before the previous window ends", h->index);
    if (memcmp(h->model_id, prev->h.model_id, ZK_HASH_BYTES) != 0 ||
        memcmp(h->config_digest, prev->h.config_digest, ZK_HASH_BYTES) != 0)
        return zk_set_error(ZK_ERR_REJECT, "window %u: model or configuration changed within the chain", h->index);
    return ZK_OK;
}

int zk_monitor_log_close_window(const char *log_path, zk_monitor_log *log, const char *zkd_path, int partial,
                                char **com_path_out)
{
    uint64_t pending = log->n_records - log->next_unclosed;
    uint32_t n = log->window_size;
    if (pending < n) {
        if (!partial || pending == 0)
            return zk_set_error(ZK_ERR_INPUT, "%s: %llu records pending, the window size is %u (use --partial to close "
                                "a short window)", log_path, (unsigned long long)pending, n);
        n = (uint32_t)pending;
    }
    uint32_t d = log->d, K = log->K, nc = d + K + 4;
    zk_monitor_window_private wp;
    memset(&wp, 0, sizeof wp);
    zk_monitor_window_header *h = &wp.h;
    h->index = log->n_windows;
    h->first_id = log->next_unclosed;
    h->n = n;
    h->ts_first = log->rec[h->first_id].ts;
    h->ts_last = log->rec[h->first_id + n - 1].ts;
    memcpy(h->prev_id, log->last_window_id, ZK_HASH_BYTES);
    memcpy(h->model_id, log->model_id, ZK_HASH_BYTES);
    memcpy(h->config_digest, log->config_digest, ZK_HASH_BYTES);
    memcpy(h->chain_head, log->head, ZK_HASH_BYTES);
    h->d = d;
    h->K = K;
    h->n_classes = log->n_classes;

    zk_dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.meta.n_rows = n;
    ds.meta.n_cols = nc;
    ds.meta.scale_bits = log->scale_bits;
    zk_dataset_layout(n, nc, &ds.meta.log_rows, &ds.meta.log_cols);
    int rc = ZK_OK;
    ds.meta.col_names = calloc(nc, sizeof *ds.meta.col_names);
    ds.values = malloc((size_t)n * nc * sizeof *ds.values);
    if (!ds.meta.col_names || !ds.values) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t j = 0; j < nc && rc == ZK_OK; j++) {
        char nm[32];
        if (j == COL_ID)
            snprintf(nm, sizeof nm, "record_id");
        else if (j == COL_TS)
            snprintf(nm, sizeof nm, "timestamp");
        else if (j < COL_X + d)
            snprintf(nm, sizeof nm, "x%u", j - COL_X);
        else if (j < COL_X + d + K)
            snprintf(nm, sizeof nm, "y%u", j - COL_X - d);
        else
            snprintf(nm, sizeof nm, "%s", j == COL_X + d + K ? "feedback" : "label");
        if (!(ds.meta.col_names[j] = strdup(nm)))
            rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    if (rc != ZK_OK)
        goto out;
    for (uint32_t i = 0; i < n; i++) {
        const zk_monitor_record *r = &log->rec[h->first_id + i];
        int64_t *row = ds.values + (size_t)i * nc;
        row[COL_ID] = (int64_t)r->id;
        row[COL_TS] = (int64_t)r->ts;
        memcpy(row + COL_X, r->x, d * sizeof *row);
        memcpy(row + COL_X + d, r->y, K * sizeof *row);
        row[COL_X + d + K] = r->has_feedback;
        row[COL_X + d + K + 1] = r->has_feedback ? r->label : 0;
    }
    if ((rc = zk_dataset_commit(&wp.priv, &ds, 0)) != ZK_OK)
        goto out;
    zk_monitor_window_commitment pub;
    pub.h = wp.h;
    pub.com = wp.priv.com; /* shallow view */
    uint8_t wid[ZK_HASH_BYTES];
    if ((rc = zk_monitor_window_id(wid, &pub)) != ZK_OK)
        goto out;
    char *com_path = NULL;
    {
        size_t l = strlen(zkd_path);
        com_path = malloc(l + 5);
        if (!com_path) {
            rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
            goto out;
        }
        memcpy(com_path, zkd_path, l + 1);
        if (l >= 4 && strcmp(com_path + l - 4, ".zkd") == 0)
            memcpy(com_path + l - 4, ".com", 5);
        else
            memcpy(com_path + l, ".com", 5);
    }
    zk_wbuf w1, w2;
    zk_wbuf_init(&w1);
    zk_wbuf_init(&w2);
    zk_monitor_window_private_write(&w1, &wp);
    zk_monitor_window_commitment_write(&w2, &pub);
    if (w1.oom || w2.oom)
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (rc == ZK_OK)
        rc = zk_write_file_atomic(zkd_path, w1.data, w1.len);
    if (rc == ZK_OK)
        rc = zk_write_file_atomic(com_path, w2.data, w2.len);
    if (w1.data)
        memset(w1.data, 0, w1.len);
    zk_wbuf_free(&w1);
    zk_wbuf_free(&w2);
    if (rc == ZK_OK) {
        char hx[65];
        hex_of(hx, wid);
        sbuf b = {0};
        sb_printf(&b, "{\"type\":\"window\",\"index\":%u,\"first\":%llu,\"count\":%u,\"ts_last\":%llu,\"id\":\"%s\"",
                  h->index, (unsigned long long)h->first_id, n, (unsigned long long)h->ts_last, hx);
        zk_wbuf w;
        zk_wbuf_init(&w);
        uint8_t head[ZK_HASH_BYTES];
        memcpy(head, log->head, ZK_HASH_BYTES);
        if (b.oom)
            rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        else
            finish_line(&w, b.p, b.len, head);
        free(b.p);
        if (rc == ZK_OK)
            rc = append_file(log_path, &w);
        zk_wbuf_free(&w);
        if (rc == ZK_OK) {
            memcpy(log->head, head, ZK_HASH_BYTES);
            log->n_windows++;
            log->next_unclosed += n;
            memcpy(log->last_window_id, wid, ZK_HASH_BYTES);
            log->last_window_ts = h->ts_last;
        }
    }
    if (rc == ZK_OK && com_path_out)
        *com_path_out = com_path;
    else
        free(com_path);
out:
    if (ds.values)
        memset(ds.values, 0, (size_t)n * nc * sizeof *ds.values);
    zk_dataset_free(&ds);
    zk_monitor_window_private_free(&wp);
    return rc;
}

/* ================================================================ circuit */

static _Thread_local uint32_t last_constraints, last_wires;

void zk_monitor_last_shape(uint32_t *constraints, uint32_t *wires)
{
    if (constraints)
        *constraints = last_constraints;
    if (wires)
        *wires = last_wires;
}

static uint32_t mon_mul_lc(zk_cs *cs, const zk_lc *a, const zk_lc *b)
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

static uint32_t mon_const_wire(zk_cs *cs, int64_t v)
{
    zk_lc l;
    zk_lc_init(&l);
    zk_lc_add_i64(&l, 0, v);
    uint32_t w = zk_cs_lc_wire(cs, &l);
    zk_lc_free(&l);
    return w;
}

static unsigned bits_for(uint64_t v) /* least B with v < 2^B */
{
    unsigned b = 0;
    while (b < 64 && (v >> b) != 0)
        b++;
    return b;
}

typedef struct {
    const zk_model *m;
    uint32_t model_log_len;
    const gl_t *model_vals;
    const zk_monitor_window_header *h;
    const zk_dataset_meta *meta;
    const gl_t *table;
    const zk_monitor_config *cfg;
    const zk_monitor_stats *s;
    uint32_t seg_m, seg_w;
} mon_inputs;

/* Drift bin gadget for one value wire x of feature j (docs/monitoring.md):
 *   t = 2 (x - mean) = std * q + r,  r in [0, std)  (r private; q = (t - r) / std as a linear form)
 *   e_0..e_9 boolean, sum e_b = 1
 *   (e_0 + e_9) q = q - sum_{b=1..8} (b - 5) e_b      (middle bins: q = b - 5)
 *   (e_9 - e_0) q = z + 5 e_0 + 4 e_9, z in [0, 2^Z)  (e_0: q <= -5; e_9: q >= 4)
 * e_b = 1 exactly for b = bin(x). Adds e_b to bins[b]. */
static void bin_gadget(zk_cs *cs, uint32_t xw, int64_t mean, int64_t sd, zk_lc *bins, zk_lc *tmp_a, zk_lc *tmp_b,
                       zk_lc *tmp_c)
{
    int prover = zk_cs_is_prover(cs);
    int64_t x = prover ? zk_cs_value_i64(cs, xw) : 0;
    __int128 t = 2 * ((__int128)x - mean);
    __int128 q = t / sd;
    if (t % sd != 0 && t < 0)
        q--;
    int64_t r = (int64_t)(t - q * sd);
    uint32_t bin = q < -4 ? 0 : q >= 4 ? 9 : (uint32_t)(q + 5);
    int64_t z = bin == 0 ? (int64_t)(-q - 5) : bin == 9 ? (int64_t)(q - 4) : 0;
    if (prover && (z >= ((int64_t)1 << ZK_MONITOR_Z_BITS)))
        z = (int64_t)1 << ZK_MONITOR_Z_BITS; /* out of range: the range gadget reports it */
    uint32_t rw = zk_cs_private_i64(cs, r);
    int pow2 = (sd & (sd - 1)) == 0;
    unsigned B = bits_for((uint64_t)sd - 1);
    if (B == 0) { /* std = 1: r = 0 */
        zk_lc_clear(tmp_a);
        zk_lc_add(tmp_a, rw, 1);
        zk_lc_clear(tmp_b);
        zk_cs_enforce_equal(cs, tmp_a, tmp_b);
    } else {
        zk_cs_range(cs, rw, B);
        if (!pow2) { /* std - 1 - r >= 0 */
            zk_lc_clear(tmp_a);
            zk_lc_add_i64(tmp_a, 0, sd - 1);
            zk_lc_add_i64(tmp_a, rw, -1);
            uint32_t u = zk_cs_lc_wire(cs, tmp_a);
            zk_cs_range(cs, u, B);
        }
    }
    /* q = inv(std) * (2 x - 2 mean - r) */
    gl_t inv = gl_inv(gl_from_i64(sd));
    zk_lc q_lc;
    zk_lc_init(&q_lc);
    zk_lc_add(&q_lc, xw, gl_mul(inv, 2));
    zk_lc_add(&q_lc, 0, gl_mul(inv, gl_from_i64(-2 * mean)));
    zk_lc_add(&q_lc, rw, gl_neg(inv));
    uint32_t e[ZK_MONITOR_BINS];
    zk_lc_clear(tmp_c);
    for (uint32_t b = 0; b < ZK_MONITOR_BINS; b++) {
        e[b] = zk_cs_private_i64(cs, b == bin);
        zk_cs_boolean(cs, e[b]);
        zk_lc_add(tmp_c, e[b], 1);
        zk_lc_add(&bins[b], e[b], 1);
    }
    zk_lc_clear(tmp_a);
    zk_lc_add_const(tmp_a, 1);
    zk_cs_enforce_equal(cs, tmp_c, tmp_a);
    /* (e0 + e9) q = q - sum (b-5) e_b */
    zk_lc_clear(tmp_a);
    zk_lc_add(tmp_a, e[0], 1);
    zk_lc_add(tmp_a, e[9], 1);
    zk_lc_clear(tmp_c);
    for (uint32_t k = 0; k < q_lc.n; k++)
        zk_lc_add(tmp_c, q_lc.wire[k], q_lc.coeff[k]);
    for (uint32_t b = 1; b <= 8; b++)
        zk_lc_add_i64(tmp_c, e[b], -((int64_t)b - 5));
    zk_cs_enforce(cs, tmp_a, &q_lc, tmp_c);
    /* (e9 - e0) q = z + 5 e0 + 4 e9 */
    uint32_t zw = zk_cs_private_i64(cs, z);
    zk_cs_range(cs, zw, ZK_MONITOR_Z_BITS);
    zk_lc_clear(tmp_a);
    zk_lc_add(tmp_a, e[9], 1);
    zk_lc_add_i64(tmp_a, e[0], -1);
    zk_lc_clear(tmp_c);
    zk_lc_add(tmp_c, zw, 1);
    zk_lc_add_i64(tmp_c, e[0], 5);
    zk_lc_add_i64(tmp_c, e[9], 4);
    zk_cs_enforce(cs, tmp_a, &q_lc, tmp_c);
    (void)tmp_b;
    zk_lc_free(&q_lc);
}

static int mon_circuit(zk_cs *cs, mon_inputs *e)
{
    const zk_monitor_window_header *h = e->h;
    const zk_monitor_config *cfg = e->cfg;
    const zk_monitor_stats *s = e->s;
    const zk_model *m = e->m;
    uint32_t n = h->n, d = h->d, K = h->K, C = h->n_classes, lr = e->meta->log_rows;
    zk_pred_rule rule = zk_metrics_pred_rule(m);
    unsigned act_bits = m->act_bits ? m->act_bits : 40;
    int rc = ZK_OK;
#define W(i, j) (e->seg_w + (uint32_t)(i) + ((uint32_t)(j) << lr))
    /* public wires: class counts, n_feedback, correct, sums, bins */
    uint32_t *pc = malloc((size_t)C * sizeof *pc), *psum = malloc((size_t)d * sizeof *psum);
    uint32_t *pbin = malloc((size_t)d * ZK_MONITOR_BINS * sizeof *pbin);
    uint32_t *in_w = malloc((size_t)n * d * sizeof *in_w), *out_w = malloc((size_t)n * K * sizeof *out_w);
    uint32_t *onehot = malloc((size_t)K * sizeof *onehot), *cw = malloc((size_t)C * sizeof *cw);
    zk_lc *L_bins = calloc((size_t)d * ZK_MONITOR_BINS, sizeof *L_bins);
    zk_lc *L_class = calloc(C, sizeof *L_class);
    if (!pc || !psum || !pbin || !in_w || !out_w || !onehot || !cw || !L_bins || !L_class) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t k = 0; k < C; k++)
        pc[k] = zk_cs_public_i64(cs, (int64_t)s->class_count[k]);
    uint32_t p_nfb = zk_cs_public_i64(cs, (int64_t)s->n_feedback);
    uint32_t p_corr = zk_cs_public_i64(cs, (int64_t)s->correct);
    for (uint32_t j = 0; j < d; j++)
        psum[j] = zk_cs_public_i64(cs, s->sum[j]);
    for (size_t k = 0; k < (size_t)d * ZK_MONITOR_BINS; k++)
        pbin[k] = zk_cs_public_i64(cs, (int64_t)s->bins[k]);
    e->seg_m = zk_cs_segment(cs, e->model_vals, e->model_log_len);
    e->seg_w = zk_cs_segment(cs, e->table, e->meta->log_rows + e->meta->log_cols);

    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < d; j++)
            in_w[(size_t)i * d + j] = W(i, COL_X + j);
    if ((rc = zk_model_circuit(cs, m, e->seg_m, in_w, n, out_w)) != ZK_OK)
        goto out;
    for (size_t k = 0; k < (size_t)d * ZK_MONITOR_BINS; k++)
        zk_lc_init(&L_bins[k]);
    for (uint32_t k = 0; k < C; k++)
        zk_lc_init(&L_class[k]);
    zk_lc a, b, c, L_fb, L_corr, L_sum;
    zk_lc_init(&a), zk_lc_init(&b), zk_lc_init(&c), zk_lc_init(&L_fb), zk_lc_init(&L_corr), zk_lc_init(&L_sum);
    uint32_t thr_w = 0;
    if (rule == ZK_PRED_SIGMOID)
        thr_w = mon_const_wire(cs, (int64_t)1 << (m->tensors[m->output].scale - 1));
    if (rule == ZK_PRED_ARGMAX)
        for (uint32_t k = 0; k < C; k++)
            cw[k] = mon_const_wire(cs, (int64_t)k);
    for (uint32_t i = 0; i < n && zk_cs_status(cs) == ZK_OK; i++) {
        /* (a) ids and timestamps */
        zk_lc_clear(&a);
        zk_lc_add(&a, W(i, COL_ID), 1);
        zk_lc_clear(&b);
        zk_lc_add_i64(&b, 0, (int64_t)(h->first_id + i));
        zk_cs_enforce_equal(cs, &a, &b);
        if (i == 0 || i == n - 1) {
            zk_lc_clear(&a);
            zk_lc_add(&a, W(i, COL_TS), 1);
            zk_lc_clear(&b);
            zk_lc_add_i64(&b, 0, (int64_t)(i == 0 ? h->ts_first : h->ts_last));
            zk_cs_enforce_equal(cs, &a, &b);
        }
        if (i > 0) {
            zk_lc_clear(&a);
            zk_lc_add(&a, W(i, COL_TS), 1);
            zk_lc_add_i64(&a, W(i - 1, COL_TS), -1);
            uint32_t dt = zk_cs_lc_wire(cs, &a);
            zk_cs_range(cs, dt, 32);
        }
        /* (b) outputs are the model's */
        for (uint32_t k = 0; k < K; k++)
            zk_cs_assert_equal(cs, out_w[(size_t)i * K + k], W(i, COL_X + d + k));
        /* (c) predicted class, feedback, accuracy */
        uint32_t fb = W(i, COL_X + d + K), lab = W(i, COL_X + d + K + 1);
        zk_cs_boolean(cs, fb);
        zk_lc_clear(&a);
        zk_lc_add(&a, lab, 1);
        zk_lc_clear(&b);
        zk_lc_add_const(&b, 1);
        zk_lc_add_i64(&b, fb, -1);
        zk_lc_clear(&c);
        zk_cs_enforce(cs, &a, &b, &c); /* label (1 - fb) = 0 */
        zk_lc_add(&L_fb, fb, 1);
        zk_lc fbl;
        zk_lc_init(&fbl);
        zk_lc_add(&fbl, fb, 1);
        if (rule != ZK_PRED_ARGMAX) {
            uint32_t np = rule == ZK_PRED_SIGMOID ? zk_cs_less_than(cs, out_w[(size_t)i * K], thr_w, act_bits + 2)
                                                  : zk_cs_is_negative(cs, out_w[(size_t)i * K], act_bits + 1);
            /* p1 = 1 - np; class 1 count += p1, class 0 count += np */
            zk_lc_add(&L_class[0], np, 1);
            zk_lc_add_const(&L_class[1], 1);
            zk_lc_add_i64(&L_class[1], np, -1);
            /* label boolean */
            zk_lc_clear(&a);
            zk_lc_add(&a, lab, 1);
            zk_lc_clear(&b);
            zk_lc_add(&b, lab, 1);
            zk_lc_add_const(&b, gl_neg(1));
            zk_lc_clear(&c);
            zk_cs_enforce(cs, &a, &b, &c);
            /* eq = [p1 == label] = 1 - p1 - y + 2 p1 y = np - y + 2 (1 - np) y */
            zk_lc p1, y;
            zk_lc_init(&p1), zk_lc_init(&y);
            zk_lc_add_const(&p1, 1);
            zk_lc_add_i64(&p1, np, -1);
            zk_lc_add(&y, lab, 1);
            uint32_t py = mon_mul_lc(cs, &p1, &y);
            zk_lc_clear(&a);
            zk_lc_add(&a, np, 1);
            zk_lc_add_i64(&a, lab, -1);
            zk_lc_add_i64(&a, py, 2);
            uint32_t cor = mon_mul_lc(cs, &fbl, &a);
            zk_lc_add(&L_corr, cor, 1);
            zk_lc_free(&p1), zk_lc_free(&y);
        } else {
            zk_cs_argmax(cs, out_w + (size_t)i * K, K, act_bits + 1, onehot);
            zk_lc sum, eq;
            zk_lc_init(&sum), zk_lc_init(&eq);
            for (uint32_t k = 0; k < C; k++) {
                zk_lc_add(&L_class[k], onehot[k], 1);
                uint32_t lk = zk_cs_is_equal(cs, lab, cw[k]);
                zk_lc_add(&sum, lk, 1);
                zk_lc_add(&eq, zk_cs_mul(cs, onehot[k], lk), 1);
            }
            zk_lc_clear(&a);
            zk_lc_add_const(&a, 1);
            zk_cs_enforce_equal(cs, &sum, &a); /* label is a class */
            uint32_t cor = mon_mul_lc(cs, &fbl, &eq);
            zk_lc_add(&L_corr, cor, 1);
            zk_lc_free(&sum), zk_lc_free(&eq);
        }
        zk_lc_free(&fbl);
        /* (d) drift */
        for (uint32_t j = 0; j < d; j++)
            bin_gadget(cs, W(i, COL_X + j), cfg->mean[j], cfg->std[j], &L_bins[(size_t)j * ZK_MONITOR_BINS], &a, &b,
                       &c);
    }
    /* public sums */
    for (uint32_t k = 0; k < C; k++) {
        zk_lc_clear(&a);
        zk_lc_add(&a, pc[k], 1);
        zk_cs_enforce_equal(cs, &L_class[k], &a);
    }
    zk_lc_clear(&a);
    zk_lc_add(&a, p_nfb, 1);
    zk_cs_enforce_equal(cs, &L_fb, &a);
    zk_lc_clear(&a);
    zk_lc_add(&a, p_corr, 1);
    zk_cs_enforce_equal(cs, &L_corr, &a);
    for (uint32_t j = 0; j < d; j++) {
        zk_lc_clear(&L_sum);
        for (uint32_t i = 0; i < n; i++)
            zk_lc_add(&L_sum, W(i, COL_X + j), 1);
        zk_lc_clear(&a);
        zk_lc_add(&a, psum[j], 1);
        zk_cs_enforce_equal(cs, &L_sum, &a);
        for (uint32_t bb = 0; bb < ZK_MONITOR_BINS; bb++) {
            zk_lc_clear(&a);
            zk_lc_add(&a, pbin[(size_t)j * ZK_MONITOR_BINS + bb], 1);
            zk_cs_enforce_equal(cs, &L_bins[(size_t)j * ZK_MONITOR_BINS + bb], &a);
        }
    }
    zk_lc_free(&a), zk_lc_free(&b), zk_lc_free(&c), zk_lc_free(&L_fb), zk_lc_free(&L_corr), zk_lc_free(&L_sum);
    for (size_t k = 0; k < (size_t)d * ZK_MONITOR_BINS; k++)
        zk_lc_free(&L_bins[k]);
    for (uint32_t k = 0; k < C; k++)
        zk_lc_free(&L_class[k]);
    rc = zk_cs_status(cs);
#undef W
out:
    free(pc), free(psum), free(pbin), free(in_w), free(out_w), free(onehot), free(cw), free(L_bins), free(L_class);
    return rc;
}

static int mon_context(zk_wbuf *ctx, const zk_model_commitment *mc, const zk_monitor_window_commitment *wc,
                       const zk_monitor_config *cfg)
{
    uint8_t mid[ZK_HASH_BYTES], wid[ZK_HASH_BYTES], cd[ZK_HASH_BYTES];
    if (zk_model_commitment_id(mid, mc) != ZK_OK || zk_monitor_window_id(wid, wc) != ZK_OK)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    zk_monitor_config_digest(cd, cfg);
    zk_wbuf_put(ctx, "zkmlops/monitor/v1", 18);
    zk_wbuf_put(ctx, wid, ZK_HASH_BYTES);
    zk_wbuf_put(ctx, mid, ZK_HASH_BYTES);
    zk_wbuf_put(ctx, cd, ZK_HASH_BYTES);
    return ctx->oom ? zk_set_error(ZK_ERR_NOMEM, "out of memory") : ZK_OK;
}

/* Window header vs model commitment and configuration. */
static int mon_check(const zk_model_commitment *mc, const zk_monitor_window_header *h, const zk_dataset_meta *meta,
                     const zk_monitor_config *cfg, const zk_monitor_stats *s, int reject_status)
{
    uint8_t mid[ZK_HASH_BYTES], cd[ZK_HASH_BYTES];
    if (zk_model_commitment_id(mid, mc) != ZK_OK)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (memcmp(mid, h->model_id, ZK_HASH_BYTES) != 0)
        return zk_set_error((zk_status)reject_status, "window %u was logged for another model commitment", h->index);
    zk_monitor_config_digest(cd, cfg);
    if (memcmp(cd, h->config_digest, ZK_HASH_BYTES) != 0)
        return zk_set_error((zk_status)reject_status,
                            "window %u was logged under another monitoring configuration (reference or alerts differ)",
                            h->index);
    if (zk_model_input_size(&mc->arch) != h->d || zk_model_output_size(&mc->arch) != h->K ||
        zk_metrics_n_classes(&mc->arch) != h->n_classes || cfg->n_features != h->d)
        return zk_set_error(ZK_ERR_INPUT, "window %u: sizes do not match the model/reference", h->index);
    if (meta->n_rows != h->n || meta->n_cols != h->d + h->K + 4)
        return zk_set_error(ZK_ERR_INPUT, "window %u: table shape does not match its header", h->index);
    if (s->n != h->n || s->d != h->d || s->n_classes != h->n_classes)
        return zk_set_error((zk_status)reject_status, "statistics are for %u records, the window has %u", s->n, h->n);
    for (uint32_t j = 0; j < cfg->n_features; j++)
        if (cfg->std[j] < 1 || cfg->std[j] >= ((int64_t)1 << 40))
            return zk_set_error(ZK_ERR_INPUT, "reference std of feature %u out of range", j);
    return ZK_OK;
}

static int mon_circuit_fn(zk_cs *cs, void *ctx) { return mon_circuit(cs, ctx); }

/* The circuit under the lookup rule of circuit.h (ZK_CS_LOOKUP_AUTO_*): range
 * checks by lookups when it has at least 2^16 looked-up values, else bit
 * decompositions. Depends only on public shapes. *out = NULL on error. */
static int mon_build(zk_cs **out, int prover, mon_inputs *e)
{
    int rc = zk_cs_build_auto(out, prover, ZK_CS_LOOKUP_AUTO_BITS, ZK_CS_LOOKUP_AUTO_MIN, mon_circuit_fn, e);
    if (*out) {
        last_constraints = zk_cs_n_constraints(*out);
        last_wires = zk_cs_n_wires(*out);
    }
    return rc;
}

int zk_monitor_prove(const zk_model_private *model, const zk_monitor_window_private *w, const zk_monitor_config *cfg,
                     const zk_monitor_stats *s, zk_wbuf *proof)
{
    int rc = mon_check(&model->com, &w->h, &w->priv.com.meta, cfg, s, ZK_ERR_INPUT);
    if (rc != ZK_OK)
        return rc;
    zk_cs *cs = NULL;
    mon_inputs e = {.m = &model->model,
                    .model_log_len = model->com.log_len,
                    .model_vals = model->wit.evals,
                    .h = &w->h,
                    .meta = &w->priv.com.meta,
                    .table = w->priv.wit.evals,
                    .cfg = cfg,
                    .s = s};
    rc = mon_build(&cs, 1, &e);
    zk_wbuf ctx;
    zk_wbuf_init(&ctx);
    zk_monitor_window_commitment pub;
    pub.h = w->h;
    pub.com = w->priv.com;
    if (rc == ZK_OK)
        rc = mon_context(&ctx, &model->com, &pub, cfg);
    if (rc == ZK_OK) {
        zk_cs_link links[2] = {{&model->com.whir, &model->wit, e.seg_m}, {&w->priv.com.whir, &w->priv.wit, e.seg_w}};
        zk_proof_header_write(proof, ZK_PROOF_MONITOR);
        size_t at = zk_proof_section_begin(proof, TAG_MONITOR_PROOF);
        rc = zk_cs_prove(cs, ctx.data, ctx.len, links, 2, proof);
        zk_proof_section_end(proof, at);
        if (rc == ZK_OK && proof->oom)
            rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    zk_wbuf_free(&ctx);
    zk_cs_free(cs);
    return rc;
}

int zk_monitor_verify(const zk_model_commitment *model, const zk_monitor_window_commitment *w,
                      const zk_monitor_config *cfg, const zk_monitor_stats *s, const uint8_t *proof, size_t proof_len,
                      zk_spartan_security *sec)
{
    int rc = mon_check(model, &w->h, &w->com.meta, cfg, s, ZK_ERR_REJECT);
    if (rc != ZK_OK)
        return rc;
    zk_cs *cs = NULL;
    mon_inputs e = {.m = &model->arch,
                    .model_log_len = model->log_len,
                    .h = &w->h,
                    .meta = &w->com.meta,
                    .cfg = cfg,
                    .s = s};
    rc = mon_build(&cs, 0, &e);
    zk_wbuf ctx;
    zk_wbuf_init(&ctx);
    if (rc == ZK_OK)
        rc = mon_context(&ctx, model, w, cfg);
    if (rc == ZK_OK) {
        zk_rbuf r, sub;
        zk_rbuf_init(&r, proof, proof_len);
        rc = zk_proof_header_read(&r, ZK_PROOF_MONITOR);
        if (rc == ZK_OK)
            rc = zk_proof_section_read(&r, TAG_MONITOR_PROOF, "monitor proof", &sub);
        if (rc == ZK_OK && zk_rbuf_left(&r) != 0)
            rc = zk_set_error(ZK_ERR_INPUT, "trailing bytes after the monitor proof");
        if (rc == ZK_OK) {
            zk_cs_link links[2] = {{&model->whir, NULL, e.seg_m}, {&w->com.whir, NULL, e.seg_w}};
            rc = zk_cs_verify(cs, ctx.data, ctx.len, links, 2, sub.data + sub.pos, zk_rbuf_left(&sub), sec);
        }
    }
    zk_wbuf_free(&ctx);
    zk_cs_free(cs);
    return rc;
}
