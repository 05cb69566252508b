/* The public claims file of a preprocessing proof (docs/preprocessing.md, "Claims file"). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/preprocess.h"

#define CLAIMS_FORMAT "zkmlops-preprocess/v1"

static void add_i64_string(cJSON *o, const char *k, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    cJSON_AddStringToObject(o, k, buf);
}

static void add_hex(cJSON *o, const char *k, const uint8_t d[ZK_HASH_BYTES])
{
    char hex[2 * ZK_HASH_BYTES + 1];
    zk_digest_hex(hex, d);
    cJSON_AddStringToObject(o, k, hex);
}

static double fx(int64_t v, unsigned s) { return (double)v / (double)((uint64_t)1 << s); }

cJSON *zk_prep_claims_to_cjson(const zk_prep_pipeline *pl, const zk_prep_claims *c, const uint8_t raw_id[32],
                               const uint8_t train_id[32], const uint8_t test_id[32])
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "format", CLAIMS_FORMAT);
    add_hex(o, "pipeline_sha256", pl->digest);
    add_hex(o, "raw_commitment", raw_id);
    add_hex(o, "train_commitment", train_id);
    add_hex(o, "test_commitment", test_id);
    cJSON_AddNumberToObject(o, "scale_bits", pl->scale_bits);
    cJSON *rows = cJSON_AddObjectToObject(o, "rows");
    cJSON_AddNumberToObject(rows, "raw", c->n_raw);
    cJSON_AddNumberToObject(rows, "dropped", c->n_dropped);
    cJSON_AddNumberToObject(rows, "kept", c->n_kept);
    cJSON_AddNumberToObject(rows, "train", c->n_train);
    cJSON_AddNumberToObject(rows, "test", c->n_test);
    if (zk_prep_hidden_filter(pl)) {
        cJSON_AddStringToObject(o, "dropped_rows", "hidden");
    } else {
        cJSON *dr = cJSON_AddArrayToObject(o, "dropped_rows");
        for (uint32_t i = 0; i < c->n_dropped; i++)
            cJSON_AddItemToArray(dr, cJSON_CreateNumber(c->dropped[i]));
    }
    cJSON *sp = cJSON_AddObjectToObject(o, "split");
    cJSON_AddNumberToObject(sp, "seed", (double)pl->seed);
    cJSON_AddNumberToObject(sp, "test_fraction", pl->test_fraction);
    cJSON_AddStringToObject(o, "label", pl->out_names[pl->out_n_cols - 1]);
    cJSON *ed = cJSON_AddArrayToObject(o, "histogram_edges_std");
    for (int e = -4; e <= 4; e++)
        cJSON_AddItemToArray(ed, cJSON_CreateNumber(e * 0.5));
    cJSON_AddStringToObject(o, "reference_definition",
                            "train split, per output feature: mean_fixed = floor((2S+n)/(2n)), std_fixed = "
                            "floor(sqrt(floor((2V+n)/(2n)))) (population), V = sum (x-mean_fixed)^2, scale 2^scale_bits; "
                            "histogram[b] = #{rows: b = #{k in -4..4 : 2(x-mean_fixed) >= k std_fixed}}");
    cJSON *fs = cJSON_AddArrayToObject(o, "features");
    for (uint32_t k = 0; k < c->n_features; k++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "name", pl->out_names[k]);
        add_i64_string(f, "mean_fixed", c->mean[k]);
        add_i64_string(f, "std_fixed", c->std[k]);
        cJSON_AddNumberToObject(f, "mean", fx(c->mean[k], pl->scale_bits));
        cJSON_AddNumberToObject(f, "std", fx(c->std[k], pl->scale_bits));
        cJSON *h = cJSON_AddArrayToObject(f, "histogram");
        for (unsigned q = 0; q < ZK_PREP_HIST_BINS; q++)
            cJSON_AddItemToArray(h, cJSON_CreateNumber((double)c->hist[(size_t)k * ZK_PREP_HIST_BINS + q]));
        cJSON_AddItemToArray(fs, f);
    }
    return o;
}

static int jerr(const char *path, const char *jp, const char *what)
{
    return zk_set_error(ZK_ERR_INPUT, "%s: %s: %s", path, jp, what);
}

static int get_u32(const cJSON *o, const char *k, uint32_t *out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 4294967295.0 ||
        it->valuedouble != floor(it->valuedouble))
        return -1;
    *out = (uint32_t)it->valuedouble;
    return 0;
}

static int parse_i64_string(const cJSON *it, int64_t *out)
{
    if (!cJSON_IsString(it) || !it->valuestring[0])
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(it->valuestring, &end, 10);
    if (errno || *end)
        return -1;
    *out = (int64_t)v;
    return 0;
}

static int check_id(const char *path, const cJSON *o, const char *k, const uint8_t id[32], const char *what)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
    char hex[65];
    zk_digest_hex(hex, id);
    if (!cJSON_IsString(it))
        return zk_set_error(ZK_ERR_INPUT, "%s: %s: expected a hex string", path, k);
    if (strcmp(it->valuestring, hex) != 0)
        return zk_set_error(ZK_ERR_REJECT, "%s: %s: the claims are for %s %.16s..., not this one (%.16s...)", path, k,
                            what, it->valuestring, hex);
    return ZK_OK;
}

int zk_prep_claims_parse(zk_prep_claims *c, const char *path, const char *text, size_t len,
                         const zk_prep_pipeline *pl, const uint8_t raw_id[32], const uint8_t train_id[32],
                         const uint8_t test_id[32])
{
    memset(c, 0, sizeof *c);
    cJSON *o = cJSON_ParseWithLength(text, len);
    if (!o)
        return zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", path);
    int st = ZK_OK;
    char jp[96];
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(o, "format");
    if (!cJSON_IsObject(o)) {
        st = jerr(path, "$", "expected an object");
        goto out;
    }
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, CLAIMS_FORMAT) != 0) {
        st = jerr(path, "format", "expected \"" CLAIMS_FORMAT "\"");
        goto out;
    }
    if ((st = check_id(path, o, "pipeline_sha256", pl->digest, "pipeline")) != ZK_OK ||
        (raw_id && (st = check_id(path, o, "raw_commitment", raw_id, "raw commitment")) != ZK_OK) ||
        (train_id && (st = check_id(path, o, "train_commitment", train_id, "train commitment")) != ZK_OK) ||
        (test_id && (st = check_id(path, o, "test_commitment", test_id, "test commitment")) != ZK_OK))
        goto out;
    uint32_t sb;
    if (get_u32(o, "scale_bits", &sb) || sb != pl->scale_bits) {
        st = jerr(path, "scale_bits", "expected the raw commitment's scale");
        goto out;
    }
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(o, "rows");
    if (!cJSON_IsObject(rows) || get_u32(rows, "raw", &c->n_raw) || get_u32(rows, "dropped", &c->n_dropped) ||
        get_u32(rows, "kept", &c->n_kept) || get_u32(rows, "train", &c->n_train) || get_u32(rows, "test", &c->n_test)) {
        st = jerr(path, "rows", "expected {raw, dropped, kept, train, test} row counts");
        goto out;
    }
    const cJSON *dr = cJSON_GetObjectItemCaseSensitive(o, "dropped_rows");
    if (zk_prep_hidden_filter(pl)) {
        if (!cJSON_IsString(dr) || strcmp(dr->valuestring, "hidden") != 0) {
            st = jerr(path, "dropped_rows", "expected \"hidden\" (the pipeline's row filter is hidden)");
            goto out;
        }
        goto features;
    }
    if (!cJSON_IsArray(dr) || (uint32_t)cJSON_GetArraySize(dr) != c->n_dropped || c->n_dropped > ZK_DATASET_MAX_ROWS) {
        st = jerr(path, "dropped_rows", "expected an array of rows.dropped row indices");
        goto out;
    }
    c->dropped = malloc(((size_t)c->n_dropped + 1) * sizeof *c->dropped);
    if (!c->dropped) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < c->n_dropped; i++) {
        const cJSON *it = cJSON_GetArrayItem(dr, (int)i);
        if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble >= 4294967296.0 ||
            it->valuedouble != floor(it->valuedouble)) {
            snprintf(jp, sizeof jp, "dropped_rows[%u]", i);
            st = jerr(path, jp, "expected a row index");
            goto out;
        }
        c->dropped[i] = (uint32_t)it->valuedouble;
    }
features:;
    const cJSON *fs = cJSON_GetObjectItemCaseSensitive(o, "features");
    if (!cJSON_IsArray(fs) || (uint32_t)cJSON_GetArraySize(fs) != pl->out_n_cols - 1) {
        st = jerr(path, "features", "expected one entry per output feature of the pipeline");
        goto out;
    }
    c->n_features = pl->out_n_cols - 1;
    c->mean = calloc(c->n_features, sizeof *c->mean);
    c->std = calloc(c->n_features, sizeof *c->std);
    c->hist = calloc((size_t)c->n_features * ZK_PREP_HIST_BINS, sizeof *c->hist);
    if (!c->mean || !c->std || !c->hist) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t k = 0; k < c->n_features; k++) {
        const cJSON *f = cJSON_GetArrayItem(fs, (int)k);
        const cJSON *nm = cJSON_GetObjectItemCaseSensitive(f, "name");
        snprintf(jp, sizeof jp, "features[%u]", k);
        if (!cJSON_IsObject(f) || !cJSON_IsString(nm) || strcmp(nm->valuestring, pl->out_names[k]) != 0) {
            st = jerr(path, jp, "expected an object named as the pipeline's output column");
            goto out;
        }
        if (parse_i64_string(cJSON_GetObjectItemCaseSensitive(f, "mean_fixed"), &c->mean[k]) ||
            parse_i64_string(cJSON_GetObjectItemCaseSensitive(f, "std_fixed"), &c->std[k])) {
            st = jerr(path, jp, "mean_fixed and std_fixed must be decimal integer strings");
            goto out;
        }
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(f, "mean"), *s = cJSON_GetObjectItemCaseSensitive(f, "std");
        double mv = fx(c->mean[k], sb), sv = fx(c->std[k], sb);
        if (!cJSON_IsNumber(m) || !cJSON_IsNumber(s) || fabs(m->valuedouble - mv) > 1e-12 * fmax(1, fabs(mv)) ||
            fabs(s->valuedouble - sv) > 1e-12 * fmax(1, fabs(sv))) {
            st = zk_set_error(ZK_ERR_REJECT, "%s: %s: mean/std do not match mean_fixed/std_fixed", path, jp);
            goto out;
        }
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(f, "histogram");
        if (!cJSON_IsArray(h) || cJSON_GetArraySize(h) != (int)ZK_PREP_HIST_BINS) {
            st = jerr(path, jp, "histogram: expected 10 counts");
            goto out;
        }
        for (unsigned q = 0; q < ZK_PREP_HIST_BINS; q++) {
            const cJSON *it = cJSON_GetArrayItem(h, (int)q);
            if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 4294967295.0 ||
                it->valuedouble != floor(it->valuedouble)) {
                st = jerr(path, jp, "histogram: expected non-negative integer counts");
                goto out;
            }
            c->hist[(size_t)k * ZK_PREP_HIST_BINS + q] = (uint64_t)it->valuedouble;
        }
    }
out:
    cJSON_Delete(o);
    if (st != ZK_OK)
        zk_prep_claims_free(c);
    return st;
}
