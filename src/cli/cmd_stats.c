/* zkmlops stats prove | verify */
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
#include "zkmlops/stats.h"

#define STATS_JSON_MAX ((size_t)64 << 20)

static void usage_prove(FILE *f)
{
    fprintf(f, "Usage: zkmlops stats prove --data D.zkd -o P.zkp --output S.json [--quiet]\n\n"
               "Prove, in zero knowledge, the per-column count, sum, mean and variance of a\n"
               "committed dataset. Writes the proof P.zkp and the public statement S.json.\n\n"
               "Options:\n"
               "  -d, --data FILE       private dataset file from 'zkmlops data commit'\n"
               "  -o, --proof FILE      proof output\n"
               "      --output FILE     statistics output (JSON)\n"
               "  -q, --quiet           no progress on stderr\n"
               "  -h, --help            this help\n");
}

static void usage_verify(FILE *f)
{
    fprintf(f, "Usage: zkmlops stats verify --commitment D.com --output S.json P.zkp [--json] [--quiet]\n\n"
               "Check a statistics proof against the public dataset commitment and the claimed\n"
               "statistics, and print them with the security level.\n"
               "Exit status: 0 valid, 1 proof rejected, 2 bad input.\n\n"
               "Options:\n"
               "  -c, --commitment FILE public commitment (.com)\n"
               "      --output FILE     the claimed statistics (JSON written by 'stats prove')\n"
               "      --json            machine-readable result on stdout\n"
               "  -q, --quiet           no progress on stderr\n"
               "  -h, --help            this help\n");
}

static double fixed_to_double(int64_t v, unsigned scale) { return (double)v / (double)((uint64_t)1 << scale); }

/* The exact rational sum / (n 2^s), rounded once to double (what "mean" reports). */
static double mean_double(const zk_stats *st, uint32_t j)
{
    return (double)st->sum[j] / ((double)st->count * (double)((uint64_t)1 << st->scale_bits));
}

static void add_i64_string(cJSON *o, const char *k, int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%" PRId64, v);
    cJSON_AddStringToObject(o, k, buf);
}

static cJSON *stats_to_json(const zk_stats *st, const zk_dataset_meta *m, const char *com_hex)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "format", "zkmlops-stats/v1");
    cJSON_AddStringToObject(root, "commitment_sha256", com_hex);
    cJSON_AddNumberToObject(root, "rows", (double)st->count);
    cJSON_AddNumberToObject(root, "scale_bits", st->scale_bits);
    cJSON_AddStringToObject(root, "rounding",
                            "half away from zero; mean_fixed at scale 2^s, variance_fixed (population "
                            "variance) at scale 2^(2s); mean and variance as doubles");
    cJSON *cols = cJSON_AddArrayToObject(root, "columns");
    for (uint32_t j = 0; j < st->n_cols; j++) {
        cJSON *c = cJSON_CreateObject();
        int64_t mean = zk_stats_mean_fixed(st, j), var = zk_stats_variance_fixed(st, j);
        cJSON_AddStringToObject(c, "name", m->col_names[j]);
        cJSON_AddNumberToObject(c, "count", (double)st->count);
        add_i64_string(c, "sum_fixed", st->sum[j]);
        add_i64_string(c, "sum_squares_fixed", st->sum_squares[j]);
        add_i64_string(c, "mean_fixed", mean);
        add_i64_string(c, "variance_fixed", var);
        cJSON_AddNumberToObject(c, "sum", fixed_to_double(st->sum[j], st->scale_bits));
        cJSON_AddNumberToObject(c, "mean", mean_double(st, j));
        cJSON_AddNumberToObject(c, "variance", fixed_to_double(var, 2 * st->scale_bits));
        cJSON_AddItemToArray(cols, c);
    }
    return root;
}

static int commitment_hex(char hex[65], const zk_dataset_commitment *com)
{
    uint8_t d[32];
    if (zk_dataset_commitment_id(d, com) != ZK_OK)
        return -1;
    zk_digest_hex(hex, d);
    return 0;
}

