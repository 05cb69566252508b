/* zkmlops eval prove | verify: offline metrics of a committed model on a committed test set (metrics.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "zkmlops/limits.h"
#include "zkmlops/metrics.h"

#define EVAL_JSON_MAX ((size_t)16 << 20)

static void usage_prove(FILE *f)
{
    fprintf(f, "Usage: zkmlops eval prove --model M.zkm --data T.zkd --metrics S.json -o P.zkp --output E.json\n"
               "                          [--json] [--quiet]\n\n"
               "Prove, in zero knowledge, the metrics of a committed model on a committed test set:\n"
               "the confusion counts (accuracy, precision, recall, F1 as exact fractions) and, with a\n"
               "sensitive attribute, per-group counts (demographic parity and equal-opportunity\n"
               "differences); or, when the spec has \"claims\", only that each claim holds.\n"
               "Neither weights nor test rows are revealed (docs/metrics.md).\n\n"
               "Options:\n"
               "  -m, --model FILE      private model file (.zkm; model.com beside it)\n"
               "  -d, --data FILE       private test set (.zkd from preprocessing; .com beside it)\n"
               "  -s, --metrics FILE    metric spec (JSON, docs/metrics.md)\n"
               "  -o, --proof FILE      proof output\n"
               "      --output FILE     public metrics output (JSON)\n"
               "      --json            stage summary on stdout (docs/stages.md)\n"
               "  -q, --quiet           no progress on stderr\n"
               "  -h, --help            this help\n");
}

static void usage_verify(FILE *f)
{
    fprintf(f, "Usage: zkmlops eval verify --model M.com --data T.com --metrics S.json --output E.json P.zkp\n"
               "                           [--json] [--quiet]\n\n"
               "Check an eval proof against the model and test-set commitments, the metric spec and\n"
               "the claimed public metrics. Exit status: 0 valid, 1 proof rejected, 2 bad input.\n\n"
               "Options:\n"
               "  -m, --model FILE      public model commitment (.com)\n"
               "  -d, --data FILE       public test-set commitment (.com)\n"
               "  -s, --metrics FILE    metric spec (JSON)\n"
               "      --output FILE     the claimed public metrics (written by 'eval prove')\n"
               "      --json            machine-readable result on stdout\n"
               "  -q, --quiet           no progress on stderr\n"
               "  -h, --help            this help\n");
}

/* ---------------------------------------------------------------- public JSON */

static void add_u64(cJSON *o, const char *k, uint64_t v) { cJSON_AddNumberToObject(o, k, (double)v); }

static void add_fraction(cJSON *o, const char *k, zk_metric_id m, const zk_metrics_counts *c)
{
    int64_t num, den;
    zk_metrics_fraction(m, c, &num, &den);
    cJSON *f = cJSON_AddObjectToObject(o, k);
    if (!f)
        return;
    cJSON_AddNumberToObject(f, "num", (double)num);
    cJSON_AddNumberToObject(f, "den", (double)den);
    if (den)
        cJSON_AddNumberToObject(f, "value", (double)num / (double)den);
    else
        cJSON_AddNullToObject(f, "value");
}

static const char *claim_op(const zk_metric_claim *c) { return c->at_least ? "at_least" : "at_most"; }

static void claim_text(char *buf, size_t n, const zk_metric_claim *c)
{
    /* num / 10^k as a decimal */
    int k = 0;
    int64_t d = c->den;
    while (d > 1) {
        d /= 10;
        k++;
    }
    snprintf(buf, n, "%.*f", k, (double)c->num / (double)c->den);
}

