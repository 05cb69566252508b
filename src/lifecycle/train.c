/*
 * train.c — training specifications, initial weights, the plain integer
 * reference trainer (the specification of what the training proof shows),
 * the float reference trainer, and conversion to a model.h dense network.
 * Semantics: docs/training.md.
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle/train_internal.h"
#include "zkmlops/train.h"

/* ---------------- fixed-point helpers (same definitions as circuit.h zk_fx_*) ---------------- */

int64_t tr_floor_div(int64_t x, int64_t d)
{
    int64_t q = x / d, r = x % d;
    if (r != 0 && ((r < 0) != (d < 0)))
        q--;
    return q;
}

int64_t tr_rescale(int64_t x, unsigned s) { return tr_floor_div(x + ((int64_t)1 << (s - 1)), (int64_t)1 << s); }

int64_t tr_sigmoid(int64_t x, unsigned s)
{
    int64_t one = (int64_t)1 << s;
    int64_t a = x < 0 ? -x : x, y;
    if (a >= 5 * one)
        y = one;
    else if (a >= 19 * ((int64_t)1 << (s - 3)))
        y = a / 32 + 27 * ((int64_t)1 << (s - 5));
    else if (a >= one)
        y = a / 8 + 5 * ((int64_t)1 << (s - 3));
    else
        y = a / 4 + ((int64_t)1 << (s - 1));
    return x >= 0 ? y : one - y;
}

/* q = floor((lr G + floor(D/2)) / D), D = m 2^(2s): the update of one parameter. */
int64_t tr_step(int64_t lr, int64_t g, uint32_t m, unsigned s)
{
    int64_t D = (int64_t)m << (2 * s);
    return tr_floor_div(lr * g + D / 2, D);
}

unsigned tr_bits_u(uint64_t v)
{
    unsigned b = 0;
    while (v) {
        b++;
        v >>= 1;
    }
    return b;
}

/* ---------------- spec ---------------- */

void zk_train_spec_default(zk_train_spec *s)
{
    memset(s, 0, sizeof *s);
    s->kind = ZK_TRAIN_LOGREG;
    s->hidden = 0;
    s->epochs = 50;
    s->batch_size = 0;
    s->scale = 12;
    s->lr = 2048;
    s->init_zero = 1;
    s->seed = 0;
    s->init_range = 0;
    s->act_bits = 20;
    s->step_bits = 20;
    s->data_bits = 18;
    s->epochs_per_chunk = 0;
    snprintf(s->label, sizeof s->label, "label");
}

