/* Preprocessing: plain reference semantics (the specification the circuit is
 * tested against), split permutation, claims. docs/preprocessing.md. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle/preprocess_internal.h"
#include "zkmlops/preprocess.h"

int zk_prep_permutation(uint64_t seed, uint32_t n, uint32_t *perm)
{
    for (uint32_t i = 0; i < n; i++)
        perm[i] = i;
    if (n < 2)
        return ZK_OK;
    unsigned char s32[32] = {0};
    for (int k = 0; k < 8; k++)
        s32[k] = (unsigned char)(seed >> (8 * k));
    /* 2n words: a rejection happens with probability < n / 2^44 per draw */
    size_t nw = 2 * (size_t)n + 64;
    uint8_t *buf = malloc(nw * 8);
    if (!buf)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    zk_prg_expand(s32, "zkmlops/preprocess/split/v1", buf, nw * 8);
    size_t pos = 0;
    int st = ZK_OK;
    for (uint32_t i = n - 1; i >= 1 && st == ZK_OK; i--) {
        uint64_t m = (uint64_t)i + 1, lim = UINT64_MAX - (UINT64_MAX % m + 1) % m; /* accept w <= lim */
        for (;;) {
            if (pos >= nw) {
                st = zk_set_error(ZK_ERR_RANGE, "split permutation: PRG stream exhausted");
                break;
            }
            uint64_t w = 0;
            for (int k = 0; k < 8; k++)
                w |= (uint64_t)buf[pos * 8 + (size_t)k] << (8 * k);
            pos++;
            if (w <= lim) {
                uint32_t j = (uint32_t)(w % m), t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
                break;
            }
        }
    }
    free(buf);
    return st;
}

int zk_prep_hidden_filter(const zk_prep_pipeline *pl)
{
    return pl->n_transforms && pl->t[0].op == ZK_PREP_DROP_MISSING && pl->t[0].hidden;
}

uint32_t zk_prep_n_test(const zk_prep_pipeline *pl, uint32_t n_kept)
{
    double v = floor((double)n_kept * pl->test_fraction + 0.5);
    if (v < 0)
        return 0;
    if (v > (double)n_kept)
        return n_kept;
    return (uint32_t)v;
}

void zk_prep_claims_free(zk_prep_claims *c)
{
    if (!c)
        return;
    free(c->dropped);
    free(c->mean);
    free(c->std);
    free(c->hist);
    memset(c, 0, sizeof *c);
}

void zk_prep_result_free(zk_prep_result *r)
{
    if (!r)
        return;
    zk_dataset_free(&r->train);
    zk_dataset_free(&r->test);
    zk_prep_claims_free(&r->claims);
}

uint32_t prep_step_bits(const zk_prep_pipeline *pl, uint32_t step, uint32_t n_kept, const unsigned *bits_in,
                        unsigned *bits_out)
{
    const zk_prep_transform *t = &pl->t[step];
    unsigned s = pl->scale_bits;
    uint32_t w = t->width_in;
    if (t->op == ZK_PREP_ONE_HOT) {
        uint32_t c0 = t->cols[0], o = 0;
        for (uint32_t j = 0; j < w; j++) {
            if (j == c0)
                for (uint32_t k = 0; k < t->n_cats; k++)
                    bits_out[o++] = s + 2;
            else
                bits_out[o++] = bits_in[j];
        }
        return o;
    }
    for (uint32_t j = 0; j < w; j++)
        bits_out[j] = bits_in[j];
    for (uint32_t k = 0; k < t->n_cols; k++) {
        uint32_t c = t->cols[k];
        unsigned B = bits_in[c];
        switch (t->op) {
        case ZK_PREP_DROP_MISSING:
        case ZK_PREP_IMPUTE_MEAN:
            break;
        case ZK_PREP_STANDARDIZE:
        case ZK_PREP_MINMAX: {
            unsigned K = prep_inv_k(B);
            if (B > 40 || K < s + 1) {
                zk_set_error(ZK_ERR_RANGE, "transforms[%u]: a column bound of %u bits is too wide for %s at scale 2^%u",
                             step, B, t->op == ZK_PREP_STANDARDIZE ? "standardize" : "minmax", s);
                return 0;
            }
            unsigned in = t->op == ZK_PREP_STANDARDIZE ? prep_std_in_bits(B, n_kept) : prep_minmax_in_bits(B);
            bits_out[c] = in - (K - s) + 1;
            break;
        }
        case ZK_PREP_CLIP:
            /* the output lies in [lo, hi] */
            bits_out[c] = prep_umax(prep_bits_signed(t->lo), prep_bits_signed(t->hi));
            break;
        case ZK_PREP_BINARIZE:
            bits_out[c] = s + 2;
            break;
        case ZK_PREP_ONE_HOT:
            break;
        }
    }
    return w;
}

