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
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .compaction import _line_cost
from .sessions import Session

__all__ = ["MAX_BRUTE_FORCE_LINES", "extractive_limits"]

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


def _check_budget(budget_tokens: int) -> int:
    if (
        isinstance(budget_tokens, bool)
        or not isinstance(budget_tokens, numbers.Integral)
        or budget_tokens < 0
    ):
        raise ValueError(f"budget_tokens must be an integer >= 0; got {budget_tokens!r}")
    return int(budget_tokens)


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
    :func:`~rdlib.compaction.token_cost` at most ``budget_tokens``:

    - ``agnostic``: the largest share of probes whose supports all lie in one kept set
      (the compactor does not know the probe), a set-union knapsack solved exactly by
      :func:`scipy.optimize.milp` over the union of the supports;
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
    >>> from rdlib.sessions import Message, Probe, Session
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
