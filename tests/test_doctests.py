"""The examples in the docstrings of the public functions and in docs/*.md run, and print what they show;
the API reference lists every module.

Each listed module must keep at least one example; docs pages are run as text files (their ``>>>``
lines). The front door ``analyzer`` has its own test (tests/analyzer/test_api.py).
"""
from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import analyzer
import geometry

DOCS = Path(__file__).resolve().parents[1] / "docs"
MODULES = ["analyzer.network", "analyzer.activations", "analyzer.domain", "analyzer.constructions", "analyzer.geojson",
           "geometry.exact", "geometry.arrangement", "geometry.polyhedron"]
PAGES = sorted(p.name for p in DOCS.glob("*.md") if ">>>" in p.read_text())
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=FLAGS)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0


def test_the_pages_with_examples_are_found():
    assert {"design.md", "formats.md"} <= set(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_docs_page_examples(page):
    result = doctest.testfile(str(DOCS / page), module_relative=False, optionflags=FLAGS)
    assert result.attempted > 0 and result.failed == 0


def test_every_module_is_in_the_api_reference():
    """docs/api.md names every module of geometry/ and analyzer/ (the command is docs/cli.md's)."""
    listed = set((DOCS / "api.md").read_text().split())
    missing = [f"{package.__name__}.{m.name}" for package in (geometry, analyzer)
               for m in pkgutil.iter_modules(package.__path__)
               if f"{package.__name__}.{m.name}" not in listed and m.name != "cli"]
    assert not missing, f"add to docs/api.md: {missing}"
