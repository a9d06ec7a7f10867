"""Reading and writing region packages: the one module that touches ``geodata/`` files.

A region package is a folder ``<regions dir>/<region id>/`` holding ``region.json`` and one
GeoParquet file per layer of :data:`analysis.model.LAYERS`.  Built-in packages live under
``geodata/regions``; packages imported by users under ``<data dir>/regions``.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from analysis import settings
from analysis.errors import DataModelError, UnknownRegionError
from analysis.model import LAYERS, validate_layer

REGION_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(frozen=True)
class RegionInfo:
    """What ``region.json`` says about a region package."""

    region_id: str
    name: str
    fictional: bool
    description: str = ""
    municipality_code: str = ""
    sources: tuple[str, ...] = ()
    path: Path = field(default=Path("."), compare=False)

    def to_json(self) -> dict[str, Any]:
        """Return the ``region.json`` content."""
        return {
            "region_id": self.region_id,
            "name": self.name,
            "fictional": self.fictional,
            "description": self.description,
            "municipality_code": self.municipality_code,
            "sources": list(self.sources),
            "crs": settings.CRS_METRIC,
        }


@dataclass(frozen=True)
class Region:
    """A loaded region package: its metadata and every layer, in EPSG:3006."""

    info: RegionInfo
    boundary: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    water: gpd.GeoDataFrame
    localities: gpd.GeoDataFrame
    population: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    services: gpd.GeoDataFrame
    needs: gpd.GeoDataFrame | None = None

    def layer(self, name: str) -> gpd.GeoDataFrame | None:
        """Return the layer called ``name``."""
        value: gpd.GeoDataFrame | None = getattr(self, name)
        return value


def _search_dirs(extra: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    return (*extra, settings.BUILTIN_REGIONS_DIR, settings.IMPORTED_REGIONS_DIR)


def _read_info(folder: Path) -> RegionInfo:
    raw = json.loads((folder / "region.json").read_text(encoding="utf-8"))
    return RegionInfo(
        region_id=str(raw["region_id"]),
        name=str(raw["name"]),
        fictional=bool(raw.get("fictional", False)),
        description=str(raw.get("description", "")),
        municipality_code=str(raw.get("municipality_code", "")),
        sources=tuple(str(s) for s in raw.get("sources", ())),
        path=folder,
    )


def list_regions(search_dirs: tuple[Path, ...] = ()) -> list[RegionInfo]:
    """Return every region package found, built-in ones first, sorted by name within each."""
    found: dict[str, RegionInfo] = {}
    for base in _search_dirs(search_dirs):
        if not base.is_dir():
            continue
        for folder in sorted(base.iterdir()):
            if (folder / "region.json").is_file() and folder.name not in found:
                found[folder.name] = _read_info(folder)
    return list(found.values())


def region_path(region_id: str, search_dirs: tuple[Path, ...] = ()) -> Path:
    """Return the folder of region ``region_id``.

    Raises
    ------
    UnknownRegionError
        If no package has that id; the message lists the ones that exist.
    """
    for base in _search_dirs(search_dirs):
        folder = base / region_id
        if REGION_ID_PATTERN.match(region_id) and (folder / "region.json").is_file():
            return folder
    known = ", ".join(info.region_id for info in list_regions(search_dirs)) or "(none)"
    raise UnknownRegionError(
        f"Unknown region {region_id!r}; the regions are: {known}. "
        "Build the demo region with `python -m geodata.exempelbygd`.",
        f"Okänt område {region_id!r}; tillgängliga områden: {known}.",
    )


def load_region(region_id: str, search_dirs: tuple[Path, ...] = ()) -> Region:
    """Load and validate every layer of region ``region_id``."""
    folder = region_path(region_id, search_dirs)
    layers: dict[str, gpd.GeoDataFrame | None] = {}
    for name, layer in LAYERS.items():
        file = folder / f"{name}.parquet"
        if not file.is_file():
            if layer.required:
                raise DataModelError(
                    f"Region {region_id!r} lacks the layer file {file.name}.",
                    f"Området {region_id!r} saknar lagerfilen {file.name}.",
                )
            layers[name] = None
            continue
        layers[name] = validate_layer(name, gpd.read_parquet(file))
    return Region(info=_read_info(folder), **layers)  # type: ignore[arg-type]


def write_region(info: RegionInfo, layers: dict[str, gpd.GeoDataFrame], target_dir: Path) -> Path:
    """Validate ``layers`` and write them as a region package under ``target_dir``.

    The package is written to a temporary folder first and moved into place only when every
    layer is valid and written, so a failed write never leaves a half-written region behind and
    never touches an existing package.
    """
    if not REGION_ID_PATTERN.match(info.region_id):
        raise DataModelError(
            f"Region id {info.region_id!r} must be lower-case letters, digits, - or _.",
            f"Områdets id {info.region_id!r} får bara innehålla små bokstäver, siffror, - och _.",
        )
    for name, layer in LAYERS.items():
        if layer.required and name not in layers:
            raise DataModelError(f"Layer {name!r} is required.", f"Lagret {name!r} krävs.")
    for name, frame in layers.items():
        validate_layer(name, frame)
    target_dir.mkdir(parents=True, exist_ok=True)
    final = target_dir / info.region_id
    staging = Path(tempfile.mkdtemp(prefix=f".{info.region_id}-", dir=target_dir))
    try:
        for name, frame in layers.items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
        (staging / "region.json").write_text(
            json.dumps(info.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        staging.chmod(0o755)  # mkdtemp creates 0700; a package is readable like any data folder
        if final.exists():
            backup = target_dir / f".{info.region_id}.old"
            shutil.rmtree(backup, ignore_errors=True)
            final.rename(backup)
            staging.rename(final)
            shutil.rmtree(backup, ignore_errors=True)
        else:
            staging.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


#: Folder inside a region package that holds results derived from it (routing baselines).
DERIVED_DIR: Final = "derived"


def _derived_file(region_id: str, key: str, search_dirs: tuple[Path, ...] = ()) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
    return region_path(region_id, search_dirs) / DERIVED_DIR / f"{safe}.npz"


def read_derived(region_id: str, key: str, search_dirs: tuple[Path, ...] = ()) -> bytes | None:
    """Return the derived result ``key`` stored in the region's package, or None.

    Derived results (a baseline routing state) are written at set-up or import time by
    :func:`write_derived`, so a server with a new, empty data folder does not compute them again.
    """
    file = _derived_file(region_id, key, search_dirs)
    return file.read_bytes() if file.is_file() else None


def write_derived(
    region_id: str, key: str, payload: bytes, search_dirs: tuple[Path, ...] = ()
) -> Path:
    """Store ``payload`` as the derived result ``key`` in the region's package; return its path.

    Written to a temporary name and renamed, so a reader never sees half a file; older
    results in the folder (other keys: other inputs or engine versions) are removed.
    """
    file = _derived_file(region_id, key, search_dirs)
    file.parent.mkdir(exist_ok=True)
    partial = file.with_name(f".{file.name}.{os.getpid()}.partial")
    partial.write_bytes(payload)
    partial.chmod(0o644)
    partial.replace(file)
    for old in file.parent.glob("*.npz"):
        if old != file:
            old.unlink(missing_ok=True)
    return file


def planner_password_hash_path() -> Path:
    """Return the file holding the local planner password hash (inside the data folder)."""
    return settings.DATA_DIR / "planner_password_hash"


def read_planner_password_hash() -> str | None:
    """Return the stored local planner password hash, or None when none is set."""
    path = planner_password_hash_path()
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def write_planner_password(password: str, password_hash: str) -> Path:
    """Store the hash (read by the app) and the password (for the person who set up the app).

    Both files are created readable by their owner only.  Returns the password file's path.
    """
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    hash_path = planner_password_hash_path()
    password_path = settings.DATA_DIR / "planner_password.txt"
    for path, text in ((hash_path, password_hash), (password_path, password)):
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        path.write_text(text + "\n", encoding="utf-8")
    return password_path


OUTPUT_FORMATS = (".parquet", ".gpkg", ".geojson", ".csv", ".json")


def write_output(frame: pd.DataFrame, path: Path) -> Path:
    """Write a result table in the format its suffix names; return the path.

    ``.parquet`` (GeoParquet when ``frame`` is a GeoDataFrame), ``.gpkg`` and ``.geojson``
    (geometry required; GeoJSON is written in EPSG:4326 as the format demands, with ``inf``
    as null), ``.csv``
    (UTF-8; geometry written as WKT) and ``.json`` (records).

    Raises
    ------
    DataModelError
        For an unknown suffix, or a geographic format without geometry.
    """
    suffix = path.suffix.lower()
    if suffix not in OUTPUT_FORMATS:
        raise DataModelError(
            f"Unknown output format {suffix!r}; use one of {', '.join(OUTPUT_FORMATS)}.",
            f"Okänt filformat {suffix!r}; välj något av {', '.join(OUTPUT_FORMATS)}.",
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    is_geo = isinstance(frame, gpd.GeoDataFrame)
    if suffix in (".gpkg", ".geojson") and not is_geo:
        raise DataModelError(
            f"{suffix} needs geometry; write this table as .csv or .parquet.",
            f"{suffix} kräver geometri; skriv tabellen som .csv eller .parquet.",
        )
    if suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix == ".gpkg":
        frame.to_file(path, driver="GPKG", layer=path.stem)
    elif suffix == ".geojson":
        # JSON has no infinity: unreachable (inf) becomes null, as GIS tools expect.
        numeric = frame.select_dtypes("number").columns
        finite = frame.assign(**{c: frame[c].where(np.isfinite(frame[c])) for c in numeric})
        finite.to_crs(settings.CRS_DISPLAY).to_file(path, driver="GeoJSON")
    elif suffix == ".csv":
        plain = pd.DataFrame(frame.to_wkt()) if is_geo else frame
        plain.to_csv(path, index=False)
    else:
        plain = pd.DataFrame(frame.to_wkt()) if is_geo else frame
        path.write_text(
            plain.to_json(orient="records", force_ascii=False, indent=1), encoding="utf-8"
        )
    return path


def write_json(document: Any, path: Path) -> Path:
    """Write ``document`` as UTF-8 JSON (non-finite numbers become null); return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(_finite(document), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    return path


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
