"""Closed forms of the bounds of :mod:`analyzer.bounds` as sympy expressions.

Symbols: ``n_0`` is the input dimension, ``n_1, ..., n_L`` the hidden widths, ``k`` the maxout group
size; summation indices are ``j`` (one sum) or ``j_1, ..., j_L`` (Serra et al.'s index set). The
binomial ``C(n, j)`` vanishes for integers ``j > n >= 0``, so ``gp(n, d)`` is written
``Sum(binomial(n, j), (j, 0, d))`` without a ``min``. The depth L is fixed by the architecture; every
other quantity is a symbol, so a user can print the formula and substitute their own widths with
:func:`evaluate`.

sympy is imported inside the functions: importing this module does not load it.

Example
-------
>>> f = {b.bound.name: b for b in bound_formulas([2, 8, 8, 1])}["Montufar 2017 upper bound"]
>>> f.expression
Sum(binomial(n_1, j), (j, 0, Min(n_0, n_1)))*Sum(binomial(n_2, j), (j, 0, Min(n_0, n_1, n_2)))
>>> f.evaluate(), f.bound.value
(1369, 1369)
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analyzer.bounds import Bound, architecture_bounds
from analyzer.network import Kind, activation as parse_activation

if TYPE_CHECKING:
    import sympy


@dataclass(frozen=True)
class BoundFormula:
    """A bound with its closed form; ``expression`` is None when the bound does not apply here.

    ``values`` maps each symbol of the expression (``n_0``, ``n_1``, ..., ``k``) to this
    architecture's number."""

    bound: Bound
    expression: sympy.Expr | None
    values: Mapping[sympy.Symbol, int]

    def evaluate(self) -> int:
        """The expression at this architecture (equals ``bound.value``)."""
        return evaluate(self.expression, self.values)


def architecture_symbols(depth: int) -> tuple[sympy.Symbol, tuple[sympy.Symbol, ...]]:
    """``(n_0, (n_1, ..., n_depth))``: nonnegative integer symbols (widths positive)."""
    import sympy
    n0 = sympy.Symbol("n_0", integer=True, positive=True)
    return n0, tuple(sympy.Symbol(f"n_{l}", integer=True, positive=True) for l in range(1, depth + 1))


def bound_formulas(arch: Sequence[int], activation: str = "relu") -> list[BoundFormula]:
    """Every bound of :func:`analyzer.bounds.architecture_bounds` with its closed form.

    ``arch`` is ``(n0, n_1, ..., n_L, n_out)``. A bound that applies but has no recorded closed form
    (a bound added to :mod:`analyzer.bounds` and not here) gets ``expression`` None."""
    import sympy
    bounds = architecture_bounds(arch, activation)
    act = parse_activation(activation)
    n0, ns = architecture_symbols(len(arch) - 2)
    k = sympy.Symbol("k", integer=True, positive=True)
    values = {n0: arch[0], **dict(zip(ns, arch[1:-1]))}
    if act.kind is Kind.MAXOUT:
        values[k] = act.k
    out = []
    for b in bounds:
        build = _FORMULAS.get(b.name)
        expression = build(n0, ns, k, act) if b.applies and build is not None else None
        out.append(BoundFormula(b, expression, values))
    return out


def evaluate(expression: sympy.Expr, values: Mapping[sympy.Symbol, int]) -> int:
    """The integer value of a bound's expression with ``values`` substituted.

    Finite sums are expanded from the outermost index inwards, so that each inner sum's limits are
    numbers when it is expanded (sympy's ``doit`` works inside out and stalls on symbolic ``Min``
    limits of nested sums)."""
    import sympy
    value = _expand(sympy.sympify(expression).subs(values))
    if not (value.is_Integer):
        raise ValueError(f"the expression {expression} does not evaluate to an integer at {dict(values)}: {value}")
    return int(value)


