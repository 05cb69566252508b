/* Self-contained HTML report of an audit bundle (bundle.h): inline CSS and
 * SVG, no scripts, no external resources; every manifest string is escaped. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bundle/bundle_internal.h"

static void wf(zk_wbuf *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wf(zk_wbuf *w, const char *fmt, ...)
{
    char stack[1024];
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(stack, sizeof stack, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return;
    }
    if ((size_t)n < sizeof stack) {
        zk_wbuf_put(w, stack, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (!big) {
            w->oom = 1;
        } else {
            vsnprintf(big, (size_t)n + 1, fmt, ap2);
            zk_wbuf_put(w, big, (size_t)n);
            free(big);
        }
    }
    va_end(ap2);
}

static void ws(zk_wbuf *w, const char *s)
{
    zk_wbuf_put(w, s, strlen(s));
}

void zk_html_escape(zk_wbuf *out, const char *s)
{
    if (!s)
        return;
    for (const char *p = s; *p; p++) {
        switch (*p) {
        case '&': ws(out, "&amp;"); break;
        case '<': ws(out, "&lt;"); break;
        case '>': ws(out, "&gt;"); break;
        case '"': ws(out, "&quot;"); break;
        case '\'': ws(out, "&#39;"); break;
        default: zk_wbuf_u8(out, (uint8_t)*p);
        }
    }
}

#define E(s) zk_html_escape(w, (s))

static void fmt_bytes(char *out, size_t n, double b)
{
    if (b >= 1048576.0)
        snprintf(out, n, "%.2f MiB", b / 1048576.0);
    else if (b >= 1024.0)
        snprintf(out, n, "%.1f KiB", b / 1024.0);
    else
        snprintf(out, n, "%.0f B", b);
}

static const char *kind_title(zk_stage_kind k)
{
    switch (k) {
    case ZK_STAGE_DATA: return "Data commitment";
    case ZK_STAGE_PREPROCESS: return "Preprocessing";
    case ZK_STAGE_TRAIN: return "Training";
    case ZK_STAGE_EVAL: return "Offline evaluation";
    case ZK_STAGE_INFER: return "Inference";
    case ZK_STAGE_MONITOR: return "Monitoring";
    default: return "Stage";
    }
}

/* What a stage kind's proof means, for readers who do not know the tooling. */
static const char *kind_plain(zk_stage_kind k)
{
    switch (k) {
    case ZK_STAGE_DATA:
        return "The data owner fixed the dataset with a hiding commitment: every later proof refers to exactly "
               "this data, which no one but the owner sees. The range proof shows every value is a bounded number.";
    case ZK_STAGE_PREPROCESS:
        return "The declared preprocessing (cleaning, scaling, the train/test split) was applied exactly to the "
               "committed raw data; the results are committed as the training and test sets.";
    case ZK_STAGE_TRAIN:
        return "The committed model weights are exactly what the declared training procedure produces from the "
               "committed training set.";
    case ZK_STAGE_EVAL:
        return "The committed model, run on every row of the committed test set, achieves the stated metrics "
               "(and, where a sensitive attribute is declared, the stated group fairness figures).";
    case ZK_STAGE_INFER:
        return "The published outputs are exactly what the committed model computes on the published sample "
               "queries.";
    case ZK_STAGE_MONITOR:
        return "Over a window of served predictions, the stated monitoring statistics (class rates, accuracy on "
               "feedback, drift) and alerts are exactly those of the logged traffic of the committed model.";
    default:
        return "";
    }
}

static const char *annex_short(zk_stage_kind k)
{
    switch (k) {
    case ZK_STAGE_DATA:
    case ZK_STAGE_PREPROCESS: return "Data governance";
    case ZK_STAGE_TRAIN: return "Training methodology";
    case ZK_STAGE_EVAL: return "Accuracy / robustness metrics";
    case ZK_STAGE_INFER: return "Accuracy in operation";
    case ZK_STAGE_MONITOR: return "Post-market monitoring";
    default: return "";
    }
}

