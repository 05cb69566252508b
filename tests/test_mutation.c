/* Mutation campaign against every proof verifier (docs/robustness.md): for
 * each proof type — raw WHIR opening, dataset statistics, dataset range
 * proof, R1CS (Spartan), circuit (zk_cs), inference, and the lifecycle stage
 * proofs (preprocessing, training, evaluation, monitoring window) — a few
 * valid proofs are generated, then hundreds to thousands of
 * mutants are derived from them (bit flips, byte overwrites, zeroed runs,
 * field elements nudged or made non-canonical, truncations, appended bytes,
 * splices between two proofs, sections reordered / duplicated / deleted /
 * exchanged with another proof's, section lengths corrupted) and each is
 * verified against the statement of the proof it came from; the valid proofs
 * are also checked against wrong statements (swapped commitments, other
 * claimed values, other ranges, other public signals). Every mutant must be
 * rejected. Verification runs in forked child processes (a batch per child,
 * restarted after a crash, with a watchdog), so crashes are counted, not
 * fatal: the test prints "tried / rejected / accepted / crashed" per proof
 * type and fails if anything was accepted or crashed.
 *
 * Mutants are a pure function of (seed, type, index): a reported index can be
 * replayed with ZKM_TEST_SEED and ZKM_MUTATION_ONLY=type:index.
 * A second test pins the OS randomness (OpenSSL RAND method) to check that
 * proofs are byte-identical for the same inputs and seed (docs/robustness.md,
 * "Determinism"). */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <omp.h>
#include <openssl/rand.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz/fuzz_cs_glue.h"
#include "testutil.h"
#include "zkmlops/circuit.h"
#include "zkmlops/dataset.h"
#include <math.h>
#include "zkmlops/infer.h"
#include "zkmlops/metrics.h"
#include "zkmlops/monitor.h"
#include "zkmlops/preprocess.h"
#include "zkmlops/train.h"
#include "zkmlops/model.h"
#include "zkmlops/mle.h"
#include "zkmlops/proof.h"
#include "zkmlops/r1cs.h"
#include "zkmlops/range.h"
#include "zkmlops/stats.h"
#include "zkmlops/transcript.h"
#include "zkmlops/whir.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLOW_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SLOW_BUILD 1
#endif
#endif
#ifndef SLOW_BUILD
#define SLOW_BUILD 0
#endif

/* Mutants per proof type (optimized build / sanitizer build). With
 * ZKM_MUTATION_LIGHT set (tools/valgrind-tests.sh) only the WHIR campaign
 * runs, with a hundredth of the mutants and without proof-of-work grinding.
 * The lifecycle campaigns have fewer mutants: their verifiers are fast, but
 * their fixtures (dataset commitments, stage proofs) take seconds each. */
static int light;
#define SCALE(n) (light ? (n) / 100u : SLOW_BUILD ? (n) / 10u : (n))
#define N_WHIR SCALE(6000u)
#define N_STATS SCALE(4000u)
#define N_RANGE SCALE(1500u)
#define N_R1CS SCALE(4000u)
#define N_CS SCALE(2000u)
#define N_INFER SCALE(2000u)
#define N_PREP SCALE(400u)
#define N_TRAIN SCALE(400u)
#define N_EVAL SCALE(400u)
#define N_MONITOR SCALE(400u)
#define CHILD_WATCHDOG_S 120u

#define MAX_PROOFS 4
#define MAX_STMTS 8

typedef int (*verify_fn)(const void *stmt, const uint8_t *proof, size_t len);

typedef struct {
    const char *name;
    verify_fn verify;
    int has_sections; /* proof.h container */
    size_t n_mutants;
    const void *stmt[MAX_STMTS]; /* statements; the first n_good have valid proofs */
    const char *stmt_name[MAX_STMTS];
    size_t n_stmts;
    uint8_t *proof[MAX_PROOFS];
    size_t plen[MAX_PROOFS], stmt_of[MAX_PROOFS], n_proofs;
    /* wrong statements: (proof index, statement index) pairs that must fail */
    size_t wrong_proof[MAX_STMTS * MAX_PROOFS], wrong_stmt[MAX_STMTS * MAX_PROOFS], n_wrong;
} proof_type;

static uint64_t seed;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void add_proof(proof_type *k, zk_wbuf *w, size_t stmt)
{
    assert_false(w->oom);
    assert_true(k->n_proofs < MAX_PROOFS);
    k->proof[k->n_proofs] = w->data;
    k->plen[k->n_proofs] = w->len;
    k->stmt_of[k->n_proofs] = stmt;
    k->n_proofs++;
    zk_wbuf_init(w);
}

static size_t add_stmt(proof_type *k, const void *s, const char *name)
{
    assert_true(k->n_stmts < MAX_STMTS);
    k->stmt[k->n_stmts] = s;
    k->stmt_name[k->n_stmts] = name;
    return k->n_stmts++;
}

/* Every proof must fail against statement s (a wrong statement for all of them). */
static void add_wrong_for_all(proof_type *k, size_t s)
{
    for (size_t p = 0; p < k->n_proofs; p++) {
        k->wrong_proof[k->n_wrong] = p;
        k->wrong_stmt[k->n_wrong++] = s;
    }
}

/* ------------------------------------------------------------ mutations */

typedef struct {
    uint32_t tag;
    size_t off, len; /* whole section: header + payload */
} section;

/* Sections of a proof.h container (0 if malformed; at most cap). */
static size_t parse_sections(const uint8_t *p, size_t len, section *s, size_t cap)
{
    size_t pos = 16, n = 0;
    while (pos < len && n < cap) {
        if (len - pos < 12)
            return 0;
        uint64_t l = 0;
        for (int i = 0; i < 8; i++)
            l |= (uint64_t)p[pos + 4 + (size_t)i] << (8 * i);
        if (l > len - pos - 12)
            return 0;
        s[n].tag = (uint32_t)p[pos] | (uint32_t)p[pos + 1] << 8 | (uint32_t)p[pos + 2] << 16 |
                   (uint32_t)p[pos + 3] << 24;
        s[n].off = pos;
        s[n].len = 12 + (size_t)l;
        pos += s[n].len;
        n++;
    }
    return pos == len ? n : 0;
}

enum {
    OP_BITFLIP,
    OP_BYTES,
    OP_ZERO_RUN,
    OP_FIELD_NUDGE,
    OP_FIELD_NONCANONICAL,
    OP_TRUNCATE,
    OP_APPEND,
    OP_SPLICE,
    OP_SECTION_SWAP,
    OP_SECTION_DUP,
    OP_SECTION_DELETE,
    OP_SECTION_FOREIGN,
    OP_SECTION_LENGTH,
    N_OPS
};
static const char *const op_names[N_OPS] = {
    "bit flips",        "byte overwrite",  "zeroed run",         "field +-1",        "field >= p",
    "truncation",       "appended bytes",  "splice",             "sections swapped", "section duplicated",
    "section deleted",  "foreign section", "section length"};

typedef struct {
    uint8_t *buf;
    size_t len;
    size_t base; /* proof index it came from */
    size_t stmt; /* statement to verify against */
    int op;      /* N_OPS for a wrong-statement check */
    size_t off;  /* where (for the report) */
} mutant;

static void buf_append(uint8_t **b, size_t *len, const uint8_t *p, size_t n)
{
    *b = realloc(*b, *len + n + 1);
    assert_non_null(*b);
    if (n)
        memcpy(*b + *len, p, n);
    *len += n;
}

