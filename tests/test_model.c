/* Model IR, fixed-point reference, commitment files, inference circuit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "zkmlops/circuit.h"
#include "zkmlops/infer.h"
#include "zkmlops/model.h"

/* ---- helpers ---- */
static int64_t rnd_range(test_rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(test_rng_u64(r) % (uint64_t)(hi - lo + 1));
}

typedef struct {
    uint32_t n_layers;
    uint32_t dims[8];
    zk_op act[8];
    int64_t *w[8], *b[8];
} dense_spec;

static void spec_random(dense_spec *s, test_rng *r, uint32_t n_layers, const uint32_t *dims, const zk_op *act,
                        int64_t wmax)
{
    s->n_layers = n_layers;
    for (uint32_t l = 0; l <= n_layers; l++)
        s->dims[l] = dims[l];
    for (uint32_t l = 0; l < n_layers; l++) {
        s->act[l] = act[l];
        size_t nw = (size_t)dims[l] * dims[l + 1];
        s->w[l] = malloc(nw * sizeof(int64_t));
        s->b[l] = malloc(dims[l + 1] * sizeof(int64_t));
        assert_non_null(s->w[l]);
        assert_non_null(s->b[l]);
        for (size_t i = 0; i < nw; i++)
            s->w[l][i] = rnd_range(r, -wmax, wmax);
        for (uint32_t i = 0; i < dims[l + 1]; i++)
            s->b[l][i] = rnd_range(r, -4 * wmax, 4 * wmax);
    }
}

static void spec_free(dense_spec *s)
{
    for (uint32_t l = 0; l < s->n_layers; l++) {
        free(s->w[l]);
        free(s->b[l]);
    }
}

static void build(zk_model *m, const dense_spec *s, uint32_t scale)
{
    const int64_t *w[8], *b[8];
    for (uint32_t l = 0; l < s->n_layers; l++) {
        w[l] = s->w[l];
        b[l] = s->b[l];
    }
    assert_int_equal(zk_model_dense(m, s->n_layers, s->dims, s->act, scale, w, b), ZK_OK);
}

/* Plain reference of a dense network, written independently of the IR:
 * z = round((W x + b 2^s) / 2^s) (round half up), then the activation. */
static int64_t ref_rescale(int64_t x, unsigned s)
{
    __int128 v = (__int128)x + ((__int128)1 << (s - 1));
    __int128 q = v >> s; /* arithmetic shift = floor */
    return (int64_t)q;
}

static int64_t ref_sigmoid(int64_t x, unsigned s)
{
    int64_t one = (int64_t)1 << s, a = x < 0 ? -x : x, y;
    if (a >= 5 * one)
        y = one;
    else if (a * 8 >= 19 * one)
        y = a / 32 + 27 * (one / 32);
    else if (a >= one)
        y = a / 8 + 5 * (one / 8);
    else
        y = a / 4 + one / 2;
    return x >= 0 ? y : one - y;
}

static void ref_dense(const dense_spec *s, unsigned scale, const int64_t *in, int64_t *out)
{
    int64_t cur[256], nxt[256];
    memcpy(cur, in, s->dims[0] * sizeof(int64_t));
    for (uint32_t l = 0; l < s->n_layers; l++) {
        for (uint32_t j = 0; j < s->dims[l + 1]; j++) {
            __int128 acc = (__int128)s->b[l][j] << scale;
            for (uint32_t k = 0; k < s->dims[l]; k++)
                acc += (__int128)s->w[l][(size_t)j * s->dims[l] + k] * cur[k];
            int64_t z = ref_rescale((int64_t)acc, scale);
            if (s->act[l] == ZK_OP_RELU)
                z = z > 0 ? z : 0;
            else if (s->act[l] == ZK_OP_SIGMOID)
                z = ref_sigmoid(z, scale);
            nxt[j] = z;
        }
        memcpy(cur, nxt, s->dims[l + 1] * sizeof(int64_t));
    }
    memcpy(out, cur, s->dims[s->n_layers] * sizeof(int64_t));
}

