/* zkmlops monitor: serving log (log init|append|feedback|close-window), window proofs
 * (prove|verify) and a simulated production stream (simulate). monitor.h, docs/monitoring.md. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/cli.h"
#include "zkmlops/limits.h"
#include "zkmlops/metrics.h"
#include "zkmlops/monitor.h"
#include "zkmlops/onnx.h"

#define MON_JSON_MAX ((size_t)64 << 20)

/* ================================================================ usage */

static void usage_main(FILE *f)
{
    fprintf(f,
            "Usage: zkmlops monitor <verb> [options]   (zkmlops monitor <verb> --help)\n\n"
            "Serving log (append-only, hash-chained, committed in chained windows):\n"
            "  log init      --model M.com --reference R.json --config C.json -o LOG\n"
            "  log append    --log LOG --model M.zkm --input IN.json [--ts T]\n"
            "  log feedback  --log LOG --id K --label C [--ts T]\n"
            "  log close-window --log LOG -o W.zkd [--partial]\n"
            "Window proofs:\n"
            "  prove   --model M.zkm --window W.zkd --reference R.json --config C.json -o P.zkp --output O.json\n"
            "  verify  --model M.com --window W.com --reference R.json --config C.json [--prev PREV.com]\n"
            "          --output O.json P.zkp\n"
            "Demo / test stream:\n"
            "  simulate --model M.zkm --data T.zkd --reference R.json --config C.json --dir DIR\n"
            "           [--feature NAME|INDEX] [--factor F] [--no-prove]\n");
}

static void usage_log_init(FILE *f)
{
    fprintf(f, "Usage: zkmlops monitor log init --model M.com --reference R.json --config C.json -o LOG\n\n"
               "Create an empty serving log bound to a model commitment and a monitoring configuration\n"
               "(training reference statistics R.json, e.g. the preprocessing public claims, and the\n"
               "window size and alert thresholds C.json). Never overwrites an existing log.\n");
}

static void usage_log_append(FILE *f)
{
    fprintf(f, "Usage: zkmlops monitor log append --log LOG --model M.zkm --input IN.json [--ts T] [--quiet]\n\n"
               "Serve predictions: run the committed model on each input of IN.json ({\"input_data\": [[...]]},\n"
               "model input units) and append one record per input (timestamp T, default now).\n"
               "Prints the record ids and outputs as JSON.\n");
}

static void usage_log_feedback(FILE *f)
{
    fprintf(f, "Usage: zkmlops monitor log feedback --log LOG --id K --label C [--ts T]\n\n"
               "Record the ground-truth class C of record K (before its window closes).\n"
               "Unknown record, closed window or a second label: exit 2.\n");
}

static void usage_log_close(FILE *f)
{
    fprintf(f, "Usage: zkmlops monitor log close-window --log LOG -o W.zkd [--partial] [--quiet]\n\n"
               "Commit the next window of records (the configured window size; --partial allows a\n"
               "shorter last window): writes W.zkd (private) and W.com (public) and appends the\n"
               "window line to the log. The window header chains to the previous window.\n");
}

static void usage_prove(FILE *f)
{
    fprintf(f, "Usage: zkmlops monitor prove --model M.zkm --window W.zkd --reference R.json --config C.json\n"
               "                             -o P.zkp --output O.json [--json] [--quiet]\n\n"
               "Prove, in zero knowledge, that every record of the window was predicted by the committed\n"
               "model, with consecutive ids and ordered timestamps, and prove the window statistics:\n"
               "class counts, accuracy on feedback, per-feature sums and drift-bin counts. O.json gets\n"
               "the public statistics, the derived drift (mean shift, PSI) and which alerts fire.\n");
}

static void usage_verify(FILE *f)
{
    fprintf(f, "Usage: zkmlops monitor verify --model M.com --window W.com --reference R.json --config C.json\n"
               "                              [--prev PREV.com] --output O.json P.zkp [--json] [--quiet]\n\n"
               "Check a window proof and the claimed statistics and alerts; with --prev also check that\n"
               "the window directly follows PREV.com (no window or record dropped or reordered); without\n"
               "--prev the window must be the log's first. Exit: 0 valid, 1 rejected, 2 bad input.\n");
}

static void usage_simulate(FILE *f)
{
    fprintf(f, "Usage: zkmlops monitor simulate --model M.zkm --data T.zkd --reference R.json --config C.json\n"
               "                                --dir DIR [--feature NAME|INDEX] [--factor F] [--no-prove]\n"
               "                                [--json] [--quiet]\n\n"
               "Simulated production stream: replay the rows of a committed held-out set (label column\n"
               "last; its labels arrive as feedback), then a shifted copy with one feature multiplied by F\n"
               "(default 3), through a fresh log in DIR; close, prove and verify every window\n"
               "(DIR/w000.zkd, .com, mon000.zkp, mon000.json, ...) and print which alerts fire.\n");
}

/* ================================================================ helpers */

static void hexs(char out[65], const uint8_t d[ZK_HASH_BYTES]) { zk_digest_hex(out, d); }

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || !*s || v > max || s[0] == '-')
        return -1;
    *out = v;
    return 0;
}

static void print_json(cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    if (s)
        printf("%s\n", s);
    free(s);
}

static cJSON *io_item(const char *role, const char *file, const char *hex)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "role", role);
    cJSON_AddStringToObject(o, "file", file);
    cJSON_AddStringToObject(o, "id", hex);
    return o;
}

static int file_hex(char hex[65], const char *path)
{
    uint8_t d[ZK_HASH_BYTES];
    int rc = zk_sha256_file(d, path);
    if (rc != ZK_OK)
        return rc;
    hexs(hex, d);
    return ZK_OK;
}

static char *window_com_path(const char *zkd) { return cli_sibling_path(zkd, ".zkd", ".com"); }

/* ================================================================ public JSON */

static void add_i64s(cJSON *o, const char *k, int64_t v)
{
    char b[32];
    snprintf(b, sizeof b, "%" PRId64, v);
    cJSON_AddStringToObject(o, k, b);
}

