/* zkmlops audit run | verify | report — the end-to-end audit (docs/audit.md).
 *
 * `audit run` executes every stage of a pipeline file as a child process of this
 * same binary (/proc/self/exe, fork + execv, stdout through a pipe, no shell)
 * with --json, reads the stage summary objects (docs/stages.md), keeps private
 * files (.zkd, .zkm) in a work folder and copies the public ones into the
 * bundle, whose manifest.json is written last (atomically).
 * `audit verify` checks every digest, re-runs every stage verifier (child
 * processes) and the commitment chain. `audit report` renders HTML.
 *
 * Test-only: ZKMLOPS_AUDIT_FAKE_STAGES=/path/to/script makes the stage children
 * run that script instead of this binary (tests/cli_audit_tests.sh uses it to
 * exercise the orchestration independently of the stage provers). A warning
 * is printed whenever it is set.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "zkmlops/bundle.h"
#include "zkmlops/dataset.h"
#include "zkmlops/hash.h"
#include "zkmlops/range.h"

#define AUDIT_VERSION "0.1.0"

static int audit_quiet = 0;

/* ------------------------------------------------------------ small helpers */

static char *xstrdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) {
        fprintf(stderr, "zkmlops: out of memory\n");
        exit(2);
    }
    memcpy(d, s, n);
    return d;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = malloc((size_t)n + 1);
    if (!s) {
        fprintf(stderr, "zkmlops: out of memory\n");
        exit(2);
    }
    vsnprintf(s, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static int mkdir_p(const char *path)
{
    char *tmp = xstrdup(path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
                free(tmp);
                return -1;
            }
            *p = '/';
        }
    int r = mkdir(tmp, 0777);
    free(tmp);
    return r != 0 && errno != EEXIST ? -1 : 0;
}

static int copy_file(const char *from, const char *to)
{
    uint8_t *data = NULL;
    size_t len = 0;
    int st = zk_read_file(from, (size_t)1 << 31, &data, &len);
    if (st == ZK_OK)
        st = zk_write_file_atomic(to, data, len);
    free(data);
    return st;
}

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

static void fmt_bytes(char *out, size_t n, double b)
{
    if (b >= 1048576.0)
        snprintf(out, n, "%.2f MiB", b / 1048576.0);
    else if (b >= 1024.0)
        snprintf(out, n, "%.1f KiB", b / 1024.0);
    else
        snprintf(out, n, "%.0f B", b);
}

/* ------------------------------------------------------------ child processes */

typedef struct {
    char *out;      /* stdout (NUL-terminated) */
    size_t out_len;
    char *err;      /* stderr when captured (NUL-terminated), else NULL */
    size_t err_len;
    int rc;         /* exit code; 128+signal if killed; -1 if it could not start */
    double seconds;
} child_result;

