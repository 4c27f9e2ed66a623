"""Networks with exact rational weights that attain (or meet) known bounds, with their expected counts.

Each :class:`Construction` carries the network, the domain its paper states the count on, the
expected number of regions there, what that number counts (``counts``: activation or linear
regions, the unit of the theorem it attains) and the relation it satisfies (``"=="`` for exact
counts, ``">="`` for lower bounds): tests count them with the engine and compare. Linear regions are
at most activation regions, so a construction exact in linear regions meets its number in activation
regions too (here they are equal).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import comb, prod

from analyzer.bounds import RegionKind, montufar_counts
from analyzer.domain import Domain, all_space, box
from analyzer.errors import AnalyzerError
from analyzer.network import Network, layer, network


@dataclass(frozen=True)
class Construction:
    name: str
    network: Network
    domain: Domain
    expected_regions: int
    relation: str  # "==" or ">="
    source: str
    counts: RegionKind  # what expected_regions counts


def _relu_layer(weights, bias, index):
    return layer(weights, bias, "relu", index=index)


def sawtooth(depth: int) -> Construction:
    """Telgarsky's sawtooth: the tent map ``t(y) = 2 relu(y) - 4 relu(y - 1/2)`` composed ``depth``
    times, two units per layer; ``2^depth`` regions on [0, 1] (Telgarsky 2016), linear regions too:
    neighbouring pieces have slopes 2^depth and -2^depth.

    >>> from analyzer.enumerate import count_regions
    >>> saw = sawtooth(3)
    >>> saw.expected_regions, count_regions(saw.network, saw.domain)[0]
    (8, 8)
    """
    if depth < 1:
        raise AnalyzerError(f"sawtooth depth must be at least 1, got {depth}")
    half = Fraction(1, 2)
    layers = [_relu_layer([[1], [1]], [0, -half], 1)]
    for i in range(1, depth):
        layers.append(_relu_layer([[2, -4], [2, -4]], [0, -half], i + 1))
    layers.append(layer([[2, -4]], [0], "identity", index=depth + 1))
    return Construction(f"sawtooth(depth={depth})", network(layers), box([0], [1]), 2 ** depth, "==",
                        "Telgarsky 2016: t^L has 2^L linear pieces on [0, 1]", RegionKind.LINEAR)


def _zigzag_units(p: int):
    """Units ``relu(x - (i-1)/p)``, i = 1..p, and coefficients with ``g = sum c_i u_i`` the zigzag that
    maps each of the p intervals [(i-1)/p, i/p] onto [0, 1] (slopes +p, -p, +p, ...)."""
    offsets = [Fraction(-(i - 1), p) for i in range(1, p + 1)]
    coefficients = [Fraction(p)] + [Fraction(2 * p * (-1) ** (i - 1)) for i in range(2, p + 1)]
    return offsets, coefficients


def _generic_cube_arrangement(m: int, d: int):
    """m hyperplanes in general position in R^d whose every region meets the open unit cube, and a
    sign for each: the rows ``sign * (b, a)`` (value ``sign * (b + a.y)`` in cube coordinates y).

    Hyperplanes ``sum_k t^k x_k = t^d`` (t = 1..m): any d meet in one point, no d + 1 share one (a
    degree-d polynomial has at most d roots). Every region of an essential generic arrangement has a
    vertex, so after an affine map putting every vertex inside (1/4, 3/4)^d all regions meet the cube.
    Needs m >= d (the construction's widths are at least n0).

    Signs (m > d): the hyperplanes t = 1..d+1 bound a simplex; each of them is oriented positive on
    it (the others keep sign +1). Then no point has every row <= 0: the simplex's facet forms r_i,
    each divided by its value at the opposite vertex, add up to the constant 1 (barycentric
    coordinates), so they cannot all be <= 0. Every region has a unit on.
    """
    from itertools import combinations
    vertices = {}
    for roots in combinations(range(1, m + 1), d):
        # prod (t - r) = t^d - sum_k x_k t^k  => x_k = -(coefficient of t^k)
        poly = [Fraction(1)]
        for r in roots:
            poly = [(poly[i - 1] if i > 0 else Fraction(0)) - r * (poly[i] if i < len(poly) else 0)
                    for i in range(len(poly) + 1)]
        vertices[roots] = [-poly[k] for k in range(d)]
    lo = [min(v[k] for v in vertices.values()) for k in range(d)]
    hi = [max(v[k] for v in vertices.values()) for k in range(d)]
    simplex = [v for roots, v in vertices.items() if max(roots) <= d + 1] if m > d else []
    centre = [sum(v[k] for v in simplex) / len(simplex) for k in range(d)] if simplex else None
    # x_k = lo_k + (hi_k - lo_k + 1) * (2 y_k - 1/2): vertices land in [1/4, 3/4) strictly inside; the
    # row in y is the same affine function as sum_k t^k x_k - t^d, so it has the same sign at the centre
    rows, signs = [], []
    for t in range(1, m + 1):
        a = [Fraction(t ** k) for k in range(d)]
        span = [hi[k] - lo[k] + 1 for k in range(d)]
        constant = sum(a[k] * (lo[k] - span[k] / 2) for k in range(d)) - t ** d
        sign = 1
        if centre is not None and t <= d + 1:
            sign = 1 if sum(a[k] * centre[k] for k in range(d)) - t ** d > 0 else -1
        rows.append([sign * constant] + [sign * 2 * a[k] * span[k] for k in range(d)])
        signs.append(sign)
    return rows, signs


def montufar(n0: int, widths: list[int]) -> Construction:
    """Montufar, Pascanu, Cho, Bengio 2014: each hidden layer but the last folds every input coordinate
    with ``p_l = floor(n_l / n0)`` units (a zigzag mapping p_l intervals onto [0, 1]; spare units are
    dead); the last hidden layer is a generic arrangement meeting every cell of the folded cube. On
    [0, 1]^n0 this gives ``prod_{l<L} p_l^n0 * gp(n_L, n0)`` activation regions, their Thm 4 lower bound.

    Linear regions. The output is ``sum_i s_i relu(s_i r_i(F(x)))``, F the folding (one 1-D map per
    coordinate) and ``s_i`` the signs of :func:`_generic_cube_arrangement`: where the units S are on
    it is ``sum_{i in S} r_i(F(x))``, and every normal of an ``r_i`` has positive entries. When
    ``n_L > n0`` no point has S empty, so across a fold (F_j reflected, S unchanged) the coefficient
    of x_j changes sign, and across a last-layer hyperplane the map changes by ``r_i(F(x))``, not
    constant: neighbours never share a map, and the cube's linear regions are its activation regions.
    Over R^n0 as many at least: outside the cube a folded coordinate either continues a cube cell's
    last piece (the same activation regions, extended) or is constant, and a map that ignores x_j
    differs from every map inside the cube (all depend on every x_j); so each cube region stays a
    linear region of its own. With no fold (every p_l = 1) there is one cell and the same holds,
    the all-off region included. When ``n_L = n0`` and some p_l > 1, the all-off region of each cell
    is a cone reaching the cell's boundary, where it meets the neighbouring cell's all-off region with
    the same constant output: cells away from the cube's boundary lose regions to their neighbours,
    whatever the weights of this layout, and the count is exact in activation regions only
    (``counts``; :func:`analyzer.bounds.montufar_counts`)."""
    if n0 < 1 or not widths or any(n < n0 for n in widths):
        raise AnalyzerError(f"the Montufar construction needs n0 >= 1 and every width >= n0, got {n0}, {widths}")
    layers = []
    read = [[int(k == j) for k in range(n0)] for j in range(n0)]  # row j: folded coordinate j from the outputs
    for index, n in enumerate(widths[:-1], start=1):
        p = n // n0
        offsets, coefficients = _zigzag_units(p)
        spare = n - p * n0  # dead units: constant -1, never active
        W = [read[j] for j in range(n0) for _ in offsets] + [[0] * len(read[0])] * spare
        b = [off for _ in range(n0) for off in offsets] + [-1] * spare
        layers.append(_relu_layer(W, b, index))
        read = [[coefficients[k - j * p] if j * p <= k < (j + 1) * p else 0 for k in range(n)] for j in range(n0)]
    rows, signs = _generic_cube_arrangement(widths[-1], n0)
    W = [[sum(r[1 + j] * read[j][k] for j in range(n0)) for k in range(len(read[0]))] for r in rows]
    layers.append(_relu_layer(W, [r[0] for r in rows], len(widths)))
    layers.append(layer([signs], [0], "identity", index=len(widths) + 1))
    folds = prod((n // n0) ** n0 for n in widths[:-1])
    expected = folds * sum(comb(widths[-1], j) for j in range(min(widths[-1], n0) + 1))
    return Construction(f"montufar(n0={n0}, widths={widths})", network(layers), box([0] * n0, [1] * n0),
                        expected, "==", "Montufar et al. 2014, Thm 4 (count on the unit cube)",
                        montufar_counts(n0, widths))


def arora(n0: int, m: int, w: int, depth: int) -> Construction:
    """Arora, Basu, Mianjy, Mukherjee 2018: the first layer computes ``z(x) = sum_i |<b_i, x>|`` with
    units ``relu(+-<b_i, x>)``, ``b_i = (1, t_i, ..., t_i^(n0-1))`` on the moment curve (m generic
    central hyperplanes: ``2 sum_{j<n0} C(m-1, j)`` cones on which z is linear); each of the
    ``depth - 1`` later layers of w units folds the value along z with a zigzag of w pieces (slopes
    +-w, so each piece is mapped over all of the next layer's breakpoints). Over R^n0 this has at least
    ``2 sum_{j<n0} C(m-1, j) w^(depth-1)`` linear regions: the output is ``g(z(x))`` with g the
    composed zigzags, at least w^(depth-1) pieces on [0, inf) and slope never 0 there; in each cone
    z is linear and not constant, so each piece of g is a region there, and neighbours differ (a kink
    of g inside a cone, a change of grad z across a cone's wall, which is no level set of z)."""
    if n0 < 1 or m < n0 or w < 2 or depth < 2:
        raise AnalyzerError(f"the Arora construction needs m >= n0 >= 1, w >= 2, depth >= 2; got {n0}, {m}, {w}, {depth}")
    directions = [[Fraction(t ** k) for k in range(n0)] for t in range(1, m + 1)]
    W1 = [row for d in directions for row in (d, [-v for v in d])]
    layers = [_relu_layer(W1, [0] * (2 * m), 1)]
    offsets = [Fraction(-k) for k in range(w)]
    coefficients = [Fraction(w)] + [Fraction(2 * w * (-1) ** k) for k in range(1, w)]  # zigzag of w pieces
    read = [Fraction(1)] * (2 * m)  # z = sum of the first layer's outputs
    for index in range(2, depth + 1):
        layers.append(_relu_layer([read] * w, offsets, index))
        read = coefficients
    layers.append(layer([read], [0], "identity", index=depth + 1))
    cones = 2 * sum(comb(m - 1, j) for j in range(n0))
    return Construction(f"arora(n0={n0}, m={m}, w={w}, depth={depth})", network(layers), all_space(n0),
                        cones * w ** (depth - 1), ">=", "Arora et al. 2018, zonotope construction",
                        RegionKind.LINEAR)


def serra_1d(widths: list[int]) -> Construction:
    """Serra, Tjandraatmadja, Ramalingam 2018 (n0 = 1, every n_l >= 3): ``prod (n_l + 1)`` regions on R.

    Layer l puts its n_l breakpoints at ``k / (n_l + 1)`` in (0, 1) and combines its units into a map
    f that sends each of its n_l + 1 pieces over (0, 1): bounded pieces zigzag between 0 and 1, the two
    rays run off to infinity on the side that covers (0, 1). Each unit is ``relu(x - c)`` or
    ``relu(c - x)``; its output weight is the slope jump at c; which units face right is found by a
    subset sum (the right-facing jumps must add up to the last slope). Serra et al. count activation
    regions; the linear regions are as many: each breakpoint is a kink of one layer's f at which the
    later layers are affine (f is 0 or 1 at its breakpoints, theirs lie inside (0, 1))."""
    if not widths or any(n < 3 for n in widths):
        raise AnalyzerError(f"the Serra n0 = 1 construction needs every width >= 3, got {widths}")
    layers, read, read_bias = [], [Fraction(1)], Fraction(0)
    for index, n in enumerate(widths, start=1):
        breaks = [Fraction(k, n + 1) for k in range(1, n + 1)]
        facing, jumps = _serra_units(n)
        W = [[sign * v for v in read] for sign in facing]
        b = [sign * (read_bias - c) for sign, c in zip(facing, breaks)]
        layers.append(_relu_layer(W, b, index))
        read = jumps
        # f(c_1) must be 0: at c_1 only the left-facing units are on, relu(c - c_1) = c - c_1
        read_bias = -sum((j * (c - breaks[0]) for j, c, s in zip(jumps, breaks, facing) if s < 0), Fraction(0))
    layers.append(layer([read], [read_bias], "identity", index=len(widths) + 1))
    return Construction(f"serra_1d(widths={widths})", network(layers), all_space(1), prod(n + 1 for n in widths),
                        "==", "Serra et al. 2018: prod (n_l + 1) is the maximum for n0 = 1", RegionKind.ACTIVATION)


def _serra_units(n: int) -> tuple[list[int], list[Fraction]]:
    """Facings (+1: relu(x - c), -1: relu(c - x)) and output weights of one n-unit layer of serra_1d."""
    h = n + 1  # slope of the bounded pieces: breakpoints are 1/h apart
    values = [k % 2 for k in range(n)]  # f at the breakpoints: 0, 1, 0, ...
    inner = [h * (values[k + 1] - values[k]) for k in range(n - 1)]
    for magnitude in range(1, 6):
        first = -magnitude * h  # left ray: f(c_1) = 0, so f must rise to the left
        for last_magnitude in range(1, 6):
            last = last_magnitude * h if values[-1] == 0 else -last_magnitude * h
            slopes = [first, *inner, last]
            jumps = [Fraction(slopes[k + 1] - slopes[k]) for k in range(n)]
            subset = _subset_with_sum(jumps, Fraction(last))
            if subset is not None:
                return [1 if k in subset else -1 for k in range(n)], jumps
    raise AnalyzerError(f"no serra_1d layer found for width {n}")


def _subset_with_sum(values: list[Fraction], target: Fraction) -> set[int] | None:
    reachable: dict[Fraction, frozenset[int]] = {Fraction(0): frozenset()}
    for i, v in enumerate(values):
        for total, members in list(reachable.items()):
            reachable.setdefault(total + v, members | {i})
    found = reachable.get(target)
    return None if found is None else set(found)
