"""The engine: a network's activation regions in a domain, layer by layer, exactly.

Each region of layers 1..l carries its geometry and the exact affine map from parameter coordinates
to layer l's outputs. Maps are homogeneous integer matrices ``P`` of shape (n + 1) x (k + 1): row 0
is ``(D, 0, ..., 0)`` and row i + 1 holds ``D`` times (constant, coefficients) of output i as an
affine function of the parameters; ``layer.lifted * P`` (see :attr:`analyzer.network.Layer.lifted`)
is the pre-activations' map at a larger scale, so no fraction appears and the sign of a form is
the sign of its integer row. Layer l+1's pre-activations pulled back through
that map are affine forms on the region; each unit proposes the open convex pieces of its states
(ReLU-like: ``z > 0`` and ``z < 0``; hard-tanh: ``z < -1``, ``-1 < z < 1``, ``z > 1``; maxout: the
open argmax cells ``z_a > z_b``), and :func:`geometry.partition.meeting_pieces` keeps those that meet
the region, with a witness point. A unit constant on a region proposes one piece, its state read
from the constant (:meth:`analyzer.activations.Activation.state_at`). Traversal is depth first,
so only one path of the refinement tree is held at a time.
"""
from __future__ import annotations

import math
import multiprocessing
import time
import types
import warnings
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import flint

from analyzer import filtered
from analyzer.domain import Domain, all_space, polyline
from analyzer.errors import LimitError, ShapeError, UnsupportedLayerError, WorkerError
from analyzer.checkpoint import Checkpoint, CheckpointError, run_digest
from analyzer.leaves import LeafStore
from analyzer.network import Kind, Layer, Network, unit_groups
from analyzer.maps import as_rational_map, embedding, first_layer_orthants, next_map, unit_pieces
from analyzer.regions import Path, Region, RegionSet, RunStatus
from geometry.exact import cartesian, is_constant
from geometry.partition import meeting_pieces
from geometry import interval as interval_geometry, planar as planar_geometry
from geometry.polyhedron import require_full_dimensional


@dataclass(frozen=True)
class Budget:
    """Limits on a run: stop after ``max_regions`` regions or ``seconds`` of wall time."""

    max_regions: int | None = None
    seconds: float | None = None

    def __post_init__(self) -> None:
        if self.max_regions is not None and not self.max_regions >= 0:
            raise LimitError(f"a budget of max_regions={self.max_regions}: give 0 or more (or None for no limit)")
        if self.seconds is not None and not (math.isfinite(self.seconds) and self.seconds >= 0):
            raise LimitError(f"a budget of seconds={self.seconds}: give a finite time, 0 or more (or None)")


def enumerate_regions(network: Network, domain: Domain | None = None, *, exact: bool = False,
                      budget: Budget | None = None, progress: Callable[[int], None] | None = None,
                      workers: int = 1, scheduler: str | None = None, checkpoint: str | None = None,
                      resume: bool = False, checkpoint_every: float = 5.0) -> RegionSet:
    """Every activation region of ``network`` in ``domain`` (default all of R^n), exactly.

    Where the certified float path applies (see :func:`count_regions`) the regions are found on it
    and their exact data (forms, point, map) are built from their patterns when first asked for
    (:mod:`analyzer.leaves`); elsewhere the exact engine refines them. ``exact=True`` uses the
    general LP engine everywhere and decides every LP in rational arithmetic instead of
    certifying float solutions; the regions are the same. A ``budget`` or Ctrl-C stops the run
    cleanly: the regions found so far are returned with a status saying the counts are partial.
    ``progress`` is called with the number of regions found, every 256 regions. ``workers > 1``
    refines independent subtrees in that many local processes, ``scheduler="tcp://HOST:PORT"`` on
    a Dask distributed cluster; the result is the same. ``checkpoint=PATH`` saves the run every
    ``checkpoint_every`` seconds and when it stops; ``resume=True`` continues the run saved there
    (:mod:`analyzer.checkpoint`; the float path only).
    """
    _checked_workers(workers)
    domain = _checked_domain(network, domain)
    per_layer = [0] * len(network.layers)
    watch = _Watch(budget, progress)
    counter = None if exact or scheduler is not None else _filtered_counter(network, domain, counting=False)
    saved = _checkpoint(network, domain, "enumerate", checkpoint, checkpoint_every, counter)
    if counter is not None:  # the certified float path, regions built from its leaves when asked
        counter.leaves = LeafStore(network, domain, counter)
        _descend(counter, per_layer, workers, watch, saved, resume)
        return counter.leaves.region_set(_reported_layers(network, per_layer), watch.status)
    walk = _walk(network, domain, per_layer, exact, workers, scheduler)
    found = _collect(walk, watch)
    walk.close()
    regions = sorted(found, key=lambda r: r.pattern)
    return RegionSet(regions, _reported_layers(network, per_layer), domain.bounded, exact, watch.status,
                     path=Path.EXACT_LP if exact else Path.EXACT_ENGINE)


