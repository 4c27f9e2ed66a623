"""The one depth-first traversal of the refinement tree, over two arithmetics.

A stack entry is a node of one of two splitters: the certified float path's
(:class:`analyzer.filtered.FilteredCount`: a piece of a block of sibling pieces) or the exact
engine's (:class:`analyzer.refinement.ExactNode`). Each step pops one entry and asks its splitter
for the entry's children under the next layer, which go on the stack; a leaf is counted, and kept
in the leaves sink when the regions themselves are asked for. Where floats cannot certify a split,
the float splitter pushes the exact node of the same region instead, so that subtree is refined in
exact arithmetic by this same loop. ``exact=True`` (or a network or domain the float path does not
take) starts from the exact engine's root.

Written here once for both splitters:

* per-layer counts (each splitter adds the pieces it makes), the leaves, the count;
* budgets and progress, asked between steps (:class:`Watch`);
* Ctrl-C (and SIGTERM, which the CLI turns into Ctrl-C) in the middle of a step undoes the step:
  the entry goes back on the stack and the per-layer counts and leaves are rolled back, so that
  when the loop returns they describe one moment between steps;
* checkpoints, saved between steps (:mod:`analyzer.checkpoint`: the stack, the counts and the
  leaves; every entry is self-contained and picklable);
* parallel runs (:func:`run`): the tree is refined until a frontier of independent subtrees waits,
  then chunks of it are refined in forked local processes (a chunk of a process that dies is
  refined again in a new one) or on a Dask cluster; a chunk counts once it is back.

The tree does not depend on the order of the traversal, so 1, 2 or N workers, a resumed run and
an uninterrupted one find the same regions.
"""
from __future__ import annotations

import multiprocessing
import time
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from analyzer import filtered
from analyzer.checkpoint import Checkpoint
from analyzer.domain import Domain
from analyzer.errors import WorkerError
from analyzer.leaves import ExactLeaves, LeafStore
from analyzer.network import Network
from analyzer.refinement import ExactNode, Refinement
from analyzer.regions import Path, RunStatus


class Watch:
    """A run's budget and progress: :meth:`stop` is asked, while work remains, with the number of
    regions found so far and of subtrees waiting; it reports progress (``progress(found, waiting)``,
    every 256 regions or more) and says whether to stop, leaving the reason in ``status``."""

    def __init__(self, budget, progress: Callable[[int, int], None] | None):
        self.budget, self.progress = budget, progress
        self.started, self.reported, self.status = time.monotonic(), 0, RunStatus.COMPLETE

    def stop(self, found: int, waiting: int = 0) -> bool:
        if self.progress is not None and found >= self.reported + 256:
            self.reported = found
            self.progress(found, waiting)
        if self.budget.max_regions is not None and found >= self.budget.max_regions:
            self.status = RunStatus.MAX_REGIONS
        elif self.budget.seconds is not None and time.monotonic() - self.started > self.budget.seconds:
            self.status = RunStatus.TIME_LIMIT
        return self.status is not RunStatus.COMPLETE


