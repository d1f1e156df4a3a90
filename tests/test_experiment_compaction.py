"""Chapter 13's results file: a sample re-derived, and every claim the chapter calls robust.

``benchmarks/results/compaction.json`` is written by ``scripts/experiment_compaction.py``
(``make experiment``) and committed; chapter 13 reads it. The first tests run the
script's own evaluation again on a sample of sessions and ratios and require the very
same record. The others read the file and check, session by session, each claim that
chapter 13 calls robust: it must hold on every seed (20 in the main grid, 10 in the
sweeps) and on the held-out phrasings, not only on average.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "compaction.json"
SCRIPT = ROOT / "scripts" / "experiment_compaction.py"

GENERIC = ("keep_recent", "head_and_tail", "random_lines", "self_information", "centrality")


@pytest.fixture(scope="module")
def experiment():
    spec = importlib.util.spec_from_file_location("experiment_compaction", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results():
    return json.loads(RESULTS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def main_runs(results):
    return [run for run in results["runs"] if run["grid"] == "main"]


def point(run, ratio):
    return next(p for p in run["points"] if p["ratio"] == ratio)


def accuracy(run, ratio, name):
    fields = point(run, ratio)["compactors"][name]
    scored = run["query_probes"] if name == "query_aware" else run["probes"]
    return sum(fields[:4]) / sum(scored)


def limit(run, ratio, which):
    return point(run, ratio)[which] / sum(run["probes"])


def sweep(results, grid, key):
    """A sweep's runs, with its default point: the main grid's held-out seeds 0-9."""
    seeds = set(results["config"]["grids"][grid]["seeds"])
    default = [
        r for r in results["runs"] if r["grid"] == "main" and r["held_out"] and r["seed"] in seeds
    ]
    runs = [r for r in results["runs"] if r["grid"] == grid] + default
    return {value: [r for r in runs if r[key] == value] for value in sorted({r[key] for r in runs})}


# ------------------------------------------------------------------ the file itself


def test_the_file_holds_every_session_of_the_documented_grids(results, experiment):
    config = results["config"]
    assert config["ratios"] == list(experiment.RATIOS)
    assert len(config["ratios"]) == 10 and config["ratios"][0] == 2 and config["ratios"][-1] == 200
    assert {71, 77, 143} <= set(config["ratios"])
    assert config["compactors"] == list(experiment.COMPACTORS)
    expected = [
        (grid, seed, n_tokens, density, held_out)
        for grid, seed, n_tokens, density, held_out, *_ in experiment.tasks()
    ]
    found = [
        (r["grid"], r["seed"], r["n_tokens"], r["fact_density"], r["held_out"])
        for r in results["runs"]
    ]
    assert found == expected
    main = [r for r in results["runs"] if r["grid"] == "main"]
    assert len({(r["seed"], r["held_out"]) for r in main}) == 40
    assert all(r["tokens"] // 200 == point(r, 200)["budget"] for r in main)


@pytest.mark.parametrize(
    ("grid", "seed", "held_out", "n_tokens", "density", "ratios"),
    [
        ("main", 3, False, 50_000, 1.0, (71, 2000)),
        ("main", 3, True, 50_000, 1.0, (71, 2000)),
        ("main", 16, False, 50_000, 1.0, (4, 143)),
        ("main", 16, True, 50_000, 1.0, (4, 143)),
        ("length", 5, True, 20_000, 1.0, (12, 200)),
        ("density", 2, True, 50_000, 5.0, (71, 200)),
    ],
)
def test_a_sample_of_the_file_is_derived_again(
    results, experiment, grid, seed, held_out, n_tokens, density, ratios
):
    """Two seeds x two ratios x every compactor, both phrasings, and a run of each sweep."""
    stored = next(
        r
        for r in results["runs"]
        if (r["grid"], r["seed"], r["held_out"], r["n_tokens"], r["fact_density"])
        == (grid, seed, held_out, n_tokens, density)
    )
    sample = None if grid == "main" else results["config"]["query_sample"]
    again = experiment.evaluate(grid, seed, n_tokens, density, held_out, ratios, sample)
    points = again.pop("points")
    assert again == {k: v for k, v in stored.items() if k != "points"}
    for fresh in points:
        assert fresh == point(stored, fresh["ratio"])


# ------------------------------------------------ the robust claims: the main grid


def test_query_aware_and_the_aware_limit_answer_everything_up_to_200(main_runs, results):
    """Every probe's support costs less than the smallest budget at 200:1 (both phrasings)."""
    for run in main_runs:
        assert run["max_support"] < point(run, 200)["budget"]
        for ratio in results["config"]["ratios"]:
            assert limit(run, ratio, "aware") == 1.0
            assert accuracy(run, ratio, "query_aware") == 1.0


