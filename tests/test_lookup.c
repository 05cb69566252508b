/* Range checks by LogUp lookups (circuit.h, zk_cs_set_lookups): every routed
 * gadget (range, range_signed, is_negative, less_than, rescale, div_const,
 * relu, max, min, clip, argmax, and sigmoid's sign and comparisons) with
 * lookups on against the zk_fx_* / plain reference and against
 * the same gadget with lookups off (same outputs), on random and edge inputs
 * including the exact bound edges (2^bits - 1 accepted, 2^bits refused in
 * prover mode); zk_cs_check catching a limb outside the table; proofs that
 * verify (security >= 100 bits, no private input value in the bytes);
 * soundness: a limb outside T and a value outside its range, both with the
 * R1CS satisfied and proved through the Spartan core directly (the LogUp
 * prover told to skip its checks), a wrong public value and flipped proof
 * bytes are rejected; inference below and above the lookup threshold.
 * Seeded (ZKM_TEST_SEED). */
#include <string.h>

#include "circuit/cs_internal.h"
#include "r1cs/spartan_internal.h"
#include "testutil.h"
#include "zkmlops/circuit.h"
#include "zkmlops/infer.h"
#include "zkmlops/model.h"

static const uint8_t CTX[] = "test-lookup";
static const unsigned TBS[3] = {8, 12, 16};

enum { G_RANGE, G_RANGE_S, G_IS_NEG, G_LT, G_RESCALE, G_DIV, G_RELU, G_MAX, G_MIN, G_CLIP, G_ARGMAX, G_SIGMOID, G_COUNT };
static const char *const gname[G_COUNT] = {"range", "range_signed", "is_negative", "less_than", "rescale",
                                           "div_const", "relu", "max", "min", "clip", "argmax", "sigmoid"};

typedef struct {
    int g;
    int64_t in[4];
    size_t n_in;
    unsigned bits, p1;
    int64_t d, lo, hi;
} gcase;

/* Plain reference; 0 if the input is outside the declared range. */
static int reference(const gcase *c, int64_t *out)
{
    int64_t h = (int64_t)1 << (c->bits - 1);
    int64_t x = c->in[0], y = c->in[1];
    switch (c->g) {
    case G_RANGE: return x >= 0 && (c->bits == 63 || x < ((int64_t)1 << c->bits));
    case G_RANGE_S: return x >= -h && x < h;
    case G_IS_NEG: out[0] = x < 0; return x >= -h && x < h;
    case G_LT: out[0] = x < y; return x - y >= -h && x - y < h;
    case G_RESCALE: out[0] = zk_fx_rescale(x, c->p1); return x >= -h && x < h;
    case G_DIV: out[0] = zk_fx_div(x, c->d); return x >= -h && x < h;
    case G_RELU: out[0] = x > 0 ? x : 0; return x >= -h && x < h;
    case G_MAX: out[0] = x > y ? x : y; return x - y >= -h && x - y < h;
    case G_MIN: out[0] = x < y ? x : y; return x - y >= -h && x - y < h;
    case G_CLIP: out[0] = zk_fx_clip(x, c->lo, c->hi); return x >= -h && x < h;
    case G_SIGMOID: out[0] = zk_fx_sigmoid(x, c->p1); return x >= -h && x < h;
    case G_ARGMAX: {
        size_t best = 0;
        for (size_t i = 1; i < c->n_in; i++)
            if (c->in[i] > c->in[best])
                best = i;
        out[0] = (int64_t)best;
        for (size_t i = 0; i < c->n_in; i++)
            for (size_t j = 0; j < c->n_in; j++)
                if (c->in[i] - c->in[j] < -h || c->in[i] - c->in[j] >= h)
                    return 0;
        return 1;
    }
    }
    return 0;
}

