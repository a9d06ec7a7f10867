"""Small geometry helpers for the synthetic region generators (no I/O, no randomness of their own).

Everything here works on plain numpy coordinate arrays in metres (EPSG:3006) so that the
generator controls rounding exactly: the routing engine joins roads only where they share an
exact vertex coordinate, so junctions must be built, never left to floating-point luck.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from shapely.geometry import Polygon


@dataclass(frozen=True)
class WaveField:
    """A smooth random scalar field: a sum of plane waves with random direction and phase.

    Values have mean 0 and standard deviation about 1.  Used for hills, boundary wiggles and
    anything else that should vary smoothly in space.
    """

    kx: np.ndarray
    ky: np.ndarray
    phase: np.ndarray
    amplitude: np.ndarray

    @classmethod
    def random(
        cls,
        rng: np.random.Generator,
        n_waves: int,
        min_wavelength_m: float,
        max_wavelength_m: float,
    ) -> WaveField:
        """Draw a field whose wavelengths lie between the two limits (log-uniform)."""
        wavelength = np.exp(
            rng.uniform(np.log(min_wavelength_m), np.log(max_wavelength_m), n_waves)
        )
        angle = rng.uniform(0.0, np.pi, n_waves)
        wavenumber = 2.0 * np.pi / wavelength
        amplitude = wavelength / max_wavelength_m
        amplitude = amplitude / np.sqrt(np.sum(amplitude**2) / 2.0)
        return cls(
            kx=wavenumber * np.cos(angle),
            ky=wavenumber * np.sin(angle),
            phase=rng.uniform(0.0, 2.0 * np.pi, n_waves),
            amplitude=amplitude,
        )

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Evaluate the field at the points ``(x, y)`` (any matching shapes)."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        out = np.zeros(np.broadcast(x, y).shape)
        for kx, ky, phase, amplitude in zip(
            self.kx, self.ky, self.phase, self.amplitude, strict=True
        ):
            out += amplitude * np.cos(kx * x + ky * y + phase)
        return out


def blob(
    rng: np.random.Generator,
    centre: tuple[float, float],
    semi_major_m: float,
    semi_minor_m: float,
    angle_rad: float,
    roughness: float = 0.18,
    n_vertices: int = 64,
) -> Polygon:
    """Return an irregular, star-shaped (hence valid) polygon around ``centre``.

    An ellipse whose radius is modulated by a few random harmonics (``roughness`` is their
    relative size) plus a little per-vertex jitter.
    """
    t = np.linspace(0.0, 2.0 * np.pi, n_vertices, endpoint=False)
    radius = (
        semi_major_m
        * semi_minor_m
        / np.sqrt((semi_minor_m * np.cos(t)) ** 2 + (semi_major_m * np.sin(t)) ** 2)
    )
    modulation = np.ones_like(t)
    for k in range(2, 7):
        modulation += rng.normal(0.0, roughness / k**0.8) * np.cos(k * t + rng.uniform(0, 6.3))
    modulation += rng.normal(0.0, roughness / 12.0, n_vertices)
    radius = radius * np.clip(modulation, 0.35, None)
    u = radius * np.cos(t)
    v = radius * np.sin(t)
    x = centre[0] + u * np.cos(angle_rad) - v * np.sin(angle_rad)
    y = centre[1] + u * np.sin(angle_rad) + v * np.cos(angle_rad)
    return Polygon(np.round(np.column_stack([x, y]), 1))


def chaikin(coords: np.ndarray, iterations: int) -> np.ndarray:
    """Smooth a polyline by Chaikin corner cutting, keeping both end points exactly."""
    out = np.asarray(coords, dtype=float)
    for _ in range(iterations):
        if len(out) < 3:
            return out
        q = 0.75 * out[:-1] + 0.25 * out[1:]
        r = 0.25 * out[:-1] + 0.75 * out[1:]
        middle = np.empty((2 * (len(out) - 1), 2))
        middle[0::2] = q
        middle[1::2] = r
        out = np.vstack([out[:1], middle[1:-1], out[-1:]])
    return out


def densify(coords: np.ndarray, max_segment_m: float) -> np.ndarray:
    """Insert vertices so that no segment is longer than ``max_segment_m``; keep existing ones."""
    coords = np.asarray(coords, dtype=float)
    pieces = [coords[:1]]
    for start, end in zip(coords[:-1], coords[1:], strict=True):
        length = float(np.hypot(*(end - start)))
        n = max(1, int(np.ceil(length / max_segment_m)))
        fractions = np.arange(1, n + 1)[:, None] / n
        pieces.append(start + fractions * (end - start))
    return np.vstack(pieces)


def clean(coords: np.ndarray, decimals: int = 0) -> np.ndarray:
    """Round coordinates and drop consecutive duplicates (zero-length segments)."""
    coords = np.round(np.asarray(coords, dtype=float), decimals)
    if len(coords) < 2:
        return coords
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = np.any(coords[1:] != coords[:-1], axis=1)
    return coords[keep]


def node_lines(lines: list[np.ndarray], decimals: int = 0) -> list[np.ndarray]:
    """Insert every mutual intersection point as a vertex of both lines.

    After this, two lines that cross share a vertex with an identical (rounded) coordinate, which
    is how the routing engine recognises a junction.  Lines must already be rounded to
    ``decimals``.  Self-intersections are ignored.
    """
    geoms = np.array([shapely.LineString(c) for c in lines], dtype=object)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    if len(left) == 0:
        return [np.asarray(c) for c in lines]
    crossings = shapely.intersection(geoms[left], geoms[right])
    coords, owner = shapely.get_coordinates(crossings, return_index=True)
    coords = np.round(coords, decimals)
    additions: dict[int, list[np.ndarray]] = defaultdict(list)
    for pair, point in zip(owner, coords, strict=True):
        additions[int(left[pair])].append(point)
        additions[int(right[pair])].append(point)
    out = [np.asarray(c) for c in lines]
    for index, points in additions.items():
        out[index] = _insert_vertices(out[index], np.unique(np.array(points), axis=0))
    return out


def _insert_vertices(coords: np.ndarray, points: np.ndarray) -> np.ndarray:
    existing = {(float(x), float(y)) for x, y in coords}
    new = np.array([p for p in points if (float(p[0]), float(p[1])) not in existing])
    if len(new) == 0:
        return coords
    line = shapely.LineString(coords)
    along_new = shapely.line_locate_point(line, shapely.points(new))
    along_old = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(coords, axis=0).T))])
    order_new = np.argsort(along_new, kind="stable")
    positions = np.searchsorted(along_old, along_new[order_new], side="right")
    positions = np.clip(positions, 1, len(coords) - 1)
    return np.insert(coords, positions, new[order_new], axis=0)


@dataclass(frozen=True)
class VertexGraph:
    """The graph the routing engine builds: unique vertex coordinates as nodes, segments as edges.

    Attributes
    ----------
    nodes
        ``(n, 2)`` unique vertex coordinates.
    edges
        ``(m, 2)`` node indices of consecutive vertex pairs.
    edge_line
        Index of the input line each edge comes from.
    """

    nodes: np.ndarray
    edges: np.ndarray
    edge_line: np.ndarray

    @classmethod
    def from_lines(cls, lines: list[np.ndarray]) -> VertexGraph:
        """Build the graph from rounded coordinate arrays."""
        if not lines:
            empty = np.zeros((0, 2))
            return cls(empty, np.zeros((0, 2), dtype=int), np.zeros(0, dtype=int))
        stacked = np.vstack(lines)
        lengths = np.array([len(c) for c in lines])
        nodes, inverse = np.unique(stacked, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        ends = np.cumsum(lengths)
        starts = ends - lengths
        first = np.concatenate([np.arange(s, e - 1) for s, e in zip(starts, ends, strict=True)])
        line_of = np.repeat(np.arange(len(lines)), lengths - 1)
        edges = np.column_stack([inverse[first], inverse[first + 1]])
        return cls(nodes, edges, line_of)

    def components(self, line_mask: np.ndarray | None = None) -> np.ndarray:
        """Return the component label of every node using only edges of lines in ``line_mask``."""
        edges = self.edges if line_mask is None else self.edges[line_mask[self.edge_line]]
        n = len(self.nodes)
        matrix = sparse.coo_matrix(
            (np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n)
        ).tocsr()
        _, labels = connected_components(matrix, directed=False)
        return np.asarray(labels)

    def node_index(self, points: np.ndarray) -> np.ndarray:
        """Return the index of the nearest node of each point."""
        from scipy.spatial import cKDTree

        _, index = cKDTree(self.nodes).query(np.asarray(points, dtype=float))
        return np.asarray(index)
