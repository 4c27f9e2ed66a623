"""Convex polyhedra in H-representation, exact.

An :class:`HPolyhedron` of dimension n is ``P = {x in R^n : f(x) >= 0 for every form f}`` (closed
halfspaces; forms as in :mod:`geometry.exact`). It may be unbounded, lower-dimensional or empty; the
empty set of forms is all of R^n. Its forms are canonical: primitive, duplicates removed, constant
forms that always hold dropped, sorted; so equal tuples mean equal representations.

Its interior is ``{x : f(x) > 0 for every form}`` when P is full-dimensional (a nonconstant form that
vanishes at a point has points of both signs nearby). The V-representation (Minkowski–Weyl) is
``P = conv(vertices) + cone(rays) + span(lines)``, computed exactly by ``cdd.gmp``.
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

import cdd
import cdd.gmp
import flint

from geometry.errors import DimensionMismatchError, EmptyDomainError, UnboundedError
from geometry.exact import (
    AffineForm,
    HomogeneousPoint,
    affine_form,
    cartesian,
    form_of_row,
    homogeneous,
    homogeneous_from_floats,
    is_constant,
    negate,
    primitive,
    primitive_ints,
    rational,
    value_times_denominator,
)
from geometry.lp import solve_exact_lp, solve_strict

_INFEASIBLE_CONSTANT = -1


@dataclass(frozen=True)
class HPolyhedron:
    """``{x in R^dim : f(x) >= 0 for f in forms}`` with canonical integer forms."""

    dim: int
    forms: tuple[AffineForm, ...]

    def __post_init__(self) -> None:
        for f in self.forms:
            if len(f) != self.dim + 1:
                raise DimensionMismatchError(
                    f"a form of a polyhedron in R^{self.dim} needs {self.dim + 1} entries, got {len(f)}")


def polyhedron(rows: Iterable[Sequence[object]], dim: int | None = None) -> HPolyhedron:
    """``{x : b + a . x >= 0 for each row (b, a_1, ..., a_n)}``, rows of exact numbers, canonicalised."""
    forms = [form_of_row(row) for row in rows]
    if dim is None:
        if not forms:
            raise DimensionMismatchError("the dimension of a polyhedron with no rows must be given")
        dim = len(forms[0]) - 1
    return from_forms(forms, dim)


def from_forms(forms: Iterable[AffineForm], dim: int) -> HPolyhedron:
    """The polyhedron of integer forms, canonicalised (made primitive, deduplicated, sorted; see
    the module docstring)."""
    kept = set()
    for f in forms:
        if len(f) != dim + 1:
            raise DimensionMismatchError(f"a form in R^{dim} needs {dim + 1} entries, got {len(f)}")
        f = primitive_ints(f)
        if is_constant(f):
            if f[0] >= 0:
                continue
            return HPolyhedron(dim, ((_INFEASIBLE_CONSTANT,) + (0,) * dim,))
        kept.add(f)
    return HPolyhedron(dim, tuple(sorted(kept)))


def whole_space(dim: int) -> HPolyhedron:
    """R^dim (no forms)."""
    return HPolyhedron(dim, ())


def box(lower: Sequence[object], upper: Sequence[object]) -> HPolyhedron:
    """The box ``prod [lower_i, upper_i]``."""
    if len(lower) != len(upper):
        raise DimensionMismatchError(f"box bounds have lengths {len(lower)} and {len(upper)}")
    dim = len(lower)
    rows = []
    for i, (lo, hi) in enumerate(zip(lower, upper)):
        unit = [0] * dim
        unit[i] = 1
        rows.append(affine_form(-rational(lo), unit))
        rows.append(affine_form(rational(hi), [-u for u in unit]))
    return from_forms(rows, dim)


def intersect(P: HPolyhedron, forms: Iterable[AffineForm]) -> HPolyhedron:
    """``P`` intersected with the halfspaces ``{f >= 0}``."""
    return from_forms([*P.forms, *forms], P.dim)


def contains(P: HPolyhedron, point: Sequence[object]) -> bool:
    """True when the point (exact rationals) satisfies every form of P."""
    _check_point(P, point)
    h = homogeneous(point)
    return all(value_times_denominator(f, h) >= 0 for f in P.forms)


def contains_in_interior(P: HPolyhedron, point: Sequence[object]) -> bool:
    """True when every form of P is strictly positive at the point."""
    _check_point(P, point)
    h = homogeneous(point)
    return all(value_times_denominator(f, h) > 0 for f in P.forms)


def _check_point(P: HPolyhedron, point: Sequence[object]) -> None:
    if len(point) != P.dim:
        raise DimensionMismatchError(f"a point of R^{P.dim} needs {P.dim} coordinates, got {len(point)}")


def interior_point(P: HPolyhedron, *, exact: bool = False) -> tuple[Fraction, ...] | None:
    """An exact rational point strictly inside P, or None when P is not full-dimensional."""
    point = solve_strict(P.forms, P.dim, exact=exact).point
    return None if point is None else cartesian(point)


def interior_point_homogeneous(P: HPolyhedron, *, exact: bool = False) -> HomogeneousPoint | None:
    """:func:`interior_point` in homogeneous integer coordinates."""
    return solve_strict(P.forms, P.dim, exact=exact).point


def emptiness_certificate(P: HPolyhedron, *, exact: bool = False) -> tuple[int, ...] | None:
    """A Farkas vector proving P has no interior point (see :mod:`geometry.lp`), or None if it has one."""
    return solve_strict(P.forms, P.dim, exact=exact).farkas


def is_full_dimensional(P: HPolyhedron, *, exact: bool = False) -> bool:
    """True when P has an interior point in R^dim."""
    return solve_strict(P.forms, P.dim, exact=exact).feasible


def is_empty(P: HPolyhedron) -> bool:
    """True when no point satisfies the (non-strict) forms; decided by an exact LP."""
    if not P.forms:
        return False
    array = [list(f) for f in P.forms] + [[0] * (P.dim + 1)]
    return solve_exact_lp(array).status == cdd.LPStatusType.INCONSISTENT


def require_full_dimensional(P: HPolyhedron, what: str = "domain") -> tuple[int, ...]:
    """An interior point of P in homogeneous coordinates, or EmptyDomainError naming the defect."""
    point = interior_point_homogeneous(P)
    if point is None:
        state = "empty" if is_empty(P) else "lower-dimensional (it has no interior point)"
        raise EmptyDomainError(f"the {what} in R^{P.dim} is {state}")
    return point


def facets(P: HPolyhedron, *, exact: bool = False) -> tuple[AffineForm, ...]:
    """The irredundant forms of a full-dimensional P: those whose removal changes the set.

    A form f is a facet exactly when some point has ``g > 0`` for the other forms g and ``f < 0``.
    """
    require_full_dimensional(P, "polyhedron")
    return tuple(f for f in P.forms if is_facet(P.forms, f, P.dim, exact=exact))


def is_facet(forms: Sequence[AffineForm], form: AffineForm, dim: int, *, exact: bool = False) -> bool:
    """True when ``form`` is irredundant among ``forms`` (a full-dimensional system of distinct forms)."""
    others = [g for g in forms if g != form]
    return solve_strict([*others, negate(form)], dim, exact=exact).feasible


class Description(NamedTuple):
    """A full-dimensional polyhedron's facets (sorted), exact generators, the vertices again as
    homogeneous integer points (same order), and per vertex the indices of the facets through it."""

    facets: tuple[AffineForm, ...]
    generators: "Generators"
    points: tuple[HomogeneousPoint, ...]
    tight: tuple[frozenset[int], ...]


def describe(P: HPolyhedron) -> Description:
    """The facets and exact generators of a full-dimensional P (what :func:`facets` and
    :func:`generators` give) without an LP per form and without the exact double description of
    every form.

    A float double description (``cdd``, each form scaled to entries of size about 1) only hints
    which forms are tight somewhere; the exact one (``cdd.gmp``) is made of those, Q, and every other
    form is checked exactly on Q's generators (>= 0 at each vertex, a.r >= 0 on each ray, a.l = 0 on
    each line), which proves Q within P, hence Q = P; a form that fails joins Q and Q is made again.
    A form is a facet of P exactly when the generators on its hyperplane (vertices, rays, lines)
    span a face of dimension dim - 1."""
    forms, n = list(P.forms), P.dim
    chosen = set(_float_hint(forms, n))
    while True:
        Q = from_forms([f for f in forms if f in chosen], n)
        vertices, rays, lines, _ = _cdd_generators(Q)
        points = [_homogeneous(v) for v in vertices]
        failing = [f for f in forms if f not in chosen and not _holds_on(f, points, rays, lines)]
        if not failing:
            break
        chosen.update(failing)
    found = tuple(f for f in Q.forms if _is_facet_on(f, points, rays, lines, n))
    tight = tuple(frozenset(k for k, f in enumerate(found) if value_times_denominator(f, x) == 0) for x in points)
    return Description(found, Generators(tuple(vertices), tuple(rays), tuple(lines)), tuple(points), tight)


def _homogeneous(point: Sequence[Fraction]) -> HomogeneousPoint:
    d = math.lcm(*(v.denominator for v in point))
    return (d, *(v.numerator * (d // v.denominator) for v in point))


def _float_hint(forms: list[AffineForm], n: int) -> list[AffineForm]:
    """The forms that a float double description finds (nearly) tight at one of its vertices or
    rays; all forms when it fails or finds no vertex. A hint only (see :func:`describe`)."""
    scaled = []
    for f in forms:
        top = max(abs(v) for v in f)
        scaled.append([v / top for v in f])  # int / int: correctly rounded, no overflow
    try:
        out = cdd.copy_generators(cdd.polyhedron_from_matrix(
            cdd.matrix_from_array(scaled, rep_type=cdd.RepType.INEQUALITY))).array
    except (ArithmeticError, ValueError, RuntimeError):
        return forms
    points = [[v / row[0] for v in row[1:]] for row in out if abs(row[0]) > 1e-9]
    directions = [row[1:] for row in out if abs(row[0]) <= 1e-9]
    if not points:
        return forms
    found = []
    for f, g in zip(forms, scaled):
        for x in points:
            if abs(g[0] + sum(a * v for a, v in zip(g[1:], x))) <= 1e-7 * (1 + sum(abs(v) for v in x)):
                found.append(f)
                break
        else:
            if any(abs(sum(a * v for a, v in zip(g[1:], r))) <= 1e-7 * sum(abs(v) for v in r) for r in directions):
                found.append(f)
    return found


def _holds_on(form: AffineForm, points, rays, lines) -> bool:
    """``form >= 0`` on ``conv(points) + cone(rays) + span(lines)`` (points homogeneous), exactly."""
    a = form[1:]
    return (all(value_times_denominator(form, x) >= 0 for x in points)
            and all(sum(c * x for c, x in zip(a, r)) >= 0 for r in rays)
            and all(sum(c * x for c, x in zip(a, d)) == 0 for d in lines))


def _is_facet_on(form: AffineForm, points, rays, lines, n: int) -> bool:
    """Whether the generators on ``{form = 0}`` span an (n - 1)-dimensional face (``form >= 0`` on
    the polyhedron): the homogeneous vertices, rays and lines there (directions with d = 0) have
    rank n."""
    a = form[1:]
    on = [x for x in points if value_times_denominator(form, x) == 0]
    if not on:
        return False
    on += [(0, *r) for r in rays if sum(c * x for c, x in zip(a, r)) == 0]
    on += [(0, *d) for d in lines]
    return _affine_dimension(on) == n - 1


def implication_at_vertices(facet_forms: Sequence[AffineForm], form: AffineForm,
                            points: Sequence[HomogeneousPoint],
                            tight: Sequence[frozenset[int]]) -> tuple[Fraction, tuple[Fraction, ...]] | None:
    """``(l0, l)`` as :func:`geometry.lp.implication_certificate` gives, for a pointed polyhedron
    ``P = {facet_forms >= 0}`` with these vertices (homogeneous; ``tight[k]``: the facets through
    vertex k) on which ``form >= 0``, without an LP: ``form`` is least over P at a vertex v (P is
    pointed and form is bounded below on it), where LP duality gives l >= 0 on the facets through v
    with ``form - sum l_i f_i`` constant, equal to ``form(v) = l0 >= 0``; l is found by solving n of
    those facets' normals for form's. None when no n of them give l >= 0 (then ask the LP)."""
    if not points:
        return None
    n = len(form) - 1
    values = [Fraction(value_times_denominator(form, x), x[0]) for x in points]
    k = min(range(len(values)), key=values.__getitem__)
    if values[k] < 0:
        return None
    for chosen in itertools.combinations(sorted(tight[k]), n):
        normals = flint.fmpq_mat(n, n, [facet_forms[i][1 + r] for r in range(n) for i in chosen])
        if normals.rank() < n:
            continue
        solution = normals.solve(flint.fmpq_mat(n, 1, list(form[1:])))
        weights = [Fraction(int(solution[r, 0].p), int(solution[r, 0].q)) for r in range(n)]
        if all(w >= 0 for w in weights):
            multipliers = [Fraction(0)] * len(facet_forms)
            for i, w in zip(chosen, weights):
                multipliers[i] = w
            return values[k], tuple(multipliers)
    return None


@dataclass(frozen=True)
class Generators:
    """``conv(vertices) + cone(rays) + span(lines)``; rays and lines are primitive integer vectors."""

    vertices: tuple[tuple[Fraction, ...], ...]
    rays: tuple[tuple[int, ...], ...]
    lines: tuple[tuple[int, ...], ...]


def generators(P: HPolyhedron) -> Generators:
    """The exact V-representation of P (``cdd.gmp``); all empty when P is empty."""
    vertices, rays, lines, _ = _cdd_generators(P)
    return Generators(tuple(vertices), tuple(rays), tuple(lines))


def _cdd_generators(P: HPolyhedron):
    """Vertices, rays, lines and, per vertex, the set of form indices tight at it."""
    array = [list(f) for f in P.forms] or [[1] + [0] * P.dim]
    matrix = cdd.gmp.matrix_from_array(array, rep_type=cdd.RepType.INEQUALITY)
    poly = cdd.gmp.polyhedron_from_matrix(matrix)
    output = cdd.gmp.copy_generators(poly)
    incidence = cdd.gmp.copy_incidence(poly)
    vertices, rays, lines, tight = [], [], [], []
    for index, row in enumerate(output.array):
        if row[0] != 0:
            vertices.append(tuple(Fraction(v) / Fraction(row[0]) for v in row[1:]))
            tight.append(frozenset(incidence[index]) if P.forms else frozenset())
        elif index in output.lin_set:
            lines.append(_primitive_direction(row[1:]))
        else:
            rays.append(_primitive_direction(row[1:]))
    if not vertices and all(f[0] == 0 for f in P.forms) and P.forms:
        # cdd reads a homogeneous system as a cone and leaves its apex, the origin, implicit
        vertices.append((Fraction(0),) * P.dim)
        tight.append(frozenset(range(len(P.forms))))
    return vertices, rays, lines, tight


def _primitive_direction(values) -> tuple[int, ...]:
    return primitive([Fraction(v) for v in values])


def bounded_vertices(P: HPolyhedron, dim: int, what: str) -> tuple[tuple[Fraction, ...], ...]:
    """The exact vertices of P, which must be a bounded full-dimensional polyhedron in R^dim."""
    if P.dim != dim:
        raise DimensionMismatchError(f"{what} lives in R^{dim}, not R^{P.dim}")
    require_full_dimensional(P, what)
    gens = generators(P)
    if gens.rays or gens.lines:
        raise UnboundedError(f"{what} must be bounded")
    return gens.vertices


def recession_cone(P: HPolyhedron) -> HPolyhedron:
    """``{d : a . d >= 0 for every form (b, a) of P}``: the directions along which P is unbounded."""
    return from_forms([(0, *f[1:]) for f in P.forms], P.dim)


def is_bounded(P: HPolyhedron) -> bool:
    """True when the nonempty polyhedron P contains no ray (its recession cone is {0})."""
    rays, lines = _recession_generators(P)
    return not rays and not lines


def is_relatively_bounded(P: HPolyhedron) -> bool:
    """True when P is bounded modulo its lineality space (its recession cone is a linear subspace)."""
    rays, _ = _recession_generators(P)
    return not rays


def _recession_generators(P: HPolyhedron):
    """Rays and lines of the recession cone. A float ray that checks exactly settles 'has a ray'."""
    cone = recession_cone(P)
    if not cone.forms:
        return [], [(1,)] if P.dim else []
    ray = _float_ray(cone)
    if ray is not None:
        return [ray], []
    _, rays, lines, _ = _cdd_generators(cone)
    return rays, lines


def _float_ray(cone: HPolyhedron):
    """A float candidate ray of the pointed part of the cone, returned only if it checks exactly."""
    try:
        matrix = cdd.matrix_from_array([[float(v) for v in f] for f in cone.forms], rep_type=cdd.RepType.INEQUALITY)
        output = cdd.copy_generators(cdd.polyhedron_from_matrix(matrix))
    except (OverflowError, RuntimeError):  # float cdd gave up: the exact path decides
        return None
    for index, row in enumerate(output.array):
        if row[0] == 0 and index not in output.lin_set and any(row[1:]):
            direction = homogeneous_from_floats(row[1:])[1:]
            values = [sum(a * d for a, d in zip(f[1:], direction)) for f in cone.forms]
            if all(v >= 0 for v in values) and any(v > 0 for v in values):
                return direction
    return None


def volume(P: HPolyhedron) -> Fraction:
    """The exact n-dimensional volume of a bounded P (zero when P is not full-dimensional).

    >>> volume(polyhedron([(0, 1, 0), (0, 0, 1), ("1/2", -1, -1)]))  # x, y >= 0, x + y <= 1/2
    Fraction(1, 8)

    Computed by a pulling triangulation: P is the union, with disjoint interiors, of the pyramids
    from one vertex over the facets not containing it, recursively; a simplex has volume
    ``|det(v_1 - v_0, ..., v_n - v_0)| / n!``.
    """
    vertices, rays, lines, tight = _cdd_generators(P)
    if rays or lines:
        raise UnboundedError(f"volume of an unbounded polyhedron in R^{P.dim}")
    if not vertices or not is_full_dimensional(P):
        return Fraction(0)
    return polytope_volume([_homogeneous(v) for v in vertices], tight, P.dim)


def polytope_volume(points: Sequence[HomogeneousPoint], tight: Sequence[frozenset[int]], n: int) -> Fraction:
    """The volume of a full-dimensional polytope of R^n given by its vertices as homogeneous integer
    points ``(d, X)`` (d > 0) and, per vertex, the indices of the facets through it (see
    :func:`volume`). A simplex's ``det(v_1 - v_0, ...)`` is the determinant of its homogeneous
    rows divided by the product of their d's."""
    if n == 0:
        return Fraction(1)
    total = Fraction(0)
    for simplex in _pulling_simplices(tuple(range(len(points))), n, points, tight):
        rows = [points[k] for k in simplex]
        det = flint.fmpz_mat(n + 1, n + 1, [v for row in rows for v in row]).det()
        total += Fraction(abs(int(det)), math.prod(row[0] for row in rows))
    return total / math.factorial(n)