int zk_train_spec_check(const zk_train_spec *s)
{
    if (s->kind != ZK_TRAIN_LOGREG && s->kind != ZK_TRAIN_MLP)
        return zk_set_error(ZK_ERR_INPUT, "model must be \"logreg\" or \"mlp\"");
    if (s->kind == ZK_TRAIN_MLP && (s->hidden < 1 || s->hidden > ZK_TRAIN_MAX_HIDDEN))
        return zk_set_error(ZK_ERR_INPUT, "hidden must be in [1, %u] for an mlp", ZK_TRAIN_MAX_HIDDEN);
    if (s->kind == ZK_TRAIN_LOGREG && s->hidden != 0)
        return zk_set_error(ZK_ERR_INPUT, "hidden must be 0 (or absent) for logreg");
    if (s->epochs < 1 || s->epochs > ZK_TRAIN_MAX_EPOCHS)
        return zk_set_error(ZK_ERR_INPUT, "epochs must be in [1, %u]", ZK_TRAIN_MAX_EPOCHS);
    if (s->scale < ZK_TRAIN_MIN_SCALE || s->scale > ZK_TRAIN_MAX_SCALE)
        return zk_set_error(ZK_ERR_INPUT, "scale must be in [%u, %u]", ZK_TRAIN_MIN_SCALE, ZK_TRAIN_MAX_SCALE);
    if (s->lr < 1 || s->lr > ((int64_t)1 << (s->scale + 4)))
        return zk_set_error(ZK_ERR_INPUT, "learning_rate_fixed must be in [1, 2^(scale+4)]");
    if (!s->init_zero && (s->init_range < 0 || s->init_range > ((int64_t)1 << (s->scale + 4))))
        return zk_set_error(ZK_ERR_INPUT, "init_range_fixed must be in [0, 2^(scale+4)]");
    if (s->act_bits < s->scale + 6 || s->act_bits > 40)
        return zk_set_error(ZK_ERR_INPUT, "act_bits must be in [scale+6, 40]");
    if (s->step_bits < 2 || s->step_bits > 40)
        return zk_set_error(ZK_ERR_INPUT, "step_bits must be in [2, 40]");
    if (s->data_bits < 2 || s->data_bits > 40)
        return zk_set_error(ZK_ERR_INPUT, "data_bits must be in [2, 40]");
    if (s->epochs_per_chunk > s->epochs)
        return zk_set_error(ZK_ERR_INPUT, "epochs_per_chunk must be at most epochs");
    if (zk_train_n_chunks(s) > ZK_TRAIN_MAX_CHUNKS)
        return zk_set_error(ZK_ERR_INPUT, "too many chunks (%u > %u): raise epochs_per_chunk", zk_train_n_chunks(s),
                            ZK_TRAIN_MAX_CHUNKS);
    if (s->label[0] == '\0')
        return zk_set_error(ZK_ERR_INPUT, "label must name the label column");
    return ZK_OK;
}

static int json_u64(const cJSON *it, uint64_t max, uint64_t *out)
{
    if (cJSON_IsString(it)) {
        const char *p = it->valuestring;
        uint64_t v = 0;
        if (!*p)
            return -1;
        for (; *p; p++) {
            if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
                return -1;
            v = v * 10 + (uint64_t)(*p - '0');
        }
        if (v > max)
            return -1;
        *out = v;
        return 0;
    }
    if (!cJSON_IsNumber(it))
        return -1;
    double d = it->valuedouble;
    if (!(d >= 0) || d != floor(d) || d > 9007199254740992.0 || d > (double)max)
        return -1;
    *out = (uint64_t)d;
    return 0;
}

