/* Constraint builder and fixed-point gadgets (circuit.h): every gadget
 * against the zk_fx_* / plain integer reference on random and edge inputs,
 * out-of-range inputs (ZK_ERR_RANGE in prover mode), a corrupted value of
 * each wire a gadget creates makes zk_cs_check fail, verifier-mode builds
 * give the same R1CS digest; proofs (zk_cs_prove / zk_cs_verify) with and
 * without linked commitments, and their soundness tests. */
#include <string.h>

#include "circuit/cs_internal.h"
#include "testutil.h"
#include "zkmlops/circuit.h"
#include "zkmlops/mle.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLOW 4
#else
#define SLOW 1
#endif

enum {
    G_RANGE, G_RANGE_S, G_TO_BITS, G_IS_NEG, G_LT, G_IS_ZERO, G_IS_EQ, G_SELECT, G_BOOLEAN, G_RESCALE, G_DIV,
    G_RELU, G_MAX, G_MIN, G_CLIP, G_SIGMOID, G_SQRT, G_ARGMAX, G_MUL, G_DOT, G_AFFINE, G_COUNT
};
static const char *const gname[G_COUNT] = {"range", "range_signed", "to_bits", "is_negative", "less_than",
                                           "is_zero", "is_equal", "select", "boolean", "rescale", "div_const",
                                           "relu", "max", "min", "clip", "sigmoid", "sqrt", "argmax", "mul", "dot",
                                           "affine"};

typedef struct {
    int g;
    int64_t in[8];
    size_t n_in;
    unsigned bits, p1; /* p1: shift / scale */
    int64_t d, lo, hi;
} gcase;

/* Plain reference: expected outputs into out[], count into *n_out; 0 if the
 * input is out of the gadget's range (expect ZK_ERR_RANGE). */
static int reference(const gcase *c, int64_t *out, size_t *n_out)
{
    const int64_t *x = c->in;
    int64_t h = c->bits ? (int64_t)1 << (c->bits - 1) : 0;
    int sig_ok = c->bits && x[0] >= -h && x[0] < h;
    *n_out = 1;
    switch (c->g) {
    case G_RANGE:
        *n_out = 0;
        return x[0] >= 0 && x[0] < 2 * h;
    case G_RANGE_S:
        *n_out = 0;
        return sig_ok;
    case G_TO_BITS:
        *n_out = c->bits;
        for (unsigned i = 0; i < c->bits; i++)
            out[i] = (x[0] >> i) & 1;
        return x[0] >= 0 && x[0] < 2 * h;
    case G_IS_NEG:
        out[0] = x[0] < 0;
        return sig_ok;
    case G_LT:
        out[0] = x[0] < x[1];
        return x[0] - x[1] >= -h && x[0] - x[1] < h;
    case G_IS_ZERO:
        out[0] = x[0] == 0;
        return 1;
    case G_IS_EQ:
        out[0] = x[0] == x[1];
        return 1;
    case G_SELECT:
        out[0] = x[0] ? x[1] : x[2];
        return 1;
    case G_BOOLEAN:
        *n_out = 0;
        return 1;
    case G_RESCALE:
        out[0] = zk_fx_rescale(x[0], c->p1);
        return sig_ok;
    case G_DIV:
        out[0] = zk_fx_div(x[0], c->d);
        return sig_ok;
    case G_RELU:
        out[0] = x[0] > 0 ? x[0] : 0;
        return sig_ok;
    case G_MAX:
    case G_MIN:
        out[0] = (x[0] > x[1]) == (c->g == G_MAX) ? x[0] : x[1];
        return x[0] - x[1] >= -h && x[0] - x[1] < h;
    case G_CLIP:
        out[0] = zk_fx_clip(x[0], c->lo, c->hi);
        return sig_ok;
    case G_SIGMOID:
        out[0] = zk_fx_sigmoid(x[0], c->p1);
        return sig_ok;
    case G_SQRT:
        if (x[0] < 0 || x[0] >= 2 * h)
            return 0;
        out[0] = zk_fx_sqrt(x[0]);
        return 1;
    case G_ARGMAX: {
        size_t best = 0;
        int fits = 1;
        for (size_t i = 1; i < c->n_in; i++)
            if (x[i] > x[best])
                best = i;
        int64_t m = x[0]; /* the gadget compares the running maximum with x[i] */
        for (size_t i = 1; i < c->n_in; i++) {
            if (m - x[i] < -h || m - x[i] >= h)
                fits = 0;
            if (x[i] > m)
                m = x[i];
        }
        out[0] = (int64_t)best;
        for (size_t i = 0; i < c->n_in; i++)
            out[1 + i] = i == best;
        *n_out = 1 + c->n_in;
        return fits;
    }
    case G_MUL:
        out[0] = x[0] * x[1];
        return 1;
    case G_DOT:
        out[0] = x[0] * x[1] + x[2] * x[3] + x[4] * x[5];
        return 1;
    case G_AFFINE:
        out[0] = 3 * x[0] - 7 * x[1] + 11;
        return 1;
    }
    return 0;
}

/* Build the gadget on private inputs; outputs into ow[]. */
static void build(zk_cs *cs, const gcase *c, uint32_t *ow)
{
    uint32_t in[8];
    for (size_t i = 0; i < c->n_in; i++)
        in[i] = zk_cs_private_i64(cs, c->in[i]);
    static const int64_t aff[2] = {3, -7};
    switch (c->g) {
    case G_RANGE: zk_cs_range(cs, in[0], c->bits); break;
    case G_RANGE_S: zk_cs_range_signed(cs, in[0], c->bits); break;
    case G_TO_BITS: zk_cs_to_bits(cs, in[0], c->bits, ow); break;
    case G_IS_NEG: ow[0] = zk_cs_is_negative(cs, in[0], c->bits); break;
    case G_LT: ow[0] = zk_cs_less_than(cs, in[0], in[1], c->bits); break;
    case G_IS_ZERO: ow[0] = zk_cs_is_zero(cs, in[0]); break;
    case G_IS_EQ: ow[0] = zk_cs_is_equal(cs, in[0], in[1]); break;
    case G_SELECT:
        zk_cs_boolean(cs, in[0]);
        ow[0] = zk_cs_select(cs, in[0], in[1], in[2]);
        break;
    case G_BOOLEAN: zk_cs_boolean(cs, in[0]); break;
    case G_RESCALE: ow[0] = zk_cs_rescale(cs, in[0], c->p1, c->bits); break;
    case G_DIV: ow[0] = zk_cs_div_const(cs, in[0], c->d, c->bits); break;
    case G_RELU: ow[0] = zk_cs_relu(cs, in[0], c->bits); break;
    case G_MAX: ow[0] = zk_cs_max(cs, in[0], in[1], c->bits); break;
    case G_MIN: ow[0] = zk_cs_min(cs, in[0], in[1], c->bits); break;
    case G_CLIP: ow[0] = zk_cs_clip(cs, in[0], c->lo, c->hi, c->bits); break;
    case G_SIGMOID: ow[0] = zk_cs_sigmoid(cs, in[0], c->p1, c->bits); break;
    case G_SQRT: ow[0] = zk_cs_sqrt(cs, in[0], c->bits); break;
    case G_ARGMAX: ow[0] = zk_cs_argmax(cs, in, c->n_in, c->bits, ow + 1); break;
    case G_MUL: ow[0] = zk_cs_mul(cs, in[0], in[1]); break;
    case G_DOT: {
        uint32_t a[3] = {in[0], in[2], in[4]}, b[3] = {in[1], in[3], in[5]};
        ow[0] = zk_cs_dot(cs, a, b, 3);
        break;
    }
    case G_AFFINE: ow[0] = zk_cs_affine(cs, in, aff, 2, 11); break;
    }
}

