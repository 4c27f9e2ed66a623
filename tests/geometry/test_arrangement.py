"""geometry/arrangement.py: cells of an arrangement (over R^n and inside a domain) and Zaslavsky's counts.

Every expected value comes from outside the code under test: the Sage data in tests/data, closed forms
(generic arrangements, braid), the hand counts in tests/arrangement_cases.py, or the brute-force reference in
tests/reference.py (one exact LP per sign vector).
"""
from __future__ import annotations

import json
import math
import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings, strategies as st

import arrangement_cases as cases
import reference
from geometry.arrangement import (
    arrangement,
    cells,
    characteristic_coefficients,
    characteristic_polynomial,
    count_cells,
    intersection_poset,
    zaslavsky_counts,
)
from geometry.errors import DimensionMismatchError, EmptyDomainError, GeometryError, NonFiniteError
from geometry.polyhedron import box, polyhedron, volume

DATA = json.loads((Path(__file__).resolve().parent.parent / "data" / "arrangements.json").read_text())
SAGE = {case["name"]: case for case in DATA["cases"]}

SETTINGS = settings(max_examples=120, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- helpers: independent checks of a list of cells -------------------------------------------------

def distinct_count(rows) -> int:
    return len(reference.distinct_hyperplanes(rows)[0])


def sign_set(result) -> set[tuple[int, ...]]:
    signs = [c.signs for c in result]
    assert len(set(signs)) == len(signs), "two cells with the same sign vector"
    return set(signs)


def check_cells(rows, result, domain_rows=()):
    """Each cell's point has the cell's signs, lies strictly inside the domain and strictly inside the
    cell's polyhedron; every polyhedron form is one of the cell's defining halfspaces. All in Fractions."""
    frows = reference.fraction_rows(rows)
    domain = reference.fraction_rows(domain_rows)
    for cell in result:
        p = [Fraction(v) for v in cell.point]
        assert len(cell.signs) == len(frows)
        for row, s in zip(frows, cell.signs):
            assert reference.sign(reference.evaluate(row, p)) == s, (row, s, p)
            if any(row[1:]):
                assert s != 0  # a cell is open: no hyperplane passes through it
        for g in domain:
            assert reference.evaluate(g, p) > 0
        for f in cell.polyhedron.forms:
            assert reference.evaluate([Fraction(v) for v in f], p) > 0, (f, p)
            halfspaces = [tuple(s * v for v in row) for row, s in zip(frows, cell.signs) if any(row[1:])]
            assert any(reference.same_halfspace(f, h) for h in [*halfspaces, *domain]), f


def check_facets(rows, result, domain_rows=()):
    """Each cell polyhedron is the closure of the cell, given by irredundant forms (reference LPs)."""
    frows = reference.fraction_rows(rows)
    for cell in result:
        P = cell.polyhedron
        forms = [[Fraction(v) for v in f] for f in P.forms]
        for i in range(len(forms)):
            assert reference.is_irredundant(forms, i, P.dim), (cell.signs, P.forms[i])
        # nothing strictly inside P is on the wrong side of a hyperplane: P is not larger than the cell
        for row, s in zip(frows, cell.signs):
            if any(row[1:]):
                wrong_side = [-s * v for v in row]
                assert reference.strictly_feasible([*forms, wrong_side], P.dim) is None, (cell.signs, row)
        for g in reference.fraction_rows(domain_rows):
            assert reference.strictly_feasible([*forms, [-v for v in g]], P.dim) is None


# --- 1. the Sage data ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(SAGE))
def test_sage_counts(name):
    case = SAGE[name]
    result = cells(case["rows"])
    assert len(result) == case["regions"]
    assert sum(c.is_relatively_bounded() for c in result) == case["bounded_regions"]
    chi = characteristic_polynomial(case["rows"])
    assert [int(c) for c in reversed(chi.all_coeffs())] == case["charpoly"]
    assert zaslavsky_counts(case["rows"]) == (case["regions"], case["bounded_regions"])
    assert count_cells(case["rows"]) == case["regions"]


def test_sage_data_is_what_we_think():
    assert len(SAGE) == 30
    # the data's own closed forms: braid n!, Shi (n+1)^(n-1), Catalan n! Cat(n)
    assert SAGE["braid_5"]["regions"] == math.factorial(5)
    assert SAGE["shi_4"]["regions"] == 5 ** 3
    assert SAGE["catalan_4"]["regions"] == math.factorial(4) * math.comb(8, 4) // 5


@pytest.mark.parametrize("name", [n for n, c in SAGE.items() if len(c["rows"]) <= 8 and c["dim"] <= 4])
def test_sage_small_cases_match_brute_force(name):
    rows = SAGE[name]["rows"]
    result = cells(rows)
    assert sign_set(result) == reference.brute_force_cells(rows)
    check_cells(rows, result)


@pytest.mark.parametrize("name", [n for n, c in SAGE.items() if c["regions"] <= 350])
def test_sage_float_and_exact_paths_agree(name):
    rows = SAGE[name]["rows"]
    fast, exact = cells(rows), cells(rows, exact=True)
    assert [c.signs for c in fast] == [c.signs for c in exact]
    assert [c.polyhedron for c in fast] == [c.polyhedron for c in exact]


# --- 2. random degenerate arrangements --------------------------------------------------------------

@st.composite
def degenerate_arrangements(draw, max_dim=5, max_base=4, max_extra=4):
    """Small-integer rows plus forced duplicates, opposite rows, parallels, concurrent hyperplanes and
    zero rows, in a random order."""
    dim = draw(st.integers(1, max_dim))
    coefficient = st.integers(-3, 3)
    row = st.lists(coefficient, min_size=dim + 1, max_size=dim + 1)
    rows = draw(st.lists(row, min_size=1, max_size=max_base))
    for op in draw(st.lists(st.sampled_from(["duplicate", "opposite", "parallel", "concurrent", "zero"]),
                            max_size=max_extra)):
        src = draw(st.sampled_from(rows))
        if op == "duplicate":
            k = draw(st.sampled_from([1, 2, Fraction(1, 3), 0.5]))
            rows.append([k * v for v in src])
        elif op == "opposite":
            k = draw(st.sampled_from([1, 3, Fraction(2, 7), 0.25]))
            rows.append([-k * v for v in src])
        elif op == "parallel":
            rows.append([src[0] + draw(st.integers(1, 3))] + list(src[1:]))
        elif op == "concurrent":  # src moved through a point p, and another hyperplane through p
            p = draw(st.lists(st.integers(-2, 2), min_size=dim, max_size=dim))
            a = draw(st.lists(coefficient, min_size=dim, max_size=dim))
            rows.append([-sum(x * y for x, y in zip(src[1:], p))] + list(src[1:]))
            rows.append([-sum(x * y for x, y in zip(a, p))] + a)
        else:
            rows.append([draw(coefficient)] + [0] * dim)
    order = draw(st.permutations(range(len(rows))))
    return [rows[i] for i in order], dim


@SETTINGS
@given(degenerate_arrangements())
def test_random_enumeration_matches_zaslavsky(arr):
    rows, dim = arr
    result = cells(rows)
    regions, bounded = zaslavsky_counts(rows, dim)
    assert len(result) == regions
    assert sum(c.is_relatively_bounded() for c in result) == bounded
    check_cells(rows, result)


@SETTINGS
@given(degenerate_arrangements(max_dim=4, max_base=3, max_extra=3))
def test_random_tiny_sign_vectors_match_brute_force(arr):
    rows, dim = arr
    if distinct_count(rows) > 8:
        return
    result = cells(rows)
    assert sign_set(result) == reference.brute_force_cells(rows)
    assert [c.signs for c in cells(rows, exact=True)] == [c.signs for c in result]


@settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(degenerate_arrangements(max_dim=3, max_base=3, max_extra=2),
       st.lists(st.tuples(st.integers(-3, 1), st.integers(1, 3)), min_size=3, max_size=3))
def test_random_cells_in_a_box(arr, bounds):
    rows, dim = arr
    lower = [lo for lo, _ in bounds[:dim]]
    upper = [lo + width for lo, width in bounds[:dim]]
    domain_rows = reference.box_rows(lower, upper)
    result = cells(rows, box(lower, upper))
    check_cells(rows, result, domain_rows)
    if distinct_count(rows) <= 7:
        assert sign_set(result) == reference.brute_force_cells(rows, domain_rows)
    assert sign_set(result) <= sign_set(cells(rows))
    assert sum(volume(c.polyhedron) for c in result) == math.prod(u - lo for lo, u in zip(lower, upper))


@pytest.mark.parametrize("seed", range(60))
def test_seeded_degenerate_arrangements(seed):
    dim, n = 1 + seed % 5, 6 + seed % 7
    rows = cases.random_degenerate(seed, dim, n)
    result = cells(rows)
    regions, bounded = zaslavsky_counts(rows, dim)
    assert len(result) == regions
    assert sum(c.is_relatively_bounded() for c in result) == bounded
    assert [c.signs for c in cells(rows, exact=True)] == [c.signs for c in result]
    check_cells(rows, result)
    if distinct_count(rows) <= 8:
        assert sign_set(result) == reference.brute_force_cells(rows)


# --- the catalogue: hand counts, brute force, facets, both paths ------------------------------------

CASE_IDS = [c.name for c in cases.CASES]


@pytest.mark.parametrize("case", cases.CASES, ids=CASE_IDS)
def test_catalogue_counts(case):
    result = cells(case.rows)
    assert len(result) == case.regions, case.why
    assert sum(c.is_relatively_bounded() for c in result) == case.bounded, case.why
    assert zaslavsky_counts(case.rows, case.dim) == (case.regions, case.bounded)
    assert count_cells(case.rows) == case.regions
    check_cells(case.rows, result)


@pytest.mark.parametrize("case", cases.TINY, ids=[c.name for c in cases.TINY])
def test_catalogue_sign_vectors_match_brute_force(case):
    assert sign_set(cells(case.rows)) == reference.brute_force_cells(case.rows)


@pytest.mark.parametrize("case", cases.CASES, ids=CASE_IDS)
def test_catalogue_float_and_exact_paths_agree(case):
    fast, exact = cells(case.rows), cells(case.rows, exact=True)
    assert [c.signs for c in fast] == [c.signs for c in exact]
    assert [c.polyhedron for c in fast] == [c.polyhedron for c in exact]
    assert len(exact) == case.regions


@pytest.mark.parametrize("case", cases.TINY, ids=[c.name for c in cases.TINY])
def test_catalogue_facets_are_irredundant_and_exact(case):
    check_facets(case.rows, cells(case.rows))


def test_cells_accept_numpy_rows_and_an_arrangement():
    rows = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [-1.0, 1.0, 1.0]])
    by_list = cells(rows.tolist())
    assert [c.signs for c in cells(rows)] == [c.signs for c in by_list]
    assert [c.signs for c in cells(arrangement(rows.tolist()))] == [c.signs for c in by_list]
    assert len(by_list) == 7  # three lines in general position


