/* Model IR, fixed-point reference, commitment files, inference circuit. */
#include <stdint.h>
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
            __int128 acc = (__int128)s->b[l][j] * ((int64_t)1 << scale);
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
    assert_int_equal(p.com.opening_budget, ZK_MODEL_DEFAULT_OPENINGS);
    assert_true(((uint64_t)1 << p.com.log_len) >= p.com.n_params + ZK_MODEL_BLIND_FOR(ZK_MODEL_DEFAULT_OPENINGS));
    assert_int_equal(zk_model_openings_left(&p), ZK_MODEL_DEFAULT_OPENINGS);
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

/* Offset of the u32 opening budget in a model .com / .zkm: header (16 bytes),
 * u64 arch_len, architecture, u64 n_params, u32 log_len. */
static size_t budget_offset(const uint8_t *data, size_t len)
{
    assert_true(len >= 24);
    uint64_t alen = 0;
    for (int i = 7; i >= 0; i--)
        alen = alen << 8 | data[16 + i];
    assert_true(alen + 24 + 16 <= len);
    return (size_t)(24 + alen + 12);
}

static void put_u32_le(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* The opening budget is chosen at commit time, sizes the commitment, survives
 * save/load, bounds zk_model_reserve_opening, and a .com whose budget or WHIR
 * parameters disagree is refused. */
static void test_commit_budget(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 3);
    uint32_t dims[] = {6, 5, 2};
    zk_op act[] = {ZK_OP_RELU, ZK_OP_IDENTITY};
    dense_spec s;
    spec_random(&s, &r, 2, dims, act, 4000);
    zk_model m;
    build(&m, &s, 12);
    uint64_t n = zk_model_n_params(&m); /* 47 */
    zk_model_private p;
    assert_int_equal(zk_model_commit_budget(&p, &m, 0), ZK_ERR_INPUT);
    assert_int_equal(zk_model_commit_budget(&p, &m, ZK_MODEL_MAX_OPENINGS + 1), ZK_ERR_INPUT);
    const uint32_t N = 5;
    assert_int_equal(zk_model_commit_budget(&p, &m, N), ZK_OK);
    assert_int_equal(p.com.opening_budget, N);
    /* log_len: the least with 2^log_len >= n + 3N + 16; params derive_budget(log_len, N) */
    assert_true(((uint64_t)1 << p.com.log_len) >= n + 3 * N + 16);
    assert_true(((uint64_t)1 << (p.com.log_len - 1)) < n + 3 * N + 16);
    zk_whir_params expect;
    assert_int_equal(zk_whir_params_derive_budget(&expect, p.com.log_len, N), ZK_OK);
    assert_true(zk_whir_params_equal(&expect, &p.com.whir.params));
    assert_true(zk_whir_hiding_opening_budget(&p.com.whir.params) >= N);
    assert_int_equal(zk_model_openings_left(&p), N);
    assert_int_equal(zk_model_reserve_opening(&p), ZK_OK);
    assert_int_equal(zk_model_reserve_opening(&p), ZK_OK);
    /* round trip (.com and .zkm), counter included */
    const char *zkm = tmp_path("b.zkm"), *com = tmp_path("b.com");
    assert_int_equal(zk_model_private_save(zkm, com, &p), ZK_OK);
    zk_model_commitment c;
    assert_int_equal(zk_model_commitment_load(com, &c), ZK_OK);
    assert_int_equal(c.opening_budget, N);
    assert_int_equal(c.log_len, p.com.log_len);
    zk_model_commitment_free(&c);
    zk_model_private q;
    assert_int_equal(zk_model_private_load(zkm, &q), ZK_OK);
    assert_int_equal(q.com.opening_budget, N);
    assert_int_equal(q.openings_used, 2);
    assert_int_equal(zk_model_openings_left(&q), N - 2);
    /* reserve refuses after N */
    for (uint32_t k = 2; k < N; k++)
        assert_int_equal(zk_model_reserve_opening(&q), ZK_OK);
    assert_int_equal(zk_model_openings_left(&q), 0);
    assert_int_equal(zk_model_reserve_opening(&q), ZK_ERR_RANGE);
    assert_int_equal(q.openings_used, N);
    zk_model_private_free(&q);
    /* tampered budget fields */
    uint8_t *data;
    size_t len;
    assert_int_equal(zk_read_file(com, 1 << 30, &data, &len), ZK_OK);
    size_t at = budget_offset(data, len);
    assert_int_equal(data[at] | data[at + 1] << 8 | data[at + 2] << 16 | (uint32_t)data[at + 3] << 24, N);
    const uint32_t bad[] = {0, ZK_MODEL_MAX_OPENINGS + 1, 0xffffffffu, 1000 /* another log_len */};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        put_u32_le(data + at, bad[i]);
        zk_rbuf rb;
        zk_rbuf_init(&rb, data, len);
        assert_int_equal(zk_model_commitment_read(&rb, &c), ZK_ERR_INPUT);
        assert_null(c.arch.tensors);
    }
    /* Every other budget with the same log_len: accepted exactly when its
     * derived WHIR parameters are the recorded ones (then the commitment does
     * allow that many openings: 3N' + 16 blinding entries and a mask for N'). */
    int refused = 0, accepted = 0;
    for (uint32_t b = 1; b <= ZK_MODEL_MAX_OPENINGS; b++) {
        if (b == N || n + 3ull * b + 16 > ((uint64_t)1 << p.com.log_len))
            continue;
        int same_len = n + 3ull * b + 16 > ((uint64_t)1 << (p.com.log_len - 1));
        zk_whir_params e2;
        assert_int_equal(zk_whir_params_derive_budget(&e2, p.com.log_len, b), ZK_OK);
        put_u32_le(data + at, b);
        zk_rbuf rb;
        zk_rbuf_init(&rb, data, len);
        int st = zk_model_commitment_read(&rb, &c);
        if (same_len && zk_whir_params_equal(&e2, &p.com.whir.params)) {
            assert_int_equal(st, ZK_OK);
            assert_int_equal(c.opening_budget, b);
            zk_model_commitment_free(&c);
            accepted++;
        } else {
            assert_int_equal(st, ZK_ERR_INPUT);
            refused++;
        }
    }
    assert_true(refused > 0);
    put_u32_le(data + at, N);
    /* tampered WHIR parameters (total_vars, the second u32 of the parameter set) */
    size_t tv = at + 8;
    data[tv] ^= 1;
    zk_rbuf rb;
    zk_rbuf_init(&rb, data, len);
    assert_int_equal(zk_model_commitment_read(&rb, &c), ZK_ERR_INPUT);
    data[tv] ^= 1;
    /* an old (version 1) file is refused, naming the file and the cause */
    data[8] = 1;
    assert_int_equal(zk_write_file_atomic(com, data, len), ZK_OK);
    assert_int_equal(zk_model_commitment_load(com, &c), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), com));
    assert_non_null(strstr(zk_last_error(), "version 1"));
    assert_null(strchr(zk_last_error(), '\n'));
    free(data);
    printf("# budget %u: 2^%u entries; %d other budgets with the same vector size accepted (same WHIR "
           "parameters), %d refused\n",
           N, p.com.log_len, accepted, refused);
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
        const int64_t *vin = priv ? NULL : in;
        assert_int_equal(zk_infer_verify(&p.com, priv ? NULL : in, out, batch, pf.data, pf.len, &vi), ZK_OK);
        if (priv) /* a proof about a hidden input says nothing about given inputs */
            assert_int_equal(zk_infer_verify(&p.com, in, out, batch, pf.data, pf.len, NULL), ZK_ERR_REJECT);
        assert_int_equal(vi.private_input, priv);
        assert_true(vi.sec.security_bits >= 100.0);
        if (priv)
            assert_memory_equal(vi.input_com_id, info.input_com_id, 32);
        /* Wrong output. */
        int64_t bad[6];
        memcpy(bad, out, sizeof bad);
        bad[4] += 1;
        assert_int_equal(zk_infer_verify(&p.com, vin, bad, batch, pf.data, pf.len, NULL), ZK_ERR_REJECT);
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
        assert_int_equal(zk_infer_verify(&other.com, vin, out, batch, pf.data, pf.len, NULL), ZK_ERR_REJECT);
        /* Wrong batch. */
        assert_int_equal(zk_infer_verify(&p.com, vin, out, 1, pf.data, pf.len, NULL), ZK_ERR_REJECT);
        /* Tampered bytes anywhere: never accepted. */
        for (size_t pos = 16; pos < pf.len; pos += pf.len / 29 + 1) {
            pf.data[pos] ^= 0x10;
            assert_int_not_equal(zk_infer_verify(&p.com, vin, out, batch, pf.data, pf.len, NULL), ZK_OK);
            pf.data[pos] ^= 0x10;
        }
        assert_int_not_equal(zk_infer_verify(&p.com, vin, out, batch, pf.data, pf.len - 1, NULL), ZK_OK);
        assert_int_equal(zk_infer_verify(&p.com, vin, out, batch, pf.data, pf.len, NULL), ZK_OK);
        zk_wbuf_free(&pf);
    }
    /* A different (wrong) witness: prover with tampered weights in the model
     * but the original commitment cannot produce a proof (the link fails). */
    zk_wbuf pf;
    zk_wbuf_init(&pf);
    uint32_t last_bias = p.model.nodes[p.model.n_nodes - 1].in[2];
    p.model.tensors[last_bias].qdata[0] += (int64_t)1 << 16; /* outputs change; the committed weights disagree */
    assert_int_not_equal(zk_infer_prove(&p, in, batch, 0, out, &pf, NULL), ZK_OK);
    p.model.tensors[last_bias].qdata[0] -= (int64_t)1 << 16;
    /* Opening data that no longer matches the commitment: no valid proof. */
    p.wit.evals[0] = gl_add(p.wit.evals[0], 1);
    p.model.tensors[1].qdata[0] += 1;
    zk_wbuf_free(&pf);
    zk_wbuf_init(&pf);
    if (zk_infer_prove(&p, in, batch, 0, out, &pf, NULL) == ZK_OK)
        assert_int_not_equal(zk_infer_verify(&p.com, in, out, batch, pf.data, pf.len, NULL), ZK_OK);
    zk_wbuf_free(&pf);
    zk_model_private_free(&p);
    zk_model_private_free(&other);
    zk_model_free(&m);
    spec_free(&s);
}

