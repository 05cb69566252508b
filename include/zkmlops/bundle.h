/*
 * bundle.h — audit pipelines and audit bundles (docs/audit.md).
 *
 * An *audit pipeline file* (pipelines/NAME.json) declares a dataset and the
 * lifecycle stages to prove, in order. `zkmlops audit run` runs each stage's
 * `prove` command (docs/stages.md) as a child process, then collects every
 * public file (commitments .com, proofs .zkp, public-claims JSON, spec files)
 * into an *audit bundle*: a folder with those files and `manifest.json`, an
 * in-toto Statement v1 (https://in-toto.io/Statement/v1) whose subjects are
 * every file of the bundle with its SHA-256 digest and whose predicate
 * (type ZK_BUNDLE_PREDICATE_TYPE) lists, per stage: the statement in plain
 * words, the public values, the input and output commitments (with the stage
 * that produced each input), the verify command's file arguments, the proof
 * file, its size, the parameter set, the bits of security, and the prover and
 * verifier times.
 *
 * This module parses and validates pipeline files and manifests (errors name
 * the file and the JSON path of the problem, "$.stages[2].spec: ..."), writes
 * manifests, checks digests and the commitment chain, and renders the HTML
 * report. Running the stage commands (child processes) is the CLI's job
 * (src/cli/cmd_audit.c).
 *
 * Errors: functions return ZK_OK or a zk_status (ZK_ERR_INPUT malformed input,
 * ZK_ERR_REJECT a check failed, ZK_ERR_IO file access, ZK_ERR_NOMEM) with a
 * one-line zk_last_error() message.
 */
#ifndef ZKMLOPS_BUNDLE_H
#define ZKMLOPS_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/buf.h"
#include "zkmlops/status.h"

struct cJSON; /* cJSON (libcjson) values for free-form JSON (public values, parameters) */

#define ZK_BUNDLE_STATEMENT_TYPE "https://in-toto.io/Statement/v1"
#define ZK_BUNDLE_PREDICATE_TYPE "https://zkmlops.dev/audit/v1"
#define ZK_BUNDLE_MANIFEST "manifest.json"
/* Limits: stages per pipeline/bundle, files per bundle, manifest size (bytes). */
#define ZK_BUNDLE_MAX_STAGES 64u
#define ZK_BUNDLE_MAX_FILES 1024u
#define ZK_BUNDLE_MAX_MANIFEST_BYTES ((size_t)16 << 20)
#define ZK_BUNDLE_MAX_QUERIES 64u
/* from_role naming a stage's public-claims file rather than an output commitment. */
#define ZK_BUNDLE_PUBLIC_ROLE "public_file"

/* Lifecycle stage kinds, in pipeline order. */
typedef enum {
    ZK_STAGE_DATA = 0,
    ZK_STAGE_PREPROCESS,
    ZK_STAGE_TRAIN,
    ZK_STAGE_EVAL,
    ZK_STAGE_INFER,
    ZK_STAGE_MONITOR,
    ZK_STAGE_KINDS
} zk_stage_kind;

/* "data", "preprocess", "train", "eval", "infer", "monitor". */
const char *zk_stage_kind_name(zk_stage_kind k);
/* Returns 0 and sets *k, or -1 for an unknown name. */
int zk_stage_kind_parse(const char *name, zk_stage_kind *k);
/* The EU AI Act documentation item a stage kind supports (Annex IV / article
 * references, one line), for the report. */
const char *zk_stage_annex_iv(zk_stage_kind k);

/* ---------------------------------------------------------------- pipelines */

