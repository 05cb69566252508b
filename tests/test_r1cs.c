/* circom R1CS: the .r1cs/.wtns/.sym/public.json readers (against iden3's own
 * reader on generated fixtures, against a reference writer on random
 * circuits, on hostile bytes), the witness check (against brute force), and
 * the zero-knowledge Spartan proof (completeness on real circom circuits and
 * random circuits, soundness: tampered bytes, wrong public values, another
 * circuit, wrong witness; zero-knowledge hygiene). */
#include <cjson/cJSON.h>
#include <string.h>

#include "testutil.h"
#include "zkmlops/mle.h"
#include "zkmlops/proof.h"
#include "zkmlops/r1cs.h"
#include "zkmlops/sumcheck.h"

#if defined(__SANITIZE_ADDRESS__)
#define SLOW 8
#else
#define SLOW 1
#endif

static const char *const fixtures[] = {"mul_chain", "matvec", "range_cmp", "many_outputs"};
#define N_FIXTURES (sizeof fixtures / sizeof fixtures[0])

static char *fixture_path(const char *name, const char *ext)
{
    static char buf[4][512];
    static int k = 0;
    const char *dir = getenv("ZKM_R1CS_FIXTURES");
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s%s", dir ? dir : "tests/fixtures/r1cs", name, ext);
    return buf[k];
}

static uint8_t *read_all(const char *path, size_t *len)
{
    uint8_t *d;
    if (zk_read_file(path, (size_t)1 << 28, &d, len) != ZK_OK)
        fail_msg("%s", zk_last_error());
    return d;
}

typedef struct {
    zk_r1cs c;
    gl_t *w;
    uint32_t nw;
} loaded;

static void load_fixture(loaded *L, const char *name)
{
    if (zk_r1cs_load(&L->c, fixture_path(name, ".r1cs")) != ZK_OK)
        fail_msg("%s", zk_last_error());
    if (zk_wtns_load(&L->w, &L->nw, fixture_path(name, ".wtns")) != ZK_OK)
        fail_msg("%s", zk_last_error());
}

static void unload(loaded *L)
{
    zk_r1cs_free(&L->c);
    free(L->w);
}

/* ------------------------------------------------------------ reference writer */

typedef struct {
    uint32_t wire;
    gl_t coeff;
} term;

typedef struct {
    uint32_t n_wires, n_pub_out, n_pub_in, n_prv_in, m;
    uint64_t n_labels;
    uint32_t *nt[3]; /* m each */
    term **t[3];     /* t[k][i][0..nt[k][i]) */
    uint64_t *map;
    gl_t *wit;       /* satisfying assignment */
} spec;

static void spec_free(spec *s)
{
    for (int k = 0; k < 3; k++) {
        for (uint32_t i = 0; i < s->m; i++)
            free(s->t[k][i]);
        free(s->t[k]);
        free(s->nt[k]);
    }
    free(s->map);
    free(s->wit);
    memset(s, 0, sizeof *s);
}

static gl_t lc_value(const term *t, uint32_t n, const gl_t *z)
{
    gl_t a = 0;
    for (uint32_t j = 0; j < n; j++)
        a = gl_add(a, gl_mul(t[j].coeff, z[t[j].wire]));
    return a;
}

/* distinct random wires below `below` */
static uint32_t random_lc(term *t, uint32_t max_terms, uint32_t below, test_rng *r)
{
    uint32_t n = (uint32_t)(test_rng_u64(r) % (max_terms + 1));
    if (n > below)
        n = below;
    for (uint32_t j = 0; j < n; j++) {
        uint32_t w;
        int dup;
        do {
            w = (uint32_t)(test_rng_u64(r) % below);
            dup = 0;
            for (uint32_t q = 0; q < j; q++)
                dup |= t[q].wire == w;
        } while (dup);
        t[j].wire = w;
        t[j].coeff = (test_rng_u64(r) & 3) ? test_rng_gl(r) : (gl_t)(test_rng_u64(r) % 5);
    }
    return n;
}

/* A random satisfiable circuit: constraint i defines private wire
 * 1 + n_pub + n_prv_in + i as (A.z)(B.z) = c * t + (other C terms). */
static void spec_random(spec *s, uint32_t n_pub_out, uint32_t n_pub_in, uint32_t n_prv_in, uint32_t m, test_rng *r)
{
    memset(s, 0, sizeof *s);
    s->n_pub_out = n_pub_out;
    s->n_pub_in = n_pub_in;
    s->n_prv_in = n_prv_in;
    s->m = m;
    uint32_t first = 1 + n_pub_out + n_pub_in + n_prv_in;
    s->n_wires = first + m;
    s->n_labels = (uint64_t)s->n_wires + 7;
    s->wit = malloc(s->n_wires * sizeof *s->wit);
    s->map = malloc(s->n_wires * sizeof *s->map);
    for (int k = 0; k < 3; k++) {
        s->nt[k] = calloc(m ? m : 1, sizeof *s->nt[k]);
        s->t[k] = calloc(m ? m : 1, sizeof *s->t[k]);
    }
    s->wit[0] = 1;
    for (uint32_t j = 1; j < first; j++)
        s->wit[j] = test_rng_gl(r);
    for (uint32_t j = 0; j < s->n_wires; j++)
        s->map[j] = j == 0 ? 0 : j + 3;
    for (uint32_t i = 0; i < m; i++) {
        uint32_t tw = first + i;
        for (int k = 0; k < 3; k++)
            s->t[k][i] = malloc(5 * sizeof(term));
        s->nt[0][i] = random_lc(s->t[0][i], 4, tw, r);
        s->nt[1][i] = random_lc(s->t[1][i], 4, tw, r);
        uint32_t nc = random_lc(s->t[2][i] + 1, 2, tw, r);
        gl_t c;
        do
            c = test_rng_gl(r);
        while (c == 0);
        s->t[2][i][0] = (term){tw, c};
        s->nt[2][i] = nc + 1;
        /* c t = a b - rest */
        gl_t ab = gl_mul(lc_value(s->t[0][i], s->nt[0][i], s->wit), lc_value(s->t[1][i], s->nt[1][i], s->wit));
        gl_t rest = lc_value(s->t[2][i] + 1, nc, s->wit);
        s->wit[tw] = gl_mul(gl_sub(ab, rest), gl_inv(c));
        /* put the defined wire at a random place in C */
        uint32_t at = (uint32_t)(test_rng_u64(r) % s->nt[2][i]);
        term tmp = s->t[2][i][0];
        s->t[2][i][0] = s->t[2][i][at];
        s->t[2][i][at] = tmp;
    }
}

static void put32(zk_wbuf *w, uint32_t v) { zk_wbuf_u32(w, v); }

typedef struct {
    int order[3];        /* section types in file order */
    int unknown_section; /* add a section of type 99 */
    int shuffle_terms;
    int dup_header;      /* write the header section twice */
} write_opts;

