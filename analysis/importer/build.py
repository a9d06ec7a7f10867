"""Compose the importer steps into a region package: stage, read, clip, check, write.

Every input is staged and checked, every layer built, validated and the quality report
computed *before* anything is written; the package is then written atomically by
:func:`analysis.io.write_region`.  A failed import therefore leaves the target folder (and any
existing region) exactly as it was.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from analysis import settings
from analysis.errors import NetworkError, ServicekartanError, ValidationError
from analysis.importer import boundary as boundary_step
from analysis.importer import osm as osm_step
from analysis.importer import population as population_step
from analysis.importer import quality
from analysis.importer import services as services_step
from analysis.importer.readers import read_vector
from analysis.importer.validate import (
    DEFAULT_LIMITS,
    Limits,
    StagedInput,
    remove_workdir,
    stage_input,
)
from analysis.io import REGION_ID_PATTERN, RegionInfo, write_region
from analysis.model import LAYERS, validate_layer

#: An input: a local path, or an upload as (file name, bytes).
Input = Path | str | tuple[str, bytes]
Progress = Callable[[float, str], None]

#: Below this share of drivable road length in the largest connected fragment the quality
#: report warns (a county extract cut at the buffer edge normally keeps > 95 %).
WARN_LARGEST_FRAGMENT_SHARE: Final = 0.90
#: Below this share the import fails: the roads do not form a network (wrong or broken file).
FAIL_LARGEST_FRAGMENT_SHARE: Final = 0.50


@dataclass(frozen=True)
class PreparedRegion:
    """Every layer of an import, validated, with its quality report; nothing written yet."""

    info: RegionInfo
    layers: dict[str, gpd.GeoDataFrame]
    report: dict[str, Any]


def _stage(source: Input, workdir: Path, allowed: tuple[str, ...], limits: Limits) -> StagedInput:
    if isinstance(source, tuple):
        name, content = source
        return stage_input(content, workdir, allowed=allowed, name=name, limits=limits)
    return stage_input(source, workdir, allowed=allowed, limits=limits)


def _report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(fraction, message)


def _clip_lines(frame: gpd.GeoDataFrame, area: Any) -> gpd.GeoDataFrame:
    clipped = gpd.clip(frame, area)
    clipped = clipped[clipped.geom_type.isin(("LineString", "MultiLineString"))]
    exploded = clipped.explode(index_parts=False, ignore_index=True)
    exploded = exploded[exploded.geom_type == "LineString"]
    return exploded[exploded.geometry.length > 0].reset_index(drop=True)


def _clip_water(frame: gpd.GeoDataFrame, area: Any) -> gpd.GeoDataFrame:
    if frame.empty:
        return frame
    frame = frame.copy()
    frame["geometry"] = frame.geometry.make_valid()
    clipped = gpd.clip(frame, area).explode(index_parts=False, ignore_index=True)
    polygons = clipped[clipped.geom_type == "Polygon"]
    lines = clipped[clipped.geom_type == "LineString"]
    merged = pd.concat([polygons, lines], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=settings.CRS_METRIC)


def _empty_points(columns: dict[str, str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {name: pd.Series(dtype=dtype) for name, dtype in columns.items()},
        geometry=gpd.GeoSeries([], crs=settings.CRS_METRIC),
    )


_SERVICE_DTYPES: Final = {
    "service_id": "object",
    "category": "object",
    "name": "object",
    "operator": "object",
    "sector": "object",
    "site_id": "object",
    "opening_hours": "object",
    "hours_per_week": "float64",
    "annual_cost_sek": "float64",
    "capacity": "float64",
}
_SITE_DTYPES: Final = {
    "site_id": "object",
    "name": "object",
    "kind": "object",
    "locality_id": "object",
    "is_candidate": "bool",
}


def osm_services_and_sites(pois: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Turn mapped OSM objects into the ``services`` and ``sites`` layers.

    Every mapped object is a site (``osm-n123``); each of its categories a service
    (``osm-n123-grocery_full``) at the site's point.  Cost defaults to 0 and capacity to NaN;
    hours per week come from ``opening_hours`` when it is simple enough to read.
    """
    if pois.empty:
        return _empty_points(_SERVICE_DTYPES), _empty_points(_SITE_DTYPES)
    site_id = "osm-" + pois["osm_id"].astype(str)
    sites = gpd.GeoDataFrame(
        {
            "site_id": site_id.astype(object),
            "name": pois["name"].astype(object),
            "kind": pois["site_kind"].astype(object),
            "locality_id": pd.Series(settings.RURAL_LOCALITY_ID, index=pois.index, dtype=object),
            # ATMs and parcel lockers (kind "other") cannot host other services.
            "is_candidate": (pois["site_kind"] != "other").astype(bool),
        },
        geometry=pois.geometry,
        crs=settings.CRS_METRIC,
    )
    rows = []
    for index, row in pois.iterrows():
        for category, sector in zip(row["categories"], row["sectors"], strict=True):
            rows.append(
                {
                    "service_id": f"{site_id[index]}-{category}",
                    "category": category,
                    "name": row["name"],
                    "operator": row["operator"],
                    "sector": sector,
                    "site_id": site_id[index],
                    "opening_hours": row["opening_hours"],
                    "hours_per_week": osm_step.hours_per_week(row["opening_hours"]),
                    "annual_cost_sek": 0.0,
                    "capacity": np.nan,
                    "geometry": row["geometry"],
                }
            )
    if not rows:
        return _empty_points(_SERVICE_DTYPES), sites.reset_index(drop=True)
    services = gpd.GeoDataFrame(rows, geometry="geometry", crs=settings.CRS_METRIC)
    services = services.astype(dict(_SERVICE_DTYPES))
    return services.reset_index(drop=True), sites.reset_index(drop=True)