# --- row bookkeeping ----------------------------------------------------------------------------------

def test_row_signs_of_duplicates_opposites_and_zero_rows():
    # R^1: x = 0 as (0, 1), (0, -2) and (0, 0.5); zero rows with constants 2, 0, -1
    rows = [[0, 1], [2, 0], [0, -2], [0, 0], [0, 0.5], [-1, 0]]
    result = cells(rows)
    # x < 0 and x > 0; the zero rows get the sign of their constant (see the module docstring)
    assert {c.signs for c in result} == {(-1, 1, 1, 0, -1, -1), (1, 1, -1, 0, 1, -1)}
    A = arrangement(rows)
    assert len(A.hyperplanes) == 1
    for row, k, o in zip(A.rows, A.index, A.orientation):
        if any(row[1:]):
            assert tuple(o * v for v in A.hyperplanes[k]) == row
        else:
            assert k is None


# --- 3. closed forms ------------------------------------------------------------------------------------

@pytest.mark.parametrize("m, d", [(1, 1), (4, 1), (3, 2), (6, 2), (4, 3), (7, 3), (5, 4), (7, 4), (6, 5)])
def test_generic_moment_curve(m, d):
    rows = cases.moment_curve(m, d)
    result = cells(rows)
    assert len(result) == cases.generic_regions(m, d)
    assert sum(c.is_relatively_bounded() for c in result) == cases.generic_bounded(m, d)
    assert zaslavsky_counts(rows) == (cases.generic_regions(m, d), cases.generic_bounded(m, d))
    # chi(t) = sum_k (-1)^k C(m, k) t^(d - k): every k <= d hyperplanes meet in a flat of codim k (Boolean)
    t = sympy.Symbol("t")
    expected = sympy.Poly(sum((-1) ** k * math.comb(m, k) * t ** (d - k) for k in range(min(m, d) + 1)), t)
    assert characteristic_polynomial(rows).all_coeffs() == expected.all_coeffs()
    flats = intersection_poset(rows)
    for k in range(d + 1):
        at_k = [f for f in flats if f.rank == k]
        assert len(at_k) == math.comb(m, k)
        assert all(f.mobius == (-1) ** k for f in at_k)


