/*
 * fuzz_prep_pipeline — zk_prep_pipeline_parse (preprocess.h): the
 * preprocessing pipeline JSON ("zkmlops-pipeline/v1"), resolved against a
 * dataset schema. Input parts: 0 the schema (fuzz_schema.h: comma-separated
 * column names), 1 the pipeline JSON.
 * Invariants: every resolved column index lies in the schema current at its
 * step; the output schema holds the label (last) and names every column
 * once; the split fraction is in [0, 1); the canonical text parses back to
 * the same pipeline (same digest).
 */
#include <math.h>

#include "fuzz_util.h"
#include "fuzz_schema.h"
#include "zkmlops/preprocess.h"

int zkm_fuzz_prep_pipeline(const uint8_t *data, size_t len)
{
    const uint8_t *part[ZKM_FUZZ_MAX_PARTS];
    size_t plen[ZKM_FUZZ_MAX_PARTS];
    if (zkm_fuzz_split(data, len, part, plen, 2) != 2)
        return 0;
    zk_dataset_meta meta;
    if (zkm_fuzz_schema(part[0], plen[0], &meta) != 0)
        return 0;
    zk_prep_pipeline pl;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_prep_pipeline_parse(&pl, "fuzz.json", (const char *)part[1], plen[1], &meta),
                             "zk_prep_pipeline_parse");
    if (st != ZK_OK) {
        zk_dataset_meta_free(&meta);
        return 0;
    }
    for (uint32_t i = 0; i < pl.n_transforms; i++) {
        const zk_prep_transform *t = &pl.t[i];
        for (uint32_t k = 0; k < t->n_cols; k++)
            if (t->cols[k] >= t->width_in)
                zkm_fuzz_fail("transform %u: column %u outside its input schema of %u", i, t->cols[k], t->width_in);
        if (t->n_cats && !t->cats)
            zkm_fuzz_fail("transform %u: %u categories without values", i, t->n_cats);
    }
    if (pl.out_n_cols < 1 || !pl.out_names || !pl.out_from || !pl.canonical)
        zkm_fuzz_fail("accepted pipeline without an output schema");
    for (uint32_t k = 0; k < pl.out_n_cols; k++)
        if (!pl.out_names[k])
            zkm_fuzz_fail("output column %u has no name", k);
    if (pl.out_from[pl.out_n_cols - 1] != pl.label_col)
        zkm_fuzz_fail("the label is not the last output column");
    if (!(pl.test_fraction >= 0.0 && pl.test_fraction < 1.0))
        zkm_fuzz_fail("accepted split fraction %g", pl.test_fraction);
    zk_prep_pipeline again;
    zkm_fuzz_clear_error();
    if (zk_prep_pipeline_parse(&again, "canonical.json", pl.canonical, strlen(pl.canonical), &meta) != ZK_OK)
        zkm_fuzz_fail("canonical text of an accepted pipeline is refused: %s", zk_last_error());
    if (memcmp(again.digest, pl.digest, ZK_HASH_BYTES) != 0 || again.out_n_cols != pl.out_n_cols ||
        again.n_transforms != pl.n_transforms)
        zkm_fuzz_fail("canonical text parses to another pipeline");
    zk_prep_pipeline_free(&again);
    zk_prep_pipeline_free(&pl);
    zk_dataset_meta_free(&meta);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_prep_pipeline)