def _pulling_simplices(face, dim, points, tight):
    """Simplices (tuples of vertex indices) triangulating the face spanned by ``face`` (affine dim ``dim``)."""
    if dim == 0:
        yield (face[0],)
        return
    apex = face[0]
    for sub in _facets_of_face(face, dim, points, tight):
        if apex not in sub:
            for simplex in _pulling_simplices(sub, dim - 1, points, tight):
                yield (apex, *simplex)


def _facets_of_face(face, dim, points, tight):
    common = frozenset.intersection(*(tight[v] for v in face))
    candidates = frozenset.union(*(tight[v] for v in face)) - common
    seen = set()
    for row in candidates:
        sub = tuple(v for v in face if row in tight[v])
        if sub in seen or len(sub) < dim:
            continue
        seen.add(sub)
        if _affine_dimension([points[v] for v in sub]) == dim - 1:
            yield sub


def _affine_dimension(points: Sequence[Sequence[int]]) -> int:
    """The dimension of the affine hull of homogeneous points (and directions, d = 0): the rank of
    their coordinates, less one."""
    return flint.fmpz_mat(len(points), len(points[0]), [v for p in points for v in p]).rank() - 1


def restrict_to_hyperplane(forms: Iterable[AffineForm], hyperplane: AffineForm) -> list[AffineForm]:
    """The forms restricted to ``{h = 0}``, in R^(n-1) coordinates: the first coordinate j with
    ``a_j != 0`` is eliminated (``x_j = -(b + sum_{i != j} a_i x_i) / a_j``); each result is a positive
    multiple of the restricted form, so halfspaces keep their orientation."""
    j = next(i for i, a in enumerate(hyperplane) if i and a)
    pivot = hyperplane[j]
    scale = 1 if pivot > 0 else -1
    restricted = []
    for f in forms:
        combined = [scale * (pivot * c - f[j] * h) for c, h in zip(f, hyperplane)]
        del combined[j]
        restricted.append(primitive_ints(combined))
    return restricted


