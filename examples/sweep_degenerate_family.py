"""Sweeping one-parameter families exactly: where a construction's region count jumps.

Telgarsky's sawtooth of depth 2 folds [0, 1] twice with the tent map 2 relu(y) - 4 relu(y - 1/2).
Give the first tent the height t instead of 1: the second fold (at y = 1/2) is reached only when
t > 1/2, so the count jumps from 2 to 4 activation regions at the degenerate height t = 1/2, where
the fold just touches the peak; at t = 0 the first tent is flat and the linear regions drop to one.
The second family, three lines x = 0, y = 0 and x + y = t^2 - 2 in the plane, becomes concurrent at
the irrational t = -sqrt(2) and t = sqrt(2) (6 regions there, 7 elsewhere): the critical values are
exact real algebraic numbers, and the counts at them are exact too.

Run: .venv/bin/python examples/sweep_degenerate_family.py [--out DIR]   (writes both sweeps as JSON)
"""
import json

from _example_args import example_arguments
from analyzer.domain import all_space, box
from analyzer.parametric import parametric_network
from analyzer.sweep import sweep

args, out = example_arguments(__doc__, "sweep")

tall_sawtooth = parametric_network([
    ([[1], [1]], [0, "-1/2"], "relu"),
    ([["2t", "-4t"], ["2t", "-4t"]], [0, "-1/2"], "relu"),   # h = t (2 relu(x) - 4 relu(x - 1/2)), then fold h
    ([[2, -4]], [0], "identity"),
])
three_lines = parametric_network([
    ([[1, 0], [0, 1], [1, 1]], [0, 0, "2 - t**2"], "relu"),
    ([[1, -1, 2]], [0], "identity"),
])

for name, net, domain, lo, hi in (("sawtooth with first height t on [0, 1]", tall_sawtooth, box([0], [1]), -1, 2),
                                  ("lines x = 0, y = 0, x + y = t^2 - 2 in R^2", three_lines, all_space(2), -2, 2)):
    result = sweep(net, domain, lo, hi)
    print(f"{name}  ({result.candidates} candidate values examined)")
    print(result.text())
    print()
    path = out / f"sweep_{'sawtooth' if net is tall_sawtooth else 'three_lines'}.json"
    path.write_text(json.dumps(result.to_json(), indent=1) + "\n")
    print(f"wrote {path}")
