"""Regions along lines at initialisation grow with the number of neurons, not exponentially with depth.

Hanin and Rolnick (2019, "Complexity of linear regions in deep networks", ICML) showed that at
He initialisation the expected number of regions a line segment crosses scales like (number of
neurons) x (length), whatever the depth, although the maximum over weights grows exponentially
with depth. This example counts exactly, along segments between two random points of R^16
(``analyzer.domain.segment``), the pieces (activation regions) of He-initialised ReLU nets
(weights N(0, 2/fan_in), biases N(0, 1/100)):

1. at a fixed total of N hidden neurons split over depth 1, 2, 3, ... : the mean count stays near
   a constant times N, while the most a segment could cross, prod(n_l + 1) (Serra et al. 2018's
   maximum for one input dimension: the restriction to a line is a 1-input net), explodes;
2. at fixed depth for growing N: the mean count grows about linearly in N.

Every count is exact; the means are over random networks and segments (the same segments for
every architecture). A figure plots the mean counts against depth beside the 1-D maximum.

Run:  .venv/bin/python examples/hanin_rolnick_lines.py [--fast] [--out DIR]
"""
from __future__ import annotations

from math import prod

import numpy as np

from _example_args import example_arguments

from analyzer.bounds import architecture_bounds
from analyzer.domain import segment
from analyzer.enumerate import count_regions
from analyzer.network import he_initialised
from analyzer.plot import plot_counts_vs, save

INPUT_DIM = 16


def mean_pieces(widths: list[int], segments, nets: int, seed: int) -> float:
    """Mean exact number of activation regions along the segments, over ``nets`` random networks."""
    rng = np.random.default_rng(seed)
    counts = []
    for _ in range(nets):
        net = he_initialised([INPUT_DIM, *widths, 1], rng)
        counts.extend(count_regions(net, dom)[0] for dom in segments)
    return float(np.mean(counts))


def one_d_maximum(widths: list[int]) -> int:
    """The most pieces a line can cross: Serra et al.'s exact n0 = 1 maximum (widths >= 3)."""
    bound = next(b for b in architecture_bounds([1, *widths, 1]) if b.name.startswith("Serra et al. 2018, exact max"))
    return bound.value if bound.applies else prod(n + 1 for n in widths)


def main(argv: list[str] | None = None) -> int:
    def extra(parser):
        parser.add_argument("--seed", type=int, default=0)

    args, out = example_arguments(__doc__, "hanin-rolnick", argv, extra)

    if args.fast:
        total, depths, sweep, nets, n_segments = 12, [1, 2, 3], [6, 12], 2, 2
    else:
        total, depths, sweep, nets, n_segments = 48, [1, 2, 3, 4, 6], [16, 32, 64, 128], 6, 4
    rng = np.random.default_rng(args.seed)
    segments = [segment(rng.normal(size=INPUT_DIM), rng.normal(size=INPUT_DIM)) for _ in range(n_segments)]
    print(f"pieces along {n_segments} random segments in R^{INPUT_DIM} (length ~ {np.sqrt(2 * INPUT_DIM):.1f}), "
          f"mean over {nets} He-initialised nets each; exact counts")

    print(f"\n1. fixed total of {total} hidden neurons")
    print(f"{'depth':>5s}  {'widths':18s} {'mean pieces':>11s} {'per neuron':>10s} {'1-D maximum':>14s}")
    means, maxima = [], []
    for depth in depths:
        widths = [total // depth] * depth
        mean = mean_pieces(widths, segments, nets, args.seed + depth)
        means.append(mean)
        maxima.append(one_d_maximum(widths))
        print(f"{depth:5d}  {str(widths):18s} {mean:11.1f} {mean / sum(widths):10.2f} {maxima[-1]:14d}")

    print("\n2. fixed depth 2, growing width")
    print(f"{'neurons':>7s}  {'widths':18s} {'mean pieces':>11s} {'per neuron':>10s}")
    for n in sweep:
        widths = [n // 2, n // 2]
        mean = mean_pieces(widths, segments, nets, args.seed + 100 + n)
        print(f"{n:7d}  {str(widths):18s} {mean:11.1f} {mean / n:10.2f}")

    ratios = [m / total for m in means]
    print(f"\nover depths {depths[0]}..{depths[-1]} at {total} neurons the mean count per neuron stays within "
          f"{min(ratios):.2f}..{max(ratios):.2f}, while the most a segment can cross grows from {maxima[0]} "
          f"to {maxima[-1]}")
    ax = plot_counts_vs(depths, means, {"1-D maximum prod(n_l + 1)": maxima, f"N = {total} neurons": [total] * len(depths)},
                        f"depth (total {total} neurons)", count_label="mean exact pieces along a segment")
    path = save(ax.figure, out / "hanin_rolnick_lines.png")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
