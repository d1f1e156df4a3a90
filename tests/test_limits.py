"""Extractive limits: the integer programme against brute force, and the bound it gives."""

import itertools

import numpy as np
import pytest

import rdlib.sessions as sessions_module
from rdlib.compaction import COMPACTORS, token_cost
from rdlib.limits import (
    MAX_BRUTE_FORCE_LINES,
    _agnostic_count,
    _brute_force_count,
    _extractive_limits_brute_force,
    extractive_limits,
)
from rdlib.sessions import Message, Probe, Session

WORDS = "alpha beta gamma delta port host cache timeout retry config parser token".split()


def random_session(rng, n_lines, n_probes, max_support):
    """A hand-built session: lines of random words, probes with random supports."""
    lines = [" ".join(rng.choice(WORDS, size=rng.integers(1, 12))) for _ in range(n_lines)]
    messages = (Message("user", "\n".join(lines)),)
    probes = tuple(
        Probe(
            f"question {j}?",
            "answer",
            "recall",
            f"key {j}",
            tuple(
                sorted(
                    rng.choice(n_lines, size=rng.integers(1, max_support + 1), replace=False)
                    .astype(int)
                    .tolist()
                )
            ),
        )
        for j in range(n_probes)
    )
    return Session(0, messages, (), probes)


def reference_limits(session, budget):
    """Written from the definition with itertools, sharing no code with rdlib.limits."""
    union = sorted({i for p in session.probes for i in p.support})
    cost = {i: token_cost(session.lines[i]) for i in union}
    best = 0
    for k in range(len(union) + 1):
        for kept in itertools.combinations(union, k):
            if sum(cost[i] for i in kept) <= budget:
                kept_set = set(kept)
                best = max(best, sum(set(p.support) <= kept_set for p in session.probes))
    aware = sum(sum(cost[i] for i in p.support) <= budget for p in session.probes)
    n = len(session.probes)
    return best / n, aware / n


def test_milp_matches_brute_force_on_random_sessions():
    rng = np.random.default_rng(13)
    checked = 0
    for _ in range(60):
        session = random_session(
            rng, int(rng.integers(2, 13)), int(rng.integers(1, 9)), int(rng.integers(1, 5))
        )
        total = token_cost(session.text)
        for budget in sorted({0, 1, *rng.integers(0, total + 2, size=6).tolist(), total}):
            exact = extractive_limits(session, budget)
            assert exact == _extractive_limits_brute_force(session, budget)
            assert exact == reference_limits(session, budget)
            checked += 1
    assert checked > 300


def test_milp_matches_brute_force_on_random_costs():
    rng = np.random.default_rng(2025)
    for _ in range(200):
        n_lines = int(rng.integers(1, MAX_BRUTE_FORCE_LINES + 1))
        costs = rng.integers(1, 40, size=n_lines).astype(np.int64)
        supports = [
            np.sort(rng.choice(n_lines, size=rng.integers(1, min(n_lines, 5) + 1), replace=False))
            for _ in range(int(rng.integers(1, 25)))
        ]
        budget = int(rng.integers(0, costs.sum() + 1))
        assert _agnostic_count(costs, supports, budget) == _brute_force_count(
            costs, supports, budget
        )


def test_limits_are_ordered_and_monotone():
    rng = np.random.default_rng(7)
    session = random_session(rng, 40, 25, 4)
    total = token_cost(session.text)
    previous = (0.0, 0.0)
    for budget in range(0, total + 1, 7):
        agnostic, aware = extractive_limits(session, budget)
        assert 0.0 <= agnostic <= aware <= 1.0
        assert agnostic >= previous[0] and aware >= previous[1]
        previous = (agnostic, aware)
    assert extractive_limits(session, total) == (1.0, 1.0)
    assert extractive_limits(session, 0) == (0.0, 0.0)


def test_brute_force_refuses_large_unions():
    costs = np.ones(MAX_BRUTE_FORCE_LINES + 1, dtype=np.int64)
    supports = [np.arange(MAX_BRUTE_FORCE_LINES + 1)]
    with pytest.raises(ValueError, match="brute force"):
        _brute_force_count(costs, supports, 3)
    assert _agnostic_count(costs, supports, MAX_BRUTE_FORCE_LINES + 1) == 1


@pytest.mark.parametrize("budget", [-1, 2.5, True, "10", None])
def test_bad_budget(budget):
    session = random_session(np.random.default_rng(0), 3, 2, 2)
    with pytest.raises(ValueError, match="budget_tokens"):
        extractive_limits(session, budget)


def test_bad_session():
    with pytest.raises(ValueError, match="session"):
        extractive_limits("a session", 10)
    empty = Session(0, (Message("user", "a"),), (), ())
    with pytest.raises(ValueError, match="at least one probe"):
        extractive_limits(empty, 10)
    outside = Session(0, (Message("user", "a"),), (), (Probe("q", "a", "recall", "k", (3,)),))
    with pytest.raises(ValueError, match="outside"):
        extractive_limits(outside, 10)


# ------------------------------------------------ the bound, on generated sessions

READY = hasattr(sessions_module, "generate_session") and hasattr(sessions_module, "answer")
needs_generator = pytest.mark.skipif(
    not READY, reason="rdlib.sessions has no generate_session/answer yet"
)
RATIOS = (2, 5, 10, 20, 50, 71, 100, 143, 200)


@needs_generator
@pytest.mark.parametrize(("seed", "held_out"), [(0, False), (1, False), (2, True)])
def test_limits_bound_every_extractive_compactor(seed, held_out):
    session = sessions_module.generate_session(seed, n_tokens=10_000, held_out=held_out)
    n = token_cost(session.text)
    for ratio in RATIOS:
        budget = n // ratio
        agnostic, aware = extractive_limits(session, budget)
        for name, compactor in COMPACTORS.items():
            if not compactor.extractive:
                continue
            if name == "query_aware":
                answered = [
                    sessions_module.answer(p, compactor(session.messages, budget, p.question))
                    for p in session.probes
                ]
                limit = aware
            else:
                context = compactor(session.messages, budget)
                answered = [sessions_module.answer(p, context) for p in session.probes]
                limit = agnostic
            share = sum(answered) / len(answered)
            assert share <= limit + 1e-12, (name, ratio, share, limit)


@needs_generator
def test_reader_on_extractive_contexts_is_support_containment():
    """The premise of the limits: on kept lines, the reader answers iff the support is kept."""
    session = sessions_module.generate_session(3, n_tokens=10_000)
    rng = np.random.default_rng(3)
    lines = session.lines
    for _ in range(20):
        kept = set(np.flatnonzero(rng.random(len(lines)) < 0.5).tolist())
        for p in session.probes:
            kept_p = kept | set(p.support) if rng.random() < 0.5 else kept
            context = "\n".join(lines[i] for i in sorted(kept_p))
            assert sessions_module.answer(p, context) == (set(p.support) <= kept_p)
