"""Sphinx configuration of regionscope's documentation (built by ``make docs`` with -W)."""
from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent / "_ext")]
os.environ["COLUMNS"] = "100"  # argparse wraps the CLI help to this width

project = "regionscope"
release = version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
author = "the regionscope authors"
copyright = "the regionscope authors"

extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.mathjax", "myst_parser", "cli_help"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["dollarmath", "deflist"]
myst_heading_anchors = 3

autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
napoleon_numpy_docstring = True
napoleon_google_docstring = False
default_role = "code"  # `x` in a docstring is code, as ``x``

html_theme = "alabaster"
html_theme_options = {"description": "Exact linear-region counts of piecewise-linear networks", "fixed_sidebar": True}
html_static_path: list[str] = []

# Pages written elsewhere in the project join the table of contents once they exist (the toctree
# would otherwise name a missing document, which -W makes an error): after the line ``cli``.
OPTIONAL_PAGES = ["certificate"]


def _list_optional_pages(app, docname: str, source: list[str]) -> None:
    if docname == "index":
        present = [p for p in OPTIONAL_PAGES if (Path(app.srcdir) / f"{p}.md").exists()]
        source[0] = source[0].replace("\ncli\n", "\n" + "\n".join(["cli", *present]) + "\n", 1)


def setup(app):
    app.connect("source-read", _list_optional_pages)
