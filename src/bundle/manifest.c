/* Audit bundle manifests: in-toto Statement v1 with the zkmlops audit predicate (bundle.h, docs/audit.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_internal.h"

int zk_bundle_name_ok(const char *s)
{
    if (!s)
        return 0;
    size_t n = strlen(s);
    if (n == 0 || n > 128 || s[0] == '.')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '.'))
            return 0;
    }
    return strcmp(s, ZK_BUNDLE_MANIFEST) != 0;
}

static int hex64_ok(const char *s)
{
    if (!s || strlen(s) != 64)
        return 0;
    for (int i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int flag_ok(const char *s)
{
    if (!s || strncmp(s, "--", 2) != 0 || strlen(s) < 3 || strlen(s) > 32)
        return 0;
    for (const char *c = s + 2; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
            return 0;
    return 1;
}

void zk_bundle_manifest_init(zk_bundle_manifest *m)
{
    memset(m, 0, sizeof *m);
}

static void free_refs(zk_bundle_ref *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].role);
        free(r[i].file);
        free(r[i].id);
        free(r[i].from_stage);
        free(r[i].from_role);
    }
    free(r);
}

void zk_bundle_manifest_free(zk_bundle_manifest *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n_subjects; i++)
        free(m->subjects[i].name);
    free(m->subjects);
    for (size_t i = 0; i < m->n_stages; i++) {
        zk_bundle_stage *s = &m->stages[i];
        free(s->name);
        free(s->statement);
        free_refs(s->inputs, s->n_inputs);
        free_refs(s->outputs, s->n_outputs);
        for (size_t j = 0; j < s->n_verify_args; j++) {
            free(s->verify_args[j].flag);
            free(s->verify_args[j].file);
        }
        free(s->verify_args);
        cJSON_Delete(s->public_values);
        cJSON_Delete(s->parameters);
        free(s->public_file);
        free(s->proof);
    }
    free(m->stages);
    free(m->pipeline_name);
    free(m->pipeline_file);
    free(m->created);
    free(m->tool_version);
    memset(m, 0, sizeof *m);
}

int zk_bundle_find_stage(const zk_bundle_manifest *m, const char *name)
{
    for (size_t i = 0; i < m->n_stages; i++)
        if (name && strcmp(m->stages[i].name, name) == 0)
            return (int)i;
    return -1;
}

int zk_bundle_find_subject(const zk_bundle_manifest *m, const char *name)
{
    for (size_t i = 0; i < m->n_subjects; i++)
        if (name && strcmp(m->subjects[i].name, name) == 0)
            return (int)i;
    return -1;
}

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = malloc(a + b + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

int zk_bundle_add_subject(zk_bundle_manifest *m, const char *dir, const char *name)
{
    if (!zk_bundle_name_ok(name))
        return zk_set_error(ZK_ERR_INPUT, "'%s': not a valid bundle file name", name);
    char *path = join(dir, name);
    if (!path)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    char hex[65];
    int st = bundle_file_sha256(path, hex);
    free(path);
    if (st != ZK_OK)
        return st;
    int i = zk_bundle_find_subject(m, name);
    if (i < 0) {
        if (m->n_subjects >= ZK_BUNDLE_MAX_FILES)
            return zk_set_error(ZK_ERR_INPUT, "too many bundle files (at most %u)", ZK_BUNDLE_MAX_FILES);
        zk_bundle_subject *ns = realloc(m->subjects, (m->n_subjects + 1) * sizeof *ns);
        if (!ns)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        m->subjects = ns;
        ns[m->n_subjects].name = bundle_strdup(name);
        if (!ns[m->n_subjects].name)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        i = (int)m->n_subjects++;
    }
    memcpy(m->subjects[i].sha256, hex, 65);
    return ZK_OK;
}

/* ------------------------------------------------------------- serialize */

static cJSON *refs_json(const zk_bundle_ref *r, size_t n, int inputs)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(a, o);
        cJSON_AddStringToObject(o, "role", r[i].role);
        cJSON_AddStringToObject(o, "file", r[i].file);
        cJSON_AddStringToObject(o, "id", r[i].id);
        if (inputs && r[i].from_stage && r[i].from_stage[0]) {
            cJSON *f = cJSON_AddObjectToObject(o, "from");
            cJSON_AddStringToObject(f, "stage", r[i].from_stage);
            cJSON_AddStringToObject(f, "role", r[i].from_role ? r[i].from_role : "");
        } else if (inputs) {
            cJSON_AddNullToObject(o, "from");
        }
    }
    return a;
}

