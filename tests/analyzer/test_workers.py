"""Refining subtrees in worker processes gives exactly the serial result."""
import pytest

from analyzer.domain import all_space, box, segment
from analyzer.enumerate import Budget, count_regions, enumerate_regions
from analyzer.network import he_initialised, layer, network


@pytest.mark.parametrize("arch, domain", [
    ([2, 8, 8, 1], None),                          # certified LPs over R^2
    ([2, 10, 10, 1], box([-1, -1], [1, 1])),       # exact polygons
    ([3, 5, 5, 1], box([-1, -1, -1], [1, 1, 1])),  # LPs in a box
    ([4, 6, 6, 1], segment([0, 0, 0, 0], [1, 2, -1, 3])),  # exact intervals
])
@pytest.mark.parametrize("workers", [2, 3])
def test_workers_change_nothing(arch, domain, workers):
    net = he_initialised(arch, 7)
    serial = enumerate_regions(net, domain)
    parallel = enumerate_regions(net, domain, workers=workers)
    assert [r.pattern for r in parallel] == [r.pattern for r in serial]
    assert [r.point for r in parallel] == [r.point for r in serial]
    assert parallel.per_layer == serial.per_layer
    assert parallel.linear_regions == serial.linear_regions


def test_workers_on_a_degenerate_net():
    """Duplicate, opposite and zero units with a hard-tanh layer: the same regions either way."""
    net = network([layer([[1, 0], [1, 0], [-1, 0], [0, 0], [1, 1]], [0, 0, 0, 1, -1], "relu"),
                   layer([[1, -1, 1, 0, 1], [0, 1, 0, 2, -1]], [0, "1/2"], "hardtanh"),
                   layer([[1, 1]], [0], "identity")])
    serial = enumerate_regions(net)
    assert [r.pattern for r in enumerate_regions(net, workers=2)] == [r.pattern for r in serial]


@pytest.fixture(scope="module")
def dask_scheduler():
    import distributed  # the dask extra, which `make test` installs
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    yield cluster.scheduler_address
    cluster.close()


@pytest.mark.parametrize("arch, domain", [([2, 8, 8, 1], None), ([2, 10, 10, 1], box([-1, -1], [1, 1]))])
def test_dask_cluster_changes_nothing(dask_scheduler, arch, domain):
    net = he_initialised(arch, 3)
    serial = enumerate_regions(net, domain)
    remote = enumerate_regions(net, domain, scheduler=dask_scheduler)
    assert [r.pattern for r in remote] == [r.pattern for r in serial]
    assert remote.per_layer == serial.per_layer


def _maxout_net():
    """Maxout:2 units of small random integer rows (ties and exact subtrees likely), then ReLU units."""
    import random
    rng = random.Random(5)

    def rows(n, m):
        return [[rng.randint(-4, 4) for _ in range(m)] for _ in range(n)]
    return network([layer(rows(24, 2), [rng.randint(-3, 3) for _ in range(24)], "maxout:2"),
                    layer(rows(6, 12), [rng.randint(-3, 3) for _ in range(6)], "relu"),
                    layer(rows(1, 6), [0], "identity")])


MAXOUT = _maxout_net()


@pytest.mark.parametrize("net, domain, exact", [
    (he_initialised([2, 16, 16, 1], 3), box([-1, -1], [1, 1]), False),  # certified float polygons
    (he_initialised([3, 6, 6, 1], 3), None, False),                      # simple polyhedra over R^3
    (he_initialised([2, 6, 6, 1], 3), None, True),                       # exact LPs
    (MAXOUT, box([-2, -2], [2, 2]), False),                              # maxout
])
def test_counts_on_a_dask_cluster_change_nothing(dask_scheduler, net, domain, exact):
    serial = count_regions(net, domain, exact=exact)
    remote = count_regions(net, domain, exact=exact, scheduler=dask_scheduler)
    assert remote == serial and remote.status is serial.status and remote.path is serial.path


def test_a_dask_run_stopped_and_resumed(dask_scheduler, tmp_path):
    net = he_initialised([2, 24, 24, 1], 5)
    full = count_regions(net, box([-1, -1], [1, 1]))
    path = tmp_path / "run.ckpt"
    part = count_regions(net, box([-1, -1], [1, 1]), scheduler=dask_scheduler, budget=Budget(max_regions=50),
                         checkpoint=path)
    assert part[0] < full[0]
    assert count_regions(net, box([-1, -1], [1, 1]), scheduler=dask_scheduler, checkpoint=path, resume=True) == full


