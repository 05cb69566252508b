/*
 * gadgets.c — fixed-point gadgets of circuit.h. Each gadget computes its
 * output values in prover mode (the witness is generated alongside the
 * constraints) and emits the same constraints in both modes. Constraint
 * counts are listed per gadget and in docs/circuit.md.
 *
 * Building block: bit decomposition. Unsigned: v = sum_{i<n} 2^i b_i;
 * signed (two's complement): v = sum_{i<n-1} 2^i b_i - 2^(n-1) b_{n-1}, so
 * b_{n-1} = [v < 0]. n boolean constraints b (b - 1) = 0 and one sum
 * constraint. With n <= 62 the sum never wraps modulo p, so the constraints
 * prove the integer range.
 */
#include <stdio.h>
#include <string.h>

#include "circuit/cs_internal.h"

/* A linear combination on the stack (at most 4 terms). */
typedef struct {
    zk_lc lc;
    uint32_t w[4];
    gl_t c[4];
} slc;

static zk_lc *slc_init(slc *s)
{
    s->lc.n = 0;
    s->lc.cap = 4;
    s->lc.wire = s->w;
    s->lc.coeff = s->c;
    return &s->lc;
}

static void slc_add(slc *s, uint32_t w, int64_t c)
{
    ZK_CHECK_ARG(s->lc.n < 4);
    s->w[s->lc.n] = w;
    s->c[s->lc.n] = gl_from_i64(c);
    s->lc.n++;
}

static zk_lc *slc1(slc *s, uint32_t w, int64_t c)
{
    slc_init(s);
    slc_add(s, w, c);
    return &s->lc;
}

static zk_lc *slc2(slc *s, uint32_t w0, int64_t c0, uint32_t w1, int64_t c1)
{
    slc_init(s);
    slc_add(s, w0, c0);
    slc_add(s, w1, c1);
    return &s->lc;
}

static int ok(const zk_cs *cs) { return cs->st == ZK_OK; }

static int check_bits(zk_cs *cs, unsigned bits, const char *g)
{
    if (bits < 1 || bits > ZK_CS_MAX_BITS) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "%s: bit width %u outside 1..%u", g, bits, ZK_CS_MAX_BITS);
        return -1;
    }
    return 0;
}

/* In prover mode: require v (signed) in [-2^(bits-1), 2^(bits-1)). */
static int check_signed(zk_cs *cs, gl_t v, unsigned bits, const char *g)
{
    if (!cs->prover)
        return 0;
    int64_t x = gl_to_i64(v), h = (int64_t)1 << (bits - 1);
    if (x < -h || x >= h) {
        zk_cs_fail(cs, ZK_ERR_RANGE, "%s: value %lld is outside the signed %u-bit range", g, (long long)x, bits);
        return -1;
    }
    return 0;
}

static int check_unsigned(zk_cs *cs, gl_t v, unsigned bits, const char *g)
{
    if (!cs->prover)
        return 0;
    if (v >= ((uint64_t)1 << bits)) {
        zk_cs_fail(cs, ZK_ERR_RANGE, "%s: value %lld is outside [0, 2^%u)", g, (long long)gl_to_i64(v), bits);
        return -1;
    }
    return 0;
}

/* n new boolean wires holding the bits of u (two's complement for signed
 * values: pass the value as a uint64 of the n-bit pattern). n constraints. */
static int alloc_bits(zk_cs *cs, uint64_t u, unsigned n, uint32_t *out)
{
    slc a, b, c;
    zk_lc *lc0 = slc_init(&c);
    for (unsigned i = 0; i < n; i++) {
        out[i] = zk_cs_new_wire(cs, cs->prover ? (u >> i) & 1 : 0);
        if (!out[i])
            return -1;
        zk_cs_enforce(cs, slc1(&a, out[i], 1), slc2(&b, out[i], 1, 0, -1), lc0);
    }
    return ok(cs) ? 0 : -1;
}

/* Add sum_i 2^i b_i (signed: top bit weight -2^(n-1)) times mult to lc. */
static void add_bits(zk_lc *lc, const uint32_t *b, unsigned n, int is_signed, int64_t mult)
{
    for (unsigned i = 0; i < n; i++) {
        gl_t c = gl_mul(gl_from_u64((uint64_t)1 << i), gl_from_i64(mult));
        if (is_signed && i == n - 1)
            c = gl_neg(c);
        zk_lc_add(lc, b[i], c);
    }
}