class _Watch:
    """A run's budget and progress: :meth:`stop` is asked, while work remains, with the number of
    regions found so far; it reports progress and says whether to stop, leaving the reason in
    ``status``."""

    def __init__(self, budget: Budget | None, progress: Callable[[int], None] | None):
        self.budget, self.progress = budget or Budget(), progress
        self.started, self.reported, self.status = time.monotonic(), 0, RunStatus.COMPLETE

    def stop(self, found: int) -> bool:
        if self.progress is not None and found >= self.reported + 256:
            self.reported = found
            self.progress(found)
        if self.budget.max_regions is not None and found >= self.budget.max_regions:
            self.status = RunStatus.MAX_REGIONS
        elif self.budget.seconds is not None and time.monotonic() - self.started > self.budget.seconds:
            self.status = RunStatus.TIME_LIMIT
        return self.status is not RunStatus.COMPLETE


def _collect(walk: Iterator[Region], watch: _Watch) -> list[Region]:
    found: list[Region] = []
    try:
        for region in walk:
            if watch.stop(len(found)):
                break
            found.append(region)
    except KeyboardInterrupt:
        watch.status = RunStatus.INTERRUPTED
    return found


class Counts(tuple):
    """``(activation regions, per-layer counts)``, with the run's ``status`` (anything but
    COMPLETE: the counts are partial, lower bounds) and the ``path`` that decided them."""

    status: RunStatus
    path: Path

    def __new__(cls, total: int, per_layer: tuple[int, ...], status: RunStatus = RunStatus.COMPLETE,
                path: Path = Path.EXACT_ENGINE):
        counts = super().__new__(cls, (total, per_layer))
        counts.status, counts.path = status, path
        return counts


def count_regions(network: Network, domain: Domain | None = None, *, exact: bool = False, workers: int = 1,
                  budget: Budget | None = None, progress: Callable[[int], None] | None = None,
                  checkpoint: str | None = None, resume: bool = False, checkpoint_every: float = 5.0) -> Counts:
    """``(activation regions, per-layer counts)`` without keeping the regions (memory O(depth x width)).

    Relu, leaky-ReLU, abs and hard-tanh networks on domains of any dimension (bounded in 1-D)
    are counted with certified float polygons, polyhedra and LP regions (4-D and up; see
    :func:`analyzer.filtered.uses_lp_regions`), which fall back to exact arithmetic wherever floats
    cannot decide.
    ``workers > 1`` counts independent subtrees in that many local processes. A ``budget`` or
    Ctrl-C stops the count cleanly, with a partial status; ``progress`` is called with the count
    so far (every 256 regions or more). ``checkpoint``, ``resume`` and ``checkpoint_every`` as
    for :func:`enumerate_regions`."""
    _checked_workers(workers)
    domain = _checked_domain(network, domain)
    per_layer = [0] * len(network.layers)
    watch = _Watch(budget, progress)
    counter = None if exact else _filtered_counter(network, domain, counting=True)
    saved = _checkpoint(network, domain, "count", checkpoint, checkpoint_every, counter)
    if counter is None:
        walk = _walk(network, domain, per_layer, exact, workers)
        total = len(_collect(walk, watch))
        walk.close()
    else:
        total = _descend(counter, per_layer, workers, watch, saved, resume)
    path = Path.FLOAT if counter is not None else (Path.EXACT_LP if exact else Path.EXACT_ENGINE)
    return Counts(total, _reported_layers(network, per_layer), watch.status, path)


