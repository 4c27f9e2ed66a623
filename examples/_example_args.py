"""The command line every example shares: --fast (tiny sizes, for the test suite) and --out DIR."""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path


def example_arguments(doc: str, name: str, argv: list[str] | None = None,
                      extra=None) -> tuple[argparse.Namespace, Path]:
    """Parse the shared options (plus any ``extra(parser)`` adds); return them and the output folder."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="tiny sizes (for the test suite)")
    parser.add_argument("--out", default=None, help="folder for figures and tables (default: a new temporary folder)")
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix=f"regionscope-{name}-"))
    out.mkdir(parents=True, exist_ok=True)
    return args, out