/* Decompose the value of lc into n bits (out[0..n)), signed or unsigned;
 * n + 1 constraints. Prover: range error if the value does not fit. Uses
 * scratch s[2]. */
static int decompose(zk_cs *cs, const zk_lc *lc, unsigned n, int is_signed, uint32_t *out, const char *g)
{
    if (check_bits(cs, n, g) != 0)
        return -1;
    gl_t v = cs->prover ? zk_cs_lc_value(cs, lc) : 0;
    if ((is_signed ? check_signed(cs, v, n, g) : check_unsigned(cs, v, n, g)) != 0)
        return -1;
    if (alloc_bits(cs, (uint64_t)gl_to_i64(v), n, out) != 0)
        return -1;
    zk_lc *sum = &cs->s[2];
    zk_lc_clear(sum);
    add_bits(sum, out, n, is_signed, 1);
    zk_cs_enforce_equal(cs, sum, lc);
    return ok(cs) ? 0 : -1;
}

static zk_lc *lc_of(zk_cs *cs, int k, uint32_t w0, int64_t c0, uint32_t w1, int64_t c1)
{
    zk_lc *l = &cs->s[k];
    zk_lc_clear(l);
    zk_lc_add_i64(l, w0, c0);
    if (c1)
        zk_lc_add_i64(l, w1, c1);
    return l;
}

/* ---- ranges and bits ---- */

/* Lookups on: the value of lc signed in bits, i.e. lc + 2^(bits-1) in
 * [0, 2^bits). Uses s[2]. */
static int lk_signed(zk_cs *cs, const zk_lc *lc, unsigned bits, const char *g)
{
    if (check_bits(cs, bits, g) != 0)
        return -1;
    if (check_signed(cs, cs->prover ? zk_cs_lc_value(cs, lc) : 0, bits, g) != 0)
        return -1;
    zk_lc *l = &cs->s[2];
    zk_lc_clear(l);
    for (uint32_t i = 0; i < lc->n; i++)
        zk_lc_add(l, lc->wire[i], lc->coeff[i]);
    zk_lc_add_i64(l, 0, (int64_t)1 << (bits - 1));
    return zk_cs_lookup_range(cs, l, bits, g);
}

void zk_cs_range(zk_cs *cs, uint32_t x, unsigned bits)
{
    uint32_t b[ZK_CS_MAX_BITS];
    if (!ok(cs))
        return;
    if (cs->lk_bits) {
        if (check_bits(cs, bits, "range") == 0)
            (void)zk_cs_lookup_range(cs, lc_of(cs, 0, x, 1, 0, 0), bits, "range");
        return;
    }
    (void)decompose(cs, lc_of(cs, 0, x, 1, 0, 0), bits, 0, b, "range");
}

void zk_cs_range_signed(zk_cs *cs, uint32_t x, unsigned bits)
{
    uint32_t b[ZK_CS_MAX_BITS];
    if (!ok(cs))
        return;
    if (cs->lk_bits) {
        (void)lk_signed(cs, lc_of(cs, 0, x, 1, 0, 0), bits, "range_signed");
        return;
    }
    (void)decompose(cs, lc_of(cs, 0, x, 1, 0, 0), bits, 1, b, "range_signed");
}

void zk_cs_to_bits(zk_cs *cs, uint32_t x, unsigned bits, uint32_t *out)
{
    ZK_CHECK_ARG(out != NULL);
    uint32_t b[ZK_CS_MAX_BITS];
    if (!ok(cs) || decompose(cs, lc_of(cs, 0, x, 1, 0, 0), bits, 0, b, "to_bits") != 0) {
        for (unsigned i = 0; i < bits && i < ZK_CS_MAX_BITS; i++)
            out[i] = 0;
        return;
    }
    memcpy(out, b, bits * sizeof *out);
}

