"""Picking a hub site by clicking the scenario map (issue 5: "click a site on the map")."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TIMEOUT_MS = 60_000


def test_clicking_a_site_on_the_map_selects_it(planner_page: Any, request_log: Any) -> None:
    page = planner_page
    page.get_by_role("heading", name="Planeringskarta").wait_for(timeout=TIMEOUT_MS)
    page.get_by_role("link", name="Scenarier").click()
    page.get_by_text("Effekter jämfört med nuläget").wait_for(timeout=TIMEOUT_MS)
    site_box = page.get_by_label("Plats", exact=True)
    before = site_box.input_value()
    frame = page.frame_locator('iframe[title*="folium"]').first
    sites = frame.locator(".leaflet-marker-icon:has(.sk-site)")
    sites.first.wait_for(timeout=TIMEOUT_MS)
    assert sites.count() >= 20, "every candidate site is drawn"
    target = sites.last
    name = target.locator(".sk-site").get_attribute("aria-label").split(": ", 1)[1]
    assert not before.startswith(name)
    target.dispatch_event("click")
    page.wait_for_function(
        "([label, name]) => [...document.querySelectorAll('input[aria-label]')]"
        ".some(i => i.getAttribute('aria-label') === label && i.value.startsWith(name))",
        arg=["Plats", name],
        timeout=TIMEOUT_MS,
    )
    assert request_log.foreign() == []
