/* Preprocessing circuit (circuit.h), prove and verify. docs/preprocessing.md, "Circuit". */
#include <stdlib.h>
#include <string.h>

#include "lifecycle/preprocess_internal.h"
#include "zkmlops/circuit.h"
#include "zkmlops/preprocess.h"
#include "zkmlops/proof.h"

#define PREP_SECTION_CS 0x50524550u /* "PREP" */
#define PREP_CTX_LEN (32 + 5 * ZK_HASH_BYTES)

static int64_t lcv(const zk_cs *cs, const zk_lc *lc) { return gl_to_i64(zk_cs_lc_value(cs, lc)); }

static void lc_set1(zk_lc *lc, uint32_t w, int64_t c)
{
    zk_lc_clear(lc);
    zk_lc_add_i64(lc, w, c);
}

/* New private wire w = a * b (lcs), one constraint. */
static uint32_t mul_lc(zk_cs *cs, const zk_lc *a, const zk_lc *b, zk_lc *tmp)
{
    uint32_t w = zk_cs_private(cs, gl_mul(zk_cs_lc_value(cs, a), zk_cs_lc_value(cs, b)));
    lc_set1(tmp, w, 1);
    zk_cs_enforce(cs, a, b, tmp);
    return w;
}

/* z = [lc == 0] (two constraints: lc * inv = 1 - z, lc * z = 0). */
static uint32_t is_zero_lc(zk_cs *cs, const zk_lc *lc, zk_lc *t1, zk_lc *t2)
{
    gl_t v = zk_cs_lc_value(cs, lc);
    uint32_t inv = zk_cs_private(cs, v ? gl_inv(v) : 0);
    uint32_t z = zk_cs_private(cs, v ? 0 : 1);
    lc_set1(t1, inv, 1);
    zk_lc_clear(t2);
    zk_lc_add_const(t2, 1);
    zk_lc_add_i64(t2, z, -1);
    zk_cs_enforce(cs, lc, t1, t2);
    lc_set1(t1, z, 1);
    zk_lc_clear(t2);
    zk_cs_enforce(cs, lc, t1, t2);
    return z;
}

/* q = floor(num / den) for a den in [1, 2^bd) (an lc), q signed in bq bits
 * (bq - 1 + bd <= 62: q * den cannot wrap). Constraints: q * den = num - r,
 * r in [0, 2^bd), den - 1 - r in [0, 2^bd). */
static uint32_t div_priv(zk_cs *cs, const zk_lc *num, const zk_lc *den, unsigned bq, unsigned bd, zk_lc *t1)
{
    int64_t n = lcv(cs, num), d = lcv(cs, den), q = 0, r = 0;
    if (zk_cs_is_prover(cs) && d >= 1) {
        q = prep_fdiv(n, d);
        r = n - q * d;
    }
    uint32_t qw = zk_cs_private_i64(cs, q), rw = zk_cs_private_i64(cs, r);
    zk_lc c;
    zk_lc_init(&c);
    for (uint32_t k = 0; k < num->n; k++)
        zk_lc_add(&c, num->wire[k], num->coeff[k]);
    zk_lc_add_i64(&c, rw, -1);
    lc_set1(t1, qw, 1);
    zk_cs_enforce(cs, t1, den, &c);
    zk_lc_free(&c);
    zk_cs_range_signed(cs, qw, bq);
    zk_cs_range(cs, rw, bd);
    zk_lc_clear(t1);
    for (uint32_t k = 0; k < den->n; k++)
        zk_lc_add(t1, den->wire[k], den->coeff[k]);
    zk_lc_add_const(t1, gl_neg(1));
    zk_lc_add_i64(t1, rw, -1);
    zk_cs_range(cs, zk_cs_lc_wire(cs, t1), bd);
    return qw;
}

/* Mean and population std of n wires x[0..n) (stride), exactly as col_stats in
 * preprocess.c: mean = floor((2S + n) / (2n)), var = floor((2V + n) / (2n)),
 * std = floor(sqrt(var)), V = sum (x - mean)^2. B: bit bound of the values. */
static void stats_wires(zk_cs *cs, const uint32_t *x, size_t stride, uint32_t n, unsigned B, uint32_t *mean,
                        uint32_t *sd, zk_lc *a, zk_lc *b)
{
    zk_lc_clear(a);
    for (uint32_t i = 0; i < n; i++)
        zk_lc_add_i64(a, x[(size_t)i * stride], 2);
    zk_lc_add_const(a, gl_from_u64(n));
    uint32_t w = zk_cs_lc_wire(cs, a);
    *mean = zk_cs_div_const(cs, w, 2 * (int64_t)n, B + prep_clog2(n) + 2);
    zk_lc sum;
    zk_lc_init(&sum);
    for (uint32_t i = 0; i < n; i++) {
        zk_lc_clear(a);
        zk_lc_add_i64(a, x[(size_t)i * stride], 1);
        zk_lc_add_i64(a, *mean, -1);
        uint32_t sq = mul_lc(cs, a, a, b);
        zk_lc_add_i64(&sum, sq, 2);
    }
    zk_lc_add_const(&sum, gl_from_u64(n));
    w = zk_cs_lc_wire(cs, &sum);
    zk_lc_free(&sum);
    uint32_t var = zk_cs_div_const(cs, w, 2 * (int64_t)n, PREP_STAT_VAR_IN_BITS);
    *sd = zk_cs_sqrt(cs, var, PREP_STAT_SQRT_BITS);
}

