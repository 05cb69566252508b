/* Audit pipeline files: parse and validate (bundle.h, docs/audit.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_internal.h"
#include "zkmlops/dataset.h"

static const char *const kind_names[ZK_STAGE_KINDS] = {"data", "preprocess", "train", "eval", "infer", "monitor"};

const char *zk_stage_kind_name(zk_stage_kind k)
{
    return (unsigned)k < ZK_STAGE_KINDS ? kind_names[k] : "?";
}

int zk_stage_kind_parse(const char *name, zk_stage_kind *k)
{
    for (int i = 0; i < ZK_STAGE_KINDS; i++)
        if (name && strcmp(name, kind_names[i]) == 0) {
            *k = (zk_stage_kind)i;
            return 0;
        }
    return -1;
}


const char *zk_stage_annex_iv(zk_stage_kind k)
{
    switch (k) {
    case ZK_STAGE_DATA:
        return "Data governance: Art. 10; Annex IV 2(d) (training data provenance, scope and characteristics)";
    case ZK_STAGE_PREPROCESS:
        return "Data governance: Art. 10(2); Annex IV 2(d) (data preparation: cleaning, scaling, splitting)";
    case ZK_STAGE_TRAIN:
        return "Training methodology: Annex IV 2(b)-(c) (design choices, training procedure, resulting system)";
    case ZK_STAGE_EVAL:
        return "Accuracy and robustness metrics: Art. 15; Annex IV 2(g) (validation and testing, metrics, "
               "discriminatory impact)";
    case ZK_STAGE_INFER:
        return "Accuracy in operation: Art. 15; Annex IV 2(g), 3 (outputs produced by the documented model)";
    case ZK_STAGE_MONITOR:
        return "Post-market monitoring: Art. 72; Annex IV 9 (performance evaluation in the post-market phase)";
    default:
        return "";
    }
}

void zk_pipeline_free(zk_pipeline *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_stages; i++) {
        free(p->stages[i].name);
        free(p->stages[i].spec_path);
        free(p->stages[i].spec_inline);
        free(p->stages[i].shift_feature);
    }
    free(p->stages);
    free(p->path);
    free(p->name);
    free(p->description);
    free(p->dataset);
    memset(p, 0, sizeof *p);
}

/* rel resolved against the folder of `base` (unless absolute). */
static char *resolve(const char *base, const char *rel)
{
    if (rel[0] == '/')
        return bundle_strdup(rel);
    const char *slash = strrchr(base, '/');
    size_t dn = slash ? (size_t)(slash - base) + 1 : 0;
    size_t rn = strlen(rel);
    char *out = malloc(dn + rn + 1);
    if (!out)
        return NULL;
    memcpy(out, base, dn);
    memcpy(out + dn, rel, rn + 1);
    return out;
}

/* Stage name: [a-z0-9_-], 1..32 chars. */
static int stage_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 32)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
            return 0;
    return 1;
}