static int stats_prove(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"proof", required_argument, 0, 'o'},
                                         {"output", required_argument, 0, 'O'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *data = NULL, *proof_path = NULL, *json_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'o': proof_path = optarg; break;
        case 'O': json_path = optarg; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_prove(stdout); return 0;
        default: return cli_usage_error("stats prove", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("stats prove", "unexpected argument '%s'", argv[optind]);
    if (!data || !proof_path || !json_path)
        return cli_usage_error("stats prove", "--data, -o and --output are required");
    zk_dataset_private ds;
    int st = zk_dataset_private_load(data, &ds);
    if (st != ZK_OK)
        return cli_fail(st);
    cli_progress("stats", "loaded %s: %u rows x %u columns", data, ds.com.meta.n_rows, ds.com.meta.n_cols);
    zk_stats stats;
    if ((st = zk_stats_compute(&stats, &ds)) != ZK_OK) {
        zk_dataset_private_free(&ds);
        return cli_fail(st);
    }
    zk_wbuf proof;
    zk_wbuf_init(&proof);
    double t0 = cli_now();
    st = zk_stats_prove(&ds, &stats, &proof);
    double t_prove = cli_now() - t0;
    char hex[65] = {0};
    char *text = NULL;
    if (st == ZK_OK && commitment_hex(hex, &ds.com) != 0)
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (st == ZK_OK) {
        cli_progress("stats", "proved in %.2f s, proof %zu bytes", t_prove, proof.len);
        cJSON *j = stats_to_json(&stats, &ds.com.meta, hex);
        text = j ? cJSON_Print(j) : NULL;
        cJSON_Delete(j);
        if (!text)
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    /* Persist the used opening before the proof is published (never over-count openings). */
    if (st == ZK_OK) {
        zk_wbuf pw;
        zk_wbuf_init(&pw);
        zk_dataset_private_write(&pw, &ds);
        st = pw.oom ? (int)zk_set_error(ZK_ERR_NOMEM, "out of memory") : zk_write_file_atomic(data, pw.data, pw.len);
        if (pw.data)
            memset(pw.data, 0, pw.len);
        zk_wbuf_free(&pw);
        if (st == ZK_OK)
            cli_progress("stats", "%s: %llu zero-knowledge openings of this commitment left", data,
                         (unsigned long long)zk_dataset_openings_left(&ds));
    }
    if (st == ZK_OK)
        st = zk_write_file_atomic(proof_path, proof.data, proof.len);
    if (st == ZK_OK) {
        size_t tl = strlen(text);
        text[tl] = '\n';
        st = zk_write_file_atomic(json_path, text, tl + 1);
        text[tl] = 0;
        if (st != ZK_OK)
            remove(proof_path);
    }
    if (st == ZK_OK)
        printf("{\"proof\": \"%s\", \"proof_bytes\": %zu, \"statistics\": \"%s\", \"prove_seconds\": %.3f}\n",
               proof_path, proof.len, json_path, t_prove);
    free(text);
    zk_wbuf_free(&proof);
    zk_stats_free(&stats);
    zk_dataset_private_free(&ds);
    return st == ZK_OK ? 0 : cli_fail(st);
}

/* ---- reading the claimed statistics ---- */

static int json_err(const char *path, const char *jpath, const char *what)
{
    return zk_set_error(ZK_ERR_INPUT, "%s: %s: %s", path, jpath, what);
}

static int parse_i64_string(const cJSON *it, int64_t *out)
{
    if (!cJSON_IsString(it) || !it->valuestring[0])
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(it->valuestring, &end, 10);
    if (errno || *end)
        return -1;
    *out = (int64_t)v;
    return 0;
}

static int load_claimed(const char *path, const zk_dataset_commitment *com, const char *com_hex,
                        zk_stats *st)
{
    uint8_t *text;
    size_t len;
    memset(st, 0, sizeof *st);
    int rc = zk_read_file(path, STATS_JSON_MAX, &text, &len);
    if (rc != ZK_OK)
        return rc;
    cJSON *root = cJSON_ParseWithLength((const char *)text, len);
    free(text);
    if (!root)
        return zk_set_error(ZK_ERR_INPUT, "%s: not valid JSON", path);
    const zk_dataset_meta *m = &com->meta;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *cid = cJSON_GetObjectItemCaseSensitive(root, "commitment_sha256");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(root, "rows");
    const cJSON *scale = cJSON_GetObjectItemCaseSensitive(root, "scale_bits");
    const cJSON *cols = cJSON_GetObjectItemCaseSensitive(root, "columns");
    char jp[96];
    if (!cJSON_IsObject(root))
        rc = json_err(path, "$", "expected an object");
    else if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "zkmlops-stats/v1") != 0)
        rc = json_err(path, "$.format", "expected \"zkmlops-stats/v1\"");
    else if (!cJSON_IsString(cid))
        rc = json_err(path, "$.commitment_sha256", "expected a hex string");
    else if (strcmp(cid->valuestring, com_hex) != 0)
        rc = zk_set_error(ZK_ERR_REJECT, "%s: statistics are for commitment %.16s..., not this one (%.16s...)",
                          path, cid->valuestring, com_hex);
    else if (!cJSON_IsNumber(rows) || rows->valuedouble != (double)m->n_rows)
        rc = json_err(path, "$.rows", "expected the committed row count");
    else if (!cJSON_IsNumber(scale) || scale->valuedouble != (double)m->scale_bits)
        rc = json_err(path, "$.scale_bits", "expected the committed scale");
    else if (!cJSON_IsArray(cols) || cJSON_GetArraySize(cols) != (int)m->n_cols)
        rc = json_err(path, "$.columns", "expected one entry per committed column");
    if (rc != ZK_OK)
        goto out;
    st->n_cols = m->n_cols;
    st->count = m->n_rows;
    st->scale_bits = m->scale_bits;
    st->sum = calloc(m->n_cols, sizeof *st->sum);
    st->sum_squares = calloc(m->n_cols, sizeof *st->sum_squares);
    if (!st->sum || !st->sum_squares) {
        rc = zk_set_error(ZK_ERR_NOMEM, "out of memory");
        goto out;
    }
    for (uint32_t j = 0; j < m->n_cols && rc == ZK_OK; j++) {
        const cJSON *c = cJSON_GetArrayItem(cols, (int)j);
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
        const cJSON *count = cJSON_GetObjectItemCaseSensitive(c, "count");
        snprintf(jp, sizeof jp, "$.columns[%u]", j);
        if (!cJSON_IsObject(c)) {
            rc = json_err(path, jp, "expected an object");
            break;
        }
        if (!cJSON_IsString(name) || strcmp(name->valuestring, m->col_names[j]) != 0) {
            snprintf(jp, sizeof jp, "$.columns[%u].name", j);
            rc = json_err(path, jp, "does not match the committed column name");
            break;
        }
        if (!cJSON_IsNumber(count) || count->valuedouble != (double)m->n_rows) {
            snprintf(jp, sizeof jp, "$.columns[%u].count", j);
            rc = json_err(path, jp, "expected the committed row count");
            break;
        }
        static const char *keys[4] = {"sum_fixed", "sum_squares_fixed", "mean_fixed", "variance_fixed"};
        int64_t v[4];
        for (int k = 0; k < 4; k++) {
            if (parse_i64_string(cJSON_GetObjectItemCaseSensitive(c, keys[k]), &v[k]) != 0) {
                snprintf(jp, sizeof jp, "$.columns[%u].%s", j, keys[k]);
                rc = json_err(path, jp, "expected a decimal integer string");
                break;
            }
        }
        if (rc != ZK_OK)
            break;
        st->sum[j] = v[0];
        st->sum_squares[j] = v[1];
        if (v[1] < 0) {
            snprintf(jp, sizeof jp, "$.columns[%u].sum_squares_fixed", j);
            rc = json_err(path, jp, "must not be negative");
            break;
        }
        /* Derived values must be exactly what the proved sums imply. */
        int64_t mean = zk_stats_mean_fixed(st, j), var = zk_stats_variance_fixed(st, j);
        static const char *fkeys[3] = {"sum", "mean", "variance"};
        double fv[3] = {fixed_to_double(v[0], st->scale_bits), mean_double(st, j),
                        fixed_to_double(var, 2 * st->scale_bits)};
        if (mean != v[2] || var != v[3]) {
            rc = zk_set_error(ZK_ERR_REJECT, "%s: $.columns[%u]: %s does not follow from the proved sums",
                              path, j, mean != v[2] ? "mean_fixed" : "variance_fixed");
            break;
        }
        for (int k = 0; k < 3; k++) {
            const cJSON *x = cJSON_GetObjectItemCaseSensitive(c, fkeys[k]);
            /* cJSON prints 15 significant digits when they compare equal within DBL_EPSILON,
             * so compare with a relative tolerance of 1e-13 (the exact values are the
             * *_fixed integers above, checked exactly). */
            if (!cJSON_IsNumber(x) || fabs(x->valuedouble - fv[k]) > 1e-13 * fmax(1.0, fabs(fv[k]))) {
                rc = zk_set_error(ZK_ERR_REJECT, "%s: $.columns[%u].%s does not match the proved value %.17g",
                                  path, j, fkeys[k], fv[k]);
                break;
            }
        }
    }
out:
    cJSON_Delete(root);
    if (rc != ZK_OK)
        zk_stats_free(st);
    return rc;
}

