"""Benchmark: rdlib's Blahut–Arimoto against dit's, on one rate–distortion curve.

The task (fixed by the book's issue tracker, so that runs can be compared):
a source on n = 256 symbols with p_i proportional to 1 + i/256, Hamming
distortion, slopes beta = 1, 2, ..., 20 bits per unit distortion. Both
libraries use the same sign convention, p(xhat | x) proportional to
q(xhat) 2^(-beta d(x, xhat)).

- rdlib: ``rate_distortion_curve`` (accelerated, warm-started, certified gap
  <= 1e-9 bits at every point).
- reference: ``dit.rate_distortion.blahut_arimoto.blahut_arimoto`` (dit 2.3)
  with its default settings, once per slope.

Both are timed in the same run, on the same machine, as the median of several
repetitions. Accuracy is measured at every point against Erokhin's exact R(D)
for Hamming distortion (``rdlib.rate_distortion_hamming``; for
D <= (n - 1) min p it is the Shannon lower bound H(X) - h(D) - D log2(n - 1)),
each solver's rate compared with the exact curve at that solver's own
distortion.

Run with ``make bench``; results go to ``benchmarks/results/ba_vs_dit.json``,
which chapter 9 reads (the chapter never runs this script).
"""

from __future__ import annotations

import json
import math
import statistics
import sys
from pathlib import Path

import numpy as np
from _common import machine, timed
from dit.rate_distortion.blahut_arimoto import blahut_arimoto as dit_blahut_arimoto

from rdlib import hamming_distortion, rate_distortion_curve, rate_distortion_hamming

N = 256
BETAS = np.arange(1.0, 21.0)
REPEATS_RDLIB = 7
REPEATS_DIT = 3
TARGET_SPEEDUP = 20.0
TARGET_ERROR = 1e-6
OUT = Path(__file__).parent / "results" / "ba_vs_dit.json"


def source() -> np.ndarray:
    p = 1.0 + np.arange(N) / N
    return p / p.sum()


def closed_form(p: np.ndarray, D: np.ndarray) -> np.ndarray:
    """Erokhin's exact R(D) for Hamming distortion, at every distortion."""
    return rate_distortion_hamming(p, D)


def run_rdlib(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    curve = rate_distortion_curve(p, hamming_distortion(N), BETAS)
    return curve.rates, curve.distortions, curve.gaps


def run_dit(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # dit draws its random restarts from NumPy's global generator: seed that one.
    np.random.seed(0)  # noqa: NPY002
    rates, dists = [], []
    for beta in BETAS:
        result, _ = dit_blahut_arimoto(p, float(beta))
        rates.append(float(result.rate))
        dists.append(float(result.distortion))
    return np.array(rates), np.array(dists)


def errors(p: np.ndarray, rates: np.ndarray, dists: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Absolute error against the exact curve, at every point."""
    holds = np.ones(rates.shape, dtype=bool)
    return np.abs(rates - closed_form(p, dists)), holds


def main() -> int:
    p = source()
    (r_rates, r_dists, r_gaps), r_times = timed(lambda: run_rdlib(p), REPEATS_RDLIB)
    (d_rates, d_dists), d_times = timed(lambda: run_dit(p), REPEATS_DIT)
    r_err, r_holds = errors(p, r_rates, r_dists)
    d_err, d_holds = errors(p, d_rates, d_dists)
    r_med, d_med = statistics.median(r_times), statistics.median(d_times)
    speedup = d_med / r_med
    result = {
        "task": {
            "n": N,
            "source": "p_i proportional to 1 + i/256, i = 0..255",
            "distortion": "Hamming",
            "betas": BETAS.tolist(),
            "exact_curve": "Erokhin (1958), rdlib.rate_distortion_hamming, at every point",
            "shannon_lower_bound_tight_for": f"D <= (n-1) min p = {(N - 1) * p.min():.6f}",
        },
        "reference": "dit.rate_distortion.blahut_arimoto.blahut_arimoto, default settings",
        "machine": machine("numpy", "dit", "rdlib"),
        "rdlib": {
            "seconds_median": r_med,
            "seconds_all": r_times,
            "max_error_bits": float(np.nanmax(r_err)),
            "points_checked": int(r_holds.sum()),
            "max_certified_gap_bits": float(r_gaps.max()),
            "rates": r_rates.tolist(),
            "distortions": r_dists.tolist(),
            "errors": [None if math.isnan(e) else float(e) for e in r_err],
        },
        "dit": {
            "seconds_median": d_med,
            "seconds_all": d_times,
            "max_error_bits": float(np.nanmax(d_err)),
            "points_checked": int(d_holds.sum()),
            "rates": d_rates.tolist(),
            "distortions": d_dists.tolist(),
            "errors": [None if math.isnan(e) else float(e) for e in d_err],
        },
        "speedup_median": speedup,
        "targets": {"speedup_at_least": TARGET_SPEEDUP, "max_error_at_most": TARGET_ERROR},
    }
    met = speedup >= TARGET_SPEEDUP and result["rdlib"]["max_error_bits"] <= TARGET_ERROR
    result["targets"]["met"] = met
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")

    print(f"Rate-distortion curve, n = {N}, Hamming, beta = 1..20 ({len(BETAS)} slopes)")
    print(f"{'solver':<8}{'median s':>10}{'max error (bits)':>18}{'points checked':>16}")
    for name in ("rdlib", "dit"):
        row = result[name]
        print(
            f"{name:<8}{row['seconds_median']:>10.3f}{row['max_error_bits']:>18.2e}"
            f"{row['points_checked']:>16d}"
        )
    print(f"speed-up of rdlib over dit (ratio of medians): {speedup:.1f}x")
    print(f"rdlib's largest certified gap: {r_gaps.max():.2e} bits")
    print(
        f"targets (>= {TARGET_SPEEDUP:.0f}x, error <= {TARGET_ERROR:g} bits): "
        f"{'met' if met else 'NOT met'}"
    )
    print(f"results written to {OUT}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
