"""analyzer/loaders.py (npz and JSON): round trips and malformed files."""
from __future__ import annotations

import json
import random
from fractions import Fraction as F

import numpy as np
import pytest

import naive
from analyzer.enumerate import enumerate_regions
from analyzer.errors import ModelFileError, ShapeError, UnsupportedLayerError
from analyzer.loaders import load, load_json, load_npz, save_json, save_npz


def sample_net():
    rng = random.Random(700)
    spec = naive.random_spec(rng, 2, [4, 6, 3, 2], ["relu", "maxout:2", "leaky_relu:1/7", "hardtanh"], rational=True)
    spec[0][0][0][0] = F(1, 3)  # not a binary fraction: must survive exactly
    return naive.build(spec)


def counts(net):
    rs = enumerate_regions(net)
    return rs.activation_regions, rs.linear_regions, rs.per_layer, [r.pattern for r in rs]


@pytest.mark.parametrize("suffix", ["npz", "json"])
def test_round_trip(tmp_path, suffix):
    net = sample_net()
    path = tmp_path / f"net.{suffix}"
    (save_npz if suffix == "npz" else save_json)(net, path)
    again = load(path)
    assert again == net  # exact weights, activations and shapes
    assert counts(again) == counts(net)


def test_npz_float_arrays_are_read_exactly(tmp_path):
    W1 = np.array([[0.1, -0.5], [1.0, 0.25]])
    b1 = np.array([0.3, 0.0])
    W2 = np.array([[1.0, 1.0]])
    b2 = np.array([0.0])
    path = tmp_path / "floats.npz"
    np.savez(path, W1=W1, b1=b1, W2=W2, b2=b2)
    net = load_npz(path)
    assert net.layers[0].weights[0] == (F(0.1), F(-1, 2))
    assert net.layers[0].bias[0] == F(0.3)
    assert [str(lay.activation) for lay in net.layers] == ["relu", "identity"]  # the default


def test_npz_missing_bias(tmp_path):
    path = tmp_path / "nobias.npz"
    np.savez(path, W1=np.ones((2, 2)), b1=np.zeros(2), W2=np.ones((1, 2)))
    with pytest.raises(ModelFileError, match="b2"):
        load_npz(path)


def test_npz_without_weights(tmp_path):
    path = tmp_path / "empty.npz"
    np.savez(path, x=np.zeros(2))
    with pytest.raises(ModelFileError, match="W1"):
        load(path)


def test_npz_shapes_that_do_not_fit(tmp_path):
    path = tmp_path / "shapes.npz"
    np.savez(path, W1=np.ones((3, 2)), b1=np.zeros(2))
    with pytest.raises(ShapeError, match="3 rows but bias has 2"):
        load(path)
    np.savez(path, W1=np.ones((3, 2)), b1=np.zeros(3), W2=np.ones((1, 2)), b2=np.zeros(1))
    with pytest.raises(ShapeError, match="takes 2 inputs"):
        load(path)
    np.savez(path, W1=np.ones(3), b1=np.zeros(3))
    with pytest.raises(ModelFileError, match="2-D"):
        load(path)


def test_npz_activation_list_of_the_wrong_length(tmp_path):
    path = tmp_path / "acts.npz"
    np.savez(path, W1=np.ones((2, 2)), b1=np.zeros(2), activations=np.array(["relu", "identity"]))
    with pytest.raises(ModelFileError, match="1 layers but 2 activations"):
        load(path)


def test_npz_nonfinite_weight(tmp_path):
    path = tmp_path / "nan.npz"
    np.savez(path, W1=np.array([[1.0, np.nan]]), b1=np.zeros(1))
    with pytest.raises(ValueError, match="not finite"):
        load(path)


def test_not_an_npz_file(tmp_path):
    path = tmp_path / "garbage.npz"
    path.write_bytes(b"not a zip file")
    with pytest.raises(ModelFileError, match="cannot read"):
        load(path)


def test_json_malformed(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(ModelFileError, match="cannot read"):
        load_json(path)
    path.write_text(json.dumps({"nets": []}))
    with pytest.raises(ModelFileError, match="layers"):
        load(path)
    path.write_text(json.dumps({"layers": [{"weights": [[1, 2]]}]}))
    with pytest.raises(ModelFileError, match="bias"):
        load(path)
    path.write_text(json.dumps({"layers": []}))
    with pytest.raises(ModelFileError, match="nonempty"):
        load(path)
    path.write_text('{"layers": [{"weights": [[1, NaN]], "bias": [0]}]}')
    with pytest.raises(ValueError, match="not finite"):
        load(path)
    path.write_text(json.dumps({"layers": [{"weights": [[1]], "bias": [0], "activation": "softplus"}]}))
    with pytest.raises(UnsupportedLayerError, match="softplus"):
        load(path)


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        load(tmp_path / "nowhere.npz")
    path = tmp_path / "net.txt"
    path.write_text("1 2 3")
    with pytest.raises(UnsupportedLayerError, match=r"\.txt"):
        load(path)


def test_bundled_example_loads():
    from pathlib import Path
    example = Path(__file__).resolve().parents[2] / "examples" / "networks" / "small_relu.json"
    net = load(example)
    assert net.input_dim == 2
    assert net.layers[0].bias[3] == F(1, 2)