def test_the_agnostic_limit_opens_its_gap_from_71(main_runs, results):
    for run in main_runs:
        for ratio in results["config"]["ratios"]:
            agnostic = limit(run, ratio, "agnostic")
            assert (agnostic == 1.0) == (ratio <= 39), (run["seed"], ratio)
        assert 0.85 <= limit(run, 71, "agnostic") <= 0.92
        assert limit(run, 2000, "agnostic") < limit(run, 2000, "aware")


def test_the_limits_are_1_exactly_while_the_supports_fit(main_runs):
    """Supports share no line: agnostic = 1 iff their sum fits, aware = 1 iff the largest does."""
    for run in main_runs:
        for p in run["points"]:
            fits_all = sum(run["support_tokens"]) <= p["budget"]
            assert (p["agnostic"] == sum(run["probes"])) == fits_all
            assert (p["aware"] == sum(run["probes"])) == (run["max_support"] <= p["budget"])
        # n / (sum of support costs) lies between 39:1 and 71:1 on every session.
        assert 39 <= run["tokens"] / sum(run["support_tokens"]) < 71


def state_shares(runs, ratio, kinds):
    answered = [0] * len(kinds)
    asked = [0] * len(kinds)
    for run in runs:
        fields = point(run, ratio)["compactors"]["structured_state"]
        for k in range(len(kinds)):
            answered[k] += fields[k]
            asked[k] += run["probes"][k]
    return [a / n for a, n in zip(answered, asked, strict=True)]


def test_the_structured_state_loses_recall_first_and_collapses_on_artifacts(main_runs, results):
    """Recall is the weakest kind from 2:1 to 39:1; the artifact trail at 71:1 held-out."""
    kinds = results["config"]["kinds"]
    for held_out in (True, False):
        runs = [r for r in main_runs if r["held_out"] == held_out]
        for ratio in (2, 4, 7, 12, 22, 39):
            shares = state_shares(runs, ratio, kinds)
            assert min(range(4), key=shares.__getitem__) == kinds.index("recall")
    held = [r for r in main_runs if r["held_out"]]
    shares = state_shares(held, 71, kinds)
    assert min(range(4), key=shares.__getitem__) == kinds.index("artifact")
    a = kinds.index("artifact")
    assert shares[a] <= 0.1 < 0.9 <= state_shares(held, 39, kinds)[a]
    weakest = 0
    for run in held:
        fields = point(run, 71)["compactors"]["structured_state"][:4]
        s = [f / n for f, n in zip(fields, run["probes"], strict=True)]
        weakest += all(s[a] < s[k] for k in range(4) if k != a)
    assert weakest >= 15


def test_no_compactor_without_the_question_reaches_the_agnostic_limit(main_runs, results):
    """Not even structured_state, which the limit does not bound (it writes new lines)."""
    for run in main_runs:
        for ratio in results["config"]["ratios"]:
            for name in (*GENERIC, "structured_state"):
                assert accuracy(run, ratio, name) < limit(run, ratio, "agnostic")


def test_structured_state_beats_every_generic_compactor_from_7_to_143(main_runs):
    for run in main_runs:
        for ratio in (7, 12, 22, 39, 71, 77, 143):
            best_generic = max(accuracy(run, ratio, name) for name in GENERIC)
            assert accuracy(run, ratio, "structured_state") > best_generic, (run["seed"], ratio)


