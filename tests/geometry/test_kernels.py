"""The float kernels' error bounds against exact rational arithmetic: a certified sign must be the
exact sign, an exact zero must never be certified, and every radius must contain the exact error."""
from fractions import Fraction

import numpy as np
import pytest

from geometry import kernels
from geometry.exact import float_enclosure


def cross(g, h):
    return (g[1] * h[2] - g[2] * h[1], g[2] * h[0] - g[0] * h[2], g[0] * h[1] - g[1] * h[0])


def exact_sign(z, g, h):
    X = cross(g, h)
    assert X[0] > 0
    value = sum(a * b for a, b in zip(z, X))
    return (value > 0) - (value < 0)


def certified(z, g, h):
    lines, radii = float_enclosure([*g, *h])
    X, E = kernels.vertices(lines.reshape(2, 3), radii.reshape(2, 3))
    zf, zr = float_enclosure(z)
    return kernels.sign_at(zf, zr, X[0], E[0])


SQUARE = np.array([[1, 0, 1], [1, -1, 0], [1, 0, -1], [1, 1, 0]], float)  # y >= -1, x <= 1, y <= 1, x >= -1


def test_square_vertices_counter_clockwise():
    X, E = kernels.vertices(SQUARE, np.zeros_like(SQUARE))
    assert (X[:, 1:] / X[:, :1]).tolist() == [[1, -1], [1, 1], [-1, 1], [-1, -1]]
    assert (X[:, 0] > 0).all() and (E < 1e-15).all()


def random_vertex(rng):
    """Two exact lines with rational coefficients that do not round exactly, meeting at X_0 > 0."""
    while True:
        g = [Fraction(int(rng.integers(-10**6, 10**6)), int(rng.integers(1, 10**6))) for _ in range(3)]
        h = [Fraction(int(rng.integers(-10**6, 10**6)), int(rng.integers(1, 10**6))) for _ in range(3)]
        X = cross(g, h)
        if X[0] < 0:
            g, h = h, g
        if X[0] != 0:
            return g, h


def random_line_near(rng, g, h, offset):
    """A line with a random rational normal through the vertex of g and h, shifted by ``offset``."""
    return line_through(g, h, (Fraction(int(rng.integers(1, 999)), 7), Fraction(int(rng.integers(-999, 999)), 3)), offset)


def line_through(g, h, direction, offset):
    """A line through the exact vertex of g and h (``offset = 0``) or shifted from it by ``offset``."""
    X = cross(g, h)
    x, y = X[1] / X[0], X[2] / X[0]
    a, c = direction
    return (-(a * x + c * y) + offset, a, c)


@pytest.mark.parametrize("seed", range(5))
def test_a_line_through_the_vertex_is_never_certified(seed):
    rng = np.random.default_rng(seed)
    for _ in range(200):
        g, h = random_vertex(rng)
        z = random_line_near(rng, g, h, 0)
        assert exact_sign(z, g, h) == 0
        assert certified(z, g, h) == 0


@pytest.mark.parametrize("seed", range(5))
def test_certified_signs_are_exact_down_to_tiny_offsets(seed):
    rng = np.random.default_rng(100 + seed)
    decided = 0
    for trial in range(400):
        g, h = random_vertex(rng)
        offset = Fraction(int(rng.choice([-1, 1])), 2 ** int(rng.integers(0, 70)))
        z = random_line_near(rng, g, h, offset)
        s = certified(z, g, h)
        assert s in (0, exact_sign(z, g, h))
        decided += s != 0
    assert 100 < decided < 400  # large offsets are decided; offsets near 2^-70 are not


def enclosed(exact_rows, floats, radii):
    """Every exact entry lies within its radius of its float."""
    return all(abs(v - Fraction(f)) <= Fraction(r)
               for row, frow, rrow in zip(exact_rows, floats.tolist(), radii.tolist())
               for v, f, r in zip(row, frow, rrow))


def random_rationals(rng, shape, size=10**9, denominator=10**5):
    return [[Fraction(int(rng.integers(-size, size)), int(rng.integers(1, denominator))) for _ in range(shape[1])]
            for _ in range(shape[0])]


