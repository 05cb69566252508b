/* zkmlops model: commit | calibrate | info | check (ONNX import, quantization,
 * model commitment). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "zkmlops/hash.h"
#include "zkmlops/infer.h"
#include "zkmlops/model.h"
#include "zkmlops/onnx.h"

#define MAX_BIND 8

typedef struct {
    const char *model, *calib, *test, *out, *input_pb, *expect_pb;
    const char *bind[MAX_BIND];
    int n_bind;
    zk_quant_options q;
    uint32_t batch, openings;
    int json, prove, single;
    double tol;
} mopts;

static void usage(FILE *f, const char *verb)
{
    if (!verb || strcmp(verb, "commit") == 0)
        fprintf(f, "Usage: zkmlops model commit MODEL.onnx --calibration INPUT.json -o MODEL.zkm [options]\n\n"
                   "Import an ONNX model, quantize it (per-tensor power-of-two scales chosen on the\n"
                   "calibration inputs), report float vs fixed-point agreement on them, and commit to\n"
                   "the weights: writes the prover's private MODEL.zkm and the public commitment\n"
                   "MODEL.com beside it (hiding WHIR commitment; reveals the architecture only).\n"
                   "The commitment allows --openings N zero-knowledge openings (each inference,\n"
                   "evaluation or monitoring proof uses one); N sizes it: a larger budget makes\n"
                   "commit and every proof slower (docs/model.md). Recommit when it is used up.\n\n");
    if (!verb || strcmp(verb, "calibrate") == 0)
        fprintf(f, "Usage: zkmlops model calibrate MODEL.onnx --calibration INPUT.json [--test T.json] [options]\n\n"
                   "Choose the scales from the calibration inputs and report float vs quantized\n"
                   "outputs (max/mean absolute error, argmax agreement) on them and on --test.\n\n");
    if (!verb || strcmp(verb, "info") == 0)
        fprintf(f, "Usage: zkmlops model info MODEL.onnx|MODEL.com|MODEL.zkm [--json]\n\n"
                   "Print the graph (nodes, shapes, scales, parameter count) and, for a commitment,\n"
                   "its size, id and opening budget (and, for MODEL.zkm, the openings left).\n\n");
    if (!verb || strcmp(verb, "check") == 0)
        fprintf(f, "Usage: zkmlops model check MODEL.onnx --input-pb input_0.pb [--bind input_1.pb ...]\n"
                   "                            --expect output_0.pb [--tolerance T] [--prove] [options]\n\n"
                   "ONNX backend-test runner: import (extra graph inputs bound as constants), run the\n"
                   "float interpreter and the fixed-point reference, compare both with the expected\n"
                   "tensor; with --prove also commit, prove the batch, verify the proof and check that\n"
                   "a changed output is rejected. --single-example treats the whole input as one\n"
                   "example (for graphs that mix their first dimension). Exit 0 within tolerance (and proved), 1 outside or\n"
                   "not proved, 2 import or input error.\n\n");
    fprintf(f, "Options:\n"
               "  --calibration FILE  {\"input_data\": [[...], ...]} sample inputs (EZKL shape)\n"
               "  -o, --output FILE   private model file (.zkm); the .com goes beside it\n"
               "  --scale S           activation scale bits (default: chosen by calibration, <= 12)\n"
               "  --weight-bits B     signed bits of quantized weights (default 16)\n"
               "  --max-scale S       largest scale of any tensor (default 16)\n"
               "  --act-bits A        bound on every activation, signed bits (default 40)\n"
               "  --batch N           batch size for a symbolic batch dimension (default 1)\n"
               "  --openings N        commit: zero-knowledge openings the commitment allows,\n"
               "                      1..%u (default %u)\n"
               "  --json              machine-readable output on stdout\n"
               "  -q, --quiet         no progress on stderr\n"
               "  -h, --help          this help\n",
            ZK_MODEL_MAX_OPENINGS, ZK_MODEL_DEFAULT_OPENINGS);
}

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == 0 || *end || v < (long)lo || v > (long)hi)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_opts(const char *verb, int argc, char **argv, mopts *o)
{
    static const struct option opts[] = {{"calibration", required_argument, 0, 'c'},
                                         {"test", required_argument, 0, 't'},
                                         {"output", required_argument, 0, 'o'},
                                         {"scale", required_argument, 0, 's'},
                                         {"weight-bits", required_argument, 0, 'w'},
                                         {"max-scale", required_argument, 0, 'm'},
                                         {"act-bits", required_argument, 0, 'a'},
                                         {"batch", required_argument, 0, 'b'},
                                         {"openings", required_argument, 0, 'N'},
                                         {"input-pb", required_argument, 0, 'i'},
                                         {"bind", required_argument, 0, 'B'},
                                         {"expect", required_argument, 0, 'e'},
                                         {"tolerance", required_argument, 0, 'T'},
                                         {"json", no_argument, 0, 'j'},
                                         {"prove", no_argument, 0, 'P'},
                                         {"single-example", no_argument, 0, 'S'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    o->tol = -1;
    char cmd[32];
    snprintf(cmd, sizeof cmd, "model %s", verb);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            o->calib = optarg;
            break;
        case 't':
            o->test = optarg;
            break;
        case 'o':
            o->out = optarg;
            break;
        case 's':
            if (parse_u32(optarg, 1, 24, &o->q.act_scale))
                return cli_usage_error(cmd, "--scale must be an integer in 1..24");
            break;
        case 'w':
            if (parse_u32(optarg, 2, 32, &o->q.weight_bits))
                return cli_usage_error(cmd, "--weight-bits must be an integer in 2..32");
            break;
        case 'm':
            if (parse_u32(optarg, 1, 30, &o->q.max_scale))
                return cli_usage_error(cmd, "--max-scale must be an integer in 1..30");
            break;
        case 'a':
            if (parse_u32(optarg, 16, 60, &o->q.act_bits))
                return cli_usage_error(cmd, "--act-bits must be an integer in 16..60");
            break;
        case 'b':
            if (parse_u32(optarg, 1, 1u << 20, &o->batch))
                return cli_usage_error(cmd, "--batch must be an integer in 1..2^20");
            break;
        case 'N':
            if (strcmp(verb, "commit") != 0)
                return cli_usage_error(cmd, "--openings applies to model commit only");
            if (parse_u32(optarg, 1, ZK_MODEL_MAX_OPENINGS, &o->openings))
                return cli_usage_error(cmd, "--openings must be an integer in 1..%u", ZK_MODEL_MAX_OPENINGS);
            break;
        case 'i':
            o->input_pb = optarg;
            break;
        case 'B':
            if (o->n_bind >= MAX_BIND)
                return cli_usage_error(cmd, "at most %d --bind tensors", MAX_BIND);
            o->bind[o->n_bind++] = optarg;
            break;
        case 'e':
            o->expect_pb = optarg;
            break;
        case 'T': {
            char *end;
            o->tol = strtod(optarg, &end);
            if (*end || !(o->tol >= 0))
                return cli_usage_error(cmd, "--tolerance must be a non-negative number");
            break;
        }
        case 'j':
            o->json = 1;
            break;
        case 'P':
            o->prove = 1;
            break;
        case 'S':
            o->single = 1;
            break;
        case 'q':
            cli_set_quiet(1);
            break;
        case 'h':
            usage(stdout, verb);
            return 0;
        default:
            return cli_usage_error(cmd, "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error(cmd, "expected exactly one model file");
    o->model = argv[optind];
    return -1; /* continue */
}