/* One declared stage. Paths are resolved against the pipeline file's folder. */
typedef struct {
    zk_stage_kind kind;
    char *name;        /* unique stage name ("id" field, default the kind name; "eval-2" for a repeat) */
    char *spec_path;   /* "spec": a file path (resolved), or NULL */
    char *spec_inline; /* "spec": an embedded JSON object, printed (NUL-terminated), or NULL */
    uint32_t queries;  /* infer: number of sample queries from the test set (default 4) */
    uint32_t seed;     /* infer: which test rows (row i*stride+seed mod n) (default 0) */
    char *shift_feature; /* monitor: the feature scaled in the simulated stream's second half, or NULL (default) */
    double shift_factor; /* monitor: its factor (default 3; 0 = the stage's default) */
} zk_pipeline_stage;

typedef struct {
    char *path;           /* the pipeline file as given */
    char *name;           /* "name" */
    char *description;    /* "description" or NULL */
    char *dataset;        /* "dataset": CSV path, resolved against the pipeline's folder */
    uint32_t scale_bits;  /* "scale_bits" (default 12) */
    zk_pipeline_stage *stages;
    size_t n_stages;
} zk_pipeline;

/* Parse and validate a pipeline file (format in docs/audit.md). Errors are
 * ZK_ERR_INPUT with "<path>: $.stages[1].stage: unknown stage 'trian' (...)"
 * style messages, ZK_ERR_IO if the file cannot be read. Checks: "stages" is a
 * non-empty array starting with a data stage; every kind's prerequisites
 * appear before it (preprocess after data, train after preprocess, eval, infer
 * and monitor after train); stage names are unique; preprocess, train, eval
 * and monitor have a "spec" (string path or object). */
int zk_pipeline_load(zk_pipeline *p, const char *path) ZK_WARN_UNUSED;
/* Same from text (len bytes; need not be NUL-terminated); `path` names the file
 * in messages and anchors relative paths. */
int zk_pipeline_parse(zk_pipeline *p, const char *path, const char *text, size_t len) ZK_WARN_UNUSED;
void zk_pipeline_free(zk_pipeline *p);

/* ---------------------------------------------------------------- manifests */

/* A commitment (or public file) a stage reads or writes: role (from the stage's
 * summary), the bundle file, and its id (SHA-256 hex of the file = the
 * commitment id). For an input, from_stage/from_role name the earlier stage
 * output it must equal; from_role ZK_BUNDLE_PUBLIC_ROLE means that stage's
 * public-claims file (e.g. monitoring's reference statistics are the proved
 * preprocessing claims). from_stage NULL marks an external input (e.g. a
 * monitoring window committed by the serving log, a configuration file):
 * digest-checked and used by the stage verifier, but not chained; which
 * inputs may be external is the CLI's per-stage rule (docs/audit.md). */
typedef struct {
    char *role;
    char *file;
    char *id;         /* 64 lowercase hex digits */
    char *from_stage; /* inputs only; NULL for outputs */
    char *from_role;
} zk_bundle_ref;

/* One argument pair of the stage's verify command: "--flag" "file". */
typedef struct {
    char *flag; /* "--" followed by [a-z0-9-] */
    char *file; /* a bundle file name */
} zk_bundle_arg;

typedef struct {
    char *name;       /* unique in the bundle */
    zk_stage_kind kind;
    char *statement;  /* plain words */
    zk_bundle_ref *inputs;
    size_t n_inputs;
    zk_bundle_ref *outputs;
    size_t n_outputs;
    zk_bundle_arg *verify_args; /* files passed to `<kind> verify` (data: none) */
    size_t n_verify_args;
    struct cJSON *public_values; /* object, owned (may be empty) */
    char *public_file;           /* bundle file or NULL */
    char *proof;                 /* bundle file (data: the .com, which embeds the range proof) */
    uint64_t proof_bytes;
    double security_bits;
    struct cJSON *parameters; /* object, owned */
    double prover_seconds, verify_seconds;
} zk_bundle_stage;

typedef struct {
    char *name;      /* bundle file name: [A-Za-z0-9_.-]+, not starting with '.' */
    char sha256[65]; /* lowercase hex */
} zk_bundle_subject;

