"""The equations of Blahut–Arimoto, one function each (chapter 9's numbering).

Both the plain solver (:mod:`rdlib.solver`) and its acceleration
(:mod:`rdlib._acceleration`) call these; neither imports the other's internals,
so this module sits below both. Notation as in chapter 9: ``p`` the source
distribution, ``q`` a candidate output distribution, ``A`` the kernel
:math:`K_{x \\hat x} = 2^{-\\beta d(x, \\hat x)}` of chapter 9 (each row scaled
so that its largest entry is 1, which changes no channel and keeps ``Z`` from
underflowing), ``Z = A q`` and ``c = A^T (p / Z)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "certified_gap",
    "evaluate",
    "kernel",
    "lagrangian_bound",
    "normaliser",
    "output_update",
    "test_channel",
    "update_factor",
]


def kernel(d: NDArray, beta: float) -> NDArray:
    """``2**(-beta * d)`` with each row scaled so its largest entry is 1 (eq-ba-channel)."""
    return np.exp2(-beta * (d - d.min(axis=1, keepdims=True)))


def normaliser(A: NDArray, q: NDArray) -> NDArray:
    """``Z(x) = sum_xhat q(xhat) A[x, xhat]``, the denominator of eq-ba-channel."""
    return A @ q


def update_factor(A: NDArray, p: NDArray, Z: NDArray) -> NDArray:
    """``c(xhat) = sum_x p(x) A[x, xhat] / Z(x)``, the factor of eq-ba-update.

    Raises FloatingPointError if a normaliser underflowed for a symbol of
    positive probability (only possible for huge ``beta`` times distortion).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        c = A.T @ np.where(p > 0, p / Z, 0.0)
    if not np.all(np.isfinite(c)):
        raise FloatingPointError(
            "Blahut–Arimoto lost precision (a normaliser underflowed); try a smaller beta"
        )
    return c


def output_update(q: NDArray, c: NDArray) -> NDArray:
    """One Blahut–Arimoto update of the output distribution, ``q <- q c`` (eq-ba-update)."""
    new = q * c
    return new / new.sum()


def certified_gap(q: NDArray, c: NDArray) -> float:
    """``g(q) = log2 max c - sum q c log2 c`` (eq-certified-gap), clipped at 0."""
    qc = q * c
    with np.errstate(divide="ignore", invalid="ignore"):
        logc = np.log2(np.where(qc > 0, c, 1.0))
    return max(float(np.log2(c.max()) - qc @ logc), 0.0)


def evaluate(A: NDArray, p: NDArray, q: NDArray, Z: NDArray | None = None):
    """``(Z, c, g)`` at `q`: everything one update and its certificate need."""
    if Z is None:
        Z = normaliser(A, q)
    c = update_factor(A, p, Z)
    return Z, c, certified_gap(q, c)


def lagrangian_bound(p: NDArray, Z: NDArray) -> float:
    """``G(q) = -sum_x p(x) log2 Z(x)``, the quantity every update lowers.

    With the kernel's row scaling, ``G(q)`` equals the Lagrangian
    ``F_beta`` of the channel eq-ba-channel, up to a constant, minus the
    relative entropy in chapter 9's proof of the certified gap.
    """
    with np.errstate(divide="ignore"):
        return float(-(p @ np.log2(np.where(p > 0, Z, 1.0))))


def test_channel(A: NDArray, q: NDArray, Z: NDArray) -> NDArray:
    """``p(xhat | x) = q(xhat) A[x, xhat] / Z(x)`` (eq-ba-channel), rows summing to 1."""
    with np.errstate(divide="ignore", invalid="ignore"):
        channel = (A * q) / np.where(Z > 0, Z, 1.0)[:, None]
    return channel / channel.sum(axis=1, keepdims=True)
