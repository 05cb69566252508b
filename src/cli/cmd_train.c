/* zkmlops train prove | verify: proofs of training (train.h, docs/training.md). */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "zkmlops/limits.h"
#include "zkmlops/proof.h"
#include "zkmlops/train.h"

#define TRAIN_JSON_MAX ((size_t)1 << 20)

static const char k_statement[] =
    "The committed model's weights are exactly the result of the declared fixed-point training (spec file, "
    "bound by its SHA-256) run on the committed training set, starting from the declared initial weights; "
    "every epoch is proved (chain of chunk proofs linked through weight commitments).";

static void usage_prove(FILE *f)
{
    fprintf(f, "Usage: zkmlops train prove --data T.zkd --spec S.json --model M.zkm -o P.zkp --output O.json\n"
               "                           [--json] [--quiet]\n\n"
               "Train the model the spec declares (logistic regression or a one-hidden-layer ReLU MLP,\n"
               "exact fixed-point SGD, docs/training.md) on a committed training set, commit the trained\n"
               "weights (M.zkm private, M.com public beside it) and prove, in zero knowledge, that the\n"
               "committed weights are what that training produces.\n\n"
               "Options:\n"
               "  -d, --data FILE       private training set (.zkd; label = last column)\n"
               "  -s, --spec FILE       training spec (JSON, docs/training.md)\n"
               "  -m, --model FILE      private model output (.zkm; the .com is written beside it)\n"
               "  -o, --proof FILE      proof output\n"
               "      --output FILE     public claims output (JSON)\n"
               "      --json            stage summary on stdout (docs/stages.md)\n"
               "  -q, --quiet           no progress on stderr\n"
               "  -h, --help            this help\n");
}

static void usage_verify(FILE *f)
{
    fprintf(f, "Usage: zkmlops train verify --data T.com --spec S.json --model M.com --output O.json P.zkp\n"
               "                            [--json] [--quiet]\n\n"
               "Check a training proof (every chunk of the chain) against the training-set commitment,\n"
               "the spec and the model commitment. Exit status: 0 valid, 1 proof rejected, 2 bad input.\n\n"
               "Options:\n"
               "  -d, --data FILE       public training-set commitment (.com)\n"
               "  -s, --spec FILE       training spec (JSON)\n"
               "  -m, --model FILE      public model commitment (.com)\n"
               "      --output FILE     the public claims (written by 'train prove')\n"
               "      --json            machine-readable result on stdout\n"
               "  -q, --quiet           no progress on stderr\n"
               "  -h, --help            this help\n");
}

static int load_spec(const char *path, zk_train_spec *s, uint8_t digest[ZK_HASH_BYTES])
{
    uint8_t *text = NULL;
    size_t len = 0;
    int st = zk_read_file(path, TRAIN_JSON_MAX, &text, &len);
    if (st != ZK_OK)
        return st;
    zk_sha256(digest, text, len);
    st = zk_train_spec_parse(s, path, (const char *)text, len);
    free(text);
    return st;
}

static const char *kind_name(const zk_train_spec *s) { return s->kind == ZK_TRAIN_MLP ? "mlp" : "logreg"; }

/* The public claims: everything in it follows from the spec, the spec file
 * digest and the two commitments, so the verifier recomputes it and compares. */
static cJSON *public_json(const zk_train_spec *s, const char *spec_hex, const char *dhex, const char *mhex,
                          const zk_dataset_meta *m)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    uint32_t d = m->n_cols - 1;
    cJSON_AddStringToObject(o, "format", "zkmlops-train/v1");
    cJSON_AddStringToObject(o, "spec_sha256", spec_hex);
    cJSON_AddStringToObject(o, "data_commitment", dhex);
    cJSON_AddStringToObject(o, "model_commitment", mhex);
    cJSON_AddStringToObject(o, "model", kind_name(s));
    if (s->kind == ZK_TRAIN_MLP)
        cJSON_AddNumberToObject(o, "hidden", s->hidden);
    cJSON_AddNumberToObject(o, "rows", m->n_rows);
    cJSON_AddNumberToObject(o, "features", d);
    cJSON_AddStringToObject(o, "label", s->label);
    cJSON_AddNumberToObject(o, "parameters", zk_train_n_params(s, d));
    cJSON_AddNumberToObject(o, "epochs", s->epochs);
    cJSON_AddNumberToObject(o, "batch_size", s->batch_size ? s->batch_size : m->n_rows);
    cJSON_AddNumberToObject(o, "steps", (double)s->epochs * zk_train_steps_per_epoch(s, m->n_rows));
    cJSON_AddNumberToObject(o, "learning_rate_fixed", (double)s->lr);
    cJSON_AddNumberToObject(o, "scale_bits", s->scale);
    cJSON_AddNumberToObject(o, "chunks", zk_train_n_chunks(s));
    return o;
}

