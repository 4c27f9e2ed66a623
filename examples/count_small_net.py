"""A small ReLU network's regions over all of R^2 and over the box [-1, 1]^2, printed.

Run: .venv/bin/python examples/count_small_net.py
"""
from fractions import Fraction

from analyzer.domain import all_space, box
from analyzer.enumerate import enumerate_regions
from analyzer.network import layer, network

# 2-3-3-1: three lines through the plane, then three bent hyperplanes, then an affine output.
net = network([
    layer([[1, 0], [0, 1], [1, 1]], [0, 0, Fraction(-1, 2)], "relu"),
    layer([[1, -1, 1], [-1, 2, 0], [1, 1, -1]], [Fraction(-1, 4), 0, Fraction(1, 3)], "relu"),
    layer([[1, -1, 2]], [0], "identity"),
])

for name, domain in (("all of R^2", all_space(2)), ("the box [-1,1]^2", box([-1, -1], [1, 1]))):
    regions = enumerate_regions(net, domain)
    print(f"over {name}: {regions.activation_regions} activation regions, "
          f"{regions.linear_regions} linear regions, {regions.bounded_regions} bounded; "
          f"per layer {list(regions.per_layer)}")
    for region in regions.regions[:3]:
        point = ", ".join(str(c) for c in region.point)
        print(f"  pattern {region.pattern} at ({point})")
    if len(regions) > 3:
        print(f"  ... and {len(regions) - 3} more")
