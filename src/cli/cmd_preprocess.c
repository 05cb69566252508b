/* zkmlops preprocess prove | verify (docs/preprocessing.md, docs/stages.md) */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "zkmlops/limits.h"
#include "zkmlops/preprocess.h"
#include "zkmlops/proof.h"

#define STATEMENT                                                                                          \
    "the train and test dataset commitments hold exactly the declared pipeline applied to the rows of "   \
    "the raw dataset commitment (public row filter, transforms with statistics computed from the data, "   \
    "public seeded split), and the published train-set means, standard deviations and histograms are "      \
    "those of the committed train set"

static void usage_prove(FILE *f)
{
    fprintf(f, "Usage: zkmlops preprocess prove --data RAW.zkd --pipeline PREP.json --train TRAIN.zkd --test TEST.zkd\n"
               "                                -o PREP.zkp --output PREP_PUBLIC.json [--json] [--quiet]\n\n"
               "Apply a declarative preprocessing pipeline (docs/preprocessing.md) to a committed raw\n"
               "dataset, commit to the train and test sets (TRAIN.zkd/.com, TEST.zkd/.com, label column\n"
               "last) and prove in zero knowledge that they are exactly the pipeline's output. Writes the\n"
               "proof and the public claims (row counts, dropped rows, per-feature train mean, std and\n"
               "10-bin histogram). Uses one zero-knowledge opening of RAW.zkd (rewritten).\n\n"
               "Options:\n"
               "  -d, --data FILE       private raw dataset from 'zkmlops data commit'\n"
               "  -p, --pipeline FILE   pipeline JSON\n"
               "      --train FILE      train set output (.zkd; the .com goes beside it)\n"
               "      --test FILE       test set output (.zkd; the .com goes beside it)\n"
               "  -o, --proof FILE      proof output\n"
               "      --output FILE     public claims output (JSON)\n"
               "      --json            print the stage summary (docs/stages.md) on stdout\n"
               "  -q, --quiet           no progress on stderr\n"
               "  -h, --help            this help\n");
}

static void usage_verify(FILE *f)
{
    fprintf(f, "Usage: zkmlops preprocess verify --commitment RAW.com --pipeline PREP.json --train TRAIN.com\n"
               "                                 --test TEST.com --output PREP_PUBLIC.json PREP.zkp [--json] [--quiet]\n\n"
               "Check that TRAIN.com and TEST.com are the pipeline applied to RAW.com, with the claims in\n"
               "PREP_PUBLIC.json. Exit status: 0 valid, 1 proof rejected, 2 bad input.\n\n"
               "Options:\n"
               "  -c, --commitment FILE raw dataset commitment (.com)\n"
               "  -p, --pipeline FILE   pipeline JSON\n"
               "      --train FILE      train set commitment (.com)\n"
               "      --test FILE       test set commitment (.com)\n"
               "      --output FILE     public claims written by 'preprocess prove'\n"
               "      --json            machine-readable result on stdout\n"
               "  -q, --quiet           no progress on stderr\n"
               "  -h, --help            this help\n");
}

static cJSON *io_entry(const char *role, const char *file, const uint8_t id[32])
{
    char hex[65];
    zk_digest_hex(hex, id);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "role", role);
    cJSON_AddStringToObject(o, "file", file);
    cJSON_AddStringToObject(o, "id", hex);
    return o;
}

static void print_json(cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    if (s)
        printf("%s\n", s);
    free(s);
    cJSON_Delete(o);
}

static int write_private(const char *path, const zk_dataset_private *p)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_dataset_private_write(&w, p);
    int st = w.oom ? (int)zk_set_error(ZK_ERR_NOMEM, "out of memory") : zk_write_file_atomic(path, w.data, w.len);
    if (w.data)
        memset(w.data, 0, w.len);
    zk_wbuf_free(&w);
    return st;
}

static int write_commitment(const char *path, const zk_dataset_commitment *c)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_dataset_commitment_write(&w, c);
    int st = w.oom ? (int)zk_set_error(ZK_ERR_NOMEM, "out of memory") : zk_write_file_atomic(path, w.data, w.len);
    zk_wbuf_free(&w);
    return st;
}

enum { OPT_TRAIN = 1000, OPT_TEST, OPT_OUTPUT, OPT_JSON };

