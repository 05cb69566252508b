/*
 * fuzz_train_spec — zk_train_spec_parse + zk_train_spec_check (train.h): the
 * training specification JSON ("zkmlops-train/v1").
 * Input: the JSON text.
 * Invariants: an accepted spec that passes zk_train_spec_check has every
 * field in its documented range, a chunk schedule that covers the epochs
 * exactly, and the overflow check (zk_train_check_bounds) answers with OK or
 * a message for the breast-cancer shape (455 rows x 30 features).
 */
#include "fuzz_util.h"
#include "zkmlops/train.h"

int zkm_fuzz_train_spec(const uint8_t *data, size_t len)
{
    zk_train_spec s;
    zkm_fuzz_clear_error();
    if (zkm_fuzz_status(zk_train_spec_parse(&s, "fuzz.json", (const char *)data, len), "zk_train_spec_parse") !=
        ZK_OK)
        return 0;
    zkm_fuzz_clear_error();
    if (zkm_fuzz_status(zk_train_spec_check(&s), "zk_train_spec_check") != ZK_OK)
        return 0;
    if ((s.kind != ZK_TRAIN_LOGREG && s.kind != ZK_TRAIN_MLP) || s.epochs < 1 || s.epochs > ZK_TRAIN_MAX_EPOCHS ||
        s.scale < ZK_TRAIN_MIN_SCALE || s.scale > ZK_TRAIN_MAX_SCALE || s.lr < 1 ||
        s.lr > ((int64_t)1 << (s.scale + 4)) || (s.kind == ZK_TRAIN_MLP && (s.hidden < 1 || s.hidden > ZK_TRAIN_MAX_HIDDEN)) ||
        strnlen(s.label, sizeof s.label) >= sizeof s.label)
        zkm_fuzz_fail("checked train spec out of range (kind %d, epochs %u, scale %u, lr %lld, hidden %u)", (int)s.kind,
                      s.epochs, s.scale, (long long)s.lr, s.hidden);
    uint32_t nc = zk_train_n_chunks(&s), prev = 0;
    if (nc < 1 || nc > ZK_TRAIN_MAX_CHUNKS)
        zkm_fuzz_fail("%u chunks", nc);
    for (uint32_t c = 0; c < nc; c++) {
        uint32_t b, e;
        zk_train_chunk_epochs(&s, c, &b, &e);
        if (b != prev || e <= b)
            zkm_fuzz_fail("chunk %u covers epochs [%u, %u) after %u", c, b, e, prev);
        prev = e;
    }
    if (prev != s.epochs)
        zkm_fuzz_fail("chunks cover %u of %u epochs", prev, s.epochs);
    zkm_fuzz_clear_error();
    (void)zkm_fuzz_status(zk_train_check_bounds(&s, 455, 30), "zk_train_check_bounds");
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_train_spec_encode(&w, &s);
    zk_wbuf_free(&w);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_train_spec)
