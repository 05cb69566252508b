/* SHA-256 known answers (FIPS 180-4) and Merkle trees: build vs a serial
 * reference, multi-path openings vs a brute-force reference encoding,
 * prove-then-verify, tamper-then-reject. */
#include "testutil.h"

#include <string.h>

#include "zkmlops/hash.h"
#include "zkmlops/merkle.h"
#include "zkmlops/status.h"

/* ------------------------------------------------------------------ SHA-256 */

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static void check_digest(const char *msg, size_t len, const char *hex)
{
    uint8_t want[32], got[32];
    char hx[65];
    hex_to_bytes(hex, want, 32);
    zk_sha256(got, msg, len);
    assert_memory_equal(got, want, 32);
    zk_digest_hex(hx, got);
    assert_string_equal(hx, hex);
    /* incremental, split at every point, and the 2-part form */
    for (size_t cut = 0; cut <= len; cut++) {
        zk_sha256_ctx c;
        zk_sha256_init(&c);
        zk_sha256_update(&c, msg, cut);
        zk_sha256_update(&c, msg + cut, len - cut);
        zk_sha256_final(&c, got);
        assert_memory_equal(got, want, 32);
        memset(got, 0, 32);
        zk_sha256_2(got, msg, cut, msg + cut, len - cut);
        assert_memory_equal(got, want, 32);
    }
}