/* ---- hand-built graphs exercising every op ---- */
static void gb_init(zk_model *m)
{
    memset(m, 0, sizeof *m);
    m->tensors = calloc(32, sizeof *m->tensors);
    m->nodes = calloc(32, sizeof *m->nodes);
    m->act_bits = 40;
}

static uint32_t gb_tensor(zk_model *m, uint32_t rank, const int64_t *dims, uint32_t scale, const int64_t *q)
{
    uint32_t i = m->n_tensors++;
    assert_true(i < 32);
    zk_tensor *t = &m->tensors[i];
    snprintf(t->name, sizeof t->name, "t%u", i);
    t->rank = rank;
    for (uint32_t d = 0; d < rank; d++)
        t->dims[d] = dims[d];
    t->scale = scale;
    if (q) {
        t->is_param = 1;
        uint64_t n = zk_tensor_numel(t);
        t->qdata = malloc(n * sizeof *t->qdata);
        memcpy(t->qdata, q, n * sizeof *q);
    }
    return i;
}

static void gb_node(zk_model *m, zk_op op, const uint32_t *in, uint32_t n_in, uint32_t out, const int64_t *ints,
                    uint32_t n_ints, float f0)
{
    zk_node *nd = &m->nodes[m->n_nodes];
    snprintf(nd->name, sizeof nd->name, "n%u", m->n_nodes);
    m->n_nodes++;
    nd->op = op;
    nd->n_in = n_in;
    memcpy(nd->in, in, n_in * sizeof *in);
    nd->n_out = 1;
    nd->out[0] = out;
    nd->n_ints = n_ints;
    if (n_ints)
        memcpy(nd->ints, ints, n_ints * sizeof *ints);
    nd->floats[0] = f0;
}