static uint32_t build(zk_cs *cs, const gcase *c, const uint32_t *in)
{
    switch (c->g) {
    case G_RANGE: zk_cs_range(cs, in[0], c->bits); return 0;
    case G_RANGE_S: zk_cs_range_signed(cs, in[0], c->bits); return 0;
    case G_IS_NEG: return zk_cs_is_negative(cs, in[0], c->bits);
    case G_LT: return zk_cs_less_than(cs, in[0], in[1], c->bits);
    case G_RESCALE: return zk_cs_rescale(cs, in[0], c->p1, c->bits);
    case G_DIV: return zk_cs_div_const(cs, in[0], c->d, c->bits);
    case G_RELU: return zk_cs_relu(cs, in[0], c->bits);
    case G_MAX: return zk_cs_max(cs, in[0], in[1], c->bits);
    case G_MIN: return zk_cs_min(cs, in[0], in[1], c->bits);
    case G_CLIP: return zk_cs_clip(cs, in[0], c->lo, c->hi, c->bits);
    case G_ARGMAX: return zk_cs_argmax(cs, in, c->n_in, c->bits, NULL);
    case G_SIGMOID: return zk_cs_sigmoid(cs, in[0], c->p1, c->bits);
    }
    return 0;
}

/* One case with table bits tb (0 = off). Returns the status; *out the output
 * value, *n_cons the constraint count. */
static zk_status run(const gcase *c, unsigned tb, int64_t *out, uint32_t *n_cons)
{
    zk_cs *cs = zk_cs_new(1);
    assert_non_null(cs);
    zk_cs_set_lookups(cs, tb);
    uint32_t in[4];
    for (size_t i = 0; i < c->n_in; i++)
        in[i] = zk_cs_private_i64(cs, c->in[i]);
    uint32_t o = build(cs, c, in);
    zk_status st = zk_cs_status(cs);
    if (st == ZK_OK) {
        if (zk_cs_check(cs) != ZK_OK)
            fail_msg("%s (tb %u, bits %u, x %lld): zk_cs_check failed: %s", gname[c->g], tb, c->bits,
                     (long long)c->in[0], zk_last_error());
        *out = o ? zk_cs_value_i64(cs, o) : 0;
        *n_cons = zk_cs_n_constraints(cs);
        if (tb)
            assert_true(zk_cs_n_lookups(cs) > 0 || c->g == G_RANGE_S || c->g == G_RANGE || c->bits == 1 ||
                        c->g == G_DIV);
    }
    zk_cs_free(cs);
    return st;
}

static void check_case(const gcase *c)
{
    int64_t ref = 0;
    int in_range = reference(c, &ref);
    int64_t off = 0, on = 0;
    uint32_t n_off = 0, n_on = 0;
    zk_status s_off = run(c, 0, &off, &n_off);
    for (int t = 0; t < 3; t++) {
        zk_status s_on = run(c, TBS[t], &on, &n_on);
        if (!in_range) {
            if (s_on != ZK_ERR_RANGE || s_off != ZK_ERR_RANGE)
                fail_msg("%s (tb %u, bits %u, x %lld, y %lld): out of range but status %d / %d", gname[c->g], TBS[t],
                         c->bits, (long long)c->in[0], (long long)c->in[1], s_on, s_off);
            continue;
        }
        if (s_on != ZK_OK || s_off != ZK_OK)
            fail_msg("%s (tb %u, bits %u, x %lld): status %d / %d: %s", gname[c->g], TBS[t], c->bits,
                     (long long)c->in[0], s_on, s_off, zk_last_error());
        if (c->g != G_RANGE && c->g != G_RANGE_S && (on != ref || off != ref))
            fail_msg("%s (tb %u, bits %u, x %lld, y %lld): lookups %lld, bits %lld, reference %lld", gname[c->g],
                     TBS[t], c->bits, (long long)c->in[0], (long long)c->in[1], (long long)on, (long long)off,
                     (long long)ref);
    }
}

static int64_t rnd_signed(test_rng *r, unsigned bits)
{
    uint64_t u = test_rng_u64(r);
    switch (u % 6) {
    case 0: return -((int64_t)1 << (bits - 1));
    case 1: return ((int64_t)1 << (bits - 1)) - 1;
    case 2:
        if (bits >= 2)
            return (int64_t)(u >> 8) % 3 - 1;
        break;
    default: break;
    }
    unsigned b = 1 + (unsigned)((u >> 3) % bits);
    int64_t h = (int64_t)1 << (b - 1);
    return (int64_t)(test_rng_u64(r) % (uint64_t)(2 * h)) - h;
}

