"""A network's activation regions in a domain, exactly: the entry points.

:func:`count_regions` counts them, :func:`enumerate_regions` returns them as a
:class:`~analyzer.regions.RegionSet`; both run the one traversal (:mod:`analyzer.traversal`) over the
certified float path (:mod:`analyzer.filtered`) and the exact engine (:mod:`analyzer.refinement`),
which refines wherever floats cannot decide, and everywhere with ``exact=True``.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from analyzer.checkpoint import Checkpoint, run_digest
from analyzer.domain import Domain, all_space, polyline
from analyzer.errors import LimitError, ShapeError
from analyzer.network import Network
from analyzer.regions import Path, RegionSet, RunStatus
from analyzer.traversal import Traversal, Watch, run


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
                      budget: Budget | None = None, progress: Callable[[int, int], None] | None = None,
                      workers: int = 1, scheduler: str | None = None, checkpoint: str | None = None,
                      resume: bool = False, checkpoint_every: float = 5.0) -> RegionSet:
    """Every activation region of ``network`` in ``domain`` (default all of R^n), exactly.

    Where the certified float path applies (see :func:`count_regions`) the regions are found on it
    and their exact data (forms, point, map) are built from their patterns when first asked for
    (:mod:`analyzer.leaves`); elsewhere the exact engine refines them. ``exact=True`` uses the
    general LP engine everywhere and decides every LP in rational arithmetic instead of
    certifying float solutions; the regions are the same. A ``budget`` or Ctrl-C stops the run
    cleanly: the regions found so far are returned with a status saying the counts are partial.
    ``progress(found, waiting)`` is called with the number of regions found and of subtrees
    waiting to be refined, every 256 regions or more. ``workers > 1`` refines independent
    subtrees in that many local processes, ``scheduler="tcp://HOST:PORT"`` on a Dask distributed
    cluster; the result is the same. ``checkpoint=PATH`` saves the run every ``checkpoint_every``
    seconds and when it stops; ``resume=True`` continues the run saved there
    (:mod:`analyzer.checkpoint`).
    """
    traversal, per_layer = _traversal(network, domain, exact, workers, regions=True)
    saved = _checkpoint(traversal, "enumerate", checkpoint, checkpoint_every)
    watch = Watch(budget or Budget(), progress)
    run(traversal, per_layer, watch, workers=workers, scheduler=scheduler, checkpoint=saved, resume=resume)
    return traversal.leaves.region_set(_reported_layers(network, per_layer), watch.status)  # type: ignore[union-attr]


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
                  scheduler: str | None = None, budget: Budget | None = None,
                  progress: Callable[[int, int], None] | None = None, checkpoint: str | None = None,
                  resume: bool = False, checkpoint_every: float = 5.0) -> Counts:
    """``(activation regions, per-layer counts)`` without keeping the regions (memory O(depth x width)).

    Relu, leaky-ReLU, abs, hard-tanh and maxout (k <= 127) networks on domains of any dimension
    (bounded in 1-D) are counted with certified float polygons, polyhedra and LP regions
    (:mod:`analyzer.filtered`), which fall back to exact arithmetic wherever floats cannot decide;
    the rest by the exact engine. ``workers``, ``scheduler``, ``budget``, ``progress``,
    ``checkpoint``, ``resume`` and ``checkpoint_every`` as for :func:`enumerate_regions`."""
    traversal, per_layer = _traversal(network, domain, exact, workers, regions=False)
    saved = _checkpoint(traversal, "count", checkpoint, checkpoint_every)
    watch = Watch(budget or Budget(), progress)
    total = run(traversal, per_layer, watch, workers=workers, scheduler=scheduler, checkpoint=saved, resume=resume)
    return Counts(total, _reported_layers(network, per_layer), watch.status, traversal.path)


def _traversal(network: Network, domain: Domain | None, exact: bool, workers: int,
               regions: bool) -> tuple[Traversal, list[int]]:
    """The run's traversal, after checking the arguments, and its per-layer counts (zeros)."""
    _checked_workers(workers)
    domain = _checked_domain(network, domain)
    return Traversal(network, domain, exact, regions), [0] * len(network.layers)


def _checkpoint(traversal: Traversal, task: str, path: str | None, every: float) -> Checkpoint | None:
    """The run's :class:`~analyzer.checkpoint.Checkpoint` at ``path`` (None: none). The digest
    names the task and the arithmetic, whose stacks differ."""
    if path is None:
        return None
    return Checkpoint(path, run_digest(traversal.network, traversal.domain, f"{task} {traversal.path.name}"), every)


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
    keep = len(per_layer) - (1 if not network.layers[-1].activation.splits and len(per_layer) > 1 else 0)
    return tuple(per_layer[:keep])


def _checked_workers(workers: int) -> None:
    if not (isinstance(workers, int) and workers >= 1):
        raise LimitError(f"workers={workers!r}: give a whole number of processes, at least 1")


def _checked_domain(network: Network, domain: Domain | None) -> Domain:
    domain = all_space(network.input_dim) if domain is None else domain
    if domain.input_dim != network.input_dim:
        raise ShapeError(f"the domain lives in R^{domain.input_dim} but the network takes {network.input_dim} inputs")
    return domain
