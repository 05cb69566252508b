/* Run-time limits on declared sizes (limits.h). */
#include "zkmlops/limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "zkmlops/dataset.h"
#include "zkmlops/model.h"
#include "zkmlops/proof.h"
#include "zkmlops/r1cs.h"
#include "zkmlops/status.h"
#include "zkmlops/circuit.h"

typedef struct {
    const char *name;
    uint64_t max;
    const char *doc;
} limit_info;

static const limit_info INFO[ZK_LIMIT_COUNT_] = {
    [ZK_LIMIT_FILE_BYTES] = {"file_bytes", (uint64_t)1 << 34, "bytes of any input file read whole"},
    [ZK_LIMIT_PROOF_BYTES] = {"proof_bytes", ZK_PROOF_MAX_BYTES, "bytes of a proof file"},
    [ZK_LIMIT_R1CS_WIRES] = {"r1cs_wires", ZK_R1CS_MAX_WIRES, "wires of a .r1cs circuit, values of a .wtns"},
    [ZK_LIMIT_R1CS_CONSTRAINTS] = {"r1cs_constraints", ZK_R1CS_MAX_CONSTRAINTS, "constraints of a .r1cs circuit"},
    [ZK_LIMIT_R1CS_PUBLIC] = {"r1cs_public", ZK_R1CS_MAX_PUBLIC, "public signals of a circuit / public.json"},
    [ZK_LIMIT_CSV_ROWS] = {"csv_rows", ZK_DATASET_MAX_ROWS, "data rows of a CSV file or dataset commitment"},
    [ZK_LIMIT_CSV_COLS] = {"csv_cols", ZK_DATASET_MAX_COLS, "columns of a CSV file or dataset commitment"},
    [ZK_LIMIT_MODEL_PARAMS] = {"model_params", ZK_MODEL_MAX_PARAMS, "parameters of an ONNX model or model commitment"},
    [ZK_LIMIT_CIRCUIT_CONSTRAINTS] = {"circuit_constraints", ZK_CS_MAX_CONSTRAINTS,
                                      "constraints of a stage circuit (prover and verifier)"},
};

static uint64_t effective[ZK_LIMIT_COUNT_]; /* 0 = not set: use the maximum */

uint64_t zk_limit(zk_limit_id id)
{
    if ((unsigned)id >= ZK_LIMIT_COUNT_)
        return 0;
    return effective[id] ? effective[id] : INFO[id].max;
}

uint64_t zk_limit_max(zk_limit_id id) { return (unsigned)id < ZK_LIMIT_COUNT_ ? INFO[id].max : 0; }
const char *zk_limit_name(zk_limit_id id) { return (unsigned)id < ZK_LIMIT_COUNT_ ? INFO[id].name : "?"; }
const char *zk_limit_doc(zk_limit_id id) { return (unsigned)id < ZK_LIMIT_COUNT_ ? INFO[id].doc : "?"; }

void zk_limits_reset(void) { memset(effective, 0, sizeof effective); }

int zk_limit_set_str(const char *a)
{
    const char *eq = strchr(a, '=');
    if (!eq || eq == a)
        return zk_set_error(ZK_ERR_INPUT, "limit '%s': expected name=value", a);
    size_t nlen = (size_t)(eq - a);
    int id = -1;
    for (int i = 0; i < ZK_LIMIT_COUNT_; i++)
        if (strlen(INFO[i].name) == nlen && memcmp(INFO[i].name, a, nlen) == 0)
            id = i;
    if (id < 0)
        return zk_set_error(ZK_ERR_INPUT, "limit '%.*s': unknown name (see 'zkmlops limits')", (int)nlen, a);
    const char *v = eq + 1;
    if (*v < '0' || *v > '9')
        return zk_set_error(ZK_ERR_INPUT, "limit '%s': value is not a number", a);
    errno = 0;
    char *end = NULL;
    unsigned long long x = strtoull(v, &end, 10);
    unsigned shift = 0;
    if (*end == 'k' || *end == 'K')
        shift = 10, end++;
    else if (*end == 'M')
        shift = 20, end++;
    else if (*end == 'G')
        shift = 30, end++;
    if (errno || *end != '\0' || x == 0 || (shift && x > (UINT64_MAX >> shift)))
        return zk_set_error(ZK_ERR_INPUT, "limit '%s': value must be a positive integer (suffix k, M or G allowed)", a);
    uint64_t val = (uint64_t)x << shift;
    if (val > INFO[id].max)
        return zk_set_error(ZK_ERR_INPUT, "limit '%s': over the compiled maximum %llu", a,
                            (unsigned long long)INFO[id].max);
    effective[id] = val;
    return ZK_OK;
}

int zk_limits_from_env(void)
{
    const char *env = getenv("ZKMLOPS_LIMITS");
    if (!env || !*env)
        return ZK_OK;
    char buf[1024];
    size_t n = strlen(env);
    if (n >= sizeof buf)
        return zk_set_error(ZK_ERR_INPUT, "ZKMLOPS_LIMITS: longer than %zu bytes", sizeof buf - 1);
    memcpy(buf, env, n + 1);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        if (!*tok)
            continue;
        if (zk_limit_set_str(tok) != ZK_OK)
            return zk_error_prefix(ZK_ERR_INPUT, "ZKMLOPS_LIMITS");
    }
    return ZK_OK;
}