static void test_gadgets_match(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x11);
    static const unsigned widths[] = {1, 2, 7, 8, 9, 12, 15, 16, 17, 20, 24, 31, 32, 33, 40, 48, 61, 62};
    size_t nw = sizeof widths / sizeof *widths, tried = 0;
    for (int g = 0; g < G_COUNT; g++)
        for (size_t wi = 0; wi < nw; wi++)
            for (int rep = 0; rep < 6; rep++) {
                gcase c;
                memset(&c, 0, sizeof c);
                c.g = g;
                c.bits = widths[wi];
                c.n_in = g == G_LT || g == G_MAX || g == G_MIN ? 2 : g == G_ARGMAX ? 4 : 1;
                if (g == G_ARGMAX && c.bits < 2) /* the reference checks every pair, the gadget its comparisons */
                    c.bits = 2;
                unsigned ib = c.bits > 1 ? c.bits - 1 : 1; /* operands of differences */
                for (size_t i = 0; i < c.n_in; i++)
                    c.in[i] = c.n_in > 1 ? rnd_signed(&rng, ib) : rnd_signed(&rng, c.bits);
                if (g == G_RANGE)
                    c.in[0] = (int64_t)(test_rng_u64(&rng) >> (64 - c.bits));
                if (g == G_RESCALE)
                    c.p1 = 1 + (unsigned)(test_rng_u64(&rng) % c.bits);
                if (g == G_SIGMOID) { /* its sign and three comparisons go through lookups */
                    if (c.bits < 9)
                        c.bits = 9;
                    c.p1 = 5 + (unsigned)(test_rng_u64(&rng) % (c.bits - 8));
                    c.in[0] = rnd_signed(&rng, c.bits);
                }
                if (g == G_DIV) {
                    c.d = 1 + (int64_t)(test_rng_u64(&rng) % ((uint64_t)1 << (c.bits < 20 ? c.bits : 20)));
                    if (rep == 0)
                        c.d = (int64_t)1 << (test_rng_u64(&rng) % (c.bits < 20 ? c.bits : 20));
                }
                if (g == G_CLIP) {
                    int64_t a = rnd_signed(&rng, c.bits), b = rnd_signed(&rng, c.bits);
                    c.lo = a < b ? a : b;
                    c.hi = a < b ? b : a;
                    if (c.bits >= 61)
                        c.bits = 60;
                    if (c.lo < -((int64_t)1 << (c.bits - 1)) || c.hi >= ((int64_t)1 << (c.bits - 1)))
                        c.lo = c.hi = 0;
                    c.in[0] = rnd_signed(&rng, c.bits);
                }
                check_case(&c);
                tried++;
            }
    printf("# %zu random gadget cases x 3 table widths matched the reference and the bit decompositions\n", tried);
}

/* Exact bound edges: 2^bits - 1 accepted, 2^bits refused (and -1); signed ends. */
static void test_bound_edges(void **state)
{
    (void)state;
    for (unsigned bits = 1; bits <= 62; bits++) {
        gcase c;
        memset(&c, 0, sizeof c);
        c.n_in = 1;
        c.bits = bits;
        int64_t top = (int64_t)(((uint64_t)1 << bits) - 1);
        int64_t out = 0;
        uint32_t nc = 0;
        c.g = G_RANGE;
        int64_t vals[4] = {0, top, top + 1, -1};
        for (int k = 0; k < 4; k++) {
            c.in[0] = vals[k];
            for (int t = 0; t < 3; t++) {
                zk_status st = run(&c, TBS[t], &out, &nc);
                assert_int_equal(st, k < 2 ? ZK_OK : ZK_ERR_RANGE);
            }
        }
        int64_t h = (int64_t)1 << (bits - 1);
        int64_t sv[4] = {-h, h - 1, h, -h - 1};
        for (int g = 0; g < 2; g++) {
            c.g = g == 0 ? G_RANGE_S : G_IS_NEG;
            for (int k = 0; k < 4; k++) {
                c.in[0] = sv[k];
                for (int t = 0; t < 3; t++) {
                    zk_status st = run(&c, TBS[t], &out, &nc);
                    assert_int_equal(st, k < 2 ? ZK_OK : ZK_ERR_RANGE);
                    if (st == ZK_OK && c.g == G_IS_NEG)
                        assert_int_equal(out, sv[k] < 0);
                }
            }
        }
        /* the cost: a b-bit range check is 1 + [e < tb] constraints */
        c.g = G_RANGE;
        c.in[0] = top;
        for (int t = 0; t < 3; t++) {
            unsigned tb = TBS[t], m = (bits + tb - 1) / tb, e = bits - tb * (m - 1);
            assert_int_equal(run(&c, tb, &out, &nc), ZK_OK);
            assert_int_equal(nc, 1 + (e < tb));
        }
    }
}