static void write_r1cs(zk_wbuf *out, const spec *s, const write_opts *o, test_rng *r)
{
    zk_wbuf sec[4];
    for (int k = 0; k < 4; k++)
        zk_wbuf_init(&sec[k]);
    /* header */
    put32(&sec[1], 8);
    zk_wbuf_u64(&sec[1], GL_P);
    put32(&sec[1], s->n_wires);
    put32(&sec[1], s->n_pub_out);
    put32(&sec[1], s->n_pub_in);
    put32(&sec[1], s->n_prv_in);
    zk_wbuf_u64(&sec[1], s->n_labels);
    put32(&sec[1], s->m);
    for (uint32_t i = 0; i < s->m; i++)
        for (int k = 0; k < 3; k++) {
            uint32_t n = s->nt[k][i];
            uint32_t perm[8];
            for (uint32_t j = 0; j < n; j++)
                perm[j] = j;
            if (o->shuffle_terms)
                for (uint32_t j = n; j > 1; j--) {
                    uint32_t q = (uint32_t)(test_rng_u64(r) % j), tmp = perm[j - 1];
                    perm[j - 1] = perm[q];
                    perm[q] = tmp;
                }
            put32(&sec[2], n);
            for (uint32_t j = 0; j < n; j++) {
                put32(&sec[2], s->t[k][i][perm[j]].wire);
                zk_wbuf_u64(&sec[2], s->t[k][i][perm[j]].coeff);
            }
        }
    for (uint32_t j = 0; j < s->n_wires; j++)
        zk_wbuf_u64(&sec[3], s->map[j]);
    zk_wbuf_put(out, "r1cs", 4);
    put32(out, 1);
    put32(out, 3 + (o->unknown_section ? 1 : 0) + (o->dup_header ? 1 : 0));
    if (o->unknown_section) {
        put32(out, 99);
        zk_wbuf_u64(out, 5);
        zk_wbuf_put(out, "hello", 5);
    }
    for (int q = 0; q < 3; q++) {
        int k = o->order[q];
        put32(out, (uint32_t)k);
        zk_wbuf_u64(out, sec[k].len);
        zk_wbuf_put(out, sec[k].data, sec[k].len);
        if (k == 1 && o->dup_header) {
            put32(out, 1);
            zk_wbuf_u64(out, sec[1].len);
            zk_wbuf_put(out, sec[1].data, sec[1].len);
        }
    }
    for (int k = 0; k < 4; k++)
        zk_wbuf_free(&sec[k]);
}

static void write_wtns(zk_wbuf *out, const gl_t *v, uint32_t n)
{
    zk_wbuf_put(out, "wtns", 4);
    put32(out, 2);
    put32(out, 2);
    put32(out, 1);
    zk_wbuf_u64(out, 16);
    put32(out, 8);
    zk_wbuf_u64(out, GL_P);
    put32(out, n);
    put32(out, 2);
    zk_wbuf_u64(out, (uint64_t)n * 8);
    zk_wbuf_gls(out, v, n);
}

/* Compare a parsed matrix row with the spec row as sets of (wire, coeff). */
static void assert_row_equal(const zk_r1cs_matrix *M, uint32_t i, const term *t, uint32_t n)
{
    assert_int_equal(M->row_ptr[i + 1] - M->row_ptr[i], n);
    for (uint32_t j = 0; j < n; j++) {
        int found = 0;
        for (uint64_t q = M->row_ptr[i]; q < M->row_ptr[i + 1]; q++)
            found += M->wire[q] == t[j].wire && M->coeff[q] == t[j].coeff;
        assert_int_equal(found, 1);
    }
}

static void assert_matches_spec(const zk_r1cs *c, const spec *s)
{
    assert_int_equal(c->n_wires, s->n_wires);
    assert_int_equal(c->n_pub_out, s->n_pub_out);
    assert_int_equal(c->n_pub_in, s->n_pub_in);
    assert_int_equal(c->n_prv_in, s->n_prv_in);
    assert_int_equal(c->n_labels, s->n_labels);
    assert_int_equal(c->n_constraints, s->m);
    for (uint32_t i = 0; i < s->m; i++)
        for (int k = 0; k < 3; k++)
            assert_row_equal(&c->abc[k], i, s->t[k][i], s->nt[k][i]);
    for (uint32_t j = 0; j < s->n_wires; j++)
        assert_int_equal(c->labels[j], s->map[j]);
}

/* ------------------------------------------------------------ readers vs iden3 */

static gl_t parse_signed_decimal(const char *s)
{
    int neg = s[0] == '-';
    unsigned __int128 v = 0;
    for (const char *p = s + neg; *p; p++)
        v = v * 10 + (unsigned)(*p - '0');
    assert_true(v < GL_P);
    return neg ? gl_neg((gl_t)v) : (gl_t)v;
}

static void test_fixtures_vs_iden3(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_FIXTURES; f++) {
        loaded L;
        load_fixture(&L, fixtures[f]);
        size_t len;
        uint8_t *txt = read_all(fixture_path(fixtures[f], ".iden3.json"), &len);
        cJSON *j = cJSON_ParseWithLength((const char *)txt, len);
        assert_non_null(j);
        assert_string_equal(cJSON_GetObjectItem(j, "prime")->valuestring, "18446744069414584321");
        assert_int_equal(cJSON_GetObjectItem(j, "nVars")->valueint, L.c.n_wires);
        assert_int_equal(cJSON_GetObjectItem(j, "nOutputs")->valueint, L.c.n_pub_out);
        assert_int_equal(cJSON_GetObjectItem(j, "nPubInputs")->valueint, L.c.n_pub_in);
        assert_int_equal(cJSON_GetObjectItem(j, "nPrvInputs")->valueint, L.c.n_prv_in);
        assert_int_equal(cJSON_GetObjectItem(j, "nLabels")->valueint, L.c.n_labels);
        assert_int_equal(cJSON_GetObjectItem(j, "nConstraints")->valueint, L.c.n_constraints);
        const cJSON *cons = cJSON_GetObjectItem(j, "constraints");
        assert_int_equal(cJSON_GetArraySize(cons), L.c.n_constraints);
        uint64_t terms = 0;
        for (uint32_t i = 0; i < L.c.n_constraints; i++) {
            const cJSON *ci = cJSON_GetArrayItem(cons, (int)i);
            for (int k = 0; k < 3; k++) {
                const cJSON *lc = cJSON_GetArrayItem(ci, k), *e;
                term t[64];
                uint32_t n = 0;
                cJSON_ArrayForEach(e, lc)
                {
                    assert_true(n < 64);
                    t[n].wire = (uint32_t)strtoul(e->string, NULL, 10);
                    t[n++].coeff = parse_signed_decimal(e->valuestring);
                }
                assert_row_equal(&L.c.abc[k], i, t, n);
                terms += n;
            }
        }
        assert_int_equal(terms, zk_r1cs_terms(&L.c));
        const cJSON *map = cJSON_GetObjectItem(j, "map");
        assert_int_equal(cJSON_GetArraySize(map), L.c.n_wires);
        for (uint32_t w = 0; w < L.c.n_wires; w++)
            assert_int_equal((uint64_t)cJSON_GetArrayItem(map, (int)w)->valuedouble, L.c.labels[w]);
        /* public signals: our witness reader vs snarkjs's wtns export */
        const cJSON *pub = cJSON_GetObjectItem(j, "public");
        assert_int_equal(cJSON_GetArraySize(pub), zk_r1cs_n_public(&L.c));
        for (uint32_t q = 0; q < zk_r1cs_n_public(&L.c); q++)
            assert_int_equal(parse_signed_decimal(cJSON_GetArrayItem(pub, (int)q)->valuestring), L.w[1 + q]);
        /* the digest is the SHA-256 of the file */
        size_t rlen;
        uint8_t *raw = read_all(fixture_path(fixtures[f], ".r1cs"), &rlen);
        uint8_t d[32];
        zk_sha256(d, raw, rlen);
        assert_memory_equal(d, L.c.digest.h, 32);
        free(raw);
        assert_int_equal(zk_r1cs_check_witness(&L.c, L.w, L.nw, NULL, NULL), ZK_OK);
        cJSON_Delete(j);
        free(txt);
        unload(&L);
    }
}