def enclosure(rows):
    values, radii = float_enclosure([v for row in rows for v in row])
    return values.reshape(len(rows), -1), radii.reshape(len(rows), -1)


@pytest.mark.parametrize("seed", range(3))
def test_affine_image_radii_contain_the_exact_error(seed):
    rng = np.random.default_rng(seed)
    n_out, n_in = 7, 9
    W = random_rationals(rng, (n_out, n_in), 1000, 97)
    C = [[Fraction(int(rng.integers(-1000, 1000)), 3), Fraction(1, 7), Fraction(0)] for _ in range(n_out)]
    H = random_rationals(rng, (n_in, 3))
    (Wf, EW), (Cf, RC), (Hf, RH) = enclosure(W), enclosure(C), enclosure(H)
    assert EW.any()
    F, R = kernels.affine_image(Wf, np.abs(Wf), EW, False, Cf, RC, Hf, RH)
    exact = [[sum(W[i][k] * H[k][j] for k in range(n_in)) + C[i][j] for j in range(3)] for i in range(n_out)]
    assert enclosed(exact, F, R)
    assert (R < 1e-6 * np.abs(F).max()).all()  # the bounds are tight enough to be useful


@pytest.mark.parametrize("slopes, offsets", [
    ((Fraction(0), Fraction(1)), (0, 0)),                         # relu
    ((Fraction(1, 3), Fraction(1)), (0, 0)),                      # leaky relu
    ((Fraction(-1), Fraction(1)), (0, 0)),                        # abs
    ((Fraction(0), Fraction(1), Fraction(0)), (-1, 0, 1)),        # hard-tanh: low, linear, high
])
def test_piece_image_encloses_the_exact_image(slopes, offsets):
    """A piece's next pre-activations, updated from a sibling's or computed afresh, enclose the
    exact W (s * F + o e_0) + b."""
    rng = np.random.default_rng(4)
    n, n_next = 16, 6
    F = random_rationals(rng, (n, 3))
    W = random_rationals(rng, (n_next, n), 1000, 97)
    b = [Fraction(int(rng.integers(-99, 99)), 7) for _ in range(n_next)]
    base = rng.integers(0, len(slopes), n).astype(np.int8)
    states = base.copy()
    states[[1, 4, 5]] = (states[[1, 4, 5]] + 1) % len(slopes)

    def image(s):
        return [[sum(W[i][k] * (slopes[s[k]] * F[k][j] + (offsets[s[k]] if j == 0 else 0)) for k in range(n))
                 + (b[i] if j == 0 else 0) for j in range(3)] for i in range(n_next)]
    (Ff, RF), (Wf, EW), (Cf, RC) = enclosure(F), enclosure(W), enclosure([[v, 0, 0] for v in b])
    (Gf, RG) = enclosure(image(base))
    sf, se = float_enclosure(slopes)
    layer = (Wf, np.abs(Wf), EW, False, Cf, RC, Ff, RF, sf, se, np.array(offsets, float), 1)
    G2, R2, afresh = kernels.piece_image(*layer, states, base, Gf, RG)
    assert not afresh and enclosed(image(states), G2, R2)
    G3, R3, afresh = kernels.piece_image(*layer, states, base[:0], Gf[:0], RG[:0])
    assert afresh and enclosed(image(states), G3, R3)
    many = (base + 1) % len(slopes)
    G4, R4, afresh = kernels.piece_image(*layer, many, base, Gf, RG)
    assert afresh and enclosed(image(many), G4, R4)


def test_thresholds_enclose_z_plus_and_minus_one():
    rng = np.random.default_rng(8)
    G = random_rationals(rng, (5, 3))
    Gf, RG = enclosure(G)
    Z, R = kernels.thresholds(Gf, RG)
    expected = [[row[0] + t, row[1], row[2]] for row in G for t in (1, -1)]
    assert enclosed(expected, Z, R)


