"""The planner map's indicators without a browser: locality table, E2SFCA, isochrone zones."""

from __future__ import annotations

from pathlib import Path

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
    at = _planner_map(planner_map_time_category="health_centre", planner_map_time_mode="car")
    assert any(h.value.startswith("Tillgänglighet per ort: Vårdcentral") for h in at.subheader)
    tables = [df.value for df in at.dataframe]
    localities = next(t for t in tables if "Andel inom 20 min" in t.columns)
    assert localities.iloc[0, 0] == "Hela kommunen"
    e2sfca = next(t for t in tables if "Per 1 000 invånare" in t.columns)
    assert e2sfca.iloc[0, 0] == "Hela kommunen"
    assert set(e2sfca.iloc[:, 0]) >= {"Tallforsen", "Glesbygd"}


def test_isochrones_from_a_clicked_point() -> None:
    at = _planner_map(
        planner_map_time_category="pharmacy",
        planner_map_isochrones=True,
        planner_map_iso_point=(62.21, 14.62),
    )
    assert any("Klicka på kartan" in c.value for c in at.caption)
