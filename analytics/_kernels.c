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
#include <float.h>
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

static double true_range(const double *h, const double *l, const double *c, Py_ssize_t i) {
    double tr = h[i] - l[i], up = fabs(h[i] - c[i - 1]), down = fabs(l[i] - c[i - 1]);
    /* fmax would skip a NaN; numpy's maximum (the fallback) propagates it, and so do we */
    if (isnan(up) || isnan(down)) return NAN;
    if (up > tr) tr = up;
    if (down > tr) tr = down;
    return tr;
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
    for (Py_ssize_t i = p + 1; i < n; i++) {
        avg = alpha * true_range(h, l, c, i) + beta * avg;
        y[i] = avg;
    }
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

/* ---- Black-Scholes-Merton: greeks in one pass, implied volatility ---------------------------
 * Inputs are C-contiguous float64 arrays of one length n, the option side a bool (uint8) array.
 * Greek units as analytics/pricing.py: theta per calendar day, vega per vol point, rho per 1 %. */
#define SQRT_2PI 2.5066282746310002
#define INV_SQRT_2PI 0.3989422804014327

static double norm_cdf(double x) { return 0.5 * erfc(-x * M_SQRT1_2); }
static double norm_pdf(double x) { return INV_SQRT_2PI * exp(-0.5 * x * x); }

typedef struct { double delta, gamma, theta, vega, rho; } greeks_t;

/* Expired or zero-vol: delta is the intrinsic step (of the forward for zero vol), the rest 0. */
static greeks_t degenerate_greeks(double S, double K, double T, double r, double q, double sign) {
    greeks_t g = {0.0, 0.0, 0.0, 0.0, 0.0};
    const int itm = T <= 0 ? sign * (S - K) > 0 : sign * (S * exp(-q * T) - K * exp(-r * T)) > 0;
    g.delta = itm ? sign : 0.0;
    return g;
}

static greeks_t greeks_one(double S, double K, double T, double r, double q, double sigma, double sign) {
    if (T <= 0 || sigma <= 0) return degenerate_greeks(S, K, T, r, q, sign);
    const double sqrt_t = sqrt(T), vol_t = sigma * sqrt_t;
    const double d1 = (log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / vol_t, d2 = d1 - vol_t;
    const double df_q = exp(-q * T), df_r = exp(-r * T), pdf = norm_pdf(d1);
    const double nd1 = norm_cdf(sign * d1), nd2 = norm_cdf(sign * d2);
    greeks_t g;
    g.delta = sign * df_q * nd1;
    g.gamma = df_q * pdf / (S * vol_t);
    g.vega = S * df_q * pdf * sqrt_t / 100.0;
    g.theta = (-S * df_q * pdf * sigma / (2.0 * sqrt_t) - sign * r * K * df_r * nd2 + sign * q * S * df_q * nd1) / 365.0;
    g.rho = sign * K * T * df_r * nd2 / 100.0;
    return g;
}

/* Buffers: `nd` float64 ones then one uint8 (the side), all of n elements. */
static int side_buffers_match(Py_buffer *b, int nd, Py_ssize_t *n) {
    if (!lengths_match(b, nd, n)) return 0;
    if (b[nd].len != *n) {
        PyErr_SetString(PyExc_ValueError, "is_call must be a bool array of the same length");
        return 0;
    }
    return 1;
}

static PyObject *k_bs_greeks(PyObject *self, PyObject *args) {
    Py_buffer b[12] = {{0}};  /* S K T r q sigma delta gamma theta vega rho | is_call */
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*w*w*w*w*w*", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[11],
                          &b[6], &b[7], &b[8], &b[9], &b[10]))
        return NULL;
    if (!side_buffers_match(b, 11, &n)) return release(b, 12, 0);
    Py_BEGIN_ALLOW_THREADS
    const unsigned char *call = (const unsigned char *)b[11].buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        const greeks_t g = greeks_one(D(b[0])[i], D(b[1])[i], D(b[2])[i], D(b[3])[i], D(b[4])[i], D(b[5])[i],
                                      call[i] ? 1.0 : -1.0);
        D(b[6])[i] = g.delta, D(b[7])[i] = g.gamma, D(b[8])[i] = g.theta, D(b[9])[i] = g.vega, D(b[10])[i] = g.rho;
    }
    Py_END_ALLOW_THREADS
    return release(b, 12, 1);
}

/* Normalised Black OTM call, x = ln(F/K) <= 0, s = sigma*sqrt(T) > 0: the undiscounted price over
 * sqrt(F*K), b = e^{x/2} N(x/s + s/2) - e^{-x/2} N(x/s - s/2), with erfc for both tails. */
typedef struct { double x, ex, inv_ex; } wing_t;  /* x <= 0 and e^{x/2}, e^{-x/2}: computed once */

