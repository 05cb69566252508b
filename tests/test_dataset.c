/* CSV parsing and exact decimal -> fixed-point conversion. */
#include <string.h>

#include "testutil.h"
#include "zkmlops/dataset.h"

static int64_t fx(const char *s, unsigned scale, int *st)
{
    int64_t v = 12345;
    *st = zk_parse_fixed(s, strlen(s), scale, &v);
    return v;
}

static void test_parse_fixed_cases(void **state)
{
    (void)state;
    int st;
    assert_int_equal(fx("1", 0, &st), 1);
    assert_int_equal(st, ZK_OK);
    assert_int_equal(fx("17.99", 12, &st), 73687); /* 17.99 * 4096 = 73687.04 */
    assert_int_equal(fx("-0.5", 0, &st), -1);       /* half away from zero */
    assert_int_equal(fx("0.5", 0, &st), 1);
    assert_int_equal(fx("0.49999", 0, &st), 0);
    assert_int_equal(fx("2.5e-1", 2, &st), 1);
    assert_int_equal(fx("1e3", 0, &st), 1000);
    assert_int_equal(fx("1E+3", 1, &st), 2000);
    assert_int_equal(fx(".5", 1, &st), 1);
    assert_int_equal(fx("-.25", 2, &st), -1);
    assert_int_equal(fx("+3", 4, &st), 48);
    assert_int_equal(fx("0.006399", 12, &st), 26); /* 26.21 */
    assert_int_equal(fx("0.000000000000000000000000000000001", 12, &st), 0);
    assert_int_equal(st, ZK_OK);
    assert_int_equal(fx("0", 24, &st), 0);
    assert_int_equal(fx("-0", 24, &st), 0);
    const char *bad[] = {"", "abc", "1.2.3", "1e", "--1", "1e+", "0x10", "1 2", ".", "-", "e5", "nan", "inf"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        fx(bad[i], 8, &st);
        assert_int_equal(st, ZK_ERR_INPUT);
    }
    fx("1e20", 0, &st);
    assert_int_equal(st, ZK_ERR_RANGE);
    fx("1099511627776", 0, &st); /* 2^40 */
    assert_int_equal(st, ZK_ERR_RANGE);
    assert_int_equal(fx("1099511627775", 0, &st), 1099511627775LL);
    assert_int_equal(st, ZK_OK);
    fx("1", 25, &st);
    assert_int_equal(st, ZK_ERR_INPUT);
}

/* Random decimals m / 10^k against round(m * 2^s / 10^k) computed independently with long division. */
static void test_parse_fixed_random(void **state)
{
    (void)state;
    test_rng rng;
    test_rng_seed(&rng, test_seed());
    for (int it = 0; it < 20000; it++) {
        int64_t m = (int64_t)(test_rng_u64(&rng) % 100000000ULL);
        unsigned k = (unsigned)(test_rng_u64(&rng) % 9), s = (unsigned)(test_rng_u64(&rng) % 17);
        int neg = (int)(test_rng_u64(&rng) & 1);
        char buf[64], digits[32];
        snprintf(digits, sizeof digits, "%0*lld", (int)k + 1, (long long)m);
        size_t dl = strlen(digits);
        if (k)
            snprintf(buf, sizeof buf, "%s%.*s.%s", neg ? "-" : "", (int)(dl - k), digits, digits + dl - k);
        else
            snprintf(buf, sizeof buf, "%s%s", neg ? "-" : "", digits);
        /* reference: exact integer rounding via (2*m*2^s + 10^k) / (2*10^k) */
        __int128 num = (__int128)m << s, den = 1;
        for (unsigned i = 0; i < k; i++)
            den *= 10;
        __int128 q = (2 * num + den) / (2 * den);
        int64_t expect = (int64_t)(neg ? -q : q);
        int st;
        int64_t got = fx(buf, s, &st);
        if (q >= ((__int128)1 << 40)) {
            if (st != ZK_ERR_RANGE)
                fail_msg("parse '%s' at 2^%u: expected a range error", buf, s);
            continue;
        }
        if (st != ZK_OK || got != expect)
            fail_msg("parse '%s' at 2^%u: got %lld (st %d), expected %lld", buf, s, (long long)got, st,
                     (long long)expect);
    }
}

static int parse(const char *text, zk_dataset *ds)
{
    return zk_dataset_parse_csv(ds, "t.csv", text, strlen(text), 8);
}

static void test_csv_valid(void **state)
{
    (void)state;
    zk_dataset ds;
    assert_int_equal(parse("a,b, c\r\n1,2,3\r\n\r\n -1 , \"2.5\" ,0\n", &ds), ZK_OK);
    assert_int_equal(ds.meta.n_rows, 2);
    assert_int_equal(ds.meta.n_cols, 3);
    assert_string_equal(ds.meta.col_names[2], "c");
    assert_int_equal(ds.values[0], 256);
    assert_int_equal(ds.values[3], -256);
    assert_int_equal(ds.values[4], 640);
    /* 2 + 16 blinding rows -> 32 rows; 32 x 4 - 6 = 122 blinding entries are fewer than
     * 3 x 64 + 16 = 208 (ZK_DATASET_MIN_BLIND_ENTRIES), so 64 rows. */
    assert_int_equal(ds.meta.log_rows, 6);
    assert_int_equal(ds.meta.log_cols, 2);
    zk_dataset_free(&ds);
}

