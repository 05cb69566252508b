/*
 * fx.c — plain integer reference semantics of the fixed-point gadgets
 * (circuit.h). Exact for every int64 input (intermediates in 128 bits).
 */
#include "zkmlops/circuit.h"

/* floor(a / b) for b > 0. */
static __int128 floor_div(__int128 a, __int128 b)
{
    __int128 q = a / b;
    if ((a % b) != 0 && a < 0)
        q--;
    return q;
}

int64_t zk_fx_rescale(int64_t x, unsigned shift)
{
    ZK_CHECK_ARG(shift >= 1 && shift <= 62);
    __int128 s = (__int128)1 << shift;
    return (int64_t)floor_div((__int128)x + s / 2, s);
}

int64_t zk_fx_div(int64_t x, int64_t d)
{
    ZK_CHECK_ARG(d >= 1);
    return (int64_t)floor_div(x, d);
}

int64_t zk_fx_clip(int64_t x, int64_t lo, int64_t hi)
{
    if (x < lo)
        x = lo;
    if (x > hi)
        x = hi;
    return x;
}

int64_t zk_fx_sqrt(int64_t x)
{
    ZK_CHECK_ARG(x >= 0);
    uint64_t lo = 0, hi = 3037000500ULL; /* floor(sqrt(2^63)) + 1 */
    while (hi - lo > 1) {                /* invariant: lo^2 <= x < hi^2 */
        uint64_t mid = lo + (hi - lo) / 2;
        if ((unsigned __int128)mid * mid <= (uint64_t)x)
            lo = mid;
        else
            hi = mid;
    }
    return (int64_t)lo;
}

int64_t zk_fx_sigmoid(int64_t x, unsigned scale)
{
    ZK_CHECK_ARG(scale >= 5 && scale <= 58);
    uint64_t a = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    uint64_t one = (uint64_t)1 << scale, y;
    if (a >= 5 * one)
        y = one;
    else if (a >= 19 * (one >> 3))
        y = a / 32 + 27 * (one >> 5);
    else if (a >= one)
        y = a / 8 + 5 * (one >> 3);
    else
        y = a / 4 + (one >> 1);
    return x >= 0 ? (int64_t)y : (int64_t)(one - y);
}