/* ---------------------------------------------------------- public values */

typedef struct {
    char path[160];
    double v;
} numleaf;

static int metric_name(const char *key)
{
    static const char *const names[] = {"accuracy", "precision", "recall", "f1", "parity", "opportunity",
                                        "auc", "rate", "psi", "balanced"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strstr(key, names[i]))
            return 1;
    return 0;
}

/* dst = a + sep + b, truncated to cap bytes (NUL included). */
static void cat3(char *dst, size_t cap, const char *a, const char *sep, const char *b)
{
    size_t n = 0;
    const char *parts[3] = {a, sep, b};
    for (int k = 0; k < 3; k++)
        for (const char *c = parts[k]; *c && n + 1 < cap; c++)
            dst[n++] = *c;
    dst[n] = 0;
}

/* Collect numeric leaves in [0, 1] with metric-like names (for the chart). */
static void collect_metrics(const cJSON *v, const char *path, numleaf *out, size_t *n, size_t cap, int depth)
{
    if (!v || depth > 6 || *n >= cap)
        return;
    if (cJSON_IsObject(v)) {
        const cJSON *c;
        cJSON_ArrayForEach(c, v)
        {
            char p[160];
            cat3(p, sizeof p, path, path[0] ? "." : "", c->string ? c->string : "?");
            collect_metrics(c, p, out, n, cap, depth + 1);
        }
    } else if (cJSON_IsNumber(v)) {
        const char *last = strrchr(path, '.');
        last = last ? last + 1 : path;
        double lo = strstr(path, "difference") ? -1.0 : 0.0; /* signed fairness gaps */
        if (isfinite(v->valuedouble) && v->valuedouble >= lo && v->valuedouble <= 1 && metric_name(path) &&
            !strstr(path, "count") && !strstr(path, "threshold") && strcmp(last, "num") != 0 &&
            strcmp(last, "den") != 0) {
            cat3(out[*n].path, sizeof out[*n].path, path, "", "");
            out[*n].v = v->valuedouble;
            (*n)++;
        }
    }
}

