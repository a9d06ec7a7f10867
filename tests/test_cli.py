"""The command line writes standard files whose numbers equal the engine's."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from analysis import accessibility, evaluate, io, settings
from analysis.cli import main
from analysis.scenarios import Scenario


@pytest.fixture(scope="module")
def baseline() -> accessibility.Analysis:
    return accessibility.analyse_region(io.load_region(settings.DEFAULT_REGION))


def test_travel_times_geoparquet_matches_the_engine(tmp_path: Path, baseline) -> None:
    out = tmp_path / "times.parquet"
    assert main(["travel-times", "--mode", "all", "--out", str(out)]) == 0
    table = gpd.read_parquet(out)
    assert table.crs == settings.CRS_METRIC
    assert len(table) == len(baseline.region.population)
    expected = baseline.minutes("bike")["pharmacy"].to_numpy()
    np.testing.assert_allclose(table["bike_pharmacy_min"].to_numpy(), expected)
    assert (table["car_pharmacy_second_min"] >= table["car_pharmacy_min"]).all()


@pytest.mark.parametrize("suffix", [".gpkg", ".csv", ".geojson"])
def test_travel_times_in_other_formats(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"times{suffix}"
    assert main(["travel-times", "--out", str(out)]) == 0
    table = pd.read_csv(out) if suffix == ".csv" else gpd.read_file(out)
    assert "car_library_min" in table.columns and len(table) > 1000


def test_indicators_and_bundle_csv(tmp_path: Path) -> None:
    out = tmp_path / "indicators.csv"
    assert main(["indicators", "--mode", "walk", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    overall = table[(table["group"] == "all") & (table["weight"] == "pop_total")]
    assert set(overall["category"]) >= {"pharmacy", "library"}
    assert overall["residents"].iloc[0] == 18_000
    bundle = pd.read_csv(tmp_path / "indicators_bundle.csv")
    assert bundle["share_at_least_1"].between(0, 1).all()


def test_scenario_file_changes_the_result(tmp_path: Path, baseline) -> None:
    hall = baseline.region.sites.query("kind == 'village_hall'")["site_id"].iloc[-1]
    scenario = tmp_path / "hub.json"
    scenario.write_text(
        json.dumps([{"kind": "hub", "site_id": hall, "categories": ["pharmacy_agent"]}])
    )
    before, after = tmp_path / "before.parquet", tmp_path / "after.parquet"
    assert main(["travel-times", "--out", str(before)]) == 0
    assert main(["travel-times", "--scenario-file", str(scenario), "--out", str(after)]) == 0
    a = gpd.read_parquet(before)["car_pharmacy_agent_min"]
    b = gpd.read_parquet(after)["car_pharmacy_agent_min"]
    assert (b <= a + 1e-9).all() and (b < a - 1).any()


def test_isochrones_geojson(tmp_path: Path, baseline) -> None:
    centre = baseline.region.localities.geometry.iloc[0].representative_point()
    lon, lat = accessibility.metric_to_lonlat(centre)
    out = tmp_path / "iso.geojson"
    assert main(["isochrones", "--lon", str(lon), "--lat", str(lat), "--out", str(out)]) == 0
    bands = gpd.read_file(out)
    assert list(bands["band_min"]) == [5, 10, 20, 30]
    assert bands.to_crs(settings.CRS_METRIC).geometry.area.is_monotonic_increasing


def test_unknown_region_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main(["travel-times", "--region", "atlantis", "--out", str(tmp_path / "x.csv")]) == 2
    assert "exempelbygd" in capsys.readouterr().err


def test_unknown_output_format(tmp_path: Path, capsys) -> None:
    assert main(["travel-times", "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "xlsx" in capsys.readouterr().err


def test_compare_writes_tables_and_the_effect(tmp_path: Path, baseline) -> None:
    hall = baseline.region.sites.query("kind == 'village_hall'")["site_id"].iloc[-1]
    scenario = tmp_path / "hub.json"
    scenario.write_text(
        json.dumps([{"kind": "hub", "site_id": hall, "categories": ["cash", "parcel_agent"]}])
    )
    out = tmp_path / "compare"
    assert main(["compare", "--scenario-file", str(scenario), "--out", str(out)]) == 0
    summary = json.loads((out / "effect.json").read_text())
    assert summary["residents"] == 18_000
    budget = pd.read_csv(out / "budget.csv")
    assert budget["sector"].iloc[-1] == "total"
    comparison = pd.read_csv(out / "comparison.csv")
    assert set(comparison["category"]) == {"cash", "parcel_agent"}
    cells = gpd.read_file(out / "cell_change.gpkg")
    assert (cells["cash_change_min"] <= 1e-9).all()

    # The effect equals the engine's for the same scenario file.
    changes = Scenario.from_changes_json(settings.DEFAULT_REGION, "hub", scenario.read_text())
    after = accessibility.scenario_analysis(baseline, changes)
    result = evaluate.evaluate(baseline, after, changes, "car", 20.0, baseline.region.needs)
    assert summary["headlines"] == json.loads(json.dumps([h.to_json() for h in result.headlines()]))
    assert summary["residents_gaining_any_need"] == result.effect.total(
        "residents_gaining_any_need"
    )
    assert summary["cost_change_sek"] == float(budget["change_sek"].iloc[-1])
    assert summary["cost_per_resident_gaining_sek"] == pytest.approx(
        summary["cost_change_sek"] / summary["residents_gaining_any_need"]
    )
    assert summary["key_figures"][0]["direction"] == "better"
    assert summary["sentence"].startswith("Förslaget ger")
    subjects = pd.read_csv(out / "effect_subjects.csv")
    assert {"need", "category"} <= set(subjects["kind"])
    assert set(subjects.loc[subjects["kind"] == "need", "subject"]) == {"cash", "parcels"}
    assert (out / "effect_localities.csv").is_file() and (out / "headlines.csv").is_file()


def test_optimise_writes_sites_solution_and_an_editable_scenario(tmp_path: Path) -> None:
    out = tmp_path / "opt"
    assert main(["optimise", "--k", "2", "--out", str(out)]) == 0
    solution = json.loads((out / "solution.json").read_text())
    assert len(solution["sites"]) == 2 and solution["optimal"]
    assert solution["objective"] >= solution["baseline_objective"]
    changes = json.loads((out / "scenario.json").read_text())
    assert [c["site_id"] for c in changes] == solution["sites"]
    assert len(gpd.read_file(out / "sites.gpkg")) == 2


def test_vulnerability_csv(tmp_path: Path) -> None:
    out = tmp_path / "v.csv"
    assert main(["vulnerability", "--category", "parcel_agent", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) == 10
    assert table["residents_losing"].is_monotonic_decreasing
