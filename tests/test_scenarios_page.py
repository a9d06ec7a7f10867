"""The scenario page without a browser: create a hub, see the numbers move, save, find it."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from analysis.cli import main
from analysis.i18n import t

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


CHANGE_COLUMN = t("scen.cost_change")
HUB_CATEGORIES = ["grocery_convenience", "pharmacy_agent", "parcel_agent"]


def _add_village_hub(at: AppTest, village: str = "Kvarnbäcken") -> str:
    """Add a hub with a convenience store, a pharmacy agent and a parcel agent; its site id."""
    hall = next(
        o for o in at.selectbox(key="hub_site").options if "Bygdegården" in o and village in o
    )
    at.selectbox(key="hub_site").select(hall).run()
    at.multiselect(key="hub_categories").set_value(HUB_CATEGORIES).run()
    _button(at, "Lägg till servicepunkten").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return str(at.selectbox(key="hub_site").value)


def _cli_figures(tmp_path: Path, site_id: str) -> list[tuple[str, str]]:
    """What ``python -m analysis compare`` writes for the same hub: (label, value) pairs."""
    scenario = tmp_path / "hub.json"
    scenario.write_text(
        json.dumps([{"kind": "hub", "site_id": site_id, "categories": HUB_CATEGORIES}])
    )
    assert main(["compare", "--scenario-file", str(scenario), "--out", str(tmp_path)]) == 0
    figures = json.loads((tmp_path / "effect.json").read_text())["key_figures"]
    return [(f["label"], f["after"]) for f in figures]


def _shown(at: AppTest) -> list[tuple[str, str]]:
    # Labels are Markdown-escaped on the page; the value is as written.
    return [(m.label.replace("\\", ""), m.value) for m in at.metric]


def test_a_village_hub_shows_its_gain_as_the_command_line_computes_it(tmp_path: Path) -> None:
    at = _scenario_page()
    assert [m.label for m in at.metric][-2:] == [
        "Invånare med längre restid till någon service",
        "Kostnadsförändring per år, alla aktörer",
    ], "an empty scenario shows who gets worse and the cost, both unchanged"
    site_id = _add_village_hub(at)
    shown = _shown(at)
    assert shown == _cli_figures(tmp_path, site_id)
    label, value = shown[0]
    assert label.startswith("Invånare i Kvarnbäcken som nu når dagligvaror inom")
    assert int(value.replace("\u00a0", "")) > 0
    assert at.metric[0].delta == "bättre"
    assert any("Kvarnbäcken" in md.value and "Förslaget ger" in md.value for md in at.markdown)

    name_box = next(box for box in at.text_input if box.label == "Namn")
    name_box.input("Servicepunkt i bygdegården")
    next(b for b in at.button if b.label == "Spara").click().run()
    assert not at.exception, [e.value for e in at.exception]
    choices = at.selectbox(key="scenario_choice")
    assert any("Servicepunkt i bygdegården" in option for option in choices.options)
    assert any("Servicepunkt i Bygdegården" in t.value for t in at.text), "the saved changes stay"
    budget = next(df for df in at.dataframe if "Aktör" in df.value.columns).value
    assert "Totalt" in list(budget["Aktör"])
    change = budget.set_index("Aktör")[CHANGE_COLUMN]
    assert change["Totalt"].startswith("+"), "+ is an increase, as in the key figures"
    assert shown[-1][1] == change["Totalt"], "the budget's total is the headline cost"

    # The council view shows the same figures for the saved scenario.
    saved_id = at.selectbox(key="scenario_choice").value
    at.switch_page("pages/council.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.selectbox(key="council_scenario").set_value(saved_id).run()
    assert not at.exception, [e.value for e in at.exception]
    assert _shown(at) == _cli_figures(tmp_path, site_id)
    assert any(sub.value == "Servicepunkt i bygdegården" for sub in at.subheader)


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


def test_the_optimisers_proposal_opens_as_a_scenario_and_compares_side_by_side() -> None:
    at = _scenario_page()
    next(s for s in at.slider if s.label == "Antal servicepunkter").set_value(1).run()
    at.button(key="run_optimise").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="open_plan").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(t.value.startswith("1. Servicepunkt i") for t in at.text), "the plan's hub"
    assert at.selectbox(key="scenario_choice").value == "__new__"
    # The proposal now has the same figures as a planner's own scenario ...
    assert _shown(at)[-1][0] == "Kostnadsförändring per år, alla aktörer"
    # ... and the two can be put side by side (here: the plan and itself, opened).
    at.toggle(key="compare_on").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(df.value for df in at.dataframe if "Nyckeltal" in df.value.columns)
    assert list(table.columns)[2] == "Optimeringens förslag"
    rows = table.set_index("Nyckeltal")
    gaining = rows.loc["Invånare med kortare restid till minst ett behov"]
    assert gaining.iloc[0] == gaining.iloc[1] != "0", "the same hubs, the same effect"
