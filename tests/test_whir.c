/* Tests for the WHIR polynomial commitment (src/pcs/whir_*.c): completeness
 * against brute-force MLE evaluation, soundness (wrong values, wrong
 * commitment, other claims, every single-byte change, truncation), commitment
 * parsing, witness round trips, and zero-knowledge evidence for the hiding
 * variant. Most tests use "fast" parameters (derived, then PoW set to 0) so
 * that the suite stays quick; a few use the real derived parameters. */
#include <string.h>

#include "pcs/whir_internal.h"
#include "testutil.h"
#include "zkmlops/mle.h"
#include "zkmlops/params.h"
#include "zkmlops/status.h"
#include "zkmlops/whir.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLOW_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW_BUILD 1
#endif
#endif
#ifndef SLOW_BUILD
#define SLOW_BUILD 0
#endif
#define MAX_N (SLOW_BUILD ? 12u : 16u)

static test_rng rng;

static zk_whir_params make_params(uint32_t n, int hiding, int fast)
{
    zk_whir_params p;
    assert_int_equal(zk_whir_params_derive(&p, n, hiding), ZK_OK);
    if (fast) {
        for (uint32_t i = 0; i <= p.n_rounds; i++)
            p.pow_bits[i] = p.fold_pow_bits[i] = 0;
    }
    return p;
}

/* Brute force: f(z) = sum_b f(b) prod_i (z_i b_i + (1 - z_i)(1 - b_i)). */
static gl3_t brute_mle(const gl_t *f, uint32_t n, const gl3_t *z)
{
    gl3_t acc = gl3_zero();
    for (size_t b = 0; b < ((size_t)1 << n); b++) {
        gl3_t e = gl3_one();
        for (uint32_t i = 0; i < n; i++)
            e = gl3_mul(e, ((b >> i) & 1) ? z[i] : gl3_sub(gl3_one(), z[i]));
        acc = gl3_add(acc, gl3_mul_gl(e, f[b]));
    }
    return acc;
}

typedef struct {
    uint32_t n;
    size_t n_claims;
    gl3_t *points; /* n_claims * n */
    gl3_t *weights; /* n_claims * 2^n */
    zk_whir_claim claims[8];
} claim_set;

/* Random claims: kinds[j] = 0 point, 1 linear; values by brute force. */
static void make_claims(claim_set *cs, const gl_t *f, uint32_t n, const int *kinds, size_t nc)
{
    size_t nn = (size_t)1 << n;
    cs->n = n;
    cs->n_claims = nc;
    cs->points = malloc(nc * n * sizeof(gl3_t));
    cs->weights = malloc(nc * nn * sizeof(gl3_t));
    assert_non_null(cs->points);
    assert_non_null(cs->weights);
    for (size_t j = 0; j < nc; j++) {
        zk_whir_claim *c = &cs->claims[j];
        if (kinds[j] == 0) {
            gl3_t *z = cs->points + j * n;
            for (uint32_t i = 0; i < n; i++)
                z[i] = test_rng_gl3(&rng);
            c->kind = ZK_CLAIM_POINT;
            c->point = z;
            c->weights = NULL;
            c->value = brute_mle(f, n, z);
        } else {
            gl3_t *w = cs->weights + j * nn, v = gl3_zero();
            for (size_t b = 0; b < nn; b++) {
                w[b] = test_rng_gl3(&rng);
                v = gl3_add(v, gl3_mul_gl(w[b], f[b]));
            }
            c->kind = ZK_CLAIM_LINEAR;
            c->point = NULL;
            c->weights = w;
            c->value = v;
        }
    }
}

static void free_claims(claim_set *cs)
{
    free(cs->points);
    free(cs->weights);
}

static gl_t *random_evals(uint32_t n)
{
    size_t nn = (size_t)1 << n;
    gl_t *f = malloc(nn * sizeof *f);
    assert_non_null(f);
    for (size_t b = 0; b < nn; b++)
        f[b] = test_rng_gl(&rng);
    return f;
}

static void transcript_for(zk_transcript *t, const zk_whir_commitment *com, const char *ctx)
{
    zk_transcript_init(t, "zkmlops/test-whir");
    zk_transcript_absorb(t, "ctx", ctx, strlen(ctx));
    zk_whir_commitment_absorb(t, com);
}

static void prove(const zk_whir_witness *wit, const zk_whir_commitment *com, const zk_whir_claim *claims,
                  size_t nc, zk_wbuf *proof)
{
    zk_transcript t;
    transcript_for(&t, com, "main");
    zk_wbuf_init(proof);
    assert_int_equal(zk_whir_open(wit, com, claims, nc, &t, proof), ZK_OK);
    assert_false(proof->oom);
}