static void test_public_json_fixture(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_FIXTURES; f++) {
        loaded L;
        load_fixture(&L, fixtures[f]);
        size_t len;
        uint8_t *txt = read_all(fixture_path(fixtures[f], ".public.json"), &len);
        gl_t *pub;
        size_t n;
        assert_int_equal(zk_r1cs_public_parse_json(&pub, &n, (const char *)txt, len, "p"), ZK_OK);
        assert_int_equal(n, zk_r1cs_n_public(&L.c));
        for (size_t q = 0; q < n; q++)
            assert_int_equal(pub[q], L.w[1 + q]);
        /* our writer produces snarkjs's exact bytes */
        zk_wbuf w;
        zk_wbuf_init(&w);
        zk_r1cs_public_write_json(&w, pub, n);
        assert_int_equal(w.len, len);
        assert_memory_equal(w.data, txt, len);
        zk_wbuf_free(&w);
        free(pub);
        free(txt);
        unload(&L);
    }
}

static void test_public_json_errors(void **state)
{
    (void)state;
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"{\"a\": 1}", "expected a JSON array"},
        {"[\"1\", \"x\"]", "[1]: expected a decimal string"},
        {"[\"-1\"]", "[0]: expected a decimal"},
        {"[\"01\"]", "[0]: expected a decimal"},
        {"[\"\"]", "[0]: expected a decimal"},
        {"[\"18446744069414584321\"]", "[0]: value is not below p"},
        {"[\"99999999999999999999999\"]", "[0]: expected a decimal"},
        {"[1.5]", "[0]: expected a decimal"},
        {"[-2]", "[0]: expected a decimal"},
        {"[true]", "[0]: expected a decimal"},
        {"[\"1\",", "not valid JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        gl_t *v = (gl_t *)1;
        size_t n = 7;
        assert_int_equal(zk_r1cs_public_parse_json(&v, &n, bad[i].text, strlen(bad[i].text), "p.json"), ZK_ERR_INPUT);
        assert_null(v);
        assert_int_equal(n, 0);
        if (!strstr(zk_last_error(), bad[i].msg))
            fail_msg("'%s': got '%s', want '%s'", bad[i].text, zk_last_error(), bad[i].msg);
    }
    const char *ok = "[\"18446744069414584320\", 42, \"0\"]";
    gl_t *v;
    size_t n;
    assert_int_equal(zk_r1cs_public_parse_json(&v, &n, ok, strlen(ok), NULL), ZK_OK);
    assert_int_equal(n, 3);
    assert_int_equal(v[0], GL_P - 1);
    assert_int_equal(v[1], 42);
    assert_int_equal(v[2], 0);
    free(v);
    assert_int_equal(zk_r1cs_public_parse_json(&v, &n, "[]", 2, NULL), ZK_OK);
    assert_int_equal(n, 0);
    free(v);
}

static void test_symbols(void **state)
{
    (void)state;
    zk_r1cs_symbols s;
    assert_int_equal(zk_r1cs_symbols_load(&s, fixture_path("mul_chain", ".sym")), ZK_OK);
    assert_string_equal(zk_r1cs_symbols_find(&s, 1), "main.y");
    assert_string_equal(zk_r1cs_symbols_find(&s, 2), "main.x");
    assert_string_equal(zk_r1cs_symbols_find(&s, 3), "main.t[0]");
    assert_null(zk_r1cs_symbols_find(&s, 0));
    assert_null(zk_r1cs_symbols_find(&s, 100000));
    assert_null(zk_r1cs_symbols_find(NULL, 1));
    zk_r1cs_symbols_free(&s);
    char path[] = "/tmp/zkm_test_r1cs_symXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("1,1,0,main.a\nthis is not a sym line\n", f);
    fclose(f);
    assert_int_equal(zk_r1cs_symbols_load(&s, path), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), ":2: expected"));
    remove(path);
    assert_int_equal(zk_r1cs_symbols_load(&s, "/nonexistent/x.sym"), ZK_ERR_IO);
}

/* ------------------------------------------------------------ synthetic files */

static void test_any_order_and_roundtrip(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() ^ 1);
    static const int orders[6][3] = {{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}};
    for (int it = 0; it < 12; it++) {
        spec s;
        spec_random(&s, (uint32_t)(test_rng_u64(&r) % 3), (uint32_t)(test_rng_u64(&r) % 3),
                    (uint32_t)(test_rng_u64(&r) % 4), 1 + (uint32_t)(test_rng_u64(&r) % 40), &r);
        write_opts o = {{0, 0, 0}, it & 1, it & 2, 0};
        memcpy(o.order, orders[it % 6], sizeof o.order);
        zk_wbuf w;
        zk_wbuf_init(&w);
        write_r1cs(&w, &s, &o, &r);
        zk_r1cs c;
        if (zk_r1cs_parse(&c, w.data, w.len, "synthetic") != ZK_OK)
            fail_msg("%s", zk_last_error());
        assert_matches_spec(&c, &s);
        uint8_t d[32];
        zk_sha256(d, w.data, w.len);
        assert_memory_equal(d, c.digest.h, 32);
        assert_int_equal(zk_r1cs_check_witness(&c, s.wit, s.n_wires, NULL, NULL), ZK_OK);
        zk_r1cs_free(&c);
        zk_wbuf_free(&w);
        spec_free(&s);
    }
}

