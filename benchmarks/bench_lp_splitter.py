"""The certified LP splitter (geometry/certified_lp.py) on the regions of seeded He-initialised nets.

Run: .venv/bin/python benchmarks/bench_lp_splitter.py [--quick] [--large] [--profile] [--check]

A small depth-first count built on the splitter alone: each region of layers 1..l is an LPRegion
(float forms with radii, a certified float point); layer l+1's pre-activations on it are float
forms with radii (geometry.kernels.affine_image); split() cuts it by all of them (the exact forms,
from the exact map of the pattern, are computed only where floats leave a decision open). Pieces
of the last hidden layer are only counted. A region that split() cannot decide has its subtree
counted by the exact engine (rebuilt from its pattern).
Prints regions, wall and CPU seconds, regions/s, the subtrees left to the exact engine and the
number of split() calls; with --check also
analyzer.enumerate.count_regions(net, exact=False) on the same net and domain, which must agree
(slow: the exact LP engine beyond 4-D). --large adds a 6x50 net on [-0.03, 0.03]^5.
"""
from __future__ import annotations

import cProfile
import pstats
import sys
import time

import numpy as np

from analyzer.domain import all_space, box
from analyzer.enumerate import _Refinement, count_regions
from analyzer.maps import embedding, next_map, unit_pieces
from analyzer.network import Kind, he_initialised, unit_groups
from geometry import kernels
from geometry.certified_lp import LPRegion, lp_region, split
from geometry.exact import primitive_ints
from geometry.polyhedron import from_forms, interior_point_homogeneous

RELU_SLOPES = (np.array([0.0, 1.0]), np.zeros(2), np.zeros(2))


class Lazy:
    """A value computed on first call, then kept."""

    def __init__(self, compute):
        self.compute, self.value = compute, None

    def __call__(self):
        if self.compute is not None:
            self.value, self.compute = self.compute(), None
        return self.value


class SplitterCount:
    """Regions of a ReLU net (identity last layer) on a box or all of R^n, by the LP splitter."""

    def __init__(self, net, domain):
        self.net, self.domain, self.d = net, domain, domain.dim
        self.layers = []
        for layer in net.layers:
            W, EW, b, Eb = layer.float_enclosure
            C, RC = np.zeros((len(b), self.d + 1)), np.zeros((len(b), self.d + 1))
            C[:, 0], RC[:, 0] = b, Eb
            self.layers.append((W, np.abs(W), EW, not EW.any(), C, RC))
        self.groups = [unit_groups(layer) for layer in net.layers]
        self.undecided = 0
        self.classified = 0

    def root(self):
        d = self.d
        if self.domain.bounded:
            lo, hi = (np.array([float(v) for v in corner]) for corner in self.domain_box)
            region = lp_region(self.domain.region.forms, 0.5 * (lo + hi), box=(lo, hi))
        else:
            region = lp_region((), np.zeros(d))
        H = np.hstack((np.zeros((d, 1)), np.eye(d)))
        return 0, (), region, H, np.zeros_like(H), Lazy(lambda: embedding(self.domain))

    def count(self, per_layer):
        total = 0
        last = len(self.net.layers) - 1
        stack = [self.root()]
        while stack:
            depth, pattern, region, H, RH, P = stack.pop()
            if not isinstance(region, LPRegion):
                region = region[0][region[1]]  # (pieces, j): made when refined
            G, RG = kernels.affine_image(*self.layers[depth], H, RH)
            layer = self.net.layers[depth]
            if layer.activation.kind is Kind.IDENTITY:
                per_layer[depth] += 1
                total += 1
                continue
            pre = Lazy(lambda P=P, layer=layer: layer.lifted * P())
            rows = Lazy(lambda pre=pre: [[int(v) for v in row] for row in pre().tolist()[1:]])
            pieces = split(region, G, RG, exact=rows)
            self.classified += 1
            if pieces is None:
                self.undecided += 1
                total += self.exact_subtree(depth, pattern, per_layer)
                continue
            per_layer[depth] += len(pieces)
            if depth + 1 == last and self.net.layers[last].activation.kind is Kind.IDENTITY:
                per_layer[last] += len(pieces)  # a final affine layer: each piece is one region
                total += len(pieces)
                continue
            groups = self.groups[depth]
            for j, states in enumerate(pieces.states):
                H2, RH2 = kernels.scaled_rows(G, RG, *RELU_SLOPES[:2], RELU_SLOPES[2], states)
                states = tuple(states.tolist())
                P2 = Lazy(lambda pre=pre, states=states, layer=layer, groups=groups: next_map(layer, groups, states, pre()))
                stack.append((depth + 1, (*pattern, states), (pieces, j), H2, RH2, P2))
        return total

    def exact_subtree(self, depth, pattern, per_layer):
        """The subtree below a node counted by the exact engine, rebuilt from its pattern."""
        engine = _Refinement(self.net, self.domain, exact=False)
        forms, P = list(self.domain.region.forms), embedding(self.domain)
        for layer, states in zip(self.net.layers, pattern):
            pre = layer.lifted * P
            scale, *rows = [[int(v) for v in row] for row in pre.tolist()]
            groups = unit_groups(layer)
            for group, state in zip(groups, states):
                forms += [primitive_ints(f) for _, f in dict(unit_pieces(layer, [rows[i] for i in group], scale[0]))[state]]
            P = next_map(layer, groups, states, pre)
        point = interior_point_homogeneous(from_forms(forms, self.d))
        return sum(1 for _ in engine.descend([(depth, pattern, (forms, point), P)], per_layer))


