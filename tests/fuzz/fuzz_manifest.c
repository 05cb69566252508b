/*
 * fuzz_manifest — zk_bundle_manifest_parse (bundle.h): the audit bundle's
 * manifest.json (in-toto Statement with the zkmlops predicate), then what
 * `audit verify` / `audit report` do with a parsed manifest that reads no
 * files: the chain check of every stage and the HTML report.
 * Input: the JSON text.
 * Invariants: an accepted manifest serializes, and that serialization parses
 * back and serializes to the same bytes (no field is lost or altered);
 * subject names pass zk_bundle_name_ok with 64 lowercase hex digits; the
 * chain check answers OK or REJECT with a message; the report renders.
 */
#include "fuzz_util.h"
#include "zkmlops/bundle.h"

int zkm_fuzz_manifest(const uint8_t *data, size_t len)
{
    zk_bundle_manifest m;
    zk_bundle_manifest_init(&m);
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_bundle_manifest_parse(&m, "bundle/manifest.json", (const char *)data, len),
                             "zk_bundle_manifest_parse");
    if (st != ZK_OK) {
        zk_bundle_manifest_free(&m);
        return 0;
    }
    for (size_t i = 0; i < m.n_subjects; i++)
        if (!zk_bundle_name_ok(m.subjects[i].name) || strlen(m.subjects[i].sha256) != 64 ||
            strspn(m.subjects[i].sha256, "0123456789abcdef") != 64)
            zkm_fuzz_fail("accepted subject %zu: bad name or digest", i);
    for (size_t s = 0; s < m.n_stages; s++) {
        zkm_fuzz_clear_error();
        int c = zkm_fuzz_status(zk_bundle_check_chain(&m, s), "zk_bundle_check_chain");
        if (c != ZK_OK && c != ZK_ERR_REJECT)
            zkm_fuzz_fail("zk_bundle_check_chain returned %d", c);
    }
    zk_wbuf a, b, h;
    zk_wbuf_init(&a);
    zk_wbuf_init(&b);
    zk_wbuf_init(&h);
    if (zk_bundle_manifest_serialize(&m, &a) != ZK_OK || a.oom)
        zkm_fuzz_fail("accepted manifest does not serialize: %s", zk_last_error());
    zk_bundle_manifest m2;
    zk_bundle_manifest_init(&m2);
    if (zk_bundle_manifest_parse(&m2, "again.json", (const char *)a.data, a.len) != ZK_OK)
        zkm_fuzz_fail("serialized manifest is refused: %s", zk_last_error());
    if (zk_bundle_manifest_serialize(&m2, &b) != ZK_OK || b.len != a.len || memcmp(a.data, b.data, a.len) != 0)
        zkm_fuzz_fail("manifest serialization does not round-trip (%zu vs %zu bytes)", b.len, a.len);
    if (zk_bundle_report_html(&m, NULL, &h) != ZK_OK || h.oom)
        zkm_fuzz_fail("report of an accepted manifest fails: %s", zk_last_error());
    zk_wbuf_free(&a);
    zk_wbuf_free(&b);
    zk_wbuf_free(&h);
    zk_bundle_manifest_free(&m2);
    zk_bundle_manifest_free(&m);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_manifest)