typedef void (*corrupt_fn)(spec *s, write_opts *o);
static void c_wire_range(spec *s, write_opts *o) { (void)o; s->t[1][0][0].wire = s->n_wires; }
static void c_coeff(spec *s, write_opts *o) { (void)o; s->t[2][0][0].coeff = GL_P; }
static void c_dup(spec *s, write_opts *o) { (void)o; s->t[0][0][1].wire = s->t[0][0][0].wire; }
static void c_dup_header(spec *s, write_opts *o) { (void)s; o->dup_header = 1; }
static void c_label(spec *s, write_opts *o) { (void)o; s->map[2] = s->n_labels; }
static void c_few_labels(spec *s, write_opts *o) { (void)o; s->n_labels = s->n_wires - 1; }
static void c_io(spec *s, write_opts *o) { (void)o; s->n_prv_in = s->n_wires; }

static void test_r1cs_rejects_corruptions(void **state)
{
    (void)state;
    static const struct {
        corrupt_fn fn;
        const char *msg;
    } cases[] = {
        {c_wire_range, "constraint 0, B: wire"}, {c_coeff, "not below p"}, {c_dup, "appears twice"},
        {c_dup_header, "duplicated header section"}, {c_label, "maps to label"}, {c_few_labels, "labels for"},
        {c_io, "do not fit in"},
    };
    test_rng r;
    test_rng_seed(&r, test_seed() ^ 2);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        spec s;
        spec_random(&s, 1, 1, 1, 3, &r);
        for (uint32_t q = 0; q < 3; q++) { /* row 0 of A needs two distinct terms for c_dup */
            s.nt[0][q] = 2;
            s.t[0][q][0] = (term){0, 1};
            s.t[0][q][1] = (term){1, 1};
            s.nt[1][q] = 1;
            s.t[1][q][0] = (term){0, 2};
        }
        write_opts o = {{2, 1, 3}, 0, 0, 0};
        cases[i].fn(&s, &o);
        zk_wbuf w;
        zk_wbuf_init(&w);
        write_r1cs(&w, &s, &o, &r);
        zk_r1cs c;
        memset(&c, 0x5a, sizeof c);
        assert_int_equal(zk_r1cs_parse(&c, w.data, w.len, "bad.r1cs"), ZK_ERR_INPUT);
        if (!strstr(zk_last_error(), cases[i].msg) || !strstr(zk_last_error(), "bad.r1cs"))
            fail_msg("case %zu: got '%s', want '%s'", i, zk_last_error(), cases[i].msg);
        assert_null(c.abc[0].row_ptr); /* zeroed on failure */
        assert_int_equal(c.n_wires, 0);
        zk_wbuf_free(&w);
        spec_free(&s);
    }
}

static uint8_t *fixture_bytes(const char *name, const char *ext, size_t *len)
{
    return read_all(fixture_path(name, ext), len);
}

static void put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Offset of the payload of the first section of `type` in a binfile. */
static size_t section_off(const uint8_t *d, size_t len, uint32_t type, size_t *size)
{
    size_t pos = 12;
    uint32_t ns = (uint32_t)d[8] | (uint32_t)d[9] << 8;
    for (uint32_t i = 0; i < ns && pos + 12 <= len; i++) {
        uint32_t t = (uint32_t)d[pos] | (uint32_t)d[pos + 1] << 8;
        uint64_t sz = 0;
        for (int b = 7; b >= 0; b--)
            sz = sz << 8 | d[pos + 4 + (size_t)b];
        if (t == type) {
            *size = (size_t)sz;
            return pos + 12;
        }
        pos += 12 + (size_t)sz;
    }
    fail_msg("section %u not found", type);
    return 0;
}

static void expect_r1cs_error(const uint8_t *d, size_t len, int st, const char *msg)
{
    zk_r1cs c;
    int rc = zk_r1cs_parse(&c, d, len, "x.r1cs");
    if (rc != st || !strstr(zk_last_error(), msg))
        fail_msg("got %d '%s', want %d '%s'", rc, zk_last_error(), st, msg);
}

static void test_r1cs_rejects_headers(void **state)
{
    (void)state;
    size_t len, hs;
    uint8_t *orig = fixture_bytes("mul_chain", ".r1cs", &len);
    uint8_t *d = malloc(len + 16);
    size_t h = section_off(orig, len, 1, &hs);
#define RESET() memcpy(d, orig, len)
    RESET();
    d[0] = 'x';
    expect_r1cs_error(d, len, ZK_ERR_INPUT, "not a .r1cs file");
    RESET();
    put_le32(d + 4, 2);
    expect_r1cs_error(d, len, ZK_ERR_INPUT, "unsupported .r1cs version 2");
    RESET();
    put_le32(d + 8, 1000);
    expect_r1cs_error(d, len, ZK_ERR_INPUT, "over the limit");
    RESET();
    put_le32(d + 8, 2); /* the map section becomes trailing garbage */
    expect_r1cs_error(d, len, ZK_ERR_INPUT, "unexpected bytes after the last section");
    RESET();
    d[len] = 0;
    expect_r1cs_error(d, len + 1, ZK_ERR_INPUT, "unexpected bytes");
    RESET();
    put_le32(d + h - 12, 7); /* header section retyped: missing header */
    expect_r1cs_error(d, len, ZK_ERR_INPUT, "missing header section");
    RESET();
    size_t ms;
    put_le32(d + section_off(orig, len, 3, &ms) - 12, 4); /* the map retyped as custom gates */
    expect_r1cs_error(d, len, ZK_ERR_INPUT, "custom gates");
    RESET();
    put_le32(d + h, 16); /* field size 16: a different prime */
    expect_r1cs_error(d, len, ZK_ERR_INPUT, "--prime goldilocks");
    RESET();
    d[h + 4] ^= 0x10; /* fs 8, another prime, named in decimal */
    expect_r1cs_error(d, len, ZK_ERR_INPUT, "over the prime 18446744069414584337");
    RESET();
    put_le32(d + h + 12, 0); /* nWires 0 */
    expect_r1cs_error(d, len, ZK_ERR_INPUT, "nWires is 0");
    RESET();
    put_le32(d + h + 12, 0xffffffffu); /* refused before allocating */
    expect_r1cs_error(d, len, ZK_ERR_NOMEM, "over the limit");
    RESET();
    put_le32(d + h + 36, 0x7fffffffu); /* mConstraints */
    expect_r1cs_error(d, len, ZK_ERR_NOMEM, "over the limit");
    RESET();
    put_le32(d + h + 36, 1000); /* more constraints than the section holds */
    expect_r1cs_error(d, len, ZK_ERR_INPUT, "truncated in constraint");
    RESET();
    put_le32(d + h + 36, 3); /* fewer: bytes left over */
    expect_r1cs_error(d, len, ZK_ERR_INPUT, "bytes after constraint 3");
    /* bn128: the prime is named */
    size_t blen;
    uint8_t *bn = fixture_bytes("bn128_mul_chain", ".r1cs", &blen);
    expect_r1cs_error(bn, blen, ZK_ERR_INPUT,
                      "over the prime 21888242871839275222246405745257275088548364400416034343698204186575808495617 "
                      "(bn128)");
    expect_r1cs_error(bn, blen, ZK_ERR_INPUT, "circom --prime goldilocks");
    free(bn);
#undef RESET
    free(d);
    free(orig);
}

