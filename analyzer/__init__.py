"""regionscope's public API: ``import analyzer as rs``.

>>> import analyzer as rs
>>> net = rs.network([rs.layer([[1, 0], [0, 1]], [0, 0], "relu"), rs.layer([[1, 1]], [0], "identity")])
>>> rs.count_regions(net, rs.box([-1, -1], [1, 1]))
(4, (4,))

The names below are loaded on first use, so that ``import analyzer`` (and ``regionscope --help``)
does not pay for numba, sympy or the exact geometry until they are needed. ``analyzer.network`` is
the function :func:`analyzer.network.network`, although the module of that name exists too: import
the module's contents with ``from analyzer.network import ...``.
"""
from __future__ import annotations

import importlib
import sys
import types

_EXPORTS = {
    "count_regions": "analyzer.enumerate",
    "enumerate_regions": "analyzer.enumerate",
    "count_along_polyline": "analyzer.enumerate",
    "Budget": "analyzer.enumerate",
    "Counts": "analyzer.enumerate",
    "load": "analyzer.loaders",
    "save_json": "analyzer.loaders",
    "save_npz": "analyzer.loaders",
    "network": "analyzer.network",
    "layer": "analyzer.network",
    "forward": "analyzer.network",
    "he_initialised": "analyzer.network",
    "Network": "analyzer.network",
    "Layer": "analyzer.network",
    "Domain": "analyzer.domain",
    "all_space": "analyzer.domain",
    "box": "analyzer.domain",
    "ball": "analyzer.domain",
    "polytope": "analyzer.domain",
    "plane_slice": "analyzer.domain",
    "segment": "analyzer.domain",
    "parse_domain": "analyzer.domain",
    "Region": "analyzer.regions",
    "RegionSet": "analyzer.regions",
    "RunStatus": "analyzer.regions",
    "network_bounds": "analyzer.bounds",
    "architecture_bounds": "analyzer.bounds",
    "check": "analyzer.bounds",
    "write_certificate": "analyzer.certificate",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'analyzer' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _FrontDoor(types.ModuleType):
    """The package keeps its exported functions when a submodule of the same name is loaded (the
    import system would otherwise set the attribute ``network`` to the module)."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in _EXPORTS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _FrontDoor