int zk_bundle_manifest_serialize(const zk_bundle_manifest *m, zk_wbuf *out)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    cJSON_AddStringToObject(root, "_type", ZK_BUNDLE_STATEMENT_TYPE);
    cJSON *subj = cJSON_AddArrayToObject(root, "subject");
    for (size_t i = 0; i < m->n_subjects; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(subj, o);
        cJSON_AddStringToObject(o, "name", m->subjects[i].name);
        cJSON *d = cJSON_AddObjectToObject(o, "digest");
        cJSON_AddStringToObject(d, "sha256", m->subjects[i].sha256);
    }
    cJSON_AddStringToObject(root, "predicateType", ZK_BUNDLE_PREDICATE_TYPE);
    cJSON *pred = cJSON_AddObjectToObject(root, "predicate");
    cJSON *pl = cJSON_AddObjectToObject(pred, "pipeline");
    cJSON_AddStringToObject(pl, "name", m->pipeline_name ? m->pipeline_name : "");
    if (m->pipeline_file)
        cJSON_AddStringToObject(pl, "file", m->pipeline_file);
    cJSON_AddStringToObject(pred, "created", m->created ? m->created : "");
    cJSON *tool = cJSON_AddObjectToObject(pred, "tool");
    cJSON_AddStringToObject(tool, "name", "zkmlops");
    cJSON_AddStringToObject(tool, "version", m->tool_version ? m->tool_version : "");
    cJSON *ps = cJSON_AddObjectToObject(pred, "proof_system");
    cJSON_AddStringToObject(ps, "name", "Spartan over hiding WHIR (zkmlops)");
    cJSON_AddStringToObject(ps, "field", "Goldilocks p = 2^64 - 2^32 + 1, cubic extension");
    cJSON_AddStringToObject(ps, "hash", "SHA-256 (Merkle trees, Fiat-Shamir)");
    cJSON_AddBoolToObject(ps, "transparent", 1);
    cJSON_AddBoolToObject(ps, "post_quantum", 1);
    cJSON_AddBoolToObject(ps, "zero_knowledge", 1);
    cJSON *stages = cJSON_AddArrayToObject(pred, "stages");
    for (size_t i = 0; i < m->n_stages; i++) {
        const zk_bundle_stage *s = &m->stages[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(stages, o);
        cJSON_AddStringToObject(o, "name", s->name);
        cJSON_AddStringToObject(o, "stage", zk_stage_kind_name(s->kind));
        cJSON_AddStringToObject(o, "statement", s->statement ? s->statement : "");
        cJSON_AddItemToObject(o, "inputs", refs_json(s->inputs, s->n_inputs, 1));
        cJSON_AddItemToObject(o, "outputs", refs_json(s->outputs, s->n_outputs, 0));
        cJSON *va = cJSON_AddArrayToObject(o, "verify_args");
        for (size_t j = 0; j < s->n_verify_args; j++) {
            cJSON *a = cJSON_CreateObject();
            cJSON_AddItemToArray(va, a);
            cJSON_AddStringToObject(a, "flag", s->verify_args[j].flag);
            cJSON_AddStringToObject(a, "file", s->verify_args[j].file);
        }
        cJSON_AddItemToObject(o, "public", s->public_values ? cJSON_Duplicate(s->public_values, 1)
                                                            : cJSON_CreateObject());
        if (s->public_file)
            cJSON_AddStringToObject(o, "public_file", s->public_file);
        else
            cJSON_AddNullToObject(o, "public_file");
        cJSON_AddStringToObject(o, "proof", s->proof ? s->proof : "");
        cJSON_AddNumberToObject(o, "proof_bytes", (double)s->proof_bytes);
        cJSON_AddNumberToObject(o, "security_bits", s->security_bits);
        cJSON_AddItemToObject(o, "parameters", s->parameters ? cJSON_Duplicate(s->parameters, 1)
                                                             : cJSON_CreateObject());
        cJSON_AddNumberToObject(o, "prover_seconds", s->prover_seconds);
        cJSON_AddNumberToObject(o, "verify_seconds", s->verify_seconds);
        cJSON_AddStringToObject(o, "annex_iv", zk_stage_annex_iv(s->kind));
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    zk_wbuf_put(out, text, strlen(text));
    zk_wbuf_u8(out, '\n');
    free(text);
    return out->oom ? zk_set_error(ZK_ERR_NOMEM, "out of memory") : ZK_OK;
}

int zk_bundle_manifest_write(const zk_bundle_manifest *m, const char *dir)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    int st = zk_bundle_manifest_serialize(m, &w);
    char *path = join(dir, ZK_BUNDLE_MANIFEST);
    if (st == ZK_OK && !path)
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (st == ZK_OK)
        st = zk_write_file_atomic(path, w.data, w.len);
    free(path);
    zk_wbuf_free(&w);
    return st;
}

