"""Errors raised by analyzer/.

One root, :class:`AnalyzerError` (a ``ValueError``), with subclasses naming the outcome. Errors from
geometry/ (also ``ValueError`` subclasses) pass through unchanged.
"""
from __future__ import annotations


class AnalyzerError(ValueError):
    """Root of every error raised by analyzer/."""


class ShapeError(AnalyzerError):
    """Weights, biases, points or domains have shapes that do not fit together."""


class UnsupportedLayerError(AnalyzerError):
    """An activation, framework layer or file format the analyzer does not handle."""


class ModelFileError(AnalyzerError):
    """A model file cannot be read (missing, corrupt, or missing arrays)."""


class LimitError(AnalyzerError):
    """A budget or a number of workers that cannot be used (zero, negative, not finite)."""


class WorkerError(AnalyzerError):
    """Worker processes kept dying (a crash in C code, or killed), so part of a run was not done."""


class DomainError(AnalyzerError):
    """A domain specification is malformed."""


class PatternError(AnalyzerError):
    """An activation pattern that the network cannot have on the region it names."""


class SchedulerError(AnalyzerError):
    """A Dask scheduler that cannot be reached, or has no workers to run on."""


class FormulaTooLargeError(AnalyzerError):
    """A network has more regions than a formula is written for."""


class ParameterError(AnalyzerError):
    """A parametrised weight or parameter range that cannot be read (not a polynomial in the parameter)."""