/* Mutant `idx` of type k (indices below n_wrong are the wrong-statement checks). */
static void make_mutant(const proof_type *k, size_t idx, mutant *m)
{
    memset(m, 0, sizeof *m);
    if (idx < k->n_wrong) {
        m->base = k->wrong_proof[idx];
        m->stmt = k->wrong_stmt[idx];
        m->op = N_OPS;
        buf_append(&m->buf, &m->len, k->proof[m->base], k->plen[m->base]);
        return;
    }
    test_rng r;
    uint64_t h = seed;
    for (const char *c = k->name; *c; c++)
        h = h * 1099511628211ULL + (uint8_t)*c;
    test_rng_seed(&r, h ^ ((uint64_t)idx * 0x9e3779b97f4a7c15ULL));
    m->base = test_rng_u64(&r) % k->n_proofs;
    m->stmt = k->stmt_of[m->base];
    const uint8_t *p = k->proof[m->base];
    size_t len = k->plen[m->base];
    section sec[64], sec2[64];
    size_t ns = k->has_sections ? parse_sections(p, len, sec, 64) : 0;
    int op;
    do
        op = (int)(test_rng_u64(&r) % N_OPS);
    while (op >= OP_SECTION_SWAP && op <= OP_SECTION_LENGTH && ns < 2);
    /* another proof (for splices and foreign sections) */
    size_t other = k->n_proofs > 1 ? (m->base + 1 + test_rng_u64(&r) % (k->n_proofs - 1)) % k->n_proofs : m->base;
    const uint8_t *q = k->proof[other];
    size_t qlen = k->plen[other];
    m->op = op;
    buf_append(&m->buf, &m->len, p, len);
    uint8_t *b = m->buf;
    switch (op) {
    case OP_BITFLIP: {
        unsigned nb = 1 + (unsigned)(test_rng_u64(&r) % 4);
        m->off = test_rng_u64(&r) % len;
        for (unsigned i = 0; i < nb; i++) {
            size_t at = i == 0 ? m->off : test_rng_u64(&r) % len;
            b[at] ^= (uint8_t)(1u << (test_rng_u64(&r) % 8));
        }
        break;
    }
    case OP_BYTES: {
        size_t n = 1 + test_rng_u64(&r) % 8;
        m->off = test_rng_u64(&r) % len;
        for (size_t i = 0; i < n && m->off + i < len; i++)
            b[m->off + i] = (uint8_t)test_rng_u64(&r);
        break;
    }
    case OP_ZERO_RUN: {
        size_t n = 1 + test_rng_u64(&r) % 64;
        m->off = test_rng_u64(&r) % len;
        memset(b + m->off, 0, m->off + n <= len ? n : len - m->off);
        break;
    }
    case OP_FIELD_NUDGE:
    case OP_FIELD_NONCANONICAL: {
        /* an 8-byte little-endian word at an offset aligned to the start of its section payload */
        size_t lo = 0;
        if (ns) {
            size_t s = test_rng_u64(&r) % ns;
            lo = sec[s].off + 12;
            if (sec[s].len < 20)
                lo = 16;
        }
        if (len < lo + 8)
            lo = 0;
        m->off = lo + 8 * (test_rng_u64(&r) % ((len - lo) / 8));
        uint64_t v = 0;
        for (int i = 0; i < 8; i++)
            v |= (uint64_t)b[m->off + (size_t)i] << (8 * i);
        if (op == OP_FIELD_NUDGE)
            v = (test_rng_u64(&r) & 1) ? gl_add(v % GL_P, 1) : gl_sub(v % GL_P, 1);
        else
            v = GL_P + (v % ((uint64_t)0 - GL_P)); /* a value in [p, 2^64) */
        for (int i = 0; i < 8; i++)
            b[m->off + (size_t)i] = (uint8_t)(v >> (8 * i));
        break;
    }
    case OP_TRUNCATE:
        m->off = test_rng_u64(&r) % len;
        m->len = m->off;
        break;
    case OP_APPEND: {
        size_t n = 1 + test_rng_u64(&r) % 64;
        uint8_t extra[64];
        for (size_t i = 0; i < n; i++)
            extra[i] = (test_rng_u64(&r) & 1) ? 0 : (uint8_t)test_rng_u64(&r);
        m->off = len;
        buf_append(&m->buf, &m->len, extra, n);
        break;
    }
    case OP_SPLICE: {
        /* prefix of this proof + suffix of another (same cut, or a random one in each) */
        size_t cut = test_rng_u64(&r) % len;
        size_t qcut = (test_rng_u64(&r) & 1) ? (cut < qlen ? cut : qlen) : test_rng_u64(&r) % qlen;
        m->off = cut;
        m->len = cut;
        buf_append(&m->buf, &m->len, q + qcut, qlen - qcut);
        break;
    }
    case OP_SECTION_SWAP:
    case OP_SECTION_DUP:
    case OP_SECTION_DELETE:
    case OP_SECTION_FOREIGN: {
        size_t a = test_rng_u64(&r) % ns, c = test_rng_u64(&r) % ns;
        if (c == a)
            c = (a + 1) % ns;
        const uint8_t *src[130];
        size_t slen[130];
        m->off = sec[a].off;
        m->len = 16;
        for (size_t i = 0; i < ns; i++) {
            size_t s = i;
            if (op == OP_SECTION_SWAP)
                s = s == a ? c : (s == c ? a : s);
            src[i] = p + sec[s].off;
            slen[i] = sec[s].len;
        }
        size_t nsrc = ns;
        if (op == OP_SECTION_DELETE) {
            memmove(src + a, src + a + 1, (ns - a - 1) * sizeof *src);
            memmove(slen + a, slen + a + 1, (ns - a - 1) * sizeof *slen);
            nsrc--;
        } else if (op == OP_SECTION_DUP) {
            memmove(src + a + 1, src + a, (ns - a) * sizeof *src);
            memmove(slen + a + 1, slen + a, (ns - a) * sizeof *slen);
            nsrc++;
        } else if (op == OP_SECTION_FOREIGN) {
            size_t nq = parse_sections(q, qlen, sec2, 64);
            if (nq) {
                size_t f = test_rng_u64(&r) % nq;
                if (test_rng_u64(&r) & 1) /* the same section of the other proof, when it has one */
                    for (size_t i = 0; i < nq; i++)
                        if (sec2[i].tag == sec[a].tag)
                            f = i;
                src[a] = q + sec2[f].off;
                slen[a] = sec2[f].len;
            }
        }
        for (size_t i = 0; i < nsrc; i++)
            buf_append(&m->buf, &m->len, src[i], slen[i]);
        break;
    }
    case OP_SECTION_LENGTH: {
        size_t a = test_rng_u64(&r) % ns;
        m->off = sec[a].off + 4;
        uint64_t l = (uint64_t)sec[a].len - 12;
        uint64_t choices[6] = {l + 1, l - 1, l + 24, l ? l - 24 : 1, 0, (uint64_t)test_rng_u64(&r)};
        uint64_t nl = choices[test_rng_u64(&r) % 6];
        for (int i = 0; i < 8; i++)
            b[m->off + (size_t)i] = (uint8_t)(nl >> (8 * i));
        break;
    }
    default:
        fail();
    }
}

/* 1 if the mutant equals a valid proof of the statement it is checked against. */
static int is_valid_proof(const proof_type *k, const mutant *m)
{
    for (size_t p = 0; p < k->n_proofs; p++)
        if (k->stmt_of[p] == m->stmt && k->plen[p] == m->len && memcmp(k->proof[p], m->buf, m->len) == 0)
            return 1;
    return 0;
}

enum { RES_SKIPPED = 's', RES_REJECTED = 'r', RES_ACCEPTED = 'A' };

/* Child: verify mutants [from, to), one result byte each on fd. */
static _Noreturn void child_run(const proof_type *k, size_t from, size_t to, int fd)
{
    /* cmocka's handlers would turn a crash into a failed test inside the child
     * (which would then run the rest of the suite): crash for real instead. */
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGSYS, SIGABRT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    omp_set_num_threads(1);
    alarm(CHILD_WATCHDOG_S);
    for (size_t i = from; i < to; i++) {
        mutant m;
        make_mutant(k, i, &m);
        char res = RES_SKIPPED;
        if (m.op == N_OPS || !is_valid_proof(k, &m))
            res = k->verify(k->stmt[m.stmt], m.buf, m.len) == ZK_OK ? RES_ACCEPTED : RES_REJECTED;
        free(m.buf);
        if (write(fd, &res, 1) != 1)
            _exit(3);
    }
    _exit(0);
}

static void describe(const proof_type *k, size_t idx, const char *what)
{
    mutant m;
    make_mutant(k, idx, &m);
    printf("# %s: mutant %zu %s: %s of proof %zu (%zu bytes) at offset %zu, checked against %s "
           "(replay: ZKM_TEST_SEED=0x%llx ZKM_MUTATION_ONLY=%s:%zu)\n",
           k->name, idx, what, m.op == N_OPS ? "wrong statement" : op_names[m.op], m.base, k->plen[m.base], m.off,
           k->stmt_name[m.stmt], (unsigned long long)seed, k->name, idx);
    free(m.buf);
}

static void run_campaign(const proof_type *k)
{
    /* The valid proofs verify. */
    for (size_t p = 0; p < k->n_proofs; p++)
        if (k->verify(k->stmt[k->stmt_of[p]], k->proof[p], k->plen[p]) != ZK_OK)
            fail_msg("%s: valid proof %zu rejected: %s", k->name, p, zk_last_error());
    size_t total = k->n_wrong + k->n_mutants, from = 0, to = total;
    const char *only = getenv("ZKM_MUTATION_ONLY");
    if (only) {
        size_t nl = strlen(k->name);
        if (strncmp(only, k->name, nl) != 0 || only[nl] != ':')
            return;
        from = strtoull(only + nl + 1, NULL, 10);
        to = from + 1;
        assert_true(to <= total);
    }
    size_t tried = 0, rejected = 0, accepted = 0, crashed = 0, skipped = 0;
    size_t op_tried[N_OPS + 1] = {0};
    double t0 = now_s();
    fflush(stdout);
    while (from < to) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            child_run(k, from, to, fds[1]);
        }
        close(fds[1]);
        char res;
        while (from < to && read(fds[0], &res, 1) == 1) {
            mutant m;
            make_mutant(k, from, &m);
            if (res == RES_SKIPPED) {
                skipped++;
            } else {
                tried++;
                op_tried[m.op]++;
                if (res == RES_REJECTED) {
                    rejected++;
                } else if (++accepted <= 20) {
                    describe(k, from, "ACCEPTED");
                }
            }
            free(m.buf);
            from++;
        }
        close(fds[0]);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (from < to) { /* the child died on mutant `from` */
            mutant m;
            make_mutant(k, from, &m);
            op_tried[m.op]++;
            free(m.buf);
            tried++;
            char what[64];
            snprintf(what, sizeof what, "CRASHED (%s %d)", WIFSIGNALED(status) ? "signal" : "exit",
                     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
            if (++crashed <= 20)
                describe(k, from, what);
            from++;
        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fail_msg("%s: verifier child ended with status 0x%x", k->name, status);
        }
    }
    printf("# %-14s tried %5zu / rejected %5zu / accepted %zu / crashed %zu   (%zu valid proofs, %zu wrong "
           "statements; %zu mutants equal to a valid proof skipped; %.1f s)\n",
           k->name, tried, rejected, accepted, crashed, k->n_proofs, k->n_wrong, skipped, now_s() - t0);
    printf("#   by mutation:");
    for (int op = 0; op <= N_OPS; op++)
        if (op_tried[op])
            printf(" %s %zu;", op == N_OPS ? "wrong statement" : op_names[op], op_tried[op]);
    printf("\n");
    if (accepted || crashed)
        fail_msg("%s: %zu mutated proofs accepted, %zu crashed the verifier", k->name, accepted, crashed);
    if (!only && tried < k->n_mutants / 2 + k->n_wrong)
        fail_msg("%s: only %zu of %zu mutants differed from a valid proof", k->name, tried, k->n_mutants);
}

static void free_type(proof_type *k)
{
    for (size_t p = 0; p < k->n_proofs; p++)
        free(k->proof[p]);
}

/* ------------------------------------------------------------ WHIR openings */

typedef struct {
    const zk_whir_commitment *com;
    zk_whir_claim claims[2];
    size_t nc;
} whir_stmt;

static int verify_whir(const void *sp, const uint8_t *proof, size_t len)
{
    const whir_stmt *s = sp;
    zk_transcript t;
    zk_transcript_init(&t, "zkm-test-mutation-whir");
    zk_whir_commitment_absorb(&t, s->com);
    zk_rbuf r;
    zk_rbuf_init(&r, proof, len);
    int st = zk_whir_verify(s->com, s->claims, s->nc, &t, &r);
    if (st == ZK_OK && zk_rbuf_left(&r) != 0) /* trailing bytes are the caller's to refuse */
        st = ZK_ERR_REJECT;
    return st;
}

static void whir_prove(const zk_whir_witness *wit, const whir_stmt *s, zk_wbuf *w)
{
    zk_transcript t;
    zk_transcript_init(&t, "zkm-test-mutation-whir");
    zk_whir_commitment_absorb(&t, s->com);
    zk_wbuf_init(w);
    assert_int_equal(zk_whir_open(wit, s->com, s->claims, s->nc, &t, w), ZK_OK);
}

