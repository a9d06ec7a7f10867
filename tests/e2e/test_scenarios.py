"""Scenarios in a real browser (issue 5): a hub in a village hall, before/after, budget, save.

A planner opens Scenarier, puts a service hub in a village hall ("Bygdegården …"), sees the
key figure move, the change listed and a difference map drawn, reads the budget per actor and
downloads it as CSV, saves the scenario, reloads the page (a new session) and opens it again.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from analysis.evaluate import DEFAULT_HUB_CATEGORIES
from tests.e2e.helpers import (
    MAP_IFRAME,
    TIMEOUT_MS,
    choose_matching,
    cut_off_figures,
    expected_effect,
    log_in,
    map_views,
    shown_figures,
    smaller_than,
    wait_idle,
    whole_page_screenshot,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SLOWER = "Invånare med längre restid till någon service"
HUB_TEXT = "Servicepunkt i Bygdegården"
SCENARIO_NAME = "Servicepunkt i bygdegården (e2e)"
HALL = "Bygdegården Kvarnbäcken"
HALL_SITE_ID = "site-044"


def _open_scenarios(page: Any) -> None:
    page.get_by_role("link", name="Scenarier", exact=True).click()
    page.get_by_role("heading", name="Scenarier", exact=True).wait_for(timeout=TIMEOUT_MS)
    page.locator("[data-testid=stMetric]").filter(has_text=SLOWER).first.wait_for(
        timeout=TIMEOUT_MS
    )


def test_hub_in_a_village_hall_budget_save_and_reopen(
    app_server: Any, planner_page: Any, request_log: Any, screenshot_dir: Path
) -> None:
    page = planner_page
    page.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    _open_scenarios(page)
    wait_idle(page)
    assert [label for label, _, _ in shown_figures(page)][-2:] == [
        SLOWER,
        "Kostnadsförändring per år, alla aktörer",
    ]

    site = choose_matching(page, "Plats", HALL)
    wait_idle(page)
    page.get_by_role("button", name="Lägg till servicepunkten").click()
    page.get_by_text(HUB_TEXT).first.wait_for(timeout=TIMEOUT_MS)
    # The figures that matter for this hub, as the engine (and the command line) computes them.
    changes = [{"kind": "hub", "site_id": HALL_SITE_ID, "categories": list(DEFAULT_HUB_CATEGORIES)}]
    expected = expected_effect(changes)
    page.wait_for_function(
        "(label) => [...document.querySelectorAll('[data-testid=stMetricLabel]')]"
        ".some(e => e.textContent.includes(label))",
        arg=expected.figures[0][0][:30],
        timeout=TIMEOUT_MS,
    )
    wait_idle(page)
    shown = shown_figures(page)
    assert shown == expected.figures, (shown, expected.figures)
    label, value, direction = shown[0]
    assert label.startswith("Invånare i") and direction == "bättre", shown
    assert int(value.replace(" ", "")) > 0, shown
    assert cut_off_figures(page) == []
    assert page.get_by_role("heading", name=re.compile(r"Ändringar i scenariot \(1\)")).count()
    assert site.split(" (")[0] in page.get_by_text(HUB_TEXT).first.inner_text()

    # The difference map: Leaflet draws the changed cells in the folium iframe ...
    frame = page.frame_locator(MAP_IFRAME).first
    frame.locator(".leaflet-container").wait_for(timeout=TIMEOUT_MS)
    frame.locator("path.leaflet-interactive").first.wait_for(state="attached", timeout=TIMEOUT_MS)
    assert frame.locator("path.leaflet-interactive").count() > 10
    frame.get_by_text("Ändrad restid", exact=False).first.wait_for(timeout=TIMEOUT_MS)
    # ... and opens on them: every changed cell in view, none under a legend or control, and
    # the view smaller than the region.
    assert expected.cells
    (view,) = map_views(page, expected.cells)
    assert view["outside"] == 0 and view["covered"] == 0, view
    assert smaller_than(view["view"], expected.region_box), (view, expected.region_box)

    # The budget per actor, on screen and as a CSV that Swedish Excel opens.
    budget_heading = page.get_by_role("heading", name="Budget per aktör", exact=False)
    budget_heading.scroll_into_view_if_needed()
    grid = page.locator("[data-testid=stDataFrame]").filter(has_text="Aktör")
    grid.first.wait_for(timeout=TIMEOUT_MS)
    assert "Totalt" in str(grid.first.text_content())  # the grid's accessible table
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Ladda ned budgeten (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:20]
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) >= 3
    assert all(len(row) == len(rows[0]) for row in rows), rows
    assert rows[0][0] == "Aktör", rows[0]
    assert "Förändring (kr)" in rows[0], rows[0]
    actors = [row[0] for row in rows[1:]]
    assert actors[-1] == "Totalt", actors
    assert {"Kommun", "Privat"} <= set(actors), actors

    # Save under a name, then a new session (reload) finds it.
    name_box = page.get_by_label("Namn", exact=True)
    name_box.fill(SCENARIO_NAME)
    page.get_by_role("button", name="Spara", exact=True).click()
    page.get_by_text(f"Scenariot {SCENARIO_NAME} är sparat", exact=False).or_(
        page.get_by_role("button", name="Radera scenariot")
    ).first.wait_for(timeout=TIMEOUT_MS)
    wait_idle(page)
    whole_page_screenshot(page, screenshot_dir / "scenarios.png")
    for width, height in ((1920, 1080), (1024, 768)):
        page.set_viewport_size({"width": width, "height": height})
        wait_idle(page)
        page.locator("[data-testid=stMetric]").first.scroll_into_view_if_needed()
        page.wait_for_timeout(1_000)
        page.screenshot(path=str(screenshot_dir / f"scenarios_{width}x{height}.png"))
        assert cut_off_figures(page) == [], (width, height)
    page.set_viewport_size({"width": 1400, "height": 1000})

    log_in(page, app_server.url, app_server.planner_password)
    _open_scenarios(page)
    wait_idle(page)
    assert page.get_by_text(HUB_TEXT).count() == 0, "a new session starts from today"
    choose_matching(page, "Scenario", SCENARIO_NAME)
    page.get_by_text(HUB_TEXT).first.wait_for(timeout=TIMEOUT_MS)
    assert site.split(" (")[0] in page.get_by_text(HUB_TEXT).first.inner_text()
    assert request_log.foreign() == []