def _expand(e):
    import sympy
    if isinstance(e, sympy.Sum):
        *inner_limits, (index, lo, hi) = e.limits
        lo, hi = _expand(lo), _expand(hi)
        if not (lo.is_Integer and hi.is_Integer):
            raise ValueError(f"sum over {index} has limits {lo}, {hi} that are not numbers; substitute every symbol")
        inner = sympy.Sum(e.function, *inner_limits) if inner_limits else e.function
        return sympy.Add(*(_expand(inner.subs(index, i)) for i in range(int(lo), int(hi) + 1)))
    if not e.args:
        return e
    return e.func(*(_expand(a) for a in e.args))


# --- the closed forms, by bound name (bounds.md and the papers cited in analyzer.bounds) ----------

def _gp(n, d):
    """``sum_{j=0}^{d} C(n, j)``."""
    import sympy
    j = sympy.Symbol("j", integer=True, nonnegative=True)
    return sympy.Sum(sympy.binomial(n, j), (j, 0, d))


def _dims(n0, ns):
    """``d_l = min(n_0, n_1, ..., n_l)``."""
    import sympy
    return [sympy.Min(n0, *ns[: l + 1]) for l in range(len(ns))]


def _trivial(n0, ns, k, act):
    states = k if act.kind is Kind.MAXOUT else len(act.states)  # maxout's k states as the symbol k
    return states ** sum(ns)


def _serra_index_set(n0, ns, k, act):
    """Serra et al. 2018, Thm 1: ``sum over J of prod_l C(n_l, j_l)``, J the tuples with
    ``0 <= j_l <= min(n_0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l)``."""
    import sympy
    js = sympy.symbols(f"j_1:{len(ns) + 1}", integer=True, nonnegative=True)
    limits = [(js[l], 0, sympy.Min(n0, *(ns[i] - js[i] for i in range(l)), ns[l])) for l in range(len(ns))]
    return sympy.Sum(sympy.Mul(*(sympy.binomial(n, j) for n, j in zip(ns, js))), *reversed(limits))


def _last_generic(n0, ns):
    return _gp(ns[-1], n0)


def _floor_ratio(n, n0):
    import sympy
    return sympy.floor(n / n0)


def _arora(n0, ns, k, act):
    """``2 sum_{j < n_0} C(m - 1, j) w^{L-1}`` with ``n_1 = 2m`` and ``w = n_2 = ... = n_L``."""
    import sympy
    j = sympy.Symbol("j", integer=True, nonnegative=True)
    return 2 * sympy.Sum(sympy.binomial(ns[0] / 2 - 1, j), (j, 0, n0 - 1)) * ns[1] ** (len(ns) - 1)


def _hanin(n0, ns, k, act):
    import sympy
    return sympy.floor(sum(ns) ** n0 / sympy.factorial(n0))


def _prod(terms):
    import sympy
    return sympy.Mul(*terms)


def _sum_j(n, n0, weight):
    import sympy
    j = sympy.Symbol("j", integer=True, nonnegative=True)
    return sympy.Sum(sympy.binomial(n, j) * weight(j), (j, 0, n0))


