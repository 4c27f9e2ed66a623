"""geometry/certified_lp.py: the certified LP splitter against exact answers.

The oracle is tests/reference.py's exact LP (cdd.gmp, no geometry code): the side ``{g > 0}`` of a
candidate meets the region exactly when ``forms + [g]`` is strictly feasible. Every certified
answer must agree with it, every returned point is checked here in Fractions, and the counts of
whole arrangements built with classify/child must equal Sage's (tests/data/arrangements.json).
"""
from __future__ import annotations

import itertools
import json
import random
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import reference
from arrangement_cases import random_degenerate
from geometry import certified_lp_kernels as kernels
from geometry.certified_lp import (LPRegion, Meets, Outcome, argmax_cells, boundedness, child, classify, enclosure,
                                   lp_region, pieces_met, split, split_argmax, _exact_dual, _exact_farkas,
                                   _exact_witness)
from geometry.exact import form_of_row, is_constant, negate
from geometry.polyhedron import from_forms, is_bounded

DATA = json.loads((Path(__file__).resolve().parent.parent / "data" / "arrangements.json").read_text())


def exact_outcome(forms, g, dim) -> Outcome:
    """The answer by the reference LP: which open sides of g meet {forms > 0}."""
    positive = reference.strictly_feasible([*forms, g], dim) is not None
    negative = reference.strictly_feasible([*forms, negate(g)], dim) is not None
    assert positive or negative  # the region is full-dimensional
    return Outcome.CUTS if positive and negative else (Outcome.POSITIVE if positive else Outcome.NEGATIVE)


def strictly_inside(forms, point) -> bool:
    x = [Fraction(v) for v in point]
    return all(reference.evaluate([Fraction(v) for v in f], x) > 0 for f in forms)


def value(form, point) -> Fraction:
    return reference.evaluate([Fraction(v) for v in form], [Fraction(v) for v in point])


def check(region_forms, point, candidates, dim, *, box=None, with_exact=True):
    """Classify and compare with the oracle; return the number of undecided candidates."""
    region = lp_region(region_forms, point, box=box)
    if not with_exact:
        region.exact = None
    G, RG = enclosure(candidates)
    answer = classify(region, G, RG, candidates if with_exact else None)
    undecided = 0
    for u, g in enumerate(candidates):
        outcome = Outcome(int(answer.outcomes[u]))
        if outcome is Outcome.UNDECIDED:
            undecided += 1
            continue
        if is_constant(g):
            assert outcome is (Outcome.POSITIVE if g[0] > 0 else Outcome.NEGATIVE), (g, outcome)
            continue
        assert outcome is exact_outcome(region_forms, g, dim), (region_forms, point, g, outcome)
        if outcome is Outcome.CUTS:
            above, below = answer.points[u]
            assert strictly_inside(region_forms, above) and value(g, above) > 0
            assert strictly_inside(region_forms, below) and value(g, below) < 0
    return undecided


def random_cell(rng: random.Random, dim: int, rows, bounded: bool):
    """The cell of ``rows`` containing a random dyadic point off every hyperplane (and, if bounded,
    the box |x_i| < 4 around it), as primitive forms oriented positive there, with the point."""
    forms = [form_of_row(r) for r in rows]
    forms = [f for f in forms if not is_constant(f)]
    while True:
        point = [rng.randint(-40, 40) / 16 + rng.randint(1, 15) / 4096 for _ in range(dim)]
        values = [value(f, point) for f in forms]
        if all(values):
            break
    cell = [f if v > 0 else negate(f) for f, v in zip(forms, values)]
    if bounded:
        cell += [f for i in range(dim) for f in ((4, *[int(j == i) for j in range(dim)]),
                                                 (4, *[-int(j == i) for j in range(dim)]))]
    return cell, point