class Traversal:
    """The refinement of ``network``'s regions in ``domain`` (see the module docstring). The float
    splitter is used unless ``exact`` or it does not apply; ``regions``: keep the leaves (in
    ``leaves``), else only count them. ``path`` says which arithmetic decides the run."""

    def __init__(self, network: Network, domain: Domain, exact: bool = False, regions: bool = False):
        self.network, self.domain, self.exact, self.regions = network, domain, exact, regions
        self.engine = Refinement(network, domain, exact)
        self.float: filtered.FilteredCount | None = None
        if not exact and filtered.applies(network, domain):
            try:
                self.float = filtered.FilteredCount(self.engine)
            except (OverflowError, filtered.NotApplicable):  # beyond the float range, or no float start
                pass
        self.path = Path.FLOAT if self.float is not None else Path.EXACT_LP if exact else Path.EXACT_ENGINE
        self.leaves = self.sink() if regions else None
        self.status = RunStatus.COMPLETE

    def sink(self) -> LeafStore | ExactLeaves:
        """An empty leaves sink of this traversal's kind."""
        if self.float is not None:
            return LeafStore(self.network, self.domain, self.float)
        return ExactLeaves(self.network, self.domain, self.exact, self.path)

    def start(self) -> list:
        """The stack entries of the whole domain."""
        return self.float.start() if self.float is not None else [self.engine.root()]

    def descend(self, stack: list, per_layer: list[int], until: int | None = None,
                stop: Callable[[int, int], bool] | None = None, save: Callable[[list, int], None] | None = None,
                found: int = 0) -> int:
        """Depth first from the entries on ``stack``: ``found`` plus the number of regions found
        (``per_layer[d]`` gains the regions of layers 1..d+1). Stops early once the stack holds
        ``until`` entries, when ``stop(regions so far, entries waiting)`` says so, or on Ctrl-C
        (``status`` says so; the step in progress is undone). ``save(stack, regions so far)`` is
        called between steps (a checkpoint that writes when due)."""
        self.status, total, leaves = RunStatus.COMPLETE, found, self.leaves
        while stack and (until is None or len(stack) < until):
            height, counts = len(stack), per_layer.copy()
            kept: Any = None if leaves is None else leaves.mark()
            entry = stack[-1]
            try:
                if stop is not None and stop(total, height):
                    break
                if save is not None:
                    save(stack, total)
                stack.pop()
                total += self._step(entry, stack, per_layer)
            except (KeyboardInterrupt, SystemError) as error:
                if not _is_interrupt(error):
                    raise
                del stack[height - 1:]
                stack.append(entry)
                per_layer[:] = counts
                if leaves is not None:
                    leaves.rollback(kept)
                self.status = RunStatus.INTERRUPTED
                break
        return total

    def _step(self, entry, stack: list, per_layer: list[int]) -> int:
        """Refine one entry: push its children; the number of leaves it was or made."""
        if type(entry) is not ExactNode:
            return self.float.refine(entry, stack, per_layer, self.leaves)  # type: ignore[union-attr]
        if self.engine.is_leaf(entry):
            if self.leaves is not None:
                self.leaves.add_region(self.engine.region(entry))
            return 1
        stack.extend(reversed(self.engine.children(entry, per_layer)))
        return 0