/* A mixed circuit: a public input, rescale, relu, max, div, range checks,
 * argmax; public output = a sum. */
typedef struct {
    int64_t x[6];
} mix_in;

static zk_cs *build_mix(int prover, unsigned tb, const mix_in *v, int64_t claim, int64_t pub_in)
{
    zk_cs *cs = zk_cs_new(prover);
    assert_non_null(cs);
    zk_cs_set_lookups(cs, tb);
    uint32_t out = zk_cs_public_i64(cs, claim);
    uint32_t pin = zk_cs_public_i64(cs, pub_in);
    uint32_t x[6];
    for (int i = 0; i < 6; i++)
        x[i] = zk_cs_private_i64(cs, prover ? v->x[i] : 0);
    zk_cs_range_signed(cs, pin, 20); /* a range check of a public wire */
    uint32_t a = zk_cs_rescale(cs, x[0], 7, 30);
    uint32_t b = zk_cs_relu(cs, x[1], 24);
    uint32_t c = zk_cs_max(cs, x[2], x[3], 21);
    uint32_t d = zk_cs_div_const(cs, x[4], 1000, 25);
    zk_cs_range(cs, x[5], 37);
    uint32_t e = zk_cs_rescale(cs, x[5], 18, 40);
    uint32_t am[3] = {a, b, c};
    uint32_t g = zk_cs_argmax(cs, am, 3, 32, NULL);
    uint32_t terms[7] = {a, b, c, d, e, g, pin};
    int64_t ones[7] = {1, 1, 1, 1, 1, 1, 1};
    uint32_t s = zk_cs_affine(cs, terms, ones, 7, 0);
    zk_cs_assert_equal(cs, s, out);
    return cs;
}

static int64_t mix_claim(const mix_in *v, int64_t pub_in)
{
    int64_t a = zk_fx_rescale(v->x[0], 7), b = v->x[1] > 0 ? v->x[1] : 0, c = v->x[2] > v->x[3] ? v->x[2] : v->x[3];
    int64_t d = zk_fx_div(v->x[4], 1000), e = zk_fx_rescale(v->x[5], 18);
    int64_t g = 0, m = a;
    if (b > m) {
        m = b;
        g = 1;
    }
    if (c > m)
        g = 2;
    return a + b + c + d + e + g + pub_in;
}

static void mix_values(test_rng *r, mix_in *v)
{
    v->x[0] = rnd_signed(r, 30);
    v->x[1] = rnd_signed(r, 24);
    v->x[2] = rnd_signed(r, 20);
    v->x[3] = rnd_signed(r, 20);
    v->x[4] = rnd_signed(r, 25);
    v->x[5] = (int64_t)(test_rng_u64(r) >> 27);
}

static int verify_mix(unsigned tb, int64_t claim, int64_t pub_in, const zk_wbuf *w)
{
    zk_cs *vs = build_mix(0, tb, NULL, claim, pub_in);
    assert_int_equal(zk_cs_status(vs), ZK_OK);
    int rc = zk_cs_verify(vs, CTX, sizeof CTX, NULL, 0, w->data, w->len, NULL);
    zk_cs_free(vs);
    return rc;
}