/* The committed vector of a model without committing (for circuit checks). */
static gl_t *param_vector(const zk_model *m, uint32_t *log_len)
{
    uint64_t n = zk_model_n_params(m);
    uint32_t k = 1;
    while (((uint64_t)1 << k) < n + ZK_MODEL_BLIND_FOR(ZK_MODEL_DEFAULT_OPENINGS))
        k++;
    gl_t *v = calloc((size_t)1 << k, sizeof *v);
    uint64_t off = 0;
    for (uint32_t t = 0; t < m->n_tensors; t++)
        if (m->tensors[t].is_param)
            for (uint64_t i = 0; i < zk_tensor_numel(&m->tensors[t]); i++)
                v[off++] = gl_from_i64(m->tensors[t].qdata[i]);
    for (uint64_t i = off; i < ((uint64_t)1 << k); i++)
        v[i] = 12345 + i; /* stand-in blinding */
    *log_len = k;
    return v;
}

/* run_fx equals `expect`, the circuit computes the same and is satisfied,
 * and a verifier-mode build from the architecture has the same R1CS. */
static void graph_check(zk_model *m, const int64_t *in, uint32_t batch, const int64_t *expect)
{
    assert_int_equal(zk_model_validate(m, 1), ZK_OK);
    uint64_t ni = zk_model_input_size(m) * batch, no = zk_model_output_size(m) * batch;
    int64_t *out = malloc(no * sizeof *out);
    assert_int_equal(zk_model_run_fx(m, in, batch, out), ZK_OK);
    for (uint64_t k = 0; k < no; k++)
        if (out[k] != expect[k]) {
            printf("# output %llu: run_fx %lld, reference %lld\n", (unsigned long long)k, (long long)out[k],
                   (long long)expect[k]);
            fail();
        }
    uint32_t log_len;
    gl_t *v = param_vector(m, &log_len);
    zk_model arch;
    assert_int_equal(zk_model_copy(&arch, m, 0), ZK_OK);
    zk_cs *cs = zk_cs_new(1), *vs = zk_cs_new(0);
    uint32_t *iw = malloc(ni * sizeof *iw), *ow = malloc(no * sizeof *ow), *ow2 = malloc(no * sizeof *ow2);
    for (uint64_t k = 0; k < ni; k++) {
        iw[k] = zk_cs_public_i64(cs, in[k]);
        zk_cs_public_i64(vs, in[k]);
    }
    uint32_t seg = zk_cs_segment(cs, v, log_len);
    zk_cs_segment(vs, NULL, log_len);
    assert_int_equal(zk_model_circuit(cs, m, seg, iw, batch, ow), ZK_OK);
    assert_int_equal(zk_model_circuit(vs, &arch, seg, iw, batch, ow2), ZK_OK);
    assert_int_equal(zk_cs_check(cs), ZK_OK);
    for (uint64_t k = 0; k < no; k++)
        assert_int_equal(zk_cs_value_i64(cs, ow[k]), out[k]);
    assert_memory_equal(zk_cs_r1cs(cs)->digest.h, zk_cs_r1cs(vs)->digest.h, 32);
    uint32_t n_plain = zk_cs_n_constraints(cs);
    zk_cs_free(cs);
    zk_cs_free(vs);
    /* Public-input variant: same outputs, never more constraints. */
    cs = zk_cs_new(1);
    vs = zk_cs_new(0);
    for (uint64_t k = 0; k < ni; k++) {
        iw[k] = zk_cs_public_i64(cs, in[k]);
        zk_cs_public_i64(vs, in[k]);
    }
    seg = zk_cs_segment(cs, v, log_len);
    zk_cs_segment(vs, NULL, log_len);
    assert_int_equal(zk_model_circuit_public_input(cs, m, seg, iw, in, batch, ow), ZK_OK);
    assert_int_equal(zk_model_circuit_public_input(vs, &arch, seg, iw, in, batch, ow2), ZK_OK);
    assert_int_equal(zk_cs_check(cs), ZK_OK);
    for (uint64_t k = 0; k < no; k++)
        assert_int_equal(zk_cs_value_i64(cs, ow[k]), out[k]);
    assert_memory_equal(zk_cs_r1cs(cs)->digest.h, zk_cs_r1cs(vs)->digest.h, 32);
    assert_true(zk_cs_n_constraints(cs) <= n_plain);
    zk_cs_free(cs);
    zk_cs_free(vs);
    zk_model_free(&arch);
    free(v);
    free(iw);
    free(ow);
    free(ow2);
    free(out);
}

