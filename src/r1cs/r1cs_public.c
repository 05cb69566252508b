/* public.json in snarkjs's format: a JSON array of decimal strings. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/r1cs.h"
#include "zkmlops/limits.h"

/* Canonical decimal: digits only, no leading zero unless "0", value < p. */
static int parse_decimal(const char *s, gl_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
        return -1;
    unsigned __int128 v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v >= GL_P)
        return -2;
    *out = (gl_t)v;
    return 0;
}

int zk_r1cs_public_parse_json(gl_t **values, size_t *n, const char *text, size_t len, const char *name)
{
    ZK_CHECK_ARG(values != NULL && n != NULL && (text != NULL || len == 0));
    *values = NULL;
    *n = 0;
    const char *fn = name ? name : "public.json";
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root)
        return zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", fn);
    if (!cJSON_IsArray(root)) {
        cJSON_Delete(root);
        return zk_set_error(ZK_ERR_INPUT, "%s: expected a JSON array of decimal strings (snarkjs public.json)", fn);
    }
    int cnt = cJSON_GetArraySize(root);
    if ((uint64_t)cnt > zk_limit(ZK_LIMIT_R1CS_PUBLIC)) {
        cJSON_Delete(root);
        return zk_set_error(ZK_ERR_NOMEM, "%s: %d values, over the limit r1cs_public = %llu", fn, cnt,
                            (unsigned long long)zk_limit(ZK_LIMIT_R1CS_PUBLIC));
    }
    gl_t *v = malloc((cnt ? (size_t)cnt : 1) * sizeof *v);
    if (!v) {
        cJSON_Delete(root);
        return zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", fn);
    }
    int i = 0, rc = ZK_OK;
    const cJSON *it;
    cJSON_ArrayForEach(it, root)
    {
        int e = -1;
        if (cJSON_IsString(it)) {
            e = parse_decimal(it->valuestring, &v[i]);
        } else if (cJSON_IsNumber(it)) {
            double d = it->valuedouble;
            if (d >= 0 && d <= 9007199254740992.0 && d == (double)(uint64_t)d) {
                v[i] = (gl_t)d;
                e = 0;
            }
        }
        if (e == -2) {
            rc = zk_set_error(ZK_ERR_INPUT, "%s: [%d]: value is not below p = 18446744069414584321", fn, i);
            break;
        }
        if (e != 0) {
            rc = zk_set_error(ZK_ERR_INPUT, "%s: [%d]: expected a decimal string such as \"42\"", fn, i);
            break;
        }
        i++;
    }
    cJSON_Delete(root);
    if (rc != ZK_OK) {
        free(v);
        return rc;
    }
    *values = v;
    *n = (size_t)cnt;
    return ZK_OK;
}

void zk_r1cs_public_write_json(zk_wbuf *w, const gl_t *values, size_t n)
{
    ZK_CHECK_ARG(w != NULL && (values != NULL || n == 0));
    char buf[40];
    zk_wbuf_put(w, "[", 1);
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(buf, sizeof buf, "%s\n \"%" PRIu64 "\"", i ? "," : "", values[i]);
        zk_wbuf_put(w, buf, (size_t)k);
    }
    zk_wbuf_put(w, n ? "\n]\n" : "]\n", n ? 3 : 2);
}
