/*
 * params.c — WHIR parameter derivation and the soundness calculator.
 *
 * Round-by-round soundness of WHIR (Arnon, Chiesa, Fenzi, Yogev, eprint
 * 2024/1586, Theorem 5.2) in the proven Johnson-bound regime, with the
 * Reed–Solomon proximity-gap / list-size bounds of BCHKS25 (eprint 2025/2055,
 * Theorem 4.2) at eta = sqrt(rho)/100. Cross-checked against
 * ethereum/soundcalc (soundcalc/pcs/whir.py); see docs/soundness.md for the
 * derivation of every term and the reference table this reproduces.
 *
 * Also: serialization of a parameter set (zk_whir_params_write/read/equal)
 * and the expected opening size.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pcs/whir_internal.h"
#include "zkmlops/params.h"
#include "zkmlops/status.h"

/* Claims per opening assumed by the "claims combination" term (log2). */
#define LOG_MAX_CLAIMS 20.0
/* Sumcheck round polynomial degree in WHIR's folding sumcheck is 2; the WHIR
 * analysis uses d = max(d*, 3) (Construction 5.1). */
#define WHIR_SUMCHECK_D 3.0

typedef enum { REG_JBR = 0, REG_PAPER = 1, REG_UDR = 2 } regime;

static double log2_field(void) { return 3.0 * log2((double)GL_P); }

/* 2^x without overflow/underflow surprises for the ranges used here. */
static double ex2(double x) { return exp2(x); }

/* Relative proximity delta for a code of rate 2^-lir. */
static double reg_delta(regime r, double lir)
{
    double rho = ex2(-lir), s = sqrt(rho);
    switch (r) {
    case REG_JBR: return 1.0 - s - s / 100.0;
    case REG_PAPER: return 1.0 - s - s / 20.0;
    default: return (1.0 - rho) / 2.0;
    }
}

/* log2 of the list size at that proximity. */
static double reg_log_list(regime r, double lir)
{
    double rho = ex2(-lir), s = sqrt(rho);
    switch (r) {
    case REG_JBR: return -log2(2.0 * (s / 100.0) * s);  /* 1/(2 eta sqrt(rho)) = 50/rho */
    case REG_PAPER: return -log2(2.0 * (s / 20.0) * s); /* 10/rho */
    default: return 0.0;
    }
}

/* log2 of the proximity-gap (mutual correlated agreement) error for a line of
 * 2 functions, code RS of dimension 2^log_dim and rate 2^-lir. */
static double reg_log_err2(regime r, double lir, double log_dim)
{
    double rho = ex2(-lir), s = sqrt(rho), lf = log2_field();
    double log_n = log_dim + lir; /* block length */
    switch (r) {
    case REG_JBR: {
        /* BCHKS25 Thm 4.2: ((2 (m+1/2)^5 + 3 (m+1/2) gamma rho) n / (3 rho^{3/2})
         * + (m+1/2)/sqrt(rho)) / |F|, gamma = delta, m = max(ceil(sqrt(rho)/(2 eta)), 3) = 50. */
        double ms = 50.5, gamma = reg_delta(r, lir);
        double first = (2.0 * pow(ms, 5) + 3.0 * ms * gamma * rho) * ex2(log_n) / (3.0 * rho * s);
        double second = ms / s;
        return log2(first + second) - lf;
    }
    case REG_PAPER:
        /* WHIR Thm 4.8 quoting BCIKS20 at eta = sqrt(rho)/20 (m = 10):
         * 10^7 * 2^(3.5 lir + 2 log_dim) / |F| (the whir-rs formula after its
         * Feb 2026 fix "Fix proximity gaps computation"). */
        return 7.0 * log2(10.0) + 3.5 * lir + 2.0 * log_dim - lf;
    default:
        /* Unique decoding (BCIKS20 Thm 1.4): (delta n + 1)/|F|. */
        return log2(reg_delta(r, lir) * ex2(log_n) + 1.0) - lf;
    }
}

