"""A network's function as an exact formula: one affine expression per linear region, with its region.

The pieces are the linear regions of :class:`analyzer.regions.RegionSet` (maximal connected unions
of activation regions with one affine output map). Each piece keeps its activation regions, each
with its irredundant inequalities ``f >= 0`` (:meth:`analyzer.regions.Region.facets`); when the
union is convex the piece also gets its own irredundant system, so that a LaTeX ``cases`` row reads
as one polyhedron. Conditions are closed (``>=``): the network is continuous, so on a boundary every
adjacent piece gives the same value, and a sympy ``Piecewise`` taking the first true condition is
the function on the whole domain (``nan`` outside a bounded domain).

Variables are the domain's parameters: ``x`` for one input, ``x_1, ..., x_n`` for inputs in R^n,
``u, v`` for a slice ``x = p0 + u (p1 - p0) + v (p2 - p0)`` and ``s`` for a segment
``x = a + s (b - a)``. Numbers are exact; sympy is imported inside the functions.

Convexity of a union U of closed polyhedra P_i (a linear region): let Q be the domain cut by the
forms among the P_i's facets that hold on every P_i (each proved by an exact implication
certificate). Then U is contained in Q, and every facet of a convex U is such a form, so U is convex
exactly when U = Q, that is when no other activation region meets the interior of Q (a strict
feasibility LP with an exact certificate). Only regions sharing a facet hyperplane with some P_i
need testing: if Q is not U, the boundary of U inside int Q contains a piece of some P_i's facet
of dimension n - 1, and the region across it meets int Q.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from analyzer.domain import Domain, DomainKind, all_space
from analyzer.errors import AnalyzerError, FormulaTooLargeError
from analyzer.network import Network
from analyzer.regions import Region, RunStatus
from geometry.exact import AffineForm, is_constant, negate

if TYPE_CHECKING:
    import sympy

MAX_REGIONS = 256  # activation regions a formula is written for, by default


@dataclass(frozen=True)
class Piece:
    """One linear region: output ``matrix u + offset``; ``systems`` holds each activation region's
    irredundant forms (``f >= 0``), ``patterns`` their activation patterns; ``system`` is the
    union's own irredundant forms when the union is convex, else None."""

    matrix: tuple[tuple[Fraction, ...], ...]
    offset: tuple[Fraction, ...]
    systems: tuple[tuple[AffineForm, ...], ...]
    patterns: tuple[tuple[tuple[int, ...], ...], ...]
    system: tuple[AffineForm, ...] | None


