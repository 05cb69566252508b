/* CSV -> fixed-point dataset, with exact decimal-to-fixed-point rounding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/dataset.h"
#include "zkmlops/limits.h"

#define CSV_MAX_LINE (64u * 1024u)
#define CSV_MAX_FILE ((size_t)1 << 30)

int zk_parse_fixed(const char *s, size_t len, uint32_t scale_bits, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    *out = 0;
    if (scale_bits > ZK_DATASET_MAX_SCALE_BITS)
        return zk_set_error(ZK_ERR_INPUT, "scale of 2^%u exceeds 2^%u", scale_bits,
                            ZK_DATASET_MAX_SCALE_BITS);
    if (i < len && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    unsigned __int128 mant = 0;
    int digits = 0, seen_digit = 0;
    int64_t frac_digits = 0; /* leading fractional zeros are not bounded by the 30-digit limit */
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, seen_digit = 1)
        if (mant != 0 || s[i] != '0') {
            if (++digits > 30)
                return zk_set_error(ZK_ERR_RANGE, "too many significant digits");
            mant = mant * 10 + (unsigned)(s[i] - '0');
        }
    if (i < len && s[i] == '.') {
        i++;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, seen_digit = 1) {
            if (mant == 0 && s[i] == '0') {
                frac_digits++;
                continue;
            }
            if (++digits > 30)
                return zk_set_error(ZK_ERR_RANGE, "too many significant digits");
            mant = mant * 10 + (unsigned)(s[i] - '0');
            frac_digits++;
        }
    }
    if (!seen_digit)
        return zk_set_error(ZK_ERR_INPUT, "not a number");
    int64_t exp10 = 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0, edig = 0;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            eneg = s[i++] == '-';
        /* Saturate far above any count of fractional digits an in-memory string
         * can hold (the result is then out of range or rounds to zero). */
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, edig++)
            if (exp10 < ((int64_t)1 << 50))
                exp10 = exp10 * 10 + (s[i] - '0');
        if (!edig)
            return zk_set_error(ZK_ERR_INPUT, "not a number (bad exponent)");
        if (eneg)
            exp10 = -exp10;
    }
    if (i != len)
        return zk_set_error(ZK_ERR_INPUT, "not a number");
    exp10 -= frac_digits;
    if (mant == 0)
        return ZK_OK;
    /* value = mant * 10^exp10 * 2^scale_bits, |value| < 2^40 required. */
    unsigned __int128 limit = (unsigned __int128)ZK_DATASET_MAX_ABS;
    unsigned __int128 num = mant << scale_bits; /* mant < 10^30 < 2^100, scale <= 24 */
    if (mant >> 100)
        return zk_set_error(ZK_ERR_RANGE, "value out of range");
    unsigned __int128 q;
    if (exp10 >= 0) {
        q = num;
        for (int64_t e = 0; e < exp10; e++) {
            q *= 10;
            if (q >= limit)
                return zk_set_error(ZK_ERR_RANGE, "value out of range (|x * 2^%u| >= 2^40)",
                                    scale_bits);
        }
    } else {
        unsigned __int128 den = 1;
        int64_t e = -exp10;
        if (e > 38) /* num < 10^30 2^24 < 10^38 / 2: rounds to zero; 10^38 still fits */
            return ZK_OK;
        for (int64_t k = 0; k < e; k++)
            den *= 10;
        q = num / den;
        unsigned __int128 rem = num % den;
        if (rem * 2 >= den) /* half away from zero */
            q += 1;
    }
    if (q >= limit)
        return zk_set_error(ZK_ERR_RANGE, "value out of range (|x * 2^%u| >= 2^40)", scale_bits);
    *out = neg ? -(int64_t)q : (int64_t)q;
    return ZK_OK;
}

/* Split one line into fields (handles optional double quotes). Returns number
 * of fields or -1 if more than max. starts/lens receive trimmed field spans. */
