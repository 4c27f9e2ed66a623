"""The certified LP splitter on the float path: count_regions in 5-D and up (analyzer/filtered.py,
analyzer/lp_regions.py, geometry/certified_lp.py), against the exact engine.

Run: .venv/bin/python benchmarks/bench_lp_splitter.py [--quick] [--large] [--r4] [--no-exact] [--limit SECONDS]

Seeded He-initialised nets: [5,7,7,1], [6,8,8,1] and [8,10,10,1] over R^n, and a 5-50x6-1 net (six
hidden layers of 50, the shape of ACAS Xu) on [-0.01,0.01]^5 (--large adds [-0.03,0.03]^5, about
3.5e5 regions). Each is counted with 1 and 2 workers: regions, wall and CPU seconds (the workers'
CPU included), regions per wall and per CPU second, and the subtrees handed to exact arithmetic;
the two counts must agree. Then the exact engine counts the same net, each stopped after
--limit seconds (default 300): the general LP engine with exact LPs (``count_regions(exact=True)``)
and with certified float LPs (the engine's exact fallback, which counted 5-D nets before the LP
splitter was on the float path). Their counts must agree with ours where they finish; the ratio
of wall times is printed (where they did not finish, a lower bound marked >=, and the ratio of
regions per second).
--quick runs the two small nets only.

Each case also runs the default count (what ``regionscope count`` computes: the enumeration,
linear and bounded regions, the bounds table) with 1 and 2 workers for the enumeration, each stage
timed (wall and this process's CPU; with 2 workers the workers' CPU is in the total only), against
the count-only figure of the same run. --r4 adds He-initialised [4,10,10,10,10,2] over R^4 (issue
11's target: the default count in <= 15 s on one core). --no-exact skips the exact engine.
"""
from __future__ import annotations

import resource
import sys
import time

from analyzer import filtered
from analyzer.bounds import check, network_bounds
from analyzer.domain import all_space, box
from analyzer.enumerate import Budget, count_regions, enumerate_regions
from analyzer.traversal import Traversal
from analyzer.network import he_initialised
from analyzer.regions import RunStatus


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class ExactSubtrees:
    """Counts the subtrees the float path hands to the exact engine (in this process)."""

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


def ours(label, net, domain, workers):
    with ExactSubtrees() as subtrees:
        wall, cpu = time.perf_counter(), cpu_seconds()
        total, per_layer = count_regions(net, domain, workers=workers)
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    exact = f"exact subtrees {subtrees.count}" if workers == 1 else "(exact subtrees counted in the workers)"
    print(f"{label:32s} {workers} worker{'s' if workers > 1 else ' '} {total:8d} regions {wall:8.2f} s ({cpu:7.2f} CPU) "
          f"{total / wall:7.0f} regions/s ({total / cpu:6.0f} per CPU s)  {exact}  per layer {list(per_layer)}",
          flush=True)
    return total, wall


def default_count(label, net, domain, workers, count_only):
    """The default count's stages, timed: enumeration, linear regions, bounded regions, bounds
    table; the total against count-only's wall seconds ``count_only``."""
    stages, cpu_total, wall_total = [], cpu_seconds(), time.perf_counter()

    def stage(name, work):
        wall, cpu = time.perf_counter(), time.process_time()
        out = work()
        stages.append(f"{name} {time.perf_counter() - wall:.2f} s ({time.process_time() - cpu:.2f} CPU)")
        return out

    regions = stage("enumerate", lambda: enumerate_regions(net, domain, workers=workers))
    linear = stage("linear", lambda: regions.linear_regions)
    bounded = stage("bounded", lambda: regions.bounded_regions)
    stage("bounds table", lambda: check(network_bounds(net), len(regions), regions.per_layer, linear))
    wall, cpu = time.perf_counter() - wall_total, cpu_seconds() - cpu_total
    unknown = int((regions.hints.bounded < 0).sum()) if regions.hints is not None else -1
    print(f"{label:32s} default, {workers} worker{'s' if workers > 1 else ' '} {len(regions):8d} act {linear:8d} lin "
          f"{bounded:8d} bnd {wall:8.2f} s ({cpu:7.2f} CPU) {len(regions) / wall:7.0f} regions/s, "
          f"{wall / count_only:.1f}x count-only; {unknown} leaves' boundedness left to exact arithmetic; "
          + ", ".join(stages), flush=True)
    return len(regions), wall


