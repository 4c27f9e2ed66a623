"""analyzer/geojson.py: GeoJSON and shapely polygons of 2-D partitions.

A float export, so areas are compared within rounding (relative 1e-12) with the domain's exact
area, which is known by hand; the interior points are checked exactly against the exact rings of
the properties (strictly left of every counter-clockwise edge) and in floats against the polygons.
"""
from __future__ import annotations

import json
import math
import random
from fractions import Fraction as F

import pytest

shapely = pytest.importorskip("shapely")

import naive  # noqa: E402
from analyzer import cli  # noqa: E402
from analyzer.domain import all_space, box, plane_slice, polytope, segment  # noqa: E402
from analyzer.enumerate import enumerate_regions  # noqa: E402
from analyzer.errors import ShapeError  # noqa: E402
from analyzer.geojson import region_rings, to_geojson, to_shapely, write_geojson  # noqa: E402
from analyzer.loaders import save_json  # noqa: E402
from analyzer.network import layer, network  # noqa: E402

SQUARE = box([-1, -1], [1, 1])
TRIANGLE = polytope([[0, 1, 0], [0, 0, 1], [3, -1, -2]])  # x, y >= 0, x + 2y <= 3: area 9/4
DOMAINS = {"square": (SQUARE, F(4)), "rectangle": (box([-2, "-1/3"], ["3/2", 2]), F(7, 2) * F(7, 3)),
           "triangle": (TRIANGLE, F(9, 4))}
ACTS = [("relu", "relu"), ("hardtanh", "relu"), ("maxout:2", "abs"), ("leaky_relu:1/4", "hardtanh")]


def random_net(seed: int):
    rng = random.Random(900 + seed)
    acts = ACTS[seed % len(ACTS)]
    widths = [8 if a.startswith("maxout") else 4 for a in acts]
    return naive.build(naive.random_spec(rng, 2, widths, list(acts), size=3))


def strictly_inside(point, ring) -> bool:
    """Exactly: the point is strictly left of every edge of a counter-clockwise ring."""
    px, py = point
    return all((x1 - x0) * (py - y0) - (y1 - y0) * (px - x0) > 0
               for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))


def exact(texts):
    return tuple(F(t) for t in texts)


@pytest.mark.parametrize("name", DOMAINS)
@pytest.mark.parametrize("seed", range(4))
def test_region_areas_add_up_to_the_domain(name, seed):
    domain, area = DOMAINS[name]
    regions = enumerate_regions(random_net(seed), domain)
    collection = to_geojson(regions)
    assert len(collection["features"]) == regions.activation_regions == collection["activation_regions"]
    polygons = [shapely.geometry.shape(f["geometry"]) for f in collection["features"]]
    assert all(p.is_valid and p.exterior.is_ccw for p in polygons)
    assert math.isclose(sum(p.area for p in polygons), area, rel_tol=1e-12)
    assert math.isclose(shapely.union_all(polygons).area, area, rel_tol=1e-12)  # no overlaps


@pytest.mark.parametrize("seed", range(4))
def test_every_interior_point_lies_in_its_polygon(seed):
    regions = enumerate_regions(random_net(seed), SQUARE)
    for region, feature in zip(regions.regions, to_geojson(regions)["features"]):
        props = feature["properties"]
        ring = [exact(v) for v in props["vertices"]]
        assert exact(props["point"]) == region.point
        assert strictly_inside(region.point, ring)
        assert set(ring) == set(region.vertices())  # a bounded domain: the whole region, exactly
        polygon = shapely.geometry.shape(feature["geometry"])
        assert polygon.contains(shapely.Point(*map(float, region.point)))
        assert feature["geometry"]["coordinates"][0][0] == feature["geometry"]["coordinates"][0][-1]


@pytest.mark.parametrize("seed", range(4))
def test_linear_regions_are_unions_that_cover_the_domain(seed):
    regions = enumerate_regions(random_net(seed), SQUARE)
    collection = to_geojson(regions, linear=True)
    features = collection["features"]
    assert len(features) == regions.linear_regions
    assert sorted(i for f in features for i in f["properties"]["regions"]) == list(range(regions.activation_regions))
    unions = [shapely.geometry.shape(f["geometry"]) for f in features]
    assert math.isclose(sum(u.area for u in unions), 4, rel_tol=1e-12)
    pieces = to_shapely(regions)
    for feature, union in zip(features, unions):
        members = feature["properties"]["regions"]
        assert math.isclose(union.area, sum(pieces[i].area for i in members), rel_tol=1e-12)
        matrix, offset = regions.regions[members[0]].output_map
        assert feature["properties"]["output_map"] == {"matrix": [[str(v) for v in row] for row in matrix],
                                                       "offset": [str(v) for v in offset]}