@pytest.mark.parametrize("seed", range(6))
def test_generic_random_integer(seed):
    rng = random.Random(seed)
    d = 2 + seed % 3
    m = d + 2 + seed % 2
    while True:
        rows = [[rng.randint(-9, 9) for _ in range(d + 1)] for _ in range(m)]
        if reference.is_generic(rows):
            break
    result = cells(rows)
    assert len(result) == cases.generic_regions(m, d)
    assert sum(c.is_relatively_bounded() for c in result) == cases.generic_bounded(m, d)
    assert sum(c.is_bounded() for c in result) == cases.generic_bounded(m, d)  # essential: the same


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_braid_has_n_factorial_regions(n):
    rows = cases.braid(n)
    result = cells(rows)
    assert len(result) == math.factorial(n)
    assert not any(c.is_relatively_bounded() for c in result)
    # each region is one ordering of the coordinates: its point sorts differently from every other
    orders = {tuple(sorted(range(n), key=lambda i: c.point[i])) for c in result}
    assert len(orders) == math.factorial(n)
    # chi(t) = t (t - 1) ... (t - n + 1)
    t = sympy.Symbol("t")
    expected = sympy.Poly(sympy.prod([t - k for k in range(n)]), t)
    assert characteristic_polynomial(rows).all_coeffs() == expected.all_coeffs()


