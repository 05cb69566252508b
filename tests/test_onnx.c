/* ONNX import, float interpreter, quantization and proved inference on the
 * real-model fixtures (tests/fixtures/onnx, made by tools/train_models.py):
 * the float interpreter against PyTorch / scikit-learn outputs, the
 * fixed-point model against the float model (agreement rates printed), a
 * proved batch against the float predictions, hostile files refused. */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "testutil.h"
#include "zkmlops/buf.h"
#include "zkmlops/infer.h"
#include "zkmlops/model.h"
#include "zkmlops/onnx.h"

static char *fx_path(const char *name, const char *suffix)
{
    static char buf[4][512];
    static int k;
    const char *root = getenv("ZKM_SRC");
    char *b = buf[k++ & 3];
    snprintf(b, 512, "%s/tests/fixtures/onnx/%s%s", root && root[0] ? root : ".", name, suffix);
    return b;
}

/* expected.json "output_data" rows -> flat floats */
static float *load_expected(const char *name, uint64_t *n)
{
    uint8_t *txt;
    size_t len;
    assert_int_equal(zk_read_file(fx_path(name, ".expected.json"), (size_t)1 << 26, &txt, &len), ZK_OK);
    cJSON *root = cJSON_ParseWithLength((const char *)txt, len);
    free(txt);
    assert_non_null(root);
    const cJSON *rows = cJSON_GetObjectItem(root, "output_data"), *r, *v;
    uint64_t cnt = 0;
    cJSON_ArrayForEach(r, rows) cJSON_ArrayForEach(v, r) cnt++;
    float *out = malloc(cnt * sizeof *out);
    assert_non_null(out);
    cnt = 0;
    cJSON_ArrayForEach(r, rows) cJSON_ArrayForEach(v, r) out[cnt++] = (float)v->valuedouble;
    cJSON_Delete(root);
    *n = cnt;
    return out;
}

static uint64_t argmax(const float *v, uint64_t n)
{
    uint64_t b = 0;
    for (uint64_t i = 1; i < n; i++)
        if (v[i] > v[b])
            b = i;
    return b;
}

static const char *const trained[] = {"bc_logreg", "bc_mlp", "digits_mlp", "digits_cnn"};
static const char *const all_models[] = {"bc_logreg", "bc_mlp", "digits_mlp", "digits_cnn", "ops_a", "ops_b", "view_cnn"};

/* Float interpreter = PyTorch / scikit-learn outputs (float32) on every test example. */
static void test_float_matches_reference(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof all_models / sizeof all_models[0]; k++) {
        const char *name = all_models[k];
        zk_model m;
        assert_int_equal(zk_onnx_load(&m, fx_path(name, ".onnx"), NULL), ZK_OK);
        float *x;
        uint32_t n;
        assert_int_equal(zk_model_input_json_load(fx_path(name, ".test.json"), zk_model_input_size(&m), &x, &n), ZK_OK);
        uint64_t ne, osz = zk_model_output_size(&m);
        float *exp = load_expected(name, &ne);
        assert_int_equal(ne, (uint64_t)n * osz);
        float *y = malloc(ne * sizeof *y);
        assert_int_equal(zk_model_run_float(&m, x, n, y, NULL), ZK_OK);
        double mx = 0;
        for (uint64_t i = 0; i < ne; i++)
            mx = fmax(mx, fabs((double)y[i] - exp[i]) / (1.0 + fabs(exp[i])));
        printf("  %-10s float interpreter vs reference: %u examples, max rel. error %.2e\n", name, n, mx);
        assert_true(mx < 1e-4);
        free(x);
        free(y);
        free(exp);
        zk_model_free(&m);
    }
}

