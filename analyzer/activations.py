"""Activation kinds: one object per kind, the one place where each kind's rules are written.

A unit reads its pre-activation ``z`` (maxout: the k values ``z_0, ..., z_{k-1}`` of its group) and
is in one *state* per piece of its domain; on each piece its output is affine in ``z``:

=============== ============= ======================================== ==============================
kind            states        piece of each state (open)               output on the piece
=============== ============= ======================================== ==============================
relu            1, 0          ``z > 0``, ``z < 0``                     ``z``, ``0``
leaky_relu:a    1, 0          ``z > 0``, ``z < 0``                     ``z``, ``a z``
abs             1, 0          ``z > 0``, ``z < 0``                     ``z``, ``-z``
hardtanh        -1, 0, 1      ``z < -1``, ``-1 < z < 1``, ``z > 1``    ``-1``, ``z``, ``1``
maxout:k        0, ..., k-1   ``z_a > z_b`` for every ``b != a``       ``z_a``
identity        0             everything                               ``z``
=============== ============= ======================================== ==============================

Ties (a point on a piece's boundary; they matter only where a pre-activation is constant on a
region) fall to the first state, in :attr:`Activation.tie_order`, whose closed piece holds the
point: relu-like units are off at ``z = 0``; hard-tanh is low at ``z = -1`` and high at ``z = 1``;
maxout takes the lowest index among tied maxima.

Forms over a unit (:data:`UnitForm`) are integer or rational tuples ``(c, a_0, ..., a_{k-1})``
meaning ``c + sum_i a_i z_i``; :func:`unit_form` evaluates one on the unit's pre-activations given
as forms (rows, constant first) in any ring: exact integers at a scale, polynomials in a parameter.
The independent certificate checker :mod:`analyzer.verifier` keeps its own copy of these rules on
purpose (it must not trust this code).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from typing import Any, ClassVar

from analyzer.errors import UnsupportedLayerError
from geometry.exact import rational

UnitForm = tuple  # (c, a_0, ..., a_{k-1}): the affine function c + sum a_i z_i of a unit's pre-activations
Tag = int | None  # where a piece's form comes from: None (z itself), a hard-tanh threshold -1 or 1, a maxout competitor


class Kind(Enum):
    RELU = "relu"
    LEAKY_RELU = "leaky_relu"
    ABS = "abs"
    HARDTANH = "hardtanh"
    MAXOUT = "maxout"
    IDENTITY = "identity"


def _sign(v: Any) -> int:
    return (v > 0) - (v < 0)


def _same(v: Any) -> Any:
    return v


def unit_form(form: UnitForm, rows: Sequence[Sequence[Any]], one: Sequence[Any], number: Callable = _same) -> list:
    """``c * one + sum_i a_i rows[i]`` entry by entry, for ``form = (c, a_0, ...)``: the form's value
    as a form (or, with rows of length 1, as a number). ``one`` is the constant 1 in the rows' terms
    (``(d, 0, ..., 0)`` for integer rows at scale d); ``number`` turns a coefficient into the rows'
    ring (needed for rational coefficients of polynomial rows)."""
    c, *a = form
    nonzero = [(i, v) for i, v in enumerate(a) if v]
    if not c and len(nonzero) == 1 and nonzero[0][1] in (1, -1):  # z_i or -z_i: no arithmetic
        i, v = nonzero[0]
        return list(rows[i]) if v == 1 else [-x for x in rows[i]]
    out = [number(c) * x for x in one] if c else [0 * x for x in one]
    for i, v in nonzero:
        out = [x + number(v) * y for x, y in zip(out, rows[i])]
    return out


class Activation:
    """An activation kind with its parameter (see the module docstring); the kinds subclass it.

    Class attributes: ``kind``; ``k``, the pre-activations per unit (maxout's group size, else 1);
    ``states`` (in the order the pieces are proposed) and ``tie_order``; ``cuts``, the constants t
    with the unit cut by ``z + t = 0`` when a single-input unit's state rises with z (relu-like:
    ``(0,)``; hard-tanh: ``(1, -1)``; else empty); ``splits`` (False for the identity)."""

    kind: ClassVar[Kind]
    k: int = 1
    states: ClassVar[tuple[int, ...]]
    tie_order: ClassVar[tuple[int, ...]]
    cuts: ClassVar[tuple[int, ...]] = ()
    splits: ClassVar[bool] = True

    def __str__(self) -> str:
        return self.kind.value

    @property
    def splits_at_zero(self) -> bool:
        """The unit's pieces are the two sides of ``z = 0`` (relu, leaky_relu, abs)."""
        return self.cuts == (0,)

    def piece(self, state: int) -> tuple[tuple[Tag, UnitForm], ...]:
        """The open piece of ``state`` as tagged unit forms: it is where all of them are > 0."""
        raise NotImplementedError

    def output(self, state: int) -> UnitForm:
        """The unit's output on the piece of ``state``, a unit form (rational coefficients, at most
        one of the a_i nonzero: the selected pre-activation)."""
        raise NotImplementedError

    @property
    def thresholds(self) -> tuple[UnitForm, ...]:
        """The unit forms whose signs decide the state: ``z + t`` for the cuts; maxout's
        ``z_a - z_b`` for a < b; none for the identity."""
        return tuple((t, 1) for t in self.cuts)

    def state_at(self, values: Sequence[Any], one: Any = 1, sign: Callable[[Any], int] = _sign) -> int:
        """The state of a unit whose pre-activations take the ``values`` (numbers, times the positive
        scale ``one``; ``sign`` decides signs): the first state in :attr:`tie_order` whose closed
        piece holds them."""
        return next((s for s in self.tie_order[:-1]
                     if all(sign(unit_form(f, [[v] for v in values], [one])[0]) >= 0 for _, f in self.piece(s))),
                    self.tie_order[-1])

    def piece_forms(self, state: int, rows: Sequence[Sequence[Any]], one: Sequence[Any]) -> list[tuple[Tag, list]]:
        """The piece of ``state`` on the unit's pre-activation forms ``rows`` (see :func:`unit_form`)."""
        return [(tag, unit_form(f, rows, one)) for tag, f in self.piece(state)]

    def pieces(self, rows: Sequence[Sequence[Any]], one: Sequence[Any],
               sign: Callable[[Any], int] = _sign) -> list[tuple[int, list[tuple[Tag, list]]]]:
        """``(state, [(tag, form), ...])`` for each open piece the unit proposes, its pre-activations
        given as forms ``rows`` (constant first; ``one`` the constant 1, its constant entry positive;
        ``sign`` decides signs). A unit whose pre-activations are all constant proposes one piece
        without forms: the state of its constants (:meth:`state_at`)."""
        if all(not sign(v) for row in rows for v in row[1:]):
            return [(self.state_at([row[0] for row in rows], one[0], sign), [])]
        return [(s, self.piece_forms(s, rows, one)) for s in self.states]

    def sources(self, state: int, tagged: list[tuple[Tag, Any]], rows: Sequence[Sequence[Any]]) -> list[tuple[Tag, Any]]:
        """Every source of the forms ``tagged`` of a proposed piece (:meth:`pieces`): the same list,
        but for maxout (competitors identical to a listed one give that one's form too)."""
        return tagged

    def output_value(self, state: int, values: Sequence[Any]) -> Any:
        """The unit's output at pre-activation values ``values`` in ``state``."""
        return unit_form(self.output(state), [[v] for v in values], [Fraction(1)])[0]

    def output_form(self, state: int, rows: Sequence[Sequence[Any]], one: Sequence[Any],
                    number: Callable = _same) -> list:
        """The unit's output in ``state`` as a form of the pre-activation forms ``rows``."""
        return unit_form(self.output(state), rows, one, number)

    @property
    def output_denominator(self) -> int:
        """The least common denominator of the outputs' coefficients (leaky ReLU's slope's, else 1)."""
        return 1

    def output_table(self) -> tuple[tuple[int, ...], tuple[Fraction, ...], tuple[Fraction, ...]]:
        """``(rows, slopes, offsets)``: the output in state s is ``slopes[s] * z_{rows[s]} + offsets[s]``,
        with state s at position s (negative states counted from the end, as numpy and numba index):
        the float path's tables, indexed by the engine's states."""
        rows, slopes, offsets = [0] * len(self.states), [Fraction(0)] * len(self.states), [Fraction(0)] * len(self.states)
        for s in self.states:
            c, *a = self.output(s)
            rows[s] = next((i for i, v in enumerate(a) if v), 0)
            slopes[s], offsets[s] = Fraction(a[rows[s]]), Fraction(c)
        return tuple(rows), tuple(slopes), tuple(offsets)

    def states_from_cuts(self, positive):
        """A unit cut by ``z + t`` (t in :attr:`cuts`, its columns side by side) is in state
        ``min(states)`` plus the number of those forms positive; ``positive`` (an integer array,
        rows of 0/1, ``len(cuts)`` columns per unit) gives the states, one column per unit."""
        if self.cuts == (0,) and min(self.states) == 0:
            return positive
        m, c = positive.shape[0], len(self.cuts)
        units = positive.shape[1] // c
        return positive.reshape(m, units, c).sum(axis=2, dtype=positive.dtype) + positive.dtype.type(min(self.states))