/* inv = floor((2^K + floor(d/2)) / d) (rounded; round = 1) or floor(2^K / d)
 * (round = 0) for the wire d in [1, 2^B). */
static uint32_t inverse_wire(zk_cs *cs, uint32_t d, unsigned B, unsigned K, int round, zk_lc *a, zk_lc *b)
{
    zk_cs_range(cs, d, B);
    zk_lc_clear(a);
    zk_lc_add_const(a, gl_from_u64((uint64_t)1 << K));
    if (round)
        zk_lc_add_i64(a, zk_cs_div_const(cs, d, 2, B + 1), 1);
    lc_set1(b, d, 1);
    zk_lc t;
    zk_lc_init(&t);
    uint32_t inv = div_priv(cs, a, b, K + 2, B, &t);
    zk_lc_free(&t);
    return inv;
}

/* Product chain prod_i (x_i - c) over wires x (stride), c a wire; asserts it is 0
 * (some x_i equals c). */
static void assert_some_equal(zk_cs *cs, const uint32_t *x, size_t stride, uint32_t n, uint32_t c, zk_lc *a,
                              zk_lc *b, zk_lc *t)
{
    zk_lc_clear(a);
    zk_lc_add_i64(a, x[0], 1);
    zk_lc_add_i64(a, c, -1);
    for (uint32_t i = 1; i < n; i++) {
        zk_lc_clear(b);
        zk_lc_add_i64(b, x[(size_t)i * stride], 1);
        zk_lc_add_i64(b, c, -1);
        uint32_t p = mul_lc(cs, a, b, t);
        lc_set1(a, p, 1);
    }
    zk_lc_clear(b);
    zk_cs_enforce_equal(cs, a, b);
}

/* Hidden row filter: order-preserving compaction of the raw rows through a
 * shift network (docs/preprocessing.md, "Hidden row filter"). Each row carries
 * its data columns, its original index and v = [no listed cell is the
 * sentinel]. Stage j = 0..L-1 moves a kept row left by 2^j when bit j of its
 * displacement (number of dropped rows before it) is set: out[p] = s ? in[p+2^j]
 * : in[p] with one private boolean s per position and stage, applied to every
 * column of the row (rows move as units). Proved afterwards: sum of v over the
 * raw rows = n_kept (public), v = 1 on output rows 0..n_kept-1, and their
 * original indices strictly increase. Writes n_kept * width wires to *out. */
