"""Exact limits of extractive compaction on a generated session, with and without the question.

An *extractive* compactor keeps a set of the transcript's lines, unchanged and in order,
whose :func:`rdlib.compaction.token_cost` is at most a budget. On such a context the
reader of :mod:`rdlib.sessions` answers a probe exactly when every line of the probe's
``support`` is kept (the last binding of a key is in the support, so no later, stale
binding can be kept instead). Two limits follow, the probes being equally likely:

- **query-agnostic**: one kept set serves every probe. The best share of probes answered
  is a *set-union knapsack*: choose lines of total cost at most the budget so as to cover
  as many supports as possible. Lines outside every support never help, so only the
  union of the supports is searched. :func:`extractive_limits` solves it exactly as an
  integer programme with SciPy's :func:`scipy.optimize.milp` (HiGHS, relative gap 0);
  :func:`_extractive_limits_brute_force` enumerates every subset of the union, for
  small sessions, and the tests check that the two agree.
- **query-aware**: the kept set may depend on the probe, so a probe can be answered
  exactly when its own support fits in the budget.

These are chapter 11's two limits on a realistic session, and every extractive compactor
of :data:`rdlib.COMPACTORS` is bounded by them: the agnostic limit bounds those that do
not see the probe, the aware one ``query_aware``. An abstractive compactor
(``structured_state``) may write a binding in fewer tokens than its line and is bounded by
neither.

**Counting.** Chapter 4's counting bound holds for every compactor that writes one context
for all questions without seeing them, abstractive or not, and every reader, a language
model included (a compactor that sees the question, such as ``query_aware``, writes one
context per probe and is bound only probe by probe). A context of budget ``m`` tokens, counted
line by line, is at most ``m`` tokens of ``cl100k_base`` plus its line breaks, which the
per-line count does not charge; with at most ``m`` line breaks there are fewer than
``2 ** (m * (C + 2) + 2)`` such contexts, ``C = log2 |V|`` (:func:`context_bits`). The
planted facts hold :func:`fact_bits` bits, drawn independently and uniformly, so

- :func:`counting_bound`: at most ``context_bits(m) / fact_bits`` of the facts' bits can
  be in the context (chapter 6's kept share of the task-relevant bits);
- :func:`counting_accuracy_bound`: by Fano's inequality, at most a computable share of the
  probes can be answered on average over the generator's draws, whatever the reader.

And :func:`task_share` measures the share of the session's information the facts hold,
two ways: against the generator's own draws (:attr:`rdlib.sessions.Session.generator_bits`)
and against chapter 12's n-gram code length of the transcript.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from .compaction import ENCODING, _check_budget, _line_cost, token_cost
from .sessions import Session

__all__ = [
    "MAX_BRUTE_FORCE_LINES",
    "TaskShare",
    "context_bits",
    "counting_accuracy_bound",
    "counting_bound",
    "extractive_limits",
    "fact_bits",
    "probe_bits",
    "task_share",
    "token_capacity",
]

MAX_BRUTE_FORCE_LINES = 16
"""Most lines in the union of supports that the brute-force reference enumerates (2**16 sets)."""

MILP_OPTIONS = {"mip_rel_gap": 0.0, "presolve": True}
"""HiGHS options of :func:`scipy.optimize.milp`: a proven optimum, not one within a gap."""


def _check_session(session: Session) -> Session:
    if not isinstance(session, Session):
        raise ValueError(f"session must be an rdlib.sessions.Session; got {type(session).__name__}")
    if not session.probes:
        raise ValueError("session must have at least one probe (the limits are shares of probes)")
    n = len(session.lines)
    for probe in session.probes:
        if any(not 0 <= i < n for i in probe.support):
            raise ValueError(
                f"probe {probe.key!r} has a support line outside 0 .. {n - 1}: {probe.support}"
            )
    return session


def _problem(session: Session) -> tuple[NDArray[np.int64], list[NDArray[np.int64]]]:
    """The union of the supports as line costs, and each support as indices into it."""
    union = sorted({i for probe in session.probes for i in probe.support})
    position = {line: j for j, line in enumerate(union)}
    costs = np.array([_line_cost(session.lines[i]) for i in union], dtype=np.int64)
    supports = [
        np.array(sorted({position[i] for i in probe.support}), dtype=np.int64)
        for probe in session.probes
    ]
    return costs, supports


def _aware_count(costs: NDArray[np.int64], supports: Sequence[NDArray], budget: int) -> int:
    return sum(int(costs[s].sum()) <= budget for s in supports)


def _covered(chosen: NDArray[np.bool_], supports: Sequence[NDArray]) -> int:
    return sum(bool(chosen[s].all()) for s in supports)


def _agnostic_count(costs: NDArray[np.int64], supports: Sequence[NDArray], budget: int) -> int:
    """Most supports one set of lines of total cost <= budget can contain (exact, by milp).

    Variables: ``y_l`` in {0, 1} (line ``l`` kept) and ``x_s`` in [0, 1] (distinct support
    ``s`` covered, weighted by how many probes share it). Maximise the weighted sum of
    ``x_s`` subject to ``sum_l cost_l y_l <= budget`` and ``x_s <= y_l`` for ``l`` in
    ``s``. With ``y`` integral the best ``x_s`` is ``min_{l in s} y_l``, itself 0 or 1,
    so ``x`` needs no integrality. Supports that alone exceed the budget are dropped
    first, and if the union of the rest fits, all of them are covered without a solver.
    """
    feasible: dict[tuple[int, ...], int] = {}
    for s in supports:
        if int(costs[s].sum()) <= budget:
            key = tuple(s.tolist())
            feasible[key] = feasible.get(key, 0) + 1
    if not feasible:
        return 0
    lines = sorted({line for key in feasible for line in key})
    if int(costs[lines].sum()) <= budget:
        return sum(feasible.values())
    from scipy.optimize import Bounds, LinearConstraint, milp  # imported here: 0.4 s

    column = {line: j for j, line in enumerate(lines)}
    n_lines, n_sets = len(lines), len(feasible)
    weights = np.array(list(feasible.values()), dtype=float)
    objective = np.concatenate([np.zeros(n_lines), -weights])
    rows = [np.concatenate([costs[lines].astype(float), np.zeros(n_sets)])]
    upper = [float(budget)]
    for j, key in enumerate(feasible):
        for line in key:
            row = np.zeros(n_lines + n_sets)
            row[n_lines + j], row[column[line]] = 1.0, -1.0
            rows.append(row)
            upper.append(0.0)
    result = milp(
        objective,
        constraints=LinearConstraint(np.array(rows), -np.inf, np.array(upper)),
        integrality=np.concatenate([np.ones(n_lines), np.zeros(n_sets)]),
        bounds=Bounds(0.0, 1.0),
        options=MILP_OPTIONS,
    )
    if result.status != 0:
        raise RuntimeError(f"milp did not prove an optimum: {result.message}")
    chosen = np.zeros(len(costs), dtype=bool)
    chosen[lines] = result.x[:n_lines] > 0.5
    if int(costs[chosen].sum()) > budget:
        raise RuntimeError("milp returned a set of lines over the budget")
    return _covered(chosen, supports)


def _brute_force_count(costs: NDArray[np.int64], supports: Sequence[NDArray], budget: int) -> int:
    """The same maximum as :func:`_agnostic_count`, by enumerating every subset of lines."""
    n = len(costs)
    if n > MAX_BRUTE_FORCE_LINES:
        raise ValueError(
            f"the union of the supports has {n} lines; brute force enumerates at most "
            f"{MAX_BRUTE_FORCE_LINES}"
        )
    masks = np.arange(1 << n, dtype=np.int64)
    bits = (masks[:, None] >> np.arange(n)) & 1
    fits = bits @ costs <= budget
    support_masks = np.array([int((1 << s).sum()) if s.size else 0 for s in supports])
    covered = (masks[fits, None] & support_masks) == support_masks
    return int(covered.sum(axis=1).max())


def extractive_limits(session: Session, budget_tokens: int) -> tuple[float, float]:
    """The best share of a session's probes any extractive compactor lets the reader answer.

    With every probe equally likely, and a compactor keeping a set of lines of total
    :func:`~rdlib.token_cost` at most ``budget_tokens``:

    - ``agnostic``: the largest share of probes whose supports all lie in one kept set
      (the compactor does not know the probe), a set-union knapsack solved exactly by
      ``scipy.optimize.milp`` over the union of the supports;
    - ``aware``: the share of probes whose own support fits in the budget (the compactor
      knows the probe and may keep a different set for each).

    Always ``agnostic <= aware``. A few milliseconds per call on a 50,000-token session
    (``benchmarks/`` times it against the brute-force reference).

    Parameters
    ----------
    session : Session
        A generated session (:func:`rdlib.generate_session`) with at least one probe.
    budget_tokens : int
        The budget, in tokens, >= 0.

    Returns
    -------
    tuple of float
        ``(agnostic, aware)``, each a share of the probes in [0, 1].

    Raises
    ------
    ValueError
        If ``session`` is not a :class:`~rdlib.sessions.Session` with probes whose
        supports are lines of the session, or ``budget_tokens`` is not an integer >= 0.
    RuntimeError
        If the solver fails to prove an optimum (it should not).

    Examples
    --------
    >>> from rdlib import Message, Probe, Session
    >>> messages = (Message("user", "the port is 8080\\nthe host is db1\\nsome chatter"),)
    >>> probes = (Probe("Which port?", "8080", "recall", "port", (0,)),
    ...           Probe("Which host?", "db1", "recall", "host", (1,)))
    >>> session = Session(0, messages, (), probes)
    >>> [extractive_limits(session, budget) for budget in (4, 8, 13)]
    [(0.0, 0.0), (0.5, 1.0), (1.0, 1.0)]
    """
    session = _check_session(session)
    budget = _check_budget(budget_tokens)
    costs, supports = _problem(session)
    n = len(supports)
    return _agnostic_count(costs, supports, budget) / n, _aware_count(costs, supports, budget) / n


def _extractive_limits_brute_force(session: Session, budget_tokens: int) -> tuple[float, float]:
    """:func:`extractive_limits` by enumerating every subset of the union of the supports.

    The reference the tests and the benchmark compare the integer programme with; at most
    :data:`MAX_BRUTE_FORCE_LINES` lines in the union of the supports.
    """
    session = _check_session(session)
    budget = _check_budget(budget_tokens)
    costs, supports = _problem(session)
    n = len(supports)
    return (
        _brute_force_count(costs, supports, budget) / n,
        _aware_count(costs, supports, budget) / n,
    )


# ------------------------------------------------------------------------- counting


def token_capacity() -> float:
    """``C = log2 |V|``, the bits one ``cl100k_base`` token can hold (chapter 4).

    Returns
    -------
    float
        About 16.6 bits.

    Examples
    --------
    >>> round(token_capacity(), 2)
    16.61
    """
    from .tokens import vocabulary_size

    return math.log2(vocabulary_size(ENCODING))


def context_bits(budget_tokens: int) -> float:
    """The most information a context of ``budget_tokens`` tokens can hold, in bits.

    A context's budget is its :func:`~rdlib.token_cost`, the sum of its
    lines' token counts, which does not charge the line breaks. A context with ``k <= m``
    tokens and ``j <= m`` line breaks (``m`` the budget) is one arrangement of them:
    ``binomial(k + j, j)`` places for the breaks, ``|V| ** k`` token strings. Summing over
    ``j`` (the hockey-stick identity) and then ``k``, there are fewer than
    ``2 ** (m + 2) * (2 |V|) ** m`` contexts, so a context holds at most
    ``m * (C + 2) + 2`` bits, ``C`` = :func:`token_capacity`. Every context the book's
    compactors write has at most ``m`` line breaks (the experiment checks it); without
    some such limit, empty lines, which cost nothing, could carry any amount.

    Parameters
    ----------
    budget_tokens : int
        The budget, >= 0.

    Returns
    -------
    float
        ``budget_tokens * (C + 2) + 2``.

    Raises
    ------
    ValueError
        If ``budget_tokens`` is not an integer >= 0.

    Examples
    --------
    >>> round(context_bits(100), 1)
    1863.4
    """
    budget = _check_budget(budget_tokens)
    return budget * (token_capacity() + 2.0) + 2.0


def _check_facts(session: Session) -> Session:
    session = _check_session(session)
    if not session.facts:
        raise ValueError("session must have planted facts (one generated by generate_session)")
    return session


def fact_bits(session: Session) -> float:
    """The information in a session's planted facts: the sum of their :attr:`~rdlib.Fact.bits`.

    Each fact's value is drawn uniformly from a known set, independently of the others,
    so this is exactly the entropy of the facts' values together.

    Parameters
    ----------
    session : Session
        A generated session (with facts).

    Returns
    -------
    float
        Bits (added with ``math.fsum``).

    Raises
    ------
    ValueError
        If ``session`` is not a session with probes and facts.

    Examples
    --------
    >>> from rdlib import generate_session
    >>> round(fact_bits(generate_session(0, n_tokens=10_000)), 1)
    51.9
    """
    session = _check_facts(session)
    return math.fsum(fact.bits for fact in session.facts)


def probe_bits(session: Session) -> tuple[float, ...]:
    """The bits of each probe's answer: the sum of the bits of the facts on its support.

    Every fact belongs to exactly one probe (a recall or continuation probe has one fact,
    a decision probe two, an artifact probe one per edit), so these add up to
    :func:`fact_bits`.

    Parameters
    ----------
    session : Session
        A generated session (with facts).

    Returns
    -------
    tuple of float
        One value per probe, in the order of ``session.probes``.

    Raises
    ------
    ValueError
        If ``session`` has no facts, or a fact lies on no probe's support or on several.

    Examples
    --------
    >>> from rdlib import generate_session
    >>> session = generate_session(0, n_tokens=10_000)
    >>> len(probe_bits(session)) == len(session.probes)
    True
    """
    session = _check_facts(session)
    owner: dict[int, int] = {}
    for j, probe in enumerate(session.probes):
        for line in probe.support:
            if line in owner:
                raise ValueError(f"line {line} is on the support of two probes")
            owner[line] = j
    bits = [0.0] * len(session.probes)
    for fact in session.facts:
        if fact.line not in owner:
            raise ValueError(f"fact {fact.key!r} lies on no probe's support")
        bits[owner[fact.line]] += fact.bits
    return tuple(bits)


def counting_bound(session: Session, budget_tokens: int) -> float:
    """The largest share of the facts' bits a context of ``budget_tokens`` can carry.

    ``min(1, context_bits(budget_tokens) / fact_bits(session))``: what a summary keeps of
    the task-relevant information, the kept share of chapter 6, is at most this, for
    every compactor that writes one context for all questions without seeing them, since
    no context holds more than :func:`context_bits`. A compactor that sees the question
    writes one context per probe and is bound only probe by probe: each probe's bits
    must fit in :func:`context_bits` on their own.

    Parameters
    ----------
    session : Session
        A generated session (with facts).
    budget_tokens : int
        The budget, >= 0.

    Returns
    -------
    float
        A share in [0, 1].

    Raises
    ------
    ValueError
        As :func:`fact_bits` and :func:`context_bits`.

    Examples
    --------
    >>> from rdlib import generate_session
    >>> session = generate_session(0, n_tokens=10_000)
    >>> round(counting_bound(session, 0), 3), counting_bound(session, 10)
    (0.039, 1.0)
    """
    capacity = context_bits(budget_tokens)
    return min(1.0, capacity / fact_bits(session))


def _binary_entropy(p: float) -> float:
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return -p * math.log2(p) - (1.0 - p) * math.log2(1.0 - p)


def _fano_shares(bits: Sequence[float], theta: float) -> list[float]:
    """The best correct-answer probabilities at multiplier ``theta``: ``2^t / (M - 1 + 2^t)``."""
    lift = math.exp2(theta)
    return [lift / (math.exp2(b) - 1.0 + lift) for b in bits]


def _fano_information(bits: Sequence[float], shares: Sequence[float]) -> float:
    """Fano's lower bound on the information a context must hold about the answers."""
    return math.fsum(
        b - _binary_entropy(p) - (1.0 - p) * math.log2(math.exp2(b) - 1.0)
        for b, p in zip(bits, shares, strict=True)
    )