static int64_t floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}


/* Mutated architecture encodings: parse errors or, when they parse, circuit
 * builds (verifier mode) that succeed or fail cleanly — never a crash or an
 * out-of-bounds access (run under ASan in CI). */
static void mutate_check(const zk_model *m, uint64_t seed)
{
    test_rng r;
    test_rng_seed(&r, seed);
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_model_arch_write(&w, m);
    uint8_t *buf = malloc(w.len);
    int parsed = 0, built = 0;
    for (int it = 0; it < 300; it++) {
        memcpy(buf, w.data, w.len);
        int nflip = 1 + (int)(test_rng_u64(&r) % 3);
        for (int f = 0; f < nflip; f++) {
            size_t pos = (size_t)(test_rng_u64(&r) % w.len);
            uint64_t kind = test_rng_u64(&r) % 3;
            buf[pos] = kind == 0 ? (uint8_t)(buf[pos] ^ (1u << (test_rng_u64(&r) % 8)))
                       : kind == 1 ? (uint8_t)(buf[pos] + 1)
                                   : (uint8_t)test_rng_u64(&r);
        }
        zk_rbuf rb;
        zk_rbuf_init(&rb, buf, w.len);
        zk_model a;
        if (zk_model_arch_read(&rb, &a) != ZK_OK)
            continue;
        parsed++;
        uint64_t work = 0;
        for (uint32_t t = 0; t < a.n_tensors; t++)
            work += zk_tensor_example_size(&a.tensors[t]);
        uint64_t ni = zk_model_input_size(&a) * 2, no = zk_model_output_size(&a) * 2, np = zk_model_n_params(&a);
        if (work <= 16384 && np <= 65536 && ni <= 4096 && no <= 65536) {
            zk_cs *cs = zk_cs_new(0);
            uint32_t *iw = malloc(ni * sizeof *iw), *ow = malloc(no * sizeof *ow);
            for (uint64_t k = 0; k < ni; k++)
                iw[k] = zk_cs_public_i64(cs, 0);
            uint32_t lg = 1;
            while (((uint64_t)1 << lg) < np + ZK_MODEL_BLIND_FOR(ZK_MODEL_DEFAULT_OPENINGS))
                lg++;
            uint32_t seg = zk_cs_segment(cs, NULL, lg);
            int st = zk_model_circuit(cs, &a, seg, iw, 2, ow);
            built += st == ZK_OK;
            free(iw);
            free(ow);
            zk_cs_free(cs);
        }
        zk_model_free(&a);
    }
    printf("# mutations: %d of 300 parsed, %d built a circuit\n", parsed, built);
    free(buf);
    zk_wbuf_free(&w);
}