int zk_train_spec_parse(zk_train_spec *s, const char *path, const char *json, size_t len)
{
    zk_train_spec_default(s);
    cJSON *root = cJSON_ParseWithLength(json, len);
    if (!root)
        return zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", path);
    int st = ZK_OK;
    int have_kind = 0, have_lr_fixed = 0, have_init = 0;
    const char *lr_text = NULL;
    if (!cJSON_IsObject(root)) {
        st = zk_set_error(ZK_ERR_INPUT, "%s: the spec must be a JSON object", path);
        goto done;
    }
    for (const cJSON *it = root->child; it; it = it->next) {
        const char *k = it->string;
        uint64_t v = 0;
        if (!strcmp(k, "format")) {
            if (!cJSON_IsString(it) || strcmp(it->valuestring, "zkmlops-train/v1") != 0) {
                st = zk_set_error(ZK_ERR_INPUT, "%s: \"format\" must be \"zkmlops-train/v1\"", path);
                goto done;
            }
        } else if (!strcmp(k, "description") || !strcmp(k, "comment")) {
            if (!cJSON_IsString(it)) {
                st = zk_set_error(ZK_ERR_INPUT, "%s: \"%s\" must be a string", path, k);
                goto done;
            }
        } else if (!strcmp(k, "model")) {
            if (cJSON_IsString(it) && !strcmp(it->valuestring, "logreg"))
                s->kind = ZK_TRAIN_LOGREG;
            else if (cJSON_IsString(it) && !strcmp(it->valuestring, "mlp"))
                s->kind = ZK_TRAIN_MLP;
            else {
                st = zk_set_error(ZK_ERR_INPUT, "%s: \"model\" must be \"logreg\" or \"mlp\"", path);
                goto done;
            }
            have_kind = 1;
        } else if (!strcmp(k, "init")) {
            if (cJSON_IsString(it) && !strcmp(it->valuestring, "zero"))
                s->init_zero = 1;
            else if (cJSON_IsString(it) && !strcmp(it->valuestring, "seed"))
                s->init_zero = 0;
            else {
                st = zk_set_error(ZK_ERR_INPUT, "%s: \"init\" must be \"zero\" or \"seed\"", path);
                goto done;
            }
            have_init = 1;
        } else if (!strcmp(k, "label")) {
            if (!cJSON_IsString(it) || strlen(it->valuestring) >= sizeof s->label) {
                st = zk_set_error(ZK_ERR_INPUT, "%s: \"label\" must be a column name", path);
                goto done;
            }
            snprintf(s->label, sizeof s->label, "%s", it->valuestring);
        } else if (!strcmp(k, "learning_rate")) {
            if (!cJSON_IsString(it)) {
                st = zk_set_error(ZK_ERR_INPUT, "%s: \"learning_rate\" must be a decimal string (e.g. \"0.5\")", path);
                goto done;
            }
            lr_text = it->valuestring;
        } else if (!strcmp(k, "seed")) {
            if (json_u64(it, UINT64_MAX, &v)) {
                st = zk_set_error(ZK_ERR_INPUT, "%s: \"seed\" must be a non-negative integer", path);
                goto done;
            }
            s->seed = v;
        } else {
            static const char *const names[] = {"hidden", "epochs", "batch_size", "learning_rate_fixed",
                                                "scale", "init_range_fixed", "act_bits", "step_bits",
                                                "epochs_per_chunk", "data_bits"};
            size_t n = sizeof names / sizeof names[0], idx = n;
            for (size_t q = 0; q < n; q++)
                if (!strcmp(k, names[q]))
                    idx = q;
            if (idx == n) {
                st = zk_set_error(ZK_ERR_INPUT, "%s: unknown key \"%s\"", path, k);
                goto done;
            }
            if (json_u64(it, (uint64_t)1 << 40, &v)) {
                st = zk_set_error(ZK_ERR_INPUT, "%s: \"%s\" must be a non-negative integer", path, k);
                goto done;
            }
            switch (idx) {
            case 0: s->hidden = (uint32_t)(v > UINT32_MAX ? UINT32_MAX : v); break;
            case 1: s->epochs = (uint32_t)(v > UINT32_MAX ? UINT32_MAX : v); break;
            case 2: s->batch_size = (uint32_t)(v > UINT32_MAX ? UINT32_MAX : v); break;
            case 3: s->lr = (int64_t)v; have_lr_fixed = 1; break;
            case 4: s->scale = (uint32_t)(v > 64 ? 64 : v); break;
            case 5: s->init_range = (int64_t)v; break;
            case 6: s->act_bits = (uint32_t)(v > 64 ? 64 : v); break;
            case 7: s->step_bits = (uint32_t)(v > 64 ? 64 : v); break;
            case 8: s->epochs_per_chunk = (uint32_t)(v > UINT32_MAX ? UINT32_MAX : v); break;
            default: s->data_bits = (uint32_t)(v > 64 ? 64 : v); break;
            }
        }
    }
    if (!have_kind) {
        st = zk_set_error(ZK_ERR_INPUT, "%s: missing \"model\"", path);
        goto done;
    }
    (void)have_init;
    if (s->scale < ZK_TRAIN_MIN_SCALE || s->scale > ZK_TRAIN_MAX_SCALE) {
        st = zk_set_error(ZK_ERR_INPUT, "%s: scale must be in [%u, %u]", path, ZK_TRAIN_MIN_SCALE, ZK_TRAIN_MAX_SCALE);
        goto done;
    }
    if (lr_text) {
        int64_t lr = 0;
        if (zk_parse_fixed(lr_text, strlen(lr_text), s->scale, &lr) != ZK_OK) {
            st = zk_set_error(ZK_ERR_INPUT, "%s: \"learning_rate\" is not a decimal number", path);
            goto done;
        }
        if (have_lr_fixed && lr != s->lr) {
            st = zk_set_error(ZK_ERR_INPUT,
                              "%s: \"learning_rate\" %s is %" PRId64 " at scale %u, but \"learning_rate_fixed\" is %" PRId64,
                              path, lr_text, lr, s->scale, s->lr);
            goto done;
        }
        s->lr = lr;
    } else if (!have_lr_fixed) {
        st = zk_set_error(ZK_ERR_INPUT, "%s: missing \"learning_rate_fixed\" (or \"learning_rate\")", path);
        goto done;
    }
    if (zk_train_spec_check(s) != ZK_OK) {
        st = zk_error_prefix(ZK_ERR_INPUT, path);
        goto done;
    }
done:
    cJSON_Delete(root);
    return st;
}

