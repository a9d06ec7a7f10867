"""Shortest-path kernels on CSR graphs, compiled with numba (see :mod:`analysis.routing.api`)."""

from analysis.routing.api import (
    NearestWorkspace,
    TopTwo,
    add_source,
    bounded_from,
    move_source,
    multi_source,
    nearest_add_source,
    nearest_move_source,
    nearest_remove_source,
    remove_source,
    two_nearest,
)

__all__ = [
    "NearestWorkspace",
    "TopTwo",
    "add_source",
    "bounded_from",
    "move_source",
    "multi_source",
    "nearest_add_source",
    "nearest_move_source",
    "nearest_remove_source",
    "remove_source",
    "two_nearest",
]