def test_braid_4_intersection_poset_is_the_partition_lattice():
    # flats of x_i = x_j in R^4 <-> set partitions of {1..4}; rank = 4 - #blocks; S(4, k) = 1, 6, 7, 1
    flats = intersection_poset(cases.braid(4))
    assert [sum(f.rank == r for f in flats) for r in range(4)] == [1, 6, 7, 1]
    # mu of the bottom flat x1 = x2 = x3 = x4 (one block of size 4) is (-1)^3 3! = -6
    assert [f.mobius for f in flats if f.rank == 3] == [-6]


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_coordinate_and_cube_arrangements(d):
    assert len(cells(cases.coordinate(d))) == 2 ** d
    t = sympy.Symbol("t")
    assert characteristic_polynomial(cases.coordinate(d)).all_coeffs() == sympy.Poly((t - 1) ** d, t).all_coeffs()
    result = cells(cases.cube_facets(d))
    assert len(result) == 3 ** d
    bounded = [c for c in result if c.is_bounded()]
    assert len(bounded) == 1 and all(0 < x < 1 for x in bounded[0].point)


def test_named_small_closed_forms():
    # three concurrent lines plus a parallel to one of them: 9 regions, 1 bounded (hand count in catalogue)
    result = cells([[0, 1, 0], [0, 0, 1], [0, 1, 1], [-1, 1, 0]])
    assert len(result) == 9 and sum(c.is_bounded() for c in result) == 1
    # five generic lines: 1 + 5 + 10 = 16 regions, C(4, 2) = 6 bounded
    result = cells(cases.moment_curve(5, 2, start=-2))
    assert len(result) == 16 and sum(c.is_bounded() for c in result) == 6


# --- 3b. Zaslavsky without the poset: the plane and independent normals ------------------------------

def poset_coefficients(rows, dim=None):
    """chi's coefficients summed from the intersection poset (the generic path)."""
    A = arrangement(rows, dim)
    coefficients = [0] * (A.dim + 1)
    for flat in intersection_poset(A):
        coefficients[A.dim - flat.rank] += flat.mobius
    return coefficients


