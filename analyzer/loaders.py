"""Reading and writing networks: npz, JSON, PyTorch and ONNX files -> :class:`Network`.

npz: arrays ``W1, b1, ..., WL, bL`` with ``Wl`` of shape ``(n_l, n_{l-1})``; hidden layers ReLU and
the last affine unless a string array ``activations`` (one entry per layer) says otherwise. Arrays may
be numeric (floats are read exactly) or strings such as ``"1/3"`` (how exact rationals are saved).

JSON: ``{"layers": [{"weights": [[...]], "bias": [...], "activation": "relu"}, ...]}`` with numbers
or rational strings.

PyTorch and ONNX files are read by :mod:`analyzer.framework_loaders` (imported only when needed),
``.nnet`` files by :mod:`analyzer.nnet` (the network on normalised inputs; see there).
"""
from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path

import numpy as np

from analyzer.errors import ModelFileError, UnsupportedLayerError
from analyzer.network import Network, layer, network
from analyzer.nnet import read_nnet


def default_activations(depth: int) -> list[str]:
    """ReLU on hidden layers, affine output."""
    return ["relu"] * (depth - 1) + ["identity"]


def load(path: str | Path, *, arch: str | None = None, input_shape: str | None = None) -> Network:
    """Read a network from an npz, JSON, PyTorch (.pt/.pth), ONNX or NNet file, chosen by extension."""
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"model file {str(path)!r} does not exist")
    if path.is_dir():
        raise ModelFileError(f"model {str(path)!r} is a folder, not a network file")
    suffix = path.suffix.lower()
    if suffix == ".npz":
        return load_npz(path)
    if suffix == ".json":
        return load_json(path)
    if suffix in (".pt", ".pth"):
        from analyzer.framework_loaders import load_torch
        return load_torch(path, arch=arch, input_shape=input_shape)
    if suffix == ".onnx":
        from analyzer.framework_loaders import load_onnx
        return load_onnx(path)
    if suffix == ".nnet":
        return read_nnet(path).network
    raise UnsupportedLayerError(f"unknown model format {suffix!r} of {str(path)!r}: "
                                "use .npz, .json, .pt/.pth, .onnx or .nnet")


def load_npz(path: str | Path) -> Network:
    return _built(npz_entries(path))


def load_json(path: str | Path) -> Network:
    return _built(json_entries(path))


def _built(entries: list[tuple[list, list, str]]) -> Network:
    return network([layer(W, b, act, index=i + 1) for i, (W, b, act) in enumerate(entries)])


def npz_entries(path: str | Path) -> list[tuple[list, list, str]]:
    """The layers of an npz file as ``(weight rows, bias, activation)``, entries not yet read as numbers."""
    try:
        with open(path, "rb") as file:
            is_zip = zipfile.is_zipfile(file)
        if is_zip:  # else np.load would read it as a pickle or a .npy file
            with np.load(path, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ModelFileError(f"cannot read npz file {str(path)!r}: {exc}") from None
    if not is_zip:
        raise ModelFileError(f"cannot read npz file {str(path)!r}: it is not a zip archive of .npy arrays "
                             "(truncated, corrupt or of another format)")
    if not arrays:
        raise ModelFileError(f"npz file {str(path)!r} is empty: a network needs arrays W1, b1, ..., WL, bL")
    depth = 0
    while f"W{depth + 1}" in arrays:
        depth += 1
    if depth == 0:
        raise ModelFileError(f"{str(path)!r} has no array W1 (expected W1, b1, ..., WL, bL)")
    missing = [f"b{i}" for i in range(1, depth + 1) if f"b{i}" not in arrays]
    if missing:
        raise ModelFileError(f"{str(path)!r} lacks bias arrays {', '.join(missing)}")
    activations = [str(a) for a in arrays["activations"]] if "activations" in arrays else default_activations(depth)
    if len(activations) != depth:
        raise ModelFileError(f"{str(path)!r} has {depth} layers but {len(activations)} activations")
    entries = []
    for i in range(depth):
        W, b = arrays[f"W{i + 1}"], arrays[f"b{i + 1}"]
        if W.ndim != 2 or b.ndim != 1:
            raise ModelFileError(f"W{i + 1} must be 2-D and b{i + 1} 1-D, got shapes {W.shape} and {b.shape}")
        entries.append((_entries(W), _entries(b), activations[i]))
    return entries


def _entries(array: np.ndarray) -> list:
    """Nested lists of Python numbers or strings (exactness is kept by the layer constructor)."""
    if array.dtype.kind in "US":
        return array.astype(str).tolist()
    if array.dtype.kind not in "iuf":
        raise ModelFileError(f"weights must be numbers or rational strings, got dtype {array.dtype}")
    return array.tolist()


def json_entries(path: str | Path) -> list[tuple[list, list, str]]:
    """The layers of a JSON file as ``(weight rows, bias, activation)``, entries not yet read as numbers."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"cannot read JSON network {str(path)!r}: {exc}") from None
    if not isinstance(data, dict):
        raise ModelFileError(f"{str(path)!r} holds a {type(data).__name__}, not a JSON network (an object with "
                             "a list 'layers')")
    if "layers" not in data:
        raise ModelFileError(f"{str(path)!r} is not a JSON network: it has no 'layers', only {sorted(data)}")
    specs = data["layers"]
    if not isinstance(specs, list) or not specs:
        raise ModelFileError(f"{str(path)!r}: 'layers' must be a nonempty list")
    depth = len(specs)
    entries = []
    for i, spec in enumerate(specs):
        if not isinstance(spec, dict):
            raise ModelFileError(f"{str(path)!r}: layer {i + 1} is {spec!r:.40}, not an object with 'weights' and "
                                 "'bias'")
        try:
            entries.append((spec["weights"], spec["bias"], spec.get("activation", default_activations(depth)[i])))
        except (KeyError, AttributeError, TypeError) as exc:
            raise ModelFileError(f"{str(path)!r}: layer {i + 1} needs 'weights' and 'bias' ({exc})") from None
    return entries


def to_json_dict(net: Network) -> dict:
    """The JSON form of a network, rationals as strings ("p/q")."""
    return {"layers": [
        {"weights": [[str(v) for v in row] for row in lay.weights],
         "bias": [str(v) for v in lay.bias],
         "activation": str(lay.activation)}
        for lay in net.layers]}


def save_json(net: Network, path: str | Path) -> None:
    Path(path).write_text(json.dumps(to_json_dict(net), indent=1) + "\n")


def save_npz(net: Network, path: str | Path) -> Path:
    """npz with rational strings, so that any exact weights survive the round trip. Returns the path
    written: numpy adds ``.npz`` to a name that does not end with it."""
    arrays = {}
    for i, lay in enumerate(net.layers, start=1):
        arrays[f"W{i}"] = np.array([[str(v) for v in row] for row in lay.weights])
        arrays[f"b{i}"] = np.array([str(v) for v in lay.bias])
    arrays["activations"] = np.array([str(lay.activation) for lay in net.layers])
    path = Path(path)
    written = path if path.suffix == ".npz" else path.with_name(path.name + ".npz")
    np.savez(written, **arrays)  # type: ignore[arg-type]  # stub: a **dict could also fill allow_pickle
    return written
