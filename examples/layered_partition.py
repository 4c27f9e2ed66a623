"""Raghu et al.'s layered picture: how each layer of a 2-input ReLU net cuts the input square.

A 2-4-4-4-1 ReLU network (He-initialised weights N(0, 2/fan_in), biases N(0, 1/4), seed fixed) is
counted exactly on the box [-1, 1]^2 after each layer (Raghu, Poole, Kleinberg, Ganguli,
Sohl-Dickstein 2017, Fig. 1). Panel l shows the partition by layers 1..l: the first layer's
boundaries are straight lines, later layers' boundaries (red) bend where they cross earlier ones,
because a deeper unit's pre-activation is a different affine function on each earlier region. A
second figure colours the final partition by linear region of the output.

Run:  .venv/bin/python examples/layered_partition.py [--fast] [--out DIR] [--seed S]
"""
from __future__ import annotations

import time


from _example_args import example_arguments

from analyzer.domain import box
from analyzer.enumerate import enumerate_regions
from analyzer.network import he_initialised
from analyzer.plot import plot_layers, plot_partition, save


def main(argv: list[str] | None = None) -> int:
    def extra(parser):
        parser.add_argument("--seed", type=int, default=2)

    args, out = example_arguments(__doc__, "layered", argv, extra)

    widths = [3, 3] if args.fast else [4, 4, 4]
    net = he_initialised([2, *widths, 1], args.seed, bias_std=0.5)
    domain = box([-1, -1], [1, 1])
    arch = "-".join(map(str, net.architecture))

    started = time.perf_counter()
    regions = enumerate_regions(net, domain)
    seconds = time.perf_counter() - started
    print(f"{arch} ReLU net (seed {args.seed}) on [-1,1]^2: {regions.activation_regions} activation regions, "
          f"{regions.linear_regions} linear regions ({seconds:.2f} s)")
    for l, n in enumerate(regions.per_layer, start=1):
        print(f"  after layer {l}: {n} regions")

    layers_path = out / "layered_partition.png"
    plot_layers(net, domain, layers_path)
    ax = plot_partition(regions, domain, color_by="linear")
    linear_path = save(ax.figure, out / "linear_regions.pdf")
    print(f"wrote {layers_path} (one panel per layer, new boundaries in red) and {linear_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