static cJSON *public_json(const zk_monitor_window_header *h, const char *wid_hex, const zk_monitor_config *cfg,
                          const zk_monitor_stats *s, const zk_monitor_report *r)
{
    cJSON *o = cJSON_CreateObject();
    char hx[65];
    cJSON_AddStringToObject(o, "format", "zkmlops-monitor-window/v1");
    cJSON *w = cJSON_AddObjectToObject(o, "window");
    cJSON_AddNumberToObject(w, "index", h->index);
    cJSON_AddStringToObject(w, "id", wid_hex);
    hexs(hx, h->prev_id);
    cJSON_AddStringToObject(w, "prev_id", hx);
    cJSON_AddNumberToObject(w, "first_record", (double)h->first_id);
    cJSON_AddNumberToObject(w, "records", h->n);
    cJSON_AddNumberToObject(w, "ts_first", (double)h->ts_first);
    cJSON_AddNumberToObject(w, "ts_last", (double)h->ts_last);
    hexs(hx, h->model_id);
    cJSON_AddStringToObject(o, "model_commitment", hx);
    hexs(hx, h->config_digest);
    cJSON_AddStringToObject(o, "config_digest", hx);
    cJSON *cl = cJSON_AddObjectToObject(o, "predictions");
    cJSON *cc = cJSON_AddArrayToObject(cl, "class_counts");
    cJSON *cr = cJSON_AddArrayToObject(cl, "class_rates");
    for (uint32_t k = 0; k < s->n_classes; k++) {
        cJSON_AddItemToArray(cc, cJSON_CreateNumber((double)s->class_count[k]));
        cJSON_AddItemToArray(cr, cJSON_CreateNumber((double)s->class_count[k] / (double)s->n));
    }
    cJSON *fb = cJSON_AddObjectToObject(o, "feedback");
    cJSON_AddNumberToObject(fb, "records", (double)s->n_feedback);
    cJSON_AddNumberToObject(fb, "correct", (double)s->correct);
    if (s->n_feedback)
        cJSON_AddNumberToObject(fb, "accuracy", r->accuracy);
    else
        cJSON_AddNullToObject(fb, "accuracy");
    cJSON *fs = cJSON_AddArrayToObject(o, "features");
    cJSON *fired = cJSON_CreateArray();
    for (uint32_t j = 0; j < s->d; j++) {
        cJSON *f = cJSON_CreateObject();
        cJSON_AddStringToObject(f, "name", cfg->names[j]);
        add_i64s(f, "sum_fixed", s->sum[j]);
        cJSON_AddNumberToObject(f, "mean", (double)s->sum[j] / ((double)s->n * (double)((uint64_t)1 << cfg->scale_bits)));
        cJSON_AddNumberToObject(f, "mean_shift_std", r->mean_shift[j]);
        cJSON *b = cJSON_AddArrayToObject(f, "bins");
        for (uint32_t q = 0; q < ZK_MONITOR_BINS; q++)
            cJSON_AddItemToArray(b, cJSON_CreateNumber((double)s->bins[(size_t)j * ZK_MONITOR_BINS + q]));
        cJSON_AddNumberToObject(f, "psi", r->psi[j]);
        cJSON *al = cJSON_AddArrayToObject(f, "alerts");
        char nm[300];
        if (r->drift_psi[j]) {
            cJSON_AddItemToArray(al, cJSON_CreateString("drift_psi"));
            snprintf(nm, sizeof nm, "drift_psi:%s", cfg->names[j]);
            cJSON_AddItemToArray(fired, cJSON_CreateString(nm));
        }
        if (r->drift_mean[j]) {
            cJSON_AddItemToArray(al, cJSON_CreateString("drift_mean"));
            snprintf(nm, sizeof nm, "drift_mean:%s", cfg->names[j]);
            cJSON_AddItemToArray(fired, cJSON_CreateString(nm));
        }
        cJSON_AddItemToArray(fs, f);
    }
    if (r->accuracy_alert)
        cJSON_AddItemToArray(fired, cJSON_CreateString("accuracy"));
    if (r->rate_high_alert)
        cJSON_AddItemToArray(fired, cJSON_CreateString("class_rate_high"));
    if (r->rate_low_alert)
        cJSON_AddItemToArray(fired, cJSON_CreateString("class_rate_low"));
    cJSON *al = cJSON_AddObjectToObject(o, "alerts");
    cJSON *th = cJSON_AddObjectToObject(al, "thresholds");
    cJSON_AddNumberToObject(th, "psi_above", cfg->psi_above);
    cJSON_AddNumberToObject(th, "mean_shift_above", cfg->mean_shift_above);
    cJSON_AddNumberToObject(th, "accuracy_below", cfg->accuracy_below);
    cJSON_AddNumberToObject(th, "min_feedback", cfg->min_feedback);
    if (cfg->rate_alert) {
        cJSON *rt = cJSON_AddObjectToObject(th, "class_rate");
        cJSON_AddNumberToObject(rt, "class", cfg->rate_class);
        cJSON_AddNumberToObject(rt, "above", cfg->rate_above);
        cJSON_AddNumberToObject(rt, "below", cfg->rate_below);
    }
    cJSON_AddNumberToObject(al, "count", cJSON_GetArraySize(fired));
    cJSON_AddItemToObject(al, "fired", fired);
    cJSON_AddStringToObject(o, "derivation",
                            "counts and sums are proved; mean_shift_std = (sum/n - mean_ref)/std_ref; psi = "
                            "sum_b (p_b - q_b) ln(p_b/q_b), bin fractions floored at 1e-4; computed from the "
                            "proved counts by prover and verifier alike");
    return o;
}

static int get_count(const cJSON *it, uint64_t *out)
{
    if (!cJSON_IsNumber(it) || it->valuedouble < 0 || it->valuedouble > 9007199254740992.0 ||
        it->valuedouble != floor(it->valuedouble))
        return -1;
    *out = (uint64_t)it->valuedouble;
    return 0;
}

/* Claimed statistics from O.json; the verifier then re-renders the canonical JSON from them and
 * requires equality (every derived value and alert must be what the counts imply). */
