"""geometry/polyhedron.py: H-polyhedra, interior points, emptiness, facets, generators, boundedness, volume.

Expected values are hand computations (explained next to them), closed forms, or the references in
tests/reference.py (brute-force vertices, the irredundancy LP, Leibniz determinants).
"""
from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

import reference
from geometry.errors import DimensionMismatchError, EmptyDomainError, GeometryError, NonFiniteError, UnboundedError
from geometry.polyhedron import (
    HPolyhedron,
    box,
    contains,
    contains_in_interior,
    describe,
    emptiness_certificate,
    facets,
    generators,
    implication_at_vertices,
    interior_point,
    is_bounded,
    is_empty,
    is_full_dimensional,
    is_relatively_bounded,
    polyhedron,
    polytope_volume,
    volume,
    whole_space,
)

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None)


def values_at(P: HPolyhedron, point):
    """Each form of P at the point, in Fractions (by hand, not through the library's predicates)."""
    x = [Fraction(v) for v in point]
    return [f[0] + sum(a * xi for a, xi in zip(f[1:], x)) for f in P.forms]


def check_farkas(P: HPolyhedron, y):
    y = [Fraction(v) for v in y]
    assert len(y) == len(P.forms)
    assert all(v >= 0 for v in y) and any(y)
    for j in range(1, P.dim + 1):
        assert sum(v * f[j] for v, f in zip(y, P.forms)) == 0
    assert sum(v * f[0] for v, f in zip(y, P.forms)) <= 0


# --- hand examples: (rows, dim, bounded, relatively bounded, empty, full-dimensional) ---------------