/* Verify; returns the status and checks that an accepted proof is consumed exactly. */
static int verify(const zk_whir_commitment *com, const zk_whir_claim *claims, size_t nc, const uint8_t *data,
                  size_t len, const char *ctx)
{
    zk_transcript t;
    transcript_for(&t, com, ctx);
    zk_rbuf r;
    zk_rbuf_init(&r, data, len);
    int st = zk_whir_verify(com, claims, nc, &t, &r);
    if (st == ZK_OK)
        assert_int_equal(zk_rbuf_left(&r), 0);
    return st;
}

/* The blocked Moebius transforms agree with mle.h's reference ones. */
static void test_moebius(void **state)
{
    (void)state;
    for (size_t n = 0; n <= (SLOW_BUILD ? 14u : 17u); n++) {
        size_t len = (size_t)1 << n;
        gl_t *a = malloc(len * sizeof *a), *b = malloc(len * sizeof *b);
        gl3_t *c = malloc(len * sizeof *c), *d = malloc(len * sizeof *d);
        for (size_t i = 0; i < len; i++) {
            a[i] = b[i] = test_rng_gl(&rng);
            c[i] = d[i] = test_rng_gl3(&rng);
        }
        zk_whir_moebius_gl(a, n, 0);
        zk_mle_evals_to_coeffs(b, n);
        assert_memory_equal(a, b, len * sizeof *a);
        zk_whir_moebius_gl3(c, n, 0);
        zk_mle_evals_to_coeffs_gl3(d, n);
        assert_memory_equal(c, d, len * sizeof *c);
        zk_whir_moebius_gl(a, n, 1);
        zk_mle_coeffs_to_evals(b, n);
        assert_memory_equal(a, b, len * sizeof *a);
        /* inverse then forward is the identity on the coefficients d */
        zk_whir_moebius_gl3(c, n, 1);
        zk_whir_moebius_gl3(c, n, 0);
        assert_memory_equal(c, d, len * sizeof *c);
        free(a);
        free(b);
        free(c);
        free(d);
    }
}

/* ---- completeness ---- */

static void run_completeness(int hiding)
{
    static const int kinds[] = {0, 1, 0, 0, 1};
    for (uint32_t n = 1; n <= MAX_N; n++) {
        zk_whir_params p = make_params(n, hiding, 1);
        gl_t *f = random_evals(n);
        zk_whir_commitment com;
        zk_whir_witness wit;
        assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
        /* the commitment's OOD answers are f'(expand(z)) */
        if (!hiding && n == p.total_vars) {
            gl3_t pt[ZK_WHIR_MAX_VARS];
            zk_mle_expand_point(pt, com.ood_points[0], n);
            assert_true(gl3_eq(com.ood_answers[0], brute_mle(f, n, pt)));
        }
        claim_set cs;
        size_t nc = 1 + n % 5; /* 1..5 claims, mixing points and linear forms */
        make_claims(&cs, f, n, kinds, nc);
        /* the claimed values agree with mle.h too */
        if (cs.claims[0].kind == ZK_CLAIM_POINT)
            assert_true(gl3_eq(cs.claims[0].value, zk_mle_eval_gl(f, n, cs.claims[0].point)));
        zk_wbuf proof;
        prove(&wit, &com, cs.claims, nc, &proof);
        assert_int_equal(verify(&com, cs.claims, nc, proof.data, proof.len, "main"), ZK_OK);
        /* the opening size is what the calculator predicts for one claim, plus 24 bytes per extra mask claim */
        double expect = (double)zk_whir_expected_proof_bytes(&p) + (hiding ? 24.0 * (double)(nc - 1) : 0.0);
        assert_true((double)proof.len > 0.85 * expect && (double)proof.len < 1.15 * expect);
        zk_wbuf_free(&proof);
        free_claims(&cs);
        zk_whir_witness_free(&wit);
        free(f);
    }
}

static void test_completeness_plain(void **state)
{
    (void)state;
    run_completeness(0);
}

static void test_completeness_hiding(void **state)
{
    (void)state;
    run_completeness(1);
}