/* FIPS 180-4 / NIST CSRC "SHA_All" example values. */
static void test_sha256_kat(void **state)
{
    (void)state;
    check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_int_equal(strlen(m448) * 8, 448);
    check_digest(m448, strlen(m448), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
                       "lmnopqrsmnopqrstnopqrstu";
    assert_int_equal(strlen(m896) * 8, 896);
    check_digest(m896, strlen(m896), "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

static void test_sha256_million_a(void **state)
{
    (void)state;
    uint8_t want[32], got[32];
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    hex_to_bytes("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", want, 32);
    zk_sha256_ctx c;
    zk_sha256_init(&c);
    for (int i = 0; i < 1000; i++)
        zk_sha256_update(&c, chunk, sizeof chunk);
    zk_sha256_final(&c, got);
    assert_memory_equal(got, want, 32);
}

/* ------------------------------------------------------- Merkle reference */

/* Leaf/node hashes straight from the documented byte strings, via zk_sha256. */
static void ref_leaf(uint8_t out[32], const uint8_t *salt, const uint8_t *leaf, size_t leaf_bytes)
{
    uint8_t *m = malloc(8 + ZK_SALT_BYTES + leaf_bytes);
    assert_non_null(m);
    size_t n = 0;
    memcpy(m, "zkm-leaf", 8);
    n = 8;
    if (salt) {
        memcpy(m + n, salt, ZK_SALT_BYTES);
        n += ZK_SALT_BYTES;
    }
    memcpy(m + n, leaf, leaf_bytes);
    n += leaf_bytes;
    zk_sha256(out, m, n);
    free(m);
}

static void ref_node(uint8_t out[32], const uint8_t l[32], const uint8_t r[32])
{
    uint8_t m[72];
    memcpy(m, "zkm-node", 8);
    memcpy(m + 8, l, 32);
    memcpy(m + 40, r, 32);
    zk_sha256(out, m, sizeof m);
}

/* Serial heap of 2n-1 digests. */
static zk_digest *ref_tree(const uint8_t *leaves, size_t n, size_t lb, const uint8_t *salts)
{
    zk_digest *h = malloc((2 * n - 1) * sizeof *h);
    assert_non_null(h);
    for (size_t i = 0; i < n; i++)
        ref_leaf(h[n - 1 + i].h, salts ? salts + i * ZK_SALT_BYTES : NULL, leaves + i * lb, lb);
    for (size_t k = n - 1; k-- > 0;)
        ref_node(h[k].h, h[2 * k + 1].h, h[2 * k + 2].h);
    return h;
}

/* Brute-force multi-opening encoding: mark the leaves, walk levels bottom-up
 * with a boolean array per level, emit every sibling of a marked node that is
 * not itself marked, left to right. */
static void ref_opening(zk_wbuf *w, const zk_digest *heap, size_t n, const uint8_t *salts,
                        const size_t *idx, size_t n_idx)
{
    uint8_t *mark = calloc(n, 1);
    assert_non_null(mark);
    for (size_t i = 0; i < n_idx; i++)
        mark[idx[i]] = 1;
    if (salts)
        for (size_t i = 0; i < n; i++)
            if (mark[i])
                zk_wbuf_put(w, salts + i * ZK_SALT_BYTES, ZK_SALT_BYTES);
    for (size_t width = n; width > 1; width /= 2) {
        for (size_t p = 0; p < width; p++)
            if (mark[p] && !mark[p ^ 1])
                zk_wbuf_digest(w, &heap[width - 1 + (p ^ 1)]);
        for (size_t p = 0; p < width / 2; p++)
            mark[p] = (uint8_t)(mark[2 * p] | mark[2 * p + 1]);
    }
    free(mark);
}

static uint8_t *random_bytes(test_rng *r, size_t n)
{
    uint8_t *b = malloc(n ? n : 1);
    assert_non_null(b);
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)test_rng_u64(r);
    return b;
}

/* leaf_data for idx[] in the given order */
static uint8_t *gather(const uint8_t *leaves, size_t lb, const size_t *idx, size_t n_idx)
{
    uint8_t *d = malloc(n_idx * lb + 1);
    assert_non_null(d);
    for (size_t i = 0; i < n_idx; i++)
        memcpy(d + i * lb, leaves + idx[i] * lb, lb);
    return d;
}

/* Verify from an exactly-sized heap copy, so ASan sees any over-read. */
static int verify_exact(const zk_digest *root, size_t n, size_t lb, int salted, const size_t *idx,
                        size_t n_idx, const uint8_t *data, const uint8_t *op, size_t op_len,
                        size_t *consumed)
{
    uint8_t *copy = malloc(op_len ? op_len : 1);
    assert_non_null(copy);
    if (op_len)
        memcpy(copy, op, op_len);
    zk_rbuf in;
    zk_rbuf_init(&in, copy, op_len);
    int st = zk_merkle_verify(root, n, lb, salted, idx, n_idx, data, &in);
    if (consumed)
        *consumed = in.pos;
    free(copy);
    return st;
}

/* ------------------------------------------------------------ Merkle tests */

static void test_merkle_build_matches_reference(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed());
    static const size_t lbs[] = {8, 24, 32, 55, 56, 64, 128, 200, 384};
    for (unsigned lg = 0; lg <= 12; lg++) {
        size_t n = (size_t)1 << lg, lb = lbs[lg % 9];
        uint8_t *leaves = random_bytes(&r, n * lb);
        for (int salted = 0; salted <= 1; salted++) {
            uint8_t *salts = salted ? random_bytes(&r, n * ZK_SALT_BYTES) : NULL;
            zk_merkle_tree t;
            assert_int_equal(zk_merkle_build(&t, leaves, n, lb, salted, salts), ZK_OK);
            assert_int_equal(t.n_leaves, n);
            assert_int_equal(t.leaf_bytes, lb);
            assert_int_equal(t.salted, salted);
            zk_digest *ref = ref_tree(leaves, n, lb, salts);
            assert_memory_equal(t.nodes, ref, (2 * n - 1) * sizeof *ref);
            assert_ptr_equal(zk_merkle_root(&t), &t.nodes[0]);
            if (salted)
                assert_memory_equal(t.salts, salts, n * ZK_SALT_BYTES);
            else
                assert_null(t.salts);
            zk_merkle_free(&t);
            assert_null(t.nodes);
            free(ref);
            free(salts);
        }
        free(leaves);
    }
}

/* Leaf sizes around the gather/stream switch inside merkle.c (512 bytes of
 * tag || salt || leaf) and a few larger ones. */
static void test_merkle_leaf_size_boundaries(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 6);
    static const size_t lbs[] = {0, 1, 471, 472, 473, 503, 504, 505, 1000, 4096};
    for (size_t k = 0; k < sizeof lbs / sizeof lbs[0]; k++) {
        size_t n = 8, lb = lbs[k];
        uint8_t *leaves = random_bytes(&r, n * lb);
        for (int salted = 0; salted <= 1; salted++) {
            zk_merkle_tree t;
            assert_int_equal(zk_merkle_build(&t, leaves, n, lb, salted, NULL), ZK_OK);
            zk_digest *ref = ref_tree(leaves, n, lb, t.salts);
            assert_memory_equal(t.nodes, ref, (2 * n - 1) * sizeof *ref);
            size_t idx[] = {6, 1};
            uint8_t *data = gather(leaves, lb, idx, 2);
            zk_wbuf w;
            zk_wbuf_init(&w);
            assert_int_equal(zk_merkle_open(&t, idx, 2, &w), ZK_OK);
            assert_int_equal(verify_exact(zk_merkle_root(&t), n, lb, salted, idx, 2, data, w.data,
                                          w.len, NULL),
                             ZK_OK);
            if (lb) {
                data[lb + lb / 2] ^= 4;
                assert_int_equal(verify_exact(zk_merkle_root(&t), n, lb, salted, idx, 2, data, w.data,
                                              w.len, NULL),
                                 ZK_ERR_REJECT);
            }
            zk_wbuf_free(&w);
            free(data);
            free(ref);
            zk_merkle_free(&t);
        }
        free(leaves);
    }
}