/* -log2(a + b) given log2 a and log2 b. */
static double bits_of_sum(double la, double lb)
{
    double m = la > lb ? la : lb;
    return -(m + log2(ex2(la - m) + ex2(lb - m)));
}

typedef struct {
    regime reg;
    zk_soundness_report *out; /* may be NULL */
    double min_bits;
} acc;

static void add_term(acc *a, const char *name, double bits, double pow_bits)
{
    if (bits < a->min_bits)
        a->min_bits = bits;
    if (!a->out)
        return;
    zk_soundness_report *o = a->out;
    if (o->n_terms >= ZK_SOUNDNESS_MAX_TERMS)
        return; /* cannot happen for parameter sets that pass validation */
    zk_soundness_term *t = &o->terms[o->n_terms++];
    size_t len = strnlen(name, sizeof t->name - 1);
    memcpy(t->name, name, len);
    t->name[len] = 0;
    t->bits = bits;
    t->pow_bits = pow_bits;
}

static uint32_t n_iters(const zk_whir_params *p) { return p->n_rounds + 1; }
static double lir_of(const zk_whir_params *p, uint32_t i)
{
    return (double)p->log_inv_rate + (double)i * ((double)p->folding_factor - 1.0);
}
static double mvars_of(const zk_whir_params *p, uint32_t i)
{
    return (double)p->total_vars - (double)i * (double)p->folding_factor;
}

/* Bits of the OOD term for a codeword of rate 2^-lir with m variables. */
static double ood_bits(regime r, double lir, double m, uint32_t w)
{
    double ll = reg_log_list(r, lir);
    return -(2.0 * ll + (double)w * (m - 1.0 - log2_field()));
}

/* Bits (without PoW) of the query phase i: the shift term of round i+1, or
 * the final queries for the last phase. */
static double query_bits_nopow(regime r, const zk_whir_params *p, uint32_t i, uint32_t t)
{
    double lq = (double)t * log2(1.0 - reg_delta(r, lir_of(p, i)));
    if (i + 1 >= n_iters(p))
        return -lq;
    double lc = reg_log_list(r, lir_of(p, i + 1)) + log2((double)t + 1.0) - log2_field();
    return bits_of_sum(lq, lc);
}

/* Bits (without PoW) of the fold term at iteration i, sumcheck round s (1-based). */
static double fold_bits_nopow(regime r, const zk_whir_params *p, uint32_t i, uint32_t s)
{
    double lir = lir_of(p, i);
    double lsum = log2(WHIR_SUMCHECK_D) + reg_log_list(r, lir) - log2_field();
    double lpg = reg_log_err2(r, lir, mvars_of(p, i) - (double)s);
    return bits_of_sum(lsum, lpg);
}

static double compute_terms(regime r, const zk_whir_params *p, zk_soundness_report *out)
{
    acc a = {r, out, INFINITY};
    char name[96];
    double lf = log2_field();
    uint32_t M = n_iters(p), k = p->folding_factor, w = p->ood_samples;

    add_term(&a, "claims combination (gamma)", lf - LOG_MAX_CLAIMS, 0);
    if (p->hiding) {
        double l0 = reg_log_list(r, lir_of(p, 0));
        double e = reg_log_err2(r, lir_of(p, 0), mvars_of(p, 0));
        add_term(&a, "mask batching M + c f' (hiding)", bits_of_sum(e, 2.0 * l0 - lf), 0);
    }
    add_term(&a, "commitment OOD (binding)", ood_bits(r, lir_of(p, 0), mvars_of(p, 0), w), 0);
    for (uint32_t i = 0; i < M; i++) {
        if (i >= 1) {
            snprintf(name, sizeof name, "round %u OOD", i);
            add_term(&a, name, ood_bits(r, lir_of(p, i), mvars_of(p, i), w), 0);
            snprintf(name, sizeof name, "round %u shift (%u queries + comb.)", i,
                     p->queries[i - 1]);
            add_term(&a, name, query_bits_nopow(r, p, i - 1, p->queries[i - 1]) + p->pow_bits[i - 1],
                     p->pow_bits[i - 1]);
        }
        for (uint32_t s = 1; s <= k; s++) {
            snprintf(name, sizeof name, "round %u fold s=%u", i, s);
            add_term(&a, name, fold_bits_nopow(r, p, i, s) + p->fold_pow_bits[i], p->fold_pow_bits[i]);
        }
    }
    snprintf(name, sizeof name, "final queries (%u)", p->queries[M - 1]);
    add_term(&a, name, query_bits_nopow(r, p, M - 1, p->queries[M - 1]) + p->pow_bits[M - 1],
             p->pow_bits[M - 1]);
    return a.min_bits;
}