def _wgs84_bbox(area: Any) -> tuple[float, float, float, float]:
    transformer = Transformer.from_crs(settings.CRS_METRIC, settings.CRS_DISPLAY, always_xy=True)
    left, bottom, right, top = area.bounds
    west, south, east, north = transformer.transform_bounds(left, bottom, right, top)
    return (float(west), float(south), float(east), float(north))


def _mappings(
    mappings: Sequence[dict[str, str]] | dict[str, str] | None, count: int
) -> list[dict[str, str]]:
    if mappings is None:
        return [{} for _ in range(count)]
    if isinstance(mappings, dict):
        return [dict(mappings) for _ in range(count)]
    listed = [dict(m) for m in mappings]
    if len(listed) != count:
        raise ValidationError(
            f"{len(listed)} column mappings for {count} service lists.",
            f"{len(listed)} kolumnmappningar för {count} servicelistor; ange en per lista.",
        )
    return listed


def prepare_region(
    region_id: str,
    name: str,
    osm_path: Input,
    boundary_path: Input | None,
    population_path: Input,
    *,
    municipality: str | None = None,
    municipality_name: str | None = None,
    services_paths: Sequence[Input] = (),
    services_mappings: Sequence[dict[str, str]] | dict[str, str] | None = None,
    services_crs: str | int | None = None,
    category_values: dict[str, str] | None = None,
    localities_path: Input | None = None,
    boundary_layer: str | None = None,
    population_layer: str | None = None,
    localities_layer: str | None = None,
    buffer_m: float = boundary_step.DEFAULT_BUFFER_M,
    cell_size_m: int | None = None,
    category_mapping: Path | None = None,
    warn_largest_share: float = WARN_LARGEST_FRAGMENT_SHARE,
    fail_largest_share: float = FAIL_LARGEST_FRAGMENT_SHARE,
    description: str = "",
    limits: Limits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    location_storage: str = "flex_mem",
) -> PreparedRegion:
    """Read, clip and check every input and return the layers and quality report (no writes).

    Parameters are those of :func:`build_region_package`.
    """
    if not REGION_ID_PATTERN.match(region_id):
        raise ValidationError(
            f"Region id {region_id!r} must be lower-case letters, digits, - or _.",
            f"Områdets id {region_id!r} får bara innehålla små bokstäver, siffror, - och _.",
        )
    if buffer_m < 0 or not np.isfinite(buffer_m):
        raise ValidationError(
            f"The buffer must be a non-negative distance, got {buffer_m}.",
            f"Buffertavståndet ska vara ett avstånd i meter (0 eller mer), inte {buffer_m}.",
        )
    workdir = Path(tempfile.mkdtemp(prefix="servicekartan-import-"))
    workdir.chmod(0o700)
    try:
        return _prepare(
            workdir,
            region_id,
            name,
            osm_path,
            boundary_path,
            population_path,
            municipality=municipality,
            municipality_name=municipality_name,
            services_paths=services_paths,
            services_mappings=services_mappings,
            services_crs=services_crs,
            category_values=category_values,
            localities_path=localities_path,
            boundary_layer=boundary_layer,
            population_layer=population_layer,
            localities_layer=localities_layer,
            buffer_m=buffer_m,
            cell_size_m=cell_size_m,
            category_mapping=category_mapping,
            warn_largest_share=warn_largest_share,
            fail_largest_share=fail_largest_share,
            description=description,
            limits=limits,
            progress=progress,
            location_storage=location_storage,
        )
    finally:
        remove_workdir(workdir)


