/*
 * fuzz_schema.h — a dataset schema from the first part of a fuzz input, for
 * the targets whose parsers resolve column names against a commitment's
 * schema (pipeline and metric specs): comma-separated column names (at most 64,
 * each 1..63 printable bytes; duplicates allowed, as a hostile .com may hold them), 569 rows (the breast-cancer table), scale 2^12.
 */
#ifndef ZKMLOPS_FUZZ_SCHEMA_H
#define ZKMLOPS_FUZZ_SCHEMA_H

#include "zkmlops/dataset.h"

/* 0 and a filled *m (free with zk_dataset_meta_free), or -1 (refuse). */
static inline int zkm_fuzz_schema(const uint8_t *p, size_t len, zk_dataset_meta *m)
{
    memset(m, 0, sizeof *m);
    if (len == 0 || len > 64 * 64)
        return -1;
    uint32_t n = 1;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == ',')
            n++;
        else if (p[i] < 0x20 || p[i] >= 0x7f)
            return -1;
    }
    if (n > 64)
        return -1;
    m->col_names = calloc(n, sizeof *m->col_names);
    if (!m->col_names)
        zkm_fuzz_fail("out of memory");
    m->n_cols = n;
    size_t start = 0;
    for (uint32_t k = 0; k < n; k++) {
        size_t end = start;
        while (end < len && p[end] != ',')
            end++;
        if (end == start || end - start > 63 || !(m->col_names[k] = strndup((const char *)p + start, end - start))) {
            zk_dataset_meta_free(m);
            return -1;
        }
        start = end + 1;
    }
    m->n_rows = 569;
    m->scale_bits = 12;
    zk_dataset_layout(m->n_rows, m->n_cols, &m->log_rows, &m->log_cols);
    return 0;
}

#endif