@pytest.mark.parametrize("dim", [2, 3, 4, 5, 6])
@pytest.mark.parametrize("bounded", [False, True])
def test_degenerate_regions_agree_with_the_exact_lp(dim, bounded):
    """Small-integer regions and candidates with duplicates, opposites, parallels, hyperplanes
    through a common point and zero rows (tests/catalogue.py), bounded by a box or not: every
    certified answer is the exact one; with exact forms, undecided answers are rare."""
    rng = random.Random(1000 * dim + bounded)
    undecided = total = 0
    for seed in range(6):
        arrangement = random_degenerate(100 * dim + seed, dim, 8)
        cell, point = random_cell(rng, dim, arrangement[:5], bounded)
        candidates = [form_of_row(r) for r in arrangement] + [f for f in cell[:3]] + [negate(cell[0])]
        candidates += [(cell[1][0] + 1, *cell[1][1:]), (cell[1][0] - 1, *cell[1][1:])]  # parallel to a facet
        box = (np.full(dim, -4.0), np.full(dim, 4.0)) if bounded else None
        candidates = [g for g in candidates if any(g)]  # the zero form has no sides
        for with_exact in (True, False):
            found = check(cell, point, candidates, dim, box=box, with_exact=with_exact)
            if with_exact:
                undecided += found
                total += len(candidates)
    assert undecided <= total // 20, (undecided, total)


@pytest.mark.parametrize("dim", [2, 3, 4, 5, 6])
def test_random_weights_are_decided_in_floats(dim):
    """Random float weights (generic): floats alone decide every candidate, and correctly."""
    rng = np.random.default_rng(dim)
    for seed in range(4):
        rows = [tuple(v) for v in rng.normal(size=(3 * dim, dim + 1))]
        cell, point = random_cell(random.Random(seed), dim, rows, bounded=seed % 2 == 1)
        candidates = [form_of_row(v) for v in rng.normal(size=(10, dim + 1))]
        box = (np.full(dim, -4.0), np.full(dim, 4.0)) if seed % 2 else None
        assert check(cell, point, candidates, dim, box=box, with_exact=False) == 0


def test_faces_touching_and_coincident_forms():
    """The unit square (0,1)^2: by hand, x + y - 2 touches it only at the corner (1, 1) and x - 1
    only along the edge x = 1 (both <= 0 on it: NEGATIVE); 2 - x - y >= 0 (POSITIVE); a facet
    itself, twice a facet, and a facet shifted outwards are POSITIVE, its negation NEGATIVE; x - y
    and 2x + 2y - 1 cut it; a positive constant is POSITIVE. The touching cases have l0 = 0, which
    floats cannot certify: without exact forms they are undecided, never wrong."""
    square = [(0, 1, 0), (0, 0, 1), (1, -1, 0), (1, 0, -1)]
    candidates = [(-2, 1, 1), (-1, 1, 0), (2, -1, -1), (0, 1, 0), (0, 2, 0), (1, 1, 0), (0, -1, 0), (0, 1, -1),
                  (-1, 2, 2), (3, 0, 0)]
    expected = ["NEGATIVE", "NEGATIVE", "POSITIVE", "POSITIVE", "POSITIVE", "POSITIVE", "NEGATIVE", "CUTS", "CUTS",
                "POSITIVE"]
    region = lp_region(square, [0.375, 0.25])
    G, RG = enclosure(candidates)
    got = classify(region, G, RG, candidates).outcomes
    assert [Outcome(int(v)).name for v in got] == expected
    region.exact = None
    floats_only = classify(region, G, RG).outcomes
    for v, name in zip(floats_only, expected):
        assert Outcome(int(v)).name in (name, "UNDECIDED")
    assert Outcome(int(floats_only[0])) is Outcome.UNDECIDED  # the corner: l0 = 0 exactly


def test_all_of_space_and_unbounded_regions():
    """Over all of R^d every nonconstant form cuts (witnesses along rays); in the halfspace x > 0 of
    R^3 the form x + 1 is positive, -x negative, y cuts, and x - 5 cuts (far out along a ray)."""
    for dim in (2, 4, 6):
        candidates = [form_of_row(r) for r in np.random.default_rng(dim).integers(-3, 4, size=(8, dim + 1))]
        candidates = [g for g in candidates if not is_constant(g)]
        assert check([], [0.0] * dim, candidates, dim) == 0
    assert check([(0, 1, 0, 0)], [0.5, 0.0, 0.0], [(1, 1, 0, 0), (0, -1, 0, 0), (0, 0, 1, 0), (-5, 1, 0, 0)], 3) == 0