static void test_op_conv(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 10);
    for (int variant = 0; variant < 2; variant++) {
        /* variant 0: C=2 -> M=3, 3x3, stride 2, pad 1, bias; variant 1: C=4 -> M=2, group 2, 2x2, dilation 2. */
        const int64_t C = variant ? 4 : 2, M = variant ? 2 : 3, K = variant ? 2 : 3, S = variant ? 1 : 2,
                      P = variant ? 0 : 1, D = variant ? 2 : 1, G = variant ? 2 : 1, H = 5, W = 5, B = 2;
        const int64_t OH = (H + 2 * P - D * (K - 1) - 1) / S + 1, OW = OH, Cg = C / G;
        const unsigned s = 8;
        int64_t w[64], bias[3], x[2 * 4 * 25];
        for (int i = 0; i < M * Cg * K * K; i++)
            w[i] = rnd_range(&r, -300, 300);
        for (int i = 0; i < M; i++)
            bias[i] = rnd_range(&r, -500, 500);
        for (int i = 0; i < B * C * H * W; i++)
            x[i] = rnd_range(&r, -1000, 1000);
        zk_model m;
        gb_init(&m);
        int64_t xd[] = {1, C, H, W}, wd[] = {M, Cg, K, K}, bd[] = {M}, yd[] = {1, M, OH, OW};
        uint32_t tx = gb_tensor(&m, 4, xd, s, NULL), tw = gb_tensor(&m, 4, wd, s, w), tb = gb_tensor(&m, 1, bd, s, bias),
                 ty = gb_tensor(&m, 4, yd, s, NULL);
        int64_t ints[] = {S, S, P, P, P, P, D, D, G};
        uint32_t in3[] = {tx, tw, tb};
        gb_node(&m, ZK_OP_CONV, in3, variant ? 2 : 3, ty, ints, 9, 0);
        m.input = tx;
        m.output = ty;
        int64_t expect[2 * 3 * 9];
        for (int64_t b = 0; b < B; b++)
            for (int64_t mo = 0; mo < M; mo++)
                for (int64_t oh = 0; oh < OH; oh++)
                    for (int64_t ow = 0; ow < OW; ow++) {
                        int64_t acc = variant ? 0 : bias[mo] * (1 << s), g = mo / (M / G);
                        for (int64_t c = 0; c < Cg; c++)
                            for (int64_t a = 0; a < K; a++)
                                for (int64_t q = 0; q < K; q++) {
                                    int64_t ih = oh * S - P + a * D, iw = ow * S - P + q * D;
                                    if (ih >= 0 && ih < H && iw >= 0 && iw < W)
                                        acc += w[((mo * Cg + c) * K + a) * K + q] *
                                               x[((b * C + g * Cg + c) * H + ih) * W + iw];
                                }
                        expect[((b * M + mo) * OH + oh) * OW + ow] = ref_rescale(acc, s);
                    }
        graph_check(&m, x, (uint32_t)B, expect);
        mutate_check(&m, test_seed() + 100 + (uint64_t)variant);
        zk_model_free(&m);
    }
}

static void test_op_pools(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 11);
    const int64_t C = 2, H = 5, W = 4;
    int64_t x[2 * 5 * 4];
    for (int i = 0; i < C * H * W; i++)
        x[i] = rnd_range(&r, -5000, 5000);
    for (int kind = 0; kind < 3; kind++) {
        /* 0: MaxPool k3 s2 pad 1; 1: AvgPool k2 s1 pad 1 (count excludes pad); 2: AvgPool same, include pad. */
        const int64_t k = kind == 0 ? 3 : 2, st = kind == 0 ? 2 : 1, p = 1;
        const int64_t OH = (H + 2 * p - k) / st + 1, OW = (W + 2 * p - k) / st + 1;
        zk_model m;
        gb_init(&m);
        int64_t xd[] = {1, C, H, W}, yd[] = {1, C, OH, OW};
        uint32_t tx = gb_tensor(&m, 4, xd, 8, NULL), ty = gb_tensor(&m, 4, yd, 8, NULL);
        int64_t ints[] = {k, k, st, st, p, p, p, p, kind == 2};
        gb_node(&m, kind == 0 ? ZK_OP_MAXPOOL : ZK_OP_AVGPOOL, &tx, 1, ty, ints, 9, 0);
        m.input = tx;
        m.output = ty;
        int64_t expect[64];
        for (int64_t c = 0; c < C; c++)
            for (int64_t oh = 0; oh < OH; oh++)
                for (int64_t ow = 0; ow < OW; ow++) {
                    int64_t best = INT64_MIN, sum = 0, cnt = 0;
                    for (int64_t a = 0; a < k; a++)
                        for (int64_t b = 0; b < k; b++) {
                            int64_t ih = oh * st - p + a, iw = ow * st - p + b;
                            if (ih < 0 || ih >= H || iw < 0 || iw >= W)
                                continue;
                            int64_t v = x[(c * H + ih) * W + iw];
                            best = v > best ? v : best;
                            sum += v;
                            cnt++;
                        }
                    expect[(c * OH + oh) * OW + ow] = kind == 0 ? best : floordiv(sum, kind == 2 ? k * k : cnt);
                }
        graph_check(&m, x, 1, expect);
        mutate_check(&m, test_seed() + 110 + (uint64_t)kind);
        zk_model_free(&m);
    }
    /* GlobalAveragePool. */
    zk_model m;
    gb_init(&m);
    int64_t xd[] = {1, C, H, W}, yd[] = {1, C, 1, 1};
    uint32_t tx = gb_tensor(&m, 4, xd, 8, NULL), ty = gb_tensor(&m, 4, yd, 8, NULL);
    gb_node(&m, ZK_OP_GLOBAL_AVGPOOL, &tx, 1, ty, NULL, 0, 0);
    m.input = tx;
    m.output = ty;
    int64_t expect[2];
    for (int64_t c = 0; c < C; c++) {
        int64_t sum = 0;
        for (int64_t i = 0; i < H * W; i++)
            sum += x[c * H * W + i];
        expect[c] = floordiv(sum, H * W);
    }
    graph_check(&m, x, 1, expect);
    zk_model_free(&m);
}

