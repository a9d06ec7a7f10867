"""Travel times on the planner map in a real browser: layer, legend, cell details, table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import MAP_IFRAME, TIMEOUT_MS, choose

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

MEDICINES = "Läkemedel (apotek eller ombud)"
LEGEND_HAS = """(title) => {
    const doc = document.querySelector('iframe[title*="folium"]')?.contentDocument;
    return !!doc && [...doc.querySelectorAll('.sk-legend')]
        .some(legend => legend.textContent.includes(title));
}"""


def test_travel_time_layer_legend_and_locality_table(
    planner_page: Any, request_log: Any, screenshot_dir: Path
) -> None:
    page = planner_page
    page.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    # Needs first: medicines are met by a pharmacy or a pharmacy agent.
    choose(page, "Restid till", MEDICINES)
    page.get_by_role("heading", name=f"Tillgänglighet per ort: {MEDICINES}, bil").wait_for(
        timeout=TIMEOUT_MS
    )
    frame = page.frame_locator(MAP_IFRAME).first
    legend = frame.locator(".sk-legend-layer[role=region]")
    legend.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(LEGEND_HAS, arg=f"{MEDICINES}, bil", timeout=TIMEOUT_MS)
    assert "min" in legend.text_content()
    # The locality table under the map.
    page.get_by_text("Andelar av invånarna", exact=False).first.wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Andelar av invånarna", exact=False).count() == 1

    page.get_by_text("Cykel", exact=True).first.click()
    page.get_by_role("heading", name=f"Tillgänglighet per ort: {MEDICINES}, cykel").wait_for(
        timeout=TIMEOUT_MS
    )

    # One switch away: the service categories themselves.
    page.get_by_text("Visa per servicekategori i stället för per behov").first.click()
    choose(page, "Restid till", "Apotek")
    page.get_by_role("heading", name="Tillgänglighet per ort: Apotek, cykel").wait_for(
        timeout=TIMEOUT_MS
    )
    page.wait_for_function(LEGEND_HAS, arg="Apotek, cykel", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(screenshot_dir / "planner_travel_times.png"), full_page=True)
    assert request_log.foreign() == []


def test_isochrones_from_a_clicked_point(
    planner_page: Any, request_log: Any, screenshot_dir: Path
) -> None:
    page = planner_page
    page.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Restidszoner från en punkt jag klickar på").click()
    page.get_by_text("Klicka på kartan för att se", exact=False).wait_for(timeout=TIMEOUT_MS)
    frame = page.frame_locator(MAP_IFRAME).first
    container = frame.locator(".leaflet-container")
    container.wait_for(timeout=TIMEOUT_MS)
    box = container.bounding_box()
    container.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    page.wait_for_function(
        """() => {
            const doc = document.querySelector('iframe[title*="folium"]')?.contentDocument;
            return !!doc && [...doc.querySelectorAll('.sk-legend-layer')]
                .some(legend => legend.textContent.includes('inom 30 min'));
        }""",
        timeout=TIMEOUT_MS,
    )
    page.wait_for_timeout(1000)
    page.screenshot(path=str(screenshot_dir / "planner_isochrones.png"))
    assert request_log.foreign() == []
