/*
 * Tests for the Libra zero-knowledge sumcheck (src/iop/sumcheck.c, eprint
 * 2019/317 section 4.1): completeness, the exact mask contribution of every
 * round polynomial, the mask sum / evaluation / linear form, soundness against
 * tampering, and zero-knowledge evidence (see test_zk_simulation_algebraic).
 */
#include "testutil.h"

#include <string.h>

#include "zkmlops/mle.h"
#include "zkmlops/status.h"
#include "zkmlops/sumcheck.h"
#include "zkmlops/transcript.h"

static test_rng rng;

#define MAXV 12
#define PROTO "test/sumcheck-zk"

typedef struct {
    zk_sc_instance inst;
    gl_t *base[ZK_SC_MAX_TABLES];
    gl3_t *ext[ZK_SC_MAX_TABLES];
} rand_inst;

static void ri_free(rand_inst *ri)
{
    for (int j = 0; j < ZK_SC_MAX_TABLES; j++) {
        free(ri->base[j]);
        free(ri->ext[j]);
    }
    memset(ri, 0, sizeof *ri);
}

static void ri_make(rand_inst *ri, size_t n, size_t n_tables, size_t n_terms, unsigned max_f)
{
    memset(ri, 0, sizeof *ri);
    size_t len = (size_t)1 << n;
    zk_sc_instance *in = &ri->inst;
    in->n_vars = n;
    in->n_tables = n_tables;
    for (size_t j = 0; j < n_tables; j++) {
        if (test_rng_u64(&rng) & 1) {
            ri->base[j] = malloc(len * sizeof(gl_t));
            assert_non_null(ri->base[j]);
            for (size_t b = 0; b < len; b++)
                ri->base[j][b] = test_rng_gl(&rng);
            in->base[j] = ri->base[j];
        } else {
            ri->ext[j] = malloc(len * sizeof(gl3_t));
            assert_non_null(ri->ext[j]);
            for (size_t b = 0; b < len; b++)
                ri->ext[j][b] = test_rng_gl3(&rng);
            in->ext[j] = ri->ext[j];
        }
    }
    in->n_terms = n_terms;
    for (size_t t = 0; t < n_terms; t++) {
        zk_sc_term *tm = &in->terms[t];
        tm->coeff = test_rng_gl3(&rng);
        tm->n_factors = t == 0 ? max_f : 1 + (unsigned)(test_rng_u64(&rng) % max_f);
        for (unsigned f = 0; f < tm->n_factors; f++)
            tm->factor[f] = (unsigned)(test_rng_u64(&rng) % n_tables);
    }
}

static gl3_t *lifted(const zk_sc_instance *in, size_t j)
{
    size_t len = (size_t)1 << in->n_vars;
    gl3_t *v = malloc(len * sizeof *v);
    assert_non_null(v);
    for (size_t b = 0; b < len; b++)
        v[b] = in->base[j] ? gl3_from_gl(in->base[j][b]) : in->ext[j][b];
    return v;
}

static void true_evals(const zk_sc_instance *in, const gl3_t *r, gl3_t *evals)
{
    for (size_t j = 0; j < in->n_tables; j++)
        evals[j] = in->base[j] ? zk_mle_eval_gl(in->base[j], in->n_vars, r)
                               : zk_mle_eval_gl3(in->ext[j], in->n_vars, r);
}

/* f's round-i values at x = 0..d, from tables folded with r[0..i). */
static void ref_f_round(const zk_sc_instance *in, const gl3_t *r, size_t i, unsigned d, gl3_t *out)
{
    size_t n = in->n_vars, nt = in->n_tables;
    gl3_t *tab[ZK_SC_MAX_TABLES];
    for (size_t j = 0; j < nt; j++) {
        tab[j] = lifted(in, j);
        for (size_t k = 0; k < i; k++)
            zk_mle_fold_gl3(tab[j], n - k, r[k]);
    }
    size_t half = (size_t)1 << (n - i - 1);
    for (unsigned x = 0; x <= d; x++) {
        gl3_t acc = gl3_zero(), v[ZK_SC_MAX_TABLES], X = gl3_from_gl(x);
        for (size_t b = 0; b < half; b++) {
            for (size_t j = 0; j < nt; j++)
                v[j] = gl3_add(tab[j][2 * b], gl3_mul(X, gl3_sub(tab[j][2 * b + 1], tab[j][2 * b])));
            acc = gl3_add(acc, zk_sc_combine(in, v));
        }
        out[x] = acc;
    }
    for (size_t j = 0; j < nt; j++)
        free(tab[j]);
}

