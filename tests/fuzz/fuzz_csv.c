/*
 * fuzz_csv — zk_dataset_parse_csv (dataset.h) and zk_parse_fixed.
 * Input: byte 0 chooses the scale (mod 32, so 25..31 exercise the refusal),
 * the rest is the CSV text. On success checks the documented limits and
 * shape; zk_parse_fixed of the first line is compared with strtold.
 */
#include <math.h>

#include "fuzz_util.h"
#include "zkmlops/dataset.h"

static unsigned fuzz_csv_ceil_log2(uint64_t x)
{
    unsigned l = 0;
    while (((uint64_t)1 << l) < x)
        l++;
    return l;
}

/* zk_parse_fixed(s) accepted: it must be round(x * 2^scale) of the decimal x
 * (checked against long double, 64-bit mantissa: |x 2^s| < 2^40, so the
 * reference is exact to ~1e-7; half-way cases may differ by one). */
static void fuzz_csv_check_fixed(const char *s, size_t len, uint32_t scale)
{
    int64_t v;
    if (len == 0 || len > 200)
        return;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_parse_fixed(s, len, scale, &v), "zk_parse_fixed");
    if (st != ZK_OK)
        return;
    if (v <= -ZK_DATASET_MAX_ABS || v >= ZK_DATASET_MAX_ABS)
        zkm_fuzz_fail("zk_parse_fixed returned %lld, outside (-2^40, 2^40)", (long long)v);
    char buf[256];
    memcpy(buf, s, len);
    buf[len] = 0;
    long double x = strtold(buf, NULL) * ldexpl(1.0L, (int)scale);
    long double diff = fabsl(x - (long double)v);
    if (!(diff <= 0.5L + 1e-6L))
        zkm_fuzz_fail("zk_parse_fixed('%s', scale %u) = %lld, but x * 2^s = %.10Lg", buf, scale, (long long)v, x);
}

int zkm_fuzz_csv(const uint8_t *data, size_t len)
{
    if (len < 1)
        return 0;
    uint32_t scale = data[0] % 32u;
    const char *text = (const char *)data + 1;
    size_t tl = len - 1;
    size_t first = 0;
    while (first < tl && text[first] != '\n' && text[first] != ',')
        first++;
    fuzz_csv_check_fixed(text, first, scale);

    zk_dataset ds;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_dataset_parse_csv(&ds, "fuzz.csv", text, tl, scale), "zk_dataset_parse_csv");
    if (st != ZK_OK) {
        if (ds.values || ds.meta.col_names)
            zkm_fuzz_fail("zk_dataset_parse_csv failed but left allocations in *ds");
        return 0;
    }
    const zk_dataset_meta *m = &ds.meta;
    if (scale > ZK_DATASET_MAX_SCALE_BITS)
        zkm_fuzz_fail("scale 2^%u accepted", scale);
    if (m->n_rows < 1 || m->n_rows > ZK_DATASET_MAX_ROWS || m->n_cols < 1 || m->n_cols > ZK_DATASET_MAX_COLS)
        zkm_fuzz_fail("shape %u x %u outside the limits", m->n_rows, m->n_cols);
    uint64_t want_lr = fuzz_csv_ceil_log2((uint64_t)m->n_rows + ZK_DATASET_MIN_BLIND_ROWS);
    uint64_t want_lc = fuzz_csv_ceil_log2(m->n_cols);
    while (((uint64_t)1 << (want_lr + want_lc)) - (uint64_t)m->n_rows * m->n_cols < ZK_DATASET_MIN_BLIND_ENTRIES)
        want_lr++;
    if (m->log_rows != want_lr || m->log_cols != want_lc || m->scale_bits != scale)
        zkm_fuzz_fail("layout 2^%u x 2^%u (scale %u) does not match %u x %u", m->log_rows, m->log_cols,
                      m->scale_bits, m->n_rows, m->n_cols);
    for (uint32_t j = 0; j < m->n_cols; j++) {
        size_t l = strlen(m->col_names[j]);
        if (l == 0 || l > ZK_DATASET_MAX_NAME)
            zkm_fuzz_fail("column %u: name length %zu", j, l);
    }
    for (size_t i = 0; i < (size_t)m->n_rows * m->n_cols; i++)
        if (ds.values[i] <= -ZK_DATASET_MAX_ABS || ds.values[i] >= ZK_DATASET_MAX_ABS)
            zkm_fuzz_fail("cell %zu = %lld outside (-2^40, 2^40)", i, (long long)ds.values[i]);
    unsigned bits = zk_dataset_bits_needed(&ds);
    if (bits < 1 || bits > 42)
        zkm_fuzz_fail("bits needed %u", bits);
    zk_dataset_free(&ds);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_csv)
