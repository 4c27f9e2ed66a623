"""Input domains: where regions are counted.

A :class:`Domain` is a full-dimensional polyhedron ``D`` in parameter coordinates ``u in R^k`` and an
affine embedding ``x = origin + basis u`` into the network's input space R^n (the identity for
domains in R^n itself). Regions are counted in ``D``: for a 2-D slice they are full-dimensional in the
plane, for a segment they are intervals. Boxes and balls are closed; ``ball`` is the L-infinity ball.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from functools import cached_property

from analyzer.errors import DomainError
from geometry.exact import rational, rationals
from geometry.polyhedron import HPolyhedron, box as box_polyhedron, is_bounded, polyhedron, whole_space


class DomainKind(Enum):
    ALL = "all"
    BOX = "box"
    POLYTOPE = "polytope"
    BALL = "ball"
    SLICE = "slice"
    SEGMENT = "segment"


@dataclass(frozen=True)
class Domain:
    """``D`` (in parameter coordinates) and the embedding ``x = origin + sum_i u_i basis[i]``.

    ``origin is None`` means the identity embedding (parameters are input coordinates)."""

    kind: DomainKind
    region: HPolyhedron
    input_dim: int
    origin: tuple[Fraction, ...] | None = None
    basis: tuple[tuple[Fraction, ...], ...] | None = None
    description: str = ""

    @property
    def dim(self) -> int:
        """Dimension of the parameter space (the dimension regions are counted in)."""
        return self.region.dim

    @cached_property
    def bounded(self) -> bool:
        """True when D is bounded in parameter coordinates (decided exactly, once: an exact LP)."""
        return bool(self.region.forms) and is_bounded(self.region)

    def embed(self, u: Sequence[Fraction]) -> tuple[Fraction, ...]:
        """Input-space point of the parameter point u."""
        if self.origin is None:
            return tuple(u)
        basis = self.basis
        assert basis is not None  # set together with origin
        return tuple(o + sum(ui * b[j] for ui, b in zip(u, basis)) for j, o in enumerate(self.origin))


def all_space(n: int) -> Domain:
    """All of R^n (the default; the bounds are stated there)."""
    if n < 1:
        raise DomainError(f"input dimension must be positive, got {n}")
    return Domain(DomainKind.ALL, whole_space(n), n, description="all")


def box(lower: Sequence[object], upper: Sequence[object]) -> Domain:
    """The box ``prod [lower_i, upper_i]``; every ``lower_i < upper_i``."""
    lo, hi = _vector(lower, "box lower corner"), _vector(upper, "box upper corner")
    if len(lo) != len(hi):
        raise DomainError(f"box bounds have {len(lo)} and {len(hi)} coordinates")
    for i, (a, b) in enumerate(zip(lo, hi)):
        if not a < b:
            raise DomainError(f"box side {i} is [{a}, {b}]: the lower end must be below the upper end")
    text = ",".join(f"{a}:{b}" for a, b in zip(lo, hi))
    return Domain(DomainKind.BOX, box_polyhedron(lo, hi), len(lo), description=f"box:{text}")


def ball(center: Sequence[object], radius: object) -> Domain:
    """The L-infinity ball ``{x : |x_i - c_i| <= r}``, r > 0."""
    c, r = _vector(center, "ball centre"), rational(radius)
    if r <= 0:
        raise DomainError(f"ball radius must be positive, got {r}")
    dom = box([v - r for v in c], [v + r for v in c])
    text = ",".join(str(v) for v in c)
    return Domain(DomainKind.BALL, dom.region, len(c), description=f"ball:{text};{r}")


def polytope(rows: Sequence[Sequence[object]]) -> Domain:
    """``{x : b + a . x >= 0}`` for rows ``(b, a_1, ..., a_n)``."""
    if not rows:
        raise DomainError("a polytope domain needs at least one row (b, a_1, ..., a_n)")
    P = polyhedron(rows)
    return Domain(DomainKind.POLYTOPE, P, P.dim, description=f"polytope:{len(P.forms)} rows")  # distinct ones


def plane_slice(p0: Sequence[object], p1: Sequence[object], p2: Sequence[object],
                polygon: Sequence[Sequence[object]] | None = None) -> Domain:
    """The plane ``x = p0 + u (p1 - p0) + v (p2 - p0)``; inside ``polygon`` (rows ``(b, a_u, a_v)`` in
    plane coordinates) or, by default, the whole plane. The three points must not be collinear."""
    a, b, c = rationals(p0), rationals(p1), rationals(p2)
    if not len(a) == len(b) == len(c):
        raise DomainError(f"slice points have {len(a)}, {len(b)} and {len(c)} coordinates")
    d1 = tuple(y - x for x, y in zip(a, b))
    d2 = tuple(y - x for x, y in zip(a, c))
    if all(d1[i] * d2[j] == d1[j] * d2[i] for i in range(len(a)) for j in range(len(a))):
        raise DomainError("slice points are collinear: they span no plane")
    region = whole_space(2) if polygon is None else polyhedron(polygon, 2)
    text = ";".join(",".join(str(v) for v in p) for p in (a, b, c))
    inside = "" if polygon is None else f" polygon:{len(region.forms)} rows"
    return Domain(DomainKind.SLICE, region, len(a), a, (d1, d2), description=f"slice:{text}{inside}")


def segment(start: Sequence[object], end: Sequence[object]) -> Domain:
    """The closed segment ``x = start + s (end - start)``, ``0 <= s <= 1``; the ends must differ."""
    a, b = rationals(start), rationals(end)
    if len(a) != len(b):
        raise DomainError(f"segment ends have {len(a)} and {len(b)} coordinates")
    direction = tuple(y - x for x, y in zip(a, b))
    if not any(direction):
        raise DomainError("segment ends coincide: the segment is a point")
    text = ";".join(",".join(str(v) for v in p) for p in (a, b))
    return Domain(DomainKind.SEGMENT, box_polyhedron([0], [1]), len(a), a, (direction,), description=f"segment:{text}")


def polyline(points: Sequence[Sequence[object]]) -> list[Domain]:
    """Consecutive segments of a trajectory through the points (see ``count_along_polyline``)."""
    if len(points) < 2:
        raise DomainError(f"a polyline needs at least two points, got {len(points)}")
    return [segment(p, q) for p, q in zip(points[:-1], points[1:])]


def parse_domain(text: str, input_dim: int) -> Domain:
    """Read the command-line forms: ``all``, ``box:LO,HI``, ``box:LO1:HI1,LO2:HI2,...``,
    ``ball:C1,C2,...;R``, ``slice:P0;P1;P2`` and ``segment:A;B`` (numbers as rationals or decimals),
    or the path of a ``.vnnlib`` file (its input box, :mod:`analyzer.vnnlib`).

    >>> square = parse_domain("box:-1,1", 2)
    >>> square.dim, square.bounded, square.description
    (2, True, 'box:-1:1,-1:1')
    >>> parse_domain("segment:0,0;1,1/2", 2).embed([Fraction(1, 2)])
    (Fraction(1, 2), Fraction(1, 4))
    """
    text = text.strip()
    if text.lower().endswith(".vnnlib"):
        from analyzer.vnnlib import vnnlib_domain  # it builds on this module
        return vnnlib_domain(text, input_dim)
    name, _, rest = text.partition(":")
    name = name.lower()
    try:
        if name == "all":
            return all_space(input_dim)
        if name == "box":
            sides = [s.split(":") for s in rest.split(",")]
            if len(sides) == 2 and all(len(s) == 1 for s in sides):
                lo, hi = sides[0][0], sides[1][0]
                dom = box([lo] * input_dim, [hi] * input_dim)
            elif all(len(s) == 2 for s in sides):
                dom = box([s[0] for s in sides], [s[1] for s in sides])
            else:
                raise DomainError(f"cannot read box {text!r}: use box:LO,HI or box:LO1:HI1,LO2:HI2,...")
        elif name == "ball":
            center, _, radius = rest.partition(";")
            dom = ball(_point(center), radius)
        elif name == "slice":
            points = [_point(p) for p in rest.split(";")]
            if len(points) != 3:
                raise DomainError(f"a slice needs three points P0;P1;P2, got {len(points)}")
            dom = plane_slice(points[0], points[1], points[2])
        elif name == "segment":
            points = [_point(p) for p in rest.split(";")]
            if len(points) != 2:
                raise DomainError(f"a segment needs two points A;B, got {len(points)}")
            dom = segment(*points)
        else:
            raise DomainError(f"unknown domain {text!r}: use all, box:..., ball:..., slice:..., segment:... "
                              "or a .vnnlib file")
    except DomainError:
        raise
    except ValueError as exc:
        raise DomainError(f"cannot read domain {text!r}: {exc}") from None
    if dom.input_dim != input_dim:
        raise DomainError(f"domain {text!r} lives in R^{dom.input_dim} but the network takes {input_dim} inputs")
    return dom


def _vector(values: object, what: str) -> tuple[Fraction, ...]:
    """A nonempty sequence of exact numbers, or DomainError."""
    if isinstance(values, (str, bytes)) or not (hasattr(values, "__len__") and hasattr(values, "__iter__")):
        raise DomainError(f"the {what} must be a sequence of numbers, got {values!r}")
    if len(values) == 0:
        raise DomainError(f"the {what} has no coordinates")
    return rationals(values)


def _point(text: str) -> list[Fraction]:
    return [rational(v) for v in text.split(",") if v.strip()]