static int gadget_fixed_cost(const gcase *c, uint32_t *cost)
{
    unsigned b = c->bits;
    switch (c->g) {
    case G_RANGE: case G_RANGE_S: case G_TO_BITS: case G_IS_NEG: case G_LT: *cost = b + 1; return 1;
    case G_IS_ZERO: case G_IS_EQ: *cost = 2; return 1;
    case G_SELECT: *cost = 2; return 1; /* boolean + select */
    case G_RESCALE: *cost = b + 3; return 1;
    case G_RELU: case G_MAX: case G_MIN: *cost = b + 2; return 1;
    case G_SQRT: *cost = 3 * ((b + 1) / 2) + 6; return 1;
    case G_MUL: *cost = 1; return 1;
    case G_DOT: *cost = 3; return 1;
    case G_AFFINE: *cost = 1; return 1;
    case G_SIGMOID: *cost = 2 * b + 3 * (b - c->p1 + 5) + 7; return 1;
    case G_CLIP: {
        unsigned w = b;
        int64_t lim[2] = {c->lo, c->hi};
        for (int i = 0; i < 2; i++) {
            unsigned sw = 1;
            while (lim[i] < -((int64_t)1 << (sw - 1)) || lim[i] >= ((int64_t)1 << (sw - 1)))
                sw++;
            if (sw > w)
                w = sw;
        }
        *cost = 2 * (w + 2) + 2;
        return 1;
    }
    case G_DIV: {
        unsigned e = 0, k = 0;
        while (((int64_t)2 << e) <= c->d)
            e++;
        while (((int64_t)1 << k) < c->d)
            k++; /* bit length of d - 1 */
        unsigned qb = b > e + 1 ? b - e : 1;
        *cost = k + ((c->d & (c->d - 1)) ? k + 1 : 0) + qb + 2;
        return 1;
    }
    case G_ARGMAX:
        *cost = c->n_in == 1 ? 1 + 2 : (unsigned)(c->n_in - 1) * (b + 3) - 1 + 2 * (unsigned)c->n_in;
        return 1;
    }
    return 0;
}

/* Run one case: value check against the reference, zk_cs_check, corruption
 * of every wire the gadget created, verifier-mode digest. */
static void run_case(const gcase *c)
{
    int64_t expect[72];
    size_t n_out;
    int fits = reference(c, expect, &n_out);
    zk_cs *cs = zk_cs_new(1);
    assert_non_null(cs);
    uint32_t ow[72];
    memset(ow, 0, sizeof ow);
    size_t n_inputs = c->n_in;
    uint32_t w0 = zk_cs_n_wires(cs) + (uint32_t)n_inputs, c0 = 0;
    build(cs, c, ow);
    if (!fits) {
        if (zk_cs_status(cs) != ZK_ERR_RANGE)
            fail_msg("%s: out-of-range input %lld (bits %u) gave status %d, want ZK_ERR_RANGE", gname[c->g],
                     (long long)c->in[0], c->bits, zk_cs_status(cs));
        assert_non_null(strstr(zk_last_error(), gname[c->g]));
        zk_cs_free(cs);
        return;
    }
    if (zk_cs_status(cs) != ZK_OK)
        fail_msg("%s: status %d: %s", gname[c->g], zk_cs_status(cs), zk_last_error());
    for (size_t i = 0; i < n_out; i++)
        if (zk_cs_value_i64(cs, ow[i]) != expect[i])
            fail_msg("%s(x=%lld, y=%lld, bits %u, p %u, d %lld): output %zu = %lld, reference %lld", gname[c->g],
                     (long long)c->in[0], (long long)c->in[1], c->bits, c->p1, (long long)c->d, i,
                     (long long)zk_cs_value_i64(cs, ow[i]), (long long)expect[i]);
    if (zk_cs_check(cs) != ZK_OK)
        fail_msg("%s: %s", gname[c->g], zk_last_error());
    uint32_t cost;
    if (gadget_fixed_cost(c, &cost) && zk_cs_n_constraints(cs) - c0 != cost)
        fail_msg("%s: %u constraints, documented %u", gname[c->g], zk_cs_n_constraints(cs), cost);
    /* corrupt every wire the gadget created (and the inputs for gadgets
     * whose constraints pin them): the check must fail, except for the
     * inverse wire of is_zero on a zero input (it is free by design). */
    uint32_t w1 = zk_cs_n_wires(cs), free_wires = 0, allowed = 0;
    if (c->g == G_IS_ZERO && c->in[0] == 0)
        allowed = 1;
    if (c->g == G_IS_EQ && c->in[0] == c->in[1])
        allowed = 1;
    if (c->g == G_ARGMAX)
        allowed = 1; /* the onehot is_equal that hits the index */
    for (uint32_t w = w0; w < w1; w++) {
        gl_t v = zk_cs_value(cs, w);
        zk_cs_set_value(cs, w, gl_add(v, 1));
        if (zk_cs_check(cs) == ZK_OK)
            free_wires++;
        zk_cs_set_value(cs, w, v);
    }
    if (free_wires > allowed)
        fail_msg("%s: %u of %u gadget wires can be changed without breaking a constraint", gname[c->g], free_wires,
                 w1 - w0);
    /* the verifier builds the same structure */
    const zk_r1cs *r = zk_cs_r1cs(cs);
    assert_non_null(r);
    zk_digest d1 = r->digest;
    zk_cs *vs = zk_cs_new(0);
    build(vs, c, ow);
    assert_int_equal(zk_cs_status(vs), ZK_OK);
    const zk_r1cs *rv = zk_cs_r1cs(vs);
    assert_non_null(rv);
    assert_memory_equal(d1.h, rv->digest.h, 32);
    assert_int_equal(rv->n_constraints, r->n_constraints);
    zk_cs_free(vs);
    zk_cs_free(cs);
}

static int64_t rnd_signed(test_rng *r, unsigned bits)
{
    uint64_t v = test_rng_u64(r);
    int64_t h = (int64_t)1 << (bits - 1);
    switch (v & 7) {
    case 0: return -h;
    case 1: return h - 1;
    case 2: return 0;
    case 3: return bits >= 3 ? (int64_t)((v >> 8) % 5) - 2 : 0;
    default: return (int64_t)((v >> 3) % (2 * (uint64_t)h)) - h;
    }
}