/* Quantized (zk_model_run_fx) vs float predictions on the held-out test set. */
static void test_quantized_agreement(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof trained / sizeof trained[0]; k++) {
        const char *name = trained[k];
        zk_model m;
        assert_int_equal(zk_onnx_load(&m, fx_path(name, ".onnx"), NULL), ZK_OK);
        float *cal, *x;
        uint32_t nc, n;
        uint64_t isz = zk_model_input_size(&m);
        assert_int_equal(zk_model_input_json_load(fx_path(name, ".calib.json"), isz, &cal, &nc), ZK_OK);
        assert_int_equal(zk_model_input_json_load(fx_path(name, ".test.json"), isz, &x, &n), ZK_OK);
        zk_quant_report rc, rt;
        assert_int_equal(zk_model_quantize(&m, NULL, cal, nc, &rc), ZK_OK);
        assert_true(rc.fx_ok);
        assert_int_equal(zk_model_compare(&m, x, n, &rt, NULL, NULL), ZK_OK);
        assert_true(rt.fx_ok);
        double rate = (double)rt.argmax_agree / n;
        printf("  %-10s scale 2^%u: fixed point vs float on %u test examples: agree %u (%.2f%%), max |err| %.4g, "
               "mean |err| %.3g\n",
               name, rc.act_scale, n, rt.argmax_agree, 100 * rate, rt.max_abs_err, rt.mean_abs_err);
        assert_true(rate >= 0.97);
        /* errors relative to the output magnitude stay small (the PLAN sigmoid alone is off by up to 0.019) */
        assert_true(rt.max_abs_err <= 0.02 * (1 + rt.max_abs_out));
        assert_int_equal(zk_model_validate(&m, 1), ZK_OK);
        /* scale rules (docs/onnx.md): Gemm/Conv weights use their 16 bits (largest scale
         * <= 16 with |q| < 2^15), biases sit at the accumulator scale of their node */
        for (uint32_t j = 0; j < m.n_nodes; j++) {
            const zk_node *nd = &m.nodes[j];
            if (nd->op != ZK_OP_GEMM && nd->op != ZK_OP_CONV)
                continue;
            const zk_tensor *W = &m.tensors[nd->in[1]];
            int64_t mq = 0;
            for (uint64_t i = 0; i < zk_tensor_numel(W); i++)
                mq = llabs(W->qdata[i]) > mq ? llabs(W->qdata[i]) : mq;
            assert_true(mq < (1 << 15));
            assert_true(W->scale == 16 || mq >= (1 << 14) - 1);
            if (nd->n_in > 2)
                assert_int_equal(m.tensors[nd->in[2]].scale, m.tensors[nd->in[0]].scale + W->scale);
        }
        free(cal);
        free(x);
        zk_model_free(&m);
    }
}

/* The operator fixtures: fixed point vs the PyTorch reference. */
static void test_ops_fixed_point(void **state)
{
    (void)state;
    static const char *const names[] = {"ops_a", "ops_b", "view_cnn"};
    for (int k = 0; k < 3; k++) {
        const char *name = names[k];
        zk_model m;
        assert_int_equal(zk_onnx_load(&m, fx_path(name, ".onnx"), NULL), ZK_OK);
        float *x;
        uint32_t n;
        assert_int_equal(zk_model_input_json_load(fx_path(name, ".test.json"), zk_model_input_size(&m), &x, &n), ZK_OK);
        uint64_t ne, osz = zk_model_output_size(&m);
        float *exp = load_expected(name, &ne);
        zk_quant_report r;
        assert_int_equal(zk_model_quantize(&m, NULL, x, n, &r), ZK_OK);
        float *q = malloc(ne * sizeof *q);
        assert_int_equal(zk_model_compare(&m, x, n, &r, NULL, q), ZK_OK);
        if (!r.fx_ok)
            printf("  %s: %s\n", name, r.fx_error);
        assert_true(r.fx_ok);
        if (k == 0) { /* final Softmax: proved as the one-hot argmax */
            uint32_t agree = 0;
            for (uint32_t e = 0; e < n; e++)
                agree += argmax(q + e * osz, osz) == argmax(exp + e * osz, osz);
            printf("  ops_a (BN, Conv, BN folded, LeakyRelu, MaxPool, Pad, AveragePool, Transpose, Reshape, MatMul, "
                   "Tanh, Sigmoid, Concat, Sub, Gemm, Softmax): argmax agrees on %u/%u\n", agree, n);
            assert_true(agree >= n - 1);
        } else {
            double mx = 0, my = 0;
            for (uint64_t i = 0; i < ne; i++) {
                mx = fmax(mx, fabs((double)q[i] - exp[i]));
                my = fmax(my, fabs(exp[i]));
            }
            printf("  %s: max |err| %.4g (max |y| %.3g)\n",
                   k == 1 ? "ops_b (grouped dilated Conv, ceil MaxPool, GlobalAveragePool, Flatten, Identity, Add, Mul, "
                            "Relu)"
                          : "view_cnn (Shape, Gather, Unsqueeze, Concat, Reshape, Squeeze)",
                   mx, my);
            assert_true(mx <= 0.01 * (1 + my));
        }
        free(x);
        free(q);
        free(exp);
        zk_model_free(&m);
    }
}