/* Real parameters (with proof of work) for a few sizes. */
static void test_real_params(void **state)
{
    (void)state;
    static const int kinds[] = {0, 1};
    const uint32_t ns[] = {4, 9, 13};
    for (size_t a = 0; a < 3; a++) {
        for (int h = 0; h < 2; h++) {
            uint32_t n = ns[a];
            zk_whir_params p = make_params(n, h, 0);
            gl_t *f = random_evals(n);
            zk_whir_commitment com;
            zk_whir_witness wit;
            assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
            claim_set cs;
            make_claims(&cs, f, n, kinds, 2);
            zk_wbuf proof;
            prove(&wit, &com, cs.claims, 2, &proof);
            assert_int_equal(verify(&com, cs.claims, 2, proof.data, proof.len, "main"), ZK_OK);
            double expect = (double)zk_whir_expected_proof_bytes(&p) + (h ? 24.0 : 0.0);
            assert_true((double)proof.len > 0.9 * expect && (double)proof.len < 1.1 * expect);
            zk_wbuf_free(&proof);
            free_claims(&cs);
            zk_whir_witness_free(&wit);
            free(f);
        }
    }
}

/* The code is generic in the folding factor, rate and OOD samples: other
 * shapes (structurally valid, not 128-bit) are complete and catch cheating. */
static void test_other_shapes(void **state)
{
    (void)state;
    static const int kinds[] = {0, 1, 0};
    static const struct {
        uint32_t n, k, lir, w;
        int hiding;
    } shapes[] = {{5, 1, 1, 2, 0}, {9, 2, 3, 3, 0}, {10, 3, 2, 4, 0}, {11, 5, 1, 1, 0},
                  {13, 6, 2, 2, 0}, {3, 2, 1, 2, 1}, {12, 3, 3, 4, 1}, {7, 5, 2, 3, 1}};
    for (size_t c = 0; c < sizeof shapes / sizeof shapes[0]; c++) {
        zk_whir_params p;
        memset(&p, 0, sizeof p);
        uint32_t n = shapes[c].n, k = shapes[c].k;
        p.n_vars = n;
        p.hiding = (uint32_t)shapes[c].hiding;
        p.total_vars = p.hiding ? (n < ZK_WHIR_MIN_HIDING_VARS ? ZK_WHIR_MIN_HIDING_VARS : n) + 1 : (n < k ? k : n);
        p.log_inv_rate = shapes[c].lir;
        p.folding_factor = k;
        p.n_rounds = p.total_vars / k - 1;
        p.final_vars = p.total_vars - k * (p.total_vars / k);
        p.ood_samples = shapes[c].w;
        p.security_target = 128;
        p.max_pow_bits = 20;
        for (uint32_t i = 0; i <= p.n_rounds; i++) {
            p.queries[i] = 7 + 3 * i;
            p.pow_bits[i] = i == 1 ? 3 : 0;
            p.fold_pow_bits[i] = i == 0 ? 2 : 0;
        }
        gl_t *f = random_evals(n);
        zk_whir_commitment com;
        zk_whir_witness wit;
        assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
        claim_set cs;
        make_claims(&cs, f, n, kinds, 3);
        zk_wbuf proof;
        prove(&wit, &com, cs.claims, 3, &proof);
        assert_int_equal(verify(&com, cs.claims, 3, proof.data, proof.len, "main"), ZK_OK);
        assert_int_equal(verify(&com, cs.claims, 3, proof.data, proof.len - 1, "main"), ZK_ERR_REJECT);
        zk_wbuf_free(&proof);
        /* a false claim, proved by a prover that skips its check */
        cs.claims[2].value = gl3_add(cs.claims[2].value, gl3_one());
        zk_transcript t;
        transcript_for(&t, &com, "main");
        zk_wbuf_init(&proof);
        assert_int_equal(zk_whir_open_ex(&wit, &com, cs.claims, 3, &t, &proof, WHIR_CHEAT_SKIP_CHECK), ZK_OK);
        assert_int_equal(verify(&com, cs.claims, 3, proof.data, proof.len, "main"), ZK_ERR_REJECT);
        assert_non_null(strstr(zk_last_error(), "final sumcheck claim mismatch"));
        zk_wbuf_free(&proof);
        free_claims(&cs);
        zk_whir_witness_free(&wit);
        free(f);
    }
}

/* ---- soundness ---- */

