/* model_internal.h — the one interpreter behind zk_model_run_fx (plain
 * integers) and zk_model_circuit (constraints): the op semantics, shapes and
 * index maps are written once (model_exec.c) over a small backend of
 * primitives, so the circuit and the reference cannot drift apart.
 *
 * A "handle" is an int64: the value itself for the integer backend, a wire id
 * for the circuit backend. */
#ifndef ZKMLOPS_MODEL_INTERNAL_H
#define ZKMLOPS_MODEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "zkmlops/model.h"

typedef int64_t zk_mh; /* handle */

typedef struct zk_mx_backend {
    void *impl;
    int st; /* sticky status (ZK_OK until the first failure) */
    /* Exact integer primitives (semantics = circuit.h's zk_fx_* and zk_cs_*). */
    zk_mh (*constant)(struct zk_mx_backend *b, int64_t v);
    zk_mh (*dot)(struct zk_mx_backend *b, const zk_mh *x, const zk_mh *y, size_t n);            /* sum x*y */
    zk_mh (*lin)(struct zk_mx_backend *b, const zk_mh *x, const int64_t *c, size_t n, int64_t c0); /* sum c*x + c0 */
    zk_mh (*mul)(struct zk_mx_backend *b, zk_mh x, zk_mh y);
    zk_mh (*rescale)(struct zk_mx_backend *b, zk_mh x, unsigned shift, unsigned in_bits);
    zk_mh (*div)(struct zk_mx_backend *b, zk_mh x, int64_t d, unsigned in_bits);
    zk_mh (*relu)(struct zk_mx_backend *b, zk_mh x, unsigned bits);
    zk_mh (*max)(struct zk_mx_backend *b, zk_mh x, zk_mh y, unsigned bits);
    zk_mh (*sigmoid)(struct zk_mx_backend *b, zk_mh x, unsigned scale, unsigned bits);
    zk_mh (*is_neg)(struct zk_mx_backend *b, zk_mh x, unsigned bits);
    zk_mh (*select)(struct zk_mx_backend *b, zk_mh c, zk_mh x, zk_mh y);
    zk_mh (*argmax)(struct zk_mx_backend *b, const zk_mh *x, size_t n, unsigned bits, zk_mh *onehot);
    /* Optional (NULL: the interpreter forms each output with dot): out[r*n + c]
     * = sum_{j<k} x[r*k + j] w[c*k + j] for r < rows, c < n (x rows x k, w n x
     * k, row-major; the circuit backend proves it natively, zk_cs_matmul).
     * Returns the sticky status. */
    int (*matmul)(struct zk_mx_backend *b, const zk_mh *x, const zk_mh *w, uint64_t rows, uint64_t k, uint64_t n,
                  zk_mh *out);
} zk_mx_backend;

/* Run the model over `batch` examples with the backend. params[t] holds the
 * handles of parameter tensor t (NULL for activations); in[batch*input_size]
 * the input handles; in_values (or NULL): the input values when both sides
 * know them (public input); out[batch*output_size] receives the output handles.
 * Returns ZK_OK or the first error (backend's or a shape error naming the
 * node). */
/* The integer backend (model_fx.c). */
void zk_mx_int_backend(zk_mx_backend *b);

int zk_model_exec(const zk_model *m, zk_mx_backend *b, zk_mh *const *params, const zk_mh *in,
                  const int64_t *in_values, uint32_t batch, zk_mh *out);

#endif