static double normalised_call(const wing_t *w, double s) {
    const double h = w->x / s, t = 0.5 * s;
    return 0.5 * (w->ex * erfc(-(h + t) * M_SQRT1_2) - w->inv_ex * erfc(-(h - t) * M_SQRT1_2));
}

/* e^{x/2} - b, the distance to the ceiling, as a sum of two positive terms (no cancellation when
 * b is close to its ceiling: high vol or long expiry). */
static double normalised_gap(const wing_t *w, double s) {
    const double h = w->x / s, t = 0.5 * s;
    return 0.5 * (w->ex * erfc((h + t) * M_SQRT1_2) + w->inv_ex * erfc(-(h - t) * M_SQRT1_2));
}

/* d b / d s: the normalised vega */
static double normalised_vega(double x, double s) {
    const double h = x / s, t = 0.5 * s;
    return INV_SQRT_2PI * exp(-0.5 * (h * h + t * t));
}

/* Inverse normal CDF for p in (0, 1/2], Acklam's rational approximation (1e-9 relative): only
 * the upper branch's initial guess uses it. */
static double norm_quantile_low(double p) {
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                               1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    if (p < 0.02425) {
        const double u = sqrt(-2.0 * log(p));
        return (((((c[0] * u + c[1]) * u + c[2]) * u + c[3]) * u + c[4]) * u + c[5])
               / ((((d[0] * u + d[1]) * u + d[2]) * u + d[3]) * u + 1.0);
    }
    const double u = p - 0.5, w = u * u;
    return (((((a[0] * w + a[1]) * w + a[2]) * w + a[3]) * w + a[4]) * w + a[5]) * u
           / (((((b[0] * w + b[1]) * w + b[2]) * w + b[3]) * w + b[4]) * w + 1.0);
}

/* Initial guess for s, by branch around the inflection point s_c = sqrt(2|x|) of b(s), with
 * b_c = b(s_c). Lower branch: the far-wing asymptote b ~ exp(-u) s^3 / (x^2 sqrt(2 pi)) with
 * u = x^2/2s^2 gives u + 1.5 ln(2u) = -ln(beta sqrt(2 pi)) + ln|x|, solved by one Newton step in u; or the
 * tangent at s_c where that is smaller (b is convex below s_c, so the tangent overshoots).
 * Upper branch: the gap to the ceiling behaves as 2 cosh(x/2) N(-s/2). */
static double initial_guess(const wing_t *w, double beta, double sc, double bc, int lower) {
    const double ax = -w->x, tangent = sc + (beta - bc) / (INV_SQRT_2PI * w->ex);  /* vega(s_c) */
    if (!lower) {
        const double gap = (w->ex - beta) / (w->ex + w->inv_ex);
        const double s = -2.0 * norm_quantile_low(gap < 0.5 ? gap : 0.5);
        return s > sc ? s : tangent;
    }
    const double a = -log(beta * SQRT_2PI / ax);
    double u = a > 1.0 ? a - 1.5 * log(2.0 * a) : 1.0;  /* then one Newton step */
    u = u > 0.5 ? u : 0.5;
    u -= (u + 1.5 * log(2.0 * u) - a) / (1.0 + 1.5 / u);
    const double s = u > 0 ? ax / sqrt(2.0 * u) : sc;
    return tangent > 0 && (tangent < s || !(s < sc)) ? tangent : s;
}

/* One Householder(3) step for g(s) = 0 from nu = -g/g' and the ratios h2 = g''/g', h3 = g'''/g'. */
static double householder3(double nu, double h2, double h3) {
    return nu * (1.0 + 0.5 * h2 * nu) / (1.0 + nu * (h2 + h3 * nu / 6.0));
}

/* The step from s. Lower branch: g = ln b - ln beta (near-linear, as b falls like exp(-x^2/2s^2));
 * upper: g = ln(beta_gap) - ln(gap), gap = ceiling - b (b flattens towards its ceiling there).
 * From b' = vega, b''/b' = x^2/s^3 - s/4, b'''/b' = (b''/b')^2 - 3x^2/s^4 - 1/4. `value` is b or
 * the gap, `target` beta or its gap. */
static double iv_step(double x, double s, double log_target, double value, int lower) {
    const double inv_s = 1.0 / s, h = x * inv_s, t = 0.5 * s, q = h * h * inv_s;  /* q = x^2/s^3 */
    const double v = INV_SQRT_2PI * exp(-0.5 * (h * h + t * t)), inv_value = 1.0 / value;
    const double r2 = q - 0.25 * s, r3 = r2 * r2 - 3.0 * q * inv_s - 0.25, l = v * inv_value;
    if (lower)
        return householder3((log_target - log(value)) * value / v, r2 - l, r3 - 3.0 * r2 * l + 2.0 * l * l);
    return householder3((log(value) - log_target) * value / v, r2 + l, r3 + 3.0 * r2 * l + 2.0 * l * l);
}

