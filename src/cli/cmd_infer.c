/* zkmlops infer prove | verify — verifiable inference (infer.h, docs/model.md). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "zkmlops/limits.h"
#include "zkmlops/infer.h"
#include "zkmlops/model.h"
#include "zkmlops/proof.h"

static const char STATEMENT[] =
    "the committed model (weights hidden) maps each input example to the claimed output, with the exact "
    "fixed-point semantics of zk_model_run_fx (docs/model.md)";
static const char STATEMENT_PRIV[] =
    "the committed model (weights hidden) maps each example of the committed, hidden input to the claimed "
    "output, with the exact fixed-point semantics of zk_model_run_fx (docs/model.md)";

static void usage_prove(FILE *f)
{
    fprintf(f,
            "Usage: zkmlops infer prove --model M.zkm --input IN.json -o P.zkp --output OUT.json\n"
            "                           [--private-input] [--json] [--quiet]\n\n"
            "Run the committed model on a batch of inputs and prove, in zero knowledge (weights\n"
            "hidden), that the outputs are the model's outputs under its exact fixed-point\n"
            "semantics. IN.json: {\"input_data\": [[...], ...]} (EZKL shape; all numbers\n"
            "concatenated row-major form batch x input-size values; or \"input_fixed\" with the\n"
            "fixed-point integers). OUT.json: {\"output_data\": [[...]] (dequantized),\n"
            "\"output_fixed\": [[...]] (exact integers), \"scale\": s, \"model_commitment\": id}.\n"
            "Uses one zero-knowledge opening of the model commitment (recorded in M.zkm).\n\n"
            "Options:\n"
            "  -m, --model FILE       private model (.zkm)\n"
            "  -i, --input FILE       inputs (JSON)\n"
            "  -o, --proof FILE       proof to write\n"
            "      --output FILE      public outputs to write (JSON)\n"
            "  -p, --private-input    keep the input hidden: commit to it inside the proof\n"
            "                         (OUT.json then names its \"input_commitment\")\n"
            "      --json             print the stage summary (docs/stages.md) on stdout\n"
            "  -q, --quiet            no progress on stderr\n"
            "  -h, --help             this help\n");
}

static void usage_verify(FILE *f)
{
    fprintf(f,
            "Usage: zkmlops infer verify --commitment M.com [--input IN.json] --output OUT.json P.zkp\n"
            "                            [--json] [--quiet]\n\n"
            "Check an inference proof against the public model commitment, the inputs and the\n"
            "claimed outputs. A proof made with --private-input is about a hidden input: verify\n"
            "it without --input (with --input it is rejected: it says nothing about those values).\n"
            "(\"output_fixed\" of OUT.json). Exit 0 valid, 1 rejected, 2 bad input.\n\n"
            "Options:\n"
            "  -c, --commitment FILE  public model commitment (.com)\n"
            "  -i, --input FILE       inputs (JSON), for public-input proofs\n"
            "      --output FILE      claimed outputs (JSON)\n"
            "      --json             print the stage summary (docs/stages.md) on stdout\n"
            "  -q, --quiet            no progress on stderr\n"
            "  -h, --help             this help\n");
}

static cJSON *io_entry(const char *role, const char *file, const uint8_t id[32])
{
    cJSON *o = cJSON_CreateObject();
    char hex[65];
    zk_digest_hex(hex, id);
    cJSON_AddStringToObject(o, "role", role);
    cJSON_AddStringToObject(o, "file", file);
    cJSON_AddStringToObject(o, "id", hex);
    return o;
}

static void print_json(cJSON *o)
{
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    if (s) {
        printf("%s\n", s);
        fflush(stdout);
    }
    free(s);
    cJSON_Delete(o);
}

static int infer_prove(int argc, char **argv)
{
    enum { OPT_OUTPUT = 1000, OPT_JSON };
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},
                                         {"input", required_argument, 0, 'i'},
                                         {"proof", required_argument, 0, 'o'},
                                         {"output", required_argument, 0, OPT_OUTPUT},
                                         {"private-input", no_argument, 0, 'p'},
                                         {"json", no_argument, 0, OPT_JSON},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *model = NULL, *input = NULL, *proof_path = NULL, *out_path = NULL;
    int priv = 0, json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:i:o:pqh", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model = optarg; break;
        case 'i': input = optarg; break;
        case 'o': proof_path = optarg; break;
        case OPT_OUTPUT: out_path = optarg; break;
        case 'p': priv = 1; break;
        case OPT_JSON: json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_prove(stdout); return 0;
        default: return cli_usage_error("infer prove", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("infer prove", "unexpected argument '%s'", argv[optind]);
    if (!model || !input || !proof_path || !out_path)
        return cli_usage_error("infer prove", "--model, --input, -o and --output are required");
    zk_model_private p;
    int st = zk_model_private_load(model, &p);
    if (st != ZK_OK)
        return cli_fail(st);
    const zk_model *m = &p.model;
    uint64_t in_size = zk_model_input_size(m), out_size = zk_model_output_size(m);
    uint32_t in_scale = m->tensors[m->input].scale, out_scale = m->tensors[m->output].scale;
    cli_progress("infer", "loaded %s: %u nodes, %llu parameters, input %llu, output %llu values", model, m->n_nodes,
                 (unsigned long long)p.com.n_params, (unsigned long long)in_size, (unsigned long long)out_size);
    int64_t *in = NULL, *out = NULL;
    uint32_t batch = 0;
    char *text = NULL;
    zk_wbuf proof;
    zk_wbuf_init(&proof);
    zk_infer_info info, vinfo;
    memset(&vinfo, 0, sizeof vinfo);
    double t_prove = 0;
    if ((st = zk_infer_input_load(input, in_size, in_scale, m->act_bits, &in, &batch)) != ZK_OK)
        goto done;
    if (!(out = malloc(out_size * batch * sizeof *out))) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    cli_progress("infer", "batch of %u example%s from %s%s", batch, batch == 1 ? "" : "s", input,
                 priv ? " (private input)" : "");
    double t0 = cli_now();
    st = zk_infer_prove(&p, in, batch, priv, out, &proof, &info);
    t_prove = cli_now() - t0;
    if (st != ZK_OK)
        goto done;
    cli_progress("infer", "proved %u constraints in %.2f s, proof %zu bytes", info.constraints, t_prove, proof.len);
    /* Self-check (also yields the security figures of the summary). */
    if ((st = zk_infer_verify(&p.com, priv ? NULL : in, out, batch, proof.data, proof.len, &vinfo)) != ZK_OK) {
        zk_error_prefix((zk_status)st, "internal error: the new proof does not verify");
        st = ZK_ERR_INPUT;
        goto done;
    }
    if (!(text = zk_infer_output_json(out, batch, out_size, out_scale, &info))) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* Persist the used opening before the proof is published. */
    if ((st = zk_model_private_save(model, NULL, &p)) != ZK_OK)
        goto done;
    if ((st = zk_write_file_atomic(proof_path, proof.data, proof.len)) != ZK_OK)
        goto done;
    {
        size_t tl = strlen(text);
        char *t2 = realloc(text, tl + 2);
        if (!t2) {
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
            remove(proof_path);
            goto done;
        }
        text = t2;
        text[tl] = '\n';
        text[tl + 1] = 0;
        if ((st = zk_write_file_atomic(out_path, text, tl + 1)) != ZK_OK) {
            remove(proof_path);
            goto done;
        }
    }
    cli_progress("infer", "%s: %llu zero-knowledge openings of the model commitment left", model,
                 (unsigned long long)zk_model_openings_left(&p));
    if (json) {
        char *com_path = cli_sibling_path(model, ".zkm", ".com");
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "stage", "infer");
        cJSON_AddStringToObject(o, "statement", priv ? STATEMENT_PRIV : STATEMENT);
        cJSON *ins = cJSON_AddArrayToObject(o, "inputs");
        cJSON_AddItemToArray(ins, io_entry("model", com_path ? com_path : model, info.model_id));
        if (priv)
            cJSON_AddItemToArray(ins, io_entry("input", proof_path, info.input_com_id));
        cJSON_AddArrayToObject(o, "outputs");
        cJSON_AddItemToObject(o, "public", cJSON_Parse(text));
        cJSON_AddStringToObject(o, "public_file", out_path);
        cJSON_AddStringToObject(o, "proof", proof_path);
        cJSON_AddNumberToObject(o, "proof_bytes", (double)proof.len);
        cJSON_AddNumberToObject(o, "security_bits", vinfo.sec.security_bits);
        cJSON *par = cJSON_AddObjectToObject(o, "parameters");
        cJSON_AddNumberToObject(par, "constraints", info.constraints);
        cJSON_AddNumberToObject(par, "witness_vars", info.wires);
        cJSON_AddNumberToObject(par, "batch", batch);
        cJSON_AddNumberToObject(par, "model_parameters", (double)p.com.n_params);
        cJSON_AddStringToObject(par, "whir", "rate 1/4, folding 4");
        cJSON_AddNumberToObject(o, "prover_seconds", t_prove);
        print_json(o);
        free(com_path);
    }
