"""Generator of *Exempelbygd*, the invented demo municipality that Servicekartan ships with.

Exempelbygd looks and behaves like a sparsely populated inland municipality in northern Sweden:
about 5,000 km², about 18,000 residents, a central town on a river, three larger villages, a
score of small villages and farmsteads along the roads.  Everything is invented; nothing
describes real people or places.  ``docs/DATA_MODEL.md`` ("Exempelbygd – fiktiva demodata")
describes the method for people.

Run ``python -m geodata.exempelbygd [--out DIR] [--force] [--seed N]`` to write the region
package (default ``geodata/regions/exempelbygd/``).  The output depends only on the seed: every
random draw comes from one :func:`numpy.random.default_rng` stream, consumed in a fixed order.

Every parameter of the municipality (where it is, how large, its places, rivers, lakes and road
links, site-plan roles, vertex spacing, id prefixes ...) is in :data:`EXEMPELBYGD`, a frozen
:class:`MunicipalitySpec`; :func:`generate_municipality` runs the pipeline below on any spec.
:mod:`geodata.exempellan` builds a county of five municipalities from variations of it.

How it works, in the order the code runs:

1. Landscape.  A valley axis through (E 480 000, N 6 900 000) running WNW-ESE; an irregular
   star-shaped boundary scaled to exactly 5,000 km²; a meandering main river along the axis
   with four tributaries; river lakes on the river and forest lakes scattered elsewhere.
2. Localities.  The town, three villages and the small villages are placed in the valley, on the
   tributaries and inland, before the lakes (lakes keep away from them).
3. Roads.  A least-cost-path model on a 300 m raster (cheap in the valley, dear on hills, a
   bridge penalty on rivers, impassable in and near lakes): the national road joins the town and
   two villages along the valley; county, local and gravel roads are grown as a tree from the
   existing network to their targets (a multi-source Dijkstra), which gives realistic dead ends
   and long detours around lakes.  A few loops are added.  Raster paths are smoothed (Chaikin),
   densified, rounded to whole metres and split at junctions; street grids are laid out in the
   town and the villages, lanes in small villages, and a few walking/cycling paths.  Finally
   every crossing is inserted as a shared vertex and only the connected car network is kept.
4. Population.  SCB-style 250 m cells: a distance-decay distribution around each locality centre
   (only cells near a road), then dispersed farmsteads along the roads until the total is
   18,000.  Locality polygons are drawn around their cells; a cell belongs to the locality whose
   polygon contains its centre, otherwise to ``glesbygd``.  Ages follow a rural inland profile.
5. Sites and services from a fixed plan per locality, and a few hundred registered needs drawn
   where services are far away.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy import sparse
from scipy.ndimage import distance_transform_edt
from scipy.sparse.csgraph import dijkstra
from shapely import affinity
from shapely.geometry import LineString, Point, Polygon

from analysis import settings
from analysis.io import RegionInfo
from analysis.model import scb_cell_id
from geodata import _hours
from geodata._package import DemoRegion
from geodata._shapes import (
    VertexGraph,
    WaveField,
    blob,
    chaikin,
    clean,
    densify,
    node_lines,
)
from geodata.grid import aggregate_cells, cell_polygons

__all__ = [
    "DEFAULT_SEED",
    "DEMO",
    "EXEMPELBYGD",
    "GENERATOR_VERSION",
    "Along",
    "Inland",
    "LocalitySpec",
    "MunicipalitySpec",
    "RiverLake",
    "RoadLink",
    "Tributary",
    "Valley",
    "aggregate_cells",
    "build",
    "generate",
    "generate_municipality",
    "main",
    "outline",
    "road_layer",
]

#: Seed of the shipped demo region.
DEFAULT_SEED: Final = 20261127
#: Bumped whenever the output of :func:`generate` changes; stored in the package description.
GENERATOR_VERSION: Final = "2"
#: Region id and display name.
REGION_ID: Final = "exempelbygd"
REGION_NAME: Final = "Exempelbygd"

# --- Sizes and places -----------------------------------------------------------------------------
#: Centre of the valley axis, SWEREF 99 TM metres (inland Västerbotten/Jämtland latitudes).
ORIGIN: Final = (480_000.0, 6_900_000.0)
#: Direction of the valley axis, degrees counter-clockwise from east (WNW -> ESE).
AXIS_DEG: Final = -32.0
#: Area of the municipality, km².
AREA_KM2: Final = 5_000.0
#: Semi-axes of the ellipse the boundary is drawn around, metres (along and across the valley).
BOUNDARY_SEMI_AXES_M: Final = (52_000.0, 31_000.0)
#: Total number of residents.
TOTAL_POPULATION: Final = 18_000
#: Side of the population grid cells, metres (SCB's finest published grid).
CELL_M: Final = 250
#: Smallest distance between two locality centres, metres.
MIN_LOCALITY_GAP_M: Final = 5_000.0
#: Side of the road-planning raster, metres.
RASTER_M: Final = 300.0
#: Distance from lake shores kept free of raster roads, metres.
LAKE_CLEARANCE_M: Final = 330.0
#: Maximum distance between road vertices by class, metres.
VERTEX_SPACING_M: Final[dict[str, float]] = {
    "national": 150.0,
    "county": 125.0,
    "local": 100.0,
    "gravel": 100.0,
    "street": 50.0,
    "path": 50.0,
}
#: Car speeds drawn per road (value, probability) by class, km/h; paths are not drivable (0).
SPEED_CHOICES_KMH: Final[dict[str, tuple[tuple[float, ...], tuple[float, ...]]]] = {
    "national": ((90.0,), (1.0,)),
    "county": ((70.0, 80.0), (0.4, 0.6)),
    "local": ((50.0, 60.0, 70.0), (0.25, 0.5, 0.25)),
    "gravel": ((30.0, 40.0, 50.0), (0.2, 0.6, 0.2)),
    "street": ((30.0, 40.0, 50.0), (0.35, 0.5, 0.15)),
    "path": ((0.0,), (1.0,)),
}
#: Number of gravel-road end points (forest roads) and farm hamlets that shape the network.
FOREST_TARGETS: Final = 900
HAMLET_TARGETS: Final = 160
#: Registered needs.
NEED_COUNT: Final = 320
#: Farmsteads lie at most this far from the road they are reached from, metres.
FARM_MAX_OFFSET_M: Final = 500.0
#: Fixed reference date for the needs (never "today": the output must be deterministic).
REFERENCE_DATE: Final = pd.Timestamp("2026-11-01T00:00:00Z")
#: Needs are created within this many days before the reference date (18 months).
NEED_WINDOW_DAYS: Final = 548

MUNICIPALITY: Final = "Exempelbygds kommun"
HEALTH_REGION: Final = "Region Exempelland"


# --- The parameters of one municipality -----------------------------------------------------------
@dataclass(frozen=True)
class Valley:
    """A place in the main valley: ``u_km`` along the axis, ``side_km`` beside the main river."""

    u_km: float
    side_km: float


@dataclass(frozen=True)
class Along:
    """A place beside a tributary: at ``fraction`` of its length, ``side_m`` to its left."""

    river: str
    fraction: float
    side_m: float


@dataclass(frozen=True)
class Inland:
    """A place away from the rivers: ``u_km`` along the valley axis, ``v_km`` across it."""

    u_km: float
    v_km: float


Place = Valley | Along | Inland


@dataclass(frozen=True)
class LocalitySpec:
    """A locality to place.

    Attributes
    ----------
    name
        Display name; the id is its slug.
    kind
        ``town``, ``village`` or ``small_village``.
    role
        Which part of the road plan and of the site plan (:func:`_site_plan`) it gets: ``town``,
        ``village_a`` (on the national road, beside a lake), ``village_b`` (on the national
        road), ``village_c``, or a small-village role (``small``, ``small_shop`` ...).
    place
        Where, in the valley frame (before jitter and the pull inside the boundary).
    population
        Residents: a number, a range ``[low, high)`` drawn from, or None for the small-village
        draw (60 + 360 × Beta(1.3, 2.4)).
    size
        Linear size factor: the radius over which residents are spread, their distance decay,
        the street grid and the area in which sites are placed scale with it.
    """

    name: str
    kind: str
    role: str
    place: Place
    population: int | tuple[int, int] | None = None
    size: float = 1.0


@dataclass(frozen=True)
class Tributary:
    """A tributary from its mouth on the main river (``mouth_u_m``) towards ``end_uv_m``."""

    name: str
    mouth_u_m: float
    end_uv_m: tuple[float, float]


@dataclass(frozen=True)
class RiverLake:
    """A lake on the main river at ``u_m`` along the axis."""

    name: str
    u_m: float
    semi_major_m: float
    semi_minor_m: float


@dataclass(frozen=True)
class RoadLink:
    """A county road grown from the network to one target (exactly one of the three)."""

    name: str
    to_locality: str = ""
    to_river_end: str = ""
    to_point: tuple[float, float] | None = None


@dataclass(frozen=True)
class MunicipalitySpec:
    """Everything the generator needs to know about one municipality.

    :data:`EXEMPELBYGD` is the demo municipality; :mod:`geodata.exempellan` builds a county of
    municipalities from variations of it.  Lengths are metres unless named otherwise; the
    layout (places, tributaries, river lakes) is given in the valley frame of Exempelbygd and
    stretched by ``layout_scale`` along and across the axis.
    """

    name: str
    municipality: str
    health_region: str
    origin: tuple[float, float]
    axis_deg: float
    total_population: int
    main_river: str
    national_road: str
    tributaries: tuple[Tributary, ...]
    river_lakes: tuple[RiverLake, ...]
    lake_names: tuple[str, ...]
    localities: tuple[LocalitySpec, ...]
    county_roads: tuple[RoadLink, ...]
    loops: tuple[tuple[str, str], ...]
    street_names: tuple[str, ...]
    #: A given boundary (then ``area_km2`` and ``boundary_semi_axes_m`` are not used).
    boundary: Polygon | None = None
    area_km2: float = AREA_KM2
    boundary_semi_axes_m: tuple[float, float] = BOUNDARY_SEMI_AXES_M
    layout_scale: tuple[float, float] = (1.0, 1.0)
    #: Factor on :data:`VERTEX_SPACING_M`.
    vertex_spacing_scale: float = 1.0
    forest_targets: int = FOREST_TARGETS
    hamlet_targets: int = HAMLET_TARGETS
    forest_lakes: int = 48
    #: Farm hamlets drawn along the roads, and the largest number of farms in one.
    farm_hamlets: int = 2_600
    farms_per_hamlet: int = 4
    farm_offset_m: float = FARM_MAX_OFFSET_M
    need_count: int = NEED_COUNT
    #: Names of town districts; a town gets one district per 2 500 residents beyond 7 000
    #: (Exempelbygd's town gets none), each with its own shops, school and preschools.
    district_names: tuple[str, ...] = ()
    #: Whether the town is the county seat (a hospital, the county library, a hypermarket).
    county_seat: bool = False
    #: Prefix of site and service ids, and of need ids (road ids are numbers).
    id_prefix: str = ""
    need_id_prefix: str = "demo-"


@dataclass(frozen=True)
class LocalityPlan:
    """Where a locality is and how many people it should get (before polygons are drawn)."""

    locality_id: str
    name: str
    kind: str
    centre: tuple[float, float]
    target_population: int
    radius_m: float
    decay_m: float
    role: str
    size: float = 1.0


@dataclass
class _Road:
    coords: np.ndarray
    road_class: str
    name: str


@dataclass(frozen=True)
class _Frame:
    """The valley frame: u along the axis, v across it, metres, around ``origin``."""

    origin: tuple[float, float]
    axis_deg: float

    @property
    def cos(self) -> float:
        return float(np.cos(np.deg2rad(self.axis_deg)))

    @property
    def sin(self) -> float:
        return float(np.sin(np.deg2rad(self.axis_deg)))

    def to_xy(self, u: np.ndarray | float, v: np.ndarray | float) -> np.ndarray:
        """Valley frame -> SWEREF 99 TM."""
        u = np.asarray(u, dtype=float)
        v = np.asarray(v, dtype=float)
        cos, sin = self.cos, self.sin
        x0, y0 = self.origin
        return np.stack([x0 + u * cos - v * sin, y0 + u * sin + v * cos], axis=-1)


@dataclass
class _State:
    """Everything generated so far (internal)."""

    rng: np.random.Generator
    spec: MunicipalitySpec
    boundary: Polygon | None = None
    rivers: list[tuple[str, LineString]] = field(default_factory=list)
    lakes: list[tuple[str, Polygon]] = field(default_factory=list)
    localities: list[LocalityPlan] = field(default_factory=list)
    roads: list[_Road] = field(default_factory=list)

    @property
    def frame(self) -> _Frame:
        return _Frame(self.spec.origin, self.spec.axis_deg)

    def to_xy(self, u: np.ndarray | float, v: np.ndarray | float) -> np.ndarray:
        """Valley frame (u along the axis, v across, metres) -> SWEREF 99 TM."""
        return self.frame.to_xy(u, v)

    def spacing(self, road_class: str) -> float:
        """Largest distance between the vertices of a road of ``road_class``, metres."""
        return VERTEX_SPACING_M[road_class] * self.spec.vertex_spacing_scale


# --- Names ----------------------------------------------------------------------------------------
def _slug(name: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "-"})
    return name.lower().translate(table)


def _road_name(place: str) -> str:
    """Swedish-looking road name after a place: Kallmyren -> Kallmyrvägen."""
    if place.endswith("en"):
        base = place[:-2]
    elif place.endswith(("ön", "ån", "än")):
        base = place[:-1]
    else:
        base = place
    return f"{base}vägen"


# --- 1. Landscape ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _River:
    amplitudes: tuple[float, float]
    wavelengths: tuple[float, float]
    phases: tuple[float, float]

    def v(self, u: np.ndarray | float) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        out = np.zeros_like(u)
        for a, w, p in zip(self.amplitudes, self.wavelengths, self.phases, strict=True):
            out = out + a * np.sin(2 * np.pi * u / w + p)
        return out


def outline(
    rng: np.random.Generator,
    origin: tuple[float, float],
    axis_deg: float,
    semi_axes_m: tuple[float, float],
    area_km2: float,
) -> Polygon:
    """Return an irregular, star-shaped outline around an ellipse, scaled to ``area_km2``.

    The ellipse (centred on ``origin``, its first semi-axis ``axis_deg`` counter-clockwise from
    east) has its radius modulated by random harmonics 2-8 and a little per-vertex noise;
    vertices are rounded to whole metres.  Exempelbygd's boundary and Exempellän's county
    outline are drawn this way.
    """
    frame = _Frame(origin, axis_deg)
    a, b = semi_axes_m
    t = np.linspace(0.0, 2.0 * np.pi, 144, endpoint=False)
    radius = a * b / np.sqrt((b * np.cos(t)) ** 2 + (a * np.sin(t)) ** 2)
    modulation = np.ones_like(t)
    for k in range(2, 9):
        modulation += rng.normal(0.0, 0.11 / k**0.6) * np.cos(k * t + rng.uniform(0, 2 * np.pi))
    modulation += rng.normal(0.0, 0.018, len(t))
    radius = radius * modulation
    polygon = Polygon(frame.to_xy(radius * np.cos(t), radius * np.sin(t)))
    scale = np.sqrt(area_km2 * 1e6 / polygon.area)
    polygon = Polygon(frame.to_xy(scale * radius * np.cos(t), scale * radius * np.sin(t)))
    return Polygon(np.round(np.asarray(polygon.exterior.coords), 0))


def _make_boundary(state: _State) -> None:
    spec = state.spec
    if spec.boundary is not None:
        state.boundary = spec.boundary
        return
    state.boundary = outline(
        state.rng, spec.origin, spec.axis_deg, spec.boundary_semi_axes_m, spec.area_km2
    )


def _make_rivers(state: _State) -> tuple[_River, dict[str, LineString]]:
    rng = state.rng
    spec = state.spec
    assert state.boundary is not None
    scale_u, scale_v = spec.layout_scale
    river = _River(
        amplitudes=(3_500.0, 1_000.0),
        wavelengths=(48_000.0, 14_000.0),
        phases=(float(rng.uniform(0, 2 * np.pi)), float(rng.uniform(0, 2 * np.pi))),
    )
    u = np.arange(-80_000.0 * scale_u, 80_001.0 * scale_u, 200.0)
    main = LineString(state.to_xy(u, river.v(u)))
    tributaries: dict[str, LineString] = {}
    for tributary in spec.tributaries:
        mouth_u = tributary.mouth_u_m * scale_u
        start = np.array([mouth_u, float(river.v(mouth_u))])
        end = np.array([tributary.end_uv_m[0] * scale_u, tributary.end_uv_m[1] * scale_v])
        s = np.linspace(0.0, 1.0, 240)
        direction = end - start
        normal = np.array([-direction[1], direction[0]]) / np.hypot(*direction)
        wiggle = (
            1_400.0 * np.sin(2 * np.pi * s * rng.uniform(2.0, 3.5) + rng.uniform(0, 6.3))
            + 400.0 * np.sin(2 * np.pi * s * rng.uniform(6.0, 9.0) + rng.uniform(0, 6.3))
        ) * np.sin(np.pi * s) ** 0.5
        uv = start + s[:, None] * direction + wiggle[:, None] * normal
        tributaries[tributary.name] = LineString(state.to_xy(uv[:, 0], uv[:, 1]))
    lines = {spec.main_river: main, **tributaries}
    for name, line in lines.items():
        clipped = line.intersection(state.boundary)
        for part in getattr(clipped, "geoms", [clipped]):
            if part.geom_type == "LineString" and part.length > 500:
                state.rivers.append((name, LineString(np.round(np.asarray(part.coords), 0))))
    return river, lines


def _inside(state: _State, xy: np.ndarray, margin_m: float) -> np.ndarray:
    """Move a point towards the origin until it lies ``margin_m`` inside the boundary."""
    assert state.boundary is not None
    inner = state.boundary.buffer(-margin_m)
    origin = np.asarray(state.spec.origin)
    point = np.asarray(xy, dtype=float)
    for _ in range(60):
        if inner.contains(Point(point)):
            return point
        point = origin + 0.95 * (point - origin)
    return point


#: Radius over which a locality's residents are spread and their distance decay, by kind (m).
_LOCALITY_SPREAD_M: Final[dict[str, tuple[float, float]]] = {
    "town": (2_300.0, 650.0),
    "village": (1_100.0, 380.0),
    "small_village": (650.0, 220.0),
}


def _make_localities(state: _State, river: _River, lines: dict[str, LineString]) -> None:
    rng = state.rng
    spec = state.spec
    scale_u, scale_v = spec.layout_scale

    def position(place: Place) -> np.ndarray:
        if isinstance(place, Valley):
            u = place.u_km * 1000.0 * scale_u
            return state.to_xy(u, float(river.v(u)) + place.side_km * 1000.0)
        if isinstance(place, Inland):
            return state.to_xy(place.u_km * 1000.0 * scale_u, place.v_km * 1000.0 * scale_v)
        line = lines[place.river]
        p = np.asarray(line.interpolate(place.fraction, normalized=True).coords[0])
        q = np.asarray(line.interpolate(min(place.fraction + 0.01, 1.0), normalized=True).coords[0])
        tangent = (q - p) / np.hypot(*(q - p))
        return p + place.side_m * np.array([-tangent[1], tangent[0]])

    # Residents: fixed, or drawn from a range (in order), then the small villages' draw.
    targets: list[int | None] = []
    for locality in spec.localities:
        population = locality.population
        if isinstance(population, tuple):
            targets.append(int(rng.integers(*population)))
        else:
            targets.append(population)
    drawn = sum(1 for target in targets if target is None)
    small_targets = iter(np.round(60.0 + 360.0 * rng.beta(1.3, 2.4, drawn)))
    for locality, target in zip(spec.localities, targets, strict=True):
        jitter = rng.normal(0.0, 150.0, 2) if locality.kind == "small_village" else np.zeros(2)
        centre = _inside(state, position(locality.place) + jitter, 3_000.0)
        # Keep localities apart: step away from the nearest one until far enough.
        for _ in range(30):
            placed = [np.asarray(p.centre) for p in state.localities]
            if not placed:
                break
            gaps = [float(np.hypot(*(centre - q))) for q in placed]
            nearest = int(np.argmin(gaps))
            if gaps[nearest] >= MIN_LOCALITY_GAP_M:
                break
            away = centre - placed[nearest]
            centre = _inside(state, centre + 800.0 * away / max(gaps[nearest], 1.0), 3_000.0)
        radius, decay = _LOCALITY_SPREAD_M[locality.kind]
        state.localities.append(
            LocalityPlan(
                locality_id=_slug(locality.name),
                name=locality.name,
                kind=locality.kind,
                centre=(float(round(centre[0])), float(round(centre[1]))),
                target_population=int(target if target is not None else next(small_targets)),
                radius_m=radius * locality.size,
                decay_m=decay * locality.size,
                role=locality.role,
                size=locality.size,
            )
        )


# fmt: off
#: Names of forest lakes, in the order they are placed (the rest stay unnamed).
_LAKE_NAMES: Final = (
    "Norrsjön", "Abborrtjärnen", "Lomsjön", "Örnsjön", "Rävsjön", "Björnsjön", "Hemsjön",
    "Mörttjärnen", "Kallsjön", "Djupsjön", "Svarttjärnen", "Gråsjön", "Storsjön", "Lillsjön",
    "Harrsjön", "Tjärnbotten", "Fisksjön", "Holmsjön",
)
# fmt: on


def _make_lakes(state: _State, river: _River) -> None:
    rng = state.rng
    spec = state.spec
    frame = state.frame
    assert state.boundary is not None
    keep_out = shapely.union_all(
        [
            Point(p.centre).buffer(p.radius_m + (1_500.0 if p.kind == "town" else 700.0))
            for p in state.localities
        ]
    )
    inner = state.boundary.buffer(-1_500.0)
    placed: list[Polygon] = []

    def accept(polygon: Polygon, clearance: float = 400.0) -> bool:
        if not inner.contains(polygon) or polygon.intersects(keep_out):
            return False
        return not any(polygon.distance(other) < clearance for other in placed)

    for lake in spec.river_lakes:
        u = lake.u_m * spec.layout_scale[0]
        semi_major = lake.semi_major_m
        centre = state.to_xy(u, float(river.v(u)))
        slope = (float(river.v(u + 500.0)) - float(river.v(u - 500.0))) / 1000.0
        angle = np.deg2rad(spec.axis_deg) + np.arctan(slope)
        for _ in range(20):
            polygon = blob(rng, (centre[0], centre[1]), semi_major, lake.semi_minor_m, angle, 0.12)
            if accept(polygon):
                placed.append(polygon)
                state.lakes.append((lake.name, polygon))
                break
            semi_major *= 0.9
    names = iter(spec.lake_names)
    # The first named lake lies just north of the village on the national road with role
    # village_a (Norrsjön and Norrsjövik in Exempelbygd), so the village sits at a lake.
    village_a = next((p for p in state.localities if p.role == "village_a"), None)
    north = np.array([-frame.sin, frame.cos])
    centre = np.asarray(village_a.centre if village_a else state.spec.origin) + 2_900.0 * north
    for _ in range(20 if village_a else 0):
        polygon = blob(
            rng,
            (float(centre[0]), float(centre[1])),
            1_800.0,
            700.0,
            np.deg2rad(spec.axis_deg),
            0.15,
        )
        if accept(polygon):
            placed.append(polygon)
            state.lakes.append((next(names, ""), polygon))
            break
        centre = centre + 200.0 * north
    river_zone = shapely.union_all([line for _, line in state.rivers]).buffer(600.0)
    minx, miny, maxx, maxy = state.boundary.bounds
    attempts = 0
    max_attempts = 800 * spec.forest_lakes // 48
    while len(placed) < spec.forest_lakes and attempts < max_attempts:
        attempts += 1
        spot = (float(rng.uniform(minx, maxx)), float(rng.uniform(miny, maxy)))
        semi_major = float(np.exp(rng.uniform(np.log(400.0), np.log(3_600.0))))
        semi_minor = semi_major * float(rng.uniform(0.3, 0.75))
        angle = np.deg2rad(spec.axis_deg + 90.0) + float(rng.normal(0.0, 0.35))
        polygon = blob(rng, spot, semi_major, semi_minor, angle, 0.2, 48)
        if polygon.intersects(river_zone) or not accept(polygon, 600.0):
            continue
        placed.append(polygon)
        state.lakes.append((next(names, ""), polygon))


# --- 3. Roads -------------------------------------------------------------------------------------
@dataclass
class _Raster:
    xs: np.ndarray
    ys: np.ndarray
    shape: tuple[int, int]
    blocked: np.ndarray
    graph: sparse.csr_matrix
    jitter: np.ndarray

    def node(self, xy: np.ndarray) -> int:
        """Nearest unblocked node to a point."""
        col = int(np.clip(np.round((xy[0] - self.xs[0]) / RASTER_M), 0, self.shape[1] - 1))
        row = int(np.clip(np.round((xy[1] - self.ys[0]) / RASTER_M), 0, self.shape[0] - 1))
        index = row * self.shape[1] + col
        if not self.blocked.ravel()[index]:
            return index
        free = np.flatnonzero(~self.blocked.ravel())
        rows, cols = np.divmod(free, self.shape[1])
        nearest = np.argmin((rows - row) ** 2 + (cols - col) ** 2)
        return int(free[nearest])

    def xy(self, nodes: np.ndarray) -> np.ndarray:
        rows, cols = np.divmod(np.asarray(nodes), self.shape[1])
        return np.asarray(np.column_stack([self.xs[cols], self.ys[rows]]) + self.jitter[nodes])


def _make_raster(state: _State) -> _Raster:
    rng = state.rng
    assert state.boundary is not None
    minx, miny, maxx, maxy = state.boundary.bounds
    xs = np.arange(minx + RASTER_M / 2, maxx, RASTER_M)
    ys = np.arange(miny + RASTER_M / 2, maxy, RASTER_M)
    X, Y = np.meshgrid(xs, ys)
    inside = shapely.contains_xy(state.boundary.buffer(-200.0), X, Y)
    lakes = shapely.union_all([p for _, p in state.lakes]).buffer(LAKE_CLEARANCE_M)
    in_lake = shapely.contains_xy(lakes, X, Y)
    river_mask = np.zeros(X.shape, dtype=bool)
    for _, line in state.rivers:
        points = densify(np.asarray(line.coords), 50.0)
        cols = np.round((points[:, 0] - xs[0]) / RASTER_M).astype(int)
        rows = np.round((points[:, 1] - ys[0]) / RASTER_M).astype(int)
        ok = (rows >= 0) & (rows < X.shape[0]) & (cols >= 0) & (cols < X.shape[1])
        river_mask[rows[ok], cols[ok]] = True
    river_distance = distance_transform_edt(~river_mask) * RASTER_M
    hills = WaveField.random(rng, 24, 3_000.0, 30_000.0)(X, Y)
    roughness = WaveField.random(rng, 16, 800.0, 4_000.0)(X, Y)
    cost = (
        1.0
        + 1.1 * np.clip(river_distance / 6_000.0, 0.0, 1.0)
        + 0.6 * np.clip(hills, 0.0, None)
        + 0.6 * np.abs(roughness)
        + 14.0 * river_mask
    )
    blocked = ~inside | in_lake
    shape = X.shape
    index = np.arange(X.size).reshape(shape)
    rows_a, rows_b, weights = [], [], []
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        r0 = slice(0, shape[0] - dr)
        r1 = slice(dr, shape[0])
        c0 = slice(max(0, -dc), shape[1] - max(0, dc))
        c1 = slice(max(0, dc), shape[1] + min(0, dc))
        a = index[r0, c0].ravel()
        b = index[r1, c1].ravel()
        ok = ~blocked.ravel()[a] & ~blocked.ravel()[b]
        step = RASTER_M * np.hypot(dr, dc)
        rows_a.append(a[ok])
        rows_b.append(b[ok])
        # A random factor per edge breaks the raster's straight runs into natural bends.
        factor = rng.uniform(0.7, 1.3, int(ok.sum()))
        weights.append(factor * step * 0.5 * (cost.ravel()[a[ok]] + cost.ravel()[b[ok]]))
    graph = sparse.csr_matrix(
        (np.concatenate(weights), (np.concatenate(rows_a), np.concatenate(rows_b))),
        shape=(X.size, X.size),
    )
    jitter = rng.uniform(-70.0, 70.0, (X.size, 2))
    return _Raster(xs, ys, shape, blocked, graph, jitter)


class _RoadBuilder:
    """Accumulates raster edges with a class and a name, then turns them into polylines."""

    def __init__(self, raster: _Raster) -> None:
        self.raster = raster
        self.edges: dict[tuple[int, int], tuple[str, str]] = {}
        self.on_network = np.zeros(raster.graph.shape[0], dtype=bool)

    def add_path(self, nodes: list[int], road_class: str, name: str) -> None:
        for a, b in zip(nodes[:-1], nodes[1:], strict=True):
            key = (min(a, b), max(a, b))
            if key not in self.edges:
                self.edges[key] = (road_class, name)
        self.on_network[nodes] = True

    def point_to_point(self, start: int, end: int) -> list[int]:
        _, pred = dijkstra(
            self.raster.graph, directed=False, indices=start, return_predecessors=True
        )
        path = [end]
        while path[-1] != start:
            previous = int(pred[path[-1]])
            if previous < 0:
                raise RuntimeError("raster target unreachable")
            path.append(previous)
        return path[::-1]

    def grow(self, targets: list[tuple[int, str]], road_class: str) -> None:
        """Connect every target to the nearest part of the existing network (one Dijkstra)."""
        sources = np.flatnonzero(self.on_network)
        dist, pred, _ = dijkstra(
            self.raster.graph,
            directed=False,
            indices=sources,
            min_only=True,
            return_predecessors=True,
        )
        new_paths: list[tuple[list[int], str]] = []
        for target, name in targets:
            if self.on_network[target] or not np.isfinite(dist[target]):
                continue
            path = [target]
            while not self.on_network[path[-1]]:
                path.append(int(pred[path[-1]]))
            new_paths.append((path, name))
        for path, name in new_paths:
            self.add_path(path, road_class, name)

    def polylines(self) -> list[tuple[list[int], str, str]]:
        """Split the edge set into polylines between junctions, ends and attribute changes."""
        adjacency: dict[int, list[int]] = {}
        for a, b in sorted(self.edges):
            adjacency.setdefault(a, []).append(b)
            adjacency.setdefault(b, []).append(a)

        def key(a: int, b: int) -> tuple[int, int]:
            return (min(a, b), max(a, b))

        def is_break(node: int) -> bool:
            neighbours = adjacency[node]
            return (
                len(neighbours) != 2
                or self.edges[key(node, neighbours[0])] != self.edges[key(node, neighbours[1])]
            )

        visited: set[tuple[int, int]] = set()
        out: list[tuple[list[int], str, str]] = []
        breaks = [n for n in sorted(adjacency) if is_break(n)]
        for start in [*breaks, *sorted(adjacency)]:
            for neighbour in adjacency[start]:
                if key(start, neighbour) in visited:
                    continue
                visited.add(key(start, neighbour))
                path = [start, neighbour]
                while path[-1] != start and not is_break(path[-1]):
                    current = path[-1]
                    following = [n for n in adjacency[current] if key(current, n) not in visited]
                    if not following:
                        break
                    visited.add(key(current, following[0]))
                    path.append(following[0])
                road_class, name = self.edges[key(start, neighbour)]
                out.append((path, road_class, name))
        return out


def _make_road_network(state: _State, lines: dict[str, LineString]) -> None:
    rng = state.rng
    spec = state.spec
    assert state.boundary is not None
    raster = _make_raster(state)
    builder = _RoadBuilder(raster)
    by_role = {p.role: p for p in state.localities}
    node_of = {p.locality_id: raster.node(np.asarray(p.centre)) for p in state.localities}
    plan_by_id = {p.locality_id: p for p in state.localities}
    origin = np.asarray(spec.origin)

    def inside_of(centre: np.ndarray) -> int:
        inward = origin - centre
        return raster.node(centre + 600.0 * inward / np.hypot(*inward))

    def exit_node(line: LineString, at_end: bool) -> int:
        assert state.boundary is not None
        point = Point(line.coords[-1] if at_end else line.coords[0])
        boundary_point = state.boundary.exterior.interpolate(state.boundary.exterior.project(point))
        return inside_of(np.asarray(boundary_point.coords[0]))

    main = lines[spec.main_river]
    waypoints = [
        exit_node(main, at_end=False),
        node_of[by_role["village_a"].locality_id],
        node_of[by_role["town"].locality_id],
        node_of[by_role["village_b"].locality_id],
        exit_node(main, at_end=True),
    ]
    for start, end in zip(waypoints[:-1], waypoints[1:], strict=True):
        builder.add_path(builder.point_to_point(start, end), "national", spec.national_road)

    for link in spec.county_roads:
        if link.to_locality:
            target = node_of[link.to_locality]
        elif link.to_river_end:
            target = exit_node(lines[link.to_river_end], at_end=True)
        else:
            assert link.to_point is not None
            target = inside_of(np.asarray(link.to_point, dtype=float))
        builder.grow([(target, link.name)], "county")

    small = [p for p in state.localities if p.kind != "town"]
    builder.grow([(node_of[p.locality_id], _road_name(p.name)) for p in small], "local")
    for first, second in spec.loops:
        path = builder.point_to_point(node_of[first], node_of[second])
        builder.add_path(path, "local", _road_name(plan_by_id[first].name))

    free = np.flatnonzero(~raster.blocked.ravel())
    x_all = raster.xy(free)
    river_geom = shapely.union_all([line for _, line in state.rivers])
    sample = rng.choice(len(free), size=min(6_000, len(free)), replace=False)
    distance = shapely.distance(shapely.points(x_all[sample]), river_geom)
    valley_weight = np.exp(-distance / 5_000.0)
    hamlets = sample[
        rng.choice(
            len(sample),
            size=spec.hamlet_targets,
            replace=False,
            p=valley_weight / valley_weight.sum(),
        )
    ]
    builder.grow([(int(free[i]), "") for i in hamlets], "gravel")
    forest = rng.choice(len(free), size=spec.forest_targets, replace=False)
    half = spec.forest_targets // 2
    builder.grow([(int(free[i]), "") for i in forest[:half]], "gravel")
    builder.grow([(int(free[i]), "") for i in forest[half:]], "gravel")

    for nodes, road_class, name in builder.polylines():
        coords = raster.xy(np.asarray(nodes))
        smooth = chaikin(coords, 3)
        smooth = np.asarray(shapely.simplify(LineString(smooth), 12.0).coords)
        dense = clean(densify(smooth, state.spacing(road_class)))
        if len(dense) >= 2:
            state.roads.append(_Road(dense, road_class, name))


# fmt: off
_STREET_NAMES: Final = (
    "Storgatan", "Skolgatan", "Kyrkgatan", "Järnvägsgatan", "Parkvägen", "Björkvägen",
    "Granvägen", "Tallvägen", "Älvgatan", "Nygatan", "Torggatan", "Backvägen", "Smedjegatan",
    "Sjövägen", "Ringvägen", "Solvägen", "Lärkvägen", "Rönnvägen", "Aspvägen", "Videvägen",
    "Furuvägen", "Myrvägen", "Stationsgatan", "Kvarnvägen", "Hagvägen", "Ängsvägen",
    "Strandvägen", "Skogsvägen", "Lingonvägen", "Hjortronvägen", "Postvägen", "Bruksgatan",
    "Idrottsvägen", "Fjällvägen", "Forsvägen", "Norra vägen", "Södra vägen", "Östra gatan",
    "Västra gatan", "Kapellvägen",
)
# fmt: on


def _obstacles(state: _State, lake_m: float, river_m: float) -> shapely.Geometry:
    lakes = shapely.union_all([p for _, p in state.lakes]).buffer(lake_m)
    rivers = shapely.union_all([line for _, line in state.rivers]).buffer(river_m)
    return shapely.union_all([lakes, rivers])


def _make_streets(state: _State) -> None:
    """Street grids in the town and the villages, oriented along the valley."""
    rng = state.rng
    blocked = _obstacles(state, 80.0, 45.0)
    names = iter(state.spec.street_names)
    for plan in state.localities:
        if plan.kind == "small_village":
            continue
        half_along, half_across, spacing = (
            (1_700.0, 1_150.0, 190.0) if plan.kind == "town" else (750.0, 480.0, 210.0)
        )
        half_along, half_across = half_along * plan.size, half_across * plan.size
        angle = np.deg2rad(state.spec.axis_deg) + float(rng.normal(0.0, 0.08))
        area = affinity.rotate(
            affinity.scale(Point(plan.centre).buffer(1.0, 32), half_along, half_across),
            angle,
            origin=plan.centre,
            use_radians=True,
        )
        area = area.difference(blocked)
        c, s = np.cos(angle), np.sin(angle)
        reach = max(half_along, half_across) + spacing
        offsets = np.arange(-reach, reach + 1.0, spacing) + float(rng.uniform(0, spacing))
        for direction in (0, 1):
            for offset in offsets:
                t = np.array([-reach, reach])
                if direction == 0:  # along the valley
                    uv = np.column_stack([t, np.full(2, offset)])
                else:
                    uv = np.column_stack([np.full(2, offset), t])
                xy = np.column_stack(
                    [
                        plan.centre[0] + uv[:, 0] * c - uv[:, 1] * s,
                        plan.centre[1] + uv[:, 0] * s + uv[:, 1] * c,
                    ]
                )
                clipped = LineString(xy).intersection(area)
                name = next(names, "Gatan")
                for part in getattr(clipped, "geoms", [clipped]):
                    if part.geom_type != "LineString" or part.length < 120.0:
                        continue
                    coords = clean(densify(np.asarray(part.coords), state.spacing("street")))
                    state.roads.append(_Road(coords, "street", f"{name}, {plan.name}"))


def _drivable_vertices(state: _State) -> np.ndarray:
    return np.unique(np.vstack([r.coords for r in state.roads if r.road_class != "path"]), axis=0)


def _make_lanes_and_paths(state: _State) -> None:
    """Lanes radiating from small-village centres, and a few walking/cycling paths."""
    rng = state.rng
    blocked = _obstacles(state, 40.0, 30.0)
    vertices = _drivable_vertices(state)
    from scipy.spatial import cKDTree

    tree = cKDTree(vertices)
    for plan in state.localities:
        if plan.kind != "small_village":
            continue
        _, index = tree.query(plan.centre)
        start = vertices[index]
        first_angle = float(rng.uniform(0, 2 * np.pi))
        for k in range(int(rng.integers(2, 4))):
            angle = first_angle + k * 2 * np.pi / 3 + float(rng.normal(0, 0.25))
            length = float(rng.uniform(350.0, 800.0))
            bend = float(rng.normal(0, 0.3))
            middle = start + 0.5 * length * np.array([np.cos(angle), np.sin(angle)])
            end = middle + 0.5 * length * np.array([np.cos(angle + bend), np.sin(angle + bend)])
            coords = clean(densify(np.vstack([start, middle, end]), state.spacing("street")))
            if LineString(coords).intersects(blocked):
                continue
            state.roads.append(_Road(coords, "street", f"Byvägen, {plan.name}"))

    # A riverside promenade in the town, joined to the nearest streets at both ends.
    town = next(p for p in state.localities if p.kind == "town")
    main_river = max(
        (line for name, line in state.rivers if name == state.spec.main_river),
        key=lambda line: line.length,
    )
    stretch = main_river.intersection(Point(town.centre).buffer(1_400.0))
    stretch = max(getattr(stretch, "geoms", [stretch]), key=lambda g: g.length)
    sides = [stretch.offset_curve(d) for d in (35.0, -35.0)]
    promenade = min(sides, key=lambda g: g.distance(Point(town.centre)))
    if promenade.geom_type == "LineString" and not promenade.intersects(
        shapely.union_all([p for _, p in state.lakes])
    ):
        body = np.asarray(promenade.coords)
        _, (first, last) = tree.query([body[0], body[-1]])
        coords = np.vstack([vertices[first], body, vertices[last]])
        state.roads.append(
            _Road(clean(densify(coords, state.spacing("path"))), "path", "Älvpromenaden")
        )
    # Old village paths between close neighbours, where they cross no lake or river.
    plans = [p for p in state.localities if p.kind != "town"]
    made = 0
    for i, a in enumerate(plans):
        for b in plans[i + 1 :]:
            gap = float(np.hypot(a.centre[0] - b.centre[0], a.centre[1] - b.centre[1]))
            if made >= 3 or not 2_500.0 < gap < 9_000.0:
                continue
            _, (ia, ib) = tree.query([a.centre, b.centre])
            coords = clean(densify(np.vstack([vertices[ia], vertices[ib]]), state.spacing("path")))
            if LineString(coords).intersects(blocked):
                continue
            state.roads.append(_Road(coords, "path", f"Stigen {a.name}–{b.name}"))
            made += 1


def _finalise_roads(state: _State) -> VertexGraph:
    """Insert shared vertices at crossings and keep only the connected car network."""
    coords = node_lines([r.coords for r in state.roads])
    for road, new in zip(state.roads, coords, strict=True):
        road.coords = clean(new)
    state.roads = [r for r in state.roads if len(r.coords) >= 2]
    graph = VertexGraph.from_lines([r.coords for r in state.roads])
    drivable = np.array([r.road_class != "path" for r in state.roads])
    labels = graph.components(drivable)
    town = next(p for p in state.localities if p.kind == "town")
    main_label = labels[graph.node_index(np.array([town.centre]))[0]]
    node_ok = labels == main_label
    # A road is kept when it touches the town's car component (a path: at either end).
    edge_ok = node_ok[graph.edges[:, 0]] | node_ok[graph.edges[:, 1]]
    line_ok = np.zeros(len(state.roads), dtype=bool)
    np.logical_or.at(line_ok, graph.edge_line, edge_ok)
    state.roads = [road for road, ok in zip(state.roads, line_ok, strict=True) if ok]
    return VertexGraph.from_lines([r.coords for r in state.roads])


def _shrink_lakes_off_roads(state: _State) -> None:
    """Safety net: a lake that touches a road loses that shore strip (roads never cross lakes)."""
    roads = shapely.STRtree([LineString(r.coords) for r in state.roads])
    lakes: list[tuple[str, Polygon]] = []
    for name, lake in state.lakes:
        hits = roads.query(lake, predicate="intersects")
        if len(hits):
            carved = lake.difference(shapely.union_all(roads.geometries[hits]).buffer(25.0))
            parts = [g for g in getattr(carved, "geoms", [carved]) if g.geom_type == "Polygon"]
            if not parts:
                continue
            lake = max(parts, key=lambda g: g.area)
        lakes.append((name, lake))
    state.lakes = lakes


# --- 4. Population --------------------------------------------------------------------------------
#: Age shares (0-15, 16-64, 65-79, 80+) by settlement type: a rural inland profile, older outside
#: the town (SCB: a third of residents 65+ in many inland municipalities).
AGE_PROFILES: Final[dict[str, tuple[float, float, float, float]]] = {
    "town": (0.17, 0.55, 0.19, 0.09),
    "village": (0.15, 0.52, 0.22, 0.11),
    "small_village": (0.13, 0.50, 0.25, 0.12),
    "rural": (0.12, 0.49, 0.27, 0.12),
}
#: Locality cells must have a road within this distance of their centre, metres.
LOCALITY_ROAD_DISTANCE_M: Final = 300.0


def _drivable_tree(state: _State) -> shapely.STRtree:
    return shapely.STRtree([LineString(r.coords) for r in state.roads if r.road_class != "path"])


def _lakes_union(state: _State) -> shapely.Geometry:
    return shapely.union_all([p for _, p in state.lakes])


def _locality_polygon(
    sw_e: np.ndarray,
    sw_n: np.ndarray,
    centre: Point,
    lakes: shapely.Geometry,
    others: Iterable[Polygon],
) -> Polygon:
    """Draw a locality's extent around its populated cells (closing one-cell gaps).

    Lakes and earlier localities are cut out; of several parts, the one holding the centre (else
    the largest) is kept, so that every locality is a single Polygon.
    """
    shape = (
        shapely.union_all(cell_polygons(sw_e, sw_n, CELL_M))
        .buffer(160.0, join_style="mitre")
        .buffer(-140.0, join_style="mitre")
    )
    shape = shape.difference(shapely.union_all([lakes, *others]))
    parts = [g for g in getattr(shape, "geoms", [shape]) if g.geom_type == "Polygon"]
    polygon = max(parts, key=lambda g: (g.contains(centre), g.area))
    polygon = shapely.set_precision(polygon.simplify(5.0), 1.0)
    if polygon.geom_type != "Polygon":  # set_precision may split a thin neck
        polygon = max(polygon.geoms, key=lambda g: g.area)
    return polygon


def _make_population(state: _State) -> tuple[pd.DataFrame, dict[str, Polygon]]:
    """Return population rows (one per cell) and a polygon per locality id."""
    rng = state.rng
    lakes = _lakes_union(state)
    roads = _drivable_tree(state)
    rows: list[pd.DataFrame] = []
    polygons: dict[str, Polygon] = {}
    for plan in state.localities:
        cx, cy = plan.centre
        first_e = np.floor((cx - plan.radius_m) / CELL_M) * CELL_M
        first_n = np.floor((cy - plan.radius_m) / CELL_M) * CELL_M
        e = np.arange(first_e, cx + plan.radius_m, CELL_M)
        n = np.arange(first_n, cy + plan.radius_m, CELL_M)
        E, N = (a.ravel() for a in np.meshgrid(e, n))
        mx, my = E + CELL_M / 2, N + CELL_M / 2
        r = np.hypot(mx - cx, my - cy)
        ok = (r <= plan.radius_m) & ~shapely.contains_xy(lakes, mx, my)
        near, _ = roads.query(
            shapely.points(mx, my), predicate="dwithin", distance=LOCALITY_ROAD_DISTANCE_M
        )
        close = np.zeros(len(E), dtype=bool)
        close[near] = True
        ok &= close
        E, N, r = E[ok], N[ok], r[ok]
        weight = np.exp(-r / plan.decay_m) * rng.lognormal(0.0, 0.45, len(r))
        counts = rng.multinomial(plan.target_population, weight / weight.sum())
        populated = counts > 0
        polygon = _locality_polygon(
            E[populated], N[populated], Point(plan.centre), lakes, polygons.values()
        )
        # Cells cut off from the main polygon (by a lake, a gap) give their residents back:
        # the locality's people are drawn again over the cells whose centre lies inside it.
        inside = shapely.contains_xy(polygon, E + CELL_M / 2, N + CELL_M / 2)
        if not inside[populated].all():
            weight = np.where(inside, weight, 0.0)
            counts = rng.multinomial(plan.target_population, weight / weight.sum())
            populated = counts > 0
        rows.append(
            pd.DataFrame(
                {
                    "sw_e": E[populated],
                    "sw_n": N[populated],
                    "count": counts[populated],
                    "profile": plan.kind,
                }
            )
        )
        polygons[plan.locality_id] = polygon

    core_total = int(sum(frame["count"].sum() for frame in rows))
    rural_rows = _farmsteads(state, state.spec.total_population - core_total, polygons, lakes)
    rows.append(rural_rows)
    return pd.concat(rows, ignore_index=True), polygons


def _farmsteads(
    state: _State, target: int, polygons: dict[str, Polygon], lakes: shapely.Geometry
) -> pd.DataFrame:
    """Dispersed farmsteads in small hamlets along the rural roads, ``target`` people in all."""
    rng = state.rng
    assert state.boundary is not None
    weights = {"national": 1.0, "county": 1.6, "local": 2.2, "gravel": 0.35}
    anchors = [r.coords for r in state.roads if r.road_class in weights]
    anchor_weight = np.concatenate(
        [
            np.full(len(r.coords), weights[r.road_class])
            for r in state.roads
            if r.road_class in weights
        ]
    )
    vertices = np.vstack(anchors)
    river = shapely.union_all([line for _, line in state.rivers])
    towns = shapely.union_all(list(polygons.values()))
    # Farms cluster in the valleys: weight by closeness to a river.
    valley = np.exp(-shapely.distance(shapely.points(vertices), river) / 6_000.0)
    away = ~shapely.contains_xy(towns.buffer(500.0), vertices[:, 0], vertices[:, 1])
    p = anchor_weight * valley * away
    n_hamlets = state.spec.farm_hamlets
    chosen = rng.choice(len(vertices), size=n_hamlets, replace=False, p=p / p.sum())
    farms_per_hamlet = rng.integers(1, state.spec.farms_per_hamlet + 1, n_hamlets)
    hamlet_of_farm = np.repeat(np.arange(n_hamlets), farms_per_hamlet)
    angle = rng.uniform(0.0, 2 * np.pi, len(hamlet_of_farm))
    offset = rng.uniform(30.0, state.spec.farm_offset_m, len(hamlet_of_farm))
    xy = vertices[chosen[hamlet_of_farm]] + offset[:, None] * np.column_stack(
        [np.cos(angle), np.sin(angle)]
    )
    people = rng.choice(np.arange(1, 7), size=len(xy), p=(0.24, 0.36, 0.15, 0.13, 0.08, 0.04))
    sw = np.floor(xy / CELL_M) * CELL_M
    mid = sw + CELL_M / 2
    ok = (
        shapely.contains_xy(state.boundary, xy[:, 0], xy[:, 1])
        & ~shapely.contains_xy(lakes, xy[:, 0], xy[:, 1])
        & ~shapely.contains_xy(lakes, mid[:, 0], mid[:, 1])
        & ~shapely.contains_xy(towns.buffer(200.0), xy[:, 0], xy[:, 1])
    )
    sw, people = sw[ok], people[ok]
    cumulative = np.cumsum(people)
    if cumulative[-1] < target:
        raise RuntimeError("not enough farmsteads for the rural population")
    last = int(np.searchsorted(cumulative, target))
    people = people[: last + 1].copy()
    people[-1] -= int(cumulative[last] - target)
    return pd.DataFrame(
        {"sw_e": sw[: last + 1, 0], "sw_n": sw[: last + 1, 1], "count": people, "profile": "rural"}
    )


def _population_layer(
    state: _State, rows: pd.DataFrame, polygons: dict[str, Polygon]
) -> gpd.GeoDataFrame:
    rng = state.rng
    rows = rows[rows["count"] > 0].reset_index(drop=True)
    alpha = np.array([AGE_PROFILES[k] for k in rows["profile"]]) * 150.0
    shares = rng.gamma(alpha)
    shares = shares / shares.sum(axis=1, keepdims=True)
    ages = rng.multinomial(rows["count"].to_numpy(), shares)
    columns = list(settings.AGE_GROUPS)
    for i, column in enumerate(columns):
        rows[column] = ages[:, i]
    cells = rows.groupby(["sw_e", "sw_n"], sort=True)[columns].sum().reset_index()
    cells["pop_total"] = cells[columns].sum(axis=1)
    sw_e = cells["sw_e"].to_numpy().astype(np.int64)
    sw_n = cells["sw_n"].to_numpy().astype(np.int64)
    mid_x, mid_y = sw_e + CELL_M / 2, sw_n + CELL_M / 2
    locality = np.full(len(cells), settings.RURAL_LOCALITY_ID, dtype=object)
    for locality_id, polygon in polygons.items():
        locality[shapely.contains_xy(polygon, mid_x, mid_y)] = locality_id
    frame = pd.DataFrame(
        {
            "cell_id": [scb_cell_id(e, n) for e, n in zip(sw_e, sw_n, strict=True)],
            "size_m": np.full(len(cells), CELL_M, dtype=np.int64),
            "pop_total": cells["pop_total"].to_numpy().astype(np.int64),
            **{c: cells[c].to_numpy().astype(np.int64) for c in columns},
            "locality_id": locality.astype(str),
        }
    )
    return gpd.GeoDataFrame(
        frame, geometry=cell_polygons(sw_e, sw_n, CELL_M), crs=settings.CRS_METRIC
    )


# --- 5. Sites and services ------------------------------------------------------------------------
_OFFICE = (("Mo-Th", "08:00", "16:30"), ("Fr", "08:00", "15:00"))
_STATE_OFFICE = (("Mo-Fr", "10:00", "15:00"),)
_HEALTH = (("Mo-Fr", "08:00", "17:00"),)
_HEALTH_BRANCH = (("Tu,Th", "08:30", "16:00"),)
_PHARMACY = (("Mo-Fr", "09:00", "18:00"), ("Sa", "10:00", "14:00"))
_SUPERMARKET = (("Mo-Su", "08:00", "21:00"),)
_VILLAGE_GROCERY = (("Mo-Fr", "09:00", "19:00"), ("Sa", "10:00", "16:00"), ("Su", "12:00", "16:00"))
_CONVENIENCE = (("Mo-Fr", "10:00", "18:00"), ("Sa", "10:00", "14:00"))
_LATE_CONVENIENCE = (("Mo-Su", "09:00", "20:00"),)
_STATION_SHOP = (("Mo-Fr", "06:00", "22:00"), ("Sa,Su", "08:00", "22:00"))
_VILLAGE_SHOP = (("Mo,We,Fr", "15:00", "19:00"), ("Sa", "10:00", "13:00"))
_PARCEL_EVENINGS = (("Mo-Fr", "16:00", "19:00"),)
_SCHOOL = (("Mo-Fr", "08:00", "15:00"),)
_PRESCHOOL = (("Mo-Fr", "06:30", "18:00"),)
_LIBRARY_MAIN = (("Mo-Th", "10:00", "19:00"), ("Fr", "10:00", "16:00"), ("Sa", "11:00", "14:00"))
_LIBRARY_BRANCH = (("Tu,Th", "13:00", "19:00"),)
_LIBRARY_STATION = (("We", "13:00", "16:00"),)
_SERVICE_POINT = (("Tu", "10:00", "15:00"),)
_ALWAYS = _hours.ALWAYS

_Hours = tuple[tuple[str, str, str], ...] | str
#: (category, name, operator, sector, hours, annual cost SEK, capacity)
_Service = tuple[str, str, str, str, _Hours, float, float]
#: (name, site kind, is_candidate, services)
_Site = tuple[str, str, bool, tuple[_Service, ...]]

_ATM = "Kontantkompaniet AB"
_PARCEL = "Paketlänken AB"
_FUEL = "Norrbränsle AB"
_FUEL_AUTOMAT = "Bränsleautomaten i Norr AB"


def _service(
    category: str,
    name: str,
    operator: str,
    sector: str,
    hours: _Hours,
    cost_msek: float,
    capacity: float = 1.0,
) -> _Service:
    """One planned service; ``cost_msek`` is the annual cost in millions of SEK."""
    return (category, name, operator, sector, hours, round(cost_msek * 1e6, 0), capacity)


#: Radius of the town centre in which the central sites (:func:`_town_centre_sites`) are placed.
TOWN_CENTRE_M: Final = 150.0


def _town_centre_sites(name: str) -> frozenset[str]:
    """Names of the town's sites that stand in its centre."""
    return frozenset({"Kommunhuset", f"Läkeörten Apotek {name}", "Centrumhallen"})