static int load_claimed(const char *path, const zk_monitor_window_header *h, const zk_monitor_config *cfg,
                        zk_monitor_stats *s, cJSON **root_out)
{
    uint8_t *text;
    size_t len;
    int rc = zk_read_file(path, MON_JSON_MAX, &text, &len);
    if (rc != ZK_OK)
        return rc;
    cJSON *root = cJSON_ParseWithLength((const char *)text, len);
    free(text);
    if (!root)
        return zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", path);
    if ((rc = zk_monitor_stats_alloc(s, h->n_classes, h->d)) != ZK_OK) {
        cJSON_Delete(root);
        return rc;
    }
    s->n = h->n;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *cc = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "predictions"),
                                                       "class_counts");
    const cJSON *fb = cJSON_GetObjectItemCaseSensitive(root, "feedback");
    const cJSON *fs = cJSON_GetObjectItemCaseSensitive(root, "features");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "zkmlops-monitor-window/v1") != 0)
        rc = zk_set_error(ZK_ERR_INPUT, "%s: $.format: expected \"zkmlops-monitor-window/v1\"", path);
    else if (!cJSON_IsArray(cc) || cJSON_GetArraySize(cc) != (int)h->n_classes)
        rc = zk_set_error(ZK_ERR_INPUT, "%s: $.predictions.class_counts: expected %u counts", path, h->n_classes);
    else if (get_count(cJSON_GetObjectItemCaseSensitive(fb, "records"), &s->n_feedback) ||
             get_count(cJSON_GetObjectItemCaseSensitive(fb, "correct"), &s->correct))
        rc = zk_set_error(ZK_ERR_INPUT, "%s: $.feedback: expected records and correct counts", path);
    else if (!cJSON_IsArray(fs) || cJSON_GetArraySize(fs) != (int)h->d)
        rc = zk_set_error(ZK_ERR_INPUT, "%s: $.features: expected %u features", path, h->d);
    for (uint32_t k = 0; k < h->n_classes && rc == ZK_OK; k++)
        if (get_count(cJSON_GetArrayItem(cc, (int)k), &s->class_count[k]))
            rc = zk_set_error(ZK_ERR_INPUT, "%s: $.predictions.class_counts[%u]: expected a count", path, k);
    for (uint32_t j = 0; j < h->d && rc == ZK_OK; j++) {
        const cJSON *f = cJSON_GetArrayItem(fs, (int)j);
        const cJSON *sf = cJSON_GetObjectItemCaseSensitive(f, "sum_fixed");
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(f, "bins");
        char *end;
        errno = 0;
        long long v = cJSON_IsString(sf) ? strtoll(sf->valuestring, &end, 10) : 0;
        if (!cJSON_IsString(sf) || errno || *end || !sf->valuestring[0]) {
            rc = zk_set_error(ZK_ERR_INPUT, "%s: $.features[%u].sum_fixed: expected a decimal integer string", path, j);
            break;
        }
        s->sum[j] = (int64_t)v;
        if (!cJSON_IsArray(b) || cJSON_GetArraySize(b) != (int)ZK_MONITOR_BINS) {
            rc = zk_set_error(ZK_ERR_INPUT, "%s: $.features[%u].bins: expected %u counts", path, j, ZK_MONITOR_BINS);
            break;
        }
        for (uint32_t q = 0; q < ZK_MONITOR_BINS && rc == ZK_OK; q++)
            if (get_count(cJSON_GetArrayItem(b, (int)q), &s->bins[(size_t)j * ZK_MONITOR_BINS + q]))
                rc = zk_set_error(ZK_ERR_INPUT, "%s: $.features[%u].bins[%u]: expected a count", path, j, q);
    }
    (void)cfg;
    if (rc != ZK_OK) {
        zk_monitor_stats_free(s);
        cJSON_Delete(root);
        return rc;
    }
    *root_out = root;
    return ZK_OK;
}

/* Compare the claimed JSON with the canonical rendering; names the first differing key. */
static int compare_public(const char *path, const cJSON *claimed, const cJSON *canon)
{
    if (cJSON_Compare(canon, claimed, 1))
        return ZK_OK;
    const cJSON *it;
    cJSON_ArrayForEach(it, canon)
    {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(claimed, it->string);
        if (!o || !cJSON_Compare(it, o, 1))
            return zk_set_error(ZK_ERR_REJECT, "%s: $.%s does not match the proved window statistics", path,
                                it->string);
    }
    return zk_set_error(ZK_ERR_REJECT, "%s: unexpected extra fields", path);
}

/* ================================================================ log verbs */