@dataclass(frozen=True)
class NetworkFormula:
    """The function of a network on a domain, piece by piece (see the module docstring)."""

    variables: tuple[str, ...]
    domain: Domain
    pieces: tuple[Piece, ...]

    @property
    def activation_regions(self) -> int:
        return sum(len(p.systems) for p in self.pieces)

    @property
    def linear_regions(self) -> int:
        return len(self.pieces)

    def symbols(self) -> tuple[sympy.Symbol, ...]:
        import sympy
        return tuple(sympy.Symbol(v, real=True) for v in self.variables)

    def expressions(self, piece: Piece) -> list[sympy.Expr]:
        """The piece's output coordinates as affine sympy expressions."""
        import sympy
        u = self.symbols()
        return [sympy.Rational(c.numerator, c.denominator)
                + sum(sympy.Rational(a.numerator, a.denominator) * s for a, s in zip(row, u))
                for row, c in zip(piece.matrix, piece.offset)]

    def inequality(self, form: AffineForm) -> sympy.Expr:
        """``b + a . u >= 0`` as ``a . u >= -b``, or ``-a . u <= b`` when a's first nonzero entry is
        negative (one variable: divided through, as ``u >= c`` or ``u <= c``)."""
        import sympy
        u = self.symbols()
        terms = [(a, s) for a, s in zip(form[1:], u) if a]
        if len(terms) == 1:
            a, s = terms[0]
            bound = sympy.Rational(-form[0], a)
            return s >= bound if a > 0 else s <= bound
        if terms[0][0] < 0:
            return sympy.Le(sum(-a * s for a, s in terms), form[0])
        return sympy.Ge(sum(a * s for a, s in terms), -form[0])

    def condition(self, piece: Piece, *, merged: bool = True):
        """The piece's region as a sympy boolean: its own system when convex, else the disjunction of
        its activation regions' systems."""
        import sympy
        systems = [piece.system] if merged and piece.system is not None else piece.systems
        return sympy.Or(*(sympy.And(*(self.inequality(f) for f in s)) for s in systems))

    def piecewise(self, *, linear: bool = True):
        """The function as a sympy ``Piecewise`` (an ``ImmutableMatrix`` column of them for several
        outputs): one branch per linear region, or per activation region with ``linear=False``."""
        import sympy
        branches = []
        for piece in self.pieces:
            values = self.expressions(piece)
            if linear:
                branches.append((values, self.condition(piece)))
            else:
                branches += [(values, sympy.And(*(self.inequality(f) for f in s))) for s in piece.systems]
        outputs = [sympy.Piecewise(*((v[i], c) for v, c in branches)) for i in range(len(self.pieces[0].offset))]
        return outputs[0] if len(outputs) == 1 else sympy.ImmutableMatrix(outputs)

    def intervals(self) -> list[tuple[Fraction | None, Fraction | None]]:
        """1-D domains: each piece's interval ``(lo, hi)``, None for an infinite end."""
        if len(self.variables) != 1:
            raise AnalyzerError(f"intervals are for 1-D domains; this one is {len(self.variables)}-D")
        return [_interval(p.system) for p in self.pieces]

    def breakpoints(self) -> list[Fraction]:
        """1-D domains: where the function changes slope, in increasing order."""
        return sorted({hi for _, hi in self.intervals()[:-1] if hi is not None})

    def latex(self, name: str = "f") -> str:
        """A ``cases`` environment, one row per linear region (1-D: ``lo <= x <= hi``)."""
        import sympy
        u = ", ".join(self.variables)
        rows = []
        for piece in self.pieces:
            values = self.expressions(piece)
            value = sympy.latex(values[0] if len(values) == 1 else sympy.Matrix(values))
            rows.append(rf"  {value} & \text{{if }} {self._condition_latex(piece)} \\")
        return "\n".join([rf"{name}({u}) = \begin{{cases}}", *rows, r"\end{cases}"])

    def _condition_latex(self, piece: Piece) -> str:
        import sympy
        if len(self.variables) == 1:
            lo, hi = _interval(piece.system)
            x = sympy.latex(self.symbols()[0])
            parts = [sympy.latex(sympy.Rational(lo.numerator, lo.denominator)), x] if lo is not None else [x]
            if hi is not None:
                parts.append(sympy.latex(sympy.Rational(hi.numerator, hi.denominator)))
            return r" \le ".join(parts) if len(parts) > 1 else rf"{x} \in \mathbb{{R}}"
        systems = piece.systems if piece.system is None else (piece.system,)
        texts = [",\\ ".join(sympy.latex(self.inequality(f)) for f in s) or r"\text{everywhere}" for s in systems]
        return texts[0] if len(texts) == 1 else r" \;\text{or}\; ".join(rf"({t})" for t in texts)

    def to_json(self) -> dict:
        """Variables, counts and pieces; expressions and inequalities as strings sympy parses,
        numbers as "p/q" strings; 1-D domains also get ``breakpoints`` and each piece's ``interval``."""
        import sympy
        out: dict[str, object] = {"variables": list(self.variables), "domain": self.domain.description,
                                  "activation_regions": self.activation_regions, "linear_regions": self.linear_regions}
        if self.domain.origin is not None and self.domain.basis is not None:
            out["embedding"] = {"origin": [str(v) for v in self.domain.origin],
                                "basis": [[str(v) for v in b] for b in self.domain.basis]}
        pieces = []
        for piece in self.pieces:
            entry = {"expression": [sympy.sstr(e) for e in self.expressions(piece)],
                     "matrix": [[str(v) for v in row] for row in piece.matrix],
                     "offset": [str(v) for v in piece.offset],
                     "convex": piece.system is not None,
                     "inequalities": None if piece.system is None else [sympy.sstr(self.inequality(f)) for f in piece.system],
                     "activation_regions": [{"pattern": [list(s) for s in pattern],
                                             "inequalities": [sympy.sstr(self.inequality(f)) for f in s]}
                                            for pattern, s in zip(piece.patterns, piece.systems)]}
            if len(self.variables) == 1:
                entry["interval"] = [None if v is None else str(v) for v in _interval(piece.system)]
            pieces.append(entry)
        out["pieces"] = pieces
        if len(self.variables) == 1:
            out["breakpoints"] = [str(v) for v in self.breakpoints()]
        return out

    def text(self) -> str:
        """One line per linear region: the expression, then its region."""
        import sympy
        lines = []
        for piece in self.pieces:
            values = self.expressions(piece)
            value = sympy.sstr(values[0] if len(values) == 1 else values)
            lines.append(f"{value}    if {sympy.sstr(self.condition(piece))}")
        return "\n".join(lines)