static int stats_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"commitment", required_argument, 0, 'c'},
                                         {"output", required_argument, 0, 'O'},
                                         {"json", no_argument, 0, 'j'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *com_path = NULL, *json_path = NULL;
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "c:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': com_path = optarg; break;
        case 'O': json_path = optarg; break;
        case 'j': as_json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_verify(stdout); return 0;
        default: return cli_usage_error("stats verify", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("stats verify", "expected exactly one proof file");
    if (!com_path || !json_path)
        return cli_usage_error("stats verify", "--commitment and --output are required");
    const char *proof_path = argv[optind];
    zk_dataset_commitment com;
    int st = zk_dataset_commitment_load(com_path, &com);
    if (st != ZK_OK)
        return cli_fail(st);
    char hex[65];
    zk_stats stats;
    memset(&stats, 0, sizeof stats);
    uint8_t *proof = NULL;
    size_t plen = 0;
    if (commitment_hex(hex, &com) != 0)
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (st == ZK_OK)
        st = load_claimed(json_path, &com, hex, &stats);
    if (st == ZK_OK)
        st = zk_read_file(proof_path, (size_t)zk_limit(ZK_LIMIT_PROOF_BYTES), &proof, &plen);
    zk_stats_security sec;
    double t0 = cli_now(), t_ver = 0;
    if (st == ZK_OK) {
        st = zk_stats_verify(&com, &stats, proof, plen, &sec);
        t_ver = cli_now() - t0;
        if (st != ZK_OK)
            zk_error_prefix((zk_status)st, proof_path);
    }
    if (st == ZK_OK) {
        if (as_json) {
            printf("{\"valid\": true, \"proof\": \"%s\", \"commitment_sha256\": \"%s\", "
                   "\"security_bits\": %.1f, \"proof_bytes\": %zu, \"verify_ms\": %.3f, "
                   "\"range_bits\": %u, \"exact_integers\": %s}\n",
                   proof_path, hex, sec.security_bits, plen, t_ver * 1e3, sec.range_bits,
                   sec.exact_integers ? "true" : "false");
        } else {
            printf("VALID: statistics proof for commitment %.16s... (%llu rows, %u columns, scale 2^%u)\n",
                   hex, (unsigned long long)stats.count, stats.n_cols, stats.scale_bits);
            printf("%-28s %8s %16s %16s %16s\n", "column", "count", "sum", "mean", "variance");
            for (uint32_t j = 0; j < stats.n_cols; j++)
                printf("%-28s %8llu %16.6f %16.8g %16.8g\n", com.meta.col_names[j],
                       (unsigned long long)stats.count, fixed_to_double(stats.sum[j], stats.scale_bits),
                       mean_double(&stats, j),
                       fixed_to_double(zk_stats_variance_fixed(&stats, j), 2 * stats.scale_bits));
            printf("security: %.1f bits (WHIR dataset opening %.1f, mask opening %.1f, sumcheck %.1f; "
                   "Johnson-bound regime, SHA-256)\n",
                   sec.security_bits, sec.whir_data_bits, sec.whir_mask_bits, sec.sumcheck_bits);
            printf("proof: %zu bytes, verified in %.2f ms; zero-knowledge, transparent, post-quantum (hash-based)\n",
                   plen, t_ver * 1e3);
            if (sec.exact_integers)
                printf("exact integers: yes (the commitment proves every value in [-2^%u, 2^%u), so no sum wraps mod p)\n",
                       sec.range_bits - 1, sec.range_bits - 1);
            else
                printf("exact integers: NOT certified (the commitment's %u-bit range allows sums of squares to "
                       "wrap mod p; the sums hold modulo p only)\n",
                       sec.range_bits);
        }
    } else if (as_json && st == ZK_ERR_REJECT) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddBoolToObject(o, "valid", 0);
        cJSON_AddStringToObject(o, "reason", zk_last_error());
        char *s = cJSON_PrintUnformatted(o);
        if (s)
            printf("%s\n", s);
        free(s);
        cJSON_Delete(o);
    }
    free(proof);
    zk_stats_free(&stats);
    zk_dataset_commitment_free(&com);
    return st == ZK_OK ? 0 : cli_fail(st);
}

int cmd_stats(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        usage_prove(f);
        fprintf(f, "\n");
        usage_verify(f);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "prove") == 0)
        return stats_prove(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return stats_verify(argc - 1, argv + 1);
    return cli_usage_error("stats", "unknown verb '%s' (expected: prove, verify)", argv[1]);
}
