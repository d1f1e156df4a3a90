"""Chapter 13's experiment: seven compactors against the exact limits, on generated sessions.

Usage: ``python scripts/experiment_compaction.py [--jobs N] [--out PATH]`` (``make
experiment``). It writes ``benchmarks/results/compaction.json``, which chapter 13 reads and
``tests/test_experiment_compaction.py`` re-derives in part. Everything in the file except
``seconds`` and ``machine`` depends only on the code: the same on every run and every
number of jobs.

The grids (:data:`CONFIG`):

- **main**: seeds 0-19, 50,000-token sessions at the default fact density (1 fact per
  1,000 tokens), both phrasings (development and held-out), the 10 ratios of
  :data:`RATIOS` (2:1 to 200:1, log-spaced to 71:1, then the Factory evaluation's 71, 77
  and 143 and 200) and the 4 of :data:`EXTENDED_RATIOS` beyond (to 2,000:1);
- **density**: seeds 0-9, 50,000 tokens, fact densities of :data:`DENSITIES` (up to 40
  per 1,000 tokens, where the facts hold about a quarter of a bit per token and the
  counting bound binds inside 200:1), the 3 ratios of :data:`SWEEP_RATIOS`;
- **length**: seeds 0-9, the default density, sessions of :data:`LENGTHS` tokens
  (10,000 to 200,000), the 3 ratios.

The sweeps use the held-out phrasings only, the honest test of ``structured_state``
(whose cues were checked on development phrasings), and score ``query_aware`` on a sample
of the probes (:data:`QUERY_SAMPLE`): one compaction per probe is what costs most.

The default point of the two sweeps (density 1, 50,000 tokens) is the main grid's
(held-out, seeds 0-9).

For every session and ratio ``r`` the budget is ``m = tokens // r`` (``tokens`` the
session's :func:`rdlib.token_cost`), and the file records the exact extractive limits
(:func:`rdlib.extractive_limits`), the counting bounds (:func:`rdlib.limits.counting_bound`
and :func:`rdlib.limits.counting_accuracy_bound`) and, for each compactor, how many probes
of each kind the reader (:func:`rdlib.answer`) answers, the bits of the facts those
probes hold, and the tokens of the context. ``query_aware`` compacts once
per probe, with the probe's question; the others once per budget. The script checks, and
fails otherwise, that every context keeps its budget and has at most ``m`` line breaks,
that every extractive compactor is within its limit, and that the full transcript answers
every probe.

Schema of the results file (``schema`` in the file says the same, briefly)::

    {
      "schema": {...},                       # field -> description
      "config": {
        "ratios": [...], "extended_ratios": [...],
        "compactors": [...], "kinds": ["recall", "artifact", "continuation", "decision"],
        "capacity_bits": C,                  # log2 |V| of cl100k_base
        "ngram_order": 3,
        "grids": {"main": {...}, "density": {...}, "length": {...}}   # seeds and settings
      },
      "runs": [                              # one per session, in the order of the grids
        {
          "grid": "main" | "density" | "length",
          "seed": int, "held_out": bool, "n_tokens": int, "fact_density": float,
          "tokens": int, "lines": int,       # token_cost of the transcript, its lines
          "probes": [n_recall, n_artifact, n_continuation, n_decision],
          "query_probes": [...],             # the probes query_aware is scored on, by kind
          "support_tokens": [...],           # tokens of the probes' supports, summed by kind
          "max_support": int,                # the costliest support, tokens
          "fact_bits": float, "generator_bits": float, "ngram_bits": float,
          "points": [                        # one per ratio of the grid
            {
              "ratio": r, "budget": m,
              "agnostic": int, "aware": int, # probes within each extractive limit
              "counting_bits": float,        # counting_bound: share of the facts' bits
              "counting_accuracy": float,    # counting_accuracy_bound: share of probes
              "compactors": {                # the fields of config.compactor_fields:
                name: [recall, artifact, continuation, decision,   # probes answered
                       bits,                 # the facts' bits of the answered probes
                       tokens]               # token_cost of the context (the largest,
              }                              #   for query_aware)
            }
          ]
        }
      ],
      "seconds": float, "jobs": int, "machine": {...}
    }

Floats are rounded to :data:`DIGITS` decimals, so the file does not depend on the last
bits of a CPU's arithmetic.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import version
from pathlib import Path

from rdlib import COMPACTORS, PROBE_KINDS, answer, extractive_limits, generate_session
from rdlib.compaction import token_cost
from rdlib.entropy import DEFAULT_ORDER
from rdlib.limits import (
    counting_accuracy_bound,
    counting_bound,
    probe_bits,
    task_share,
    token_capacity,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "compaction.json"

RATIOS = (2, 4, 7, 12, 22, 39, 71, 77, 143, 200)
"""The main ratios: log-spaced from 2:1 to 71:1 (factor about 1.8), then the ratios the
Factory evaluation measured (71, 77 and 143, rounded; chapter 5) and 200:1."""

EXTENDED_RATIOS = (300, 500, 1000, 2000)
"""Beyond 200:1, main grid only: where a single probe's support no longer fits."""

