/* Online monitoring (monitor.h): drift bins and reference statistics against
 * brute-force definitions, PSI / mean shift / alerts against hand values, the
 * hash-chained log (append, feedback, unknown record, tampering: dropped,
 * reordered and edited lines), window closing and chaining, and window proofs
 * with soundness tests: other claimed counts, bins or sums, another model
 * commitment, another configuration, another window, tampered proof bytes,
 * and windows with a dropped record or reordered records (unprovable). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "zkmlops/metrics.h"
#include "zkmlops/monitor.h"

#define D 3u

static char tmpdir[64];

static void path_in(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", tmpdir, name); }

static int64_t rnd_fixed(test_rng *r, double lo, double hi)
{
    double u = (double)(test_rng_u64(r) >> 11) / 9007199254740992.0;
    return (int64_t)llround((lo + (hi - lo) * u) * 4096.0);
}

static void make_model(zk_model *m, zk_model_private *mp)
{
    uint32_t dims[2] = {D, 1};
    zk_op act[1] = {ZK_OP_SIGMOID};
    int64_t w[D] = {8192, -4096, 2048}, b = 100;
    const int64_t *ws[1] = {w}, *bs[1] = {&b};
    assert_int_equal(zk_model_dense(m, 1, dims, act, 12, ws, bs), ZK_OK);
    assert_int_equal(zk_model_commit(mp, m), ZK_OK);
}

/* Reference from 200 standard-ish rows. */
static void make_config(zk_monitor_config *cfg, test_rng *r, uint32_t window)
{
    int64_t x[200 * D];
    for (uint32_t i = 0; i < 200 * D; i++)
        x[i] = rnd_fixed(r, -1.7, 1.7);
    memset(cfg, 0, sizeof *cfg);
    assert_int_equal(zk_monitor_reference_from_rows(cfg, x, 200, D, 12), ZK_OK);
    cfg->window_size = window;
    cfg->psi_above = 0.25;
    cfg->mean_shift_above = 0.5;
    cfg->accuracy_below = 0.5;
}

/* ---------------------------------------------------------------- reference pieces */

static void test_bins_and_reference(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 1);
    for (int t = 0; t < 20000; t++) {
        int64_t x = (int64_t)(test_rng_u64(&r) % 200001) - 100000;
        int64_t mean = (int64_t)(test_rng_u64(&r) % 20001) - 10000;
        int64_t sd = 1 + (int64_t)(test_rng_u64(&r) % 9000);
        uint32_t want = 0;
        for (int k = -4; k <= 4; k++)
            want += 2 * (x - mean) >= k * sd;
        assert_int_equal(zk_monitor_bin(x, mean, sd), want);
    }
    /* reference statistics: hand example, column values 0, 4096, 8192, 12288 (0..3 at scale 12) */
    int64_t col[4] = {0, 4096, 8192, 12288};
    zk_monitor_config c;
    memset(&c, 0, sizeof c);
    assert_int_equal(zk_monitor_reference_from_rows(&c, col, 4, 1, 12), ZK_OK);
    /* mean = floor((2*24576 + 4) / 8) = 6144; V = 2*(6144^2 + 2048^2) = 83886080; var = floor((2V+4)/8) = 20971520;
     * std = floor(sqrt(20971520)) = 4579 */
    assert_int_equal(c.mean[0], 6144);
    assert_int_equal(c.std[0], 4579);
    uint64_t total = 0;
    for (uint32_t b = 0; b < ZK_MONITOR_BINS; b++) {
        total += c.hist[b];
    }
    assert_int_equal(total, 4);
    assert_int_equal(c.hist[zk_monitor_bin(0, 6144, 4579)], 1);
    zk_monitor_config_free(&c);
}

