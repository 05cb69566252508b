/*
 * fuzz_onnx — zk_onnx_load_mem (onnx.h): the ONNX importer (protobuf-c
 * decoding, graph and attribute checks, BatchNorm folding, shape inference).
 * Input: a .onnx file.
 * Invariants: a refusal leaves the model zeroed; an accepted model passes
 * zk_model_validate, its architecture encoding parses back to the same bytes,
 * and quantization with a fixed activation scale either succeeds (then
 * zk_model_validate with data passes) or is refused with a message.
 */
#include "fuzz_util.h"
#include "zkmlops/onnx.h"

int zkm_fuzz_onnx(const uint8_t *data, size_t len)
{
    zk_model m;
    zk_onnx_options opt;
    char ops[256];
    memset(&opt, 0, sizeof opt);
    memset(ops, 0, sizeof ops); /* not written when the file is not a protobuf at all */
    opt.batch = 2;
    opt.ops_out = ops;
    opt.ops_out_len = sizeof ops;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_onnx_load_mem(&m, data, len, &opt), "zk_onnx_load_mem");
    if (ops[sizeof ops - 1] != 0)
        zkm_fuzz_fail("ops_out not NUL-terminated within ops_out_len bytes");
    if (st != ZK_OK) {
        if (m.tensors || m.nodes || m.n_tensors || m.n_nodes)
            zkm_fuzz_fail("zk_onnx_load_mem failed but did not zero the model");
        return 0;
    }
    zkm_fuzz_clear_error();
    if (zkm_fuzz_status(zk_model_validate(&m, 0), "zk_model_validate") != ZK_OK)
        zkm_fuzz_fail("imported model fails validation: %s", zk_last_error());
    zk_wbuf w, w2;
    zk_wbuf_init(&w);
    zk_model_arch_write(&w, &m);
    if (w.oom)
        zkm_fuzz_fail("out of memory");
    zk_rbuf r;
    zk_model a;
    zk_rbuf_init(&r, w.data, w.len);
    zkm_fuzz_clear_error();
    if (zkm_fuzz_status(zk_model_arch_read(&r, &a), "zk_model_arch_read") != ZK_OK || zk_rbuf_left(&r) != 0)
        zkm_fuzz_fail("architecture of an imported model does not parse back: %s", zk_last_error());
    zk_wbuf_init(&w2);
    zk_model_arch_write(&w2, &a);
    if (w2.len != w.len || memcmp(w2.data, w.data, w.len) != 0)
        zkm_fuzz_fail("architecture encoding does not round-trip (%zu vs %zu bytes)", w2.len, w.len);
    zk_wbuf_free(&w);
    zk_wbuf_free(&w2);
    zk_model_free(&a);
    if (zk_model_n_params(&m) <= ((uint64_t)1 << 16)) {
        zk_quant_options q;
        memset(&q, 0, sizeof q);
        q.act_scale = 8;
        zk_quant_report rep;
        zkm_fuzz_clear_error();
        st = zkm_fuzz_status(zk_model_quantize(&m, &q, NULL, 0, &rep), "zk_model_quantize");
        if (st == ZK_OK && zk_model_validate(&m, 1) != ZK_OK)
            zkm_fuzz_fail("quantized model fails validation with data: %s", zk_last_error());
    }
    zk_model_free(&m);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_onnx)