static void test_wrong_claims(void **state)
{
    (void)state;
    static const int kinds[] = {0, 1, 0};
    for (int h = 0; h < 2; h++) {
        uint32_t n = 6;
        zk_whir_params p = make_params(n, h, 1);
        gl_t *f = random_evals(n), *g = random_evals(n);
        zk_whir_commitment com, com2;
        zk_whir_witness wit, wit2;
        assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
        assert_int_equal(zk_whir_commit(&p, g, NULL, &com2, &wit2), ZK_OK);
        claim_set cs;
        make_claims(&cs, f, n, kinds, 3);
        zk_wbuf proof;
        prove(&wit, &com, cs.claims, 3, &proof);
        assert_int_equal(verify(&com, cs.claims, 3, proof.data, proof.len, "main"), ZK_OK);
        /* each claimed value off by one */
        for (size_t j = 0; j < 3; j++) {
            zk_whir_claim bad[3];
            memcpy(bad, cs.claims, sizeof bad);
            bad[j].value = gl3_add(bad[j].value, gl3_one());
            assert_int_equal(verify(&com, bad, 3, proof.data, proof.len, "main"), ZK_ERR_REJECT);
        }
        /* another point with the same value */
        zk_whir_claim bad[3];
        memcpy(bad, cs.claims, sizeof bad);
        gl3_t z2[6];
        memcpy(z2, cs.claims[0].point, sizeof z2);
        z2[3] = gl3_add(z2[3], gl3_one());
        bad[0].point = z2;
        assert_int_equal(verify(&com, bad, 3, proof.data, proof.len, "main"), ZK_ERR_REJECT);
        /* fewer claims */
        assert_int_equal(verify(&com, cs.claims, 2, proof.data, proof.len, "main"), ZK_ERR_REJECT);
        /* another commitment (same parameters) */
        assert_int_equal(verify(&com2, cs.claims, 3, proof.data, proof.len, "main"), ZK_ERR_REJECT);
        /* another transcript context */
        assert_int_equal(verify(&com, cs.claims, 3, proof.data, proof.len, "other"), ZK_ERR_REJECT);
        /* a valid proof for other (true) claims */
        claim_set cs2;
        make_claims(&cs2, f, n, kinds, 3);
        assert_int_equal(verify(&com, cs2.claims, 3, proof.data, proof.len, "main"), ZK_ERR_REJECT);
        /* the prover refuses a false claim */
        zk_transcript t;
        transcript_for(&t, &com, "main");
        zk_wbuf pf;
        zk_wbuf_init(&pf);
        zk_whir_claim fb = cs.claims[0];
        fb.value = gl3_add(fb.value, gl3_one());
        assert_int_equal(zk_whir_open(&wit, &com, &fb, 1, &t, &pf), ZK_ERR_INPUT);
        zk_wbuf_free(&pf);
        free_claims(&cs2);
        zk_wbuf_free(&proof);
        free_claims(&cs);
        zk_whir_witness_free(&wit);
        zk_whir_witness_free(&wit2);
        free(f);
        free(g);
    }
}

/* A proof for a commitment to g does not verify against claims true for f
 * even if the prover lies consistently: values of f at the points, commitment to g. */
static void test_mismatched_witness(void **state)
{
    (void)state;
    static const int kinds[] = {0};
    uint32_t n = 8;
    zk_whir_params p = make_params(n, 0, 1);
    gl_t *f = random_evals(n), *g = random_evals(n);
    zk_whir_commitment cf, cg;
    zk_whir_witness wf, wg;
    assert_int_equal(zk_whir_commit(&p, f, NULL, &cf, &wf), ZK_OK);
    assert_int_equal(zk_whir_commit(&p, g, NULL, &cg, &wg), ZK_OK);
    claim_set cs;
    make_claims(&cs, g, n, kinds, 1);
    zk_wbuf proof;
    prove(&wg, &cg, cs.claims, 1, &proof);
    assert_int_equal(verify(&cg, cs.claims, 1, proof.data, proof.len, "main"), ZK_OK);
    assert_int_equal(verify(&cf, cs.claims, 1, proof.data, proof.len, "main"), ZK_ERR_REJECT);
    zk_wbuf_free(&proof);
    free_claims(&cs);
    zk_whir_witness_free(&wf);
    zk_whir_witness_free(&wg);
    free(f);
    free(g);
}

/* Every single-byte change (all 8 bit flips and a random xor) of a small
 * proof with real parameters is rejected, and so is every truncation. */
