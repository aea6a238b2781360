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

/* Hot loops get an AVX2+FMA clone picked at load time on x86-64 Linux with GCC and glibc (ifunc);
 * elsewhere (MSVC, macOS, musl, other CPUs) the plain build, same code. The installers run on any
 * x86-64, so the wider instructions must never be the only version. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__)
#if __GNUC__ >= 11
#define DISPATCHED __attribute__((target_clones("arch=x86-64-v3", "default")))
#else /* (no x86-64-v3 before GCC 11) */
#define DISPATCHED __attribute__((target_clones("avx2", "default")))
#endif
/* the pricing's lanes need fma as an instruction (else a slow library call): they exist only as
 * AVX2+FMA and AVX-512 functions, the widest the CPU has chosen at import (fast_cpu 1 or 2);
 * on other CPUs (fast_cpu 0) the libm loops run */
#define FAST_LANES 1
#define AVX2_TARGET __attribute__((target("avx2,fma")))
#define AVX512_TARGET __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
#else
#define DISPATCHED
#define FAST_LANES 0
#endif
static int fast_cpu = 0; /* set at import */
/* the polynomials' loops, unrolled before the vectorizer looks at the loop around them */
#if defined(__GNUC__)
#define UNROLLED _Pragma("GCC unroll 16")
#else
#define UNROLLED
#endif
/* The outputs are fresh arrays: no aliasing (else the vectorizer gives up on the many pairs). */
#if defined(_MSC_VER)
#define RESTRICT __restrict
#else
#define RESTRICT restrict
#endif
/* Helpers of dispatched loops: GCC inlines across target options only when told to. */
#if defined(__GNUC__)
#define INLINE static inline __attribute__((always_inline))
#else
#define INLINE static __inline
#endif

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

/* Cephes' (SciPy's ndtr) rational approximations, with Cephes' coefficients */
static const double NDTR_P[] = {2.46196981473530512524E-10, 5.64189564831068821977E-1, 7.46321056442269912687E0,
                                4.86371970985681366614E1, 1.96520832956077098242E2, 5.26445194995477358631E2,
                                9.34528527171957607540E2, 1.02755188689515710272E3, 5.57535335369399327526E2};
static const double NDTR_Q[] = {1.0, 1.32281951154744992508E1, 8.67072140885989742329E1, 3.54937778887819891062E2,
                                9.75708501743205489753E2, 1.82390916687909736289E3, 2.24633760818710981792E3,
                                1.65666309194161350182E3, 5.57535340817727675546E2};
static const double NDTR_R[] = {5.64189583547755073984E-1, 1.27536670759978104416E0, 5.01905042251180477414E0,
                                6.16021097993053585195E0, 7.40974269950448939160E0, 2.97886665372100240670E0};
static const double NDTR_S[] = {1.0, 2.26052863220117276590E0, 9.39603524938001434673E0, 1.20489539808096656605E1,
                                1.70814450747565897222E1, 9.60896809063285878198E0, 3.36907645100081516050E0};
static const double NDTR_T[] = {9.60497373987051638749E0, 9.00260197203842689217E1, 2.23200534594684319226E3,
                                7.00332514112805075473E3, 5.55923013010394962768E4};
static const double NDTR_U[] = {1.0, 3.35617141647503099647E1, 5.21357949780152679795E2, 4.59432382970980127987E3,
                                2.26290000613890934246E4, 4.92673942608635921086E4};

#if FAST_LANES
/* ---- The greeks' loop, branch-free so that it vectorizes -------------------------------------
 * libm's exp, log and erfc are scalar calls (~60 ns a contract with seven of them); these inline
 * versions run 4 (AVX2) or 8 (AVX-512) lanes at a time. Each mirrors what the numpy path computes (so
 * both agree to ~1e-14 even in the far tails, where an ulp of an exponent of ~700 is 1e-13 of the
 * result): numpy's exp(-d^2/2) for the density, SciPy's ndtr (Cephes) for the CDF. Rows outside
 * the plain range (expired, zero vol, non-finite, extreme ratios) are redone by greeks_one. */
#define ROUND_MAGIC 6755399441055744.0 /* 1.5 * 2^52: (x + it) - it rounds x to an integer */
#define LOG2E 1.4426950408889634
#define LN2_HI 6.93147180369123816490e-01 /* ln 2 split so that k * LN2_HI is exact (fdlibm) */
#define LN2_LO 1.90821492927058770002e-10