void zk_train_spec_encode(zk_wbuf *w, const zk_train_spec *s)
{
    static const char tag[] = "zkmlops-train-spec/v1";
    zk_wbuf_put(w, tag, sizeof tag);
    zk_wbuf_u32(w, (uint32_t)s->kind);
    zk_wbuf_u32(w, s->hidden);
    zk_wbuf_u32(w, s->epochs);
    zk_wbuf_u32(w, s->batch_size);
    zk_wbuf_u64(w, (uint64_t)s->lr);
    zk_wbuf_u32(w, s->scale);
    zk_wbuf_u32(w, (uint32_t)s->init_zero);
    zk_wbuf_u64(w, s->seed);
    zk_wbuf_u64(w, (uint64_t)s->init_range);
    zk_wbuf_u32(w, s->act_bits);
    zk_wbuf_u32(w, s->step_bits);
    zk_wbuf_u32(w, s->data_bits);
    zk_wbuf_u32(w, s->epochs_per_chunk);
    uint32_t ln = (uint32_t)strlen(s->label);
    zk_wbuf_u32(w, ln);
    zk_wbuf_put(w, s->label, ln);
}

uint32_t zk_train_n_params(const zk_train_spec *s, uint32_t d)
{
    if (s->kind == ZK_TRAIN_MLP)
        return s->hidden * d + 2 * s->hidden + 1;
    return d + 1;
}

uint32_t zk_train_steps_per_epoch(const zk_train_spec *s, uint32_t n)
{
    if (s->batch_size == 0 || s->batch_size >= n)
        return 1;
    return (n + s->batch_size - 1) / s->batch_size;
}

uint32_t zk_train_n_chunks(const zk_train_spec *s)
{
    if (s->epochs_per_chunk == 0)
        return 1;
    return (s->epochs + s->epochs_per_chunk - 1) / s->epochs_per_chunk;
}