/* ----------------------------------------------------------------- parse */

static int fail_at(int *err, const char *file, const jpath *p, const char *msg, const char *arg)
{
    if (!*err) {
        *err = 1;
        zk_set_error(ZK_ERR_INPUT, "%s: %s: %s%s", file, p->s, msg, arg ? arg : "");
    }
    return ZK_ERR_INPUT;
}

/* A file-name field that must be a subject. */
static char *file_field(const zk_bundle_manifest *m, const char *file, const jpath *p, const cJSON *o,
                        const char *key, int *err)
{
    const char *v = jp_string(file, p, o, key, 1, err);
    if (!v)
        return NULL;
    jpath kp = jp_key(p, key);
    if (!zk_bundle_name_ok(v)) {
        fail_at(err, file, &kp, "not a plain bundle file name: ", v);
        return NULL;
    }
    if (zk_bundle_find_subject(m, v) < 0) {
        fail_at(err, file, &kp, "file is not listed in $.subject (no digest): ", v);
        return NULL;
    }
    return bundle_strdup(v);
}

static void parse_refs(const zk_bundle_manifest *m, const char *file, const jpath *sp, const cJSON *so,
                       const char *key, int inputs, zk_bundle_ref **out, size_t *n, int *err)
{
    const cJSON *a = jp_get(file, sp, so, key, cJSON_Array, "an array", 1, err);
    if (!a)
        return;
    jpath ap = jp_key(sp, key);
    int cnt = cJSON_GetArraySize(a);
    if (cnt > (int)ZK_BUNDLE_MAX_FILES) {
        fail_at(err, file, &ap, "too many entries", NULL);
        return;
    }
    *out = calloc((size_t)cnt + 1, sizeof **out);
    if (!*out) {
        *err = 1;
        zk_set_error(ZK_ERR_NOMEM, "out of memory");
        return;
    }
    for (int i = 0; i < cnt && !*err; i++) {
        const cJSON *o = cJSON_GetArrayItem(a, i);
        jpath ip = jp_idx(&ap, (size_t)i);
        if (!cJSON_IsObject(o)) {
            fail_at(err, file, &ip, "expected an object, got ", jp_type_name(o));
            return;
        }
        zk_bundle_ref *r = &(*out)[i];
        *n = (size_t)i + 1;
        const char *role = jp_string(file, &ip, o, "role", 1, err);
        r->role = bundle_strdup(role ? role : "");
        r->file = file_field(m, file, &ip, o, "file", err);
        const char *id = jp_string(file, &ip, o, "id", 1, err);
        if (id && !hex64_ok(id)) {
            jpath kp = jp_key(&ip, "id");
            fail_at(err, file, &kp, "expected 64 lowercase hex digits (SHA-256)", NULL);
        }
        r->id = bundle_strdup(id ? id : "");
        if (inputs) {
            const cJSON *f = jp_get(file, &ip, o, "from", cJSON_Object, "an object {stage, role} or null", 0, err);
            if (f) {
                jpath fp = jp_key(&ip, "from");
                const char *fs = jp_string(file, &fp, f, "stage", 1, err);
                const char *fr = jp_string(file, &fp, f, "role", 1, err);
                r->from_stage = bundle_strdup(fs ? fs : "");
                r->from_role = bundle_strdup(fr ? fr : "");
            }
        }
    }
}