def _descend(counter: filtered.FilteredCount, per_layer: list[int], workers: int, watch: _Watch,
             checkpoint: Checkpoint | None = None, resume: bool = False) -> int:
    """The float path's traversal of the whole domain: the number of regions found (kept in
    ``counter.leaves`` too when it is a :class:`~analyzer.leaves.LeafStore`). With ``workers > 1``
    the subtrees below a frontier are refined in that many forked processes, which inherit the
    counter and the frontier (only chunks of indices travel there; counts, and leaves as arrays,
    come back); the budget is checked as each chunk comes back.

    ``checkpoint`` saves the traversal's state every few seconds and when the run stops
    (:mod:`analyzer.checkpoint`); ``resume`` starts from the state it holds instead of the root.
    With workers, a chunk's work counts once the chunk is back, so a checkpoint keeps the entries
    of the chunks still out."""
    leaves = counter.leaves
    stack, total = counter.start(), 0
    if resume and checkpoint is not None:
        state = checkpoint.load()
        stack, total = state["stack"], state["total"]
        per_layer[:] = state["per_layer"]
        if leaves is not None:
            leaves.merge(state["leaves"])

    def save(entries: list, found: int, mark=None, force: bool = False) -> None:
        if checkpoint is not None and (force or checkpoint.due()):
            checkpoint.save({"stack": entries, "total": found, "per_layer": list(per_layer),
                             "leaves": None if leaves is None else leaves.payload(mark)})

    if workers <= 1:
        total = counter.descend(stack, per_layer, stop=watch.stop, save=save, found=total)
        if counter.status is RunStatus.INTERRUPTED:  # a budget's stop is in watch.status already
            watch.status = counter.status
        if counter.resume is not None:  # stopped inside an exact subtree: save the moment before it
            entries, counts, found, mark = counter.resume
            counts_now, per_layer[:] = list(per_layer), counts
            save(entries, found, mark, force=True)
            per_layer[:] = counts_now
        else:
            save(stack, total, force=True)
        return total
    total = counter.descend(stack, per_layer, until=16 * workers, found=total)
    if counter.status is RunStatus.INTERRUPTED:
        watch.status = counter.status
        save(stack, total, force=True)
        return total
    frontier, out = stack, set(range(min(8 * workers, len(stack))))
    chunks = [list(range(i, len(frontier), 8 * workers)) for i in sorted(out)]
    deaths = 0
    try:
        while out and deaths <= _RETRIES:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_share,
                                       initargs=(counter, frontier))
            try:
                for chunk, (found, counts, payload) in zip(sorted(out), pool.map(_descend_in_worker,
                                                                                 [chunks[c] for c in sorted(out)])):
                    total += found
                    per_layer[:] = [a + b for a, b in zip(per_layer, counts)]
                    if payload is not None:
                        leaves.merge(payload)
                    out.discard(chunk)
                    save([frontier[i] for c in sorted(out) for i in chunks[c]], total)
                    if watch.stop(total):
                        return total
            except BrokenProcessPool:  # a worker died (a crash in C code, or killed): redo what is out
                deaths += 1
                warnings.warn(f"a worker process died; the {len(out)} chunk(s) not yet counted are counted again "
                              f"in new workers (attempt {deaths} of {_RETRIES})", RuntimeWarning, stacklevel=2)
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
        if out:
            raise WorkerError(f"worker processes died {deaths} times; {len(out)} chunk(s) were not counted")
    except KeyboardInterrupt:
        watch.status = RunStatus.INTERRUPTED
    finally:
        save([frontier[i] for c in sorted(out) for i in chunks[c]], total, force=True)
    return total


_RETRIES = 2  # times the chunks of dead workers are counted again before the run gives up


def _filtered_counter(network: Network, domain: Domain, counting: bool) -> filtered.FilteredCount | None:
    """The float path's counter, or None where it does not apply (``counting``: no leaves are kept)."""
    if not filtered.applies(network, domain):
        return None
    try:
        return filtered.FilteredCount(_Refinement(network, domain, False), counting)
    except (OverflowError, filtered.NotApplicable):  # beyond the float range, or no float start: exact only
        return None


def _checkpoint(network: Network, domain: Domain, task: str, path: str | None, every: float,
                counter: filtered.FilteredCount | None) -> Checkpoint | None:
    """The run's :class:`~analyzer.checkpoint.Checkpoint` at ``path`` (None: none)."""
    if path is None:
        return None
    if counter is None:
        raise CheckpointError("checkpoints are kept on the certified float path (relu, leaky-ReLU, abs and hard-tanh "
                              "layers, a bounded domain in 1-D, no --exact); this run uses the exact engine")
    return Checkpoint(path, run_digest(network, domain, task), every)