static void test_tamper_all_bytes(void **state)
{
    (void)state;
    static const int kinds[] = {0, 1};
    uint32_t n = 4;
    zk_whir_params p = make_params(n, 0, 0);
    gl_t *f = random_evals(n);
    zk_whir_commitment com;
    zk_whir_witness wit;
    assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
    claim_set cs;
    make_claims(&cs, f, n, kinds, 2);
    zk_wbuf proof;
    prove(&wit, &com, cs.claims, 2, &proof);
    assert_int_equal(verify(&com, cs.claims, 2, proof.data, proof.len, "main"), ZK_OK);
    uint8_t *buf = malloc(proof.len);
    assert_non_null(buf);
    size_t checked = 0;
    for (size_t pos = 0; pos < proof.len; pos++) {
        for (int v = 0; v < 9; v++) {
            uint8_t x = v < 8 ? (uint8_t)(1u << v) : (uint8_t)(1 + test_rng_u64(&rng) % 255);
            memcpy(buf, proof.data, proof.len);
            buf[pos] ^= x;
            assert_int_equal(verify(&com, cs.claims, 2, buf, proof.len, "main"), ZK_ERR_REJECT);
            checked++;
        }
    }
    assert_int_equal(checked, 9 * proof.len);
    for (size_t len = 0; len < proof.len; len++)
        assert_int_equal(verify(&com, cs.claims, 2, proof.data, len, "main"), ZK_ERR_REJECT);
    free(buf);
    zk_wbuf_free(&proof);
    free_claims(&cs);
    zk_whir_witness_free(&wit);
    free(f);
}

/* A hiding proof: a large random sample of byte positions, and truncations. */
static void test_tamper_hiding_sample(void **state)
{
    (void)state;
    static const int kinds[] = {0, 1};
    uint32_t n = 5;
    zk_whir_params p = make_params(n, 1, 1);
    gl_t *f = random_evals(n);
    zk_whir_commitment com;
    zk_whir_witness wit;
    assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
    claim_set cs;
    make_claims(&cs, f, n, kinds, 2);
    zk_wbuf proof;
    prove(&wit, &com, cs.claims, 2, &proof);
    assert_int_equal(verify(&com, cs.claims, 2, proof.data, proof.len, "main"), ZK_OK);
    uint8_t *buf = malloc(proof.len);
    assert_non_null(buf);
    size_t samples = SLOW_BUILD ? 300 : 3000;
    for (size_t s = 0; s < samples; s++) {
        size_t pos = (size_t)(test_rng_u64(&rng) % proof.len);
        memcpy(buf, proof.data, proof.len);
        buf[pos] ^= (uint8_t)(1 + test_rng_u64(&rng) % 255);
        assert_int_equal(verify(&com, cs.claims, 2, buf, proof.len, "main"), ZK_ERR_REJECT);
    }
    /* the first bytes (mask root, mask answers, mu) individually */
    for (size_t pos = 0; pos < 32 + 4 * 24; pos++) {
        memcpy(buf, proof.data, proof.len);
        buf[pos] ^= 0x01;
        assert_int_equal(verify(&com, cs.claims, 2, buf, proof.len, "main"), ZK_ERR_REJECT);
    }
    for (size_t s = 0; s < 200; s++) {
        size_t len = (size_t)(test_rng_u64(&rng) % proof.len);
        assert_int_equal(verify(&com, cs.claims, 2, proof.data, len, "main"), ZK_ERR_REJECT);
    }
    free(buf);
    zk_wbuf_free(&proof);
    free_claims(&cs);
    zk_whir_witness_free(&wit);
    free(f);
}

/* Consistent cheating provers: each deviation is caught by the verifier
 * check that is responsible for it (identified by its error message). */