void zk_train_chunk_epochs(const zk_train_spec *s, uint32_t c, uint32_t *begin, uint32_t *end)
{
    uint32_t per = s->epochs_per_chunk ? s->epochs_per_chunk : s->epochs;
    uint32_t b = c * per, e = b + per;
    if (e > s->epochs)
        e = s->epochs;
    *begin = b;
    *end = e;
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void zk_train_init(const zk_train_spec *s, uint32_t d, int64_t *params)
{
    uint32_t np = zk_train_n_params(s, d);
    memset(params, 0, (size_t)np * sizeof *params);
    if (s->init_zero || s->init_range == 0)
        return;
    uint64_t st = s->seed;
    uint64_t range = 2 * (uint64_t)s->init_range + 1;
    /* weight entries only (biases stay 0), in parameter order */
    if (s->kind == ZK_TRAIN_LOGREG) {
        for (uint32_t j = 0; j < d; j++)
            params[j] = (int64_t)(splitmix64(&st) % range) - s->init_range;
    } else {
        uint32_t h = s->hidden;
        for (uint32_t q = 0; q < h * d; q++)
            params[q] = (int64_t)(splitmix64(&st) % range) - s->init_range;
        for (uint32_t k = 0; k < h; k++)
            params[h * d + h + k] = (int64_t)(splitmix64(&st) % range) - s->init_range;
    }
}

static void worst_of(unsigned *worst, const char **what, unsigned v, const char *name)
{
    if (v > *worst) {
        *worst = v;
        *what = name;
    }
}

int zk_train_check_bounds(const zk_train_spec *s, uint32_t n, uint32_t d)
{
    if (n == 0 || d == 0)
        return zk_set_error(ZK_ERR_INPUT, "empty training set");
    unsigned sc = s->scale;
    uint32_t steps = zk_train_steps_per_epoch(s, n);
    uint32_t m = (s->batch_size == 0 || s->batch_size >= n) ? n : s->batch_size;
    unsigned mb = tr_bits_u(m), lb = tr_bits_u((uint64_t)s->lr);
    /* magnitude bits: |w| < 2^wb, |x| < 2^xb, |h|, |delta| < 2^hb, |e| <= 2^s */
    unsigned wb = tr_bits_u((uint64_t)s->init_range);
    unsigned tb = tr_bits_u((uint64_t)s->epochs * steps) + s->step_bits - 1;
    wb = (wb > tb ? wb : tb) + 1;
    unsigned xb = s->data_bits - 1, hb = s->act_bits - 1, eb = sc + 1;
    unsigned worst = 0;
    const char *what = "";
    worst_of(&worst, &what, xb + wb + tr_bits_u(d) + 1, "forward dot product");
    worst_of(&worst, &what, xb + eb + mb + lb, "learning rate times weight gradient");
    worst_of(&worst, &what, 2 * sc + 1 + mb + lb, "learning rate times bias gradient");
    worst_of(&worst, &what, s->step_bits + mb + 2 * sc + 1, "update times batch divisor");
    if (s->kind == ZK_TRAIN_MLP) {
        worst_of(&worst, &what, hb + wb + tr_bits_u(s->hidden) + 1, "output dot product");
        worst_of(&worst, &what, eb + wb + 1, "error times output weight");
        worst_of(&worst, &what, hb + xb + mb + lb, "learning rate times hidden-weight gradient");
        worst_of(&worst, &what, hb + eb + mb + lb, "learning rate times output-weight gradient");
        worst_of(&worst, &what, hb + sc + mb + lb, "learning rate times hidden-bias gradient");
    }
    if (worst > ZK_TRAIN_MAX_MAG_BITS)
        return zk_set_error(ZK_ERR_RANGE,
                            "the %s may need %u bits (> %u): lower step_bits, act_bits, data_bits, the learning rate or epochs",
                            what, worst, ZK_TRAIN_MAX_MAG_BITS);
    return ZK_OK;
}

/* ---------------- integer reference ---------------- */

static int check_act(int64_t v, unsigned A, const char *what, uint32_t epoch, uint32_t row)
{
    int64_t lim = (int64_t)1 << (A - 1);
    if (v >= lim || v <= -lim)
        return zk_set_error(ZK_ERR_RANGE, "epoch %u row %u: %s %" PRId64 " exceeds act_bits %u", epoch, row, what, v, A);
    return ZK_OK;
}

static int apply_step(const zk_train_spec *s, int64_t *p, int64_t g, uint32_t m, uint32_t epoch, const char *what)
{
    int64_t q = tr_step(s->lr, g, m, s->scale);
    int64_t lim = (int64_t)1 << (s->step_bits - 1);
    if (q >= lim || q <= -lim)
        return zk_set_error(ZK_ERR_RANGE, "epoch %u: update of %s %" PRId64 " exceeds step_bits %u", epoch, what, q,
                            s->step_bits);
    *p -= q;
    return ZK_OK;
}

static int logreg_step(const zk_train_spec *s, const int64_t *x, const int64_t *y, uint32_t r0, uint32_t r1,
                       uint32_t d, uint32_t epoch, int64_t *w, int64_t *e, int64_t *G)
{
    unsigned sc = s->scale;
    uint32_t m = r1 - r0;
    int64_t b = w[d];
    for (uint32_t i = r0; i < r1; i++) {
        int64_t acc = b * ((int64_t)1 << sc);
        for (uint32_t j = 0; j < d; j++)
            acc += x[(size_t)i * d + j] * w[j];
        int64_t z = tr_rescale(acc, sc);
        if (check_act(z, s->act_bits, "logit", epoch, i))
            return ZK_ERR_RANGE;
        e[i - r0] = tr_sigmoid(z, sc) - y[i];
    }
    int64_t gb = 0;
    for (uint32_t j = 0; j < d; j++)
        G[j] = 0;
    for (uint32_t i = r0; i < r1; i++) {
        for (uint32_t j = 0; j < d; j++)
            G[j] += x[(size_t)i * d + j] * e[i - r0];
        gb += e[i - r0];
    }
    for (uint32_t j = 0; j < d; j++)
        if (apply_step(s, &w[j], G[j], m, epoch, "a weight"))
            return ZK_ERR_RANGE;
    return apply_step(s, &w[d], gb * ((int64_t)1 << sc), m, epoch, "the bias");
}

static int mlp_step(const zk_train_spec *s, const int64_t *x, const int64_t *y, uint32_t r0, uint32_t r1,
                    uint32_t d, uint32_t epoch, int64_t *p, int64_t *hbuf, int64_t *gbuf, int64_t *e, int64_t *G)
{
    unsigned sc = s->scale;
    uint32_t h = s->hidden, m = r1 - r0;
    const int64_t one = (int64_t)1 << sc;
    int64_t *W = p, *c = p + (size_t)h * d, *v = c + h, *b = v + h;
    for (uint32_t i = r0; i < r1; i++) {
        int64_t *hi = hbuf + (size_t)(i - r0) * h, *gi = gbuf + (size_t)(i - r0) * h;
        int64_t acc2 = *b * one;
        for (uint32_t k = 0; k < h; k++) {
            int64_t acc = c[k] * one;
            for (uint32_t j = 0; j < d; j++)
                acc += x[(size_t)i * d + j] * W[(size_t)k * d + j];
            int64_t hp = tr_rescale(acc, sc);
            if (check_act(hp, s->act_bits, "hidden pre-activation", epoch, i))
                return ZK_ERR_RANGE;
            gi[k] = hp >= 0;
            hi[k] = hp >= 0 ? hp : 0;
            acc2 += hi[k] * v[k];
        }
        int64_t z = tr_rescale(acc2, sc);
        if (check_act(z, s->act_bits, "logit", epoch, i))
            return ZK_ERR_RANGE;
        e[i - r0] = tr_sigmoid(z, sc) - y[i];
    }
    /* gradients (with the parameters before the step) */
    int64_t *GW = G, *Gc = G + (size_t)h * d, *Gv = Gc + h, *Gb = Gv + h;
    memset(G, 0, ((size_t)h * d + 2 * h + 1) * sizeof *G);
    for (uint32_t i = r0; i < r1; i++) {
        int64_t ei = e[i - r0];
        const int64_t *hi = hbuf + (size_t)(i - r0) * h, *gi = gbuf + (size_t)(i - r0) * h;
        *Gb += ei * one;
        for (uint32_t k = 0; k < h; k++) {
            Gv[k] += hi[k] * ei;
            int64_t dd = tr_rescale(ei * v[k], sc);
            if (check_act(dd, s->act_bits, "hidden error", epoch, i))
                return ZK_ERR_RANGE;
            int64_t delta = gi[k] ? dd : 0;
            Gc[k] += delta * one;
            for (uint32_t j = 0; j < d; j++)
                GW[(size_t)k * d + j] += delta * x[(size_t)i * d + j];
        }
    }
    uint32_t np = h * d + 2 * h + 1;
    for (uint32_t q = 0; q < np; q++)
        if (apply_step(s, &p[q], G[q], m, epoch, "a parameter"))
            return ZK_ERR_RANGE;
    return ZK_OK;
}

int zk_train_run_fx(const zk_train_spec *s, const int64_t *x, const int64_t *y, uint32_t n, uint32_t d,
                    uint32_t epoch_begin, uint32_t epoch_end, int64_t *params)
{
    if (zk_train_spec_check(s) != ZK_OK)
        return ZK_ERR_INPUT;
    if (n == 0 || d == 0)
        return zk_set_error(ZK_ERR_INPUT, "empty training set");
    uint32_t B = (s->batch_size == 0 || s->batch_size >= n) ? n : s->batch_size;
    uint32_t h = s->kind == ZK_TRAIN_MLP ? s->hidden : 1;
    uint32_t np = zk_train_n_params(s, d);
    int64_t *e = malloc((size_t)B * sizeof *e);
    int64_t *G = malloc((size_t)np * sizeof *G);
    int64_t *hb = malloc((size_t)B * h * sizeof *hb);
    int64_t *gb = malloc((size_t)B * h * sizeof *gb);
    int st = ZK_OK;
    if (!e || !G || !hb || !gb) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory in the reference trainer");
        goto out;
    }
    for (uint32_t ep = epoch_begin; ep < epoch_end && st == ZK_OK; ep++) {
        for (uint32_t r0 = 0; r0 < n && st == ZK_OK; r0 += B) {
            uint32_t r1 = r0 + B > n ? n : r0 + B;
            if (s->kind == ZK_TRAIN_LOGREG)
                st = logreg_step(s, x, y, r0, r1, d, ep, params, e, G);
            else
                st = mlp_step(s, x, y, r0, r1, d, ep, params, hb, gb, e, G);
        }
    }
out:
    free(e);
    free(G);
    free(hb);
    free(gb);
    return st;
}