static int prep_prove(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"pipeline", required_argument, 0, 'p'},
                                         {"train", required_argument, 0, OPT_TRAIN},
                                         {"test", required_argument, 0, OPT_TEST},
                                         {"proof", required_argument, 0, 'o'},
                                         {"output", required_argument, 0, OPT_OUTPUT},
                                         {"json", no_argument, 0, OPT_JSON},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *data = NULL, *pipe = NULL, *train_path = NULL, *test_path = NULL, *proof_path = NULL, *out_path = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:p:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'p': pipe = optarg; break;
        case OPT_TRAIN: train_path = optarg; break;
        case OPT_TEST: test_path = optarg; break;
        case 'o': proof_path = optarg; break;
        case OPT_OUTPUT: out_path = optarg; break;
        case OPT_JSON: json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_prove(stdout); return 0;
        default: return cli_usage_error("preprocess prove", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("preprocess prove", "unexpected argument '%s'", argv[optind]);
    if (!data || !pipe || !train_path || !test_path || !proof_path || !out_path)
        return cli_usage_error("preprocess prove", "--data, --pipeline, --train, --test, -o and --output are required");
    zk_dataset_private raw, trp, tep;
    memset(&raw, 0, sizeof raw);
    memset(&trp, 0, sizeof trp);
    memset(&tep, 0, sizeof tep);
    zk_prep_pipeline pl;
    memset(&pl, 0, sizeof pl);
    zk_dataset ds;
    memset(&ds, 0, sizeof ds);
    zk_prep_result res;
    memset(&res, 0, sizeof res);
    zk_wbuf proof;
    zk_wbuf_init(&proof);
    char *text = NULL, *raw_com = NULL, *train_com = NULL, *test_com = NULL;
    cJSON *claims = NULL;
    uint8_t raw_id[32], train_id[32], test_id[32];
    double t_prove = 0;
    zk_prep_security sec, vsec;
    memset(&vsec, 0, sizeof vsec);
    int st = zk_dataset_private_load(data, &raw);
    if (st != ZK_OK)
        goto done;
    cli_progress("preprocess", "loaded %s: %u rows x %u columns", data, raw.com.meta.n_rows, raw.com.meta.n_cols);
    if ((st = zk_prep_pipeline_load(&pl, pipe, &raw.com.meta)) != ZK_OK)
        goto done;
    if ((st = zk_prep_dataset_from_private(&ds, &raw)) != ZK_OK)
        goto done;
    if ((st = zk_prep_apply(&pl, &ds, raw.com.range_bits, &res)) != ZK_OK) {
        zk_error_prefix((zk_status)st, pipe);
        goto done;
    }
    cli_progress("preprocess", "pipeline: %u transforms, %u kept rows -> train %u, test %u, %u columns",
                 pl.n_transforms, res.claims.n_kept, res.claims.n_train, res.claims.n_test, pl.out_n_cols);
    if ((st = zk_dataset_commit(&trp, &res.train, 0)) != ZK_OK ||
        (st = zk_dataset_commit(&tep, &res.test, 0)) != ZK_OK)
        goto done;
    cli_progress("preprocess", "committed train and test sets");
    if ((st = zk_dataset_reserve_opening(&raw)) != ZK_OK || (st = zk_dataset_reserve_opening(&trp)) != ZK_OK ||
        (st = zk_dataset_reserve_opening(&tep)) != ZK_OK) {
        zk_error_prefix((zk_status)st, data);
        goto done;
    }
    double t0 = cli_now();
    st = zk_prep_prove(&pl, &raw, &trp, &tep, &res.claims, &proof, &sec);
    t_prove = cli_now() - t0;
    if (st != ZK_OK)
        goto done;
    cli_progress("preprocess", "proved in %.2f s: %u constraints, proof %zu bytes", t_prove, sec.constraints, proof.len);
    /* self-check (and the security level for the summary) */
    if ((st = zk_prep_verify(&pl, &raw.com, &trp.com, &tep.com, &res.claims, proof.data, proof.len, &vsec)) != ZK_OK) {
        zk_error_prefix((zk_status)st, "internal self-check");
        goto done;
    }
    if (zk_dataset_commitment_id(raw_id, &raw.com) != ZK_OK || zk_dataset_commitment_id(train_id, &trp.com) != ZK_OK ||
        zk_dataset_commitment_id(test_id, &tep.com) != ZK_OK) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    claims = zk_prep_claims_to_cjson(&pl, &res.claims, raw_id, train_id, test_id);
    text = claims ? cJSON_Print(claims) : NULL;
    raw_com = cli_sibling_path(data, ".zkd", ".com");
    train_com = cli_sibling_path(train_path, ".zkd", ".com");
    test_com = cli_sibling_path(test_path, ".zkd", ".com");
    if (!text || !raw_com || !train_com || !test_com) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* Persist the used opening of the raw data before anything is published. */
    if ((st = write_private(data, &raw)) != ZK_OK)
        goto done;
    if ((st = write_private(train_path, &trp)) != ZK_OK || (st = write_commitment(train_com, &trp.com)) != ZK_OK ||
        (st = write_private(test_path, &tep)) != ZK_OK || (st = write_commitment(test_com, &tep.com)) != ZK_OK)
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
    cli_progress("preprocess", "%s: %llu zero-knowledge openings of the raw commitment left", data,
                 (unsigned long long)zk_dataset_openings_left(&raw));
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "stage", "preprocess");
        cJSON_AddStringToObject(o, "statement", STATEMENT);
        cJSON *ins = cJSON_AddArrayToObject(o, "inputs");
        cJSON_AddItemToArray(ins, io_entry("raw", raw_com, raw_id));
        cJSON *outs = cJSON_AddArrayToObject(o, "outputs");
        cJSON_AddItemToArray(outs, io_entry("train", train_com, train_id));
        cJSON_AddItemToArray(outs, io_entry("test", test_com, test_id));
        cJSON_AddItemToObject(o, "public", claims);
        claims = NULL;
        cJSON_AddStringToObject(o, "public_file", out_path);
        cJSON_AddStringToObject(o, "proof", proof_path);
        cJSON_AddNumberToObject(o, "proof_bytes", (double)proof.len);
        cJSON_AddNumberToObject(o, "security_bits", vsec.security_bits);
        cJSON *par = cJSON_AddObjectToObject(o, "parameters");
        cJSON_AddNumberToObject(par, "constraints", sec.constraints);
        cJSON_AddNumberToObject(par, "witness_vars", sec.wires);
        cJSON_AddNumberToObject(par, "transforms", pl.n_transforms);
        cJSON_AddNumberToObject(par, "seed", (double)pl.seed);
        cJSON_AddStringToObject(par, "whir", "rate 1/4, folding 4");
        cJSON_AddNumberToObject(o, "prover_seconds", t_prove);
        print_json(o);
    } else {
        printf("train: %s (%u rows), test: %s (%u rows), proof: %s (%zu bytes), claims: %s\n", train_com,
               res.claims.n_train, test_com, res.claims.n_test, proof_path, proof.len, out_path);
    }