static void test_prove_verify(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x22);
    for (int t = 0; t < 3; t++) {
        mix_in v;
        mix_values(&rng, &v);
        int64_t pin = rnd_signed(&rng, 20), claim = mix_claim(&v, pin);
        zk_cs *cs = build_mix(1, TBS[t], &v, claim, pin);
        assert_int_equal(zk_cs_status(cs), ZK_OK);
        assert_int_equal(zk_cs_check(cs), ZK_OK);
        zk_cs *vs = build_mix(0, TBS[t], NULL, claim, pin);
        assert_memory_equal(zk_cs_r1cs(cs)->digest.h, zk_cs_r1cs(vs)->digest.h, ZK_HASH_BYTES);
        assert_int_equal(zk_cs_n_lookups(cs), zk_cs_n_lookups(vs));
        zk_cs_free(vs);
        zk_cs *off = build_mix(1, 0, &v, claim, pin);
        printf("# tb %u: %u constraints, %u lookups (bit decompositions: %u constraints)\n", TBS[t],
               zk_cs_n_constraints(cs), zk_cs_n_lookups(cs), zk_cs_n_constraints(off));
        assert_true(zk_cs_n_constraints(cs) < zk_cs_n_constraints(off));
        zk_cs_free(off);
        zk_wbuf w;
        zk_wbuf_init(&w);
        assert_int_equal(zk_cs_prove(cs, CTX, sizeof CTX, NULL, 0, &w), ZK_OK);
        assert_int_equal(verify_mix(TBS[t], claim, pin, &w), ZK_OK);
        zk_spartan_security sec;
        zk_cs *vs2 = build_mix(0, TBS[t], NULL, claim, pin);
        assert_int_equal(zk_cs_verify(vs2, CTX, sizeof CTX, NULL, 0, w.data, w.len, &sec), ZK_OK);
        zk_cs_free(vs2);
        printf("# tb %u: proof %zu bytes, %.1f bits (sumcheck and LogUp terms %.1f)\n", TBS[t], w.len,
               sec.security_bits, sec.sumcheck_bits);
        assert_true(sec.security_bits >= 100.0);
        /* hygiene: no private input value (8 bytes, little-endian) occurs in the proof */
        for (int i = 0; i < 6; i++) {
            uint8_t pat[8];
            gl_t gv = gl_from_i64(v.x[i]);
            for (int j = 0; j < 8; j++)
                pat[j] = (uint8_t)(gv >> (8 * j));
            for (size_t pos = 0; pos + 8 <= w.len; pos++)
                if (memcmp(w.data + pos, pat, 8) == 0 && (v.x[i] < -65536 || v.x[i] > 65536))
                    fail_msg("private value %lld occurs in the proof at byte %zu", (long long)v.x[i], pos);
        }
        /* wrong public output, wrong public input (still in its range) */
        assert_int_equal(verify_mix(TBS[t], claim + 1, pin, &w), ZK_ERR_REJECT);
        assert_int_equal(verify_mix(TBS[t], claim + 1, pin + 1, &w), ZK_ERR_REJECT);
        /* verified with lookups off (another circuit) or another table: rejected */
        assert_int_not_equal(verify_mix(0, claim, pin, &w), ZK_OK);
        assert_int_not_equal(verify_mix(TBS[(t + 1) % 3], claim, pin, &w), ZK_OK);
        zk_cs_free(cs);
        zk_wbuf_free(&w);
    }
}

/* Flipped bytes (every 127th, and every byte of the first 2 KiB): rejected. */
static void test_tampered_bytes(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x33);
    mix_in v;
    mix_values(&rng, &v);
    int64_t pin = 5, claim = mix_claim(&v, pin);
    zk_cs *cs = build_mix(1, 8, &v, claim, pin);
    zk_wbuf w;
    zk_wbuf_init(&w);
    assert_int_equal(zk_cs_prove(cs, CTX, sizeof CTX, NULL, 0, &w), ZK_OK);
    zk_cs *vs = build_mix(0, 8, NULL, claim, pin);
    size_t tried = 0;
    for (size_t pos = 0; pos < w.len; pos += (pos < 2048 ? 1 : 127)) {
        w.data[pos] ^= 0x21;
        int rc = zk_cs_verify(vs, CTX, sizeof CTX, NULL, 0, w.data, w.len, NULL);
        w.data[pos] ^= 0x21;
        if (rc == ZK_OK)
            fail_msg("flipping byte %zu of %zu was accepted", pos, w.len);
        tried++;
    }
    assert_int_equal(zk_cs_verify(vs, CTX, sizeof CTX, NULL, 0, w.data, w.len, NULL), ZK_OK);
    printf("# %zu byte flips rejected (proof %zu bytes)\n", tried, w.len);
    zk_cs_free(vs);
    zk_cs_free(cs);
    zk_wbuf_free(&w);
}

/* The lookup's virtual vector as prove.c builds it. */
static uint64_t wsrc(const zk_cs *cs, uint32_t w)
{
    return w <= cs->n_public ? (ZK_SPARTAN_SRC_PUBLIC | w) : (uint64_t)w - 1 - cs->n_public;
}