static void test_r1cs_truncation_and_mutation(void **state)
{
    (void)state;
    size_t len;
    uint8_t *orig = fixture_bytes("mul_chain", ".r1cs", &len);
    for (size_t k = 0; k < len; k++) {
        zk_r1cs c;
        uint8_t *d = malloc(k ? k : 1); /* exact-size buffer so ASan sees any overread */
        memcpy(d, orig, k);
        int rc = zk_r1cs_parse(&c, d, k, "t");
        if (rc == ZK_OK)
            fail_msg("truncation to %zu bytes accepted", k);
        free(d);
    }
    free(orig);
    uint8_t *o2 = fixture_bytes("range_cmp", ".r1cs", &len);
    test_rng r;
    test_rng_seed(&r, test_seed() ^ 3);
    uint8_t *d = malloc(len);
    int accepted = 0;
    for (int it = 0; it < 3000 / SLOW; it++) {
        memcpy(d, o2, len);
        int nflip = 1 + (int)(test_rng_u64(&r) % 3);
        for (int q = 0; q < nflip; q++)
            d[test_rng_u64(&r) % len] ^= (uint8_t)(1 + test_rng_u64(&r) % 255);
        zk_r1cs c;
        if (zk_r1cs_parse(&c, d, len, "m") == ZK_OK) {
            accepted++; /* e.g. a changed coefficient: still a well-formed circuit */
            for (int k = 0; k < 3; k++)
                for (uint64_t t = 0; t < c.abc[k].row_ptr[c.n_constraints]; t++) {
                    assert_true(c.abc[k].wire[t] < c.n_wires);
                    assert_true(c.abc[k].coeff[t] < GL_P);
                }
            zk_r1cs_free(&c);
        }
    }
    print_message("# %d of %d mutated files still well-formed\n", accepted, 3000 / SLOW);
    free(d);
    free(o2);
}

static void test_wtns_reader(void **state)
{
    (void)state;
    size_t len;
    uint8_t *orig = fixture_bytes("matvec", ".wtns", &len);
    gl_t *v;
    uint32_t n;
    assert_int_equal(zk_wtns_parse(&v, &n, orig, len, "w"), ZK_OK);
    loaded L;
    load_fixture(&L, "matvec");
    assert_int_equal(n, L.c.n_wires);
    assert_int_equal(v[0], 1);
    /* same bytes as our reference writer */
    zk_wbuf w;
    zk_wbuf_init(&w);
    write_wtns(&w, v, n);
    assert_int_equal(w.len, len);
    assert_memory_equal(w.data, orig, len);
    zk_wbuf_free(&w);
    free(v);
    unload(&L);
    for (size_t k = 0; k < len; k++) {
        uint8_t *d = malloc(k ? k : 1);
        memcpy(d, orig, k);
        assert_int_not_equal(zk_wtns_parse(&v, &n, d, k, "t"), ZK_OK);
        assert_null(v);
        free(d);
    }
    uint8_t *d = malloc(len);
    size_t hs, ds;
    size_t h = section_off(orig, len, 1, &hs), dd = section_off(orig, len, 2, &ds);
    memcpy(d, orig, len);
    memset(d + dd + 8, 0xff, 8);
    assert_int_equal(zk_wtns_parse(&v, &n, d, len, "w"), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "witness value 1 is not below p"));
    memcpy(d, orig, len);
    put_le32(d + h + 12, (uint32_t)(ds / 8) + 1);
    assert_int_equal(zk_wtns_parse(&v, &n, d, len, "w"), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "expected"));
    memcpy(d, orig, len);
    put_le32(d + 4, 3);
    assert_int_equal(zk_wtns_parse(&v, &n, d, len, "w"), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "version 3"));
    memcpy(d, orig, len);
    put_le32(d + h - 12, 9);
    assert_int_equal(zk_wtns_parse(&v, &n, d, len, "w"), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "missing header"));
    free(d);
    free(orig);
    uint8_t *bn = fixture_bytes("bn128_mul_chain", ".wtns", &len);
    assert_int_equal(zk_wtns_parse(&v, &n, bn, len, "bn.wtns"), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "(bn128)"));
    assert_non_null(strstr(zk_last_error(), "--prime goldilocks"));
    free(bn);
    /* the .r1cs reader refuses a .wtns and vice versa */
    zk_r1cs c;
    assert_int_equal(zk_r1cs_load(&c, fixture_path("matvec", ".wtns")), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "not a .r1cs file"));
    assert_int_equal(zk_wtns_load(&v, &n, fixture_path("matvec", ".r1cs")), ZK_ERR_INPUT);
    assert_int_equal(zk_r1cs_load(&c, "/nonexistent.r1cs"), ZK_ERR_IO);
}

/* ------------------------------------------------------------ witness check */

static void test_witness_check_vs_bruteforce(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() ^ 4);
    for (int it = 0; it < 20; it++) {
        spec s;
        uint32_t m = 1 + (uint32_t)(test_rng_u64(&r) % (it == 0 ? 6000 : 60)); /* one large: parallel path */
        spec_random(&s, 1, 1, 2, m, &r);
        write_opts o = {{1, 2, 3}, 0, 0, 0};
        zk_wbuf w;
        zk_wbuf_init(&w);
        write_r1cs(&w, &s, &o, &r);
        zk_r1cs c;
        assert_int_equal(zk_r1cs_parse(&c, w.data, w.len, "s"), ZK_OK);
        uint32_t bad;
        assert_int_equal(zk_r1cs_check_witness(&c, s.wit, s.n_wires, NULL, &bad), ZK_OK);
        assert_int_equal(bad, UINT32_MAX);
        /* change one private wire: the first failing constraint is the first that reads it (brute force) */
        uint32_t victim = 1 + 2 + 2 + (uint32_t)(test_rng_u64(&r) % (s.n_wires - 5));
        gl_t *z = malloc(s.n_wires * sizeof *z);
        memcpy(z, s.wit, s.n_wires * sizeof *z);
        z[victim] = gl_add(z[victim], 1);
        uint32_t expect = UINT32_MAX;
        for (uint32_t i = 0; i < m && expect == UINT32_MAX; i++) {
            gl_t a = lc_value(s.t[0][i], s.nt[0][i], z), b = lc_value(s.t[1][i], s.nt[1][i], z);
            if (gl_mul(a, b) != lc_value(s.t[2][i], s.nt[2][i], z))
                expect = i;
        }
        int rc = zk_r1cs_check_witness(&c, z, s.n_wires, NULL, &bad);
        assert_int_equal(bad, expect);
        assert_int_equal(rc, expect == UINT32_MAX ? ZK_OK : ZK_ERR_INPUT);
        if (expect != UINT32_MAX) {
            char want[64];
            snprintf(want, sizeof want, "constraint %u (of %u) fails", expect, m);
            assert_non_null(strstr(zk_last_error(), want));
        }
        z[0] = 2;
        assert_int_equal(zk_r1cs_check_witness(&c, z, s.n_wires, NULL, NULL), ZK_ERR_INPUT);
        assert_non_null(strstr(zk_last_error(), "not 1"));
        assert_int_equal(zk_r1cs_check_witness(&c, z, s.n_wires - 1, NULL, NULL), ZK_ERR_INPUT);
        assert_non_null(strstr(zk_last_error(), "values, the circuit"));
        free(z);
        zk_r1cs_free(&c);
        zk_wbuf_free(&w);
        spec_free(&s);
    }
}