done:
    free(text);
    free(in);
    free(out);
    zk_wbuf_free(&proof);
    zk_model_private_free(&p);
    return st == ZK_OK ? 0 : cli_fail(st);
}

static int infer_verify(int argc, char **argv)
{
    enum { OPT_OUTPUT = 1000, OPT_JSON };
    static const struct option opts[] = {{"commitment", required_argument, 0, 'c'},
                                         {"input", required_argument, 0, 'i'},
                                         {"output", required_argument, 0, OPT_OUTPUT},
                                         {"json", no_argument, 0, OPT_JSON},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *com_path = NULL, *input = NULL, *out_path = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:i:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': com_path = optarg; break;
        case 'i': input = optarg; break;
        case OPT_OUTPUT: out_path = optarg; break;
        case OPT_JSON: json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_verify(stdout); return 0;
        default: return cli_usage_error("infer verify", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("infer verify", "expected exactly one proof file");
    if (!com_path || !out_path)
        return cli_usage_error("infer verify", "--commitment and --output are required");
    const char *proof_path = argv[optind];
    zk_model_commitment com;
    memset(&com, 0, sizeof com);
    int64_t *in = NULL, *out = NULL;
    uint8_t *proof = NULL;
    size_t proof_len = 0;
    uint32_t batch_in = 0, batch_out = 0;
    char mid[65] = "", iid[65] = "";
    zk_infer_info info;
    memset(&info, 0, sizeof info);
    uint8_t model_id[32] = {0};
    double t0 = cli_now(), t_verify = 0;
    int st = zk_model_commitment_load(com_path, &com);
    if (st != ZK_OK)
        goto done;
    if ((st = zk_model_commitment_id(model_id, &com)) != ZK_OK)
        goto done;
    const zk_model *m = &com.arch;
    if ((st = zk_read_file(proof_path, (size_t)zk_limit(ZK_LIMIT_PROOF_BYTES), &proof, &proof_len)) != ZK_OK)
        goto done;
    if ((st = zk_infer_proof_statement(proof, proof_len, &info)) != ZK_OK) {
        zk_error_prefix((zk_status)st, proof_path);
        goto done;
    }
    if ((st = zk_infer_output_load(out_path, zk_model_output_size(m), m->tensors[m->output].scale, &out, &batch_out,
                                   mid, iid)) != ZK_OK)
        goto done;
    if (input) {
        if ((st = zk_infer_input_load(input, zk_model_input_size(m), m->tensors[m->input].scale, m->act_bits, &in,
                                      &batch_in)) != ZK_OK)
            goto done;
        if (batch_in != batch_out) {
            st = zk_set_error(ZK_ERR_INPUT, "%s has %u examples but %s has %u outputs", input, batch_in, out_path,
                              batch_out);
            goto done;
        }
    } else if (!info.private_input) {
        st = zk_set_error(ZK_ERR_INPUT, "%s: the proof has a public input; pass --input", proof_path);
        goto done;
    }
    if (mid[0]) {
        char hex[65];
        zk_digest_hex(hex, model_id);
        if (strcmp(hex, mid) != 0) {
            st = zk_set_error(ZK_ERR_REJECT, "%s names model commitment %.16s..., but %s is %.16s...", out_path, mid,
                              com_path, hex);
            goto done;
        }
    }
    if (iid[0]) {
        char hex[65];
        zk_digest_hex(hex, info.input_com_id);
        if (!info.private_input || strcmp(hex, iid) != 0) {
            st = zk_set_error(ZK_ERR_REJECT, "%s names input commitment %.16s..., the proof %s", out_path, iid,
                              info.private_input ? "commits to another input" : "has a public input");
            goto done;
        }
    }
    cli_progress("infer", "verifying %s: batch of %u, %s input", proof_path, batch_out,
                 info.private_input ? "private" : "public");
    t0 = cli_now();
    st = zk_infer_verify(&com, in, out, batch_out, proof, proof_len, &info);
    t_verify = cli_now() - t0;
    if (st != ZK_OK)
        zk_error_prefix((zk_status)st, proof_path);
done:
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "stage", "infer");
        cJSON_AddBoolToObject(o, "valid", st == ZK_OK);
        cJSON_AddStringToObject(o, "reason", st == ZK_OK ? "" : zk_last_error());
        cJSON_AddNumberToObject(o, "security_bits", st == ZK_OK ? info.sec.security_bits : 0.0);
        cJSON_AddNumberToObject(o, "verify_seconds", t_verify);
        cJSON *ins = cJSON_AddArrayToObject(o, "inputs");
        cJSON_AddItemToArray(ins, io_entry("model", com_path, model_id));
        if (info.private_input)
            cJSON_AddItemToArray(ins, io_entry("input", proof_path, info.input_com_id));
        cJSON_AddArrayToObject(o, "outputs");
        uint8_t *pub = NULL;
        size_t pl = 0;
        cJSON *pj = NULL;
        if (zk_read_file(out_path, (size_t)1 << 30, &pub, &pl) == ZK_OK)
            pj = cJSON_ParseWithLength((const char *)pub, pl);
        free(pub);
        cJSON_AddItemToObject(o, "public", pj ? pj : cJSON_CreateObject());
        print_json(o);
    }
    if (st == ZK_OK)
        cli_progress("infer", "valid (%.1f bits, verified in %.3f s)", info.sec.security_bits, t_verify);
    free(in);
    free(out);
    free(proof);
    zk_model_commitment_free(&com);
    return st == ZK_OK ? 0 : cli_fail(st);
}