@pytest.mark.parametrize("seed", range(40))
def test_fast_paths_agree_with_the_poset(seed):
    """The planar formula and the independent-normals closed form against the Möbius sums of the
    poset, on seeded degenerate arrangements (concurrent, parallel, duplicate, opposite, zero rows)."""
    dim, n = 1 + seed % 5, 3 + seed % 11
    rows = cases.random_degenerate(seed, dim, n)
    assert characteristic_coefficients(rows, dim) == poset_coefficients(rows, dim)
    few = rows[:max(1, dim - seed % 2)]  # at most dim rows: independent normals or not
    assert characteristic_coefficients(few, dim) == poset_coefficients(few, dim)


@pytest.mark.parametrize("name", [n for n, c in SAGE.items() if c["dim"] == 2])
def test_planar_formula_on_the_sage_data(name):
    case = SAGE[name]
    assert characteristic_coefficients(case["rows"]) == case["charpoly"] == poset_coefficients(case["rows"])


def test_planar_formula_on_many_degenerate_lines():
    """Lines through a few common points and in a few parallel families, with duplicates: the planar
    formula against the poset (both O(n^2) in the plane)."""
    rng = random.Random(5)
    points = [(rng.randint(-4, 4), rng.randint(-4, 4)) for _ in range(6)]
    rows = []
    for _ in range(150):
        a = (rng.randint(-3, 3), rng.randint(-3, 3))
        x, y = rng.choice(points)
        rows.append([-(a[0] * x + a[1] * y) - rng.choice([0, 0, 0, 1]), *a])
    assert characteristic_coefficients(rows) == poset_coefficients(rows)


@pytest.mark.parametrize("n", [1, 2, 7, 40])
def test_generic_lines_closed_form(n):
    """n lines in general position (tangents of the moment curve): 1 + n + C(n, 2) regions,
    C(n - 1, 2) bounded."""
    assert zaslavsky_counts(cases.moment_curve(n, 2)) == (cases.generic_regions(n, 2), cases.generic_bounded(n, 2))
    assert cases.generic_regions(n, 2) == 1 + n + math.comb(n, 2)


def test_planar_hand_cases():
    # m lines through the origin: 2m sectors, none bounded (chi = t^2 - m t + (m - 1))
    for m in (1, 2, 5):
        rows = [(0, math.cos(k), math.sin(k)) for k in range(m)]
        assert zaslavsky_counts(rows) == (2 * m, 0)
        assert characteristic_coefficients(rows) == [m - 1, -m, 1]
    # a vertical and b horizontal lines: a grid of (a+1)(b+1) cells, (a-1)(b-1) bounded
    for a, b in ((1, 1), (2, 3), (4, 4)):
        rows = [(k, 1, 0) for k in range(a)] + [(k, 0, 1) for k in range(b)]
        assert zaslavsky_counts(rows) == ((a + 1) * (b + 1), (a - 1) * (b - 1))
    # n parallel lines: n + 1 strips, n - 1 of them bounded modulo the lineality (rank 1)
    assert zaslavsky_counts([(k, 2, 3) for k in range(5)]) == (6, 4)
    # no line at all (or only zero-normal rows): the plane itself, relatively bounded
    assert zaslavsky_counts([(1, 0, 0), (-2, 0, 0)], 2) == (1, 1)
    # coincident rows (scaled, negated, as floats) count once: the three concurrent lines plus a parallel
    base = [[0, 1, 0], [0, 0, 1], [0, 1, 1], [-1, 1, 0]]  # 9 regions, 1 bounded (hand count in the catalogue)
    doubled = base + [[0, -2, 0], [0, 0, 0.5], [0, Fraction(-1, 3), Fraction(-1, 3)], [3, -3, 0]]
    assert zaslavsky_counts(base) == zaslavsky_counts(doubled) == (9, 1)