void zk_soundness_report_compute(zk_soundness_report *out, const zk_whir_params *p)
{
    ZK_CHECK_ARG(out != NULL && p != NULL);
    ZK_CHECK_ARG(p->n_rounds <= ZK_WHIR_MAX_ROUNDS && p->folding_factor >= 1);
    memset(out, 0, sizeof *out);
    out->hash_bits = 128.0; /* SHA-256 collision resistance (classical) */
    out->sumcheck_bits_per_round = log2_field() - log2(3.0);
    double t = compute_terms(REG_JBR, p, out);
    out->total_bits = t < out->hash_bits ? t : out->hash_bits;
    double pb = compute_terms(REG_PAPER, p, NULL);
    double ub = compute_terms(REG_UDR, p, NULL);
    out->whir_paper_bits = pb < out->hash_bits ? pb : out->hash_bits;
    out->udr_bits = ub < out->hash_bits ? ub : out->hash_bits;
}

/* Smallest integer PoW making `bits + pow >= target` (0 if already met). */
static uint32_t pow_needed(double target, double bits)
{
    double d = ceil(target - bits - 1e-9);
    return d <= 0 ? 0 : (uint32_t)d;
}

static uint32_t total_vars_for(uint32_t n_vars, int hiding, uint32_t k)
{
    if (hiding)
        return (n_vars < ZK_WHIR_MIN_HIDING_VARS ? ZK_WHIR_MIN_HIDING_VARS : n_vars) + 1;
    return n_vars < k ? k : n_vars;
}