static cJSON *public_json(const zk_metrics_spec *s, const zk_metrics_counts *c, uint32_t n_classes,
                          const char *mhex, const char *dhex)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "format", "zkmlops-eval/v1");
    cJSON_AddStringToObject(o, "model_commitment", mhex);
    cJSON_AddStringToObject(o, "data_commitment", dhex);
    add_u64(o, "rows", c->n);
    cJSON_AddStringToObject(o, "label", s->label);
    add_u64(o, "positive_class", s->positive_class);
    add_u64(o, "classes", n_classes);
    if (s->n_claims) {
        cJSON_AddStringToObject(o, "mode", "claims");
        cJSON *arr = cJSON_AddArrayToObject(o, "claims");
        for (uint32_t q = 0; q < s->n_claims && arr; q++) {
            cJSON *it = cJSON_CreateObject();
            char t[32];
            claim_text(t, sizeof t, &s->claims[q]);
            cJSON_AddStringToObject(it, "metric", zk_metric_name(s->claims[q].metric));
            cJSON_AddStringToObject(it, claim_op(&s->claims[q]), t);
            cJSON_AddBoolToObject(it, "holds", 1);
            cJSON_AddItemToArray(arr, it);
        }
        return o;
    }
    cJSON_AddStringToObject(o, "mode", "counts");
    cJSON *cnt = cJSON_AddObjectToObject(o, "counts");
    add_u64(cnt, "correct", c->correct);
    add_u64(cnt, "tp", c->tp);
    add_u64(cnt, "fp", c->fp);
    add_u64(cnt, "tn", c->tn);
    add_u64(cnt, "fn", c->fn);
    cJSON *met = cJSON_AddObjectToObject(o, "metrics");
    add_fraction(met, "accuracy", ZK_METRIC_ACCURACY, c);
    add_fraction(met, "precision", ZK_METRIC_PRECISION, c);
    add_fraction(met, "recall", ZK_METRIC_RECALL, c);
    add_fraction(met, "f1", ZK_METRIC_F1, c);
    if (s->has_sensitive) {
        cJSON *fa = cJSON_AddObjectToObject(o, "fairness");
        cJSON_AddStringToObject(fa, "attribute", s->sensitive);
        char b[32];
        snprintf(b, sizeof b, "%" PRId64, s->split_fixed);
        cJSON_AddStringToObject(fa, "split_at_fixed", b);
        cJSON *gr = cJSON_AddArrayToObject(fa, "groups");
        for (int g = 0; g < 2 && gr; g++) {
            cJSON *it = cJSON_CreateObject();
            cJSON_AddStringToObject(it, "name", s->groups[g]);
            add_u64(it, "n", c->g_n[g]);
            add_u64(it, "predicted_positive", c->g_pred_pos[g]);
            add_u64(it, "label_positive", c->g_label_pos[g]);
            add_u64(it, "true_positive", c->g_tp[g]);
            cJSON_AddItemToArray(gr, it);
        }
        add_fraction(fa, "demographic_parity_difference", ZK_METRIC_DP_DIFF, c);
        add_fraction(fa, "equal_opportunity_difference", ZK_METRIC_EO_DIFF, c);
        cJSON_AddStringToObject(fa, "convention", "group 1 minus group 0 (signed)");
    }
    return o;
}

static int get_count(const cJSON *o, const char *k, uint64_t *out)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 9007199254740992.0 ||
        it->valuedouble != floor(it->valuedouble))
        return -1;
    *out = (uint64_t)it->valuedouble;
    return 0;
}

/* Read the claimed counts; everything derived must match exactly what the counts imply
 * (the file is compared with the canonical rendering of the counts). */