INLINE uint64_t bits_of(double x) {
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}
INLINE double of_bits(uint64_t u) {
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* 2^n for an integer-valued n in [-1022, 1023], built in the exponent field */
INLINE double pow2i(double n) { return of_bits((bits_of(n + ROUND_MAGIC) - bits_of(ROUND_MAGIC) + 1023) << 52); }

/* e^x within ~1 ulp: x = n ln2 + r, |r| <= ln2/2, Taylor to r^13; 2^n applied in two halves so
 * that results down to the smallest subnormal round once. NaN stays NaN (the clamps compare false). */
INLINE double exp_lanes(double x) {
    x = x < -746.0 ? -746.0 : x;
    x = x > 710.0 ? 710.0 : x;
    const double n = (x * LOG2E + ROUND_MAGIC) - ROUND_MAGIC, r = (x - n * LN2_HI) - n * LN2_LO;
    double p = 1.0 / 6227020800.0;
    static const double inv_fact[] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                                      1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0,
                                      1.0 / 6.0, 0.5, 1.0, 1.0};
    UNROLLED for (int k = 0; k < 13; k++) p = fma(p, r, inv_fact[k]);
    const double half = (n * 0.5 + ROUND_MAGIC) - ROUND_MAGIC;
    return p * pow2i(half) * pow2i(n - half);
}

/* a + b as hi + lo exactly (Knuth's TwoSum) */
INLINE double two_sum(double a, double b, double *lo) {
    const double sum = a + b, bb = sum - a;
    *lo = (a - (sum - bb)) + (b - bb);
    return sum;
}

/* ln(j/8) for j = 6..11, in two parts (hi + lo to ~1e-33), picked by masks summed up: GCC will
 * not gather from a table under its generic tuning, nor vectorize a chain of ?: */
static const double LOG_C_HI[] = {-0.2876820724517809, -0.13353139262452263, 0.0, 0.11778303565638346,
                                  0.22314355131420976, 0.3184537311185346};
static const double LOG_C_LO[] = {-2.607160616442564e-17, 3.664457663660085e-18, 0.0, -1.1971685747593677e-18,
                                  -9.091270597324799e-18, 2.7114779367326236e-17};

INLINE double log_c(double j, double *lo) {
    double hi = 0.0, low = 0.0;
    UNROLLED for (int t = 0; t < 6; t++) {
        hi += j == 6.0 + t ? LOG_C_HI[t] : 0.0;
        low += j == 6.0 + t ? LOG_C_LO[t] : 0.0;
    }
    *lo = low;
    return hi;
}

/* ln y for a positive normal y, correctly rounded but within 1/256 ulp of a tie (flagged in
 * `unsure`, ~0.4 % of inputs; their rows are redone with libm): numpy's log (libm's) is but for
 * ~1e-3 of inputs, and an ulp of ln(S/K) moves d1^2/2 by an ulp of ~700 in the far tails, 1e-13
 * of the greeks there. y = 2^k m, m in [sqrt(1/2), sqrt(2)), c = m to the nearest 1/8:
 * ln m = ln c + 2 atanh(s), s = (m-c)/(m+c) (m-c exact, |s| < 0.045), every part kept in two
 * until the end. */