/* Prove cs (whose witness may be false) through the Spartan core, LogUp told
 * to skip its checks when skip != 0. */
static int prove_core(zk_cs *cs, int skip, zk_wbuf *w)
{
    uint32_t n = 0;
    while (((uint64_t)1 << n) < (uint64_t)cs->n_lk + ZK_CS_LOOKUP_PAD)
        n++;
    uint64_t len = (uint64_t)1 << n;
    uint64_t *src = malloc(len * sizeof *src);
    assert_non_null(src);
    for (uint64_t x = 0; x < len; x++)
        src[x] = x < cs->n_lk                            ? wsrc(cs, cs->lk[x])
                 : x < (uint64_t)cs->n_lk + ZK_CS_LOOKUP_PAD ? wsrc(cs, cs->lk_pad + (uint32_t)(x - cs->n_lk))
                                                             : ZK_SPARTAN_SRC_ZERO;
    zk_logup_test_hooks hooks = {1, NULL};
    zk_spartan_lookup lk = {n, cs->lk_bits, cs->n_lk, src, skip ? &hooks : NULL};
    zk_spartan_ext ext = {NULL, 0, &lk};
    zk_transcript t;
    zk_transcript_init(&t, "zkmlops/circuit/v1");
    zk_transcript_absorb(&t, "cs-context", CTX, sizeof CTX);
    int rc = zk_spartan_prove_core(zk_cs_r1cs(cs), cs->val, &t, NULL, 0, &ext, w);
    free(src);
    return rc;
}

static int row_ok_all(const zk_cs *cs)
{
    for (uint32_t i = 0; i < cs->n_cons; i++)
        if (!zk_cs_row_ok(cs, i))
            return 0;
    return 1;
}

/* A 30-bit range check (tb 12: limbs of 12, 12 and 6 bits, l' for the top):
 * (a) limb 0 = its value + 2^12, limb 1 - 1: R1CS holds, limb 0 outside T;
 * (b) the top limb + 2^6, x + 2^30: R1CS holds (x is the public output), the
 *     value is outside [0, 2^30) and l' is outside T.
 * Both: zk_cs_check refuses, the LogUp prover refuses, and a proof forced
 * through the core is rejected. */
static zk_cs *build_range(int prover, int64_t x, int64_t claim)
{
    zk_cs *cs = zk_cs_new(prover);
    zk_cs_set_lookups(cs, 12);
    uint32_t p = zk_cs_public_i64(cs, claim);
    uint32_t w = zk_cs_private_i64(cs, prover ? x : 0);
    zk_cs_range(cs, w, 30);
    zk_cs_assert_equal(cs, w, p);
    return cs;
}

static void test_forged_limbs(void **state)
{
    (void)state;
    int64_t x = 0x2345678; /* limbs 0x678, 0x345, 0x2 */
    for (int kind = 0; kind < 2; kind++) {
        int64_t claim = kind == 0 ? x : x + ((int64_t)1 << 30);
        zk_cs *cs = build_range(1, x, x);
        assert_int_equal(zk_cs_status(cs), ZK_OK);
        assert_int_equal(zk_cs_n_lookups(cs), 4);
        uint32_t l0 = cs->lk[0], l1 = cs->lk[1], l2 = cs->lk[2], lp = cs->lk[3];
        if (kind == 0) {
            zk_cs_set_value(cs, l0, gl_add(cs->val[l0], 1 << 12));
            zk_cs_set_value(cs, l1, gl_sub(cs->val[l1], 1));
        } else {
            zk_cs_set_value(cs, l2, gl_add(cs->val[l2], 1 << 6));
            zk_cs_set_value(cs, lp, gl_add(cs->val[lp], 1 << 6));
            zk_cs_set_value(cs, 2, gl_add(cs->val[2], (gl_t)1 << 30));
            zk_cs_set_value(cs, 1, gl_add(cs->val[1], (gl_t)1 << 30));
        }
        assert_true(row_ok_all(cs));
        assert_int_equal(zk_cs_check(cs), ZK_ERR_INPUT); /* the lookup check */
        zk_wbuf w;
        zk_wbuf_init(&w);
        assert_int_equal(prove_core(cs, 0, &w), ZK_ERR_RANGE); /* LogUp's prover refuses */
        zk_wbuf_free(&w);
        zk_wbuf_init(&w);
        assert_int_equal(prove_core(cs, 1, &w), ZK_OK);
        zk_cs *vs = build_range(0, 0, claim);
        int rc = zk_cs_verify(vs, CTX, sizeof CTX, NULL, 0, w.data, w.len, NULL);
        if (rc != ZK_ERR_REJECT)
            fail_msg("forgery %d was not rejected (%d)", kind, rc);
        printf("# forgery %d rejected: %s\n", kind, zk_last_error());
        zk_cs_free(vs);
        zk_wbuf_free(&w);
        zk_cs_free(cs);
    }
    /* the honest proof through the same path verifies */
    zk_cs *cs = build_range(1, x, x);
    zk_wbuf w;
    zk_wbuf_init(&w);
    assert_int_equal(prove_core(cs, 0, &w), ZK_OK);
    zk_cs *vs = build_range(0, 0, x);
    assert_int_equal(zk_cs_verify(vs, CTX, sizeof CTX, NULL, 0, w.data, w.len, NULL), ZK_OK);
    zk_cs_free(vs);
    zk_cs_free(cs);
    zk_wbuf_free(&w);
}

