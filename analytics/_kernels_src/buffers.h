/* The float64 (and one uint8) buffers a kernel receives through the buffer protocol: checks,
 * release, and D(b), a buffer's doubles. Defined in buffers.c. */
#ifndef KERNELS_BUFFERS_H
#define KERNELS_BUFFERS_H

#include "common.h"

/* The float64 buffers of one call: checked to hold whole doubles and to share one length. */
KERNELS_INTERNAL int lengths_match(Py_buffer *bufs, int count, Py_ssize_t *n);
/* Buffers: `nd` float64 ones then one uint8 (the side), all of n elements. */
KERNELS_INTERNAL int side_buffers_match(Py_buffer *b, int nd, Py_ssize_t *n);
/* Releases the `count` buffers; None if ok, else NULL (the error already set). */
KERNELS_INTERNAL PyObject *release(Py_buffer *bufs, int count, int ok);
KERNELS_INTERNAL int positive(Py_ssize_t value, const char *name);

#define D(b) ((double *)(b).buf)

#endif /* KERNELS_BUFFERS_H */