/* BatchNormalization after Conv is folded; on the graph input it stays a node. */
static void test_batchnorm_folding(void **state)
{
    (void)state;
    zk_model m;
    assert_int_equal(zk_onnx_load(&m, fx_path("ops_a", ".onnx"), NULL), ZK_OK);
    int bn = 0, conv = 0;
    for (uint32_t k = 0; k < m.n_nodes; k++) {
        bn += m.nodes[k].op == ZK_OP_BATCHNORM;
        conv += m.nodes[k].op == ZK_OP_CONV;
    }
    assert_int_equal(bn, 1);
    assert_int_equal(conv, 1);
    assert_int_equal(m.n_nodes, 15); /* 16 ONNX nodes, one BatchNormalization folded */
    /* symbolic batch: --batch */
    zk_onnx_options o = {0};
    o.batch = 5;
    zk_model m5;
    assert_int_equal(zk_onnx_load(&m5, fx_path("ops_a", ".onnx"), &o), ZK_OK);
    assert_int_equal(m5.tensors[m5.input].dims[0], 5);
    zk_model_free(&m5);
    zk_model_free(&m);
}

/* A proved batch: outputs equal the fixed-point reference, agree with the float
 * predictions, and verify; a changed output is rejected. */
static void test_proved_batch(void **state)
{
    (void)state;
    const char *name = "bc_mlp";
    const uint32_t B = 8;
    zk_model m;
    assert_int_equal(zk_onnx_load(&m, fx_path(name, ".onnx"), NULL), ZK_OK);
    float *cal, *x;
    uint32_t nc, n;
    uint64_t isz = zk_model_input_size(&m), osz = zk_model_output_size(&m);
    assert_int_equal(zk_model_input_json_load(fx_path(name, ".calib.json"), isz, &cal, &nc), ZK_OK);
    assert_int_equal(zk_model_input_json_load(fx_path(name, ".test.json"), isz, &x, &n), ZK_OK);
    uint64_t ne;
    float *exp = load_expected(name, &ne);
    assert_int_equal(zk_model_quantize(&m, NULL, cal, nc, NULL), ZK_OK);
    zk_model_private p;
    assert_int_equal(zk_model_commit(&p, &m), ZK_OK);
    int64_t *qin = malloc(B * isz * sizeof *qin), *qout = malloc(B * osz * sizeof *qout),
            *ref = malloc(B * osz * sizeof *ref);
    uint32_t s_in = m.tensors[m.input].scale, s_out = m.tensors[m.output].scale;
    for (uint64_t i = 0; i < B * isz; i++)
        qin[i] = llround(ldexp(x[i], (int)s_in));
    assert_int_equal(zk_model_run_fx(&m, qin, B, ref), ZK_OK);
    zk_wbuf proof;
    zk_wbuf_init(&proof);
    zk_infer_info info;
    assert_int_equal(zk_infer_prove(&p, qin, B, 0, qout, &proof, &info), ZK_OK);
    assert_memory_equal(qout, ref, B * osz * sizeof *qout);
    uint32_t agree = 0;
    for (uint32_t e = 0; e < B; e++) {
        float y[16];
        for (uint64_t j = 0; j < osz; j++)
            y[j] = (float)ldexp((double)qout[e * osz + j], -(int)s_out);
        agree += argmax(y, osz) == argmax(exp + e * osz, osz);
    }
    printf("  %s: proved batch of %u (%u constraints, %zu proof bytes): predictions agree with float on %u/%u\n",
           name, B, info.constraints, proof.len, agree, B);
    assert_int_equal(agree, B);
    assert_int_equal(zk_infer_verify(&p.com, qin, qout, B, proof.data, proof.len, NULL), ZK_OK);
    qout[3] += 1;
    assert_int_equal(zk_infer_verify(&p.com, qin, qout, B, proof.data, proof.len, NULL), ZK_ERR_REJECT);
    zk_wbuf_free(&proof);
    zk_model_private_free(&p);
    free(qin);
    free(qout);
    free(ref);
    free(cal);
    free(x);
    free(exp);
    zk_model_free(&m);
}