_SHARED: tuple = ()


def _share(counter: filtered.FilteredCount, frontier: list) -> None:
    global _SHARED
    _SHARED = counter, frontier


def _descend_in_worker(indices: list[int]) -> tuple[int, list[int], dict | None]:
    counter, frontier = _SHARED
    per_layer = [0] * len(counter.network.layers)
    if counter.leaves is not None:
        counter.leaves = counter.leaves.empty()
    found = counter.descend([frontier[i] for i in reversed(indices)], per_layer)
    return found, per_layer, None if counter.leaves is None else counter.leaves.payload()


def count_along_polyline(network: Network, points, *, exact: bool = False) -> int:
    """Pieces of the trajectory through ``points`` (a polyline): maximal sub-intervals with one
    activation pattern. Each segment is counted exactly; where the last piece of one segment and the
    first of the next have the same pattern they are one piece (the path runs on inside a region)."""
    total, previous_last = 0, None
    for seg in polyline(points):
        regions = enumerate_regions(network, seg, exact=exact).regions
        ordered = sorted(regions, key=lambda r: r.point[0])
        total += len(ordered) - (ordered[0].pattern == previous_last)
        previous_last = ordered[-1].pattern
    return total


def _reported_layers(network: Network, per_layer: list[int]) -> tuple[int, ...]:
    """Counts after each layer, leaving out a final affine (identity) layer, which adds no regions."""
    keep = len(per_layer) - (1 if network.layers[-1].activation.kind is Kind.IDENTITY and len(per_layer) > 1 else 0)
    return tuple(per_layer[:keep])


def _checked_workers(workers: int) -> None:
    if not (isinstance(workers, int) and workers >= 1):
        raise LimitError(f"workers={workers!r}: give a whole number of processes, at least 1")


def _checked_domain(network: Network, domain: Domain | None) -> Domain:
    domain = all_space(network.input_dim) if domain is None else domain
    if domain.input_dim != network.input_dim:
        raise ShapeError(f"the domain lives in R^{domain.input_dim} but the network takes {network.input_dim} inputs")
    return domain


class _Refinement:
    """How one network's regions in one domain are refined. A node is ``(depth, pattern, geometry,
    map)``: a region of layers 1..depth with its geometry and its homogeneous integer map.

    Geometry: an exact interval or polygon on bounded 1-D and 2-D domains (:mod:`geometry.interval`,
    :mod:`geometry.planar`); on unbounded 2-D domains also a polygon, with generators at infinity,
    when the first layer is ReLU-like with two non-parallel units: the plane is cut into the four
    pointed quadrants of those two units, which are boundaries of the partition anyway; otherwise
    ``(forms, interior point)``, split by certified LPs."""

    def __init__(self, network: Network, domain: Domain, exact: bool):
        self.network, self.domain, self.dim = network, domain, domain.dim
        start = require_full_dimensional(domain.region)
        self.weights = [layer.lifted for layer in network.layers]
        self.quadrants = None if exact or self.dim != 2 or domain.bounded else self._quadrants()
        self.shaped = (self.dim in (1, 2) and domain.bounded and not exact) or self.quadrants is not None
        self.split: _ShapeSplitter | _LPSplitter
        self.start: object
        self.module: types.ModuleType | None = None  # the exact shapes' module (intervals or polygons), or None: LPs
        if self.shaped:
            self.module = module = interval_geometry if self.dim == 1 else planar_geometry
            self.split = _ShapeSplitter(module)
            if self.quadrants is not None:
                self.start = None
            else:
                self.start = module.interval(domain.region) if self.dim == 1 else module.polygon(domain.region)
        else:
            self.split, self.start = _LPSplitter(self.dim, exact), (list(domain.region.forms), start)

    def _quadrants(self) -> list | None:
        """The four quadrants of two first-layer hyperplanes with independent normals, cut to the
        domain (None when there are none: see :func:`analyzer.maps.first_layer_orthants`)."""
        orthants = first_layer_orthants(self.network, self.domain, 2)
        if orthants is None:
            return None
        shapes = []
        for (u, v), _ in orthants:
            shape: planar_geometry.Polygon | None = planar_geometry.quadrant(u, v)
            for f in self.domain.region.forms:
                shape = None if shape is None else planar_geometry.clip(shape, f)
            if shape is not None:
                shapes.append(shape)
        return shapes

    def root(self):
        return 0, (), self.start, embedding(self.domain)

    def is_leaf(self, node) -> bool:
        return node[0] == len(self.network.layers)

    def children(self, node, per_layer: list[int]) -> list:
        """The node's pieces under its next layer (counted in ``per_layer``)."""
        depth, pattern, geometry, P = node
        layer = self.network.layers[depth]
        if not layer.activation.splits:  # an affine layer: same region, composed map
            per_layer[depth] += 1
            return [(depth + 1, (*pattern, ()), geometry, self.weights[depth] * P)]
        shapes = (self.quadrants or []) if geometry is None else [geometry]  # the root of a quadrant-split plane
        pieces = [piece for shape in shapes for piece in _split_layer(layer, self.weights[depth], shape, P, self.split)]
        per_layer[depth] += len(pieces)
        return [(depth + 1, (*pattern, states), child, P2) for states, child, P2 in pieces]

    def region(self, node) -> Region:
        _, pattern, geometry, P = node
        if self.module is not None:
            forms = [f for f in geometry.edges if not is_constant(f)]  # not the line at infinity
            point = self.module.interior_point(geometry)
            bounded = self.dim == 1 or planar_geometry.is_bounded(geometry)
        else:
            (forms, point), bounded = geometry, False
        return Region(pattern, tuple(sorted(set(forms))), cartesian(point), as_rational_map(P), self.dim,
                      geometry if self.shaped and bounded else None)

    def descend(self, stack: list, per_layer: list[int]) -> Iterator[Region]:
        """Depth first from the nodes on ``stack``: one path of the refinement tree held at a time."""
        while stack:
            node = stack.pop()
            if self.is_leaf(node):
                yield self.region(node)
            else:
                stack.extend(reversed(self.children(node, per_layer)))


