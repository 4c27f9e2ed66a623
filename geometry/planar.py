"""Exact convex polygons and their splitting: the 2-D fast path.

A :class:`Polygon` is a full-dimensional convex polygon given by its generators in cyclic order
(either orientation), in homogeneous integer coordinates ``(d, X, Y)``: ``d > 0`` is the point ``(X/d, Y/d)``, ``d = 0`` a
direction at infinity (an unbounded polygon is the cross-section of a pointed cone in R^3), and by
its edges: ``edges[i]`` is the primitive integer form ``(b, a, c)`` (value ``b + a x + c y``,
nonnegative on the polygon) of the line through ``vertices[i]`` and ``vertices[i+1]``; between two
directions that is the line at infinity ``(1, 0, 0)``. A new vertex is a positive combination of the
two ends of the edge it cuts, made primitive: the primitive vector on the ray of the cross product
of two edge lines, so coordinates never grow with the number of cuts, and every predicate is an
exact integer sign. The finite edges are exactly the polygon's facets: the H-representation is
irredundant for free.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from geometry.exact import (AffineForm, HomogeneousPoint, affine_form, homogeneous, negate, primitive_ints,
                            sides_on_hull, value_times_denominator)
from geometry.partition import clipped_pieces
from geometry.polyhedron import HPolyhedron, bounded_vertices

Vertex = tuple[int, ...]  # (d, X, Y)


@dataclass(frozen=True)
class Polygon:
    vertices: tuple[Vertex, ...]
    edges: tuple[AffineForm, ...]


def _between(g: Vertex, h: Vertex, at_g: int, at_h: int) -> Vertex:
    """The generator on the edge from g to h where a form with values ``at_g > 0 > at_h`` vanishes:
    the positive combination ``at_g h - at_h g``, made primitive (it lies on the edge's line)."""
    return primitive_ints([at_g * y - at_h * x for x, y in zip(g, h)])


def polygon(P: HPolyhedron) -> Polygon:
    """The polygon of a bounded full-dimensional polyhedron in R^2: its bounding box (from the exact
    vertices of ``cdd.gmp``) clipped by each of its forms."""
    vertices = bounded_vertices(P, 2, "a polygon")
    (x0, x1), (y0, y1) = [(min(v[k] for v in vertices), max(v[k] for v in vertices)) for k in (0, 1)]
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    sides = [affine_form(-y0, (0, 1)), affine_form(x1, (-1, 0)), affine_form(y1, (0, -1)), affine_form(-x0, (1, 0))]
    result = Polygon(tuple(homogeneous(c) for c in corners), tuple(sides))
    for f in P.forms:
        clipped = clip(result, f)
        assert clipped is not None  # P is full-dimensional: each of its forms keeps an open part of it
        result = clipped
    return result


def clip_all(poly: Polygon, forms: Sequence[AffineForm], near: Sequence[float] | None = None) -> Polygon | None:
    """``poly`` clipped by every form (as :func:`clip` one by one), clipping exactly only by the forms
    that floats cannot prove >= 0 on it; ``near`` (a float point, optional) says which forms to clip
    by first: the eight nearest to it, which usually leaves a polygon most forms do not cut.

    Each form and each vertex ``(d, X, Y)`` is rounded to floats and scaled by its largest entry
    (relative error at most 2u per entry, u = 2^-53; entries at most 1); a form is proved >= 0 at a
    vertex when the float value of their 3-term product exceeds ``1e-14`` times the sum of the
    products' magnitudes plus 1e-290 (for underflow), far above the rounding error of inputs and
    sum (below 8u times that sum plus a few 2^-1074). A form
    >= 0 at every vertex of a polygon is >= 0 on every polygon inside it, so the proof made on the
    polygon clipped by the nearest forms holds for the final one."""
    if not forms:
        return poly
    try:
        F = np.array(forms, dtype=float)
        F /= np.abs(F).max(axis=1, keepdims=True)
    except OverflowError:  # beyond the float range: scaled in integers first
        F = np.array([[v / max(map(abs, f)) for v in f] for f in forms])
    first: list[int] = []
    if near is not None and np.all(np.isfinite(near)):
        with np.errstate(all="ignore"):
            distance = (F[:, 0] + F[:, 1:] @ np.asarray(near, float)) / np.abs(F[:, 1:]).sum(axis=1)
        first = sorted(np.argsort(distance, kind="stable")[:8].tolist())
        for k in first:
            clipped = clip(poly, forms[k])
            if clipped is None:
                return None
            poly = clipped
    V = np.array([[v / max(map(abs, x)) for v in x] for x in poly.vertices])
    with np.errstate(all="ignore"):
        values = F @ V.T
        proved = values > 1e-14 * (np.abs(F) @ np.abs(V).T) + 1e-290
    done = proved.all(axis=1)
    done[first] = True
    for k in np.flatnonzero(~done).tolist():
        clipped = clip(poly, forms[k])
        if clipped is None:
            return None
        poly = clipped
    return poly


def clip(poly: Polygon, form: AffineForm) -> Polygon | None:
    """``poly ∩ {form >= 0}``, or None when that part has no interior."""
    values = [value_times_denominator(form, v) for v in poly.vertices]
    if all(h >= 0 for h in values):
        return poly
    if all(h <= 0 for h in values):
        return None
    k = len(values)
    vertices, edges = [], []
    for i in range(k):
        j = (i + 1) % k
        hi, hj, edge = values[i], values[j], poly.edges[i]
        if hi > 0:
            vertices.append(poly.vertices[i])
            edges.append(edge)
            if hj < 0:
                vertices.append(_between(poly.vertices[i], poly.vertices[j], hi, hj))
                edges.append(form)
        elif hi == 0:
            vertices.append(poly.vertices[i])
            edges.append(form if hj < 0 else edge)
        elif hj > 0:
            vertices.append(_between(poly.vertices[j], poly.vertices[i], hj, hi))
            edges.append(edge)
    return Polygon(tuple(vertices), tuple(edges))


def split(poly: Polygon, pieces: Sequence[Sequence[AffineForm]]) -> list[tuple[int, Polygon]]:
    """The candidate pieces (each ``{forms >= 0}``) that meet the polygon in an open set, clipped."""
    return clipped_pieces(poly, pieces, clip)

def interior_point(poly: Polygon) -> HomogeneousPoint:
    """A point strictly inside: the sum of the generators as homogeneous vectors (a positive
    combination of every extreme ray of the cone over the polygon, so interior; d > 0 because at
    least one generator is a point)."""
    total = [sum(v[k] for v in poly.vertices) for k in range(3)]
    return primitive_ints(total)


def is_bounded(poly: Polygon) -> bool:
    """True when every generator is a point (none is a direction at infinity)."""
    return all(v[0] > 0 for v in poly.vertices)


def quadrant(first: AffineForm, second: AffineForm) -> Polygon:
    """The pointed cone ``{first >= 0, second >= 0}`` of two non-parallel lines, as a polygon with
    generators at infinity: the apex, the direction along ``first`` into ``second >= 0``, and the
    direction along ``second`` into ``first >= 0``; its third edge is the line at infinity."""
    apex = primitive_ints([first[1] * second[2] - first[2] * second[1], first[2] * second[0] - first[0] * second[2],
                           first[0] * second[1] - first[1] * second[0]])
    if apex[0] < 0:
        apex = negate(apex)
    along_first: Vertex = (0, -first[2], first[1])
    if value_times_denominator(second, along_first) < 0:
        along_first = negate(along_first)
    along_second: Vertex = (0, -second[2], second[1])
    if value_times_denominator(first, along_second) < 0:
        along_second = negate(along_second)
    return Polygon((apex, primitive_ints(along_first), primitive_ints(along_second)), (first, AT_INFINITY, second))


AT_INFINITY: AffineForm = (1, 0, 0)  # the form t >= 0 of homogeneous coordinates: the line at infinity


def sides(poly: Polygon, forms: Sequence[AffineForm]) -> list[int]:
    """For each form: +1 when it is >= 0 on the polygon, -1 when <= 0, 0 when it takes both signs."""
    return sides_on_hull(forms, poly.vertices)


def area(poly: Polygon) -> Fraction:
    """The exact area of a bounded polygon (shoelace formula; either orientation)."""
    vertices = poly.vertices
    twice = sum((Fraction(x0 * y1 - x1 * y0, d0 * d1)
                 for (d0, x0, y0), (d1, x1, y1) in zip(vertices, vertices[1:] + vertices[:1])), Fraction(0))
    return abs(twice) / 2


def edge_span(poly: Polygon, line: AffineForm) -> tuple[Fraction, Fraction] | None:
    """The polygon's edge on ``line`` as an interval of the line's parameter (x, or y for a vertical
    line), or None when no edge lies on it."""
    if line not in poly.edges:
        return None
    axis = 1 if line[2] != 0 else 2
    k = poly.edges.index(line)
    a, b = poly.vertices[k], poly.vertices[(k + 1) % len(poly.vertices)]
    s, t = Fraction(a[axis], a[0]), Fraction(b[axis], b[0])
    return min(s, t), max(s, t)


def point_on_line(line: AffineForm, t: Fraction) -> tuple[Fraction, Fraction]:
    """The point of ``line`` with parameter t (see :func:`edge_span`)."""
    if line[2] != 0:
        return t, -(line[0] + line[1] * t) / line[2]
    return -(line[0] + line[2] * t) / line[1], t


def shared_edge_point(poly: Polygon, other: Polygon, form: AffineForm) -> tuple[Fraction, Fraction] | None:
    """The midpoint of the common part of ``poly``'s edge on ``form`` and ``other``'s edge on its
    negation, when that part has positive length (then the point is strictly inside both polygons'
    other edges); else None."""
    mine, theirs = edge_span(poly, form), edge_span(other, negate(form))
    if mine is None or theirs is None:
        return None
    lo, hi = max(mine[0], theirs[0]), min(mine[1], theirs[1])
    return point_on_line(form, (lo + hi) / 2) if lo < hi else None