static void test_wrong_witness_names_labels(void **state)
{
    (void)state;
    loaded L;
    load_fixture(&L, "mul_chain");
    zk_r1cs_symbols syms;
    assert_int_equal(zk_r1cs_symbols_load(&syms, fixture_path("mul_chain", ".sym")), ZK_OK);
    /* wire 3 is main.t[1]: constraint 0 defines it from x */
    L.w[3] = gl_add(L.w[3], 5);
    uint32_t bad;
    assert_int_equal(zk_r1cs_check_witness(&L.c, L.w, L.nw, &syms, &bad), ZK_ERR_INPUT);
    assert_int_equal(bad, 0);
    assert_non_null(strstr(zk_last_error(), "constraint 0 (of 16) fails"));
    assert_non_null(strstr(zk_last_error(), "main.t[1]"));
    assert_non_null(strstr(zk_last_error(), "main.x"));
    /* the prover refuses with the same message */
    zk_wbuf p;
    zk_wbuf_init(&p);
    assert_int_equal(zk_r1cs_prove(&L.c, L.w, L.nw, &syms, &p), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "constraint 0 (of 16) fails"));
    assert_int_equal(p.len, 0);
    zk_wbuf_free(&p);
    zk_r1cs_symbols_free(&syms);
    unload(&L);
}

/* ------------------------------------------------------------ Spartan */

static int prove_ok(const zk_r1cs *c, const gl_t *w, size_t n, zk_wbuf *p)
{
    zk_wbuf_init(p);
    int rc = zk_r1cs_prove(c, w, n, NULL, p);
    if (rc != ZK_OK)
        fail_msg("prove: %s", zk_last_error());
    return rc;
}

static void test_prove_verify_fixtures(void **state)
{
    (void)state;
    for (size_t f = 0; f < N_FIXTURES; f++) {
        loaded L;
        load_fixture(&L, fixtures[f]);
        size_t len;
        uint8_t *txt = read_all(fixture_path(fixtures[f], ".public.json"), &len);
        gl_t *pub;
        size_t n;
        assert_int_equal(zk_r1cs_public_parse_json(&pub, &n, (const char *)txt, len, NULL), ZK_OK);
        zk_wbuf p;
        prove_ok(&L.c, L.w, L.nw, &p);
        zk_spartan_security sec;
        if (zk_r1cs_verify(&L.c, pub, n, p.data, p.len, &sec) != ZK_OK)
            fail_msg("%s: %s", fixtures[f], zk_last_error());
        assert_true(sec.security_bits >= 127.5);
        /* the size estimate is close */
        assert_true(p.len < sec.expected_proof_bytes * 11 / 10 && p.len > sec.expected_proof_bytes * 9 / 10);
        print_message("# %s: %u constraints, proof %zu bytes (estimate %zu), %.1f bits\n", fixtures[f],
                      L.c.n_constraints, p.len, sec.expected_proof_bytes, sec.security_bits);
        /* wrong public values: each signal changed in turn (at most 8 per circuit) */
        for (size_t q = 0; q < n && q < 8; q++) {
            pub[q] = gl_add(pub[q], 1);
            assert_int_equal(zk_r1cs_verify(&L.c, pub, n, p.data, p.len, NULL), ZK_ERR_REJECT);
            pub[q] = gl_sub(pub[q], 1);
        }
        assert_int_equal(zk_r1cs_verify(&L.c, pub, n - 1, p.data, p.len, NULL), ZK_ERR_INPUT);
        assert_non_null(strstr(zk_last_error(), "public values given"));
        gl_t keep = pub[0];
        pub[0] = GL_P; /* non-canonical: bad input, not a rejection */
        assert_int_equal(zk_r1cs_verify(&L.c, pub, n, p.data, p.len, NULL), ZK_ERR_INPUT);
        pub[0] = keep;
        /* another circuit's .r1cs */
        loaded O;
        load_fixture(&O, fixtures[(f + 1) % N_FIXTURES]);
        gl_t *opub = O.w + 1;
        assert_int_equal(zk_r1cs_verify(&O.c, opub, zk_r1cs_n_public(&O.c), p.data, p.len, NULL), ZK_ERR_REJECT);
        assert_non_null(strstr(zk_last_error(), "different circuit"));
        unload(&O);
        zk_wbuf_free(&p);
        free(pub);
        free(txt);
        unload(&L);
    }
}