/* ---- tests ---- */
static void test_dense_structure(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed());
    uint32_t dims[] = {5, 4, 3};
    zk_op act[] = {ZK_OP_RELU, ZK_OP_IDENTITY};
    dense_spec s;
    spec_random(&s, &r, 2, dims, act, 3000);
    zk_model m;
    build(&m, &s, 12);
    assert_int_equal(zk_model_n_params(&m), 5 * 4 + 4 + 4 * 3 + 3);
    assert_int_equal(zk_model_input_size(&m), 5);
    assert_int_equal(zk_model_output_size(&m), 3);
    assert_int_equal(m.n_nodes, 3);
    assert_int_equal(m.nodes[0].op, ZK_OP_GEMM);
    assert_int_equal(m.nodes[1].op, ZK_OP_RELU);
    assert_string_equal(zk_op_name(ZK_OP_GEMM), "Gemm");
    assert_string_equal(zk_op_name(ZK_OP_GLOBAL_AVGPOOL), "GlobalAveragePool");
    /* Commitment order: W0, b0, W1, b1. */
    uint32_t w1 = m.nodes[2].in[1];
    assert_int_equal(zk_model_param_offset(&m, w1), 5 * 4 + 4);
    /* Architecture round trip. */
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_model_arch_write(&w, &m);
    zk_rbuf rb;
    zk_rbuf_init(&rb, w.data, w.len);
    zk_model a;
    assert_int_equal(zk_model_arch_read(&rb, &a), ZK_OK);
    assert_int_equal(zk_rbuf_left(&rb), 0);
    assert_int_equal(a.n_tensors, m.n_tensors);
    assert_null(a.tensors[w1].qdata);
    uint8_t d1[32], d2[32];
    assert_int_equal(zk_model_arch_digest(d1, &m), ZK_OK);
    assert_int_equal(zk_model_arch_digest(d2, &a), ZK_OK);
    assert_memory_equal(d1, d2, 32);
    /* Truncations are errors, never crashes. */
    for (size_t cut = 0; cut < w.len; cut += 7) {
        zk_rbuf_init(&rb, w.data, cut);
        zk_model b;
        assert_int_not_equal(zk_model_arch_read(&rb, &b), ZK_OK);
    }
    zk_wbuf_free(&w);
    zk_model_free(&a);
    /* Bad shapes. */
    zk_model bad;
    uint32_t zero_dims[] = {5, 0, 3};
    const int64_t *ww[2] = {s.w[0], s.w[1]}, *bb[2] = {s.b[0], s.b[1]};
    assert_int_equal(zk_model_dense(&bad, 2, zero_dims, act, 12, ww, bb), ZK_ERR_INPUT);
    zk_op bad_act[] = {ZK_OP_CONV, ZK_OP_IDENTITY};
    assert_int_equal(zk_model_dense(&bad, 2, dims, bad_act, 12, ww, bb), ZK_ERR_INPUT);
    zk_model_free(&m);
    spec_free(&s);
}

static void test_dense_run_fx(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 1);
    const unsigned scale = 12;
    for (int trial = 0; trial < 6; trial++) {
        uint32_t dims[4] = {(uint32_t)rnd_range(&r, 1, 20), (uint32_t)rnd_range(&r, 1, 16),
                            (uint32_t)rnd_range(&r, 1, 12), (uint32_t)rnd_range(&r, 1, 6)};
        zk_op acts[3] = {ZK_OP_RELU, ZK_OP_SIGMOID, ZK_OP_IDENTITY};
        zk_op act[3];
        for (int l = 0; l < 3; l++)
            act[l] = acts[rnd_range(&r, 0, 2)];
        dense_spec s;
        spec_random(&s, &r, 3, dims, act, 1 << 13);
        zk_model m;
        build(&m, &s, scale);
        const uint32_t batch = 5;
        int64_t in[5 * 20], out[5 * 6], ref[6];
        for (uint32_t i = 0; i < batch * dims[0]; i++)
            in[i] = rnd_range(&r, -(8 << scale), 8 << scale);
        assert_int_equal(zk_model_run_fx(&m, in, batch, out), ZK_OK);
        for (uint32_t i = 0; i < batch; i++) {
            ref_dense(&s, scale, in + i * dims[0], ref);
            assert_memory_equal(out + i * dims[3], ref, dims[3] * sizeof(int64_t));
        }
        zk_model_free(&m);
        spec_free(&s);
    }
}

static void test_run_fx_range(void **state)
{
    (void)state;
    /* A 1-1 layer with a huge weight overflows act_bits: ZK_ERR_RANGE. */
    uint32_t dims[] = {1, 1};
    zk_op act[] = {ZK_OP_RELU};
    int64_t w = (int64_t)1 << 30, b = 0;
    const int64_t *ww[] = {&w}, *bb[] = {&b};
    zk_model m;
    assert_int_equal(zk_model_dense(&m, 1, dims, act, 12, ww, bb), ZK_OK);
    int64_t in = (int64_t)1 << 22, out; /* output 2^40 exceeds act_bits = 40 */
    assert_int_equal(zk_model_run_fx(&m, &in, 1, &out), ZK_ERR_RANGE);
    in = 1 << 12;
    assert_int_equal(zk_model_run_fx(&m, &in, 1, &out), ZK_OK);
    assert_int_equal(out, (int64_t)1 << 30);
    zk_model_free(&m);
}

