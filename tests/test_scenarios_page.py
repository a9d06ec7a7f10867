"""The scenario page without a browser: create a hub, see the numbers move, save, find it."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent


def _scenario_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["planner_authenticated"] = True
    at.run()
    at.switch_page("pages/scenarios.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metric(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_a_hub_changes_the_numbers_and_the_scenario_is_saved() -> None:
    at = _scenario_page()
    before = _metric(at, "Invånare inom 20 min från all vardagsservice")
    hall = next(o for o in at.selectbox(key="hub_site").options if "Bygdegården" in o)
    at.selectbox(key="hub_site").select(hall).run()
    _button(at, "Lägg till servicepunkten").click().run()
    assert not at.exception, [e.value for e in at.exception]
    after = _metric(at, "Invånare inom 20 min från all vardagsservice")
    assert after != before
    assert any("Servicepunkt i Bygdegården" in t.value for t in at.text)
    budget = next(df for df in at.dataframe if "Aktör" in df.value.columns)
    assert "Totalt" in list(budget.value["Aktör"])

    name_box = next(box for box in at.text_input if box.label == "Namn")
    name_box.input("Servicepunkt i bygdegården")
    next(b for b in at.button if b.label == "Spara").click().run()
    assert not at.exception, [e.value for e in at.exception]
    choices = at.selectbox(key="scenario_choice")
    assert any("Servicepunkt i bygdegården" in option for option in choices.options)
    assert any("Servicepunkt i Bygdegården" in t.value for t in at.text), "the saved changes stay"


def test_council_view_shows_a_saved_scenario() -> None:
    at = _scenario_page()
    hall = next(o for o in at.selectbox(key="hub_site").options if "Bygdegården" in o)
    at.selectbox(key="hub_site").select(hall).run()
    _button(at, "Lägg till servicepunkten").click().run()
    next(box for box in at.text_input if box.label == "Namn").input("För fullmäktige")
    next(b for b in at.button if b.label == "Spara").click().run()
    at.switch_page("pages/council.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    labels = [m.label for m in at.metric]
    assert len(labels) == 5
    assert any(label.startswith("Invånare 80+") for label in labels)
    assert any(sub.value == "För fullmäktige" for sub in at.subheader)


def test_a_saved_scenario_opens_in_a_new_session() -> None:
    at = _scenario_page()
    hall = next(o for o in at.selectbox(key="hub_site").options if "Bygdegården" in o)
    at.selectbox(key="hub_site").select(hall).run()
    _button(at, "Lägg till servicepunkten").click().run()
    next(box for box in at.text_input if box.label == "Namn").input("Öppnas igen")
    next(b for b in at.button if b.label == "Spara").click().run()

    fresh = _scenario_page()
    choice = fresh.selectbox(key="scenario_choice")
    saved = next(option for option in choice.options if option.startswith("Öppnas igen"))
    choice.select(saved).run()
    assert not fresh.exception, [e.value for e in fresh.exception]
    assert any("Servicepunkt i Bygdegården" in t.value for t in fresh.text)


def test_a_closure_and_a_move_are_added_with_one_click_each() -> None:
    at = _scenario_page()
    pharmacy = next(o for o in at.selectbox(key="close_service").options if "Apotek" in o)
    at.selectbox(key="close_service").select(pharmacy).run()
    at.button(key="add_close").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"Stäng {pharmacy}" in t.value for t in at.text)

    library = next(o for o in at.selectbox(key="close_service").options if "Bibliotek" in o)
    at.selectbox(key="close_service").select(library)
    at.radio(key="close_action").set_value("move").run()
    hall = next(o for o in at.selectbox(key="move_to").options if "Bygdegården" in o)
    at.selectbox(key="move_to").select(hall).run()
    at.button(key="add_close").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"Flytta {library} till {hall}" in t.value for t in at.text)
    assert any(f"Stäng {pharmacy}" in t.value for t in at.text), "the first change stays"