/* Elementwise, broadcasting and wire-permutation ops in one graph:
 * X [b,2,3] (scale 8) ->
 *   A = X + P (P [3] at scale 6, broadcast)        B = Relu(X) - X
 *   Cm = X * Q (Q [2,3] at scale 8, rescaled)      S = Sigmoid(X)   T = Tanh(X)   L = LeakyRelu(X, 0.125)
 *   Y = Concat(A, B, Cm, S, T, L) on axis 1 -> [b,12,3], Transpose -> [b,3,12], Pad -> [b,3,13]
 *   (one column of 0.5 in front), Flatten -> [b,39]. */
static void test_op_elementwise(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 12);
    const unsigned s = 8;
    const uint32_t batch = 2;
    int64_t P[3], Q[6], x[2 * 6];
    for (int i = 0; i < 3; i++)
        P[i] = rnd_range(&r, -200, 200);
    for (int i = 0; i < 6; i++)
        Q[i] = rnd_range(&r, -600, 600);
    for (uint32_t i = 0; i < batch * 6; i++)
        x[i] = rnd_range(&r, -1500, 1500);
    zk_model m;
    gb_init(&m);
    int64_t d23[] = {1, 2, 3}, d3[] = {3}, dq[] = {2, 3}, dcat[] = {1, 12, 3}, dtr[] = {1, 3, 12}, dpad[] = {1, 3, 13},
            dfl[] = {1, 39};
    uint32_t tx = gb_tensor(&m, 3, d23, s, NULL), tp = gb_tensor(&m, 1, d3, 6, P), tq = gb_tensor(&m, 2, dq, s, Q);
    uint32_t ta = gb_tensor(&m, 3, d23, s, NULL), tr = gb_tensor(&m, 3, d23, s, NULL), tb = gb_tensor(&m, 3, d23, s, NULL),
             tc = gb_tensor(&m, 3, d23, s, NULL), ts = gb_tensor(&m, 3, d23, s, NULL), tt = gb_tensor(&m, 3, d23, s, NULL),
             tl = gb_tensor(&m, 3, d23, s, NULL), tcat = gb_tensor(&m, 3, dcat, s, NULL),
             ttr = gb_tensor(&m, 3, dtr, s, NULL), tpad = gb_tensor(&m, 3, dpad, s, NULL),
             tfl = gb_tensor(&m, 2, dfl, s, NULL);
    uint32_t i2[6];
    i2[0] = tx, i2[1] = tp;
    gb_node(&m, ZK_OP_ADD, i2, 2, ta, NULL, 0, 0);
    gb_node(&m, ZK_OP_RELU, &tx, 1, tr, NULL, 0, 0);
    i2[0] = tr, i2[1] = tx;
    gb_node(&m, ZK_OP_SUB, i2, 2, tb, NULL, 0, 0);
    i2[0] = tx, i2[1] = tq;
    gb_node(&m, ZK_OP_MUL, i2, 2, tc, NULL, 0, 0);
    gb_node(&m, ZK_OP_SIGMOID, &tx, 1, ts, NULL, 0, 0);
    gb_node(&m, ZK_OP_TANH, &tx, 1, tt, NULL, 0, 0);
    gb_node(&m, ZK_OP_LEAKY_RELU, &tx, 1, tl, NULL, 0, 0.125f);
    uint32_t cat[] = {ta, tb, tc, ts, tt, tl};
    int64_t axis = 1;
    gb_node(&m, ZK_OP_CONCAT, cat, 6, tcat, &axis, 1, 0);
    int64_t perm[] = {0, 2, 1};
    gb_node(&m, ZK_OP_TRANSPOSE, &tcat, 1, ttr, perm, 3, 0);
    int64_t pads[] = {0, 0, 1, 0, 0, 0};
    gb_node(&m, ZK_OP_PAD, &ttr, 1, tpad, pads, 6, 0.5f);
    gb_node(&m, ZK_OP_FLATTEN, &tpad, 1, tfl, NULL, 0, 0);
    m.input = tx;
    m.output = tfl;
    int64_t expect[2 * 39];
    for (uint32_t b = 0; b < batch; b++) {
        int64_t cat6[12][3];
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++) {
                int64_t v = x[b * 6 + i * 3 + j];
                cat6[0 + i][j] = v + P[j] * 4;
                cat6[2 + i][j] = (v > 0 ? v : 0) - v;
                cat6[4 + i][j] = ref_rescale(v * Q[i * 3 + j], s);
                cat6[6 + i][j] = ref_sigmoid(v, s);
                cat6[8 + i][j] = 2 * ref_sigmoid(2 * v, s) - (1 << s);
                cat6[10 + i][j] = v >= 0 ? v : ref_rescale(v * 8192, 16); /* 0.125 * 2^16 */
            }
        for (int j = 0; j < 3; j++) {
            expect[b * 39 + j * 13] = 128; /* 0.5 at scale 8 */
            for (int c = 0; c < 12; c++)
                expect[b * 39 + j * 13 + 1 + c] = cat6[c][j];
        }
    }
    graph_check(&m, x, batch, expect);
    mutate_check(&m, test_seed() + 120);
    zk_model_free(&m);
}

