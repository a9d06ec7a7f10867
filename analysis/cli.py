"""Command line for every engine capability: ``python -m analysis <command> --help``.

Commands register themselves with :func:`command`; ``analysis/__main__.py`` calls :func:`main`.

Each command reads a region package and writes standard files (GeoParquet, GeoPackage, CSV,
JSON), so that GIS users can script Servicekartan and check its results outside the app.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from analysis import accessibility, evaluate, headlines, indicators, io, model, settings
from analysis.errors import ServicekartanError
from analysis.i18n import t
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


def _precompute_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--region",
        action="append",
        help="region id (repeat for several); default: every built-in region",
    )
    parser.add_argument(
        "--if-missing", action="store_true", help="skip a region whose stored state is current"
    )


@command(
    "precompute",
    "compute a region's baseline travel times once and store them in its package",
)(_precompute_arguments)
def _precompute(args: argparse.Namespace) -> int:
    ids = args.region or [
        info.region_id
        for info in io.list_regions()
        if (settings.BUILTIN_REGIONS_DIR / info.region_id).is_dir()
    ]
    for region_id in ids:
        region = io.load_region(region_id)
        if args.if_missing and accessibility.has_precomputed_baseline(region):
            continue
        path, seconds = accessibility.precompute_baseline(region)
        size_mb = path.stat().st_size / 1e6
        print(f"{region.info.name}: baseline in {seconds:.1f} s, {size_mb:.1f} MB -> {path}")
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


def _compare_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", default=settings.DEFAULT_REGION, help="region id")
    parser.add_argument(
        "--scenario-file", type=Path, required=True, help="JSON list of scenario changes"
    )
    parser.add_argument("--mode", choices=settings.MODES, default="car")
    parser.add_argument("--threshold", type=float, default=20.0, help="minutes")
    parser.add_argument("--out", type=Path, required=True, help="output folder")


@command(
    "compare",
    "before/after of a scenario: comparison per locality and age group, bundle index, budget",
)(_compare_arguments)
def _compare(args: argparse.Namespace) -> int:
    region = io.load_region(args.region)
    baseline = accessibility.analyse_region(region)
    scenario = Scenario.from_changes_json(
        args.region, args.scenario_file.stem, args.scenario_file.read_text(encoding="utf-8")
    )
    after = accessibility.scenario_analysis(baseline, scenario)
    result = evaluate.evaluate(baseline, after, scenario, args.mode, args.threshold, region.needs)
    out: Path = args.out
    io.write_output(result.comparison.summary, out / "comparison.csv")
    io.write_output(result.bundle_before, out / "bundle_before.csv")
    io.write_output(result.bundle_after, out / "bundle_after.csv")
    io.write_output(result.budget, out / "budget.csv")
    changes = result.comparison.cell_change_min.set_axis(region.population["cell_id"])
    cells = region.population[["cell_id", "pop_total", "geometry"]].join(
        changes.reset_index(drop=True).add_suffix("_change_min")
    )
    io.write_output(cells, out / "cell_change.gpkg")
    effect = result.effect
    io.write_output(effect.subjects, out / "effect_subjects.csv")
    io.write_output(effect.totals, out / "effect_totals.csv")
    io.write_output(effect.localities, out / "effect_localities.csv")
    io.write_output(effect.needs_met, out / "needs_met.csv")
    figures = result.headlines()
    io.write_output(
        pd.DataFrame([{**h.to_json(), "details": json.dumps(h.details)} for h in figures]),
        out / "headlines.csv",
    )
    names = dict(zip(region.localities["locality_id"], region.localities["name"], strict=True))
    categories = {c: t(f"category.{c}", "sv") for c in model.CATEGORY_IDS}
    io.write_json(
        {
            "scenario": scenario.name,
            "mode": args.mode,
            "threshold_min": args.threshold,
            "residents": float(region.population["pop_total"].sum()),
            "residents_gaining_any_need": effect.total("residents_gaining_any_need"),
            "residents_slower_any_service": effect.total("residents_slower_any_service"),
            "residents_slower_any_need": effect.total("residents_slower_any_need"),
            "needs_met": len(effect.needs_met),
            "cost_change_sek": effect.cost_change_sek,
            "municipality_cost_change_sek": effect.municipality_cost_change_sek,
            "cost_per_resident_gaining_sek": effect.cost_per_resident_gaining_sek,
            "headlines": [h.to_json() for h in figures],
            "key_figures": [
                dataclasses.asdict(f)
                for f in headlines.key_figures(figures, "sv", names, categories)
            ],
            "sentence": headlines.summary_sentence(figures, "sv", names),
        },
        out / "effect.json",
    )
    print(f"wrote the comparison of {scenario.name!r} to {out}")
    return 0


def _optimise_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", default=settings.DEFAULT_REGION, help="region id")
    parser.add_argument("--k", type=int, default=3, help="number of hubs")
    parser.add_argument("--threshold", type=float, default=20.0, help="minutes")
    parser.add_argument("--problem", choices=["mclp", "p_median"], default="mclp")
    parser.add_argument("--mode", choices=settings.MODES, default="car")
    parser.add_argument(
        "--weight", choices=["pop_total", *settings.AGE_GROUPS], default="pop_total"
    )
    parser.add_argument("--locked", default="", help="comma-separated site ids that must be chosen")
    parser.add_argument(
        "--needs",
        default="",
        help="comma-separated needs the hubs meet (e.g. groceries,medicines,parcels; "
        "default: the five everyday needs)",
    )
    parser.add_argument("--out", type=Path, required=True, help="output folder")


@command("optimise", "choose hub sites (maximal covering or p-median), exact with HiGHS")(
    _optimise_arguments
)
def _optimise(args: argparse.Namespace) -> int:
    region = io.load_region(args.region)
    baseline = accessibility.analyse_region(region)
    locked = tuple(s for s in args.locked.split(",") if s)
    plan = evaluate.optimise_hubs(
        baseline,
        args.k,
        args.threshold,
        args.problem,
        args.mode,
        weight=args.weight,
        locked_site_ids=locked,
        needs=[n for n in args.needs.split(",") if n] or None,
    )
    solution = plan.solution
    out: Path = args.out
    sites = region.sites.set_index("site_id").loc[list(plan.site_ids)].reset_index()
    io.write_output(sites.assign(served_weight=list(solution.served_weight)), out / "sites.gpkg")
    io.write_json(
        {
            "problem": solution.problem,
            "k": args.k,
            "threshold_min": args.threshold,
            "mode": args.mode,
            "weight": args.weight,
            "sites": list(plan.site_ids),
            "objective": solution.objective,
            "baseline_objective": solution.baseline,
            "total_weight": solution.total_weight,
            "method": solution.method,
            "optimal": solution.optimal,
            "gap": solution.gap,
            "solve_seconds": solution.solve_seconds,
        },
        out / "solution.json",
    )
    (out / "scenario.json").write_text(plan.scenario.changes_json(), encoding="utf-8")
    print(f"chose {', '.join(plan.site_ids)} (objective {solution.objective:.1f}); see {out}")
    return 0


def _vulnerability_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", default=settings.DEFAULT_REGION, help="region id")
    parser.add_argument(
        "--category",
        required=True,
        choices=sorted({*model.CATEGORY_IDS, *model.NEED_IDS}),
        help="a service category, or a need met by any of its categories (e.g. medicines)",
    )
    parser.add_argument("--mode", choices=settings.MODES, default="car")
    parser.add_argument("--threshold", type=float, default=30.0, help="minutes")
    parser.add_argument("--out", type=Path, required=True, help=".csv or .json")


@command("vulnerability", "rank services by the residents who lose access if each one closes")(
    _vulnerability_arguments
)
def _vulnerability(args: argparse.Namespace) -> int:
    baseline = accessibility.analyse_region(io.load_region(args.region))
    table = evaluate.vulnerability(baseline, args.category, args.mode, args.threshold)
    io.write_output(table, args.out)
    print(f"wrote {len(table)} services to {args.out}")
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
