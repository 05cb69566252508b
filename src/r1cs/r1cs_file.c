/*
 * r1cs_file.c — readers for circom's binary .r1cs and .wtns files (iden3
 * binfileutils container; r1csfile spec), and the witness check. Every count
 * is checked against the bytes that remain and against the limits of r1cs.h
 * before anything is allocated.
 */
#include "zkmlops/r1cs.h"
#include "zkmlops/limits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PRIME_BYTES_MAX 64u
#define MAX_LISTED_WIRES 8u

/* ------------------------------------------------------------ container */

typedef struct {
    uint32_t type;
    size_t off, size;
} bin_section;

typedef struct {
    const char *name; /* file name for messages ("" if none) */
    uint32_t version;
    uint32_t n;
    bin_section sec[ZK_R1CS_MAX_SECTIONS];
} bin_file;

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static const char *nm(const char *name) { return name ? name : "input"; }

/* Scan magic, version and every section header; sections may be in any order. */
static int bin_open(bin_file *f, const uint8_t *data, size_t len, const char magic[4], uint32_t min_version,
                    uint32_t max_version, const char *kind)
{
    if (len < 12)
        return zk_set_error(ZK_ERR_INPUT, "%s: too short for a %s file (%zu bytes)", f->name, kind, len);
    if (memcmp(data, magic, 4) != 0) {
        char m[5];
        for (int i = 0; i < 4; i++)
            m[i] = (data[i] >= 32 && data[i] < 127) ? (char)data[i] : '?';
        m[4] = 0;
        return zk_set_error(ZK_ERR_INPUT, "%s: not a %s file (magic \"%s\", expected \"%.4s\")", f->name, kind, m,
                            magic);
    }
    f->version = rd32(data + 4);
    if (f->version < min_version || f->version > max_version)
        return zk_set_error(ZK_ERR_INPUT, "%s: unsupported %s version %u (this build reads %u..%u)", f->name, kind,
                            f->version, min_version, max_version);
    uint32_t ns = rd32(data + 8);
    if (ns > ZK_R1CS_MAX_SECTIONS)
        return zk_set_error(ZK_ERR_INPUT, "%s: %u sections, over the limit of %u", f->name, ns,
                            ZK_R1CS_MAX_SECTIONS);
    size_t pos = 12;
    for (uint32_t i = 0; i < ns; i++) {
        if (len - pos < 12)
            return zk_set_error(ZK_ERR_INPUT, "%s: truncated: section header %u of %u at offset %zu", f->name,
                                i + 1, ns, pos);
        uint32_t type = rd32(data + pos);
        uint64_t size = rd64(data + pos + 4);
        pos += 12;
        if (size > len - pos)
            return zk_set_error(ZK_ERR_INPUT,
                                "%s: section %u (type %u) declares %llu bytes but only %zu remain (truncated file?)",
                                f->name, i + 1, type, (unsigned long long)size, len - pos);
        f->sec[i].type = type;
        f->sec[i].off = pos;
        f->sec[i].size = (size_t)size;
        pos += (size_t)size;
    }
    if (pos != len)
        return zk_set_error(ZK_ERR_INPUT, "%s: %zu unexpected bytes after the last section", f->name, len - pos);
    f->n = ns;
    return ZK_OK;
}

/* The unique section of a type: ZK_OK with *s set, or an error if missing /
 * duplicated (required) or duplicated (optional, *s = NULL if absent). */
static int bin_section_find(const bin_file *f, uint32_t type, const char *what, int required, const bin_section **s)
{
    *s = NULL;
    for (uint32_t i = 0; i < f->n; i++) {
        if (f->sec[i].type != type)
            continue;
        if (*s)
            return zk_set_error(ZK_ERR_INPUT, "%s: duplicated %s section (type %u)", f->name, what, type);
        *s = &f->sec[i];
    }
    if (!*s && required)
        return zk_set_error(ZK_ERR_INPUT, "%s: missing %s section (type %u)", f->name, what, type);
    return ZK_OK;
}

/* ------------------------------------------------------------ primes */

