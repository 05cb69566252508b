/* zkmlops r1cs info | prove | verify — circom circuits proved with Spartan over WHIR. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "zkmlops/limits.h"
#include "zkmlops/r1cs.h"

#define PUBLIC_JSON_MAX ((size_t)256 << 20)

static void usage_info(FILE *f)
{
    fprintf(f, "Usage: zkmlops r1cs info C.r1cs [--json]\n\n"
               "Describe a circom circuit compiled with `circom --prime goldilocks`: wires,\n"
               "public signals, constraints, the Spartan layout, expected proof size and security.\n\n"
               "Options:\n"
               "      --json            machine-readable output\n"
               "  -h, --help            this help\n");
}

static void usage_prove(FILE *f)
{
    fprintf(f, "Usage: zkmlops r1cs prove C.r1cs W.wtns -o proof.zkp [--public-out public.json]\n"
               "                          [--sym C.sym] [--quiet]\n\n"
               "Prove in zero knowledge that the witness W.wtns (from `snarkjs wtns calculate`)\n"
               "satisfies the circuit C.r1cs. The witness is checked first: a failing\n"
               "constraint is reported with its index and the labels of its wires (with signal\n"
               "names from the .sym file, by default C.sym next to C.r1cs if it exists).\n\n"
               "Options:\n"
               "  -o, --proof FILE      proof output\n"
               "      --public-out FILE public signals (snarkjs public.json format) for verify\n"
               "      --sym FILE        circom symbol file for error messages\n"
               "  -q, --quiet           no progress on stderr\n"
               "  -h, --help            this help\n");
}

static void usage_verify(FILE *f)
{
    fprintf(f, "Usage: zkmlops r1cs verify C.r1cs proof.zkp --public public.json [--json] [--quiet]\n\n"
               "Check a proof against the circuit and its public signals (a JSON array of\n"
               "decimal strings, as snarkjs writes public.json).\n"
               "Exit status: 0 valid, 1 proof rejected, 2 bad input.\n\n"
               "Options:\n"
               "  -p, --public FILE     public signals\n"
               "      --json            machine-readable result on stdout\n"
               "  -q, --quiet           no progress on stderr\n"
               "  -h, --help            this help\n");
}

static void digest_hex(char hex[65], const zk_r1cs *c) { zk_digest_hex(hex, c->digest.h); }

static int r1cs_info(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, 0, 'j'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': as_json = 1; break;
        case 'h': usage_info(stdout); return 0;
        default: return cli_usage_error("r1cs info", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("r1cs info", "expected exactly one .r1cs file");
    zk_r1cs cir;
    int st = zk_r1cs_load(&cir, argv[optind]);
    if (st != ZK_OK)
        return cli_fail(st);
    zk_spartan_layout L;
    if ((st = zk_spartan_layout_compute(&L, &cir)) != ZK_OK) {
        zk_r1cs_free(&cir);
        return cli_fail(st);
    }
    zk_spartan_security sec;
    zk_spartan_security_compute(&sec, &L);
    char hex[65];
    digest_hex(hex, &cir);
    uint64_t nt[3];
    for (int k = 0; k < 3; k++)
        nt[k] = cir.abc[k].row_ptr[cir.n_constraints];
    if (as_json) {
        printf("{\"r1cs\": \"%s\", \"sha256\": \"%s\", \"prime\": \"18446744069414584321\", \"wires\": %u, "
               "\"public_outputs\": %u, \"public_inputs\": %u, \"private_inputs\": %u, \"private_wires\": %" PRIu64
               ", \"labels\": %" PRIu64 ", \"constraints\": %u, \"terms\": [%" PRIu64 ", %" PRIu64 ", %" PRIu64 "], "
               "\"row_vars\": %u, \"col_vars\": %u, \"committed_vars\": %u, \"expected_proof_bytes\": %zu, "
               "\"security_bits\": %.1f, \"whir_bits\": %.1f, \"sumcheck_bits\": %.1f}\n",
               argv[optind], hex, cir.n_wires, cir.n_pub_out, cir.n_pub_in, cir.n_prv_in, L.n_priv, cir.n_labels,
               cir.n_constraints, nt[0], nt[1], nt[2], L.row_vars, L.col_vars, L.col_vars - 1,
               sec.expected_proof_bytes, sec.security_bits, sec.whir_bits, sec.sumcheck_bits);
    } else {
        printf("circuit       %s\n", argv[optind]);
        printf("sha256        %s\n", hex);
        printf("prime         Goldilocks, p = 18446744069414584321 (2^64 - 2^32 + 1)\n");
        printf("wires         %u: the constant 1, %u public outputs, %u public inputs, %" PRIu64
               " private (%u private inputs)\n",
               cir.n_wires, cir.n_pub_out, cir.n_pub_in, L.n_priv, cir.n_prv_in);
        printf("labels        %" PRIu64 "\n", cir.n_labels);
        printf("constraints   %u (terms: A %" PRIu64 ", B %" PRIu64 ", C %" PRIu64 ")\n", cir.n_constraints, nt[0],
               nt[1], nt[2]);
        printf("spartan       outer sumcheck 2^%u rows (%u constraints + %u blinding), inner sumcheck 2^%u "
               "columns; committed witness 2^%u entries (hiding WHIR)\n",
               L.row_vars, cir.n_constraints, ZK_SPARTAN_BLIND_ROWS, L.col_vars, L.col_vars - 1);
        printf("proof         about %zu bytes\n", sec.expected_proof_bytes);
        printf("security      %.1f bits (WHIR %.1f, Johnson-bound regime; sumchecks %.1f)\n", sec.security_bits,
               sec.whir_bits, sec.sumcheck_bits);
    }
    zk_r1cs_free(&cir);
    return 0;
}

/* Default symbol file: C.sym beside C.r1cs, if it exists. */
static char *default_sym(const char *r1cs)
{
    char *p = cli_sibling_path(r1cs, ".r1cs", ".sym");
    if (p && access(p, R_OK) != 0) {
        free(p);
        p = NULL;
    }
    return p;
}