static long split_fields(const char *line, size_t len, size_t max, const char **starts,
                         size_t *lens, int *bad_quote)
{
    size_t n = 0, i = 0;
    *bad_quote = 0;
    for (;;) {
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        const char *st;
        size_t fl;
        if (i < len && line[i] == '"') {
            size_t j = i + 1;
            while (j < len && line[j] != '"')
                j++;
            if (j >= len) {
                *bad_quote = 1;
                return (long)n;
            }
            st = line + i + 1;
            fl = j - i - 1;
            i = j + 1;
            while (i < len && (line[i] == ' ' || line[i] == '\t'))
                i++;
            if (i < len && line[i] != ',') {
                *bad_quote = 1;
                return (long)n;
            }
        } else {
            size_t j = i;
            while (j < len && line[j] != ',')
                j++;
            size_t e = j;
            while (e > i && (line[e - 1] == ' ' || line[e - 1] == '\t'))
                e--;
            st = line + i;
            fl = e - i;
            i = j;
        }
        if (n >= max)
            return -1;
        starts[n] = st;
        lens[n] = fl;
        n++;
        if (i >= len)
            break;
        i++; /* skip comma */
    }
    return (long)n;
}

void zk_dataset_meta_free(zk_dataset_meta *m)
{
    if (m->col_names) {
        for (uint32_t j = 0; j < m->n_cols; j++)
            free(m->col_names[j]);
        free(m->col_names);
    }
    memset(m, 0, sizeof *m);
}

void zk_dataset_free(zk_dataset *ds)
{
    zk_dataset_meta_free(&ds->meta);
    free(ds->values);
    ds->values = NULL;
}

