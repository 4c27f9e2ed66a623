"""analyzer/certificate.py + analyzer/verifier.py: certificates are accepted and give the right counts,
tampered certificates (regions, claims, domain, network, format) are rejected with a message naming
the failure, completeness is proved over unbounded domains too (the covering lemma, also tested on
hand-made pieces), the CLI path works, written certificates validate against the JSON Schema in
docs/, and the verifier depends on the standard library only.

Right counts come from the exact brute force of tests/analyzer/naive.py (patterns: one exact cdd.gmp
LP per partial pattern; linear regions: regions with equal maps joined when their closures meet in a
(k-1)-dimensional set; bounded regions: recession cones; no engine code) or from hand counts explained
in comments.
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
from analyzer.domain import all_space, box, parse_domain
from analyzer.enumerate import Budget, enumerate_regions
from analyzer.loaders import save_json, save_npz, to_json_dict
from analyzer.network import he_initialised
from analyzer.provenance import network_sha256
from analyzer.verifier import Rejected, _uncovered, verify

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
def test_certificate_verifies_with_the_right_counts(name, kind):
    spec = NETS[name]
    n = len(spec[0][0][0])
    _, domain, forms = next(d for d in domains(n) if d[0] == kind)
    expected, per_layer = naive.brute_force_patterns(spec, forms)
    cert = certify(spec, domain)
    result = verify(cert)
    assert result["activation_regions"] == len(expected) == len(cert["regions"])
    assert {json.dumps([list(s) for s in p]) for p in expected} == {json.dumps(r["pattern"]) for r in cert["regions"]}
    assert tuple(result["per_layer"]) == per_layer
    assert result["linear_regions"] == naive.brute_force_linear_regions(spec, forms)
    assert result["bounded_regions"] == naive.brute_force_bounded(spec, forms)
    assert result["domain"] == domain.description
    assert set(cert["counts"]) == {"activation_regions", "per_layer", "linear_regions", "bounded_regions"}
    if kind == "box":
        assert F(result["volume"]) == 4 ** n          # [-2, 2]^n
        # intervals and polygons: proved by their vertices, no implications
        assert all("vertices" in r and "implied" not in r for r in cert["regions"])
    else:
        assert result["volume"] is None and cert["domain"]["volume"] is None


def test_hand_counts():
    # 3 generic lines: gp(3, 2) = 1 + 3 + 3 = 7 regions over R^2. Hard-tanh units x and y switch at
    # x = +-1 and y = +-1: a 3 x 3 grid, 9 regions, all meeting [-2, 2]^2.
    # Of the 7, only the triangle x, y > 0, x + y < 1 is bounded. The grid's maps h(x) + h(y) (h the
    # hard-tanh) differ on any two adjacent cells (a slope or a constant changes), so its 9 cells are 9
    # linear regions; over R^2 only the middle square is bounded.
    result = verify(certify(NETS["relu_generic"], all_space(2)))
    assert (result["activation_regions"], result["bounded_regions"]) == (7, 1)
    grid = [L([[1, 0], [0, 1]], [0, 0], "hardtanh"), L([[1, 1]], [0], "identity")]
    result = verify(certify(grid, box([-2, -2], [2, 2])))
    assert (result["activation_regions"], result["linear_regions"], result["bounded_regions"]) == (9, 9, 9)
    result = verify(certify(grid, all_space(2)))
    assert (result["activation_regions"], result["linear_regions"], result["bounded_regions"]) == (9, 9, 1)


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
    message = rejected(cert, "has no region listed across it")
    assert message.startswith("region ") and "facet" in message


def test_region_removed_without_fixing_neighbours(base_certs):
    """The last region dropped, the others still naming it across their facets: the first such
    reference is refused by name, not with an IndexError."""
    cert = copy.deepcopy(base_certs["box"])
    cert["regions"].pop()
    i, k = next((i, e["facet"]) for i, r in enumerate(cert["regions"]) for e in r["neighbours"] if e["region"] == 6)
    rejected(cert, f"region {i}: the neighbour listed across facet {k} is region 6, which is not another region of the "
                   "certificate (it lists regions 0 to 5)")


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
    i = next(i for i, r in enumerate(cert["regions"]) if r["volume"] is not None)  # over R^2: the triangle
    claimed = F(cert["regions"][i]["volume"])
    cert["regions"][i]["volume"] = str(claimed + F(1, 3))
    rejected(cert, f"region {i}: its volume is {claimed}, the certificate says {claimed + F(1, 3)}")


def test_volumes_of_unbounded_regions(base_certs):
    """Over R^2 the six unbounded regions have no volume (null); one given a volume, or the bounded
    triangle's (1/2) removed, is refused."""
    cert = copy.deepcopy(base_certs["all"])
    i = region_with(cert, OFF)
    assert cert["regions"][i]["volume"] is None
    cert["regions"][i]["volume"] = "16"
    rejected(cert, f"region {i}: it is unbounded, the certificate gives it the volume 16")
    cert = copy.deepcopy(base_certs["all"])
    j = region_with(cert, [[1, 1, 0], []])
    assert cert["regions"][j]["volume"] == "1/2"
    cert["regions"][j]["volume"] = None
    rejected(cert, f"region {j}: its volume is 1/2, the certificate says None")


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