def test_cli_runs_on_a_dask_cluster(dask_scheduler, capsys, tmp_path):
    """Over R^2 the first layer of 8 generic units has 37 regions, more than the 16 x 2 the serial
    part expands to, so the second layer really runs on the cluster."""
    import json

    from analyzer.cli import main
    from analyzer.loaders import save_json
    model = str(tmp_path / "net.json")
    save_json(he_initialised([2, 8, 8, 1], 3), model)
    assert main(["count", model, "--json"]) == 0
    serial = json.loads(capsys.readouterr().out)
    assert main(["count", model, "--json", "--scheduler", dask_scheduler]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert (remote["activation_regions"], remote["per_layer"]) == (serial["activation_regions"], serial["per_layer"])
    assert main(["count", model, "--json", "--count-only", "--scheduler", dask_scheduler]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert (remote["activation_regions"], remote["per_layer"]) == (serial["activation_regions"], serial["per_layer"])


def repeated_second_layer():
    """A generic first layer of 16 units, then a layer that repeats its units: the layer-1 pieces
    go to the workers, and below them floats cannot decide."""
    net = he_initialised([2, 16, 4, 1], 3)
    first, second, _ = net.layers
    twice = layer([*second.weights, *second.weights], [*second.bias, *second.bias], "relu")
    return network([first, twice, layer([[1] * 8], [0], "identity")])


@pytest.mark.parametrize("net, domain", [
    (he_initialised([2, 16, 16, 1], 3), box([-1, -1], [1, 1])),              # certified float polygons
    (he_initialised([5, 12, 12, 1], 3), segment([0] * 5, [1, 2, -1, 3, 1])),  # ... on a strip
    (repeated_second_layer(), box([-1, -1], [1, 1])),                        # exact fallbacks in the workers
    (he_initialised([3, 6, 6, 1], 3), None),                                  # simple polyhedra over R^3
    (he_initialised([4, 5, 5, 1], 3), None),                                  # LP regions over R^4
])
def test_counting_with_workers_changes_nothing(net, domain):
    serial = count_regions(net, domain)
    assert count_regions(net, domain, workers=2) == serial
    assert serial == count_regions(net, domain, exact=True)


FLAG = {}


def _dies_once(indices):
    """A worker that kills its process on its first chunk (as a crash in C code would), once per run."""
    import os
    from analyzer import traversal as engine
    flag = FLAG["path"]
    if not os.path.exists(flag):
        open(flag, "w").close()
        os._exit(134)
    return engine._real_descend_in_worker(indices)


@pytest.mark.parametrize("net, exact", [(he_initialised([2, 16, 16, 1], 3), False), (he_initialised([2, 10, 10, 1], 3), True),
                                        (MAXOUT, False)])
def test_a_dead_worker_is_replaced_and_its_chunks_counted_again(tmp_path, monkeypatch, net, exact):
    """On the float path and on the exact engine alike (one pool for both)."""
    from analyzer import traversal as engine
    expected = count_regions(net, box([-2, -2], [2, 2]), exact=exact)
    FLAG["path"] = str(tmp_path / "died")
    monkeypatch.setattr(engine, "_real_descend_in_worker", engine._descend_in_worker, raising=False)
    monkeypatch.setattr(engine, "_descend_in_worker", _dies_once)
    with pytest.warns(RuntimeWarning, match="worker process died"):
        got = count_regions(net, box([-2, -2], [2, 2]), exact=exact, workers=2)
    assert got == expected and got.status is expected.status


def test_a_scheduler_without_workers_is_one_clear_error_from_python_too():
    """The scheduler is checked before any work is sent (a scheduler with no workers would accept
    the chunks and never return them)."""
    import distributed

    from analyzer.errors import SchedulerError
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as empty:
        with pytest.raises(SchedulerError, match="no workers"):
            count_regions(he_initialised([2, 16, 16, 1], 3), box([-1, -1], [1, 1]), scheduler=empty.scheduler_address)


@pytest.mark.parametrize("net, domain, exact", [
    (he_initialised([2, 10, 10, 1], 3), box([-1, -1], [1, 1]), False),
    (he_initialised([3, 5, 5, 1], 2), all_space(3), False),
    (MAXOUT, box([-2, -2], [2, 2]), False),       # maxout
    (he_initialised([2, 6, 6, 1], 1), all_space(2), True),
])
def test_certificate_bytes_on_a_dask_cluster_and_with_workers(dask_scheduler, net, domain, exact):
    """Issue 14 item 4: the certificate of a run on Dask or with 3 workers is byte for byte the
    certificate of a serial run, on the float path and on the exact engine."""
    import json

    from analyzer.certificate import build_certificate

    def certificate(**options):
        return json.dumps(build_certificate(net, domain, enumerate_regions(net, domain, exact=exact, **options)))
    serial = certificate()
    assert certificate(scheduler=dask_scheduler) == serial
    assert certificate(workers=3) == serial
