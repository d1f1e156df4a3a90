"""Benchmark: chapter 13's experiment grid, and its exact limits against brute force.

Two tasks, timed in one run:

- **the grid**: ``scripts/experiment_compaction.py``'s whole grid (the main grid of 40
  sessions at 14 ratios, the density and length sweeps: 140 sessions), with as many
  processes as the machine has cores; the result must equal the committed
  ``benchmarks/results/compaction.json`` (all but its timing and machine). Aim: under a
  minute on a 2-core machine.
- **the limits**: ``rdlib.extractive_limits`` (the set-union knapsack by SciPy's ``milp``)
  against ``rdlib.limits._extractive_limits_brute_force`` (every subset of the union of the
  supports), on 10 generated sessions small enough to enumerate (5,000 tokens at 3 facts per
  1,000: 12 probes, 15 lines in the union), each at 20 budgets from 0 to the cost of the
  whole union. Both must agree exactly.

Run with ``make bench``; results go to ``benchmarks/results/compaction_speed.json``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import sys
from pathlib import Path

from _common import machine, timed

from rdlib import extractive_limits, generate_session, token_cost
from rdlib.limits import _extractive_limits_brute_force

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).parent / "results" / "compaction_speed.json"
COMMITTED = Path(__file__).parent / "results" / "compaction.json"
AIM_SECONDS = 60.0
SMALL = {"n_tokens": 5_000, "fact_density": 3.0}
SEEDS = range(10)
BUDGETS = 20
REPEATS = 3


def load_experiment():
    path = ROOT / "scripts" / "experiment_compaction.py"
    spec = importlib.util.spec_from_file_location("experiment_compaction", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # so that worker processes can find its functions
    spec.loader.exec_module(module)
    return module


def small_problems() -> list[tuple]:
    problems = []
    for seed in SEEDS:
        session = generate_session(seed, **SMALL)
        union = sorted({i for p in session.probes for i in p.support})
        total = token_cost("\n".join(session.lines[i] for i in union))
        for k in range(BUDGETS):
            problems.append((session, round(k * (total + 1) / (BUDGETS - 1))))
    return problems


def main() -> int:
    experiment = load_experiment()
    jobs = os.cpu_count() or 1
    grid, grid_times = timed(lambda: experiment.run(jobs), 1)
    committed = json.loads(COMMITTED.read_text(encoding="utf-8"))
    committed = {k: v for k, v in committed.items() if k not in ("seconds", "jobs", "machine")}
    same_grid = json.loads(json.dumps(grid)) == committed

    problems = small_problems()
    union_lines = max(len({i for p in s.probes for i in p.support}) for s, _ in problems)
    exact, exact_times = timed(lambda: [extractive_limits(s, b) for s, b in problems], REPEATS)
    brute, brute_times = timed(
        lambda: [_extractive_limits_brute_force(s, b) for s, b in problems], REPEATS
    )
    agree = exact == brute
    seconds = grid_times[0]
    met = same_grid and agree and seconds <= AIM_SECONDS
    result = {
        "task": {
            "grid": f"{len(grid['runs'])} sessions, as scripts/experiment_compaction.py",
            "jobs": jobs,
            "limits": f"{len(problems)} (session, budget) pairs: {len(SEEDS)} sessions of "
            f"{SMALL['n_tokens']} tokens at {SMALL['fact_density']} facts per 1,000, "
            f"{BUDGETS} budgets each; at most {union_lines} lines in a union of supports",
        },
        "machine": machine("numpy", "scipy"),
        "grid": {"seconds": seconds, "equals_committed_results": same_grid},
        "limits": {
            "milp_seconds_median": statistics.median(exact_times),
            "brute_force_seconds_median": statistics.median(brute_times),
            "milp_seconds_all": exact_times,
            "brute_force_seconds_all": brute_times,
            "agree": agree,
        },
        "targets": {"grid_aim_seconds": AIM_SECONDS, "met": met},
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"grid: {len(grid['runs'])} sessions in {seconds:.1f} s with {jobs} jobs; "
        f"equal to the committed results: {same_grid}"
    )
    print(
        f"limits on {len(problems)} small problems: milp "
        f"{statistics.median(exact_times):.3f} s, brute force "
        f"{statistics.median(brute_times):.3f} s (medians of {REPEATS}); agree: {agree}"
    )
    print(
        f"aim (grid <= {AIM_SECONDS:.0f} s, same results, limits agree): "
        f"{'met' if met else 'NOT met'}"
    )
    print(f"results written to {OUT}")
    return 0 if same_grid and agree else 1


if __name__ == "__main__":
    sys.exit(main())
