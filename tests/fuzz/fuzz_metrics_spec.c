/*
 * fuzz_metrics_spec — zk_metrics_spec_parse (metrics.h): the metric spec
 * JSON of `eval`, resolved against a dataset schema (no model: the
 * input-size check is skipped). Input parts: 0 the schema (fuzz_schema.h),
 * 1 the JSON.
 * Invariants: resolved columns lie in the schema and the feature columns
 * exclude the label; claims within the limits with 0 <= num <= den,
 * den = 10^k (k <= 6), known metrics; names NUL-terminated.
 */
#include "fuzz_util.h"
#include "fuzz_schema.h"
#include "zkmlops/metrics.h"

int zkm_fuzz_metrics_spec(const uint8_t *data, size_t len)
{
    const uint8_t *part[ZKM_FUZZ_MAX_PARTS];
    size_t plen[ZKM_FUZZ_MAX_PARTS];
    if (zkm_fuzz_split(data, len, part, plen, 2) != 2)
        return 0;
    zk_dataset_meta meta;
    if (zkm_fuzz_schema(part[0], plen[0], &meta) != 0)
        return 0;
    zk_metrics_spec s;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_metrics_spec_parse(&s, "fuzz.json", (const char *)part[1], plen[1], &meta, NULL),
                             "zk_metrics_spec_parse");
    if (st != ZK_OK) {
        zk_dataset_meta_free(&meta);
        return 0;
    }
    if (s.label_col >= meta.n_cols || (s.has_sensitive && s.sensitive_col >= meta.n_cols) ||
        s.n_claims > ZK_METRICS_MAX_CLAIMS || (s.n_features && !s.feature_cols) ||
        strnlen(s.label, sizeof s.label) >= sizeof s.label ||
        strnlen(s.sensitive, sizeof s.sensitive) >= sizeof s.sensitive ||
        strnlen(s.groups[0], sizeof s.groups[0]) >= sizeof s.groups[0] ||
        strnlen(s.groups[1], sizeof s.groups[1]) >= sizeof s.groups[1])
        zkm_fuzz_fail("accepted metric spec out of range (label %u, %u claims)", s.label_col, s.n_claims);
    for (uint32_t k = 0; k < s.n_features; k++)
        if (s.feature_cols[k] >= meta.n_cols || s.feature_cols[k] == s.label_col)
            zkm_fuzz_fail("feature %u is column %u (label %u, %u columns)", k, s.feature_cols[k], s.label_col,
                          meta.n_cols);
    for (uint32_t c = 0; c < s.n_claims; c++) {
        const zk_metric_claim *cl = &s.claims[c];
        int pow10 = 0;
        for (int64_t p = 1; p <= 1000000 && !pow10; p *= 10)
            pow10 = cl->den == p;
        if ((int)cl->metric < 0 || cl->metric >= ZK_METRIC_COUNT_ || cl->num < 0 || cl->num > cl->den || !pow10)
            zkm_fuzz_fail("claim %u: metric %d, %lld / %lld", c, (int)cl->metric, (long long)cl->num,
                          (long long)cl->den);
    }
    zk_metrics_spec_free(&s);
    zk_dataset_meta_free(&meta);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_metrics_spec)