/* ---- example-model: a random dense model, for tests and benchmarks ---- */
static void usage_example(FILE *f)
{
    fprintf(f,
            "Usage: zkmlops infer example-model --dims D0,D1,...,DL -o M.zkm [--act relu|sigmoid|none]\n"
            "                                   [--seed N] [--scale S] [--quiet]\n\n"
            "Write a dense network with random weights (layers D0 -> D1 -> ... -> DL, the\n"
            "activation after every layer but the last; weights uniform in [-1/sqrt(D), 1/sqrt(D)]\n"
            "at scale 2^S, default 12) and commit to it: M.zkm (private) and M.com (public).\n"
            "For tests and benchmarks; real models come from `zkmlops model commit` (ONNX)\n"
            "or `zkmlops train prove`.\n");
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int infer_example(int argc, char **argv)
{
    static const struct option opts[] = {{"dims", required_argument, 0, 'd'}, {"output", required_argument, 0, 'o'},
                                         {"act", required_argument, 0, 'a'},  {"seed", required_argument, 0, 's'},
                                         {"scale", required_argument, 0, 'S'}, {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},       {0, 0, 0, 0}};
    const char *dims_s = NULL, *out = NULL, *act_s = "relu";
    uint64_t seed = 1;
    long scale = 12;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:o:a:s:S:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': dims_s = optarg; break;
        case 'o': out = optarg; break;
        case 'a': act_s = optarg; break;
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'S': {
            char *end;
            scale = strtol(optarg, &end, 10);
            if (*end || scale < 5 || scale > 20)
                return cli_usage_error("infer example-model", "--scale must be an integer in 5..20");
            break;
        }
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_example(stdout); return 0;
        default: return cli_usage_error("infer example-model", "invalid option");
        }
    }
    if (optind != argc || !dims_s || !out)
        return cli_usage_error("infer example-model", "--dims and -o are required");
    zk_op act;
    if (strcmp(act_s, "relu") == 0)
        act = ZK_OP_RELU;
    else if (strcmp(act_s, "sigmoid") == 0)
        act = ZK_OP_SIGMOID;
    else if (strcmp(act_s, "none") == 0)
        act = ZK_OP_IDENTITY;
    else
        return cli_usage_error("infer example-model", "--act must be relu, sigmoid or none");
    uint32_t dims[17];
    uint32_t nd = 0;
    const char *q = dims_s;
    while (*q) {
        char *end;
        long v = strtol(q, &end, 10);
        if (end == q || v < 1 || v > 65536 || nd >= 17 || (*end && *end != ','))
            return cli_usage_error("infer example-model", "--dims must be 2..17 comma-separated widths in 1..65536");
        dims[nd++] = (uint32_t)v;
        q = *end ? end + 1 : end;
    }
    if (nd < 2)
        return cli_usage_error("infer example-model", "--dims needs at least two widths");
    uint32_t L = nd - 1;
    zk_op acts[16];
    int64_t *w[16] = {0}, *b[16] = {0};
    int st = ZK_OK;
    for (uint32_t l = 0; l < L && st == ZK_OK; l++) {
        acts[l] = l + 1 < L ? act : ZK_OP_IDENTITY;
        size_t n = (size_t)dims[l] * dims[l + 1];
        w[l] = malloc(n * sizeof *w[l]);
        b[l] = malloc(dims[l + 1] * sizeof *b[l]);
        if (!w[l] || !b[l]) {
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
            break;
        }
        double lim = (double)((int64_t)1 << scale) / sqrt((double)dims[l]);
        for (size_t i = 0; i < n; i++)
            w[l][i] = (int64_t)((double)(splitmix(&seed) >> 11) / 9007199254740992.0 * 2.0 * lim - lim);
        for (uint32_t i = 0; i < dims[l + 1]; i++)
            b[l][i] = (int64_t)((double)(splitmix(&seed) >> 11) / 9007199254740992.0 * lim - lim / 2);
    }
    zk_model m;
    memset(&m, 0, sizeof m);
    zk_model_private p;
    memset(&p, 0, sizeof p);
    char *com_path = NULL;
    if (st == ZK_OK)
        st = zk_model_dense(&m, L, dims, acts, (uint32_t)scale, (const int64_t *const *)w, (const int64_t *const *)b);
    if (st == ZK_OK)
        st = zk_model_commit(&p, &m);
    if (st == ZK_OK && !(com_path = cli_sibling_path(out, ".zkm", ".com")))
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (st == ZK_OK)
        st = zk_model_private_save(out, com_path, &p);
    if (st == ZK_OK)
        cli_progress("infer", "wrote %s and %s: %llu parameters", out, com_path, (unsigned long long)p.com.n_params);
    for (uint32_t l = 0; l < L; l++) {
        free(w[l]);
        free(b[l]);
    }
    free(com_path);
    zk_model_private_free(&p);
    zk_model_free(&m);
    return st == ZK_OK ? 0 : cli_fail(st);
}

int cmd_infer(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        fprintf(f, "Usage: zkmlops infer prove|verify ... (zkmlops infer prove --help)\n\n");
        usage_prove(f);
        fprintf(f, "\n");
        usage_verify(f);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "prove") == 0)
        return infer_prove(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return infer_verify(argc - 1, argv + 1);
    if (strcmp(argv[1], "example-model") == 0)
        return infer_example(argc - 1, argv + 1);
    return cli_usage_error("infer", "unknown verb '%s' (expected: prove, verify, example-model)", argv[1]);
}