static int parse_stage(zk_pipeline *p, size_t idx, const cJSON *js, const jpath *sp, int *err)
{
    const char *file = p->path;
    zk_pipeline_stage *st = &p->stages[idx];
    static const char *const keys[] = {"stage", "id", "spec", "queries", "seed", "shift_feature", "shift_factor",
                                       "comment", NULL};
    jp_known_keys(file, sp, js, keys, err);
    const char *kind = jp_string(file, sp, js, "stage", 1, err);
    if (*err)
        return ZK_ERR_INPUT;
    if (zk_stage_kind_parse(kind, &st->kind) != 0) {
        jpath kp = jp_key(sp, "stage");
        *err = 1;
        return zk_set_error(ZK_ERR_INPUT,
                            "%s: %s: unknown stage '%s' (expected one of: data, preprocess, train, eval, infer, "
                            "monitor)",
                            file, kp.s, kind);
    }
    const char *id = jp_string(file, sp, js, "id", 0, err);
    if (*err)
        return ZK_ERR_INPUT;
    if (id && !stage_name_ok(id)) {
        jpath kp = jp_key(sp, "id");
        *err = 1;
        return zk_set_error(ZK_ERR_INPUT, "%s: %s: stage id must be 1..32 characters of [a-z0-9_-]", file, kp.s);
    }
    /* default name: the kind, or kind-N for the N-th repeat */
    char dflt[48];
    size_t same = 0;
    for (size_t i = 0; i < idx; i++)
        if (p->stages[i].kind == st->kind)
            same++;
    if (same)
        snprintf(dflt, sizeof dflt, "%s-%zu", kind_names[st->kind], same + 1);
    else
        snprintf(dflt, sizeof dflt, "%s", kind_names[st->kind]);
    st->name = bundle_strdup(id ? id : dflt);
    if (!st->name)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < idx; i++)
        if (strcmp(p->stages[i].name, st->name) == 0) {
            *err = 1;
            return zk_set_error(ZK_ERR_INPUT, "%s: %s: duplicate stage name '%s' (set a distinct \"id\")", file,
                                sp->s, st->name);
        }
    int need_spec = st->kind == ZK_STAGE_PREPROCESS || st->kind == ZK_STAGE_TRAIN || st->kind == ZK_STAGE_EVAL ||
                    st->kind == ZK_STAGE_MONITOR;
    const cJSON *spec = jp_get(file, sp, js, "spec", cJSON_String | cJSON_Object,
                               "a file path (string) or an embedded spec (object)", need_spec, err);
    if (*err)
        return ZK_ERR_INPUT;
    if (spec && (st->kind == ZK_STAGE_DATA || st->kind == ZK_STAGE_INFER)) {
        jpath kp = jp_key(sp, "spec");
        *err = 1;
        return zk_set_error(ZK_ERR_INPUT, "%s: %s: the %s stage takes no spec", file, kp.s, kind_names[st->kind]);
    }
    if (spec && cJSON_IsString(spec)) {
        if (!spec->valuestring[0]) {
            jpath kp = jp_key(sp, "spec");
            *err = 1;
            return zk_set_error(ZK_ERR_INPUT, "%s: %s: empty path", file, kp.s);
        }
        st->spec_path = resolve(file, spec->valuestring);
        if (!st->spec_path)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    } else if (spec) {
        st->spec_inline = cJSON_Print(spec);
        if (!st->spec_inline)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    uint64_t q = 0, seed = 0;
    if (st->kind == ZK_STAGE_INFER) {
        jp_uint(file, sp, js, "queries", 0, 1, ZK_BUNDLE_MAX_QUERIES, 4, &q, err);
        jp_uint(file, sp, js, "seed", 0, 0, UINT32_MAX, 0, &seed, err);
    } else {
        const char *bad = cJSON_GetObjectItemCaseSensitive(js, "queries") ? "queries"
                          : cJSON_GetObjectItemCaseSensitive(js, "seed") ? "seed" : NULL;
        if (bad && !*err) {
            jpath kp = jp_key(sp, bad);
            *err = 1;
            return zk_set_error(ZK_ERR_INPUT, "%s: %s: only an infer stage takes \"%s\"", file, kp.s, bad);
        }
    }
    const char *sf = NULL;
    double fac = 0;
    if (st->kind == ZK_STAGE_MONITOR) {
        sf = jp_string(file, sp, js, "shift_feature", 0, err);
        jp_double(file, sp, js, "shift_factor", 0, 0, &fac, err);
        if (*err)
            return ZK_ERR_INPUT;
        if (sf && !(st->shift_feature = bundle_strdup(sf)))
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    } else {
        const char *bad = cJSON_GetObjectItemCaseSensitive(js, "shift_feature")  ? "shift_feature"
                          : cJSON_GetObjectItemCaseSensitive(js, "shift_factor") ? "shift_factor" : NULL;
        if (bad && !*err) {
            jpath kp = jp_key(sp, bad);
            *err = 1;
            return zk_set_error(ZK_ERR_INPUT, "%s: %s: only a monitor stage takes \"%s\"", file, kp.s, bad);
        }
    }
    st->shift_factor = fac;
    st->queries = (uint32_t)q;
    st->seed = (uint32_t)seed;
    return *err ? ZK_ERR_INPUT : ZK_OK;
}

