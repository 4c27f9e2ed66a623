"""Theoretical bounds on the number of regions, as exact integers, and the check table.

Notation: input dimension ``n0``, hidden widths ``n_1..n_L`` (the layers with an activation; a final
affine layer adds no regions). ``C(n, j)`` is the binomial coefficient and
``gp(n, d) = sum_{j <= min(n, d)} C(n, j)``, the regions of n hyperplanes in general position in R^d.

Each :class:`Bound` says what it bounds (:class:`BoundKind`): ``UPPER`` bounds every network of the
architecture from above; ``LOWER`` bounds the *maximum over weights* from below (a particular, e.g.
random, network may have fewer regions: that violates nothing); ``SCALE`` is an expected order of
magnitude at initialisation, not a bound. Formulas: ``shared/reference/bounds.md`` and the papers cited.

What each bound counts (``Bound.counts``, a :class:`RegionKind`), and where:

* Every upper bound here counts activation regions over R^n0. It holds on any domain (an activation
  region of a domain is part of one of R^n0) and for linear regions too (each linear region is a
  union of activation regions, so there are at most as many).
* Lower bounds are about the maximum over weights over R^n0. Montufar et al. 2014 (Thm 4) and
  Pascanu et al. 2014 state "linear regions", but their constructions count activation regions, and
  in linear regions the statement can fail when ``n_L = n0``: for 1-6-1-1, Montufar's (and Pascanu's)
  bound is 6 * 2 = 12, while ``v relu(h(x)) + c`` with h of 7 pieces (6 units) has at most 11 linear
  pieces (at most 7 zeros, one per piece; its pieces where h > 0 are at most 7 and the intervals where
  h < 0, each one linear piece, at most 4). So these two count linear regions when ``n_L > n0`` or no
  layer folds (``floor(n_l / n0) = 1`` for l < L), where :func:`analyzer.constructions.montufar`
  attains Montufar's bound in linear regions, and activation regions otherwise
  (:func:`montufar_counts`). Arora et al. count pieces (linear regions; their construction has that
  many); Serra et al.'s and the maxout lower bounds count activation regions, as their papers do.
* Hanin & Rolnick's scale counts activation regions per unit volume.

:func:`check` compares each bound with the count of its kind; without a linear count (``--count-only``)
a linear-region upper bound is decided only when the activation count is at most it.
"""
from __future__ import annotations


from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from functools import lru_cache
from math import comb, factorial, prod

import flint

from analyzer.network import Activation, Kind, Network


class RegionKind(Enum):
    """What a count or a bound counts (:mod:`analyzer.regions` defines both)."""

    ACTIVATION = "activation regions"
    LINEAR = "linear regions"


class BoundKind(Enum):
    UPPER = "upper"
    LOWER = "lower"
    SCALE = "scale"


@dataclass(frozen=True)
class Bound:
    """One bound for one architecture; ``value`` is None when it does not apply (``reason`` says why)."""

    name: str
    citation: str
    kind: BoundKind
    value: int | None
    reason: str = ""
    layer: int | None = None  # compare with the count after this layer (1-based) instead of the total
    counts: RegionKind = RegionKind.ACTIVATION

    @property
    def applies(self) -> bool:
        return self.value is not None

    @property
    def over(self) -> str:
        """Where the statement holds: upper bounds on any domain, the others on R^n0."""
        return {BoundKind.UPPER: "any domain", BoundKind.LOWER: "maximum over weights on R^n0",
                BoundKind.SCALE: "expected per unit volume at initialisation"}[self.kind]


def gp(n: int, d: int) -> int:
    """``sum_{j=0}^{min(n,d)} C(n, j)``: regions of n generic hyperplanes in R^d."""
    return sum(comb(n, j) for j in range(min(n, d) + 1))


def serra_upper(n0: int, widths: Sequence[int], ranks: Sequence[int] | None = None) -> int:
    """Serra, Tjandraatmadja, Ramalingam 2018, Thm 1, by the recursion
    ``R(l, d) = sum_{j <= min(d, n_l)} C(n_l, j) R(l+1, min(d, n_l - j))``, ``R(L+1, .) = 1``,
    started at ``d = n0``. With ``ranks``, layer l sees dimension ``min(d, rank W_l)``: its hyperplanes
    are pulled back from the row space of ``W_l``, so they cut the region's image like an arrangement
    in that many dimensions, and the image after the layer has no larger dimension."""
    widths = tuple(widths)
    caps = tuple(ranks) if ranks is not None else widths

    @lru_cache(maxsize=None)
    def R(l: int, d: int) -> int:
        if l == len(widths):
            return 1
        n, d = widths[l], min(d, caps[l])
        return sum(comb(n, j) * R(l + 1, min(d, n - j)) for j in range(min(d, n) + 1))

    return R(0, n0)


