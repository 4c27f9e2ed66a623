"""Exact polygons of the regions of a 2-D partition, in boundary order, for drawing and export.

A region of a 2-D domain is a convex polygon in the domain's parameter coordinates. On an unbounded
domain it may be unbounded, and it is cut to a *window* (an exact rational box): by default the
bounding box of every region's interior point and vertices, enlarged by a quarter of its larger
side, so that every region meets it and every bounded region lies inside it whole. Vertices are
exact rationals; their order is found from the edges (pairs of vertices on one facet), never from
floating-point angles. :mod:`analyzer.plot` draws these polygons, :mod:`analyzer.geojson` exports them.
"""
from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from analyzer.domain import Domain
from analyzer.errors import ShapeError
from analyzer.regions import Region, RegionSet
from geometry.exact import AffineForm
from geometry.polyhedron import box as box_polyhedron, generators, intersect, is_full_dimensional

Point2 = tuple[Fraction, ...]  # (x, y)
Window = tuple[tuple[Fraction, Fraction], ...]  # ((x_lo, x_hi), (y_lo, y_hi))


def window_of(regionsets: Sequence[RegionSet], domain: Domain | None = None) -> Window | None:
    """The window (exact rationals) for an unbounded domain, None for a bounded one.

    The bounding box of the regions' interior points and vertices (over all the region sets given),
    enlarged by a quarter of its larger side (at least 1 when the box is a point). Without
    ``domain``, the region sets say whether their domain is bounded."""
    bounded = domain.bounded if domain is not None else all(rs.domain_bounded for rs in regionsets)
    if bounded:
        return None
    dim = domain.dim if domain is not None else 2
    points: list[tuple[Fraction, ...]] = []
    for rs in regionsets:
        for region in rs.regions:
            points.append(region.point)
            points.extend(region.vertices())
    if not points:
        points = [(Fraction(0),) * dim]
    lo = [min(p[i] for p in points) for i in range(dim)]
    hi = [max(p[i] for p in points) for i in range(dim)]
    side = max(b - a for a, b in zip(lo, hi))
    pad = side / 4 if side > 0 else Fraction(1)
    return tuple((a - pad, b + pad) for a, b in zip(lo, hi))


def window_forms(window: Window | None) -> tuple[AffineForm, ...]:
    """The window's four sides as forms ``>= 0`` (none for no window)."""
    if window is None:
        return ()
    return box_polyhedron([w[0] for w in window], [w[1] for w in window]).forms


def exact_value(form: AffineForm, point: Sequence[Fraction]) -> Fraction:
    """``b + a . x`` at a rational point."""
    return sum((a * x for a, x in zip(form[1:], point)), Fraction(form[0]))


def clipped_polygon(region: Region, window: Window | None) -> tuple[list[Point2], list[tuple[Point2, Point2]]]:
    """The region (cut to the window, if any) as its exact vertices in boundary order, and its edges.

    Two vertices span an edge when a form of the clipped region vanishes at both (a form vanishing at
    two vertices of a convex polygon is positive elsewhere on it, so its line carries that edge); the
    vertex order is the walk around this edge cycle, so no floating-point angle is involved."""
    P = intersect(region.polyhedron, window_forms(window))
    gens = generators(P)
    if gens.rays or gens.lines:
        raise ShapeError("an unbounded region needs a window to be a polygon")
    vertices = list(gens.vertices)
    edges: list[tuple[Point2, Point2]] = []
    neighbours: dict[Point2, list[Point2]] = {v: [] for v in vertices}
    seen = set()
    for form in P.forms:
        tight = [v for v in vertices if exact_value(form, v) == 0]
        if len(tight) == 2:
            key = frozenset(tight)
            if key in seen:
                continue
            seen.add(key)
            a, b = tight
            edges.append((a, b))
            neighbours[a].append(b)
            neighbours[b].append(a)
    if len(vertices) < 3 or any(len(n) != 2 for n in neighbours.values()):
        raise ShapeError(f"region {region.pattern} is not a polygon with {len(vertices)} vertices in the window")
    ordered = [vertices[0]]
    previous, current = None, vertices[0]
    while True:
        a, b = neighbours[current]
        following = b if a == previous else a
        if following == ordered[0]:
            break
        ordered.append(following)
        previous, current = current, following
    return ordered, edges


def clipped_or_none(region: Region, window: Window | None) -> list[Point2] | None:
    """The clipped polygon's vertices, or None when the region misses the window's interior."""
    if window is not None:
        inside = all(lo < x < hi for x, (lo, hi) in zip(region.point, window))
        if not inside and not is_full_dimensional(intersect(region.polyhedron, window_forms(window))):
            return None
    return clipped_polygon(region, window)[0]