FANO_ITERATIONS = 200
"""Bisection steps of :func:`counting_accuracy_bound` (the interval shrinks to nothing)."""


def counting_accuracy_bound(session: Session, budget_tokens: int) -> float:
    """The largest expected share of probes any context of ``budget_tokens`` lets be answered.

    The counting bound in the unit of accuracy, for every compactor that writes one context
    ``S`` for all questions without seeing them, and every reader (a language model
    included), on average over the generator's draws. A compactor that sees the question
    writes one context per probe; the informations below then no longer add up against one
    ``S``, and counting only requires ``b_j <= context_bits(budget_tokens)`` for each probe
    separately. Probe ``j``'s
    answer is uniform over at least ``M_j = 2 ** b_j`` values (``b_j`` from
    :func:`probe_bits`; a decision's option is uniform over its topic's six, of which
    ``b_j`` counts the four discussed), independent of the other answers and of every
    question. If a reader, given the context ``S`` and the question, is right with
    probability ``P_j >= 1 / M_j``, Fano's inequality gives ``I(answer_j; S | question)
    >= b_j - H_b(P_j) - (1 - P_j) log2(M_j - 1)`` (more values only raise the bound, and a
    reader below ``1 / M_j`` can be counted at ``1 / M_j``, where the right side is 0), and
    with independent answers these informations add up to at most ``H(S)``, itself at
    most :func:`context_bits`. The bound is the largest mean of ``P_j`` allowed; the
    maximiser is ``P_j = 2^t / (M_j - 1 + 2^t)`` for the one ``t >= 0`` that spends the
    bits exactly (the constraint is convex), found by bisection. A decision among four
    options needs no bits to be guessed right one time in four, which the bound allows.

    Parameters
    ----------
    session : Session
        A generated session (with facts).
    budget_tokens : int
        The budget, >= 0.

    Returns
    -------
    float
        A share of the probes in (0, 1].

    Raises
    ------
    ValueError
        As :func:`probe_bits` and :func:`context_bits`.

    Examples
    --------
    >>> from rdlib import generate_session
    >>> session = generate_session(0, n_tokens=10_000)
    >>> round(counting_accuracy_bound(session, 0), 2), counting_accuracy_bound(session, 10)
    (0.24, 1.0)
    """
    capacity = context_bits(budget_tokens)
    bits = probe_bits(session)
    if capacity >= math.fsum(bits):
        return 1.0
    low, high = 0.0, max(bits) + 64.0
    for _ in range(FANO_ITERATIONS):
        middle = 0.5 * (low + high)
        if _fano_information(bits, _fano_shares(bits, middle)) <= capacity:
            low = middle
        else:
            high = middle
        if high - low <= 1e-12:
            break
    return math.fsum(_fano_shares(bits, low)) / len(bits)


