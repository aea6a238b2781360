/* The vectorizable math of the pricing's lanes (FAST_LANES only): e^x, ln y and polynomials in
 * static inline (always_inline) functions, so that every AVX2/AVX-512 function that uses them
 * (greeks.c, implied_vol.c) gets them inlined and compiled for its own instruction set. */
#ifndef KERNELS_FAST_MATH_H
#define KERNELS_FAST_MATH_H

#include "common.h"

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

#endif /* FAST_LANES */

#endif /* KERNELS_FAST_MATH_H */
