/*
 * gen_seeds.c — helper of tools/fuzz-seeds.sh (not a fuzz target): writes the
 * seed inputs that need the library rather than the CLI.
 *
 *   gen_seeds whir COM_DIR VERIFY_DIR
 *       WHIR commitments (for fuzz_whir_commitment) and commitment/claims/
 *       opening bundles (for fuzz_whir_verify, layout in fuzz_whir_verify.c):
 *       non-hiding 4 variables (one point claim), non-hiding 6 variables
 *       (a point and a linear claim), hiding 3 variables (one point claim).
 *   gen_seeds shrink-com IN.com OUT.com KEEP
 *   gen_seeds shrink-zkd IN.zkd OUT.zkd KEEP
 *       the same file with its embedded range proof cut to its first KEEP
 *       bytes (still parseable; for the parser targets, where the range proof
 *       is opaque, so that the committed corpus stays small).
 *   gen_seeds cs DIR
 *       fuzz_cs_verify: commitment | output | proof of the fixed circuit of
 *       fuzz_cs_glue.h.
 *   gen_seeds model COM_DIR ZKM_DIR INFER_DIR
 *       a dense 4-3-2 model (scale 8): its .com, its .zkm, and
 *       .com | values | inference proof bundles (public input, batch 2;
 *       private input, batch 1) for fuzz_infer_verify.
 * Evaluations come from a fixed xorshift sequence; hiding openings draw fresh
 * randomness (OS CSPRNG), as in real use.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/dataset.h"
#include "zkmlops/infer.h"
#include "zkmlops/model.h"
#include "zkmlops/mle.h"
#include "zkmlops/transcript.h"
#include "zkmlops/whir.h"

#include "fuzz_cs_glue.h"

static uint64_t gen_state = 0x243f6a8885a308d3ULL;

static gl_t gen_gl(void)
{
    for (;;) {
        gen_state ^= gen_state << 13;
        gen_state ^= gen_state >> 7;
        gen_state ^= gen_state << 17;
        if (gen_state < GL_P)
            return gen_state;
    }
}

static gl3_t gen_gl3(void)
{
    gl3_t v = {{gen_gl(), gen_gl(), gen_gl()}};
    return v;
}

static void die(const char *what)
{
    fprintf(stderr, "gen_seeds: %s%s%s\n", what, zk_last_error()[0] ? ": " : "", zk_last_error());
    exit(1);
}

static void write_file(const char *path, const zk_wbuf *w)
{
    if (w->oom)
        die("out of memory");
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(w->data, 1, w->len, f) != w->len || fclose(f) != 0)
        die(path);
}

/* One WHIR seed: commitment file and bundle (commitment, claims, opening). */
static void whir_seed(const char *com_dir, const char *ver_dir, const char *name, uint32_t n, int hiding,
                      int with_linear)
{
    zk_whir_params p;
    if (zk_whir_params_derive(&p, n, hiding) != ZK_OK)
        die("params");
    size_t nn = (size_t)1 << n;
    gl_t *f = malloc(nn * sizeof *f);
    gl3_t *pt = malloc(n * sizeof *pt), *wts = malloc(nn * sizeof *wts);
    if (!f || !pt || !wts)
        die("out of memory");
    for (size_t b = 0; b < nn; b++)
        f[b] = gen_gl();
    zk_whir_commitment com;
    zk_whir_witness wit;
    if (zk_whir_commit(&p, f, NULL, &com, &wit) != ZK_OK)
        die("commit");
    zk_whir_claim cl[2];
    size_t nc = 1;
    for (uint32_t i = 0; i < n; i++)
        pt[i] = gen_gl3();
    cl[0] = (zk_whir_claim){ZK_CLAIM_POINT, pt, NULL, zk_mle_eval_gl(f, n, pt)};
    if (with_linear) {
        gl3_t v = gl3_zero();
        for (size_t b = 0; b < nn; b++) {
            wts[b] = gen_gl3();
            v = gl3_add(v, gl3_mul_gl(wts[b], f[b]));
        }
        cl[nc++] = (zk_whir_claim){ZK_CLAIM_LINEAR, NULL, wts, v};
    }
    zk_transcript t;
    zk_transcript_init(&t, "zkm-fuzz-whir");
    zk_whir_commitment_absorb(&t, &com);
    zk_wbuf open, w;
    zk_wbuf_init(&open);
    if (zk_whir_open(&wit, &com, cl, nc, &t, &open) != ZK_OK || open.oom)
        die("open");

    char path[4096];
    zk_wbuf_init(&w);
    zk_whir_commitment_write(&w, &com);
    snprintf(path, sizeof path, "%s/%s.whircom", com_dir, name);
    write_file(path, &w);
    zk_wbuf_put(&w, "\nZK-SEP\n", 8);
    zk_wbuf_u8(&w, (uint8_t)nc);
    for (size_t j = 0; j < nc; j++) {
        zk_wbuf_u8(&w, (uint8_t)cl[j].kind);
        if (cl[j].kind == ZK_CLAIM_POINT)
            zk_wbuf_gl3s(&w, cl[j].point, n);
        else
            zk_wbuf_gl3s(&w, cl[j].weights, nn);
        zk_wbuf_gl3(&w, cl[j].value);
    }
    zk_wbuf_put(&w, "\nZK-SEP\n", 8);
    zk_wbuf_put(&w, open.data, open.len);
    snprintf(path, sizeof path, "%s/%s.bundle", ver_dir, name);
    write_file(path, &w);
    zk_wbuf_free(&w);
    zk_wbuf_free(&open);
    zk_whir_witness_free(&wit);
    free(f);
    free(pt);
    free(wts);
}