static int r1cs_prove(int argc, char **argv)
{
    static const struct option opts[] = {{"proof", required_argument, 0, 'o'},
                                         {"public-out", required_argument, 0, 'P'},
                                         {"sym", required_argument, 0, 'S'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *proof_path = NULL, *pub_path = NULL, *sym_path = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': proof_path = optarg; break;
        case 'P': pub_path = optarg; break;
        case 'S': sym_path = optarg; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_prove(stdout); return 0;
        default: return cli_usage_error("r1cs prove", "invalid option");
        }
    }
    if (optind != argc - 2)
        return cli_usage_error("r1cs prove", "expected a .r1cs and a .wtns file");
    if (!proof_path)
        return cli_usage_error("r1cs prove", "missing -o proof.zkp");
    const char *r1cs_path = argv[optind], *wtns_path = argv[optind + 1];
    zk_r1cs cir;
    int st = zk_r1cs_load(&cir, r1cs_path);
    if (st != ZK_OK)
        return cli_fail(st);
    gl_t *w = NULL;
    uint32_t nw = 0;
    if ((st = zk_wtns_load(&w, &nw, wtns_path)) != ZK_OK) {
        zk_r1cs_free(&cir);
        return cli_fail(st);
    }
    zk_r1cs_symbols syms;
    memset(&syms, 0, sizeof syms);
    char *auto_sym = sym_path ? NULL : default_sym(r1cs_path);
    const char *sp = sym_path ? sym_path : auto_sym;
    if (sp && (st = zk_r1cs_symbols_load(&syms, sp)) != ZK_OK && sym_path) {
        free(auto_sym);
        free(w);
        zk_r1cs_free(&cir);
        return cli_fail(st);
    }
    cli_progress("r1cs", "loaded %s: %u wires, %u constraints, %u public signals", r1cs_path, cir.n_wires,
                 cir.n_constraints, zk_r1cs_n_public(&cir));
    zk_wbuf proof, pub;
    zk_wbuf_init(&proof);
    zk_wbuf_init(&pub);
    double t0 = cli_now();
    st = zk_r1cs_prove(&cir, w, nw, &syms, &proof);
    double t_prove = cli_now() - t0;
    if (st != ZK_OK)
        zk_error_prefix((zk_status)st, wtns_path);
    uint32_t np = zk_r1cs_n_public(&cir);
    if (st == ZK_OK) {
        cli_progress("r1cs", "proved in %.2f s, proof %zu bytes", t_prove, proof.len);
        zk_r1cs_public_write_json(&pub, w + 1, np);
        if (pub.oom)
            st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    }
    if (st == ZK_OK)
        st = zk_write_file_atomic(proof_path, proof.data, proof.len);
    if (st == ZK_OK && pub_path && (st = zk_write_file_atomic(pub_path, pub.data, pub.len)) != ZK_OK)
        remove(proof_path);
    if (st == ZK_OK) {
        printf("{\"proof\": \"%s\", \"proof_bytes\": %zu, \"prove_seconds\": %.3f, \"public\": ", proof_path,
               proof.len, t_prove);
        for (size_t i = 0; i < pub.len; i++)
            if (pub.data[i] != '\n')
                putchar(pub.data[i]);
        if (pub_path)
            printf(", \"public_out\": \"%s\"", pub_path);
        printf("}\n");
    }
    memset(w, 0, (size_t)nw * sizeof *w);
    free(w);
    free(auto_sym);
    zk_r1cs_symbols_free(&syms);
    zk_wbuf_free(&proof);
    zk_wbuf_free(&pub);
    zk_r1cs_free(&cir);
    return st == ZK_OK ? 0 : cli_fail(st);
}

