"""Errors raised by geometry/.

One root, :class:`GeometryError` (a ``ValueError``: every error here is about the input), and
subclasses that name the outcome. Messages state the violated condition with its numbers.
"""
from __future__ import annotations


class GeometryError(ValueError):
    """Root of every error raised by geometry/."""


class NonFiniteError(GeometryError):
    """A coefficient is NaN or infinite, so it names no rational number."""


class NotANumberError(GeometryError):
    """A coefficient cannot be read as an exact rational number."""


class DimensionMismatchError(GeometryError):
    """Objects of different ambient dimensions were combined."""


class EmptyDomainError(GeometryError):
    """A domain that must be full-dimensional is empty or lies in a lower-dimensional subspace."""


class UnboundedError(GeometryError):
    """An operation that needs a bounded polyhedron (volume, vertices only) got an unbounded one."""


class CertificateError(GeometryError):
    """An exact certificate did not check. This signals a bug, never a property of the input."""