static int hidden_compact(zk_cs *cs, const zk_prep_pipeline *pl, const zk_dataset_meta *rm, uint32_t seg0,
                          uint32_t n_kept, uint32_t **out)
{
    const zk_prep_transform *t0 = &pl->t[0];
    const int prover = zk_cs_is_prover(cs);
    const uint32_t n = rm->n_rows, width = rm->n_cols, W = width + 2;
    const unsigned L = prep_clog2(n);
    int rc = ZK_OK;
    zk_lc a, b, t1, t2, vsum;
    zk_lc_init(&a);
    zk_lc_init(&b);
    zk_lc_init(&t1);
    zk_lc_init(&t2);
    zk_lc_init(&vsum);
    uint32_t *cur = malloc(((size_t)n * W + 1) * sizeof *cur), *nxt = malloc(((size_t)n * W + 1) * sizeof *nxt);
    int64_t *elem = malloc(((size_t)n + 1) * sizeof *elem), *nel = malloc(((size_t)n + 1) * sizeof *nel);
    int64_t *disp = malloc(((size_t)n + 1) * sizeof *disp);
    *out = NULL;
    if (!cur || !nxt || !elem || !nel || !disp) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    int64_t dropped_so_far = 0;
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < width; j++)
            cur[(size_t)i * W + j] = seg0 + i + (j << rm->log_rows);
        zk_lc_clear(&a);
        zk_lc_add_const(&a, gl_from_u64(i));
        cur[(size_t)i * W + width] = zk_cs_lc_wire(cs, &a); /* original index (a constant) */
        /* P = prod (x - missing) over the listed columns; v = 1 - [P == 0] */
        for (uint32_t k = 0; k < t0->n_cols; k++) {
            zk_lc_clear(&b);
            zk_lc_add_i64(&b, seg0 + i + (t0->cols[k] << rm->log_rows), 1);
            zk_lc_add_const(&b, gl_neg(gl_from_i64(pl->missing)));
            if (k == 0) {
                zk_lc_clear(&a);
                for (uint32_t q = 0; q < b.n; q++)
                    zk_lc_add(&a, b.wire[q], b.coeff[q]);
            } else {
                uint32_t p = mul_lc(cs, &a, &b, &t1);
                lc_set1(&a, p, 1);
            }
        }
        uint32_t z = is_zero_lc(cs, &a, &t1, &t2);
        zk_lc_clear(&a);
        zk_lc_add_const(&a, 1);
        zk_lc_add_i64(&a, z, -1);
        uint32_t v = zk_cs_lc_wire(cs, &a);
        cur[(size_t)i * W + width + 1] = v;
        zk_lc_add_i64(&vsum, v, 1);
        int kept = prover && zk_cs_value(cs, v) == 1;
        elem[i] = kept ? (int64_t)i : -1;
        disp[i] = kept ? dropped_so_far : 0;
        if (prover && !kept)
            dropped_so_far++;
    }
    zk_lc_clear(&a);
    zk_lc_add_const(&a, gl_from_u64(n_kept));
    zk_cs_enforce_equal(cs, &vsum, &a);
    for (unsigned j = 0; j < L; j++) {
        const uint32_t sh = 1u << j;
        for (uint32_t p = 0; p < n; p++) {
            uint32_t q = p + sh;
            if (q >= n) {
                memcpy(nxt + (size_t)p * W, cur + (size_t)p * W, W * sizeof *cur);
                nel[p] = (elem[p] >= 0 && (disp[elem[p]] >> j) & 1) ? -1 : elem[p];
                continue;
            }
            int sel = elem[q] >= 0 && ((disp[elem[q]] >> j) & 1);
            if (sel && elem[p] >= 0 && !((disp[elem[p]] >> j) & 1)) {
                rc = zk_set_error(ZK_ERR_INPUT, "internal: compaction collision at stage %u, row %u", j, p);
                goto done;
            }
            nel[p] = sel ? elem[q] : ((elem[p] >= 0 && ((disp[elem[p]] >> j) & 1)) ? -1 : elem[p]);
            uint32_t s = zk_cs_private(cs, (gl_t)sel);
            zk_cs_boolean(cs, s);
            lc_set1(&a, s, 1);
            for (uint32_t c = 0; c < W; c++) {
                uint32_t x0 = cur[(size_t)p * W + c], x1 = cur[(size_t)q * W + c];
                uint32_t o = zk_cs_private(cs, zk_cs_value(cs, sel ? x1 : x0));
                zk_lc_clear(&b);
                zk_lc_add_i64(&b, x1, 1);
                zk_lc_add_i64(&b, x0, -1);
                zk_lc_clear(&t1);
                zk_lc_add_i64(&t1, o, 1);
                zk_lc_add_i64(&t1, x0, -1);
                zk_cs_enforce(cs, &a, &b, &t1);
                nxt[(size_t)p * W + c] = o;
            }
        }
        uint32_t *tw = cur;
        cur = nxt;
        nxt = tw;
        int64_t *te = elem;
        elem = nel;
        nel = te;
    }
    /* outputs 0..n_kept-1: v = 1 and strictly increasing original indices */
    for (uint32_t p = 0; p < n_kept; p++) {
        lc_set1(&a, cur[(size_t)p * W + width + 1], 1);
        zk_lc_clear(&b);
        zk_lc_add_const(&b, 1);
        zk_cs_enforce_equal(cs, &a, &b);
        if (p > 0 && L > 0) {
            zk_lc_clear(&a);
            zk_lc_add_i64(&a, cur[(size_t)p * W + width], 1);
            zk_lc_add_i64(&a, cur[(size_t)(p - 1) * W + width], -1);
            zk_lc_add_const(&a, gl_neg(1));
            zk_cs_range(cs, zk_cs_lc_wire(cs, &a), L);
        }
    }
    *out = malloc(((size_t)n_kept * width + 1) * sizeof **out);
    if (!*out) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (uint32_t p = 0; p < n_kept; p++)
        memcpy(*out + (size_t)p * width, cur + (size_t)p * W, width * sizeof *cur);
done:
    free(cur);
    free(nxt);
    free(elem);
    free(nel);
    free(disp);
    zk_lc_free(&a);
    zk_lc_free(&b);
    zk_lc_free(&t1);
    zk_lc_free(&t2);
    zk_lc_free(&vsum);
    return rc;
}