/* The mask's round-i values by enumeration: sum_b g(r_0..r_(i-1), x, b). */
static void ref_g_round(const zk_libra_mask *m, const gl3_t *r, size_t i, gl3_t *out)
{
    size_t n = m->n_vars, rest = n - i - 1;
    gl3_t pt[MAXV];
    for (size_t k = 0; k < i; k++)
        pt[k] = r[k];
    for (unsigned x = 0; x <= m->degree; x++) {
        pt[i] = gl3_from_gl(x);
        gl3_t acc = gl3_zero();
        for (size_t b = 0; b < ((size_t)1 << rest); b++) {
            for (size_t k = 0; k < rest; k++)
                pt[i + 1 + k] = gl3_from_gl((b >> k) & 1);
            acc = gl3_add(acc, zk_libra_mask_eval(m, pt));
        }
        out[x] = acc;
    }
}

/* Lagrange interpolation on nodes 0..d (independent of the library's Newton form). */
static void lagrange(gl3_t *c, const gl3_t *y, unsigned d)
{
    for (unsigned k = 0; k <= d; k++)
        c[k] = gl3_zero();
    for (unsigned i = 0; i <= d; i++) {
        gl_t basis[ZK_SC_MAX_DEGREE + 2] = {1};
        unsigned deg = 0;
        gl_t denom = 1;
        for (unsigned j = 0; j <= d; j++) {
            if (j == i)
                continue;
            /* basis *= (X - j) */
            basis[deg + 1] = 0;
            for (unsigned e = deg + 1; e >= 1; e--)
                basis[e] = gl_sub(basis[e - 1], gl_mul(basis[e], j));
            basis[0] = gl_neg(gl_mul(basis[0], j));
            deg++;
            denom = gl_mul(denom, gl_from_i64((int64_t)i - (int64_t)j));
        }
        gl3_t s = gl3_mul_gl(y[i], gl_inv(denom));
        for (unsigned e = 0; e <= d; e++)
            c[e] = gl3_add(c[e], gl3_mul_gl(s, basis[e]));
    }
}

static gl3_t poly_at(const gl3_t *c, unsigned d, gl3_t x)
{
    gl3_t acc = gl3_zero(), p = gl3_one();
    for (unsigned k = 0; k <= d; k++) {
        acc = gl3_add(acc, gl3_mul(c[k], p));
        p = gl3_mul(p, x);
    }
    return acc;
}

static gl3_t mask_coeff(const zk_libra_mask *m, size_t i, unsigned k)
{
    const gl_t *p = m->coeffs + 3 * (i * (m->degree + 1) + k);
    return (gl3_t){{p[0], p[1], p[2]}};
}

static void set_mask_coeff(zk_libra_mask *m, size_t i, unsigned k, gl3_t v)
{
    gl_t *p = m->coeffs + 3 * (i * (m->degree + 1) + k);
    p[0] = v.c[0];
    p[1] = v.c[1];
    p[2] = v.c[2];
}

/* Prove from a fresh PROTO transcript. */
static void zk_prove(const zk_sc_instance *in, gl3_t claim, const zk_libra_mask *m, zk_wbuf *w, gl3_t *r,
                     gl3_t *evals, gl3_t *g_r)
{
    zk_transcript t;
    zk_transcript_init(&t, PROTO);
    zk_wbuf_init(w);
    assert_int_equal(zk_sumcheck_prove_zk(in, claim, m, &t, w, r, evals, g_r), ZK_OK);
}

/* Verify and run the caller's final check with honest openings at the
 * verifier's r (what binding commitments to the tables and the mask give). */
static int zk_verify_full(const zk_sc_instance *in, gl3_t claim, const zk_libra_mask *m, const uint8_t *p,
                          size_t len, gl3_t *r_out, gl3_t *rho_out)
{
    zk_transcript t;
    zk_transcript_init(&t, PROTO);
    zk_rbuf rb;
    zk_rbuf_init(&rb, p, len);
    gl3_t r[MAXV], evals[ZK_SC_MAX_TABLES], fin = gl3_zero(), rho = gl3_zero();
    if (zk_sumcheck_verify_zk(in->n_vars, m->degree, claim, &t, &rb, r, &fin, &rho) != ZK_OK)
        return 0;
    if (zk_rbuf_left(&rb) != 0)
        return 0;
    true_evals(in, r, evals);
    gl3_t want = gl3_add(zk_sc_combine(in, evals), gl3_mul(rho, zk_libra_mask_eval(m, r)));
    if (r_out)
        memcpy(r_out, r, in->n_vars * sizeof *r);
    if (rho_out)
        *rho_out = rho;
    return gl3_eq(fin, want);
}

