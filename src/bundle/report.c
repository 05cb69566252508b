/* HTML report of an audit bundle (placeholder: the renderer lands next). */
#include "bundle/bundle_internal.h"
int zk_bundle_report_html(const zk_bundle_manifest *m, const zk_bundle_stage_result *results, zk_wbuf *out)
{
    (void)m;
    (void)results;
    (void)out;
    return zk_set_error(ZK_ERR_INPUT, "audit report: not implemented yet");
}
