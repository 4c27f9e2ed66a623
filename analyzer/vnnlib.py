"""VNN-LIB properties (``.vnnlib``) as input domains: the box their input constraints state.

A VNN-LIB file is SMT-LIB: ``(declare-const X_i Real)`` for the inputs ``X_0, ..., X_{n-1}`` (the
flattened network input), ``(declare-const Y_j Real)`` for the outputs, and ``(assert ...)``
constraints; ``;`` starts a comment. Only the input constraints define the domain, and they must state
a box:

* each assertion is a conjunction (``and``, nested or not; an ``or`` of one branch counts as that
  branch) of comparisons ``(<= X_i c)``, ``(>= X_i c)``, ``(<= c X_i)``, ``(>= c X_i)``, also chained
  (``(<= a X_i b)``), strict (``<``, ``>``) or ``=``;
* constants are decimals or integers, read exactly (``0.1`` is 1/10), possibly as ``(- c)``;
* every input gets a lower and an upper bound; repeated bounds intersect.

A strict bound gives the same domain as the non-strict one: regions are counted by their interiors,
which the closed box and the open box share. Constraints that involve no input (the property on the
outputs, whatever its shape) are ignored and counted in :attr:`InputBox.ignored`. Anything else (a disjunction
over inputs, a constraint that is not a bound of one input, a constraint mixing inputs and outputs)
raises :class:`DomainError` naming it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from analyzer.domain import Domain, box
from analyzer.errors import DomainError
from geometry.exact import rational

_VARIABLE = re.compile(r"([XY])_(\d+)")
_FLIPPED = {"<=": ">=", ">=": "<=", "<": ">", ">": "<", "=": "="}
_SKIPPED = {"set-logic", "set-info", "set-option", "check-sat", "get-model", "exit"}  # commands without content


@dataclass(frozen=True)
class InputBox:
    """The input box of a VNN-LIB file, and the number of output-only constraints it ignored."""

    lower: tuple[Fraction, ...]
    upper: tuple[Fraction, ...]
    ignored: int

    def domain(self) -> Domain:
        return box(self.lower, self.upper)


def read_vnnlib(path: str | Path) -> InputBox:
    """The input box of a VNN-LIB file (see the module docstring for what is accepted)."""
    name = str(path)
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError(f"cannot read VNN-LIB file {name!r}: {exc}") from None
    inputs: set[int] = set()
    outputs: set[int] = set()
    asserts: list = []
    for term in _parse(text, name):
        head = term[0] if isinstance(term, list) and term else None
        if head == "declare-const" and len(term) == 3 and isinstance(term[1], str):
            match = _VARIABLE.fullmatch(term[1])
            if not match or term[2] != "Real":
                raise DomainError(f"{name!r}: (declare-const {term[1]} ...) is not an input X_i or output Y_j of sort Real")
            (inputs if match[1] == "X" else outputs).add(int(match[2]))
        elif head == "assert" and len(term) == 2:
            asserts.append(term[1])
        elif head not in _SKIPPED:
            raise DomainError(f"{name!r}: unsupported command {_show(term)}: only declare-const and assert are read")
    n = len(inputs)
    if inputs != set(range(n)) or not n:
        raise DomainError(f"{name!r}: the inputs must be X_0 ... X_(n-1), got {sorted(f'X_{i}' for i in inputs)}")
    lower: list[Fraction | None] = [None] * n
    upper: list[Fraction | None] = [None] * n
    ignored = 0
    for constraint in asserts:
        for atom in _conjuncts(constraint):
            used = _variables(atom, name, inputs, outputs)
            if not any(v[0] == "X" for v in used):
                ignored += 1
                continue
            if isinstance(atom, list) and atom[0] == "or":
                raise DomainError(f"{name!r}: a disjunction over inputs {_show(atom)} is not a box: "
                                  "only input boxes are supported (count each branch's box on its own)")
            if any(v[0] == "Y" for v in used):
                raise DomainError(f"{name!r}: constraint {_show(atom)} mixes inputs and outputs: not an input box")
            for index, sense, value in _bounds(atom, name):
                low, high = lower[index], upper[index]
                if sense in (">=", ">", "="):
                    lower[index] = value if low is None else max(low, value)
                if sense in ("<=", "<", "="):
                    upper[index] = value if high is None else min(high, value)
    for i in range(n):
        for ends, word in ((lower, "lower"), (upper, "upper")):
            if ends[i] is None:
                raise DomainError(f"{name!r}: X_{i} has no {word} bound: a VNN-LIB domain must bound every input")
    return InputBox(tuple(v for v in lower if v is not None), tuple(v for v in upper if v is not None), ignored)


def vnnlib_domain(path: str | Path, input_dim: int) -> Domain:
    """The box of a VNN-LIB file as a domain of a network with ``input_dim`` inputs."""
    found = read_vnnlib(path)
    if len(found.lower) != input_dim:
        raise DomainError(f"{str(path)!r} declares {len(found.lower)} inputs X_i but the network takes {input_dim}")
    return found.domain()


def _parse(text: str, name: str) -> list:
    """The top-level s-expressions: atoms are strings, lists are lists."""
    tokens = re.findall(r"\(|\)|[^\s()]+", re.sub(r";[^\n]*", "", text))
    stack: list[list] = [[]]
    for token in tokens:
        if token == "(":
            stack.append([])
        elif token == ")":
            if len(stack) == 1:
                raise DomainError(f"{name!r}: unbalanced ')': more closing than opening parentheses")
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(token)
    if len(stack) != 1:
        raise DomainError(f"{name!r}: {len(stack) - 1} parenthesis(es) left open at the end of the file (truncated?)")
    return stack[0]


def _conjuncts(term) -> list:
    """The conjuncts of nested ``and`` (and of one-branch ``or``); other terms are themselves."""
    if isinstance(term, list) and term and term[0] == "and":
        return [a for t in term[1:] for a in _conjuncts(t)]
    if isinstance(term, list) and len(term) == 2 and term[0] == "or":
        return _conjuncts(term[1])
    return [term]


def _variables(term, name: str, inputs: set, outputs: set) -> set[str]:
    if isinstance(term, list):
        return set().union(*(_variables(t, name, inputs, outputs) for t in term))
    match = _VARIABLE.fullmatch(term)
    if match and int(match[2]) not in (inputs if match[1] == "X" else outputs):
        raise DomainError(f"{name!r}: {term} is used but not declared")
    return {term} if match else set()


def _bounds(atom, name: str) -> list[tuple[int, str, Fraction]]:
    """``(input index, sense, c)`` for each bound ``X_i sense c`` a comparison states."""
    if not isinstance(atom, list) or len(atom) < 3 or atom[0] not in _FLIPPED:
        raise DomainError(f"{name!r}: constraint {_show(atom)} is not a box bound (X_i <= c or X_i >= c): "
                          "only input boxes are supported")
    sense, terms, found = atom[0], atom[1:], []
    for left, right in zip(terms, terms[1:]):
        if _is_input(left) and not _is_input(right):
            found.append((int(left[2:]), sense, _constant(right, atom, name)))
        elif _is_input(right) and not _is_input(left):
            found.append((int(right[2:]), _FLIPPED[sense], _constant(left, atom, name)))
        else:
            raise DomainError(f"{name!r}: {_show(atom)} compares {_show(left)} with {_show(right)}: "
                              "a box bound compares one input X_i with a constant")
    return found


def _is_input(term) -> bool:
    return isinstance(term, str) and term.startswith("X_")


def _constant(term, atom, name: str) -> Fraction:
    try:
        if isinstance(term, list) and len(term) == 2 and term[0] == "-":
            return -_constant(term[1], atom, name)
        if isinstance(term, str):
            return rational(term)
    except ValueError:
        pass
    raise DomainError(f"{name!r}: {_show(term)} in {_show(atom)} is not a constant (a decimal, an integer or (- c))")


def _show(term, limit: int = 120) -> str:
    """The term as written (cut after ``limit`` characters)."""
    text = term if isinstance(term, str) else "(" + " ".join(_show(t, limit) for t in term) + ")"
    return text if len(text) <= limit else text[: limit - 3] + "..."