/* MatMul, folded BatchNorm, Identity/Reshape, Constant, Softmax (one-hot
 * argmax) and ArgMax. */
static void test_op_misc(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 13);
    const unsigned s = 10;
    const uint32_t batch = 3;
    int64_t Wm[3 * 4], G[2], Bo[2], x[3 * 6];
    for (int i = 0; i < 12; i++)
        Wm[i] = rnd_range(&r, -1500, 1500);
    for (int i = 0; i < 2; i++) {
        G[i] = rnd_range(&r, -2000, 2000);
        Bo[i] = rnd_range(&r, -2000, 2000);
    }
    for (uint32_t i = 0; i < batch * 6; i++)
        x[i] = rnd_range(&r, -3000, 3000);
    for (int final = 0; final < 2; final++) {
        zk_model m;
        gb_init(&m);
        int64_t dx[] = {1, 2, 3}, dw[] = {3, 4}, dc[] = {2}, dy[] = {1, 2, 4}, dr[] = {1, 8}, da[] = {1, 1};
        uint32_t tx = gb_tensor(&m, 3, dx, s, NULL), tw = gb_tensor(&m, 2, dw, s, Wm), tg = gb_tensor(&m, 1, dc, s, G),
                 tbo = gb_tensor(&m, 1, dc, s, Bo), tmm = gb_tensor(&m, 3, dy, s, NULL), tbn = gb_tensor(&m, 3, dy, s, NULL),
                 tid = gb_tensor(&m, 3, dy, s, NULL), trs = gb_tensor(&m, 2, dr, s, NULL),
                 tout = final ? gb_tensor(&m, 2, da, 0, NULL) : gb_tensor(&m, 2, dr, s, NULL);
        uint32_t in2[3] = {tx, tw};
        gb_node(&m, ZK_OP_MATMUL, in2, 2, tmm, NULL, 0, 0);
        uint32_t in3[3] = {tmm, tg, tbo};
        gb_node(&m, ZK_OP_BATCHNORM, in3, 3, tbn, NULL, 0, 0);
        gb_node(&m, ZK_OP_IDENTITY, &tbn, 1, tid, NULL, 0, 0);
        gb_node(&m, ZK_OP_RESHAPE, &tid, 1, trs, NULL, 0, 0);
        int64_t ax = -1;
        gb_node(&m, final ? ZK_OP_ARGMAX : ZK_OP_SOFTMAX, &trs, 1, tout, &ax, 1, 0);
        m.input = tx;
        m.output = tout;
        int64_t expect[3 * 8];
        for (uint32_t b = 0; b < batch; b++) {
            int64_t v[8];
            for (int i = 0; i < 2; i++)
                for (int n = 0; n < 4; n++) {
                    int64_t acc = 0;
                    for (int k = 0; k < 3; k++)
                        acc += x[b * 6 + i * 3 + k] * Wm[k * 4 + n];
                    int64_t mm = ref_rescale(acc, s);
                    v[i * 4 + n] = ref_rescale(mm * G[i] + (Bo[i] * (1 << s)), s);
                }
            int best = 0;
            for (int k = 1; k < 8; k++)
                if (v[k] > v[best])
                    best = k;
            if (final)
                expect[b] = best;
            else
                for (int k = 0; k < 8; k++)
                    expect[b * 8 + k] = k == best ? (1 << s) : 0;
        }
        graph_check(&m, x, batch, expect);
        mutate_check(&m, test_seed() + 130 + (uint64_t)final);
        zk_model_free(&m);
    }
    /* Constant: output = the parameter values at the output scale (here 2^2 finer). */
    zk_model m;
    gb_init(&m);
    int64_t d1[] = {1, 3}, dc[] = {3}, cv[] = {5, -7, 9};
    uint32_t tx = gb_tensor(&m, 2, d1, 4, NULL), tc = gb_tensor(&m, 1, dc, 4, cv), ty = gb_tensor(&m, 2, d1, 6, NULL),
             tz = gb_tensor(&m, 2, d1, 6, NULL);
    gb_node(&m, ZK_OP_CONSTANT, &tc, 1, ty, NULL, 0, 0);
    uint32_t in2[] = {tx, ty};
    gb_node(&m, ZK_OP_ADD, in2, 2, tz, NULL, 0, 0);
    m.input = tx;
    m.output = tz;
    int64_t xin[2 * 3] = {1, 2, 3, -4, -5, -6}, expect[6];
    for (int b = 0; b < 2; b++)
        for (int j = 0; j < 3; j++)
            expect[b * 3 + j] = xin[b * 3 + j] * 4 + cv[j] * 4;
    graph_check(&m, xin, 2, expect);
    zk_model_free(&m);
}

