"""The planner map in a real browser: it draws, offline, with markers, grid and legend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import TIMEOUT_MS, map_frame

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_planner_map_draws_offline(
    planner_page: Any, request_log: Any, screenshot_dir: Path
) -> None:
    page = planner_page
    page.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    frame = map_frame(page)

    markers = frame.locator(".sk-svc[role=img]")
    markers.first.wait_for(timeout=TIMEOUT_MS)
    assert markers.count() >= 5
    assert markers.first.get_attribute("aria-label")
    polygons = frame.locator(".leaflet-sk_fill-pane path.leaflet-interactive")
    assert polygons.count() > 100, "the population grid is drawn"
    assert frame.locator(".leaflet-sk_roads-pane path").count() > 0, "roads are drawn"
    legend = frame.locator(".sk-legend[role=region]")
    assert "Teckenförklaring" in legend.text_content()
    assert "invånare per ruta (250" in legend.text_content()
    assert frame.locator(".leaflet-control-layers").count() == 1
    assert page.get_by_text("fiktiva demodata", exact=False).count() > 0

    page.wait_for_timeout(1500)  # let Leaflet finish drawing before the picture
    page.screenshot(path=str(screenshot_dir / "planner_map.png"), full_page=True)

    assert any(url.endswith("/app/static/leaflet/leaflet.js") for url in request_log.urls)
    assert request_log.foreign() == [], "every request must stay on this machine"


def test_clicking_a_service_shows_its_details(planner_page: Any, request_log: Any) -> None:
    page = planner_page
    page.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    hint = page.get_by_text("Klicka på en servicepunkt", exact=False)
    hint.wait_for(timeout=TIMEOUT_MS)
    frame = map_frame(page)
    # Markers overlap when zoomed out: send the click to one directly, as Leaflet receives it.
    frame.locator(".leaflet-marker-icon:has(.sk-svc)").first.dispatch_event("click")
    hint.wait_for(state="detached", timeout=TIMEOUT_MS)
    assert page.get_by_text("Service", exact=True).count() > 0
    assert request_log.foreign() == []


def test_layer_toggles_and_the_tile_offer_stay_offline(planner_page: Any, request_log: Any) -> None:
    page = planner_page
    page.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    frame = map_frame(page)
    cells = frame.locator(".leaflet-sk_fill-pane path.leaflet-interactive")
    cells.first.wait_for(timeout=TIMEOUT_MS)
    page.get_by_text("Befolkning (rutnät)").click()
    frame = map_frame(page)
    frame.locator(".sk-svc[role=img]").first.wait_for(timeout=TIMEOUT_MS)
    page.wait_for_function(
        """() => {
            const iframe = document.querySelector('iframe[title*="folium"]');
            const doc = iframe && iframe.contentDocument;
            return doc && doc.querySelectorAll('.leaflet-sk_fill-pane path').length === 0;
        }""",
        timeout=TIMEOUT_MS,
    )
    assert "invånare per ruta" not in frame.locator(".sk-legend").text_content()
    # Offering the OpenStreetMap background adds it to the layer menu, switched off: no request.
    page.get_by_text("Erbjud OpenStreetMap", exact=False).click()
    frame = map_frame(page)
    frame.locator(".leaflet-control-layers-overlays").get_by_text(
        "OpenStreetMap", exact=False
    ).wait_for(state="attached", timeout=TIMEOUT_MS)
    page.wait_for_timeout(1000)
    assert request_log.foreign() == []