def test_independent_normals():
    """m <= n hyperplanes with independent normals meet in every subset: chi = t^(n-m) (t-1)^m,
    2^m regions, none relatively bounded."""
    rows = [(1, 1, 0, 0, 0, 0), (-2, 1, 1, 0, 0, 0), (0, 0, 3, 0, 1, 5)]
    assert characteristic_coefficients(rows) == poset_coefficients(rows) == [0, 0, -1, 3, -3, 1]
    assert zaslavsky_counts(rows) == (8, 0)
    # 300 coordinate-like hyperplanes in R^400 (the poset would have 2^300 flats)
    wide = [tuple(int(j in (0, i + 1, i + 2)) for j in range(401)) for i in range(300)]
    assert zaslavsky_counts(wide) == (2 ** 300, 0)
    # three planes of R^3 with coplanar normals (a triangular prism): the poset path; 7 regions, the
    # triangle's prism bounded modulo the lineality
    prism = [(0, 1, 0, 0), (0, 0, 1, 0), (-1, 1, 1, 0)]
    assert zaslavsky_counts(prism) == (7, 1)
    assert characteristic_coefficients(prism) == poset_coefficients(prism) == [0, 3, -3, 1]


# --- 4. cells inside a box: exact volumes ---------------------------------------------------------------

def box_volume(lower, upper):
    return math.prod(Fraction(u) - Fraction(lo) for lo, u in zip(lower, upper))


BOXED = [c for c in cases.CASES if c.dim <= 3 and not c.near_degenerate]


@pytest.mark.parametrize("case", BOXED, ids=[c.name for c in BOXED])
def test_catalogue_in_a_box(case):
    lower = [Fraction(-3, 2), -1, Fraction(-1, 3)][:case.dim]
    upper = [2, Fraction(5, 2), 3][:case.dim]
    domain_rows = reference.box_rows(lower, upper)
    result = cells(case.rows, box(lower, upper))
    check_cells(case.rows, result, domain_rows)
    check_facets(case.rows, result, domain_rows)
    assert sign_set(result) == reference.brute_force_cells(case.rows, domain_rows)
    assert len(result) <= case.regions
    assert count_cells(case.rows, box(lower, upper)) == len(result)
    volumes = [volume(c.polyhedron) for c in result]
    assert all(v > 0 for v in volumes)
    assert sum(volumes) == box_volume(lower, upper)


ORTHANT_CASES = [c for c in cases.TINY if c.dim <= 3]


@pytest.mark.parametrize("case", ORTHANT_CASES, ids=[c.name for c in ORTHANT_CASES])
def test_catalogue_in_an_unbounded_domain(case):
    # the shifted orthant x_i >= -1/2: an unbounded domain, handled without any "large box"
    domain_rows = [[Fraction(1, 2)] + [int(i == j) for j in range(case.dim)] for i in range(case.dim)]
    result = cells(case.rows, polyhedron(domain_rows))
    check_cells(case.rows, result, domain_rows)
    check_facets(case.rows, result, domain_rows)
    assert sign_set(result) == reference.brute_force_cells(case.rows, domain_rows)
    assert count_cells(case.rows, polyhedron(domain_rows)) == len(result)


@pytest.mark.parametrize("name", [n for n, c in SAGE.items() if c["dim"] <= 3 or n in ("random_d4_n7_c2", "braid_4")])
def test_sage_volumes_in_a_box(name):
    case = SAGE[name]
    lower, upper = [-2] * case["dim"], [Fraction(5, 2)] * case["dim"]
    result = cells(case["rows"], box(lower, upper))
    assert len(result) <= case["regions"]
    assert sum(volume(c.polyhedron) for c in result) == box_volume(lower, upper)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_braid_in_the_unit_cube(n):
    # the orderings of the coordinates cut [0,1]^n into n! congruent simplices of volume 1/n!
    result = cells(cases.braid(n), box([0] * n, [1] * n))
    assert len(result) == math.factorial(n)
    assert all(volume(c.polyhedron) == Fraction(1, math.factorial(n)) for c in result)
    assert all(len(c.polyhedron.forms) == n + 1 for c in result)  # a simplex has n + 1 facets


