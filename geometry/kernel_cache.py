"""numba's on-disk cache for the kernels of ``geometry/``, invalidated by a change to any kernel file.

numba stamps a cached function with the hash of its own source file only. But a kernel that calls
a kernel of another file has that callee compiled into its own cached code (the polyhedron
kernels call :func:`geometry.kernels.sign_at`; the LP kernels call ``kernels._upper``), so an edit
of kernels.py alone would leave them running the old callee from the cache. Importing this module
(kernels.py does, before its first ``@njit(cache=True)``; the other kernel modules import kernels
first) stamps every cached function of ``geometry/`` with the hashes of all its ``*kernels.py``
files as well: editing any of them recompiles them all, once.

It wraps numba's source-file cache locators (``numba.core.caching.CacheImpl._locator_classes``, not
public API); if numba no longer has them, nothing is wrapped and numba's own stamps apply.
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from numba.core import caching

HERE = Path(__file__).resolve().parent


def kernel_sources_digest() -> str:
    """sha256 of the names and contents of ``geometry/*kernels.py``."""
    digest = hashlib.sha256()
    for path in sorted(HERE.glob("*kernels.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class _KernelStamp:
    """Mixed into numba's locators: the kernel files' digest joins the stamp of geometry's functions."""

    _py_file: str

    def get_source_stamp(self) -> Any:
        stamp = super().get_source_stamp()  # type: ignore[misc]
        if Path(self._py_file).resolve().parent == HERE:
            return stamp, kernel_sources_digest()
        return stamp


def _install() -> None:
    classes = getattr(getattr(caching, "CacheImpl", None), "_locator_classes", None)
    if not isinstance(classes, list):
        return
    wrapped = [getattr(caching, name, None) for name in ("UserProvidedCacheLocator", "InTreeCacheLocator",
                                                          "UserWideCacheLocator")]
    for i, cls in enumerate(classes):
        if cls in wrapped and cls is not None and not issubclass(cls, _KernelStamp):
            classes[i] = type(cls.__name__, (_KernelStamp, cls), {})


_install()
