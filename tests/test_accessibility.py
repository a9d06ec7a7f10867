"""The data-flow facade on the demo region: incremental scenarios equal a fresh computation."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import accessibility as acc
from analysis import io, settings
from analysis.scenarios import Change, Scenario, apply_changes
from analysis.traveltime import RoutingState


@pytest.fixture(scope="module")
def baseline() -> acc.Analysis:
    if not (settings.BUILTIN_REGIONS_DIR / settings.DEFAULT_REGION / "region.json").is_file():
        pytest.fail("The demo region is missing: run `bash scripts/setup.sh`.")
    return acc.analyse_region(io.load_region(settings.DEFAULT_REGION))


def _village_hall(baseline: acc.Analysis) -> str:
    sites = baseline.region.sites
    return str(sites.loc[sites["kind"] == "village_hall", "site_id"].iloc[-1])


def _scenarios(baseline: acc.Analysis) -> list[Scenario]:
    services = baseline.services
    pharmacy_agent = str(
        services.loc[services["category"] == "pharmacy_agent", "service_id"].iloc[0]
    )
    cash = str(services.loc[services["category"] == "cash", "service_id"].iloc[-1])
    hall = _village_hall(baseline)
    return [
        Scenario(
            "exempelbygd",
            "hub",
            (
                Change(
                    "hub",
                    site_id=hall,
                    categories=("parcel_agent", "cash", "pharmacy_agent", "contact_office"),
                ),
            ),
        ),
        Scenario("exempelbygd", "close", (Change("close", service_id=pharmacy_agent),)),
        Scenario("exempelbygd", "move", (Change("move", service_id=cash, site_id=hall),)),
        Scenario(
            "exempelbygd",
            "hub with move",
            (
                Change(
                    "hub", site_id=hall, categories=("cash", "library"), move_from={"cash": cash}
                ),
            ),
        ),
    ]


@pytest.mark.parametrize("which", range(4))
def test_incremental_scenario_equals_fresh_computation(baseline: acc.Analysis, which: int) -> None:
    scenario = _scenarios(baseline)[which]
    incremental = acc.scenario_analysis(baseline, scenario).travel_times()
    services_after = apply_changes(baseline.services, baseline.region.sites, scenario.changes)
    fresh = RoutingState.build(
        baseline.network, baseline.region.population, services_after
    ).travel_times()
    np.testing.assert_allclose(incremental.nearest_s, fresh.nearest_s, rtol=1e-12)
    np.testing.assert_allclose(incremental.second_s, fresh.second_s, rtol=1e-12)


def test_a_hub_never_lengthens_a_trip_and_helps_someone(baseline: acc.Analysis) -> None:
    hub = _scenarios(baseline)[0]
    before = baseline.travel_times().nearest_s
    after = acc.scenario_analysis(baseline, hub).travel_times().nearest_s
    assert np.all(after <= before + 1e-9)
    assert np.any(after < before - 60)


def test_closing_never_shortens_a_trip(baseline: acc.Analysis) -> None:
    close = _scenarios(baseline)[1]
    before = baseline.travel_times().nearest_s
    after = acc.scenario_analysis(baseline, close).travel_times().nearest_s
    assert np.all(after >= before - 1e-9)


def test_point_times_match_the_cell_times(baseline: acc.Analysis) -> None:
    population = baseline.region.population
    cell = population.iloc[100]
    table = acc.point_times(baseline, cell.geometry.centroid)
    car = baseline.minutes("car").loc[cell["cell_id"]]
    got = table[table["mode"] == "car"].set_index("category")["minutes"]
    np.testing.assert_allclose(got[car.index].to_numpy(), car.to_numpy(), rtol=1e-12)
    assert set(table["mode"]) == {"car", "bike", "walk"}
    assert table["service_name"].notna().all()


def test_one_stop_places_exist_in_town_and_hubs_add_more(baseline: acc.Analysis) -> None:
    before = acc.one_stop_points(baseline.services)
    hall = _village_hall(baseline)
    full_hub = Scenario(
        "exempelbygd",
        "full hub",
        (
            Change(
                "hub",
                site_id=hall,
                categories=(
                    "grocery_convenience",
                    "pharmacy_agent",
                    "parcel_agent",
                    "cash",
                    "contact_office",
                ),
            ),
        ),
    )
    after = acc.scenario_analysis(baseline, full_hub)
    points_after = acc.one_stop_points(after.services)
    hub_point = baseline.region.sites.set_index("site_id").geometry[hall]
    assert len(points_after) > len(before)
    assert any(point.equals(hub_point) for point in points_after)
    minutes_before = acc.bundle_one_place_minutes(baseline, "car")
    minutes_after = acc.bundle_one_place_minutes(after, "car")
    assert (minutes_after <= minutes_before + 1e-9).all()
    assert (minutes_after < minutes_before - 1).any()


def test_baseline_is_persisted_in_the_store_and_read_back(tmp_path, baseline) -> None:
    from analysis import store

    database = store.open_store(tmp_path / "results.duckdb")
    region = baseline.region
    first = acc.stored_baseline(region, database)
    key = acc.baseline_key(region, first.network)
    assert store.get_result(database, key) is not None
    again = acc.stored_baseline(region, database)  # read back, not recomputed
    np.testing.assert_array_equal(again.travel_times().nearest_s, baseline.travel_times().nearest_s)
    np.testing.assert_array_equal(
        again.travel_times().second_service, baseline.travel_times().second_service
    )
    hub = _scenarios(baseline)[0]
    np.testing.assert_allclose(
        acc.scenario_analysis(again, hub).travel_times().nearest_s,
        acc.scenario_analysis(baseline, hub).travel_times().nearest_s,
    )


def test_the_stored_key_changes_with_the_services(baseline) -> None:
    region = baseline.region
    fewer = type(region)(**{**region.__dict__, "services": region.services.iloc[1:]})
    assert acc.baseline_key(region, baseline.network) != acc.baseline_key(fewer, baseline.network)


def test_precomputed_baseline_is_read_from_the_package(tmp_path, baseline, monkeypatch) -> None:
    # Set-up (python -m analysis precompute) stores the demo's baseline in its package, so a
    # server with a new data folder reads it instead of routing on its first visit.
    from analysis import store

    region = baseline.region
    assert acc.has_precomputed_baseline(region), "run `bash scripts/setup.sh`"

    def no_routing(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("routed although the package holds the baseline")

    monkeypatch.setattr(acc, "analyse_region", no_routing)
    read = acc.stored_baseline(region, store.open_store(tmp_path / "new.duckdb"))
    for mode in settings.MODES:
        np.testing.assert_array_equal(
            read.minutes(mode).to_numpy(), baseline.minutes(mode).to_numpy()
        )
    np.testing.assert_array_equal(
        read.travel_times().second_service, baseline.travel_times().second_service
    )


def test_derived_results_replace_older_ones(tmp_path, baseline, monkeypatch) -> None:
    monkeypatch.setattr(settings, "BUILTIN_REGIONS_DIR", tmp_path)
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "region.json").write_text("{}", encoding="utf-8")
    first = io.write_derived("r", "baseline:r:1:aaa", b"one")
    second = io.write_derived("r", "baseline:r:1:bbb", b"two")
    assert not first.exists()
    assert io.read_derived("r", "baseline:r:1:bbb") == b"two" == second.read_bytes()
    assert io.read_derived("r", "baseline:r:1:aaa") is None
    assert state_round_trip(baseline)


def state_round_trip(baseline: acc.Analysis) -> bool:
    parts = acc.node_state_from_bytes(acc.state_to_bytes(baseline.state))
    return all(
        all(np.array_equal(a, b) for a, b in zip(parts[key], value, strict=True))
        for key, value in baseline.state.node_state.items()
    )