/* A tree large enough for the parallel build with many threads' worth of
 * work per level (2^17 leaves, 8 MiB of nodes, 4 MiB of fresh salts). */
static void test_merkle_large(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 7);
    size_t n = (size_t)1 << 17, lb = 8;
    uint8_t *leaves = random_bytes(&r, n * lb);
    zk_merkle_tree t;
    assert_int_equal(zk_merkle_build(&t, leaves, n, lb, 1, NULL), ZK_OK);
    zk_digest *ref = ref_tree(leaves, n, lb, t.salts);
    assert_memory_equal(t.nodes, ref, (2 * n - 1) * sizeof *ref);
    size_t idx[50];
    for (int i = 0; i < 50; i++)
        idx[i] = test_rng_u64(&r) % n;
    uint8_t *data = gather(leaves, lb, idx, 50);
    zk_wbuf w;
    zk_wbuf_init(&w);
    assert_int_equal(zk_merkle_open(&t, idx, 50, &w), ZK_OK);
    assert_int_equal(verify_exact(zk_merkle_root(&t), n, lb, 1, idx, 50, data, w.data, w.len, NULL),
                     ZK_OK);
    zk_wbuf_free(&w);
    free(data);
    free(ref);
    zk_merkle_free(&t);
    free(leaves);
}

static void test_merkle_unsalted_deterministic(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 1);
    size_t n = 256, lb = 40;
    uint8_t *leaves = random_bytes(&r, n * lb);
    zk_merkle_tree a, b;
    assert_int_equal(zk_merkle_build(&a, leaves, n, lb, 0, NULL), ZK_OK);
    assert_int_equal(zk_merkle_build(&b, leaves, n, lb, 0, NULL), ZK_OK);
    assert_memory_equal(zk_merkle_root(&a), zk_merkle_root(&b), 32);
    /* changing any single leaf byte changes the root */
    leaves[77 * lb + 3] ^= 0x10;
    zk_merkle_free(&b);
    assert_int_equal(zk_merkle_build(&b, leaves, n, lb, 0, NULL), ZK_OK);
    assert_memory_not_equal(zk_merkle_root(&a), zk_merkle_root(&b), 32);
    zk_merkle_free(&a);
    zk_merkle_free(&b);
    free(leaves);
}

static void test_merkle_salted_fresh(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 2);
    for (size_t n = 1; n <= 2048; n *= 8) {
        size_t lb = 16;
        uint8_t *leaves = random_bytes(&r, n * lb);
        zk_merkle_tree a, b;
        assert_int_equal(zk_merkle_build(&a, leaves, n, lb, 1, NULL), ZK_OK);
        assert_int_equal(zk_merkle_build(&b, leaves, n, lb, 1, NULL), ZK_OK);
        assert_non_null(a.salts);
        assert_memory_not_equal(a.salts, b.salts, n * ZK_SALT_BYTES);
        assert_memory_not_equal(zk_merkle_root(&a), zk_merkle_root(&b), 32);
        /* and each still equals the reference over its own salts */
        zk_digest *ref = ref_tree(leaves, n, lb, a.salts);
        assert_memory_equal(ref[0].h, zk_merkle_root(&a)->h, 32);
        free(ref);
        /* the salted root differs from the unsalted one */
        zk_merkle_tree u;
        assert_int_equal(zk_merkle_build(&u, leaves, n, lb, 0, NULL), ZK_OK);
        assert_memory_not_equal(zk_merkle_root(&a), zk_merkle_root(&u), 32);
        zk_merkle_free(&u);
        zk_merkle_free(&a);
        zk_merkle_free(&b);
        free(leaves);
    }
}