class _Halves(Activation):
    """A unit on the two sides of ``z = 0``: state 1 (``z > 0``), 0 (``z <= 0``)."""

    states = (1, 0)
    tie_order = (0, 1)
    cuts = (0,)

    def piece(self, state: int) -> tuple[tuple[Tag, UnitForm], ...]:
        return ((None, (0, 1 if state else -1)),)


@dataclass(frozen=True)
class Relu(_Halves):
    kind = Kind.RELU

    def output(self, state: int) -> UnitForm:
        return (0, 1) if state else (0, 0)


@dataclass(frozen=True)
class LeakyRelu(_Halves):
    alpha: Fraction = Fraction(1, 100)
    kind = Kind.LEAKY_RELU

    def __str__(self) -> str:
        return f"leaky_relu:{self.alpha}"

    def output(self, state: int) -> UnitForm:
        return (0, 1) if state else (0, self.alpha)

    @property
    def output_denominator(self) -> int:
        return self.alpha.denominator


@dataclass(frozen=True)
class Abs(_Halves):
    kind = Kind.ABS

    def output(self, state: int) -> UnitForm:
        return (0, 1) if state else (0, -1)


@dataclass(frozen=True)
class HardTanh(Activation):
    """``clip(z, -1, 1)``: low (-1) where ``z <= -1``, high (1) where ``z >= 1``, linear (0) between."""

    kind = Kind.HARDTANH
    states = (-1, 0, 1)
    tie_order = (-1, 1, 0)
    cuts = (1, -1)

    def piece(self, state: int) -> tuple[tuple[Tag, UnitForm], ...]:
        return {-1: ((-1, (-1, -1)),), 0: ((-1, (1, 1)), (1, (1, -1))), 1: ((1, (-1, 1)),)}[state]

    def output(self, state: int) -> UnitForm:
        return (state, 0) if state else (0, 1)


