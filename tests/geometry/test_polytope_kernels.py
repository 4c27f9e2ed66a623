"""Simple 3-polyhedra split in certified floats (geometry/polytope_kernels.py), against exact
arithmetic: the generalised cross product's bounds, the start from exact generators, and cell
counts of plane arrangements against geometry.arrangement (exact LPs)."""
import math
from fractions import Fraction

import numpy as np
import pytest

from geometry import polytope_kernels as pk
from geometry.arrangement import count_cells
from geometry.exact import float_enclosure
from geometry.polyhedron import box, from_forms

CUBE = box([-1, -1, -1], [1, 1, 1])


def exact_meet(a, b, c):
    """Cofactors of the 3x4 matrix [a; b; c], by Fractions (so that X . a = X . b = X . c = 0)."""
    rows = [a, b, c]
    X = []
    for m in range(4):
        cols = [j for j in range(4) if j != m]
        M = [[row[j] for j in cols] for row in rows]
        det = (M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1]) - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0])
               + M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]))
        X.append(det if m % 2 == 0 else -det)
    return X


def test_meet_is_orthogonal_and_its_bounds_hold():
    rng = np.random.default_rng(0)
    for _ in range(200):
        rows = [[Fraction(int(rng.integers(-10**6, 10**6)), int(rng.integers(1, 10**4))) for _ in range(4)] for _ in range(3)]
        X = exact_meet(*rows)
        assert all(sum(x * r for x, r in zip(X, row)) == 0 for row in rows)
        values, radii = float_enclosure([v for row in rows for v in row])
        Xf, E = pk.meet(values.reshape(3, 4), radii.reshape(3, 4))
        assert all(abs(x - Fraction(f)) <= Fraction(e) for x, f, e in zip(X, Xf.tolist(), E.tolist()))


def test_cube_start():
    planes, radii, gens, orient, edges = pk.float_polyhedron(CUBE)
    assert (planes.shape, gens.shape, edges.shape) == ((6, 4), (8, 3), (12, 2))
    X, _ = pk.generator_points(planes, radii, gens, orient)
    assert sorted(map(tuple, (X[:, 1:] / X[:, :1]).tolist())) == [(x, y, z) for x in (-1, 1) for y in (-1, 1) for z in (-1, 1)]
    assert (planes @ X.T >= 0).all()  # every generator on the inner side of every plane


def test_an_octant_has_three_rays_and_the_plane_at_infinity():
    planes, _, gens, _, edges = pk.float_polyhedron(from_forms([(0, 1, 0, 0), (0, 0, 1, 0), (1, 0, 0, 1)], 3))
    assert [1, 0, 0, 0] in planes.tolist() and gens.shape == (4, 3) and edges.shape == (6, 2)


def test_non_simple_polyhedra_are_refused():
    pyramid = from_forms([(1, 0, 0, 1), (1, 1, 0, -1), (1, -1, 0, -1), (1, 0, 1, -1), (1, 0, -1, -1)], 3)
    assert pk.float_polyhedron(pyramid) is None  # its apex (0, 0, 1) lies on four facets


def integer_form(row):
    scale = math.lcm(*(v.denominator for v in row))
    return tuple(int(v * scale) for v in row)


def split(polyhedron, rows, known=None):
    Z, RZ = float_enclosure([v for row in rows for v in row])
    Z, RZ = Z.reshape(len(rows), -1), RZ.reshape(len(rows), -1)
    known = -np.ones(len(rows), np.int64) if known is None else known
    return pk.split_polytope(*polyhedron, Z, RZ, known)


@pytest.mark.parametrize("seed", range(6))
def test_random_planes_in_a_cube_against_exact_cells(seed):
    rng = np.random.default_rng(seed)
    rows = [list(map(Fraction, rng.normal(size=4) * (0.5, 1, 1, 1))) for _ in range(9)]
    ok, pieces, states = split(pk.float_polyhedron(CUBE), rows)
    assert ok
    assert len(pieces) == count_cells(rows, CUBE) > 20
    assert len({tuple(s) for s in states.tolist()}) == len(pieces)


def count_through_orthants(rows, d):
    """Cells of generic hyperplanes over R^d: the pieces of the 2^d orthants of the first d rows
    (their states known), each of which must be decided in floats."""
    total = 0
    for signs in np.ndindex(*(2,) * d):
        orthant = [integer_form(r if s else [-v for v in r]) for r, s in zip(rows[:d], signs)]
        known = -np.ones(len(rows), np.int64)
        known[:d] = signs
        ok, pieces, _ = split(pk.float_polyhedron(from_forms(orthant, d)), rows, known)
        assert ok
        total += len(pieces)
    return total


