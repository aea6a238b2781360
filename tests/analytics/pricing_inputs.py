"""Pricing inputs of every class (the tests' and the benchmark's): deep ITM/OTM, T from ten minutes
to 3 years, sigma 1 %–300 %."""

from __future__ import annotations

import numpy as np


def every_class_grid(n: int, seed: int):
    rng = np.random.default_rng(seed)
    S = np.full(n, 100.0)
    K = S * np.exp(rng.uniform(-1.0, 1.0, n))
    T = np.exp(rng.uniform(np.log(10 / (365 * 24 * 60)), np.log(3.0), n))
    r, q = rng.uniform(0.0, 0.08, n), rng.uniform(0.0, 0.04, n)
    sigma = np.exp(rng.uniform(np.log(0.01), np.log(3.0), n))
    return S, K, T, r, q, sigma, rng.random(n) < 0.5
