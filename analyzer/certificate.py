"""Certificates of a region count, for checking by :mod:`analyzer.verifier` without trusting the engine.

A certificate (JSON, rationals as "p/q" strings; the format is described in ``docs/certificate.md``
and ``docs/certificate.schema.json``) holds the network with exact weights, the domain (its
description and its rows), the counts it claims (activation regions, per layer, linear and bounded
regions), and for each activation region: its pattern, an exact interior point, its irredundant
H-representation (each row tagged with the unit or domain facet it comes from), the exact affine
output map, its exact volume when it is bounded (null otherwise), *every* region across each facet
from a unit with a point in the relative interior of their common face, and a proof that every other
constraint of its pattern holds on the region:

- a bounded interval or polygon lists its ``vertices`` (an interval: its two ends, low first; a
  polygon: counterclockwise, facet row i on the edge from vertex i to vertex i + 1); every constraint
  is >= 0 on the region iff it is >= 0 at every vertex;
- any other region lists an *implication* per other constraint (nonnegative multipliers over the
  facet rows, stored sparsely as {row index: value}, reproducing the constraint exactly).

Together these say: each listed polyhedron is exactly the closure of its pattern's region; distinct
patterns have disjoint interiors; and each facet inside the domain is covered by the regions listed
across it, which proves that no region is missing, on bounded and unbounded domains (on bounded ones
the volumes add up to the domain's too). See the verifier for the checks and the argument.
"""
from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from analyzer.domain import Domain
from analyzer.loaders import to_json_dict
from analyzer.maps import pattern_constraints
from analyzer.network import Network
from analyzer.regions import RegionSet
from geometry import interval, planar
from geometry.errors import CertificateError
from geometry.exact import AffineForm, negate, value_times_denominator
from geometry.interval import Interval
from geometry.planar import Polygon
from geometry.lp import implication_certificate
from geometry.polyhedron import Description, describe, facet_witness, implication_at_vertices, polytope_volume, volume

FORMAT = "regionscope-certificate/3"


def _strs(values) -> list[str]:
    """Exact numbers as strings: "p/q", or "p" for integers."""
    return [str(v) for v in values]


def build_certificate(net: Network, domain: Domain, regions: RegionSet) -> dict:
    """The certificate of an enumeration (see the module docstring)."""
    dim = domain.dim
    bounded = domain.bounded
    solids = _Solids(regions)
    cycles = [_cyclic(region.shape) for region in regions.regions]
    holders: dict[AffineForm, list[int]] = defaultdict(list)  # facet -> the regions it bounds
    for i, cyclic in enumerate(cycles):
        for f in (cyclic[0] if cyclic is not None else solids.of(i).facets):
            holders[f].append(i)
    domain_forms = list(domain.region.forms)
    domain_source: dict[AffineForm, dict] = {}
    for k, f in enumerate(domain_forms):
        domain_source.setdefault(f, {"domain": k})
    entries = []
    memo = _pull_back_memo(net, domain, regions)
    edges, faces = _Edges(regions), _Faces(solids)
    for i, (region, cyclic) in enumerate(zip(regions.regions, cycles)):
        constraints = pattern_constraints(net, domain, region.pattern, memo)
        proof: dict[str, list]
        size: Fraction | None
        if cyclic is not None:
            facets, vertices = cyclic
            proof = {"vertices": [_strs(v) for v in vertices]}
            size = region.volume()
        else:
            solid = solids.of(i)
            facets, found = list(solid.facets), solid.generators
            proof = {"implied": _implied(region, solid, domain_forms, constraints, dim)}
            size = polytope_volume(solid.points, solid.tight, dim) if not found.rays and not found.lines else None
        source_of = _sources(region, facets, domain_source, constraints)
        rows = [{"row": _strs(f), "source": source_of[f]} for f in facets]
        neighbours = [{"facet": k, "region": j, "point": _strs(point)}
                      for k, f in enumerate(facets) if "domain" not in source_of[f]
                      for j, point in _neighbours(i, f, edges, holders, regions.regions, dim, faces)]
        matrix, offset = region.output_map
        entries.append({
            "pattern": [list(states) for states in region.pattern],
            "point": _strs(region.point),
            "rows": rows,
            **proof,
            "output_map": {"matrix": [_strs(row) for row in matrix], "offset": _strs(offset)},
            "volume": None if size is None else str(size),
            "neighbours": neighbours,
        })
    total = volume(domain.region) if bounded else None
    return {
        "format": FORMAT,
        "network": to_json_dict(net),
        "domain": {
            "description": domain.description,
            "dim": dim,
            "rows": [_strs(f) for f in domain_forms],
            "origin": None if domain.origin is None else _strs(domain.origin),
            "basis": None if domain.basis is None else [_strs(b) for b in domain.basis],
            "bounded": bounded,
            "volume": None if total is None else str(total),
        },
        "counts": {"activation_regions": regions.activation_regions, "per_layer": list(regions.per_layer),
                   "linear_regions": regions.linear_regions, "bounded_regions": regions.bounded_regions},
        "regions": entries,
    }