def _site_plan(plan: LocalityPlan, spec: MunicipalitySpec) -> list[_Site]:
    """The sites and services of one locality: a hand-written table, per role.

    A town larger than Exempelbygd's also gets the sites of its districts and, as a county
    seat, those of the county (:func:`_town_growth_sites`).  Capacity is pupils (schools),
    children (preschools), patients per day (health centres) and 1.0 otherwise.  Costs are
    plausible orders of magnitude, not data.
    """
    S = _service
    M, REG, PRIV, NPO = "municipality", "region", "private", "non_profit"
    MUNICIPAL, HEALTH_REGION_OP = spec.municipality, spec.health_region
    n = plan.name
    # fmt: off
    if plan.role == "town":
        return [
            ("Kommunhuset", "municipal_office", True, (
                S("contact_office", f"Kontaktcenter {n}", MUNICIPAL, M, _OFFICE, 2.6),
                S("contact_office", f"Statligt servicekontor {n}", "Statens lokala service",
                  "state", _STATE_OFFICE, 1.8),
            )),
            (f"{n}s vårdcentral", "health_centre", True, (
                S("health_centre", f"{n}s vårdcentral", HEALTH_REGION_OP, REG, _HEALTH, 26.0, 140),
            )),
            (f"Läkeörten Apotek {n}", "shop", True, (
                S("pharmacy", f"Läkeörten Apotek {n}", "Läkeörten Apotek AB", PRIV, _PHARMACY,
                  3.4),
            )),
            ("Centrumhallen", "shop", True, (
                S("grocery_full", "Centrumhallen", "Dagligvaruhuset Norr AB", PRIV, _SUPERMARKET,
                  28.0),
                S("parcel_agent", "Paketombud Centrumhallen", _PARCEL, PRIV, _SUPERMARKET, 0.16),
                S("cash", "Uttagsautomat Centrumhallen", _ATM, PRIV, _ALWAYS, 0.25),
            )),
            (f"{n}s livs", "shop", True, (
                S("grocery_full", f"{n}s livs", "Livsgruppen Norr AB", PRIV, _SUPERMARKET, 19.0),
                S("parcel_agent", f"Paketombud {n}s livs", _PARCEL, PRIV, _SUPERMARKET, 0.14),
                S("cash", f"Uttagsautomat {n}s livs", _ATM, PRIV, _ALWAYS, 0.25),
            )),
            ("Kvartersbutiken", "shop", False, (
                S("grocery_convenience", "Kvartersbutiken", f"Kvartersbutiken i {n} AB", PRIV,
                  _LATE_CONVENIENCE, 3.2),
            )),
            ("Centrumskolan", "school", True, (
                S("school_primary", "Centrumskolan F–6", MUNICIPAL, M, _SCHOOL, 14.5, 320),
            )),
            ("Älvskolan", "school", True, (
                S("school_primary", "Älvskolan 7–9", MUNICIPAL, M, _SCHOOL, 15.5, 280),
            )),
            ("Förskolan Tallkotten", "school", False, (
                S("preschool", "Förskolan Tallkotten", MUNICIPAL, M, _PRESCHOOL, 5.8, 72),
            )),
            ("Förskolan Myran", "school", False, (
                S("preschool", "Förskolan Myran", MUNICIPAL, M, _PRESCHOOL, 5.2, 60),
            )),
            ("Förskolan Ekorren", "school", False, (
                S("preschool", "Förskolan Ekorren", "Ekorrens föräldrakooperativ ek. för.", NPO,
                  _PRESCHOOL, 3.1, 36),
            )),
            (f"{n}s bibliotek", "library", True, (
                S("library", f"{n}s bibliotek", MUNICIPAL, M, _LIBRARY_MAIN, 4.8),
            )),
            ("Bränslestationen vid riksvägen", "petrol_station", True, (
                S("fuel", "Bränslestationen vid riksvägen", _FUEL, PRIV, _ALWAYS, 3.2),
                S("grocery_convenience", "Stationsbutiken", _FUEL, PRIV, _STATION_SHOP, 2.4),
                S("parcel_agent", "Paketombud Stationsbutiken", _PARCEL, PRIV, _STATION_SHOP,
                  0.12),
            )),
            ("Tankautomaten norra infarten", "petrol_station", False, (
                S("fuel", "Tankautomaten norra infarten", _FUEL_AUTOMAT, PRIV, _ALWAYS, 0.6),
            )),
            ("Folkets hus", "village_hall", True, ()),
            (f"{n}s kyrka", "other", False, ()),
            *_town_growth_sites(plan, spec),
        ]
    if plan.role == "village_a":
        shop = f"{n}s Handel AB"
        return [
            (f"{n}s handel", "shop", True, (
                S("grocery_full", f"{n}s handel", shop, PRIV, _VILLAGE_GROCERY, 7.5),
                S("parcel_agent", f"Paketombud {n}s handel", shop, PRIV, _VILLAGE_GROCERY, 0.15),
                S("pharmacy_agent", f"Apoteksombud {n}", shop, PRIV, _VILLAGE_GROCERY, 0.12),
                S("cash", f"Uttagsautomat {n}", _ATM, PRIV, _ALWAYS, 0.25),
            )),
            (f"{n}skolan", "school", True, (
                S("school_primary", f"{n}skolan F–6", MUNICIPAL, M, _SCHOOL, 9.5, 150),
                S("preschool", "Förskolan Sjöstjärnan", MUNICIPAL, M, _PRESCHOOL, 4.2, 48),
                S("library", f"{n}s filialbibliotek", MUNICIPAL, M, _LIBRARY_BRANCH, 1.5),
                S("contact_office", f"Servicepunkt {n}", MUNICIPAL, M, _SERVICE_POINT, 0.6),
            )),
            (f"{n}s hälsocentral", "health_centre", True, (
                S("health_centre", f"{n}s hälsocentral (filial)", HEALTH_REGION_OP, REG,
                  _HEALTH_BRANCH, 4.6, 30),
            )),
            (f"Macken {n}", "petrol_station", True, (
                S("fuel", f"Macken {n}", _FUEL, PRIV, _ALWAYS, 1.8),
            )),
            (f"Bygdegården {n}", "village_hall", True, ()),
            (f"{n}s kapell", "other", False, ()),
        ]
    if plan.role == "village_b":
        shop = f"{n} Lanthandel AB"
        return [
            (f"{n} lanthandel", "shop", True, (
                S("grocery_convenience", f"{n} lanthandel", shop, PRIV, _VILLAGE_GROCERY, 4.2),
                S("parcel_agent", f"Paketombud {n} lanthandel", shop, PRIV, _VILLAGE_GROCERY,
                  0.15),
                S("pharmacy_agent", f"Apoteksombud {n}", shop, PRIV, _VILLAGE_GROCERY, 0.12),
            )),
            (f"{n}skolan", "school", True, (
                S("school_primary", f"{n}skolan F–6", MUNICIPAL, M, _SCHOOL, 8.2, 120),
                S("preschool", "Förskolan Blåbäret", MUNICIPAL, M, _PRESCHOOL, 3.6, 40),
                S("library", f"{n} filialbibliotek", MUNICIPAL, M, _LIBRARY_BRANCH, 1.4),
            )),
            (f"Tankautomaten {n}", "petrol_station", False, (
                S("fuel", f"Tankautomaten {n}", _FUEL_AUTOMAT, PRIV, _ALWAYS, 0.6),
            )),
            (f"{n} bygdegård", "village_hall", True, ()),
        ]
    if plan.role == "village_c":
        shop = f"{n}s Livs HB"
        return [
            (f"{n}s livs", "shop", True, (
                S("grocery_convenience", f"{n}s livs", shop, PRIV, _CONVENIENCE, 3.0),
                S("parcel_agent", f"Paketombud {n}s livs", shop, PRIV, _CONVENIENCE, 0.14),
            )),
            (f"{n}skolan", "school", True, (
                S("school_primary", f"{n}skolan F–6", MUNICIPAL, M, _SCHOOL, 7.8, 100),
                S("preschool", "Förskolan Vitsippan", MUNICIPAL, M, _PRESCHOOL, 3.2, 36),
            )),
            (f"{n}s bygdegård", "village_hall", True, ()),
        ]
    village = f"{n}s byaförening ek. för."
    hall: _Site = (f"Bygdegården {n}", "village_hall", True, ())
    extra: dict[str, list[_Site]] = {
        "small_shop": [(f"{n}s byabutik", "shop", True, (
            S("grocery_convenience", f"{n}s byabutik", village, NPO, _VILLAGE_SHOP, 1.1),
            S("parcel_agent", f"Paketombud {n}s byabutik", village, NPO, _VILLAGE_SHOP, 0.1),
        ))],
        "small_shop_lean": [(f"{n}s byabutik", "shop", True, (
            S("grocery_convenience", f"{n}s byabutik", village, NPO, _VILLAGE_SHOP, 1.0),
            S("parcel_agent", f"Paketombud {n}s byabutik", village, NPO, _VILLAGE_SHOP, 0.1),
        ))],
        "small_shop_fuel": [(f"{n}s lanthandel", "shop", True, (
            S("grocery_convenience", f"{n}s lanthandel", f"{n}s Lanthandel AB", PRIV,
              _CONVENIENCE, 2.2),
            S("parcel_agent", f"Paketombud {n}s lanthandel", f"{n}s Lanthandel AB", PRIV,
              _CONVENIENCE, 0.12),
            S("fuel", f"Tankautomaten {n}", _FUEL_AUTOMAT, PRIV, _ALWAYS, 0.5),
        ))],
        "small_fuel": [(f"Bygdemacken {n}", "petrol_station", True, (
            S("fuel", f"Bygdemacken {n}", f"{n}s bygdemack ek. för.", NPO, _ALWAYS, 0.4),
        ))],
        "small_school_preschool": [(f"{n} byskola", "school", True, (
            S("school_primary", f"{n} byskola F–3", MUNICIPAL, M, _SCHOOL, 4.4, 35),
            S("preschool", f"Förskolan {n}", MUNICIPAL, M, _PRESCHOOL, 2.1, 18),
        ))],
        "small_school": [(f"{n} skola", "school", True, (
            S("school_primary", f"{n} skola F–3", MUNICIPAL, M, _SCHOOL, 4.0, 30),
        ))],
        "small_field_station": [(f"Fältstationen {n}", "other", False, (
            S("library", f"Fältstationens bibliotek {n}", "Norrländska skogsforskningsinstitutet",
              "academia", _LIBRARY_STATION, 0.3),
        ))],
    }
    if plan.role == "small_parcel_point":
        hall = (hall[0], hall[1], hall[2], (
            S("parcel_agent", f"Paketpunkt {n}", village, NPO, _PARCEL_EVENINGS, 0.08),
        ))
    # fmt: on
    return [hall, *extra.get(plan.role, [])]