static gl_t *random_table(test_rng *r, uint32_t n)
{
    gl_t *f = malloc(((size_t)1 << n) * sizeof *f);
    assert_non_null(f);
    for (size_t b = 0; b < ((size_t)1 << n); b++)
        f[b] = test_rng_gl(r);
    return f;
}

static void test_whir_openings(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, seed ^ 1);
    const uint32_t nh = 8, np = 10;
    zk_whir_params ph, pp;
    assert_int_equal(zk_whir_params_derive(&ph, nh, 1), ZK_OK);
    assert_int_equal(zk_whir_params_derive(&pp, np, 0), ZK_OK);
    if (light) /* no proof-of-work grinding (seconds under valgrind); the verifier trusts com->params */
        for (uint32_t i = 0; i <= ZK_WHIR_MAX_ROUNDS; i++)
            ph.pow_bits[i] = ph.fold_pow_bits[i] = pp.pow_bits[i] = pp.fold_pow_bits[i] = 0;
    gl_t *fh = random_table(&r, nh), *fp = random_table(&r, np), *gp = random_table(&r, np);
    zk_whir_commitment ch, cp, cg;
    zk_whir_witness wh, wp, wg;
    assert_int_equal(zk_whir_commit(&ph, fh, NULL, &ch, &wh), ZK_OK);
    assert_int_equal(zk_whir_commit(&pp, fp, NULL, &cp, &wp), ZK_OK);
    assert_int_equal(zk_whir_commit(&pp, gp, NULL, &cg, &wg), ZK_OK);
    gl3_t zh[8], zp[10], zh2[8], *wts = malloc(((size_t)1 << np) * sizeof *wts);
    assert_non_null(wts);
    for (uint32_t i = 0; i < nh; i++)
        zh[i] = zh2[i] = test_rng_gl3(&r);
    zh2[3] = gl3_add(zh2[3], gl3_one());
    for (uint32_t i = 0; i < np; i++)
        zp[i] = test_rng_gl3(&r);
    gl3_t lin = gl3_zero();
    for (size_t b = 0; b < ((size_t)1 << np); b++) {
        wts[b] = test_rng_gl3(&r);
        lin = gl3_add(lin, gl3_mul_gl(wts[b], fp[b]));
    }
    /* statements: hiding point claim; plain point + linear claims; wrong ones */
    whir_stmt s[6];
    memset(s, 0, sizeof s);
    s[0].com = &ch;
    s[0].nc = 1;
    s[0].claims[0] = (zk_whir_claim){ZK_CLAIM_POINT, zh, NULL, zk_mle_eval_gl(fh, nh, zh)};
    s[1].com = &cp;
    s[1].nc = 2;
    s[1].claims[0] = (zk_whir_claim){ZK_CLAIM_POINT, zp, NULL, zk_mle_eval_gl(fp, np, zp)};
    s[1].claims[1] = (zk_whir_claim){ZK_CLAIM_LINEAR, NULL, wts, lin};
    s[2] = s[0]; /* wrong value */
    s[2].claims[0].value = gl3_add(s[2].claims[0].value, gl3_one());
    s[3] = s[0]; /* other point, same value */
    s[3].claims[0].point = zh2;
    s[4] = s[1]; /* other commitment (same parameters) */
    s[4].com = &cg;
    s[5] = s[1]; /* claims in the other order */
    s[5].claims[0] = s[1].claims[1];
    s[5].claims[1] = s[1].claims[0];

    proof_type k;
    memset(&k, 0, sizeof k);
    k.name = "whir-opening";
    k.verify = verify_whir;
    k.n_mutants = N_WHIR;
    static const char *const names[6] = {"its statement (hiding, n=8)", "its statement (plain, n=10)",
                                         "a wrong value", "another point", "another commitment",
                                         "reordered claims"};
    for (int i = 0; i < 6; i++)
        add_stmt(&k, &s[i], names[i]);
    zk_wbuf w;
    whir_prove(&wh, &s[0], &w);
    add_proof(&k, &w, 0);
    whir_prove(&wh, &s[0], &w); /* a second hiding opening: fresh mask, different bytes */
    add_proof(&k, &w, 0);
    whir_prove(&wp, &s[1], &w);
    add_proof(&k, &w, 1);
    assert_true(k.plen[0] != k.plen[1] || memcmp(k.proof[0], k.proof[1], k.plen[0]) != 0);
    for (size_t p = 0; p < 2; p++)
        for (size_t j = 2; j <= 3; j++) {
            k.wrong_proof[k.n_wrong] = p;
            k.wrong_stmt[k.n_wrong++] = j;
        }
    for (size_t j = 4; j <= 5; j++) {
        k.wrong_proof[k.n_wrong] = 2;
        k.wrong_stmt[k.n_wrong++] = j;
    }
    k.wrong_proof[k.n_wrong] = 2; /* the plain proof against the hiding statement */
    k.wrong_stmt[k.n_wrong++] = 0;
    run_campaign(&k);
    free_type(&k);
    zk_whir_witness_free(&wh);
    zk_whir_witness_free(&wp);
    zk_whir_witness_free(&wg);
    free(fh);
    free(fp);
    free(gp);
    free(wts);
}

/* ------------------------------------------------------------ dataset proofs */

typedef struct {
    zk_dataset_private priv;
    zk_dataset_commitment fake; /* priv's commitment with the WHIR commitment of other data */
    zk_whir_witness fake_wit;
} dataset_fixture;

static dataset_fixture *dsf;

static void make_dataset_fixture(void)
{
    if (dsf)
        return;
    test_rng r;
    test_rng_seed(&r, seed ^ 2);
    dsf = calloc(1, sizeof *dsf);
    assert_non_null(dsf);
    char csv[4096];
    size_t n = (size_t)snprintf(csv, sizeof csv, "age,income,score\n");
    for (int i = 0; i < 20; i++)
        n += (size_t)snprintf(csv + n, sizeof csv - n, "%d,%lld,%d.%02d\n", 18 + (int)(test_rng_u64(&r) % 60),
                              (long long)(test_rng_u64(&r) % 200000), (int)(test_rng_u64(&r) % 10) - 5,
                              (int)(test_rng_u64(&r) % 100));
    zk_dataset ds;
    assert_int_equal(zk_dataset_parse_csv(&ds, "mutation.csv", csv, n, 4), ZK_OK);
    if (zk_dataset_commit(&dsf->priv, &ds, 0) != ZK_OK)
        fail_msg("%s", zk_last_error());
    zk_dataset_free(&ds);
    /* The same public description, another committed table. */
    const zk_dataset_commitment *c = &dsf->priv.com;
    dsf->fake = *c;
    dsf->fake.meta.col_names = calloc(c->meta.n_cols, sizeof(char *));
    assert_non_null(dsf->fake.meta.col_names);
    for (uint32_t j = 0; j < c->meta.n_cols; j++)
        dsf->fake.meta.col_names[j] = strdup(c->meta.col_names[j]);
    dsf->fake.range_proof = malloc(c->range_proof_len);
    assert_non_null(dsf->fake.range_proof);
    memcpy(dsf->fake.range_proof, c->range_proof, c->range_proof_len);
    gl_t *other = random_table(&r, c->whir.params.n_vars);
    assert_int_equal(zk_whir_commit(&c->whir.params, other, NULL, &dsf->fake.whir, &dsf->fake_wit), ZK_OK);
    free(other);
}

static void free_lifecycle_fixture(void);

static int teardown_all(void **state)
{
    (void)state;
    free_lifecycle_fixture();
    if (dsf) {
        zk_dataset_private_free(&dsf->priv);
        zk_dataset_commitment_free(&dsf->fake);
        zk_whir_witness_free(&dsf->fake_wit);
        free(dsf);
        dsf = NULL;
    }
    return 0;
}

typedef struct {
    const zk_dataset_commitment *com;
    zk_stats st;
} stats_stmt;

static int verify_stats(const void *sp, const uint8_t *proof, size_t len)
{
    const stats_stmt *s = sp;
    return zk_stats_verify(s->com, &s->st, proof, len, NULL);
}

static void stats_copy(zk_stats *dst, const zk_stats *src)
{
    *dst = *src;
    dst->sum = malloc(src->n_cols * sizeof *dst->sum);
    dst->sum_squares = malloc(src->n_cols * sizeof *dst->sum_squares);
    assert_true(dst->sum && dst->sum_squares);
    memcpy(dst->sum, src->sum, src->n_cols * sizeof *dst->sum);
    memcpy(dst->sum_squares, src->sum_squares, src->n_cols * sizeof *dst->sum_squares);
}

static void test_stats_proofs(void **state)
{
    (void)state;
    if (light)
        skip();
    double t0 = now_s();
    make_dataset_fixture();
    printf("# dataset fixture (commitment + range proof): %.1f s\n", now_s() - t0);
    stats_stmt s[6];
    assert_int_equal(zk_stats_compute(&s[0].st, &dsf->priv), ZK_OK);
    s[0].com = &dsf->priv.com;
    for (int i = 1; i < 6; i++) {
        stats_copy(&s[i].st, &s[0].st);
        s[i].com = &dsf->priv.com;
    }
    s[1].com = &dsf->fake;   /* swapped commitment */
    s[2].st.sum[0] += 1;     /* one sum off by one */
    s[3].st.sum_squares[2] -= 1;
    s[4].st.sum[0] = s[0].st.sum[1]; /* columns 0 and 1 exchanged */
    s[4].st.sum[1] = s[0].st.sum[0];
    s[4].st.sum_squares[0] = s[0].st.sum_squares[1];
    s[4].st.sum_squares[1] = s[0].st.sum_squares[0];
    s[5].st.sum[1] = -s[0].st.sum[1]; /* a sign flipped */

    proof_type k;
    memset(&k, 0, sizeof k);
    k.name = "stats";
    k.verify = verify_stats;
    k.has_sections = 1;
    k.n_mutants = N_STATS;
    static const char *const names[6] = {"its statement", "a swapped commitment", "sum + 1",
                                         "sum of squares - 1", "columns exchanged", "a negated sum"};
    for (int i = 0; i < 6; i++)
        add_stmt(&k, &s[i], names[i]);
    zk_wbuf w;
    for (int i = 0; i < 2; i++) {
        zk_wbuf_init(&w);
        if (zk_stats_prove(&dsf->priv, &s[0].st, &w) != ZK_OK)
            fail_msg("%s", zk_last_error());
        add_proof(&k, &w, 0);
    }
    for (size_t j = 1; j < 6; j++)
        add_wrong_for_all(&k, j);
    run_campaign(&k);
    free_type(&k);
    for (int i = 0; i < 6; i++)
        zk_stats_free(&s[i].st);
}

