/* Internal helpers shared by train.c, train_circuit.c and train_proof.c. */
#ifndef ZKMLOPS_LIFECYCLE_TRAIN_INTERNAL_H
#define ZKMLOPS_LIFECYCLE_TRAIN_INTERNAL_H

#include <stdint.h>

/* floor(x / d), d > 0 */
int64_t tr_floor_div(int64_t x, int64_t d);
/* floor((x + 2^(s-1)) / 2^s) = zk_fx_rescale */
int64_t tr_rescale(int64_t x, unsigned s);
/* PLAN sigmoid = zk_fx_sigmoid */
int64_t tr_sigmoid(int64_t x, unsigned s);
/* floor((lr g + floor(D/2)) / D), D = m 2^(2s) */
int64_t tr_step(int64_t lr, int64_t g, uint32_t m, unsigned s);
/* number of bits of v (0 for 0) */
unsigned tr_bits_u(uint64_t v);

#endif
