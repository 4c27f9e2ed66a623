"""Exact numbers, affine forms and sign predicates.

Conventions (stated once, used everywhere in geometry/):

* A number given to the library is taken exactly: a float is its exact binary rational, ``int``,
  ``fractions.Fraction``, ``"p/q"`` or decimal strings and sympy ``Rational`` are taken as they are.
  NaN and infinities are rejected.
* An affine form in n variables is a tuple of n + 1 Python ints ``(b, a_1, ..., a_n)``, constant
  first (as in cdd and Sage), with value ``f(x) = b + a . x``. Forms are kept *primitive*: the gcd of
  the entries is 1. Scaling by a positive number keeps the halfspace ``{f >= 0}``; so
  :func:`affine_form` scales by a positive factor only, and two forms define the same halfspace
  exactly when they are equal tuples.
* A hyperplane ``{f = 0}`` is keyed by :func:`hyperplane_key`: the primitive form whose first nonzero
  normal coefficient is positive, together with the sign (+1 or -1) that recovers the given
  orientation. Equal and opposite hyperplanes get equal keys.
* An exact rational point is carried in homogeneous integer coordinates ``(d, X_1, ..., X_n)`` with
  ``d > 0``, meaning ``x = X / d``: the sign of ``f`` at it is the sign of ``b d + a . X``, an integer,
  so every side predicate is exact integer arithmetic with no gcds and no fractions.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from geometry.errors import DimensionMismatchError, NonFiniteError, NotANumberError

AffineForm = tuple[int, ...]
HomogeneousPoint = tuple[int, ...]


def rational(value: object) -> Fraction:
    """The exact rational number ``value`` denotes.

    Binary floats of any width (Python, numpy including long double), Decimals and sympy Floats are
    taken at their exact value; strings as ``p/q`` or decimals; NaN and infinities are rejected.

    >>> rational(0.1)  # the double nearest to 1/10
    Fraction(3602879701896397, 36028797018963968)
    >>> rational("0.1"), rational("-2/6"), rational(7)
    (Fraction(1, 10), Fraction(-1, 3), Fraction(7, 1))
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise NotANumberError(f"{value!r} is a boolean, not a number")
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, str):
        return _parse(value)
    number: Any = value  # duck-typed from here on: sympy numbers, python-flint fmpq, floats
    if getattr(number, "is_Number", False):  # sympy numbers
        if getattr(number, "is_Rational", False):
            return Fraction(int(number.p), int(number.q))
        if not number.is_finite:
            raise NonFiniteError(f"coefficient {value!r} is not finite")
        from sympy import Rational
        exact = Rational(number)
        return Fraction(int(exact.p), int(exact.q))
    if hasattr(number, "is_Number"):
        raise NotANumberError(f"{value!r} is not a rational number")
    if isinstance(getattr(number, "p", None), numbers.Integral) and isinstance(getattr(number, "q", None), numbers.Integral):
        return Fraction(int(number.p), int(number.q))  # python-flint fmpq
    if hasattr(value, "as_integer_ratio") and not isinstance(value, complex):
        try:
            p, q = number.as_integer_ratio()
        except (OverflowError, ValueError):
            raise NonFiniteError(f"coefficient {value!r} is not finite") from None
        return Fraction(int(p), int(q))
    raise NotANumberError(f"cannot read {value!r} as a rational number")


def _parse(text: str) -> Fraction:
    stripped = text.strip()
    if stripped.lower().lstrip("+-") in {"nan", "inf", "infinity"}:
        raise NonFiniteError(f"coefficient {text!r} is not finite")
    try:
        return Fraction(stripped)
    except (ValueError, ZeroDivisionError) as exc:
        raise NotANumberError(f"cannot read {text!r} as a rational number") from exc


def rationals(values: Iterable[object]) -> tuple[Fraction, ...]:
    """:func:`rational` applied to each entry."""
    return tuple(rational(v) for v in values)


def primitive(values: Sequence[Fraction | int]) -> tuple[int, ...]:
    """The primitive integer vector that is a positive multiple of ``values`` (zero stays zero)."""
    fractions = [v if isinstance(v, Fraction) else Fraction(v) for v in values]
    denominator = math.lcm(*(f.denominator for f in fractions)) if fractions else 1
    integers = [int(f * denominator) for f in fractions]
    return primitive_ints(integers)