static char *tmp_path(const char *name)
{
    static char buf[4][256];
    static int k = 0;
    char *p = buf[k++ & 3];
    snprintf(p, 256, "/tmp/zkm_test_model_%d_%s", (int)getpid(), name);
    return p;
}

static void test_commit_files(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 2);
    uint32_t dims[] = {6, 5, 2};
    zk_op act[] = {ZK_OP_RELU, ZK_OP_IDENTITY};
    dense_spec s;
    spec_random(&s, &r, 2, dims, act, 4000);
    zk_model m;
    build(&m, &s, 12);
    zk_model_private p;
    assert_int_equal(zk_model_commit(&p, &m), ZK_OK);
    assert_int_equal(p.com.n_params, zk_model_n_params(&m));
    assert_true(((uint64_t)1 << p.com.log_len) >= p.com.n_params + ZK_MODEL_MIN_BLIND);
    assert_true(zk_model_openings_left(&p) >= ZK_MODEL_OPENING_BUDGET);
    /* The committed vector starts with the parameters in tensor order. */
    assert_int_equal(gl_to_i64(p.wit.evals[0]), s.w[0][0]);
    assert_int_equal(gl_to_i64(p.wit.evals[30]), s.b[0][0]);
    assert_int_equal(gl_to_i64(p.wit.evals[35]), s.w[1][0]);
    /* Two commitments of the same model differ (hiding). */
    zk_model_private p2;
    assert_int_equal(zk_model_commit(&p2, &m), ZK_OK);
    uint8_t id1[32], id2[32], id3[32];
    assert_int_equal(zk_model_commitment_id(id1, &p.com), ZK_OK);
    assert_int_equal(zk_model_commitment_id(id2, &p2.com), ZK_OK);
    assert_memory_not_equal(id1, id2, 32);
    zk_model_private_free(&p2);
    /* Files. */
    const char *zkm = tmp_path("m.zkm"), *com = tmp_path("m.com");
    assert_int_equal(zk_model_private_save(zkm, com, &p), ZK_OK);
    zk_model_commitment c;
    assert_int_equal(zk_model_commitment_load(com, &c), ZK_OK);
    assert_int_equal(zk_model_commitment_id(id3, &c), ZK_OK);
    assert_memory_equal(id1, id3, 32);
    zk_model_commitment_free(&c);
    zk_model_private q;
    assert_int_equal(zk_model_private_load(zkm, &q), ZK_OK);
    assert_int_equal(zk_model_commitment_id(id3, &q.com), ZK_OK);
    assert_memory_equal(id1, id3, 32);
    int64_t in[6], o1[2], o2[2];
    for (int i = 0; i < 6; i++)
        in[i] = rnd_range(&r, -5000, 5000);
    assert_int_equal(zk_model_run_fx(&m, in, 1, o1), ZK_OK);
    assert_int_equal(zk_model_run_fx(&q.model, in, 1, o2), ZK_OK);
    assert_memory_equal(o1, o2, sizeof o1);
    /* Opening budget. */
    uint64_t left = zk_model_openings_left(&q);
    q.openings_used += (uint32_t)left - 1;
    assert_int_equal(zk_model_reserve_opening(&q), ZK_OK);
    assert_int_equal(zk_model_reserve_opening(&q), ZK_ERR_RANGE);
    zk_model_private_free(&q);
    /* Tampered and truncated files are rejected with an error. */
    uint8_t *data;
    size_t len;
    assert_int_equal(zk_read_file(com, 1 << 30, &data, &len), ZK_OK);
    for (size_t cut = 0; cut < len; cut += len / 17 + 1) {
        zk_rbuf rb;
        zk_rbuf_init(&rb, data, cut);
        assert_int_not_equal(zk_model_commitment_read(&rb, &c), ZK_OK);
    }
    for (size_t pos = 0; pos < len; pos += len / 23 + 1) {
        data[pos] ^= 0x40;
        zk_rbuf rb;
        zk_rbuf_init(&rb, data, len);
        int st = zk_model_commitment_read(&rb, &c);
        if (st == ZK_OK) { /* a flip in a name or a float attribute may still parse; the id changes */
            assert_int_equal(zk_model_commitment_id(id3, &c), ZK_OK);
            assert_memory_not_equal(id1, id3, 32);
            zk_model_commitment_free(&c);
        }
        data[pos] ^= 0x40;
    }
    free(data);
    assert_int_equal(zk_read_file(zkm, 1 << 30, &data, &len), ZK_OK);
    data[len / 2] ^= 1; /* inside the witness: no longer matches the commitment */
    zk_rbuf rb;
    zk_rbuf_init(&rb, data, len);
    assert_int_not_equal(zk_model_private_read(&rb, &q), ZK_OK);
    free(data);
    /* A dataset loader refuses a model .com and vice versa. */
    assert_int_equal(zk_model_commitment_load(zkm, &c), ZK_ERR_INPUT);
    unlink(zkm);
    unlink(com);
    zk_model_private_free(&p);
    zk_model_free(&m);
    spec_free(&s);
}


