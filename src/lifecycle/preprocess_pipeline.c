/* Pipeline JSON parsing and schema resolution (preprocess.h, docs/preprocessing.md). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/preprocess.h"

#define PIPELINE_FORMAT "zkmlops-pipeline/v1"

typedef struct {
    uint32_t n;
    char **names; /* owned */
} schema;

static void schema_free(schema *s)
{
    for (uint32_t i = 0; i < s->n; i++)
        free(s->names[i]);
    free(s->names);
    s->names = NULL;
    s->n = 0;
}

static int schema_find(const schema *s, const char *name)
{
    for (uint32_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return (int)i;
    return -1;
}

void zk_prep_pipeline_free(zk_prep_pipeline *pl)
{
    if (!pl)
        return;
    for (uint32_t i = 0; i < pl->n_transforms; i++) {
        free(pl->t[i].cols);
        free(pl->t[i].cats);
    }
    free(pl->t);
    for (uint32_t i = 0; i < pl->out_n_cols && pl->out_names; i++)
        free(pl->out_names[i]);
    free(pl->out_names);
    free(pl->out_from);
    free(pl->canonical);
    memset(pl, 0, sizeof *pl);
}

static const struct {
    const char *name;
    zk_prep_op op;
} OPS[] = {{"drop_missing", ZK_PREP_DROP_MISSING}, {"impute_mean", ZK_PREP_IMPUTE_MEAN},
           {"standardize", ZK_PREP_STANDARDIZE},   {"minmax", ZK_PREP_MINMAX},
           {"clip", ZK_PREP_CLIP},                 {"one_hot", ZK_PREP_ONE_HOT},
           {"binarize", ZK_PREP_BINARIZE}};

/* A JSON number as a fixed-point integer, exactly as a CSV cell with the same
 * digits (17 significant digits reproduce the double). */
static int number_fixed(const cJSON *it, uint32_t scale, int64_t *out)
{
    if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
        return ZK_ERR_INPUT;
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.17g", it->valuedouble);
    return zk_parse_fixed(buf, (size_t)n, scale, out);
}

static int fail(const char *path, const char *jp, const char *msg)
{
    return zk_set_error(ZK_ERR_INPUT, "%s: %s: %s", path, jp, msg);
}

static int check_keys(const char *path, const char *jp, const cJSON *obj, const char *const *allowed)
{
    for (const cJSON *c = obj->child; c; c = c->next) {
        int ok = 0;
        for (size_t k = 0; allowed[k]; k++)
            if (strcmp(c->string, allowed[k]) == 0)
                ok = 1;
        if (!ok)
            return zk_set_error(ZK_ERR_INPUT, "%s: %s.%s: unknown key", path, jp, c->string);
    }
    return ZK_OK;
}

/* Resolve one column name at a step. */
static int resolve_col(const char *path, const char *jp, const cJSON *it, const schema *cur,
                       const zk_dataset_meta *raw, uint32_t *out)
{
    if (!cJSON_IsString(it))
        return fail(path, jp, "expected a column name (string)");
    int k = schema_find(cur, it->valuestring);
    if (k >= 0) {
        *out = (uint32_t)k;
        return ZK_OK;
    }
    for (uint32_t j = 0; j < raw->n_cols; j++)
        if (strcmp(raw->col_names[j], it->valuestring) == 0)
            return zk_set_error(ZK_ERR_INPUT, "%s: %s: column '%s' no longer exists at this step (replaced by an earlier one_hot)",
                                path, jp, it->valuestring);
    return zk_set_error(ZK_ERR_INPUT, "%s: %s: no column '%s' in the commitment's schema", path, jp,
                        it->valuestring);
}

/* "columns": optional array of names; default = every current column except the label
 * (or every column, label included, when include_label). */
static int resolve_cols(const char *path, const char *jp0, const cJSON *tr, const schema *cur,
                        const zk_dataset_meta *raw, const char *label, int include_label, zk_prep_transform *t)
{
    const cJSON *cols = cJSON_GetObjectItemCaseSensitive(tr, "columns");
    char jp[128];
    if (!cols) {
        t->cols = malloc(((size_t)cur->n + 1) * sizeof *t->cols);
        if (!t->cols)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        t->n_cols = 0;
        for (uint32_t j = 0; j < cur->n; j++)
            if (include_label || strcmp(cur->names[j], label) != 0)
                t->cols[t->n_cols++] = j;
        return ZK_OK;
    }
    snprintf(jp, sizeof jp, "%s.columns", jp0);
    if (!cJSON_IsArray(cols) || cJSON_GetArraySize(cols) < 1)
        return fail(path, jp, "expected a non-empty array of column names");
    int n = cJSON_GetArraySize(cols);
    if ((uint32_t)n > cur->n)
        return fail(path, jp, "more columns than the schema has");
    t->cols = malloc((size_t)n * sizeof *t->cols);
    if (!t->cols)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    t->n_cols = 0;
    for (int i = 0; i < n; i++) {
        snprintf(jp, sizeof jp, "%s.columns[%d]", jp0, i);
        uint32_t c;
        int st = resolve_col(path, jp, cJSON_GetArrayItem(cols, i), cur, raw, &c);
        if (st != ZK_OK)
            return st;
        for (uint32_t k = 0; k < t->n_cols; k++)
            if (t->cols[k] == c)
                return fail(path, jp, "column listed twice");
        t->cols[t->n_cols++] = c;
    }
    return ZK_OK;
}

int zk_prep_pipeline_parse(zk_prep_pipeline *pl, const char *path, const char *text, size_t len,
                      const zk_dataset_meta *raw)
{
    memset(pl, 0, sizeof *pl);
    pl->scale_bits = raw->scale_bits;
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root)
        return zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", path);
    schema cur = {0, NULL};
    int st = ZK_OK;
    char jp[128];
    const char *label = NULL;
    static const char *const root_keys[] = {"format", "label", "missing", "transforms", "split", "description", NULL};
    if (!cJSON_IsObject(root)) {
        st = fail(path, "$", "expected an object");
        goto out;
    }
    if ((st = check_keys(path, "$", root, root_keys)) != ZK_OK)
        goto out;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, PIPELINE_FORMAT) != 0) {
        st = fail(path, "format", "expected \"" PIPELINE_FORMAT "\"");
        goto out;
    }
    const cJSON *lab = cJSON_GetObjectItemCaseSensitive(root, "label");
    if (!cJSON_IsString(lab)) {
        st = fail(path, "label", "expected the label column name (string)");
        goto out;
    }
    label = lab->valuestring;
    const cJSON *miss = cJSON_GetObjectItemCaseSensitive(root, "missing");
    if (miss) {
        if (number_fixed(miss, pl->scale_bits, &pl->missing) != ZK_OK) {
            st = fail(path, "missing", "expected a number (the sentinel value of a missing cell)");
            goto out;
        }
        pl->has_missing = 1;
    }
    const cJSON *split = cJSON_GetObjectItemCaseSensitive(root, "split");
    static const char *const split_keys[] = {"seed", "test_fraction", NULL};
    if (!cJSON_IsObject(split)) {
        st = fail(path, "split", "expected an object {\"seed\": N, \"test_fraction\": F}");
        goto out;
    }
    if ((st = check_keys(path, "split", split, split_keys)) != ZK_OK)
        goto out;
    const cJSON *seed = cJSON_GetObjectItemCaseSensitive(split, "seed");
    const cJSON *frac = cJSON_GetObjectItemCaseSensitive(split, "test_fraction");
    if (!cJSON_IsNumber(seed) || seed->valuedouble < 0 || seed->valuedouble > 9007199254740991.0 ||
        seed->valuedouble != floor(seed->valuedouble)) {
        st = fail(path, "split.seed", "expected an integer in 0..2^53-1");
        goto out;
    }
    pl->seed = (uint64_t)seed->valuedouble;
    if (!cJSON_IsNumber(frac) || !(frac->valuedouble >= 0.0 && frac->valuedouble < 1.0)) {
        st = fail(path, "split.test_fraction", "expected a number in [0, 1)");
        goto out;
    }
    pl->test_fraction = frac->valuedouble;

    /* schema evolution */
    cur.names = calloc(raw->n_cols ? raw->n_cols : 1, sizeof *cur.names);
    if (!cur.names) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t j = 0; j < raw->n_cols; j++) {
        if (!(cur.names[j] = strdup(raw->col_names[j]))) {
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
            goto out;
        }
        cur.n++;
    }
    if (schema_find(&cur, label) < 0) {
        st = zk_set_error(ZK_ERR_INPUT, "%s: label: no column '%s' in the commitment's schema", path, label);
        goto out;
    }
    const cJSON *trs = cJSON_GetObjectItemCaseSensitive(root, "transforms");
    if (!cJSON_IsArray(trs)) {
        st = fail(path, "transforms", "expected an array of transforms");
        goto out;
    }
    int nt = cJSON_GetArraySize(trs);
    if ((uint32_t)nt > ZK_PREP_MAX_TRANSFORMS) {
        st = fail(path, "transforms", "too many transforms (at most 256)");
        goto out;
    }
    pl->t = calloc(nt ? (size_t)nt : 1, sizeof *pl->t);
    if (!pl->t) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < nt && st == ZK_OK; i++) {
        const cJSON *tr = cJSON_GetArrayItem(trs, i);
        zk_prep_transform *t = &pl->t[i];
        pl->n_transforms = (uint32_t)i + 1;
        t->width_in = cur.n;
        char jt[64];
        snprintf(jt, sizeof jt, "transforms[%d]", i);
        if (!cJSON_IsObject(tr)) {
            st = fail(path, jt, "expected an object with \"op\"");
            break;
        }
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(tr, "op");
        snprintf(jp, sizeof jp, "%s.op", jt);
        if (!cJSON_IsString(op)) {
            st = fail(path, jp, "expected a transform name (string)");
            break;
        }
        for (size_t k = 0; k < sizeof OPS / sizeof OPS[0]; k++)
            if (strcmp(op->valuestring, OPS[k].name) == 0)
                t->op = OPS[k].op;
        if (!t->op) {
            st = zk_set_error(ZK_ERR_INPUT,
                              "%s: %s: unknown transform '%s' (known: drop_missing, impute_mean, standardize, "
                              "minmax, clip, one_hot, binarize)",
                              path, jp, op->valuestring);
            break;
        }
        static const char *const k_cols[] = {"op", "columns", NULL};
        static const char *const k_drop[] = {"op", "columns", "hidden", NULL};
        static const char *const k_clip[] = {"op", "columns", "min", "max", NULL};
        static const char *const k_onehot[] = {"op", "column", "categories", NULL};
        static const char *const k_bin[] = {"op", "column", "threshold", NULL};
        switch (t->op) {
        case ZK_PREP_DROP_MISSING:
        case ZK_PREP_IMPUTE_MEAN:
            if ((st = check_keys(path, jt, tr, t->op == ZK_PREP_DROP_MISSING ? k_drop : k_cols)) != ZK_OK)
                break;
            if (t->op == ZK_PREP_DROP_MISSING) {
                const cJSON *hid = cJSON_GetObjectItemCaseSensitive(tr, "hidden");
                if (hid && !cJSON_IsBool(hid)) {
                    snprintf(jp, sizeof jp, "%s.hidden", jt);
                    st = fail(path, jp, "expected true or false");
                    break;
                }
                t->hidden = cJSON_IsTrue(hid);
            }
            if (!pl->has_missing) {
                st = fail(path, jp, "needs a \"missing\" sentinel at the top level");
                break;
            }
            if (t->op == ZK_PREP_DROP_MISSING && i != 0) {
                st = fail(path, jp, "drop_missing must be the first transform");
                break;
            }
            st = resolve_cols(path, jt, tr, &cur, raw, label, t->op == ZK_PREP_DROP_MISSING, t);
            break;
        case ZK_PREP_STANDARDIZE:
        case ZK_PREP_MINMAX:
            if ((st = check_keys(path, jt, tr, k_cols)) == ZK_OK)
                st = resolve_cols(path, jt, tr, &cur, raw, label, 0, t);
            break;
        case ZK_PREP_CLIP: {
            if ((st = check_keys(path, jt, tr, k_clip)) != ZK_OK)
                break;
            if ((st = resolve_cols(path, jt, tr, &cur, raw, label, 0, t)) != ZK_OK)
                break;
            snprintf(jp, sizeof jp, "%s.min", jt);
            if (number_fixed(cJSON_GetObjectItemCaseSensitive(tr, "min"), pl->scale_bits, &t->lo) != ZK_OK) {
                st = fail(path, jp, "expected a number");
                break;
            }
            snprintf(jp, sizeof jp, "%s.max", jt);
            if (number_fixed(cJSON_GetObjectItemCaseSensitive(tr, "max"), pl->scale_bits, &t->hi) != ZK_OK) {
                st = fail(path, jp, "expected a number");
                break;
            }
            if (t->lo > t->hi)
                st = fail(path, jp, "max is smaller than min");
            else if (t->lo < -((int64_t)1 << 38) || t->hi >= ((int64_t)1 << 38))
                st = fail(path, jp, "bounds must lie within +-2^38 in fixed point");
            break;
        }
        case ZK_PREP_BINARIZE:
        case ZK_PREP_ONE_HOT: {
            if ((st = check_keys(path, jt, tr, t->op == ZK_PREP_ONE_HOT ? k_onehot : k_bin)) != ZK_OK)
                break;
            snprintf(jp, sizeof jp, "%s.column", jt);
            t->cols = malloc(sizeof *t->cols);
            if (!t->cols) {
                st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
                break;
            }
            t->n_cols = 1;
            if ((st = resolve_col(path, jp, cJSON_GetObjectItemCaseSensitive(tr, "column"), &cur, raw, t->cols)) != ZK_OK)
                break;
            if (t->op == ZK_PREP_BINARIZE) {
                snprintf(jp, sizeof jp, "%s.threshold", jt);
                if (number_fixed(cJSON_GetObjectItemCaseSensitive(tr, "threshold"), pl->scale_bits, &t->threshold) !=
                        ZK_OK ||
                    t->threshold < -((int64_t)1 << 38) || t->threshold >= ((int64_t)1 << 38))
                    st = fail(path, jp, "expected a number within +-2^38 in fixed point");
                break;
            }
            if (strcmp(cur.names[t->cols[0]], label) == 0) {
                st = fail(path, jp, "the label column cannot be one-hot encoded");
                break;
            }
            const cJSON *cats = cJSON_GetObjectItemCaseSensitive(tr, "categories");
            snprintf(jp, sizeof jp, "%s.categories", jt);
            int nc = cJSON_IsArray(cats) ? cJSON_GetArraySize(cats) : 0;
            if (nc < 1 || (uint32_t)nc > ZK_PREP_MAX_CATEGORIES) {
                st = fail(path, jp, "expected an array of 1..64 category values (numbers)");
                break;
            }
            if (cur.n + (uint32_t)nc - 1 > ZK_DATASET_MAX_COLS) {
                st = fail(path, jp, "too many columns after encoding");
                break;
            }
            t->cats = malloc((size_t)nc * sizeof *t->cats);
            char **nn = calloc((size_t)cur.n + (size_t)nc, sizeof *nn);
            if (!t->cats || !nn) {
                free(nn);
                st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
                break;
            }
            t->n_cats = (uint32_t)nc;
            uint32_t c0 = t->cols[0], w = 0;
            for (uint32_t j = 0; j < c0; j++)
                nn[w++] = cur.names[j];
            for (int k = 0; k < nc && st == ZK_OK; k++) {
                const cJSON *cv = cJSON_GetArrayItem(cats, k);
                snprintf(jp, sizeof jp, "%s.categories[%d]", jt, k);
                if (number_fixed(cv, pl->scale_bits, &t->cats[k]) != ZK_OK) {
                    st = fail(path, jp, "expected a number");
                    break;
                }
                for (int q = 0; q < k; q++)
                    if (t->cats[q] == t->cats[k])
                        st = fail(path, jp, "category listed twice");
                char nb[ZK_DATASET_MAX_NAME + 40];
                snprintf(nb, sizeof nb, "%s=%.15g", cur.names[c0], cv->valuedouble);
                if (st == ZK_OK && !(nn[w++] = strdup(nb)))
                    st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
            }
            if (st != ZK_OK) {
                for (uint32_t q = c0; q < w; q++)
                    free(nn[q]);
                free(nn);
                break;
            }
            for (uint32_t j = c0 + 1; j < cur.n; j++)
                nn[w++] = cur.names[j];
            free(cur.names[c0]);
            free(cur.names);
            cur.names = nn;
            cur.n = w;
            for (uint32_t a = 0; a < cur.n && st == ZK_OK; a++)
                for (uint32_t b = a + 1; b < cur.n; b++)
                    if (strcmp(cur.names[a], cur.names[b]) == 0) {
                        st = zk_set_error(ZK_ERR_INPUT, "%s: %s: encoded column name '%s' already exists", path,
                                          jt, cur.names[a]);
                        break;
                    }
            break;
        }
        }
    }
    if (st != ZK_OK)
        goto out;
    /* final schema, label last */
    int lc = schema_find(&cur, label);
    if (lc < 0) {
        st = fail(path, "label", "the label column does not exist after the transforms");
        goto out;
    }
    if (cur.n < 2) {
        st = fail(path, "$", "the output needs at least one feature column besides the label");
        goto out;
    }
    pl->label_col = (uint32_t)lc;
    pl->out_names = calloc(cur.n, sizeof *pl->out_names);
    pl->out_from = calloc(cur.n, sizeof *pl->out_from);
    if (!pl->out_names || !pl->out_from) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    pl->out_n_cols = cur.n;
    uint32_t w = 0;
    for (uint32_t j = 0; j < cur.n; j++)
        if (j != (uint32_t)lc) {
            pl->out_from[w] = j;
            pl->out_names[w++] = cur.names[j];
            cur.names[j] = NULL;
        }
    pl->out_from[w] = (uint32_t)lc;
    pl->out_names[w] = cur.names[lc];
    cur.names[lc] = NULL;
    pl->canonical = cJSON_PrintUnformatted(root);
    if (!pl->canonical) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    zk_sha256(pl->digest, pl->canonical, strlen(pl->canonical));
out:
    schema_free(&cur);
    cJSON_Delete(root);
    if (st != ZK_OK)
        zk_prep_pipeline_free(pl);
    return st;
}

int zk_prep_pipeline_load(zk_prep_pipeline *pl, const char *path, const zk_dataset_meta *raw)
{
    uint8_t *text;
    size_t len;
    memset(pl, 0, sizeof *pl);
    int st = zk_read_file(path, ZK_PREP_PIPELINE_MAX_BYTES, &text, &len);
    if (st != ZK_OK)
        return st;
    st = zk_prep_pipeline_parse(pl, path, (const char *)text, len, raw);
    free(text);
    return st;
}