static int load_public(const char *path, const zk_metrics_spec *s, uint32_t n_classes, const char *mhex,
                       const char *dhex, zk_metrics_counts *c, cJSON **out_json)
{
    uint8_t *text;
    size_t len;
    memset(c, 0, sizeof *c);
    int rc = zk_read_file(path, EVAL_JSON_MAX, &text, &len);
    if (rc != ZK_OK)
        return rc;
    cJSON *root = cJSON_ParseWithLength((const char *)text, len);
    free(text);
    if (!root)
        return zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", path);
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *mc = cJSON_GetObjectItemCaseSensitive(root, "model_commitment");
    const cJSON *dc = cJSON_GetObjectItemCaseSensitive(root, "data_commitment");
    const cJSON *cnt = cJSON_GetObjectItemCaseSensitive(root, "counts");
    if (!cJSON_IsObject(root) || !cJSON_IsString(fmt) || strcmp(fmt->valuestring, "zkmlops-eval/v1") != 0)
        rc = zk_set_error(ZK_ERR_INPUT, "%s: $.format: expected \"zkmlops-eval/v1\"", path);
    else if (!cJSON_IsString(mc) || strcmp(mc->valuestring, mhex) != 0)
        rc = zk_set_error(ZK_ERR_REJECT, "%s: $.model_commitment: the metrics are for another model commitment", path);
    else if (!cJSON_IsString(dc) || strcmp(dc->valuestring, dhex) != 0)
        rc = zk_set_error(ZK_ERR_REJECT, "%s: $.data_commitment: the metrics are for another test set", path);
    else if (get_count(root, "rows", &c->n) != 0)
        rc = zk_set_error(ZK_ERR_INPUT, "%s: $.rows: expected a count", path);
    else if (!s->n_claims) {
        if (!cJSON_IsObject(cnt) || get_count(cnt, "correct", &c->correct) || get_count(cnt, "tp", &c->tp) ||
            get_count(cnt, "fp", &c->fp) || get_count(cnt, "tn", &c->tn) || get_count(cnt, "fn", &c->fn))
            rc = zk_set_error(ZK_ERR_INPUT, "%s: $.counts: expected correct, tp, fp, tn, fn", path);
        if (rc == ZK_OK && s->has_sensitive) {
            const cJSON *gr = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "fairness"),
                                                               "groups");
            if (!cJSON_IsArray(gr) || cJSON_GetArraySize(gr) != 2)
                rc = zk_set_error(ZK_ERR_INPUT, "%s: $.fairness.groups: expected two groups", path);
            for (int g = 0; g < 2 && rc == ZK_OK; g++) {
                const cJSON *it = cJSON_GetArrayItem(gr, g);
                if (get_count(it, "n", &c->g_n[g]) || get_count(it, "predicted_positive", &c->g_pred_pos[g]) ||
                    get_count(it, "label_positive", &c->g_label_pos[g]) ||
                    get_count(it, "true_positive", &c->g_tp[g]))
                    rc = zk_set_error(ZK_ERR_INPUT, "%s: $.fairness.groups[%d]: expected n, predicted_positive, "
                                      "label_positive, true_positive", path, g);
            }
        }
    }
    if (rc == ZK_OK) {
        /* canonical comparison: every derived field must be what the counts imply */
        cJSON *canon = public_json(s, c, n_classes, mhex, dhex);
        if (!canon)
            rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        else if (!cJSON_Compare(canon, root, 1)) {
            /* find the first differing top-level key for the message */
            const cJSON *it;
            const char *bad = "(extra or missing fields)";
            cJSON_ArrayForEach(it, canon)
            {
                const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, it->string);
                if (!o || !cJSON_Compare(it, o, 1)) {
                    bad = it->string;
                    break;
                }
            }
            rc = zk_set_error(ZK_ERR_REJECT, "%s: $.%s does not match the claimed counts and the metric spec", path,
                              bad);
        }
        if (rc == ZK_OK && out_json)
            *out_json = canon;
        else
            cJSON_Delete(canon);
    }
    cJSON_Delete(root);
    return rc;
}

static int hex_model(char hex[65], const zk_model_commitment *c)
{
    uint8_t d[32];
    if (zk_model_commitment_id(d, c) != ZK_OK)
        return -1;
    zk_digest_hex(hex, d);
    return 0;
}

static int hex_data(char hex[65], const zk_dataset_commitment *c)
{
    uint8_t d[32];
    if (zk_dataset_commitment_id(d, c) != ZK_OK)
        return -1;
    zk_digest_hex(hex, d);
    return 0;
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
    char *s = cJSON_PrintUnformatted(o);
    if (s)
        printf("%s\n", s);
    free(s);
}

