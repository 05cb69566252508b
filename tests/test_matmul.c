/* Native matrix products (circuit.h, zk_cs_matmul): the product wires against
 * a plain __int128 reference on random shapes (private and public inputs),
 * zk_cs_check catching a wrong product entry or a changed input, proofs that
 * verify, and soundness: a wrong public input, a wrong output value, a
 * corrupted Z (real or padding entry), a changed weight or padding wire
 * (proved through the Spartan core directly, which does not check the
 * witness), and flipped proof bytes are all rejected; the identity the
 * sumcheck proves holds by brute force over the hypercube. Seeded
 * (ZKM_TEST_SEED). */
#include <string.h>

#include "circuit/cs_internal.h"
#include "r1cs/spartan_internal.h"
#include "testutil.h"
#include "zkmlops/circuit.h"
#include "zkmlops/mle.h"

static const uint8_t CTX[] = "test-matmul";

typedef struct {
    uint32_t rows, k, n;
    int pub_x; /* x public */
    int64_t *xv, *wv;
} shape;

static void fill(shape *s, test_rng *r, int64_t mag)
{
    s->xv = malloc((size_t)s->rows * s->k * sizeof *s->xv);
    s->wv = malloc((size_t)s->n * s->k * sizeof *s->wv);
    assert_non_null(s->xv);
    assert_non_null(s->wv);
    for (size_t i = 0; i < (size_t)s->rows * s->k; i++)
        s->xv[i] = (int64_t)(test_rng_u64(r) % (uint64_t)(2 * mag + 1)) - mag;
    for (size_t i = 0; i < (size_t)s->n * s->k; i++)
        s->wv[i] = (int64_t)(test_rng_u64(r) % (uint64_t)(2 * mag + 1)) - mag;
}

/* Build the circuit: x (public or private), w private, out = x w^T, then one
 * affine constraint per output so the outputs feed the R1CS; public outputs
 * sum_c out[r][c] (claimed values taken from `claims` when verifying). */
static zk_cs *build(const shape *s, int prover, const int64_t *claims, uint32_t **out_wires)
{
    zk_cs *cs = zk_cs_new(prover);
    assert_non_null(cs);
    uint32_t *x = malloc((size_t)s->rows * s->k * sizeof *x), *w = malloc((size_t)s->n * s->k * sizeof *w);
    uint32_t *o = malloc((size_t)s->rows * s->n * sizeof *o);
    uint32_t *sums = malloc(s->rows * sizeof *sums);
    assert_true(x && w && o && sums);
    for (uint32_t r = 0; r < s->rows; r++)
        sums[r] = zk_cs_public_i64(cs, claims[r]);
    for (size_t i = 0; i < (size_t)s->rows * s->k; i++)
        x[i] = s->pub_x ? zk_cs_public_i64(cs, prover || s->pub_x ? s->xv[i] : 0) : zk_cs_private_i64(cs, s->xv[i]);
    for (size_t i = 0; i < (size_t)s->n * s->k; i++)
        w[i] = zk_cs_private_i64(cs, prover ? s->wv[i] : 0);
    zk_cs_matmul(cs, x, w, s->rows, s->k, s->n, o);
    int64_t *ones = malloc(s->n * sizeof *ones);
    for (uint32_t c = 0; c < s->n; c++)
        ones[c] = 1;
    for (uint32_t r = 0; r < s->rows; r++) {
        uint32_t t = zk_cs_affine(cs, o + (size_t)r * s->n, ones, s->n, 0);
        zk_cs_assert_equal(cs, t, sums[r]);
    }
    free(ones);
    free(x);
    free(w);
    free(sums);
    if (out_wires)
        *out_wires = o;
    else
        free(o);
    return cs;
}

static void reference(const shape *s, int64_t *prod, int64_t *sums)
{
    for (uint32_t r = 0; r < s->rows; r++) {
        __int128 tot = 0;
        for (uint32_t c = 0; c < s->n; c++) {
            __int128 a = 0;
            for (uint32_t j = 0; j < s->k; j++)
                a += (__int128)s->xv[(size_t)r * s->k + j] * s->wv[(size_t)c * s->k + j];
            prod[(size_t)r * s->n + c] = (int64_t)a;
            tot += a;
        }
        sums[r] = (int64_t)tot;
    }
}

