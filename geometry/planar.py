"""Exact convex polygons and their splitting: the 2-D fast path.

A :class:`Polygon` is a bounded full-dimensional convex polygon given by its vertices in
counter-clockwise order, in homogeneous integer coordinates ``(d, X, Y)`` with ``d > 0`` (the point
``(X/d, Y/d)``), and by its edges: ``edges[i]`` is the primitive integer form ``(b, a, c)``
(value ``b + a x + c y``, nonnegative on the polygon) of the line through ``vertices[i]`` and
``vertices[i+1]``. Every new vertex is the cross product of two such lines, so coordinates never
grow with the number of cuts (no rationals, no gcd chains), and every predicate is an exact integer
sign. The edges are exactly the polygon's facets: the H-representation is irredundant for free.
"""
from __future__ import annotations

import math
from fractions import Fraction
from collections.abc import Sequence
from dataclasses import dataclass


from geometry.exact import (AffineForm, HomogeneousPoint, affine_form, homogeneous, negate, sides_on_hull,
                            value_times_denominator)
from geometry.partition import clipped_pieces
from geometry.polyhedron import HPolyhedron, bounded_vertices

Vertex = tuple[int, int, int]


@dataclass(frozen=True)
class Polygon:
    vertices: tuple[Vertex, ...]
    edges: tuple[AffineForm, ...]


def meet(line: AffineForm, other: AffineForm) -> Vertex:
    """The intersection of two non-parallel lines: their cross product, scaled so that d > 0."""
    b1, a1, c1 = line
    b2, a2, c2 = other
    d, x, y = a1 * c2 - c1 * a2, c1 * b2 - b1 * c2, b1 * a2 - a1 * b2
    g = math.gcd(d, x, y)
    if d < 0:
        g = -g
    return d // g, x // g, y // g


def polygon(P: HPolyhedron) -> Polygon:
    """The polygon of a bounded full-dimensional polyhedron in R^2: its bounding box (from the exact
    vertices of ``cdd.gmp``) clipped by each of its forms."""
    vertices = bounded_vertices(P, 2, "a polygon")
    (x0, x1), (y0, y1) = [(min(v[k] for v in vertices), max(v[k] for v in vertices)) for k in (0, 1)]
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    sides = [affine_form(-y0, (0, 1)), affine_form(x1, (-1, 0)), affine_form(y1, (0, -1)), affine_form(-x0, (1, 0))]
    result: Polygon | None = Polygon(tuple(homogeneous(c) for c in corners), tuple(sides))
    for f in P.forms:
        result = clip(result, f)
    return result


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
                vertices.append(meet(edge, form))
                edges.append(form)
        elif hi == 0:
            vertices.append(poly.vertices[i])
            edges.append(form if hj < 0 else edge)
        elif hj > 0:
            vertices.append(meet(edge, form))
            edges.append(edge)
    return Polygon(tuple(vertices), tuple(edges))


def split(poly: Polygon, pieces: Sequence[Sequence[AffineForm]]) -> list[tuple[int, Polygon]]:
    """The candidate pieces (each ``{forms >= 0}``) that meet the polygon in an open set, clipped."""
    return clipped_pieces(poly, pieces, clip)

def interior_point(poly: Polygon) -> HomogeneousPoint:
    """The average of the vertices, strictly inside (homogeneous integer coordinates)."""
    common = math.lcm(*(v[0] for v in poly.vertices))
    k = len(poly.vertices)
    X = sum(v[1] * (common // v[0]) for v in poly.vertices)
    Y = sum(v[2] * (common // v[0]) for v in poly.vertices)
    g = math.gcd(common * k, X, Y)
    return common * k // g, X // g, Y // g


def sides(poly: Polygon, forms: Sequence[AffineForm]) -> list[int]:
    """For each form: +1 when it is >= 0 on the polygon, -1 when <= 0, 0 when it takes both signs."""
    return sides_on_hull(forms, poly.vertices)


def area(poly: Polygon) -> Fraction:
    """The exact area (shoelace formula over the counter-clockwise vertices)."""
    points = [(Fraction(x, d), Fraction(y, d)) for d, x, y in poly.vertices]
    twice = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]))
    return twice / 2


def implication(poly: Polygon, form: AffineForm) -> tuple[Fraction, dict[int, Fraction]] | None:
    """``(l0, {edge index: l})`` with ``form = l0 + sum l_i edges_i`` identically and every l >= 0,
    proving ``form >= 0`` on the polygon; None when the form is negative somewhere on it.

    The minimum of the form is at a vertex v; there the form's normal lies in the cone of the two
    edges' normals (first-order optimality), so two nonnegative multipliers exist and ``l0 = f(v)``."""
    values = [value_times_denominator(form, v) for v in poly.vertices]  # f(v) * d, compared by cross-multiplication
    i = 0
    for k in range(1, len(values)):
        if values[k] * poly.vertices[i][0] < values[i] * poly.vertices[k][0]:
            i = k
    if values[i] < 0:
        return None
    before, after = (i - 1) % len(poly.edges), i
    (_, a1, c1), (_, a2, c2) = poly.edges[before], poly.edges[after]
    det = a1 * c2 - a2 * c1
    l1 = Fraction(form[1] * c2 - a2 * form[2], det)
    l2 = Fraction(a1 * form[2] - form[1] * c1, det)
    return Fraction(values[i], poly.vertices[i][0]), {before: l1, after: l2}


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
