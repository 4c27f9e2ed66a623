"""Lean imports: the core loads without the optional and heavy packages, and ``regionscope --help``
loads no numerics at all.

Each check runs in a fresh interpreter, so modules imported by other tests do not count.
"""
from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import analyzer
import geometry

# Imported only where used: the optional extras (torch, onnx, dask, plot) and the packages
# that only some functions need (sympy for characteristic polynomials, networkx for graphs).
LAZY = ("torch", "onnx", "dask", "distributed", "matplotlib", "sympy", "networkx", "rich")
ROOT = Path(__file__).resolve().parents[1]


def core_modules() -> list[str]:
    names = []
    for package in (geometry, analyzer):
        names += [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    return sorted(names)


def loaded_after(code: str) -> set[str]:
    """Top-level names in sys.modules after running ``code`` in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in done.stdout.split()}


def test_every_module_is_found():
    assert {"analyzer.cli", "analyzer.enumerate", "analyzer.plot", "geometry.arrangement"} <= set(core_modules())


def test_every_module_imports_without_the_lazy_packages():
    imports = "; ".join(f"import {name}" for name in core_modules())
    loaded = loaded_after(imports)
    assert not loaded & set(LAZY), f"imported at load time: {sorted(loaded & set(LAZY))}"


def test_help_loads_no_numerics():
    """``regionscope --help`` parses arguments only: no numpy, numba, flint or cdd behind it."""
    loaded = loaded_after("import contextlib, io\nfrom analyzer import cli\n"
                          "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
                          "    cli.main(['--help'])")
    heavy = {"numpy", "numba", "flint", "cdd", *LAZY}
    assert not loaded & heavy, f"--help imported {sorted(loaded & heavy)}"