int zk_train_predict_fx(const zk_train_spec *s, const int64_t *params, const int64_t *x, uint32_t n, uint32_t d,
                        int64_t *prob)
{
    unsigned sc = s->scale;
    const int64_t one = (int64_t)1 << sc;
    for (uint32_t i = 0; i < n; i++) {
        int64_t z;
        if (s->kind == ZK_TRAIN_LOGREG) {
            int64_t acc = params[d] * one;
            for (uint32_t j = 0; j < d; j++)
                acc += x[(size_t)i * d + j] * params[j];
            z = tr_rescale(acc, sc);
        } else {
            uint32_t h = s->hidden;
            const int64_t *W = params, *c = params + (size_t)h * d, *v = c + h, *b = v + h;
            int64_t acc2 = *b * one;
            for (uint32_t k = 0; k < h; k++) {
                int64_t acc = c[k] * one;
                for (uint32_t j = 0; j < d; j++)
                    acc += x[(size_t)i * d + j] * W[(size_t)k * d + j];
                int64_t hp = tr_rescale(acc, sc);
                acc2 += (hp > 0 ? hp : 0) * v[k];
            }
            z = tr_rescale(acc2, sc);
        }
        prob[i] = tr_sigmoid(z, sc);
    }
    return ZK_OK;
}

