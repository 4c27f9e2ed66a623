"""The examples in the docstrings of the public functions and in docs/*.md run, and print what they show.

Each listed module must keep at least one example; docs pages are run as text files (their ``>>>``
lines). The front door ``analyzer`` has its own test (tests/analyzer/test_api.py).
"""
from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
MODULES = ["analyzer.network", "analyzer.domain", "analyzer.constructions", "analyzer.geojson", "geometry.exact",
           "geometry.arrangement", "geometry.polyhedron"]
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