/* Evaluation at s of the branch's function, narrowing the bracket [lo, hi] around the root. */
static double iv_value(const wing_t *w, double s, double target, int lower, double *lo, double *hi) {
    const double value = lower ? normalised_call(w, s) : normalised_gap(w, s);
    if (lower == (value < target)) *lo = s; else *hi = s;
    return value;
}

/* s = sigma sqrt(T) with normalised_call(x, s) = beta, x <= 0, 0 < beta < e^{x/2}: Householder(3)
 * steps kept inside a bracket that every evaluation narrows; a step that would leave it halves
 * the distance to the bracket's side instead (or doubles s while no upper side is known). */
static double solve_normalised(const wing_t *w, double beta, double tol, int max_iter, double s_max,
                               int *converged) {
    /* b(s_c) = e^{x/2}/2 - e^{-x/2} N(-s_c): one erfc */
    const double sc = sqrt(-2.0 * w->x), bc = 0.5 * (w->ex - w->inv_ex * erfc(sc * M_SQRT1_2));
    const int lower = beta < bc;
    const double target = lower ? beta : w->ex - beta, log_target = log(target);
    double lo = lower ? 0.0 : sc, hi = lower ? sc : s_max, s = initial_guess(w, beta, sc, bc, lower);
    if (!(s > lo && s < hi)) s = lower ? 0.5 * sc : 2.0 * sc + 1e-3;
    for (int k = 0; k < max_iter; k++) {
        const double value = iv_value(w, s, target, lower, &lo, &hi);
        const double step = value > 0 ? iv_step(w->x, s, log_target, value, lower) : NAN;
        /* converged (tested before the bracket, which s now bounds): the error after a step of
         * relative size cbrt(tol) is of order its fourth power (Householder(3) converges with order 4),
         * below tol */
        if (fabs(step) <= tol * s) {
            *converged = 1;
            return s + step;
        }
        s += step;
        if (!(s > lo && s < hi)) s = hi >= s_max ? (2.0 * lo < s_max ? 2.0 * lo : 0.5 * (lo + hi)) : 0.5 * (lo + hi);
    }
    return s;
}

/* sigma for one quote, NaN where none reproduces it. In forward terms (F = S e^{(r-q)T}, prices
 * undiscounted) an in-the-money quote becomes its out-of-the-money twin by put-call parity, and
 * an OTM put at x = ln(F/K) is the OTM call at -x, so only calls with x <= 0 are solved. The
 * answer of a search that ran out of steps is checked: missing the price by more than 1e-7
 * relative gives NaN, as in the numpy path. */
static double implied_vol_one(double price, double S, double K, double T, double r, double q, int call,
                              double tol, int max_iter, double sigma_max) {
    if (!(T > 0 && S > 0 && K > 0 && isfinite(price) && isfinite(S) && isfinite(K) && isfinite(T)
          && isfinite(r) && isfinite(q)))
        return NAN;
    const double df_r = exp(-r * T), fwd = S * exp((r - q) * T), x = log(S / K) + (r - q) * T;
    double otm = price / df_r;
    /* in the money: parity; a remainder within rounding of the quote is no time value at all */
    if (call == (x > 0)) otm = otm - (call ? fwd - K : K - fwd) > 8.0 * DBL_EPSILON * otm ? otm - (call ? fwd - K : K - fwd) : 0.0;
    const double root = sqrt(fwd * K), beta = otm / root, ex = exp(-0.5 * fabs(x));
    const wing_t w = {-fabs(x), ex, 1.0 / ex};
    if (!(beta > 0 && beta < ex)) return NAN;
    int converged = 0;
    const double s = solve_normalised(&w, beta, cbrt(tol), max_iter, sigma_max * sqrt(T), &converged);
    if (!(s < 0.999999 * sigma_max * sqrt(T))) return NAN;
    if (!converged && !(fabs(normalised_call(&w, s) - beta) <= 1e-7 * beta + 1e-14 / root)) return NAN;
    return s / sqrt(T);
}

static PyObject *k_implied_vol(PyObject *self, PyObject *args) {
    Py_buffer b[8] = {{0}};  /* price S K T r q out | is_call */
    double tol, sigma_max;
    int max_iter;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*w*did", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[7], &b[6],
                          &tol, &max_iter, &sigma_max))
        return NULL;
    if (!side_buffers_match(b, 7, &n)) return release(b, 8, 0);
    Py_BEGIN_ALLOW_THREADS
    const unsigned char *call = (const unsigned char *)b[7].buf;
    for (Py_ssize_t i = 0; i < n; i++)
        D(b[6])[i] = implied_vol_one(D(b[0])[i], D(b[1])[i], D(b[2])[i], D(b[3])[i], D(b[4])[i], D(b[5])[i],
                                     call[i] != 0, tol, max_iter, sigma_max);
    Py_END_ALLOW_THREADS
    return release(b, 8, 1);
}

static PyMethodDef methods[] = {
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

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
