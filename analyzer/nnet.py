"""NNet files (``.nnet``): the text format of ACAS Xu, HorizontalCAS and VertCAS -> :class:`Network`.

The format (Julian et al.; one record a line, values separated by commas, a trailing comma allowed):

* header comments, each line starting with ``//``;
* ``L, n_in, n_out, largest size``: the number of weight layers, inputs, outputs (the fourth number
  is not used, and not checked);
* the ``L + 1`` layer sizes ``n_0 = n_in, n_1, ..., n_L = n_out``;
* a flag that no reader uses;
* four lines: the inputs' minima and maxima (``n_in`` values each), then means and ranges
  (``n_in + 1`` values each: one per input, the last for the outputs);
* for each layer l: ``n_l`` lines of ``n_{l-1}`` weights (one matrix row a line), then ``n_l``
  lines of one bias each.

Hidden layers are ReLU, the last layer affine. Numbers are decimal strings and are read exactly (``0.1``
is 1/10), as everywhere in regionscope; tools that read them as doubles analyse a network that differs
from the file's by their rounding.

What is counted: the network of the file's layers, on **normalised inputs** ``x'_i = (x_i - mean_i) /
range_i``, with normalised outputs. The file's network on raw inputs is ``y = range_out N(x') +
mean_out`` after clipping each ``x_i`` to ``[min_i, max_i]``. On that box the clip is the identity and
``x -> x'`` is an affine bijection (every range is nonzero), so the regions of the raw network on
``[min, max]`` are the images of the regions of ``N`` on the normalised box
``{x' : x in [min, max]}`` (:meth:`NNet.input_box`), one to one: every count (activation, linear,
bounded, per layer) is the same in both coordinates. The output scaling by a nonzero range changes no
linear region. Outside the box the raw network clips, so counts over all of R^n are those of ``N``.
VNN-LIB properties of these networks (VNN-COMP's ACAS Xu) are stated in the normalised inputs too.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from analyzer.domain import Domain, box
from analyzer.errors import ModelFileError
from analyzer.network import Network, layer, network
from geometry.exact import rational


@dataclass(frozen=True)
class NNet:
    """A ``.nnet`` file: the network on normalised inputs and the normalisation it was stored with."""

    network: Network
    input_min: tuple[Fraction, ...]
    input_max: tuple[Fraction, ...]
    input_mean: tuple[Fraction, ...]
    input_range: tuple[Fraction, ...]
    output_mean: Fraction
    output_range: Fraction
    header: tuple[str, ...] = ()

    def normalise(self, x: Sequence[object]) -> tuple[Fraction, ...]:
        """The network's input ``(x_i - mean_i) / range_i`` for a raw input x (exact, no clipping)."""
        return tuple((rational(v) - m) / r for v, m, r in zip(x, self.input_mean, self.input_range, strict=True))

    def denormalise(self, y: Sequence[object]) -> tuple[Fraction, ...]:
        """The file's raw output ``range_out y + mean_out`` for the network's output y."""
        return tuple(self.output_range * rational(v) + self.output_mean for v in y)

    def input_box(self) -> Domain:
        """The normalised image of the box ``[min, max]``: the domain of a full-box count."""
        ends = [sorted(((lo - m) / r, (hi - m) / r)) for lo, hi, m, r in
                zip(self.input_min, self.input_max, self.input_mean, self.input_range)]
        return box([a for a, _ in ends], [b for _, b in ends])