int zk_prep_circuit(zk_cs *cs, const zk_prep_pipeline *pl, const zk_dataset_meta *rm, unsigned raw_range_bits,
                     const zk_dataset_meta *trm, const zk_dataset_meta *tem, const zk_prep_claims *cl,
                     const gl_t *raw_tab, const gl_t *train_tab, const gl_t *test_tab, uint32_t seg[3])
{
    const unsigned s = pl->scale_bits;
    const int prover = zk_cs_is_prover(cs);
    int rc = ZK_OK;
    const uint32_t nf = cl->n_features, n = cl->n_kept;
    zk_lc a, b, t1, t2;
    zk_lc_init(&a);
    zk_lc_init(&b);
    zk_lc_init(&t1);
    zk_lc_init(&t2);
    uint32_t *pub = NULL, *cur = NULL, *nxt = NULL, *kept = NULL, *perm = NULL, *tw = NULL, *hw = NULL;
    unsigned *bits = NULL, *bits2 = NULL, *obits = NULL;
    /* public claims first */
    pub = malloc(((size_t)nf * (2 + ZK_PREP_HIST_BINS) + 1) * sizeof *pub);
    bits = malloc((ZK_DATASET_MAX_COLS + 1) * sizeof *bits);
    bits2 = malloc((ZK_DATASET_MAX_COLS + 1) * sizeof *bits2);
    obits = malloc((ZK_DATASET_MAX_COLS + 1) * sizeof *obits);
    kept = malloc(((size_t)n + 1) * sizeof *kept);
    perm = malloc(((size_t)n + 1) * sizeof *perm);
    if (!pub || !bits || !bits2 || !obits || !kept || !perm) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t k = 0; k < nf; k++) {
        pub[k * (2 + ZK_PREP_HIST_BINS)] = zk_cs_public_i64(cs, cl->mean[k]);
        pub[k * (2 + ZK_PREP_HIST_BINS) + 1] = zk_cs_public_i64(cs, cl->std[k]);
        for (uint32_t q = 0; q < ZK_PREP_HIST_BINS; q++)
            pub[k * (2 + ZK_PREP_HIST_BINS) + 2 + q] =
                zk_cs_public_i64(cs, (int64_t)cl->hist[(size_t)k * ZK_PREP_HIST_BINS + q]);
    }
    seg[0] = zk_cs_segment(cs, prover ? raw_tab : NULL, rm->log_rows + rm->log_cols);
    seg[1] = zk_cs_segment(cs, prover ? train_tab : NULL, trm->log_rows + trm->log_cols);
    seg[2] = zk_cs_segment(cs, prover ? test_tab : NULL, tem->log_rows + tem->log_cols);
    if (zk_cs_status(cs) != ZK_OK)
        goto out;

    /* row filter (public mask, or hidden: compaction network) */
    uint32_t width = rm->n_cols, nk = 0, di = 0;
    const zk_prep_transform *t0 = pl->n_transforms ? &pl->t[0] : NULL;
    const int hidden = zk_prep_hidden_filter(pl);
    int filter = t0 && t0->op == ZK_PREP_DROP_MISSING && !hidden;
    if (hidden) {
        if (cl->n_kept > rm->n_rows) {
            rc = zk_set_error(ZK_ERR_INPUT, "claims: more kept rows than raw rows");
            goto out;
        }
        if ((rc = hidden_compact(cs, pl, rm, seg[0], n, &cur)) != ZK_OK)
            goto out;
        goto transforms;
    }
    for (uint32_t i = 0; i < rm->n_rows; i++) {
        int dropped = di < cl->n_dropped && cl->dropped[di] == i;
        if (dropped)
            di++;
        else
            kept[nk++] = i;
        if (!filter)
            continue;
        /* P = prod over the listed columns of (x - sentinel) */
        for (uint32_t k = 0; k < t0->n_cols; k++) {
            zk_lc_clear(&b);
            zk_lc_add_i64(&b, seg[0] + i + (t0->cols[k] << rm->log_rows), 1);
            zk_lc_add_const(&b, gl_neg(gl_from_i64(pl->missing)));
            if (k == 0) {
                zk_lc_clear(&a);
                zk_lc_add_i64(&a, seg[0] + i + (t0->cols[k] << rm->log_rows), 1);
                zk_lc_add_const(&a, gl_neg(gl_from_i64(pl->missing)));
            } else {
                uint32_t p = mul_lc(cs, &a, &b, &t1);
                lc_set1(&a, p, 1);
            }
        }
        if (dropped) {
            zk_lc_clear(&b);
            zk_cs_enforce_equal(cs, &a, &b);
        } else {
            gl_t v = zk_cs_lc_value(cs, &a);
            uint32_t inv = zk_cs_private(cs, v ? gl_inv(v) : 0);
            lc_set1(&b, inv, 1);
            zk_lc_clear(&t1);
            zk_lc_add_const(&t1, 1);
            zk_cs_enforce(cs, &a, &b, &t1);
        }
    }
    if (nk != n || di != cl->n_dropped) {
        rc = zk_set_error(ZK_ERR_INPUT, "claims: dropped rows inconsistent with the raw row count");
        goto out;
    }
    cur = malloc(((size_t)n * width + 1) * sizeof *cur);
    if (!cur) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < width; j++)
            cur[(size_t)i * width + j] = seg[0] + kept[i] + (j << rm->log_rows);