/* Build the inference circuit in prover mode (public inputs, linked weight
 * segment), check it, compare its outputs with run_fx, and compare the R1CS
 * digest with a verifier-mode build from the architecture alone. */
static void circuit_matches(const zk_model_private *p, const int64_t *in, uint32_t batch)
{
    uint64_t ni = zk_model_input_size(&p->model) * batch, no = zk_model_output_size(&p->model) * batch;
    int64_t *expect = malloc(no * sizeof *expect);
    uint32_t *iw = malloc(ni * sizeof *iw), *ow = malloc(no * sizeof *ow), *ow2 = malloc(no * sizeof *ow2);
    assert_int_equal(zk_model_run_fx(&p->model, in, batch, expect), ZK_OK);
    zk_cs *cs = zk_cs_new(1), *vs = zk_cs_new(0);
    for (uint64_t k = 0; k < ni; k++) {
        iw[k] = zk_cs_public_i64(cs, in[k]);
        assert_int_equal(zk_cs_public_i64(vs, in[k]), iw[k]);
    }
    uint32_t seg = zk_cs_segment(cs, p->wit.evals, p->com.log_len);
    assert_int_equal(zk_cs_segment(vs, NULL, p->com.log_len), seg);
    assert_int_equal(zk_model_circuit(cs, &p->model, seg, iw, batch, ow), ZK_OK);
    assert_int_equal(zk_model_circuit(vs, &p->com.arch, seg, iw, batch, ow2), ZK_OK);
    assert_int_equal(zk_cs_check(cs), ZK_OK);
    for (uint64_t k = 0; k < no; k++) {
        assert_int_equal(zk_cs_value_i64(cs, ow[k]), expect[k]);
        assert_int_equal(ow[k], ow2[k]);
    }
    const zk_r1cs *a = zk_cs_r1cs(cs), *b = zk_cs_r1cs(vs);
    assert_non_null(a);
    assert_non_null(b);
    assert_memory_equal(a->digest.h, b->digest.h, 32);
    /* A public output claim that differs from the computed one is unsatisfiable. */
    zk_cs_free(cs);
    zk_cs_free(vs);
    free(expect);
    free(iw);
    free(ow);
    free(ow2);
}

static void test_dense_circuit(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 3);
    uint32_t dims[] = {7, 6, 5, 3};
    zk_op act[] = {ZK_OP_RELU, ZK_OP_SIGMOID, ZK_OP_IDENTITY};
    dense_spec s;
    spec_random(&s, &r, 3, dims, act, 6000);
    zk_model m;
    build(&m, &s, 12);
    zk_model_private p;
    assert_int_equal(zk_model_commit(&p, &m), ZK_OK);
    int64_t in[3 * 7];
    for (int i = 0; i < 21; i++)
        in[i] = rnd_range(&r, -(4 << 12), 4 << 12);
    circuit_matches(&p, in, 1);
    circuit_matches(&p, in, 3);
    /* Wrong output claim: the circuit with out == claimed fails the check. */
    int64_t out[3];
    assert_int_equal(zk_model_run_fx(&m, in, 1, out), ZK_OK);
    zk_cs *cs = zk_cs_new(1);
    uint32_t iw[7], ow[3], pw[3];
    for (int i = 0; i < 7; i++)
        iw[i] = zk_cs_public_i64(cs, in[i]);
    for (int i = 0; i < 3; i++)
        pw[i] = zk_cs_public_i64(cs, out[i] + (i == 1));
    uint32_t seg = zk_cs_segment(cs, p.wit.evals, p.com.log_len);
    assert_int_equal(zk_model_circuit(cs, &p.model, seg, iw, 1, ow), ZK_OK);
    for (int i = 0; i < 3; i++)
        zk_cs_assert_equal(cs, ow[i], pw[i]);
    assert_int_not_equal(zk_cs_check(cs), ZK_OK);
    zk_cs_free(cs);
    zk_model_private_free(&p);
    zk_model_free(&m);
    spec_free(&s);
}