static void test_mask_basics(void **state)
{
    (void)state;
    for (size_t n = 0; n <= 6; n++)
        for (unsigned D = 1; D <= ZK_SC_MAX_DEGREE; D++) {
            zk_libra_mask m;
            assert_int_equal(zk_libra_mask_init(&m, n, D), ZK_OK);
            size_t len = zk_libra_mask_len(&m);
            assert_int_equal(len, 3 * n * (D + 1));
            assert_int_equal(len, zk_libra_coeffs_len(n, D));
            for (size_t i = 0; i < len; i++)
                assert_true(gl_is_canonical(m.coeffs[i]));
            /* G = sum over the cube of g, by enumeration. */
            gl3_t pt[MAXV], acc = gl3_zero();
            for (size_t b = 0; b < ((size_t)1 << n); b++) {
                for (size_t k = 0; k < n; k++)
                    pt[k] = gl3_from_gl((b >> k) & 1);
                acc = gl3_add(acc, zk_libra_mask_eval(&m, pt));
            }
            assert_true(gl3_eq(acc, zk_libra_mask_sum(&m)));
            /* g(r) as the linear form over the committed base-field vector; and
             * from the definition sum_i sum_k a_{i,k} r_i^k. */
            for (size_t k = 0; k < n; k++)
                pt[k] = test_rng_gl3(&rng);
            gl3_t *w = malloc((len ? len : 1) * sizeof *w);
            assert_non_null(w);
            zk_libra_linear_form(w, n, D, pt);
            gl3_t lf = gl3_zero(), def = gl3_zero();
            for (size_t i = 0; i < len; i++)
                lf = gl3_add(lf, gl3_mul_gl(w[i], m.coeffs[i]));
            for (size_t i = 0; i < n; i++) {
                gl3_t p = gl3_one();
                for (unsigned k = 0; k <= D; k++) {
                    def = gl3_add(def, gl3_mul(mask_coeff(&m, i, k), p));
                    p = gl3_mul(p, pt[i]);
                }
            }
            assert_true(gl3_eq(lf, zk_libra_mask_eval(&m, pt)));
            assert_true(gl3_eq(def, lf));
            free(w);
            zk_libra_mask_free(&m);
            assert_null(m.coeffs);
            assert_int_equal(m.n_vars, 0);
        }
    /* Coefficients look uniform in F_p (a crude check against a weak or truncated
     * RNG path): of 3*32*5 = 480 coordinates, about half are >= 2^63; a binomial
     * (480, ~1/2) leaves [160, 320] with probability < 10^-12. No coordinate is
     * zero (each zero has probability 1/p), so all three extension coordinates
     * are really used. */
    zk_libra_mask u;
    assert_int_equal(zk_libra_mask_init(&u, 32, 4), ZK_OK);
    size_t high = 0;
    for (size_t i = 0; i < zk_libra_mask_len(&u); i++) {
        high += u.coeffs[i] >> 63;
        assert_true(u.coeffs[i] != 0);
    }
    assert_true(high >= 160 && high <= 320);
    zk_libra_mask_free(&u);
    /* Two fresh masks differ (OS randomness, not a fixed seed). */
    zk_libra_mask a, b;
    assert_int_equal(zk_libra_mask_init(&a, 4, 3), ZK_OK);
    assert_int_equal(zk_libra_mask_init(&b, 4, 3), ZK_OK);
    assert_memory_not_equal(a.coeffs, b.coeffs, zk_libra_mask_len(&a) * sizeof(gl_t));
    zk_libra_mask_free(&a);
    zk_libra_mask_free(&b);
}