/* ---- reporting ---- */
static cJSON *report_json(const zk_quant_report *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "examples", r->n_examples);
    cJSON_AddBoolToObject(j, "fixed_point_ok", r->fx_ok);
    if (!r->fx_ok) {
        cJSON_AddStringToObject(j, "fixed_point_error", r->fx_error);
        return j;
    }
    cJSON_AddNumberToObject(j, "max_abs_error", r->max_abs_err);
    cJSON_AddNumberToObject(j, "mean_abs_error", r->mean_abs_err);
    cJSON_AddNumberToObject(j, "max_abs_float_output", r->max_abs_out);
    cJSON_AddNumberToObject(j, "agree", r->argmax_agree);
    cJSON_AddNumberToObject(j, "agreement", r->n_examples ? (double)r->argmax_agree / r->n_examples : 0);
    return j;
}

static void report_text(const char *what, const zk_quant_report *r)
{
    if (!r->fx_ok) {
        printf("%s: %u examples; fixed-point run failed: %s\n", what, r->n_examples, r->fx_error);
        return;
    }
    printf("%s: %u examples, float vs fixed point: max |err| %.6g, mean |err| %.6g (max |float output| %.4g); "
           "predictions agree on %u/%u (%.2f%%)\n",
           what, r->n_examples, r->max_abs_err, r->mean_abs_err, r->max_abs_out, r->argmax_agree, r->n_examples,
           r->n_examples ? 100.0 * r->argmax_agree / r->n_examples : 0.0);
}