static void child_result_free(child_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

static const char *fake_stages(void)
{
    const char *f = getenv("ZKMLOPS_AUDIT_FAKE_STAGES");
    return f && *f ? f : NULL;
}

static void append(char **buf, size_t *len, size_t *cap, const char *p, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t nc = (*cap ? *cap * 2 : 4096);
        while (nc < *len + n + 1)
            nc *= 2;
        char *nb = realloc(*buf, nc);
        if (!nb) {
            fprintf(stderr, "zkmlops: out of memory\n");
            exit(2);
        }
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = 0;
}

/* Progress context for heartbeats while a child runs. */
typedef struct {
    const char *label; /* "3/7 train" */
    const char *step;  /* "proving" */
    double pipeline_t0;
    double est_remaining_after; /* estimated seconds of the stages after this one */
    double est_this;            /* estimated seconds of this one (0 = unknown) */
} progress_ctx;

/* Run `argv` (argv[0] ignored: the program is this binary, or the test-only
 * fake stage script) in `cwd`. stdout is captured; stderr is captured when
 * capture_err, else inherited. */
static int run_child(const char *cwd, char **argv, int capture_err, const progress_ctx *pc, child_result *res)
{
    memset(res, 0, sizeof *res);
    res->rc = -1;
    int po[2], pe[2] = {-1, -1};
    if (pipe(po) != 0 || (capture_err && pipe(pe) != 0)) {
        fprintf(stderr, "zkmlops audit: pipe: %s\n", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    double t0 = cli_now();
    const char *fake = fake_stages();
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "zkmlops audit: fork: %s\n", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        if (cwd && chdir(cwd) != 0) {
            fprintf(stderr, "zkmlops audit: %s: %s\n", cwd, strerror(errno));
            _exit(127);
        }
        dup2(po[1], 1);
        close(po[0]);
        close(po[1]);
        if (capture_err) {
            dup2(pe[1], 2);
            close(pe[0]);
            close(pe[1]);
        }
        if (fake) {
            argv[0] = xstrdup(fake);
            execv(fake, argv);
        } else {
            argv[0] = (char *)"zkmlops";
            execv("/proc/self/exe", argv);
        }
        fprintf(stderr, "zkmlops audit: cannot run the stage command: %s\n", strerror(errno));
        _exit(127);
    }
    close(po[1]);
    if (capture_err)
        close(pe[1]);
    size_t ocap = 0, ecap = 0;
    res->out = NULL;
    append(&res->out, &res->out_len, &ocap, "", 0);
    if (capture_err)
        append(&res->err, &res->err_len, &ecap, "", 0);
    int open_o = 1, open_e = capture_err;
    double last_beat = t0;
    char buf[8192];
    while (open_o || open_e) {
        struct pollfd fds[2];
        int nf = 0, io = -1, ie = -1;
        if (open_o) {
            fds[nf].fd = po[0];
            fds[nf].events = POLLIN;
            io = nf++;
        }
        if (open_e) {
            fds[nf].fd = pe[0];
            fds[nf].events = POLLIN;
            ie = nf++;
        }
        int r = poll(fds, (nfds_t)nf, 1000);
        if (r < 0 && errno != EINTR)
            break;
        if (io >= 0 && (fds[io].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = read(po[0], buf, sizeof buf);
            if (n > 0 && res->out_len < ((size_t)64 << 20))
                append(&res->out, &res->out_len, &ocap, buf, (size_t)n);
            else if (n <= 0)
                open_o = 0;
        }
        if (ie >= 0 && (fds[ie].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t n = read(pe[0], buf, sizeof buf);
            if (n > 0 && res->err_len < ((size_t)1 << 20))
                append(&res->err, &res->err_len, &ecap, buf, (size_t)n);
            else if (n <= 0)
                open_e = 0;
        }
        double now = cli_now();
        if (pc && !audit_quiet && now - last_beat >= 15.0) {
            last_beat = now;
            double el = now - t0, tot = now - pc->pipeline_t0;
            if (pc->est_this > 0 && el > pc->est_this) {
                fprintf(stderr, "[audit %s] %s: %.0f s (audit: %.0f s elapsed; this stage takes longer than "
                                "estimated, ~%.0f s for the stages after it)\n",
                        pc->label, pc->step, el, tot, pc->est_remaining_after);
            } else if (pc->est_this > 0) {
                double rem = pc->est_this - el + pc->est_remaining_after;
                fprintf(stderr, "[audit %s] %s: %.0f s (audit: %.0f s elapsed, ~%.0f s remaining, estimate)\n",
                        pc->label, pc->step, el, tot, rem);
            } else {
                fprintf(stderr, "[audit %s] %s: %.0f s (audit: %.0f s elapsed)\n", pc->label, pc->step, el, tot);
            }
        }
    }
    close(po[0]);
    if (capture_err)
        close(pe[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    res->seconds = cli_now() - t0;
    if (WIFEXITED(status))
        res->rc = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        res->rc = 128 + WTERMSIG(status);
    return 0;
}

/* Last non-empty line of a text (for error messages), copied into out. */
static void last_line(const char *text, char *out, size_t n)
{
    out[0] = 0;
    if (!text)
        return;
    size_t len = strlen(text);
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
        len--;
    size_t s = len;
    while (s && text[s - 1] != '\n')
        s--;
    size_t m = len - s < n - 1 ? len - s : n - 1;
    memcpy(out, text + s, m);
    out[m] = 0;
}

/* Parse the one JSON object a stage printed on stdout. */
static cJSON *parse_summary(const child_result *r)
{
    if (!r->out)
        return NULL;
    const char *p = r->out;
    while (*p && *p != '{')
        p++; /* tolerate leading noise */
    cJSON *j = cJSON_Parse(p);
    if (j && !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* --------------------------------------------------------------- audit run */

typedef struct {
    const char *bundle, *work;
    zk_pipeline *pl;
    zk_bundle_manifest *m;
    double t0;
    size_t index; /* current stage index */
    int verbose_children;
} run_ctx;

/* Relative cost estimates per stage kind (for the remaining-time estimate). */
static const double kind_weight[ZK_STAGE_KINDS] = {1, 2, 8, 2, 2, 2};

static double est_total_weight(const zk_pipeline *pl, size_t from)
{
    double w = 0;
    for (size_t i = from; i < pl->n_stages; i++)
        w += kind_weight[pl->stages[i].kind];
    return w;
}

static char *work_path(const run_ctx *c, const char *name)
{
    return xasprintf("%s/%s", c->work, name);
}

static char *bundle_path(const run_ctx *c, const char *name)
{
    return xasprintf("%s/%s", c->bundle, name);
}

/* Copy a public work file into the bundle and add it as a subject. */
static int publish(run_ctx *c, const char *name)
{
    if (ends_with(name, ".zkd") || ends_with(name, ".zkm") || !zk_bundle_name_ok(name))
        return zk_set_error(ZK_ERR_INPUT, "%s: refusing to put a private or badly named file in the bundle", name);
    char *from = work_path(c, name), *to = bundle_path(c, name);
    int st = copy_file(from, to);
    if (st == ZK_OK)
        st = zk_bundle_add_subject(c->m, c->bundle, name);
    free(from);
    free(to);
    return st;
}

/* Write a stage's spec file into the work folder as `name`. */
static int write_spec(run_ctx *c, const zk_pipeline_stage *ps, const char *name)
{
    char *to = work_path(c, name);
    int st;
    if (ps->spec_path)
        st = copy_file(ps->spec_path, to);
    else if (ps->spec_inline)
        st = zk_write_file_atomic(to, ps->spec_inline, strlen(ps->spec_inline));
    else
        st = zk_set_error(ZK_ERR_INPUT, "stage %s: no spec", ps->name);
    free(to);
    return st;
}

/* argv builder */
typedef struct {
    char *v[64];
    int n;
} argv_t;

static void av_add(argv_t *a, const char *s)
{
    if (a->n < 62)
        a->v[a->n++] = xstrdup(s);
    a->v[a->n] = NULL;
}

static void av_free(argv_t *a)
{
    for (int i = 0; i < a->n; i++)
        free(a->v[i]);
    a->n = 0;
}

static void add_verify_arg(zk_bundle_stage *s, const char *flag, const char *file)
{
    s->verify_args = realloc(s->verify_args, (s->n_verify_args + 1) * sizeof *s->verify_args);
    if (!s->verify_args) {
        fprintf(stderr, "zkmlops: out of memory\n");
        exit(2);
    }
    s->verify_args[s->n_verify_args].flag = xstrdup(flag);
    s->verify_args[s->n_verify_args].file = xstrdup(file);
    s->n_verify_args++;
}

/* The bundle name of a file a stage summary names: its base name, with a
 * private .zkd/.zkm mapped to the public .com beside it. */
static char *public_name(const char *file)
{
    const char *b = base_name(file);
    size_t n = strlen(b);
    if (ends_with(b, ".zkd") || ends_with(b, ".zkm")) {
        char *s = xstrdup(b);
        memcpy(s + n - 4, ".com", 4);
        return s;
    }
    return xstrdup(b);
}

/* Inputs that need no producing stage in the bundle: spec and configuration files
 * (anything but a .com commitment; they are digest-checked and passed to the stage
 * verifier) and a monitoring window (committed by the serving log, chained to the
 * previous window by `monitor verify --prev`). Every other commitment, and the
 * monitoring reference statistics (the preprocessing stage's proved claims), must be
 * chained to the stage that produced it. */
static int external_input_ok(zk_stage_kind k, const char *role, const char *file)
{
    if (k == ZK_STAGE_MONITOR && strcmp(role, "window") == 0)
        return 1;
    if (k == ZK_STAGE_MONITOR && strcmp(role, "reference") == 0)
        return 0;
    return !ends_with(file, ".com");
}

static int summary_refs(run_ctx *c, const char *stage, const cJSON *sum, const char *key, zk_bundle_ref **out,
                        size_t *n)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(sum, key);
    if (!cJSON_IsArray(a))
        return zk_set_error(ZK_ERR_INPUT, "stage %s: summary: \"%s\" is not an array", stage, key);
    int cnt = cJSON_GetArraySize(a);
    *out = calloc((size_t)cnt + 1, sizeof **out);
    *n = 0;
    for (int i = 0; i < cnt; i++) {
        const cJSON *o = cJSON_GetArrayItem(a, i);
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(o, "role");
        const cJSON *file = cJSON_GetObjectItemCaseSensitive(o, "file");
        if (!cJSON_IsString(role) || !cJSON_IsString(file))
            return zk_set_error(ZK_ERR_INPUT, "stage %s: summary: %s[%d] needs string \"role\" and \"file\"", stage,
                                key, i);
        zk_bundle_ref *r = &(*out)[(*n)++];
        r->role = xstrdup(role->valuestring);
        r->file = public_name(file->valuestring);
        /* the id is the SHA-256 of the public file (computed here, and compared with the stage's claim) */
        char *wp = work_path(c, r->file);
        char hex[65];
        uint8_t d[32];
        if (zk_sha256_file(d, wp) != 0) {
            free(wp);
            return zk_set_error(ZK_ERR_INPUT, "stage %s: %s '%s' names %s, which the stage did not write", stage, key,
                                r->role, r->file);
        }
        free(wp);
        zk_digest_hex(hex, d);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
        if (cJSON_IsString(id) && strcmp(id->valuestring, hex) != 0)
            return zk_set_error(ZK_ERR_INPUT, "stage %s: %s '%s': the stage reports id %.16s… but %s hashes to %.16s…",
                                stage, key, r->role, id->valuestring, r->file, hex);
        r->id = xstrdup(hex);
    }
    return ZK_OK;
}

/* Fill a manifest stage from a prove summary. */
static int stage_from_summary(run_ctx *c, zk_bundle_stage *s, const cJSON *sum)
{
    const cJSON *v;
    v = cJSON_GetObjectItemCaseSensitive(sum, "statement");
    s->statement = xstrdup(cJSON_IsString(v) ? v->valuestring : "");
    int st = summary_refs(c, s->name, sum, "inputs", &s->inputs, &s->n_inputs);
    if (st == ZK_OK)
        st = summary_refs(c, s->name, sum, "outputs", &s->outputs, &s->n_outputs);
    if (st != ZK_OK)
        return st;
    v = cJSON_GetObjectItemCaseSensitive(sum, "public");
    s->public_values = cJSON_IsObject(v) ? cJSON_Duplicate(v, 1) : cJSON_CreateObject();
    v = cJSON_GetObjectItemCaseSensitive(sum, "parameters");
    s->parameters = cJSON_IsObject(v) ? cJSON_Duplicate(v, 1) : cJSON_CreateObject();
    v = cJSON_GetObjectItemCaseSensitive(sum, "security_bits");
    if (!cJSON_IsNumber(v))
        return zk_set_error(ZK_ERR_INPUT, "stage %s: summary has no numeric \"security_bits\"", s->name);
    s->security_bits = v->valuedouble;
    v = cJSON_GetObjectItemCaseSensitive(sum, "prover_seconds");
    if (cJSON_IsNumber(v))
        s->prover_seconds = v->valuedouble;
    /* inputs: find the producing stage (latest earlier output with the same id) */
    for (size_t i = 0; i < s->n_inputs; i++) {
        zk_bundle_ref *r = &s->inputs[i];
        for (size_t k = c->m->n_stages - 1; k-- > 0 && !r->from_stage;) {
            const zk_bundle_stage *p = &c->m->stages[k];
            for (size_t o = 0; o < p->n_outputs; o++)
                if (strcmp(p->outputs[o].id, r->id) == 0) {
                    r->from_stage = xstrdup(p->name);
                    r->from_role = xstrdup(p->outputs[o].role);
                    break;
                }
            if (!r->from_stage && p->public_file) {
                int j = zk_bundle_find_subject(c->m, p->public_file);
                if (j >= 0 && strcmp(c->m->subjects[j].sha256, r->id) == 0) {
                    r->from_stage = xstrdup(p->name);
                    r->from_role = xstrdup(ZK_BUNDLE_PUBLIC_ROLE);
                }
            }
        }
        if (!r->from_stage && !external_input_ok(s->kind, r->role, r->file))
            return zk_set_error(ZK_ERR_INPUT, "stage %s: input '%s' (%s) is not the output of any earlier stage",
                                s->name, r->role, r->file);
    }
    return ZK_OK;
}

static void stage_label(const run_ctx *c, char *out, size_t n)
{
    snprintf(out, n, "%zu/%zu %s", c->index + 1, c->pl->n_stages, c->pl->stages[c->index].name);
}

static zk_bundle_stage *new_stage(run_ctx *c, const zk_pipeline_stage *ps)
{
    zk_bundle_manifest *m = c->m;
    zk_bundle_stage *ns = realloc(m->stages, (m->n_stages + 1) * sizeof *ns);
    if (!ns) {
        fprintf(stderr, "zkmlops: out of memory\n");
        exit(2);
    }
    m->stages = ns;
    zk_bundle_stage *s = &ns[m->n_stages++];
    memset(s, 0, sizeof *s);
    s->name = xstrdup(ps->name);
    s->kind = ps->kind;
    return s;
}

/* Run a stage child with --json; on failure set a clear error naming the stage. */
static int run_stage_child(run_ctx *c, const char *step, argv_t *av, int capture_err, cJSON **summary,
                           child_result *res)
{
    char label[96];
    stage_label(c, label, sizeof label);
    double done_w = est_total_weight(c->pl, 0) - est_total_weight(c->pl, c->index);
    double el = cli_now() - c->t0;
    double per_w = done_w > 0 ? el / done_w : 0;
    progress_ctx pc = {label, step, c->t0, per_w * est_total_weight(c->pl, c->index + 1),
                       per_w * kind_weight[c->pl->stages[c->index].kind]};
    if (run_child(c->work, av->v, capture_err, &pc, res) != 0)
        return zk_set_error(ZK_ERR_IO, "stage %s: cannot start the child process", c->pl->stages[c->index].name);
    *summary = parse_summary(res);
    if (res->rc != 0) {
        char line[400] = "";
        const cJSON *reason = *summary ? cJSON_GetObjectItemCaseSensitive(*summary, "reason") : NULL;
        if (cJSON_IsString(reason) && reason->valuestring[0])
            snprintf(line, sizeof line, "%s", reason->valuestring);
        else if (res->err)
            last_line(res->err, line, sizeof line);
        return zk_set_error(res->rc == 1 ? ZK_ERR_REJECT : ZK_ERR_INPUT, "stage %s: `zkmlops %s %s` failed (exit %d)%s%s",
                            c->pl->stages[c->index].name, av->v[1], av->v[2], res->rc, line[0] ? ": " : "",
                            line);
    }
    if (!*summary)
        return zk_set_error(ZK_ERR_INPUT, "stage %s: `zkmlops %s %s --json` printed no JSON summary on stdout",
                            c->pl->stages[c->index].name, av->v[1], av->v[2]);
    return ZK_OK;
}

/* Run the stage's verify command in the work folder, record verify_seconds. */
static int verify_fresh(run_ctx *c, zk_bundle_stage *s)
{
    argv_t av = {{0}, 0};
    av_add(&av, "zkmlops");
    av_add(&av, zk_stage_kind_name(s->kind));
    av_add(&av, "verify");
    for (size_t i = 0; i < s->n_verify_args; i++) {
        av_add(&av, s->verify_args[i].flag);
        av_add(&av, s->verify_args[i].file);
    }
    av_add(&av, s->proof);
    av_add(&av, "--json");
    av_add(&av, "--quiet");
    cJSON *sum = NULL;
    child_result res;
    int st = run_stage_child(c, "verifying", &av, 1, &sum, &res);
    if (st == ZK_OK) {
        const cJSON *valid = cJSON_GetObjectItemCaseSensitive(sum, "valid");
        const cJSON *vs = cJSON_GetObjectItemCaseSensitive(sum, "verify_seconds");
        if (!cJSON_IsTrue(valid))
            st = zk_set_error(ZK_ERR_REJECT, "stage %s: the fresh proof does not verify", s->name);
        s->verify_seconds = cJSON_IsNumber(vs) ? vs->valuedouble : res.seconds;
    }
    cJSON_Delete(sum);
    child_result_free(&res);
    av_free(&av);
    return st;
}

static int run_data(run_ctx *c, const zk_pipeline_stage *ps)
{
    char label[96];
    stage_label(c, label, sizeof label);
    argv_t av = {{0}, 0};
    char *abs = realpath(c->pl->dataset, NULL);
    if (!abs)
        return zk_set_error(ZK_ERR_IO, "%s: cannot open (%s)", c->pl->dataset, strerror(errno));
    char scale[16];
    snprintf(scale, sizeof scale, "%u", c->pl->scale_bits);
    av_add(&av, "zkmlops");
    av_add(&av, "data");
    av_add(&av, "commit");
    av_add(&av, abs);
    av_add(&av, "-o");
    av_add(&av, "raw.zkd");
    av_add(&av, "--scale-bits");
    av_add(&av, scale);
    if (audit_quiet)
        av_add(&av, "--quiet");
    free(abs);
    if (!audit_quiet)
        fprintf(stderr, "[audit %s] committing to %s\n", label, c->pl->dataset);
    cJSON *sum = NULL;
    child_result res;
    int st = run_stage_child(c, "committing", &av, 0, &sum, &res);
    av_free(&av);
    double prover_s = res.seconds;
    child_result_free(&res);
    cJSON_Delete(sum); /* `data commit` prints its own object; the facts are re-read from raw.com */
    if (st != ZK_OK)
        return st;
    zk_bundle_stage *s = new_stage(c, ps);
    char *wp = work_path(c, "raw.com");
    zk_dataset_commitment com;
    double t0 = cli_now();
    st = zk_dataset_commitment_load(wp, &com); /* verifies the range proof */
    s->verify_seconds = cli_now() - t0;
    free(wp);
    if (st != ZK_OK)
        return st;
    s->prover_seconds = prover_s;
    s->statement = xasprintf("The data owner committed to a table of %u rows x %u columns (hiding WHIR commitment, "
                             "fixed point at scale 2^%u) and proved in zero knowledge that every value lies in "
                             "[-2^%u, 2^%u).",
                             com.meta.n_rows, com.meta.n_cols, com.meta.scale_bits, com.range_bits - 1,
                             com.range_bits - 1);
    s->public_values = cJSON_CreateObject();
    cJSON_AddNumberToObject(s->public_values, "rows", com.meta.n_rows);
    cJSON_AddNumberToObject(s->public_values, "columns", com.meta.n_cols);
    cJSON_AddNumberToObject(s->public_values, "scale_bits", com.meta.scale_bits);
    cJSON_AddNumberToObject(s->public_values, "range_bits", com.range_bits);
    cJSON *names = cJSON_AddArrayToObject(s->public_values, "column_names");
    for (uint32_t j = 0; j < com.meta.n_cols; j++)
        cJSON_AddItemToArray(names, cJSON_CreateString(com.meta.col_names[j]));
    s->parameters = cJSON_CreateObject();
    cJSON_AddNumberToObject(s->parameters, "table_log_rows", com.meta.log_rows);
    cJSON_AddNumberToObject(s->parameters, "table_log_cols", com.meta.log_cols);
    cJSON_AddNumberToObject(s->parameters, "whir_vars", com.whir.params.n_vars);
    cJSON_AddNumberToObject(s->parameters, "range_bits", com.range_bits);
    double rb = zk_range_soundness_bits(&com, com.range_bits);
    s->security_bits = rb < com.whir.params.achieved_bits ? rb : com.whir.params.achieved_bits;
    s->proof_bytes = com.range_proof_len;
    s->proof = xstrdup("raw.com");
    s->n_outputs = 1;
    s->outputs = calloc(1, sizeof *s->outputs);
    s->outputs[0].role = xstrdup("raw");
    s->outputs[0].file = xstrdup("raw.com");
    zk_dataset_commitment_free(&com);
    st = publish(c, "raw.com");
    if (st != ZK_OK)
        return st;
    s->outputs[0].id = xstrdup(c->m->subjects[zk_bundle_find_subject(c->m, "raw.com")].sha256);
    return ZK_OK;
}

/* Name of a stage output file inside the work folder / bundle. */
static const char *label_col_of(const cJSON *spec)
{
    const char *keys[] = {"label", "target", "label_column", "target_column"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, keys[i]);
        if (cJSON_IsString(v))
            return v->valuestring;
    }
    return NULL;
}

/* Write `queries` rows of the private test set (features only) as an EZKL-style input file. */
static int write_queries(run_ctx *c, const zk_pipeline_stage *ps, const char *test_zkd, const char *train_spec,
                         const char *out_name)
{
    char *tp = work_path(c, test_zkd);
    zk_dataset_private priv;
    int st = zk_dataset_private_load(tp, &priv);
    free(tp);
    if (st != ZK_OK)
        return st;
    /* the label column (excluded from the queries) comes from the train spec */
    char *sp = work_path(c, train_spec);
    uint8_t *txt = NULL;
    size_t tl = 0;
    cJSON *spec = NULL;
    if (zk_read_file(sp, (size_t)1 << 20, &txt, &tl) == ZK_OK)
        spec = cJSON_ParseWithLength((const char *)txt, tl);
    free(txt);
    free(sp);
    const char *label = spec ? label_col_of(spec) : NULL;
    uint32_t nr = priv.com.meta.n_rows, ncol = priv.com.meta.n_cols;
    double scale = ldexp(1.0, (int)priv.com.meta.scale_bits);
    cJSON *root = cJSON_CreateObject();
    cJSON *data = cJSON_AddArrayToObject(root, "input_data");
    uint32_t q = ps->queries < nr ? ps->queries : nr;
    uint32_t stride = q ? nr / q : 1;
    for (uint32_t k = 0; k < q; k++) {
        uint32_t row = (uint32_t)(((uint64_t)k * stride + ps->seed) % nr);
        cJSON *r = cJSON_CreateArray();
        for (uint32_t j = 0; j < ncol; j++) {
            /* the label column: the one the train spec names, else the last (preprocess puts it last) */
            if (label ? strcmp(priv.com.meta.col_names[j], label) == 0 : j + 1 == ncol)
                continue;
            cJSON_AddItemToArray(r, cJSON_CreateNumber((double)zk_dataset_private_value(&priv, row, j) / scale));
        }
        cJSON_AddItemToArray(data, r);
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    cJSON_Delete(spec);
    zk_dataset_private_free(&priv);
    char *op = work_path(c, out_name);
    st = text ? zk_write_file_atomic(op, text, strlen(text)) : (int)zk_set_error(ZK_ERR_NOMEM, "out of memory");
    free(op);
    free(text);
    return st;
}

/* Files of a proving stage in the work folder (names are also the bundle names). */
static int run_proving_stage(run_ctx *c, const zk_pipeline_stage *ps)
{
    char label[96];
    stage_label(c, label, sizeof label);
    const char *kind = zk_stage_kind_name(ps->kind);
    char *proof = xasprintf("%s.zkp", ps->name);
    char *pub = xasprintf("%s_public.json", ps->name);
    char *spec = xasprintf("%s_spec.json", ps->name);
    argv_t av = {{0}, 0};
    zk_bundle_stage tmp;
    memset(&tmp, 0, sizeof tmp);
    int st = ZK_OK;
    const char *train_spec_name = NULL;
    for (size_t i = 0; i < c->pl->n_stages; i++)
        if (c->pl->stages[i].kind == ZK_STAGE_TRAIN)
            train_spec_name = c->pl->stages[i].name;
    char *train_spec = train_spec_name ? xasprintf("%s_spec.json", train_spec_name) : NULL;
    av_add(&av, "zkmlops");
    av_add(&av, kind);
    av_add(&av, "prove");
    /* verify args are collected in tmp, then moved to the manifest stage */
    switch (ps->kind) {
    case ZK_STAGE_PREPROCESS:
        st = write_spec(c, ps, spec);
        av_add(&av, "--data"); av_add(&av, "raw.zkd");
        av_add(&av, "--pipeline"); av_add(&av, spec);
        av_add(&av, "--train"); av_add(&av, "train_set.zkd");
        av_add(&av, "--test"); av_add(&av, "test_set.zkd");
        add_verify_arg(&tmp, "--commitment", "raw.com");
        add_verify_arg(&tmp, "--pipeline", spec);
        add_verify_arg(&tmp, "--train", "train_set.com");
        add_verify_arg(&tmp, "--test", "test_set.com");
        break;
    case ZK_STAGE_TRAIN:
        st = write_spec(c, ps, spec);
        av_add(&av, "--data"); av_add(&av, "train_set.zkd");
        av_add(&av, "--spec"); av_add(&av, spec);
        av_add(&av, "--model"); av_add(&av, "model.zkm");
        add_verify_arg(&tmp, "--data", "train_set.com");
        add_verify_arg(&tmp, "--spec", spec);
        add_verify_arg(&tmp, "--model", "model.com");
        break;
    case ZK_STAGE_EVAL:
        st = write_spec(c, ps, spec);
        av_add(&av, "--model"); av_add(&av, "model.zkm");
        av_add(&av, "--data"); av_add(&av, "test_set.zkd");
        av_add(&av, "--metrics"); av_add(&av, spec);
        add_verify_arg(&tmp, "--model", "model.com");
        add_verify_arg(&tmp, "--data", "test_set.com");
        add_verify_arg(&tmp, "--metrics", spec);
        break;
    case ZK_STAGE_INFER: {
        free(spec);
        spec = xasprintf("%s_input.json", ps->name);
        free(pub);
        pub = xasprintf("%s_output.json", ps->name);
        st = write_queries(c, ps, "test_set.zkd", train_spec ? train_spec : "", spec);
        av_add(&av, "--model"); av_add(&av, "model.zkm");
        av_add(&av, "--input"); av_add(&av, spec);
        add_verify_arg(&tmp, "--commitment", "model.com");
        add_verify_arg(&tmp, "--input", spec);
        break;
    }
    default:
        st = zk_set_error(ZK_ERR_INPUT, "stage %s: unsupported kind", ps->name);
    }
    av_add(&av, "-o"); av_add(&av, proof);
    av_add(&av, "--output"); av_add(&av, pub);
    add_verify_arg(&tmp, "--output", pub);
    av_add(&av, "--json");
    if (audit_quiet)
        av_add(&av, "--quiet");
    cJSON *sum = NULL;
    child_result res;
    memset(&res, 0, sizeof res);
    if (st == ZK_OK) {
        if (!audit_quiet)
            fprintf(stderr, "[audit %s] proving (zkmlops %s prove)\n", label, kind);
        st = run_stage_child(c, "proving", &av, 0, &sum, &res);
    }
    zk_bundle_stage *s = NULL;
    if (st == ZK_OK) {
        s = new_stage(c, ps);
        s->verify_args = tmp.verify_args;
        s->n_verify_args = tmp.n_verify_args;
        tmp.verify_args = NULL;
        tmp.n_verify_args = 0;
        s->proof = xstrdup(proof);
        s->public_file = xstrdup(pub);
        st = stage_from_summary(c, s, sum);
        if (st == ZK_OK && s->prover_seconds <= 0)
            s->prover_seconds = res.seconds;
    }
    if (st == ZK_OK) {
        char *pp = work_path(c, proof);
        long long sz = file_size(pp);
        free(pp);
        if (sz < 0)
            st = zk_set_error(ZK_ERR_INPUT, "stage %s: the prover did not write %s", ps->name, proof);
        s->proof_bytes = sz < 0 ? 0 : (uint64_t)sz;
    }
    if (st == ZK_OK)
        st = verify_fresh(c, s);
    /* publish: outputs, proof, public file, verify-arg files */
    for (size_t i = 0; st == ZK_OK && i < s->n_outputs; i++)
        st = publish(c, s->outputs[i].file);
    for (size_t i = 0; st == ZK_OK && i < s->n_verify_args; i++)
        st = publish(c, s->verify_args[i].file);
    if (st == ZK_OK)
        st = publish(c, proof);
    if (st == ZK_OK && !audit_quiet) {
        char pb[32];
        fmt_bytes(pb, sizeof pb, (double)s->proof_bytes);
        double el = cli_now() - c->t0;
        double done_w = est_total_weight(c->pl, 0) - est_total_weight(c->pl, c->index + 1);
        double rem = done_w > 0 ? el / done_w * est_total_weight(c->pl, c->index + 1) : 0;
        fprintf(stderr, "[audit %s] proved in %.1f s (proof %s, %.1f bits), verified in %.3f s; audit %.0f s elapsed, "
                        "~%.0f s remaining (estimate)\n",
                label, s->prover_seconds, pb, s->security_bits, s->verify_seconds, el, rem);
    }
    for (size_t j = 0; j < tmp.n_verify_args; j++) {
        free(tmp.verify_args[j].flag);
        free(tmp.verify_args[j].file);
    }
    free(tmp.verify_args);
    cJSON_Delete(sum);
    child_result_free(&res);
    av_free(&av);
    free(proof);
    free(pub);
    free(spec);
    free(train_spec);
    return st;
}


/* Monitoring: simulate a served stream (`monitor simulate --no-prove`: the held-out
 * test rows replayed through the committed model, then a shifted copy), then prove
 * and verify every window as its own bundle stage "<name>-w<k>" (window k > 0 is
 * verified with --prev window k-1: no window or record dropped or reordered). The
 * reference statistics are the preprocessing stage's proved public claims. */
static int run_monitor(run_ctx *c, const zk_pipeline_stage *ps)
{
    char label[96];
    stage_label(c, label, sizeof label);
    const char *ref = NULL;
    for (size_t i = 0; i < c->m->n_stages; i++)
        if (c->m->stages[i].kind == ZK_STAGE_PREPROCESS)
            ref = c->m->stages[i].public_file;
    if (!ref)
        return zk_set_error(ZK_ERR_INPUT, "stage %s: needs the preprocessing stage's public claims (reference "
                                          "statistics)", ps->name);
    char *ref_name = xstrdup(ref);
    char *cfg = xasprintf("%s_spec.json", ps->name);
    char *dir = xasprintf("%s_stream", ps->name);
    int st = write_spec(c, ps, cfg);
    argv_t av = {{0}, 0};
    av_add(&av, "zkmlops");
    av_add(&av, "monitor");
    av_add(&av, "simulate");
    av_add(&av, "--model"); av_add(&av, "model.zkm");
    av_add(&av, "--data"); av_add(&av, "test_set.zkd");
    av_add(&av, "--reference"); av_add(&av, ref_name);
    av_add(&av, "--config"); av_add(&av, cfg);
    av_add(&av, "--dir"); av_add(&av, dir);
    if (ps->shift_feature) {
        av_add(&av, "--feature"); av_add(&av, ps->shift_feature);
    }
    if (ps->shift_factor > 0) {
        char f[32];
        snprintf(f, sizeof f, "%.17g", ps->shift_factor);
        av_add(&av, "--factor"); av_add(&av, f);
    }
    av_add(&av, "--no-prove");
    av_add(&av, "--json");
    if (audit_quiet)
        av_add(&av, "--quiet");
    cJSON *sum = NULL;
    child_result res;
    memset(&res, 0, sizeof res);
    if (st == ZK_OK) {
        if (!audit_quiet)
            fprintf(stderr, "[audit %s] simulating a served stream (zkmlops monitor simulate)\n", label);
        st = run_stage_child(c, "simulating", &av, 0, &sum, &res);
    }
    av_free(&av);
    child_result_free(&res);
    uint32_t nw = 0;
    if (st == ZK_OK) {
        const cJSON *wt = cJSON_GetObjectItemCaseSensitive(sum, "windows_total");
        const cJSON *ws = cJSON_GetObjectItemCaseSensitive(sum, "windows");
        nw = cJSON_IsNumber(wt) ? (uint32_t)wt->valuedouble : (uint32_t)cJSON_GetArraySize(ws);
        if (nw == 0 || nw > ZK_BUNDLE_MAX_STAGES)
            st = zk_set_error(ZK_ERR_INPUT, "stage %s: the simulated stream has %u windows", ps->name, nw);
    }
    cJSON_Delete(sum);
    sum = NULL;
    char *prev_com = NULL;
    for (uint32_t k = 0; st == ZK_OK && k < nw; k++) {
        char *src_zkd = xasprintf("%s/%s/w%03u.zkd", c->work, dir, k), *src_com = xasprintf("%s/%s/w%03u.com", c->work, dir, k);
        char *wzkd = xasprintf("%s_w%03u.zkd", ps->name, k), *wcom = xasprintf("%s_w%03u.com", ps->name, k);
        char *dst_zkd = work_path(c, wzkd), *dst_com = work_path(c, wcom);
        if (rename(src_zkd, dst_zkd) != 0 || rename(src_com, dst_com) != 0)
            st = zk_set_error(ZK_ERR_IO, "stage %s: window %u: %s", ps->name, k, strerror(errno));
        free(src_zkd);
        free(src_com);
        free(dst_zkd);
        free(dst_com);
        char *proof = xasprintf("%s_w%03u.zkp", ps->name, k), *pub = xasprintf("%s_w%03u_public.json", ps->name, k);
        av_add(&av, "zkmlops");
        av_add(&av, "monitor");
        av_add(&av, "prove");
        av_add(&av, "--model"); av_add(&av, "model.zkm");
        av_add(&av, "--window"); av_add(&av, wzkd);
        av_add(&av, "--reference"); av_add(&av, ref_name);
        av_add(&av, "--config"); av_add(&av, cfg);
        av_add(&av, "-o"); av_add(&av, proof);
        av_add(&av, "--output"); av_add(&av, pub);
        av_add(&av, "--json");
        if (audit_quiet)
            av_add(&av, "--quiet");
        if (st == ZK_OK) {
            if (!audit_quiet)
                fprintf(stderr, "[audit %s] proving window %u of %u (zkmlops monitor prove)\n", label, k + 1, nw);
            st = run_stage_child(c, "proving a window", &av, 0, &sum, &res);
        }
        av_free(&av);
        zk_bundle_stage *s = NULL;
        if (st == ZK_OK) {
            zk_pipeline_stage named = *ps;
            char *nm = xasprintf("%s-w%u", ps->name, k);
            named.name = nm;
            s = new_stage(c, &named);
            free(nm);
            s->proof = xstrdup(proof);
            s->public_file = xstrdup(pub);
            add_verify_arg(s, "--model", "model.com");
            add_verify_arg(s, "--window", wcom);
            add_verify_arg(s, "--reference", ref_name);
            add_verify_arg(s, "--config", cfg);
            if (prev_com)
                add_verify_arg(s, "--prev", prev_com);
            add_verify_arg(s, "--output", pub);
            st = stage_from_summary(c, s, sum);
            if (st == ZK_OK && s->prover_seconds <= 0)
                s->prover_seconds = res.seconds;
        }
        if (st == ZK_OK) {
            char *pp = work_path(c, proof);
            long long sz = file_size(pp);
            free(pp);
            if (sz < 0)
                st = zk_set_error(ZK_ERR_INPUT, "stage %s: the prover did not write %s", s->name, proof);
            s->proof_bytes = sz < 0 ? 0 : (uint64_t)sz;
        }
        if (st == ZK_OK)
            st = verify_fresh(c, s);
        for (size_t i = 0; st == ZK_OK && i < s->n_outputs; i++)
            st = publish(c, s->outputs[i].file);
        for (size_t i = 0; st == ZK_OK && i < s->n_verify_args; i++)
            st = publish(c, s->verify_args[i].file);
        if (st == ZK_OK)
            st = publish(c, proof);
        if (st == ZK_OK && !audit_quiet) {
            char pb[32];
            fmt_bytes(pb, sizeof pb, (double)s->proof_bytes);
            fprintf(stderr, "[audit %s] window %u: proved in %.1f s (proof %s, %.1f bits), verified in %.3f s; audit "
                            "%.0f s elapsed\n",
                    label, k, s->prover_seconds, pb, s->security_bits, s->verify_seconds, cli_now() - c->t0);
        }
        cJSON_Delete(sum);
        sum = NULL;
        child_result_free(&res);
        free(prev_com);
        prev_com = wcom;
        free(wzkd);
        free(proof);
        free(pub);
    }
    free(prev_com);
    free(ref_name);
    free(cfg);
    free(dir);
    return st;
}

static void usage_run(FILE *f)
{
    fprintf(f,
            "Usage: zkmlops audit run PIPELINE.json -o BUNDLE/ [--work DIR] [--force] [--quiet]\n\n"
            "Run every stage a pipeline file declares (data commitment, preprocessing, training,\n"
            "evaluation, inference on sample test queries, monitoring) as `zkmlops <stage> prove`\n"
            "child processes, verify each fresh proof, and write an audit bundle: the public files\n"
            "(commitments, proofs, public claims, spec files) and manifest.json, an in-toto\n"
            "Statement v1 naming every file with its SHA-256 (docs/audit.md). Private files\n"
            "(.zkd datasets, .zkm model) stay in the work folder, never in the bundle.\n\n"
            "Options:\n"
            "  -o, --output DIR   the bundle folder (must be empty or absent)\n"
            "  -w, --work DIR     private work folder (default: BUNDLE.private)\n"
            "  -f, --force        reuse a non-empty bundle folder (its manifest is replaced last)\n"
            "  -q, --quiet        no progress on stderr\n"
            "  -h, --help         this help\n");
}

static int dir_nonempty(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return 0;
    if (!S_ISDIR(sb.st_mode))
        return 1;
    char *mp = xasprintf("%s/%s", path, ZK_BUNDLE_MANIFEST);
    int has = stat(mp, &sb) == 0;
    free(mp);
    return has;
}

static int audit_run(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'}, {"work", required_argument, 0, 'w'},
                                         {"force", no_argument, 0, 'f'},         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    const char *out = NULL, *work = NULL;
    int force = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:w:fqh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'w': work = optarg; break;
        case 'f': force = 1; break;
        case 'q': audit_quiet = 1; cli_set_quiet(1); break;
        case 'h': usage_run(stdout); return 0;
        default: return cli_usage_error("audit run", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("audit run", "expected exactly one pipeline file");
    if (!out)
        return cli_usage_error("audit run", "missing -o BUNDLE/");
    zk_pipeline pl;
    int st = zk_pipeline_load(&pl, argv[optind]);
    if (st != ZK_OK)
        return cli_fail(st);
    if (fake_stages())
        fprintf(stderr, "zkmlops audit: warning: ZKMLOPS_AUDIT_FAKE_STAGES is set: stages run by %s (tests only)\n",
                fake_stages());
    char *outd = xstrdup(out);
    size_t ol = strlen(outd);
    while (ol > 1 && outd[ol - 1] == '/')
        outd[--ol] = 0;
    char *workd = work ? xstrdup(work) : xasprintf("%s.private", outd);
    if (!force && dir_nonempty(outd)) {
        fprintf(stderr, "zkmlops: %s: already holds a bundle (use --force to replace it)\n", outd);
        zk_pipeline_free(&pl);
        free(outd);
        free(workd);
        return 2;
    }
    if (mkdir_p(outd) != 0 || mkdir_p(workd) != 0) {
        fprintf(stderr, "zkmlops: %s: cannot create folder (%s)\n", mkdir_p(outd) != 0 ? outd : workd,
                strerror(errno));
        zk_pipeline_free(&pl);
        free(outd);
        free(workd);
        return 2;
    }
    chmod(workd, 0700);
    /* a stale manifest must not survive a failed re-run */
    char *old = xasprintf("%s/%s", outd, ZK_BUNDLE_MANIFEST);
    remove(old);
    free(old);
    zk_bundle_manifest m;
    zk_bundle_manifest_init(&m);
    run_ctx ctx = {outd, workd, &pl, &m, cli_now(), 0, 0};
    if (!audit_quiet)
        fprintf(stderr, "[audit] pipeline '%s': %zu stages; bundle %s, private work folder %s\n", pl.name, pl.n_stages,
                outd, workd);
    /* the pipeline declaration itself is part of the bundle */
    char *pcopy = xasprintf("%s/pipeline.json", workd);
    st = copy_file(pl.path, pcopy);
    free(pcopy);
    if (st == ZK_OK)
        st = publish(&ctx, "pipeline.json");
    m.pipeline_name = xstrdup(pl.name);
    m.pipeline_file = xstrdup("pipeline.json");
    m.tool_version = xstrdup(AUDIT_VERSION);
    for (size_t i = 0; st == ZK_OK && i < pl.n_stages; i++) {
        ctx.index = i;
        const zk_pipeline_stage *ps = &pl.stages[i];
        st = ps->kind == ZK_STAGE_DATA      ? run_data(&ctx, ps)
             : ps->kind == ZK_STAGE_MONITOR ? run_monitor(&ctx, ps)
                                            : run_proving_stage(&ctx, ps);
    }
    if (st == ZK_OK) {
        time_t now = time(NULL);
        struct tm tmv;
        gmtime_r(&now, &tmv);
        char ts[32];
        strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tmv);
        m.created = xstrdup(ts);
        st = zk_bundle_manifest_write(&m, outd);
    }
    int rc;
    if (st == ZK_OK) {
        double total = cli_now() - ctx.t0, prove = 0;
        uint64_t bytes = 0;
        for (size_t i = 0; i < m.n_stages; i++) {
            prove += m.stages[i].prover_seconds;
            bytes += m.stages[i].proof_bytes;
        }
        char pb[32];
        fmt_bytes(pb, sizeof pb, (double)bytes);
        if (!audit_quiet)
            fprintf(stderr, "[audit] done in %.1f s: %zu stages, %zu files, proofs %s; private files stay in %s\n",
                    total, m.n_stages, m.n_subjects, pb, workd);
        printf("{\"bundle\": \"%s\", \"manifest\": \"%s/%s\", \"stages\": %zu, \"files\": %zu, \"proof_bytes\": %llu, "
               "\"prover_seconds\": %.3f, \"seconds\": %.3f}\n",
               outd, outd, ZK_BUNDLE_MANIFEST, m.n_stages, m.n_subjects, (unsigned long long)bytes, prove, total);
        rc = 0;
    } else {
        fprintf(stderr, "zkmlops: %s\n", zk_last_error());
        fprintf(stderr, "zkmlops audit run: no manifest written; %s is incomplete\n", outd);
        rc = zk_exit_code((zk_status)st);
    }
    zk_bundle_manifest_free(&m);
    zk_pipeline_free(&pl);
    free(outd);
    free(workd);
    return rc;
}

/* ------------------------------------------------------------ audit verify */

typedef struct {
    int valid;
    char reason[600];
    double verify_seconds;
} stage_check;

typedef struct {
    int manifest_ok;
    size_t digest_failures;
    char bundle_reason[600]; /* failures not tied to a stage */
    double seconds;
} bundle_check;

static int stage_uses(const zk_bundle_stage *s, const char *file)
{
    if (s->proof && strcmp(s->proof, file) == 0)
        return 1;
    if (s->public_file && strcmp(s->public_file, file) == 0)
        return 1;
    for (size_t i = 0; i < s->n_inputs; i++)
        if (strcmp(s->inputs[i].file, file) == 0)
            return 1;
    for (size_t i = 0; i < s->n_outputs; i++)
        if (strcmp(s->outputs[i].file, file) == 0)
            return 1;
    for (size_t i = 0; i < s->n_verify_args; i++)
        if (strcmp(s->verify_args[i].file, file) == 0)
            return 1;
    return 0;
}

static void fail_stage(stage_check *r, const char *msg)
{
    if (r->reason[0])
        return;
    r->valid = 0;
    snprintf(r->reason, sizeof r->reason, "%s", msg);
}

/* The manifest's commitments of a stage against those the stage verifier itself
 * hashed (by role): every commitment the verifier checked must be in the manifest
 * with the same id, and every commitment the manifest names must either be one the
 * verifier checked or a file passed to it (e.g. monitoring's reference and config):
 * so the chain the manifest states is about the files the proof was checked against. */
static void compare_refs(stage_check *r, const zk_bundle_stage *s, const zk_bundle_ref *refs, size_t n,
                         const cJSON *arr, const char *what)
{
    char msg[400];
    if (!cJSON_IsArray(arr)) {
        snprintf(msg, sizeof msg, "the stage verifier did not report its %s commitments", what);
        fail_stage(r, msg);
        return;
    }
    const cJSON *o;
    cJSON_ArrayForEach(o, arr)
    {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(o, "role");
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(o, "id");
        if (!cJSON_IsString(role) || !cJSON_IsString(id))
            continue;
        size_t i = 0;
        while (i < n && strcmp(refs[i].role, role->valuestring) != 0)
            i++;
        if (i == n) {
            snprintf(msg, sizeof msg, "the manifest omits the %s '%s' the stage verifier checked", what,
                     role->valuestring);
            fail_stage(r, msg);
        } else if (strcmp(refs[i].id, id->valuestring) != 0) {
            snprintf(msg, sizeof msg, "%s '%s': the verifier checked the proof against %.16s…, the manifest says %.16s…",
                     what, refs[i].role, id->valuestring, refs[i].id);
            fail_stage(r, msg);
        }
    }
    for (size_t i = 0; i < n; i++) {
        int reported = 0, passed = 0;
        cJSON_ArrayForEach(o, arr)
        {
            const cJSON *role = cJSON_GetObjectItemCaseSensitive(o, "role");
            reported |= cJSON_IsString(role) && strcmp(role->valuestring, refs[i].role) == 0;
        }
        for (size_t k = 0; k < s->n_verify_args; k++)
            passed |= strcmp(s->verify_args[k].file, refs[i].file) == 0;
        if (!reported && !passed) {
            snprintf(msg, sizeof msg, "%s '%s' (%s) is neither checked by nor given to the stage verifier", what,
                     refs[i].role, refs[i].file);
            fail_stage(r, msg);
        }
    }
}

static void verify_data_stage(const char *dir, const zk_bundle_stage *s, stage_check *r)
{
    if (s->n_outputs != 1 || !s->proof || strcmp(s->outputs[0].file, s->proof) != 0) {
        fail_stage(r, "a data stage has exactly one output, its commitment, which is also its proof file");
        return;
    }
    char *p = xasprintf("%s/%s", dir, s->proof);
    zk_dataset_commitment com;
    double t0 = cli_now();
    int st = zk_dataset_commitment_load(p, &com);
    r->verify_seconds = cli_now() - t0;
    free(p);
    if (st != ZK_OK) {
        fail_stage(r, zk_last_error());
        return;
    }
    /* the public facts the manifest states must be the commitment's */
    cJSON *pub = cJSON_CreateObject();
    cJSON_AddNumberToObject(pub, "rows", com.meta.n_rows);
    cJSON_AddNumberToObject(pub, "columns", com.meta.n_cols);
    cJSON_AddNumberToObject(pub, "scale_bits", com.meta.scale_bits);
    cJSON_AddNumberToObject(pub, "range_bits", com.range_bits);
    cJSON *names = cJSON_AddArrayToObject(pub, "column_names");
    for (uint32_t j = 0; j < com.meta.n_cols; j++)
        cJSON_AddItemToArray(names, cJSON_CreateString(com.meta.col_names[j]));
    if (!cJSON_Compare(pub, s->public_values, 1))
        fail_stage(r, "manifest public values (rows, columns, scale, range, column names) differ from the commitment");
    if (s->proof_bytes != com.range_proof_len) {
        char msg[200];
        snprintf(msg, sizeof msg, "manifest proof_bytes %llu, the range proof has %zu bytes",
                 (unsigned long long)s->proof_bytes, com.range_proof_len);
        fail_stage(r, msg);
    }
    double rb = zk_range_soundness_bits(&com, com.range_bits);
    double bits = rb < com.whir.params.achieved_bits ? rb : com.whir.params.achieved_bits;
    if (fabs(bits - s->security_bits) > 0.05) {
        char msg[200];
        snprintf(msg, sizeof msg, "manifest security_bits %.2f, the verifier computes %.2f", s->security_bits, bits);
        fail_stage(r, msg);
    }
    cJSON_Delete(pub);
    zk_dataset_commitment_free(&com);
}

/* The file options of each stage's verify command (docs/stages.md): a manifest must
 * give exactly these, so that it cannot leave out a check or add another option. */
static const char *const verify_flags_optional[ZK_STAGE_KINDS][2] = {[ZK_STAGE_MONITOR] = {"--prev", NULL}};
static const char *const verify_flags[ZK_STAGE_KINDS][7] = {
    [ZK_STAGE_DATA] = {NULL},
    [ZK_STAGE_PREPROCESS] = {"--commitment", "--pipeline", "--train", "--test", "--output", NULL},
    [ZK_STAGE_TRAIN] = {"--data", "--spec", "--model", "--output", NULL},
    [ZK_STAGE_EVAL] = {"--model", "--data", "--metrics", "--output", NULL},
    [ZK_STAGE_INFER] = {"--commitment", "--input", "--output", NULL},
    [ZK_STAGE_MONITOR] = {"--model", "--window", "--reference", "--config", "--output", NULL},
};

static int check_verify_args(const zk_bundle_stage *s, stage_check *r)
{
    const char *const *want = verify_flags[s->kind];
    char msg[300];
    if (want[0]) {
        size_t nw = 0;
        for (; want[nw]; nw++) {
            size_t k = 0;
            while (k < s->n_verify_args && strcmp(s->verify_args[k].flag, want[nw]) != 0)
                k++;
            if (k == s->n_verify_args) {
                snprintf(msg, sizeof msg, "manifest verify_args lack %s (required by `zkmlops %s verify`)", want[nw],
                         zk_stage_kind_name(s->kind));
                fail_stage(r, msg);
                return -1;
            }
        }
        size_t nopt = 0;
        for (size_t k = 0; k < s->n_verify_args; k++)
            for (size_t o = 0; verify_flags_optional[s->kind][o]; o++)
                nopt += strcmp(s->verify_args[k].flag, verify_flags_optional[s->kind][o]) == 0;
        if (s->n_verify_args != nw + nopt) {
            snprintf(msg, sizeof msg, "manifest verify_args have options `zkmlops %s verify` does not take",
                     zk_stage_kind_name(s->kind));
            fail_stage(r, msg);
            return -1;
        }
    }
    for (size_t k = 0; k < s->n_verify_args; k++)
        if (strcmp(s->verify_args[k].flag, "--output") == 0 &&
            (!s->public_file || strcmp(s->verify_args[k].file, s->public_file) != 0)) {
            fail_stage(r, "manifest verify_args: --output is not the stage's public_file");
            return -1;
        }
    return 0;
}

/* Check a proving stage's verify options and chain rules, and build its verify
 * command: 0 = run av, -1 = already failed (reason in r). */
static int verify_prepare(const zk_bundle_stage *s, stage_check *r, argv_t *av)
{
    if (check_verify_args(s, r) != 0)
        return -1;
    for (size_t i = 0; i < s->n_inputs; i++)
        if ((!s->inputs[i].from_stage || !s->inputs[i].from_stage[0]) && !external_input_ok(s->kind, s->inputs[i].role, s->inputs[i].file)) {
            char msg[300];
            snprintf(msg, sizeof msg, "input '%s' (%s) names no producing stage: a %s stage's '%s' must be chained",
                     s->inputs[i].role, s->inputs[i].file, zk_stage_kind_name(s->kind), s->inputs[i].role);
            fail_stage(r, msg);
            return -1;
        }
    av->n = 0;
    av_add(av, "zkmlops");
    av_add(av, zk_stage_kind_name(s->kind));
    av_add(av, "verify");
    for (size_t i = 0; i < s->n_verify_args; i++) {
        av_add(av, s->verify_args[i].flag);
        av_add(av, s->verify_args[i].file);
    }
    av_add(av, s->proof);
    av_add(av, "--json");
    av_add(av, "--quiet");
    return 0;
}

/* Judge a finished stage verifier: its verdict, then the manifest against what it established. */
static void verify_finish(const char *dir, const zk_bundle_stage *s, stage_check *r, child_result *resp)
{
    child_result res = *resp;
    if (res.rc < 0) {
        fail_stage(r, "cannot start the stage verifier");
        return;
    }
    cJSON *sum = parse_summary(&res);
    const cJSON *valid = sum ? cJSON_GetObjectItemCaseSensitive(sum, "valid") : NULL;
    const cJSON *vs = sum ? cJSON_GetObjectItemCaseSensitive(sum, "verify_seconds") : NULL;
    r->verify_seconds = cJSON_IsNumber(vs) ? vs->valuedouble : res.seconds;
    if (res.rc != 0 || !cJSON_IsTrue(valid)) {
        char line[450] = "";
        const cJSON *reason = sum ? cJSON_GetObjectItemCaseSensitive(sum, "reason") : NULL;
        if (cJSON_IsString(reason) && reason->valuestring[0])
            snprintf(line, sizeof line, "%s", reason->valuestring);
        else
            last_line(res.err, line, sizeof line);
        char msg[600];
        snprintf(msg, sizeof msg, "%s verify %s (exit %d): %s", zk_stage_kind_name(s->kind),
                 res.rc == 1 ? "rejected the proof" : "failed", res.rc, line[0] ? line : "no reason given");
        fail_stage(r, msg);
    } else {
        const cJSON *pub = cJSON_GetObjectItemCaseSensitive(sum, "public");
        if (pub && !cJSON_Compare(pub, s->public_values, 1))
            fail_stage(r, "the manifest's public values differ from the verified public file");
        const cJSON *bits = cJSON_GetObjectItemCaseSensitive(sum, "security_bits");
        if (cJSON_IsNumber(bits) && fabs(bits->valuedouble - s->security_bits) > 0.05) {
            char msg[200];
            snprintf(msg, sizeof msg, "manifest security_bits %.2f, the verifier computes %.2f", s->security_bits,
                     bits->valuedouble);
            fail_stage(r, msg);
        }
        compare_refs(r, s, s->inputs, s->n_inputs, cJSON_GetObjectItemCaseSensitive(sum, "inputs"), "input");
        compare_refs(r, s, s->outputs, s->n_outputs, cJSON_GetObjectItemCaseSensitive(sum, "outputs"), "output");
        char *pp = xasprintf("%s/%s", dir, s->proof);
        long long sz = file_size(pp);
        free(pp);
        if (sz >= 0 && (uint64_t)sz != s->proof_bytes) {
            char msg[200];
            snprintf(msg, sizeof msg, "manifest proof_bytes %llu, %s has %lld bytes", (unsigned long long)s->proof_bytes,
                     s->proof, sz);
            fail_stage(r, msg);
        }
    }
    cJSON_Delete(sum);
}

/* Start a child (as run_child) without waiting: *pid, stdout fd *fo, stderr fd *fe. */
static int spawn_child(const char *cwd, char **argv, pid_t *pid, int *fo, int *fe)
{
    int po[2], pe[2];
    if (pipe(po) != 0)
        return -1;
    if (pipe(pe) != 0) {
        close(po[0]);
        close(po[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    const char *fake = fake_stages();
    pid_t p = fork();
    if (p < 0) {
        close(po[0]); close(po[1]); close(pe[0]); close(pe[1]);
        return -1;
    }
    if (p == 0) {
        if (cwd && chdir(cwd) != 0)
            _exit(127);
        dup2(po[1], 1);
        dup2(pe[1], 2);
        close(po[0]); close(po[1]); close(pe[0]); close(pe[1]);
        if (fake) {
            argv[0] = xstrdup(fake);
            execv(fake, argv);
        } else {
            argv[0] = (char *)"zkmlops";
            execv("/proc/self/exe", argv);
        }
        fprintf(stderr, "zkmlops audit: cannot run the stage verifier: %s\n", strerror(errno));
        _exit(127);
    }
    close(po[1]);
    close(pe[1]);
    *pid = p;
    *fo = po[0];
    *fe = pe[0];
    return 0;
}

/* Run n children (argv avs[i]; avs[i].n == 0: skip) in cwd, at most max_par at a time;
 * results[i] gets stdout, stderr, exit code and wall time. */
static void run_children_parallel(const char *cwd, argv_t *avs, size_t n, size_t max_par, child_result *results)
{
    typedef struct {
        size_t idx;
        pid_t pid;
        int fo, fe;
        size_t ocap, ecap;
        double t0;
    } slot;
    slot *act = calloc(max_par ? max_par : 1, sizeof *act);
    size_t nact = 0, next = 0;
    for (size_t i = 0; i < n; i++) {
        memset(&results[i], 0, sizeof results[i]);
        results[i].rc = -1;
    }
    char buf[8192];
    while (next < n || nact > 0) {
        while (nact < max_par && next < n) {
            size_t i = next++;
            if (avs[i].n == 0)
                continue;
            slot *sl = &act[nact];
            memset(sl, 0, sizeof *sl);
            sl->idx = i;
            sl->t0 = cli_now();
            append(&results[i].out, &results[i].out_len, &sl->ocap, "", 0);
            append(&results[i].err, &results[i].err_len, &sl->ecap, "", 0);
            if (spawn_child(cwd, avs[i].v, &sl->pid, &sl->fo, &sl->fe) == 0)
                nact++;
        }
        if (nact == 0)
            continue;
        struct pollfd fds[16];
        size_t nf = 0;
        for (size_t k = 0; k < nact && nf + 2 <= sizeof fds / sizeof fds[0]; k++) {
            if (act[k].fo >= 0) {
                fds[nf].fd = act[k].fo;
                fds[nf++].events = POLLIN;
            }
            if (act[k].fe >= 0) {
                fds[nf].fd = act[k].fe;
                fds[nf++].events = POLLIN;
            }
        }
        if (nf && poll(fds, (nfds_t)nf, 1000) < 0 && errno != EINTR)
            break;
        for (size_t k = 0; k < nact;) {
            slot *sl = &act[k];
            child_result *r = &results[sl->idx];
            for (int which = 0; which < 2; which++) {
                int *fd = which ? &sl->fe : &sl->fo;
                if (*fd < 0)
                    continue;
                int ready = 0;
                for (size_t f = 0; f < nf; f++)
                    if (fds[f].fd == *fd && (fds[f].revents & (POLLIN | POLLHUP | POLLERR)))
                        ready = 1;
                if (!ready)
                    continue;
                ssize_t got = read(*fd, buf, sizeof buf);
                if (got > 0) {
                    if (which && r->err_len < ((size_t)1 << 20))
                        append(&r->err, &r->err_len, &sl->ecap, buf, (size_t)got);
                    else if (!which && r->out_len < ((size_t)64 << 20))
                        append(&r->out, &r->out_len, &sl->ocap, buf, (size_t)got);
                } else {
                    close(*fd);
                    *fd = -1;
                }
            }
            if (sl->fo < 0 && sl->fe < 0) {
                int status = 0;
                while (waitpid(sl->pid, &status, 0) < 0 && errno == EINTR) {
                }
                r->seconds = cli_now() - sl->t0;
                r->rc = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
                act[k] = act[--nact];
            } else {
                k++;
            }
        }
    }
    free(act);
}

/* Full verification of a loaded manifest; results per stage. Returns 0 if all hold. */
static int verify_bundle(const char *dir, const zk_bundle_manifest *m, stage_check *res, bundle_check *bc)
{
    double t0 = cli_now();
    memset(bc, 0, sizeof *bc);
    bc->manifest_ok = 1;
    for (size_t s = 0; s < m->n_stages; s++) {
        res[s].valid = 1;
        res[s].reason[0] = 0;
        res[s].verify_seconds = 0;
    }
    /* 1. digests */
    for (size_t i = 0; i < m->n_subjects; i++) {
        if (zk_bundle_check_subject(m, i, dir) == ZK_OK)
            continue;
        bc->digest_failures++;
        int used = 0;
        for (size_t s = 0; s < m->n_stages; s++)
            if (stage_uses(&m->stages[s], m->subjects[i].name)) {
                fail_stage(&res[s], zk_last_error());
                used = 1;
            }
        if (!used && !bc->bundle_reason[0])
            snprintf(bc->bundle_reason, sizeof bc->bundle_reason, "%s", zk_last_error());
    }
    /* 2. the commitment chain; 3. every proof */
    argv_t *avs = calloc(m->n_stages + 1, sizeof *avs);
    child_result *kids = calloc(m->n_stages + 1, sizeof *kids);
    if (!avs || !kids) {
        fprintf(stderr, "zkmlops: out of memory\n");
        exit(2);
    }
    for (size_t s = 0; s < m->n_stages; s++) {
        if (!res[s].valid)
            continue;
        if (zk_bundle_check_chain(m, s) != ZK_OK) {
            fail_stage(&res[s], zk_last_error());
            continue;
        }
        if (m->stages[s].kind == ZK_STAGE_DATA)
            verify_data_stage(dir, &m->stages[s], &res[s]);
        else if (verify_prepare(&m->stages[s], &res[s], &avs[s]) != 0)
            av_free(&avs[s]);
    }
    /* the stage verifiers run as child processes, two at a time (the machine's cores) */
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    size_t par = ncpu < 1 ? 1 : ncpu > 4 ? 4 : (size_t)ncpu;
    run_children_parallel(dir, avs, m->n_stages, par, kids);
    for (size_t s = 0; s < m->n_stages; s++) {
        if (avs[s].n) {
            verify_finish(dir, &m->stages[s], &res[s], &kids[s]);
            av_free(&avs[s]);
        }
        child_result_free(&kids[s]);
    }
    free(avs);
    free(kids);
    bc->seconds = cli_now() - t0;
    int ok = !bc->bundle_reason[0];
    for (size_t s = 0; s < m->n_stages; s++)
        ok &= res[s].valid;
    return ok ? 0 : 1;
}

static void usage_verify(FILE *f)
{
    fprintf(f,
            "Usage: zkmlops audit verify BUNDLE/ [--json] [--quiet]\n\n"
            "Check an audit bundle: the SHA-256 of every file against manifest.json, every stage\n"
            "proof (each stage's `zkmlops <stage> verify`, run as a child process), the manifest's\n"
            "public values against the verified public files, and the commitment chain (each\n"
            "stage's input commitment is the output commitment of the stage that produced it).\n"
            "Prints one line per stage (✓, or ✗ and the reason). Exit 0 only if everything holds,\n"
            "1 if a check fails, 2 if the bundle cannot be read.\n\n"
            "Options:\n"
            "  -j, --json     one JSON object on stdout\n"
            "  -q, --quiet    no progress on stderr\n"
            "  -h, --help     this help\n");
}

static void json_str(FILE *f, const char *s)
{
    cJSON *j = cJSON_CreateString(s ? s : "");
    char *t = cJSON_PrintUnformatted(j);
    fputs(t ? t : "\"\"", f);
    free(t);
    cJSON_Delete(j);
}

static int audit_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int as_json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "jqh", opts, NULL)) != -1) {
        switch (c) {
        case 'j': as_json = 1; break;
        case 'q': audit_quiet = 1; cli_set_quiet(1); break;
        case 'h': usage_verify(stdout); return 0;
        default: return cli_usage_error("audit verify", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("audit verify", "expected exactly one bundle folder");
    const char *dir = argv[optind];
    zk_bundle_manifest m;
    int st = zk_bundle_manifest_load(&m, dir);
    if (st != ZK_OK) {
        if (as_json) {
            printf("{\"valid\": false, \"bundle\": ");
            json_str(stdout, dir);
            printf(", \"reason\": ");
            json_str(stdout, zk_last_error());
            printf(", \"stages\": []}\n");
        }
        return cli_fail(st);
    }
    if (fake_stages())
        fprintf(stderr, "zkmlops audit: warning: ZKMLOPS_AUDIT_FAKE_STAGES is set: stages run by %s (tests only)\n",
                fake_stages());
    stage_check *res = calloc(m.n_stages, sizeof *res);
    bundle_check bc;
    int bad = verify_bundle(dir, &m, res, &bc);
    if (as_json) {
        printf("{\"valid\": %s, \"bundle\": ", bad ? "false" : "true");
        json_str(stdout, dir);
        printf(", \"pipeline\": ");
        json_str(stdout, m.pipeline_name);
        printf(", \"files\": %zu, \"digest_failures\": %zu, \"reason\": ", m.n_subjects, bc.digest_failures);
        json_str(stdout, bc.bundle_reason);
        printf(", \"verify_seconds\": %.6f, \"stages\": [", bc.seconds);
        for (size_t s = 0; s < m.n_stages; s++) {
            const zk_bundle_stage *z = &m.stages[s];
            printf("%s{\"name\": ", s ? ", " : "");
            json_str(stdout, z->name);
            printf(", \"stage\": \"%s\", \"valid\": %s, \"reason\": ", zk_stage_kind_name(z->kind),
                   res[s].valid ? "true" : "false");
            json_str(stdout, res[s].reason);
            printf(", \"proof\": ");
            json_str(stdout, z->proof);
            printf(", \"proof_bytes\": %llu, \"security_bits\": %.1f, \"prover_seconds\": %.3f, "
                   "\"verify_seconds\": %.6f}",
                   (unsigned long long)z->proof_bytes, z->security_bits, z->prover_seconds, res[s].verify_seconds);
        }
        printf("]}\n");
    } else {
        printf("audit bundle %s — pipeline '%s', %zu stages, %zu files\n", dir, m.pipeline_name, m.n_stages,
               m.n_subjects);
        for (size_t s = 0; s < m.n_stages; s++) {
            const zk_bundle_stage *z = &m.stages[s];
            char pb[32];
            fmt_bytes(pb, sizeof pb, (double)z->proof_bytes);
            if (res[s].valid)
                printf("✓ %-12s proof %-10s %6.1f bits  prover %7.2f s  verify %.3f s\n", z->name, pb,
                       z->security_bits, z->prover_seconds, res[s].verify_seconds);
            else
                printf("✗ %-12s %s\n", z->name, res[s].reason);
        }
        if (bc.bundle_reason[0])
            printf("✗ %-12s %s\n", "bundle", bc.bundle_reason);
        if (!bad) {
            printf("stages: ");
            for (size_t s = 0; s < m.n_stages; s++)
                printf("%s%s", s ? " → " : "", m.stages[s].name);
            printf(" (every input commitment is its producer's output)\n");
            printf("VALID: all %zu digests, %zu proofs and the commitment chain hold (%.2f s)\n", m.n_subjects,
                   m.n_stages, bc.seconds);
        } else {
            size_t nbad = 0;
            for (size_t s = 0; s < m.n_stages; s++)
                nbad += !res[s].valid;
            printf("REJECTED: %zu of %zu stages fail%s (%.2f s)\n", nbad, m.n_stages,
                   bc.bundle_reason[0] ? ", and a bundle file fails" : "", bc.seconds);
        }
    }
    free(res);
    zk_bundle_manifest_free(&m);
    return bad ? 1 : 0;
}

/* ------------------------------------------------------------ audit report */

static void usage_report(FILE *f)
{
    fprintf(f,
            "Usage: zkmlops audit report BUNDLE/ -o REPORT.html [--no-verify] [--quiet]\n\n"
            "Write a self-contained HTML report of an audit bundle for auditors: what each stage\n"
            "proved in plain words, the public claims (metrics, fairness, drift alerts), security\n"
            "properties, the commitment chain, charts of proof time and size (inline SVG), and the\n"
            "EU AI Act Annex IV item each stage documents. By default the bundle is verified first\n"
            "(as `audit verify`) and the outcome is shown per stage; the report is written either\n"
            "way, and the exit code is that of the verification.\n\n"
            "Options:\n"
            "  -o, --output FILE  the HTML file\n"
            "  -n, --no-verify    render the manifest without verifying (marked as not verified)\n"
            "  -q, --quiet        no progress on stderr\n"
            "  -h, --help         this help\n");
}

static int audit_report(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                         {"no-verify", no_argument, 0, 'n'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *out = NULL;
    int no_verify = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:nqh", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'n': no_verify = 1; break;
        case 'q': audit_quiet = 1; cli_set_quiet(1); break;
        case 'h': usage_report(stdout); return 0;
        default: return cli_usage_error("audit report", "invalid option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("audit report", "expected exactly one bundle folder");
    if (!out)
        return cli_usage_error("audit report", "missing -o REPORT.html");
    const char *dir = argv[optind];
    zk_bundle_manifest m;
    int st = zk_bundle_manifest_load(&m, dir);
    if (st != ZK_OK)
        return cli_fail(st);
    zk_bundle_stage_result *rr = calloc(m.n_stages + 1, sizeof *rr);
    stage_check *res = calloc(m.n_stages + 1, sizeof *res);
    int bad = 0;
    if (!no_verify) {
        bundle_check bc;
        if (!audit_quiet)
            fprintf(stderr, "[audit] verifying %s before rendering\n", dir);
        bad = verify_bundle(dir, &m, res, &bc);
        for (size_t s = 0; s < m.n_stages; s++) {
            rr[s].checked = 1;
            rr[s].valid = res[s].valid;
            rr[s].reason = res[s].reason;
            rr[s].verify_seconds = res[s].verify_seconds;
        }
    }
    zk_wbuf w;
    zk_wbuf_init(&w);
    st = zk_bundle_report_html(&m, no_verify ? NULL : rr, &w);
    if (st == ZK_OK)
        st = zk_write_file_atomic(out, w.data, w.len);
    zk_wbuf_free(&w);
    free(rr);
    free(res);
    zk_bundle_manifest_free(&m);
    if (st != ZK_OK)
        return cli_fail(st);
    if (!audit_quiet)
        fprintf(stderr, "[audit] wrote %s (%s)\n", out,
                no_verify ? "not verified" : bad ? "verification FAILED: see the report" : "bundle verified");
    return bad ? 1 : 0;
}

int cmd_audit(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        FILE *f = argc < 2 ? stderr : stdout;
        usage_run(f);
        fputc('\n', f);
        usage_verify(f);
        fputc('\n', f);
        usage_report(f);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "run") == 0)
        return audit_run(argc - 1, argv + 1);
    if (strcmp(argv[1], "verify") == 0)
        return audit_verify(argc - 1, argv + 1);
    if (strcmp(argv[1], "report") == 0)
        return audit_report(argc - 1, argv + 1);
    return cli_usage_error("audit", "unknown verb '%s' (expected: run, verify, report)", argv[1]);
}