def primitive_ints(values: Sequence[int]) -> tuple[int, ...]:
    """The integer vector divided by the gcd of its entries (a positive factor; zero stays zero)."""
    divisor = math.gcd(*values)
    return tuple(v // divisor for v in values) if divisor > 1 else tuple(values)


def affine_form(constant: object, normal: Iterable[object]) -> AffineForm:
    """The primitive integer form ``(b, a_1, ..., a_n)`` of ``constant + normal . x`` (positive scaling)."""
    return primitive((rational(constant), *rationals(normal)))


def form_of_row(row: object) -> AffineForm:
    """The primitive form of a row ``(b, a_1, ..., a_n)`` of exact numbers (see :func:`affine_form`)."""
    if isinstance(row, (str, bytes)) or not isinstance(row, Iterable):
        raise DimensionMismatchError(f"a row (b, a_1, ..., a_n) must be a sequence of numbers, got {row!r}")
    entries = list(row)
    if not entries:
        raise DimensionMismatchError("a row (b, a_1, ..., a_n) needs at least its constant b")
    return affine_form(entries[0], entries[1:])


def is_constant(form: AffineForm) -> bool:
    """True when the form's normal is zero, so it has one value everywhere."""
    return not any(form[1:])


def negate(form: AffineForm) -> AffineForm:
    """The form ``-f``: same hyperplane, opposite halfspace."""
    return tuple(-v for v in form)


def hyperplane_key(form: AffineForm) -> tuple[AffineForm, int]:
    """``(key, orientation)``: the canonical form of ``{f = 0}`` and the sign with ``f = orientation * key``.

    The key has its first nonzero normal coefficient positive. Forms with zero normal are not
    hyperplanes; their key is the form itself with orientation +1.
    """
    for coefficient in form[1:]:
        if coefficient:
            return (form, 1) if coefficient > 0 else (negate(form), -1)
    return form, 1


def homogeneous(point: Iterable[object]) -> HomogeneousPoint:
    """Homogeneous integer coordinates ``(d, X_1, ..., X_n)``, ``d > 0``, of an exact rational point."""
    coordinates = rationals(point)
    denominator = math.lcm(*(c.denominator for c in coordinates)) if coordinates else 1
    return (denominator, *(int(c * denominator) for c in coordinates))


def homogeneous_from_floats(point: Iterable[float]) -> HomogeneousPoint:
    """Homogeneous coordinates of the exact binary rationals of finite floats (a power-of-two denominator)."""
    ratios = [float(c).as_integer_ratio() for c in point]
    denominator = max((q for _, q in ratios), default=1)
    return (denominator, *(p * (denominator // q) for p, q in ratios))


def cartesian(point: HomogeneousPoint) -> tuple[Fraction, ...]:
    """The rational coordinates ``X / d`` of a homogeneous point."""
    d = point[0]
    return tuple(Fraction(x, d) for x in point[1:])


def value_times_denominator(form: AffineForm, point: HomogeneousPoint) -> int:
    """``d * f(X / d)``, an integer with the sign of ``f`` at the point."""
    return sum(c * x for c, x in zip(form, point))


def side(form: AffineForm, point: HomogeneousPoint) -> int:
    """The sign (-1, 0 or +1) of the affine form at the point, exactly."""
    value = value_times_denominator(form, point)
    return (value > 0) - (value < 0)


def is_strictly_inside(forms: Iterable[AffineForm], point: HomogeneousPoint) -> bool:
    """True when every form is strictly positive at the point."""
    return all(value_times_denominator(f, point) > 0 for f in forms)


_UNIT_ROUNDOFF = 2.0 ** -53


def float_enclosure(values: Iterable[Fraction | int]) -> tuple[np.ndarray, np.ndarray]:
    """The nearest float64 of each exact number, and a radius bounding its distance to it: 0 when
    the float is the number (a dyadic ``p / 2^k`` with ``|p| < 2^53`` and ``k <= 1074``), else
    ``2 u |float| + 2^-1074`` (rounding to nearest, subnormals included). Raises OverflowError
    beyond the float range."""
    approx, radii = [], []
    for v in values:
        v = v if isinstance(v, (Fraction, int)) else Fraction(v)
        p, q = v.numerator, v.denominator
        a = p / q if q != 1 else float(p)
        approx.append(a)
        exact = q & (q - 1) == 0 and abs(p).bit_length() <= 53 and q.bit_length() <= 1075
        radii.append(0.0 if exact else 2 * _UNIT_ROUNDOFF * abs(a) + 2.0 ** -1074)
    return np.array(approx, dtype=float), np.array(radii, dtype=float)


def sides_on_hull(forms: Sequence[AffineForm], points: Sequence[HomogeneousPoint]) -> list[int]:
    """For each form, its sign on the convex hull of full-dimensional homogeneous points: +1 when
    >= 0 at every point, -1 when <= 0 at every point (and when it is 0 at every point, which a
    nonconstant form cannot be on a full-dimensional hull), 0 when it takes both signs.

    Filter: all forms at all points in one float64 product; a value's sign is trusted when its
    magnitude exceeds ``8 u sum_l |f_l| |p_l|`` (u = 2^-53), which bounds the error of rounding the
    integers to floats and of the products and sums, for up to four terms in any summation order
    (dimension <= 3). Forms with an untrusted value are evaluated exactly in integers.
    """
    if not forms:
        return []
    try:
        P = np.array(points, dtype=float)
        F = np.array(forms, dtype=float)
    except OverflowError:
        return [_exact_side(f, points) for f in forms]
    with np.errstate(over="ignore", invalid="ignore"):
        values = F @ P.T
        bound = (np.abs(F) @ np.abs(P).T) * (8 * _UNIT_ROUNDOFF)
        trusted = np.abs(values) > bound
    positive, negative = (values > 0).any(axis=1), (values < 0).any(axis=1)
    out = np.where(positive & negative, 0, np.where(positive, 1, -1)).tolist()
    for i in np.flatnonzero(~trusted.all(axis=1)).tolist():
        out[i] = _exact_side(forms[i], points)
    return out


def _exact_side(form: AffineForm, points: Sequence[HomogeneousPoint]) -> int:
    values = [value_times_denominator(form, p) for p in points]
    positive, negative = any(v > 0 for v in values), any(v < 0 for v in values)
    return 0 if positive and negative else (1 if positive else -1)
