"""The engine on seeded He-initialised ReLU nets: regions, seconds, regions/s, peak memory.

Run: .venv/bin/python benchmarks/bench_engine.py [--quick]
Each case prints regions, seconds, regions/s and the peak RSS of the process so far. Where two paths
exist for the same case (the general LP engine with exact LPs, and the default path) both run and
must return the same patterns; the ratio is printed. `count` rows are count_regions, which on
bounded 1-D domains and on 2-D, 3-D and 4-D domains runs the certified float path
(analyzer/filtered.py); its counts must equal the enumeration's. `default` rows time what
`regionscope count` computes (enumeration, linear and bounded regions, bounds table) against
`--count-only` (count and bounds table) on the same net, with their ratio. If the peer relucent is installed
(`pip install relucent`; it needs gurobipy), it counts the nets over R^n too, in the same run, and
must agree. --quick runs the small cases only; --default only the `default` rows.
"""
import resource
import sys
import time

import numpy as np

from analyzer.bounds import check, network_bounds
from analyzer.domain import box, segment
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.network import he_initialised


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(label, net, domain=None, exact=False, workers=1):
    start = time.perf_counter()
    regions = enumerate_regions(net, domain, exact=exact, workers=workers)
    seconds = time.perf_counter() - start
    path = "exact LPs" if exact else ("default" if workers == 1 else f"{workers} workers")
    print(f"{label:34s} {path:9s} {len(regions):7d} regions {seconds:8.3f} s "
          f"{len(regions) / seconds:9.0f} regions/s  peak {peak_mb():6.0f} MB  per layer {list(regions.per_layer)}")
    return regions, seconds


def count(label, net, domain=None, workers=1, expected=None):
    start = time.perf_counter()
    total, per_layer = count_regions(net, domain, workers=workers)
    seconds = time.perf_counter() - start
    path = "count" if workers == 1 else f"count, {workers} workers"
    print(f"{label:34s} {path:9s} {total:7d} regions {seconds:8.3f} s "
          f"{total / seconds:9.0f} regions/s  peak {peak_mb():6.0f} MB  per layer {list(per_layer)}")
    if expected is not None:
        assert total == expected, f"{label}: count {total} but {expected} regions enumerated"
    return total, seconds


def relucent_count(label, net, ours, seconds):
    """The peer relucent (PyPI; needs torch and gurobipy) on the same net over R^n, if installed:
    its count must equal ours; prints its time and the ratio, measured in this run."""
    try:
        import relucent
        import torch
    except ImportError:
        print(f"{label:34s} relucent not installed: no comparison")
        return
    modules = []
    for layer in net.layers:
        linear = torch.nn.Linear(layer.in_dim, layer.pre_dim).double()
        W, _, b, _ = layer.float_enclosure
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(W))
            linear.bias.copy_(torch.tensor(b))
        modules += [linear, torch.nn.ReLU()] if layer.activation.splits else [linear]
    start = time.perf_counter()
    complex_ = relucent.Complex(relucent.convert(torch.nn.Sequential(*modules)))
    complex_.bfs(verbose=0)
    theirs = time.perf_counter() - start
    assert len(complex_) == ours, f"{label}: relucent counts {len(complex_)}, we count {ours}"
    print(f"{label:34s} relucent  {len(complex_):7d} regions {theirs:8.3f} s  (same count; ours {theirs / seconds:.0f}x faster)")


def default_vs_count_only(label, net, domain=None):
    """What ``regionscope count`` computes (activation, linear and bounded regions, per layer, the
    bounds table) against ``--count-only`` (activation and per-layer counts, the bounds table),
    in the same run; wall and CPU seconds."""
    def timed(work):
        wall, cpu = time.perf_counter(), time.process_time()
        out = work()
        return out, time.perf_counter() - wall, time.process_time() - cpu

    def full():
        regions = enumerate_regions(net, domain)
        counts = (len(regions), regions.linear_regions, regions.bounded_regions)
        check(network_bounds(net), counts[0], regions.per_layer, counts[1])
        return counts

    def only():
        total, per_layer = count_regions(net, domain)
        check(network_bounds(net), total, per_layer)
        return total

    (regions, linear, bounded), wall, cpu = timed(full)
    total, wall_c, cpu_c = timed(only)
    assert total == regions, f"{label}: count-only {total}, default {regions}"
    print(f"{label:34s} default  {regions:7d} act {linear:7d} lin {bounded:7d} bnd  {wall:7.3f} s ({cpu:7.3f} CPU)  "
          f"{regions / wall:8.0f} regions/s ({regions / cpu:8.0f} per CPU s) | count-only {wall_c:7.3f} s "
          f"({cpu_c:7.3f} CPU)  ratio {wall / wall_c:4.1f}x ({cpu / cpu_c:4.1f}x CPU)")


def compare(label, net, domain=None):
    fast, t_fast = run(label, net, domain)
    slow, t_slow = run(label, net, domain, exact=True)
    assert [r.pattern for r in fast] == [r.pattern for r in slow], f"{label}: paths disagree"
    print(f"{'':34s} same regions on both paths; default is {t_slow / t_fast:.1f}x faster")
    return fast