def test_arrangement_counts_match_sage():
    """Every region of each arrangement in tests/data (counts by Sage) over R^d, found by splitting
    with classify and child alone (the reference LP only where the splitter is undecided)."""
    for case in DATA["cases"]:
        dim = case["dim"]
        rows = [form_of_row(r) for r in case["rows"]]
        rows = [r for r in rows if not is_constant(r)]
        assert count_cells(lp_region([], [0.0] * dim), rows) == case["regions"], case["name"]


def test_split_finds_every_cell_of_the_arrangements():
    """split() of all of R^d by each arrangement of tests/data: as many pieces as Sage's regions,
    one sign vector each, every piece's point strictly inside it (checked here exactly, against
    the states split reports)."""
    for case in DATA["cases"]:
        dim = case["dim"]
        rows = [form_of_row(r) for r in case["rows"]]
        rows = [r for r in rows if not is_constant(r)]
        G, RG = enclosure(rows)
        pieces = split(lp_region([], [0.0] * dim), G, RG, exact=lambda rows=rows: rows)
        assert pieces is not None and len(pieces) == case["regions"], case["name"]
        assert len({tuple(s) for s in pieces.states}) == len(pieces)
        for j in range(len(pieces)):
            point = pieces[j].point
            assert all(value(g, point) > 0 if state else value(g, point) < 0 for g, state in zip(rows, pieces.states[j]))
            forms = pieces[j].exact_forms()
            assert strictly_inside(forms, point) and len(forms) == len(pieces[j].forms)


@pytest.mark.parametrize("dim", [3, 5])
def test_split_of_a_cell_with_known_states(dim):
    """Inside a bounded cell of a degenerate arrangement, split by other degenerate forms agrees
    with the reference count of the cells there; forms given as known keep their state."""
    rng = random.Random(dim)
    for seed in range(4):
        arrangement = random_degenerate(500 + 10 * dim + seed, dim, 9)
        cell, point = random_cell(rng, dim, arrangement[:4], bounded=True)
        rows = [form_of_row(r) for r in arrangement[4:]]
        rows = [r for r in rows if not is_constant(r)] + [cell[0]]  # a facet of the cell: known positive
        G, RG = enclosure(rows)
        known = np.full(len(rows), -1, np.int8)
        known[-1] = 1
        pieces = split(lp_region(cell, point, box=(np.full(dim, -4.0), np.full(dim, 4.0))), G, RG, known, rows)
        assert pieces is not None
        assert len(pieces) == reference_count(cell, rows[:-1], dim)
        assert (pieces.states[:, -1] == 1).all()
        for j in range(len(pieces)):
            assert strictly_inside(cell, pieces[j].point)


@pytest.mark.parametrize("weights", ["integer", "float"])
def test_two_relu_layers_as_nested_splits(weights):
    """A ReLU net R^4 -> 5 -> 4 written as forms: split R^4 by the first layer, then each cell by
    the second layer's pre-activations on it, ``W2 diag(s) (W1 x + b1) + b2`` (exact integers).
    Cells where fewer than 4 units are active give second-layer forms constant along a direction
    in which the cell is unbounded, which floats cannot certify; the exact forms settle them. The
    total must equal a brute force over all 2^9 sign vectors with the reference LP."""
    rng = np.random.default_rng(4)
    dim, n1, n2 = 4, 5, 4
    if weights == "integer":
        W1, b1 = rng.integers(-3, 4, (n1, dim)), rng.integers(-2, 3, n1)
        W2, b2 = rng.integers(-3, 4, (n2, n1)), rng.integers(-2, 3, n2)
    else:
        W1, b1, W2, b2 = rng.normal(size=(n1, dim)), rng.normal(size=n1), rng.normal(size=(n2, n1)), rng.normal(size=n2)
    W1, b1, W2, b2 = ([[Fraction(v) for v in row] for row in M] for M in (W1, b1[:, None], W2, b2[:, None]))
    first = [form_of_row([b1[i][0], *W1[i]]) for i in range(n1)]
    G, RG = enclosure(first)
    cells = split(lp_region([], [0.0] * dim), G, RG, exact=first)
    total = 0
    for j in range(len(cells)):
        on = cells.states[j]
        second = []
        for u in range(n2):  # z2_u = b2_u + sum_i W2[u][i] on_i (b1_i + W1_i . x)
            row = [b2[u][0] + sum(W2[u][i] * b1[i][0] for i in range(n1) if on[i])]
            row += [sum(W2[u][i] * W1[i][c] for i in range(n1) if on[i]) for c in range(dim)]
            second.append(form_of_row(row))
        if all(is_constant(g) for g in second):  # constant units do not split (their state is read off)
            total += 1
            continue
        live = [g for g in second if not is_constant(g)]
        G2, RG2 = enclosure(live)
        pieces = split(cells[j], G2, RG2, exact=live)
        assert pieces is not None
        total += len(pieces)
    brute = 0
    for signs in itertools.product((1, -1), repeat=n1 + n2):
        s1, s2 = signs[:n1], signs[n1:]
        forms = [f if s > 0 else negate(f) for f, s in zip(first, s1)]
        for u in range(n2):
            row = [b2[u][0] + sum(W2[u][i] * b1[i][0] for i in range(n1) if s1[i] > 0)]
            row += [sum(W2[u][i] * W1[i][c] for i in range(n1) if s1[i] > 0) for c in range(dim)]
            g = form_of_row(row)
            if is_constant(g):
                if (g[0] > 0) != (s2[u] > 0):
                    break
                continue
            forms.append(g if s2[u] > 0 else negate(g))
        else:
            brute += reference.strictly_feasible(forms, dim) is not None
    assert total == brute


