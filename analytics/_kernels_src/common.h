/* What every translation unit of analytics._kernels shares: the includes, the compiler and
 * platform macros (the x86-64 dispatch, unrolling, restrict, forced inlining) and the lanes'
 * level chosen at import. */
#ifndef KERNELS_COMMON_H
#define KERNELS_COMMON_H

#define PY_SSIZE_T_CLEAN
#define _USE_MATH_DEFINES /* M_SQRT1_2 on MSVC */
#include <Python.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

/* Shared between the files but not exported from the module (its only export is PyInit__kernels). */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(_WIN32) && !defined(__CYGWIN__)
#define KERNELS_INTERNAL __attribute__((visibility("hidden")))
#else
#define KERNELS_INTERNAL
#endif

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
KERNELS_INTERNAL extern int fast_cpu; /* set at import (analytics/_kernels.c) */
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

#endif /* KERNELS_COMMON_H */