def hinz_van_de_geer(n0: int, widths: Sequence[int]) -> int:
    """Hinz & van de Geer 2019: push a histogram of region image dimensions through one transfer
    matrix per layer, ``B_l[d', d] = sum of C(n_l, j)`` over ``j <= min(d, n_l)`` with
    ``min(d, n_l - j) = d'``; the bound is the total mass at the end. With these (Serra's) transfer
    entries it equals :func:`serra_upper`, computed by a different route."""
    size = n0 + 1
    histogram = flint.fmpz_mat(size, 1, [int(d == n0) for d in range(size)])
    for n in widths:
        B = flint.fmpz_mat(size, size)
        for d in range(size):
            for j in range(min(d, n) + 1):
                B[min(d, n - j), d] += comb(n, j)
        histogram = B * histogram
    return int(sum(histogram[d, 0] for d in range(size)))


def _hidden(net: Network) -> tuple[int, tuple[int, ...], Kind | None, tuple[Activation, ...]]:
    """(n0, hidden widths, the activation kind or None when mixed, the hidden layers' activations)."""
    hidden = [lay for lay in net.layers if lay.activation.splits]
    kinds = {lay.activation.kind for lay in hidden}
    kind = kinds.pop() if len(kinds) == 1 else (Kind.IDENTITY if not kinds else None)
    return net.input_dim, tuple(lay.out_dim for lay in hidden), kind, tuple(lay.activation for lay in hidden)


