/* The buffer helpers of buffers.h. */
#include "buffers.h"

int lengths_match(Py_buffer *bufs, int count, Py_ssize_t *n) {
    for (int i = 0; i < count; i++) {
        if (bufs[i].len % (Py_ssize_t)sizeof(double) != 0) {
            PyErr_SetString(PyExc_ValueError, "arguments must be float64 buffers");
            return 0;
        }
        if (bufs[i].len != bufs[0].len) {
            PyErr_SetString(PyExc_ValueError, "input and output lengths differ");
            return 0;
        }
    }
    *n = bufs[0].len / (Py_ssize_t)sizeof(double);
    return 1;
}

int side_buffers_match(Py_buffer *b, int nd, Py_ssize_t *n) {
    if (!lengths_match(b, nd, n)) return 0;
    if (b[nd].len != *n) {
        PyErr_SetString(PyExc_ValueError, "is_call must be a bool array of the same length");
        return 0;
    }
    return 1;
}

PyObject *release(Py_buffer *bufs, int count, int ok) {
    for (int i = 0; i < count; i++) PyBuffer_Release(&bufs[i]);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

int positive(Py_ssize_t value, const char *name) {
    if (value < 1) PyErr_Format(PyExc_ValueError, "%s must be positive", name);
    return value >= 1;
}