def _walk(network: Network, domain: Domain, per_layer: list[int], exact: bool, workers: int = 1,
          scheduler: str | None = None) -> Generator[Region, None, None]:
    refinement = _Refinement(network, domain, exact)
    if scheduler is not None:
        yield from _on_dask(refinement, per_layer, exact, scheduler)
    elif workers <= 1:
        yield from refinement.descend([refinement.root()], per_layer)
    else:
        pool = ProcessPoolExecutor(workers, initializer=_start_worker,
                                   initargs=(refinement.network, refinement.domain, exact))
        try:
            yield from _parallel(refinement, per_layer, workers, lambda nodes: pool.submit(_refine_in_worker, nodes))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _on_dask(refinement: _Refinement, per_layer: list[int], exact: bool, scheduler: str) -> Iterator[Region]:
    """The subtrees on a Dask distributed cluster (``scheduler`` like ``tcp://HOST:PORT``); the
    network and domain are sent to every worker once."""
    try:
        from distributed import Client
    except ImportError:
        raise UnsupportedLayerError("a Dask scheduler needs dask[distributed]: pip install 'regionscope[dask]'") from None
    client = Client(scheduler)
    try:
        workers = max(1, len(client.scheduler_info()["workers"]))
        problem = client.scatter((refinement.network, refinement.domain, exact), broadcast=True)
        yield from _parallel(refinement, per_layer, workers,
                             lambda nodes: client.submit(_refine_on_dask, problem, nodes, pure=False))
    finally:
        client.close()


def _parallel(refinement: _Refinement, per_layer: list[int], workers: int, submit) -> Iterator[Region]:
    """Regions of one layer refine independently: expand the tree breadth first until there are many
    subtrees, then hand them, interleaved into chunks for balance, to ``submit`` (which returns a
    future whose result is ``(regions, per-layer counts)``)."""
    frontier = [refinement.root()]
    while frontier and not refinement.is_leaf(frontier[0]) and len(frontier) < 16 * workers:
        frontier = [child for node in frontier for child in refinement.children(node, per_layer)]
    if not frontier or refinement.is_leaf(frontier[0]):
        yield from (refinement.region(node) for node in frontier)
        return
    chunks = [frontier[i::8 * workers] for i in range(min(8 * workers, len(frontier)))]
    jobs = [submit([_portable(node) for node in chunk]) for chunk in chunks]
    for job in jobs:
        regions, counts = job.result()
        for depth, count in enumerate(counts):
            per_layer[depth] += count
        yield from regions