def test_scaled_rows_with_an_inexact_slope():
    alpha = Fraction(1, 3)
    F = [[Fraction(1, 7), Fraction(-2, 11), Fraction(5, 13)], [Fraction(3), Fraction(1, 3), Fraction(-1, 9)]]
    Ff, RF = float_enclosure([v for row in F for v in row])
    slopes, slope_errors = float_enclosure([alpha, Fraction(1)])
    H, R = kernels.scaled_rows(Ff.reshape(2, 3), RF.reshape(2, 3), slopes, slope_errors, np.zeros(2), 1,
                               np.array([0, 1], np.int8))
    for j in range(3):
        assert abs(alpha * F[0][j] - Fraction(H[0, j])) <= Fraction(R[0, j])
        assert abs(F[1][j] - Fraction(H[1, j])) <= Fraction(R[1, j])


def split_square(Z):
    return kernels.split_polygon(SQUARE, np.zeros_like(SQUARE), Z, np.zeros_like(Z), -np.ones(len(Z), np.int64))


def test_split_square_by_two_crossing_lines():
    Z = np.array([[0.5, 1, 0], [0.25, 0, 1]])  # x > -1/2, y > -1/4
    ok, lines, radii, offsets, states = split_square(Z)
    assert ok
    assert sorted(map(tuple, states.tolist())) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert [offsets[p + 1] - offsets[p] for p in range(4)] == [4, 4, 4, 4]
    for p, (sx, sy) in enumerate(states.tolist()):  # each piece's vertices lie on its side of both lines
        X, _ = kernels.vertices(lines[offsets[p]:offsets[p + 1]], radii[offsets[p]:offsets[p + 1]])
        x, y = X[:, 1] / X[:, 0], X[:, 2] / X[:, 0]
        assert ((x >= -0.5) if sx else (x <= -0.5)).all() and ((y >= -0.25) if sy else (y <= -0.25)).all()


def test_split_square_keeps_units_that_do_not_cut():
    Z = np.array([[5, 1, 1], [-5, 1, 0], [0.5, 1, 0]])  # positive, negative, cutting
    ok, _, _, offsets, states = split_square(Z)
    assert ok and len(offsets) == 3
    assert sorted(map(tuple, states.tolist())) == [(1, 0, 0), (1, 0, 1)]


def test_split_through_a_corner_is_left_to_exact_arithmetic():
    Z = np.array([[0, 1, 1]])  # x + y = 0 passes through the corners (1, -1) and (-1, 1)
    ok, *_ = split_square(Z)
    assert not ok


@pytest.mark.parametrize("seed", range(3))
def test_box_filter_is_sound_near_a_vertex(seed):
    """The bounding-box test around one exact vertex never certifies a wrong sign or a zero."""
    rng = np.random.default_rng(200 + seed)
    decided = 0
    for _ in range(300):
        g, h = random_vertex(rng)
        lines, radii = float_enclosure([*g, *h])
        X, E = kernels.vertices(lines.reshape(2, 3), radii.reshape(2, 3))
        box = kernels.enclosing_box(X[:1], E[:1])
        offset = Fraction(int(rng.choice([-1, 0, 1])), 2 ** int(rng.integers(0, 60)))
        z = random_line_near(rng, g, h, offset)
        zf, zr = float_enclosure(z)
        s = kernels.side_on_box(zf, zr, box)
        assert s in (0, exact_sign(z, g, h))
        decided += s != 0
    assert decided > 50


def test_maxout_differences_enclose_the_exact_differences():
    rng = np.random.default_rng(21)
    k, n = 3, 4
    Z = random_rationals(rng, (k * n, 3))
    Zf, RZ = enclosure(Z)
    D, RD = kernels.maxout_differences(Zf, RZ, k)
    exact = [[Z[u * k + j][c] - Z[u * k + i][c] for c in range(3)] for u in range(n) for j in range(k) for i in range(k)]
    assert enclosed(exact, D, RD)


