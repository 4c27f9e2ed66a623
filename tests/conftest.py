"""Make the shared test helpers (tests/reference.py, tests/arrangement_cases.py) importable from every
test file, and hold the fixtures several test files use. The helpers go first on sys.path, so their
names must not be those of installed packages (the arrangement cases were once ``catalogue``, which
shadowed the PyPI package of that name)."""
import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)


@pytest.fixture
def fallbacks(monkeypatch):
    """The depths of the subtrees the float path handed to the exact engine during the test."""
    from analyzer import filtered
    calls = []
    original = filtered.FilteredCount._exact_node

    def spy(self, depth, *where):
        calls.append(depth)
        return original(self, depth, *where)
    monkeypatch.setattr(filtered.FilteredCount, "_exact_node", spy)
    return calls