static void shape_str(char *buf, size_t len, const zk_tensor *t)
{
    size_t k = 0;
    k += (size_t)snprintf(buf + k, len - k, "[");
    for (uint32_t d = 0; d < t->rank && k < len; d++)
        k += (size_t)snprintf(buf + k, len - k, "%s%lld", d ? "," : "", (long long)t->dims[d]);
    if (k < len)
        snprintf(buf + k, len - k, "]");
}

static cJSON *graph_json(const zk_model *m)
{
    cJSON *g = cJSON_CreateObject();
    cJSON_AddNumberToObject(g, "nodes", m->n_nodes);
    cJSON_AddNumberToObject(g, "tensors", m->n_tensors);
    cJSON_AddNumberToObject(g, "parameters", (double)zk_model_n_params(m));
    cJSON_AddNumberToObject(g, "input_size", (double)zk_model_input_size(m));
    cJSON_AddNumberToObject(g, "output_size", (double)zk_model_output_size(m));
    cJSON_AddNumberToObject(g, "act_bits", m->act_bits);
    cJSON *ns = cJSON_AddArrayToObject(g, "graph");
    for (uint32_t k = 0; k < m->n_nodes; k++) {
        const zk_node *nd = &m->nodes[k];
        cJSON *n = cJSON_CreateObject();
        char sh[128];
        cJSON_AddStringToObject(n, "name", nd->name);
        cJSON_AddStringToObject(n, "op", zk_op_name(nd->op));
        cJSON *in = cJSON_AddArrayToObject(n, "inputs");
        for (uint32_t j = 0; j < nd->n_in; j++) {
            const zk_tensor *t = &m->tensors[nd->in[j]];
            cJSON *tj = cJSON_CreateObject();
            shape_str(sh, sizeof sh, t);
            cJSON_AddStringToObject(tj, "name", t->name);
            cJSON_AddStringToObject(tj, "shape", sh);
            cJSON_AddNumberToObject(tj, "scale", t->scale);
            cJSON_AddBoolToObject(tj, "param", t->is_param);
            cJSON_AddItemToArray(in, tj);
        }
        const zk_tensor *t = &m->tensors[nd->out[0]];
        shape_str(sh, sizeof sh, t);
        cJSON_AddStringToObject(n, "output", t->name);
        cJSON_AddStringToObject(n, "output_shape", sh);
        cJSON_AddNumberToObject(n, "output_scale", t->scale);
        cJSON_AddItemToArray(ns, n);
    }
    return g;
}

static void graph_text(const zk_model *m, int scales)
{
    char sh[128];
    shape_str(sh, sizeof sh, &m->tensors[m->input]);
    printf("input  %-24s %s\n", m->tensors[m->input].name, sh);
    for (uint32_t k = 0; k < m->n_nodes; k++) {
        const zk_node *nd = &m->nodes[k];
        const zk_tensor *t = &m->tensors[nd->out[0]];
        shape_str(sh, sizeof sh, t);
        printf("%4u   %-18s %-24s -> %-16s", k, zk_op_name(nd->op), nd->name, sh);
        for (uint32_t j = 1; j < nd->n_in; j++) {
            const zk_tensor *p = &m->tensors[nd->in[j]];
            char ps[64];
            shape_str(ps, sizeof ps, p);
            if (scales)
                printf("  %s%s@2^%u", p->is_param ? "" : "act", ps, p->scale);
            else
                printf("  %s%s", p->is_param ? "" : "act", ps);
        }
        if (scales)
            printf("  out@2^%u", t->scale);
        printf("\n");
    }
    shape_str(sh, sizeof sh, &m->tensors[m->output]);
    printf("output %-24s %s\n", m->tensors[m->output].name, sh);
    printf("%u nodes, %llu parameters, input %llu and output %llu values per example\n", m->n_nodes,
           (unsigned long long)zk_model_n_params(m), (unsigned long long)zk_model_input_size(m),
           (unsigned long long)zk_model_output_size(m));
}