def _pull_back_memo(net: Network, domain: Domain, regions: RegionSet) -> dict:
    """:func:`analyzer.maps.pull_back`'s per-layer cache, shared across the regions: the one their
    exact data were built with when they are the float path's leaves of this very network and
    domain (so no prefix is pulled back twice), else a new one."""
    store = getattr(regions.regions, "store", None)
    if store is not None and store.network is net and store.domain is domain:
        return store.memo
    return {}


def _sources(region, facets: list[AffineForm], domain_source: dict, constraints) -> dict[AffineForm, dict]:
    """Where each facet comes from: a domain row, or the first (layer, unit, tag) of the pattern's
    constraints (:func:`analyzer.maps.pull_back`) that is that form."""
    found = {f: domain_source[f] for f in facets if f in domain_source}
    wanted = set(facets) - set(found)
    for (layer, unit, tag), f in constraints:
        if f in wanted:
            found[f] = {"layer": layer, "unit": unit, "tag": tag}
            wanted.discard(f)
    if wanted:
        raise CertificateError(f"facets {sorted(wanted)} of region {region.pattern} are no constraint of its pattern")
    return found


class _Solids:
    """Each region's facets and exact generators (:func:`geometry.polyhedron.describe`), made when
    first asked."""

    def __init__(self, regions: RegionSet):
        self.regions = regions.regions
        self.made: dict[int, Description] = {}

    def of(self, i: int) -> Description:
        if i not in self.made:
            self.made[i] = describe(self.regions[i].polyhedron)
        return self.made[i]


class _Edges:
    """The polygons' edges: which regions are polygons, each edge's span along its line
    (:func:`geometry.planar.edge_span`), and per line the edges on it sorted. Regions on one side of a
    line have disjoint edges there, so the ones overlapping a given span are found by bisection."""

    def __init__(self, regions: RegionSet):
        self.span: dict[tuple[int, AffineForm], tuple[Fraction, Fraction]] = {}
        by_line: dict[AffineForm, list[tuple[Fraction, Fraction, int]]] = defaultdict(list)
        self.polygon = [isinstance(region.shape, Polygon) for region in regions.regions]
        for j, region in enumerate(regions.regions):
            shape = region.shape
            if isinstance(shape, Polygon):
                for line in shape.edges:
                    span = planar.edge_span(shape, line)
                    assert span is not None  # line is one of the polygon's edges
                    lo, hi = self.span[j, line] = span
                    by_line[line].append((hi, lo, j))
        self.on = {line: sorted(items) for line, items in by_line.items()}
        self.ends = {line: [hi for hi, _, _ in items] for line, items in self.on.items()}

    def across(self, i: int, form: AffineForm) -> list[tuple[int, tuple[Fraction, Fraction]]]:
        """Every region whose edge on the other side of ``form`` overlaps region i's edge there, each
        with a point inside the overlap."""
        lo, hi = self.span[i, form]
        line = negate(form)
        ends, found = self.ends.get(line, []), []
        for end, start, j in self.on.get(line, [])[bisect_right(ends, lo):]:  # edges ending beyond our start
            if start >= hi:
                break
            found.append((j, planar.point_on_line(form, _dyadic_between(max(lo, start), min(hi, end)))))
        return found