static cJSON *io_item(const char *role, const char *file, const char *hex)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "role", role);
    cJSON_AddStringToObject(o, "file", file);
    cJSON_AddStringToObject(o, "id", hex);
    return o;
}

static void print_json(cJSON *o)
{
    char *t = cJSON_PrintUnformatted(o);
    if (t)
        printf("%s\n", t);
    free(t);
}

static int write_json_file(const char *path, const cJSON *o)
{
    char *t = cJSON_Print(o);
    if (!t)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    size_t tl = strlen(t);
    char *b = malloc(tl + 2);
    int st;
    if (!b)
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    else {
        memcpy(b, t, tl);
        b[tl] = '\n';
        st = zk_write_file_atomic(path, b, tl + 1);
    }
    free(b);
    free(t);
    return st;
}

static int train_prove(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},   {"spec", required_argument, 0, 's'},
                                         {"model", required_argument, 0, 'm'},  {"proof", required_argument, 0, 'o'},
                                         {"output", required_argument, 0, 'O'}, {"json", no_argument, 0, 'j'},
                                         {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *data_path = NULL, *spec_path = NULL, *model_path = NULL, *proof_path = NULL, *out_path = NULL;
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:s:m:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data_path = optarg; break;
        case 's': spec_path = optarg; break;
        case 'm': model_path = optarg; break;
        case 'o': proof_path = optarg; break;
        case 'O': out_path = optarg; break;
        case 'j': as_json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_prove(stdout); return 0;
        default: return cli_usage_error("train prove", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("train prove", "unexpected argument '%s'", argv[optind]);
    if (!data_path || !spec_path || !model_path || !proof_path || !out_path)
        return cli_usage_error("train prove", "--data, --spec, --model, -o and --output are required");
    char *model_com = cli_sibling_path(model_path, ".zkm", ".com");
    char *data_com = cli_sibling_path(data_path, ".zkd", ".com");
    zk_train_spec spec;
    uint8_t sdg[ZK_HASH_BYTES];
    zk_dataset_private dp;
    zk_model_private mp;
    memset(&dp, 0, sizeof dp);
    memset(&mp, 0, sizeof mp);
    zk_wbuf proof;
    zk_wbuf_init(&proof);
    cJSON *pub = NULL;
    zk_train_report rep;
    memset(&rep, 0, sizeof rep);
    int st = (!model_com || !data_com) ? zk_set_error(ZK_ERR_NOMEM, "out of memory") : ZK_OK;
    if (st == ZK_OK)
        st = load_spec(spec_path, &spec, sdg);
    if (st == ZK_OK)
        st = zk_dataset_private_load(data_path, &dp);
    if (st == ZK_OK) {
        cli_progress("train", "%s: %u rows x %u features; %s, %u epochs, %u chunk proof(s)", data_path,
                     dp.com.meta.n_rows, dp.com.meta.n_cols ? dp.com.meta.n_cols - 1 : 0, kind_name(&spec),
                     spec.epochs, zk_train_n_chunks(&spec));
        st = zk_train_prove(&spec, sdg, &dp, &mp, &proof, &rep);
        if (st != ZK_OK) {
            char pre[512];
            snprintf(pre, sizeof pre, "train prove (%s, %s)", data_path, spec_path);
            zk_error_prefix((zk_status)st, pre);
        }
    }
    /* the dataset's opening counter first (before anything is published) */
    if (st == ZK_OK) {
        zk_wbuf w;
        zk_wbuf_init(&w);
        zk_dataset_private_write(&w, &dp);
        st = w.oom ? (int)zk_set_error(ZK_ERR_NOMEM, "out of memory") : zk_write_file_atomic(data_path, w.data, w.len);
        if (w.data)
            memset(w.data, 0, w.len);
        zk_wbuf_free(&w);
    }
    zk_train_report vr;
    memset(&vr, 0, sizeof vr);
    if (st == ZK_OK) {
        cli_progress("train", "proved in %.2f s (%llu constraints), proof %zu bytes; self-check", rep.seconds,
                     (unsigned long long)rep.constraints, proof.len);
        st = zk_train_verify(&spec, sdg, &dp.com, &mp.com, proof.data, proof.len, &vr);
        if (st != ZK_OK)
            st = zk_error_prefix(ZK_ERR_INPUT, "internal error: the fresh training proof does not verify");
    }
    char shex[65] = {0}, dhex[65] = {0}, mhex[65] = {0};
    if (st == ZK_OK) {
        uint8_t id[ZK_HASH_BYTES];
        zk_digest_hex(shex, sdg);
        if (zk_dataset_commitment_id(id, &dp.com) != ZK_OK)
            st = ZK_ERR_NOMEM;
        zk_digest_hex(dhex, id);
        if (st == ZK_OK && zk_model_commitment_id(id, &mp.com) != ZK_OK)
            st = ZK_ERR_NOMEM;
        zk_digest_hex(mhex, id);
        if (st == ZK_OK && !(pub = public_json(&spec, shex, dhex, mhex, &dp.com.meta)))
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    if (st == ZK_OK)
        st = zk_model_private_save(model_path, model_com, &mp);
    if (st == ZK_OK)
        st = zk_write_file_atomic(proof_path, proof.data, proof.len);
    if (st == ZK_OK && (st = write_json_file(out_path, pub)) != ZK_OK)
        remove(proof_path);
    if (st == ZK_OK) {
        if (as_json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "stage", "train");
            cJSON_AddStringToObject(o, "statement", k_statement);
            cJSON *in = cJSON_AddArrayToObject(o, "inputs");
            cJSON_AddItemToArray(in, io_item("train", data_com, dhex));
            cJSON_AddItemToArray(in, io_item("spec", spec_path, shex));
            cJSON *outs = cJSON_AddArrayToObject(o, "outputs");
            cJSON_AddItemToArray(outs, io_item("model", model_com, mhex));
            cJSON_AddItemToObject(o, "public", cJSON_Duplicate(pub, 1));
            cJSON_AddStringToObject(o, "public_file", out_path);
            cJSON_AddStringToObject(o, "proof", proof_path);
            cJSON_AddNumberToObject(o, "proof_bytes", (double)proof.len);
            cJSON_AddNumberToObject(o, "security_bits", vr.security_bits);
            cJSON *par = cJSON_AddObjectToObject(o, "parameters");
            cJSON_AddNumberToObject(par, "constraints", (double)rep.constraints);
            cJSON_AddNumberToObject(par, "max_chunk_constraints", (double)rep.max_chunk_constraints);
            cJSON_AddNumberToObject(par, "chunks", rep.n_chunks);
            cJSON_AddStringToObject(par, "whir", "rate 1/4, folding 4");
            cJSON_AddNumberToObject(o, "prover_seconds", rep.seconds);
            print_json(o);
            cJSON_Delete(o);
        } else {
            printf("trained %s (%u epochs) on %s: model %s (%.16s...), proof %s (%zu bytes, %u chunk proofs, "
                   "%llu constraints, %.2f s), public claims %s\n",
                   kind_name(&spec), spec.epochs, data_com, model_com, mhex, proof_path, proof.len, rep.n_chunks,
                   (unsigned long long)rep.constraints, rep.seconds, out_path);
        }
    }
    cJSON_Delete(pub);
    zk_wbuf_free(&proof);
    zk_model_private_free(&mp);
    zk_dataset_private_free(&dp);
    free(model_com);
    free(data_com);
    return st == ZK_OK ? 0 : cli_fail(st);
}

static int train_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},   {"spec", required_argument, 0, 's'},
                                         {"model", required_argument, 0, 'm'},  {"output", required_argument, 0, 'O'},
                                         {"json", no_argument, 0, 'j'},         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    const char *data_path = NULL, *spec_path = NULL, *model_path = NULL, *out_path = NULL;
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:s:m:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data_path = optarg; break;
        case 's': spec_path = optarg; break;
        case 'm': model_path = optarg; break;
        case 'O': out_path = optarg; break;
        case 'j': as_json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_verify(stdout); return 0;
        default: return cli_usage_error("train verify", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("train verify", "expected exactly one proof file");
    if (!data_path || !spec_path || !model_path || !out_path)
        return cli_usage_error("train verify", "--data, --spec, --model and --output are required");
    const char *proof_path = argv[optind];
    zk_train_spec spec;
    uint8_t sdg[ZK_HASH_BYTES];
    zk_dataset_commitment dc;
    zk_model_commitment mc;
    memset(&dc, 0, sizeof dc);
    memset(&mc, 0, sizeof mc);
    cJSON *pub = NULL, *claimed = NULL;
    uint8_t *proof = NULL, *ptext = NULL;
    size_t plen = 0, tlen = 0;
    zk_train_report vr;
    memset(&vr, 0, sizeof vr);
    char shex[65] = {0}, dhex[65] = {0}, mhex[65] = {0};
    int st = load_spec(spec_path, &spec, sdg);
    if (st == ZK_OK)
        st = zk_dataset_commitment_load(data_path, &dc);
    if (st == ZK_OK)
        st = zk_model_commitment_load(model_path, &mc);
    if (st == ZK_OK) {
        uint8_t id[ZK_HASH_BYTES];
        zk_digest_hex(shex, sdg);
        if (zk_dataset_commitment_id(id, &dc) != ZK_OK)
            st = ZK_ERR_NOMEM;
        zk_digest_hex(dhex, id);
        if (st == ZK_OK && zk_model_commitment_id(id, &mc) != ZK_OK)
            st = ZK_ERR_NOMEM;
        zk_digest_hex(mhex, id);
        if (st == ZK_OK && dc.meta.n_cols < 2)
            st = zk_set_error(ZK_ERR_INPUT, "%s: the training set needs features and a label column", data_path);
        if (st == ZK_OK && !(pub = public_json(&spec, shex, dhex, mhex, &dc.meta)))
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    /* the claimed public file must be exactly what the inputs imply */
    if (st == ZK_OK)
        st = zk_read_file(out_path, TRAIN_JSON_MAX, &ptext, &tlen);
    if (st == ZK_OK) {
        claimed = cJSON_ParseWithLength((const char *)ptext, tlen);
        if (!claimed)
            st = zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", out_path);
        else if (!cJSON_Compare(pub, claimed, 1)) {
            const cJSON *it;
            const char *bad = "(extra fields)";
            cJSON_ArrayForEach(it, pub)
            {
                const cJSON *o = cJSON_GetObjectItemCaseSensitive(claimed, it->string);
                if (!o || !cJSON_Compare(it, o, 1)) {
                    bad = it->string;
                    break;
                }
            }
            st = zk_set_error(ZK_ERR_REJECT, "%s: $.%s does not match the spec and the commitments", out_path, bad);
        }
    }
    if (st == ZK_OK)
        st = zk_read_file(proof_path, (size_t)zk_limit(ZK_LIMIT_PROOF_BYTES), &proof, &plen);
    if (st == ZK_OK) {
        cli_progress("train", "verifying %u chunk proof(s)", zk_train_n_chunks(&spec));
        st = zk_train_verify(&spec, sdg, &dc, &mc, proof, plen, &vr);
        if (st != ZK_OK)
            zk_error_prefix((zk_status)st, proof_path);
    }
    if (as_json && (st == ZK_OK || st == ZK_ERR_REJECT)) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "stage", "train");
        cJSON_AddBoolToObject(o, "valid", st == ZK_OK);
        cJSON_AddStringToObject(o, "reason", st == ZK_OK ? "" : zk_last_error());
        cJSON_AddNumberToObject(o, "security_bits", vr.security_bits);
        cJSON_AddNumberToObject(o, "verify_seconds", vr.seconds);
        cJSON *in = cJSON_AddArrayToObject(o, "inputs");
        cJSON_AddItemToArray(in, io_item("train", data_path, dhex));
        cJSON_AddItemToArray(in, io_item("spec", spec_path, shex));
        cJSON *outs = cJSON_AddArrayToObject(o, "outputs");
        cJSON_AddItemToArray(outs, io_item("model", model_path, mhex));
        if (pub)
            cJSON_AddItemToObject(o, "public", cJSON_Duplicate(pub, 1));
        else
            cJSON_AddObjectToObject(o, "public");
        print_json(o);
        cJSON_Delete(o);
    } else if (st == ZK_OK) {
        printf("VALID: training proof: model %.16s... = %s trained %u epochs (%u chunk proofs) on training set "
               "%.16s... (%u rows) with spec %s\n",
               mhex, kind_name(&spec), spec.epochs, vr.n_chunks, dhex, dc.meta.n_rows, spec_path);
        printf("security: %.1f bits; proof %zu bytes, verified in %.3f s; zero-knowledge (weights and data hidden)\n",
               vr.security_bits, plen, vr.seconds);
    }
    cli_progress("train", "%s", st == ZK_OK ? "valid" : "rejected");
    cJSON_Delete(pub);
    cJSON_Delete(claimed);
    free(proof);
    free(ptext);
    zk_model_commitment_free(&mc);
    zk_dataset_commitment_free(&dc);
    return st == ZK_OK ? 0 : cli_fail(st);
}

int cmd_train(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        fprintf(f, "Usage: zkmlops train prove|verify [options]   (zkmlops train prove --help)\n");
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "prove") == 0)
        return train_prove(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return train_verify(argc - 1, argv + 1);
    return cli_usage_error("train", "unknown verb '%s' (expected prove or verify)", argv[1]);
}
