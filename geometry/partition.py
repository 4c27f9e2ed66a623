"""Splitting a full-dimensional polyhedron into open convex pieces, exactly.

A region is given by forms ``F`` and a point ``p`` with every ``f(p) > 0`` (so ``int R = {F > 0}``).
A candidate piece is a list of forms ``G``, the open set ``{G > 0}``. The piece *meets* the region
when ``{F > 0, G > 0}`` is nonempty, i.e. when ``R ∩ closure{G > 0}`` is full-dimensional. When the
candidates' closures cover R (the sides of a hyperplane, the argmax cells of a maxout unit), the
pieces that meet R are exactly the full-dimensional parts of R, each returned with an exact witness
point strictly inside it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from geometry.exact import AffineForm, HomogeneousPoint, is_strictly_inside
from geometry.lp import solve_strict


def meeting_pieces(
    forms: Sequence[AffineForm],
    point: HomogeneousPoint,
    pieces: Sequence[Sequence[AffineForm]],
    dim: int,
    *,
    exact: bool = False,
) -> list[tuple[int, HomogeneousPoint]]:
    """``(index, witness)`` for each candidate piece that meets the region's interior.

    The region's own point is the witness wherever it lies strictly inside a piece (no LP); every
    other piece costs one certified LP (:func:`geometry.lp.solve_strict`).
    """
    found = []
    for index, piece in enumerate(pieces):
        if is_strictly_inside(piece, point):
            found.append((index, point))
            continue
        witness = solve_strict([*forms, *piece], dim, exact=exact).point
        if witness is not None:
            found.append((index, witness))
    return found


Shape = TypeVar("Shape")


def clipped_pieces(shape: Shape, pieces: Sequence[Sequence[AffineForm]],
                   clip: Callable[[Shape, AffineForm], Shape | None]) -> list[tuple[int, Shape]]:
    """For an exact shape (interval, polygon) and ``clip(shape, form)`` returning the part where the
    form is >= 0 or None when that part has no interior: ``(index, part)`` for each candidate piece
    ``{forms >= 0}`` that meets the shape in an open set."""
    found: list[tuple[int, Shape]] = []
    for index, forms in enumerate(pieces):
        part: Shape | None = shape
        for f in forms:
            if part is None:
                break
            part = clip(part, f)
        if part is not None:
            found.append((index, part))
    return found
