"""Strict feasibility of a linear system over any ordered field, by Fourier-Motzkin elimination.

A form is a sequence ``(b, a_1, ..., a_k)`` of field elements with value ``b + a . x``; the question
is whether ``{x in R^k : every form > 0}`` is nonempty. The field is given by its elements (anything
with ``+``, ``-`` and ``*``, e.g. python-flint polynomials standing for their values at a real
algebraic number) and an exact ``sign`` function, so the same code decides systems over the
rationals and over ``Q(alpha)``.

Elimination of ``x_k``: forms with ``a_k = 0`` are kept; a form ``p`` with ``a_k > 0`` bounds ``x_k``
from below and a form ``n`` with ``a_k < 0`` from above, and some ``x_k`` lies strictly between every
lower and every upper bound exactly when each combination ``a_k(p) n - a_k(n) p`` (a positive
combination, free of ``x_k``) is positive. So the system is feasible iff the eliminated one is; with
no variables left, iff every constant is positive. The number of forms can square at each step:
this is for small k (the 1-D and 2-D parameter sweeps), not a general LP.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

T = Any  # a field element: supports +, - and *


def is_strictly_feasible(forms: Sequence[Sequence[T]], sign: Callable[[T], int]) -> bool:
    """True when some x has ``b + a . x > 0`` for every form ``(b, a_1, ..., a_k)``."""
    system = _nonconstant([list(f) for f in forms], sign)
    while system:
        kept: list[list[T]] = []
        lower: list[list[T]] = []
        upper: list[list[T]] = []
        for f in system:
            s = sign(f[-1])
            if s == 0:
                kept.append(f[:-1])
            else:
                (lower if s > 0 else upper).append(f)
        for p in lower:
            for n in upper:
                kept.append([p[-1] * nv - n[-1] * pv for pv, nv in zip(p[:-1], n[:-1])])
        system = _nonconstant(kept, sign)
    return system is not None


def _nonconstant(system: list[list[T]], sign: Callable[[T], int]) -> list[list[T]] | None:
    """The forms with a nonzero coefficient; None when some constant form is not positive."""
    out = []
    for f in system:
        if any(sign(c) for c in f[1:]):
            out.append(f)
        elif sign(f[0]) <= 0:
            return None
    return out
