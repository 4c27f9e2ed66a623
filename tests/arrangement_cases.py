"""One catalogue of standard and degenerate arrangements, shared by the geometry tests.

Every case is plain rows ``(b, a_1, ..., a_n)`` (the form ``b + a . x``) of ints, Fractions, floats
or "p/q" strings, with its expected counts over R^n when they are known independently of the code:
``regions`` and ``bounded`` (relatively bounded regions, i.e. bounded modulo the lineality space) come
from a closed form or a hand count written in ``why``. Nothing here imports ``geometry``.

Two hand-count rules used below, for line arrangements in R^2 (Euler's formula / Zaslavsky), with the
sum over intersection points p where m_p lines meet:

    regions = 1 + (#lines) + sum_p (m_p - 1)
    bounded = 1 - (#lines) + sum_p (m_p - 1)      (when not all lines are parallel)

and for m distinct points on the real line: m + 1 regions, m - 1 bounded.
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from fractions import Fraction

EPS = 2.0 ** -52  # 1 + EPS is the float right after 1.0


@dataclass(frozen=True)
class Case:
    name: str
    rows: tuple[tuple[object, ...], ...]
    dim: int
    regions: int | None = None  # over R^dim, from `why`
    bounded: int | None = None  # relatively bounded regions over R^dim, from `why`
    why: str = ""
    near_degenerate: bool = False

    def __post_init__(self) -> None:
        assert all(len(r) == self.dim + 1 for r in self.rows), self.name


def rows_of(*rows) -> tuple[tuple[object, ...], ...]:
    return tuple(tuple(r) for r in rows)


# --- named constructions with closed forms ---------------------------------------------------------

def moment_curve(m: int, d: int, start: int = 1) -> tuple[tuple[int, ...], ...]:
    """Hyperplanes ``t^d + x_1 + x_2 t + ... + x_d t^(d-1) = 0`` for t = start, ..., start + m - 1.

    The x on k <= d of them are the monic polynomials of degree d vanishing at k given t's: an affine
    space of dimension d - k (Vandermonde), and no monic degree-d polynomial has d + 1 roots, so no
    d + 1 of them meet. The arrangement is generic: sum_{i<=d} C(m, i) regions, C(m-1, d) bounded.
    """
    return tuple((t ** d, *(t ** i for i in range(d))) for t in range(start, start + m))


def generic_regions(m: int, d: int) -> int:
    return sum(math.comb(m, i) for i in range(d + 1))


def generic_bounded(m: int, d: int) -> int:
    return math.comb(m - 1, d)


def braid(n: int) -> tuple[tuple[int, ...], ...]:
    """x_i - x_j = 0 for i < j in R^n: n! regions (one per ordering of the coordinates), none bounded
    modulo the lineality line (1, ..., 1)."""
    rows = []
    for i, j in itertools.combinations(range(n), 2):
        row = [0] * (n + 1)
        row[1 + i], row[1 + j] = 1, -1
        rows.append(tuple(row))
    return tuple(rows)


def coordinate(d: int) -> tuple[tuple[int, ...], ...]:
    """x_i = 0: the 2^d open orthants, none bounded."""
    return tuple(tuple([0] + [int(i == j) for j in range(d)]) for i in range(d))


def cube_facets(d: int) -> tuple[tuple[int, ...], ...]:
    """x_i = 0 and x_i = 1: a product of d copies of (2 points on a line), so 3^d regions and 1^d = 1
    bounded (the open unit cube)."""
    rows = []
    for i in range(d):
        unit = [int(i == j) for j in range(d)]
        rows.append(tuple([0] + unit))
        rows.append(tuple([-1] + unit))
    return tuple(rows)


# --- the catalogue ---------------------------------------------------------------------------------

CASES: tuple[Case, ...] = (
    Case("zero_rows_only", rows_of([1, 0, 0], [0, 0, 0], [-3, 0, 0]), 2, 1, 1,
         "no hyperplane: R^2 itself, bounded modulo its lineality space R^2"),
    Case("single_point_r1", rows_of([-2, 1]), 1, 2, 0, "one point: two half-lines"),
    Case("single_plane_r3", rows_of([1, 1, 2, 3]), 3, 2, 0,
         "one plane: two half-spaces; modulo the 2-dim lineality they are half-lines"),
    Case("points_r1", rows_of([0, 1], [-1, 1], [1, 1], [-5, 2], [3, -3], [-2, 2]), 1, 5, 3,
         "points 0, 1, -1, 5/2, 1 (3 - 3x, opposite), 1 (-2 + 2x): m = 4 distinct points"),
    Case("coordinate_r3", coordinate(3), 3, 8, 0, "2^3 open orthants"),
    Case("cube_facets_r2", cube_facets(2), 2, 9, 1, "3^2 regions, the open square bounded"),
    Case("cube_facets_r3", cube_facets(3), 3, 27, 1, "3^3 regions, the open cube bounded"),
    Case("generic_5_lines", moment_curve(5, 2), 2, 16, 6,
         "5 lines in general position: 1 + 5 + C(5,2) = 16 regions, C(4,2) = 6 bounded"),
    Case("generic_6_planes", moment_curve(6, 3), 3, generic_regions(6, 3), generic_bounded(6, 3),
         "6 planes in general position in R^3: 1 + 6 + 15 + 20 = 42 regions, C(5,3) = 10 bounded"),
    Case("three_concurrent_plus_parallel", rows_of([0, 1, 0], [0, 0, 1], [0, 1, 1], [-1, 1, 0]), 2, 9, 1,
         "x=0, y=0, x+y=0 meet at 0 (m=3); x=1 meets y=0 at (1,0), x+y=0 at (1,-1): "
         "1 + 4 + (2+1+1) = 9 regions, 1 - 4 + 4 = 1 bounded (the triangle (0,0),(1,0),(1,-1))"),
    Case("pencil_of_4_lines", rows_of([0, 1, 0], [0, 0, 1], [0, 1, 1], [0, 1, -2]), 2, 8, 0,
         "4 distinct lines through 0: 8 sectors, all unbounded"),
    Case("concurrent_3_lines", rows_of([0, 1, 0], [0, 0, 1], [0, 1, 1]), 2, 6, 0, "6 sectors"),
    Case("parallel_4_lines", rows_of([0, 0, 1], [-1, 0, 1], [-2, 0, 2], [3, 0, -1], [-2, 0, 1]), 2, 5, 3,
         "y = 0, y = 1 (twice: -1 + y and -2 + 2y), y = 3 (3 - y), y = 2: 4 distinct parallel lines, "
         "5 strips, the 3 inner ones bounded modulo the x-direction"),
    Case("parallel_plus_transversal", rows_of([0, 0, 1], [-1, 0, 1], [-2, 0, 1], [-3, 0, 1], [0, 1, 0]), 2, 10, 0,
         "4 parallel lines y = 0..3 (5 strips) cut by x = 0: 10 regions, none bounded"),
    Case("grid_3x2", rows_of([0, 1, 0], [-1, 1, 0], [-2, 1, 0], [0, 0, 1], [-1, 0, 1]), 2, 12, 2,
         "x = 0,1,2 and y = 0,1: 4 * 3 = 12 regions, 2 * 1 = 2 bounded"),
    Case("duplicates_and_opposites",
         rows_of([-1, 1, 2], [-2, 2, 4], [1, -1, -2], [-0.5, 0.5, 1.0], ["-1/3", "1/3", "2/3"],
                 [0, 0, 0], [5, 0, 0], [0, 1, -1], [0, -3, 3], [Fraction(0), Fraction(1, 7), Fraction(-1, 7)]),
         2, 4, 0,
         "two distinct lines x + 2y = 1 (5 rows, one opposite) and x = y (3 rows, one opposite) crossing once, "
         "plus two zero rows: 1 + 2 + 1 = 4 regions, 1 - 2 + 1 = 0 bounded"),
    Case("through_a_vertex", rows_of([0, 1, 0], [0, 0, 1], [-1, 1, 1], [0, 1, -1]), 2, 10, 2,
         "triangle x=0, y=0, x+y=1 and x=y through its vertex 0 (m=3) and the point (1/2,1/2): "
         "points 0 (m=3), (0,1), (1,0), (1/2,1/2): 1 + 4 + 5 = 10 regions, 1 - 4 + 5 = 2 bounded"),
    Case("planes_through_a_line", rows_of([0, 1, 0, 0], [0, 0, 1, 0], [0, 1, 1, 0]), 3, 6, 0,
         "3 planes containing the z-axis: 6 wedges, unbounded modulo the z-axis"),
    Case("braid_3", braid(3), 3, 6, 0, "3! orderings"),
    Case("braid_4", braid(4), 4, 24, 0, "4! orderings"),
    # near-degenerate: a float path that rounds would merge or misplace these
    Case("near_equal_points_r1", rows_of([-1, 1], [-1, 1 + EPS]), 1, 3, 1,
         "x = 1 and x = 1/(1 + 2^-52): two distinct points", True),
    Case("near_equal_slopes_r2", rows_of([0, 1, -1], [0, 1 + EPS, -1]), 2, 4, 0,
         "y = x and y = (1 + 2^-52) x: two distinct lines through 0", True),
    Case("near_parallel_r2", rows_of([-1, 0, 1], [-1, 0, 1 + EPS]), 2, 3, 1,
         "y = 1 and y = 1/(1 + 2^-52): two distinct parallel lines (3 strips, the middle one bounded "
         "modulo the x-direction)", True),
    Case("barely_crossing_r2", rows_of([0, 0, 1], [-1, EPS, 1]), 2, 4, 0,
         "y = 0 and y = 1 - 2^-52 x meet at x = 2^52: two crossing lines", True),
    Case("near_concurrent_r2", rows_of([0, 1, 0], [0, 0, 1], [-2.0 ** -60, 1, 1]), 2, 7, 1,
         "x = 0, y = 0, x + y = 2^-60: three lines in general position (a tiny triangle)", True),
    Case("decimal_vs_binary_r1", rows_of([0.1, 1], [Fraction(1, 10), 1]), 1, 3, 1,
         "x = -0.1 (the binary double) and x = -1/10 are distinct points", True),
    Case("same_double_r1", rows_of([0.1, 1], [-0.1, -1], [0.2, 2]), 1, 2, 0,
         "0.2 is exactly 2 * 0.1 in binary: one point x = -0.1 three times", True),
    Case("huge_coefficients_r2", rows_of([10 ** 30, 1, 0], [10 ** 30 + 1, 1, 0], [0, 0, 1]), 2, 6, 0,
         "x = -10^30 and x = -10^30 - 1 (equal as doubles) are distinct parallels, cut by y = 0: "
         "3 strips * 2 = 6 regions, none bounded", True),
    Case("subnormal_r1", rows_of([-5e-324, 1], [0, 1]), 1, 3, 1,
         "x = 2^-1074 (smallest subnormal) and x = 0: two distinct points", True),
)


BY_NAME = {case.name: case for case in CASES}
NEAR_DEGENERATE = tuple(case for case in CASES if case.near_degenerate)
# small enough for the brute-force reference (at most 10 distinct hyperplanes)
TINY = tuple(case for case in CASES if len(case.rows) <= 10)


def random_degenerate(seed: int, dim: int, n: int) -> list[list[object]]:
    """A seeded random arrangement of n rows in R^dim: small integers, then forced duplicates (scaled by
    ints, Fractions or 0.5), opposite rows, parallels, hyperplanes through a common point and zero rows."""
    rng = random.Random(seed)
    rows: list[list[object]] = [[rng.randint(-3, 3) for _ in range(dim + 1)] for _ in range(max(1, n // 2))]
    point = [rng.randint(-2, 2) for _ in range(dim)]
    while len(rows) < n:
        src = rng.choice(rows)
        op = rng.choice(["duplicate", "opposite", "parallel", "concurrent", "concurrent", "zero"])
        if op == "duplicate":
            k = rng.choice([1, 2, Fraction(1, 3), 0.5])
            rows.append([k * v for v in src])
        elif op == "opposite":
            k = rng.choice([1, 2, Fraction(3, 5), 0.25])
            rows.append([-k * v for v in src])
        elif op == "parallel":
            rows.append([src[0] + rng.randint(1, 3), *src[1:]])
        elif op == "concurrent":  # through the common point
            a = [rng.randint(-3, 3) for _ in range(dim)]
            rows.append([-sum(x * y for x, y in zip(a, point)), *a])
        else:
            rows.append([rng.randint(-3, 3)] + [0] * dim)
    rng.shuffle(rows)
    return rows