/* Unsupported shapes and hostile attributes: errors naming the node, never crashes. */
static void test_op_errors(void **state)
{
    (void)state;
    zk_model m;
    gb_init(&m);
    int64_t dx[] = {1, 4}, dy[] = {1, 5}, dw[] = {5, 3};
    int64_t w[15] = {0};
    uint32_t tx = gb_tensor(&m, 2, dx, 8, NULL), tw = gb_tensor(&m, 2, dw, 8, w), ty = gb_tensor(&m, 2, dy, 8, NULL);
    int64_t ints[] = {0, 1};
    uint32_t in2[] = {tx, tw};
    gb_node(&m, ZK_OP_GEMM, in2, 2, ty, ints, 2, 0);
    m.input = tx;
    m.output = ty;
    int64_t x[4] = {1, 2, 3, 4}, out[5];
    assert_int_equal(zk_model_run_fx(&m, x, 1, out), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "node 'n0' (Gemm)"));
    zk_cs *cs = zk_cs_new(0);
    uint32_t iw[4], ow[5];
    for (int i = 0; i < 4; i++)
        iw[i] = zk_cs_public_i64(cs, 0);
    uint32_t seg = zk_cs_segment(cs, NULL, 5);
    assert_int_equal(zk_model_circuit(cs, &m, seg, iw, 1, ow), ZK_ERR_INPUT);
    zk_cs_free(cs);
    /* Softmax that is not the final node. */
    m.nodes[0].op = ZK_OP_SOFTMAX;
    m.nodes[0].n_ints = 0;
    m.tensors[ty].dims[1] = 4;
    assert_int_equal(zk_model_run_fx(&m, x, 1, out), ZK_OK); /* final: fine */
    assert_int_equal(out[3], 1 << 8);                        /* one-hot of the largest input */
    assert_int_equal(out[0] + out[1] + out[2], 0);
    m.nodes[0].ints[0] = 0;
    m.nodes[0].n_ints = 1;
    assert_int_equal(zk_model_run_fx(&m, x, 1, out), ZK_ERR_INPUT); /* batch axis */
    zk_model_free(&m);
    /* Hostile conv attributes. */
    gb_init(&m);
    int64_t cx[] = {1, 1, 3, 3}, cw[] = {1, 1, 2, 2}, cy[] = {1, 1, 2, 2}, wv[4] = {1, 2, 3, 4};
    tx = gb_tensor(&m, 4, cx, 8, NULL);
    tw = gb_tensor(&m, 4, cw, 8, wv);
    ty = gb_tensor(&m, 4, cy, 8, NULL);
    int64_t bad[][9] = {{0, 1, 0, 0, 0, 0, 1, 1, 1},
                        {1, 1, -1, 0, 0, 0, 1, 1, 1},
                        {1, 1, 0, 0, 0, 0, 1, 1, 0},
                        {1, 1, 0, 0, 0, 0, INT64_MAX, 1, 1},
                        {1, 1, 5000, 0, 0, 0, 1, 1, 1}};
    in2[0] = tx;
    in2[1] = tw;
    gb_node(&m, ZK_OP_CONV, in2, 2, ty, bad[0], 9, 0);
    m.input = tx;
    m.output = ty;
    int64_t xi[9] = {0};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        memcpy(m.nodes[0].ints, bad[k], sizeof bad[k]);
        assert_int_equal(zk_model_run_fx(&m, xi, 1, out), ZK_ERR_INPUT);
    }
    zk_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dense_structure),
        cmocka_unit_test(test_dense_run_fx),
        cmocka_unit_test(test_run_fx_range),
        cmocka_unit_test(test_commit_files),
        cmocka_unit_test(test_commit_budget),
        cmocka_unit_test(test_dense_circuit),
        cmocka_unit_test(test_op_conv),
        cmocka_unit_test(test_op_pools),
        cmocka_unit_test(test_op_elementwise),
        cmocka_unit_test(test_op_misc),
        cmocka_unit_test(test_op_errors),
        cmocka_unit_test(test_infer_prove_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
