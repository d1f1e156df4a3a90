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


# ------------------------------------------------------------- counting, and shares

from math import comb, log2  # noqa: E402

from rdlib import ngram_code_length, tokenize, vocabulary_size  # noqa: E402
from rdlib.limits import (  # noqa: E402
    context_bits,
    counting_accuracy_bound,
    counting_bound,
    fact_bits,
    probe_bits,
    task_share,
    token_capacity,
)
from rdlib.sessions import Fact  # noqa: E402


def test_context_bits_count_every_context_of_the_budget():
    """Strings of k <= m tokens and j <= m line breaks, counted exactly, with big integers."""
    size = vocabulary_size("cl100k_base")
    assert token_capacity() == log2(size)
    for m in (0, 1, 2, 5, 13, 40):
        contexts = sum(comb(k + j, j) * size**k for k in range(m + 1) for j in range(m + 1))
        assert log2(contexts) <= context_bits(m)
        assert context_bits(m) == pytest.approx(m * (log2(size) + 2) + 2)
    with pytest.raises(ValueError, match="budget_tokens"):
        context_bits(-1)


def hand_session(bits_per_probe):
    """One line per fact; a probe per group of facts, its support their lines."""
    lines, facts, probes = [], [], []
    for j, group in enumerate(bits_per_probe):
        support = []
        for b in group:
            support.append(len(lines))
            facts.append(Fact(f"key {len(lines)}", "v", b, len(lines)))
            lines.append(f"key {len(lines)} is v")
        probes.append(Probe(f"q{j}?", "v", "recall", f"key {support[0]}", tuple(support)))
    return Session(0, (Message("user", "\n".join(lines)),), tuple(facts), tuple(probes))


def test_fact_and_probe_bits_on_a_generated_session():
    session = sessions_module.generate_session(4, n_tokens=20_000, fact_density=2.0)
    per_probe = probe_bits(session)
    assert math_fsum(per_probe) == pytest.approx(fact_bits(session))
    expected = {
        "decision": log2(4 * 16),
        "continuation": log2(12 * 10),
        "artifact": log2(10 * 9 * 8) + 3 * 4,
    }
    for probe, b in zip(session.probes, per_probe, strict=True):
        if probe.kind in expected:
            assert b == pytest.approx(expected[probe.kind])
        else:
            assert b == pytest.approx(next(f.bits for f in session.facts if f.key == probe.key))


def math_fsum(values):
    import math

    return math.fsum(values)


def test_counting_bound_is_the_share_of_the_facts_bits():
    session = hand_session([[10.0], [20.0, 30.0]])
    assert fact_bits(session) == 60.0
    assert counting_bound(session, 0) == pytest.approx(2.0 / 60.0)
    assert counting_bound(session, 1) == pytest.approx((token_capacity() + 4.0) / 60.0)
    assert counting_bound(session, 4) == 1.0
    with pytest.raises(ValueError, match="facts"):
        counting_bound(random_session(np.random.default_rng(0), 3, 2, 2), 10)


def best_shares_by_grid(bits, capacity, points):
    """The same programme, written from Fano's inequality, maximised over a grid of shares."""
    grids = [np.linspace(2.0**-b, 1.0, points) for b in bits]
    mesh = np.meshgrid(*grids, indexing="ij")
    needed = np.zeros_like(mesh[0])
    for b, p in zip(bits, mesh, strict=True):
        inside = np.clip(p, 1e-300, 1.0)
        h = -inside * np.log2(inside) - np.where(
            p < 1, (1 - p) * np.log2(np.maximum(1 - p, 1e-300)), 0
        )
        needed += b - h - (1 - p) * np.log2(2.0**b - 1.0)
    total = sum(mesh)
    return float(total[needed <= capacity + 1e-12].max() / len(bits))


@pytest.mark.parametrize(
    ("groups", "points"),
    [([[2.0]], 20001), ([[2.0], [6.0]], 2001), ([[1.0], [3.0, 4.0], [9.9]], 161)],
)
def test_counting_accuracy_bound_solves_the_fano_programme(groups, points):
    from rdlib.limits import _fano_information, _fano_shares

    session = hand_session(groups)
    bits = probe_bits(session)
    total = math_fsum(bits)
    # with no capacity, blind guesses; then the solver's core at two capacities
    assert math_fsum(_fano_shares(bits, 0.0)) == pytest.approx(math_fsum(2.0**-b for b in bits))
    step = 1.0 / (points - 1)
    for capacity in (0.3 * total, 0.7 * total):
        low, high = 0.0, max(bits) + 64.0
        for _ in range(200):
            middle = (low + high) / 2
            if _fano_information(bits, _fano_shares(bits, middle)) <= capacity:
                low = middle
            else:
                high = middle
        ours = math_fsum(_fano_shares(bits, low)) / len(bits)
        grid = best_shares_by_grid(bits, capacity, points)
        assert grid - 1e-9 <= ours <= grid + step, (capacity, ours, grid)
    # and through the public function, at budget 0 (2 bits of context)
    bound = counting_accuracy_bound(session, 0)
    grid = best_shares_by_grid(bits, context_bits(0), points)
    assert grid - 1e-9 <= bound <= grid + step


def test_counting_accuracy_bound_guesses_and_saturates():
    session = hand_session([[2.0], [2.0]])  # two answers among four values each
    # with no bits at all a reader still guesses right one time in four
    from rdlib.limits import _fano_information, _fano_shares

    assert _fano_shares([2.0], 0.0) == [0.25]
    assert _fano_information([2.0], [0.25]) == pytest.approx(0.0, abs=1e-12)
    bound0 = counting_accuracy_bound(session, 0)  # 2 bits of context for 4 bits of answers
    assert 0.25 < bound0 < 1.0
    assert counting_accuracy_bound(session, 1) == 1.0
    big = hand_session([[8.0]] * 30)
    previous = 0.0
    for budget in range(0, 16):
        bound = counting_accuracy_bound(big, budget)
        assert previous <= bound <= 1.0
        previous = bound
    assert previous == 1.0


@needs_generator
def test_task_share_two_ways():
    session = sessions_module.generate_session(1, n_tokens=10_000)
    share = task_share(session)
    assert share.fact_bits == fact_bits(session)
    assert share.generator_bits == session.generator_bits
    assert share.tokens == token_cost(session.text)
    tokens = tokenize(session.text, "cl100k_base")
    assert share.ngram_bits == ngram_code_length(tokens, 3, vocabulary_size("cl100k_base"))
    assert share.share_generator == share.fact_bits / share.generator_bits
    assert share.share_ngram == share.fact_bits / share.ngram_bits
    assert share.rate_ngram == share.ngram_bits / share.tokens
    # a model that must learn the code corpus needs far more bits than the generator drew
    assert share.share_ngram < share.share_generator / 5
    with pytest.raises(ValueError, match="generator_bits"):
        task_share(hand_session([[3.0]]))