def montufar_counts(n0: int, widths: Sequence[int]) -> RegionKind:
    """What Montufar et al.'s (and Pascanu et al.'s) lower bound counts for these widths (all >= n0):
    linear regions when ``n_L > n0`` or no layer folds (``n_l < 2 n0`` for l < L), where
    :func:`analyzer.constructions.montufar` has that many linear regions over R^n0; activation
    regions otherwise (module docstring)."""
    return RegionKind.LINEAR if widths[-1] > n0 or all(n // n0 == 1 for n in widths[:-1]) else RegionKind.ACTIVATION


def architecture_bounds(arch: Sequence[int], activation: str = "relu") -> list[Bound]:
    """Every bound for the architecture ``(n0, n_1, ..., n_L, n_out)`` (input, hidden widths, output)."""
    from analyzer.network import activation as parse
    act = parse(activation)
    if len(arch) < 3:
        raise ValueError(f"an architecture needs input, at least one hidden width and output, got {list(arch)}")
    return _bounds(arch[0], tuple(arch[1:-1]), act.kind, (act,) * (len(arch) - 2), ranks=None)


def network_bounds(net: Network) -> list[Bound]:
    """Every bound for the network's architecture, plus the ones that read its weights: the exact
    Zaslavsky count of its first layer and Serra's bound refined by the ranks of its weight matrices."""
    n0, widths, kind, acts = _hidden(net)
    if kind is None:
        return [Bound("(mixed activations)", "", BoundKind.UPPER, None, "the bounds assume one activation throughout")]
    ranks = [_rank(lay.weights) for lay in net.layers if lay.activation.splits]
    bounds = _bounds(n0, widths, kind, acts, ranks=ranks)
    first = next((lay for lay in net.layers if lay.activation.splits), None)
    if first is not None and first is net.layers[0] and first.activation.cuts:  # units cut by hyperplanes z + t = 0
        from geometry.arrangement import zaslavsky_counts
        rows = [(b + t, *w) for w, b in zip(first.weights, first.bias) for t in first.activation.cuts]  # z + t = 0
        name, citation = "Zaslavsky, this network's first layer", "Zaslavsky 1975; Stanley Thm 2.5"
        flats = sum(comb(len(rows), i) for i in range(n0 + 1))  # at most this many flats in its poset
        if n0 >= 3 and len(rows) > n0 and flats > MAX_FLATS:
            bounds.append(Bound(name, citation, BoundKind.UPPER, None,
                                f"not computed: its intersection poset may have {flats:,} flats (more than "
                                f"{MAX_FLATS:,})", layer=1))
        else:
            regions, _ = zaslavsky_counts(rows, n0)
            bounds.append(Bound(name, citation, BoundKind.UPPER, regions, layer=1))
    return bounds


MAX_FLATS = 200_000  # a first layer whose poset may be larger is not given its exact Zaslavsky count
# (in the plane, and for independent normals, the count needs no poset: computed whatever the size)


def _rank(rows) -> int:
    return flint.fmpq_mat(len(rows), len(rows[0]), [flint.fmpq(v.numerator, v.denominator) for r in rows for v in r]).rank()


def _bounds(n0: int, widths: tuple[int, ...], kind: Kind, acts: tuple[Activation, ...], ranks) -> list[Bound]:
    """``acts``: the activation of each hidden layer (all of kind ``kind``)."""
    L, N = len(widths), sum(widths)
    ks = tuple(a.k for a in acts)  # maxout group sizes (1 for the other kinds)
    relu_like = bool(acts) and all(a.splits_at_zero for a in acts)
    out: list[Bound] = []

    def add(name, citation, bound_kind, value, reason="", applies=True, layer=None, counts=RegionKind.ACTIVATION):
        """``value`` is a function, evaluated only when the bound applies."""
        out.append(Bound(name, citation, bound_kind, value() if applies else None, "" if applies else reason, layer,
                         counts))

    states = [len(a.states) for a in acts]
    add("trivial: s^N", "s states per unit, N units: at most s^N patterns", BoundKind.UPPER,
        lambda: prod(s ** n for s, n in zip(states, widths)))
    if L == 0:
        return out
    dims = [min(n0, *widths[: l + 1]) for l in range(L)]
    not_relu_like = f"for ReLU, leaky ReLU and abs units, not {kind.value}"
    add("Zaslavsky, one layer in general position", "Zaslavsky 1975", BoundKind.UPPER,
        lambda: gp(widths[0], n0), not_relu_like, relu_like, layer=1)
    add("Montufar 2017 upper bound", "Montufar 2017 (SampTA): prod_l gp(n_l, min(n0..n_l))", BoundKind.UPPER,
        lambda: prod(gp(n, d) for n, d in zip(widths, dims)), not_relu_like, relu_like)
    add("Raghu et al. 2017, explicit form", "Raghu et al. 2017 (ICML): prod_l gp(n_l, n0)", BoundKind.UPPER,
        lambda: prod(gp(n, n0) for n in widths), not_relu_like, relu_like)
    relu_only = "Serra's argument zeroes inactive units: ReLU only"
    is_relu = kind is Kind.RELU
    add("Serra et al. 2018 upper bound", "Serra, Tjandraatmadja, Ramalingam 2018 (ICML), Thm 1", BoundKind.UPPER,
        lambda: serra_upper(n0, widths), relu_only, is_relu)
    add("Hinz & van de Geer 2019 (Serra transfer)", "Hinz & van de Geer 2019, histogram recursion", BoundKind.UPPER,
        lambda: hinz_van_de_geer(n0, widths), relu_only, is_relu)
    if ranks is not None:
        add("Serra et al. 2018, rank-refined", "Serra et al. 2018, with rank(W_l) capping each layer's dimension",
            BoundKind.UPPER, lambda: serra_upper(n0, widths, ranks), relu_only, is_relu)
    all_ge_3 = all(n >= 3 for n in widths)
    add("Serra et al. 2018, exact maximum for n0 = 1", "Serra et al. 2018: prod (n_l + 1) when n0 = 1, n_l >= 3",
        BoundKind.UPPER, lambda: prod(n + 1 for n in widths), "needs ReLU, n0 = 1 and every n_l >= 3",
        is_relu and n0 == 1 and all_ge_3)
    add("Serra et al. 2018, n0 = 1 maximum (attained)", "Serra et al. 2018: prod (n_l + 1) is attained",
        BoundKind.LOWER, lambda: prod(n + 1 for n in widths), "needs ReLU, n0 = 1 and every n_l >= 3",
        is_relu and n0 == 1 and all_ge_3)
    wide = all(n >= n0 for n in widths)
    folded = montufar_counts(n0, widths) if wide else RegionKind.ACTIVATION
    add("Montufar et al. 2014 lower bound", "Montufar, Pascanu, Cho, Bengio 2014 (NeurIPS), Thm 4", BoundKind.LOWER,
        lambda: prod((n // n0) ** n0 for n in widths[:-1]) * gp(widths[-1], n0), "needs ReLU and every n_l >= n0",
        is_relu and wide, counts=folded)
    add("Pascanu et al. 2014 lower bound", "Pascanu, Montufar, Bengio 2014 (ICLR), Thm 1", BoundKind.LOWER,
        lambda: prod(n // n0 for n in widths[:-1]) * gp(widths[-1], n0), "needs ReLU and every n_l >= n0",
        is_relu and wide, counts=folded)
    add("Serra et al. 2018 lower bound", "Serra et al. 2018: prod_{l<L} (floor(n_l/n0) + 1)^n0 * gp(n_L, n0)",
        BoundKind.LOWER, lambda: prod((n // n0 + 1) ** n0 for n in widths[:-1]) * gp(widths[-1], n0),
        "needs ReLU and every n_l >= 3 n0", is_relu and all(n >= 3 * n0 for n in widths))
    arora_ok = is_relu and L >= 2 and widths[0] % 2 == 0 and widths[0] // 2 >= n0 and len(set(widths[1:])) == 1 \
        and widths[1] >= 2
    m, w = widths[0] // 2, (widths[1] if L >= 2 else 0)
    add("Arora et al. 2018 zonotope family", "Arora, Basu, Mianjy, Mukherjee 2018 (ICLR): [2m, w, ..., w]",
        BoundKind.LOWER, lambda: 2 * sum(comb(m - 1, j) for j in range(n0)) * w ** (L - 1),
        "needs ReLU, widths [2m, w, ..., w] with m >= n0 and w >= 2", arora_ok, counts=RegionKind.LINEAR)
    is_ht = kind is Kind.HARDTANH
    add("Raghu et al. 2017, hard-tanh", "Raghu et al. 2017: prod_l sum_{j<=n0} C(n_l, j) 2^j", BoundKind.UPPER,
        lambda: prod(sum(comb(n, j) * 2 ** j for j in range(min(n, n0) + 1)) for n in widths), "hard-tanh only", is_ht)
    is_mx = kind is Kind.MAXOUT
    add("Serra et al. 2018, maxout", "Serra et al. 2018: prod_l gp(k(k-1)/2 n_l, min(n0..n_l))", BoundKind.UPPER,
        lambda: prod(gp(k * (k - 1) // 2 * n, d) for k, n, d in zip(ks, widths, dims)), "maxout only", is_mx)
    add("Montufar, Ren, Zhang 2022, one maxout layer", "Montufar, Ren, Zhang 2022: sum_{j<=n0} C(n,j)(k-1)^j",
        BoundKind.UPPER, lambda: sum(comb(widths[0], j) * (ks[0] - 1) ** j for j in range(min(widths[0], n0) + 1)),
        "one maxout layer only", is_mx and L == 1)
    add("Montufar et al. 2014, maxout", "Montufar et al. 2014: k^(L-1) k^n0 for width-n0 maxout layers",
        BoundKind.LOWER, lambda: ks[0] ** (L - 1) * ks[0] ** n0, "maxout, one group size, every width >= n0",
        is_mx and wide and len(set(ks)) == 1)
    scale = Fraction(N ** n0, factorial(n0))
    add("Hanin & Rolnick 2019 scale", "Hanin & Rolnick 2019: ~ (#neurons)^n0 / n0! per unit volume at init",
        BoundKind.SCALE, lambda: int(scale))
    return out


@dataclass(frozen=True)
class Check:
    """A bound compared with an exact count: ``count`` is the number of ``compared`` (activation or
    linear regions; None when there was nothing of the bound's kind to compare with)."""

    bound: Bound
    count: int | None
    holds: bool | None
    difference: int | None
    ratio: Fraction | None
    compared: RegionKind | None = None


def check(bounds: Sequence[Bound], total: int, per_layer: Sequence[int], linear: int | None = None) -> list[Check]:
    """Compare each applicable bound with the count of what it counts: ``total`` activation regions
    (or the per-layer count it names), or ``linear`` regions (None when they were not counted).

    ``holds`` is None for scales and for lower bounds (they bound the maximum over weights, which one
    network's count cannot refute); an upper bound that does not hold is a bug somewhere. Without a
    linear count, a linear-region upper bound is compared with the activation count: at most the
    bound proves it holds (linear <= activation), above it decides nothing; a linear-region lower
    bound or scale is then not compared."""
    rows = []
    for b in bounds:
        compared = RegionKind.ACTIVATION
        count: int | None = total
        if b.layer is not None:
            count = per_layer[b.layer - 1] if b.layer <= len(per_layer) else None
        elif b.counts is RegionKind.LINEAR and linear is not None:
            compared, count = RegionKind.LINEAR, linear
        elif b.counts is RegionKind.LINEAR and b.kind is not BoundKind.UPPER:
            count = None
        value = b.value
        if value is None or count is None:  # the bound does not apply, or nothing of its kind was counted
            rows.append(Check(b, None, None, None, None))
            continue
        holds = None
        if b.kind is BoundKind.UPPER and count <= value:
            holds = True
        elif b.kind is BoundKind.UPPER and compared is b.counts:
            holds = False
        rows.append(Check(b, count, holds, value - count, Fraction(value, count) if count else None, compared))
    return rows


def violations(checks: Sequence[Check]) -> list[Check]:
    """The upper bounds an exact count exceeds."""
    return [c for c in checks if c.holds is False]