static uint8_t *read_all(const char *path, size_t *len)
{
    uint8_t *d;
    if (zk_read_file(path, (size_t)1 << 30, &d, len) != ZK_OK)
        die("read");
    return d;
}

static void shrink(const char *in, const char *out, size_t keep, int private_file)
{
    size_t len;
    uint8_t *d = read_all(in, &len);
    zk_rbuf r;
    zk_wbuf w;
    zk_rbuf_init(&r, d, len);
    zk_wbuf_init(&w);
    if (private_file) {
        zk_dataset_private p;
        if (zk_dataset_private_read(&r, &p) != ZK_OK)
            die(in);
        if (keep < p.com.range_proof_len)
            p.com.range_proof_len = keep;
        zk_dataset_private_write(&w, &p);
        zk_dataset_private_free(&p);
    } else {
        zk_dataset_commitment c;
        if (zk_dataset_commitment_read(&r, &c) != ZK_OK)
            die(in);
        if (keep < c.range_proof_len)
            c.range_proof_len = keep;
        zk_dataset_commitment_write(&w, &c);
        zk_dataset_commitment_free(&c);
    }
    write_file(out, &w);
    zk_wbuf_free(&w);
    free(d);
}

static void put_sep(zk_wbuf *w) { zk_wbuf_put(w, "\nZK-SEP\n", 8); }

static void put_i64(zk_wbuf *w, int64_t v) { zk_wbuf_u64(w, (uint64_t)v); }

/* fuzz_cs_verify: the fixed circuit of fuzz_cs_glue.h on 8 small values:
 * commitment | output (int64 LE) | proof body. */
static void cs_seed(const char *dir)
{
    gl_t v[ZKM_CS_N];
    for (uint32_t i = 0; i < ZKM_CS_N; i++)
        v[i] = gl_from_i64((int64_t)(gen_gl() % 2001) - 1000);
    zk_whir_params p;
    zk_whir_commitment com;
    zk_whir_witness wit;
    if (zk_whir_params_derive(&p, ZKM_CS_LOG, 1) != ZK_OK || zk_whir_commit(&p, v, NULL, &com, &wit) != ZK_OK)
        die("cs commit");
    int64_t y = zkm_cs_output(v);
    zk_cs_link link;
    zk_cs *cs = zkm_cs_build(1, v, y, &com, &wit, &link);
    zk_wbuf pf, w;
    zk_wbuf_init(&pf);
    zk_wbuf_init(&w);
    if (!cs || zk_cs_prove(cs, zkm_cs_context, sizeof zkm_cs_context, &link, 1, &pf) != ZK_OK)
        die("cs prove");
    zk_whir_commitment_write(&w, &com);
    put_sep(&w);
    put_i64(&w, y);
    put_sep(&w);
    zk_wbuf_put(&w, pf.data, pf.len);
    char path[4096];
    snprintf(path, sizeof path, "%s/linked8.bundle", dir);
    write_file(path, &w);
    zk_wbuf_free(&w);
    zk_wbuf_free(&pf);
    zk_cs_free(cs);
    zk_whir_witness_free(&wit);
}