typedef struct {
    const zk_dataset_commitment *com;
    unsigned bits;
} range_stmt;

static int verify_range(const void *sp, const uint8_t *proof, size_t len)
{
    const range_stmt *s = sp;
    return zk_range_verify(s->com, s->bits, proof, len);
}

static void test_range_proofs(void **state)
{
    (void)state;
    if (light)
        skip();
    make_dataset_fixture();
    const zk_dataset_commitment *c = &dsf->priv.com;
    unsigned b = c->range_bits;
    assert_true(b > 1 && b < 32);
    range_stmt s[4] = {{c, b}, {&dsf->fake, b}, {c, b - 1}, {c, b + 1}};
    proof_type k;
    memset(&k, 0, sizeof k);
    k.name = "range";
    k.verify = verify_range;
    k.has_sections = 1;
    k.n_mutants = N_RANGE;
    static const char *const names[4] = {"its statement", "a swapped commitment", "a range one bit narrower",
                                         "a range one bit wider"};
    for (int i = 0; i < 4; i++)
        add_stmt(&k, &s[i], names[i]);
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_wbuf_put(&w, c->range_proof, c->range_proof_len); /* the proof embedded in the .com */
    add_proof(&k, &w, 0);
    if (!SLOW_BUILD) { /* a second range proof (a few seconds) for splices and foreign sections */
        if (zk_range_prove(&dsf->priv, b, &w) != ZK_OK)
            fail_msg("%s", zk_last_error());
        add_proof(&k, &w, 0);
    }
    for (size_t j = 1; j < 4; j++)
        add_wrong_for_all(&k, j);
    run_campaign(&k);
    free_type(&k);
}

/* ------------------------------------------------------------ R1CS */

typedef struct {
    const zk_r1cs *c;
    const gl_t *pub;
    size_t n_pub;
} r1cs_stmt;

static int verify_r1cs(const void *sp, const uint8_t *proof, size_t len)
{
    const r1cs_stmt *s = sp;
    return zk_r1cs_verify(s->c, s->pub, s->n_pub, proof, len, NULL);
}

static void fixture_path(char *buf, size_t cap, const char *name)
{
    const char *root = getenv("ZKM_ROOT");
    snprintf(buf, cap, "%s/tests/fixtures/r1cs/%s", root && root[0] ? root : ".", name);
}

static void test_r1cs_proofs(void **state)
{
    (void)state;
    if (light)
        skip();
    char path[4096];
    zk_r1cs c, c2;
    gl_t *wit, *wit2;
    uint32_t nw, nw2;
    fixture_path(path, sizeof path, "mul_chain.r1cs");
    if (zk_r1cs_load(&c, path) != ZK_OK)
        fail_msg("%s (run from the repository root or set ZKM_ROOT)", zk_last_error());
    fixture_path(path, sizeof path, "mul_chain.wtns");
    assert_int_equal(zk_wtns_load(&wit, &nw, path), ZK_OK);
    fixture_path(path, sizeof path, "matvec.r1cs");
    assert_int_equal(zk_r1cs_load(&c2, path), ZK_OK);
    fixture_path(path, sizeof path, "matvec.wtns");
    assert_int_equal(zk_wtns_load(&wit2, &nw2, path), ZK_OK);
    uint32_t np = zk_r1cs_n_public(&c), np2 = zk_r1cs_n_public(&c2);
    assert_true(np >= 2);
    gl_t pub[4][64];
    assert_true(np <= 64 && np2 <= 64);
    for (int i = 0; i < 3; i++)
        memcpy(pub[i], wit + 1, np * sizeof *wit);
    memcpy(pub[3], wit2 + 1, np2 * sizeof *wit2);
    pub[1][0] = gl_add(pub[1][0], 1);
    pub[2][0] = pub[0][1]; /* two public signals exchanged */
    pub[2][1] = pub[0][0];
    r1cs_stmt s[5] = {{&c, pub[0], np}, {&c, pub[1], np}, {&c, pub[2], np}, {&c2, pub[3], np2},
                      {&c, pub[0], np - 1}};
    proof_type k;
    memset(&k, 0, sizeof k);
    k.name = "r1cs";
    k.verify = verify_r1cs;
    k.has_sections = 1;
    k.n_mutants = N_R1CS;
    static const char *const names[5] = {"its statement", "public signal 0 + 1", "public signals exchanged",
                                         "another circuit", "one public value missing"};
    for (int i = 0; i < 5; i++)
        add_stmt(&k, &s[i], names[i]);
    zk_wbuf w;
    for (int i = 0; i < 2; i++) {
        zk_wbuf_init(&w);
        if (zk_r1cs_prove(&c, wit, nw, NULL, &w) != ZK_OK)
            fail_msg("%s", zk_last_error());
        add_proof(&k, &w, 0);
    }
    if (pub[0][0] != pub[0][1]) {
        add_wrong_for_all(&k, 2);
    }
    add_wrong_for_all(&k, 1);
    add_wrong_for_all(&k, 3);
    add_wrong_for_all(&k, 4);
    run_campaign(&k);
    free_type(&k);
    free(wit);
    free(wit2);
    zk_r1cs_free(&c);
    zk_r1cs_free(&c2);
}

/* ------------------------------------------------------------ circuit (zk_cs) proofs */

/* The fixed circuit of tests/fuzz/fuzz_cs_glue.h (8 linked committed values,
 * public output y = sum (i+1) v_i, a range check, a product), context
 * "zkm-fuzz-cs". */
typedef struct {
    const zk_whir_commitment *com;
    int64_t y;
    size_t ctx_len; /* of zkm_cs_context */
} cs_stmt;

static int verify_cs(const void *sp, const uint8_t *proof, size_t len)
{
    const cs_stmt *s = sp;
    zk_cs_link link;
    zk_cs *cs = zkm_cs_build(0, NULL, s->y, s->com, NULL, &link);
    if (!cs)
        return ZK_ERR_NOMEM;
    int st = zk_cs_status(cs);
    if (st == ZK_OK)
        st = zk_cs_verify(cs, zkm_cs_context, s->ctx_len, &link, 1, proof, len, NULL);
    zk_cs_free(cs);
    return st;
}

static void add_wrong(proof_type *k, size_t p, size_t s)
{
    assert_true(k->n_wrong < MAX_STMTS * MAX_PROOFS);
    k->wrong_proof[k->n_wrong] = p;
    k->wrong_stmt[k->n_wrong++] = s;
}

static void test_cs_proofs(void **state)
{
    (void)state;
    if (light)
        skip();
    test_rng r;
    test_rng_seed(&r, seed ^ 0xc5c5c5c5ULL);
    gl_t v[2][ZKM_CS_N];
    zk_whir_commitment com[3];
    zk_whir_witness wit[3];
    zk_whir_params par;
    assert_int_equal(zk_whir_params_derive(&par, ZKM_CS_LOG, 1), ZK_OK);
    for (int j = 0; j < 2; j++)
        for (uint32_t i = 0; i < ZKM_CS_N; i++)
            v[j][i] = gl_from_i64((int64_t)(test_rng_u64(&r) % 4001) - 2000);
    /* com[0], com[2]: the same values (fresh blinding); com[1]: other values */
    assert_int_equal(zk_whir_commit(&par, v[0], NULL, &com[0], &wit[0]), ZK_OK);
    assert_int_equal(zk_whir_commit(&par, v[1], NULL, &com[1], &wit[1]), ZK_OK);
    assert_int_equal(zk_whir_commit(&par, v[0], NULL, &com[2], &wit[2]), ZK_OK);
    int64_t y0 = zkm_cs_output(v[0]), y1 = zkm_cs_output(v[1]);
    const size_t cl = sizeof zkm_cs_context;
    cs_stmt s[6] = {{&com[0], y0, cl},     {&com[0], y0 + 1, cl}, {&com[1], y0, cl},
                    {&com[2], y0, cl},     {&com[0], y0, cl - 1}, {&com[1], y1, cl}};
    static const char *const names[6] = {"its statement", "output + 1", "swapped commitment (other values)",
                                         "another commitment of the same values", "another context",
                                         "the other proof's statement"};
    proof_type k;
    memset(&k, 0, sizeof k);
    k.name = "circuit";
    k.verify = verify_cs;
    k.has_sections = 0; /* zk_cs_prove body: no container */
    k.n_mutants = N_CS;
    for (int i = 0; i < 6; i++)
        add_stmt(&k, &s[i], names[i]);
    for (int p = 0; p < 3; p++) {
        int j = p == 2; /* proofs 0, 1 of statement 0; proof 2 of statement 5 */
        zk_cs_link link;
        zk_cs *cs = zkm_cs_build(1, v[j], j ? y1 : y0, &com[j], &wit[j], &link);
        assert_non_null(cs);
        zk_wbuf w;
        zk_wbuf_init(&w);
        if (zk_cs_prove(cs, zkm_cs_context, cl, &link, 1, &w) != ZK_OK)
            fail_msg("%s", zk_last_error());
        zk_cs_free(cs);
        add_proof(&k, &w, j ? 5 : 0);
    }
    for (size_t p = 0; p < 2; p++)
        for (size_t st = 1; st <= 5; st++)
            add_wrong(&k, p, st);
    add_wrong(&k, 2, 0); /* proof 2 (other values) against statements 0, 2, 3 */
    add_wrong(&k, 2, 2);
    add_wrong(&k, 2, 3);
    run_campaign(&k);
    free_type(&k);
    for (int j = 0; j < 3; j++)
        zk_whir_witness_free(&wit[j]);
}

/* ------------------------------------------------------------ inference proofs */

typedef struct {
    const zk_model_commitment *c;
    const int64_t *in; /* NULL: private-input statement */
    const int64_t *out;
    uint32_t batch;
} infer_stmt;

static int verify_infer(const void *sp, const uint8_t *proof, size_t len)
{
    const infer_stmt *s = sp;
    return zk_infer_verify(s->c, s->in, s->out, s->batch, proof, len, NULL);
}