transforms:
    for (uint32_t j = 0; j < width; j++)
        bits[j] = raw_range_bits;

    for (uint32_t step = 0; step < pl->n_transforms; step++) {
        const zk_prep_transform *t = &pl->t[step];
        uint32_t w2 = prep_step_bits(pl, step, n, bits, bits2);
        if (!w2) {
            rc = ZK_ERR_RANGE;
            goto out;
        }
        if (t->op == ZK_PREP_ONE_HOT) {
            nxt = malloc(((size_t)n * w2 + 1) * sizeof *nxt);
            if (!nxt) {
                rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
                goto out;
            }
            uint32_t c0 = t->cols[0];
            for (uint32_t i = 0; i < n; i++) {
                uint32_t o = 0;
                for (uint32_t j = 0; j < width; j++) {
                    uint32_t x = cur[(size_t)i * width + j];
                    if (j != c0) {
                        nxt[(size_t)i * w2 + o++] = x;
                        continue;
                    }
                    for (uint32_t k = 0; k < t->n_cats; k++) {
                        zk_lc_clear(&a);
                        zk_lc_add_i64(&a, x, 1);
                        zk_lc_add_const(&a, gl_neg(gl_from_i64(t->cats[k])));
                        uint32_t z = is_zero_lc(cs, &a, &t1, &t2);
                        lc_set1(&a, z, (int64_t)1 << s);
                        nxt[(size_t)i * w2 + o++] = zk_cs_lc_wire(cs, &a);
                    }
                }
            }
            free(cur);
            cur = nxt;
            nxt = NULL;
            width = w2;
        }
        for (uint32_t k = 0; k < t->n_cols && t->op != ZK_PREP_ONE_HOT; k++) {
            uint32_t c = t->cols[k];
            unsigned B = bits[c];
            uint32_t *x = cur + c;
            const size_t st = width;
            switch (t->op) {
            case ZK_PREP_DROP_MISSING:
            case ZK_PREP_ONE_HOT:
                break;
            case ZK_PREP_IMPUTE_MEAN: {
                uint32_t *z = malloc((size_t)n * sizeof *z);
                if (!z) {
                    rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
                    goto out;
                }
                zk_lc S, cnt;
                zk_lc_init(&S);
                zk_lc_init(&cnt);
                zk_lc_add_const(&cnt, gl_from_u64(n));
                for (uint32_t i = 0; i < n; i++) {
                    zk_lc_clear(&a);
                    zk_lc_add_i64(&a, x[i * st], 1);
                    zk_lc_add_const(&a, gl_neg(gl_from_i64(pl->missing)));
                    z[i] = is_zero_lc(cs, &a, &t1, &t2);
                    zk_lc_add_i64(&cnt, z[i], -1);
                    /* S = sum x - sum z x */
                    lc_set1(&a, z[i], 1);
                    lc_set1(&b, x[i * st], 1);
                    uint32_t p = mul_lc(cs, &a, &b, &t1);
                    zk_lc_add_i64(&S, x[i * st], 2);
                    zk_lc_add_i64(&S, p, -2);
                }
                uint32_t zc = is_zero_lc(cs, &cnt, &t1, &t2);
                zk_lc_add_i64(&cnt, zc, 1); /* c' */
                for (uint32_t q = 0; q < cnt.n; q++)
                    zk_lc_add(&S, cnt.wire[q], cnt.coeff[q]); /* 2S + c' */
                zk_lc den;
                zk_lc_init(&den);
                for (uint32_t q = 0; q < cnt.n; q++)
                    zk_lc_add(&den, cnt.wire[q], gl_add(cnt.coeff[q], cnt.coeff[q]));
                uint32_t mean = div_priv(cs, &S, &den, B, prep_clog2(2 * (uint64_t)n + 3), &t1);
                zk_lc_free(&S);
                zk_lc_free(&cnt);
                zk_lc_free(&den);
                for (uint32_t i = 0; i < n; i++) {
                    /* y = x + z (mean - x) */
                    int64_t xv = zk_cs_value_i64(cs, x[i * st]), mv = zk_cs_value_i64(cs, mean);
                    int64_t zv = zk_cs_value_i64(cs, z[i]);
                    uint32_t y = zk_cs_private_i64(cs, zv ? mv : xv);
                    lc_set1(&a, z[i], 1);
                    zk_lc_clear(&b);
                    zk_lc_add_i64(&b, mean, 1);
                    zk_lc_add_i64(&b, x[i * st], -1);
                    zk_lc_clear(&t1);
                    zk_lc_add_i64(&t1, y, 1);
                    zk_lc_add_i64(&t1, x[i * st], -1);
                    zk_cs_enforce(cs, &a, &b, &t1);
                    x[i * st] = y;
                }
                free(z);
                break;
            }
            case ZK_PREP_STANDARDIZE: {
                uint32_t mean, sd;
                stats_wires(cs, x, st, n, B, &mean, &sd, &a, &b);
                uint32_t zs = zk_cs_is_zero(cs, sd);
                zk_lc_clear(&a);
                zk_lc_add_i64(&a, sd, 1);
                zk_lc_add_i64(&a, zs, 1);
                uint32_t sp = zk_cs_lc_wire(cs, &a);
                unsigned K = prep_inv_k(B), in = prep_std_in_bits(B, n);
                uint32_t inv = inverse_wire(cs, sp, B, K, 1, &a, &b);
                lc_set1(&b, inv, 1);
                for (uint32_t i = 0; i < n; i++) {
                    zk_lc_clear(&a);
                    zk_lc_add_i64(&a, x[i * st], 1);
                    zk_lc_add_i64(&a, mean, -1);
                    uint32_t pr = mul_lc(cs, &a, &b, &t1);
                    x[i * st] = zk_cs_rescale(cs, pr, K - s, in);
                }
                break;
            }
            case ZK_PREP_MINMAX: {
                int64_t mn = 0, mx = 0;
                if (prover) {
                    mn = mx = zk_cs_value_i64(cs, x[0]);
                    for (uint32_t i = 1; i < n; i++) {
                        int64_t v = zk_cs_value_i64(cs, x[i * st]);
                        mn = v < mn ? v : mn;
                        mx = v > mx ? v : mx;
                    }
                }
                uint32_t mw = zk_cs_private_i64(cs, mn), Mw = zk_cs_private_i64(cs, mx);
                for (uint32_t i = 0; i < n; i++) {
                    zk_lc_clear(&a);
                    zk_lc_add_i64(&a, x[i * st], 1);
                    zk_lc_add_i64(&a, mw, -1);
                    zk_cs_range(cs, zk_cs_lc_wire(cs, &a), B + 1);
                    zk_lc_clear(&a);
                    zk_lc_add_i64(&a, Mw, 1);
                    zk_lc_add_i64(&a, x[i * st], -1);
                    zk_cs_range(cs, zk_cs_lc_wire(cs, &a), B + 1);
                }
                assert_some_equal(cs, x, st, n, mw, &a, &b, &t1);
                assert_some_equal(cs, x, st, n, Mw, &a, &b, &t1);
                zk_lc_clear(&a);
                zk_lc_add_i64(&a, Mw, 1);
                zk_lc_add_i64(&a, mw, -1);
                uint32_t zr = is_zero_lc(cs, &a, &t1, &t2);
                zk_lc_add_i64(&a, zr, 1);
                uint32_t rp = zk_cs_lc_wire(cs, &a);
                unsigned K = prep_inv_k(B), in = prep_minmax_in_bits(B);
                uint32_t inv = inverse_wire(cs, rp, B, K, 0, &a, &b);
                lc_set1(&b, inv, 1);
                for (uint32_t i = 0; i < n; i++) {
                    zk_lc_clear(&a);
                    zk_lc_add_i64(&a, x[i * st], 1);
                    zk_lc_add_i64(&a, mw, -1);
                    uint32_t pr = mul_lc(cs, &a, &b, &t1);
                    x[i * st] = zk_cs_rescale(cs, pr, K - s, in);
                }
                break;
            }
            case ZK_PREP_CLIP: {
                unsigned cb = prep_umax(B, prep_umax(prep_bits_signed(t->lo), prep_bits_signed(t->hi))) + 1;
                for (uint32_t i = 0; i < n; i++)
                    x[i * st] = zk_cs_clip(cs, x[i * st], t->lo, t->hi, cb);
                break;
            }
            case ZK_PREP_BINARIZE: {
                unsigned cb = prep_umax(B, prep_bits_signed(t->threshold)) + 1;
                for (uint32_t i = 0; i < n; i++) {
                    zk_lc_clear(&a);
                    zk_lc_add_i64(&a, x[i * st], 1);
                    zk_lc_add_const(&a, gl_neg(gl_from_i64(t->threshold)));
                    uint32_t neg = zk_cs_is_negative(cs, zk_cs_lc_wire(cs, &a), cb);
                    zk_lc_clear(&a);
                    zk_lc_add_const(&a, gl_from_u64((uint64_t)1 << s));
                    zk_lc_add_i64(&a, neg, -((int64_t)1 << s));
                    x[i * st] = zk_cs_lc_wire(cs, &a);
                }
                break;
            }
            }
        }
        unsigned *tb = bits;
        bits = bits2;
        bits2 = tb;
    }
    if (width != pl->out_n_cols) {
        rc = zk_set_error(ZK_ERR_INPUT, "internal: circuit width %u != %u", width, pl->out_n_cols);
        goto out;
    }
    for (uint32_t k = 0; k < pl->out_n_cols; k++)
        obits[k] = bits[pl->out_from[k]];

    /* split: public wiring */
    if ((rc = zk_prep_permutation(pl->seed, n, perm)) != ZK_OK)
        goto out;
    const zk_dataset_meta *om[2] = {trm, tem};
    const uint32_t off[2] = {0, cl->n_train}, cnt[2] = {cl->n_train, cl->n_test};
    for (int d = 0; d < 2; d++)
        for (uint32_t r = 0; r < cnt[d]; r++)
            for (uint32_t k = 0; k < pl->out_n_cols; k++)
                zk_cs_assert_equal(cs, cur[(size_t)perm[off[d] + r] * width + pl->out_from[k]],
                                   seg[1 + d] + r + (k << om[d]->log_rows));

    /* train reference statistics and histograms */
    const uint32_t nt = cl->n_train;
    tw = malloc(((size_t)nt + 1) * sizeof *tw);
    hw = malloc(((size_t)nt * ZK_PREP_HIST_BINS + 1) * sizeof *hw);
    if (!tw || !hw) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t k = 0; k < nf; k++) {
        unsigned Bk = obits[k];
        for (uint32_t r = 0; r < nt; r++)
            tw[r] = seg[1] + r + (k << trm->log_rows);
        uint32_t mean, sd;
        stats_wires(cs, tw, 1, nt, Bk, &mean, &sd, &a, &b);
        zk_cs_assert_equal(cs, mean, pub[k * (2 + ZK_PREP_HIST_BINS)]);
        zk_cs_assert_equal(cs, sd, pub[k * (2 + ZK_PREP_HIST_BINS) + 1]);
        const int64_t L = -((int64_t)1 << (Bk - 1)), H = (int64_t)1 << (Bk - 1);
        int64_t T[9], lo[ZK_PREP_HIST_BINS], hi[ZK_PREP_HIST_BINS];
        for (int e = 0; e < 9; e++) {
            int64_t v = prep_threshold(cl->mean[k], cl->std[k], e);
            T[e] = v < L ? L : v > H ? H : v;
        }
        for (unsigned q = 0; q < ZK_PREP_HIST_BINS; q++) {
            lo[q] = q == 0 ? L : T[q - 1];
            hi[q] = q == ZK_PREP_HIST_BINS - 1 ? H : T[q];
        }
        for (uint32_t r = 0; r < nt; r++) {
            unsigned bin = 0;
            if (prover) {
                int64_t v = zk_cs_value_i64(cs, tw[r]);
                for (int e = 0; e < 9; e++)
                    bin += v >= T[e];
            }
            zk_lc_clear(&a); /* sum h = 1 */
            zk_lc_clear(&b); /* lower = x - sum h lo */
            zk_lc_clear(&t1); /* upper = sum h hi - 1 - x */
            zk_lc_add_i64(&b, tw[r], 1);
            zk_lc_add_i64(&t1, tw[r], -1);
            zk_lc_add_const(&t1, gl_neg(1));
            for (unsigned q = 0; q < ZK_PREP_HIST_BINS; q++) {
                uint32_t h = zk_cs_private(cs, bin == q);
                zk_cs_boolean(cs, h);
                hw[(size_t)r * ZK_PREP_HIST_BINS + q] = h;
                zk_lc_add_i64(&a, h, 1);
                zk_lc_add_i64(&b, h, -lo[q]);
                zk_lc_add_i64(&t1, h, hi[q]);
            }
            zk_lc_clear(&t2);
            zk_lc_add_const(&t2, 1);
            zk_cs_enforce_equal(cs, &a, &t2);
            zk_cs_range(cs, zk_cs_lc_wire(cs, &b), Bk + 1);
            zk_cs_range(cs, zk_cs_lc_wire(cs, &t1), Bk + 1);
        }
        for (unsigned q = 0; q < ZK_PREP_HIST_BINS; q++) {
            zk_lc_clear(&a);
            for (uint32_t r = 0; r < nt; r++)
                zk_lc_add_i64(&a, hw[(size_t)r * ZK_PREP_HIST_BINS + q], 1);
            lc_set1(&b, pub[k * (2 + ZK_PREP_HIST_BINS) + 2 + q], 1);
            zk_cs_enforce_equal(cs, &a, &b);
        }
    }