/* Hostile / unsupported models: refused with the expected message. */
static void test_hostile_models(void **state)
{
    (void)state;
    static const struct {
        const char *file, *want;
    } cases[] = {
        {"bad/unsupported_op", "node 'cosine' (Cos, opset 13): operator Cos is not supported"},
        {"bad/two_inputs", "more than one input"},
        {"bad/symbolic_dim", "dimension 1 is symbolic"},
        {"bad/huge_initializer", "limit model_params"},
        {"bad/short_raw_data", "the shape needs 16"},
        {"bad/missing_input", "input 'nowhere' is not produced"},
        {"bad/ml_domain", "domain 'ai.onnx.ml' is not supported"},
        {"bad/string_initializer", "element type STRING"},
        {"bad/bad_reshape", "element count changes"},
        {"bad/not_protobuf", "not a valid ONNX model"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        zk_model m;
        int st = zk_onnx_load(&m, fx_path(cases[k].file, ".onnx"), NULL);
        if (st == ZK_OK || !strstr(zk_last_error(), cases[k].want))
            printf("  %s: status %d, message: %s\n", cases[k].file, st, zk_last_error());
        assert_true(st == ZK_ERR_INPUT || st == ZK_ERR_NOMEM);
        assert_non_null(strstr(zk_last_error(), cases[k].want));
        assert_null(m.tensors);
    }
    zk_model m;
    assert_int_equal(zk_onnx_load(&m, fx_path("missing", ".onnx"), NULL), ZK_ERR_IO);
}

/* Every truncation and random mutations of a real model: an error or a valid
 * model, never a crash (run under ASan in make test-asan). */
static void test_truncation_and_mutation(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed());
    for (int f = 0; f < 2; f++) {
        uint8_t *buf;
        size_t len;
        assert_int_equal(zk_read_file(fx_path(f ? "digits_cnn" : "bc_mlp", ".onnx"), 1 << 20, &buf, &len), ZK_OK);
        int ok = 0, refused = 0;
        for (size_t cut = 0; cut < len; cut += 1 + cut / 64) {
            zk_model m;
            if (zk_onnx_load_mem(&m, buf, cut, NULL) == ZK_OK) {
                ok++;
                zk_model_free(&m);
            } else {
                refused++;
            }
        }
        uint8_t *mut = malloc(len);
        for (int it = 0; it < 600; it++) {
            memcpy(mut, buf, len);
            int flips = 1 + (int)(test_rng_u64(&rng) % 4);
            for (int j = 0; j < flips; j++) {
                size_t pos = test_rng_u64(&rng) % len;
                uint64_t r = test_rng_u64(&rng);
                mut[pos] = (r & 1) ? (uint8_t)(mut[pos] ^ (1u << (r >> 1) % 8)) : (uint8_t)(r >> 8);
            }
            zk_model m;
            if (zk_onnx_load_mem(&m, mut, len, NULL) == ZK_OK) {
                ok++;
                /* an accepted model must run (or fail cleanly) */
                uint64_t isz = zk_model_input_size(&m), osz = zk_model_output_size(&m);
                if (isz < (1u << 16) && osz < (1u << 16)) {
                    float *in = calloc(isz, sizeof *in), *out = calloc(osz, sizeof *out);
                    int st = zk_model_run_float(&m, in, 1, out, NULL);
                    assert_true(st == ZK_OK || st == ZK_ERR_INPUT || st == ZK_ERR_NOMEM);
                    free(in);
                    free(out);
                }
                zk_model_free(&m);
            } else {
                refused++;
                assert_true(strlen(zk_last_error()) > 0);
            }
        }
        printf("  %s: %d truncations/mutations accepted as valid models, %d refused\n", f ? "digits_cnn" : "bc_mlp",
               ok, refused);
        free(mut);
        free(buf);
    }
}

