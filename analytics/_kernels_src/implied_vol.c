/* Implied volatility, implied_vol(price, S, K, T, r, q, is_call, out, tol, max_iter, sigma_max):
 * a bracketed Householder(3) search on the normalised Black call per quote (implied_vol_one) and,
 * on AVX2/AVX-512 CPUs, the searches' starts computed in lanes (implied_vol_blocks). */
#include "buffers.h"
#include "fast_math.h"
#include "kernels.h"
#include "normal.h"

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

PyObject *k_implied_vol(PyObject *Py_UNUSED(self), PyObject *args) {
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