@dataclass(frozen=True)
class Maxout(Activation):
    """``max_a z_a`` over a group of k; the state is the argmax (tags: the competitors b)."""

    k: int = 2
    kind = Kind.MAXOUT

    @property
    def states(self) -> tuple[int, ...]:  # type: ignore[override]
        return tuple(range(self.k))

    @property
    def tie_order(self) -> tuple[int, ...]:  # type: ignore[override]
        return self.states

    def __str__(self) -> str:
        return f"maxout:{self.k}"

    def _difference(self, a: int, b: int) -> UnitForm:
        return (0, *(1 if i == a else (-1 if i == b else 0) for i in range(self.k)))

    def piece(self, state: int) -> tuple[tuple[Tag, UnitForm], ...]:
        return tuple((b, self._difference(state, b)) for b in range(self.k) if b != state)

    def output(self, state: int) -> UnitForm:
        return (0, *(int(i == state) for i in range(self.k)))

    @property
    def thresholds(self) -> tuple[UnitForm, ...]:
        return tuple(self._difference(a, b) for a in range(self.k) for b in range(a + 1, self.k))

    def pieces(self, rows: Sequence[Sequence[Any]], one: Sequence[Any],
               sign: Callable[[Any], int] = _sign) -> list[tuple[int, list[tuple[Tag, list]]]]:
        """The argmax cells; of identical pre-activations only the lowest index can be the argmax,
        and a competitor whose difference is constant either drops out (smaller) or empties the
        cell (at least as large)."""
        kept: list[int] = []
        for a, row in enumerate(rows):
            if all(any(sign(x - y) for x, y in zip(row, rows[b])) for b in kept):
                kept.append(a)
        out = []
        for a in kept:
            forms: list[tuple[Tag, list]] = []
            for b in kept:
                if b != a:
                    difference = unit_form(self._difference(a, b), rows, one)
                    if any(sign(v) for v in difference[1:]):
                        forms.append((b, difference))
                    elif sign(difference[0]) <= 0:
                        break
            else:
                out.append((a, forms))
        return out

    def sources(self, state: int, tagged: list[tuple[Tag, Any]], rows: Sequence[Sequence[Any]]) -> list[tuple[Tag, Any]]:
        by_competitor = dict(tagged)
        out = list(tagged)
        for b, row in enumerate(rows):
            twin = next((t for t in by_competitor if t is not None and rows[t] == row), None)
            if b != state and b not in by_competitor and twin is not None:
                out.append((b, by_competitor[twin]))
        return out