/* Derive for a given number of encoded variables m (>= total_vars_for). */
static int derive_total(zk_whir_params *p, uint32_t n_vars, int hiding, uint32_t m)
{
    ZK_CHECK_ARG(p != NULL);
    memset(p, 0, sizeof *p);
    const uint32_t k = 4, lir = 2, target = 128, max_pow = 20;
    if (n_vars < 1 || n_vars > ZK_WHIR_MAX_VARS)
        return zk_set_error(ZK_ERR_INPUT, "WHIR: %u variables out of range 1..%d", n_vars, ZK_WHIR_MAX_VARS);
    if (m + lir > GL_TWO_ADICITY)
        return zk_set_error(ZK_ERR_INPUT, "WHIR: %u variables%s exceed the 2-adicity of Goldilocks", n_vars,
                            hiding ? " (+1 hiding)" : "");
    p->n_vars = n_vars;
    p->total_vars = m;
    p->hiding = hiding ? 1 : 0;
    p->log_inv_rate = lir;
    p->folding_factor = k;
    p->n_rounds = m / k - 1;
    p->final_vars = m - k * (m / k);
    p->security_target = target;
    p->max_pow_bits = max_pow;
    if (p->n_rounds > ZK_WHIR_MAX_ROUNDS)
        return zk_set_error(ZK_ERR_INPUT, "WHIR: too many rounds");
    uint32_t M = p->n_rounds + 1;

    /* OOD samples: fewest (>= 1) meeting the target for every OOD term. */
    for (p->ood_samples = 1; p->ood_samples <= 4; p->ood_samples++) {
        int ok = 1;
        for (uint32_t i = 0; i < M; i++)
            if (ood_bits(REG_JBR, lir_of(p, i), mvars_of(p, i), p->ood_samples) < target)
                ok = 0;
        if (ok)
            break;
    }
    if (p->ood_samples > 4)
        return zk_set_error(ZK_ERR_INPUT, "WHIR: OOD term cannot reach the target");

    for (uint32_t i = 0; i < M; i++) {
        /* Fewest queries such that at most max_pow grinding bits close the gap. */
        uint32_t t;
        for (t = 1; t <= ZK_WHIR_MAX_QUERIES; t++)
            if (pow_needed(target, query_bits_nopow(REG_JBR, p, i, t)) <= max_pow)
                break;
        if (t > ZK_WHIR_MAX_QUERIES)
            return zk_set_error(ZK_ERR_INPUT, "WHIR: round %u needs too many queries", i);
        p->queries[i] = t;
        p->pow_bits[i] = pow_needed(target, query_bits_nopow(REG_JBR, p, i, t));
        uint32_t fp = 0;
        for (uint32_t s = 1; s <= k; s++) {
            uint32_t need = pow_needed(target, fold_bits_nopow(REG_JBR, p, i, s));
            if (need > fp)
                fp = need;
        }
        if (fp > max_pow)
            return zk_set_error(ZK_ERR_INPUT, "WHIR: round %u folding needs %u PoW bits", i, fp);
        p->fold_pow_bits[i] = fp;
    }
    zk_soundness_report rep;
    zk_soundness_report_compute(&rep, p);
    p->achieved_bits = rep.total_bits;
    if (p->achieved_bits < (double)target - 1e-9)
        return zk_set_error(ZK_ERR_INPUT, "WHIR: cannot reach %u bits (%.2f)", target, p->achieved_bits);
    return ZK_OK;
}

int zk_whir_params_derive(zk_whir_params *p, uint32_t n_vars, int hiding)
{
    return derive_total(p, n_vars, hiding, total_vars_for(n_vars, hiding, 4));
}

uint64_t zk_whir_hiding_opening_budget(const zk_whir_params *p)
{
    if (!p->hiding)
        return UINT64_MAX;
    /* R (2^(m-1) uniform coefficients) masks at most 2^(m-1) revealed codeword
     * values: the commitment's OOD answers (3w coordinates) plus, per opening,
     * the round-0 leaves (2^k values per query) and 3w cross OOD answers. */
    uint64_t cap = (uint64_t)1 << (p->total_vars - 1);
    uint64_t fixed = 3ull * p->ood_samples;
    uint64_t per = ((uint64_t)p->queries[0] << p->folding_factor) + 3ull * p->ood_samples;
    return cap <= fixed ? 0 : (cap - fixed) / per;
}

int zk_whir_params_derive_budget(zk_whir_params *p, uint32_t n_vars, uint64_t min_openings)
{
    uint32_t m = total_vars_for(n_vars, 1, 4);
    for (;; m++) {
        int st = derive_total(p, n_vars, 1, m);
        if (st != ZK_OK)
            return st;
        if (zk_whir_hiding_opening_budget(p) >= min_openings)
            return ZK_OK;
        if (m + 1 > ZK_WHIR_MAX_VARS + 1)
            return zk_set_error(ZK_ERR_INPUT, "WHIR: no parameter set allows %llu hiding openings",
                                (unsigned long long)min_openings);
    }
}

/* ---- serialization ---- */