#: A town's residents beyond this many live in districts of :data:`DISTRICT_RESIDENTS` each.
TOWN_CORE_RESIDENTS: Final = 7_000
DISTRICT_RESIDENTS: Final = 2_500
#: Preschool names in the districts, in order.
_DISTRICT_PRESCHOOLS: Final = ("Ugglan", "Haren", "Räven", "Lodjuret", "Tranan", "Svanen", "Bävern")


def _town_growth_sites(plan: LocalityPlan, spec: MunicipalitySpec) -> list[_Site]:
    """The sites of a large town's districts and, in the county seat, of the county.

    A town has one district per 2 500 residents beyond 7 000 (none in Exempelbygd, ten in a
    county seat of 34 000), each named from ``spec.district_names``: a supermarket with a
    parcel agent and a cash machine, a corner shop with a parcel locker, a school with a
    preschool, another preschool and, in turn, a health centre and a branch library or a
    pharmacy.
    """
    S = _service
    M, REG, PRIV = "municipality", "region", "private"
    MUNICIPAL, HEALTH_REGION_OP = spec.municipality, spec.health_region
    count = max(0, (plan.target_population - TOWN_CORE_RESIDENTS) // DISTRICT_RESIDENTS)
    out: list[_Site] = []
    # fmt: off
    for k, d in enumerate(spec.district_names[:count]):
        preschool = f"Förskolan {_DISTRICT_PRESCHOOLS[k % len(_DISTRICT_PRESCHOOLS)]}"
        out += [
            (f"Handlarn {d}", "shop", True, (
                S("grocery_full", f"Handlarn {d}", "Livsgruppen Norr AB", PRIV, _SUPERMARKET,
                  14.0),
                S("parcel_agent", f"Paketombud Handlarn {d}", _PARCEL, PRIV, _SUPERMARKET, 0.14),
                S("cash", f"Uttagsautomat Handlarn {d}", _ATM, PRIV, _ALWAYS, 0.25),
            )),
            (f"{d}s närbutik", "shop", False, (
                S("grocery_convenience", f"{d}s närbutik", f"Närbutiken i {d} AB", PRIV,
                  _LATE_CONVENIENCE, 2.8),
                S("parcel_agent", f"Paketskåp {d}", _PARCEL, PRIV, _ALWAYS, 0.08),
            )),
            (f"{d}skolan", "school", True, (
                S("school_primary", f"{d}skolan F–6", MUNICIPAL, M, _SCHOOL, 12.5, 260),
                S("preschool", f"Förskolan {d}", MUNICIPAL, M, _PRESCHOOL, 5.0, 60),
                *((S("library", f"{d}s bibliotek", MUNICIPAL, M, _LIBRARY_BRANCH, 1.2),)
                  if k % 2 == 0 else ()),
            )),
            (f"{preschool}, {d}", "school", False, (
                S("preschool", f"{preschool}, {d}", MUNICIPAL, M, _PRESCHOOL, 4.6, 54),
            )),
            (f"Vårdcentralen {d}", "health_centre", True, (
                S("health_centre", f"Vårdcentralen {d}", HEALTH_REGION_OP, REG, _HEALTH, 18.0,
                  90),
            )) if k % 2 == 0 else (f"Läkeörten Apotek {d}", "shop", True, (
                S("pharmacy", f"Läkeörten Apotek {d}", "Läkeörten Apotek AB", PRIV, _PHARMACY,
                  3.0),
            )),
        ]
    if spec.county_seat:
        n = plan.name
        out += [
            ("Länssjukhuset", "health_centre", False, (
                S("health_centre", "Länssjukhusets akutmottagning", HEALTH_REGION_OP, REG,
                  _ALWAYS, 95.0, 400),
                S("pharmacy", "Sjukhusapoteket", "Läkeörten Apotek AB", PRIV, _PHARMACY, 3.8),
            )),
            ("Länsbiblioteket", "library", True, (
                S("library", "Länsbiblioteket", HEALTH_REGION_OP, REG, _LIBRARY_MAIN, 9.0),
            )),
            (f"Stormarknaden {n}", "shop", True, (
                S("grocery_full", f"Stormarknaden {n}", "Dagligvaruhuset Norr AB", PRIV,
                  _SUPERMARKET, 45.0),
                S("parcel_agent", f"Paketombud Stormarknaden {n}", _PARCEL, PRIV, _SUPERMARKET,
                  0.2),
                S("cash", f"Uttagsautomat Stormarknaden {n}", _ATM, PRIV, _ALWAYS, 0.25),
                S("pharmacy_agent", f"Apoteksombud Stormarknaden {n}", "Dagligvaruhuset Norr AB",
                  PRIV, _SUPERMARKET, 0.12),
            )),
            (f"Resecentrum {n}", "other", False, (
                S("parcel_agent", "Paketskåpet vid resecentrum", _PARCEL, PRIV, _ALWAYS, 0.1),
                S("cash", "Uttagsautomat resecentrum", _ATM, PRIV, _ALWAYS, 0.25),
            )),
        ]
    # fmt: on
    return out


def _make_sites_and_services(
    state: _State, polygons: dict[str, Polygon]
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    rng = state.rng
    from scipy.spatial import cKDTree

    vertices = _drivable_vertices(state)
    tree = cKDTree(vertices)
    lakes = _lakes_union(state)
    site_rows: list[dict[str, object]] = []
    site_points: list[Point] = []
    service_rows: list[dict[str, object]] = []
    service_points: list[Point] = []
    for plan in state.localities:
        spread, separation = {
            "town": (900.0, 110.0),
            "village": (450.0, 70.0),
            "small_village": (250.0, 40.0),
        }[plan.kind]
        candidates = np.asarray(tree.query_ball_point(plan.centre, spread * plan.size), dtype=int)
        candidates = candidates[rng.permutation(len(candidates))]
        placed: list[np.ndarray] = []
        for site in _site_plan(plan, state.spec):
            point = None
            # A town centre: the municipal office, the pharmacy and the main supermarket stand
            # within a short walk of each other, as in most Swedish inland towns.
            central = plan.kind == "town" and site[0] in _town_centre_sites(plan.name)
            for index in candidates:
                if central and np.hypot(*(vertices[index] - plan.centre)) > TOWN_CENTRE_M:
                    continue
                angle = float(rng.uniform(0, 2 * np.pi))
                offset = float(rng.uniform(15.0, 35.0))
                xy = np.round(vertices[index] + offset * np.array([np.cos(angle), np.sin(angle)]))
                if all(np.hypot(*(xy - q)) >= separation for q in placed) and not lakes.contains(
                    Point(xy)
                ):
                    point = xy
                    break
            if point is None:
                _, index = tree.query(plan.centre)
                point = np.round(vertices[index] + np.array([20.0, 0.0]) * (len(placed) + 1))
            placed.append(point)
            name, kind, is_candidate, services = site
            site_id = f"{state.spec.id_prefix}site-{len(site_rows) + 1:03d}"
            inside = polygons[plan.locality_id].contains(Point(point))
            site_rows.append(
                {
                    "site_id": site_id,
                    "name": name,
                    "kind": kind,
                    "locality_id": plan.locality_id if inside else settings.RURAL_LOCALITY_ID,
                    "is_candidate": bool(is_candidate),
                }
            )
            site_points.append(Point(point))
            for category, service_name, operator, sector, hours, cost, capacity in services:
                service_rows.append(
                    {
                        "service_id": f"{state.spec.id_prefix}svc-{len(service_rows) + 1:03d}",
                        "category": category,
                        "name": service_name,
                        "operator": operator,
                        "sector": sector,
                        "site_id": site_id,
                        "opening_hours": _hours.format_hours(hours),
                        "hours_per_week": _hours.hours_per_week(hours),
                        "annual_cost_sek": float(cost),
                        "capacity": float(capacity),
                    }
                )
                service_points.append(Point(point))
    sites = gpd.GeoDataFrame(site_rows, geometry=site_points, crs=settings.CRS_METRIC)
    services = gpd.GeoDataFrame(service_rows, geometry=service_points, crs=settings.CRS_METRIC)
    return sites, services


# --- 6. Needs -------------------------------------------------------------------------------------
# fmt: off
#: Share of needs per category.
_NEED_WEIGHTS: Final[dict[str, float]] = {
    "grocery_full": 0.08, "grocery_convenience": 0.12, "pharmacy": 0.05, "pharmacy_agent": 0.10,
    "health_centre": 0.10, "school_primary": 0.05, "preschool": 0.05, "library": 0.05,
    "parcel_agent": 0.15, "cash": 0.08, "fuel": 0.07, "contact_office": 0.05, "other": 0.05,
}
#: Categories that answer a need: distance to the nearest of them decides where needs arise.
_NEED_SERVED_BY: Final[dict[str, tuple[str, ...]]] = {
    "grocery_full": ("grocery_full",),
    "grocery_convenience": ("grocery_full", "grocery_convenience"),
    "pharmacy": ("pharmacy",),
    "pharmacy_agent": ("pharmacy", "pharmacy_agent"),
    "health_centre": ("health_centre",),
    "school_primary": ("school_primary",),
    "preschool": ("preschool",),
    "library": ("library",),
    "parcel_agent": ("parcel_agent",),
    "cash": ("cash",),
    "fuel": ("fuel",),
    "contact_office": ("contact_office",),
    "other": ("health_centre",),
}
#: A need is "far" when the nearest answering service is farther than this (straight line), km.
_NEED_FAR_KM: Final = 3.0
#: Texts of needs far from (first tuple) and near to (second tuple) an answering service.
_NEED_TEXTS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "grocery_full": (
        ("Närmaste fullsortimentsbutik ligger ca {km} km bort; storhandlar en gång i månaden.",
         "Önskar en större matbutik närmare {place}."),
        ("Önskar större sortiment och fler ekologiska varor i butiken.",),
    ),
    "grocery_convenience": (
        ("Vi saknar en byabutik i {place}; närmaste butik ligger ca {km} km bort.",
         "Svårt att handla mat utan bil. Kan byn få en butik eller ett matombud?"),
        ("Önskar att butiken hade öppet längre på kvällar och helger.",),
    ),
    "pharmacy": (
        ("Långt till apoteket (ca {km} km). Önskar längre öppettider.",
         "Behöver hämta receptmedicin oftare än bussen går."),
        ("Önskar att apoteket hade öppet även på söndagar.",),
    ),
    "pharmacy_agent": (
        ("Önskar ett apoteksombud i {place}.",
         "Äldre i byn har svårt att hämta ut mediciner, närmaste ombud ligger ca {km} km bort."),
        ("Apoteksombudet borde kunna ta emot kylvaror.",),
    ),
    "health_centre": (
        ("Svårt att ta sig till vårdcentralen utan bil, ca {km} km enkel väg.",
         "Önskar att distriktssköterskan hade mottagning i {place} någon dag i veckan."),
        ("Svårt att få tid på vårdcentralen; önskar drop-in-mottagning.",),
    ),
    "school_primary": (
        ("Långa skolskjutsar för barnen, över en timme per dag.",
         "Vill att det finns en skola närmare {place}."),
        ("Önskar fler platser på fritidshemmet.",),
    ),
    "preschool": (
        ("Saknar förskoleplats nära hemmet; pendlar ca {km} km varje morgon.",
         "Önskar pedagogisk omsorg eller förskola i {place}."),
        ("Önskar förskola med kvällsöppet för oss som arbetar skift.",),
    ),
    "library": (
        ("Önskar bokbuss eller meröppet bibliotek i {place}.",
         "Biblioteket ligger ca {km} km bort; skulle vilja låna böcker närmare."),
        ("Önskar meröppet på biblioteket kvällar och helger.",),
    ),
    "parcel_agent": (
        ("Paketen hamnar ca {km} km bort. Önskar ett paketombud i {place}.",
         "Önskar paketskåp vid bygdegården."),
        ("Ombudet har för korta öppettider för oss som pendlar.",),
    ),
    "cash": (
        ("Behöver kunna ta ut kontanter närmare än ca {km} km.",
         "Föreningen behöver kunna sätta in dagskassan i närheten."),
        ("Uttagsautomaten är ofta tom på helgerna.",),
    ),
    "fuel": (
        ("Ingen drivmedelsstation inom ca {km} km. Önskar en tankautomat.",
         "Bygdemacken behöver stöd för att kunna finnas kvar."),
        ("Önskar laddstolpe för elbil vid macken.",),
    ),
    "contact_office": (
        ("Vill kunna få hjälp med kommunala ärenden på plats i {place}.",
         "Önskar en servicepunkt för hjälp med e-tjänster."),
        ("Önskar hjälp med e-legitimation och e-tjänster för äldre.",),
    ),
    "other": (
        ("Önskar bättre kollektivtrafik till centralorten.",
         "Mobiltäckningen är dålig i {place}.",
         "Önskar samåkningstjänst till vårdcentralen."),
        ("Önskar bättre gång- och cykelvägar till skolan.",
         "Önskar fler bussturer på helger."),
    ),
}
#: Who registers needs.
_REGISTRANT_WEIGHTS: Final = {
    "resident": 0.78, "association": 0.12, "business": 0.06, "public_body": 0.04,
}
# fmt: on


def _make_needs(
    state: _State,
    population: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    polygons: dict[str, Polygon],
) -> gpd.GeoDataFrame:
    """Registered needs, drawn where the named service is far from where people live."""
    rng = state.rng
    from scipy.spatial import cKDTree

    centroids = np.column_stack(
        [
            population.geometry.bounds["minx"] + CELL_M / 2,
            population.geometry.bounds["miny"] + CELL_M / 2,
        ]
    ).astype(float)
    weights_people = population["pop_total"].to_numpy().astype(float)
    names = {p.locality_id: p.name for p in state.localities}
    plan_centres = np.array([p.centre for p in state.localities])
    plan_names = [p.name for p in state.localities]
    categories = list(_NEED_WEIGHTS)
    chosen = rng.choice(len(categories), size=state.spec.need_count, p=list(_NEED_WEIGHTS.values()))
    distance_by_category: dict[str, np.ndarray] = {}
    for category in categories:
        answering = services[services["category"].isin(_NEED_SERVED_BY[category])]
        service_xy = shapely.get_coordinates(answering.geometry)
        distance_by_category[category] = cKDTree(service_xy).query(centroids)[0]
    rows: list[dict[str, object]] = []
    points: list[Point] = []
    registrants = list(_REGISTRANT_WEIGHTS)
    for number, category_index in enumerate(chosen, start=1):
        category = categories[category_index]
        distance_km = distance_by_category[category] / 1000.0
        weight = weights_people * (1.0 + distance_km) ** 1.6
        cell = int(rng.choice(len(weight), p=weight / weight.sum()))
        xy = centroids[cell] + rng.uniform(-110.0, 110.0, 2)
        xy = np.round(xy)
        locality_id = str(population["locality_id"].iloc[cell])
        place = (
            names.get(locality_id) or plan_names[int(np.argmin(np.hypot(*(plan_centres - xy).T)))]
        )
        far_texts, near_texts = _NEED_TEXTS[category]
        texts = far_texts if distance_km[cell] > _NEED_FAR_KM else near_texts
        template = texts[int(rng.integers(len(texts)))]
        text = template.format(km=round(float(distance_km[cell])), place=place)
        registrant = registrants[
            int(rng.choice(len(registrants), p=list(_REGISTRANT_WEIGHTS.values())))
        ]
        people = {
            "resident": 1 + int(min(rng.poisson(1.1), 5)),
            "association": int(rng.integers(10, 121)),
            "business": int(rng.integers(1, 21)),
            "public_body": int(rng.integers(5, 201)),
        }[registrant]
        age_days = float(rng.uniform(0.0, NEED_WINDOW_DAYS))
        created = (REFERENCE_DATE - pd.Timedelta(days=age_days)).floor("min")
        if age_days < 60:
            status_p = (0.80, 0.17, 0.02, 0.01, 0.0)
        elif age_days < 200:
            status_p = (0.55, 0.30, 0.08, 0.04, 0.03)
        else:
            status_p = (0.35, 0.35, 0.12, 0.10, 0.08)
        status = ("new", "reviewed", "planned", "resolved", "rejected")[
            int(rng.choice(5, p=status_p))
        ]
        inside = [lid for lid, poly in polygons.items() if poly.contains(Point(xy))]
        rows.append(
            {
                "need_id": f"{state.spec.need_id_prefix}{number:04d}",
                "category": category,
                "text": text,
                "registrant_type": registrant,
                "people_count": people,
                "created_at": created,
                "status": status,
                "locality_id": inside[0] if inside else settings.RURAL_LOCALITY_ID,
            }
        )
        points.append(Point(xy))
    frame = pd.DataFrame(rows)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    frame["people_count"] = frame["people_count"].astype(np.int64)
    return gpd.GeoDataFrame(frame, geometry=points, crs=settings.CRS_METRIC)


# --- Exempelbygd ----------------------------------------------------------------------------------
def _small(name: str, role: str, place: Place) -> LocalitySpec:
    return LocalitySpec(name, "small_village", role, place)


#: The demo municipality.
EXEMPELBYGD: Final = MunicipalitySpec(
    name=REGION_NAME,
    municipality=MUNICIPALITY,
    health_region=HEALTH_REGION,
    origin=ORIGIN,
    axis_deg=AXIS_DEG,
    total_population=TOTAL_POPULATION,
    main_river="Granälven",
    national_road="Granälvsvägen",
    tributaries=(
        Tributary("Lillån", 4_000.0, (14_000.0, 45_000.0)),
        Tributary("Svartån", -20_000.0, (-27_000.0, -45_000.0)),
        Tributary("Kvarnbäcken", 36_000.0, (45_000.0, 40_000.0)),
        Tributary("Myrån", 16_000.0, (9_000.0, -45_000.0)),
    ),
    river_lakes=(
        RiverLake("Långsjön", -14_000.0, 5_600.0, 950.0),
        RiverLake("Gäddsjön", 38_500.0, 3_600.0, 800.0),
        RiverLake("Forsjön", -44_000.0, 1_900.0, 600.0),
        RiverLake("Sandsjön", 20_000.0, 1_500.0, 500.0),
    ),
    lake_names=_LAKE_NAMES,
    localities=(
        LocalitySpec("Tallforsen", "town", "town", Valley(0.0, 0.9), 7_000),
        LocalitySpec("Norrsjövik", "village", "village_a", Valley(-31.0, 0.8), (1650, 1850)),
        LocalitySpec("Myrbacka", "village", "village_b", Valley(27.0, -0.9), (1250, 1450)),
        LocalitySpec("Lillåsen", "village", "village_c", Along("Lillån", 0.5, 700.0), (1050, 1200)),
        _small("Kallmyren", "small_shop", Valley(-47.0, 1.2)),
        _small("Gäddviken", "small", Valley(-14.0, -2.6)),
        _small("Hökbacken", "small", Valley(13.0, 1.1)),
        _small("Sjönäs", "small", Valley(38.0, -2.2)),
        _small("Renbäcken", "small_shop_fuel", Valley(47.0, -0.9)),
        _small("Tjärnås", "small_school_preschool", Along("Lillån", 0.22, -600.0)),
        _small("Granberget", "small_shop_lean", Along("Lillån", 0.8, 500.0)),
        _small("Svartliden", "small_fuel", Along("Svartån", 0.35, 600.0)),
        _small("Videsel", "small", Along("Svartån", 0.72, -500.0)),
        _small("Kvarnbäcken", "small", Along("Kvarnbäcken", 0.5, 500.0)),
        _small("Rödmyra", "small_school", Along("Myrån", 0.38, 600.0)),
        _small("Lomtjärn", "small", Along("Myrån", 0.78, -500.0)),
        _small("Ormsjön", "small_parcel_point", Inland(-40.0, 11.0)),
        _small("Blåbärsliden", "small", Inland(-37.0, -12.0)),
        _small("Hällnäs", "small", Inland(-6.0, 14.0)),
        _small("Stormyrheden", "small", Inland(-3.0, -15.0)),
        _small("Orrberget", "small", Inland(25.0, 15.0)),
        _small("Laxede", "small_field_station", Inland(32.0, -13.0)),
    ),
    county_roads=(
        RoadLink("Lillåsvägen", to_locality="lillasen"),
        RoadLink("Lillåsvägen", to_river_end="Lillån"),
        RoadLink("Svartåvägen", to_river_end="Svartån"),
        RoadLink("Myråvägen", to_locality="lomtjarn"),
        RoadLink("Myråvägen", to_river_end="Myrån"),
        RoadLink("Kvarnbäcksvägen", to_river_end="Kvarnbäcken"),
    ),
    loops=(("tjarnas", "kvarnbacken"), ("ormsjon", "kallmyren"), ("blabarsliden", "videsel")),
    street_names=_STREET_NAMES,
)


# --- Assembly -------------------------------------------------------------------------------------
def _speeds(rng: np.random.Generator, classes: list[str]) -> np.ndarray:
    out = np.empty(len(classes))
    for i, road_class in enumerate(classes):
        values, probabilities = SPEED_CHOICES_KMH[road_class]
        out[i] = values[int(rng.choice(len(values), p=probabilities))]
    return out


def road_layer(
    rng: np.random.Generator, lines: list[tuple[np.ndarray, str, str]], first_id: int = 1
) -> gpd.GeoDataFrame:
    """Return a ``roads`` layer of ``(coords, road_class, name)`` lines, speeds drawn by class."""
    classes = [road_class for _, road_class, _ in lines]
    return gpd.GeoDataFrame(
        {
            "road_id": np.arange(first_id, first_id + len(lines), dtype=np.int64),
            "road_class": classes,
            "speed_kmh": _speeds(rng, classes),
            "name": [name for _, _, name in lines],
            "oneway": np.zeros(len(lines), dtype=bool),
        },
        geometry=[LineString(coords) for coords, _, _ in lines],
        crs=settings.CRS_METRIC,
    )


def generate_municipality(
    spec: MunicipalitySpec, rng: np.random.Generator
) -> dict[str, gpd.GeoDataFrame]:
    """Generate the layers of one municipality from its parameters and a random stream.

    Parameters
    ----------
    spec
        What to generate (:data:`EXEMPELBYGD` for the demo municipality).
    rng
        The one random stream every step draws from, in a fixed order.

    Returns
    -------
    dict
        Layer name to GeoDataFrame (EPSG:3006), the layers of :data:`analysis.model.LAYERS`.
    """
    state = _State(rng, spec)
    _make_boundary(state)
    river, lines = _make_rivers(state)
    _make_localities(state, river, lines)
    _make_lakes(state, river)
    _make_road_network(state, lines)
    _make_streets(state)
    _make_lanes_and_paths(state)
    _finalise_roads(state)
    _shrink_lakes_off_roads(state)
    rows, polygons = _make_population(state)
    population = _population_layer(state, rows, polygons)
    sites, services = _make_sites_and_services(state, polygons)
    needs = _make_needs(state, population, services, polygons)
    assert state.boundary is not None
    crs = settings.CRS_METRIC

    roads = road_layer(state.rng, [(r.coords, r.road_class, r.name) for r in state.roads])
    water = gpd.GeoDataFrame(
        {
            "kind": ["lake"] * len(state.lakes) + ["river"] * len(state.rivers),
            "name": [n for n, _ in state.lakes] + [n for n, _ in state.rivers],
        },
        geometry=[shapely.set_precision(p, 1.0) for _, p in state.lakes]
        + [g for _, g in state.rivers],
        crs=crs,
    )
    population_by_locality = population.groupby("locality_id")["pop_total"].sum()
    localities = gpd.GeoDataFrame(
        {
            "locality_id": [p.locality_id for p in state.localities],
            "name": [p.name for p in state.localities],
            "kind": [p.kind for p in state.localities],
            "population": np.array(
                [int(population_by_locality.get(p.locality_id, 0)) for p in state.localities],
                dtype=np.int64,
            ),
        },
        geometry=[polygons[p.locality_id] for p in state.localities],
        crs=crs,
    )
    boundary = gpd.GeoDataFrame({"name": [spec.name]}, geometry=[state.boundary], crs=crs)
    return {
        "boundary": boundary,
        "roads": roads,
        "water": water,
        "localities": localities,
        "population": population,
        "sites": sites,
        "services": services,
        "needs": needs,
    }


def generate(seed: int = DEFAULT_SEED) -> tuple[RegionInfo, dict[str, gpd.GeoDataFrame]]:
    """Generate the Exempelbygd region package in memory.

    Parameters
    ----------
    seed
        Seed of the single random stream; the same seed gives identical layers.

    Returns
    -------
    tuple
        The :class:`analysis.io.RegionInfo` and a dict of layer name to GeoDataFrame
        (EPSG:3006), ready for :func:`analysis.io.write_region`.
    """
    return DEMO.info(seed), generate_municipality(EXEMPELBYGD, np.random.default_rng(seed))


#: The generator: ``DEMO.build(target_dir, force, seed)`` writes the package.
DEMO: Final = DemoRegion(
    region_id=REGION_ID,
    name=REGION_NAME,
    version=GENERATOR_VERSION,
    default_seed=DEFAULT_SEED,
    module="geodata.exempelbygd",
    description=(
        "Exempelbygd är en påhittad glesbygdskommun i norrländskt inland, skapad för att "
        "visa och testa Servicekartan. Orter, vägar, sjöar, befolkning, servicepunkter och "
        "behov är slumpmässigt genererade och beskriver inga verkliga platser eller personer."
    ),
    about="Build the fictional demo region Exempelbygd.",
    layers=lambda seed: generate(seed)[1],
)
build = DEMO.build
main = DEMO.main


if __name__ == "__main__":
    sys.exit(main())