/* Import + load calibration + quantize. */
static int import_quantize(const mopts *o, zk_model *m, zk_quant_report *rep, float **calib, uint32_t *n_calib)
{
    zk_onnx_options io = {0};
    io.batch = o->batch;
    *calib = NULL;
    *n_calib = 0;
    int st = zk_onnx_load(m, o->model, &io);
    if (st != ZK_OK)
        return st;
    cli_progress("model", "%s: %u nodes, %llu parameters, input %llu values", o->model, m->n_nodes,
                 (unsigned long long)zk_model_n_params(m), (unsigned long long)zk_model_input_size(m));
    if (o->calib) {
        st = zk_model_input_json_load(o->calib, zk_model_input_size(m), calib, n_calib);
        if (st != ZK_OK)
            return st;
    }
    st = zk_model_quantize(m, &o->q, *calib, *n_calib, rep);
    if (st != ZK_OK)
        return zk_error_prefix((zk_status)st, o->model);
    cli_progress("model", "quantized: activations at 2^%u, act_bits %u", m->tensors[m->input].scale, m->act_bits);
    return ZK_OK;
}

static int eval_file(const zk_model *m, const char *path, zk_quant_report *r)
{
    float *x = NULL;
    uint32_t n = 0;
    int st = zk_model_input_json_load(path, zk_model_input_size(m), &x, &n);
    if (st == ZK_OK)
        st = zk_model_compare(m, x, n, r, NULL, NULL);
    free(x);
    return st;
}

static int model_calibrate(int argc, char **argv)
{
    mopts o;
    int rc = parse_opts("calibrate", argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (!o.calib && !o.q.act_scale)
        return cli_usage_error("model calibrate", "missing --calibration INPUT.json");
    zk_model m;
    zk_quant_report rep, trep;
    float *calib;
    uint32_t n;
    int st = import_quantize(&o, &m, &rep, &calib, &n);
    free(calib);
    if (st == ZK_OK && o.test)
        st = eval_file(&m, o.test, &trep);
    if (st != ZK_OK) {
        zk_model_free(&m);
        return cli_fail(st);
    }
    if (o.json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "model", o.model);
        cJSON_AddNumberToObject(j, "act_scale", rep.act_scale);
        cJSON_AddNumberToObject(j, "max_abs_activation", rep.max_abs_act);
        cJSON_AddItemToObject(j, "calibration", report_json(&rep));
        if (o.test)
            cJSON_AddItemToObject(j, "test", report_json(&trep));
        cJSON_AddItemToObject(j, "quantized", graph_json(&m));
        char *s = cJSON_Print(j);
        printf("%s\n", s ? s : "{}");
        free(s);
        cJSON_Delete(j);
    } else {
        graph_text(&m, 1);
        printf("activation scale 2^%u (largest |activation| on calibration: %.4g)\n", rep.act_scale,
               rep.max_abs_act);
        if (n)
            report_text("calibration", &rep);
        if (o.test)
            report_text("test", &trep);
    }
    int ok = rep.fx_ok || !n;
    zk_model_free(&m);
    return ok ? 0 : 2;
}

