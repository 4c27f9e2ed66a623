"""Maxout nets on the certified float path (analyzer/filtered.py; geometry/kernels.py
split_polygon_maxout), against the exact engine in the same run.

Run: .venv/bin/python benchmarks/bench_maxout.py [--quick] [--limit SECONDS]

Seeded maxout nets (He-initialised rows, N(0, 2 / fan_in) weights and N(0, 0.01) biases; each
hidden layer of n units has n k rows; an affine output) on [-1,1]^d: each is counted by
count_regions on the float path (regions, wall and CPU seconds, regions per wall and per CPU
second, the subtrees handed to exact arithmetic), then by the exact engine that counted maxout
nets before (exact polygons in 2-D, certified float LPs beyond: the engine's refinement without
the float path) and by the engine with exact LPs (``count_regions(exact=True)``), each stopped
after --limit seconds (default 120; the exact LPs only where the exact engine finished). Counts
must agree where they finish; the ratio of wall times is printed. One case is also enumerated
as ``regionscope count`` does (regions with their linear-region labels). 3-D boxes are split as
simple polyhedra, 4-D boxes as LP regions. --quick runs the 2-D cases only.
"""
from __future__ import annotations

import resource
import sys
import time

import numpy as np

from analyzer import filtered
from analyzer.domain import box
from analyzer.enumerate import Budget, count_regions, enumerate_regions
from analyzer.network import Network, layer, network
from analyzer.regions import RunStatus
from analyzer.traversal import Traversal


def maxout_net(arch: list[int], k: int, seed: int) -> Network:
    """``arch = (n0, n_1, ..., n_L, n_out)``: hidden layers of maxout:k units, an affine output."""
    rng = np.random.default_rng(seed)
    layers = []
    for i, (fan_in, units) in enumerate(zip(arch[:-1], arch[1:])):
        last = i == len(arch) - 2
        rows = units if last else units * k
        layers.append(layer(rng.normal(0.0, np.sqrt(2.0 / fan_in), (rows, fan_in)), rng.normal(0.0, 0.1, rows),
                            "identity" if last else f"maxout:{k}", index=i + 1))
    return network(layers)


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class ExactSubtrees:
    """Counts the subtrees the float path hands to the exact engine."""

    def __init__(self):
        self.count, self.original = 0, filtered.FilteredCount._exact_node

    def __enter__(self):
        def counted(counter, *args):
            self.count += 1
            return self.original(counter, *args)
        filtered.FilteredCount._exact_node = counted
        return self

    def __exit__(self, *exc):
        filtered.FilteredCount._exact_node = self.original


def ours(label, net, domain):
    with ExactSubtrees() as subtrees:
        wall, cpu = time.perf_counter(), cpu_seconds()
        counts = count_regions(net, domain)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    total = counts[0]
    print(f"{label:30s} float path {total:8d} regions {wall:7.2f} s ({cpu:6.2f} CPU) {total / wall:8.0f} regions/s "
          f"({total / cpu:7.0f} per CPU s)  exact subtrees {subtrees.count}  [{counts.path.value}]", flush=True)
    return total, wall


def exact_engine(net, domain, limit):
    """The engine's refinement without the float path: how count_regions counted maxout before
    (exact polygons in 2-D, certified float LPs beyond)."""
    traversal = Traversal(net, domain)
    traversal.float = None  # the exact engine alone
    start, stack = time.perf_counter(), [traversal.engine.root()]
    found = traversal.descend(stack, [0] * len(net.layers), stop=lambda n, waiting: time.perf_counter() - start > limit)
    return found, time.perf_counter() - start, not stack


def exact_lps(net, domain, limit):
    start = time.perf_counter()
    counts = count_regions(net, domain, exact=True, budget=Budget(seconds=limit))
    return counts[0], time.perf_counter() - start, counts.status is RunStatus.COMPLETE


def versus_exact(label, net, domain, total, wall, limit):
    complete = True
    for name, engine in (("exact engine (before)", exact_engine), ("exact engine, exact LPs", exact_lps)):
        if engine is exact_lps and not complete:
            print(f"{'':30s} {name:24s} not run (slower than the exact engine, which did not finish)", flush=True)
            continue
        found, seconds, complete = engine(net, domain, limit)
        if complete:
            assert found == total, f"{label}: {name} counts {found}, the float path {total}"
            verdict = f"same count; the float path is {seconds / wall:.0f}x faster"
        else:
            verdict = (f"stopped after {found} regions; the float path is >= {seconds / wall:.0f}x faster "
                       f"({total * seconds / (wall * max(found, 1)):.0f}x its regions/s)")
        print(f"{'':30s} {name:24s} {seconds:8.2f} s  {verdict}", flush=True)


def enumerated(label, net, domain):
    wall, cpu = time.perf_counter(), cpu_seconds()
    regions = enumerate_regions(net, domain)
    linear = regions.linear_regions
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    print(f"{label:30s} enumerated {len(regions):8d} regions {wall:7.2f} s ({cpu:6.2f} CPU) "
          f"{len(regions) / wall:8.0f} regions/s ({len(regions) / cpu:7.0f} per CPU s)  {linear} linear regions",
          flush=True)


def main(argv):
    limit = float(argv[argv.index("--limit") + 1]) if "--limit" in argv else 120.0
    for k in (2, 3):  # load the compiled kernels
        count_regions(maxout_net([2, 4, 4, 1], k, 0), box([-1, -1], [1, 1]))
    cases = [([2, 32, 32, 1], k) for k in (2, 3)] + [([2, 64, 64, 1], k) for k in (2, 3)] + [([2, 32, 32, 32, 1], 2)]
    if "--quick" not in argv:
        cases += [([3, 12, 12, 1], k) for k in (2, 3)] + [([4, 8, 8, 1], k) for k in (2, 3)]
    for arch, k in cases:
        net, domain = maxout_net(arch, k, 0), box([-1] * arch[0], [1] * arch[0])
        label = f"{arch} maxout:{k} [-1,1]^{arch[0]}"
        total, wall = ours(label, net, domain)
        versus_exact(label, net, domain, total, wall, limit)
    enumerated("[2, 32, 32, 1] maxout:2", maxout_net([2, 32, 32, 1], 2, 0), box([-1, -1], [1, 1]))


if __name__ == "__main__":
    main(sys.argv[1:])