/* Random index sets (with duplicates, all leaves, single leaves) at every
 * size 2^0..2^12 and leaf sizes 8..384: opening bytes equal the brute-force
 * reference, verify accepts and consumes exactly the opening, and every
 * single-leaf opening verifies too. */
static void test_merkle_open_verify_random(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 3);
    static const size_t lbs[] = {8, 16, 24, 48, 64, 96, 128, 192, 256, 320, 384};
    for (unsigned lg = 0; lg <= 12; lg++) {
        size_t n = (size_t)1 << lg;
        for (int salted = 0; salted <= 1; salted++) {
            size_t lb = lbs[test_rng_u64(&r) % 11];
            uint8_t *leaves = random_bytes(&r, n * lb);
            zk_merkle_tree t;
            assert_int_equal(zk_merkle_build(&t, leaves, n, lb, salted, NULL), ZK_OK);
            for (int trial = 0; trial < 6; trial++) {
                size_t n_idx;
                size_t *idx;
                if (trial == 0) { /* all leaves, shuffled order */
                    n_idx = n;
                    idx = malloc(n_idx * sizeof *idx);
                    assert_non_null(idx);
                    for (size_t i = 0; i < n; i++)
                        idx[i] = i;
                    for (size_t i = n; i > 1; i--) {
                        size_t j = test_rng_u64(&r) % i, tmp = idx[i - 1];
                        idx[i - 1] = idx[j];
                        idx[j] = tmp;
                    }
                } else {
                    n_idx = 1 + test_rng_u64(&r) % (trial == 1 ? 1 : 40);
                    idx = malloc(n_idx * sizeof *idx);
                    assert_non_null(idx);
                    for (size_t i = 0; i < n_idx; i++)
                        idx[i] = test_rng_u64(&r) % n;
                    if (n_idx > 2) /* force a duplicate */
                        idx[n_idx - 1] = idx[0];
                }
                zk_wbuf w, ref;
                zk_wbuf_init(&w);
                zk_wbuf_init(&ref);
                assert_int_equal(zk_merkle_open(&t, idx, n_idx, &w), ZK_OK);
                ref_opening(&ref, t.nodes, n, t.salts, idx, n_idx);
                assert_int_equal(w.len, ref.len);
                if (ref.len)
                    assert_memory_equal(w.data, ref.data, ref.len);
                uint8_t *data = gather(leaves, lb, idx, n_idx);
                /* trailing bytes after the opening must be left unread */
                zk_wbuf_put(&w, "tail", 4);
                size_t used = 0;
                assert_int_equal(verify_exact(zk_merkle_root(&t), n, lb, salted, idx, n_idx, data,
                                              w.data, w.len, &used),
                                 ZK_OK);
                assert_int_equal(used, ref.len);
                /* each opened leaf on its own */
                for (size_t i = 0; i < n_idx && i < 8; i++) {
                    zk_wbuf one;
                    zk_wbuf_init(&one);
                    assert_int_equal(zk_merkle_open(&t, &idx[i], 1, &one), ZK_OK);
                    assert_int_equal(one.len, (salted ? ZK_SALT_BYTES : 0) + 32 * lg);
                    assert_int_equal(verify_exact(zk_merkle_root(&t), n, lb, salted, &idx[i], 1,
                                                  data + i * lb, one.data, one.len, NULL),
                                     ZK_OK);
                    zk_wbuf_free(&one);
                }
                free(data);
                free(idx);
                zk_wbuf_free(&w);
                zk_wbuf_free(&ref);
            }
            zk_merkle_free(&t);
            free(leaves);
        }
    }
}

