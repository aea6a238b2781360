/* ndtr(x, out): the standard normal CDF over an array, with the C library's erfc. */
#include "buffers.h"
#include "kernels.h"

/* Standard normal CDF, 0.5*erfc(-x/sqrt(2)) with the C library's erfc (accurate in both tails,
 * as scipy.special.ndtr): the pricing's only need from SciPy, so a frozen app can leave it out. */
PyObject *k_ndtr(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer b[2] = {{0}};
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*w*", &b[0], &b[1])) return NULL;
    if (!lengths_match(b, 2, &n)) return release(b, 2, 0);
    Py_BEGIN_ALLOW_THREADS
    const double *x = D(b[0]);
    double *y = D(b[1]);
    for (Py_ssize_t i = 0; i < n; i++) y[i] = 0.5 * erfc(-x[i] * M_SQRT1_2);
    Py_END_ALLOW_THREADS
    return release(b, 2, 1);
}