/* [value of lc < 0], lc signed in bits; bits + 1 constraints. */
static uint32_t sign_of(zk_cs *cs, const zk_lc *lc, unsigned bits, const char *g)
{
    uint32_t b[ZK_CS_MAX_BITS];
    if (!ok(cs))
        return 0;
    if (cs->lk_bits) {
        /* s = [v < 0] boolean and v + s 2^(bits-1) in [0, 2^(bits-1)): the
         * statement of the signed decomposition (its top bit is s, the others
         * spell v + s 2^(bits-1)); 2 + [limb constraints] constraints */
        if (check_bits(cs, bits, g) != 0)
            return 0;
        gl_t v = cs->prover ? zk_cs_lc_value(cs, lc) : 0;
        if (check_signed(cs, v, bits, g) != 0)
            return 0;
        uint32_t sw = zk_cs_new_wire(cs, cs->prover && gl_to_i64(v) < 0);
        if (!sw)
            return 0;
        zk_cs_boolean(cs, sw);
        zk_lc *l = &cs->s[2];
        zk_lc_clear(l);
        for (uint32_t i = 0; i < lc->n; i++)
            zk_lc_add(l, lc->wire[i], lc->coeff[i]);
        zk_lc_add_i64(l, sw, (int64_t)1 << (bits - 1));
        if (zk_cs_lookup_range(cs, l, bits - 1, g) != 0)
            return 0;
        return sw;
    }
    if (decompose(cs, lc, bits, 1, b, g) != 0)
        return 0;
    return b[bits - 1];
}

uint32_t zk_cs_is_negative(zk_cs *cs, uint32_t x, unsigned bits)
{
    return ok(cs) ? sign_of(cs, lc_of(cs, 0, x, 1, 0, 0), bits, "is_negative") : 0;
}

uint32_t zk_cs_less_than(zk_cs *cs, uint32_t x, uint32_t y, unsigned bits)
{
    return ok(cs) ? sign_of(cs, lc_of(cs, 0, x, 1, y, -1), bits, "less_than") : 0;
}

/* [value of lc == 0]: lc * inv = 1 - out, lc * out = 0 (two constraints). */
static uint32_t zero_of(zk_cs *cs, const zk_lc *lc)
{
    gl_t v = cs->prover ? zk_cs_lc_value(cs, lc) : 0;
    uint32_t inv = zk_cs_new_wire(cs, v ? gl_inv(v) : 0);
    uint32_t out = zk_cs_new_wire(cs, v == 0);
    if (!inv || !out)
        return 0;
    slc a, c;
    zk_cs_enforce(cs, lc, slc1(&a, inv, 1), slc2(&c, 0, 1, out, -1));
    zk_cs_enforce(cs, lc, slc1(&a, out, 1), slc_init(&c));
    return ok(cs) ? out : 0;
}

uint32_t zk_cs_is_zero(zk_cs *cs, uint32_t x) { return ok(cs) ? zero_of(cs, lc_of(cs, 0, x, 1, 0, 0)) : 0; }

uint32_t zk_cs_is_equal(zk_cs *cs, uint32_t x, uint32_t y)
{
    return ok(cs) ? zero_of(cs, lc_of(cs, 0, x, 1, y, -1)) : 0;
}

uint32_t zk_cs_select(zk_cs *cs, uint32_t b, uint32_t x, uint32_t y)
{
    if (!ok(cs))
        return 0;
    gl_t bv = zk_cs_value(cs, b);
    uint32_t out = zk_cs_new_wire(cs, bv == 1 ? zk_cs_value(cs, x) : bv == 0 ? zk_cs_value(cs, y)
                                                                            : gl_add(zk_cs_value(cs, y),
                                                                                     gl_mul(bv, gl_sub(zk_cs_value(cs, x), zk_cs_value(cs, y)))));
    if (!out)
        return 0;
    slc a, bb, c;
    zk_cs_enforce(cs, slc1(&a, b, 1), slc2(&bb, x, 1, y, -1), slc2(&c, out, 1, y, -1));
    return ok(cs) ? out : 0;
}

void zk_cs_boolean(zk_cs *cs, uint32_t b)
{
    if (!ok(cs))
        return;
    slc a, bb, c;
    zk_cs_enforce(cs, slc1(&a, b, 1), slc2(&bb, b, 1, 0, -1), slc_init(&c));
}

/* ---- arithmetic ---- */

