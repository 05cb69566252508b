/* Shared helpers for the cmocka unit tests: a seeded, printed, replayable PRNG. */
#ifndef ZKMLOPS_TESTUTIL_H
#define ZKMLOPS_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "zkmlops/field.h"

/* xoshiro256** seeded by splitmix64. Seed from ZKM_TEST_SEED (printed) or a default. */
typedef struct {
    uint64_t s[4];
} test_rng;

static inline uint64_t test_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline void test_rng_seed(test_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = test_splitmix(&seed);
}

static inline uint64_t test_rng_u64(test_rng *r)
{
    uint64_t *s = r->s;
    uint64_t x = s[1] * 5;
    uint64_t res = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return res;
}

static inline gl_t test_rng_gl(test_rng *r)
{
    uint64_t v;
    do
        v = test_rng_u64(r);
    while (v >= GL_P);
    return v;
}

static inline gl3_t test_rng_gl3(test_rng *r)
{
    gl3_t v = {{test_rng_gl(r), test_rng_gl(r), test_rng_gl(r)}};
    return v;
}

/* Seed for this test binary: $ZKM_TEST_SEED or 0x5eed; printed once so a failure can be replayed. */
static inline uint64_t test_seed(void)
{
    static int printed = 0;
    const char *e = getenv("ZKM_TEST_SEED");
    uint64_t s = e ? strtoull(e, NULL, 0) : 0x5eedULL;
    if (!printed) {
        printf("# seed = 0x%llx (replay with ZKM_TEST_SEED)\n", (unsigned long long)s);
        printed = 1;
    }
    return s;
}

#endif
