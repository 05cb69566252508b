/* Typed JSON field access with JSON-path error messages (src/bundle internal). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_internal.h"
#include "zkmlops/hash.h"

jpath jp_root(void)
{
    jpath p;
    strcpy(p.s, "$");
    return p;
}

/* p = parent + suffix, truncated to the buffer. */
static jpath jp_cat(const jpath *parent, const char *a, const char *b)
{
    jpath p;
    size_t n = strlen(parent->s), cap = sizeof p.s - 1;
    memcpy(p.s, parent->s, n);
    const char *parts[2] = {a, b};
    for (int k = 0; k < 2; k++)
        for (const char *c = parts[k]; *c && n < cap; c++)
            p.s[n++] = *c;
    p.s[n] = 0;
    return p;
}

jpath jp_key(const jpath *parent, const char *key)
{
    return jp_cat(parent, ".", key);
}

jpath jp_idx(const jpath *parent, size_t i)
{
    char num[32];
    snprintf(num, sizeof num, "[%zu]", i);
    return jp_cat(parent, num, "");
}

const char *jp_type_name(const cJSON *v)
{
    if (!v)
        return "missing";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    return "an invalid value";
}

static void jp_fail(int *err, const char *file, const jpath *p, const char *fmt, const char *a, const char *b)
{
    if (*err)
        return;
    *err = 1;
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a, b);
    zk_set_error(ZK_ERR_INPUT, "%s: %s: %s", file, p->s, msg);
}

const cJSON *jp_get(const char *file, const jpath *p, const cJSON *obj, const char *key, int type_mask,
                    const char *want, int required, int *err)
{
    jpath kp = jp_key(p, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v || cJSON_IsNull(v)) {
        if (required)
            jp_fail(err, file, &kp, "missing field (expected %s)%s", want, "");
        return NULL;
    }
    if (!(v->type & type_mask)) {
        jp_fail(err, file, &kp, "expected %s, got %s", want, jp_type_name(v));
        return NULL;
    }
    return v;
}

const char *jp_string(const char *file, const jpath *p, const cJSON *obj, const char *key, int required,
                      int *err)
{
    const cJSON *v = jp_get(file, p, obj, key, cJSON_String, "a string", required, err);
    return v ? v->valuestring : NULL;
}

void jp_uint(const char *file, const jpath *p, const cJSON *obj, const char *key, int required, uint64_t lo,
             uint64_t hi, uint64_t dflt, uint64_t *out, int *err)
{
    char want[96];
    snprintf(want, sizeof want, "an integer in %llu..%llu", (unsigned long long)lo, (unsigned long long)hi);
    *out = dflt;
    const cJSON *v = jp_get(file, p, obj, key, cJSON_Number, want, required, err);
    if (!v)
        return;
    double d = v->valuedouble;
    jpath kp = jp_key(p, key);
    if (!isfinite(d) || d != floor(d) || d < (double)lo || d > (double)hi) {
        char got[64];
        snprintf(got, sizeof got, "%.17g", d);
        jp_fail(err, file, &kp, "expected %s, got %s", want, got);
        return;
    }
    *out = (uint64_t)d;
}

void jp_double(const char *file, const jpath *p, const cJSON *obj, const char *key, int required, double dflt,
               double *out, int *err)
{
    *out = dflt;
    const cJSON *v = jp_get(file, p, obj, key, cJSON_Number, "a non-negative number", required, err);
    if (!v)
        return;
    jpath kp = jp_key(p, key);
    if (!isfinite(v->valuedouble) || v->valuedouble < 0) {
        jp_fail(err, file, &kp, "expected %s, got a negative or non-finite number%s", "a non-negative number", "");
        return;
    }
    *out = v->valuedouble;
}

void jp_known_keys(const char *file, const jpath *p, const cJSON *obj, const char *const *keys, int *err)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        int ok = 0;
        for (size_t i = 0; keys[i]; i++)
            if (it->string && strcmp(it->string, keys[i]) == 0)
                ok = 1;
        if (!ok) {
            char list[256] = "";
            for (size_t i = 0; keys[i]; i++) {
                if (i)
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, keys[i], sizeof list - strlen(list) - 1);
            }
            jpath kp = jp_key(p, it->string ? it->string : "?");
            jp_fail(err, file, &kp, "unknown field (expected one of: %s)%s", list, "");
            return;
        }
    }
}

char *bundle_strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

int bundle_file_sha256(const char *path, char hex[65])
{
    uint8_t d[ZK_HASH_BYTES];
    if (zk_sha256_file(d, path) != 0)
        return zk_set_error(ZK_ERR_IO, "%s: cannot read (%s)", path, strerror(errno));
    zk_digest_hex(hex, d);
    return ZK_OK;
}
