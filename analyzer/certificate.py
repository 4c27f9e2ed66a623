"""Certificates of a region count, for checking by :mod:`analyzer.verifier` without trusting the engine.

A certificate (JSON, rationals as "p/q" strings) holds the network with exact weights, the domain, and
for each activation region: its pattern, an exact interior point, its irredundant H-representation
(each row tagged with the unit or domain facet it comes from), the exact affine output map, its exact
volume (inside the domain, or inside a box that contains every region's vertices when the domain is
unbounded), for each facet from a unit a region across it with a point in the relative interior of
their common face, and a proof that every other constraint of its pattern holds on the region:

- a bounded interval or polygon lists its ``vertices`` (an interval: its two ends, low first; a
  polygon: counterclockwise, facet row i on the edge from vertex i to vertex i + 1); every constraint
  is >= 0 on the region iff it is >= 0 at every vertex;
- any other region lists an *implication* per other constraint (nonnegative multipliers over the
  facet rows, stored sparsely as {row index: value}, reproducing the constraint exactly).

Together these say: each listed polyhedron is exactly the closure of its pattern's region; distinct
patterns have disjoint interiors; and the volumes add up to the domain's (or the box's), so no region
is missing (within the box, for unbounded domains). See the verifier for the checks.
"""
from __future__ import annotations

import json
from bisect import bisect_right
from collections import defaultdict
from fractions import Fraction
from pathlib import Path

from analyzer.domain import Domain
from analyzer.maps import embedding, next_map, pattern_constraints, unit_pieces
from analyzer.loaders import to_json_dict
from analyzer.network import Network, unit_groups
from analyzer.regions import RegionSet
from geometry import interval, planar
from geometry.errors import CertificateError
from geometry.exact import AffineForm, negate
from geometry.interval import Interval
from geometry.planar import Polygon
from geometry.lp import implication_certificate
from geometry.polyhedron import box, facet_witness, from_forms, generators, is_facet, volume

FORMAT = "regionscope-certificate/2"


def _strs(values) -> list[str]:
    """Exact numbers as strings: "p/q", or "p" for integers."""
    return [str(v) for v in values]


def build_certificate(net: Network, domain: Domain, regions: RegionSet) -> dict:
    """The certificate of an enumeration (see the module docstring)."""
    dim = domain.dim
    bounded = domain.bounded
    box_forms: tuple[AffineForm, ...] = ()
    if not bounded:
        box_forms = _enclosing_box(regions, dim)
    holders: dict[AffineForm, list[int]] = defaultdict(list)
    for i, region in enumerate(regions.regions):
        for f in region.forms:
            holders[f].append(i)
    domain_forms = list(domain.region.forms)
    entries, memo = [], {}
    edges = _Edges(regions)
    sources = _Sources(net, domain)
    for i, region in enumerate(regions.regions):
        cyclic = _cyclic(region.shape)
        if cyclic is not None:
            facets, vertices = cyclic
            proof = {"vertices": [_strs(v) for v in vertices]}
        else:
            facets = [f for f in region.forms if is_facet(region.forms, f, dim)]
            constraints = pattern_constraints(net, domain, region.pattern, memo)
            proof = {"implied": _implied(region, facets, domain_forms, constraints, dim)}
        source_of = sources.of(region.pattern, facets)
        rows = [{"row": _strs(f), "source": source_of[f]} for f in facets]
        neighbours = []
        for k, f in enumerate(facets):
            if "domain" not in source_of[f]:
                found = _neighbour(i, f, edges, holders, regions.regions, dim)
                if found is not None:
                    neighbours.append({"facet": k, "region": found[0], "point": _strs(found[1])})
        size = region.volume() if region.shape is not None else volume(from_forms([*region.forms, *box_forms], dim))
        matrix, offset = region.output_map
        entries.append({
            "pattern": [list(states) for states in region.pattern],
            "point": _strs(region.point),
            "rows": rows,
            **proof,
            "output_map": {"matrix": [_strs(row) for row in matrix], "offset": _strs(offset)},
            "volume": str(size),
            "neighbours": neighbours,
        })
    total = volume(from_forms([*domain_forms, *box_forms], dim))
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
            "volume_box": [_strs(f) for f in box_forms],
            "volume": str(total),
        },
        "counts": {"activation_regions": regions.activation_regions, "per_layer": list(regions.per_layer)},
        "regions": entries,
    }