DENSITIES = (0.5, 2.0, 5.0, 10.0, 20.0, 40.0)
"""Fact densities of the density sweep (facts per 1,000 tokens), besides the default 1."""

LENGTHS = (10_000, 20_000, 100_000, 200_000)
"""Session lengths of the length sweep (tokens), besides the default 50,000."""

SWEEP_RATIOS = (12, 71, 200)
"""The ratios of the two sweeps: a moderate one, the Factory evaluation's 71:1, 200:1."""

QUERY_SAMPLE = 20
"""In the sweeps, ``query_aware`` (one compaction per probe) is scored on a systematic
sample of at most this many probes of each session, ``probes[i * len(probes) //
QUERY_SAMPLE]``; in the main grid on every probe."""

DIGITS = 6
"""Decimals kept of every float in the file."""

CONFIG = {
    "main": {"seeds": list(range(20)), "n_tokens": [50_000], "fact_density": [1.0]},
    "density": {"seeds": list(range(10)), "n_tokens": [50_000], "fact_density": list(DENSITIES)},
    "length": {"seeds": list(range(10)), "n_tokens": list(LENGTHS), "fact_density": [1.0]},
}
"""Each grid's seeds and settings (the phrasings: :func:`tasks`)."""

SCHEMA = {
    "config.ratios": "the ratios r of every grid; config.extended_ratios: main grid only",
    "config.capacity_bits": "C = log2 |V| of cl100k_base, bits per token",
    "runs[]": "one generated session: grid, seed, held_out, n_tokens, fact_density asked",
    "runs[].tokens": "token_cost of the transcript (the n of r = n/m)",
    "runs[].probes": "probes of each kind, in the order of config.kinds",
    "runs[].fact_bits": "bits of the planted facts (rdlib.limits.fact_bits)",
    "runs[].generator_bits": "bits the generator drew (Session.generator_bits)",
    "runs[].ngram_bits": "chapter 12's n-gram code length of the transcript, bits",
    "runs[].points[]": "one ratio: budget m = tokens // ratio",
    "runs[].query_probes": "probes query_aware is scored on, by kind (a sample in sweeps)",
    "runs[].support_tokens": "token_cost of the probes' supports, summed by kind",
    "runs[].max_support": "token_cost of the costliest support",
    "runs[].points[].agnostic/aware": "probes within the extractive limits (counts)",
    "runs[].points[].aware_sample": "probes of query_aware's sample within the aware limit",
    "runs[].points[].counting_bits": "counting_bound: largest share of the facts' bits",
    "runs[].points[].counting_accuracy": "counting_accuracy_bound: largest share of probes",
    "runs[].points[].compactors.NAME": "a list, the fields of config.compactor_fields",
    "config.compactor_fields": "probes the reader answers by kind; the facts' bits of the "
    "answered probes; the context's token_cost (the largest, for query_aware)",
}


def _round(x: float) -> float:
    return round(float(x), DIGITS)


def tasks() -> list[tuple]:
    """Every session of every grid, as the arguments of :func:`evaluate`."""
    out = []
    for grid, spec in CONFIG.items():
        main = grid == "main"
        ratios = RATIOS + EXTENDED_RATIOS if main else SWEEP_RATIOS
        sample = None if main else QUERY_SAMPLE
        for n_tokens in spec["n_tokens"]:
            for density in spec["fact_density"]:
                for held_out in (False, True) if main else (True,):
                    for seed in spec["seeds"]:
                        out.append((grid, seed, n_tokens, density, held_out, ratios, sample))
    return out