def default_rows(quick: bool) -> None:
    """The ``default`` rows, after loading the kernels they use (and sympy) on small nets."""
    square, cube = box([-1, -1], [1, 1]), box([-1] * 3, [1] * 3)
    enumerate_regions(he_initialised([2, 4, 4, 1], 0), square)
    enumerate_regions(he_initialised([3, 4, 1], 0), cube)
    network_bounds(he_initialised([2, 4, 4, 1], 0))
    default_vs_count_only("[2,32,32,1] over R^2", he_initialised([2, 32, 32, 1], 0))
    default_vs_count_only("[2,64,64,64,1] on [-1,1]^2", he_initialised([2, 64, 64, 64, 1], 0), square)
    if quick:
        return
    default_vs_count_only("[2,128,128,128,1] on [-1,1]^2", he_initialised([2, 128, 128, 128, 1], 0), square)
    default_vs_count_only("[3,10,10,1] on [-1,1]^3", he_initialised([3, 10, 10, 1], 0), cube)
    default_vs_count_only("[4,12,2] over R^4", he_initialised([4, 12, 2], 0))
    default_vs_count_only("[4,10,10,1] over R^4", he_initialised([4, 10, 10, 1], 0))


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    square = box([-1, -1], [1, 1])
    count_regions(he_initialised([2, 4, 4, 1], 0), square)  # load the compiled kernels
    if "--default" in sys.argv:
        default_rows(quick)
        sys.exit(0)
    small = compare("[2,32,32,1] on [-1,1]^2", he_initialised([2, 32, 32, 1], 0), square)
    count("[2,32,32,1] on [-1,1]^2", he_initialised([2, 32, 32, 1], 0), square, expected=len(small))
    plane = compare("[2,32,32,1] over R^2", he_initialised([2, 32, 32, 1], 0))
    total, seconds = count("[2,32,32,1] over R^2", he_initialised([2, 32, 32, 1], 0), expected=len(plane))
    relucent_count("[2,32,32,1] over R^2", he_initialised([2, 32, 32, 1], 0), total, seconds)
    default_rows(quick)
    if quick:
        sys.exit(0)
    space = compare("[3,8,8,8,1] over R^3", he_initialised([3, 8, 8, 8, 1], 0))
    total, seconds = count("[3,8,8,8,1] over R^3", he_initialised([3, 8, 8, 8, 1], 0), expected=len(space))
    relucent_count("[3,8,8,8,1] over R^3", he_initialised([3, 8, 8, 8, 1], 0), total, seconds)
    solid = run("[3,8,8,8,1] on [-1,1]^3", he_initialised([3, 8, 8, 8, 1], 0), box([-1] * 3, [1] * 3))[0]
    count("[3,8,8,8,1] on [-1,1]^3", he_initialised([3, 8, 8, 8, 1], 0), box([-1] * 3, [1] * 3), expected=len(solid))
    four = run("[4,10,10,1] over R^4", he_initialised([4, 10, 10, 1], 0))[0]
    count("[4,10,10,1] over R^4", he_initialised([4, 10, 10, 1], 0), expected=len(four))
    one, t_one = run("[2,64,64,64,1] on [-1,1]^2", he_initialised([2, 64, 64, 64, 1], 0), square, workers=1)
    two, t_two = run("[2,64,64,64,1] on [-1,1]^2", he_initialised([2, 64, 64, 64, 1], 0), square, workers=2)
    assert [r.pattern for r in one] == [r.pattern for r in two]
    print(f"{'':34s} same regions; 2 workers are {t_one / t_two:.2f}x one")
    _, c_one = count("[2,64,64,64,1] on [-1,1]^2", he_initialised([2, 64, 64, 64, 1], 0), square, expected=len(one))
    _, c_two = count("[2,64,64,64,1] on [-1,1]^2", he_initialised([2, 64, 64, 64, 1], 0), square, 2, len(one))
    print(f"{'':34s} 2 workers are {c_one / c_two:.2f}x one (counting)")
    big = he_initialised([2, 256, 256, 256, 1], 0)
    total, c_one = count("[2,256,256,256,1] on [-1,1]^2", big, square)
    _, c_two = count("[2,256,256,256,1] on [-1,1]^2", big, square, 2, total)
    print(f"{'':34s} 2 workers are {c_one / c_two:.2f}x one (counting, the largest case)")
    three_one, t3_one = run("[3,8,8,8,1] over R^3", he_initialised([3, 8, 8, 8, 1], 0), workers=1)
    three_two, t3_two = run("[3,8,8,8,1] over R^3", he_initialised([3, 8, 8, 8, 1], 0), workers=2)
    assert [r.pattern for r in three_one] == [r.pattern for r in three_two]
    print(f"{'':34s} same regions; 2 workers are {t3_one / t3_two:.2f}x one")
    mnist = he_initialised([784, 256, 256, 10], 0)
    rng = np.random.default_rng(1)
    ends = rng.normal(size=(2, 784))
    line = segment(ends[0], ends[1])
    pieces, _ = run("[784,256,256,10] along a segment", mnist, line)
    count("[784,256,256,10] along a segment", mnist, line, expected=len(pieces))
    count("[784,256,256,10] along a segment", mnist, line, expected=len(pieces))
    print(f"{'':34s} (the first count converts the weights to floats once; the second is the steady state)")
    fresh = he_initialised([784, 256, 256, 10], 0)
    count("[784,256,256,10] along a segment", fresh, line, expected=len(pieces))
    count("[784,256,256,10] along a segment", fresh, line, expected=len(pieces))
    print(f"{'':34s} (a fresh copy of the net: the first count includes that conversion)")
