"""The planner map's indicators without a browser: locality table, E2SFCA, isochrone zones."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def _planner_map(**state: object) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["planner_authenticated"] = True
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/planner_map.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_indicators_and_e2sfca_per_locality() -> None:
    at = _planner_map(
        planner_map_by_category=True,
        planner_map_time_category="health_centre",
        planner_map_time_mode="car",
    )
    assert any(h.value.startswith("Tillgänglighet per ort: Vårdcentral") for h in at.subheader)
    tables = [df.value for df in at.dataframe]
    localities = next(t for t in tables if "Andel inom 20 min" in t.columns)
    assert localities.iloc[0, 0] == "Hela kommunen"
    e2sfca = next(t for t in tables if "Per 1 000 invånare" in t.columns)
    assert e2sfca.iloc[0, 0] == "Hela kommunen"
    assert set(e2sfca.iloc[:, 0]) >= {"Tallforsen", "Glesbygd"}


def test_isochrones_from_a_clicked_point() -> None:
    at = _planner_map(
        planner_map_by_category=True,
        planner_map_time_category="pharmacy",
        planner_map_isochrones=True,
        planner_map_iso_point=(62.21, 14.62),
    )
    assert any("Klicka på kartan" in c.value for c in at.caption)


def test_travel_times_default_to_needs_met_by_any_category() -> None:
    at = _planner_map(planner_map_time_need="medicines", planner_map_time_mode="car")
    heading = "Tillgänglighet per ort: Läkemedel (apotek eller ombud), bil"
    assert any(h.value == heading for h in at.subheader), [h.value for h in at.subheader]
    medicines = next(df.value for df in at.dataframe if "Andel inom 20 min" in df.value.columns)
    # A pharmacy agent meets the need: at least as many within 20 min as to pharmacies alone.
    pharmacy = _planner_map(
        planner_map_by_category=True,
        planner_map_time_category="pharmacy",
        planner_map_time_mode="car",
    )
    pharmacies = next(
        df.value for df in pharmacy.dataframe if "Andel inom 20 min" in df.value.columns
    )

    def share(frame) -> float:
        return float(frame.iloc[0]["Andel inom 20 min"].replace("\u00a0%", "").replace(",", "."))

    assert share(medicines) >= share(pharmacies)


def test_where_to_start_ranks_localities_by_their_worst_need() -> None:
    at = _planner_map()
    assert any(h.value == "Var gör en servicepunkt mest nytta?" for h in at.subheader)
    ranking = next(df.value for df in at.dataframe if "Sämst nådda behov" in df.value.columns)
    assert set(ranking["Sämst nådda behov"]) <= {
        "Dagligvaror",
        "Läkemedel (apotek eller ombud)",
        "Paket",
    }
    medians = ranking["Restid dit (median)"].str.replace("\u00a0min", "").str.replace("\u00a0", "")
    numbers = [float("inf") if v == "ej nåbar" else float(v) for v in medians]
    assert numbers == sorted(numbers, reverse=True), "worst first"
    assert ranking.iloc[0, 0] != "Hela kommunen"


@pytest.mark.parametrize("need", ["cash", "library", "groceries_full"])
def test_every_kind_of_need_draws_its_layer(need: str) -> None:
    # "cash" and "library" are needs and categories by the same id; "groceries_full" a level.
    at = _planner_map(planner_map_time_need=need, planner_map_time_mode="bike")
    assert any(h.value.endswith(", cykel") for h in at.subheader), [h.value for h in at.subheader]