/* Small salted opening: every single-byte flip, every truncation, wrong leaf
 * contents, wrong root, wrong index, wrong shape all reject. */
static void test_merkle_rejects_tampering(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 4);
    for (int salted = 0; salted <= 1; salted++) {
        size_t n = 64, lb = 24;
        uint8_t *leaves = random_bytes(&r, n * lb);
        zk_merkle_tree t;
        assert_int_equal(zk_merkle_build(&t, leaves, n, lb, salted, NULL), ZK_OK);
        size_t idx[] = {5, 9, 10, 41, 9, 63};
        size_t k = sizeof idx / sizeof idx[0];
        uint8_t *data = gather(leaves, lb, idx, k);
        zk_wbuf w;
        zk_wbuf_init(&w);
        assert_int_equal(zk_merkle_open(&t, idx, k, &w), ZK_OK);
        const zk_digest *root = zk_merkle_root(&t);
        assert_int_equal(verify_exact(root, n, lb, salted, idx, k, data, w.data, w.len, NULL), ZK_OK);

        for (size_t pos = 0; pos < w.len; pos++)
            for (unsigned bit = 0; bit < 8; bit++) {
                w.data[pos] ^= (uint8_t)(1u << bit);
                assert_int_equal(verify_exact(root, n, lb, salted, idx, k, data, w.data, w.len, NULL),
                                 ZK_ERR_REJECT);
                w.data[pos] ^= (uint8_t)(1u << bit);
            }
        for (size_t len = 0; len < w.len; len++)
            assert_int_equal(verify_exact(root, n, lb, salted, idx, k, data, w.data, len, NULL),
                             ZK_ERR_REJECT);
        /* wrong leaf content: any byte of any opened leaf */
        for (size_t pos = 0; pos < k * lb; pos++) {
            data[pos] ^= 0x80;
            assert_int_equal(verify_exact(root, n, lb, salted, idx, k, data, w.data, w.len, NULL),
                             ZK_ERR_REJECT);
            data[pos] ^= 0x80;
        }
        /* wrong root */
        for (int b = 0; b < 32; b++) {
            zk_digest bad = *root;
            bad.h[b] ^= 1;
            assert_int_equal(verify_exact(&bad, n, lb, salted, idx, k, data, w.data, w.len, NULL),
                             ZK_ERR_REJECT);
        }
        /* wrong index (same leaf bytes claimed at a different position) */
        for (size_t j = 0; j < k; j++) {
            size_t save = idx[j];
            for (size_t other = 0; other < n; other += 7) {
                if (other == save)
                    continue;
                idx[j] = other;
                int st = verify_exact(root, n, lb, salted, idx, k, data, w.data, w.len, NULL);
                assert_int_equal(st, ZK_ERR_REJECT);
            }
            idx[j] = save;
        }
        /* out-of-range index, bad tree shape, wrong salting mode */
        idx[2] = n;
        assert_int_equal(verify_exact(root, n, lb, salted, idx, k, data, w.data, w.len, NULL),
                         ZK_ERR_REJECT);
        idx[2] = (size_t)-1;
        assert_int_equal(verify_exact(root, n, lb, salted, idx, k, data, w.data, w.len, NULL),
                         ZK_ERR_REJECT);
        idx[2] = 10;
        assert_int_equal(verify_exact(root, 48, lb, salted, idx, k, data, w.data, w.len, NULL),
                         ZK_ERR_REJECT);
        assert_int_equal(verify_exact(root, 0, lb, salted, idx, k, data, w.data, w.len, NULL),
                         ZK_ERR_REJECT);
        assert_int_equal(verify_exact(root, 2 * n, lb, salted, idx, k, data, w.data, w.len, NULL),
                         ZK_ERR_REJECT);
        assert_int_equal(verify_exact(root, n / 2, lb, salted, idx, k, data, w.data, w.len, NULL),
                         ZK_ERR_REJECT);
        assert_int_equal(verify_exact(root, n, lb, !salted, idx, k, data, w.data, w.len, NULL),
                         ZK_ERR_REJECT);
        assert_int_equal(verify_exact(root, (size_t)1 << 41, lb, salted, idx, k, data, w.data, w.len,
                                      NULL),
                         ZK_ERR_REJECT);
        /* inconsistent duplicate: idx[4] == idx[1] == 9 but different bytes */
        assert_int_equal(verify_exact(root, n, lb, salted, idx, k, data, w.data, w.len, NULL), ZK_OK);
        data[4 * lb + 5] ^= 1;
        assert_int_equal(verify_exact(root, n, lb, salted, idx, k, data, w.data, w.len, NULL),
                         ZK_ERR_REJECT);
        assert_non_null(strstr(zk_last_error(), "different contents"));
        data[4 * lb + 5] ^= 1;
        zk_wbuf_free(&w);
        free(data);
        zk_merkle_free(&t);
        free(leaves);
    }
}

