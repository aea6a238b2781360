/* The module's entry points, one per kernel, listed in analytics/_kernels.c's method table:
 * indicators.c, ndtr.c, greeks.c, implied_vol.c. */
#ifndef KERNELS_KERNELS_H
#define KERNELS_KERNELS_H

#include "common.h"

KERNELS_INTERNAL PyObject *k_linear_recurrence(PyObject *self, PyObject *args);
KERNELS_INTERNAL PyObject *k_rolling_mean(PyObject *self, PyObject *args);
KERNELS_INTERNAL PyObject *k_wilder_rsi(PyObject *self, PyObject *args);
KERNELS_INTERNAL PyObject *k_wilder_atr(PyObject *self, PyObject *args);
KERNELS_INTERNAL PyObject *k_macd(PyObject *self, PyObject *args);
KERNELS_INTERNAL PyObject *k_ndtr(PyObject *self, PyObject *args);
KERNELS_INTERNAL PyObject *k_bs_greeks(PyObject *self, PyObject *args);
KERNELS_INTERNAL PyObject *k_implied_vol(PyObject *self, PyObject *args);

#endif /* KERNELS_KERNELS_H */