def count_cells(region: LPRegion, rows) -> int:
    if not rows:
        return 1
    G, RG = enclosure(rows)
    answer = classify(region, G, RG, rows)
    outcomes = [Outcome(int(v)) for v in answer.outcomes]
    if Outcome.UNDECIDED in outcomes:
        return reference_count(list(region.exact_forms()), rows, region.dim)
    cutting = [u for u, o in enumerate(outcomes) if o is Outcome.CUTS]
    if not cutting:
        return 1
    u, rest = cutting[0], [rows[v] for v in cutting[1:]]
    return sum(count_cells(child(region, G[u], RG[u], s, answer.points[u, t], rows[u]), rest)
               for t, s in ((0, 1), (1, -1)))


def reference_count(forms, rows, dim) -> int:
    for i, g in enumerate(rows):
        sides = [f for f in (g, negate(g)) if reference.strictly_feasible([*forms, f], dim) is not None]
        if len(sides) == 2:
            return sum(reference_count([*forms, f], rows[i + 1:], dim) for f in sides)
    return 1


def test_children_keep_their_certificates():
    """Cut a 5-D region repeatedly: each child, with its inherited warm starts, still answers exactly."""
    rng = random.Random(7)
    dim = 5
    rows = [tuple(rng.randint(-4, 4) for _ in range(dim + 1)) for _ in range(7)]
    cell, point = random_cell(rng, dim, rows, bounded=False)
    region = lp_region(cell, point)
    forms = list(cell)
    for _ in range(6):
        candidates = [form_of_row([rng.randint(-4, 4) for _ in range(dim + 1)]) for _ in range(8)]
        candidates = [g for g in candidates if not is_constant(g)]
        G, RG = enclosure(candidates)
        answer = classify(region, G, RG, candidates)
        for u, g in enumerate(candidates):
            outcome = Outcome(int(answer.outcomes[u]))
            assert outcome in (Outcome.UNDECIDED, exact_outcome(forms, g, dim))
        cutting = [u for u in range(len(candidates)) if answer.outcomes[u] == Outcome.CUTS]
        if not cutting:
            continue
        u = cutting[0]
        region = child(region, G[u], RG[u], -1, answer.points[u, 1], candidates[u])
        forms.append(negate(candidates[u]))
        assert region.exact_forms() == tuple(forms)
        assert strictly_inside(forms, region.point)


# --- the certificates are checked ------------------------------------------------------------------

