"""Merging activation regions into linear regions (analyzer/adjacency.py): wall and CPU seconds.

Run: .venv/bin/python benchmarks/bench_linear_regions.py [--cap SECONDS]
Two nets on [-1, 1]^3: 3-24-2-1 whose second layer is off everywhere on the cube (bias -100; every
region has the same exact map, the output is constant: 1 linear region) and a seeded He-initialised
3-16-16-1 (generic: float maps tell most regions apart). Each is enumerated, then merged twice on
fresh enumerations: with neighbours found by pattern lookup (the default), and without the network
(every pair of regions holding a form and its negation is a candidate, as before pattern lookup),
stopped at ``--cap`` seconds (default 300). Both merges must give the same count. Last, the dual
graph (every shared facet, what certificates and plots of the adjacency need) by pattern lookup.
"""
import dataclasses
import sys
import time

import numpy as np

from analyzer.domain import box
from analyzer.enumerate import enumerate_regions
from analyzer.network import he_initialised, layer, network


def dead_layer_net():
    rng = np.random.default_rng(0)
    return network([layer(rng.normal(size=(24, 3)), rng.normal(size=24) * 0.3, "relu"),
                    layer(rng.normal(size=(2, 24)), [-100, -100], "relu"),
                    layer(rng.normal(size=(1, 2)), [0], "identity")])


def timed(call):
    wall, cpu = time.perf_counter(), time.process_time()
    out = call()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main(cap: float) -> None:
    cube = box([-1] * 3, [1] * 3)
    nets = [("3-24-2-1, dead second layer", dead_layer_net()), ("3-16-16-1 He, seed 0", he_initialised([3, 16, 16, 1], 0))]
    for label, net in nets:
        regions, wall, cpu = timed(lambda: enumerate_regions(net, cube))
        print(f"{label:28s} enumerate           {len(regions):6d} regions  {wall:8.2f} s wall {cpu:8.2f} s CPU")
        labels, wall, cpu = timed(regions.merge_linear_regions)
        count = len(set(labels))
        print(f"{label:28s} pattern lookup      {count:6d} linear   {wall:8.2f} s wall {cpu:8.2f} s CPU")
        blind = dataclasses.replace(enumerate_regions(net, cube), network=None, domain=None)
        labels, wall, cpu = timed(lambda: blind.merge_linear_regions(deadline=time.monotonic() + cap))
        if labels is None:
            print(f"{label:28s} all candidate pairs  not done in {cap:.0f} s ({wall:.2f} s wall {cpu:.2f} s CPU)")
        else:
            assert len(set(labels)) == count, f"{label}: {len(set(labels))} linear regions without the network"
            print(f"{label:28s} all candidate pairs {len(set(labels)):6d} linear   {wall:8.2f} s wall {cpu:8.2f} s CPU")
        graph, wall, cpu = timed(regions.dual_graph)
        print(f"{label:28s} dual graph          {graph.number_of_edges():6d} edges    {wall:8.2f} s wall {cpu:8.2f} s CPU")


if __name__ == "__main__":
    main(float(sys.argv[sys.argv.index("--cap") + 1]) if "--cap" in sys.argv else 300.0)