@pytest.mark.parametrize("level, pieces", [
    (1, {Fraction(1, 6), Fraction(5, 6)}),          # {x + y + z <= 1} in the unit cube is a 1/6 corner
    (Fraction(3, 2), {Fraction(1, 2)}),             # symmetric about the centre: two halves
    (2, {Fraction(5, 6), Fraction(1, 6)}),          # the opposite corner
])
def test_unit_cube_cut_by_a_diagonal_plane(level, pieces):
    result = cells([[-level, 1, 1, 1]], box([0, 0, 0], [1, 1, 1]))
    assert len(result) == 2
    assert {volume(c.polyhedron) for c in result} == pieces


def test_unit_cube_cut_through_its_vertices_and_centre():
    # planes through the centre and through cube vertices / edges: many degenerate incidences
    rows = [[0, 1, -1, 0], [0, 0, 1, -1], [0, 1, 0, -1], [-1, 1, 1, 0], [-Fraction(3, 2), 1, 1, 1],
            [0, 1, -1, 1], [-1, 2, 0, 0]]
    result = cells(rows, box([0, 0, 0], [1, 1, 1]))
    assert sum(volume(c.polyhedron) for c in result) == 1
    assert sign_set(result) == reference.brute_force_cells(rows, reference.box_rows([0, 0, 0], [1, 1, 1]))


def test_square_cut_by_its_diagonals():
    # [-1,1]^2 cut by y = x and y = -x: four triangles of area 1
    result = cells([[0, 1, -1], [0, 1, 1]], box([-1, -1], [1, 1]))
    assert [volume(c.polyhedron) for c in result] == [1, 1, 1, 1]


def test_hyperplanes_outside_or_on_the_boundary_do_not_cut():
    # x = 5 misses [0,1]^2, x = 0 and x + y = 2 only touch it: one cell, the whole square
    rows = [[-5, 1, 0], [0, 1, 0], [-2, 1, 1]]
    result = cells(rows, box([0, 0], [1, 1]))
    assert len(result) == 1 and result[0].signs == (-1, 1, -1)
    assert volume(result[0].polyhedron) == 1
    check_facets(rows, result, reference.box_rows([0, 0], [1, 1]))


def test_cells_in_a_polytope_domain():
    # the triangle x, y >= 0, x + y <= 1 cut by x = y: two triangles of area 1/4
    domain_rows = [[0, 1, 0], [0, 0, 1], [1, -1, -1]]
    result = cells([[0, 1, -1]], polyhedron(domain_rows))
    assert [volume(c.polyhedron) for c in result] == [Fraction(1, 4), Fraction(1, 4)]
    check_cells([[0, 1, -1]], result, domain_rows)
    check_facets([[0, 1, -1]], result, domain_rows)


def test_near_degenerate_cells_in_a_box():
    # x = 1 and x = 1/(1 + 2^-52) in [0, 2]: three pieces of lengths 1/(1+e), 1 - 1/(1+e), 1
    rows = [[-1, 1], [-1, 1 + cases.EPS]]
    result = cells(rows, box([0], [2]))
    root = 1 / (1 + Fraction(cases.EPS))
    assert sorted(volume(c.polyhedron) for c in result) == sorted([root, 1 - root, Fraction(1)])
    assert [c.signs for c in result] == [c.signs for c in cells(rows, box([0], [2]), exact=True)]


@pytest.mark.parametrize("offset", [2 ** 40, 2 ** 60, 10 ** 30])
def test_far_away_unit_box_cut_by_its_diagonal(offset):
    # [c, c+1] x [0, 1] cut by x + y = c + 1: two right triangles of area 1/2, on both paths
    domain = box([offset, 0], [offset + 1, 1])
    rows = [[-(offset + 1), 1, 1]]
    for exact in (True, False):
        result = cells(rows, domain, exact=exact)
        assert [volume(c.polyhedron) for c in result] == [Fraction(1, 2), Fraction(1, 2)]


def test_tiny_box_cut_by_its_diagonal():
    side = Fraction(1, 2 ** 60)
    for exact in (True, False):
        result = cells([[0, 1, -1]], box([0, 0], [2.0 ** -60, 2.0 ** -60]), exact=exact)
        assert [volume(c.polyhedron) for c in result] == [side * side / 2] * 2


# --- 6. near-degenerate input: float path versus exact path ---------------------------------------------