def lift_from_hyperplane(point: Sequence[Fraction], hyperplane: AffineForm) -> tuple[Fraction, ...]:
    """The point of ``{h = 0}`` whose coordinates other than the eliminated one (see
    :func:`restrict_to_hyperplane`) are ``point``."""
    j = next(i for i, a in enumerate(hyperplane) if i and a)
    coordinates = list(point)
    coordinates.insert(j - 1, Fraction(0))
    value = hyperplane[0] + sum(a * x for a, x in zip(hyperplane[1:], coordinates))
    coordinates[j - 1] = -Fraction(value, hyperplane[j])
    return tuple(coordinates)


def facet_witness(forms_a: Sequence[AffineForm], forms_b: Sequence[AffineForm], form: AffineForm, dim: int,
                  *, exact: bool = False) -> tuple[Fraction, ...] | None:
    """A point with ``form = 0`` where every other form of A and of B is strictly positive, or None.

    Such a point lies in the relative interior of an (n-1)-dimensional face that A (which has
    ``form``) and B (which has its negation) share."""
    others = [g for g in (*forms_a, *forms_b) if g != form and g != negate(form)]
    answer = solve_strict(restrict_to_hyperplane(others, form), dim - 1, exact=exact)
    return None if answer.point is None else lift_from_hyperplane(cartesian(answer.point), form)


