"""``python -m analysis.importer {build,preview,fetch}``: the importer's command line.

Errors print the Swedish and the English message and exit with status 2, having written
nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis.errors import ServicekartanError, ValidationError


def _mapping(value: str | None) -> dict[str, str] | None:
    """Parse a column mapping given as JSON text or as the path of a JSON file."""
    if value is None:
        return None
    text = value
    if not value.lstrip().startswith("{"):
        path = Path(value)
        if not path.is_file() or path.stat().st_size > 1_000_000:
            raise ValidationError(
                f"The mapping {value!r} is neither JSON nor a readable JSON file.",
                f"Kolumnmappningen {value!r} är varken JSON eller en läsbar JSON-fil; ange t.ex. "
                '\'{"name": "Namn", "category": "Kategori"}\'.',
            )
        text = path.read_text(encoding="utf-8")
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"The mapping is not valid JSON: {error}.",
            f"Kolumnmappningen är inte giltig JSON ({error}).",
        ) from error
    if not isinstance(parsed, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
    ):
        raise ValidationError(
            "The mapping must be a JSON object of target column -> list column.",
            'Kolumnmappningen ska vara ett JSON-objekt: {"målkolumn": "listans kolumn", ...}.',
        )
    return parsed


def _progress(fraction: float, message: str) -> None:
    shown = f"{100 * fraction:5.1f} %" if fraction <= 1.0 else f"{int(fraction):>7d}"
    print(f"[{shown}] {message}", file=sys.stderr, flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.importer",
        description="Build a Servicekartan region package from open data (see docs/IMPORT.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build a region package from local files")
    build.add_argument("--region-id", required=True, help="package id, e.g. are")
    build.add_argument("--name", required=True, help="name shown in the app")
    build.add_argument("--osm", required=True, type=Path, help=".osm.pbf extract")
    build.add_argument(
        "--boundary", type=Path, help="GeoJSON/GeoPackage (default: from the OSM extract)"
    )
    which = build.add_mutually_exclusive_group()
    which.add_argument("--municipality", help="municipality code, e.g. 2321")
    which.add_argument("--municipality-name", help="municipality name, e.g. Åre")
    build.add_argument("--boundary-layer", help="GeoPackage layer (default: one named kommun*)")
    build.add_argument("--population", required=True, type=Path, help="SCB grid (CSV/GPKG)")
    build.add_argument("--population-layer", help="GeoPackage layer of the grid")
    build.add_argument("--localities", type=Path, help="SCB tätorter/småorter (GPKG/GeoJSON)")
    build.add_argument("--localities-layer", help="GeoPackage layer of the localities")
    build.add_argument(
        "--services", type=Path, action="append", default=[], help="municipal list (repeatable)"
    )
    build.add_argument(
        "--mapping", action="append", default=[], help="column mapping JSON or file, per list"
    )
    build.add_argument("--services-crs", help="CRS of CSV coordinates, e.g. EPSG:3006")
    build.add_argument("--category-values", help="JSON: list value -> category id")
    build.add_argument("--category-mapping", type=Path, help="edited OSM category mapping CSV")
    build.add_argument("--buffer-m", type=float, default=10_000.0, help="buffer, metres")
    build.add_argument("--cell-size", type=int, choices=(250, 1000), help="grid cell size, m")
    build.add_argument("--description", default="", help="description in region.json")
    build.add_argument("--out", type=Path, help="target folder (default: imported regions)")
    build.add_argument(
        "--location-storage", default="flex_mem", help="pyosmium node store (see docs)"
    )

    show = commands.add_parser("preview", help="show the first rows and errors of a list")
    show.add_argument("--services", required=True, type=Path)
    show.add_argument("--mapping", help="column mapping JSON or file")
    show.add_argument("--crs", help="CRS of CSV coordinates, e.g. EPSG:3021")
    show.add_argument("--rows", type=int, default=10)

    fetch = commands.add_parser("fetch", help="download the inputs (needs internet)")
    fetch.add_argument("--municipality", required=True, help="municipality code, e.g. 2321")
    fetch.add_argument("--out", required=True, type=Path, help="download folder")
    fetch.add_argument("--osm-url", help="OSM extract URL (default: Geofabrik Sweden)")
    fetch.add_argument("--boundary-url", help="boundary file URL")
    fetch.add_argument("--population-url", help="SCB grid URL")
    fetch.add_argument("--localities-url", help="SCB tätorter/småorter URL")
    fetch.add_argument("--dry-run", action="store_true", help="only list what would be fetched")
    return parser


def _build(args: argparse.Namespace) -> int:
    from analysis.importer.build import build_region_package
    from analysis.importer.quality import summary_lines

    mappings = [_mapping(value) or {} for value in args.mapping]
    if mappings and len(mappings) == 1:
        services_mappings: Any = mappings[0]
    else:
        services_mappings = mappings or None
    folder = build_region_package(
        args.region_id,
        args.name,
        args.osm,
        args.boundary,
        args.population,
        services_paths=list(args.services),
        target_dir=args.out,
        municipality=args.municipality,
        municipality_name=args.municipality_name,
        services_mappings=services_mappings,
        services_crs=args.services_crs,
        category_values=_mapping(args.category_values),
        category_mapping=args.category_mapping,
        localities_path=args.localities,
        boundary_layer=args.boundary_layer,
        population_layer=args.population_layer,
        localities_layer=args.localities_layer,
        buffer_m=args.buffer_m,
        cell_size_m=args.cell_size,
        description=args.description,
        location_storage=args.location_storage,
        progress=_progress,
    )
    report = json.loads((folder / "quality_report.json").read_text(encoding="utf-8"))
    print(f"Region package written: {folder}")
    for line in summary_lines(report):
        print(f"  {line}")
    return 0


def _preview(args: argparse.Namespace) -> int:
    import pandas as pd

    from analysis.importer.services import preview

    result = preview(args.services, mapping=_mapping(args.mapping), crs=args.crs, n=args.rows)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(f"{result.total_rows} rows, coordinates read as {result.crs}")
        print(result.rows.to_string(index=False))
        for note in result.notes:
            print(f"Note: {note}")
        if result.errors.empty:
            print("No row errors.")
        else:
            print(f"{len(result.errors)} row error(s):")
            print(result.errors[["row", "column", "message_sv"]].to_string(index=False))
    return 0 if result.errors.empty else 1


def _fetch(args: argparse.Namespace, download: Any = None) -> int:
    from analysis.importer.fetch import GEOFABRIK_SWEDEN_URL, fetch, plan_fetch

    options = {
        "osm_url": args.osm_url or GEOFABRIK_SWEDEN_URL,
        "boundary_url": args.boundary_url,
        "population_url": args.population_url,
        "localities_url": args.localities_url,
    }
    if args.dry_run:
        for item in plan_fetch(args.municipality, args.out, **options):
            print(f"{item.kind}: {item.url} -> {item.target}")
        return 0
    files = fetch(args.municipality, args.out, download=download, progress=_progress, **options)
    for kind, path in files.items():
        print(f"{kind}: {path}")
    return 0


def main(argv: Sequence[str] | None = None, *, download: Any = None) -> int:
    """Run the command line; return the exit status (2 on a domain error).

    ``download`` replaces the fetch step's downloader (used by tests).
    """
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "preview":
            return _preview(args)
        return _fetch(args, download)
    except ServicekartanError as error:
        print(f"Fel: {error.message_sv}", file=sys.stderr)
        print(f"Error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