static void test_zk_completeness_and_exact_rounds(void **state)
{
    (void)state;
    int count = 0;
    for (size_t n = 0; n <= 8; n++)
        for (unsigned max_f = 1; max_f <= 3; max_f++) {
            rand_inst ri;
            ri_make(&ri, n, 1 + test_rng_u64(&rng) % 4, 1 + test_rng_u64(&rng) % 4, max_f);
            unsigned D = max_f + (unsigned)(test_rng_u64(&rng) % (ZK_SC_MAX_DEGREE - max_f + 1));
            zk_libra_mask m;
            assert_int_equal(zk_libra_mask_init(&m, n, D), ZK_OK);
            gl3_t claim = zk_sc_sum_bruteforce(&ri.inst);
            zk_wbuf w;
            gl3_t r[MAXV], rv[MAXV], evals[ZK_SC_MAX_TABLES], te[ZK_SC_MAX_TABLES], g_r, rho = gl3_zero();
            zk_prove(&ri.inst, claim, &m, &w, r, evals, &g_r);
            assert_int_equal(w.len, 24 + n * (D + 1) * 24);
            assert_true(zk_verify_full(&ri.inst, claim, &m, w.data, w.len, rv, &rho));
            assert_memory_equal(r, rv, n * sizeof *r);
            true_evals(&ri.inst, r, te);
            assert_memory_equal(evals, te, ri.inst.n_tables * sizeof *te);
            assert_true(gl3_eq(g_r, zk_libra_mask_eval(&m, r)));
            /* G on the wire, and every round = f's round + rho * g's round, exactly. */
            zk_rbuf rb;
            zk_rbuf_init(&rb, w.data, w.len);
            assert_true(gl3_eq(zk_rbuf_gl3(&rb), zk_libra_mask_sum(&m)));
            for (size_t i = 0; i < n; i++) {
                gl3_t c[ZK_SC_MAX_DEGREE + 1], fv[ZK_SC_MAX_DEGREE + 1], gv[ZK_SC_MAX_DEGREE + 1];
                zk_rbuf_gl3s(&rb, c, D + 1);
                ref_f_round(&ri.inst, r, i, D, fv);
                ref_g_round(&m, r, i, gv);
                for (unsigned x = 0; x <= D; x++)
                    assert_true(gl3_eq(poly_at(c, D, gl3_from_gl(x)), gl3_add(fv[x], gl3_mul(rho, gv[x]))));
            }
            assert_false(rb.err);
            assert_int_equal(zk_rbuf_left(&rb), 0);
            /* A wrong claim is rejected. */
            assert_false(zk_verify_full(&ri.inst, gl3_add(claim, gl3_one()), &m, w.data, w.len, NULL, NULL));
            zk_wbuf_free(&w);
            zk_libra_mask_free(&m);
            ri_free(&ri);
            count++;
        }
    print_message("# %d ZK instances proved and verified\n", count);
}

static void test_zk_tamper_every_bit(void **state)
{
    (void)state;
    rand_inst ri;
    ri_make(&ri, 2, 3, 2, 3);
    zk_libra_mask m;
    assert_int_equal(zk_libra_mask_init(&m, 2, 3), ZK_OK);
    gl3_t claim = zk_sc_sum_bruteforce(&ri.inst);
    zk_wbuf w;
    gl3_t r[MAXV], evals[ZK_SC_MAX_TABLES], g_r;
    zk_prove(&ri.inst, claim, &m, &w, r, evals, &g_r);
    assert_int_equal(w.len, 24 + 2 * 4 * 24);
    assert_true(zk_verify_full(&ri.inst, claim, &m, w.data, w.len, NULL, NULL));
    uint8_t *p = malloc(w.len + 1);
    assert_non_null(p);
    for (size_t i = 0; i < w.len; i++)
        for (int bit = 0; bit < 8; bit++) {
            memcpy(p, w.data, w.len);
            p[i] ^= (uint8_t)(1u << bit);
            assert_false(zk_verify_full(&ri.inst, claim, &m, p, w.len, NULL, NULL));
        }
    for (size_t len = 0; len < w.len; len++)
        assert_false(zk_verify_full(&ri.inst, claim, &m, w.data, len, NULL, NULL));
    memcpy(p, w.data, w.len);
    p[w.len] = 0;
    assert_false(zk_verify_full(&ri.inst, claim, &m, p, w.len + 1, NULL, NULL));
    free(p);
    zk_wbuf_free(&w);
    zk_libra_mask_free(&m);
    ri_free(&ri);
}

