"""Networks whose weights are polynomials in one parameter, and their exact algebra.

A :class:`ParametricNetwork` has the layers of :class:`analyzer.network.Network` with every weight
and bias a polynomial in the parameter (``t`` by default) with rational coefficients. Files are the
npz and JSON files of :mod:`analyzer.loaders` with entries that are numbers or strings such as
``"1/2 + t"``, ``"t**2 - 1"``, ``"3t/4"`` or ``"(t - 1)^2"``: numbers (integers, decimals read
exactly, ``p/q``), the parameter, ``+ - * /`` (division by constants only), powers with
nonnegative integer exponents (``**`` or ``^``) and parentheses. The strings are parsed here, not
evaluated, so a model file cannot run code.

Polynomials are python-flint ``fmpq_poly``. An affine form on the domain's parameter space ``u in R^k``
is a list ``[b, a_1, ..., a_k]`` of polynomials (value ``b + a . u`` at each parameter value), and a
map is a list of forms, one per output. :func:`embedding_rows`, :func:`preactivations`,
:func:`unit_rows` and :func:`apply_states` follow a pattern through the layers as
:mod:`analyzer.maps` does for fixed weights, with the same unit states (:mod:`analyzer.network`).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from fractions import Fraction
from pathlib import Path

import flint

from analyzer.activations import unit_form
from analyzer.domain import Domain
from analyzer.errors import ModelFileError, ParameterError
from analyzer.network import Activation, Network, activation as parse_activation, layer, network, unit_groups
from geometry.exact import rational

Coefficients = tuple[Fraction, ...]  # a polynomial, constant first, no trailing zeros
MAX_EXPONENT = 100


@dataclass(frozen=True)
class ParametricLayer:
    """``y -> act(W(t) y + b(t))``; each entry a coefficient tuple (constant first)."""

    weights: tuple[tuple[Coefficients, ...], ...]
    bias: tuple[Coefficients, ...]
    activation: Activation

    @property
    def pre_dim(self) -> int:
        return len(self.bias)

    @cached_property
    def polynomials(self) -> tuple[list[list[flint.fmpq_poly | None]], list[flint.fmpq_poly]]:
        """``(W, b)`` as python-flint polynomials, None for a zero weight (computed once)."""
        return ([[None if w == (0,) else poly(w) for w in row] for row in self.weights], [poly(b) for b in self.bias])


@dataclass(frozen=True)
class ParametricNetwork:
    """Layers with polynomial weights in the parameter named ``parameter``; the shapes are checked
    by building the network at t = 0."""

    layers: tuple[ParametricLayer, ...]
    parameter: str = "t"

    def __post_init__(self) -> None:
        self.at(Fraction(0))

    @property
    def input_dim(self) -> int:
        return len(self.layers[0].weights[0])

    @property
    def degree(self) -> int:
        """The largest degree of an entry (0: the network does not depend on the parameter)."""
        return max(len(c) - 1 for lay in self.layers for row in (*lay.weights, lay.bias) for c in row)

    def at(self, value: Fraction) -> Network:
        """The network with the parameter set to the rational ``value``."""
        def ev(c: Coefficients) -> Fraction:
            return sum((a * value ** e for e, a in enumerate(c)), Fraction(0))
        return network([layer([[ev(c) for c in row] for row in lay.weights], [ev(c) for c in lay.bias],
                              lay.activation, index=i + 1) for i, lay in enumerate(self.layers)])


def parametric_network(layers: Sequence[tuple[Sequence[Sequence[object]], Sequence[object], str]],
                       parameter: str = "t") -> ParametricNetwork:
    """From ``(weight rows, bias, activation)`` per layer, entries numbers or polynomial strings."""
    _check_name(parameter)
    out = []
    for i, (W, b, act) in enumerate(layers, start=1):
        try:
            weights = tuple(tuple(polynomial(v, parameter) for v in row) for row in W)
            bias = tuple(polynomial(v, parameter) for v in b)
        except TypeError:
            raise ParameterError(f"layer {i}: weights must be rows of entries and the bias a list of entries") from None
        except ParameterError as exc:
            raise ParameterError(f"layer {i}: {exc}") from None
        out.append(ParametricLayer(weights, bias, parse_activation(act)))
    if not out:
        raise ParameterError("a network needs at least one layer")
    return ParametricNetwork(tuple(out), parameter)


def load_parametric(path: str | Path, parameter: str = "t") -> ParametricNetwork:
    """Read an npz or JSON network file whose entries may be polynomials in ``parameter``."""
    from analyzer.loaders import json_entries, npz_entries
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"model file {str(path)!r} does not exist")
    suffix = path.suffix.lower()
    if suffix not in (".npz", ".json"):
        raise ModelFileError(f"a parametrised network is read from .npz or .json, not {suffix!r} ({str(path)!r})")
    return parametric_network(npz_entries(path) if suffix == ".npz" else json_entries(path), parameter)


# --- reading polynomials --------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_]\w*)|(\*\*|[-+*/^()]))")


def _check_name(parameter: str) -> None:
    if not re.fullmatch(r"[A-Za-z_]\w*", parameter or ""):
        raise ParameterError(f"the parameter name must be an identifier such as t, got {parameter!r}")


def polynomial(value: object, parameter: str = "t") -> Coefficients:
    """The polynomial ``value`` denotes (a number, or a string in the parameter), as coefficients."""
    if not isinstance(value, str):
        return _trimmed((rational(value),))
    tokens: list[tuple[str, Fraction | None]] = []
    position, text = 0, value.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise ParameterError(f"cannot read {value!r} as a polynomial in {parameter}: "
                                 f"unexpected {text[position:].strip()[:10]!r}")
        number, name, symbol = match.groups()
        if name is not None and name != parameter:
            raise ParameterError(f"{value!r} uses {name!r}, but the only symbol allowed is the parameter {parameter!r}")
        if number is not None:
            tokens.append(("n", Fraction(number)))
        else:
            tokens.append(("t", None) if name is not None else (symbol, None))
        position = match.end()
    parser = _Parser(tokens, value, parameter)
    result = parser.sum()
    if parser.i != len(tokens):
        raise ParameterError(f"cannot read {value!r} as a polynomial in {parameter}: unexpected {tokens[parser.i][0]!r}")
    return _trimmed(tuple(Fraction(int(c.p), int(c.q)) for c in result.coeffs()) or (Fraction(0),))


def _trimmed(c: Coefficients) -> Coefficients:
    kept = list(c)
    while len(kept) > 1 and kept[-1] == 0:
        kept.pop()
    return tuple(kept)


class _Parser:
    """Recursive descent: sum := product (('+'|'-') product)*; product := unary (('*'|'/'|implicit) unary)*;
    unary := ('+'|'-') unary | power; power := atom (('**'|'^') unary)?; atom := number | t | '(' sum ')'."""

    def __init__(self, tokens, text, parameter):
        self.tokens, self.i, self.text, self.parameter = tokens, 0, text, parameter

    def error(self, why: str) -> ParameterError:
        return ParameterError(f"cannot read {self.text!r} as a polynomial in {self.parameter}: {why}")

    def peek(self):
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def sum(self) -> flint.fmpq_poly:
        value = self.product()
        while self.peek() in ("+", "-"):
            sign = self.take()[0]
            term = self.product()
            value = value + term if sign == "+" else value - term
        return value

    def product(self) -> flint.fmpq_poly:
        value = self.unary()
        while self.peek() in ("*", "/", "n", "t", "("):
            op = self.take()[0] if self.peek() in ("*", "/") else "*"
            factor = self.unary()
            if op == "*":
                value = value * factor
            elif factor.degree() > 0 or factor.is_zero():
                raise self.error("division by a non-constant or zero")
            else:
                value = value / factor[0]
        return value

    def unary(self) -> flint.fmpq_poly:
        if self.peek() in ("+", "-"):
            sign = self.take()[0]
            value = self.unary()
            return -value if sign == "-" else value
        return self.power()

    def power(self) -> flint.fmpq_poly:
        base = self.atom()
        if self.peek() in ("**", "^"):
            self.take()
            exponent = self.unary()
            e = exponent[0] if exponent.degree() <= 0 else None
            if e is None or e.q != 1 or not 0 <= e <= MAX_EXPONENT:
                raise self.error(f"exponents must be integers from 0 to {MAX_EXPONENT}")
            return base ** int(e.p)
        return base

    def atom(self) -> flint.fmpq_poly:
        kind = self.peek()
        if kind is None:
            raise self.error("it ends too early")
        token = self.take()
        if kind == "n":
            v = token[1]
            return flint.fmpq_poly([flint.fmpq(v.numerator, v.denominator)])
        if kind == "t":
            return flint.fmpq_poly([0, 1])
        if kind == "(":
            value = self.sum()
            if self.peek() != ")":
                raise self.error("a parenthesis is not closed")
            self.take()
            return value
        raise self.error(f"unexpected {kind!r}")


# --- the algebra of patterns ----------------------------------------------------------------------

Form = list  # [b, a_1, ..., a_k] of fmpq_poly


def poly(c: Coefficients) -> flint.fmpq_poly:
    return flint.fmpq_poly([flint.fmpq(v.numerator, v.denominator) for v in c])


def constant(v: Fraction | int) -> flint.fmpq_poly:
    v = Fraction(v)
    return flint.fmpq_poly([flint.fmpq(v.numerator, v.denominator)])


def embedding_rows(domain: Domain) -> list[Form]:
    """The input coordinates as affine forms in the domain's parameters."""
    n, k = domain.input_dim, domain.dim
    if domain.origin is None or domain.basis is None:
        return [[constant(0)] + [constant(int(i == j)) for j in range(k)] for i in range(n)]
    origin, basis = domain.origin, domain.basis
    return [[constant(origin[i])] + [constant(basis[j][i]) for j in range(k)] for i in range(n)]