static void test_gadgets_random(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed());
    static const unsigned widths[] = {1, 2, 3, 8, 16, 24, 33, 40, 61, 62};
    for (int g = 0; g < G_COUNT; g++) {
        int iters = 60 / SLOW;
        for (int it = 0; it < iters; it++) {
            gcase c;
            memset(&c, 0, sizeof c);
            c.g = g;
            c.bits = widths[test_rng_u64(&r) % 10];
            c.n_in = 1;
            switch (g) {
            case G_RANGE:
            case G_TO_BITS:
            case G_SQRT:
                if (g == G_SQRT && c.bits > 60)
                    c.bits = 60;
                c.in[0] = rnd_signed(&r, c.bits) + ((int64_t)1 << (c.bits - 1));
                break;
            case G_LT: case G_MAX: case G_MIN:
                c.n_in = 2;
                if (c.bits > 60)
                    c.bits = 60;
                if (c.bits < 2)
                    c.bits = 2;
                c.in[0] = rnd_signed(&r, c.bits - 1);
                c.in[1] = it % 3 == 0 ? c.in[0] : rnd_signed(&r, c.bits - 1);
                break;
            case G_IS_ZERO:
                c.in[0] = it % 3 == 0 ? 0 : rnd_signed(&r, 62);
                break;
            case G_IS_EQ:
                c.n_in = 2;
                c.in[0] = rnd_signed(&r, 62);
                c.in[1] = it % 2 ? c.in[0] : rnd_signed(&r, 62);
                break;
            case G_SELECT:
                c.n_in = 3;
                c.in[0] = it & 1;
                c.in[1] = rnd_signed(&r, 62);
                c.in[2] = rnd_signed(&r, 62);
                break;
            case G_BOOLEAN:
                c.in[0] = it & 1;
                break;
            case G_RESCALE:
                if (c.bits < 2)
                    c.bits = 2;
                c.p1 = 1 + (unsigned)(test_rng_u64(&r) % c.bits);
                c.in[0] = rnd_signed(&r, c.bits);
                break;
            case G_DIV: {
                static const int64_t ds[] = {1, 2, 3, 7, 10, 16, 255, 1000003, ((int64_t)1 << 40) + 5};
                c.d = ds[test_rng_u64(&r) % 9];
                c.in[0] = rnd_signed(&r, c.bits);
                break;
            }
            case G_CLIP:
                if (c.bits > 60)
                    c.bits = 60;
                c.in[0] = rnd_signed(&r, c.bits);
                c.lo = rnd_signed(&r, c.bits);
                c.hi = rnd_signed(&r, c.bits);
                if (it % 5 == 0)
                    c.lo = -((int64_t)1 << 50), c.hi = (int64_t)1 << 50;
                if (c.lo > c.hi) {
                    int64_t t = c.lo;
                    c.lo = c.hi;
                    c.hi = t;
                }
                break;
            case G_SIGMOID:
                c.p1 = 5 + (unsigned)(test_rng_u64(&r) % 12);
                c.bits = c.p1 + 4 + (unsigned)(test_rng_u64(&r) % 20);
                c.in[0] = rnd_signed(&r, c.bits);
                if (it % 4 == 0) { /* near the breakpoints */
                    static const int64_t bp[] = {0, 8, 19, 40};
                    c.in[0] = (bp[it / 4 % 4] << (c.p1 - 3)) + (int64_t)(test_rng_u64(&r) % 5) - 2;
                    if (it & 1)
                        c.in[0] = -c.in[0];
                }
                break;
            case G_ARGMAX:
                c.n_in = 1 + (size_t)(test_rng_u64(&r) % 6);
                if (c.bits > 60)
                    c.bits = 60;
                if (c.bits < 3)
                    c.bits = 3;
                for (size_t i = 0; i < c.n_in; i++)
                    c.in[i] = i && it % 3 == 0 ? c.in[0] : rnd_signed(&r, c.bits - 1);
                break;
            case G_MUL:
                c.n_in = 2;
                c.in[0] = rnd_signed(&r, 31);
                c.in[1] = rnd_signed(&r, 31);
                break;
            case G_DOT:
                c.n_in = 6;
                for (int i = 0; i < 6; i++)
                    c.in[i] = rnd_signed(&r, 30);
                break;
            case G_AFFINE:
                c.n_in = 2;
                c.in[0] = rnd_signed(&r, 40);
                c.in[1] = rnd_signed(&r, 40);
                break;
            default:
                c.in[0] = rnd_signed(&r, c.bits);
            }
            run_case(&c);
        }
    }
}

static void test_gadgets_out_of_range(void **state)
{
    (void)state;
    static const int gs[] = {G_RANGE, G_RANGE_S, G_TO_BITS, G_IS_NEG, G_LT, G_RESCALE, G_DIV, G_RELU, G_MAX,
                             G_MIN, G_CLIP, G_SIGMOID, G_SQRT, G_ARGMAX};
    for (size_t k = 0; k < sizeof gs / sizeof gs[0]; k++)
        for (int side = 0; side < 2; side++) {
            gcase c;
            memset(&c, 0, sizeof c);
            c.g = gs[k];
            c.bits = 12;
            c.n_in = c.g == G_LT || c.g == G_MAX || c.g == G_MIN ? 2 : c.g == G_ARGMAX ? 3 : 1;
            c.in[0] = side ? 2048 : -2049; /* just outside signed 12 bits */
            if (c.g == G_RANGE || c.g == G_TO_BITS || c.g == G_SQRT)
                c.in[0] = side ? 4096 : -1;
            c.p1 = c.g == G_SIGMOID ? 6 : 3;
            c.d = 3;
            c.lo = -5;
            c.hi = 5;
            int64_t e[72];
            size_t ne;
            assert_false(reference(&c, e, &ne));
            run_case(&c);
        }
}

static void test_gadgets_exhaustive_small(void **state)
{
    (void)state;
    /* every 8-bit signed input of the scale-5 sigmoid, rescale, div, sqrt */
    for (int64_t x = -128; x < 128; x += 1) {
        gcase c;
        memset(&c, 0, sizeof c);
        c.n_in = 1;
        c.in[0] = x;
        c.g = G_SIGMOID;
        c.bits = 9;
        c.p1 = 5;
        run_case(&c);
        c.g = G_RESCALE;
        c.bits = 8;
        c.p1 = 1 + (unsigned)((x + 128) % 8);
        run_case(&c);
        c.g = G_DIV;
        c.d = 1 + (x + 128) % 13;
        run_case(&c);
        if (x >= 0) {
            c.g = G_SQRT;
            c.bits = 7 + (unsigned)(x & 1);
            run_case(&c);
        }
    }
}

/* Review fix 3: the widest sigmoid scales (57, 58: the reference and the
 * gadget agree at every breakpoint, prover and verifier build the same
 * circuit) and scales beyond 58 or below 5 are a sticky ZK_ERR_INPUT in both
 * modes, never an abort. */
