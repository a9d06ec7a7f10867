"""Command line for every engine capability: ``python -m analysis <command> --help``.

Commands register themselves with :func:`command`; ``analysis/__main__.py`` calls :func:`main`.

Each command reads a region package and writes standard files (GeoParquet, GeoPackage, CSV,
JSON), so that GIS users can script Servicekartan and check its results outside the app.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from analysis import accessibility, indicators, io, settings
from analysis.errors import ServicekartanError
from analysis.isochrones import isochrones
from analysis.network import build_network
from analysis.scenarios import Scenario
from analysis.security import hash_password, new_password

Command = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, tuple[Command, Callable[[argparse.ArgumentParser], None], str]] = {}


def command(
    name: str, help_text: str
) -> Callable[[Callable[[argparse.ArgumentParser], None]], Callable[[Command], Command]]:
    """Register a sub-command: ``@command(name, help)(add_arguments)(run)``."""

    def with_arguments(
        add_arguments: Callable[[argparse.ArgumentParser], None],
    ) -> Callable[[Command], Command]:
        def register(run: Command) -> Command:
            _COMMANDS[name] = (run, add_arguments, help_text)
            return run

        return register

    return with_arguments


def _no_arguments(parser: argparse.ArgumentParser) -> None:  # noqa: ARG001
    return None


@command("regions", "list the region packages")(_no_arguments)
def _regions(_: argparse.Namespace) -> int:
    for info in io.list_regions():
        label = " (fictional)" if info.fictional else ""
        print(f"{info.region_id}\t{info.name}{label}\t{info.path}")
    return 0


def _password_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--if-missing", action="store_true", help="do nothing when a password is already set"
    )


@command("planner-password", "create a new local planner password and store its hash")(
    _password_arguments
)
def _planner_password(args: argparse.Namespace) -> int:
    if args.if_missing and io.read_planner_password_hash():
        return 0
    password = new_password()
    path = io.write_planner_password(password, hash_password(password))
    print(f"Planner password (Lösenord för planerare): {password}")
    print(f"Saved in {path} (readable by you only); the app reads its hash.")
    return 0


def _region_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", default=settings.DEFAULT_REGION, help="region id")
    parser.add_argument(
        "--scenario-file",
        type=Path,
        help="JSON file with a list of scenario changes (as stored by the app); default: baseline",
    )


def _analysis(args: argparse.Namespace) -> accessibility.Analysis:
    region = io.load_region(args.region)
    print(f"[servicekartan] {region.info.name}: building the network …", file=sys.stderr)
    baseline = accessibility.analyse_region(region)
    if getattr(args, "scenario_file", None):
        scenario = Scenario.from_changes_json(
            args.region, args.scenario_file.stem, args.scenario_file.read_text(encoding="utf-8")
        )
        return accessibility.scenario_analysis(baseline, scenario)
    return baseline


def _modes(value: str) -> tuple[str, ...]:
    return settings.MODES if value == "all" else (value,)


def _travel_time_arguments(parser: argparse.ArgumentParser) -> None:
    _region_arguments(parser)
    parser.add_argument("--mode", choices=[*settings.MODES, "all"], default="car")
    parser.add_argument(
        "--out", type=Path, required=True, help="output file: .parquet, .gpkg, .geojson or .csv"
    )


@command(
    "travel-times",
    "nearest and second-nearest service minutes for every populated cell and category",
)(_travel_time_arguments)
def _travel_times(args: argparse.Namespace) -> int:
    analysis = _analysis(args)
    table = accessibility.travel_time_table(analysis, _modes(args.mode))
    io.write_output(table, args.out)
    print(f"wrote {len(table)} cells to {args.out}")
    return 0


def _indicator_arguments(parser: argparse.ArgumentParser) -> None:
    _region_arguments(parser)
    parser.add_argument("--mode", choices=settings.MODES, default="car")
    parser.add_argument(
        "--bundle-threshold", type=float, default=20.0, help="minutes, for the bundle index"
    )
    parser.add_argument("--out", type=Path, required=True, help="output file: .csv or .json")


@command(
    "indicators",
    "shares within thresholds, mean/median/p90 per locality and age group, bundle index",
)(_indicator_arguments)
def _indicators(args: argparse.Namespace) -> int:
    analysis = _analysis(args)
    population = analysis.region.population
    minutes = analysis.minutes(args.mode)
    table = indicators.indicator_tables_by_age(population, minutes)
    bundle = indicators.bundle_index(
        population,
        minutes,
        accessibility.bundle_one_place_minutes(analysis, args.mode),
        args.bundle_threshold,
        by="locality_id",
    )
    io.write_output(table.assign(mode=args.mode), args.out)
    bundle_path = args.out.with_name(f"{args.out.stem}_bundle{args.out.suffix}")
    io.write_output(bundle.assign(mode=args.mode), bundle_path)
    print(f"wrote {len(table)} indicator rows to {args.out} and the bundle index to {bundle_path}")
    return 0


def _isochrone_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", default=settings.DEFAULT_REGION, help="region id")
    parser.add_argument("--lon", type=float, required=True, help="WGS 84 longitude")
    parser.add_argument("--lat", type=float, required=True, help="WGS 84 latitude")
    parser.add_argument("--mode", choices=settings.MODES, default="car")
    parser.add_argument("--bands", default="5,10,20,30", help="minutes, comma-separated")
    parser.add_argument("--out", type=Path, required=True, help=".gpkg, .geojson or .parquet")


@command("isochrones", "travel-time bands reachable from a point")(_isochrone_arguments)
def _isochrones(args: argparse.Namespace) -> int:
    region = io.load_region(args.region)
    network = build_network(region.roads)
    bands = tuple(float(v) for v in args.bands.split(","))
    point = accessibility.lonlat_to_metric(args.lon, args.lat)
    result = isochrones(network, point, args.mode, bands)
    io.write_output(result, args.out)
    print(f"wrote {len(result)} bands to {args.out}")
    return 0


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="see python -m analysis.importer")


@command("import", "build a region package from open data (python -m analysis.importer)")(
    _import_arguments
)
def _import(args: argparse.Namespace) -> int:
    from analysis.importer.__main__ import main as importer_main

    return importer_main(args.rest)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every registered command."""
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (run, add_arguments, help_text) in _COMMANDS.items():
        child = sub.add_parser(name, help=help_text, description=help_text)
        add_arguments(child)
        child.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; domain errors print their message and exit with status 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ServicekartanError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