static int verify_with(const shape *s, const int64_t *claims, const zk_wbuf *w)
{
    zk_cs *vs = build(s, 0, claims, NULL);
    int rc = zk_cs_verify(vs, CTX, sizeof CTX, NULL, 0, w->data, w->len, NULL);
    zk_cs_free(vs);
    return rc;
}

static void test_random_shapes(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x11);
    const uint32_t dims[][3] = {{1, 1, 1}, {1, 5, 3}, {3, 13, 7}, {2, 64, 10}, {5, 45, 1}, {8, 32, 16}};
    for (size_t t = 0; t < sizeof dims / sizeof dims[0]; t++)
        for (int pub = 0; pub < 2; pub++) {
            shape s = {dims[t][0], dims[t][1], dims[t][2], pub, NULL, NULL};
            fill(&s, &rng, 1000);
            int64_t *prod = malloc((size_t)s.rows * s.n * sizeof *prod), *sums = malloc(s.rows * sizeof *sums);
            reference(&s, prod, sums);
            uint32_t *o;
            zk_cs *cs = build(&s, 1, sums, &o);
            assert_int_equal(zk_cs_status(cs), ZK_OK);
            for (size_t i = 0; i < (size_t)s.rows * s.n; i++)
                assert_int_equal(zk_cs_value_i64(cs, o[i]), prod[i]);
            assert_int_equal(zk_cs_check(cs), ZK_OK);
            zk_wbuf w;
            zk_wbuf_init(&w);
            assert_int_equal(zk_cs_prove(cs, CTX, sizeof CTX, NULL, 0, &w), ZK_OK);
            assert_int_equal(verify_with(&s, sums, &w), ZK_OK);
            /* a wrong public output */
            sums[0] += 1;
            assert_int_equal(verify_with(&s, sums, &w), ZK_ERR_REJECT);
            sums[0] -= 1;
            /* a wrong public input */
            if (pub) {
                s.xv[0] += 1;
                assert_int_equal(verify_with(&s, sums, &w), ZK_ERR_REJECT);
                s.xv[0] -= 1;
            }
            zk_wbuf_free(&w);
            free(o);
            zk_cs_free(cs);
            free(prod);
            free(sums);
            free(s.xv);
            free(s.wv);
        }
}

/* zk_cs_check sees a wrong real or padding entry of Z, and a changed input. */
static void test_check_catches(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x22);
    shape s = {3, 20, 5, 0, NULL, NULL};
    fill(&s, &rng, 100);
    int64_t prod[15], sums[3];
    reference(&s, prod, sums);
    uint32_t *o;
    zk_cs *cs = build(&s, 1, sums, &o);
    assert_int_equal(zk_cs_check(cs), ZK_OK);
    const zk_cs_matmul_block *b = &cs->mm[0];
    uint32_t at[3] = {o[4], b->z + 3 * (1u << b->cv), b->z + 3 * (1u << b->cv) + 5}; /* real, pad row, pad corner */
    for (int i = 0; i < 3; i++) {
        gl_t keep = zk_cs_value(cs, at[i]);
        zk_cs_set_value(cs, at[i], gl_add(keep, 1));
        assert_int_equal(zk_cs_check(cs), ZK_ERR_INPUT);
        zk_cs_set_value(cs, at[i], keep);
    }
    /* an input of the product (x[1][2]), Z unchanged */
    uint32_t xw = b->xmap[1 * (1u << b->jv) + 2];
    gl_t keep = zk_cs_value(cs, xw);
    zk_cs_set_value(cs, xw, gl_add(keep, 1));
    assert_int_equal(zk_cs_check(cs), ZK_ERR_INPUT);
    zk_cs_set_value(cs, xw, keep);
    assert_int_equal(zk_cs_check(cs), ZK_OK);
    free(o);
    zk_cs_free(cs);
    free(s.xv);
    free(s.wv);
}