int prep_out_bits(const zk_prep_pipeline *pl, unsigned raw_bits, uint32_t n_kept, unsigned *out_bits)
{
    uint32_t maxw = ZK_DATASET_MAX_COLS + 1;
    unsigned *a = malloc(maxw * sizeof *a), *b = malloc(maxw * sizeof *b);
    if (!a || !b) {
        free(a);
        free(b);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    uint32_t w = pl->n_transforms ? pl->t[0].width_in : pl->out_n_cols;
    for (uint32_t j = 0; j < w; j++)
        a[j] = raw_bits;
    for (uint32_t i = 0; i < pl->n_transforms; i++) {
        w = prep_step_bits(pl, i, n_kept, a, b);
        if (!w) {
            free(a);
            free(b);
            return ZK_ERR_RANGE;
        }
        unsigned *t = a;
        a = b;
        b = t;
    }
    for (uint32_t k = 0; k < pl->out_n_cols; k++)
        out_bits[k] = a[pl->out_from[k]];
    free(a);
    free(b);
    return ZK_OK;
}

int zk_prep_dataset_from_private(zk_dataset *ds, const zk_dataset_private *p)
{
    memset(ds, 0, sizeof *ds);
    const zk_dataset_meta *m = &p->com.meta;
    ds->meta = *m;
    ds->meta.col_names = calloc(m->n_cols, sizeof(char *));
    ds->values = malloc(((size_t)m->n_rows * m->n_cols + 1) * sizeof *ds->values);
    if (!ds->meta.col_names || !ds->values) {
        zk_dataset_free(ds);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    for (uint32_t j = 0; j < m->n_cols; j++)
        if (!(ds->meta.col_names[j] = strdup(m->col_names[j]))) {
            zk_dataset_free(ds);
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        }
    for (uint32_t i = 0; i < m->n_rows; i++)
        for (uint32_t j = 0; j < m->n_cols; j++)
            ds->values[(size_t)i * m->n_cols + j] = zk_dataset_private_value(p, i, j);
    return ZK_OK;
}

/* Build an output dataset from the final table rows `rows` (n of them). */
static int make_output(zk_dataset *ds, const zk_prep_pipeline *pl, const int64_t *tab, uint32_t width,
                       const uint32_t *rows, uint32_t n)
{
    memset(ds, 0, sizeof *ds);
    uint32_t nc = pl->out_n_cols;
    ds->meta.n_rows = n;
    ds->meta.n_cols = nc;
    ds->meta.scale_bits = pl->scale_bits;
    zk_dataset_layout(n, nc, &ds->meta.log_rows, &ds->meta.log_cols);
    ds->meta.col_names = calloc(nc, sizeof(char *));
    ds->values = malloc(((size_t)n * nc + 1) * sizeof *ds->values);
    if (!ds->meta.col_names || !ds->values) {
        zk_dataset_free(ds);
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    for (uint32_t k = 0; k < nc; k++)
        if (!(ds->meta.col_names[k] = strdup(pl->out_names[k]))) {
            zk_dataset_free(ds);
            return zk_set_error(ZK_ERR_NOMEM, "out of memory");
        }
    for (uint32_t r = 0; r < n; r++)
        for (uint32_t k = 0; k < nc; k++)
            ds->values[(size_t)r * nc + k] = tab[(size_t)rows[r] * width + pl->out_from[k]];
    return ZK_OK;
}

static int range_fail(const zk_prep_pipeline *pl, uint32_t step, uint32_t col, const char *what)
{
    (void)pl;
    return zk_set_error(ZK_ERR_RANGE, "transforms[%u] (column %u): %s exceeds the supported fixed-point range", step,
                        col, what);
}

/* Mean and std of one column (n values with stride), as proved: mean = floor((2S+n)/(2n)),
 * var = floor((2V+n)/(2n)) with V = sum (x-mean)^2 (< 2^60), std = floor(sqrt(var)). */
static int col_stats(const int64_t *x, size_t stride, uint32_t n, int64_t *mean, int64_t *var, int64_t *sd)
{
    __int128 S = 0;
    for (uint32_t i = 0; i < n; i++)
        S += x[(size_t)i * stride];
    __int128 m = (2 * S + n);
    int64_t mu = (int64_t)(m >= 0 ? m / (2 * (__int128)n) : -((-m + 2 * (__int128)n - 1) / (2 * (__int128)n)));
    __int128 V = 0;
    for (uint32_t i = 0; i < n; i++) {
        __int128 d = (__int128)x[(size_t)i * stride] - mu;
        V += d * d;
    }
    if (2 * V + n >= ((__int128)1 << 61))
        return ZK_ERR_RANGE;
    int64_t v = prep_fdiv((int64_t)(2 * V + n), 2 * (int64_t)n);
    *mean = mu;
    if (var)
        *var = v;
    *sd = prep_isqrt(v);
    return ZK_OK;
}

int zk_prep_apply(const zk_prep_pipeline *pl, const zk_dataset *raw, unsigned raw_range_bits, zk_prep_result *out)
{
    memset(out, 0, sizeof *out);
    const uint32_t n_raw = raw->meta.n_rows, s = pl->scale_bits;
    uint32_t width = raw->meta.n_cols;
    if (raw->meta.scale_bits != s)
        return zk_set_error(ZK_ERR_INPUT, "dataset scale 2^%u differs from the pipeline's 2^%u", raw->meta.scale_bits, s);
    int st = ZK_OK;
    int64_t *tab = NULL, *nt = NULL;
    uint32_t *kept = NULL, *perm = NULL, *rows = NULL;
    unsigned *bits = NULL, *bits2 = NULL, *obits = NULL;
    zk_prep_claims *cl = &out->claims;
    const size_t maxw = ZK_DATASET_MAX_COLS + 1;
    kept = malloc(((size_t)n_raw + 1) * sizeof *kept);
    cl->dropped = malloc(((size_t)n_raw + 1) * sizeof *cl->dropped);
    bits = malloc(maxw * sizeof *bits);
    bits2 = malloc(maxw * sizeof *bits2);
    obits = malloc(maxw * sizeof *obits);
    if (!kept || !cl->dropped || !bits || !bits2 || !obits) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    /* row filter */
    uint32_t n = 0;
    const zk_prep_transform *t0 = pl->n_transforms ? &pl->t[0] : NULL;
    for (uint32_t i = 0; i < n_raw; i++) {
        int drop = 0;
        if (t0 && t0->op == ZK_PREP_DROP_MISSING)
            for (uint32_t k = 0; k < t0->n_cols; k++)
                if (raw->values[(size_t)i * width + t0->cols[k]] == pl->missing)
                    drop = 1;
        if (drop)
            cl->dropped[cl->n_dropped++] = i;
        else
            kept[n++] = i;
    }
    cl->n_raw = n_raw;
    cl->n_kept = n;
    cl->n_test = zk_prep_n_test(pl, n);
    cl->n_train = n - cl->n_test;
    if (cl->n_test < 1 || cl->n_train < 1) {
        st = zk_set_error(ZK_ERR_INPUT, "the split of %u kept rows leaves an empty train or test set", n);
        goto out;
    }
    tab = malloc((size_t)n * width * sizeof *tab);
    if (!tab) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < n; i++)
        memcpy(tab + (size_t)i * width, raw->values + (size_t)kept[i] * width, width * sizeof *tab);
    for (uint32_t j = 0; j < width; j++)
        bits[j] = raw_range_bits;
    for (uint32_t step = 0; step < pl->n_transforms && st == ZK_OK; step++) {
        const zk_prep_transform *t = &pl->t[step];
        uint32_t w2 = prep_step_bits(pl, step, n, bits, bits2);
        if (!w2) {
            st = ZK_ERR_RANGE;
            break;
        }
        if (t->op == ZK_PREP_ONE_HOT) {
            nt = malloc(((size_t)n * w2 + 1) * sizeof *nt);
            if (!nt) {
                st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
                break;
            }
            uint32_t c0 = t->cols[0];
            for (uint32_t i = 0; i < n; i++) {
                uint32_t o = 0;
                for (uint32_t j = 0; j < width; j++) {
                    int64_t x = tab[(size_t)i * width + j];
                    if (j == c0)
                        for (uint32_t k = 0; k < t->n_cats; k++)
                            nt[(size_t)i * w2 + o++] = x == t->cats[k] ? ((int64_t)1 << s) : 0;
                    else
                        nt[(size_t)i * w2 + o++] = x;
                }
            }
            free(tab);
            tab = nt;
            nt = NULL;
            width = w2;
        }
        for (uint32_t k = 0; k < t->n_cols && t->op != ZK_PREP_ONE_HOT && st == ZK_OK; k++) {
            uint32_t c = t->cols[k];
            unsigned B = bits[c];
            int64_t *x = tab + c;
            switch (t->op) {
            case ZK_PREP_DROP_MISSING:
            case ZK_PREP_ONE_HOT:
                break;
            case ZK_PREP_IMPUTE_MEAN: {
                __int128 S = 0;
                uint32_t cnt = 0;
                for (uint32_t i = 0; i < n; i++)
                    if (x[(size_t)i * width] != pl->missing) {
                        S += x[(size_t)i * width];
                        cnt++;
                    }
                int64_t cp = cnt ? cnt : 1;
                int64_t mean = prep_fdiv((int64_t)(2 * S + cp), 2 * cp);
                if (!prep_fits(mean, B))
                    st = range_fail(pl, step, c, "the imputed mean");
                for (uint32_t i = 0; i < n; i++)
                    if (x[(size_t)i * width] == pl->missing)
                        x[(size_t)i * width] = mean;
                break;
            }
            case ZK_PREP_STANDARDIZE: {
                int64_t mu, sd;
                if (col_stats(x, width, n, &mu, NULL, &sd) != ZK_OK) {
                    st = range_fail(pl, step, c, "the sum of squared deviations (2^60)");
                    break;
                }
                int64_t sp = sd ? sd : 1;
                unsigned K = prep_inv_k(B), in = prep_std_in_bits(B, n);
                if (sp >= ((int64_t)1 << B)) {
                    st = range_fail(pl, step, c, "the standard deviation");
                    break;
                }
                int64_t inv = prep_fdiv(((int64_t)1 << K) + sp / 2, sp);
                for (uint32_t i = 0; i < n && st == ZK_OK; i++) {
                    __int128 pr = (__int128)(x[(size_t)i * width] - mu) * inv;
                    if (pr >= ((__int128)1 << (in - 1)) || pr < -((__int128)1 << (in - 1))) {
                        st = range_fail(pl, step, c, "a standardized value");
                        break;
                    }
                    x[(size_t)i * width] = prep_rescale((int64_t)pr, K - s);
                }
                break;
            }
            case ZK_PREP_MINMAX: {
                int64_t mn = x[0], mx = x[0];
                for (uint32_t i = 1; i < n; i++) {
                    int64_t v = x[(size_t)i * width];
                    mn = v < mn ? v : mn;
                    mx = v > mx ? v : mx;
                }
                int64_t R = mx - mn, Rp = R ? R : 1;
                unsigned K = prep_inv_k(B);
                if (!prep_fits(mn, B) || !prep_fits(mx, B)) {
                    st = range_fail(pl, step, c, "a value");
                    break;
                }
                int64_t inv = prep_fdiv((int64_t)1 << K, Rp); /* floor: the maximum maps to at most 2^s */
                for (uint32_t i = 0; i < n; i++)
                    x[(size_t)i * width] = prep_rescale((x[(size_t)i * width] - mn) * inv, K - s);
                break;
            }
            case ZK_PREP_CLIP:
                for (uint32_t i = 0; i < n; i++) {
                    int64_t v = x[(size_t)i * width];
                    x[(size_t)i * width] = v < t->lo ? t->lo : v > t->hi ? t->hi : v;
                }
                break;
            case ZK_PREP_BINARIZE:
                for (uint32_t i = 0; i < n; i++)
                    x[(size_t)i * width] = x[(size_t)i * width] >= t->threshold ? ((int64_t)1 << s) : 0;
                break;
            }
        }
        unsigned *tb = bits;
        bits = bits2;
        bits2 = tb;
    }
    if (st != ZK_OK)
        goto out;
    /* every final value within its public bound (the circuit's completeness) */
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < width; j++)
            if (!prep_fits(tab[(size_t)i * width + j], bits[j])) {
                st = zk_set_error(ZK_ERR_RANGE, "output column %u: value outside its %u-bit bound", j, bits[j]);
                goto out;
            }
    if (width != pl->out_n_cols) {
        st = zk_set_error(ZK_ERR_INPUT, "internal: width %u != %u", width, pl->out_n_cols);
        goto out;
    }
    for (uint32_t k = 0; k < pl->out_n_cols; k++)
        obits[k] = bits[pl->out_from[k]];
    /* split */
    perm = malloc(((size_t)n + 1) * sizeof *perm);
    rows = malloc(((size_t)n + 1) * sizeof *rows);
    if (!perm || !rows) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    if ((st = zk_prep_permutation(pl->seed, n, perm)) != ZK_OK)
        goto out;
    if ((st = make_output(&out->train, pl, tab, width, perm, cl->n_train)) != ZK_OK ||
        (st = make_output(&out->test, pl, tab, width, perm + cl->n_train, cl->n_test)) != ZK_OK)
        goto out;
    /* claims over the train features */
    uint32_t nf = pl->out_n_cols - 1, nc = pl->out_n_cols;
    cl->n_features = nf;
    cl->mean = calloc(nf, sizeof *cl->mean);
    cl->std = calloc(nf, sizeof *cl->std);
    cl->hist = calloc((size_t)nf * ZK_PREP_HIST_BINS, sizeof *cl->hist);
    if (!cl->mean || !cl->std || !cl->hist) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t k = 0; k < nf; k++) {
        const int64_t *x = out->train.values + k;
        if (col_stats(x, nc, cl->n_train, &cl->mean[k], NULL, &cl->std[k]) != ZK_OK) {
            st = zk_set_error(ZK_ERR_RANGE, "output column '%s': train variance exceeds 2^60", pl->out_names[k]);
            goto out;
        }
        int64_t T[9];
        for (int e = 0; e < 9; e++)
            T[e] = prep_threshold(cl->mean[k], cl->std[k], e);
        for (uint32_t r = 0; r < cl->n_train; r++) {
            int64_t v = x[(size_t)r * nc];
            unsigned b = 0;
            for (int e = 0; e < 9; e++)
                b += v >= T[e];
            cl->hist[(size_t)k * ZK_PREP_HIST_BINS + b]++;
        }
    }
out:
    free(tab);
    free(nt);
    free(kept);
    free(perm);
    free(rows);
    free(bits);
    free(bits2);
    free(obits);
    if (st != ZK_OK)
        zk_prep_result_free(out);
    return st;
}