/*
 * Zero-knowledge evidence (algebraic simulation argument).
 *
 * Fix the verifier's challenges rho, r_1..r_n. The prover's message vector
 * M = (G, s_1, .., s_n) is then an affine function of the mask coefficients
 * a = (a_{i,k}) in (F_p^3)^(n(D+1)):
 *     M(f, a) = S(f) + L(a),
 * where S(f) = (0, s^f_1, .., s^f_n) depends only on the witness and
 * L(a) = (G(a), rho s^g_1(a), .., rho s^g_n(a)) depends only on the mask,
 * with (sumcheck.c, libra_round_coeffs)
 *     coefficient k >= 1 of rho s^g_i:  rho 2^(n-i) a_{i,k}
 *     G(a) = 2^(n-1) sum_i (2 a_{i,0} + sum_{k>=1} a_{i,k}).
 * (1) The X^k coefficients (k >= 1) of every round and G determine M: the
 *     honest relation s_i(0) + s_i(1) = claim_i gives c_{i,0} =
 *     (claim_i - sum_{k>=1} c_{i,k}) / 2, with claim_1 = claim + rho G and
 *     claim_(i+1) = s_i(r_i). So for every witness with the same claim, M lies
 *     in the same affine space A of dimension n D + 1 (over F_p^3).
 * (2) a -> (G, c_{i,k>=1}) is onto (F_p^3)^(nD+1): each c_{i,k} has its own
 *     a_{i,k} with the invertible factor rho 2^(n-i) (rho != 0), and G has
 *     the free a_{i,0} with factor 2^n.
 * Hence, for uniform a, M(f, a) is uniform on A whatever f is: the fibres of
 * the affine map are cosets of the same kernel. In the interactive protocol
 * r_i is chosen after s_i, but s_i's free coefficients use only a_{i,k},
 * fresh in round i, so the argument applies round by round (Libra, section 4.1).
 *
 * The test makes (1)+(2) concrete: it proves with witness f1 and a random
 * mask a1, then SOLVES for a mask a2 such that (f2, a2) gives the same
 * messages (a different witness with the same sum), runs the real prover with
 * (f2, a2) and checks the proof bytes are identical (hence also the same
 * Fiat-Shamir challenges). The solve is the explicit inverse of L on the
 * coordinates of (2); the constant terms c_{i,0} are never touched, so their
 * equality checks (1). It fails if any round leaked f beyond the sum.
 *
 * Control: with a mask restricted to F_p (as an F_p-coefficient Libra mask
 * would be), rho a lies on the line rho F_p, and s^f's coefficient is
 * recovered from the message alone; the test recovers it.
 */
static void make_same_sum_pair(rand_inst *f1, rand_inst *f2, size_t n)
{
    /* f = T0*T1*T2 + T3 (all base-field tables); f2's T3[0] is adjusted to equalise the sums. */
    for (int w = 0; w < 2; w++) {
        rand_inst *ri = w ? f2 : f1;
        memset(ri, 0, sizeof *ri);
        size_t len = (size_t)1 << n;
        for (int j = 0; j < 4; j++) {
            ri->base[j] = malloc(len * sizeof(gl_t));
            assert_non_null(ri->base[j]);
            for (size_t b = 0; b < len; b++)
                ri->base[j][b] = test_rng_gl(&rng);
            ri->inst.base[j] = ri->base[j];
        }
        ri->inst.n_vars = n;
        ri->inst.n_tables = 4;
        ri->inst.n_terms = 2;
        ri->inst.terms[0] = (zk_sc_term){gl3_one(), 3, {0, 1, 2, 0}};
        ri->inst.terms[1] = (zk_sc_term){gl3_one(), 1, {3, 0, 0, 0}};
    }
    gl3_t h1 = zk_sc_sum_bruteforce(&f1->inst), h2 = zk_sc_sum_bruteforce(&f2->inst);
    f2->base[3][0] = gl_add(f2->base[3][0], gl_sub(h1.c[0], h2.c[0]));
    assert_true(gl3_eq(zk_sc_sum_bruteforce(&f1->inst), zk_sc_sum_bruteforce(&f2->inst)));
}

static void read_messages(const zk_wbuf *w, size_t n, unsigned D, gl3_t *G, gl3_t msg[][ZK_SC_MAX_DEGREE + 1])
{
    zk_rbuf rb;
    zk_rbuf_init(&rb, w->data, w->len);
    *G = zk_rbuf_gl3(&rb);
    for (size_t i = 0; i < n; i++)
        zk_rbuf_gl3s(&rb, msg[i], D + 1);
    assert_false(rb.err);
    assert_int_equal(zk_rbuf_left(&rb), 0);
}