static void test_sigmoid_scale_limits(void **state)
{
    (void)state;
    for (unsigned scale = 57; scale <= 58; scale++) {
        int64_t one = (int64_t)1 << scale;
        const int64_t pts[] = {0, one - 1, one, 19 * (one >> 3) - 1, 19 * (one >> 3), 5 * one - 1, 5 * one, 1};
        unsigned widths[2] = {scale + 4, 62};
        for (int wi = 0; wi < 2; wi++) {
            unsigned bits = widths[wi];
            int64_t h = (int64_t)1 << (bits - 1);
            for (size_t i = 0; i < sizeof pts / sizeof pts[0] + 1; i++)
                for (int sg = -1; sg <= 1; sg += 2) {
                    int64_t x = i < sizeof pts / sizeof pts[0] ? sg * pts[i] : (sg < 0 ? -h : h - 1);
                    if (x < -h || x >= h)
                        continue;
                    gcase c;
                    memset(&c, 0, sizeof c);
                    c.n_in = 1;
                    c.in[0] = x;
                    c.g = G_SIGMOID;
                    c.bits = bits;
                    c.p1 = scale;
                    run_case(&c);
                }
        }
    }
    assert_int_equal(zk_fx_sigmoid(5 * ((int64_t)1 << 58), 58), (int64_t)1 << 58);
    assert_int_equal(zk_fx_sigmoid(-((int64_t)1 << 58), 58), (int64_t)1 << 56); /* 1 - (1/8 + 5/8) */
    static const unsigned bad[][2] = {{59, 62}, {59, 63}, {60, 62}, {4, 20}, {12, 15}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        for (int prover = 1; prover >= 0; prover--) {
            zk_cs *cs = zk_cs_new(prover);
            uint32_t x = zk_cs_private_i64(cs, 3);
            assert_int_equal(zk_cs_sigmoid(cs, x, bad[i][0], bad[i][1]), 0);
            assert_int_equal(zk_cs_status(cs), ZK_ERR_INPUT);
            assert_non_null(strstr(zk_last_error(), "sigmoid"));
            assert_int_equal(zk_cs_mul(cs, x, x), 0); /* sticky */
            zk_cs_free(cs);
        }
}

/* Review finding 2: rescale, div_const and clip do not prove the declared
 * range of x; circuit.h states what they prove instead. Check that statement
 * exhaustively on small widths: for every input x in a window much wider
 * than the declared range and every assignment of the gadget's wires
 * (every bit pattern; the non-bit wires are the unique values their
 * constraints allow), the constraints hold for exactly one assignment when x
 * lies in the documented implied range, whose output is the reference, and
 * for none outside it. */
typedef struct {
    int g;
    unsigned bits, shift;
    int64_t d, lo, hi;
    int64_t imp_lo, imp_hi; /* documented implied range of x: [imp_lo, imp_hi) */
} wcase;

static void set_bits_from(zk_cs *cs, uint32_t first, unsigned n, uint64_t pat)
{
    for (unsigned i = 0; i < n; i++)
        zk_cs_set_value(cs, first + i, (pat >> i) & 1);
}

static int64_t signed_bits_value(const zk_cs *cs, uint32_t first, unsigned n)
{
    int64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        if (zk_cs_value(cs, first + i))
            v += i == n - 1 ? -((int64_t)1 << i) : (int64_t)1 << i;
    return v;
}

static void enumerate_witnesses(const wcase *e)
{
    zk_cs *cs = zk_cs_new(1);
    uint32_t x = zk_cs_private_i64(cs, 0), out = 0;
    switch (e->g) {
    case G_RESCALE: out = zk_cs_rescale(cs, x, e->shift, e->bits); break;
    case G_DIV: out = zk_cs_div_const(cs, x, e->d, e->bits); break;
    case G_CLIP: out = zk_cs_clip(cs, x, e->lo, e->hi, e->bits); break;
    }
    assert_int_equal(zk_cs_status(cs), ZK_OK);
    uint32_t w0 = x + 1, end = zk_cs_n_wires(cs);
    /* rescale / div_const: [bits of r (and of d-1-r)] q [bits of q];
     * clip: [cb bits of x-lo] [cb bits of hi-x] t out */
    unsigned nb = end - w0 - (e->g == G_CLIP ? 2 : 1), qbits = e->g == G_CLIP ? 0 : end - out - 1;
    assert_true(nb <= 14);
    if (e->g == G_CLIP)
        assert_int_equal(out, end - 1);
    int64_t win = 2 * (e->imp_hi - e->imp_lo) + 8;
    for (int64_t X = -win; X < win; X++) {
        unsigned count = 0;
        for (uint64_t pat = 0; pat < ((uint64_t)1 << nb); pat++) {
            zk_cs_set_value(cs, x, gl_from_i64(X));
            int64_t ref;
            if (e->g == G_CLIP) {
                unsigned cb = nb / 2;
                set_bits_from(cs, w0, nb, pat);
                gl_t n1 = zk_cs_value(cs, w0 + cb - 1), n2 = zk_cs_value(cs, w0 + 2 * cb - 1);
                gl_t t = n1 ? gl_from_i64(e->lo - X) : 0; /* t = n1 (lo - x) */
                zk_cs_set_value(cs, out - 1, t);
                /* out - x - t = n2 (hi - x) */
                zk_cs_set_value(cs, out, gl_add(gl_add(gl_from_i64(X), t), n2 ? gl_from_i64(e->hi - X) : 0));
                ref = zk_fx_clip(X, e->lo, e->hi);
            } else {
                set_bits_from(cs, w0, out - w0, pat);
                set_bits_from(cs, out + 1, qbits, pat >> (out - w0));
                zk_cs_set_value(cs, out, gl_from_i64(signed_bits_value(cs, out + 1, qbits)));
                ref = e->g == G_RESCALE ? zk_fx_rescale(X, e->shift) : zk_fx_div(X, e->d);
            }
            if (zk_cs_check(cs) != ZK_OK)
                continue;
            count++;
            if (X < e->imp_lo || X >= e->imp_hi)
                fail_msg("%s (bits %u, shift %u, d %lld, clip [%lld, %lld]): x = %lld outside the documented "
                         "implied range [%lld, %lld) satisfies the constraints",
                         gname[e->g], e->bits, e->shift, (long long)e->d, (long long)e->lo, (long long)e->hi,
                         (long long)X, (long long)e->imp_lo, (long long)e->imp_hi);
            if (zk_cs_value_i64(cs, out) != ref)
                fail_msg("%s (bits %u, shift %u, d %lld): x = %lld gives output %lld, reference %lld", gname[e->g],
                         e->bits, e->shift, (long long)e->d, (long long)X, (long long)zk_cs_value_i64(cs, out),
                         (long long)ref);
        }
        unsigned want = X >= e->imp_lo && X < e->imp_hi;
        if (count != want)
            fail_msg("%s (bits %u, shift %u, d %lld): x = %lld has %u satisfying assignments, want %u", gname[e->g],
                     e->bits, e->shift, (long long)e->d, (long long)X, count, want);
    }
    zk_cs_free(cs);
}

static void test_gadget_implied_ranges(void **state)
{
    (void)state;
    /* rescale(x, s), in_bits b: q signed in b - s + 1 bits, r in [0, 2^s):
     * x in [-2^b - 2^(s-1), 2^b - 2^(s-1)) */
    for (unsigned sh = 1; sh <= 4; sh++) {
        wcase e = {G_RESCALE, 4, sh, 0, 0, 0, -16 - (1 << (sh - 1)), 16 - (1 << (sh - 1))};
        enumerate_witnesses(&e);
    }
    /* div(x, d), in_bits b, e = floor(log2 d): q signed in qb = b - e bits
     * (1 if b <= e + 1), r in [0, d): x in [-d 2^(qb-1), d 2^(qb-1)) */
    static const struct {
        unsigned b;
        int64_t d;
        unsigned qb;
    } dv[] = {{4, 1, 4}, {4, 3, 3}, {4, 4, 2}, {4, 5, 2}, {3, 7, 1}, {2, 6, 1}};
    for (size_t i = 0; i < sizeof dv / sizeof dv[0]; i++) {
        int64_t h = dv[i].d << (dv[i].qb - 1);
        wcase e = {G_DIV, dv[i].b, 0, dv[i].d, 0, 0, -h, h};
        enumerate_witnesses(&e);
    }
    /* clip(x, lo, hi), bits b: cb = max(b, width(lo), width(hi)) + 1 and
     * x - lo, hi - x signed in cb bits */
    static const struct {
        unsigned b;
        int64_t lo, hi;
        unsigned cb;
    } cv[] = {{3, -2, 1, 4}, {3, 0, 0, 4}, {2, 5, 9, 6}, {3, -9, -3, 6}};
    for (size_t i = 0; i < sizeof cv / sizeof cv[0]; i++) {
        int64_t h = (int64_t)1 << (cv[i].cb - 1);
        int64_t lo = cv[i].lo - h > cv[i].hi - h + 1 ? cv[i].lo - h : cv[i].hi - h + 1;
        int64_t hi = cv[i].lo + h < cv[i].hi + h + 1 ? cv[i].lo + h : cv[i].hi + h + 1;
        wcase e = {G_CLIP, cv[i].b, 0, 0, cv[i].lo, cv[i].hi, lo, hi};
        enumerate_witnesses(&e);
    }
}

static void test_fx_reference(void **state)
{
    (void)state;
    { /* widest sigmoid and rescale */
        static const int64_t xs[] = {-((int64_t)1 << 61), ((int64_t)1 << 61) - 1, 0, (int64_t)5 << 58, -((int64_t)1 << 58)};
        for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
            gcase c;
            memset(&c, 0, sizeof c);
            c.n_in = 1;
            c.in[0] = xs[i];
            c.g = G_SIGMOID;
            c.bits = 62;
            c.p1 = 58;
            run_case(&c);
            c.p1 = 5;
            run_case(&c);
            c.g = G_RESCALE;
            c.p1 = 62;
            run_case(&c);
            c.p1 = 1;
            run_case(&c);
        }
    }
    assert_int_equal(zk_fx_rescale(3, 1), 2);  /* 1.5 -> 2 */
    assert_int_equal(zk_fx_rescale(-3, 1), -1); /* -1.5 -> -1 (half up) */
    assert_int_equal(zk_fx_rescale(-5, 2), -1); /* -1.25 -> -1 */
    assert_int_equal(zk_fx_div(-7, 2), -4);
    assert_int_equal(zk_fx_div(7, 2), 3);
    assert_int_equal(zk_fx_clip(9, -2, 4), 4);
    assert_int_equal(zk_fx_sqrt(0), 0);
    assert_int_equal(zk_fx_sqrt(99), 9);
    assert_int_equal(zk_fx_sqrt(100), 10);
    assert_int_equal(zk_fx_sqrt(INT64_MAX), 3037000499LL);
    assert_int_equal(zk_fx_sigmoid(0, 12), 2048);
    assert_int_equal(zk_fx_sigmoid(5 << 12, 12), 4096);
    assert_int_equal(zk_fx_sigmoid(-(5 << 12), 12), 0);
    /* the approximation stays within 0.02 of the logistic function */
    for (int64_t x = -(8 << 12); x <= (8 << 12); x += 37) {
        double s = 1.0 / (1.0 + __builtin_exp(-(double)x / 4096.0));
        double d = (double)zk_fx_sigmoid(x, 12) / 4096.0 - s;
        assert_true(d < 0.02 && d > -0.02);
    }
}