def run(arch, seed, lo=None, hi=None, check=False, profile=False):
    net = he_initialised(arch, seed)
    d = arch[0]
    domain = all_space(d) if lo is None else box([lo] * d, [hi] * d)
    counter = SplitterCount(net, domain)
    if lo is not None:
        counter.domain_box = ([lo] * d, [hi] * d)
    per_layer = [0] * len(net.layers)
    profiler = cProfile.Profile() if profile else None
    start, cpu = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    total = counter.count(per_layer)
    if profiler:
        profiler.disable()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    where = "R^%d" % d if lo is None else f"[{lo},{hi}]^{d}"
    label = f"{list(arch)} seed {seed} on {where}"
    print(f"{label:40s} {total:8d} regions {seconds:8.2f} s ({cpu:.2f} s CPU) {total / seconds:7.0f} regions/s "
          f"({total / cpu:.0f} per CPU s)  exact subtrees {counter.undecided}  layer splits {counter.classified}  "
          f"per layer {per_layer[:-1]}", flush=True)
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
    if check:
        start = time.perf_counter()
        expected, layers = count_regions(net, domain)
        print(f"{'':40s} count_regions: {expected} regions in {time.perf_counter() - start:.1f} s, per layer "
              f"{list(layers)}", flush=True)
        assert expected == total, (expected, total)
    return total, seconds


def main(argv):
    quick, profile, check = "--quick" in argv, "--profile" in argv, "--check" in argv
    run([3, 4, 1], 0)  # compile the kernels (numba caches them on disk)
    cases = [([5, 7, 7, 1], 0, None, None), ([6, 8, 8, 1], 0, None, None)]
    if not quick:
        cases += [([8, 10, 10, 1], 0, None, None), ([5] + [50] * 6 + [1], 0, -0.01, 0.01)]
    if "--large" in argv:
        cases += [([5] + [50] * 6 + [1], 0, -0.03, 0.03)]  # about 3.5e5 regions
    for arch, seed, lo, hi in cases:
        run(arch, seed, lo, hi, check=check and len(arch) < 6 and arch[1] <= 8, profile=profile)


if __name__ == "__main__":
    main(sys.argv[1:])
