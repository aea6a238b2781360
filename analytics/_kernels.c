/* Compiled loops for the indicators: one pass over the data, the GIL released meanwhile.
 *
 * Optional: setup.py builds it when a C compiler is present; without one, analytics falls back
 * to its numpy paths (same numbers, 3-16x slower on a million bars). Arrays arrive through the
 * buffer protocol as C-contiguous float64 (the Python wrappers in analytics/kernels.py make
 * sure of that) and results are written into caller-allocated output buffers.
 *
 * This file is the module: its method table, the lanes' level (fast_cpu) and the _lanes test hook.
 * The kernels are in analytics/_kernels_src/, one file per purpose:
 *   indicators.c   linear_recurrence, rolling_mean (SMA), wilder_rsi, wilder_atr, macd
 *   ndtr.c         ndtr, the standard normal CDF
 *   greeks.c       bs_greeks, Black-Scholes-Merton greeks (libm loop and AVX2/AVX-512 lanes)
 *   implied_vol.c  implied_vol (libm search, and its starts in lanes)
 *   fast_math.h    the lanes' inline exp/log/polynomials; normal.h the Cephes ndtr tables
 *   buffers.[ch]   the Py_buffer checks and D(); common.h the compiler/dispatch macros
 */
#include "_kernels_src/common.h"
#include "_kernels_src/kernels.h"

int fast_cpu = 0; /* set at import */

#if FAST_LANES
static int widest_lanes(void) {
    if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))) return 0;
    const int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
                       && __builtin_cpu_supports("avx512vl");
    return avx512 ? 2 : 1;
}
#endif

/* Tests pick the lanes (0 none: the libm loops other CPUs run; 1 AVX2; 2 AVX-512) to check each
 * on this machine: _lanes(level) -> the previous level; capped at what the CPU has. */
static PyObject *k_lanes(PyObject *Py_UNUSED(self), PyObject *args) {
    int level, was = fast_cpu;
    if (!PyArg_ParseTuple(args, "i", &level)) return NULL;
#if FAST_LANES
    fast_cpu = level < widest_lanes() ? (level > 0 ? level : 0) : widest_lanes();
#endif
    return PyLong_FromLong(was);
}

static PyMethodDef methods[] = {
    {"_lanes", k_lanes, METH_VARARGS, "_lanes(level): 0 libm loops, 1 AVX2, 2 AVX-512 (tests); returns the old level"},
    {"bs_greeks", k_bs_greeks, METH_VARARGS,
     "bs_greeks(S, K, T, r, q, sigma, is_call, delta, gamma, theta, vega, rho): the five greeks in one pass"},
    {"implied_vol", k_implied_vol, METH_VARARGS,
     "implied_vol(price, S, K, T, r, q, is_call, out, tol, max_iter, sigma_max): NaN where no vol fits"},
    {"ndtr", k_ndtr, METH_VARARGS, "ndtr(x, out): standard normal CDF"},
    {"macd", k_macd, METH_VARARGS, "macd(close, macd_out, signal_out, hist_out, first, fast, slow, signal)"},
    {"linear_recurrence", k_linear_recurrence, METH_VARARGS,
     "linear_recurrence(x, out, alpha, y0): out[i] = alpha*x[i] + (1-alpha)*out[i-1]"},
    {"rolling_mean", k_rolling_mean, METH_VARARGS, "rolling_mean(x, out, window)"},
    {"wilder_rsi", k_wilder_rsi, METH_VARARGS, "wilder_rsi(close, out, period)"},
    {"wilder_atr", k_wilder_atr, METH_VARARGS, "wilder_atr(high, low, close, out, period)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_kernels", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__kernels(void) {
#if FAST_LANES
    __builtin_cpu_init();
    fast_cpu = widest_lanes();
#endif
    return PyModule_Create(&module);
}