static void f_round_coeffs(const zk_sc_instance *in, const gl3_t *r, unsigned D, gl3_t c[][ZK_SC_MAX_DEGREE + 1])
{
    gl3_t y[ZK_SC_MAX_DEGREE + 1];
    for (size_t i = 0; i < in->n_vars; i++) {
        ref_f_round(in, r, i, D, y);
        lagrange(c[i], y, D);
    }
}

static void test_zk_simulation_algebraic(void **state)
{
    (void)state;
    const unsigned D = 3;
    for (size_t n = 1; n <= 6; n++) {
        rand_inst f1, f2;
        make_same_sum_pair(&f1, &f2, n);
        gl3_t claim = zk_sc_sum_bruteforce(&f1.inst);
        zk_libra_mask a1, a2;
        assert_int_equal(zk_libra_mask_init(&a1, n, D), ZK_OK);
        assert_int_equal(zk_libra_mask_init(&a2, n, D), ZK_OK);

        zk_wbuf w1, w2;
        gl3_t r[MAXV], r2[MAXV], ev[ZK_SC_MAX_TABLES], g_r, rho = gl3_zero(), G;
        zk_prove(&f1.inst, claim, &a1, &w1, r, ev, &g_r);
        assert_true(zk_verify_full(&f1.inst, claim, &a1, w1.data, w1.len, NULL, &rho));
        gl3_t msg[MAXV][ZK_SC_MAX_DEGREE + 1], s1[MAXV][ZK_SC_MAX_DEGREE + 1], s2[MAXV][ZK_SC_MAX_DEGREE + 1];
        read_messages(&w1, n, D, &G, msg);
        f_round_coeffs(&f1.inst, r, D, s1);
        f_round_coeffs(&f2.inst, r, D, s2);
        /* Non-vacuous: the unmasked round polynomials of the two witnesses differ. */
        int differ = 0;
        for (size_t i = 0; i < n; i++)
            for (unsigned k = 1; k <= D; k++)
                differ |= !gl3_eq(s1[i][k], s2[i][k]);
        assert_true(differ);

        /* Solve L(a2) = M1 - S(f2) on the coordinates (G, c_{i,k>=1}). */
        gl3_t sum_hi = gl3_zero(), sum_lo = gl3_zero();
        for (size_t i = 0; i < n; i++) {
            gl3_t inv = gl3_inv(gl3_mul_gl(rho, gl_pow(2, n - 1 - i)));
            for (unsigned k = 1; k <= D; k++) {
                gl3_t v = gl3_mul(gl3_sub(msg[i][k], s2[i][k]), inv);
                set_mask_coeff(&a2, i, k, v);
                sum_hi = gl3_add(sum_hi, v);
            }
            if (i > 0) /* free kernel coordinates: keep a2's random values */
                sum_lo = gl3_add(sum_lo, mask_coeff(&a2, i, 0));
        }
        /* G = 2^(n-1) (2 sum_i a_{i,0} + sum_{i,k>=1} a_{i,k})  =>  a_{0,0}. */
        gl3_t a00 = gl3_sub(gl3_mul_gl(G, gl_inv(gl_pow(2, n - 1))), sum_hi);
        a00 = gl3_sub(gl3_mul_gl(a00, gl_inv(2)), sum_lo);
        set_mask_coeff(&a2, 0, 0, a00);
        assert_memory_not_equal(a1.coeffs, a2.coeffs, zk_libra_mask_len(&a1) * sizeof(gl_t));

        zk_prove(&f2.inst, claim, &a2, &w2, r2, ev, &g_r);
        assert_int_equal(w1.len, w2.len);
        assert_memory_equal(w1.data, w2.data, w1.len); /* identical transcripts */
        assert_memory_equal(r, r2, n * sizeof *r);
        assert_true(zk_verify_full(&f2.inst, claim, &a2, w2.data, w2.len, NULL, NULL));

        /* Control: an F_p-valued mask leaks f's first-round coefficients. */
        for (size_t i = 0; i < zk_libra_mask_len(&a1); i++)
            if (i % 3 != 0)
                a1.coeffs[i] = 0;
        zk_wbuf_free(&w1);
        zk_prove(&f1.inst, claim, &a1, &w1, r, ev, &g_r);
        assert_true(zk_verify_full(&f1.inst, claim, &a1, w1.data, w1.len, NULL, &rho));
        read_messages(&w1, n, D, &G, msg);
        f_round_coeffs(&f1.inst, r, D, s1);
        assert_true(rho.c[1] != 0);
        for (unsigned k = 1; k <= D; k++) {
            /* m = s + rho u with s, u in F_p (round 1 of base tables): u = m_1 / rho_1, s = m_0 - rho_0 u. */
            gl_t u = gl_mul(msg[0][k].c[1], gl_inv(rho.c[1]));
            gl_t s = gl_sub(msg[0][k].c[0], gl_mul(rho.c[0], u));
            assert_true(gl3_eq(gl3_from_gl(s), s1[0][k]));
        }

        zk_wbuf_free(&w1);
        zk_wbuf_free(&w2);
        zk_libra_mask_free(&a1);
        zk_libra_mask_free(&a2);
        ri_free(&f1);
        ri_free(&f2);
    }
}