/* Limits and degenerate cases: empty index set, n_idx over 2^20, a one-leaf
 * tree, zero-byte leaves. */
static void test_merkle_edges(void **state)
{
    (void)state;
    test_rng r;
    test_rng_seed(&r, test_seed() + 5);
    uint8_t leaf[16];
    for (int i = 0; i < 16; i++)
        leaf[i] = (uint8_t)test_rng_u64(&r);
    zk_merkle_tree t;
    assert_int_equal(zk_merkle_build(&t, leaf, 1, 16, 1, NULL), ZK_OK);
    uint8_t want[32];
    ref_leaf(want, t.salts, leaf, 16);
    assert_memory_equal(zk_merkle_root(&t)->h, want, 32);
    size_t i0 = 0;
    zk_wbuf w;
    zk_wbuf_init(&w);
    assert_int_equal(zk_merkle_open(&t, &i0, 1, &w), ZK_OK);
    assert_int_equal(w.len, ZK_SALT_BYTES);
    assert_int_equal(verify_exact(zk_merkle_root(&t), 1, 16, 1, &i0, 1, leaf, w.data, w.len, NULL),
                     ZK_OK);
    /* empty set: nothing written, nothing read, accepted */
    zk_wbuf_free(&w);
    zk_wbuf_init(&w);
    assert_int_equal(zk_merkle_open(&t, NULL, 0, &w), ZK_OK);
    assert_int_equal(w.len, 0);
    size_t used = 1;
    assert_int_equal(verify_exact(zk_merkle_root(&t), 1, 16, 1, NULL, 0, NULL, NULL, 0, &used), ZK_OK);
    assert_int_equal(used, 0);
    zk_merkle_free(&t);

    /* zero-byte leaves are allowed (salt-only leaves) */
    assert_int_equal(zk_merkle_build(&t, NULL, 8, 0, 1, NULL), ZK_OK);
    size_t two[] = {3, 6};
    assert_int_equal(zk_merkle_open(&t, two, 2, &w), ZK_OK);
    assert_int_equal(verify_exact(zk_merkle_root(&t), 8, 0, 1, two, 2, NULL, w.data, w.len, NULL), ZK_OK);
    w.data[0] ^= 1;
    assert_int_equal(verify_exact(zk_merkle_root(&t), 8, 0, 1, two, 2, NULL, w.data, w.len, NULL),
                     ZK_ERR_REJECT);
    zk_wbuf_free(&w);
    zk_merkle_free(&t);

    /* more than 2^20 indices is rejected before anything is read */
    size_t big = ((size_t)1 << 20) + 1;
    size_t *many = calloc(big, sizeof *many);
    assert_non_null(many);
    zk_digest root;
    memset(&root, 0, sizeof root);
    assert_int_equal(verify_exact(&root, 4, 0, 0, many, big, NULL, NULL, 0, &used), ZK_ERR_REJECT);
    assert_int_equal(used, 0);
    free(many);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_kat),
        cmocka_unit_test(test_sha256_million_a),
        cmocka_unit_test(test_merkle_build_matches_reference),
        cmocka_unit_test(test_merkle_leaf_size_boundaries),
        cmocka_unit_test(test_merkle_large),
        cmocka_unit_test(test_merkle_unsalted_deterministic),
        cmocka_unit_test(test_merkle_salted_fresh),
        cmocka_unit_test(test_merkle_open_verify_random),
        cmocka_unit_test(test_merkle_rejects_tampering),
        cmocka_unit_test(test_merkle_edges),
    };
    test_seed();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