/* Dense 4 -> 3 (ReLU) -> 2 at scale 8, weights from r. */
static void small_dense(zk_model *m, test_rng *r)
{
    static const uint32_t dims[3] = {4, 3, 2};
    static const zk_op act[2] = {ZK_OP_RELU, ZK_OP_IDENTITY};
    int64_t w0[12], b0[3], w1[6], b1[2];
    for (int i = 0; i < 12; i++)
        w0[i] = (int64_t)(test_rng_u64(r) % 513) - 256;
    for (int i = 0; i < 6; i++)
        w1[i] = (int64_t)(test_rng_u64(r) % 513) - 256;
    for (int i = 0; i < 3; i++)
        b0[i] = (int64_t)(test_rng_u64(r) % 129) - 64;
    for (int i = 0; i < 2; i++)
        b1[i] = (int64_t)(test_rng_u64(r) % 129) - 64;
    const int64_t *ws[2] = {w0, w1}, *bs[2] = {b0, b1};
    assert_int_equal(zk_model_dense(m, 2, dims, act, 8, ws, bs), ZK_OK);
}

static void test_infer_proofs(void **state)
{
    (void)state;
    if (light)
        skip();
    test_rng r;
    test_rng_seed(&r, seed ^ 0x1f1f1f1fULL);
    zk_model m, m2;
    small_dense(&m, &r);
    small_dense(&m2, &r);
    zk_model_private p, p_same, p_other;
    assert_int_equal(zk_model_commit(&p, &m), ZK_OK);
    assert_int_equal(zk_model_commit(&p_same, &m), ZK_OK); /* same weights, fresh blinding */
    assert_int_equal(zk_model_commit(&p_other, &m2), ZK_OK);
    int64_t in[8], in_bad[8], out[4], out_bad[4], in2[4], out2[2], out2_bad[2];
    for (int i = 0; i < 8; i++)
        in[i] = (int64_t)(test_rng_u64(&r) % 1025) - 512;
    for (int i = 0; i < 4; i++)
        in2[i] = (int64_t)(test_rng_u64(&r) % 1025) - 512;
    proof_type k;
    memset(&k, 0, sizeof k);
    k.name = "inference";
    k.verify = verify_infer;
    k.has_sections = 1;
    k.n_mutants = N_INFER;
    zk_wbuf w;
    for (int i = 0; i < 2; i++) { /* two public-input proofs of the same statement (fresh randomness) */
        zk_wbuf_init(&w);
        if (zk_infer_prove(&p, in, 2, 0, out, &w, NULL) != ZK_OK)
            fail_msg("%s", zk_last_error());
        add_proof(&k, &w, 0);
    }
    zk_wbuf_init(&w);
    if (zk_infer_prove(&p, in2, 1, 1, out2, &w, NULL) != ZK_OK) /* private input, batch 1 */
        fail_msg("%s", zk_last_error());
    add_proof(&k, &w, 5);
    memcpy(in_bad, in, sizeof in);
    in_bad[5] ^= 1;
    memcpy(out_bad, out, sizeof out);
    out_bad[3] += 1;
    memcpy(out2_bad, out2, sizeof out2);
    out2_bad[0] -= 1;
    infer_stmt s[8] = {{&p.com, in, out, 2},          {&p.com, in, out_bad, 2},      {&p.com, in_bad, out, 2},
                       {&p_same.com, in, out, 2},     {&p_other.com, in, out, 2},    {&p.com, NULL, out2, 1},
                       {&p.com, NULL, out2_bad, 1},   {&p_same.com, NULL, out2, 1}};
    static const char *const names[8] = {
        "its statement",        "output + 1",      "input bit flipped", "another commitment of the same model",
        "another model",        "the private-input proof's statement", "private: output - 1",
        "private: another commitment of the same model"};
    for (int i = 0; i < 8; i++)
        add_stmt(&k, &s[i], names[i]);
    for (size_t pi = 0; pi < 2; pi++)
        for (size_t st = 1; st <= 5; st++)
            add_wrong(&k, pi, st);
    add_wrong(&k, 2, 0);
    add_wrong(&k, 2, 6);
    add_wrong(&k, 2, 7);
    run_campaign(&k);
    free_type(&k);
    zk_model_private_free(&p);
    zk_model_private_free(&p_same);
    zk_model_private_free(&p_other);
    zk_model_free(&m);
    zk_model_free(&m2);
}

/* ------------------------------------------------------------ lifecycle stage proofs */

/* Tiny valid instances of the four lifecycle stage proofs (preprocessing,
 * training, evaluation, monitoring windows; setups adapted from
 * tests/test_preprocess.c, test_train.c, test_metrics.c, test_monitor.c),
 * each with a second proof of a different statement (the source of splices
 * and foreign sections) and wrong statements: a swapped input or output
 * commitment, other public claims, another configuration. */

/* Sections in proof p of k (printed: the section operations need >= 2). */
static void print_shape(const proof_type *k)
{
    for (size_t p = 0; p < k->n_proofs; p++) {
        section sec[64];
        size_t ns = parse_sections(k->proof[p], k->plen[p], sec, 64);
        printf("# %s proof %zu: %zu bytes, %zu sections\n", k->name, p, k->plen[p], ns);
    }
}

static int64_t lc_fixed(test_rng *r, double lo, double hi)
{
    double u = (double)(test_rng_u64(r) >> 11) / 9007199254740992.0;
    return (int64_t)llround((lo + (hi - lo) * u) * 4096.0);
}

/* A dataset of rows x cols (names[j]) with zeroed values, scale 12. */
static void lc_meta(zk_dataset *ds, uint32_t rows, uint32_t cols, const char *const *names)
{
    memset(ds, 0, sizeof *ds);
    ds->meta.n_rows = rows;
    ds->meta.n_cols = cols;
    ds->meta.scale_bits = 12;
    zk_dataset_layout(rows, cols, &ds->meta.log_rows, &ds->meta.log_cols);
    ds->meta.col_names = calloc(cols, sizeof(char *));
    assert_non_null(ds->meta.col_names);
    for (uint32_t j = 0; j < cols; j++)
        ds->meta.col_names[j] = strdup(names[j]);
    ds->values = calloc((size_t)rows * cols, sizeof(int64_t));
    assert_non_null(ds->values);
}

/* A copy of c whose WHIR commitment is of other (random) values: the same
 * public description, another committed table (as the stats fixture does;
 * no range proof to build, so cheap). */
static void lc_fake(zk_dataset_commitment *fake, zk_whir_witness *wit, const zk_dataset_commitment *c, test_rng *r)
{
    *fake = *c;
    fake->meta.col_names = calloc(c->meta.n_cols, sizeof(char *));
    assert_non_null(fake->meta.col_names);
    for (uint32_t j = 0; j < c->meta.n_cols; j++)
        fake->meta.col_names[j] = strdup(c->meta.col_names[j]);
    fake->range_proof = malloc(c->range_proof_len);
    assert_non_null(fake->range_proof);
    memcpy(fake->range_proof, c->range_proof, c->range_proof_len);
    gl_t *other = random_table(r, c->whir.params.n_vars);
    assert_int_equal(zk_whir_commit(&c->whir.params, other, NULL, &fake->whir, wit), ZK_OK);
    free(other);
}

/* One lifecycle chain shared by the preprocessing, training and evaluation
 * campaigns (dataset commitments and stage proofs are the slow part): a raw
 * 12 x 3 dataset (a, b, label y) is preprocessed (standardize a, clip b,
 * 9 / 3 split) into committed train / test sets; two logistic regressions are
 * trained on the train set (2 epochs in 2 chunks at lr 2048; 1 epoch at lr
 * 1024); both are evaluated on the test set. Every stage has two proofs of
 * different statements: preprocessing under two pipelines with the same
 * outputs (the second adds a clip that changes nothing), training with two
 * specs, evaluation of the two models. */
#define PREP_ROWS 12u
static const char *const prep_names[3] = {"a", "b", "y"};
static const char *const prep_pipes[2] = {
    "{\"format\":\"zkmlops-pipeline/v1\",\"label\":\"y\",\"split\":{\"seed\":5,\"test_fraction\":0.25},"
    "\"transforms\":[{\"op\":\"standardize\",\"columns\":[\"a\"]},"
    "{\"op\":\"clip\",\"columns\":[\"b\"],\"min\":-1,\"max\":1.5}]}",
    "{\"format\":\"zkmlops-pipeline/v1\",\"label\":\"y\",\"split\":{\"seed\":5,\"test_fraction\":0.25},"
    "\"transforms\":[{\"op\":\"standardize\",\"columns\":[\"a\"]},"
    "{\"op\":\"clip\",\"columns\":[\"b\"],\"min\":-1,\"max\":1.5},"
    "{\"op\":\"clip\",\"columns\":[\"b\"],\"min\":-3,\"max\":3}]}"};

typedef struct {
    zk_dataset ds;
    zk_dataset_private raw, train, test;
    zk_dataset_commitment fake_raw, fake_train, fake_test; /* other committed tables, same descriptions */
    zk_whir_witness fake_wit[3];
    zk_prep_pipeline pl[2], pl_seed; /* pl_seed: another split seed */
    zk_prep_result res;
    uint8_t *prep_proof[2];
    size_t prep_len[2];
    zk_train_spec spec[2];
    zk_model_private mp[2];
    uint8_t *train_proof[2];
    size_t train_len[2];
    zk_metrics_spec espec, espec_sens;
    zk_metrics_counts counts[2];
    uint8_t *eval_proof[2];
    size_t eval_len[2];
    double seconds;
} lifecycle_fixture;

static lifecycle_fixture *lcf;
static const uint8_t train_digest[ZK_HASH_BYTES] = {7, 1, 2};

static void take(zk_wbuf *w, uint8_t **p, size_t *len)
{
    assert_false(w->oom);
    *p = w->data;
    *len = w->len;
    zk_wbuf_init(w);
}