/* Prove a corrupted witness through the Spartan core (no witness check):
 * the verifier must reject. kind 0: two real Z entries of one row moved by
 * +1/-1 (the R1CS row sums still hold), 1: a padding entry of Z, 2: a random
 * padding wire of W' (Z not updated), 3: an input weight (Z not updated). */
static int prove_corrupt(const shape *s, const int64_t *sums, int kind, zk_wbuf *w)
{
    zk_cs *cs = build(s, 1, sums, NULL);
    const zk_cs_matmul_block *b = &cs->mm[0];
    uint32_t nc = 1u << b->cv, nj = 1u << b->jv, nb = 1u << b->bv;
    uint32_t at;
    switch (kind) {
    case 0:
        zk_cs_set_value(cs, b->z, gl_add(zk_cs_value(cs, b->z), 1));
        zk_cs_set_value(cs, b->z + 1, gl_sub(zk_cs_value(cs, b->z + 1), 1));
        break;
    case 1:
        at = b->z + (nb - 1) * nc + 1;
        zk_cs_set_value(cs, at, gl_add(zk_cs_value(cs, at), 1));
        break;
    case 2:
        at = b->wmap[s->n * nj + 3];
        zk_cs_set_value(cs, at, gl_add(zk_cs_value(cs, at), 1));
        break;
    default:
        at = b->wmap[0];
        zk_cs_set_value(cs, at, gl_add(zk_cs_value(cs, at), 1));
        break;
    }
    assert_int_not_equal(zk_cs_check(cs), ZK_OK);
    const zk_r1cs *r = zk_cs_r1cs(cs);
    uint64_t nx = (uint64_t)nb * nj, nw = (uint64_t)nc * nj;
    uint64_t *src = malloc((nx + nw) * sizeof *src);
    for (uint64_t e = 0; e < nx + nw; e++) {
        uint32_t wi = e < nx ? b->xmap[e] : b->wmap[e - nx];
        src[e] = wi == ZK_CS_NO_WIRE ? ZK_SPARTAN_SRC_ZERO
                 : wi <= cs->n_public ? (ZK_SPARTAN_SRC_PUBLIC | wi)
                                      : (uint64_t)wi - 1 - cs->n_public;
    }
    zk_spartan_matmul mm = {b->z - 1 - cs->n_public, b->mask - 1 - cs->n_public, b->bv, b->cv, b->jv, b->k, src,
                            src + nx, b->jstar};
    zk_spartan_ext ext = {&mm, 1, NULL};
    zk_transcript t;
    zk_transcript_init(&t, "zkmlops/circuit/v1");
    zk_transcript_absorb(&t, "cs-context", CTX, sizeof CTX);
    int rc = zk_spartan_prove_core(r, cs->val, &t, NULL, 0, &ext, w);
    free(src);
    zk_cs_free(cs);
    return rc;
}

static void test_corrupt_witness_rejected(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x33);
    for (int pub = 0; pub < 2; pub++) {
        shape s = {2, 30, 6, pub, NULL, NULL};
        fill(&s, &rng, 500);
        int64_t prod[12], sums[2];
        reference(&s, prod, sums);
        for (int kind = 0; kind < 4; kind++) {
            zk_wbuf w;
            zk_wbuf_init(&w);
            assert_int_equal(prove_corrupt(&s, sums, kind, &w), ZK_OK);
            int rc = verify_with(&s, sums, &w);
            if (rc != ZK_ERR_REJECT)
                fail_msg("corruption kind %d (public x %d) was not rejected: %d", kind, pub, rc);
            zk_wbuf_free(&w);
        }
        free(s.xv);
        free(s.wv);
    }
}

