/* EZKL-style input.json reader (onnx.h: zk_model_input_json_load). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "zkmlops/buf.h"
#include "zkmlops/onnx.h"

#define INPUT_JSON_MAX_BYTES ((size_t)256 << 20)

/* Count (and, if out != NULL, store) the numbers of a nested array. */
static int flatten(const cJSON *a, float *out, uint64_t *n, uint64_t max, int depth)
{
    if (depth > 8)
        return zk_set_error(ZK_ERR_INPUT, "arrays nested more than 8 deep");
    const cJSON *it;
    cJSON_ArrayForEach(it, a)
    {
        if (cJSON_IsArray(it)) {
            int st = flatten(it, out, n, max, depth + 1);
            if (st != ZK_OK)
                return st;
        } else if (cJSON_IsNumber(it)) {
            if (*n >= max)
                return zk_set_error(ZK_ERR_NOMEM, "more than %llu values", (unsigned long long)max);
            if (!isfinite(it->valuedouble) || fabs(it->valuedouble) > 1e30)
                return zk_set_error(ZK_ERR_INPUT, "value %llu is not a finite number of sensible size",
                                    (unsigned long long)*n);
            if (out)
                out[*n] = (float)it->valuedouble;
            (*n)++;
        } else {
            return zk_set_error(ZK_ERR_INPUT, "value %llu is not a number", (unsigned long long)*n);
        }
    }
    return ZK_OK;
}

int zk_model_input_json_load(const char *path, uint64_t input_size, float **data, uint32_t *batch)
{
    *data = NULL;
    *batch = 0;
    if (input_size == 0)
        return zk_set_error(ZK_ERR_INPUT, "%s: the model has an empty input", path);
    uint8_t *txt = NULL;
    size_t len = 0;
    int st = zk_read_file(path, INPUT_JSON_MAX_BYTES, &txt, &len);
    if (st != ZK_OK)
        return st;
    cJSON *root = cJSON_ParseWithLength((const char *)txt, len);
    free(txt);
    if (!root)
        return zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", path);
    const cJSON *arr = cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "input_data") : NULL;
    if (!cJSON_IsArray(arr)) {
        cJSON_Delete(root);
        return zk_set_error(ZK_ERR_INPUT, "%s: expected {\"input_data\": [[...], ...]}", path);
    }
    uint64_t n = 0, max = (uint64_t)1 << 28;
    st = flatten(arr, NULL, &n, max, 0);
    if (st == ZK_OK && (n == 0 || n % input_size != 0))
        st = zk_set_error(ZK_ERR_INPUT, "%llu input values are not a positive multiple of the model input size %llu",
                          (unsigned long long)n, (unsigned long long)input_size);
    if (st == ZK_OK && n / input_size > ((uint64_t)1 << 20))
        st = zk_set_error(ZK_ERR_NOMEM, "more than 2^20 examples");
    float *v = NULL;
    if (st == ZK_OK && !(v = malloc((size_t)n * sizeof *v)))
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    uint64_t n2 = 0;
    if (st == ZK_OK)
        st = flatten(arr, v, &n2, n, 0);
    cJSON_Delete(root);
    if (st != ZK_OK) {
        free(v);
        return zk_error_prefix((zk_status)st, path);
    }
    *data = v;
    *batch = (uint32_t)(n / input_size);
    return ZK_OK;
}
