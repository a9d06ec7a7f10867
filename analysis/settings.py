"""Typed, documented constants for the whole engine.

Everything a planner might want to tune (speeds, thresholds, paths) lives here, in one place,
so that a number in the UI can be traced back to one definition.  Environment variables
override paths only; no secrets are read here (secrets belong to ``ui/``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

# --- Coordinate reference systems -------------------------------------------------------------
#: Computation CRS: SWEREF 99 TM, metres.  Every distance and area is computed in this CRS.
CRS_METRIC: Final = "EPSG:3006"
#: Display CRS: WGS 84 longitude/latitude, used only when drawing maps.
CRS_DISPLAY: Final = "EPSG:4326"

# --- Paths ------------------------------------------------------------------------------------
#: Repository root (resolved from this file, never from the working directory).
REPO_ROOT: Final = Path(__file__).resolve().parent.parent
#: Built-in region packages shipped with (or generated inside) the repository.
BUILTIN_REGIONS_DIR: Final = REPO_ROOT / "geodata" / "regions"
#: Writable data folder: the DuckDB store and imported region packages.  Not tracked by git.
DATA_DIR: Final = Path(os.environ.get("SERVICEKARTAN_DATA_DIR", REPO_ROOT / "var"))
#: Region packages imported by users.
IMPORTED_REGIONS_DIR: Final = DATA_DIR / "regions"
#: The DuckDB file holding everything users write (needs, scenarios) and cached results.
STORE_PATH: Final = Path(os.environ.get("SERVICEKARTAN_DB", DATA_DIR / "servicekartan.duckdb"))
#: The region shown when nothing else is chosen.
DEFAULT_REGION: Final = "exempelbygd"

# --- Travel modes -----------------------------------------------------------------------------
#: Modes of travel, in the order the UI lists them.
MODES: Final = ("car", "bike", "walk")
#: Cycling speed on any road open to bicycles, km/h.
BIKE_SPEED_KMH: Final = 15.0
#: Walking speed, km/h.  Also the speed of the access leg from a point to the nearest road.
WALK_SPEED_KMH: Final = 5.0
#: Car speed by road class when a road has no explicit ``speed_kmh``, km/h.
CAR_SPEED_BY_CLASS_KMH: Final[dict[str, float]] = {
    "motorway": 110.0,
    "national": 90.0,
    "county": 75.0,
    "local": 60.0,
    "gravel": 40.0,
    "street": 40.0,
    "path": 0.0,  # not drivable
}
#: Speed of the access leg (from a cell centre or service point to the snapped road point), km/h.
#: Everyone walks the last bit, whatever the mode: a conservative, documented assumption.
ACCESS_SPEED_KMH: Final = WALK_SPEED_KMH
#: A point farther than this from any road is flagged as "off network" instead of getting a huge
#: travel time silently.
MAX_SNAP_DISTANCE_M: Final = 2_000.0

# --- Indicators -------------------------------------------------------------------------------
#: Travel-time thresholds, minutes (shares of residents within each are reported).
THRESHOLDS_MIN: Final = (5, 10, 20, 30, 45)
#: Age groups of the population grid: column name -> (lowest, highest) age, inclusive.
AGE_GROUPS: Final[dict[str, tuple[int, int | None]]] = {
    "pop_0_15": (0, 15),
    "pop_16_64": (16, 64),
    "pop_65_79": (65, 79),
    "pop_80_plus": (80, None),
}
#: E2SFCA catchment, minutes, and the Gaussian-like step weights for its sub-zones.
E2SFCA_CATCHMENT_MIN: Final = 30.0
E2SFCA_STEPS_MIN: Final = (10.0, 20.0, 30.0)
E2SFCA_WEIGHTS: Final = (1.0, 0.68, 0.22)
#: Services within this walking radius (straight line, metres) of each other count as "one place"
#: for the service-bundle index: one stop, one parked car, several errands.
ONE_PLACE_RADIUS_M: Final = 300.0
#: Name of the rural-area pseudo-locality for cells outside every locality polygon.
RURAL_LOCALITY_ID: Final = "glesbygd"

# --- Public display -------------------------------------------------------------------------------
#: A public map never shows an aggregate of fewer registered needs than this (k-anonymity).
PUBLIC_MIN_NEEDS_PER_CELL: Final = 5
#: Longest free text of a registered need, characters.
NEED_TEXT_MAX_CHARS: Final = 500