/* ---- inference proofs ---- */
static void test_infer_prove_verify(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 4);
    uint32_t dims[] = {6, 5, 3};
    zk_op act[] = {ZK_OP_RELU, ZK_OP_IDENTITY};
    dense_spec s;
    spec_random(&s, &r, 2, dims, act, 5000);
    zk_model m;
    build(&m, &s, 12);
    zk_model_private p, other;
    assert_int_equal(zk_model_commit(&p, &m), ZK_OK);
    assert_int_equal(zk_model_commit(&other, &m), ZK_OK); /* same weights, another commitment */
    const uint32_t batch = 2;
    int64_t in[12], out[6], ref[6];
    for (int i = 0; i < 12; i++)
        in[i] = rnd_range(&r, -(3 << 12), 3 << 12);
    for (int priv = 0; priv <= 1; priv++) {
        zk_wbuf pf;
        zk_wbuf_init(&pf);
        zk_infer_info info;
        uint32_t used = p.openings_used;
        assert_int_equal(zk_infer_prove(&p, in, batch, priv, out, &pf, &info), ZK_OK);
        assert_int_equal(p.openings_used, used + 1);
        assert_int_equal(zk_model_run_fx(&m, in, batch, ref), ZK_OK);
        assert_memory_equal(out, ref, sizeof out);
        assert_int_equal(info.proof_bytes, pf.len);
        zk_infer_info vi;
        assert_int_equal(zk_infer_verify(&p.com, priv ? NULL : in, out, batch, pf.data, pf.len, &vi), ZK_OK);
        assert_int_equal(vi.private_input, priv);
        assert_true(vi.sec.security_bits >= 100.0);
        if (priv)
            assert_memory_equal(vi.input_com_id, info.input_com_id, 32);
        /* Wrong output. */
        int64_t bad[6];
        memcpy(bad, out, sizeof bad);
        bad[4] += 1;
        assert_int_equal(zk_infer_verify(&p.com, in, bad, batch, pf.data, pf.len, NULL), ZK_ERR_REJECT);
        /* Wrong input (public-input proofs). */
        if (!priv) {
            int64_t bin[12];
            memcpy(bin, in, sizeof bin);
            bin[7] ^= 1;
            assert_int_equal(zk_infer_verify(&p.com, bin, out, batch, pf.data, pf.len, NULL), ZK_ERR_REJECT);
            /* A public-input proof needs the input. */
            assert_int_equal(zk_infer_verify(&p.com, NULL, out, batch, pf.data, pf.len, NULL), ZK_ERR_INPUT);
        }
        /* Another commitment of the same model. */
        assert_int_equal(zk_infer_verify(&other.com, in, out, batch, pf.data, pf.len, NULL), ZK_ERR_REJECT);
        /* Wrong batch. */
        assert_int_equal(zk_infer_verify(&p.com, in, out, 1, pf.data, pf.len, NULL), ZK_ERR_REJECT);
        /* Tampered bytes anywhere: never accepted. */
        for (size_t pos = 16; pos < pf.len; pos += pf.len / 29 + 1) {
            pf.data[pos] ^= 0x10;
            assert_int_not_equal(zk_infer_verify(&p.com, in, out, batch, pf.data, pf.len, NULL), ZK_OK);
            pf.data[pos] ^= 0x10;
        }
        assert_int_not_equal(zk_infer_verify(&p.com, in, out, batch, pf.data, pf.len - 1, NULL), ZK_OK);
        assert_int_equal(zk_infer_verify(&p.com, in, out, batch, pf.data, pf.len, NULL), ZK_OK);
        zk_wbuf_free(&pf);
    }
    /* A different (wrong) witness: prover with tampered weights in the model
     * but the original commitment cannot produce a proof (the link fails). */
    p.model.tensors[1].qdata[0] += 1;
    zk_wbuf pf;
    zk_wbuf_init(&pf);
    assert_int_not_equal(zk_infer_prove(&p, in, batch, 0, out, &pf, NULL), ZK_OK);
    zk_wbuf_free(&pf);
    zk_model_private_free(&p);
    zk_model_private_free(&other);
    zk_model_free(&m);
    spec_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dense_structure),
        cmocka_unit_test(test_dense_run_fx),
        cmocka_unit_test(test_run_fx_range),
        cmocka_unit_test(test_commit_files),
        cmocka_unit_test(test_dense_circuit),
        cmocka_unit_test(test_infer_prove_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
