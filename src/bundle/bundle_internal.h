/* Internal helpers of src/bundle: typed JSON field access with JSON-path error messages. */
#ifndef ZKMLOPS_BUNDLE_INTERNAL_H
#define ZKMLOPS_BUNDLE_INTERNAL_H

#include <cjson/cJSON.h>

#include "zkmlops/bundle.h"

/* A JSON path under construction ("$.stages[2].spec"), at most 255 chars. */
typedef struct {
    char s[256];
} jpath;

/* child = parent + ".key" / parent + "[i]". */
jpath jp_key(const jpath *parent, const char *key);
jpath jp_idx(const jpath *parent, size_t i);
jpath jp_root(void);

/* Human name of a cJSON value's type ("a string", "a number", ...). */
const char *jp_type_name(const cJSON *v);

/* Field lookup (case-sensitive). Each getter sets a ZK_ERR_INPUT error
 * "<file>: <path>.<key>: <problem>" and returns NULL / -1 on failure.
 * `required` = 0: a missing (or null) field returns NULL / the default. */
const cJSON *jp_get(const char *file, const jpath *p, const cJSON *obj, const char *key, int type_mask,
                    const char *want, int required, int *err);
/* String field: returns the (borrowed) string, NULL if absent and optional. */
const char *jp_string(const char *file, const jpath *p, const cJSON *obj, const char *key, int required,
                      int *err);
/* Integer field in [lo, hi]; *out = dflt if absent and optional. */
void jp_uint(const char *file, const jpath *p, const cJSON *obj, const char *key, int required, uint64_t lo,
             uint64_t hi, uint64_t dflt, uint64_t *out, int *err);
/* Number field (finite, >= 0); *out = dflt if absent and optional. */
void jp_double(const char *file, const jpath *p, const cJSON *obj, const char *key, int required, double dflt,
               double *out, int *err);
/* Reject keys of obj not in the NULL-terminated list (typos are errors). */
void jp_known_keys(const char *file, const jpath *p, const cJSON *obj, const char *const *keys, int *err);

char *bundle_strdup(const char *s);
/* SHA-256 of a file as 64 hex digits; ZK_ERR_IO if unreadable. */
int bundle_file_sha256(const char *path, char hex[65]);

#endif