static int model_commit(int argc, char **argv)
{
    mopts o;
    int rc = parse_opts("commit", argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (!o.out)
        return cli_usage_error("model commit", "missing -o MODEL.zkm");
    if (!o.calib && !o.q.act_scale)
        return cli_usage_error("model commit", "missing --calibration INPUT.json");
    char *com_path = cli_sibling_path(o.out, ".zkm", ".com");
    if (!com_path)
        return 2;
    zk_model m;
    zk_quant_report rep;
    float *calib;
    uint32_t n;
    int st = import_quantize(&o, &m, &rep, &calib, &n);
    free(calib);
    if (st == ZK_OK && n && !rep.fx_ok)
        st = zk_set_error(ZK_ERR_INPUT, "%s: the quantized model does not run on the calibration inputs: %s",
                          o.model, rep.fx_error);
    zk_model_private priv;
    memset(&priv, 0, sizeof priv);
    if (st == ZK_OK) {
        if (n)
            cli_progress("model", "calibration: %u/%u predictions agree, max |err| %.4g", rep.argmax_agree,
                         rep.n_examples, rep.max_abs_err);
        double t0 = cli_now();
        st = zk_model_commit_budget(&priv, &m, o.openings ? o.openings : ZK_MODEL_DEFAULT_OPENINGS);
        if (st == ZK_OK) {
            cli_progress("model", "committed %llu parameters (2^%u entries, %u openings) in %.2f s",
                         (unsigned long long)priv.com.n_params, priv.com.log_len, priv.com.opening_budget,
                         cli_now() - t0);
            st = zk_model_private_save(o.out, com_path, &priv);
        }
    }
    uint8_t id[ZK_HASH_BYTES];
    if (st == ZK_OK)
        st = zk_model_commitment_id(id, &priv.com);
    if (st == ZK_OK) {
        char hex[2 * ZK_HASH_BYTES + 1];
        for (int i = 0; i < ZK_HASH_BYTES; i++)
            snprintf(hex + 2 * i, 3, "%02x", id[i]);
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "commitment", com_path);
        cJSON_AddStringToObject(j, "commitment_sha256", hex);
        cJSON_AddStringToObject(j, "private", o.out);
        cJSON_AddStringToObject(j, "model", o.model);
        cJSON_AddNumberToObject(j, "parameters", (double)priv.com.n_params);
        cJSON_AddNumberToObject(j, "log_len", priv.com.log_len);
        cJSON_AddNumberToObject(j, "opening_budget", priv.com.opening_budget);
        cJSON_AddNumberToObject(j, "act_scale", m.tensors[m.input].scale);
        cJSON_AddNumberToObject(j, "act_bits", m.act_bits);
        if (n)
            cJSON_AddItemToObject(j, "calibration", report_json(&rep));
        char *s = o.json ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
        printf("%s\n", s ? s : "{}");
        free(s);
        cJSON_Delete(j);
    }
    zk_model_private_free(&priv);
    zk_model_free(&m);
    free(com_path);
    return st == ZK_OK ? 0 : cli_fail(st);
}

static int file_magic(const char *path, char magic[8])
{
    memset(magic, 0, 8);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t k = fread(magic, 1, 7, f);
    fclose(f);
    return (int)k;
}