def test_a_tampered_dual_is_rejected():
    """The triangle x > 0, y > 0, 1 - x - y > 0 and g = 9/4 - x - 2y = 1/4 + 1 * x + 2 * (1 - x - y):
    the multipliers (1, 2) on rows 0 and 2 (the basis of the vertex (0, 1)) and l0 = 1/4 certify
    g >= 0. The same basis for g - 1/2 (l0 = -1/4), the wrong basis {0, 1} (multipliers (-1, -2)),
    and radii that swallow the margin must all fail, in floats and exactly. g = 5/4 - x - y is
    1/4 + (1 - x - y): a multiplier exactly 0 on row 0, which floats cannot prove nonnegative,
    but exact arithmetic does."""
    F = np.array([[0.0, 1, 0], [0.0, 0, 1], [1.0, -1, -1]])
    RF = np.zeros_like(F)
    g = np.array([2.25, -1.0, -2.0])
    rg = np.zeros(3)
    assert kernels.dual_certified(F, RF, g, rg, np.array([0, 2]))
    assert not kernels.dual_certified(F, RF, g - np.array([0.5, 0, 0]), rg, np.array([0, 2]))
    assert not kernels.dual_certified(F, RF, g, rg, np.array([0, 1]))
    assert not kernels.dual_certified(F, RF + 1.0, g, rg, np.array([0, 2]))
    assert not kernels.dual_certified(F, RF, np.array([1.25, -1.0, -1.0]), rg, np.array([0, 2]))
    forms = [(0, 1, 0), (0, 0, 1), (1, -1, -1)]
    assert _exact_dual(forms, (9, -4, -8), np.array([0, 2]))  # 4 g
    assert not _exact_dual(forms, (7, -4, -8), np.array([0, 2]))
    assert not _exact_dual(forms, (9, -4, -8), np.array([0, 1]))
    assert _exact_dual(forms, (5, -4, -4), np.array([0, 2]))


def test_a_tampered_point_is_rejected():
    """A point is a witness only when every form is positive there, exactly or with its error bound."""
    forms = [(0, 1, 0), (0, 0, 1), (1, -1, -1)]
    F, RF = enclosure(forms)
    assert kernels.inside(F, RF, np.array([0.25, 0.25]))
    assert not kernels.inside(F, RF, np.array([0.5, 0.5]))  # on the facet x + y = 1
    assert not kernels.inside(F, RF, np.array([0.25, -2.0 ** -60]))
    assert not kernels.inside(F, RF + 1.0, np.array([0.25, 0.25]))
    assert _exact_witness(forms, (0, 1, -1), 1, np.array([0.375, 0.25]))
    assert not _exact_witness(forms, (0, 1, -1), -1, np.array([0.375, 0.25]))  # wrong side of g
    assert not _exact_witness(forms, (0, 1, -1), 1, np.array([0.75, 0.5]))  # outside the triangle


def test_a_tampered_farkas_vector_is_rejected():
    """x > 0, y > 0, -x - y - 1 > 0 is empty (the sum of the three forms is -1): certified on all
    three rows, in floats and exactly. With the last form 1 - x - y the forms are feasible (at
    (1/4, 1/4)), so the same rows must not certify anything."""
    forms = [(0, 1, 0), (0, 0, 1), (-1, -1, -1)]
    F, RF = enclosure(forms)
    weights = kernels.row_norms(F)
    assert kernels.farkas_certified(F, RF, weights, np.array([0, 1, 2]))
    assert _exact_farkas(forms, [0, 1, 2])
    feasible = [(0, 1, 0), (0, 0, 1), (1, -1, -1)]
    F2, RF2 = enclosure(feasible)
    assert not kernels.farkas_certified(F2, RF2, kernels.row_norms(F2), np.array([0, 1, 2]))
    assert not _exact_farkas(feasible, [0, 1, 2])


def test_verified_solve_encloses_the_exact_solution():
    """Random 6 x 6 systems with radii: the exact solution of the float data (Fractions, by the
    reference's Gaussian elimination) lies within rho of y; a singular matrix is refused."""
    rng = np.random.default_rng(3)
    for _ in range(20):
        M = rng.normal(size=(6, 6))
        r = rng.normal(size=6)
        ok, y, rho = kernels.verified_solve(M, np.full((6, 6), 1e-14), r, np.zeros(6))
        assert ok
        exact = reference.solve_linear([[Fraction(v) for v in row] for row in M], [Fraction(v) for v in r])
        assert all(abs(Fraction(yi) - e) <= Fraction(ri) for yi, e, ri in zip(y, exact, rho))
    singular = np.ones((3, 3))
    assert not kernels.verified_solve(singular, np.zeros((3, 3)), np.ones(3), np.zeros(3))[0]


