/* zkmlops data commit */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "zkmlops/dataset.h"
#include "zkmlops/range.h"

static void usage_commit(FILE *f)
{
    fprintf(f,
            "Usage: zkmlops data commit DATA.csv -o D.zkd [--scale-bits S] [--range-bits B] [--quiet]\n\n"
            "Commit to a CSV dataset (header line of column names, numeric cells).\n"
            "Cells become fixed-point integers round(x * 2^S), half away from zero,\n"
            "computed exactly from the decimal digits (default S = %u, at most %u).\n"
            "Writes the prover's private file D.zkd and the public commitment D.com\n"
            "beside it (hiding WHIR commitment: reveals only the table shape and column names).\n"
            "The commitment embeds a zero-knowledge proof that every value lies in\n"
            "[-2^(B-1), 2^(B-1)); by default B is the largest value for which sums of\n"
            "squares over all rows cannot wrap modulo p, so statistics are exact integers.\n\n"
            "Options:\n"
            "  -o, --output FILE     private output (.zkd); the .com goes beside it\n"
            "  -s, --scale-bits S    fixed-point scale 2^S\n"
            "  -b, --range-bits B    proved value range [-2^(B-1), 2^(B-1)), 1..32 (default: see above)\n"
            "  -q, --quiet           no progress on stderr\n"
            "  -h, --help            this help\n",
            ZK_DATASET_DEFAULT_SCALE_BITS, ZK_DATASET_MAX_SCALE_BITS);
}

static int data_commit(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"scale-bits", required_argument, 0, 's'},
                                         {"range-bits", required_argument, 0, 'b'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *out = NULL;
    long scale = ZK_DATASET_DEFAULT_SCALE_BITS, range_bits = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:s:b:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 's': {
            char *end;
            scale = strtol(optarg, &end, 10);
            if (*end || scale < 0 || scale > (long)ZK_DATASET_MAX_SCALE_BITS)
                return cli_usage_error("data commit", "--scale-bits must be an integer in 0..%u",
                                       ZK_DATASET_MAX_SCALE_BITS);
            break;
        }
        case 'b': {
            char *end;
            range_bits = strtol(optarg, &end, 10);
            if (*end || range_bits < 1 || range_bits > 32)
                return cli_usage_error("data commit", "--range-bits must be an integer in 1..32");
            break;
        }
        case 'q':
            cli_set_quiet(1);
            break;
        case 'h':
            usage_commit(stdout);
            return 0;
        default:
            return cli_usage_error("data commit", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("data commit", "expected exactly one CSV file");
    if (!out)
        return cli_usage_error("data commit", "missing -o D.zkd");
    const char *csv = argv[optind];
    char *com_path = cli_sibling_path(out, ".zkd", ".com");
    if (!com_path)
        return 2;
    zk_dataset ds;
    zk_dataset_private priv;
    int st = zk_dataset_load_csv(&ds, csv, (uint32_t)scale);
    if (st != ZK_OK) {
        free(com_path);
        return cli_fail(st);
    }
    cli_progress("data", "%s: %u rows x %u columns, scale 2^%ld; committing to a 2^%u x 2^%u table",
                 csv, ds.meta.n_rows, ds.meta.n_cols, scale, ds.meta.log_rows, ds.meta.log_cols);
    st = zk_dataset_commit(&priv, &ds, (unsigned)range_bits);
    zk_dataset_free(&ds);
    if (st != ZK_OK) {
        free(com_path);
        return cli_fail(st);
    }
    zk_wbuf wp, wc;
    zk_wbuf_init(&wp);
    zk_wbuf_init(&wc);
    zk_dataset_private_write(&wp, &priv);
    zk_dataset_commitment_write(&wc, &priv.com);
    if (wp.oom || wc.oom)
        st = zk_set_error(ZK_ERR_NOMEM, "out of memory");
    if (st == ZK_OK)
        st = zk_write_file_atomic(out, wp.data, wp.len);
    if (st == ZK_OK) {
        st = zk_write_file_atomic(com_path, wc.data, wc.len);
        if (st != ZK_OK)
            remove(out); /* never leave half of the pair */
    }
    if (st == ZK_OK) {
        uint8_t d[32];
        char hex[65];
        zk_sha256(d, wc.data, wc.len);
        zk_digest_hex(hex, d);
        cli_progress("data", "proved every value in [-2^%u, 2^%u) (range proof %zu bytes)",
                     priv.com.range_bits - 1, priv.com.range_bits - 1, priv.com.range_proof_len);
        if (priv.com.range_bits > zk_range_max_bits_for_stats(priv.com.meta.n_rows))
            fprintf(stderr, "zkmlops: warning: with %u-bit values, sums of squares over %u rows may wrap "
                            "modulo p: statistics over this commitment will not be certified as exact "
                            "integers (use a smaller --scale-bits)\n",
                    priv.com.range_bits, priv.com.meta.n_rows);
        cli_progress("data", "wrote %s (private, %zu bytes) and %s (public, %zu bytes)", out, wp.len,
                     com_path, wc.len);
        printf("{\"commitment\": \"%s\", \"commitment_sha256\": \"%s\", \"private\": \"%s\", "
               "\"rows\": %u, \"columns\": %u, \"scale_bits\": %u, \"range_bits\": %u}\n",
               com_path, hex, out, priv.com.meta.n_rows, priv.com.meta.n_cols, priv.com.meta.scale_bits,
               priv.com.range_bits);
    }
    if (wp.data)
        memset(wp.data, 0, wp.len);
    zk_wbuf_free(&wp);
    zk_wbuf_free(&wc);
    zk_dataset_private_free(&priv);
    free(com_path);
    return st == ZK_OK ? 0 : cli_fail(st);
}

int cmd_data(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage_commit(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "commit") == 0)
        return data_commit(argc - 1, argv + 1);
    return cli_usage_error("data", "unknown verb '%s' (expected: commit)", argv[1]);
}