out:
    free(pub);
    free(cur);
    free(nxt);
    free(kept);
    free(perm);
    free(tw);
    free(hw);
    free(bits);
    free(bits2);
    free(obits);
    zk_lc_free(&a);
    zk_lc_free(&b);
    zk_lc_free(&t1);
    zk_lc_free(&t2);
    return rc;
}

/* Transcript context: stage tag, pipeline digest, the three commitment ids, and
 * a digest of the claims (row accounting, dropped rows, statistics). */
static int context_bytes(uint8_t ctx[PREP_CTX_LEN], const zk_prep_pipeline *pl, const zk_dataset_commitment *raw,
                         const zk_dataset_commitment *train, const zk_dataset_commitment *test,
                         const zk_prep_claims *cl)
{
    memset(ctx, 0, 32);
    memcpy(ctx, "zkmlops/preprocess/v1", 21);
    memcpy(ctx + 32, pl->digest, ZK_HASH_BYTES);
    if (zk_dataset_commitment_id(ctx + 32 + ZK_HASH_BYTES, raw) != ZK_OK ||
        zk_dataset_commitment_id(ctx + 32 + 2 * ZK_HASH_BYTES, train) != ZK_OK ||
        zk_dataset_commitment_id(ctx + 32 + 3 * ZK_HASH_BYTES, test) != ZK_OK)
        return ZK_ERR_NOMEM;
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_wbuf_u32(&w, cl->n_raw);
    zk_wbuf_u32(&w, cl->n_kept);
    zk_wbuf_u32(&w, cl->n_train);
    zk_wbuf_u32(&w, cl->n_test);
    zk_wbuf_u32(&w, cl->n_dropped);
    zk_wbuf_u32(&w, (uint32_t)zk_prep_hidden_filter(pl));
    for (uint32_t i = 0; i < cl->n_dropped && !zk_prep_hidden_filter(pl); i++)
        zk_wbuf_u32(&w, cl->dropped[i]);
    zk_wbuf_u32(&w, cl->n_features);
    for (uint32_t k = 0; k < cl->n_features; k++) {
        zk_wbuf_u64(&w, (uint64_t)cl->mean[k]);
        zk_wbuf_u64(&w, (uint64_t)cl->std[k]);
        for (unsigned q = 0; q < ZK_PREP_HIST_BINS; q++)
            zk_wbuf_u64(&w, cl->hist[(size_t)k * ZK_PREP_HIST_BINS + q]);
    }
    if (w.oom) {
        zk_wbuf_free(&w);
        return ZK_ERR_NOMEM;
    }
    zk_sha256(ctx + 32 + 4 * ZK_HASH_BYTES, w.data, w.len);
    zk_wbuf_free(&w);
    return ZK_OK;
}