static void test_cheating_provers(void **state)
{
    (void)state;
    static const int kinds[] = {0, 1};
    static const struct {
        unsigned cheat;
        int hiding_only;
        const char *msg;
    } cases[] = {
        {WHIR_CHEAT_SKIP_CHECK, 0, "final sumcheck claim mismatch"},
        {WHIR_CHEAT_FINAL, 0, "final polynomial inconsistent"},
        {WHIR_CHEAT_OOD, 0, "final sumcheck claim mismatch"},
        {WHIR_CHEAT_SUMCHECK, 0, "final sumcheck claim mismatch"},
        {WHIR_CHEAT_LEAF, 0, "round codeword opening invalid"},
        {WHIR_CHEAT_MASK, 1, "final sumcheck claim mismatch"},
        {WHIR_CHEAT_MASK_OOD, 1, "final sumcheck claim mismatch"},
    };
    for (int h = 0; h < 2; h++) {
        uint32_t n = 9;
        zk_whir_params p = make_params(n, h, 1);
        gl_t *f = random_evals(n);
        zk_whir_commitment com;
        zk_whir_witness wit;
        assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            if (cases[c].hiding_only && !h)
                continue;
            for (size_t lie = 0; lie < 2; lie++) {
                if (lie && cases[c].cheat != WHIR_CHEAT_SKIP_CHECK)
                    break;
                claim_set cs;
                make_claims(&cs, f, n, kinds, 2);
                if (cases[c].cheat == WHIR_CHEAT_SKIP_CHECK) /* a false point or linear claim */
                    cs.claims[lie].value = gl3_add(cs.claims[lie].value, gl3_one());
                zk_transcript t;
                transcript_for(&t, &com, "main");
                zk_wbuf proof;
                zk_wbuf_init(&proof);
                /* fresh witness: the LEAF cheat modifies the prover's round codeword only */
                assert_int_equal(zk_whir_open_ex(&wit, &com, cs.claims, 2, &t, &proof, cases[c].cheat), ZK_OK);
                assert_int_equal(verify(&com, cs.claims, 2, proof.data, proof.len, "main"), ZK_ERR_REJECT);
                assert_non_null(strstr(zk_last_error(), cases[c].msg));
                zk_wbuf_free(&proof);
                free_claims(&cs);
            }
        }
        /* control: the same harness with no deviation accepts */
        claim_set cs;
        make_claims(&cs, f, n, kinds, 2);
        zk_transcript t;
        transcript_for(&t, &com, "main");
        zk_wbuf proof;
        zk_wbuf_init(&proof);
        assert_int_equal(zk_whir_open_ex(&wit, &com, cs.claims, 2, &t, &proof, WHIR_CHEAT_NONE), ZK_OK);
        assert_int_equal(verify(&com, cs.claims, 2, proof.data, proof.len, "main"), ZK_OK);
        zk_wbuf_free(&proof);
        free_claims(&cs);
        zk_whir_witness_free(&wit);
        free(f);
    }
}

/* ---- commitment and witness serialization ---- */

static void test_commitment_parse(void **state)
{
    (void)state;
    for (int h = 0; h < 2; h++) {
        uint32_t n = 7;
        zk_whir_params p = make_params(n, h, 0);
        gl_t *f = random_evals(n);
        zk_whir_commitment com, back;
        zk_whir_witness wit;
        assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
        zk_wbuf w;
        zk_wbuf_init(&w);
        zk_whir_commitment_write(&w, &com);
        zk_rbuf r;
        zk_rbuf_init(&r, w.data, w.len);
        assert_int_equal(zk_whir_commitment_read(&r, &back), ZK_OK);
        assert_int_equal(zk_rbuf_left(&r), 0);
        assert_true(zk_whir_params_equal(&back.params, &com.params));
        assert_memory_equal(back.root.h, com.root.h, 32);
        assert_true(gl3_eq(back.ood_points[0], com.ood_points[0]));
        assert_true(gl3_eq(back.ood_answers[0], com.ood_answers[0]));
        size_t params_len = 40 + 12 * (p.n_rounds + 1);
        assert_int_equal(w.len, params_len + 32 + 48);
        /* any change in the params, root or OOD points is rejected; a changed
         * OOD answer parses (it is bound by the opening, tested below) */
        static const int kinds[] = {0};
        claim_set cs;
        make_claims(&cs, f, n, kinds, 1);
        zk_wbuf proof;
        prove(&wit, &com, cs.claims, 1, &proof);
        assert_int_equal(verify(&com, cs.claims, 1, proof.data, proof.len, "main"), ZK_OK);
        for (size_t pos = 0; pos < w.len; pos++) {
            uint8_t *buf = malloc(w.len);
            memcpy(buf, w.data, w.len);
            buf[pos] ^= 0x04;
            zk_rbuf_init(&r, buf, w.len);
            int st = zk_whir_commitment_read(&r, &back);
            if (pos < params_len + 32 + 24) {
                /* a params change may still describe valid params (e.g. more queries),
                 * but then the OOD point (hash of params and root) no longer matches */
                assert_int_equal(st, ZK_ERR_INPUT);
            } else {
                assert_true(st == ZK_OK || st == ZK_ERR_INPUT); /* answer: may be non-canonical */
                if (st == ZK_OK) /* an opening against the tampered answer is rejected */
                    assert_int_equal(verify(&back, cs.claims, 1, proof.data, proof.len, "main"), ZK_ERR_REJECT);
            }
            free(buf);
        }
        for (size_t len = 0; len < w.len; len++) {
            zk_rbuf_init(&r, w.data, len);
            assert_int_equal(zk_whir_commitment_read(&r, &back), ZK_ERR_INPUT);
        }
        zk_wbuf_free(&proof);
        free_claims(&cs);
        zk_wbuf_free(&w);
        zk_whir_witness_free(&wit);
        free(f);
    }
}