def test_enclosure_contains_the_exact_forms():
    """Each row is a power of two times the exact form, within its radii (big integers too)."""
    forms = [(3, -7, 2 ** 70 + 1), (-(3 ** 400), 5 ** 300, 1), (1, 0, 0)]
    F, R = enclosure(forms)
    for form, row, radii in zip(forms, F, R):
        scale = max(abs(v) for v in form)
        exponent = scale.bit_length() - 1 - (max(0, scale.bit_length() - 62))
        shift = max(0, scale.bit_length() - 62)
        multiple = [Fraction(v, 2 ** (shift + exponent)) for v in form]
        assert all(abs(Fraction(a) - m) <= Fraction(r) for a, m, r in zip(row, multiple, radii))


# --- pieces: maxout cells -------------------------------------------------------------------------

def maxout_cells_exactly(forms, rows, dim):
    """The argmax cells {z_a > z_b, b != a} that meet {forms > 0}, by the reference LP."""
    met = []
    for a, za in enumerate(rows):
        cell = [tuple(x - y for x, y in zip(za, zb)) for b, zb in enumerate(rows) if b != a]
        if reference.strictly_feasible([*forms, *cell], dim) is not None:
            met.append(a)
    return met


@pytest.mark.parametrize("dim", [2, 3, 4, 5])
def test_argmax_cells_agree_with_the_exact_lp(dim):
    """Random maxout units of rank 2 to 4 on random regions: the certified cells are the exact
    ones, each with a point checked here in Fractions."""
    rng = random.Random(dim)
    for trial in range(8):
        rows = [tuple(rng.randint(-5, 5) for _ in range(dim + 1)) for _ in range(6)]
        cell, point = random_cell(rng, dim, rows, bounded=trial % 2 == 0)
        region = lp_region(cell, point)
        k = 2 + trial % 3
        Z = [tuple(rng.randint(-6, 6) for _ in range(dim + 1)) for _ in range(k)]
        if len(set(Z)) < k:
            continue
        F, R = np.array(Z, dtype=float), np.zeros((k, dim + 1))
        found = argmax_cells(region, F, R, Z)
        assert found is not None
        assert [a for a, _ in found] == maxout_cells_exactly(cell, Z, dim)
        for a, q in found:
            assert strictly_inside(cell, q)
            assert all(value(Z[a], q) > value(Z[b], q) for b in range(k) if b != a)


def test_argmax_cells_by_hand():
    """max(x, y, -x - y) over R^2: all three cells (by symmetry, each a 120-degree sector); on the
    quadrant x, y > 0 the cell of -x - y is empty (there -x - y < 0 < x); max(x, x + 1) has the
    one cell of x + 1 and the cell of x is empty, a Farkas vector proves it; equal rows are a tie:
    undecided (the exact engine's rule settles it)."""
    plane = lp_region([], [0.0, 0.0])
    Z = np.array([[0.0, 1, 0], [0.0, 0, 1], [0.0, -1, -1]])
    assert [a for a, _ in argmax_cells(plane, Z, np.zeros_like(Z))] == [0, 1, 2]
    quadrant = lp_region([(0, 1, 0), (0, 0, 1)], [1.0, 1.0])
    assert [a for a, _ in argmax_cells(quadrant, Z, np.zeros_like(Z))] == [0, 1]
    shifted = np.array([[0.0, 1, 0], [1.0, 1, 0]])
    assert [a for a, _ in argmax_cells(plane, shifted, np.zeros_like(shifted))] == [1]
    tie = np.array([[0.0, 1, 0], [0.0, 1, 0]])
    assert argmax_cells(plane, tie, np.zeros_like(tie)) is None