static void test_evaluate(void **state)
{
    (void)state;
    zk_monitor_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.n_features = 1;
    cfg.scale_bits = 12;
    char *nm = strdup("f");
    cfg.names = &nm;
    int64_t mean = 0, sd = 4096;
    uint64_t hist[10] = {0, 10, 10, 10, 10, 10, 10, 10, 10, 0};
    cfg.mean = &mean;
    cfg.std = &sd;
    cfg.hist = hist;
    cfg.psi_above = 0.25;
    cfg.mean_shift_above = 0.5;
    cfg.accuracy_below = 0.9;
    cfg.min_feedback = 5;
    cfg.rate_alert = 1;
    cfg.rate_class = 1;
    cfg.rate_above = 0.8;
    zk_monitor_stats s;
    assert_int_equal(zk_monitor_stats_alloc(&s, 2, 1), ZK_OK);
    s.n = 80;
    s.class_count[0] = 10, s.class_count[1] = 70; /* rate 0.875 > 0.8 */
    s.n_feedback = 10, s.correct = 8;             /* 0.8 < 0.9 */
    s.sum[0] = 80 * 4096;                         /* mean 1.0: shift 1 std */
    uint64_t bins[10] = {0, 10, 10, 10, 10, 10, 10, 10, 10, 0};
    memcpy(s.bins, bins, sizeof bins);
    zk_monitor_report rep;
    assert_int_equal(zk_monitor_evaluate(&rep, &s, &cfg), ZK_OK);
    assert_true(fabs(rep.psi[0]) < 1e-12); /* identical distributions */
    assert_true(fabs(rep.mean_shift[0] - 1.0) < 1e-12);
    assert_false(rep.drift_psi[0]);
    assert_true(rep.drift_mean[0]);
    assert_true(rep.accuracy_alert);
    assert_true(rep.rate_high_alert);
    assert_int_equal(rep.n_alerts, 3);
    zk_monitor_report_free(&rep);
    /* all mass in bin 9: PSI = sum over bins with the 1e-4 floor, by hand */
    memset(s.bins, 0, sizeof bins);
    s.bins[9] = 80;
    s.sum[0] = 0;
    assert_int_equal(zk_monitor_evaluate(&rep, &s, &cfg), ZK_OK);
    double want = 0;
    for (int b = 0; b < 10; b++) {
        double p = b == 9 ? 1.0 : 1e-4, q = (b == 0 || b == 9) ? 1e-4 : 0.125;
        want += (p - q) * log(p / q);
    }
    assert_true(fabs(rep.psi[0] - want) < 1e-9);
    assert_true(rep.drift_psi[0]);
    assert_false(rep.drift_mean[0]);
    zk_monitor_report_free(&rep);
    zk_monitor_stats_free(&s);
    free(nm);
}

/* ---------------------------------------------------------------- log */

static void append_rows(const char *logp, zk_monitor_log *log, const zk_model *m, test_rng *r, uint32_t n, uint64_t *ts,
                        double shift0)
{
    for (uint32_t i = 0; i < n; i++) {
        int64_t x[D], y[1];
        for (uint32_t j = 0; j < D; j++)
            x[j] = rnd_fixed(r, -1.7, 1.7) + (j == 0 ? (int64_t)llround(shift0 * 4096) : 0);
        assert_int_equal(zk_model_run_fx(m, x, 1, y), ZK_OK);
        uint64_t id;
        assert_int_equal(zk_monitor_log_append(logp, log, x, y, 1, (*ts)++, &id), ZK_OK);
        if (id % 2 == 0) /* feedback on every other record: the true class is the prediction except every 6th */
            assert_int_equal(zk_monitor_log_feedback(logp, log, id, (uint32_t)((y[0] >= 2048) ^ (id % 6 == 0)), *ts),
                             ZK_OK);
    }
}

static int64_t read_file_all(const char *p, char **out)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc((size_t)n + 1);
    assert_int_equal(fread(*out, 1, (size_t)n, f), (size_t)n);
    (*out)[n] = 0;
    fclose(f);
    return n;
}

static void write_file_all(const char *p, const char *s, size_t n)
{
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(s, 1, n, f), n);
    fclose(f);
}