static void make_lifecycle_fixture(void)
{
    if (lcf)
        return;
    double t0 = now_s();
    lcf = calloc(1, sizeof *lcf);
    assert_non_null(lcf);
    test_rng r;
    test_rng_seed(&r, seed ^ 0x5050505ULL);
    zk_dataset *ds = &lcf->ds;
    lc_meta(ds, PREP_ROWS, 3, prep_names);
    for (uint32_t i = 0; i < PREP_ROWS; i++) {
        int64_t a = lc_fixed(&r, -50, 50), b = lc_fixed(&r, -2, 2);
        ds->values[i * 3 + 0] = a;
        ds->values[i * 3 + 1] = b;
        ds->values[i * 3 + 2] = a / 25 + b + lc_fixed(&r, -1, 1) > 0 ? 4096 : 0;
    }
    /* range proofs of the tightest width (cheaper than the default's) */
    if (zk_dataset_commit(&lcf->raw, ds, zk_dataset_bits_needed(ds)) != ZK_OK)
        fail_msg("%s", zk_last_error());
    for (int i = 0; i < 2; i++)
        if (zk_prep_pipeline_parse(&lcf->pl[i], "prep.json", prep_pipes[i], strlen(prep_pipes[i]), &ds->meta) != ZK_OK)
            fail_msg("%s", zk_last_error());
    char *js = strdup(prep_pipes[0]);
    assert_non_null(js);
    strstr(js, "\"seed\":5")[7] = '6';
    assert_int_equal(zk_prep_pipeline_parse(&lcf->pl_seed, "prep.json", js, strlen(js), &ds->meta), ZK_OK);
    free(js);
    if (zk_prep_apply(&lcf->pl[0], ds, lcf->raw.com.range_bits, &lcf->res) != ZK_OK)
        fail_msg("%s", zk_last_error());
    if (zk_dataset_commit(&lcf->train, &lcf->res.train, zk_dataset_bits_needed(&lcf->res.train)) != ZK_OK ||
        zk_dataset_commit(&lcf->test, &lcf->res.test, zk_dataset_bits_needed(&lcf->res.test)) != ZK_OK)
        fail_msg("%s", zk_last_error());
    lc_fake(&lcf->fake_raw, &lcf->fake_wit[0], &lcf->raw.com, &r);
    lc_fake(&lcf->fake_train, &lcf->fake_wit[1], &lcf->train.com, &r);
    lc_fake(&lcf->fake_test, &lcf->fake_wit[2], &lcf->test.com, &r);
    double t_com = now_s();
    zk_wbuf w;
    zk_wbuf_init(&w);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(zk_dataset_reserve_opening(&lcf->raw), ZK_OK);
        if (zk_prep_prove(&lcf->pl[i], &lcf->raw, &lcf->train, &lcf->test, &lcf->res.claims, &w, NULL) != ZK_OK)
            fail_msg("prep: %s", zk_last_error());
        take(&w, &lcf->prep_proof[i], &lcf->prep_len[i]);
    }
    double t_prep = now_s();
    for (int i = 0; i < 2; i++) {
        zk_train_spec *s = &lcf->spec[i];
        zk_train_spec_default(s);
        s->kind = ZK_TRAIN_LOGREG;
        s->epochs = i == 0 ? 2 : 1;
        s->epochs_per_chunk = 1; /* the first run: two chunk proofs */
        s->lr = i == 0 ? 2048 : 1024;
        snprintf(s->label, sizeof s->label, "y");
        if (zk_train_prove(s, train_digest, &lcf->train, &lcf->mp[i], &w, NULL) != ZK_OK)
            fail_msg("train: %s", zk_last_error());
        take(&w, &lcf->train_proof[i], &lcf->train_len[i]);
    }
    double t_train = now_s();
    zk_model arch;
    uint32_t d = lcf->res.train.meta.n_cols - 1;
    int64_t *wz = calloc(zk_train_n_params(&lcf->spec[0], d), sizeof *wz);
    assert_non_null(wz);
    assert_int_equal(zk_train_to_model(&arch, &lcf->spec[0], d, wz), ZK_OK);
    free(wz);
    static const char ej[] = "{\"label\": \"y\"}";
    static const char ej2[] = "{\"label\": \"y\", \"sensitive\": {\"column\": \"b\", \"split_at\": 0, "
                              "\"groups\": [\"lo\", \"hi\"]}}";
    if (zk_metrics_spec_parse(&lcf->espec, "eval.json", ej, strlen(ej), &lcf->test.com.meta, &arch) != ZK_OK ||
        zk_metrics_spec_parse(&lcf->espec_sens, "eval2.json", ej2, strlen(ej2), &lcf->test.com.meta, &arch) != ZK_OK)
        fail_msg("%s", zk_last_error());
    for (int i = 0; i < 2; i++) {
        zk_model m;
        int64_t *wv = malloc(zk_train_n_params(&lcf->spec[i], d) * sizeof *wv);
        assert_non_null(wv);
        for (uint32_t q = 0; q < zk_train_n_params(&lcf->spec[i], d); q++)
            wv[q] = gl_to_i64(lcf->mp[i].wit.evals[q]);
        assert_int_equal(zk_train_to_model(&m, &lcf->spec[i], d, wv), ZK_OK);
        free(wv);
        assert_int_equal(zk_metrics_compute(&lcf->counts[i], &m, &lcf->test, &lcf->espec), ZK_OK);
        zk_model_free(&m);
        if (zk_eval_prove(&lcf->mp[i], &lcf->test, &lcf->espec, &lcf->counts[i], &w) != ZK_OK)
            fail_msg("eval: %s", zk_last_error());
        take(&w, &lcf->eval_proof[i], &lcf->eval_len[i]);
    }
    zk_model_free(&arch);
    lcf->seconds = now_s() - t0;
    printf("# lifecycle fixture: %.1f s (3 dataset commitments %.1f s; 2 preprocessing proofs %.1f s, 2 training "
           "proofs %.1f s, 2 evaluation proofs %.1f s)\n",
           lcf->seconds, t_com - t0, t_prep - t_com, t_train - t_prep, now_s() - t_train);
}

static void free_lifecycle_fixture(void)
{
    if (!lcf)
        return;
    for (int i = 0; i < 2; i++) {
        free(lcf->prep_proof[i]);
        free(lcf->train_proof[i]);
        free(lcf->eval_proof[i]);
        zk_model_private_free(&lcf->mp[i]);
        zk_prep_pipeline_free(&lcf->pl[i]);
    }
    for (int i = 0; i < 3; i++)
        zk_whir_witness_free(&lcf->fake_wit[i]);
    zk_dataset_commitment_free(&lcf->fake_raw);
    zk_dataset_commitment_free(&lcf->fake_train);
    zk_dataset_commitment_free(&lcf->fake_test);
    zk_prep_pipeline_free(&lcf->pl_seed);
    zk_metrics_spec_free(&lcf->espec);
    zk_metrics_spec_free(&lcf->espec_sens);
    zk_prep_result_free(&lcf->res);
    zk_dataset_private_free(&lcf->raw);
    zk_dataset_private_free(&lcf->train);
    zk_dataset_private_free(&lcf->test);
    zk_dataset_free(&lcf->ds);
    free(lcf);
    lcf = NULL;
}

/* Copies of the fixture's proofs, owned by k (free_type frees them). */
static void add_proof_copy(proof_type *k, const uint8_t *p, size_t len, size_t stmt)
{
    zk_wbuf w;
    zk_wbuf_init(&w);
    zk_wbuf_put(&w, p, len);
    add_proof(k, &w, stmt);
}

/* ---- preprocessing (kind 5) */

typedef struct {
    const zk_prep_pipeline *pl;
    const zk_dataset_commitment *raw, *train, *test;
    const zk_prep_claims *claims;
} prep_stmt;

static int verify_prep(const void *sp, const uint8_t *proof, size_t len)
{
    const prep_stmt *s = sp;
    return zk_prep_verify(s->pl, s->raw, s->train, s->test, s->claims, proof, len, NULL);
}

static void test_prep_proofs(void **state)
{
    (void)state;
    if (light)
        skip();
    make_lifecycle_fixture();
    lifecycle_fixture *f = lcf;
    proof_type k;
    memset(&k, 0, sizeof k);
    k.name = "preprocess";
    k.verify = verify_prep;
    k.has_sections = 1;
    k.n_mutants = N_PREP;
    for (size_t i = 0; i < 2; i++)
        add_proof_copy(&k, f->prep_proof[i], f->prep_len[i], i);
    zk_prep_claims bad = f->res.claims;
    bad.mean = malloc(bad.n_features * sizeof *bad.mean);
    assert_non_null(bad.mean);
    memcpy(bad.mean, f->res.claims.mean, bad.n_features * sizeof *bad.mean);
    bad.mean[0] += 1;
    const zk_prep_claims *cl = &f->res.claims;
    prep_stmt s[8] = {
        {&f->pl[0], &f->raw.com, &f->train.com, &f->test.com, cl},
        {&f->pl[1], &f->raw.com, &f->train.com, &f->test.com, cl},
        {&f->pl[0], &f->raw.com, &f->test.com, &f->train.com, cl},  /* train / test swapped */
        {&f->pl[0], &f->fake_raw, &f->train.com, &f->test.com, cl}, /* another raw table */
        {&f->pl[0], &f->raw.com, &f->fake_train, &f->test.com, cl}, /* another train table */
        {&f->pl[0], &f->raw.com, &f->train.com, &f->fake_test, cl}, /* another test table */
        {&f->pl[0], &f->raw.com, &f->train.com, &f->test.com, &bad},
        {&f->pl_seed, &f->raw.com, &f->train.com, &f->test.com, cl},
    };
    static const char *const names[8] = {"its statement",
                                         "the other pipeline's statement",
                                         "train/test commitments swapped",
                                         "another raw commitment",
                                         "another train commitment",
                                         "another test commitment",
                                         "claimed mean + 1",
                                         "another split seed"};
    for (int i = 0; i < 8; i++)
        add_stmt(&k, &s[i], names[i]);
    for (size_t st = 1; st <= 7; st++)
        add_wrong(&k, 0, st);
    add_wrong(&k, 1, 0);
    add_wrong(&k, 1, 2);
    add_wrong(&k, 1, 3);
    print_shape(&k);
    run_campaign(&k);
    free_type(&k);
    free(bad.mean);
}

/* ---- training (kind 6) */

typedef struct {
    const zk_train_spec *spec;
    const uint8_t *digest;
    const zk_dataset_commitment *data;
    const zk_model_commitment *model;
} train_stmt;

static int verify_train(const void *sp, const uint8_t *proof, size_t len)
{
    const train_stmt *s = sp;
    return zk_train_verify(s->spec, s->digest, s->data, s->model, proof, len, NULL);
}