@pytest.mark.parametrize("seed", range(6))
def test_generic_planes_over_space_against_exact_cells(seed):
    """Over R^3, cut into the eight octants of three of the planes (their states known)."""
    rng = np.random.default_rng(10 + seed)
    rows = [list(map(Fraction, rng.normal(size=4))) for _ in range(8)]
    total = count_through_orthants(rows, 3)
    assert total == count_cells(rows)  # generic: 1 + 8 + C(8,2) + C(8,3) = 93 if general position
    assert total == 93


def test_a_plane_through_a_vertex_is_left_to_exact_arithmetic():
    ok, _, _ = split(pk.float_polyhedron(CUBE), [[1, 1, 0, 0]])  # x = -1 is a facet: zero at four vertices
    assert not ok
    ok, _, _ = split(pk.float_polyhedron(CUBE), [[0, 1, 1, 1]])  # x + y + z = 0 misses every vertex: decided
    assert ok
    ok, _, _ = split(pk.float_polyhedron(CUBE), [[1, 1, 1, -1]])  # through (1, -1, 1)... and (-1, 1, 1)
    assert not ok


def test_meet_in_four_dimensions():
    rng = np.random.default_rng(3)
    for _ in range(50):
        rows = [[Fraction(int(rng.integers(-10**6, 10**6)), int(rng.integers(1, 10**4))) for _ in range(5)] for _ in range(4)]
        X = pk._exact_meet(*rows)
        assert all(sum(x * r for x, r in zip(X, row)) == 0 for row in rows)
        values, radii = float_enclosure([v for row in rows for v in row])
        Xf, E = pk.meet(values.reshape(4, 5), radii.reshape(4, 5))
        assert all(abs(x - Fraction(f)) <= Fraction(e) for x, f, e in zip(X, Xf.tolist(), E.tolist()))


@pytest.mark.parametrize("seed", range(3))
def test_hyperplanes_in_a_four_dimensional_box_against_exact_cells(seed):
    rng = np.random.default_rng(30 + seed)
    tesseract = box([-1] * 4, [1] * 4)
    rows = [list(map(Fraction, rng.normal(size=5) * (0.5, 1, 1, 1, 1))) for _ in range(7)]
    ok, pieces, states = split(pk.float_polyhedron(tesseract), rows)
    assert ok
    assert len(pieces) == count_cells(rows, tesseract) > 20
    assert len({tuple(s) for s in states.tolist()}) == len(pieces)


def test_generic_hyperplanes_over_four_space():
    """n generic hyperplanes cut R^4 into sum_{i <= 4} C(n, i) regions; here through the 16
    orthants of four of them."""
    rng = np.random.default_rng(40)
    rows = [list(map(Fraction, rng.normal(size=5))) for _ in range(7)]
    total = count_through_orthants(rows, 4)
    assert total == sum(math.comb(7, i) for i in range(5)) == 99


@pytest.mark.parametrize("dim", [3, 4])
def test_maxout_cells_of_a_box(dim):
    """max(x, y + 1/4, 1/4 - x - y + z/3) on [-1,1]^d: the three are equal only on a line through
    (1/6, -1/12, 0, ...) (with z/3 shifting it), which crosses the box, so three cells; each
    piece's generators lie in its cell (the largest function there is the piece's). A fourth
    row equal to the first, with the ties saying the lower index wins, changes nothing."""
    cube = pk.float_polyhedron(box([-1] * dim, [1] * dim))
    third = [0.25, -1, -1, 1 / 3] + [0] * (dim - 3)
    Z = np.array([[0, 1, 0] + [0] * (dim - 2), [0.25, 0, 1] + [0] * (dim - 2), third])
    ok, pieces, states = pk.split_polytope_maxout(*cube, Z, np.zeros_like(Z), 3, np.zeros(9, np.int8))
    assert ok and sorted(states[:, 0].tolist()) == [0, 1, 2]
    for piece, (s,) in zip(pieces, states.tolist()):
        X, _ = pk.generator_points(*piece[:4])
        values = Z @ (X / X[:, :1]).T
        assert (values[s] >= values.max(axis=0) - 1e-12).all()
    twins = np.vstack([Z[:1], Z[:1]])
    ok, _, states = pk.split_polytope_maxout(*cube, twins, np.zeros_like(twins), 2, np.array([0, 1, -1, 0], np.int8))
    assert ok and states.tolist() == [[0]]
    ok, *_ = pk.split_polytope_maxout(*cube, twins, np.zeros_like(twins), 2, np.zeros(4, np.int8))
    assert not ok  # equal rows without the ties: never certified apart