_WORKER: _Refinement | None = None


def _start_worker(network: Network, domain: Domain, exact: bool) -> None:
    global _WORKER
    _WORKER = _Refinement(network, domain, exact)


def _refine_on_dask(problem, nodes) -> tuple[list[Region], list[int]]:
    """A Dask task: the worker keeps one refinement per problem it has seen."""
    network, domain, exact = problem
    if _WORKER is None or _WORKER.network is not network:
        _start_worker(network, domain, exact)
    return _refine_in_worker(nodes)


def _portable(node):
    """A node with its map as plain ints (flint matrices do not pickle)."""
    depth, pattern, geometry, P = node
    return depth, pattern, geometry, (P.nrows(), P.ncols(), [int(v) for v in P.entries()])


def _refine_in_worker(nodes) -> tuple[list[Region], list[int]]:
    assert _WORKER is not None  # set by the pool's initializer
    per_layer = [0] * len(_WORKER.network.layers)
    stack = [(d, pattern, geometry, flint.fmpz_mat(*P)) for d, pattern, geometry, P in nodes]
    return list(_WORKER.descend(list(reversed(stack)), per_layer)), per_layer


class _LPSplitter:
    """Regions as ``(forms, interior point)``, split by certified LPs."""

    def __init__(self, dim: int, exact: bool):
        self.dim, self.exact = dim, exact

    def __call__(self, region, candidate_forms):
        """Pieces that meet the region; a piece that is the whole region keeps its forms."""
        forms, point = region
        met = meeting_pieces(forms, point, candidate_forms, self.dim, exact=self.exact)
        if len(met) == 1:
            return [(met[0][0], (forms, met[0][1]))]
        return [(index, ([*forms, *candidate_forms[index]], witness)) for index, witness in met]

    @staticmethod
    def sides(region, forms):
        return [0] * len(forms)  # unknown here: each unit is decided by its own LPs


class _ShapeSplitter:
    """Regions as exact intervals (1-D) or polygons (2-D), split by clipping (see those modules)."""

    def __init__(self, module):
        self.module = module

    def __call__(self, shape, candidate_forms):
        return self.module.split(shape, candidate_forms)

    def sides(self, shape, forms):
        return self.module.sides(shape, forms)


def _split_layer(layer: Layer, lifted, region, P, split):
    """The full-dimensional pieces of one region under one layer, each with its new affine map.

    Every unit is first tested against the whole region: a unit with one piece there keeps that
    state in every child, so only the units that cut the region are tested again on the pieces."""
    pre = lifted * P
    head, *rows = [[int(v) for v in row] for row in pre.tolist()]
    scale = head[0]
    groups = unit_groups(layer)
    fixed: dict[int, int] = {}
    cutting = []
    if layer.activation.splits_at_zero:
        # the splitter's batch sign pass (exact shapes: all vertices in one filtered product; the LP
        # splitter knows nothing yet and leaves every unit to its own LPs): on where z >= 0, off where z <= 0
        moving = [u for u in range(len(groups)) if any(rows[u][1:])]
        for u, side in zip(moving, split.sides(region, [rows[u] for u in moving])):
            if side:
                fixed[u] = 1 if side > 0 else 0
    for u, group in enumerate(groups):
        if u in fixed:
            continue
        candidates = unit_pieces(layer, [rows[i] for i in group], scale)
        if len(candidates) > 1:
            candidate_forms = [[g for _, g in tagged] for _, tagged in candidates]
            met = split(region, candidate_forms)
            if len(met) > 1:
                cutting.append((u, candidates, candidate_forms, met))
                continue
            candidates = [candidates[met[0][0]]]
            region = met[0][1]
        fixed[u] = candidates[0][0]
    pieces: list[tuple[dict[int, int], object]] = [({}, region)]
    for position, (u, candidates, candidate_forms, met_on_region) in enumerate(cutting):
        refined: list[tuple[dict[int, int], object]] = []
        for states, piece in pieces:
            met = met_on_region if position == 0 else split(piece, candidate_forms)
            refined.extend(({**states, u: candidates[index][0]}, child) for index, child in met)
        pieces = refined
    out = []
    for states, piece in pieces:
        ordered = tuple(states[u] if u in states else fixed[u] for u in range(len(groups)))
        out.append((ordered, piece, next_map(layer, groups, ordered, pre)))
    return out