static void test_witness_roundtrip(void **state)
{
    (void)state;
    static const int kinds[] = {0, 1};
    for (int h = 0; h < 2; h++) {
        uint32_t n = 9;
        zk_whir_params p = make_params(n, h, 0);
        gl_t *f = random_evals(n);
        zk_whir_commitment com, com2;
        zk_whir_witness wit, wit2;
        assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
        zk_wbuf w;
        zk_wbuf_init(&w);
        zk_whir_witness_write(&w, &wit);
        zk_rbuf r;
        zk_rbuf_init(&r, w.data, w.len);
        assert_int_equal(zk_whir_witness_read(&r, &wit2, &com2), ZK_OK);
        assert_int_equal(zk_rbuf_left(&r), 0);
        /* identical commitment (deterministic from the seed) */
        zk_wbuf a, b;
        zk_wbuf_init(&a);
        zk_wbuf_init(&b);
        zk_whir_commitment_write(&a, &com);
        zk_whir_commitment_write(&b, &com2);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.data, b.data, a.len);
        /* the restored witness opens */
        claim_set cs;
        make_claims(&cs, f, n, kinds, 2);
        zk_wbuf proof;
        prove(&wit2, &com2, cs.claims, 2, &proof);
        assert_int_equal(verify(&com, cs.claims, 2, proof.data, proof.len, "main"), ZK_OK);
        zk_wbuf_free(&proof);
        free_claims(&cs);
        /* truncations are rejected */
        for (size_t len = 0; len < w.len; len += 1 + len / 3) {
            zk_whir_witness wit3;
            zk_whir_commitment com3;
            zk_rbuf_init(&r, w.data, len);
            assert_int_equal(zk_whir_witness_read(&r, &wit3, &com3), ZK_ERR_INPUT);
        }
        /* hiding: another seed gives another root; non-hiding roots do not depend on it */
        uint8_t seed[32] = {1, 2, 3};
        zk_whir_commitment com4;
        zk_whir_witness wit4;
        assert_int_equal(zk_whir_commit(&com.params, f, seed, &com4, &wit4), ZK_OK);
        if (h)
            assert_memory_not_equal(com4.root.h, com.root.h, 32);
        else
            assert_memory_equal(com4.root.h, com.root.h, 32);
        zk_whir_witness_free(&wit4);
        zk_wbuf_free(&a);
        zk_wbuf_free(&b);
        zk_wbuf_free(&w);
        zk_whir_witness_free(&wit);
        zk_whir_witness_free(&wit2);
        free(f);
    }
}

/* Random bytes never crash the parsers (ASan/UBSan builds check memory safety)
 * and are rejected; random tails after a valid prefix too. */
static void test_parse_fuzz(void **state)
{
    (void)state;
    static const int kinds[] = {0};
    uint32_t n = 5;
    zk_whir_params p = make_params(n, 0, 1);
    gl_t *f = random_evals(n);
    zk_whir_commitment com, back;
    zk_whir_witness wit, w2;
    assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
    claim_set cs;
    make_claims(&cs, f, n, kinds, 1);
    zk_wbuf proof;
    prove(&wit, &com, cs.claims, 1, &proof);
    uint8_t *buf = malloc(proof.len + 64);
    assert_non_null(buf);
    size_t iters = SLOW_BUILD ? 300 : 3000;
    for (size_t it = 0; it < iters; it++) {
        size_t len = (size_t)(test_rng_u64(&rng) % (proof.len + 64));
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)test_rng_u64(&rng);
        if (it % 3 == 1 && len > 0) /* a valid prefix with a random tail */
            memcpy(buf, proof.data, len < proof.len ? len / 2 : proof.len / 2);
        zk_rbuf r;
        zk_rbuf_init(&r, buf, len);
        assert_int_equal(zk_whir_commitment_read(&r, &back), ZK_ERR_INPUT);
        zk_rbuf_init(&r, buf, len);
        assert_int_not_equal(zk_whir_witness_read(&r, &w2, &back), ZK_OK);
        assert_int_equal(verify(&com, cs.claims, 1, buf, len, "main"), ZK_ERR_REJECT);
    }
    free(buf);
    zk_wbuf_free(&proof);
    free_claims(&cs);
    zk_whir_witness_free(&wit);
    free(f);
}

/* ---- zero-knowledge evidence ---- */

static int contains_u64(const uint8_t *buf, size_t len, uint64_t v)
{
    uint8_t pat[8];
    for (int i = 0; i < 8; i++)
        pat[i] = (uint8_t)(v >> (8 * i));
    for (size_t i = 0; i + 8 <= len; i++)
        if (memcmp(buf + i, pat, 8) == 0)
            return 1;
    return 0;
}