/* ---------------- float reference ---------------- */

static double sigm(double z) { return 1.0 / (1.0 + exp(-z)); }

void zk_train_run_float(const zk_train_spec *s, const double *x, const double *y, uint32_t n, uint32_t d,
                        double *p)
{
    uint32_t B = (s->batch_size == 0 || s->batch_size >= n) ? n : s->batch_size;
    double lr = (double)s->lr / (double)((int64_t)1 << s->scale);
    uint32_t h = s->kind == ZK_TRAIN_MLP ? s->hidden : 0;
    uint32_t np = zk_train_n_params(s, d);
    double *G = calloc(np, sizeof *G);
    double *hb = calloc((size_t)(h ? h : 1), sizeof *hb);
    double *hp = calloc((size_t)(h ? h : 1), sizeof *hp);
    if (!G || !hb || !hp)
        goto out;
    for (uint32_t ep = 0; ep < s->epochs; ep++) {
        for (uint32_t r0 = 0; r0 < n; r0 += B) {
            uint32_t r1 = r0 + B > n ? n : r0 + B;
            memset(G, 0, np * sizeof *G);
            for (uint32_t i = r0; i < r1; i++) {
                const double *xi = x + (size_t)i * d;
                if (h == 0) {
                    double z = p[d];
                    for (uint32_t j = 0; j < d; j++)
                        z += xi[j] * p[j];
                    double e = sigm(z) - y[i];
                    for (uint32_t j = 0; j < d; j++)
                        G[j] += xi[j] * e;
                    G[d] += e;
                } else {
                    const double *W = p, *c = p + (size_t)h * d, *v = c + h, *b = v + h;
                    double z = *b;
                    for (uint32_t k = 0; k < h; k++) {
                        double a = c[k];
                        for (uint32_t j = 0; j < d; j++)
                            a += xi[j] * W[(size_t)k * d + j];
                        hp[k] = a;
                        hb[k] = a >= 0 ? a : 0;
                        z += hb[k] * v[k];
                    }
                    double e = sigm(z) - y[i];
                    double *GW = G, *Gc = G + (size_t)h * d, *Gv = Gc + h;
                    G[np - 1] += e;
                    for (uint32_t k = 0; k < h; k++) {
                        Gv[k] += hb[k] * e;
                        double delta = hp[k] >= 0 ? e * v[k] : 0;
                        Gc[k] += delta;
                        for (uint32_t j = 0; j < d; j++)
                            GW[(size_t)k * d + j] += delta * xi[j];
                    }
                }
            }
            double m = (double)(r1 - r0);
            for (uint32_t q = 0; q < np; q++)
                p[q] -= lr * G[q] / m;
        }
    }
out:
    free(G);
    free(hb);
    free(hp);
}

