"""Randomly initialised 1-input ReLU nets have far fewer pieces than the maximum; a construction attains it.

For one input, Serra, Tjandraatmadja and Ramalingam (2018) show the most activation regions a ReLU
net with hidden widths n_1, ..., n_L (all >= 3) can have on R is prod(n_l + 1), and
``analyzer.constructions.serra_1d`` builds a net with exactly that many. Chen, Gamst and Walker
observed that randomly initialised nets come nowhere near it: their count is of the order of the
number of neurons. This example counts both exactly over all of R for a few architectures
(random nets: He weights N(0, 2/fan_in), biases N(0, 1/100), several seeds) and plots one random
net's function beside the construction's, breakpoints marked.

Run:  .venv/bin/python examples/one_dimensional_pieces.py [--fast] [--out DIR]
"""
from __future__ import annotations

from math import prod

import numpy as np

from _example_args import example_arguments

from analyzer.constructions import serra_1d
from analyzer.domain import all_space
from analyzer.enumerate import enumerate_regions
from analyzer.network import he_initialised
from analyzer.plot import new_figure, plot_function_1d, save


def main(argv: list[str] | None = None) -> int:
    args, out = example_arguments(__doc__, "1d", argv)

    architectures = [[3, 3]] if args.fast else [[4, 4], [8, 8], [4, 4, 4], [6, 6, 6], [4, 4, 4, 4]]
    seeds = range(3 if args.fast else 10)
    line = all_space(1)
    print(f"activation regions over R; random: mean (min-max) over {len(seeds)} He-initialised nets")
    print(f"{'widths':14s} {'neurons':>7s} {'random':>16s} {'max prod(n+1)':>14s} {'serra_1d':>9s}")
    for widths in architectures:
        counts = [enumerate_regions(he_initialised([1, *widths, 1], s), line).activation_regions
                  for s in seeds]
        made = serra_1d(widths)
        attained = enumerate_regions(made.network, made.domain).activation_regions
        maximum = prod(n + 1 for n in widths)
        if attained != made.expected_regions:
            print(f"MISMATCH: serra_1d({widths}) has {attained} regions, expected {made.expected_regions}")
            return 1
        random_text = f"{np.mean(counts):.1f} ({min(counts)}-{max(counts)})"
        print(f"{str(widths):14s} {sum(widths):7d} {random_text:>16s} {maximum:14d} {attained:9d}")

    widths = architectures[0]
    fig = new_figure(11.0, 3.6)
    left, right = fig.subplots(1, 2)
    random_net = he_initialised([1, *widths, 1], 0)
    plot_function_1d(random_net, line, ax=left)
    left.set_title(f"random, widths {widths}\n{left.get_title()} on R", fontsize="medium")
    made = serra_1d(widths)
    plot_function_1d(made.network, made.domain, ax=right, window=("-1/10", "11/10"))
    right.set_title(f"serra_1d({widths}), drawn on [-0.1, 1.1]\n{right.get_title()} on R", fontsize="medium")
    path = save(fig, out / "one_dimensional_pieces.png")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