/* Decimal of a little-endian unsigned integer of n <= 64 bytes. */
static void le_to_decimal(char *out, size_t out_len, const uint8_t *le, size_t n)
{
    uint8_t be[PRIME_BYTES_MAX];
    char digits[PRIME_BYTES_MAX * 3 + 2];
    size_t nd = 0;
    for (size_t i = 0; i < n; i++)
        be[i] = le[n - 1 - i];
    for (;;) {
        int nonzero = 0;
        unsigned rem = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned cur = rem * 256u + be[i];
            be[i] = (uint8_t)(cur / 10u);
            rem = cur % 10u;
            nonzero |= be[i] != 0;
        }
        digits[nd++] = (char)('0' + rem);
        if (!nonzero)
            break;
    }
    size_t k = 0;
    while (nd > 0 && k + 1 < out_len)
        out[k++] = digits[--nd];
    out[k] = 0;
}

static const struct {
    const char *name, *dec;
} known_primes[] = {
    {"bn128", "21888242871839275222246405745257275088548364400416034343698204186575808495617"},
    {"bls12381", "52435875175126190479447740508185965837690552500527637822603658699938581184513"},
    {"bls12377", "8444461749428370424248824938781546531375899335154063827935233455917409239041"},
    {"grumpkin", "21888242871839275222246405745257275088696311157297823662689037894645226208583"},
    {"pallas", "28948022309329048855892746252171976963363056481941560715954676764349967630337"},
    {"vesta", "28948022309329048855892746252171976963363056481941647379679742748393362948097"},
    {"secq256r1", "115792089210356248762697446949407573530086143415290314195533631308867097853951"},
    {"m31", "2147483647"},
};

/* Field size and prime of a header: ZK_OK iff fs == 8 and prime == p. */
static int check_prime(const char *fname, const char *kind, uint32_t fs, const uint8_t *prime, size_t avail)
{
    if (fs == 8 && avail >= 8 && rd64(prime) == GL_P)
        return ZK_OK;
    if (fs == 0 || fs > PRIME_BYTES_MAX || fs % 8 != 0 || avail < fs)
        return zk_set_error(ZK_ERR_INPUT,
                            "%s: %s field size %u bytes is not Goldilocks (8 bytes); compile the circuit with "
                            "`circom --prime goldilocks`",
                            fname, kind, fs);
    char dec[PRIME_BYTES_MAX * 3 + 2];
    le_to_decimal(dec, sizeof dec, prime, fs);
    const char *pname = NULL;
    for (size_t i = 0; i < sizeof known_primes / sizeof known_primes[0]; i++)
        if (strcmp(dec, known_primes[i].dec) == 0)
            pname = known_primes[i].name;
    return zk_set_error(ZK_ERR_INPUT,
                        "%s: %s is over the prime %s%s%s%s, but zkmlops works over Goldilocks "
                        "p = 18446744069414584321 (2^64 - 2^32 + 1): compile the circuit with "
                        "`circom --prime goldilocks`",
                        fname, kind, dec, pname ? " (" : "", pname ? pname : "", pname ? ")" : "");
}

/* ------------------------------------------------------------ .r1cs */

uint64_t zk_r1cs_terms(const zk_r1cs *c)
{
    uint64_t t = 0;
    for (int k = 0; k < 3; k++)
        if (c->abc[k].row_ptr)
            t += c->abc[k].row_ptr[c->n_constraints];
    return t;
}

void zk_r1cs_free(zk_r1cs *c)
{
    if (!c)
        return;
    for (int k = 0; k < 3; k++) {
        free(c->abc[k].row_ptr);
        free(c->abc[k].wire);
        free(c->abc[k].coeff);
    }
    free(c->labels);
    memset(c, 0, sizeof *c);
}