int zk_prep_check_shapes(const zk_prep_pipeline *pl, const zk_dataset_meta *raw, const zk_dataset_meta *train,
                         const zk_dataset_meta *test, const zk_prep_claims *c)
{
    if (c->n_raw != raw->n_rows)
        return zk_set_error(ZK_ERR_INPUT, "claims: %u raw rows, the raw commitment has %u", c->n_raw, raw->n_rows);
    if (raw->scale_bits != pl->scale_bits)
        return zk_set_error(ZK_ERR_INPUT, "raw commitment scale differs from the pipeline's");
    if (c->n_dropped > c->n_raw || c->n_kept != c->n_raw - c->n_dropped)
        return zk_set_error(ZK_ERR_INPUT, "claims: inconsistent row counts (raw %u, dropped %u, kept %u)", c->n_raw,
                            c->n_dropped, c->n_kept);
    for (uint32_t i = 0; i < c->n_dropped && !zk_prep_hidden_filter(pl); i++)
        if (!c->dropped || c->dropped[i] >= c->n_raw || (i && c->dropped[i] <= c->dropped[i - 1]))
            return zk_set_error(ZK_ERR_INPUT, "claims: dropped_rows must be ascending raw row indices");
    if (c->n_dropped && !(pl->n_transforms && pl->t[0].op == ZK_PREP_DROP_MISSING))
        return zk_set_error(ZK_ERR_INPUT, "claims: rows dropped but the pipeline has no drop_missing");
    uint32_t nt = zk_prep_n_test(pl, c->n_kept);
    if (c->n_test != nt || c->n_train != c->n_kept - nt || nt < 1 || c->n_train < 1)
        return zk_set_error(ZK_ERR_INPUT, "claims: train/test sizes %u/%u do not follow from the split of %u rows",
                            c->n_train, c->n_test, c->n_kept);
    if (c->n_features != pl->out_n_cols - 1)
        return zk_set_error(ZK_ERR_INPUT, "claims: %u features, the pipeline outputs %u", c->n_features,
                            pl->out_n_cols - 1);
    const zk_dataset_meta *ms[2] = {train, test};
    const uint32_t rows[2] = {c->n_train, c->n_test};
    const char *nm[2] = {"train", "test"};
    for (int d = 0; d < 2; d++) {
        const zk_dataset_meta *m = ms[d];
        if (m->n_rows != rows[d])
            return zk_set_error(ZK_ERR_INPUT, "%s commitment has %u rows, the split gives %u", nm[d], m->n_rows,
                                rows[d]);
        if (m->n_cols != pl->out_n_cols)
            return zk_set_error(ZK_ERR_INPUT, "%s commitment has %u columns, the pipeline outputs %u", nm[d],
                                m->n_cols, pl->out_n_cols);
        if (m->scale_bits != pl->scale_bits)
            return zk_set_error(ZK_ERR_INPUT, "%s commitment scale differs from the raw data's", nm[d]);
        for (uint32_t k = 0; k < m->n_cols; k++)
            if (strcmp(m->col_names[k], pl->out_names[k]) != 0)
                return zk_set_error(ZK_ERR_INPUT, "%s commitment column %u is '%s', the pipeline outputs '%s'", nm[d],
                                    k, m->col_names[k], pl->out_names[k]);
    }
    return ZK_OK;
}