def domain_rows(domain: Domain) -> list[Form]:
    """The domain's forms (``>= 0`` inside), as constant polynomials."""
    return [[constant(v) for v in f] for f in domain.region.forms]


def preactivations(lay: ParametricLayer, rows: Sequence[Form]) -> list[Form]:
    """``W(t) y + b(t)`` with y given by the forms ``rows``."""
    k = len(rows[0]) - 1 if rows else 0
    out = []
    for weights, bias in zip(*lay.polynomials):
        form = [bias] + [constant(0)] * k
        for w, row in zip(weights, rows):
            if w is not None:
                form = [f + w * r for f, r in zip(form, row)]
        out.append(form)
    return out


def _one(rows: Sequence[Form]) -> Form:
    """The constant 1 as a form as long as ``rows``' (see :func:`analyzer.activations.unit_form`)."""
    return [constant(1)] + [constant(0)] * (len(rows[0]) - 1)


def unit_rows(lay: ParametricLayer, pre: Sequence[Form]) -> list[list[Form]]:
    """Per unit, the forms whose signs decide its state (:attr:`analyzer.activations.Activation.thresholds`):
    ``z`` (ReLU, leaky ReLU, abs), ``z + 1`` and ``z - 1`` (hard-tanh), ``z_a - z_b`` for the pairs
    of a maxout group; none for the identity."""
    act = lay.activation
    out: list[list[Form]] = []
    for group in unit_groups(lay):
        rows = [pre[i] for i in group]
        out.append([unit_form(t, rows, _one(rows)) for t in act.thresholds])
    return out