/* A mixed circuit: public inputs, private values, every gadget. */
static void build_mixed(zk_cs *cs, const int64_t *vals, size_t n, int64_t pub0)
{
    uint32_t p = zk_cs_public_i64(cs, pub0);
    uint32_t x[64];
    for (size_t i = 0; i < n; i++)
        x[i] = zk_cs_private_i64(cs, zk_cs_is_prover(cs) ? vals[i] : 0);
    uint32_t acc = zk_cs_dot(cs, x, x + 1, n - 1);
    uint32_t r = zk_cs_rescale(cs, acc, 8, 50);
    uint32_t s = zk_cs_sigmoid(cs, zk_cs_clip(cs, r, -(1 << 20), 1 << 20, 44), 12, 24);
    uint32_t m = zk_cs_max(cs, s, zk_cs_relu(cs, x[0], 20), 30);
    uint32_t q = zk_cs_sqrt(cs, zk_cs_mul(cs, m, m), 50);
    uint32_t am = zk_cs_argmax(cs, x, n, 24, NULL);
    uint32_t eq = zk_cs_is_equal(cs, q, m);
    zk_lc l;
    zk_lc_init(&l);
    zk_lc_add(&l, am, 1);
    zk_lc_add(&l, eq, 1);
    zk_lc_add(&l, p, GL_P - 1);
    zk_lc_add(&l, eq, 2); /* merged with the first eq term */
    zk_lc_add_const(&l, 5);
    uint32_t o = zk_cs_lc_wire(cs, &l);
    zk_lc_free(&l);
    zk_cs_range_signed(cs, zk_cs_div_const(cs, o, 3, 30), 20);
}

static void test_builder_basics(void **state)
{
    (void)state;
    zk_cs *cs = zk_cs_new(1);
    uint32_t p = zk_cs_public_i64(cs, -4);
    uint32_t a = zk_cs_private_i64(cs, 7);
    assert_int_equal(p, 1);
    assert_int_equal(a, 2);
    assert_int_equal(zk_cs_value_i64(cs, p), -4);
    /* public after private */
    assert_int_equal(zk_cs_public(cs, 1), 0);
    assert_int_equal(zk_cs_status(cs), ZK_ERR_INPUT);
    assert_int_equal(zk_cs_mul(cs, a, a), 0); /* sticky */
    assert_int_equal(zk_cs_check(cs), ZK_ERR_INPUT);
    zk_cs_free(cs);

    /* merging and zero coefficients */
    cs = zk_cs_new(1);
    a = zk_cs_private_i64(cs, 5);
    zk_lc l;
    zk_lc_init(&l);
    zk_lc_add_i64(&l, a, 2);
    zk_lc_add_i64(&l, a, 3);
    zk_lc_add_i64(&l, 0, 4);
    zk_lc_add_i64(&l, 0, -4);
    uint32_t o = zk_cs_lc_wire(cs, &l);
    assert_int_equal(zk_cs_value_i64(cs, o), 25);
    const zk_r1cs *r = zk_cs_r1cs(cs);
    assert_int_equal(r->n_constraints, 1);
    assert_int_equal(r->abc[0].row_ptr[1], 1); /* 5a, the constant cancelled */
    assert_int_equal(r->abc[0].coeff[0], 5);
    assert_int_equal(r->n_pub_in, 0);
    assert_int_equal(zk_r1cs_check_witness(r, cs->val, r->n_wires, NULL, NULL), ZK_OK);
    /* unknown wire */
    zk_lc_clear(&l);
    zk_lc_add(&l, 999, 1);
    assert_int_equal(zk_cs_lc_wire(cs, &l), 0);
    assert_int_equal(zk_cs_status(cs), ZK_ERR_INPUT);
    zk_lc_free(&l);
    zk_cs_free(cs);

    /* segments are aligned in the Spartan w vector */
    cs = zk_cs_new(1);
    zk_cs_public_i64(cs, 1);
    zk_cs_public_i64(cs, 2);
    zk_cs_private_i64(cs, 3);
    gl_t seg[16];
    for (int i = 0; i < 16; i++)
        seg[i] = (gl_t)i * 3;
    uint32_t s0 = zk_cs_segment(cs, seg, 4);
    uint32_t s1 = zk_cs_segment(cs, seg, 2);
    assert_int_equal((s0 - 1 - 2) % 16, 0);
    assert_int_equal((s1 - 1 - 2) % 4, 0);
    assert_int_equal(zk_cs_value(cs, s0 + 5), 15);
    assert_int_equal(zk_cs_status(cs), ZK_OK);
    zk_cs_free(cs);
}

static void test_mixed_digest(void **state)
{
    (void)state;
    test_rng rg;
    test_rng_seed(&rg, test_seed() + 1);
    int64_t v[12];
    for (int i = 0; i < 12; i++)
        v[i] = (int64_t)(test_rng_u64(&rg) % 2001) - 1000;
    zk_cs *cs = zk_cs_new(1), *vs = zk_cs_new(0), *other = zk_cs_new(0);
    build_mixed(cs, v, 12, 42);
    build_mixed(vs, v, 12, 42);
    build_mixed(other, v, 11, 42);
    if (zk_cs_status(cs) != ZK_OK)
        fail_msg("%s", zk_last_error());
    assert_int_equal(zk_cs_check(cs), ZK_OK);
    const zk_r1cs *a = zk_cs_r1cs(cs), *b = zk_cs_r1cs(vs), *c = zk_cs_r1cs(other);
    assert_memory_equal(a->digest.h, b->digest.h, 32);
    assert_memory_not_equal(a->digest.h, c->digest.h, 32);
    assert_int_equal(zk_r1cs_check_witness(a, cs->val, a->n_wires, NULL, NULL), ZK_OK);
    zk_cs_free(cs);
    zk_cs_free(vs);
    zk_cs_free(other);
}


