"""analyzer/framework_loaders.py without the frameworks: what a user without torch or onnx sees.

The framework tests themselves are test_framework_loaders_torch.py and test_framework_loaders_onnx.py,
each skipped only when its own framework is missing.
"""
from __future__ import annotations

import sys

import pytest

from analyzer.errors import ModelFileError, UnsupportedLayerError
from analyzer.loaders import load


def test_missing_model_file(tmp_path):
    for name in ("absent.pt", "absent.onnx"):
        with pytest.raises(ModelFileError, match="does not exist"):
            load(tmp_path / name)


@pytest.mark.parametrize("name,extra", [("model.pt", "torch"), ("model.onnx", "onnx")])
def test_a_missing_framework_names_its_extra(tmp_path, monkeypatch, name, extra):
    """A None entry in sys.modules makes ``import torch`` (or onnx) raise ImportError, as on a machine
    without it; the loader must say which extra to install, whatever the file holds."""
    monkeypatch.setitem(sys.modules, extra, None)
    path = tmp_path / name
    path.write_bytes(b"anything")
    with pytest.raises(UnsupportedLayerError, match=rf"pip install 'regionscope\[{extra}\]'"):
        load(path)