def read_nnet(path: str | Path) -> NNet:
    """Read a ``.nnet`` file exactly; a malformed file raises :class:`ModelFileError` naming the line."""
    name = str(path)
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"cannot read NNet file {name!r}: {exc}") from None
    header, records = _split(text)
    reader = _Reader(name, iter(records), len(text.splitlines()))
    depth, n_in, n_out = reader.integers("the sizes line (layers, inputs, outputs, largest size)", 4)[:3]
    if depth < 1:
        raise ModelFileError(f"{name!r}: line {reader.line}: the network needs at least one layer, got {depth}")
    sizes = reader.integers(f"the {depth + 1} layer sizes", depth + 1)
    if sizes[0] != n_in or sizes[-1] != n_out or min(sizes) < 1:
        raise ModelFileError(f"{name!r}: line {reader.line}: layer sizes {sizes} do not run from the {n_in} inputs "
                             f"to the {n_out} outputs of the sizes line (all sizes positive)")
    reader.skip("the unused flag line")
    low = reader.numbers(f"the {n_in} input minima", n_in)
    high = reader.numbers(f"the {n_in} input maxima", n_in)
    mean = reader.numbers(f"the {n_in + 1} means (inputs, then outputs)", n_in + 1)
    scale = reader.numbers(f"the {n_in + 1} ranges (inputs, then outputs)", n_in + 1)
    for i, r in enumerate(scale):
        if r == 0:
            what = "the outputs" if i == n_in else f"input {i}"
            raise ModelFileError(f"{name!r}: the range of {what} is 0: normalising divides by it")
    for i, (a, b) in enumerate(zip(low, high)):
        if a > b:
            raise ModelFileError(f"{name!r}: input {i} has minimum {a} above its maximum {b}")
    layers = []
    for k in range(depth):
        rows = [reader.numbers(f"row {i + 1} of the {sizes[k + 1]} x {sizes[k]} weights of layer {k + 1}", sizes[k])
                for i in range(sizes[k + 1])]
        bias = [reader.numbers(f"bias {i + 1} of the {sizes[k + 1]} of layer {k + 1}", 1)[0]
                for i in range(sizes[k + 1])]
        layers.append(layer(rows, bias, "relu" if k < depth - 1 else "identity", index=k + 1))
    reader.finish()
    return NNet(network(layers), tuple(low), tuple(high), tuple(mean[:-1]), tuple(scale[:-1]), mean[-1], scale[-1],
                tuple(header))


def _split(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header comments (``//`` lines before the first record), and ``(line number, fields)`` of
    each nonblank line after them, empty fields dropped (a trailing comma is usual)."""
    header: list[str] = []
    records: list[tuple[int, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not records and stripped.startswith("//"):
            header.append(stripped[2:].strip())
        elif stripped:
            records.append((number, [f.strip() for f in stripped.split(",") if f.strip()]))
    return header, records


class _Reader:
    """Consumes records one line at a time, each with a stated number of fields."""

    def __init__(self, name: str, records: Iterator[tuple[int, list[str]]], lines: int):
        self.name, self.records, self.lines, self.line = name, records, lines, 0

    def _next(self, what: str) -> list[str]:
        try:
            self.line, fields = next(self.records)
        except StopIteration:
            raise ModelFileError(f"{self.name!r} ends after line {self.lines}, before {what} (truncated file?)") from None
        return fields

    def skip(self, what: str) -> None:
        self._next(what)

    def numbers(self, what: str, count: int) -> list[Fraction]:
        fields = self._next(what)
        if len(fields) != count:
            raise ModelFileError(f"{self.name!r}: line {self.line} has {len(fields)} values, expected {count} "
                                 f"({what})")
        values = []
        for f in fields:
            try:
                values.append(rational(f))
            except ValueError:
                raise ModelFileError(f"{self.name!r}: line {self.line}: {f!r} is not a finite number "
                                     f"(reading {what})") from None
        return values

    def integers(self, what: str, count: int) -> list[int]:
        values = self.numbers(what, count)
        for v in values:
            if v.denominator != 1:
                raise ModelFileError(f"{self.name!r}: line {self.line}: {v} is not an integer (reading {what})")
        return [int(v) for v in values]

    def finish(self) -> None:
        leftover = next(self.records, None)
        if leftover is not None:
            raise ModelFileError(f"{self.name!r}: line {leftover[0]} follows the last bias of the last layer: "
                                 "the file holds more numbers than its layer sizes say")