def _is_interrupt(error: BaseException) -> bool:
    """Ctrl-C, also when it arrived while a numba kernel ran: numba then raises SystemError
    ("returned a result with an exception set") with the KeyboardInterrupt as its context."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, KeyboardInterrupt):
            return True
        cause = cause.__context__
    return False


def run(traversal: Traversal, per_layer: list[int], watch: Watch, *, workers: int = 1, scheduler: str | None = None,
        checkpoint: Checkpoint | None = None, resume: bool = False) -> int:
    """The whole domain's traversal: the number of regions found (kept in ``traversal.leaves``
    too when it keeps regions). With ``workers > 1`` or a Dask ``scheduler`` the subtrees below a
    frontier are refined in that many forked local processes, or on the cluster; the budget is
    checked as each chunk comes back.

    ``checkpoint`` saves the traversal's state every few seconds and when the run stops;
    ``resume`` starts from the state it holds instead of the root. With workers, a chunk's work
    counts once the chunk is back, so a checkpoint keeps the entries of the chunks still out."""
    leaves = traversal.leaves
    stack, total = traversal.start(), 0
    if resume and checkpoint is not None:
        state = checkpoint.load()
        stack, total = state["stack"], state["total"]
        per_layer[:] = state["per_layer"]
        if leaves is not None:
            leaves.merge(state["leaves"])

    def save(entries: list, found: int, force: bool = False) -> None:
        if checkpoint is not None and (force or checkpoint.due()):
            checkpoint.save({"stack": entries, "total": found, "per_layer": list(per_layer),
                             "leaves": None if leaves is None else leaves.payload()})

    cluster = None if scheduler is None else _Cluster(scheduler, traversal)
    try:
        size = 1 if cluster is None and workers <= 1 else 16 * (workers if cluster is None else cluster.workers)
        total = traversal.descend(stack, per_layer, until=None if size == 1 else size, stop=watch.stop, save=save,
                                  found=total)
        if traversal.status is RunStatus.INTERRUPTED:  # a budget's stop is in watch.status already
            watch.status = traversal.status
        if size == 1 or not stack or watch.status is not RunStatus.COMPLETE:
            save(stack, total, force=True)
            return total
        return _in_parallel(traversal, stack, total, per_layer, watch, save, workers, cluster)
    finally:
        if cluster is not None:
            cluster.close()


_RETRIES = 2  # times the chunks of dead workers are counted again before the run gives up


def _in_parallel(traversal: Traversal, frontier: list, total: int, per_layer: list[int], watch: Watch, save,
                 workers: int, cluster: _Cluster | None) -> int:
    """Refine the ``frontier``'s entries in chunks, interleaved for balance, in worker processes
    (or on the ``cluster``), merging the counts and leaves of each chunk as it comes back."""
    lanes = 8 * (workers if cluster is None else cluster.workers)
    out = set(range(min(lanes, len(frontier))))
    chunks = [list(range(i, len(frontier), lanes)) for i in sorted(out)]

    def waiting() -> list:
        return [frontier[i] for c in sorted(out) for i in chunks[c]]

    deaths = 0
    try:
        while out and deaths <= _RETRIES:
            pool = _Pool(traversal, frontier, workers) if cluster is None else cluster
            try:
                order = sorted(out)
                for chunk, (found, counts, payload) in zip(order, pool.results(frontier, [chunks[c] for c in order])):
                    total += found
                    per_layer[:] = [a + b for a, b in zip(per_layer, counts)]
                    if payload is not None:
                        traversal.leaves.merge(payload)  # type: ignore[union-attr]
                    out.discard(chunk)
                    save(waiting(), total)
                    if watch.stop(total, sum(len(chunks[c]) for c in out)):
                        return total
            except pool.died:  # a worker died (a crash in C code, or killed): redo what is out
                deaths += 1
                warnings.warn(f"a worker process died; the {len(out)} chunk(s) not yet counted are counted again "
                              f"in new workers (attempt {deaths} of {_RETRIES})", RuntimeWarning, stacklevel=3)
            finally:
                if cluster is None:
                    pool.close()
        if out:
            raise WorkerError(f"worker processes died {deaths} times; {len(out)} chunk(s) were not counted")
    except KeyboardInterrupt:
        watch.status = RunStatus.INTERRUPTED
    finally:
        save(waiting(), total, force=True)
    return total


class _Pool:
    """Forked local worker processes that inherit the traversal and the frontier (only chunks of
    indices travel to them; counts, and leaves as arrays, come back)."""

    died: tuple[type[BaseException], ...] = (BrokenProcessPool,)

    def __init__(self, traversal: Traversal, frontier: list, workers: int):
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=_share,
                                        initargs=(traversal, frontier))

    def results(self, frontier: list, chunks: list[list[int]]) -> Iterator[tuple]:
        return self.pool.map(_descend_in_worker, chunks)  # the workers forked with the frontier

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


_SHARED: tuple = ()


def _share(traversal: Traversal, frontier: list) -> None:
    global _SHARED
    _SHARED = traversal, frontier


def _descend_in_worker(indices: list[int]) -> tuple[int, list[int], dict | None]:
    traversal, frontier = _SHARED
    return _refined(traversal, [frontier[i] for i in indices])


def _refined(traversal: Traversal, entries: list) -> tuple[int, list[int], dict | None]:
    """A chunk's ``(regions, per-layer counts, leaves' payload or None)``."""
    per_layer = [0] * len(traversal.network.layers)
    if traversal.leaves is not None:
        traversal.leaves = traversal.sink()
    found = traversal.descend(list(reversed(entries)), per_layer)
    return found, per_layer, None if traversal.leaves is None else traversal.leaves.payload()


class _Cluster:
    """A Dask distributed cluster (``scheduler`` like ``tcp://HOST:PORT``), checked first
    (:func:`analyzer.cluster.check_scheduler`: reachable, with workers). The problem is sent to
    every worker once; each builds its own :class:`Traversal`, and chunks of entries travel."""

    def __init__(self, scheduler: str, traversal: Traversal):
        from distributed import Client, KilledWorker

        from analyzer.cluster import check_scheduler
        self.workers = check_scheduler(scheduler)
        self.died = (KilledWorker,)
        self.client = Client(scheduler, set_as_default=False)
        self.problem = self.client.scatter(
            (traversal.network, traversal.domain, traversal.exact, traversal.regions), broadcast=True)

    def results(self, frontier: list, chunks: list[list[int]]) -> Iterator[tuple]:
        futures = [self.client.submit(_descend_on_dask, self.problem, [frontier[i] for i in chunk], pure=False)
                   for chunk in chunks]
        return (future.result() for future in futures)

    def close(self) -> None:
        self.client.close()


_ON_WORKER: dict[int, Any] = {}


def _descend_on_dask(problem, entries: list) -> tuple[int, list[int], dict | None]:
    """A Dask task: the worker keeps one traversal per problem it has seen."""
    key = id(problem)
    if key not in _ON_WORKER:
        _ON_WORKER.clear()
        _ON_WORKER[key] = problem, Traversal(*problem)
    return _refined(_ON_WORKER[key][1], entries)
