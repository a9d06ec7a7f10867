"""Scenario changes applied to a tiny hand-built baseline."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point

from analysis.errors import ValidationError
from analysis.scenarios import Change, Scenario, apply_changes, default_annual_cost, hub_sites


@pytest.fixture
def sites() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"site_id": ["town", "hall"], "name": ["Torget", "Bygdegården"]},
        geometry=[Point(0, 0), Point(20_000, 0)],
        crs="EPSG:3006",
    )


@pytest.fixture
def services() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "service_id": ["cash-1", "parcel-1", "cash-2"],
            "category": ["cash", "parcel_agent", "cash"],
            "name": ["Bankomat", "Paket", "Bankomat 2"],
            "operator": ["A", "B", "A"],
            "sector": ["private", "private", "private"],
            "site_id": ["town", "town", "town"],
            "opening_hours": ["24/7", "Mo-Fr 09:00-17:00", "24/7"],
            "hours_per_week": [168.0, 40.0, 168.0],
            "annual_cost_sek": [100_000.0, 150_000.0, 300_000.0],
            "capacity": [1.0, 1.0, 1.0],
        },
        geometry=[Point(0, 0)] * 3,
        crs="EPSG:3006",
    )


def test_baseline_is_unchanged_by_an_empty_scenario(services, sites) -> None:
    after = apply_changes(services, sites, ())
    assert after.equals(services)


def test_input_frame_is_never_mutated(services, sites) -> None:
    before = services.copy()
    apply_changes(services, sites, (Change("move", service_id="cash-1", site_id="hall"),))
    assert services.equals(before)


def test_hub_moves_and_adds_services(services, sites) -> None:
    hub = Change(
        "hub",
        site_id="hall",
        categories=("cash", "parcel_agent", "contact_office"),
        move_from={"cash": "cash-2"},
    )
    after = apply_changes(services, sites, (hub,))
    at_hall = after[after["site_id"] == "hall"].sort_values("service_id")
    assert list(at_hall["service_id"]) == ["cash-2", "new-0-contact_office", "new-0-parcel_agent"]
    assert all(geom.equals(Point(20_000, 0)) for geom in at_hall.geometry)
    new_parcel = at_hall[at_hall["service_id"] == "new-0-parcel_agent"].iloc[0]
    assert new_parcel["annual_cost_sek"] == 150_000.0  # median of the category
    assert new_parcel["sector"] == "private"
    contact = at_hall[at_hall["service_id"] == "new-0-contact_office"].iloc[0]
    assert contact["sector"] == "municipality"
    assert len(after) == 5
    assert hub_sites((hub,)) == {"hall": ("cash", "parcel_agent", "contact_office")}


def test_close_then_hours(services, sites) -> None:
    after = apply_changes(
        services,
        sites,
        (
            Change("close", service_id="cash-1"),
            Change(
                "hours", service_id="parcel-1", opening_hours="Mo 10:00-12:00", hours_per_week=2
            ),
        ),
    )
    assert "cash-1" not in set(after["service_id"])
    assert after.loc[after["service_id"] == "parcel-1", "hours_per_week"].item() == 2.0


@pytest.mark.parametrize(
    "change, message",
    [
        (Change("close", service_id="nope"), "finns inte"),
        (Change("move", service_id="cash-1", site_id="nowhere"), "Platsen 'nowhere' finns inte"),
        (Change("add", site_id="hall", category="spa"), "Okänd kategori"),
        (Change("hub", site_id="hall"), "minst en kategori"),
        (
            Change("hub", site_id="hall", categories=("cash",), move_from={"cash": "parcel-1"}),
            "hör inte till kategorin",
        ),
        (Change("teleport"), "Okänd ändring"),
    ],
)
def test_bad_changes_say_what_to_fix(services, sites, change: Change, message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        apply_changes(services, sites, (change,))
    assert message in raised.value.message_sv


def test_closing_twice_is_an_error(services, sites) -> None:
    close = Change("close", service_id="cash-1")
    with pytest.raises(ValidationError, match="already closed"):
        apply_changes(services, sites, (close, close))


def test_json_round_trip_and_fingerprint() -> None:
    scenario = Scenario(
        "exempelbygd",
        "Servicepunkt i Bygdegården",
        (Change("hub", site_id="hall", categories=("cash",), move_from={"cash": "c"}),),
        author="Planerare",
    )
    again = Scenario.from_changes_json("exempelbygd", "Kopia", scenario.changes_json())
    assert again.changes == scenario.changes
    assert again.fingerprint() == scenario.fingerprint()
    assert scenario.without_change(0).fingerprint() != scenario.fingerprint()


def test_default_cost_of_a_category_without_services(services) -> None:
    assert default_annual_cost(services, "library") == 0.0