INLINE double log_lanes(double y, double *unsure) {
    const uint64_t b = bits_of(y);
    double m = of_bits((b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    double k = (of_bits((b >> 52) | 0x4330000000000000ULL) - 4503599627370496.0) - 1023.0; /* (no cvtqq in AVX2) */
    const int high = m > 1.4142135623730951;
    m = high ? 0.5 * m : m;
    k = high ? k + 1.0 : k;
    const double j = (m * 8.0 + ROUND_MAGIC) - ROUND_MAGIC, c = j * 0.125;
    double den_lo, sum_lo, hi_lo, c_lo;
    const double den = two_sum(m, c, &den_lo), inv = 1.0 / den, num = m - c, c_hi = log_c(j, &c_lo);
    const double s = num * inv, s_lo = (fma(-s, den, num) - s * den_lo) * inv, z = s * s;
    double p = 2.0 / 13.0;
    static const double odd[] = {2.0 / 11.0, 2.0 / 9.0, 2.0 / 7.0, 2.0 / 5.0, 2.0 / 3.0};
    UNROLLED for (int i = 0; i < 5; i++) p = fma(p, z, odd[i]);
    const double sum = two_sum(k * LN2_HI, c_hi, &sum_lo), hi = two_sum(sum, 2.0 * s, &hi_lo);
    const double lo = ((s * z * p + 2.0 * s_lo) + (k * LN2_LO + c_lo)) + (sum_lo + hi_lo), out = hi + lo;
    /* within 1/256 ulp of a tie the libm's rounding may differ: the caller redoes such rows */
    const double half_ulp = of_bits(bits_of(out) & 0x7ff0000000000000ULL) * 1.1102230246251565e-16; /* 2^-53 */
    *unsure = fabs(lo - (out - hi)) > half_ulp * (1.0 - 1.0 / 128);
    return out;
}

INLINE double poly(double x, const double *c, int degree) {
    double p = c[0];
    UNROLLED for (int k = 1; k <= degree; k++) p = fma(p, x, c[k]);
    return p;
}

/* N(d) as Cephes, in its order of operations (theta's terms can cancel 1000-fold, so N near 1
 * must round as SciPy's does): x = d/sqrt2; |x| < 1: 1/2 + erf(x)/2; else erfc(|x|)/2 (from 1 on
 * the side x > 0) with erfc(a) = e^{-a^2} P(a)/Q(a), and R/S from a = 8 on. Every branch is
 * evaluated and one kept (one division); e2 = e^{-a^2} comes from the caller. */
INLINE double ndtr_lanes(double d, double e2) {
    const double x = d * M_SQRT1_2, a = fabs(x), ac = a < 40.0 ? a : 40.0; /* e2 = 0 beyond */
    const double x2 = x * x;
    const int mid = ac < 8.0, small = a < 1.0;
    const double num = mid ? poly(ac, NDTR_P, 8) : poly(ac, NDTR_R, 5);
    const double den = mid ? poly(ac, NDTR_Q, 8) : poly(ac, NDTR_S, 6);
    const double t = poly(x2, NDTR_T, 4), u = poly(x2, NDTR_U, 5);
    const double half = 0.5 * ((small ? x * t : e2 * num) / (small ? u : den));
    return small ? 0.5 + half : (x > 0 ? 1.0 - half : half);
}

/* The rows the lanes handle: positive finite inputs in a range where no intermediate overflows. */
INLINE int plain_row(double S, double K, double T, double r, double q, double sigma) {
    const double vol_t = sigma * sqrt(T), ratio = S / K; /* (& not &&: no branches in the lanes) */
    return (T > 0) & (sigma > 0) & (S > 0) & (K > 0) & (fabs(r * T) < 700.0) & (fabs(q * T) < 700.0)
           & (vol_t > 1e-100) & (vol_t < 1e100) & (ratio > 1e-300) & (ratio < 1e300);
}

/* The greeks of rows [0, n) as greeks_one would give them (the plain formulas, in numpy's order);
 * redo[i] = 1 where greeks_one must redo the row (outside the plain range, or ln(S/K) unsure). */
INLINE void greeks_lanes(const double *RESTRICT S, const double *RESTRICT K, const double *RESTRICT T,
                         const double *RESTRICT r, const double *RESTRICT q, const double *RESTRICT sigma,
                         const double *RESTRICT side, double *RESTRICT delta, double *RESTRICT gamma,
                         double *RESTRICT theta, double *RESTRICT vega, double *RESTRICT rho,
                         double *RESTRICT redo, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        const double sign = side[i], sqrt_t = sqrt(T[i]), vol_t = sigma[i] * sqrt_t;
        double log_unsure;
        const double log_sk = log_lanes(S[i] / K[i], &log_unsure);
        const double d1 = (log_sk + (r[i] - q[i] + 0.5 * sigma[i] * sigma[i]) * T[i]) / vol_t;
        const double d2 = d1 - vol_t, df_q = exp_lanes(-q[i] * T[i]), df_r = exp_lanes(-r[i] * T[i]);
        /* the density's exponent as numpy rounds it; Cephes's e^{-a^2}, a = d1/sqrt2 rounded, from it
         * to first order in the (tiny) difference of the two exponents */
        const double h = -0.5 * d1 * d1, e_pdf = exp_lanes(h), a1 = d1 * M_SQRT1_2, a2 = d2 * M_SQRT1_2;
        const double diff = fma(a1, a1, h), e1 = diff == diff ? e_pdf * (1.0 - diff) : e_pdf;
        const double pdf = e_pdf * INV_SQRT_2PI, nd1 = ndtr_lanes(sign * d1, e1);
        const double nd2 = ndtr_lanes(sign * d2, exp_lanes(-(a2 * a2)));
        delta[i] = sign * df_q * nd1;
        gamma[i] = df_q * pdf / (S[i] * vol_t);
        vega[i] = S[i] * df_q * pdf * sqrt_t / 100.0;
        theta[i] = (-S[i] * df_q * pdf * sigma[i] / (2.0 * sqrt_t) - sign * r[i] * K[i] * df_r * nd2
                    + sign * q[i] * S[i] * df_q * nd1) / 365.0;
        rho[i] = sign * K[i] * T[i] * df_r * nd2 / 100.0;
        redo[i] = log_unsure != 0.0 || !plain_row(S[i], K[i], T[i], r[i], q[i], sigma[i]);
    }
}

#endif /* FAST_LANES */

#define GREEKS_BLOCK 256 /* rows per pass: the fix-up re-reads them from L1 */

static void greeks_store(Py_buffer *b, Py_ssize_t i, greeks_t g) {
    D(b[6])[i] = g.delta, D(b[7])[i] = g.gamma, D(b[8])[i] = g.theta, D(b[9])[i] = g.vega, D(b[10])[i] = g.rho;
}

#if FAST_LANES
/* Blocks of rows through the lanes, then the rows they do not cover through greeks_one (inlined
 * into one function per instruction set). */
INLINE void greeks_blocks(Py_buffer *b, Py_ssize_t n) {
    const unsigned char *call = (const unsigned char *)b[11].buf;
    double side[GREEKS_BLOCK]; /* +1 call, -1 put (bytes would not share the lanes' loop) */
    double redo[GREEKS_BLOCK];
    for (Py_ssize_t from = 0; from < n; from += GREEKS_BLOCK) {
        const Py_ssize_t m = n - from < GREEKS_BLOCK ? n - from : GREEKS_BLOCK;
        const double *in[6];
        for (int k = 0; k < 6; k++) in[k] = D(b[k]) + from;
        for (Py_ssize_t i = 0; i < m; i++) side[i] = call[from + i] ? 1.0 : -1.0;
        greeks_lanes(in[0], in[1], in[2], in[3], in[4], in[5], side, D(b[6]) + from, D(b[7]) + from,
                     D(b[8]) + from, D(b[9]) + from, D(b[10]) + from, redo, m);
        for (Py_ssize_t i = 0; i < m; i++)
            if (redo[i] != 0.0)
                greeks_store(b, from + i,
                             greeks_one(in[0][i], in[1][i], in[2][i], in[3][i], in[4][i], in[5][i], side[i]));
    }
}
AVX2_TARGET static void greeks_avx2(Py_buffer *b, Py_ssize_t n) { greeks_blocks(b, n); }
AVX512_TARGET static void greeks_avx512(Py_buffer *b, Py_ssize_t n) { greeks_blocks(b, n); }
#endif

static void greeks_loop(Py_buffer *b, Py_ssize_t n) {
#if FAST_LANES
    if (fast_cpu) {
        (fast_cpu == 2 ? greeks_avx512 : greeks_avx2)(b, n);
        return;
    }
#endif
    const unsigned char *call = (const unsigned char *)b[11].buf;
    for (Py_ssize_t i = 0; i < n; i++)
        greeks_store(b, i, greeks_one(D(b[0])[i], D(b[1])[i], D(b[2])[i], D(b[3])[i], D(b[4])[i], D(b[5])[i],
                                      call[i] ? 1.0 : -1.0));
}

static PyObject *k_bs_greeks(PyObject *self, PyObject *args) {
    Py_buffer b[12] = {{0}};  /* S K T r q sigma delta gamma theta vega rho | is_call */
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*w*w*w*w*w*", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[11],
                          &b[6], &b[7], &b[8], &b[9], &b[10]))
        return NULL;
    if (!side_buffers_match(b, 11, &n)) return release(b, 12, 0);
    Py_BEGIN_ALLOW_THREADS
    greeks_loop(b, n);
    Py_END_ALLOW_THREADS
    return release(b, 12, 1);
}