def argmax_pieces_exactly(forms, rows, k, dim):
    """The argmax patterns of a maxout layer (unit u's rows ``u k .. u k + k - 1``; of equal rows the
    lowest index) whose cells meet {forms > 0} in an open set, by the reference LP."""
    n, found = len(rows) // k, []
    for states in itertools.product(range(k), repeat=n):
        cells = []
        for u, a in enumerate(states):
            za = rows[u * k + a]
            for b in range(k):
                zb = rows[u * k + b]
                if b != a and not (zb == za and a < b):
                    cells.append(tuple(x - y for x, y in zip(za, zb)))
        if not any(is_constant(c) and c[0] <= 0 for c in cells) and reference.strictly_feasible(
                [*forms, *(c for c in cells if not is_constant(c))], dim) is not None:
            found.append(states)
    return found


def maxout_ties_of(rows, k):
    """The comparisons equal rows settle (the lowest index wins), as split_argmax takes them."""
    ties = np.zeros(len(rows) * k, np.int8)
    for u in range(len(rows) // k):
        for a in range(k):
            for b in range(k):
                if a != b and rows[u * k + a] == rows[u * k + b]:
                    ties[(u * k + a) * k + b] = 1 if a < b else -1
    return ties


@pytest.mark.parametrize("dim", [2, 3, 5])
def test_split_argmax_agrees_with_the_exact_lp(dim):
    """Two maxout units of small integer rows (ties, constant differences, concurrent cells) on
    random regions: the pieces are the exact ones, each with a point in its cells and its exact
    forms (made lazily) defining it."""
    rng = random.Random(100 + dim)
    decided = 0
    for trial in range(10):
        rows = [tuple(rng.randint(-4, 4) for _ in range(dim + 1)) for _ in range(5)]
        cell, point = random_cell(rng, dim, rows, bounded=trial % 2 == 0)
        region = lp_region(cell, point)
        k = 2 + trial % 2
        Z = [tuple(rng.randint(-3, 3) for _ in range(dim + 1)) for _ in range(2 * k)]
        if trial % 3 == 0:
            Z[1] = Z[0]  # equal rows: settled by the ties
        F, R = np.array(Z, dtype=float), np.zeros((2 * k, dim + 1))
        found = split_argmax(region, F, R, k, maxout_ties_of(Z, k), exact=lambda: Z)
        if found is None:
            continue
        decided += 1
        states = [tuple(s) for s in found.states.tolist()]
        assert sorted(states) == argmax_pieces_exactly(cell, Z, k, dim)
        for j, s in enumerate(states):
            piece = found[j]
            for u, a in enumerate(s):
                assert all(value(Z[u * k + a], piece.point) > value(Z[u * k + b], piece.point)
                           for b in range(k) if b != a and Z[u * k + b] != Z[u * k + a])
            assert strictly_inside(piece.exact_forms(), piece.point) and strictly_inside(cell, piece.point)
    assert decided >= 8


def test_split_argmax_calls_the_exact_forms_only_when_floats_fail():
    rng = np.random.default_rng(3)
    region = lp_region([], [0.0] * 5)
    Z = rng.normal(size=(6, 6))

    def never():
        raise AssertionError("floats decide a generic maxout layer")
    found = split_argmax(region, Z, np.zeros_like(Z), 3, exact=never)
    assert found is not None and len(found) >= 2
    tie = np.vstack([Z[:1], Z[:1]])
    assert split_argmax(region, tie, np.zeros_like(tie), 2) is None  # equal rows and no ties: undecided
    assert split_argmax(region, tie, np.zeros_like(tie), 2, np.array([0, 1, -1, 0], np.int8)).states.tolist() == [[0]]


def test_pieces_met_misses_with_a_certificate():
    """The piece {x > 2} misses the unit square: MISSES; {x > 1/2, y > 1/2} meets it."""
    square = lp_region([(0, 1, 0), (0, 0, 1), (1, -1, 0), (1, 0, -1)], [0.25, 0.25])
    far = np.array([[-2.0, 1, 0]])
    corner = np.array([[-0.5, 1, 0], [-0.5, 0, 1]])
    met = pieces_met(square, [(far, np.zeros_like(far), None), (corner, np.zeros_like(corner), None)])
    assert met[0] == (Meets.MISSES, None)
    assert met[1][0] is Meets.MEETS and strictly_inside([(-1, 2, 0), (-1, 0, 2)], met[1][1])


# --- boundedness -----------------------------------------------------------------------------------------

def unit(dim: int, i: int, s: int = 1) -> tuple[int, ...]:
    return tuple(s * int(j == i) for j in range(dim))


def test_boundedness_by_hand():
    """The simplex x_i > 0, 1 - sum x_i > 0 in R^5 and the box |x_i| < 1 in R^6 are bounded; the
    cone x_i > 0 with 1 + sum x_i > 0 (more rows than the dimension) contains the ray e_1; the
    two slabs below have recession cones of lower dimension (the line through (-1, 2, 1), where
    3x + y + z and y - 2z are constant; the ray (-1, 3), on which 3x + y is constant), which no
    float certificate proves (it does not survive perturbing a row), so without exact forms the
    answer is 0 only by luck, never 1; with them, the exact ray of the LP's basis proves it.
    Rows 1 < x_1 < 3 and 0 < x_2 < 1 in R^3 are exact floats (entries 0, +-1): there the line
    along e_3 is certified in floats."""
    simplex = [(0, *unit(5, i)) for i in range(5)] + [(1, *[-1] * 5)]
    assert boundedness(lp_region(simplex, [0.125] * 5)) == 1
    box = [(1, *unit(6, i, s)) for i in range(6) for s in (1, -1)]
    assert boundedness(lp_region(box, [0.0] * 6)) == 1
    cone = [(0, *unit(5, i)) for i in range(5)] + [(1, *[1] * 5)]
    assert boundedness(lp_region(cone, [0.25] * 5)) == 0
    for forms, point in (([(0, 3, 1, 1), (3, -3, -1, -1), (0, 0, 1, -2), (1, 0, -1, 2)], [0.25, 1.0, 0.25]),
                         ([(0, 3, 1), (3, -3, -1), (0, 0, 1)], [0.25, 1.0])):
        region = lp_region(forms, point)
        assert boundedness(region) == 0
        region.exact = None
        assert boundedness(region) in (0, -1)
    aligned = lp_region([(-1, 1, 0, 0), (3, -1, 0, 0), (0, 0, 1, 0), (1, 0, -1, 0)], [2.0, 0.5, 7.0])
    aligned.exact = None
    assert boundedness(aligned) == 0


def test_boundedness_certificates_need_their_margins():
    """Radii that swallow the rows (every exact row within 1 of the float one) certify nothing."""
    simplex = lp_region([(0, *unit(5, i)) for i in range(5)] + [(1, *[-1] * 5)], [0.125] * 5)
    cone = lp_region([(0, *unit(5, i)) for i in range(5)] + [(1, *[1] * 5)], [0.25] * 5)
    for region in (simplex, cone):
        loose = LPRegion(region.forms, region.radii + 1.0, region.point)
        assert boundedness(loose) == -1


@pytest.mark.parametrize("dim", [5, 6])
@pytest.mark.parametrize("bounded", [False, True])
def test_boundedness_agrees_with_cdd(dim, bounded):
    """Cells of small-integer degenerate arrangements (duplicates, opposites, parallels,
    concurrencies) and of random float rows, in a box or not: every certified answer is cdd's
    (:func:`geometry.polyhedron.is_bounded`, exact generators), with and without exact forms;
    with them nearly all are decided, and without them all the generic float cells are."""
    rng = random.Random(10 * dim + bounded)
    frng = np.random.default_rng(dim + 2 * bounded)
    decided = total = 0
    for seed in range(12):
        degenerate = seed % 2 == 0
        rows = random_degenerate(200 * dim + seed, dim, 3 * dim) if degenerate else [
            tuple(v) for v in frng.normal(size=(3 * dim, dim + 1))]
        cell, point = random_cell(rng, dim, rows, bounded and seed % 4 < 2)
        truth = int(is_bounded(from_forms(cell, dim)))
        region = lp_region(cell, point)
        answer = boundedness(region)
        assert answer in (truth, -1), (cell, answer, truth)
        decided += answer >= 0
        total += 1
        region.exact = None
        floats = boundedness(region)
        assert floats in (truth, -1), (cell, floats, truth)
        if not degenerate:
            assert floats == truth, cell
    assert decided >= total - 1, (decided, total)
