"""The float path checked against the exact engine, for the float-path test files."""
from analyzer import filtered
from analyzer.enumerate import count_regions, enumerate_regions
from analyzer.leaves import DeferredRegions
from analyzer.network import forward


def assert_same_as_exact(net, domain):
    """Counts and RegionSets of the float path equal the exact engine's (exact LPs): patterns,
    per-layer counts, output maps, linear and bounded counts; every region's exact point (in the
    domain's parameters) has its pattern. Returns the float path's RegionSet."""
    assert filtered.applies(net, domain)
    counts = count_regions(net, domain)
    assert counts == count_regions(net, domain, exact=True)
    fast, exact = enumerate_regions(net, domain), enumerate_regions(net, domain, exact=True)
    assert isinstance(fast.regions, DeferredRegions)  # the float path was taken
    assert [r.pattern for r in fast] == [r.pattern for r in exact]
    assert (fast.activation_regions, fast.per_layer) == tuple(counts)
    assert fast.per_layer == exact.per_layer
    assert [r.output_map for r in fast] == [r.output_map for r in exact]
    assert fast.linear_region_labels == exact.linear_region_labels
    assert fast.bounded_regions == exact.bounded_regions
    for region in fast:
        assert forward(net, domain.embed(region.point))[1] == region.pattern
    return fast