static void test_train_proofs(void **state)
{
    (void)state;
    if (light)
        skip();
    make_lifecycle_fixture();
    lifecycle_fixture *f = lcf;
    proof_type k;
    memset(&k, 0, sizeof k);
    k.name = "train";
    k.verify = verify_train;
    k.has_sections = 1;
    k.n_mutants = N_TRAIN;
    for (size_t i = 0; i < 2; i++)
        add_proof_copy(&k, f->train_proof[i], f->train_len[i], i);
    zk_train_spec spec_lr = f->spec[0], spec_ep = f->spec[0], spec_seed = f->spec[0];
    spec_lr.lr -= 1;
    spec_ep.epochs = 3;
    spec_seed.init_zero = 0;
    spec_seed.seed = 99;
    static const uint8_t digest2[ZK_HASH_BYTES] = {7, 1, 3};
    const zk_dataset_commitment *dc = &f->train.com;
    const zk_model_commitment *m0 = &f->mp[0].com;
    train_stmt s[8] = {
        {&f->spec[0], train_digest, dc, m0},       {&f->spec[1], train_digest, dc, &f->mp[1].com},
        {&f->spec[0], train_digest, dc, &f->mp[1].com}, /* the other run's model */
        {&f->spec[0], train_digest, &f->fake_train, m0}, /* another training table */
        {&spec_lr, train_digest, dc, m0},          {&f->spec[0], digest2, dc, m0},
        {&spec_ep, train_digest, dc, m0},          {&spec_seed, train_digest, dc, m0},
    };
    static const char *const names[8] = {"its statement",        "the other run's statement",
                                         "the other run's model", "another training-set commitment",
                                         "learning rate - 1",    "another spec digest",
                                         "3 epochs",             "seeded initial weights"};
    for (int i = 0; i < 8; i++)
        add_stmt(&k, &s[i], names[i]);
    for (size_t st = 1; st <= 7; st++)
        add_wrong(&k, 0, st);
    add_wrong(&k, 1, 0);
    add_wrong(&k, 1, 3);
    print_shape(&k);
    run_campaign(&k);
    free_type(&k);
}

/* ---- evaluation (kind 7) */

typedef struct {
    const zk_model_commitment *model;
    const zk_dataset_commitment *data;
    const zk_metrics_spec *spec;
    const zk_metrics_counts *counts;
} eval_stmt;

static int verify_eval(const void *sp, const uint8_t *proof, size_t len)
{
    const eval_stmt *s = sp;
    return zk_eval_verify(s->model, s->data, s->spec, s->counts, proof, len, NULL);
}

static void test_eval_proofs(void **state)
{
    (void)state;
    if (light)
        skip();
    make_lifecycle_fixture();
    lifecycle_fixture *f = lcf;
    proof_type k;
    memset(&k, 0, sizeof k);
    k.name = "eval";
    k.verify = verify_eval;
    k.has_sections = 1;
    k.n_mutants = N_EVAL;
    for (size_t i = 0; i < 2; i++)
        add_proof_copy(&k, f->eval_proof[i], f->eval_len[i], i);
    const zk_metrics_counts *c = &f->counts[0];
    zk_metrics_counts more = *c, less = *c;
    more.correct++; /* a higher accuracy claimed, totals kept consistent where possible */
    if (more.fn > 0)
        more.tn++, more.fn--;
    else if (more.fp > 0)
        more.tp++, more.fp--;
    less.correct--, less.tp = less.tp ? less.tp - 1 : 0, less.fp++;
    const zk_model_commitment *m0 = &f->mp[0].com;
    eval_stmt s[8] = {
        {m0, &f->test.com, &f->espec, c},         {&f->mp[1].com, &f->test.com, &f->espec, &f->counts[1]},
        {&f->mp[1].com, &f->test.com, &f->espec, c}, /* the other model's commitment */
        {m0, &f->fake_test, &f->espec, c},         /* another test-set table */
        {m0, &f->test.com, &f->espec, &more},     {m0, &f->test.com, &f->espec, &less},
        {m0, &f->train.com, &f->espec, c},         /* the training set instead */
        {m0, &f->test.com, &f->espec_sens, c},
    };
    static const char *const names[8] = {
        "its statement", "the other model's statement", "the other model's commitment",
        "another test-set commitment", "accuracy + 1", "accuracy - 1",
        "the training set's commitment", "a spec with a sensitive column"};
    for (int i = 0; i < 8; i++)
        add_stmt(&k, &s[i], names[i]);
    for (size_t st = 2; st <= 7; st++)
        add_wrong(&k, 0, st);
    add_wrong(&k, 1, 0);
    add_wrong(&k, 1, 3);
    print_shape(&k);
    run_campaign(&k);
    free_type(&k);
}

/* ---- monitoring windows (kind 9) */

typedef struct {
    const zk_model_commitment *model;
    const zk_monitor_window_commitment *win;
    const zk_monitor_config *cfg;
    const zk_monitor_stats *st;
} monitor_stmt;

static int verify_monitor(const void *sp, const uint8_t *proof, size_t len)
{
    const monitor_stmt *s = sp;
    return zk_monitor_verify(s->model, s->win, s->cfg, s->st, proof, len, NULL);
}

#define MON_D 3u
#define MON_WINDOW 8u

static void mon_stats_copy(zk_monitor_stats *dst, const zk_monitor_stats *src)
{
    assert_int_equal(zk_monitor_stats_alloc(dst, src->n_classes, src->d), ZK_OK);
    dst->n = src->n;
    dst->n_feedback = src->n_feedback;
    dst->correct = src->correct;
    memcpy(dst->class_count, src->class_count, src->n_classes * sizeof(uint64_t));
    memcpy(dst->sum, src->sum, src->d * sizeof(int64_t));
    memcpy(dst->bins, src->bins, (size_t)src->d * ZK_MONITOR_BINS * sizeof(uint64_t));
}

/* MON_WINDOW records (the model's outputs, feedback on every other one). */
static void mon_append(const char *logp, zk_monitor_log *log, const zk_model *m, test_rng *r, uint64_t *ts,
                       double shift0)
{
    for (uint32_t i = 0; i < MON_WINDOW; i++) {
        int64_t x[MON_D], y[1];
        for (uint32_t j = 0; j < MON_D; j++)
            x[j] = lc_fixed(r, -1.7, 1.7) + (j == 0 ? (int64_t)llround(shift0 * 4096) : 0);
        assert_int_equal(zk_model_run_fx(m, x, 1, y), ZK_OK);
        uint64_t id;
        assert_int_equal(zk_monitor_log_append(logp, log, x, y, 1, (*ts)++, &id), ZK_OK);
        if (id % 2 == 0)
            assert_int_equal(zk_monitor_log_feedback(logp, log, id, (uint32_t)((y[0] >= 2048) ^ (id % 6 == 0)), *ts),
                             ZK_OK);
    }
}