@dataclass(frozen=True)
class Identity(Activation):
    """``z``: one piece, no state in a pattern."""

    kind = Kind.IDENTITY
    states = (0,)
    tie_order = (0,)
    splits = False

    def piece(self, state: int) -> tuple[tuple[Tag, UnitForm], ...]:
        return ()

    def output(self, state: int) -> UnitForm:
        return (0, 1)


_ALIASES = {"linear": "identity", "none": "identity", "leakyrelu": "leaky_relu", "hard_tanh": "hardtanh"}
_PLAIN = {Kind.RELU: Relu, Kind.ABS: Abs, Kind.HARDTANH: HardTanh, Kind.IDENTITY: Identity}


def activation(spec: str | Activation) -> Activation:
    """Parse ``relu``, ``leaky_relu:1/100`` (``leaky_relu`` alone: slope 1/100), ``abs``,
    ``hardtanh``, ``maxout:3`` or ``identity`` (aliases: ``linear``, ``none``, ``leakyrelu``,
    ``hard_tanh``; case and surrounding spaces do not matter). An :class:`Activation` is returned as is.

    >>> activation("leaky_relu:1/4").output(0), str(activation(" MaxOut:3 ")), activation("linear")
    ((0, Fraction(1, 4)), 'maxout:3', Identity())
    """
    if isinstance(spec, Activation):
        return spec
    name, _, parameter = str(spec).strip().lower().partition(":")
    name = _ALIASES.get(name, name)
    try:
        kind = Kind(name)
    except ValueError:
        known = ", ".join(k.value for k in Kind)
        raise UnsupportedLayerError(f"unknown activation {spec!r}; known: {known}") from None
    if kind is Kind.LEAKY_RELU:
        return LeakyRelu(rational(parameter)) if parameter else LeakyRelu()
    if kind is Kind.MAXOUT:
        try:
            k = int(parameter)
        except ValueError:
            raise UnsupportedLayerError(f"maxout needs an integer group size, as in 'maxout:3', got {spec!r}") from None
        if k < 1:
            raise UnsupportedLayerError(f"maxout group size must be at least 1, got {k}")
        return Maxout(k)
    if parameter:
        raise UnsupportedLayerError(f"activation {name!r} takes no parameter, got {spec!r}")
    return _PLAIN[kind]()