static int log_init(int argc, char **argv)
{
    static const struct option opts[] = {{"model", required_argument, 0, 'm'}, {"reference", required_argument, 0, 'r'},
                                         {"config", required_argument, 0, 'c'}, {"output", required_argument, 0, 'o'},
                                         {"quiet", no_argument, 0, 'q'},       {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *mp = NULL, *rp = NULL, *cp = NULL, *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:r:c:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'm': mp = optarg; break;
        case 'r': rp = optarg; break;
        case 'c': cp = optarg; break;
        case 'o': out = optarg; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_log_init(stdout); return 0;
        default: return cli_usage_error("monitor log init", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("monitor log init", "unexpected argument '%s'", argv[optind]);
    if (!mp || !rp || !cp || !out)
        return cli_usage_error("monitor log init", "--model, --reference, --config and -o are required");
    zk_model_commitment mc;
    zk_monitor_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int st = zk_model_commitment_load(mp, &mc);
    if (st != ZK_OK)
        return cli_fail(st);
    st = zk_monitor_config_load(&cfg, rp, cp);
    if (st == ZK_OK)
        st = zk_monitor_log_create(out, &mc, &cfg);
    if (st == ZK_OK)
        printf("{\"log\": \"%s\", \"window_size\": %u, \"features\": %u}\n", out, cfg.window_size, cfg.n_features);
    zk_monitor_config_free(&cfg);
    zk_model_commitment_free(&mc);
    return st == ZK_OK ? 0 : cli_fail(st);
}

static int log_append(int argc, char **argv)
{
    static const struct option opts[] = {{"log", required_argument, 0, 'l'}, {"model", required_argument, 0, 'm'},
                                         {"input", required_argument, 0, 'i'}, {"ts", required_argument, 0, 't'},
                                         {"quiet", no_argument, 0, 'q'},      {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *lp = NULL, *mp = NULL, *ip = NULL;
    uint64_t ts = (uint64_t)time(NULL);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:m:i:t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'l': lp = optarg; break;
        case 'm': mp = optarg; break;
        case 'i': ip = optarg; break;
        case 't':
            if (parse_u64(optarg, ZK_MONITOR_MAX_TS - 1, &ts) != 0)
                return cli_usage_error("monitor log append", "--ts: expected unix seconds below 2^31");
            break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_log_append(stdout); return 0;
        default: return cli_usage_error("monitor log append", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("monitor log append", "unexpected argument '%s'", argv[optind]);
    if (!lp || !mp || !ip)
        return cli_usage_error("monitor log append", "--log, --model and --input are required");
    zk_monitor_log log;
    zk_model_private mpv;
    memset(&mpv, 0, sizeof mpv);
    int st = zk_monitor_log_load(lp, &log);
    if (st != ZK_OK)
        return cli_fail(st);
    float *in = NULL;
    uint32_t batch = 0;
    int64_t *x = NULL, *y = NULL;
    uint64_t *ids = NULL;
    uint8_t mid[ZK_HASH_BYTES];
    st = zk_model_private_load(mp, &mpv);
    if (st == ZK_OK && zk_model_commitment_id(mid, &mpv.com) != ZK_OK)
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (st == ZK_OK && memcmp(mid, log.model_id, ZK_HASH_BYTES) != 0)
        st = zk_set_error(ZK_ERR_INPUT, "%s: this log serves another model commitment", mp);
    if (st == ZK_OK)
        st = zk_model_input_json_load(ip, zk_model_input_size(&mpv.model), &in, &batch);
    if (st == ZK_OK) {
        uint32_t d = log.d, K = log.K;
        x = malloc((size_t)batch * d * sizeof *x);
        y = malloc((size_t)batch * K * sizeof *y);
        ids = malloc((size_t)batch * sizeof *ids);
        if (!x || !y || !ids)
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        double one = (double)((uint64_t)1 << log.scale_bits);
        for (size_t k = 0; st == ZK_OK && k < (size_t)batch * d; k++) {
            double v = (double)in[k] * one;
            if (!(fabs(v) < (double)ZK_DATASET_MAX_ABS))
                st = zk_set_error(ZK_ERR_RANGE, "%s: input value %g out of range", ip, (double)in[k]);
            else
                x[k] = (int64_t)llround(v);
        }
        if (st == ZK_OK)
            st = zk_model_run_fx(&mpv.model, x, batch, y);
        if (st == ZK_OK)
            st = zk_monitor_log_append(lp, &log, x, y, batch, ts, ids);
        if (st == ZK_OK) {
            cJSON *o = cJSON_CreateObject();
            cJSON *arr = cJSON_AddArrayToObject(o, "records");
            for (uint32_t i = 0; i < batch; i++) {
                cJSON *r = cJSON_CreateObject();
                cJSON_AddNumberToObject(r, "id", (double)ids[i]);
                cJSON *oo = cJSON_AddArrayToObject(r, "output");
                for (uint32_t k = 0; k < K; k++)
                    cJSON_AddItemToArray(oo, cJSON_CreateNumber((double)y[(size_t)i * K + k] /
                                                                (double)((uint64_t)1 << mpv.model.tensors[mpv.model.output].scale)));
                cJSON_AddNumberToObject(r, "class", zk_metrics_predict(&mpv.model, y + (size_t)i * K));
                cJSON_AddItemToArray(arr, r);
            }
            print_json(o);
            cJSON_Delete(o);
        }
    }
    free(in);
    free(x);
    free(y);
    free(ids);
    zk_model_private_free(&mpv);
    zk_monitor_log_free(&log);
    return st == ZK_OK ? 0 : cli_fail(st);
}

static int log_feedback(int argc, char **argv)
{
    static const struct option opts[] = {{"log", required_argument, 0, 'l'}, {"id", required_argument, 0, 'i'},
                                         {"label", required_argument, 0, 'y'}, {"ts", required_argument, 0, 't'},
                                         {"quiet", no_argument, 0, 'q'},      {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *lp = NULL;
    uint64_t id = UINT64_MAX, label = UINT64_MAX, ts = (uint64_t)time(NULL);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:i:y:t:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'l': lp = optarg; break;
        case 'i':
            if (parse_u64(optarg, (uint64_t)1 << 40, &id) != 0)
                return cli_usage_error("monitor log feedback", "--id: expected a record id");
            break;
        case 'y':
            if (parse_u64(optarg, ZK_METRICS_MAX_CLASSES, &label) != 0)
                return cli_usage_error("monitor log feedback", "--label: expected a class index");
            break;
        case 't':
            if (parse_u64(optarg, ZK_MONITOR_MAX_TS - 1, &ts) != 0)
                return cli_usage_error("monitor log feedback", "--ts: expected unix seconds below 2^31");
            break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_log_feedback(stdout); return 0;
        default: return cli_usage_error("monitor log feedback", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("monitor log feedback", "unexpected argument '%s'", argv[optind]);
    if (!lp || id == UINT64_MAX || label == UINT64_MAX)
        return cli_usage_error("monitor log feedback", "--log, --id and --label are required");
    zk_monitor_log log;
    int st = zk_monitor_log_load(lp, &log);
    if (st != ZK_OK)
        return cli_fail(st);
    st = zk_monitor_log_feedback(lp, &log, id, (uint32_t)label, ts);
    if (st == ZK_OK)
        printf("{\"id\": %llu, \"label\": %llu}\n", (unsigned long long)id, (unsigned long long)label);
    zk_monitor_log_free(&log);
    return st == ZK_OK ? 0 : cli_fail(st);
}

static int log_close(int argc, char **argv)
{
    static const struct option opts[] = {{"log", required_argument, 0, 'l'}, {"output", required_argument, 0, 'o'},
                                         {"partial", no_argument, 0, 'p'},    {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},       {0, 0, 0, 0}};
    const char *lp = NULL, *out = NULL;
    int partial = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "l:o:pqh", opts, NULL)) != -1) {
        switch (c) {
        case 'l': lp = optarg; break;
        case 'o': out = optarg; break;
        case 'p': partial = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_log_close(stdout); return 0;
        default: return cli_usage_error("monitor log close-window", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("monitor log close-window", "unexpected argument '%s'", argv[optind]);
    if (!lp || !out)
        return cli_usage_error("monitor log close-window", "--log and -o are required");
    zk_monitor_log log;
    int st = zk_monitor_log_load(lp, &log);
    if (st != ZK_OK)
        return cli_fail(st);
    char *com = NULL;
    uint32_t idx = log.n_windows;
    uint64_t first = log.next_unclosed;
    st = zk_monitor_log_close_window(lp, &log, out, partial, &com);
    if (st == ZK_OK) {
        char hx[65];
        hexs(hx, log.last_window_id);
        printf("{\"window\": %u, \"first_record\": %llu, \"records\": %llu, \"private\": \"%s\", \"commitment\": "
               "\"%s\", \"id\": \"%s\"}\n",
               idx, (unsigned long long)first, (unsigned long long)(log.next_unclosed - first), out, com, hx);
    }
    free(com);
    zk_monitor_log_free(&log);
    return st == ZK_OK ? 0 : cli_fail(st);
}

/* ================================================================ prove / verify */

typedef struct {
    double prove_s, verify_s;
    size_t proof_bytes;
    uint32_t constraints, wires;
    zk_spartan_security sec;
    cJSON *pub;
} prove_result;

/* Prove one window (reserving the openings and persisting both private files first), self-check,
 * write the proof and the public JSON. */
static int prove_window(const char *model_path, zk_model_private *mp, const char *win_path,
                        zk_monitor_window_private *wp, const zk_monitor_config *cfg, const char *proof_path,
                        const char *out_path, prove_result *res)
{
    memset(res, 0, sizeof *res);
    zk_monitor_stats s;
    zk_monitor_report r;
    memset(&r, 0, sizeof r);
    int st = zk_monitor_stats_compute(&s, wp, &mp->model, cfg);
    if (st != ZK_OK)
        return st;
    if ((st = zk_monitor_evaluate(&r, &s, cfg)) != ZK_OK)
        goto out;
    if ((st = zk_model_reserve_opening(mp)) != ZK_OK) {
        zk_error_prefix((zk_status)st, model_path);
        goto out;
    }
    if ((st = zk_dataset_reserve_opening(&wp->priv)) != ZK_OK) {
        zk_error_prefix((zk_status)st, win_path);
        goto out;
    }
    {
        zk_wbuf w;
        zk_wbuf_init(&w);
        zk_model_private_write(&w, mp);
        st = w.oom ? (int)zk_set_error(ZK_ERR_NOMEM, "out of memory") : zk_write_file_atomic(model_path, w.data, w.len);
        if (w.data)
            memset(w.data, 0, w.len);
        zk_wbuf_free(&w);
        if (st != ZK_OK)
            goto out;
        zk_wbuf_init(&w);
        zk_monitor_window_private_write(&w, wp);
        st = w.oom ? (int)zk_set_error(ZK_ERR_NOMEM, "out of memory") : zk_write_file_atomic(win_path, w.data, w.len);
        if (w.data)
            memset(w.data, 0, w.len);
        zk_wbuf_free(&w);
        if (st != ZK_OK)
            goto out;
    }
    zk_wbuf proof;
    zk_wbuf_init(&proof);
    double t0 = cli_now();
    st = zk_monitor_prove(mp, wp, cfg, &s, &proof);
    res->prove_s = cli_now() - t0;
    zk_monitor_last_shape(&res->constraints, &res->wires);
    res->proof_bytes = proof.len;
    zk_monitor_window_commitment pub;
    pub.h = wp->h;
    pub.com = wp->priv.com;
    if (st == ZK_OK) {
        t0 = cli_now();
        st = zk_monitor_verify(&mp->com, &pub, cfg, &s, proof.data, proof.len, &res->sec);
        res->verify_s = cli_now() - t0;
        if (st != ZK_OK)
            st = zk_set_error(ZK_ERR_INPUT, "internal error: the fresh window proof does not verify: %s", zk_last_error());
    }
    char wid[65] = {0};
    uint8_t d[ZK_HASH_BYTES];
    if (st == ZK_OK && zk_monitor_window_id(d, &pub) != ZK_OK)
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    char *text = NULL;
    if (st == ZK_OK) {
        hexs(wid, d);
        res->pub = public_json(&wp->h, wid, cfg, &s, &r);
        text = res->pub ? cJSON_Print(res->pub) : NULL;
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
    free(text);
    zk_wbuf_free(&proof);
out:
    if (st != ZK_OK) {
        cJSON_Delete(res->pub);
        res->pub = NULL;
    }
    zk_monitor_report_free(&r);
    zk_monitor_stats_free(&s);
    return st;
}

static const char *const MON_STATEMENT =
    "Every record of the committed window (consecutive ids, ordered timestamps) was predicted by the committed "
    "model; the class counts, accuracy on feedback, per-feature sums and drift-bin counts are these, so the "
    "listed alerts fire and no others.";

static int mon_prove(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'},  {"window", required_argument, 0, 'w'}, {"reference", required_argument, 0, 'r'},
        {"config", required_argument, 0, 'c'}, {"proof", required_argument, 0, 'o'},  {"output", required_argument, 0, 'O'},
        {"json", no_argument, 0, 'j'},         {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *mpath = NULL, *wpath = NULL, *rp = NULL, *cp = NULL, *pp = NULL, *op = NULL;
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:w:r:c:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'm': mpath = optarg; break;
        case 'w': wpath = optarg; break;
        case 'r': rp = optarg; break;
        case 'c': cp = optarg; break;
        case 'o': pp = optarg; break;
        case 'O': op = optarg; break;
        case 'j': as_json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_prove(stdout); return 0;
        default: return cli_usage_error("monitor prove", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("monitor prove", "unexpected argument '%s'", argv[optind]);
    if (!mpath || !wpath || !rp || !cp || !pp || !op)
        return cli_usage_error("monitor prove", "--model, --window, --reference, --config, -o and --output are required");
    zk_model_private mp;
    zk_monitor_window_private wp;
    zk_monitor_config cfg;
    memset(&mp, 0, sizeof mp);
    memset(&wp, 0, sizeof wp);
    memset(&cfg, 0, sizeof cfg);
    int st = zk_model_private_load(mpath, &mp);
    if (st == ZK_OK)
        st = zk_monitor_window_private_load(wpath, &wp);
    if (st == ZK_OK)
        st = zk_monitor_config_load(&cfg, rp, cp);
    prove_result res;
    memset(&res, 0, sizeof res);
    if (st == ZK_OK) {
        cli_progress("monitor", "window %u: %u records from id %llu", wp.h.index, wp.h.n,
                     (unsigned long long)wp.h.first_id);
        st = prove_window(mpath, &mp, wpath, &wp, &cfg, pp, op, &res);
    }
    if (st == ZK_OK) {
        cli_progress("monitor", "proved in %.2f s (%u constraints), proof %zu bytes", res.prove_s, res.constraints,
                     res.proof_bytes);
        if (as_json) {
            char mhex[65], whex[65], rhex[65] = "", chex[65] = "";
            uint8_t d[ZK_HASH_BYTES];
            zk_monitor_window_commitment pub;
            pub.h = wp.h;
            pub.com = wp.priv.com;
            if (zk_model_commitment_id(d, &mp.com) == ZK_OK)
                hexs(mhex, d);
            if (zk_monitor_window_id(d, &pub) == ZK_OK)
                hexs(whex, d);
            (void)file_hex(rhex, rp);
            (void)file_hex(chex, cp);
            char *mcom = cli_sibling_path(mpath, ".zkm", ".com"), *wcom = window_com_path(wpath);
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "stage", "monitor");
            cJSON_AddStringToObject(o, "statement", MON_STATEMENT);
            cJSON *in = cJSON_AddArrayToObject(o, "inputs");
            cJSON_AddItemToArray(in, io_item("model", mcom ? mcom : mpath, mhex));
            cJSON_AddItemToArray(in, io_item("window", wcom ? wcom : wpath, whex));
            cJSON_AddItemToArray(in, io_item("reference", rp, rhex));
            cJSON_AddItemToArray(in, io_item("config", cp, chex));
            cJSON_AddArrayToObject(o, "outputs");
            cJSON_AddItemToObject(o, "public", cJSON_Duplicate(res.pub, 1));
            cJSON_AddStringToObject(o, "public_file", op);
            cJSON_AddStringToObject(o, "proof", pp);
            cJSON_AddNumberToObject(o, "proof_bytes", (double)res.proof_bytes);
            cJSON_AddNumberToObject(o, "security_bits", res.sec.security_bits);
            cJSON *par = cJSON_AddObjectToObject(o, "parameters");
            cJSON_AddNumberToObject(par, "constraints", res.constraints);
            cJSON_AddNumberToObject(par, "witness_vars", res.wires);
            cJSON_AddNumberToObject(par, "records", wp.h.n);
            cJSON_AddStringToObject(par, "whir", "rate 1/4, folding 4");
            cJSON_AddNumberToObject(o, "prover_seconds", res.prove_s);
            print_json(o);
            cJSON_Delete(o);
            free(mcom);
            free(wcom);
        } else {
            const cJSON *al = cJSON_GetObjectItemCaseSensitive(res.pub, "alerts");
            char *f = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(al, "fired"));
            printf("{\"proof\": \"%s\", \"proof_bytes\": %zu, \"output\": \"%s\", \"prove_seconds\": %.3f, "
                   "\"alerts\": %s}\n",
                   pp, res.proof_bytes, op, res.prove_s, f ? f : "[]");
            free(f);
        }
    }
    cJSON_Delete(res.pub);
    zk_monitor_config_free(&cfg);
    zk_monitor_window_private_free(&wp);
    zk_model_private_free(&mp);
    return st == ZK_OK ? 0 : cli_fail(st);
}

static int mon_verify(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'},  {"window", required_argument, 0, 'w'}, {"reference", required_argument, 0, 'r'},
        {"config", required_argument, 0, 'c'}, {"prev", required_argument, 0, 'p'},   {"output", required_argument, 0, 'O'},
        {"json", no_argument, 0, 'j'},         {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *mpath = NULL, *wpath = NULL, *rp = NULL, *cp = NULL, *prev = NULL, *op = NULL;
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:w:r:c:p:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'm': mpath = optarg; break;
        case 'w': wpath = optarg; break;
        case 'r': rp = optarg; break;
        case 'c': cp = optarg; break;
        case 'p': prev = optarg; break;
        case 'O': op = optarg; break;
        case 'j': as_json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_verify(stdout); return 0;
        default: return cli_usage_error("monitor verify", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("monitor verify", "expected exactly one proof file");
    if (!mpath || !wpath || !rp || !cp || !op)
        return cli_usage_error("monitor verify", "--model, --window, --reference, --config and --output are required");
    const char *proof_path = argv[optind];
    zk_model_commitment mc;
    zk_monitor_window_commitment wc, pc;
    zk_monitor_config cfg;
    zk_monitor_stats s;
    memset(&mc, 0, sizeof mc);
    memset(&wc, 0, sizeof wc);
    memset(&pc, 0, sizeof pc);
    memset(&cfg, 0, sizeof cfg);
    memset(&s, 0, sizeof s);
    cJSON *claimed = NULL, *canon = NULL;
    uint8_t *proof = NULL;
    size_t plen = 0;
    zk_spartan_security sec;
    memset(&sec, 0, sizeof sec);
    double t_ver = 0;
    char mhex[65] = "", whex[65] = "";
    int st = zk_model_commitment_load(mpath, &mc);
    if (st == ZK_OK)
        st = zk_monitor_window_commitment_load(wpath, &wc);
    if (st == ZK_OK && prev)
        st = zk_monitor_window_commitment_load(prev, &pc);
    if (st == ZK_OK)
        st = zk_monitor_config_load(&cfg, rp, cp);
    uint8_t d[ZK_HASH_BYTES];
    if (st == ZK_OK) {
        if (zk_model_commitment_id(d, &mc) != ZK_OK)
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        else
            hexs(mhex, d);
        if (st == ZK_OK && zk_monitor_window_id(d, &wc) != ZK_OK)
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        else
            hexs(whex, d);
    }
    if (st == ZK_OK) {
        st = zk_monitor_window_check_chain(prev ? &pc : NULL, &wc);
        if (st != ZK_OK)
            zk_error_prefix((zk_status)st, wpath);
    }
    if (st == ZK_OK)
        st = load_claimed(op, &wc.h, &cfg, &s, &claimed);
    if (st == ZK_OK)
        st = zk_read_file(proof_path, (size_t)zk_limit(ZK_LIMIT_PROOF_BYTES), &proof, &plen);
    if (st == ZK_OK) {
        double t0 = cli_now();
        st = zk_monitor_verify(&mc, &wc, &cfg, &s, proof, plen, &sec);
        t_ver = cli_now() - t0;
        if (st != ZK_OK)
            zk_error_prefix((zk_status)st, proof_path);
    }
    if (st == ZK_OK) {
        zk_monitor_report r;
        st = zk_monitor_evaluate(&r, &s, &cfg);
        if (st == ZK_OK) {
            canon = public_json(&wc.h, whex, &cfg, &s, &r);
            st = canon ? compare_public(op, claimed, canon) : (int)zk_set_error(ZK_ERR_NOMEM, "out of memory");
        }
        zk_monitor_report_free(&r);
    }
    if (as_json && (st == ZK_OK || st == ZK_ERR_REJECT)) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "stage", "monitor");
        cJSON_AddBoolToObject(o, "valid", st == ZK_OK);
        cJSON_AddStringToObject(o, "reason", st == ZK_OK ? "" : zk_last_error());
        cJSON_AddNumberToObject(o, "security_bits", sec.security_bits);
        cJSON_AddNumberToObject(o, "verify_seconds", t_ver);
        cJSON_AddBoolToObject(o, "chain_checked_against_previous", prev != NULL);
        cJSON *in = cJSON_AddArrayToObject(o, "inputs");
        cJSON_AddItemToArray(in, io_item("model", mpath, mhex));
        cJSON_AddItemToArray(in, io_item("window", wpath, whex));
        cJSON_AddArrayToObject(o, "outputs");
        if (canon && st == ZK_OK)
            cJSON_AddItemToObject(o, "public", cJSON_Duplicate(canon, 1));
        else
            cJSON_AddObjectToObject(o, "public");
        print_json(o);
        cJSON_Delete(o);
    } else if (st == ZK_OK) {
        const cJSON *al = cJSON_GetObjectItemCaseSensitive(canon, "alerts");
        char *f = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(al, "fired"));
        printf("VALID: window %u (records %llu..%llu, %s) of model %.16s...\n", wc.h.index,
               (unsigned long long)wc.h.first_id, (unsigned long long)(wc.h.first_id + wc.h.n - 1),
               prev ? "chained to the given previous window" : "first window of the log", mhex);
        printf("predicted class counts:");
        for (uint32_t k = 0; k < s.n_classes; k++)
            printf(" %llu", (unsigned long long)s.class_count[k]);
        printf("; feedback %llu, correct %llu\n", (unsigned long long)s.n_feedback, (unsigned long long)s.correct);
        printf("alerts fired: %s\n", f ? f : "[]");
        printf("security: %.1f bits; proof %zu bytes, verified in %.3f s\n", sec.security_bits, plen, t_ver);
        free(f);
    }
    cli_progress("monitor", "%s", st == ZK_OK ? "valid" : "rejected");
    cJSON_Delete(claimed);
    cJSON_Delete(canon);
    free(proof);
    zk_monitor_stats_free(&s);
    zk_monitor_config_free(&cfg);
    zk_monitor_window_commitment_free(&pc);
    zk_monitor_window_commitment_free(&wc);
    zk_model_commitment_free(&mc);
    return st == ZK_OK ? 0 : cli_fail(st);
}

/* ================================================================ simulate */

static int mon_simulate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"model", required_argument, 0, 'm'},  {"data", required_argument, 0, 'd'},   {"reference", required_argument, 0, 'r'},
        {"config", required_argument, 0, 'c'}, {"dir", required_argument, 0, 'D'},    {"feature", required_argument, 0, 'f'},
        {"factor", required_argument, 0, 'F'}, {"no-prove", no_argument, 0, 'n'},     {"json", no_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    const char *mpath = NULL, *dpath = NULL, *rp = NULL, *cp = NULL, *dir = NULL, *feat = NULL;
    double factor = 3.0;
    int no_prove = 0, as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "m:d:r:c:D:f:F:nqh", opts, NULL)) != -1) {
        switch (c) {
        case 'm': mpath = optarg; break;
        case 'd': dpath = optarg; break;
        case 'r': rp = optarg; break;
        case 'c': cp = optarg; break;
        case 'D': dir = optarg; break;
        case 'f': feat = optarg; break;
        case 'F': {
            char *end;
            factor = strtod(optarg, &end);
            if (*end || !isfinite(factor) || fabs(factor) > 1e6)
                return cli_usage_error("monitor simulate", "--factor: expected a number");
            break;
        }
        case 'n': no_prove = 1; break;
        case 'j': as_json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_simulate(stdout); return 0;
        default: return cli_usage_error("monitor simulate", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("monitor simulate", "unexpected argument '%s'", argv[optind]);
    if (!mpath || !dpath || !rp || !cp || !dir)
        return cli_usage_error("monitor simulate", "--model, --data, --reference, --config and --dir are required");
    zk_model_private mp;
    zk_dataset_private dp;
    zk_monitor_config cfg;
    zk_monitor_log log;
    memset(&mp, 0, sizeof mp);
    memset(&dp, 0, sizeof dp);
    memset(&cfg, 0, sizeof cfg);
    memset(&log, 0, sizeof log);
    int64_t *x = NULL, *y = NULL;
    char path[4096], path2[4096], path3[4096], logpath[4096];
    cJSON *summary = cJSON_CreateObject(), *wins = cJSON_AddArrayToObject(summary, "windows");
    int st = zk_model_private_load(mpath, &mp);
    if (st == ZK_OK)
        st = zk_dataset_private_load(dpath, &dp);
    if (st == ZK_OK)
        st = zk_monitor_config_load(&cfg, rp, cp);
    uint32_t n = dp.com.meta.n_rows, d = (uint32_t)zk_model_input_size(&mp.model), K = 0;
    uint32_t fj = 0;
    if (st == ZK_OK) {
        K = (uint32_t)zk_model_output_size(&mp.model);
        if (dp.com.meta.n_cols != d + 1)
            st = zk_set_error(ZK_ERR_INPUT, "%s: %u columns; expected the model's %u inputs and the label last", dpath,
                              dp.com.meta.n_cols, d);
        else if (dp.com.meta.scale_bits != mp.model.tensors[mp.model.input].scale)
            st = zk_set_error(ZK_ERR_INPUT, "%s: scale 2^%u differs from the model input scale", dpath,
                              dp.com.meta.scale_bits);
    }
    if (st == ZK_OK && feat) {
        uint64_t v;
        int found = 0;
        for (uint32_t j = 0; j < d; j++)
            if (strcmp(dp.com.meta.col_names[j], feat) == 0)
                fj = j, found = 1;
        if (!found && parse_u64(feat, d - 1, &v) == 0)
            fj = (uint32_t)v, found = 1;
        if (!found)
            st = zk_set_error(ZK_ERR_INPUT, "--feature: no input column '%s' in %s", feat, dpath);
    }
    if (st == ZK_OK) {
        if (mkdir(dir, 0755) != 0 && errno != EEXIST)
            st = zk_set_error(ZK_ERR_IO, "%s: cannot create directory: %s", dir, strerror(errno));
        snprintf(logpath, sizeof logpath, "%s/serving.log", dir);
        remove(logpath);
    }
    if (st == ZK_OK)
        st = zk_monitor_log_create(logpath, &mp.com, &cfg);
    if (st == ZK_OK)
        st = zk_monitor_log_load(logpath, &log);
    x = malloc((size_t)n * d * sizeof *x + 1);
    y = malloc((size_t)n * (K ? K : 1) * sizeof *y + 1);
    if (st == ZK_OK && (!x || !y))
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    uint64_t ts = 1700000000;
    int64_t one = (int64_t)1 << dp.com.meta.scale_bits;
    uint32_t nc = zk_metrics_n_classes(&mp.model);
    uint32_t w_total = 0, alerts_clean = 0, alerts_shift = 0, drift_fired_shift = 0;
    for (int phase = 0; phase < 2 && st == ZK_OK; phase++) {
        cli_progress("monitor", "%s: replaying %u rows%s", phase ? "shifted" : "held-out", n,
                     phase ? " with one feature scaled" : "");
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t j = 0; j < d; j++) {
                int64_t v = zk_dataset_private_value(&dp, i, j);
                if (phase && j == fj)
                    v = (int64_t)llround((double)v * factor);
                x[(size_t)i * d + j] = v;
            }
        st = zk_model_run_fx(&mp.model, x, n, y);
        for (uint32_t i = 0; i < n && st == ZK_OK; i++) {
            uint64_t id;
            st = zk_monitor_log_append(logpath, &log, x + (size_t)i * d, y + (size_t)i * K, 1, ts++, &id);
            int64_t lv = zk_dataset_private_value(&dp, i, d);
            if (st == ZK_OK && lv >= 0 && lv % one == 0 && lv / one < (int64_t)nc)
                st = zk_monitor_log_feedback(logpath, &log, id, (uint32_t)(lv / one), ts);
            /* close windows as they fill; the last one of a phase may be partial */
            int last = i == n - 1;
            while (st == ZK_OK && (log.n_records - log.next_unclosed >= log.window_size ||
                                   (last && log.n_records > log.next_unclosed))) {
                uint32_t wi = log.n_windows;
                snprintf(path, sizeof path, "%s/w%03u.zkd", dir, wi);
                char *com = NULL;
                st = zk_monitor_log_close_window(logpath, &log, path, 1, &com);
                if (st != ZK_OK)
                    break;
                cJSON *wj = cJSON_CreateObject();
                cJSON_AddNumberToObject(wj, "window", wi);
                cJSON_AddStringToObject(wj, "phase", phase ? "shifted" : "held-out");
                cJSON_AddStringToObject(wj, "commitment", com);
                free(com);
                if (!no_prove) {
                    zk_monitor_window_private wp;
                    st = zk_monitor_window_private_load(path, &wp);
                    snprintf(path2, sizeof path2, "%s/mon%03u.zkp", dir, wi);
                    snprintf(path3, sizeof path3, "%s/mon%03u.json", dir, wi);
                    prove_result res;
                    memset(&res, 0, sizeof res);
                    if (st == ZK_OK) {
                        cli_progress("monitor", "window %u: %u records, proving", wi, wp.h.n);
                        st = prove_window(mpath, &mp, path, &wp, &cfg, path2, path3, &res);
                    }
                    zk_monitor_window_private_free(&wp);
                    if (st == ZK_OK) {
                        const cJSON *al = cJSON_GetObjectItemCaseSensitive(res.pub, "alerts");
                        const cJSON *fired = cJSON_GetObjectItemCaseSensitive(al, "fired");
                        int nf = cJSON_GetArraySize(fired);
                        const cJSON *it;
                        int drift_f = 0;
                        char want[300];
                        snprintf(want, sizeof want, "drift_psi:%s", cfg.names[fj]);
                        cJSON_ArrayForEach(it, fired) if (cJSON_IsString(it) && (strcmp(it->valuestring, want) == 0))
                            drift_f = 1;
                        snprintf(want, sizeof want, "drift_mean:%s", cfg.names[fj]);
                        cJSON_ArrayForEach(it, fired) if (cJSON_IsString(it) && (strcmp(it->valuestring, want) == 0))
                            drift_f = 1;
                        if (phase) {
                            alerts_shift += (uint32_t)nf;
                            drift_fired_shift += (uint32_t)drift_f;
                        } else
                            alerts_clean += (uint32_t)nf;
                        cJSON_AddStringToObject(wj, "proof", path2);
                        cJSON_AddStringToObject(wj, "public", path3);
                        cJSON_AddNumberToObject(wj, "records", cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
                                                                   cJSON_GetObjectItemCaseSensitive(res.pub, "window"), "records")));
                        cJSON_AddNumberToObject(wj, "prover_seconds", res.prove_s);
                        cJSON_AddNumberToObject(wj, "verify_seconds", res.verify_s);
                        cJSON_AddNumberToObject(wj, "proof_bytes", (double)res.proof_bytes);
                        cJSON_AddNumberToObject(wj, "constraints", res.constraints);
                        cJSON_AddBoolToObject(wj, "drift_alert_on_shifted_feature", drift_f);
                        cJSON_AddItemToObject(wj, "alerts", cJSON_Duplicate(fired, 1));
                        cli_progress("monitor", "window %u (%s): proved in %.2f s, %zu bytes; %d alert(s)%s", wi,
                                     phase ? "shifted" : "held-out", res.prove_s, res.proof_bytes, nf,
                                     drift_f ? ", drift on the shifted feature" : "");
                    }
                    cJSON_Delete(res.pub);
                }
                cJSON_AddItemToArray(wins, wj);
                w_total++;
            }
        }
    }
    if (st == ZK_OK) {
        cJSON_AddStringToObject(summary, "log", logpath);
        cJSON_AddStringToObject(summary, "shifted_feature", cfg.names[fj]);
        cJSON_AddNumberToObject(summary, "factor", factor);
        cJSON_AddNumberToObject(summary, "windows_total", w_total);
        cJSON_AddBoolToObject(summary, "proved", !no_prove);
        if (!no_prove) {
            cJSON_AddNumberToObject(summary, "alerts_held_out", alerts_clean);
            cJSON_AddNumberToObject(summary, "alerts_shifted", alerts_shift);
            cJSON_AddNumberToObject(summary, "shifted_windows_with_drift_alert", drift_fired_shift);
        }
        if (as_json)
            print_json(summary);
        else {
            printf("simulated %u windows in %s (feature '%s' x %g in the shifted half)\n", w_total, dir, cfg.names[fj],
                   factor);
            const cJSON *wj;
            cJSON_ArrayForEach(wj, wins)
            {
                char *al = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(wj, "alerts"));
                printf("  window %d (%s): alerts %s\n", (int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(wj, "window")),
                       cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(wj, "phase")), al ? al : "(not proved)");
                free(al);
            }
        }
    }
    cJSON_Delete(summary);
    free(x);
    free(y);
    zk_monitor_log_free(&log);
    zk_monitor_config_free(&cfg);
    zk_dataset_private_free(&dp);
    zk_model_private_free(&mp);
    return st == ZK_OK ? 0 : cli_fail(st);
}

/* ================================================================ dispatch */

int cmd_monitor(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage_main(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *v = argv[1];
    if (strcmp(v, "log") == 0) {
        if (argc < 3 || strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) {
            usage_main(argc < 3 ? stderr : stdout);
            return argc < 3 ? 2 : 0;
        }
        const char *w = argv[2];
        if (strcmp(w, "init") == 0)
            return log_init(argc - 2, argv + 2);
        if (strcmp(w, "append") == 0)
            return log_append(argc - 2, argv + 2);
        if (strcmp(w, "feedback") == 0)
            return log_feedback(argc - 2, argv + 2);
        if (strcmp(w, "close-window") == 0)
            return log_close(argc - 2, argv + 2);
        return cli_usage_error("monitor log", "unknown verb '%s' (expected init, append, feedback, close-window)", w);
    }
    if (strcmp(v, "prove") == 0)
        return mon_prove(argc - 1, argv + 1);
    if (strcmp(v, "verify") == 0)
        return mon_verify(argc - 1, argv + 1);
    if (strcmp(v, "simulate") == 0)
        return mon_simulate(argc - 1, argv + 1);
    return cli_usage_error("monitor", "unknown verb '%s' (expected log, prove, verify, simulate)", v);
}