/* Line k (0-based) of text: start offset and length including the newline. */
static void line_span(const char *t, int k, size_t *start, size_t *len)
{
    size_t p = 0;
    for (int i = 0; i < k; i++)
        p = (size_t)(strchr(t + p, '\n') - t) + 1;
    *start = p;
    *len = (size_t)(strchr(t + p, '\n') - t) + 1 - p;
}

static void test_log(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 2);
    zk_model m;
    zk_model_private mp;
    make_model(&m, &mp);
    zk_monitor_config cfg;
    make_config(&cfg, &r, 8);
    char logp[128], bad[128];
    path_in(logp, sizeof logp, "log1.jsonl");
    path_in(bad, sizeof bad, "bad.jsonl");
    unlink(logp);
    assert_int_equal(zk_monitor_log_create(logp, &mp.com, &cfg), ZK_OK);
    assert_int_equal(zk_monitor_log_create(logp, &mp.com, &cfg), ZK_ERR_INPUT); /* never overwritten */
    zk_monitor_log log;
    assert_int_equal(zk_monitor_log_load(logp, &log), ZK_OK);
    uint64_t ts = 1700000000;
    append_rows(logp, &log, &m, &r, 5, &ts, 0);
    /* feedback: unknown record, duplicate, bad label */
    assert_int_equal(zk_monitor_log_feedback(logp, &log, 99, 1, ts), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "unknown record 99"));
    assert_int_equal(zk_monitor_log_feedback(logp, &log, 0, 1, ts), ZK_ERR_INPUT); /* already has feedback */
    assert_int_equal(zk_monitor_log_feedback(logp, &log, 1, 7, ts), ZK_ERR_INPUT); /* not a class */
    /* timestamps never go back */
    int64_t x[D] = {0, 0, 0}, y[1] = {0};
    assert_int_equal(zk_monitor_log_append(logp, &log, x, y, 1, ts - 10, NULL), ZK_ERR_INPUT);
    /* reload equals the in-memory state */
    zk_monitor_log l2;
    assert_int_equal(zk_monitor_log_load(logp, &l2), ZK_OK);
    assert_int_equal(l2.n_records, 5);
    assert_memory_equal(l2.head, log.head, 32);
    for (uint32_t i = 0; i < 5; i++) {
        assert_memory_equal(l2.rec[i].x, log.rec[i].x, D * sizeof(int64_t));
        assert_int_equal(l2.rec[i].has_feedback, log.rec[i].has_feedback);
        assert_int_equal(l2.rec[i].label, log.rec[i].label);
    }
    zk_monitor_log_free(&l2);
    /* close: not enough records */
    char wz[128];
    path_in(wz, sizeof wz, "lw0.zkd");
    assert_int_equal(zk_monitor_log_close_window(logp, &log, wz, 0, NULL), ZK_ERR_INPUT);

    /* tampering: drop line 3 (a record), swap lines 1 and 2, edit a digit */
    char *t;
    int64_t n = read_file_all(logp, &t);
    size_t s1, n1, s2, n2;
    line_span(t, 3, &s1, &n1);
    char *u = malloc((size_t)n + 1);
    memcpy(u, t, s1);
    memcpy(u + s1, t + s1 + n1, (size_t)n - s1 - n1);
    write_file_all(bad, u, (size_t)n - n1);
    assert_int_equal(zk_monitor_log_load(bad, &l2), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "bad.jsonl:4"));
    line_span(t, 1, &s1, &n1);
    line_span(t, 2, &s2, &n2);
    memcpy(u, t, s1);
    memcpy(u + s1, t + s2, n2);
    memcpy(u + s1 + n2, t + s1, n1);
    memcpy(u + s1 + n1 + n2, t + s2 + n2, (size_t)n - s2 - n2);
    write_file_all(bad, u, (size_t)n);
    assert_int_equal(zk_monitor_log_load(bad, &l2), ZK_ERR_INPUT);
    memcpy(u, t, (size_t)n);
    char *dig = strstr(u + s1, "\"input\":[") + 9;
    *dig = *dig == '1' ? '2' : '1';
    write_file_all(bad, u, (size_t)n);
    assert_int_equal(zk_monitor_log_load(bad, &l2), ZK_ERR_INPUT);
    assert_non_null(strstr(zk_last_error(), "chain hash mismatch"));
    /* truncated final line */
    write_file_all(bad, t, (size_t)n - 5);
    assert_int_equal(zk_monitor_log_load(bad, &l2), ZK_ERR_INPUT);
    free(u);
    free(t);
    zk_monitor_log_free(&log);
    zk_monitor_config_free(&cfg);
    zk_model_private_free(&mp);
    zk_model_free(&m);
}