/* Normalised Black OTM call, x = ln(F/K) <= 0, s = sigma*sqrt(T) > 0: the undiscounted price over
 * sqrt(F*K), b = e^{x/2} N(x/s + s/2) - e^{-x/2} N(x/s - s/2), with erfc for both tails. */
typedef struct { double x, ex, inv_ex; } wing_t;  /* x <= 0 and e^{x/2}, e^{-x/2}: computed once */

/* c[0] x^n + ... + c[n], n <= 8, by Estrin's scheme: half the dependency chain of Horner's (the
 * solver's steps are latency bound), zero-padded to degree 8 (exact) */
INLINE double estrin(double x, const double *c, int n) {
    double a[9] = {0.0};
    for (int k = 0; k <= n; k++) a[k] = c[n - k];
    const double x2 = x * x, x4 = x2 * x2;
    const double b0 = a[0] + a[1] * x, b1 = a[2] + a[3] * x, b2 = a[4] + a[5] * x, b3 = a[6] + a[7] * x;
    return (b0 + b1 * x2) + ((b2 + b3 * x2) + a[8] * x4) * x4;
}

/* erfc(u) given e = e^{-u^2}, with Cephes' rationals (those of ndtr_lanes): below |u| = 1 as
 * 1 - erf(u), no exponential; else e P/Q (R/S from 8 on), reflected for u < 0. */