void zk_train_predict_float(const zk_train_spec *s, const double *p, const double *x, uint32_t n, uint32_t d,
                            double *prob)
{
    for (uint32_t i = 0; i < n; i++) {
        const double *xi = x + (size_t)i * d;
        double z;
        if (s->kind == ZK_TRAIN_LOGREG) {
            z = p[d];
            for (uint32_t j = 0; j < d; j++)
                z += xi[j] * p[j];
        } else {
            uint32_t h = s->hidden;
            const double *W = p, *c = p + (size_t)h * d, *v = c + h, *b = v + h;
            z = *b;
            for (uint32_t k = 0; k < h; k++) {
                double a = c[k];
                for (uint32_t j = 0; j < d; j++)
                    a += xi[j] * W[(size_t)k * d + j];
                z += (a > 0 ? a : 0) * v[k];
            }
        }
        prob[i] = sigm(z);
    }
}

/* ---------------- model ---------------- */

int zk_train_to_model(zk_model *m, const zk_train_spec *s, uint32_t d, const int64_t *params)
{
    if (s->kind == ZK_TRAIN_LOGREG) {
        uint32_t dims[2] = {d, 1};
        zk_op act[1] = {ZK_OP_SIGMOID};
        const int64_t *W[1] = {params}, *B[1] = {params + d};
        return zk_model_dense(m, 1, dims, act, s->scale, W, B);
    }
    uint32_t h = s->hidden;
    uint32_t dims[3] = {d, h, 1};
    zk_op act[2] = {ZK_OP_RELU, ZK_OP_SIGMOID};
    const int64_t *W[2] = {params, params + (size_t)h * d + h};
    const int64_t *B[2] = {params + (size_t)h * d, params + (size_t)h * d + 2 * h};
    return zk_model_dense(m, 2, dims, act, s->scale, W, B);
}