int zk_prep_prove(const zk_prep_pipeline *pl, const zk_dataset_private *raw, const zk_dataset_private *train,
                  const zk_dataset_private *test, const zk_prep_claims *cl, zk_wbuf *proof, zk_prep_security *sec)
{
    int st = zk_prep_check_shapes(pl, &raw->com.meta, &train->com.meta, &test->com.meta, cl);
    if (st != ZK_OK)
        return st;
    uint8_t ctx[PREP_CTX_LEN];
    if (context_bytes(ctx, pl, &raw->com, &train->com, &test->com, cl) != ZK_OK)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    zk_cs *cs = zk_cs_new(1);
    if (!cs)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    uint32_t seg[3];
    st = zk_prep_circuit(cs, pl, &raw->com.meta, raw->com.range_bits, &train->com.meta, &test->com.meta, cl,
                         raw->wit.evals, train->wit.evals, test->wit.evals, seg);
    if (st == ZK_OK)
        st = zk_cs_status(cs);
    if (st == ZK_OK) {
        if (sec) {
            memset(sec, 0, sizeof *sec);
            sec->constraints = zk_cs_n_constraints(cs);
            sec->wires = zk_cs_n_wires(cs);
        }
        zk_cs_link links[3] = {{&raw->com.whir, &raw->wit, seg[0]},
                               {&train->com.whir, &train->wit, seg[1]},
                               {&test->com.whir, &test->wit, seg[2]}};
        zk_proof_header_write(proof, ZK_PROOF_PREPROCESS);
        size_t at = zk_proof_section_begin(proof, PREP_SECTION_CS);
        st = zk_cs_prove(cs, ctx, sizeof ctx, links, 3, proof);
        zk_proof_section_end(proof, at);
        if (st == ZK_OK && proof->oom)
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    } else if (!zk_last_error()[0]) {
        zk_set_error((zk_status)st, "preprocessing circuit failed");
    }
    zk_cs_free(cs);
    return st;
}

