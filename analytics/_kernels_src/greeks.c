/* Black-Scholes-Merton greeks in one pass, bs_greeks(S, K, T, r, q, sigma, is_call, delta, gamma,
 * theta, vega, rho): the libm loop (greeks_one) and, on AVX2/AVX-512 CPUs, the branch-free lanes
 * (greeks_lanes) with the rows they do not cover redone by greeks_one.
 * Inputs are C-contiguous float64 arrays of one length n, the option side a bool (uint8) array.
 * Greek units as analytics/pricing.py: theta per calendar day, vega per vol point, rho per 1 %. */
#include "buffers.h"
#include "fast_math.h"
#include "kernels.h"
#include "normal.h"

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

#if FAST_LANES
/* ---- The greeks' loop, branch-free so that it vectorizes (its exp, log and polynomials: fast_math.h) */
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

PyObject *k_bs_greeks(PyObject *Py_UNUSED(self), PyObject *args) {
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