def _prepare(  # noqa: C901 - one linear recipe, easier to read in one place
    workdir: Path,
    region_id: str,
    name: str,
    osm_path: Input,
    boundary_path: Input | None,
    population_path: Input,
    *,
    municipality: str | None,
    municipality_name: str | None,
    services_paths: Sequence[Input],
    services_mappings: Sequence[dict[str, str]] | dict[str, str] | None,
    services_crs: str | int | None,
    category_values: dict[str, str] | None,
    localities_path: Input | None,
    boundary_layer: str | None,
    population_layer: str | None,
    localities_layer: str | None,
    buffer_m: float,
    cell_size_m: int | None,
    category_mapping: Path | None,
    warn_largest_share: float,
    fail_largest_share: float,
    description: str,
    limits: Limits,
    progress: Progress | None,
    location_storage: str,
) -> PreparedRegion:
    dropped: list[dict[str, Any]] = []
    notes: list[str] = []
    warnings: list[str] = []

    def record(layer: str, reason: str, count: int) -> None:
        if count:
            dropped.append({"layer": layer, "reason": reason, "count": int(count)})

    _report(progress, 0.0, "checking input files")
    staged_osm = _stage(osm_path, workdir, ("pbf", "osm_xml"), limits)
    staged_boundary = (
        _stage(boundary_path, workdir, ("geojson", "gpkg"), limits) if boundary_path else None
    )
    staged_population = _stage(population_path, workdir, ("csv", "gpkg", "geojson"), limits)
    staged_lists = [
        _stage(source, workdir, ("csv", "geojson", "gpkg"), limits) for source in services_paths
    ]
    staged_localities = (
        _stage(localities_path, workdir, ("geojson", "gpkg"), limits) if localities_path else None
    )
    rules = osm_step.load_category_mapping(category_mapping)

    _report(progress, 0.05, "reading the boundary")
    if staged_boundary is not None:
        boundaries = read_vector(staged_boundary, boundary_layer, prefer=("kommun",))
    else:
        boundaries = osm_step.read_osm_boundaries(staged_osm.path)
        if boundaries.empty:
            raise ValidationError(
                "The OSM extract holds no complete municipality boundary (admin_level 7); "
                "give a boundary file.",
                "OSM-extraktet innehåller ingen hel kommungräns (admin_level=7). Ange en "
                "gränsfil (GeoJSON eller GeoPackage) eller ett större extrakt.",
            )
    boundary = boundary_step.select_municipality(
        boundaries, code=municipality, name=municipality_name
    )
    area = boundary.geometry.iloc[0].buffer(buffer_m)

    _report(progress, 0.1, "reading the population grid")
    grid = population_step.read_population(
        staged_population, cell_size_m=cell_size_m, layer=population_layer
    )
    notes += grid.notes
    cells, outside = population_step.clip_population(grid.frame, boundary)
    record("population", "cell centre outside the municipality", outside)
    if cells.empty:
        raise ValidationError(
            "No population cell lies inside the municipality; is the grid for another area or "
            "in another CRS?",
            "Ingen befolkningsruta ligger inom kommunen. Kontrollera att rutfilen gäller rätt "
            "område och att koordinaterna är i SWEREF 99 TM (EPSG:3006).",
        )

    # Service lists are read before the (slow) OSM pass so that their errors come early.
    listed = []
    for index, (staged, mapping) in enumerate(
        zip(staged_lists, _mappings(services_mappings, len(staged_lists)), strict=True), start=1
    ):
        _report(progress, 0.15, f"reading service list {staged.label}")
        result = services_step.read_service_list(
            staged,
            mapping=mapping,
            crs=services_crs,
            category_values=category_values,
            boundary=gpd.GeoDataFrame(geometry=[area], crs=settings.CRS_METRIC),
        )
        services_step.raise_on_errors(result, staged.label)
        notes += [f"{staged.label}: {note}" for note in result.notes]
        listed.append(services_step.list_to_layers(result, f"list{index}"))

    _report(progress, 0.2, "reading OpenStreetMap (roads, water, services)")

    def osm_progress(count: float, message: str) -> None:
        _report(progress, count, message)

    extract = osm_step.read_osm(
        staged_osm.path,
        bbox_wgs84=_wgs84_bbox(area),
        rules=rules,
        progress=osm_progress if progress else None,
        location_storage=location_storage,
    )
    for reason, count in extract.dropped.items():
        record("osm", reason, count)

    _report(progress, 0.7, "clipping to the municipality and its buffer")
    roads = _clip_lines(extract.roads, area)
    roads["road_id"] = np.arange(1, len(roads) + 1, dtype=np.int64)
    water = _clip_water(extract.water, area)
    pois = extract.pois[extract.pois.within(area)].reset_index(drop=True)
    record("services", "OSM point outside the buffer", len(extract.pois) - len(pois))
    if roads.empty:
        raise NetworkError(
            "The OSM extract has no roads inside the municipality; is it the right extract?",
            "OSM-extraktet har inga vägar inom kommunen. Kontrollera att extraktet täcker "
            "kommunen (t.ex. rätt län) och att rätt kommunkod angetts.",
        )

    services, sites = osm_services_and_sites(pois)
    if (services["annual_cost_sek"] == 0).any():
        notes.append(
            "OSM gives no costs: annual_cost_sek is 0 for every OSM service; enter real costs "
            "before using cost figures"
        )
    unknown_hours = int(services["hours_per_week"].isna().sum())
    if unknown_hours:
        notes.append(f"{unknown_hours} services without readable opening hours (hours NaN)")
    if listed:
        list_services = pd.concat([pair[0] for pair in listed], ignore_index=True)
        list_sites = pd.concat([pair[1] for pair in listed], ignore_index=True)
        replaced = set(list_services["category"])
        before = len(services)
        services = services[~services["category"].isin(replaced)]
        record(
            "services",
            "OSM service replaced by the municipality's list of its category",
            before - len(services),
        )
        keep_sites = sites["site_id"].isin(services["site_id"]) | sites["kind"].eq("village_hall")
        record("sites", "OSM site left without a service", int((~keep_sites).sum()))
        sites = sites[keep_sites]
        services = gpd.GeoDataFrame(
            pd.concat([services, list_services], ignore_index=True),
            geometry="geometry",
            crs=settings.CRS_METRIC,
        )
        sites = gpd.GeoDataFrame(
            pd.concat([sites, list_sites], ignore_index=True),
            geometry="geometry",
            crs=settings.CRS_METRIC,
        )
        for column, label in (("service_id", "services"), ("site_id", "sites")):
            frame = services if label == "services" else sites
            duplicated = frame[column][frame[column].duplicated()].tolist()
            if duplicated:
                raise ValidationError(
                    f"Duplicated {column} across the service lists: {duplicated[:5]}.",
                    f"Samma id förekommer flera gånger i servicelistorna ({column}): "
                    f"{duplicated[:5]}. Id ska vara unika över alla listor.",
                )

    _report(progress, 0.8, "localities")
    if staged_localities is not None:
        localities = population_step.read_localities(
            staged_localities, boundary, layer=localities_layer
        )
    else:
        localities = population_step.derive_localities(cells, extract.places)
        notes.append(
            "localities derived from dense grid cells (no tätort/småort file given); names from "
            "OSM place nodes where one lies inside"
        )
    cells, localities = population_step.assign_localities(cells, localities)
    if len(sites):
        joined = gpd.sjoin(
            sites[["geometry"]],
            localities[["locality_id", "geometry"]],
            how="left",
            predicate="within",
        )
        joined = joined[~joined.index.duplicated(keep="first")]
        sites = sites.copy()
        sites["locality_id"] = (
            joined["locality_id"].fillna(settings.RURAL_LOCALITY_ID).astype(object)
        )

    layers = {
        "boundary": boundary,
        "roads": roads[
            ["road_id", "road_class", "speed_kmh", "name", "oneway", "osm_way_id", "geometry"]
        ],
        "water": water[["kind", "name", "geometry"]] if len(water) else _empty_water(),
        "localities": localities.reset_index(drop=True),
        "population": cells.reset_index(drop=True),
        "sites": sites.reset_index(drop=True),
        "services": services.reset_index(drop=True),
    }
    layers = {key: _object_text(frame) for key, frame in layers.items()}
    for layer_name, frame in layers.items():
        try:
            validate_layer(layer_name, frame)
        except ServicekartanError as error:
            raise ValidationError(
                f"The imported layer {layer_name!r} is not valid: {error}",
                f"Det inlästa lagret {layer_name!r} är inte giltigt: {error.message_sv}",
            ) from error

    _report(progress, 0.9, "checking the road network")
    network = quality.network_summary(layers["roads"], layers["population"])
    share = float(network["largest_fragment_share_of_length"])
    if network["fragments"] == 0:
        raise NetworkError(
            "No drivable road inside the municipality and its buffer.",
            "Det finns ingen bilväg inom kommunen och buffertzonen; kontrollera OSM-extraktet.",
        )
    if share < fail_largest_share:
        raise NetworkError(
            f"The road network falls apart: the largest connected part holds {100 * share:.0f} %"
            f" of the drivable length (limit {100 * fail_largest_share:.0f} %).",
            f"Vägnätet hänger inte ihop: den största sammanhängande delen har bara "
            f"{100 * share:.0f} % av bilvägarnas längd (gränsen är "
            f"{100 * fail_largest_share:.0f} %). Kontrollera att vägarna delar noder i "
            "korsningar och att extraktet är helt.",
        )
    if share < warn_largest_share:
        warnings.append(
            f"the largest connected road fragment holds only {100 * share:.1f} % of the drivable "
            f"length ({network['fragments']} fragments)"
        )
    if network.get("share_population_within_snap_distance", 1.0) < 0.95:
        warnings.append(
            "fewer than 95 % of residents live within "
            f"{settings.MAX_SNAP_DISTANCE_M:.0f} m of a drivable road"
        )
    sources = [
        f"OpenStreetMap ({staged_osm.label}), © OpenStreetMap contributors, ODbL",
        f"boundary: {staged_boundary.label if staged_boundary else 'OpenStreetMap'}",
        f"population: {staged_population.label}",
        *[f"services: {staged.label}" for staged in staged_lists],
        *([f"localities: {staged_localities.label}"] if staged_localities else []),
    ]
    report = quality.build_report(
        region_id,
        layers,
        network=network,
        dropped=dropped,
        notes=notes,
        warnings=warnings,
        sources=sources,
    )
    report["buffer_m"] = buffer_m
    info = RegionInfo(
        region_id=region_id,
        name=name,
        fictional=False,
        description=description,
        municipality_code=str(boundary["code"].iloc[0]),
        sources=tuple(sources),
    )
    _report(progress, 0.95, "layers ready")
    return PreparedRegion(info=info, layers=layers, report=report)


