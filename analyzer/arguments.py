"""The ``regionscope`` command's argument parser and argument types.

Each type reads one option's text or rejects it, naming the value, while the arguments are parsed:
before a model is read or any run starts. The parser prints every argument error on one line and
exits with code 2.
"""
from __future__ import annotations

import argparse
import os
import tempfile
from typing import NoReturn


class Parser(argparse.ArgumentParser):
    """argparse with its errors on one line (the usage is in --help)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def writable_file(text: str) -> str:
    """A file path whose folder exists and takes a new file (tried now, before any long run)."""
    folder = os.path.dirname(os.path.abspath(text))
    if os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text!r} is a folder, not a file name")
    if not os.path.isdir(folder):
        raise argparse.ArgumentTypeError(f"cannot write {text!r}: the folder {folder!r} does not exist")
    try:
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise argparse.ArgumentTypeError(f"cannot write {text!r}: the folder {folder!r} takes no new file "
                                         f"({exc.strerror})") from None
    return text


def architecture(text: str) -> list[int]:
    """``2-8-8-1``: input, hidden widths, output, each at least 1."""
    try:
        widths = [int(v) for v in text.split("-")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"cannot read architecture {text!r}: use integers joined by '-', "
                                         "e.g. 2-8-8-1") from None
    if len(widths) < 3 or min(widths) < 1:
        raise argparse.ArgumentTypeError(f"architecture {text!r} needs an input, at least one hidden width and an "
                                         "output, each at least 1")
    return widths