_Builder = Callable[..., "sympy.Expr"]
_FORMULAS: dict[str, _Builder] = {
    "trivial: s^N": _trivial,
    "Zaslavsky, one layer in general position": lambda n0, ns, k, act: _gp(ns[0], n0),
    "Montufar 2017 upper bound": lambda n0, ns, k, act: _prod(_gp(n, d) for n, d in zip(ns, _dims(n0, ns))),
    "Raghu et al. 2017, explicit form": lambda n0, ns, k, act: _prod(_gp(n, n0) for n in ns),
    "Serra et al. 2018 upper bound": _serra_index_set,
    # with Serra's transfer entries the histogram recursion sums the same index set
    "Hinz & van de Geer 2019 (Serra transfer)": _serra_index_set,
    "Serra et al. 2018, exact maximum for n0 = 1": lambda n0, ns, k, act: _prod(n + 1 for n in ns),
    "Serra et al. 2018, n0 = 1 maximum (attained)": lambda n0, ns, k, act: _prod(n + 1 for n in ns),
    "Montufar et al. 2014 lower bound":
        lambda n0, ns, k, act: _prod(_floor_ratio(n, n0) ** n0 for n in ns[:-1]) * _last_generic(n0, ns),
    "Pascanu et al. 2014 lower bound":
        lambda n0, ns, k, act: _prod(_floor_ratio(n, n0) for n in ns[:-1]) * _last_generic(n0, ns),
    "Serra et al. 2018 lower bound":
        lambda n0, ns, k, act: _prod((_floor_ratio(n, n0) + 1) ** n0 for n in ns[:-1]) * _last_generic(n0, ns),
    "Arora et al. 2018 zonotope family": _arora,
    "Raghu et al. 2017, hard-tanh": lambda n0, ns, k, act: _prod(_sum_j(n, n0, lambda j: 2 ** j) for n in ns),
    "Serra et al. 2018, maxout":
        lambda n0, ns, k, act: _prod(_gp(k * (k - 1) / 2 * n, d) for n, d in zip(ns, _dims(n0, ns))),
    "Montufar, Ren, Zhang 2022, one maxout layer": lambda n0, ns, k, act: _sum_j(ns[0], n0, lambda j: (k - 1) ** j),
    "Montufar et al. 2014, maxout": lambda n0, ns, k, act: k ** (len(ns) - 1) * k ** n0,
    "Hanin & Rolnick 2019 scale": _hanin,
}


# --- rendering ------------------------------------------------------------------------------------

def formula_dicts(formulas: Sequence[BoundFormula]) -> list[dict]:
    """The bound dicts of :func:`analyzer.report.bound_dicts` with ``formula`` (a string sympy can
    parse), ``formula_latex`` and ``symbols`` (each symbol's value here); the formulas are null when
    the bound does not apply."""
    import sympy
    from analyzer.report import bound_dicts
    rows = bound_dicts([f.bound for f in formulas])
    for row, f in zip(rows, formulas):
        row["formula"] = None if f.expression is None else sympy.sstr(f.expression)
        row["formula_latex"] = None if f.expression is None else sympy.latex(f.expression)
        row["symbols"] = {str(s): v for s, v in f.values.items()}
    return rows


def formulas_text(formulas: Sequence[BoundFormula]) -> str:
    """Each bound's line of :func:`analyzer.report.bounds_text`, then ``= formula`` beneath it."""
    import sympy
    from analyzer.report import bounds_text
    header, *lines = bounds_text([f.bound for f in formulas]).split("\n")
    values = ", ".join(f"{s} = {v}" for s, v in formulas[0].values.items()) if formulas else ""
    out = [f"symbols: {values}", header]
    for line, f in zip(lines, formulas):
        out.append(line)
        if f.expression is not None:
            out.append(f"    = {sympy.sstr(f.expression)}")
    return "\n".join(out)


def formulas_latex(formulas: Sequence[BoundFormula], caption: str) -> str:
    """A booktabs table of the bounds that apply: name, kind, closed form (math mode), value."""
    import sympy
    from analyzer.report import latex_number, latex_text
    rows = [rf"{latex_text(f.bound.name)} & {f.bound.kind.value} & "
            rf"${'-' if f.expression is None else sympy.latex(f.expression)}$ & {latex_number(f.bound.value)} \\"
            for f in formulas if f.bound.value is not None]
    return "\n".join([
        r"\begin{table}[t]", r"\centering", r"\begin{tabular}{lllr}", r"\toprule",
        r"Bound & Kind & Closed form & Value \\", r"\midrule", *rows, r"\bottomrule", r"\end{tabular}",
        rf"\caption{{{latex_text(caption)}}}", r"\end{table}"])
