"""Make the shared test helpers (tests/reference.py, tests/catalogue.py) importable from every test file."""
import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