@pytest.mark.parametrize("old", ["regionscope-certificate/1", "regionscope-certificate/2"])
def test_older_formats_are_refused_clearly(base_certs, old):
    """Formats 1 and 2 list one region across each facet; the completeness proof needs all of them."""
    cert = copy.deepcopy(base_certs["all"])
    cert["format"] = old
    rejected(cert, f"certificate format {old} is no longer verified: it lists one region across each facet")


@pytest.mark.parametrize("found", ["regionscope-certificate/4", "something-else/1", 3, None])
def test_unknown_format(base_certs, found):
    cert = copy.deepcopy(base_certs["box"])
    cert["format"] = found
    rejected(cert, f"unknown certificate format {json.dumps(found)}: this verifier reads {FORMAT}")


def test_malformed_certificates(base_certs):
    cert = copy.deepcopy(base_certs["box"])
    del cert["regions"][0]["rows"]
    rejected(cert, "region 0 has no 'rows'")
    cert = copy.deepcopy(base_certs["box"])
    cert["regions"][0]["point"] = [0.5, 0.5]
    rejected(cert, "the number 0.5 is a float, not a string")
    cert = copy.deepcopy(base_certs["box"])
    cert["regions"][0]["point"] = ["1/0", "0"]
    rejected(cert, "'1/0' is not an exact number")
    cert = copy.deepcopy(base_certs["box"])
    cert["regions"][0]["colour"] = "red"
    rejected(cert, "region 0 has 'colour', which this verifier does not check")
    assert base_certs["box"]["format"] == FORMAT == "regionscope-certificate/3"
    with pytest.raises(Rejected, match="a certificate is a JSON object, not a list"):
        verify([])


def test_shapes_that_do_not_fit(base_certs):
    """Numbers that zip() would silently drop: an output weight for a fourth hidden unit (there are
    three), a domain row without its y coefficient, a basis of one vector for a 2-D domain."""
    cert = copy.deepcopy(base_certs["box"])
    cert["network"]["layers"][1]["weights"][0].append("1")
    rejected(cert, "layer 2: its weights and bias do not fit the layer before or its activation")
    cert = copy.deepcopy(base_certs["box"])
    cert["domain"]["rows"][0].pop()
    rejected(cert, "the domain's rows are not all nonconstant affine forms of 2 parameters")
    cert = copy.deepcopy(base_certs["box"])
    cert["domain"]["origin"], cert["domain"]["basis"] = ["0", "0"], [["1", "0"]]
    rejected(cert, "the domain's description 'box:-2:2,-2:2' means origin none, the certificate's domain has (0, 0)")


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
    assert text.startswith(f"VERIFIED: {expected} activation regions in box:-2:2,-2:2 of the network sha256 "
                           f"{network_sha256(naive.build(NETS['relu_degenerate']))} (2-7-4-1, as the certificate gives it")
    assert "complete: the regions' exact volumes add up to the domain's, 16" in text

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


