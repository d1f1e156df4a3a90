"""Benchmark: the exact pruning limits of chapter 11, against a general LP solver.

Task (fixed by the issue tracker): prompts of length L = 10 (stay = 0.9), both
curves D*(R), query-agnostic and query-aware, at 51 equally spaced rates.
Target: at most 5 s on a 2-core machine, aim 1 s.

- rdlib: ``optimal_distortion_rate`` (hull merging), timed cold, that is with
  the table of losses rebuilt (its cache cleared) before every repetition.
- reference: ``scipy.optimize.linprog`` (HiGHS) on the same LP after the one
  reduction both share (for each prompt and each number of kept positions only
  the best subset matters), one solve per rate, timed in the same run.

Both must agree (to 1e-6: HiGHS stops at its default tolerances, about 1e-7);
the script reports the largest difference. Run with
``make bench``; results go to ``benchmarks/results/pruning_speed.json``.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

import numpy as np
from _common import machine, timed
from scipy.optimize import linprog
from scipy.sparse import csr_array

from rdlib import optimal_distortion_rate, pruning_losses
from rdlib import pruning as _pruning
from rdlib.pruning import prompt_probabilities

L = 10
STAY = 0.9
RATES = np.linspace(0.0, 1.0, 51)
REPEATS = 5
TARGET_SECONDS = 5.0
OUT = Path(__file__).parent / "results" / "pruning_speed.json"


def run_rdlib() -> tuple[np.ndarray, np.ndarray]:
    _pruning._losses.cache_clear()  # time the enumeration too
    agnostic = optimal_distortion_rate(L, RATES, stay=STAY)
    aware = optimal_distortion_rate(L, RATES, stay=STAY, query_aware=True)
    return agnostic, aware


def reduced_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best loss per (prompt, size) and per (question, prompt, size), with weights."""
    loss = pruning_losses(L).astype(float)
    sizes = np.bitwise_count(np.arange(2**L, dtype=np.uint64)).astype(int)
    agn = np.stack([loss.mean(axis=0)[:, sizes == k].min(axis=1) for k in range(L + 1)], 1)
    awa = np.stack([loss[:, :, sizes == k].min(axis=2) for k in range(L + 1)], 2)
    return prompt_probabilities(L, stay=STAY), agn, awa.reshape(-1, L + 1)


def lp_curve(weights: np.ndarray, best: np.ndarray) -> np.ndarray:
    items, sizes = best.shape
    cost = (weights[:, None] * best).ravel()
    rate = (weights[:, None] * (np.arange(sizes) / L)[None, :]).ravel()
    rows = np.repeat(np.arange(items), sizes)
    a_eq = csr_array((np.ones(items * sizes), (rows, np.arange(items * sizes))))
    out = []
    for r in RATES:
        res = linprog(
            cost,
            A_ub=rate[None, :],
            b_ub=[r],
            A_eq=a_eq,
            b_eq=np.ones(items),
            bounds=(0, None),
            method="highs",
        )
        if res.status != 0:
            raise RuntimeError(f"HiGHS failed at rate {r}: {res.message}")
        out.append(res.fun)
    return np.array(out)


def run_reference() -> tuple[np.ndarray, np.ndarray]:
    p, agn, awa = reduced_tables()
    return lp_curve(p, agn), lp_curve(np.repeat(p[None, :] / 4, 4, axis=0).ravel(), awa)


def main() -> int:
    (r_agn, r_awa), r_times = timed(run_rdlib, REPEATS)
    (s_agn, s_awa), s_times = timed(run_reference, 1)
    r_med, s_med = statistics.median(r_times), statistics.median(s_times)
    diff = float(max(np.abs(r_agn - s_agn).max(), np.abs(r_awa - s_awa).max()))
    # HiGHS solves to its default feasibility tolerances (1e-7), not exactly.
    met = r_med <= TARGET_SECONDS and diff <= 1e-6
    result = {
        "task": {"length": L, "stay": STAY, "rates": len(RATES), "curves": 2},
        "reference": "scipy.optimize.linprog (HiGHS) on the reduced LP, one solve per rate",
        "machine": machine("numpy", "scipy"),
        "rdlib": {"seconds_median": r_med, "seconds_all": r_times},
        "reference_lp": {"seconds_median": s_med, "seconds_all": s_times},
        "speedup_median": s_med / r_med,
        "max_abs_difference": diff,
        "targets": {"seconds_at_most": TARGET_SECONDS, "aim_seconds": 1.0, "met": met},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"Pruning limits, L = {L}, stay = {STAY}: two curves at {len(RATES)} rates")
    print(f"rdlib (cold, enumeration included): {r_med:.3f} s median of {REPEATS}")
    print(f"reference LP (HiGHS, reduced LP):   {s_med:.3f} s")
    print(f"speed-up over the reference: {s_med / r_med:.1f}x; largest difference {diff:.1e}")
    print(f"target (<= {TARGET_SECONDS:.0f} s, aim 1 s): {'met' if met else 'NOT met'}")
    print(f"results written to {OUT}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