int zk_dataset_parse_csv(zk_dataset *ds, const char *path, const char *text, size_t len,
                         uint32_t scale_bits)
{
    memset(ds, 0, sizeof *ds);
    if (scale_bits > ZK_DATASET_MAX_SCALE_BITS)
        return zk_set_error(ZK_ERR_INPUT, "%s: scale of 2^%u exceeds 2^%u", path, scale_bits,
                            ZK_DATASET_MAX_SCALE_BITS);
    const char **starts = malloc(ZK_DATASET_MAX_COLS * sizeof *starts);
    size_t *lens = malloc(ZK_DATASET_MAX_COLS * sizeof *lens);
    size_t cap_rows = 0;
    int st = ZK_OK;
    if (!starts || !lens) {
        st = zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    size_t pos = 0, lineno = 0;
    uint32_t n_cols = 0, n_rows = 0;
    while (pos < len) {
        size_t e = pos;
        while (e < len && text[e] != '\n')
            e++;
        size_t next = e < len ? e + 1 : e;
        size_t ll = e - pos;
        if (ll > 0 && text[pos + ll - 1] == '\r')
            ll--;
        lineno++;
        const char *line = text + pos;
        pos = next;
        if (memchr(line, 0, ll)) {
            st = zk_set_error(ZK_ERR_INPUT, "%s:%zu: NUL byte in text (not a CSV file?)", path, lineno);
            goto done;
        }
        if (ll > CSV_MAX_LINE) {
            st = zk_set_error(ZK_ERR_INPUT, "%s:%zu: line longer than %u bytes", path, lineno,
                              CSV_MAX_LINE);
            goto done;
        }
        /* Skip blank lines (only whitespace). */
        size_t k = 0;
        while (k < ll && (line[k] == ' ' || line[k] == '\t'))
            k++;
        if (k == ll)
            continue;
        int bad_quote;
        long nf = split_fields(line, ll, (size_t)zk_limit(ZK_LIMIT_CSV_COLS), starts, lens, &bad_quote);
        if (nf < 0) {
            st = zk_set_error(ZK_ERR_INPUT, "%s:%zu: more than %llu columns (limit csv_cols)", path, lineno,
                              (unsigned long long)zk_limit(ZK_LIMIT_CSV_COLS));
            goto done;
        }
        if (bad_quote) {
            st = zk_set_error(ZK_ERR_INPUT, "%s:%zu: unterminated or misplaced quote", path, lineno);
            goto done;
        }
        if (n_cols == 0) { /* header */
            n_cols = (uint32_t)nf;
            ds->meta.col_names = calloc(n_cols, sizeof(char *));
            if (!ds->meta.col_names) {
                st = zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", path);
                goto done;
            }
            ds->meta.n_cols = n_cols;
            for (uint32_t j = 0; j < n_cols; j++) {
                if (lens[j] == 0 || lens[j] > ZK_DATASET_MAX_NAME) {
                    st = zk_set_error(ZK_ERR_INPUT, "%s:%zu: header field %u is empty or longer than %u bytes",
                                      path, lineno, j + 1, ZK_DATASET_MAX_NAME);
                    goto done;
                }
                ds->meta.col_names[j] = strndup(starts[j], lens[j]);
                if (!ds->meta.col_names[j]) {
                    st = zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", path);
                    goto done;
                }
            }
            continue;
        }
        if ((uint32_t)nf != n_cols) {
            st = zk_set_error(ZK_ERR_INPUT, "%s:%zu: expected %u fields (as in the header), found %ld",
                              path, lineno, n_cols, nf);
            goto done;
        }
        if (n_rows >= zk_limit(ZK_LIMIT_CSV_ROWS)) {
            st = zk_set_error(ZK_ERR_INPUT, "%s:%zu: more than %llu data rows (limit csv_rows)", path, lineno,
                              (unsigned long long)zk_limit(ZK_LIMIT_CSV_ROWS));
            goto done;
        }
        if (n_rows == cap_rows) {
            cap_rows = cap_rows ? 2 * cap_rows : 256;
            int64_t *v = realloc(ds->values, cap_rows * n_cols * sizeof *v);
            if (!v) {
                st = zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", path);
                goto done;
            }
            ds->values = v;
        }
        for (uint32_t j = 0; j < n_cols; j++) {
            int64_t fx;
            if (lens[j] == 0) {
                st = zk_set_error(ZK_ERR_INPUT, "%s:%zu: field %u (%s) is empty (missing value)", path,
                                  lineno, j + 1, ds->meta.col_names[j]);
                goto done;
            }
            int pst = zk_parse_fixed(starts[j], lens[j], scale_bits, &fx);
            if (pst != ZK_OK) {
                char shown[40];
                size_t sl = lens[j] < 32 ? lens[j] : 32;
                memcpy(shown, starts[j], sl);
                shown[sl] = 0;
                char reason[160];
                snprintf(reason, sizeof reason, "%s", zk_last_error());
                st = zk_set_error(pst, "%s:%zu: field %u (%s) '%s%s': %s", path, lineno, j + 1,
                                  ds->meta.col_names[j], shown, lens[j] > 32 ? "..." : "", reason);
                goto done;
            }
            ds->values[(size_t)n_rows * n_cols + j] = fx;
        }
        n_rows++;
    }
    if (n_cols == 0) {
        st = zk_set_error(ZK_ERR_INPUT, "%s: empty file (no header line)", path);
        goto done;
    }
    if (n_rows == 0) {
        st = zk_set_error(ZK_ERR_INPUT, "%s: no data rows after the header", path);
        goto done;
    }
    ds->meta.n_rows = n_rows;
    ds->meta.scale_bits = scale_bits;
    zk_dataset_layout(n_rows, n_cols, &ds->meta.log_rows, &ds->meta.log_cols);
done:
    free(starts);
    free(lens);
    if (st != ZK_OK)
        zk_dataset_free(ds);
    return st;
}

int zk_dataset_load_csv(zk_dataset *ds, const char *path, uint32_t scale_bits)
{
    uint8_t *data;
    size_t len;
    memset(ds, 0, sizeof *ds);
    int st = zk_read_file(path, CSV_MAX_FILE, &data, &len);
    if (st != ZK_OK)
        return st;
    st = zk_dataset_parse_csv(ds, path, (const char *)data, len, scale_bits);
    free(data);
    return st;
}