static const char *statement(const zk_metrics_spec *s)
{
    if (s->n_claims)
        return "Running the committed model's exact fixed-point inference on every row of the committed test set, "
               "each declared metric claim holds (nothing else revealed).";
    if (s->has_sensitive)
        return "Running the committed model's exact fixed-point inference on every row of the committed test set "
               "gives these confusion counts and these per-group counts over the sensitive attribute.";
    return "Running the committed model's exact fixed-point inference on every row of the committed test set "
           "gives these confusion counts.";
}

static int persist_private(const char *model_path, const zk_model_private *mp, const char *data_path,
                           const zk_dataset_private *dp)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_model_private_write(&w, mp);
    int st = w.oom ? (int)zk_set_error(ZK_ERR_NOMEM, "out of memory") : zk_write_file_atomic(model_path, w.data, w.len);
    if (w.data)
        memset(w.data, 0, w.len);
    zk_wbuf_free(&w);
    if (st != ZK_OK)
        return st;
    zk_wbuf_init(&w);
    zk_dataset_private_write(&w, dp);
    st = w.oom ? (int)zk_set_error(ZK_ERR_NOMEM, "out of memory") : zk_write_file_atomic(data_path, w.data, w.len);
    if (w.data)
        memset(w.data, 0, w.len);
    zk_wbuf_free(&w);
    return st;
}