static double erfc_given(double u, double e) {
    const double a = fabs(u), ac = a < 40.0 ? a : 40.0; /* e = 0 from 27 on: keeps the rationals finite */
    if (a < 1.0) return 1.0 - u * estrin(u * u, NDTR_T, 4) / estrin(u * u, NDTR_U, 5);
    const double y = ac < 8.0 ? e * estrin(ac, NDTR_P, 8) / estrin(ac, NDTR_Q, 8)
                              : e * estrin(ac, NDTR_R, 5) / estrin(ac, NDTR_S, 6);
    return u < 0 ? 2.0 - y : y;
}

/* At s: b (lower branch) or the gap to the ceiling e^{x/2} - b (upper branch: a sum of two
 * positive terms, no cancellation when b is close to its ceiling), and *v = e^{-(h^2+t^2)/2},
 * sqrt(2 pi) times the normalised vega. With h = x/s and t = s/2 the two erfc's exponentials are
 * v e^{-x/2} and v e^{x/2} (ht = x/2): one exp for both and for the step's vega. */
static double wing_value(const wing_t *w, double s, int lower, double *v) {
    const double h = w->x / s, t = 0.5 * s, u1 = -(h + t) * M_SQRT1_2, u2 = -(h - t) * M_SQRT1_2;
    const double e = exp(-0.5 * (h * h + t * t)), far = w->inv_ex * erfc_given(u2, e * w->ex);
    *v = e;
    if (lower) return 0.5 * (w->ex * erfc_given(u1, e * w->inv_ex) - far);
    return 0.5 * (w->ex * erfc_given(-u1, e * w->inv_ex) + far);
}

static double normalised_call(const wing_t *w, double s) {
    double v;
    return wing_value(w, s, 1, &v);
}

static const double ACKLAM_A[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                  1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00};
static const double ACKLAM_B[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                  6.680131188771972e+01, -1.328068155288572e+01, 1.0};
static const double ACKLAM_C[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                  -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00};
static const double ACKLAM_D[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                  3.754408661907416e+00, 1.0};

/* Inverse normal CDF for p in (0, 1/2], Acklam's rational approximation (1e-9 relative): only
 * the upper branch's initial guess uses it. */