/* ---- proofs ---- */

static const uint8_t CTX[] = "test-stage/v1";

static int verify_mixed(const uint8_t *proof, size_t len, const int64_t *v, size_t n, int64_t pub0, const uint8_t *ctx,
                        size_t ctx_len)
{
    zk_cs *vs = zk_cs_new(0);
    build_mixed(vs, v, n, pub0);
    int rc = zk_cs_verify(vs, ctx, ctx_len, NULL, 0, proof, len, NULL);
    zk_cs_free(vs);
    return rc;
}

static void test_prove_plain(void **state)
{
    (void)state;
    test_rng rg;
    test_rng_seed(&rg, test_seed() + 2);
    int64_t v[12];
    for (int i = 0; i < 12; i++)
        v[i] = (int64_t)(test_rng_u64(&rg) % 2001) - 1000;
    zk_cs *cs = zk_cs_new(1);
    build_mixed(cs, v, 12, 42);
    zk_wbuf w;
    zk_wbuf_init(&w);
    if (zk_cs_prove(cs, CTX, sizeof CTX, NULL, 0, &w) != ZK_OK)
        fail_msg("%s", zk_last_error());
    zk_cs *vs = zk_cs_new(0);
    build_mixed(vs, v, 12, 42);
    zk_spartan_security sec;
    if (zk_cs_verify(vs, CTX, sizeof CTX, NULL, 0, w.data, w.len, &sec) != ZK_OK)
        fail_msg("%s", zk_last_error());
    zk_cs_free(vs);
    assert_true(sec.security_bits >= 100);
    /* the verifier's private values are irrelevant: other private inputs, same structure */
    int64_t v2[12];
    for (int i = 0; i < 12; i++)
        v2[i] = -v[i];
    assert_int_equal(verify_mixed(w.data, w.len, v2, 12, 42, CTX, sizeof CTX), ZK_OK);
    /* wrong public value, wrong context, another circuit */
    assert_int_equal(verify_mixed(w.data, w.len, v, 12, 43, CTX, sizeof CTX), ZK_ERR_REJECT);
    assert_int_equal(verify_mixed(w.data, w.len, v, 12, 42, CTX, sizeof CTX - 1), ZK_ERR_REJECT);
    assert_int_not_equal(verify_mixed(w.data, w.len, v, 11, 42, CTX, sizeof CTX), ZK_OK);
    /* tampered bytes, truncation, trailing byte */
    for (int k = 0; k < 24 / SLOW; k++) {
        size_t pos = (size_t)(test_rng_u64(&rg) % w.len);
        w.data[pos] ^= (uint8_t)(1u << (test_rng_u64(&rg) % 8));
        assert_int_not_equal(verify_mixed(w.data, w.len, v, 12, 42, CTX, sizeof CTX), ZK_OK);
        w.data[pos] ^= (uint8_t)(1u << 0) ^ (uint8_t)(1u << 0);
    }
    zk_wbuf_free(&w);
    zk_wbuf_init(&w);
    assert_int_equal(zk_cs_prove(cs, CTX, sizeof CTX, NULL, 0, &w), ZK_OK);
    assert_int_not_equal(verify_mixed(w.data, w.len - 1, v, 12, 42, CTX, sizeof CTX), ZK_OK);
    zk_wbuf_u8(&w, 0);
    assert_int_equal(verify_mixed(w.data, w.len, v, 12, 42, CTX, sizeof CTX), ZK_ERR_REJECT);
    zk_wbuf_free(&w);
    /* a wrong witness value is refused */
    uint32_t last = zk_cs_n_wires(cs) - 1;
    zk_cs_set_value(cs, last, gl_add(zk_cs_value(cs, last), 1));
    zk_wbuf_init(&w);
    assert_int_equal(zk_cs_prove(cs, CTX, sizeof CTX, NULL, 0, &w), ZK_ERR_INPUT);
    zk_wbuf_free(&w);
    zk_cs_free(cs);
}

/* A circuit over two linked segments: a dataset-like table (2^5) and a
 * weight vector (2^3): public output = sum_i table[i] * weight[i mod 8]. */
typedef struct {
    zk_whir_commitment com[2];
    zk_whir_witness wit[2];
    gl_t *vals[2];
    uint32_t logs[2];
} link_fixture;

static void fixture_init(link_fixture *f, test_rng *rg)
{
    f->logs[0] = 5;
    f->logs[1] = 3;
    for (int k = 0; k < 2; k++) {
        size_t n = (size_t)1 << f->logs[k];
        f->vals[k] = malloc(n * sizeof(gl_t));
        for (size_t i = 0; i < n; i++)
            f->vals[k][i] = gl_from_i64((int64_t)(test_rng_u64(rg) % 201) - 100);
        zk_whir_params p;
        assert_int_equal(zk_whir_params_derive(&p, f->logs[k], 1), ZK_OK);
        assert_int_equal(zk_whir_commit(&p, f->vals[k], NULL, &f->com[k], &f->wit[k]), ZK_OK);
    }
}

static void fixture_free(link_fixture *f)
{
    for (int k = 0; k < 2; k++) {
        zk_whir_witness_free(&f->wit[k]);
        free(f->vals[k]);
    }
}

static int64_t linked_output(gl_t *const vals[2])
{
    int64_t s = 0;
    for (int i = 0; i < 32; i++)
        s += gl_to_i64(vals[0][i]) * gl_to_i64(vals[1][i % 8]);
    return s;
}

/* Builds the circuit; seg values from vals (prover) and fills links. */
static zk_cs *build_linked(int prover, gl_t *const vals[2], int64_t out, link_fixture *f, zk_cs_link links[2])
{
    zk_cs *cs = zk_cs_new(prover);
    uint32_t po = zk_cs_public_i64(cs, out);
    zk_cs_private_i64(cs, 7); /* misalign on purpose */
    uint32_t s1 = zk_cs_segment(cs, prover ? vals[1] : NULL, 3);
    zk_cs_private_i64(cs, 1);
    uint32_t s0 = zk_cs_segment(cs, prover ? vals[0] : NULL, 5);
    uint32_t a[32], b[32];
    for (int i = 0; i < 32; i++) {
        a[i] = s0 + (uint32_t)i;
        b[i] = s1 + (uint32_t)(i % 8);
    }
    uint32_t d = zk_cs_dot(cs, a, b, 32);
    zk_cs_assert_equal(cs, d, po);
    zk_cs_range_signed(cs, s0 + 3, 10);
    links[0] = (zk_cs_link){&f->com[0], prover ? &f->wit[0] : NULL, s0};
    links[1] = (zk_cs_link){&f->com[1], prover ? &f->wit[1] : NULL, s1};
    return cs;
}

static int verify_linked(const zk_wbuf *w, int64_t out, link_fixture *f, const zk_whir_commitment *c0,
                         const zk_whir_commitment *c1, const uint8_t *ctx, size_t ctx_len)
{
    zk_cs_link links[2];
    zk_cs *vs = build_linked(0, NULL, out, f, links);
    links[0].com = c0;
    links[1].com = c1;
    int rc = zk_cs_verify(vs, ctx, ctx_len, links, 2, w->data, w->len, NULL);
    zk_cs_free(vs);
    return rc;
}