/* Every byte of the matrix-product section flipped (and a sample elsewhere): rejected. */
static void test_tampered_bytes(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x44);
    shape s = {2, 10, 3, 1, NULL, NULL};
    fill(&s, &rng, 50);
    int64_t prod[6], sums[2];
    reference(&s, prod, sums);
    zk_cs *cs = build(&s, 1, sums, NULL);
    zk_wbuf w;
    zk_wbuf_init(&w);
    assert_int_equal(zk_cs_prove(cs, CTX, sizeof CTX, NULL, 0, &w), ZK_OK);
    zk_cs *vs = build(&s, 0, sums, NULL);
    size_t tried = 0;
    for (size_t pos = 0; pos < w.len; pos += (pos < 4096 ? 1 : 97)) {
        w.data[pos] ^= 0x5a;
        int rc = zk_cs_verify(vs, CTX, sizeof CTX, NULL, 0, w.data, w.len, NULL);
        w.data[pos] ^= 0x5a;
        if (rc == ZK_OK)
            fail_msg("flipping byte %zu of %zu was accepted", pos, w.len);
        tried++;
    }
    assert_int_equal(zk_cs_verify(vs, CTX, sizeof CTX, NULL, 0, w.data, w.len, NULL), ZK_OK);
    printf("# %zu byte flips rejected (proof %zu bytes)\n", tried, w.len);
    zk_cs_free(vs);
    zk_cs_free(cs);
    zk_wbuf_free(&w);
    free(s.xv);
    free(s.wv);
}

/* The identity the sumcheck proves, by brute force over the hypercube:
 * Z~(tau_b, tau_c) = sum_j [j < k] X'~(tau_b, j) W'~(tau_c, j), and the
 * padding really is random where the zero-knowledge argument needs it. */
static gl_t mv(const zk_cs *cs, uint32_t w) { return w == ZK_CS_NO_WIRE ? 0 : cs->val[w]; }

static void test_identity_bruteforce(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x55);
    shape s = {3, 9, 5, 0, NULL, NULL};
    fill(&s, &rng, 1000);
    int64_t prod[15], sums[3];
    reference(&s, prod, sums);
    zk_cs *cs = build(&s, 1, sums, NULL);
    const zk_cs_matmul_block *b = &cs->mm[0];
    uint32_t nb = 1u << b->bv, nc = 1u << b->cv, nj = 1u << b->jv;
    gl3_t tau[16];
    for (uint32_t i = 0; i < b->bv + b->cv; i++)
        tau[i] = test_rng_gl3(&rng);
    const gl3_t *tc = tau, *tb = tau + b->cv;
    gl3_t z = zk_mle_eval_gl(cs->val + b->z, b->bv + b->cv, tau);
    gl3_t *eb = malloc(nb * sizeof *eb), *ec = malloc(nc * sizeof *ec);
    zk_eq_table(eb, tb, b->bv);
    zk_eq_table(ec, tc, b->cv);
    gl3_t sum = gl3_zero();
    for (uint32_t j = 0; j < nj; j++) {
        if (j >= b->k && j != b->jstar)
            continue;
        gl3_t xr = gl3_zero(), wr = gl3_zero();
        for (uint32_t r = 0; r < nb; r++)
            xr = gl3_add(xr, gl3_mul_gl(eb[r], mv(cs, b->xmap[r * nj + j])));
        for (uint32_t c = 0; c < nc; c++)
            wr = gl3_add(wr, gl3_mul_gl(ec[c], mv(cs, b->wmap[c * nj + j])));
        sum = gl3_add(sum, gl3_mul(xr, wr));
    }
    assert_true(gl3_eq(sum, z));
    assert_true(nj > b->k + ZK_CS_MATMUL_PAD && b->jstar == b->k + ZK_CS_MATMUL_PAD);
    assert_true(nb > s.rows && nc > s.n);
    /* the corner Z'[rows][n] and the j* entries Z'[rows+1..2][n] are random: not 0 */
    for (uint32_t i = 0; i < 3; i++)
        assert_int_not_equal(cs->val[b->z + (s.rows + i) * nc + s.n], 0);
    /* the real entries never see j*: real rows of X' and W' are 0 there */
    for (uint32_t r = 0; r < s.rows; r++)
        assert_int_equal(b->xmap[r * nj + b->jstar], ZK_CS_NO_WIRE);
    for (uint32_t c = 0; c < s.n; c++)
        assert_int_equal(b->wmap[c * nj + b->jstar], ZK_CS_NO_WIRE);
    for (uint32_t j = b->k; j < b->k + ZK_CS_MATMUL_PAD; j++) {
        assert_int_not_equal(b->xmap[j], ZK_CS_NO_WIRE);
        assert_int_not_equal(b->wmap[j], ZK_CS_NO_WIRE);
    }
    free(eb);
    free(ec);
    zk_cs_free(cs);
    free(s.xv);
    free(s.wv);
}