class TaskShare(NamedTuple):
    """The share of a session's information that its facts hold, measured two ways.

    Attributes
    ----------
    fact_bits : float
        The facts' information (:func:`fact_bits`).
    generator_bits : float
        The generator's draws (:attr:`rdlib.Session.generator_bits`): an upper
        bound on the session's information for a reader who knows the code corpus and
        the templates.
    ngram_bits : float
        Chapter 12's adaptive n-gram code length of the transcript's ``cl100k_base``
        tokens: an upper bound on its information for a reader who knows nothing
        beforehand, what a reader of a real transcript can compute.
    tokens : int
        The session's length, :func:`~rdlib.token_cost` of its text.
    """

    fact_bits: float
    generator_bits: float
    ngram_bits: float
    tokens: int

    @property
    def share_generator(self) -> float:
        """The facts' share of the generator's draws, ``fact_bits / generator_bits``."""
        return self.fact_bits / self.generator_bits

    @property
    def share_ngram(self) -> float:
        """The facts' share of the n-gram code length, ``fact_bits / ngram_bits``."""
        return self.fact_bits / self.ngram_bits

    @property
    def rate_generator(self) -> float:
        """Generator bits per token of the session."""
        return self.generator_bits / self.tokens

    @property
    def rate_ngram(self) -> float:
        """N-gram code bits per token of the session."""
        return self.ngram_bits / self.tokens