static int parse_r1cs_header(zk_r1cs *c, const bin_file *f, const uint8_t *data)
{
    const bin_section *h;
    int rc = bin_section_find(f, 1, "header", 1, &h);
    if (rc != ZK_OK)
        return rc;
    const uint8_t *p = data + h->off;
    if (h->size < 4)
        return zk_set_error(ZK_ERR_INPUT, "%s: header section too short (%zu bytes)", f->name, h->size);
    uint32_t fs = rd32(p);
    if ((rc = check_prime(f->name, "the circuit", fs, p + 4, h->size - 4)) != ZK_OK)
        return rc;
    if (h->size != 8 + 32)
        return zk_set_error(ZK_ERR_INPUT, "%s: header section is %zu bytes, expected 40", f->name, h->size);
    p += 12;
    c->n_wires = rd32(p);
    c->n_pub_out = rd32(p + 4);
    c->n_pub_in = rd32(p + 8);
    c->n_prv_in = rd32(p + 12);
    c->n_labels = rd64(p + 16);
    c->n_constraints = rd32(p + 24);
    if (c->n_wires == 0)
        return zk_set_error(ZK_ERR_INPUT, "%s: nWires is 0 (wire 0, the constant 1, must exist)", f->name);
    if (c->n_wires > zk_limit(ZK_LIMIT_R1CS_WIRES))
        return zk_set_error(ZK_ERR_NOMEM, "%s: %u wires, over the limit r1cs_wires = %llu", f->name, c->n_wires,
                            (unsigned long long)zk_limit(ZK_LIMIT_R1CS_WIRES));
    if (c->n_constraints > zk_limit(ZK_LIMIT_R1CS_CONSTRAINTS))
        return zk_set_error(ZK_ERR_NOMEM, "%s: %u constraints, over the limit r1cs_constraints = %llu", f->name,
                            c->n_constraints, (unsigned long long)zk_limit(ZK_LIMIT_R1CS_CONSTRAINTS));
    uint64_t io = (uint64_t)c->n_pub_out + c->n_pub_in + c->n_prv_in;
    if (io + 1 > c->n_wires)
        return zk_set_error(ZK_ERR_INPUT, "%s: %u outputs + %u public inputs + %u private inputs do not fit in %u wires",
                            f->name, c->n_pub_out, c->n_pub_in, c->n_prv_in, c->n_wires);
    if ((uint64_t)c->n_pub_out + c->n_pub_in > zk_limit(ZK_LIMIT_R1CS_PUBLIC))
        return zk_set_error(ZK_ERR_NOMEM, "%s: %llu public signals, over the limit r1cs_public = %llu", f->name,
                            (unsigned long long)((uint64_t)c->n_pub_out + c->n_pub_in),
                            (unsigned long long)zk_limit(ZK_LIMIT_R1CS_PUBLIC));
    if (c->n_labels < c->n_wires)
        return zk_set_error(ZK_ERR_INPUT, "%s: %llu labels for %u wires (every wire has a label)", f->name,
                            (unsigned long long)c->n_labels, c->n_wires);
    return ZK_OK;
}

/* Pass 1: term counts per matrix, with every length checked. */
static int count_terms(const zk_r1cs *c, const bin_file *f, const uint8_t *p, size_t size, uint64_t cnt[3])
{
    size_t pos = 0;
    cnt[0] = cnt[1] = cnt[2] = 0;
    for (uint32_t i = 0; i < c->n_constraints; i++)
        for (int k = 0; k < 3; k++) {
            if (size - pos < 4)
                return zk_set_error(ZK_ERR_INPUT, "%s: constraints section truncated in constraint %u", f->name, i);
            uint32_t nt = rd32(p + pos);
            pos += 4;
            if ((uint64_t)nt * 12 > size - pos)
                return zk_set_error(ZK_ERR_INPUT, "%s: constraint %u: %u terms in %c do not fit in the section",
                                    f->name, i, nt, "ABC"[k]);
            pos += (size_t)nt * 12;
            cnt[k] += nt;
        }
    if (pos != size)
        return zk_set_error(ZK_ERR_INPUT, "%s: constraints section has %zu bytes after constraint %u", f->name,
                            size - pos, c->n_constraints);
    return ZK_OK;
}

static int fill_terms(zk_r1cs *c, const bin_file *f, const uint8_t *p, uint32_t *stamp)
{
    size_t pos = 0;
    uint64_t at[3] = {0, 0, 0};
    for (uint32_t i = 0; i < c->n_constraints; i++)
        for (int k = 0; k < 3; k++) {
            zk_r1cs_matrix *M = &c->abc[k];
            uint32_t nt = rd32(p + pos), mark = 3 * i + (uint32_t)k + 1;
            pos += 4;
            M->row_ptr[i] = at[k];
            for (uint32_t t = 0; t < nt; t++, pos += 12) {
                uint32_t w = rd32(p + pos);
                uint64_t v = rd64(p + pos + 4);
                if (w >= c->n_wires)
                    return zk_set_error(ZK_ERR_INPUT, "%s: constraint %u, %c: wire %u out of range (%u wires)",
                                        f->name, i, "ABC"[k], w, c->n_wires);
                if (v >= GL_P)
                    return zk_set_error(ZK_ERR_INPUT,
                                        "%s: constraint %u, %c: coefficient of wire %u is %llu, not below p", f->name,
                                        i, "ABC"[k], w, (unsigned long long)v);
                if (stamp[w] == mark)
                    return zk_set_error(ZK_ERR_INPUT, "%s: constraint %u, %c: wire %u appears twice", f->name, i,
                                        "ABC"[k], w);
                stamp[w] = mark;
                M->wire[at[k]] = w;
                M->coeff[at[k]] = v;
                at[k]++;
            }
        }
    for (int k = 0; k < 3; k++)
        c->abc[k].row_ptr[c->n_constraints] = at[k];
    return ZK_OK;
}

