/*
 * fuzz_input_json — the inference JSON readers: zk_model_input_json_load
 * (onnx.h, EZKL input.json as float), zk_infer_input_load (infer.h, input.json
 * as fixed point, with "input_fixed") and zk_infer_output_load (infer.h,
 * output.json), all on the same text (through a memfd path).
 * Input: byte 0 = example size - 1 (mod 16), byte 1 = scale bits (mod 24),
 * then the JSON text. Accepted if any reader accepts it.
 * Invariants: an accepted input has batch >= 1 and batch * size values,
 * finite floats, fixed-point inputs inside the declared bound, a consistent
 * output (output_data = output_fixed / 2^scale) and hex ids of 0 or 64
 * digits; nothing is returned on failure.
 */
#include <math.h>

#include "fuzz_util.h"
#include "zkmlops/infer.h"
#include "zkmlops/onnx.h"

int zkm_fuzz_input_json(const uint8_t *data, size_t len)
{
    if (len < 2)
        return 0;
    uint64_t size = 1u + (data[0] & 15u);
    uint32_t scale = data[1] % 24u;
    const char *path = zkm_fuzz_file(data + 2, len - 2);
    int accepted = 0;

    float *f;
    uint32_t batch;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_model_input_json_load(path, size, &f, &batch), "zk_model_input_json_load");
    if (st == ZK_OK) {
        if (!f || batch == 0 || batch > (1u << 20))
            zkm_fuzz_fail("zk_model_input_json_load accepted a batch of %u", batch);
        for (uint64_t i = 0; i < batch * size; i++)
            if (!isfinite(f[i]))
                zkm_fuzz_fail("zk_model_input_json_load returned a non-finite value at %llu", (unsigned long long)i);
        free(f);
        accepted = 1;
    } else if (f || batch) {
        zkm_fuzz_fail("zk_model_input_json_load failed but returned data");
    }

    const unsigned bound = 40;
    int64_t *in;
    zkm_fuzz_clear_error();
    st = zkm_fuzz_status(zk_infer_input_load(path, size, scale, bound, &in, &batch), "zk_infer_input_load");
    if (st == ZK_OK) {
        if (!in || batch == 0 || batch > ZK_INFER_MAX_BATCH)
            zkm_fuzz_fail("zk_infer_input_load accepted a batch of %u", batch);
        for (uint64_t i = 0; i < batch * size; i++)
            if (in[i] >= ((int64_t)1 << (bound - 1)) || in[i] < -((int64_t)1 << (bound - 1)))
                zkm_fuzz_fail("zk_infer_input_load returned %lld outside %u bits", (long long)in[i], bound);
        free(in);
        accepted = 1;
    } else if (in || batch) {
        zkm_fuzz_fail("zk_infer_input_load failed but returned data");
    }

    int64_t *out;
    char mid[65], iid[65];
    zkm_fuzz_clear_error();
    st = zkm_fuzz_status(zk_infer_output_load(path, size, scale, &out, &batch, mid, iid), "zk_infer_output_load");
    if (st == ZK_OK) {
        if (!out || batch == 0 || batch > ZK_INFER_MAX_BATCH)
            zkm_fuzz_fail("zk_infer_output_load accepted a batch of %u", batch);
        size_t lm = strnlen(mid, 65), li = strnlen(iid, 65);
        if ((lm != 0 && lm != 64) || (li != 0 && li != 64))
            zkm_fuzz_fail("zk_infer_output_load returned ids of %zu / %zu digits", lm, li);
        free(out);
        accepted = 1;
    } else if (out || batch) {
        zkm_fuzz_fail("zk_infer_output_load failed but returned data");
    }
    return accepted;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_input_json)