def _dyadic_between(lo: Fraction, hi: Fraction) -> Fraction:
    """A short rational strictly between lo < hi: (floor(lo 2^k) + 1) / 2^k, which lies in
    (lo, lo + 2^-k], with k the least the bit lengths of hi - lo show to give 2^-k < hi - lo."""
    gap = hi - lo
    k = max(gap.denominator.bit_length() - gap.numerator.bit_length() + 2, 0)
    return Fraction((lo.numerator << k) // lo.denominator + 1, 1 << k)


def _neighbours(i: int, form: AffineForm, edges: _Edges, holders, regions, dim: int, faces: _Faces) -> list:
    """Every region across region i's facet on ``form``, each with a point in the relative interior of
    their common face: polygons' edges from ``edges``; a region whose facet has the same vertices and
    rays (then it is the only one, and the point is read off them); else a witness from each region
    whose facet's bounding box meets region i's."""
    region = regions[i]
    if edges.polygon[i]:  # every polygon across is found by its edge
        found = edges.across(i, form)
        candidates = [j for j in holders.get(negate(form), ()) if not edges.polygon[j]]
    else:
        found, candidates = [], list(holders.get(negate(form), ()))
    if not candidates:
        return found
    mine = faces.face(i, form)
    if mine is not None and mine[2] is not None:
        for j in candidates:
            if faces.face(j, negate(form)) == mine:  # the same face: all of the facet, and a point inside
                vertices, rays, _ = mine
                inner = [sum(c) / len(vertices) + sum(r[k] for r in rays) for k, c in enumerate(zip(*vertices))]
                return [*found, (j, tuple(inner))]
    for j in candidates:
        if faces.meet(i, j, form):
            point = _facet_witness(region, regions[j], form, dim)
            if point is not None:
                found.append((j, point))
    return found


class _Faces:
    """Each region's face on a form, from the region's exact generators (made when first asked): its
    vertices, its rays and its bounding box (an end is infinite where a ray runs off). A pointed
    region's nonempty faces hold a vertex each, and a face is conv(its vertices) + cone(its rays);
    for a region with lines no face is computed (box unbounded, vertices None)."""

    def __init__(self, solids: _Solids):
        self.solids = solids
        self.faces: dict[tuple[int, AffineForm], tuple | None] = {}

    def face(self, i: int, form: AffineForm):
        """``(vertices, rays, box)`` of region i's face on {form = 0}; None when the face is empty."""
        if (i, form) not in self.faces:
            self.faces[i, form] = self._face(i, form)
        return self.faces[i, form]

    def _face(self, i: int, form: AffineForm):
        solid, inf = self.solids.of(i), float("inf")
        found = solid.generators
        if found.lines:
            return None, None, None
        on = frozenset(v for v, x in zip(found.vertices, solid.points) if value_times_denominator(form, x) == 0)
        if not on:
            return None
        rays = frozenset(r for r in found.rays if sum(a * x for a, x in zip(form[1:], r)) == 0)
        lo, hi = [min(c) for c in zip(*on)], [max(c) for c in zip(*on)]
        for direction in rays:
            lo = [-inf if v < 0 else a for a, v in zip(lo, direction)]
            hi = [inf if v > 0 else b for b, v in zip(hi, direction)]
        return on, rays, (tuple(lo), tuple(hi))

    def meet(self, i: int, j: int, form: AffineForm) -> bool:
        """Whether region i's face on ``form`` and region j's on its negation may share a point:
        both nonempty, and their boxes meet (or one is not computed)."""
        mine, theirs = self.face(i, form), self.face(j, negate(form))
        if mine is None or theirs is None:
            return False
        if mine[2] is None or theirs[2] is None:
            return True
        return all(a <= d and c <= b for a, b, c, d in zip(*mine[2], *theirs[2]))


def _facet_witness(region, other, form: AffineForm, dim: int):
    """A point in the relative interior of the face the two regions share on ``{form = 0}``: read off
    the exact intervals or polygons when the fast path made them, else found by an LP."""
    if isinstance(region.shape, Polygon) and isinstance(other.shape, Polygon):
        return planar.shared_edge_point(region.shape, other.shape, form)
    if isinstance(region.shape, Interval) and isinstance(other.shape, Interval):
        return interval.shared_end_point(region.shape, other.shape, form)
    return facet_witness(region.forms, other.forms, form, dim)


def _cyclic(shape) -> tuple[list[AffineForm], list[tuple[Fraction, ...]]] | None:
    """A bounded interval's or polygon's facets and vertices in the certificate's order: an interval's
    facet i vanishes at end i (low end first); a polygon's vertices run counterclockwise and facet i
    lies on the edge from vertex i to vertex i + 1. None for any other shape."""
    if isinstance(shape, Interval):
        return list(shape.edges), [(Fraction(shape.lo[1], shape.lo[0]),), (Fraction(shape.hi[1], shape.hi[0]),)]
    if not isinstance(shape, Polygon) or not planar.is_bounded(shape):
        return None
    vertices, edges = list(shape.vertices), list(shape.edges)
    if _turn(vertices[-1], vertices[0], vertices[1]) < 0:  # clockwise: run the other way
        vertices.reverse()
        edges = edges[-2::-1] + edges[-1:]
    return edges, [(Fraction(x, d), Fraction(y, d)) for d, x, y in vertices]


def _turn(a, b, c) -> int:
    """The determinant of three homogeneous points (d > 0): positive when a, b, c turn left."""
    return (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
            + a[2] * (b[0] * c[1] - b[1] * c[0]))


def _implied(region, solid: Description, domain_forms, constraints, dim: int) -> list[dict]:
    """For every domain row and constraint that is not a facet: multipliers (a constant and one per
    facet) proving it is >= 0 on the region, read off the region's vertex where it is least
    (:func:`geometry.polyhedron.implication_at_vertices`), else from an LP."""
    facets = list(solid.facets)
    others = [({"domain": k}, f) for k, f in enumerate(domain_forms)]
    others += [({"layer": layer, "unit": unit, "tag": tag}, f) for (layer, unit, tag), f in constraints]
    implied = []
    for source, g in others:
        if g in facets:
            continue
        proof = None if solid.generators.lines else implication_at_vertices(facets, g, solid.points, solid.tight)
        if proof is None:
            proof = implication_certificate(facets, g, dim)
        if proof is None:
            raise CertificateError(f"constraint {g} is negative somewhere on region {region.pattern}")
        constant, multipliers = proof
        implied.append({"source": source, "constant": str(constant),
                        "multipliers": {str(k): str(m) for k, m in enumerate(multipliers) if m}})
    return implied


def write_certificate(net: Network, domain: Domain, regions: RegionSet, path: str | Path) -> None:
    Path(path).write_text(json.dumps(build_certificate(net, domain, regions)) + "\n")