uint32_t zk_cs_rescale(zk_cs *cs, uint32_t x, unsigned shift, unsigned in_bits)
{
    if (!ok(cs) || check_bits(cs, in_bits, "rescale") != 0)
        return 0;
    if (shift < 1 || shift > in_bits) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "rescale: shift %u outside 1..%u", shift, in_bits);
        return 0;
    }
    unsigned qbits = in_bits - shift + 1;
    if (check_bits(cs, qbits, "rescale") != 0 || check_signed(cs, zk_cs_value(cs, x), in_bits, "rescale") != 0)
        return 0;
    int64_t xv = zk_cs_value_i64(cs, x);
    int64_t q = cs->prover ? zk_fx_rescale(xv, shift) : 0;
    int64_t r = cs->prover ? xv + ((int64_t)1 << (shift - 1)) - q * ((int64_t)1 << shift) : 0;
    if (cs->lk_bits) {
        /* limbs of r in [0, 2^shift), q signed in qbits,
         * (x + 2^(s-1) - r) * 1 = 2^s q */
        zk_lc a;
        zk_lc_init(&a);
        zk_lc_add_i64(&a, x, 1);
        zk_lc_add_i64(&a, 0, (int64_t)1 << (shift - 1));
        int rc = zk_cs_lookup_limbs(cs, (uint64_t)r, shift, &a, -1);
        uint32_t qw = rc == 0 ? zk_cs_new_wire(cs, gl_from_i64(q)) : 0;
        if (qw && lk_signed(cs, lc_of(cs, 0, qw, 1, 0, 0), qbits, "rescale") == 0)
            zk_cs_enforce_equal(cs, &a, lc_of(cs, 1, qw, (int64_t)1 << shift, 0, 0));
        zk_lc_free(&a);
        return qw && ok(cs) ? qw : 0;
    }
    uint32_t rb[ZK_CS_MAX_BITS], qb[ZK_CS_MAX_BITS];
    if (alloc_bits(cs, (uint64_t)r, shift, rb) != 0)
        return 0;
    uint32_t qw = zk_cs_new_wire(cs, gl_from_i64(q));
    if (!qw || decompose(cs, lc_of(cs, 0, qw, 1, 0, 0), qbits, 1, qb, "rescale") != 0)
        return 0;
    /* (x + 2^(s-1) - r) * 1 = 2^s q */
    zk_lc *a = lc_of(cs, 0, x, 1, 0, (int64_t)1 << (shift - 1));
    add_bits(a, rb, shift, 0, -1);
    zk_lc *c = lc_of(cs, 1, qw, (int64_t)1 << shift, 0, 0);
    zk_cs_enforce_equal(cs, a, c);
    return ok(cs) ? qw : 0;
}

static unsigned bitlen(uint64_t v)
{
    unsigned n = 0;
    while (v) {
        n++;
        v >>= 1;
    }
    return n;
}