def apply_states(lay: ParametricLayer, pre: Sequence[Form], states: Sequence[int]) -> list[Form]:
    """The layer's outputs as forms, given every unit's state (:meth:`analyzer.activations.Activation.output`)."""
    act = lay.activation
    groups = unit_groups(lay)
    states = states if act.splits else tuple(0 for _ in groups)
    one = _one(pre)
    return [act.output_form(state, [pre[i] for i in group], one, constant) for group, state in zip(groups, states)]


def unit_piece(act: Activation, rows: Sequence[Form], state: int) -> list[Form]:
    """The forms, positive inside, of one unit's piece in ``state`` (:meth:`analyzer.activations.Activation.piece`;
    ``rows`` the unit's pre-activations): ``z`` or ``-z``; ``-1 - z``, or ``z + 1`` and ``1 - z``, or
    ``z - 1``; ``z_a - z_b`` for the argmax ``a`` of a maxout group. A constant unit gives constants."""
    return [form for _, form in act.piece_forms(state, rows, _one(rows))]


def piece_rows(lay: ParametricLayer, pre: Sequence[Form], states: Sequence[int]) -> list[Form]:
    """The forms of the pieces every unit's state names (:func:`unit_piece`), for the whole layer."""
    act = lay.activation
    return [f for group, state in zip(unit_groups(lay), states) for f in unit_piece(act, [pre[i] for i in group], state)]
