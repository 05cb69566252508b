/* zkmlops params: the WHIR parameter set and the soundness calculator's report. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "zkmlops/dataset.h"
#include "zkmlops/params.h"
#include "zkmlops/status.h"

static void usage(FILE *f)
{
    fprintf(f, "Usage: zkmlops params [--vars N] [--no-hiding] [--openings K] [--json]\n\n"
               "Print the WHIR parameter set used for a committed polynomial of 2^N\n"
               "evaluations (default N = 20) and the bits of security of every soundness\n"
               "term and of the whole (proven Johnson-bound analysis; no conjectures).\n\n"
               "Options:\n"
               "  -n, --vars N      number of variables of the committed polynomial (1..%d)\n"
               "      --no-hiding   parameters of the non-hiding variant\n"
               "      --openings K  hiding set sized for K zero-knowledge openings (datasets use %u)\n"
               "      --json        machine-readable output\n"
               "  -h, --help        this help\n",
            ZK_WHIR_MAX_VARS - 1, ZK_DATASET_OPENING_BUDGET);
}

int cmd_params(int argc, char **argv)
{
    static const struct option opts[] = {{"vars", required_argument, 0, 'n'},
                                         {"no-hiding", no_argument, 0, 'H'},
                                         {"openings", required_argument, 0, 'k'},
                                         {"json", no_argument, 0, 'j'},
                                         {"help", no_argument, 0, 'h'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {0, 0, 0, 0}};
    long n = 20, openings = 0;
    int hiding = 1, as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:hq", opts, NULL)) != -1) {
        switch (c) {
        case 'n': {
            char *end;
            n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > ZK_WHIR_MAX_VARS - 1)
                return cli_usage_error("params", "--vars must be an integer in 1..%d", ZK_WHIR_MAX_VARS - 1);
            break;
        }
        case 'H': hiding = 0; break;
        case 'k': {
            char *end;
            openings = strtol(optarg, &end, 10);
            if (*end || openings < 1 || openings > 100000)
                return cli_usage_error("params", "--openings must be an integer in 1..100000");
            break;
        }
        case 'j': as_json = 1; break;
        case 'q': break;
        case 'h': usage(stdout); return 0;
        default: return cli_usage_error("params", "invalid option");
        }
    }
    if (optind != argc)
        return cli_usage_error("params", "unexpected argument '%s'", argv[optind]);
    if (openings && !hiding)
        return cli_usage_error("params", "--openings applies to hiding commitments only");
    zk_whir_params p;
    int st = openings ? zk_whir_params_derive_budget(&p, (uint32_t)n, (uint64_t)openings)
                      : zk_whir_params_derive(&p, (uint32_t)n, hiding);
    if (st != ZK_OK)
        return cli_fail(st);
    zk_soundness_report rep;
    zk_soundness_report_compute(&rep, &p);
    size_t bytes = zk_whir_expected_proof_bytes(&p);
    if (as_json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "pcs", "WHIR (eprint 2024/1586)");
        cJSON_AddStringToObject(o, "field", "Goldilocks p = 2^64 - 2^32 + 1, extension x^3 - 2");
        cJSON_AddStringToObject(o, "hash", "SHA-256 (OpenSSL)");
        cJSON_AddStringToObject(o, "regime", "Johnson bound (proven), eta = sqrt(rho)/100");
        cJSON_AddNumberToObject(o, "n_vars", p.n_vars);
        cJSON_AddNumberToObject(o, "total_vars", p.total_vars);
        cJSON_AddBoolToObject(o, "hiding", p.hiding != 0);
        if (p.hiding)
            cJSON_AddNumberToObject(o, "zero_knowledge_openings", (double)zk_whir_hiding_opening_budget(&p));
        cJSON_AddNumberToObject(o, "starting_rate_log_inv", p.log_inv_rate);
        cJSON_AddNumberToObject(o, "folding_factor", p.folding_factor);
        cJSON_AddNumberToObject(o, "rounds", p.n_rounds);
        cJSON_AddNumberToObject(o, "final_vars", p.final_vars);
        cJSON_AddNumberToObject(o, "ood_samples", p.ood_samples);
        cJSON_AddNumberToObject(o, "security_target", p.security_target);
        cJSON_AddNumberToObject(o, "max_pow_bits", p.max_pow_bits);
        cJSON *q = cJSON_AddArrayToObject(o, "queries"), *pw = cJSON_AddArrayToObject(o, "pow_bits");
        cJSON *fp = cJSON_AddArrayToObject(o, "fold_pow_bits");
        for (uint32_t i = 0; i <= p.n_rounds; i++) {
            cJSON_AddItemToArray(q, cJSON_CreateNumber(p.queries[i]));
            cJSON_AddItemToArray(pw, cJSON_CreateNumber(p.pow_bits[i]));
            cJSON_AddItemToArray(fp, cJSON_CreateNumber(p.fold_pow_bits[i]));
        }
        cJSON *terms = cJSON_AddArrayToObject(o, "terms");
        for (size_t i = 0; i < rep.n_terms; i++) {
            cJSON *t = cJSON_CreateObject();
            cJSON_AddStringToObject(t, "name", rep.terms[i].name);
            cJSON_AddNumberToObject(t, "bits", rep.terms[i].bits);
            cJSON_AddNumberToObject(t, "pow_bits", rep.terms[i].pow_bits);
            cJSON_AddItemToArray(terms, t);
        }
        cJSON_AddNumberToObject(o, "hash_bits", rep.hash_bits);
        cJSON_AddNumberToObject(o, "sumcheck_bits_per_round", rep.sumcheck_bits_per_round);
        cJSON_AddNumberToObject(o, "total_bits", rep.total_bits);
        cJSON_AddNumberToObject(o, "expected_proof_bytes", (double)bytes);
        char *s = cJSON_Print(o);
        if (s)
            printf("%s\n", s);
        free(s);
        cJSON_Delete(o);
        return 0;
    }
    printf("WHIR polynomial commitment (eprint 2024/1586) over Goldilocks, extension x^3 - 2, SHA-256\n");
    printf("committed polynomial: 2^%u evaluations (%u variables encoded%s)\n", p.n_vars, p.total_vars,
           p.hiding ? ", hiding: f zero-padded, plus a random mask R of 2^(encoded-1) coefficients" : "");
    if (p.hiding)
        printf("zero-knowledge openings supported: %llu (more would reveal enough codeword values to "
               "interpolate)\n",
               (unsigned long long)zk_whir_hiding_opening_budget(&p));
    printf("starting rate 1/%u, folding factor %u, %u rounds, final polynomial %u variables, %u OOD sample(s) per round\n",
           1u << p.log_inv_rate, p.folding_factor, p.n_rounds, p.final_vars, p.ood_samples);
    printf("target %u bits, at most %u PoW bits per grinding step, proven Johnson-bound regime\n",
           p.security_target, p.max_pow_bits);
    printf("%-6s %8s %8s %10s\n", "phase", "queries", "PoW", "fold PoW");
    for (uint32_t i = 0; i <= p.n_rounds; i++)
        printf("%-6u %8u %8u %10u\n", i, p.queries[i], p.pow_bits[i], p.fold_pow_bits[i]);
    printf("\n%-44s %10s %8s\n", "soundness term", "bits", "PoW");
    for (size_t i = 0; i < rep.n_terms; i++)
        printf("%-44s %10.2f %8.1f\n", rep.terms[i].name, rep.terms[i].bits, rep.terms[i].pow_bits);
    printf("%-44s %10.2f\n", "hash (SHA-256 collision resistance)", rep.hash_bits);
    printf("%-44s %10.2f\n", "sumcheck round (degree 3, |F_p^3|)", rep.sumcheck_bits_per_round);
    printf("\ntotal: %.2f bits of security; expected opening size %zu bytes\n", rep.total_bits, bytes);
    return 0;
}