static void test_zk_no_raw_values(void **state)
{
    (void)state;
    static const int kinds[] = {0, 1, 0};
    uint32_t n = 8;
    size_t nn = (size_t)1 << n;
    gl_t *f = random_evals(n); /* distinctive 64-bit values */
    zk_whir_params p = make_params(n, 1, 1);
    zk_whir_commitment com;
    zk_whir_witness wit;
    assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
    claim_set cs;
    make_claims(&cs, f, n, kinds, 3);
    zk_wbuf proof, cw;
    prove(&wit, &com, cs.claims, 3, &proof);
    assert_int_equal(verify(&com, cs.claims, 3, proof.data, proof.len, "main"), ZK_OK);
    zk_wbuf_init(&cw);
    zk_whir_commitment_write(&cw, &com);
    for (size_t b = 0; b < nn; b++) {
        assert_false(contains_u64(proof.data, proof.len, f[b]));
        assert_false(contains_u64(cw.data, cw.len, f[b]));
    }
    /* the f' coefficients (f's Moebius coefficients) do not appear either */
    for (size_t b = 0; b < nn; b++)
        assert_false(contains_u64(proof.data, proof.len, wit.coeffs[b]));
    /* scanner sanity: the round-0 opened leaves of f' do appear (they are masked by R) */
    int found = 0;
    for (size_t j = 0; j < ((size_t)1 << (p.total_vars + 2)) && !found; j++)
        found = contains_u64(proof.data, proof.len, wit.codeword[j]);
    assert_true(found);
    /* a non-hiding proof of a constant-on-a-subcube polynomial does expose raw
     * values (codeword = evaluations for a constant polynomial): scanner works */
    zk_whir_params q = make_params(n, 0, 1);
    gl_t *c = malloc(nn * sizeof *c);
    for (size_t b = 0; b < nn; b++)
        c[b] = f[0];
    zk_whir_commitment comc;
    zk_whir_witness witc;
    assert_int_equal(zk_whir_commit(&q, c, NULL, &comc, &witc), ZK_OK);
    claim_set cs2;
    make_claims(&cs2, c, n, kinds, 1);
    zk_wbuf proof2;
    prove(&witc, &comc, cs2.claims, 1, &proof2);
    assert_true(contains_u64(proof2.data, proof2.len, f[0]));
    zk_wbuf_free(&proof2);
    free_claims(&cs2);
    zk_whir_witness_free(&witc);
    free(c);
    zk_wbuf_free(&cw);
    zk_wbuf_free(&proof);
    free_claims(&cs);
    zk_whir_witness_free(&wit);
    free(f);
}

/* Two openings of the same hiding commitment with the same claims differ
 * (fresh mask), and both verify. */
static void test_zk_fresh_mask(void **state)
{
    (void)state;
    static const int kinds[] = {0};
    uint32_t n = 6;
    zk_whir_params p = make_params(n, 1, 1);
    gl_t *f = random_evals(n);
    zk_whir_commitment com;
    zk_whir_witness wit;
    assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
    claim_set cs;
    make_claims(&cs, f, n, kinds, 1);
    zk_wbuf a, b;
    prove(&wit, &com, cs.claims, 1, &a);
    prove(&wit, &com, cs.claims, 1, &b);
    assert_int_equal(verify(&com, cs.claims, 1, a.data, a.len, "main"), ZK_OK);
    assert_int_equal(verify(&com, cs.claims, 1, b.data, b.len, "main"), ZK_OK);
    assert_memory_not_equal(a.data, b.data, 32); /* mask roots */
    zk_wbuf_free(&a);
    zk_wbuf_free(&b);
    free_claims(&cs);
    zk_whir_witness_free(&wit);
    free(f);
}

int main(void)
{
    test_rng_seed(&rng, test_seed());
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_moebius),
        cmocka_unit_test(test_completeness_plain), cmocka_unit_test(test_completeness_hiding),
        cmocka_unit_test(test_real_params),        cmocka_unit_test(test_other_shapes),
        cmocka_unit_test(test_wrong_claims),
        cmocka_unit_test(test_mismatched_witness), cmocka_unit_test(test_cheating_provers),
        cmocka_unit_test(test_tamper_all_bytes),
        cmocka_unit_test(test_tamper_hiding_sample), cmocka_unit_test(test_commitment_parse),
        cmocka_unit_test(test_witness_roundtrip),  cmocka_unit_test(test_parse_fuzz),
        cmocka_unit_test(test_zk_no_raw_values),
        cmocka_unit_test(test_zk_fresh_mask),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