/* Every zk_cs_prove of one built circuit draws its own padding, j* entries
 * and mask (zk_cs_refresh_blinding): reusing build-time pads across proofs
 * would let a verifier solve for private values (tests/test_review_lookup.c
 * shows it for lookups). Both proofs verify; real outputs do not change. */
static void test_fresh_pads_per_proof(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 0x66);
    shape s = {2, 7, 3, 0, NULL, NULL};
    fill(&s, &rng, 100);
    int64_t prod[6], sums[2];
    reference(&s, prod, sums);
    uint32_t *o;
    zk_cs *cs = build(&s, 1, sums, &o);
    const zk_cs_matmul_block *b = &cs->mm[0];
    uint32_t nj = 1u << b->jv, nc = 1u << b->cv;
    uint32_t watch[5] = {b->xmap[s.rows * nj], b->wmap[s.n * nj + 1], b->xmap[b->k + 2], b->mask,
                         b->z + (s.rows + 1) * nc + s.n};
    gl_t before[5], after[5];
    zk_wbuf w1, w2;
    zk_wbuf_init(&w1);
    zk_wbuf_init(&w2);
    assert_int_equal(zk_cs_prove(cs, CTX, sizeof CTX, NULL, 0, &w1), ZK_OK);
    for (int i = 0; i < 5; i++)
        before[i] = zk_cs_value(cs, watch[i]);
    assert_int_equal(zk_cs_prove(cs, CTX, sizeof CTX, NULL, 0, &w2), ZK_OK);
    for (int i = 0; i < 5; i++) {
        after[i] = zk_cs_value(cs, watch[i]);
        assert_int_not_equal(before[i], after[i]);
    }
    for (size_t i = 0; i < (size_t)s.rows * s.n; i++)
        assert_int_equal(zk_cs_value_i64(cs, o[i]), prod[i]);
    assert_int_equal(zk_cs_check(cs), ZK_OK);
    assert_int_equal(verify_with(&s, sums, &w1), ZK_OK);
    assert_int_equal(verify_with(&s, sums, &w2), ZK_OK);
    zk_wbuf_free(&w1);
    zk_wbuf_free(&w2);
    free(o);
    zk_cs_free(cs);
    free(s.xv);
    free(s.wv);
}

static void test_errors(void **state)
{
    (void)state;
    zk_cs *cs = zk_cs_new(1);
    uint32_t x = zk_cs_private_i64(cs, 3), o[4] = {7, 7, 7, 7};
    zk_cs_matmul(cs, &x, &x, 1, 0, 1, o);
    assert_int_equal(zk_cs_status(cs), ZK_ERR_INPUT);
    assert_int_equal(o[0], 0);
    zk_cs_free(cs);
    cs = zk_cs_new(1);
    x = zk_cs_private_i64(cs, 3);
    uint32_t bad = 999999;
    zk_cs_matmul(cs, &x, &bad, 1, 1, 1, o);
    assert_int_equal(zk_cs_status(cs), ZK_ERR_INPUT);
    zk_cs_free(cs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_shapes),       cmocka_unit_test(test_check_catches),
        cmocka_unit_test(test_corrupt_witness_rejected), cmocka_unit_test(test_tampered_bytes),
        cmocka_unit_test(test_identity_bruteforce), cmocka_unit_test(test_fresh_pads_per_proof),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