static double norm_quantile_low(double p) {
    if (p < 0.02425) {
        const double u = sqrt(-2.0 * log(p));
        return estrin(u, ACKLAM_C, 5) / estrin(u, ACKLAM_D, 4);
    }
    const double u = p - 0.5, w = u * u;
    return estrin(w, ACKLAM_A, 5) * u / estrin(w, ACKLAM_B, 5);
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

/* ln(target/value): near the root (the last step, |z| < 1/64) as 2 atanh(z), z = (t-v)/(t+v), from
 * its series (exact to rounding: the first term left out is 2z^13/13), which saves a log. */
static double log_ratio(double target, double log_target, double value) {
    const double z = (target - value) / (target + value), z2 = z * z;
    if (!(fabs(z) < 1.0 / 64)) return log_target - log(value);
    static const double odd[] = {2.0 / 11.0, 2.0 / 9.0, 2.0 / 7.0, 2.0 / 5.0, 2.0 / 3.0, 2.0};
    double p = odd[0];
    for (int k = 1; k < 6; k++) p = p * z2 + odd[k];
    return z * p;
}

/* The step from s. Lower branch: g = ln b - ln beta (near-linear, as b falls like exp(-x^2/2s^2));
 * upper: g = ln(beta_gap) - ln(gap), gap = ceiling - b (b flattens towards its ceiling there).
 * From b' = vega, b''/b' = x^2/s^3 - s/4, b'''/b' = (b''/b')^2 - 3x^2/s^4 - 1/4. `value` is b or
 * the gap, `target` beta or its gap. */
static double iv_step(double x, double s, double target, double log_target, double value, double v, int lower) {
    const double inv_s = 1.0 / s, h = x * inv_s, q = h * h * inv_s;  /* q = x^2/s^3 */
    const double inv_value = 1.0 / value, g = log_ratio(target, log_target, value) * value / v;
    const double r2 = q - 0.25 * s, r3 = r2 * r2 - 3.0 * q * inv_s - 0.25, l = v * inv_value;
    if (lower) return householder3(g, r2 - l, r3 - 3.0 * r2 * l + 2.0 * l * l);
    return householder3(-g, r2 + l, r3 + 3.0 * r2 * l + 2.0 * l * l);
}

/* Evaluation at s of the branch's function, narrowing the bracket [lo, hi] around the root; *v
 * the normalised vega there. */
static double iv_value(const wing_t *w, double s, double target, int lower, double *lo, double *hi, double *v) {
    double e;
    const double value = wing_value(w, s, lower, &e);
    *v = INV_SQRT_2PI * e;
    if (lower == (value < target)) *lo = s; else *hi = s;
    return value;
}

/* Where the search for s starts: its branch (below or above the inflection point s_c), the
 * function's target there (beta or its gap to the ceiling), the bracket and the first guess. */
typedef struct { double beta, target, log_target, lo, hi, s; int lower; } search_t;

static search_t search_start(const wing_t *w, double beta, double s_max) {
    /* b(s_c) = e^{x/2}/2 - e^{-x/2} N(-s_c), N(-s_c) from erfc's exponential e^{-s_c^2/2} = e^x */
    const double sc = sqrt(-2.0 * w->x), bc = 0.5 * (w->ex - w->inv_ex * erfc_given(sc * M_SQRT1_2, w->ex * w->ex));
    search_t st;
    st.beta = beta;
    st.lower = beta < bc;
    st.target = st.lower ? beta : w->ex - beta;
    st.log_target = log(st.target);
    st.lo = st.lower ? 0.0 : sc;
    st.hi = st.lower ? sc : s_max;
    st.s = initial_guess(w, beta, sc, bc, st.lower);
    if (!(st.s > st.lo && st.s < st.hi)) st.s = st.lower ? 0.5 * sc : 2.0 * sc + 1e-3;
    return st;
}

/* s = sigma sqrt(T) with normalised_call(x, s) = beta, x <= 0, 0 < beta < e^{x/2}: Householder(3)
 * steps kept inside a bracket that every evaluation narrows; a step that would leave it halves
 * the distance to the bracket's side instead (or doubles s while no upper side is known). */
static double search(const wing_t *w, search_t st, double tol, int max_iter, double s_max, int *converged) {
    double lo = st.lo, hi = st.hi, s = st.s;
    for (int k = 0; k < max_iter; k++) {
        double v;
        const double value = iv_value(w, s, st.target, st.lower, &lo, &hi, &v);
        const double step = value > 0 ? iv_step(w->x, s, st.target, st.log_target, value, v, st.lower) : NAN;
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

/* sigma from the search's start. The answer of a search that ran out of steps is checked: missing
 * the price by more than 1e-7 relative gives NaN, as in the numpy path. */
static double implied_vol_finish(const wing_t *w, search_t st, double root, double sqrt_t, double step_tol,
                                 int max_iter, double s_max) {
    int converged = 0;
    const double s = search(w, st, step_tol, max_iter, s_max, &converged);
    if (!(s < 0.999999 * s_max)) return NAN;
    if (!converged && !(fabs(normalised_call(w, s) - st.beta) <= 1e-7 * st.beta + 1e-14 / root)) return NAN;
    return s / sqrt_t;
}

/* sigma for one quote, NaN where none reproduces it. In forward terms (F = S e^{(r-q)T}, prices
 * undiscounted) an in-the-money quote becomes its out-of-the-money twin by put-call parity, and
 * an OTM put at x = ln(F/K) is the OTM call at -x, so only calls with x <= 0 are solved. */
static double implied_vol_one(double price, double S, double K, double T, double r, double q, int call,
                              double step_tol, int max_iter, double sigma_max) {
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
    const double s_max = sigma_max * sqrt(T);
    return implied_vol_finish(&w, search_start(&w, beta, s_max), root, sqrt(T), step_tol, max_iter, s_max);
}

#if FAST_LANES
/* ---- The searches' starts in lanes: per quote they cost as much as the search itself (a log,
 * three exps, an erfc and up to four logs for the guess, each a latency-bound libm call), and no
 * quote's start waits on another's. The same formulas as implied_vol_one, search_start and
 * initial_guess, every branch evaluated and one kept. */
#define IV_BLOCK 128

typedef struct {
    double x[IV_BLOCK], ex[IV_BLOCK], root[IV_BLOCK], beta[IV_BLOCK], target[IV_BLOCK], log_target[IV_BLOCK];
    double lo[IV_BLOCK], hi[IV_BLOCK], s[IV_BLOCK], lower[IV_BLOCK], plain[IV_BLOCK];
} iv_starts_t;

/* erfc(u) for u >= 0 given e = e^{-u^2}, as erfc_given */
INLINE double erfc_lanes(double u, double e) {
    const double ac = u < 40.0 ? u : 40.0, u2 = u * u;
    const int mid = ac < 8.0, small = u < 1.0;
    const double num = mid ? poly(ac, NDTR_P, 8) : poly(ac, NDTR_R, 5);
    const double den = mid ? poly(ac, NDTR_Q, 8) : poly(ac, NDTR_S, 6);
    const double t = poly(u2, NDTR_T, 4), uu = poly(u2, NDTR_U, 5);
    return (small ? uu - u * t : e * num) / (small ? uu : den);
}

INLINE double quantile_low_lanes(double p) {
    double unsure;
    const double u = sqrt(-2.0 * log_lanes(p, &unsure)), c = p - 0.5, w = c * c;
    const double tail = poly(u, ACKLAM_C, 5) / poly(u, ACKLAM_D, 4);
    const double central = poly(w, ACKLAM_A, 5) * c / poly(w, ACKLAM_B, 5);
    return p < 0.02425 ? tail : central;
}

INLINE void iv_start_lanes(const double *RESTRICT price, const double *RESTRICT S, const double *RESTRICT K,
                           const double *RESTRICT T, const double *RESTRICT r, const double *RESTRICT q,
                           const double *RESTRICT side, double sigma_max, iv_starts_t *RESTRICT o, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++) {
        double unsure;
        const double g = (r[i] - q[i]) * T[i], ratio = S[i] / K[i], df_r = exp_lanes(-r[i] * T[i]);
        const double fwd = S[i] * exp_lanes(g), x = log_lanes(ratio, &unsure) + g, call = side[i] > 0;
        const double parity = call ? fwd - K[i] : K[i] - fwd, quote = price[i] / df_r, rem = quote - parity;
        const double otm = call == (x > 0) ? (rem > 8.0 * DBL_EPSILON * quote ? rem : 0.0) : quote;
        const double root = sqrt(fwd * K[i]), beta = otm / root, ax = fabs(x), ex = exp_lanes(-0.5 * ax);
        const double inv_ex = 1.0 / ex, sc = sqrt(2.0 * ax);
        const double bc = 0.5 * (ex - inv_ex * erfc_lanes(sc * M_SQRT1_2, ex * ex)), lower = beta < bc;
        const double target = lower ? beta : ex - beta, s_max = sigma_max * sqrt(T[i]);
        /* initial_guess: the tangent at s_c, the upper branch's quantile, the lower one's asymptote */
        const double tangent = sc + (beta - bc) / (INV_SQRT_2PI * ex), gap = (ex - beta) / (ex + inv_ex);
        const double s_up = -2.0 * quantile_low_lanes(gap < 0.5 ? gap : 0.5), up = s_up > sc ? s_up : tangent;
        const double wing = beta * SQRT_2PI / ax, a = -log_lanes(wing, &unsure);
        double u = a > 1.0 ? a - 1.5 * log_lanes(2.0 * a, &unsure) : 1.0;
        u = u > 0.5 ? u : 0.5;
        u -= (u + 1.5 * log_lanes(2.0 * u, &unsure) - a) / (1.0 + 1.5 / u);
        const double s_low = u > 0 ? ax / sqrt(2.0 * u) : sc;
        const double low = tangent > 0 && (tangent < s_low || !(s_low < sc)) ? tangent : s_low;
        const double lo = lower ? 0.0 : sc, hi = lower ? sc : s_max, guess = lower ? low : up;
        o->x[i] = -ax, o->ex[i] = ex, o->root[i] = root, o->beta[i] = beta, o->target[i] = target;
        o->log_target[i] = log_lanes(target, &unsure), o->lo[i] = lo, o->hi[i] = hi, o->lower[i] = lower;
        o->s[i] = guess > lo && guess < hi ? guess : (lower ? 0.5 * sc : 2.0 * sc + 1e-3);
        /* inputs in range, and every log above of a positive normal number (else: the libm path);
         * & not &&: no branches in the loop */
        const int in_range = (T[i] > 0) & (S[i] > 0) & (K[i] > 0) & (fabs(price[i]) <= DBL_MAX)
                             & (S[i] <= DBL_MAX) & (K[i] <= DBL_MAX) & (T[i] <= DBL_MAX) & (fabs(g) < 700.0)
                             & (fabs(r[i] * T[i]) < 700.0);
        const int logs_ok = (ratio >= DBL_MIN) & (ratio <= DBL_MAX) & (beta >= DBL_MIN) & (beta < ex)
                            & (target >= DBL_MIN) & (wing >= DBL_MIN) & (wing <= DBL_MAX) & (gap >= DBL_MIN);
        o->plain[i] = in_range & logs_ok;
    }
}

INLINE void implied_vol_blocks(Py_buffer *b, Py_ssize_t n, double step_tol, int max_iter, double sigma_max) {
    const unsigned char *call = (const unsigned char *)b[7].buf;
    double side[IV_BLOCK];
    iv_starts_t st;
    for (Py_ssize_t from = 0; from < n; from += IV_BLOCK) {
        const Py_ssize_t m = n - from < IV_BLOCK ? n - from : IV_BLOCK;
        const double *in[6];
        for (int k = 0; k < 6; k++) in[k] = D(b[k]) + from;
        for (Py_ssize_t i = 0; i < m; i++) side[i] = call[from + i] ? 1.0 : -1.0;
        iv_start_lanes(in[0], in[1], in[2], in[3], in[4], in[5], side, sigma_max, &st, m);
        for (Py_ssize_t i = 0; i < m; i++) {
            double *out = D(b[6]) + from + i;
            if (st.plain[i] == 0.0) {
                *out = implied_vol_one(in[0][i], in[1][i], in[2][i], in[3][i], in[4][i], in[5][i],
                                       call[from + i] != 0, step_tol, max_iter, sigma_max);
                continue;
            }
            const wing_t w = {st.x[i], st.ex[i], 1.0 / st.ex[i]};
            const search_t start = {st.beta[i], st.target[i], st.log_target[i], st.lo[i], st.hi[i], st.s[i],
                                    st.lower[i] != 0.0};
            const double sqrt_t = sqrt(in[3][i]);
            *out = implied_vol_finish(&w, start, st.root[i], sqrt_t, step_tol, max_iter, sigma_max * sqrt_t);
        }
    }
}
AVX2_TARGET static void implied_vol_avx2(Py_buffer *b, Py_ssize_t n, double step_tol, int max_iter,
                                         double sigma_max) {
    implied_vol_blocks(b, n, step_tol, max_iter, sigma_max);
}
AVX512_TARGET static void implied_vol_avx512(Py_buffer *b, Py_ssize_t n, double step_tol, int max_iter,
                                             double sigma_max) {
    implied_vol_blocks(b, n, step_tol, max_iter, sigma_max);
}
#endif

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
    const double step_tol = cbrt(tol); /* (see search) */
#if FAST_LANES
    if (fast_cpu)
        (fast_cpu == 2 ? implied_vol_avx512 : implied_vol_avx2)(b, n, step_tol, max_iter, sigma_max);
    else
#endif
        for (Py_ssize_t i = 0; i < n; i++)
            D(b[6])[i] = implied_vol_one(D(b[0])[i], D(b[1])[i], D(b[2])[i], D(b[3])[i], D(b[4])[i], D(b[5])[i],
                                         call[i] != 0, step_tol, max_iter, sigma_max);
    Py_END_ALLOW_THREADS
    return release(b, 8, 1);
}

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
static PyObject *k_lanes(PyObject *self, PyObject *args) {
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