typedef struct {
    char *pipeline_name;
    char *pipeline_file; /* bundle file holding the pipeline declaration, or NULL */
    char *created;       /* RFC 3339 UTC */
    char *tool_version;
    zk_bundle_subject *subjects;
    size_t n_subjects;
    zk_bundle_stage *stages;
    size_t n_stages;
} zk_bundle_manifest;

/* 1 if name is an acceptable bundle file name (no path separators, no leading
 * dot, 1..128 chars of [A-Za-z0-9_.-]). */
int zk_bundle_name_ok(const char *name);
/* Zero a manifest / free everything it owns (safe on a zeroed manifest). */
void zk_bundle_manifest_init(zk_bundle_manifest *m);
void zk_bundle_manifest_free(zk_bundle_manifest *m);
/* Add (or update) the subject `name` with the SHA-256 of dir/name. ZK_ERR_IO if unreadable. */
int zk_bundle_add_subject(zk_bundle_manifest *m, const char *dir, const char *name) ZK_WARN_UNUSED;
/* Serialize as the in-toto Statement (pretty-printed JSON, trailing newline). */
int zk_bundle_manifest_serialize(const zk_bundle_manifest *m, zk_wbuf *out) ZK_WARN_UNUSED;
/* Write dir/manifest.json atomically. */
int zk_bundle_manifest_write(const zk_bundle_manifest *m, const char *dir) ZK_WARN_UNUSED;
/* Parse and validate (types, names, hex digests, unique stage names, every
 * file a stage names is a subject). Errors: ZK_ERR_INPUT "<path>: $.predicate.stages[3].proof_bytes:
 * expected a non-negative integer". */
int zk_bundle_manifest_parse(zk_bundle_manifest *m, const char *path, const char *text, size_t len) ZK_WARN_UNUSED;
/* Read dir/manifest.json and parse it. */
int zk_bundle_manifest_load(zk_bundle_manifest *m, const char *dir) ZK_WARN_UNUSED;

/* Index of the stage named `name`, or -1. */
int zk_bundle_find_stage(const zk_bundle_manifest *m, const char *name);
/* Index of the subject `name`, or -1. */
int zk_bundle_find_subject(const zk_bundle_manifest *m, const char *name);

/* Check the digest of subject i against dir/<name>: ZK_OK, ZK_ERR_REJECT
 * ("raw.com: SHA-256 differs from the manifest (file a1b2c3d4…, manifest 5e6f…)")
 * or ZK_ERR_REJECT for a missing file ("prep.zkp: missing from the bundle"). */
int zk_bundle_check_subject(const zk_bundle_manifest *m, size_t i, const char *dir) ZK_WARN_UNUSED;
/* Check the commitment chain of stage s: each input has a from_stage that
 * comes earlier in the bundle, has an output with from_role, and that
 * output's id equals the input's id; every input/output id equals its file's
 * subject digest (for ZK_BUNDLE_PUBLIC_ROLE: the producer's public_file digest);
 * inputs with from_stage NULL are only digest-checked here. ZK_OK or
 * ZK_ERR_REJECT with the exact reason. */
int zk_bundle_check_chain(const zk_bundle_manifest *m, size_t s) ZK_WARN_UNUSED;

/* ------------------------------------------------------------------ report */

/* Verification outcome of one stage, as `audit verify` found it (for the report). */
typedef struct {
    int checked;         /* 0: not verified (report says so) */
    int valid;
    const char *reason;  /* "" when valid */
    double verify_seconds;
} zk_bundle_stage_result;

/* Render a self-contained HTML report (inline CSS and SVG, no scripts, no
 * external resources; every manifest string HTML-escaped) into out.
 * results: NULL, or one entry per manifest stage. */
int zk_bundle_report_html(const zk_bundle_manifest *m, const zk_bundle_stage_result *results,
                          zk_wbuf *out) ZK_WARN_UNUSED;
/* HTML-escape s (& < > " ') onto out. */
void zk_html_escape(zk_wbuf *out, const char *s);

#endif
