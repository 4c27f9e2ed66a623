"""Budgets, progress and Ctrl-C for count_regions, on the certified float path and on the exact
engine's walk: a stopped count says so and keeps what it counted."""
import pytest

from analyzer.domain import box
from analyzer.enumerate import Budget, count_regions
from analyzer.network import he_initialised
from analyzer.regions import RunStatus

NET = he_initialised([2, 12, 12, 1], 1)
CASES = [(box([-1, -1], [1, 1]), False), (box([-1, -1], [1, 1]), True), (None, False)]  # float path, exact, R^2


@pytest.fixture(scope="module")
def totals():
    return {i: count_regions(NET, domain, exact=exact) for i, (domain, exact) in enumerate(CASES)}


@pytest.mark.parametrize("case", range(len(CASES)))
def test_a_complete_count_says_so(case, totals):
    assert totals[case].status is RunStatus.COMPLETE
    assert totals[case][0] > 40


@pytest.mark.parametrize("case", range(len(CASES)))
def test_region_budget(case, totals):
    domain, exact = CASES[case]
    total = totals[case][0]
    stopped = count_regions(NET, domain, exact=exact, budget=Budget(max_regions=total // 3))
    assert stopped.status is RunStatus.MAX_REGIONS
    assert total // 3 <= stopped[0] < total
    exactly = count_regions(NET, domain, exact=exact, budget=Budget(max_regions=total))
    assert exactly == totals[case] and exactly.status is RunStatus.COMPLETE  # nothing was left to count


@pytest.mark.parametrize("case", range(len(CASES)))
def test_time_limit_and_progress(case):
    domain, exact = CASES[case]
    assert count_regions(NET, domain, exact=exact, budget=Budget(seconds=0)).status is RunStatus.TIME_LIMIT
    seen, waiting = [], []

    def progress(found, frontier):
        seen.append(found)
        waiting.append(frontier)
    count_regions(he_initialised([2, 24, 24, 1], 2), domain, exact=exact, progress=progress)
    assert seen and seen == sorted(seen) and all(b - a >= 256 for a, b in zip(seen, seen[1:]))
    assert all(w >= 1 for w in waiting)  # reported while work remains: the entry about to be refined at least


@pytest.mark.parametrize("case", range(len(CASES)))
def test_ctrl_c_keeps_the_count_so_far(case, totals):
    domain, exact = CASES[case]

    def interrupt(found, waiting):
        raise KeyboardInterrupt
    big = he_initialised([2, 24, 24, 1], 2)
    full = count_regions(big, domain, exact=exact)
    stopped = count_regions(big, domain, exact=exact, progress=interrupt)
    assert stopped.status is RunStatus.INTERRUPTED
    assert 256 <= stopped[0] < full[0]


def test_budget_with_workers():
    domain = box([-1, -1], [1, 1])
    big = he_initialised([2, 24, 24, 1], 2)
    total = count_regions(big, domain)[0]
    stopped = count_regions(big, domain, workers=2, budget=Budget(max_regions=total // 4))
    assert stopped.status is RunStatus.MAX_REGIONS and total // 4 <= stopped[0] < total


def test_budget_inside_a_subtree_left_to_exact_arithmetic():
    """Zero biases: every first-layer line passes through the origin, so the whole count falls back
    to exact polygons at the root; the budget still stops it."""
    from analyzer.network import layer, network
    net = network([layer([[1, 0], [0, 1], [1, 1], [1, -1]], [0, 0, 0, 0], "relu"), layer([[1, 1, 1, 1]], [0], "identity")])
    assert count_regions(net, box([-1, -1], [1, 1])) == (8, (8,))  # four lines through a point: 8 sectors
    stopped = count_regions(net, box([-1, -1], [1, 1]), budget=Budget(max_regions=3))
    assert stopped[0] == 3 and stopped.status is RunStatus.MAX_REGIONS


@pytest.mark.parametrize("limits", [{"max_regions": -1}, {"max_regions": -3}, {"seconds": -1e-9}, {"seconds": -1.0},
                                    {"seconds": float("nan")}, {"seconds": float("inf")}])
def test_a_budget_that_cannot_be_used_is_refused(limits):
    from analyzer.errors import LimitError
    with pytest.raises(LimitError, match="budget"):
        Budget(**limits)


@pytest.mark.parametrize("workers", [0, -1, 1.5])
def test_a_number_of_workers_that_cannot_be_used_is_refused(workers):
    from analyzer.enumerate import enumerate_regions
    from analyzer.errors import LimitError
    from analyzer.network import he_initialised
    for run in (count_regions, enumerate_regions):
        with pytest.raises(LimitError, match="workers"):
            run(he_initialised([2, 4, 1], 0), box([-1, -1], [1, 1]), workers=workers)
