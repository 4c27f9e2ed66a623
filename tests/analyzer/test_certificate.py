"""analyzer/certificate.py + analyzer/verifier.py: certificates are accepted and give the right count,
tampered certificates are rejected with a message naming the failure, the CLI path works, and the
verifier depends on the standard library only.

Right counts come from the exact brute force over patterns of tests/analyzer/naive.py (one exact
cdd.gmp LP per partial pattern; no engine code) or from hand counts explained in comments.
"""
from __future__ import annotations

import ast
import copy
import json
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import pytest

import naive
from bounds_check import assert_no_upper_bound_violated
from analyzer.certificate import FORMAT, build_certificate
from analyzer.cli import main
from analyzer.domain import all_space, box
from analyzer.enumerate import enumerate_regions
from analyzer.loaders import save_json
from analyzer.verifier import Rejected, verify

ROOT = Path(__file__).resolve().parents[2]
L = naive.spec_layer

NETS = {
    # 3 generic lines: 7 regions over R^2 and in [-2, 2]^2 (all three pairwise crossings are inside)
    "relu_generic": [L([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "relu"), L([[1, -1, 1]], [0], "identity")],
    # duplicate unit (2x), opposite unit (-x), constant-on zero row, three lines x = 0, y = 0, x = y through
    # the origin, a parallel line x = 1; layer 2 with two identical units and a constant-off zero row
    "relu_degenerate": [
        L([[1, 0], [2, 0], [-1, 0], [0, 0], [0, 1], [1, -1], [1, 0]], [0, 0, 0, 1, 0, 0, -1], "relu"),
        L([[1, 1, 0, 0, 1, 0, 0], [1, 1, 0, 0, 1, 0, 0], [0] * 7, [0, 0, 1, 1, -1, 1, -1]], [-1, -1, 0, 1], "relu"),
        L([[1, -1, 1, 1]], [0], "identity")],
    "leaky": [L([[1, -1], [2, 1], [0, 1], [-2, -1]], [1, 0, -1, 0], "leaky_relu:1/3"),
              L([[1, 1, -1, 0], [-1, 2, 1, 1]], [0, -1], "leaky_relu:1/3"), L([[1, 1]], [0], "identity")],
    # duplicate unit, constant zero row (input 1/2: state 0 everywhere), a diagonal
    "hardtanh": [L([[1, 0], [1, 0], [0, 1], [0, 0], [1, 1]], [0, 0, 0, F(1, 2), 0], "hardtanh"),
                 L([[1, 1, 0, 0, 1], [0, 1, -1, 0, 0]], [0, F(1, 2)], "hardtanh"), L([[1, -1]], [0], "identity")],
    # opposite units (|x| twice), a zero row
    "abs": [L([[1, 0], [0, 1], [-1, 0], [1, 1], [0, 0]], [0, 0, 0, -1, 3], "abs"),
            L([[1, 1, -1, 0, 0], [0, 1, 0, 1, 0]], [-1, 0], "abs"), L([[1, 1]], [0], "identity")],
    # max(x, y) twice (duplicate unit), max(-x + y + 1, 0); then a rank-2 unit of those
    "maxout2": [L([[1, 0], [0, 1], [1, 0], [0, 1], [-1, 1], [0, 0]], [0, 0, 0, 0, 1, 0], "maxout:2"),
                L([[1, 0, 1], [0, 1, 0]], [0, -1], "maxout:2"), L([[1]], [0], "identity")],
    "maxout3": [L([[1, 0], [0, 1], [-1, -1], [0, 0], [1, 1], [2, -1]], [0, 0, 0, 1, 0, -1], "maxout:3"),
                L([[1, 1]], [0], "identity")],
    # an affine hidden layer between two ReLU layers (its pattern entry is empty)
    "identity_middle": [L([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "relu"), L([[1, -1, 0], [0, 1, 1]], [0, 0], "identity"),
                        L([[1, 0], [0, 1], [1, -2]], [F(-1, 2), 0, 0], "relu"), L([[1, 1, 1]], [0], "identity")],
    "relu_1d": [L([[1], [-1], [2], [0], [1]], [0, 1, -1, 0, 0], "relu"),
                L([[1, 1, 0, 0, 1], [1, -1, 1, 0, 0]], [-1, 0], "relu"), L([[1, 1]], [0], "identity")],
    "hardtanh_1d": [L([[1], [2], [-1]], [0, 1, F(1, 2)], "hardtanh"), L([[1, 1, 1]], [0], "hardtanh"),
                    L([[1]], [0], "identity")],
}


def domains(n):
    lo, hi = [-2] * n, [2] * n
    return [("box", box(lo, hi), naive.box_forms(lo, hi)), ("all", all_space(n), ())]


def certify(spec, domain):
    net = naive.build(spec)
    regions = enumerate_regions(net, domain)
    assert_no_upper_bound_violated(net, regions)
    cert = build_certificate(net, domain, regions)
    return json.loads(json.dumps(cert))        # what is written to disk: plain JSON


# --- accepted certificates ------------------------------------------------------------------------

CASES = [(name, kind) for name in NETS for kind in ("box", "all")]


@pytest.mark.parametrize("name, kind", CASES, ids=[f"{n}-{k}" for n, k in CASES])
def test_certificate_verifies_with_the_right_count(name, kind):
    spec = NETS[name]
    n = len(spec[0][0][0])
    _, domain, forms = next(d for d in domains(n) if d[0] == kind)
    expected, _ = naive.brute_force_patterns(spec, forms)
    cert = certify(spec, domain)
    result = verify(cert)
    assert result["activation_regions"] == len(expected) == len(cert["regions"])
    assert {json.dumps([list(s) for s in p]) for p in expected} == {json.dumps(r["pattern"]) for r in cert["regions"]}
    assert result["domain"] == domain.description
    if kind == "box":
        assert F(result["volume"]) == 4 ** n          # [-2, 2]^n
        # intervals and polygons: proved by their vertices, no implications
        assert all("vertices" in r and "implied" not in r for r in cert["regions"])


def test_hand_counts():
    # 3 generic lines: gp(3, 2) = 1 + 3 + 3 = 7 regions over R^2. Hard-tanh units x and y switch at
    # x = +-1 and y = +-1: a 3 x 3 grid, 9 regions, all meeting [-2, 2]^2.
    assert verify(certify(NETS["relu_generic"], all_space(2)))["activation_regions"] == 7
    grid = [L([[1, 0], [0, 1]], [0, 0], "hardtanh"), L([[1, 1]], [0], "identity")]
    assert verify(certify(grid, box([-2, -2], [2, 2])))["activation_regions"] == 9
    assert verify(certify(grid, all_space(2)))["activation_regions"] == 9


@pytest.mark.parametrize("kind", ["box", "all"])
def test_maxout_with_duplicate_pieces(kind):
    """One rank-4 maxout unit in R^1 with pieces x, 0, 0, 2 - x (pieces 1 and 2 identical).
    max(x, 2 - x) >= 1 > 0, so pieces 1 and 2 are never the argmax: argmax 3 for x < 1, 0 for x > 1:
    2 regions, in [-2, 2] and over R. Expected: verify() accepts with count 2.
    Got (bug): Rejected 'region 0: constraint {'layer': 1, 'unit': 0, 'tag': 2} is neither a row nor
    shown to follow from the rows'. The certificate lists implications only for the engine's
    deduplicated competitors (piece 1), while the verifier asks for one per piece b != state
    (pieces 1 and 2); the comparison with piece 2 is redundant (x >= 0 follows from x >= 1), so it is
    neither a facet row nor covered."""
    spec = [L([[1], [0], [0], [-1]], [0, 0, 0, 2], "maxout:4"), L([[1]], [0], "identity")]
    _, domain, forms = next(d for d in domains(1) if d[0] == kind)
    assert len(naive.brute_force_patterns(spec, forms)[0]) == 2
    assert verify(certify(spec, domain))["activation_regions"] == 2


# --- tampered certificates ------------------------------------------------------------------------

BASE = NETS["relu_generic"]          # units x, y, x + y - 1; output x - y + (x + y - 1) on their relus


@pytest.fixture(scope="module")
def base_certs():
    return {kind: certify(BASE, domain) for kind, domain, _ in domains(2)}


def region_with(cert, pattern):
    return next(i for i, r in enumerate(cert["regions"]) if r["pattern"] == pattern)


def is_positive_multiple(row, form):
    row, form = [F(v) for v in row], [F(v) for v in form]
    k = next(i for i, v in enumerate(form) if v)
    t = row[k] / form[k]
    return t > 0 and all(r == t * f for r, f in zip(row, form))


def rejected(cert, *patterns):
    with pytest.raises(Rejected) as info:
        verify(cert)
    message = str(info.value)
    assert any(p in message for p in patterns), message
    return message


OFF = [[0, 0, 0], []]       # x < 0, y < 0 (then x + y - 1 < 0 follows)


@pytest.mark.parametrize("kind", ["box", "all"])
def test_untampered_base_verifies(base_certs, kind):
    assert verify(copy.deepcopy(base_certs[kind]))["activation_regions"] == 7


@pytest.mark.parametrize("kind", ["box", "all"])
@pytest.mark.parametrize("victim", range(7))
def test_region_removed(base_certs, kind, victim):
    cert = copy.deepcopy(base_certs[kind])
    del cert["regions"][victim]
    for region in cert["regions"]:      # re-index the neighbours, drop those of the removed region
        region["neighbours"] = [{**e, "region": e["region"] - (e["region"] > victim)}
                                for e in region["neighbours"] if e["region"] != victim]
    rejected(cert, "has no region across it", "a region is missing")


def test_region_removed_without_fixing_neighbours_is_still_rejected(base_certs):
    cert = copy.deepcopy(base_certs["box"])
    cert["regions"].pop()
    with pytest.raises(Rejected):
        verify(cert)


@pytest.mark.parametrize("kind", ["box", "all"])
def test_point_moved_into_another_region(base_certs, kind):
    cert = copy.deepcopy(base_certs[kind])
    cert["regions"][0]["point"] = cert["regions"][1]["point"]
    rejected(cert, "region 0: the forward pass at its point does not give its pattern")


@pytest.mark.parametrize("kind", ["box", "all"])
def test_point_moved_onto_the_boundary(base_certs, kind):
    # (0, -1): x = 0 is 'off' for a ReLU (z <= 0), so the forward pass still gives the pattern, but the
    # point is not strictly inside -x >= 0
    cert = copy.deepcopy(base_certs[kind])
    i = region_with(cert, OFF)
    cert["regions"][i]["point"] = ["0", "-1"]
    rejected(cert, f"region {i}: its point is not strictly inside constraint (1, 0, None)")


def test_point_moved_outside_the_box(base_certs):
    cert = copy.deepcopy(base_certs["box"])
    i = region_with(cert, OFF)
    cert["regions"][i]["point"] = ["-3", "-3"]        # same pattern, outside [-2, 2]^2
    rejected(cert, f"region {i}: its point is not strictly inside constraint ('domain',")


@pytest.mark.parametrize("kind", ["box", "all"])
def test_pattern_bit_flipped(base_certs, kind):
    cert = copy.deepcopy(base_certs[kind])
    cert["regions"][0]["pattern"][0][0] ^= 1
    rejected(cert, "region 0: the forward pass at its point does not give its pattern")


@pytest.mark.parametrize("kind", ["box", "all"])
def test_hidden_bias_changed(base_certs, kind):
    """Unit 0 (z = x) shifted by less than half of every point's |x|: all forward passes keep their
    patterns, so only the rows/implications of unit 0 can catch it."""
    cert = copy.deepcopy(base_certs[kind])
    eps = min(abs(F(r["point"][0])) for r in cert["regions"]) / 2
    cert["network"]["layers"][0]["bias"][0] = str(F(cert["network"]["layers"][0]["bias"][0]) + eps)
    rejected(cert, "is not the constraint its tag {'layer': 1, 'unit': 0",
             "the multipliers for constraint {'layer': 1, 'unit': 0")


@pytest.mark.parametrize("kind", ["box", "all"])
def test_hidden_row_scaled(base_certs, kind):
    """relu(2x) has the same regions as relu(x); the output x - y + ... becomes 2x - y + ...: only the
    output maps can tell."""
    cert = copy.deepcopy(base_certs[kind])
    cert["network"]["layers"][0]["weights"][0] = ["2", "0"]
    rejected(cert, "the output map is not the network's map on the region")


@pytest.mark.parametrize("kind", ["box", "all"])
def test_output_weight_changed(base_certs, kind):
    cert = copy.deepcopy(base_certs[kind])
    cert["network"]["layers"][1]["weights"][0][1] = "5"
    rejected(cert, "the output map is not the network's map on the region")


def test_output_map_changed(base_certs):
    cert = copy.deepcopy(base_certs["box"])
    cert["regions"][3]["output_map"]["offset"][0] = str(F(cert["regions"][3]["output_map"]["offset"][0]) + 1)
    rejected(cert, "region 3: the output map is not the network's map on the region")


@pytest.mark.parametrize("kind", ["box", "all"])
def test_volume_altered(base_certs, kind):
    cert = copy.deepcopy(base_certs[kind])
    claimed = F(cert["regions"][2]["volume"])
    cert["regions"][2]["volume"] = str(claimed + F(1, 3))
    rejected(cert, f"region 2: its volume is {claimed}, the certificate says {claimed + F(1, 3)}")


def test_domain_volume_altered(base_certs):
    cert = copy.deepcopy(base_certs["box"])
    cert["domain"]["volume"] = "17"
    rejected(cert, "the domain's volume is 16, the certificate says 17")


@pytest.mark.parametrize("kind", ["box", "all"])
def test_row_replaced_by_a_wrong_one(base_certs, kind):
    # the facet row -x >= 0 of region OFF replaced by the numbers of unit 2's row, tag kept (unit 0)
    cert = copy.deepcopy(base_certs[kind])
    i = region_with(cert, OFF)
    k = next(k for k, e in enumerate(cert["regions"][i]["rows"]) if e["source"].get("unit") == 0)
    cert["regions"][i]["rows"][k]["row"] = ["1", "-1", "-1"]
    rejected(cert, f"region {i}: row ['1', '-1', '-1'] is not the constraint its tag")


@pytest.mark.parametrize("kind", ["box", "all"])
def test_row_replaced_by_a_true_but_redundant_constraint(base_certs, kind):
    """Region OFF's facet -x >= 0 replaced by the genuine constraint of unit 2, 1 - x - y >= 0, with
    its own tag: every row is right, but the rows now describe a larger polyhedron. Over R^2, unit 0's
    constraint is neither a row nor implied; in the box, the new row is not on its edge of the square
    (-2, -2), (0, -2), (0, 0), (-2, 0) (it is 3 at (0, -2))."""
    cert = copy.deepcopy(base_certs[kind])
    i = region_with(cert, OFF)
    k = next(k for k, e in enumerate(cert["regions"][i]["rows"]) if e["source"].get("unit") == 0)
    cert["regions"][i]["rows"][k] = {"row": ["1", "-1", "-1"], "source": {"layer": 1, "unit": 2, "tag": None}}
    if kind == "box":
        rejected(cert, f"region {i}: row {k} is not 0 at vertex {k}")
    else:
        rejected(cert, f"region {i}: constraint {{'layer': 1, 'unit': 0, 'tag': None}} is neither a row nor "
                       "shown to follow from the rows")


@pytest.fixture(scope="module")
def implied_certs(base_certs):
    """The base certificates with region OFF proved by implications: as written over R^2 (OFF is
    unbounded); in the box, its vertex list replaced by the implications it needs (its rows are -x,
    -y, x + 2, y + 2): 1 - x - y = 1 + 1 (-x) + 1 (-y), 2 - x = 2 + 1 (-x), 2 - y = 2 + 1 (-y)."""
    cert = copy.deepcopy(base_certs["box"])
    region = cert["regions"][region_with(cert, OFF)]
    rows = [[F(v) for v in e["row"]] for e in region["rows"]]
    minus_x, minus_y = str(rows.index([0, -1, 0])), str(rows.index([0, 0, -1]))
    domain_rows = [[F(v) for v in r] for r in cert["domain"]["rows"]]
    del region["vertices"]
    region["implied"] = [
        {"source": {"layer": 1, "unit": 2, "tag": None}, "constant": "1", "multipliers": {minus_x: "1", minus_y: "1"}},
        {"source": {"domain": domain_rows.index([2, -1, 0])}, "constant": "2", "multipliers": {minus_x: "1"}},
        {"source": {"domain": domain_rows.index([2, 0, -1])}, "constant": "2", "multipliers": {minus_y: "1"}}]
    return {"box": cert, "all": base_certs["all"]}


@pytest.mark.parametrize("kind", ["box", "all"])
def test_bounded_region_proved_by_implications_verifies(implied_certs, kind):
    assert verify(copy.deepcopy(implied_certs[kind]))["activation_regions"] == 7


@pytest.mark.parametrize("kind", ["box", "all"])
def test_implication_multiplier_changed(implied_certs, kind):
    cert = copy.deepcopy(implied_certs[kind])
    i = region_with(cert, OFF)
    entry = next(e for e in cert["regions"][i]["implied"] if e["source"].get("unit") == 2)
    k = next(k for k, m in entry["multipliers"].items() if F(m) > 0)  # stored sparsely: {row index: value}
    entry["multipliers"][k] = str(F(entry["multipliers"][k]) * 3)
    rejected(cert, f"region {i}: the multipliers for constraint {{'layer': 1, 'unit': 2, 'tag': None}} do not prove it")


def test_negative_multiplier_is_rejected_even_when_the_sum_is_right(implied_certs):
    """In [-2, 2]^2 region OFF has rows -x, -y, x + 2, y + 2 (>= 0). 3 + 0(-x) + 1(-y) - 1(x + 2) + 0(y + 2)
    = 1 - x - y is exactly unit 2's constraint, but with a negative multiplier it proves nothing."""
    cert = copy.deepcopy(implied_certs["box"])
    i = region_with(cert, OFF)
    region = cert["regions"][i]
    wanted = {(0, -1, 0): 0, (0, 0, -1): 1, (2, 1, 0): -1, (2, 0, 1): 0}
    rows = [tuple(F(v) for v in e["row"]) for e in region["rows"]]
    assert sorted(rows) == sorted(wanted)            # its facets, as primitive integer rows
    multipliers = [F(wanted[r]) for r in rows]
    combined = [F(3), F(0), F(0)]
    for m, entry in zip(multipliers, region["rows"]):
        combined = [c + m * F(v) for c, v in zip(combined, entry["row"])]
    assert combined == [1, -1, -1]                   # the arithmetic is right
    entry = next(e for e in region["implied"] if e["source"].get("unit") == 2)
    entry["constant"], entry["multipliers"] = "3", {str(k): str(m) for k, m in enumerate(multipliers) if m}
    rejected(cert, "the multipliers for constraint {'layer': 1, 'unit': 2, 'tag': None} do not prove it")


@pytest.mark.parametrize("kind", ["box", "all"])
def test_duplicated_region(base_certs, kind):
    cert = copy.deepcopy(base_certs[kind])
    cert["regions"].append(copy.deepcopy(cert["regions"][0]))
    rejected(cert, "region 7: its pattern is listed twice")


def test_neighbour_tampered(base_certs):
    cert = copy.deepcopy(base_certs["all"])
    i = region_with(cert, OFF)
    entry = cert["regions"][i]["neighbours"][0]
    across = entry["region"]
    wrong = next(j for j in range(7) if j not in (i, across)
                 and not any(is_positive_multiple(r["row"], [-F(v) for v in cert["regions"][i]["rows"][entry["facet"]]["row"]])
                             for r in cert["regions"][j]["rows"]))
    bad = copy.deepcopy(cert)
    bad["regions"][i]["neighbours"][0]["region"] = wrong
    rejected(bad, f"region {i}: neighbour {wrong} does not lie across facet")
    # the shared point slid along the facet's hyperplane out of the common face: x = 0 or y = 0, the
    # other coordinate 5 (outside OFF, where x, y < 0)
    bad = copy.deepcopy(cert)
    facet = [F(v) for v in cert["regions"][i]["rows"][entry["facet"]]["row"]]
    bad["regions"][i]["neighbours"][0]["point"] = ["0", "5"] if facet[1] else ["5", "0"]
    rejected(bad, f"region {i}: the point shared with neighbour {across} is not inside both facets")
    # a coordinate dropped: no point of the plane at all
    bad = copy.deepcopy(cert)
    bad["regions"][i]["neighbours"][0]["point"] = ["0"]
    rejected(bad, f"region {i}: neighbour {across} does not lie across facet {entry['facet']}")


def test_format_1_is_still_read():
    """Format 1 is format 2 without vertex lists. Over all of R every region carries implications, so
    the certificate relabelled as format 1 still verifies, with the brute-force count."""
    spec = NETS["relu_1d"]
    cert = certify(spec, all_space(1))
    assert all("implied" in r and "vertices" not in r for r in cert["regions"])
    expected = len(naive.brute_force_patterns(spec, ())[0])
    cert["format"] = "regionscope-certificate/1"
    assert verify(cert)["activation_regions"] == expected


def test_malformed_certificates(base_certs):
    cert = copy.deepcopy(base_certs["box"])
    cert["format"] = "something-else/1"
    rejected(cert, "unknown certificate format")
    cert = copy.deepcopy(base_certs["box"])
    del cert["regions"][0]["rows"]
    rejected(cert, "malformed certificate: KeyError")
    cert = copy.deepcopy(base_certs["box"])
    cert["domain"]["bounded"] = False
    rejected(cert, "a bounded domain needs no volume box, an unbounded one needs one")
    assert base_certs["box"]["format"] == FORMAT


def test_shapes_that_do_not_fit(base_certs):
    """Numbers that zip() would silently drop: an output weight for a fourth hidden unit (there are
    three), a domain row without its y coefficient, a basis of one vector for a 2-D domain."""
    cert = copy.deepcopy(base_certs["box"])
    cert["network"]["layers"][1]["weights"][0].append("1")
    rejected(cert, "layer 2: its weights and bias do not fit the layer before or its activation")
    cert = copy.deepcopy(base_certs["box"])
    cert["domain"]["rows"][0].pop()
    rejected(cert, "the domain's origin, basis or rows do not fit 2 parameters and 2 inputs")
    cert = copy.deepcopy(base_certs["box"])
    cert["domain"]["origin"], cert["domain"]["basis"] = ["0", "0"], [["1", "0"]]
    rejected(cert, "the domain's origin, basis or rows do not fit 2 parameters and 2 inputs")


# --- vertex lists ---------------------------------------------------------------------------------

def cyclic_rotations(points):
    return [points[k:] + points[:k] for k in range(len(points))]


def vertices_of(region):
    return [tuple(F(v) for v in p) for p in region["vertices"]]


def test_vertex_lists_by_hand(base_certs):
    """Region OFF in [-2, 2]^2 is the square with corners (-2, -2), (0, -2), (0, 0), (-2, 0) (area 4);
    over R^2 the one bounded region is the triangle x, y > 0, x + y < 1 (area 1/2), and the unbounded
    ones carry implications instead. Both listed counterclockwise, from some corner."""
    box_cert, plane = base_certs["box"], base_certs["all"]
    square = box_cert["regions"][region_with(box_cert, OFF)]
    assert vertices_of(square) in cyclic_rotations([(-2, -2), (0, -2), (0, 0), (-2, 0)])
    assert F(square["volume"]) == 4
    (triangle,) = [r for r in plane["regions"] if "vertices" in r]
    assert triangle["pattern"] == [[1, 1, 0], []]
    assert vertices_of(triangle) in cyclic_rotations([(0, 0), (1, 0), (0, 1)])
    assert F(triangle["volume"]) == F(1, 2)
    assert all("implied" in r for r in plane["regions"] if r is not triangle)


def test_lines_through_vertices_and_duplicate_units():
    """Units x, 2x (a duplicate), y and x - y in [-2, 2]^2: x - y runs through the corners (-2, -2),
    (2, 2) and through (0, 0), where x = 0 and y = 0 cross. The quadrants x < 0 < y and y < 0 < x are
    squares of area 4; the diagonal cuts the other two into triangles of area 2: 6 regions."""
    spec = [L([[1, 0], [2, 0], [0, 1], [1, -1]], [0, 0, 0, 0], "relu"), L([[1, 1, 1, 1]], [0], "identity")]
    cert = certify(spec, box([-2, -2], [2, 2]))
    assert verify(copy.deepcopy(cert))["activation_regions"] == 6
    expected = {  # pattern of (x, 2x, y, x - y) -> corners counterclockwise
        (0, 0, 1, 0): [(-2, 0), (0, 0), (0, 2), (-2, 2)],
        (1, 1, 0, 1): [(0, -2), (2, -2), (2, 0), (0, 0)],
        (1, 1, 1, 1): [(0, 0), (2, 0), (2, 2)],
        (1, 1, 1, 0): [(0, 0), (2, 2), (0, 2)],
        (0, 0, 0, 1): [(-2, -2), (0, -2), (0, 0)],
        (0, 0, 0, 0): [(-2, -2), (0, 0), (-2, 0)],
    }
    found = {tuple(r["pattern"][0]): r for r in cert["regions"]}
    assert set(found) == set(expected)
    for pattern, corners in expected.items():
        assert vertices_of(found[pattern]) in cyclic_rotations(corners), pattern
        assert F(found[pattern]["volume"]) == (4 if len(corners) == 4 else 2)


def test_interval_ends_low_first():
    """relu(x), relu(1 - 2x) on [-2, 2]: breakpoints 0 and 1/2, so pieces (-2, 0), (0, 1/2), (1/2, 2)."""
    spec = [L([[1], [-2]], [0, 1], "relu"), L([[1, 1]], [0], "identity")]
    cert = certify(spec, box([-2], [2]))
    assert verify(copy.deepcopy(cert))["activation_regions"] == 3
    assert sorted(vertices_of(r) for r in cert["regions"]) == [[(-2,), (0,)], [(0,), (F(1, 2),)], [(F(1, 2),), (2,)]]


def square_off(base_certs):
    """A copy of the box certificate, region OFF's index, and the position of each corner in its list."""
    cert = copy.deepcopy(base_certs["box"])
    i = region_with(cert, OFF)
    return cert, i, {p: j for j, p in enumerate(vertices_of(cert["regions"][i]))}


def test_vertex_moved_outside_a_row(base_certs):
    """(0, 0) moved to (1/2, 1/2): the quadrilateral (-2, -2), (0, -2), (1/2, 1/2), (-2, 0) is still convex
    and counterclockwise, but -x < 0 there."""
    cert, i, at = square_off(base_certs)
    j = at[(0, 0)]
    cert["regions"][i]["vertices"][j] = ["1/2", "1/2"]
    rejected(cert, f"region {i}: vertex {j} is outside constraint {{'layer': 1, 'unit': 0, 'tag': None}}")


def test_vertex_moved_off_its_edge(base_certs):
    """(0, 0) moved inside, to (-1/2, -1/2): still convex and feasible, but off the lines x = 0 and y = 0
    of its two edges; the first row checked there is that of the edge ending at it (row j - 1), or for
    j = 0 row 0 (the edge starting at it)."""
    cert, i, at = square_off(base_certs)
    j = at[(0, 0)]
    cert["regions"][i]["vertices"][j] = ["-1/2", "-1/2"]
    rejected(cert, f"region {i}: row {min(j, (j - 1) % 4)} is not 0 at vertex {j}")


def test_vertices_reordered(base_certs):
    cert, i, _ = square_off(base_certs)
    region = cert["regions"][i]
    listed = region["vertices"]
    # two corners swapped: the cycle runs along a diagonal and back, a right turn at the second vertex
    region["vertices"] = [listed[0], listed[2], listed[1], listed[3]]
    rejected(cert, f"region {i}: its vertices do not turn left at vertex 1")
    # clockwise: every turn is a right turn
    region["vertices"] = listed[::-1]
    rejected(cert, f"region {i}: its vertices do not turn left at vertex 0")
    # rotated by one, rows kept: row 0 is on the edge from the new vertex 0 (old 1) back to old 0
    region["vertices"] = listed[1:] + listed[:1]
    rejected(cert, f"region {i}: row 0 is not 0 at vertex 1")
    # a corner between two corners: collinear, no strict turn there
    region["vertices"] = [listed[0], [str((F(a) + F(b)) / 2) for a, b in zip(listed[0], listed[1])], *listed[1:]]
    region["rows"].insert(0, region["rows"][0])
    rejected(cert, f"region {i}: its vertices do not turn left at vertex 1")


def test_polygon_listed_twice_around(base_certs):
    """Corners and rows listed twice: every check on turns and edges passes, and the shoelace sum would
    be twice the area; only the repeated vertices give it away."""
    cert, i, _ = square_off(base_certs)
    region = cert["regions"][i]
    region["vertices"] *= 2
    region["rows"] *= 2
    rejected(cert, f"region {i}: two of its vertices coincide")


def test_vertex_or_row_dropped(base_certs):
    cert, i, _ = square_off(base_certs)
    del cert["regions"][i]["vertices"][2]
    rejected(cert, f"region {i}: 3 vertices and 4 rows do not make an interval or a polygon")
    cert, i, _ = square_off(base_certs)
    del cert["regions"][i]["rows"][2]
    rejected(cert, f"region {i}: 4 vertices and 3 rows do not make an interval or a polygon")
    # vertex 2 and the row of its edge to vertex 3 dropped: a triangle whose row 1 (the edge from vertex
    # 1 to the dropped vertex 2) misses the new vertex 2 (old 3)
    cert, i, _ = square_off(base_certs)
    del cert["regions"][i]["vertices"][2]
    del cert["regions"][i]["rows"][2]
    rejected(cert, f"region {i}: row 1 is not 0 at vertex 2")


def test_volume_from_vertices_altered(base_certs):
    cert, i, _ = square_off(base_certs)
    cert["regions"][i]["volume"] = "5"
    rejected(cert, f"region {i}: its volume is 4, the certificate says 5")


def test_interval_ends_swapped():
    spec = [L([[1], [-2]], [0, 1], "relu"), L([[1, 1]], [0], "identity")]
    cert = certify(spec, box([-2], [2]))
    cert["regions"][1]["vertices"].reverse()
    cert["regions"][1]["rows"].reverse()
    rejected(cert, "region 1: its ends are not listed low end first")


# --- command line ---------------------------------------------------------------------------------

def test_cli_count_certificate_verify(tmp_path, capsys):
    model, out = tmp_path / "net.json", tmp_path / "cert.json"
    save_json(naive.build(NETS["relu_degenerate"]), model)
    assert main(["count", str(model), "--domain", "box:-2,2", "--certificate", str(out), "--json"]) == 0
    counted = json.loads(capsys.readouterr().out)
    expected = len(naive.brute_force_patterns(NETS["relu_degenerate"], naive.box_forms([-2, -2], [2, 2]))[0])
    assert counted["activation_regions"] == expected
    assert main(["verify", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("VERIFIED") and f"{expected} activation regions" in text

    cert = json.loads(out.read_text())
    cert["regions"][0]["volume"] = str(F(cert["regions"][0]["volume"]) * 2)
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(cert))
    assert main(["verify", str(tampered)]) == 1
    text = capsys.readouterr().out
    assert text.startswith("NOT VERIFIED") and "region 0: its volume is" in text

    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    assert main(["verify", str(garbage)]) == 1
    assert capsys.readouterr().out.startswith("NOT VERIFIED")
    assert main(["verify", str(tmp_path / "missing.json")]) == 2


def test_cli_certificate_over_all_space(tmp_path, capsys):
    model, out = tmp_path / "net.json", tmp_path / "cert.json"
    save_json(naive.build(BASE), model)
    assert main(["count", str(model), "--certificate", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["activation_regions"] == 7
    assert main(["verify", str(out)]) == 0
    assert capsys.readouterr().out.startswith("VERIFIED: 7 activation regions in all")


# --- the verifier stands alone --------------------------------------------------------------------

def test_verifier_imports_only_the_standard_library():
    tree = ast.parse((ROOT / "analyzer" / "verifier.py").read_text())
    modules = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative import"
            modules.append(node.module)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "__import__"
    assert modules
    for module in modules:
        top = module.split(".")[0]
        assert top in sys.stdlib_module_names, module
        assert top not in ("importlib",), module


def test_verifier_runs_without_site_packages(tmp_path):
    """Load verifier.py by path in a Python started with -S (no site-packages: no flint, cdd, numpy,
    nor the project) and check a certificate there."""
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(certify(NETS["maxout3"], box([-2, -2], [2, 2]))))
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('standalone_verifier', {str(ROOT / 'analyzer' / 'verifier.py')!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        f"result = module.verify_file({str(path)!r})\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('analyzer', 'geometry', 'flint', 'cdd', 'numpy')]\n"
        "print(result['activation_regions'], bad)\n"
    )
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    expected = len(naive.brute_force_patterns(NETS["maxout3"], naive.box_forms([-2, -2], [2, 2]))[0])
    assert done.stdout.split() == [str(expected), "[]"]


@pytest.mark.parametrize("kind", ["box", "all"])
def test_implication_naming_a_row_that_is_not_there(implied_certs, kind):
    cert = copy.deepcopy(implied_certs[kind])
    i = region_with(cert, OFF)
    entry = next(e for e in cert["regions"][i]["implied"] if e["source"].get("unit") == 2)
    entry["multipliers"][str(len(cert["regions"][i]["rows"]))] = "1"
    rejected(cert, f"region {i}: the multipliers for constraint {{'layer': 1, 'unit': 2, 'tag': None}} name row")


def test_dyadic_point_strictly_between():
    """The writer's shared points: strictly inside (lo, hi) for gaps from 2^-200 to 10^6, both signs,
    with a power-of-two denominator 2^k no larger than the gap requires: 2^-k < gap, and gap < 2^(3-k)
    unless k = 0."""
    from analyzer.certificate import _dyadic_between
    cases = [(F(-7, 3), F(-7, 3) + F(1, 2 ** 200)), (F(1, 3), F(1, 2)), (F(-5), F(10 ** 6)), (F(2), F(3)),
             (F(-1, 10 ** 30), F(1, 10 ** 30)), (F(123456789, 987654321), F(123456790, 987654321))]
    for lo, hi in cases:
        x = _dyadic_between(lo, hi)
        assert lo < x < hi, (lo, hi, x)
        k = x.denominator.bit_length() - 1
        assert x.denominator == 2 ** k and F(1, 2 ** k) < hi - lo
        assert k == 0 or hi - lo < F(8, 2 ** k)