uint32_t zk_cs_div_const(zk_cs *cs, uint32_t x, int64_t d, unsigned in_bits)
{
    if (!ok(cs) || check_bits(cs, in_bits, "div_const") != 0)
        return 0;
    if (d < 1 || d >= ((int64_t)1 << 61)) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "div_const: divisor %lld outside 1..2^61-1", (long long)d);
        return 0;
    }
    if (check_signed(cs, zk_cs_value(cs, x), in_bits, "div_const") != 0)
        return 0;
    unsigned e = bitlen((uint64_t)d) - 1;
    unsigned qbits = in_bits > e + 1 ? in_bits - e : 1;
    unsigned k = bitlen((uint64_t)d - 1); /* r in [0, d) fits k bits */
    int pow2 = (d & (d - 1)) == 0;
    int64_t xv = zk_cs_value_i64(cs, x);
    int64_t q = cs->prover ? zk_fx_div(xv, d) : 0;
    int64_t r = cs->prover ? xv - q * d : 0;
    if (cs->lk_bits) {
        /* r in [0, 2^k) as limbs R; d - 1 - R in [0, 2^k) unless d is a power
         * of 2; q signed in qbits; x - R = d q */
        zk_lc rs, a;
        zk_lc_init(&rs);
        zk_lc_init(&a);
        int rc = zk_cs_lookup_limbs(cs, (uint64_t)r, k, &rs, 1);
        if (rc == 0 && k && !pow2) {
            zk_lc_add_i64(&a, 0, d - 1);
            for (uint32_t i = 0; i < rs.n; i++)
                zk_lc_add(&a, rs.wire[i], gl_neg(rs.coeff[i]));
            rc = zk_cs_lookup_range(cs, &a, k, "div_const");
        }
        uint32_t qw = rc == 0 ? zk_cs_new_wire(cs, gl_from_i64(q)) : 0;
        if (qw && lk_signed(cs, lc_of(cs, 0, qw, 1, 0, 0), qbits, "div_const") == 0) {
            zk_lc_clear(&a);
            zk_lc_add_i64(&a, x, 1);
            for (uint32_t i = 0; i < rs.n; i++)
                zk_lc_add(&a, rs.wire[i], gl_neg(rs.coeff[i]));
            zk_cs_enforce_equal(cs, &a, lc_of(cs, 1, qw, d, 0, 0));
        }
        zk_lc_free(&rs);
        zk_lc_free(&a);
        return qw && ok(cs) ? qw : 0;
    }
    uint32_t rb[ZK_CS_MAX_BITS], sb[ZK_CS_MAX_BITS], qb[ZK_CS_MAX_BITS];
    if (k && alloc_bits(cs, (uint64_t)r, k, rb) != 0)
        return 0;
    if (k && !pow2) { /* d - 1 - r in [0, 2^k) */
        if (alloc_bits(cs, (uint64_t)(d - 1 - r), k, sb) != 0)
            return 0;
        zk_lc *a = lc_of(cs, 0, 0, d - 1, 0, 0);
        add_bits(a, rb, k, 0, -1);
        zk_lc *b = &cs->s[1];
        zk_lc_clear(b);
        add_bits(b, sb, k, 0, 1);
        zk_cs_enforce_equal(cs, a, b);
    }
    uint32_t qw = zk_cs_new_wire(cs, gl_from_i64(q));
    if (!qw || decompose(cs, lc_of(cs, 0, qw, 1, 0, 0), qbits, 1, qb, "div_const") != 0)
        return 0;
    zk_lc *a = lc_of(cs, 0, x, 1, 0, 0);
    if (k)
        add_bits(a, rb, k, 0, -1);
    zk_cs_enforce_equal(cs, a, lc_of(cs, 1, qw, d, 0, 0));
    return ok(cs) ? qw : 0;
}

uint32_t zk_cs_relu(zk_cs *cs, uint32_t x, unsigned bits)
{
    if (!ok(cs))
        return 0;
    uint32_t n = sign_of(cs, lc_of(cs, 0, x, 1, 0, 0), bits, "relu");
    if (!n)
        return 0;
    uint32_t out = zk_cs_new_wire(cs, zk_cs_value(cs, n) ? 0 : zk_cs_value(cs, x));
    if (!out)
        return 0;
    slc a, b, c;
    zk_cs_enforce(cs, slc2(&a, 0, 1, n, -1), slc1(&b, x, 1), slc1(&c, out, 1));
    return ok(cs) ? out : 0;
}

/* out = base + n (other - base) where n = [x - y < 0]. */
static uint32_t minmax(zk_cs *cs, uint32_t x, uint32_t y, unsigned bits, int want_max)
{
    if (!ok(cs))
        return 0;
    uint32_t n = sign_of(cs, lc_of(cs, 0, x, 1, y, -1), bits, want_max ? "max" : "min");
    if (!n)
        return 0;
    uint32_t base = want_max ? x : y, other = want_max ? y : x;
    uint32_t out = zk_cs_new_wire(cs, zk_cs_value(cs, n) ? zk_cs_value(cs, other) : zk_cs_value(cs, base));
    if (!out)
        return 0;
    slc a, b, c;
    zk_cs_enforce(cs, slc1(&a, n, 1), slc2(&b, other, 1, base, -1), slc2(&c, out, 1, base, -1));
    return ok(cs) ? out : 0;
}

uint32_t zk_cs_max(zk_cs *cs, uint32_t x, uint32_t y, unsigned bits) { return minmax(cs, x, y, bits, 1); }
uint32_t zk_cs_min(zk_cs *cs, uint32_t x, uint32_t y, unsigned bits) { return minmax(cs, x, y, bits, 0); }