static int load_public(const char *path, gl_t **v, size_t *n)
{
    uint8_t *text;
    size_t len;
    int st = zk_read_file(path, PUBLIC_JSON_MAX, &text, &len);
    if (st != ZK_OK)
        return st;
    st = zk_r1cs_public_parse_json(v, n, (const char *)text, len, path);
    free(text);
    return st;
}

static int r1cs_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"public", required_argument, 0, 'p'},
                                         {"json", no_argument, 0, 'j'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *pub_path = NULL;
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'p': pub_path = optarg; break;
        case 'j': as_json = 1; break;
        case 'q': cli_set_quiet(1); break;
        case 'h': usage_verify(stdout); return 0;
        default: return cli_usage_error("r1cs verify", "invalid option");
        }
    }
    if (optind != argc - 2)
        return cli_usage_error("r1cs verify", "expected a .r1cs and a proof file");
    if (!pub_path)
        return cli_usage_error("r1cs verify", "missing --public public.json");
    const char *r1cs_path = argv[optind], *proof_path = argv[optind + 1];
    double t0 = cli_now();
    zk_r1cs cir;
    int st = zk_r1cs_load(&cir, r1cs_path);
    if (st != ZK_OK)
        return cli_fail(st);
    gl_t *pub = NULL;
    size_t np = 0;
    uint8_t *proof = NULL;
    size_t plen = 0;
    st = load_public(pub_path, &pub, &np);
    if (st == ZK_OK)
        st = zk_read_file(proof_path, (size_t)zk_limit(ZK_LIMIT_PROOF_BYTES), &proof, &plen);
    zk_spartan_security sec;
    double t1 = cli_now(), t_ver = 0;
    if (st == ZK_OK) {
        st = zk_r1cs_verify(&cir, pub, np, proof, plen, &sec);
        t_ver = cli_now() - t1;
        if (st != ZK_OK)
            zk_error_prefix((zk_status)st, proof_path);
    }
    double t_all = cli_now() - t0;
    char hex[65];
    digest_hex(hex, &cir);
    if (st == ZK_OK) {
        if (as_json)
            printf("{\"valid\": true, \"proof\": \"%s\", \"r1cs_sha256\": \"%s\", \"public_signals\": %zu, "
                   "\"security_bits\": %.1f, \"proof_bytes\": %zu, \"verify_ms\": %.3f, \"total_ms\": %.3f}\n",
                   proof_path, hex, np, sec.security_bits, plen, t_ver * 1e3, t_all * 1e3);
        else {
            printf("VALID: %s satisfies circuit %s (sha256 %.16s...) with %zu public signals\n", proof_path,
                   r1cs_path, hex, np);
            printf("security: %.1f bits (WHIR %.1f, Johnson-bound regime, SHA-256; sumchecks %.1f)\n",
                   sec.security_bits, sec.whir_bits, sec.sumcheck_bits);
            printf("proof: %zu bytes, verified in %.2f ms (%.2f ms including reading the circuit); "
                   "zero-knowledge, transparent, post-quantum (hash-based)\n",
                   plen, t_ver * 1e3, t_all * 1e3);
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
    free(pub);
    free(proof);
    zk_r1cs_free(&cir);
    return st == ZK_OK ? 0 : cli_fail(st);
}

int cmd_r1cs(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        usage_info(f);
        fprintf(f, "\n");
        usage_prove(f);
        fprintf(f, "\n");
        usage_verify(f);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "info") == 0)
        return r1cs_info(argc - 1, argv + 1);
    if (strcmp(argv[1], "prove") == 0)
        return r1cs_prove(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return r1cs_verify(argc - 1, argv + 1);
    return cli_usage_error("r1cs", "unknown verb '%s' (expected: info, prove, verify)", argv[1]);
}