static void test_prove_links(void **state)
{
    (void)state;
    test_rng rg;
    test_rng_seed(&rg, test_seed() + 3);
    link_fixture f, g;
    fixture_init(&f, &rg);
    fixture_init(&g, &rg);
    int64_t out = linked_output(f.vals);
    zk_cs_link links[2];
    zk_cs *cs = build_linked(1, f.vals, out, &f, links);
    if (zk_cs_status(cs) != ZK_OK)
        fail_msg("%s", zk_last_error());
    zk_wbuf w;
    zk_wbuf_init(&w);
    if (zk_cs_prove(cs, CTX, sizeof CTX, links, 2, &w) != ZK_OK)
        fail_msg("%s", zk_last_error());
    if (verify_linked(&w, out, &f, &f.com[0], &f.com[1], CTX, sizeof CTX) != ZK_OK)
        fail_msg("%s", zk_last_error());
    {
        zk_cs_link l2[2];
        zk_cs *vs = build_linked(0, NULL, out, &f, l2);
        zk_spartan_security sec;
        assert_int_equal(zk_cs_verify(vs, CTX, sizeof CTX, l2, 2, w.data, w.len, &sec), ZK_OK);
        print_message("# linked proof: %zu bytes (expected %zu), %.1f bits\n", w.len, sec.expected_proof_bytes,
                      sec.security_bits);
        assert_true(sec.security_bits >= 127.9);
        assert_true((double)sec.expected_proof_bytes > 0.85 * (double)w.len &&
                    (double)sec.expected_proof_bytes < 1.15 * (double)w.len);
        zk_cs_free(vs);
    }
    /* swapped / other commitments, wrong public value, wrong context */
    assert_int_equal(verify_linked(&w, out, &f, &g.com[0], &f.com[1], CTX, sizeof CTX), ZK_ERR_REJECT);
    assert_int_equal(verify_linked(&w, out, &f, &f.com[0], &g.com[1], CTX, sizeof CTX), ZK_ERR_REJECT);
    assert_int_equal(verify_linked(&w, out + 1, &f, &f.com[0], &f.com[1], CTX, sizeof CTX), ZK_ERR_REJECT);
    assert_int_equal(verify_linked(&w, out, &f, &f.com[0], &f.com[1], CTX, 3), ZK_ERR_REJECT);
    /* the verifier must link the same segments: no links at all is a different statement */
    {
        zk_cs_link l2[2];
        zk_cs *vs = build_linked(0, NULL, out, &f, l2);
        assert_int_not_equal(zk_cs_verify(vs, CTX, sizeof CTX, l2, 1, w.data, w.len, NULL), ZK_OK);
        assert_int_not_equal(zk_cs_verify(vs, CTX, sizeof CTX, NULL, 0, w.data, w.len, NULL), ZK_OK);
        /* the weights' commitment claimed for another aligned block of wires
         * (not a segment: refused before any proof byte is read) */
        l2[1].first_wire = l2[0].first_wire + 8;
        assert_int_equal(zk_cs_verify(vs, CTX, sizeof CTX, l2, 2, w.data, w.len, NULL), ZK_ERR_INPUT);
        /* ... or for the table's segment (2^5 wires, commitment of 2^3) */
        l2[1].first_wire = l2[0].first_wire;
        assert_int_equal(zk_cs_verify(vs, CTX, sizeof CTX, l2, 2, w.data, w.len, NULL), ZK_ERR_INPUT);
        zk_cs_free(vs);
    }
    /* a changed revealed value u_k (section 9), kept canonical */
    {
        size_t pos = 0, u_at = 0;
        while (pos + 12 <= w.len) {
            uint32_t tag;
            uint64_t len;
            memcpy(&tag, w.data + pos, 4);
            memcpy(&len, w.data + pos + 4, 8);
            if (tag == 9) {
                u_at = pos + 12;
                assert_int_equal(len, 2 * 24);
                break;
            }
            pos += 12 + (size_t)len;
        }
        assert_true(u_at > 0);
        for (int which = 0; which < 2; which++) {
            gl_t v;
            memcpy(&v, w.data + u_at + 24 * which, 8);
            gl_t nv = gl_add(v, 1);
            memcpy(w.data + u_at + 24 * which, &nv, 8);
            assert_int_equal(verify_linked(&w, out, &f, &f.com[0], &f.com[1], CTX, sizeof CTX), ZK_ERR_REJECT);
            memcpy(w.data + u_at + 24 * which, &v, 8);
        }
    }
    /* tampered bytes */
    for (int k = 0; k < 24 / SLOW; k++) {
        size_t pos = (size_t)(test_rng_u64(&rg) % w.len);
        uint8_t bit = (uint8_t)(1u << (test_rng_u64(&rg) % 8));
        w.data[pos] ^= bit;
        assert_int_not_equal(verify_linked(&w, out, &f, &f.com[0], &f.com[1], CTX, sizeof CTX), ZK_OK);
        w.data[pos] ^= bit;
    }
    assert_int_equal(verify_linked(&w, out, &f, &f.com[0], &f.com[1], CTX, sizeof CTX), ZK_OK);
    zk_wbuf_free(&w);
    zk_cs_free(cs);

    /* a segment that differs from the committed vector: the prover refuses */
    gl_t *bad[2] = {g.vals[0], f.vals[1]};
    int64_t out2 = linked_output(bad);
    cs = build_linked(1, bad, out2, &f, links);
    zk_wbuf_init(&w);
    assert_int_equal(zk_cs_prove(cs, CTX, sizeof CTX, links, 2, &w), ZK_ERR_INPUT);
    zk_wbuf_free(&w);
    /* ... and a proof made honestly for g's table does not verify against f's commitment */
    links[0].com = &g.com[0];
    links[0].wit = &g.wit[0];
    zk_wbuf_init(&w);
    if (zk_cs_prove(cs, CTX, sizeof CTX, links, 2, &w) != ZK_OK)
        fail_msg("%s", zk_last_error());
    assert_int_equal(verify_linked(&w, out2, &f, &g.com[0], &f.com[1], CTX, sizeof CTX), ZK_OK);
    assert_int_equal(verify_linked(&w, out2, &f, &f.com[0], &f.com[1], CTX, sizeof CTX), ZK_ERR_REJECT);
    zk_wbuf_free(&w);
    zk_cs_free(cs);
    /* misaligned link */
    cs = build_linked(1, f.vals, out, &f, links);
    links[0].first_wire += 1;
    zk_wbuf_init(&w);
    assert_int_equal(zk_cs_prove(cs, CTX, sizeof CTX, links, 2, &w), ZK_ERR_INPUT);
    zk_wbuf_free(&w);
    zk_cs_free(cs);
    fixture_free(&f);
    fixture_free(&g);
}

/* Review fixes 1 and 4: a link must name exactly a segment of the circuit
 * whose length is the commitment's (a commitment of 2^3 values cannot stand
 * for the first 8 wires of a 2^5 segment, nor for an aligned block inside
 * it, nor for aligned private wires that are not a segment), on both sides;
 * and opening data of another commitment with the same parameters is refused
 * with ZK_ERR_INPUT (it used to abort inside zk_whir_open). */