static int parse_r1cs_constraints(zk_r1cs *c, const bin_file *f, const uint8_t *data)
{
    const bin_section *s;
    int rc = bin_section_find(f, 2, "constraints", 1, &s);
    if (rc != ZK_OK)
        return rc;
    uint64_t cnt[3];
    if ((rc = count_terms(c, f, data + s->off, s->size, cnt)) != ZK_OK)
        return rc;
    for (int k = 0; k < 3; k++) {
        c->abc[k].row_ptr = malloc(((size_t)c->n_constraints + 1) * sizeof(uint64_t));
        c->abc[k].wire = malloc((cnt[k] ? (size_t)cnt[k] : 1) * sizeof(uint32_t));
        c->abc[k].coeff = malloc((cnt[k] ? (size_t)cnt[k] : 1) * sizeof(gl_t));
        if (!c->abc[k].row_ptr || !c->abc[k].wire || !c->abc[k].coeff)
            return zk_set_error(ZK_ERR_NOMEM, "%s: out of memory (constraints)", f->name);
    }
    uint32_t *stamp = calloc(c->n_wires, sizeof *stamp);
    if (!stamp)
        return zk_set_error(ZK_ERR_NOMEM, "%s: out of memory (constraints)", f->name);
    rc = fill_terms(c, f, data + s->off, stamp);
    free(stamp);
    return rc;
}

static int parse_r1cs_map(zk_r1cs *c, const bin_file *f, const uint8_t *data)
{
    const bin_section *s;
    int rc = bin_section_find(f, 3, "wire-to-label map", 1, &s);
    if (rc != ZK_OK)
        return rc;
    if (s->size != (size_t)c->n_wires * 8)
        return zk_set_error(ZK_ERR_INPUT, "%s: wire-to-label map is %zu bytes, expected %u wires x 8", f->name,
                            s->size, c->n_wires);
    c->labels = malloc((size_t)c->n_wires * sizeof *c->labels);
    if (!c->labels)
        return zk_set_error(ZK_ERR_NOMEM, "%s: out of memory (labels)", f->name);
    for (uint32_t i = 0; i < c->n_wires; i++) {
        c->labels[i] = rd64(data + s->off + 8 * (size_t)i);
        if (c->labels[i] >= c->n_labels)
            return zk_set_error(ZK_ERR_INPUT, "%s: wire %u maps to label %llu, but there are %llu labels", f->name,
                                i, (unsigned long long)c->labels[i], (unsigned long long)c->n_labels);
    }
    return ZK_OK;
}

int zk_r1cs_parse(zk_r1cs *out, const uint8_t *data, size_t len, const char *name)
{
    ZK_CHECK_ARG(out != NULL && (data != NULL || len == 0));
    memset(out, 0, sizeof *out);
    bin_file *f = calloc(1, sizeof *f);
    if (!f)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    f->name = nm(name);
    int rc = bin_open(f, data, len, "r1cs", 1, 1, ".r1cs");
    const bin_section *g4 = NULL, *g5 = NULL;
    if (rc == ZK_OK)
        rc = parse_r1cs_header(out, f, data);
    if (rc == ZK_OK)
        rc = bin_section_find(f, 4, "custom gates list", 0, &g4);
    if (rc == ZK_OK)
        rc = bin_section_find(f, 5, "custom gates application", 0, &g5);
    if (rc == ZK_OK && (g4 || g5))
        rc = zk_set_error(ZK_ERR_INPUT, "%s: the circuit uses custom gates (PLONK only); R1CS proofs need a "
                                        "circuit without custom templates", f->name);
    /* The wire map first: its size (8 bytes per wire) is the file's evidence for nWires,
     * which sizes the constraint reader's per-wire table. */
    if (rc == ZK_OK)
        rc = parse_r1cs_map(out, f, data);
    if (rc == ZK_OK)
        rc = parse_r1cs_constraints(out, f, data);
    if (rc == ZK_OK)
        zk_sha256(out->digest.h, data, len);
    free(f);
    if (rc != ZK_OK)
        zk_r1cs_free(out);
    return rc;
}