int zk_pipeline_parse(zk_pipeline *p, const char *path, const char *text, size_t len)
{
    memset(p, 0, sizeof *p);
    p->path = bundle_strdup(path);
    if (!p->path)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root) {
        const char *ep = cJSON_GetErrorPtr();
        size_t off = ep && ep >= text && ep <= text + len ? (size_t)(ep - text) : 0;
        size_t line = 1;
        for (size_t i = 0; i < off; i++)
            line += text[i] == '\n';
        zk_pipeline_free(p);
        return zk_set_error(ZK_ERR_INPUT, "%s:%zu: not valid JSON", path, line);
    }
    int err = 0, st = ZK_OK;
    jpath rp = jp_root();
    const char *file = path;
    if (!cJSON_IsObject(root)) {
        st = zk_set_error(ZK_ERR_INPUT, "%s: $: expected an object, got %s", file, jp_type_name(root));
        goto done;
    }
    static const char *const keys[] = {"name", "description", "dataset", "scale_bits", "stages", "comment", NULL};
    jp_known_keys(file, &rp, root, keys, &err);
    const char *name = jp_string(file, &rp, root, "name", 1, &err);
    const char *desc = jp_string(file, &rp, root, "description", 0, &err);
    const char *data = jp_string(file, &rp, root, "dataset", 1, &err);
    uint64_t scale = 0;
    jp_uint(file, &rp, root, "scale_bits", 0, 0, ZK_DATASET_MAX_SCALE_BITS, ZK_DATASET_DEFAULT_SCALE_BITS, &scale,
            &err);
    const cJSON *stages = jp_get(file, &rp, root, "stages", cJSON_Array, "an array of stages", 1, &err);
    if (err) {
        st = ZK_ERR_INPUT;
        goto done;
    }
    jpath sp = jp_key(&rp, "stages");
    int n = cJSON_GetArraySize(stages);
    if (n == 0 || (unsigned)n > ZK_BUNDLE_MAX_STAGES) {
        st = zk_set_error(ZK_ERR_INPUT, "%s: %s: expected 1..%u stages, got %d", file, sp.s, ZK_BUNDLE_MAX_STAGES,
                          n);
        goto done;
    }
    p->name = bundle_strdup(name);
    p->description = desc ? bundle_strdup(desc) : NULL;
    p->dataset = data[0] ? resolve(path, data) : NULL;
    p->scale_bits = (uint32_t)scale;
    p->stages = calloc((size_t)n, sizeof *p->stages);
    if (!p->name || (desc && !p->description) || !p->stages || (data[0] && !p->dataset)) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (!data[0]) {
        jpath kp = jp_key(&rp, "dataset");
        st = zk_set_error(ZK_ERR_INPUT, "%s: %s: empty path", file, kp.s);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        const cJSON *js = cJSON_GetArrayItem(stages, i);
        jpath ip = jp_idx(&sp, (size_t)i);
        if (!cJSON_IsObject(js)) {
            st = zk_set_error(ZK_ERR_INPUT, "%s: %s: expected a stage object, got %s", file, ip.s,
                              jp_type_name(js));
            goto done;
        }
        p->n_stages = (size_t)i + 1;
        st = parse_stage(p, (size_t)i, js, &ip, &err);
        if (st != ZK_OK)
            goto done;
        /* order: every kind's prerequisite must come before it */
        zk_stage_kind k = p->stages[i].kind, need = ZK_STAGE_KINDS;
        if (i == 0 && k != ZK_STAGE_DATA) {
            jpath kp = jp_key(&ip, "stage");
            st = zk_set_error(ZK_ERR_INPUT, "%s: %s: the first stage must be \"data\" (the dataset commitment), got '%s'",
                              file, kp.s, kind_names[k]);
            goto done;
        }
        if (k == ZK_STAGE_DATA && i != 0) {
            jpath kp = jp_key(&ip, "stage");
            st = zk_set_error(ZK_ERR_INPUT, "%s: %s: only the first stage may be \"data\"", file, kp.s);
            goto done;
        }
        if (k == ZK_STAGE_PREPROCESS)
            need = ZK_STAGE_DATA;
        else if (k == ZK_STAGE_TRAIN)
            need = ZK_STAGE_PREPROCESS;
        else if (k == ZK_STAGE_EVAL || k == ZK_STAGE_INFER || k == ZK_STAGE_MONITOR)
            need = ZK_STAGE_TRAIN;
        if (need != ZK_STAGE_KINDS) {
            int found = 0;
            for (int j = 0; j < i; j++)
                found |= p->stages[j].kind == need;
            if (!found) {
                jpath kp = jp_key(&ip, "stage");
                st = zk_set_error(ZK_ERR_INPUT, "%s: %s: a %s stage needs a %s stage before it", file, kp.s,
                                  kind_names[k], kind_names[need]);
                goto done;
            }
        }
        if ((k == ZK_STAGE_PREPROCESS || k == ZK_STAGE_TRAIN)) {
            for (int j = 0; j < i; j++)
                if (p->stages[j].kind == k) {
                    jpath kp = jp_key(&ip, "stage");
                    st = zk_set_error(ZK_ERR_INPUT, "%s: %s: only one %s stage per pipeline", file, kp.s,
                                      kind_names[k]);
                    goto done;
                }
        }
    }
done:
    cJSON_Delete(root);
    if (st != ZK_OK)
        zk_pipeline_free(p);
    return st;
}

int zk_pipeline_load(zk_pipeline *p, const char *path)
{
    uint8_t *text = NULL;
    size_t len = 0;
    memset(p, 0, sizeof *p);
    int st = zk_read_file(path, (size_t)1 << 20, &text, &len);
    if (st != ZK_OK)
        return st;
    st = zk_pipeline_parse(p, path, (const char *)text, len);
    free(text);
    return st;
}