/* No 8-byte little-endian encoding of a witness value appears in a ZK proof.
 * Control: the same scan finds f(0) in an unmasked 1-variable proof (s_1's
 * constant coefficient is f(0)), so the scanner can detect a leak. */
static int contains_value(const zk_wbuf *w, gl_t v)
{
    uint8_t le[8];
    for (int i = 0; i < 8; i++)
        le[i] = (uint8_t)(v >> (8 * i));
    for (size_t off = 0; off + 8 <= w->len; off++)
        if (memcmp(w->data + off, le, 8) == 0)
            return 1;
    return 0;
}

static void test_no_witness_bytes_in_proof(void **state)
{
    (void)state;
    for (size_t n = 1; n <= 8; n++) {
        size_t len = (size_t)1 << n;
        gl_t *f = malloc(len * sizeof *f), *g = malloc(len * sizeof *g);
        assert_non_null(f);
        assert_non_null(g);
        for (size_t b = 0; b < len; b++) {
            do /* distinctive: large, so no accidental small-number collisions */
                f[b] = test_rng_gl(&rng);
            while (f[b] < ((gl_t)1 << 62));
            do
                g[b] = test_rng_gl(&rng);
            while (g[b] < ((gl_t)1 << 62));
        }
        zk_sc_instance in;
        memset(&in, 0, sizeof in);
        in.n_vars = n;
        in.n_tables = 2;
        in.base[0] = f;
        in.base[1] = g;
        in.n_terms = 2;
        in.terms[0] = (zk_sc_term){gl3_one(), 2, {0, 1, 0, 0}};
        in.terms[1] = (zk_sc_term){gl3_one(), 1, {0, 0, 0, 0}};
        gl3_t claim = zk_sc_sum_bruteforce(&in), r[MAXV], ev[2], g_r;
        zk_libra_mask m;
        assert_int_equal(zk_libra_mask_init(&m, n, 2), ZK_OK);
        zk_wbuf w;
        zk_prove(&in, claim, &m, &w, r, ev, &g_r);
        for (size_t b = 0; b < len; b++) {
            assert_false(contains_value(&w, f[b]));
            assert_false(contains_value(&w, g[b]));
        }
        zk_wbuf_free(&w);
        if (n == 1) {
            /* Unmasked control with a single linear factor: s(X) = f(0) + (f(1) - f(0)) X. */
            zk_sc_instance lin = in;
            lin.n_terms = 1;
            lin.terms[0] = (zk_sc_term){gl3_one(), 1, {0, 0, 0, 0}};
            zk_transcript t;
            zk_transcript_init(&t, PROTO);
            zk_wbuf_init(&w);
            assert_int_equal(zk_sumcheck_prove(&lin, zk_sc_sum_bruteforce(&lin), &t, &w, r, ev), ZK_OK);
            assert_true(contains_value(&w, f[0]));
            zk_wbuf_free(&w);
        }
        zk_libra_mask_free(&m);
        free(f);
        free(g);
    }
}

int main(void)
{
    test_rng_seed(&rng, test_seed());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_basics),
        cmocka_unit_test(test_zk_completeness_and_exact_rounds),
        cmocka_unit_test(test_zk_tamper_every_bit),
        cmocka_unit_test(test_zk_simulation_algebraic),
        cmocka_unit_test(test_no_witness_bytes_in_proof),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