@pytest.mark.parametrize("k", [2, 3])
def test_maxout_piece_image_encloses_the_exact_image(k):
    """The next pre-activations of a maxout piece select one row per unit: ``W F[u k + s_u] + b``,
    updated from a sibling's or computed afresh."""
    rng = np.random.default_rng(5 + k)
    n, n_next = 12, 5
    F = random_rationals(rng, (k * n, 3))
    W = random_rationals(rng, (n_next, n), 1000, 97)
    b = [Fraction(int(rng.integers(-99, 99)), 7) for _ in range(n_next)]
    base = rng.integers(0, k, n).astype(np.int8)
    states = base.copy()
    states[[0, 7]] = (states[[0, 7]] + 1) % k

    def image(s):
        return [[sum(W[i][u] * F[u * k + s[u]][j] for u in range(n)) + (b[i] if j == 0 else 0) for j in range(3)]
                for i in range(n_next)]
    (Ff, RF), (Wf, EW), (Cf, RC) = enclosure(F), enclosure(W), enclosure([[v, 0, 0] for v in b])
    Gf, RG = enclosure(image(base))
    layer = (Wf, np.abs(Wf), EW, False, Cf, RC, Ff, RF, np.ones(k), np.zeros(k), np.zeros(k), k)
    G2, R2, afresh = kernels.piece_image(*layer, states, base, Gf, RG)
    assert not afresh and enclosed(image(states), G2, R2)
    G3, R3, afresh = kernels.piece_image(*layer, states, base[:0], Gf[:0], RG[:0])
    assert afresh and enclosed(image(states), G3, R3)
    H, RH = kernels.piece_rows(Ff, RF, np.ones(k), np.zeros(k), np.zeros(k), k, states[None])
    assert enclosed([F[u * k + s] for u, s in enumerate(states)], H[0], RH[0])


def split_square_maxout(Z, k, ties=None):
    ties = np.zeros(len(Z) * k, np.int8) if ties is None else np.array(ties, np.int8)
    return kernels.split_polygon_maxout(SQUARE, np.zeros_like(SQUARE), Z, np.zeros_like(Z), k, ties)


def test_maxout_split_of_the_square_into_three_sectors():
    """max(x, y + 1/4, 1/4 - x - y): the three are equal only at (1/6, -1/12), inside the square, and
    no two are equal at a corner; each piece's vertices lie in its argmax cell, one piece each."""
    Z = np.array([[0, 1, 0], [0.25, 0, 1], [0.25, -1, -1]])
    ok, lines, radii, offsets, states = split_square_maxout(Z, 3)
    assert ok and sorted(states[:, 0].tolist()) == [0, 1, 2]
    for p, (s,) in enumerate(states.tolist()):
        X, _ = kernels.vertices(lines[offsets[p]:offsets[p + 1]], radii[offsets[p]:offsets[p + 1]])
        values = Z @ (X / X[:, :1]).T  # each function at each vertex
        assert (values[s] >= values.max(axis=0) - 1e-12).all()


def test_maxout_split_keeps_units_constant_on_the_square():
    Z = np.array([[5, 1, 1], [0, 1, 0], [0, 1, 0], [3, 0, 0], [0.5, 1, 0], [0, 0, 0]])  # 5 + x + y > x; x < 3; cut
    ok, _, _, offsets, states = split_square_maxout(Z, 2)
    assert ok and len(offsets) == 3
    assert sorted(map(tuple, states.tolist())) == [(0, 1, 0), (0, 1, 1)]


def test_maxout_ties_leave_out_settled_comparisons():
    """Two equal rows: without the ties they are never certified apart; with them the lower
    index is the one cell; a constant difference comes out of the ties as the larger row."""
    Z = np.array([[0, 1, 2], [0, 1, 2], [0, 1, 0], [1, 1, 0]])
    ok, *_ = split_square_maxout(Z[:2], 2)
    assert not ok
    ok, _, _, offsets, states = split_square_maxout(Z, 2, [0, 1, -1, 0, 0, -1, 1, 0])
    assert ok and states.tolist() == [[0, 1]]


def test_maxout_difference_through_a_corner_is_left_to_exact_arithmetic():
    ok, *_ = split_square_maxout(np.array([[0, 1, 0], [0, 0, -1]]), 2)  # x = -y through (1, -1) and (-1, 1)
    assert not ok