class _Sources:
    """Where the facets of a pattern's region come from: a domain row, or the first (layer, unit, tag)
    of :func:`analyzer.maps.unit_pieces` giving that form in the pattern's states.

    Layer l's forms depend only on the states of the layers before it; they are indexed (form ->
    [(unit, state, tag)]) once per such prefix, kept along the last pattern's path (regions come
    depth first, so consecutive ones share most of it)."""

    def __init__(self, net: Network, domain: Domain):
        self.layers = net.layers
        self.domain_source: dict[AffineForm, dict] = {}
        for k, f in enumerate(domain.region.forms):
            self.domain_source.setdefault(f, {"domain": k})
        self.root = embedding(domain)
        self.path: list[tuple] = []  # per depth: (prefix, the layer's pre-activation map, its index)

    def of(self, pattern, facets: list[AffineForm]) -> dict[AffineForm, dict]:
        found = {f: self.domain_source[f] for f in facets if f in self.domain_source}
        for depth in range(len(self.layers)):
            if len(found) == len(facets):
                break
            _, index = self._node(pattern, depth)
            states = pattern[depth]
            for f in facets:
                if f in found:
                    continue
                for u, state, tag in index.get(f, ()):
                    if states[u] == state:
                        found[f] = {"layer": depth + 1, "unit": u, "tag": tag}
                        break
        missing = [f for f in facets if f not in found]
        if missing:
            raise CertificateError(f"facets {missing} of region {pattern} are no constraint of its pattern")
        return found

    def _node(self, pattern, depth: int):
        """The pre-activation map of layer ``depth`` (0-based) under the pattern, and its index."""
        prefix = pattern[:depth]
        if depth < len(self.path) and self.path[depth][0] == prefix:
            return self.path[depth][1:]
        if depth == 0:
            P = self.root
        else:
            before, _ = self._node(pattern, depth - 1)
            layer = self.layers[depth - 1]
            groups = unit_groups(layer)
            states = pattern[depth - 1] if layer.activation.splits else (0,) * len(groups)
            P = next_map(layer, groups, states, before)
        layer = self.layers[depth]
        pre = layer.lifted * P
        scale, *rows = [[int(v) for v in row] for row in pre.tolist()]
        index: dict[AffineForm, list[tuple[int, int, int | None]]] = defaultdict(list)
        for u, group in enumerate(unit_groups(layer)):
            for state, tagged in unit_pieces(layer, [rows[i] for i in group], scale[0]):
                for tag, form in tagged:
                    index[form].append((u, state, tag))
        del self.path[depth:]
        self.path.append((prefix, pre, index))
        return pre, index


class _Edges:
    """The polygons' edges: each one's span along its line (:func:`geometry.planar.edge_span`), and per
    line the edges on it sorted. Regions on one side of a line have disjoint edges there, so the one
    overlapping a given span is found by bisection."""

    def __init__(self, regions: RegionSet):
        self.span: dict[tuple[int, AffineForm], tuple[Fraction, Fraction]] = {}
        by_line: dict[AffineForm, list[tuple[Fraction, Fraction, int]]] = defaultdict(list)
        for j, region in enumerate(regions.regions):
            if isinstance(region.shape, Polygon):
                for line in region.shape.edges:
                    lo, hi = self.span[j, line] = planar.edge_span(region.shape, line)
                    by_line[line].append((hi, lo, j))
        self.on = {line: sorted(items) for line, items in by_line.items()}
        self.ends = {line: [hi for hi, _, _ in items] for line, items in self.on.items()}

    def across(self, i: int, form: AffineForm) -> tuple[int, tuple[Fraction, Fraction]] | None:
        """A region whose edge on the other side of ``form`` overlaps region i's edge there, and a
        point inside the overlap; None when there is none."""
        lo, hi = self.span[i, form]
        line = negate(form)
        ends = self.ends.get(line, [])
        k = bisect_right(ends, lo)  # the first edge on the other side ending beyond our start
        if k == len(ends):
            return None
        end, start, j = self.on[line][k]
        start, end = max(lo, start), min(hi, end)
        return (j, planar.point_on_line(form, _dyadic_between(start, end))) if start < end else None


def _dyadic_between(lo: Fraction, hi: Fraction) -> Fraction:
    """A short rational strictly between lo < hi: (floor(lo 2^k) + 1) / 2^k, which lies in
    (lo, lo + 2^-k], with k the least the bit lengths of hi - lo show to give 2^-k < hi - lo."""
    gap = hi - lo
    k = max(gap.denominator.bit_length() - gap.numerator.bit_length() + 2, 0)
    return Fraction((lo.numerator << k) // lo.denominator + 1, 1 << k)


def _neighbour(i: int, form: AffineForm, edges: _Edges, holders, regions, dim: int):
    """A region across region i's facet on ``form`` and a point in the relative interior of their
    common face, or None."""
    region = regions[i]
    if isinstance(region.shape, Polygon):
        found = edges.across(i, form)
        if found is not None:
            return found
    for j in holders.get(negate(form), ()):
        point = _facet_witness(region, regions[j], form, dim)
        if point is not None:
            return j, point
    return None


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


def _implied(region, facets: list[AffineForm], domain_forms, constraints, dim: int) -> list[dict]:
    """For every domain row and constraint that is not a facet: multipliers (a constant and one per
    facet, from an LP) proving it is >= 0 on the region."""
    others = [({"domain": k}, f) for k, f in enumerate(domain_forms)]
    others += [({"layer": layer, "unit": unit, "tag": tag}, f) for (layer, unit, tag), f in constraints]
    implied = []
    for source, g in others:
        if g in facets:
            continue
        found = implication_certificate(facets, g, dim)
        if found is None:
            raise CertificateError(f"constraint {g} is negative somewhere on region {region.pattern}")
        constant, multipliers = found
        implied.append({"source": source, "constant": str(constant),
                        "multipliers": {str(k): str(m) for k, m in enumerate(multipliers) if m}})
    return implied


def _enclosing_box(regions: RegionSet, dim: int) -> tuple[AffineForm, ...]:
    """A cube strictly containing every vertex of every region (so every pointed region meets it)."""
    reach = Fraction(1)
    for region in regions.regions:
        for vertex in generators(region.polyhedron).vertices:
            reach = max(reach, *(abs(v) + 1 for v in vertex))
        reach = max(reach, *(abs(v) + 1 for v in region.point))
    return box([-reach] * dim, [reach] * dim).forms


def write_certificate(net: Network, domain: Domain, regions: RegionSet, path: str | Path) -> None:
    Path(path).write_text(json.dumps(build_certificate(net, domain, regions)) + "\n")