def test_structured_state_does_worse_on_held_out_phrasings(main_runs):
    by_seed = {(r["seed"], r["held_out"]): r for r in main_runs}
    for seed in {r["seed"] for r in main_runs}:
        for ratio in (12, 22, 39, 71, 77, 143):
            development = accuracy(by_seed[seed, False], ratio, "structured_state")
            held_out = accuracy(by_seed[seed, True], ratio, "structured_state")
            assert held_out < development, (seed, ratio)


def test_generic_compactors_answer_no_artifact_or_decision_probe_at_71(main_runs, results):
    kinds = results["config"]["kinds"]
    for run in main_runs:
        for name in GENERIC:
            fields = point(run, 71)["compactors"][name]
            assert fields[kinds.index("artifact")] == 0
            assert fields[kinds.index("decision")] == 0


def test_artifact_trails_cost_the_most_tokens(main_runs, results):
    kinds = results["config"]["kinds"]
    for run in main_runs:
        per_probe = [t / n for t, n in zip(run["support_tokens"], run["probes"], strict=True)]
        assert max(range(4), key=per_probe.__getitem__) == kinds.index("artifact")


def test_the_counting_bound_never_binds_at_the_default_density(main_runs):
    for run in main_runs:
        for p in run["points"]:  # up to 2,000:1
            assert p["counting_bits"] == 1.0 and p["counting_accuracy"] == 1.0


def test_the_two_shares_differ_by_an_order_of_magnitude(main_runs):
    for run in main_runs:
        assert 9 < run["ngram_bits"] / run["generator_bits"] < 15


def test_chapter_6_inequality_holds_with_room_to_spare(main_runs, results):
    """kappa rho <= C / (r h-bar) is kappa * fact bits <= m C: at most 1.5 % of it used."""
    capacity = results["config"]["capacity_bits"]
    for run in main_runs:
        for ratio in results["config"]["ratios"]:
            p = point(run, ratio)
            for name in (*GENERIC, "structured_state"):
                assert p["compactors"][name][4] <= 0.015 * p["budget"] * capacity


# ---------------------------------------------------------- the robust claims: sweeps


def test_the_counting_bound_binds_at_high_density(results):
    runs = sweep(results, "density", "fact_density")
    for density in (20.0, 40.0):
        for run in runs[density]:
            assert point(run, 200)["counting_bits"] < 1.0
    for density in (0.5, 1.0, 2.0, 5.0, 10.0):
        for run in runs[density]:
            assert point(run, 200)["counting_bits"] == 1.0


def test_the_extractive_limit_binds_long_before_counting(results):
    for run in results["runs"]:
        for p in run["points"]:
            agnostic = p["agnostic"] / sum(run["probes"])
            assert agnostic <= p["counting_accuracy"]
            if p["counting_accuracy"] < 1.0:
                assert agnostic < p["counting_accuracy"] / 10


@pytest.mark.parametrize(("grid", "key"), [("density", "fact_density"), ("length", "n_tokens")])
def test_query_aware_answers_every_sampled_probe_at_12_and_71(results, grid, key):
    for runs in sweep(results, grid, key).values():
        for run in runs:
            for ratio in (12, 71):
                assert accuracy(run, ratio, "query_aware") == 1.0


def test_the_ranking_holds_at_71_for_low_densities_and_long_sessions(results):
    densities = sweep(results, "density", "fact_density")
    lengths = sweep(results, "length", "n_tokens")
    for runs in [*(densities[d] for d in (0.5, 1.0, 2.0, 5.0)), *(lengths[n] for n in lengths)]:
        for run in runs:
            if run["n_tokens"] == 10_000:
                continue
            best_generic = max(accuracy(run, 71, name) for name in GENERIC)
            assert 1.0 == accuracy(run, 71, "query_aware") > accuracy(run, 71, "structured_state")
            assert accuracy(run, 71, "structured_state") > best_generic


def test_the_agnostic_limit_falls_with_density(results):
    runs = sweep(results, "density", "fact_density")
    for seed in range(10):
        limits = [
            limit(next(r for r in runs[d] if r["seed"] == seed), 71, "agnostic") for d in runs
        ]
        assert all(a > b for a, b in itertools.pairwise(limits)), (seed, limits)
