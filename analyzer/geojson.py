"""GeoJSON and shapely export of a 2-D partition: regions and linear regions as polygons.

This is a float export for drawing and for geometry tools (GIS software, shapely, web maps); the
counts and the regions themselves stay exact. Conventions:

* Coordinates are the domain's parameter coordinates: the input coordinates for a box, polytope or
  all of R^2 of a 2-input network, ``(u, v)`` for a slice (see :mod:`analyzer.domain`).
* Geometry coordinates are floats, the nearest double of each exact vertex. Every feature also
  carries the exact data in its properties, rationals as ``"p/q"`` strings: the vertices, the
  interior point, and for a linear region its affine output map.
* One feature per activation region: a Polygon whose exterior ring runs counter-clockwise and is
  closed (first position repeated last), as RFC 7946 asks. On an unbounded domain a region is cut
  to the window of :func:`analyzer.polygons.window_of` (or the one given); ``clipped`` says when
  that cut a region, and the collection records the window.
* One feature per linear region (``linear=True``): the union of its activation regions' polygons,
  computed by shapely (GEOS, in floats) with ``shapely.union_all``: a Polygon when the float
  polygons fit together, which they do edge for edge since neighbours share their exact vertices.
  ``regions`` lists the activation regions it joins (indices into the region set), exactly.

shapely is imported only by the functions that need it (:func:`to_shapely` and the linear
regions).
"""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

from analyzer.errors import ShapeError
from analyzer.polygons import Point2, Window, clipped_or_none, window_of
from analyzer.regions import RegionSet


def region_rings(regions: RegionSet, window: Window | None = None) -> list[list[Point2] | None]:
    """Each activation region's exact vertices, counter-clockwise, not closed, cut to ``window``
    (by default :func:`analyzer.polygons.window_of` on an unbounded domain, none on a bounded one);
    None for a region that misses a window given here."""
    _require_planar(regions)
    window = window if window is not None else window_of([regions])
    rings: list[list[Point2] | None] = []
    for region in regions.regions:
        ring = clipped_or_none(region, window)
        rings.append(ring if ring is None or _twice_signed_area(ring) > 0 else ring[::-1])
    return rings


def to_geojson(regions: RegionSet, *, linear: bool = False, window: Window | None = None) -> dict:
    """A GeoJSON FeatureCollection of the activation regions, or of the linear regions with
    ``linear=True`` (see the module docstring for the properties).

    >>> from analyzer.domain import box
    >>> from analyzer.enumerate import enumerate_regions
    >>> from analyzer.network import layer, network
    >>> net = network([layer([[1, 0], [0, 1]], [0, 0], "relu"), layer([[1, 0]], [0], "identity")])
    >>> quadrants = enumerate_regions(net, box([-1, -1], [1, 1]))
    >>> first = to_geojson(quadrants)["features"][0]
    >>> first["properties"]["pattern"], sorted(first["properties"]["vertices"])
    ([[0, 0], []], [['-1', '-1'], ['-1', '0'], ['0', '-1'], ['0', '0']])
    >>> [feature["properties"]["regions"] for feature in to_geojson(quadrants, linear=True)["features"]]
    [[0, 1], [2, 3]]
    """
    window = window if window is not None else window_of([regions])
    rings = region_rings(regions, window)
    if linear:
        features = _linear_features(regions, rings)
    else:
        labels = regions.linear_region_labels
        features = [_feature(_polygon(ring), {
            "region": i,
            "pattern": [list(states) for states in region.pattern],
            "linear_region": labels[i],
            "point": _strs(region.point),
            "vertices": [_strs(v) for v in ring],
            "bounded": region.is_bounded(),
            "clipped": window is not None and set(ring) != set(region.vertices()),
        }) for i, (region, ring) in enumerate(zip(regions.regions, rings)) if ring is not None]
    return {
        "type": "FeatureCollection",
        "features": features,
        "activation_regions": regions.activation_regions,
        "linear_regions": regions.linear_regions,
        "status": regions.status.value,
        "window": None if window is None else [_strs(side) for side in window],
    }


def to_shapely(regions: RegionSet, *, linear: bool = False, window: Window | None = None) -> list:
    """shapely Polygons of the activation regions (in the region set's order), or with
    ``linear=True`` the unions of the linear regions (by label)."""
    import shapely.geometry

    collection = to_geojson(regions, linear=linear, window=window)
    return [shapely.geometry.shape(feature["geometry"]) for feature in collection["features"]]


def write_geojson(regions: RegionSet, path: str | Path, *, linear: bool = False, window: Window | None = None) -> Path:
    """Write :func:`to_geojson` to ``path`` (parent folders are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_geojson(regions, linear=linear, window=window)) + "\n")
    return path


def _linear_features(regions: RegionSet, rings: list[list[Point2] | None]) -> list[dict]:
    import shapely

    members: dict[int, list[int]] = {}
    polygons = {}
    for i, (label, ring) in enumerate(zip(regions.linear_region_labels, rings)):
        if ring is not None:
            members.setdefault(label, []).append(i)
            polygons[i] = shapely.Polygon(_floats(ring))
    features = []
    for label, indices in sorted(members.items()):
        union = shapely.union_all([polygons[i] for i in indices])
        matrix, offset = regions.regions[indices[0]].output_map
        features.append(_feature(json.loads(shapely.to_geojson(_counter_clockwise(union))), {
            "linear_region": label,
            "regions": indices,
            "output_map": {"matrix": [_strs(row) for row in matrix], "offset": _strs(offset)},
        }))
    return features


def _counter_clockwise(geometry):
    """Exterior rings counter-clockwise, holes clockwise (RFC 7946), for a Polygon or MultiPolygon."""
    import shapely
    from shapely.geometry.polygon import orient

    if geometry.geom_type == "MultiPolygon":
        return shapely.MultiPolygon([orient(part) for part in geometry.geoms])
    return orient(geometry)


def _require_planar(regions: RegionSet) -> None:
    dims = {r.dim for r in regions.regions}
    if dims - {2}:
        raise ShapeError(f"a GeoJSON export needs the regions of a 2-D domain, these are {sorted(dims)}-dimensional")


def _twice_signed_area(ring: list[Point2]) -> Fraction:
    return sum((x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])), Fraction(0))


def _floats(ring: list[Point2]) -> list[list[float]]:
    return [[float(x), float(y)] for x, y in ring]


def _polygon(ring: list[Point2]) -> dict:
    coordinates = _floats(ring)
    return {"type": "Polygon", "coordinates": [coordinates + coordinates[:1]]}


def _feature(geometry: dict, properties: dict) -> dict:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _strs(values) -> list[str]:
    return [str(v) for v in values]
