"""Exact intervals and their splitting: the 1-D fast path (segments, 1-D boxes).

An :class:`Interval` is a bounded nonempty open interval (lo, hi) of the line, its ends in
homogeneous integer coordinates ``(d, X)`` (``d > 0``, the point ``X/d``), each with the primitive
integer form ``(b, a)`` (value ``b + a x``) that vanishes there and is positive inside. A form's
sign on the interval is read from its values at the two ends: no LP; a float filter with a proved
error bound, and integers where the bound does not decide (:func:`geometry.exact.sides_on_hull`).
"""
from __future__ import annotations

import math
from fractions import Fraction
from collections.abc import Sequence
from dataclasses import dataclass

from geometry.exact import AffineForm, HomogeneousPoint, negate, sides_on_hull, value_times_denominator
from geometry.partition import clipped_pieces
from geometry.polyhedron import HPolyhedron, bounded_vertices

End = tuple[int, int]


@dataclass(frozen=True)
class Interval:
    lo: End
    hi: End
    lo_form: AffineForm
    hi_form: AffineForm

    @property
    def edges(self) -> tuple[AffineForm, AffineForm]:
        """The two forms bounding the interval (its irredundant H-representation)."""
        return self.lo_form, self.hi_form


def _root(form: AffineForm) -> End:
    b, a = form
    return (a, -b) if a > 0 else (-a, b)


def interval(P: HPolyhedron) -> Interval:
    """The interval of a bounded full-dimensional polyhedron in R^1."""
    vertices = bounded_vertices(P, 1, "an interval")
    lo, hi = min(v[0] for v in vertices), max(v[0] for v in vertices)
    lo_form = (-lo.numerator, lo.denominator)
    hi_form = (hi.numerator, -hi.denominator)
    return Interval(_root(lo_form), _root(hi_form), lo_form, hi_form)


def clip(piece: Interval, form: AffineForm) -> Interval | None:
    """``piece ∩ {form >= 0}``, or None when that part has no interior."""
    at_lo, at_hi = value_times_denominator(form, piece.lo), value_times_denominator(form, piece.hi)
    if at_lo >= 0 and at_hi >= 0:
        return piece
    if at_lo <= 0 and at_hi <= 0:
        return None
    root = _root(form)
    if at_lo > 0:
        return Interval(piece.lo, root, piece.lo_form, form)
    return Interval(root, piece.hi, form, piece.hi_form)


def split(piece: Interval, pieces: Sequence[Sequence[AffineForm]]) -> list[tuple[int, Interval]]:
    """The candidate pieces (each ``{forms >= 0}``) that meet the interval in an open set, clipped."""
    return clipped_pieces(piece, pieces, clip)

def sides(piece: Interval, forms: Sequence[AffineForm]) -> list[int]:
    """For each form: +1 when >= 0 on the interval, -1 when <= 0, 0 when it takes both signs."""
    return sides_on_hull(forms, (piece.lo, piece.hi))


def interior_point(piece: Interval) -> HomogeneousPoint:
    """The midpoint, in homogeneous integer coordinates."""
    (d0, x0), (d1, x1) = piece.lo, piece.hi
    d, x = 2 * d0 * d1, x0 * d1 + x1 * d0
    g = math.gcd(d, x)
    return d // g, x // g


def length(piece: Interval) -> Fraction:
    """The exact length."""
    return Fraction(piece.hi[1], piece.hi[0]) - Fraction(piece.lo[1], piece.lo[0])


def shared_end_point(piece: Interval, other: Interval, form: AffineForm) -> tuple[Fraction] | None:
    """The common end of two intervals on either side of ``{form = 0}``, or None."""
    if form == piece.hi_form and negate(form) == other.lo_form:
        return (Fraction(piece.hi[1], piece.hi[0]),)
    if form == piece.lo_form and negate(form) == other.hi_form:
        return (Fraction(piece.lo[1], piece.lo[0]),)
    return None