static void test_monitor_proofs(void **state)
{
    (void)state;
    if (light)
        skip();
    double t0 = now_s();
    test_rng r;
    test_rng_seed(&r, seed ^ 0x9090909ULL);
    char dir[64], logp[128], zkd[2][128], com[2][128];
    snprintf(dir, sizeof dir, "/tmp/zkm_mutation_XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(logp, sizeof logp, "%s/log.jsonl", dir);
    for (int i = 0; i < 2; i++) {
        snprintf(zkd[i], sizeof zkd[i], "%s/w%d.zkd", dir, i);
        snprintf(com[i], sizeof com[i], "%s/w%d.com", dir, i);
    }
    zk_model m;
    zk_model_private mp, mp_same;
    {
        uint32_t dims[2] = {MON_D, 1};
        zk_op act[1] = {ZK_OP_SIGMOID};
        int64_t wt[MON_D] = {8192, -4096, 2048}, b = 100;
        const int64_t *ws[1] = {wt}, *bs[1] = {&b};
        assert_int_equal(zk_model_dense(&m, 1, dims, act, 12, ws, bs), ZK_OK);
        assert_int_equal(zk_model_commit(&mp, &m), ZK_OK);
        assert_int_equal(zk_model_commit(&mp_same, &m), ZK_OK); /* same weights, fresh blinding */
    }
    zk_monitor_config cfg, cfg_hi;
    {
        int64_t x[100 * MON_D];
        for (uint32_t i = 0; i < 100 * MON_D; i++)
            x[i] = lc_fixed(&r, -1.7, 1.7);
        memset(&cfg, 0, sizeof cfg);
        assert_int_equal(zk_monitor_reference_from_rows(&cfg, x, 100, MON_D, 12), ZK_OK);
        cfg.window_size = MON_WINDOW;
        cfg.psi_above = 0.25;
        cfg.mean_shift_above = 0.5;
        cfg.accuracy_below = 0.5;
        memset(&cfg_hi, 0, sizeof cfg_hi);
        assert_int_equal(zk_monitor_reference_from_rows(&cfg_hi, x, 100, MON_D, 12), ZK_OK);
        cfg_hi.window_size = MON_WINDOW;
        cfg_hi.psi_above = 10; /* a threshold raised */
        cfg_hi.mean_shift_above = 0.5;
        cfg_hi.accuracy_below = 0.5;
    }
    assert_int_equal(zk_monitor_log_create(logp, &mp.com, &cfg), ZK_OK);
    zk_monitor_log log;
    assert_int_equal(zk_monitor_log_load(logp, &log), ZK_OK);
    uint64_t ts = 1700000000;
    mon_append(logp, &log, &m, &r, &ts, 0);
    if (zk_monitor_log_close_window(logp, &log, zkd[0], 0, NULL) != ZK_OK)
        fail_msg("%s", zk_last_error());
    mon_append(logp, &log, &m, &r, &ts, 2.5); /* feature 0 shifted */
    assert_int_equal(zk_monitor_log_close_window(logp, &log, zkd[1], 0, NULL), ZK_OK);
    zk_monitor_log_free(&log);
    zk_monitor_window_private wp[2];
    zk_monitor_window_commitment wc[2];
    zk_monitor_stats st[2];
    for (int i = 0; i < 2; i++) {
        assert_int_equal(zk_monitor_window_private_load(zkd[i], &wp[i]), ZK_OK);
        assert_int_equal(zk_monitor_window_commitment_load(com[i], &wc[i]), ZK_OK);
        assert_int_equal(zk_monitor_stats_compute(&st[i], &wp[i], &m, &cfg), ZK_OK);
    }
    proof_type k;
    memset(&k, 0, sizeof k);
    k.name = "monitor";
    k.verify = verify_monitor;
    k.has_sections = 1;
    k.n_mutants = N_MONITOR;
    zk_wbuf w;
    for (int i = 0; i < 2; i++) {
        assert_int_equal(zk_dataset_reserve_opening(&wp[i].priv), ZK_OK);
        assert_int_equal(zk_model_reserve_opening(&mp), ZK_OK);
        zk_wbuf_init(&w);
        if (zk_monitor_prove(&mp, &wp[i], &cfg, &st[i], &w) != ZK_OK)
            fail_msg("%s", zk_last_error());
        add_proof(&k, &w, (size_t)i);
    }
    zk_monitor_stats bad_cls, bad_bins, bad_sum;
    mon_stats_copy(&bad_cls, &st[0]);
    mon_stats_copy(&bad_bins, &st[0]);
    mon_stats_copy(&bad_sum, &st[0]);
    if (bad_cls.class_count[0] > 0)
        bad_cls.class_count[1]++, bad_cls.class_count[0]--;
    else
        bad_cls.class_count[1]--, bad_cls.class_count[0]++;
    bad_bins.bins[5]++, bad_bins.bins[6]--;
    bad_sum.sum[0] += 1;
    monitor_stmt s[8] = {
        {&mp.com, &wc[0], &cfg, &st[0]},      {&mp.com, &wc[1], &cfg, &st[1]},
        {&mp.com, &wc[1], &cfg, &st[0]},      /* swapped window commitment */
        {&mp_same.com, &wc[0], &cfg, &st[0]}, /* another commitment of the same model */
        {&mp.com, &wc[0], &cfg_hi, &st[0]},   {&mp.com, &wc[0], &cfg, &bad_cls},
        {&mp.com, &wc[0], &cfg, &bad_bins},   {&mp.com, &wc[0], &cfg, &bad_sum},
    };
    static const char *const names[8] = {
        "its statement",          "the other window's statement", "the other window's commitment",
        "another model commitment", "a raised PSI threshold",     "a prediction moved between classes",
        "a count moved between bins", "a feature sum + 1"};
    for (int i = 0; i < 8; i++)
        add_stmt(&k, &s[i], names[i]);
    for (size_t st_i = 2; st_i <= 7; st_i++)
        add_wrong(&k, 0, st_i);
    add_wrong(&k, 1, 0);
    add_wrong(&k, 1, 3);
    printf("# monitor fixture (log, 2 windows, 2 proofs): %.1f s\n", now_s() - t0);
    print_shape(&k);
    run_campaign(&k);
    free_type(&k);
    zk_monitor_stats_free(&bad_cls);
    zk_monitor_stats_free(&bad_bins);
    zk_monitor_stats_free(&bad_sum);
    for (int i = 0; i < 2; i++) {
        zk_monitor_stats_free(&st[i]);
        zk_monitor_window_private_free(&wp[i]);
        zk_monitor_window_commitment_free(&wc[i]);
        unlink(zkd[i]);
        unlink(com[i]);
    }
    unlink(logp);
    assert_int_equal(rmdir(dir), 0);
    zk_monitor_config_free(&cfg);
    zk_monitor_config_free(&cfg_hi);
    zk_model_private_free(&mp);
    zk_model_private_free(&mp_same);
    zk_model_free(&m);
}

/* ------------------------------------------------------------ determinism */

/* A pinned replacement for the OS CSPRNG behind zk_random_bytes (status.h):
 * SHA-256(key || counter) blocks. Tests only: never use for real proofs. */
static uint8_t pin_key[32];
static uint64_t pin_ctr;

static int pinned_bytes(unsigned char *buf, int num)
{
    while (num > 0) {
        uint8_t in[40], blk[32];
        memcpy(in, pin_key, 32);
        for (int i = 0; i < 8; i++)
            in[32 + i] = (uint8_t)(pin_ctr >> (8 * i));
        pin_ctr++;
        zk_sha256(blk, in, sizeof in);
        int n = num < 32 ? num : 32;
        memcpy(buf, blk, (size_t)n);
        buf += n;
        num -= n;
    }
    return 1;
}

static int pinned_status(void) { return 1; }

static RAND_METHOD pinned_method = {NULL, pinned_bytes, NULL, NULL, pinned_bytes, pinned_status};

static void pin_randomness(uint64_t s)
{
    memset(pin_key, 0, sizeof pin_key);
    for (int i = 0; i < 8; i++)
        pin_key[i] = (uint8_t)(s >> (8 * i));
    pin_ctr = 0;
    assert_int_equal(RAND_set_rand_method(&pinned_method), 1);
}

static void unpin_randomness(void) { assert_int_equal(RAND_set_rand_method(NULL), 1); }

typedef void (*prove_fn)(zk_wbuf *out);

/* Prove under pinned randomness with seeds a, a, b: the first two must be
 * byte-identical, the third must differ. */
static void check_pinned(const char *what, prove_fn prove)
{
    zk_wbuf w[3];
    uint64_t seeds[3] = {seed, seed, seed + 1};
    double t0 = now_s();
    for (int i = 0; i < 3; i++) {
        zk_wbuf_init(&w[i]);
        pin_randomness(seeds[i]);
        prove(&w[i]);
        unpin_randomness();
        assert_false(w[i].oom);
    }
    int same = w[0].len == w[1].len && memcmp(w[0].data, w[1].data, w[0].len) == 0;
    int differ = w[0].len != w[2].len || memcmp(w[0].data, w[2].data, w[0].len) != 0;
    printf("# determinism: %-34s %7zu bytes: same seed identical: %s, other seed differs: %s (%.1f s)\n", what,
           w[0].len, same ? "yes" : "NO", differ ? "yes" : "NO", now_s() - t0);
    if (!same || !differ)
        fail_msg("%s: pinned randomness does not determine the proof", what);
    for (int i = 0; i < 3; i++)
        zk_wbuf_free(&w[i]);
}

static void prove_whir_hiding(zk_wbuf *out)
{
    test_rng r;
    test_rng_seed(&r, seed ^ 3);
    zk_whir_params p;
    assert_int_equal(zk_whir_params_derive(&p, 6, 1), ZK_OK);
    gl_t *f = random_table(&r, 6);
    gl3_t z[6];
    for (int i = 0; i < 6; i++)
        z[i] = test_rng_gl3(&r);
    zk_whir_commitment com;
    zk_whir_witness wit;
    assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK); /* seed drawn from the RNG */
    whir_stmt s = {&com, {{ZK_CLAIM_POINT, z, NULL, zk_mle_eval_gl(f, 6, z)}}, 1};
    zk_whir_commitment_write(out, &com);
    zk_wbuf w;
    whir_prove(&wit, &s, &w);
    zk_wbuf_put(out, w.data, w.len);
    zk_wbuf_free(&w);
    zk_whir_witness_free(&wit);
    free(f);
}

static void prove_stats(zk_wbuf *out)
{
    zk_stats st;
    assert_int_equal(zk_stats_compute(&st, &dsf->priv), ZK_OK);
    if (zk_stats_prove(&dsf->priv, &st, out) != ZK_OK)
        fail_msg("%s", zk_last_error());
    zk_stats_free(&st);
}

static void prove_dataset_commit(zk_wbuf *out)
{
    zk_dataset ds;
    const char csv[] = "a,b\n1,-2\n3,4.5\n-6,7\n";
    assert_int_equal(zk_dataset_parse_csv(&ds, "pin.csv", csv, sizeof csv - 1, 2), ZK_OK);
    zk_dataset_private p;
    if (zk_dataset_commit(&p, &ds, 8) != ZK_OK)
        fail_msg("%s", zk_last_error());
    zk_dataset_private_write(out, &p);
    zk_dataset_private_free(&p);
    zk_dataset_free(&ds);
}

static void prove_r1cs(zk_wbuf *out)
{
    char path[4096];
    zk_r1cs c;
    gl_t *wit;
    uint32_t nw;
    fixture_path(path, sizeof path, "mul_chain.r1cs");
    assert_int_equal(zk_r1cs_load(&c, path), ZK_OK);
    fixture_path(path, sizeof path, "mul_chain.wtns");
    assert_int_equal(zk_wtns_load(&wit, &nw, path), ZK_OK);
    assert_int_equal(zk_r1cs_prove(&c, wit, nw, NULL, out), ZK_OK);
    free(wit);
    zk_r1cs_free(&c);
}

/* With the OS randomness pinned (and one OpenMP thread: parallel loops draw
 * randomness in chunks whose order follows the thread schedule), every proof
 * is a deterministic function of its inputs and the seed. Without pinning,
 * non-hiding WHIR openings are deterministic anyway. */
static void test_determinism(void **state)
{
    (void)state;
    if (light)
        skip();
    int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    check_pinned("WHIR hiding commitment + opening", prove_whir_hiding);
    check_pinned("R1CS proof", prove_r1cs);
    if (!SLOW_BUILD && !light) {
        make_dataset_fixture();
        check_pinned("stats proof", prove_stats);
        /* the .zkd holds the commitment's range proof: this covers range proofs too */
        check_pinned("dataset commitment + range proof", prove_dataset_commit);
    }
    omp_set_num_threads(threads);
    /* non-hiding opening, no pinning */
    test_rng r;
    test_rng_seed(&r, seed ^ 4);
    zk_whir_params p;
    assert_int_equal(zk_whir_params_derive(&p, 6, 0), ZK_OK);
    gl_t *f = random_table(&r, 6);
    gl3_t z[6];
    for (int i = 0; i < 6; i++)
        z[i] = test_rng_gl3(&r);
    zk_whir_commitment com;
    zk_whir_witness wit;
    assert_int_equal(zk_whir_commit(&p, f, NULL, &com, &wit), ZK_OK);
    whir_stmt s = {&com, {{ZK_CLAIM_POINT, z, NULL, zk_mle_eval_gl(f, 6, z)}}, 1};
    zk_wbuf a, b;
    whir_prove(&wit, &s, &a);
    whir_prove(&wit, &s, &b);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    zk_wbuf_free(&a);
    zk_wbuf_free(&b);
    zk_whir_witness_free(&wit);
    free(f);
}

int main(void)
{
    seed = test_seed();
    light = getenv("ZKM_MUTATION_LIGHT") != NULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whir_openings), cmocka_unit_test(test_stats_proofs),
        cmocka_unit_test(test_range_proofs),  cmocka_unit_test(test_r1cs_proofs),
        cmocka_unit_test(test_cs_proofs),     cmocka_unit_test(test_infer_proofs),
        cmocka_unit_test(test_prep_proofs),   cmocka_unit_test(test_train_proofs),
        cmocka_unit_test(test_eval_proofs),   cmocka_unit_test(test_monitor_proofs),
        cmocka_unit_test(test_determinism),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