/* A dense 4 -> 3 (ReLU) -> 2 model at scale 8 with fixed small weights. */
static void small_model(zk_model *m)
{
    static const uint32_t dims[3] = {4, 3, 2};
    static const zk_op act[2] = {ZK_OP_RELU, ZK_OP_IDENTITY};
    int64_t w0[12], b0[3], w1[6], b1[2];
    for (int i = 0; i < 12; i++)
        w0[i] = (int64_t)(gen_gl() % 513) - 256;
    for (int i = 0; i < 6; i++)
        w1[i] = (int64_t)(gen_gl() % 513) - 256;
    for (int i = 0; i < 3; i++)
        b0[i] = (int64_t)(gen_gl() % 129) - 64;
    for (int i = 0; i < 2; i++)
        b1[i] = (int64_t)(gen_gl() % 129) - 64;
    const int64_t *ws[2] = {w0, w1}, *bs[2] = {b0, b1};
    if (zk_model_dense(m, 2, dims, act, 8, ws, bs) != ZK_OK)
        die("zk_model_dense");
}

/* fuzz_model_com / fuzz_model_zkm: the small model's .com and .zkm;
 * fuzz_infer_verify: .com | values | proof for a public-input batch of 2 and a
 * private-input batch of 1. */
static void model_seeds(const char *com_dir, const char *zkm_dir, const char *infer_dir)
{
    zk_model m;
    small_model(&m);
    zk_model_private p;
    if (zk_model_commit(&p, &m) != ZK_OK)
        die("zk_model_commit");
    zk_wbuf com, w;
    char path[4096];
    zk_wbuf_init(&com);
    zk_model_commitment_write(&com, &p.com);
    snprintf(path, sizeof path, "%s/dense4-3-2.com", com_dir);
    write_file(path, &com);
    for (int priv = 0; priv <= 1; priv++) {
        uint32_t batch = priv ? 1 : 2;
        int64_t in[8], out[4];
        for (uint32_t i = 0; i < 4 * batch; i++)
            in[i] = (int64_t)(gen_gl() % 1025) - 512;
        zk_wbuf pf;
        zk_wbuf_init(&pf);
        if (zk_infer_prove(&p, in, batch, priv, out, &pf, NULL) != ZK_OK)
            die("zk_infer_prove");
        zk_wbuf_init(&w);
        zk_wbuf_put(&w, com.data, com.len);
        put_sep(&w);
        if (!priv)
            for (uint32_t i = 0; i < 4 * batch; i++)
                put_i64(&w, in[i]);
        for (uint32_t i = 0; i < 2 * batch; i++)
            put_i64(&w, out[i]);
        put_sep(&w);
        zk_wbuf_put(&w, pf.data, pf.len);
        snprintf(path, sizeof path, "%s/dense4-3-2-%s.bundle", infer_dir, priv ? "private1" : "public2");
        write_file(path, &w);
        zk_wbuf_free(&w);
        zk_wbuf_free(&pf);
    }
    zk_wbuf_init(&w); /* after the two openings: counter 2 */
    zk_model_private_write(&w, &p);
    snprintf(path, sizeof path, "%s/dense4-3-2.zkm", zkm_dir);
    write_file(path, &w);
    zk_wbuf_free(&w);
    zk_wbuf_free(&com);
    zk_model_private_free(&p);
    zk_model_free(&m);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "cs") == 0) {
        cs_seed(argv[2]);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "model") == 0) {
        model_seeds(argv[2], argv[3], argv[4]);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "whir") == 0) {
        whir_seed(argv[2], argv[3], "plain4", 4, 0, 0);
        whir_seed(argv[2], argv[3], "plain6-linear", 6, 0, 1);
        whir_seed(argv[2], argv[3], "hiding3", 3, 1, 0);
        return 0;
    }
    if (argc == 5 && (strcmp(argv[1], "shrink-com") == 0 || strcmp(argv[1], "shrink-zkd") == 0)) {
        shrink(argv[2], argv[3], strtoull(argv[4], NULL, 10), argv[1][7] == 'z');
        return 0;
    }
    fprintf(stderr, "usage: gen_seeds whir COM_DIR VERIFY_DIR | shrink-com|shrink-zkd IN OUT KEEP | cs DIR | model COM_DIR ZKM_DIR INFER_DIR\n");
    return 2;
}
