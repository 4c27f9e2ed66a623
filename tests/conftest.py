"""Make the shared test helpers (tests/reference.py, tests/arrangement_cases.py) importable from every
test file. They go first on sys.path, so their names must not be those of installed packages (the
arrangement cases were once ``catalogue``, which shadowed the PyPI package of that name)."""
import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