/* The layout leaves room for the opening budget: every zero-knowledge opening
 * reveals an F_p^3 evaluation (3 equations), masked only while 3K + 16 <= blinding
 * entries; checked against a direct computation for many shapes, including minimality. */
static void test_layout_blinding(void **state)
{
    (void)state;
    static const uint32_t rows[] = {1, 2, 5, 16, 47, 100, 455, 569, 1000, 5000};
    static const uint32_t cols[] = {1, 2, 3, 4, 7, 8, 13, 31, 64};
    for (size_t a = 0; a < sizeof rows / sizeof rows[0]; a++)
        for (size_t b = 0; b < sizeof cols / sizeof cols[0]; b++) {
            uint32_t lr, lc, n = rows[a], c = cols[b];
            zk_dataset_layout(n, c, &lr, &lc);
            assert_true((1u << lc) >= c && (lc == 0 || (1u << (lc - 1)) < c));
            uint64_t blind = ((uint64_t)1 << (lr + lc)) - (uint64_t)n * c;
            assert_true(((uint64_t)1 << lr) >= (uint64_t)n + ZK_DATASET_MIN_BLIND_ROWS);
            assert_true(blind >= 3u * ZK_DATASET_OPENING_BUDGET + 16u);
            /* one row fewer would break one of the two conditions */
            uint64_t blind_less = ((uint64_t)1 << (lr - 1 + lc)) - (uint64_t)n * c;
            assert_true(((uint64_t)1 << (lr - 1)) < (uint64_t)n + ZK_DATASET_MIN_BLIND_ROWS ||
                        ((uint64_t)1 << (lr - 1 + lc)) < (uint64_t)n * c || blind_less < 3u * ZK_DATASET_OPENING_BUDGET + 16u);
        }
}

static void expect_error(const char *text, int code, const char *needle)
{
    zk_dataset ds;
    int st = parse(text, &ds);
    assert_int_equal(st, code);
    if (!strstr(zk_last_error(), needle))
        fail_msg("error '%s' does not mention '%s'", zk_last_error(), needle);
    assert_null(ds.values);
}

static void test_csv_errors(void **state)
{
    (void)state;
    expect_error("", ZK_ERR_INPUT, "empty file");
    expect_error("\n\n", ZK_ERR_INPUT, "empty file");
    expect_error("a,b\n", ZK_ERR_INPUT, "no data rows");
    expect_error("a,b\n1,2\n3\n", ZK_ERR_INPUT, "t.csv:3: expected 2 fields");
    expect_error("a,b\n1,2,3\n", ZK_ERR_INPUT, "t.csv:2");
    expect_error("a,b\n1,x\n", ZK_ERR_INPUT, "field 2 (b) 'x': not a number");
    expect_error("a,b\n1,\n", ZK_ERR_INPUT, "missing value");
    expect_error("a,\n1,2\n", ZK_ERR_INPUT, "header field 2 is empty");
    expect_error("a,b\n1,\"2\n", ZK_ERR_INPUT, "quote");
    expect_error("a,b\n1,1e30\n", ZK_ERR_RANGE, "out of range");
    const char nul[] = "a,b\n1,\0002\n";
    zk_dataset ds;
    assert_int_equal(zk_dataset_parse_csv(&ds, "t.csv", nul, sizeof nul - 1, 8), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "NUL"));
}

static void test_csv_bundled(void **state)
{
    (void)state;
    zk_dataset ds;
    int st = zk_dataset_load_csv(&ds, "data/breast_cancer_wisconsin.csv", 12);
    if (st != ZK_OK)
        fail_msg("%s", zk_last_error());
    assert_int_equal(ds.meta.n_rows, 569);
    assert_int_equal(ds.meta.n_cols, 31);
    assert_int_equal(ds.meta.log_rows, 10);
    assert_int_equal(ds.meta.log_cols, 5);
    assert_string_equal(ds.meta.col_names[0], "mean_radius");
    assert_string_equal(ds.meta.col_names[30], "benign");
    assert_int_equal(ds.values[0], 73687); /* 17.99 at 2^12 */
    zk_dataset_free(&ds);
    assert_int_equal(zk_dataset_load_csv(&ds, "data/does-not-exist.csv", 12), ZK_ERR_IO);
    assert_non_null(strstr(zk_last_error(), "does-not-exist.csv"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_fixed_cases), cmocka_unit_test(test_parse_fixed_random),
        cmocka_unit_test(test_csv_valid),
        cmocka_unit_test(test_layout_blinding),         cmocka_unit_test(test_csv_errors),
        cmocka_unit_test(test_csv_bundled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