/* rescale(x, 5, 20), tb 8: r = remainder + 32 and q - 1 satisfy the R1CS
 * (x + 16 - r = 32 q) but r is outside [0, 32) (its l' is outside T): the
 * output q - 1 is wrong, and the forced proof is rejected. */
static zk_cs *build_rescale(int prover, int64_t x, int64_t claim)
{
    zk_cs *cs = zk_cs_new(prover);
    zk_cs_set_lookups(cs, 8);
    uint32_t p = zk_cs_public_i64(cs, claim);
    uint32_t w = zk_cs_private_i64(cs, prover ? x : 0);
    uint32_t q = zk_cs_rescale(cs, w, 5, 20);
    zk_cs_assert_equal(cs, q, p);
    return cs;
}

static void test_forged_rescale(void **state)
{
    (void)state;
    int64_t x = 12345, q = zk_fx_rescale(x, 5);
    zk_cs *cs = build_rescale(1, x, q - 1);
    /* lookups: r limb, r's l', then q + 2^15 (16 bits: limbs 8 + 8) */
    assert_int_equal(zk_cs_n_lookups(cs), 4);
    uint32_t rl = cs->lk[0], rp = cs->lk[1], q0 = cs->lk[2], q1 = cs->lk[3];
    /* q is the wire asserted equal to the public output */
    uint32_t qw = 0;
    for (uint32_t wi = 3; wi < cs->n_wires; wi++)
        if (cs->val[wi] == gl_from_i64(q) && wi != rl && wi != q0 && wi != q1)
            qw = wi;
    assert_int_not_equal(qw, 0);
    int64_t qs = q - 1 + (1 << 15);
    zk_cs_set_value(cs, rl, gl_add(cs->val[rl], 32));
    zk_cs_set_value(cs, rp, gl_add(cs->val[rp], 32));
    zk_cs_set_value(cs, qw, gl_from_i64(q - 1));
    zk_cs_set_value(cs, q0, (gl_t)(qs & 0xff));
    zk_cs_set_value(cs, q1, (gl_t)(qs >> 8));
    assert_true(row_ok_all(cs));
    assert_int_not_equal(zk_cs_check(cs), ZK_OK);
    zk_wbuf w;
    zk_wbuf_init(&w);
    assert_int_equal(prove_core(cs, 1, &w), ZK_OK);
    zk_cs *vs = build_rescale(0, 0, q - 1);
    assert_int_equal(zk_cs_verify(vs, CTX, sizeof CTX, NULL, 0, w.data, w.len, NULL), ZK_ERR_REJECT);
    zk_cs_free(vs);
    zk_cs_free(cs);
    zk_wbuf_free(&w);
}


/* Inference (src/ml/infer.c): lookups only when the circuit has at least
 * 2^16 looked-up values. A 64-32-10 ReLU network: batch 1 keeps bit
 * decompositions, batch 192 (about 380 lookups per example) uses lookups
 * (far fewer constraints per example); both proofs verify, and a wrong
 * output or a flipped byte is rejected. */