/* The same circuit with one coefficient changed (same shape, different digest). */
static void test_other_circuit_same_shape(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() ^ 5);
    spec s;
    spec_random(&s, 1, 2, 1, 30, &r);
    write_opts o = {{2, 1, 3}, 0, 0, 0};
    zk_wbuf w1, w2, p;
    zk_wbuf_init(&w1);
    zk_wbuf_init(&w2);
    write_r1cs(&w1, &s, &o, &r);
    /* change one C coefficient whose wire is nonzero: the witness now fails that constraint only */
    uint32_t row = UINT32_MAX;
    for (uint32_t i = s.m; i-- > 0 && row == UINT32_MAX;)
        for (uint32_t j = 0; j < s.nt[2][i] && row == UINT32_MAX; j++)
            if (s.wit[s.t[2][i][j].wire] != 0) {
                s.t[2][i][j].coeff = gl_add(s.t[2][i][j].coeff, 1);
                row = i;
            }
    assert_int_not_equal(row, UINT32_MAX);
    write_r1cs(&w2, &s, &o, &r);
    zk_r1cs c1, c2;
    assert_int_equal(zk_r1cs_parse(&c1, w1.data, w1.len, "c1"), ZK_OK);
    assert_int_equal(zk_r1cs_parse(&c2, w2.data, w2.len, "c2"), ZK_OK);
    prove_ok(&c1, s.wit, s.n_wires, &p);
    assert_int_equal(zk_r1cs_verify(&c1, s.wit + 1, 3, p.data, p.len, NULL), ZK_OK);
    assert_int_equal(zk_r1cs_verify(&c2, s.wit + 1, 3, p.data, p.len, NULL), ZK_ERR_REJECT);
    zk_wbuf p2;
    zk_wbuf_init(&p2);
    assert_int_equal(zk_r1cs_prove(&c2, s.wit, s.n_wires, NULL, &p2), ZK_ERR_INPUT);
    char want[64];
    snprintf(want, sizeof want, "constraint %u (of 30) fails", row);
    assert_non_null(strstr(zk_last_error(), want));
    zk_wbuf_free(&p2);
    /* splice c2's digest into the binding section: the binding passes, the transcript differs */
    uint8_t *q = malloc(p.len);
    memcpy(q, p.data, p.len);
    assert_memory_equal(q + 16 + 12, c1.digest.h, 32);
    memcpy(q + 16 + 12, c2.digest.h, 32);
    assert_int_equal(zk_r1cs_verify(&c2, s.wit + 1, 3, q, p.len, NULL), ZK_ERR_REJECT);
    assert_null(strstr(zk_last_error(), "different circuit"));
    free(q);
    zk_wbuf_free(&p);
    zk_r1cs_free(&c1);
    zk_r1cs_free(&c2);
    zk_wbuf_free(&w1);
    zk_wbuf_free(&w2);
    spec_free(&s);
}

static void test_tampered_proof_bytes(void **state)
{
    (void)state;
    loaded L;
    load_fixture(&L, "range_cmp");
    zk_wbuf p;
    prove_ok(&L.c, L.w, L.nw, &p);
    gl_t *pub = L.w + 1;
    uint32_t np = zk_r1cs_n_public(&L.c);
    assert_int_equal(zk_r1cs_verify(&L.c, pub, np, p.data, p.len, NULL), ZK_OK);
    /* locate the opening section (tag 8): everything before it is flipped byte by byte */
    zk_rbuf r;
    zk_rbuf_init(&r, p.data, p.len);
    assert_int_equal(zk_proof_header_read(&r, ZK_PROOF_R1CS), ZK_OK);
    zk_rbuf sub;
    for (uint32_t tag = 1; tag <= 7; tag++)
        assert_int_equal(zk_proof_section_read(&r, tag, "s", &sub), ZK_OK);
    size_t open_at = r.pos;
    test_rng rng;
    test_rng_seed(&rng, test_seed() ^ 6);
    uint8_t *q = malloc(p.len);
    memcpy(q, p.data, p.len);
    size_t tried = 0;
    for (size_t i = 0; i < open_at; i += SLOW) {
        uint8_t x = (uint8_t)(1 + test_rng_u64(&rng) % 255);
        q[i] ^= x;
        int rc = zk_r1cs_verify(&L.c, pub, np, q, p.len, NULL);
        if (rc == ZK_OK)
            fail_msg("flipping byte %zu (xor %u) was accepted", i, x);
        q[i] ^= x;
        tried++;
    }
    for (int it = 0; it < 300 / SLOW; it++) {
        size_t i = open_at + test_rng_u64(&rng) % (p.len - open_at);
        uint8_t x = (uint8_t)(1 + test_rng_u64(&rng) % 255);
        q[i] ^= x;
        if (zk_r1cs_verify(&L.c, pub, np, q, p.len, NULL) == ZK_OK)
            fail_msg("flipping opening byte %zu (xor %u) was accepted", i, x);
        q[i] ^= x;
        tried++;
    }
    print_message("# %zu tampered proofs rejected (%zu bytes before the opening)\n", tried, open_at);
    /* truncations and an appended byte */
    for (size_t k = 0; k < p.len; k += p.len / 97 + 1)
        assert_int_not_equal(zk_r1cs_verify(&L.c, pub, np, q, k, NULL), ZK_OK);
    uint8_t *longer = malloc(p.len + 1);
    memcpy(longer, p.data, p.len);
    longer[p.len] = 0;
    assert_int_equal(zk_r1cs_verify(&L.c, pub, np, longer, p.len + 1, NULL), ZK_ERR_REJECT);
    free(longer);
    /* another proof kind */
    q[10] = 1;
    assert_int_equal(zk_r1cs_verify(&L.c, pub, np, q, p.len, NULL), ZK_ERR_INPUT);
    free(q);
    zk_wbuf_free(&p);
    unload(&L);
}

/* Random circuits of several shapes (no public signals, many, large enough for
 * the parallel paths) prove and verify; a changed public value is rejected. */
static void test_random_circuits(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() ^ 7);
    static const uint32_t shapes[][4] = {
        {0, 0, 1, 1}, {0, 0, 0, 3}, {1, 0, 0, 4}, {3, 5, 2, 61}, {0, 300, 1, 20}, {2, 2, 8, 5000 / SLOW},
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        spec s;
        spec_random(&s, shapes[i][0], shapes[i][1], shapes[i][2], shapes[i][3], &r);
        write_opts o = {{3, 2, 1}, 1, 1, 0};
        zk_wbuf w, p;
        zk_wbuf_init(&w);
        write_r1cs(&w, &s, &o, &r);
        zk_r1cs c;
        assert_int_equal(zk_r1cs_parse(&c, w.data, w.len, "s"), ZK_OK);
        prove_ok(&c, s.wit, s.n_wires, &p);
        uint32_t np = zk_r1cs_n_public(&c);
        if (zk_r1cs_verify(&c, s.wit + 1, np, p.data, p.len, NULL) != ZK_OK)
            fail_msg("shape %zu: %s", i, zk_last_error());
        if (np) {
            s.wit[np] = gl_add(s.wit[np], 1);
            assert_int_equal(zk_r1cs_verify(&c, s.wit + 1, np, p.data, p.len, NULL), ZK_ERR_REJECT);
        }
        zk_wbuf_free(&p);
        zk_wbuf_free(&w);
        zk_r1cs_free(&c);
        spec_free(&s);
    }
}