/* ---------------------------------------------------------------- windows and proofs */

typedef struct {
    zk_model m;
    zk_model_private mp;
    zk_monitor_config cfg;
    char logp[128], w0[128], w1[128], c0[128], c1[128];
} world;

static void world_make(world *w, uint64_t seed, uint32_t window)
{
    test_rng r;
    test_rng_seed(&r, seed);
    make_model(&w->m, &w->mp);
    make_config(&w->cfg, &r, window);
    path_in(w->logp, sizeof w->logp, "log2.jsonl");
    path_in(w->w0, sizeof w->w0, "w0.zkd");
    path_in(w->w1, sizeof w->w1, "w1.zkd");
    path_in(w->c0, sizeof w->c0, "w0.com");
    path_in(w->c1, sizeof w->c1, "w1.com");
    unlink(w->logp);
    assert_int_equal(zk_monitor_log_create(w->logp, &w->mp.com, &w->cfg), ZK_OK);
    zk_monitor_log log;
    assert_int_equal(zk_monitor_log_load(w->logp, &log), ZK_OK);
    uint64_t ts = 1700000000;
    append_rows(w->logp, &log, &w->m, &r, window, &ts, 0);
    char *com = NULL;
    assert_int_equal(zk_monitor_log_close_window(w->logp, &log, w->w0, 0, &com), ZK_OK);
    assert_string_equal(com, w->c0);
    free(com);
    append_rows(w->logp, &log, &w->m, &r, window, &ts, 2.5); /* feature 0 shifted by 2.5 */
    assert_int_equal(zk_monitor_log_close_window(w->logp, &log, w->w1, 0, NULL), ZK_OK);
    assert_int_equal(log.n_windows, 2);
    zk_monitor_log_free(&log);
    /* the log reloads with both windows */
    assert_int_equal(zk_monitor_log_load(w->logp, &log), ZK_OK);
    assert_int_equal(log.n_windows, 2);
    assert_int_equal(log.next_unclosed, 2 * window);
    /* feedback into a closed window is refused */
    assert_int_equal(zk_monitor_log_feedback(w->logp, &log, 1, 0, ts), ZK_ERR_INPUT);
    zk_monitor_log_free(&log);
}

static void world_free(world *w)
{
    zk_monitor_config_free(&w->cfg);
    zk_model_private_free(&w->mp);
    zk_model_free(&w->m);
}

/* One world shared by the window tests (dataset commitments are the slow part). */
static world W;
static int W_made;

static world *shared_world(void)
{
    if (!W_made) {
        world_make(&W, test_seed() + 4, 12);
        W_made = 1;
    }
    return &W;
}