static void test_input_json(void **state)
{
    (void)state;
    char path[] = "/tmp/zkm_onnx_input_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    static const struct {
        const char *text;
        int st;
        uint32_t batch;
    } cases[] = {
        {"{\"input_data\": [[1, 2, 3], [4, 5, 6]]}", ZK_OK, 2},
        {"{\"input_data\": [[1, 2, 3, 4, 5, 6]]}", ZK_OK, 2},
        {"{\"input_data\": [1, 2, 3]}", ZK_OK, 1},
        {"{\"input_data\": [[1, 2]]}", ZK_ERR_INPUT, 0},
        {"{\"input_data\": [[1, \"a\", 3]]}", ZK_ERR_INPUT, 0},
        {"{\"data\": [[1, 2, 3]]}", ZK_ERR_INPUT, 0},
        {"[1, 2", ZK_ERR_INPUT, 0},
        {"{\"input_data\": []}", ZK_ERR_INPUT, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        assert_int_equal(zk_write_file_atomic(path, cases[k].text, strlen(cases[k].text)), ZK_OK);
        float *v = NULL;
        uint32_t b = 0;
        int st = zk_model_input_json_load(path, 3, &v, &b);
        assert_int_equal(st, cases[k].st);
        assert_int_equal(b, cases[k].batch);
        if (st == ZK_OK) {
            assert_true(v[0] == 1.0f && v[3 * b - 1] == (float)(3 * b));
            assert_non_null(strstr(zk_last_error(), "") );
        } else {
            assert_non_null(strstr(zk_last_error(), path));
            assert_null(v);
        }
        free(v);
    }
    remove(path);
}

/* ONNX backend test data (Debian libonnx-testdata), when installed: a few
 * node tests through TensorProto loading and the float interpreter. */
static void test_backend_samples(void **state)
{
    (void)state;
    static const char *const tests[] = {"test_gemm_all_attributes", "test_conv_with_strides_and_asymmetric_padding",
                                        "test_maxpool_2d_ceil", "test_averagepool_2d_pads_count_include_pad",
                                        "test_batchnorm_epsilon", "test_softmax_axis_1", "test_transpose_all_permutations_0",
                                        "test_flatten_axis1"};
    const char *dir = "/usr/share/libonnx-testdata/data/node";
    int ran = 0;
    for (size_t k = 0; k < sizeof tests / sizeof tests[0]; k++) {
        char p[512];
        zk_ftensor in, exp;
        snprintf(p, sizeof p, "%s/%s/test_data_set_0/input_0.pb", dir, tests[k]);
        if (zk_ftensor_load(&in, p) != ZK_OK)
            continue;
        snprintf(p, sizeof p, "%s/%s/test_data_set_0/output_0.pb", dir, tests[k]);
        assert_int_equal(zk_ftensor_load(&exp, p), ZK_OK);
        zk_ftensor bind[4];
        uint32_t nb = 0;
        for (int j = 1; j <= 4; j++) {
            snprintf(p, sizeof p, "%s/%s/test_data_set_0/input_%d.pb", dir, tests[k], j);
            if (zk_ftensor_load(&bind[nb], p) == ZK_OK)
                nb++;
        }
        zk_onnx_options o = {.batch = (uint32_t)in.dims[0], .n_bind = nb, .bind = bind};
        snprintf(p, sizeof p, "%s/%s/model.onnx", dir, tests[k]);
        zk_model m;
        int st = zk_onnx_load(&m, p, &o);
        if (st != ZK_OK) {
            printf("  %s: refused: %s\n", tests[k], zk_last_error());
            assert_true(st == ZK_ERR_INPUT);
            assert_non_null(strstr(zk_last_error(), "model.onnx: "));
        } else {
            float *y = malloc(exp.n * sizeof *y);
            assert_int_equal(zk_model_output_size(&m) * (uint64_t)in.dims[0], exp.n);
            assert_int_equal(zk_model_run_float(&m, in.data, (uint32_t)in.dims[0], y, NULL), ZK_OK);
            for (uint64_t i = 0; i < exp.n; i++)
                assert_true(fabs((double)y[i] - exp.data[i]) <= 1e-4 * (1 + fabs(exp.data[i])));
            free(y);
            zk_model_free(&m);
            ran++;
        }
        for (uint32_t j = 0; j < nb; j++)
            zk_ftensor_free(&bind[j]);
        zk_ftensor_free(&in);
        zk_ftensor_free(&exp);
    }
    printf("  backend node tests through the float interpreter: %d passed\n", ran);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_float_matches_reference), cmocka_unit_test(test_quantized_agreement),
        cmocka_unit_test(test_ops_fixed_point),         cmocka_unit_test(test_batchnorm_folding),
        cmocka_unit_test(test_proved_batch),            cmocka_unit_test(test_hostile_models),
        cmocka_unit_test(test_truncation_and_mutation), cmocka_unit_test(test_input_json),
        cmocka_unit_test(test_backend_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