static void test_layout_invariants(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() ^ 8);
    for (int it = 0; it < 2000; it++) {
        zk_r1cs c;
        memset(&c, 0, sizeof c);
        c.n_pub_out = (uint32_t)(test_rng_u64(&r) % 70);
        c.n_pub_in = (uint32_t)(test_rng_u64(&r) % 70);
        uint32_t scale = (uint32_t)(test_rng_u64(&r) % 20);
        c.n_wires = 1 + c.n_pub_out + c.n_pub_in + (uint32_t)(test_rng_u64(&r) % ((uint64_t)1 << scale));
        c.n_constraints = (uint32_t)(test_rng_u64(&r) % ((uint64_t)1 << scale));
        zk_spartan_layout l;
        assert_int_equal(zk_spartan_layout_compute(&l, &c), ZK_OK);
        uint64_t half = (uint64_t)1 << (l.col_vars - 1);
        assert_int_equal(l.n_priv + l.n_public + 1, c.n_wires);
        assert_true(l.blind_row % 4 == 0 && l.blind_row >= c.n_constraints);
        assert_true(l.blind_row + ZK_SPARTAN_BLIND_ROWS <= ((uint64_t)1 << l.row_vars));
        assert_true(l.blind_col % 4 == 0 && l.blind_col >= l.n_priv);
        assert_true(l.mask_outer >= l.blind_col + ZK_SPARTAN_BLIND_COLS);
        assert_int_equal(l.mask_inner - l.mask_outer, zk_libra_coeffs_len(l.row_vars, ZK_SPARTAN_OUTER_DEGREE));
        assert_int_equal(l.w_used - l.mask_inner, zk_libra_coeffs_len(l.col_vars, ZK_SPARTAN_INNER_DEGREE));
        assert_true(l.w_used <= half && (uint64_t)l.n_public + 1 <= half);
        /* minimal: one variable fewer would not fit */
        uint64_t used_smaller = l.mask_inner + zk_libra_coeffs_len(l.col_vars - 1, ZK_SPARTAN_INNER_DEGREE);
        assert_true(l.col_vars == 2 || used_smaller > half / 2 || (uint64_t)l.n_public + 1 > half / 2);
        assert_true(l.row_vars == 0 || l.blind_row + ZK_SPARTAN_BLIND_ROWS > ((uint64_t)1 << (l.row_vars - 1)));
    }
}

/* The zero-knowledge argument of docs/r1cs.md needs the three eq weights of a
 * blinding block, eq(r, 4q + k) for k < 3, to be linearly independent over F_p
 * (as vectors of F_p^3). Checked at random points and at the witness point of
 * the argument (r_1 = x, r_2 = x^2, other coordinates 1). */
static gl_t det3(gl_t m[3][3])
{
    gl_t d = 0;
    for (int j = 0; j < 3; j++) {
        gl_t a = gl_mul(m[1][(j + 1) % 3], m[2][(j + 2) % 3]), b = gl_mul(m[1][(j + 2) % 3], m[2][(j + 1) % 3]);
        d = gl_add(d, gl_mul(m[0][j], gl_sub(a, b)));
    }
    return d;
}

static gl_t block_det(const gl3_t *r, size_t n, uint64_t q)
{
    gl_t m[3][3];
    for (uint64_t k = 0; k < 3; k++) {
        gl3_t b[64];
        for (size_t i = 0; i < n; i++)
            b[i] = gl3_from_gl(((4 * q + k) >> i) & 1);
        gl3_t e = zk_eq_eval(r, b, n);
        for (int c = 0; c < 3; c++)
            m[k][c] = e.c[c];
    }
    return det3(m);
}

static void test_blinding_weights_independent(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() ^ 9);
    for (int it = 0; it < 500; it++) {
        gl3_t pt[12];
        for (int i = 0; i < 12; i++)
            pt[i] = test_rng_gl3(&r);
        uint64_t q = test_rng_u64(&r) % 1024;
        assert_int_not_equal(block_det(pt, 12, q), 0);
    }
    gl3_t pt[6];
    for (int i = 0; i < 6; i++)
        pt[i] = gl3_one();
    pt[0] = (gl3_t){{0, 1, 0}};
    pt[1] = (gl3_t){{0, 0, 1}};
    assert_int_equal(block_det(pt, 6, 15), gl_neg(1)); /* det = -1, as in docs/r1cs.md */
    /* control: two equal low coordinates make weights 1 and 2 equal -> dependent */
    pt[1] = pt[0];
    assert_int_equal(block_det(pt, 6, 15), 0);
}

/* No private witness value appears as an 8-byte little-endian string in the
 * proof; two proofs of the same statement differ and both verify. */
static void test_zk_hygiene(void **state)
{
    (void)state;
    loaded L;
    load_fixture(&L, "many_outputs");
    zk_wbuf p1, p2;
    prove_ok(&L.c, L.w, L.nw, &p1);
    prove_ok(&L.c, L.w, L.nw, &p2);
    uint32_t np = zk_r1cs_n_public(&L.c);
    assert_int_equal(zk_r1cs_verify(&L.c, L.w + 1, np, p1.data, p1.len, NULL), ZK_OK);
    assert_int_equal(zk_r1cs_verify(&L.c, L.w + 1, np, p2.data, p2.len, NULL), ZK_OK);
    assert_true(p1.len != p2.len || memcmp(p1.data, p2.data, p1.len) != 0);
    size_t checked = 0;
    for (uint32_t wi = np + 1; wi < L.nw; wi++) {
        gl_t v = L.w[wi];
        if (v < ((gl_t)1 << 20))
            continue; /* small values occur by chance */
        uint8_t b[8];
        for (int i = 0; i < 8; i++)
            b[i] = (uint8_t)(v >> (8 * i));
        for (size_t i = 0; i + 8 <= p1.len; i++)
            if (memcmp(p1.data + i, b, 8) == 0)
                fail_msg("private wire %u (%llu) appears at byte %zu of the proof", wi, (unsigned long long)v, i);
        checked++;
    }
    assert_true(checked >= 60);
    /* control: the same scan finds 8 bytes that the proof does carry (the circuit digest) */
    size_t found = SIZE_MAX;
    for (size_t i = 0; i + 8 <= p1.len && found == SIZE_MAX; i++)
        if (memcmp(p1.data + i, L.c.digest.h, 8) == 0)
            found = i;
    assert_int_equal(found, 28);
    zk_wbuf_free(&p1);
    zk_wbuf_free(&p2);
    unload(&L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures_vs_iden3),
        cmocka_unit_test(test_public_json_fixture),
        cmocka_unit_test(test_public_json_errors),
        cmocka_unit_test(test_symbols),
        cmocka_unit_test(test_any_order_and_roundtrip),
        cmocka_unit_test(test_r1cs_rejects_corruptions),
        cmocka_unit_test(test_r1cs_rejects_headers),
        cmocka_unit_test(test_r1cs_truncation_and_mutation),
        cmocka_unit_test(test_wtns_reader),
        cmocka_unit_test(test_witness_check_vs_bruteforce),
        cmocka_unit_test(test_wrong_witness_names_labels),
        cmocka_unit_test(test_layout_invariants),
        cmocka_unit_test(test_blinding_weights_independent),
        cmocka_unit_test(test_prove_verify_fixtures),
        cmocka_unit_test(test_other_circuit_same_shape),
        cmocka_unit_test(test_tampered_proof_bytes),
        cmocka_unit_test(test_random_circuits),
        cmocka_unit_test(test_zk_hygiene),
    };
    test_seed();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