static int parse_stage(zk_bundle_manifest *m, const char *file, const jpath *sp, const cJSON *so, zk_bundle_stage *s,
                       int *err)
{
    if (!cJSON_IsObject(so))
        return fail_at(err, file, sp, "expected a stage object, got ", jp_type_name(so));
    const char *name = jp_string(file, sp, so, "name", 1, err);
    const char *kind = jp_string(file, sp, so, "stage", 1, err);
    if (*err)
        return ZK_ERR_INPUT;
    s->name = bundle_strdup(name);
    if (zk_stage_kind_parse(kind, &s->kind) != 0) {
        jpath kp = jp_key(sp, "stage");
        return fail_at(err, file, &kp, "unknown stage kind ", kind);
    }
    const char *stmt = jp_string(file, sp, so, "statement", 1, err);
    s->statement = bundle_strdup(stmt ? stmt : "");
    parse_refs(m, file, sp, so, "inputs", 1, &s->inputs, &s->n_inputs, err);
    parse_refs(m, file, sp, so, "outputs", 0, &s->outputs, &s->n_outputs, err);
    const cJSON *va = jp_get(file, sp, so, "verify_args", cJSON_Array, "an array", 1, err);
    if (va) {
        jpath ap = jp_key(sp, "verify_args");
        int cnt = cJSON_GetArraySize(va);
        if (cnt > 64)
            return fail_at(err, file, &ap, "too many entries", NULL);
        s->verify_args = calloc((size_t)cnt + 1, sizeof *s->verify_args);
        if (!s->verify_args)
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        for (int i = 0; i < cnt && !*err; i++) {
            const cJSON *o = cJSON_GetArrayItem(va, i);
            jpath ip = jp_idx(&ap, (size_t)i);
            if (!cJSON_IsObject(o))
                return fail_at(err, file, &ip, "expected an object, got ", jp_type_name(o));
            s->n_verify_args = (size_t)i + 1;
            const char *flag = jp_string(file, &ip, o, "flag", 1, err);
            if (flag && !flag_ok(flag)) {
                jpath kp = jp_key(&ip, "flag");
                return fail_at(err, file, &kp, "expected an option like \"--data\", got ", flag);
            }
            for (int j = 0; flag && j < i; j++)
                if (strcmp(s->verify_args[j].flag, flag) == 0) {
                    jpath kp = jp_key(&ip, "flag");
                    return fail_at(err, file, &kp, "duplicate option ", flag);
                }
            s->verify_args[i].flag = bundle_strdup(flag ? flag : "");
            s->verify_args[i].file = file_field(m, file, &ip, o, "file", err);
        }
    }
    const cJSON *pub = jp_get(file, sp, so, "public", cJSON_Object, "an object", 1, err);
    if (pub)
        s->public_values = cJSON_Duplicate(pub, 1);
    const cJSON *pf = cJSON_GetObjectItemCaseSensitive(so, "public_file");
    if (pf && !cJSON_IsNull(pf))
        s->public_file = file_field(m, file, sp, so, "public_file", err);
    s->proof = file_field(m, file, sp, so, "proof", err);
    uint64_t pb = 0;
    jp_uint(file, sp, so, "proof_bytes", 1, 0, (uint64_t)1 << 40, 0, &pb, err);
    s->proof_bytes = pb;
    jp_double(file, sp, so, "security_bits", 1, 0, &s->security_bits, err);
    const cJSON *par = jp_get(file, sp, so, "parameters", cJSON_Object, "an object", 1, err);
    if (par)
        s->parameters = cJSON_Duplicate(par, 1);
    jp_double(file, sp, so, "prover_seconds", 1, 0, &s->prover_seconds, err);
    jp_double(file, sp, so, "verify_seconds", 0, 0, &s->verify_seconds, err);
    return *err ? ZK_ERR_INPUT : ZK_OK;
}