def test_cli_verify_with_a_model(tmp_path, capsys):
    """--model: the VERIFIED line names the model and the hash of its network; a certificate of
    another network is NOT VERIFIED (exit 1) naming the first differing weight; a model file that
    does not exist is an input error (exit 2); a network file given as the certificate is named so."""
    model, other, out = tmp_path / "net.json", tmp_path / "other.json", tmp_path / "cert.json"
    net = naive.build(BASE)
    save_json(net, model)
    save_json(naive.build([BASE[0], L([[1, -1, 2]], [0], "identity")]), other)
    assert main(["count", str(model), "--domain", "box:-2,2", "--certificate", str(out), "--json"]) == 0
    capsys.readouterr()
    assert main(["verify", str(out), "--model", str(model)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == (f"VERIFIED: 7 activation regions in box:-2:2,-2:2 of the network sha256 {network_sha256(net)} "
                     f"(2-3-1, exactly the network of {model})")
    assert main(["verify", str(out), "--model", str(other)]) == 1
    assert capsys.readouterr().out == ("NOT VERIFIED: layer 2: the certificate's network has weights[0][2] = 1, the "
                                       "model 2: it is a certificate of another network\n")
    assert main(["verify", str(out), "--model", str(tmp_path / "missing.npz")]) == 2
    assert "missing.npz" in capsys.readouterr().err
    assert main(["verify", str(model)]) == 1
    assert capsys.readouterr().out == ("NOT VERIFIED: it has no 'format': it is not a regionscope certificate (it "
                                       "looks like a network file, which 'verify --model' takes)\n")


def test_cli_certificate_over_all_space(tmp_path, capsys):
    model, out = tmp_path / "net.json", tmp_path / "cert.json"
    save_json(naive.build(BASE), model)
    assert main(["count", str(model), "--certificate", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["activation_regions"] == 7
    assert main(["verify", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("VERIFIED: 7 activation regions in all of the network sha256")
    assert "volumes" not in text and "complete: every facet inside the domain is covered" in text
    assert "linear regions 7, bounded regions 1" in text


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


def test_implication_that_is_not_needed(implied_certs):
    """An implication for a facet row (unit 0's -x >= 0 of region OFF over R^2) proves nothing that
    is needed: every entry must be one the region's constraints call for."""
    cert = copy.deepcopy(implied_certs["all"])
    i = region_with(cert, OFF)
    cert["regions"][i]["implied"].append({"source": {"layer": 1, "unit": 0, "tag": None}, "constant": "0",
                                          "multipliers": {"0": "1"}})
    rejected(cert, f"region {i}: it lists an implication for {{'layer': 1, 'unit': 0, 'tag': None}}, which is no "
                   "other constraint of its pattern")


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


# --- the claims: counts, domain, format, network ---------------------------------------------------

@pytest.mark.parametrize("kind", ["box", "all"])
@pytest.mark.parametrize("claimed", [18, 16, 0])
def test_activation_count_claimed_wrong(base_certs, kind, claimed):
    cert = copy.deepcopy(base_certs[kind])
    cert["counts"]["activation_regions"] = claimed
    rejected(cert, f"counts.activation_regions claims {claimed}, the certificate proves 7")


@pytest.mark.parametrize("claimed, kind_name", [("17", "a string"), ("7", "a string"), (7.0, "a float"),
                                                (True, "true or false"), (None, "null")])
def test_count_claimed_with_the_wrong_type(base_certs, claimed, kind_name):
    """The string "7" is not the number 7, even when it would be right."""
    cert = copy.deepcopy(base_certs["box"])
    cert["counts"]["activation_regions"] = claimed
    rejected(cert, f"counts.activation_regions is {json.dumps(claimed)}, {kind_name}, not an integer")


@pytest.mark.parametrize("claimed", [[8], [6], [7, 7], []])
def test_per_layer_claimed_wrong(base_certs, claimed):
    cert = copy.deepcopy(base_certs["box"])      # one hidden layer, then an affine output: [7]
    cert["counts"]["per_layer"] = claimed
    rejected(cert, f"counts.per_layer claims {claimed}, the certificate proves [7]")


def test_per_layer_claimed_with_the_wrong_type(base_certs):
    cert = copy.deepcopy(base_certs["box"])
    cert["counts"]["per_layer"] = ["7"]
    rejected(cert, 'counts.per_layer[0] is "7", a string, not an integer')
    cert["counts"]["per_layer"] = 7
    rejected(cert, "counts.per_layer is 7, an integer, not a list")


def test_per_layer_of_a_deeper_net():
    """relu_degenerate has two ReLU layers: its per-layer claim has two entries (brute force), and
    a wrong second one is refused."""
    spec = NETS["relu_degenerate"]
    forms = naive.box_forms([-2, -2], [2, 2])
    cert = certify(spec, box([-2, -2], [2, 2]))
    expected = list(naive.brute_force_patterns(spec, forms)[1])
    assert len(expected) == 2 and verify(copy.deepcopy(cert))["per_layer"] == expected
    cert["counts"]["per_layer"][1] += 1
    rejected(cert, f"counts.per_layer claims {[expected[0], expected[1] + 1]}, the certificate proves {expected}")


@pytest.mark.parametrize("kind", ["box", "all"])
def test_linear_and_bounded_counts_claimed_wrong(base_certs, kind):
    """relu_generic: 7 linear regions (the maps differ across every facet: each unit's output weight
    is nonzero); bounded: 7 in the box, 1 over R^2 (the triangle)."""
    bounded = 7 if kind == "box" else 1
    cert = copy.deepcopy(base_certs[kind])
    assert (cert["counts"]["linear_regions"], cert["counts"]["bounded_regions"]) == (7, bounded)
    cert["counts"]["linear_regions"] = 6
    rejected(cert, "counts.linear_regions claims 6, the certificate proves 7")
    cert = copy.deepcopy(base_certs[kind])
    cert["counts"]["bounded_regions"] = bounded + 1
    rejected(cert, f"counts.bounded_regions claims {bounded + 1}, the certificate proves {bounded}")
    cert = copy.deepcopy(base_certs[kind])
    cert["counts"]["bounded_regions"] = "1"
    rejected(cert, 'counts.bounded_regions is "1", a string, not an integer')


def test_linear_and_bounded_counts_are_optional_claims(base_certs):
    cert = copy.deepcopy(base_certs["all"])
    del cert["counts"]["linear_regions"], cert["counts"]["bounded_regions"]
    result = verify(cert)
    assert (result["linear_regions"], result["bounded_regions"]) == (7, 1)   # derived all the same


def test_linear_regions_merge_across_facets():
    """relu(x) - relu(-x) = x: two activation regions, one linear region (adjacent, same map); |x| + x
    on [-2, 2] with units x, -x: maps 0 (x < 0) and 2x: two. relu(x) + relu(x - 1) - relu(x - 1)
    over R: three activation regions, maps 0, x, x: two linear regions."""
    cases = [([L([[1], [-1]], [0, 0], "relu"), L([[1, -1]], [0], "identity")], 2, 1),
             ([L([[1], [-1]], [0, 0], "relu"), L([[2, 0]], [0], "identity")], 2, 2),
             ([L([[1], [1]], [0, -1], "relu"), L([[1, 0]], [0], "identity")], 3, 2)]
    for spec, activation, linear in cases:
        for domain in (box([-2], [2]), all_space(1)):
            result = verify(certify(spec, domain))
            assert (result["activation_regions"], result["linear_regions"]) == (activation, linear), spec


def test_unknown_claim_is_refused(base_certs):
    cert = copy.deepcopy(base_certs["box"])
    cert["counts"]["regions_total"] = 7
    rejected(cert, "counts has 'regions_total', which this verifier does not check")
    cert = copy.deepcopy(base_certs["box"])
    cert["exact"] = True
    rejected(cert, "the certificate has 'exact', which this verifier does not check")
    cert = copy.deepcopy(base_certs["box"])
    del cert["counts"]["per_layer"]
    rejected(cert, "counts has no 'per_layer'")


@pytest.mark.parametrize("description", ["box:-5,5", "box:-2:2,-2:3", "box:-5:5,-5:5", "all", "ball:0,0;2",
                                         "segment:0,0;1,1", "polytope:4 rows"])
def test_domain_description_changed(base_certs, description):
    """A [-2, 2]^2 certificate relabelled: only "ball:0,0;2" (the L-infinity ball of radius 2 about 0,
    which is [-2, 2]^2) and "polytope:4 rows" (its four rows) describe the same domain."""
    cert = copy.deepcopy(base_certs["box"])
    cert["domain"]["description"] = description
    if description in ("ball:0,0;2", "polytope:4 rows"):
        assert verify(cert)["domain"] == description
    elif description == "segment:0,0;1,1":
        rejected(cert, f"the domain's description {description!r} means dim 1, the certificate's domain has 2")
    else:
        rejected(cert, f"the domain's description {description!r} is not the polyhedron of its rows")


def test_domain_rows_changed(base_certs):
    """The rows of [-5, 5]^2 under the description box:-2:2,-2:2."""
    cert = copy.deepcopy(base_certs["box"])
    cert["domain"]["rows"] = [[str(5 * F(v)) if j == 0 else v for j, v in enumerate(r)] for r in cert["domain"]["rows"]]
    rejected(cert, "the domain's description 'box:-2:2,-2:2' is not the polyhedron of its rows")


def test_domain_description_unreadable(base_certs):
    for description, why in [("box:a,b", "cannot be read"), ("torus:1", "names no domain this verifier knows"),
                             ("box:2,-2", "cannot be read: its side [2, -2] is empty")]:
        cert = copy.deepcopy(base_certs["box"])
        cert["domain"]["description"] = description
        rejected(cert, f"the domain's description {description!r} {why}")


def test_domain_claims_changed(base_certs):
    cert = copy.deepcopy(base_certs["box"])
    cert["domain"]["bounded"] = False
    rejected(cert, "the domain claims bounded = false, its rows make it bounded")
    cert = copy.deepcopy(base_certs["all"])
    cert["domain"]["bounded"] = True
    rejected(cert, "the domain claims bounded = true, its rows make it unbounded")
    cert = copy.deepcopy(base_certs["all"])
    cert["domain"]["volume"] = "144"
    rejected(cert, "the domain is unbounded, the certificate gives it the volume 144")
    cert = copy.deepcopy(base_certs["box"])
    cert["domain"]["dim"] = 3
    rejected(cert, "the domain's rows are not all nonconstant affine forms of 3 parameters")
    cert = copy.deepcopy(base_certs["box"])
    cert["domain"]["bounded"] = "true"
    rejected(cert, 'domain.bounded is "true", a string, not true or false')


def test_segment_and_slice_descriptions():
    """A segment and a slice through R^2 (their embeddings are their descriptions' points); the same
    certificates with a moved end point in the description, or a moved origin, are refused."""
    spec = NETS["relu_generic"]
    for domain in (parse_domain("segment:-1,-2;3,1", 2), parse_domain("slice:0,0;1,0;0,1", 2),
                   parse_domain("slice:1,1;2,-1;0,2", 2)):
        cert = certify(spec, domain)
        assert verify(copy.deepcopy(cert))["domain"] == domain.description
        moved = copy.deepcopy(cert)
        moved["domain"]["description"] = domain.description.replace(":-1,-2;", ":-1,-1;").replace(":0,0;", ":0,1;") \
            .replace(":1,1;", ":1,2;")
        rejected(moved, "means origin")
        moved = copy.deepcopy(cert)
        moved["domain"]["origin"][0] = str(F(moved["domain"]["origin"][0]) + 1)
        rejected(moved, "means origin")


def test_slice_inside_a_polygon_says_so():
    """A slice restricted to a polygon is described with its polygon's row count, and verifies."""
    from analyzer.domain import plane_slice
    domain = plane_slice([0, 0], [1, 0], [0, 1], polygon=[(1, 1, 0), (1, -1, 0), (1, 0, 1), (1, 0, -1)])
    assert domain.description == "slice:0,0;1,0;0,1 polygon:4 rows"
    cert = certify(NETS["relu_generic"], domain)
    result = verify(copy.deepcopy(cert))
    assert result["domain"] == domain.description and F(result["volume"]) == 4
    cert["domain"]["description"] = "slice:0,0;1,0;0,1"
    rejected(cert, "is not the polyhedron of its rows")


# --- which network ---------------------------------------------------------------------------------

def test_network_hash_and_architecture(base_certs):
    """The verifier's SHA-256 of the network is regionscope's provenance hash (two implementations);
    the architecture is 2-3-1 (two inputs, three hidden units, one output)."""
    result = verify(copy.deepcopy(base_certs["box"]))
    assert result["network_sha256"] == network_sha256(naive.build(BASE))
    assert result["architecture"] == "2-3-1" and result["model_checked"] is False
    maxout = verify(certify(NETS["maxout2"], all_space(2)))
    assert maxout["architecture"] == "2-3-1-1" and maxout["network_sha256"] == network_sha256(naive.build(NETS["maxout2"]))


def test_model_given(base_certs):
    net = naive.build(BASE)
    result = verify(copy.deepcopy(base_certs["box"]), model=to_json_dict(net))
    assert result["model_checked"] is True
    # the same numbers written otherwise ("2/2" is 1) are the same network
    model = to_json_dict(net)
    model["layers"][0]["weights"][0][0] = "2/2"
    assert verify(copy.deepcopy(base_certs["box"]), model=model)["model_checked"] is True


def test_certificate_of_another_network(base_certs):
    cert = copy.deepcopy(base_certs["box"])
    other = naive.build([L([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "relu"), L([[1, 5, 1]], [0], "identity")])
    with pytest.raises(Rejected, match=r"layer 2: the certificate's network has weights\[0\]\[1\] = -1, the model 5: "
                                       "it is a certificate of another network"):
        verify(cert, model=to_json_dict(other))
    deeper = naive.build([*BASE[:1], L([[1, 1, 1]], [0], "relu"), L([[1]], [0], "identity")])
    with pytest.raises(Rejected, match="the certificate's network has 2 layers, the model 3"):
        verify(cert, model=to_json_dict(deeper))
    leaky = naive.build([L([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "leaky_relu:1/3"), BASE[1]])
    with pytest.raises(Rejected, match="layer 1: the certificate's network has activation 'relu', the model 'leaky_relu:1/3'"):
        verify(cert, model=to_json_dict(leaky))
    wider = naive.build([L([[1, 0], [0, 1], [1, 1], [1, -1]], [0, 0, -1, 0], "relu"), L([[1, -1, 1, 1]], [0], "identity")])
    with pytest.raises(Rejected, match="layer 1: the certificate's network has weights 3 x 2, the model 4 x 2"):
        verify(cert, model=to_json_dict(wider))


# --- completeness over unbounded domains -----------------------------------------------------------

def remove_region(cert, victim):
    """The certificate without one region, the others' neighbour lists re-indexed: a consistent forgery."""
    cert = copy.deepcopy(cert)
    removed = cert["regions"].pop(victim)
    for region in cert["regions"]:
        region["neighbours"] = [{**e, "region": e["region"] - (e["region"] > victim)}
                                for e in region["neighbours"] if e["region"] != victim]
    cert["counts"]["activation_regions"] -= 1
    cert["counts"]["linear_regions"] -= 1
    cert["counts"]["bounded_regions"] -= removed["volume"] is not None
    cert["counts"]["per_layer"][-1] -= 1      # one hidden layer in the nets used here
    return cert


SLAB = [L([[0, 1], [0, 1]], [0, -1], "relu"), L([[1, 1]], [0], "identity")]   # lines y = 0, y = 1


def test_slab_certificate_by_hand():
    """Units y and y - 1 over R^2: three regions y < 0, 0 < y < 1, y > 1, none with a vertex, none
    bounded; maps 0, y, 2y - 1: three linear regions."""
    cert = certify(SLAB, all_space(2))
    result = verify(copy.deepcopy(cert))
    assert (result["activation_regions"], result["linear_regions"], result["bounded_regions"]) == (3, 3, 0)
    assert all("vertices" not in r for r in cert["regions"])


@pytest.mark.parametrize("victim", [[[0, 0], []], [[1, 0], []], [[1, 1], []]])
def test_slab_region_removed(victim):
    """Any of the three strips removed, the counts lowered to match: the facet that faced it (the line
    y = 0 or y = 1 of a remaining strip) has no region left across it."""
    cert = certify(SLAB, all_space(2))
    message = rejected(remove_region(cert, region_with(cert, victim)), "has no region listed across it")
    assert "(layer 1 unit 0)" in message or "(layer 1 unit 1)" in message


@pytest.mark.parametrize("victim", range(7))
def test_unbounded_region_removed_with_counts_lowered(base_certs, victim):
    """Over R^2 the old verifier's volumes only covered a box; now a region removed (and every count
    lowered to match) leaves some facet without its region across."""
    rejected(remove_region(base_certs["all"], victim), "has no region listed across it")


def test_neighbour_removed_from_a_list_is_caught():
    """Three lines through one point, x = 0, y = 0, x = y, and the parallel line x = 1, over R^2:
    one neighbour entry dropped (its region stays in the certificate) leaves that facet uncovered."""
    spec = [L([[1, 0], [0, 1], [1, -1], [1, 0]], [0, 0, 0, -1], "relu"), L([[1, 1, 1, 1]], [0], "identity")]
    cert = certify(spec, all_space(2))
    i, entry = next((i, e) for i, r in enumerate(cert["regions"]) for e in r["neighbours"])
    cert["regions"][i]["neighbours"].remove(entry)
    rejected(cert, f"region {i}: facet {entry['facet']} (layer 1 unit")


def test_three_dimensional_certificates():
    """Three planes x = 0, y = 0, x + y + z = 1 in general position over R^3: gp(3, 3) = 8 regions, of
    which none is bounded (3 planes bound no cell in R^3); and the planes z = 0, z = 1 cut by x = 0:
    3 x 2 = 6 regions without vertices. Each region removed (counts lowered) is refused."""
    generic = [L([[1, 0, 0], [0, 1, 0], [1, 1, 1]], [0, 0, -1], "relu"), L([[1, 2, 3]], [0], "identity")]
    slab = [L([[0, 0, 1], [0, 0, 1], [1, 0, 0]], [0, -1, 0], "relu"), L([[1, 1, 1]], [0], "identity")]
    for spec, count in ((generic, 8), (slab, 6)):
        cert = certify(spec, all_space(3))
        result = verify(copy.deepcopy(cert))
        assert (result["activation_regions"], result["bounded_regions"]) == (count, 0)
        assert result["activation_regions"] == len(naive.brute_force_patterns(spec, ())[0])
        for victim in range(count):
            rejected(remove_region(cert, victim), "has no region listed across it", "is not covered")


# --- the covering lemma on hand-made pieces ---------------------------------------------------------

def halfspaces(*forms):
    return [tuple(f) for f in forms]


def test_covering_in_one_dimension():
    """Intervals: [0, 3] by [0, 1] and [2, 3] leaves (1, 2), reported at its start 1; by [0, 1] and
    [1, 3], covered; R by (-oo, 0] and [0, oo), covered; R by (-oo, 0] alone: uncovered from 0 on;
    R by [5, oo) alone: uncovered below 5 (a point of the gap is reported, 4)."""
    X = halfspaces((0, 1), (3, -1))
    assert _uncovered(X, [halfspaces((0, 1), (1, -1)), halfspaces((-2, 1), (3, -1))], 1) == (1,)
    assert _uncovered(X, [halfspaces((0, 1), (1, -1)), halfspaces((-1, 1), (3, -1))], 1) is None
    assert _uncovered([], [halfspaces((0, -1)), halfspaces((0, 1))], 1) is None
    assert _uncovered([], [halfspaces((0, -1))], 1) == (0,)
    assert _uncovered([], [halfspaces((-5, 1))], 1) == (4,)
    assert _uncovered([], [], 1) == (0,)


def test_covering_with_a_t_junction():
    """R^2 by the half-plane y <= 0 and the quadrants above it, x <= 0 and x >= 0: covered, with a
    T-junction at the origin (the facet y = 0 of the lower piece has two pieces across). Without the
    quadrant x >= 0, y >= 0 the facet y = 0 still has a piece across it, yet the plane is not
    covered: the gap is reported next to the origin."""
    lower = halfspaces((0, 0, -1))
    left, right = halfspaces((0, 0, 1), (0, -1, 0)), halfspaces((0, 0, 1), (0, 1, 0))
    assert _uncovered([], [lower, left, right], 2) is None
    assert _uncovered([], [lower, left], 2) == (0, 0)
    # the same inside the strip -1 <= x <= 1 (a domain with rows), and a piece sticking out of it
    strip = halfspaces((1, 1, 0), (1, -1, 0))
    assert _uncovered(strip, [lower, left, halfspaces((0, 0, 1), (0, 1, 0), (5, -1, 0))], 2) is None
    assert _uncovered(strip, [lower, left, halfspaces((0, 0, 1), (0, 1, 0), (-1, 0, 1))], 2) == (0, 0)


def test_covering_in_three_dimensions():
    """R^3 by z <= 0, {z >= 0, x <= 0}, {z >= 0, x >= 0, y <= 0} and {z >= 0, x >= 0, y >= 0}:
    covered (T-junctions on the plane z = 0 and on the half-plane x = 0, z >= 0). Each piece left out
    leaves a gap; with the last one left out the gap is reported at the origin, where the missing
    orthant starts. An unbounded slab 0 <= z <= 1 by the two halves x <= 0, x >= 0: covered."""
    pieces = [halfspaces((0, 0, 0, -1)), halfspaces((0, 0, 0, 1), (0, -1, 0, 0)),
              halfspaces((0, 0, 0, 1), (0, 1, 0, 0), (0, 0, -1, 0)), halfspaces((0, 0, 0, 1), (0, 1, 0, 0), (0, 0, 1, 0))]
    assert _uncovered([], pieces, 3) is None
    for k in range(4):
        assert _uncovered([], pieces[:k] + pieces[k + 1:], 3) is not None, k
    assert _uncovered([], pieces[:3], 3) == (0, 0, 0)
    slab = halfspaces((0, 0, 0, 1), (1, 0, 0, -1))
    assert _uncovered(slab, [halfspaces((0, -1, 0, 0)), halfspaces((0, 1, 0, 0))], 3) is None
    assert _uncovered(slab, [halfspaces((0, -1, 0, 0))], 3) is not None


# --- the JSON Schema of the format -----------------------------------------------------------------

@pytest.fixture(scope="module")
def schema():
    jsonschema = pytest.importorskip("jsonschema")
    loaded = json.loads((ROOT / "docs" / "certificate.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(loaded)
    return jsonschema.Draft202012Validator(loaded)


@pytest.mark.parametrize("name, kind", [("relu_generic", "box"), ("relu_generic", "all"), ("maxout3", "all"),
                                        ("hardtanh_1d", "box"), ("relu_1d", "all"), ("identity_middle", "box")])
def test_written_certificates_validate(schema, name, kind):
    spec = NETS[name]
    _, domain, _ = next(d for d in domains(len(spec[0][0][0])) if d[0] == kind)
    cert = certify(spec, domain)
    assert list(schema.iter_errors(cert)) == []
    assert cert["format"] == schema.schema["properties"]["format"]["const"] == FORMAT


def test_schema_refuses_what_the_verifier_refuses(schema, base_certs):
    """The type errors of the claims are schema errors too (a string count, a missing claim, an
    unknown key, a float number, a volume box of format 2)."""
    for change in (lambda c: c["counts"].__setitem__("activation_regions", "17"),
                   lambda c: c["counts"].pop("per_layer"),
                   lambda c: c["counts"].__setitem__("regions_total", 7),
                   lambda c: c["regions"][0].__setitem__("point", [0.5, 0.5]),
                   lambda c: c["domain"].__setitem__("volume_box", []),
                   lambda c: c.__setitem__("format", "regionscope-certificate/2")):
        cert = copy.deepcopy(base_certs["box"])
        change(cert)
        assert list(schema.iter_errors(cert)), change
        with pytest.raises(Rejected):
            verify(cert)


def test_boundedness_and_exact_elimination():
    """_is_bounded by hand: the cube [0, 1]^3 and the simplex x, y, z >= 0, x + y + z <= 1 are
    bounded; the orthant, the wedge x, y >= 0 (rank 2) and the slab 0 <= z <= 1 are not. Rank and
    determinant stay exact with 61-bit entries: (2^60 + 1)(2^60 - 1) - 2^60 2^60 = -1, which float
    division would lose."""
    from analyzer.verifier import _determinant, _is_bounded, _rank
    cube = [(0, 1, 0, 0), (1, -1, 0, 0), (0, 0, 1, 0), (1, 0, -1, 0), (0, 0, 0, 1), (1, 0, 0, -1)]
    simplex = [(0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1), (1, -1, -1, -1)]
    assert _is_bounded(cube, 3) and _is_bounded(simplex, 3)
    assert not _is_bounded(simplex[:3], 3)
    assert not _is_bounded([(0, 1, 0, 0), (0, 0, 1, 0)], 3)
    assert not _is_bounded([(0, 0, 0, 1), (1, 0, 0, -1)], 3)
    assert _is_bounded([(0, 1), (1, -1)], 1) and not _is_bounded([(0, 1)], 1)
    big = [[2 ** 60 + 1, 2 ** 60], [2 ** 60, 2 ** 60 - 1]]
    assert _rank(big) == 2 and _determinant(big) == -1


# --- determinism: the same certificate bytes however the regions were found ------------------------

def _certificate_bytes(net, domain, **options) -> str:
    return json.dumps(build_certificate(net, domain, enumerate_regions(net, domain, **options)))


DETERMINISM_CASES = {
    "he 2-10-10-1 box": (lambda: he_initialised([2, 10, 10, 1], 3), lambda: box([-1, -1], [1, 1])),
    "he 2-6-6-1 R^2": (lambda: he_initialised([2, 6, 6, 1], 1), lambda: all_space(2)),
    "he 3-5-5-1 box": (lambda: he_initialised([3, 5, 5, 1], 2), lambda: box([-1] * 3, [1] * 3)),
    "degenerate box": (lambda: naive.build(NETS["relu_degenerate"]), lambda: box([-2, -2], [2, 2])),
}


@pytest.mark.parametrize("case", DETERMINISM_CASES)
def test_certificate_bytes_for_one_and_two_workers_and_repeated_runs(case):
    """Issue 14 item 4: 1 and 2 workers and a second run give byte-identical certificates (and the
    certificate verifies, with the count of a run without workers)."""
    make_net, make_domain = DETERMINISM_CASES[case]
    net, domain = make_net(), make_domain()
    one = _certificate_bytes(net, domain)
    assert _certificate_bytes(make_net(), make_domain()) == one
    assert _certificate_bytes(net, domain, workers=2) == one
    assert verify(json.loads(one))["activation_regions"] == len(enumerate_regions(net, domain))


@pytest.mark.parametrize("case", ["he 2-10-10-1 box", "he 3-5-5-1 box"])
def test_certificate_bytes_of_a_resumed_run(tmp_path, case):
    """A run stopped by a budget and resumed from its checkpoint gives the bytes of an uninterrupted one."""
    make_net, make_domain = DETERMINISM_CASES[case]
    net, domain = make_net(), make_domain()
    path = str(tmp_path / "run.ckpt")
    part = enumerate_regions(net, domain, budget=Budget(max_regions=20), checkpoint=path)
    assert not part.complete
    assert _certificate_bytes(net, domain, checkpoint=path, resume=True) == _certificate_bytes(net, domain)


def test_cli_certificate_of_a_resumed_run(tmp_path, capsys):
    """count --checkpoint stopped by --max-regions writes no certificate; --resume with --certificate
    writes the uninterrupted run's bytes, with 1 or 2 workers."""
    model, ckpt = tmp_path / "net.npz", tmp_path / "run.ckpt"
    save_npz(he_initialised([2, 10, 10, 1], 3), model)
    whole, resumed = tmp_path / "whole.json", tmp_path / "resumed.json"
    assert main(["count", str(model), "--domain", "box:-1,1", "--certificate", str(whole)]) == 0
    assert main(["count", str(model), "--domain", "box:-1,1", "--checkpoint", str(ckpt), "--max-regions", "20",
                 "--certificate", str(resumed)]) == 4  # PARTIAL
    assert not resumed.exists()
    assert main(["count", str(model), "--domain", "box:-1,1", "--resume", str(ckpt), "--workers", "2",
                 "--certificate", str(resumed)]) == 0
    capsys.readouterr()
    assert resumed.read_bytes() == whole.read_bytes()


def test_verifier_volumes_and_integer_determinants():
    """The verifier's own volume (vertices from integer null vectors, pulling triangulation) on
    polytopes of known volume: the cube [0,2]^3 is 8 (and 8 - 1/6 with the corner simplex of legs
    1 cut off), the simplex x, y, z >= 0, x + y + z <= 1 is 1/6, the cross-polytope
    |x| + |y| + |z| <= 1 is 8/6 = 4/3, with rows through a vertex added; the interval [-1/2, 3] has
    length 7/2. Its Bareiss determinants equal Leibniz's (tests/reference.det) on random integer
    matrices, singular ones included."""
    import random

    import reference
    from analyzer.verifier import _integer_determinant, polytope_volume
    cube = [[0, 1, 0, 0], [2, -1, 0, 0], [0, 0, 1, 0], [2, 0, -1, 0], [0, 0, 0, 1], [2, 0, 0, -1]]
    assert polytope_volume(cube + [[6, -1, -1, -1]], 3) == 8  # x + y + z <= 6 touches (2, 2, 2)
    assert polytope_volume(cube + [[5, -1, -1, -1]], 3) == 8 - F(1, 6)  # cuts off the corner simplex of legs 1
    simplex = [[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, -1, -1, -1], [1, -1, 0, 0]]  # x <= 1 touches a vertex
    assert polytope_volume(simplex, 3) == F(1, 6)
    cross = [[1, *signs] for signs in ((a, b, c) for a in (1, -1) for b in (1, -1) for c in (1, -1))]
    assert polytope_volume(cross, 3) == F(4, 3)
    assert polytope_volume([[1, 2], [6, -2]], 1) == F(7, 2)
    rng = random.Random(5)
    for n in range(1, 5):
        for _ in range(20):
            matrix = [[rng.randint(-3, 3) for _ in range(n)] for _ in range(n)]
            if rng.random() < 0.3:
                matrix[-1] = list(matrix[0])
            assert _integer_determinant(matrix) == reference.det(matrix)