HAND = {
    "orthant": ([[0, 1, 0], [0, 0, 1]], 2, False, False, False, True),
    "halfplane": ([[0, 1, 0]], 2, False, False, False, True),
    "ray_r1": ([[0, 1]], 1, False, False, False, True),
    "wedge": ([[0, -1, 1], [0, 1, 1]], 2, False, False, False, True),           # y >= |x|
    "half_strip": ([[0, 1, 0], [1, -1, 0], [0, 0, 1]], 2, False, False, False, True),
    "strip": ([[0, 1, 0], [1, -1, 0]], 2, False, True, False, True),            # 0 <= x <= 1
    "slab_r3": ([[0, 1, 1, 1], [1, -1, -1, -1]], 3, False, True, False, True),  # 0 <= x+y+z <= 1
    "box": ([[0, 1, 0], [1, -1, 0], [-2, 0, 1], [3, 0, -1]], 2, True, True, False, True),
    "triangle": ([[0, 1, 0], [0, 0, 1], [6, -2, -3]], 2, True, True, False, True),
    "line": ([[0, 1, -1], [0, -1, 1]], 2, False, True, False, False),            # x = y
    "segment": ([[0, 1, 0], [1, -1, 0], [0, 0, 1], [0, 0, -1]], 2, True, True, False, False),
    "point": ([[0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], 2, True, True, False, False),
    "empty_r1": ([[-1, 1], [0, -1]], 1, None, None, True, False),               # x >= 1 and x <= 0
    "empty_r2": ([[0, 1, 0], [0, 0, 1], [-1, -1, -1]], 2, None, None, True, False),
}


@pytest.mark.parametrize("name", sorted(HAND))
def test_hand_examples_boundedness_and_dimension(name):
    rows, dim, bounded, rel_bounded, empty, full = HAND[name]
    P = polyhedron(rows)
    assert P.dim == dim
    assert is_empty(P) is empty
    assert is_full_dimensional(P) is full
    assert is_full_dimensional(P, exact=True) is full
    if bounded is not None:
        assert is_bounded(P) is bounded
        assert is_relatively_bounded(P) is rel_bounded


def test_whole_space():
    P = whole_space(3)
    assert P.forms == () and P.dim == 3
    assert not is_empty(P) and is_full_dimensional(P)
    assert not is_bounded(P) and is_relatively_bounded(P)  # R^3 modulo R^3 is a point
    g = generators(P)
    assert len(g.vertices) == 1 and not g.rays
    assert len(g.lines) == 3 and reference.rank(g.lines) == 3


@pytest.mark.parametrize("name", sorted(HAND))
def test_interior_point_and_emptiness_certificate(name):
    rows, dim, _, _, empty, full = HAND[name]
    P = polyhedron(rows)
    for exact in (False, True):
        p = interior_point(P, exact=exact)
        y = emptiness_certificate(P, exact=exact)
        if full:
            assert p is not None and y is None
            assert len(p) == dim and all(v > 0 for v in values_at(P, p))
            assert contains_in_interior(P, p) and contains(P, p)
        else:
            assert p is None  # lower-dimensional or empty: no interior point
            check_farkas(P, y)


def test_empty_versus_lower_dimensional():
    line = polyhedron(HAND["line"][0])
    assert not is_empty(line) and interior_point(line) is None
    assert contains(line, [Fraction(1, 3), Fraction(1, 3)]) and not contains_in_interior(line, [0, 0])
    empty = polyhedron(HAND["empty_r1"][0])
    assert is_empty(empty) and interior_point(empty) is None
    infeasible_constant = polyhedron([[-1, 0, 0], [0, 1, 0]])
    assert is_empty(infeasible_constant) and interior_point(infeasible_constant) is None
    always = polyhedron([[1, 0, 0], [0, 1, 0]])  # the constant 1 >= 0 holds everywhere
    assert not is_empty(always) and is_full_dimensional(always)


def test_canonical_forms():
    # x + 2 >= 0 written four ways and a constant that always holds: one form
    P = polyhedron([[2, 1], [4, 2], [1.0, 0.5], ["2/3", "1/3"], [5, 0]])
    assert P == polyhedron([[2, 1]])
    assert len(P.forms) == 1
    # opposite rows are different halfspaces
    assert len(polyhedron([[2, 1], [-2, -1]]).forms) == 2


# --- generators -------------------------------------------------------------------------------------

def check_generators(P: HPolyhedron, g):
    """Representation-independent checks: vertices in P, rays in the recession cone and not in the
    lineality space, lines in the lineality space."""
    for v in g.vertices:
        assert all(val >= 0 for val in values_at(P, v)), v
    for r in g.rays:
        dots = [sum(a * d for a, d in zip(f[1:], r)) for f in P.forms]
        assert all(d >= 0 for d in dots) and any(d > 0 for d in dots), r
    for line in g.lines:
        assert all(sum(a * d for a, d in zip(f[1:], line)) == 0 for f in P.forms), line


def test_generators_of_pointed_examples():
    g = generators(polyhedron(HAND["triangle"][0]))
    assert set(g.vertices) == {(0, 0), (3, 0), (0, 2)} and not g.rays and not g.lines
    g = generators(polyhedron(HAND["box"][0]))
    assert set(g.vertices) == {(0, 2), (0, 3), (1, 2), (1, 3)} and not g.rays and not g.lines
    g = generators(polyhedron(HAND["orthant"][0]))
    assert set(g.vertices) == {(0, 0)} and set(g.rays) == {(1, 0), (0, 1)} and not g.lines
    g = generators(polyhedron(HAND["wedge"][0]))  # y >= |x|: apex 0, rays (1, 1) and (-1, 1)
    assert set(g.vertices) == {(0, 0)} and set(g.rays) == {(1, 1), (-1, 1)} and not g.lines
    g = generators(polyhedron(HAND["half_strip"][0]))
    assert set(g.vertices) == {(0, 0), (1, 0)} and set(g.rays) == {(0, 1)} and not g.lines
    g = generators(polyhedron(HAND["point"][0]))
    assert set(g.vertices) == {(0, 0)} and not g.rays and not g.lines
    g = generators(polyhedron(HAND["segment"][0]))
    assert set(g.vertices) == {(0, 0), (1, 0)} and not g.rays and not g.lines


def test_generators_with_lineality():
    P = polyhedron(HAND["strip"][0])  # 0 <= x <= 1: one line (0, 1), two vertices modulo it
    g = generators(P)
    check_generators(P, g)
    assert [abs(v) for v in g.lines[0]] == [0, 1] and len(g.lines) == 1 and not g.rays
    assert sorted(v[0] for v in g.vertices) == [0, 1]
    P = polyhedron(HAND["halfplane"][0])  # x >= 0: one line (0, 1), one ray with x > 0, one vertex x = 0
    g = generators(P)
    check_generators(P, g)
    assert len(g.lines) == 1 and len(g.rays) == 1 and g.rays[0][0] > 0
    assert len(g.vertices) == 1 and g.vertices[0][0] == 0
    P = polyhedron(HAND["slab_r3"][0])  # lineality {x + y + z = 0}, of dimension 2
    g = generators(P)
    check_generators(P, g)
    assert len(g.lines) == 2 and reference.rank(g.lines) == 2 and not g.rays
    assert sorted(sum(v) for v in g.vertices) == [0, 1]


def test_generators_of_empty():
    g = generators(polyhedron(HAND["empty_r2"][0]))
    assert not g.vertices and not g.rays and not g.lines


def random_polytope_rows(rng: random.Random, dim: int, extra: int):
    """A box [-3, 3]^dim cut by `extra` random integer halfspaces through points near the centre."""
    rows = [list(r) for r in reference.box_rows([-3] * dim, [3] * dim)]
    for _ in range(extra):
        a = [rng.randint(-3, 3) for _ in range(dim)]
        rows.append([rng.randint(-2, 4)] + a)
    return rows


@pytest.mark.parametrize("seed", range(12))
def test_vertices_match_brute_force(seed):
    rng = random.Random(seed)
    dim = 1 + seed % 3
    rows = random_polytope_rows(rng, dim, 2 + seed % 3)
    P = polyhedron(rows)
    g = generators(P)
    assert not g.rays and not g.lines
    assert set(g.vertices) == reference.brute_force_vertices(rows)


# --- facets -----------------------------------------------------------------------------------------

def test_facets_drop_redundant_rows():
    # the square [0,1]^2 plus x <= 5, x + y <= 10 and x + y >= -1 (all redundant)
    square = [[0, 1, 0], [1, -1, 0], [0, 0, 1], [1, 0, -1]]
    P = polyhedron(square + [[5, -1, 0], [10, -1, -1], [1, 1, 1]])
    got = facets(P)
    assert len(got) == 4
    assert all(any(reference.same_halfspace(f, s) for s in square) for f in got)


def test_facets_at_a_degenerate_apex():
    # square pyramid: z >= 0, |x| <= 1 - z, |y| <= 1 - z; four facets meet at the apex (0, 0, 1)
    rows = [[0, 0, 0, 1], [1, -1, 0, -1], [1, 1, 0, -1], [1, 0, -1, -1], [1, 0, 1, -1]]
    P = polyhedron(rows + [[1, 0, 0, -1]])  # z <= 1 is redundant (it only touches the apex)
    got = facets(P)
    assert len(got) == 5
    assert not any(reference.same_halfspace(f, [1, 0, 0, -1]) for f in got)


@SETTINGS
@given(st.integers(1, 3), st.lists(st.lists(st.integers(-3, 3), min_size=4, max_size=4), min_size=1, max_size=5))
def test_facets_match_reference_irredundancy(dim, extra):
    rows = [list(r) for r in reference.box_rows([-2] * dim, [2] * dim)]
    rows += [r[:dim + 1] for r in extra]
    P = polyhedron(rows)
    if reference.strictly_feasible(P.forms, dim) is None:
        with pytest.raises(EmptyDomainError):
            facets(P)
        return
    expected = {f for i, f in enumerate(P.forms) if reference.is_irredundant(P.forms, i, dim)}
    assert set(facets(P)) == expected
    assert set(facets(P, exact=True)) == expected


def test_facets_of_lower_dimensional_raise():
    with pytest.raises(EmptyDomainError, match="lower-dimensional"):
        facets(polyhedron(HAND["line"][0]))
    with pytest.raises(EmptyDomainError, match="empty"):
        facets(polyhedron(HAND["empty_r1"][0]))


# --- volume -----------------------------------------------------------------------------------------

def standard_simplex_rows(n):
    """x_i >= 0 and 1 - sum x_i >= 0."""
    rows = [[0] + [int(i == j) for j in range(n)] for i in range(n)]
    rows.append([1] + [-1] * n)
    return rows


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_standard_simplex_volume(n):
    assert volume(polyhedron(standard_simplex_rows(n))) == Fraction(1, math.factorial(n))


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_cross_polytope_volume(n):
    # sum |x_i| <= 1: 2^n orthant copies of the standard simplex, volume 2^n / n!
    rows = [[1] + list(signs) for signs in itertools.product((1, -1), repeat=n)]
    assert volume(polyhedron(rows)) == Fraction(2 ** n, math.factorial(n))


def test_hand_volumes():
    assert volume(polyhedron(HAND["triangle"][0])) == 3  # legs 3 and 2
    assert volume(polyhedron(HAND["box"][0])) == 1
    assert volume(box([0, "1/3", -1], [Fraction(1, 2), 1, 0.25])) == Fraction(1, 2) * Fraction(2, 3) * Fraction(5, 4)
    # square pyramid of base 2 x 2 and height 1 (four facets through the apex): 4/3
    pyramid = [[0, 0, 0, 1], [1, -1, 0, -1], [1, 1, 0, -1], [1, 0, -1, -1], [1, 0, 1, -1]]
    assert volume(polyhedron(pyramid)) == Fraction(4, 3)
    # a tetrahedron with intercepts 4, 3, 2: 4 * 3 * 2 / 6
    assert volume(polyhedron([[0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [12, -3, -4, -6]])) == 4
    # the order simplex 1 >= x >= y >= z >= 0, vertices 0, e1, e1+e2, e1+e2+e3: det 1, so 1/3!
    assert volume(polyhedron([[1, -1, 0, 0], [0, 1, -1, 0], [0, 0, 1, -1], [0, 0, 0, 1]])) == Fraction(1, 6)


def test_volume_of_lower_dimensional_and_empty_is_zero():
    for name in ("segment", "point", "empty_r1", "empty_r2"):
        assert volume(polyhedron(HAND[name][0])) == 0, name


@pytest.mark.parametrize("name", ["orthant", "strip", "halfplane", "line"])
def test_volume_of_unbounded_raises(name):
    with pytest.raises(UnboundedError, match="unbounded"):
        volume(polyhedron(HAND[name][0]))


@pytest.mark.parametrize("seed", range(10))
def test_affine_simplex_volume_is_det_over_factorial(seed):
    """The simplex v0 + M * (standard simplex) has volume |det M| / n!. Its H-representation is
    y = M^-1 (x - v0) >= 0 and 1 - sum y >= 0, computed here with Fractions."""
    rng = random.Random(1000 + seed)
    n = 2 + seed % 3
    while True:
        M = [[rng.randint(-4, 4) for _ in range(n)] for _ in range(n)]
        d = reference.det(M)
        if d != 0:
            break
    v0 = [Fraction(rng.randint(-5, 5), rng.randint(1, 3)) for _ in range(n)]
    inv = reference.inverse(M)
    rows = []
    for i in range(n):
        rows.append([-sum(inv[i][j] * v0[j] for j in range(n))] + inv[i])
    rows.append([1 + sum(inv[i][j] * v0[j] for i in range(n) for j in range(n))]
                + [-sum(inv[i][j] for i in range(n)) for j in range(n)])
    P = polyhedron(rows)
    assert volume(P) == abs(d) / math.factorial(n)
    # its vertices are v0 and v0 + the columns of M
    expected = {tuple(v0)} | {tuple(v0[r] + M[r][c] for r in range(n)) for c in range(n)}
    assert set(generators(P).vertices) == expected


# --- bad input --------------------------------------------------------------------------------------

def test_bad_input():
    with pytest.raises(DimensionMismatchError, match="2") as info:
        polyhedron([[1, 2], [1, 2, 3]])
    assert isinstance(info.value, ValueError)
    with pytest.raises(DimensionMismatchError, match="dimension"):
        polyhedron([])
    with pytest.raises(DimensionMismatchError, match="1 and 2"):
        box([0], [1, 2])
    with pytest.raises(DimensionMismatchError, match="R\\^2"):
        contains(polyhedron([[0, 1, 0]]), [1, 2, 3])
    with pytest.raises(NonFiniteError):
        polyhedron([[float("nan"), 1]])
    with pytest.raises(NonFiniteError):
        box([0], [float("inf")])
    assert issubclass(UnboundedError, GeometryError) and issubclass(GeometryError, ValueError)


# --- describe: facets and generators without an LP per form ----------------------------------------

@SETTINGS
@given(st.integers(1, 4), st.booleans(),
       st.lists(st.lists(st.integers(-3, 3), min_size=5, max_size=5), min_size=1, max_size=8))
def test_describe_matches_the_irredundancy_reference_and_the_vertices(dim, bounded, extra):
    """describe's facets are the reference's irredundant forms (one LP each), its generators those
    of the double description of every form, on boxes and on orthants (unbounded) with extra rows,
    among them duplicates, degenerate ones through vertices and lines through the apex."""
    rows = [list(r) for r in reference.box_rows([-2] * dim, [2] * dim)] if bounded else \
        [[0] + [int(i == j) for j in range(dim)] for i in range(dim)]
    rows += [r[:dim + 1] for r in extra]
    P = polyhedron(rows)
    if reference.strictly_feasible(P.forms, dim) is None:
        return
    described = describe(P)
    assert set(described.facets) == {f for i, f in enumerate(P.forms) if reference.is_irredundant(P.forms, i, dim)}
    expected = generators(P)
    assert set(described.generators.vertices) == set(expected.vertices)
    assert set(described.generators.rays) == set(expected.rays)
    assert described.generators.lines == expected.lines
    for x, v, through in zip(described.points, described.generators.vertices, described.tight):
        assert tuple(Fraction(c, x[0]) for c in x[1:]) == v
        assert through == {k for k, f in enumerate(described.facets) if values_at(HPolyhedron(dim, (f,)), v)[0] == 0}
    if bounded:
        assert polytope_volume(described.points, described.tight, dim) == volume(P)
    for g in P.forms:  # every form holds on P: its multipliers, when found at a vertex, reproduce it
        proof = implication_at_vertices(described.facets, g, described.points, described.tight)
        if proof is None:
            continue
        constant, multipliers = proof
        assert constant >= 0 and all(m >= 0 for m in multipliers)
        combined = [constant * (j == 0) + sum(m * f[j] for m, f in zip(multipliers, described.facets))
                    for j in range(dim + 1)]
        assert combined == list(g)


def test_implication_at_a_simple_vertex_by_hand():
    """On the triangle x >= 0, y >= 0, 6 - 2x - 3y >= 0 the form 1 + x + y is least at the origin,
    1 there, with x + y = 1 x + 1 y: l0 = 1 and multipliers (1, 1, 0) on (x, y, 6 - 2x - 3y) (in
    the polyhedron's sorted order); 6 - x is least at (3, 0), 3 there, -x = 1/2 (-2x - 3y) + 3/2 y."""
    P = polyhedron(HAND["triangle"][0])
    described = describe(P)
    by_form = dict(zip(described.facets, range(3)))
    constant, multipliers = implication_at_vertices(described.facets, (1, 1, 1), described.points, described.tight)
    assert constant == 1 and multipliers[by_form[(0, 1, 0)]] == 1 and multipliers[by_form[(0, 0, 1)]] == 1
    constant, multipliers = implication_at_vertices(described.facets, (6, -1, 0), described.points, described.tight)
    assert constant == 3
    assert multipliers[by_form[(6, -2, -3)]] == Fraction(1, 2) and multipliers[by_form[(0, 0, 1)]] == Fraction(3, 2)