static void render_value(zk_wbuf *w, const cJSON *v, int depth)
{
    if (cJSON_IsString(v)) {
        ws(w, "<code>");
        E(v->valuestring);
        ws(w, "</code>");
    } else if (cJSON_IsNumber(v)) {
        wf(w, "%.6g", v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        ws(w, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNull(v)) {
        ws(w, "null");
    } else if (cJSON_IsArray(v)) {
        int n = cJSON_GetArraySize(v), shown = 0;
        ws(w, "[");
        const cJSON *c;
        cJSON_ArrayForEach(c, v)
        {
            if (shown == 12 || depth > 3) {
                wf(w, "%s… %d items", shown ? ", " : "", n);
                break;
            }
            if (shown)
                ws(w, ", ");
            render_value(w, c, depth + 1);
            shown++;
        }
        ws(w, "]");
    } else if (cJSON_IsObject(v)) {
        int shown = 0;
        ws(w, "{");
        const cJSON *c;
        cJSON_ArrayForEach(c, v)
        {
            if (shown == 12 || depth > 3) {
                ws(w, ", …");
                break;
            }
            if (shown)
                ws(w, ", ");
            E(c->string);
            ws(w, ": ");
            render_value(w, c, depth + 1);
            shown++;
        }
        ws(w, "}");
    }
}

static void render_public(zk_wbuf *w, const cJSON *pub)
{
    if (!pub || !cJSON_GetArraySize(pub)) {
        ws(w, "<p class=muted>No public values.</p>\n");
        return;
    }
    ws(w, "<table class=kv>\n");
    const cJSON *c;
    int rows = 0, total = cJSON_GetArraySize(pub);
    cJSON_ArrayForEach(c, pub)
    {
        if (rows == 40) {
            wf(w, "<tr><td colspan=2 class=muted>… %d more fields in the public file</td></tr>\n", total - rows);
            break;
        }
        ws(w, "<tr><th>");
        E(c->string);
        ws(w, "</th><td>");
        render_value(w, c, 0);
        ws(w, "</td></tr>\n");
        rows++;
    }
    ws(w, "</table>\n");
}

/* ------------------------------------------------------------------ charts */

/* Horizontal bar chart: labels[i], values[i] (>= 0), value text[i]. */
static void bar_chart(zk_wbuf *w, const char *title, size_t n, const char *const *labels, const double *vals,
                      const char *const *texts, double vmax, const char *color)
{
    const int lw = 330, bw = 400, rh = 26, top = 30;
    int h = top + (int)n * rh + 12;
    wf(w, "<svg class=chart role=img viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
          "xmlns=\"http://www.w3.org/2000/svg\">\n",
       lw + bw + 110, h, lw + bw + 110, h);
    ws(w, "<title>");
    E(title);
    ws(w, "</title>\n");
    wf(w, "<text x=\"0\" y=\"18\" class=ct>");
    E(title);
    ws(w, "</text>\n");
    if (vmax <= 0)
        vmax = 1;
    for (size_t i = 0; i < n; i++) {
        int y = top + (int)i * rh;
        double frac = vals[i] / vmax;
        if (!(frac >= 0))
            frac = 0;
        if (frac > 1)
            frac = 1;
        int len = (int)lround(frac * bw);
        if (len < 1 && vals[i] > 0)
            len = 1;
        wf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" class=cl>", lw - 8, y + 16);
        size_t ll = strlen(labels[i]);
        if (ll > 44) { /* keep the stage name and the informative end of long labels */
            char head[16];
            snprintf(head, sizeof head, "%.13s", labels[i]);
            E(head);
            ws(w, "…");
            E(labels[i] + ll - 29);
        } else {
            E(labels[i]);
        }
        ws(w, "</text>\n");
        wf(w, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#eef1f5\"/>", lw, y + 3, bw, rh - 8);
        wf(w, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", lw, y + 3, len, rh - 8, color);
        wf(w, "<text x=\"%d\" y=\"%d\" class=cv>", lw + len + 6, y + 16);
        E(texts[i]);
        ws(w, "</text>\n");
    }
    ws(w, "</svg>\n");
}

static void chain_diagram(zk_wbuf *w, const zk_bundle_manifest *m, const zk_bundle_stage_result *res)
{
    const int colw = 175, boxw = 150, boxh = 46, sy = 20, cy0 = 130, ch = 40, chg = 12;
    size_t n = m->n_stages, maxout = 1;
    for (size_t i = 0; i < n; i++)
        if (m->stages[i].n_outputs > maxout)
            maxout = m->stages[i].n_outputs;
    int width = (int)n * colw + 20, height = cy0 + (int)maxout * (ch + chg) + 20;
    wf(w, "<svg class=chain role=img viewBox=\"0 0 %d %d\" width=\"100%%\" xmlns=\"http://www.w3.org/2000/svg\">\n",
       width, height);
    ws(w, "<title>Commitment chain: each stage's input commitments are earlier stages' outputs</title>\n"
          "<defs><marker id=\"arr\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
          "orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#4a5a70\"/></marker></defs>\n");
    /* edges first (under the boxes) */
    for (size_t i = 0; i < n; i++) {
        const zk_bundle_stage *s = &m->stages[i];
        int sx = 10 + (int)i * colw;
        for (size_t o = 0; o < s->n_outputs; o++) {
            int oy = cy0 + (int)o * (ch + chg);
            wf(w, "<path d=\"M%d,%d L%d,%d\" class=edge marker-end=\"url(#arr)\"/>\n", sx + boxw / 2, sy + boxh,
               sx + boxw / 2, oy);
        }
        for (size_t k = 0; k < s->n_inputs; k++) {
            const zk_bundle_ref *r = &s->inputs[k];
            int p = zk_bundle_find_stage(m, r->from_stage);
            if (p < 0)
                continue;
            const zk_bundle_stage *ps = &m->stages[p];
            if (ps->n_outputs == 0) /* a reference to a stage without outputs: nothing to draw */
                continue;
            size_t oi = 0;
            for (size_t o = 0; o < ps->n_outputs; o++)
                if (ps->outputs[o].role && r->from_role && strcmp(ps->outputs[o].role, r->from_role) == 0)
                    oi = o;
            int ox = 10 + p * colw + boxw, oy = cy0 + (int)oi * (ch + chg) + ch / 2;
            int tx = sx + 20 + (int)k * 14, ty = sy + boxh;
            int ok = ps->outputs[oi].id && r->id && strcmp(ps->outputs[oi].id, r->id) == 0;
            wf(w, "<path d=\"M%d,%d C%d,%d %d,%d %d,%d\" class=\"edge%s\" marker-end=\"url(#arr)\"/>\n", ox, oy,
               ox + 40, oy, tx, ty + 50, tx, ty + 2, ok ? "" : " broken");
        }
    }
    for (size_t i = 0; i < n; i++) {
        const zk_bundle_stage *s = &m->stages[i];
        int sx = 10 + (int)i * colw;
        const char *cls = !res || !res[i].checked ? "st" : res[i].valid ? "st ok" : "st bad";
        wf(w, "<g><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"8\" class=\"%s\"/>", sx, sy, boxw, boxh,
           cls);
        wf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=sn>", sx + boxw / 2, sy + 20);
        if (res && res[i].checked)
            ws(w, res[i].valid ? "✓ " : "✗ ");
        E(s->name);
        wf(w, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=sk>", sx + boxw / 2, sy + 37);
        E(kind_title(s->kind));
        ws(w, "</text></g>\n");
        for (size_t o = 0; o < s->n_outputs; o++) {
            int oy = cy0 + (int)o * (ch + chg);
            wf(w, "<g><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"18\" class=\"com\"/>", sx, oy, boxw, ch);
            wf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=cn>", sx + boxw / 2, oy + 17);
            E(s->outputs[o].file);
            wf(w, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\" class=ci>", sx + boxw / 2, oy + 32);
            char shortid[20];
            snprintf(shortid, sizeof shortid, "%.12s…", s->outputs[o].id ? s->outputs[o].id : "");
            E(shortid);
            ws(w, "</text></g>\n");
        }
    }
    ws(w, "</svg>\n");
}

/* ------------------------------------------------------------------ report */

static const char *css =
    "body{font:15px/1.5 -apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;color:#1d2633;margin:0;"
    "background:#f6f7f9}main{max-width:1120px;margin:0 auto;padding:24px 32px 60px;background:#fff}"
    "h1{font-size:26px;margin:8px 0 4px}h2{font-size:20px;margin:34px 0 10px;border-bottom:2px solid #e3e7ee;"
    "padding-bottom:4px}h3{font-size:17px;margin:0 0 6px}.muted{color:#66707f}code{font:13px/1.4 "
    "'DejaVu Sans Mono',monospace;background:#f1f3f6;padding:1px 4px;border-radius:3px;word-break:break-all}"
    ".banner{padding:12px 16px;border-radius:8px;font-weight:600;margin:14px 0}.banner.ok{background:#e3f5e8;"
    "color:#17613a;border:1px solid #a9dcb9}.banner.bad{background:#fde8e8;color:#8a1c1c;border:1px solid #f0b3b3}"
    ".banner.nv{background:#fff6df;color:#7a5a00;border:1px solid #f0d98a}table{border-collapse:collapse;"
    "width:100%;margin:8px 0}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e6e9ef;"
    "vertical-align:top}thead th{background:#f1f3f6;font-size:13px;text-transform:uppercase;letter-spacing:.03em}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}table.kv th{width:32%;font-weight:600;"
    "color:#3a4657}.card{border:1px solid #e1e5ec;border-radius:10px;padding:14px 18px;margin:14px 0}"
    ".tag{display:inline-block;font-size:12px;padding:1px 8px;border-radius:10px;background:#e8eefb;"
    "color:#28437a;margin-left:8px}.tag.ok{background:#e3f5e8;color:#17613a}.tag.bad{background:#fde8e8;"
    "color:#8a1c1c}.props{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}.prop{border:1px solid "
    "#e1e5ec;border-radius:10px;padding:12px}.prop b{display:block;font-size:16px}svg text{font-family:"
    "'DejaVu Sans',sans-serif}.ct{font-size:15px;font-weight:600;fill:#1d2633}.cl{font-size:13px;fill:#3a4657}"
    ".cv{font-size:13px;fill:#1d2633}.st{fill:#eef3fb;stroke:#5b7bb5;stroke-width:1.5}.st.ok{fill:#e6f6ea;"
    "stroke:#3a9a5c}.st.bad{fill:#fde8e8;stroke:#c0392b}.com{fill:#fff8e6;stroke:#c9a23a;stroke-width:1.2}"
    ".sn{font-size:14px;font-weight:600;fill:#1d2633}.sk{font-size:12px;fill:#4a5a70}.cn{font-size:12px;"
    "fill:#1d2633}.ci{font-size:11px;fill:#7a6a3a;font-family:'DejaVu Sans Mono',monospace}.edge{fill:none;"
    "stroke:#4a5a70;stroke-width:1.4}.edge.broken{stroke:#c0392b;stroke-dasharray:5 3}.alert{color:#8a1c1c;"
    "font-weight:600}footer{margin-top:40px;font-size:13px;color:#66707f}";

int zk_bundle_report_html(const zk_bundle_manifest *m, const zk_bundle_stage_result *res, zk_wbuf *w)
{
    size_t n = m->n_stages;
    int verified = res != NULL, all_ok = 1;
    for (size_t i = 0; res && i < n; i++)
        all_ok &= res[i].checked && res[i].valid;
    double min_bits = INFINITY, total_prove = 0, total_verify = 0;
    uint64_t total_bytes = 0;
    for (size_t i = 0; i < n; i++) {
        if (m->stages[i].security_bits < min_bits)
            min_bits = m->stages[i].security_bits;
        total_prove += m->stages[i].prover_seconds;
        total_bytes += m->stages[i].proof_bytes;
        total_verify += res && res[i].checked ? res[i].verify_seconds : m->stages[i].verify_seconds;
    }
    if (!isfinite(min_bits))
        min_bits = 0;

    ws(w, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>zkmlops audit report — ");
    E(m->pipeline_name);
    ws(w, "</title>\n<style>");
    ws(w, css);
    ws(w, "</style></head>\n<body><main>\n");
    ws(w, "<p class=muted>zkmlops audit report</p>\n<h1>");
    E(m->pipeline_name);
    ws(w, "</h1>\n<p class=muted>Bundle created ");
    E(m->created);
    ws(w, " by zkmlops ");
    E(m->tool_version);
    wf(w, " · %zu stages · %zu files · manifest: in-toto Statement v1, predicate <code>", n, m->n_subjects);
    E(ZK_BUNDLE_PREDICATE_TYPE);
    ws(w, "</code></p>\n");
    if (!verified)
        ws(w, "<div class=\"banner nv\">Not verified: this report renders the manifest only. Run "
              "<code>zkmlops audit verify BUNDLE/</code> to check every proof.</div>\n");
    else if (all_ok)
        wf(w, "<div class=\"banner ok\">✓ Verified: all %zu file digests, all %zu stage proofs and the commitment "
              "chain hold (stage verifiers: %.2f s in total).</div>\n",
           m->n_subjects, n, total_verify);
    else {
        size_t bad = 0;
        for (size_t i = 0; i < n; i++)
            bad += !res[i].valid;
        wf(w, "<div class=\"banner bad\">✗ Verification failed for %zu of %zu stages: the claims below are NOT "
              "established. Reasons are given per stage.</div>\n",
           bad, n);
    }

    /* overview table */
    ws(w, "<h2>Overview</h2>\n<table><thead><tr><th>#</th><th>Stage</th><th>EU AI Act item</th><th>Status</th>"
          "<th>Proof</th><th>Prover</th><th>Verify</th><th>Security</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const zk_bundle_stage *s = &m->stages[i];
        char pb[32];
        fmt_bytes(pb, sizeof pb, (double)s->proof_bytes);
        wf(w, "<tr><td>%zu</td><td><b>", i + 1);
        E(s->name);
        ws(w, "</b> <span class=muted>");
        E(kind_title(s->kind));
        ws(w, "</span></td><td>");
        E(annex_short(s->kind));
        ws(w, "</td><td>");
        if (!res || !res[i].checked)
            ws(w, "<span class=tag>not verified</span>");
        else if (res[i].valid)
            ws(w, "<span class=\"tag ok\">✓ valid</span>");
        else
            ws(w, "<span class=\"tag bad\">✗ rejected</span>");
        double vs = res && res[i].checked ? res[i].verify_seconds : s->verify_seconds;
        wf(w, "</td><td class=num>%s</td><td class=num>%.2f s</td><td class=num>%.3f s</td><td class=num>%.1f "
              "bits</td></tr>\n",
           pb, s->prover_seconds, vs, s->security_bits);
    }
    char tb[32];
    fmt_bytes(tb, sizeof tb, (double)total_bytes);
    wf(w, "<tr><td></td><td><b>total</b></td><td></td><td></td><td class=num><b>%s</b></td><td class=num><b>%.2f "
          "s</b></td><td class=num><b>%.3f s</b></td><td class=num><b>%.1f bits</b> (min)</td></tr>\n",
       tb, total_prove, total_verify, min_bits);
    ws(w, "</tbody></table>\n");

    /* security properties */
    ws(w, "<h2>Security properties</h2>\n<div class=props>\n");
    ws(w, "<div class=prop><b>Transparent</b>No trusted setup: all parameters are public and derived by hashing; "
          "there is no secret that could forge proofs.</div>\n");
    ws(w, "<div class=prop><b>Post-quantum</b>Hash-based only: SHA-256 Merkle trees and the Fiat–Shamir transform "
          "over the Goldilocks field; no elliptic curves, pairings or discrete logarithms.</div>\n");
    ws(w, "<div class=prop><b>Zero-knowledge</b>Hiding WHIR commitments and masked sumchecks: proofs reveal the "
          "public claims and nothing else about the data or the model weights.</div>\n");
    wf(w, "<div class=prop><b>%.1f bits</b>Provable soundness of the weakest stage (Johnson-bound analysis of "
          "WHIR, Spartan/sumcheck terms; <code>zkmlops params</code> shows every term).</div>\n",
       min_bits);
    ws(w, "</div>\n");

    /* public claims */
    ws(w, "<h2>Public claims</h2>\n");
    numleaf leaves[48];
    size_t nl = 0;
    for (size_t i = 0; i < n; i++) {
        const zk_bundle_stage *s = &m->stages[i];
        if (s->kind != ZK_STAGE_EVAL && s->kind != ZK_STAGE_MONITOR)
            continue;
        size_t before = nl;
        collect_metrics(s->public_values, "", leaves, &nl, sizeof leaves / sizeof leaves[0], 0);
        for (size_t k = before; k < nl; k++) {
            char p[160];
            cat3(p, sizeof p, s->name, ": ", leaves[k].path);
            memcpy(leaves[k].path, p, sizeof p);
        }
    }
    if (nl) {
        const char *labels[48], *texts[48];
        double vals[48];
        char tbuf[48][32];
        for (size_t k = 0; k < nl; k++) {
            labels[k] = leaves[k].path;
            vals[k] = fabs(leaves[k].v); /* bar length; the text keeps the sign */
            snprintf(tbuf[k], sizeof tbuf[k], "%.4f", leaves[k].v);
            texts[k] = tbuf[k];
        }
        bar_chart(w, "Metric values (proved; scale 0 to 1; fairness gaps as absolute values)", nl, labels, vals, texts, 1.0, "#3a7bd5");
    } else {
        ws(w, "<p class=muted>No metric values in [0, 1] among the evaluation and monitoring claims.</p>\n");
    }
    /* drift alerts */
    for (size_t i = 0; i < n; i++) {
        const zk_bundle_stage *s = &m->stages[i];
        if (s->kind != ZK_STAGE_MONITOR)
            continue;
        const cJSON *al = cJSON_GetObjectItemCaseSensitive(s->public_values, "alerts");
        ws(w, "<p><b>Monitoring alerts (");
        E(s->name);
        ws(w, "):</b> ");
        if (cJSON_IsObject(al))
            al = cJSON_GetObjectItemCaseSensitive(al, "fired");
        if (cJSON_IsArray(al) && cJSON_GetArraySize(al) > 0) {
            ws(w, "<span class=alert>");
            render_value(w, al, 0);
            ws(w, "</span>");
        } else if (cJSON_IsArray(al)) {
            ws(w, "none fired.");
        } else {
            ws(w, "<span class=muted>not stated in the public claims.</span>");
        }
        ws(w, "</p>\n");
    }

    /* charts: time and size */
    ws(w, "<h2>Cost per stage</h2>\n");
    {
        const char **labels = calloc(n + 1, sizeof *labels), **texts = calloc(n + 1, sizeof *texts);
        double *vals = calloc(n + 1, sizeof *vals);
        char(*tb2)[32] = calloc(n + 1, sizeof *tb2);
        if (labels && texts && vals && tb2) {
            double mx = 0;
            for (size_t i = 0; i < n; i++) {
                labels[i] = m->stages[i].name;
                vals[i] = m->stages[i].prover_seconds;
                snprintf(tb2[i], 32, "%.2f s", vals[i]);
                texts[i] = tb2[i];
                if (vals[i] > mx)
                    mx = vals[i];
            }
            bar_chart(w, "Prover time per stage (seconds)", n, labels, vals, texts, mx, "#e07b39");
            mx = 0;
            for (size_t i = 0; i < n; i++) {
                vals[i] = (double)m->stages[i].proof_bytes;
                fmt_bytes(tb2[i], 32, vals[i]);
                if (vals[i] > mx)
                    mx = vals[i];
            }
            bar_chart(w, "Proof size per stage", n, labels, vals, texts, mx, "#5b9b6b");
            mx = 0;
            for (size_t i = 0; i < n; i++) {
                vals[i] = res && res[i].checked ? res[i].verify_seconds : m->stages[i].verify_seconds;
                snprintf(tb2[i], 32, "%.3f s", vals[i]);
                if (vals[i] > mx)
                    mx = vals[i];
            }
            bar_chart(w, "Verification time per stage (seconds)", n, labels, vals, texts, mx, "#8a6bbf");
        } else {
            w->oom = 1;
        }
        free(labels);
        free(texts);
        free(vals);
        free(tb2);
    }

    /* chain */
    ws(w, "<h2>Commitment chain</h2>\n<p>Each box is a stage; each pill below it a commitment the stage outputs "
          "(file and the first hex digits of its SHA-256 id). Arrows lead from a commitment to every later stage "
          "that takes it as input; verification checks that the ids are equal, so every stage is about the very "
          "data and model the previous stages produced.</p>\n");
    chain_diagram(w, m, res);

    /* stages */
    ws(w, "<h2>What each stage proves</h2>\n");
    for (size_t i = 0; i < n; i++) {
        const zk_bundle_stage *s = &m->stages[i];
        wf(w, "<div class=card><h3>%zu. ", i + 1);
        E(kind_title(s->kind));
        ws(w, " — <code>");
        E(s->name);
        ws(w, "</code>");
        if (res && res[i].checked)
            ws(w, res[i].valid ? "<span class=\"tag ok\">✓ valid</span>" : "<span class=\"tag bad\">✗ rejected</span>");
        ws(w, "</h3>\n<p>");
        E(kind_plain(s->kind));
        ws(w, "</p>\n<p><b>Statement:</b> ");
        E(s->statement);
        ws(w, "</p>\n");
        if (res && res[i].checked && !res[i].valid) {
            ws(w, "<p class=alert>Rejected: ");
            E(res[i].reason);
            ws(w, "</p>\n");
        }
        ws(w, "<p><b>EU AI Act:</b> ");
        E(zk_stage_annex_iv(s->kind));
        ws(w, "</p>\n<table class=kv>\n");
        for (size_t k = 0; k < s->n_inputs; k++) {
            ws(w, "<tr><th>input ");
            E(s->inputs[k].role);
            ws(w, "</th><td><code>");
            E(s->inputs[k].file);
            ws(w, "</code> from stage <code>");
            E(s->inputs[k].from_stage);
            ws(w, "</code> (output ");
            E(s->inputs[k].from_role);
            ws(w, "), id <code>");
            E(s->inputs[k].id);
            ws(w, "</code></td></tr>\n");
        }
        for (size_t k = 0; k < s->n_outputs; k++) {
            ws(w, "<tr><th>output ");
            E(s->outputs[k].role);
            ws(w, "</th><td><code>");
            E(s->outputs[k].file);
            ws(w, "</code>, id <code>");
            E(s->outputs[k].id);
            ws(w, "</code></td></tr>\n");
        }
        char pb[32];
        fmt_bytes(pb, sizeof pb, (double)s->proof_bytes);
        ws(w, "<tr><th>proof</th><td><code>");
        E(s->proof);
        wf(w, "</code>, %s (%llu bytes), %.1f bits of security, prover %.2f s</td></tr>\n", pb,
           (unsigned long long)s->proof_bytes, s->security_bits, s->prover_seconds);
        if (s->parameters && cJSON_GetArraySize(s->parameters)) {
            ws(w, "<tr><th>parameters</th><td>");
            render_value(w, s->parameters, 0);
            ws(w, "</td></tr>\n");
        }
        ws(w, "</table>\n<p><b>Public values</b>");
        if (s->public_file) {
            ws(w, " (<code>");
            E(s->public_file);
            ws(w, "</code>)");
        }
        ws(w, ":</p>\n");
        render_public(w, s->public_values);
        ws(w, "</div>\n");
    }

    /* Annex IV */
    ws(w, "<h2>EU AI Act technical documentation (Annex IV) mapping</h2>\n<table><thead><tr><th>Stage</th>"
          "<th>Supports</th><th>Evidence in this bundle</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < n; i++) {
        const zk_bundle_stage *s = &m->stages[i];
        ws(w, "<tr><td><b>");
        E(s->name);
        ws(w, "</b></td><td>");
        E(zk_stage_annex_iv(s->kind));
        ws(w, "</td><td><code>");
        E(s->proof);
        ws(w, "</code>");
        if (s->public_file) {
            ws(w, ", <code>");
            E(s->public_file);
            ws(w, "</code>");
        }
        ws(w, "</td></tr>\n");
    }
    ws(w, "</tbody></table>\n<p class=muted>The proofs establish the mathematical claims above; the narrative "
          "parts of the technical documentation (intended purpose, risk management, human oversight) are outside "
          "their scope.</p>\n");

    /* files */
    ws(w, "<h2>Files and digests</h2>\n<table><thead><tr><th>File</th><th>SHA-256</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < m->n_subjects; i++) {
        ws(w, "<tr><td><code>");
        E(m->subjects[i].name);
        ws(w, "</code></td><td><code>");
        E(m->subjects[i].sha256);
        ws(w, "</code></td></tr>\n");
    }
    ws(w, "</tbody></table>\n<footer>Check this bundle yourself: <code>zkmlops audit verify BUNDLE/</code> (exit 0 "
          "only if every digest, every proof and the commitment chain hold). Format: docs/audit.md.</footer>\n"
          "</main></body></html>\n");
    return w->oom ? zk_set_error(ZK_ERR_NOMEM, "out of memory") : ZK_OK;
}