/* Smallest n with v in [-2^(n-1), 2^(n-1)). */
static unsigned signed_width(int64_t v)
{
    uint64_t m = v < 0 ? ~(uint64_t)v : (uint64_t)v;
    return bitlen(m) + 1;
}

uint32_t zk_cs_clip(zk_cs *cs, uint32_t x, int64_t lo, int64_t hi, unsigned bits)
{
    if (!ok(cs) || check_bits(cs, bits, "clip") != 0)
        return 0;
    if (lo > hi) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "clip: lo %lld > hi %lld", (long long)lo, (long long)hi);
        return 0;
    }
    unsigned w = bits;
    if (signed_width(lo) > w)
        w = signed_width(lo);
    if (signed_width(hi) > w)
        w = signed_width(hi);
    unsigned cb = w + 1;
    if (cb > ZK_CS_MAX_BITS) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "clip: bounds need %u-bit comparisons (max %u)", cb, ZK_CS_MAX_BITS);
        return 0;
    }
    if (check_signed(cs, zk_cs_value(cs, x), bits, "clip") != 0)
        return 0;
    uint32_t n1 = sign_of(cs, lc_of(cs, 0, x, 1, 0, -lo), cb, "clip"); /* x < lo */
    uint32_t n2 = n1 ? sign_of(cs, lc_of(cs, 0, x, -1, 0, hi), cb, "clip") : 0; /* x > hi */
    if (!n2)
        return 0;
    int64_t xv = zk_cs_value_i64(cs, x);
    uint32_t t = zk_cs_new_wire(cs, zk_cs_value(cs, n1) ? gl_from_i64(lo - xv) : 0);
    uint32_t out = zk_cs_new_wire(cs, cs->prover ? gl_from_i64(zk_fx_clip(xv, lo, hi)) : 0);
    if (!t || !out)
        return 0;
    slc a, b, c;
    zk_cs_enforce(cs, slc1(&a, n1, 1), slc2(&b, 0, lo, x, -1), slc1(&c, t, 1));
    slc_init(&c);
    slc_add(&c, out, 1);
    slc_add(&c, x, -1);
    slc_add(&c, t, -1);
    zk_cs_enforce(cs, slc1(&a, n2, 1), slc2(&b, 0, hi, x, -1), &c.lc);
    return ok(cs) ? out : 0;
}

