/* Compiled loops for the indicators: one pass over the data, the GIL released meanwhile.
 *
 * Optional: setup.py builds it when a C compiler is present; without one, analytics falls back
 * to its numpy paths (same numbers, 3-16x slower on a million bars). Arrays arrive through the
 * buffer protocol as C-contiguous float64 (the Python wrappers in analytics/kernels.py make
 * sure of that) and results are written into caller-allocated output buffers.
 */
#define PY_SSIZE_T_CLEAN
#define _USE_MATH_DEFINES /* M_SQRT1_2 on MSVC */
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* The float64 buffers of one call: checked to hold whole doubles and to share one length. */
static int lengths_match(Py_buffer *bufs, int count, Py_ssize_t *n) {
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

static PyObject *release(Py_buffer *bufs, int count, int ok) {
    for (int i = 0; i < count; i++) PyBuffer_Release(&bufs[i]);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

static int positive(Py_ssize_t value, const char *name) {
    if (value < 1) PyErr_Format(PyExc_ValueError, "%s must be positive", name);
    return value >= 1;
}

#define D(b) ((double *)(b).buf)

/* y[i] = alpha*x[i] + (1-alpha)*y[i-1], y[-1] = y0 */
static void recurrence(const double *x, double *y, Py_ssize_t n, double alpha, double y0) {
    const double beta = 1.0 - alpha;
    double prev = y0;
    for (Py_ssize_t i = 0; i < n; i++) {
        prev = alpha * x[i] + beta * prev;
        y[i] = prev;
    }
}

static PyObject *k_linear_recurrence(PyObject *self, PyObject *args) {
    Py_buffer b[2] = {{0}};
    double alpha, y0;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*w*dd", &b[0], &b[1], &alpha, &y0)) return NULL;
    if (!lengths_match(b, 2, &n)) return release(b, 2, 0);
    Py_BEGIN_ALLOW_THREADS
    recurrence(D(b[0]), D(b[1]), n, alpha, y0);
    Py_END_ALLOW_THREADS
    return release(b, 2, 1);
}

/* Running-sum moving average, as TA-Lib: y[i] = mean(x[i-w+1..i]); NaN before w-1. */
static void rolling_mean(const double *x, double *y, Py_ssize_t n, Py_ssize_t w) {
    double total = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        total += x[i];
        if (i >= w) total -= x[i - w];
        y[i] = i >= w - 1 ? total / (double)w : NAN;
    }
}

static PyObject *k_rolling_mean(PyObject *self, PyObject *args) {
    Py_buffer b[2] = {{0}};
    Py_ssize_t w, n;
    if (!PyArg_ParseTuple(args, "y*w*n", &b[0], &b[1], &w)) return NULL;
    if (!lengths_match(b, 2, &n) || !positive(w, "window")) return release(b, 2, 0);
    Py_BEGIN_ALLOW_THREADS
    rolling_mean(D(b[0]), D(b[1]), n, w);
    Py_END_ALLOW_THREADS
    return release(b, 2, 1);
}

/* max(x, 0) keeping a NaN as numpy's maximum does, without a branch: up and down moves
 * alternate at random and a mispredicted branch per bar triples the loop's time (compilers
 * will not turn a ?: on doubles into maxsd without -ffast-math). Keeps x's bits unless x < 0. */
static double clip_negative(double x) {
    uint64_t bits, keep = (uint64_t)0 - (uint64_t)!(x < 0.0);
    memcpy(&bits, &x, sizeof bits);
    bits &= keep;
    memcpy(&x, &bits, sizeof bits);
    return x;
}
static double up_move(double d) { return clip_negative(d); }
static double down_move(double d) { return clip_negative(-d); }

/* Wilder's RSI: average gain/loss seeded with the mean of the first `p` changes, then
 * smoothed with alpha = 1/p; y[p..] = 100*gain/(gain+loss), 0 when both are 0. */
static void wilder_rsi(const double *c, double *y, Py_ssize_t n, Py_ssize_t p) {
    const double alpha = 1.0 / (double)p, beta = 1.0 - alpha;
    double gain = 0.0, loss = 0.0;
    for (Py_ssize_t i = 0; i < n && i <= p; i++) y[i] = NAN;
    if (n <= p) return;
    for (Py_ssize_t i = 1; i <= p; i++) {
        gain += up_move(c[i] - c[i - 1]);
        loss += down_move(c[i] - c[i - 1]);
    }
    gain /= (double)p;
    loss /= (double)p;
    for (Py_ssize_t i = p;; i++) {
        const double total = gain + loss;
        y[i] = total == 0.0 ? 0.0 : 100.0 * gain / total;
        if (i + 1 >= n) break;
        const double d = c[i + 1] - c[i];
        gain = alpha * up_move(d) + beta * gain;
        loss = alpha * down_move(d) + beta * loss;
    }
}

static PyObject *k_wilder_rsi(PyObject *self, PyObject *args) {
    Py_buffer b[2] = {{0}};
    Py_ssize_t p, n;
    if (!PyArg_ParseTuple(args, "y*w*n", &b[0], &b[1], &p)) return NULL;
    if (!lengths_match(b, 2, &n) || !positive(p, "period")) return release(b, 2, 0);
    Py_BEGIN_ALLOW_THREADS
    wilder_rsi(D(b[0]), D(b[1]), n, p);
    Py_END_ALLOW_THREADS
    return release(b, 2, 1);
}

/* max(h-l, |h-c'|, |l-c'|), NaN when any is (as numpy's maximum; fmax would skip a NaN), without
 * a branch: which of the three is largest changes at random from bar to bar, and mispredicted
 * branches made this loop 1.5x TA-Lib's. Each `a > b ? a : b` compiles to one maxsd, which
 * returns b when either is NaN. A NaN in h-l implies one in up or down, and up + down >= 0 is NaN
 * exactly when one of them is (inf + inf is not), so `nan` is 0, or NaN to pass on. */
static double true_range(const double *h, const double *l, const double *c, Py_ssize_t i) {
    const double up = fabs(h[i] - c[i - 1]), down = fabs(l[i] - c[i - 1]), either = up + down;
    const double nan = 0.0 < either ? 0.0 : either;
    double tr = h[i] - l[i];
    tr = tr > up ? tr : up;
    tr = tr > down ? tr : down;
    return tr > nan ? tr : nan;
}

/* Wilder's ATR: TR from bar 1, seeded at bar `p` with the mean of TR[1..p]. */
static void wilder_atr(const double *h, const double *l, const double *c, double *y, Py_ssize_t n, Py_ssize_t p) {
    const double alpha = 1.0 / (double)p, beta = 1.0 - alpha;
    for (Py_ssize_t i = 0; i < n && i < p; i++) y[i] = NAN;
    if (n <= p) return;
    double avg = 0.0;
    for (Py_ssize_t i = 1; i <= p; i++) avg += true_range(h, l, c, i);
    avg /= (double)p;
    y[p] = avg;
    /* Two bars a step: avg[i+1] = beta^2*avg[i-1] + (beta*a*tr[i] + a*tr[i+1]) puts one multiply-add
     * per two bars on the loop-carried chain, whose latency bounds this loop (and TA-Lib's). */
    const double beta2 = beta * beta, alpha_beta = alpha * beta;
    Py_ssize_t i = p + 1;
    for (; i + 1 < n; i += 2) {
        const double tr0 = true_range(h, l, c, i), tr1 = true_range(h, l, c, i + 1);
        y[i] = alpha * tr0 + beta * avg;
        avg = (alpha_beta * tr0 + alpha * tr1) + beta2 * avg;
        y[i + 1] = avg;
    }
    if (i < n) y[i] = alpha * true_range(h, l, c, i) + beta * avg;
}

static PyObject *k_wilder_atr(PyObject *self, PyObject *args) {
    Py_buffer b[4] = {{0}};
    Py_ssize_t p, n;
    if (!PyArg_ParseTuple(args, "y*y*y*w*n", &b[0], &b[1], &b[2], &b[3], &p)) return NULL;
    if (!lengths_match(b, 4, &n) || !positive(p, "period")) return release(b, 4, 0);
    Py_BEGIN_ALLOW_THREADS
    wilder_atr(D(b[0]), D(b[1]), D(b[2]), D(b[3]), n, p);
    Py_END_ALLOW_THREADS
    return release(b, 4, 1);
}

/* MACD in one pass, seeded as TA-Lib (and as analytics.indicators.macd's numpy path): both EMAs
 * start at bar s0 = first+slow-1, the slow one with the mean of the `slow` closes ending there,
 * the fast one with the mean of the `fast` closes ending there; the signal line is an EMA of
 * the MACD line seeded at s0+signal-1 with the mean of the line's first `signal` values. */
static void macd_loop(const double *c, double *m, double *g, double *h, Py_ssize_t n, Py_ssize_t first,
                      Py_ssize_t fast, Py_ssize_t slow, Py_ssize_t signal) {
    const Py_ssize_t s0 = first + slow - 1, g0 = s0 + signal - 1;
    for (Py_ssize_t i = 0; i < n && i < s0; i++) m[i] = g[i] = h[i] = NAN;
    if (s0 >= n) return;
    const double af = 2.0 / (double)(fast + 1), as = 2.0 / (double)(slow + 1), ag = 2.0 / (double)(signal + 1);
    double fema = 0.0, sema = 0.0, line_sum = 0.0, sig = NAN;
    for (Py_ssize_t i = first; i <= s0; i++) {
        sema += c[i];
        if (i > s0 - fast) fema += c[i];
    }
    fema /= (double)fast;
    sema /= (double)slow;
    for (Py_ssize_t i = s0; i < n; i++) {
        if (i > s0) {
            fema = af * c[i] + (1.0 - af) * fema;
            sema = as * c[i] + (1.0 - as) * sema;
        }
        const double line = fema - sema;
        m[i] = line;
        if (i < g0) {
            line_sum += line;
            g[i] = h[i] = NAN;
            continue;
        }
        if (i == g0)
            sig = (line_sum + line) / (double)signal;
        else
            sig = ag * line + (1.0 - ag) * sig;
        g[i] = sig;
        h[i] = line - sig;
    }
}

static PyObject *k_macd(PyObject *self, PyObject *args) {
    Py_buffer b[4] = {{0}};
    Py_ssize_t first, fast, slow, signal, n;
    if (!PyArg_ParseTuple(args, "y*w*w*w*nnnn", &b[0], &b[1], &b[2], &b[3], &first, &fast, &slow, &signal))
        return NULL;
    if (!lengths_match(b, 4, &n)) return release(b, 4, 0);
    if (first < 0 || fast < 1 || slow <= fast || signal < 1) {
        PyErr_SetString(PyExc_ValueError, "need 0 <= first, 1 <= fast < slow, 1 <= signal");
        return release(b, 4, 0);
    }
    Py_BEGIN_ALLOW_THREADS
    macd_loop(D(b[0]), D(b[1]), D(b[2]), D(b[3]), n, first, fast, slow, signal);
    Py_END_ALLOW_THREADS
    return release(b, 4, 1);
}

/* Standard normal CDF, 0.5*erfc(-x/sqrt(2)) with the C library's erfc (accurate in both tails,
 * as scipy.special.ndtr): the pricing's only need from SciPy, so a frozen app can leave it out. */
static PyObject *k_ndtr(PyObject *self, PyObject *args) {
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

static PyMethodDef methods[] = {
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

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