int zk_bundle_manifest_parse(zk_bundle_manifest *m, const char *path, const char *text, size_t len)
{
    zk_bundle_manifest_init(m);
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root)
        return zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", path);
    int err = 0;
    const char *file = path;
    jpath rp = jp_root();
    if (!cJSON_IsObject(root)) {
        fail_at(&err, file, &rp, "expected an object, got ", jp_type_name(root));
        goto done;
    }
    const char *type = jp_string(file, &rp, root, "_type", 1, &err);
    if (type && strcmp(type, ZK_BUNDLE_STATEMENT_TYPE) != 0) {
        jpath kp = jp_key(&rp, "_type");
        fail_at(&err, file, &kp, "expected \"" ZK_BUNDLE_STATEMENT_TYPE "\", got ", type);
    }
    const char *ptype = jp_string(file, &rp, root, "predicateType", 1, &err);
    if (ptype && strcmp(ptype, ZK_BUNDLE_PREDICATE_TYPE) != 0) {
        jpath kp = jp_key(&rp, "predicateType");
        fail_at(&err, file, &kp, "expected \"" ZK_BUNDLE_PREDICATE_TYPE "\", got ", ptype);
    }
    const cJSON *subj = jp_get(file, &rp, root, "subject", cJSON_Array, "an array", 1, &err);
    const cJSON *pred = jp_get(file, &rp, root, "predicate", cJSON_Object, "an object", 1, &err);
    if (err)
        goto done;
    jpath sp = jp_key(&rp, "subject");
    int ns = cJSON_GetArraySize(subj);
    if (ns > (int)ZK_BUNDLE_MAX_FILES) {
        fail_at(&err, file, &sp, "too many subjects", NULL);
        goto done;
    }
    m->subjects = calloc((size_t)ns + 1, sizeof *m->subjects);
    if (!m->subjects) {
        err = 1;
        zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < ns && !err; i++) {
        const cJSON *o = cJSON_GetArrayItem(subj, i);
        jpath ip = jp_idx(&sp, (size_t)i);
        if (!cJSON_IsObject(o)) {
            fail_at(&err, file, &ip, "expected an object, got ", jp_type_name(o));
            break;
        }
        const char *name = jp_string(file, &ip, o, "name", 1, &err);
        const cJSON *dg = jp_get(file, &ip, o, "digest", cJSON_Object, "an object {\"sha256\": hex}", 1, &err);
        if (err)
            break;
        jpath dp = jp_key(&ip, "digest");
        const char *hex = jp_string(file, &dp, dg, "sha256", 1, &err);
        if (err)
            break;
        jpath np = jp_key(&ip, "name");
        if (!zk_bundle_name_ok(name)) {
            fail_at(&err, file, &np, "not a plain bundle file name: ", name);
            break;
        }
        if (zk_bundle_find_subject(m, name) >= 0) {
            fail_at(&err, file, &np, "duplicate subject ", name);
            break;
        }
        if (!hex64_ok(hex)) {
            jpath hp = jp_key(&dp, "sha256");
            fail_at(&err, file, &hp, "expected 64 lowercase hex digits", NULL);
            break;
        }
        m->subjects[i].name = bundle_strdup(name);
        memcpy(m->subjects[i].sha256, hex, 65);
        m->n_subjects = (size_t)i + 1;
    }
    if (err)
        goto done;
    jpath pp = jp_key(&rp, "predicate");
    const cJSON *pl = jp_get(file, &pp, pred, "pipeline", cJSON_Object, "an object", 1, &err);
    if (pl) {
        jpath plp = jp_key(&pp, "pipeline");
        const char *pn = jp_string(file, &plp, pl, "name", 1, &err);
        m->pipeline_name = bundle_strdup(pn ? pn : "");
        if (cJSON_GetObjectItemCaseSensitive(pl, "file"))
            m->pipeline_file = file_field(m, file, &plp, pl, "file", &err);
    }
    const char *created = jp_string(file, &pp, pred, "created", 0, &err);
    m->created = bundle_strdup(created ? created : "");
    const cJSON *tool = jp_get(file, &pp, pred, "tool", cJSON_Object, "an object", 0, &err);
    const cJSON *tv = tool ? cJSON_GetObjectItemCaseSensitive(tool, "version") : NULL;
    m->tool_version = bundle_strdup(cJSON_IsString(tv) ? tv->valuestring : "");
    const cJSON *stages = jp_get(file, &pp, pred, "stages", cJSON_Array, "an array", 1, &err);
    if (err)
        goto done;
    jpath stp = jp_key(&pp, "stages");
    int n = cJSON_GetArraySize(stages);
    if (n == 0 || n > (int)ZK_BUNDLE_MAX_STAGES) {
        fail_at(&err, file, &stp, "expected 1..64 stages", NULL);
        goto done;
    }
    m->stages = calloc((size_t)n, sizeof *m->stages);
    if (!m->stages) {
        err = 1;
        zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (int i = 0; i < n && !err; i++) {
        jpath ip = jp_idx(&stp, (size_t)i);
        m->n_stages = (size_t)i + 1;
        if (parse_stage(m, file, &ip, cJSON_GetArrayItem(stages, i), &m->stages[i], &err) != ZK_OK)
            err = 1;
        if (!err && zk_bundle_find_stage(m, m->stages[i].name) != i) {
            jpath kp = jp_key(&ip, "name");
            fail_at(&err, file, &kp, "duplicate stage name ", m->stages[i].name);
        }
    }
done:
    cJSON_Delete(root);
    if (err) {
        zk_bundle_manifest_free(m);
        return ZK_ERR_INPUT;
    }
    return ZK_OK;
}