uint32_t zk_cs_sigmoid(zk_cs *cs, uint32_t x, unsigned scale, unsigned bits)
{
    if (!ok(cs) || check_bits(cs, bits, "sigmoid") != 0)
        return 0;
    if (scale < 5 || scale > 58 || bits < scale + 4) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "sigmoid: needs 5 <= scale <= 58 and bits >= scale + 4 (scale %u, bits %u)",
                   scale, bits);
        return 0;
    }
    unsigned hb = bits - scale + 4;
    if (check_bits(cs, hb, "sigmoid") != 0)
        return 0;
    uint32_t n = sign_of(cs, lc_of(cs, 0, x, 1, 0, 0), bits, "sigmoid");
    if (!n)
        return 0;
    int64_t xv = zk_cs_value_i64(cs, x);
    uint64_t av = xv < 0 ? (uint64_t)0 - (uint64_t)xv : (uint64_t)xv;
    uint32_t aw = zk_cs_new_wire(cs, gl_from_u64(av));
    if (!aw)
        return 0;
    slc a, b, c;
    /* (2n) * x = x - a */
    zk_cs_enforce(cs, slc1(&a, n, 2), slc1(&b, x, 1), slc2(&c, x, 1, aw, -1));
    uint32_t ab[ZK_CS_MAX_BITS];
    if (decompose(cs, lc_of(cs, 0, aw, 1, 0, 0), bits, 0, ab, "sigmoid") != 0)
        return 0;
    /* g_k = 1 - [floor(a / 2^(s-3)) - K_k < 0] for K = 40, 19, 8 */
    static const int64_t K[3] = {40, 19, 8};
    uint32_t ng[3];
    unsigned lo = scale - 3;
    for (int k = 0; k < 3; k++) {
        zk_lc *h = &cs->s[0];
        zk_lc_clear(h);
        add_bits(h, ab + lo, bits - lo, 0, 1);
        zk_lc_add_i64(h, 0, -K[k]);
        if (!(ng[k] = sign_of(cs, h, hb, "sigmoid")))
            return 0;
    }
    /* L0 = a/4 + 2^(s-1), L1 = a/8 + 5 2^(s-3), L2 = a/32 + 27 2^(s-5) (floors) */
    int64_t one = (int64_t)1 << scale;
    uint64_t L0 = av / 4 + (uint64_t)(one >> 1), L1 = av / 8 + 5 * (uint64_t)(one >> 3),
             L2 = av / 32 + 27 * (uint64_t)(one >> 5);
    int g2 = cs->prover && av >= 19 * (uint64_t)(one >> 3),
        g3 = cs->prover && av >= (uint64_t)one;
    gl_t t3v = g3 ? gl_sub(gl_from_u64(L1), gl_from_u64(L0)) : 0;
    gl_t t2v = g2 ? gl_sub(gl_from_u64(L2), gl_from_u64(L1)) : 0;
    uint32_t t3 = zk_cs_new_wire(cs, t3v), t2 = zk_cs_new_wire(cs, t2v);
    int64_t yv = cs->prover ? zk_fx_sigmoid((int64_t)av, scale) : 0;
    uint32_t y = zk_cs_new_wire(cs, gl_from_i64(yv));
    uint32_t out = zk_cs_new_wire(cs, cs->prover ? gl_from_i64(zk_fx_sigmoid(xv, scale)) : 0);
    if (!t3 || !t2 || !y || !out)
        return 0;
    zk_lc *l0 = &cs->s[0], *l1 = &cs->s[1], *l2 = &cs->s[3], *d = &cs->s[2];
    zk_lc_clear(l0);
    zk_lc_clear(l1);
    zk_lc_clear(l2);
    add_bits(l0, ab + 2, bits - 2, 0, 1);
    zk_lc_add_i64(l0, 0, one >> 1);
    add_bits(l1, ab + 3, bits - 3, 0, 1);
    zk_lc_add_i64(l1, 0, 5 * (one >> 3));
    add_bits(l2, ab + 5, bits - 5, 0, 1);
    zk_lc_add_i64(l2, 0, 27 * (one >> 5));
    /* t3 = (1 - n3) (L1 - L0) */
    zk_lc_clear(d);
    add_bits(d, ab + 3, bits - 3, 0, 1);
    zk_lc_add_i64(d, 0, 5 * (one >> 3));
    add_bits(d, ab + 2, bits - 2, 0, -1);
    zk_lc_add_i64(d, 0, -(one >> 1));
    zk_cs_enforce(cs, slc2(&a, 0, 1, ng[2], -1), d, slc1(&c, t3, 1));
    /* t2 = (1 - n2) (L2 - L1) */
    zk_lc_clear(d);
    add_bits(d, ab + 5, bits - 5, 0, 1);
    zk_lc_add_i64(d, 0, 27 * (one >> 5));
    add_bits(d, ab + 3, bits - 3, 0, -1);
    zk_lc_add_i64(d, 0, -5 * (one >> 3));
    zk_cs_enforce(cs, slc2(&a, 0, 1, ng[1], -1), d, slc1(&c, t2, 1));
    /* (1 - n1) (2^s - L2) = y - L0 - t3 - t2 */
    zk_lc_clear(d);
    zk_lc_add_i64(d, 0, one - 27 * (one >> 5));
    add_bits(d, ab + 5, bits - 5, 0, -1);
    zk_lc_clear(l1);
    zk_lc_add_i64(l1, y, 1);
    add_bits(l1, ab + 2, bits - 2, 0, -1);
    zk_lc_add_i64(l1, 0, -(one >> 1));
    zk_lc_add_i64(l1, t3, -1);
    zk_lc_add_i64(l1, t2, -1);
    zk_cs_enforce(cs, slc2(&a, 0, 1, ng[0], -1), d, l1);
    /* n (2^s - 2y) = out - y */
    zk_cs_enforce(cs, slc1(&a, n, 1), slc2(&b, 0, one, y, -2), slc2(&c, out, 1, y, -1));
    return ok(cs) ? out : 0;
}

