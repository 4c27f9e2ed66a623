"""Provenance of a count: what was counted, where, by which version, how, when.

A number that goes into a paper should say where it came from. :func:`provenance` returns a flat,
JSON-ready dict of strings and numbers:

* ``network_sha256``: SHA-256 of the network's exact JSON form (:func:`analyzer.loaders.to_json_dict`,
  serialised with ``json.dumps(..., sort_keys=True)``). Weights are exact rationals written as "p/q",
  so the hash names the exact network: the same weights given as 0.5, "1/2" or Fraction(1, 2) hash
  alike, and changing any weight, bias or activation changes it.
* ``architecture``: ``n0-n1-...-nL``.
* ``domain`` (its description, e.g. ``box:-1:1,-1:1``), ``domain_kind`` and ``domain_sha256`` (of the
  domain's exact forms and embedding: descriptions such as ``polytope:5 rows`` do not say everything).
* ``tool`` and ``version`` (``importlib.metadata.version("regionscope")``; ``"unknown"`` when the
  package is not installed).
* ``decided_by``: which arithmetic decided the regions (:class:`analyzer.regions.Path`): the
  certified float path (floats with proved error bounds, exact arithmetic where they could not
  decide), the exact engine (integer polygons and intervals, float LPs proved by exact
  certificates), or the exact engine with every LP in rational arithmetic. All give exact counts;
  this records the path taken. Without a run's path (``path=None``) it says only whether exact
  LPs were asked for.
* ``numbers`` (only when given; :func:`number_reading` of the model file): how the model's numbers
  were read (docs/formats.md, "Numbers"): ``"binary floats"`` (float entries, each its exact binary
  value: the JSON number 0.1 is 3602879701896397 / 2^55), ``"decimal strings"`` (string entries such
  as ``"0.1"`` or ``"1/3"``, read as written: 1/10, 1/3), ``"binary floats and decimal strings"``
  (both kinds in one file), or ``"integers"`` (nothing else, exact in either reading).
* ``seconds`` (wall time of the count, as measured by the caller) and ``date`` (UTC, ISO 8601).
* ``inputs`` (only when given): what the input coordinates are when they are not the model's raw
  inputs, e.g. the normalised inputs of a ``.nnet`` file.
* ``domain_source`` (only when given): the file the domain was read from and what of it was used,
  e.g. the input box of a ``.vnnlib`` property whose output constraints were ignored.
"""
from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone

from analyzer.domain import Domain
from analyzer.loaders import json_entries, npz_entries, to_json_dict
from analyzer.network import Network
from analyzer.regions import Path


def network_sha256(net: Network) -> str:
    """Hex SHA-256 of the network's exact JSON form (sorted keys)."""
    return hashlib.sha256(json.dumps(to_json_dict(net), sort_keys=True).encode()).hexdigest()


def domain_sha256(domain: Domain) -> str:
    """Hex SHA-256 of the domain's exact description: kind, input dimension, forms, origin and basis."""
    data = {
        "kind": domain.kind.value,
        "input_dim": domain.input_dim,
        "dim": domain.dim,
        "forms": [[str(v) for v in f] for f in domain.region.forms],
        "origin": None if domain.origin is None else [str(v) for v in domain.origin],
        "basis": None if domain.basis is None else [[str(v) for v in b] for b in domain.basis],
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def tool_version() -> str:
    """The installed regionscope version, or "unknown" when the distribution is not installed."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("regionscope")
    except PackageNotFoundError:
        return "unknown"


def number_reading(model: str | os.PathLike[str]) -> str:
    """How the numbers of a model file are read: ``"binary floats"``, ``"decimal strings"``, both
    (``"binary floats and decimal strings"``) or ``"integers"`` (see the module docstring). npz and
    JSON files say it entry by entry; ``.nnet`` files are decimal text, read as written; PyTorch and
    ONNX tensors are binary floats."""
    model = os.fspath(model)
    suffix = os.path.splitext(model)[1].lower()
    if suffix == ".nnet":
        return "decimal strings"
    if suffix not in (".npz", ".json"):
        return "binary floats"
    kinds: set[str] = set()

    def visit(entry) -> None:
        if isinstance(entry, list):
            for item in entry:
                visit(item)
        elif isinstance(entry, str):
            kinds.add("decimal strings")
        elif isinstance(entry, float):
            kinds.add("binary floats")
    for weights, bias, _ in (npz_entries(model) if suffix == ".npz" else json_entries(model)):
        visit([weights, bias])
    return " and ".join(sorted(kinds)) or "integers"


def provenance(network: Network, domain: Domain, exact: bool, seconds: float, *,
               inputs: str | None = None, domain_source: str | None = None, path: Path | None = None,
               numbers: str | None = None) -> dict:
    """Where a count came from (see the module docstring for each field)."""
    notes = {"inputs": inputs, "domain_source": domain_source, "numbers": numbers}
    return {
        "tool": "regionscope",
        "version": tool_version(),
        "network_sha256": network_sha256(network),
        "architecture": "-".join(str(n) for n in network.architecture),
        "domain": domain.description,
        "domain_kind": domain.kind.value,
        "domain_sha256": domain_sha256(domain),
        "decided_by": (path.value if path is not None else
                       Path.EXACT_LP.value if exact else "the default engine (certified float path where it applies)"),
        "seconds": round(float(seconds), 6),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
        **{k: v for k, v in notes.items() if v is not None},
    }