void zk_whir_params_write(zk_wbuf *w, const zk_whir_params *p)
{
    ZK_CHECK_ARG(w != NULL && p != NULL && p->n_rounds <= ZK_WHIR_MAX_ROUNDS);
    const uint32_t head[10] = {p->n_vars,       p->total_vars, p->hiding,     p->log_inv_rate,
                               p->folding_factor, p->n_rounds, p->final_vars, p->ood_samples,
                               p->security_target, p->max_pow_bits};
    for (size_t i = 0; i < 10; i++)
        zk_wbuf_u32(w, head[i]);
    for (uint32_t i = 0; i <= p->n_rounds; i++) {
        zk_wbuf_u32(w, p->queries[i]);
        zk_wbuf_u32(w, p->pow_bits[i]);
        zk_wbuf_u32(w, p->fold_pow_bits[i]);
    }
}

/* Structural validity (everything except the soundness level). */
const char *zk_whir_params_check(const zk_whir_params *p)
{
    if (p->n_vars < 1 || p->n_vars > ZK_WHIR_MAX_VARS)
        return "n_vars out of range";
    if (p->hiding > 1)
        return "bad hiding flag";
    if (p->folding_factor < 1 || p->folding_factor > 6)
        return "folding factor out of range";
    if (p->log_inv_rate < 1 || p->log_inv_rate > 6)
        return "rate out of range";
    /* Hiding commitments may encode more variables than the minimum (a larger
     * mask R buys more openings: zk_whir_params_derive_budget). */
    if (p->hiding ? (p->total_vars < total_vars_for(p->n_vars, 1, p->folding_factor) ||
                     p->total_vars > ZK_WHIR_MAX_VARS + 1)
                  : p->total_vars != total_vars_for(p->n_vars, 0, p->folding_factor))
        return "total_vars inconsistent";
    if (p->total_vars + p->log_inv_rate > GL_TWO_ADICITY)
        return "domain exceeds the 2-adicity";
    uint32_t k = p->folding_factor, m = p->total_vars;
    if (m / k < 1 || m / k - 1 > ZK_WHIR_MAX_ROUNDS || p->n_rounds != m / k - 1)
        return "round count inconsistent";
    if (p->final_vars != m - k * (m / k))
        return "final_vars inconsistent";
    if (p->ood_samples < 1 || p->ood_samples > 4)
        return "OOD samples out of range";
    if (p->security_target < 128 || p->security_target > 256)
        return "security target out of range";
    if (p->max_pow_bits > 32)
        return "PoW bound out of range";
    for (uint32_t i = 0; i <= ZK_WHIR_MAX_ROUNDS; i++) {
        if (i > p->n_rounds) {
            if (p->queries[i] || p->pow_bits[i] || p->fold_pow_bits[i])
                return "unused round entries not zero";
            continue;
        }
        if (p->queries[i] < 1 || p->queries[i] > ZK_WHIR_MAX_QUERIES)
            return "query count out of range";
        if (p->pow_bits[i] > p->max_pow_bits || p->fold_pow_bits[i] > p->max_pow_bits)
            return "PoW bits out of range";
    }
    return NULL;
}

int zk_whir_params_read(zk_rbuf *r, zk_whir_params *p)
{
    ZK_CHECK_ARG(r != NULL && p != NULL);
    memset(p, 0, sizeof *p);
    uint32_t head[10];
    for (size_t i = 0; i < 10; i++)
        head[i] = zk_rbuf_u32(r);
    p->n_vars = head[0];
    p->total_vars = head[1];
    p->hiding = head[2];
    p->log_inv_rate = head[3];
    p->folding_factor = head[4];
    p->n_rounds = head[5];
    p->final_vars = head[6];
    p->ood_samples = head[7];
    p->security_target = head[8];
    p->max_pow_bits = head[9];
    if (r->err)
        return zk_set_error(ZK_ERR_INPUT, "WHIR params: %s", r->what ? r->what : "truncated");
    if (p->n_rounds > ZK_WHIR_MAX_ROUNDS) {
        zk_rbuf_fail(r, "WHIR params out of range");
        memset(p, 0, sizeof *p);
        return zk_set_error(ZK_ERR_INPUT, "WHIR params: round count out of range");
    }
    for (uint32_t i = 0; i <= p->n_rounds; i++) {
        p->queries[i] = zk_rbuf_u32(r);
        p->pow_bits[i] = zk_rbuf_u32(r);
        p->fold_pow_bits[i] = zk_rbuf_u32(r);
    }
    const char *why = r->err ? (r->what ? r->what : "truncated") : zk_whir_params_check(p);
    if (!why) {
        zk_soundness_report rep;
        zk_soundness_report_compute(&rep, p);
        p->achieved_bits = rep.total_bits;
        if (p->achieved_bits < (double)p->security_target - 1e-9)
            why = "parameters do not reach their security target";
    }
    if (why) {
        if (!r->err)
            zk_rbuf_fail(r, "invalid WHIR params");
        memset(p, 0, sizeof *p);
        return zk_set_error(ZK_ERR_INPUT, "WHIR params: %s", why);
    }
    return ZK_OK;
}