int zk_prep_verify(const zk_prep_pipeline *pl, const zk_dataset_commitment *raw, const zk_dataset_commitment *train,
                   const zk_dataset_commitment *test, const zk_prep_claims *cl, const uint8_t *proof,
                   size_t proof_len, zk_prep_security *sec)
{
    int st = zk_prep_check_shapes(pl, &raw->meta, &train->meta, &test->meta, cl);
    if (st != ZK_OK)
        return st;
    uint8_t ctx[PREP_CTX_LEN];
    if (context_bytes(ctx, pl, raw, train, test, cl) != ZK_OK)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    zk_rbuf r, sub;
    zk_rbuf_init(&r, proof, proof_len);
    if ((st = zk_proof_header_read(&r, ZK_PROOF_PREPROCESS)) != ZK_OK)
        return st;
    if ((st = zk_proof_section_read(&r, PREP_SECTION_CS, "preprocessing proof", &sub)) != ZK_OK)
        return st;
    if (zk_rbuf_left(&r) != 0)
        return zk_set_error(ZK_ERR_INPUT, "trailing bytes after the preprocessing proof");
    zk_cs *cs = zk_cs_new(0);
    if (!cs)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    uint32_t seg[3];
    st = zk_prep_circuit(cs, pl, &raw->meta, raw->range_bits, &train->meta, &test->meta, cl, NULL, NULL, NULL, seg);
    if (st == ZK_OK)
        st = zk_cs_status(cs);
    if (st == ZK_OK) {
        zk_cs_link links[3] = {{&raw->whir, NULL, seg[0]}, {&train->whir, NULL, seg[1]}, {&test->whir, NULL, seg[2]}};
        zk_spartan_security ss;
        memset(&ss, 0, sizeof ss);
        st = zk_cs_verify(cs, ctx, sizeof ctx, links, 3, sub.data + sub.pos, zk_rbuf_left(&sub), &ss);
        if (sec) {
            memset(sec, 0, sizeof *sec);
            sec->security_bits = ss.security_bits;
            sec->constraints = zk_cs_n_constraints(cs);
            sec->wires = zk_cs_n_wires(cs);
        }
    }
    zk_cs_free(cs);
    return st;
}