def network_formula(network: Network, domain: Domain | None = None, *,
                    max_regions: int = MAX_REGIONS) -> NetworkFormula:
    """The network's function on ``domain`` (default all of R^n) as exact pieces, one per linear
    region; raises :class:`FormulaTooLargeError` when there are more than ``max_regions`` activation
    regions (the enumeration stops there)."""
    from analyzer.enumerate import Budget, enumerate_regions
    if max_regions < 1:
        raise AnalyzerError(f"max_regions must be at least 1, got {max_regions}")
    domain = all_space(network.input_dim) if domain is None else domain
    regions = enumerate_regions(network, domain, budget=Budget(max_regions=max_regions + 1))
    if regions.status is RunStatus.INTERRUPTED:
        raise KeyboardInterrupt
    if regions.status is not RunStatus.COMPLETE or len(regions) > max_regions:
        raise FormulaTooLargeError(f"the network has more than {max_regions} activation regions in "
                                   f"{domain.description}: too many to write as a formula (raise max_regions, "
                                   "or choose a smaller domain)")
    members: dict[int, list[Region]] = {}
    for region, label in zip(regions.regions, regions.linear_region_labels):
        members.setdefault(label, []).append(region)
    systems = {id(r): tuple(f for f in r.facets() if not is_constant(f)) for r in regions.regions}
    pieces = []
    system: tuple[AffineForm, ...] | None
    for label in sorted(members):
        group = members[label]
        own = [systems[id(r)] for r in group]
        if domain.dim == 1:
            system = _interval_system(own)
        elif len(group) == 1:
            system = own[0]
        else:
            others = [r for r in regions.regions if r not in group]
            system = _convex_union(own, others, domain)
        matrix, offset = group[0].output_map
        pieces.append(Piece(matrix, offset, tuple(own), tuple(r.pattern for r in group), system))
    if domain.dim == 1:
        pieces.sort(key=lambda p: _sort_key(_interval(p.system)))
    return NetworkFormula(_variables(network, domain), domain, tuple(pieces))


def network_piecewise(network: Network, domain: Domain | None = None, *, linear: bool = True,
                      max_regions: int = MAX_REGIONS):
    """The network's function on ``domain`` as a sympy ``Piecewise`` (see :meth:`NetworkFormula.piecewise`).

    >>> from analyzer.network import layer, network
    >>> net = network([layer([[1], [1]], [0, -1], "relu"), layer([[1, -2]], [0], "identity")])
    >>> network_piecewise(net)
    Piecewise((0, x <= 0), (x, (x >= 0) & (x <= 1)), (2 - x, x >= 1))
    """
    return network_formula(network, domain, max_regions=max_regions).piecewise(linear=linear)


def _variables(network: Network, domain: Domain) -> tuple[str, ...]:
    if domain.kind is DomainKind.SLICE:
        return ("u", "v")
    if domain.kind is DomainKind.SEGMENT:
        return ("s",)
    return ("x",) if network.input_dim == 1 else tuple(f"x_{i}" for i in range(1, network.input_dim + 1))


def _interval(system: Sequence[AffineForm] | None) -> tuple[Fraction | None, Fraction | None]:
    """The interval ``{b + a x >= 0 for each (b, a)}`` (nonzero a), None for an infinite end."""
    system = system or ()
    lows = [Fraction(-b, a) for b, a in system if a > 0]
    highs = [Fraction(-b, a) for b, a in system if a < 0]
    return (max(lows) if lows else None), (min(highs) if highs else None)


def _interval_system(systems: Sequence[Sequence[AffineForm]]) -> tuple[AffineForm, ...]:
    """The forms of the union of adjacent intervals (an interval): its lowest and highest ends."""
    lows, highs = zip(*(_interval(s) for s in systems))
    lo = None if None in lows else min(a for a in lows if a is not None)
    hi = None if None in highs else max(b for b in highs if b is not None)
    forms = []
    if lo is not None:
        forms.append((-lo.numerator, lo.denominator))
    if hi is not None:
        forms.append((hi.numerator, -hi.denominator))
    return tuple(forms)


def _sort_key(interval):
    lo, hi = interval
    return (lo is not None, lo if lo is not None else 0, hi is None)


def _convex_union(systems: Sequence[Sequence[AffineForm]], others: Sequence[Region],
                  domain: Domain) -> tuple[AffineForm, ...] | None:
    """The irredundant forms of the union of the polyhedra ``systems`` when it is convex, else None
    (the test of the module docstring)."""
    from geometry.lp import implication_certificate, solve_strict
    from geometry.polyhedron import facets, from_forms
    dim = domain.dim
    candidates = sorted({f for s in systems for f in s})
    valid = [f for f in candidates
             if all(f in s or implication_certificate(s, f, dim) is not None for s in systems)]
    hull = [*valid, *domain.region.forms]
    hyperplanes = {negate(f) for f in candidates}
    for other in others:
        if hyperplanes.intersection(other.forms) and solve_strict([*other.forms, *hull], dim).feasible:
            return None
    return tuple(f for f in facets(from_forms(hull, dim)) if not is_constant(f))
