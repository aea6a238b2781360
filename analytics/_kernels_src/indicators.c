/* The indicators' loops: the linear recurrence (EMA), the rolling mean (SMA), Wilder's RSI and ATR,
 * and MACD, each with its Python entry point k_<name>. rolling_mean and wilder_atr are
 * DISPATCHED (target_clones) with their inlined helpers here. */
#include "buffers.h"
#include "kernels.h"

/* y[i] = alpha*x[i] + (1-alpha)*y[i-1], y[-1] = y0 */
static void recurrence(const double *x, double *y, Py_ssize_t n, double alpha, double y0) {
    const double beta = 1.0 - alpha;
    double prev = y0;
    for (Py_ssize_t i = 0; i < n; i++) {
        prev = alpha * x[i] + beta * prev;
        y[i] = prev;
    }
}

PyObject *k_linear_recurrence(PyObject *Py_UNUSED(self), PyObject *args) {
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

/* Running-sum moving average, as TA-Lib: y[i] = mean(x[i-w+1..i]); NaN before w-1.
 * The sum's update d = x[i] - x[i-w] is computed off the dependency chain, and four updates are
 * summed among themselves before joining it: one add per four bars on the chain instead of two
 * per bar. The divisions are left to a second, vectorizable pass. */
DISPATCHED static void rolling_mean(const double *x, double *y, Py_ssize_t n, Py_ssize_t w) {
    double total = 0.0;
    Py_ssize_t i = 0;
    for (; i < n && i < w; i++) {
        total += x[i];
        y[i] = total;
    }
    for (; i + 4 <= n; i += 4) {
        const double d1 = x[i] - x[i - w], d2 = x[i + 1] - x[i + 1 - w];
        const double d3 = x[i + 2] - x[i + 2 - w], d4 = x[i + 3] - x[i + 3 - w];
        const double p2 = d1 + d2, p3 = p2 + d3, p4 = p3 + d4;
        y[i] = total + d1, y[i + 1] = total + p2, y[i + 2] = total + p3;
        y[i + 3] = total = total + p4;
    }
    for (; i < n; i++) y[i] = total += x[i] - x[i - w];
    for (i = 0; i < n && i < w - 1; i++) y[i] = NAN;
    for (; i < n; i++) y[i] /= (double)w;
}

PyObject *k_rolling_mean(PyObject *Py_UNUSED(self), PyObject *args) {
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

PyObject *k_wilder_rsi(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer b[2] = {{0}};
    Py_ssize_t p, n;
    if (!PyArg_ParseTuple(args, "y*w*n", &b[0], &b[1], &p)) return NULL;
    if (!lengths_match(b, 2, &n) || !positive(p, "period")) return release(b, 2, 0);
    Py_BEGIN_ALLOW_THREADS
    wilder_rsi(D(b[0]), D(b[1]), n, p);
    Py_END_ALLOW_THREADS
    return release(b, 2, 1);
}

/* max(H-L, |H-C[i-1]|, |L-C[i-1]|) for bars 1..n-1 into tr[1..], without branches so the loop
 * vectorizes: `a > b ? a : b` is one maxsd. fmax would skip a NaN; numpy's maximum (the
 * fallback) propagates it, and so do we: up + down is NaN exactly when either is. */
INLINE void true_ranges(const double *h, const double *l, const double *c, double *tr, Py_ssize_t from,
                        Py_ssize_t to) {
    for (Py_ssize_t i = from; i < to; i++) {
        const double up = fabs(h[i] - c[i - 1]), down = fabs(l[i] - c[i - 1]), both = up + down;
        double t = h[i] - l[i];
        t = up > t ? up : t;
        t = down > t ? down : t;
        tr[i] = both == both ? t : both;
    }
}

/* y[i] = alpha*y[i] + beta*y[i-1] in place from y[start], y[start-1] = y0, four bars per step on
 * the dependency chain: with c_k the recurrence's run over the step's first k inputs from 0
 * (off the chain), y[i+k] = beta^k y[i] + c_k. A NaN input still turns every later value NaN. */
INLINE double smooth_in_place(double *y, Py_ssize_t start, Py_ssize_t n, double alpha, double y0) {
    const double beta = 1.0 - alpha, b2 = beta * beta, b3 = b2 * beta, b4 = b2 * b2;
    double prev = y0;
    Py_ssize_t i = start;
    for (; i + 4 <= n; i += 4) {
        const double c1 = alpha * y[i], c2 = beta * c1 + alpha * y[i + 1];
        const double c3 = beta * c2 + alpha * y[i + 2], c4 = beta * c3 + alpha * y[i + 3];
        y[i] = beta * prev + c1, y[i + 1] = b2 * prev + c2, y[i + 2] = b3 * prev + c3;
        y[i + 3] = prev = b4 * prev + c4;
    }
    for (; i < n; i++) y[i] = prev = alpha * y[i] + beta * prev;
    return prev;
}

#define ATR_BLOCK 64

/* Wilder's ATR: TR from bar 1, seeded at bar `p` with the mean of TR[1..p]. Strip-mined: the true
 * ranges of a short block go to the output and are smoothed there while still in L1, so the inputs
 * (24 MB a million bars, beyond the cache) stream through once, their loads overlapping the
 * smoothing (512-bar blocks: 1.3 ms a million bars, 64: 0.9 ms). */
DISPATCHED static void wilder_atr(const double *h, const double *l, const double *c, double *y, Py_ssize_t n,
                                  Py_ssize_t p) {
    if (n <= p) {
        for (Py_ssize_t i = 0; i < n; i++) y[i] = NAN;
        return;
    }
    true_ranges(h, l, c, y, 1, p + 1);
    double avg = 0.0;
    for (Py_ssize_t i = 1; i <= p; i++) avg += y[i];
    for (Py_ssize_t i = 0; i < p; i++) y[i] = NAN;
    y[p] = avg = avg / (double)p;
    for (Py_ssize_t from = p + 1; from < n; from += ATR_BLOCK) {
        const Py_ssize_t to = n - from > ATR_BLOCK ? from + ATR_BLOCK : n;
        true_ranges(h, l, c, y, from, to);
        avg = smooth_in_place(y, from, to, 1.0 / (double)p, avg);
    }
}

PyObject *k_wilder_atr(PyObject *Py_UNUSED(self), PyObject *args) {
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

PyObject *k_macd(PyObject *Py_UNUSED(self), PyObject *args) {
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