/* Map a regular file read-only (no copy and no page clearing: large circuits
 * are tens of MB). Returns 1 if mapped; 0 if the caller should fall back to
 * zk_read_file (not a regular file, empty, or mmap failed); -status on an
 * error already recorded with zk_set_error. */
static int map_file(const char *path, const uint8_t **data, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -(int)zk_set_error(ZK_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
        close(fd);
        return 0;
    }
    if ((uint64_t)st.st_size > ZK_R1CS_MAX_FILE_BYTES) {
        close(fd);
        return -(int)zk_set_error(ZK_ERR_INPUT, "%s: file is %lld bytes, over the limit of %zu", path,
                                  (long long)st.st_size, ZK_R1CS_MAX_FILE_BYTES);
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return 0;
    *data = m;
    *len = (size_t)st.st_size;
    return 1;
}

int zk_r1cs_load(zk_r1cs *out, const char *path)
{
    ZK_CHECK_ARG(out != NULL && path != NULL);
    memset(out, 0, sizeof *out);
    const uint8_t *mdata = NULL;
    size_t len = 0;
    int mapped = map_file(path, &mdata, &len);
    if (mapped < 0)
        return -mapped;
    if (mapped) {
        int rc = zk_r1cs_parse(out, mdata, len, path);
        munmap((void *)(uintptr_t)mdata, len);
        return rc;
    }
    uint8_t *data;
    int rc = zk_read_file(path, ZK_R1CS_MAX_FILE_BYTES, &data, &len);
    if (rc != ZK_OK)
        return rc;
    rc = zk_r1cs_parse(out, data, len, path);
    free(data);
    return rc;
}

/* ------------------------------------------------------------ .wtns */

int zk_wtns_parse(gl_t **values, uint32_t *n, const uint8_t *data, size_t len, const char *name)
{
    ZK_CHECK_ARG(values != NULL && n != NULL && (data != NULL || len == 0));
    *values = NULL;
    *n = 0;
    bin_file *f = calloc(1, sizeof *f);
    if (!f)
        return zk_set_error(ZK_ERR_NOMEM, "out of memory");
    f->name = nm(name);
    const bin_section *h = NULL, *d = NULL;
    int rc = bin_open(f, data, len, "wtns", 1, 2, ".wtns");
    if (rc == ZK_OK)
        rc = bin_section_find(f, 1, "header", 1, &h);
    if (rc == ZK_OK)
        rc = bin_section_find(f, 2, "witness data", 1, &d);
    uint32_t cnt = 0;
    if (rc == ZK_OK && h->size < 4)
        rc = zk_set_error(ZK_ERR_INPUT, "%s: header section too short (%zu bytes)", f->name, h->size);
    if (rc == ZK_OK)
        rc = check_prime(f->name, "the witness", rd32(data + h->off), data + h->off + 4, h->size - 4);
    if (rc == ZK_OK && h->size != 16)
        rc = zk_set_error(ZK_ERR_INPUT, "%s: header section is %zu bytes, expected 16", f->name, h->size);
    if (rc == ZK_OK) {
        cnt = rd32(data + h->off + 12);
        if (cnt > zk_limit(ZK_LIMIT_R1CS_WIRES))
            rc = zk_set_error(ZK_ERR_NOMEM, "%s: %u witness values, over the limit r1cs_wires = %llu", f->name, cnt,
                              (unsigned long long)zk_limit(ZK_LIMIT_R1CS_WIRES));
        else if (d->size != (size_t)cnt * 8)
            rc = zk_set_error(ZK_ERR_INPUT, "%s: witness data is %zu bytes, expected %u values x 8", f->name,
                              d->size, cnt);
    }
    gl_t *v = NULL;
    if (rc == ZK_OK && !(v = malloc((cnt ? (size_t)cnt : 1) * sizeof *v)))
        rc = zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", f->name);
    for (uint32_t i = 0; rc == ZK_OK && i < cnt; i++) {
        v[i] = rd64(data + d->off + 8 * (size_t)i);
        if (v[i] >= GL_P)
            rc = zk_set_error(ZK_ERR_INPUT, "%s: witness value %u is not below p", f->name, i);
    }
    free(f);
    if (rc != ZK_OK) {
        if (v)
            memset(v, 0, (size_t)cnt * sizeof *v);
        free(v);
        return rc;
    }
    *values = v;
    *n = cnt;
    return ZK_OK;
}

int zk_wtns_load(gl_t **values, uint32_t *n, const char *path)
{
    ZK_CHECK_ARG(values != NULL && n != NULL && path != NULL);
    *values = NULL;
    *n = 0;
    uint8_t *data;
    size_t len;
    int rc = zk_read_file(path, ZK_R1CS_MAX_FILE_BYTES, &data, &len);
    if (rc != ZK_OK)
        return rc;
    rc = zk_wtns_parse(values, n, data, len, path);
    memset(data, 0, len);
    free(data);
    return rc;
}

/* ------------------------------------------------------------ witness check */

static gl_t lc_eval(const zk_r1cs_matrix *M, uint32_t i, const gl_t *w)
{
    gl_t acc = 0;
    for (uint64_t t = M->row_ptr[i]; t < M->row_ptr[i + 1]; t++)
        acc = gl_add(acc, gl_mul(M->coeff[t], w[M->wire[t]]));
    return acc;
}

/* Append " wire W (label L 'name')" for the distinct wires of constraint i, at most MAX_LISTED_WIRES. */
static void describe_wires(char *buf, size_t cap, const zk_r1cs *c, uint32_t i, const zk_r1cs_symbols *syms)
{
    uint32_t seen[3 * MAX_LISTED_WIRES];
    size_t ns = 0, len = strlen(buf), more = 0;
    for (int k = 0; k < 3; k++) {
        const zk_r1cs_matrix *M = &c->abc[k];
        for (uint64_t t = M->row_ptr[i]; t < M->row_ptr[i + 1]; t++) {
            uint32_t w = M->wire[t];
            int dup = 0;
            for (size_t j = 0; j < ns; j++)
                dup |= seen[j] == w;
            if (dup)
                continue;
            if (ns == MAX_LISTED_WIRES) {
                more++;
                continue;
            }
            seen[ns++] = w;
            const char *sn = zk_r1cs_symbols_find(syms, c->labels[w]);
            if (len + 1 < cap)
                len += (size_t)snprintf(buf + len, cap - len, "%s wire %u (label %llu%s%s%s)", ns > 1 ? "," : "", w,
                                        (unsigned long long)c->labels[w], sn ? " " : "", sn ? sn : "",
                                        w == 0 ? ", the constant 1" : "");
        }
    }
    if (more && len + 1 < cap)
        snprintf(buf + len, cap - len, ", and more");
}

int zk_r1cs_check_witness(const zk_r1cs *c, const gl_t *witness, size_t n, const zk_r1cs_symbols *syms,
                          uint32_t *first_failing)
{
    ZK_CHECK_ARG(c != NULL && (witness != NULL || n == 0));
    if (first_failing)
        *first_failing = UINT32_MAX;
    if (n != c->n_wires)
        return zk_set_error(ZK_ERR_INPUT, "the witness has %zu values, the circuit %u wires (wrong .wtns for this "
                                          ".r1cs?)",
                            n, c->n_wires);
    if (witness[0] != 1)
        return zk_set_error(ZK_ERR_INPUT, "witness value 0 (the constant wire) is %llu, not 1",
                            (unsigned long long)witness[0]);
    uint32_t m = c->n_constraints, bad = UINT32_MAX;
#pragma omp parallel for schedule(static) reduction(min : bad) if (m >= 4096)
    for (uint32_t i = 0; i < m; i++) {
        gl_t a = lc_eval(&c->abc[0], i, witness), b = lc_eval(&c->abc[1], i, witness);
        gl_t cc = lc_eval(&c->abc[2], i, witness);
        if (gl_mul(a, b) != cc && i < bad)
            bad = i;
    }
    if (bad == UINT32_MAX)
        return ZK_OK;
    if (first_failing)
        *first_failing = bad;
    char msg[1536];
    gl_t a = lc_eval(&c->abc[0], bad, witness), b = lc_eval(&c->abc[1], bad, witness);
    gl_t cc = lc_eval(&c->abc[2], bad, witness);
    snprintf(msg, sizeof msg,
             "the witness does not satisfy the circuit: constraint %u (of %u) fails, A*B = %llu but C = %llu; its wires:",
             bad, m, (unsigned long long)gl_mul(a, b), (unsigned long long)cc);
    describe_wires(msg, sizeof msg, c, bad, syms);
    return zk_set_error(ZK_ERR_INPUT, "%s", msg);
}

/* ------------------------------------------------------------ .sym */

void zk_r1cs_symbols_free(zk_r1cs_symbols *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->name[i]);
    free(s->name);
    free(s->label);
    memset(s, 0, sizeof *s);
}

