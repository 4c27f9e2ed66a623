"""Piecewise-linear networks with exact rational weights.

A :class:`Network` is a sequence of :class:`Layer` s. Layer l maps ``y`` to ``act(W y + b)`` where
``W`` has shape ``(n_pre, n_in)`` (PyTorch's ``Linear`` convention) and ``act`` acts unit by unit:
``relu``, ``leaky_relu:alpha``, ``abs``, ``hardtanh``, ``maxout:k`` (pre-activations in consecutive
groups of k, each group's maximum one unit: a maxout layer has ``n_pre / k`` outputs) or
``identity``. Their states, pieces, outputs and tie conventions are those of
:mod:`analyzer.activations` (:class:`Activation` and :func:`activation` are that module's, the
same objects). Weights are exact (see :mod:`geometry.exact`).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Protocol

import flint

from analyzer.activations import Activation, Kind, activation
from analyzer.errors import ShapeError
from geometry.exact import float_enclosure, rational

__all__ = ["Activation", "HasUnits", "Kind", "Layer", "Network", "activation", "forward", "he_initialised", "layer",
           "network", "unit_groups"]


@dataclass(frozen=True)
class Layer:
    """``y -> act(W y + b)`` with exact rational ``W`` (rows = pre-activations) and ``b``."""

    weights: tuple[tuple[Fraction, ...], ...]
    bias: tuple[Fraction, ...]
    activation: Activation

    @property
    def in_dim(self) -> int:
        return len(self.weights[0]) if self.weights else 0

    @property
    def pre_dim(self) -> int:
        return len(self.bias)

    @property
    def out_dim(self) -> int:
        return self.pre_dim // self.activation.k

    def __getstate__(self) -> dict:
        """Pickle without the cached matrices (flint matrices do not pickle; both are remade)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("lifted", "float_enclosure")}

    @cached_property
    def float_enclosure(self) -> tuple:
        """``(W, EW, b, Eb)``: the weights (shape (n_pre, n_in)) and bias as nearest float64 arrays,
        with radii bounding their distance to the exact values (computed once)."""
        W, EW = float_enclosure(w for row in self.weights for w in row)
        b, Eb = float_enclosure(self.bias)
        shape = (self.pre_dim, self.in_dim)
        return W.reshape(shape), EW.reshape(shape), b, Eb

    @cached_property
    def lifted(self) -> flint.fmpz_mat:
        """The integer matrix ``[[s, 0], [s b, s W]]``, s the lcm of all denominators: the layer acting
        on homogeneous coordinates ``(1, y)`` at scale s (computed once)."""
        s = math.lcm(*{v.denominator for row in self.weights for v in row}, *{v.denominator for v in self.bias})
        entries = [s] + [0] * self.in_dim
        for row, b in zip(self.weights, self.bias):
            entries.append(b.numerator * (s // b.denominator))
            entries.extend(w.numerator * (s // w.denominator) for w in row)
        return flint.fmpz_mat(self.pre_dim + 1, self.in_dim + 1, entries)


def layer(weights: Sequence[Sequence[object]], bias: Sequence[object], act: str | Activation = "relu",
          *, index: int = 0) -> Layer:
    """A layer from nested sequences (or numpy arrays) of exact numbers, validated.

    Each entry is taken exactly (:func:`geometry.exact.rational`): a float is its binary value, a
    string ``"p/q"`` or decimal is read as written.

    >>> lay = layer([[1, "1/2"], [0.5, -1]], [0, "0.1"], "leaky_relu:1/4")
    >>> lay.weights[0][1] == lay.weights[1][0], lay.bias[1], str(lay.activation)
    (True, Fraction(1, 10), 'leaky_relu:1/4')
    """
    act = activation(act)
    if isinstance(weights, (str, bytes)) or isinstance(bias, (str, bytes)):
        raise ShapeError(f"layer {index}: weights must be rows of numbers and the bias a list of numbers, "
                         f"got {weights!r:.40} and {bias!r:.40}")
    try:
        rows = [list(r) for r in weights]
        bias = list(bias)
    except TypeError:
        raise ShapeError(f"layer {index}: weights must be a 2-D array (rows of numbers) and the bias a 1-D array, "
                         f"got {type(weights).__name__} and {type(bias).__name__}") from None
    if not rows:
        raise ShapeError(f"layer {index}: weight matrix has no rows")
    width = len(rows[0])
    for r in rows:
        if len(r) != width:
            raise ShapeError(f"layer {index}: weight rows have lengths {width} and {len(r)}")
    if width == 0:
        raise ShapeError(f"layer {index}: weight matrix has no columns")
    if len(bias) != len(rows):
        raise ShapeError(f"layer {index}: weight matrix has {len(rows)} rows but bias has {len(bias)} entries")
    if len(rows) % act.k:
        raise ShapeError(f"layer {index}: {act} needs a multiple of {act.k} pre-activations, got {len(rows)}")
    try:
        exact_rows = tuple(tuple(rational(v) for v in r) for r in rows)
        exact_bias = tuple(rational(v) for v in bias)
    except ValueError as exc:
        raise type(exc)(f"layer {index}: {exc}") from None
    return Layer(exact_rows, exact_bias, act)


@dataclass(frozen=True)
class Network:
    """Layers applied in order; ``widths`` are the layers' output sizes."""

    layers: tuple[Layer, ...]

    def __post_init__(self) -> None:
        if not self.layers:
            raise ShapeError("a network needs at least one layer")
        for i in range(1, len(self.layers)):
            if self.layers[i].in_dim != self.layers[i - 1].out_dim:
                raise ShapeError(f"layer {i + 1} takes {self.layers[i].in_dim} inputs but layer {i} gives "
                                 f"{self.layers[i - 1].out_dim}")

    @property
    def input_dim(self) -> int:
        return self.layers[0].in_dim

    @property
    def widths(self) -> tuple[int, ...]:
        return tuple(layer.out_dim for layer in self.layers)

    @property
    def architecture(self) -> tuple[int, ...]:
        """``(n_0, n_1, ..., n_L)``: input size, then each layer's output size."""
        return (self.input_dim, *self.widths)


def network(layers: Sequence[Layer]) -> Network:
    """The network applying ``layers`` in order (each layer's inputs must be the previous one's outputs).

    >>> net = network([layer([[1, 0], [0, 1], [1, 1]], [0, 0, -1], "relu"), layer([[1, 1, 1]], [0], "identity")])
    >>> net.architecture
    (2, 3, 1)
    """
    return Network(tuple(layers))


def he_initialised(arch: Sequence[int], rng, bias_std: float = 0.1) -> Network:
    """A random ReLU network ``arch = (n0, n_1, ..., n_L, n_out)`` with He initialisation:
    ``W ~ N(0, 2 / fan_in)``, ``b ~ N(0, bias_std^2)``, affine output layer. ``rng`` is a numpy
    Generator or a seed; the float weights drawn are then taken exactly."""
    import numpy as np
    rng = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(arch[:-1], arch[1:])):
        W = rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_out, fan_in))
        b = rng.normal(0.0, bias_std, fan_out)
        layers.append(layer(W, b, "relu" if i < len(arch) - 2 else "identity", index=i + 1))
    return network(layers)


class HasUnits(Protocol):
    """What :func:`unit_groups` reads of a layer (a :class:`Layer` or a parametrised one)."""

    @property
    def activation(self) -> Activation: ...

    @property
    def pre_dim(self) -> int: ...


def unit_groups(lay: HasUnits) -> list[list[int]]:
    """Pre-activation indices feeding each unit: singletons, or consecutive groups of k for maxout."""
    k = lay.activation.k
    return [list(range(j, j + k)) for j in range(0, lay.pre_dim, k)]


def forward(net: Network, x: Sequence[object]) -> tuple[tuple[Fraction, ...], tuple[tuple[int, ...], ...]]:
    """Exact output at x and the activation pattern (one tuple of unit states per layer).

    >>> net = network([layer([[1, 0], [0, 1]], [0, "-1/2"], "relu"), layer([[1, 3]], [0], "identity")])
    >>> forward(net, ["1/3", 1])  # relu(1/3) + 3 relu(1/2)
    ((Fraction(11, 6),), ((1, 1), ()))
    """
    y = [rational(v) for v in x]
    if len(y) != net.input_dim:
        raise ShapeError(f"the network takes {net.input_dim} inputs, got a point with {len(y)}")
    pattern = []
    for lay in net.layers:
        z = [b + sum(w * v for w, v in zip(row, y)) for row, b in zip(lay.weights, lay.bias)]
        states, outputs = [], []
        for group in unit_groups(lay):
            values = [z[i] for i in group]
            s = lay.activation.state_at(values)
            states.append(s)
            outputs.append(lay.activation.output_value(s, values))
        pattern.append(tuple(states) if lay.activation.splits else ())
        y = outputs
    return tuple(y), tuple(pattern)