done:
    cJSON_Delete(claims);
    free(text);
    free(raw_com);
    free(train_com);
    free(test_com);
    zk_wbuf_free(&proof);
    zk_prep_result_free(&res);
    zk_dataset_free(&ds);
    zk_prep_pipeline_free(&pl);
    zk_dataset_private_free(&raw);
    zk_dataset_private_free(&trp);
    zk_dataset_private_free(&tep);
    return st == ZK_OK ? 0 : cli_fail(st);
}

static int prep_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"commitment", required_argument, 0, 'c'},
                                         {"pipeline", required_argument, 0, 'p'},
                                         {"train", required_argument, 0, OPT_TRAIN},
                                         {"test", required_argument, 0, OPT_TEST},
                                         {"output", required_argument, 0, OPT_OUTPUT},
                                         {"json", no_argument, 0, OPT_JSON},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *com_path = NULL, *pipe = NULL, *train_path = NULL, *test_path = NULL, *out_path = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:p:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': com_path = optarg; break;
        case 'p': pipe = optarg; break;
        case OPT_TRAIN: train_path = optarg; break;
        case OPT_TEST: test_path = optarg; break;
        case OPT_OUTPUT: out_path = optarg; break;
        case OPT_JSON: json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_verify(stdout); return 0;
        default: return cli_usage_error("preprocess verify", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("preprocess verify", "expected exactly one proof file");
    if (!com_path || !pipe || !train_path || !test_path || !out_path)
        return cli_usage_error("preprocess verify", "--commitment, --pipeline, --train, --test and --output are required");
    const char *proof_path = argv[optind];
    zk_dataset_commitment raw, tr, te;
    memset(&raw, 0, sizeof raw);
    memset(&tr, 0, sizeof tr);
    memset(&te, 0, sizeof te);
    zk_prep_pipeline pl;
    memset(&pl, 0, sizeof pl);
    zk_prep_claims cl;
    memset(&cl, 0, sizeof cl);
    uint8_t *proof = NULL, *ctext = NULL;
    size_t plen = 0, clen = 0;
    uint8_t raw_id[32], train_id[32], test_id[32];
    zk_prep_security sec;
    memset(&sec, 0, sizeof sec);
    double t_ver = 0;
    int st;
    if ((st = zk_dataset_commitment_load(com_path, &raw)) != ZK_OK ||
        (st = zk_dataset_commitment_load(train_path, &tr)) != ZK_OK ||
        (st = zk_dataset_commitment_load(test_path, &te)) != ZK_OK)
        goto done;
    if ((st = zk_prep_pipeline_load(&pl, pipe, &raw.meta)) != ZK_OK)
        goto done;
    if (zk_dataset_commitment_id(raw_id, &raw) != ZK_OK || zk_dataset_commitment_id(train_id, &tr) != ZK_OK ||
        zk_dataset_commitment_id(test_id, &te) != ZK_OK) {
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((st = zk_read_file(out_path, (size_t)64 << 20, &ctext, &clen)) != ZK_OK)
        goto done;
    if ((st = zk_prep_claims_parse(&cl, out_path, (const char *)ctext, clen, &pl, raw_id, train_id, test_id)) != ZK_OK)
        goto done;
    if ((st = zk_read_file(proof_path, (size_t)zk_limit(ZK_LIMIT_PROOF_BYTES), &proof, &plen)) != ZK_OK)
        goto done;
    cli_progress("preprocess", "verifying %s (%zu bytes)", proof_path, plen);
    double t0 = cli_now();
    st = zk_prep_verify(&pl, &raw, &tr, &te, &cl, proof, plen, &sec);
    t_ver = cli_now() - t0;
    if (st != ZK_OK) {
        zk_error_prefix((zk_status)st, st == ZK_ERR_REJECT ? proof_path : "preprocess verify");
        goto done;
    }
done:
    if (json && (st == ZK_OK || st == ZK_ERR_REJECT)) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "stage", "preprocess");
        cJSON_AddBoolToObject(o, "valid", st == ZK_OK);
        cJSON_AddStringToObject(o, "reason", st == ZK_OK ? "" : zk_last_error());
        cJSON_AddNumberToObject(o, "security_bits", sec.security_bits);
        cJSON_AddNumberToObject(o, "verify_seconds", t_ver);
        cJSON *ins = cJSON_AddArrayToObject(o, "inputs");
        cJSON_AddItemToArray(ins, io_entry("raw", com_path, raw_id));
        cJSON *outs = cJSON_AddArrayToObject(o, "outputs");
        cJSON_AddItemToArray(outs, io_entry("train", train_path, train_id));
        cJSON_AddItemToArray(outs, io_entry("test", test_path, test_id));
        cJSON *pub = st == ZK_OK ? cJSON_ParseWithLength((const char *)ctext, clen) : NULL;
        cJSON_AddItemToObject(o, "public", pub ? pub : cJSON_CreateObject());
        print_json(o);
    } else if (st == ZK_OK) {
        printf("VALID: preprocessing proof %s: %s -> train %s (%u rows), test %s (%u rows), %u features\n", proof_path,
               com_path, train_path, cl.n_train, test_path, cl.n_test, cl.n_features);
        printf("security: %.1f bits; %u constraints; proof %zu bytes, verified in %.3f s\n", sec.security_bits,
               sec.constraints, plen, t_ver);
    }
    free(proof);
    free(ctext);
    zk_prep_claims_free(&cl);
    zk_prep_pipeline_free(&pl);
    zk_dataset_commitment_free(&raw);
    zk_dataset_commitment_free(&tr);
    zk_dataset_commitment_free(&te);
    return st == ZK_OK ? 0 : cli_fail(st);
}

int cmd_preprocess(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        usage_prove(f);
        fprintf(f, "\n");
        usage_verify(f);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "prove") == 0)
        return prep_prove(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return prep_verify(argc - 1, argv + 1);
    return cli_usage_error("preprocess", "unknown verb '%s' (prove, verify)", argv[1]);
}