static int eval_prove(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},  {"data", required_argument, 0, 'd'},
                                         {"metrics", required_argument, 0, 's'}, {"proof", required_argument, 0, 'o'},
                                         {"output", required_argument, 0, 'O'}, {"json", no_argument, 0, 'j'},
                                         {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *model_path = NULL, *data_path = NULL, *spec_path = NULL, *proof_path = NULL, *out_path = NULL;
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:d:s:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'd': data_path = optarg; break;
        case 's': spec_path = optarg; break;
        case 'o': proof_path = optarg; break;
        case 'O': out_path = optarg; break;
        case 'j': as_json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_prove(stdout); return 0;
        default: return cli_usage_error("eval prove", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("eval prove", "unexpected argument '%s'", argv[optind]);
    if (!model_path || !data_path || !spec_path || !proof_path || !out_path)
        return cli_usage_error("eval prove", "--model, --data, --metrics, -o and --output are required");
    zk_model_private mp;
    zk_dataset_private dp;
    zk_metrics_spec spec;
    memset(&mp, 0, sizeof mp);
    memset(&dp, 0, sizeof dp);
    memset(&spec, 0, sizeof spec);
    int st = zk_model_private_load(model_path, &mp);
    if (st == ZK_OK)
        st = zk_dataset_private_load(data_path, &dp);
    if (st == ZK_OK)
        st = zk_metrics_spec_load(&spec, spec_path, &dp.com.meta, &mp.model);
    zk_metrics_counts counts;
    memset(&counts, 0, sizeof counts);
    if (st == ZK_OK) {
        cli_progress("eval", "%s: %u test rows x %u columns; model with %llu inputs", data_path, dp.com.meta.n_rows,
                     dp.com.meta.n_cols, (unsigned long long)zk_model_input_size(&mp.model));
        st = zk_metrics_compute(&counts, &mp.model, &dp, &spec);
        if (st != ZK_OK)
            zk_error_prefix((zk_status)st, data_path);
    }
    if (st == ZK_OK)
        for (uint32_t q = 0; q < spec.n_claims; q++)
            if (!zk_metrics_claim_holds(&spec.claims[q], &counts)) {
                char t[32];
                claim_text(t, sizeof t, &spec.claims[q]);
                st = zk_set_error(ZK_ERR_INPUT, "%s: claim %u (%s %s %s) does not hold on this test set", spec_path,
                                  q, zk_metric_name(spec.claims[q].metric), claim_op(&spec.claims[q]), t);
                break;
            }
    if (st == ZK_OK && (st = zk_model_reserve_opening(&mp)) != ZK_OK)
        zk_error_prefix((zk_status)st, model_path);
    if (st == ZK_OK && (st = zk_dataset_reserve_opening(&dp)) != ZK_OK)
        zk_error_prefix((zk_status)st, data_path);
    if (st == ZK_OK)
        st = persist_private(model_path, &mp, data_path, &dp);
    zk_wbuf proof;
    zk_wbuf_init(&proof);
    double t0 = cli_now(), t_prove = 0;
    if (st == ZK_OK) {
        cli_progress("eval", "proving over %u rows", dp.com.meta.n_rows);
        st = zk_eval_prove(&mp, &dp, &spec, &counts, &proof);
        t_prove = cli_now() - t0;
    }
    uint32_t n_cons = 0, n_wires = 0;
    zk_eval_last_shape(&n_cons, &n_wires);
    /* self-check (also gives the security figures) */
    zk_spartan_security sec;
    memset(&sec, 0, sizeof sec);
    if (st == ZK_OK) {
        cli_progress("eval", "proved in %.2f s (%u constraints), proof %zu bytes; self-check", t_prove, n_cons,
                     proof.len);
        st = zk_eval_verify(&mp.com, &dp.com, &spec, &counts, proof.data, proof.len, &sec);
        if (st != ZK_OK)
            st = zk_set_error(ZK_ERR_INPUT, "internal error: the fresh eval proof does not verify: %s", zk_last_error());
    }
    char mhex[65] = {0}, dhex[65] = {0};
    char *text = NULL;
    cJSON *pub = NULL;
    if (st == ZK_OK && (hex_model(mhex, &mp.com) != 0 || hex_data(dhex, &dp.com) != 0))
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (st == ZK_OK) {
        pub = public_json(&spec, &counts, zk_metrics_n_classes(&mp.model), mhex, dhex);
        text = pub ? cJSON_Print(pub) : NULL;
        if (!text)
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    if (st == ZK_OK)
        st = zk_write_file_atomic(proof_path, proof.data, proof.len);
    if (st == ZK_OK) {
        size_t tl = strlen(text);
        text[tl] = '\n';
        st = zk_write_file_atomic(out_path, text, tl + 1);
        text[tl] = 0;
        if (st != ZK_OK)
            remove(proof_path);
    }
    if (st == ZK_OK) {
        char *mcom = cli_sibling_path(model_path, ".zkm", ".com"), *dcom = cli_sibling_path(data_path, ".zkd", ".com");
        if (as_json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "stage", "eval");
            cJSON_AddStringToObject(o, "statement", statement(&spec));
            cJSON *in = cJSON_AddArrayToObject(o, "inputs");
            cJSON_AddItemToArray(in, io_item("model", mcom ? mcom : model_path, mhex));
            cJSON_AddItemToArray(in, io_item("test", dcom ? dcom : data_path, dhex));
            cJSON_AddArrayToObject(o, "outputs");
            cJSON_AddItemToObject(o, "public", cJSON_Duplicate(pub, 1));
            cJSON_AddStringToObject(o, "public_file", out_path);
            cJSON_AddStringToObject(o, "proof", proof_path);
            cJSON_AddNumberToObject(o, "proof_bytes", (double)proof.len);
            cJSON_AddNumberToObject(o, "security_bits", sec.security_bits);
            cJSON *par = cJSON_AddObjectToObject(o, "parameters");
            cJSON_AddNumberToObject(par, "constraints", n_cons);
            cJSON_AddNumberToObject(par, "witness_vars", n_wires);
            cJSON_AddNumberToObject(par, "rows", dp.com.meta.n_rows);
            cJSON_AddStringToObject(par, "whir", "rate 1/4, folding 4");
            cJSON_AddNumberToObject(o, "prover_seconds", t_prove);
            print_json(o);
            cJSON_Delete(o);
        } else {
            printf("{\"proof\": \"%s\", \"proof_bytes\": %zu, \"metrics\": \"%s\", \"prove_seconds\": %.3f}\n",
                   proof_path, proof.len, out_path, t_prove);
        }
        free(mcom);
        free(dcom);
    }
    cJSON_Delete(pub);
    free(text);
    zk_wbuf_free(&proof);
    zk_metrics_spec_free(&spec);
    zk_dataset_private_free(&dp);
    zk_model_private_free(&mp);
    return st == ZK_OK ? 0 : cli_fail(st);
}

static void print_human(const zk_metrics_spec *s, const zk_metrics_counts *c, const char *mhex, const char *dhex)
{
    printf("VALID: eval proof for model %.16s... on test set %.16s... (%llu rows, label '%s', positive class %u)\n",
           mhex, dhex, (unsigned long long)c->n, s->label, s->positive_class);
    if (s->n_claims) {
        for (uint32_t q = 0; q < s->n_claims; q++) {
            char t[32];
            claim_text(t, sizeof t, &s->claims[q]);
            printf("claim holds: %s %s %s\n", zk_metric_name(s->claims[q].metric),
                   s->claims[q].at_least ? ">=" : "<=", t);
        }
        return;
    }
    printf("confusion: TP %llu  FP %llu  TN %llu  FN %llu  (correct %llu)\n", (unsigned long long)c->tp,
           (unsigned long long)c->fp, (unsigned long long)c->tn, (unsigned long long)c->fn,
           (unsigned long long)c->correct);
    static const zk_metric_id ms[4] = {ZK_METRIC_ACCURACY, ZK_METRIC_PRECISION, ZK_METRIC_RECALL, ZK_METRIC_F1};
    for (int k = 0; k < 4; k++) {
        int64_t num, den;
        zk_metrics_fraction(ms[k], c, &num, &den);
        if (den)
            printf("%-10s %lld/%lld = %.4f\n", zk_metric_name(ms[k]), (long long)num, (long long)den,
                   (double)num / (double)den);
        else
            printf("%-10s undefined (0 denominator)\n", zk_metric_name(ms[k]));
    }
    if (s->has_sensitive) {
        for (int g = 0; g < 2; g++)
            printf("group %-12s n %llu, predicted positive %llu, label positive %llu, TP %llu\n", s->groups[g],
                   (unsigned long long)c->g_n[g], (unsigned long long)c->g_pred_pos[g],
                   (unsigned long long)c->g_label_pos[g], (unsigned long long)c->g_tp[g]);
        static const zk_metric_id fm[2] = {ZK_METRIC_DP_DIFF, ZK_METRIC_EO_DIFF};
        for (int k = 0; k < 2; k++) {
            int64_t num, den;
            zk_metrics_fraction(fm[k], c, &num, &den);
            if (den)
                printf("%s %lld/%lld = %.4f (group 1 minus group 0)\n", zk_metric_name(fm[k]), (long long)num,
                       (long long)den, (double)num / (double)den);
            else
                printf("%s undefined (an empty group)\n", zk_metric_name(fm[k]));
        }
    }
}

static int eval_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, 0, 'm'},  {"data", required_argument, 0, 'd'},
                                         {"metrics", required_argument, 0, 's'}, {"output", required_argument, 0, 'O'},
                                         {"json", no_argument, 0, 'j'},         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    const char *model_path = NULL, *data_path = NULL, *spec_path = NULL, *out_path = NULL;
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:d:s:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'm': model_path = optarg; break;
        case 'd': data_path = optarg; break;
        case 's': spec_path = optarg; break;
        case 'O': out_path = optarg; break;
        case 'j': as_json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_verify(stdout); return 0;
        default: return cli_usage_error("eval verify", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("eval verify", "expected exactly one proof file");
    if (!model_path || !data_path || !spec_path || !out_path)
        return cli_usage_error("eval verify", "--model, --data, --metrics and --output are required");
    const char *proof_path = argv[optind];
    zk_model_commitment mc;
    zk_dataset_commitment dc;
    zk_metrics_spec spec;
    memset(&mc, 0, sizeof mc);
    memset(&dc, 0, sizeof dc);
    memset(&spec, 0, sizeof spec);
    int st = zk_model_commitment_load(model_path, &mc);
    if (st == ZK_OK)
        st = zk_dataset_commitment_load(data_path, &dc);
    if (st == ZK_OK)
        st = zk_metrics_spec_load(&spec, spec_path, &dc.meta, &mc.arch);
    char mhex[65] = {0}, dhex[65] = {0};
    if (st == ZK_OK && (hex_model(mhex, &mc) != 0 || hex_data(dhex, &dc) != 0))
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    zk_metrics_counts counts;
    memset(&counts, 0, sizeof counts);
    cJSON *pub = NULL;
    if (st == ZK_OK)
        st = load_public(out_path, &spec, zk_metrics_n_classes(&mc.arch), mhex, dhex, &counts, &pub);
    if (st == ZK_OK && counts.n != dc.meta.n_rows)
        st = zk_set_error(ZK_ERR_REJECT, "%s: $.rows: %llu, the test set has %u rows", out_path,
                          (unsigned long long)counts.n, dc.meta.n_rows);
    uint8_t *proof = NULL;
    size_t plen = 0;
    if (st == ZK_OK)
        st = zk_read_file(proof_path, (size_t)zk_limit(ZK_LIMIT_PROOF_BYTES), &proof, &plen);
    zk_spartan_security sec;
    memset(&sec, 0, sizeof sec);
    double t0 = cli_now(), t_ver = 0;
    if (st == ZK_OK) {
        st = zk_eval_verify(&mc, &dc, &spec, &counts, proof, plen, &sec);
        t_ver = cli_now() - t0;
        if (st != ZK_OK)
            zk_error_prefix((zk_status)st, proof_path);
    }
    if (as_json && (st == ZK_OK || st == ZK_ERR_REJECT)) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "stage", "eval");
        cJSON_AddBoolToObject(o, "valid", st == ZK_OK);
        cJSON_AddStringToObject(o, "reason", st == ZK_OK ? "" : zk_last_error());
        cJSON_AddNumberToObject(o, "security_bits", sec.security_bits);
        cJSON_AddNumberToObject(o, "verify_seconds", t_ver);
        cJSON *in = cJSON_AddArrayToObject(o, "inputs");
        cJSON_AddItemToArray(in, io_item("model", model_path, mhex));
        cJSON_AddItemToArray(in, io_item("test", data_path, dhex));
        cJSON_AddArrayToObject(o, "outputs");
        if (pub)
            cJSON_AddItemToObject(o, "public", cJSON_Duplicate(pub, 1));
        else
            cJSON_AddObjectToObject(o, "public");
        print_json(o);
        cJSON_Delete(o);
    } else if (st == ZK_OK) {
        print_human(&spec, &counts, mhex, dhex);
        printf("security: %.1f bits; proof %zu bytes, verified in %.3f s; zero-knowledge (weights and test rows "
               "hidden)\n",
               sec.security_bits, plen, t_ver);
    }
    cli_progress("eval", "%s", st == ZK_OK ? "valid" : "rejected");
    cJSON_Delete(pub);
    free(proof);
    zk_metrics_spec_free(&spec);
    zk_dataset_commitment_free(&dc);
    zk_model_commitment_free(&mc);
    return st == ZK_OK ? 0 : cli_fail(st);
}

int cmd_eval(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        fprintf(f, "Usage: zkmlops eval prove|verify [options]   (zkmlops eval prove --help)\n");
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "prove") == 0)
        return eval_prove(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return eval_verify(argc - 1, argv + 1);
    return cli_usage_error("eval", "unknown verb '%s' (expected prove or verify)", argv[1]);
}