def test_two_linear_regions_of_four_quadrants():
    """relu(x), relu(y), output relu(x): x < 0 (output 0) and x > 0 (output x), each a 1 x 2
    rectangle of the square, area 2."""
    net = network([layer([[1, 0], [0, 1]], [0, 0], "relu"), layer([[1, 0]], [0], "identity")])
    unions = to_shapely(enumerate_regions(net, SQUARE), linear=True)
    assert [u.geom_type for u in unions] == ["Polygon", "Polygon"]
    assert [u.area for u in unions] == [2.0, 2.0]
    assert [u.bounds for u in unions] == [(-1.0, -1.0, 0.0, 1.0), (0.0, -1.0, 1.0, 1.0)]
    assert [u.area for u in enumerate_regions(net, SQUARE).to_shapely(linear=True)] == [2.0, 2.0]  # the method


def test_the_whole_plane_is_cut_to_the_window():
    """x = 0, y = 0, x + y = 1 over R^2: 7 regions, one bounded (the triangle (0,0), (1,0), (0,1),
    area 1/2), drawn whole; the six unbounded ones are clipped to the window, and all seven tile it."""
    net = network([layer([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "relu"), layer([[1, 1, 1]], [0], "identity")])
    regions = enumerate_regions(net, all_space(2))
    collection = to_geojson(regions)
    (x0, x1), (y0, y1) = [exact(side) for side in collection["window"]]
    features = collection["features"]
    assert len(features) == 7
    assert [f["properties"]["clipped"] for f in features].count(False) == 1
    (triangle,) = [f for f in features if f["properties"]["bounded"]]
    assert not triangle["properties"]["clipped"]
    assert shapely.geometry.shape(triangle["geometry"]).area == 0.5
    total = sum(shapely.geometry.shape(f["geometry"]).area for f in features)
    assert math.isclose(total, float((x1 - x0) * (y1 - y0)), rel_tol=1e-12)
    for region, feature in zip(regions.regions, features):
        assert strictly_inside(region.point, [exact(v) for v in feature["properties"]["vertices"]])


def test_a_smaller_window_leaves_out_the_regions_that_miss_it():
    net = network([layer([[1, 0], [0, 1]], [0, 0], "relu"), layer([[1, 0]], [0], "identity")])
    regions = enumerate_regions(net, all_space(2))
    window = ((F(1), F(2)), (F(-1), F(2)))
    features = to_geojson(regions, window=window)["features"]
    assert [f["properties"]["region"] for f in features] == [2, 3]  # the quadrants with x > 0
    assert region_rings(regions, window)[:2] == [None, None]


def test_a_slice_is_exported_in_its_own_coordinates():
    """The plane z = 1 of R^3 through (0,0,1), (1,0,1), (0,1,1), inside 0 <= u, v <= 1: area 1."""
    net = network([layer([[1, 0, -1], [0, 1, -1], [1, 1, 0]], [1, 1, -1], "relu"), layer([[1, 1, 1]], [0], "identity")])
    domain = plane_slice([0, 0, 1], [1, 0, 1], [0, 1, 1], polygon=[[0, 1, 0], [0, 0, 1], [1, -1, 0], [1, 0, -1]])
    regions = enumerate_regions(net, domain)
    assert math.isclose(sum(p.area for p in to_shapely(regions)), 1, rel_tol=1e-12)
    assert len(to_shapely(regions)) == regions.activation_regions == 2  # cut by u + v = 1


def test_other_dimensions_are_refused():
    net = network([layer([[1, 1]], [0], "relu"), layer([[1]], [0], "identity")])
    with pytest.raises(ShapeError, match="2-D"):
        to_geojson(enumerate_regions(net, segment([-1, 0], [1, 0])))


def test_written_file_is_json_and_the_cli_writes_it(tmp_path):
    net = network([layer([[1, 0], [0, 1]], [0, 0], "relu"), layer([[1, 0]], [0], "identity")])
    regions = enumerate_regions(net, SQUARE)
    path = write_geojson(regions, tmp_path / "out" / "quadrants.geojson", linear=True)
    assert json.loads(path.read_text()) == json.loads(json.dumps(to_geojson(regions, linear=True)))
    model = tmp_path / "net.json"
    save_json(net, model)
    out = tmp_path / "cli.geojson"
    assert cli.main(["plot", str(model), "--domain", "box:-1,1", "-o", str(out)]) == 0
    assert len(json.loads(out.read_text())["features"]) == 4
    assert cli.main(["plot", str(model), "--domain", "box:-1,1", "-o", str(out), "--color", "linear"]) == 0
    assert len(json.loads(out.read_text())["features"]) == 2