uint32_t zk_cs_sqrt(zk_cs *cs, uint32_t x, unsigned bits)
{
    if (!ok(cs))
        return 0;
    if (bits < 1 || bits > 60) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "sqrt: bit width %u outside 1..60", bits);
        return 0;
    }
    if (check_unsigned(cs, zk_cs_value(cs, x), bits, "sqrt") != 0)
        return 0;
    unsigned yb = (bits + 1) / 2;
    int64_t xv = (int64_t)zk_cs_value(cs, x);
    int64_t yv = cs->prover ? zk_fx_sqrt(xv) : 0, rv = xv - yv * yv;
    uint32_t yw = zk_cs_new_wire(cs, gl_from_i64(yv));
    uint32_t b[ZK_CS_MAX_BITS], rb[ZK_CS_MAX_BITS], sb[ZK_CS_MAX_BITS];
    if (!yw || decompose(cs, lc_of(cs, 0, yw, 1, 0, 0), yb, 0, b, "sqrt") != 0)
        return 0;
    uint32_t y2 = zk_cs_mul(cs, yw, yw);
    if (!y2 || alloc_bits(cs, (uint64_t)rv, yb + 1, rb) != 0 || alloc_bits(cs, (uint64_t)(2 * yv - rv), yb + 1, sb) != 0)
        return 0;
    zk_lc *a = &cs->s[0];
    zk_lc_clear(a);
    add_bits(a, rb, yb + 1, 0, 1);
    zk_cs_enforce_equal(cs, a, lc_of(cs, 1, x, 1, y2, -1)); /* r = x - y^2 */
    zk_lc_clear(a);
    add_bits(a, sb, yb + 1, 0, 1);
    zk_lc *c = lc_of(cs, 1, yw, 2, 0, 0);
    add_bits(c, rb, yb + 1, 0, -1);
    zk_cs_enforce_equal(cs, a, c); /* s = 2y - r */
    return ok(cs) ? yw : 0;
}

uint32_t zk_cs_argmax(zk_cs *cs, const uint32_t *x, size_t n, unsigned bits, uint32_t *onehot)
{
    ZK_CHECK_ARG(x != NULL && n >= 1);
    if (!ok(cs))
        return 0;
    if (n > ((size_t)1 << 31)) {
        zk_cs_fail(cs, ZK_ERR_INPUT, "argmax: %zu inputs", n);
        return 0;
    }
    uint32_t m = x[0], idx = 0; /* idx == 0: the constant 0 (no wire yet) */
    for (size_t i = 1; i < n; i++) {
        uint32_t g = sign_of(cs, lc_of(cs, 0, m, 1, x[i], -1), bits, "argmax"); /* m < x_i */
        if (!g)
            return 0;
        int gv = zk_cs_value(cs, g) == 1;
        slc a, b, c;
        if (i + 1 < n) {
            uint32_t m2 = zk_cs_new_wire(cs, gv ? zk_cs_value(cs, x[i]) : zk_cs_value(cs, m));
            if (!m2)
                return 0;
            zk_cs_enforce(cs, slc1(&a, g, 1), slc2(&b, x[i], 1, m, -1), slc2(&c, m2, 1, m, -1));
            m = m2;
        }
        gl_t iv = zk_cs_value(cs, idx); /* wire 0 reads 1, but idx == 0 means the constant 0 */
        if (idx == 0)
            iv = 0;
        uint32_t idx2 = zk_cs_new_wire(cs, gv ? (gl_t)i : iv);
        if (!idx2)
            return 0;
        slc_init(&b);
        slc_add(&b, 0, (int64_t)i);
        if (idx)
            slc_add(&b, idx, -1);
        slc_init(&c);
        slc_add(&c, idx2, 1);
        if (idx)
            slc_add(&c, idx, -1);
        zk_cs_enforce(cs, slc1(&a, g, 1), &b.lc, &c.lc);
        idx = idx2;
    }
    if (!idx) { /* n == 1 */
        slc a;
        idx = zk_cs_lc_wire(cs, slc_init(&a));
        if (!idx)
            return 0;
    }
    if (onehot)
        for (size_t i = 0; i < n; i++) {
            onehot[i] = zero_of(cs, lc_of(cs, 0, idx, 1, 0, -(int64_t)i));
            if (!onehot[i])
                return 0;
        }
    return ok(cs) ? idx : 0;
}