static void test_infer_rule(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x66);
    uint32_t dims[3] = {64, 32, 10};
    zk_op act[2] = {ZK_OP_RELU, ZK_OP_IDENTITY};
    int64_t *w[2], *b[2];
    for (int l = 0; l < 2; l++) {
        w[l] = malloc((size_t)dims[l] * dims[l + 1] * sizeof *w[l]);
        b[l] = malloc(dims[l + 1] * sizeof *b[l]);
        for (size_t i = 0; i < (size_t)dims[l] * dims[l + 1]; i++)
            w[l][i] = (int64_t)(test_rng_u64(&rng) % 2001) - 1000;
        for (uint32_t i = 0; i < dims[l + 1]; i++)
            b[l][i] = (int64_t)(test_rng_u64(&rng) % 2001) - 1000;
    }
    zk_model m;
    assert_int_equal(zk_model_dense(&m, 2, dims, act, 12, (const int64_t *const *)w, (const int64_t *const *)b),
                     ZK_OK);
    zk_model_private p;
    assert_int_equal(zk_model_commit(&p, &m), ZK_OK);
    uint32_t batches[2] = {1, 192};
    double per[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        uint32_t bs = batches[k];
        int64_t *in = malloc((size_t)bs * 64 * sizeof *in), *out = malloc((size_t)bs * 10 * sizeof *out);
        for (size_t i = 0; i < (size_t)bs * 64; i++)
            in[i] = (int64_t)(test_rng_u64(&rng) % 8193) - 4096;
        zk_wbuf pf;
        zk_wbuf_init(&pf);
        zk_infer_info info;
        assert_int_equal(zk_infer_prove(&p, in, bs, 0, out, &pf, &info), ZK_OK);
        per[k] = (double)info.constraints / bs;
        zk_infer_info vi;
        assert_int_equal(zk_infer_verify(&p.com, in, out, bs, pf.data, pf.len, &vi), ZK_OK);
        assert_int_equal(vi.constraints, info.constraints);
        printf("# inference batch %u: %u constraints, %zu proof bytes\n", bs, info.constraints, pf.len);
        out[bs * 10 - 1] += 1;
        assert_int_equal(zk_infer_verify(&p.com, in, out, bs, pf.data, pf.len, NULL), ZK_ERR_REJECT);
        out[bs * 10 - 1] -= 1;
        pf.data[pf.len / 2] ^= 4;
        assert_int_not_equal(zk_infer_verify(&p.com, in, out, bs, pf.data, pf.len, NULL), ZK_OK);
        zk_wbuf_free(&pf);
        free(in);
        free(out);
    }
    assert_true(per[1] * 4 < per[0]);
    zk_model_private_free(&p);
    zk_model_free(&m);
    for (int l = 0; l < 2; l++) {
        free(w[l]);
        free(b[l]);
    }
}

static void test_errors(void **state)
{
    (void)state;
    zk_cs *cs = zk_cs_new(1);
    zk_cs_set_lookups(cs, 7);
    assert_int_equal(zk_cs_status(cs), ZK_ERR_INPUT);
    zk_cs_free(cs);
    cs = zk_cs_new(1);
    zk_cs_set_lookups(cs, 17);
    assert_int_equal(zk_cs_status(cs), ZK_ERR_INPUT);
    zk_cs_free(cs);
    cs = zk_cs_new(1);
    uint32_t x = zk_cs_private_i64(cs, 3);
    zk_cs_range(cs, x, 4);
    zk_cs_set_lookups(cs, 8); /* after a gadget */
    assert_int_equal(zk_cs_status(cs), ZK_ERR_INPUT);
    zk_cs_free(cs);
    cs = zk_cs_new(1);
    zk_cs_set_lookups(cs, 0);
    assert_int_equal(zk_cs_lookup_bits(cs), 0);
    zk_cs_set_lookups(cs, 16);
    assert_int_equal(zk_cs_lookup_bits(cs), 16);
    assert_int_equal(zk_cs_status(cs), ZK_OK);
    zk_cs_free(cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gadgets_match),   cmocka_unit_test(test_bound_edges),
        cmocka_unit_test(test_prove_verify),    cmocka_unit_test(test_tampered_bytes),
        cmocka_unit_test(test_forged_limbs),    cmocka_unit_test(test_forged_rescale),
        cmocka_unit_test(test_infer_rule),      cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