def task_share(session: Session, order: int | None = None) -> TaskShare:
    """The facts' share of a generated session's information, two ways (:class:`TaskShare`).

    Parameters
    ----------
    session : Session
        A session from :func:`rdlib.generate_session` (its ``generator_bits`` is set).
    order : int, optional
        The n-gram order (default :data:`rdlib.DEFAULT_ORDER`, chapter 12's).

    Returns
    -------
    TaskShare
        The bits and the session's length; the shares and the rates are properties.

    Raises
    ------
    ValueError
        If ``session`` has no facts or no ``generator_bits`` (built by hand).

    Examples
    --------
    >>> from rdlib import generate_session
    >>> share = task_share(generate_session(0, n_tokens=10_000))
    >>> round(share.fact_bits / share.generator_bits, 3)
    0.016
    """
    from .entropy import DEFAULT_ORDER, ngram_code_length
    from .tokens import tokenize, vocabulary_size

    session = _check_facts(session)
    if session.generator_bits is None:
        raise ValueError("session.generator_bits is None: use a session from generate_session")
    tokens = tokenize(session.text, ENCODING)
    code = ngram_code_length(
        tokens, DEFAULT_ORDER if order is None else order, vocabulary_size(ENCODING)
    )
    return TaskShare(fact_bits(session), session.generator_bits, code, token_cost(session.text))