static int model_info(int argc, char **argv)
{
    mopts o;
    int rc = parse_opts("info", argc, argv, &o);
    if (rc >= 0)
        return rc;
    char magic[8];
    if (file_magic(o.model, magic) < 0)
        return cli_fail(zk_set_error(ZK_ERR_IO, "%s: cannot open", o.model));
    int st;
    if (strcmp(magic, "ZKMLCOM") == 0 || strcmp(magic, "ZKMLZKM") == 0) {
        zk_model_commitment c;
        zk_model_private p;
        int is_com = magic[4] == 'C';
        memset(&p, 0, sizeof p);
        st = is_com ? zk_model_commitment_load(o.model, &c) : zk_model_private_load(o.model, &p);
        if (st != ZK_OK)
            return cli_fail(st);
        const zk_model_commitment *cc = is_com ? &c : &p.com;
        uint8_t id[ZK_HASH_BYTES];
        char hex[2 * ZK_HASH_BYTES + 1] = {0};
        if (zk_model_commitment_id(id, cc) == ZK_OK)
            for (int i = 0; i < ZK_HASH_BYTES; i++)
                snprintf(hex + 2 * i, 3, "%02x", id[i]);
        if (o.json) {
            cJSON *j = graph_json(&cc->arch);
            cJSON_AddStringToObject(j, "file", o.model);
            cJSON_AddStringToObject(j, "kind", is_com ? "commitment" : "private");
            cJSON_AddStringToObject(j, "commitment_sha256", hex);
            cJSON_AddNumberToObject(j, "log_len", cc->log_len);
            cJSON_AddNumberToObject(j, "opening_budget", cc->opening_budget);
            if (!is_com) /* the counter lives in the private file only */
                cJSON_AddNumberToObject(j, "openings_left", (double)zk_model_openings_left(&p));
            char *s = cJSON_Print(j);
            printf("%s\n", s ? s : "{}");
            free(s);
            cJSON_Delete(j);
        } else {
            printf("%s: model %s, %llu committed parameters in 2^%u entries, id %s\n", o.model,
                   is_com ? "commitment (public)" : "private file", (unsigned long long)cc->n_params, cc->log_len,
                   hex);
            if (is_com)
                printf("opening budget %u zero-knowledge openings (the count used is in the private .zkm)\n",
                       cc->opening_budget);
            else
                printf("opening budget %u zero-knowledge openings, %u used, %llu left\n", cc->opening_budget,
                       p.openings_used, (unsigned long long)zk_model_openings_left(&p));
            graph_text(&cc->arch, 1);
        }
        if (is_com)
            zk_model_commitment_free(&c);
        else
            zk_model_private_free(&p);
        return 0;
    }
    zk_model m;
    zk_onnx_options io = {0};
    io.batch = o.batch;
    st = zk_onnx_load(&m, o.model, &io);
    if (st != ZK_OK)
        return cli_fail(st);
    if (o.json) {
        cJSON *j = graph_json(&m);
        cJSON_AddStringToObject(j, "file", o.model);
        cJSON_AddStringToObject(j, "kind", "onnx");
        char *s = cJSON_Print(j);
        printf("%s\n", s ? s : "{}");
        free(s);
        cJSON_Delete(j);
    } else {
        printf("%s: ONNX model\n", o.model);
        graph_text(&m, 0);
    }
    zk_model_free(&m);
    return 0;
}

/* ---- backend conformance check ---- */
static int last_op_is(const zk_model *m, zk_op op)
{
    return m->n_nodes && m->nodes[m->n_nodes - 1].op == op && m->nodes[m->n_nodes - 1].out[0] == m->output;
}