@pytest.mark.parametrize("case", cases.NEAR_DEGENERATE, ids=[c.name for c in cases.NEAR_DEGENERATE])
def test_near_degenerate_counts_on_both_paths(case):
    for exact in (False, True):
        result = cells(case.rows, exact=exact)
        assert len(result) == case.regions, (exact, case.why)
        assert sum(c.is_relatively_bounded() for c in result) == case.bounded
        check_cells(case.rows, result)
    assert sign_set(cells(case.rows)) == reference.brute_force_cells(case.rows)


def test_parallel_points_beyond_double_precision():
    # x = -2^53 and x = -2^53 - 1 are distinct points of R^1 (the constants are equal as doubles):
    # 3 cells. Found by the catalogue's huge_coefficients_r2 case; the float LP path must not give up.
    rows = [[2 ** 53, 1], [2 ** 53 + 1, 1]]
    assert len(cells(rows, exact=True)) == 3
    assert len(cells(rows)) == 3


def test_one_ulp_apart_is_a_different_hyperplane():
    assert len(cells([[-1, 1], [-1, 1 + 2 ** -52]])) == 3       # x = 1 and (1 + 2^-52) x = 1
    assert len(cells([[0, 1, -1], [0, 1 + 2 ** -52, -1]])) == 4  # slopes 1 and 1 + 2^-52
    assert len(cells([[-1, 1], [-1.0, 1.0]])) == 2               # the same line twice


# --- 9. bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("rows", [[[float("nan"), 1]], [[1, float("inf")]], [[0, 1], [1, -float("inf")]],
                                  [[np.float64("nan"), 1.0]], [["nan", 1]]])
def test_non_finite_coefficients(rows):
    for call in (cells, count_cells, zaslavsky_counts):
        with pytest.raises(NonFiniteError, match="not finite"):
            call(rows)


def test_rows_of_different_lengths():
    with pytest.raises(DimensionMismatchError) as info:
        cells([[1, 2], [1, 2, 3]])
    message = str(info.value)
    assert ("2" in message and "3" in message) or ("R^1" in message and "R^2" in message), message
    assert isinstance(info.value, ValueError)
    with pytest.raises(DimensionMismatchError):
        count_cells([[1, 2, 3], [1, 2]])
    with pytest.raises(DimensionMismatchError):
        zaslavsky_counts([[1, 2, 3], [1, 2]])


def test_arrangement_and_domain_of_different_dimensions():
    with pytest.raises(DimensionMismatchError) as info:
        cells([[0, 1, 0]], box([0], [1]))
    message = str(info.value)
    assert ("R^1" in message and "R^2" in message) or ("2" in message and "3" in message), message
    with pytest.raises(DimensionMismatchError, match="R\\^2.*R\\^1|R\\^1.*R\\^2"):
        cells(arrangement([[0, 1, 0]]), box([0], [1]))
    with pytest.raises(DimensionMismatchError):
        count_cells([[0, 1, 0]], box([0, 0, 0], [1, 1, 1]))


def test_no_rows_and_no_domain():
    with pytest.raises(DimensionMismatchError, match="dimension"):
        cells([])
    assert len(cells([], box([0, 0], [1, 1]))) == 1


@pytest.mark.parametrize("domain, word", [
    (box([1, 0], [0, 1]), "empty"),                       # lower > upper
    (polyhedron([[-1, 1], [0, -1]]), "empty"),             # x >= 1 and x <= 0
    (polyhedron([[-1, 0, 0]]), "empty"),                   # the constant -1 >= 0
    (box([0, 0], [1, 0]), "lower-dimensional"),           # a segment in R^2
    (box([2], [2]), "lower-dimensional"),                 # a point in R^1
    (polyhedron([[0, 1, -1], [0, -1, 1]]), "lower-dimensional"),  # the line x = y
])
def test_empty_and_lower_dimensional_domains(domain, word):
    rows = [[0] + [1] * domain.dim]
    for call in (cells, count_cells):
        with pytest.raises(EmptyDomainError, match=word) as info:
            call(rows, domain)
        assert isinstance(info.value, GeometryError) and isinstance(info.value, ValueError)
        assert f"R^{domain.dim}" in str(info.value)