static void test_window_chain(void **state)
{
    (void)state;
    world *wp_ = shared_world();
    world w = *wp_;
    zk_monitor_window_commitment a, b;
    assert_int_equal(zk_monitor_window_commitment_load(w.c0, &a), ZK_OK);
    assert_int_equal(zk_monitor_window_commitment_load(w.c1, &b), ZK_OK);
    assert_int_equal(a.h.index, 0);
    assert_int_equal(b.h.index, 1);
    assert_int_equal(b.h.first_id, 12);
    assert_int_equal(zk_monitor_window_check_chain(NULL, &a), ZK_OK);
    assert_int_equal(zk_monitor_window_check_chain(&a, &b), ZK_OK);
    assert_int_equal(zk_monitor_window_check_chain(NULL, &b), ZK_ERR_REJECT); /* window 0 dropped */
    assert_int_equal(zk_monitor_window_check_chain(&b, &a), ZK_ERR_REJECT);   /* reordered */
    assert_int_equal(zk_monitor_window_check_chain(&a, &a), ZK_ERR_REJECT);
    /* a private window's table has ids, timestamps, inputs, outputs, feedback */
    zk_monitor_window_private p;
    assert_int_equal(zk_monitor_window_private_load(w.w1, &p), ZK_OK);
    for (uint32_t i = 0; i < 12; i++)
        assert_int_equal(zk_dataset_private_value(&p.priv, i, 0), 12 + i);
    zk_monitor_window_private_free(&p);
    /* a corrupted .com is refused on load */
    char *t;
    int64_t n = read_file_all(w.c0, &t);
    char bad[128];
    path_in(bad, sizeof bad, "bad.com");
    t[n / 2] ^= 1;
    write_file_all(bad, t, (size_t)n);
    zk_monitor_window_commitment x;
    assert_int_not_equal(zk_monitor_window_commitment_load(bad, &x), ZK_OK);
    write_file_all(bad, t, 40);
    assert_int_not_equal(zk_monitor_window_commitment_load(bad, &x), ZK_OK);
    free(t);
    zk_monitor_window_commitment_free(&a);
    zk_monitor_window_commitment_free(&b);
}

static int verify_with(const world *w, const zk_model_commitment *mc, const zk_monitor_window_commitment *wc,
                       const zk_monitor_config *cfg, const zk_monitor_stats *s, const zk_wbuf *proof)
{
    zk_spartan_security sec;
    return zk_monitor_verify(mc, wc, cfg, s, proof->data, proof->len, &sec);
    (void)w;
}

static void copy_stats(zk_monitor_stats *dst, const zk_monitor_stats *src)
{
    assert_int_equal(zk_monitor_stats_alloc(dst, src->n_classes, src->d), ZK_OK);
    dst->n = src->n;
    dst->n_feedback = src->n_feedback;
    dst->correct = src->correct;
    memcpy(dst->class_count, src->class_count, src->n_classes * sizeof(uint64_t));
    memcpy(dst->sum, src->sum, src->d * sizeof(int64_t));
    memcpy(dst->bins, src->bins, (size_t)src->d * ZK_MONITOR_BINS * sizeof(uint64_t));
}