def exact_lps(net, domain, limit):
    start = time.perf_counter()
    counts = count_regions(net, domain, exact=True, budget=Budget(seconds=limit))
    return counts[0], time.perf_counter() - start, counts.status is RunStatus.COMPLETE


def certified_lps(net, domain, limit):
    """The general LP engine with certified float LPs (geometry.lp), as it counted 5-D nets before."""
    traversal = Traversal(net, domain)
    traversal.float = None  # the exact engine alone
    start, stack = time.perf_counter(), [traversal.engine.root()]
    found = traversal.descend(stack, [0] * len(net.layers), stop=lambda n, waiting: time.perf_counter() - start > limit)
    return found, time.perf_counter() - start, not stack


def versus_exact(label, net, domain, total, wall, limit):
    for name, engine in (("exact engine, exact LPs", exact_lps), ("exact engine, certified LPs", certified_lps)):
        found, seconds, complete = engine(net, domain, limit)
        if complete:
            assert found == total, f"{label}: {name} counts {found}, the float path {total}"
            verdict = f"same count; the float path is {seconds / wall:.0f}x faster"
        else:
            verdict = (f"stopped after {found} regions; the float path is >= {seconds / wall:.0f}x faster "
                       f"({total * seconds / (wall * max(found, 1)):.0f}x its regions/s)")
        print(f"{'':32s} {name:28s} {seconds:8.2f} s  {verdict}", flush=True)


def main(argv):
    limit = float(argv[argv.index("--limit") + 1]) if "--limit" in argv else 300.0
    count_regions(he_initialised([5, 4, 4, 1], 0))  # load the compiled kernels
    count_regions(he_initialised([5, 4, 4, 1], 0), box([-1] * 5, [1] * 5), workers=2)
    acas = [5] + [50] * 6 + [1]
    cases = [("[5,7,7,1] over R^5", [5, 7, 7, 1], None), ("[6,8,8,1] over R^6", [6, 8, 8, 1], None)]
    if "--quick" not in argv:
        cases += [("[8,10,10,1] over R^8", [8, 10, 10, 1], None),
                  ("5-50x6-1 on [-0.01,0.01]^5", acas, box([-0.01] * 5, [0.01] * 5))]
    if "--large" in argv:
        cases += [("5-50x6-1 on [-0.03,0.03]^5", acas, box([-0.03] * 5, [0.03] * 5))]
    if "--r4" in argv:
        cases += [("[4,10,10,10,10,2] over R^4", [4, 10, 10, 10, 10, 2], None)]
    enumerate_regions(he_initialised([5, 4, 4, 1], 0)).linear_regions  # load the leaves' kernels
    network_bounds(he_initialised([5, 4, 4, 1], 0))
    for label, arch, domain in cases:
        net = he_initialised(arch, 0)
        domain = all_space(arch[0]) if domain is None else domain
        total, wall = ours(label, net, domain, 1)
        two, wall_two = ours(label, net, domain, 2)
        assert two == total, f"{label}: 2 workers count {two}, one {total}"
        print(f"{'':32s} 2 workers are {wall / wall_two:.2f}x one", flush=True)
        regions, default_wall = default_count(label, net, domain, 1, wall)
        regions_two, default_two = default_count(label, net, domain, 2, wall)
        assert regions == regions_two == total, f"{label}: default counts {regions}, {regions_two}; count {total}"
        print(f"{'':32s} default count: 2 workers are {default_wall / default_two:.2f}x one", flush=True)
        if "--no-exact" not in argv:
            versus_exact(label, net, domain, total, wall, limit)


if __name__ == "__main__":
    main(sys.argv[1:])