def query_sample(n_probes: int, sample: int | None) -> list[int]:
    """The indices of the probes ``query_aware`` is scored on (:data:`QUERY_SAMPLE`)."""
    if sample is None or n_probes <= sample:
        return list(range(n_probes))
    return [i * n_probes // sample for i in range(sample)]


def _kind_counts(probes, answered) -> list[int]:
    return [
        sum(a for p, a in zip(probes, answered, strict=True) if p.kind == k) for k in PROBE_KINDS
    ]


def evaluate(
    grid: str,
    seed: int,
    n_tokens: int,
    fact_density: float,
    held_out: bool,
    ratios,
    sample: int | None = None,
) -> dict:
    """One session's record (see the module's schema); checks as described there."""
    session = generate_session(
        seed, n_tokens=n_tokens, fact_density=fact_density, held_out=held_out
    )
    probes = session.probes
    if not all(answer(p, session.text) for p in probes):
        raise AssertionError(f"{grid} seed {seed}: the full transcript misses a probe")
    bits = probe_bits(session)
    share = task_share(session, DEFAULT_ORDER)
    n = share.tokens
    asked = query_sample(len(probes), sample)
    support_cost = [token_cost("\n".join(session.lines[i] for i in p.support)) for p in probes]
    points = []
    for ratio in ratios:
        budget = n // ratio
        agnostic, aware = extractive_limits(session, budget)
        point = {
            "ratio": ratio,
            "budget": budget,
            "agnostic": round(agnostic * len(probes)),
            "aware": round(aware * len(probes)),
            "counting_bits": _round(counting_bound(session, budget)),
            "counting_accuracy": _round(counting_accuracy_bound(session, budget)),
            "compactors": {},
        }
        point["aware_sample"] = sum(support_cost[i] <= budget for i in asked)
        for name, compactor in COMPACTORS.items():
            if name == "query_aware":
                scored = [probes[i] for i in asked]
                contexts = [compactor(session.messages, budget, p.question) for p in scored]
                answered = [answer(p, c) for p, c in zip(scored, contexts, strict=True)]
                limit = point["aware_sample"]
                scored_bits = [bits[i] for i in asked]
            else:
                scored, scored_bits = probes, bits
                contexts = [compactor(session.messages, budget)]
                answered = [answer(p, contexts[0]) for p in probes]
                limit = point["agnostic"]
            costs = [token_cost(c) for c in contexts]
            breaks = [c.count("\n") for c in contexts]
            if max(costs) > budget or max(breaks) > budget:
                raise AssertionError(f"{name} over budget {budget}: {max(costs)}, {max(breaks)}")
            if compactor.extractive and sum(answered) > limit:
                raise AssertionError(f"{name} beats its extractive limit at {budget}")
            recovered = math.fsum(b for b, a in zip(scored_bits, answered, strict=True) if a)
            point["compactors"][name] = [
                *_kind_counts(scored, answered),
                _round(recovered),
                max(costs),
            ]
        points.append(point)
    return {
        "grid": grid,
        "seed": seed,
        "held_out": held_out,
        "n_tokens": n_tokens,
        "fact_density": fact_density,
        "tokens": n,
        "lines": len(session.lines),
        "probes": [sum(p.kind == k for p in probes) for k in PROBE_KINDS],
        "query_probes": [sum(probes[i].kind == k for i in asked) for k in PROBE_KINDS],
        "support_tokens": [
            sum(c for p, c in zip(probes, support_cost, strict=True) if p.kind == k)
            for k in PROBE_KINDS
        ],
        "max_support": max(support_cost),
        "fact_bits": _round(share.fact_bits),
        "generator_bits": _round(share.generator_bits),
        "ngram_bits": _round(share.ngram_bits),
        "points": points,
    }


def _evaluate(task) -> dict:
    return evaluate(*task)


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "numpy": version("numpy"),
        "scipy": version("scipy"),
    }


def run(jobs: int) -> dict:
    """The whole experiment, in the order of :func:`tasks`."""
    todo = tasks()
    # The longest sessions first, so that the workers finish together.
    order = sorted(range(len(todo)), key=lambda i: -todo[i][2] * todo[i][3] ** 0.5)
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            done = dict(zip(order, pool.map(_evaluate, [todo[i] for i in order]), strict=True))
    else:
        done = {i: _evaluate(todo[i]) for i in order}
    return {
        "schema": SCHEMA,
        "config": {
            "ratios": list(RATIOS),
            "extended_ratios": list(EXTENDED_RATIOS),
            "sweep_ratios": list(SWEEP_RATIOS),
            "query_sample": QUERY_SAMPLE,
            "compactors": list(COMPACTORS),
            "extractive": {name: bool(c.extractive) for name, c in COMPACTORS.items()},
            "kinds": list(PROBE_KINDS),
            "compactor_fields": [*PROBE_KINDS, "bits", "tokens"],
            "capacity_bits": _round(token_capacity()),
            "ngram_order": DEFAULT_ORDER,
            "grids": CONFIG,
        },
        "runs": [done[i] for i in range(len(todo))],
    }


def dumps(result: dict) -> str:
    """The results as JSON: one line per run, the rest indented."""
    runs = result["runs"]
    head = json.dumps({**result, "runs": []}, indent=1)
    # lists of numbers and names on one line
    head = re.sub(
        r"\[\n\s*([^\[\]{}]*?)\n\s*\]",
        lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",\n")) + "]",
        head,
    )
    body = ",\n".join(json.dumps(run, separators=(",", ":")) for run in runs)
    return head.replace('"runs": []', '"runs": [\n' + body + "\n ]") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    result = run(max(1, args.jobs))
    seconds = time.perf_counter() - start
    result.update({"seconds": round(seconds, 1), "jobs": args.jobs, "machine": machine()})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps(result), encoding="utf-8")
    print(f"{len(result['runs'])} sessions in {seconds:.1f} s with {args.jobs} jobs")
    print(f"results written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