static void test_window_proof(void **state)
{
    (void)state;
    world *wp_ = shared_world();
    world w = *wp_;
    zk_monitor_window_private p0, p1;
    zk_monitor_window_commitment c0, c1;
    assert_int_equal(zk_monitor_window_private_load(w.w0, &p0), ZK_OK);
    assert_int_equal(zk_monitor_window_private_load(w.w1, &p1), ZK_OK);
    assert_int_equal(zk_monitor_window_commitment_load(w.c0, &c0), ZK_OK);
    assert_int_equal(zk_monitor_window_commitment_load(w.c1, &c1), ZK_OK);
    zk_monitor_stats s0, s1;
    assert_int_equal(zk_monitor_stats_compute(&s0, &p0, &w.m, &w.cfg), ZK_OK);
    assert_int_equal(zk_monitor_stats_compute(&s1, &p1, &w.m, &w.cfg), ZK_OK);
    /* independent recount from the table */
    uint64_t c1cnt = 0, nfb = 0, corr = 0;
    int64_t sum0 = 0;
    for (uint32_t i = 0; i < 12; i++) {
        int64_t in[D], out[1];
        for (uint32_t j = 0; j < D; j++)
            in[j] = zk_dataset_private_value(&p0.priv, i, 2 + j);
        assert_int_equal(zk_model_run_fx(&w.m, in, 1, out), ZK_OK);
        assert_int_equal(out[0], zk_dataset_private_value(&p0.priv, i, 2 + D));
        uint32_t pred = out[0] >= 2048;
        c1cnt += pred;
        if (zk_dataset_private_value(&p0.priv, i, 3 + D)) {
            nfb++;
            corr += (int64_t)pred == zk_dataset_private_value(&p0.priv, i, 4 + D);
        }
        sum0 += in[0];
    }
    assert_int_equal(s0.class_count[1], c1cnt);
    assert_int_equal(s0.class_count[0], 12 - c1cnt);
    assert_int_equal(s0.n_feedback, nfb);
    assert_int_equal(s0.correct, corr);
    assert_int_equal(s0.sum[0], sum0);
    assert_int_equal(nfb, 6);
    assert_true(corr < nfb); /* every 6th feedback is wrong */
    /* drift: the shifted window fires on feature 0, the clean one does not */
    zk_monitor_report r0, r1;
    assert_int_equal(zk_monitor_evaluate(&r0, &s0, &w.cfg), ZK_OK);
    assert_int_equal(zk_monitor_evaluate(&r1, &s1, &w.cfg), ZK_OK);
    assert_false(r0.drift_mean[0]);
    assert_true(r1.drift_mean[0]);
    assert_true(r1.drift_psi[0]);
    zk_monitor_report_free(&r0);
    zk_monitor_report_free(&r1);

    zk_wbuf proof;
    zk_wbuf_init(&proof);
    assert_int_equal(zk_dataset_reserve_opening(&p1.priv), ZK_OK);
    assert_int_equal(zk_model_reserve_opening(&w.mp), ZK_OK);
    int rc = zk_monitor_prove(&w.mp, &p1, &w.cfg, &s1, &proof);
    if (rc != ZK_OK)
        print_message("prove: %s\n", zk_last_error());
    assert_int_equal(rc, ZK_OK);
    assert_int_equal(verify_with(&w, &w.mp.com, &c1, &w.cfg, &s1, &proof), ZK_OK);
    /* wrong public values */
    zk_monitor_stats bad;
    copy_stats(&bad, &s1);
    bad.class_count[1]++, bad.class_count[0]--;
    assert_int_equal(verify_with(&w, &w.mp.com, &c1, &w.cfg, &bad, &proof), ZK_ERR_REJECT);
    bad.class_count[1]--, bad.class_count[0]++;
    bad.correct = bad.correct + 1;
    assert_int_equal(verify_with(&w, &w.mp.com, &c1, &w.cfg, &bad, &proof), ZK_ERR_REJECT);
    bad.correct--;
    bad.bins[5]++, bad.bins[6]--;
    assert_int_equal(verify_with(&w, &w.mp.com, &c1, &w.cfg, &bad, &proof), ZK_ERR_REJECT);
    bad.bins[5]--, bad.bins[6]++;
    bad.sum[0] -= 4096 * 12 * 2; /* hide the shift */
    assert_int_equal(verify_with(&w, &w.mp.com, &c1, &w.cfg, &bad, &proof), ZK_ERR_REJECT);
    zk_monitor_stats_free(&bad);
    /* another window (same shape), another model commitment, another configuration */
    assert_int_equal(verify_with(&w, &w.mp.com, &c0, &w.cfg, &s1, &proof), ZK_ERR_REJECT);
    zk_model_private other;
    assert_int_equal(zk_model_commit(&other, &w.m), ZK_OK);
    assert_int_equal(verify_with(&w, &other.com, &c1, &w.cfg, &s1, &proof), ZK_ERR_REJECT);
    zk_model_private_free(&other);
    w.cfg.psi_above = 10; /* raise a threshold so the drift alert would not fire */
    assert_int_equal(verify_with(&w, &w.mp.com, &c1, &w.cfg, &s1, &proof), ZK_ERR_REJECT);
    w.cfg.psi_above = 0.25;
    /* tampered proof bytes */
    for (int k = 0; k < 5; k++) {
        size_t at = 24 + (proof.len - 25) * (size_t)k / 5;
        proof.data[at] ^= 4;
        assert_int_not_equal(verify_with(&w, &w.mp.com, &c1, &w.cfg, &s1, &proof), ZK_OK);
        proof.data[at] ^= 4;
    }
    assert_int_equal(verify_with(&w, &w.mp.com, &c1, &w.cfg, &s1, &proof), ZK_OK);
    /* a prover cannot prove false statistics */
    zk_wbuf p2;
    zk_wbuf_init(&p2);
    copy_stats(&bad, &s1);
    bad.n_feedback--;
    assert_int_not_equal(zk_monitor_prove(&w.mp, &p1, &w.cfg, &bad, &p2), ZK_OK);
    zk_monitor_stats_free(&bad);
    zk_wbuf_free(&p2);
    zk_wbuf_free(&proof);

    /* A window whose table drops a record (ids 0,1,3,...), reorders two records or holds an output
     * the model did not produce: the window statement cannot be proved (the prover's constraint
     * check refuses before any opening). The table values are edited in the prover's copy. */
    {
        uint32_t lr = p0.priv.com.meta.log_rows, nc = p0.priv.com.meta.n_cols;
        size_t total = (size_t)1 << (lr + p0.priv.com.meta.log_cols);
        gl_t *save = malloc(total * sizeof *save);
        memcpy(save, p0.priv.wit.evals, total * sizeof *save);
#define CELL(i, j) p0.priv.wit.evals[(size_t)(i) + ((size_t)(j) << lr)]
        for (int kind = 0; kind < 3; kind++) {
            memcpy(p0.priv.wit.evals, save, total * sizeof *save);
            if (kind == 0) { /* record 2 dropped: later records move up, a new record 12 at the end */
                for (uint32_t i = 2; i < 11; i++)
                    for (uint32_t j = 0; j < nc; j++)
                        CELL(i, j) = CELL(i + 1, j);
                CELL(11, 0) = 12;
            } else if (kind == 1) { /* records 3 and 4 swapped (ids and timestamps travel with them) */
                for (uint32_t j = 0; j < nc; j++) {
                    gl_t t = CELL(3, j);
                    CELL(3, j) = CELL(4, j);
                    CELL(4, j) = t;
                }
                CELL(3, 1) = gl_add(CELL(3, 1), 5); /* distinct timestamps so the order is visible */
            } else { /* an output not produced by the model */
                CELL(5, 2 + D) = gl_add(CELL(5, 2 + D), 1);
            }
            zk_monitor_stats sq;
            assert_int_equal(zk_monitor_stats_compute(&sq, &p0, &w.m, &w.cfg), ZK_OK);
            zk_wbuf pq;
            zk_wbuf_init(&pq);
            rc = zk_monitor_prove(&w.mp, &p0, &w.cfg, &sq, &pq);
            assert_true(rc == ZK_ERR_INPUT || rc == ZK_ERR_RANGE); /* unsatisfied constraint / negative time step */
            zk_wbuf_free(&pq);
            zk_monitor_stats_free(&sq);
        }
#undef CELL
        memcpy(p0.priv.wit.evals, save, total * sizeof *save);
        free(save);
    }

    zk_monitor_stats_free(&s0);
    zk_monitor_stats_free(&s1);
    zk_monitor_window_private_free(&p0);
    zk_monitor_window_private_free(&p1);
    zk_monitor_window_commitment_free(&c0);
    zk_monitor_window_commitment_free(&c1);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/zkm_monitor_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (W_made)
        world_free(&W);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bins_and_reference), cmocka_unit_test(test_evaluate),
        cmocka_unit_test(test_log),                cmocka_unit_test(test_window_chain),
        cmocka_unit_test(test_window_proof),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
