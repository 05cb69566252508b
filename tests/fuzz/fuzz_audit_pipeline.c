/*
 * fuzz_audit_pipeline — zk_pipeline_parse (bundle.h): the audit pipeline
 * declaration (the JSON files in pipelines/). Input: the JSON text.
 * Invariants: an accepted pipeline has a name, a dataset, 1..n stages
 * starting with a data stage, unique stage names, every kind's prerequisite
 * earlier, and a spec (path or inline object) for preprocess, train, eval
 * and monitor.
 */
#include "fuzz_util.h"
#include "zkmlops/bundle.h"

int zkm_fuzz_audit_pipeline(const uint8_t *data, size_t len)
{
    zk_pipeline p;
    zkm_fuzz_clear_error();
    int st = zkm_fuzz_status(zk_pipeline_parse(&p, "pipelines/fuzz.json", (const char *)data, len),
                             "zk_pipeline_parse");
    if (st != ZK_OK)
        return 0;
    if (!p.name || !p.dataset || p.n_stages < 1 || !p.stages || p.stages[0].kind != ZK_STAGE_DATA)
        zkm_fuzz_fail("accepted pipeline without a name, dataset or leading data stage");
    int seen[16] = {0};
    for (size_t i = 0; i < p.n_stages; i++) {
        const zk_pipeline_stage *s = &p.stages[i];
        if (!s->name || (unsigned)s->kind >= 16)
            zkm_fuzz_fail("stage %zu: no name or kind %d", i, (int)s->kind);
        for (size_t j = 0; j < i; j++)
            if (strcmp(p.stages[j].name, s->name) == 0)
                zkm_fuzz_fail("stage name '%s' twice", s->name);
        int need = s->kind == ZK_STAGE_PREPROCESS ? ZK_STAGE_DATA
                   : s->kind == ZK_STAGE_TRAIN    ? ZK_STAGE_PREPROCESS
                   : (s->kind == ZK_STAGE_EVAL || s->kind == ZK_STAGE_INFER || s->kind == ZK_STAGE_MONITOR)
                       ? ZK_STAGE_TRAIN
                       : -1;
        if (need >= 0 && !seen[need])
            zkm_fuzz_fail("stage %zu (%s) before its prerequisite", i, zk_stage_kind_name(s->kind));
        if ((s->kind == ZK_STAGE_PREPROCESS || s->kind == ZK_STAGE_TRAIN || s->kind == ZK_STAGE_EVAL ||
             s->kind == ZK_STAGE_MONITOR) &&
            !s->spec_path && !s->spec_inline)
            zkm_fuzz_fail("stage %zu (%s) without a spec", i, zk_stage_kind_name(s->kind));
        seen[s->kind] = 1;
    }
    zk_pipeline_free(&p);
    return 1;
}

ZKM_FUZZ_ENTRY(zkm_fuzz_audit_pipeline)