int zk_bundle_manifest_load(zk_bundle_manifest *m, const char *dir)
{
    zk_bundle_manifest_init(m);
    char *path = join(dir, ZK_BUNDLE_MANIFEST);
    if (!path)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    uint8_t *text = NULL;
    size_t len = 0;
    int st = zk_read_file(path, ZK_BUNDLE_MAX_MANIFEST_BYTES, &text, &len);
    if (st == ZK_OK)
        st = zk_bundle_manifest_parse(m, path, (const char *)text, len);
    free(text);
    free(path);
    return st;
}

/* ----------------------------------------------------------------- checks */

int zk_bundle_check_subject(const zk_bundle_manifest *m, size_t i, const char *dir)
{
    const zk_bundle_subject *s = &m->subjects[i];
    char *path = join(dir, s->name);
    if (!path)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    FILE *f = fopen(path, "rb");
    if (!f) {
        free(path);
        return zk_set_error(ZK_ERR_REJECT, "%s: missing from the bundle", s->name);
    }
    fclose(f);
    char hex[65];
    int st = bundle_file_sha256(path, hex);
    free(path);
    if (st != ZK_OK)
        return st;
    if (strcmp(hex, s->sha256) != 0)
        return zk_set_error(ZK_ERR_REJECT, "%s: SHA-256 differs from the manifest (file %.16s…, manifest %.16s…)",
                            s->name, hex, s->sha256);
    return ZK_OK;
}

static int ref_matches_subject(const zk_bundle_manifest *m, const zk_bundle_stage *s, const zk_bundle_ref *r,
                               const char *dir_word)
{
    int j = zk_bundle_find_subject(m, r->file);
    if (j < 0)
        return zk_set_error(ZK_ERR_REJECT, "%s %s '%s' (%s) is not a bundle subject", s->name, dir_word, r->role,
                            r->file);
    if (strcmp(m->subjects[j].sha256, r->id) != 0)
        return zk_set_error(ZK_ERR_REJECT,
                            "%s '%s' (%s): commitment id %.16s… is not the file's SHA-256 %.16s… in the manifest",
                            dir_word, r->role, r->file, r->id, m->subjects[j].sha256);
    return ZK_OK;
}

int zk_bundle_check_chain(const zk_bundle_manifest *m, size_t si)
{
    const zk_bundle_stage *s = &m->stages[si];
    for (size_t i = 0; i < s->n_outputs; i++) {
        int st = ref_matches_subject(m, s, &s->outputs[i], "output");
        if (st != ZK_OK)
            return st;
    }
    for (size_t i = 0; i < s->n_inputs; i++) {
        const zk_bundle_ref *r = &s->inputs[i];
        int st = ref_matches_subject(m, s, r, "input");
        if (st != ZK_OK)
            return st;
        if (!r->from_stage || !r->from_stage[0])
            continue; /* an external input (bundle.h): digest-checked, and the stage verifier uses the file */
        int p = zk_bundle_find_stage(m, r->from_stage);
        if (p < 0)
            return zk_set_error(ZK_ERR_REJECT, "input '%s' (%s) names a producing stage '%s' that is not in the bundle",
                                r->role, r->file, r->from_stage);
        if ((size_t)p >= si)
            return zk_set_error(ZK_ERR_REJECT, "input '%s' (%s) comes from stage '%s', which does not precede it",
                                r->role, r->file, r->from_stage);
        const zk_bundle_stage *ps = &m->stages[p];
        const char *out_id = NULL, *out_file = NULL, *out_role = r->from_role;
        if (strcmp(r->from_role, ZK_BUNDLE_PUBLIC_ROLE) == 0) {
            int j = ps->public_file ? zk_bundle_find_subject(m, ps->public_file) : -1;
            if (j >= 0) {
                out_id = m->subjects[j].sha256;
                out_file = ps->public_file;
            }
        } else {
            for (size_t k = 0; k < ps->n_outputs; k++)
                if (strcmp(ps->outputs[k].role, r->from_role) == 0) {
                    out_id = ps->outputs[k].id;
                    out_file = ps->outputs[k].file;
                }
        }
        if (!out_id)
            return zk_set_error(ZK_ERR_REJECT, "input '%s' (%s): stage '%s' has no output '%s'", r->role, r->file,
                                ps->name, r->from_role);
        if (strcmp(out_id, r->id) != 0)
            return zk_set_error(ZK_ERR_REJECT,
                                "input '%s' (%s, id %.16s…) is not %s's output '%s' (%s, id %.16s…): broken "
                                "commitment chain",
                                r->role, r->file, r->id, ps->name, out_role, out_file, out_id);
    }
    return ZK_OK;
}