int zk_whir_params_equal(const zk_whir_params *a, const zk_whir_params *b)
{
    ZK_CHECK_ARG(a != NULL && b != NULL);
    if (a->n_vars != b->n_vars || a->total_vars != b->total_vars || a->hiding != b->hiding ||
        a->log_inv_rate != b->log_inv_rate || a->folding_factor != b->folding_factor ||
        a->n_rounds != b->n_rounds || a->final_vars != b->final_vars || a->ood_samples != b->ood_samples ||
        a->security_target != b->security_target || a->max_pow_bits != b->max_pow_bits)
        return 0;
    for (uint32_t i = 0; i <= ZK_WHIR_MAX_ROUNDS; i++)
        if (a->queries[i] != b->queries[i] || a->pow_bits[i] != b->pow_bits[i] ||
            a->fold_pow_bits[i] != b->fold_pow_bits[i])
            return 0;
    return 1;
}

/* ---- expected opening size ---- */

/* Expected number of sibling digests in a multi-path opening of t uniform
 * queries (with replacement) into a tree of 2^depth leaves: a node at level d
 * (2^d nodes) is sent iff it is not on an opened path but its sibling is. */
static double exp_siblings(double depth, double t)
{
    double s = 0;
    for (int d = 1; d <= (int)depth; d++) {
        double pn = pow(1.0 - ex2(-d), t), pb = pow(1.0 - ex2(1 - d), t);
        s += ex2(d) * (pn - pb);
    }
    return s;
}

static double exp_unique(double depth, double t)
{
    double L = ex2(depth);
    return L * (1.0 - pow(1.0 - 1.0 / L, t));
}

size_t zk_whir_expected_proof_bytes(const zk_whir_params *p)
{
    ZK_CHECK_ARG(p != NULL && p->n_rounds <= ZK_WHIR_MAX_ROUNDS);
    const double E = 24, B = 8, H = 32, SALT = 32;
    double k = p->folding_factor, w = p->ood_samples, bytes = 0;
    double leafn = ex2(k);
    if (p->hiding)
        bytes += H + 3.0 * w * E + E; /* M root; M(z_M), f'(z_M), M(z_f); one mu */
    for (uint32_t i = 0; i <= p->n_rounds; i++) {
        bytes += k * 2 * E + (p->fold_pow_bits[i] ? k * 8 : 0);
        if (i < p->n_rounds)
            bytes += H + w * E;
        else
            bytes += ex2(p->final_vars) * E;
        if (p->pow_bits[i])
            bytes += 8;
        double depth = mvars_of(p, i) + lir_of(p, i) - k, t = p->queries[i];
        double u = exp_unique(depth, t), sib = exp_siblings(depth, t);
        double salt = p->hiding ? SALT : 0;
        bytes += u * (leafn * (i == 0 ? B : E) + salt) + sib * H;
        if (i == 0 && p->hiding)
            bytes += u * (leafn * E + SALT) + sib * H; /* the mask tree */
    }
    return (size_t)llround(bytes);
}