def _empty_water() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"kind": pd.Series(dtype=object), "name": pd.Series(dtype=object)},
        geometry=gpd.GeoSeries([], crs=settings.CRS_METRIC),
    )


def _object_text(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Store text columns as plain object columns of str (no NaN), as the demo packages do."""
    frame = frame.copy()
    for column in frame.columns:
        if column == frame.geometry.name:
            continue
        kind = LAYERS_TEXT.get(column)
        if kind or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].fillna("").astype(str).astype(object)
    return frame


#: Text columns that must never hold NaN.
LAYERS_TEXT: Final = {
    column: True
    for layer in LAYERS.values()
    for column, kind in {**layer.columns, **layer.optional}.items()
    if kind == "O"
}


def build_region_package(
    region_id: str,
    name: str,
    osm_path: Input,
    boundary_path: Input | None,
    population_path: Input,
    *,
    services_paths: Sequence[Input] = (),
    target_dir: Path | None = None,
    **options: Any,
) -> Path:
    """Import a municipality from open data and write it as a region package.

    Parameters
    ----------
    region_id
        Folder name and id of the package (lower-case letters, digits, ``-``, ``_``).
    name
        Name shown in the app.
    osm_path
        OpenStreetMap extract (``.osm.pbf``; ``.osm`` XML works for small files).
    boundary_path
        Municipal boundaries (GeoJSON or GeoPackage); pick one with ``municipality`` (code) or
        ``municipality_name``.  None: take the municipality (``admin_level=7`` with
        ``ref:scb``) from the OSM extract itself.
    population_path
        SCB population grid (CSV with ``Ruta`` or x/y, GeoPackage or GeoJSON of squares).
    services_paths
        The municipality's own service lists (CSV with coordinates, GeoJSON, GeoPackage).  A
        category present in a list replaces OpenStreetMap's services of that category.
    target_dir
        Where to write (default :data:`analysis.settings.IMPORTED_REGIONS_DIR`).
    **options
        Passed to :func:`prepare_region`: ``municipality``, ``municipality_name``,
        ``services_mappings`` (one column mapping, or one per list), ``services_crs``,
        ``category_values``, ``localities_path``, ``boundary_layer``, ``population_layer``,
        ``localities_layer`` (GeoPackage layer names), ``buffer_m`` (default 10 000),
        ``cell_size_m``, ``category_mapping`` (path of an edited mapping CSV),
        ``warn_largest_share``, ``fail_largest_share``, ``description``, ``limits``,
        ``progress`` (called as ``progress(fraction_or_count, message)``),
        ``location_storage``.

    Returns
    -------
    pathlib.Path
        The package folder; it also holds ``quality_report.json``.

    Raises
    ------
    analysis.errors.ServicekartanError
        ``ValidationError`` (including ``UnsafeInputError``), ``DataModelError`` or
        ``NetworkError`` with a Swedish ``message_sv``; nothing is written then.
    """
    progress = options.get("progress")
    prepared = prepare_region(
        region_id,
        name,
        osm_path,
        boundary_path,
        population_path,
        services_paths=services_paths,
        **options,
    )
    target = target_dir if target_dir is not None else settings.IMPORTED_REGIONS_DIR
    folder = write_region(prepared.info, prepared.layers, target)
    quality.write_quality_report(prepared.report, folder)
    _report(progress, 1.0, f"written to {folder}")
    return folder
