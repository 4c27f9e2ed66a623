"""Checkpoints of long runs: stop a count (Ctrl-C, a budget, SIGTERM, even SIGKILL) and resume it.

A checkpoint holds the state of the float path's depth-first traversal at a moment between two
refinement steps: the unexplored stack (each entry is self-contained, see
:meth:`analyzer.filtered.FilteredCount.descend`), the number of regions found, the per-layer counts
and, for an enumeration, the leaves found so far. Resuming continues from that stack; since the
tree and the leaves it yields do not depend on the order of the traversal, the final counts (and
regions) are exactly those of an uninterrupted run.

The file starts with a line naming the format and a line with the run's digest (SHA-256 of the
network's and the domain's exact descriptions and of what is computed: a count or an
enumeration); the state follows as a Python pickle. Only resume checkpoints you wrote: loading a
pickle runs code it names. Files are written atomically (a temporary file in the same folder,
then a rename), so a run killed while saving leaves the previous checkpoint intact.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path

from analyzer.domain import Domain
from analyzer.errors import AnalyzerError
from analyzer.network import Network

FORMAT = b"regionscope-checkpoint/2\n"  # /2: the float stack holds the engine's hard-tanh states -1, 0, 1 (/1: 0, 1, 2)


class CheckpointError(AnalyzerError):
    """A checkpoint that cannot be written, read, or resumed for this run."""


def run_digest(network: Network, domain: Domain, task: str) -> str:
    """The digest a checkpoint carries: SHA-256 of the network's and domain's exact SHA-256s
    (:mod:`analyzer.provenance`) and of ``task`` (what is computed, e.g. ``count``)."""
    from analyzer.provenance import domain_sha256, network_sha256
    return hashlib.sha256(f"{network_sha256(network)} {domain_sha256(domain)} {task}".encode()).hexdigest()


class Checkpoint:
    """Where and how often a run saves its state: ``save`` writes at most every ``every``
    seconds unless forced. ``digest`` names the run (:func:`run_digest`)."""

    def __init__(self, path: str | Path, digest: str, every: float = 5.0):
        self.path, self.digest, self.every = Path(path), digest, every
        self.saved_at = time.monotonic()
        folder = self.path.resolve().parent
        if not folder.is_dir():
            raise CheckpointError(f"cannot write checkpoint {str(self.path)!r}: folder {str(folder)!r} does not exist")
        if not os.access(folder, os.W_OK):
            raise CheckpointError(f"cannot write checkpoint {str(self.path)!r}: folder {str(folder)!r} is not writable")

    def due(self) -> bool:
        return time.monotonic() - self.saved_at >= self.every

    def save(self, state: dict) -> None:
        """Write ``state`` atomically."""
        data = FORMAT + self.digest.encode() + b"\n" + pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        handle, temporary = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.resolve().parent)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.saved_at = time.monotonic()

    def load(self) -> dict:
        """The state saved for this run; one clear error when the file is missing, is not a
        checkpoint, or belongs to another network, domain or task."""
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise CheckpointError(f"cannot read checkpoint {str(self.path)!r}: {exc.strerror}") from None
        if not data.startswith(FORMAT):
            first = data.partition(b"\n")[0].decode(errors="replace")
            if first.startswith("regionscope-checkpoint/"):
                raise CheckpointError(f"checkpoint {str(self.path)!r} is in format {first!r}, written by another "
                                      f"version of regionscope; this one reads {FORMAT.decode().strip()!r}: "
                                      f"start the run again")
            raise CheckpointError(f"{str(self.path)!r} is not a regionscope checkpoint")
        digest, _, payload = data[len(FORMAT):].partition(b"\n")
        if digest.decode(errors="replace") != self.digest:
            raise CheckpointError(f"checkpoint {str(self.path)!r} was written for another network, domain or task "
                                  f"(digest {digest.decode(errors='replace')[:12]}..., this run {self.digest[:12]}...)")
        try:
            return pickle.loads(payload)
        except Exception:
            raise CheckpointError(f"checkpoint {str(self.path)!r} is truncated or corrupt") from None