static void test_link_must_name_segment(void **state)
{
    (void)state;
    test_rng rg;
    test_rng_seed(&rg, test_seed() + 5);
    link_fixture f, g;
    fixture_init(&f, &rg);
    fixture_init(&g, &rg);
    int64_t out = linked_output(f.vals);
    zk_whir_params p3;
    assert_int_equal(zk_whir_params_derive(&p3, 3, 1), ZK_OK);
    /* commitments of table[0..8) and table[8..16): 2^3 values each */
    zk_whir_commitment head, mid;
    zk_whir_witness head_wit, mid_wit;
    assert_int_equal(zk_whir_commit(&p3, f.vals[0], NULL, &head, &head_wit), ZK_OK);
    assert_int_equal(zk_whir_commit(&p3, f.vals[0] + 8, NULL, &mid, &mid_wit), ZK_OK);
    zk_wbuf w;
    for (int side = 1; side >= 0; side--) {
        zk_cs_link links[2];
        zk_cs *cs = build_linked(side, side ? f.vals : NULL, out, &f, links);
        assert_int_equal(zk_cs_status(cs), ZK_OK);
        uint32_t s0 = links[0].first_wire;
        /* 2^3 commitment at the start of the 2^5 segment */
        zk_cs_link bad[2] = {{&head, side ? &head_wit : NULL, s0}, links[1]};
        zk_wbuf_init(&w);
        int rc = side ? zk_cs_prove(cs, CTX, sizeof CTX, bad, 2, &w)
                      : zk_cs_verify(cs, CTX, sizeof CTX, bad, 2, w.data, w.len, NULL);
        assert_int_equal(rc, ZK_ERR_INPUT);
        assert_non_null(strstr(zk_last_error(), "2^5 wires but the commitment holds 2^3"));
        /* 2^3 commitment at an aligned block inside the segment */
        bad[0] = (zk_cs_link){&mid, side ? &mid_wit : NULL, s0 + 8};
        rc = side ? zk_cs_prove(cs, CTX, sizeof CTX, bad, 2, &w)
                  : zk_cs_verify(cs, CTX, sizeof CTX, bad, 2, w.data, w.len, NULL);
        assert_int_equal(rc, ZK_ERR_INPUT);
        assert_non_null(strstr(zk_last_error(), "not the first wire of a zk_cs_segment"));
        zk_wbuf_free(&w);
        zk_cs_free(cs);
    }
    /* aligned private wires that were not allocated by zk_cs_segment */
    for (int side = 1; side >= 0; side--) {
        zk_cs *cs = zk_cs_new(side);
        (void)zk_cs_public_i64(cs, 0);
        uint32_t first = 0;
        for (int i = 0; i < 8; i++) {
            uint32_t wi = zk_cs_private(cs, side ? f.vals[1][i] : 0);
            if (i == 0)
                first = wi;
        }
        (void)zk_cs_mul(cs, first, first + 1);
        assert_int_equal(zk_cs_status(cs), ZK_OK);
        assert_int_equal(((uint64_t)first - 1 - zk_cs_n_public(cs)) & 7, 0); /* aligned */
        zk_cs_link l = {&f.com[1], side ? &f.wit[1] : NULL, first};
        zk_wbuf_init(&w);
        int rc = side ? zk_cs_prove(cs, CTX, sizeof CTX, &l, 1, &w)
                      : zk_cs_verify(cs, CTX, sizeof CTX, &l, 1, w.data, w.len, NULL);
        assert_int_equal(rc, ZK_ERR_INPUT);
        zk_wbuf_free(&w);
        zk_cs_free(cs);
    }
    /* opening data of g's weights (same parameters, same values in the
     * segment) passed with f's weight commitment: refused, no abort */
    {
        gl_t *mixed[2] = {f.vals[0], g.vals[1]};
        int64_t out2 = linked_output(mixed);
        zk_cs_link links[2];
        zk_cs *cs = build_linked(1, mixed, out2, &f, links);
        links[1].wit = &g.wit[1]; /* links[1].com stays &f.com[1] */
        zk_wbuf_init(&w);
        assert_int_equal(zk_cs_prove(cs, CTX, sizeof CTX, links, 2, &w), ZK_ERR_INPUT);
        assert_non_null(strstr(zk_last_error(), "belongs to another commitment"));
        /* with its own commitment the same circuit proves and verifies */
        links[1].com = &g.com[1];
        zk_wbuf_free(&w);
        zk_wbuf_init(&w);
        if (zk_cs_prove(cs, CTX, sizeof CTX, links, 2, &w) != ZK_OK)
            fail_msg("%s", zk_last_error());
        assert_int_equal(verify_linked(&w, out2, &f, &f.com[0], &g.com[1], CTX, sizeof CTX), ZK_OK);
        zk_wbuf_free(&w);
        zk_cs_free(cs);
    }
    zk_whir_witness_free(&head_wit);
    zk_whir_witness_free(&mid_wit);
    fixture_free(&f);
    fixture_free(&g);
}

/* Zero-knowledge hygiene: no private value (random 64-bit field elements,
 * including a linked segment's) appears in the proof bytes, and two proofs of
 * one statement differ. */
static void test_zk_hygiene(void **state)
{
    (void)state;
    test_rng rg;
    test_rng_seed(&rg, test_seed() + 4);
    gl_t seg[64], priv[16];
    for (int i = 0; i < 64; i++)
        seg[i] = test_rng_gl(&rg);
    for (int i = 0; i < 16; i++)
        priv[i] = test_rng_gl(&rg);
    zk_whir_params p;
    zk_whir_commitment com;
    zk_whir_witness wit;
    assert_int_equal(zk_whir_params_derive(&p, 6, 1), ZK_OK);
    assert_int_equal(zk_whir_commit(&p, seg, NULL, &com, &wit), ZK_OK);
    gl_t prod = 1;
    for (int i = 0; i < 16; i++)
        prod = gl_mul(prod, priv[i]);
    prod = gl_add(prod, seg[5]);
    zk_wbuf w[2];
    for (int rep = 0; rep < 2; rep++) {
        zk_cs *cs = zk_cs_new(1);
        uint32_t out = zk_cs_public(cs, prod);
        uint32_t s0 = zk_cs_segment(cs, seg, 6);
        uint32_t acc = zk_cs_private(cs, priv[0]);
        for (int i = 1; i < 16; i++)
            acc = zk_cs_mul(cs, acc, zk_cs_private(cs, priv[i]));
        zk_lc l;
        zk_lc_init(&l);
        zk_lc_add(&l, acc, 1);
        zk_lc_add(&l, s0 + 5, 1);
        uint32_t o = zk_cs_lc_wire(cs, &l);
        zk_lc_free(&l);
        zk_cs_assert_equal(cs, o, out);
        zk_cs_link link = {&com, &wit, s0};
        zk_wbuf_init(&w[rep]);
        if (zk_cs_prove(cs, CTX, sizeof CTX, &link, 1, &w[rep]) != ZK_OK)
            fail_msg("%s", zk_last_error());
        /* every private wire value (inputs, products, segment) is absent from the proof */
        for (uint32_t wire = 2; wire < zk_cs_n_wires(cs); wire++) {
            gl_t v = zk_cs_value(cs, wire);
            if (v < ((gl_t)1 << 40) || v > GL_P - ((gl_t)1 << 40))
                continue; /* filler zeros and small values can occur by chance */
            for (size_t q = 0; q + 8 <= w[rep].len; q++)
                if (memcmp(w[rep].data + q, &v, 8) == 0)
                    fail_msg("private value of wire %u appears at byte %zu of the proof", wire, q);
        }
        zk_cs_free(cs);
    }
    assert_true(w[0].len != w[1].len || memcmp(w[0].data, w[1].data, w[0].len) != 0);
    zk_wbuf_free(&w[0]);
    zk_wbuf_free(&w[1]);
    zk_whir_witness_free(&wit);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fx_reference),
        cmocka_unit_test(test_sigmoid_scale_limits),
        cmocka_unit_test(test_gadget_implied_ranges),
        cmocka_unit_test(test_builder_basics),
        cmocka_unit_test(test_gadgets_random),
        cmocka_unit_test(test_gadgets_out_of_range),
        cmocka_unit_test(test_gadgets_exhaustive_small),
        cmocka_unit_test(test_mixed_digest),
        cmocka_unit_test(test_prove_plain),
        cmocka_unit_test(test_prove_links),
        cmocka_unit_test(test_link_must_name_segment),
        cmocka_unit_test(test_zk_hygiene),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
