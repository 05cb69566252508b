/* The proof-file container: header and length-prefixed sections. */
#include "zkmlops/proof.h"

#include <string.h>

#include "zkmlops/status.h"

static const char *kind_name(uint32_t k)
{
    switch (k) {
    case ZK_PROOF_STATS:
        return "dataset statistics";
    case ZK_PROOF_WHIR_OPENING:
        return "WHIR opening";
    case ZK_PROOF_RANGE:
        return "dataset range";
    case ZK_PROOF_R1CS:
        return "R1CS (Spartan)";
    case ZK_PROOF_PREPROCESS:
        return "preprocessing";
    case ZK_PROOF_TRAIN:
        return "training";
    case ZK_PROOF_EVAL:
        return "evaluation (offline metrics)";
    case ZK_PROOF_INFER:
        return "inference";
    case ZK_PROOF_MONITOR:
        return "monitoring window";
    default:
        return "unknown";
    }
}

void zk_proof_header_write(zk_wbuf *w, zk_proof_kind kind)
{
    zk_wbuf_put(w, ZK_PROOF_MAGIC, 8);
    zk_wbuf_u32(w, (uint32_t)ZK_PROOF_VERSION | ((uint32_t)kind << 16));
    zk_wbuf_u32(w, 0);
}

int zk_proof_header_read(zk_rbuf *r, zk_proof_kind kind)
{
    const uint8_t *m = zk_rbuf_take(r, 8);
    if (!m)
        return zk_set_error(ZK_ERR_INPUT, "truncated proof header");
    if (memcmp(m, ZK_PROOF_MAGIC, 8) != 0)
        return zk_set_error(ZK_ERR_INPUT, "not a zkmlops proof file (bad magic)");
    uint32_t vk = zk_rbuf_u32(r), reserved = zk_rbuf_u32(r);
    if (r->err)
        return zk_set_error(ZK_ERR_INPUT, "truncated proof header");
    if ((vk & 0xffff) != ZK_PROOF_VERSION)
        return zk_set_error(ZK_ERR_INPUT, "unsupported proof format version %u (this build reads %u)",
                            vk & 0xffff, ZK_PROOF_VERSION);
    if ((vk >> 16) != (uint32_t)kind)
        return zk_set_error(ZK_ERR_INPUT, "this is a %s proof (kind %u), expected a %s proof",
                            kind_name(vk >> 16), vk >> 16, kind_name(kind));
    if (reserved != 0)
        return zk_set_error(ZK_ERR_INPUT, "proof header: reserved field is not zero");
    return ZK_OK;
}

size_t zk_proof_section_begin(zk_wbuf *w, uint32_t tag)
{
    zk_wbuf_u32(w, tag);
    size_t at = w->len;
    zk_wbuf_u64(w, 0);
    return at;
}

void zk_proof_section_end(zk_wbuf *w, size_t at)
{
    if (w->oom || at + 8 > w->len)
        return;
    uint64_t len = (uint64_t)(w->len - at - 8);
    for (int i = 0; i < 8; i++)
        w->data[at + (size_t)i] = (uint8_t)(len >> (8 * i));
}

int zk_proof_section_read(zk_rbuf *r, uint32_t tag, const char *name, zk_rbuf *sub)
{
    uint32_t t = zk_rbuf_u32(r);
    uint64_t len = zk_rbuf_u64(r);
    if (r->err)
        return zk_set_error(ZK_ERR_INPUT, "proof truncated before section '%s'", name);
    if (t != tag)
        return zk_set_error(ZK_ERR_INPUT, "expected section '%s' (tag %u), found tag %u", name, tag, t);
    if (len > zk_rbuf_left(r))
        return zk_set_error(ZK_ERR_INPUT, "section '%s' declares %llu bytes, only %zu remain", name,
                            (unsigned long long)len, zk_rbuf_left(r));
    const uint8_t *p = zk_rbuf_take(r, (size_t)len);
    zk_rbuf_init(sub, p, (size_t)len);
    return ZK_OK;
}

int zk_proof_section_done(const zk_rbuf *sub, const char *name)
{
    if (sub->err)
        return zk_set_error(ZK_ERR_REJECT, "section '%s' is malformed: %s", name,
                            sub->what ? sub->what : "invalid");
    if (zk_rbuf_left(sub) != 0)
        return zk_set_error(ZK_ERR_REJECT, "section '%s' has %zu unexpected trailing bytes", name,
                            zk_rbuf_left(sub));
    return ZK_OK;
}