def common_facet(forms_a: Sequence[AffineForm], forms_b: Sequence[AffineForm], dim: int,
                 *, exact: bool = False) -> AffineForm | None:
    """A form f of A (with -f a form of B) such that A and B share an (n-1)-dimensional face on
    ``{f = 0}``, or None. A and B are full-dimensional polyhedra given by canonical forms.

    They share such a face exactly when some point of the hyperplane makes every other form of A and
    B strictly positive (:func:`facet_witness`).
    """
    opposite = {negate(f) for f in forms_b}
    for f in forms_a:
        if f in opposite and not is_constant(f) and facet_witness(forms_a, forms_b, f, dim, exact=exact) is not None:
            return f
    return None


def faces(P: HPolyhedron) -> list[tuple[int, frozenset[tuple[Fraction, ...]]]]:
    """Every nonempty face of a bounded P as ``(dimension, vertex set)``, P itself included.

    Faces are the intersections of facets' vertex sets (closure under intersection, from the exact
    vertex-facet incidence of ``cdd.gmp``); a face's dimension is the affine rank of its vertices."""
    vertices, rays, lines, tight = _cdd_generators(P)
    if rays or lines:
        raise UnboundedError(f"faces of an unbounded polyhedron in R^{P.dim}")
    if not vertices:
        return []
    everything = frozenset(range(len(vertices)))
    found = {everything}
    frontier = {frozenset(v for v in everything if k in tight[v]) for k in range(len(P.forms))} - {frozenset()}
    while frontier:
        found |= frontier
        frontier = {a & b for a in frontier for b in found if a & b and (a & b) not in found}
    return [(_affine_dimension([_homogeneous(vertices[v]) for v in sorted(face)]), frozenset(vertices[v] for v in face))
            for face in found]