static int model_check(int argc, char **argv)
{
    mopts o;
    int rc = parse_opts("check", argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (!o.input_pb || !o.expect_pb)
        return cli_usage_error("model check", "missing --input-pb or --expect");
    zk_ftensor in, exp, bind[MAX_BIND];
    memset(bind, 0, sizeof bind);
    memset(&exp, 0, sizeof exp);
    zk_model m;
    memset(&m, 0, sizeof m);
    float *fo = NULL, *qo = NULL;
    int st = zk_ftensor_load(&in, o.input_pb);
    for (int k = 0; k < o.n_bind && st == ZK_OK; k++)
        st = zk_ftensor_load(&bind[k], o.bind[k]);
    if (st == ZK_OK)
        st = zk_ftensor_load(&exp, o.expect_pb);
    zk_onnx_options io = {0};
    char ops[256] = "";
    io.batch = in.rank && !o.single ? (uint32_t)in.dims[0] : 1;
    io.single_example = o.single;
    io.n_bind = (uint32_t)o.n_bind;
    io.bind = bind;
    io.ops_out = ops;
    io.ops_out_len = sizeof ops;
    if (st == ZK_OK)
        st = zk_onnx_load(&m, o.model, &io);
    uint32_t batch = 1;
    uint64_t osz = 0;
    if (st == ZK_OK) {
        batch = (uint32_t)m.tensors[m.input].dims[0];
        osz = zk_model_output_size(&m);
        if ((uint64_t)batch * zk_model_input_size(&m) != in.n)
            st = zk_set_error(ZK_ERR_INPUT, "%s: %llu values, the model input needs %llu", o.input_pb,
                              (unsigned long long)in.n, (unsigned long long)(batch * zk_model_input_size(&m)));
        else if ((uint64_t)batch * osz != exp.n)
            st = zk_set_error(ZK_ERR_INPUT, "%s: %llu values, the model output has %llu", o.expect_pb,
                              (unsigned long long)exp.n, (unsigned long long)(batch * osz));
    }
    zk_quant_report rep;
    memset(&rep, 0, sizeof rep);
    if (st == ZK_OK) {
        fo = malloc((size_t)exp.n * sizeof *fo + 1);
        qo = malloc((size_t)exp.n * sizeof *qo + 1);
        if (!fo || !qo)
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    if (st == ZK_OK)
        st = zk_model_quantize(&m, &o.q, in.data, batch, NULL);
    if (st == ZK_OK)
        st = zk_model_compare(&m, in.data, batch, &rep, fo, qo);
    if (st != ZK_OK) {
        if (o.json) {
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "model", o.model);
            cJSON_AddStringToObject(j, "onnx_ops", ops);
            cJSON_AddStringToObject(j, "error", zk_last_error());
            char *s = cJSON_PrintUnformatted(j);
            printf("%s\n", s ? s : "{}");
            free(s);
            cJSON_Delete(j);
        }
        rc = cli_fail(st);
        goto done;
    }
    double ferr = 0, qerr = 0, mexp = 0;
    int soft = last_op_is(&m, ZK_OP_SOFTMAX);
    for (uint64_t i = 0; i < exp.n; i++) {
        ferr = fmax(ferr, fabs((double)fo[i] - exp.data[i]));
        mexp = fmax(mexp, fabs(exp.data[i]));
        if (rep.fx_ok && !soft)
            qerr = fmax(qerr, fabs((double)qo[i] - exp.data[i]));
    }
    uint32_t soft_agree = 0;
    if (soft && rep.fx_ok) { /* fixed point gives the one-hot argmax: compare rows */
        uint64_t L = (uint64_t)m.tensors[m.output].dims[m.tensors[m.output].rank - 1];
        uint64_t rows = exp.n / L;
        for (uint64_t r = 0; r < rows; r++) {
            uint64_t a = 0, b = 0;
            for (uint64_t k = 1; k < L; k++) {
                a = exp.data[r * L + k] > exp.data[r * L + a] ? k : a;
                b = qo[r * L + k] > qo[r * L + b] ? k : b;
            }
            soft_agree += a == b;
        }
        qerr = soft_agree == rows ? 0 : 1;
    }
    /* Tolerances (per operator, like ggml's test-backend-ops): float 1e-4
     * relative; fixed point 16 steps of the output scale + 0.2% of the largest
     * expected value, plus the documented error of the PLAN sigmoid (0.019;
     * Tanh = 2 sigmoid(2x) - 1: 0.038). */
    double ftol = 1e-4 * (1 + mexp);
    double qtol = ldexp(1.0, -(int)m.tensors[m.output].scale) * 16 + 2e-3 * mexp;
    for (uint32_t k = 0; k < m.n_nodes; k++)
        qtol += m.nodes[k].op == ZK_OP_SIGMOID ? 0.02 : m.nodes[k].op == ZK_OP_TANH ? 0.04 : 0;
    if (o.tol >= 0)
        qtol = o.tol;
    int pass_f = ferr <= ftol, pass_q = rep.fx_ok && qerr <= qtol;
    /* --prove: commit, prove the batch, verify, and a changed output must be rejected */
    int proved = -1;
    char prove_err[200] = "";
    size_t proof_bytes = 0;
    double prove_s = 0;
    if (o.prove && pass_q) {
        zk_model_private p;
        uint64_t isz = zk_model_input_size(&m);
        int64_t *qin = malloc((size_t)(batch * isz) * sizeof *qin + 8), *qout = malloc((size_t)(batch * osz) * sizeof *qout + 8);
        zk_wbuf pr;
        zk_wbuf_init(&pr);
        int pst = qin && qout ? ZK_OK : zk_set_error(ZK_ERR_NOMEM, "out of memory");
        for (uint64_t i = 0; pst == ZK_OK && i < batch * isz; i++)
            qin[i] = llround(ldexp(in.data[i], (int)m.tensors[m.input].scale));
        double t0 = cli_now();
        if (pst == ZK_OK)
            pst = zk_model_commit(&p, &m);
        else
            memset(&p, 0, sizeof p);
        if (pst == ZK_OK)
            pst = zk_infer_prove(&p, qin, batch, 0, qout, &pr, NULL);
        prove_s = cli_now() - t0;
        if (pst == ZK_OK)
            pst = zk_infer_verify(&p.com, qin, qout, batch, pr.data, pr.len, NULL);
        if (pst == ZK_OK) {
            qout[0] += 1;
            if (zk_infer_verify(&p.com, qin, qout, batch, pr.data, pr.len, NULL) != ZK_ERR_REJECT)
                pst = zk_set_error(ZK_ERR_INPUT, "a changed output was not rejected");
        }
        proved = pst == ZK_OK;
        proof_bytes = pr.len;
        if (!proved)
            snprintf(prove_err, sizeof prove_err, "%s", zk_last_error());
        zk_wbuf_free(&pr);
        zk_model_private_free(&p);
        free(qin);
        free(qout);
    }
    if (o.json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "model", o.model);
        cJSON_AddBoolToObject(j, "float_pass", pass_f);
        cJSON_AddNumberToObject(j, "float_max_abs_error", ferr);
        cJSON_AddBoolToObject(j, "fixed_point_pass", pass_q);
        if (rep.fx_ok)
            cJSON_AddNumberToObject(j, "fixed_point_max_abs_error", qerr);
        else
            cJSON_AddStringToObject(j, "fixed_point_error", rep.fx_error);
        cJSON_AddNumberToObject(j, "tolerance", qtol);
        cJSON_AddNumberToObject(j, "act_scale", m.tensors[m.input].scale);
        cJSON_AddBoolToObject(j, "softmax_as_argmax", soft);
        cJSON_AddStringToObject(j, "onnx_ops", ops);
        if (proved >= 0) {
            cJSON_AddBoolToObject(j, "proved", proved);
            if (proved) {
                cJSON_AddNumberToObject(j, "proof_bytes", (double)proof_bytes);
                cJSON_AddNumberToObject(j, "prove_seconds", prove_s);
            } else {
                cJSON_AddStringToObject(j, "prove_error", prove_err);
            }
        }
        char *s = cJSON_PrintUnformatted(j);
        printf("%s\n", s ? s : "{}");
        free(s);
        cJSON_Delete(j);
    } else {
        printf("%s: float %s (max |err| %.3g), fixed point %s", o.model, pass_f ? "PASS" : "FAIL", ferr,
               pass_q ? "PASS" : "FAIL");
        if (rep.fx_ok)
            printf(" (max |err| %.3g, tolerance %.3g, scale 2^%u%s)\n", qerr, qtol, m.tensors[m.input].scale,
                   soft ? ", softmax compared as argmax" : "");
        else
            printf(" (%s)\n", rep.fx_error);
        if (proved == 1)
            printf("%s: proved and verified (%zu proof bytes, %.2f s); a changed output is rejected\n", o.model,
                   proof_bytes, prove_s);
        else if (proved == 0)
            printf("%s: proof FAILED: %s\n", o.model, prove_err);
    }
    rc = pass_f && pass_q && proved != 0 ? 0 : 1;
done:
    free(fo);
    free(qo);
    zk_model_free(&m);
    zk_ftensor_free(&in);
    zk_ftensor_free(&exp);
    for (int k = 0; k < MAX_BIND; k++)
        zk_ftensor_free(&bind[k]);
    return rc;
}

int cmd_model(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout, NULL);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "commit") == 0)
        return model_commit(argc - 1, argv + 1);
    if (strcmp(argv[1], "calibrate") == 0)
        return model_calibrate(argc - 1, argv + 1);
    if (strcmp(argv[1], "info") == 0)
        return model_info(argc - 1, argv + 1);
    if (strcmp(argv[1], "check") == 0)
        return model_check(argc - 1, argv + 1);
    return cli_usage_error("model", "unknown verb '%s' (expected: commit, calibrate, info, check)", argv[1]);
}