const char *zk_r1cs_symbols_find(const zk_r1cs_symbols *s, uint64_t label)
{
    if (!s || s->n == 0)
        return NULL;
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->label[mid] < label)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->n && s->label[lo] == label ? s->name[lo] : NULL;
}

typedef struct {
    uint64_t label;
    char *name;
} sym_pair;

static int sym_cmp(const void *a, const void *b)
{
    uint64_t x = ((const sym_pair *)a)->label, y = ((const sym_pair *)b)->label;
    return x < y ? -1 : x > y;
}

/* Parse "label,wire,component,name"; returns 0 and the name span, -1 if malformed. */
static int sym_line(const char *p, const char *end, uint64_t *label, const char **name, size_t *nlen)
{
    char *e;
    if (p == end || *p < '0' || *p > '9')
        return -1;
    unsigned long long l = strtoull(p, &e, 10);
    if (e >= end || *e != ',')
        return -1;
    p = e + 1;
    for (int field = 0; field < 2; field++) { /* wire (may be -1), component */
        while (p < end && *p != ',')
            p++;
        if (p >= end)
            return -1;
        p++;
    }
    *label = l;
    *name = p;
    *nlen = (size_t)(end - p);
    return *nlen ? 0 : -1;
}

int zk_r1cs_symbols_load(zk_r1cs_symbols *s, const char *path)
{
    ZK_CHECK_ARG(s != NULL && path != NULL);
    memset(s, 0, sizeof *s);
    uint8_t *data;
    size_t len;
    int rc = zk_read_file(path, ZK_R1CS_MAX_FILE_BYTES, &data, &len);
    if (rc != ZK_OK)
        return rc;
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += data[i] == '\n';
    sym_pair *v = calloc(lines, sizeof *v);
    size_t n = 0, lineno = 0;
    if (!v)
        rc = zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", path);
    const char *p = (const char *)data, *end = p + len;
    while (rc == ZK_OK && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        lineno++;
        if (le > p && le[-1] == '\r')
            le--;
        if (le > p) {
            uint64_t lab;
            const char *name;
            size_t nlen;
            if (sym_line(p, le, &lab, &name, &nlen) != 0) {
                rc = zk_set_error(ZK_ERR_INPUT, "%s:%zu: expected \"label,wire,component,name\"", path, lineno);
                break;
            }
            if (!(v[n].name = malloc(nlen + 1))) {
                rc = zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            memcpy(v[n].name, name, nlen);
            v[n].name[nlen] = 0;
            v[n++].label = lab;
        }
        p = nl ? nl + 1 : end;
    }
    free(data);
    if (rc == ZK_OK && n)
        qsort(v, n, sizeof *v, sym_cmp);
    if (rc == ZK_OK) {
        s->label = malloc((n ? n : 1) * sizeof *s->label);
        s->name = malloc((n ? n : 1) * sizeof *s->name);
        if (!s->label || !s->name)
            rc = zk_set_error(ZK_ERR_NOMEM, "%s: out of memory", path);
    }
    if (rc != ZK_OK) {
        for (size_t i = 0; v && i < n; i++)
            free(v[i].name);
        free(v);
        free(s->label);
        free(s->name);
        memset(s, 0, sizeof *s);
        return rc;
    }
    for (size_t i = 0; i < n; i++) {
        s->label[i] = v[i].label;
        s->name[i] = v[i].name;
    }
    s->n = n;
    free(v);
    return ZK_OK;
}
